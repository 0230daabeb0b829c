//! A venue's scanner (`luca-venue`): takes the daily keys, accepts a guest's check-in code, and refuses the
//! same code again (replay), a code from an unknown daily key and a stale one, each with the spec's kind.
//!
//! `cargo run --example scanner`. The other parties come from `luca_examples::town` (examples/src/town.rs).

use luca_client::Guest;
use luca_examples::town::{self, Town};
use luca_protocol::messages::contact_data::ContactFields;
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::server;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = luca_protocol::rng::system()?;
    let now = town::now()?;
    let town = Town::new(&mut rng, now)?;

    // The scanner device: for the venue's id and key, badges verified with the registrar certificate, and
    // today's verified daily key (add each day's key as the office announces it; `purge` drops old ones).
    let mut scanner = town.venue.scanner().with_registrar(town.registrar_cert.clone());
    scanner.add_daily_key(town.daily_key.clone());
    println!("scanner for venue {}, freshness window {} s", scanner.venue_id(), scanner.freshness_window());

    // A guest shows the code of the current minute.
    let mut fields = ContactFields::default();
    fields.first_name = "Max".into();
    fields.last_name = "Schmidt".into();
    fields.phone = "+49 221 1000002".into();
    let mut guest = Guest::register(&mut rng, &fields, DeviceType::Ios, now)?.guest;
    let code = guest.check_in_code(&mut rng, &town.daily_key, now)?;

    // Accepted: the scanner seals the check-in record to the venue key; upload it.
    let scan = scanner.scan(&mut rng, &code.text(), now.plus_secs(3))?;
    assert_eq!(scan.trace_id, code.trace_id);
    // The server runs its own check before storing (docs/SERVER.md).
    server::check_in_record(scan.record.as_bytes(), now.plus_secs(4), server::CHECK_IN_WINDOW_SECS)?;
    println!("accepted: record of {} bytes for trace id {}", scan.record.as_bytes().len(), scan.trace_id);

    // The same code again (a photo of it, a second tap): refused, nothing emitted.
    let replay = scanner.scan(&mut rng, &code.text(), now.plus_secs(10)).err().ok_or("replay accepted")?;
    println!("replayed code refused: {}", replay.kind());
    assert_eq!(replay.kind(), "duplicate_trace_id");

    // A code from three minutes ago: stale.
    let old = guest.check_in_code(&mut rng, &town.daily_key, now.minus_secs(180))?;
    let stale = scanner.scan(&mut rng, &old.text(), now).err().ok_or("stale code accepted")?;
    println!("stale code refused: {}", stale.kind());
    assert_eq!(stale.kind(), "stale");

    // Typed or damaged text: the decoder's kind.
    let damaged = scanner.scan(&mut rng, "NOT A LUCA CODE", now).err().ok_or("garbage accepted")?;
    println!("damaged text refused: {}", damaged.kind());
    Ok(())
}

//! The guest's app (`luca-client`): register, check in at a printed table QR and at a scanner, check out,
//! share the history when tested positive, read the health office's notification list, persist encrypted.
//!
//! `cargo run --example guest_app`. The other parties come from `luca_examples::town` (examples/src/town.rs).

use luca_client::{Guest, ScannedVenue};
use luca_examples::town::{self, HOST, Town};
use luca_protocol::messages::contact_data::ContactFields;
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::state::StateKey;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Production randomness from the operating system: never a seeded generator in an app.
    let mut rng = luca_protocol::rng::system()?;
    let now = town::now()?;
    let town = Town::new(&mut rng, now)?;
    // What the app fetched from the server: today's daily key (verified against the office's certificate
    // by Town, as the app must) and the registrar certificate it pins.
    let (daily, registrar) = (&town.daily_key, &town.registrar_cert);

    // Registration: upload `contact_data`; keep `guest` (it holds every secret).
    let mut fields = ContactFields::default();
    fields.first_name = "Erika".into();
    fields.last_name = "Mustermann".into();
    fields.phone = "+49 30 1234567".into();
    fields.email = "erika@example.org".into();
    let registration = Guest::register(&mut rng, &fields, DeviceType::Android, now)?;
    let mut guest = registration.guest;
    println!("registered; contact data: {} bytes, sealed and signed", registration.contact_data.as_bytes().len());

    // Self check-in: the guest scans the QR printed on table 7.
    let url = town.venue.printed_qr(HOST, Some(7))?.to_url();
    let ScannedVenue::Venue(venue) = Guest::scan_venue_qr(&url, registrar, now)? else {
        return Err("a registered venue cannot be a private meeting".into());
    };
    let check_in = guest.self_check_in(&mut rng, &venue, daily, now)?;
    println!("checked in at {} (table {:?}): upload the record and the table", venue.name(), venue.table());

    // Leaving: the checkout proof only this guest can compute.
    let checkout = guest.checkout(check_in.minute, now.plus_secs(3600))?;
    assert_eq!(checkout.trace_id(), check_in.trace_id);

    // Elsewhere, at a scanner: the app shows a fresh code every minute.
    let code = guest.check_in_code(&mut rng, daily, now.plus_secs(7200))?;
    println!("check-in code for the scanner: {} characters, SVG of {} bytes", code.text().len(), code.svg()?.len());

    // Tested positive: the history of today and the previous 14 days, sealed to the daily key.
    let share = guest.share_history(&mut rng, daily, now.plus_secs(10_800))?;
    println!("history share: {} bytes; the server answers with a TAN to read to the office", share.as_bytes().len());

    // The office's notification list: did anyone access or warn about my check-ins?
    let list = town.office.notification_list(&mut rng, &[check_in.trace_id], &[], now.plus_secs(14_400))?;
    let matches = guest.check_notifications(&list);
    println!("notification list: {} of my check-ins named", matches.len());

    // Persistence, encrypted under a key the platform's keystore holds.
    let key = StateKey::generate(&mut rng);
    let saved = guest.export_state_encrypted(&mut rng, &key)?;
    let restored = Guest::import_state_encrypted(&saved, &key)?;
    assert_eq!(restored.check_ins(), guest.check_ins());
    guest.purge(now.plus_secs(30 * 86_400)); // secrets past retention are erased
    println!("state saved encrypted ({} bytes) and restored", saved.len());
    Ok(())
}

//! The venue owner (`luca-venue`): register the venue, print its table QR codes, and answer a health
//! office's tracing request by consenting for the check-ins in the requested window.
//!
//! `cargo run --example venue_owner`. The other parties come from `luca_examples::town` (examples/src/town.rs).

use luca_client::Guest;
use luca_examples::town::{self, HOST, Town};
use luca_healthoffice::{
    RECOMMENDED_REQUEST_LIFETIME_SECS, RECOMMENDED_WINDOW_AFTER_SECS, RECOMMENDED_WINDOW_BEFORE_SECS, match_check_ins,
};
use luca_protocol::messages::contact_data::ContactFields;
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::qr::render;
use luca_protocol::tan::Tan;
use luca_protocol::time::Validity;
use luca_venue::{StoredCheckIn, Venue};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = luca_protocol::rng::system()?;
    let now = town::now()?;
    let town = Town::new(&mut rng, now)?;

    // Registration: the owner's software makes the venue key and sends the request; the registrar signs
    // a venue descriptor; the owner installs it (verified against the registrar certificate).
    let mut venue = Venue::generate(&mut rng);
    let request = venue.registration_request("Bar Centrale", Some(4));
    let year = Validity { not_before: now, not_after: now.plus_secs(365 * 86_400) };
    let descriptor = town.registrar.register_venue(
        request.venue_id,
        &request.name,
        &request.venue_key,
        request.table_count,
        year,
    )?;
    venue.install_descriptor(descriptor.as_bytes(), &town.registrar_cert, now)?;
    for table in 1..=4 {
        let url = venue.printed_qr(HOST, Some(table))?.to_url();
        println!("table {table}: {}… ({} bytes of SVG)", &url[..48], render::render_svg(&url)?.len());
    }

    // A guest checks in at the scanner; the server stores the record.
    let mut scanner = venue.scanner();
    scanner.add_daily_key(town.daily_key.clone());
    let mut fields = ContactFields::default();
    fields.first_name = "Paul".into();
    fields.last_name = "Meier".into();
    fields.phone = "+49 221 1000003".into();
    let mut guest = Guest::register(&mut rng, &fields, DeviceType::Android, now)?.guest;
    let code = guest.check_in_code(&mut rng, &town.daily_key, now)?;
    let stored = vec![StoredCheckIn {
        record: scanner.scan(&mut rng, &code.text(), now)?.record.to_bytes(),
        additional_data: None,
    }];

    // The guest tests positive; the office traces the history to this venue and asks for consent.
    let share = guest.share_history(&mut rng, &town.daily_key, now.plus_secs(3600))?;
    let tan = Tan::generate(&mut rng);
    let history = town.office.fetch_history(&tan.to_string(), |t| (*t == tan).then(|| share.to_bytes()))?;
    let records: Vec<Vec<u8>> = stored.iter().map(|s| s.record.clone()).collect();
    let window = match_check_ins(&history, &records)
        .first()
        .ok_or("no match")?
        .window(RECOMMENDED_WINDOW_BEFORE_SECS, RECOMMENDED_WINDOW_AFTER_SECS);
    let tracing = town.office.request_tracing(
        &mut rng,
        venue.venue_id(),
        window,
        now.plus_secs(3600),
        RECOMMENDED_REQUEST_LIFETIME_SECS,
    )?;

    // The owner's software verifies the request (office certificate, signature, expiry, this venue) and
    // re-seals the inner records of the window to the office: that is the consent.
    let answer =
        venue.answer_tracing_request(&mut rng, tracing.as_bytes(), &town.office_cert, &stored, now.plus_secs(3700))?;
    println!("consented for {} check-in(s); {} outside the window", answer.consented, answer.outside_window);
    assert_eq!(answer.consented, 1);

    // A request answered after it expired is refused, with the verifier's kind.
    let forged = venue.answer_tracing_request(
        &mut rng,
        tracing.as_bytes(),
        &town.office_cert,
        &stored,
        now.plus_secs(400 * 86_400),
    );
    println!("expired request refused: {}", forged.err().map_or("accepted", |e| e.kind()));
    Ok(())
}

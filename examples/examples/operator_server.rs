//! The operator server (`luca_protocol::server`): the check each upload must pass before it is stored, on
//! real messages of a guest, a venue and a health office, with an in-memory store. docs/SERVER.md says what
//! to index, when to delete and which limits to set.
//!
//! `cargo run --example operator_server`. The other parties come from `luca_examples::town` (examples/src/town.rs).

use luca_client::Guest;
use luca_examples::town::{self, Town};
use luca_healthoffice::{RECOMMENDED_REQUEST_LIFETIME_SECS as LIFETIME, match_check_ins};
use luca_healthoffice::{RECOMMENDED_WINDOW_AFTER_SECS as AFTER, RECOMMENDED_WINDOW_BEFORE_SECS as BEFORE};
use luca_protocol::messages::checkin_record::CheckInRecordIn;
use luca_protocol::messages::contact_data::{ContactDataIn, ContactFields};
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::server::{self, CHECK_IN_WINDOW_SECS};
use luca_protocol::tan::Tan;
use luca_venue::StoredCheckIn;
use std::collections::HashMap;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = luca_protocol::rng::system()?;
    let now = town::now()?;
    let town = Town::new(&mut rng, now)?;
    let mut contact_data: HashMap<_, ContactDataIn> = HashMap::new(); // by user id
    let mut records: HashMap<_, CheckInRecordIn> = HashMap::new(); // by (venue id, trace id)
    let mut history_shares: HashMap<String, Vec<u8>> = HashMap::new(); // by TAN

    // The daily key announcement, checked against the issuing office's certificate.
    let daily = server::daily_key_announcement(town.daily_key.as_bytes(), &town.office_cert, now)?;

    // Contact data: the guest's signature (an update: same user id and key, newer).
    let mut fields = ContactFields::default();
    fields.first_name = "Erika".into();
    fields.last_name = "Muster".into();
    fields.phone = "+49 30 1".into();
    let reg = Guest::register(&mut rng, &fields, DeviceType::Ios, now)?;
    let data = server::contact_data(reg.contact_data.as_bytes(), None)?;
    contact_data.insert(data.user_id(), data);

    // A check-in record: fresh; stored under (venue id, trace id), the first one wins.
    let mut guest = reg.guest;
    let mut scanner = town.venue.scanner();
    scanner.add_daily_key(daily.clone());
    let code = guest.check_in_code(&mut rng, &daily, now)?;
    let scan = scanner.scan(&mut rng, &code.text(), now)?;
    let record = server::check_in_record(scan.record.as_bytes(), now.plus_secs(2), CHECK_IN_WINDOW_SECS)?;
    records.entry((record.venue_id(), record.trace_id())).or_insert(record);

    // A checkout: its proof must hash to the stored record's trace id.
    let checkout = guest.checkout(code.minute, now.plus_secs(1800))?;
    let stored = records.get(&(scan.record.venue_id(), code.trace_id)).ok_or("record not stored")?;
    server::checkout(&checkout.to_bytes(), stored, now.plus_secs(1800))?;

    // A history share: sealed to a daily key in use when made, made just now; answered with a TAN.
    let share = guest.share_history(&mut rng, &daily, now.plus_secs(3600))?;
    let share = server::history_share(share.as_bytes(), std::slice::from_ref(&daily), now.plus_secs(3601))?;
    let tan = Tan::generate(&mut rng);
    history_shares.insert(tan.as_str().to_owned(), share.as_bytes().to_vec());
    println!("history share stored; TAN {tan} (valid {} s, one fetch)", server::TAN_LIFETIME_SECS);

    // The office fetches it by TAN (and the server deletes it), traces, and sends a tracing request.
    let office = &town.office;
    let history = office.fetch_history(&tan.to_string(), |t| history_shares.remove(t.as_str()))?;
    let all: Vec<Vec<u8>> = records.values().map(|r| r.as_bytes().to_vec()).collect();
    let window = match_check_ins(&history, &all).first().ok_or("no match")?.window(BEFORE, AFTER);
    let request = office.request_tracing(&mut rng, town.venue.venue_id(), window, now.plus_secs(3700), LIFETIME)?;
    let request = server::tracing_request(request.as_bytes(), &town.office_cert, now.plus_secs(3700))?;

    // The venue's consent response: bound to the stored request (hash, office, venue).
    let stored: Vec<StoredCheckIn> =
        all.into_iter().map(|record| StoredCheckIn { record, additional_data: None }).collect();
    let answer = town.venue.answer_tracing_request(
        &mut rng,
        request.as_bytes(),
        &town.office_cert,
        &stored,
        now.plus_secs(3800),
    )?;
    for response in &answer.responses {
        server::consent_response(response.as_bytes(), &request)?;
    }
    println!(
        "stored: {} contact data, {} check-in(s), {} consent response(s)",
        contact_data.len(),
        records.len(),
        answer.responses.len()
    );

    // Anything malformed is refused with the spec's kind, and nothing is stored.
    let refused = server::check_in_record(&[0x80], now, CHECK_IN_WINDOW_SECS).err().ok_or("accepted")?;
    println!("malformed check-in refused: {}", refused.kind());
    Ok(())
}

//! The health office (`luca-healthoffice`): fetch an infected guest's history by TAN, find the check-ins by
//! computing the trace ids itself, ask the venue for consent, decrypt and verify the contacts, export them
//! spreadsheet-safe, and publish the notification list.
//!
//! `cargo run --example health_office`. The other parties come from `luca_examples::town` (examples/src/town.rs).

use luca_client::Guest;
use luca_examples::town::{self, Town};
use luca_healthoffice::{HealthOffice, RECOMMENDED_REQUEST_LIFETIME_SECS as LIFETIME, export, match_check_ins};
use luca_healthoffice::{RECOMMENDED_WINDOW_AFTER_SECS as AFTER, RECOMMENDED_WINDOW_BEFORE_SECS as BEFORE};
use luca_protocol::messages::contact_data::ContactFields;
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::tan::Tan;
use luca_venue::StoredCheckIn;
use std::collections::HashMap;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = luca_protocol::rng::system()?;
    let now = town::now()?;
    let mut town = Town::new(&mut rng, now)?;

    // Three guests at the venue's scanner; the server keeps records and contact data.
    let mut scanner = town.venue.scanner();
    scanner.add_daily_key(town.daily_key.clone());
    let (mut stored, mut contact_data, mut guests) = (Vec::new(), HashMap::new(), Vec::new());
    for (i, name) in ["Erika", "Max", "=HYPERLINK(\"http://evil\")"].into_iter().enumerate() {
        let phone = format!("+49 30 100000{i}");
        let mut fields = ContactFields::default();
        fields.first_name = name.into();
        fields.last_name = "Muster".into();
        fields.phone = phone;
        let reg = Guest::register(&mut rng, &fields, DeviceType::Android, now)?;
        let mut guest = reg.guest;
        contact_data.insert(guest.user_id(), reg.contact_data.to_bytes());
        let code = guest.check_in_code(&mut rng, &town.daily_key, now)?;
        let record = scanner.scan(&mut rng, &code.text(), now)?.record.to_bytes();
        stored.push(StoredCheckIn { record, additional_data: None });
        guests.push(guest);
    }

    // Erika tests positive and uploads her history; she reads the TAN to the office on the phone.
    let later = now.plus_secs(3600);
    let share = guests.first().ok_or("no guest")?.share_history(&mut rng, &town.daily_key, later)?;
    let tan = Tan::generate(&mut rng);
    let office = &mut town.office;
    let history = office.fetch_history(&tan.to_string(), |t| (*t == tan).then(|| share.to_bytes()))?;

    // The office computes her trace ids itself (the server never sees a tracing secret) and matches them.
    let records: Vec<Vec<u8>> = stored.iter().map(|s| s.record.clone()).collect();
    let matches = match_check_ins(&history, &records);
    let first = matches.first().ok_or("no check-in found")?;
    println!("{} check-in(s) of the infected guest found", matches.len());

    // One tracing request per venue visited; the venue consents (see the venue_owner example).
    let request = office.request_tracing(&mut rng, first.venue_id, first.window(BEFORE, AFTER), later, LIFETIME)?;
    let answer = town.venue.answer_tracing_request(&mut rng, request.as_bytes(), &town.office_cert, &stored, later)?;
    let mut contacts = Vec::new();
    for response in &answer.responses {
        let consent = office.open_consent_response(response.as_bytes(), &request)?;
        for check_in in &consent.check_ins {
            let data = contact_data.get(&check_in.secrets.user_id).ok_or("no contact data")?;
            contacts.push(office.decrypt_contact(data, check_in)?);
        }
    }
    println!("{} contact(s) decrypted and verified", contacts.len());
    assert_eq!(contacts.len(), 3);

    // Exports treat decrypted text as hostile: the formula is neutralised in CSV.
    let csv = export::to_csv(&contacts);
    assert!(csv.contains("'=HYPERLINK"));
    println!("CSV export: {} lines", csv.lines().count());

    // The guests learn on their devices that their data was accessed (level 0).
    let accessed: Vec<_> = contacts.iter().map(|c| c.trace_id).collect();
    let list = office.notification_list(&mut rng, &accessed, &[], later)?;
    assert!(guests.iter().all(|g| !g.check_notifications(&list).is_empty()));
    let report = office.purge(later.plus_secs(60 * 86_400));
    println!("notification list published; after retention: {report:?}");
    let _ = HealthOffice::import_state(&office.export_state())?;
    Ok(())
}

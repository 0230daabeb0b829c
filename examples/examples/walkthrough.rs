//! The main job: an end-to-end luca run with in-memory stand-ins for the
//! operator server.
//!
//! A trust anchor certifies a health office and the venue registrar; the
//! office rotates its daily key; a venue is registered and its scanner
//! checks in guests who show their QR codes; one guest tests positive and
//! shares their history by TAN; the office computes the trace ids itself,
//! finds the venue, sends a signed tracing request, the venue answers with a
//! consent response bound to it, and the office decrypts and verifies the
//! contact data of everyone who was there at the same time.
//!
//! `cargo run --release --example walkthrough [-- --seed N --guests N]`

// A demo program: indexing into its own in-memory maps and small counters is fine here.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::ExitCode;

use luca_client::Guest;
use luca_healthoffice::{HealthOffice, trace_ids_of_history};
use luca_protocol::ids::{RegistrarId, TraceId, UserId};
use luca_protocol::keys::{RegistrarKey, TrustAnchorKey};
use luca_protocol::messages::checkin_record::CheckInRecordIn;
use luca_protocol::messages::consent_response::ConsentResponseBuilder;
use luca_protocol::messages::contact_data::{ContactDataIn, ContactFields};
use luca_protocol::messages::tracing_request::{TracingRequestIn, TracingWindow};
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::qr::render;
use luca_protocol::signed::daily_key_announcement::DailyKeyAnnouncementIn;
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, HealthOfficeCertificateIn};
use luca_protocol::tan::Tan;
use luca_protocol::time::{UnixTime, Validity};
use luca_venue::Venue;
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};

type Error = Box<dyn std::error::Error>;

struct Args {
    seed: u64,
    guests: usize,
}

fn args() -> Result<Args, Error> {
    let mut a = Args { seed: 2026, guests: 40 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v = it.next().ok_or("missing value")?;
        match flag.as_str() {
            "--seed" => a.seed = v.parse()?,
            "--guests" => a.guests = v.parse()?,
            other => return Err(format!("unknown flag {other}").into()),
        }
    }
    Ok(a)
}

fn fields(i: usize) -> ContactFields {
    ContactFields {
        first_name: format!("Guest{i}"),
        last_name: "Example".into(),
        phone: format!("+49 30 {:07}", 1_000_000 + i),
        email: format!("guest{i}@example.org"),
        street: "Heidestraße".into(),
        house_number: format!("{}", i % 90 + 1),
        postcode: "51147".into(),
        city: "Köln".into(),
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("walkthrough failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<bool, Error> {
    let args = args()?;
    let mut rng = ChaCha20Rng::seed_from_u64(args.seed);
    let t0 = UnixTime(1_795_942_800); // 2026-11-29T09:00:00Z
    let year = Validity { not_before: t0.minus_secs(86_400), not_after: t0.plus_secs(365 * 86_400) };

    // Trust anchor, registrar, health office.
    let anchor = TrustAnchorKey::generate(&mut rng);
    let _registrar = RegistrarKey::generate(&mut rng);
    let _registrar_id = RegistrarId::random(&mut rng);
    let mut office = HealthOffice::generate(&mut rng);
    let cert = HealthOfficeCertificate::issue(
        &anchor,
        office.id(),
        "Gesundheitsamt Köln",
        &office.signing_public_key(),
        &office.encryption_public_key(),
        year,
    )?;
    // Everyone verifies the certificate against the pinned trust anchor.
    let cert = HealthOfficeCertificateIn::from_slice(cert.as_bytes())?.verify(&anchor.public_key(), t0)?;
    println!("health office certified: {}", cert.name());

    // Daily key: rotated, announced, verified by scanners and apps.
    office.install_certificate(cert.as_bytes(), &anchor.public_key(), t0)?;
    let rotation = office.rotate_daily_key(&mut rng, t0, &[])?;
    let daily = DailyKeyAnnouncementIn::from_slice(rotation.announcement.as_bytes())?.verify(&cert, t0)?;

    // A venue and its scanner; the in-memory server stores records by venue.
    let venue = Venue::generate(&mut rng);
    let mut scanner = venue.scanner();
    scanner.add_daily_key(daily.clone());
    let mut server_records: Vec<Vec<u8>> = Vec::new();
    let mut server_contact_data: HashMap<UserId, Vec<u8>> = HashMap::new();

    // Guests register and check in over two hours; the ground truth is kept.
    let mut guests = Vec::new();
    for i in 0..args.guests {
        let reg = Guest::register(&mut rng, &fields(i), DeviceType::Android, t0)?;
        server_contact_data.insert(reg.guest.user_id(), reg.contact_data.as_bytes().to_vec());
        guests.push(reg.guest);
    }
    let mut visits: BTreeMap<usize, (UnixTime, UnixTime)> = BTreeMap::new();
    for (i, guest) in guests.iter_mut().enumerate() {
        let arrive = t0.plus_secs(60 * u64::from(rng.next_u32() % 180));
        let code = guest.check_in_code(&mut rng, &daily, arrive)?;
        let record = scanner.scan(&mut rng, &code.text(), arrive.plus_secs(5))?.record;
        server_records.push(record.as_bytes().to_vec());
        visits.insert(i, (arrive, arrive.plus_secs(45 * 60)));
        if i == 0 {
            std::fs::create_dir_all("target/walkthrough")?;
            std::fs::write("target/walkthrough/guest-qr.svg", render::render_svg(&code.text())?)?;
            println!("guest QR ({} chars, version {}):", code.text().len(), render::qr_version(&code.text())?);
            println!("{}", render::render_terminal(&code.text())?);
        }
    }
    println!("{} check-ins stored by the server", server_records.len());

    // Guest 0 tests positive: shares the history, reads the TAN to the office.
    let infected = 0usize;
    let later = t0.plus_secs(3 * 86_400);
    let share = guests[infected].share_history(&mut rng, &daily, later)?;
    let tan = Tan::generate(&mut rng);
    let mut server_shares = HashMap::new();
    server_shares.insert(tan.to_string(), share.as_bytes().to_vec());
    println!("history shared, TAN {tan}");
    let opened = office.open_history_share(&server_shares[&Tan::parse(&tan.to_string())?.to_string()])?;
    // The office computes the trace ids itself and matches them against the records.
    let history: HashMap<TraceId, _> = trace_ids_of_history(&opened).into_iter().collect();
    let mut windows = Vec::new();
    for bytes in &server_records {
        let record = CheckInRecordIn::from_slice(bytes)?;
        if let Some(minute) = history.get(&record.trace_id()) {
            windows.push((record.venue_id(), minute.start()));
        }
    }
    println!("office found {} check-in(s) of the infected guest", windows.len());

    // Tracing request to the venue for the window around each visit.
    let mut traced: BTreeSet<UserId> = BTreeSet::new();
    for (venue_id, at) in windows {
        let window = TracingWindow { from: at.minus_secs(45 * 60 - 60), to: at.plus_secs(45 * 60) };
        let request = office.request_tracing(&mut rng, venue_id, window, later, 86_400)?;
        // The venue verifies the request and consents.
        let verified = TracingRequestIn::from_slice(request.as_bytes())?.verify(&cert, venue.venue_id(), later)?;
        let mut builder = ConsentResponseBuilder::new(&verified, &cert)?;
        for bytes in &server_records {
            let record = CheckInRecordIn::from_slice(bytes)?;
            let t = record.checkin_minute().start();
            if record.venue_id() == venue.venue_id() && verified.window().contains(t) {
                let inner = venue.open_record(&record)?;
                builder.add(&mut rng, record.trace_id(), record.checkin_minute(), &inner, None)?;
            }
        }
        let response = builder.finish();
        // The office opens the consent response and decrypts the contacts.
        for check_in in office.open_consent_response(response.as_bytes(), &request)?.check_ins {
            let secrets = check_in.secrets;
            let data = ContactDataIn::from_slice(&server_contact_data[&secrets.user_id])?;
            let contact = data.open(&secrets.user_id, &secrets.data_secret)?;
            if contact.user_id != guests[infected].user_id() {
                traced.insert(contact.user_id);
            }
        }
    }

    // Ground truth: who overlapped with the infected guest's visit.
    let (a0, a1) = visits[&infected];
    let truth: BTreeSet<UserId> = visits
        .iter()
        .filter(|(i, (b0, b1))| **i != infected && *b0 < a1 && a0 < *b1)
        .map(|(i, _)| guests[*i].user_id())
        .collect();
    let found = traced.intersection(&truth).count();
    let wrong = traced.difference(&truth).count();
    println!("traced contacts: {found} of {} co-present guests, {wrong} wrong", truth.len());
    Ok(found == truth.len() && wrong == 0 && !truth.is_empty())
}

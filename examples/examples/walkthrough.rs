//! The main job: a town of guests, venues and health offices over two weeks,
//! with an in-memory stand-in for the untrusted operator server.
//!
//! A trust anchor certifies several health offices and the venue registrar.
//! Every day the key committee (the first `--committee` offices) runs the
//! distributed key generation of the daily key: each member ends with a share,
//! no office with the whole private key, and any `--threshold` of them can open
//! what is sealed to it; `--threshold` members sign the committee key
//! announcement that apps and scanners accept (PROTOCOL.md §13.4). Venues are registered,
//! print their QR codes and run scanners. Hundreds of guests check in —
//! with the app at a scanner, by self check-in at a printed table QR, with a
//! badge (guests without a phone) or as one-off guests without app or badge —
//! and check out; a private meeting takes place. Then one guest tests
//! positive: their office fetches the history by TAN and opens it with the
//! partial decryptions of `--threshold` − 1 co-offices, computes the trace ids
//! itself, asks every venue in the history for consent, opens the consented
//! check-ins the same way (one request per daily key), decrypts and verifies
//! the contacts, exports them, and publishes a notification list that the
//! guests' devices match.
//!
//! The simulation knows who was really co-present with the infected guest, so
//! it ends by comparing, on a line of exactly this form, and exits non-zero
//! unless every co-present guest was traced and nobody else:
//!
//! `traced contacts: X of Y co-present guests, Z wrong`
//!
//! Options (flags or environment; `--help` lists them): `--seed N` (`LUCA_SEED`, default 2026),
//! `--guests N` (`LUCA_GUESTS`, 300), `--badges N` (`LUCA_BADGES`, 12),
//! `--no-app N` (`LUCA_NO_APP`, 20), `--venues N` (`LUCA_VENUES`, 10),
//! `--offices N` (`LUCA_OFFICES`, 5), `--committee N` (`LUCA_COMMITTEE`, 5, at most `--offices`),
//! `--threshold T` (`LUCA_THRESHOLD`, 3, 1 to `--committee`; 1: any single member opens, the old
//! single-office behaviour made explicit), `--days N` (`LUCA_DAYS`, 14), `--out DIR` (`LUCA_OUT`).
//! QR codes and the export are written to `walkthrough/` in the workspace's target directory,
//! whatever the current directory, and only when the run succeeds: a failed run leaves the
//! previous output in place.
//!
//! `cargo run --release --example walkthrough [-- --seed N ...]`

// A demo program: indexing into its own in-memory tables and small counters is fine here.
#![allow(clippy::indexing_slicing, clippy::arithmetic_side_effects)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::ExitCode;

use clap::Parser;
use luca_authority::{Registrar, TrustAnchor};
use luca_client::{BadgeOwner, Guest, OneOffGuest, ScannedVenue, SelfCheckIn};
use luca_examples::{OutputDir, WalkthroughArgs, plural};
use luca_healthoffice::{
    HealthOffice, PendingOpening, RECOMMENDED_REQUEST_LIFETIME_SECS, ThresholdOpened, export, match_check_ins,
};
use luca_protocol::ids::{DailyKeyId, HealthOfficeId, TraceId, UserId, VenueId};
use luca_protocol::messages::checkout::MAX_STAY_SECS;
use luca_protocol::messages::contact_data::ContactFields;
use luca_protocol::messages::tracing_request::TracingWindow;
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::qr::render;
use luca_protocol::server;
use luca_protocol::signed::daily_key_announcement::DailyKeyAnnouncementIn;
use luca_protocol::signed::health_office_certificate::HealthOfficeCertificate;
use luca_protocol::tan::Tan;
use luca_protocol::threshold::announcement::CommitteeKeyAnnouncement;
use luca_protocol::threshold::partial::PartialDecryptionRequest;
use luca_protocol::time::{UnixMinute, UnixTime, Validity};
use luca_venue::{PrivateMeetingHost, Scanner, StoredCheckIn, Venue};
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};

type Error = Box<dyn std::error::Error>;

/// Where printed venue QR codes point.
const HOST: &str = "luca.example";
/// Opening hours: 10:00 to 22:00 UTC.
const OPENS: u64 = 10 * 3600;
const CLOSES: u64 = 22 * 3600;

struct Config {
    seed: u64,
    guests: usize,
    badges: usize,
    no_app: usize,
    venues: usize,
    offices: usize,
    committee: usize,
    threshold: u16,
    days: u32,
}

impl From<&WalkthroughArgs> for Config {
    fn from(a: &WalkthroughArgs) -> Self {
        let n = |v: u32| v as usize; // lossless: usize is at least 32 bits on every target luca builds for
        Config {
            seed: a.seed,
            guests: n(a.guests),
            badges: n(a.badges),
            no_app: n(a.no_app),
            venues: n(a.venues),
            offices: n(a.offices),
            committee: usize::from(a.committee),
            threshold: a.threshold,
            days: a.days,
        }
    }
}

/// Invented but valid contact data for person `i`.
fn fields(i: usize) -> ContactFields {
    const FIRST: [&str; 8] = ["Erika", "Max", "Aylin", "Jonas", "Mia", "Lukas", "Zeynep", "Paul"];
    const LAST: [&str; 6] = ["Mustermann", "Schmidt", "Yılmaz", "Müller", "Nowak", "Weber"];
    ContactFields {
        first_name: format!("{}{i}", FIRST[i % FIRST.len()]),
        last_name: LAST[i % LAST.len()].to_owned(),
        phone: format!("+49 221 {:07}", 1_000_000 + i),
        email: format!("person{i}@example.org"),
        street: "Heidestraße".to_owned(),
        house_number: format!("{}", i % 120 + 1),
        postcode: "51147".to_owned(),
        city: "Köln".to_owned(),
    }
}

/// The untrusted operator server: it validates and stores what it is sent, using only
/// `luca_protocol::server`, and never holds a secret.
#[derive(Default)]
struct OperatorServer {
    contact_data: HashMap<UserId, Vec<u8>>,
    records: Vec<StoredRecord>,
    by_trace: HashMap<(VenueId, TraceId), usize>,
    history_shares: HashMap<String, Vec<u8>>,
    announcements: Vec<CommitteeKeyAnnouncement>,
    rejected: usize,
}

struct StoredRecord {
    venue_id: VenueId,
    minute: UnixMinute,
    bytes: Vec<u8>,
    additional_data: Option<Vec<u8>>,
    checkout: Option<UnixTime>,
}

impl OperatorServer {
    fn register(&mut self, bytes: &[u8]) -> Result<(), Error> {
        let data = server::contact_data(bytes, None)?;
        self.contact_data.insert(data.user_id(), bytes.to_vec());
        Ok(())
    }

    fn check_in(&mut self, record: &[u8], additional: Option<&[u8]>, now: UnixTime) -> Result<(), Error> {
        let r = server::check_in_record(record, now, server::CHECK_IN_WINDOW_SECS)?;
        let key = (r.venue_id(), r.trace_id());
        if self.by_trace.contains_key(&key) {
            self.rejected += 1;
            return Err("duplicate trace id".into());
        }
        let additional_data = match additional {
            Some(a) => Some(server::additional_data(a, &r)?.as_bytes().to_vec()),
            None => None,
        };
        self.by_trace.insert(key, self.records.len());
        self.records.push(StoredRecord {
            venue_id: r.venue_id(),
            minute: r.checkin_minute(),
            bytes: record.to_vec(),
            additional_data,
            checkout: None,
        });
        Ok(())
    }

    fn check_out(&mut self, venue: VenueId, checkout: &[u8], now: UnixTime) -> Result<(), Error> {
        let trace = luca_protocol::messages::checkout::CheckoutIn::from_slice(checkout)?.trace_id();
        let idx = *self.by_trace.get(&(venue, trace)).ok_or("no such check-in")?;
        let record = luca_protocol::messages::checkin_record::CheckInRecordIn::from_slice(&self.records[idx].bytes)?;
        let c = server::checkout(checkout, &record, now)?;
        self.records[idx].checkout = Some(c.checkout_at());
        Ok(())
    }

    /// Venue-wide checkout by the owner (authenticated by the owner's session, not by the protocol).
    fn close_venue(&mut self, venue: VenueId, at: UnixTime) {
        for r in self.records.iter_mut().filter(|r| r.venue_id == venue && r.checkout.is_none()) {
            r.checkout = Some(at);
        }
    }

    fn stay(&self, venue: VenueId, trace: TraceId) -> Option<(UnixTime, UnixTime)> {
        let r = &self.records[*self.by_trace.get(&(venue, trace))?];
        let start = r.minute.start();
        Some((start, r.checkout.unwrap_or(start.plus_secs(MAX_STAY_SECS))))
    }

    /// What the server hands a venue for a tracing request: its records in the window.
    fn records_for(&self, venue: VenueId, window: &TracingWindow) -> Vec<StoredCheckIn> {
        self.records
            .iter()
            .filter(|r| r.venue_id == venue && window.contains_minute(r.minute))
            .map(|r| StoredCheckIn { record: r.bytes.clone(), additional_data: r.additional_data.clone() })
            .collect()
    }
}

/// Who a person is, as far as the simulation (not the protocol) knows.
enum Person {
    App(Box<Guest>),
    Badge { owner: Box<BadgeOwner>, qr_text: String },
    NoApp { fields: ContactFields },
}

/// Ground truth: one visit of one person.
struct Visit {
    person: usize,
    venue: usize,
    arrive: UnixTime,
    depart: UnixTime,
}

fn main() -> ExitCode {
    // clap prints --help and --version and exits 0; a bad option prints what is wrong and exits 2.
    let args = WalkthroughArgs::parse();
    if let Err(e) = args.validate() {
        e.exit();
    }
    let out = match OutputDir::create(args.out_dir()) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("walkthrough failed: cannot create the output folder {}: {e}", args.out_dir().display());
            return ExitCode::FAILURE;
        }
    };
    match run(&Config::from(&args), &out) {
        Ok(Outcome::Traced) => match out.commit() {
            Ok(dir) => {
                println!("outputs written to {}", dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("walkthrough failed: cannot write the output folder: {e}");
                ExitCode::FAILURE
            }
        },
        Ok(Outcome::Failed(why)) => {
            eprintln!("walkthrough failed: {why}; previous outputs left in place");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("walkthrough failed: {e}; previous outputs left in place");
            ExitCode::FAILURE
        }
    }
}

/// How a completed run ended.
enum Outcome {
    /// Every co-present guest was traced, nobody else, and every co-present app guest was warned.
    Traced,
    /// The run completed, but the check did not hold; the reason.
    Failed(String),
}

#[allow(clippy::too_many_lines)]
fn run(cfg: &Config, out: &OutputDir) -> Result<Outcome, Error> {
    let write = |name: &str, contents: &str| out.write(name, contents);
    let mut rng = ChaCha20Rng::seed_from_u64(cfg.seed);
    let start_day = UnixTime(1_795_910_400).day(); // 2026-11-29
    let t0 = start_day.start();
    let end = start_day.plus_days(cfg.days + 1).start();
    let term = Validity { not_before: t0.minus_secs(86_400), not_after: t0.plus_secs(365 * 86_400) };
    let mut server = OperatorServer::default();

    // --- Trust anchor, registrar, health offices -------------------------------------
    let anchor = TrustAnchor::generate(&mut rng);
    let mut registrar = Registrar::generate(&mut rng);
    let reg_cert = anchor.certify_registrar(&registrar.registration_request("luca Venue Registrar")?, term)?;
    registrar.install_certificate(reg_cert.as_bytes(), &anchor.public_key(), t0)?;
    let registrar_cert = registrar.certificate().ok_or("registrar not certified")?.clone();

    let mut offices = Vec::new();
    let mut certs: Vec<HealthOfficeCertificate> = Vec::new();
    for i in 0..cfg.offices {
        let mut office = HealthOffice::generate(&mut rng);
        let cert = anchor.certify_health_office(&office.certificate_request(&format!("Gesundheitsamt {i}"))?, term)?;
        office.install_certificate(cert.as_bytes(), &anchor.public_key(), t0)?;
        certs.push(cert);
        offices.push(office);
    }
    println!("trust anchor certified {} health offices and the registrar", offices.len());

    // Badge key (long-lived), rotated by office 0 and shared with the others.
    let now = t0.plus_secs(8 * 3600);
    let rotation = offices[0].rotate_badge_key(&mut rng, luca_protocol::ids::BadgeKeyId(1), now, &certs)?;
    for share in &rotation.shares {
        let to = offices.iter().position(|o| o.id() == share.recipient()).ok_or("unknown recipient")?;
        offices[to].import_key_share(share.as_bytes(), rotation.announcement.as_bytes(), &certs[0], now)?;
    }
    let badge_key = DailyKeyAnnouncementIn::from_slice(rotation.announcement.as_bytes())?.verify(&certs[0], now)?;

    // --- Venues, scanners, printed QR codes --------------------------------------------
    let mut venues = Vec::new();
    let mut scanners: Vec<Scanner> = Vec::new();
    for i in 0..cfg.venues {
        let mut venue = Venue::generate(&mut rng);
        let req = venue.registration_request(&format!("Café {i}"), Some(12));
        let descriptor = registrar.register_venue(req.venue_id, &req.name, &req.venue_key, req.table_count, term)?;
        venue.install_descriptor(descriptor.as_bytes(), &registrar_cert, t0)?;
        scanners.push(venue.scanner().with_registrar(registrar_cert.clone()));
        venues.push(venue);
    }
    write("venue-table-3.svg", &render::render_svg(&venues[0].printed_qr(HOST, Some(3))?.to_url())?)?;

    // --- People ---------------------------------------------------------------------------
    let mut people: Vec<Person> = Vec::new();
    let mut person_of: HashMap<UserId, usize> = HashMap::new();
    for i in 0..cfg.guests {
        let device = if i % 2 == 0 { DeviceType::Android } else { DeviceType::Ios };
        let reg = Guest::register(&mut rng, &fields(i), device, t0)?;
        server.register(reg.contact_data.as_bytes())?;
        person_of.insert(reg.guest.user_id(), people.len());
        people.push(Person::App(Box::new(reg.guest)));
    }
    for i in 0..cfg.badges {
        // The registrar issues the badge; its owner personalises it with the printed serial.
        let issued = registrar.issue_badge(&mut rng, &badge_key, now)?;
        let owner = BadgeOwner::from_serial(&issued.serial.to_printed())?;
        let data = owner.personalise(&mut rng, &fields(cfg.guests + i), now)?;
        server.register(data.as_bytes())?;
        if i == 0 {
            write("badge.svg", &render::render_svg(&issued.qr.to_base32())?)?;
        }
        person_of.insert(owner.user_id(), people.len());
        people.push(Person::Badge { owner: Box::new(owner), qr_text: issued.qr.to_base32() });
    }
    for i in 0..cfg.no_app {
        people.push(Person::NoApp { fields: fields(cfg.guests + cfg.badges + i) });
    }
    println!(
        "{} guests with the app, {} with badges, {} without either; {} venues",
        cfg.guests,
        cfg.badges,
        cfg.no_app,
        venues.len()
    );

    // --- Two weeks of check-ins ----------------------------------------------------------
    let mut visits: Vec<Visit> = Vec::new();
    let mut daily_keys: BTreeMap<u32, CommitteeKeyAnnouncement> = BTreeMap::new();
    let mut self_check_ins = 0usize;
    for d in 0..=cfg.days {
        let day = start_day.plus_days(d);
        let morning = day.start().plus_secs(8 * 3600);
        // The key committee runs the DKG of today's daily key: each member keeps a share.
        let committee = cfg.committee;
        let key_id = committee_dkg(&mut rng, &mut offices[..committee], &certs[..committee], cfg.threshold, morning)?;
        // Every committee member signs the committee key announcement of its own DKG result; any
        // `--threshold` signatures make it a key apps and scanners accept (PROTOCOL.md §13.4). Here
        // all members sign, and the first `--threshold` of them are assembled.
        let mut signatures = Vec::new();
        let mut draft = None;
        for office in &offices[..committee] {
            let (d, sig) = office.sign_committee_key(key_id)?;
            draft.get_or_insert(d);
            signatures.push(sig);
        }
        let draft = draft.ok_or("an empty committee")?;
        let announcement = draft.assemble(&signatures[..usize::from(cfg.threshold)]);
        // Apps, scanners and the server verify it: t valid signatures of listed, certified members.
        let daily = server::committee_key_announcement(&announcement, &certs, morning)?;
        for s in &mut scanners {
            s.add_daily_key(daily.clone());
        }
        server.announcements.push(daily.clone());
        daily_keys.insert(d, daily.clone());
        if d == cfg.days {
            break; // the day of the positive test: no more visits
        }

        for (p, person) in people.iter_mut().enumerate() {
            // The infected guest (person 0) goes out every day; the others on about half of the days.
            if p != 0 && rng.next_u32() % 100 >= 50 {
                continue;
            }
            let v = usize::try_from(rng.next_u32())? % venues.len();
            let arrive_min = OPENS / 60 + u64::from(rng.next_u32()) % ((CLOSES - OPENS) / 60 - 180);
            let arrive = day.start().plus_secs(arrive_min * 60);
            let stay = 60 * (20 + u64::from(rng.next_u32() % 130));
            let mut depart = arrive.plus_secs(stay);
            let venue_id = venues[v].venue_id();
            match person {
                Person::App(guest) => {
                    let (trace_minute, record_ok) = if rng.next_u32() % 10 < 7 {
                        // At the scanner: the guest shows the QR, the scanner seals the record.
                        let code = guest.check_in_code(&mut rng, &daily, arrive)?;
                        let scan = scanners[v].scan(&mut rng, &code.text(), arrive.plus_secs(4))?;
                        if p == 0 && d == 0 {
                            write("guest-qr.svg", &code.svg()?)?;
                            println!(
                                "guest QR ({} chars, version {}):",
                                code.text().len(),
                                render::qr_version(&code.text())?
                            );
                            println!("{}", render::render_terminal(&code.text())?);
                        }
                        (code.minute, server.check_in(scan.record.as_bytes(), None, arrive.plus_secs(5)))
                    } else {
                        // Self check-in at a printed table QR, verified through the registrar.
                        let table = 1 + (rng.next_u32() % 12) as u16;
                        let url = venues[v].printed_qr(HOST, Some(table))?.to_url();
                        let ScannedVenue::Venue(venue) = Guest::scan_venue_qr(&url, &registrar_cert, arrive)? else {
                            return Err("a registered venue scanned as a private meeting".into());
                        };
                        let SelfCheckIn { record, additional_data, minute, .. } =
                            guest.self_check_in(&mut rng, &venue, &daily, arrive)?;
                        self_check_ins += 1;
                        let additional = additional_data.as_ref().map(|a| a.as_bytes());
                        (minute, server.check_in(record.as_bytes(), additional, arrive.plus_secs(5)))
                    };
                    record_ok?;
                    let checkout = guest.checkout(trace_minute, depart)?;
                    server.check_out(venue_id, &checkout.to_bytes(), depart)?;
                }
                Person::Badge { owner, qr_text } => {
                    let scan = scanners[v].scan(&mut rng, qr_text, arrive.plus_secs(4))?;
                    server.check_in(scan.record.as_bytes(), None, arrive.plus_secs(5))?;
                    let checkout = owner.checkout(scan.minute, depart);
                    server.check_out(venue_id, &checkout.to_bytes(), depart)?;
                }
                Person::NoApp { fields } => {
                    // A one-off identity for this visit only; the venue checks everyone out at closing.
                    let target = (venue_id, venues[v].public_key());
                    let one = OneOffGuest::check_in(&mut rng, fields, &daily, target, arrive)?;
                    server.register(one.contact_data.as_bytes())?;
                    person_of.insert(one.contact_data.user_id(), p);
                    server.check_in(one.record.as_bytes(), None, arrive.plus_secs(5))?;
                    depart = day.start().plus_secs(CLOSES);
                }
            }
            visits.push(Visit { person: p, venue: v, arrive, depart });
        }
        for (venue, scanner) in venues.iter().zip(scanners.iter_mut()) {
            let closing = venue.checkout_all(day.start().plus_secs(CLOSES));
            server.close_venue(closing.venue_id, closing.at);
            scanner.purge(day.start().plus_secs(CLOSES));
        }
    }
    println!(
        "{} over {} ({} self check-ins, {} refused by the server)",
        plural(server.records.len(), "check-in"),
        plural(cfg.days as usize, "day"),
        self_check_ins,
        server.rejected
    );

    // --- A private meeting: the host learns the names, and only the host ---------------
    let meeting_day = start_day.plus_days(cfg.days / 2);
    let host = PrivateMeetingHost::new(
        &mut rng,
        "Birthday at Erika's",
        Validity { not_before: meeting_day.start(), not_after: meeting_day.plus_days(1).start() },
    )?;
    let meeting_url = host.qr(HOST)?.to_url();
    write("private-meeting.svg", &render::render_svg(&meeting_url)?)?;
    let at = meeting_day.start().plus_secs(19 * 3600);
    let meeting_key = &daily_keys[&(cfg.days / 2)];
    let mut meeting_records = Vec::new();
    for p in 1..people.len().min(7) {
        if let Person::App(guest) = &mut people[p] {
            let ScannedVenue::PrivateMeeting(meeting) = Guest::scan_venue_qr(&meeting_url, &registrar_cert, at)? else {
                return Err("a private meeting scanned as a venue".into());
            };
            let f = fields(p);
            let c = guest.check_in_private_meeting(
                &mut rng,
                &meeting,
                meeting_key,
                &format!("{} {}", f.first_name, f.last_name),
                at,
            )?;
            meeting_records.push(StoredCheckIn {
                record: c.record.as_bytes().to_vec(),
                additional_data: c.additional_data.map(|a| a.as_bytes().to_vec()),
            });
        }
    }
    let names = host.read_guests(&meeting_records).iter().filter(|g| g.name.is_some()).count();
    println!("private meeting: the host read {names} guest names");

    // --- Person 0 tests positive and shares their history by TAN -------------------------
    let positive = start_day.plus_days(cfg.days).start().plus_secs(9 * 3600);
    let Person::App(infected) = &people[0] else { return Err("person 0 has the app".into()) };
    let infected_user = infected.user_id();
    let share = infected.share_history(&mut rng, &daily_keys[&cfg.days], positive)?;
    server::history_share(share.as_bytes(), &server.announcements, positive)?;
    let tan = Tan::generate(&mut rng);
    server.history_shares.insert(tan.to_string(), share.as_bytes().to_vec());
    let read_out = tan.to_string().to_lowercase(); // read aloud on the phone, typed by the office
    // The tracing office is committee member 1; it opens with its own share and those of
    // `--threshold` − 1 co-offices.
    let tracer = 0;
    let office = &offices[tracer];
    let office_cert = &certs[tracer];
    let typed = Tan::parse(&read_out)?;
    let share_bytes = server.history_shares.get(&typed.to_string()).ok_or("no history share for the TAN")?;
    let case = format!("history share of TAN {typed}").into_bytes();
    let mut opening = office.threshold_opening();
    opening.add_history_share(share_bytes)?;
    let pending = opening.request_partials(positive, 600, &case, &responders(&offices, tracer, cfg))?;
    let opened = threshold_round(&mut rng, &offices, &certs, tracer, cfg, pending, positive, &case)?;
    let history = opened.histories.into_iter().next().ok_or("the history share was not opened")??;
    println!(
        "history shared with TAN {tan}: {} of tracing secrets, opened by {} of {} committee offices",
        plural(history.days.len(), "day"),
        cfg.threshold,
        cfg.committee
    );

    // The office computes the trace ids itself and matches the server's records.
    let matches = match_check_ins(&history, server.records.iter().map(|r| r.bytes.as_slice()));
    println!("the office found {} of the infected guest", plural(matches.len(), "check-in"));

    // --- Consent, decryption, export --------------------------------------------------------
    let venue_index: HashMap<VenueId, usize> = venues.iter().enumerate().map(|(i, v)| (v.venue_id(), i)).collect();
    let mut contacts = Vec::new();
    let mut accessed: Vec<TraceId> = Vec::new();
    let mut traced: BTreeSet<usize> = BTreeSet::new();
    // Every consent response first (their guest QRs are sealed to daily keys no office holds),
    // then one threshold round for all of them: one partial-decryption request per daily key.
    let mut opening = office.threshold_opening();
    let mut stays: Vec<(UnixTime, UnixTime)> = Vec::new(); // the infected guest's stay, per response
    let mut authorization: Vec<u8> = Vec::new(); // the signed tracing requests the encs come from
    for m in &matches {
        let (a0, a1) = server.stay(m.venue_id, m.trace_id).ok_or("matched record vanished")?;
        // Everyone who checked in between the start of that day and the infected guest's checkout.
        let window = TracingWindow { from: a0.day().start(), to: a1.plus_secs(1) };
        let request =
            office.request_tracing(&mut rng, m.venue_id, window, positive, RECOMMENDED_REQUEST_LIFETIME_SECS)?;
        server::tracing_request(request.as_bytes(), office_cert, positive)?;
        authorization.extend_from_slice(request.as_bytes());
        let venue = &venues[*venue_index.get(&m.venue_id).ok_or("unknown venue")?];
        let stored = server.records_for(m.venue_id, &window);
        let answer = venue.answer_tracing_request(&mut rng, request.as_bytes(), office_cert, &stored, positive)?;
        for response in &answer.responses {
            server::consent_response(response.as_bytes(), &request)?;
            opening.add_consent_response(response.as_bytes(), &request)?;
            stays.push((a0, a1));
        }
    }
    let pending = opening.request_partials(positive, 600, &authorization, &responders(&offices, tracer, cfg))?;
    let keys = pending.requests().count();
    let encs: usize = pending.requests().map(|r| r.encs().len()).sum();
    let opened = threshold_round(&mut rng, &offices, &certs, tracer, cfg, pending, positive, &authorization)?;
    println!(
        "consented check-ins: {} opened with partial decryptions ({} for {})",
        plural(encs, "guest QR"),
        plural(keys, "request"),
        plural(keys, "daily key")
    );
    for (opened, &(a0, a1)) in opened.consents.iter().zip(&stays) {
        if let Some(u) = opened.unreadable.first() {
            return Err(format!("a consented check-in did not open: {}", u.error).into());
        }
        for check_in in &opened.check_ins {
            if check_in.secrets.user_id == infected_user {
                continue;
            }
            // Co-present: the stays overlap (check-in and checkout times are server metadata).
            let (b0, b1) = server.stay(check_in.venue_id, check_in.trace_id).ok_or("unknown record")?;
            if !(b0 < a1 && a0 < b1) {
                continue;
            }
            let data = server.contact_data.get(&check_in.secrets.user_id).ok_or("no contact data")?;
            let contact = office.decrypt_contact(data, check_in)?;
            traced.insert(*person_of.get(&contact.user_id).ok_or("unknown person")?);
            accessed.push(check_in.trace_id);
            contacts.push(contact);
        }
    }
    write("contacts.json", &export::to_json(&contacts))?;
    write("contacts.csv", &export::to_csv(&contacts))?;
    println!("{} decrypted, verified and exported (contacts.json, contacts.csv)", plural(contacts.len(), "contact"));

    // --- Notifications: every guest's device checks the signed list --------------------
    let warned: Vec<(TraceId, u8)> = accessed.iter().map(|t| (*t, 2)).collect();
    let list = office.notification_list(&mut rng, &accessed, &warned, positive)?;
    let list = server::notification_list(list.as_bytes(), office_cert, positive)?;
    let mut warned_devices = 0usize;
    for person in &people {
        if let Person::App(guest) = person
            && guest.user_id() != infected_user
            && !guest.check_notifications(&list).is_empty()
        {
            warned_devices += 1;
        }
    }

    // --- Erasure: two days after the last retention period, nothing is left -------------
    let purged = offices.iter_mut().map(|o| o.purge(end.plus_secs(30 * 86_400)).daily_key_shares_erased).sum::<usize>();

    // --- Ground truth ---------------------------------------------------------------------
    let mut truth: BTreeSet<usize> = BTreeSet::new();
    for a in visits.iter().filter(|v| v.person == 0) {
        for b in visits.iter().filter(|b| b.person != 0 && b.venue == a.venue) {
            if b.arrive.minute().start() < a.depart && a.arrive.minute().start() < b.depart {
                truth.insert(b.person);
            }
        }
    }
    let app_truth = truth.iter().filter(|p| matches!(people[**p], Person::App(_))).count();
    let badge_truth = truth.iter().filter(|p| matches!(people[**p], Person::Badge { .. })).count();
    println!(
        "co-present with the infected guest: {}, {}, {} without app or badge",
        plural(app_truth, "app guest"),
        plural(badge_truth, "badge holder"),
        plural(truth.len() - app_truth - badge_truth, "guest")
    );
    println!(
        "notification list: {} hashes; {warned_devices} of {app_truth} co-present app guests were warned on their device",
        list.hashes().len()
    );
    println!("retention: {purged} expired daily key shares erased by the committee offices");
    let found = traced.intersection(&truth).count();
    let wrong = traced.difference(&truth).count();
    println!("traced contacts: {found} of {} co-present guests, {wrong} wrong", truth.len());
    Ok(if truth.is_empty() {
        Outcome::Failed("nobody was co-present with the infected guest, so there is nothing to trace (try more guests or days, or another --seed)".into())
    } else if found != truth.len() {
        Outcome::Failed(format!("{} of {} co-present guests were not traced", truth.len() - found, truth.len()))
    } else if wrong != 0 {
        Outcome::Failed(format!("{} traced who were not co-present", plural(wrong, "guest")))
    } else if warned_devices != app_truth {
        Outcome::Failed(format!("{warned_devices} of {app_truth} co-present app guests were warned on their device"))
    } else {
        Outcome::Traced
    })
}

/// The DKG of the daily key of `now`'s day among `members` (certificates `certs`, the same order),
/// every message through its bytes as the operator server would relay it. Returns the key id.
fn committee_dkg(
    rng: &mut ChaCha20Rng,
    members: &mut [HealthOffice],
    certs: &[HealthOfficeCertificate],
    threshold: u16,
    now: UnixTime,
) -> Result<DailyKeyId, Error> {
    let mut started = Vec::with_capacity(members.len());
    for office in members.iter() {
        started.push(office.start_committee_dkg(rng, certs, threshold, now)?);
    }
    let dealings: Vec<Vec<u8>> = started.iter().map(|s| s.dealing.as_bytes().to_vec()).collect();
    let mut received = Vec::with_capacity(members.len());
    for (s, office) in started.into_iter().zip(members.iter()) {
        received.push(s.dkg.receive(office, &dealings)?);
    }
    let complaints: Vec<Vec<u8>> =
        received.iter().flat_map(|r| r.complaints.iter().map(|c| c.as_bytes().to_vec())).collect();
    let mut justifications: Vec<Vec<u8>> = Vec::new();
    for (r, office) in received.iter().zip(members.iter()) {
        justifications.extend(r.dkg.justify(office, &complaints)?.iter().map(|j| j.as_bytes().to_vec()));
    }
    let mut key_id = None;
    for (r, office) in received.into_iter().zip(members.iter_mut()) {
        let installed = r.dkg.finish(office, &complaints, &justifications)?;
        if !installed.disqualified.is_empty() {
            return Err("an honest committee member was disqualified".into());
        }
        key_id = Some(installed.daily_key_id);
    }
    key_id.ok_or_else(|| "an empty committee".into())
}

/// The committee offices the tracing office asks for partials (the request names them): itself
/// and the next `threshold − 1` committee members.
fn responders(offices: &[HealthOffice], tracer: usize, cfg: &Config) -> Vec<HealthOfficeId> {
    std::iter::once(tracer)
        .chain((0..cfg.committee).filter(|&i| i != tracer))
        .take(usize::from(cfg.threshold))
        .map(|i| offices[i].id())
        .collect()
}

/// The tracing office's threshold round: the offices the requests name answer every request of
/// `pending` (each co-office's policy: only the tracing office, only for this case), and the
/// answers are verified and combined.
#[allow(clippy::too_many_arguments)]
fn threshold_round(
    rng: &mut ChaCha20Rng,
    offices: &[HealthOffice],
    certs: &[HealthOfficeCertificate],
    tracer: usize,
    cfg: &Config,
    mut pending: PendingOpening,
    now: UnixTime,
    authorization: &[u8],
) -> Result<ThresholdOpened, Error> {
    let asked = responders(offices, tracer, cfg);
    let members: Vec<usize> =
        offices.iter().enumerate().filter(|(_, o)| asked.contains(&o.id())).map(|(i, _)| i).collect();
    let tracing_office = offices[tracer].id();
    let requests: Vec<PartialDecryptionRequest> = pending.requests().cloned().collect();
    for request in &requests {
        for &m in &members {
            // A real policy would parse the authorization and check every enc against it.
            let policy =
                |r: &PartialDecryptionRequest| r.requester() == tracing_office && r.authorization() == authorization;
            let answer = offices[m].answer_partial_decryption(rng, request.as_bytes(), &certs[tracer], now, policy)?;
            pending.accept(request.daily_key_id(), answer.as_bytes())?;
        }
    }
    Ok(pending.finish())
}

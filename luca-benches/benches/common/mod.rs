//! Benchmark fixtures built with the real role APIs (trust anchor, health office, guest app, venue scanner)
//! from a seeded ChaCha20Rng, shared by `healthoffice.rs` and `matching_memory.rs`.

#![allow(dead_code, unreachable_pub)]

use std::collections::HashMap;

use luca_authority::TrustAnchor;
use luca_client::Guest;
use luca_healthoffice::{HealthOffice, HistoryMatch};
use luca_protocol::ids::{TraceId, UserId};
use luca_protocol::messages::checkin_record::CheckInRecordIn;
use luca_protocol::messages::contact_data::ContactFields;
use luca_protocol::messages::history_share::OpenedHistoryShare;
use luca_protocol::messages::tracing_request::{TracingRequest, TracingWindow};
use luca_protocol::qr::guest::DeviceType;
use luca_protocol::signed::daily_key_announcement::DailyKeyAnnouncement;
use luca_protocol::signed::health_office_certificate::HealthOfficeCertificate;
use luca_protocol::time::{SECONDS_PER_DAY, UnixTime, Validity};
use luca_venue::{Scanner, StoredCheckIn, Venue};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;

/// The crypto backend compiled in (feature `aws-lc` of this crate, or of luca-protocol).
pub const BACKEND: &str = luca_protocol::CRYPTO_BACKEND;
/// 2026-11-29T09:00:00Z.
pub const NOW: UnixTime = UnixTime(1_795_942_800);
/// Days of the traced history: today and the 13 days before (14 × 1,440 = 20,160 trace ids).
pub const HISTORY_DAYS: u32 = 14;
/// Check-ins of the infected guest among the stored records.
pub const INFECTED_CHECK_INS: usize = 50;
/// Other guests, and check-ins each, whose genuine records are the templates of the stored records.
pub const OTHER_GUESTS: usize = 6;
pub const OTHER_CHECK_INS: usize = 40;

pub fn rng(seed: u64) -> ChaCha20Rng {
    ChaCha20Rng::seed_from_u64(seed)
}

pub fn fields(first: &str) -> ContactFields {
    let mut f = ContactFields::default();
    f.first_name = first.into();
    f.last_name = "Mustermann".into();
    f.phone = "+49 30 1234567".into();
    f.email = "guest@example.org".into();
    f.street = "Heidestraße".into();
    f.house_number = "17".into();
    f.postcode = "51147".into();
    f.city = "Köln".into();
    f
}

/// The start of the day `back` days before `NOW`'s.
pub fn day_start(back: u32) -> UnixTime {
    NOW.day().minus_days(back).start()
}

/// A trust anchor and a certified health office (valid from 20 days before `NOW` for a year).
pub struct Office {
    pub anchor: TrustAnchor,
    pub office: HealthOffice,
    pub cert: HealthOfficeCertificate,
}

pub fn validity() -> Validity {
    Validity { not_before: NOW.minus_secs(20 * SECONDS_PER_DAY), not_after: NOW.plus_secs(365 * SECONDS_PER_DAY) }
}

pub fn office(rng: &mut ChaCha20Rng, name: &str) -> Office {
    let anchor = TrustAnchor::generate(rng);
    let mut office = HealthOffice::generate(rng);
    let cert = anchor.certify_health_office(&office.certificate_request(name).unwrap(), validity()).unwrap();
    office.install_certificate(cert.as_bytes(), &anchor.public_key(), NOW).unwrap();
    let cert = office.certificate().unwrap().clone();
    Office { anchor, office, cert }
}

/// The office rotates the daily key of each of the last `HISTORY_DAYS` days (oldest first), at 00:30 of that day.
pub fn daily_keys(rng: &mut ChaCha20Rng, office: &mut HealthOffice) -> Vec<DailyKeyAnnouncement> {
    (0..HISTORY_DAYS)
        .rev()
        .map(|back| office.rotate_daily_key(rng, day_start(back).plus_secs(1_800), &[]).unwrap().announcement)
        .collect()
}

/// A scanner of `venue` knowing every daily key.
pub fn scanner(venue: &Venue, keys: &[DailyKeyAnnouncement]) -> Scanner {
    let mut s = venue.scanner();
    for k in keys {
        s.add_daily_key(k.clone());
    }
    s
}

/// `guest` shows a check-in code at `at` (sealed to that day's key) and the scanner seals its record.
pub fn check_in(
    rng: &mut ChaCha20Rng,
    guest: &mut Guest,
    scanner: &mut Scanner,
    keys: &[DailyKeyAnnouncement],
    at: UnixTime,
) -> Vec<u8> {
    let back = NOW.day().0 - at.day().0;
    let key = &keys[keys.len() - 1 - back as usize];
    let code = guest.check_in_code(rng, key, at).unwrap();
    scanner.scan(rng, &code.text(), at).unwrap().record.to_bytes()
}

/// The time of check-in `k` of `count` spread over the history: day `k · 14 / count`, between 08:00 and 22:00.
fn spread(k: usize, count: usize, salt: u64) -> UnixTime {
    let back = (HISTORY_DAYS as usize - 1 - k * HISTORY_DAYS as usize / count) as u32;
    let minute = (k as u64 * 37 + salt * 11) % (14 * 60);
    day_start(back).plus_secs(8 * 3_600 + minute * 60 + 5)
}

/// One history's trace ids against the server's stored check-in records.
pub struct MatchingFixture {
    /// The infected guest's 14-day history, opened by the office.
    pub history: OpenedHistoryShare,
    /// Genuine records of other guests (templates) and where their trace id sits in the encoding.
    pub pool: Vec<(Vec<u8>, usize)>,
    /// The infected guest's genuine records (the ones that match).
    pub planted: Vec<Vec<u8>>,
    /// The matches `planted` gives, sorted.
    pub expected: Vec<HistoryMatch>,
}

/// Built with the real APIs: an office with 14 daily keys, three venues with scanners, the infected guest's
/// `INFECTED_CHECK_INS` check-ins over the 14 days and its history share, and `OTHER_GUESTS × OTHER_CHECK_INS`
/// genuine records of other guests.
pub fn matching_fixture(seed: u64) -> MatchingFixture {
    let mut rng = rng(seed);
    let Office { mut office, .. } = office(&mut rng, "Gesundheitsamt Bench");
    let keys = daily_keys(&mut rng, &mut office);
    let venues: Vec<Venue> = (0..3).map(|_| Venue::generate(&mut rng)).collect();
    let mut scanners: Vec<Scanner> = venues.iter().map(|v| scanner(v, &keys)).collect();
    let first_day = day_start(HISTORY_DAYS - 1);
    let mut infected =
        Guest::register(&mut rng, &fields("Erika"), DeviceType::Android, first_day.plus_secs(3_600)).unwrap().guest;
    let planted: Vec<Vec<u8>> = (0..INFECTED_CHECK_INS)
        .map(|k| check_in(&mut rng, &mut infected, &mut scanners[k % 3], &keys, spread(k, INFECTED_CHECK_INS, 0)))
        .collect();
    let mut pool = Vec::new();
    for g in 0..OTHER_GUESTS {
        let mut guest =
            Guest::register(&mut rng, &fields("Max"), DeviceType::Ios, first_day.plus_secs(3_600)).unwrap().guest;
        for k in 0..OTHER_CHECK_INS {
            let bytes = check_in(
                &mut rng,
                &mut guest,
                &mut scanners[(k + g) % 3],
                &keys,
                spread(k, OTHER_CHECK_INS, g as u64 + 1),
            );
            let trace_id = CheckInRecordIn::from_slice(&bytes).unwrap().trace_id();
            let offset = bytes.windows(16).position(|w| w == trace_id.as_bytes()).unwrap();
            pool.push((bytes, offset));
        }
    }
    let share = infected.share_history(&mut rng, keys.last().unwrap(), NOW).unwrap();
    let history = office.open_history_share(share.as_bytes()).unwrap();
    assert_eq!(history.days.len(), HISTORY_DAYS as usize);
    let mut expected: Vec<HistoryMatch> = planted
        .iter()
        .map(|b| {
            let r = CheckInRecordIn::from_slice(b).unwrap();
            HistoryMatch { minute: r.checkin_minute(), venue_id: r.venue_id(), trace_id: r.trace_id() }
        })
        .collect();
    expected.sort();
    expected.dedup();
    assert_eq!(expected.len(), INFECTED_CHECK_INS);
    let fx = MatchingFixture { history, pool, planted, expected };
    // Every kind of fixture record decodes.
    for r in RecordStream::new(&fx, 2 * fx.pool.len()) {
        CheckInRecordIn::from_slice(&r).unwrap();
    }
    fx
}

/// SplitMix64: a cheap deterministic stream of made-up trace ids.
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// `n` stored records produced lazily (as a scan of the server's store would): copies of the pool's genuine
/// records with made-up trace ids, and the infected guest's records planted at regular positions. Memory: one
/// record at a time.
pub struct RecordStream<'a> {
    fx: &'a MatchingFixture,
    n: usize,
    i: usize,
    stride: usize,
}

impl<'a> RecordStream<'a> {
    pub fn new(fx: &'a MatchingFixture, n: usize) -> Self {
        assert!(n >= fx.planted.len());
        Self { fx, n, i: 0, stride: n / fx.planted.len() }
    }
}

impl Iterator for RecordStream<'_> {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        if self.i >= self.n {
            return None;
        }
        let i = self.i;
        self.i += 1;
        if i % self.stride == self.stride / 2
            && let Some(r) = self.fx.planted.get(i / self.stride)
        {
            return Some(r.clone());
        }
        let (template, offset) = &self.fx.pool[i % self.fx.pool.len()];
        let mut r = template.clone();
        let a = splitmix64(i as u64);
        let b = splitmix64(a);
        r[*offset..*offset + 8].copy_from_slice(&a.to_be_bytes());
        r[*offset + 8..*offset + 16].copy_from_slice(&b.to_be_bytes());
        Some(r)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.n - self.i;
        (left, Some(left))
    }
}

/// A venue's consent response with `n` check-ins (one guest each, one minute apart from 03:00 today), and the
/// guests' contact data as the server stores it.
pub struct ConsentFixture {
    pub office: HealthOffice,
    pub request: TracingRequest,
    pub response: Vec<u8>,
    pub contact_data: HashMap<UserId, Vec<u8>>,
    pub trace_ids: Vec<TraceId>,
}

pub fn consent_fixture(seed: u64, n: usize) -> ConsentFixture {
    let mut rng = rng(seed);
    let Office { mut office, cert, .. } = office(&mut rng, "Gesundheitsamt Bench");
    let keys = daily_keys(&mut rng, &mut office);
    let venue = Venue::generate(&mut rng);
    let mut scanner = scanner(&venue, &keys);
    let start = day_start(0).plus_secs(3 * 3_600);
    let mut stored = Vec::with_capacity(n);
    let mut contact_data = HashMap::new();
    let mut trace_ids = Vec::new();
    for i in 0..n {
        let at = start.plus_secs(60 * i as u64 + 5);
        let reg = Guest::register(&mut rng, &fields("Gast"), DeviceType::Android, at).unwrap();
        let mut guest = reg.guest;
        contact_data.insert(guest.user_id(), reg.contact_data.to_bytes());
        let record = check_in(&mut rng, &mut guest, &mut scanner, &keys, at);
        trace_ids.push(CheckInRecordIn::from_slice(&record).unwrap().trace_id());
        stored.push(StoredCheckIn { record, additional_data: None });
    }
    let window = TracingWindow { from: start, to: start.plus_secs(60 * n as u64 + 60) };
    let request = office.request_tracing(&mut rng, venue.venue_id(), window, NOW, SECONDS_PER_DAY).unwrap();
    let answer = venue.answer_tracing_request(&mut rng, request.as_bytes(), &cert, &stored, NOW).unwrap();
    assert_eq!(answer.consented, n);
    assert_eq!(answer.responses.len(), 1);
    let response = answer.responses[0].to_bytes();
    ConsentFixture { office, request, response, contact_data, trace_ids }
}

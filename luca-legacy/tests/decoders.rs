//! Every decoder is total: random bytes and texts, mutated codes, empty and 10 MB inputs give a specific
//! error, never a panic; secrets and personal data are redacted in `Debug`; no error text carries input.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::arithmetic_side_effects, missing_docs)]

use luca_legacy::*;
use rand_chacha::ChaCha20Rng;
use rand_core::{Rng as _, SeedableRng as _};

fn random_bytes(rng: &mut ChaCha20Rng, max: usize) -> Vec<u8> {
    let mut v = vec![0u8; (rng.next_u32() as usize) % (max + 1)];
    rng.fill_bytes(&mut v);
    v
}

#[test]
fn random_and_structured_inputs_never_panic() {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let alphabet: Vec<char> =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=abcdefghijklmnopqrstuvwxyz0189.-:+^!/*?&<>()[]{}@%$#".chars().collect();
    let mut rejected = 0usize;
    for i in 0..20_000 {
        let mut b = random_bytes(&mut rng, 200);
        // Half of them shaped like legacy codes: version 3/4, a device type, the usual lengths.
        if i % 2 == 0 && !b.is_empty() {
            b[0] = [3, 4][i % 4 / 2];
            if b.len() > 1 && i % 8 < 4 {
                b[1] = 2;
            }
            let len = [75, 100, 101, 152, 180][i % 5];
            b.resize(len, 0xa5);
        }
        rejected += usize::from(LegacyCode::from_bytes(&b).is_err());
        let _ = LegacyInnerRecord::from_bytes(&b);
        let _ = LegacyGuestQr::from_bytes(&b);
        let _ = LegacyBadgeQr::from_bytes(&b);
        let n = (rng.next_u32() % 260) as usize;
        let t: String = (0..n).map(|_| alphabet[(rng.next_u32() as usize) % alphabet.len()]).collect();
        let _ = ScannedLegacyCode::from_text(&t);
        let _ = looks_legacy(&t);
        let _ = LegacyBadgeSerial::parse(&t[..t.len().min(20)]);
        let _ = LegacyVenueQr::from_url(&format!("https://h/webapp/{t}"));
        let _ = LegacyCheckInRecord::from_json(&t);
        let _ = LegacyAdditionalData::from_json(&format!("{{\"traceId\":\"{t}\"}}"));
        let ds = DataSecret::from_slice(&[1; 16]).unwrap();
        let _ = decrypt_contact_data(ContactOwner::App, &ds, &b[..b.len().min(16)], &b, &b[..b.len().min(32)]);
    }
    assert!(rejected > 19_000, "{rejected}");
}

#[test]
fn oversized_inputs_are_refused_by_size_first() {
    let big = vec![b'A'; 10 * 1024 * 1024];
    let text = std::str::from_utf8(&big).unwrap();
    assert_eq!(ScannedLegacyCode::from_text(text), Err(DecodeError::TooLong { max: 512, got: big.len() }));
    assert_eq!(LegacyBadgeQr::from_bytes(&big), Err(DecodeError::TooLong { max: 420, got: big.len() }));
    assert_eq!(
        LegacyGuestQr::from_bytes(&[&[3u8][..], &big].concat()),
        Err(DecodeError::WrongLength { what: "guest_qr", expected: 100, got: big.len() + 1 })
    );
    assert_eq!(LegacyBadgeSerial::parse(text).unwrap_err(), SerialError::BadFormat);
    let ds = DataSecret::from_slice(&[1; 16]).unwrap();
    assert_eq!(
        decrypt_contact_data(ContactOwner::App, &ds, &[0; 16], &big, &[0; 32]),
        Err(ContactDataError::Decode(DecodeError::TooLong { max: 4096, got: big.len() }))
    );
    assert_eq!(LegacyVenueQr::from_url(text), Err(DecodeError::TooLong { max: 2048, got: big.len() }));
    assert_eq!(LegacyCheckInRecord::from_json(text), Err(DecodeError::TooLong { max: 8192, got: big.len() }));
    assert_eq!(ScannedLegacyCode::from_text(""), Err(DecodeError::Empty));
    assert_eq!(LegacyCode::from_bytes(&[]), Err(DecodeError::Empty));
}

#[test]
fn secrets_and_personal_data_are_redacted() {
    let ds = DataSecret::from_slice(&[0xab; 16]).unwrap();
    assert_eq!(format!("{ds:?}"), "DataSecret(<redacted>)");
    assert_eq!(format!("{:?}", TracingSecret::from_slice(&[1; 16]).unwrap()), "TracingSecret(<redacted>)");
    assert_eq!(format!("{:?}", UserId::from_bytes([2; 16])), "UserId(<redacted>)");
    assert_eq!(format!("{:?}", DailyPrivateKey::from_slice(&[3; 32]).unwrap()), "DailyPrivateKey(<redacted>)");
    assert_eq!(
        format!("{:?}", BadgeVerificationKey::from_slice(&[4; 16]).unwrap()),
        "BadgeVerificationKey(<redacted>)"
    );
    let serial = LegacyBadgeSerial::parse("ABCD-EFGH-JKM0").unwrap();
    let shown = format!("{serial:?}");
    assert!(shown.contains("SerialEntropy(<redacted>)") && shown.contains("V3"), "{shown}");
    let s = CheckInSecrets { user_id: UserId::from_bytes([5; 16]), data_secret: ds };
    assert_eq!(format!("{s:?}"), "CheckInSecrets { user_id: UserId(<redacted>), data_secret: DataSecret(<redacted>) }");
    assert_eq!(UserId::from_bytes([0x0f; 16]).to_uuid_string(), "0f0f0f0f-0f0f-0f0f-0f0f-0f0f0f0f0f0f");
}

#[test]
fn error_texts_carry_no_input() {
    let code = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPJQWEY3EMVTGO2DJNJVWY3LON5YHC4TTOR2XM53YPF5GC";
    for e in [ScannedLegacyCode::from_text(code).unwrap_err(), LegacyCode::from_bytes(b"\x03secret").unwrap_err()] {
        let t = e.to_string();
        assert!(!t.contains("MFRGG") && !t.contains("secret") && !t.contains("73"), "{t}");
    }
    assert_eq!(OpenError.to_string(), "decryption failed");
}

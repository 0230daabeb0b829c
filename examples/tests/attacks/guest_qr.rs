//! Attacks, section 1. guest QR bytes (docs/THREAT-MODEL.md §3).

use super::*;

/// What the scanner does with a guest QR whose checksum was recomputed after
/// one byte changed: the decoder's or the scanner's rejection, or acceptance
/// (the change is then caught by the HPKE AAD at the health office).
fn expected_scan(pos: usize, b: &[u8; 109], now: UnixTime) -> Option<&'static str> {
    match pos {
        0 => Some("unsupported_version"),
        1 => (b[1] & QrFlags::DEVICE_TYPE_MASK >= 4).then_some("invalid_field"),
        2 | 3 => Some("unknown_daily_key"),
        4..=7 => {
            let start = UnixMinute(u32::from_be_bytes([b[4], b[5], b[6], b[7]])).start();
            if start.plus_secs(DEFAULT_FRESHNESS_SECS) < now {
                Some("stale")
            } else if start > now.plus_secs(DEFAULT_FRESHNESS_SECS) {
                Some("from_future")
            } else {
                None
            }
        }
        // `enc`: a compressed P-256 point, or the decoder rejects it (checked
        // independently of the decoder, with the p256 crate).
        24..=56 => p256::PublicKey::from_sec1_bytes(&b[24..57]).is_err().then_some("invalid_point"),
        _ => None,
    }
}

#[test]
fn attack_tampered_qr_every_byte() {
    let mut t = Town::new(1);
    let code = t.alice.check_in_code(&mut t.rng, &t.daily, NOW).unwrap();
    let bytes = code.qr.to_bytes();
    assert_eq!((bytes.len(), bytes[0], bytes[1]), (109, 0x01, 0x01), "guest QR v1 of an Android app");
    let server_before = t.server.clone();

    // (a) Every bit of every byte, and every byte inverted, checksum as printed.
    for pos in 0..bytes.len() {
        for mask in [0x01u8, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff] {
            let mut b = bytes;
            b[pos] ^= mask;
            let err = t.scanner.scan(&mut t.rng, &base32(&b), NOW).unwrap_err();
            let want = match (pos, b[0]) {
                // 0x11 is the badge type byte: the badge decoder reads the flags
                // byte 0x01 as a complete CBOR item followed by trailing bytes.
                (0, 0x11) => DecodeError::TrailingBytes,
                (0, got) => DecodeError::UnsupportedVersion { got: u64::from(got) },
                _ => DecodeError::BadChecksum,
            };
            assert_eq!(err, ScanError::Malformed(want.clone()), "byte {pos} ^ {mask:#04x}");
            assert_eq!(err.kind(), want.kind());
        }
    }
    // Nothing was emitted, stored or remembered: the genuine code still checks in.
    assert_eq!(t.server, server_before);
    let genuine = t.scan(&code.text(), NOW);
    assert_eq!(genuine.trace_id, code.trace_id);

    // (b) Each body byte changed and the checksum recomputed (anyone can: it
    // is not a MAC), scanned by a scanner that has not seen the trace id.
    let mut emitted = 0;
    let cases: Vec<(usize, u8)> =
        (0..GuestCheckInQr::BODY_LENGTH).map(|p| (p, 0x01)).chain([(0, 0xff), (1, 0xff), (24, 0xff)]).collect();
    for (pos, mask) in cases {
        let mut b = bytes;
        b[pos] ^= mask;
        let checksum = derive::qr_checksum(&b[..GuestCheckInQr::BODY_LENGTH]);
        b[GuestCheckInQr::BODY_LENGTH..].copy_from_slice(&checksum);
        let mut scanner = t.fresh_scanner();
        let result = scanner.scan(&mut t.rng, &base32(&b), NOW);
        match expected_scan(pos, &b, NOW) {
            Some(kind) => assert_eq!(result.unwrap_err().kind(), kind, "byte {pos} ^ {mask:#04x}"),
            None => {
                // The header is still well-formed: the scanner cannot tell and
                // emits a record, which the server validates and keeps unless
                // it holds one with that trace id already.
                let scan = result.unwrap();
                let stored = t.server.check_in(scan.record.as_bytes(), NOW).unwrap();
                assert_eq!(stored, (8..24).contains(&pos), "byte {pos}: only a new trace id is stored");
                emitted += 1;
            }
        }
        // Whatever the scanner said, a code that decodes never opens at the
        // health offices: no user id or data secret comes out.
        if let Ok(qr) = GuestCheckInQr::from_bytes(&b) {
            let inner = InnerRecord::Guest(qr);
            let want = if (2..4).contains(&pos) {
                TracingError::UnknownDailyKey
            } else {
                TracingError::Open(OpenError::DecryptionFailed)
            };
            assert_eq!(t.office_a.open_inner_record(&inner).unwrap_err(), want, "byte {pos}");
            assert_eq!(t.office_b.open_inner_record(&inner).unwrap_err(), want, "byte {pos}");
        }
    }
    // Flags, minute ± 1, 16 trace-id bytes, the sign of `enc`, 48 ciphertext
    // bytes, and the X bytes of `enc` that still give a point on the curve.
    assert!(emitted >= 1 + 1 + 16 + 1 + 48, "{emitted} tampered codes passed the scanner");

    // The venue consents; office A opens the response: only the genuine
    // check-in decrypts, every tampered record is unreadable.
    let (_, _, opened) = t.trace(NOW.plus_secs(HOUR));
    assert_eq!(opened.check_ins.len(), 1);
    assert_eq!(opened.check_ins[0].secrets.user_id, t.alice.user_id());
    assert_eq!(opened.check_ins[0].trace_id, code.trace_id);
    assert_eq!(opened.unreadable.len(), 16, "one per stored tampered trace id");
    for u in &opened.unreadable {
        assert_eq!(u.error, TracingError::Open(OpenError::DecryptionFailed));
        assert_eq!(u.error.kind(), "decryption_failed");
    }
}

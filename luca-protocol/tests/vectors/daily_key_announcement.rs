//! Test vectors: daily and badge key announcements (spec: docs/PROTOCOL.md §7.2).
//!
//! Every case is self-contained: the trust anchor's public key, the issuing
//! health office's certificate (`issuer_certificate`), the `announcement`
//! bytes, `now` and the `mode` (`verify`: the key must be in use at `now`, as
//! for guests and scanners; `verify_for_retention`: the key may still be held
//! at `now`, as for health offices). `expect` is the outcome of: decode the
//! announcement, decode the certificate, verify the certificate under the
//! anchor at `now`, verify the announcement against it at `now` in `mode`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

use ciborium::Value;
use luca_protocol::ids::{DailyKeyId, HealthOfficeId};
use luca_protocol::keys::{
    BadgePrivateKey, DailyPrivateKey, EncryptionPublicKey, HealthOfficeMasterKeys, HealthOfficeSigningKey,
    SignaturePublicKey, TrustAnchorKey,
};
use luca_protocol::signed::daily_key_announcement::{DailyKeyAnnouncement, DailyKeyAnnouncementIn, KeyPurpose};
use luca_protocol::signed::health_office_certificate::{HealthOfficeCertificate, HealthOfficeCertificateIn};
use luca_protocol::time::{UnixTime, Validity};
use serde_json::{Value as Json, json};

use crate::certificates::{
    DAY, Y2026, Y2028, b, flip_last, framing_cases, msg, non_canonical_version, protected_with, replace, sig_structure,
    sign1, u, with_unprotected,
};
use crate::common::{self, Topic, hex};

const CT: &str = "application/luca.v1.daily-key-announcement";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Use,
    Retention,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Self::Use => "verify",
            Self::Retention => "verify_for_retention",
        }
    }
}

fn run(bytes: &[u8], cert: &[u8], anchor: &SignaturePublicKey, now: UnixTime, mode: Mode) -> String {
    let ann = match DailyKeyAnnouncementIn::from_slice(bytes) {
        Ok(a) => a,
        Err(e) => return e.kind().to_string(),
    };
    let cert = match HealthOfficeCertificateIn::from_slice(cert).map(|c| c.verify(anchor, now)) {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return e.kind().to_string(),
        Err(e) => return e.kind().to_string(),
    };
    let r = match mode {
        Mode::Use => ann.verify(&cert, now),
        Mode::Retention => ann.verify_for_retention(&cert, now),
    };
    match r {
        Ok(_) => "ok".to_string(),
        Err(e) => e.kind().to_string(),
    }
}

struct Ctx {
    anchor_pub: SignaturePublicKey,
}

impl Ctx {
    #[allow(clippy::too_many_arguments)]
    fn case(
        &self,
        t: &mut Topic,
        name: &str,
        expect: &str,
        bytes: &[u8],
        cert: &[u8],
        now: UnixTime,
        mode: Mode,
        extra: Json,
    ) {
        let got = run(bytes, cert, &self.anchor_pub, now, mode);
        assert_eq!(got, expect, "{name}");
        let mut fields = json!({
            "mode": mode.name(),
            "anchor_public_key": hex(self.anchor_pub.to_bytes()),
            "issuer_certificate": hex(cert),
            "now": now.0,
            "announcement": hex(bytes),
        });
        if let (Json::Object(f), Json::Object(e)) = (&mut fields, extra) {
            f.extend(e);
        }
        t.case(name, &got, fields);
    }
}

#[allow(clippy::too_many_arguments)]
fn payload(version: u64, purpose: u64, key_id: u64, issuer: &[u8], key: &[u8], nb: u64, na: u64, ru: u64) -> Vec<u8> {
    msg(vec![u(version), u(purpose), u(key_id), b(issuer), b(key), u(nb), u(na), u(ru)])
}

fn ho_cert(anchor: &TrustAnchorKey, id: HealthOfficeId, keys: &HealthOfficeMasterKeys, nb: u64, na: u64) -> Vec<u8> {
    HealthOfficeCertificate::issue(
        anchor,
        id,
        "Gesundheitsamt Köln",
        &keys.signing.public_key(),
        &keys.encryption.public_key(),
        Validity { not_before: UnixTime(nb), not_after: UnixTime(na) },
    )
    .unwrap()
    .to_bytes()
}

#[allow(clippy::too_many_lines)]
pub fn generate() -> Topic {
    let mut rng = common::rng("daily_key_announcement");
    let mut topic = Topic::new(
        "daily_key_announcement",
        "Daily and badge key announcements (docs/PROTOCOL.md §7.2): COSE_Sign1/ES256 by a \
         health office's signing key, content type application/luca.v1.daily-key-announcement, payload \
         [1, purpose (0 daily, 1 badge), key_id, issuer, public_key, not_before, not_after, retain_until]. \
         Decode `announcement`; decode issuer_certificate and verify it under anchor_public_key at `now`; verify \
         the announcement against it at `now` with `mode` (verify: now in [not_before, not_after); \
         verify_for_retention: now in [not_before, retain_until)). `expect` is \"ok\" or the first error kind.",
    );
    let anchor = TrustAnchorKey::generate(&mut rng);
    let anchor_pub = anchor.public_key();
    let ho = HealthOfficeMasterKeys::generate(&mut rng);
    let ho_id = HealthOfficeId::random(&mut rng);
    let other_ho = HealthOfficeMasterKeys::generate(&mut rng);
    let other_id = HealthOfficeId::random(&mut rng);
    let daily_key = DailyPrivateKey::generate(&mut rng);
    let badge_key = BadgePrivateKey::generate(&mut rng);
    let other_key = DailyPrivateKey::generate(&mut rng).public_key();
    let ctx = Ctx { anchor_pub };
    let now = common::NOW;
    let d0 = now.day().start().0;
    let day_id = DailyKeyId::for_day(now.day()).0;
    let cert = ho_cert(&anchor, ho_id, &ho, Y2026, Y2028);
    let signer = ho.signing.to_bytes();
    let s = signer.as_slice();
    let id = ho_id.as_bytes();
    let dk = daily_key.public_key().to_bytes();

    // ---------------------------------------------------------------- positive
    let positive = |purpose: KeyPurpose,
                    key_id: u16,
                    public_key: &EncryptionPublicKey,
                    nb: u64,
                    na: u64,
                    ru: u64,
                    private_key: &[u8],
                    signing_key: &HealthOfficeSigningKey| {
        let ann = DailyKeyAnnouncement::issue(
            signing_key,
            ho_id,
            purpose,
            key_id,
            public_key,
            Validity { not_before: UnixTime(nb), not_after: UnixTime(na) },
            UnixTime(ru),
        )
        .unwrap();
        let p = payload(1, u64::from(purpose.to_u8()), u64::from(key_id), id, &public_key.to_bytes(), nb, na, ru);
        assert_eq!(ann.to_bytes(), sign1(CT, &p, signing_key.to_bytes().as_slice()), "independent encoder agrees");
        let prot = protected_with(-7, CT);
        let extra = json!({
            "issuer_private_key": hex(signing_key.to_bytes().as_slice()),
            "purpose": purpose.to_u8(),
            "key_id": key_id,
            "issuer": hex(id),
            "public_key": hex(public_key.to_bytes()),
            "private_key": hex(private_key),
            "not_before": nb,
            "not_after": na,
            "retain_until": ru,
            "payload": hex(&p),
            "sig_structure": hex(sig_structure(&prot, &p)),
        });
        (ann.to_bytes(), extra)
    };
    let (daily, daily_extra) = positive(
        KeyPurpose::Daily,
        day_id,
        &daily_key.public_key(),
        d0,
        d0 + DAY,
        d0 + 28 * DAY,
        daily_key.to_bytes().as_slice(),
        &ho.signing,
    );
    ctx.case(&mut topic, "daily_key", "ok", &daily, &cert, now, Mode::Use, daily_extra);
    ctx.case(&mut topic, "daily_key_for_retention", "ok", &daily, &cert, now, Mode::Retention, json!({}));
    let badge_nb = Y2026;
    let badge_na = Y2026 + 365 * DAY;
    let (badge, badge_extra) = positive(
        KeyPurpose::Badge,
        1,
        &badge_key.public_key(),
        badge_nb,
        badge_na,
        badge_na + 28 * DAY,
        badge_key.to_bytes().as_slice(),
        &ho.signing,
    );
    ctx.case(&mut topic, "badge_key", "ok", &badge, &cert, now, Mode::Use, badge_extra);

    // ------------------------------------------------------- use and retention
    let windows: [(&str, &str, Mode, u64); 7] = [
        ("daily_ok_at_not_before", "ok", Mode::Use, d0),
        ("daily_ok_last_second", "ok", Mode::Use, d0 + DAY - 1),
        ("daily_not_yet_valid", "not_yet_valid", Mode::Use, d0 - 1),
        ("daily_expired_at_not_after", "expired", Mode::Use, d0 + DAY),
        ("daily_retained_after_use", "ok", Mode::Retention, d0 + 10 * DAY),
        ("daily_retention_ended", "expired", Mode::Retention, d0 + 28 * DAY),
        ("daily_retention_not_yet_valid", "not_yet_valid", Mode::Retention, d0 - 1),
    ];
    for (name, expect, mode, at) in windows {
        ctx.case(&mut topic, name, expect, &daily, &cert, UnixTime(at), mode, json!({}));
    }

    // ------------------------------------------------------------- issuer / cert
    let good = payload(1, 0, u64::from(day_id), id, &dk, d0, d0 + DAY, d0 + 28 * DAY);
    let n = |name: &str, expect: &str, bytes: &[u8], topic: &mut Topic| {
        ctx.case(topic, name, expect, bytes, &cert, now, Mode::Use, json!({}));
    };
    let other_issuer = payload(1, 0, u64::from(day_id), other_id.as_bytes(), &dk, d0, d0 + DAY, d0 + 28 * DAY);
    n("issuer_mismatch", "wrong_issuer", &sign1(CT, &other_issuer, s), &mut topic);
    let other_cert = ho_cert(&anchor, other_id, &other_ho, Y2026, Y2028);
    ctx.case(
        &mut topic,
        "checked_against_other_ho_certificate",
        "wrong_issuer",
        &daily,
        &other_cert,
        now,
        Mode::Use,
        json!({}),
    );
    let expired_cert = ho_cert(&anchor, ho_id, &ho, Y2026, now.0);
    ctx.case(&mut topic, "issuer_certificate_expired", "expired", &daily, &expired_cert, now, Mode::Use, json!({}));
    ctx.case(
        &mut topic,
        "issuer_certificate_expired_retention",
        "expired",
        &daily,
        &expired_cert,
        now,
        Mode::Retention,
        json!({}),
    );
    let short_cert = ho_cert(&anchor, ho_id, &ho, Y2026, now.0 + 3600);
    ctx.case(
        &mut topic,
        "use_outlasts_issuer_certificate",
        "invalid_validity",
        &daily,
        &short_cert,
        now,
        Mode::Use,
        json!({}),
    );
    let other_signer = other_ho.signing.to_bytes();
    n("signed_by_other_ho_key", "bad_signature", &sign1(CT, &good, other_signer.as_slice()), &mut topic);
    n("tampered_signature", "bad_signature", &flip_last(&daily), &mut topic);
    n("public_key_swapped", "bad_signature", &replace(&daily, &dk, &other_key.to_bytes()), &mut topic);
    // The use period extended in the payload without re-signing.
    let extended = payload(1, 0, u64::from(day_id), id, &dk, d0, d0 + 2 * DAY, d0 + 28 * DAY);
    let spliced = replace(&daily, &good, &extended);
    n("use_period_extended_without_resigning", "bad_signature", &spliced, &mut topic);

    // ------------------------------------------------------------- periods
    let period_cases: [(&str, Vec<u8>); 7] = [
        ("not_before_after_not_after", payload(1, 0, u64::from(day_id), id, &dk, d0 + 100, d0 + 50, d0 + 28 * DAY)),
        (
            "daily_use_longer_than_7_days",
            payload(1, 0, u64::from(day_id), id, &dk, d0, d0 + 7 * DAY + 1, d0 + 28 * DAY),
        ),
        (
            "daily_retention_longer_than_28_days",
            payload(1, 0, u64::from(day_id), id, &dk, d0, d0 + DAY, d0 + 28 * DAY + 1),
        ),
        ("retain_until_before_not_after", payload(1, 0, u64::from(day_id), id, &dk, d0, d0 + DAY, d0 + DAY - 1)),
        (
            "badge_use_outlasts_certificate",
            payload(1, 1, 1, id, &badge_key.public_key().to_bytes(), badge_nb, Y2028 + 1, Y2028 + 1),
        ),
        (
            "badge_retention_more_than_28_days_after_use",
            payload(1, 1, 1, id, &badge_key.public_key().to_bytes(), badge_nb, badge_na, badge_na + 28 * DAY + 1),
        ),
        ("not_before_equals_not_after", payload(1, 0, u64::from(day_id), id, &dk, d0 + 100, d0 + 100, d0 + 28 * DAY)),
    ];
    for (name, p) in period_cases {
        n(name, "invalid_validity", &sign1(CT, &p, s), &mut topic);
    }
    // The limits themselves are accepted.
    let max_daily = payload(1, 0, u64::from(day_id), id, &dk, d0, d0 + 7 * DAY, d0 + 28 * DAY);
    n("daily_use_exactly_7_days", "ok", &sign1(CT, &max_daily, s), &mut topic);
    // A badge key of exactly 3 × 365 days, under a certificate that covers it.
    let long_cert = ho_cert(&anchor, ho_id, &ho, Y2026, Y2026 + 1200 * DAY);
    let bk = badge_key.public_key().to_bytes();
    let max_badge = payload(1, 1, 2, id, &bk, Y2026, Y2026 + 1095 * DAY, Y2026 + 1123 * DAY);
    ctx.case(
        &mut topic,
        "badge_use_exactly_3_years",
        "ok",
        &sign1(CT, &max_badge, s),
        &long_cert,
        now,
        Mode::Use,
        json!({}),
    );
    let too_long_badge = payload(1, 1, 2, id, &bk, Y2026, Y2026 + 1095 * DAY + 1, Y2026 + 1096 * DAY);
    ctx.case(
        &mut topic,
        "badge_use_longer_than_3_years",
        "invalid_validity",
        &sign1(CT, &too_long_badge, s),
        &long_cert,
        now,
        Mode::Use,
        json!({}),
    );

    // ------------------------------------------------------------- decoding
    let mut bad_point = dk;
    bad_point[64] ^= 0x01;
    let decode_cases: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "daily_key_id_not_day_of_not_before",
            "invalid_field",
            sign1(CT, &payload(1, 0, u64::from(day_id) + 1, id, &dk, d0, d0 + DAY, d0 + 28 * DAY), s),
        ),
        (
            "purpose_2",
            "invalid_field",
            sign1(CT, &payload(1, 2, u64::from(day_id), id, &dk, d0, d0 + DAY, d0 + 28 * DAY), s),
        ),
        (
            "key_id_above_u16",
            "invalid_field",
            sign1(CT, &payload(1, 1, 65_536, id, &dk, d0, d0 + DAY, d0 + 28 * DAY), s),
        ),
        (
            "public_key_not_on_curve",
            "invalid_point",
            sign1(CT, &payload(1, 0, u64::from(day_id), id, &bad_point, d0, d0 + DAY, d0 + 28 * DAY), s),
        ),
        (
            "issuer_17_bytes",
            "wrong_length",
            sign1(CT, &payload(1, 0, u64::from(day_id), &[7; 17], &dk, d0, d0 + DAY, d0 + 28 * DAY), s),
        ),
        (
            "wrong_version",
            "unsupported_version",
            sign1(CT, &payload(2, 0, u64::from(day_id), id, &dk, d0, d0 + DAY, d0 + 28 * DAY), s),
        ),
        ("non_canonical_payload", "non_canonical", sign1(CT, &non_canonical_version(&good), s)),
        (
            "wrong_arity",
            "wrong_arity",
            sign1(CT, &msg(vec![u(1), u(0), u(u64::from(day_id)), b(id), b(&dk), u(d0), u(d0 + DAY)]), s),
        ),
        ("retain_until_null", "unexpected_type", {
            let p = msg(vec![u(1), u(0), u(u64::from(day_id)), b(id), b(&dk), u(d0), u(d0 + DAY), Value::Null]);
            sign1(CT, &p, s)
        }),
        ("wrong_content_type", "wrong_content_type", sign1("application/luca.v1.venue-descriptor", &good, s)),
        ("unprotected_header_present", "unexpected_header", with_unprotected(CT, &good, s)),
    ];
    for (name, expect, bytes) in decode_cases {
        n(name, expect, &bytes, &mut topic);
    }
    for (name, bytes, expect) in framing_cases(&daily, 512) {
        n(&name, expect, &bytes, &mut topic);
    }
    topic
}

//! Test vectors: venue and private-meeting descriptors (spec: docs/PROTOCOL.md §7.3).
//!
//! Every case is self-contained: the trust anchor's public key, the
//! registrar's certificate (`registrar_certificate`), the `descriptor` bytes
//! and `now`. `expect` is the outcome of: decode the descriptor (either
//! content type), decode the registrar certificate and verify it under the
//! anchor at `now`, verify the descriptor at `now` (a venue against the
//! registrar certificate, a private meeting against its own host key).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

use ciborium::Value;
use luca_protocol::ids::{RegistrarId, VenueId};
use luca_protocol::keys::{HostSigningKey, RegistrarKey, SignaturePublicKey, TrustAnchorKey, VenuePrivateKey};
use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
use luca_protocol::signed::venue_descriptor::{VenueDescriptor, VenueDescriptorIn, VenueKind};
use luca_protocol::time::{UnixTime, Validity};
use serde_json::{Value as Json, json};

use crate::certificates::{
    DAY, Y2026, Y2028, b, flip_last, framing_cases, msg, non_canonical_version, protected_with, replace, sig_structure,
    sign1, t, u, with_unprotected,
};
use crate::common::{self, Topic, hex};

const VENUE_CT: &str = "application/luca.v1.venue-descriptor";
const MEETING_CT: &str = "application/luca.v1.private-meeting-descriptor";

fn run(bytes: &[u8], cert: &[u8], anchor: &SignaturePublicKey, now: UnixTime) -> String {
    let d = match VenueDescriptorIn::from_slice(bytes) {
        Ok(d) => d,
        Err(e) => return e.kind().to_string(),
    };
    let cert = match RegistrarCertificateIn::from_slice(cert).map(|c| c.verify(anchor, now)) {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return e.kind().to_string(),
        Err(e) => return e.kind().to_string(),
    };
    match d.verify(&cert, now) {
        Ok(_) => "ok".to_string(),
        Err(e) => e.kind().to_string(),
    }
}

struct Ctx {
    anchor_pub: SignaturePublicKey,
    cert: Vec<u8>,
}

impl Ctx {
    #[allow(clippy::too_many_arguments)]
    fn case_with(
        &self,
        t: &mut Topic,
        name: &str,
        expect: &str,
        bytes: &[u8],
        cert: &[u8],
        now: UnixTime,
        extra: Json,
    ) {
        let got = run(bytes, cert, &self.anchor_pub, now);
        assert_eq!(got, expect, "{name}");
        let mut fields = json!({
            "anchor_public_key": hex(self.anchor_pub.to_bytes()),
            "registrar_certificate": hex(cert),
            "now": now.0,
            "descriptor": hex(bytes),
        });
        if let (Json::Object(f), Json::Object(e)) = (&mut fields, extra) {
            f.extend(e);
        }
        t.case(name, &got, fields);
    }

    fn case(&self, t: &mut Topic, name: &str, expect: &str, bytes: &[u8], now: UnixTime) {
        self.case_with(t, name, expect, bytes, &self.cert, now, json!({}));
    }
}

#[allow(clippy::too_many_arguments)]
fn payload(
    kind: u64,
    venue_id: &[u8],
    name: &str,
    key: &[u8],
    tables: Option<u64>,
    nb: u64,
    na: u64,
    signer: &[u8],
) -> Vec<u8> {
    msg(vec![u(1), u(kind), b(venue_id), t(name), b(key), tables.map_or(Value::Null, u), u(nb), u(na), b(signer)])
}

#[allow(clippy::too_many_lines)]
pub fn generate() -> Topic {
    let mut rng = common::rng("venue_descriptor");
    let mut topic = Topic::new(
        "venue_descriptor",
        "Venue and private-meeting descriptors (docs/PROTOCOL.md §7.3): COSE_Sign1/ES256 over \
         [1, kind, venue_id, name, venue_key, table_count / null, not_before, not_after, signer]; kind 0 (venue) \
         is signed by the registrar (content type application/luca.v1.venue-descriptor, signer = registrar_id), \
         kind 1 (private meeting) by the host key it embeds (application/luca.v1.private-meeting-descriptor, \
         signer = host public key). Decode `descriptor`; decode registrar_certificate and verify it under \
         anchor_public_key at `now`; verify the descriptor at `now`. `expect` is \"ok\" or the first error kind.",
    );
    let anchor = TrustAnchorKey::generate(&mut rng);
    let anchor_pub = anchor.public_key();
    let reg = RegistrarKey::generate(&mut rng);
    let reg_id = RegistrarId::random(&mut rng);
    let host = HostSigningKey::generate(&mut rng);
    let venue_id = VenueId::random(&mut rng);
    let meeting_id = VenueId::random(&mut rng);
    let venue_key = VenuePrivateKey::generate(&mut rng);
    let meeting_key = VenuePrivateKey::generate(&mut rng);
    let other_key = VenuePrivateKey::generate(&mut rng).public_key().to_bytes();
    let reg_cert = |nb: u64, na: u64| {
        RegistrarCertificate::issue(
            &anchor,
            reg_id,
            "luca Venue Registrar",
            &reg.public_key(),
            Validity { not_before: UnixTime(nb), not_after: UnixTime(na) },
        )
        .unwrap()
        .to_bytes()
    };
    let cert = reg_cert(Y2026, Y2028);
    let ctx = Ctx { anchor_pub, cert: cert.clone() };
    let now = common::NOW;
    let (vb, va) = (Y2026 + 31 * DAY, Y2026 + 365 * DAY);
    let (mb, ma) = (now.0 - 3600, now.0 + 5 * 3600);
    let rs = reg.to_bytes();
    let rs = rs.as_slice();
    let hs = host.to_bytes();
    let hs = hs.as_slice();
    let vk = venue_key.public_key().to_bytes();
    let mk = meeting_key.public_key().to_bytes();
    let hk = host.public_key().to_bytes();
    let rid = reg_id.as_bytes();
    let vid = venue_id.as_bytes();
    let mid = meeting_id.as_bytes();
    let venue_name = "Café Zimt";
    let meeting_name = "Annas Geburtstag";

    // ---------------------------------------------------------------- positive
    let mut record_positive =
        |name: &str, d: &VenueDescriptor, p: &[u8], ct: &str, signer_priv: &[u8], key_priv: &[u8]| {
            assert_eq!(d.to_bytes(), sign1(ct, p, signer_priv), "independent encoder agrees");
            let prot = protected_with(-7, ct);
            let signer_field = match d.kind() {
                VenueKind::Venue => hex(d.registrar_id().unwrap().as_bytes()),
                VenueKind::PrivateMeeting => hex(d.host_key().unwrap().to_bytes()),
            };
            let kind = match d.kind() {
                VenueKind::Venue => 0,
                VenueKind::PrivateMeeting => 1,
            };
            let extra = json!({
                "signer_private_key": hex(signer_priv),
                "kind": kind,
                "venue_id": hex(d.venue_id().as_bytes()),
                "venue_name": d.name(),
                "venue_key": hex(d.venue_key().to_bytes()),
                "venue_private_key": hex(key_priv),
                "table_count": d.table_count(),
                "not_before": d.validity().not_before.0,
                "not_after": d.validity().not_after.0,
                "signer": signer_field,
                "content_type": ct,
                "payload": hex(p),
                "sig_structure": hex(sig_structure(&prot, p)),
            });
            ctx.case_with(&mut topic, name, "ok", &d.to_bytes(), &cert, now, extra);
        };
    let venue = VenueDescriptor::issue_venue(
        &reg,
        reg_id,
        venue_id,
        venue_name,
        &venue_key.public_key(),
        Some(12),
        Validity { not_before: UnixTime(vb), not_after: UnixTime(va) },
    )
    .unwrap();
    let venue_p = payload(0, vid, venue_name, &vk, Some(12), vb, va, rid);
    record_positive("venue_with_tables", &venue, &venue_p, VENUE_CT, rs, venue_key.to_bytes().as_slice());
    let plain = VenueDescriptor::issue_venue(
        &reg,
        reg_id,
        venue_id,
        venue_name,
        &venue_key.public_key(),
        None,
        Validity { not_before: UnixTime(vb), not_after: UnixTime(va) },
    )
    .unwrap();
    let plain_p = payload(0, vid, venue_name, &vk, None, vb, va, rid);
    record_positive("venue_without_tables", &plain, &plain_p, VENUE_CT, rs, venue_key.to_bytes().as_slice());
    let meeting = VenueDescriptor::issue_private_meeting(
        &host,
        meeting_id,
        meeting_name,
        &meeting_key.public_key(),
        Validity { not_before: UnixTime(mb), not_after: UnixTime(ma) },
    )
    .unwrap();
    let meeting_p = payload(1, mid, meeting_name, &mk, None, mb, ma, &hk);
    record_positive("private_meeting", &meeting, &meeting_p, MEETING_CT, hs, meeting_key.to_bytes().as_slice());
    let venue = venue.to_bytes();
    let meeting = meeting.to_bytes();

    // ---------------------------------------------------------------- validity
    let windows: [(&str, &str, &[u8], u64); 6] = [
        ("venue_ok_at_not_before", "ok", &venue, vb),
        ("venue_not_yet_valid", "not_yet_valid", &venue, vb - 1),
        ("venue_expired_at_not_after", "expired", &venue, va),
        ("private_meeting_ok_at_not_before", "ok", &meeting, mb),
        ("private_meeting_not_yet_valid", "not_yet_valid", &meeting, mb - 1),
        ("private_meeting_expired_at_not_after", "expired", &meeting, ma),
    ];
    for (name, expect, bytes, at) in windows {
        ctx.case(&mut topic, name, expect, bytes, UnixTime(at));
    }
    let expired_cert = reg_cert(Y2026, now.0);
    ctx.case_with(&mut topic, "registrar_certificate_expired", "expired", &venue, &expired_cert, now, json!({}));
    let short_cert = reg_cert(Y2026, va - 1);
    ctx.case_with(
        &mut topic,
        "venue_outlasts_registrar_certificate",
        "invalid_validity",
        &venue,
        &short_cert,
        now,
        json!({}),
    );
    // A private meeting does not depend on the registrar certificate's coverage.
    ctx.case_with(
        &mut topic,
        "private_meeting_under_short_registrar_certificate",
        "ok",
        &meeting,
        &short_cert,
        now,
        json!({}),
    );
    let n = |name: &str, expect: &str, bytes: &[u8], topic: &mut Topic| ctx.case(topic, name, expect, bytes, now);
    n(
        "venue_not_before_after_not_after",
        "invalid_validity",
        &sign1(VENUE_CT, &payload(0, vid, venue_name, &vk, None, va, vb, rid), rs),
        &mut topic,
    );
    n(
        "private_meeting_not_before_equals_not_after",
        "invalid_validity",
        &sign1(MEETING_CT, &payload(1, mid, meeting_name, &mk, None, now.0, now.0, &hk), hs),
        &mut topic,
    );

    // ---------------------------------------------------------------- signatures and issuer
    n("venue_tampered_signature", "bad_signature", &flip_last(&venue), &mut topic);
    n("venue_key_swapped", "bad_signature", &replace(&venue, &vk, &other_key), &mut topic);
    n("private_meeting_venue_key_swapped", "bad_signature", &replace(&meeting, &mk, &other_key), &mut topic);
    n("venue_table_count_changed", "bad_signature", &replace(&venue, &[0x0c, 0x1a], &[0x0d, 0x1a]), &mut topic);
    n("venue_signed_by_host_key", "bad_signature", &sign1(VENUE_CT, &venue_p, hs), &mut topic);
    n("private_meeting_signed_by_registrar", "bad_signature", &sign1(MEETING_CT, &meeting_p, rs), &mut topic);
    let other_reg = payload(0, vid, venue_name, &vk, Some(12), vb, va, &[0x42; 16]);
    n("venue_other_registrar_id", "wrong_issuer", &sign1(VENUE_CT, &other_reg, rs), &mut topic);

    // ---------------------------------------------------------------- kind relabelling
    n("venue_payload_in_private_meeting_envelope", "invalid_field", &sign1(MEETING_CT, &venue_p, rs), &mut topic);
    n("private_meeting_payload_in_venue_envelope", "invalid_field", &sign1(VENUE_CT, &meeting_p, hs), &mut topic);
    let flipped = replace(&venue, &[0x89, 0x01, 0x00], &[0x89, 0x01, 0x01]);
    n("venue_kind_byte_flipped", "invalid_field", &flipped, &mut topic);
    let kind1_registrar = payload(1, vid, venue_name, &vk, None, vb, va, rid);
    n("kind_1_with_registrar_signer", "invalid_field", &sign1(MEETING_CT, &kind1_registrar, rs), &mut topic);
    // The venue re-issues its own descriptor as a "private meeting" signed by a
    // key it controls: a valid private meeting, shown as such by apps.
    let relabelled = payload(1, vid, venue_name, &vk, None, vb, va, &hk);
    n("venue_reissued_as_own_private_meeting", "ok", &sign1(MEETING_CT, &relabelled, hs), &mut topic);

    // ---------------------------------------------------------------- field rules
    let mut bad_point = hk;
    bad_point[64] ^= 0x01;
    let field_cases: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "table_count_0",
            "invalid_field",
            sign1(VENUE_CT, &payload(0, vid, venue_name, &vk, Some(0), vb, va, rid), rs),
        ),
        (
            "table_count_1001",
            "invalid_field",
            sign1(VENUE_CT, &payload(0, vid, venue_name, &vk, Some(1001), vb, va, rid), rs),
        ),
        ("table_count_1000", "ok", sign1(VENUE_CT, &payload(0, vid, venue_name, &vk, Some(1000), vb, va, rid), rs)),
        (
            "private_meeting_with_table_count",
            "invalid_field",
            sign1(MEETING_CT, &payload(1, mid, meeting_name, &mk, Some(2), mb, ma, &hk), hs),
        ),
        ("kind_2", "invalid_field", sign1(VENUE_CT, &payload(2, vid, venue_name, &vk, None, vb, va, rid), rs)),
        (
            "name_with_control_char",
            "invalid_field",
            sign1(VENUE_CT, &payload(0, vid, "Bar\r\n", &vk, None, vb, va, rid), rs),
        ),
        ("name_empty", "invalid_field", sign1(VENUE_CT, &payload(0, vid, "", &vk, None, vb, va, rid), rs)),
        (
            "venue_signer_65_bytes",
            "invalid_field",
            sign1(VENUE_CT, &payload(0, vid, venue_name, &vk, None, vb, va, &hk), rs),
        ),
        (
            "private_meeting_signer_16_bytes",
            "invalid_field",
            sign1(MEETING_CT, &payload(1, mid, meeting_name, &mk, None, mb, ma, rid), hs),
        ),
        (
            "private_meeting_signer_not_on_curve",
            "invalid_point",
            sign1(MEETING_CT, &payload(1, mid, meeting_name, &mk, None, mb, ma, &bad_point), hs),
        ),
        (
            "venue_key_compressed",
            "wrong_length",
            sign1(VENUE_CT, &payload(0, vid, venue_name, &vk[..33], None, vb, va, rid), rs),
        ),
        (
            "venue_id_15_bytes",
            "wrong_length",
            sign1(VENUE_CT, &payload(0, &vid[..15], venue_name, &vk, None, vb, va, rid), rs),
        ),
        ("wrong_version", "unsupported_version", sign1(VENUE_CT, &msg(vec![u(2), u(0), b(vid)]), rs)),
        ("non_canonical_payload", "non_canonical", sign1(VENUE_CT, &non_canonical_version(&venue_p), rs)),
        (
            "wrong_arity",
            "wrong_arity",
            sign1(VENUE_CT, &msg(vec![u(1), u(0), b(vid), t(venue_name), b(&vk), Value::Null, u(vb), u(va)]), rs),
        ),
        ("wrong_content_type", "wrong_content_type", sign1("application/luca.v1.badge-attestation", &venue_p, rs)),
        ("unprotected_header_present", "unexpected_header", with_unprotected(VENUE_CT, &venue_p, rs)),
        (
            "private_meeting_unprotected_header_present",
            "unexpected_header",
            with_unprotected(MEETING_CT, &meeting_p, hs),
        ),
    ];
    for (name, expect, bytes) in field_cases {
        n(name, expect, &bytes, &mut topic);
    }
    for (name, bytes, expect) in framing_cases(&venue, 1024) {
        n(&name, expect, &bytes, &mut topic);
    }
    // Appended (issue 13): a negative integer in a uint field (§2.1 step 8).
    let negative_nb =
        msg(vec![u(1), u(0), b(vid), t(venue_name), b(&vk), Value::Null, Value::Integer((-1).into()), u(va), b(rid)]);
    n("not_before_negative", "invalid_field", &sign1(VENUE_CT, &negative_nb, rs), &mut topic);
    topic
}

//! `luca inspect`: what a scanned text is, every field, the checks possible without private keys.

use luca_protocol::keys::SignaturePublicKey;
use luca_protocol::qr::badge::{BADGE_QR_TYPE_V1, BadgeQr};
use luca_protocol::qr::guest::{GUEST_QR_TYPE_V1, GuestCheckInQr};
use luca_protocol::qr::venue::VenueQr;
use luca_protocol::signed::registrar_certificate::{RegistrarCertificate, RegistrarCertificateIn};
use luca_protocol::signed::venue_descriptor::VenueKind;
use luca_protocol::tan::Tan;
use luca_protocol::time::UnixTime;
use serde_json::{Map, Value, json};

use crate::output::{Printer, lines};
use crate::{Failure, Outcome, input};

/// Arguments of `luca inspect`.
#[derive(clap::Args, Debug)]
pub(crate) struct Args {
    /// The scanned text; `-` or nothing reads standard input.
    text: Option<String>,
    /// Read the QR code from this picture instead: PNG, JPEG, or an SVG rendered by luca (`luca qr render`).
    #[arg(long, value_name = "FILE", conflicts_with = "text")]
    image: Option<String>,
    /// The trust anchor's public key (65-byte SEC1, raw or hex): verifies the registrar certificate.
    #[arg(long, value_name = "FILE")]
    trust_anchor: Option<String>,
    /// A registrar certificate (raw, hex or base64): verifies a badge attestation or venue descriptor.
    #[arg(long, value_name = "FILE", requires = "trust_anchor")]
    registrar: Option<String>,
    /// The time of the checks, in Unix seconds (default: now).
    #[arg(long, value_name = "UNIX_SECONDS")]
    now: Option<u64>,
    /// Legacy badge QR: the original operator's badge attestation public key (65-byte SEC1, raw or hex):
    /// verifies the badge's attestation.
    #[arg(long, value_name = "FILE")]
    attestation_key: Option<String>,
}

/// The kinds of scanned text `inspect` recognises.
///
/// The legacy luca formats (v3/v4 guest and badge QR of the original system, crate `luca-legacy`) have a
/// variant each; [`detect`] tries them after the v1 type bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Guest check-in QR (docs/PROTOCOL.md §5.1).
    GuestQr,
    /// Badge QR (§5.2).
    BadgeQr,
    /// A Base32 text whose first byte is neither a guest nor a badge code (§5.2, scanned-text dispatch).
    ScannedQr,
    /// Venue QR / URL (§5.3).
    VenueQr,
    /// TAN (§6).
    Tan,
    /// The original system's v3/v4 guest check-in QR (luca-legacy).
    LegacyGuestQr,
    /// The original system's v3/v4 static badge QR (luca-legacy).
    LegacyBadgeQr,
    /// The original system's printed venue or private-meeting URL (luca-legacy).
    LegacyVenueQr,
}

impl Kind {
    /// The kind's name in `--json` output (the vector file's topic name).
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::GuestQr => "guest_qr",
            Self::BadgeQr => "badge_qr",
            Self::ScannedQr => "scanned_qr",
            Self::VenueQr => "venue_qr",
            Self::Tan => "tan",
            Self::LegacyGuestQr => "legacy_guest_qr",
            Self::LegacyBadgeQr => "legacy_badge_qr",
            Self::LegacyVenueQr => "legacy_venue_qr",
        }
    }

    /// The section of docs/PROTOCOL.md that decodes (and rejects) this kind; for a legacy kind, the module
    /// of luca-legacy (the original formats are not part of PROTOCOL.md).
    fn section(self) -> &'static str {
        match self {
            Self::GuestQr => "§5.1 (Guest check-in QR: Decoding)",
            Self::BadgeQr => "§5.2 (Badge QR: Decoding)",
            Self::ScannedQr => "§5.2 (Scanned-text dispatch)",
            Self::VenueQr => "§5.3 (Venue QR: Decoding)",
            Self::Tan => "§6 (TAN: Parsing)",
            Self::LegacyGuestQr => LEGACY_GUEST_SECTION,
            Self::LegacyBadgeQr => LEGACY_BADGE_SECTION,
            Self::LegacyVenueQr => "luca-legacy venue_qr (the original system's venue URL)",
        }
    }
}

/// Where a legacy guest code is decoded (instead of a PROTOCOL.md section).
const LEGACY_GUEST_SECTION: &str = "luca-legacy guest_qr (the original system's v3/v4 format)";
/// Where a legacy badge code is decoded.
const LEGACY_BADGE_SECTION: &str = "luca-legacy badge_qr (the original system's v3/v4 format)";

/// `docs/PROTOCOL.md §…`, or the luca-legacy module for a legacy kind.
fn reference(section: &str) -> String {
    if section.starts_with("luca-legacy") { section.to_owned() } else { format!("docs/PROTOCOL.md {section}") }
}

/// Which kind a scanned text is, from its shape alone (no decoding rule of the protocol is applied here):
/// a URL is a venue QR; a text of at most 20 characters a TAN (12 symbols, hyphens and spaces allowed);
/// anything else a Base32 QR text, dispatched on its first byte as a scanner does; a text whose Base32 or
/// Z85 reading starts with an original version byte (0x03, 0x04) at a legacy length is a legacy code.
pub(crate) fn detect(text: &str) -> Kind {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        // The original system's URLs have a /webapp/ path and no v1 payload.
        if VenueQr::from_url(text).is_err() && luca_legacy::LegacyVenueQr::from_url(text).is_ok() {
            return Kind::LegacyVenueQr;
        }
        return Kind::VenueQr;
    }
    if text.chars().count() <= 20 {
        return Kind::Tan;
    }
    match luca_protocol::qr::base32::decode(text).ok().and_then(|b| b.first().copied()) {
        Some(GUEST_QR_TYPE_V1) => Kind::GuestQr,
        Some(BADGE_QR_TYPE_V1) => Kind::BadgeQr,
        _ if luca_legacy::looks_legacy(text) => legacy_kind(text),
        _ => Kind::ScannedQr,
    }
}

/// A legacy code's kind: a badge if the first reading with a legacy version byte has the badge device type.
fn legacy_kind(text: &str) -> Kind {
    let badge = luca_legacy::text::candidates(text).ok().and_then(|readings| {
        readings
            .into_iter()
            .find(|r| matches!(r.bytes.first(), Some(0x03 | 0x04)))
            .map(|r| r.bytes.get(1) == Some(&luca_legacy::guest_qr::DEVICE_TYPE_BADGE))
    });
    if badge == Some(true) { Kind::LegacyBadgeQr } else { Kind::LegacyGuestQr }
}

/// The trust anchor and registrar certificate given on the command line, read (not yet verified).
struct Keys {
    anchor: Option<SignaturePublicKey>,
    registrar: Option<Vec<u8>>,
}

pub(crate) fn read_anchor(path: &str) -> Result<SignaturePublicKey, Failure> {
    let b = input::read_key(path, 65)?;
    SignaturePublicKey::from_slice(&b).map_err(|e| {
        Failure::Usage(format!("trust anchor {}: not a P-256 public key ({})", input::display_name(path), e.kind()))
    })
}

/// Verifies the registrar certificate (a refusal is a failed check, reported as such).
fn registrar(keys: &Keys, now: UnixTime) -> Option<Result<RegistrarCertificate, String>> {
    let (anchor, bytes) = (keys.anchor.as_ref()?, keys.registrar.as_ref()?);
    Some(match RegistrarCertificateIn::from_slice(bytes) {
        Err(e) => Err(format!("registrar certificate: {}", e.kind())),
        Ok(c) => c.verify(anchor, now).map_err(|e| format!("registrar certificate: {}", e.kind())),
    })
}

/// A report being built: fields in order, checks with their results.
struct Report {
    kind: Kind,
    fields: Map<String, Value>,
    checks: Vec<(String, String)>,
    rejected: Option<(String, String)>,
}

impl Report {
    fn new(kind: Kind) -> Self {
        Self { kind, fields: Map::new(), checks: Vec::new(), rejected: None }
    }

    fn field(&mut self, k: &str, v: Value) {
        self.fields.insert(k.to_owned(), v);
    }

    fn check(&mut self, name: &str, result: &str) {
        self.checks.push((name.to_owned(), result.to_owned()));
    }

    fn reject(&mut self, kind: &str, section: &str) {
        self.rejected = Some((kind.to_owned(), section.to_owned()));
    }
}

/// Runs `luca inspect`.
pub(crate) fn run(args: &Args, out: &Printer) -> Outcome {
    let (source, text) = match &args.image {
        Some(path) => (path.clone(), crate::image_read::read_qr(path)?),
        None => input::read_text(args.text.as_deref())?,
    };
    if text.is_empty() {
        return Err(Failure::Usage(format!("{source}: empty input")));
    }
    let keys = Keys {
        anchor: args.trust_anchor.as_deref().map(read_anchor).transpose()?,
        registrar: args.registrar.as_deref().map(input::read_object).transpose()?,
    };
    let now = UnixTime(args.now.unwrap_or_else(crate::system_now));
    let kind = detect(&text);
    let mut r = Report::new(kind);
    match kind {
        Kind::GuestQr | Kind::BadgeQr | Kind::ScannedQr => scanned(&text, &keys, now, &mut r),
        Kind::VenueQr => venue(&text, &keys, now, &mut r),
        Kind::Tan => tan(&text, &mut r),
        Kind::LegacyVenueQr => legacy_venue(&text, &mut r),
        Kind::LegacyGuestQr | Kind::LegacyBadgeQr => {
            let key = args.attestation_key.as_deref().map(|p| input::read_key(p, 65)).transpose()?;
            legacy(&text, key.as_deref().map(|k| k.as_slice()), &mut r);
        }
    }
    report(&source, &r, out)
}

fn report(source: &str, r: &Report, out: &Printer) -> Outcome {
    let checks: Map<String, Value> = r.checks.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
    let mut doc = json!({
        "input": source,
        "kind": r.kind.name(),
        "result": if r.rejected.is_some() { "rejected" } else { "ok" },
        "fields": r.fields,
        "checks": checks,
    });
    let mut human = format!("{}: {}\n", source, r.kind.name());
    lines(&Value::Object(r.fields.clone()), 2, &mut human);
    for (k, v) in &r.checks {
        human.push_str(&format!("  check {k}: {v}\n"));
    }
    if let Some((kind, section)) = &r.rejected {
        crate::output::set(&mut doc, "error", json!({"kind": kind, "section": section}));
        let reference = reference(section);
        human.push_str(&format!("rejected: {kind} ({reference})\n"));
        out.emit(&human, &doc);
        return Err(Failure::Check(format!("{source}: rejected: {kind} ({reference})")));
    }
    human.push_str("result: ok\n");
    out.emit(&human, &doc);
    Ok(())
}

fn hexv(b: impl AsRef<[u8]>) -> Value {
    Value::String(hex::encode(b))
}

fn scanned(text: &str, keys: &Keys, now: UnixTime, r: &mut Report) {
    match r.kind {
        Kind::GuestQr => match GuestCheckInQr::from_base32(text) {
            Err(e) => r.reject(e.kind(), Kind::GuestQr.section()),
            Ok(qr) => guest(&qr, r),
        },
        Kind::BadgeQr => match BadgeQr::from_base32(text) {
            Err(e) => r.reject(e.kind(), Kind::BadgeQr.section()),
            Ok(qr) => badge(&qr, keys, now, r),
        },
        _ => match luca_protocol::qr::scanned::ScannedQr::from_text(text) {
            // Not a guest or badge type byte: the dispatch rejects it.
            Err(e) => r.reject(e.kind(), Kind::ScannedQr.section()),
            Ok(_) => r.reject("unsupported_version", Kind::ScannedQr.section()),
        },
    }
}

fn guest(qr: &GuestCheckInQr, r: &mut Report) {
    let b = qr.to_bytes();
    let flags = qr.flags();
    r.field("qr_type_version", json!(qr.qr_type_version()));
    r.field("flags", json!(flags.to_byte()));
    r.field("device_type", json!(flags.device_type.code()));
    r.field("entry_policy", json!(flags.entry_policy));
    r.field("daily_key_id", json!(qr.daily_key_id().0));
    r.field("minute", json!(qr.minute().0));
    r.field("trace_id", hexv(qr.trace_id().as_bytes()));
    r.field("enc", hexv(qr.enc_compressed()));
    r.field("ciphertext", hexv(qr.ciphertext()));
    r.field("checksum", hexv(qr.checksum()));
    r.field("qr_bytes", hexv(b));
    r.check("base32", "ok");
    r.check("length", "ok");
    r.check("checksum", "ok");
    r.check("enc_on_curve", "ok");
    r.check("inner_layer", "not opened (needs the daily private key: luca open guest-qr)");
}

fn badge(qr: &BadgeQr, keys: &Keys, now: UnixTime, r: &mut Report) {
    let a = qr.attestation();
    r.field("qr_type_version", json!(qr.as_bytes().first().copied().unwrap_or(0)));
    r.field("badge_key_id", json!(a.badge_key_id().0));
    r.field("trace_key", hexv(a.trace_key().expose_secret()));
    r.field("issued_at", json!(a.issued_at().0));
    r.field("registrar_id", hexv(a.registrar_id().as_bytes()));
    r.field("attestation", hexv(a.as_bytes()));
    r.check("base32", "ok");
    r.check("attestation_decodes", "ok");
    match registrar(keys, now) {
        None => r.check("signature", "not checked (needs --trust-anchor and --registrar)"),
        Some(Err(e)) => {
            r.check("signature", &e);
            r.reject(e.rsplit(": ").next().unwrap_or(&e), "§7.1 (Certificates: Verification)");
        }
        // The attestation is consumed by verification: take it from a second decoding of the same bytes.
        Some(Ok(reg)) => match BadgeQr::from_bytes(qr.as_bytes()).map(|q| q.into_attestation().verify(&reg, now)) {
            Err(e) => r.reject(e.kind(), Kind::BadgeQr.section()),
            Ok(Ok(_)) => r.check("signature", "ok"),
            Ok(Err(e)) => {
                r.check("signature", e.kind());
                r.reject(e.kind(), "§7.4 (Badge attestation: Verification)");
            }
        },
    }
    r.check("inner_layer", "not opened (needs the badge private key: luca open badge-attestation)");
}

fn venue(text: &str, keys: &Keys, now: UnixTime, r: &mut Report) {
    let qr = match VenueQr::from_url(text) {
        Ok(q) => q,
        Err(e) => return r.reject(e.kind(), Kind::VenueQr.section()),
    };
    let d = qr.descriptor();
    r.field("base_url", json!(qr.base_url()));
    r.field("table", json!(qr.table()));
    r.field("kind", json!(d.kind().to_u8()));
    r.field("venue_id", hexv(d.venue_id().as_bytes()));
    r.field("venue_name", json!(d.name()));
    r.field("venue_key", hexv(d.venue_key().to_bytes()));
    r.field("table_count", json!(d.table_count()));
    r.field("not_before", json!(d.validity().not_before.0));
    r.field("not_after", json!(d.validity().not_after.0));
    r.field("registrar_id", d.registrar_id().map_or(Value::Null, |id| hexv(id.as_bytes())));
    r.field("host_key", d.host_key().map_or(Value::Null, |k| hexv(k.to_bytes())));
    r.field("payload", hexv(qr.payload()));
    r.check("url", "ok");
    r.check("descriptor_decodes", "ok");
    let verified = match d.kind() {
        VenueKind::PrivateMeeting => Some(d.clone().verify_private_meeting(now).map(|_| ()).map_err(|e| e.kind())),
        VenueKind::Venue => match registrar(keys, now) {
            None => None,
            Some(Err(e)) => {
                r.check("signature", &e);
                return r.reject(e.rsplit(": ").next().unwrap_or(&e), "§7.1 (Certificates: Verification)");
            }
            Some(Ok(reg)) => Some(d.clone().verify(&reg, now).map(|_| ()).map_err(|e| e.kind())),
        },
    };
    match verified {
        None => r.check("signature", "not checked (needs --trust-anchor and --registrar)"),
        Some(Ok(())) => r.check("signature", "ok"),
        Some(Err(k)) => {
            r.check("signature", k);
            r.reject(k, "§7.3 (Venue descriptor: Verification)");
        }
    }
}

fn tan(text: &str, r: &mut Report) {
    match Tan::parse(text) {
        Err(e) => r.reject(e.kind(), Kind::Tan.section()),
        Ok(t) => {
            r.field("tan", json!(t.to_string()));
            r.check("check_character", "ok");
        }
    }
}

/// A legacy code of the original system (luca-legacy): every field, the checks possible without keys.
fn legacy(text: &str, attestation_key: Option<&[u8]>, r: &mut Report) {
    use luca_legacy::{LegacyCode, ScannedLegacyCode};
    let scanned = match ScannedLegacyCode::from_text(text) {
        Ok(s) => s,
        Err(e) => return r.reject(e.kind(), r.kind.section()),
    };
    r.field("encoding", json!(scanned.encoding.name()));
    r.field("keyboard_swapped", json!(scanned.keyboard_swapped));
    r.check(scanned.encoding.name(), "ok");
    match &scanned.code {
        LegacyCode::Guest(qr) => {
            r.kind = Kind::LegacyGuestQr;
            r.field("version", json!(qr.version().byte()));
            r.field("device_type", json!(qr.device_type().name()));
            r.field("entry_policy", json!(qr.entry_policy()));
            r.field("key_id", json!(qr.key_id()));
            r.field("timestamp", json!(qr.timestamp()));
            r.field("trace_id", hexv(qr.trace_id()));
            r.field("enc_data", hexv(qr.enc_data()));
            r.field("ephemeral_public_key", hexv(qr.ephemeral_public_key()));
            r.field("verification_tag", hexv(qr.verification_tag()));
            r.field("checksum", hexv(qr.checksum()));
            r.field("bytes", hexv(qr.as_bytes()));
            r.check("length", "ok");
            r.check("checksum", "ok");
            r.check("ephemeral_key_on_curve", "ok");
            r.check("inner_layer", "not opened (needs the daily private key: luca open legacy-guest-qr)");
        }
        LegacyCode::Badge(qr) => {
            r.kind = Kind::LegacyBadgeQr;
            let derived = qr.tracing_secrets();
            r.field("version", json!(qr.version().byte()));
            r.field("key_id", json!(qr.key_id()));
            r.field("tracing_seed", hexv(qr.tracing_seed().expose_secret()));
            r.field("user_id", hexv(derived.user_id.as_bytes()));
            r.field("enc_ref", hexv(qr.enc_ref()));
            r.field("ephemeral_public_key", hexv(qr.ephemeral_public_key()));
            r.field(
                "attestation",
                match qr.attestation() {
                    luca_legacy::BadgeAttestation::Der(s) => json!({"der": hex::encode(s)}),
                    luca_legacy::BadgeAttestation::P1363(s) => json!({"p1363": hex::encode(s)}),
                },
            );
            r.field("bytes", hexv(qr.as_bytes()));
            r.check("length", "ok");
            r.check("checksum", "ok");
            r.check("ephemeral_key_on_curve", "ok");
            match attestation_key.map(|k| qr.verify_attestation(k)) {
                None => r.check("attestation", "not checked (needs --attestation-key)"),
                Some(Err(e)) => {
                    r.check("attestation", e.kind());
                    r.reject(e.kind(), LEGACY_BADGE_SECTION);
                }
                Some(Ok(Err(e))) => {
                    r.check("attestation", e.kind());
                    r.reject(e.kind(), LEGACY_BADGE_SECTION);
                }
                Some(Ok(Ok(form))) => r.check(
                    "attestation",
                    match form {
                        luca_legacy::AttestationForm::V3 => "ok (v3: over enc_ref)",
                        luca_legacy::AttestationForm::V3b => "ok (v3b: over SHA256(enc_ref || ephemeral key))",
                        luca_legacy::AttestationForm::V4 => "ok (v4: over user_id || enc_ref)",
                    },
                ),
            }
            r.check("reference", "not opened (needs the badge private key: luca open legacy-badge-qr)");
        }
    }
}

/// A venue or meeting URL of the original system. A meeting's names are personal data: only their presence is
/// shown.
fn legacy_venue(text: &str, r: &mut Report) {
    let q = match luca_legacy::LegacyVenueQr::from_url(text) {
        Ok(q) => q,
        Err(e) => return r.reject(e.kind(), r.kind.section()),
    };
    r.field("host", json!(q.host()));
    r.field(
        "venue_kind",
        json!(match q.kind() {
            luca_legacy::LegacyVenueKind::Venue => "venue",
            luca_legacy::LegacyVenueKind::PrivateMeeting => "private_meeting",
        }),
    );
    r.field("scanner_id", json!(q.scanner_id()));
    match q.kind() {
        luca_legacy::LegacyVenueKind::Venue => {
            r.field("table", json!(q.table()));
            r.field("additional_data", json!(q.additional_data()));
        }
        luca_legacy::LegacyVenueKind::PrivateMeeting => {
            // The names' member names only (`fn`, `ln`); null without a fragment.
            let members: Option<Vec<&String>> = q.additional_data().map(|m| m.keys().collect());
            r.field("host_name_members", json!(members));
        }
    }
    r.field("cwa_payload", json!(q.cwa_payload()));
    r.check("url", "ok");
    r.check("signature", "none (the original venue QR is not signed)");
}

//! Venue descriptor: the signed content of a venue's printed QR code (signed
//! by the registrar) or of a private meeting's QR code (self-signed by the host).

use crate::cbor::{self, ArrayReader, ArrayWriter};
use crate::cose::{self, SignedObject};
use crate::error::{DecodeError, VerifyError};
use crate::ids::{RegistrarId, VenueId};
use crate::keys::{EncryptionPublicKey, HostSigningKey, RegistrarKey, SignaturePublicKey};
use crate::labels;
use crate::signed::registrar_certificate::RegistrarCertificate;
use crate::signed::rules::{PAYLOAD_DEPTH, check_name, check_period, read_name, read_validity};
use crate::time::{UnixTime, Validity};

/// Largest table count of a venue.
pub const MAX_TABLE_COUNT: u16 = 1000;

/// Whether the descriptor is a registered venue or a private meeting.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum VenueKind {
    /// A venue registered with (and signed by) the registrar (wire value 0).
    Venue,
    /// A private meeting, self-signed by its host (wire value 1). Apps must
    /// show the user that this is a private meeting, not a registered venue.
    PrivateMeeting,
}

impl VenueKind {
    /// The wire value: 0 venue, 1 private meeting.
    pub fn to_u8(self) -> u8 {
        match self {
            Self::Venue => 0,
            Self::PrivateMeeting => 1,
        }
    }

    /// Parses the wire value.
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`] with `field: "kind"` for any value but 0 and 1.
    pub fn from_u8(v: u8) -> Result<Self, DecodeError> {
        match v {
            0 => Ok(Self::Venue),
            1 => Ok(Self::PrivateMeeting),
            _ => Err(DecodeError::InvalidField { field: "kind" }),
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Venue => labels::COSE_VENUE_DESCRIPTOR,
            Self::PrivateMeeting => labels::COSE_PRIVATE_MEETING_DESCRIPTOR,
        }
    }
}

/// Who signed: the registrar (by id) or the meeting host (by key).
#[derive(Clone, Copy, Debug)]
enum Signer {
    Registrar(RegistrarId),
    Host(SignaturePublicKey),
}

impl Signer {
    fn kind(&self) -> VenueKind {
        match self {
            Self::Registrar(_) => VenueKind::Venue,
            Self::Host(_) => VenueKind::PrivateMeeting,
        }
    }
}

/// The decoded payload.
#[derive(Clone, Debug)]
struct Body {
    venue_id: VenueId,
    name: String,
    venue_key: EncryptionPublicKey,
    table_count: Option<u16>,
    validity: Validity,
    signer: Signer,
}

const ARITY: usize = 9;

fn check_table_count(kind: VenueKind, table_count: Option<u16>) -> Result<(), DecodeError> {
    let ok = match (kind, table_count) {
        (_, None) => true,
        (VenueKind::Venue, Some(n)) => (1..=MAX_TABLE_COUNT).contains(&n),
        (VenueKind::PrivateMeeting, Some(_)) => false,
    };
    if ok { Ok(()) } else { Err(DecodeError::InvalidField { field: "table_count" }) }
}

impl Body {
    fn encode(&self) -> Vec<u8> {
        let w = ArrayWriter::new(1)
            .uint(u64::from(self.signer.kind().to_u8()))
            .bytes(self.venue_id.as_bytes())
            .text(&self.name)
            .bytes(&self.venue_key.to_bytes())
            .opt_uint(self.table_count.map(u64::from))
            .uint(self.validity.not_before.0)
            .uint(self.validity.not_after.0);
        match &self.signer {
            Signer::Registrar(id) => w.bytes(id.as_bytes()),
            Signer::Host(key) => w.bytes(&key.to_bytes()),
        }
        .encode()
    }

    /// Decodes the payload of an envelope whose content type says `envelope`.
    fn decode(payload: &[u8], envelope: VenueKind) -> Result<Self, DecodeError> {
        let value = cbor::decode(payload, VenueDescriptor::MAX_LEN, PAYLOAD_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "venue_descriptor", 1, ARITY)?;
        let kind = VenueKind::from_u8(r.u8("kind")?)?;
        if kind != envelope {
            return Err(DecodeError::InvalidField { field: "kind" });
        }
        let venue_id = VenueId::from_array(r.fixed::<16>("venue_id")?);
        let name = read_name(&mut r)?;
        let venue_key = EncryptionPublicKey::from_slice_field(&r.fixed::<65>("venue_key")?, "venue_key")?;
        let table_count = r
            .opt_uint("table_count")?
            .map(|n| u16::try_from(n).map_err(|_| DecodeError::InvalidField { field: "table_count" }))
            .transpose()?;
        check_table_count(kind, table_count)?;
        let validity = read_validity(&mut r)?;
        let signer_bytes = r.bytes("signer", VenueDescriptor::MAX_LEN)?;
        let signer = match (kind, signer_bytes.len()) {
            (VenueKind::Venue, RegistrarId::LENGTH) => Signer::Registrar(RegistrarId::from_slice(&signer_bytes)?),
            (VenueKind::PrivateMeeting, SignaturePublicKey::LENGTH) => {
                Signer::Host(SignaturePublicKey::from_slice_field(&signer_bytes, "signer")?)
            }
            _ => return Err(DecodeError::InvalidField { field: "signer" }),
        };
        Ok(Self { venue_id, name, venue_key, table_count, validity, signer })
    }
}

/// A venue descriptor as received: well-formed, not yet verified.
///
/// Only [`verify`](Self::verify) (or
/// [`verify_private_meeting`](Self::verify_private_meeting)) yields a
/// [`VenueDescriptor`]. See [`VenueDescriptor`] for the layout and every rule.
#[derive(Clone, Debug)]
pub struct VenueDescriptorIn {
    obj: SignedObject,
    body: Body,
}

/// A verified venue descriptor: a venue's id, name, venue key (the outer HPKE
/// layer of check-ins), table count and validity, vouched for by the
/// registrar, or a private meeting's, vouched for by its host only.
///
/// COSE_Sign1 (RFC 9052, ES256; `docs/protocol` §2.2) in one of two signing domains:
///
/// | kind | content type | signed by |
/// |---|---|---|
/// | 0 venue | `"application/luca.v1.venue-descriptor"` ([`labels::COSE_VENUE_DESCRIPTOR`]) | the registrar ([`RegistrarKey`], certified by a [`RegistrarCertificate`]) |
/// | 1 private meeting | `"application/luca.v1.private-meeting-descriptor"` ([`labels::COSE_PRIVATE_MEETING_DESCRIPTOR`]) | the host's [`HostSigningKey`], whose public key is in the payload (self-signed) |
///
/// Payload (deterministic CBOR):
///
/// ```cddl
/// venue-descriptor = [
///   version: 1,
///   kind: 0 / 1,                  ; 0 = venue, 1 = private meeting; must match the content type
///   venue_id: bstr .size 16,
///   name: tstr,                   ; 1..=128 UTF-8 bytes, no U+0000–U+001F, U+007F–U+009F
///   venue_key: bstr .size 65,     ; EncryptionPublicKey (outer layer of check-ins), uncompressed SEC1
///   table_count: (1..1000) / null,; venue only; always null for a private meeting
///   not_before: uint,             ; Unix seconds
///   not_after: uint,              ; Unix seconds
///   signer: bstr,                 ; kind 0: registrar_id (16 bytes); kind 1: host SignaturePublicKey (65 bytes)
/// ]
/// ```
///
/// Size cap: [`MAX_LEN`](Self::MAX_LEN) = 1024 bytes for the whole COSE object.
///
/// Decoding ([`VenueDescriptorIn::from_slice`]), in order:
/// 1. the COSE envelope with either content type (size cap → `TooLong`, CBOR
///    rules, ES256, any other content type → `WrongContentType`, other
///    header parameters → `UnexpectedHeader`);
/// 2. the payload: CBOR rules, first item 1 (else `UnsupportedVersion`), 9 items (else `WrongArity`);
/// 3. `kind` 0 or 1 and equal to the envelope's kind, else `InvalidField{kind}`;
/// 4. `venue_id` 16 bytes; `name` rule (`InvalidField{name}`); `venue_key`
///    65 bytes and a valid point (`WrongLength` / `InvalidPoint`);
/// 5. `table_count`: null, or (venue only) 1..=1000, else `InvalidField{table_count}`;
/// 6. `not_before`, `not_after` unsigned;
/// 7. `signer`: a byte string (`UnexpectedType`) of 16 bytes for a venue or
///    65 bytes for a private meeting, else `InvalidField{signer}`; a host key
///    must be a valid point (`InvalidPoint{signer}`).
///
/// Verification ([`VenueDescriptorIn::verify`]), in order. Venue:
/// 1. `signer == registrar_certificate.id()` → [`VerifyError::WrongIssuer`];
/// 2. the registrar certificate is valid at `now` → `NotYetValid` / `Expired`;
/// 3. the signature under the registrar certificate's key → [`VerifyError::BadSignature`];
/// 4. `not_before < not_after` and the period lies within the registrar
///    certificate's validity → [`VerifyError::InvalidValidity`];
/// 5. `now ∈ [not_before, not_after)` → [`VerifyError::NotYetValid`] / [`VerifyError::Expired`].
///
/// Private meeting (the registrar certificate is not used):
/// 1. the signature under the embedded host key → [`VerifyError::BadSignature`];
/// 2. `not_before < not_after` → [`VerifyError::InvalidValidity`];
/// 3. `now ∈ [not_before, not_after)` → `NotYetValid` / `Expired`.
///
/// The kind is signed and selects the signing domain, so a venue cannot turn
/// its registrar-signed descriptor into a private meeting (or back), nor swap
/// its venue key, without the signature failing.
#[derive(Clone, Debug)]
pub struct VenueDescriptor {
    inner: VenueDescriptorIn,
}

impl VenueDescriptorIn {
    /// Parses a venue or private-meeting descriptor, without checking the signature.
    ///
    /// # Errors
    /// Any [`DecodeError`] listed on [`VenueDescriptor`].
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let (obj, envelope) = match SignedObject::parse(bytes, VenueDescriptor::MAX_LEN, labels::COSE_VENUE_DESCRIPTOR)
        {
            Ok(obj) => (obj, VenueKind::Venue),
            Err(DecodeError::WrongContentType) => (
                SignedObject::parse(bytes, VenueDescriptor::MAX_LEN, labels::COSE_PRIVATE_MEETING_DESCRIPTOR)?,
                VenueKind::PrivateMeeting,
            ),
            Err(e) => return Err(e),
        };
        let body = Body::decode(obj.payload(), envelope)?;
        Ok(Self { obj, body })
    }

    /// Verifies the descriptor at `now`: a venue against the registrar's
    /// verified certificate, a private meeting against its own host key.
    ///
    /// # Errors
    /// The [`VerifyError`]s listed on [`VenueDescriptor`], in that order.
    pub fn verify(self, registrar: &RegistrarCertificate, now: UnixTime) -> Result<VenueDescriptor, VerifyError> {
        match self.body.signer {
            Signer::Registrar(id) => {
                if id != registrar.id() {
                    return Err(VerifyError::WrongIssuer);
                }
                registrar.check_validity(now)?;
                self.obj.verify(&registrar.signing_key().0)?;
                if !registrar.validity().covers(&self.body.validity) {
                    return Err(VerifyError::InvalidValidity);
                }
            }
            Signer::Host(key) => self.obj.verify(&key.0)?,
        }
        check_period(&self.body.validity, now)?;
        Ok(VenueDescriptor { inner: self })
    }

    /// Verifies a descriptor that must be a private meeting (no registrar certificate needed).
    ///
    /// # Errors
    /// [`VerifyError::WrongKind`] for a venue; otherwise as [`verify`](Self::verify) for a private meeting.
    pub fn verify_private_meeting(self, now: UnixTime) -> Result<VenueDescriptor, VerifyError> {
        let Signer::Host(key) = self.body.signer else {
            return Err(VerifyError::WrongKind);
        };
        self.obj.verify(&key.0)?;
        check_period(&self.body.validity, now)?;
        Ok(VenueDescriptor { inner: self })
    }

    /// Venue or private meeting (unverified).
    pub fn kind(&self) -> VenueKind {
        self.body.signer.kind()
    }

    /// The venue id (unverified).
    pub fn venue_id(&self) -> VenueId {
        self.body.venue_id
    }

    /// The venue's or meeting's name (unverified).
    pub fn name(&self) -> &str {
        &self.body.name
    }

    /// The venue key (unverified).
    pub fn venue_key(&self) -> EncryptionPublicKey {
        self.body.venue_key
    }

    /// The number of tables, if the venue has any (unverified).
    pub fn table_count(&self) -> Option<u16> {
        self.body.table_count
    }

    /// The validity period (unverified).
    pub fn validity(&self) -> Validity {
        self.body.validity
    }

    /// The signing registrar's id, for a venue (unverified).
    pub fn registrar_id(&self) -> Option<RegistrarId> {
        match self.body.signer {
            Signer::Registrar(id) => Some(id),
            Signer::Host(_) => None,
        }
    }

    /// The host's signing key, for a private meeting (unverified).
    pub fn host_key(&self) -> Option<SignaturePublicKey> {
        match self.body.signer {
            Signer::Registrar(_) => None,
            Signer::Host(key) => Some(key),
        }
    }

    /// The exact bytes received.
    pub fn as_bytes(&self) -> &[u8] {
        self.obj.as_bytes()
    }

    /// A copy of the exact bytes received.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.obj.as_bytes().to_vec()
    }
}

impl VenueDescriptor {
    /// Size cap of the encoded descriptor (COSE object), in bytes.
    pub const MAX_LEN: usize = 1024;

    /// Signs the descriptor of a registered venue with the registrar's key. Deterministic (RFC 6979).
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`]: `name` (name rule), `table_count`
    /// (`Some(0)` or above [`MAX_TABLE_COUNT`]), `validity` (`not_before >= not_after`).
    pub fn issue_venue(
        registrar: &RegistrarKey,
        registrar_id: RegistrarId,
        venue_id: VenueId,
        name: &str,
        venue_key: &EncryptionPublicKey,
        table_count: Option<u16>,
        validity: Validity,
    ) -> Result<Self, DecodeError> {
        // The name rule first: an oversized name is rejected before it is copied.
        check_name(name)?;
        let body = Body {
            venue_id,
            name: name.to_owned(),
            venue_key: *venue_key,
            table_count,
            validity,
            signer: Signer::Registrar(registrar_id),
        };
        Self::sign(&body, |m| registrar.sign(m))
    }

    /// Signs the descriptor of a private meeting with the host's own key. Deterministic (RFC 6979).
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`]: `name` (name rule), `validity` (`not_before >= not_after`).
    pub fn issue_private_meeting(
        host: &HostSigningKey,
        venue_id: VenueId,
        name: &str,
        venue_key: &EncryptionPublicKey,
        validity: Validity,
    ) -> Result<Self, DecodeError> {
        // The name rule first: an oversized name is rejected before it is copied.
        check_name(name)?;
        let body = Body {
            venue_id,
            name: name.to_owned(),
            venue_key: *venue_key,
            table_count: None,
            validity,
            signer: Signer::Host(host.public_key()),
        };
        Self::sign(&body, |m| host.sign(m))
    }

    fn sign(body: &Body, signer: impl FnOnce(&[u8]) -> [u8; 64]) -> Result<Self, DecodeError> {
        check_name(&body.name)?;
        check_table_count(body.signer.kind(), body.table_count)?;
        if !body.validity.is_well_formed() {
            return Err(DecodeError::InvalidField { field: "validity" });
        }
        let bytes = cose::sign(body.signer.kind().content_type(), body.encode(), signer);
        let inner = VenueDescriptorIn::from_slice(&bytes)?;
        Ok(Self { inner })
    }

    /// Venue or private meeting.
    pub fn kind(&self) -> VenueKind {
        self.inner.kind()
    }

    /// The venue id.
    pub fn venue_id(&self) -> VenueId {
        self.inner.venue_id()
    }

    /// The venue's or meeting's name.
    pub fn name(&self) -> &str {
        self.inner.name()
    }

    /// The venue key: scanners seal the outer layer of check-ins to it.
    pub fn venue_key(&self) -> EncryptionPublicKey {
        self.inner.venue_key()
    }

    /// The number of tables, if the venue has any (always `None` for a private meeting).
    pub fn table_count(&self) -> Option<u16> {
        self.inner.table_count()
    }

    /// The validity period.
    pub fn validity(&self) -> Validity {
        self.inner.validity()
    }

    /// Whether `now` lies in the validity period.
    pub fn is_valid_at(&self, now: UnixTime) -> bool {
        self.validity().contains(now)
    }

    /// The signing registrar's id, for a venue.
    pub fn registrar_id(&self) -> Option<RegistrarId> {
        self.inner.registrar_id()
    }

    /// The host's signing key, for a private meeting.
    pub fn host_key(&self) -> Option<SignaturePublicKey> {
        self.inner.host_key()
    }

    /// The exact descriptor bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.inner.as_bytes()
    }

    /// A copy of the exact descriptor bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.inner.to_bytes()
    }
}

impl PartialEq for VenueDescriptor {
    fn eq(&self, other: &Self) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl Eq for VenueDescriptor {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{TrustAnchorKey, VenuePrivateKey};
    use crate::signed::health_office_certificate::tests::{NA, NB, NOW, add_unprotected};
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    struct Fx {
        reg: RegistrarKey,
        reg_id: RegistrarId,
        cert: RegistrarCertificate,
        host: HostSigningKey,
        venue_id: VenueId,
        key: EncryptionPublicKey,
        other_key: EncryptionPublicKey,
    }

    fn fx() -> Fx {
        let mut rng = ChaCha20Rng::seed_from_u64(35);
        let anchor = TrustAnchorKey::generate(&mut rng);
        let reg = RegistrarKey::generate(&mut rng);
        let reg_id = RegistrarId::random(&mut rng);
        let cert = RegistrarCertificate::issue(
            &anchor,
            reg_id,
            "Registrar",
            &reg.public_key(),
            Validity { not_before: NB, not_after: NA },
        )
        .unwrap();
        Fx {
            reg,
            reg_id,
            cert,
            host: HostSigningKey::generate(&mut rng),
            venue_id: VenueId::random(&mut rng),
            key: VenuePrivateKey::generate(&mut rng).public_key(),
            other_key: VenuePrivateKey::generate(&mut rng).public_key(),
        }
    }

    fn validity() -> Validity {
        Validity { not_before: NOW.minus_secs(1000), not_after: NOW.plus_secs(1000) }
    }

    fn venue(f: &Fx) -> VenueDescriptor {
        VenueDescriptor::issue_venue(&f.reg, f.reg_id, f.venue_id, "Café Zimt", &f.key, Some(12), validity()).unwrap()
    }

    fn meeting(f: &Fx) -> VenueDescriptor {
        VenueDescriptor::issue_private_meeting(&f.host, f.venue_id, "Anna's birthday", &f.key, validity()).unwrap()
    }

    #[allow(clippy::too_many_arguments)]
    fn payload(
        kind: u64,
        f: &Fx,
        key: &EncryptionPublicKey,
        tables: Option<u64>,
        nb: u64,
        na: u64,
        signer: &[u8],
    ) -> Vec<u8> {
        ArrayWriter::new(1)
            .uint(kind)
            .bytes(f.venue_id.as_bytes())
            .text("V")
            .bytes(&key.to_bytes())
            .opt_uint(tables)
            .uint(nb)
            .uint(na)
            .bytes(signer)
            .encode()
    }

    fn venue_payload(f: &Fx) -> Vec<u8> {
        payload(0, f, &f.key, Some(3), validity().not_before.0, validity().not_after.0, f.reg_id.as_bytes())
    }

    fn meeting_payload(f: &Fx) -> Vec<u8> {
        payload(1, f, &f.key, None, validity().not_before.0, validity().not_after.0, &f.host.public_key().to_bytes())
    }

    fn by_registrar(f: &Fx, ct: &str, p: Vec<u8>) -> Vec<u8> {
        cose::sign(ct, p, |m| f.reg.sign(m))
    }

    fn by_host(f: &Fx, ct: &str, p: Vec<u8>) -> Vec<u8> {
        cose::sign(ct, p, |m| f.host.sign(m))
    }

    fn parse(b: &[u8]) -> Result<VenueDescriptorIn, DecodeError> {
        VenueDescriptorIn::from_slice(b)
    }

    #[test]
    fn round_trip_venue() {
        let f = fx();
        let d = venue(&f);
        let v = parse(d.as_bytes()).unwrap().verify(&f.cert, NOW).unwrap();
        assert_eq!(v, d);
        assert_eq!(v.kind(), VenueKind::Venue);
        assert_eq!(v.venue_id(), f.venue_id);
        assert_eq!(v.name(), "Café Zimt");
        assert_eq!(v.venue_key(), f.key);
        assert_eq!(v.table_count(), Some(12));
        assert_eq!(v.validity(), validity());
        assert_eq!(v.registrar_id(), Some(f.reg_id));
        assert_eq!(v.host_key(), None);
        assert!(v.is_valid_at(NOW));
        assert_eq!(venue(&f).to_bytes(), d.to_bytes());
        let obj = SignedObject::parse(d.as_bytes(), 1024, labels::COSE_VENUE_DESCRIPTOR).unwrap();
        let expected = ArrayWriter::new(1)
            .uint(0)
            .bytes(f.venue_id.as_bytes())
            .text("Café Zimt")
            .bytes(&f.key.to_bytes())
            .uint(12)
            .uint(validity().not_before.0)
            .uint(validity().not_after.0)
            .bytes(f.reg_id.as_bytes())
            .encode();
        assert_eq!(obj.payload(), expected.as_slice());
        assert_eq!(parse(d.as_bytes()).unwrap().verify_private_meeting(NOW).unwrap_err(), VerifyError::WrongKind);
    }

    #[test]
    fn round_trip_private_meeting() {
        let f = fx();
        let d = meeting(&f);
        let v = parse(d.as_bytes()).unwrap().verify(&f.cert, NOW).unwrap();
        assert_eq!(v.kind(), VenueKind::PrivateMeeting);
        assert_eq!(v.host_key(), Some(f.host.public_key()));
        assert_eq!(v.registrar_id(), None);
        assert_eq!(v.table_count(), None);
        assert_eq!(v.name(), "Anna's birthday");
        let w = parse(d.as_bytes()).unwrap().verify_private_meeting(NOW).unwrap();
        assert_eq!(w, v);
        SignedObject::parse(d.as_bytes(), 1024, labels::COSE_PRIVATE_MEETING_DESCRIPTOR).unwrap();
    }

    #[test]
    fn verify_venue_rejections() {
        let f = fx();
        let d = venue(&f);
        let p = || parse(d.as_bytes()).unwrap();
        assert_eq!(p().verify(&f.cert, validity().not_after).unwrap_err(), VerifyError::Expired);
        assert_eq!(p().verify(&f.cert, validity().not_before.minus_secs(1)).unwrap_err(), VerifyError::NotYetValid);
        assert_eq!(p().verify(&f.cert, NA).unwrap_err(), VerifyError::Expired);
        // Another registrar id.
        let mut q = venue_payload(&f);
        let n = q.len();
        q[n - 1] ^= 1;
        assert_eq!(
            parse(&by_registrar(&f, labels::COSE_VENUE_DESCRIPTOR, q)).unwrap().verify(&f.cert, NOW).unwrap_err(),
            VerifyError::WrongIssuer
        );
        // Signed by someone else.
        let b = by_host(&f, labels::COSE_VENUE_DESCRIPTOR, venue_payload(&f));
        assert_eq!(parse(&b).unwrap().verify(&f.cert, NOW).unwrap_err(), VerifyError::BadSignature);
        // Inverted validity, and validity outside the certificate's.
        let q = payload(0, &f, &f.key, None, NOW.0 + 1, NOW.0, f.reg_id.as_bytes());
        assert_eq!(
            parse(&by_registrar(&f, labels::COSE_VENUE_DESCRIPTOR, q)).unwrap().verify(&f.cert, NOW).unwrap_err(),
            VerifyError::InvalidValidity
        );
        let q = payload(0, &f, &f.key, None, NOW.0, NA.0 + 1, f.reg_id.as_bytes());
        assert_eq!(
            parse(&by_registrar(&f, labels::COSE_VENUE_DESCRIPTOR, q)).unwrap().verify(&f.cert, NOW).unwrap_err(),
            VerifyError::InvalidValidity
        );
    }

    #[test]
    fn verify_swapped_venue_key() {
        let f = fx();
        for d in [venue(&f), meeting(&f)] {
            let mut t = d.to_bytes();
            let key = f.key.to_bytes();
            let pos = t.windows(65).position(|w| w == key).unwrap();
            t[pos..pos + 65].copy_from_slice(&f.other_key.to_bytes());
            assert_eq!(parse(&t).unwrap().verify(&f.cert, NOW).unwrap_err(), VerifyError::BadSignature);
        }
    }

    #[test]
    fn verify_private_meeting_rejections() {
        let f = fx();
        // Host key in the payload, but signed by the registrar.
        let b = by_registrar(&f, labels::COSE_PRIVATE_MEETING_DESCRIPTOR, meeting_payload(&f));
        assert_eq!(parse(&b).unwrap().verify(&f.cert, NOW).unwrap_err(), VerifyError::BadSignature);
        let q = payload(1, &f, &f.key, None, NOW.0, NOW.0, &f.host.public_key().to_bytes());
        let b = by_host(&f, labels::COSE_PRIVATE_MEETING_DESCRIPTOR, q);
        assert_eq!(parse(&b).unwrap().verify_private_meeting(NOW).unwrap_err(), VerifyError::InvalidValidity);
        let d = meeting(&f);
        assert_eq!(
            parse(d.as_bytes()).unwrap().verify_private_meeting(validity().not_after).unwrap_err(),
            VerifyError::Expired
        );
    }

    #[test]
    fn decode_kind_flips() {
        let f = fx();
        // Registrar-signed venue payload relabelled as a private meeting.
        let b = by_registrar(&f, labels::COSE_PRIVATE_MEETING_DESCRIPTOR, venue_payload(&f));
        assert_eq!(parse(&b).unwrap_err(), DecodeError::InvalidField { field: "kind" });
        // Private-meeting payload in a venue envelope.
        let b = by_host(&f, labels::COSE_VENUE_DESCRIPTOR, meeting_payload(&f));
        assert_eq!(parse(&b).unwrap_err(), DecodeError::InvalidField { field: "kind" });
        // Kind changed to 1 inside the venue envelope's payload, signer left as registrar id.
        let q = payload(1, &f, &f.key, None, NOW.0, NOW.0 + 1, f.reg_id.as_bytes());
        let b = by_registrar(&f, labels::COSE_PRIVATE_MEETING_DESCRIPTOR, q);
        assert_eq!(parse(&b).unwrap_err(), DecodeError::InvalidField { field: "signer" });
        // Kind 2.
        let q = payload(2, &f, &f.key, None, NOW.0, NOW.0 + 1, f.reg_id.as_bytes());
        let b = by_registrar(&f, labels::COSE_VENUE_DESCRIPTOR, q);
        assert_eq!(parse(&b).unwrap_err(), DecodeError::InvalidField { field: "kind" });
        // Flipping the kind byte in place of a real descriptor: caught at decode.
        let mut t = venue(&f).to_bytes();
        let pos = t.windows(2).position(|w| w == [0x89, 0x01]).unwrap();
        t[pos + 2] = 0x01;
        assert_eq!(parse(&t).unwrap_err(), DecodeError::InvalidField { field: "kind" });
    }

    #[test]
    fn decode_signer_rules() {
        let f = fx();
        let host = f.host.public_key().to_bytes();
        let q = payload(0, &f, &f.key, None, NOW.0, NOW.0 + 1, &host);
        let b = by_registrar(&f, labels::COSE_VENUE_DESCRIPTOR, q);
        assert_eq!(parse(&b).unwrap_err(), DecodeError::InvalidField { field: "signer" });
        let q = payload(1, &f, &f.key, None, NOW.0, NOW.0 + 1, &host[..33]);
        let b = by_host(&f, labels::COSE_PRIVATE_MEETING_DESCRIPTOR, q);
        assert_eq!(parse(&b).unwrap_err(), DecodeError::InvalidField { field: "signer" });
        let q = payload(1, &f, &f.key, None, NOW.0, NOW.0 + 1, &[0; 65]);
        let b = by_host(&f, labels::COSE_PRIVATE_MEETING_DESCRIPTOR, q);
        assert_eq!(parse(&b).unwrap_err(), DecodeError::InvalidPoint { field: "signer" });
    }

    #[test]
    fn decode_table_count_rules() {
        let f = fx();
        let id = f.reg_id.as_bytes();
        for n in [0, 1001, 70_000] {
            let q = payload(0, &f, &f.key, Some(n), NOW.0, NOW.0 + 1, id);
            let b = by_registrar(&f, labels::COSE_VENUE_DESCRIPTOR, q);
            assert_eq!(parse(&b).unwrap_err(), DecodeError::InvalidField { field: "table_count" });
        }
        let q = payload(0, &f, &f.key, Some(1000), NOW.0, NOW.0 + 1, id);
        assert!(parse(&by_registrar(&f, labels::COSE_VENUE_DESCRIPTOR, q)).is_ok());
        let q = payload(1, &f, &f.key, Some(1), NOW.0, NOW.0 + 1, &f.host.public_key().to_bytes());
        let b = by_host(&f, labels::COSE_PRIVATE_MEETING_DESCRIPTOR, q);
        assert_eq!(parse(&b).unwrap_err(), DecodeError::InvalidField { field: "table_count" });
    }

    #[test]
    fn decode_envelope_and_payload_rules() {
        let f = fx();
        let b = venue(&f).to_bytes();
        assert_eq!(parse(&b[..b.len() - 1]).unwrap_err(), DecodeError::Truncated);
        let mut t = b.clone();
        t.push(0);
        assert_eq!(parse(&t).unwrap_err(), DecodeError::TrailingBytes);
        assert_eq!(parse(&[0u8; 1025]).unwrap_err(), DecodeError::TooLong { max: 1024, got: 1025 });
        assert_eq!(parse(&add_unprotected(&b)).unwrap_err(), DecodeError::UnexpectedHeader);
        assert_eq!(parse(&add_unprotected(meeting(&f).as_bytes())).unwrap_err(), DecodeError::UnexpectedHeader);
        let other = by_registrar(&f, labels::COSE_BADGE_ATTESTATION, venue_payload(&f));
        assert_eq!(parse(&other).unwrap_err(), DecodeError::WrongContentType);
        let v2 = ArrayWriter::new(2).uint(0).encode();
        assert_eq!(
            parse(&by_registrar(&f, labels::COSE_VENUE_DESCRIPTOR, v2)).unwrap_err(),
            DecodeError::UnsupportedVersion { got: 2 }
        );
        let short = ArrayWriter::new(1).uint(0).encode();
        assert_eq!(
            parse(&by_registrar(&f, labels::COSE_VENUE_DESCRIPTOR, short)).unwrap_err(),
            DecodeError::WrongArity { field: "venue_descriptor", expected: 9, got: 2 }
        );
        let bad_name = ArrayWriter::new(1)
            .uint(0)
            .bytes(f.venue_id.as_bytes())
            .text("a\u{7}")
            .bytes(&f.key.to_bytes())
            .null()
            .uint(1)
            .uint(2)
            .bytes(f.reg_id.as_bytes())
            .encode();
        assert_eq!(
            parse(&by_registrar(&f, labels::COSE_VENUE_DESCRIPTOR, bad_name)).unwrap_err(),
            DecodeError::InvalidField { field: "name" }
        );
    }

    #[test]
    fn issue_rejections() {
        let f = fx();
        let i = |name: &str, tables, v| {
            VenueDescriptor::issue_venue(&f.reg, f.reg_id, f.venue_id, name, &f.key, tables, v).map(|_| ())
        };
        assert_eq!(i("", None, validity()), Err(DecodeError::InvalidField { field: "name" }));
        assert_eq!(i("V", Some(0), validity()), Err(DecodeError::InvalidField { field: "table_count" }));
        assert_eq!(i("V", Some(1001), validity()), Err(DecodeError::InvalidField { field: "table_count" }));
        let inv = Validity { not_before: NOW, not_after: NOW };
        assert_eq!(i("V", None, inv), Err(DecodeError::InvalidField { field: "validity" }));
        assert_eq!(
            VenueDescriptor::issue_private_meeting(&f.host, f.venue_id, "x\u{80}", &f.key, validity()).unwrap_err(),
            DecodeError::InvalidField { field: "name" }
        );
    }
}

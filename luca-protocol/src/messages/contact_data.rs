//! Encrypted and signed contact data (guest → server at registration and on
//! every update; server → health office when tracing).
//!
//! The guest encrypts its contact fields with AES-128-GCM under a key derived
//! from its data secret and signs the result with its guest signing key. The
//! server can check the signature (and that an update comes from the key the
//! user registered with) but learns nothing of the contents; a health office
//! that learned `user_id ‖ data_secret` from a check-in opens it.

use core::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::cbor::{self, ArrayReader, ArrayWriter, encode_secret};
use crate::cose::{self, SignedObject};
use crate::crypto::{self, AEAD_NONCE_LEN, AEAD_TAG_LEN, POINT_LEN};
use crate::derive;
use crate::error::{DecodeError, OpenError, VerifyError};
use crate::ids::UserId;
use crate::keys::{GuestSigningKey, SignaturePublicKey};
use crate::labels;
use crate::secrets::DataSecret;
use crate::time::UnixTime;

/// A bound on how much Unicode normalisation (NFC) can shrink UTF-8 text: `len(text) <= MAX_NFC_SHRINK ×
/// len(nfc(text))` for every text. The exact worst case is 3.5: U+1FBE U+0308 U+0341 (7 bytes) is `ΐ` U+0390
/// (2 bytes) in NFC; a Hangul syllable typed as three conjoining jamo (9 bytes, 3 in NFC) and U+212A KELVIN SIGN
/// (3 bytes, `K` in NFC) reach 3. The bound is checked over all of Unicode by the test
/// `nfc_shrinks_utf8_by_at_most_3_5` (via the canonical decompositions of every code point).
/// [`ContactFields::normalized`] rejects a field longer than this × its limit before normalising it, which
/// therefore rejects no text whose NFC form is within the limit.
pub const MAX_NFC_SHRINK: usize = 4;

/// Protocol version of contact data (payload and plaintext).
const VERSION: u64 = 1;
/// Items of the signed payload, version included.
const PAYLOAD_ARITY: usize = 6;
/// Items of the plaintext, version included.
const PLAINTEXT_ARITY: usize = 9;
/// Both the payload and the plaintext are flat arrays.
const MAX_DEPTH: usize = 1;

use crate::error::SealError;

pub use crate::error::{ContactFieldError, FieldProblem};
use crate::messages::text::check_text_reason;
pub use crate::messages::text::is_forbidden_char;

/// The contact fields of a guest. Personal data: wiped on drop, redacted in `Debug`.
///
/// Limits (UTF-8 bytes), enforced by [`ContactFields::validate`] on the guest
/// side before encryption and by [`ContactDataIn::open`] after decryption:
///
/// | field | length | extra rule |
/// |---|---|---|
/// | `first_name` | 1..=64 | |
/// | `last_name` | 1..=64 | |
/// | `phone` | 3..=32 | only `0-9 + ( ) / -` and space; at least 3 digits |
/// | `email` | 0..=254 | |
/// | `street` | 0..=128 | |
/// | `house_number` | 0..=16 | |
/// | `postcode` | 0..=16 | |
/// | `city` | 0..=64 | |
///
/// No field may contain a control character (U+0000–U+001F, U+007F–U+009F), a line or
/// paragraph separator (U+2028, U+2029) or an invisible format character (Unicode category Cf,
/// bidi controls and U+FEFF included) other than U+200C and U+200D (the full list: docs/PROTOCOL.md
/// §8.1, field rules), and every field must be in Unicode Normalization Form C (checked over all fields after the
/// upper length limits and before the other rules; [`ContactData::seal`] caps, then normalises, then validates:
/// [`ContactFields::normalized`]). Text that looks like a spreadsheet
/// formula (`=cmd|…`) is valid here: neutralising it is the exporter's job.
#[derive(Clone, Default, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct ContactFields {
    /// First name(s).
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Phone number.
    pub phone: String,
    /// E-mail address (may be empty).
    pub email: String,
    /// Street (may be empty).
    pub street: String,
    /// House number (may be empty).
    pub house_number: String,
    /// Postcode (may be empty).
    pub postcode: String,
    /// City (may be empty).
    pub city: String,
}

impl fmt::Debug for ContactFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ContactFields(<redacted>)")
    }
}

impl ContactFields {
    /// Maximum length of the encoded plaintext.
    pub const MAX_PLAINTEXT_LEN: usize = 4096;

    /// Checks every field against the limits in the type's documentation: first every field's upper length limit
    /// (in field order, before any character is looked at, so an oversized input costs no per-character work),
    /// then that every field is in NFC, then the remaining rules of each field in field order.
    ///
    /// # Errors
    /// [`DecodeError::InvalidField`] naming the first offending field of the first check that fails
    /// ([`check`](Self::check) says why).
    pub fn validate(&self) -> Result<(), DecodeError> {
        self.check().map_err(DecodeError::from)
    }

    /// [`validate`](Self::validate), with the reason: the same checks in the same order, the same field named.
    ///
    /// # Errors
    /// [`ContactFieldError`] naming the first offending field of the first check that fails, and why.
    pub fn check(&self) -> Result<(), ContactFieldError> {
        for (value, field, max) in self.named() {
            if value.len() > max {
                return Err(ContactFieldError { field, problem: FieldProblem::TooLong { max } });
            }
        }
        for (value, field, _) in self.named() {
            if !unicode_normalization::is_nfc(value) {
                return Err(ContactFieldError { field, problem: FieldProblem::NotNfc });
            }
        }
        check_text_reason(&self.first_name, "first_name", 1, 64)?;
        check_text_reason(&self.last_name, "last_name", 1, 64)?;
        check_phone(&self.phone)?;
        check_text_reason(&self.email, "email", 0, 254)?;
        check_text_reason(&self.street, "street", 0, 128)?;
        check_text_reason(&self.house_number, "house_number", 0, 16)?;
        check_text_reason(&self.postcode, "postcode", 0, 16)?;
        check_text_reason(&self.city, "city", 0, 64)
    }

    /// The fields as [`ContactData::seal`] encrypts them: normalised to NFC ([`to_nfc`](Self::to_nfc)) and
    /// [validated](Self::validate).
    ///
    /// Untrusted input is capped before it is normalised: a field longer than [`MAX_NFC_SHRINK`] × its limit
    /// (UTF-8 bytes, as typed) is rejected at once, without normalising or looking at any character. The cap
    /// rejects no input that normalisation would bring within the limit, because NFC never shrinks UTF-8 text by
    /// more than that factor; a field within the cap is normalised (NFC may also expand text, by up to 3 × in
    /// UTF-8, so the normalised text stays small) and then checked exactly against the limit.
    ///
    /// # Errors
    /// [`ContactFieldError`] ([`FieldProblem::TooLong`]) naming the first field over its cap (in field order),
    /// else the error of [`check`](Self::check) on the normalised fields.
    pub fn normalized(&self) -> Result<ContactFields, ContactFieldError> {
        for (value, field, max) in self.named() {
            if value.len() > max.saturating_mul(MAX_NFC_SHRINK) {
                return Err(ContactFieldError { field, problem: FieldProblem::TooLong { max } });
            }
        }
        let fields = self.to_nfc();
        fields.check()?;
        Ok(fields)
    }

    /// Every field with its name and its upper length limit (UTF-8 bytes), in plaintext order.
    fn named(&self) -> [(&str, &'static str, usize); 8] {
        [
            (&self.first_name, "first_name", 64),
            (&self.last_name, "last_name", 64),
            (&self.phone, "phone", 32),
            (&self.email, "email", 254),
            (&self.street, "street", 128),
            (&self.house_number, "house_number", 16),
            (&self.postcode, "postcode", 16),
            (&self.city, "city", 64),
        ]
    }

    /// The same fields in Unicode Normalization Form C (UAX #15), which the
    /// protocol requires. [`ContactData::seal`] applies it before validating,
    /// so text typed in decomposed form (as some keyboards and file systems
    /// produce it) is accepted; a health office rejects non-NFC fields.
    ///
    /// This normalises whatever it is given, in time linear in the input: for untrusted input use
    /// [`normalized`](Self::normalized), which caps the lengths first.
    pub fn to_nfc(&self) -> ContactFields {
        use unicode_normalization::UnicodeNormalization as _;
        let n = |s: &str| s.nfc().collect::<String>();
        ContactFields {
            first_name: n(&self.first_name),
            last_name: n(&self.last_name),
            phone: n(&self.phone),
            email: n(&self.email),
            street: n(&self.street),
            house_number: n(&self.house_number),
            postcode: n(&self.postcode),
            city: n(&self.city),
        }
    }

    /// The plaintext: CBOR `[1, first_name, last_name, phone, email, street, house_number, postcode, city]`
    /// (deterministic encoding; docs/PROTOCOL.md §8.1), in a buffer that wipes itself. [`ContactData::seal`]
    /// encrypts exactly this after normalising and validating the fields.
    pub fn to_plaintext(&self) -> Zeroizing<Vec<u8>> {
        encode_secret(
            ArrayWriter::new(VERSION)
                .text(&self.first_name)
                .text(&self.last_name)
                .text(&self.phone)
                .text(&self.email)
                .text(&self.street)
                .text(&self.house_number)
                .text(&self.postcode)
                .text(&self.city)
                .into_value(),
        )
    }

    /// Decodes a decrypted contact-data plaintext and checks the field rules
    /// ([`validate`](Self::validate)): what [`ContactDataIn::open`] does after decryption. Public so that the
    /// plaintext decoder can be fuzzed and checked against other implementations.
    ///
    /// # Errors
    /// The [`DecodeError`] of the first rule broken (size cap 4096 bytes, CBOR, version, arity, lengths,
    /// field rules).
    pub fn from_plaintext(bytes: &[u8]) -> Result<Self, DecodeError> {
        let value = cbor::decode(bytes, Self::MAX_PLAINTEXT_LEN, MAX_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "contact_fields", VERSION, PLAINTEXT_ARITY)?;
        let mut f = Self::default();
        f.first_name = r.text("first_name", 64)?;
        f.last_name = r.text("last_name", 64)?;
        f.phone = r.text("phone", 32)?;
        f.email = r.text("email", 254)?;
        f.street = r.text("street", 128)?;
        f.house_number = r.text("house_number", 16)?;
        f.postcode = r.text("postcode", 16)?;
        f.city = r.text("city", 64)?;
        f.validate()?;
        Ok(f)
    }
}

fn check_phone(phone: &str) -> Result<(), ContactFieldError> {
    let problem = if phone.len() < 3 {
        FieldProblem::TooShort { min: 3 }
    } else if phone.len() > 32 {
        FieldProblem::TooLong { max: 32 }
    } else if !phone.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '(' | ')' | '/' | '-')) {
        FieldProblem::NotAPhoneNumber
    } else if phone.chars().filter(char::is_ascii_digit).count() < 3 {
        FieldProblem::TooFewDigits
    } else {
        return Ok(());
    };
    Err(ContactFieldError { field: "phone", problem })
}

/// AAD of the contact-data ciphertext:
/// `"luca/v1/aad/contact-data" ‖ user_id(16) ‖ guest_key(65) ‖ updated_at_be64`.
fn aad(user_id: &UserId, guest_key: &[u8; POINT_LEN], updated_at: UnixTime) -> Vec<u8> {
    let mut aad = Vec::with_capacity(labels::AAD_CONTACT_DATA.len().saturating_add(16 + POINT_LEN + 8));
    aad.extend_from_slice(labels::AAD_CONTACT_DATA);
    aad.extend_from_slice(user_id.as_bytes());
    aad.extend_from_slice(guest_key);
    aad.extend_from_slice(&updated_at.0.to_be_bytes());
    aad
}

/// Encrypted and signed contact data, as received (signature not yet checked).
///
/// Layout: a COSE_Sign1 (see `crate::cose`) with content type
/// `"application/luca.v1.contact-data"`, signed by the guest signing key whose
/// public half is `guest_key` inside the payload:
///
/// ```cddl
/// contact-data-payload = [
///   1,                          ; version
///   user_id: bstr .size 16,
///   guest_key: bstr .size 65,   ; uncompressed SEC1 P-256 point, the signer
///   updated_at: uint,           ; Unix seconds
///   nonce: bstr .size 12,       ; random, AES-GCM nonce
///   ciphertext: bstr,           ; 16..=4112 bytes: AES-128-GCM(ct ‖ tag)
/// ]
/// contact-fields = [            ; the plaintext, at most 4096 bytes
///   1, first_name: tstr, last_name: tstr, phone: tstr, email: tstr,
///   street: tstr, house_number: tstr, postcode: tstr, city: tstr,
/// ]
/// ```
///
/// * key: `HKDF-SHA256(salt = "", ikm = data_secret, info = "luca/v1/contact-data-key", L = 16)`;
/// * AAD: `"luca/v1/aad/contact-data" ‖ user_id ‖ guest_key ‖ updated_at_be64`
///   (binds the ciphertext to its user and its signer);
/// * size cap: [`ContactDataIn::MAX_LEN`] = 8192 bytes for the whole COSE object.
///
/// [`ContactDataIn::from_slice`] checks, in order: the COSE envelope (size
/// cap → `TooLong`, CBOR rules, ES256, content type → `WrongContentType`,
/// 64-byte signature), then the payload: deterministic CBOR (depth 1),
/// version (`UnsupportedVersion`), arity 6 (`WrongArity`), `user_id` 16 bytes,
/// `guest_key` 65 bytes (`WrongLength`) and a valid point (`InvalidPoint`),
/// `updated_at` uint, `nonce` 12 bytes, `ciphertext` 16..=4112 bytes
/// (`WrongLength`).
#[derive(Clone, Debug)]
pub struct ContactDataIn {
    signed: SignedObject,
    user_id: UserId,
    guest_key: SignaturePublicKey,
    updated_at: UnixTime,
    nonce: [u8; AEAD_NONCE_LEN],
    ciphertext: Vec<u8>,
}

impl ContactDataIn {
    /// Size cap of the whole COSE object.
    pub const MAX_LEN: usize = 8192;
    /// Maximum length of the ciphertext (plaintext cap plus the tag).
    pub const MAX_CIPHERTEXT_LEN: usize = ContactFields::MAX_PLAINTEXT_LEN + AEAD_TAG_LEN;

    /// Parses contact data; does not check the signature.
    ///
    /// # Errors
    /// The [`DecodeError`] of the first rule violated (see the type's documentation).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, DecodeError> {
        let signed = SignedObject::parse(bytes, Self::MAX_LEN, labels::COSE_CONTACT_DATA)?;
        let value = cbor::decode(signed.payload(), Self::MAX_LEN, MAX_DEPTH)?;
        let mut r = ArrayReader::open_message(value, "contact_data", VERSION, PAYLOAD_ARITY)?;
        let user_id = UserId::from_array(r.fixed::<16>("user_id")?);
        let guest_key = SignaturePublicKey::from_slice_field(&r.fixed::<POINT_LEN>("guest_key")?, "guest_key")?;
        let updated_at = UnixTime(r.uint("updated_at")?);
        let nonce = r.fixed::<AEAD_NONCE_LEN>("nonce")?;
        let ciphertext = r.bytes("ciphertext", Self::MAX_CIPHERTEXT_LEN)?;
        if ciphertext.len() < AEAD_TAG_LEN {
            return Err(DecodeError::WrongLength {
                field: "ciphertext",
                expected: AEAD_TAG_LEN,
                got: ciphertext.len(),
            });
        }
        Ok(Self { signed, user_id, guest_key, updated_at, nonce, ciphertext })
    }

    /// The user id the data is stored under.
    pub fn user_id(&self) -> UserId {
        self.user_id
    }

    /// The guest's signature key (the signer).
    pub fn guest_key(&self) -> SignaturePublicKey {
        self.guest_key
    }

    /// When the guest last changed its contact data.
    pub fn updated_at(&self) -> UnixTime {
        self.updated_at
    }

    /// The exact bytes received.
    pub fn as_bytes(&self) -> &[u8] {
        self.signed.as_bytes()
    }

    /// Checks the signature under the embedded `guest_key` (server side, at registration).
    ///
    /// # Errors
    /// [`VerifyError::BadSignature`].
    pub fn verify_signature(&self) -> Result<(), VerifyError> {
        self.signed.verify(&self.guest_key.0)
    }

    /// Checks the signature and returns the verified contact data.
    ///
    /// # Errors
    /// [`VerifyError::BadSignature`].
    pub fn verify(self) -> Result<ContactData, VerifyError> {
        self.verify_signature()?;
        Ok(ContactData(self))
    }

    /// Whether `self` is an acceptable update of the stored `previous` (server side).
    ///
    /// Checks, in order: the same `user_id` (else `KeyMismatch`), the same
    /// `guest_key` (else `KeyMismatch`: the signing key of a user id never
    /// changes), the signature of `self` under that key (else `BadSignature`),
    /// and a strictly later `updated_at` (else `InvalidValidity`: no replay of
    /// an older version).
    ///
    /// # Errors
    /// [`VerifyError::KeyMismatch`], [`VerifyError::BadSignature`] or [`VerifyError::InvalidValidity`].
    pub fn is_update_of(&self, previous: &ContactDataIn) -> Result<(), VerifyError> {
        if self.user_id != previous.user_id || self.guest_key != previous.guest_key {
            return Err(VerifyError::KeyMismatch);
        }
        self.signed.verify(&previous.guest_key.0)?;
        if self.updated_at <= previous.updated_at {
            return Err(VerifyError::InvalidValidity);
        }
        Ok(())
    }

    /// Opens the contact data of `expected_user` (health-office side).
    ///
    /// Steps, in order:
    /// 1. `user_id` must equal `expected_user` (the user id from the decrypted
    ///    check-in), else `BindingMismatch { field: "user_id" }`;
    /// 2. the signature must verify under `guest_key`, else
    ///    `BindingMismatch { field: "signature" }`;
    /// 3. AES-128-GCM open with the AAD above, else `DecryptionFailed`;
    /// 4. the plaintext must parse (size cap 4096, deterministic CBOR, version,
    ///    arity 9, text fields) and validate, else `Malformed(DecodeError)`.
    ///
    /// # Errors
    /// [`OpenError`] as listed.
    pub fn open(self, expected_user: &UserId, data_secret: &DataSecret) -> Result<OpenedContactData, OpenError> {
        if self.user_id != *expected_user {
            return Err(OpenError::BindingMismatch { field: "user_id" });
        }
        self.verify_signature().map_err(|_| OpenError::BindingMismatch { field: "signature" })?;
        let key = derive::contact_data_key(data_secret);
        let aad = aad(&self.user_id, &self.guest_key.to_bytes(), self.updated_at);
        let pt = crypto::aes128gcm_open(key.expose_secret(), &self.nonce, &aad, &self.ciphertext)?;
        let fields = ContactFields::from_plaintext(&pt).map_err(OpenError::Malformed)?;
        Ok(OpenedContactData { user_id: self.user_id, guest_key: self.guest_key, updated_at: self.updated_at, fields })
    }
}

/// Contact data whose signature verified under its embedded guest key (or that
/// this process sealed). Layout and rules: [`ContactDataIn`].
#[derive(Clone, Debug)]
pub struct ContactData(ContactDataIn);

impl ContactData {
    /// Size cap of the whole COSE object.
    pub const MAX_LEN: usize = ContactDataIn::MAX_LEN;

    /// Encrypts `fields` and signs the result (guest side).
    ///
    /// Steps: cap, normalise and validate `fields` ([`ContactFields::normalized`]: an oversized field is
    /// rejected before any normalisation); encode the plaintext; draw a 12-byte nonce
    /// from `rng` (the key encrypts every update, so nonces are random); derive
    /// the key from `data_secret`; AES-128-GCM seal with the AAD
    /// `"luca/v1/aad/contact-data" ‖ user_id ‖ guest_key ‖ updated_at_be64`
    /// where `guest_key` is the public key of `signing_key`; encode the payload;
    /// sign it as COSE_Sign1 with content type `"application/luca.v1.contact-data"`.
    ///
    /// # Errors
    /// [`SealError::InvalidInput`] with the [`DecodeError::InvalidField`] of
    /// the first invalid field; [`SealError::Crypto`] never in practice.
    pub fn seal<R: rand_core::CryptoRng>(
        rng: &mut R,
        signing_key: &GuestSigningKey,
        user_id: UserId,
        data_secret: &DataSecret,
        fields: &ContactFields,
        updated_at: UnixTime,
    ) -> Result<Self, SealError> {
        let fields = fields.normalized()?;
        let pt = fields.to_plaintext();
        let mut nonce = [0u8; AEAD_NONCE_LEN];
        rng.fill_bytes(&mut nonce);
        let key = derive::contact_data_key(data_secret);
        let guest_key = signing_key.public_key().to_bytes();
        let ct = crypto::aes128gcm_seal(key.expose_secret(), &nonce, &aad(&user_id, &guest_key, updated_at), &pt)?;
        let payload = ArrayWriter::new(VERSION)
            .bytes(user_id.as_bytes())
            .bytes(&guest_key)
            .uint(updated_at.0)
            .bytes(&nonce)
            .bytes(&ct)
            .encode();
        let bytes = cose::sign(labels::COSE_CONTACT_DATA, payload, |m| signing_key.sign(m));
        Ok(Self(ContactDataIn::from_slice(&bytes)?))
    }

    /// The user id the data is stored under.
    pub fn user_id(&self) -> UserId {
        self.0.user_id
    }

    /// The guest's signature key (the signer).
    pub fn guest_key(&self) -> SignaturePublicKey {
        self.0.guest_key
    }

    /// When the guest last changed its contact data.
    pub fn updated_at(&self) -> UnixTime {
        self.0.updated_at
    }

    /// The encoded message.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The encoded message, copied.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.as_bytes().to_vec()
    }

    /// The unverified view (e.g. to call [`ContactDataIn::open`]).
    pub fn into_unverified(self) -> ContactDataIn {
        self.0
    }

    /// [`ContactDataIn::is_update_of`] for two verified objects.
    ///
    /// # Errors
    /// [`VerifyError::KeyMismatch`], [`VerifyError::BadSignature`] or [`VerifyError::InvalidValidity`].
    pub fn is_update_of(&self, previous: &ContactData) -> Result<(), VerifyError> {
        self.0.is_update_of(&previous.0)
    }
}

/// Opened contact data (health-office side): every field validated.
#[derive(Debug)]
pub struct OpenedContactData {
    /// The user id (equal to the one expected).
    pub user_id: UserId,
    /// The guest's signature key that signed the data.
    pub guest_key: SignaturePublicKey,
    /// When the guest last changed its contact data.
    pub updated_at: UnixTime,
    /// The decrypted, validated fields.
    pub fields: ContactFields,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::ChaCha20Rng;
    use rand_core::SeedableRng;

    struct Fixture {
        rng: ChaCha20Rng,
        sk: GuestSigningKey,
        user: UserId,
        secret: DataSecret,
    }

    fn fixture() -> Fixture {
        let mut rng = ChaCha20Rng::seed_from_u64(40);
        let sk = GuestSigningKey::generate(&mut rng);
        let user = UserId::random(&mut rng);
        let secret = DataSecret::random(&mut rng);
        Fixture { rng, sk, user, secret }
    }

    fn fields() -> ContactFields {
        ContactFields {
            first_name: "Erika".into(),
            last_name: "Mustermann".into(),
            phone: "+49 (30) 1234-567".into(),
            email: "erika@example.org".into(),
            street: "Heidestraße".into(),
            house_number: "17a".into(),
            postcode: "51147".into(),
            city: "Köln".into(),
        }
    }

    const T: UnixTime = UnixTime(1_795_942_800);

    fn sealed(fx: &mut Fixture) -> ContactData {
        ContactData::seal(&mut fx.rng, &fx.sk, fx.user, &fx.secret, &fields(), T).unwrap()
    }

    /// Re-signs `payload` with `sk` as contact data.
    fn resign(payload: Vec<u8>, sk: &GuestSigningKey) -> Vec<u8> {
        cose::sign(labels::COSE_CONTACT_DATA, payload, |m| sk.sign(m))
    }

    fn payload_of(cd: &ContactData) -> Vec<u8> {
        cd.0.signed.payload().to_vec()
    }

    /// Builds a payload from parts.
    fn payload(version: u64, user: &[u8], key: &[u8], t: u64, nonce: &[u8], ct: &[u8]) -> Vec<u8> {
        ArrayWriter::new(version).bytes(user).bytes(key).uint(t).bytes(nonce).bytes(ct).encode()
    }

    #[test]
    fn round_trip() {
        let mut fx = fixture();
        let cd = sealed(&mut fx);
        let bytes = cd.to_bytes();
        let parsed = ContactDataIn::from_slice(&bytes).unwrap();
        assert_eq!(parsed.as_bytes(), bytes.as_slice());
        assert_eq!(parsed.user_id(), fx.user);
        assert_eq!(parsed.guest_key(), fx.sk.public_key());
        assert_eq!(parsed.updated_at(), T);
        parsed.verify_signature().unwrap();
        let opened = parsed.open(&fx.user, &fx.secret).unwrap();
        assert_eq!(opened.fields, fields());
        assert_eq!(opened.user_id, fx.user);
        assert_eq!(opened.guest_key, fx.sk.public_key());
        assert_eq!(opened.updated_at, T);
    }

    #[test]
    fn deterministic_for_a_seed() {
        let a = sealed(&mut fixture()).to_bytes();
        let b = sealed(&mut fixture()).to_bytes();
        assert_eq!(a, b);
    }

    #[test]
    fn debug_is_redacted() {
        let mut fx = fixture();
        assert_eq!(format!("{:?}", fields()), "ContactFields(<redacted>)");
        let opened = sealed(&mut fx).into_unverified().open(&fx.user, &fx.secret).unwrap();
        let s = format!("{opened:?}");
        assert!(!s.contains("Erika") && !s.contains("Mustermann"), "{s}");
    }

    #[test]
    fn formula_looking_text_is_valid() {
        let mut f = fields();
        f.first_name = "=cmd|' /C calc'!A0".into();
        f.city = "+SUM(1,2)".into();
        f.street = "@import".into();
        f.validate().unwrap();
    }

    type Mutation = (fn(&mut ContactFields), &'static str);

    #[test]
    fn contact_fields_must_be_nfc() {
        let mut f = fields();
        f.city = "Ko\u{308}ln".into(); // "Köln" with a combining diaeresis (NFD)
        assert_eq!(f.validate(), Err(DecodeError::InvalidField { field: "city" }));
        let n = f.to_nfc();
        assert_eq!(n.city, "K\u{f6}ln");
        assert_eq!(n.validate(), Ok(()));
        // Sealing normalises, so decomposed input is accepted and opens as NFC.
        let mut rng = ChaCha20Rng::seed_from_u64(9);
        let key = GuestSigningKey::generate(&mut rng);
        let uid = UserId::random(&mut rng);
        let ds = DataSecret::random(&mut rng);
        let sealed = ContactData::seal(&mut rng, &key, uid, &ds, &f, UnixTime(1_000)).unwrap();
        let opened = ContactDataIn::from_slice(sealed.as_bytes()).unwrap().open(&uid, &ds).unwrap();
        assert_eq!(opened.fields.city, "K\u{f6}ln");
    }

    /// The forbidden characters are exactly Cc, Zl, Zp and Cf without U+200C and U+200D, by the Unicode
    /// tables of `unicode-properties` (Unicode 18.0). A newer table with new Cf characters fails here:
    /// adding them to the protocol is then a decision for a new protocol version, not a silent change.
    #[test]
    fn forbidden_characters_are_cc_zl_zp_and_cf_but_zwnj_zwj() {
        use unicode_properties::{GeneralCategory, UnicodeGeneralCategory as _};
        assert_eq!(unicode_properties::UNICODE_VERSION, (18, 0, 0));
        let mut forbidden = 0u32;
        for c in (0..=0x10_ffffu32).filter_map(char::from_u32) {
            let expected = match c.general_category() {
                GeneralCategory::Control | GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => true,
                GeneralCategory::Format => c != '\u{200c}' && c != '\u{200d}',
                _ => false,
            };
            assert_eq!(is_forbidden_char(c), expected, "U+{:04X}", u32::from(c));
            forbidden += u32::from(expected);
        }
        assert_eq!(forbidden, 65 + 2 + (170 - 2), "Cc, Zl and Zp, Cf without U+200C and U+200D");
    }

    #[test]
    fn validate_limits() {
        let cases: Vec<Mutation> = vec![
            (|f| f.first_name.clear(), "first_name"),
            (|f| f.first_name = "a".repeat(65), "first_name"),
            (|f| f.last_name.clear(), "last_name"),
            (|f| f.last_name = "ä".repeat(33), "last_name"),
            (|f| f.phone = "12".into(), "phone"),
            (|f| f.phone = "1".repeat(33), "phone"),
            (|f| f.phone = "+()/-".into(), "phone"),
            (|f| f.phone = "+49 30 12a".into(), "phone"),
            (|f| f.phone = "1 2".into(), "phone"),
            (|f| f.email = "e".repeat(255), "email"),
            (|f| f.street = "s".repeat(129), "street"),
            (|f| f.house_number = "1".repeat(17), "house_number"),
            (|f| f.postcode = "1".repeat(17), "postcode"),
            (|f| f.city = "c".repeat(65), "city"),
            (|f| f.first_name = "Eri\nka".into(), "first_name"),
            (|f| f.last_name = "Muster\u{0}".into(), "last_name"),
            (|f| f.email = "a\u{7f}@b".into(), "email"),
            (|f| f.street = "x\u{85}y".into(), "street"),
            (|f| f.city = "\u{202e}nlöK".into(), "city"),
            (|f| f.city = "K\u{2066}ln".into(), "city"),
            (|f| f.postcode = "\u{200f}1".into(), "postcode"),
            (|f| f.house_number = "\u{61c}1".into(), "house_number"),
            (|f| f.first_name = "\u{feff}Erika".into(), "first_name"),
        ];
        for (mutate, field) in cases {
            let mut f = fields();
            mutate(&mut f);
            assert_eq!(f.validate(), Err(DecodeError::InvalidField { field }), "{field}");
        }
        // Boundaries that are valid.
        let mut f = fields();
        f.first_name = "a".repeat(64);
        f.last_name = "ä".repeat(32);
        f.phone = "123".into();
        f.email.clear();
        f.street.clear();
        f.house_number.clear();
        f.postcode.clear();
        f.city = "c".repeat(64);
        f.validate().unwrap();
        f.phone = "1".repeat(32);
        f.email = "e".repeat(254);
        f.validate().unwrap();
    }

    #[test]
    fn seal_rejects_invalid_fields() {
        let mut fx = fixture();
        let mut f = fields();
        f.city = "K\u{1b}[31mln".into();
        let err = ContactData::seal(&mut fx.rng, &fx.sk, fx.user, &fx.secret, &f, T).unwrap_err();
        let reason = FieldProblem::ForbiddenCharacter { code_point: 0x1b };
        assert_eq!(err, SealError::InvalidContactField(ContactFieldError { field: "city", problem: reason }));
        assert_eq!(err.kind(), "invalid_field");
    }

    #[test]
    fn decode_truncated_and_trailing() {
        let mut fx = fixture();
        let bytes = sealed(&mut fx).to_bytes();
        assert_eq!(ContactDataIn::from_slice(&bytes[..bytes.len() - 1]).unwrap_err(), DecodeError::Truncated);
        assert_eq!(ContactDataIn::from_slice(&[]).unwrap_err(), DecodeError::Truncated);
        let mut t = bytes.clone();
        t.push(0);
        assert_eq!(ContactDataIn::from_slice(&t).unwrap_err(), DecodeError::TrailingBytes);
    }

    #[test]
    fn decode_oversize() {
        let big = vec![0u8; ContactDataIn::MAX_LEN + 1];
        assert_eq!(ContactDataIn::from_slice(&big).unwrap_err(), DecodeError::TooLong { max: 8192, got: 8193 });
    }

    #[test]
    fn decode_wrong_content_type() {
        let mut fx = fixture();
        let cd = sealed(&mut fx);
        let bytes = cose::sign(labels::COSE_VENUE_DESCRIPTOR, payload_of(&cd), |m| fx.sk.sign(m));
        assert_eq!(ContactDataIn::from_slice(&bytes).unwrap_err(), DecodeError::WrongContentType);
    }

    #[test]
    fn decode_wrong_version() {
        let mut fx = fixture();
        let cd = sealed(&mut fx);
        let p = payload(2, fx.user.as_bytes(), &fx.sk.public_key().to_bytes(), T.0, &[0; 12], &[0; 32]);
        assert_eq!(
            ContactDataIn::from_slice(&resign(p, &fx.sk)).unwrap_err(),
            DecodeError::UnsupportedVersion { got: 2 }
        );
        drop(cd);
    }

    #[test]
    fn decode_wrong_arity_and_nesting() {
        let fx = fixture();
        let p = ArrayWriter::new(1).bytes(fx.user.as_bytes()).encode();
        assert_eq!(
            ContactDataIn::from_slice(&resign(p, &fx.sk)).unwrap_err(),
            DecodeError::WrongArity { field: "contact_data", expected: 6, got: 2 }
        );
        let p = ArrayWriter::new(1).value(ArrayWriter::new(1).into_value()).encode();
        assert_eq!(ContactDataIn::from_slice(&resign(p, &fx.sk)).unwrap_err(), DecodeError::NestingTooDeep);
    }

    #[test]
    fn decode_wrong_lengths() {
        let fx = fixture();
        let key = fx.sk.public_key().to_bytes();
        let u = fx.user.as_bytes();
        let check =
            |p: Vec<u8>, e: DecodeError| assert_eq!(ContactDataIn::from_slice(&resign(p, &fx.sk)).unwrap_err(), e);
        check(
            payload(1, &u[..15], &key, T.0, &[0; 12], &[0; 32]),
            DecodeError::WrongLength { field: "user_id", expected: 16, got: 15 },
        );
        check(
            payload(1, u, &key[..64], T.0, &[0; 12], &[0; 32]),
            DecodeError::WrongLength { field: "guest_key", expected: 65, got: 64 },
        );
        let mut bad_key = key;
        bad_key[64] ^= 1;
        check(payload(1, u, &bad_key, T.0, &[0; 12], &[0; 32]), DecodeError::InvalidPoint { field: "guest_key" });
        check(
            payload(1, u, &key, T.0, &[0; 11], &[0; 32]),
            DecodeError::WrongLength { field: "nonce", expected: 12, got: 11 },
        );
        check(
            payload(1, u, &key, T.0, &[0; 12], &[0; 15]),
            DecodeError::WrongLength { field: "ciphertext", expected: 16, got: 15 },
        );
        check(
            payload(1, u, &key, T.0, &[0; 12], &[0; 4113]),
            DecodeError::WrongLength { field: "ciphertext", expected: 4112, got: 4113 },
        );
        let p = ArrayWriter::new(1).bytes(u).bytes(&key).text("now").bytes(&[0; 12]).bytes(&[0; 32]).encode();
        check(p, DecodeError::UnexpectedType { field: "updated_at" });
    }

    #[test]
    fn tampered_signature_rejected() {
        let mut fx = fixture();
        let mut bytes = sealed(&mut fx).to_bytes();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let parsed = ContactDataIn::from_slice(&bytes).unwrap();
        assert_eq!(parsed.verify_signature(), Err(VerifyError::BadSignature));
        assert_eq!(parsed.clone().verify().unwrap_err(), VerifyError::BadSignature);
        assert_eq!(parsed.open(&fx.user, &fx.secret).unwrap_err(), OpenError::BindingMismatch { field: "signature" });
    }

    #[test]
    fn tampered_ciphertext_rejected() {
        let mut fx = fixture();
        let cd = sealed(&mut fx);
        let mut ct = cd.0.ciphertext.clone();
        ct[0] ^= 1;
        let p = payload(1, fx.user.as_bytes(), &fx.sk.public_key().to_bytes(), T.0, &cd.0.nonce, &ct);
        let parsed = ContactDataIn::from_slice(&resign(p, &fx.sk)).unwrap();
        parsed.verify_signature().unwrap();
        assert_eq!(parsed.open(&fx.user, &fx.secret).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn changed_updated_at_rejected() {
        let mut fx = fixture();
        let cd = sealed(&mut fx);
        let p = payload(1, fx.user.as_bytes(), &fx.sk.public_key().to_bytes(), T.0 + 1, &cd.0.nonce, &cd.0.ciphertext);
        let parsed = ContactDataIn::from_slice(&resign(p, &fx.sk)).unwrap();
        assert_eq!(parsed.open(&fx.user, &fx.secret).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn wrong_data_secret_rejected() {
        let mut fx = fixture();
        let cd = sealed(&mut fx).into_unverified();
        let other = DataSecret::random(&mut fx.rng);
        assert_eq!(cd.open(&fx.user, &other).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn swapped_between_users_rejected() {
        let mut fx = fixture();
        let cd = sealed(&mut fx).into_unverified();
        // The server returns this user's data for another user id.
        let other = UserId::random(&mut fx.rng);
        assert_eq!(cd.clone().open(&other, &fx.secret).unwrap_err(), OpenError::BindingMismatch { field: "user_id" });
        // Someone relabels it to the other user id and re-signs with its own key.
        let attacker = GuestSigningKey::generate(&mut fx.rng);
        let p = payload(1, other.as_bytes(), &attacker.public_key().to_bytes(), T.0, &cd.nonce, &cd.ciphertext);
        let forged = ContactDataIn::from_slice(&resign(p, &attacker)).unwrap();
        forged.verify_signature().unwrap();
        assert_eq!(forged.open(&other, &fx.secret).unwrap_err(), OpenError::DecryptionFailed);
    }

    #[test]
    fn resigned_by_another_key_rejected() {
        let mut fx = fixture();
        let cd = sealed(&mut fx).into_unverified();
        let attacker = GuestSigningKey::generate(&mut fx.rng);
        // Same payload (guest key still the victim's) signed by another key.
        let forged = ContactDataIn::from_slice(&resign(cd.signed.payload().to_vec(), &attacker)).unwrap();
        assert_eq!(forged.verify_signature(), Err(VerifyError::BadSignature));
        assert_eq!(
            forged.clone().open(&fx.user, &fx.secret).unwrap_err(),
            OpenError::BindingMismatch { field: "signature" }
        );
        // Payload with the attacker's key: the signature verifies, the AAD does not.
        let p = payload(1, fx.user.as_bytes(), &attacker.public_key().to_bytes(), T.0, &cd.nonce, &cd.ciphertext);
        let forged = ContactDataIn::from_slice(&resign(p, &attacker)).unwrap();
        forged.verify_signature().unwrap();
        assert_eq!(forged.open(&fx.user, &fx.secret).unwrap_err(), OpenError::DecryptionFailed);
    }

    /// Seals an arbitrary plaintext as valid contact data.
    fn seal_raw(fx: &Fixture, nonce: [u8; 12], pt: &[u8]) -> ContactDataIn {
        let key = derive::contact_data_key(&fx.secret);
        let gk = fx.sk.public_key().to_bytes();
        let ct = crypto::aes128gcm_seal(key.expose_secret(), &nonce, &aad(&fx.user, &gk, T), pt).unwrap();
        ContactDataIn::from_slice(&resign(payload(1, fx.user.as_bytes(), &gk, T.0, &nonce, &ct), &fx.sk)).unwrap()
    }

    #[test]
    fn malformed_plaintext_rejected() {
        let fx = fixture();
        let texts = |v: u64, n: usize| {
            let mut w = ArrayWriter::new(v);
            for _ in 0..n {
                w = w.text("abc");
            }
            w.encode()
        };
        let open = |pt: &[u8]| seal_raw(&fx, [7; 12], pt).open(&fx.user, &fx.secret).unwrap_err();
        assert_eq!(open(&texts(2, 8)), OpenError::Malformed(DecodeError::UnsupportedVersion { got: 2 }));
        assert_eq!(
            open(&texts(1, 7)),
            OpenError::Malformed(DecodeError::WrongArity { field: "contact_fields", expected: 9, got: 8 })
        );
        let ok = fields().to_plaintext();
        let mut trailing = ok.to_vec();
        trailing.push(0);
        assert_eq!(open(&trailing), OpenError::Malformed(DecodeError::TrailingBytes));
        let mut f = fields();
        f.first_name = "Eri\u{202e}ka".into();
        assert_eq!(open(&f.to_plaintext()), OpenError::Malformed(DecodeError::InvalidField { field: "first_name" }));
        let mut f = fields();
        f.phone = "call me".into();
        assert_eq!(open(&f.to_plaintext()), OpenError::Malformed(DecodeError::InvalidField { field: "phone" }));
        let mut f = fields();
        f.city = "c".repeat(65);
        assert_eq!(open(&f.to_plaintext()), OpenError::Malformed(DecodeError::InvalidField { field: "city" }));
        // The largest plaintext the ciphertext cap admits (4096 bytes) is parsed.
        let big = ArrayWriter::new(1).bytes(&[0; 4091]).encode();
        assert_eq!(big.len(), 4096);
        assert_eq!(
            open(&big),
            OpenError::Malformed(DecodeError::WrongArity { field: "contact_fields", expected: 9, got: 2 })
        );
        let nested = ArrayWriter::new(1).value(ArrayWriter::new(1).into_value()).encode();
        assert_eq!(open(&nested), OpenError::Malformed(DecodeError::NestingTooDeep));
        let typed =
            ArrayWriter::new(1).uint(5).text("a").text("b").text("c").text("d").text("e").text("f").text("g").encode();
        assert_eq!(open(&typed), OpenError::Malformed(DecodeError::UnexpectedType { field: "first_name" }));
        // The raw path itself accepts a valid plaintext.
        assert_eq!(seal_raw(&fx, [7; 12], &ok).open(&fx.user, &fx.secret).unwrap().fields, fields());
    }

    #[test]
    fn updates() {
        let mut fx = fixture();
        let first = sealed(&mut fx);
        let mut f = fields();
        f.city = "Berlin".into();
        let later = ContactData::seal(&mut fx.rng, &fx.sk, fx.user, &fx.secret, &f, T.plus_secs(60)).unwrap();
        later.is_update_of(&first).unwrap();
        // Replay of the older version, or the same version again.
        assert_eq!(first.is_update_of(&later), Err(VerifyError::InvalidValidity));
        assert_eq!(first.is_update_of(&first), Err(VerifyError::InvalidValidity));
        // Another key for the same user id.
        let other_sk = GuestSigningKey::generate(&mut fx.rng);
        let hijack = ContactData::seal(&mut fx.rng, &other_sk, fx.user, &fx.secret, &f, T.plus_secs(120)).unwrap();
        assert_eq!(hijack.is_update_of(&first), Err(VerifyError::KeyMismatch));
        // Another user id.
        let other_user = UserId::random(&mut fx.rng);
        let moved = ContactData::seal(&mut fx.rng, &fx.sk, other_user, &fx.secret, &f, T.plus_secs(120)).unwrap();
        assert_eq!(moved.is_update_of(&first), Err(VerifyError::KeyMismatch));
        // The victim's key in the payload, signed by someone else.
        let p = payload_of(&later);
        let forged = ContactDataIn::from_slice(&resign(p, &other_sk)).unwrap();
        assert_eq!(forged.is_update_of(&first.clone().into_unverified()), Err(VerifyError::BadSignature));
    }

    /// Ten million bytes.
    const TEN_MB: usize = 10_000_000;

    /// Sets field `i` (plaintext order) of `f` to `value`.
    fn set_field(f: &mut ContactFields, i: usize, value: String) {
        let slot = match i {
            0 => &mut f.first_name,
            1 => &mut f.last_name,
            2 => &mut f.phone,
            3 => &mut f.email,
            4 => &mut f.street,
            5 => &mut f.house_number,
            6 => &mut f.postcode,
            _ => &mut f.city,
        };
        *slot = value;
    }

    const FIELD_NAMES: [&str; 8] =
        ["first_name", "last_name", "phone", "email", "street", "house_number", "postcode", "city"];
    const FIELD_MAX: [usize; 8] = [64, 64, 32, 254, 128, 16, 16, 64];

    /// Issue 14: 10 MB in any field is rejected by `seal`, `normalized` and `validate` with the field's
    /// `InvalidField` (too long), for text that NFC would change (decomposed `é`, which composes) too.
    #[test]
    fn ten_mb_fields_are_rejected_by_their_length() {
        for (i, field) in FIELD_NAMES.into_iter().enumerate() {
            for unit in ["a", "e\u{301}"] {
                let mut f = fields();
                set_field(&mut f, i, unit.repeat(TEN_MB / unit.len()));
                let expected = ContactFieldError { field, problem: FieldProblem::TooLong { max: FIELD_MAX[i] } };
                let mut fx = fixture();
                let err = ContactData::seal(&mut fx.rng, &fx.sk, fx.user, &fx.secret, &f, T).unwrap_err();
                assert_eq!(err, SealError::InvalidContactField(expected), "{field}");
                assert_eq!(err.kind(), "invalid_field");
                assert_eq!(f.normalized().unwrap_err(), expected, "{field}");
                assert_eq!(f.check(), Err(expected), "{field}");
                assert_eq!(f.validate(), Err(DecodeError::InvalidField { field }), "{field}");
            }
        }
    }

    /// The length caps of every field run before any per-character work, normalisation included: with a
    /// forbidden character in `first_name` (found only by looking at characters) and 10 MB of decomposed text
    /// (which NFC would change) in a later field, the later field's length is what fails. Before issue 14
    /// `seal` normalised all 10 MB first and then failed on `first_name`.
    #[test]
    fn length_caps_come_before_normalisation_and_character_rules() {
        for (i, field) in FIELD_NAMES.into_iter().enumerate().skip(1) {
            let mut f = fields();
            f.first_name = "Max\u{202e}".into();
            set_field(&mut f, i, "e\u{301}".repeat(TEN_MB / 3));
            let expected = ContactFieldError { field, problem: FieldProblem::TooLong { max: FIELD_MAX[i] } };
            let mut fx = fixture();
            let err = ContactData::seal(&mut fx.rng, &fx.sk, fx.user, &fx.secret, &f, T).unwrap_err();
            assert_eq!(err, SealError::InvalidContactField(expected), "{field}");
            assert_eq!(f.normalized().unwrap_err(), expected, "{field}");
            // `validate` (no normalisation): the length limit before the NFC check of `first_name`.
            f.first_name = "Ko\u{308}ln".into();
            assert_eq!(f.check(), Err(expected), "{field}");
            assert_eq!(f.validate(), Err(DecodeError::InvalidField { field }), "{field}");
        }
        // Within the caps the character rule is what fails.
        let mut f = fields();
        f.first_name = "Max\u{202e}".into();
        let expected =
            ContactFieldError { field: "first_name", problem: FieldProblem::ForbiddenCharacter { code_point: 0x202e } };
        assert_eq!(f.normalized().unwrap_err(), expected);
        assert_eq!(expected.to_string(), "first_name: forbidden character U+202E");
    }

    /// Issue 14: a refused contact field says which rule it breaks, for every rule, in the order `check` applies
    /// them; `validate` names the same field.
    #[test]
    fn every_field_error_names_its_reason() {
        type Break = fn(&mut ContactFields);
        let cases: [(Break, &str, FieldProblem, &str); 9] = [
            (|f| f.first_name.clear(), "first_name", FieldProblem::TooShort { min: 1 }, "first_name: empty"),
            (
                |f| f.last_name = "x".repeat(65),
                "last_name",
                FieldProblem::TooLong { max: 64 },
                "last_name: longer than 64 bytes",
            ),
            (
                |f| f.city = "Ko\u{308}ln".into(),
                "city",
                FieldProblem::NotNfc,
                "city: not in Unicode Normalization Form C",
            ),
            (
                |f| f.street = "Haupt\u{7}straße".into(),
                "street",
                FieldProblem::ForbiddenCharacter { code_point: 7 },
                "street: forbidden character U+0007",
            ),
            (
                |f| f.email = "a\u{feff}@b".into(),
                "email",
                FieldProblem::ForbiddenCharacter { code_point: 0xfeff },
                "email: forbidden character U+FEFF",
            ),
            (|f| f.phone = "12".into(), "phone", FieldProblem::TooShort { min: 3 }, "phone: shorter than 3 bytes"),
            (|f| f.phone = "0".repeat(33), "phone", FieldProblem::TooLong { max: 32 }, "phone: longer than 32 bytes"),
            (
                |f| f.phone = "030 12a45".into(),
                "phone",
                FieldProblem::NotAPhoneNumber,
                "phone: only digits, space and + ( ) / - are allowed",
            ),
            (|f| f.phone = "+ (1) / 2".into(), "phone", FieldProblem::TooFewDigits, "phone: fewer than 3 digits"),
        ];
        for (break_it, field, problem, text) in cases {
            let mut f = fields();
            break_it(&mut f);
            let expected = ContactFieldError { field, problem };
            assert_eq!(f.check(), Err(expected), "{text}");
            assert_eq!(expected.to_string(), text);
            assert_eq!(f.validate(), Err(DecodeError::InvalidField { field }), "{text}");
            if problem != FieldProblem::NotNfc {
                // Sealing normalises first, so only the non-NFC case passes there.
                let mut fx = fixture();
                let err = ContactData::seal(&mut fx.rng, &fx.sk, fx.user, &fx.secret, &f, T).unwrap_err();
                assert_eq!((err.kind(), err.to_string()), ("invalid_field", format!("invalid input: {text}")));
            }
        }
    }

    /// The cap before normalisation is 4 × the limit, not the limit: decomposed input that NFC brings within the
    /// limit is accepted even when it is longer than the limit as typed.
    #[test]
    fn the_raw_cap_is_four_times_the_limit() {
        // 21 Hangul syllables as conjoining jamo (9 bytes each, 3 in NFC) and one `a`: 190 bytes typed, 64 in NFC.
        let syllable = "\u{1112}\u{1161}\u{11ab}"; // 한
        let mut f = fields();
        f.first_name = format!("{}a", syllable.repeat(21));
        assert_eq!(f.first_name.len(), 190);
        let n = f.normalized().unwrap();
        assert_eq!(n.first_name, format!("{}a", "\u{d55c}".repeat(21)));
        assert_eq!(n.first_name.len(), 64);
        let mut fx = fixture();
        let sealed = ContactData::seal(&mut fx.rng, &fx.sk, fx.user, &fx.secret, &f, T).unwrap();
        assert_eq!(sealed.into_unverified().open(&fx.user, &fx.secret).unwrap().fields.first_name, n.first_name);
        // 7 bytes typed, 2 in NFC: the 3.5 worst case, 18 times and a `b` (127 bytes typed, 37 in NFC).
        f.first_name = format!("{}b", "\u{1fbe}\u{308}\u{341}".repeat(18));
        assert_eq!(f.normalized().unwrap().first_name, format!("{}b", "\u{390}".repeat(18)));
        // At the cap (256 bytes typed) the exact limit decides after NFC (88 bytes); over it the cap does.
        for extra in ["aaaa", "aaaaa"] {
            f.first_name = format!("{}{extra}", syllable.repeat(28));
            let expected = ContactFieldError { field: "first_name", problem: FieldProblem::TooLong { max: 64 } };
            assert_eq!(f.normalized().unwrap_err(), expected);
        }
        assert_eq!(MAX_NFC_SHRINK, 4);
    }

    /// NFC never shrinks UTF-8 text by more than 3.5 × (so by less than [`MAX_NFC_SHRINK`]), for every text: every code point `c` of an
    /// input contributes its canonical decomposition NFD(c) to NFD(input) = NFD(NFC(input)) (as a multiset). Let
    /// `alias(p)` be the longest UTF-8 length of a code point whose NFD is the single code point `p` (`p` itself
    /// included). Then (a) `len(c) <= Σ alias(p)` over NFD(c) for every `c`, so `len(input) <= Σ alias(p)` over
    /// NFD(input); and (b) `Σ alias(p)` over NFD(o) `<= 3.5 × len(o)` for every code point `o` of the output, so
    /// that sum is at most `3.5 × len(NFC(input))`. Both are checked over all code points here.
    #[test]
    fn nfc_shrinks_utf8_by_at_most_3_5() {
        use unicode_normalization::UnicodeNormalization as _;
        use unicode_normalization::char::decompose_canonical;
        let chars = || (0..=0x10_ffffu32).filter_map(char::from_u32);
        let nfd = |c: char| {
            let mut out = Vec::new();
            decompose_canonical(c, |d| out.push(d));
            out
        };
        let mut alias = vec![0usize; 0x11_0000];
        for c in chars() {
            alias[c as usize] = alias[c as usize].max(c.len_utf8());
            if let [p] = nfd(c)[..] {
                alias[p as usize] = alias[p as usize].max(c.len_utf8());
            }
        }
        let bound = |c: char| nfd(c).iter().map(|&p| alias[p as usize]).sum::<usize>();
        let mut worst = 0usize;
        for c in chars() {
            let b = bound(c);
            assert!(c.len_utf8() <= b, "(a) U+{:04X}", u32::from(c));
            assert!(b <= MAX_NFC_SHRINK * c.len_utf8(), "(b) U+{:04X}", u32::from(c));
            assert!(2 * b <= 7 * c.len_utf8(), "(b) U+{:04X}", u32::from(c));
            worst = worst.max(b * 100 / c.len_utf8());
        }
        // The worst case is 3.5: U+0390 (2 bytes) from U+1FBE U+0308 U+0341 (7 bytes); then Hangul LVT syllables
        // (3 jamo of 3 bytes) and U+212A KELVIN SIGN (for `K`) at 3.
        assert_eq!(worst, 350);
        assert_eq!(bound('\u{390}'), 7);
        assert_eq!("\u{1fbe}\u{308}\u{341}".nfc().collect::<String>(), "\u{390}");
        assert_eq!(bound('\u{d55c}'), 9);
        assert_eq!(bound('K'), 3);
    }
}

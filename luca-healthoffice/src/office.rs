//! The health office: master keys, certificate, daily and badge keys, key
//! shares, erasure and persistence.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use luca_protocol::error::DecodeError;
use luca_protocol::ids::{BadgeKeyId, DailyKeyId, HealthOfficeId};
use luca_protocol::keys::{
    BadgePrivateKey, DailyPrivateKey, EncryptionPublicKey, HealthOfficeEncryptionKey, HealthOfficeMasterKeys,
    HealthOfficeSigningKey, SignaturePublicKey,
};
use luca_protocol::messages::key_share::{KeyShare, KeyShareIn};
use luca_protocol::signed::daily_key_announcement::{
    BADGE_KEY_MAX_USE_SECS, BADGE_KEY_RETENTION_AFTER_USE_SECS, DailyKeyAnnouncement, DailyKeyAnnouncementIn,
    KeyPurpose,
};
use luca_protocol::signed::health_office_certificate::{
    HealthOfficeCertificate, HealthOfficeCertificateIn, check_name,
};
use luca_protocol::time::{UnixTime, Validity};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::error::KeyError;
use luca_protocol::state::{StateKey, StateList, StateReader, StateWriter};

use crate::state::{HEALTH_OFFICE_STATE, StateError};

/// Most keys of one purpose (daily or badge) an office holds at once; [`HealthOffice::purge`] frees room.
pub const MAX_HELD_KEYS: usize = 1024;
/// Size cap of a health office's exported state, in bytes (4 MiB).
pub const MAX_STATE_LEN: usize = 4 * 1024 * 1024;
/// Days a daily key is used for encryption, counted from the start of its UTC day (the protocol maximum).
pub const DAILY_KEY_USE_DAYS: u32 = 7;
/// Days a daily private key is retained, counted from the start of its UTC day (the protocol maximum).
pub const DAILY_KEY_RETENTION_DAYS: u32 = 28;

/// Items of a held-key entry: announcement, issuer certificate, private key.
const KEY_ENTRY_ARITY: usize = 3;

pub use luca_authority::CertificateRequest;

/// The result of [`HealthOffice::rotate_daily_key`] or [`HealthOffice::rotate_badge_key`].
///
/// Publish the announcement and deliver each share (through the server) to
/// its [`recipient`](KeyShare::recipient) together with the announcement bytes.
#[derive(Debug)]
pub struct DailyKeyRotation {
    /// The signed announcement of the new key (purpose daily or badge).
    pub announcement: DailyKeyAnnouncement,
    /// The private key sealed to every other currently valid certified office, in the order given.
    pub shares: Vec<KeyShare>,
}

/// The result of [`HealthOffice::import_key_share`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportedKey {
    /// Daily or badge key.
    pub purpose: KeyPurpose,
    /// The key id (daily: the UTC day number mod 2^16).
    pub key_id: u16,
    /// Whether the office already held this very key (the share changed nothing).
    pub already_held: bool,
}

/// The result of [`HealthOffice::purge`]: how many private keys were erased.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PurgeReport {
    /// Daily private keys erased.
    pub daily_keys_erased: usize,
    /// Badge private keys erased.
    pub badge_keys_erased: usize,
    /// Shares of threshold daily keys erased (the office's [`SecretShare`](luca_protocol::threshold::SecretShare)s
    /// of committee keys past retention, with their committees and public shares).
    pub daily_key_shares_erased: usize,
}

/// The private halves an office holds: daily and badge keys.
pub(crate) trait HeldPrivate: Sized {
    const PURPOSE: KeyPurpose;
    fn public(&self) -> EncryptionPublicKey;
    fn scalar(&self) -> Zeroizing<[u8; 32]>;
    fn import(bytes: &[u8]) -> Result<Self, DecodeError>;
}

macro_rules! held_private {
    ($t:ty, $purpose:expr) => {
        impl HeldPrivate for $t {
            const PURPOSE: KeyPurpose = $purpose;
            fn public(&self) -> EncryptionPublicKey {
                self.public_key()
            }
            fn scalar(&self) -> Zeroizing<[u8; 32]> {
                self.to_bytes()
            }
            fn import(bytes: &[u8]) -> Result<Self, DecodeError> {
                Self::from_slice(bytes)
            }
        }
    };
}
held_private!(DailyPrivateKey, KeyPurpose::Daily);
held_private!(BadgePrivateKey, KeyPurpose::Badge);

/// A held private key with its verified announcement and the certificate of the office that announced it.
pub(crate) struct HeldKey<K> {
    pub(crate) announcement: DailyKeyAnnouncement,
    issuer: HealthOfficeCertificate,
    pub(crate) key: K,
}

/// Held keys of one purpose, by (key id, public key): two offices may race to
/// announce a key for the same day, and an office keeps whichever it receives.
pub(crate) struct KeyRing<K> {
    keys: BTreeMap<(u16, [u8; 65]), HeldKey<K>>,
}

impl<K: HeldPrivate> KeyRing<K> {
    fn new() -> Self {
        Self { keys: BTreeMap::new() }
    }

    fn len(&self) -> usize {
        self.keys.len()
    }

    fn holds_id(&self, id: u16) -> bool {
        self.candidates(id).next().is_some()
    }

    fn holds(&self, id: u16, public: &EncryptionPublicKey) -> bool {
        self.keys.contains_key(&(id, public.to_bytes()))
    }

    /// Every held key with id `id` (usually one).
    pub(crate) fn candidates(&self, id: u16) -> impl Iterator<Item = &HeldKey<K>> {
        self.keys.range((id, [0u8; 65])..=(id, [0xffu8; 65])).map(|(_, v)| v)
    }

    fn check_room(&self) -> Result<(), KeyError> {
        if self.keys.len() >= MAX_HELD_KEYS { Err(KeyError::TooManyKeys) } else { Ok(()) }
    }

    fn insert(&mut self, held: HeldKey<K>) {
        let k = (held.announcement.key_id(), held.announcement.public_key().to_bytes());
        self.keys.insert(k, held);
    }

    fn announcements(&self) -> impl Iterator<Item = &DailyKeyAnnouncement> {
        self.keys.values().map(|h| &h.announcement)
    }

    /// Erases every key whose retention ended at `now`; returns how many.
    fn purge(&mut self, now: UnixTime) -> usize {
        let before = self.keys.len();
        self.keys.retain(|_, h| !h.announcement.must_be_erased_at(now));
        before.saturating_sub(self.keys.len())
    }

    /// Writes the held keys as a list of `[announcement, issuer_certificate, private_key]`.
    fn export(&self, w: &mut StateWriter) {
        w.array(|w| {
            for h in self.keys.values() {
                w.array(|w| {
                    w.bytes(h.announcement.as_bytes()).bytes(h.issuer.as_bytes()).bytes(h.key.scalar().as_slice());
                });
            }
        });
    }

    fn import(
        entries: StateList,
        anchor: Option<&SignaturePublicKey>,
        issuers: &mut BTreeMap<Vec<u8>, HealthOfficeCertificate>,
    ) -> Result<Self, StateError> {
        let mut ring = Self::new();
        for mut e in entries {
            let announcement = e.bytes("announcement")?;
            let issuer_bytes = e.bytes("issuer_certificate")?;
            let key = K::import(e.fixed::<32>("private_key")?.as_slice())
                .map_err(|err| StateError::in_field("private_key", err))?;
            let anchor = anchor.ok_or(StateError::Inconsistent { field: "anchor" })?;
            let issuer = match issuers.get(issuer_bytes.as_slice()) {
                Some(c) => c.clone(),
                None => {
                    let c = reverify_certificate(&issuer_bytes, anchor, "issuer_certificate")?;
                    issuers.insert(issuer_bytes.to_vec(), c.clone());
                    c
                }
            };
            let parsed = DailyKeyAnnouncementIn::from_slice(&announcement)
                .map_err(|err| StateError::in_field("announcement", err))?;
            let at = parsed.validity().not_before;
            let announcement = parsed.verify_for_retention(&issuer, at)?;
            if announcement.purpose() != K::PURPOSE {
                return Err(StateError::Inconsistent { field: "purpose" });
            }
            if key.public() != announcement.public_key() {
                return Err(StateError::Inconsistent { field: "private_key" });
            }
            if ring.holds(announcement.key_id(), &announcement.public_key()) {
                return Err(StateError::Inconsistent { field: "duplicate_key" });
            }
            ring.insert(HeldKey { announcement, issuer, key });
        }
        Ok(ring)
    }
}

/// Re-verifies a stored certificate under the stored anchor, at its own start
/// (the state is trusted; this rebuilds the verified type and checks integrity).
fn reverify_certificate(
    bytes: &[u8],
    anchor: &SignaturePublicKey,
    field: &'static str,
) -> Result<HealthOfficeCertificate, StateError> {
    let parsed = HealthOfficeCertificateIn::from_slice(bytes).map_err(|err| StateError::in_field(field, err))?;
    let at = parsed.validity().not_before;
    Ok(parsed.verify(anchor, at)?)
}

/// A health office: its id, master keys, certificate, and the daily and badge private keys it holds.
///
/// Lifecycle: [`generate`](Self::generate) → [`certificate_request`](Self::certificate_request)
/// → (trust anchor) → [`install_certificate`](Self::install_certificate); then daily
/// [`rotate_daily_key`](Self::rotate_daily_key) or [`import_key_share`](Self::import_key_share),
/// and [`purge`](Self::purge). Tracing is in the second `impl` block (see the crate documentation).
pub struct HealthOffice {
    pub(crate) id: HealthOfficeId,
    pub(crate) keys: HealthOfficeMasterKeys,
    anchor: Option<SignaturePublicKey>,
    certificate: Option<HealthOfficeCertificate>,
    pub(crate) daily: KeyRing<DailyPrivateKey>,
    pub(crate) badge: KeyRing<BadgePrivateKey>,
    /// Shares of threshold daily keys, by key id (in the exported state as `committee_keys`).
    pub(crate) committee_keys: BTreeMap<u16, crate::committee::CommitteeKey>,
}

impl fmt::Debug for HealthOffice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HealthOffice")
            .field("id", &self.id)
            .field("certified", &self.certificate.is_some())
            .field("daily_keys", &self.daily.len())
            .field("badge_keys", &self.badge.len())
            .field("daily_key_shares", &self.committee_keys.len())
            .finish_non_exhaustive()
    }
}

impl HealthOffice {
    /// A health office with a fresh random id and fresh master keys (signing first, then encryption).
    pub fn generate<R: CryptoRng>(rng: &mut R) -> Self {
        let id = HealthOfficeId::random(rng);
        let keys = HealthOfficeMasterKeys::generate(rng);
        Self {
            id,
            keys,
            anchor: None,
            certificate: None,
            daily: KeyRing::new(),
            badge: KeyRing::new(),
            committee_keys: BTreeMap::new(),
        }
    }

    /// The office id.
    pub fn id(&self) -> HealthOfficeId {
        self.id
    }

    /// The public signing key.
    pub fn signing_public_key(&self) -> SignaturePublicKey {
        self.keys.signing.public_key()
    }

    /// The public encryption key.
    pub fn encryption_public_key(&self) -> EncryptionPublicKey {
        self.keys.encryption.public_key()
    }

    /// The request to send to the trust anchor's operator: id, name and both public keys.
    ///
    /// # Errors
    /// [`KeyError::Decode`] (`InvalidField { field: "name" }`) if `name` breaks the name rule.
    pub fn certificate_request(&self, name: &str) -> Result<CertificateRequest, KeyError> {
        check_name(name)?;
        Ok(CertificateRequest {
            id: self.id,
            name: name.to_owned(),
            signing_key: self.signing_public_key(),
            encryption_key: self.encryption_public_key(),
        })
    }

    /// Verifies and installs this office's certificate (first one or a renewal).
    ///
    /// Checks, in order: decoding ([`KeyError::Decode`]); verification under
    /// `anchor` at `now` ([`KeyError::Verify`]); the certificate names this
    /// office's id, signing key and encryption key
    /// ([`KeyError::CertificateMismatch`]); `anchor` equals the trust anchor
    /// installed before, if any ([`KeyError::AnchorMismatch`]: the office keeps
    /// one trust anchor for its whole life).
    ///
    /// # Errors
    /// As listed; on error nothing changes.
    pub fn install_certificate(
        &mut self,
        bytes: &[u8],
        anchor: &SignaturePublicKey,
        now: UnixTime,
    ) -> Result<&HealthOfficeCertificate, KeyError> {
        let cert = HealthOfficeCertificateIn::from_slice(bytes)?.verify(anchor, now)?;
        if cert.id() != self.id
            || cert.signing_key() != self.signing_public_key()
            || cert.encryption_key() != self.encryption_public_key()
        {
            return Err(KeyError::CertificateMismatch);
        }
        if self.anchor.is_some_and(|a| a != *anchor) {
            return Err(KeyError::AnchorMismatch);
        }
        self.anchor = Some(*anchor);
        Ok(self.certificate.insert(cert))
    }

    /// The installed certificate, if any (it may have expired since).
    pub fn certificate(&self) -> Option<&HealthOfficeCertificate> {
        self.certificate.as_ref()
    }

    /// The trust anchor installed with the certificate, if any.
    pub fn trust_anchor(&self) -> Option<SignaturePublicKey> {
        self.anchor
    }

    /// The installed certificate and anchor, if the certificate is valid at `now`.
    pub(crate) fn valid_certificate(
        &self,
        now: UnixTime,
    ) -> Result<(HealthOfficeCertificate, SignaturePublicKey), KeyError> {
        let (Some(cert), Some(anchor)) = (&self.certificate, self.anchor) else {
            return Err(KeyError::NotCertified);
        };
        cert.check_validity(now)?;
        Ok((cert.clone(), anchor))
    }

    /// Every other office in `offices` whose certificate is valid at `now`,
    /// once per id, each re-verified under this office's trust anchor.
    fn share_recipients<'a>(
        &self,
        offices: &'a [HealthOfficeCertificate],
        anchor: &SignaturePublicKey,
        now: UnixTime,
    ) -> Result<Vec<&'a HealthOfficeCertificate>, KeyError> {
        let mut seen = BTreeSet::from([self.id]);
        let mut out = Vec::new();
        for cert in offices {
            if !cert.is_valid_at(now) || !seen.insert(cert.id()) {
                continue;
            }
            HealthOfficeCertificateIn::from_slice(cert.as_bytes())
                .map_err(|_| KeyError::UntrustedCertificate)?
                .verify(anchor, now)
                .map_err(|_| KeyError::UntrustedCertificate)?;
            out.push(cert);
        }
        Ok(out)
    }

    /// Generates the daily key of the UTC day of `now`, signs its announcement
    /// and seals the private half to every other office in `offices` whose
    /// certificate is valid at `now` (expired or not-yet-valid ones, and this
    /// office itself, are skipped; each id once).
    ///
    /// The announcement: purpose daily, `key_id` = the UTC day number mod
    /// 2^16, use period from the start of the day for [`DAILY_KEY_USE_DAYS`]
    /// days, retention until [`DAILY_KEY_RETENTION_DAYS`] days after the start
    /// of the day; the use period is clipped to this office's certificate
    /// (verifiers require it to lie inside).
    ///
    /// # Errors
    /// [`KeyError::NotCertified`]; [`KeyError::Verify`] if the certificate is
    /// not valid at `now`; [`KeyError::KeyAlreadyHeld`] if a daily key for this
    /// day is already held (the first office to rotate wins, the others import
    /// its share); [`KeyError::TooManyKeys`]; [`KeyError::UntrustedCertificate`]
    /// if a recipient's certificate does not verify under this office's trust
    /// anchor. Nothing changes on error.
    pub fn rotate_daily_key<R: CryptoRng>(
        &mut self,
        rng: &mut R,
        now: UnixTime,
        offices: &[HealthOfficeCertificate],
    ) -> Result<DailyKeyRotation, KeyError> {
        let (cert, anchor) = self.valid_certificate(now)?;
        let day = now.day();
        let key_id = DailyKeyId::for_day(day);
        if self.daily.holds_id(key_id.0) {
            return Err(KeyError::KeyAlreadyHeld);
        }
        self.daily.check_room()?;
        let recipients = self.share_recipients(offices, &anchor, now)?;
        let cv = cert.validity();
        let validity = Validity {
            not_before: day.start().max(cv.not_before),
            not_after: day.plus_days(DAILY_KEY_USE_DAYS).start().min(cv.not_after),
        };
        let retain_until = day.plus_days(DAILY_KEY_RETENTION_DAYS).start();
        let key = DailyPrivateKey::generate(rng);
        let announcement = DailyKeyAnnouncement::issue(
            &self.keys.signing,
            self.id,
            KeyPurpose::Daily,
            key_id.0,
            &key.public_key(),
            validity,
            retain_until,
        )?;
        let shares = recipients
            .into_iter()
            .map(|r| KeyShare::seal_daily(rng, key_id, self.id, r, &key))
            .collect::<Result<Vec<_>, _>>()?;
        self.daily.insert(HeldKey { announcement: announcement.clone(), issuer: cert, key });
        Ok(DailyKeyRotation { announcement, shares })
    }

    /// Generates a badge key with id `key_id`, signs its announcement and seals
    /// the private half to the other offices, as [`rotate_daily_key`](Self::rotate_daily_key).
    ///
    /// The announcement: purpose badge, use period from `now` for the protocol
    /// maximum of 3 × 365 days (clipped to this office's certificate),
    /// retention 28 days beyond the use period. Badges issued to it can be
    /// opened until `retain_until`; re-issue them to a newer badge key before.
    ///
    /// # Errors
    /// As [`rotate_daily_key`](Self::rotate_daily_key); [`KeyError::KeyAlreadyHeld`]
    /// if a badge key with this id is held.
    pub fn rotate_badge_key<R: CryptoRng>(
        &mut self,
        rng: &mut R,
        key_id: BadgeKeyId,
        now: UnixTime,
        offices: &[HealthOfficeCertificate],
    ) -> Result<DailyKeyRotation, KeyError> {
        let (cert, anchor) = self.valid_certificate(now)?;
        if self.badge.holds_id(key_id.0) {
            return Err(KeyError::KeyAlreadyHeld);
        }
        self.badge.check_room()?;
        let recipients = self.share_recipients(offices, &anchor, now)?;
        let not_after = now.plus_secs(BADGE_KEY_MAX_USE_SECS).min(cert.validity().not_after);
        let validity = Validity { not_before: now, not_after };
        let retain_until = not_after.plus_secs(BADGE_KEY_RETENTION_AFTER_USE_SECS);
        let key = BadgePrivateKey::generate(rng);
        let announcement = DailyKeyAnnouncement::issue(
            &self.keys.signing,
            self.id,
            KeyPurpose::Badge,
            key_id.0,
            &key.public_key(),
            validity,
            retain_until,
        )?;
        let shares = recipients
            .into_iter()
            .map(|r| KeyShare::seal_badge(rng, key_id, self.id, r, &key))
            .collect::<Result<Vec<_>, _>>()?;
        self.badge.insert(HeldKey { announcement: announcement.clone(), issuer: cert, key });
        Ok(DailyKeyRotation { announcement, shares })
    }

    /// Imports a daily or badge key that another office (`issuer`) rotated.
    ///
    /// Checks, in order: this office has a trust anchor
    /// ([`KeyError::NotCertified`]); `issuer` verifies under it at `now`
    /// ([`KeyError::UntrustedCertificate`]); the announcement decodes and
    /// verifies for retention against `issuer` at `now`
    /// ([`DailyKeyAnnouncementIn::verify_for_retention`]: [`KeyError::Decode`],
    /// [`KeyError::Verify`]); the share decodes and names the announcement's
    /// purpose, key id and issuer ([`KeyError::ShareMismatch`]); the share
    /// opens with this office's encryption key, is addressed to this office,
    /// and its private key's public key is the announced one ([`KeyError::Open`],
    /// `binding_mismatch` / `decryption_failed`); room for the key
    /// ([`KeyError::TooManyKeys`]). A key already held is reported with
    /// `already_held` and not stored twice.
    ///
    /// # Errors
    /// As listed; on error nothing changes.
    pub fn import_key_share(
        &mut self,
        share_bytes: &[u8],
        announcement_bytes: &[u8],
        issuer: &HealthOfficeCertificate,
        now: UnixTime,
    ) -> Result<ImportedKey, KeyError> {
        let anchor = self.anchor.ok_or(KeyError::NotCertified)?;
        HealthOfficeCertificateIn::from_slice(issuer.as_bytes())
            .map_err(|_| KeyError::UntrustedCertificate)?
            .verify(&anchor, now)
            .map_err(|_| KeyError::UntrustedCertificate)?;
        let announcement = DailyKeyAnnouncementIn::from_slice(announcement_bytes)?.verify_for_retention(issuer, now)?;
        let share = KeyShareIn::from_slice(share_bytes)?;
        if share.purpose() != announcement.purpose() {
            return Err(KeyError::ShareMismatch { field: "purpose" });
        }
        if share.key_id() != announcement.key_id() {
            return Err(KeyError::ShareMismatch { field: "key_id" });
        }
        if share.issuer() != announcement.issuer() {
            return Err(KeyError::ShareMismatch { field: "issuer" });
        }
        let public = announcement.public_key();
        let purpose = announcement.purpose();
        let key_id = announcement.key_id();
        let already_held = match purpose {
            KeyPurpose::Daily => {
                let key = share.open_daily(&self.keys.encryption, self.id, &public)?;
                add(&mut self.daily, HeldKey { announcement, issuer: issuer.clone(), key })?
            }
            KeyPurpose::Badge => {
                let key = share.open_badge(&self.keys.encryption, self.id, &public)?;
                add(&mut self.badge, HeldKey { announcement, issuer: issuer.clone(), key })?
            }
        };
        Ok(ImportedKey { purpose, key_id, already_held })
    }

    /// The announcements of every daily key held, by key id.
    pub fn daily_keys(&self) -> impl Iterator<Item = &DailyKeyAnnouncement> {
        self.daily.announcements()
    }

    /// The announcements of every badge key held, by key id.
    pub fn badge_keys(&self) -> impl Iterator<Item = &DailyKeyAnnouncement> {
        self.badge.announcements()
    }

    /// A held daily key of the UTC day of `now` that is in use at `now` (what
    /// guests and scanners should encrypt to), if any.
    pub fn current_daily_key(&self, now: UnixTime) -> Option<&DailyKeyAnnouncement> {
        self.daily.candidates(DailyKeyId::for_day(now.day()).0).map(|h| &h.announcement).find(|a| a.is_in_use_at(now))
    }

    /// The held badge key in use at `now` with the latest start (what the registrar should seal badges to), if any.
    pub fn current_badge_key(&self, now: UnixTime) -> Option<&DailyKeyAnnouncement> {
        self.badge.announcements().filter(|a| a.is_in_use_at(now)).max_by_key(|a| a.validity().not_before)
    }

    /// Erases every daily and badge private key whose `retain_until` is at or before `now`, and
    /// every share of a threshold daily key whose retention (the same rule: [`DAILY_KEY_RETENTION_DAYS`]
    /// from the start of its day) has ended.
    pub fn purge(&mut self, now: UnixTime) -> PurgeReport {
        let shares_before = self.committee_keys.len();
        self.committee_keys.retain(|_, k| !k.must_be_erased_at(now));
        PurgeReport {
            daily_keys_erased: self.daily.purge(now),
            badge_keys_erased: self.badge.purge(now),
            daily_key_shares_erased: shares_before.saturating_sub(self.committee_keys.len()),
        }
    }

    /// The signing key (notification lists, tracing requests).
    pub(crate) fn signing_key(&self) -> &HealthOfficeSigningKey {
        &self.keys.signing
    }

    /// The encryption key (consent responses).
    pub(crate) fn encryption_key(&self) -> &HealthOfficeEncryptionKey {
        &self.keys.encryption
    }

    /// The state sealed under `key` (AES-256-GCM with the state type and version as associated data,
    /// [`StateKey`]): what to store where the platform gives no encryption at rest. Keep the key in the
    /// platform's keystore. [`export_state`](Self::export_state) is the plain form.
    ///
    /// # Errors
    /// [`StateError::TooLong`] only if the state outgrew its size cap.
    pub fn export_state_encrypted<R: CryptoRng>(&self, rng: &mut R, key: &StateKey) -> Result<Vec<u8>, StateError> {
        HEALTH_OFFICE_STATE.seal(rng, key, &self.export_state())
    }

    /// Restores a state sealed by [`export_state_encrypted`](Self::export_state_encrypted).
    ///
    /// # Errors
    /// [`StateError::DecryptionFailed`] for a wrong key or a changed byte, the envelope's decoding errors,
    /// then those of [`import_state`](Self::import_state).
    pub fn import_state_encrypted(bytes: &[u8], key: &StateKey) -> Result<Self, StateError> {
        Self::import_state(&HEALTH_OFFICE_STATE.open(key, bytes)?)
    }

    /// The whole state, **including every private key in the clear** (master
    /// keys, daily and badge keys): encrypt it at rest if the embedder stores it.
    ///
    /// ```cddl
    /// health-office-state = [
    ///   "luca-healthoffice/health-office", 2,
    ///   health_office_id: bstr .size 16,
    ///   signing_key: bstr .size 32,        ; private scalar
    ///   encryption_key: bstr .size 32,     ; private scalar
    ///   anchor: bstr .size 65 / null,      ; trust-anchor public key
    ///   certificate: bstr / null,          ; COSE bytes
    ///   daily_keys: [* held-key],          ; ≤ 1024
    ///   badge_keys: [* held-key],          ; ≤ 1024
    ///   committee_keys: [* committee-key], ; ≤ 1024, by daily key id
    /// ]
    /// held-key = [announcement: bstr, issuer_certificate: bstr, private_key: bstr .size 32]
    /// ; this office's share of a threshold daily key (HealthOffice::start_committee_dkg)
    /// committee-key = [
    ///   daily_key_id: uint, day: uint,     ; the key id is the day's
    ///   threshold: uint,
    ///   members: bstr,                     ; n × (office id 16 ‖ signing key 65 ‖ encryption key 65), index order
    ///   member: uint,                      ; this office's index
    ///   share: bstr .size 32,              ; its secret share
    ///   daily_public_key: bstr .size 65,
    ///   public_shares: bstr,               ; n × (index u16 big-endian ‖ compressed point 33)
    /// ]
    /// ```
    ///
    /// Deterministic: the same state gives the same bytes. Version 2 (version 1 had no
    /// `committee_keys`: an office restored from it had lost its shares of threshold daily keys).
    pub fn export_state(&self) -> Zeroizing<Vec<u8>> {
        let anchor = self.anchor.map(|a| a.to_bytes());
        let mut w = StateWriter::new(&HEALTH_OFFICE_STATE);
        w.bytes(self.id.as_bytes())
            .bytes(self.keys.signing.to_bytes().as_slice())
            .bytes(self.keys.encryption.to_bytes().as_slice())
            .opt_bytes(anchor.as_ref().map(|a| a.as_slice()))
            .opt_bytes(self.certificate.as_ref().map(HealthOfficeCertificate::as_bytes));
        self.daily.export(&mut w);
        self.badge.export(&mut w);
        w.array(|w| self.committee_keys.values().for_each(|k| k.export(w)));
        w.finish()
    }

    /// Restores a state made by [`export_state`](Self::export_state).
    ///
    /// Strict (see [`crate::state`]); then: certificate and anchor both present
    /// or both absent, the certificate verifies under the anchor (at its own
    /// start) and names this state's id and keys; every held key's issuer
    /// certificate verifies under the anchor and its announcement under that
    /// certificate (at the announcement's start: expiry is [`purge`](Self::purge)'s
    /// business), purpose as listed, private key matching the announced public
    /// key, no key twice; every committee key's committee well formed with this office on it
    /// under its own keys, its public shares on one polynomial through the daily public key, and
    /// its share the secret of this office's public share.
    ///
    /// # Errors
    /// [`StateError`] naming the first rule broken.
    pub fn import_state(bytes: &[u8]) -> Result<Self, StateError> {
        let mut r = StateReader::open(bytes, &HEALTH_OFFICE_STATE)?;
        let id = HealthOfficeId::from_array(*r.fixed::<16>("health_office_id")?);
        let signing = HealthOfficeSigningKey::from_slice(r.fixed::<32>("signing_key")?.as_slice())
            .map_err(|err| StateError::in_field("signing_key", err))?;
        let encryption = HealthOfficeEncryptionKey::from_slice(r.fixed::<32>("encryption_key")?.as_slice())
            .map_err(|err| StateError::in_field("encryption_key", err))?;
        let anchor = r
            .opt_bytes("anchor")?
            .map(|b| SignaturePublicKey::from_slice(&b))
            .transpose()
            .map_err(|err| StateError::in_field("anchor", err))?;
        let certificate = r.opt_bytes("certificate")?;
        let daily = r.list("daily_keys", MAX_HELD_KEYS, KEY_ENTRY_ARITY)?;
        let badge = r.list("badge_keys", MAX_HELD_KEYS, KEY_ENTRY_ARITY)?;
        let committee_entries = r.list("committee_keys", MAX_HELD_KEYS, crate::committee::CommitteeKey::STATE_ARITY)?;
        let keys = HealthOfficeMasterKeys { signing, encryption };
        let certificate = match (&anchor, certificate) {
            (Some(anchor), Some(bytes)) => {
                let cert = reverify_certificate(&bytes, anchor, "certificate")?;
                if cert.id() != id
                    || cert.signing_key() != keys.signing.public_key()
                    || cert.encryption_key() != keys.encryption.public_key()
                {
                    return Err(StateError::Inconsistent { field: "certificate" });
                }
                Some(cert)
            }
            (None, None) => None,
            _ => return Err(StateError::Inconsistent { field: "certificate" }),
        };
        let mut issuers = BTreeMap::new();
        let daily = KeyRing::import(daily, anchor.as_ref(), &mut issuers)?;
        let badge = KeyRing::import(badge, anchor.as_ref(), &mut issuers)?;
        let mut committee_keys = BTreeMap::new();
        let (signing_public, encryption_public) = (keys.signing.public_key(), keys.encryption.public_key());
        for entry in committee_entries {
            let key = crate::committee::CommitteeKey::import(entry, id, &signing_public, &encryption_public)?;
            if committee_keys.insert(key.committee.daily_key_id().0, key).is_some() {
                return Err(StateError::Inconsistent { field: "committee_keys" });
            }
        }
        Ok(Self { id, keys, anchor, certificate, daily, badge, committee_keys })
    }
}

/// Adds `held` unless the same key is held; returns whether it was.
fn add<K: HeldPrivate>(ring: &mut KeyRing<K>, held: HeldKey<K>) -> Result<bool, KeyError> {
    if ring.holds(held.announcement.key_id(), &held.announcement.public_key()) {
        return Ok(true);
    }
    ring.check_room()?;
    ring.insert(held);
    Ok(false)
}

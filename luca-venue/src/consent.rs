//! Answering a tracing request: shared by [`Venue`](crate::Venue) and
//! [`PrivateMeetingHost`](crate::PrivateMeetingHost).

use std::collections::BTreeSet;

use luca_protocol::error::{DecodeError, OpenError, SealError, VerifyError};
use luca_protocol::ids::{TraceId, VenueId};
use luca_protocol::keys::VenuePrivateKey;
use luca_protocol::messages::additional_data::{AdditionalDataContent, AdditionalDataIn};
use luca_protocol::messages::checkin_record::{CheckInRecordIn, InnerRecord};
use luca_protocol::messages::consent_response::{ConsentResponse, ConsentResponseBuilder};
use luca_protocol::messages::tracing_request::{TracingRequest, TracingRequestIn};
use luca_protocol::signed::health_office_certificate::HealthOfficeCertificate;
use luca_protocol::time::{UnixMinute, UnixTime};
use rand_core::CryptoRng;

use crate::error::VenueError;

/// A check-in as the operator server hands it to the venue: the encoded
/// check-in record and, if the guest sent any, the encoded additional data.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredCheckIn {
    /// The check-in record ([`CheckInRecordIn`] encoding).
    pub record: Vec<u8>,
    /// The additional data of the check-in ([`AdditionalDataIn`] encoding), if any.
    pub additional_data: Option<Vec<u8>>,
}

/// A stored check-in that could not be used, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordFailure {
    /// Position of the check-in in the slice handed in.
    pub index: usize,
    /// Its trace id, if the record decoded far enough to have one.
    pub trace_id: Option<TraceId>,
    /// Why: [`OpenError::Malformed`] for bytes that do not decode,
    /// [`OpenError::DecryptionFailed`] for a record or additional data that
    /// does not open with this venue's key, [`OpenError::BindingMismatch`] for
    /// content that contradicts its envelope (`field: "venue_id"` or
    /// `"trace_id"` for additional data of another check-in).
    pub error: OpenError,
}

/// The venue's answer to one tracing request: the consent response(s) to send
/// back through the server, and an account of every check-in handed in.
///
/// Every check-in handed in is counted in exactly one of `consented`,
/// `other_venue`, `outside_window`, `duplicates` and `failed`.
#[derive(Clone, Debug)]
pub struct ConsentAnswer {
    /// The consent responses, all bound to the same request. Usually one;
    /// more only when the entries exceed one response's caps (20,000 entries
    /// or 16 MiB): each response is self-contained. Always at least one, so an
    /// empty window is answered with an empty response.
    pub responses: Vec<ConsentResponse>,
    /// Check-ins re-sealed to the health office.
    pub consented: usize,
    /// Records of another venue: skipped, never opened or sealed.
    pub other_venue: usize,
    /// Records of this venue outside the request's window: skipped, never opened or sealed.
    pub outside_window: usize,
    /// Repeated check-ins (same minute and trace id as an earlier one in the slice): left out.
    pub duplicates: usize,
    /// Check-ins that could not be decoded or opened: left out of the answer.
    pub failed: Vec<RecordFailure>,
    /// Check-ins whose record opened but whose additional data did not: their
    /// inner record is in the answer, without the additional data.
    pub additional_data_failed: Vec<RecordFailure>,
}

/// Parses and verifies a tracing request for `venue_id`.
fn verify_request(
    request_bytes: &[u8],
    office: &HealthOfficeCertificate,
    venue_id: VenueId,
    now: UnixTime,
) -> Result<TracingRequest, VenueError> {
    let request = TracingRequestIn::from_slice(request_bytes).map_err(VenueError::MalformedRequest)?;
    request.verify(office, venue_id, now).map_err(|e| match e {
        VerifyError::WrongKind => VenueError::RequestForOtherVenue,
        other => VenueError::UntrustedRequest(other),
    })
}

/// Opens the additional data of the check-in (`venue_id`, `trace_id`).
fn open_additional(
    bytes: &[u8],
    venue_id: VenueId,
    trace_id: TraceId,
    key: &VenuePrivateKey,
) -> Result<AdditionalDataContent, OpenError> {
    let data = AdditionalDataIn::from_slice(bytes).map_err(OpenError::Malformed)?;
    if data.venue_id() != venue_id {
        return Err(OpenError::BindingMismatch { field: "venue_id" });
    }
    if data.trace_id() != trace_id {
        return Err(OpenError::BindingMismatch { field: "trace_id" });
    }
    data.open(key)
}

/// A check-in opened by its venue.
pub(crate) struct OpenedCheckIn {
    pub(crate) trace_id: TraceId,
    pub(crate) minute: UnixMinute,
    pub(crate) inner: InnerRecord,
    /// `None` if there was none; `Some(Err)` if it did not open.
    pub(crate) additional: Option<Result<AdditionalDataContent, OpenError>>,
}

/// What became of one stored check-in.
pub(crate) enum Sorted {
    /// Another venue's record.
    OtherVenue,
    /// Outside the wanted minutes.
    Outside,
    /// Could not be decoded or opened.
    Failed(RecordFailure),
    /// Opened.
    Opened(Box<OpenedCheckIn>),
}

/// Decodes a stored check-in and, if it is `venue_id`'s and `wanted(minute)`, opens it.
pub(crate) fn open_stored(
    index: usize,
    stored: &StoredCheckIn,
    venue_id: VenueId,
    key: &VenuePrivateKey,
    wanted: impl Fn(UnixMinute) -> bool,
) -> Sorted {
    let record = match CheckInRecordIn::from_slice(&stored.record) {
        Ok(r) => r,
        Err(e) => return Sorted::Failed(RecordFailure { index, trace_id: None, error: OpenError::Malformed(e) }),
    };
    if record.venue_id() != venue_id {
        return Sorted::OtherVenue;
    }
    let (trace_id, minute) = (record.trace_id(), record.checkin_minute());
    if !wanted(minute) {
        return Sorted::Outside;
    }
    let inner = match record.open(key) {
        Ok(inner) => inner,
        Err(error) => return Sorted::Failed(RecordFailure { index, trace_id: Some(trace_id), error }),
    };
    let additional = stored.additional_data.as_deref().map(|b| open_additional(b, venue_id, trace_id, key));
    Sorted::Opened(Box::new(OpenedCheckIn { trace_id, minute, inner, additional }))
}

/// Whether the builder refused an entry only because the response is full.
fn is_full(e: &SealError) -> bool {
    matches!(e, SealError::InvalidInput(DecodeError::TooManyItems { .. } | DecodeError::TooLong { .. }))
}

/// Verifies `request_bytes` for `venue_id` and re-seals the check-ins of its window to `office`.
pub(crate) fn answer<R: CryptoRng>(
    rng: &mut R,
    venue_id: VenueId,
    key: &VenuePrivateKey,
    request_bytes: &[u8],
    office: &HealthOfficeCertificate,
    records: &[StoredCheckIn],
    now: UnixTime,
) -> Result<ConsentAnswer, VenueError> {
    let request = verify_request(request_bytes, office, venue_id, now)?;
    let window = request.window();
    let new_builder = || ConsentResponseBuilder::new(&request, office).map_err(VenueError::UntrustedRequest);
    let mut builder = new_builder()?;
    let mut answer = ConsentAnswer {
        responses: Vec::new(),
        consented: 0,
        other_venue: 0,
        outside_window: 0,
        duplicates: 0,
        failed: Vec::new(),
        additional_data_failed: Vec::new(),
    };
    let mut seen: BTreeSet<(UnixMinute, TraceId)> = BTreeSet::new();
    for (index, stored) in records.iter().enumerate() {
        let opened = match open_stored(index, stored, venue_id, key, |m| window.contains_minute(m)) {
            Sorted::OtherVenue => {
                answer.other_venue = answer.other_venue.saturating_add(1);
                continue;
            }
            Sorted::Outside => {
                answer.outside_window = answer.outside_window.saturating_add(1);
                continue;
            }
            Sorted::Failed(f) => {
                answer.failed.push(f);
                continue;
            }
            Sorted::Opened(o) => *o,
        };
        if !seen.insert((opened.minute, opened.trace_id)) {
            answer.duplicates = answer.duplicates.saturating_add(1);
            continue;
        }
        let additional = match opened.additional {
            None => None,
            Some(Ok(content)) => Some(content),
            Some(Err(error)) => {
                answer.additional_data_failed.push(RecordFailure { index, trace_id: Some(opened.trace_id), error });
                None
            }
        };
        let mut add = |b: &mut ConsentResponseBuilder| {
            b.add(rng, opened.trace_id, opened.minute, &opened.inner, additional.as_ref())
        };
        match add(&mut builder) {
            Ok(()) => {}
            Err(e) if is_full(&e) => {
                let full = std::mem::replace(&mut builder, new_builder()?);
                answer.responses.push(full.finish());
                add(&mut builder).map_err(|_| VenueError::Crypto)?;
            }
            // The window and the binding were checked, and the additional data
            // content was validated when it was opened: only HPKE can fail here.
            Err(_) => return Err(VenueError::Crypto),
        }
        answer.consented = answer.consented.saturating_add(1);
    }
    answer.responses.push(builder.finish());
    Ok(answer)
}

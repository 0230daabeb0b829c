//! The guest's check-in history: one entry per minute in which the guest showed a code or checked in.

use luca_protocol::ids::{TraceId, VenueId};
use luca_protocol::time::UnixMinute;

/// One check-in (or shown check-in code) the guest remembers, for checkout and notifications.
///
/// A guest has one trace id per minute: check-in codes shown in the same
/// minute, and a self check-in in that minute, share one entry.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct CheckInEntry {
    /// The check-in's trace id.
    pub trace_id: TraceId,
    /// The check-in minute.
    pub minute: UnixMinute,
    /// The venue or private meeting, if known (self check-ins; not a code shown to a scanner).
    pub venue_id: Option<VenueId>,
}

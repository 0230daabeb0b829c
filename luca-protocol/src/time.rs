//! Protocol time: UTC Unix seconds, minutes and days.
//!
//! `luca-protocol` never reads a clock: every function that needs the time
//! takes a [`UnixTime`] argument.

use core::fmt;

/// Seconds per minute.
pub const SECONDS_PER_MINUTE: u64 = 60;
/// Seconds per UTC day.
pub const SECONDS_PER_DAY: u64 = 86_400;
/// Minutes per UTC day.
pub const MINUTES_PER_DAY: u32 = 1_440;

/// A point in time: seconds since 1970-01-01T00:00:00Z (leap seconds ignored).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnixTime(pub u64);

/// A UTC minute: `floor(unix_seconds / 60)`. Fits `u32` until the year 10136.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UnixMinute(pub u32);

/// A UTC day number: `floor(unix_seconds / 86400)`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct UtcDay(pub u32);

impl UnixTime {
    /// The minute that contains this instant (saturating at `u32::MAX`).
    pub fn minute(self) -> UnixMinute {
        UnixMinute(u32::try_from(self.0 / SECONDS_PER_MINUTE).unwrap_or(u32::MAX))
    }

    /// The UTC day that contains this instant (saturating at `u32::MAX`).
    pub fn day(self) -> UtcDay {
        UtcDay(u32::try_from(self.0 / SECONDS_PER_DAY).unwrap_or(u32::MAX))
    }

    /// `self + secs`, saturating.
    pub fn plus_secs(self, secs: u64) -> Self {
        Self(self.0.saturating_add(secs))
    }

    /// `self - secs`, saturating at zero.
    pub fn minus_secs(self, secs: u64) -> Self {
        Self(self.0.saturating_sub(secs))
    }

    /// `|self - other|` in seconds.
    pub fn abs_diff(self, other: Self) -> u64 {
        self.0.abs_diff(other.0)
    }
}

impl UnixMinute {
    /// The first second of this minute.
    pub fn start(self) -> UnixTime {
        UnixTime(u64::from(self.0).saturating_mul(SECONDS_PER_MINUTE))
    }

    /// The UTC day that contains this minute.
    pub fn day(self) -> UtcDay {
        UtcDay(self.0 / MINUTES_PER_DAY)
    }

    /// Big-endian encoding, as used in every derivation and wire format.
    pub fn to_be_bytes(self) -> [u8; 4] {
        self.0.to_be_bytes()
    }
}

impl UtcDay {
    /// The first second of this day.
    pub fn start(self) -> UnixTime {
        UnixTime(u64::from(self.0).saturating_mul(SECONDS_PER_DAY))
    }

    /// The first minute of this day.
    pub fn first_minute(self) -> UnixMinute {
        UnixMinute(self.0.saturating_mul(MINUTES_PER_DAY))
    }

    /// Every minute of this day, in order.
    pub fn minutes(self) -> impl Iterator<Item = UnixMinute> {
        let first = self.0.saturating_mul(MINUTES_PER_DAY);
        (first..first.saturating_add(MINUTES_PER_DAY)).map(UnixMinute)
    }

    /// `self - days`, saturating at day zero.
    pub fn minus_days(self, days: u32) -> Self {
        Self(self.0.saturating_sub(days))
    }

    /// `self + days`, saturating.
    pub fn plus_days(self, days: u32) -> Self {
        Self(self.0.saturating_add(days))
    }
}

impl fmt::Debug for UnixTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnixTime({})", self.0)
    }
}
impl fmt::Debug for UnixMinute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UnixMinute({})", self.0)
    }
}
impl fmt::Debug for UtcDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "UtcDay({})", self.0)
    }
}

/// A half-open validity period `[not_before, not_after)` in Unix seconds.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
pub struct Validity {
    /// First second at which the object is valid.
    pub not_before: UnixTime,
    /// First second at which the object is no longer valid.
    pub not_after: UnixTime,
}

impl Validity {
    /// Whether `now` lies in `[not_before, not_after)`.
    pub fn contains(&self, now: UnixTime) -> bool {
        self.not_before <= now && now < self.not_after
    }

    /// Whether `[not_before, not_after)` is non-empty.
    pub fn is_well_formed(&self) -> bool {
        self.not_before < self.not_after
    }

    /// Whether `inner` lies entirely within `self`.
    pub fn covers(&self, inner: &Validity) -> bool {
        self.not_before <= inner.not_before && inner.not_after <= self.not_after
    }
}

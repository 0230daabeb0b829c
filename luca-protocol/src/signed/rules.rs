//! The rules every signed object of [`crate::signed`] shares: the name rule ([`MAX_NAME_LEN`],
//! [`check_name`]), the validity period ([`check_period`]) and the nesting of a signed payload.

use crate::cbor::ArrayReader;
use crate::error::{DecodeError, VerifyError};
use crate::time::{UnixTime, Validity};

/// Longest allowed name (health office, registrar, venue, private meeting), in UTF-8 bytes.
pub const MAX_NAME_LEN: usize = 128;

/// CBOR nesting of every signed payload: one flat array.
pub(crate) const PAYLOAD_DEPTH: usize = 2;

/// Checks the name rule shared by every signed object: 1..=[`MAX_NAME_LEN`]
/// UTF-8 bytes, no control character (U+0000–U+001F, U+007F–U+009F). The length is checked first, so an
/// oversized name is rejected without looking at its characters.
///
/// # Errors
/// [`DecodeError::InvalidField`] with `field: "name"`.
pub fn check_name(name: &str) -> Result<(), DecodeError> {
    let err = DecodeError::InvalidField { field: "name" };
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return Err(err);
    }
    if name.chars().any(|c| matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}')) {
        return Err(err);
    }
    Ok(())
}

/// Checks a validity period at `now`: well-formed, then `now ∈ [not_before, not_after)`.
///
/// # Errors
/// [`VerifyError::InvalidValidity`] if `not_before >= not_after`,
/// [`VerifyError::NotYetValid`] if `now < not_before`,
/// [`VerifyError::Expired`] if `now >= not_after`.
pub fn check_period(validity: &Validity, now: UnixTime) -> Result<(), VerifyError> {
    if !validity.is_well_formed() {
        return Err(VerifyError::InvalidValidity);
    }
    if now < validity.not_before {
        return Err(VerifyError::NotYetValid);
    }
    if now >= validity.not_after {
        return Err(VerifyError::Expired);
    }
    Ok(())
}

/// Reads a name field and applies [`check_name`].
pub(crate) fn read_name(r: &mut ArrayReader) -> Result<String, DecodeError> {
    let name = r.text("name", MAX_NAME_LEN)?;
    check_name(&name)?;
    Ok(name)
}

/// Reads `not_before, not_after` (no ordering check: that is a verification rule).
pub(crate) fn read_validity(r: &mut ArrayReader) -> Result<Validity, DecodeError> {
    let not_before = UnixTime(r.uint("not_before")?);
    let not_after = UnixTime(r.uint("not_after")?);
    Ok(Validity { not_before, not_after })
}

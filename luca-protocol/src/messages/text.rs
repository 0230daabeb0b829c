//! The free-text rule of protocol version 1, shared by every message that carries text a person typed (the
//! contact fields, a guest's name in additional data): a length range in UTF-8 bytes and no forbidden
//! character ([`is_forbidden_char`]).

use crate::error::{ContactFieldError, DecodeError, FieldProblem};

/// Whether `c` is forbidden in every free-text field: a control character (general category Cc:
/// U+0000–U+001F, U+007F–U+009F), a line or paragraph separator (Zl, Zp: U+2028, U+2029), or an
/// invisible format character (general category Cf of Unicode 18.0, which includes every bidi
/// control and U+FEFF) other than the zero-width non-joiner and joiner U+200C and U+200D, which
/// names in Persian, Arabic and Indic scripts (and emoji sequences) need.
///
/// The list is fixed here, not taken from a Unicode table at run time, so that every
/// implementation of protocol version 1 accepts exactly the same texts whatever Unicode version its
/// libraries follow; a test compares it with the `unicode-properties` tables. The same rule applies to
/// a guest's name in additional data; exporters use it to neutralise what reaches them anyway.
///
/// ```
/// use luca_protocol::messages::text::is_forbidden_char;
/// assert!(is_forbidden_char('\u{200b}')); // zero-width space
/// assert!(is_forbidden_char('\u{2028}')); // line separator
/// assert!(!is_forbidden_char('\u{200c}')); // zero-width non-joiner: Persian names need it
/// assert!(!is_forbidden_char('ö'));
/// ```
pub fn is_forbidden_char(c: char) -> bool {
    matches!(
        c,
        // Cc
        '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            // Zl, Zp
            | '\u{2028}'
            | '\u{2029}'
            // Cf (Unicode 18.0) without U+200C, U+200D
            | '\u{ad}'
            | '\u{600}'..='\u{605}'
            | '\u{61c}'
            | '\u{6dd}'
            | '\u{70f}'
            | '\u{890}'..='\u{891}'
            | '\u{8e2}'
            | '\u{180e}'
            | '\u{200b}'
            | '\u{200e}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}'
            | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{110bd}'
            | '\u{110cd}'
            | '\u{13430}'..='\u{1343f}'
            | '\u{1bca0}'..='\u{1bca3}'
            | '\u{1d173}'..='\u{1d17a}'
            | '\u{e0001}'
            | '\u{e0020}'..='\u{e007f}'
    )
}

/// Checks a free-text field: `min..=max` UTF-8 bytes, no forbidden character.
pub(crate) fn check_text(s: &str, field: &'static str, min: usize, max: usize) -> Result<(), DecodeError> {
    check_text_reason(s, field, min, max).map_err(DecodeError::from)
}

/// [`check_text`] with the reason.
pub(crate) fn check_text_reason(s: &str, field: &'static str, min: usize, max: usize) -> Result<(), ContactFieldError> {
    let problem = if s.len() < min {
        FieldProblem::TooShort { min }
    } else if s.len() > max {
        FieldProblem::TooLong { max }
    } else if let Some(c) = s.chars().find(|&c| is_forbidden_char(c)) {
        FieldProblem::ForbiddenCharacter { code_point: u32::from(c) }
    } else {
        return Ok(());
    };
    Err(ContactFieldError { field, problem })
}

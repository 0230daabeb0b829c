//! Export of traced contacts to JSON and to CSV that is safe to open in a spreadsheet.
//!
//! Every decrypted field is hostile input: a guest chooses its own contact
//! data, and the protocol only guarantees it is valid UTF-8 within length
//! limits and free of control and bidi characters — and an exporter must not
//! rely even on that ([`Contact`] can be built by hand).
//!
//! Both formats have the same columns, in this order ([`COLUMNS`]):
//!
//! | column | content |
//! |---|---|
//! | `user_id`, `venue_id`, `trace_id` | 32 lowercase hex digits |
//! | `checkin_minute` | the UTC minute number (Unix seconds / 60), decimal |
//! | `checkin_utc` | the check-in minute as `YYYY-MM-DDTHH:MM:00Z` |
//! | `table` | the table number, decimal, or empty |
//! | `first_name`, `last_name`, `phone`, `email`, `street`, `house_number`, `postcode`, `city` | the decrypted contact fields |
//!
//! **JSON** ([`to_json`]): an array with one object per contact; every value
//! is a JSON string (the empty string for no table), exactly the field's text
//! (escaped by `serde_json`, nothing interpreted or changed); keys in column
//! order; compact, no trailing newline.
//!
//! **CSV** ([`to_csv`], RFC 4180): a header row, then one row per contact;
//! CRLF after every row; every field quoted, with `"` doubled. Each field is
//! neutralised by [`csv_field`]:
//!
//! 1. **Formula prefix.** If the field's first character, or its first
//!    character that is neither whitespace nor a character of step 2, is one
//!    of `=` `+` `-` `@` TAB CR LF or a full-width `＝` `＋` `－` `＠`, the field
//!    is prefixed with a single quote `'`, so spreadsheets show it as text
//!    instead of evaluating it (DDE payloads like `=cmd|' /C calc'!A0`,
//!    `@SUM(1+1)`). Phone numbers like `+49 …` are prefixed too.
//! 2. **Invisible and control characters** are replaced by U+FFFD (`�`), so
//!    the tampering stays visible: every character the contact-field rules
//!    forbid ([`is_forbidden_char`]): control characters (general category
//!    Cc: U+0000–U+001F, U+007F–U+009F, including TAB, CR and LF — no field
//!    spans lines), the line and paragraph separators U+2028, U+2029, and the
//!    invisible format characters (Cf: bidi controls, zero-width spaces, U+FEFF,
//!    soft hyphen, tag characters, …) except U+200C and U+200D, which are kept
//!    (names need them) but skipped, like whitespace, when step 1 looks for the
//!    first visible character.
//!
//! Nothing else changes: other text, including very long fields, is kept
//! exactly. The output has no byte-order mark (prepend U+FEFF when writing a
//! file for a spreadsheet that needs one to detect UTF-8).
//!
//! The outputs contain personal data; where they go is the embedder's responsibility.

use std::borrow::Cow;

use crate::trace::Contact;
use luca_protocol::messages::text::is_forbidden_char;
use luca_protocol::time::UnixMinute;

/// The columns of both formats, in order.
pub const COLUMNS: [&str; 14] = [
    "user_id",
    "venue_id",
    "trace_id",
    "checkin_minute",
    "checkin_utc",
    "table",
    "first_name",
    "last_name",
    "phone",
    "email",
    "street",
    "house_number",
    "postcode",
    "city",
];

/// The cells of one contact, in column order.
fn cells(c: &Contact) -> [Cow<'_, str>; 14] {
    let f = &c.fields;
    [
        Cow::Owned(c.user_id.to_string()),
        Cow::Owned(c.venue_id.to_string()),
        Cow::Owned(c.trace_id.to_string()),
        Cow::Owned(c.minute.0.to_string()),
        Cow::Owned(utc_text(c.minute)),
        Cow::Owned(c.table.map(|t| t.to_string()).unwrap_or_default()),
        Cow::Borrowed(f.first_name.as_str()),
        Cow::Borrowed(f.last_name.as_str()),
        Cow::Borrowed(f.phone.as_str()),
        Cow::Borrowed(f.email.as_str()),
        Cow::Borrowed(f.street.as_str()),
        Cow::Borrowed(f.house_number.as_str()),
        Cow::Borrowed(f.postcode.as_str()),
        Cow::Borrowed(f.city.as_str()),
    ]
}

/// The contacts as a JSON array of objects whose values are all strings (see the module documentation).
pub fn to_json(contacts: &[Contact]) -> String {
    let mut out = String::from("[");
    for (i, c) in contacts.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('{');
        for (j, (key, value)) in COLUMNS.iter().zip(cells(c)).enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(&json_string(key));
            out.push(':');
            out.push_str(&json_string(&value));
        }
        out.push('}');
    }
    out.push(']');
    out
}

/// A JSON string literal, escaped by `serde_json`.
fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// The contacts as CSV safe to open in a spreadsheet (see the module documentation).
pub fn to_csv(contacts: &[Contact]) -> String {
    let mut out = String::new();
    push_row(&mut out, COLUMNS.iter().map(|c| Cow::Borrowed(*c)));
    for c in contacts {
        push_row(&mut out, cells(c).into_iter());
    }
    out
}

fn push_row<'a>(out: &mut String, cells: impl Iterator<Item = Cow<'a, str>>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, &cell);
    }
    out.push_str("\r\n");
}

/// One CSV field, quoted and neutralised (rules 1 and 2 of the module documentation).
///
/// ```
/// use luca_healthoffice::export::csv_field;
/// assert_eq!(csv_field("Müller"), "\"Müller\"");
/// assert_eq!(csv_field("=cmd|' /C calc'!A0"), "\"'=cmd|' /C calc'!A0\"");
/// assert_eq!(csv_field("say \"hi\"\r\n"), "\"say \"\"hi\"\"\u{fffd}\u{fffd}\"");
/// ```
pub fn csv_field(value: &str) -> String {
    let mut out = String::with_capacity(value.len().saturating_add(3));
    push_field(&mut out, value);
    out
}

fn push_field(out: &mut String, value: &str) {
    out.push('"');
    if needs_quote_prefix(value) {
        out.push('\'');
    }
    for c in value.chars() {
        let c = if is_neutralised(c) { '\u{fffd}' } else { c };
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}

/// Characters that start a formula (or, TAB/CR/LF, a cell a spreadsheet may re-parse).
fn is_formula_trigger(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r' | '\n' | '\u{ff1d}' | '\u{ff0b}' | '\u{ff0d}' | '\u{ff20}')
}

/// Characters replaced by U+FFFD: exactly those the contact-field rules forbid.
fn is_neutralised(c: char) -> bool {
    is_forbidden_char(c)
}

/// Characters that take no room: skipped when looking for a field's first visible character.
fn is_invisible(c: char) -> bool {
    c.is_whitespace() || is_neutralised(c) || matches!(c, '\u{200c}' | '\u{200d}')
}

fn needs_quote_prefix(value: &str) -> bool {
    let first = value.chars().next().is_some_and(is_formula_trigger);
    let first_visible = value.chars().find(|c| !is_invisible(*c)).is_some_and(is_formula_trigger);
    first || first_visible
}

/// `YYYY-MM-DDTHH:MM:00Z` of a UTC minute (proleptic Gregorian calendar, through the `time` crate).
fn utc_text(minute: UnixMinute) -> String {
    let secs = i64::try_from(minute.start().0);
    let at = secs.ok().and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs).ok());
    #[expect(
        clippy::expect_used,
        reason = "every u32 minute (up to the year 10136) is within the range of `time` with large-dates"
    )]
    let at = at.expect("a u32 minute is a representable date");
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:00Z", at.year(), u8::from(at.month()), at.day(), at.hour(), at.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_text_exact() {
        assert_eq!(utc_text(UnixMinute(0)), "1970-01-01T00:00:00Z");
        // 2026-11-29T09:00:00Z = 1_795_942_800 s.
        assert_eq!(utc_text(UnixMinute(1_795_942_800 / 60)), "2026-11-29T09:00:00Z");
        // 2000-02-29T23:59 (leap day) = 951_868_740 s.
        assert_eq!(utc_text(UnixMinute(951_868_740 / 60)), "2000-02-29T23:59:00Z");
        // 2024-12-31T12:34 = 1_735_648_440 s.
        assert_eq!(utc_text(UnixMinute(1_735_648_440 / 60)), "2024-12-31T12:34:00Z");
        assert_eq!(utc_text(UnixMinute(u32::MAX)), "10136-02-16T04:15:00Z");
    }
}

//! Test vectors: the TAN (spec: docs/PROTOCOL.md §6).
//!
//! `generated_*` cases record TANs drawn from the topic RNG together with the
//! RNG bytes consumed (`rng_bytes`, including rejected ones) so the rejection
//! sampling can be reproduced; `parse_*` cases give an input text and either
//! the canonical TAN (`tan`, grouped) or the error kind.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::panic
)]

use luca_protocol::tan::{ALPHABET, Tan};
use rand_core::Rng as _;
use serde_json::json;

use crate::common::{self, Topic};

/// Luhn mod 26 check symbol for 11 symbols (independent of the library).
fn check_symbol(random: &[u8]) -> u8 {
    let mut sum = 0u32;
    for (i, c) in random.iter().rev().enumerate() {
        let idx = ALPHABET.iter().position(|a| a == c).unwrap() as u32;
        let p = if i % 2 == 0 { idx * 2 } else { idx };
        sum += p / 26 + p % 26;
    }
    ALPHABET[((26 - sum % 26) % 26) as usize]
}

pub fn generate() -> Topic {
    let mut rng = common::rng("tan");
    let mut t = Topic::new(
        "tan",
        "TAN (docs/PROTOCOL.md §6): 11 symbols of ACDEFGHJKLMNPQRTUVWXY34679 drawn by rejection sampling \
         (byte b < 234, index b mod 26) + one Luhn mod 26 check symbol; displayed XXXX-XXXX-XXXX. \
         `generated_*`: `rng_bytes` are the bytes the generator consumed; `parse_*`: `input` text, then `tan` \
         (canonical display form) or the error kind.",
    );

    for i in 0..8 {
        // Record the bytes the generator consumes: replay a clone byte by byte.
        let mut probe = rng.clone();
        let tan = Tan::generate(&mut rng);
        let mut consumed = Vec::new();
        let mut symbols = Vec::new();
        while symbols.len() < 11 {
            let mut b = [0u8; 1];
            probe.fill_bytes(&mut b);
            consumed.push(b[0]);
            if b[0] < 234 {
                symbols.push(ALPHABET[(b[0] % 26) as usize]);
            }
        }
        symbols.push(check_symbol(&symbols));
        assert_eq!(tan.as_str().as_bytes(), symbols.as_slice());
        t.case(
            &format!("generated_{}", i + 1),
            "ok",
            json!({
                "rng_bytes": hex::encode(&consumed),
                "tan": tan.to_string(),
                "tan_compact": tan.as_str(),
            }),
        );
    }

    let base = Tan::generate(&mut rng);
    let shown = base.to_string();
    let compact = base.as_str().to_string();
    let mut inputs: Vec<(&str, String)> = vec![
        ("parse_grouped", shown.clone()),
        ("parse_compact", compact.clone()),
        ("parse_lowercase", shown.to_lowercase()),
        ("parse_surrounding_whitespace", format!("  {shown}\n")),
        ("parse_spaces_as_separators", shown.replace('-', " ")),
        ("parse_all_a", "AAAA-AAAA-AAAA".to_string()),
        ("parse_check_digit_7", "AAAA-AAAA-AAC7".to_string()),
    ];
    // Wrong check character: replace the last symbol by the next one in the alphabet.
    let last = compact.as_bytes()[11];
    let pos = ALPHABET.iter().position(|c| *c == last).unwrap();
    let wrong = format!("{}{}", &compact[..11], char::from(ALPHABET[(pos + 1) % 26]));
    inputs.push(("parse_wrong_check_character", wrong));
    // A single substituted random symbol.
    let first = compact.as_bytes()[0];
    let pos0 = ALPHABET.iter().position(|c| *c == first).unwrap();
    inputs.push(("parse_substituted_symbol", format!("{}{}", char::from(ALPHABET[(pos0 + 5) % 26]), &compact[1..])));
    inputs.push(("parse_invalid_character_zero", format!("0{}", &compact[1..])));
    inputs.push(("parse_invalid_character_letter_o", format!("O{}", &compact[1..])));
    inputs.push(("parse_invalid_character_underscore", format!("{}_{}", &compact[..4], &compact[5..])));
    inputs.push(("parse_too_short", compact[..11].to_string()));
    inputs.push(("parse_too_long", format!("{compact}A")));
    inputs.push(("parse_empty", String::new()));
    inputs.push(("parse_over_input_cap", "A".repeat(65)));

    for (name, input) in inputs {
        let (expect, fields) = match Tan::parse(&input) {
            Ok(tan) => ("ok".to_string(), json!({ "input": input, "tan": tan.to_string() })),
            Err(e) => (e.kind().to_string(), json!({ "input": input })),
        };
        let must_fail = !name.starts_with("parse_grouped")
            && !matches!(
                name,
                "parse_compact"
                    | "parse_lowercase"
                    | "parse_surrounding_whitespace"
                    | "parse_spaces_as_separators"
                    | "parse_all_a"
                    | "parse_check_digit_7"
            );
        assert_eq!(expect != "ok", must_fail, "{name}: {expect}");
        t.case(name, &expect, fields);
    }
    t
}

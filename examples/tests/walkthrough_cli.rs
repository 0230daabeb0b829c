//! The walkthrough's command line and output folder (issue 14, item 9): `--help` prints help and
//! succeeds, an unknown or malformed option is named, counts read "1 day" / "2 days", and a run
//! that fails leaves the previous output in place.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

use clap::error::ErrorKind;
use luca_examples::{OutputDir, WalkthroughArgs, plural};

fn parse(args: &[&str]) -> Result<WalkthroughArgs, clap::Error> {
    WalkthroughArgs::try_parse_checked(std::iter::once("walkthrough").chain(args.iter().copied()))
}

#[test]
fn help_is_help_not_an_error() {
    let e = parse(&["--help"]).expect_err("--help stops parsing");
    assert_eq!(e.kind(), ErrorKind::DisplayHelp);
    assert_eq!(e.exit_code(), 0);
    let text = e.to_string();
    for flag in [
        "--seed",
        "--guests",
        "--badges",
        "--no-app",
        "--venues",
        "--offices",
        "--committee",
        "--threshold",
        "--days",
        "--out",
    ] {
        assert!(text.contains(flag), "help lists {flag}");
    }
    assert!(text.contains("[env: LUCA_SEED=]"), "help names the environment variables");
}

#[test]
fn unknown_option_is_named() {
    let e = parse(&["--bogus"]).expect_err("unknown");
    assert_eq!(e.kind(), ErrorKind::UnknownArgument);
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().contains("--bogus"));
}

#[test]
fn missing_and_bad_values_say_which_option() {
    let e = parse(&["--guests"]).expect_err("no value");
    assert_eq!(e.kind(), ErrorKind::InvalidValue);
    assert!(e.to_string().contains("--guests"));
    let e = parse(&["--days", "15"]).expect_err("out of range");
    assert_eq!(e.kind(), ErrorKind::ValueValidation);
    assert!(e.to_string().contains("--days"));
    let e = parse(&["--offices", "1"]).expect_err("fewer offices than the default committee of 5");
    assert_eq!(e.kind(), ErrorKind::ValueValidation);
    let e = parse(&["--seed", "x"]).expect_err("not a number");
    assert_eq!(e.kind(), ErrorKind::ValueValidation);
}

#[test]
fn defaults_and_flags() {
    // The defaults are the documented ones (the LUCA_* variables are not set in the test harness).
    let a = parse(&[]).expect("defaults");
    assert_eq!(
        (a.seed, a.guests, a.badges, a.no_app, a.venues, a.offices, a.committee, a.threshold, a.days, a.out.clone()),
        (2026, 300, 12, 20, 10, 5, 5, 3, 14, None)
    );
    let a = parse(&["--seed", "7", "--days", "1", "--no-app", "0", "--out", "/tmp/x"]).expect("flags");
    assert_eq!((a.seed, a.days, a.no_app), (7, 1, 0));
    assert_eq!(a.out_dir(), std::path::PathBuf::from("/tmp/x"));
}

#[test]
fn default_output_is_under_the_target_directory_not_the_current_one() {
    let a = parse(&[]).expect("defaults");
    let out = a.out_dir();
    assert!(out.ends_with("walkthrough"));
    assert!(out.is_absolute(), "independent of the current directory: {}", out.display());
}

#[test]
fn plurals() {
    assert_eq!(plural(0, "day"), "0 days");
    assert_eq!(plural(1, "day"), "1 day");
    assert_eq!(plural(2, "badge holder"), "2 badge holders");
    assert_eq!(plural(1, "badge holder"), "1 badge holder");
}

#[test]
fn a_failed_run_leaves_the_previous_output_in_place() {
    let root = std::env::temp_dir().join(format!("luca-walkthrough-out-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let target = root.join("walkthrough");

    // A successful run: its files appear only at commit.
    let out = OutputDir::create(&target).expect("staging");
    out.write("contacts.csv", "first run").expect("write");
    assert!(!target.exists(), "nothing is visible before the run succeeds");
    out.commit().expect("commit");
    assert_eq!(std::fs::read_to_string(target.join("contacts.csv")).expect("read"), "first run");

    // A failed run (dropped before commit): the first run's output is untouched, no staging left.
    let out = OutputDir::create(&target).expect("staging");
    out.write("contacts.csv", "half-written").expect("write");
    drop(out);
    assert_eq!(std::fs::read_to_string(target.join("contacts.csv")).expect("read"), "first run");
    assert!(!root.join("walkthrough.partial").exists());

    // A second successful run replaces the folder as a whole (no stale files from the first).
    std::fs::write(target.join("stale.svg"), "old").expect("write");
    let out = OutputDir::create(&target).expect("staging");
    out.write("contacts.csv", "second run").expect("write");
    assert!(out.write("../escape.txt", "x").is_err(), "plain file names only");
    out.commit().expect("commit");
    assert_eq!(std::fs::read_to_string(target.join("contacts.csv")).expect("read"), "second run");
    assert!(!target.join("stale.svg").exists());

    std::fs::remove_dir_all(&root).expect("clean up");
}

#[test]
fn committee_and_threshold_flags() {
    let a = parse(&["--committee", "7", "--threshold", "4", "--offices", "9"]).expect("flags");
    assert_eq!((a.offices, a.committee, a.threshold), (9, 7, 4));
    // t = 1: any single office opens (the old behaviour, explicit); t = n: every member is needed.
    let a = parse(&["--threshold", "1"]).expect("t = 1");
    assert_eq!((a.committee, a.threshold), (5, 1));
    let a = parse(&["--threshold", "5"]).expect("t = n");
    assert_eq!(a.threshold, 5);
    let a = parse(&["--committee", "1", "--threshold", "1", "--offices", "1"]).expect("one office");
    assert_eq!((a.offices, a.committee, a.threshold), (1, 1, 1));
}

#[test]
fn threshold_zero_or_above_the_committee_is_rejected() {
    let e = parse(&["--threshold", "0"]).expect_err("t = 0");
    assert_eq!(e.kind(), ErrorKind::ValueValidation);
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().contains("--threshold"));
    let e = parse(&["--threshold", "6"]).expect_err("t above the default committee of 5");
    assert_eq!(e.kind(), ErrorKind::ValueValidation);
    assert_eq!(e.exit_code(), 2);
    assert!(e.to_string().contains("--threshold 6 is above --committee 5"));
    let e = parse(&["--committee", "3", "--threshold", "4"]).expect_err("t above n");
    assert_eq!(e.kind(), ErrorKind::ValueValidation);
    assert!(e.to_string().contains("--threshold 4 is above --committee 3"));
}

#[test]
fn committee_bounds_and_offices_below_the_committee_are_rejected() {
    let e = parse(&["--committee", "0"]).expect_err("n = 0");
    assert_eq!(e.kind(), ErrorKind::ValueValidation);
    assert!(e.to_string().contains("--committee"));
    let e = parse(&["--committee", "257", "--offices", "300"]).expect_err("n above 256");
    assert_eq!(e.kind(), ErrorKind::ValueValidation);
    let e = parse(&["--committee", "6"]).expect_err("more members than the 5 default offices");
    assert_eq!(e.kind(), ErrorKind::ValueValidation);
    assert!(e.to_string().contains("--offices 5 is below --committee 6"));
    let e = parse(&["--offices", "0"]).expect_err("no office");
    assert_eq!(e.kind(), ErrorKind::ValueValidation);
}

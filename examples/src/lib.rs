//! Shared helpers for the luca examples: the parties around each per-role example ([`town::Town`]),
//! the walkthrough's command line ([`WalkthroughArgs`]), its output folder, written atomically
//! ([`OutputDir`]), and [`plural`] for its report lines.
//!
//! The examples (`cargo run --example NAME`), one per role, each under 80 lines:
//!
//! | example | role | crate |
//! |---|---|---|
//! | `guest_app` | the guest's app: register, check in, check out, share the history, notifications, persist | `luca-client` |
//! | `scanner` | a venue's scanner: accept a guest's code, refuse a replayed and a stale one | `luca-venue` |
//! | `venue_owner` | register, print the QR, consent to a tracing request | `luca-venue` |
//! | `health_office` | fetch a history by TAN, trace, decrypt, export, notify | `luca-healthoffice` |
//! | `operator_server` | the server-side checks of every upload (docs/SERVER.md) | `luca-protocol` |
//! | `walkthrough` | the main job: everything above over two weeks with a key committee | all |
//!
//! ```
//! use clap::Parser;
//! use luca_examples::{WalkthroughArgs, plural};
//!
//! let args = WalkthroughArgs::try_parse_from(["walkthrough", "--days", "1"]).expect("valid");
//! assert_eq!(args.days, 1);
//! assert_eq!(plural(1, "day"), "1 day");
//! assert_eq!(plural(2, "day"), "2 days");
//! ```

pub mod town;

use std::io;
use std::path::{Path, PathBuf};

use clap::Parser;

/// The walkthrough's options. Every option can also be given in the environment variable named in
/// its help; a flag wins over the environment.
#[derive(Debug, Clone, PartialEq, Eq, Parser)]
#[command(
    name = "walkthrough",
    about = "The luca main job: guests, venues and health offices over up to two weeks, \
             with an in-memory operator server; ends with `traced contacts: X of Y co-present guests, Z wrong`",
    after_help = "Exit status: 0 when every co-present guest was traced and nobody else, 1 otherwise (the reason is printed), 2 on a bad option."
)]
pub struct WalkthroughArgs {
    /// Seed of the simulation's random generator (the run is reproducible for a given seed).
    #[arg(long, env = "LUCA_SEED", default_value_t = 2026)]
    pub seed: u64,
    /// Guests with the app (at least 2).
    #[arg(long, env = "LUCA_GUESTS", default_value_t = 300, value_parser = clap::value_parser!(u32).range(2..))]
    pub guests: u32,
    /// Guests with a badge instead of the app.
    #[arg(long, env = "LUCA_BADGES", default_value_t = 12)]
    pub badges: u32,
    /// Guests with neither app nor badge (one-off web check-in).
    #[arg(long = "no-app", env = "LUCA_NO_APP", default_value_t = 20)]
    pub no_app: u32,
    /// Venues (at least 1).
    #[arg(long, env = "LUCA_VENUES", default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub venues: u32,
    /// Health offices (at least `--committee`: the first `--committee` of them hold the daily keys).
    #[arg(long, env = "LUCA_OFFICES", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub offices: u32,
    /// Offices on the key committee of every daily key (1 to 256): they run its distributed key
    /// generation and each holds a share; no office holds the whole daily private key.
    #[arg(long, env = "LUCA_COMMITTEE", default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub committee: u16,
    /// Committee members it takes to open (1 to `--committee`): the tracing office and
    /// `threshold - 1` co-offices. `--threshold 1`: any single member opens alone.
    #[arg(long, env = "LUCA_THRESHOLD", default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..))]
    pub threshold: u16,
    /// Days simulated (1 to 14, the tracing window).
    #[arg(long, env = "LUCA_DAYS", default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=14))]
    pub days: u32,
    /// Folder for the QR codes and the export [default: `walkthrough` in the workspace's target directory].
    #[arg(long, env = "LUCA_OUT")]
    pub out: Option<PathBuf>,
}

impl WalkthroughArgs {
    /// [`Parser::try_parse_from`] and then [`validate`](Self::validate).
    ///
    /// # Errors
    /// Any parse error, or the [`validate`](Self::validate) error.
    pub fn try_parse_checked<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let args = Self::try_parse_from(args)?;
        args.validate()?;
        Ok(args)
    }

    /// Checks what one option alone cannot: `--threshold` at most `--committee`, and `--offices` at
    /// least `--committee`.
    ///
    /// # Errors
    /// A [`clap::error::ErrorKind::ValueValidation`] error naming the options.
    pub fn validate(&self) -> Result<(), clap::Error> {
        use clap::CommandFactory as _;
        let fail = |msg: String| Err(Self::command().error(clap::error::ErrorKind::ValueValidation, msg));
        if self.threshold > self.committee {
            return fail(format!(
                "--threshold {} is above --committee {}: a committee cannot need more members than it has",
                self.threshold, self.committee
            ));
        }
        if self.offices < u32::from(self.committee) {
            return fail(format!(
                "--offices {} is below --committee {}: the committee is made of the first offices",
                self.offices, self.committee
            ));
        }
        Ok(())
    }

    /// The output folder: `--out`, else `walkthrough` under the Cargo target directory
    /// (`CARGO_TARGET_DIR` if set, a relative one taken from the workspace root, else the workspace's
    /// `target/`), whatever the current directory.
    #[must_use]
    pub fn out_dir(&self) -> PathBuf {
        if let Some(out) = &self.out {
            return out.clone();
        }
        // This crate lives one level below the workspace root.
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let workspace = manifest.parent().unwrap_or(manifest);
        // A relative CARGO_TARGET_DIR is taken from the workspace root, not the current directory.
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| PathBuf::from("target"), PathBuf::from);
        workspace.join(target).join("walkthrough")
    }
}

/// `"1 day"`, `"2 days"`: a count with its noun, plural by adding `s` unless the count is 1.
#[must_use]
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 { format!("{n} {noun}") } else { format!("{n} {noun}s") }
}

/// An output folder written atomically: files go into a staging folder beside the final one, and
/// [`OutputDir::commit`] replaces the final folder with it. A run that fails before committing
/// leaves the previous output untouched (the staging folder is removed on drop).
#[derive(Debug)]
pub struct OutputDir {
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl OutputDir {
    /// Starts a fresh staging folder for `target` (`<target>.partial`, emptied if a crashed run
    /// left one).
    ///
    /// # Errors
    /// Any I/O error creating the staging folder.
    pub fn create(target: impl Into<PathBuf>) -> io::Result<Self> {
        let target = target.into();
        let mut name = target.file_name().unwrap_or(target.as_os_str()).to_os_string();
        name.push(".partial");
        let staging = target.with_file_name(name);
        if staging.exists() {
            std::fs::remove_dir_all(&staging)?;
        }
        std::fs::create_dir_all(&staging)?;
        Ok(Self { staging, target, committed: false })
    }

    /// The folder the output will end up in.
    #[must_use]
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes one file (a plain name, no folders) into the staging folder.
    ///
    /// # Errors
    /// A name that is not a plain file name, or any I/O error.
    pub fn write(&self, name: &str, contents: &str) -> io::Result<()> {
        let plain = Path::new(name).file_name().is_some_and(|f| f == name);
        if !plain {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "output file names have no folders"));
        }
        std::fs::write(self.staging.join(name), contents)
    }

    /// Replaces the target folder with everything written so far.
    ///
    /// # Errors
    /// Any I/O error removing the old folder or renaming the staging folder.
    pub fn commit(mut self) -> io::Result<PathBuf> {
        if self.target.exists() {
            std::fs::remove_dir_all(&self.target)?;
        }
        std::fs::rename(&self.staging, &self.target)?;
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            // Best effort: a leftover staging folder is emptied by the next run anyway.
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

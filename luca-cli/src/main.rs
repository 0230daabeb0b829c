//! `luca`: the command-line tool for auditors, operators and integrators of the luca protocol.
//!
//! Every subcommand is a thin layer over the public API of `luca-protocol` (and `luca-conformance` for the
//! test vectors): it reads input, calls the library, prints the result. No protocol rule is implemented here.
//!
//! Exit status: 0 success; 1 a check failed (a rejected code or message, a failed vector, a failed
//! verification or opening); 2 bad usage or unreadable input.
#![forbid(unsafe_code)]

mod cbor_diag;
mod decode;
mod image_read;
mod input;
mod inspect;
mod open;
mod output;
mod qr;
mod vectors;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The three exit statuses of `luca`.
pub(crate) const EXIT_STATUS_HELP: &str = "Exit status: 0 success; 1 a check failed (a rejected code or message, a \
failed test vector, a failed verification or opening); 2 bad usage or unreadable input.";

/// luca: look inside what the luca protocol (version 1) produces.
///
/// Every command prints a human-readable report, or with --json one JSON document on standard output
/// whose field names are those of docs/PROTOCOL.md. Errors are one line on standard error; they never
/// contain keys, secrets or decrypted personal data.
#[derive(Parser, Debug)]
#[command(name = "luca", version, after_help = EXIT_STATUS_HELP, disable_help_subcommand = true)]
struct Cli {
    /// Print one JSON document instead of the human-readable report.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Inspect a scanned text: guest check-in QR, badge QR, venue QR / URL or TAN.
    ///
    /// Reads TEXT (or standard input for `-` or no TEXT; or the QR code in a PNG, JPEG or luca-rendered
    /// SVG with --image), says which kind of code it is, prints every field and checks what can be checked
    /// without private keys: checksum, lengths, points on the curve, and signatures when --trust-anchor
    /// (and for a badge --registrar) are given. A rejected code is reported with its error kind and the
    /// section of docs/PROTOCOL.md that rejects it, with exit status 1.
    #[command(after_help = EXIT_STATUS_HELP)]
    Inspect(inspect::Args),
    /// Decode a v1 message or signed object: every field, the CBOR, the COSE header.
    ///
    /// Reads FILE (or standard input for `-` or no FILE) as raw bytes, hex or base64 (detected, or
    /// --input), detects the message type (or --as NAME), prints every field by its docs/PROTOCOL.md
    /// name, the CBOR in diagnostic notation, the COSE_Sign1 header of signed objects, and the result of
    /// verification when --trust-anchor (with --registrar or --health-office where the object needs
    /// them) is given.
    #[command(after_help = EXIT_STATUS_HELP)]
    Decode(decode::Args),
    /// Open (decrypt) a guest QR, inner record, badge attestation, history share, check-in record or
    /// additional data with a private key read from a file or standard input.
    ///
    /// Keys are never taken from the command line (process lists and shell history leak it). A key file
    /// holds the library's own export of the key (`to_bytes()`: the 32-byte P-256 scalar), either as the 32
    /// raw bytes or as 64 hexadecimal digits (whitespace and a final newline are ignored). `--key -` reads
    /// the key from standard input. Prints what the layer holds (user id, data secret, inner record, ...).
    #[command(after_help = EXIT_STATUS_HELP)]
    Open(open::Args),
    /// Test vectors.
    #[command(subcommand, after_help = EXIT_STATUS_HELP)]
    Vectors(vectors::Command),
    /// QR codes.
    #[command(subcommand, after_help = EXIT_STATUS_HELP)]
    Qr(qr::Command),
}

/// How a command failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// A check failed (exit 1): the message is the one-line reason.
    Check(String),
    /// Bad usage or unreadable input (exit 2).
    Usage(String),
}

impl Failure {
    fn exit_code(&self) -> u8 {
        match self {
            Self::Check(_) => 1,
            Self::Usage(_) => 2,
        }
    }

    fn message(&self) -> &str {
        match self {
            Self::Check(m) | Self::Usage(m) => m,
        }
    }
}

/// The current time in Unix seconds (the default of every `--now`).
pub(crate) fn system_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// What a command produced: the report (already printed) and whether every check passed.
pub(crate) type Outcome = Result<(), Failure>;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                // Help and version go to standard output with status 0.
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                let _ = e.print();
                return ExitCode::from(2);
            }
            // One line: clap's first line, without its usage block.
            let rendered = e.render().to_string();
            let first = rendered.lines().next().unwrap_or("invalid arguments");
            let first = first.strip_prefix("error: ").unwrap_or(first);
            eprintln!("luca: {first} (see luca --help)");
            return ExitCode::from(2);
        }
    };
    let out = output::Printer { json: cli.json };
    let result = match cli.command {
        Command::Inspect(a) => inspect::run(&a, &out),
        Command::Decode(a) => decode::run(&a, &out),
        Command::Open(a) => open::run(&a, &out),
        Command::Vectors(c) => vectors::run(&c, &out),
        Command::Qr(c) => qr::run(&c, &out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("luca: {}", f.message());
            ExitCode::from(f.exit_code())
        }
    }
}

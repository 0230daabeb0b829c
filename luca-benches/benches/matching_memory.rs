//! Memory of streaming matching: one history's trace-id index against N = 10^4, 10^5 and 10^6 stored check-in
//! records produced lazily, each N in its own process so that the peak RSS is per N.
//!
//! `cargo bench -p luca-benches --bench matching_memory` runs every N (and, for contrast, the same records
//! first collected into a `Vec`, as a non-streaming caller would hold them); `… -- --records=1000000` runs one N
//! streamed, `… -- --records=1000000 --collected` one N collected. Prints N, the matching time, the matches and the peak resident set
//! size (`VmHWM` of /proc/self/status; "n/a" elsewhere) after building the fixture and after matching. Threads:
//! rayon's global pool (`RAYON_NUM_THREADS`, default one per core).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::cast_possible_truncation,
    clippy::print_stdout,
    missing_docs
)]

mod common;

use std::process::Command;
use std::time::Instant;

use common::*;
use luca_healthoffice::TraceIdIndex;

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

/// Peak resident set size of this process, from `VmHWM` in /proc/self/status.
fn peak_rss() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l["VmHWM:".len()..].trim().to_owned()))
        .unwrap_or_else(|| "n/a".to_owned())
}

fn run(n: usize, collected: bool) {
    let fx = matching_fixture(2);
    let index = TraceIdIndex::of_history(&fx.history);
    let before = peak_rss();
    let start = Instant::now();
    let matches = if collected {
        let records: Vec<Vec<u8>> = RecordStream::new(&fx, n).collect();
        index.match_records(&records)
    } else {
        index.match_records(RecordStream::new(&fx, n))
    };
    let elapsed = start.elapsed();
    assert_eq!(matches, fx.expected);
    // The generator alone (serial, on this thread): part of the time above, not of the matcher.
    let start = Instant::now();
    let bytes: usize = RecordStream::new(&fx, n).map(|r| r.len()).sum();
    let generate = start.elapsed();
    assert!(bytes > n);
    println!(
        "{:<9} N = {n:>9}  time {:>9.1} ms ({:>5.2} µs/record, {} threads, {BACKEND}; generating the records alone \
         {:.1} ms)  matches {}  peak RSS: {before} before matching, {} after",
        if collected { "collected" } else { "streamed" },
        elapsed.as_secs_f64() * 1e3,
        elapsed.as_secs_f64() * 1e6 / n as f64,
        rayon::current_num_threads(),
        generate.as_secs_f64() * 1e3,
        matches.len(),
        peak_rss(),
    );
}

fn main() {
    // Only `--records=N` and `--collected` are read: `cargo bench` adds `--bench`, and
    // `cargo bench --workspace -- --warm-up-time 1 …` passes criterion's flags and their values, all ignored.
    let args: Vec<String> = std::env::args().skip(1).collect();
    let collected = args.iter().any(|a| a == "--collected");
    match args.iter().find_map(|a| a.strip_prefix("--records=")).and_then(|v| v.parse::<usize>().ok()) {
        Some(n) => run(n, collected),
        None => {
            let exe = std::env::current_exe().unwrap();
            for mode in ["--streamed", "--collected"] {
                for n in SIZES {
                    let status = Command::new(&exe).arg(format!("--records={n}")).arg(mode).status().unwrap();
                    assert!(status.success(), "N = {n} ({mode}): {status}");
                }
            }
        }
    }
}

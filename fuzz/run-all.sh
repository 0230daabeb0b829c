#!/usr/bin/env bash
# Runs every fuzz target of fuzz/Cargo.toml (or the TARGETs named) for SECONDS seconds each, JOBS targets at a
# time (one per core), on the stable toolchain (see README.md), built with SANITIZER (default none; address
# works too). Each target's working corpus is WORK/corpus/<target> (new inputs go there; the committed seeds in
# fuzz/corpus/<target> are read, never written); logs go to WORK/logs/<target>.log, crashes to
# fuzz/artifacts/<target>/.
#
#   fuzz/run-all.sh [SECONDS] [JOBS] [WORK] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-120}
jobs=${2:-2}
work=${3:-/tmp/luca-fuzz}
shift $(( $# < 3 ? $# : 3 ))
export RUSTC_BOOTSTRAP=1
sanitizer=${SANITIZER:-none}
cargo +stable fuzz build --sanitizer "$sanitizer"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo +stable fuzz list)
fi
mkdir -p "$work/logs"
for t in "${targets[@]}"; do mkdir -p "$work/corpus/$t"; done
export seconds work sanitizer
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} sh -c \
    'cargo +stable fuzz run --sanitizer "$sanitizer" {} "$work/corpus/{}" "corpus/{}" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1 > "$work/logs/{}.log" 2>&1;
     echo "{}: exit $? $(grep -E "^#[0-9]+.*(DONE|cov:)" "$work/logs/{}.log" | tail -1)"'

#!/usr/bin/env bash
# End-to-end test of luca-ffi through its Python bindings:
#   1. builds the library (cdylib) and the crate's uniffi-bindgen,
#   2. generates the Python module in library mode,
#   3. runs test_flow.py against it.
#
# Usage: bash luca-ffi/tests/python/run.sh            (debug build, shares CI's dev artifacts)
#        LUCA_FFI_PROFILE=release bash luca-ffi/tests/python/run.sh
# Needs only cargo and python3 (3.8+, standard library only).
set -euo pipefail
cd "$(dirname "$0")/../../.."

profile=${LUCA_FFI_PROFILE:-debug}
case "$profile" in
    debug) build_flags=() ;;
    release) build_flags=(--release) ;;
    *) echo "LUCA_FFI_PROFILE must be debug or release, not $profile" >&2; exit 2 ;;
esac
case "$(uname -s)" in
    Darwin) libname=libluca_ffi.dylib ;;
    *) libname=libluca_ffi.so ;;
esac

python=${PYTHON:-python3}
command -v "$python" >/dev/null || { echo "run.sh: $python not found" >&2; exit 2; }

echo "--- building luca-ffi ($profile) and uniffi-bindgen"
cargo build -p luca-ffi --features cli --locked ${build_flags[@]+"${build_flags[@]}"}

target_dir=${CARGO_TARGET_DIR:-target}
lib="$target_dir/$profile/$libname"
bindgen="$target_dir/$profile/uniffi-bindgen"
out="$target_dir/luca-ffi-python"
rm -rf "$out"
mkdir -p "$out"

echo "--- generating the Python bindings into $out"
"$bindgen" generate --library "$lib" --language python --out-dir "$out"
test -s "$out/luca_ffi.py"
# The generated module loads the library from its own directory.
cp "$lib" "$out/"

echo "--- running test_flow.py"
PYTHONPATH="$out" PYTHONDONTWRITEBYTECODE=1 "$python" luca-ffi/tests/python/test_flow.py

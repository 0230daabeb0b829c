#!/usr/bin/env bash
# End-to-end test of luca-ffi through its Kotlin bindings on the JVM (the Kotlin twin of
# luca-ffi/tests/python/run.sh):
#   1. builds the library (cdylib) and the crate's uniffi-bindgen,
#   2. generates the Kotlin bindings (package org.luca.ffi) in library mode,
#   3. compiles them with Flow.kt (kotlinc, against JNA) into one jar with the Kotlin runtime,
#   4. runs the flow on the JVM against the library.
#
# Usage: bash luca-ffi/tests/kotlin/run.sh            (debug build, shares CI's dev artifacts)
#        LUCA_FFI_PROFILE=release bash luca-ffi/tests/kotlin/run.sh
# Needs cargo, a JDK (java, 11+) and:
#   - kotlinc: the one on PATH, else the npm package kotlin-compiler (KOTLIN_VERSION, default
#     2.4.20), installed once into target/luca-ffi-kotlin/npm (about 95 MB; needs npm and the npm
#     registry, and downloads about 90 MB) and reused by later runs;
#   - JNA (the generated code calls the library through com.sun.jna): JNA_JAR, default
#     /usr/share/java/jna.jar; when that is missing, Debian's libjna-java is installed with apt-get
#     (sudo when not root).
# The generated bindings have no async functions, so kotlinx-coroutines is not needed.
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

command -v java >/dev/null || { echo "run.sh: java not found" >&2; exit 2; }

target_dir=${CARGO_TARGET_DIR:-target}
lib="$target_dir/$profile/$libname"
bindgen="$target_dir/$profile/uniffi-bindgen"
cache="$target_dir/luca-ffi-kotlin"   # kept between runs: the npm-installed compiler
out="$cache/$profile"                 # rebuilt on every run
kotlin_version=${KOTLIN_VERSION:-2.4.20}

echo "--- building luca-ffi ($profile) and uniffi-bindgen"
cargo build -p luca-ffi --features cli --locked ${build_flags[@]+"${build_flags[@]}"}

echo "--- looking for kotlinc"
if command -v kotlinc >/dev/null; then
    kotlinc=$(command -v kotlinc)
else
    kotlinc="$cache/npm/node_modules/kotlin-compiler/bin/kotlinc"
    installed=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$cache/npm/node_modules/kotlin-compiler/package.json" 2>/dev/null || true)
    if [ "$installed" != "$kotlin_version" ] || [ ! -x "$kotlinc" ]; then
        command -v npm >/dev/null || { echo "run.sh: neither kotlinc nor npm found" >&2; exit 2; }
        echo "installing kotlin-compiler@$kotlin_version from npm into $cache/npm"
        # npm's download cache goes next to the install and is dropped after it (it would hold the
        # ~90 MB tarball a second time).
        npm install --prefix "$cache/npm" --cache "$cache/npm-download" "kotlin-compiler@$kotlin_version" \
            --no-audit --no-fund --loglevel=error
        rm -rf "$cache/npm-download"
    fi
    test -x "$kotlinc" || { echo "run.sh: no kotlinc in the npm package kotlin-compiler" >&2; exit 2; }
fi
echo "$kotlinc"

jna=${JNA_JAR:-/usr/share/java/jna.jar}
if [ ! -f "$jna" ] && [ -z "${JNA_JAR:-}" ]; then
    echo "--- installing JNA (Debian libjna-java)"
    command -v apt-get >/dev/null || { echo "run.sh: $jna missing and no apt-get; set JNA_JAR" >&2; exit 2; }
    sudo=
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libjna-java \
        || { $sudo apt-get update && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libjna-java; }
fi
test -f "$jna" || { echo "run.sh: JNA jar $jna not found" >&2; exit 2; }

rm -rf "$out"
mkdir -p "$out"
echo "--- generating the Kotlin bindings into $out/bindings"
"$bindgen" generate --library "$lib" --language kotlin --no-format --out-dir "$out/bindings"
kt="$out/bindings/org/luca/ffi/luca_ffi.kt"
test -s "$kt"
if grep -q 'kotlinx\.coroutines' "$kt"; then
    echo "run.sh: the bindings now need kotlinx-coroutines (async functions); add it to the classpath" >&2
    exit 2
fi

echo "--- compiling the bindings and Flow.kt ($("$kotlinc" -version 2>&1 | tail -n 1))"
JAVA_OPTS=${JAVA_OPTS:--Xmx1536M -Xms256M} "$kotlinc" -nowarn -jvm-target 11 -cp "$jna" \
    -include-runtime -d "$out/flow.jar" "$kt" luca-ffi/tests/kotlin/Flow.kt

echo "--- running the flow on the JVM"
# The bindings load the library by name (luca_ffi) through JNA's search path.
java -Djna.library.path="$(dirname "$lib")" -cp "$out/flow.jar:$jna" FlowKt

#!/usr/bin/env python3
"""Markdown tables for docs/PERFORMANCE.md from criterion's output and `openssl speed`.

Usage: perf_tables.py RUSTCRYPTO_LOG AWSLC_LOG OPENSSL_LOG
(the logs of `cargo bench -p luca-protocol --bench protocol [--features aws-lc] -- ...` and of
`openssl speed -seconds 3 ecdhp256 ecdsap256`). Figures are criterion's point estimates (the middle value of `time:`).
"""

import re
import sys

UNITS = {"ps": 1e-3, "ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}


def criterion(path):
    """{benchmark id: nanoseconds per iteration}."""
    out, name = {}, None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.match(r"^(\S+)\s+time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", line)
        if m:
            out[m.group(1)] = float(m.group(2)) * UNITS[m.group(3)]
            continue
        m = re.match(r"^\s+time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", line)
        if m and name:
            out[name] = float(m.group(1)) * UNITS[m.group(2)]
            continue
        if line and not line[0].isspace() and not line.startswith(("Benchmarking", "Found", "Warning")):
            name = line.split()[0]
    return out


def openssl(path):
    """{'ecdh': ops/s, 'sign': ops/s, 'verify': ops/s} from the summary table of `openssl speed`."""
    text = open(path, encoding="utf-8").read()
    res = {}
    m = re.search(r"256 bits ecdsa \(nistp256\)\s+([\d.]+)s\s+([\d.]+)s\s+([\d.]+)\s+([\d.]+)", text)
    if m:
        res["sign"], res["verify"] = float(m.group(3)), float(m.group(4))
    m = re.search(r"256 bits ecdh \(nistp256\)\s+([\d.]+)s\s+([\d.]+)", text)
    if m:
        res["ecdh"] = float(m.group(2))
    return res


def fmt_t(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def ops(ns):
    return f"{1e9 / ns:,.0f}/s"


def row(cells):
    return "| " + " | ".join(cells) + " |"


def table(title, header, rows):
    print(f"\n#### {title}\n")
    print(row(header))
    print(row(["---"] * len(header)))
    for r in rows:
        print(row(r))


def main():
    rc, aws, ossl = criterion(sys.argv[1]), criterion(sys.argv[2]), openssl(sys.argv[3])
    runs = {"rustcrypto": rc, "aws-lc": aws}
    p = lambda run, lib, op: runs[run].get(f"primitive/{lib}/{op}")  # noqa: E731

    # Bare primitives, both libraries and OpenSSL.
    rows = []
    for op, label in [
        ("ecdh_p256", "ECDH P-256"),
        ("ecdh_p256_incl_key_parse", "KEM: scalar → public point + ECDH (AWS-LC parses the scalar and computes the point)"),
        ("ecdh_p256_incl_public_key", "KEM: scalar → public point + ECDH (RustCrypto)"),
        ("p256_decompress_point", "P-256 point decompression (RustCrypto, both backends)"),
        ("ecdsa_p256_verify", "ECDSA P-256 verify"),
        ("ecdsa_p256_sign", "ECDSA P-256 sign (RFC 6979)"),
        ("ecdsa_p256_sign_random_nonce", "ECDSA P-256 sign (random nonce)"),
        ("hmac_sha256_64B", "HMAC-SHA256, 64 B, incl. key setup"),
        ("sha256_64B", "SHA-256, 64 B"),
        ("aes128gcm_seal_112B", "AES-128-GCM seal, 112 B, incl. key setup"),
        ("aes128gcm_open_112B", "AES-128-GCM open, 112 B, incl. key setup"),
        ("hpke_seal_112B", "HPKE seal, 112 B (`hpke` crate)"),
        ("hpke_open_112B", "HPKE open, 112 B (`hpke` crate)"),
    ]:
        a, b = p("rustcrypto", "rustcrypto", op), p("aws-lc", "aws-lc", op)
        o = {"ecdh_p256": ossl.get("ecdh"), "ecdsa_p256_verify": ossl.get("verify")}.get(op)
        o = o or ({"ecdsa_p256_sign_random_nonce": ossl.get("sign")}.get(op))
        rows.append(
            [
                label,
                f"{fmt_t(a)} ({ops(a)})" if a else "–",
                f"{fmt_t(b)} ({ops(b)})" if b else "–",
                f"{o:,.0f}/s" if o else "–",
                f"{a / b:.2f}" if a and b else "–",
            ]
        )
    table(
        "Bare primitives",
        ["primitive", "RustCrypto", "AWS-LC (`aws-lc-rs`)", "`openssl speed`", "RustCrypto time / AWS-LC time"],
        rows,
    )

    for run, r in runs.items():
        lib = run
        bare_hpke_seal = p(run, "rustcrypto", "hpke_seal_112B")
        hmac, sha = p(run, lib, "hmac_sha256_64B"), p(run, lib, "sha256_64B")
        # One HPKE setup (either side) = scalar -> public point + one ECDH, plus HKDF and the AEAD.
        kem = p(run, lib, "ecdh_p256_incl_key_parse") or p(run, lib, "ecdh_p256_incl_public_key")
        gcm_open = p(run, lib, "aes128gcm_open_112B")
        gcm_seal = p(run, lib, "aes128gcm_seal_112B")
        rows = []

        def add(label, ours, bare_label, bare):
            rows.append([label, f"{fmt_t(ours)} ({ops(ours)})", bare_label, fmt_t(bare), f"{bare / ours:.2f}"])

        comp, cry = r[f"guest_qr/complete/{run}"], r[f"guest_qr/crypto_only/{run}"]
        add("guest QR complete (trace id, seal, Base32, matrix, SVG)", comp, "its own crypto (trace id + seal)", cry)
        add("guest QR, crypto only (trace id + seal)", cry, "HMAC + 2 SHA-256 + KEM + AES-GCM seal", hmac + 2 * sha + kem + gcm_seal)
        add("guest QR, crypto only (trace id + seal)", cry, "HMAC + 2 SHA-256 + `hpke` crate seal (RustCrypto)", hmac + 2 * sha + bare_hpke_seal)
        sc = r[f"scanner_checkin/{run}"]
        add("scanner: decode + checks + outer seal, per check-in", sc, "KEM + AES-GCM seal", kem + gcm_seal)
        tr = r[f"trace_ids_14_days/{run}"]
        add("trace ids, 14-day history (20,160 ids)", tr, "20,160 × (HMAC + SHA-256)", 20160 * (hmac + sha))
        two = r[f"two_layer_decrypt/per_record/{run}"]
        add("two-layer decrypt per record (venue outer + HO inner)", two, "2 × (KEM + AES-GCM open)", 2 * (kem + gcm_open))
        add("two-layer decrypt per record", two, "2 × `hpke` crate open (RustCrypto)", 2 * p(run, "rustcrypto", "hpke_open_112B"))
        outer = r[f"two_layer_decrypt/outer_only/{run}"]
        add("venue outer open per record", outer, "KEM + AES-GCM open", kem + gcm_open)
        sv = r[f"server_validate_checkin_record/{run}"]
        add("server: validate a check-in record (decode, freshness)", sv, "SHA-256, 64 B (for scale; no crypto here)", sha)
        table(
            f"Protocol operations, `{run}` backend",
            ["operation", "this project", "bare primitives (same run)", "bare cost", "ratio (bare / ours; 1 = no overhead)"],
            rows,
        )

    print("\n#### QR rendering (backend-independent)\n")
    print(row(["step", "RustCrypto run", "AWS-LC run"]))
    print(row(["---"] * 3))
    for k in ["guest_qr/qr_matrix", "guest_qr/svg"]:
        print(row([k, fmt_t(rc[k]), fmt_t(aws[k])]))


if __name__ == "__main__":
    main()

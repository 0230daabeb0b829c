#!/usr/bin/env python3
"""Markdown tables for docs/PERFORMANCE.md from criterion's output and `openssl speed`.

Usage: perf_tables.py RUSTCRYPTO_LOG AWSLC_LOG OPENSSL_LOG

The logs are those of
    cargo bench --workspace --locked -- --warm-up-time 1 --measurement-time 3
    cargo bench --workspace --locked --features luca-protocol/aws-lc -- --warm-up-time 1 --measurement-time 3
    openssl speed -seconds 3 ecdhp256 ecdsap256
Figures are criterion's point estimates (the middle value of `time:`). Every ratio compares figures of the same
log, i.e. of one `cargo bench` run.
"""

import re
import sys

UNITS = {"ps": 1e-3, "ns": 1.0, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}
HISTORY_MINUTES = 20_160
CONSENT_PROTOCOL = 64  # entries per response in luca-protocol's health_office_record bench
CONSENT_ROLE = 256  # entries per response in luca-healthoffice's consent_record bench
VENUE_CONSENT = 64  # stored check-ins per answer in luca-venue's consent bench


def criterion(path):
    """{benchmark id: nanoseconds per iteration}, and the matching_memory lines."""
    out, name, memory = {}, None, []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith(("streamed", "collected")) and "peak RSS" in line:
            memory.append(line)
            continue
        m = re.match(r"^(\S+)\s+time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", line)
        if m:
            out[m.group(1)] = float(m.group(2)) * UNITS[m.group(3)]
            continue
        m = re.match(r"^\s+time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", line)
        if m and name:
            out[name] = float(m.group(1)) * UNITS[m.group(2)]
            continue
        if line and not line[0].isspace() and not line.startswith(
            ("Benchmarking", "Found", "Warning", "Running", "Gnuplot", "Compiling", "Finished")
        ):
            name = line.split()[0]
    return out, memory


def paired(path):
    """The line `paired/health_office_record/aws-lc: ...` of the protocol bench (aws-lc run), as a dict."""
    for line in open(path, encoding="utf-8"):
        if line.startswith("paired/health_office_record/aws-lc:"):
            nums = [float(x) for x in re.findall(r"\d+\.\d+", line.split(":", 1)[1])]
            keys = ["ours", "iso", "var", "r_iso", "r_iso_p10", "r_iso_p90", "r_var", "r_var_p10", "r_var_p90"]
            m = re.search(r"rounds (\d+)", line)
            return dict(zip(keys, nums), rounds=int(m.group(1)) if m else None, line=line.strip())
    return None


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
    if ns is None:
        return "–"
    if ns >= 1e9:
        return f"{ns / 1e9:.2f} s"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def ops(ns):
    return f"{1e9 / ns:,.0f}/s"


def t_ops(ns):
    return f"{fmt_t(ns)} ({ops(ns)})" if ns else "–"


def row(cells):
    return "| " + " | ".join(cells) + " |"


def table(title, header, rows):
    print(f"\n#### {title}\n")
    print(row(header))
    print(row(["---"] * len(header)))
    for r in rows:
        print(row(r))


def main():
    (rc, rc_mem), (aws, aws_mem), ossl = criterion(sys.argv[1]), criterion(sys.argv[2]), openssl(sys.argv[3])
    pair = paired(sys.argv[2])
    runs = {"rustcrypto": rc, "aws-lc": aws}

    def p(run, lib, op):
        return runs[run].get(f"primitive/{lib}/{op}")

    # ------------------------------------------------------------------ bare primitives
    rows = []
    for op, label in [
        ("ecdh_p256", "ECDH P-256 (parsed private key, peer point parsed and checked)"),
        ("ecdh_p256_incl_key_parse", "KEM sender: scalar → public point + ECDH (AWS-LC)"),
        ("ecdh_p256_incl_public_key", "KEM sender: scalar → public point + ECDH (RustCrypto)"),
        ("p256_decompress_point", "P-256 point decompression (`p256`, both backends)"),
        ("p256_parse_uncompressed_point", "P-256 uncompressed point parsed and checked (`p256`, both backends)"),
        ("p256_serialize_uncompressed_point", "P-256 point to uncompressed bytes (`p256`, both backends)"),
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
        rows.append([label, t_ops(a), t_ops(b), f"{o:,.0f}/s" if o else "–", f"{a / b:.2f}" if a and b else "–"])
    varied = p("aws-lc", "aws-lc", f"ho_record_primitives_{CONSENT_PROTOCOL}")
    same = p("aws-lc", "aws-lc", f"ho_record_primitives_{CONSENT_PROTOCOL}_same_input")
    for label, t in [
        (f"HO record's primitives (2 × ECDH + AES-GCM open + ECDSA verify) over {CONSENT_PROTOCOL} varied records, "
         "per record", varied),
        (f"the same over {CONSENT_PROTOCOL} copies of one record, per record", same),
    ]:
        rows.append([label, "–", t_ops(t / CONSENT_PROTOCOL) if t else "–", "–", "–"])
    table(
        "Bare primitives",
        ["primitive", "RustCrypto (`rustcrypto` run)", "AWS-LC (`aws-lc` run)", "`openssl speed`", "RustCrypto / AWS-LC time"],
        rows,
    )

    # ------------------------------------------------------------------ protocol operations
    targets = {}
    for run, r in runs.items():
        lib = run
        # What each backend calls: P-256 and AES-GCM from its own library; SHA-256, HMAC, HKDF from RustCrypto.
        hmac, sha = p(run, "rustcrypto", "hmac_sha256_64B"), p(run, "rustcrypto", "sha256_64B")
        ecdh = p(run, lib, "ecdh_p256")
        kem_s = p(run, lib, "ecdh_p256_incl_key_parse") or p(run, lib, "ecdh_p256_incl_public_key")
        verify = p(run, lib, "ecdsa_p256_verify")
        gcm_open, gcm_seal = p(run, lib, "aes128gcm_open_112B"), p(run, lib, "aes128gcm_seal_112B")
        rows = []

        def add(label, ours, bare_label, bare):
            if ours is None or bare is None:
                rows.append([label, t_ops(ours), bare_label, fmt_t(bare), "–"])
                return None
            rows.append([label, t_ops(ours), bare_label, fmt_t(bare), f"{bare / ours:.2f}"])
            return bare / ours

        comp, cry = r.get(f"guest_qr/complete/{run}"), r.get(f"guest_qr/crypto_only/{run}")
        add("guest QR, crypto only (trace id + seal)", cry, "HMAC + 2 SHA-256 + KEM sender + AES-GCM seal",
            hmac + 2 * sha + kem_s + gcm_seal)
        q = add("guest QR complete (trace id, seal, Base32, matrix, SVG)", comp, "its own crypto (the row above)", cry)
        targets[f"guest_qr/{run}"] = (comp, cry, q)
        sc = r.get(f"scanner_checkin/{run}")
        add("scanner: decode + checks + outer seal, per check-in", sc, "KEM sender + AES-GCM seal", kem_s + gcm_seal)
        tr = r.get(f"trace_ids_14_days/{run}")
        t = add("trace ids, 14-day history (20,160 ids), one thread", tr, "20,160 × (HMAC + SHA-256), RustCrypto",
                HISTORY_MINUTES * (hmac + sha))
        targets[f"trace_ids/{run}"] = (tr, HISTORY_MINUTES * (hmac + sha), t)
        two = r.get(f"two_layer_decrypt/per_record/{run}")
        add("record store: venue outer open + HO inner open, per record", two,
            "2 × (ECDH + AES-GCM open)", 2 * (ecdh + gcm_open))
        hor = r.get(f"health_office_record/consent_{CONSENT_PROTOCOL}/{run}")
        hor = hor / CONSENT_PROTOCOL if hor else None
        strict = 2 * ecdh + gcm_open + verify
        h1 = add("**HO two-layer decrypt and verify, per record** (consent entry open, inner open, contact data "
                 "open + verify)", hor, "2 × ECDH + AES-GCM open + ECDSA verify (issue 5's list)", strict)
        h2 = add("the same", hor, "2 × ECDH + 3 × AES-GCM open + ECDSA verify (every AEAD it opens)",
                 strict + 2 * gcm_open)
        h3 = None
        if run == "aws-lc" and varied:
            h3 = add("the same", hor, f"2 × ECDH + AES-GCM open + ECDSA verify over {CONSENT_PROTOCOL} varied records "
                     "(`ho_record_primitives_64`)", varied / CONSENT_PROTOCOL)
        targets[f"ho_record/{run}"] = (hor, strict, h1, h2, h3)
        outer = r.get(f"two_layer_decrypt/outer_only/{run}")
        add("venue outer open per record (incl. decoding the inner guest QR)", outer, "ECDH + AES-GCM open",
            ecdh + gcm_open)
        table(
            f"Protocol operations (`luca-protocol`), `{run}` backend",
            ["operation", "this project", "bare primitives (same run)", "bare cost", "ratio (bare / ours; 1 = no overhead)"],
            rows,
        )

    # ------------------------------------------------------------------ server-side validation
    rows = []
    for msg, label, bare_label in [
        ("check_in_record", "check-in record (decode, freshness)", None),
        ("additional_data", "additional data (decode, binding to the record)", None),
        ("checkout", "checkout (decode, proof hashes to the trace id)", "SHA-256"),
        ("contact_data", "contact data at registration (decode, guest signature)", "ECDSA verify"),
        ("history_share", "history share (decode, time, daily key in use)", None),
        ("daily_key_announcement", "daily key announcement (decode, HO signature)", "ECDSA verify"),
        ("key_share", "key share (decode, bindings)", None),
        ("tracing_request", "tracing request (decode, HO signature)", "ECDSA verify"),
        ("consent_response_64", "consent response, 64 entries (decode, bindings)", None),
        ("notification_list_64", "notification list, 64 entries (decode, HO signature)", "ECDSA verify"),
    ]:
        cells = [label]
        for run, r in runs.items():
            t = r.get(f"server/{msg}/{run}")
            bare = {"ECDSA verify": p(run, run, "ecdsa_p256_verify"), "SHA-256": p(run, "rustcrypto", "sha256_64B")}.get(
                bare_label or "")
            cells.append(t_ops(t))
            cells.append(f"{bare / t:.2f} ({bare_label})" if t and bare else "no cryptography")
        rows.append(cells)
    table("Server-side validation, per message (`luca_protocol::server`)",
          ["message", "`rustcrypto`", "ratio to its primitive", "`aws-lc`", "ratio to its primitive"], rows)

    # ------------------------------------------------------------------ role crates
    rows = []
    for run, r in runs.items():
        gc, gs = r.get(f"guest_code/complete/{run}"), r.get(f"guest_code/crypto_and_state/{run}")
        rows.append([f"guest app: check-in code + SVG (`luca-client`)", run, t_ops(gc),
                     f"{gc / gs:.2f} × `check_in_code` alone ({fmt_t(gs)})" if gc and gs else "–"])
        sc = r.get(f"scanner/checkin/{run}")
        rows.append(["scanner: `Scanner::scan` per check-in (`luca-venue`)", run, t_ops(sc), "–"])
        vc = r.get(f"consent/record_{VENUE_CONSENT}/{run}")
        rows.append([f"venue consent: `answer_tracing_request`, per record ({VENUE_CONSENT} records)", run,
                     t_ops(vc / VENUE_CONSENT) if vc else "–", "outer open + re-seal to the HO"])
        for threads in (1, 2):
            c = r.get(f"consent_record/threads_{threads}/{run}")
            rows.append([f"HO: `open_consent_response` + `decrypt_contact`, per record ({CONSENT_ROLE} records), "
                         f"{threads} thread{'s' if threads > 1 else ''}", run, t_ops(c / CONSENT_ROLE) if c else "–", ""])
        c1, c2 = r.get(f"consent_record/threads_1/{run}"), r.get(f"consent_record/threads_2/{run}")
        targets[f"scaling/{run}"] = (c1, c2)
        rows[-1][3] = f"{c1 / c2:.2f} × the 1-thread throughput" if c1 and c2 else "–"
    table("Role crates", ["operation", "backend", "time per item (throughput)", "note"], rows)

    # ------------------------------------------------------------------ health office bulk work
    rows = []
    for run, r in runs.items():
        seq = r.get(f"trace_ids_14_days/sequential/threads_1/{run}")
        for threads in (1, 2):
            par = r.get(f"trace_ids_14_days/parallel/threads_{threads}/{run}")
            rows.append([f"trace ids, 14 days, parallel, {threads} thread{'s' if threads > 1 else ''}", run, t_ops(par),
                         f"{seq / par:.2f} × sequential ({fmt_t(seq)})" if seq and par else "–"])
    table("Health office: trace ids (`luca-healthoffice`)", ["operation", "backend", "time (histories/s)", "speed-up"], rows)

    rows = []
    for run, r in runs.items():
        for n in (10_000, 100_000, 1_000_000):
            t1, t2 = r.get(f"matching/records_{n}/threads_1/{run}"), r.get(f"matching/records_{n}/threads_2/{run}")
            rows.append([f"{n:,}", run, fmt_t(t1), f"{t1 / n:.0f} ns" if t1 else "–", fmt_t(t2),
                         f"{t2 / n:.0f} ns" if t2 else "–", f"{t1 / t2:.2f}" if t1 and t2 else "–"])
    table("Health office: matching one history's trace ids against N stored records",
          ["N records", "backend", "1 thread", "per record", "2 threads", "per record", "2-thread speed-up"], rows)

    if rc_mem or aws_mem:
        print("\n#### Matching memory (`matching_memory`, peak resident set size per process)\n")
        print("```")
        for line in rc_mem:
            print(line)
        print("```")

    rows = []
    for run, r in runs.items():
        for n in (10, 100, 400):
            t = r.get(f"daily_key_rotation/offices_{n}/{run}")
            rows.append([f"rotate daily key, share to {n - 1} other offices", run, fmt_t(t),
                         f"{t / (n - 1) / 1e3:.0f} µs per share" if t else "–"])
        t = r.get(f"daily_key_rotation/import_key_share/{run}")
        rows.append(["import one key share", run, fmt_t(t), ""])
    table("Health office: daily key rotation", ["operation", "backend", "time", "per office"], rows)

    rows = []
    for run, r in runs.items():
        for n in (1_000, 100_000):
            b = r.get(f"notification_list/build/entries_{n}/{run}")
            v = r.get(f"notification_list/verify/list_{n}/{run}")
            d = r.get(f"notification_list/device_match/list_{n}/{run}")
            rows.append([f"{n:,}", run, fmt_t(b), fmt_t(v), fmt_t(d)])
    table("Notification lists", ["entries", "backend", "HO: build and sign", "device: decode and verify",
                                 "device: match 140 check-ins"], rows)

    # ------------------------------------------------------------------ QR encoders
    rows = []
    for enc in ("qrcode", "qrcodegen"):
        rows.append([f"`{enc}`", fmt_t(rc.get(f"qr_encoder/{enc}/matrix")), fmt_t(rc.get(f"qr_encoder/{enc}/svg")),
                     fmt_t(aws.get(f"qr_encoder/{enc}/matrix")), fmt_t(aws.get(f"qr_encoder/{enc}/svg"))])
    table("QR encoders, guest code (175 characters, version 7-M)",
          ["encoder", "matrix (`rustcrypto` run)", "SVG incl. matrix (`rustcrypto` run)", "matrix (`aws-lc` run)",
           "SVG (`aws-lc` run)"], rows)

    # ------------------------------------------------------------------ targets
    print("\n#### Issue 5 targets (computed from the runs above)\n")
    hor, strict, h1, h2, h3 = targets["ho_record/aws-lc"]
    print(f"- HO two-layer decrypt and verify per record, aws-lc (criterion, benchmarks seconds apart): {fmt_t(hor)} "
          f"against bare {fmt_t(strict)} → ratio {h1:.2f} (target ≥ 0.90); against the primitives over varied "
          f"records {h3:.2f}; counting the two further AES-GCM opens {h2:.2f}")
    if pair:
        print(f"- the same, paired rounds ({pair['rounds']} rounds, medians): ours {pair['ours']:.2f} µs, bare "
              f"{pair['iso']:.2f} µs → ratio {pair['r_iso']:.3f} (p10 {pair['r_iso_p10']:.3f}, p90 "
              f"{pair['r_iso_p90']:.3f}); against the primitives over varied records ({pair['var']:.2f} µs) "
              f"{pair['r_var']:.3f} (p10 {pair['r_var_p10']:.3f}, p90 {pair['r_var_p90']:.3f})")
    c1, c2 = targets["scaling/aws-lc"]
    d1, d2 = targets["scaling/rustcrypto"]
    print(f"- the same on 2 threads: {c1 / c2:.2f} × 1 thread (aws-lc), {d1 / d2:.2f} × (rustcrypto) (target ≥ 1.8)")
    for run in runs:
        tr, bare, t = targets[f"trace_ids/{run}"]
        print(f"- trace ids, 14 days, {run}: {fmt_t(tr)} against bare {fmt_t(bare)} → ratio {t:.2f} (target ≥ 0.8)")
    comp, cry, q = targets["guest_qr/rustcrypto"]
    print(f"- guest QR complete, rustcrypto: {fmt_t(comp)} = {comp / cry:.2f} × its crypto {fmt_t(cry)} (target ≤ 1.5)")


if __name__ == "__main__":
    main()

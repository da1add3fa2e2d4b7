#!/usr/bin/env bash
# Benchmark (not a test): the exchange between two member nodes on one
# machine over loopback with TLS, next to single-node TAXII ingest in the
# same run.
#
#   bench/federation.sh
#
# 1. Builds liaison and taxii_load (crates/taxii/examples) in release mode.
# 2. Single-node ingest: a fresh `liaison serve` (SQLite, TLS); taxii_load
#    posts BENCH_OBJECTS (100,000) ~1.2 KB indicators in envelopes of 1,000
#    (one client, status polled until complete) into its `shared` collection.
# 3. Founds a commonwealth of two nodes, cert-a and cert-b, with the binary
#    (member init, member card, agreement draft, sign, adopt) and starts both
#    (SQLite, TLS between them, mutual TLS for the federation requests).
# 4. Latency: BENCH_SHARES (300) shares of one object each, A -> B, through
#    A's admin API (POST /admin/v1/share); each is timed until A's status
#    (GET /admin/v1/objects/{id}/status, polled back to back) shows B's
#    receipt. Also the signed times: provenance shared_at -> receipt
#    received_at.
# 5. Bulk: the same BENCH_OBJECTS objects as step 2, shared A -> B in shares
#    of BENCH_SHARE_BATCH (1,000) one after another; timed from the first
#    share until A's outbox for B is empty (every receipt in). B's manifest
#    is then counted (every object once).
# 6. Catch-up: B is stopped (SIGTERM), BENCH_OBJECTS new objects are shared
#    A -> B while it is down (they wait in A's outbox), then B is started
#    again; timed from B's start until A's outbox for B is empty (B pulls
#    what it missed, receipts flow back). This is the transfer between the
#    nodes alone, without A's sharing running at the same time. B's
#    manifest is counted again.
# 7. Prints the figures, the ratios transfer / single-node ingest and
#    bulk / single-node ingest, and the CPU time (user + system, from
#    /proc) each node used per 1,000 objects in the ingest and in the
#    catch-up (bench/federation_helper.py report); everything is kept in
#    BENCH_DIR.
#
# Environment (defaults): BENCH_OBJECTS (100000), BENCH_SHARES (300),
# BENCH_SHARE_BATCH (1000), BENCH_BUILD (1; 0 uses the binaries as built),
# BENCH_LIAISON (the liaison binary; default target/release/liaison), BENCH_DIR (target/bench-federation; wiped at start), BENCH_LOG_LEVEL
# (info: the nodes' default).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
COMMAND="$(env | { grep -E '^BENCH_[A-Z0-9_]+=' || true; } | sort | tr '\n' ' ')bench/federation.sh $*"
for arg in "$@"; do
    case "$arg" in
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/federation.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done
OBJECTS=${BENCH_OBJECTS:-100000}
SHARES=${BENCH_SHARES:-300}
SHARE_BATCH=${BENCH_SHARE_BATCH:-1000}
BUILD=${BENCH_BUILD:-1}
LOG_LEVEL=${BENCH_LOG_LEVEL:-info}
OUT=${BENCH_DIR:-$ROOT/target/bench-federation}
BATCH=1000
PASSWORD="bench-password-$$-not-secret"

LIAISON=${BENCH_LIAISON:-$ROOT/target/release/liaison}
LOAD="$ROOT/target/release/examples/taxii_load"
PORTS=(python3 "$ROOT/bench/taxii_helper.py")
HELPER=(python3 "$ROOT/bench/federation_helper.py")

say() { printf '\033[1mbench:\033[0m %s\n' "$*" >&2; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

PIDS=()
cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# serve DATA PORT LOG: starts a node (TLS with the certificate in DATA/tls);
# appends its pid to PIDS and waits until it answers.
serve() {
    local data=$1 port=$2 log=$3
    LIAISON_ADMIN_PASSWORD=$PASSWORD "$LIAISON" serve --data "$data" --listen "127.0.0.1:$port" \
        --log-format json --log-level "$LOG_LEVEL" 2>"$log" &
    PIDS+=("$!")
    "${PORTS[@]}" wait-http "https://127.0.0.1:$port/health" 120
}

# cpu_ms PID: the CPU time (user + system) the process has used, in ms.
cpu_ms() {
    local fields
    read -ra fields <"/proc/$1/stat"
    # Fields 14 and 15 (utime, stime) in clock ticks; the command name
    # (field 2) has no spaces here.
    echo $(((fields[13] + fields[14]) * 1000 / $(getconf CLK_TCK)))
}

# cpu_json FILE KEY=MS...: writes the CPU figures of a phase.
cpu_json() {
    local file=$1
    shift
    python3 -c 'import json,sys; json.dump({k: int(v) for k, v in (a.split("=") for a in sys.argv[2:])}, open(sys.argv[1], "w"))' "$file" "$@"
}

# admin NAME PORT: the helper's flags for a node's admin API.
admin() {
    echo --url "https://127.0.0.1:$2" --ca "$OUT/$1/tls/cert.pem" --user admin --password "$PASSWORD"
}

main() {
    if [[ $BUILD == 1 ]]; then
        say "building liaison and taxii_load (release)"
        cargo build --release --locked -p liaison -p liaison-taxii --bin liaison --example taxii_load >&2
    fi
    rm -rf "$OUT"
    mkdir -p "$OUT"
    say "generating $((2 * OBJECTS + SHARES)) objects"
    "$LOAD" dump --objects "$OBJECTS" >"$OUT/bulk.jsonl"
    "$LOAD" dump --objects "$SHARES" --start "$((OBJECTS + 1000000))" >"$OUT/latency.jsonl"
    "$LOAD" dump --objects "$OBJECTS" --start "$((OBJECTS + 2000000))" >"$OUT/catch-up.jsonl"

    # (1) Single-node ingest.
    local port
    port=$("${PORTS[@]}" free-port)
    mkdir -p "$OUT/single"
    serve "$OUT/single" "$port" "$OUT/single.log"
    say "single-node TAXII ingest of $OBJECTS objects (load $(load_avg))"
    local cpu_before
    cpu_before=$(cpu_ms "${PIDS[0]}")
    "$LOAD" ingest --url "https://127.0.0.1:$port/taxii2/" --api-root /default/ --collection shared \
        --ca "$OUT/single/tls/cert.pem" --user admin --password "$PASSWORD" \
        --objects "$OBJECTS" --batch "$BATCH" --clients 1 >"$OUT/ingest.json"
    cpu_json "$OUT/ingest-cpu.json" node=$(($(cpu_ms "${PIDS[0]}") - cpu_before))
    say "  $(python3 -c 'import json,sys; print("%.0f objects/s" % json.load(open(sys.argv[1]))["objects_per_s"])' "$OUT/ingest.json")"
    cleanup
    PIDS=()
    rm -rf "$OUT/single"

    # (2) A commonwealth of two, founded with the binary.
    local a_port b_port
    a_port=$("${PORTS[@]}" free-port)
    b_port=$("${PORTS[@]}" free-port)
    say "founding cert-a (port $a_port) and cert-b (port $b_port)"
    "$LIAISON" member init --name cert-a --endpoint "https://127.0.0.1:$a_port" --data "$OUT/cert-a" >/dev/null
    "$LIAISON" member init --name cert-b --endpoint "https://127.0.0.1:$b_port" --data "$OUT/cert-b" >/dev/null
    "$LIAISON" member card --data "$OUT/cert-a" >"$OUT/cert-a.card.json"
    "$LIAISON" member card --data "$OUT/cert-b" >"$OUT/cert-b.card.json"
    "$LIAISON" agreement draft --title "Benchmark" --card "$OUT/cert-a.card.json" \
        --card "$OUT/cert-b.card.json" --out "$OUT/agreement.json" 2>/dev/null
    for name in cert-a cert-b; do
        "$LIAISON" agreement sign "$OUT/agreement.json" --data "$OUT/$name" 2>/dev/null
    done
    for name in cert-a cert-b; do
        LIAISON_ADMIN_PASSWORD=$PASSWORD "$LIAISON" agreement adopt "$OUT/agreement.json" \
            --data "$OUT/$name" >/dev/null
    done
    serve "$OUT/cert-a" "$a_port" "$OUT/cert-a.log"
    serve "$OUT/cert-b" "$b_port" "$OUT/cert-b.log"

    # shellcheck disable=SC2046 # word splitting of the flags is meant
    {
        say "latency: $SHARES single-object shares A -> B (load $(load_avg))"
        "${HELPER[@]}" latency $(admin cert-a "$a_port") --to cert-b --shares "$SHARES" \
            --objects "$OUT/latency.jsonl" >"$OUT/latency.json"
        say "  $(python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["wall"]; print("p50 %.1f ms, p99 %.1f ms" % (w["p50_ms"], w["p99_ms"]))' "$OUT/latency.json")"
        say "bulk: $OBJECTS objects A -> B in shares of $SHARE_BATCH (load $(load_avg))"
        "${HELPER[@]}" bulk $(admin cert-a "$a_port") --to cert-b --batch "$SHARE_BATCH" \
            --objects "$OUT/bulk.jsonl" >"$OUT/bulk.json"
        say "  $(python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); print("%.0f objects/s" % b["objects_per_s"])' "$OUT/bulk.json")"
        "${HELPER[@]}" count $(admin cert-b "$b_port") --collection from-cert-a >"$OUT/held.json"

        say "catch-up: B stopped, $OBJECTS more objects shared A -> B (load $(load_avg))"
        kill -TERM "${PIDS[1]}"
        wait "${PIDS[1]}" || true
        unset 'PIDS[1]'
        "${HELPER[@]}" share $(admin cert-a "$a_port") --to cert-b --batch "$SHARE_BATCH" \
            --objects "$OUT/catch-up.jsonl" >"$OUT/offline.json"
        local since a_before
        since=$(date +%s.%N)
        a_before=$(cpu_ms "${PIDS[0]}")
        serve "$OUT/cert-b" "$b_port" "$OUT/cert-b.restarted.log"
        "${HELPER[@]}" drain $(admin cert-a "$a_port") --to cert-b --objects "$OBJECTS" \
            --since "$since" >"$OUT/catch-up.json"
        cpu_json "$OUT/catch-up-cpu.json" origin=$(($(cpu_ms "${PIDS[0]}") - a_before)) \
            recipient="$(cpu_ms "${PIDS[-1]}")"
        say "  $(python3 -c 'import json,sys; b=json.load(open(sys.argv[1])); print("%.0f objects/s" % b["objects_per_s"])' "$OUT/catch-up.json")"
        "${HELPER[@]}" count $(admin cert-b "$b_port") --collection from-cert-a >"$OUT/held-after.json"
    }
    local bytes
    bytes=$(head -1000 "$OUT/bulk.jsonl" | wc -c)
    python3 - "$OUT/meta.json" "$((bytes / 1000))" "$BATCH" "$(nproc)" "$COMMAND" "$(load_avg)" \
        "$((OBJECTS + SHARES))" "$LIAISON" <<'EOF'
import json, sys, time
out, size, batch, cores, command, load, expected, binary = sys.argv[1:]
json.dump({"object_bytes": int(size), "batch": int(batch), "cores": int(cores), "command": command,
           "load": load, "expected": int(expected), "binary": binary,
           "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}, open(out, "w"))
EOF
    "${HELPER[@]}" report "$OUT" | tee "$OUT/report.txt"
}

main

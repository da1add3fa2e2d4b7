#!/usr/bin/env bash
# Benchmark (not a test): Liaison's TAXII 2.1 ingest and paginated reads
# against the raw rates of its storage engines and against the reference
# server medallion, in one run on the same data.
#
#   bench/taxii.sh             # quick: a few minutes
#   bench/taxii.sh --growth    # also: 1,000,000 objects into one node, RSS sampled
#
# 1. Builds liaison, raw_bench (crates/store/examples) and taxii_load
#    (crates/taxii/examples) in release mode, in one cargo invocation.
# 2. Checks that raw_bench and taxii_load generate the same objects (~1.2 KB
#    STIX indicators, numbered, deterministic).
# 3. (a) raw_bench on each engine: raw batched inserts (1,000 rows per
#    transaction, fsync on commit) and paginated scans (pages of 1,000), both
#    through plain SQL and through the store; steps 3 and 4 alternate for
#    BENCH_ROUNDS rounds per engine.
# 4. (b) For each engine, a fresh `liaison serve --insecure-http` on
#    loopback (release build): ingest of BENCH_OBJECTS objects as envelopes of
#    1,000 (POST, then status polled until complete), then reads of the whole
#    collection with limit=1000 following `next` (after one unreported
#    warm-up pass, as raw_bench does), by 1 client and then by
#    BENCH_READ_CLIENTS concurrent clients; then as many new objects again
#    by BENCH_INGEST_CLIENTS2 concurrent clients. The same on SQLite over TLS
#    (self-signed certificate, HTTP/2 by ALPN) for reference.
# 5. (c) The same workload against medallion 3.0.0 (memory back end, Basic
#    auth from its configuration file, loopback only) on the first
#    BENCH_MEDALLION_OBJECTS objects: its memory back end is quadratic.
# 6. With --growth (or BENCH_GROWTH=1): one node ingests BENCH_GROWTH_OBJECTS
#    (1,000,000) and the rate of every BENCH_GROWTH_SLICE (100,000) is printed,
#    then one client reads everything back.
# 7. Prints the tables and ratios (bench/taxii_helper.py report). The RSS of
#    every server is sampled from /proc/PID/status (VmRSS, every 0.2 s) and
#    its peak (VmHWM) read before it stops. PostgreSQL is a throwaway
#    cluster of scripts/pg.sh with fsync on (PG_DURABLE=1).
#
# Environment (defaults): BENCH_OBJECTS (20000), BENCH_ROUNDS (3: rounds of
# raw_bench then Liaison per engine; the report gives medians and pairs each
# ratio within its round), BENCH_READ_CLIENTS (4),
# BENCH_INGEST_CLIENTS (1), BENCH_INGEST_CLIENTS2 (2: a second ingest of as
# many new objects by that many concurrent clients, Liaison only; 0 skips it),
# BENCH_ENGINES ("sqlite postgres"), BENCH_TLS (1),
# BENCH_MEDALLION_OBJECTS (2000; 0 skips medallion), BENCH_GROWTH (0),
# BENCH_GROWTH_OBJECTS (1000000), BENCH_GROWTH_SLICE (100000),
# BENCH_GROWTH_ENGINE (sqlite), BENCH_GROWTH_READ (1), BENCH_GROWTH_RAW (1:
# raw_bench at the growth size too, for the engine's own rate there),
# BENCH_BUILD (1; 0 uses the binaries as built), BENCH_LIAISON (the liaison
# binary to measure; default target/release/liaison), BENCH_DIR
# (target/bench-taxii; wiped at start), BENCH_AUTH (basic, or token: a bearer
# token made with `liaison token create` on the node's database), PYTHON
# (python3, builds medallion's venv in target/bench-medallion-venv).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
COMMAND="$(env | { grep -E '^BENCH_[A-Z0-9_]+=' || true; } | sort | tr '\n' ' ')bench/taxii.sh $*"
for arg in "$@"; do
    case "$arg" in
        --growth) BENCH_GROWTH=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench/taxii.sh: unknown argument $arg" >&2; exit 2 ;;
    esac
done
OBJECTS=${BENCH_OBJECTS:-20000}
ROUNDS=${BENCH_ROUNDS:-3}
READ_CLIENTS=${BENCH_READ_CLIENTS:-4}
INGEST_CLIENTS=${BENCH_INGEST_CLIENTS:-1}
INGEST_CLIENTS2=${BENCH_INGEST_CLIENTS2:-2}
ENGINES=${BENCH_ENGINES:-sqlite postgres}
TLS=${BENCH_TLS:-1}
MEDALLION_OBJECTS=${BENCH_MEDALLION_OBJECTS:-2000}
GROWTH=${BENCH_GROWTH:-0}
GROWTH_OBJECTS=${BENCH_GROWTH_OBJECTS:-1000000}
GROWTH_SLICE=${BENCH_GROWTH_SLICE:-100000}
GROWTH_ENGINE=${BENCH_GROWTH_ENGINE:-sqlite}
GROWTH_READ=${BENCH_GROWTH_READ:-1}
GROWTH_RAW=${BENCH_GROWTH_RAW:-1}
BUILD=${BENCH_BUILD:-1}
AUTH=${BENCH_AUTH:-basic}
OUT=${BENCH_DIR:-$ROOT/target/bench-taxii}
BATCH=1000
PAGE=1000
PASSWORD="bench-password-$$-not-secret"
export PG_DURABLE=1

LIAISON=${BENCH_LIAISON:-$ROOT/target/release/liaison}
RAW_BENCH="$ROOT/target/release/examples/raw_bench"
LOAD="$ROOT/target/release/examples/taxii_load"
HELPER=(python3 "$ROOT/bench/taxii_helper.py")
MEDALLION_VENV="$ROOT/target/bench-medallion-venv"

say() { printf '\033[1mbench:\033[0m %s\n' "$*" >&2; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

SERVER_PID=""
SAMPLER_PID=""
PG_DIR=""
cleanup() {
    stop_server || true
    if [[ -n "$PG_DIR" ]]; then
        # shellcheck source=scripts/pg.sh
        source "$ROOT/scripts/pg.sh"
        pg_stop "$PG_DIR" || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

build() {
    say "building liaison, raw_bench and taxii_load (release)"
    cargo build --release --locked -p liaison -p liaison-store -p liaison-taxii \
        --bin liaison --example raw_bench --example taxii_load >&2
}

# raw_bench and taxii_load must generate the same bytes for object n.
check_generators() {
    local pattern='indicator--\{:08x\}|repeat\(820\)|r#"\{\{"type":"indicator"|\(n / 256\) % 256'
    if ! diff <(grep -E "$pattern" crates/store/examples/raw_bench.rs | sed 's/^ *//') \
        <(grep -E "$pattern" crates/taxii/examples/taxii_load.rs | sed 's/^ *//') >&2; then
        echo "bench/taxii.sh: the object generators of raw_bench.rs and taxii_load.rs differ" >&2
        exit 1
    fi
}

medallion_venv() {
    local want
    want=$(sha256sum bench/medallion-requirements.txt | cut -d' ' -f1)
    if [[ ! -x "$MEDALLION_VENV/bin/medallion" || "$(cat "$MEDALLION_VENV/.stamp" 2>/dev/null)" != "$want" ]]; then
        say "installing medallion into ${MEDALLION_VENV#"$ROOT"/}"
        "${PYTHON:-python3}" -m venv --clear "$MEDALLION_VENV"
        "$MEDALLION_VENV/bin/pip" install --quiet --disable-pip-version-check --no-input \
            -r bench/medallion-requirements.txt >&2
        echo "$want" >"$MEDALLION_VENV/.stamp"
    fi
}

# Samples VmRSS (kB) of $SERVER_PID into $1 every 0.2 s until it exits.
start_sampler() {
    local file=$1 pid=$SERVER_PID
    (
        while [[ -r /proc/$pid/status ]]; do
            while read -r key value _; do
                if [[ $key == VmRSS: ]]; then echo "$value"; break; fi
            done </proc/"$pid"/status 2>/dev/null || true
            sleep 0.2
        done
    ) >>"$file" &
    SAMPLER_PID=$!
}

stop_server() {
    if [[ -n "$SERVER_PID" ]]; then
        if [[ -n "${RUN_DIR:-}" && -r /proc/$SERVER_PID/status ]]; then
            awk '/^VmHWM:/ {print $2}' /proc/"$SERVER_PID"/status >"$RUN_DIR/hwm.txt" || true
        fi
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
    if [[ -n "$SAMPLER_PID" ]]; then
        wait "$SAMPLER_PID" 2>/dev/null || true
        SAMPLER_PID=""
    fi
}

# start_liaison RUN_DIR DATABASE TLS(0|1): starts a node; sets SERVER_PID,
# LOAD_ARGS (URL and credentials for taxii_load).
start_liaison() {
    local dir=$1 database=$2 tls=$3 port scheme transport=(--insecure-http) auth
    port=$("${HELPER[@]}" free-port)
    scheme=http
    if [[ $tls == 1 ]]; then scheme=https; transport=(); fi
    mkdir -p "$dir/data"
    LIAISON_ADMIN_PASSWORD=$PASSWORD "$LIAISON" serve --data "$dir/data" --database "$database" \
        --listen "127.0.0.1:$port" "${transport[@]}" --log-format json \
        --log-level "info,liaison_server::taxii::objects=debug" 2>"$dir/server.log" &
    SERVER_PID=$!
    "${HELPER[@]}" wait-http "$scheme://127.0.0.1:$port/health" 120
    start_sampler "$dir/rss.txt"
    LOAD_ARGS=(--url "$scheme://127.0.0.1:$port/taxii2/" --api-root /default/ --collection shared)
    if [[ $tls == 1 ]]; then LOAD_ARGS+=(--ca "$dir/data/tls/cert.pem"); fi
    if [[ $AUTH == token ]]; then
        # Made on the node's database directly (the node bootstrapped the
        # admin account; the CLI and a running node may share a database).
        auth=$("$LIAISON" token create admin --label bench --data "$dir/data" --database "$database" \
            2>"$dir/token.log" | tail -1)
        LOAD_ARGS+=(--token "$auth")
    else
        LOAD_ARGS+=(--user admin --password "$PASSWORD")
    fi
}

# workload RUN_DIR OBJECTS WARMUP: ingest, then reads by 1 and by
# READ_CLIENTS clients; with WARMUP=1 first one unreported read pass by
# READ_CLIENTS clients, as raw_bench makes one unreported scan, so that no
# figure pays for cold caches (each SQLite reader connection has its own).
workload() {
    local dir=$1 objects=$2 warmup=$3
    say "  ingest of $objects objects (load $(load_avg))"
    load_avg >"$dir/load-ingest.txt"
    "$LOAD" ingest "${LOAD_ARGS[@]}" --objects "$objects" --batch "$BATCH" \
        --clients "$INGEST_CLIENTS" >"$dir/ingest.json"
    say "  $(summary "$dir/ingest.json")"
    if [[ $warmup == 1 ]]; then
        say "  reads, $READ_CLIENTS clients, unreported (warm-up)"
        "$LOAD" read "${LOAD_ARGS[@]}" --clients "$READ_CLIENTS" --page "$PAGE" --expect "$objects" >/dev/null
    fi
    load_avg >"$dir/load-read.txt"
    say "  reads, 1 client"
    "$LOAD" read "${LOAD_ARGS[@]}" --clients 1 --page "$PAGE" --expect "$objects" >"$dir/read1.json"
    say "  $(summary "$dir/read1.json")"
    say "  reads, $READ_CLIENTS clients"
    "$LOAD" read "${LOAD_ARGS[@]}" --clients "$READ_CLIENTS" --page "$PAGE" --expect "$objects" >"$dir/readN.json"
    say "  $(summary "$dir/readN.json")"
    echo "$(cat "$dir/load-read.txt") -> $(load_avg)" >"$dir/load-read.txt"
    if [[ $warmup == 1 && $INGEST_CLIENTS2 -gt 0 ]]; then
        # Several feeds at once: one envelope is validated while another is
        # written. Objects N..2N (new ones), after the reads.
        say "  ingest of $objects more objects by $INGEST_CLIENTS2 clients (load $(load_avg))"
        "$LOAD" ingest "${LOAD_ARGS[@]}" --objects "$objects" --start "$objects" --batch "$BATCH" \
            --clients "$INGEST_CLIENTS2" >"$dir/ingest2.json"
        say "  $(summary "$dir/ingest2.json")"
    fi
}

summary() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%.0f objects/s, p50 %.1f ms, p99 %.1f ms" % (d["objects_per_s"], d["latency"]["p50_ms"], d["latency"]["p99_ms"]))' "$1"
}

meta() {
    local dir=$1 title=$2 server=$3 objects=$4
    printf '{"title": "%s", "server": "%s", "objects": %s}\n' "$title" "$server" "$objects" >"$dir/meta.json"
    RUNS+=("$(basename "$dir")")
}

# raw ENGINE ROUND
raw() {
    local engine=$1 round=$2
    say "(a) raw_bench on $engine, $OBJECTS rows, round $round (load $(load_avg))"
    load_avg >"$OUT/load-raw-$engine-r$round.txt"
    local pg=()
    if [[ $engine == postgres ]]; then pg=(--pg "$PG_URL"); fi
    "$RAW_BENCH" --rows "$OBJECTS" --engine "$engine" --dir "$OUT" "${pg[@]}" | tee "$OUT/raw-$engine-r$round.txt" >&2
}

# liaison_run ENGINE TLS ROUND
liaison_run() {
    local engine=$1 tls=$2 round=$3 label database title
    label="liaison-$engine"
    title="liaison $engine (http)"
    if [[ $tls == 1 ]]; then label+="-tls"; title="liaison $engine (https, h2)"; fi
    label+="-r$round"
    RUN_DIR="$OUT/$label"
    mkdir -p "$RUN_DIR"
    if [[ $engine == postgres ]]; then
        local db="liaison_bench_taxii_${tls}_$round"
        psql_admin "DROP DATABASE IF EXISTS $db WITH (FORCE)"
        psql_admin "CREATE DATABASE $db"
        database="postgresql://postgres@/$db?host=$PG_DIR/sock"
    else
        database=sqlite
    fi
    say "(b) $title, round $round"
    start_liaison "$RUN_DIR" "$database" "$tls"
    meta "$RUN_DIR" "$title" liaison "$OBJECTS"
    workload "$RUN_DIR" "$OBJECTS" 1
    stop_server
}

medallion_run() {
    RUN_DIR="$OUT/medallion"
    mkdir -p "$RUN_DIR"
    local port collection
    port=$("${HELPER[@]}" free-port)
    collection=$("${HELPER[@]}" medallion-config --out "$RUN_DIR/config.json" --port "$port" \
        --user bench --password "$PASSWORD")
    say "(c) medallion 3.0.0, memory back end, first $MEDALLION_OBJECTS objects"
    "$MEDALLION_VENV/bin/medallion" --host 127.0.0.1 --port "$port" --log-level WARN \
        "$RUN_DIR/config.json" >"$RUN_DIR/server.log" 2>&1 &
    SERVER_PID=$!
    "${HELPER[@]}" wait-http "http://127.0.0.1:$port/taxii2/" 60
    start_sampler "$RUN_DIR/rss.txt"
    LOAD_ARGS=(--url "http://127.0.0.1:$port/taxii2/" --api-root /bench/ --collection "$collection"
        --user bench --password "$PASSWORD")
    meta "$RUN_DIR" "medallion memory (http)" medallion "$MEDALLION_OBJECTS"
    # No warm-up: medallion caches nothing, and its first page costs a minute.
    workload "$RUN_DIR" "$MEDALLION_OBJECTS" 0
    stop_server
}

growth_run() {
    RUN_DIR="$OUT/growth"
    mkdir -p "$RUN_DIR"
    local database=sqlite
    if [[ $GROWTH_ENGINE == postgres ]]; then
        psql_admin "DROP DATABASE IF EXISTS liaison_bench_growth WITH (FORCE)"
        psql_admin "CREATE DATABASE liaison_bench_growth"
        database="postgresql://postgres@/liaison_bench_growth?host=$PG_DIR/sock"
    fi
    say "growth: liaison $GROWTH_ENGINE, $GROWTH_OBJECTS objects (load $(load_avg))"
    start_liaison "$RUN_DIR" "$database" 0
    meta "$RUN_DIR" "liaison $GROWTH_ENGINE (http)" liaison "$GROWTH_OBJECTS"
    load_avg >"$RUN_DIR/load-growth.txt"
    "$LOAD" ingest "${LOAD_ARGS[@]}" --objects "$GROWTH_OBJECTS" --batch "$BATCH" \
        --clients "$INGEST_CLIENTS" --slice "$GROWTH_SLICE" >"$RUN_DIR/growth.json"
    echo "$(cat "$RUN_DIR/load-growth.txt") -> $(load_avg)" >"$RUN_DIR/load-growth.txt"
    say "  $(summary "$RUN_DIR/growth.json")"
    if [[ $GROWTH_READ == 1 ]]; then
        say "  full read, 1 client"
        "$LOAD" read "${LOAD_ARGS[@]}" --clients 1 --page "$PAGE" --expect "$GROWTH_OBJECTS" >"$RUN_DIR/growth_read.json"
        say "  $(summary "$RUN_DIR/growth_read.json")"
    fi
    stop_server
    if [[ $GROWTH_RAW == 1 ]]; then
        say "growth: raw_bench on $GROWTH_ENGINE, $GROWTH_OBJECTS rows (load $(load_avg))"
        local pg=()
        if [[ $GROWTH_ENGINE == postgres ]]; then pg=(--pg "$PG_URL"); fi
        load_avg >"$OUT/load-raw-growth.txt"
        "$RAW_BENCH" --rows "$GROWTH_OBJECTS" --engine "$GROWTH_ENGINE" --dir "$OUT" "${pg[@]}" \
            | tee "$OUT/raw-growth.txt" >&2
    fi
    rm -rf "$RUN_DIR/data"
}

psql_admin() {
    "${PG_BIN:-/usr/lib/postgresql/15/bin}/psql" -q -X -v ON_ERROR_STOP=1 \
        "postgresql://postgres@/postgres?host=$PG_DIR/sock" -c "$1" >/dev/null
}

main() {
    if [[ $BUILD == 1 ]]; then build; fi
    check_generators
    if [[ $MEDALLION_OBJECTS -gt 0 ]]; then medallion_venv; fi
    rm -rf "$OUT"
    mkdir -p "$OUT"
    RUNS=()
    if [[ " $ENGINES " == *" postgres "* || ($GROWTH == 1 && $GROWTH_ENGINE == postgres) ]]; then
        PG_DIR="$OUT/pg"
        # shellcheck source=scripts/pg.sh
        source "$ROOT/scripts/pg.sh"
        say "starting a throwaway PostgreSQL 15 (fsync on) in ${PG_DIR#"$ROOT"/}"
        pg_start "$PG_DIR"
        PG_URL=$LIAISON_TEST_PG_URL
    fi
    # Rounds of (raw, TAXII) per engine, back to back: on a shared machine
    # the load changes by the minute, so each ratio pairs figures taken
    # close together, and the report gives medians over the rounds.
    local engine round
    for round in $(seq 1 "$ROUNDS"); do
        for engine in $ENGINES; do
            raw "$engine" "$round"
            liaison_run "$engine" 0 "$round"
        done
    done
    if [[ $TLS == 1 ]]; then liaison_run sqlite 1 1; fi
    if [[ $MEDALLION_OBJECTS -gt 0 ]]; then medallion_run; fi
    if [[ $GROWTH == 1 ]]; then growth_run; fi
    local bytes
    bytes=$("$LOAD" dump --objects 1000 | wc -c)
    "$LOAD" decode --page "$PAGE" >"$OUT/decode.json"
    python3 - "$OUT/meta.json" "$OBJECTS" "$((bytes / 1000))" "$BATCH" "$PAGE" "$READ_CLIENTS" "$(nproc)" \
        "$ROUNDS" "$COMMAND" "${RUNS[@]}" <<'EOF'
import json, sys, time
out, objects, size, batch, page, clients, cores, rounds, command, *runs = sys.argv[1:]
json.dump({"objects": int(objects), "object_bytes": int(size), "batch": int(batch), "page": int(page),
           "read_clients": int(clients), "cores": int(cores), "rounds": int(rounds), "command": command, "runs": runs,
           "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}, open(out, "w"))
EOF
    "${HELPER[@]}" report "$OUT" | tee "$OUT/report.txt"
}

main

#!/usr/bin/env bash
# Benchmark (not a test): `liaison validate` against stix2-validator on the
# same corpus of valid STIX 2.1 objects.
#
#   bench/validate.sh
#
# 1. Builds liaison in release mode.
# 2. Generates (once; cached in target/bench-corpus) a seeded corpus of at
#    least 50,000 objects from stix2-generator that stix2-validator accepts,
#    as bundles of 1,000 objects.
# 3. Times `liaison validate` over all of it (single-threaded, as the command
#    is): hyperfine when installed, else the best of 3 runs.
# 4. Times stix2-validator's Python API over a subset of the files (it is
#    slow) and extrapolates linearly to the whole corpus, saying so.
# 5. Prints objects/s, MB/s and the ratio side by side.
#
# Environment: BENCH_OBJECTS (50000), BENCH_SEED (7), BENCH_REFERENCE_FILES
# (files timed for the reference, 5; 0 = all), PYTHON (builds the venv).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
OBJECTS=${BENCH_OBJECTS:-50000}
SEED=${BENCH_SEED:-7}
REFERENCE_FILES=${BENCH_REFERENCE_FILES:-5}
CORPUS="$ROOT/target/bench-corpus"
LIAISON="$ROOT/target/release/liaison"

say() { printf '\033[1mbench:\033[0m %s\n' "$*" >&2; }

build() {
    say "building liaison (release)"
    cargo build --release --locked -p liaison >&2
}

corpus() {
    if [[ -f "$CORPUS/corpus.json" ]] && "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(not (d["seed"] == int(sys.argv[2]) and d["objects"] == int(sys.argv[3])))' \
        "$CORPUS/corpus.json" "$SEED" "$OBJECTS"; then
        say "corpus cached in ${CORPUS#"$ROOT"/}"
    else
        say "generating $OBJECTS objects (seed $SEED) into ${CORPUS#"$ROOT"/}; a few minutes"
        rm -rf "$CORPUS"
        "$PY" bench/helper.py corpus --out "$CORPUS" --objects "$OBJECTS" --seed "$SEED" >&2
    fi
}

# Prints the best wall time (seconds) of `liaison validate` over the corpus.
time_liaison() {
    local errors
    errors=$("$LIAISON" validate "$CORPUS/bundles" 2>&1 >/dev/null | tail -1)
    say "liaison: $errors"
    if command -v hyperfine >/dev/null; then
        say "timing liaison with hyperfine"
        hyperfine --warmup 1 --runs 5 --ignore-failure --style basic \
            --export-json "$CORPUS/hyperfine.json" \
            "$LIAISON validate $CORPUS/bundles" >&2
        "$PY" -c 'import json,sys; print(min(json.load(open(sys.argv[1]))["results"][0]["times"]))' \
            "$CORPUS/hyperfine.json"
    else
        say "hyperfine not installed: best of 3 runs"
        local times=() start end
        for _ in 1 2 3; do
            start=$(date +%s.%N)
            "$LIAISON" validate "$CORPUS/bundles" >/dev/null 2>&1 || true
            end=$(date +%s.%N)
            times+=("$end-$start")
        done
        "$PY" -c 'import sys; print(min(eval(t) for t in sys.argv[1:]))' "${times[@]}"
    fi
}

report() {
    local liaison_s=$1 reference_json=$2
    "$PY" - "$CORPUS/corpus.json" "$liaison_s" "$reference_json" <<'EOF'
import json, sys
corpus = json.load(open(sys.argv[1]))
liaison = float(sys.argv[2])
ref = json.loads(sys.argv[3])
objects, mb = corpus["objects"], corpus["bytes"] / 1e6
scale = objects / ref["objects"]
ref_total = ref["seconds"] * scale
note = ("measured on %d objects (%.1f MB) in %.2f s, extrapolated linearly"
        % (ref["objects"], ref["bytes"] / 1e6, ref["seconds"]) if scale > 1.0001 else "measured on the whole corpus")
print()
print("corpus: %d objects, %.1f MB in %d bundles (seed %d; target/bench-corpus)" % (objects, mb, corpus["files"], corpus["seed"]))
print("%-17s %10s %12s %9s" % ("", "wall (s)", "objects/s", "MB/s"))
print("%-17s %10.3f %12.0f %9.1f" % ("liaison", liaison, objects / liaison, mb / liaison))
print("%-17s %10.1f %12.0f %9.2f   (%s)" % ("stix2-validator", ref_total, objects / ref_total, mb / ref_total, note))
print("ratio: liaison is %.0fx faster than stix2-validator" % (ref_total / liaison))
if ref["invalid_files"]:
    print("note: stix2-validator rejected %d of the files it timed" % ref["invalid_files"])
EOF
}

main() {
    PY=$("$ROOT/scripts/venv")
    build
    corpus
    local liaison_s files reference_json
    liaison_s=$(time_liaison)
    mapfile -t files < <(find "$CORPUS/bundles" -name '*.json' | sort)
    if [[ "$REFERENCE_FILES" -gt 0 && "$REFERENCE_FILES" -lt "${#files[@]}" ]]; then
        files=("${files[@]:0:$REFERENCE_FILES}")
    fi
    say "timing stix2-validator (Python API, in-process) on ${#files[@]} file(s)"
    reference_json=$("$PY" bench/helper.py reference "${files[@]}")
    report "$liaison_s" "$reference_json"
}

main "$@"

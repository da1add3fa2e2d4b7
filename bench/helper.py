"""Python side of bench/validate.sh.

    helper.py corpus --out DIR --objects N [--per-file M] [--seed S]
        Generates a seeded corpus with stix2-generator (the differential test's
        generator, crates/liaison/tests/differential/stixgen.py), keeps the
        objects stix2-validator accepts, shuffles them and writes bundles of M
        objects to DIR/bundles/bundle-NNNN.json until N objects are written.
        DIR/corpus.json describes the result (the cache key).

    helper.py reference FILE...
        Times stix2-validator's Python API (validate_file, default options) over
        the files, in this process after imports, and prints one JSON line:
        {"seconds", "objects", "bytes", "invalid_files"}.
"""

import argparse
import contextlib
import io
import json
import os
import random
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "crates", "liaison", "tests", "differential"))

import stixgen  # noqa: E402

stixgen.require_fixed_hash_seed()

from stix2validator import ValidationOptions, validate_file, validate_instance  # noqa: E402


def corpus(args):
    options = ValidationOptions()
    kept, dropped, per_type, seed = [], 0, 200, args.seed
    while len(kept) < args.objects:
        for obj in stixgen.corpus(seed, per_type):
            with contextlib.redirect_stdout(io.StringIO()):
                try:
                    ok = validate_instance(obj, options).is_valid
                except Exception:  # the reference crashes on a few inputs
                    ok = False
            if ok:
                kept.append(obj)
            else:
                dropped += 1
        seed += 1  # another round with the next seed until there are enough
    rng = random.Random(args.seed)
    rng.shuffle(kept)
    kept = kept[:args.objects]
    folder = os.path.join(args.out, "bundles")
    os.makedirs(folder, exist_ok=True)
    total_bytes = 0
    for n, start in enumerate(range(0, len(kept), args.per_file)):
        bundle = {"type": "bundle", "id": f"bundle--{uuid.UUID(int=rng.getrandbits(128), version=4)}",
                  "objects": kept[start:start + args.per_file]}
        path = os.path.join(folder, f"bundle-{n:04d}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(bundle, f, ensure_ascii=False, indent=1)
        total_bytes += os.path.getsize(path)
    description = {"seed": args.seed, "objects": len(kept), "per_file": args.per_file,
                   "files": n + 1, "bytes": total_bytes, "dropped_by_reference": dropped}
    with open(os.path.join(args.out, "corpus.json"), "w", encoding="utf-8") as f:
        json.dump(description, f, indent=1)
    print(json.dumps(description))


def reference(args):
    options = ValidationOptions()
    invalid_files = 0
    started = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        for path in args.files:
            invalid_files += not validate_file(path, options).is_valid
    seconds = time.perf_counter() - started
    objects = size = 0
    for path in args.files:
        with open(path, encoding="utf-8") as f:
            objects += len(json.load(f)["objects"])
        size += os.path.getsize(path)
    print(json.dumps({"seconds": seconds, "objects": objects, "bytes": size, "invalid_files": invalid_files}))


def main():
    parser = argparse.ArgumentParser(description="benchmark helper")
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("corpus")
    c.add_argument("--out", required=True)
    c.add_argument("--objects", type=int, default=50000)
    c.add_argument("--per-file", type=int, default=1000)
    c.add_argument("--seed", type=int, default=7)
    r = sub.add_parser("reference")
    r.add_argument("files", nargs="+")
    args = parser.parse_args()
    corpus(args) if args.command == "corpus" else reference(args)


if __name__ == "__main__":
    main()

"""Python side of bench/taxii.sh (standard library only).

    taxii_helper.py free-port
        Prints a free TCP port on 127.0.0.1.

    taxii_helper.py wait-http URL [SECONDS]
        Waits until URL answers any HTTP status (the server is up).

    taxii_helper.py medallion-config --out FILE --port PORT --user U --password P
        Writes a medallion 3.0.0 configuration: memory back end with one API
        root `bench` holding one empty read-write collection, max_page_size
        1000, a 100 MB max_content_length (envelopes of 1,000 objects are
        ~1.2 MB), `next` sessions kept for an hour (the default of 30 s
        expires while a large collection is paged), one Basic user.

    taxii_helper.py report DIR
        Prints the results collected in DIR as tables with the ratios.
"""

import json
import os
import re
import socket
import sys
import time
import urllib.error
import urllib.request

MEDALLION_COLLECTION = "2f5ef7ad-4b9c-4e0b-9a10-6bd6d1c0bb21"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


def wait_http(url, seconds=60.0):
    import ssl
    context = ssl._create_unverified_context()  # only "is it up?", on loopback
    deadline = time.time() + float(seconds)
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2, context=context)
            return
        except urllib.error.HTTPError:
            return  # it answered
        except (OSError, urllib.error.URLError):
            time.sleep(0.1)
    sys.exit("wait-http: %s did not answer within %s s" % (url, seconds))


def medallion_config(argv):
    import argparse
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--port", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    a = p.parse_args(argv)
    base = "http://127.0.0.1:%s" % a.port
    config = {
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "session_timeout": 3600,
            "data": None,
        },
        "users": {a.user: a.password},
        "taxii": {"max_page_size": 1000},
    }
    data = {
        "/discovery": {
            "title": "medallion (benchmark reference)",
            "default": base + "/bench/",
            "api_roots": [base + "/bench/"],
        },
        "bench": {
            "information": {
                "title": "bench",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 100 * 1000 * 1000,
            },
            "status": [],
            "collections": [{
                "id": MEDALLION_COLLECTION,
                "title": "bench",
                "can_read": True,
                "can_write": True,
                "media_types": ["application/stix+json;version=2.1"],
                "objects": [],
                "manifest": [],
            }],
        },
    }
    data_file = a.out + ".data.json"
    with open(data_file, "w") as f:
        json.dump(data, f)
    del config["backend"]["data"]
    config["backend"]["filename"] = data_file
    with open(a.out, "w") as f:
        json.dump(config, f, indent=1)
    print(MEDALLION_COLLECTION)


# ---------------------------------------------------------------- report

def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def read_raw(path):
    """raw_bench lines `ENGINE MEASUREMENT RATE rows/s` -> {measurement: rate}."""
    out = {}
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3 and parts[0] in ("sqlite", "postgres"):
                    out[parts[1]] = float(parts[2])
    except OSError:
        pass
    return out


def num(x, digits=0):
    if x is None:
        return "–"
    return "{:,.{d}f}".format(x, d=digits)


def pct(a, b):
    if not a or not b:
        return "–"
    return "%.0f %%" % (100.0 * a / b)


def read_text(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


def run_dir(root, label):
    d = os.path.join(root, label)
    if not os.path.isdir(d):
        return None
    r = {"label": label}
    r["meta"] = load_json(os.path.join(d, "meta.json")) or {}
    for name in ("ingest", "ingest2", "read1", "readN", "growth", "growth_read"):
        r[name] = load_json(os.path.join(d, name + ".json"))
    samples = []
    for line in read_text(os.path.join(d, "rss.txt")).splitlines():
        try:
            samples.append(int(line))
        except ValueError:
            pass
    r["rss_max_kb"] = max(samples) if samples else None
    r["rss_samples"] = len(samples)
    hwm = read_text(os.path.join(d, "hwm.txt"))
    r["hwm_kb"] = int(hwm) if hwm.isdigit() else None
    # The one-client phases: the first ingest, and the read pass after the
    # warm-up (which made as many requests as the concurrent pass).
    posts = gets = None
    if r.get("ingest"):
        posts = (0, r["ingest"].get("envelopes") or 0)
    if r.get("read1"):
        warm = (r.get("readN") or {}).get("requests", 0) if r["meta"].get("server") == "liaison" else 0
        gets = (warm, r["read1"].get("requests") or 0)
    if r.get("growth"):
        posts = (0, r["growth"].get("envelopes") or 0)
    r["stages"] = stages(os.path.join(d, "server.log"), posts, gets)
    r["load"] = {k: read_text(os.path.join(d, "load-%s.txt" % k)) for k in ("ingest", "read", "growth")}
    return r


def stages(log, posts=None, gets=None):
    """Median server-side times (ms) per stage of POST and GET objects, from
    the node's JSON log: its per-request line (latency_us, from the request
    arriving to the response being ready; the body is still to be sent) and
    the handler's debug timing line just before it. `auth` is the rest of
    each request: extractors (Accept, authentication with its user lookup)
    and middleware.

    posts = (skip, count) and gets = (skip, count) select the requests of
    one sequential phase (the one-client ingest; the one-client read pass),
    in log order, where each timing line belongs to the next request line."""
    rows = {"POST": [], "GET": []}
    seen = {"POST": 0, "GET": 0}
    window = {"POST": posts, "GET": gets}
    pending = {"POST": None, "GET": None}
    try:
        f = open(log)
    except OSError:
        return None
    with f:
        for line in f:
            if not line.startswith("{"):
                continue
            try:
                e = json.loads(line)
            except ValueError:
                continue
            msg = e.get("message")
            kind = {"add objects timing": "POST", "get objects timing": "GET"}.get(msg)
            if kind:
                pending[kind] = {k[:-3]: v for k, v in e.items() if k.endswith("_us")}
                continue
            if msg != "request handled":
                continue
            span = e.get("span") or {}
            kind = span.get("method")
            if kind not in rows or not str(span.get("path", "")).endswith("/objects/"):
                continue
            index, seen[kind] = seen[kind], seen[kind] + 1
            timing, pending[kind] = pending[kind], None
            w = window[kind]
            if timing is None or (w is not None and not w[0] <= index < w[0] + w[1]):
                continue
            row = dict(timing)
            row["server"] = span.get("latency_us", 0)
            row["auth"] = max(0, row["server"] - sum(timing.values()))
            rows[kind].append(row)
    out = {}
    for kind, items in rows.items():
        if not items:
            continue
        med = {k: median([i[k] for i in items]) / 1000.0 for k in items[0]}
        med["requests"] = len(items)
        out[kind] = med
    return out


def median(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    n = len(values)
    return values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2.0


def merge(items):
    """The median of every number across `items` (dicts of the same shape)."""
    items = [i for i in items if i is not None]
    if not items:
        return None
    first = items[0]
    if isinstance(first, dict):
        return {k: merge([i.get(k) for i in items if isinstance(i, dict)]) for k in first}
    if isinstance(first, (int, float)) and not isinstance(first, bool):
        return median([i for i in items if isinstance(i, (int, float))])
    return first


def base_label(label):
    return re.sub(r"-r\d+$", "", label)


def report(root):
    meta = load_json(os.path.join(root, "meta.json")) or {}
    raw_rounds = {}
    for name in sorted(os.listdir(root)):
        m = re.match(r"raw-(sqlite|postgres)-r(\d+)\.txt$", name)
        if m:
            raw_rounds.setdefault(m.group(1), {})[int(m.group(2))] = read_raw(os.path.join(root, name))
    raws = {e: merge(list(raw_rounds.get(e, {}).values())) or {} for e in ("sqlite", "postgres")}
    loads = {e: ", ".join(read_text(os.path.join(root, "load-raw-%s-r%d.txt" % (e, k)))
                          for k in sorted(raw_rounds.get(e, {}))) for e in ("sqlite", "postgres")}
    all_runs = [r for r in (run_dir(root, l) for l in meta.get("runs", [])) if r]
    groups = {}
    for r in all_runs:
        groups.setdefault(base_label(r["label"]), []).append(r)
    runs = []
    for label, members in groups.items():
        merged = {"label": label, "meta": members[0]["meta"], "rounds": len(members), "members": members}
        for k in ("ingest", "ingest2", "read1", "readN", "growth", "growth_read", "stages"):
            merged[k] = merge([m.get(k) for m in members])
        merged["hwm_kb"] = max([m["hwm_kb"] for m in members if m["hwm_kb"]] or [0]) or None
        merged["rss_max_kb"] = max([m["rss_max_kb"] for m in members if m["rss_max_kb"]] or [0]) or None
        merged["rss_samples"] = sum(m["rss_samples"] for m in members)
        merged["load"] = members[0]["load"]
        runs.append(merged)
    by = {r["label"]: r for r in runs}
    runs = [r for r in runs if r["label"] != "growth"]  # reported in its own section
    clients = meta.get("read_clients", 4)
    rounds = meta.get("rounds", 1)
    w = print
    w()
    w("=" * 100)
    w("Liaison TAXII benchmark   %s" % meta.get("date", ""))
    w("data: %s indicators of ~%s B each (raw_bench's generator, byte-identical), envelopes of %s, pages of %s"
      % (num(meta.get("objects")), meta.get("object_bytes", "?"), num(meta.get("batch")), num(meta.get("page"))))
    w("machine: %s cores, shared with other builds (load averages 1/5/15 min given with the figures)"
      % meta.get("cores", "?"))
    w("command: %s" % meta.get("command", ""))
    if rounds > 1:
        w("rounds: %d of (raw_bench, then Liaison) per engine; figures are medians over the rounds," % rounds)
        w("        ratios are the median of each round's ratio (raw and TAXII measured back to back)")
    w()
    w("(a) storage engines, raw_bench (fsync on commit; 1,000-row transactions; pages of 1,000)   rows/s")
    w("%-22s %16s %16s" % ("", "sqlite", "postgres"))
    for m in ("raw_insert", "store_insert", "raw_scan", "raw_scan_no_json", "store_scan_all",
              "store_scan_last", "store_scan_manifest"):
        if any(m in raws[e] for e in raws):
            w("%-22s %16s %16s" % (m, num(raws["sqlite"].get(m)), num(raws["postgres"].get(m))))
    for e in ("sqlite", "postgres"):
        per = raw_rounds.get(e, {})
        if len(per) > 1:
            w("  %-8s raw_insert by round: %s;  raw_scan: %s" % (
                e, ", ".join(num(per[k].get("raw_insert")) for k in sorted(per)),
                ", ".join(num(per[k].get("raw_scan")) for k in sorted(per))))
        if loads[e]:
            w("  %-8s load at start of each round: %s" % (e, loads[e]))
    w()
    w("(b, c) TAXII over HTTP on loopback (liaison-taxii client; latency per request, sent to body decoded)")
    head = ("%-30s %9s %11s %15s | %10s %8s %15s | %10s %8s %15s | %8s"
            % ("server", "objects", "ingest o/s", "env p50/p99 ms",
               "read1 o/s", "req/s", "p50/p99 ms",
               "read%d o/s" % clients, "req/s", "p50/p99 ms", "RSS MB"))
    w(head)
    w("-" * len(head))
    for r in runs:
        i, r1, rn = r["ingest"] or {}, r["read1"] or {}, r["readN"] or {}
        lat = lambda x: ("%s/%s" % (num(x["latency"]["p50_ms"], 1), num(x["latency"]["p99_ms"], 1))
                         if x and x.get("latency") else "–")
        rss = r["hwm_kb"] or r["rss_max_kb"]
        title = r["meta"].get("title", r["label"])
        if r["rounds"] > 1:
            title += " x%d" % r["rounds"]
        w("%-30s %9s %11s %15s | %10s %8s %15s | %10s %8s %15s | %8s" % (
            title, num(i.get("objects")), num(i.get("objects_per_s")), lat(i),
            num(r1.get("objects_per_s")), num(r1.get("requests_per_s"), 1), lat(r1),
            num(rn.get("objects_per_s")), num(rn.get("requests_per_s"), 1), lat(rn),
            num(rss / 1024.0, 0) if rss else "–"))
        failures = sum(((m.get("ingest") or {}).get("failures") or 0) + ((m.get("ingest2") or {}).get("failures") or 0)
                       for m in r["members"])
        if failures:
            w("    !! %s objects failed in the status resources" % failures)
    w("load averages during each run (ingest | reads), by round:")
    for r in runs:
        w("  %-28s %s" % (r["meta"].get("title", r["label"]), ";  ".join(
            "%s | %s" % (m["load"]["ingest"] or "–", m["load"]["read"] or "–") for m in r["members"])))
    w("server time per request, one-client phases, medians in ms (node's JSON log; 'auth' = the rest: extractors")
    w("incl. authentication with its user lookup; the latency ends when the response is ready, before it is sent):")
    for r in runs:
        st = r.get("stages") or {}
        if not st:
            continue
        parts = []
        for kind, order in (("POST", ("auth", "lookup", "read", "prepare", "store", "status")),
                            ("GET", ("auth", "lookup", "query", "body"))):
            if kind in st and st[kind]:
                m = st[kind]
                parts.append("%s %.1f = %s" % (kind, m["server"], " + ".join(
                    "%s %.1f" % (k, m.get(k) or 0) for k in order)))
        w("  %-28s %s" % (r["meta"].get("title", r["label"]), ";  ".join(parts)))
    dec = load_json(os.path.join(root, "decode.json"))
    if dec:
        w("  client side: decoding one page of %s objects takes %.2f ms (best of 20, %.0f MB/s); the rest of the gap"
          % (num(dec.get("page")), dec.get("decode_ms", 0), dec.get("mb_per_s", 0)))
        w("  between the client's p50 and the server's median is sending the body, loopback transfer and scheduling")
    w()
    w("ratios (aims: ingest >= 70 % of the engine's raw_insert; reads >= 50 % of its raw_scan)")

    def paired(engine, run_key, raw_key):
        """Median over rounds of TAXII/raw within the same round, and the list."""
        values = []
        for k, raw in sorted(raw_rounds.get(engine, {}).items()):
            r = next((m for m in all_runs if m["label"] == "liaison-%s-r%d" % (engine, k)), None)
            t = ((r or {}).get(run_key) or {}).get("objects_per_s")
            if t and raw.get(raw_key):
                values.append(100.0 * t / raw[raw_key])
        return median(values), values

    def show(engine, run_key, raw_key):
        m, values = paired(engine, run_key, raw_key)
        if m is None:
            return "–"
        if len(values) > 1:
            return "%.0f %% (rounds %s)" % (m, ", ".join("%.0f" % v for v in values))
        return "%.0f %%" % m

    for engine in ("sqlite", "postgres"):
        if "liaison-%s" % engine not in by:
            continue
        w("  %s" % engine)
        w("    ingest, 1 client:            %s of raw_insert;  %s of store_insert"
          % (show(engine, "ingest", "raw_insert"), show(engine, "ingest", "store_insert")))
        if by["liaison-%s" % engine].get("ingest2"):
            w("    ingest, %d clients:           %s of raw_insert"
              % (by["liaison-%s" % engine]["ingest2"].get("clients") or 0, show(engine, "ingest2", "raw_insert")))
        w("    reads, 1 client:             %s of raw_scan" % show(engine, "read1", "raw_scan"))
        w("    reads, %d clients:            %s of raw_scan" % (clients, show(engine, "readN", "raw_scan")))
    for engine in ("sqlite", "postgres"):
        r = by.get("liaison-%s" % engine)
        if r and r.get("ingest2"):
            i2 = r["ingest2"]
            w("  %-9s ingest by %d concurrent clients: %s o/s (p50/p99 %s/%s ms per envelope)"
              % (engine, i2.get("clients", 0), num(i2.get("objects_per_s")),
                 num(i2["latency"]["p50_ms"], 1), num(i2["latency"]["p99_ms"], 1)))
    med = by.get("medallion")
    if med and med["ingest"]:
        m_i, m_1, m_n = med["ingest"], med["read1"] or {}, med["readN"] or {}
        for engine in ("sqlite", "postgres"):
            r = by.get("liaison-%s" % engine)
            if not r or not r["ingest"]:
                continue
            ratio = lambda a, b: ("%.1fx" % (a / b)) if a and b else "–"
            w("  liaison-%-8s vs medallion: ingest %s, reads %s (1 client), %s (%d clients)"
              % (engine, ratio(r["ingest"].get("objects_per_s"), m_i.get("objects_per_s")),
                 ratio((r["read1"] or {}).get("objects_per_s"), m_1.get("objects_per_s")),
                 ratio((r["readN"] or {}).get("objects_per_s"), m_n.get("objects_per_s")), clients))
        if med["meta"].get("objects") != meta.get("objects"):
            w("  note: medallion holds only the first %s of the objects: its memory back end is quadratic"
              % num(med["meta"].get("objects")))
            w("        (every add scans every stored object; the first page of a read compares every manifest")
            w("        entry with every object, parsing timestamps each time), so the full set would take hours;")
            w("        Liaison's rates are on %s objects, so the comparison flatters medallion." % num(meta.get("objects")))
    tls = by.get("liaison-sqlite-tls")
    plain = by.get("liaison-sqlite")
    if tls and plain:
        t1 = lambda r, k: ((r[k] or {}).get("objects_per_s"))
        w("  TLS (rustls, h2) vs plain HTTP on sqlite: ingest %s, reads %s (1 client), %s (%d clients)"
          % (pct(t1(tls, "ingest"), t1(plain, "ingest")), pct(t1(tls, "read1"), t1(plain, "read1")),
             pct(t1(tls, "readN"), t1(plain, "readN")), clients))
    for r in runs:
        rss = r["hwm_kb"] or r["rss_max_kb"]
        if rss and r["meta"].get("server") == "liaison":
            w("  RSS %-26s peak %s MB (VmHWM, max over rounds; sampled VmRSS max %s MB, %d samples) - aim < 150 MB"
              % (r["meta"].get("title"), num(rss / 1024.0), num((r["rss_max_kb"] or 0) / 1024.0), r["rss_samples"]))
    g = by.get("growth")
    if g and g["growth"]:
        gi = g["growth"]
        w()
        w("growth: %s (%s objects, one client, envelopes of %s)" % (g["meta"].get("title"), num(gi.get("objects")), num(meta.get("batch"))))
        w("  %-14s %14s" % ("stored up to", "ingest o/s"))
        rates = []
        for s_ in gi.get("slices", []):
            w("  %-14s %14s" % (num(s_["upto"]), num(s_["objects_per_s"])))
            rates.append(s_["objects_per_s"])
        if rates:
            w("  first slice %s, last %s (%s of the first); min %s, max %s; overall %s o/s"
              % (num(rates[0]), num(rates[-1]), pct(rates[-1], rates[0]), num(min(rates)), num(max(rates)),
                 num(gi.get("objects_per_s"))))
        gr = g["growth_read"]
        if gr:
            w("  full read after growth, 1 client: %s o/s, %s req/s, p50/p99 %s/%s ms"
              % (num(gr.get("objects_per_s")), num(gr.get("requests_per_s"), 1),
                 num(gr["latency"]["p50_ms"], 1), num(gr["latency"]["p99_ms"], 1)))
        st = (g.get("stages") or {}).get("POST")
        if st:
            w("  server time per envelope over the growth (medians, ms): POST %.1f = %s" % (st["server"], " + ".join(
                "%s %.1f" % (k, st.get(k) or 0) for k in ("auth", "lookup", "read", "prepare", "store", "status"))))
        rawg = read_raw(os.path.join(root, "raw-growth.txt"))
        if rawg.get("raw_insert"):
            w("  the engine alone at this size (raw_bench, %s rows, load %s): raw_insert %s, store_insert %s rows/s;"
              % (num(gi.get("objects")), read_text(os.path.join(root, "load-raw-growth.txt")) or "?",
                 num(rawg.get("raw_insert")), num(rawg.get("store_insert"))))
            w("  TAXII ingest over the whole growth = %s of raw_insert, %s of store_insert at that size"
              % (pct(gi.get("objects_per_s"), rawg.get("raw_insert")), pct(gi.get("objects_per_s"), rawg.get("store_insert"))))
            if gr and rawg.get("raw_scan"):
                w("  full read = %s of raw_scan (%s rows/s) at that size"
                  % (pct(gr.get("objects_per_s"), rawg.get("raw_scan")), num(rawg.get("raw_scan"))))
        rss = g["hwm_kb"] or g["rss_max_kb"]
        w("  server RSS: peak %s MB (VmHWM), sampled max %s MB over %d samples (aim < 150 MB); load %s"
          % (num((rss or 0) / 1024.0), num((g["rss_max_kb"] or 0) / 1024.0), g["rss_samples"], g["load"]["growth"]))
        series = []
        for line in read_text(os.path.join(root, "growth", "rss.txt")).splitlines():
            if line.isdigit():
                series.append(int(line))
        if series:
            step = max(1, len(series) // 10)
            w("  VmRSS over the run (MB, every %.1f s): %s" % (0.2 * step, " ".join(
                "%.0f" % (v / 1024.0) for v in series[::step])))
    w("=" * 100)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, rest = sys.argv[1], sys.argv[2:]
    if cmd == "free-port":
        free_port()
    elif cmd == "wait-http":
        wait_http(*rest)
    elif cmd == "medallion-config":
        medallion_config(rest)
    elif cmd == "report":
        report(rest[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Driver of bench/federation.sh (standard library only).

  federation_helper.py latency --url URL --ca CERT --user U --password P \
      --to cert-b --shares N --objects FILE
  federation_helper.py bulk --url URL --ca CERT --user U --password P \
      --to cert-b --objects FILE --batch 1000
  federation_helper.py count --url URL --ca CERT --user U --password P --collection from-cert-a
  federation_helper.py report DIR

latency: one object per share (POST /admin/v1/share), each timed from just
before the POST until GET /admin/v1/objects/{id}/status first shows the
recipient's receipt (polled back to back over the same kept-alive
connection). Also reports the signed times: the provenance's shared_at to
the receipt's received_at (the recipient's clock, the same machine).

bulk: the objects of FILE (one JSON object per line) shared in shares of
--batch, one after another; then GET /admin/v1/federation is polled (every
20 ms) until nothing is pending for the peer, i.e. every receipt is in.
Times: the shares alone, and first share to last receipt.

Each prints one JSON object on stdout.
"""

import base64
import calendar
import http.client
import json
import ssl
import sys
import time
import urllib.parse


def connection(url, ca):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        context = ssl.create_default_context(cafile=ca)
        return http.client.HTTPSConnection(parts.hostname, parts.port, context=context, timeout=600)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)


class Admin:
    def __init__(self, args):
        self.conn = connection(args["url"], args.get("ca"))
        token = base64.b64encode(f'{args["user"]}:{args["password"]}'.encode()).decode()
        self.headers = {"Authorization": "Basic " + token, "Accept": "application/json"}

    def call(self, method, path, body=None):
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        self.conn.request(method, "/admin/v1" + path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise SystemExit(f"{method} {path}: {response.status} {data[:500]!r}")
        return json.loads(data)

    def share(self, objects, to):
        body = '{"to":%s,"objects":[%s]}' % (json.dumps(to), ",".join(objects))
        answer = self.call("POST", "/share", body.encode())
        failures = sum(len(s.get("failures", [])) for s in answer.get("statuses", []))
        if failures:
            raise SystemExit(f"share refused {failures} objects: {json.dumps(answer)[:1000]}")
        return answer


def parse_time(text):
    """Seconds since the epoch of a TAXII timestamp (microseconds)."""
    main, _, frac = text.rstrip("Z").partition(".")
    seconds = calendar.timegm(time.strptime(main, "%Y-%m-%dT%H:%M:%S"))
    return seconds + float("0." + (frac or "0"))


def percentiles(values):
    values = sorted(values)
    if not values:
        return {}
    def at(p):
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]
    return {
        "n": len(values),
        "p50_ms": at(50) * 1000,
        "p90_ms": at(90) * 1000,
        "p99_ms": at(99) * 1000,
        "max_ms": values[-1] * 1000,
        "mean_ms": sum(values) / len(values) * 1000,
    }


def read_objects(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def latency(args):
    admin = Admin(args)
    to = args["to"]
    objects = read_objects(args["objects"])[: int(args["shares"])]
    wall, signed, polls = [], [], 0
    for text in objects:
        object_id = json.loads(text)["id"]
        path = "/objects/%s/status" % urllib.parse.quote(object_id, safe="")
        started = time.perf_counter()
        admin.share([text], to)
        while True:
            polls += 1
            status = admin.call("GET", path)
            recipient = status["versions"][-1]["recipients"][0]
            if recipient["state"] != "queued":
                break
        wall.append(time.perf_counter() - started)
        if recipient["state"] != "delivered":
            raise SystemExit(f"{object_id}: {json.dumps(recipient)}")
        version = status["versions"][-1]
        signed.append(parse_time(recipient["delivered_at"]) - parse_time(version["shared_at"]))
    print(json.dumps({
        "shares": len(objects),
        "wall": percentiles(wall),
        "signed": percentiles(signed),
        "status_polls_per_share": polls / max(1, len(objects)),
    }))


def pending(admin, peer):
    federation = admin.call("GET", "/federation")
    for p in federation["peers"]:
        if p["name"] == peer:
            return p["pending"], p
    raise SystemExit(f"no peer {peer}")


def share_in_batches(admin, objects, batch, to):
    for i in range(0, len(objects), batch):
        admin.share(objects[i:i + batch], to)


def bulk(args):
    admin = Admin(args)
    to = args["to"]
    batch = int(args["batch"])
    objects = read_objects(args["objects"])
    started = time.perf_counter()
    share_in_batches(admin, objects, batch, to)
    shared = time.perf_counter()
    while True:
        left, peer = pending(admin, to)
        if left == 0:
            break
        time.sleep(0.02)
    done = time.perf_counter()
    print(json.dumps({
        "objects": len(objects),
        "batch": batch,
        "share_s": shared - started,
        "share_objects_per_s": len(objects) / (shared - started),
        "transfer_s": done - started,
        "objects_per_s": len(objects) / (done - started),
        "peer": peer,
    }))


def share(args):
    """Shares the objects of FILE in shares of --batch, without waiting for
    delivery (the recipient may be down)."""
    admin = Admin(args)
    batch = int(args["batch"])
    objects = read_objects(args["objects"])
    started = time.perf_counter()
    share_in_batches(admin, objects, batch, args["to"])
    seconds = time.perf_counter() - started
    print(json.dumps({"objects": len(objects), "batch": batch, "share_s": seconds,
                      "share_objects_per_s": len(objects) / seconds}))


def drain(args):
    """Waits until the origin's outbox for --to is empty; times from --since
    (seconds since the epoch: when the recipient was started)."""
    admin = Admin(args)
    while True:
        left, peer = pending(admin, args["to"])
        if left == 0:
            break
        time.sleep(0.02)
    seconds = time.time() - float(args["since"])
    objects = int(args["objects"])
    print(json.dumps({"objects": objects, "transfer_s": seconds,
                      "objects_per_s": objects / seconds, "peer": peer}))


def count(args):
    conn = connection(args["url"], args.get("ca"))
    token = base64.b64encode(f'{args["user"]}:{args["password"]}'.encode()).decode()
    headers = {"Authorization": "Basic " + token, "Accept": "application/taxii+json;version=2.1"}
    ids, versions, next_ = set(), 0, None
    while True:
        query = "limit=1000&match[version]=all" + (f"&next={urllib.parse.quote(next_)}" if next_ else "")
        conn.request("GET", f'/default/collections/{args["collection"]}/manifest/?{query}', headers=headers)
        response = conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise SystemExit(f"manifest: {response.status} {data[:300]!r}")
        page = json.loads(data) if data else {}
        for record in page.get("objects", []):
            ids.add(record["id"])
            versions += 1
        if not page.get("more"):
            break
        next_ = page["next"]
    print(json.dumps({"ids": len(ids), "records": versions}))


def report(root):
    def load(name):
        with open(f"{root}/{name}") as f:
            return json.load(f)
    meta, lat, bulk_, ingest, held, offline, catch_up, held_after = (load(n) for n in (
        "meta.json", "latency.json", "bulk.json", "ingest.json", "held.json",
        "offline.json", "catch-up.json", "held-after.json"))
    ingest_cpu, catch_up_cpu = load("ingest-cpu.json"), load("catch-up-cpu.json")
    w, s = lat["wall"], lat["signed"]
    per_k = lambda ms, objects: ms / objects * 1000  # noqa: E731
    ratio = bulk_["objects_per_s"] / ingest["objects_per_s"]
    transfer = catch_up["objects_per_s"] / ingest["objects_per_s"]
    lines = [
        f"Federation benchmark ({meta['date']}; {meta['cores']} cores; {meta['binary']}; SQLite; loopback, TLS)",
        f"  command: {meta['command']}",
        "",
        f"share -> receipt at origin, {lat['shares']} single-object shares A -> B (admin API):",
        f"  until A's status shows B's receipt: p50 {w['p50_ms']:.1f} ms, p90 {w['p90_ms']:.1f} ms, "
        f"p99 {w['p99_ms']:.1f} ms, mean {w['mean_ms']:.1f} ms, max {w['max_ms']:.1f} ms",
        f"  signed times (shared_at -> receipt received_at): p50 {s['p50_ms']:.1f} ms, p99 {s['p99_ms']:.1f} ms",
        f"  aim p50 < 10 ms: {'met' if w['p50_ms'] < 10 else 'NOT met'}",
        "",
        f"bulk transfer A -> B, {bulk_['objects']} objects (~{meta['object_bytes']} B), shares of {bulk_['batch']}:",
        f"  shares at A alone: {bulk_['share_objects_per_s']:.0f} objects/s ({bulk_['share_s']:.1f} s)",
        f"  first share -> last receipt at A: {bulk_['objects_per_s']:.0f} objects/s ({bulk_['transfer_s']:.1f} s)",
        f"  B holds {held['ids']} distinct objects in {held['records']} versions "
        f"(expected {meta['expected']}: the bulk and the latency objects)",
        "",
        f"catch-up transfer A -> B, {catch_up['objects']} more objects shared while B was down:",
        f"  shares at A (B down): {offline['share_objects_per_s']:.0f} objects/s ({offline['share_s']:.1f} s)",
        f"  B restarted -> last receipt at A: {catch_up['objects_per_s']:.0f} objects/s ({catch_up['transfer_s']:.1f} s)",
        f"  B then holds {held_after['ids']} distinct objects in {held_after['records']} versions "
        f"(expected {meta['expected'] + catch_up['objects']})",
        f"  CPU per 1,000 objects: A (origin) {per_k(catch_up_cpu['origin'], catch_up['objects']):.0f} ms, "
        f"B (recipient, from its start) {per_k(catch_up_cpu['recipient'], catch_up['objects']):.0f} ms",
        "",
        f"single-node TAXII ingest, same objects, envelopes of {meta['batch']}, 1 client, https:",
        f"  {ingest['objects_per_s']:.0f} objects/s (p50 {ingest['latency']['p50_ms']:.1f} ms per envelope); "
        f"CPU per 1,000 objects: {per_k(ingest_cpu['node'], ingest['objects']):.0f} ms",
        "",
        f"transfer between the nodes (catch-up) / single-node ingest: {transfer * 100:.0f} % "
        f"(aim >= 50 %: {'met' if transfer >= 0.5 else 'NOT met'})",
        f"sharing and transfer at once (bulk) / single-node ingest: {ratio * 100:.0f} %",
        f"load average: {meta.get('load', '?')}",
    ]
    print("\n".join(lines))


def main():
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "report":
        report(rest[0])
        return
    args = {}
    it = iter(rest)
    for flag in it:
        args[flag.lstrip("-").replace("-", "_")] = next(it)
    {"latency": latency, "bulk": bulk, "share": share, "drain": drain, "count": count}[command](args)


if __name__ == "__main__":
    main()

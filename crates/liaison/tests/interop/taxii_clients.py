#!/usr/bin/env python3
"""Interop check: a running `liaison serve` driven by real TAXII 2.1 clients.

Every TAXII 2.1 endpoint is exercised with taxii2-client (v21 API: Server,
ApiRoot, Collection, Status, as_pages) and stix2 (objects built with the
library, its TAXIICollectionStore), plus raw `requests` calls where a check
needs what the client library hides (headers, error bodies, requests the
client refuses to send). Every STIX object the server returns is checked with
stix2-validator and parsed back with stix2.

The node and its users, grants and collections are prepared by
crates/liaison/tests/interop.rs, which passes them as JSON in LIAISON_INTEROP:

    {"base_url": "https://127.0.0.1:PORT", "ca_cert": "/.../tls/cert.pem" | null,
     "api_root": "default", "title": "Liaison", "max_page_size": 100 | null,
     "users": {"admin":  {"name": ..., "password": ...},
               "alice":  {..., "token": "liaison_..."},   analyst, read-write on interop and paging
               "rita":   {...},                           reader, read on interop
               "walt":   {...},                           analyst, write-only on dropbox
               "nobody": {...}},                          analyst without grants
     "collections": {"shared": ID, "interop": ID, "paging": ID, "dropbox": ID}}

Prints one line per check and exits 1 at the first failed check, with what
was asked and what came back. Deterministic: ids come from a seeded
generator and timestamps are fixed (only `date_added` is the server's).
"""

import contextlib
import datetime
import json
import os
import random
import re
import socket
import ssl
import sys
import time
import traceback
import uuid

import requests
import stix2
from stix2.datastore.taxii import TAXIICollectionStore
from stix2validator import ValidationOptions, validate_instance
from taxii2client import common as taxii_common
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

# requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE (read at request time)
# override a Session's `verify` (psf/requests#3829), and taxii2-client sets
# `session.verify`: with either variable set, the node's certificate would
# not be trusted.
for _name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
    os.environ.pop(_name, None)

TAXII = "application/taxii+json;version=2.1"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
UUID4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

if "LIAISON_INTEROP" not in os.environ:
    sys.exit("LIAISON_INTEROP is not set: this script is run by crates/liaison/tests/interop.rs "
             "(scripts/test interop)")
CONFIG = json.loads(os.environ["LIAISON_INTEROP"])
BASE = CONFIG["base_url"].rstrip("/")
VERIFY = CONFIG.get("ca_cert") or True
ROOT_URL = f"{BASE}/{CONFIG['api_root']}/"
USERS = CONFIG["users"]
COLLECTIONS = CONFIG["collections"]


class Failure(Exception):
    """A failed check, with a message that says what was expected."""


def expect(condition, message):
    if not condition:
        raise Failure(message)


def expect_eq(actual, wanted, what):
    if actual != wanted:
        raise Failure(f"{what}: got {actual!r}, expected {wanted!r}")


# --------------------------------------------------------------------------
# Check list

STARTED = time.monotonic()
PASSED = 0


@contextlib.contextmanager
def check(name):
    """One line of the check list; the first failure ends the run."""
    global PASSED
    try:
        yield
    except Exception as e:  # noqa: BLE001 - every error is a failed check
        print(f"FAIL {name}", flush=True)
        if isinstance(e, Failure):
            print(f"     {e}", flush=True)
        else:
            print(f"     {type(e).__name__}: {e}", flush=True)
            if isinstance(e, requests.HTTPError) and e.response is not None:
                print(f"     response: {describe(e.response)}", flush=True)
            traceback.print_exc(file=sys.stdout)
        print(f"\n{PASSED} check(s) passed before the failure "
              f"({time.monotonic() - STARTED:.1f} s)", flush=True)
        sys.exit(1)
    PASSED += 1
    print(f"ok   {name}", flush=True)


def describe(resp):
    """A response in one line: request, status, media type, start of the body."""
    body = resp.text if len(resp.text) <= 400 else resp.text[:400] + "..."
    return (f"{resp.request.method} {resp.request.url} -> {resp.status_code} "
            f"Content-Type={resp.headers.get('Content-Type')!r} body={body!r}")


# --------------------------------------------------------------------------
# Every HTTP response, whichever client made it, must be TAXII 2.1 (A.2: "Every
# response MUST carry the media type + version parameter, including error
# responses"). taxii2-client checks this only on successful GETs, so a hook on
# every session it opens checks POST, DELETE and errors too.

LAST = {}


def media_type_ok(value):
    parts = [p.strip().lower() for p in (value or "").split(";")]
    return parts[0] == "application/taxii+json" and "version=2.1" in parts[1:]


def on_response(resp, *args, **kwargs):
    LAST["response"] = resp
    if not media_type_ok(resp.headers.get("Content-Type")):
        raise Failure(f"response is not {TAXII} (every TAXII 2.1 response, errors included): "
                      f"{describe(resp)}")
    return resp


_original_connection_init = taxii_common._HTTPConnection.__init__


def _hooked_connection_init(self, *args, **kwargs):
    _original_connection_init(self, *args, **kwargs)
    self.session.hooks["response"].append(on_response)


taxii_common._HTTPConnection.__init__ = _hooked_connection_init


class BearerAuth(requests.auth.AuthBase):
    """`Authorization: Bearer <token>` (taxii2-client's TokenAuth says `Token`)."""

    def __init__(self, token):
        self.token = token

    def __call__(self, r):
        r.headers["Authorization"] = f"Bearer {self.token}"
        return r


def basic(who):
    user = USERS[who]
    return {"user": user["name"], "password": user["password"]}


class Raw:
    """Plain requests, for what taxii2-client does not expose or refuses to send."""

    def __init__(self):
        self.session = requests.Session()
        self.session.verify = VERIFY
        self.session.hooks["response"].append(on_response)

    def __call__(self, method, path, who=None, auth=None, accept=TAXII, headers=None,
                 **kwargs):
        all_headers = {"Accept": accept} if accept else {}
        all_headers.update(headers or {})
        if who is not None:
            auth = (USERS[who]["name"], USERS[who]["password"])
        url = path if path.startswith("http") else BASE + path
        return self.session.request(method, url, auth=auth, headers=all_headers, **kwargs)


raw = Raw()


def expect_error(resp, status, what):
    """A TAXII error response: the status, the media type (hook), an error body."""
    expect(resp.status_code == status,
           f"{what}: expected HTTP {status}, got {describe(resp)}")
    try:
        body = resp.json()
    except ValueError:
        raise Failure(f"{what}: the error body is not JSON (TAXII error resource): "
                      f"{describe(resp)}")
    expect(isinstance(body, dict) and isinstance(body.get("title"), str) and body["title"],
           f"{what}: the error resource needs a non-empty string `title` (TAXII error resource): "
           f"{describe(resp)}")
    if "http_status" in body:
        expect_eq(body["http_status"], str(status), f"{what}: error resource `http_status`")
    if status == 401:
        challenge = resp.headers.get("WWW-Authenticate", "")
        expect("basic" in challenge.lower(),
               f"{what}: a 401 needs a WWW-Authenticate challenge for Basic (§8.2.2): "
               f"got {challenge!r}")
    return body


def expect_client_error(call, status, what):
    """A taxii2-client call that must fail with `status` and a TAXII error."""
    try:
        result = call()
    except requests.HTTPError as e:
        return expect_error(e.response, status, what)
    raise Failure(f"{what}: expected HTTP {status}, the call returned {str(result)[:300]!r}")


def headers_of_last_response():
    return LAST["response"].headers


def expect_date_added_headers(where):
    """X-TAXII-Date-Added-First/Last on the last (non-empty) response (reference A.8)."""
    headers = headers_of_last_response()
    first = headers.get("X-TAXII-Date-Added-First", "")
    last = headers.get("X-TAXII-Date-Added-Last", "")
    expect(TIMESTAMP.match(first) and TIMESTAMP.match(last) and first <= last,
           f"{where}: X-TAXII-Date-Added-First={first!r}, X-TAXII-Date-Added-Last={last!r} "
           "(both required, microsecond timestamps, first <= last)")
    return first, last


# --------------------------------------------------------------------------
# STIX content and the validator

RNG = random.Random(20261129)


def uid(stix_type):
    return f"{stix_type}--{uuid.UUID(int=RNG.getrandbits(128), version=4)}"


def ts(day, seconds=0):
    moment = datetime.datetime(2026, 1, day, tzinfo=datetime.timezone.utc) + \
        datetime.timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def as_dict(obj):
    return json.loads(obj.serialize())


VALIDATION = ValidationOptions(version="2.1")
VALIDATED = set()


def validate_objects(objects, where):
    """stix2-validator and stix2.parse accept every object the server returned."""
    for obj in objects:
        key = json.dumps(obj, sort_keys=True)
        if key in VALIDATED:
            continue
        result = validate_instance(obj, VALIDATION)
        expect(result.is_valid,
               f"{where}: stix2-validator rejects {obj.get('id')}: "
               f"{[str(e) for e in result.errors]}")
        stix2.parse(obj, allow_custom=True)
        VALIDATED.add(key)


def objects_of(envelope, where):
    expect(isinstance(envelope, dict), f"{where}: the envelope is not a JSON object")
    objects = envelope.get("objects", [])
    expect("objects" not in envelope or objects,
           f"{where}: `objects` must be omitted rather than empty (TAXII lists are never empty)")
    validate_objects(objects, where)
    return objects


def version_of(obj):
    return obj.get("modified") or obj.get("created")


def ids(objects):
    return [o["id"] for o in objects]


def keys(objects):
    return [(o["id"], version_of(o)) for o in objects]


def expect_status(status, total, success, failure=0, what="status"):
    expect(UUID4.match(status.id or ""),
           f"{what}: id {status.id!r} is not a UUIDv4 (TAXII identifier)")
    expect_eq(status.status, "complete", f"{what}: status")
    expect_eq(status.total_count, total, f"{what}: total_count")
    expect_eq(status.success_count, success, f"{what}: success_count")
    expect_eq(status.failure_count, failure, f"{what}: failure_count")
    expect_eq(status.pending_count, 0, f"{what}: pending_count")
    if status.request_timestamp is not None:
        expect(TIMESTAMP.match(status.request_timestamp),
               f"{what}: request_timestamp {status.request_timestamp!r} lacks microseconds")
    for detail in status.successes + status.failures:
        expect(isinstance(detail.get("id"), str) and isinstance(detail.get("version"), str),
               f"{what}: status-details need `id` and `version` (status-details): {detail!r}")


def add(collection, objects=(), envelope=None):
    """Add Objects through taxii2-client (`objects`, or a ready `envelope`),
    waiting until the status is final."""
    body = envelope if envelope is not None else {"objects": [as_dict(o) for o in objects]}
    return collection.add_objects(body, wait_for_completion=True, poll_interval=0.2, timeout=20)


# The interop collection's content.
T1, T2, T3 = ts(1), ts(2), ts(3)
IDENTITY = stix2.Identity(id=uid("identity"), created=T1, modified=T1,
                          name="Liaison interop test", identity_class="organization")
EXTENSION = stix2.ExtensionDefinition(
    id=uid("extension-definition"), created=T1, modified=T1, created_by_ref=IDENTITY.id,
    name="Interop release tracking", schema="https://example.org/interop-schema.json",
    version="1.0.0", extension_types=["toplevel-property-extension"],
    extension_properties=["version"])
# Objects carrying their own `version` property (the reference server fails on
# those): custom (string and integer), through a top-level property extension,
# and standard (software, extension-definition).
MALWARE = stix2.Malware(id=uid("malware"), created=T1, modified=T1, name="Interop Loader",
                        is_family=True, malware_types=["trojan"], created_by_ref=IDENTITY.id,
                        custom_properties={"version": "2.4"})
CAMPAIGN = stix2.Campaign(id=uid("campaign"), created=T1, modified=T1, name="Interop Campaign",
                          custom_properties={"version": 3})
TOOL = stix2.Tool(id=uid("tool"), created=T1, modified=T1, name="Interop Tool",
                  extensions={EXTENSION.id: {"extension_type": "toplevel-property-extension"}},
                  custom_properties={"version": "2026.1"})
SOFTWARE = stix2.Software(name="Interop Agent", vendor="Example", version="3.1.4")
INDICATOR_V1 = stix2.Indicator(id=uid("indicator"), created=T1, modified=T1,
                               name="Interop C2 v1", indicator_types=["malicious-activity"],
                               pattern="[ipv4-addr:value = '198.51.100.7']",
                               pattern_type="stix", valid_from=T1)
INDICATOR_V2 = INDICATOR_V1.new_version(modified=T2, name="Interop C2 v2")
INDICATOR_V3 = INDICATOR_V1.new_version(modified=T3, name="Interop C2 v3", confidence=80)
RELATIONSHIP = stix2.Relationship(id=uid("relationship"), created=T1, modified=T1,
                                  relationship_type="indicates", source_ref=INDICATOR_V1.id,
                                  target_ref=MALWARE.id)
IPV4 = stix2.IPv4Address(value="198.51.100.7")
DOMAIN = stix2.DomainName(value="c2.interop.example", resolves_to_refs=[IPV4.id])
FILE = stix2.File(name="loader.exe", hashes={
    "SHA-256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"})
OBSERVED = stix2.ObservedData(id=uid("observed-data"), created=T1, modified=T1,
                              first_observed=T1, last_observed=T2, number_observed=3,
                              object_refs=[IPV4.id, DOMAIN.id, FILE.id])
NOTE = stix2.Note(id=uid("note"), created=T2, modified=T2, content="Seen in the interop test.",
                  object_refs=[MALWARE.id])
ATTACK_PATTERN = stix2.AttackPattern(id=uid("attack-pattern"), created=T2, modified=T2,
                                     name="Interop Phishing")
# Invalid STIX 2.1: an indicator without `pattern_type` and with a broken pattern.
INVALID_INDICATOR = {
    "type": "indicator", "spec_version": "2.1", "id": uid("indicator"),
    "created": T1, "modified": T1, "pattern": "[ipv4-addr:value = ", "valid_from": T1,
}

FIRST_ENVELOPE = [IDENTITY, EXTENSION, MALWARE, CAMPAIGN, TOOL, SOFTWARE, INDICATOR_V1,
                  RELATIONSHIP, IPV4, DOMAIN, FILE, OBSERVED]


def paging_objects(count):
    """`count` objects of five types, in the order they are posted."""
    makers = [
        lambda i, t: stix2.Indicator(id=uid("indicator"), created=t, modified=t,
                                     pattern=f"[ipv4-addr:value = '10.0.{i // 256}.{i % 256}']",
                                     pattern_type="stix", valid_from=t),
        lambda i, t: stix2.Malware(id=uid("malware"), created=t, modified=t,
                                   name=f"Paging malware {i}", is_family=False),
        lambda i, t: stix2.AttackPattern(id=uid("attack-pattern"), created=t, modified=t,
                                         name=f"Paging attack pattern {i}"),
        lambda i, t: stix2.Identity(id=uid("identity"), created=t, modified=t,
                                    name=f"Paging identity {i}", identity_class="individual"),
        lambda i, t: stix2.Tool(id=uid("tool"), created=t, modified=t, name=f"Paging tool {i}"),
    ]
    return [as_dict(makers[i % len(makers)](i, ts(5, i))) for i in range(count)]


def collection_url(name):
    return f"{ROOT_URL}collections/{COLLECTIONS[name]}/"


def collection_for(name, **auth):
    return Collection(collection_url(name), verify=VERIFY, **auth)


# The latest version of every object in the interop collection once everything
# is added (the indicator has two older versions).
LATEST = [IDENTITY, EXTENSION, MALWARE, CAMPAIGN, TOOL, SOFTWARE, INDICATOR_V3, RELATIONSHIP,
          IPV4, DOMAIN, FILE, OBSERVED, NOTE, ATTACK_PATTERN]
LATEST_BY_ID = {o.id: as_dict(o) for o in LATEST}
PAGING_OBJECTS = paging_objects(250)
INTEROP = f"/{CONFIG['api_root']}/collections/{COLLECTIONS['interop']}/"
DROPBOX = f"/{CONFIG['api_root']}/collections/{COLLECTIONS['dropbox']}/"
SHARED = f"/{CONFIG['api_root']}/collections/{COLLECTIONS['shared']}/"
# Status ids of add requests, by name, for the status checks.
STATUS_IDS = {}


def interop_as(who):
    return collection_for("interop", **basic(who))


def manifest_all(collection, **filters):
    records = []
    for page in as_pages(collection.get_manifest, per_request=100, **filters):
        records.extend(page.get("objects", []))
    return records


# --------------------------------------------------------------------------
# The checks


def discovery_api_root_collections():
    with check("discovery: title, api_roots resolved against /taxii2/, default is one of them"):
        server = Server(f"{BASE}/taxii2/", verify=VERIFY, **basic("alice"))
        expect(server.title, "discovery: `title` is required")
        if CONFIG.get("title"):
            expect_eq(server.title, CONFIG["title"], "discovery title")
        urls = [r.url for r in server.api_roots]
        expect(ROOT_URL in urls, f"discovery: api_roots {urls} lack {ROOT_URL}")
        expect(server.default is not None, f"discovery: `default` {server._raw.get('default')!r} "
               f"is not one of api_roots {server._raw.get('api_roots')!r}")
        expect_eq(server.default.url, ROOT_URL, "discovery default")
        for entry in server._raw["api_roots"]:
            expect(entry.startswith("https://") or (entry.startswith("/") and
                                                    not entry.startswith("//")),
                   f"discovery: api_roots entry {entry!r} is neither absolute HTTPS nor "
                   "server-relative (discovery resource)")

    with check("discovery without credentials (Liaison answers it before login)"):
        anonymous = Server(f"{BASE}/taxii2/", verify=VERIFY)
        expect_eq(anonymous.title, server.title, "anonymous discovery title")

    with check("api root: title, versions include TAXII 2.1, max_content_length > 0"):
        root = server.default
        expect(root.title, "api root: `title` is required")
        expect(TAXII in root.versions, f"api root versions {root.versions} lack {TAXII}")
        expect(isinstance(root.max_content_length, int) and root.max_content_length > 0,
               f"api root max_content_length {root.max_content_length!r}")

    expected_rights = {
        "admin": {c: (True, True) for c in COLLECTIONS},
        "alice": {"interop": (True, True), "paging": (True, True)},
        "rita": {"interop": (True, False)},
        "walt": {"dropbox": (False, True)},
        "nobody": {},
    }
    for who, rights in expected_rights.items():
        with check(f"collections as {who}: exactly the granted ones, can_read/can_write per user"):
            listed = ApiRoot(ROOT_URL, verify=VERIFY, **basic(who)).collections
            got = {c.id: (c.can_read, c.can_write) for c in listed}
            wanted = {COLLECTIONS[name]: rw for name, rw in rights.items()}
            expect_eq(got, wanted, f"Get Collections as {who}: {{id: (can_read, can_write)}}")
            for c in listed:
                expect(c.title, f"collection {c.id}: `title` is required")
                expect(UUID4.match(c.id), f"collection id {c.id!r} is not a UUIDv4")
            if not rights:
                resp = raw("GET", f"/{CONFIG['api_root']}/collections/", who=who)
                expect_eq(resp.json(), {}, "Get Collections without any collection (must be `{}`)")
        for name, (can_read, can_write) in rights.items():
            with check(f"collection {name} as {who}: can_read={can_read}, can_write={can_write}"):
                single = collection_for(name, **basic(who))
                expect_eq((single.id, single.can_read, single.can_write),
                          (COLLECTIONS[name], can_read, can_write), f"Get a Collection {name}")
                expect("application/stix+json;version=2.1" in single.media_types,
                       f"collection {name} media_types {single.media_types}")

    with check("collection by alias: /collections/interop/ is the interop collection"):
        resp = raw("GET", f"/{CONFIG['api_root']}/collections/interop/", who="alice")
        expect(resp.status_code == 200, describe(resp))
        expect_eq(resp.json()["id"], COLLECTIONS["interop"], "collection id by alias")


def add_objects():
    alice = interop_as("alice")

    with check("add_objects: envelope of SDOs, SRO, SCOs, extension-definition, objects with "
               "their own `version` property -> complete"):
        status = add(alice, FIRST_ENVELOPE)
        expect_status(status, len(FIRST_ENVELOPE), len(FIRST_ENVELOPE), what="first envelope")
        got = {d["id"]: d["version"] for d in status.successes}
        expect_eq(sorted(got), sorted(o.id for o in FIRST_ENVELOPE), "ids of status successes")
        for obj in map(as_dict, FIRST_ENVELOPE):
            if version_of(obj) is not None:
                expect_eq(got[obj["id"]], version_of(obj), f"status version of {obj['id']}")
        STATUS_IDS["first"] = (status.id, len(FIRST_ENVELOPE))
        # Status.refresh: Get Status at the URL taxii2-client derives from the
        # collection's (../../status/{id}/), as wait_until_final polls it.
        status.refresh()
        expect_status(status, len(FIRST_ENVELOPE), len(FIRST_ENVELOPE), what="Status.refresh")
        expect(status.url.endswith(f"/{CONFIG['api_root']}/status/{status.id}/"),
               f"status URL {status.url}")

    with check("add_objects: a STIX bundle (stix2.Bundle string), two new versions -> complete"):
        bundle = stix2.Bundle(INDICATOR_V2, INDICATOR_V3)
        status = alice.add_objects(bundle.serialize(), wait_for_completion=True,
                                   poll_interval=0.2, timeout=20)
        expect_status(status, 2, 2, what="bundle")
        expect_eq(sorted(d["version"] for d in status.successes), [T2, T3], "bundle versions")

    with check("add_objects: one valid, one invalid object -> success 1, failure 1 with a message"):
        status = add(alice, envelope={"objects": [as_dict(NOTE), INVALID_INDICATOR]})
        expect_status(status, 2, 1, 1, what="mixed envelope")
        expect_eq(status.successes[0]["id"], NOTE.id, "the valid object succeeded")
        failure = status.failures[0]
        expect_eq(failure["id"], INVALID_INDICATOR["id"], "the invalid object failed")
        expect("pattern_type" in failure.get("message", ""),
               f"the failure message should name the missing property pattern_type: {failure!r}")

    with check("add_objects: exact duplicates are successes and add no manifest record"):
        before = manifest_all(alice, version="all")
        status = add(alice, [IDENTITY, MALWARE, SOFTWARE])
        expect_status(status, 3, 3, what="duplicates")
        after = manifest_all(alice, version="all")
        expect_eq(after, before, "manifest after re-posting stored versions")

    with check("stix2 TAXIICollectionStore: add, get, all_versions, query"):
        store = TAXIICollectionStore(alice, allow_custom=True)
        store.add(ATTACK_PATTERN)
        got = store.get(ATTACK_PATTERN.id)
        expect(got is not None and got.name == ATTACK_PATTERN.name,
               f"TAXIICollectionSource.get({ATTACK_PATTERN.id}) -> {got!r}")
        versions = sorted(str(v.modified) for v in store.all_versions(INDICATOR_V1.id))
        expect_eq(len(versions), 3, f"all_versions of the indicator: {versions}")
        found = store.query([stix2.Filter("type", "=", "attack-pattern")])
        expect_eq([o.id for o in found], [ATTACK_PATTERN.id], "query type=attack-pattern")
        expect_eq(store.get(uid("indicator")), None, "get of an unknown id")


def status_lookup():
    with check("status lookup by id (owner), by an administrator; 404 for another user and "
               "an unknown id"):
        status_id, total = STATUS_IDS["first"]
        status = ApiRoot(ROOT_URL, verify=VERIFY, **basic("alice")).get_status(status_id)
        expect_status(status, total, total, what="Get Status")
        status = ApiRoot(ROOT_URL, verify=VERIFY, **basic("admin")).get_status(status_id)
        expect_eq(status.id, status_id, "status id as admin")
        expect_client_error(
            lambda: ApiRoot(ROOT_URL, verify=VERIFY, **basic("rita")).get_status(status_id),
            404, "Get Status of another user's request")
        expect_client_error(
            lambda: ApiRoot(ROOT_URL, verify=VERIFY, **basic("alice")).get_status(
                str(uuid.UUID(int=RNG.getrandbits(128), version=4))),
            404, "Get Status of an unknown id")


def get_objects_and_filters():
    alice = interop_as("alice")
    with check("get_objects: latest version of every object, content unchanged, valid STIX"):
        envelope = alice.get_objects()
        objects = objects_of(envelope, "get_objects")
        expect(not envelope.get("more"), "get_objects: `more` with everything returned")
        expect_eq(sorted(ids(objects)), sorted(LATEST_BY_ID), "ids returned by get_objects")
        for obj in objects:
            expect_eq(obj, LATEST_BY_ID[obj["id"]], f"content of {obj['id']}")
        expect_date_added_headers("get_objects")

    with check("objects with their own `version` property: unchanged, and never mistaken for "
               "the TAXII version (modified)"):
        for obj in (MALWARE, CAMPAIGN, TOOL, SOFTWARE, EXTENSION):
            got = objects_of(alice.get_object(obj.id), f"get_object {obj.id}")
            expect_eq(got, [as_dict(obj)], f"get_object {obj.id}")
            records = alice.get_manifest(id=obj.id).get("objects", [])
            expect_eq(len(records), 1, f"manifest records of {obj.id}")
            version = records[0]["version"]
            expect(version != str(obj["version"]),
                   f"manifest version of {obj.id} is its `version` property {version!r}")
            if "modified" in obj:
                expect_eq(version, as_dict(obj)["modified"], f"manifest version of {obj.id}")
            expect_eq(alice.object_versions(obj.id).get("versions"), [version],
                      f"object_versions of {obj.id}")
            got = objects_of(alice.get_object(obj.id, version=version),
                             f"get_object {obj.id} match[version]={version}")
            expect_eq(ids(got), [obj.id], f"get_object {obj.id} match[version]={version}")
            expect_eq(alice.get_object(obj.id, version=T3), {},
                      f"get_object {obj.id} with a version it does not have")

    with check("get_objects match[type]: one type, and a comma list"):
        got = objects_of(alice.get_objects(type="indicator"), "match[type]=indicator")
        expect_eq(keys(got), [(INDICATOR_V1.id, T3)], "match[type]=indicator")
        got = objects_of(alice.get_objects(type=["malware", "ipv4-addr"]),
                         "match[type]=malware,ipv4-addr")
        expect_eq(sorted(ids(got)), sorted([MALWARE.id, IPV4.id]), "match[type]=malware,ipv4-addr")

    with check("get_objects match[id]: one id, and a comma list"):
        got = objects_of(alice.get_objects(id=INDICATOR_V1.id), "match[id]")
        expect_eq(keys(got), [(INDICATOR_V1.id, T3)], "match[id]=indicator (latest version)")
        got = objects_of(alice.get_objects(id=[DOMAIN.id, OBSERVED.id]), "match[id] list")
        expect_eq(sorted(ids(got)), sorted([DOMAIN.id, OBSERVED.id]), "match[id]=domain,observed")

    with check("get_objects match[version]: first, last, all, a specific one, first+last, two "
               "specific ones"):
        cases = [("first", [T1]), ("last", [T3]), ("all", [T1, T2, T3]), (T2, [T2]),
                 ("first,last", [T1, T3]), (f"{T1},{T3}", [T1, T3])]
        for version, wanted in cases:
            got = objects_of(alice.get_objects(id=INDICATOR_V1.id, version=version.split(",")),
                             f"match[version]={version}")
            expect_eq(sorted(version_of(o) for o in got), wanted,
                      f"indicator versions for match[version]={version}")
        everything = objects_of(alice.get_objects(version="all"), "match[version]=all")
        expect_eq(len(everything), len(LATEST) + 2, "match[version]=all over the collection")

    with check("get_objects match[spec_version]: 2.1 is everything, 2.0 is an empty envelope"):
        got = objects_of(alice.get_objects(spec_version="2.1"), "match[spec_version]=2.1")
        expect_eq(len(got), len(LATEST), "match[spec_version]=2.1")
        envelope = alice.get_objects(spec_version="2.0")
        expect_eq(envelope, {}, "match[spec_version]=2.0 (Get Objects: empty envelope)")

    with check("get_objects added_after: exactly the versions added after a manifest date_added"):
        records = manifest_all(alice, version="all")
        expect_eq(len(records), len(LATEST) + 2, "manifest records with match[version]=all")
        for k in (0, 5, len(records) - 2, len(records) - 1):
            got = objects_of(alice.get_objects(added_after=records[k]["date_added"], version="all"),
                             f"added_after={records[k]['date_added']}")
            # SCOs without timestamps have a server-chosen version: compare
            # the manifest's version with the object's where it has one.
            after = records[k + 1:]
            expect_eq([(o["id"], version_of(o) or r["version"]) for o, r in zip(got, after)],
                      [(r["id"], r["version"]) for r in after], f"objects added after record {k}")
            expect_eq(len(got), len(records) - k - 1, f"number of objects added after record {k}")

    with check("get_objects limit + next: pages of 4, more/next, together everything in order"):
        seen, page, pages = [], alice.get_objects(limit=4), 0
        while True:
            pages += 1
            got = objects_of(page, f"get_objects page {pages}")
            expect(len(got) <= 4, f"page {pages} has {len(got)} objects for limit=4")
            seen.extend(got)
            if not page.get("more"):
                break
            expect(page.get("next"), f"page {pages}: `more` without `next`")
            page = alice.get_objects(limit=4, next=page["next"])
        manifest_order = [r["id"] for r in manifest_all(alice)]
        expect_eq(ids(seen), manifest_order, "ids over all pages, in date_added order")
        expect_eq(pages, 4, "pages of 4 for 14 objects")


def client_conventions():
    alice = interop_as("alice")
    with check("taxii2-client datetime filters (sent with fewer than 6 fractional digits), "
               "Accept without a version, no User-Agent"):
        records = manifest_all(alice, version="all")
        moment = datetime.datetime.strptime(records[3]["date_added"], "%Y-%m-%dT%H:%M:%S.%fZ")
        moment = moment.replace(tzinfo=datetime.timezone.utc)
        by_datetime = alice.get_objects(added_after=moment, version="all")
        by_string = alice.get_objects(added_after=records[3]["date_added"], version="all")
        expect_eq(by_datetime, by_string, "added_after as datetime and as the manifest's string")
        millis = records[3]["date_added"][:23] + "Z"
        got = objects_of(alice.get_objects(added_after=millis, version="all"),
                         f"added_after={millis}")
        later = [r["id"] for r in records if r["date_added"] > millis[:-1] + "000Z"]
        expect_eq(ids(got), later, f"added_after with millisecond precision ({millis})")
        wanted = datetime.datetime(2026, 1, 2, tzinfo=datetime.timezone.utc)
        got = objects_of(alice.get_objects(id=INDICATOR_V1.id, version=wanted),
                         "match[version] as datetime")
        expect_eq(keys(got), [(INDICATOR_V1.id, T2)], "match[version]=2026-01-02T00:00:00Z")
        got = objects_of(alice.get_objects(type="identity", accept="application/taxii+json"),
                         "Accept: application/taxii+json")
        expect_eq(ids(got), [IDENTITY.id], "get_objects with Accept: application/taxii+json")
        resp = raw("GET", f"{collection_url('interop')}objects/?match[type]=identity", who="alice",
                   headers={"User-Agent": None})
        expect("User-Agent" not in resp.request.headers and resp.status_code == 200,
               f"a request without User-Agent (servers SHOULD NOT reject it): {describe(resp)}")


def object_versions_manifest():
    alice = interop_as("alice")
    with check("get_object: latest, all versions in date_added order, an SCO, unknown id -> 404, "
               "excluded version -> empty envelope"):
        got = objects_of(alice.get_object(INDICATOR_V1.id), "get_object")
        expect_eq(got, [as_dict(INDICATOR_V3)], "get_object default (last)")
        got = objects_of(alice.get_object(INDICATOR_V1.id, version="all"), "get_object all")
        expect_eq(got, [as_dict(INDICATOR_V1), as_dict(INDICATOR_V2), as_dict(INDICATOR_V3)],
                  "get_object match[version]=all")
        expect_date_added_headers("get_object")
        got = objects_of(alice.get_object(INDICATOR_V1.id, version="first"), "get_object first")
        expect_eq(got, [as_dict(INDICATOR_V1)], "get_object match[version]=first")
        page = alice.get_object(INDICATOR_V1.id, version="all", limit=2)
        expect_eq((page.get("more"), len(objects_of(page, "get_object limit=2"))), (True, 2),
                  "get_object limit=2: (more, number of objects)")
        rest = alice.get_object(INDICATOR_V1.id, version="all", limit=2, next=page["next"])
        expect_eq(objects_of(page, "get_object page 1") + objects_of(rest, "get_object page 2"),
                  [as_dict(INDICATOR_V1), as_dict(INDICATOR_V2), as_dict(INDICATOR_V3)],
                  "get_object versions over two pages")
        got = objects_of(alice.get_object(FILE.id), "get_object SCO")
        expect_eq(got, [as_dict(FILE)], "get_object of a file SCO")
        expect_eq(alice.get_object(INDICATOR_V1.id, version="2000-01-01T00:00:00.000Z"), {},
                  "get_object with a version that does not exist (Get an Object: empty envelope)")
        expect_client_error(lambda: alice.get_object(uid("indicator")), 404,
                            "get_object of an unknown id")

    with check("object_versions: every version, 404 for an unknown object"):
        versions = alice.object_versions(INDICATOR_V1.id)
        expect_eq(sorted(versions.get("versions", [])), [T1, T2, T3], "versions of the indicator")
        expect_date_added_headers("object_versions")
        page = alice.object_versions(INDICATOR_V1.id, limit=2)
        expect_eq((page.get("more"), len(page.get("versions", []))), (True, 2),
                  "object_versions limit=2: (more, number of versions)")
        expect(page.get("next"), f"object_versions limit=2: `more` without `next`: {page!r}")
        rest = alice.object_versions(INDICATOR_V1.id, limit=2, next=page["next"])
        expect_eq(sorted(page["versions"] + rest.get("versions", [])), [T1, T2, T3],
                  "object_versions over two pages")
        expect(not rest.get("more"), f"object_versions last page: {rest!r}")
        versions = alice.object_versions(SOFTWARE.id)
        expect_eq(len(versions.get("versions", [])), 1, "versions of an SCO without timestamps")
        expect_client_error(lambda: alice.object_versions(uid("malware")), 404,
                            "object_versions of an unknown object")

    with check("manifest: records with id, date_added (microseconds), version, media_type; "
               "filters; paging"):
        records = manifest_all(alice)
        expect_date_added_headers("get_manifest")
        expect_eq(sorted(r["id"] for r in records), sorted(LATEST_BY_ID), "manifest ids")
        for r in records:
            expect(TIMESTAMP.match(r.get("date_added", "")), f"manifest date_added: {r!r}")
            expect_eq(r.get("media_type"), "application/stix+json;version=2.1",
                      f"media_type of {r['id']}")
            wanted = version_of(LATEST_BY_ID[r["id"]])
            if wanted is not None:
                expect_eq(r["version"], wanted, f"manifest version of {r['id']}")
        added = [r["date_added"] for r in records]
        expect(added == sorted(added) and len(set(added)) == len(added),
               f"manifest not strictly in date_added order: {added}")
        got = alice.get_manifest(type="indicator", version="all").get("objects", [])
        expect_eq([r["version"] for r in got], [T1, T2, T3], "manifest of indicators, all versions")
        got = alice.get_manifest(id=[MALWARE.id, NOTE.id]).get("objects", [])
        expect_eq(sorted(r["id"] for r in got), sorted([MALWARE.id, NOTE.id]), "manifest match[id]")
        pages = list(as_pages(alice.get_manifest, per_request=5))
        expect_eq([len(p.get("objects", [])) for p in pages], [5, 5, 4], "manifest pages of 5")
        expect_eq([r["id"] for p in pages for r in p["objects"]], [r["id"] for r in records],
                  "manifest ids over pages")

    with check("manifest: Accept with TAXII and STIX media types (the specification's own text)"):
        resp = raw("GET", f"{collection_url('interop')}manifest/", who="alice",
                   accept="application/taxii+json;version=2.1,application/stix+json;version=2.1")
        expect(resp.status_code == 200, describe(resp))


def paging_over_250_objects():
    paging = collection_for("paging", **basic("alice"))
    posted = PAGING_OBJECTS

    with check("add_objects: 250 objects in envelopes of 100, 100, 50"):
        for start, end in ((0, 100), (100, 200), (200, 250)):
            status = add(paging, envelope={"objects": posted[start:end]})
            expect_status(status, end - start, end - start, what=f"paging objects {start}..{end}")

    with check("as_pages(get_objects, per_request=50): 5 pages, each object once, in date_added "
               "order, X-TAXII-Date-Added-* per page"):
        manifest = manifest_all(paging)
        expect_eq([r["id"] for r in manifest], ids(posted), "manifest order = posting order")
        added = [r["date_added"] for r in manifest]
        expect(all(a < b for a, b in zip(added, added[1:])),
               "manifest date_added not strictly increasing")
        date_added = {r["id"]: r["date_added"] for r in manifest}
        seen, sizes = [], []
        for page in as_pages(paging.get_objects, per_request=50):
            got = objects_of(page, f"as_pages page {len(sizes) + 1}")
            sizes.append(len(got))
            headers = headers_of_last_response()
            expect_eq((headers.get("X-TAXII-Date-Added-First"),
                       headers.get("X-TAXII-Date-Added-Last")),
                      (date_added[got[0]["id"]], date_added[got[-1]["id"]]),
                      f"X-TAXII-Date-Added-First/Last of page {len(sizes)}")
            seen.extend(got)
        expect_eq(sizes, [50] * 5, "page sizes")
        expect_eq(len(set(ids(seen))), len(seen), "objects seen twice")
        expect_eq(ids(seen), ids(posted), "objects in date_added (= posting) order")
        by_id = {o["id"]: o for o in posted}
        for obj in seen:
            expect_eq(obj, by_id[obj["id"]], f"content of {obj['id']}")

    with check("as_pages(get_manifest, per_request=50) and as_pages with match[type]"):
        pages = list(as_pages(paging.get_manifest, per_request=50))
        expect_eq([len(p.get("objects", [])) for p in pages], [50] * 5, "manifest page sizes")
        expect_eq([r["id"] for p in pages for r in p["objects"]], ids(posted), "manifest ids")
        malware = [o["id"] for o in posted if o["type"] == "malware"]
        seen = []
        for page in as_pages(paging.get_objects, per_request=20, type="malware"):
            seen.extend(ids(objects_of(page, "as_pages match[type]=malware")))
        expect_eq(seen, malware, "malware over pages of 20")

    with check("paging without `next`: added_after = X-TAXII-Date-Added-Last of the previous page"):
        seen, added_after = [], None
        for _ in range(10):
            page = paging.get_objects(limit=100, added_after=added_after)
            got = objects_of(page, "added_after paging")
            if not got:
                break
            seen.extend(got)
            added_after = headers_of_last_response()["X-TAXII-Date-Added-Last"]
            if not page.get("more"):
                break
        expect_eq(ids(seen), ids(posted), "objects over added_after pages")

    if CONFIG.get("max_page_size"):
        cap = CONFIG["max_page_size"]
        with check(f"as_pages asking for more than the server's page size ({cap}) adapts"):
            sizes = [len(p.get("objects", [])) for p in as_pages(paging.get_objects,
                                                                 per_request=cap * 3)]
            expect(all(s <= cap for s in sizes) and sum(sizes) == 250,
                   f"page sizes {sizes} for a server cap of {cap}")


def delete_objects():
    alice = interop_as("alice")
    with check("delete_object: one version (match[version]=first), then the whole object -> 404"):
        alice.delete_object(INDICATOR_V1.id, version="first")
        expect_eq(sorted(alice.object_versions(INDICATOR_V1.id)["versions"]), [T2, T3],
                  "versions after deleting the first")
        alice.delete_object(MALWARE.id)
        expect_client_error(lambda: alice.get_object(MALWARE.id), 404,
                            "get_object after delete_object")
        expect_client_error(lambda: alice.object_versions(MALWARE.id), 404,
                            "object_versions after delete_object")
        expect_eq(alice.get_manifest(id=MALWARE.id), {}, "manifest of a deleted object")
        remaining = ids(objects_of(alice.get_objects(), "get_objects after delete"))
        expect(MALWARE.id not in remaining, "get_objects still returns the deleted object")
        expect_client_error(lambda: alice.delete_object(MALWARE.id), 404,
                            "delete_object of a deleted object")


def authentication_and_authorization():
    with check("Bearer API token (requests auth object): read and write through taxii2-client"):
        bearer = BearerAuth(USERS["alice"]["token"])
        root = Server(f"{BASE}/taxii2/", verify=VERIFY, auth=bearer).default
        by_token = {c.id: c for c in root.collections}
        expect(COLLECTIONS["interop"] in by_token, f"collections by token: {list(by_token)}")
        collection = by_token[COLLECTIONS["interop"]]
        got = objects_of(collection.get_objects(type="identity"), "get_objects by token")
        expect_eq(ids(got), [IDENTITY.id], "identities by token")
        sighting = stix2.Sighting(id=uid("sighting"), created=T3, modified=T3,
                                  sighting_of_ref=INDICATOR_V1.id, count=2)
        status = add(collection, [sighting])
        expect_status(status, 1, 1, what="add_objects by token")
        got = objects_of(collection.get_object(sighting.id), "get_object by token")
        expect_eq(got, [as_dict(sighting)], "the sighting added by token")

    with check("401 without credentials, with a wrong password, with an unknown token"):
        expect_client_error(lambda: ApiRoot(ROOT_URL, verify=VERIFY).title, 401,
                            "api root without credentials")
        expect_client_error(lambda: collection_for("interop").get_objects(), 401,
                            "get_objects without credentials")
        wrong = {"user": USERS["alice"]["name"], "password": "not-the-password"}
        expect_client_error(lambda: ApiRoot(ROOT_URL, verify=VERIFY, **wrong).collections, 401,
                            "collections with a wrong password")
        fake = BearerAuth("liaison_AAAAAAAAAAAA_" + "B" * 48)
        expect_client_error(lambda: ApiRoot(ROOT_URL, verify=VERIFY, auth=fake).title, 401,
                            "api root with an unknown token")
        for method, path in (("GET", f"{INTEROP}objects/"), ("POST", f"{INTEROP}objects/"),
                             ("GET", f"/{CONFIG['api_root']}/status/{STATUS_IDS['first'][0]}/"),
                             ("DELETE", f"{INTEROP}objects/{IDENTITY.id}/")):
            expect_error(raw(method, path, headers={"Content-Type": TAXII}, data=b"{}"), 401,
                         f"{method} {path} without credentials")

    with check("reader with a read grant: reads; add -> 403; delete -> 403 (§5.7 matrix)"):
        rita = collection_for("interop", **basic("rita"))
        got = objects_of(rita.get_objects(type="identity"), "get_objects as reader")
        expect_eq(ids(got), [IDENTITY.id], "identities as reader")
        expect_eq(len(rita.get_manifest(type="identity").get("objects", [])), 1,
                  "manifest as reader")
        body = {"objects": [as_dict(stix2.Identity(id=uid("identity"), created=T1, modified=T1,
                                                   name="not allowed"))]}
        expect_error(raw("POST", f"{INTEROP}objects/", who="rita", json=body,
                         headers={"Content-Type": TAXII}), 403, "add_objects as reader")
        expect_error(raw("DELETE", f"{INTEROP}objects/{IDENTITY.id}/", who="rita"), 403,
                     "delete_object as reader (can_read, not can_write)")

    with check("reader without a grant: 404 for the collection and its endpoints"):
        for path in (SHARED, f"{SHARED}objects/", f"{SHARED}manifest/",
                     f"{SHARED}objects/{IDENTITY.id}/", f"{SHARED}objects/{IDENTITY.id}/versions/"):
            expect_error(raw("GET", path, who="rita"), 404, f"GET {path} as reader without grant")
        expect_error(raw("DELETE", f"{SHARED}objects/{IDENTITY.id}/", who="rita"), 404,
                     "delete without any right (§5.7: 404)")

    with check("write-only grant: add -> complete; reads -> 403; delete -> 403"):
        walt = collection_for("dropbox", **basic("walt"))
        dropped = stix2.Indicator(id=uid("indicator"), created=T1, modified=T1,
                                  pattern="[domain-name:value = 'drop.interop.example']",
                                  pattern_type="stix", valid_from=T1)
        status = add(walt, [dropped])
        expect_status(status, 1, 1, what="add_objects with write-only access")
        for path in (f"{DROPBOX}objects/", f"{DROPBOX}manifest/", f"{DROPBOX}objects/{dropped.id}/",
                     f"{DROPBOX}objects/{dropped.id}/versions/"):
            expect_error(raw("GET", path, who="walt"), 403, f"GET {path} with write-only access")
        expect_error(raw("DELETE", f"{DROPBOX}objects/{dropped.id}/", who="walt"), 403,
                     "delete_object with write-only access (§5.7: 403)")
        admin = collection_for("dropbox", **basic("admin"))
        got = objects_of(admin.get_objects(), "get_objects of the dropbox as admin")
        expect_eq(got, [as_dict(dropped)], "the dropbox seen by an administrator")

    with check("user without grants: 404 for every collection endpoint, POST included"):
        for method, path in (("GET", INTEROP), ("GET", f"{INTEROP}objects/"),
                             ("GET", f"{INTEROP}manifest/"),
                             ("GET", f"{INTEROP}objects/{IDENTITY.id}/"),
                             ("GET", f"{INTEROP}objects/{IDENTITY.id}/versions/"),
                             ("POST", f"{INTEROP}objects/"),
                             ("DELETE", f"{INTEROP}objects/{IDENTITY.id}/")):
            body = {"data": b'{"objects": []}', "headers": {"Content-Type": TAXII}} \
                if method == "POST" else {}
            expect_error(raw(method, path, who="nobody", **body), 404,
                         f"{method} {path} as nobody")


def error_answers():
    with check("400 for malformed filters and cursors, with a TAXII error body"):
        for query in ("limit=0", "limit=-3", "limit=ten", "added_after=yesterday",
                      "match[version]=newest", "match[spec_version]=two", "next=not-a-cursor",
                      "added_after=2026-01-01T00:00:00Z&added_after=2026-01-02T00:00:00Z"):
            for endpoint in ("objects/", "manifest/"):
                expect_error(raw("GET", f"{INTEROP}{endpoint}?{query}", who="alice"), 400,
                             f"GET {endpoint}?{query}")

    with check("406 for an unacceptable Accept, 415 for a wrong Content-Type, 404/405 for "
               "unknown paths and methods"):
        expect_error(raw("GET", f"{INTEROP}objects/", who="alice", accept="application/json"),
                     406, "Accept: application/json")
        expect_error(raw("GET", f"{INTEROP}objects/", who="alice",
                         accept="application/taxii+json;version=2.0"), 406,
                     "Accept: TAXII 2.0")
        expect_error(raw("POST", f"{INTEROP}objects/", who="alice", data=b'{"objects": []}',
                         headers={"Content-Type": "application/json"}), 415,
                     "Content-Type: application/json")
        expect_error(raw("GET", f"/{CONFIG['api_root']}/no-such-endpoint/", who="alice"), 404,
                     "unknown path")
        expect_error(raw("GET", "/no-such-root/collections/", who="alice"), 404,
                     "unknown API root")
        expect_error(raw("PUT", f"{INTEROP}objects/", who="alice", data=b"{}",
                         headers={"Content-Type": TAXII}), 405, "PUT on objects")

    with check("refused requests with a body: the connection is closed with `Connection: close` "
               "or stays usable"):
        # One session (one pooled connection) for refused POSTs and the GETs
        # after them: a connection closed without notice fails the next one.
        session = Raw()
        for _ in range(15):
            for who, status in ((None, 401), ("rita", 403), ("nobody", 404)):
                resp = session("POST", f"{INTEROP}objects/", who=who, data=b'{"objects": []}',
                               headers={"Content-Type": TAXII})
                expect_error(resp, status, f"POST as {who}")
                resp = session("GET", f"{INTEROP}objects/?match[type]=identity", who="alice")
                expect(resp.status_code == 200, describe(resp))
        # Deterministically: the body arrives after the server has answered.
        head, answer = refused_post_with_late_body()
        expect(b"\r\nconnection: close\r\n" in head.lower() or answer is not None,
               "after a 401 to a POST whose body came late, the server closed the connection "
               f"without `Connection: close` (RFC 9112 §9.6): {head!r}")

    with check("every STIX object returned was accepted by stix2-validator and stix2.parse"):
        expect(len(VALIDATED) >= len(LATEST) + 250, f"only {len(VALIDATED)} objects validated")


def refused_post_with_late_body():
    """Sends POST headers without credentials, waits for the 401, then the
    body and a second request on the same connection. Returns the 401's head
    and the second answer's status line (None when the connection closed)."""
    host, port = BASE.split("://", 1)[1].rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=5)
    if BASE.startswith("https://"):
        context = ssl.create_default_context(cafile=CONFIG.get("ca_cert"))
        context.set_alpn_protocols(["http/1.1"])
        sock = context.wrap_socket(sock, server_hostname=host)
    with sock:
        common = f"Host: {host}:{port}\r\nAccept: {TAXII}\r\n"
        sock.sendall(f"POST {INTEROP}objects/ HTTP/1.1\r\n{common}Content-Type: {TAXII}\r\n"
                     "Content-Length: 2\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            expect(chunk, "the connection closed before the 401 arrived")
            data += chunk
        head = data.split(b"\r\n\r\n", 1)[0]
        time.sleep(0.1)
        try:
            sock.sendall(b"{}" + f"GET /taxii2/ HTTP/1.1\r\n{common}\r\n".encode())
            rest = b""
            while b"HTTP/1.1 200" not in rest:
                chunk = sock.recv(65536)
                if not chunk:
                    return head, None
                rest += chunk
        except OSError:
            return head, None
        return head, rest[rest.index(b"HTTP/1.1 200"):].split(b"\r\n", 1)[0]


def main():
    for section in (discovery_api_root_collections, add_objects, status_lookup,
                    get_objects_and_filters, client_conventions, object_versions_manifest,
                    paging_over_250_objects, delete_objects, authentication_and_authorization,
                    error_answers):
        section()
    print(f"\nall {PASSED} checks passed; {len(VALIDATED)} distinct objects validated "
          f"({time.monotonic() - STARTED:.1f} s)", flush=True)


if __name__ == "__main__":
    main()

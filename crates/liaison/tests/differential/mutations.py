"""The mutation catalogue of the differential test.

Each mutation kind takes valid corpus objects and changes them so that exactly
one rule of STIX 2.1 is broken (`expect = ERROR`, with the section of the
specification holding the MUST), or so that they stay valid in a way that
validators are known to get wrong (`expect = VALID`).

A kind is a function registered with `@mutation(...)`; it receives the `Pool`
of valid objects and yields `(subject, object, paths)`: a short label for the
case (usually `type.property`), the mutated object, and the top-level property
paths the change touched (a validator that rejects the object should report an
error on, above or below one of them).

This module holds the framework and the kinds about common properties, data
types and timestamps; `mutations_objects` holds the object-specific ones.
"""

import copy
import datetime
import uuid
from collections import defaultdict

ERROR = "error"
VALID = "valid"

TLP_GREEN = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
BASE_KEY = "__base__"


class Mutation:
    def __init__(self, kind, expect, section, fn):
        self.kind = kind
        self.expect = expect
        self.section = section
        self.fn = fn


REGISTRY = []


def mutation(kind, expect, section):
    """Registers a mutation kind: `expect` is ERROR or VALID, `section` the spec section."""

    def register(fn):
        REGISTRY.append(Mutation(kind, expect, section, fn))
        return fn

    return register


class Pool:
    """The valid corpus by type; hands out fresh copies for mutation.

    A copy gets a new id (so mutants never collide with their base or with each
    other), except TLP marking definitions, whose ids are fixed by the spec. The
    copy remembers its base under BASE_KEY; the caller removes it.
    """

    def __init__(self, indexed_objects, rng):
        self.rng = rng
        self.by_type = defaultdict(list)
        for index, obj in indexed_objects:
            self.by_type[obj["type"]].append((index, obj))

    def types(self):
        return sorted(self.by_type)

    def new_id(self, type_):
        return f"{type_}--{uuid.UUID(int=self.rng.getrandbits(128), version=4)}"

    def take(self, type_, n=1, where=None):
        candidates = [(i, o) for i, o in self.by_type.get(type_, []) if where is None or where(o)]
        chosen = self.rng.sample(candidates, min(n, len(candidates)))
        copies = []
        for index, obj in chosen:
            dup = copy.deepcopy(obj)
            if dup.get("definition_type") != "tlp":
                dup["id"] = self.new_id(type_)
            dup[BASE_KEY] = index
            copies.append(dup)
        return copies

    def one(self, type_, where=None):
        got = self.take(type_, 1, where)
        return got[0] if got else None


# --- timestamps -------------------------------------------------------------


def parse_ts(text):
    for fmt in ("%Y-%m-%dT%H:%M:%S.%fZ", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            return datetime.datetime.strptime(text, fmt)
        except ValueError:
            pass
    raise ValueError(text)


def fmt_ms(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def fmt_s(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def shift(text, **delta):
    return fmt_ms(parse_ts(text) + datetime.timedelta(**delta))


# --- required properties (§3.2 common, and each object's property table) ----

SDO_COMMON = ["type", "spec_version", "id", "created", "modified"]
SCO_COMMON = ["type", "id"]

REQUIRED = {
    "attack-pattern": ("§4.1", SDO_COMMON + ["name"]),
    "campaign": ("§4.2", SDO_COMMON + ["name"]),
    "course-of-action": ("§4.3", SDO_COMMON + ["name"]),
    "grouping": ("§4.4", SDO_COMMON + ["context", "object_refs"]),
    "identity": ("§4.5", SDO_COMMON + ["name"]),
    "incident": ("§4.6", SDO_COMMON + ["name"]),
    "indicator": ("§4.7", SDO_COMMON + ["pattern", "pattern_type", "valid_from"]),
    "infrastructure": ("§4.8", SDO_COMMON + ["name"]),
    "intrusion-set": ("§4.9", SDO_COMMON + ["name"]),
    "location": ("§4.10", SDO_COMMON),
    "malware": ("§4.11", SDO_COMMON + ["is_family"]),
    "malware-analysis": ("§4.12", SDO_COMMON + ["product"]),
    "note": ("§4.13", SDO_COMMON + ["content", "object_refs"]),
    "observed-data": ("§4.14", SDO_COMMON + ["first_observed", "last_observed", "number_observed"]),
    "opinion": ("§4.15", SDO_COMMON + ["opinion", "object_refs"]),
    "report": ("§4.16", SDO_COMMON + ["name", "published", "object_refs"]),
    "threat-actor": ("§4.17", SDO_COMMON + ["name"]),
    "tool": ("§4.18", SDO_COMMON + ["name"]),
    "vulnerability": ("§4.19", SDO_COMMON + ["name"]),
    "relationship": ("§5.1", SDO_COMMON + ["relationship_type", "source_ref", "target_ref"]),
    "sighting": ("§5.2", SDO_COMMON + ["sighting_of_ref"]),
    "artifact": ("§6.1", SCO_COMMON),
    "autonomous-system": ("§6.2", SCO_COMMON + ["number"]),
    "directory": ("§6.3", SCO_COMMON + ["path"]),
    "domain-name": ("§6.4", SCO_COMMON + ["value"]),
    "email-addr": ("§6.5", SCO_COMMON + ["value"]),
    "email-message": ("§6.6", SCO_COMMON + ["is_multipart"]),
    "file": ("§6.7", SCO_COMMON),
    "ipv4-addr": ("§6.8", SCO_COMMON + ["value"]),
    "ipv6-addr": ("§6.9", SCO_COMMON + ["value"]),
    "mac-addr": ("§6.10", SCO_COMMON + ["value"]),
    "mutex": ("§6.11", SCO_COMMON + ["name"]),
    "network-traffic": ("§6.12", SCO_COMMON + ["protocols"]),
    "process": ("§6.13", SCO_COMMON),
    "software": ("§6.14", SCO_COMMON + ["name"]),
    "url": ("§6.15", SCO_COMMON + ["value"]),
    "user-account": ("§6.16", SCO_COMMON),
    "windows-registry-key": ("§6.17", SCO_COMMON),
    "x509-certificate": ("§6.18", SCO_COMMON),
    "language-content": ("§7.1", SDO_COMMON + ["object_ref", "contents"]),
    "marking-definition": ("§7.2.1", ["type", "spec_version", "id", "created"]),
    "extension-definition": (
        "§7.3",
        SDO_COMMON + ["created_by_ref", "name", "schema", "version", "extension_types"],
    ),
}


@mutation("remove-required", ERROR, "§3.1, §3.2 and each type's property table")
def remove_required(pool):
    for type_ in pool.types():
        _, props = REQUIRED[type_]
        for prop in props:
            # Not a TLP definition: changing one breaks §7.2.1.4 as well.
            obj = pool.one(type_, lambda o, p=prop: p in o and o.get("definition_type") != "tlp")
            if obj is not None:
                del obj[prop]
                obj.pop(prop + "_enc", None)  # §3.1: an _enc property needs its base property
                yield f"{type_}.{prop}", obj, [prop]


def _set_cases(pool, table):
    """(type, property, value[, label]) rows: set the property on one object."""
    for row in table:
        type_, prop, value = row[:3]
        obj = pool.one(type_)
        if obj is not None:
            obj[prop] = copy.deepcopy(value)
            label = row[3] if len(row) > 3 else prop
            yield f"{type_}.{label}", obj, [prop]


@mutation("wrong-json-type", ERROR, "§2 (property types), each type's property table")
def wrong_json_type(pool):
    yield from _set_cases(pool, [
        ("attack-pattern", "name", 42),
        ("campaign", "labels", "one-label"),
        ("identity", "revoked", "true"),
        ("indicator", "confidence", "50"),
        ("malware", "is_family", "yes"),
        ("observed-data", "number_observed", "5"),
        ("report", "object_refs", "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"),
        ("threat-actor", "external_references", {"source_name": "acme", "url": "https://example.com/"}),
        ("autonomous-system", "number", "15139"),
        ("network-traffic", "protocols", "tcp"),
        ("file", "size", "1024"),
        ("email-message", "is_multipart", "false"),
        ("x509-certificate", "is_self_signed", 1),
        ("mutex", "spec_version", 2.1),
    ])


@mutation("timestamp-form", ERROR, "§2.16")
def timestamp_form(pool):
    yield from _set_cases(pool, [
        ("indicator", "valid_from", "2021-01-01 00:00:00Z", "valid_from:space"),
        ("campaign", "first_seen", "2021-01-01T00:00:00+00:00", "first_seen:offset"),
        ("report", "published", "2021-01-01T00:00:00.Z", "published:empty-fraction"),
        ("file", "mtime", "2021-01-01T00:00:00", "mtime:no-zone"),
        ("sighting", "first_seen", "20210101T000000Z", "first_seen:basic-format"),
        ("user-account", "account_created", "2021-01-01", "account_created:date-only"),
    ])


@mutation("timestamp-impossible-date", ERROR, "§2.16 (RFC 3339 date-time)")
def timestamp_impossible(pool):
    yield from _set_cases(pool, [
        ("campaign", "created", "2021-02-30T10:00:00.000Z", "created:feb-30"),
        ("indicator", "valid_from", "2021-04-31T00:00:00Z", "valid_from:apr-31"),
        ("observed-data", "first_observed", "2023-02-29T00:00:00Z", "first_observed:feb-29-2023"),
        ("file", "ctime", "2021-13-01T00:00:00Z", "ctime:month-13"),
        ("relationship", "start_time", "2021-01-01T25:00:00Z", "start_time:hour-25"),
    ])


@mutation("created-without-milliseconds", ERROR, "§3.2 created")
def created_without_ms(pool):
    for type_ in ("indicator", "relationship", "language-content", "extension-definition"):
        obj = pool.one(type_)
        if obj is not None:
            obj["created"] = fmt_s(parse_ts(obj["created"]))
            yield f"{type_}.created", obj, ["created"]
    marking = pool.one("marking-definition", lambda o: o.get("definition_type") == "statement")
    if marking is not None:
        marking["created"] = fmt_s(parse_ts(marking["created"]))
        yield "marking-definition.created", marking, ["created"]
    obj = pool.one("tool")
    if obj is not None:
        moment = parse_ts(obj["created"])
        obj["created"] = moment.strftime("%Y-%m-%dT%H:%M:%S.") + str(moment.microsecond // 100000) + "Z"
        yield "tool.created:one-digit", obj, ["created"]


@mutation("modified-without-milliseconds", ERROR, "§3.2 modified")
def modified_without_ms(pool):
    for type_ in ("malware", "sighting", "grouping"):
        obj = pool.one(type_)
        if obj is not None:
            later = parse_ts(obj["modified"]) + datetime.timedelta(seconds=1)
            obj["modified"] = fmt_s(later)
            yield f"{type_}.modified", obj, ["modified"]


@mutation("modified-before-created", ERROR, "§3.2 modified")
def modified_before_created(pool):
    for type_ in ("tool", "report", "relationship", "language-content", "extension-definition"):
        obj = pool.one(type_)
        if obj is not None:
            obj["modified"] = shift(obj["created"], days=-1)
            yield f"{type_}", obj, ["created", "modified"]


@mutation("id-type-mismatch", ERROR, "§2.9, §3.3")
def id_type_mismatch(pool):
    for type_, other in (("indicator", "malware"), ("file", "directory"),
                         ("relationship", "sighting"), ("identity", "location")):
        obj = pool.one(type_)
        if obj is not None:
            obj["id"] = other + "--" + obj["id"].split("--", 1)[1]
            yield f"{type_}.id:{other}", obj, ["id"]


@mutation("id-bad-uuid", ERROR, "§2.9 (RFC 4122 UUID)")
def id_bad_uuid(pool):
    rows = [
        ("indicator", "indicator--1234", "short"),
        ("ipv4-addr", "ipv4-addr--6a1d8e4c-5f2b-4c3a-9g7e-0d1c2b3a4f5e", "non-hex"),
        ("tool", "tool--6a1d8e4c-5f2b-4c3a-0f7e-0d1c2b3a4f5e", "ncs-variant"),
        ("campaign", "campaign--6a1d8e4c5f2b4c3a9f7e0d1c2b3a4f5e", "no-hyphens"),
    ]
    for type_, value, label in rows:
        obj = pool.one(type_)
        if obj is not None:
            obj["id"] = value
            yield f"{type_}.id:{label}", obj, ["id"]


@mutation("confidence-out-of-range", ERROR, "§3.2 confidence")
def confidence_range(pool):
    yield from _set_cases(pool, [
        ("indicator", "confidence", 101, "confidence:101"),
        ("report", "confidence", -1, "confidence:-1"),
    ])


@mutation("empty-list", ERROR, "§2.12")
def empty_list(pool):
    yield from _set_cases(pool, [
        ("campaign", "labels", []),
        ("threat-actor", "aliases", []),
        ("grouping", "object_refs", []),
        ("attack-pattern", "kill_chain_phases", []),
        ("vulnerability", "external_references", []),
        ("network-traffic", "protocols", []),
        ("ipv4-addr", "object_marking_refs", []),
    ])
    obj = pool.one("campaign", lambda o: "name" in o)
    if obj is not None:
        obj["granular_markings"] = [{"marking_ref": TLP_GREEN, "selectors": []}]
        yield "campaign.granular_markings[0].selectors", obj, ["granular_markings"]


@mutation("list-element-type", ERROR, "§2.12 (every item of the declared type)")
def list_element_type(pool):
    yield from _set_cases(pool, [
        ("tool", "labels", ["ok", 42]),
        ("intrusion-set", "aliases", [True]),
        ("note", "object_refs", [7]),
        ("network-traffic", "protocols", ["tcp", 6]),
    ])


@mutation("open-vocab-unknown-value", VALID, "§2.14 (open vocabularies: SHOULD)")
def open_vocab(pool):
    yield from _set_cases(pool, [
        ("indicator", "indicator_types", ["novel-activity"]),
        ("malware", "malware_types", ["quantum-worm"]),
        ("report", "report_types", ["internal-memo"]),
        ("threat-actor", "threat_actor_types", ["hacktivist-collective"]),
        ("tool", "tool_types", ["password-cracker"]),
        ("infrastructure", "infrastructure_types", ["satellite-uplink"]),
        ("identity", "identity_class", "alien-entity"),
        ("identity", "sectors", ["space-mining"]),
        ("grouping", "context", "incident-triage"),
        ("location", "region", "lunar-surface"),
    ])


@mutation("enum-unknown-value", ERROR, "§2.4 (enumerations are closed)")
def enum_unknown(pool):
    yield from _set_cases(pool, [
        ("opinion", "opinion", "mildly-agree"),
        ("extension-definition", "extension_types", ["new-thing"]),
    ])
    obj = pool.one("artifact", lambda o: "payload_bin" in o or "url" in o)
    if obj is not None:
        obj["encryption_algorithm"] = "ROT13"
        yield "artifact.encryption_algorithm", obj, ["encryption_algorithm"]
    obj = pool.one("windows-registry-key")
    if obj is not None:
        obj["values"] = [{"name": "Foo", "data": "qwerty", "data_type": "REG_FOO"}]
        yield "windows-registry-key.values[0].data_type", obj, ["values"]
    obj = pool.one("process", lambda o: "windows-process-ext" in o.get("extensions", {}))
    if obj is not None:
        obj["extensions"]["windows-process-ext"]["integrity_level"] = "extreme"
        yield "process.windows-process-ext.integrity_level", obj, ["extensions"]


def _order_cases(pool, rows, strict):
    """(type, earlier property, later property): make `later` precede `earlier`
    (or equal it, for strict rules)."""
    for type_, first, last in rows:
        obj = pool.one(type_)
        if obj is None:
            continue
        anchor = obj.get(first) or obj["created"]
        anchor = fmt_ms(parse_ts(anchor))
        obj[first] = anchor
        obj[last] = anchor if strict else shift(anchor, seconds=-1)
        yield f"{type_}.{last}", obj, [first, last]


@mutation("valid-until-not-after-valid-from", ERROR, "§4.7 valid_until")
def valid_until(pool):
    yield from _order_cases(pool, [("indicator", "valid_from", "valid_until")], strict=True)
    for obj in pool.take("indicator", 1):
        obj["valid_until"] = shift(obj["valid_from"], days=-3)
        yield "indicator.valid_until:before", obj, ["valid_from", "valid_until"]


@mutation("last-seen-before-first-seen", ERROR, "§4.2, §4.8, §4.9, §4.11, §4.17, §5.2 last_seen")
def last_seen(pool):
    rows = [(t, "first_seen", "last_seen") for t in
            ("campaign", "infrastructure", "intrusion-set", "malware", "threat-actor", "sighting")]
    yield from _order_cases(pool, rows, strict=False)


@mutation("last-observed-before-first-observed", ERROR, "§4.14 last_observed")
def last_observed(pool):
    yield from _order_cases(pool, [("observed-data", "first_observed", "last_observed")], strict=False)


@mutation("stop-time-not-after-start-time", ERROR, "§5.1 stop_time")
def stop_time(pool):
    yield from _order_cases(pool, [("relationship", "start_time", "stop_time")], strict=True)


@mutation("end-before-start", ERROR, "§6.12 end")
def traffic_end(pool):
    for obj in pool.take("network-traffic", 1):
        obj["start"] = "2025-06-01T10:00:00.000Z"
        obj["end"] = "2025-06-01T09:59:59.999Z"
        obj.pop("is_active", None)
        yield "network-traffic.end", obj, ["start", "end"]


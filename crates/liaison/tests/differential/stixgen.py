"""Deterministic STIX 2.1 content from stix2-generator (plus hand-written meta objects).

stix2-generator draws from the global `random` module, Faker, `uuid.uuid4()`
and the wall clock. To get the same corpus on every machine and every run we
seed the first two, and swap the generator modules' `uuid` and `datetime`
references for seeded / frozen stand-ins. String hashing must be fixed too
(the generator iterates over sets), so callers run under PYTHONHASHSEED=0;
`require_fixed_hash_seed()` re-executes the interpreter when it is not.

Used by the differential test (crates/liaison/tests/differential.rs) and by the
benchmark (bench/validate.sh).
"""

import datetime
import os
import random
import sys
import types
import uuid

import faker
import stix2generator
import stix2generator.generation.pattern_generator as _pattern_generator
import stix2generator.generation.semantics as _semantics
from stix2generator.generation.object_generator import Config

# Every object type stix2-generator 0.2.0 can produce for STIX 2.1.
SDO_TYPES = [
    "attack-pattern", "campaign", "course-of-action", "grouping", "identity",
    "incident", "indicator", "infrastructure", "intrusion-set", "location",
    "malware", "malware-analysis", "note", "observed-data", "opinion",
    "report", "threat-actor", "tool", "vulnerability",
]
SRO_TYPES = ["relationship", "sighting"]
SCO_TYPES = [
    "artifact", "autonomous-system", "directory", "domain-name", "email-addr",
    "email-message", "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex",
    "network-traffic", "process", "software", "url", "user-account",
    "windows-registry-key", "x509-certificate",
]
# Statement markings come from "marking-definition"; the four TLP specs give
# the fixed TLP 1.0 definitions (deduplicated by the caller).
META_SPECS = ["marking-definition", "tlp-white", "tlp-green", "tlp-amber", "tlp-red"]

GENERATED_SPECS = SDO_TYPES + SRO_TYPES + SCO_TYPES + META_SPECS

# Patterns are the richest generated content: take more indicators.
WEIGHT = {"indicator": 4}

# The instant the generator believes is "now" (it places timestamps within a
# year of it).
FROZEN_NOW = datetime.datetime(2026, 1, 15, 12, 0, 0, tzinfo=datetime.timezone.utc)


def require_fixed_hash_seed():
    """Re-executes this interpreter with PYTHONHASHSEED=0 unless already set."""
    if os.environ.get("PYTHONHASHSEED") != "0":
        env = dict(os.environ, PYTHONHASHSEED="0")
        os.execve(sys.executable, [sys.executable] + sys.argv, env)


class _FrozenDatetime(datetime.datetime):
    @classmethod
    def now(cls, tz=None):
        n = FROZEN_NOW.astimezone(tz) if tz is not None else FROZEN_NOW.replace(tzinfo=None)
        return cls(n.year, n.month, n.day, n.hour, n.minute, n.second, n.microsecond, n.tzinfo)

    @classmethod
    def utcnow(cls):
        return cls(*FROZEN_NOW.timetuple()[:6])


def _frozen_datetime_module():
    shim = types.ModuleType("datetime")
    shim.__dict__.update(datetime.__dict__)
    shim.datetime = _FrozenDatetime
    return shim


class SeededUuid:
    """Stands in for the `uuid` module: uuid4() from a seeded generator."""

    def __init__(self, rng):
        self._rng = rng

    def uuid4(self):
        return uuid.UUID(int=self._rng.getrandbits(128), version=4)

    def __getattr__(self, name):
        return getattr(uuid, name)


def make_generator(seed, optional_property_probability=0.5):
    """Returns a seeded stix2-generator object generator.

    Only one generator may be in use per process: seeding is global.
    """
    random.seed(seed)
    faker.Faker.seed(seed)
    _semantics.uuid = SeededUuid(random.Random(seed ^ 0x5717))
    _semantics.datetime = _frozen_datetime_module()
    _pattern_generator.datetime = _frozen_datetime_module()
    config = Config(
        optional_property_probability=optional_property_probability,
        minimize_ref_properties=False,
    )
    return stix2generator.create_object_generator(config)


def generate(generator, spec):
    """One object of a generator spec (a STIX type name or a TLP spec)."""
    return generator.generate(spec)


# ---------------------------------------------------------------------------
# Hand-written templates: meta objects stix2-generator does not produce, and
# predefined extensions / granular markings it never uses. Each takes a
# random.Random and returns a fresh, valid object.

TLP_GREEN = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"


class Stamp:
    """Seeded ids and timestamps for the templates."""

    def __init__(self, rng):
        self.rng = rng

    def id(self, type_):
        return f"{type_}--{uuid.UUID(int=self.rng.getrandbits(128), version=4)}"

    def ts(self, base=None, max_days=365):
        base = base or FROZEN_NOW - datetime.timedelta(days=400)
        moment = base + datetime.timedelta(microseconds=self.rng.randrange(10**6 * 86400 * max_days))
        return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"

    def pair(self):
        """(created, modified) with modified >= created."""
        created = self.ts()
        parsed = datetime.datetime.strptime(created, "%Y-%m-%dT%H:%M:%S.%fZ")
        return created, self.ts(parsed, max_days=30)

    def word(self):
        return self.rng.choice(["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"])

    def hexstr(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))


def t_language_content(s):
    created, modified = s.pair()
    return {
        "type": "language-content", "spec_version": "2.1", "id": s.id("language-content"),
        "created": created, "modified": modified,
        "object_ref": s.id("campaign"), "object_modified": created,
        "contents": {
            "de": {"name": f"Bank Angriff {s.word()}", "description": "Weitere Informationen über Banküberfall"},
            "fr": {"name": f"Attaque Bank {s.word()}", "description": "Plus d'informations sur la crise bancaire"},
        },
    }


def t_extension_definition(s):
    created, modified = s.pair()
    return {
        "type": "extension-definition", "spec_version": "2.1", "id": s.id("extension-definition"),
        "created_by_ref": s.id("identity"), "created": created, "modified": modified,
        "name": f"Extension {s.word()}", "description": "Adds a rank and a toxicity score.",
        "schema": f"https://www.example.com/schema-{s.word()}/v1/",
        "version": "1.2.1", "extension_types": ["property-extension"],
    }


def t_identity_with_property_extension(s):
    created, modified = s.pair()
    return {
        "type": "identity", "spec_version": "2.1", "id": s.id("identity"),
        "created": created, "modified": modified, "name": f"ACME {s.word()}",
        "identity_class": "organization", "sectors": ["technology"],
        "extensions": {
            s.id("extension-definition"): {
                "extension_type": "property-extension", "rank": s.rng.randrange(1, 10), "toxicity": 8,
            },
        },
    }


def t_indicator_with_granular_markings(s):
    created, modified = s.pair()
    return {
        "type": "indicator", "spec_version": "2.1", "id": s.id("indicator"),
        "created": created, "modified": modified, "name": f"Malicious site {s.word()}",
        "description": "Known phishing landing page.", "indicator_types": ["malicious-activity"],
        "pattern": f"[url:value = 'http://{s.word()}.example.com/login']", "pattern_type": "stix",
        "valid_from": created, "lang": "en",
        "granular_markings": [
            {"marking_ref": TLP_GREEN, "selectors": ["description", "indicator_types.[0]"]},
        ],
        "object_marking_refs": [TLP_GREEN],
    }


def t_file_with_extensions(s):
    return {
        "type": "file", "spec_version": "2.1", "id": s.id("file"),
        "name": f"{s.word()}.exe", "size": s.rng.randrange(1, 10**7),
        "hashes": {"SHA-256": s.hexstr(64), "MD5": s.hexstr(32)},
        "extensions": {
            "ntfs-ext": {"sid": "1234567", "alternate_data_streams": [{"name": "second.stream", "size": 25536}]},
            "windows-pebinary-ext": {"pe_type": "exe", "number_of_sections": 4, "machine_hex": "014c"},
        },
    }


def t_archive_file(s):
    return {
        "type": "file", "spec_version": "2.1", "id": s.id("file"),
        "name": f"{s.word()}.zip", "hashes": {"SHA-256": s.hexstr(64)},
        "extensions": {"archive-ext": {"contains_refs": [s.id("file"), s.id("file")], "comment": "exfil"}},
    }


def t_http_request(s):
    return {
        "type": "network-traffic", "spec_version": "2.1", "id": s.id("network-traffic"),
        "src_ref": s.id("ipv4-addr"), "dst_ref": s.id("ipv4-addr"),
        "src_port": s.rng.randrange(1024, 65535), "dst_port": 80,
        "protocols": ["ipv4", "tcp", "http"],
        "extensions": {
            "http-request-ext": {
                "request_method": "get", "request_value": f"/{s.word()}.html",
                "request_version": "http/1.1",
                "request_header": {"Accept-Encoding": ["gzip,deflate"], "Host": ["www.example.com"]},
            },
            "tcp-ext": {"src_flags_hex": "00000002"},
        },
    }


def t_windows_process(s):
    return {
        "type": "process", "spec_version": "2.1", "id": s.id("process"),
        "pid": s.rng.randrange(1, 65535), "command_line": f"C:\\Windows\\{s.word()}.exe -x",
        "extensions": {
            "windows-process-ext": {
                "aslr_enabled": True, "dep_enabled": True, "priority": "HIGH_PRIORITY_CLASS",
                "owner_sid": "S-1-5-21-186985262-1144665072-74031268-1309",
            },
        },
    }


def t_unix_account(s):
    return {
        "type": "user-account", "spec_version": "2.1", "id": s.id("user-account"),
        "user_id": str(s.rng.randrange(1000, 60000)), "account_login": s.word(),
        "account_type": "unix", "display_name": f"{s.word().title()} User",
        "extensions": {"unix-account-ext": {"gid": 1001, "groups": ["wheel"], "home_dir": "/home/x", "shell": "/bin/bash"}},
    }


def t_observed_data_with_refs(s):
    created, modified = s.pair()
    return {
        "type": "observed-data", "spec_version": "2.1", "id": s.id("observed-data"),
        "created": created, "modified": modified, "first_observed": created, "last_observed": modified,
        "number_observed": s.rng.randrange(1, 100),
        "object_refs": [s.id("ipv4-addr"), s.id("domain-name"), s.id("relationship")],
    }


TEMPLATES = [
    t_language_content, t_extension_definition, t_identity_with_property_extension,
    t_indicator_with_granular_markings, t_file_with_extensions, t_archive_file,
    t_http_request, t_windows_process, t_unix_account, t_observed_data_with_refs,
]


def corpus(seed, per_type):
    """Yields `per_type` objects of every generated type and template, in a fixed order.

    The TLP definitions are yielded once each (they are fixed objects).
    """
    generator = make_generator(seed)
    seen_tlp = set()
    for spec in GENERATED_SPECS:
        count = 1 if spec.startswith("tlp-") else per_type * WEIGHT.get(spec, 1)
        for _ in range(count):
            obj = generate(generator, spec)
            if obj.get("definition_type") == "tlp":
                if obj["id"] in seen_tlp:
                    continue
                seen_tlp.add(obj["id"])
            yield obj
    stamp = Stamp(random.Random(seed ^ 0x7E3))
    for template in TEMPLATES:
        for _ in range(per_type):
            yield template(stamp)

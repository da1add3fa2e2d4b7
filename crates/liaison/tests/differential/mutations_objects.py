"""Mutation kinds about patterns, references, markings, custom content and the
rules of individual object types; plus the VALID kinds (changes the
specification allows that validators are known to get wrong).

See `mutations` for the framework.
"""

import copy

from mutations import BASE_KEY, ERROR, TLP_GREEN, VALID, _set_cases, mutation, parse_ts, shift

# --- STIX patterns (§9) -----------------------------------------------------


def _patterns(pool, rows):
    for label, pattern in rows:
        obj = pool.one("indicator", lambda o: o.get("pattern_type") == "stix")
        if obj is not None:
            obj["pattern"] = pattern
            yield f"indicator.pattern:{label}", obj, ["pattern"]


@mutation("pattern-syntax", ERROR, "§9.2–§9.7 (pattern grammar)")
def pattern_syntax(pool):
    yield from _patterns(pool, [
        ("unbalanced-bracket", "[file:name = 'a.exe'"),
        ("lowercase-keyword", "[file:name = 'a.exe'] and [file:size = 5]"),
        ("unknown-operator", "[file:size =? 5]"),
        ("unquoted-hyphenated-key", "[file:hashes.SHA-256 = 'aa']"),
        ("start-stop-plain-strings",
         "[file:name = 'a.exe'] START '2016-06-01T00:00:00Z' STOP '2016-07-01T00:00:00Z'"),
        ("bad-escape", "[file:name = 'a\\qb.exe']"),
        ("odd-hex-literal", "[file:magic_number_hex = h'abc']"),
        ("empty-observation", "[]"),
        ("exponent-float", "[file:size > 1e3]"),
        ("within-without-unit", "[file:name = 'a.exe'] WITHIN 5"),
    ])


@mutation("pattern-and-across-object-types", ERROR, "§9.5 (operands of AND on one object)")
def pattern_and_types(pool):
    yield from _patterns(pool, [
        ("file-and-ipv4", "[file:name = 'a.exe' AND ipv4-addr:value = '198.51.100.1']"),
        ("nested", "[(network-traffic:dst_port = 443 OR network-traffic:dst_port = 8443) "
                   "AND user-account:user_id = 'root']"),
    ])


@mutation("pattern-mixed-object-types-satisfiable", VALID,
          "§9.5 (different types joined by OR; every AND operand satisfiable by one object)")
def pattern_mixed_types_ok(pool):
    yield from _patterns(pool, [
        ("or-across-types", "[file:name = 'a.exe' OR ipv4-addr:value = '198.51.100.1']"),
        ("and-then-mixed-or", "[file:name = 'a.exe' AND (file:size = 5 OR ipv4-addr:value = '198.51.100.1')]"),
        ("or-of-and-groups", "[(file:name = 'a.exe' AND file:size = 5) OR "
                             "(ipv4-addr:value = '198.51.100.1' AND ipv4-addr:defanged = false)]"),
    ])


@mutation("pattern-repeats-zero", ERROR, "§9.5.1 REPEATS (x MUST be a positive integer)")
def pattern_repeats(pool):
    yield from _patterns(pool, [("repeats-0", "[file:name = 'a.exe'] REPEATS 0 TIMES")])


@mutation("pattern-within-zero", ERROR, "§9.5.1 WITHIN (x MUST be positive)")
def pattern_within(pool):
    yield from _patterns(pool, [("within-0", "[file:name = 'a.exe'] WITHIN 0 SECONDS")])


@mutation("pattern-duplicate-qualifier", ERROR, "§9.5.1 (at most one qualifier of a type)")
def pattern_duplicate_qualifier(pool):
    yield from _patterns(pool, [
        ("within-twice", "[file:name = 'a.exe'] WITHIN 5 SECONDS WITHIN 6 SECONDS"),
        ("repeats-twice", "[file:name = 'a.exe'] REPEATS 2 TIMES REPEATS 3 TIMES"),
    ])


@mutation("pattern-impossible-timestamp", ERROR, "§9.2 timestamp constants (a §2.16 timestamp)")
def pattern_timestamp(pool):
    yield from _patterns(pool, [
        ("feb-30", "[file:ctime = t'2021-02-30T00:00:00Z']"),
        ("month-13", "[file:name = 'a.exe'] START t'2021-13-01T00:00:00Z' STOP t'2022-01-01T00:00:00Z'"),
    ])


# --- hashes, binary, hex ----------------------------------------------------


@mutation("hash-value-format", ERROR, "§2.7 (value in the algorithm's format)")
def bad_hash(pool):
    for alg, value in (("MD5", "a" * 31), ("SHA-256", "b" * 63), ("SHA-1", "z" * 40)):
        obj = pool.one("file")
        if obj is not None:
            obj["hashes"] = {alg: value}
            yield f"file.hashes.{alg}", obj, ["hashes"]
    obj = pool.one("campaign")
    if obj is not None:
        obj["external_references"] = [
            {"source_name": "acme", "url": "https://example.com/r", "hashes": {"SHA-256": "abc123"}}
        ]
        yield "campaign.external_references[0].hashes", obj, ["external_references"]


@mutation("binary-not-base64", ERROR, "§2.1")
def bad_binary(pool):
    obj = pool.one("artifact")
    if obj is not None:
        for key in ("url", "hashes", "encryption_algorithm", "decryption_key"):
            obj.pop(key, None)
        obj["payload_bin"] = "not base64!"
        yield "artifact.payload_bin", obj, ["payload_bin"]


@mutation("hex-invalid", ERROR, "§2.8")
def bad_hex(pool):
    for label, value in (("odd-length", "abc"), ("non-hex", "zz")):
        obj = pool.one("file")
        if obj is not None:
            obj["magic_number_hex"] = value
            yield f"file.magic_number_hex:{label}", obj, ["magic_number_hex"]


# --- references -------------------------------------------------------------

# (type, property, target type, list?)
WRONG_REFERENCES = [
    ("campaign", "created_by_ref", "indicator", False),
    ("tool", "object_marking_refs", "identity", True),
    ("sighting", "sighting_of_ref", "relationship", False),
    ("sighting", "where_sighted_refs", "indicator", True),
    ("sighting", "observed_data_refs", "indicator", True),
    ("relationship", "source_ref", "marking-definition", False),
    ("relationship", "target_ref", "sighting", False),
    ("malware", "sample_refs", "ipv4-addr", True),
    ("malware", "operating_system_refs", "file", True),
    ("malware-analysis", "sample_ref", "mutex", False),
    ("malware-analysis", "host_vm_ref", "file", False),
    ("observed-data", "object_refs", "relationship", True),
    ("file", "parent_directory_ref", "file", False),
    ("file", "content_ref", "file", False),
    ("email-addr", "belongs_to_ref", "file", False),
    ("network-traffic", "src_ref", "file", False),
    ("process", "image_ref", "directory", False),
    ("directory", "contains_refs", "mutex", True),
    ("domain-name", "resolves_to_refs", "url", True),
    ("ipv4-addr", "resolves_to_refs", "ipv4-addr", True),
    ("extension-definition", "created_by_ref", "indicator", False),
]


@mutation("reference-wrong-type", ERROR, "§3.2, §3.3 and each property's embedded relationship")
def wrong_reference(pool):
    for type_, prop, target, is_list in WRONG_REFERENCES:
        obj = pool.one(type_)
        if obj is None:
            continue
        ref = TLP_GREEN if target == "marking-definition" else pool.new_id(target)
        if type_ == "observed-data":
            obj.pop("objects", None)
        obj[prop] = [ref] if is_list else ref
        yield f"{type_}.{prop}->{target}", obj, [prop]
    obj = pool.one("indicator")
    if obj is not None:
        obj["granular_markings"] = [{"marking_ref": pool.new_id("identity"), "selectors": ["pattern"]}]
        yield "indicator.granular_markings[0].marking_ref->identity", obj, ["granular_markings"]


# --- names: reserved and custom properties ----------------------------------


@mutation("reserved-property", ERROR, "§3.8")
def reserved(pool):
    yield from _set_cases(pool, [
        ("indicator", "severity", "high"),
        ("identity", "username", "jdoe"),
        ("identity", "phone_number", "+1 555 0100"),
        ("course-of-action", "action", "patch the server"),
    ])


@mutation("custom-property-bad-name", ERROR, "§11.1.1 (a-z, 0-9, _; 3–250 characters)")
def custom_bad(pool):
    for label, name in (("uppercase", "x_Acme_Score"), ("hyphen", "x-acme-score"),
                        ("too-short", "xy"), ("too-long", "x_" + "a" * 249),
                        ("non-ascii", "x_acmé_score")):
        obj = pool.one("indicator")
        if obj is not None:
            obj[name] = 7
            yield f"indicator.{label}", obj, [name]


@mutation("custom-property", VALID, "§11.1 (custom properties are allowed)")
def custom_ok(pool):
    yield from _set_cases(pool, [
        ("indicator", "x_acme_score", 7),
        ("file", "x_acme_tags", ["a", "b"]),
        ("campaign", "x_acme_org", {"unit": "blue"}),
    ])


# --- markings ---------------------------------------------------------------


def _granular(pool, type_, markings, label):
    obj = pool.one(type_, lambda o: "name" in o)
    if obj is not None:
        obj["labels"] = ["alpha"]
        obj["granular_markings"] = markings
        yield f"{type_}.granular_markings:{label}", obj, ["granular_markings"]


@mutation("granular-marking-bad-selector", ERROR, "§7.2.3 (selectors refer to present content)")
def bad_selector(pool):
    for label, selector in (("missing-property", "does_not_exist"), ("index-out-of-range", "labels.[9]"),
                            ("index-into-string", "name.[0]")):
        yield from _granular(pool, "campaign", [{"marking_ref": TLP_GREEN, "selectors": [selector]}], label)


@mutation("granular-marking-lang-and-marking-ref", ERROR, "§7.2.3 (exactly one of lang, marking_ref)")
def granular_both(pool):
    yield from _granular(pool, "campaign", [{"lang": "en", "marking_ref": TLP_GREEN, "selectors": ["name"]}], "both")
    yield from _granular(pool, "campaign", [{"selectors": ["name"]}], "neither")


@mutation("granular-marking-lang", VALID, "§7.2.3 (a language marking has lang, no marking_ref)")
def granular_lang(pool):
    yield from _granular(pool, "campaign", [{"lang": "de", "selectors": ["name"]}], "lang")


@mutation("marking-self-reference", ERROR, "§3.2 object_marking_refs, granular_markings")
def self_marking(pool):
    statement = lambda o: o.get("definition_type") == "statement"  # noqa: E731
    obj = pool.one("marking-definition", statement)
    if obj is not None:
        obj["object_marking_refs"] = [obj["id"]]
        yield "marking-definition.object_marking_refs", obj, ["object_marking_refs"]
    obj = pool.one("marking-definition", statement)
    if obj is not None:
        obj["granular_markings"] = [{"marking_ref": obj["id"], "selectors": ["definition"]}]
        yield "marking-definition.granular_markings", obj, ["granular_markings"]


@mutation("tlp-marking-not-standard", ERROR, "§7.2.1.4 (only the four TLP definitions)")
def tlp_copies(pool):
    obj = pool.one("marking-definition", lambda o: o["id"] == TLP_GREEN)
    if obj is not None:
        obj["id"] = pool.new_id("marking-definition")
        yield "marking-definition.tlp-with-new-id", obj, ["id", "definition", "definition_type"]
    obj = pool.one("marking-definition", lambda o: o.get("definition_type") == "statement")
    if obj is not None:
        obj["id"] = TLP_GREEN
        yield "marking-definition.statement-with-tlp-id", obj, ["id", "definition", "definition_type"]


# --- location ---------------------------------------------------------------


def _location(pool, changes, label, paths):
    obj = pool.one("location")
    if obj is None:
        return
    for key in ("region", "country", "latitude", "longitude", "precision"):
        obj.pop(key, None)
    obj.update(changes)
    yield f"location.{label}", obj, paths


@mutation("location-coordinates-unpaired", ERROR, "§4.10 latitude, longitude, precision")
def location_pairs(pool):
    yield from _location(pool, {"region": "europe", "latitude": 48.8}, "latitude-alone", ["latitude", "longitude"])
    yield from _location(pool, {"country": "fr", "longitude": 2.3}, "longitude-alone", ["latitude", "longitude"])
    yield from _location(pool, {"region": "europe", "precision": 1000.0}, "precision-alone",
                         ["precision", "latitude", "longitude"])


@mutation("location-coordinates-out-of-range", ERROR, "§4.10 latitude, longitude")
def location_range(pool):
    yield from _location(pool, {"latitude": 90.5, "longitude": 2.3}, "latitude-90.5", ["latitude"])
    yield from _location(pool, {"latitude": 48.8, "longitude": -180.5}, "longitude--180.5", ["longitude"])


@mutation("location-without-place", ERROR, "§4.10 (one of region, country, latitude+longitude)")
def location_empty(pool):
    yield from _location(pool, {"name": "Somewhere"}, "name-only", ["region", "country", "latitude", "longitude"])


# --- numeric ranges ---------------------------------------------------------


@mutation("number-out-of-range", ERROR, "§4.14 number_observed, §5.2 count, §6.12 ports, §6.7 size")
def number_range(pool):
    yield from _set_cases(pool, [
        ("observed-data", "number_observed", 0, "number_observed:0"),
        ("observed-data", "number_observed", 1000000000, "number_observed:1e9"),
        ("sighting", "count", -1, "count:-1"),
        ("sighting", "count", 1000000000, "count:1e9"),
        ("network-traffic", "dst_port", 65536, "dst_port:65536"),
        ("network-traffic", "src_port", -1, "src_port:-1"),
        ("file", "size", -1, "size:-1"),
    ])


@mutation("boundary-values", VALID, "§3.2 confidence, §4.14, §5.2, §6.12, §4.10 (inclusive bounds)")
def boundaries(pool):
    yield from _set_cases(pool, [
        ("indicator", "confidence", 0, "confidence:0"),
        ("report", "confidence", 100, "confidence:100"),
        ("observed-data", "number_observed", 999999999, "number_observed:999999999"),
        ("sighting", "count", 0, "count:0"),
        ("network-traffic", "dst_port", 65535, "dst_port:65535"),
        ("network-traffic", "src_port", 0, "src_port:0"),
    ])
    yield from _location(pool, {"latitude": -90.0, "longitude": 180.0}, "coordinates:-90,180", ["latitude", "longitude"])
    obj = pool.one("campaign")
    if obj is not None:
        obj["modified"] = obj["created"]
        yield "campaign.modified=created", obj, ["created", "modified"]


# --- object-specific rules --------------------------------------------------


@mutation("spec-version-wrong", ERROR, "§3.2 spec_version (MUST be 2.1)")
def spec_version(pool):
    yield from _set_cases(pool, [
        ("indicator", "spec_version", "21", "spec_version:21"),
        ("ipv4-addr", "spec_version", "v2.1", "spec_version:v2.1"),
    ])


@mutation("empty-dictionary", ERROR, "§2.3 (empty dictionaries are prohibited)")
def empty_dict(pool):
    obj = pool.one("file", lambda o: "name" in o)
    if obj is not None:
        obj["hashes"] = {}
        yield "file.hashes", obj, ["hashes"]
    yield from _set_cases(pool, [
        ("network-traffic", "ipfix", {}),
        ("user-account", "extensions", {}),
    ])
    obj = pool.one("intrusion-set")
    if obj is not None:
        obj["external_references"] = [{"source_name": "acme", "url": "https://example.com/", "hashes": {}}]
        yield "intrusion-set.external_references[0].hashes", obj, ["external_references"]


@mutation("malware-family-without-name", ERROR, "§4.11 name (required when is_family is true)")
def malware_family(pool):
    obj = pool.one("malware")
    if obj is not None:
        obj["is_family"] = True
        obj.pop("name", None)
        yield "malware.name", obj, ["name", "is_family"]


@mutation("artifact-content-rules", ERROR, "§6.1 payload_bin, url, hashes, decryption_key")
def artifact_rules(pool):
    obj = pool.one("artifact")
    if obj is not None:
        obj["payload_bin"] = "iVBORw0KGgoAAAANSUhEUgAAADI="
        obj["url"] = "https://example.com/sample.bin"
        obj["hashes"] = {"SHA-256": "c" * 64}
        yield "artifact.payload_bin+url", obj, ["payload_bin", "url"]
    obj = pool.one("artifact")
    if obj is not None:
        for key in ("payload_bin", "hashes"):
            obj.pop(key, None)
        obj["url"] = "https://example.com/sample.bin"
        yield "artifact.url-without-hashes", obj, ["url", "hashes"]
    obj = pool.one("artifact")
    if obj is not None:
        obj.pop("encryption_algorithm", None)
        obj["decryption_key"] = "infected"
        yield "artifact.decryption_key-without-algorithm", obj, ["decryption_key", "encryption_algorithm"]


@mutation("email-message-body-rules", ERROR, "§6.6 body, body_multipart")
def email_body(pool):
    obj = pool.one("email-message")
    if obj is not None:
        obj["is_multipart"] = True
        obj.pop("body_multipart", None)
        obj["body"] = "Hello"
        yield "email-message.body-when-multipart", obj, ["body", "is_multipart"]
    obj = pool.one("email-message")
    if obj is not None:
        obj["is_multipart"] = False
        obj.pop("body", None)
        obj["body_multipart"] = [{"body": "Hello", "content_type": "text/plain; charset=utf-8"}]
        yield "email-message.body_multipart-when-not-multipart", obj, ["body_multipart", "is_multipart"]


@mutation("network-traffic-rules", ERROR, "§6.12 is_active, end, src_ref/dst_ref")
def traffic_rules(pool):
    obj = pool.one("network-traffic")
    if obj is not None:
        obj["start"] = "2025-06-01T10:00:00.000Z"
        obj["end"] = "2025-06-01T11:00:00.000Z"
        obj["is_active"] = True
        yield "network-traffic.is_active-with-end", obj, ["is_active", "end"]
    obj = pool.one("network-traffic")
    if obj is not None:
        obj.pop("src_ref", None)
        obj.pop("dst_ref", None)
        yield "network-traffic.no-src_ref-nor-dst_ref", obj, ["src_ref", "dst_ref"]


@mutation("address-format", ERROR, "§6.8, §6.9, §6.10 value")
def address_format(pool):
    yield from _set_cases(pool, [
        ("mac-addr", "value", "AA:BB:CC:DD:EE:FF", "value:uppercase"),
        ("mac-addr", "value", "aa-bb-cc-dd-ee-ff", "value:dashes"),
        ("ipv4-addr", "value", "999.1.1.1", "value:octet-999"),
        ("ipv4-addr", "value", "10.0.0.0/33", "value:prefix-33"),
        ("ipv6-addr", "value", "2001:db8::g", "value:non-hex"),
    ])


@mutation("lang-invalid", ERROR, "§3.2 lang (RFC 5646)")
def lang_invalid(pool):
    yield from _set_cases(pool, [
        ("campaign", "lang", "english!", "lang:punctuation"),
        ("identity", "lang", "e", "lang:one-letter"),
    ])


@mutation("kill-chain-phase-incomplete", ERROR, "§2.11")
def kill_chain(pool):
    for missing in ("phase_name", "kill_chain_name"):
        obj = pool.one("attack-pattern")
        if obj is not None:
            phase = {"kill_chain_name": "lockheed-martin-cyber-kill-chain", "phase_name": "delivery"}
            del phase[missing]
            obj["kill_chain_phases"] = [phase]
            yield f"attack-pattern.kill_chain_phases[0].{missing}", obj, ["kill_chain_phases"]


@mutation("external-reference-incomplete", ERROR, "§2.5.2")
def external_reference(pool):
    for label, ref in (("source-only", {"source_name": "acme"}),
                       ("no-source_name", {"url": "https://example.com/", "external_id": "X-1"})):
        obj = pool.one("vulnerability")
        if obj is not None:
            obj["external_references"] = [ref]
            yield f"vulnerability.external_references:{label}", obj, ["external_references"]


@mutation("process-id-not-uuid4", ERROR, "§2.9 (UUIDv4 when no ID contributing property), §6.13")
def process_uuid(pool):
    obj = pool.one("process")
    if obj is not None:
        obj["id"] = "process--6ba7b810-9dad-11d1-80b4-00c04fd430c8"
        yield "process.id:uuid1", obj, ["id"]


@mutation("relationship-type-charset", ERROR, "§5.1 relationship_type (a-z, 0-9, -)")
def relationship_type(pool):
    yield from _set_cases(pool, [
        ("relationship", "relationship_type", "Related To", "relationship_type:space-and-case"),
        ("relationship", "relationship_type", "related_to", "relationship_type:underscore"),
    ])


@mutation("extension-without-extension-type", ERROR, "§3.2 extensions (extension_type required)")
def extension_type(pool):
    obj = pool.one("identity", lambda o: any(k.startswith("extension-definition--") for k in o.get("extensions", {})))
    if obj is not None:
        for value in obj["extensions"].values():
            value.pop("extension_type", None)
        yield "identity.extensions", obj, ["extensions"]


@mutation("defanged-on-non-sco", ERROR, "§3.2 defanged (SCOs only)")
def defanged(pool):
    yield from _set_cases(pool, [("indicator", "defanged", True), ("relationship", "defanged", False)])


@mutation("enc-without-base-property", ERROR, "§3.1 (_enc only with its base property)")
def enc_without_base(pool):
    obj = pool.one("file", lambda o: "hashes" in o)
    if obj is not None:
        obj.pop("name", None)
        obj["name_enc"] = "windows-1252"
        yield "file.name_enc", obj, ["name_enc", "name"]


@mutation("observed-data-objects-and-object-refs", ERROR, "§4.14 objects (not with object_refs)")
def observed_both(pool):
    obj = pool.one("observed-data", lambda o: "object_refs" in o)
    if obj is not None:
        obj["objects"] = {"0": {"type": "ipv4-addr", "value": "198.51.100.3"}}
        yield "observed-data.objects", obj, ["objects", "object_refs"]


@mutation("registry-key-abbreviated-hive", ERROR, "§6.17 key (hive fully expanded)")
def registry_hive(pool):
    yield from _set_cases(pool, [("windows-registry-key", "key", "HKLM\\Software\\Acme\\Run", "key:HKLM")])


@mutation("language-content-bad-language", ERROR, "§7.1 contents (keys are RFC 5646 codes)")
def language_key(pool):
    obj = pool.one("language-content")
    if obj is not None:
        obj["contents"] = {"not a language!": {"name": "x"}}
        yield "language-content.contents", obj, ["contents"]


# --- VALID kinds: the specification allows these ----------------------------


@mutation("process-created-time-only", VALID, "§6.13 (any one property suffices)")
def process_created_time(pool):
    obj = pool.one("process")
    if obj is not None:
        for key in [k for k in obj if k not in ("type", "id", "spec_version", BASE_KEY)]:
            del obj[key]
        obj["created_time"] = "2025-09-02T19:39:51.276Z"
        yield "process.created_time", obj, ["created_time"]


@mutation("registry-key-modified-time-only", VALID, "§6.17 (any one property suffices)")
def registry_modified_time(pool):
    obj = pool.one("windows-registry-key")
    if obj is not None:
        for key in [k for k in obj if k not in ("type", "id", "spec_version", BASE_KEY)]:
            del obj[key]
        obj["modified_time"] = "2025-09-02T19:39:51Z"
        yield "windows-registry-key.modified_time", obj, ["modified_time"]


@mutation("artifact-mime-type-unregistered", VALID, "§6.1 mime_type (IANA is a SHOULD)")
def artifact_mime(pool):
    yield from _set_cases(pool, [("artifact", "mime_type", "image/pjpeg")])


@mutation("timestamp-nanoseconds", VALID, "§3.2 created/modified (MAY be more precise)")
def nanoseconds(pool):
    for type_ in ("indicator", "relationship"):
        obj = pool.one(type_)
        if obj is not None:
            created = parse_ts(obj["created"])
            obj["created"] = created.strftime("%Y-%m-%dT%H:%M:%S.") + f"{created.microsecond:06d}123Z"
            obj["modified"] = shift(obj["created"][:23] + "Z", days=1)[:23] + "456789Z"
            yield f"{type_}.created+modified", obj, ["created", "modified"]


@mutation("unicode-text", VALID, "§2.15 (strings are Unicode)")
def unicode_text(pool):
    yield from _set_cases(pool, [
        ("campaign", "description", "Описание кампании — ünïcödé 🐉 中文"),
        ("file", "name", "résumé 📄.pdf"),
    ])


@mutation("pattern-type-not-stix", VALID, "§4.7 pattern_type (non-STIX languages are not STIX patterns)")
def other_pattern_language(pool):
    obj = pool.one("indicator")
    if obj is not None:
        obj["pattern_type"] = "snort"
        obj.pop("pattern_version", None)
        obj["pattern"] = 'alert tcp any any -> any 80 (msg:"exploit"; content:"|90 90|"; sid:1000001;)'
        yield "indicator.pattern_type:snort", obj, ["pattern", "pattern_type"]


@mutation("relationship-type-custom", VALID, "§5.1 relationship_type (MAY be any string)")
def custom_relationship(pool):
    yield from _set_cases(pool, [("relationship", "relationship_type", "shares-code-with")])


@mutation("hashes-custom-algorithm", VALID, "§2.7 (algorithm names SHOULD come from the vocabulary)")
def custom_hash(pool):
    obj = pool.one("file", lambda o: "name" in o)
    if obj is not None:
        obj["hashes"] = copy.deepcopy(obj.get("hashes", {}))
        obj["hashes"]["x_foo_hash"] = "aaaabbbbccccddddeeeeffff0123457890"
        yield "file.hashes.x_foo_hash", obj, ["hashes"]

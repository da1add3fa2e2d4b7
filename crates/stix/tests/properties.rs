//! Property tests of the STIX model: generated valid objects of every type
//! validate without errors, survive parse → serialise → parse and RFC 8785
//! canonicalisation unchanged (timestamps and numbers keep their text,
//! members their order), stay valid in bundles, and any single broken MUST
//! is reported at the right path.
//!
//! The generators live in [`arb`] (one per object type, written from the
//! specification rather than from the validator's tables); [`render`] is an
//! independent JSON writer that varies whitespace and escapes, so that the
//! parser is tested on more than its own writer's output.
//!
//! Case counts are moderate so that the suite runs in seconds in a debug
//! build; `PROPTEST_CASES=n` sets the number of cases of every property (per
//! type, for the properties that loop over all types).

#[path = "properties/arb/mod.rs"]
mod arb;
#[path = "properties/oracle.rs"]
mod oracle;
#[path = "properties/render.rs"]
mod render;

use liaison_stix::json::{Object, Value, canonical, parse};
use liaison_stix::timestamp::Timestamp;
use liaison_stix::{Finding, validate_document, validate_object};
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use arb::leaf::uuid4;
use arb::time::Ts;
use arb::{Gen, any_object, registry};
use oracle::{all_nodes, check_sorted, es6_number, index, same_data};

/// The configuration of every property: `default_cases` unless
/// `PROPTEST_CASES` says otherwise. Failures are not persisted to files:
/// the minimal failing case is printed instead.
fn config(default_cases: u32) -> Config {
    let mut config = Config::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = default_cases;
    }
    config.failure_persistence = None;
    config
}

/// Findings one per line, for failure messages.
fn show(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("\n  {} [{}] {f}", f.severity, f.code))
        .collect()
}

/// Runs `check` on cases of every object type in turn, naming the type of
/// a failure.
fn for_every_type<T: std::fmt::Debug>(
    cases: u32,
    extra: impl Strategy<Value = T> + Clone,
    check: impl Fn(&Gen, &T) -> Result<(), TestCaseError>,
) {
    for (name, strategy) in registry() {
        let mut runner = TestRunner::new(config(cases));
        let result = runner.run(&(strategy, extra.clone()), |(g, t)| check(&g, &t));
        if let Err(e) = result {
            panic!("{name}: {e}");
        }
    }
}

// --- (a) generated objects are valid ---------------------------------------

/// Warnings the generators never deserve: their ids are the prescribed
/// UUIDv5 (SCOs) or UUIDv4, and the values these codes judge (hex digits,
/// registry hives, HTTP request lines, country and subdivision codes,
/// socket options, IPFIX names) are always written the way the
/// specification says they SHOULD be.
const NEVER: &[&str] = &[
    "deterministic-id",
    "uuid-version",
    "format",
    "countries",
    "administrative-area",
    "socket-options",
    "ipfix",
    "duplicate-ids",
];

/// No errors (warnings are fine: open vocabularies, custom properties),
/// none of the warnings in [`NEVER`], and validating the object as a
/// document finds the same.
fn check_valid(g: &Gen) -> Result<(), TestCaseError> {
    let findings = validate_object(&g.value);
    let bad: Vec<Finding> = findings
        .iter()
        .filter(|f| f.is_error() || NEVER.contains(&f.code))
        .cloned()
        .collect();
    prop_assert!(
        bad.is_empty(),
        "unexpected findings:{}\nall findings:{}",
        show(&bad),
        show(&findings)
    );
    prop_assert_eq!(validate_document(&g.value), findings);
    Ok(())
}

#[test]
fn every_generated_object_is_valid() {
    for_every_type(32, Just(()), |g, _| check_valid(g));
}

// --- (b) round trips ---------------------------------------------------------

/// The round-trip properties of one value, starting from its rendering
/// in the layout chosen by `seed`.
fn check_round_trip(model: &Value<'static>, seed: u64) -> Result<(), TestCaseError> {
    let text = render::render(model, seed);
    let v1 = parse(&text)
        .map_err(|e| TestCaseError::fail(format!("{e} in {text}")))?
        .into_owned();
    prop_assert_eq!(
        &v1,
        model,
        "parsing the rendered text changed the value; text: {}",
        text
    );

    let s1 = v1.to_json_string();
    let v2 = parse(&s1)
        .map_err(|e| TestCaseError::fail(format!("{e} in {s1}")))?
        .into_owned();
    prop_assert_eq!(
        &v2,
        &v1,
        "to_json_string does not parse back to the same value: {}",
        s1
    );
    prop_assert_eq!(
        v2.to_json_string(),
        s1.clone(),
        "serialisation is not a fixed point"
    );

    // Timestamps keep their text, numbers their source text, objects their
    // member order, node for node.
    let out_nodes = index(&v2);
    for (path, node) in all_nodes(model) {
        let out = out_nodes.get(&path).copied();
        match node {
            Value::String(t) if Timestamp::parse(t).is_ok() => {
                prop_assert_eq!(
                    out.and_then(Value::as_str),
                    Some(t.as_ref()),
                    "timestamp at {}",
                    path
                );
                prop_assert!(
                    s1.contains(&format!("\"{t}\"")),
                    "timestamp {} not verbatim in {}",
                    t,
                    s1
                );
            }
            Value::Number(n) => {
                let text = out
                    .and_then(Value::as_number)
                    .map(|m| m.as_str().to_owned());
                prop_assert_eq!(text.as_deref(), Some(n.as_str()), "number text at {}", path);
            }
            Value::Object(o) => {
                let keys: Option<Vec<&str>> =
                    out.and_then(Value::as_object).map(|m| m.keys().collect());
                prop_assert_eq!(
                    keys,
                    Some(o.keys().collect::<Vec<_>>()),
                    "member order at {}",
                    path
                );
            }
            _ => {}
        }
    }

    // Canonical form: the same for the value and its reserialisation, a
    // fixed point, sorted, compact, the same data, ES6 numbers.
    let c1 = canonical(&v1).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let c2 = canonical(&v2).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&c1, &c2, "canonical form changed by serialise → parse");
    let reparsed = parse(&c1)
        .map_err(|e| TestCaseError::fail(format!("{e} in {c1}")))?
        .into_owned();
    prop_assert_eq!(
        canonical(&reparsed).ok(),
        Some(c1.clone()),
        "canonical form is not a fixed point"
    );
    prop_assert_eq!(
        reparsed.to_json_string(),
        c1.clone(),
        "canonical form is not compact"
    );
    check_sorted(&reparsed)?;
    prop_assert!(
        same_data(&reparsed, model),
        "canonical form changed the data: {}",
        c1
    );
    let canonical_nodes = index(&reparsed);
    for (path, node) in all_nodes(model) {
        if let Value::Number(n) = node {
            let got = canonical_nodes
                .get(&path)
                .and_then(|v| v.as_number())
                .map(|m| m.as_str().to_owned());
            prop_assert_eq!(
                got,
                Some(es6_number(n.as_f64())),
                "canonical form of number {} at {}",
                n.as_str(),
                path
            );
        }
        if let Value::String(t) = node
            && Timestamp::parse(t).is_ok()
        {
            prop_assert!(
                c1.contains(&format!("\"{t}\"")),
                "timestamp {} not verbatim in canonical form",
                t
            );
        }
    }
    Ok(())
}

/// `value` with the members of every object in a random order, except in
/// `hashes`: when it holds none of MD5, SHA-1, SHA-256 and SHA-512, the
/// deterministic id of an SCO hashes its first member (the specification
/// leaves that case open; the reference library takes the first key), so
/// there member order is meaningful.
fn shuffled(value: &Value<'static>, mix: &mut arb::Mix) -> Value<'static> {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(|v| shuffled(v, mix)).collect()),
        Value::Object(o) => {
            let mut members: Vec<(String, Value<'static>)> = o
                .iter()
                .map(|(k, v)| {
                    (
                        k.to_owned(),
                        if k == "hashes" {
                            v.clone()
                        } else {
                            shuffled(v, mix)
                        },
                    )
                })
                .collect();
            for i in (1..members.len()).rev() {
                members.swap(i, mix.below(i + 1));
            }
            arb::obj(members)
        }
        other => other.clone(),
    }
}

/// Findings as comparable lines, sorted.
fn sorted(findings: Vec<Finding>) -> Vec<String> {
    let mut lines: Vec<String> = findings
        .iter()
        .map(|f| format!("{} {} [{}] {}", f.severity, f.path, f.code, f.message))
        .collect();
    lines.sort();
    lines
}

/// A generated object round-trips, and validation depends on the value
/// only: not on how it was written, nor on the order of its members.
fn check_object_round_trip(g: &Gen, seed: u64) -> Result<(), TestCaseError> {
    check_round_trip(&g.value, seed)?;
    let reparsed = parse(&g.value.to_json_string())
        .expect("checked above")
        .into_owned();
    let findings = validate_object(&g.value);
    prop_assert_eq!(validate_object(&reparsed), findings.clone());
    let reordered = shuffled(&g.value, &mut arb::Mix(seed));
    prop_assert_eq!(
        sorted(validate_object(&reordered)),
        sorted(findings),
        "findings depend on member order; reordered: {}",
        reordered
    );
    Ok(())
}

#[test]
fn every_generated_object_round_trips() {
    for_every_type(32, any::<u64>(), |g, seed| {
        check_object_round_trip(g, *seed)
    });
}

proptest! {
    #![proptest_config(config(256))]

    /// Arbitrary JSON (what custom properties carry) round-trips too.
    #[test]
    fn any_json_round_trips(value in arb::leaf::json_value(), seed in any::<u64>()) {
        check_round_trip(&value, seed)?;
    }
}

// --- (c) bundles ---------------------------------------------------------------

/// A bundle (§8) of the objects.
fn bundle(objects: &[Gen], uuid: liaison_stix::Uuid) -> Value<'static> {
    let mut o = Object::new();
    o.insert("type", Value::from("bundle"));
    o.insert("id", Value::from(format!("bundle--{uuid}")));
    o.insert(
        "objects",
        Value::Array(objects.iter().map(|g| g.value.clone()).collect()),
    );
    Value::Object(o)
}

proptest! {
    #![proptest_config(config(64))]

    /// A bundle (and a plain list) of valid objects is valid, and each
    /// finding is placed on its object.
    #[test]
    fn bundles_of_valid_objects_are_valid(
        objects in proptest::collection::vec(any_object(), 1..6),
        uuid in uuid4(),
        seed in any::<u64>(),
    ) {
        let document = bundle(&objects, uuid);
        let findings = validate_document(&document);
        prop_assert!(!findings.iter().any(Finding::is_error), "errors in bundle:{}", show(&findings));
        prop_assert!(findings.iter().all(|f| f.path.starts_with("objects[")), "{}", show(&findings));
        let list = Value::Array(objects.iter().map(|g| g.value.clone()).collect());
        prop_assert!(!validate_document(&list).iter().any(Finding::is_error));
        check_round_trip(&document, seed)?;
    }
}

// --- (d) mutations ------------------------------------------------------------

/// One broken MUST and where it must be reported.
#[derive(Debug)]
struct Mutated {
    value: Value<'static>,
    path: String,
    code: &'static str,
    what: String,
}

/// Timestamp pairs the specification orders: (types, earlier, later,
/// strictly later). `*` stands for every type with `modified`.
const ORDERED: &[(&[&str], &str, &str, bool)] = &[
    (&["*"], "created", "modified", false),
    (&["indicator"], "valid_from", "valid_until", true),
    (&["relationship"], "start_time", "stop_time", true),
    (
        &[
            "campaign",
            "infrastructure",
            "intrusion-set",
            "malware",
            "threat-actor",
            "sighting",
        ],
        "first_seen",
        "last_seen",
        false,
    ),
    (&["observed-data"], "first_observed", "last_observed", false),
    (&["network-traffic"], "start", "end", false),
];

/// A timestamp that breaks the order after `earlier`: for a strict order
/// the same instant written with more digits, otherwise one at least two
/// seconds earlier (a leap second's POSIX second is the next minute's
/// first), written with 3 to 9 digits cut downwards, so strictly earlier.
fn breaking(earlier: &str, strict: bool, (seconds, digits): (u32, u32)) -> Option<String> {
    if strict {
        let stem = earlier.strip_suffix('Z')?;
        return Some(if stem.contains('.') {
            format!("{stem}00Z")
        } else {
            format!("{stem}.000Z")
        });
    }
    let t = Timestamp::parse(earlier).ok()?;
    let nanos = i64::from(t.subsec_nanos()) - i64::from(seconds % 1_000_000);
    let secs = t.unix_seconds() - 2 - i64::from(seconds) + nanos.div_euclid(1_000_000_000);
    let nanos = nanos.rem_euclid(1_000_000_000) as u32;
    let first = arb::time::days_from_civil(1, 1, 1) * 86_400;
    (secs >= first).then(|| Ts::from_nanos(secs, nanos, 3 + (digits % 7) as usize).text())
}

/// The mutations that apply to `g`: drop a required property, break a
/// timestamp order (modified before created, valid_until not after
/// valid_from, ...), confidence out of range, empty a list.
fn mutations(g: &Gen, earlier: (u32, u32), confidence: &str) -> Vec<Mutated> {
    let object = g.object();
    let mut out = Vec::new();
    let mut with = |path: &str, code, what: String, change: &dyn Fn(&mut Object<'static>)| {
        let mut o = object.clone();
        change(&mut o);
        out.push(Mutated {
            value: Value::Object(o),
            path: path.to_owned(),
            code,
            what,
        });
    };
    for key in &g.required {
        with(key, "required-property", format!("drop {key}"), &|o| {
            o.remove(key);
        });
    }
    for (types, first, later, strict) in ORDERED {
        let applies = types.contains(&g.type_name) || (types == &["*"] && g.kind.has_modified());
        let first = object.get(first).and_then(Value::as_str);
        if let (true, Some(text)) = (applies, first.and_then(|t| breaking(t, *strict, earlier))) {
            with(
                later,
                "timestamp-order",
                format!("{later} = {text}"),
                &|o| {
                    o.insert(*later, Value::from(text.clone()));
                },
            );
        }
    }
    if g.kind.has_confidence() {
        with(
            "confidence",
            "out-of-range",
            format!("confidence = {confidence}"),
            &|o| {
                o.insert("confidence", arb::leaf::num(confidence));
            },
        );
    }
    for key in g.lists() {
        with(&key, "empty-value", format!("{key} = []"), &|o| {
            o.insert(key.clone(), Value::Array(Vec::new()));
        });
    }
    out
}

fn confidence_out_of_range() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec![
        "101",
        "-1",
        "1000",
        "9223372036854775807",
        "99999999999999999999",
        "1e3",
    ])
}

/// `findings` has an error with `code` at `path`.
fn caught(findings: &[Finding], path: &str, code: &str) -> bool {
    findings
        .iter()
        .any(|f| f.is_error() && f.path == path && f.code == code)
}

proptest! {
    #![proptest_config(config(256))]

    /// Any one broken MUST is reported as an error at the expected path.
    #[test]
    fn single_mutations_are_caught(
        g in any_object(),
        pick in any::<Index>(),
        earlier in (0u32..100_000_000, any::<u32>()),
        confidence in confidence_out_of_range(),
    ) {
        let mutations = mutations(&g, earlier, confidence);
        prop_assume!(!mutations.is_empty());
        let m = pick.get(&mutations);
        let findings = validate_object(&m.value);
        prop_assert!(
            caught(&findings, &m.path, m.code),
            "{} on {:?}: no {} error at {}; findings:{}", m.what, g, m.code, m.path, show(&findings)
        );
    }

    /// The same inside a bundle, reported at the object's place in it.
    #[test]
    fn mutations_in_bundles_are_caught(
        objects in proptest::collection::vec(any_object(), 1..5),
        which in any::<Index>(),
        pick in any::<Index>(),
        earlier in (0u32..100_000_000, any::<u32>()),
        confidence in confidence_out_of_range(),
        uuid in uuid4(),
    ) {
        let i = which.index(objects.len());
        let mutations = mutations(&objects[i], earlier, confidence);
        prop_assume!(!mutations.is_empty());
        let m = pick.get(&mutations);
        let mut objects = objects.clone();
        objects[i].value = m.value.clone();
        let findings = validate_document(&bundle(&objects, uuid));
        let path = format!("objects[{i}].{}", m.path);
        prop_assert!(
            caught(&findings, &path, m.code),
            "{} on object {}: no {} error at {}; findings:{}", m.what, i, m.code, path, show(&findings)
        );
    }
}

/// The timestamp orderings these properties found wrong, as fixed cases:
/// a leap second is before the next minute, digits beyond the ninth count,
/// and a strict order is broken by an equal instant in another precision.
#[test]
fn timestamp_orders_found_by_these_properties() {
    let indicator = |from: &str, until: &str| {
        format!(
            r#"{{"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
            "created":"2016-12-31T23:59:60.500Z","modified":"2017-01-01T00:00:00.100Z","name":"n","description":"d",
            "pattern":"[file:name = 'a']","pattern_type":"stix","valid_from":"{from}","valid_until":"{until}"}}"#
        )
    };
    let errors = |text: String| -> Vec<String> {
        let value = parse(&text).expect("valid JSON");
        validate_object(&value)
            .into_iter()
            .filter(Finding::is_error)
            .map(|f| format!("{} {}", f.path, f.code))
            .collect()
    };
    assert_eq!(
        errors(indicator(
            "2016-12-31T23:59:59.0000000001Z",
            "2016-12-31T23:59:59.0000000002Z"
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        errors(indicator("2016-12-31T23:59:60.9Z", "2017-01-01T00:00:00Z")),
        Vec::<String>::new()
    );
    for until in [
        "2016-01-01T00:00:00.000Z",
        "2016-01-01T00:00:00Z",
        "2015-12-31T23:59:60.999Z",
    ] {
        assert_eq!(
            errors(indicator("2016-01-01T00:00:00Z", until)),
            ["valid_until timestamp-order"],
            "{until}"
        );
    }
    assert_eq!(
        errors(indicator(
            "2016-01-01T00:00:00.0000000002Z",
            "2016-01-01T00:00:00.0000000001Z"
        )),
        ["valid_until timestamp-order"]
    );
}

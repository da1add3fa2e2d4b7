//! Semantic checks: rules of the specification that the grammar cannot
//! express and the reference validator does not enforce.
//!
//! The rules are listed on [`Pattern::semantic_errors`], the public entry
//! point; each finding carries the offset of the construct at fault.

use super::PatternError;
use super::ast::{
    BoolOp, CompareOp, ComparisonExpr, Literal, ObjectPath, ObservationExpr, PathStep, Pattern,
    PropTest, Qualifier, QualifierKind, Test, Value,
};
use super::literal::truncate;
use super::regex;
use super::values::{self, Family};

/// Runs every check; errors are ordered by offset.
pub(crate) fn check(pattern: &Pattern) -> Vec<PatternError> {
    let mut checker = Checker { errors: Vec::new() };
    checker.observation_expr(&pattern.expr);
    checker.errors.sort_by_key(|e| e.offset);
    checker.errors
}

struct Checker {
    errors: Vec<PatternError>,
}

/// The object types a comparison expression is about.
#[derive(Clone)]
enum Types<'a> {
    /// The object types that could satisfy the expression (sorted, unique).
    Any(Vec<&'a str>),
    /// Already reported; do not report again higher up.
    Reported,
}

impl Checker {
    fn error(&mut self, offset: usize, message: impl Into<String>) {
        self.errors.push(PatternError::new(offset, message));
    }

    fn observation_expr(&mut self, expr: &ObservationExpr) {
        match expr {
            ObservationExpr::Observation(obs) => {
                self.object_types(&obs.comparison);
                obs.comparison
                    .for_each_test(&mut |test| self.prop_test(test));
            }
            ObservationExpr::Compound { operands, .. } => {
                operands
                    .iter()
                    .for_each(|operand| self.observation_expr(operand));
            }
            ObservationExpr::Qualified { expr, qualifiers } => {
                self.observation_expr(expr);
                self.qualifiers(qualifiers);
            }
        }
    }

    fn qualifiers(&mut self, qualifiers: &[Qualifier]) {
        // One flag per kind (WITHIN, REPEATS, START): long chains stay linear.
        let mut seen = [false; 3];
        for qualifier in qualifiers {
            let keyword = qualifier.kind.keyword();
            let kind = match qualifier.kind {
                QualifierKind::Within { .. } => 0,
                QualifierKind::Repeats { .. } => 1,
                QualifierKind::StartStop { .. } => 2,
            };
            if std::mem::replace(&mut seen[kind], true) {
                let name = if keyword == "START" {
                    "START/STOP"
                } else {
                    keyword
                };
                self.error(
                    qualifier.span.start,
                    format!(
                        "duplicate {name} qualifier: an observation expression may have only \
                         one (parenthesise to qualify the qualified expression again)"
                    ),
                );
            }
            self.qualifier_values(&qualifier.kind);
        }
    }

    /// The range rules of qualifier values, which the grammar leaves open.
    fn qualifier_values(&mut self, kind: &QualifierKind) {
        match kind {
            QualifierKind::Within { seconds } => {
                let positive = match seconds.value {
                    Value::Int(n) => n > 0,
                    Value::Float(f) => f > 0.0,
                    _ => true,
                };
                if !positive {
                    self.error(
                        seconds.span.start,
                        format!(
                            "WITHIN needs a positive number of seconds, found {}",
                            seconds.text
                        ),
                    );
                }
            }
            QualifierKind::Repeats { times } => {
                if matches!(times.value, Value::Int(n) if n <= 0) {
                    self.error(
                        times.span.start,
                        format!("REPEATS needs a positive integer, found {}", times.text),
                    );
                }
            }
            QualifierKind::StartStop { start, stop } => {
                let (Value::Timestamp(a), Value::Timestamp(b)) = (&start.value, &stop.value) else {
                    return;
                };
                if a >= b {
                    self.error(
                        stop.span.start,
                        "the STOP timestamp must be later than the START timestamp",
                    );
                }
            }
        }
    }

    /// Checks that the operands of each `AND` can be satisfied by one object
    /// (STIX 2.1 §9.5): a comparison can match objects of its type, `OR`
    /// matches the union of its operands' types, `AND` their intersection,
    /// and an empty intersection is an error.
    fn object_types<'a>(&mut self, expr: &'a ComparisonExpr) -> Types<'a> {
        let (op, operands) = match expr {
            ComparisonExpr::Test(test) => return Types::Any(vec![test.path.object_type.as_str()]),
            ComparisonExpr::Compound { op, operands } => (*op, operands),
        };
        let mut acc: Option<Vec<&'a str>> = None;
        for operand in operands {
            let Types::Any(types) = self.object_types(operand) else {
                return Types::Reported;
            };
            acc = Some(match (op, acc) {
                (_, None) => types,
                (BoolOp::Or, Some(mut so_far)) => {
                    so_far.extend(types);
                    so_far.sort_unstable();
                    so_far.dedup();
                    so_far
                }
                (BoolOp::And, Some(so_far)) => {
                    let common: Vec<&str> = so_far
                        .iter()
                        .copied()
                        .filter(|t| types.contains(t))
                        .collect();
                    if common.is_empty() {
                        self.report_and_mix(operand.start(), &types, &so_far);
                        return Types::Reported;
                    }
                    common
                }
            });
        }
        Types::Any(acc.unwrap_or_default())
    }

    /// Reports an `AND` operand that no object can satisfy together with the
    /// operands before it.
    fn report_and_mix(&mut self, offset: usize, here: &[&str], before: &[&str]) {
        let list = |types: &[&str]| {
            types
                .iter()
                .map(|t| format!("'{t}'"))
                .collect::<Vec<_>>()
                .join(" or ")
        };
        self.error(
            offset,
            format!(
                "comparisons joined by AND must be satisfiable by one object, but {} here cannot \
                 be the same object as {} before (use OR, or separate observation expressions \
                 such as [...] AND [...])",
                list(here),
                list(before)
            ),
        );
    }

    fn prop_test(&mut self, test: &PropTest) {
        self.object_path(&test.path);
        match &test.test {
            Test::Compare(CompareOp::Eq | CompareOp::Ne, literal) => {
                self.hash_value(&test.path, literal)
            }
            Test::Compare(..) | Test::Like(_) | Test::Exists => {}
            Test::In(items) => self.set(test, items),
            Test::Matches(literal) => self.regex(literal),
            Test::IsSubset(literal) => self.address(&test.path, literal, "ISSUBSET"),
            Test::IsSuperset(literal) => self.address(&test.path, literal, "ISSUPERSET"),
        }
    }

    fn object_path(&mut self, path: &ObjectPath) {
        if !values::is_valid_object_type(&path.object_type) {
            self.error(
                path.span.start,
                format!(
                    "invalid object type '{}': object types are 3 to 250 lowercase letters, \
                     digits and single hyphens",
                    truncate(&path.object_type, 40)
                ),
            );
        }
        if path.property.is_empty() {
            self.error(path.span.start, "property names must not be empty");
        }
        for step in &path.steps {
            match step {
                PathStep::Index { index, span } if *index < 0 => {
                    self.error(
                        span.start,
                        format!("list index {index} is negative; indices start at 0"),
                    );
                }
                PathStep::Property { name, span } if name.is_empty() => {
                    self.error(span.start, "property names must not be empty");
                }
                _ => {}
            }
        }
    }

    fn set(&mut self, test: &PropTest, items: &[Literal]) {
        let Some(first) = items.first() else {
            // The span ends with the `)` of the empty list.
            let close = test.span.end.saturating_sub(1);
            return self.error(close, "IN needs at least one value");
        };
        let kind = value_kind(&first.value);
        if let Some(odd) = items.iter().find(|item| value_kind(&item.value) != kind) {
            self.error(
                odd.span.start,
                format!(
                    "IN values must all have one type: {} here, {} before",
                    odd.value.type_name(),
                    first.value.type_name()
                ),
            );
        }
        items
            .iter()
            .for_each(|item| self.hash_value(&test.path, item));
    }

    fn regex(&mut self, literal: &Literal) {
        let Some(re) = literal.as_str() else { return };
        if let Err(e) = regex::check(re) {
            let offset = source_offset(literal, e.offset);
            self.error(
                offset,
                format!("invalid regular expression after MATCHES: {}", e.message),
            );
        }
    }

    fn address(&mut self, path: &ObjectPath, literal: &Literal, op: &str) {
        let Some(family) = address_family(path) else {
            return self.error(
                path.span.start,
                format!(
                    "{op} applies only to ipv4-addr:value, ipv6-addr:value or the value of a \
                     reference (such as network-traffic:dst_ref.value)"
                ),
            );
        };
        let text = literal.as_str().unwrap_or_default();
        if !values::is_address_or_cidr(text, family) {
            let what = match family {
                Family::V4 => "an IPv4 address or CIDR block",
                Family::V6 => "an IPv6 address or CIDR block",
                Family::Any => "an IP address or CIDR block",
            };
            self.error(
                literal.span.start,
                format!("{op} needs {what}, found {}", truncate(&literal.text, 60)),
            );
        }
    }

    fn hash_value(&mut self, path: &ObjectPath, literal: &Literal) {
        let Some(format) = hash_algorithm(path).and_then(values::hash_format) else {
            return;
        };
        let name = format.name;
        let message = match &literal.value {
            Value::String(value) if format.matches(value) => return,
            Value::Hex(bytes) if format.matches_bytes(bytes.len()) => return,
            Value::String(value) => format!(
                "'{}' is not a valid {name} hash (expected {})",
                truncate(value, 40),
                format.describe()
            ),
            other => format!(
                "{name} hashes are strings of {}, found {} {}",
                format.describe(),
                other.type_name(),
                truncate(&literal.text, 40)
            ),
        };
        self.error(literal.span.start, message);
    }
}

/// Literal types that may share an `IN` list.
fn value_kind(value: &Value) -> u8 {
    match value {
        Value::Int(_) | Value::Float(_) => 0,
        Value::String(_) => 1,
        Value::Bool(_) => 2,
        Value::Binary(_) => 3,
        Value::Hex(_) => 4,
        Value::Timestamp(_) => 5,
    }
}

/// The algorithm when `path` ends in `hashes.<algorithm>`.
fn hash_algorithm(path: &ObjectPath) -> Option<&str> {
    match path.steps.as_slice() {
        [PathStep::Property { name, .. }] if path.property == "hashes" => Some(name),
        [
            ..,
            PathStep::Property { name: parent, .. },
            PathStep::Property { name, .. },
        ] if parent == "hashes" => Some(name),
        _ => None,
    }
}

/// Which addresses `ISSUBSET`/`ISSUPERSET` may compare `path` with, or
/// `None` if the path is not an address value.
fn address_family(path: &ObjectPath) -> Option<Family> {
    if path.steps.is_empty() && path.property == "value" {
        return match path.object_type.as_str() {
            "ipv4-addr" => Some(Family::V4),
            "ipv6-addr" => Some(Family::V6),
            _ => None,
        };
    }
    let [rest @ .., PathStep::Property { name, .. }] = path.steps.as_slice() else {
        return None;
    };
    // The property holding the reference, skipping list indices.
    let reference = rest
        .iter()
        .rev()
        .find_map(|step| match step {
            PathStep::Property { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .unwrap_or(&path.property);
    let is_reference = reference.ends_with("_ref") || reference.ends_with("_refs");
    (name == "value" && is_reference).then_some(Family::Any)
}

/// Maps a byte offset in a string literal's decoded value to the pattern:
/// each `\'` or `\\` is two source bytes for one decoded byte.
fn source_offset(literal: &Literal, decoded: usize) -> usize {
    let text = literal.text.as_bytes();
    let mut src = 1;
    let mut out = 0;
    while out < decoded && src < text.len() {
        src += if text[src] == b'\\' { 2 } else { 1 };
        out += 1;
    }
    literal.span.start + src
}

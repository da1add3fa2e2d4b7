//! Tests of the pattern module, driven by tables through one [`check`]
//! function: `valid` (patterns that must validate and print back to an
//! equal tree), `invalid` (patterns with the offset and message of their
//! first error), and `props` (property tests: no panics, printing and
//! re-parsing is lossless).

mod invalid;
mod props;
mod valid;

use super::ast::{
    ComparisonExpr, Literal, ObjectPath, ObservationExpr, PathStep, QualifierKind, Test,
};
use super::{Pattern, Span, parse, validate};

/// Checks one pattern: `Ok(())` means it must validate (and survive a round
/// trip through its canonical text); `Err((offset, fragment))` means
/// [`validate`] must fail at `offset` with a message containing `fragment`.
pub(super) fn check(pattern: &str, expected: Result<(), (usize, &str)>) {
    if let Some(failure) = outcome(pattern, expected) {
        panic!("{failure}");
    }
}

/// Like [`check`], but returns the failure so a table can report all of
/// them at once.
fn outcome(pattern: &str, expected: Result<(), (usize, &str)>) -> Option<String> {
    match (validate(pattern), expected) {
        (Ok(ast), Ok(())) => round_trip(pattern, &ast).err(),
        (Err(e), Err((offset, fragment))) if e.offset == offset && e.message.contains(fragment) => {
            None
        }
        (Err(e), Err((offset, fragment))) => Some(format!(
            "{pattern}\n  expected: byte {offset}: ...{fragment}...\n  actual:   {e}"
        )),
        (Ok(_), Err((offset, fragment))) => Some(format!(
            "{pattern}\n  accepted, expected: byte {offset}: ...{fragment}..."
        )),
        (Err(e), Ok(())) => Some(format!("{pattern}\n  rejected: {e}")),
    }
}

/// Runs [`outcome`] over a table and fails listing every mismatch.
fn check_all<'a>(cases: impl IntoIterator<Item = (&'a str, Result<(), (usize, &'a str)>)>) {
    let failures: Vec<String> = cases
        .into_iter()
        .filter_map(|(pattern, expected)| outcome(pattern, expected))
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The canonical text of `ast` parses back to the same tree (spans aside),
/// and printing is idempotent.
fn round_trip(pattern: &str, ast: &Pattern) -> Result<(), String> {
    let printed = ast.to_string();
    let reparsed = parse(&printed)
        .map_err(|e| format!("{pattern}\n  printed as {printed}\n  which fails: {e}"))?;
    if without_spans(&reparsed) != without_spans(ast) {
        return Err(format!(
            "{pattern}\n  printed as {printed}\n  which parses differently"
        ));
    }
    if reparsed.to_string() != printed {
        return Err(format!(
            "{pattern}\n  printing is not idempotent: {printed}"
        ));
    }
    Ok(())
}

/// A copy of `pattern` with every span zeroed, to compare trees parsed from
/// different texts.
pub(super) fn without_spans(pattern: &Pattern) -> Pattern {
    let mut copy = pattern.clone();
    strip_observation(&mut copy.expr);
    copy
}

fn strip_observation(expr: &mut ObservationExpr) {
    match expr {
        ObservationExpr::Observation(obs) => {
            obs.span = Span::default();
            strip_comparison(&mut obs.comparison);
        }
        ObservationExpr::Compound { operands, .. } => {
            operands.iter_mut().for_each(strip_observation)
        }
        ObservationExpr::Qualified { expr, qualifiers } => {
            strip_observation(expr);
            for qualifier in qualifiers {
                qualifier.span = Span::default();
                match &mut qualifier.kind {
                    QualifierKind::Within { seconds: lit }
                    | QualifierKind::Repeats { times: lit } => {
                        strip_literal(lit);
                    }
                    QualifierKind::StartStop { start, stop } => {
                        strip_literal(start);
                        strip_literal(stop);
                    }
                }
            }
        }
    }
}

fn strip_comparison(expr: &mut ComparisonExpr) {
    match expr {
        ComparisonExpr::Compound { operands, .. } => operands.iter_mut().for_each(strip_comparison),
        ComparisonExpr::Test(test) => {
            test.span = Span::default();
            strip_path(&mut test.path);
            match &mut test.test {
                Test::Compare(_, lit)
                | Test::Like(lit)
                | Test::Matches(lit)
                | Test::IsSubset(lit)
                | Test::IsSuperset(lit) => strip_literal(lit),
                Test::In(items) => items.iter_mut().for_each(strip_literal),
                Test::Exists => {}
            }
        }
    }
}

fn strip_path(path: &mut ObjectPath) {
    path.span = Span::default();
    for step in &mut path.steps {
        match step {
            PathStep::Property { span, .. }
            | PathStep::Index { span, .. }
            | PathStep::AnyIndex { span } => {
                *span = Span::default();
            }
        }
    }
}

fn strip_literal(literal: &mut Literal) {
    literal.span = Span::default();
}

#[test]
fn object_paths_are_listed_in_source_order() {
    let pattern = validate(
        "[file:name = 'a' OR process:pid = 1] AND [EXISTS ipv4-addr:value] FOLLOWEDBY \
         [network-traffic:dst_ref.value ISSUBSET '10.0.0.0/8']",
    )
    .unwrap();
    let paths: Vec<_> = pattern
        .object_paths()
        .map(|p| (p.object_type.as_str(), p.property.as_str(), p.span.start))
        .collect();
    assert_eq!(
        paths,
        [
            ("file", "name", 1),
            ("process", "pid", 20),
            ("ipv4-addr", "value", 49),
            ("network-traffic", "dst_ref", 78)
        ]
    );
}

#[test]
fn the_tree_has_the_documented_shape() {
    let pattern =
        parse("[a-b:c = 1] AND [a-b:c = 2] AND [a-b:c = 3] OR [a-b:c = 4] WITHIN 5 SECONDS")
            .unwrap();
    let ObservationExpr::Compound { op, operands } = &pattern.expr else {
        panic!("{pattern:?}")
    };
    assert_eq!(*op, super::ObservationOp::Or);
    assert!(
        matches!(&operands[0], ObservationExpr::Compound { operands, .. } if operands.len() == 3)
    );
    assert!(
        matches!(&operands[1], ObservationExpr::Qualified { qualifiers, .. } if qualifiers.len() == 1)
    );
}

#[test]
fn semantic_errors_are_all_reported_in_order() {
    let pattern = parse("[file:x = 1 AND process:y = 2] REPEATS 0 TIMES WITHIN 0 SECONDS").unwrap();
    let offsets: Vec<usize> = pattern.semantic_errors().iter().map(|e| e.offset).collect();
    assert_eq!(offsets, [16, 39, 54]);
}

#[test]
fn errors_display_with_their_offset() {
    let err = parse("[file:size = ]").unwrap_err();
    assert_eq!(
        err.to_string(),
        "byte 13: expected a literal after '=', found ']'"
    );
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    for depth in [super::MAX_DEPTH, super::MAX_DEPTH + 1, 100_000] {
        let text = format!("{}[a-b:c = 1]{}", "(".repeat(depth), ")".repeat(depth));
        assert_eq!(
            parse(&text).is_ok(),
            depth <= super::MAX_DEPTH,
            "depth {depth}"
        );
        let text = format!("[{}a-b:c = 1{}]", "(".repeat(depth), ")".repeat(depth));
        assert_eq!(
            parse(&text).is_ok(),
            depth <= super::MAX_DEPTH,
            "depth {depth}"
        );
    }
}

#[test]
fn long_flat_chains_do_not_recurse() {
    let text = vec!["[a-b:c = 1 AND a-b:d = 2]"; 50_000].join(" FOLLOWEDBY ");
    let pattern = validate(&text).unwrap();
    assert_eq!(pattern.object_paths().count(), 100_000);
    assert_eq!(pattern.to_string().len(), text.len());
}

/// Inputs that would take hours if any step were quadratic.
#[test]
fn large_inputs_are_handled_in_one_pass() {
    let text = format!("[a-b:c = 1]{}", " WITHIN 1 SECONDS".repeat(50_000));
    assert_eq!(parse(&text).unwrap().semantic_errors().len(), 49_999);
    let regex = "(?:a|[b-c]\\\\d{1,2}+)*".repeat(20_000);
    assert!(validate(&format!("[file:name MATCHES '{regex}']")).is_ok());
    let text = format!("[file:name IN ({}'x')]", "'x', ".repeat(100_000));
    assert!(validate(&text).is_ok());
}

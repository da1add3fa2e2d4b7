//! Property tests: no input panics, and the canonical text of any tree
//! parses back to that tree.

use proptest::prelude::*;

use super::super::ast::{
    BoolOp, CompareOp, ComparisonExpr, Literal, ObjectPath, Observation, ObservationExpr,
    ObservationOp, PathStep, Pattern, PropTest, Qualifier, QualifierKind, Span, Test, Value,
};
use super::super::{parse, validate};
use super::{valid, without_spans};
use crate::timestamp::Timestamp;

/// Fragments that pattern-shaped noise is assembled from.
const FRAGMENTS: &[&str] = &[
    "[",
    "]",
    "(",
    ")",
    ":",
    ".",
    ",",
    "*",
    "=",
    "!=",
    "<",
    ">=",
    "'",
    "\\",
    " ",
    "\n",
    "/*",
    "*/",
    "//",
    "file",
    "ipv4-addr",
    "name",
    "hashes",
    "'SHA-256'",
    "value",
    "AND",
    "OR",
    "NOT",
    "FOLLOWEDBY",
    "WITHIN",
    "REPEATS",
    "TIMES",
    "SECONDS",
    "START",
    "STOP",
    "IN",
    "LIKE",
    "MATCHES",
    "ISSUBSET",
    "ISSUPERSET",
    "EXISTS",
    "true",
    "1",
    "-1",
    "0",
    "1.5",
    "+.5",
    "1e5",
    "'x'",
    "'(a'",
    "'[z-a]'",
    "'\\\\'",
    "'10.0.0.0/8'",
    "b'YQ=='",
    "h'ff'",
    "t'2016-01-01T00:00:00Z'",
    "t'",
    "b'",
    "h'",
    "é",
    "\u{3000}",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = validate(&text);
    }

    #[test]
    fn pattern_shaped_noise_never_panics(parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..40)) {
        let text = parts.concat();
        if let Ok(pattern) = validate(&text) {
            prop_assert!(super::round_trip(&text, &pattern).is_ok());
        }
    }

    #[test]
    fn edited_valid_patterns_never_panic(
        which in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        edit in prop_oneof![Just(None), any::<char>().prop_map(Some)],
    ) {
        let patterns: Vec<&str> = valid::all().collect();
        let original = which.get(&patterns);
        let mut chars: Vec<char> = original.chars().collect();
        let i = at.index(chars.len());
        match edit {
            None => { chars.remove(i); }
            Some(c) => chars.insert(i, c),
        }
        let text: String = chars.into_iter().collect();
        if let Ok(pattern) = parse(&text) {
            let _ = pattern.semantic_errors();
            if let Err(e) = super::round_trip(&text, &pattern) {
                prop_assert!(false, "{}", e);
            }
        }
    }

    #[test]
    fn printed_trees_parse_back_to_themselves(pattern in patterns()) {
        let text = pattern.to_string();
        let parsed = parse(&text).map_err(|e| TestCaseError::fail(format!("{text}: {e}")))?;
        prop_assert_eq!(without_spans(&parsed), pattern, "{}", text);
    }
}

fn literal(value: Value) -> Literal {
    Literal::from_value(value).expect("finite values only")
}

fn timestamps() -> impl Strategy<Value = Value> {
    // Years 1970 to 9999, so the text has four year digits.
    (0i64..253_402_300_800_000_000).prop_map(|us| Value::Timestamp(Timestamp::from_unix_micros(us)))
}

/// Any literal but a boolean (the constants of ordering operators).
fn orderable() -> impl Strategy<Value = Literal> {
    prop_oneof![
        any::<i64>().prop_map(Value::Int),
        (-1e12f64..1e12).prop_map(Value::Float),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::Float),
        any::<String>().prop_map(Value::String),
        prop::collection::vec(any::<u8>(), 1..8).prop_map(Value::Binary),
        prop::collection::vec(any::<u8>(), 0..8).prop_map(Value::Hex),
        timestamps(),
    ]
    .prop_map(literal)
}

fn primitive() -> impl Strategy<Value = Literal> {
    prop_oneof![4 => orderable(), 1 => any::<bool>().prop_map(|b| literal(Value::Bool(b)))]
}

fn string() -> impl Strategy<Value = Literal> {
    any::<String>().prop_map(|s| literal(Value::String(s)))
}

fn property_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_][a-z0-9_]{0,8}",
        Just("SHA-256".to_string()),
        Just("AND".to_string()),
        Just("true".to_string()),
        Just(String::new()),
        any::<String>(),
    ]
}

fn object_paths() -> impl Strategy<Value = ObjectPath> {
    let step = prop_oneof![
        property_name().prop_map(|name| PathStep::Property {
            name,
            span: Span::default()
        }),
        any::<i64>().prop_map(|index| PathStep::Index {
            index,
            span: Span::default()
        }),
        Just(PathStep::AnyIndex {
            span: Span::default()
        }),
    ];
    let object_type = prop_oneof![
        "[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,4}){0,2}",
        Just("x_Y-".to_string())
    ]
    .prop_filter("booleans are not identifiers", |t| {
        t != "true" && t != "false"
    });
    (
        object_type,
        property_name(),
        prop::collection::vec(step, 0..4),
    )
        .prop_map(|(object_type, property, steps)| ObjectPath {
            object_type,
            property,
            steps,
            span: Span::default(),
        })
}

fn tests() -> impl Strategy<Value = Test> {
    let compare = prop_oneof![Just(CompareOp::Eq), Just(CompareOp::Ne)];
    let order = prop_oneof![
        Just(CompareOp::Lt),
        Just(CompareOp::Le),
        Just(CompareOp::Gt),
        Just(CompareOp::Ge)
    ];
    prop_oneof![
        (compare, primitive()).prop_map(|(op, lit)| Test::Compare(op, lit)),
        (order, orderable()).prop_map(|(op, lit)| Test::Compare(op, lit)),
        prop::collection::vec(primitive(), 0..4).prop_map(Test::In),
        string().prop_map(Test::Like),
        string().prop_map(Test::Matches),
        string().prop_map(Test::IsSubset),
        string().prop_map(Test::IsSuperset),
        Just(Test::Exists),
    ]
}

fn comparisons() -> impl Strategy<Value = ComparisonExpr> {
    let leaf = (object_paths(), any::<bool>(), tests()).prop_map(|(path, negated, test)| {
        ComparisonExpr::Test(PropTest {
            path,
            negated,
            test,
            span: Span::default(),
        })
    });
    leaf.prop_recursive(4, 24, 4, |inner| {
        let op = prop_oneof![Just(BoolOp::And), Just(BoolOp::Or)];
        (op, prop::collection::vec(inner, 2..4))
            .prop_map(|(op, operands)| ComparisonExpr::Compound { op, operands })
    })
}

fn qualifiers() -> impl Strategy<Value = Qualifier> {
    let seconds = prop_oneof![
        (0i64..i64::MAX).prop_map(Value::Int),
        (0f64..1e9).prop_map(Value::Float),
    ];
    let kind = prop_oneof![
        seconds.prop_map(|v| QualifierKind::Within {
            seconds: literal(v)
        }),
        (0i64..i64::MAX).prop_map(|n| QualifierKind::Repeats {
            times: literal(Value::Int(n))
        }),
        (timestamps(), timestamps()).prop_map(|(a, b)| QualifierKind::StartStop {
            start: literal(a),
            stop: literal(b)
        }),
    ];
    kind.prop_map(|kind| Qualifier {
        kind,
        span: Span::default(),
    })
}

fn patterns() -> impl Strategy<Value = Pattern> {
    let leaf = comparisons().prop_map(|comparison| {
        ObservationExpr::Observation(Observation {
            comparison,
            span: Span::default(),
        })
    });
    let expr = leaf.prop_recursive(4, 16, 3, |inner| {
        let op = prop_oneof![
            Just(ObservationOp::And),
            Just(ObservationOp::Or),
            Just(ObservationOp::FollowedBy)
        ];
        prop_oneof![
            (op, prop::collection::vec(inner.clone(), 2..4))
                .prop_map(|(op, operands)| ObservationExpr::Compound { op, operands }),
            (inner, prop::collection::vec(qualifiers(), 1..3)).prop_map(|(expr, qualifiers)| {
                ObservationExpr::Qualified {
                    expr: Box::new(expr),
                    qualifiers,
                }
            }),
        ]
    });
    expr.prop_map(|expr| Pattern { expr })
}

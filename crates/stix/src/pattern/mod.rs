//! STIX 2.1 patterning: parse a pattern into a syntax tree and check it.
//!
//! [`parse`] checks syntax against the STIX 2.1 grammar (`STIXPattern.g4`);
//! [`validate`] also runs the semantic checks the specification demands and
//! the reference validator misses (listed on [`Pattern::semantic_errors`]).
//! Both return a [`Pattern`] whose tree a validator or evaluator can walk,
//! or a [`PatternError`] with the byte offset of the first problem:
//!
//! ```
//! use liaison_stix::pattern;
//!
//! let p = pattern::validate("[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']").unwrap();
//! let path = p.object_paths().next().unwrap();
//! assert_eq!((path.object_type.as_str(), path.property.as_str()), ("file", "hashes"));
//!
//! let err = pattern::validate("[file:size = 1] WITHIN 0 SECONDS").unwrap_err();
//! assert_eq!(err.offset, 23);
//! assert_eq!(err.to_string(), "byte 23: WITHIN needs a positive number of seconds, found 0");
//! ```
//!
//! Whether object types and property names are ones the specification
//! defines is for the caller (the object validator) to decide, using
//! [`Pattern::object_paths`].
//!
//! Module map: `lexer` (tokens), `literal` (decoding `b''`, `h''`, `t''`),
//! `parser` (grammar), `ast` (the tree and its canonical text), `check`
//! (semantic rules), `values` (hash, address and name formats), `regex` (a
//! PCRE syntax checker for `MATCHES`).

mod ast;
mod check;
mod lexer;
mod literal;
mod parser;
mod regex;
mod values;

#[cfg(test)]
mod tests;

pub use ast::{
    BoolOp, CompareOp, ComparisonExpr, Literal, ObjectPath, Observation, ObservationExpr,
    ObservationOp, PathStep, Pattern, PropTest, Qualifier, QualifierKind, Span, Test, Value,
};
pub use parser::MAX_DEPTH;

/// Why a pattern was rejected: where, and what was expected instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("byte {offset}: {message}")]
pub struct PatternError {
    /// Byte offset into the pattern text where the problem starts.
    pub offset: usize,
    /// What is wrong, phrased as what was expected where possible.
    pub message: String,
}

impl PatternError {
    pub(crate) fn new(offset: usize, message: impl Into<String>) -> Self {
        PatternError {
            offset,
            message: message.into(),
        }
    }
}

/// Parses a pattern, checking its syntax only.
///
/// Never panics, and takes time linear in the length of `text`.
pub fn parse(text: &str) -> Result<Pattern, PatternError> {
    parser::parse(text)
}

/// Parses a pattern and runs the semantic checks, returning the first
/// problem (the leftmost syntax error, else the leftmost semantic error).
/// Use [`parse`] and [`Pattern::semantic_errors`] to get every semantic
/// error at once.
pub fn validate(text: &str) -> Result<Pattern, PatternError> {
    let pattern = parse(text)?;
    match pattern.semantic_errors().into_iter().next() {
        Some(err) => Err(err),
        None => Ok(pattern),
    }
}

impl Pattern {
    /// Every semantic error, ordered by offset (empty when the pattern is
    /// valid). The rules:
    ///
    /// * comparisons joined by `AND` inside one `[...]` must all be on the same
    ///   object type (an `OR` group mixing types may not be joined by `AND`
    ///   either: one object cannot have two types);
    /// * at most one qualifier of each kind applied directly to one observation
    ///   expression (`([a] WITHIN 5 SECONDS) WITHIN 6 SECONDS` is fine);
    /// * `WITHIN` and `REPEATS` must be positive; `START` must be before `STOP`;
    /// * `IN ()` must not be empty, and its constants must share one type
    ///   (integers and floats count as one numeric type);
    /// * list indices must not be negative; property names must not be empty;
    /// * object types must match `^-?[a-z0-9]+(-[a-z0-9]+)*-?$`, 3-250 chars;
    /// * `ISSUBSET`/`ISSUPERSET` apply to `ipv4-addr:value`, `ipv6-addr:value`
    ///   or the `value` of a reference (`network-traffic:dst_ref.value`, as in
    ///   the specification's own example), and their constant must be an address
    ///   or CIDR block of the right family;
    /// * a `MATCHES` constant must be a valid PCRE regular expression;
    /// * a value compared (`=`, `!=`, `IN`) with `hashes.<algorithm>` must be a
    ///   string in that algorithm's format, for the algorithms STIX defines (a
    ///   hex literal of the right length is accepted for hex-digest algorithms).
    ///
    /// That `LIKE`, `MATCHES`, `ISSUBSET` and `ISSUPERSET` take strings, that
    /// ordering operators take no booleans and that qualifier numbers are
    /// unsigned is syntax, checked by [`parse`].
    pub fn semantic_errors(&self) -> Vec<PatternError> {
        check::check(self)
    }

    /// Every object path in the pattern, in source order: use
    /// [`ObjectPath::object_type`], [`ObjectPath::property`] and
    /// `span.start` to check type and property names.
    pub fn object_paths(&self) -> impl Iterator<Item = &ObjectPath> + '_ {
        let mut paths = Vec::new();
        self.expr.for_each_test(&mut |test| paths.push(&test.path));
        paths.into_iter()
    }
}

impl ObservationExpr {
    /// Calls `f` on every comparison, in source order.
    pub fn for_each_test<'a>(&'a self, f: &mut impl FnMut(&'a PropTest)) {
        match self {
            ObservationExpr::Observation(obs) => obs.comparison.for_each_test(f),
            ObservationExpr::Compound { operands, .. } => {
                operands.iter().for_each(|operand| operand.for_each_test(f));
            }
            ObservationExpr::Qualified { expr, .. } => expr.for_each_test(f),
        }
    }
}

impl ComparisonExpr {
    /// Calls `f` on every comparison, in source order.
    pub fn for_each_test<'a>(&'a self, f: &mut impl FnMut(&'a PropTest)) {
        match self {
            ComparisonExpr::Test(test) => f(test),
            ComparisonExpr::Compound { operands, .. } => {
                operands.iter().for_each(|operand| operand.for_each_test(f));
            }
        }
    }
}

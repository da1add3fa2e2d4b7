//! The syntax tree of a STIX pattern, built by the parser and walked by the
//! semantic checks, the validator and (later) the evaluator.
//!
//! Chains of the same operator are kept flat (`a AND b AND c` is one node with
//! three operands) so that the depth of the tree grows only with explicit
//! parentheses, which the parser bounds; every recursive walk over the tree is
//! therefore safe from stack exhaustion. Parentheses that change nothing are
//! not kept, those that do are implied by the tree shape, and the
//! [`Display`](fmt::Display) impls print a canonical text that parses back to
//! the same tree.

use std::fmt;

use crate::timestamp::Timestamp;

/// A range of byte offsets into the pattern text, `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
}

/// A whole pattern: one observation expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    /// The top-level observation expression.
    pub expr: ObservationExpr,
}

/// An observation expression: what must be seen across observations.
#[derive(Debug, Clone, PartialEq)]
pub enum ObservationExpr {
    /// `[ comparison ]`, matched against a single observation.
    Observation(Observation),
    /// Observation expressions joined by one operator, left to right.
    /// Always has at least two operands.
    Compound {
        /// The operator joining the operands.
        op: ObservationOp,
        /// The operands, in source order.
        operands: Vec<ObservationExpr>,
    },
    /// An expression with qualifiers applied directly to it, in source order.
    /// `([a] WITHIN 5 SECONDS) REPEATS 2 TIMES` nests two of these, whereas
    /// `[a] WITHIN 5 SECONDS REPEATS 2 TIMES` is one node with two qualifiers.
    Qualified {
        /// The qualified expression.
        expr: Box<ObservationExpr>,
        /// The qualifiers, at least one.
        qualifiers: Vec<Qualifier>,
    },
}

/// An operator between observation expressions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObservationOp {
    /// `AND`: both sides match, on different observations.
    And,
    /// `OR`: either side matches.
    Or,
    /// `FOLLOWEDBY`: both match, the right side no earlier than the left.
    FollowedBy,
}

impl ObservationOp {
    /// The keyword as written in a pattern.
    pub fn keyword(self) -> &'static str {
        match self {
            ObservationOp::And => "AND",
            ObservationOp::Or => "OR",
            ObservationOp::FollowedBy => "FOLLOWEDBY",
        }
    }

    /// Binding strength: a higher number binds tighter.
    fn precedence(self) -> u8 {
        match self {
            ObservationOp::FollowedBy => 0,
            ObservationOp::Or => 1,
            ObservationOp::And => 2,
        }
    }
}

/// `[ ... ]`: comparisons evaluated against one observation.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// The comparison expression between the brackets.
    pub comparison: ComparisonExpr,
    /// From `[` to `]` inclusive.
    pub span: Span,
}

/// A qualifier on an observation expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Qualifier {
    /// What the qualifier says.
    pub kind: QualifierKind,
    /// From the keyword to the end of the qualifier.
    pub span: Span,
}

/// The three qualifiers. Their literals are guaranteed by the parser to have
/// the types noted; the semantic checks add the range rules.
#[derive(Debug, Clone, PartialEq)]
pub enum QualifierKind {
    /// `WITHIN n SECONDS`; `seconds` is an unsigned integer or float literal.
    Within {
        /// The window length.
        seconds: Literal,
    },
    /// `REPEATS n TIMES`; `times` is an unsigned integer literal.
    Repeats {
        /// How many distinct observations must match.
        times: Literal,
    },
    /// `START t'..' STOP t'..'`; both are timestamp literals.
    StartStop {
        /// Inclusive lower bound.
        start: Literal,
        /// Exclusive upper bound.
        stop: Literal,
    },
}

impl QualifierKind {
    /// The leading keyword (`WITHIN`, `REPEATS` or `START`).
    pub fn keyword(&self) -> &'static str {
        match self {
            QualifierKind::Within { .. } => "WITHIN",
            QualifierKind::Repeats { .. } => "REPEATS",
            QualifierKind::StartStop { .. } => "START",
        }
    }
}

/// A boolean expression of comparisons inside `[ ... ]`.
#[derive(Debug, Clone, PartialEq)]
pub enum ComparisonExpr {
    /// One comparison.
    Test(PropTest),
    /// Comparisons joined by one operator, at least two operands.
    Compound {
        /// The operator joining the operands.
        op: BoolOp,
        /// The operands, in source order.
        operands: Vec<ComparisonExpr>,
    },
}

impl ComparisonExpr {
    /// Offset of the first byte of the leftmost comparison.
    pub fn start(&self) -> usize {
        let mut expr = self;
        loop {
            match expr {
                ComparisonExpr::Test(test) => return test.span.start,
                ComparisonExpr::Compound { operands, .. } => match operands.first() {
                    Some(first) => expr = first,
                    None => return 0,
                },
            }
        }
    }
}

/// `AND` or `OR` between comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BoolOp {
    /// Both comparisons hold for the same object.
    And,
    /// Either comparison holds.
    Or,
}

impl BoolOp {
    /// The keyword as written in a pattern.
    pub fn keyword(self) -> &'static str {
        match self {
            BoolOp::And => "AND",
            BoolOp::Or => "OR",
        }
    }
}

/// One comparison: an object path tested against constants.
#[derive(Debug, Clone, PartialEq)]
pub struct PropTest {
    /// The property being tested.
    pub path: ObjectPath,
    /// True when written with `NOT` (`path NOT = 1`, `NOT EXISTS path`).
    pub negated: bool,
    /// The operator and its constant(s).
    pub test: Test,
    /// From the first byte of the comparison to its last.
    pub span: Span,
}

/// An operator with its constant(s).
#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `=`, `!=`, `<`, `<=`, `>`, `>=`. Ordering operators never carry a
    /// boolean (the grammar forbids it).
    Compare(CompareOp, Literal),
    /// `IN (...)`, possibly empty (rejected by the semantic checks).
    In(Vec<Literal>),
    /// `LIKE` with a string literal.
    Like(Literal),
    /// `MATCHES` with a string literal holding a PCRE regular expression.
    Matches(Literal),
    /// `ISSUBSET` with a string literal holding an address or CIDR block.
    IsSubset(Literal),
    /// `ISSUPERSET` with a string literal holding an address or CIDR block.
    IsSuperset(Literal),
    /// `EXISTS path`.
    Exists,
}

/// A comparison operator. `==` parses as [`CompareOp::Eq`] and `<>` as
/// [`CompareOp::Ne`]; they are grammar aliases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `=` or `==`
    Eq,
    /// `!=` or `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CompareOp {
    /// The canonical spelling.
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

/// `object-type:property.step[0].step`: where a comparison looks.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectPath {
    /// The SCO type before the colon, as written (checked by the semantic
    /// checks, not by the parser).
    pub object_type: String,
    /// The first property after the colon, with quotes and escapes removed.
    pub property: String,
    /// The further steps: `.name`, `[n]`, `[*]`.
    pub steps: Vec<PathStep>,
    /// From the object type to the end of the last step.
    pub span: Span,
}

impl ObjectPath {
    /// The property name of the last step, or the first property when there
    /// are no property steps after it.
    pub fn last_property(&self) -> &str {
        self.steps
            .iter()
            .rev()
            .find_map(|step| match step {
                PathStep::Property { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .unwrap_or(&self.property)
    }
}

/// One step of an object path after the first property.
#[derive(Debug, Clone, PartialEq)]
pub enum PathStep {
    /// `.name` or `.'quoted-name'`.
    Property {
        /// The name with quotes and escapes removed.
        name: String,
        /// From the `.` to the end of the name.
        span: Span,
    },
    /// `[n]`: one list element. Negative indices parse (the grammar allows
    /// them) and are rejected by the semantic checks.
    Index {
        /// The index as written.
        index: i64,
        /// From `[` to `]`.
        span: Span,
    },
    /// `[*]`: any list element.
    AnyIndex {
        /// From `[` to `]`.
        span: Span,
    },
}

impl PathStep {
    /// Where the step is in the pattern.
    pub fn span(&self) -> Span {
        match self {
            PathStep::Property { span, .. }
            | PathStep::Index { span, .. }
            | PathStep::AnyIndex { span } => *span,
        }
    }
}

/// A constant: its decoded value and its exact source spelling.
#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    /// The decoded value.
    pub value: Value,
    /// The literal exactly as written (`+5`, `'it\'s'`, `h'FF'`); always valid
    /// literal syntax, and what [`Display`](fmt::Display) prints.
    pub text: String,
    /// Where the literal is in the pattern.
    pub span: Span,
}

/// The decoded value of a literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An integer literal (`42`, `-7`, `+3`).
    Int(i64),
    /// A float literal without exponent (`7.0`, `-.5`).
    Float(f64),
    /// A string literal with `\'` and `\\` decoded.
    String(String),
    /// `true` or `false`.
    Bool(bool),
    /// `b'...'`: decoded base64.
    Binary(Vec<u8>),
    /// `h'...'`: decoded hex digits.
    Hex(Vec<u8>),
    /// `t'...'`: a calendar-checked UTC timestamp. Its `Display` may differ
    /// from the literal's text (a leap second counts as the next minute's
    /// first second); [`Literal::text`] keeps the spelling.
    Timestamp(Timestamp),
}

impl Value {
    /// A short name of the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Bool(_) => "boolean",
            Value::Binary(_) => "binary",
            Value::Hex(_) => "hex",
            Value::Timestamp(_) => "timestamp",
        }
    }
}

impl Literal {
    /// A literal built in code (not parsed), with canonical text and an empty
    /// span. Returns `None` for floats that are not finite, which no literal
    /// can spell.
    pub fn from_value(value: Value) -> Option<Literal> {
        let text = match &value {
            Value::Int(n) => n.to_string(),
            Value::Float(f) if !f.is_finite() => return None,
            // Rust's `Display` for f64 never uses an exponent, which the
            // grammar forbids; it may omit the fraction, which it requires.
            Value::Float(f) => {
                let s = f.to_string();
                if s.contains('.') { s } else { format!("{s}.0") }
            }
            Value::String(s) => quote(s),
            Value::Bool(b) => b.to_string(),
            Value::Binary(bytes) => format!("b'{}'", super::lexer::encode_base64(bytes)),
            Value::Hex(bytes) => {
                let digits: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                format!("h'{digits}'")
            }
            Value::Timestamp(ts) => format!("t'{ts}'"),
        };
        Some(Literal {
            value,
            text,
            span: Span::default(),
        })
    }

    /// The decoded string, when the literal is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Quotes a string as a pattern string literal.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.expr.fmt(f)
    }
}

impl fmt::Display for ObservationExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObservationExpr::Observation(obs) => write!(f, "[{}]", obs.comparison),
            ObservationExpr::Compound { op, operands } => {
                for (i, operand) in operands.iter().enumerate() {
                    if i > 0 {
                        write!(f, " {} ", op.keyword())?;
                    }
                    // A nested compound of equal or lower precedence was
                    // parenthesised in the source, or it would not be nested.
                    let parens = matches!(operand, ObservationExpr::Compound { op: inner, .. }
                        if inner.precedence() <= op.precedence());
                    write_grouped(f, operand, parens)?;
                }
                Ok(())
            }
            ObservationExpr::Qualified { expr, qualifiers } => {
                // Qualifiers bind to the nearest expression, so anything
                // larger than one bracket must be parenthesised.
                let parens = !matches!(**expr, ObservationExpr::Observation(_));
                write_grouped(f, expr, parens)?;
                for qualifier in qualifiers {
                    write!(f, " {qualifier}")?;
                }
                Ok(())
            }
        }
    }
}

fn write_grouped(f: &mut fmt::Formatter<'_>, item: &dyn fmt::Display, parens: bool) -> fmt::Result {
    if parens {
        write!(f, "({item})")
    } else {
        write!(f, "{item}")
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            QualifierKind::Within { seconds } => write!(f, "WITHIN {seconds} SECONDS"),
            QualifierKind::Repeats { times } => write!(f, "REPEATS {times} TIMES"),
            QualifierKind::StartStop { start, stop } => write!(f, "START {start} STOP {stop}"),
        }
    }
}

impl fmt::Display for ComparisonExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ComparisonExpr::Test(test) => test.fmt(f),
            ComparisonExpr::Compound { op, operands } => {
                for (i, operand) in operands.iter().enumerate() {
                    if i > 0 {
                        write!(f, " {} ", op.keyword())?;
                    }
                    // AND binds tighter than OR; a nested compound needs
                    // parentheses unless it is an AND inside an OR.
                    let parens = matches!(operand, ComparisonExpr::Compound { op: inner, .. }
                        if !(*inner == BoolOp::And && *op == BoolOp::Or));
                    write_grouped(f, operand, parens)?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for PropTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let not = if self.negated { "NOT " } else { "" };
        let path = &self.path;
        match &self.test {
            Test::Exists => write!(f, "{not}EXISTS {path}"),
            Test::Compare(op, lit) => write!(f, "{path} {not}{} {lit}", op.symbol()),
            Test::In(items) => {
                write!(f, "{path} {not}IN (")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    item.fmt(f)?;
                }
                f.write_str(")")
            }
            Test::Like(lit) => write!(f, "{path} {not}LIKE {lit}"),
            Test::Matches(lit) => write!(f, "{path} {not}MATCHES {lit}"),
            Test::IsSubset(lit) => write!(f, "{path} {not}ISSUBSET {lit}"),
            Test::IsSuperset(lit) => write!(f, "{path} {not}ISSUPERSET {lit}"),
        }
    }
}

impl fmt::Display for ObjectPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.object_type)?;
        write_property(f, &self.property)?;
        for step in &self.steps {
            match step {
                PathStep::Property { name, .. } => {
                    f.write_str(".")?;
                    write_property(f, name)?;
                }
                PathStep::Index { index, .. } => write!(f, "[{index}]")?,
                PathStep::AnyIndex { .. } => f.write_str("[*]")?,
            }
        }
        Ok(())
    }
}

/// Writes a property name bare when the grammar allows it, quoted otherwise.
fn write_property(f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
    if is_bare_property(name) {
        f.write_str(name)
    } else {
        f.write_str(&quote(name))
    }
}

/// True when `name` lexes as a property identifier: `[a-zA-Z_][a-zA-Z0-9_]*`
/// and not a keyword or boolean.
fn is_bare_property(name: &str) -> bool {
    let mut bytes = name.bytes();
    let first_ok = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    first_ok
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && super::lexer::Keyword::from_word(name).is_none()
        && name != "true"
        && name != "false"
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

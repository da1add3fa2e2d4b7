//! Recursive-descent parser for the STIX 2.1 pattern grammar.
//!
//! The grammar (`STIXPattern.g4`) is left-recursive but LL(1) once each
//! operator level is read as a loop, which is what this parser does:
//! `FOLLOWEDBY` < `OR` < `AND` < qualifiers < brackets and parentheses, all
//! left-associative, and qualifiers bind to the nearest observation
//! expression. Recursion happens only at parentheses, whose nesting is
//! bounded by [`MAX_DEPTH`], so no input can exhaust the stack.
//!
//! The parser checks syntax only, including what the grammar puts in the
//! token rules (literal types after each operator, unsigned qualifier
//! numbers, timestamps after `START`). Range and meaning rules live in
//! `check`.

use std::fmt::Display;

use super::PatternError;
use super::ast::{
    BoolOp, CompareOp, ComparisonExpr, Literal, ObjectPath, Observation, ObservationExpr,
    ObservationOp, PathStep, Pattern, PropTest, Qualifier, QualifierKind, Span, Test, Value,
};
use super::lexer::{Keyword, Lexer, Token, TokenKind};
use super::literal::truncate;

/// How deeply parentheses may nest (observation and comparison parentheses
/// counted together).
pub const MAX_DEPTH: usize = 64;

/// Parses a pattern, checking its syntax only.
pub(crate) fn parse(text: &str) -> Result<Pattern, PatternError> {
    let mut parser = Parser::new(text)?;
    let expr = parser.observation_level(ObservationOp::FollowedBy)?;
    if parser.tok.kind != TokenKind::Eof {
        return Err(parser.unexpected(
            "AND, OR, FOLLOWEDBY, a qualifier (WITHIN, REPEATS, START) or the end of the pattern",
        ));
    }
    Ok(Pattern { expr })
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    /// The current, not yet consumed token.
    tok: Token,
    /// Parentheses currently open.
    depth: usize,
    /// End offset of the last consumed token.
    last_end: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Result<Self, PatternError> {
        let mut lexer = Lexer::new(text);
        let tok = lexer.next_token()?;
        Ok(Parser {
            lexer,
            tok,
            depth: 0,
            last_end: 0,
        })
    }

    /// Consumes the current token and returns it.
    fn advance(&mut self) -> Result<Token, PatternError> {
        let next = self.lexer.next_token()?;
        self.last_end = self.tok.span.end;
        Ok(std::mem::replace(&mut self.tok, next))
    }

    fn at_keyword(&self, keyword: Keyword) -> bool {
        self.tok.kind == TokenKind::Keyword(keyword)
    }

    /// Consumes a token of `kind` or fails with "expected {expected}".
    ///
    /// What was expected is only put into words when it is missing, which is
    /// why the messages are `Display` values (often `format_args!`) rather
    /// than strings formatted in advance.
    fn expect(&mut self, kind: TokenKind, expected: impl Display) -> Result<Token, PatternError> {
        if self.tok.kind == kind {
            self.advance()
        } else {
            Err(self.unexpected(expected))
        }
    }

    /// "expected X, found Y" at the current token.
    fn unexpected(&self, expected: impl Display) -> PatternError {
        let text = self.lexer.text(self.tok.span);
        let found = match &self.tok.kind {
            TokenKind::Eof => "the end of the pattern".to_string(),
            // These carry their own quotes: `string 'x'`, `timestamp t'...'`.
            TokenKind::Literal(
                v @ (Value::String(_) | Value::Binary(_) | Value::Hex(_) | Value::Timestamp(_)),
            ) => format!("{} {}", v.type_name(), truncate(text, 40)),
            _ => format!("'{}'", truncate(text, 40)),
        };
        let mut message = format!("expected {expected}, found {found}");
        if let TokenKind::Ident { .. } = self.tok.kind {
            let upper = text.to_ascii_uppercase();
            if Keyword::from_word(&upper).is_some() {
                message.push_str(&format!(" (keywords are uppercase: {upper})"));
            }
        }
        PatternError::new(self.tok.span.start, message)
    }

    /// Enters a parenthesis opened at `offset`.
    fn enter(&mut self, offset: usize) -> Result<(), PatternError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(PatternError::new(
                offset,
                format!("parentheses are nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        Ok(())
    }

    /// Observation expressions joined by `op` or any tighter operator.
    fn observation_level(&mut self, op: ObservationOp) -> Result<ObservationExpr, PatternError> {
        let first = self.observation_operand(op)?;
        // Most levels hold a single operand: no list for them.
        if !self.at_keyword(keyword_of(op)) {
            return Ok(first);
        }
        let mut operands = vec![first];
        while self.at_keyword(keyword_of(op)) {
            self.advance()?;
            operands.push(self.observation_operand(op)?);
        }
        Ok(ObservationExpr::Compound { op, operands })
    }

    /// One operand of an `op` chain: the next tighter level.
    fn observation_operand(&mut self, op: ObservationOp) -> Result<ObservationExpr, PatternError> {
        match op {
            ObservationOp::FollowedBy => self.observation_level(ObservationOp::Or),
            ObservationOp::Or => self.observation_level(ObservationOp::And),
            ObservationOp::And => self.qualified_observation(),
        }
    }

    /// `[...]` or `(...)`, followed by any qualifiers.
    fn qualified_observation(&mut self) -> Result<ObservationExpr, PatternError> {
        let base = match self.tok.kind {
            TokenKind::LBracket => ObservationExpr::Observation(self.observation()?),
            TokenKind::LParen => {
                let open = self.advance()?;
                self.enter(open.span.start)?;
                let inner = self.observation_level(ObservationOp::FollowedBy)?;
                self.expect(
                    TokenKind::RParen,
                    "')' to close the parenthesised observation expression",
                )?;
                self.depth -= 1;
                inner
            }
            _ => return Err(self.unexpected("'[' or '(' to start an observation expression")),
        };
        let mut qualifiers = Vec::new();
        while let Some(qualifier) = self.qualifier()? {
            qualifiers.push(qualifier);
        }
        Ok(if qualifiers.is_empty() {
            base
        } else {
            ObservationExpr::Qualified {
                expr: Box::new(base),
                qualifiers,
            }
        })
    }

    /// `[ comparison ]`.
    fn observation(&mut self) -> Result<Observation, PatternError> {
        let open = self.advance()?;
        let comparison = self.comparison_level(BoolOp::Or)?;
        let close = self.expect(
            TokenKind::RBracket,
            "']' to close the observation expression",
        )?;
        Ok(Observation {
            comparison,
            span: Span::new(open.span.start, close.span.end),
        })
    }

    /// A qualifier, if the current token starts one.
    fn qualifier(&mut self) -> Result<Option<Qualifier>, PatternError> {
        let start = self.tok.span.start;
        let kind = match self.tok.kind {
            TokenKind::Keyword(Keyword::Within) => {
                self.advance()?;
                let seconds = self.unsigned_number("WITHIN", true)?;
                self.expect(
                    TokenKind::Keyword(Keyword::Seconds),
                    "SECONDS after the WITHIN duration",
                )?;
                QualifierKind::Within { seconds }
            }
            TokenKind::Keyword(Keyword::Repeats) => {
                self.advance()?;
                let times = self.unsigned_number("REPEATS", false)?;
                self.expect(
                    TokenKind::Keyword(Keyword::Times),
                    "TIMES after the REPEATS count",
                )?;
                QualifierKind::Repeats { times }
            }
            TokenKind::Keyword(Keyword::Start) => {
                self.advance()?;
                let start = self.timestamp("START")?;
                self.expect(
                    TokenKind::Keyword(Keyword::Stop),
                    "STOP after the START timestamp",
                )?;
                let stop = self.timestamp("STOP")?;
                QualifierKind::StartStop { start, stop }
            }
            _ => return Ok(None),
        };
        Ok(Some(Qualifier {
            kind,
            span: Span::new(start, self.last_end),
        }))
    }

    /// The number after `WITHIN` (integer or float) or `REPEATS` (integer),
    /// written without a minus sign.
    fn unsigned_number(&mut self, after: &str, float: bool) -> Result<Literal, PatternError> {
        let what = if float {
            "a positive number of seconds"
        } else {
            "a positive integer"
        };
        let expected = format_args!("{what} after {after}");
        let ok = match &self.tok.kind {
            TokenKind::Literal(Value::Int(_)) => true,
            TokenKind::Literal(Value::Float(_)) => float,
            _ => false,
        };
        if !ok || self.lexer.text(self.tok.span).starts_with('-') {
            return Err(self.unexpected(expected));
        }
        self.literal(expected)
    }

    /// A `t'...'` literal after `START` or `STOP`.
    fn timestamp(&mut self, after: &str) -> Result<Literal, PatternError> {
        let expected = format_args!("a timestamp literal t'...' after {after}");
        match &self.tok.kind {
            TokenKind::Literal(Value::Timestamp(_)) => self.literal(expected),
            TokenKind::Literal(Value::String(_)) => {
                let mut err = self.unexpected(expected);
                err.message
                    .push_str(" (write timestamps as t'2016-06-01T00:00:00Z')");
                Err(err)
            }
            _ => Err(self.unexpected(expected)),
        }
    }

    /// Consumes a literal token.
    fn literal(&mut self, expected: impl Display) -> Result<Literal, PatternError> {
        if !matches!(self.tok.kind, TokenKind::Literal(_)) {
            return Err(self.unexpected(expected));
        }
        let tok = self.advance()?;
        let text = self.lexer.text(tok.span).to_string();
        match tok.kind {
            TokenKind::Literal(value) => Ok(Literal {
                value,
                text,
                span: tok.span,
            }),
            _ => Err(PatternError::new(
                tok.span.start,
                format!("expected {expected}"),
            )),
        }
    }

    /// Comparisons joined by `op` or a tighter operator.
    fn comparison_level(&mut self, op: BoolOp) -> Result<ComparisonExpr, PatternError> {
        let operand = |p: &mut Self| match op {
            BoolOp::Or => p.comparison_level(BoolOp::And),
            BoolOp::And => p.prop_test(),
        };
        let first = operand(self)?;
        let keyword = match op {
            BoolOp::Or => Keyword::Or,
            BoolOp::And => Keyword::And,
        };
        // Most levels hold a single operand: no list for them.
        if !self.at_keyword(keyword) {
            return Ok(first);
        }
        let mut operands = vec![first];
        while self.at_keyword(keyword) {
            self.advance()?;
            operands.push(operand(self)?);
        }
        Ok(ComparisonExpr::Compound { op, operands })
    }

    /// One comparison, `NOT? EXISTS path`, or a parenthesised comparison
    /// expression.
    fn prop_test(&mut self) -> Result<ComparisonExpr, PatternError> {
        let start = self.tok.span.start;
        match self.tok.kind {
            TokenKind::LParen => {
                let open = self.advance()?;
                self.enter(open.span.start)?;
                let inner = self.comparison_level(BoolOp::Or)?;
                self.expect(
                    TokenKind::RParen,
                    "')' to close the parenthesised comparison",
                )?;
                self.depth -= 1;
                Ok(inner)
            }
            TokenKind::Keyword(Keyword::Not) => {
                self.advance()?;
                if !self.at_keyword(Keyword::Exists) {
                    let mut err = self.unexpected("EXISTS after NOT");
                    err.message.push_str(
                        " (to negate a comparison, put NOT before its operator: path NOT = value)",
                    );
                    return Err(err);
                }
                self.exists(start, true)
            }
            TokenKind::Keyword(Keyword::Exists) => self.exists(start, false),
            TokenKind::Ident { .. } => {
                let path = self.object_path()?;
                let negated = self.at_keyword(Keyword::Not);
                if negated {
                    self.advance()?;
                }
                let test = self.operator(negated)?;
                let span = Span::new(start, self.last_end);
                Ok(ComparisonExpr::Test(PropTest {
                    path,
                    negated,
                    test,
                    span,
                }))
            }
            _ => Err(self
                .unexpected("a comparison (object-type:property operator value), '(' or EXISTS")),
        }
    }

    /// `EXISTS path`, at the `EXISTS` keyword.
    fn exists(&mut self, start: usize, negated: bool) -> Result<ComparisonExpr, PatternError> {
        self.advance()?;
        if !matches!(self.tok.kind, TokenKind::Ident { .. }) {
            return Err(self.unexpected("an object path (object-type:property) after EXISTS"));
        }
        let path = self.object_path()?;
        let span = Span::new(start, path.span.end);
        Ok(ComparisonExpr::Test(PropTest {
            path,
            negated,
            test: Test::Exists,
            span,
        }))
    }
}

impl Parser<'_> {
    /// `type:property`, then `.property`, `[n]` or `[*]` steps.
    fn object_path(&mut self) -> Result<ObjectPath, PatternError> {
        let start = self.tok.span.start;
        let type_token = self.advance()?;
        let object_type = self.lexer.text(type_token.span).to_string();
        self.expect(
            TokenKind::Colon,
            format_args!("':' after the object type '{object_type}'"),
        )?;
        let (property, _) = self.property_name("a property name after ':'")?;
        let mut steps = Vec::new();
        loop {
            let step_start = self.tok.span.start;
            match self.tok.kind {
                TokenKind::Dot => {
                    self.advance()?;
                    let (name, span) = self.property_name("a property name after '.'")?;
                    steps.push(PathStep::Property {
                        name,
                        span: Span::new(step_start, span.end),
                    });
                }
                TokenKind::LBracket => {
                    self.advance()?;
                    let expected = "a list index (an integer or '*') after '['";
                    let index = match self.tok.kind {
                        TokenKind::Star => None,
                        TokenKind::Literal(Value::Int(n)) => Some(n),
                        _ => return Err(self.unexpected(expected)),
                    };
                    self.advance()?;
                    let close = self.expect(TokenKind::RBracket, "']' to close the list index")?;
                    let span = Span::new(step_start, close.span.end);
                    steps.push(match index {
                        Some(index) => PathStep::Index { index, span },
                        None => PathStep::AnyIndex { span },
                    });
                }
                _ => break,
            }
        }
        let span = Span::new(start, self.last_end);
        Ok(ObjectPath {
            object_type,
            property,
            steps,
            span,
        })
    }

    /// A property name: an identifier without `-`, or a string literal.
    fn property_name(&mut self, expected: &str) -> Result<(String, Span), PatternError> {
        let name = match &self.tok.kind {
            TokenKind::Ident { hyphen: false } => self.lexer.text(self.tok.span).to_string(),
            TokenKind::Literal(Value::String(s)) => s.clone(),
            TokenKind::Ident { hyphen: true } => {
                let text = self.lexer.text(self.tok.span);
                return Err(PatternError::new(
                    self.tok.span.start,
                    format!(
                        "property name '{text}' contains '-' and must be quoted: '{text}' \
                         (only object types may contain an unquoted '-')"
                    ),
                ));
            }
            TokenKind::Keyword(_) | TokenKind::Literal(Value::Bool(_)) => {
                let mut err = self.unexpected(expected);
                err.message
                    .push_str(" (quote a reserved word to use it as a property name)");
                return Err(err);
            }
            _ => return Err(self.unexpected(expected)),
        };
        let tok = self.advance()?;
        Ok((name, tok.span))
    }

    /// The operator after an object path (and `NOT`), with its constant(s).
    fn operator(&mut self, negated: bool) -> Result<Test, PatternError> {
        let make: fn(Literal) -> Test = match self.tok.kind {
            TokenKind::Op(op) => {
                self.advance()?;
                return self.compare_constant(op);
            }
            TokenKind::Keyword(Keyword::In) => {
                self.advance()?;
                return self.set_literal();
            }
            TokenKind::Keyword(Keyword::Like) => Test::Like,
            TokenKind::Keyword(Keyword::Matches) => Test::Matches,
            TokenKind::Keyword(Keyword::IsSubset) => Test::IsSubset,
            TokenKind::Keyword(Keyword::IsSuperset) => Test::IsSuperset,
            _ => {
                let after = if negated { "NOT" } else { "the object path" };
                return Err(self.unexpected(format_args!(
                    "a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET \
                     or ISSUPERSET) after {after}"
                )));
            }
        };
        let keyword = self.advance()?;
        let after = self.lexer.text(keyword.span);
        Ok(make(self.string_constant(after)?))
    }

    /// The constant after `=`, `!=` (any literal) or an ordering operator
    /// (any literal but a boolean).
    fn compare_constant(&mut self, op: CompareOp) -> Result<Test, PatternError> {
        let symbol = op.symbol();
        let ordered = !matches!(op, CompareOp::Eq | CompareOp::Ne);
        let what = if ordered {
            "a number, string, binary, hex or timestamp literal"
        } else {
            "a literal"
        };
        let expected = format_args!("{what} after '{symbol}'");
        if ordered && matches!(self.tok.kind, TokenKind::Literal(Value::Bool(_))) {
            let mut err = self.unexpected(expected);
            err.message.push_str(" (booleans cannot be ordered)");
            return Err(err);
        }
        Ok(Test::Compare(op, self.literal(expected)?))
    }

    /// The string literal after `LIKE`, `MATCHES`, `ISSUBSET` or `ISSUPERSET`.
    fn string_constant(&mut self, after: &str) -> Result<Literal, PatternError> {
        let expected = format_args!("a string literal after {after}");
        match self.tok.kind {
            TokenKind::Literal(Value::String(_)) => self.literal(expected),
            TokenKind::Other('/') => {
                let mut err = self.unexpected(expected);
                err.message
                    .push_str(" (regular expressions are written as strings: '...')");
                Err(err)
            }
            _ => Err(self.unexpected(expected)),
        }
    }

    /// `( literal, ... )` after `IN`, possibly empty.
    fn set_literal(&mut self) -> Result<Test, PatternError> {
        self.expect(TokenKind::LParen, "'(' after IN")?;
        let mut items = Vec::new();
        if self.tok.kind != TokenKind::RParen {
            loop {
                items.push(self.literal("a literal in the IN list")?);
                match self.tok.kind {
                    TokenKind::Comma => self.advance()?,
                    _ => break,
                };
            }
        }
        self.expect(TokenKind::RParen, "',' or ')' in the IN list")?;
        Ok(Test::In(items))
    }
}

fn keyword_of(op: ObservationOp) -> Keyword {
    match op {
        ObservationOp::And => Keyword::And,
        ObservationOp::Or => Keyword::Or,
        ObservationOp::FollowedBy => Keyword::FollowedBy,
    }
}

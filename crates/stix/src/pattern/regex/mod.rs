//! A syntax checker for the PCRE regular expressions of `MATCHES`.
//!
//! The specification says a `MATCHES` constant is a PCRE regular expression,
//! and a pattern with an invalid one must match nothing; a validator should
//! say so up front. This is not a regex engine: it reads the expression once,
//! keeping a stack of open groups, and reports the first construct PCRE2
//! would refuse to compile. Its rule is to never reject a valid expression:
//! where PCRE versions or compile options disagree (`{,3}`, quantified
//! assertions, ranges such as `[\d-z]`, property names) it accepts.
//!
//! Checked: balanced groups and every group opener (`(?:`, `(?=`, `(?!`,
//! `(?<=`, `(?<!`, `(?>`, `(?|`, named groups, conditionals, comments,
//! option settings, recursion and subroutine calls, `(*VERB)`s and
//! `(*pla:` style assertions); quantifiers only after something repeatable
//! and never directly after another quantifier; `{n,m}` with `n <= m <=
//! 65535`; character classes closed, POSIX class names known, ranges in
//! order; escapes PCRE defines, including the syntax of `\x{}`, `\o{}`,
//! `\c`, `\p`, `\g` and `\k`; numbered back references to groups that exist.
//! Extended mode (`(?x)`) whitespace and `#` comments are honoured (a comment
//! ends at a line feed, PCRE2's default newline).

mod escape;
#[cfg(test)]
mod tests;

/// Where the expression is invalid (byte offset into it) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RegexError {
    pub(crate) offset: usize,
    pub(crate) message: String,
}

/// Checks that `re` is a syntactically valid PCRE2 regular expression.
pub(crate) fn check(re: &str) -> Result<(), RegexError> {
    Checker {
        re,
        pos: 0,
        flags: Flags::default(),
        groups: Vec::new(),
        last: Last::Nothing,
        captures: 0,
        max_backref: None,
        numbering_unknown: false,
    }
    .run()
}

fn err<T>(offset: usize, message: impl Into<String>) -> Result<T, RegexError> {
    Err(RegexError {
        offset,
        message: message.into(),
    })
}

/// Option flags that change how the expression is read.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    /// `x`: whitespace and `#` comments are ignored outside classes.
    extended: bool,
    /// `xx`: space and tab are also ignored inside classes.
    extended_more: bool,
}

/// An open group.
struct Group {
    open: usize,
    /// `(?(cond)yes|no)`: at most two alternatives.
    conditional: bool,
    branches: u32,
    /// Flags to restore when the group closes.
    saved: Flags,
}

/// What precedes the current position, for quantifier checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Start of the expression, of a group or of an alternative.
    Nothing,
    /// Something a quantifier may follow.
    Atom,
    /// A quantifier (with its lazy or possessive suffix).
    Quantified,
}

/// What an escape sequence stands for.
enum Escape {
    /// One character (usable as a class range end).
    Char(u32),
    /// A character type (`\d`, `\p{L}`) or an assertion or reference.
    Other,
    /// `\Q`: literal text up to `\E` follows.
    Quote,
    /// `\E` outside quoting: ignored.
    Nothing,
}

const POSIX_CLASSES: [&str; 14] = [
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// Option letters PCRE2 accepts in `(?...)` (10.43 added `a`, `r` and the
/// `aD`-style letters; older versions reject them, which we do not mind).
const OPTION_LETTERS: &[u8] = b"imnsxJUarDSWPT";

struct Checker<'a> {
    re: &'a str,
    pos: usize,
    flags: Flags,
    groups: Vec<Group>,
    last: Last,
    captures: u32,
    /// The highest numbered back reference and where it is.
    max_backref: Option<(u32, usize)>,
    /// `(?|` or `(?n)` make group numbers hard to count: skip that check.
    numbering_unknown: bool,
}

impl Checker<'_> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.re.as_bytes().get(at).copied()
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.re.get(at..).and_then(|rest| rest.chars().next())
    }

    /// Offset of the next `needle` at or after `from`.
    fn find(&self, from: usize, needle: &str) -> Option<usize> {
        self.re
            .get(from..)
            .and_then(|rest| rest.find(needle))
            .map(|i| from + i)
    }

    fn run(mut self) -> Result<(), RegexError> {
        while let Some(c) = self.char_at(self.pos) {
            if self.flags.extended && self.skip_extended(c) {
                continue;
            }
            match c {
                '\\' => self.escape_outside_class()?,
                '[' => {
                    self.class()?;
                    self.last = Last::Atom;
                }
                '(' => self.open_group()?,
                ')' => self.close_group()?,
                '|' => self.alternation()?,
                '*' | '+' | '?' => self.quantifier(1)?,
                '{' => match self.brace_quantifier()? {
                    Some(len) => self.quantifier(len)?,
                    None => self.atom(1),
                },
                c => self.atom(c.len_utf8()),
            }
        }
        if let Some(group) = self.groups.last() {
            return err(group.open, "missing ')' to close this group");
        }
        match self.max_backref {
            Some((n, at)) if !self.numbering_unknown && n > self.captures => err(
                at,
                format!(
                    "reference to group {n}, but there are only {} capturing groups",
                    self.captures
                ),
            ),
            _ => Ok(()),
        }
    }

    fn atom(&mut self, len: usize) {
        self.pos += len;
        self.last = Last::Atom;
    }

    /// In extended mode, skips whitespace or a `#` comment at `c`.
    fn skip_extended(&mut self, c: char) -> bool {
        match c {
            ' ' | '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' => self.pos += 1,
            '#' => self.pos = self.find(self.pos, "\n").map_or(self.re.len(), |i| i + 1),
            _ => return false,
        }
        true
    }

    /// A quantifier of `len` bytes at the current position.
    fn quantifier(&mut self, len: usize) -> Result<(), RegexError> {
        let at = self.pos;
        let text = self.re.get(at..at + len).unwrap_or("");
        match self.last {
            Last::Nothing => {
                return err(
                    at,
                    format!("quantifier '{text}' does not follow a repeatable item"),
                );
            }
            Last::Quantified => {
                return err(
                    at,
                    format!(
                        "quantifier '{text}' follows another quantifier (group the item to repeat it again)"
                    ),
                );
            }
            Last::Atom => {}
        }
        self.pos += len;
        while self.flags.extended
            && self
                .char_at(self.pos)
                .is_some_and(|c| self.skip_extended(c))
        {}
        if matches!(self.byte(self.pos), Some(b'+' | b'?')) {
            self.pos += 1;
        }
        self.last = Last::Quantified;
        Ok(())
    }

    /// At `{`: the length of a `{n}`, `{n,}` or `{n,m}` quantifier, or `None`
    /// when the brace is a literal.
    fn brace_quantifier(&self) -> Result<Option<usize>, RegexError> {
        let at = self.pos;
        let digits = |from: usize| {
            let len = self.re.as_bytes()[from..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
            let value = self.re[from..from + len].bytes().fold(0u64, |n, d| {
                n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
            });
            (len, value)
        };
        let (min_len, min) = digits(at + 1);
        if min_len == 0 {
            return Ok(None);
        }
        let mut end = at + 1 + min_len;
        let max = match self.byte(end) {
            Some(b'}') => Some(min),
            Some(b',') => {
                let (max_len, max) = digits(end + 1);
                end += 1 + max_len;
                if self.byte(end) != Some(b'}') {
                    return Ok(None);
                }
                (max_len > 0).then_some(max)
            }
            _ => return Ok(None),
        };
        if min > 65535 || max.is_some_and(|m| m > 65535) {
            return err(at, "number too big in {} quantifier (the limit is 65535)");
        }
        if max.is_some_and(|m| m < min) {
            return err(at, "numbers out of order in {} quantifier");
        }
        Ok(Some(end + 1 - at))
    }

    fn alternation(&mut self) -> Result<(), RegexError> {
        if let Some(group) = self.groups.last_mut().filter(|g| g.conditional) {
            group.branches += 1;
            if group.branches > 2 {
                return err(
                    self.pos,
                    "a conditional group may have at most two alternatives",
                );
            }
        }
        self.pos += 1;
        self.last = Last::Nothing;
        Ok(())
    }

    fn push_group(&mut self, open: usize, conditional: bool) {
        self.groups.push(Group {
            open,
            conditional,
            branches: 1,
            saved: self.flags,
        });
        self.last = Last::Nothing;
    }

    fn close_group(&mut self) -> Result<(), RegexError> {
        let Some(group) = self.groups.pop() else {
            return err(self.pos, "unmatched ')'");
        };
        self.flags = group.saved;
        self.atom(1);
        Ok(())
    }

    /// At `(`.
    fn open_group(&mut self) -> Result<(), RegexError> {
        let open = self.pos;
        match self.byte(open + 1) {
            Some(b'?') => self.extended_group(open),
            Some(b'*') => self.star_group(open),
            _ => {
                self.captures += 1;
                self.push_group(open, false);
                self.pos += 1;
                Ok(())
            }
        }
    }

    /// At `(*`: an alphabetic assertion such as `(*pla:` opens a group; any
    /// other `(*...)` is a verb or start option that ends at the next `)`.
    fn star_group(&mut self, open: usize) -> Result<(), RegexError> {
        let name_len = self.re.as_bytes()[open + 2..]
            .iter()
            .take_while(|b| b.is_ascii_lowercase() || **b == b'_')
            .count();
        if name_len > 0 && self.byte(open + 2 + name_len) == Some(b':') {
            self.push_group(open, false);
            self.pos = open + 3 + name_len;
            return Ok(());
        }
        let Some(close) = self.find(open, ")") else {
            return err(open, "missing ')' to end this (* item");
        };
        self.atom(close + 1 - self.pos);
        Ok(())
    }

    /// At `(?`.
    fn extended_group(&mut self, open: usize) -> Result<(), RegexError> {
        let p = open + 2;
        match self.byte(p) {
            None => err(open, "'(?' at the end of the expression"),
            Some(b':' | b'|' | b'>' | b'=' | b'!') => {
                if self.byte(p) == Some(b'|') {
                    self.numbering_unknown = true;
                }
                self.push_group(open, false);
                self.pos = p + 1;
                Ok(())
            }
            Some(b'<') if matches!(self.byte(p + 1), Some(b'=' | b'!')) => {
                self.push_group(open, false);
                self.pos = p + 2;
                Ok(())
            }
            Some(b'<') => self.named_group(open, p + 1, b'>'),
            Some(b'\'') => self.named_group(open, p + 1, b'\''),
            Some(b'P') => match self.byte(p + 1) {
                Some(b'<') => self.named_group(open, p + 2, b'>'),
                Some(b'=' | b'>') => {
                    let end = self.group_name(p + 2, b')')?;
                    self.atom(end - self.pos);
                    Ok(())
                }
                _ => err(p + 1, "expected '<', '=' or '>' after '(?P'"),
            },
            Some(b'#') => match self.find(p, ")") {
                Some(close) => {
                    self.pos = close + 1;
                    Ok(())
                }
                None => err(open, "missing ')' to end this (?# comment"),
            },
            Some(b'(') => self.conditional(open),
            Some(b'C') => match self.find(p, ")") {
                Some(close) => {
                    self.pos = close + 1;
                    Ok(())
                }
                None => err(open, "missing ')' to end this (?C callout"),
            },
            Some(b'R' | b'&' | b'0'..=b'9' | b'+') => self.recursion(p),
            Some(b'-') if self.byte(p + 1).is_some_and(|b| b.is_ascii_digit()) => self.recursion(p),
            Some(c) if c == b'^' || c == b'-' || OPTION_LETTERS.contains(&c) => {
                self.options(open, p)
            }
            Some(_) => err(p, "unrecognized character after '(?'"),
        }
    }

    /// `(?<name>`, `(?'name'` or `(?P<name>`, name starting at `from`.
    fn named_group(&mut self, open: usize, from: usize, end: u8) -> Result<(), RegexError> {
        let after = self.group_name(from, end)?;
        self.captures += 1;
        self.push_group(open, false);
        self.pos = after;
        Ok(())
    }

    /// A group name at `from` ended by `end`; returns the offset after `end`.
    fn group_name(&self, from: usize, end: u8) -> Result<usize, RegexError> {
        let rest = self.re.get(from..).unwrap_or("");
        let len: usize = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .map(char::len_utf8)
            .sum();
        if len == 0 {
            return err(from, "expected a group name");
        }
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            return err(from, "a group name must not start with a digit");
        }
        if self.byte(from + len) != Some(end) {
            return err(
                from + len,
                format!("expected '{}' to end the group name", char::from(end)),
            );
        }
        Ok(from + len + 1)
    }

    /// `(?R)`, `(?1)`, `(?-1)`, `(?+1)` or `(?&name)`, after `(?` at `p`.
    fn recursion(&mut self, p: usize) -> Result<(), RegexError> {
        let end = match self.byte(p) {
            Some(b'&') => {
                let after = self.group_name(p + 1, b')')?;
                self.atom(after - self.pos);
                return Ok(());
            }
            Some(b'R') => p + 1,
            Some(b'+' | b'-') if self.count_digits(p + 1) == 0 => {
                return err(p + 1, "expected a group number");
            }
            Some(b'+' | b'-') => p + 1 + self.count_digits(p + 1),
            _ => p + self.count_digits(p),
        };
        if self.byte(end) != Some(b')') {
            return err(end, "expected ')' to end the recursion or subroutine call");
        }
        self.atom(end + 1 - self.pos);
        Ok(())
    }

    fn count_digits(&self, from: usize) -> usize {
        self.re.as_bytes().get(from..).map_or(0, |rest| {
            rest.iter().take_while(|b| b.is_ascii_digit()).count()
        })
    }

    /// `(?flags)` or `(?flags:`, after `(?` at `p`.
    fn options(&mut self, open: usize, p: usize) -> Result<(), RegexError> {
        let mut flags = self.flags;
        let mut on = true;
        let mut i = p;
        if self.byte(i) == Some(b'^') {
            flags = Flags::default();
            i += 1;
        }
        loop {
            match self.byte(i) {
                Some(b'-') if on => on = false,
                Some(b'x') => {
                    flags.extended = on;
                    if self.byte(i + 1) == Some(b'x') {
                        flags.extended_more = on;
                        i += 1;
                    } else if !on {
                        flags.extended_more = false;
                    }
                }
                Some(b'n') => self.numbering_unknown |= on,
                Some(c) if OPTION_LETTERS.contains(&c) => {}
                Some(b')') => {
                    // Applies to the rest of the enclosing group.
                    self.flags = flags;
                    self.pos = i + 1;
                    return Ok(());
                }
                Some(b':') => {
                    self.push_group(open, false);
                    self.flags = flags;
                    self.pos = i + 1;
                    return Ok(());
                }
                Some(_) => return err(i, "unrecognized option letter in '(?...)'"),
                None => return err(open, "missing ')' to end this option setting"),
            }
            i += 1;
        }
    }

    /// At `(?(`: a condition, then up to two alternatives.
    fn conditional(&mut self, open: usize) -> Result<(), RegexError> {
        let cond = open + 3;
        if matches!(self.byte(cond), Some(b'?' | b'*')) {
            // An assertion condition: read it as an ordinary group inside
            // the conditional group.
            self.push_group(open, true);
            self.pos = open + 2;
            return Ok(());
        }
        match self.find(cond, ")") {
            Some(close) if close > cond => {
                self.push_group(open, true);
                self.pos = close + 1;
                Ok(())
            }
            Some(close) => err(close, "expected a condition after '(?('"),
            None => err(open, "missing ')' to end the condition"),
        }
    }
}

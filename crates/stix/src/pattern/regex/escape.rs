//! Escape sequences and character classes of the PCRE checker.

use super::{Checker, Escape, Last, POSIX_CLASSES, RegexError, err};

/// One member of a character class.
enum ClassItem {
    /// A single character, which can be a range end.
    Char(u32),
    /// A set of characters (`\d`, `[:alpha:]`) or an assertion-like escape.
    Set,
    /// Nothing: ignored whitespace or `\E`.
    Skipped,
    /// `\Q...\E` quoted literal text.
    Quoted,
}

/// The largest Unicode code point, for `\x{...}` and `\o{...}`.
const MAX_CODE_POINT: u32 = 0x10_FFFF;

impl Checker<'_> {
    /// At `\` outside a class.
    pub(super) fn escape_outside_class(&mut self) -> Result<(), RegexError> {
        match self.escape(false)? {
            Escape::Quote => {
                if self.skip_quoted() {
                    self.last = Last::Atom;
                }
            }
            Escape::Nothing => {}
            Escape::Char(_) | Escape::Other => self.last = Last::Atom,
        }
        Ok(())
    }

    /// After `\Q`: skips to after `\E` (or the end). Returns whether any
    /// literal text was quoted.
    fn skip_quoted(&mut self) -> bool {
        let start = self.pos;
        let end = self.find(start, "\\E");
        self.pos = end.map_or(self.re.len(), |e| e + 2);
        end.unwrap_or(self.re.len()) > start
    }

    /// At `\`: reads one escape sequence and moves past it.
    fn escape(&mut self, in_class: bool) -> Result<Escape, RegexError> {
        let at = self.pos;
        let Some(c) = self.char_at(at + 1) else {
            return err(at, "'\\' at the end of the expression");
        };
        self.pos = at + 1 + c.len_utf8();
        let escape = match c {
            'a' => Escape::Char(0x07),
            'e' => Escape::Char(0x1B),
            'f' => Escape::Char(0x0C),
            'n' => Escape::Char(0x0A),
            'r' => Escape::Char(0x0D),
            't' => Escape::Char(0x09),
            'b' if in_class => Escape::Char(0x08),
            '0' => Escape::Char(self.octal_digits(2, 0)),
            '1'..='9' => self.digit_escape(at, c, in_class),
            'o' => Escape::Char(self.braced_code_point(at, 8)?),
            'x' if self.byte(self.pos) == Some(b'{') => {
                Escape::Char(self.braced_code_point(at, 16)?)
            }
            'x' => Escape::Char(self.hex_digits(2)),
            'c' => match self.byte(self.pos).filter(|b| (0x20..0x7F).contains(b)) {
                Some(b) => {
                    self.pos += 1;
                    Escape::Char(u32::from(b.to_ascii_uppercase() ^ 0x40))
                }
                None => return err(at, "\\c must be followed by a printable ASCII character"),
            },
            'p' | 'P' => {
                self.property(at)?;
                Escape::Other
            }
            'g' => {
                self.g_reference(at)?;
                Escape::Other
            }
            'k' => {
                self.name_reference(at, "\\k")?;
                Escape::Other
            }
            'd' | 'D' | 's' | 'S' | 'w' | 'W' | 'h' | 'H' | 'v' | 'V' | 'N' | 'R' | 'X' | 'C'
            | 'A' | 'B' | 'Z' | 'z' | 'G' | 'K' | 'b' => Escape::Other,
            'Q' => Escape::Quote,
            'E' => Escape::Nothing,
            'l' | 'L' | 'u' | 'U' => {
                return err(
                    at,
                    format!("PCRE does not support \\{c} (use \\x{{hhhh}} for a code point)"),
                );
            }
            c if c.is_ascii_alphanumeric() => {
                return err(at, format!("unrecognized escape '\\{c}'"));
            }
            c => Escape::Char(u32::from(c)),
        };
        Ok(escape)
    }

    /// Up to `max` octal digits at the current position, added to `value`.
    fn octal_digits(&mut self, max: usize, mut value: u32) -> u32 {
        for _ in 0..max {
            match self.byte(self.pos) {
                Some(d @ b'0'..=b'7') => value = value * 8 + u32::from(d - b'0'),
                _ => break,
            }
            self.pos += 1;
        }
        value
    }

    /// Up to `max` hex digits at the current position.
    fn hex_digits(&mut self, max: usize) -> u32 {
        let mut value = 0;
        for _ in 0..max {
            match self.byte(self.pos).and_then(|b| char::from(b).to_digit(16)) {
                Some(d) => value = value * 16 + d,
                None => break,
            }
            self.pos += 1;
        }
        value
    }

    /// `\1`..`\9...` (the digit `c` already consumed): a back reference, or
    /// an octal character code where PCRE reads one.
    fn digit_escape(&mut self, at: usize, c: char, in_class: bool) -> Escape {
        let first = c as u32 - u32::from(b'0');
        if in_class {
            // In a class, \1 to \7 start octal codes; \8 and \9 are literal.
            return Escape::Char(if first < 8 {
                self.octal_digits(2, first)
            } else {
                c as u32
            });
        }
        let digits = 1 + self.count_digits(self.pos);
        let number = self.re[at + 1..at + 1 + digits].bytes().fold(0u32, |n, d| {
            n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
        });
        // PCRE: a back reference if below 10, starting with 8 or 9, or not
        // above the number of groups opened so far; otherwise octal.
        if number < 10 || first >= 8 || number <= self.captures {
            self.pos = at + 1 + digits;
            if self.max_backref.is_none_or(|(max, _)| number > max) {
                self.max_backref = Some((number, at));
            }
            return Escape::Other;
        }
        Escape::Char(self.octal_digits(2, first))
    }

    /// `\o{...}` or `\x{...}` at `at`, the current position after the letter.
    fn braced_code_point(&mut self, at: usize, radix: u32) -> Result<u32, RegexError> {
        let name = if radix == 8 { "\\o" } else { "\\x" };
        if self.byte(self.pos) != Some(b'{') {
            return err(at, format!("{name} must be followed by {{digits}}"));
        }
        let Some(close) = self.find(self.pos, "}") else {
            return err(at, format!("missing '}}' after {name}{{"));
        };
        // PCRE2 10.43 allows spaces inside the braces, as Perl does.
        let digits = self.re[self.pos + 1..close].trim_matches([' ', '\t']);
        let mut value: u32 = 0;
        for c in digits.chars() {
            let Some(d) = c.to_digit(radix) else {
                return err(at, format!("invalid digit '{c}' in {name}{{...}}"));
            };
            value = value.saturating_mul(radix).saturating_add(d);
        }
        if digits.is_empty() {
            return err(at, format!("{name}{{}} needs at least one digit"));
        }
        if value > MAX_CODE_POINT {
            return err(at, format!("code point in {name}{{...}} is too large"));
        }
        self.pos = close + 1;
        Ok(value)
    }

    /// `\p` or `\P` at `at`: a one-letter property or `{Name}`.
    fn property(&mut self, at: usize) -> Result<(), RegexError> {
        match self.byte(self.pos) {
            Some(b'{') => match self.find(self.pos, "}") {
                Some(close) if close > self.pos + 1 => {
                    self.pos = close + 1;
                    Ok(())
                }
                Some(_) => err(at, "expected a property name in \\p{...}"),
                None => err(at, "missing '}' after \\p{"),
            },
            Some(b) if b.is_ascii_alphabetic() => {
                self.pos += 1;
                Ok(())
            }
            _ => err(
                at,
                "\\p must be followed by a property name (\\pL or \\p{Name})",
            ),
        }
    }

    /// `\g` at `at`: `\gN`, `\g-N`, `\g+N`, `\g{N}`, `\g{-N}`, `\g{name}`,
    /// `\g<name or N>` or `\g'name or N'`.
    fn g_reference(&mut self, at: usize) -> Result<(), RegexError> {
        let start = self.pos;
        let sign = usize::from(matches!(self.byte(start), Some(b'+' | b'-')));
        let digits = self.count_digits(start + sign);
        if digits > 0 {
            if sign == 0 {
                self.record_backref(start, digits, at)?;
            }
            self.pos = start + sign + digits;
            return Ok(());
        }
        if self.byte(start) == Some(b'{') {
            let inner_sign = usize::from(self.byte(start + 1) == Some(b'-'));
            let inner_digits = self.count_digits(start + 1 + inner_sign);
            if inner_digits > 0 && self.byte(start + 1 + inner_sign + inner_digits) == Some(b'}') {
                if inner_sign == 0 {
                    self.record_backref(start + 1, inner_digits, at)?;
                }
                self.pos = start + inner_sign + inner_digits + 2;
                return Ok(());
            }
        }
        self.name_reference(at, "\\g")
    }

    /// Records the numbered back reference written at `from` (`len` digits)
    /// for the escape at `at`.
    fn record_backref(&mut self, from: usize, len: usize, at: usize) -> Result<(), RegexError> {
        let number = self.re[from..from + len].bytes().fold(0u32, |n, d| {
            n.saturating_mul(10).saturating_add(u32::from(d - b'0'))
        });
        if number == 0 {
            return err(at, "a numbered reference must not be zero");
        }
        if self.max_backref.is_none_or(|(max, _)| number > max) {
            self.max_backref = Some((number, at));
        }
        Ok(())
    }

    /// `<name>`, `'name'` or `{name}` after `\k` or `\g` (the escape at `at`).
    fn name_reference(&mut self, at: usize, escape: &str) -> Result<(), RegexError> {
        let close = match self.byte(self.pos) {
            Some(b'<') => ">",
            Some(b'\'') => "'",
            Some(b'{') => "}",
            _ => {
                return err(
                    at,
                    format!("{escape} must be followed by a name in <>, '' or {{}}"),
                );
            }
        };
        match self.find(self.pos + 1, close) {
            Some(end) if end > self.pos + 1 => {
                self.pos = end + 1;
                Ok(())
            }
            Some(_) => err(at, format!("expected a name after {escape}")),
            None => err(at, format!("missing '{close}' after {escape}")),
        }
    }

    /// At `[`: a character class up to its closing `]`.
    pub(super) fn class(&mut self) -> Result<(), RegexError> {
        let open = self.pos;
        self.pos += 1;
        if self.byte(self.pos) == Some(b'^') {
            self.pos += 1;
        }
        let mut first = true;
        // The last single character, which a '-' may turn into a range start.
        let mut prev: Option<(u32, usize)> = None;
        let mut range_from: Option<(u32, usize)> = None;
        loop {
            let Some(c) = self.char_at(self.pos) else {
                return err(open, "missing ']' to close this character class");
            };
            if c == ']' && !first {
                self.pos += 1;
                return Ok(());
            }
            first = false;
            let at = self.pos;
            if c == '-' && prev.is_some() && range_from.is_none() && self.byte(at + 1) != Some(b']')
            {
                range_from = prev.take();
                self.pos += 1;
                continue;
            }
            let item = match self.class_item(c)? {
                ClassItem::Char(v) => Some(v),
                ClassItem::Set => None,
                ClassItem::Skipped => continue,
                ClassItem::Quoted => {
                    // Quoted text is literal; do not form ranges across it.
                    prev = None;
                    range_from = None;
                    continue;
                }
            };
            match range_from.take() {
                // `xx` mode ignores spaces in classes, which changes what a
                // range is; ranges with a non-character end (`[a-\d]`) are
                // version-dependent. Accept both.
                Some((from, from_at)) => {
                    if item.is_some_and(|to| to < from) && !self.flags.extended_more {
                        return err(from_at, "range out of order in character class");
                    }
                    prev = None;
                }
                None => prev = item.map(|v| (v, at)),
            }
        }
    }

    /// Reads one member of a class starting with `c` (not a range `-`).
    fn class_item(&mut self, c: char) -> Result<ClassItem, RegexError> {
        let item = match c {
            ' ' | '\t' if self.flags.extended_more => {
                self.pos += 1;
                ClassItem::Skipped
            }
            '[' => match self.posix_class()? {
                Some(len) => {
                    self.pos += len;
                    ClassItem::Set
                }
                None => {
                    self.pos += 1;
                    ClassItem::Char(u32::from('['))
                }
            },
            '\\' => match self.escape(true)? {
                Escape::Char(v) => ClassItem::Char(v),
                Escape::Quote => {
                    self.skip_quoted();
                    ClassItem::Quoted
                }
                Escape::Other => ClassItem::Set,
                Escape::Nothing => ClassItem::Skipped,
            },
            c => {
                self.pos += c.len_utf8();
                ClassItem::Char(u32::from(c))
            }
        };
        Ok(item)
    }

    /// At `[` inside a class: the length of a POSIX class `[:name:]` or
    /// `[:^name:]`, `None` if this is not one (the `[` is then literal).
    fn posix_class(&self) -> Result<Option<usize>, RegexError> {
        let at = self.pos;
        if self.byte(at + 1) != Some(b':') {
            return Ok(None);
        }
        let negated = usize::from(self.byte(at + 2) == Some(b'^'));
        let name_start = at + 2 + negated;
        let name_len = self.re.as_bytes()[name_start.min(self.re.len())..]
            .iter()
            .take_while(|b| b.is_ascii_lowercase())
            .count();
        let name_end = name_start + name_len;
        if name_len == 0 || self.re.get(name_end..name_end + 2) != Some(":]") {
            return Ok(None);
        }
        let name = &self.re[name_start..name_end];
        if !POSIX_CLASSES.contains(&name) {
            return err(at, format!("unknown POSIX class name '{name}'"));
        }
        Ok(Some(name_end + 2 - at))
    }
}

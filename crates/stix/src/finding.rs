//! Validation findings: what is wrong, how badly, and exactly where.

use std::fmt;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A SHOULD of the specification (or a best practice) is not met.
    Warning,
    /// A MUST of the specification is broken: the content is invalid.
    Error,
}

impl Severity {
    /// `"error"` or `"warning"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Finding {
    /// Error (MUST) or warning (SHOULD).
    pub severity: Severity,
    /// JSON path of the offending value, e.g. `objects[3].valid_until`; empty
    /// for the document itself.
    pub path: String,
    /// A stable, machine-readable code such as `timestamp-order`.
    pub code: &'static str,
    /// What rule is broken, in words, e.g. `must be later than valid_from (indicator)`.
    pub message: String,
}

impl Finding {
    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Appends `.key` (or `key` at the root) to a JSON path.
pub(crate) fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

/// Appends `[index]` to a JSON path.
pub(crate) fn push_index(path: &mut String, index: usize) {
    // The validator enters every object of a bundle and every list item
    // this way; the formatting machinery of `write!` costs more than the
    // rest of the path handling together.
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    let mut n = index;
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    path.push('[');
    for &d in &digits[start..] {
        path.push(char::from(d));
    }
    path.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_have_keys_and_indices() {
        let mut path = String::new();
        push_key(&mut path, "objects");
        for index in [0, 7, 10, 12_345, usize::MAX] {
            let len = path.len();
            push_index(&mut path, index);
            assert_eq!(path[len..], format!("[{index}]"));
        }
        push_key(&mut path, "id");
        assert!(path.starts_with("objects[0][7]") && path.ends_with("].id"));
    }
}

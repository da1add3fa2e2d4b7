//! The validation context: where in the document we are, and what was found.

use crate::finding::{Finding, Severity, push_index, push_key};

/// Codes shared by many rules. Codes are part of Liaison's interface (the
/// `--json` output, suppression lists), so they never change once published.
pub(crate) mod code {
    pub const REQUIRED: &str = "required-property";
    pub const JSON_TYPE: &str = "json-type";
    pub const EMPTY: &str = "empty-value";
    pub const RANGE: &str = "out-of-range";
    pub const TIMESTAMP: &str = "timestamp";
    pub const TIMESTAMP_PRECISION: &str = "timestamp-precision";
    pub const TIMESTAMP_ORDER: &str = "timestamp-order";
    pub const IDENTIFIER: &str = "identifier";
    pub const REFERENCE_TYPE: &str = "reference-type";
    pub const UNRESOLVED_REFERENCE: &str = "unresolved-reference";
    pub const UNRELATED_OBSERVABLES: &str = "unrelated-observables";
    pub const ENUM: &str = "enum-value";
    pub const FORMAT: &str = "format";
    pub const NOT_APPLICABLE: &str = "property-not-applicable";
    pub const RESERVED: &str = "reserved-property";
    pub const PROPERTY_NAME: &str = "property-name";
    pub const CUSTOM_PROPERTY: &str = "custom-property";
    pub const TYPE_NAME: &str = "type-name";
    pub const CUSTOM_OBJECT: &str = "custom-object";
    pub const SPEC_VERSION: &str = "spec-version";
    pub const DEPENDENCY: &str = "property-dependency";
    pub const EXCLUSIVE: &str = "mutually-exclusive";
    pub const AT_LEAST_ONE: &str = "at-least-one-of";
    pub const UUID_VERSION: &str = "uuid-version";
    pub const OPEN_VOCAB_FORMAT: &str = "open-vocab-format";
    pub const DICTIONARY_KEY: &str = "dictionary-key";
    pub const HASH: &str = "hash-value";
    pub const HASH_ALGORITHM: &str = "hash-algo";
    pub const MARKING: &str = "marking";
    pub const SELECTOR: &str = "marking-selector";
    pub const EXTENSION: &str = "extension";
    pub const PATTERN: &str = "pattern";
    pub const LANGUAGE: &str = "language";
    pub const DETERMINISTIC_ID: &str = "deterministic-id";
    pub const DUPLICATE_ID: &str = "duplicate-ids";
    pub const NOT_AN_OBJECT: &str = "not-an-object";
}

/// Collects findings while the validator walks a document.
pub(crate) struct Ctx<'f> {
    path: String,
    findings: &'f mut Vec<Finding>,
}

impl<'f> Ctx<'f> {
    /// A context rooted at `path` (empty for the document root).
    pub(crate) fn new(path: String, findings: &'f mut Vec<Finding>) -> Self {
        Ctx { path, findings }
    }

    /// Records a broken MUST at the current path.
    pub(crate) fn error(&mut self, code: &'static str, message: impl Into<String>) {
        self.push(Severity::Error, code, message.into());
    }

    /// Records an unmet SHOULD at the current path.
    pub(crate) fn warn(&mut self, code: &'static str, message: impl Into<String>) {
        self.push(Severity::Warning, code, message.into());
    }

    /// Records a broken MUST at member `key` of the current value.
    pub(crate) fn error_at(&mut self, key: &str, code: &'static str, message: impl Into<String>) {
        let message = message.into();
        self.at_key(key, |ctx| ctx.error(code, message));
    }

    /// Records an unmet SHOULD at member `key` of the current value.
    pub(crate) fn warn_at(&mut self, key: &str, code: &'static str, message: impl Into<String>) {
        let message = message.into();
        self.at_key(key, |ctx| ctx.warn(code, message));
    }

    fn push(&mut self, severity: Severity, code: &'static str, message: String) {
        self.findings.push(Finding {
            severity,
            path: self.path.clone(),
            code,
            message,
        });
    }

    /// Runs `f` with the path extended by `.key`.
    pub(crate) fn at_key<R>(&mut self, key: &str, f: impl FnOnce(&mut Self) -> R) -> R {
        let len = self.path.len();
        push_key(&mut self.path, key);
        let r = f(self);
        self.path.truncate(len);
        r
    }

    /// Runs `f` with the path extended by `[index]`.
    pub(crate) fn at_index<R>(&mut self, index: usize, f: impl FnOnce(&mut Self) -> R) -> R {
        let len = self.path.len();
        push_index(&mut self.path, index);
        let r = f(self);
        self.path.truncate(len);
        r
    }
}

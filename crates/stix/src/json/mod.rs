//! A small, lossless JSON document model for STIX content.
//!
//! STIX validation must keep everything a producer sent: custom properties,
//! the exact text of every timestamp, and the exact text of every number. A
//! general-purpose JSON value (such as `serde_json::Value`) converts numbers to
//! binary floating point and allocates every string; this model instead
//! borrows strings and numbers from the input wherever the input allows it,
//! keeps object members in their original order, and refuses duplicate keys,
//! which the STIX and I-JSON rules forbid.
//!
//! [`parse`] reads a document, [`Value::write_compact`] writes it back in its
//! original member order, and [`canonical`] produces the RFC 8785 (JCS) form
//! that signatures and deterministic identifiers are computed over.

pub mod canonical;
mod error;
mod keys;
mod parse;
mod scan;
mod write;

use std::borrow::Cow;

pub use canonical::{canonical, canonical_into, write_es6_number};
pub use error::{ParseError, ParseErrorKind};
pub use parse::{MAX_DEPTH, parse, parse_bytes};
pub(crate) use parse::{Streamed, parse_streaming};

/// A JSON value that borrows from the text it was parsed from.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, kept as the exact text of the input.
    Number(Number<'a>),
    /// A string with escapes already decoded.
    String(Cow<'a, str>),
    /// An array.
    Array(Vec<Value<'a>>),
    /// An object, members in input order, keys unique.
    Object(Object<'a>),
}

/// A JSON number kept as its source text (always valid JSON number syntax).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number<'a>(Cow<'a, str>);

/// A JSON object: members in their original order, with unique keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object<'a> {
    members: Vec<(Cow<'a, str>, Value<'a>)>,
}

impl<'a> Number<'a> {
    /// Wraps number text. The caller guarantees it is valid JSON number syntax.
    pub(crate) fn from_text(text: Cow<'a, str>) -> Self {
        Number(text)
    }

    /// Creates a number from an integer.
    pub fn from_i64(n: i64) -> Number<'static> {
        Number(Cow::Owned(n.to_string()))
    }

    /// The exact source text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when the text has neither fraction nor exponent (`12`, `-3`).
    pub fn is_integer_syntax(&self) -> bool {
        !self.0.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
    }

    /// The value as an `i64` when it is integral and fits; `1.0` and `1e2`
    /// count as integral, as they do for JSON Schema.
    pub fn as_i64(&self) -> Option<i64> {
        if self.is_integer_syntax() {
            return self.0.parse().ok();
        }
        let f = self.as_f64();
        if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
            Some(f as i64)
        } else {
            None
        }
    }

    /// The value as the nearest `f64` (infinite when out of range).
    pub fn as_f64(&self) -> f64 {
        // Valid JSON number syntax is always accepted by Rust's float parser.
        self.0.parse().unwrap_or(f64::NAN)
    }

    /// True when the value is mathematically an integer (`3`, `3.0`, `3e0`).
    pub fn is_integral(&self) -> bool {
        if self.is_integer_syntax() {
            return true;
        }
        let f = self.as_f64();
        f.is_finite() && f.fract() == 0.0
    }

    fn into_owned(self) -> Number<'static> {
        Number(Cow::Owned(self.0.into_owned()))
    }
}

impl<'a> Object<'a> {
    /// An empty object.
    pub fn new() -> Self {
        Object {
            members: Vec::new(),
        }
    }

    /// Builds an object from members whose keys the caller knows are unique.
    pub(crate) fn from_members_unchecked(members: Vec<(Cow<'a, str>, Value<'a>)>) -> Self {
        Object { members }
    }

    /// The member called `key`.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.members
            .iter()
            .find(|(k, _)| same_key(k, key))
            .map(|(_, v)| v)
    }

    /// Mutable access to the member called `key`.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value<'a>> {
        self.members
            .iter_mut()
            .find(|(k, _)| same_key(k, key))
            .map(|(_, v)| v)
    }

    /// True when a member called `key` exists.
    pub fn contains_key(&self, key: &str) -> bool {
        self.members.iter().any(|(k, _)| same_key(k, key))
    }

    /// Sets `key` to `value`, replacing an existing member in place or
    /// appending a new one. Returns the previous value.
    pub fn insert(&mut self, key: impl Into<Cow<'a, str>>, value: Value<'a>) -> Option<Value<'a>> {
        let key = key.into();
        match self.members.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => Some(std::mem::replace(v, value)),
            None => {
                self.members.push((key, value));
                None
            }
        }
    }

    /// Removes and returns the member called `key`, keeping the others' order.
    pub fn remove(&mut self, key: &str) -> Option<Value<'a>> {
        let pos = self.members.iter().position(|(k, _)| k == key)?;
        Some(self.members.remove(pos).1)
    }

    /// Members in their original order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value<'a>)> {
        self.members.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// Member names in their original order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.members.iter().map(|(k, _)| k.as_ref())
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// True when there are no members.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Copies every borrowed part so the object outlives its input.
    pub fn into_owned(self) -> Object<'static> {
        Object {
            members: self
                .members
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned()))
                .collect(),
        }
    }
}

/// String equality for member names. Validation looks members up by name
/// many times per object: nearly every candidate differs in length or first
/// byte, and names are short enough that comparing them byte by byte here
/// costs less than a call to `memcmp`.
#[inline]
pub(crate) fn same_key(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.first() == b.first() && a.iter().zip(b).all(|(x, y)| x == y)
}

impl<'a> FromIterator<(Cow<'a, str>, Value<'a>)> for Object<'a> {
    /// Collects members; a repeated key keeps the last value, in the first
    /// key's position.
    fn from_iter<T: IntoIterator<Item = (Cow<'a, str>, Value<'a>)>>(iter: T) -> Self {
        let mut object = Object::new();
        for (k, v) in iter {
            object.insert(k, v);
        }
        object
    }
}

impl<'a> Value<'a> {
    /// A string value.
    pub fn string(s: impl Into<Cow<'a, str>>) -> Self {
        Value::String(s.into())
    }

    /// The JSON type name, as used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(n) if n.is_integer_syntax() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The object, if this is one.
    pub fn as_object(&self) -> Option<&Object<'a>> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The mutable object, if this is one.
    pub fn as_object_mut(&mut self) -> Option<&mut Object<'a>> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    /// The array, if this is one.
    pub fn as_array(&self) -> Option<&[Value<'a>]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<&Number<'a>> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The number as an integer, if this is an integral number that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    /// The number as a float, if this is a number.
    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().map(Number::as_f64)
    }

    /// Member `key` when this is an object.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        self.as_object().and_then(|o| o.get(key))
    }

    /// Copies every borrowed part so the value outlives its input.
    pub fn into_owned(self) -> Value<'static> {
        match self {
            Value::Null => Value::Null,
            Value::Bool(b) => Value::Bool(b),
            Value::Number(n) => Value::Number(n.into_owned()),
            Value::String(s) => Value::String(Cow::Owned(s.into_owned())),
            Value::Array(a) => Value::Array(a.into_iter().map(Value::into_owned).collect()),
            Value::Object(o) => Value::Object(o.into_owned()),
        }
    }

    /// Compact JSON text, members in their original order, numbers as received.
    pub fn to_json_string(&self) -> String {
        let mut out = String::new();
        self.write_compact(&mut out);
        out
    }

    /// Appends compact JSON text to `out`.
    pub fn write_compact(&self, out: &mut String) {
        write::write_compact(self, out);
    }
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(s: &'a str) -> Self {
        Value::String(Cow::Borrowed(s))
    }
}

impl From<String> for Value<'static> {
    fn from(s: String) -> Self {
        Value::String(Cow::Owned(s))
    }
}

impl From<bool> for Value<'static> {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value<'static> {
    fn from(n: i64) -> Self {
        Value::Number(Number::from_i64(n))
    }
}

impl<'a> From<Object<'a>> for Value<'a> {
    fn from(o: Object<'a>) -> Self {
        Value::Object(o)
    }
}

impl<'a> From<Vec<Value<'a>>> for Value<'a> {
    fn from(a: Vec<Value<'a>>) -> Self {
        Value::Array(a)
    }
}

impl std::fmt::Display for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_json_string())
    }
}

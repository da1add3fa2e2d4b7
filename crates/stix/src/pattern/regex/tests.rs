//! The PCRE checker against expressions PCRE2 compiles (which must all pass:
//! rejecting a valid expression would make a valid indicator invalid) and
//! expressions it refuses.

use super::check;

/// Valid PCRE2, including constructs other engines lack.
const VALID: &[&str] = &[
    "",
    "abc",
    "^.+\\@example\\.com$",
    "\\xd4\\xc3\\xb2\\xa1\\x02\\x00\\x04\\x00",
    "^Final Report.+\\.exe$",
    "a|b|",
    "(|a)",
    "()",
    "a*b+c?d{2}e{2,}f{2,5}",
    "a*?b+?c??d{2}?",
    "a*+b++c?+d{2,3}+",
    "x{,3}",
    "x{ 2 }",
    "{",
    "a{",
    "a{x}",
    "a{1,2",
    "}",
    "]",
    "a]",
    "(?:a)(?=b)(?!c)(?<=d)(?<!e)(?>f)(?|(g)|(h))",
    "(?<name>a)\\k<name>\\k'name'\\k{name}\\g{name}(?&name)(?P>name)(?P=name)",
    "(?'n'a)(?P<m>b)",
    "(a)(b)\\1\\2\\g1\\g{2}\\g-1\\g{-2}\\g<1>\\g'2'\\g<+1>(c)",
    "(a)\\10",
    "\\0\\01\\012\\o{101}\\x{263a}\\x{ 41 }\\x41\\x\\cA\\c?\\e\\a\\f\\n\\r\\t",
    "\\d\\D\\w\\W\\s\\S\\h\\H\\v\\V\\N\\R\\X\\C\\K",
    "\\b\\B\\A\\Z\\z\\G",
    "\\p{L}\\P{Lu}\\pL\\p{^Greek}\\p{Script=Latin}",
    "\\Q(a[b\\E+",
    "\\Q",
    "\\Qab",
    "\\E",
    "\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\/\\@\\#\\ \\-",
    "[abc][^abc][a-z0-9_][-a][a-][]a][^]a][\\]][\\\\-z][\\d-z][a-\\d][\\w.-]",
    "[[:alpha:][:^digit:]][[:<:]][[:a]",
    "[\\x00-\\x{10ffff}][\\n-\\r][\\b][\\Qz-a\\E]",
    "[a-b-c][--a]",
    "[é-ü]",
    "(?i)abc(?-i)abc(?i:x)(?^)(?ims-x:y)(?xx)[ a - z ]",
    "(?x) a + # comment ( [\n b",
    "(?x)( a )  {2}",
    "(?#comment with ( and [)a",
    "(?(1)a|b)(a)",
    "(?(<n>)a|b)(?<n>x)",
    "(?('n')a)(?(R)a)(?(R1)a)(?(R&n)a)(?(DEFINE)(?<n>a))",
    "(?(?=a)ab|cd)",
    "(?(?<!x)a|b)",
    "(?R)?(?1)(?-1)(?+1)(a)",
    "(*UTF)(*UCP)(*CR)^a(*SKIP)(*FAIL)|(*ACCEPT)(*MARK:x)(*:y)(*PRUNE)(*COMMIT)(*THEN)(*F)",
    "(*pla:a)(*positive_lookbehind:b)(*atomic:c)(*napla:d)",
    "(?C)(?C1)(?C\"text\")a",
    "(?=a)*(?!b)+",
    "^*$*\\b*",
    "a(?i)*",
    ".*",
    "(?s).",
    "\\N{U+41}",
    "é+",
    "日本語+",
];

/// Invalid PCRE2, with the byte offset of the error and a message fragment.
#[rustfmt::skip]
const INVALID: &[(&str, usize, &str)] = &[
    ("(", 0, "missing ')'"),
    ("a(b(c)", 1, "missing ')'"),
    (")", 0, "unmatched ')'"),
    ("a)b", 1, "unmatched ')'"),
    ("*", 0, "does not follow a repeatable item"),
    ("+a", 0, "does not follow a repeatable item"),
    ("a|*", 2, "does not follow a repeatable item"),
    ("(?:+)", 3, "does not follow a repeatable item"),
    ("{2}", 0, "does not follow a repeatable item"),
    ("a**", 2, "follows another quantifier"),
    ("a+++", 3, "follows another quantifier"),
    ("a{2}{3}", 4, "follows another quantifier"),
    ("a{3,2}", 1, "numbers out of order"),
    ("a{70000}", 1, "number too big"),
    ("[a", 0, "missing ']'"),
    ("[]", 0, "missing ']'"),
    ("[^]", 0, "missing ']'"),
    ("[z-a]", 1, "range out of order"),
    ("[\\x{20}-\\x{10}]", 1, "range out of order"),
    ("[[:foo:]]", 1, "unknown POSIX class name 'foo'"),
    ("\\", 0, "at the end"),
    ("a\\", 1, "at the end"),
    ("\\i", 0, "unrecognized escape '\\i'"),
    ("\\y", 0, "unrecognized escape"),
    ("\\u0041", 0, "does not support \\u"),
    ("\\L", 0, "does not support \\L"),
    ("[\\m]", 1, "unrecognized escape"),
    ("\\c", 0, "\\c must be followed"),
    ("\\o12", 0, "\\o must be followed by {digits}"),
    ("\\o{19}", 0, "invalid digit '9'"),
    ("\\x{110000}", 0, "too large"),
    ("\\x{zz}", 0, "invalid digit 'z'"),
    ("\\x{41", 0, "missing '}'"),
    ("\\p", 0, "\\p must be followed by a property name"),
    ("\\p{L", 0, "missing '}'"),
    ("\\p{}", 0, "expected a property name"),
    ("\\g", 0, "\\g must be followed"),
    ("\\g{", 0, "missing '}'"),
    ("\\g0", 0, "must not be zero"),
    ("\\k", 0, "\\k must be followed"),
    ("\\k<name", 0, "missing '>'"),
    ("\\1", 0, "reference to group 1, but there are only 0"),
    ("\\8", 0, "reference to group 8"),
    ("(a)\\g{3}", 3, "reference to group 3"),
    ("(?", 0, "at the end"),
    ("(?<", 3, "expected a group name"),
    ("(?<a", 4, "expected '>'"),
    ("(?<1>a)", 3, "must not start with a digit"),
    ("(?P", 3, "expected '<', '=' or '>'"),
    ("(?Px)", 3, "expected '<', '=' or '>'"),
    ("(?~a)", 2, "unrecognized character after '(?'"),
    ("(?iq)", 3, "unrecognized option letter"),
    ("(?i", 0, "missing ')'"),
    ("(?#comment", 0, "missing ')'"),
    ("(?(1)a|b|c)", 8, "at most two alternatives"),
    ("(?()a)", 3, "expected a condition"),
    ("(?(1", 0, "missing ')'"),
    ("(?+)", 3, "expected a group number"),
    ("(?1", 3, "expected ')'"),
    ("(*VERB", 0, "missing ')'"),
    ("(?x)( +)", 6, "does not follow a repeatable item"),
    ("(?x)a # ) \n)", 11, "unmatched ')'"),
];

#[test]
fn valid_expressions_pass() {
    let failures: Vec<String> = VALID
        .iter()
        .filter_map(|re| {
            check(re)
                .err()
                .map(|e| format!("{re:?}: byte {}: {}", e.offset, e.message))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "valid PCRE rejected:\n{}",
        failures.join("\n")
    );
}

#[test]
fn invalid_expressions_fail_where_expected() {
    let failures: Vec<String> = INVALID
        .iter()
        .filter_map(|&(re, offset, fragment)| match check(re) {
            Err(e) if e.offset == offset && e.message.contains(fragment) => None,
            Err(e) => Some(format!(
                "{re:?}: expected byte {offset}: {fragment}; got byte {}: {}",
                e.offset, e.message
            )),
            Ok(()) => Some(format!(
                "{re:?}: accepted, expected byte {offset}: {fragment}"
            )),
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

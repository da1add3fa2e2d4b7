//! Patterns that must be rejected, each with the byte offset and a fragment
//! of the message of its first error. The first group is cti-pattern-
//! validator's failure cases; the rest cover each syntax rule and each
//! semantic check, including what the reference validator wrongly accepts.

use super::check_all;

/// (pattern, offset, message fragment)
#[rustfmt::skip]
const SYNTAX: &[(&str, usize, &str)] = &[
    // cti-pattern-validator's FAIL_CASES.
    ("file:size = 1280", 0, "expected '[' or '(' to start an observation expression, found 'file'"),
    ("[file:size = ]", 13, "expected a literal after '=', found ']'"),
    ("[file:hashes.MD5 = cead3f77f6cda6ec00f57d76c9a6879f]", 19, "expected a literal after '=', found 'cead3f"),
    ("[file.size = 1280]", 5, "expected ':' after the object type 'file', found '.'"),
    (r"[file:name MATCHES /.*\\.dll/]", 19, "expected a string literal after MATCHES, found '/' (regular expressions are written as strings"),
    (r"[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN ]", 63, "expected a positive number of seconds after WITHIN, found ']'"),
    (r"[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN 5 HOURS]", 65, "expected SECONDS after the WITHIN duration, found 'HOURS'"),
    (r"[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN -5 SECONDS]", 63, "expected a positive number of seconds after WITHIN, found '-5'"),
    ("[network-traffic:dst_ref.value ISSUBSET ]", 40, "expected a string literal after ISSUBSET, found ']'"),
    ("[file:hashes.MD5 =? 'cead3f77f6cda6ec00f57d76c9a6879f']", 18, "expected a literal after '=', found '?'"),
    ("[x_whatever:detected == t'2457-73-22T32:81:84.1Z']", 24, "invalid timestamp literal"),
    ("[artifact:payload_bin = b'====']", 24, "invalid binary literal"),
    ("[foo:bar=1] within 2 seconds", 12, "found 'within' (keywords are uppercase: WITHIN)"),
    // Structure.
    ("", 0, "expected '[' or '(' to start an observation expression, found the end of the pattern"),
    ("[file:size = 1", 14, "expected ']' to close the observation expression, found the end of the pattern"),
    ("[file:size = 1 FOLLOWEDBY [file:size = 2]]", 15, "expected ']' to close the observation expression, found 'FOLLOWEDBY'"),
    ("([file:size = 1]", 16, "expected ')' to close the parenthesised observation expression"),
    ("[file:size = 1])", 15, "expected AND, OR, FOLLOWEDBY, a qualifier (WITHIN, REPEATS, START) or the end of the pattern, found ')'"),
    ("[file:size = 1] AND", 19, "expected '[' or '(' to start an observation expression"),
    ("[]", 1, "expected a comparison (object-type:property operator value), '(' or EXISTS, found ']'"),
    ("[(file:size = 1]", 15, "expected ')' to close the parenthesised comparison, found ']'"),
    ("[file:size = 1 and file:size = 2]", 15, "(keywords are uppercase: AND)"),
    ("[NOT file:size = 1]", 5, "expected EXISTS after NOT"),
    ("[file:size EXISTS]", 11, "expected a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET or ISSUPERSET) after the object path"),
    ("[file:size NOT]", 14, "a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET or ISSUPERSET) after NOT"),
    ("[EXISTS]", 7, "expected an object path (object-type:property) after EXISTS, found ']'"),
    ("[file:size = 1] LAST", 16, "found 'LAST'"),
    ("[file:size IN (1, 2]", 19, "expected ',' or ')' in the IN list, found ']'"),
    ("[file:size IN (1,)]", 17, "expected a literal in the IN list, found ')'"),
    ("[file:size IN 1]", 14, "expected '(' after IN, found '1'"),
    // Object paths.
    ("[file:extensions.windows-pebinary-ext.sections[*].entropy > 7.0]", 17, "property name 'windows-pebinary-ext' contains '-' and must be quoted"),
    ("[file:.size = 1]", 6, "expected a property name after ':', found '.'"),
    ("[file:size. = 1]", 12, "expected a property name after '.', found '='"),
    ("[file:size[x] = 1]", 11, "expected a list index (an integer or '*') after '[', found 'x'"),
    ("[file:size[1.5] = 1]", 11, "expected a list index"),
    ("[file:size[0 = 1]", 13, "expected ']' to close the list index, found '='"),
    ("[file:AND = 1]", 6, "expected a property name after ':', found 'AND'"),
    // Operators and their constants.
    ("[file:size > true]", 13, "booleans cannot be ordered"),
    ("[file:name LIKE 5]", 16, "expected a string literal after LIKE, found '5'"),
    ("[file:name MATCHES b'YQ==']", 19, "expected a string literal after MATCHES"),
    ("[ipv4-addr:value ISSUPERSET true]", 28, "expected a string literal after ISSUPERSET, found 'true'"),
    ("[file:name = \"x\"]", 13, "expected a literal after '=', found '\"'"),
    ("[file:size =< 1]", 12, "expected a literal after '=', found '<'"),
    // Literals.
    ("[file:size = 1e5]", 13, "exponent notation is not allowed"),
    ("[file:size = 1.5E-3]", 13, "exponent notation is not allowed"),
    ("[file:size = 007]", 13, "leading zeros are not allowed"),
    ("[file:size = 99999999999999999999]", 13, "integer literal out of range"),
    ("[file:size = 7.]", 14, "expected ']' to close the observation expression, found '.'"),
    (r"[file:name = 'a\nb']", 15, r"invalid escape '\n' in string literal (only \' and \\ are allowed)"),
    ("[file:name = 'abc]", 13, "unterminated string literal"),
    ("[file:magic_number_hex = h'fff']", 25, "even number of hex digits"),
    ("[file:magic_number_hex = h'zz']", 27, "'z' is not a hex digit"),
    ("[file:magic_number_hex = h'ff]", 25, "unterminated hex literal"),
    ("[artifact:payload_bin = b'']", 24, "at least one base64 group"),
    ("[artifact:payload_bin = b'YQ=']", 24, "multiple of 4"),
    ("[artifact:payload_bin = b'Y=Q=']", 24, "'=' padding may only appear at the end"),
    ("[x-foo:t = t'2023-02-29T00:00:00Z']", 11, "invalid timestamp literal: '2023-02-29T00:00:00Z' is not a real date"),
    ("[x-foo:t = t'2023-02-28T24:00:00Z']", 11, "invalid timestamp literal"),
    ("[x-foo:t = t'2023-02-28 00:00:00Z']", 11, "is not of the form YYYY-MM-DDTHH:MM:SS[.fraction]Z"),
    ("[x-foo:t = t'2023-02-28T00:00:00.Z']", 11, "is not of the form"),
    ("[x-foo:t = t'2023-02-28T00:00:00+01:00']", 11, "is not of the form"),
    ("[file:name = 'x'] /* unterminated", 18, "unterminated /* comment"),
    ("[file:name = 'x'] \u{200b}", 18, "found '\u{200b}'"),
    // Qualifiers.
    ("[foo:bar = 1] REPEATS 2.5 TIMES", 22, "expected a positive integer after REPEATS, found '2.5'"),
    ("[foo:bar = 1] REPEATS -1 TIMES", 22, "expected a positive integer after REPEATS, found '-1'"),
    ("[foo:bar = 1] REPEATS 5", 23, "expected TIMES after the REPEATS count, found the end of the pattern"),
    ("[foo:bar = 1] START '2016-06-01T00:00:00Z' STOP '2016-07-01T00:00:00Z'", 20, "expected a timestamp literal t'...' after START, found string '2016-06-01T00:00:00Z' (write timestamps as t'"),
    ("[foo:bar = 1] START t'2016-06-01T00:00:00Z'", 43, "expected STOP after the START timestamp"),
    ("[foo:bar = 1] START t'2016-06-01T00:00:00Z' STOP 5", 49, "expected a timestamp literal t'...' after STOP, found '5'"),
    ("[foo:bar = 1] WITHIN 5 SECONDS REPEATS", 38, "expected a positive integer after REPEATS, found the end of the pattern"),
];

/// Patterns the grammar accepts but the semantic checks reject.
#[rustfmt::skip]
const SEMANTIC: &[(&str, usize, &str)] = &[
    // cti-pattern-validator's FAIL_CASES that need more than the grammar.
    ("[file:hashes.'SHA-256' = 'f00']", 25, "'f00' is not a valid SHA-256 hash (expected 64 hexadecimal digits)"),
    (r"[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN 5 SECONDS WITHIN 6 SECONDS", 73, "duplicate WITHIN qualifier"),
    (r"([win-registry-key:key = 'hkey_local_machine\\foo\\bar'] REPEATS 2 TIMES REPEATS 3 TIMES)", 73, "duplicate REPEATS qualifier"),
    (r"[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z' START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z'", 123, "duplicate START/STOP qualifier"),
    // What the reference validator accepts but the specification forbids.
    (r"([win-registry-key:key = 'hkey_local_machine\\foo\\bar']) WITHIN 5 SECONDS WITHIN 6 SECONDS", 75, "duplicate WITHIN qualifier"),
    ("[network-traffic:src_port = 37020 AND user-account:user_id = 'root']", 38, "must be satisfiable by one object, but 'user-account' here cannot be the same object as 'network-traffic' before"),
    ("[(a-b:c = 1 OR x-y:z = 2) AND c-d:e = 3]", 30, "but 'c-d' here cannot be the same object as 'a-b' or 'x-y' before"),
    ("[a-b:c = 1 AND (a-b:d = 2 AND (c-d:e = 3 OR x-y:z = 4))]", 31, "but 'c-d' or 'x-y' here cannot be the same object as 'a-b' before"),
    ("[foo:bar = 1] REPEATS 0 TIMES", 22, "REPEATS needs a positive integer, found 0"),
    ("[foo:bar = 1] WITHIN 0 SECONDS", 21, "WITHIN needs a positive number of seconds, found 0"),
    ("[foo:bar = 1] WITHIN .0 SECONDS", 21, "WITHIN needs a positive number of seconds, found .0"),
    ("[foo:bar = 1] START t'2016-06-01T00:00:00Z' STOP t'2016-06-01T00:00:00.000Z'", 49, "the STOP timestamp must be later than the START timestamp"),
    ("[foo:bar = 1] START t'2016-07-01T00:00:00Z' STOP t'2016-06-01T00:00:00Z'", 49, "the STOP timestamp must be later"),
    ("[file:name IN ()]", 15, "IN needs at least one value"),
    ("[file:name IN ('a', 1)]", 20, "IN values must all have one type: integer here, string before"),
    ("[file:created IN (t'2016-06-01T00:00:00Z', '2016-06-01T00:00:00Z')]", 43, "string here, timestamp before"),
    ("[file:extensions.'ntfs-ext'.alternate_data_streams[-1].name = 'x']", 50, "list index -1 is negative"),
    ("[file:'' = 1]", 1, "property names must not be empty"),
    ("[File:name = 'x']", 1, "invalid object type 'File'"),
    ("[ab:name = 'x']", 1, "invalid object type 'ab'"),
    ("[x_whatever:detected = 1]", 1, "invalid object type 'x_whatever'"),
    ("[a--b:name = 'x']", 1, "invalid object type 'a--b'"),
    // ISSUBSET and ISSUPERSET.
    ("[file:name ISSUBSET '10.0.0.0/8']", 1, "ISSUBSET applies only to ipv4-addr:value, ipv6-addr:value or the value of a reference"),
    ("[ipv4-addr:resolves_to_refs ISSUPERSET '10.0.0.0/8']", 1, "ISSUPERSET applies only to"),
    ("[ipv4-addr:value ISSUBSET '2001:db8::/32']", 26, "ISSUBSET needs an IPv4 address or CIDR block, found '2001:db8::/32'"),
    ("[ipv4-addr:value ISSUBSET '10.0.0.0/33']", 26, "needs an IPv4 address or CIDR block"),
    ("[ipv6-addr:value ISSUPERSET 'example.com']", 28, "ISSUPERSET needs an IPv6 address or CIDR block"),
    ("[network-traffic:dst_ref.value NOT ISSUBSET '10.0.0.0/8x']", 44, "needs an IP address or CIDR block"),
    // MATCHES: offsets point into the pattern, past string escapes.
    ("[file:name MATCHES '(abc']", 20, "invalid regular expression after MATCHES: missing ')' to close this group"),
    ("[file:name MATCHES 'a)']", 21, "unmatched ')'"),
    ("[file:name MATCHES 'a{3,2}']", 21, "numbers out of order in {} quantifier"),
    ("[file:name MATCHES '*a']", 20, "quantifier '*' does not follow a repeatable item"),
    ("[file:name MATCHES 'a**']", 22, "quantifier '*' follows another quantifier"),
    ("[file:name MATCHES '[z-a]']", 21, "range out of order in character class"),
    ("[file:name MATCHES '[[:alhpa:]]']", 21, "unknown POSIX class name 'alhpa'"),
    (r"[file:name MATCHES '\\i']", 20, r"unrecognized escape '\i'"),
    (r"[file:name MATCHES 'it\'s\\']", 25, r"'\' at the end of the expression"),
    (r"[file:name MATCHES '(a)\\2']", 23, "reference to group 2, but there are only 1 capturing groups"),
    ("[file:name MATCHES '(?<1a>x)']", 23, "a group name must not start with a digit"),
    ("[file:name MATCHES '[abc']", 20, "missing ']' to close this character class"),
    // Hash values.
    ("[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879']", 19, "is not a valid MD5 hash (expected 32 hexadecimal digits)"),
    ("[file:hashes.sha1 = 'xyz']", 20, "'xyz' is not a valid SHA-1 hash (expected 40 hexadecimal digits)"),
    ("[file:hashes.'SHA-512' = 5]", 25, "SHA-512 hashes are strings of 128 hexadecimal digits, found integer 5"),
    ("[file:hashes.MD5 = h'0011']", 19, "MD5 hashes are strings of 32 hexadecimal digits, found hex h'0011'"),
    ("[file:hashes.'sha3-256' != 'abc']", 27, "not a valid SHA3-256 hash"),
    ("[file:hashes.MD5 IN ('cead3f77f6cda6ec00f57d76c9a6879f', 'bad')]", 57, "'bad' is not a valid MD5 hash"),
    ("[file:hashes.TLSH = 'abc']", 20, "not a valid TLSH hash (expected 70 letters and digits)"),
    ("[file:hashes.SSDEEP = '3:a b']", 22, "not a valid SSDEEP hash"),
    ("[file:extensions.'windows-pebinary-ext'.sections[0].hashes.'SHA-256' = 'x']", 71, "not a valid SHA-256 hash"),
    // The first error in the text is the one reported.
    ("[file:x = 1] AND [file:y = 1 AND process:z = 2] WITHIN 0 SECONDS", 33, "satisfiable by one object"),
];

#[test]
fn syntax_errors_are_located_and_explained() {
    assert!(SYNTAX.len() + SEMANTIC.len() >= 60);
    check_all(
        SYNTAX
            .iter()
            .map(|&(pattern, offset, fragment)| (pattern, Err((offset, fragment)))),
    );
}

#[test]
fn semantic_errors_are_located_and_explained() {
    check_all(
        SEMANTIC
            .iter()
            .map(|&(pattern, offset, fragment)| (pattern, Err((offset, fragment)))),
    );
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error() {
    let text = format!("{}[a-b:c = 1]{}", "(".repeat(65), ")".repeat(65));
    super::check(
        &text,
        Err((64, "parentheses are nested more than 64 levels deep")),
    );
}

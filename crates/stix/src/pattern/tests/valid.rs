//! Patterns that must validate: every STIX 2.1 specification example (as
//! collected in cti-pattern-validator's `spec_examples.txt`, with the one
//! that predates the 2.1 grammar quoted as 2.1 requires), then one or more
//! patterns for each construct of the grammar.

use super::check;

const SPEC_EXAMPLES: &[&str] = &[
    r"[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    r"[email-message:from_ref.value MATCHES '.+\\@example\\.com$' AND email-message:body_multipart[*].body_raw_ref.name MATCHES '^Final Report.+\\.exe$']",
    r"[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' AND file:mime_type = 'application/x-pdf']",
    r"[file:hashes.'SHA-256' = 'bf07a7fbb825fc0aae7bf4a1177b2b31fcf8a3feeaf7092761e18c859ee52a9c' OR file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879f'] AND [file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    r"([file:hashes.MD5 = '79054025255fb1a26e4bc422aef54eb4'] FOLLOWEDBY [win-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar']) WITHIN 300 SECONDS",
    r"[user-account:account_type = 'unix' AND user-account:user_id = '1007' AND user-account:account_login = 'Peter'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1008' AND user-account:account_login = 'Paul'] AND [user-account:account_type = 'unix' AND user-account:user_id = '1009' AND user-account:account_login = 'Mary']",
    r"[artifact:mime_type = 'application/vnd.tcpdump.pcap' AND artifact:payload_bin MATCHES '\\xd4\\xc3\\xb2\\xa1\\x02\\x00\\x04\\x00']",
    r"[file:name = 'foo.dll' AND file:parent_directory_ref.path = 'C:\\Windows\\System32']",
    r"[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]",
    r"[file:mime_type = 'image/bmp' AND file:magic_number_hex = h'ffd8']",
    r"[network-traffic:dst_ref.type = 'ipv4-addr' AND network-traffic:dst_ref.value = '203.0.113.33/32']",
    r"[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'example.com'] REPEATS 5 TIMES WITHIN 1800 SECONDS",
    r"[domain-name:value = 'www.5z8.info' AND domain-name:resolves_to_refs[*].value = '198.51.100.1/32']",
    r"[url:value = 'http://example.com/foo' OR url:value = 'http://example.com/bar']",
    r"[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
    r"[windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\CryptoLocker\\Files' OR windows-registry-key:key = 'HKEY_CURRENT_USER\\Software\\Microsoft\\CurrentVersion\\Run\\CryptoLocker_0388']",
    r"[(file:name = 'pdf.exe' OR file:size = '371712') AND file:created = t'2014-01-13T07:03:17Z']",
    r"[email-message:sender_ref.value = 'jdoe@example.com' AND email-message:subject = 'Conference Info']",
    r"[x-usb-device:usbdrive.serial_number = '575833314133343231313937']",
    r"[process:command_line MATCHES '^.+>-add GlobalSign.cer -c -s -r localMachine Root$'] FOLLOWEDBY [process:command_line MATCHES'^.+>-add GlobalSign.cer -c -s -r localMachineTrustedPublisher$'] WITHIN 300 SECONDS",
    r"[network-traffic:dst_ref.value ISSUBSET '2001:0db8:dead:beef:0000:0000:0000:0000/64']",
    r"([file:name = 'foo.dll'] AND [win-registry-key:key = 'HKEY_LOCAL_MACHINE\\foo\\bar']) OR [process:name = 'fooproc' OR process:name = 'procfoo']",
    // STIX 2.1 §9.7 (qualifiers) and §9.9 examples not in the file above.
    r"[file:name = 'foo.dll'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00Z'",
    r"[ipv4-addr:value = '198.51.100.1/32' OR ipv4-addr:value = '203.0.113.33/32' OR ipv6-addr:value = '2001:0db8:dead:beef:dead:beef:dead:0001/128']",
    r"[domain-name:value = 'example.com'] FOLLOWEDBY [url:value = 'http://example.com/malware.exe'] WITHIN 600 SECONDS",
];

const CONSTRUCTS: &[&str] = &[
    // Operators, with and without NOT, and the grammar's aliases.
    "[file:size = 1280]",
    "[file:size == 1280]",
    "[file:size != 1280]",
    "[file:size <> 1280]",
    "[file:size < 1024]",
    "[file:size <= 1024]",
    "[file:size > 1024]",
    "[file:size >= 1024]",
    "[file:size NOT = 1280]",
    "[file:size NOT >= 1024]",
    "[file:name IN ('test.txt', 'test2.exe', 'README')]",
    "[file:size NOT IN (1024, 2048, 4096)]",
    "[file:size IN (1024, 2.5)]",
    "[file:name LIKE 'name%']",
    "[file:name NOT LIKE '_ame%']",
    "[file:name NOT MATCHES '^a']",
    "[ipv4-addr:value ISSUBSET '192.168.0.1/24']",
    "[ipv4-addr:value NOT ISSUBSET '10.0.0.0/8']",
    "[ipv6-addr:value ISSUPERSET '2001:db8::1']",
    "[ipv4-addr:value ISSUPERSET '198.51.100.1']",
    "[EXISTS file:name]",
    "[NOT EXISTS file:name]",
    "[NOT EXISTS file:hashes.'SHA-256' AND file:size > 0]",
    // Literals.
    "[x-foo:n = -5]",
    "[x-foo:n = +5]",
    "[x-foo:n = 0]",
    "[x-foo:f = .5]",
    "[x-foo:f = -0.25]",
    "[x-foo:f = +00.5]",
    "[x-foo:b = true]",
    "[x-foo:b != false]",
    "[artifact:payload_bin = b'dGhpcyBpcyBhIHRlc3Q=']",
    "[artifact:payload_bin = b'YQ==']",
    "[file:magic_number_hex = h'']",
    "[file:magic_number_hex = h'FFd8']",
    "[x-foo:t = t'2016-02-29T23:59:60.123456789Z']",
    "[x-foo:s = 'it\\'s a \\\\ backslash']",
    "[x-foo:s = '']",
    "[x-foo:s = 'multi\nline \u{e9}t\u{e9}']",
    "[file:hashes.'SHA-256' > 'a']",
    // Object paths.
    "[file:extensions.'ntfs-ext'.alternate_data_streams[0].name = 'x']",
    "[file:extensions.'ntfs-ext'.alternate_data_streams[+1].size > 3]",
    "[directory:contains_refs[*].name = 'evil.exe']",
    "[x-foo:'quoted'.'with space'.'and.dot' = 1]",
    "[abc-:_private = 1]",
    "[file:hashes.sha256 = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']",
    "[file:hashes.'SHA-224' = 'not checked']",
    "[file:hashes.MD5 = h'00112233445566778899AABBCCDDEEFF']",
    "[file:hashes.TLSH = 'T10123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123']",
    "[file:hashes.ssdeep = '3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C']",
    "[file:hashes.'SHA-1' IN ('2fd4e1c67a2d28fced849ee1bb76e7391b93eb12', '2FD4E1C67A2D28FCED849EE1BB76E7391B93EB12')]",
    // Observation operators, precedence and grouping.
    "[a-b:c = 1] AND [a-b:c = 2] OR [a-b:c = 3] FOLLOWEDBY [a-b:c = 4]",
    "([a-b:c = 1] OR [a-b:c = 2]) AND ([a-b:c = 3] FOLLOWEDBY [a-b:c = 4])",
    "(([a-b:c = 1]))",
    "[a-b:c = 1] FOLLOWEDBY [a-b:c = 2] REPEATS 5 TIMES",
    "( [(network-traffic:dst_port IN(443,6443,8443) AND network-traffic:src_packets != 0) ])",
    "[a-b:c = 1 OR (a-b:d = 2 AND a-b:e = 3) OR x-y:z = 4]",
    "[(a-b:c = 1 OR a-b:d = 2) AND a-b:e = 3]",
    // Qualifiers.
    "[foo:bar = 1] REPEATS 9 TIMES",
    // §9.5: AND operands must be satisfiable by one object; an OR may mix.
    "[(a-b:c = 1 OR x-y:z = 2) AND a-b:d = 3]",
    "[a-b:c = 1 AND (a-b:d = 2 AND (a-b:e = 3 OR x-y:z = 4))]",
    "[file:name = 'a.exe' AND (file:size = 5 OR ipv4-addr:value = '198.51.100.1')]",
    "[foo:bar = 1] WITHIN 2.5 SECONDS",
    "[foo:bar = 1] WITHIN +5 SECONDS",
    "[foo:bar = 1] WITHIN 0.001 SECONDS REPEATS 2 TIMES START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z'",
    "([win-registry-key:key = 'hkey_local_machine\\\\foo\\\\bar'] WITHIN 5 SECONDS) WITHIN 6 SECONDS",
    "([win-registry-key:key = 'hkey_local_machine\\\\foo\\\\bar'] REPEATS 2 TIMES) REPEATS 2 TIMES",
    "[ipv4-addr:value = '10.0.0.1'] START t'2016-06-01T01:30:00Z' STOP t'2016-06-01T01:30:00.001Z' OR [ipv4-addr:value = '192.168.122.83'] START t'2016-06-01T03:55:00.123Z' STOP t'2016-06-01T04:30:24.743Z'",
    // Layout: whitespace of all kinds, comments, no spaces at all.
    "[file:size=1]WITHIN 5SECONDS",
    "\t[ file : size\u{a0}=\u{3000}1 ]\r\n",
    "/* lead */ [file:size = 1 /* mid ] */] // trailing comment",
    "[file:size = 1] // comment\nAND [file:size = 2]",
    // MATCHES with demanding but valid PCRE.
    r"[file:name MATCHES '^(?<stem>[\\w.-]+?)(?=\\.exe$)(?!x)(?<=a|bc)(?<!\\d)\\.exe\\b']",
    r"[file:name MATCHES '(?i)^(?:[a-z]{2,}+|\\p{Lu}\\P{L}\\pN)*(a)\\1\\k<stem>(?P<stem>x)(?P=stem)$']",
    "[file:name MATCHES '(?x) a  # comment with ( and [\n  b+ ']",
];

#[test]
fn specification_examples_validate() {
    assert!(SPEC_EXAMPLES.len() >= 23);
    for pattern in SPEC_EXAMPLES {
        check(pattern, Ok(()));
    }
}

#[test]
fn every_construct_validates() {
    for pattern in CONSTRUCTS {
        check(pattern, Ok(()));
    }
}

/// Every valid pattern, for the property tests.
pub(super) fn all() -> impl Iterator<Item = &'static str> {
    SPEC_EXAMPLES.iter().chain(CONSTRUCTS).copied()
}

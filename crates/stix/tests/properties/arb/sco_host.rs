//! Generators of the host cyber-observables: `autonomous-system`, `mutex`,
//! `process`, `software`, `user-account`, `windows-registry-key` and
//! `x509-certificate` (STIX 2.1 §6.2, §6.11, §6.13, §6.14, §6.16–§6.18),
//! with their predefined extensions.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::common::*;
use super::leaf::*;
use super::sco::sco;
use super::syntax::*;
use super::time::*;
use super::{Spec, at_least_one, fixed, obj, opt, req};

fn int(range: std::ops::Range<i64>) -> BoxedStrategy<V> {
    int_v(range)
}

fn bool_v() -> BoxedStrategy<V> {
    any::<bool>().prop_map(V::Bool).boxed()
}

fn time() -> BoxedStrategy<V> {
    ts(0, 9).prop_map(|t| t.value()).boxed()
}

/// Dictionary keys (§2.7): ASCII letters, digits, `-` and `_`.
fn dict_key() -> &'static str {
    "[A-Za-z0-9_-]{1,24}"
}

/// An avstring of CPE 2.3 (NISTIR 7695 §6.2): ANY, NA, or unreserved
/// characters with quoted punctuation and wildcards at the ends.
fn avstring() -> BoxedStrategy<String> {
    prop_oneof![
        2 => Just("*".to_string()),
        1 => Just("-".to_string()),
        6 => "[a-z0-9_][a-z0-9._-]{0,11}",
        1 => "[a-z0-9]{1,6}\\\\[!:~&]",
        1 => "\\*?[a-z0-9]{1,6}\\*?",
    ]
    .boxed()
}

/// A CPE 2.3 formatted string.
fn cpe() -> BoxedStrategy<V> {
    let language = select(vec!["*", "-", "en", "en-us", "es-419", "de"]).prop_map(String::from);
    (
        select(vec!["a", "h", "o", "*", "-"]),
        vec(avstring(), 5),
        language,
        vec(avstring(), 4),
    )
        .prop_map(|(part, head, language, tail)| {
            s(format!(
                "cpe:2.3:{part}:{}:{language}:{}",
                head.join(":"),
                tail.join(":")
            ))
        })
        .boxed()
}

const ACCOUNT_TYPE: &[&str] = &[
    "facebook",
    "ldap",
    "nis",
    "openid",
    "radius",
    "skype",
    "tacacs",
    "twitter",
    "unix",
    "windows-local",
    "windows-domain",
];

const HIVES: &[&str] = &[
    "HKEY_LOCAL_MACHINE",
    "HKEY_CURRENT_USER",
    "HKEY_CLASSES_ROOT",
    "HKEY_USERS",
    "HKEY_CURRENT_CONFIG",
    "hkey_local_machine",
    "HKEY_PERFORMANCE_DATA",
];

const REGISTRY_DATATYPE: &[&str] = &[
    "REG_NONE",
    "REG_SZ",
    "REG_EXPAND_SZ",
    "REG_BINARY",
    "REG_DWORD",
    "REG_DWORD_BIG_ENDIAN",
    "REG_LINK",
    "REG_MULTI_SZ",
    "REG_QWORD",
];

/// The host observables.
pub fn specs() -> Vec<Spec> {
    vec![
        sco(
            "autonomous-system",
            &["number"],
            &["number"],
            vec![
                req(
                    "number",
                    int_v(prop_oneof![3 => 0i64..4_294_967_296, 1 => Just((1i64 << 53) - 1)]),
                ),
                opt("name", text_v()),
                opt(
                    "rir",
                    select(vec!["ARIN", "RIPE NCC", "APNIC", "LACNIC", "AFRINIC"]).prop_map(s),
                ),
            ],
        ),
        sco("mutex", &["name"], &["name"], vec![req("name", text_v())]),
        process(),
        sco(
            "software",
            &["name"],
            &["name", "cpe", "swid", "vendor", "version"],
            vec![
                req("name", text_v()),
                opt("cpe", cpe()),
                opt("swid", text_v()),
                opt("languages", list(language_tag_v(), 1..3)),
                opt("vendor", text_v()),
                opt("version", text_v()),
            ],
        ),
        user_account(),
        registry_key(),
        x509_certificate(),
    ]
}

/// `process` (§6.13): at least one property or extension; no ID
/// contributing properties, so always a UUIDv4.
fn process() -> Spec {
    let windows_process = at_least_one(
        vec![
            opt("aslr_enabled", bool_v()),
            opt("dep_enabled", bool_v()),
            opt(
                "priority",
                select(vec!["HIGH_PRIORITY_CLASS", "IDLE_PRIORITY_CLASS", "normal"]).prop_map(s),
            ),
            opt("owner_sid", re("S-1-5-21-[0-9]{1,10}")),
            opt("window_title", text_v()),
            opt(
                "startup_info",
                vec((dict_key(), json_value()), 1..3).prop_map(obj),
            ),
            opt(
                "integrity_level",
                enum_of(&["low", "medium", "high", "system"]),
            ),
        ],
        fixed("dep_enabled", V::Bool(true)),
    )
    .prop_map(|m| ("windows-process-ext", obj(m)));
    let windows_service = at_least_one(
        vec![
            opt("service_name", text_v()),
            opt("descriptions", list(text_v(), 1..3)),
            opt("display_name", text_v()),
            opt("group_name", text_v()),
            opt(
                "start_type",
                enum_of(&[
                    "SERVICE_AUTO_START",
                    "SERVICE_BOOT_START",
                    "SERVICE_DEMAND_START",
                    "SERVICE_DISABLED",
                    "SERVICE_SYSTEM_ALERT",
                ]),
            ),
            opt("service_dll_refs", refs_of(&["file"])),
            opt(
                "service_type",
                enum_of(&[
                    "SERVICE_KERNEL_DRIVER",
                    "SERVICE_FILE_SYSTEM_DRIVER",
                    "SERVICE_WIN32_OWN_PROCESS",
                    "SERVICE_WIN32_SHARE_PROCESS",
                ]),
            ),
            opt(
                "service_status",
                enum_of(&[
                    "SERVICE_CONTINUE_PENDING",
                    "SERVICE_PAUSED",
                    "SERVICE_RUNNING",
                    "SERVICE_STOPPED",
                ]),
            ),
        ],
        fixed("service_name", s("sirvizio")),
    )
    .prop_map(|m| ("windows-service-ext", obj(m)));
    let extensions = vec(prop_oneof![windows_process, windows_service], 1..3).prop_map(|e| {
        vec![(
            "extensions".to_owned(),
            obj(e.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
        )]
    });
    sco(
        "process",
        &[],
        &[],
        vec![at_least_one(
            vec![
                opt("is_hidden", bool_v()),
                opt("pid", int(0..1 << 32)),
                opt("created_time", time()),
                opt("cwd", text_v()),
                opt("command_line", text_v()),
                opt(
                    "environment_variables",
                    vec((dict_key(), text_v()), 1..4).prop_map(obj),
                ),
                opt("opened_connection_refs", refs_of(&["network-traffic"])),
                opt("creator_user_ref", ref_of(&["user-account"])),
                opt("image_ref", ref_of(&["file"])),
                opt("parent_ref", ref_of(&["process"])),
                opt("child_refs", refs_of(&["process"])),
                proptest::option::weighted(0.3, extensions)
                    .prop_map(Option::unwrap_or_default)
                    .boxed(),
            ],
            fixed("pid", V::from(1221)),
        )],
    )
}

/// `user-account` (§6.16): at least one property (or an extension).
fn user_account() -> Spec {
    let unix = at_least_one(
        vec![
            opt("gid", int(0..65536)),
            opt("groups", list(text_v(), 1..3)),
            opt("home_dir", text_v()),
            opt(
                "shell",
                select(vec!["/bin/bash", "/bin/sh", "/usr/sbin/nologin"]).prop_map(s),
            ),
        ],
        fixed("gid", V::from(1001)),
    )
    .prop_map(|m| {
        vec![(
            "extensions".to_owned(),
            obj(vec![("unix-account-ext".to_owned(), obj(m))]),
        )]
    });
    sco(
        "user-account",
        &[],
        &["account_type", "user_id", "account_login"],
        vec![at_least_one(
            vec![
                opt("user_id", text_v()),
                opt("credential", text_v()),
                opt("account_login", text_v()),
                opt("account_type", ov(ACCOUNT_TYPE)),
                opt("display_name", text_v()),
                opt("is_service_account", bool_v()),
                opt("is_privileged", bool_v()),
                opt("can_escalate_privs", bool_v()),
                opt("is_disabled", bool_v()),
                opt("account_created", time()),
                opt("account_expires", time()),
                opt("credential_last_changed", time()),
                opt("account_first_login", time()),
                opt("account_last_login", time()),
                proptest::option::weighted(0.3, unix)
                    .prop_map(Option::unwrap_or_default)
                    .boxed(),
            ],
            req("user_id", text_v()),
        )],
    )
}

/// `windows-registry-key` (§6.17): the full hive name, then any path.
fn registry_key() -> Spec {
    let key = (select(HIVES), vec(text(), 0..4)).prop_map(|(hive, parts)| {
        let mut k = hive.to_owned();
        for part in parts {
            k.push('\\');
            k.push_str(&part);
        }
        s(k)
    });
    let value = at_least_one(
        vec![
            opt("name", text_v()),
            opt("data", text_v()),
            opt("data_type", enum_of(REGISTRY_DATATYPE)),
        ],
        fixed("name", s("")),
    )
    .prop_map(obj);
    sco(
        "windows-registry-key",
        &[],
        &["key", "values"],
        vec![
            at_least_one(
                vec![opt("key", key), opt("values", list(value, 1..3))],
                fixed("key", s("HKEY_USERS")),
            ),
            opt("modified_time", time()),
            opt("creator_user_ref", ref_of(&["user-account"])),
            opt("number_of_subkeys", int(0..100_000)),
        ],
    )
}

/// `x509-certificate` (§6.18): at least one property.
fn x509_certificate() -> Spec {
    let v3 = at_least_one(
        vec![
            opt(
                "basic_constraints",
                re("critical,CA:(TRUE|FALSE)(, pathlen:[0-9])?"),
            ),
            opt("key_usage", text_v()),
            opt("extended_key_usage", text_v()),
            opt("subject_key_identifier", hex(20, 20).prop_map(s)),
            opt("subject_alternative_name", text_v()),
            opt("crl_distribution_points", url_v()),
            opt("private_key_usage_period_not_before", time()),
            opt("private_key_usage_period_not_after", time()),
            opt("certificate_policies", text_v()),
        ],
        fixed("key_usage", s("critical, digitalSignature")),
    )
    .prop_map(obj);
    let validity = ts_pair(0, false).prop_map(|(a, b)| {
        vec![
            ("validity_not_before".to_owned(), a.value()),
            ("validity_not_after".to_owned(), b.value()),
        ]
    });
    sco(
        "x509-certificate",
        &[],
        &["hashes", "serial_number"],
        vec![at_least_one(
            vec![
                opt("is_self_signed", bool_v()),
                opt("hashes", hashes()),
                opt("version", select(vec!["1", "2", "3"]).prop_map(s)),
                opt(
                    "serial_number",
                    hex(8, 20).prop_map(|h| {
                        let pairs: Vec<&str> =
                            (0..h.len()).step_by(2).map(|i| &h[i..i + 2]).collect();
                        s(pairs.join(":"))
                    }),
                ),
                opt(
                    "signature_algorithm",
                    select(vec!["sha256WithRSAEncryption", "ecdsa-with-SHA384"]).prop_map(s),
                ),
                opt("issuer", text_v()),
                proptest::option::of(validity)
                    .prop_map(Option::unwrap_or_default)
                    .boxed(),
                opt("subject", text_v()),
                opt(
                    "subject_public_key_algorithm",
                    select(vec!["rsaEncryption", "id-ecPublicKey"]).prop_map(s),
                ),
                opt("subject_public_key_modulus", hex(32, 64).prop_map(s)),
                opt(
                    "subject_public_key_exponent",
                    int_v(select(vec![3i64, 65537])),
                ),
                opt("x509_v3_extensions", v3),
            ],
            req("serial_number", re("[0-9a-f]{2}(:[0-9a-f]{2}){7}")),
        )],
    )
}

//! Host observables: `autonomous-system`, `mutex`, `process`, `software`,
//! `user-account`, `windows-registry-key` and `x509-certificate` (STIX 2.1
//! §6.2, §6.11, §6.13, §6.14, §6.16–§6.18) with the extensions
//! `windows-process-ext`, `windows-service-ext` and `unix-account-ext`.

use crate::json::{Object, Value};
use crate::validate::ctx::{Ctx, code};
use crate::validate::types::{Def, Kind, Refs, StrRule, Ty, opt, req};
use crate::validate::vocab;

use super::{INT, formats};

/// `autonomous-system` (§6.2).
pub(super) static AUTONOMOUS_SYSTEM: Def = Def {
    name: "autonomous-system",
    kind: Kind::Sco,
    props: &[
        req("number", INT),
        opt("name", Ty::String),
        opt("rir", Ty::String),
    ],
    rules: None,
    id_contributing: &["number"],
};

/// `mutex` (§6.11).
pub(super) static MUTEX: Def = Def {
    name: "mutex",
    kind: Kind::Sco,
    props: &[req("name", Ty::String)],
    rules: None,
    id_contributing: &["name"],
};

/// `process` (§6.13). It has no ID contributing properties, so its id MUST
/// be a UUIDv4; the engine's UUID check enforces that for every SCO whose
/// contributing properties are all absent.
pub(super) static PROCESS: Def = Def {
    name: "process",
    kind: Kind::Sco,
    props: &[
        opt("is_hidden", Ty::Boolean),
        opt("pid", INT),
        opt("created_time", Ty::Timestamp),
        opt("cwd", Ty::String),
        opt("command_line", Ty::String),
        opt("environment_variables", Ty::DictOf(&Ty::String)),
        opt(
            "opened_connection_refs",
            Ty::List(&Ty::Ref(Refs::Only(&["network-traffic"]))),
        ),
        opt("creator_user_ref", Ty::Ref(Refs::Only(&["user-account"]))),
        opt("image_ref", Ty::Ref(Refs::Only(&["file"]))),
        opt("parent_ref", Ty::Ref(Refs::Only(&["process"]))),
        opt("child_refs", Ty::List(&Ty::Ref(Refs::Only(&["process"])))),
    ],
    // "At least one property (other than type) from this object (or one of
    // its extensions)".
    rules: Some(|ctx, obj| super::require_any(ctx, obj, &PROCESS, true)),
    id_contributing: &[],
};

/// `priority` SHOULD end in `_CLASS` (§6.13.2).
static PRIORITY_CLASS: StrRule = StrRule {
    check: |s| s.len() > "_CLASS".len() && s.ends_with("_CLASS"),
    rule: "a Windows priority class name ending in _CLASS (e.g. HIGH_PRIORITY_CLASS)",
    code: "windows-process-priority-format",
    warning: true,
};

/// `windows-process-ext` (§6.13.2). The markdown specification misspells
/// `window_title` as `windows_title` (STIX 2.1 OS, JSON Schemas and the
/// reference model agree on `window_title`).
pub(super) static WINDOWS_PROCESS_EXT: Def = Def {
    name: "windows-process-ext",
    kind: Kind::Extension(&["process"]),
    props: &[
        opt("aslr_enabled", Ty::Boolean),
        opt("dep_enabled", Ty::Boolean),
        opt("priority", Ty::Str(&PRIORITY_CLASS)),
        opt("owner_sid", Ty::String),
        opt("window_title", Ty::String),
        opt("startup_info", Ty::Dict),
        opt("integrity_level", Ty::Enum(&vocab::WINDOWS_INTEGRITY_LEVEL)),
    ],
    rules: Some(|ctx, obj| super::require_any(ctx, obj, &WINDOWS_PROCESS_EXT, false)),
    id_contributing: &[],
};

/// `windows-service-ext` (§6.13.3).
pub(super) static WINDOWS_SERVICE_EXT: Def = Def {
    name: "windows-service-ext",
    kind: Kind::Extension(&["process"]),
    props: &[
        opt("service_name", Ty::String),
        opt("descriptions", Ty::List(&Ty::String)),
        opt("display_name", Ty::String),
        opt("group_name", Ty::String),
        opt("start_type", Ty::Enum(&vocab::WINDOWS_SERVICE_START_TYPE)),
        opt(
            "service_dll_refs",
            Ty::List(&Ty::Ref(Refs::Only(&["file"]))),
        ),
        opt("service_type", Ty::Enum(&vocab::WINDOWS_SERVICE_TYPE)),
        opt("service_status", Ty::Enum(&vocab::WINDOWS_SERVICE_STATUS)),
    ],
    rules: Some(|ctx, obj| super::require_any(ctx, obj, &WINDOWS_SERVICE_EXT, false)),
    id_contributing: &[],
};

/// `software` (§6.14).
pub(super) static SOFTWARE: Def = Def {
    name: "software",
    kind: Kind::Sco,
    props: &[
        req("name", Ty::String),
        opt("cpe", Ty::Str(&formats::CPE_23)),
        opt("swid", Ty::String),
        opt("languages", Ty::List(&Ty::Language)),
        opt("vendor", Ty::String),
        opt("version", Ty::String),
    ],
    rules: None,
    id_contributing: &["name", "cpe", "swid", "vendor", "version"],
};

/// `user-account` (§6.16).
pub(super) static USER_ACCOUNT: Def = Def {
    name: "user-account",
    kind: Kind::Sco,
    props: &[
        opt("user_id", Ty::String),
        opt("credential", Ty::String),
        opt("account_login", Ty::String),
        opt("account_type", Ty::Vocab(&vocab::ACCOUNT_TYPE)),
        opt("display_name", Ty::String),
        opt("is_service_account", Ty::Boolean),
        opt("is_privileged", Ty::Boolean),
        opt("can_escalate_privs", Ty::Boolean),
        opt("is_disabled", Ty::Boolean),
        opt("account_created", Ty::Timestamp),
        opt("account_expires", Ty::Timestamp),
        opt("credential_last_changed", Ty::Timestamp),
        opt("account_first_login", Ty::Timestamp),
        opt("account_last_login", Ty::Timestamp),
    ],
    // The properties table of §6.16.1 lists `extensions` among those of
    // which at least one MUST be present.
    rules: Some(|ctx, obj| super::require_any(ctx, obj, &USER_ACCOUNT, true)),
    id_contributing: &["account_type", "user_id", "account_login"],
};

/// `unix-account-ext` (§6.16.2).
pub(super) static UNIX_ACCOUNT_EXT: Def = Def {
    name: "unix-account-ext",
    kind: Kind::Extension(&["user-account"]),
    props: &[
        opt("gid", INT),
        opt("groups", Ty::List(&Ty::String)),
        opt("home_dir", Ty::String),
        opt("shell", Ty::String),
    ],
    rules: Some(|ctx, obj| super::require_any(ctx, obj, &UNIX_ACCOUNT_EXT, false)),
    id_contributing: &[],
};

static REGISTRY_VALUE_TY: Ty = Ty::Struct(&WINDOWS_REGISTRY_VALUE);

/// `windows-registry-key` (§6.17).
pub(super) static WINDOWS_REGISTRY_KEY: Def = Def {
    name: "windows-registry-key",
    kind: Kind::Sco,
    props: &[
        opt("key", Ty::String),
        opt("values", Ty::List(&REGISTRY_VALUE_TY)),
        opt("modified_time", Ty::Timestamp),
        opt("creator_user_ref", Ty::Ref(Refs::Only(&["user-account"]))),
        opt("number_of_subkeys", INT),
    ],
    rules: Some(registry_key_rules),
    id_contributing: &["key", "values"],
};

/// The registry hives, fully expanded.
const HIVES: &[&str] = &[
    "HKEY_CLASSES_ROOT",
    "HKEY_CURRENT_USER",
    "HKEY_LOCAL_MACHINE",
    "HKEY_USERS",
    "HKEY_CURRENT_CONFIG",
    "HKEY_PERFORMANCE_DATA",
    "HKEY_PERFORMANCE_TEXT",
    "HKEY_PERFORMANCE_NLSTEXT",
    "HKEY_DYN_DATA",
];

/// Abbreviated hive names and what they stand for.
const HIVE_ABBREVIATIONS: &[(&str, &str)] = &[
    ("HKLM", "HKEY_LOCAL_MACHINE"),
    ("HKCU", "HKEY_CURRENT_USER"),
    ("HKCR", "HKEY_CLASSES_ROOT"),
    ("HKU", "HKEY_USERS"),
    ("HKCC", "HKEY_CURRENT_CONFIG"),
    ("HKPD", "HKEY_PERFORMANCE_DATA"),
    ("HKDD", "HKEY_DYN_DATA"),
];

fn registry_key_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    super::require_any(ctx, obj, &WINDOWS_REGISTRY_KEY, false);
    let Some(key) = obj.get("key").and_then(Value::as_str) else {
        return;
    };
    let hive = key.split('\\').next().unwrap_or_default();
    if let Some((short, long)) = HIVE_ABBREVIATIONS
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(hive))
    {
        ctx.error_at(
            "key",
            code::FORMAT,
            format!(
                "the hive must be fully expanded: {long} instead of {short} (windows-registry-key)"
            ),
        );
    } else if !HIVES.iter().any(|h| h.eq_ignore_ascii_case(hive)) {
        ctx.warn_at(
            "key",
            code::FORMAT,
            "should be the full registry key including the hive (HKEY_LOCAL_MACHINE\\..., HKEY_CURRENT_USER\\..., ...)",
        );
    }
}

/// `windows-registry-value-type` (§6.17.2). The default value of a key is
/// named by the empty string, so `name: ""` is valid.
static WINDOWS_REGISTRY_VALUE: Def = Def {
    name: "windows-registry-value-type",
    kind: Kind::Embedded,
    props: &[
        opt("name", Ty::String),
        opt("data", Ty::String),
        opt("data_type", Ty::Enum(&vocab::WINDOWS_REGISTRY_DATATYPE)),
    ],
    rules: Some(|ctx, obj| super::require_any(ctx, obj, &WINDOWS_REGISTRY_VALUE, false)),
    id_contributing: &[],
};

/// `x509-certificate` (§6.18).
pub(super) static X509_CERTIFICATE: Def = Def {
    name: "x509-certificate",
    kind: Kind::Sco,
    props: &[
        opt("is_self_signed", Ty::Boolean),
        opt("hashes", Ty::Hashes),
        opt("version", Ty::String),
        opt("serial_number", Ty::String),
        opt("signature_algorithm", Ty::String),
        opt("issuer", Ty::String),
        opt("validity_not_before", Ty::Timestamp),
        opt("validity_not_after", Ty::Timestamp),
        opt("subject", Ty::String),
        opt("subject_public_key_algorithm", Ty::String),
        opt("subject_public_key_modulus", Ty::String),
        opt("subject_public_key_exponent", INT),
        opt("x509_v3_extensions", Ty::Struct(&X509_V3_EXTENSIONS)),
    ],
    rules: Some(|ctx, obj| super::require_any(ctx, obj, &X509_CERTIFICATE, false)),
    id_contributing: &["hashes", "serial_number"],
};

/// `x509-v3-extensions-type` (§6.18.2).
static X509_V3_EXTENSIONS: Def = Def {
    name: "x509-v3-extensions-type",
    kind: Kind::Embedded,
    props: &[
        opt("basic_constraints", Ty::String),
        opt("name_constraints", Ty::String),
        opt("policy_constraints", Ty::String),
        opt("key_usage", Ty::String),
        opt("extended_key_usage", Ty::String),
        opt("subject_key_identifier", Ty::String),
        opt("authority_key_identifier", Ty::String),
        opt("subject_alternative_name", Ty::String),
        opt("issuer_alternative_name", Ty::String),
        opt("subject_directory_attributes", Ty::String),
        opt("crl_distribution_points", Ty::String),
        opt("inhibit_any_policy", Ty::String),
        opt("private_key_usage_period_not_before", Ty::Timestamp),
        opt("private_key_usage_period_not_after", Ty::Timestamp),
        opt("certificate_policies", Ty::String),
        opt("policy_mappings", Ty::String),
    ],
    rules: Some(|ctx, obj| super::require_any(ctx, obj, &X509_V3_EXTENSIONS, false)),
    id_contributing: &[],
};

//! `autonomous-system`, `mutex`, `process`, `software`, `user-account`,
//! `windows-registry-key`, `x509-certificate` and their extensions (§6.2,
//! §6.11, §6.13, §6.14, §6.16–§6.18).

use super::{Row, rows};
use crate::kit::*;

const AUTONOMOUS_SYSTEM: &str = r#"{
    "type": "autonomous-system",
    "spec_version": "2.1",
    "id": "autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff",
    "number": 15139,
    "name": "Slime Industries",
    "rir": "ARIN"
}"#;

#[test]
fn autonomous_system() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("number")], &["E number required-property"]),
        (&[Set("number", r#""AS15139""#)], &["E number json-type"]),
        (&[Set("number", "15139.5")], &["E number json-type"]),
        (&[Set("number", "4200000000")], &[]),
        (&[Set("rir", "1")], &["E rir json-type"]),
    ];
    rows(AUTONOMOUS_SYSTEM, &["number"], table);
}

const MUTEX: &str = r#"{
    "type": "mutex",
    "spec_version": "2.1",
    "id": "mutex--f93fe911-e545-5239-b9b0-597840d0c871",
    "name": "__CLEANSWEEP__"
}"#;

#[test]
fn mutex() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("name")], &["E name required-property"]),
        (&[Set("name", "[]")], &["E name json-type"]),
    ];
    rows(MUTEX, &["name"], table);
}

const PROCESS: &str = r#"{
    "type": "process",
    "spec_version": "2.1",
    "id": "process--07bc30ad-e5ab-4b23-a6f1-8c5a3e2bd4cf",
    "is_hidden": false,
    "pid": 1221,
    "created_time": "2016-01-20T14:11:25.55Z",
    "cwd": "/tmp/",
    "command_line": "./gedit-bin --new-window",
    "environment_variables": {"PATH": "/usr/bin:/bin", "LANG": "en_US.UTF-8"},
    "opened_connection_refs": ["network-traffic--c9361847-2b4b-5400-8b25-bbd72608abf8"],
    "creator_user_ref": "user-account--f94d689e-707d-58c3-b803-c720bb6ed096",
    "image_ref": "file--41582d78-96c3-56dc-875e-e5227324267b",
    "parent_ref": "process--2ba8b5a1-8e2f-4c1d-9a3e-5f1c0b7d4e21",
    "child_refs": ["process--5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"]
}"#;

#[test]
fn process() {
    let only_id = r#"{"type":"process","spec_version":"2.1","id":"process--07bc30ad-e5ab-4b23-a6f1-8c5a3e2bd4cf"}"#;
    check(only_id, &["E  at-least-one-of"]);
    check(
        &patched(only_id, &[Set("defanged", "true")]),
        &["E  at-least-one-of"],
    );
    check(
        &patched(only_id, &[Set("x_acme_rank", "1")]),
        &["E  at-least-one-of", "W x_acme_rank custom-property"],
    );
    check(
        &patched(
            only_id,
            &[Set(
                "extensions",
                r#"{"windows-process-ext":{"aslr_enabled":true}}"#,
            )],
        ),
        &[],
    );
    check(&patched(only_id, &[Set("pid", "4")]), &[]);
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Set("pid", r#""1221""#)], &["E pid json-type"]),
        (&[Set("created_time", r#""yesterday""#)], &["E created_time timestamp"]),
        (&[Set("environment_variables", r#"{"PATH": 1}"#)], &["E environment_variables.PATH json-type"]),
        (&[Set("environment_variables", "{}")], &["E environment_variables empty-value"]),
        (&[Set("opened_connection_refs", r#"["ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"]"#)], &["E opened_connection_refs[0] reference-type"]),
        (&[Set("creator_user_ref", r#""identity--311b2d2d-f010-4473-83ec-1edf84858f4c""#)], &["E creator_user_ref reference-type"]),
        (&[Set("image_ref", r#""artifact--6f437177-6e48-5cf8-9d9e-872a2bddd641""#)], &["E image_ref reference-type"]),
        (&[Set("parent_ref", r#""file--41582d78-96c3-56dc-875e-e5227324267b""#)], &["E parent_ref reference-type"]),
        (&[Set("child_refs", r#"["file--41582d78-96c3-56dc-875e-e5227324267b"]"#)], &["E child_refs[0] reference-type"]),
        (&[Set("is_hidden", r#""no""#)], &["E is_hidden json-type"]),
    ];
    rows(PROCESS, &[], table);
    // Every process id MUST be a UUIDv4 (no ID contributing properties).
    check_patched(
        PROCESS,
        &[Set(
            "id",
            r#""process--07bc30ad-e5ab-5b23-a6f1-8c5a3e2bd4cf""#,
        )],
        &["E id uuid-version"],
    );
}

const PROCESS_WITH_EXTENSIONS: &str = r#"{
    "type": "process",
    "spec_version": "2.1",
    "id": "process--f52a906a-0dfc-40bd-92f1-e7778ead38a9",
    "pid": 2217,
    "command_line": "C:\\Windows\\System32\\sirvizio.exe /s",
    "image_ref": "file--41582d78-96c3-56dc-875e-e5227324267b",
    "extensions": {
        "windows-process-ext": {
            "aslr_enabled": true,
            "dep_enabled": true,
            "priority": "HIGH_PRIORITY_CLASS",
            "owner_sid": "S-1-5-21-186985262-1144665072-74031268-1309",
            "window_title": "sirvizio",
            "startup_info": {"lpDesktop": "WinSta0\\Default", "dwFlags": 1},
            "integrity_level": "high"
        },
        "windows-service-ext": {
            "service_name": "sirvizio",
            "descriptions": ["Sirvizio"],
            "display_name": "Sirvizio",
            "group_name": "LocalService",
            "start_type": "SERVICE_AUTO_START",
            "service_dll_refs": ["file--41582d78-96c3-56dc-875e-e5227324267b"],
            "service_type": "SERVICE_WIN32_OWN_PROCESS",
            "service_status": "SERVICE_RUNNING"
        }
    }
}"#;

#[test]
fn process_extensions() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        // windows-process-ext (§6.13.2)
        (&[Set("extensions.windows-process-ext", "{}")], &["E extensions.windows-process-ext at-least-one-of"]),
        (&[Set("extensions.windows-process-ext.priority", r#""HIGH""#)], &["W extensions.windows-process-ext.priority windows-process-priority-format"]),
        (&[Set("extensions.windows-process-ext.integrity_level", r#""untrusted""#)], &["E extensions.windows-process-ext.integrity_level enum-value"]),
        (&[Set("extensions.windows-process-ext.aslr_enabled", r#""true""#)], &["E extensions.windows-process-ext.aslr_enabled json-type"]),
        (&[Set("extensions.windows-process-ext.startup_info", "{}")], &["E extensions.windows-process-ext.startup_info empty-value"]),
        // The markdown specification's misspelling is not a property.
        (&[Set("extensions.windows-process-ext.windows_title", r#""x""#)], &["W extensions.windows-process-ext.windows_title custom-property"]),
        // windows-service-ext (§6.13.3)
        (&[Set("extensions.windows-service-ext", "{}")], &["E extensions.windows-service-ext at-least-one-of"]),
        (&[Set("extensions.windows-service-ext.start_type", r#""SERVICE_LAZY""#)], &["E extensions.windows-service-ext.start_type enum-value"]),
        (&[Set("extensions.windows-service-ext.service_type", r#""SERVICE_DRIVER""#)], &["E extensions.windows-service-ext.service_type enum-value"]),
        (&[Set("extensions.windows-service-ext.service_status", r#""RUNNING""#)], &["E extensions.windows-service-ext.service_status enum-value"]),
        (&[Set("extensions.windows-service-ext.service_dll_refs", r#"["artifact--6f437177-6e48-5cf8-9d9e-872a2bddd641"]"#)], &["E extensions.windows-service-ext.service_dll_refs[0] reference-type"]),
        (&[Set("extensions.windows-service-ext.descriptions", "[]")], &["E extensions.windows-service-ext.descriptions empty-value"]),
    ];
    rows(PROCESS_WITH_EXTENSIONS, &[], table);
}

const SOFTWARE: &str = r#"{
    "type": "software",
    "spec_version": "2.1",
    "id": "software--710b0b41-d4d0-5d6c-a400-fc9254554ffc",
    "name": "Word",
    "cpe": "cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*",
    "languages": ["en", "de-CH", "zh-Hant"],
    "vendor": "Microsoft",
    "version": "2002"
}"#;

#[test]
fn software() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("name")], &["E name required-property"]),
        (&[Set("swid", r#""com.microsoft.word-2002""#)], &[]),
        (&[Set("cpe", r#""cpe:2.3:o:microsoft:windows_10:1607:*:*:*:*:*:x64:*""#)], &[]),
        (&[Set("cpe", r#""cpe:2.3:a:microsoft:internet_explorer:8.0.6001:beta:*:*:*:*:*:*""#)], &[]),
        (&[Set("cpe", r#""cpe:/a:microsoft:word:2000""#)], &["E cpe format"]),
        (&[Set("cpe", r#""cpe:2.3:a:microsoft:word:2000""#)], &["E cpe format"]),
        (&[Set("cpe", r#""cpe:2.3:z:microsoft:word:2000:*:*:*:*:*:*:*""#)], &["E cpe format"]),
        (&[Set("cpe", r#""cpe:2.3:a:microsoft:word 2000:*:*:*:*:*:*:*:*""#)], &["E cpe format"]),
        (&[Set("languages", r#"["en", "en-"]"#)], &["E languages[1] language"]),
        (&[Set("languages", r#"["en_US"]"#)], &["E languages[0] language"]),
        (&[Set("languages", "[]")], &["E languages empty-value"]),
    ];
    rows(
        SOFTWARE,
        &["name", "cpe", "swid", "vendor", "version"],
        table,
    );
}

const USER_ACCOUNT: &str = r#"{
    "type": "user-account",
    "spec_version": "2.1",
    "id": "user-account--f94d689e-707d-58c3-b803-c720bb6ed096",
    "user_id": "1001",
    "account_login": "jdoe",
    "account_type": "unix",
    "display_name": "John Doe",
    "is_service_account": false,
    "is_privileged": false,
    "can_escalate_privs": true,
    "is_disabled": false,
    "account_created": "2016-01-20T12:31:12Z",
    "account_expires": "2018-01-20T12:31:12Z",
    "credential_last_changed": "2016-01-20T14:27:43Z",
    "account_first_login": "2016-01-20T14:26:07Z",
    "account_last_login": "2016-07-22T16:08:28Z",
    "extensions": {
        "unix-account-ext": {
            "gid": 1001,
            "groups": ["wheel"],
            "home_dir": "/home/jdoe",
            "shell": "/bin/bash"
        }
    }
}"#;

#[test]
fn user_account() {
    let only_id = r#"{"type":"user-account","spec_version":"2.1","id":"user-account--2ba8b5a1-8e2f-4c1d-9a3e-5f1c0b7d4e21"}"#;
    check(only_id, &["E  at-least-one-of"]);
    check(
        &patched(
            only_id,
            &[Set(
                "extensions",
                r#"{"unix-account-ext":{"shell":"/bin/sh"}}"#,
            )],
        ),
        &[],
    );
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Set("account_type", r#""gitlab""#)], &["W account_type account-type"]),
        (&[Set("account_type", r#""Windows Local""#)], &["W account_type account-type", "W account_type open-vocab-format"]),
        (&[Set("account_created", r#""2016-01-20""#)], &["E account_created timestamp"]),
        (&[Set("account_last_login", "0")], &["E account_last_login json-type"]),
        (&[Set("is_privileged", "0")], &["E is_privileged json-type"]),
        (&[Set("credential", r#""Password1""#)], &[]),
        // unix-account-ext (§6.16.2)
        (&[Set("extensions.unix-account-ext", "{}")], &["E extensions.unix-account-ext at-least-one-of"]),
        (&[Set("extensions.unix-account-ext.gid", r#""1001""#)], &["E extensions.unix-account-ext.gid json-type"]),
        (&[Set("extensions.unix-account-ext.groups", "[]")], &["E extensions.unix-account-ext.groups empty-value"]),
        (&[Set("extensions", r#"{"windows-service-ext":{"service_name":"x"}}"#)], &["E extensions.windows-service-ext extension"]),
    ];
    rows(
        USER_ACCOUNT,
        &["account_type", "user_id", "account_login"],
        table,
    );
}

const WINDOWS_REGISTRY_KEY: &str = r#"{
    "type": "windows-registry-key",
    "spec_version": "2.1",
    "id": "windows-registry-key--15b45fa3-ea40-5e31-b915-f8da5cbcc7eb",
    "key": "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Run",
    "values": [
        {"name": "", "data": "C:\\Program Files\\Acme\\acme.exe", "data_type": "REG_SZ"},
        {"name": "Updater", "data": "%APPDATA%\\upd.exe", "data_type": "REG_EXPAND_SZ"}
    ],
    "modified_time": "2018-01-20T12:31:12Z",
    "creator_user_ref": "user-account--f94d689e-707d-58c3-b803-c720bb6ed096",
    "number_of_subkeys": 2
}"#;

#[test]
fn windows_registry_key() {
    let only_id = r#"{"type":"windows-registry-key","spec_version":"2.1","id":"windows-registry-key--2ba8b5a1-8e2f-4c1d-9a3e-5f1c0b7d4e21"}"#;
    check(only_id, &["E  at-least-one-of"]);
    check(&patched(only_id, &[Set("number_of_subkeys", "0")]), &[]);
    check(
        &patched(
            only_id,
            &[Set(
                "extensions",
                r#"{"x-acme-ext":{"hive_file":"NTUSER.DAT"}}"#,
            )],
        ),
        &["E  at-least-one-of", "W extensions.x-acme-ext extension"],
    );
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Set("key", r#""HKLM\\SOFTWARE\\Microsoft""#)], &["E key format"]),
        (&[Set("key", r#""hkcu\\Software""#)], &["E key format"]),
        (&[Set("key", r#""HKCR""#)], &["E key format"]),
        (&[Set("key", r#""HKU\\S-1-5-18""#)], &["E key format"]),
        (&[Set("key", r#""HKCC\\System""#)], &["E key format"]),
        (&[Set("key", r#""hkey_current_user\\Software""#)], &[]),
        (&[Set("key", r#""HKEY_USERS""#)], &[]),
        (&[Set("key", r#""SOFTWARE\\Microsoft""#)], &["W key format"]),
        (&[Set("values", r#"[{}]"#)], &["E values[0] at-least-one-of"]),
        (&[Set("values", r#"[{"name": "x", "data_type": "REG_STRING"}]"#)], &["E values[0].data_type enum-value"]),
        (&[Set("values", r#"[{"data": "1"}]"#)], &[]),
        (&[Set("values", "[]")], &["E values empty-value"]),
        (&[Set("creator_user_ref", r#""identity--311b2d2d-f010-4473-83ec-1edf84858f4c""#)], &["E creator_user_ref reference-type"]),
        (&[Set("modified", r#""2018-01-20T12:31:12.000Z""#)], &["E modified property-not-applicable"]),
        (&[Set("number_of_subkeys", r#""2""#)], &["E number_of_subkeys json-type"]),
    ];
    rows(WINDOWS_REGISTRY_KEY, &["key", "values"], table);
}

const X509_CERTIFICATE: &str = r#"{
    "type": "x509-certificate",
    "spec_version": "2.1",
    "id": "x509-certificate--59845c6e-5bc3-5851-b30e-b0db523a174b",
    "is_self_signed": false,
    "hashes": {"SHA-256": "9ecf1a9d9e7b2f5be3d2d2a6e7c55bd4c3b0e7b1f7f1d0a2c5b8e3f0a1b2c3d4"},
    "version": "3",
    "serial_number": "36:f7:d4:32:f4:ab:70:ea:d3:ce:98:6e:ea:99:93:49:32:0a:b7:06",
    "signature_algorithm": "md5WithRSAEncryption",
    "issuer": "C=ZA, ST=Western Cape, L=Cape Town, O=Thawte Consulting cc, OU=Certification Services Division, CN=Thawte Server CA/emailAddress=server-certs@thawte.com",
    "validity_not_before": "2016-03-12T12:00:00Z",
    "validity_not_after": "2016-08-21T12:00:00Z",
    "subject": "C=US, ST=Maryland, L=Baltimore, O=John Doe, OU=ExampleCorp, CN=www.example.com/emailAddress=john@example.com",
    "subject_public_key_algorithm": "rsaEncryption",
    "subject_public_key_modulus": "00:b1:2e:bf:71:d3:b5",
    "subject_public_key_exponent": 65537,
    "x509_v3_extensions": {
        "basic_constraints": "critical,CA:TRUE, pathlen:0",
        "name_constraints": "permitted;IP:192.168.0.0/255.255.0.0",
        "key_usage": "critical, keyCertSign",
        "extended_key_usage": "critical,codeSigning,1.2.3.4",
        "subject_key_identifier": "hash",
        "authority_key_identifier": "keyid,issuer",
        "subject_alternative_name": "email:my@other.address,RID:1.2.3.4",
        "private_key_usage_period_not_before": "2016-03-12T12:00:00Z",
        "private_key_usage_period_not_after": "2018-03-12T12:00:00Z",
        "certificate_policies": "1.2.4.5, 1.1.3.4"
    }
}"#;

#[test]
fn x509_certificate() {
    let only_id = r#"{"type":"x509-certificate","spec_version":"2.1","id":"x509-certificate--2ba8b5a1-8e2f-4c1d-9a3e-5f1c0b7d4e21"}"#;
    check(only_id, &["E  at-least-one-of"]);
    check(
        &patched(only_id, &[Set("defanged", "false")]),
        &["E  at-least-one-of"],
    );
    check(&patched(only_id, &[Set("is_self_signed", "true")]), &[]);
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Set("subject_public_key_exponent", r#""65537""#)], &["E subject_public_key_exponent json-type"]),
        (&[Set("validity_not_after", r#""2016-08-21""#)], &["E validity_not_after timestamp"]),
        (&[Set("version", "3")], &["E version json-type"]),
        (&[Set("x509_v3_extensions", "{}")], &["E x509_v3_extensions at-least-one-of"]),
        (&[Set("x509_v3_extensions", r#"{"inhibit_any_policy": 2}"#)], &["E x509_v3_extensions.inhibit_any_policy json-type"]),
        (&[Set("x509_v3_extensions", r#"{"private_key_usage_period_not_after": "soon"}"#)], &["E x509_v3_extensions.private_key_usage_period_not_after timestamp"]),
        (&[Set("x509_v3_extensions", r#""CA:TRUE""#)], &["E x509_v3_extensions json-type"]),
        (&[Set("hashes", r#"{"SHA-1": "1234"}"#)], &["E hashes.SHA-1 hash-value"]),
    ];
    rows(X509_CERTIFICATE, &["hashes", "serial_number"], table);
}

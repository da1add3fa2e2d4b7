//! STIX Cyber-observable Objects (§6): one realistic base object per type and
//! per predefined extension, and a table of rows per type.
//!
//! SCO ids are deterministic (UUIDv5 over the ID contributing properties),
//! so a row that changes a contributing property would also change the
//! expected id. [`rows`] recomputes the id of every patched object from the
//! contributing properties the row table names, so each row shows only the
//! rule under test; the base objects carry their ids literally (most are the
//! verified vectors of the reference's B.3), which checks the validator's own
//! contributing lists, and dedicated rows show the `deterministic-id` and
//! `uuid-version` findings.

use liaison_stix::json::{Value, parse};
use liaison_stix::scoid::deterministic_uuid;

use crate::kit::*;

mod email;
mod file;
mod host;
mod network;

/// A row: patches to the base object, and the exact findings.
pub type Row<'a> = (&'a [Patch<'a>], &'a [&'a str]);

/// The id used when a patched SCO has none of its contributing properties
/// (it must then be a UUIDv4).
const V4: &str = "2ba8b5a1-8e2f-4c1d-9a3e-5f1c0b7d4e21";

/// `json` with its `id` recomputed from `contributing`.
pub fn with_deterministic_id(json: &str, contributing: &[&str]) -> String {
    let mut value = parse(json).unwrap().into_owned();
    let obj = value.as_object_mut().unwrap();
    let type_name = obj.get("type").and_then(Value::as_str).unwrap().to_owned();
    let uuid = match deterministic_uuid(obj, contributing) {
        Some(Ok(uuid)) => uuid.to_string(),
        None => V4.to_owned(),
        Some(Err(_)) => return json.to_owned(),
    };
    obj.insert("id", Value::string(format!("{type_name}--{uuid}")));
    value.to_json_string()
}

/// Checks that `base` is clean, then every row against it, recomputing the
/// id of each patched object from `contributing`.
#[track_caller]
pub fn rows(base: &str, contributing: &[&str], rows: &[Row<'_>]) {
    clean(base);
    for (patches, expected) in rows {
        check(
            &with_deterministic_id(&patched(base, patches), contributing),
            expected,
        );
    }
}

/// The deterministic-id vectors of the reference (B.3), as minimal objects.
#[test]
fn deterministic_id_vectors() {
    let vectors: &[(&str, &[&str])] = &[
        (
            r#"{"type":"ipv4-addr","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"}"#,
            &[],
        ),
        (
            r#"{"type":"domain-name","id":"domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7","value":"example.com"}"#,
            &[],
        ),
        (
            r#"{"type":"email-addr","id":"email-addr--6deb37bd-12b7-54ae-805f-5f7146f3d171","value":"jdoe@example.com"}"#,
            &[],
        ),
        (
            r#"{"type":"email-addr","id":"email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934","value":"john@example.com"}"#,
            &[],
        ),
        (
            r#"{"type":"autonomous-system","id":"autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff","number":15139}"#,
            &[],
        ),
        (
            r#"{"type":"ipv6-addr","id":"ipv6-addr--85a85a8c-ee99-5722-946d-3c3a3270fc6f","value":"2001:0db8:85a3:0000:0000:8a2e:0370:7334"}"#,
            &[],
        ),
        (
            r#"{"type":"mac-addr","id":"mac-addr--757b1725-9903-54f5-a855-1240691d7659","value":"d2:fb:49:24:37:18"}"#,
            &[],
        ),
        (
            r#"{"type":"url","id":"url--47c3cf9a-5027-5bf0-997a-017c7edc7c55","value":"https://example.com/research/index.html"}"#,
            &[],
        ),
        (
            r#"{"type":"file","id":"file--813025ad-e822-51fb-abe4-ea63d8928de6","name":"a.exe","hashes":{"SHA-256":"effb46bba03f6c8aea5c653f9cf984f170dcdd3bbbe2ff6843c3e5da0e698766","MD5":"3773a88f65a5e780c8dff9cdc3a056f3"}}"#,
            &[],
        ),
        (
            r#"{"type":"file","id":"file--41582d78-96c3-56dc-875e-e5227324267b","name":"foo.dll"}"#,
            &[],
        ),
        (
            r#"{"type":"file","id":"file--af406104-9ab8-57c7-9f8e-0898240d684a","name":"quêry.dll","hashes":{"SHA-256":"effb46bba03f6c8aea5c653f9cf984f170dcdd3bbbe2ff6843c3e5da0e698766"}}"#,
            &[],
        ),
        (
            r#"{"type":"file","id":"file--2e202cb3-6639-5fa4-8700-57ad24b9e246","hashes":{"MD5":"3773a88f65a5e780c8dff9cdc3a056f3"},"extensions":{"ntfs-ext":{"sid":"1234567"}}}"#,
            &[],
        ),
        (
            r#"{"type":"software","id":"software--710b0b41-d4d0-5d6c-a400-fc9254554ffc","name":"Word","cpe":"cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*","vendor":"Microsoft","version":"2002"}"#,
            &[],
        ),
        (
            r#"{"type":"user-account","id":"user-account--f94d689e-707d-58c3-b803-c720bb6ed096","account_login":"jdoe","account_type":"unix","user_id":"1001"}"#,
            &[],
        ),
        (
            r#"{"type":"network-traffic","id":"network-traffic--c9361847-2b4b-5400-8b25-bbd72608abf8","dst_port":80,"protocols":["ipv4","tcp"],"src_ref":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"}"#,
            &["W src_port network-traffic-ports"],
        ),
        (
            r#"{"type":"windows-registry-key","id":"windows-registry-key--1884b770-b679-522a-a9c7-45fadaaec7bb","key":"HKEY_LOCAL_MACHINE\\System\\Foo\\Bar"}"#,
            &[],
        ),
        (
            r#"{"type":"x509-certificate","id":"x509-certificate--bf86f034-2390-54d7-8426-d08433db3fbe","serial_number":"36:f7:d4:32:f4:ab:70:ea:d3:ce:98:6e:ea:99:93:49:32:0a:b7:06"}"#,
            &[],
        ),
        (
            r#"{"type":"directory","id":"directory--0a58d0c1-59e6-5afd-8252-dcd3f13e5622","path":"C:\\Windows\\System32"}"#,
            &[],
        ),
    ];
    for (json, expected) in vectors {
        check(json, expected);
    }
}

/// The id rules every SCO shares, shown on `mutex` and `process`.
#[test]
fn id_rules() {
    // A v5 id that is not the one its contributing properties give.
    check(
        r#"{"type":"mutex","id":"mutex--eba44954-d4e4-5d3b-814c-2b17dd8de300","name":"__CLEANSWEEP__"}"#,
        &["W id deterministic-id"],
    );
    // A v4 id where a deterministic one is possible is also a warning.
    check(
        r#"{"type":"mutex","id":"mutex--2ba8b5a1-8e2f-4c1d-9a3e-5f1c0b7d4e21","name":"__CLEANSWEEP__"}"#,
        &["W id deterministic-id"],
    );
    // process has no contributing properties: its id MUST be a UUIDv4.
    check(
        r#"{"type":"process","id":"process--07bc30ad-e5ab-5b23-a6f1-8c5a3e2bd4cf","pid":1221}"#,
        &["E id uuid-version"],
    );
    // So must an SCO whose contributing properties are all absent.
    check(
        r#"{"type":"user-account","id":"user-account--f94d689e-707d-58c3-b803-c720bb6ed096","display_name":"J. Doe"}"#,
        &["E id uuid-version"],
    );
    check(
        r#"{"type":"user-account","id":"user-account--2ba8b5a1-8e2f-4c1d-9a3e-5f1c0b7d4e21","display_name":"J. Doe"}"#,
        &[],
    );
    check(
        r#"{"type":"mutex","id":"file--2ba8b5a1-8e2f-4c1d-9a3e-5f1c0b7d4e21","name":"m"}"#,
        &["E id identifier"],
    );
}

/// Common properties as they apply to SCOs (§3.2 applicability matrix).
#[test]
fn sco_common_properties() {
    let base = r#"{"type":"mutex","spec_version":"2.1","id":"mutex--f93fe911-e545-5239-b9b0-597840d0c871","name":"__CLEANSWEEP__"}"#;
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("spec_version")], &[]),
        (&[Set("defanged", "true")], &[]),
        (&[Set("defanged", r#""yes""#)], &["E defanged json-type"]),
        (&[Set("object_marking_refs", r#"["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]"#)], &[]),
        (&[Set("created", r#""2016-05-12T08:17:27.000Z""#)], &["E created property-not-applicable"]),
        (&[Set("labels", r#"["x"]"#)], &["E labels property-not-applicable"]),
        (&[Set("created_by_ref", r#""identity--311b2d2d-f010-4473-83ec-1edf84858f4c""#)], &["E created_by_ref property-not-applicable"]),
        (&[Set("external_references", r#"[{"source_name":"x","external_id":"1"}]"#)], &["E external_references property-not-applicable"]),
        (&[Set("x_acme_seen", "1")], &["W x_acme_seen custom-property"]),
        (&[Set("extensions", r#"{"archive-ext":{"contains_refs":["file--41582d78-96c3-56dc-875e-e5227324267b"]}}"#)], &["E extensions.archive-ext extension"]),
        (&[Set("extensions", r#"{"x-acme-ext":{"rank":1}}"#)], &["W extensions.x-acme-ext extension"]),
    ];
    rows(base, &["name"], table);
}

/// Examples of the specification, verbatim (their ids are deterministic too,
/// `extensions` included, except where noted).
#[test]
fn spec_examples() {
    let examples: &[(&str, &[&str])] = &[
        // NTFS file with a single alternate data stream (§6.7.3).
        (
            r#"{"type":"file","spec_version":"2.1","id":"file--ba04c974-3cef-5f42-adc7-084d467874e2","hashes":{"SHA-256":"35a01331e9ad96f751278b891b6ea09699806faedfa237d40513d92ad1b7100f"},"extensions":{"ntfs-ext":{"alternate_data_streams":[{"name":"second.stream","size":25536}]}}}"#,
            &[],
        ),
        // Basic PDF file (§6.7.4).
        (
            r#"{"type":"file","spec_version":"2.1","id":"file--965aa96f-d90a-506a-8317-d38d44b235f9","name":"example.pdf","extensions":{"pdf-ext":{"version":"1.7","document_info_dict":{"Title":"Sample document","Author":"Adobe Systems Incorporated","Creator":"Adobe FrameMaker 5.5.3 for Power Macintosh","Producer":"Acrobat Distiller 3.01 for Power Macintosh","CreationDate":"20070412090123-02"},"pdfid0":"DFCE52BD827ECF765649852119D","pdfid1":"57A1E0F9ED2AE523E313C"}}}"#,
            &[],
        ),
        // Simple image file with EXIF data (§6.7.5).
        (
            r#"{"type":"file","spec_version":"2.1","id":"file--66772174-3442-5e0d-b577-4bd7be55fb87","name":"picture.jpg","hashes":{"SHA-256":"4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877"},"extensions":{"raster-image-ext":{"exif_tags":{"Make":"Nikon","Model":"D7000","XResolution":4928,"YResolution":3264}}}}"#,
            &[],
        ),
        // Typical EXE file (§6.7.6).
        (
            r#"{"type":"file","spec_version":"2.1","id":"file--9af228db-9a04-5787-ad43-ccadc137a0e2","name":"example.exe","extensions":{"windows-pebinary-ext":{"pe_type":"exe","machine_hex":"014c","number_of_sections":4,"time_date_stamp":"2016-01-22T12:31:12Z","pointer_to_symbol_table_hex":"74726144","number_of_symbols":4542568,"size_of_optional_header":224,"characteristics_hex":"818f","optional_header":{"magic_hex":"010b","major_linker_version":2,"minor_linker_version":25,"size_of_code":512,"size_of_initialized_data":283648,"size_of_uninitialized_data":0,"address_of_entry_point":4096,"base_of_code":4096,"base_of_data":8192,"image_base":14548992,"section_alignment":4096,"file_alignment":4096,"major_os_version":1,"minor_os_version":0,"major_image_version":0,"minor_image_version":0,"major_subsystem_version":4,"minor_subsystem_version":0,"win32_version_value_hex":"00","size_of_image":299008,"size_of_headers":4096,"checksum_hex":"00","subsystem_hex":"03","dll_characteristics_hex":"00","size_of_stack_reserve":100000,"size_of_stack_commit":8192,"size_of_heap_reserve":100000,"size_of_heap_commit":4096,"loader_flags_hex":"abdbffde","number_of_rva_and_sizes":3758087646},"sections":[{"name":"CODE","entropy":0.061089},{"name":"DATA","entropy":7.980693},{"name":"NicolasB","entropy":0.607433},{"name":".idata","entropy":0.607433}]}}}"#,
            &[],
        ),
        // Basic HTTP request (§6.12.2): no ports, and an id the algorithm does not give.
        (
            r#"[{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--165070a8-c561-58a8-8659-fce2f255c2c0","value":"198.51.100.53"},{"type":"network-traffic","spec_version":"2.1","id":"network-traffic--fdd6dbda-a206-52fe-b19b-64d908748850","dst_ref":"ipv4-addr--165070a8-c561-58a8-8659-fce2f255c2c0","protocols":["tcp","http"],"extensions":{"http-request-ext":{"request_method":"get","request_value":"/download.html","request_version":"http/1.1","request_header":{"Accept-Encoding":["gzip,deflate"],"User-Agent":["Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.6) Gecko/20040113"],"Host":["www.example.com"]}}}}]"#,
            &[
                "W [1].src_port network-traffic-ports",
                "W [1].dst_port network-traffic-ports",
                "W [1].id deterministic-id",
            ],
        ),
        // Basic Windows process (§6.13.2).
        (
            r#"{"type":"process","spec_version":"2.1","id":"process--65a99d8a-e5b2-44bb-8311-963a580ee9a1","pid":314,"extensions":{"windows-process-ext":{"aslr_enabled":true,"dep_enabled":true,"priority":"HIGH_PRIORITY_CLASS","owner_sid":"S-1-5-21-186985262-1144665072-74031268-1309"}}}"#,
            &[],
        ),
        // Registry key with values (§6.17).
        (
            r#"{"type":"windows-registry-key","spec_version":"2.1","id":"windows-registry-key--f6a11ddf-fa2b-54c8-97ab-e7f28413095a","key":"hkey_local_machine\\system\\bar\\foo","values":[{"name":"Foo","data":"qwerty","data_type":"REG_SZ"},{"name":"Bar","data":"42","data_type":"REG_DWORD"}]}"#,
            &[],
        ),
    ];
    for (json, expected) in examples {
        check(json, expected);
    }
}

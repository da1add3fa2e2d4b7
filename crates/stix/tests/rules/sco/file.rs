//! `artifact`, `directory`, `file` and the file extensions (§6.1, §6.3, §6.7).

use super::{Row, rows};
use crate::kit::*;

const ARTIFACT: &str = r#"{
    "type": "artifact",
    "spec_version": "2.1",
    "id": "artifact--f4606527-1068-5642-8f30-6315ae8c8de9",
    "mime_type": "application/zip",
    "payload_bin": "UEsDBBQAAAAIAA==",
    "hashes": {"SHA-256": "4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877"},
    "encryption_algorithm": "mime-type-indicated",
    "decryption_key": "infected"
}"#;

const ARTIFACT_IDC: &[&str] = &["hashes", "payload_bin"];

#[test]
fn artifact() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("payload_bin")], &["E  at-least-one-of"]),
        (&[Set("url", r#""https://samples.example.org/4bac2739.zip""#)], &["E url mutually-exclusive"]),
        (&[Remove("payload_bin"), Set("url", r#""https://samples.example.org/4bac2739.zip""#)], &[]),
        (&[Remove("payload_bin"), Remove("hashes"), Set("url", r#""https://samples.example.org/4bac2739.zip""#)], &["E url property-dependency"]),
        (&[Remove("payload_bin"), Set("url", r#""samples.example.org/4bac2739.zip""#)], &["E url format"]),
        (&[Set("payload_bin", r#""UEsDBBQAAAAIAA=""#)], &["E payload_bin format"]),
        (&[Remove("encryption_algorithm")], &["E decryption_key property-dependency"]),
        (&[Remove("encryption_algorithm"), Remove("decryption_key")], &[]),
        (&[Set("encryption_algorithm", r#""AES-128-CBC""#)], &["E encryption_algorithm enum-value"]),
        (&[Set("encryption_algorithm", r#""ChaCha20-Poly1305""#)], &[]),
        (&[Set("mime_type", r#""zip""#)], &["E mime_type format"]),
        (&[Set("mime_type", r#""application/zip archive""#)], &["E mime_type format"]),
        (&[Set("mime_type", r#""archive/zip""#)], &["W mime_type mime-type"]),
        (&[Set("mime_type", r#""text/plain; charset=utf-8""#)], &["W mime_type mime-type"]),
        (&[Set("mime_type", r#""image/jpeg""#)], &[]),
        (&[Set("hashes", r#"{"SHA-256": "4bac"}"#)], &["E hashes.SHA-256 hash-value"]),
        (&[Set("hashes", "{}")], &["E hashes empty-value"]),
    ];
    rows(ARTIFACT, ARTIFACT_IDC, table);
    // Without hashes or payload_bin an artifact has no contributing
    // properties, so a UUIDv5 id is an error.
    check_patched(
        ARTIFACT,
        &[
            Remove("payload_bin"),
            Remove("hashes"),
            Set("url", r#""https://x.example/a""#),
        ],
        &["E url property-dependency", "E id uuid-version"],
    );
}

const DIRECTORY: &str = r#"{
    "type": "directory",
    "spec_version": "2.1",
    "id": "directory--0a58d0c1-59e6-5afd-8252-dcd3f13e5622",
    "path": "C:\\Windows\\System32",
    "path_enc": "windows-1252",
    "ctime": "2014-08-26T16:38:47Z",
    "mtime": "2021-01-12T09:00:01.123Z",
    "atime": "2024-03-01T12:00:00Z",
    "contains_refs": [
        "file--41582d78-96c3-56dc-875e-e5227324267b",
        "directory--2ba8b5a1-8e2f-4c1d-9a3e-5f1c0b7d4e21"
    ]
}"#;

#[test]
fn directory() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("path")], &["E path required-property", "E path_enc property-dependency"]),
        (&[Remove("path_enc")], &[]),
        (&[Set("path_enc", r#""UTF-16LE""#)], &[]),
        (&[Set("path_enc", r#""utf-16le""#)], &[]),
        (&[Set("path_enc", r#""UTF 16""#)], &["E path_enc format"]),
        (&[Set("path_enc", r#""""#)], &["E path_enc format"]),
        (&[Set("path_enc", r#""latin1""#)], &["E path_enc character-set"]),
        (&[Set("path_enc", r#""ISO_8859-1:1987""#)], &["E path_enc character-set"]),
        (&[Set("path_enc", r#""x-mac-klingon""#)], &["W path_enc character-set"]),
        (&[Set("ctime", r#""2014-08-26""#)], &["E ctime timestamp"]),
        (&[Set("contains_refs", r#"["ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"]"#)], &["E contains_refs[0] reference-type"]),
        (&[Set("contains_refs", "[]")], &["E contains_refs empty-value"]),
        (&[Set("path", "42")], &["E path json-type"]),
    ];
    rows(DIRECTORY, &["path"], table);
}

const FILE: &str = r#"{
    "type": "file",
    "spec_version": "2.1",
    "id": "file--813025ad-e822-51fb-abe4-ea63d8928de6",
    "hashes": {
        "SHA-256": "effb46bba03f6c8aea5c653f9cf984f170dcdd3bbbe2ff6843c3e5da0e698766",
        "MD5": "3773a88f65a5e780c8dff9cdc3a056f3"
    },
    "size": 25536,
    "name": "a.exe",
    "name_enc": "UTF-8",
    "magic_number_hex": "4d5a",
    "mime_type": "application/vnd.microsoft.portable-executable",
    "ctime": "2018-11-23T08:17:27.000Z",
    "mtime": "2018-11-23T08:17:27.000Z",
    "atime": "2018-11-23T08:17:27.000Z",
    "contains_refs": ["ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4"],
    "content_ref": "artifact--6f437177-6e48-5cf8-9d9e-872a2bddd641"
}"#;

const FILE_IDC: &[&str] = &["hashes", "name", "extensions", "parent_directory_ref"];

#[test]
fn file() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        (&[Remove("hashes")], &[]),
        (&[Remove("name"), Remove("name_enc")], &[]),
        (&[Remove("hashes"), Remove("name"), Remove("name_enc")], &["E  at-least-one-of"]),
        (&[Remove("name")], &["E name_enc property-dependency"]),
        (&[Set("size", "-1")], &["E size out-of-range"]),
        (&[Set("size", "0")], &[]),
        (&[Set("size", "1.5")], &["E size json-type"]),
        (&[Set("name_enc", r#""windows-1251""#)], &[]),
        (&[Set("name_enc", r#""cp1251""#)], &["W name_enc character-set"]),
        (&[Set("name_enc", r#""cswindows1251""#)], &["E name_enc character-set"]),
        (&[Set("name_enc", r#""Shift JIS""#)], &["E name_enc format"]),
        (&[Set("name_enc", r#""abcdefghijklmnopqrstuvwxyz0123456789ABCDE""#)], &["E name_enc format"]),
        (&[Set("magic_number_hex", r#""4D5A""#)], &["W magic_number_hex format"]),
        (&[Set("magic_number_hex", r#""4d5""#)], &["E magic_number_hex format"]),
        (&[Set("mime_type", r#""application/x-msdownload""#)], &[]),
        (&[Set("mime_type", r#""executable""#)], &["E mime_type format"]),
        (&[Set("mime_type", r#""exe/pe""#)], &["W mime_type mime-type"]),
        (&[Set("parent_directory_ref", r#""directory--0a58d0c1-59e6-5afd-8252-dcd3f13e5622""#)], &[]),
        (&[Set("parent_directory_ref", r#""file--41582d78-96c3-56dc-875e-e5227324267b""#)], &["E parent_directory_ref reference-type"]),
        (&[Set("content_ref", r#""file--41582d78-96c3-56dc-875e-e5227324267b""#)], &["E content_ref reference-type"]),
        (&[Set("contains_refs", r#"["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]"#)], &["E contains_refs[0] reference-type"]),
        (&[Set("contains_refs", r#"["x-acme-blob--2ba8b5a1-8e2f-4c1d-9a3e-5f1c0b7d4e21"]"#)], &[]),
        (&[Set("mtime", r#""2018-13-23T08:17:27Z""#)], &["E mtime timestamp"]),
        (&[Set("extensions", r#"{"windows-process-ext":{"aslr_enabled":true}}"#)], &["E extensions.windows-process-ext extension"]),
    ];
    rows(FILE, FILE_IDC, table);
    // The contributing properties decide the id (B.3: one hash, MD5 first).
    check_patched(
        FILE,
        &[Set("name", r#""b.exe""#)],
        &["W id deterministic-id"],
    );
    check_patched(FILE, &[Set("size", "1")], &[]);
}

/// A file with all five file extensions (each in its own realistic shape).
const FILE_WITH_EXTENSIONS: &str = r#"{
    "type": "file",
    "spec_version": "2.1",
    "id": "file--9d73fb41-7dfb-52e1-8e5b-2aeb0a52fe5b",
    "hashes": {"SHA-256": "6f1c3b1d9bb19ed2a9b8b2f1c70ba5ad5e4e7c3e0aa6e7ff1ba5c4a51c8b1d2e"},
    "name": "invoice.pdf",
    "extensions": {
        "archive-ext": {
            "contains_refs": ["file--41582d78-96c3-56dc-875e-e5227324267b"],
            "comment": "packed by the dropper"
        },
        "ntfs-ext": {
            "sid": "S-1-5-21-1004336348-1177238915-682003330-512",
            "alternate_data_streams": [
                {"name": "second.stream", "size": 25536, "hashes": {"SHA-256": "effb46bba03f6c8aea5c653f9cf984f170dcdd3bbbe2ff6843c3e5da0e698766"}}
            ]
        },
        "pdf-ext": {
            "version": "1.7",
            "is_optimized": false,
            "document_info_dict": {"Title": "Sample document", "Author": "Adobe Systems Incorporated", "Producer": "Acrobat PDFMaker 10.1"},
            "pdfid0": "DFCE52BD827ECF765649852119D",
            "pdfid1": "57A1E0F9ED2AE523E313C"
        },
        "raster-image-ext": {
            "image_height": 768,
            "image_width": 1024,
            "bits_per_pixel": 72,
            "exif_tags": {"Make": "Nikon", "Model": "D7000", "XResolution": 4928, "YResolution": 3264}
        },
        "windows-pebinary-ext": {
            "pe_type": "exe",
            "imphash": "7b4d37dcf6cbb8b0a0a4d0a2e3c2e0f1",
            "machine_hex": "014c",
            "number_of_sections": 4,
            "time_date_stamp": "2016-01-22T12:31:12Z",
            "pointer_to_symbol_table_hex": "74726144",
            "number_of_symbols": 4542568,
            "size_of_optional_header": 224,
            "characteristics_hex": "818f",
            "optional_header": {
                "magic_hex": "010b",
                "major_linker_version": 2,
                "minor_linker_version": 25,
                "size_of_code": 512,
                "size_of_initialized_data": 283648,
                "address_of_entry_point": 4096,
                "image_base": 14548992,
                "section_alignment": 4096,
                "file_alignment": 4096,
                "size_of_image": 299008,
                "size_of_headers": 4096,
                "checksum_hex": "00000000",
                "subsystem_hex": "03",
                "size_of_stack_reserve": 100000,
                "number_of_rva_and_sizes": 16
            },
            "sections": [
                {"name": "CODE", "entropy": 0.061089},
                {"name": "DATA", "entropy": 7.980693, "size": 12288}
            ]
        }
    }
}"#;

#[test]
fn file_extensions() {
    #[rustfmt::skip]
    let table: &[Row<'_>] = &[
        // archive-ext (§6.7.2)
        (&[Remove("extensions.archive-ext.contains_refs")], &["E extensions.archive-ext.contains_refs required-property"]),
        (&[Set("extensions.archive-ext.contains_refs", r#"["directory--0a58d0c1-59e6-5afd-8252-dcd3f13e5622"]"#)], &[]),
        (&[Set("extensions.archive-ext.contains_refs", r#"["artifact--6f437177-6e48-5cf8-9d9e-872a2bddd641"]"#)], &["E extensions.archive-ext.contains_refs[0] reference-type"]),
        (&[Set("extensions.archive-ext.extension_type", r#""property-extension""#)], &["E extensions.archive-ext.extension_type extension", "W extensions.archive-ext.extension_type custom-property"]),
        (&[Set("extensions.archive-ext.x_acme_level", "3")], &["W extensions.archive-ext.x_acme_level custom-property"]),
        // ntfs-ext (§6.7.3)
        (&[Set("extensions.ntfs-ext", "{}")], &["E extensions.ntfs-ext at-least-one-of"]),
        (&[Remove("extensions.ntfs-ext.sid")], &[]),
        (&[Set("extensions.ntfs-ext.alternate_data_streams", r#"[{"size": 1}]"#)], &["E extensions.ntfs-ext.alternate_data_streams[0].name required-property"]),
        (&[Set("extensions.ntfs-ext.alternate_data_streams", r#"[{"name": "s", "size": -1}]"#)], &["E extensions.ntfs-ext.alternate_data_streams[0].size out-of-range"]),
        (&[Set("extensions.ntfs-ext.alternate_data_streams", "[]")], &["E extensions.ntfs-ext.alternate_data_streams empty-value"]),
        // pdf-ext (§6.7.4)
        (&[Set("extensions.pdf-ext", r#"{"x_acme_note": "n"}"#)], &["E extensions.pdf-ext at-least-one-of", "W extensions.pdf-ext.x_acme_note custom-property"]),
        (&[Set("extensions.pdf-ext.is_optimized", r#""no""#)], &["E extensions.pdf-ext.is_optimized json-type"]),
        (&[Set("extensions.pdf-ext.document_info_dict", r#"{"Pages": 3}"#)], &["E extensions.pdf-ext.document_info_dict.Pages json-type"]),
        // raster-image-ext (§6.7.5)
        (&[Set("extensions.raster-image-ext", "{}")], &["E extensions.raster-image-ext at-least-one-of"]),
        (&[Set("extensions.raster-image-ext.exif_tags", r#"{"XResolution": 4928.5}"#)], &["E extensions.raster-image-ext.exif_tags.XResolution json-type"]),
        (&[Set("extensions.raster-image-ext.exif_tags", r#"{"Flash": true}"#)], &["E extensions.raster-image-ext.exif_tags.Flash json-type"]),
        (&[Set("extensions.raster-image-ext.image_width", r#""1024""#)], &["E extensions.raster-image-ext.image_width json-type"]),
        // windows-pebinary-ext (§6.7.6)
        (&[Set("extensions.windows-pebinary-ext", r#"{"pe_type": "dll"}"#)], &["E extensions.windows-pebinary-ext at-least-one-of"]),
        (&[Remove("extensions.windows-pebinary-ext.pe_type")], &["E extensions.windows-pebinary-ext.pe_type required-property"]),
        (&[Set("extensions.windows-pebinary-ext.pe_type", r#""efi""#)], &["W extensions.windows-pebinary-ext.pe_type windows-pebinary-type"]),
        (&[Set("extensions.windows-pebinary-ext.time_date_stamp", r#""2016-01-22T12:31:12.000Z""#)], &["E extensions.windows-pebinary-ext.time_date_stamp timestamp-precision"]),
        (&[Set("extensions.windows-pebinary-ext.number_of_sections", "-4")], &["E extensions.windows-pebinary-ext.number_of_sections out-of-range"]),
        (&[Set("extensions.windows-pebinary-ext.number_of_symbols", "-1")], &["E extensions.windows-pebinary-ext.number_of_symbols out-of-range"]),
        (&[Set("extensions.windows-pebinary-ext.size_of_optional_header", "-1")], &["E extensions.windows-pebinary-ext.size_of_optional_header out-of-range"]),
        (&[Set("extensions.windows-pebinary-ext.machine_hex", r#""x14c""#)], &["E extensions.windows-pebinary-ext.machine_hex format"]),
        (&[Set("extensions.windows-pebinary-ext.file_header_hashes", r#"{"MD5": "xyz"}"#)], &["E extensions.windows-pebinary-ext.file_header_hashes.MD5 hash-value"]),
        (&[Set("extensions.windows-pebinary-ext.optional_header", "{}")], &["E extensions.windows-pebinary-ext.optional_header at-least-one-of"]),
        (&[Set("extensions.windows-pebinary-ext.optional_header.size_of_code", "-512")], &["E extensions.windows-pebinary-ext.optional_header.size_of_code out-of-range"]),
        (&[Set("extensions.windows-pebinary-ext.optional_header.size_of_heap_commit", "-1")], &["E extensions.windows-pebinary-ext.optional_header.size_of_heap_commit out-of-range"]),
        (&[Set("extensions.windows-pebinary-ext.optional_header.image_base", "-1")], &[]),
        (&[Set("extensions.windows-pebinary-ext.sections", r#"[{"entropy": 1.0}]"#)], &["E extensions.windows-pebinary-ext.sections[0].name required-property"]),
        (&[Set("extensions.windows-pebinary-ext.sections", r#"[{"name": "UPX0", "entropy": 8.5}]"#)], &["E extensions.windows-pebinary-ext.sections[0].entropy out-of-range"]),
        (&[Set("extensions.windows-pebinary-ext.sections", r#"[{"name": "UPX0", "size": -1}]"#)], &["E extensions.windows-pebinary-ext.sections[0].size out-of-range"]),
    ];
    rows(FILE_WITH_EXTENSIONS, FILE_IDC, table);
}

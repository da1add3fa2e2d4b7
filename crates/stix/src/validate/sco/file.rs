//! `artifact`, `directory` and `file` (STIX 2.1 §6.1, §6.3, §6.7) with the
//! file extensions: `archive-ext`, `ntfs-ext`, `pdf-ext`, `raster-image-ext`
//! and `windows-pebinary-ext`.

use crate::json::Object;
use crate::validate::ctx::{Ctx, code};
use crate::validate::types::{Def, Kind, Refs, Ty, opt, req};
use crate::validate::vocab;

use super::{INT, NON_NEGATIVE, formats, syntax};

/// `artifact` (§6.1).
pub(super) static ARTIFACT: Def = Def {
    name: "artifact",
    kind: Kind::Sco,
    props: &[
        opt("mime_type", Ty::Str(&formats::MEDIA_TYPE)),
        opt("payload_bin", Ty::Binary),
        opt("url", Ty::Str(&syntax::URL)),
        opt("hashes", Ty::Hashes),
        opt(
            "encryption_algorithm",
            Ty::Enum(&vocab::ENCRYPTION_ALGORITHM),
        ),
        opt("decryption_key", Ty::String),
    ],
    rules: Some(artifact_rules),
    id_contributing: &["hashes", "payload_bin"],
};

fn artifact_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    match (obj.contains_key("payload_bin"), obj.contains_key("url")) {
        (true, true) => ctx.error_at(
            "url",
            code::EXCLUSIVE,
            "must not be present together with payload_bin (artifact)",
        ),
        (false, false) => ctx.error(
            code::AT_LEAST_ONE,
            "must have payload_bin or url (artifact)",
        ),
        _ => {}
    }
    if obj.contains_key("url") && !obj.contains_key("hashes") {
        ctx.error_at(
            "url",
            code::DEPENDENCY,
            "requires hashes of the content it resolves to (artifact)",
        );
    }
    if obj.contains_key("decryption_key") && !obj.contains_key("encryption_algorithm") {
        ctx.error_at(
            "decryption_key",
            code::DEPENDENCY,
            "requires encryption_algorithm (artifact)",
        );
    }
    formats::check_media_type_registry(ctx, obj, "mime_type");
}

/// `directory` (§6.3).
pub(super) static DIRECTORY: Def = Def {
    name: "directory",
    kind: Kind::Sco,
    props: &[
        req("path", Ty::String),
        opt("path_enc", Ty::Str(&formats::CHARSET_NAME)),
        opt("ctime", Ty::Timestamp),
        opt("mtime", Ty::Timestamp),
        opt("atime", Ty::Timestamp),
        opt(
            "contains_refs",
            Ty::List(&Ty::Ref(Refs::Only(&["file", "directory"]))),
        ),
    ],
    rules: Some(directory_rules),
    id_contributing: &["path"],
};

fn directory_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    super::enc_requires_base(ctx, obj, "path_enc", "path", "directory");
    formats::check_charset_registry(ctx, obj, "path_enc");
}

/// `file` (§6.7).
pub(super) static FILE: Def = Def {
    name: "file",
    kind: Kind::Sco,
    props: &[
        opt("hashes", Ty::Hashes),
        opt("size", NON_NEGATIVE),
        opt("name", Ty::String),
        opt("name_enc", Ty::Str(&formats::CHARSET_NAME)),
        opt("magic_number_hex", Ty::Hex),
        opt("mime_type", Ty::Str(&formats::MEDIA_TYPE)),
        opt("ctime", Ty::Timestamp),
        opt("mtime", Ty::Timestamp),
        opt("atime", Ty::Timestamp),
        opt("parent_directory_ref", Ty::Ref(Refs::Only(&["directory"]))),
        opt("contains_refs", Ty::List(&Ty::Ref(Refs::Sco))),
        opt("content_ref", Ty::Ref(Refs::Only(&["artifact"]))),
    ],
    rules: Some(file_rules),
    id_contributing: &["hashes", "name", "extensions", "parent_directory_ref"],
};

fn file_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    if !obj.contains_key("hashes") && !obj.contains_key("name") {
        ctx.error(
            code::AT_LEAST_ONE,
            "must have at least one of hashes, name (file)",
        );
    }
    super::enc_requires_base(ctx, obj, "name_enc", "name", "file");
    formats::check_charset_registry(ctx, obj, "name_enc");
    formats::check_media_type_registry(ctx, obj, "mime_type");
}

/// `archive-ext` (§6.7.2).
pub(super) static ARCHIVE_EXT: Def = Def {
    name: "archive-ext",
    kind: Kind::Extension(&["file"]),
    props: &[
        req(
            "contains_refs",
            Ty::List(&Ty::Ref(Refs::Only(&["file", "directory"]))),
        ),
        opt("comment", Ty::String),
    ],
    rules: None,
    id_contributing: &[],
};

/// `ntfs-ext` (§6.7.3).
pub(super) static NTFS_EXT: Def = Def {
    name: "ntfs-ext",
    kind: Kind::Extension(&["file"]),
    props: &[
        opt("sid", Ty::String),
        opt(
            "alternate_data_streams",
            Ty::List(&ALTERNATE_DATA_STREAM_TY),
        ),
    ],
    rules: Some(|ctx, obj| super::require_any(ctx, obj, &NTFS_EXT, false)),
    id_contributing: &[],
};

static ALTERNATE_DATA_STREAM_TY: Ty = Ty::Struct(&ALTERNATE_DATA_STREAM);

/// `alternate-data-stream-type` (§6.7.3).
static ALTERNATE_DATA_STREAM: Def = Def {
    name: "alternate-data-stream-type",
    kind: Kind::Embedded,
    props: &[
        req("name", Ty::String),
        opt("hashes", Ty::Hashes),
        opt("size", NON_NEGATIVE),
    ],
    rules: None,
    id_contributing: &[],
};

/// `pdf-ext` (§6.7.4).
pub(super) static PDF_EXT: Def = Def {
    name: "pdf-ext",
    kind: Kind::Extension(&["file"]),
    props: &[
        opt("version", Ty::String),
        opt("is_optimized", Ty::Boolean),
        opt("document_info_dict", Ty::DictOf(&Ty::String)),
        opt("pdfid0", Ty::String),
        opt("pdfid1", Ty::String),
    ],
    rules: Some(|ctx, obj| super::require_any(ctx, obj, &PDF_EXT, false)),
    id_contributing: &[],
};

/// `raster-image-ext` (§6.7.5).
pub(super) static RASTER_IMAGE_EXT: Def = Def {
    name: "raster-image-ext",
    kind: Kind::Extension(&["file"]),
    props: &[
        opt("image_height", INT),
        opt("image_width", INT),
        opt("bits_per_pixel", INT),
        opt("exif_tags", Ty::Dict),
    ],
    rules: Some(raster_image_rules),
    id_contributing: &[],
};

fn raster_image_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    super::require_any(ctx, obj, &RASTER_IMAGE_EXT, false);
    super::int_or_string_values(ctx, obj, "exif_tags");
}

/// `windows-pebinary-ext` (§6.7.6).
pub(super) static WINDOWS_PEBINARY_EXT: Def = Def {
    name: "windows-pebinary-ext",
    kind: Kind::Extension(&["file"]),
    props: &[
        req("pe_type", Ty::Vocab(&vocab::WINDOWS_PEBINARY_TYPE)),
        opt("imphash", Ty::String),
        opt("machine_hex", Ty::Hex),
        opt("number_of_sections", NON_NEGATIVE),
        opt("time_date_stamp", Ty::TimestampSeconds),
        opt("pointer_to_symbol_table_hex", Ty::Hex),
        opt("number_of_symbols", NON_NEGATIVE),
        opt("size_of_optional_header", NON_NEGATIVE),
        opt("characteristics_hex", Ty::Hex),
        opt("file_header_hashes", Ty::Hashes),
        opt("optional_header", Ty::Struct(&WINDOWS_PE_OPTIONAL_HEADER)),
        opt("sections", Ty::List(&WINDOWS_PE_SECTION_TY)),
    ],
    rules: Some(pebinary_rules),
    id_contributing: &[],
};

/// At least one property other than the required `pe_type`.
fn pebinary_rules(ctx: &mut Ctx<'_>, obj: &Object<'_>) {
    let others = WINDOWS_PEBINARY_EXT
        .props
        .iter()
        .filter(|p| p.name != "pe_type");
    if !others.clone().any(|p| obj.contains_key(p.name)) {
        let names: Vec<&str> = others.map(|p| p.name).collect();
        ctx.error(
            code::AT_LEAST_ONE,
            format!(
                "must have at least one of {} besides pe_type (windows-pebinary-ext)",
                names.join(", ")
            ),
        );
    }
}

/// `windows-pe-optional-header-type` (§6.7.6.1).
static WINDOWS_PE_OPTIONAL_HEADER: Def = Def {
    name: "windows-pe-optional-header-type",
    kind: Kind::Embedded,
    props: &[
        opt("magic_hex", Ty::Hex),
        opt("major_linker_version", INT),
        opt("minor_linker_version", INT),
        opt("size_of_code", NON_NEGATIVE),
        opt("size_of_initialized_data", NON_NEGATIVE),
        opt("size_of_uninitialized_data", NON_NEGATIVE),
        opt("address_of_entry_point", INT),
        opt("base_of_code", INT),
        opt("base_of_data", INT),
        opt("image_base", INT),
        opt("section_alignment", INT),
        opt("file_alignment", INT),
        opt("major_os_version", INT),
        opt("minor_os_version", INT),
        opt("major_image_version", INT),
        opt("minor_image_version", INT),
        opt("major_subsystem_version", INT),
        opt("minor_subsystem_version", INT),
        opt("win32_version_value_hex", Ty::Hex),
        opt("size_of_image", NON_NEGATIVE),
        opt("size_of_headers", NON_NEGATIVE),
        opt("checksum_hex", Ty::Hex),
        opt("subsystem_hex", Ty::Hex),
        opt("dll_characteristics_hex", Ty::Hex),
        opt("size_of_stack_reserve", NON_NEGATIVE),
        opt("size_of_stack_commit", NON_NEGATIVE),
        opt("size_of_heap_reserve", NON_NEGATIVE),
        opt("size_of_heap_commit", NON_NEGATIVE),
        opt("loader_flags_hex", Ty::Hex),
        opt("number_of_rva_and_sizes", INT),
        opt("hashes", Ty::Hashes),
    ],
    rules: Some(|ctx, obj| super::require_any(ctx, obj, &WINDOWS_PE_OPTIONAL_HEADER, false)),
    id_contributing: &[],
};

static WINDOWS_PE_SECTION_TY: Ty = Ty::Struct(&WINDOWS_PE_SECTION);

/// `windows-pe-section-type` (§6.7.6.2).
static WINDOWS_PE_SECTION: Def = Def {
    name: "windows-pe-section-type",
    kind: Kind::Embedded,
    props: &[
        req("name", Ty::String),
        opt("size", NON_NEGATIVE),
        // Shannon entropy over bytes: "a possible range of 0 through 8".
        opt("entropy", Ty::Float { min: 0.0, max: 8.0 }),
        opt("hashes", Ty::Hashes),
    ],
    rules: None,
    id_contributing: &[],
};

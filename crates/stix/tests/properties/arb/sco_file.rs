//! Generators of the file cyber-observables: `artifact`, `directory` and
//! `file` (STIX 2.1 §6.1, §6.3, §6.7) with the file extensions.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::leaf::*;
use super::sco::sco;
use super::syntax::*;
use super::time::*;
use super::{Spec, at_least_one, fixed, obj, opt, req};

const MIME_TYPES: &[&str] = &[
    "application/pdf",
    "application/zip",
    "application/x-dosexec",
    "application/vnd.tcpdump.pcap",
    "application/octet-stream",
    "image/png",
    "text/plain",
    "message/rfc822",
    "text/html; charset=utf-8",
    "x-acme/thing",
];

/// Preferred MIME names of common IANA character sets (§6.3, §6.7).
pub const CHARSETS: &[&str] = &[
    "UTF-8",
    "utf-8",
    "US-ASCII",
    "ISO-8859-1",
    "windows-1252",
    "Shift_JIS",
    "UTF-16LE",
    "KOI8-R",
    "x-acme-7",
];

/// The file observables.
pub fn specs() -> Vec<Spec> {
    vec![
        file(),
        artifact(),
        sco(
            "directory",
            &["path"],
            &["path"],
            vec![
                req("path", text_v()),
                opt("path_enc", select(CHARSETS).prop_map(s)),
                opt("ctime", ts(0, 9).prop_map(|t| t.value())),
                opt("mtime", ts(0, 9).prop_map(|t| t.value())),
                opt("atime", ts(0, 9).prop_map(|t| t.value())),
                opt("contains_refs", refs_of(&["file", "directory"])),
            ],
        ),
    ]
}

/// The predefined file extensions (§6.7.2–§6.7.6), each with the
/// properties its "at least one" rule asks for.
fn file_extension() -> BoxedStrategy<(&'static str, V)> {
    let archive = (
        refs_of(&["file", "directory"]),
        proptest::option::of(text_v()),
    )
        .prop_map(|(refs, comment)| {
            let mut m = vec![("contains_refs".to_owned(), refs)];
            m.extend(comment.map(|c| ("comment".to_owned(), c)));
            ("archive-ext", obj(m))
        });
    let stream = (
        text_v(),
        proptest::option::of(hashes()),
        proptest::option::of(size()),
    )
        .prop_map(|(n, h, size)| {
            let mut m = vec![("name".to_owned(), n)];
            m.extend(h.map(|h| ("hashes".to_owned(), h)));
            m.extend(size.map(|x| ("size".to_owned(), x)));
            obj(m)
        });
    let ntfs = at_least_one(
        vec![
            opt("sid", re("S-1-5-21-[0-9]{1,10}-[0-9]{1,10}")),
            opt("alternate_data_streams", list(stream, 1..3)),
        ],
        fixed("sid", s("S-1-5-18")),
    )
    .prop_map(|m| ("ntfs-ext", obj(m)));
    let pdf = at_least_one(
        vec![
            opt("version", re("1\\.[0-7]")),
            opt("is_optimized", any::<bool>().prop_map(V::Bool)),
            opt(
                "document_info_dict",
                vec(("[A-Z][A-Za-z]{1,10}", text_v()), 1..3).prop_map(obj),
            ),
            opt("pdfid0", hex(16, 16).prop_map(s)),
            opt("pdfid1", hex(16, 16).prop_map(s)),
        ],
        fixed("version", s("1.7")),
    )
    .prop_map(|m| ("pdf-ext", obj(m)));
    let exif = vec(
        (
            "[A-Z][A-Za-z]{1,12}",
            prop_oneof![int_v(0i64..100_000), text_v()],
        ),
        1..3,
    );
    let raster = at_least_one(
        vec![
            opt("image_height", int_v(1i64..20_000)),
            opt("image_width", int_v(1i64..20_000)),
            opt("bits_per_pixel", int_v(select(vec![1i64, 8, 16, 24, 32]))),
            opt("exif_tags", exif.prop_map(obj)),
        ],
        fixed("bits_per_pixel", V::from(24)),
    )
    .prop_map(|m| ("raster-image-ext", obj(m)));
    let section = (
        re("\\.[a-z]{1,7}"),
        proptest::option::of(size()),
        proptest::option::of("[0-7]\\.[0-9]{1,6}|8|8\\.0"),
    )
        .prop_map(|(name, size, entropy)| {
            let mut m = vec![("name".to_owned(), name)];
            m.extend(size.map(|x| ("size".to_owned(), x)));
            m.extend(entropy.map(|e| ("entropy".to_owned(), num(&e))));
            obj(m)
        });
    let header = at_least_one(
        vec![
            opt("magic_hex", hex(2, 2).prop_map(s)),
            opt("major_linker_version", int_v(0i64..20)),
            opt("address_of_entry_point", int_v(0i64..1 << 32)),
            opt("size_of_image", size()),
            opt("checksum_hex", hex(4, 4).prop_map(s)),
            opt("hashes", hashes()),
        ],
        fixed("magic_hex", s("010b")),
    )
    .prop_map(obj);
    let pe = (
        ov(&["dll", "exe", "sys"]),
        at_least_one(
            vec![
                opt("imphash", hex(16, 16).prop_map(s)),
                opt("machine_hex", hex(2, 2).prop_map(s)),
                opt("number_of_sections", int_v(0i64..96)),
                opt("time_date_stamp", ts(0, 0).prop_map(|t| t.value())),
                opt("characteristics_hex", hex(2, 2).prop_map(s)),
                opt("file_header_hashes", hashes()),
                opt("optional_header", header),
                opt("sections", list(section, 1..4)),
            ],
            fixed("number_of_sections", V::from(4)),
        ),
    )
        .prop_map(|(pe_type, mut m)| {
            m.insert(0, ("pe_type".to_owned(), pe_type));
            ("windows-pebinary-ext", obj(m))
        });
    prop_oneof![archive, ntfs, pdf, raster, pe].boxed()
}

/// `file` (§6.7): hashes or name (or both); name_enc only with name.
fn file() -> Spec {
    let name = (text_v(), proptest::option::of(select(CHARSETS))).prop_map(|(n, enc)| {
        let mut m = vec![("name".to_owned(), n)];
        m.extend(enc.map(|e| ("name_enc".to_owned(), s(e))));
        m
    });
    let identity = at_least_one(
        vec![
            opt("hashes", hashes()),
            proptest::option::of(name)
                .prop_map(|m| m.unwrap_or_default())
                .boxed(),
        ],
        req("hashes", hashes()),
    );
    let extensions = vec(file_extension(), 1..3)
        .prop_map(|exts| obj(exts.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()));
    sco(
        "file",
        &[],
        &["hashes", "name", "extensions", "parent_directory_ref"],
        vec![
            identity,
            opt("size", size()),
            opt("magic_number_hex", hex(1, 8).prop_map(s)),
            opt("mime_type", select(MIME_TYPES).prop_map(s)),
            opt("ctime", ts(0, 9).prop_map(|t| t.value())),
            opt("mtime", ts(0, 9).prop_map(|t| t.value())),
            opt("atime", ts(0, 9).prop_map(|t| t.value())),
            opt("parent_directory_ref", ref_of(&["directory"])),
            opt("contains_refs", refs_of(SCO_TYPES)),
            opt("content_ref", ref_of(&["artifact"])),
            proptest::option::weighted(0.4, extensions)
                .prop_map(|e| {
                    e.map(|e| ("extensions".to_owned(), e))
                        .into_iter()
                        .collect()
                })
                .boxed(),
        ],
    )
}

/// `artifact` (§6.1): payload_bin or url, never both; a url needs hashes;
/// a decryption key needs its algorithm.
fn artifact() -> Spec {
    let payload =
        (vec(any::<u8>(), 1..48), proptest::option::of(hashes())).prop_map(|(bytes, h)| {
            let mut m = vec![("payload_bin".to_owned(), s(base64(&bytes)))];
            m.extend(h.map(|h| ("hashes".to_owned(), h)));
            m
        });
    let remote = (url_v(), hashes())
        .prop_map(|(u, h)| vec![("url".to_owned(), u), ("hashes".to_owned(), h)]);
    let encryption = proptest::option::of((
        enum_of(&["AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated"]),
        proptest::option::of(text_v()),
    ))
    .prop_map(|e| {
        let mut m = Vec::new();
        if let Some((alg, key)) = e {
            m.push(("encryption_algorithm".to_owned(), alg));
            m.extend(key.map(|k| ("decryption_key".to_owned(), k)));
        }
        m
    });
    sco(
        "artifact",
        &[],
        &["hashes", "payload_bin"],
        vec![
            opt("mime_type", select(MIME_TYPES).prop_map(s)),
            prop_oneof![payload, remote].boxed(),
            encryption.boxed(),
        ],
    )
}

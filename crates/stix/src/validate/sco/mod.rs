//! The 18 STIX Cyber-observable Objects (STIX 2.1 §6), their embedded types
//! and the predefined extensions (`archive-ext`, `tcp-ext`, ...).
//!
//! One submodule per family keeps each table next to the rules it needs:
//! [`file`] (artifact, directory, file), [`network`] (addresses, domain
//! names, URLs, network traffic), [`email`], [`host`] (processes, accounts,
//! registry keys, software, certificates, mutexes, autonomous systems).
//! String syntaxes live in [`syntax`] and [`formats`].

mod email;
mod file;
mod formats;
mod host;
mod network;
mod syntax;

use crate::json::{Object, Value};

use super::ctx::{Ctx, code};
use super::types::{Def, Ty, wrong_type};

/// All SCO definitions.
pub(crate) static DEFS: &[&Def] = &[
    &file::ARTIFACT,
    &host::AUTONOMOUS_SYSTEM,
    &file::DIRECTORY,
    &network::DOMAIN_NAME,
    &email::EMAIL_ADDR,
    &email::EMAIL_MESSAGE,
    &file::FILE,
    &network::IPV4_ADDR,
    &network::IPV6_ADDR,
    &network::MAC_ADDR,
    &host::MUTEX,
    &network::NETWORK_TRAFFIC,
    &host::PROCESS,
    &host::SOFTWARE,
    &network::URL,
    &host::USER_ACCOUNT,
    &host::WINDOWS_REGISTRY_KEY,
    &host::X509_CERTIFICATE,
];

/// All predefined extensions.
pub(crate) static EXTENSIONS: &[&Def] = &[
    &file::ARCHIVE_EXT,
    &file::NTFS_EXT,
    &file::PDF_EXT,
    &file::RASTER_IMAGE_EXT,
    &file::WINDOWS_PEBINARY_EXT,
    &network::HTTP_REQUEST_EXT,
    &network::ICMP_EXT,
    &network::SOCKET_EXT,
    &network::TCP_EXT,
    &host::WINDOWS_PROCESS_EXT,
    &host::WINDOWS_SERVICE_EXT,
    &host::UNIX_ACCOUNT_EXT,
];

/// The largest magnitude of a STIX `integer` (§2.7: 2^53 - 1).
const MAX_INT: i64 = (1 << 53) - 1;

/// A STIX `integer`.
const INT: Ty = Ty::Integer {
    min: -MAX_INT,
    max: MAX_INT,
};

/// An integer the specification says is non-negative (sizes, counts).
const NON_NEGATIVE: Ty = Ty::Integer {
    min: 0,
    max: MAX_INT,
};

/// "At least one property of this type MUST be present": the error when
/// none of `def`'s own properties (or, when `or_extensions`, an
/// `extensions` member) is in `obj`. Custom properties do not count.
fn require_any(ctx: &mut Ctx<'_>, obj: &Object<'_>, def: &Def, or_extensions: bool) {
    let present = def.props.iter().any(|p| obj.contains_key(p.name))
        || (or_extensions && obj.contains_key("extensions"));
    if !present {
        let names: Vec<&str> = def.props.iter().map(|p| p.name).collect();
        let also = if or_extensions {
            ", or an extension"
        } else {
            ""
        };
        ctx.error(
            code::AT_LEAST_ONE,
            format!(
                "must have at least one of {}{also} ({})",
                names.join(", "),
                def.name
            ),
        );
    }
}

/// Dictionaries whose values MUST be integers or strings (`ipfix`,
/// `exif_tags`); the dictionary itself is checked by the table.
fn int_or_string_values(ctx: &mut Ctx<'_>, obj: &Object<'_>, key: &str) {
    let Some(dict) = obj.get(key).and_then(Value::as_object) else {
        return;
    };
    for (k, v) in dict.iter() {
        let ok = match v {
            Value::String(_) => true,
            Value::Number(n) => n.is_integral(),
            _ => false,
        };
        if !ok {
            ctx.at_key(key, |ctx| {
                ctx.at_key(k, |ctx| wrong_type(ctx, v, "an integer or a string"))
            });
        }
    }
}

/// `*_enc` properties MUST NOT appear without the property they describe
/// (§3.1).
fn enc_requires_base(ctx: &mut Ctx<'_>, obj: &Object<'_>, enc: &str, base: &str, owner: &str) {
    if obj.contains_key(enc) && !obj.contains_key(base) {
        ctx.error_at(
            enc,
            code::DEPENDENCY,
            format!("requires {base}, whose encoding it gives ({owner})"),
        );
    }
}

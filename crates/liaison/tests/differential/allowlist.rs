//! The reviewed list of places where the reference validator (stix2-validator
//! 3.3.2 with stix2-patterns 2.1.2) deviates from the STIX 2.1 specification.
//!
//! Each entry names the case (mutation kind and subject, `*` ending a prefix),
//! the section of the specification that settles it, and why in one line.
//! Only genuine reference deviations belong here: a Liaison bug is never
//! listed; it stays a failure until the validator is fixed. An entry that no
//! longer matches any deviation fails the test, so the list stays current.
//! See also B.15 of shared/docs/stix-taxii-reference.md.

/// One known deviation of the reference validator.
pub struct Deviation {
    /// Mutation kind (`corpus` for generated baseline objects).
    pub kind: &'static str,
    /// Case subject; a trailing `*` matches any subject with that prefix.
    pub subject: &'static str,
    /// The section of the STIX 2.1 specification that decides the case.
    pub section: &'static str,
    /// Why the reference is wrong, in one line.
    pub why: &'static str,
    /// For `corpus` entries only: the Liaison error codes the section
    /// justifies (a generated object the reference accepts although the spec
    /// forbids it). Empty for mutation entries.
    pub codes: &'static [&'static str],
}

impl Deviation {
    pub fn matches(&self, kind: &str, subject: &str) -> bool {
        self.kind == kind
            && match self.subject.strip_suffix('*') {
                Some(prefix) => subject.starts_with(prefix),
                None => subject == self.subject,
            }
    }
}

const fn miss(
    kind: &'static str,
    subject: &'static str,
    section: &'static str,
    why: &'static str,
) -> Deviation {
    Deviation {
        kind,
        subject,
        section,
        why,
        codes: &[],
    }
}

/// The reference accepts content the specification forbids: Liaison must
/// reject it. (One entry per line: a table to review, so rustfmt keeps off.)
#[rustfmt::skip]
pub const REFERENCE_MISSES: &[Deviation] = &[
    miss("remove-required", "extension-definition.created_by_ref", "§7.3.1", "created_by_ref is required on extension-definition; the reference's schema does not require it"),
    miss("created-without-milliseconds", "marking-definition.created", "§3.2 created", "millisecond precision is a MUST for every created; the reference's marking-definition schema lacks the precision pattern (ref. doc B.4)"),
    miss("pattern-and-across-object-types", "*", "§9.5", "operands of AND inside one observation expression must be satisfiable by one object; stix2-patterns accepts AND across types (B.15)"),
    miss("pattern-repeats-zero", "*", "§9.5.1 REPEATS", "x MUST be a positive integer; stix2-patterns accepts 0 (B.15)"),
    miss("pattern-within-zero", "*", "§9.5.1 WITHIN", "x MUST be a positive number; stix2-patterns accepts 0 (B.15)"),
    miss("pattern-impossible-timestamp", "indicator.pattern:feb-30", "§9.2, §2.16", "a timestamp constant is a STIX timestamp; the reference only checks its shape, so February 30 passes"),
    miss("reference-wrong-type", "campaign.created_by_ref->indicator", "§3.2 created_by_ref", "must reference an identity; the reference does not check the target type"),
    miss("reference-wrong-type", "tool.object_marking_refs->identity", "§3.2 object_marking_refs", "must reference marking-definition objects; unchecked by the reference"),
    miss("reference-wrong-type", "malware.sample_refs->ipv4-addr", "§4.11.1 sample_refs", "must reference file or artifact; unchecked by the reference"),
    miss("reference-wrong-type", "observed-data.object_refs->relationship", "§4.14.1 object_refs", "object_refs MUST contain at least one SCO reference; unchecked by the reference"),
    miss("reference-wrong-type", "file.parent_directory_ref->file", "§6.7.1 parent_directory_ref", "must reference a directory; the reference checks SCO references only inside observed-data containers"),
    miss("reference-wrong-type", "file.content_ref->file", "§6.7.1 content_ref", "must reference an artifact; unchecked outside containers"),
    miss("reference-wrong-type", "email-addr.belongs_to_ref->file", "§6.5.1 belongs_to_ref", "must reference a user-account; unchecked outside containers"),
    miss("reference-wrong-type", "network-traffic.src_ref->file", "§6.12.1 src_ref", "must reference ipv4-addr, ipv6-addr, mac-addr or domain-name; unchecked outside containers"),
    miss("reference-wrong-type", "process.image_ref->directory", "§6.13.1 image_ref", "must reference a file; unchecked outside containers"),
    miss("reference-wrong-type", "directory.contains_refs->mutex", "§6.3.1 contains_refs", "must reference file or directory; unchecked outside containers"),
    miss("reference-wrong-type", "domain-name.resolves_to_refs->url", "§6.4.1 resolves_to_refs", "must reference ipv4-addr, ipv6-addr or domain-name; unchecked outside containers"),
    miss("reference-wrong-type", "ipv4-addr.resolves_to_refs->ipv4-addr", "§6.8.1 resolves_to_refs", "must reference mac-addr; unchecked outside containers"),
    miss("reference-wrong-type", "extension-definition.created_by_ref->indicator", "§7.3.1 created_by_ref", "must reference an identity; unchecked by the reference"),
    miss("reserved-property", "identity.phone_number", "§3.8", "phone_number is reserved; the reference's schema reserves 'phone_numbers' instead (B.15)"),
    miss("custom-property-bad-name", "indicator.too-long", "§11.1.1", "at most 250 characters; the reference's pattern `^([a-z][a-z0-9_]{2,249})|id$` is anchored only at the start, so any longer name passes"),
    miss("custom-property-bad-name", "indicator.non-ascii", "§11.1.1", "only a-z, 0-9 and _; the same start-anchored pattern lets any name whose first three characters are valid pass"),
    miss("granular-marking-bad-selector", "campaign.granular_markings:index-into-string", "§7.2.3", "selectors MUST refer to list items actually present; name is a string, the reference does not notice"),
    miss("granular-marking-lang-and-marking-ref", "campaign.granular_markings:both", "§7.2.3", "exactly one of lang and marking_ref MUST be present; the reference's schema only requires marking_ref"),
    miss("tlp-marking-not-standard", "marking-definition.statement-with-tlp-id", "§7.2.1.4", "only the four TLP definitions may use the TLP ids; the reference does not check a statement marking's id (B.15)"),
    miss("defanged-on-non-sco", "*", "§3.2 defanged", "defanged MUST NOT be used on objects other than SCOs; unchecked by the reference"),
    miss("enc-without-base-property", "*", "§3.1", "an _enc property MUST NOT be present without its base property; unchecked by the reference"),
];

const fn rejects(kind: &'static str, section: &'static str, why: &'static str) -> Deviation {
    Deviation {
        kind,
        subject: "*",
        section,
        why,
        codes: &[],
    }
}

/// The reference rejects content the specification allows: Liaison must
/// accept it.
#[rustfmt::skip]
pub const REFERENCE_REJECTS_VALID: &[Deviation] = &[
    rejects("granular-marking-lang", "§7.2.3", "a language marking has lang and no marking_ref; the reference's schema requires marking_ref (B.15)"),
    rejects("process-created-time-only", "§6.13.1", "any one process property suffices; the reference's schema lists STIX 2.0 names and omits created_time (B.15)"),
    rejects("registry-key-modified-time-only", "§6.17.1", "any one property suffices; the reference's schema expects 'modified' instead of modified_time (B.15)"),
    rejects("artifact-mime-type-unregistered", "§6.1.1 mime_type", "an IANA-registered MIME type is a SHOULD; the reference makes it a MUST"),
];

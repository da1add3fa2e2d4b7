//! The acceptance: an analyst at the recipient has read the item and
//! taken it into work (the second step of the loop back to the originator,
//! after the receipt).
//!
//! ```json
//! {"v":1,"type":"liaison-acceptance","commonwealth":h,"id":"<uuid>","member":"cert-b","origin":"cert-a",
//!  "object_id":"…","object_version":"…","accepted_by":"alice","accepted_at":ts,"signature":"…"}
//! ```

use serde::{Deserialize, Serialize};

use super::format::{FormatError, check_header, parse_timestamp, timestamp};
use super::keys::{PublicKey, Signature};
use super::provenance::check_object_fields;
use super::receipt::{check_parties, check_uuid};
use super::record::{
    Author, Incoming, RecordError, Signed, check_envelope, check_signature, format_error,
    parse_record, seal, signed_record,
};

/// The `type` of an acceptance.
pub const ACCEPTANCE_TYPE: &str = "liaison-acceptance";

/// A signed acceptance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acceptance {
    pub v: u32,
    #[serde(rename = "type")]
    pub record_type: String,
    pub commonwealth: String,
    /// UUID of this acceptance.
    pub id: String,
    /// The accepting member, which signs.
    pub member: String,
    /// The originator of the object, to which the acceptance goes.
    pub origin: String,
    pub object_id: String,
    pub object_version: String,
    /// The local user who accepted.
    pub accepted_by: String,
    pub accepted_at: String,
    pub signature: Signature,
}

signed_record!(Acceptance, ACCEPTANCE_TYPE, "acceptance");

impl Acceptance {
    /// Signs the acceptance of an object version received from `origin`,
    /// by local user `accepted_by`.
    pub fn create(
        author: &Author<'_>,
        origin: &str,
        object_id: &str,
        object_version: &str,
        accepted_by: &str,
        now_micros: i64,
    ) -> Result<Acceptance, RecordError> {
        let record = Acceptance {
            v: super::FORMAT_VERSION,
            record_type: ACCEPTANCE_TYPE.to_owned(),
            commonwealth: author.commonwealth.as_str().to_owned(),
            id: crate::model::new_uuid_v4(),
            member: author.name.to_owned(),
            origin: origin.to_owned(),
            object_id: object_id.to_owned(),
            object_version: object_version.to_owned(),
            accepted_by: accepted_by.to_owned(),
            accepted_at: timestamp(now_micros),
            signature: Signature::PLACEHOLDER,
        };
        record.check_form()?;
        seal(record, author.key)
    }

    /// Parses an acceptance (checking it is [`Acceptance::verify_incoming`]'s work).
    pub fn from_json(text: &str) -> Result<Acceptance, RecordError> {
        parse_record(text, |r: &Acceptance| (r.v, r.record_type.as_str()))
    }

    /// Checks the form and the accepting member's signature.
    pub fn verify(&self, member_key: &PublicKey) -> Result<(), RecordError> {
        self.check_form()?;
        check_signature(self, &self.member, member_key)
    }

    /// Checks an acceptance received from the accepting member.
    pub fn verify_incoming(&self, incoming: &Incoming<'_>) -> Result<(), RecordError> {
        self.check_form()?;
        check_envelope::<Self>(
            &self.commonwealth,
            &self.member,
            "accepted_at",
            &self.accepted_at,
            incoming,
        )?;
        if self.origin != incoming.self_name {
            return Err(RecordError::NotAddressedToSelf { kind: Self::KIND });
        }
        check_signature(self, &self.member, incoming.sender_key)
    }

    fn check_form(&self) -> Result<(), RecordError> {
        let f = format_error::<Self>;
        check_header(self.v, &self.record_type, ACCEPTANCE_TYPE).map_err(f)?;
        check_uuid("id", &self.id).map_err(f)?;
        check_parties("member", &self.member, &self.origin).map_err(f)?;
        check_object_fields(&self.commonwealth, &self.object_id, &self.object_version)
            .map_err(f)?;
        crate::users::check_user_name(&self.accepted_by).map_err(|_| {
            f(FormatError::invalid(
                "accepted_by",
                "must be a local user name (1 to 64 of a-z, A-Z, 0-9, '.', '-', '_', '@')",
            ))
        })?;
        parse_timestamp("accepted_at", &self.accepted_at).map_err(f)?;
        Ok(())
    }
}

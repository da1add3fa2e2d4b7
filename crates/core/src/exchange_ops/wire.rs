//! The federation envelope: a TAXII envelope of STIX objects with the
//! messages that carry them, as `POST /federation/v1/inbox` receives it and
//! `GET /federation/v1/outbox` serves it.
//!
//! ```json
//! {"more":false,
//!  "objects":[{...STIX...}, ...],
//!  "x_liaison_messages":[
//!    {"v":2,"id":"<uuid>","seq":7,"kind":"object","provenance":{...},"index":0},
//!    {"v":2,"id":"<uuid>","seq":8,"kind":"acceptance","acceptance":{...}},
//!    {"v":2,"id":"<uuid>","seq":9,"kind":"reaction","reaction":{...},"index":1},
//!    {"v":2,"id":"<uuid>","seq":10,"kind":"receipt","receipt":{...receipt batch...}}]}
//! ```
//!
//! Rules of a message: `v` is 2 (version 2 carries provenance and receipts
//! signed in batches; a version-1 message is refused, saying so); `id` is a
//! lowercase UUID, unique per
//! sender and recipient; `seq` is the sender's outbox position for this
//! recipient (strictly increasing in the envelope); `kind` is one of
//! `object`, `receipt`, `acceptance`, `reaction`, `act`, and the message
//! has exactly the member named after its kind (the signed record, as
//! JSON: for `receipt`, a receipt batch, which receipts the messages of a
//! pull), plus `index` (the STIX object in `objects`) for `object` and
//! `reaction`. Unknown members are refused.
//!
//! In the outbox a message is stored in the same form with its STIX object
//! inline (`"object":{...}`) instead of `index`, and without `seq` (the
//! store assigns it); [`envelope_for`] turns stored rows into an envelope.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use liaison_stix::Uuid;

use crate::exchange::{MessageKind, OutboxRow};
use crate::federation::BATCH_FORMAT_VERSION;

/// Where a node receives pushed messages.
pub const FEDERATION_INBOX_PATH: &str = "/federation/v1/inbox";
/// Where a node serves its outbox for a peer to pull
/// (`?after=<seq>&limit=<n>`).
pub const FEDERATION_OUTBOX_PATH: &str = "/federation/v1/outbox";
/// Where a node serves its ledger of acts for a member to pull
/// (`?after=<n>`: the acts after the first `n` it stored).
pub const FEDERATION_LEDGER_PATH: &str = "/federation/v1/ledger";
/// The envelope member that holds the messages.
pub const MESSAGES_MEMBER: &str = "x_liaison_messages";

/// Namespace of the derived message ids of object versions.
const MESSAGE_NAMESPACE: Uuid = Uuid([
    87, 231, 244, 101, 42, 93, 70, 41, 152, 212, 245, 123, 200, 101, 169, 139,
]);

/// Why an envelope is not a well-formed federation envelope.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    #[error("the body is not a federation envelope: {0}")]
    Envelope(String),
    #[error("{MESSAGES_MEMBER}[{index}]: {rule}")]
    Message { index: usize, rule: String },
    /// A stored outbox row that cannot be sent (a bug or damaged data).
    #[error("outbox message {seq} of {peer} is damaged: {why}")]
    Stored { peer: String, seq: u64, why: String },
}

/// One message, on the wire or (with `object` instead of `index`, and no
/// `seq`) as stored in the outbox.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireMessage {
    pub v: u32,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reaction: Option<Box<RawValue>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<Box<RawValue>>,
    /// Stored form only: the STIX object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<Box<RawValue>>,
}

fn raw(text: String) -> Box<RawValue> {
    // Every caller passes JSON this crate serialised; should that ever
    // fail, `null` makes the receiver refuse the message with a reason.
    RawValue::from_string(text)
        .unwrap_or_else(|_| RawValue::from_string("null".to_owned()).expect("null is JSON"))
}

impl WireMessage {
    fn new(id: &str, kind: MessageKind) -> WireMessage {
        WireMessage {
            v: BATCH_FORMAT_VERSION,
            id: id.to_owned(),
            seq: None,
            kind: kind.as_str().to_owned(),
            index: None,
            provenance: None,
            receipt: None,
            acceptance: None,
            reaction: None,
            act: None,
            object: None,
        }
    }

    /// The stored form of an object version with its provenance.
    pub fn object(id: &str, provenance_json: String, object_json: String) -> WireMessage {
        WireMessage {
            provenance: Some(raw(provenance_json)),
            object: Some(raw(object_json)),
            ..WireMessage::new(id, MessageKind::Object)
        }
    }

    /// The stored form of an acceptance.
    pub fn acceptance(id: &str, acceptance_json: String) -> WireMessage {
        WireMessage {
            acceptance: Some(raw(acceptance_json)),
            ..WireMessage::new(id, MessageKind::Acceptance)
        }
    }

    /// The stored form of a reaction with its STIX object.
    pub fn reaction(id: &str, reaction_json: String, stix_json: String) -> WireMessage {
        WireMessage {
            reaction: Some(raw(reaction_json)),
            object: Some(raw(stix_json)),
            ..WireMessage::new(id, MessageKind::Reaction)
        }
    }

    /// The stored form of a ledger act.
    pub fn act(id: &str, act_json: String) -> WireMessage {
        WireMessage {
            act: Some(raw(act_json)),
            ..WireMessage::new(id, MessageKind::Act)
        }
    }

    /// The stored form of a receipt batch (the receipts of pulled messages).
    pub fn receipt(id: &str, receipt_json: String) -> WireMessage {
        WireMessage {
            receipt: Some(raw(receipt_json)),
            ..WireMessage::new(id, MessageKind::Receipt)
        }
    }

    /// The JSON text, as stored or sent.
    pub fn to_json(&self) -> String {
        // Strings, integers and raw JSON always serialise.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The kind, once [`parse_envelope`] has checked it.
    pub fn message_kind(&self) -> Option<MessageKind> {
        MessageKind::parse(&self.kind)
    }

    /// The record the message carries (its member named after the kind).
    pub fn record(&self) -> Option<&RawValue> {
        match self.message_kind()? {
            MessageKind::Object => self.provenance.as_deref(),
            MessageKind::Receipt => self.receipt.as_deref(),
            MessageKind::Acceptance => self.acceptance.as_deref(),
            MessageKind::Reaction => self.reaction.as_deref(),
            MessageKind::Act => self.act.as_deref(),
        }
    }

    /// Checks the rules of the module documentation for a message on the
    /// wire, in an envelope of `objects` objects.
    fn check_on_wire(&self, objects: usize) -> Result<(), String> {
        if self.v != BATCH_FORMAT_VERSION {
            return Err(format!(
                "unsupported message version {}: this node reads version {BATCH_FORMAT_VERSION}",
                self.v
            ));
        }
        if !is_lower_uuid(&self.id) {
            return Err("id must be a lowercase UUID".into());
        }
        let Some(kind) = self.message_kind() else {
            return Err(format!(
                "unknown kind {:?}: expected object, receipt, acceptance, reaction or act",
                self.kind
            ));
        };
        if self.object.is_some() {
            return Err(
                "object must not be inline: the STIX object goes in objects, named by index".into(),
            );
        }
        let members = [
            (
                "provenance",
                self.provenance.is_some(),
                kind == MessageKind::Object,
            ),
            (
                "receipt",
                self.receipt.is_some(),
                kind == MessageKind::Receipt,
            ),
            (
                "acceptance",
                self.acceptance.is_some(),
                kind == MessageKind::Acceptance,
            ),
            (
                "reaction",
                self.reaction.is_some(),
                kind == MessageKind::Reaction,
            ),
            ("act", self.act.is_some(), kind == MessageKind::Act),
        ];
        for (name, present, wanted) in members {
            if present != wanted {
                let rule = if wanted {
                    "is required"
                } else {
                    "is not allowed"
                };
                return Err(format!("{name} {rule} in a message of kind {}", self.kind));
            }
        }
        let wants_index = matches!(kind, MessageKind::Object | MessageKind::Reaction);
        match (self.index, wants_index) {
            (Some(i), true) if i < objects => Ok(()),
            (Some(i), true) => Err(format!(
                "index {i} names no object (the envelope has {objects})"
            )),
            (None, true) => Err(format!(
                "index is required in a message of kind {}",
                self.kind
            )),
            (Some(_), false) => Err(format!(
                "index is not allowed in a message of kind {}",
                self.kind
            )),
            (None, false) => Ok(()),
        }
    }
}

fn is_lower_uuid(text: &str) -> bool {
    Uuid::parse(text).is_ok() && !text.bytes().any(|b| b.is_ascii_uppercase())
}

/// The message id of an object version: derived from what identifies the
/// version (id, version, digest), so that sharing it again, to the same or
/// other recipients, never makes a second message for a recipient.
pub fn object_message_id(object_id: &str, version: &str, digest: &str) -> String {
    let name = format!("liaison-object-message-v1\n{object_id}\n{version}\n{digest}");
    Uuid::new_v5(&MESSAGE_NAMESPACE, name.as_bytes()).to_string()
}

/// The message id of a ledger act: derived from its hash, so that an act
/// is enqueued once per peer however often it is sent, and applied once
/// per sender.
pub fn act_message_id(hash: &str) -> String {
    let name = format!("liaison-act-message-v1\n{hash}");
    Uuid::new_v5(&MESSAGE_NAMESPACE, name.as_bytes()).to_string()
}

/// A received envelope.
#[derive(Debug)]
pub struct Envelope {
    /// The STIX objects, as received.
    pub objects: Vec<Box<RawValue>>,
    /// The messages, each checked for form.
    pub messages: Vec<WireMessage>,
    /// More messages follow (pull responses).
    pub more: bool,
}

#[derive(Deserialize)]
struct RawEnvelope {
    #[serde(default)]
    more: bool,
    #[serde(default)]
    objects: Vec<Box<RawValue>>,
    #[serde(default, rename = "x_liaison_messages")]
    messages: Vec<Box<RawValue>>,
}

/// Reads an envelope and checks the form of every message (see the module
/// documentation), and that `seq`, when given, strictly increases.
pub fn parse_envelope(body: &[u8]) -> Result<Envelope, WireError> {
    // serde reads a struct from a JSON array too (by position): only
    // objects are envelopes and messages.
    if !body.trim_ascii_start().starts_with(b"{") {
        return Err(WireError::Envelope("it must be a JSON object".into()));
    }
    let envelope: RawEnvelope =
        serde_json::from_slice(body).map_err(|e| WireError::Envelope(e.to_string()))?;
    let mut messages = Vec::with_capacity(envelope.messages.len());
    let mut last_seq = None;
    for (index, text) in envelope.messages.iter().enumerate() {
        let bad = |rule: String| WireError::Message { index, rule };
        if !text.get().starts_with('{') {
            return Err(bad("a message must be a JSON object".into()));
        }
        let message: WireMessage =
            serde_json::from_str(text.get()).map_err(|e| bad(e.to_string()))?;
        message.check_on_wire(envelope.objects.len()).map_err(bad)?;
        if let Some(seq) = message.seq {
            if last_seq.is_some_and(|last| seq <= last) {
                return Err(bad("seq must strictly increase within the envelope".into()));
            }
            last_seq = Some(seq);
        }
        messages.push(message);
    }
    Ok(Envelope {
        objects: envelope.objects,
        messages,
        more: envelope.more,
    })
}

#[derive(Serialize)]
struct OutEnvelope {
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    more: bool,
    objects: Vec<Box<RawValue>>,
    #[serde(rename = "x_liaison_messages")]
    messages: Vec<WireMessage>,
}

/// The envelope that sends `rows` (one peer's outbox rows, in order).
pub fn envelope_for(rows: &[OutboxRow], more: bool) -> Result<String, WireError> {
    let mut objects = Vec::new();
    let mut messages = Vec::with_capacity(rows.len());
    for row in rows {
        let damaged = |why: String| WireError::Stored {
            peer: row.peer.clone(),
            seq: row.seq,
            why,
        };
        let mut message: WireMessage =
            serde_json::from_str(&row.payload).map_err(|e| damaged(e.to_string()))?;
        if let Some(object) = message.object.take() {
            message.index = Some(objects.len());
            objects.push(object);
        }
        message.seq = Some(row.seq);
        message.check_on_wire(objects.len()).map_err(damaged)?;
        messages.push(message);
    }
    serde_json::to_string(&OutEnvelope {
        more,
        objects,
        messages,
    })
    .map_err(|e| WireError::Envelope(e.to_string()))
}

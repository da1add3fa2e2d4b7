//! Who this node is in its commonwealth, who the other members are, and
//! the TAXII collections the exchange uses.
//!
//! Files in the data directory (written by `liaison member init`, read by
//! `liaison serve`): [`SIGNING_KEY_FILE`] and [`CARD_FILE`]; the node's TLS
//! certificate is `tls/cert.pem` with its key `tls/key.pem`. The adopted
//! agreement lives in the store ([`ExchangeStore::commonwealth`]).
//!
//! Collections, all in API root [`EXCHANGE_API_ROOT`]:
//! - `to-all`: what this node shares with every member (posting into it
//!   shares with `all`);
//! - `to-<member>`: what it shares with that member alone;
//! - `from-<member>`: what that member shared with this node (read-only for
//!   TAXII users).
//!
//! [`ExchangeStore::commonwealth`]: crate::store::ExchangeStore::commonwealth

use std::sync::Arc;
use std::time::Duration;

use crate::Store;
use crate::StoreError;
use crate::exchange::CommonwealthRecord;
use crate::federation::{
    Agreement, Author, CommonwealthId, DEFAULT_MAX_SKEW, EndpointPolicy, Incoming, Member,
    MemberCard, SigningKey, is_member_name,
};
use crate::ledger::{ActHash, Verified};
use crate::model::{ApiRoot, Collection, DEFAULT_MAX_CONTENT_LENGTH, new_uuid_v4};

use super::ExchangeError;

/// The member's signing key, relative to the data directory: the 32-byte
/// ed25519 seed in hexadecimal, mode 0600.
pub const SIGNING_KEY_FILE: &str = "member/signing.key";
/// The member's own card (public), relative to the data directory.
pub const CARD_FILE: &str = "member/card.json";
/// The API root of the exchange collections.
pub const EXCHANGE_API_ROOT: &str = "default";

/// The members this node knows. The founding agreement provides them when
/// the node keeps no ledger ([`FoundersMembership`]); the council's ledger
/// provides them on a running node
/// ([`LedgerMembership`](crate::council::LedgerMembership)), with no change
/// to the callers.
///
/// The seam also carries the ledger's acts, so that the exchange can take
/// them in with the rest of a peer's envelope: [`MembershipSource::judge_acts`]
/// judges them (no side effect), the store commits them with the request,
/// then [`MembershipSource::apply_acts`] makes them count.
pub trait MembershipSource: Send + Sync + std::fmt::Debug {
    /// Every member known, whatever its standing (a name stays known after
    /// its member left), this node included.
    fn members(&self) -> Arc<[Member]>;

    /// The member called `name`, whatever its standing.
    fn member(&self, name: &str) -> Option<Member> {
        self.members().iter().find(|m| m.name == name).cloned()
    }

    /// Judges the ledger acts of one envelope (JSON texts, in the
    /// envelope's order; each judged as if those before it were applied).
    /// No side effect. Without a ledger, every act is refused.
    fn judge_acts(&self, acts: &[&str], now_micros: i64) -> Vec<ActVerdict> {
        let _ = now_micros;
        acts.iter()
            .map(|_| ActVerdict::Refused("this node keeps no ledger of acts".to_owned()))
            .collect()
    }

    /// Applies acts judged [`ActVerdict::New`] once the store has committed
    /// them, in the order judged.
    fn apply_acts(&self, acts: Vec<Verified>) {
        let _ = acts;
    }
}

/// What a node makes of a ledger act a peer sent.
#[derive(Debug)]
pub enum ActVerdict {
    /// Accepted and new: store it, then [`MembershipSource::apply_acts`].
    New(Box<Verified>),
    /// Already in the ledger (this hash): stored already, nothing to apply.
    Known(ActHash),
    /// Not now, for a reason that passes (the act is dated ahead of this
    /// node's clock, or builds on acts not received yet): the message is
    /// neither stored nor receipted, so the sender keeps it and retries.
    Deferred(Deferral),
    /// Never: the act breaks a law of the ledger (the reason says which).
    Refused(String),
}

/// Why a message is put off (see [`ActVerdict::Deferred`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deferral {
    pub reason: String,
    /// Acts the message builds on that this node lacks: pull them from
    /// the sender.
    pub missing: Vec<ActHash>,
}

/// The founders of the adopted agreement, all in good standing.
#[derive(Debug, Clone)]
pub struct FoundersMembership {
    members: Arc<[Member]>,
}

impl FoundersMembership {
    pub fn new(agreement: &Agreement) -> FoundersMembership {
        FoundersMembership {
            members: agreement.members().into(),
        }
    }
}

impl MembershipSource for FoundersMembership {
    fn members(&self) -> Arc<[Member]> {
        self.members.clone()
    }
}

/// This node as a member: its name, key, card and commonwealth. Built once
/// at start and shared (`Arc`) by the server and the workers.
#[derive(Debug)]
pub struct NodeIdentity {
    key: Arc<SigningKey>,
    card: MemberCard,
    agreement: Agreement,
    commonwealth: CommonwealthId,
    max_skew: Duration,
    /// The key this node signed with before its latest key rotation, for
    /// peers that have not yet received the rotation.
    previous_key: Option<Arc<SigningKey>>,
}

impl NodeIdentity {
    /// Checks that `key` is the key of `card`, that `card` names the member
    /// `record` was adopted as, that the adopted agreement in `record` is in
    /// force, and that it is the commonwealth `record` names. Whether the
    /// card is the member's current one is the membership's to say: a
    /// founder's card at first, an admitted or rotated card later (see
    /// [`LedgerMembership::check_identity`](crate::council::LedgerMembership::check_identity)).
    pub fn new(
        key: SigningKey,
        card: MemberCard,
        record: &CommonwealthRecord,
        policy: EndpointPolicy,
    ) -> Result<NodeIdentity, ExchangeError> {
        card.verify(policy)?;
        if card.signing_key != key.public_key() {
            return Err(ExchangeError::Identity(format!(
                "{SIGNING_KEY_FILE} is not the key of the member card {CARD_FILE}"
            )));
        }
        if card.name != record.self_name {
            return Err(ExchangeError::Identity(format!(
                "the member card names {}, but the adopted commonwealth was adopted as {}",
                card.name, record.self_name
            )));
        }
        let agreement = Agreement::from_json(&record.agreement_json)?;
        let commonwealth = agreement.verify(policy)?;
        if commonwealth.as_str() != record.id {
            return Err(ExchangeError::Identity(
                "the stored agreement does not hash to the stored commonwealth id".into(),
            ));
        }
        Ok(NodeIdentity {
            key: Arc::new(key),
            card,
            agreement,
            commonwealth,
            max_skew: DEFAULT_MAX_SKEW,
            previous_key: None,
        })
    }

    /// This identity after its key rotation to `key` and `card` (same name,
    /// commonwealth and clock skew); the current key becomes the previous
    /// key.
    pub fn rotated(&self, key: SigningKey, card: MemberCard) -> NodeIdentity {
        NodeIdentity {
            key: Arc::new(key),
            card,
            agreement: self.agreement.clone(),
            commonwealth: self.commonwealth.clone(),
            max_skew: self.max_skew,
            previous_key: Some(self.key.clone()),
        }
    }

    /// Keeps `key` as the key before the latest rotation.
    pub fn with_previous_key(mut self, key: Option<SigningKey>) -> NodeIdentity {
        self.previous_key = key.map(Arc::new);
        self
    }

    /// The key before the latest rotation, to sign requests to a peer that
    /// refuses the current key because it has not received the rotation.
    pub fn previous_key(&self) -> Option<&SigningKey> {
        self.previous_key.as_deref()
    }

    /// [`NodeIdentity::new`] from the texts of [`SIGNING_KEY_FILE`] and
    /// [`CARD_FILE`].
    pub fn from_files(
        key_hex: &str,
        card_json: &str,
        record: &CommonwealthRecord,
        policy: EndpointPolicy,
    ) -> Result<NodeIdentity, ExchangeError> {
        let key = SigningKey::from_seed_hex(key_hex)?;
        let card = MemberCard::from_json(card_json, policy)?;
        NodeIdentity::new(key, card, record, policy)
    }

    /// The node's identity from the texts of [`SIGNING_KEY_FILE`] and
    /// [`CARD_FILE`] and the commonwealth adopted in `store`; `None` when
    /// no agreement is adopted (the node is then a plain TAXII server).
    pub async fn load(
        store: &dyn Store,
        key_hex: &str,
        card_json: &str,
        policy: EndpointPolicy,
    ) -> Result<Option<NodeIdentity>, ExchangeError> {
        match store.commonwealth().await? {
            None => Ok(None),
            Some(record) => NodeIdentity::from_files(key_hex, card_json, &record, policy).map(Some),
        }
    }

    /// How far signed times may be from this node's clock (default
    /// [`DEFAULT_MAX_SKEW`]).
    pub fn with_max_skew(mut self, max_skew: Duration) -> NodeIdentity {
        self.max_skew = max_skew;
        self
    }

    pub fn name(&self) -> &str {
        &self.card.name
    }

    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    pub fn card(&self) -> &MemberCard {
        &self.card
    }

    pub fn agreement(&self) -> &Agreement {
        &self.agreement
    }

    pub fn commonwealth(&self) -> &CommonwealthId {
        &self.commonwealth
    }

    /// Lowercase hex SHA-256 of this node's TLS certificate, as its card says.
    pub fn tls_fingerprint(&self) -> &str {
        &self.card.tls_fingerprint
    }

    pub fn max_skew(&self) -> Duration {
        self.max_skew
    }

    /// This node as the signer of records.
    pub fn author(&self) -> Author<'_> {
        Author {
            commonwealth: &self.commonwealth,
            name: self.name(),
            key: &self.key,
        }
    }

    /// What records received from `sender` are checked against.
    pub fn incoming<'a>(&'a self, sender: &'a Member, now_micros: i64) -> Incoming<'a> {
        Incoming {
            commonwealth: &self.commonwealth,
            sender: &sender.name,
            sender_key: &sender.signing_key,
            self_name: self.name(),
            now_micros,
            max_skew: self.max_skew,
        }
    }
}

/// `liaison agreement adopt`: checks that `agreement` is in force with
/// `card` (whose key is `key`) among its founders, records it in `store`
/// (adopting the same commonwealth again changes nothing; another one is
/// a `Conflict`), and creates the exchange collections. Returns the node's
/// identity.
pub async fn adopt(
    store: &dyn Store,
    key: SigningKey,
    card: MemberCard,
    agreement: &Agreement,
    now_micros: i64,
    policy: EndpointPolicy,
) -> Result<NodeIdentity, ExchangeError> {
    let id = agreement.verify_adoption(&card, policy)?;
    let record = CommonwealthRecord {
        id: id.as_str().to_owned(),
        agreement_json: serde_json::to_string(agreement)
            .map_err(|e| ExchangeError::Invalid(e.to_string()))?,
        self_name: card.name.clone(),
        adopted_at: now_micros,
    };
    store.adopt_commonwealth(&record).await?;
    let node = NodeIdentity::new(key, card, &record, policy)?;
    ensure_collections(store, &node, &agreement.members()).await?;
    Ok(node)
}

/// An exchange collection, as its alias names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExchangeCollection {
    /// `to-all`.
    ToAll,
    /// `to-<member>`.
    To(String),
    /// `from-<member>`.
    From(String),
}

/// `to-all` (`None`) or `to-<member>`.
pub fn outbound_alias(member: Option<&str>) -> String {
    match member {
        None => "to-all".to_owned(),
        Some(name) => format!("to-{name}"),
    }
}

/// `from-<member>`.
pub fn inbound_alias(member: &str) -> String {
    format!("from-{member}")
}

/// What an alias names, if it has the form of an exchange collection for
/// another member than `self_name` (whether that member exists is the
/// caller's to check against the membership).
pub fn classify_alias(alias: &str, self_name: &str) -> Option<ExchangeCollection> {
    if alias == "to-all" {
        return Some(ExchangeCollection::ToAll);
    }
    let other = |name: &str| is_member_name(name) && name != self_name;
    if let Some(name) = alias.strip_prefix("to-").filter(|n| other(n)) {
        return Some(ExchangeCollection::To(name.to_owned()));
    }
    alias
        .strip_prefix("from-")
        .filter(|n| other(n))
        .map(|n| ExchangeCollection::From(n.to_owned()))
}

/// Creates the exchange collections that are missing: `to-all`, and
/// `to-<m>` and `from-<m>` for every other member (and the API root
/// [`EXCHANGE_API_ROOT`] if it is missing). Idempotent, and safe when
/// several processes start at once on one database. Returns those created
/// now. `liaison agreement adopt` and `liaison serve` call it.
pub async fn ensure_collections(
    store: &dyn Store,
    node: &NodeIdentity,
    members: &[Member],
) -> Result<Vec<Collection>, ExchangeError> {
    if store.api_root(EXCHANGE_API_ROOT).await?.is_none() {
        store
            .put_api_root(&ApiRoot {
                name: EXCHANGE_API_ROOT.to_owned(),
                title: "Default API root".to_owned(),
                description: Some("Threat intelligence held by this Liaison node".to_owned()),
                max_content_length: DEFAULT_MAX_CONTENT_LENGTH,
            })
            .await?;
    }
    let mut wanted = vec![ExchangeCollection::ToAll];
    for member in members.iter().filter(|m| m.name != node.name()) {
        wanted.push(ExchangeCollection::To(member.name.clone()));
        wanted.push(ExchangeCollection::From(member.name.clone()));
    }
    let mut created = Vec::new();
    for which in &wanted {
        if let (collection, true) = exchange_collection(store, which).await? {
            created.push(collection);
        }
    }
    Ok(created)
}

impl ExchangeCollection {
    /// Its alias.
    pub fn alias(&self) -> String {
        match self {
            ExchangeCollection::ToAll => outbound_alias(None),
            ExchangeCollection::To(name) => outbound_alias(Some(name)),
            ExchangeCollection::From(name) => inbound_alias(name),
        }
    }

    fn title_and_description(&self) -> (String, String) {
        match self {
            ExchangeCollection::ToAll => (
                "Shared with all members".to_owned(),
                "Objects this node shares with every member of the commonwealth; adding objects here shares them.".to_owned(),
            ),
            ExchangeCollection::To(name) => (
                format!("Shared with {name}"),
                format!("Objects this node shares with {name} alone; adding objects here shares them."),
            ),
            ExchangeCollection::From(name) => (
                format!("Received from {name}"),
                format!("Objects {name} shared with this node, with their provenance. Read-only."),
            ),
        }
    }
}

/// The `from-<origin>` collection, created if missing.
pub async fn inbound_collection(
    store: &dyn Store,
    origin: &str,
) -> Result<Collection, ExchangeError> {
    let which = ExchangeCollection::From(origin.to_owned());
    Ok(exchange_collection(store, &which).await?.0)
}

/// An exchange collection, created if missing; `true` when created now.
pub(super) async fn exchange_collection(
    store: &dyn Store,
    which: &ExchangeCollection,
) -> Result<(Collection, bool), ExchangeError> {
    let alias = which.alias();
    if let Some(found) = store.collection(EXCHANGE_API_ROOT, &alias).await? {
        return Ok((found, false));
    }
    let (title, description) = which.title_and_description();
    let collection = Collection {
        id: new_uuid_v4(),
        api_root: EXCHANGE_API_ROOT.to_owned(),
        title,
        description: Some(description),
        alias: Some(alias.clone()),
    };
    match store.create_collection(&collection).await {
        Ok(()) => Ok((collection, true)),
        // Another process made it first.
        Err(StoreError::Conflict(_)) => match store.collection(EXCHANGE_API_ROOT, &alias).await? {
            Some(found) => Ok((found, false)),
            None => Err(StoreError::Conflict(format!("collection alias {alias}")).into()),
        },
        Err(e) => Err(e.into()),
    }
}

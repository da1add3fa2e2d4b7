//! Signing many records with one signature: a Merkle tree over the
//! records' canonical entries and one ed25519 signature over a header that
//! names the tree's root and size. Provenance (one batch per share and
//! disclosed audience) and receipts (one batch per answer) are signed this
//! way, so bulk exchanges cost one signature and one verification per
//! batch instead of one per object.
//!
//! # Laws
//!
//! 1. The tree is that of RFC 9162 §2.1.1: a leaf is
//!    `SHA-256(0x00 ‖ JCS(entry))`, an inner node `SHA-256(0x01 ‖ left ‖
//!    right)`, and a tree of `n > 1` leaves splits at the largest power of
//!    two below `n`. The prefixes keep a leaf from ever passing for a node.
//! 2. The signature covers the RFC 8785 canonical JSON of the **header**:
//!    the record's fields common to the batch, its batch `type` (e.g.
//!    `liaison-provenance-batch`), its `v`, `"size": n` and `"root": "<hex>"`.
//!    The header's type differs from every record type, so a batch
//!    signature is never valid for a single record or another kind of batch.
//! 3. Each record of a batch is verifiable **alone**: it carries the common
//!    fields, its own entry and a [`BatchProof`] (`size`, `index`, and the
//!    audit `path` from its leaf to the root). The verifier recomputes the
//!    root from the entry, the index and the path, rebuilds the header and
//!    checks the signature ([`Seal`]). A path must have exactly the length
//!    that `index` and `size` call for; `index < size ≤` [`MAX_BATCH`].
//! 4. Who said what stays provable per record: a stored record (with its
//!    proof) proves that the signer signed a batch containing exactly this
//!    entry, without the other entries of the batch (only their hashes on
//!    the path, which reveal nothing of them).
//!
//! Verification of many records of one batch checks the signature once:
//! records that rebuild the same header with the same signature share one
//! [`Seal`], which the caller verifies once ([`verify_seals`]).

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use super::format::{FormatError, hex, presorted_json};
use super::keys::{PublicKey, Signature, SigningKey};
use super::record::RecordError;

/// Most records in one batch (2^20): a path has at most 20 nodes.
pub const MAX_BATCH: u64 = 1 << 20;

/// A node of the tree: a SHA-256 hash, standard base64 with padding in JSON.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct NodeHash(pub [u8; 32]);

impl std::fmt::Debug for NodeHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeHash({})", hex(&self.0))
    }
}

impl Serialize for NodeHash {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(self.0))
    }
}

impl<'de> Deserialize<'de> for NodeHash {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        super::keys::decode_exact(&text)
            .map(NodeHash)
            .map_err(|why| serde::de::Error::custom(format!("path node: {why}")))
    }
}

/// Where a record sits in its signed batch (law 3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchProof {
    /// Records in the batch.
    pub size: u64,
    /// This record's position, from 0.
    pub index: u64,
    /// The audit path, leaf level first.
    pub path: Vec<NodeHash>,
}

impl BatchProof {
    /// The proof of the only record of a batch of one.
    pub fn single() -> BatchProof {
        BatchProof {
            size: 1,
            index: 0,
            path: Vec::new(),
        }
    }

    /// The root this proof leads to from `leaf`, or why it leads nowhere.
    pub fn root(&self, leaf: NodeHash) -> Result<NodeHash, FormatError> {
        if self.size == 0 || self.size > MAX_BATCH {
            return Err(FormatError::invalid(
                "batch",
                "size must be between 1 and 1048576",
            ));
        }
        if self.index >= self.size {
            return Err(FormatError::invalid("batch", "index must be below size"));
        }
        let (mut index, mut width) = (self.index, self.size);
        let mut path = self.path.iter();
        let mut node = leaf;
        while width > 1 {
            if index % 2 == 1 {
                let left = path.next().ok_or(SHORT_PATH)?;
                node = inner(left, &node);
            } else if index + 1 < width {
                let right = path.next().ok_or(SHORT_PATH)?;
                node = inner(&node, right);
            }
            // Else the last node of an odd level: it rises unpaired.
            index /= 2;
            width = width.div_ceil(2);
        }
        if path.next().is_some() {
            return Err(FormatError::invalid(
                "batch",
                "path is longer than the tree is deep",
            ));
        }
        Ok(node)
    }
}

const SHORT_PATH: FormatError = FormatError::Invalid {
    field: "batch",
    rule: "path is shorter than the tree is deep",
};

/// The leaf hash of an entry (law 1): SHA-256(0x00 ‖ JCS(entry)). The
/// entry's members must be declared in sorted order (see
/// `format::presorted_json`).
pub fn leaf<E: Serialize + ?Sized>(entry: &E) -> Result<NodeHash, FormatError> {
    let bytes = presorted_json(entry)?;
    let mut hasher = Sha256::new();
    hasher.update([0u8]);
    hasher.update(&bytes);
    Ok(NodeHash(hasher.finalize().into()))
}

fn inner(left: &NodeHash, right: &NodeHash) -> NodeHash {
    let mut hasher = Sha256::new();
    hasher.update([1u8]);
    hasher.update(left.0);
    hasher.update(right.0);
    NodeHash(hasher.finalize().into())
}

/// A whole tree, built by the signer (and by an originator that receives
/// a whole receipt batch and keeps one record per message).
#[derive(Debug, Clone)]
pub struct Tree {
    /// `levels[0]` are the leaves; the last level is the root alone.
    levels: Vec<Vec<NodeHash>>,
}

impl Tree {
    /// The tree of `leaves` (at least one, at most [`MAX_BATCH`]).
    pub fn new(leaves: Vec<NodeHash>) -> Result<Tree, FormatError> {
        if leaves.is_empty() || leaves.len() as u64 > MAX_BATCH {
            return Err(FormatError::invalid(
                "batch",
                "size must be between 1 and 1048576",
            ));
        }
        let mut levels = vec![leaves];
        while let Some(level) = levels.last().filter(|l| l.len() > 1) {
            let next = level
                .chunks(2)
                .map(|pair| match pair {
                    [left, right] => inner(left, right),
                    [alone] => *alone,
                    _ => unreachable!("chunks(2) yields one or two"),
                })
                .collect();
            levels.push(next);
        }
        Ok(Tree { levels })
    }

    pub fn size(&self) -> u64 {
        self.levels[0].len() as u64
    }

    pub fn root(&self) -> NodeHash {
        self.levels[self.levels.len() - 1][0]
    }

    /// The proof of leaf `index` (which must be below the size).
    pub fn proof(&self, index: usize) -> BatchProof {
        let mut path = Vec::with_capacity(self.levels.len());
        let mut i = index;
        for level in &self.levels[..self.levels.len() - 1] {
            let sibling = i ^ 1;
            if sibling < level.len() {
                path.push(level[sibling]);
            }
            i /= 2;
        }
        BatchProof {
            size: self.size(),
            index: index as u64,
            path,
        }
    }
}

/// The hexadecimal form of a root, as headers name it.
pub(crate) fn root_hex(root: NodeHash) -> String {
    hex(&root.0)
}

/// The bytes a batch signature covers (law 2): the header's canonical
/// JSON. The header's members (its type, `v`, the batch's common fields,
/// `size` and `root`) must be declared in sorted order (see
/// `format::presorted_json`).
pub(crate) fn header_bytes<H: Serialize>(header: &H) -> Result<Vec<u8>, FormatError> {
    presorted_json(header)
}

/// Signs a batch header.
pub(crate) fn sign<H: Serialize>(header: &H, key: &SigningKey) -> Result<Signature, FormatError> {
    Ok(key.sign(&header_bytes(header)?))
}

/// A batch signature to check: the signed header's bytes, the signature
/// and who claims to have signed. Records of one batch yield equal seals,
/// so a set of seals is verified once per batch.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Seal {
    kind: &'static str,
    signer: String,
    bytes: Vec<u8>,
    signature: Signature,
}

impl Seal {
    pub(crate) fn new(
        kind: &'static str,
        signer: &str,
        bytes: Vec<u8>,
        signature: Signature,
    ) -> Seal {
        Seal {
            kind,
            signer: signer.to_owned(),
            bytes,
            signature,
        }
    }

    /// Checks the signature with the signer's key.
    pub fn verify(&self, key: &PublicKey) -> Result<(), RecordError> {
        key.verify_strict(&self.bytes, &self.signature)
            .map_err(|_| RecordError::BadSignature {
                kind: self.kind,
                signer: self.signer.clone(),
            })
    }
}

/// Verifies each distinct seal once with `key`; the verdict of every seal
/// given, by seal.
pub fn verify_seals<'a>(
    seals: impl IntoIterator<Item = &'a Seal>,
    key: &PublicKey,
) -> HashMap<&'a Seal, Result<(), RecordError>> {
    let mut verdicts = HashMap::new();
    for seal in seals {
        verdicts.entry(seal).or_insert_with(|| seal.verify(key));
    }
    verdicts
}

#[cfg(test)]
#[path = "batch_tests.rs"]
mod tests;

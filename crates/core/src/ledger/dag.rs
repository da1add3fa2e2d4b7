//! The graph of acts: parents, heads, causal pasts and the deterministic
//! topological order.
//!
//! Laws:
//! - The **causal past** of an act is the set of acts reachable through
//!   its parents (the act itself excluded); the root (the agreement) is
//!   every act's ancestor and is no node of the graph.
//! - The **order** of a set of acts closed under parents is its
//!   lexicographically smallest topological order by hash: repeatedly take,
//!   among the acts whose parents are all taken, the one with the smallest
//!   hash. The order of a causal past is therefore the restriction of the
//!   order of any larger closed set: an act outside the past never makes
//!   an act of the past ready, so taking it never changes which act of the
//!   past comes next. What is computed from a past does not depend on
//!   which other acts a node holds.

use std::collections::{BTreeSet, HashMap};

use super::act::{Act, ActHash};
use super::rules::Facts;

/// An accepted act and what its acceptance established.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub hash: ActHash,
    pub act: Act,
    pub created: i64,
    /// Indexes of the parents (the root is not a node).
    pub parents: Vec<usize>,
    /// 1 + the greatest depth of the parents (0 for the root): an ancestor
    /// is always shallower than its descendants.
    pub depth: u32,
    pub facts: Facts,
}

/// Accepted acts, in arrival order, with their links.
#[derive(Debug, Clone)]
pub(crate) struct Dag {
    root: ActHash,
    nodes: Vec<Node>,
    index: HashMap<ActHash, usize>,
    children: Vec<Vec<usize>>,
    heads: BTreeSet<ActHash>,
}

impl Dag {
    pub fn new(root: ActHash) -> Dag {
        Dag {
            root,
            nodes: Vec::new(),
            index: HashMap::new(),
            children: Vec::new(),
            heads: BTreeSet::new(),
        }
    }

    pub fn root(&self) -> ActHash {
        self.root
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn find(&self, hash: &ActHash) -> Option<usize> {
        self.index.get(hash).copied()
    }

    pub fn node(&self, i: usize) -> &Node {
        &self.nodes[i]
    }

    /// The acts naming act `i` as a parent.
    pub fn children(&self, i: usize) -> &[usize] {
        &self.children[i]
    }

    /// The parents' indexes, or the parents this graph lacks (the root is
    /// always known).
    pub fn resolve(&self, parents: &[ActHash]) -> Result<Vec<usize>, Vec<ActHash>> {
        let mut found = Vec::with_capacity(parents.len());
        let mut missing = Vec::new();
        for parent in parents {
            if *parent == self.root {
                continue;
            }
            match self.find(parent) {
                Some(i) => found.push(i),
                None => missing.push(*parent),
            }
        }
        if missing.is_empty() {
            Ok(found)
        } else {
            Err(missing)
        }
    }

    pub fn depth_under(&self, parents: &[usize]) -> u32 {
        parents
            .iter()
            .map(|&p| self.nodes[p].depth)
            .max()
            .unwrap_or(0)
            .saturating_add(1)
    }

    /// Adds an accepted act whose parents are all present.
    pub fn push(&mut self, node: Node) -> usize {
        let i = self.nodes.len();
        for &p in &node.parents {
            self.children[p].push(i);
            self.heads.remove(&self.nodes[p].hash);
        }
        self.heads.insert(node.hash);
        self.index.insert(node.hash, i);
        self.children.push(Vec::new());
        self.nodes.push(node);
        i
    }

    /// The acts no other act builds on, in ascending order; the root alone
    /// when there is no act yet.
    pub fn heads(&self) -> Vec<ActHash> {
        if self.heads.is_empty() {
            vec![self.root]
        } else {
            self.heads.iter().copied().collect()
        }
    }

    /// True when an act with these parents has every act of the graph in
    /// its causal past (it names every head: a head is nobody's ancestor,
    /// so it is in a past only as a parent).
    pub fn names_every_head(&self, parents: &[ActHash]) -> bool {
        self.heads.iter().all(|h| parents.binary_search(h).is_ok())
    }

    /// The causal past of an act with these parents, as a membership mask
    /// (tests use it: the ledger searches pasts more narrowly).
    #[cfg(test)]
    pub fn past(&self, parents: &[usize]) -> Vec<bool> {
        let mut mask = vec![false; self.nodes.len()];
        let mut stack: Vec<usize> = parents.to_vec();
        while let Some(i) = stack.pop() {
            if !mask[i] {
                mask[i] = true;
                stack.extend(self.nodes[i].parents.iter().copied().filter(|&p| !mask[p]));
            }
        }
        mask
    }

    /// Whether `target` is in the causal past of an act with these parents.
    /// Acts no deeper than the target cannot have it as an ancestor, which
    /// keeps the search near the target.
    pub fn in_past(&self, target: usize, parents: &[usize]) -> bool {
        let depth = self.nodes[target].depth;
        let mut seen = vec![false; self.nodes.len()];
        let mut stack: Vec<usize> = parents.to_vec();
        while let Some(i) = stack.pop() {
            if i == target {
                return true;
            }
            if seen[i] || self.nodes[i].depth <= depth {
                continue;
            }
            seen[i] = true;
            stack.extend(self.nodes[i].parents.iter().copied());
        }
        false
    }

    /// The order (see the laws) of every act, or of the acts in `mask`,
    /// which must be closed under parents: the definition, which tests check
    /// the ledger's incremental order against.
    #[cfg(test)]
    pub fn order(&self, mask: Option<&[bool]>) -> Vec<usize> {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let inside = |i: usize| mask.is_none_or(|m| m[i]);
        let mut waiting: Vec<usize> = self.nodes.iter().map(|n| n.parents.len()).collect();
        let mut ready: BinaryHeap<Reverse<(ActHash, usize)>> = self
            .nodes
            .iter()
            .enumerate()
            .filter(|&(i, n)| n.parents.is_empty() && inside(i))
            .map(|(i, n)| Reverse((n.hash, i)))
            .collect();
        let mut out = Vec::new();
        while let Some(Reverse((_, i))) = ready.pop() {
            out.push(i);
            for &c in &self.children[i] {
                if !inside(c) {
                    continue;
                }
                waiting[c] -= 1;
                if waiting[c] == 0 {
                    ready.push(Reverse((self.nodes[c].hash, c)));
                }
            }
        }
        out
    }
}

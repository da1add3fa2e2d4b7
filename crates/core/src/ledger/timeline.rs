//! The order of every act held and the fold along it, kept up to date
//! without refolding the whole ledger for each act.
//!
//! Two facts make it cheap (both follow from the laws of [`dag`](super::dag)):
//!
//! - Adding an act never reorders the others: the order of the new set,
//!   restricted to the old one, is the old order. The new act becomes
//!   ready right after its last parent; from there it is taken at the first
//!   step whose act (the smallest ready one without it) has a greater hash,
//!   or last. Only the fold from that position on changes: it is taken up
//!   again from the last checkpoint before it.
//! - The fold of a causal past (what acceptance needs) is the fold of its
//!   acts in the order. It may start from any checkpoint whose prefix of
//!   the order lies inside the past. A prefix lies inside a past exactly
//!   when the prefix's heads (its acts without a child in the prefix) do,
//!   and a head of a prefix is in a past exactly when the act or one of
//!   its ancestors *outside* the prefix names it as a parent: so a search
//!   that never enters the prefix decides it.

use std::collections::HashSet;

use super::dag::Dag;
use super::resolve::State;

/// Positions of the order between two checkpoints.
const CHECKPOINT_EVERY: usize = 32;
/// Checkpoints kept besides the founding state: the latest ones, since new
/// acts build on recent ones.
const CHECKPOINTS_KEPT: usize = 16;

/// The fold of a prefix of the order.
#[derive(Debug, Clone)]
struct Checkpoint {
    /// The length of the prefix.
    prefix: usize,
    /// The prefix's acts that have no child in the prefix.
    heads: Vec<usize>,
    state: State,
}

#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    /// Every act (node index), in the order of the laws.
    order: Vec<usize>,
    /// Node index → position in `order`.
    position: Vec<usize>,
    /// Ascending by prefix; the first is the founding state (prefix 0),
    /// never dropped.
    checkpoints: Vec<Checkpoint>,
    /// The fold of every act.
    state: State,
}

impl Timeline {
    pub fn new(genesis: State) -> Timeline {
        Timeline {
            order: Vec::new(),
            position: Vec::new(),
            state: genesis.clone(),
            checkpoints: vec![Checkpoint {
                prefix: 0,
                heads: Vec::new(),
                state: genesis,
            }],
        }
    }

    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// The fold of every act.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The founding state.
    pub fn genesis(&self) -> &State {
        &self.checkpoints[0].state
    }

    /// Places node `i`, just added to `dag`, in the order and folds it in.
    pub fn insert(&mut self, dag: &Dag, i: usize) {
        let node = dag.node(i);
        let ready_from = node
            .parents
            .iter()
            .map(|&p| self.position[p] + 1)
            .max()
            .unwrap_or(0);
        let at = (ready_from..self.order.len())
            .find(|&p| node.hash < dag.node(self.order[p]).hash)
            .unwrap_or(self.order.len());
        self.order.insert(at, i);
        self.position.push(at);
        for (p, &n) in self.order.iter().enumerate().skip(at) {
            self.position[n] = p;
        }
        if at + 1 == self.order.len() {
            self.state.apply(node);
            self.checkpoint_at(dag, self.order.len());
            return;
        }
        self.checkpoints.retain(|c| c.prefix <= at);
        let last = self.checkpoints.len() - 1;
        let from = self.checkpoints[last].prefix;
        self.state = self.checkpoints[last].state.clone();
        for p in from..self.order.len() {
            self.state.apply(dag.node(self.order[p]));
            self.checkpoint_at(dag, p + 1);
        }
    }

    /// Records the fold of every act up to `prefix` if that is a
    /// checkpoint's place.
    fn checkpoint_at(&mut self, dag: &Dag, prefix: usize) {
        if !prefix.is_multiple_of(CHECKPOINT_EVERY) {
            return;
        }
        let heads = self.order[..prefix]
            .iter()
            .copied()
            .filter(|&n| dag.children(n).iter().all(|&c| self.position[c] >= prefix))
            .collect();
        self.checkpoints.push(Checkpoint {
            prefix,
            heads,
            state: self.state.clone(),
        });
        if self.checkpoints.len() > CHECKPOINTS_KEPT + 1 {
            self.checkpoints.remove(1);
        }
    }

    /// The fold of the causal past of an act with these parents.
    pub fn fold_past(&self, dag: &Dag, parents: &[usize]) -> State {
        for checkpoint in self.checkpoints.iter().rev() {
            if let Some(acts) = self.past_beyond(dag, parents, checkpoint) {
                let mut state = checkpoint.state.clone();
                for i in acts {
                    state.apply(dag.node(i));
                }
                return state;
            }
        }
        // The founding checkpoint (no heads) always answers.
        self.checkpoints[0].state.clone()
    }

    /// The acts of the past after the checkpoint's prefix, in order, if the
    /// whole prefix lies inside the past (see the module doc).
    fn past_beyond(
        &self,
        dag: &Dag,
        parents: &[usize],
        checkpoint: &Checkpoint,
    ) -> Option<Vec<usize>> {
        let mut beyond = HashSet::new();
        let mut named_in_prefix = HashSet::new();
        let mut stack = parents.to_vec();
        while let Some(i) = stack.pop() {
            if self.position[i] < checkpoint.prefix {
                named_in_prefix.insert(i);
            } else if beyond.insert(i) {
                stack.extend_from_slice(&dag.node(i).parents);
            }
        }
        if !checkpoint.heads.iter().all(|h| named_in_prefix.contains(h)) {
            return None;
        }
        let mut acts: Vec<usize> = beyond.into_iter().collect();
        acts.sort_unstable_by_key(|&i| self.position[i]);
        Some(acts)
    }
}

//! The transition graph of one scope, shared by the graph rules
//! (`unreachable-state`, `unreachable-from-start`, `loop-no-exit`). Not a rule itself.
//!
//! Edges are `Next`, Choice rules' `Next`, `Default` and Catchers' `Next`. Everything
//! is iterative: a definition with thousands of states cannot overflow the stack.

use crate::model::{Scope, StateId, StateMachine};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash (as rustc uses it): much faster than SipHash for short keys such as
/// state names. A definition crafted to collide only slows down its own check.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let word = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            h = (h.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
        self.0 = h;
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by names, hashed with [`FxHasher`].
pub type NameMap<'a, V> = HashMap<&'a str, V, BuildHasherDefault<FxHasher>>;

/// States of one scope, numbered `0..len` in document order, and their edges.
pub struct ScopeGraph<'a> {
    /// Local index to state id.
    pub ids: Vec<StateId>,
    /// Name to local index; with duplicate keys in one `States` object, the first one.
    pub index: NameMap<'a, usize>,
    /// Successors of state `i` (targets that exist in the scope), without
    /// duplicates: `succ_list[succ_start[i]..succ_start[i + 1]]`, one allocation
    /// for all states. Read them with [`ScopeGraph::succ`].
    succ_start: Vec<u32>,
    succ_list: Vec<usize>,
    /// Whether a state names a target that does not exist in the scope.
    pub dangling: Vec<bool>,
    /// The local index of `StartAt`, when it names a state of the scope.
    pub start: Option<usize>,
}

impl<'a> ScopeGraph<'a> {
    pub fn new(m: &'a StateMachine<'a>, scope: &Scope) -> ScopeGraph<'a> {
        let ids = scope.states.clone();
        // With duplicate keys in one `States` object the first one answers to the name.
        let mut index: NameMap<'a, usize> =
            NameMap::with_capacity_and_hasher(ids.len(), Default::default());
        for (i, &sid) in ids.iter().enumerate() {
            index.entry(m.states[sid].name).or_insert(i);
        }
        let mut succ_start = Vec::with_capacity(ids.len() + 1);
        let mut succ_list = Vec::with_capacity(ids.len() * 2);
        let mut dangling = vec![false; ids.len()];
        for (i, &sid) in ids.iter().enumerate() {
            let first = succ_list.len();
            succ_start.push(first as u32);
            for (target, _) in m.states[sid].targets() {
                match index.get(target.value) {
                    Some(&j) => {
                        if !succ_list[first..].contains(&j) {
                            succ_list.push(j);
                        }
                    }
                    None => dangling[i] = true,
                }
            }
        }
        succ_start.push(succ_list.len() as u32);
        let start = scope
            .start_at
            .as_ref()
            .and_then(|s| index.get(s.value).copied());
        ScopeGraph {
            ids,
            index,
            succ_start,
            succ_list,
            dangling,
            start,
        }
    }

    /// The successors of state `i`.
    pub fn succ(&self, i: usize) -> &[usize] {
        &self.succ_list[self.succ_start[i] as usize..self.succ_start[i + 1] as usize]
    }

    /// Every state some transition names (with duplicates).
    pub fn targets(&self) -> &[usize] {
        &self.succ_list
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Every state reachable from `from` (including `from` themselves).
    pub fn reachable(&self, from: impl IntoIterator<Item = usize>) -> Vec<bool> {
        let mut seen = vec![false; self.len()];
        let mut stack: Vec<usize> = Vec::new();
        for s in from {
            if s < seen.len() && !seen[s] {
                seen[s] = true;
                stack.push(s);
            }
        }
        while let Some(n) = stack.pop() {
            for &t in self.succ(n) {
                if !seen[t] {
                    seen[t] = true;
                    stack.push(t);
                }
            }
        }
        seen
    }

    /// Every state from which one of `targets` can be reached (including the targets).
    pub fn reaching(&self, targets: impl IntoIterator<Item = usize>) -> Vec<bool> {
        // Predecessors in one list, by target, as the successors are.
        let n = self.len();
        let mut pred_start = vec![0u32; n + 1];
        for &t in &self.succ_list {
            pred_start[t + 1] += 1;
        }
        for i in 0..n {
            pred_start[i + 1] += pred_start[i];
        }
        let mut fill = pred_start.clone();
        let mut pred_list = vec![0usize; self.succ_list.len()];
        for i in 0..n {
            for &t in self.succ(i) {
                pred_list[fill[t] as usize] = i;
                fill[t] += 1;
            }
        }
        let pred = |t: usize| &pred_list[pred_start[t] as usize..pred_start[t + 1] as usize];
        let mut seen = vec![false; self.len()];
        let mut stack: Vec<usize> = Vec::new();
        for s in targets {
            if s < seen.len() && !seen[s] {
                seen[s] = true;
                stack.push(s);
            }
        }
        while let Some(n) = stack.pop() {
            for &p in pred(n) {
                if !seen[p] {
                    seen[p] = true;
                    stack.push(p);
                }
            }
        }
        seen
    }

    /// Strongly connected components (Tarjan's algorithm, iterative), each sorted,
    /// ordered by their first state.
    pub fn sccs(&self) -> Vec<Vec<usize>> {
        const UNSEEN: usize = usize::MAX;
        let n = self.len();
        let mut index = vec![UNSEEN; n];
        let mut low = vec![0usize; n];
        let mut on_stack = vec![false; n];
        let mut stack: Vec<usize> = Vec::new();
        let mut next_index = 0usize;
        let mut out: Vec<Vec<usize>> = Vec::new();
        // (node, position in its successor list)
        let mut work: Vec<(usize, usize)> = Vec::new();
        for root in 0..n {
            if index[root] != UNSEEN {
                continue;
            }
            work.push((root, 0));
            while let Some(&(v, pos)) = work.last() {
                if pos == 0 && index[v] == UNSEEN {
                    index[v] = next_index;
                    low[v] = next_index;
                    next_index += 1;
                    stack.push(v);
                    on_stack[v] = true;
                }
                if let Some(&w) = self.succ(v).get(pos) {
                    if let Some(top) = work.last_mut() {
                        top.1 += 1;
                    }
                    if index[w] == UNSEEN {
                        work.push((w, 0));
                    } else if on_stack[w] {
                        low[v] = low[v].min(index[w]);
                    }
                    continue;
                }
                work.pop();
                if let Some(&(parent, _)) = work.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut component = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        component.push(w);
                        if w == v {
                            break;
                        }
                    }
                    component.sort_unstable();
                    out.push(component);
                }
            }
        }
        out.sort_by_key(|c| c[0]);
        out
    }

    /// Whether a component is a loop: more than one state, or a state naming itself.
    pub fn is_cycle(&self, component: &[usize]) -> bool {
        component.len() > 1
            || component
                .first()
                .is_some_and(|&v| self.succ(v).contains(&v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse_json;
    use crate::model::build;

    fn graph(json: &str) -> ScopeGraph<'static> {
        let root: &'static _ = Box::leak(Box::new(parse_json(json).unwrap()));
        let m: &'static _ = Box::leak(Box::new(build(root)));
        ScopeGraph::new(m, &m.scopes[0])
    }

    #[test]
    fn finds_components_and_reachability() {
        let g = graph(
            r#"{"StartAt":"A","States":{"A":{"Type":"Pass","Next":"B"},"B":{"Type":"Pass","Next":"C"},
               "C":{"Type":"Choice","Choices":[{"Variable":"$.x","IsPresent":true,"Next":"B"}],"Default":"D"},
               "D":{"Type":"Succeed"},"E":{"Type":"Pass","Next":"E"},"F":{"Type":"Pass","Next":"Gone"}}}"#,
        );
        assert_eq!(g.start, Some(0));
        assert_eq!(
            g.sccs(),
            vec![vec![0], vec![1, 2], vec![3], vec![4], vec![5]]
        );
        assert!(g.is_cycle(&[1, 2]) && g.is_cycle(&[4]) && !g.is_cycle(&[0]));
        assert_eq!(g.reachable([0]), [true, true, true, true, false, false]);
        assert_eq!(g.reaching([3]), [true, true, true, true, false, false]);
        assert_eq!(g.dangling, [false, false, false, false, false, true]);
    }

    #[test]
    fn long_chains_do_not_overflow_the_stack() {
        let n = 20_000;
        let mut s = String::from(r#"{"StartAt":"S0","States":{"#);
        for i in 0..n {
            let next = (i + 1) % n;
            s.push_str(&format!(r#""S{i}":{{"Type":"Pass","Next":"S{next}"}},"#));
        }
        s.pop();
        s.push_str("}}");
        let g = graph(&s);
        let sccs = g.sccs();
        assert_eq!(sccs.len(), 1);
        assert_eq!(sccs[0].len(), n);
    }
}

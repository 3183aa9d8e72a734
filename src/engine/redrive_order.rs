//! A stored history in the order redrive reads it: each Parallel branch and each
//! inline Map iteration whole, one after another (`ParallelStateStarted`, branch 0's
//! events, branch 1's, ..., then the state's own end), as the engine records branches
//! and iterations that take no time. Branches and iterations that take time
//! interleave by time in the history (see `interleave.rs`); the order is rebuilt
//! from the `previousEventId` chains. The abort events recorded for what a failure
//! cut are left out: an aborted state has no exit, so it runs again.

use serde_json::Value;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Root,
    Branch,
    Iteration(u64),
}

struct Lane {
    parent: usize,
    /// The `ParallelStateStarted`/`MapStateStarted` event (position) that runs it.
    owner: usize,
    kind: Kind,
    /// An iteration's Map name.
    map: String,
    /// The state entered in this lane and not left yet (name), and the
    /// Parallel/Map it runs (`true`: a Parallel), while it runs branches/iterations.
    open: Option<String>,
    running: Option<bool>,
}

fn event_type(e: &Value) -> &str {
    e.get("type").and_then(Value::as_str).unwrap_or_default()
}

fn detail<'v>(e: &'v Value, key: &str) -> Option<&'v Value> {
    e.as_object()?
        .iter()
        .find(|(k, _)| k.ends_with("EventDetails"))
        .and_then(|(_, d)| d.get(key))
}

fn name(e: &Value) -> &str {
    detail(e, "name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// `events` in the order redrive reads them (see the module's comment).
pub(super) fn sequential(events: &[Value]) -> Vec<Value> {
    // Positions by id (ids are 1.. in order, but do not rely on it).
    let mut pos_of = std::collections::HashMap::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        if let Some(id) = e.get("id").and_then(Value::as_u64) {
            pos_of.insert(id, i);
        }
    }
    let mut lanes = vec![Lane {
        parent: 0,
        owner: usize::MAX,
        kind: Kind::Root,
        map: String::new(),
        open: None,
        running: None,
    }];
    let mut lane_of = vec![0usize; events.len()];
    let mut skip = vec![false; events.len()];
    // The lanes each Started event runs, in order.
    let mut children: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    for (i, e) in events.iter().enumerate() {
        let t = event_type(e);
        let p = e
            .get("previousEventId")
            .and_then(Value::as_u64)
            .and_then(|id| pos_of.get(&id).copied())
            .filter(|&p| p < i);
        let pl = p.map_or(0, |p| lane_of[p]);
        let ptype = p.map_or("", |p| event_type(&events[p]));
        // Walks up from `pl` to the first lane `f` accepts.
        let up = |f: &dyn Fn(&Lane) -> bool| {
            let mut l = pl;
            loop {
                if f(&lanes[l]) {
                    return Some(l);
                }
                if l == 0 {
                    return None;
                }
                l = lanes[l].parent;
            }
        };
        let lane = match t {
            "ExecutionAborted" => pl,
            _ if t.ends_with("Aborted") => {
                skip[i] = true;
                pl
            }
            "ParallelStateStarted" | "MapStateStarted" => {
                lanes[pl].running = Some(t == "ParallelStateStarted");
                pl
            }
            "MapIterationStarted" => {
                let map = name(e).to_string();
                let index = detail(e, "index").and_then(Value::as_u64).unwrap_or(0);
                let (parent, owner) = if ptype == "MapStateStarted" {
                    (pl, p.unwrap_or(0))
                } else {
                    match up(&|l: &Lane| matches!(l.kind, Kind::Iteration(_)) && l.map == map) {
                        Some(l) => (lanes[l].parent, lanes[l].owner),
                        None => (pl, p.unwrap_or(0)),
                    }
                };
                lanes.push(Lane {
                    parent,
                    owner,
                    kind: Kind::Iteration(index),
                    map,
                    open: None,
                    running: None,
                });
                children.entry(owner).or_default().push(lanes.len() - 1);
                lanes.len() - 1
            }
            "MapIterationSucceeded" | "MapIterationFailed" => {
                let index = detail(e, "index").and_then(Value::as_u64).unwrap_or(0);
                let map = name(e);
                up(&|l: &Lane| l.kind == Kind::Iteration(index) && l.map == map).unwrap_or(pl)
            }
            "ParallelStateSucceeded"
            | "ParallelStateFailed"
            | "MapStateSucceeded"
            | "MapStateFailed" => {
                let parallel = t.starts_with("Parallel");
                let l = if lanes[pl].running == Some(parallel) {
                    pl
                } else {
                    let owned_by = |l: &Lane| {
                        l.kind != Kind::Root
                            && (l.kind == Kind::Branch) == parallel
                            && lanes_running(events, l.owner) == Some(parallel)
                    };
                    up(&owned_by).map_or(pl, |l| lanes[l].parent)
                };
                lanes[l].running = None;
                l
            }
            _ if t.ends_with("StateEntered") => {
                let l = if ptype == "ParallelStateStarted" {
                    let owner = p.unwrap_or(0);
                    lanes.push(Lane {
                        parent: pl,
                        owner,
                        kind: Kind::Branch,
                        map: String::new(),
                        open: None,
                        running: None,
                    });
                    children.entry(owner).or_default().push(lanes.len() - 1);
                    lanes.len() - 1
                } else {
                    pl
                };
                lanes[l].open = Some(name(e).to_string());
                l
            }
            _ if t.ends_with("StateExited") => {
                let n = name(e);
                let l = up(&|l: &Lane| l.open.as_deref() == Some(n)).unwrap_or(pl);
                lanes[l].open = None;
                lanes[l].running = None;
                l
            }
            _ => pl,
        };
        lane_of[i] = lane;
    }
    // Each lane's events, with the lanes a Started event runs right after it.
    let mut by_lane: Vec<Vec<usize>> = vec![Vec::new(); lanes.len()];
    for (i, &l) in lane_of.iter().enumerate() {
        by_lane[l].push(i);
    }
    let mut out = Vec::with_capacity(events.len());
    let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
    while let Some((lane, at)) = stack.pop() {
        let Some(&i) = by_lane[lane].get(at) else {
            continue;
        };
        stack.push((lane, at + 1));
        if !skip[i] {
            out.push(events[i].clone());
        }
        if let Some(kids) = children.get(&i) {
            for &k in kids.iter().rev() {
                stack.push((k, 0));
            }
        }
    }
    out
}

/// Whether the event at `pos` starts a Parallel (`true`) or a Map (`false`).
fn lanes_running(events: &[Value], pos: usize) -> Option<bool> {
    match events.get(pos).map(event_type) {
        Some("ParallelStateStarted") => Some(true),
        Some("MapStateStarted") => Some(false),
        _ => None,
    }
}

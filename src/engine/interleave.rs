//! Parallel branches and inline Map iterations side by side: each one is recorded
//! into a history of its own (a [`Sub`], local ids from 1), then the histories are
//! merged into the parent's by timestamp, and, when one of them fails, the others
//! are cut at that instant and what they had in flight is recorded as aborted.
//!
//! # Order
//!
//! Events are merged stably by timestamp, and at equal timestamps by *step*: a
//! branch or iteration runs on without a break until it waits on a Task (entering a
//! Task state, the task starting, its result or failure arriving: see
//! [`is_step_boundary`]); the others run meanwhile. Within a step, branch 0's events
//! come first, then branch 1's, ... So branches and iterations whose states take no
//! time come one after another, as every conformance case records them, and those
//! that call Tasks start side by side, as AWS records an inline Map of Lambda tasks
//! (LocalStack's AWS-validated `test_service_lambda_map_timeout`: every
//! `MapIterationStarted` first, then each iteration's `TaskStateEntered` and
//! `TaskScheduled`, then the four `TaskStarted`). An iteration that waits for a
//! `MaxConcurrency` slot starts in the step after the one it waited for ends. When no
//! branch overlaps another the histories are simply concatenated.
//!
//! Which sibling fails first is decided by time alone (at the same instant, the
//! lower index); a sibling that would fail at the same instant in an earlier step is
//! not seen (AWS's order there is a race anyway).
//!
//! # What AWS records when a branch or an iteration fails
//!
//! No recording in the conformance cases shows it. What follows is what floci
//! (github.com/floci-io/floci, an emulator checked against real AWS) measured on AWS
//! and pins in its tests: `AslExecutorParallelCutTest` ("Measured on AWS: ...") and
//! `StepFunctionsMapIterationFailureIntegrationTest` ("measured in ap-northeast-1 on
//! 2026-09-30"), and what its `HistoryChain.publishBeside` documents:
//!
//! - Parallel: each branch still running gets the `<Type>StateAborted` event of the
//!   state it is in (`TaskStateAborted`, `WaitStateAborted`, ...), without details,
//!   chained to the failing branch's last event, all before `ParallelStateFailed`,
//!   which is chained to that same event. A branch that had finished records nothing.
//! - inline Map: each iteration still running gets `MapIterationAborted` (details
//!   `index` and `name`, as the other iteration events) and then the
//!   `<Type>StateAborted` of the state it is in, all chained to the failing
//!   iteration's last event, before the failing iteration's `MapIterationFailed` and
//!   `MapStateFailed` (chained to that same event). An iteration not yet started, or
//!   already ended, records nothing.
//!
//! # The quota of 25,000 events
//!
//! Reached where the merged history reaches it: a branch or an iteration may
//! record, on its own, as many events as the histories it is nested in leave room
//! for; once the siblings that ran fill that room, the ones after run only until
//! the instant of the last event that fits; the merge then keeps the events up to
//! the quota and the execution fails there (`States.Runtime`).
//!
//! Where nothing measured says, the most plausible choice, and so guesses:
//! - an aborted Parallel or Map nested in a cut branch (`ParallelStateAborted`,
//!   `MapStateAborted`) is followed by the aborts of what it had in flight, outer
//!   first, as `MapIterationAborted` precedes the state inside the iteration;
//!   a distributed Map whose Map Run is in flight adds `MapRunAborted` after its
//!   `MapStateAborted` (no details);
//! - the abort events carry the failure's timestamp;
//! - a branch or iteration that would have started after the failure's instant never
//!   starts; at the instant itself, what comes before the failure's step is kept (the
//!   order at equal timestamps above), so the branches after one whose Task fails at
//!   once have started their own Tasks, and are aborted.

use super::errors::StatesError;
use super::run::Stop;
use crate::history::{Details, Event, History, details};

/// Where a branch's or iteration's first event chains to (its local previous id 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ext {
    /// An event of the parent history.
    Id(u64),
    /// The chain's last event of an earlier branch or iteration (a Map's next
    /// iteration follows the one before it).
    TailOf(usize),
}

/// A branch or an iteration nested somewhere inside a [`Sub`]: which lane it hangs
/// from, and the `ParallelStateStarted`/`MapStateStarted` event (local id) of the
/// state that runs it.
#[derive(Debug, Clone)]
pub(super) struct Lane {
    parent: u32,
    owner: u64,
    index: usize,
    iteration: bool,
}

/// For a history being recorded as a [`Sub`]: the lane of each event (an event past
/// the end of `per_event` is in lane 0, the sub's own chain) and the lanes nested in
/// it (lane `l > 0` is `table[l - 1]`).
#[derive(Debug, Default)]
pub(super) struct Lanes {
    per_event: Vec<u32>,
    table: Vec<Lane>,
}

impl Lanes {
    fn of(&self, pos: usize) -> u32 {
        self.per_event.get(pos).copied().unwrap_or(0)
    }

    /// Forgets the lanes of the events from position `len` on (removed).
    pub fn truncate(&mut self, len: usize) {
        self.per_event.truncate(len);
    }
}

/// One branch's or iteration's events, recorded on their own.
#[derive(Debug)]
pub(super) struct Sub {
    pub events: Vec<Event>,
    pub lanes: Lanes,
    pub ext: Ext,
    /// The local id its chain ended on (what the state after it chains from).
    pub tail: u64,
    /// An iteration's `MapIterationSucceeded`/`Failed` (local id).
    pub end: Option<u64>,
    /// Where it starts when it waited for an earlier iteration's `MaxConcurrency`
    /// slot: the step after that one's last event (see [`last_key`]).
    pub start: Option<Key>,
}

impl Sub {
    /// A branch or iteration that records nothing (kept from before a redrive, or
    /// never started).
    pub fn empty(ext: Ext) -> Self {
        Sub {
            events: Vec::new(),
            lanes: Lanes::default(),
            ext,
            tail: 0,
            end: None,
            start: None,
        }
    }
}

/// Where the merge stops: a failure at `at_ms`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cut {
    pub at_ms: i64,
    /// The failing branch or iteration, and how many of its events come before the
    /// aborts (the rest, a `MapIterationFailed`, after them). `None`: the failure is
    /// the parent's own (every branch is then before it).
    pub failing: Option<(usize, usize)>,
    /// Whether what was in flight is recorded as aborted.
    pub aborts: bool,
}

/// New ids of the merged events.
pub(super) enum Merged {
    /// Each sub's events one after another: sub `i`'s event `l` is `offsets[i] + l`.
    Concatenated { offsets: Vec<u64>, lens: Vec<u64> },
    /// Each sub's new ids by local id (0: dropped).
    Mapped(Vec<Vec<u64>>),
}

impl Merged {
    /// The id in the parent history of event `local` of sub `sub` (0 if dropped).
    pub fn id(&self, sub: usize, local: u64) -> u64 {
        if local == 0 {
            return 0;
        }
        match self {
            Merged::Concatenated { offsets, lens } => match (offsets.get(sub), lens.get(sub)) {
                (Some(o), Some(&n)) if local <= n => o + local,
                _ => 0,
            },
            Merged::Mapped(ids) => ids
                .get(sub)
                .and_then(|m| m.get(local as usize - 1))
                .copied()
                .unwrap_or(0),
        }
    }
}

/// Room for the events that follow a merge (the state's end, the execution's):
/// without it the next push would copy the whole history into a block twice as large.
const ROOM_AFTER_MERGE: usize = 16;

/// The common case, branches and iterations that do not overlap in time and nothing
/// failed: each sub's events appended in turn, ids shifted, no tables.
fn concatenate(
    parent: &mut History,
    lanes: Option<&mut Lanes>,
    owner: u64,
    iterations: bool,
    subs: Vec<Sub>,
) -> Merged {
    let total: usize = subs.iter().map(|s| s.events.len()).sum();
    parent.events.reserve(total + ROOM_AFTER_MERGE);
    let mut offsets = Vec::with_capacity(subs.len());
    let mut lens = Vec::with_capacity(subs.len());
    let mut tails: Vec<u64> = Vec::with_capacity(subs.len());
    let mut track = lanes;
    if let Some(l) = track.as_deref_mut() {
        l.per_event.resize(parent.events.len(), 0);
    }
    for (i, s) in subs.into_iter().enumerate() {
        let offset = parent.len() as u64;
        let first_prev = match s.ext {
            Ext::Id(id) => id,
            // The subs chained to have events (their chains are not empty).
            Ext::TailOf(k) => match (offsets.get(k), tails.get(k)) {
                (Some(&o), Some(&t)) if t > 0 => o + t,
                _ => owner,
            },
        };
        lens.push(s.events.len() as u64);
        tails.push(s.tail);
        offsets.push(offset);
        if let Some(l) = track.as_deref_mut() {
            let lane_base = l.table.len() as u32 + 1;
            for pos in 0..s.events.len() {
                l.per_event.push(lane_base + s.lanes.of(pos));
            }
            l.table.push(Lane {
                parent: 0,
                owner,
                index: i,
                iteration: iterations,
            });
            for lane in s.lanes.table {
                l.table.push(Lane {
                    parent: lane_base + lane.parent,
                    owner: if lane.owner == 0 {
                        0
                    } else {
                        offset + lane.owner
                    },
                    index: lane.index,
                    iteration: lane.iteration,
                });
            }
        }
        parent.events.extend(s.events.into_iter().map(|mut e| {
            e.id += offset;
            e.previous_event_id = if e.previous_event_id == 0 {
                first_prev
            } else {
                e.previous_event_id + offset
            };
            e
        }));
    }
    Merged::Concatenated { offsets, lens }
}

/// An abort event to record: type, details, and the sub's lane it belongs to.
type Abort = (&'static str, Option<Details>, u32);

/// Merges `subs` (in index order) into `parent`: by timestamp, stably, cut at `cut`.
/// `owner` is the parent's `ParallelStateStarted`/`MapStateStarted`; `map_name` the
/// Map's name when the subs are its iterations (`None`: a Parallel's branches).
/// `lanes`: the parent's, when the parent is itself a branch or an iteration.
pub(super) fn merge(
    parent: &mut History,
    lanes: Option<&mut Lanes>,
    owner: u64,
    map_name: Option<&str>,
    subs: Vec<Sub>,
    cut: Option<Cut>,
) -> Merged {
    // Each event's key (time, step).
    let keys: Vec<Vec<Key>> = subs.iter().map(|s| keys_of(&s.events, s.start)).collect();
    // How many events of each sub happened before the cut: at the failure's instant,
    // those of its step or before (of a later sibling: before its step).
    let kept: Vec<usize> = keys
        .iter()
        .enumerate()
        .map(|(i, k)| match cut {
            None => k.len(),
            Some(Cut {
                failing: Some((j, keep)),
                at_ms,
                ..
            }) => {
                let failing_key = keep
                    .checked_sub(1)
                    .and_then(|last| keys[j].get(last))
                    .filter(|(t, _)| *t == at_ms)
                    .copied();
                if i == j {
                    keep
                } else if i < j {
                    let bound = failing_key.unwrap_or((at_ms, u32::MAX));
                    count_while(k, |key| key <= bound)
                } else {
                    let bound = failing_key.unwrap_or((at_ms, 0));
                    count_while(k, |key| key < bound)
                }
            }
            Some(Cut {
                failing: None,
                at_ms,
                ..
            }) => count_while(k, |(t, _)| t <= at_ms),
        })
        .collect();
    let failing = cut.and_then(|c| c.failing);
    // What the others had in flight.
    let mut aborts: Vec<(usize, Abort)> = Vec::new();
    if cut.is_some_and(|c| c.aborts) {
        for (i, s) in subs.iter().enumerate() {
            if failing.is_some_and(|(j, _)| j == i) || kept[i] == 0 {
                continue;
            }
            let mut out = Vec::new();
            in_flight(s, kept[i], map_name.map(|n| (i, n)), &mut out);
            aborts.extend(out.into_iter().map(|a| (i, a)));
        }
    }
    // The order: sub indices of the kept events, by key, stably.
    let total: usize = kept.iter().sum();
    let mut sorted = true;
    let mut max_key = (i64::MIN, 0);
    for (i, k) in keys.iter().enumerate() {
        let k = &k[..kept[i]];
        if let (Some(&first), Some(&last)) = (k.first(), k.last()) {
            if first < max_key {
                sorted = false;
                break;
            }
            max_key = max_key.max(last);
        }
    }
    if cut.is_none() && sorted {
        return concatenate(parent, lanes, owner, map_name.is_some(), subs);
    }
    let order: Vec<u32> = if sorted {
        let mut o = Vec::with_capacity(total);
        for (i, &k) in kept.iter().enumerate() {
            o.extend(std::iter::repeat_n(i as u32, k));
        }
        o
    } else {
        let mut keyed: Vec<(Key, u32)> = Vec::with_capacity(total);
        for (i, k) in keys.iter().enumerate() {
            keyed.extend(k[..kept[i]].iter().map(|&key| (key, i as u32)));
        }
        // Stable: each sub's events keep their order.
        keyed.sort_by_key(|&(key, i)| (key, i));
        keyed.into_iter().map(|(_, i)| i).collect()
    };

    let mut ids: Vec<Vec<u64>> = subs.iter().map(|s| vec![0; s.events.len()]).collect();
    let mut emitted = vec![0usize; subs.len()];
    let exts: Vec<Ext> = subs.iter().map(|s| s.ext).collect();
    let tails: Vec<u64> = subs.iter().map(|s| s.tail).collect();
    let mut lanes_of: Vec<Lanes> = Vec::with_capacity(subs.len());
    let mut iters: Vec<std::vec::IntoIter<Event>> = Vec::with_capacity(subs.len());
    for s in subs {
        lanes_of.push(s.lanes);
        iters.push(s.events.into_iter());
    }
    // The lane ids the subs' lanes get in the parent's.
    let track = lanes.is_some();
    let mut lane_base = Vec::new();
    let mut new_lanes: Vec<u32> = Vec::new();
    if let Some(l) = &lanes {
        let mut next = l.table.len() as u32 + 1;
        for sl in &lanes_of {
            lane_base.push(next);
            next += 1 + sl.table.len() as u32;
        }
    }
    parent
        .events
        .reserve(total + aborts.len() + ROOM_AFTER_MERGE);
    let mut fail_event = 0u64;
    let iterations = map_name.is_some();
    let push = |parent: &mut History,
                ids: &mut Vec<Vec<u64>>,
                emitted: &mut Vec<usize>,
                iters: &mut Vec<std::vec::IntoIter<Event>>,
                new_lanes: &mut Vec<u32>,
                i: usize| {
        let Some(mut e) = iters[i].next() else {
            return 0;
        };
        let id = parent.len() as u64 + 1;
        let local = e.id as usize;
        e.previous_event_id = if e.previous_event_id == 0 {
            resolve(iterations, exts[i], &exts, &tails, ids, emitted, owner)
        } else {
            ids[i]
                .get(e.previous_event_id as usize - 1)
                .copied()
                .unwrap_or(0)
        };
        e.id = id;
        if let Some(slot) = ids[i].get_mut(local - 1) {
            *slot = id;
        }
        emitted[i] += 1;
        if track {
            new_lanes.push(lane_base[i] + lanes_of[i].of(local - 1));
        }
        parent.events.push(e);
        id
    };
    for &i in &order {
        let id = push(
            parent,
            &mut ids,
            &mut emitted,
            &mut iters,
            &mut new_lanes,
            i as usize,
        );
        if failing.is_some_and(|(j, keep)| j == i as usize && emitted[j] == keep) {
            fail_event = id;
        }
    }
    let at_ms = cut.map_or(0, |c| c.at_ms);
    let abort_prev = if fail_event != 0 {
        fail_event
    } else {
        parent.events.last().map_or(0, |e| e.id)
    };
    for (i, (event_type, d, lane)) in aborts {
        parent.push(event_type, abort_prev, at_ms, d);
        if track {
            new_lanes.push(lane_base[i] + lane);
        }
    }
    // The failing iteration's MapIterationFailed.
    if let Some((j, _)) = failing {
        while !iters[j].as_slice().is_empty() {
            push(
                parent,
                &mut ids,
                &mut emitted,
                &mut iters,
                &mut new_lanes,
                j,
            );
        }
    }
    if let Some(l) = lanes {
        let start = parent.events.len() - new_lanes.len();
        l.per_event.resize(start, 0);
        l.per_event.extend(new_lanes);
        for (i, sl) in lanes_of.into_iter().enumerate() {
            let b = lane_base[i];
            l.table.push(Lane {
                parent: 0,
                owner,
                index: i,
                iteration: map_name.is_some(),
            });
            for lane in sl.table {
                l.table.push(Lane {
                    parent: b + lane.parent,
                    owner: if lane.owner == 0 {
                        0
                    } else {
                        ids[i].get(lane.owner as usize - 1).copied().unwrap_or(0)
                    },
                    index: lane.index,
                    iteration: lane.iteration,
                });
            }
        }
    }
    Merged::Mapped(ids)
}

/// The parent-history id a sub's first event chains to: the parent's event, or the
/// last event an earlier sub had recorded so far (up to its chain's end).
fn resolve(
    iterations: bool,
    ext: Ext,
    exts: &[Ext],
    tails: &[u64],
    ids: &[Vec<u64>],
    emitted: &[usize],
    fallback: u64,
) -> u64 {
    let mut ext = ext;
    // Each step goes to an earlier sub: it ends.
    loop {
        match ext {
            Ext::Id(id) => return id,
            Ext::TailOf(k) => {
                let upto = (tails[k] as usize).min(emitted[k]);
                // An iteration that has recorded no more than its MapIterationStarted
                // has no state event to follow yet: the ones before it are followed
                // (AWS chains iterations started side by side to MapStateStarted).
                if upto > usize::from(iterations) && ids[k][upto - 1] != 0 {
                    return ids[k][upto - 1];
                }
                match exts.get(k) {
                    Some(&next) if next != ext => ext = next,
                    _ => return fallback,
                }
            }
        }
    }
}

/// Where a branch or iteration stops to wait on a Task, and the others run: AWS
/// dispatches Task states, and their results, apart from the states around them.
pub(super) fn is_step_boundary(event_type: &str) -> bool {
    match event_type.as_bytes().first() {
        Some(b'T') => matches!(
            event_type,
            "TaskStateEntered"
                | "TaskStarted"
                | "TaskSubmitted"
                | "TaskSucceeded"
                | "TaskFailed"
                | "TaskTimedOut"
                | "TaskStartFailed"
                | "TaskSubmitFailed"
        ),
        Some(b'L') => matches!(
            event_type,
            "LambdaFunctionStarted"
                | "LambdaFunctionSucceeded"
                | "LambdaFunctionFailed"
                | "LambdaFunctionTimedOut"
                | "LambdaFunctionStartFailed"
        ),
        Some(b'A') => matches!(
            event_type,
            "ActivityStarted" | "ActivitySucceeded" | "ActivityFailed" | "ActivityTimedOut"
        ),
        _ => false,
    }
}

/// The merge order of an event: its timestamp, then its step at that timestamp.
pub(super) type Key = (i64, u32);

/// The key of each of `events`, the steps at their first timestamp counted from
/// `start` (see [`Sub::start`]) when that timestamp is `start`'s.
fn keys_of(events: &[Event], start: Option<Key>) -> Vec<Key> {
    let mut out = Vec::with_capacity(events.len());
    let mut at = None;
    let mut step = 0;
    for e in events {
        if at != Some(e.timestamp_ms) {
            at = Some(e.timestamp_ms);
            step = match start {
                Some((t, s)) if t == e.timestamp_ms => s,
                _ => 0,
            };
        }
        if is_step_boundary(e.event_type) {
            step += 1;
        }
        out.push((e.timestamp_ms, step));
    }
    out
}

/// The key of the last of `events` (see [`keys_of`]), without keeping the others.
pub(super) fn last_key(events: &[Event], start: Option<Key>) -> Option<Key> {
    let last = events.last()?;
    let step = events
        .iter()
        .rev()
        .take_while(|e| e.timestamp_ms == last.timestamp_ms)
        .filter(|e| is_step_boundary(e.event_type))
        .count() as u32;
    let base = match start {
        Some((t, s)) if t == last.timestamp_ms => s,
        _ => 0,
    };
    Some((last.timestamp_ms, base + step))
}

fn count_while(keys: &[Key], keep: impl Fn(Key) -> bool) -> usize {
    keys.iter().take_while(|&&k| keep(k)).count()
}

#[derive(Debug, Clone, Copy, Default)]
struct LaneState {
    /// The state entered and not left: its Entered event's position, and its last
    /// `ParallelStateStarted`/`MapStateStarted` (id), if any.
    open: Option<(usize, u64)>,
    iteration_started: bool,
    iteration_ended: bool,
    map_run: bool,
}

/// The abort events for what `sub` had in flight after its first `n` events, outer
/// first. `iteration`: its index and Map's name, if the sub is a Map iteration.
fn in_flight(sub: &Sub, n: usize, iteration: Option<(usize, &str)>, out: &mut Vec<Abort>) {
    let mut st = vec![LaneState::default(); sub.lanes.table.len() + 1];
    for (pos, e) in sub.events[..n].iter().enumerate() {
        let s = &mut st[sub.lanes.of(pos) as usize];
        let t = e.event_type;
        match t {
            "ParallelStateStarted" | "MapStateStarted" => {
                if let Some(o) = &mut s.open {
                    o.1 = e.id;
                }
            }
            "MapIterationStarted" => s.iteration_started = true,
            "MapIterationSucceeded" | "MapIterationFailed" | "MapIterationAborted" => {
                s.iteration_ended = true
            }
            "MapRunStarted" | "MapRunRedriven" => s.map_run = true,
            "MapRunSucceeded" | "MapRunFailed" | "MapRunAborted" => s.map_run = false,
            _ if t.ends_with("StateEntered") => {
                s.open = Some((pos, 0));
                s.map_run = false;
            }
            _ if t.ends_with("StateExited") || t.ends_with("StateAborted") => s.open = None,
            _ => {}
        }
    }
    emit(sub, &st, 0, iteration, out);
}

fn emit(
    sub: &Sub,
    st: &[LaneState],
    lane: u32,
    iteration: Option<(usize, &str)>,
    out: &mut Vec<Abort>,
) {
    let s = &st[lane as usize];
    if let Some((index, name)) = iteration {
        if !s.iteration_started || s.iteration_ended {
            return;
        }
        let d = details([
            ("index", Some(serde_json::json!(index))),
            ("name", Some(serde_json::json!(name))),
        ]);
        out.push(("MapIterationAborted", Some(d), lane));
    }
    let Some((pos, started)) = s.open else {
        return;
    };
    let entered = &sub.events[pos];
    let (abort, nested) = match entered.event_type {
        "TaskStateEntered" => ("TaskStateAborted", false),
        "WaitStateEntered" => ("WaitStateAborted", false),
        "ParallelStateEntered" => ("ParallelStateAborted", true),
        "MapStateEntered" => ("MapStateAborted", true),
        // Pass, Choice, Succeed and Fail take no time: never in flight.
        _ => return,
    };
    out.push((abort, None, lane));
    if abort == "MapStateAborted" && s.map_run {
        out.push(("MapRunAborted", None, lane));
    }
    if !nested || started == 0 {
        return;
    }
    let name = entered
        .details
        .as_ref()
        .and_then(|d| d.get("name"))
        .and_then(|f| f.as_str())
        .unwrap_or_default();
    for (k, l) in sub.lanes.table.iter().enumerate() {
        if l.parent == lane && l.owner == started {
            emit(
                sub,
                st,
                k as u32 + 1,
                l.iteration.then_some((l.index, name)),
                out,
            );
        }
    }
}

/// How the branches of a Parallel, or the iterations of an inline Map, went side by
/// side (they run one after another here).
pub(super) struct Siblings {
    /// The cut set by an enclosing Parallel or Map, restored once these are done.
    pub outer_cut: Option<i64>,
    /// The failure that stops the others: when, which one, how many of its events
    /// come before the aborts, the error.
    failure: Option<(i64, usize, usize, StatesError)>,
    /// A time-out, or a cut from an enclosing failure, and the clock then.
    stop: Option<(Stop, i64)>,
    /// The instant by which the history reaches its quota: the siblings that run
    /// later stop there (their events at that instant come after its last).
    quota: Option<i64>,
    /// How many events the siblings recorded.
    counted: usize,
    /// Once they fill the history's room: their timestamps, the smallest first.
    times: Vec<i64>,
}

pub(super) enum SiblingsEnd {
    Failed {
        at_ms: i64,
        sub: usize,
        keep: usize,
        error: StatesError,
    },
    Stopped(Stop, i64),
    Done,
}

impl Siblings {
    pub fn new(outer_cut: Option<i64>) -> Self {
        Siblings {
            outer_cut,
            failure: None,
            stop: None,
            quota: None,
            counted: 0,
            times: Vec::new(),
        }
    }

    /// Where the siblings that run from now on stop: the earliest of an enclosing
    /// cut, a failure, the instant the history is full.
    fn set_cut(&self, cut: &mut Option<i64>) {
        *cut = [
            self.outer_cut,
            // The siblings that run after a failure still run through its instant:
            // at it, they take their turns up to the failure's step (the merge
            // keeps what comes before it), as a Task that failed at once lets the
            // others start theirs.
            self.failure.as_ref().map(|f| f.0 + 1),
            self.quota,
        ]
        .into_iter()
        .flatten()
        .min();
    }

    /// Counts the events of the sibling that just ended (the last of `subs`)
    /// towards the quota, `room` being how many more events the history can take.
    /// Once the siblings' events fill it, the history is full at the instant of
    /// the last that fits in time order (see [`Self::full_at`]).
    pub fn count(&mut self, subs: &[Sub], room: usize, cut: &mut Option<i64>) {
        let last = subs.last().map_or(&[][..], |s| &s.events[..]);
        self.counted += last.len();
        if self.counted < room || room == 0 {
            return;
        }
        if self.times.is_empty() {
            let all = subs.iter().flat_map(|s| &s.events);
            self.times = all.map(|e| e.timestamp_ms).collect();
        } else {
            self.times.extend(last.iter().map(|e| e.timestamp_ms));
        }
        let (_, &mut at, _) = self.times.select_nth_unstable(room - 1);
        self.times.truncate(room);
        self.full_at(at, cut);
    }

    /// The history is full by instant `at`: a sibling reached the quota on its own
    /// then, or the siblings' events together fill it by then. Which event is the
    /// last only the merge tells (one that ran later may add events before `at`).
    pub fn full_at(&mut self, at: i64, cut: &mut Option<i64>) {
        if self.quota.is_none_or(|q| at < q) {
            self.quota = Some(at);
            self.set_cut(cut);
        }
    }

    /// Sibling `index` failed at `at`. The earliest failure wins (at the same instant, the
    /// lower index: it comes first); the ones that run after it stop at its instant.
    pub fn failed(
        &mut self,
        at: i64,
        cut: &mut Option<i64>,
        index: usize,
        keep: usize,
        e: StatesError,
    ) {
        if self.failure.as_ref().is_none_or(|f| at < f.0) {
            self.failure = Some((at, index, keep, e));
            self.set_cut(cut);
        }
    }

    /// A sibling stopped for another reason: a time-out, a cut or the quota waits
    /// for the others; anything else (Ctrl-C, a missing mock) is handed back to
    /// stop at once.
    pub fn stopped(&mut self, stop: Stop, at: i64, cut: &mut Option<i64>) -> Result<(), Stop> {
        match stop {
            Stop::Quota => {
                self.full_at(at, cut);
                if !matches!(self.stop, Some((Stop::TimedOut, _))) {
                    self.stop = Some((Stop::Quota, at));
                }
                Ok(())
            }
            Stop::TimedOut => {
                if !matches!(self.stop, Some((Stop::TimedOut, _))) {
                    self.stop = Some((Stop::TimedOut, at));
                }
                Ok(())
            }
            Stop::Cut => {
                if self.stop.is_none() {
                    self.stop = Some((Stop::Cut, at));
                }
                Ok(())
            }
            other => Err(other),
        }
    }

    pub fn end(self) -> SiblingsEnd {
        if let Some((at_ms, sub, keep, error)) = self.failure {
            return SiblingsEnd::Failed {
                at_ms,
                sub,
                keep,
                error,
            };
        }
        match self.stop {
            Some((stop, at)) => SiblingsEnd::Stopped(stop, at),
            None => SiblingsEnd::Done,
        }
    }
}

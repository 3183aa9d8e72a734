//! Redrive: an unsuccessful execution resumed from its stored history, as AWS's
//! `RedriveExecution` does.
//!
//! AWS redrives every state that has a `<Type>StateEntered` event without its
//! `<Type>StateExited` ("Redriving Map Runs", Step Functions developer guide): the
//! state runs again with the input it was entered with, after an `ExecutionRedriven`
//! event in the same history. States that exited are not run again. Inside an inline
//! Map or a Parallel, only the iterations and branches that did not succeed run
//! again; the others keep their recorded outputs. Retries start from zero.
//!
//! The history is read as the engine writes branches and iterations that take no
//! time: one after another, each Parallel branch starting with a state entered right
//! after `ParallelStateStarted` (`redrive_order` puts interleaved ones back in that
//! order and leaves out the abort events: an aborted state has no exit, so it runs
//! again).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Mutex;

use serde_json::{Map, Value, json};

use super::plan::{Body, Plan};
use super::run::{Runner, iso};
use super::{Execution, RunError, RunOptions};
use crate::history::{Details, Event, History, details};
use crate::mocks::Mocks;
use crate::model::{ScopeId, StateId, StateType};

/// What a redrive needs beside the plan and the mocks.
#[derive(Debug, Clone)]
pub struct RedriveRequest<'a> {
    /// The stored `GetExecutionHistory` response.
    pub history: &'a Value,
    /// The execution's input.
    pub input: Value,
    /// The execution's `redriveCount` once this redrive is made (1 for the first).
    pub redrive_count: u32,
    /// When the redrive starts, in milliseconds since the epoch.
    pub redrive_ms: i64,
    /// Mock calls recorded after this event id are replayed, so that list entries
    /// "consumed call by call" and call numbers continue where they were; `None`:
    /// the mocks start afresh.
    pub replay_mocks_after: Option<u64>,
    /// The execution's distributed Map Runs, as the run (or the last redrive) left them.
    pub map_runs: super::MapRuns,
}

/// Why a redrive could not run.
#[derive(Debug, Clone, PartialEq)]
pub enum RedriveError {
    /// As for a run: a Task reached with no mock.
    Run(Box<RunError>),
    /// The stored history is not one this execution could have written.
    History(String),
}

/// Where one scope (the top level, a branch, an iteration) starts again.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Resume {
    pub state: StateId,
    /// The input the state was entered with.
    pub input: Value,
    /// The workflow variables as the state saw them.
    pub variables: Map<String, Value>,
    /// For a Map or Parallel: its iterations or branches by index, as they ended;
    /// an index not here runs afresh.
    pub children: BTreeMap<usize, Child>,
    /// For a distributed Map: the Map Run to redrive.
    pub map_run: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Child {
    /// Succeeded: its output is kept, it does not run again.
    Done(Value),
    /// Stopped part-way: it resumes.
    Resume(Resume),
}

/// The runner's redrive state: what the next scope, Map or Parallel picks up.
#[derive(Debug, Default)]
pub(super) struct Pending {
    /// Taken by the next scope that starts.
    pub resume: Option<Resume>,
    /// The iterations or branches of the Map or Parallel state about to run again.
    children: Option<(StateId, BTreeMap<usize, Child>)>,
    /// A distributed Map's Map Run to redrive, and the redrive count.
    map_run: Option<(StateId, String, u32)>,
    redrive_count: u32,
}

impl Pending {
    /// Called as a scope starts: where it resumes, if it does.
    pub(super) fn start_scope(&mut self) -> Option<(StateId, Value, Map<String, Value>)> {
        let r = self.resume.take()?;
        if !r.children.is_empty() {
            self.children = Some((r.state, r.children));
        }
        if let Some(arn) = r.map_run {
            self.map_run = Some((r.state, arn, self.redrive_count));
        }
        Some((r.state, r.input, r.variables))
    }

    /// A distributed Map's children that succeeded in the Map Run it redrives: they
    /// are not run again.
    pub(super) fn set_children(&mut self, state: StateId, children: BTreeMap<usize, Child>) {
        self.children = Some((state, children));
    }

    /// The recorded iterations or branches of `state`, the first time it runs again
    /// (a retry of it runs them all).
    pub(super) fn take_children(&mut self, state: StateId) -> BTreeMap<usize, Child> {
        match self.children.take() {
            Some((s, c)) if s == state => c,
            other => {
                self.children = other;
                BTreeMap::new()
            }
        }
    }

    /// The Map Run `state` redrives, with the redrive count.
    pub(super) fn take_map_run(&mut self, state: StateId) -> Option<(String, u32)> {
        match self.map_run.take() {
            Some((s, arn, n)) if s == state => Some((arn, n)),
            other => {
                self.map_run = other;
                None
            }
        }
    }
}

/// Resumes the execution `request.history` records.
pub(super) fn redrive(
    plan: &Plan,
    mocks: &Mocks,
    opts: &RunOptions,
    request: RedriveRequest<'_>,
) -> Result<Execution, RedriveError> {
    let events = request
        .history
        .get("events")
        .and_then(Value::as_array)
        .ok_or_else(|| RedriveError::History("the history has no \"events\" list".into()))?;
    // Branches and iterations one after another, as the parser reads them.
    let ordered = super::redrive_order::sequential(events);
    let mut parser = Parser::new(plan, &ordered);
    if events.first().map(event_type) != Some("ExecutionStarted") {
        return Err(RedriveError::History(
            "the history does not begin with ExecutionStarted".into(),
        ));
    }
    parser.pos = 1;
    // Each attempt (the run, then every earlier redrive) goes on from where the one
    // before it stopped.
    let mut resume: Option<Resume> = None;
    loop {
        let outer = resume
            .as_ref()
            .map(|r| r.variables.clone())
            .unwrap_or_default();
        match parser.scope(0, &outer, resume.as_ref())? {
            Some(Outcome::Stopped(r)) => resume = Some(r),
            // Stopped before entering a state.
            None => {}
            Some(Outcome::Done(_)) => {
                return Err(RedriveError::History(
                    "every state in the history exited: there is no unsuccessful state to redrive"
                        .into(),
                ));
            }
        }
        while parser
            .peek()
            .is_some_and(|e| event_type(e) != "ExecutionRedriven")
        {
            parser.pos += 1;
        }
        if parser.peek().is_none() {
            break;
        }
        parser.pos += 1;
    }
    let resume = match resume {
        Some(r) => r,
        None => Resume {
            state: plan
                .start_of(0)
                .ok_or_else(|| RedriveError::History("the definition has no StartAt".into()))?,
            input: request.input.clone(),
            variables: Map::new(),
            children: BTreeMap::new(),
            map_run: None,
        },
    };
    let history = history_from_json(events)?;
    let last_id = history.len() as u64;

    let mut runner = Runner::new(plan, mocks, opts);
    if let Some(after) = request.replay_mocks_after {
        // Child executions' calls are not in the history: the Map Runs keep them.
        let children = request.map_runs.values().flat_map(|r| &r.calls);
        for (id, state, params) in parser.calls.iter().chain(children) {
            if *id > after {
                // Only to move the counters on: the responses were used back then.
                let _ = mocks.respond(state, &mut runner.cursor, params);
            }
        }
    }
    runner.map_runs = request.map_runs;
    // Never before the execution stopped, whichever clock it ran on.
    let stopped_ms = history.events.last().map_or(0, |e| e.timestamp_ms);
    runner.now_ms = request.redrive_ms.max(stopped_ms);
    runner.deadline_ms = plan
        .timeout_seconds
        .map(|s| runner.now_ms + (s * 1000.0) as i64);
    runner.history = history;
    runner.execution_context = json!({
        "Id": opts.execution_arn(),
        "Input": if plan.context_needs_input { request.input.clone() } else { Value::Null },
        "StartTime": iso(opts.start_ms),
        "Name": opts.execution_name,
        "RoleArn": opts.role_arn(),
        "RedriveCount": request.redrive_count,
    });
    // Guess (no recorded AWS history at hand): ExecutionRedriven follows the event
    // that ended the last attempt, and the redriven state follows it.
    let redriven = runner.history.push(
        "ExecutionRedriven",
        last_id,
        runner.now_ms,
        Some(details([(
            "redriveCount",
            Some(json!(request.redrive_count)),
        )])),
    );
    runner.pending.redrive_count = request.redrive_count;
    runner.pending.resume = Some(resume);
    runner
        .run_to_end(request.input, None, redriven)
        .map_err(|e| RedriveError::Run(Box::new(e)))
}

/// How a scope ended in the history.
enum Outcome {
    /// Its last state exited: the scope's output.
    Done(Value),
    Stopped(Resume),
}

struct Parser<'a> {
    plan: &'a Plan,
    events: &'a [Value],
    pos: usize,
    /// The states of each scope.
    members: Vec<HashSet<StateId>>,
    /// Every mock call made: event id, state, the Task's effective parameters.
    calls: Vec<(u64, String, Value)>,
}

fn event_type(e: &Value) -> &str {
    e.get("type").and_then(Value::as_str).unwrap_or_default()
}

/// An event's details object, whatever its key.
fn event_details(e: &Value) -> Option<&Map<String, Value>> {
    let map = e.as_object()?;
    map.iter()
        .find(|(k, _)| k.ends_with("EventDetails"))
        .and_then(|(_, v)| v.as_object())
}

/// A payload field (`input`, `output`, `parameters`), which events carry as JSON text.
fn payload(e: &Value, key: &str) -> Result<Value, RedriveError> {
    let text = event_details(e)
        .and_then(|d| d.get(key))
        .and_then(Value::as_str)
        .unwrap_or("null");
    serde_json::from_str(text).map_err(|err| {
        RedriveError::History(format!(
            "event {}: its {key} is not JSON ({err})",
            e.get("id").unwrap_or(&Value::Null)
        ))
    })
}

impl<'a> Parser<'a> {
    fn new(plan: &'a Plan, events: &'a [Value]) -> Self {
        let members = (0..plan.starts.len())
            .map(|scope| reachable(plan, scope))
            .collect();
        Parser {
            plan,
            events,
            pos: 0,
            members,
            calls: Vec::new(),
        }
    }

    fn peek(&self) -> Option<&'a Value> {
        self.events.get(self.pos)
    }

    fn peek_type(&self) -> &'a str {
        self.peek().map(event_type).unwrap_or_default()
    }

    /// The state of `scope` an event enters or exits.
    fn state_of(&self, scope: ScopeId, e: &Value) -> Option<StateId> {
        let name = event_details(e)?.get("name")?.as_str()?;
        self.members
            .get(scope)?
            .iter()
            .copied()
            .find(|&id| self.plan.states[id].name == name)
    }

    /// Reads one run of `scope`; `None` if it has no events here. `prior`: where an
    /// earlier attempt stopped in this scope, if this one resumes it.
    fn scope(
        &mut self,
        scope: ScopeId,
        outer: &Map<String, Value>,
        prior: Option<&Resume>,
    ) -> Result<Option<Outcome>, RedriveError> {
        let mut variables = outer.clone();
        let mut first = true;
        let mut last: Option<(StateId, Value, Value, Map<String, Value>)> = None;
        while let Some(e) = self.peek() {
            if !event_type(e).ends_with("StateEntered") {
                break;
            }
            let Some(id) = self.state_of(scope, e) else {
                break;
            };
            self.pos += 1;
            let input = payload(e, "input")?;
            let prior_here = prior.filter(|p| first && p.state == id);
            first = false;
            if let Some(p) = prior_here {
                variables = p.variables.clone();
            }
            let entered_with = variables.clone();
            let sp = &self.plan.states[id];
            let prior_children = prior_here.map(|p| &p.children);
            let mut children = BTreeMap::new();
            let mut map_run = None;
            match &sp.body {
                Body::Parallel { branches } => {
                    children = self.parallel(branches, &variables, prior_children)?
                }
                Body::Map(map) if !map.distributed => {
                    children = self.map(map.processor, &variables, prior_children)?
                }
                Body::Map(_) => {
                    map_run = self
                        .map_run()
                        .or_else(|| prior_here.and_then(|p| p.map_run.clone()))
                }
                _ => self.state_events(&sp.name),
            }
            let exited = self.peek().filter(|x| {
                event_type(x).ends_with("StateExited") && self.state_of(scope, x) == Some(id)
            });
            let Some(x) = exited else {
                return Ok(Some(Outcome::Stopped(Resume {
                    state: id,
                    input,
                    variables: entered_with,
                    children,
                    map_run,
                })));
            };
            self.pos += 1;
            // The variables it assigned, as the event shows them (values as JSON text).
            if let Some(assigned) = event_details(x)
                .and_then(|d| d.get("assignedVariables"))
                .and_then(Value::as_object)
            {
                for (k, v) in assigned {
                    let v = v
                        .as_str()
                        .and_then(|t| serde_json::from_str(t).ok())
                        .unwrap_or(Value::Null);
                    variables.insert(k.clone(), v);
                }
            }
            last = Some((id, input, payload(x, "output")?, entered_with));
        }
        let Some((id, input, output, entered_with)) = last else {
            return Ok(None);
        };
        let sp = &self.plan.states[id];
        let ended = self.scope_ended();
        // Stopped between a state's exit and the next state's entry (Ctrl-C, the
        // machine's timeout): the next state runs; a Choice decides again.
        Ok(Some(match (&sp.state_type, sp.next) {
            _ if ended => Outcome::Done(output),
            (StateType::Choice, _) => Outcome::Stopped(Resume {
                state: id,
                input,
                variables: entered_with,
                children: BTreeMap::new(),
                map_run: None,
            }),
            (_, Some(next)) => Outcome::Stopped(Resume {
                state: next,
                input: output,
                variables,
                children: BTreeMap::new(),
                map_run: None,
            }),
            _ => Outcome::Done(output),
        }))
    }

    /// Whether the events say the scope being read ended well (an iteration or
    /// branch reported succeeded).
    fn scope_ended(&self) -> bool {
        matches!(
            self.peek_type(),
            "MapIterationSucceeded" | "ParallelStateSucceeded" | "ExecutionSucceeded"
        )
    }

    /// A Task's (or any plain state's) own events, up to its exit or whatever ends it;
    /// records the mock calls.
    fn state_events(&mut self, state: &str) {
        while let Some(e) = self.peek() {
            let t = event_type(e);
            let own = ["Task", "LambdaFunction", "Activity"]
                .iter()
                .any(|p| t.starts_with(p))
                && !t.ends_with("StateEntered")
                && !t.ends_with("StateExited")
                && t != "TaskStateAborted";
            if !own {
                return;
            }
            let id = e.get("id").and_then(Value::as_u64).unwrap_or(0);
            let params = match t {
                "TaskScheduled" => Some(payload(e, "parameters")),
                "LambdaFunctionScheduled" | "ActivityScheduled" => Some(payload(e, "input")),
                _ => None,
            };
            if let Some(Ok(p)) = params {
                self.calls.push((id, state.to_string(), p));
            }
            self.pos += 1;
        }
    }

    /// A Parallel's events: the branches of its last attempt, by index.
    fn parallel(
        &mut self,
        branches: &[ScopeId],
        vars: &Map<String, Value>,
        prior: Option<&BTreeMap<usize, Child>>,
    ) -> Result<BTreeMap<usize, Child>, RedriveError> {
        let mut children = BTreeMap::new();
        let mut prior = prior;
        loop {
            match self.peek_type() {
                "ParallelStateStarted" => {
                    self.pos += 1;
                    // Resumed, the branches that succeeded before stay; a retry runs them all.
                    children = prior.cloned().unwrap_or_default();
                    let before = prior.take();
                    for (k, &branch) in branches.iter().enumerate() {
                        let earlier = before.and_then(|c| c.get(&k));
                        if matches!(earlier, Some(Child::Done(_))) {
                            continue;
                        }
                        let earlier = match earlier {
                            Some(Child::Resume(r)) => Some(r),
                            _ => None,
                        };
                        match self.scope(branch, vars, earlier)? {
                            Some(Outcome::Done(out)) => children.insert(k, Child::Done(out)),
                            Some(Outcome::Stopped(r)) => children.insert(k, Child::Resume(r)),
                            None => break,
                        };
                    }
                }
                "ParallelStateSucceeded" | "ParallelStateFailed" | "ParallelStateAborted" => {
                    self.pos += 1
                }
                _ => return Ok(children),
            }
        }
    }

    /// An inline Map's events: its iterations, by index.
    fn map(
        &mut self,
        processor: ScopeId,
        vars: &Map<String, Value>,
        prior: Option<&BTreeMap<usize, Child>>,
    ) -> Result<BTreeMap<usize, Child>, RedriveError> {
        let mut children = BTreeMap::new();
        let mut prior = prior;
        let mut before = None;
        loop {
            match self.peek_type() {
                "MapStateStarted" => {
                    self.pos += 1;
                    // Resumed, the iterations that succeeded before stay; a retry runs them all.
                    children = prior.cloned().unwrap_or_default();
                    before = prior.take();
                }
                "MapIterationStarted" => {
                    let index = self
                        .peek()
                        .and_then(event_details)
                        .and_then(|d| d.get("index"))
                        .and_then(Value::as_u64)
                        .unwrap_or(0) as usize;
                    self.pos += 1;
                    let earlier = match before.and_then(|c| c.get(&index)) {
                        Some(Child::Resume(r)) => Some(r),
                        _ => None,
                    };
                    match self.scope(processor, vars, earlier)? {
                        Some(Outcome::Done(out)) => {
                            children.insert(index, Child::Done(out));
                        }
                        Some(Outcome::Stopped(r)) => {
                            children.insert(index, Child::Resume(r));
                        }
                        None => {}
                    }
                }
                "MapIterationSucceeded"
                | "MapIterationFailed"
                | "MapIterationAborted"
                | "MapStateSucceeded"
                | "MapStateFailed"
                | "MapStateAborted" => self.pos += 1,
                _ => return Ok(children),
            }
        }
    }

    /// A distributed Map's events (its children have histories of their own): the
    /// Map Run's ARN, if it started.
    fn map_run(&mut self) -> Option<String> {
        let mut arn = None;
        loop {
            let t = self.peek_type();
            if t == "MapRunStarted" || t == "MapRunRedriven" {
                arn = self
                    .peek()
                    .and_then(event_details)
                    .and_then(|d| d.get("mapRunArn"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
            }
            if matches!(
                t,
                "MapStateStarted"
                    | "MapRunStarted"
                    | "MapRunRedriven"
                    | "MapRunSucceeded"
                    | "MapRunFailed"
                    | "MapRunAborted"
                    | "MapStateSucceeded"
                    | "MapStateFailed"
                    | "MapStateAborted"
            ) {
                self.pos += 1;
            } else {
                return arn;
            }
        }
    }
}

/// The states of `scope`: those reachable from its start.
fn reachable(plan: &Plan, scope: ScopeId) -> HashSet<StateId> {
    let mut seen = HashSet::new();
    let mut stack: Vec<StateId> = plan.start_of(scope).into_iter().collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let sp = &plan.states[id];
        stack.extend(sp.next);
        stack.extend(sp.catch.iter().map(|c| c.next));
        if let Body::Choice { rules, default } = &sp.body {
            stack.extend(rules.iter().map(|(_, target, _)| *target));
            stack.extend(*default);
        }
    }
    seen
}

/// The stored events as the engine's, so the history goes on with the next id.
fn history_from_json(events: &[Value]) -> Result<History, RedriveError> {
    let mut history = History::default();
    for (i, e) in events.iter().enumerate() {
        let id = e.get("id").and_then(Value::as_u64);
        if id != Some(i as u64 + 1) {
            return Err(RedriveError::History(format!(
                "event #{} has id {}: the events are not numbered 1, 2, 3 ...",
                i + 1,
                e.get("id").unwrap_or(&Value::Null)
            )));
        }
        let details = event_details(e).map(|d| {
            let mut out = Details::default();
            for (k, v) in d {
                out.insert(intern(k), v.clone());
            }
            out
        });
        history.events.push(Event {
            id: i as u64 + 1,
            previous_event_id: e
                .get("previousEventId")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            timestamp_ms: (e.get("timestamp").and_then(Value::as_f64).unwrap_or(0.0) * 1000.0)
                .round() as i64,
            event_type: intern(event_type(e)),
            details,
        });
    }
    Ok(history)
}

/// Event types and detail keys live as long as the process: the few distinct
/// names of a stored history are kept once each.
fn intern(s: &str) -> &'static str {
    static NAMES: Mutex<Option<HashMap<String, &'static str>>> = Mutex::new(None);
    let mut guard = NAMES.lock().unwrap_or_else(|p| p.into_inner());
    let names = guard.get_or_insert_with(HashMap::new);
    if let Some(s) = names.get(s) {
        return s;
    }
    let leaked: &'static str = Box::leak(s.to_string().into_boxed_str());
    names.insert(s.to_string(), leaked);
    leaked
}

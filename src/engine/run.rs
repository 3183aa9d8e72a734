//! The interpreter: states, data flow in AWS's order, errors, retries, catches,
//! Map and Parallel, and the events each step records.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use super::errors::{self, StatesError};
use super::interleave::{self, Cut, Ext, Lanes, Siblings, SiblingsEnd, Sub};
use super::items::{self, ReaderPlan, WriterPlan};
use super::plan::{Body, MapPlan, NumberSpec, Plan, StatePlan, TaskPlan, TextSpec, WaitPlan};
use super::resource::{self, Kind, Pattern};
use super::{
    ClockKind, Execution, MAX_HISTORY_EVENTS, MAX_PAYLOAD_BYTES, RunError, RunOptions, Status,
};
use crate::dataflow::eval::{Bindings, EvalError, PathSpec, Rng, StateFlow, apply_path_field};
use crate::dataflow::path;
use crate::dataflow::result_path::apply_result_path;
use crate::dataflow::template::Template;
use crate::history::{Details, Field, History, JsonText, details, json_text};
use crate::mocks::{MockCursor, Mocks, Outcome};
use crate::model::{ScopeId, StateId, StateType};

/// Why a scope stopped before its end.
pub(super) enum Stop {
    /// A state failed: caught by an enclosing Catch, or the execution fails.
    Failed(StatesError),
    /// The machine's `TimeoutSeconds` passed.
    TimedOut,
    Aborted,
    /// The run cannot go on (a Task with no mock).
    Setup(Box<RunError>),
    /// Data flow failed inside the current state: becomes `Failed` with AWS's
    /// "An error occurred while executing the state ..." prefix once the state is known.
    Eval(EvalError),
    /// A sibling Parallel branch or Map iteration failed before this point in time:
    /// what would happen from here on never happens (see [`super::interleave`]).
    Cut,
    /// The history holds as many events as AWS's quota allows but the one that ends
    /// the execution (failed, `States.Runtime`). Inside branches or iterations
    /// running side by side, the quota is reached where their merged history
    /// reaches it, which only their merge tells ([`Runner::merge_subs`]).
    Quota,
}

impl From<EvalError> for Stop {
    fn from(e: EvalError) -> Self {
        Stop::Eval(e)
    }
}

type Step<T> = Result<T, Stop>;

pub(super) struct Runner<'a> {
    plan: &'a Plan,
    mocks: &'a Mocks,
    opts: &'a RunOptions,
    pub(super) history: History,
    pub(super) cursor: MockCursor,
    rng: Rng,
    pub(super) now_ms: i64,
    pub(super) deadline_ms: Option<i64>,
    variables: Map<String, Value>,
    pub(super) execution_context: Value,
    machine_context: Value,
    /// The Map Run whose child executions run now.
    map_run: Option<items::MapRun>,
    /// A redrive: where scopes, Maps and Parallels resume.
    pub(super) pending: super::redrive::Pending,
    /// Whether the scope running is a Parallel branch (not a Map iteration in one).
    in_branch: bool,
    /// Recording a branch or an iteration into a history of its own: the number of
    /// events recorded before it (the ids causes name).
    history_base: usize,
    /// Recording a branch or an iteration: the number of events certain to come
    /// before its own in the merged history (those of the histories it is nested
    /// in, not those of its siblings, which may come after). What it may record
    /// before the quota is reached.
    quota_base: usize,
    /// Recording a branch or an iteration: the branches and iterations nested in it.
    lanes: Option<Lanes>,
    /// A sibling failed at this instant: nothing happens from then on.
    cut_ms: Option<i64>,
    /// The distributed Maps' Map Runs (those a redrive started from included).
    pub(super) map_runs: super::MapRuns,
    /// Inside a distributed Map's child executions: the mock calls they make.
    child_calls: Option<Vec<(String, Value)>>,
}

/// How long after the real-clock origin an event at `until_ms` (on the
/// schedule) happens: never before the origin.
pub(super) fn wall_offset(origin_ms: i64, until_ms: i64) -> std::time::Duration {
    std::time::Duration::from_millis((until_ms - origin_ms).max(0) as u64)
}

/// What an ItemBatcher asks for, read when the Map state starts.
struct Batching {
    max_items: Option<f64>,
    max_bytes: Option<f64>,
    input: Option<Value>,
}

/// `$$.Map` for one item: `{"Item": {"Index": i, "Value": item}}`, built
/// directly (`json!` would copy the item through serde once more).
fn map_item_context(index: usize, item: Value) -> Value {
    let mut entry = Map::with_capacity(2);
    entry.insert("Index".into(), Value::from(index));
    entry.insert("Value".into(), item);
    let mut map = Map::with_capacity(1);
    map.insert("Item".into(), Value::Object(entry));
    Value::Object(map)
}

/// Puts the next item into a context holding [`map_item_context`] under `Map`:
/// the rest of a Map's context is the same for every item, so it is built once
/// rather than per item. Keys are compared, not hashed: the objects are small.
fn set_map_item(context: &mut Value, index: usize, item: Value) {
    fn member<'v>(v: &'v mut Value, name: &str) -> Option<&'v mut Value> {
        v.as_object_mut()?
            .iter_mut()
            .find(|(k, _)| k.as_str() == name)
            .map(|(_, v)| v)
    }
    let Some(entry) = member(context, "Map").and_then(|m| member(m, "Item")) else {
        return;
    };
    if let Some(slot) = member(entry, "Index") {
        *slot = Value::from(index);
    }
    if let Some(slot) = member(entry, "Value") {
        *slot = item;
    }
}

/// The empty entries of `subs` for the iterations appended to the history so
/// far (always the first ones: see `appended` in `Runner::run_map_items`), each
/// chained from the one before it, as the merge expects them once an iteration
/// that is not appended is listed after them.
fn list_appended(subs: &mut Vec<Sub>, appended: &[(u64, u64)], owner: u64) {
    while subs.len() < appended.len() {
        let ext = match subs.len().checked_sub(1).map(|k| appended[k].0) {
            Some(tail) if tail != 0 => Ext::Id(tail),
            _ => Ext::Id(owner),
        };
        subs.push(Sub::empty(ext));
    }
}

/// `--clock real`: the execution, worked out on the schedule first (so that
/// Parallel branches and Map iterations are side by side as on AWS), happens
/// event by event at its time on the wall clock. Ctrl-C (the abort flag) stops
/// it there: what had not happened yet is not in the history, and the execution
/// is ABORTED then, as AWS records StopExecution (no event for the states in
/// flight, the abort chained to no event, empty details).
fn play_back(mut x: Execution, opts: &RunOptions) -> Execution {
    use std::sync::atomic::Ordering;
    use std::time::{Duration, Instant};
    let origin = Instant::now();
    // This run's events: after ExecutionStarted, or after the last ExecutionRedriven.
    let first = x
        .history
        .events
        .iter()
        .rposition(|e| matches!(e.event_type, "ExecutionStarted" | "ExecutionRedriven"))
        .map_or(0, |i| i + 1);
    let aborted_at = x.history.events[first..].iter().position(|e| {
        let due = origin + wall_offset(opts.start_ms, e.timestamp_ms);
        loop {
            if opts.abort.load(Ordering::Relaxed) {
                return true;
            }
            let now = Instant::now();
            if now >= due {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20).min(due - now));
        }
    });
    if let Some(at) = aborted_at {
        let stop_ms = opts.start_ms + origin.elapsed().as_millis() as i64;
        x.history.events.truncate(first + at);
        x.history
            .push("ExecutionAborted", 0, stop_ms, Some(Details::default()));
        x.status = Status::Aborted;
        x.output = None;
        x.error = None;
        x.cause = None;
        x.stop_ms = stop_ms;
    }
    x
}

/// What a state hands on: its output and where to go next (`None`: the scope ends).
struct Exit {
    output: Value,
    next: Option<StateId>,
    /// The variables `Assign` sets once the state is done (evaluated with the values
    /// the state started with).
    assigned: Option<Map<String, Value>>,
}

fn fail(error: &str, cause: impl Into<String>) -> Stop {
    Stop::Failed(StatesError::new(error, cause))
}

/// The cause of the States.Runtime with which AWS fails a Choice state that no rule
/// matches and that has no Default (after the usual state prefix).
const NO_NEXT_STATE: &str =
    "Failed to transition out of the state. The state does not point to a next state.";

/// How an execution whose history reached the quota fails.
fn quota_error() -> StatesError {
    StatesError::new(
        errors::RUNTIME,
        format!(
            "The execution reached the maximum number of history events ({MAX_HISTORY_EVENTS})."
        ),
    )
}

/// A payload as history events carry it: JSON text.
fn text(v: &Value) -> Value {
    Value::String(json_text(v))
}

impl<'a> Runner<'a> {
    pub(super) fn new(plan: &'a Plan, mocks: &'a Mocks, opts: &'a RunOptions) -> Self {
        use rand::SeedableRng;
        let deadline_ms = plan
            .timeout_seconds
            .map(|s| opts.start_ms + (s * 1000.0) as i64);
        Runner {
            plan,
            mocks,
            opts,
            history: History::default(),
            cursor: MockCursor::default(),
            rng: Rng::seed_from_u64(opts.seed),
            now_ms: opts.start_ms,
            deadline_ms,
            variables: Map::new(),
            execution_context: Value::Null,
            map_run: None,
            machine_context: json!({"Id": opts.state_machine_arn(), "Name": opts.state_machine_name}),
            pending: Default::default(),
            in_branch: false,
            history_base: 0,
            quota_base: 0,
            lanes: None,
            cut_ms: None,
            map_runs: Default::default(),
            child_calls: None,
        }
    }

    /// Writes the history to `sink` while the run goes on (see `History::stream_to`).
    pub(super) fn stream_history_to(
        &mut self,
        sink: Box<dyn std::io::Write + Send>,
        retain: crate::history::Retain,
    ) {
        self.history.stream_to(sink, retain);
    }

    /// `input_text`: the input's JSON text, if the caller made it already.
    pub(super) fn execute(
        mut self,
        input: Value,
        input_text: Option<JsonText>,
    ) -> Result<Execution, RunError> {
        self.execution_context = json!({
            "Id": self.opts.execution_arn(),
            "Input": if self.plan.context_needs_input { input.clone() } else { Value::Null },
            "StartTime": iso(self.opts.start_ms),
            "Name": self.opts.execution_name,
            "RoleArn": self.opts.role_arn(),
            "RedriveCount": 0,
        });
        // ExecutionStarted is not the previous event of the first state's: AWS chains from 0.
        let input_text = input_text.unwrap_or_else(|| JsonText::of(&input));
        let started = Details::default()
            .payload("input", "inputDetails", input_text.clone())
            .with("roleArn", json!(self.opts.role_arn()));
        self.history
            .push("ExecutionStarted", 0, self.now_ms, Some(started));
        self.run_to_end(input, Some(input_text), 0)
    }

    /// Runs the top-level scope (from its start, or where a redrive resumes it) and
    /// records how the execution ended. `input_text`: `input` as JSON text, if the
    /// caller has it (the first state's Entered event shows it).
    pub(super) fn run_to_end(
        mut self,
        input: Value,
        input_text: Option<JsonText>,
        mut prev: u64,
    ) -> Result<Execution, RunError> {
        let execution_input = input_text.clone();
        let mut output_text = None;
        let result = self.run_scope_text(0, input, input_text, &mut prev);
        let (status, output, error, cause) = match result {
            Ok((output, text)) => {
                // The last state's output text is the execution's: not serialized again.
                output_text = Some(text.clone());
                let d = Details::default().payload("output", "outputDetails", text);
                self.history
                    .push("ExecutionSucceeded", prev, self.now_ms, Some(d));
                (Status::Succeeded, Some(output), None, None)
            }
            Err(stop @ (Stop::Failed(_) | Stop::Quota)) => {
                // At the quota, the last event may be any branch's: the failure follows it.
                let (e, prev) = match stop {
                    Stop::Failed(e) => (e, prev),
                    _ => (quota_error(), self.history.len() as u64),
                };
                self.history
                    .push("ExecutionFailed", prev, self.now_ms, Some(e.details()));
                (
                    Status::Failed,
                    None,
                    (!e.error_absent).then_some(e.error),
                    (!e.cause_absent).then_some(e.cause),
                )
            }
            Err(Stop::TimedOut) => {
                // AWS's DescribeExecution of a timed-out execution has no error or cause:
                // States.Timeout is only in the event, which the execution's timer records
                // apart from the state in flight, chained to nothing, as StopExecution's
                // ExecutionAborted is (measured on AWS by floci: floci-io/floci#2733, #2782).
                let d =
                    Details::with_capacity(1).with("error", Field::Text(errors::TIMEOUT.into()));
                self.history
                    .push("ExecutionTimedOut", 0, self.now_ms, Some(d));
                (Status::TimedOut, None, None, None)
            }
            // A cut is always taken by the Parallel or Map that set it.
            Err(Stop::Aborted | Stop::Cut) => {
                // As AWS records StopExecution: no event for the states in flight, the
                // abort chained to no event, and empty details (no error or cause given).
                self.history
                    .push("ExecutionAborted", 0, self.now_ms, Some(Details::default()));
                (Status::Aborted, None, None, None)
            }
            Err(Stop::Setup(e)) => return Err(*e),
            Err(Stop::Eval(e)) => {
                let d = details([
                    ("error", Some(json!(e.error))),
                    ("cause", Some(json!(e.cause))),
                ]);
                self.history
                    .push("ExecutionFailed", prev, self.now_ms, Some(d));
                (Status::Failed, None, Some(e.error), Some(e.cause))
            }
        };
        let execution = Execution {
            status,
            output,
            error,
            cause,
            history: self.history,
            input_text: execution_input,
            output_text,
            start_ms: self.opts.start_ms,
            stop_ms: self.now_ms,
            map_runs: self.map_runs,
        };
        Ok(match self.opts.clock {
            ClockKind::Real => play_back(execution, self.opts),
            ClockKind::Virtual => execution,
        })
    }

    /// Records an event; past AWS's quota the execution fails.
    fn event(&mut self, event_type: &'static str, prev: u64, d: Option<Details>) -> Step<u64> {
        if self.cut_ms.is_some_and(|cut| self.now_ms >= cut) {
            return Err(Stop::Cut);
        }
        if self.history.len() >= self.quota_capacity() {
            return Err(Stop::Quota);
        }
        Ok(self.history.push(event_type, prev, self.now_ms, d))
    }

    /// Records an event that continues the chain.
    fn chain(&mut self, event_type: &'static str, prev: &mut u64, d: Option<Details>) -> Step<u64> {
        let id = self.event(event_type, *prev, d)?;
        *prev = id;
        Ok(id)
    }

    fn advance(&mut self, seconds: f64) -> Step<()> {
        let mut ms = (seconds.max(0.0) * 1000.0).round() as i64;
        // Cut part-way through: the clock stops at the cut.
        let cut = self.cut_ms.filter(|&c| self.now_ms + ms >= c);
        if let Some(c) = cut {
            ms = (c - self.now_ms).max(0);
        }
        // The machine's TimeoutSeconds passes part-way through: the execution
        // times out at its deadline, not when the wait (delay, retry) would end.
        let timed_out = cut.is_none()
            && self
                .deadline_ms
                .is_some_and(|d| self.now_ms + ms > d && self.now_ms <= d);
        if timed_out && let Some(d) = self.deadline_ms {
            ms = d - self.now_ms;
        }
        self.now_ms += ms;
        if cut.is_some() {
            return Err(Stop::Cut);
        }
        if timed_out {
            return Err(Stop::TimedOut);
        }
        self.check_time()
    }

    fn check_time(&self) -> Step<()> {
        if self.opts.abort.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Stop::Aborted);
        }
        match self.deadline_ms {
            Some(d) if self.now_ms > d => Err(Stop::TimedOut),
            _ => Ok(()),
        }
    }

    fn run_scope(&mut self, scope: ScopeId, input: Value, prev: &mut u64) -> Step<Value> {
        self.run_scope_text(scope, input, None, prev)
            .map(|(output, _)| output)
    }

    /// As [`Runner::run_scope`], taking the input's JSON text if the caller has it,
    /// and giving the output's.
    fn run_scope_text(
        &mut self,
        scope: ScopeId,
        input: Value,
        input_text: Option<JsonText>,
        prev: &mut u64,
    ) -> Step<(Value, JsonText)> {
        let Some(mut state) = self.plan.start_of(scope) else {
            return Err(fail(errors::RUNTIME, "the scope has no StartAt state"));
        };
        let mut input = input;
        // A state's output text (from its Exited event) is the next state's input text.
        let mut input_text = input_text;
        if let Some((resumed, resumed_input, variables)) = self.pending.start_scope() {
            state = resumed;
            input = resumed_input;
            input_text = None;
            self.variables = variables;
        }
        loop {
            self.check_time()?;
            let (exit, output_text) = self.run_state(state, input, input_text, prev)?;
            match exit.next {
                Some(next) => {
                    state = next;
                    input = exit.output;
                    input_text = Some(output_text);
                }
                None => return Ok((exit.output, output_text)),
            }
        }
    }

    fn context(
        &self,
        sp: &StatePlan,
        entered_ms: i64,
        retry_count: u32,
        extra: Option<(&str, Value)>,
    ) -> Value {
        let parts = sp.context_parts;
        if !parts.used {
            return Value::Null;
        }
        // What the state's paths cannot read is left out: the same answers, and a
        // Map's per-item context does not copy the execution's each time. Keys
        // come in the order executions recorded on AWS show: Execution,
        // StateMachine, State; Execution's Id, Input, StartTime, Name, RoleArn,
        // RedriveCount; State's Name, EnteredTime, RetryCount.
        let mut ctx = Map::new();
        if parts.execution {
            ctx.insert("Execution".into(), self.execution_context.clone());
        }
        if parts.state_machine {
            ctx.insert("StateMachine".into(), self.machine_context.clone());
        }
        if parts.state {
            ctx.insert(
                "State".into(),
                // Only the states that can retry have a RetryCount.
                if matches!(
                    sp.state_type,
                    StateType::Task | StateType::Parallel | StateType::Map
                ) {
                    json!({"Name": sp.name, "EnteredTime": iso(entered_ms), "RetryCount": retry_count})
                } else {
                    json!({"Name": sp.name, "EnteredTime": iso(entered_ms)})
                },
            );
        }
        if let Some((k, v)) = extra {
            ctx.insert(k.into(), v);
        }
        Value::Object(ctx)
    }

    /// Runs one state; returns how it exits and its output as JSON text.
    /// `raw_text` is `raw` as JSON text, when the caller already has it.
    fn run_state(
        &mut self,
        id: StateId,
        raw: Value,
        raw_text: Option<JsonText>,
        prev: &mut u64,
    ) -> Step<(Exit, JsonText)> {
        let result = self.run_state_inner(id, raw, raw_text, prev);
        // A Task whose failure ends a Parallel branch never exits: AWS records it as
        // aborted once the branch fails (TaskFailed, TaskStateAborted, then
        // ParallelStateFailed, in AWS's recorded test_parallel_catch_error).
        if let Err(Stop::Failed(_)) = &result
            && self.in_branch
            && self.plan.states[id].state_type == StateType::Task
        {
            self.chain("TaskStateAborted", prev, None)?;
        }
        result
    }

    fn run_state_inner(
        &mut self,
        id: StateId,
        raw: Value,
        raw_text: Option<JsonText>,
        prev: &mut u64,
    ) -> Step<(Exit, JsonText)> {
        let plan = self.plan;
        let sp = &plan.states[id];
        let entered_ms = self.now_ms;
        let raw_text = raw_text.unwrap_or_else(|| JsonText::of(&raw));
        let entered = Details::with_capacity(3)
            .with("name", Field::Shared(sp.shared_name.clone()))
            .payload("input", "inputDetails", raw_text);
        let entered_id = self.chain(entered_type(&sp.state_type), prev, Some(entered))?;
        let mut raw = raw;
        let result = match self.run_body(sp, &mut raw, prev, entered_ms) {
            Err(Stop::Eval(e)) => {
                let e = e.in_state(&sp.name, self.global_id(entered_id));
                Err(Stop::Failed(StatesError::new(e.error, e.cause)))
            }
            other => other,
        };
        let exit = match result {
            Ok(exit) => exit,
            Err(Stop::Failed(e)) if !sp.catch.is_empty() && !errors::is_fatal(&e.error) => {
                let Some(catcher) = sp.catch.iter().find(|c| e.matched_by(&c.error_equals)) else {
                    return Err(Stop::Failed(e));
                };
                let error_output = json!({"Error": e.error, "Cause": e.cause});
                let context = self.context(sp, entered_ms, 0, None);
                let assigned = self.assign(catcher.assign.as_ref(), &error_output, &context);
                let assigned = match assigned {
                    Ok(a) => a,
                    Err(Stop::Eval(e)) => {
                        let e = e.in_state(&sp.name, self.global_id(entered_id));
                        return Err(Stop::Failed(StatesError::new(e.error, e.cause)));
                    }
                    Err(other) => return Err(other),
                };
                let output = apply_result_path(&raw, error_output, &catcher.result_path)?;
                Exit {
                    output,
                    next: Some(catcher.next),
                    assigned,
                }
            }
            Err(stop) => return Err(stop),
        };
        if matches!(sp.body, Body::Fail { .. }) {
            unreachable!("a Fail state never exits");
        }
        let out_text = JsonText::of(&exit.output);
        let mut exited = Details::with_capacity(if exit.assigned.is_some() { 5 } else { 3 })
            .with("name", Field::Shared(sp.shared_name.clone()));
        if let Some(assigned) = &exit.assigned {
            let shown: Map<String, Value> =
                assigned.iter().map(|(k, v)| (k.clone(), text(v))).collect();
            exited.insert("assignedVariables", Value::Object(shown));
            exited.insert("assignedVariablesDetails", Field::NotTruncated);
            for (k, v) in assigned {
                self.variables.insert(k.clone(), v.clone());
            }
        }
        if out_text.len() > MAX_PAYLOAD_BYTES {
            return Err(fail(
                errors::DATA_LIMIT_EXCEEDED,
                format!(
                    "The state/task '{}' returned a result with a size exceeding the maximum number of bytes service limit.",
                    sp.name
                ),
            ));
        }
        let exited = exited.payload("output", "outputDetails", out_text.clone());
        self.chain(exited_type(&sp.state_type), prev, Some(exited))?;
        Ok((exit, out_text))
    }

    /// A payload template (`field` names it in AWS's cause texts) over `input`.
    fn eval_template(
        &mut self,
        t: &Template,
        input: &Value,
        context: &Value,
        field: &str,
    ) -> Step<Value> {
        let b = Bindings {
            input,
            context,
            variables: &self.variables,
        };
        Ok(t.eval(&b, &mut self.rng, field)?)
    }

    fn bindings<'b>(&'b self, input: &'b Value, context: &'b Value) -> Bindings<'b> {
        Bindings {
            input,
            context,
            variables: &self.variables,
        }
    }

    /// `InputPath`: absent is `$`, null is `{}`; a path that matches nothing fails the state.
    /// Borrows the input when there is no `InputPath` (most states): no copy of it.
    fn input_path<'v>(
        &self,
        sp: &StatePlan,
        raw: &'v Value,
        context: &Value,
    ) -> Step<Cow<'v, Value>> {
        Ok(sp.flow.effective_input(raw, context, &self.variables)?)
    }

    fn output_path(&self, field: &PathSpec, output: Value, context: &Value) -> Step<Value> {
        if matches!(field, PathSpec::Absent) {
            return Ok(output);
        }
        Ok(field.apply(&self.bindings(&output, context))?.into_owned())
    }

    /// `raw`: the state's input; only a Map whose items it takes out
    /// (`MapPlan::takes_items`) changes it.
    fn run_body(
        &mut self,
        sp: &'a StatePlan,
        raw: &mut Value,
        prev: &mut u64,
        entered_ms: i64,
    ) -> Step<Exit> {
        let context = self.context(sp, entered_ms, 0, None);
        match &sp.body {
            Body::Pass { result } => {
                let effective = self.input_path(sp, raw, &context)?;
                let result = match (result, &sp.flow.parameters) {
                    (Some(r), _) => r.clone(),
                    (None, Some(t)) => self.eval_template(t, &effective, &context, "Parameters")?,
                    (None, None) => effective.into_owned(),
                };
                let assigned = self.assign(sp.flow.assign.as_ref(), &result, &context)?;
                let output = apply_result_path(raw, result, &sp.flow.result_path)?;
                let output = self.output_path(&sp.flow.output_path, output, &context)?;
                Ok(Exit {
                    output,
                    next: sp.next,
                    assigned,
                })
            }
            Body::Succeed => {
                let effective = self.input_path(sp, raw, &context)?;
                let output =
                    self.output_path(&sp.flow.output_path, effective.into_owned(), &context)?;
                Ok(Exit {
                    output,
                    next: None,
                    assigned: None,
                })
            }
            Body::Fail { error, cause } => {
                let error = self.text_spec(error.as_ref(), raw, &context)?;
                let cause = self.text_spec(cause.as_ref(), raw, &context)?;
                Err(Stop::Failed(StatesError::of_fail(error, cause)))
            }
            Body::Choice { rules, default } => {
                let effective = self.input_path(sp, raw, &context)?;
                let b = self.bindings(&effective, &context);
                let mut next = None;
                for (rule, target, assign) in rules {
                    if rule.evaluate(&b)? {
                        next = Some((*target, assign.as_ref()));
                        break;
                    }
                }
                // A matched rule sets its own Assign; the Default, the state's.
                let Some((next, assign)) = next.or(default.map(|d| (d, sp.flow.assign.as_ref())))
                else {
                    // AWS fails a Choice no rule of which matches, and that has no
                    // Default, with States.Runtime, not the States.NoChoiceMatched of
                    // the ASL specification: a characterization suite run on AWS
                    // (tests/support/conformance/*: Choice.IsNull 008-no-default-nonmatch,
                    // Choice.And 006-no-default-no-match, Feature.ChoiceValidation
                    // 001-no-default-no-choices-match) records `States.Runtime`, cause
                    // "... state does not point to a next state".
                    return Err(EvalError::runtime(NO_NEXT_STATE).into());
                };
                let assigned = self.assign(assign, &effective, &context)?;
                let output =
                    self.output_path(&sp.flow.output_path, effective.into_owned(), &context)?;
                Ok(Exit {
                    output,
                    next: Some(next),
                    assigned,
                })
            }
            Body::Wait(wait) => {
                let effective = self.input_path(sp, raw, &context)?;
                let seconds = match wait {
                    WaitPlan::Seconds(NumberSpec::Literal(n)) => *n,
                    WaitPlan::Seconds(NumberSpec::Path(p, text)) => {
                        wait_seconds_path(p, text, &self.bindings(&effective, &context))?
                    }
                    WaitPlan::Timestamp(ts) => seconds_until(ts, self.now_ms).unwrap_or(0.0),
                    WaitPlan::TimestampPath(p, text) => wait_timestamp_path(
                        p,
                        text,
                        &self.bindings(&effective, &context),
                        self.now_ms,
                    )?,
                };
                // AWS keeps the delay in a signed 32-bit count of seconds.
                if seconds > i32::MAX as f64 {
                    return Err(EvalError::runtime("Wait state delay is too long.").into());
                }
                self.advance(seconds)?;
                let assigned = self.assign(sp.flow.assign.as_ref(), &effective, &context)?;
                let output =
                    self.output_path(&sp.flow.output_path, effective.into_owned(), &context)?;
                Ok(Exit {
                    output,
                    next: sp.next,
                    assigned,
                })
            }
            Body::Task(task) => self.with_retries(sp, prev, |r, retry_count, prev| {
                r.run_task(sp, task, raw, prev, entered_ms, retry_count)
            }),
            Body::Parallel { branches } => {
                let result = self.with_retries(sp, prev, |r, _, prev| {
                    r.run_parallel(sp, branches, raw, prev, entered_ms)
                });
                // As for Map: ParallelStateFailed once the retriers have given up,
                // chained from the failed branch's last event.
                if let Err(Stop::Failed(_)) = &result {
                    self.chain("ParallelStateFailed", prev, None)?;
                }
                result
            }
            Body::Map(map) => {
                let result = self.with_retries(sp, prev, |r, _, prev| {
                    r.run_map(sp, map, raw, prev, entered_ms)
                });
                // MapStateFailed comes once the retriers have given up, chained from
                // the failed iteration's last state event.
                if let Err(Stop::Failed(_)) = &result {
                    self.chain("MapStateFailed", prev, None)?;
                }
                result
            }
        }
    }

    fn text_spec(
        &mut self,
        spec: Option<&TextSpec>,
        raw: &Value,
        context: &Value,
    ) -> Step<Option<String>> {
        Ok(match spec {
            None => None,
            Some(TextSpec::Literal(s)) => Some(s.clone()),
            Some(TextSpec::Expr(e)) => {
                let b = Bindings {
                    input: raw,
                    context,
                    variables: &self.variables,
                };
                let v = e.eval(&b, &mut self.rng)?;
                Some(match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
            }
        })
    }

    /// A number field or its `...Path` twin (`TimeoutSecondsPath`, `MaxConcurrencyPath`, ...):
    /// a path that matches nothing fails as every reference path does.
    fn number(&self, spec: &NumberSpec, input: &Value, context: &Value, field: &str) -> Step<f64> {
        match spec {
            NumberSpec::Literal(n) => Ok(*n),
            NumberSpec::Path(p, text) => {
                let v = apply_path_field(Some(p), Some(text), &self.bindings(input, context))?;
                // AWS also takes a number written as a string ("1").
                let n = v
                    .as_f64()
                    .or_else(|| v.as_str().and_then(|s| s.trim().parse::<f64>().ok()));
                n.ok_or_else(|| {
                    EvalError::runtime(format!(
                        "The {field} field refers to value \"{}\" which is not a valid integer: {text}",
                        plain(&v)
                    ))
                    .into()
                })
            }
        }
    }

    /// `TimeoutSecondsPath`, `HeartbeatSecondsPath`: a positive integer (AWS's
    /// guide: "a positive, non-zero integer"; the history records it as one). A
    /// fraction, zero or less fails the state rather than timing out at a moment
    /// the history does not show.
    fn seconds(&self, spec: &NumberSpec, input: &Value, context: &Value, field: &str) -> Step<f64> {
        let n = self.number(spec, input, context, field)?;
        if let NumberSpec::Path(_, text) = spec
            && (n.fract() != 0.0 || n < 1.0)
        {
            let what = if n.fract() != 0.0 {
                "not a valid integer"
            } else {
                "not a positive integer"
            };
            return Err(EvalError::runtime(format!(
                "The {field} field refers to value \"{n}\" which is {what}: {text}"
            ))
            .into());
        }
        Ok(n)
    }

    /// `ToleratedFailureCount(Path)`: an integer.
    fn tolerated_count(&self, spec: &NumberSpec, input: &Value, context: &Value) -> Step<f64> {
        match spec {
            NumberSpec::Literal(n) => Ok(*n),
            NumberSpec::Path(p, text) => {
                let v = apply_path_field(Some(p), Some(text), &self.bindings(input, context))?;
                match v.as_i64().or_else(|| v.as_u64().map(|n| n as i64)) {
                    Some(n) => Ok(n as f64),
                    None => Err(EvalError::runtime(format!(
                        "The ToleratedFailureCountPath field refers to value \"{}\" which is not a valid integer: {text}",
                        plain(&v)
                    ))
                    .into()),
                }
            }
        }
    }

    /// `ToleratedFailurePercentage(Path)`: a number from 0 to 100.
    fn tolerated_percentage(&self, spec: &NumberSpec, input: &Value, context: &Value) -> Step<f64> {
        let pct = match spec {
            NumberSpec::Literal(n) => *n,
            NumberSpec::Path(p, text) => {
                let v = apply_path_field(Some(p), Some(text), &self.bindings(input, context))?;
                v.as_f64().ok_or_else(|| {
                    Stop::from(EvalError::runtime(format!(
                        "The ToleratedFailurePercentagePath field refers to value \"{}\" which is not a valid float: {text}",
                        plain(&v)
                    )))
                })?
            }
        };
        if !(0.0..=100.0).contains(&pct) {
            return Err(EvalError::runtime(
                "ToleratedFailurePercentage must be between 0 and 100.",
            )
            .into());
        }
        Ok(pct)
    }

    /// Runs `attempt` until it succeeds, a retrier gives up, or the error matches none.
    fn with_retries(
        &mut self,
        sp: &StatePlan,
        prev: &mut u64,
        mut attempt: impl FnMut(&mut Self, u32, &mut u64) -> Step<Exit>,
    ) -> Step<Exit> {
        let mut counts = vec![0u32; sp.retry.len()];
        let mut retry_count = 0;
        loop {
            match attempt(self, retry_count, prev) {
                Err(Stop::Failed(e)) if !errors::is_fatal(&e.error) => {
                    let Some(i) = sp.retry.iter().position(|r| e.matched_by(&r.error_equals))
                    else {
                        return Err(Stop::Failed(e));
                    };
                    let r = &sp.retry[i];
                    if counts[i] >= r.max_attempts {
                        return Err(Stop::Failed(e));
                    }
                    let mut delay = r.interval_seconds * r.backoff_rate.powi(counts[i] as i32);
                    if let Some(max) = r.max_delay_seconds {
                        delay = delay.min(max);
                    }
                    if r.full_jitter {
                        use rand::RngExt as _;
                        delay = self.rng.random_range(0.0..=delay);
                    }
                    counts[i] += 1;
                    retry_count += 1;
                    self.advance(delay)?;
                }
                other => return other,
            }
        }
    }

    fn run_task(
        &mut self,
        sp: &StatePlan,
        task: &TaskPlan,
        raw: &Value,
        prev: &mut u64,
        entered_ms: i64,
        retry_count: u32,
    ) -> Step<Exit> {
        let res = resource::classify(&task.resource);
        let token_ctx = (res.pattern == Pattern::WaitForTaskToken).then(|| {
            let mut bytes = [0u8; 32];
            rand::Rng::fill_bytes(&mut self.rng, &mut bytes);
            let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            ("Task", json!({"Token": token}))
        });
        let context = self.context(sp, entered_ms, retry_count, token_ctx);
        let effective = self.input_path(sp, raw, &context)?;
        let params = sp
            .flow
            .task_input(&effective, &context, &self.variables, &mut self.rng)?;
        let timeout = task
            .timeout_seconds
            .as_ref()
            .map(|s| self.seconds(s, raw, &context, "TimeoutSecondsPath"))
            .transpose()?;
        let heartbeat = task
            .heartbeat_seconds
            .as_ref()
            .map(|s| self.seconds(s, raw, &context, "HeartbeatSecondsPath"))
            .transpose()?;
        if let Kind::Service {
            resource_type,
            resource,
        } = &res.kind
            && let Some(problem) = invalid_parameters(resource_type, resource, &params)
        {
            return Err(EvalError::runtime(format!(
                "The Parameters '{params}' could not be used to start the Task: [{problem}]"
            ))
            .into());
        }
        // The role the task assumes, as the scheduled event shows it: {"roleArn": ...}.
        let credentials = match &task.credentials {
            Some(t) => {
                let c = self.eval_template(t, &effective, &context, "Credentials")?;
                Some(json!({"roleArn": c.get("RoleArn").cloned().unwrap_or(Value::Null)}))
            }
            None => None,
        };
        // Scheduled and started.
        let mut submit = None;
        match &res.kind {
            Kind::Service {
                resource_type,
                resource,
            } => {
                let mut d = details([
                    ("resourceType", Some(json!(resource_type))),
                    ("resource", Some(json!(resource))),
                    ("region", Some(json!(res.region))),
                    ("parameters", Some(text(&params))),
                ]);
                if let Some(t) = timeout {
                    d.insert("timeoutInSeconds", json!(t as i64));
                }
                if let Some(h) = heartbeat {
                    d.insert("heartbeatInSeconds", json!(h as i64));
                }
                if let Some(c) = &credentials {
                    d.insert("taskCredentials", c.clone());
                }
                self.chain("TaskScheduled", prev, Some(d))?;
                let d = details([
                    ("resourceType", Some(json!(resource_type))),
                    ("resource", Some(json!(resource))),
                ]);
                self.chain("TaskStarted", prev, Some(d))?;
                // `.sync` and callback tasks: the call that starts the job or sends the
                // token answers first.
                if res.pattern != Pattern::RequestResponse {
                    submit = Some((resource_type.clone(), resource.clone()));
                }
            }
            Kind::LambdaFunction => {
                let mut d = Details::default()
                    .payload("input", "inputDetails", JsonText::of(&params))
                    .with("resource", json!(task.resource));
                if let Some(t) = timeout {
                    d.insert("timeoutInSeconds", json!(t as i64));
                }
                if let Some(c) = &credentials {
                    d.insert("taskCredentials", c.clone());
                }
                self.chain("LambdaFunctionScheduled", prev, Some(d))?;
                self.chain("LambdaFunctionStarted", prev, None)?;
            }
            Kind::Activity => {
                let mut d = details([("resource", Some(json!(task.resource)))]).payload(
                    "input",
                    "inputDetails",
                    JsonText::of(&params),
                );
                if let Some(t) = timeout {
                    d.insert("timeoutInSeconds", json!(t as i64));
                }
                if let Some(h) = heartbeat {
                    d.insert("heartbeatInSeconds", json!(h as i64));
                }
                self.chain("ActivityScheduled", prev, Some(d))?;
                self.chain(
                    "ActivityStarted",
                    prev,
                    Some(details([("workerName", Some(json!("sfn-mock")))])),
                )?;
            }
        }
        if let Some(calls) = &mut self.child_calls {
            calls.push((sp.name.clone(), params.clone()));
        }
        let response = self.mocks.respond(&sp.name, &mut self.cursor, &params);
        if let Some((resource_type, resource)) = &submit {
            let final_result = match &response {
                Ok(r) => match &r.outcome {
                    Outcome::Return(v) => Some(v),
                    Outcome::Throw { .. } => None,
                },
                Err(_) => None,
            };
            let submitted = self.submitted_response(resource_type, resource, &params, final_result);
            let d = details([
                ("resourceType", Some(json!(resource_type))),
                ("resource", Some(json!(resource))),
            ])
            .payload("output", "outputDetails", JsonText::of(&submitted));
            self.chain("TaskSubmitted", prev, Some(d))?;
        }
        let response = match response {
            Ok(r) => r,
            Err(miss) => {
                return Err(Stop::Setup(Box::new(RunError::MissingMock {
                    state: sp.name.clone(),
                    resource: task.resource.clone(),
                    input: Box::new(params),
                    miss,
                })));
            }
        };
        // A call longer than the task's timeout (or, for callbacks, its heartbeat) times out.
        // Callbacks and activities are the tasks that send heartbeats.
        let beats = res.pattern == Pattern::WaitForTaskToken || res.kind == Kind::Activity;
        let limit = match (timeout, heartbeat) {
            (Some(t), Some(h)) if beats => Some((t.min(h), h < t)),
            (Some(t), _) => Some((t, false)),
            (None, Some(h)) if beats => Some((h, true)),
            _ => None,
        };
        if let Some((limit, is_heartbeat)) = limit
            && response.delay > limit
        {
            self.advance(limit)?;
            self.task_event_failed(&res.kind, "TimedOut", errors::TIMEOUT, None, prev)?;
            return Err(Stop::Failed(StatesError::timeout(is_heartbeat)));
        }
        self.advance(response.delay)?;
        let result = match response.outcome {
            Outcome::Return(v) => v,
            Outcome::Throw { error, cause } => {
                // A mocked error without a cause has none in the events either.
                self.task_event_failed(&res.kind, "Failed", &error, cause.as_deref(), prev)?;
                let mut e = StatesError::new(error, cause.clone().unwrap_or_default());
                e.cause_absent = cause.is_none();
                return Err(Stop::Failed(e));
            }
        };
        let result_text = JsonText::of(&result);
        if result_text.len() > MAX_PAYLOAD_BYTES {
            // A failure of the task, which Retry and Catch (States.ALL too) see, as
            // recorded on AWS: the cause names the integration (`'lambda'`), or the
            // function's or activity's ARN.
            let task_name = match &res.kind {
                Kind::Service { resource_type, .. } => resource_type.as_str(),
                _ => task.resource.as_str(),
            };
            let cause = format!(
                "The state/task '{task_name}' returned a result with a size exceeding the maximum number of bytes service limit."
            );
            self.task_event_failed(
                &res.kind,
                "Failed",
                errors::DATA_LIMIT_EXCEEDED,
                Some(&cause),
                prev,
            )?;
            return Err(Stop::Failed(StatesError::new(
                errors::DATA_LIMIT_EXCEEDED,
                cause,
            )));
        }
        match &res.kind {
            Kind::Service {
                resource_type,
                resource,
            } => {
                let d = details([
                    ("resourceType", Some(json!(resource_type))),
                    ("resource", Some(json!(resource))),
                ])
                .payload("output", "outputDetails", result_text);
                self.chain("TaskSucceeded", prev, Some(d))?;
            }
            Kind::LambdaFunction => {
                let d = Details::default().payload("output", "outputDetails", result_text);
                self.chain("LambdaFunctionSucceeded", prev, Some(d))?;
            }
            Kind::Activity => {
                let d = Details::default().payload("output", "outputDetails", result_text);
                self.chain("ActivitySucceeded", prev, Some(d))?;
            }
        }
        self.finish(sp, raw, result, &context)
    }

    /// What the call that starts a `.sync` job or sends a callback's token answered, as
    /// `TaskSubmitted` shows it: the service's response with the SDK's HTTP metadata.
    /// `states:startExecution` answers `ExecutionArn` and `StartDate` (taken from the
    /// execution the mock returns); `sqs:sendMessage`, `MD5OfMessageBody` and `MessageId`;
    /// `sns:publish`, `MessageId`; `batch:submitJob`, `athena:startQueryExecution` and
    /// `glue:startJobRun`, the ids of the job the mock describes. Other `.sync` jobs show
    /// the mocked response (the mocks hold one response per call); other callbacks, the
    /// metadata alone.
    fn submitted_response(
        &mut self,
        resource_type: &str,
        resource: &str,
        params: &Value,
        final_result: Option<&Value>,
    ) -> Value {
        let api = resource.split('.').next().unwrap_or_default();
        let (mut response, body) = match (resource_type, api) {
            ("states", "startExecution") => {
                let get = |k: &str| {
                    final_result
                        .and_then(|r| r.get(k))
                        .cloned()
                        .unwrap_or(Value::Null)
                };
                // Without a mocked execution (a Throw), the one StartExecution would have
                // made: named by `Name` (else a UUID), started now.
                let mut arn = get("ExecutionArn");
                if arn.is_null() {
                    let machine = params
                        .get("StateMachineArn")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let name = match params.get("Name").and_then(Value::as_str) {
                        Some(n) => n.to_string(),
                        None => uuid(&mut self.rng),
                    };
                    arn = json!(format!(
                        "{}:{name}",
                        machine.replacen(":stateMachine:", ":execution:", 1)
                    ));
                }
                let mut start = get("StartDate");
                if start.is_null() {
                    start = json!(self.now_ms as f64 / 1000.0);
                }
                let body = json!({"executionArn": arn, "startDate": start});
                (json!({"ExecutionArn": arn, "StartDate": start}), body)
            }
            ("sqs", "sendMessage") => {
                use md5::Digest as _;
                let message = match params.get("MessageBody") {
                    Some(Value::String(s)) => s.clone(),
                    Some(v) => v.to_string(),
                    None => String::new(),
                };
                let digest: String = md5::Md5::digest(message.as_bytes())
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                let r = json!({"MD5OfMessageBody": digest, "MessageId": uuid(&mut self.rng)});
                (r.clone(), r)
            }
            ("sns", "publish") => {
                let r = json!({"MessageId": uuid(&mut self.rng)});
                (r.clone(), r)
            }
            // The start call's answer, out of the job the mock describes: Batch's
            // SubmitJob answers the job's ARN, id and name, Athena's
            // StartQueryExecution its query's id, Glue's StartJobRun its run's id.
            ("batch", "submitJob")
            | ("athena", "startQueryExecution")
            | ("glue", "startJobRun")
                if final_result.is_some() =>
            {
                let result = final_result.unwrap_or(&Value::Null);
                let pick = |path: &[&str]| {
                    path.iter()
                        .try_fold(result, |v, k| v.get(*k))
                        .cloned()
                        .unwrap_or(Value::Null)
                };
                let r = match api {
                    "submitJob" => json!({
                        "JobArn": pick(&["JobArn"]),
                        "JobId": pick(&["JobId"]),
                        "JobName": pick(&["JobName"]),
                    }),
                    "startQueryExecution" => {
                        json!({"QueryExecutionId": pick(&["QueryExecution", "QueryExecutionId"])})
                    }
                    _ => json!({"JobRunId": pick(&["Id"])}),
                };
                (r.clone(), r)
            }
            _ if resource.contains(".sync") => {
                let r = final_result.cloned().unwrap_or_else(|| json!({}));
                (r.clone(), r)
            }
            _ => (json!({}), json!({})),
        };
        let length = body.to_string().len().to_string();
        let request_id = uuid(&mut self.rng);
        let date = http_date(self.now_ms);
        if let Value::Object(m) = &mut response {
            m.insert(
                "SdkHttpMetadata".into(),
                json!({
                    "AllHttpHeaders": {
                        "x-amzn-RequestId": [request_id],
                        "connection": ["keep-alive"],
                        "Content-Length": [length],
                        "Date": [date],
                        "Content-Type": ["application/x-amz-json-1.0"],
                    },
                    "HttpHeaders": {
                        "connection": "keep-alive",
                        "Content-Length": length,
                        "Content-Type": "application/x-amz-json-1.0",
                        "Date": date,
                        "x-amzn-RequestId": request_id,
                    },
                    "HttpStatusCode": 200,
                }),
            );
            m.insert(
                "SdkResponseMetadata".into(),
                json!({"RequestId": request_id}),
            );
            // The SDK's response object comes out with its fields in alphabetical
            // order (StartExecution's `StartDate` after the metadata, as recorded).
            if resource_type == "states" && api == "startExecution" {
                m.sort_keys();
            }
        }
        response
    }

    /// ResultSelector → ResultPath → OutputPath.
    fn finish(
        &mut self,
        sp: &StatePlan,
        raw: &Value,
        result: Value,
        context: &Value,
    ) -> Step<Exit> {
        let (output, assigned) =
            sp.flow
                .finish(raw, result, context, &self.variables, &mut self.rng)?;
        Ok(Exit {
            output,
            next: sp.next,
            assigned,
        })
    }

    /// `Assign` over `input` (the state's result; a Choice's or Wait's input; a
    /// Catch's error output), with the variables as they were when the state began.
    fn assign(
        &mut self,
        assign: Option<&crate::dataflow::template::Template>,
        input: &Value,
        context: &Value,
    ) -> Step<Option<Map<String, Value>>> {
        let Some(t) = assign else {
            return Ok(None);
        };
        let v = self.eval_template(t, input, context, "Assign")?;
        Ok(match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
    }

    fn task_event_failed(
        &mut self,
        kind: &Kind,
        what: &str,
        error: &str,
        cause: Option<&str>,
        prev: &mut u64,
    ) -> Step<()> {
        let mut d = Details::default();
        if let Kind::Service {
            resource_type,
            resource,
        } = kind
        {
            d.insert("resourceType", json!(resource_type));
            d.insert("resource", json!(resource));
        }
        d.insert("error", json!(error));
        // A timeout has no cause.
        if let Some(cause) = cause {
            d.insert("cause", json!(cause));
        }
        let event_type = match (kind, what) {
            (Kind::Service { .. }, "Failed") => "TaskFailed",
            (Kind::Service { .. }, _) => "TaskTimedOut",
            (Kind::LambdaFunction, "Failed") => "LambdaFunctionFailed",
            (Kind::LambdaFunction, _) => "LambdaFunctionTimedOut",
            (Kind::Activity, "Failed") => "ActivityFailed",
            (Kind::Activity, _) => "ActivityTimedOut",
        };
        self.chain(event_type, prev, Some(d))?;
        Ok(())
    }

    fn run_parallel(
        &mut self,
        sp: &StatePlan,
        branches: &[ScopeId],
        raw: &Value,
        prev: &mut u64,
        entered_ms: i64,
    ) -> Step<Exit> {
        let context = self.context(sp, entered_ms, 0, None);
        let effective = self.input_path(sp, raw, &context)?;
        let effective = match &sp.flow.parameters {
            Some(t) => self.eval_template(t, &effective, &context, "Parameters")?,
            None => effective.into_owned(),
        };
        let started = self.chain("ParallelStateStarted", prev, None)?;
        let start = self.now_ms;
        let mut end = start;
        let mut outputs = Vec::with_capacity(branches.len());
        let mut redriven = self.pending.take_children(sp.id);
        // Each branch is recorded on its own, then merged by time (interleave.rs).
        let mut subs: Vec<Sub> = Vec::with_capacity(branches.len());
        let mut recorded = 0;
        let mut siblings = Siblings::new(self.cut_ms);
        for (k, &branch) in branches.iter().enumerate() {
            match redriven.remove(&k) {
                // Succeeded before the redrive: not run again.
                Some(super::redrive::Child::Done(out)) => {
                    outputs.push(out);
                    subs.push(Sub::empty(Ext::Id(started)));
                    continue;
                }
                Some(super::redrive::Child::Resume(r)) => self.pending.resume = Some(r),
                None => {}
            }
            // Branches run side by side: each starts when the state started, and its
            // first event follows ParallelStateStarted.
            self.now_ms = start;
            let saved = self.begin_sub(recorded, subs.last().map_or(0, |s| s.events.len()));
            let mut branch_prev = 0;
            // A branch sees the variables of the scope around it; what it assigns stays inside.
            let outer = self.variables.clone();
            let was_in_branch = std::mem::replace(&mut self.in_branch, true);
            let outcome = self.run_scope(branch, effective.clone(), &mut branch_prev);
            self.in_branch = was_in_branch;
            self.variables = outer;
            let (events, lanes) = self.end_sub(saved);
            recorded += events.len();
            subs.push(Sub {
                events,
                lanes,
                ext: Ext::Id(started),
                tail: branch_prev,
                end: None,
                start: None,
            });
            siblings.count(&subs, self.quota_room(), &mut self.cut_ms);
            end = end.max(self.now_ms);
            match outcome {
                Ok(out) => outputs.push(out),
                Err(Stop::Failed(e)) => {
                    outputs.push(Value::Null);
                    let keep = subs[k].events.len();
                    siblings.failed(self.now_ms, &mut self.cut_ms, k, keep, e);
                }
                Err(stop) => {
                    outputs.push(Value::Null);
                    let at = self.now_ms;
                    if let Err(stop) = siblings.stopped(stop, at, &mut self.cut_ms) {
                        // Aborted, or the run cannot go on: what happened so far stays.
                        self.cut_ms = siblings.outer_cut;
                        self.merge_subs(started, None, subs, None);
                        return Err(stop);
                    }
                }
            }
        }
        self.cut_ms = siblings.outer_cut;
        match siblings.end() {
            SiblingsEnd::Failed {
                at_ms,
                sub,
                keep,
                error,
            } => {
                // ParallelStateFailed follows the failing branch's last event.
                self.merge_failed(started, None, subs, (sub, keep), at_ms, prev);
                self.quota_after_merge()?;
                Err(Stop::Failed(error))
            }
            SiblingsEnd::Stopped(stop, at_ms) => {
                self.merge_subs(started, None, subs, None);
                self.now_ms = at_ms;
                self.quota_after_merge()?;
                Err(stop)
            }
            SiblingsEnd::Done => {
                self.merge_to_last(started, None, subs, &[], None, prev);
                self.quota_after_merge()?;
                self.now_ms = end;
                // As MapStateSucceeded: not in the chain; the state's exit follows the last
                // branch's last event (AWS's recorded test_parallel_state).
                self.event("ParallelStateSucceeded", *prev, None)?;
                self.finish(sp, raw, Value::Array(outputs), &context)
            }
        }
    }

    /// An event id as the history will number it once branches and iterations are
    /// merged: exact when they do not overlap in time (they are then recorded one
    /// after another), else the id in that order.
    fn global_id(&self, local: u64) -> u64 {
        self.history_base as u64 + local
    }

    /// Appends an iteration's events (local ids from 1) to the history as the merge
    /// would append them alone: ids shifted, its first event chained to
    /// `first_prev`. Returns the new ids of the local `(tail, end)`.
    fn append_iteration(
        &mut self,
        events: Vec<crate::history::Event>,
        first_prev: u64,
        (tail, end): (u64, u64),
    ) -> (u64, u64) {
        let offset = self.history.len() as u64;
        self.history.events.extend(events.into_iter().map(|mut e| {
            e.id += offset;
            e.previous_event_id = if e.previous_event_id == 0 {
                first_prev
            } else {
                e.previous_event_id + offset
            };
            e
        }));
        self.history.hand_over();
        (if tail == 0 { 0 } else { offset + tail }, offset + end)
    }

    /// Starts recording a branch or an iteration on its own, after `before` events of
    /// its earlier siblings.
    /// `size`: how many events it may record (the one before it recorded), so that
    /// its list is allocated once.
    fn begin_sub(&mut self, before: usize, size: usize) -> SavedHistory {
        let fresh = History::with_capacity(size);
        let saved = SavedHistory {
            history: std::mem::replace(&mut self.history, fresh),
            lanes: self.lanes.replace(Lanes::default()),
            base: self.history_base,
            quota_base: self.quota_base,
        };
        self.history_base = saved.base + saved.history.len() + before;
        self.quota_base = saved.quota_base + saved.history.len();
        saved
    }

    /// Ends what [`Self::begin_sub`] started: the branch's or iteration's events.
    fn end_sub(&mut self, saved: SavedHistory) -> (Vec<crate::history::Event>, Lanes) {
        let sub = std::mem::replace(&mut self.history, saved.history);
        let lanes = std::mem::replace(&mut self.lanes, saved.lanes).unwrap_or_default();
        self.history_base = saved.base;
        self.quota_base = saved.quota_base;
        (sub.events, lanes)
    }

    fn merge_subs(
        &mut self,
        owner: u64,
        map_name: Option<&str>,
        subs: Vec<Sub>,
        cut: Option<Cut>,
    ) -> interleave::Merged {
        let merged = interleave::merge(
            &mut self.history,
            self.lanes.as_mut(),
            owner,
            map_name,
            subs,
            cut,
        );
        // Past the quota, what comes after the last event that fits never happens.
        let capacity = self.quota_capacity();
        if self.history.len() > capacity {
            self.history.truncate(capacity);
            if let Some(lanes) = self.lanes.as_mut() {
                lanes.truncate(capacity);
            }
        }
        self.history.hand_over();
        merged
    }

    /// After a merge: a history that reached the quota fails the execution at its
    /// last event's instant.
    fn quota_after_merge(&mut self) -> Step<()> {
        if self.history.len() < self.quota_capacity() {
            return Ok(());
        }
        if let Some(last) = self.history.events.last() {
            self.now_ms = last.timestamp_ms;
        }
        Err(Stop::Quota)
    }

    /// How many events this history can hold before the quota: the execution's
    /// failure takes the last place, and the histories it is nested in the first.
    fn quota_capacity(&self) -> usize {
        (MAX_HISTORY_EVENTS - 1).saturating_sub(self.quota_base)
    }

    /// How many more events the history can take before the quota.
    fn quota_room(&self) -> usize {
        self.quota_capacity().saturating_sub(self.history.len())
    }

    fn run_map(
        &mut self,
        sp: &StatePlan,
        map: &MapPlan,
        raw: &mut Value,
        prev: &mut u64,
        entered_ms: i64,
    ) -> Step<Exit> {
        let context = self.context(sp, entered_ms, 0, None);
        let taken = if map.takes_items {
            self.take_items(map, raw, &context)?
        } else {
            None
        };
        let raw = &*raw;
        let effective = self.input_path(sp, raw, &context)?;
        // With an ItemReader the items are read once the Map Run has started.
        let items = if map.item_reader.is_some() {
            None
        } else {
            let items = match taken {
                Some(items) => items,
                None => map
                    .items_path
                    .apply(&self.bindings(&effective, &context))?
                    .into_owned(),
            };
            let Value::Array(items) = items else {
                return Err(EvalError::runtime(format!(
                    "Map state input must be an array but was: {items}"
                ))
                .into());
            };
            Some(items)
        };
        let max_concurrency = match &map.max_concurrency {
            Some(s) => {
                let n = self.number(s, &effective, &context, "MaxConcurrencyPath")?;
                // A literal below 0 is the validator's; one from a path fails the run
                // (the cause LocalStack's AWS-recorded parity tests give).
                if n < 0.0 {
                    let shown = if n.fract() == 0.0 && n > -9.0e15 {
                        (n as i64).to_string()
                    } else {
                        n.to_string()
                    };
                    return Err(EvalError::runtime(format!(
                        "Expected non-negative integer for MaxConcurrency, got '{shown}' instead."
                    ))
                    .into());
                }
                n as usize
            }
            None => 0,
        };
        let batch_size = map
            .max_items_per_batch
            .as_ref()
            .map(|s| self.number(s, &effective, &context, "MaxItemsPerBatchPath"))
            .transpose()?;
        let batch_bytes = map
            .max_input_bytes_per_batch
            .as_ref()
            .map(|s| self.number(s, &effective, &context, "MaxInputBytesPerBatchPath"))
            .transpose()?;
        let batch_input = match &map.batch_input {
            Some(t) => Some(self.eval_template(t, &effective, &context, "BatchInput")?),
            None => None,
        };
        let batching = Batching {
            max_items: batch_size,
            max_bytes: batch_bytes,
            input: batch_input,
        };
        // Batches: each iteration gets {"Items": [...]} (plus BatchInput).
        let work = match items {
            Some(items) => {
                Some(self.batch_items(sp, map, &effective, entered_ms, items, &batching)?)
            }
            None => None,
        };
        let reader = match &map.item_reader {
            Some(r) => Some(self.reader_request(r, &effective, &context)?),
            None => None,
        };
        let export = match map.result_writer.as_ref().and_then(|w| w.export.as_ref()) {
            Some(t) => Some(self.eval_template(t, &effective, &context, "ResultWriter")?),
            None => None,
        };
        // With an ItemReader AWS records a length of 0: nothing is read yet.
        let length = work.as_ref().map_or(0, Vec::len);
        self.chain(
            "MapStateStarted",
            prev,
            Some(details([("length", Some(json!(length)))])),
        )?;
        // The tolerated failure thresholds are read once the Map state has started.
        // They are a Distributed Map's: an inline Map fails when any iteration fails
        // ("In this mode, if any iteration fails, the Map state fails", AWS's guide),
        // though AWS accepts the fields on it.
        let tolerated_count = map
            .tolerated_failure_count
            .as_ref()
            .filter(|_| map.distributed)
            .map(|s| self.tolerated_count(s, &effective, &context))
            .transpose()?;
        let tolerated_pct = map
            .tolerated_failure_percentage
            .as_ref()
            .filter(|_| map.distributed)
            .map(|s| self.tolerated_percentage(s, &effective, &context))
            .transpose()?;
        // A distributed Map runs its items as child executions, in a Map Run: their
        // events are not in this history.
        let mut run = None;
        let map_run = if map.distributed {
            // Its children's state machine: `<machine>/<label>`.
            let machine_name = format!(
                "{}/{}",
                self.opts.state_machine_name,
                map.label.as_deref().unwrap_or(&sp.name)
            );
            let redriven = self.pending.take_map_run(sp.id);
            let arn = super::map_run_arn(&machine_name, &uuid(&mut self.rng));
            // A redrive redrives the Map Run it started: the children that succeeded
            // there keep their outputs and do not run again.
            let (arn, event) = match redriven {
                Some((arn, count)) => {
                    if let Some(record) = self.map_runs.get(&arn) {
                        let done = record
                            .succeeded
                            .iter()
                            .map(|(i, out)| (*i, super::redrive::Child::Done(out.clone())))
                            .collect();
                        self.pending.set_children(sp.id, done);
                    }
                    (
                        arn.clone(),
                        details([
                            ("mapRunArn", Some(json!(arn))),
                            ("redriveCount", Some(json!(count))),
                        ]),
                    )
                }
                None => (arn.clone(), details([("mapRunArn", Some(json!(arn)))])),
            };
            let event_type = if event.get("redriveCount").is_some() {
                "MapRunRedriven"
            } else {
                "MapRunStarted"
            };
            self.chain(event_type, prev, Some(event))?;
            run = Some(items::MapRun { arn, machine_name });
            Some((
                std::mem::take(&mut self.history),
                *prev,
                self.child_calls.replace(Vec::new()),
            ))
        } else {
            None
        };
        let work = match (work, reader) {
            (Some(work), _) => Ok(work),
            (None, reader) => self.read_items(map, reader).and_then(|items| {
                self.batch_items(sp, map, &effective, entered_ms, items, &batching)
            }),
        };
        // Each child execution's input, output or error: for the ResultWriter, and
        // kept with the Map Run for a redrive.
        let mut children = map.distributed.then(Vec::new);
        let outer_run = std::mem::replace(&mut self.map_run, run);
        let result = work.and_then(|work| {
            self.run_map_items(
                sp,
                map,
                &effective,
                work,
                prev,
                entered_ms,
                max_concurrency,
                (tolerated_count, tolerated_pct),
                children.as_mut(),
            )
        });
        let run = std::mem::replace(&mut self.map_run, outer_run);
        if let (Some((_, run_event, _)), Some(children), Some(run)) = (&map_run, &children, &run) {
            let calls = self.child_calls.take().unwrap_or_default();
            let record = self.map_runs.entry(run.arn.clone()).or_default();
            for c in children {
                if let Ok(out) = &c.outcome {
                    record.succeeded.insert(c.index, out.clone());
                    record
                        .ran
                        .insert(c.index, (c.input.clone(), c.start.clone(), c.stop.clone()));
                }
            }
            record.calls.extend(
                calls
                    .into_iter()
                    .map(|(state, params)| (*run_event, state, params)),
            );
        }
        let result = match (&map.result_writer, children, &run) {
            (Some(writer), Some(children), Some(run)) => {
                self.write_results(run, writer, export.as_ref(), children, result)
            }
            (None, Some(children), Some(run)) => result.map(|(mut outputs, last)| {
                items::compact(run, &children, &mut outputs);
                (Value::Array(outputs), last)
            }),
            _ => result.map(|(outputs, last)| (Value::Array(outputs), last)),
        };
        if let Some((parent, _, outer_calls)) = map_run {
            self.history = parent;
            self.child_calls = outer_calls;
            match &result {
                Ok(_) => {
                    self.chain("MapRunSucceeded", prev, None)?;
                }
                Err(Stop::Failed(e)) => {
                    self.chain("MapRunFailed", prev, Some(e.details()))?;
                }
                Err(_) => {}
            }
        }
        let (result, last_event) = result?;
        // MapStateSucceeded does not continue the chain: the state's exit follows
        // the last iteration's event (inline) or the Map Run's (distributed).
        *prev = last_event.unwrap_or(*prev);
        self.event("MapStateSucceeded", *prev, None)?;
        self.finish(sp, raw, result, &context)
    }

    /// The items of a Map that takes them (see `MapPlan::takes_items`), moved
    /// out of `raw` (left `null` there); `None` where they are not an array (the
    /// usual evaluation then fails as AWS fails). `ItemsPath` is evaluated first,
    /// so that a path that matches nothing fails as it does otherwise.
    fn take_items(&self, map: &MapPlan, raw: &mut Value, context: &Value) -> Step<Option<Value>> {
        let found = map.items_path.apply(&self.bindings(raw, context))?;
        if !matches!(found, std::borrow::Cow::Borrowed(Value::Array(_))) {
            return Ok(None);
        }
        let mut at = raw;
        if let PathSpec::Path(p, _) = &map.items_path {
            for segment in &p.segments {
                let next = match (&segment.selector, at) {
                    (path::Selector::Name(name), Value::Object(o)) => o.get_mut(name),
                    (path::Selector::Index(i), Value::Array(a)) => {
                        usize::try_from(*i).ok().and_then(|i| a.get_mut(i))
                    }
                    _ => None,
                };
                let Some(next) = next else { return Ok(None) };
                at = next;
            }
        }
        Ok(Some(std::mem::take(at)))
    }

    /// The context ItemSelector reads, `$$.Map.Item` set for each item in turn
    /// (see [`set_map_item`]).
    fn item_context(&self, sp: &StatePlan, entered_ms: i64) -> Value {
        self.context(
            sp,
            entered_ms,
            0,
            Some(("Map", map_item_context(0, Value::Null))),
        )
    }

    /// The iterations' inputs: the items, or with an ItemBatcher their batches,
    /// each item first through ItemSelector (AWS batches the selected items).
    fn batch_items(
        &mut self,
        sp: &StatePlan,
        map: &MapPlan,
        effective: &Value,
        entered_ms: i64,
        items: Vec<Value>,
        batching: &Batching,
    ) -> Step<Vec<Value>> {
        if !map.batching {
            return Ok(items);
        }
        let items = match &map.item_selector {
            Some(t) => {
                let mut ctx = self.item_context(sp, entered_ms);
                let mut selected = Vec::with_capacity(items.len());
                for (index, item) in items.into_iter().enumerate() {
                    set_map_item(&mut ctx, index, item);
                    selected.push(self.eval_template(t, effective, &ctx, "ItemSelector")?);
                }
                selected
            }
            None => items,
        };
        Ok(items::batch(
            items,
            batching.max_items,
            batching.max_bytes,
            batching.input.as_ref(),
        ))
    }

    /// Runs the items; returns their outputs and the event the state's exit chains from.
    #[allow(clippy::too_many_arguments)]
    fn run_map_items(
        &mut self,
        sp: &StatePlan,
        map: &MapPlan,
        effective: &Value,
        work: Vec<Value>,
        prev: &mut u64,
        entered_ms: i64,
        max_concurrency: usize,
        (tolerated_count, tolerated_pct): (Option<f64>, Option<f64>),
        mut children: Option<&mut Vec<items::Child>>,
    ) -> Step<(Vec<Value>, Option<u64>)> {
        let start = self.now_ms;
        // When each of MaxConcurrency slots is next free: the earliest (then the
        // lowest slot) takes the next item. Unlimited concurrency (0) is a slot per
        // item, each free at the start: every item starts then, no heap needed.
        // Slots beyond the number of items are never taken: a MaxConcurrency of
        // 2147483647 over two items needs two, not two billion.
        // At the same instant a slot never taken comes first, then the one whose
        // iteration ended at the earliest step (interleave.rs): the iterations that
        // start together take a slot each, and the next takes the first slot freed.
        let mut free_at: std::collections::BinaryHeap<std::cmp::Reverse<(i64, bool, u32, usize)>> =
            (0..max_concurrency.min(work.len()))
                .map(|i| std::cmp::Reverse((start, false, 0, i)))
                .collect();
        // Each iteration's last (time, step), for the slot order above.
        let mut ends: Vec<Option<interleave::Key>> = Vec::new();
        let mut slot_holder: Vec<Option<usize>> = vec![None; max_concurrency.min(work.len())];
        let mut end = start;
        let mut outputs = Vec::with_capacity(work.len());
        let mut failures = 0usize;
        let mut first_error: Option<StatesError> = None;
        let mut redriven = self.pending.take_children(sp.id);
        // Inline: each iteration is recorded on its own, then merged by time
        // (interleave.rs). Distributed: each item is a child execution.
        let inline = !map.distributed;
        let owner = *prev;
        let mut subs: Vec<Sub> = Vec::with_capacity(if inline { work.len() } else { 0 });
        let mut ext = Ext::Id(*prev);
        let mut recorded = 0;
        let mut siblings = Siblings::new(self.cut_ms);
        let no_tolerance = tolerated_count.is_none() && tolerated_pct.is_none();
        // Iterations appended to the history as soon as they end (ids of their
        // chain's last event and of their MapIterationSucceeded): while every one so
        // far took no time and ended, nothing can come between or before their
        // events, so the merge would only append them in turn. Kept to a Map at the
        // top of its history (no lanes to track), not redriven, not cut.
        let mut appended: Vec<(u64, u64)> = Vec::new();
        let appending =
            inline && self.lanes.is_none() && redriven.is_empty() && self.cut_ms.is_none();
        // Tolerated failures count items: a failed batch, each of its items.
        let weight = |unit: &Value| {
            if map.batching {
                unit["Items"].as_array().map_or(1, Vec::len)
            } else {
                1
            }
        };
        let total: usize = work.iter().map(weight).sum();
        let mut last_len = 0;
        // With batches, the items went through ItemSelector before they were batched.
        let mut item_ctx = map
            .item_selector
            .as_ref()
            .filter(|_| !map.batching)
            .map(|_| self.item_context(sp, entered_ms));
        for (index, item) in work.into_iter().enumerate() {
            let resume = match redriven.remove(&index) {
                // Succeeded before the redrive: not run again.
                Some(super::redrive::Child::Done(out)) => {
                    // Exported again with the ResultWriter, as it ran.
                    if let Some(children) = children.as_deref_mut() {
                        children.push(self.kept_child(index, &item, &out));
                    }
                    outputs.push(out);
                    if inline {
                        subs.push(Sub::empty(ext));
                    }
                    continue;
                }
                Some(super::redrive::Child::Resume(r)) => Some(r),
                None => None,
            };
            let std::cmp::Reverse((at, _, _, slot)) = free_at
                .pop()
                .unwrap_or(std::cmp::Reverse((start, false, 0, 0)));
            // The iteration whose MaxConcurrency slot this one takes, if one had it.
            let waited_for = if max_concurrency > 0 {
                slot_holder.get_mut(slot).and_then(|h| h.replace(index))
            } else {
                None
            };
            // A sibling failed (or an enclosing one did) before this one would start:
            // the rest never start (slots free up later and later).
            if inline && self.cut_ms.is_some_and(|cut| at >= cut) {
                let _ = siblings.stopped(Stop::Cut, at, &mut self.cut_ms);
                break;
            }
            self.now_ms = at;
            let item_weight = weight(&item);
            let item_input = match (&map.item_selector, &mut item_ctx) {
                (Some(t), Some(item_ctx)) => {
                    set_map_item(item_ctx, index, item);
                    match self.eval_template(t, effective, item_ctx, "ItemSelector") {
                        Ok(v) => v,
                        Err(stop) => {
                            // Before the iteration starts: the others stop then, and
                            // (a States.Runtime error) nothing is recorded for them.
                            self.cut_ms = siblings.outer_cut;
                            if inline {
                                let cut = Cut {
                                    at_ms: at,
                                    failing: None,
                                    aborts: false,
                                };
                                self.merge_to_last(
                                    owner,
                                    Some(&sp.name),
                                    subs,
                                    &appended,
                                    Some(cut),
                                    prev,
                                );
                            }
                            return Err(stop);
                        }
                    }
                }
                _ => item,
            };
            // An iteration sees the variables of the scope around it; what it assigns stays inside.
            let outer = self.variables.clone();
            let outcome = if map.distributed {
                // Each item is a child execution with its own history.
                let parent = std::mem::take(&mut self.history);
                let lanes = self.lanes.take();
                let base = std::mem::take(&mut self.history_base);
                let quota_base = std::mem::take(&mut self.quota_base);
                let mut child_prev = 0;
                let start = self.now_ms;
                // Its input, for the record of the child shown when it fails (with
                // a ResultWriter or without: see `items::compact`).
                let child_input = children.as_ref().map(|_| item_input.clone());
                // The child is an execution of its own: the context object says which.
                let contexts = self.map_run.clone().map(|run| {
                    let name = run.child_name(index);
                    let input = if self.plan.context_needs_input {
                        item_input.clone()
                    } else {
                        Value::Null
                    };
                    let redrives = match resume {
                        Some(_) => self.execution_context["RedriveCount"].clone(),
                        None => json!(0),
                    };
                    let execution = json!({
                        "Id": run.child_arn(&name),
                        "Input": input,
                        "StartTime": iso(self.now_ms),
                        "Name": name,
                        "RoleArn": self.opts.role_arn(),
                        "RedriveCount": redrives,
                    });
                    let machine = json!({"Id": run.machine_arn(), "Name": run.machine_name});
                    (
                        std::mem::replace(&mut self.execution_context, execution),
                        std::mem::replace(&mut self.machine_context, machine),
                    )
                });
                let was_in_branch = std::mem::replace(&mut self.in_branch, false);
                let outcome = match self.run_scope(map.processor, item_input, &mut child_prev) {
                    // The child's own history is full: the child execution fails.
                    Err(Stop::Quota) => Err(Stop::Failed(quota_error())),
                    outcome => outcome,
                };
                self.in_branch = was_in_branch;
                if let Some((execution, machine)) = contexts {
                    self.execution_context = execution;
                    self.machine_context = machine;
                }
                self.history = parent;
                self.lanes = lanes;
                self.history_base = base;
                self.quota_base = quota_base;
                self.variables = outer;
                if let (Some(children), Some(input)) = (children.as_deref_mut(), child_input) {
                    let outcome = match &outcome {
                        Ok(v) => Ok(v.clone()),
                        Err(Stop::Failed(e)) => Err(e.clone()),
                        Err(_) => return outcome.map(|_| (outputs, None)),
                    };
                    children.push(items::Child {
                        index,
                        input,
                        outcome,
                        start: iso(start),
                        stop: iso(self.now_ms),
                    });
                }
                outcome
            } else {
                let saved = self.begin_sub(recorded, last_len);
                let mut it_prev = 0;
                let d = Details::with_capacity(2)
                    .with("index", Value::from(index))
                    .with("name", Field::Shared(sp.shared_name.clone()));
                let mut outcome = match self.chain("MapIterationStarted", &mut it_prev, Some(d)) {
                    Ok(_) => {
                        self.pending.resume = resume;
                        let was_in_branch = std::mem::replace(&mut self.in_branch, false);
                        let outcome = self.run_scope(map.processor, item_input, &mut it_prev);
                        self.in_branch = was_in_branch;
                        outcome
                    }
                    Err(stop) => Err(stop),
                };
                self.variables = outer;
                // The next iteration chains from this one's last state event, not from this.
                let event_type = match &outcome {
                    Ok(_) => Some("MapIterationSucceeded"),
                    Err(Stop::Failed(_)) => Some("MapIterationFailed"),
                    Err(_) => None,
                };
                let mut end_event = None;
                if let Some(event_type) = event_type {
                    let d = Details::with_capacity(2)
                        .with("index", Value::from(index))
                        .with("name", Field::Shared(sp.shared_name.clone()));
                    match self.event(event_type, it_prev, Some(d)) {
                        Ok(id) => end_event = Some(id),
                        Err(stop) => outcome = Err(stop),
                    }
                }
                let (events, lanes) = self.end_sub(saved);
                last_len = events.len();
                let sub = Sub {
                    events,
                    lanes,
                    ext,
                    tail: it_prev,
                    end: end_event,
                    // After the iteration it waited for: the step after its last.
                    start: waited_for
                        .and_then(|k| ends.get(k).copied().flatten())
                        .map(|(t, step)| (t, step + 1)),
                };
                if appending
                    && appended.len() == index
                    && outcome.is_ok()
                    && self.cut_ms.is_none()
                    // Nothing of another iteration can come between its events: no
                    // time passed, and no Task let the others run (interleave.rs).
                    && sub.events.iter().all(|e| {
                        e.timestamp_ms == start && !interleave::is_step_boundary(e.event_type)
                    })
                    && let (Ext::Id(first_prev), Some(end)) = (sub.ext, sub.end)
                {
                    if appended.is_empty() && !self.history.is_streamed() {
                        // Room for the rest, if they record as many events.
                        let room = (sub.events.len() * total).min(super::MAX_HISTORY_EVENTS);
                        self.history.events.reserve(room + 16);
                    }
                    let ids = self.append_iteration(sub.events, first_prev, (sub.tail, end));
                    appended.push(ids);
                    // Its empty entry in `subs` is made only if a later iteration
                    // is not appended (`list_appended`): for 6,000 items, the
                    // entries were most of a megabyte of pages touched for nothing.
                    ext = Ext::Id(if ids.0 == 0 { owner } else { ids.0 });
                } else {
                    list_appended(&mut subs, &appended, owner);
                    recorded += sub.events.len();
                    let run = !sub.events.is_empty();
                    subs.push(sub);
                    siblings.count(&subs, self.quota_room(), &mut self.cut_ms);
                    if run {
                        ext = Ext::TailOf(index);
                    }
                }
                outcome
            };
            match outcome {
                Ok(out) => outputs.push(out),
                Err(Stop::Failed(e)) => {
                    failures += item_weight;
                    outputs.push(Value::Null);
                    first_error.get_or_insert(e.clone());
                    // A share of all the Map Run's items, as AWS counts it, not of
                    // those done so far.
                    // Both given: exceeding either fails the Map Run (AWS's
                    // "Tolerated failure threshold" page).
                    let tolerated = !no_tolerance
                        && tolerated_count.is_none_or(|c| failures as f64 <= c)
                        && tolerated_pct
                            .is_none_or(|p| failures as f64 * 100.0 <= p * total as f64);
                    if !tolerated && map.distributed {
                        self.now_ms = end.max(self.now_ms);
                        return Err(Stop::Failed(StatesError::new(
                            errors::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                            "The specified tolerated failure threshold was exceeded",
                        )));
                    }
                    if !tolerated {
                        // Its MapIterationFailed comes after what it cut.
                        let keep = subs[index].events.len().saturating_sub(1);
                        let e = if no_tolerance {
                            e
                        } else {
                            first_error.clone().unwrap_or(e)
                        };
                        siblings.failed(self.now_ms, &mut self.cut_ms, index, keep, e);
                    }
                }
                Err(stop) if inline => {
                    outputs.push(Value::Null);
                    let at = self.now_ms;
                    if let Err(stop) = siblings.stopped(stop, at, &mut self.cut_ms) {
                        self.cut_ms = siblings.outer_cut;
                        self.merge_to_last(owner, Some(&sp.name), subs, &appended, None, prev);
                        return Err(stop);
                    }
                }
                Err(other) => return Err(other),
            }
            if max_concurrency > 0 {
                let step = match subs.get(index) {
                    Some(s) if inline => {
                        let key = interleave::last_key(&s.events, s.start);
                        ends.resize(index, None);
                        ends.push(key);
                        key.map_or(0, |(_, step)| step)
                    }
                    _ => 0,
                };
                free_at.push(std::cmp::Reverse((self.now_ms, true, step, slot)));
            }
            end = end.max(self.now_ms);
        }
        if !inline {
            self.now_ms = end;
            return Ok((outputs, None));
        }
        self.cut_ms = siblings.outer_cut;
        match siblings.end() {
            SiblingsEnd::Failed {
                at_ms,
                sub,
                keep,
                error,
            } => {
                // MapStateFailed follows the failing iteration's last state event.
                self.merge_failed(owner, Some(&sp.name), subs, (sub, keep), at_ms, prev);
                self.quota_after_merge()?;
                Err(Stop::Failed(error))
            }
            SiblingsEnd::Stopped(stop, at_ms) => {
                self.merge_to_last(owner, Some(&sp.name), subs, &appended, None, prev);
                self.now_ms = at_ms;
                self.quota_after_merge()?;
                Err(stop)
            }
            SiblingsEnd::Done => {
                let last = self.merge_to_last(owner, Some(&sp.name), subs, &appended, None, prev);
                self.quota_after_merge()?;
                self.now_ms = end;
                Ok((outputs, last))
            }
        }
    }

    /// Merges branches or iterations (cut at `cut`, if any); the chain goes on from the one
    /// that ended last in the merged order (with ones that take no time, the last,
    /// as AWS records them). Returns that one's `MapIterationSucceeded`/`Failed`.
    /// `appended`: iterations already in the history (their chain's last event and
    /// their end), empty in `subs` or not listed there yet.
    fn merge_to_last(
        &mut self,
        owner: u64,
        map_name: Option<&str>,
        subs: Vec<Sub>,
        appended: &[(u64, u64)],
        cut: Option<Cut>,
        prev: &mut u64,
    ) -> Option<u64> {
        let ends: Vec<(usize, u64, Option<u64>)> = subs
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.events.is_empty())
            .map(|(k, s)| (k, s.tail, s.end))
            .collect();
        // Every one with events already in the history, and no lanes to record them
        // in: the merge would do nothing.
        let merged = (!ends.is_empty() || self.lanes.is_some())
            .then(|| self.merge_subs(owner, map_name, subs, cut));
        let (tail, end) = ends
            .iter()
            .filter_map(|&(k, tail, end)| {
                let merged = merged.as_ref()?;
                Some((merged.id(k, tail), end.map_or(0, |e| merged.id(k, e))))
            })
            .chain(appended.iter().copied())
            .max_by_key(|&(tail, end)| (end, tail))?;
        if tail != 0 {
            *prev = tail;
        }
        (end != 0).then_some(end)
    }

    /// Merges branches or iterations of which `failing` (its index, and how many
    /// of its events to keep) failed at `at_ms`: the others are cut there, what
    /// they had in flight aborted, and the chain goes on from the failing one's
    /// last event.
    fn merge_failed(
        &mut self,
        owner: u64,
        map_name: Option<&str>,
        subs: Vec<Sub>,
        failing: (usize, usize),
        at_ms: i64,
        prev: &mut u64,
    ) {
        let (sub, _) = failing;
        let tail = subs[sub].tail;
        let cut = Cut {
            at_ms,
            failing: Some(failing),
            aborts: true,
        };
        let merged = self.merge_subs(owner, map_name, subs, Some(cut));
        *prev = merged.id(sub, tail);
        self.now_ms = at_ms;
    }

    /// An `ItemReader`'s `Parameters` and `MaxItems(Path)`, read from the state's input
    /// before the Map Run starts. A `MaxItemsPath` value that is no integer fails at once.
    fn reader_request(
        &mut self,
        reader: &ReaderPlan,
        effective: &Value,
        context: &Value,
    ) -> Step<(Value, Option<i64>)> {
        let params = match &reader.parameters {
            Some(t) => self.eval_template(t, effective, context, "ItemReader")?,
            None => json!({}),
        };
        let max_items = match &reader.max_items {
            None => None,
            Some(NumberSpec::Literal(n)) => Some(*n as i64),
            Some(NumberSpec::Path(p, text)) => {
                let v = apply_path_field(Some(p), Some(text), &self.bindings(effective, context))?;
                match v.as_i64() {
                    Some(n) => Some(n),
                    None => {
                        return Err(fail(
                            errors::ITEM_READER_FAILED,
                            format!(
                                "The MaxItemsPath field refers to value '{}' which is not a valid integer: {text}",
                                plain(&v)
                            ),
                        ));
                    }
                }
            }
        };
        Ok((params, max_items))
    }

    /// Reads an `ItemReader`'s items from the local S3 directory.
    fn read_items(&self, map: &MapPlan, request: Option<(Value, Option<i64>)>) -> Step<Vec<Value>> {
        let (Some(reader), Some((params, max_items))) = (&map.item_reader, request) else {
            return Ok(Vec::new());
        };
        if max_items.is_some_and(|n| n < 0) {
            return Err(fail(
                errors::ITEM_READER_FAILED,
                "field MaxItems must be positive",
            ));
        }
        let limit = items::item_limit(max_items.map(|n| n as u64));
        items::read(&self.opts.s3_dir, &reader.source, &params, limit)
            .map_err(|cause| fail(errors::ITEM_READER_FAILED, cause))
    }

    /// A child execution that succeeded before a redrive, as its Map Run's record
    /// keeps it (a record stored before inputs and dates were kept: its item, now).
    fn kept_child(&self, index: usize, item: &Value, output: &Value) -> items::Child {
        let ran = self
            .map_run
            .as_ref()
            .and_then(|run| self.map_runs.get(&run.arn))
            .and_then(|record| record.ran.get(&index));
        let (input, start, stop) = match ran {
            Some((input, start, stop)) => (input.clone(), start.clone(), stop.clone()),
            None => (item.clone(), iso(self.now_ms), iso(self.now_ms)),
        };
        items::Child {
            index,
            input,
            outcome: Ok(output.clone()),
            start,
            stop,
        }
    }

    /// `ResultWriter`: the Map's result is its children's results as `WriterConfig`
    /// shapes them, or, once exported, where they were written. A failed Map Run
    /// still exports what its children did.
    fn write_results(
        &mut self,
        run: &items::MapRun,
        writer: &WriterPlan,
        export: Option<&Value>,
        children: Vec<items::Child>,
        result: Step<(Vec<Value>, Option<u64>)>,
    ) -> Step<(Value, Option<u64>)> {
        let Some(params) = export else {
            return result.map(|(_, last)| {
                let shaped = items::transform(run, &children, writer.transformation);
                (Value::Array(shaped), last)
            });
        };
        let written = |children: &[items::Child]| {
            items::write_results(&self.opts.s3_dir, params, run, children, writer)
        };
        match result {
            Ok((_, last)) => written(&children)
                .map(|v| (v, last))
                .map_err(|cause| fail(errors::RESULT_WRITER_FAILED, cause)),
            Err(Stop::Failed(e)) => {
                // The Map Run's own failure is what the state reports.
                let _ = written(&children);
                Err(Stop::Failed(e))
            }
            Err(other) => Err(other),
        }
    }
}

/// A version 4 UUID drawn from the run's generator.
fn uuid(rng: &mut crate::dataflow::eval::Rng) -> String {
    let mut b = [0u8; 16];
    rand::Rng::fill_bytes(rng, &mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// What AWS refuses in an optimized integration's parameters before calling the
/// service (the Task then fails with `States.Runtime`, before `TaskScheduled`).
fn invalid_parameters(resource_type: &str, resource: &str, params: &Value) -> Option<String> {
    if resource_type == "apigateway" && resource.starts_with("invoke") {
        // Headers and QueryParameters map names to lists of strings.
        for field in ["Headers", "QueryParameters"] {
            let Some(v) = params.get(field) else {
                continue;
            };
            let ok = v.as_object().is_some_and(|m| {
                m.values().all(|v| {
                    v.as_array()
                        .is_some_and(|items| items.iter().all(Value::is_string))
                })
            });
            if !ok {
                return Some(format!(
                    "The value of the field '{field}' has an invalid format"
                ));
            }
        }
    }
    None
}

/// A value as AWS quotes it in a cause: a string's text, anything else as JSON.
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `SecondsPath`: a non-negative integer.
fn wait_seconds_path(p: &path::Path, text: &str, b: &Bindings<'_>) -> Result<f64, EvalError> {
    let Some(v) = path::select(p, b) else {
        return Err(EvalError::runtime(format!(
            "The SecondsPath parameter does not reference an input value: {text}"
        )));
    };
    match v.as_i64() {
        Some(n) if n < 0 => Err(EvalError::runtime(format!(
            "The SecondsPath parameter references a negative value: {text} == {n}"
        ))),
        Some(n) => Ok(n as f64),
        None => match v.as_u64() {
            Some(n) => Ok(n as f64),
            None => Err(EvalError::runtime(format!(
                "The SecondsPath parameter cannot be parsed as a long value: {text} == {}",
                plain(&v)
            ))),
        },
    }
}

/// `TimestampPath`: an ISO-8601 date-time with an offset; seconds until it.
fn wait_timestamp_path(
    p: &path::Path,
    text: &str,
    b: &Bindings<'_>,
    now_ms: i64,
) -> Result<f64, EvalError> {
    let Some(v) = path::select(p, b) else {
        return Err(EvalError::runtime(format!(
            "The TimestampPath parameter does not reference an input value: {text}"
        )));
    };
    v.as_str()
        .and_then(|s| seconds_until(s, now_ms))
        .ok_or_else(|| {
            EvalError::runtime(format!(
                "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {text} == {}",
                plain(&v)
            ))
        })
}

fn entered_type(t: &StateType) -> &'static str {
    match t {
        StateType::Pass => "PassStateEntered",
        StateType::Task => "TaskStateEntered",
        StateType::Choice => "ChoiceStateEntered",
        StateType::Wait => "WaitStateEntered",
        StateType::Succeed => "SucceedStateEntered",
        StateType::Fail => "FailStateEntered",
        StateType::Parallel => "ParallelStateEntered",
        StateType::Map => "MapStateEntered",
        StateType::Unknown(_) => "StateEntered",
    }
}

fn exited_type(t: &StateType) -> &'static str {
    match t {
        StateType::Pass => "PassStateExited",
        StateType::Task => "TaskStateExited",
        StateType::Choice => "ChoiceStateExited",
        StateType::Wait => "WaitStateExited",
        StateType::Succeed => "SucceedStateExited",
        StateType::Fail => "FailStateExited",
        StateType::Parallel => "ParallelStateExited",
        StateType::Map => "MapStateExited",
        StateType::Unknown(_) => "StateExited",
    }
}

/// Seconds from `now_ms` until a timestamp (0 if it has passed), read as Choice
/// rules read them: the ISO-8601 extended offset date-time AWS's causes name, so
/// `2030-01-01 00:00:00Z` (a space for the `T`, which RFC 3339 allows) is refused.
fn seconds_until(ts: &str, now_ms: i64) -> Option<f64> {
    let ms = i64::try_from(crate::dataflow::choice::parse_timestamp(ts)? / 1_000_000).ok()?;
    Some((ms.saturating_sub(now_ms) as f64 / 1000.0).max(0.0))
}

/// An HTTP `Date` header (RFC 1123): `Sat, 21 Nov 2026 20:00:00 GMT`.
fn http_date(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let f = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    t.format(&f).unwrap_or_default()
}

/// An ISO 8601 timestamp with milliseconds, as the context object shows times.
pub(crate) fn iso(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let f = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.format(&f).unwrap_or_default()
}

/// The parent's history while a branch or an iteration records its own.
struct SavedHistory {
    history: History,
    lanes: Option<Lanes>,
    base: usize,
    quota_base: usize,
}

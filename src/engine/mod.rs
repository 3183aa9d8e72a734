//! The engine: a small interpreter over the [`plan::Plan`], answering every Task
//! from the mocks, recording the history as it goes.
//!
//! Time is a clock the engine owns: virtual by default (Wait states, retry
//! intervals, mock delays and timeouts advance it instantly), or real.
//! Map iterations and Parallel branches run one after another in index order,
//! each starting at the virtual time its slot would start at under
//! `MaxConcurrency`, each recorded on its own; their events are then merged by
//! time, and a failure cuts the others at its instant (`interleave.rs`), so results
//! and event order are deterministic.

pub mod errors;
mod interleave;
pub mod items;
pub mod plan;
mod redrive;
mod redrive_order;
mod resource;
mod run;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use serde_json::Value;

pub use errors::StatesError;
pub use plan::{Plan, Unsupported};
pub use redrive::{RedriveError, RedriveRequest};

use crate::history::{History, JsonText, Retain};
use crate::mocks::Mocks;

/// AWS's quota on history events per execution.
pub const MAX_HISTORY_EVENTS: usize = 25_000;
/// `StartExecution`'s limit on the execution input, in characters.
pub const MAX_EXECUTION_INPUT: usize = 262_144;
/// AWS's quota on a payload (input, output, result), in bytes.
pub const MAX_PAYLOAD_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockKind {
    Virtual,
    Real,
}

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub execution_name: String,
    pub state_machine_name: String,
    pub seed: u64,
    pub clock: ClockKind,
    /// Milliseconds since the epoch at which the execution starts.
    pub start_ms: i64,
    /// Set by Ctrl-C: the execution stops as `ABORTED`.
    pub abort: Arc<AtomicBool>,
    /// The directory standing in for Amazon S3 (Distributed Map's `ItemReader` and
    /// `ResultWriter`): `s3://BUCKET/KEY` is the file `<s3_dir>/BUCKET/KEY`.
    pub s3_dir: std::path::PathBuf,
}

/// A state machine's ARN (in the local region and account).
pub fn state_machine_arn(machine: &str) -> String {
    format!("arn:aws:states:local:000000000000:stateMachine:{machine}")
}

/// A Map Run's ARN: its children's state machine (`<machine>/<label>`) and its id.
pub fn map_run_arn(machine: &str, id: &str) -> String {
    format!("arn:aws:states:local:000000000000:mapRun:{machine}:{id}")
}

/// An execution's ARN: its machine's name and its own.
pub fn execution_arn(machine: &str, execution: &str) -> String {
    format!("arn:aws:states:local:000000000000:execution:{machine}:{execution}")
}

impl RunOptions {
    pub fn execution_arn(&self) -> String {
        execution_arn(&self.state_machine_name, &self.execution_name)
    }
    pub fn state_machine_arn(&self) -> String {
        state_machine_arn(&self.state_machine_name)
    }
    pub fn role_arn(&self) -> String {
        "arn:aws:iam::000000000000:role/sfn-local".into()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Succeeded,
    Failed,
    TimedOut,
    Aborted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Succeeded => "SUCCEEDED",
            Status::Failed => "FAILED",
            Status::TimedOut => "TIMED_OUT",
            Status::Aborted => "ABORTED",
        }
    }
}

/// How an execution ended.
#[derive(Debug, Clone)]
pub struct Execution {
    pub status: Status,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub cause: Option<String>,
    pub history: History,
    /// The input and the output as the history records them (JSON text,
    /// escaped as a string's contents), when the run made them.
    pub input_text: Option<crate::history::JsonText>,
    pub output_text: Option<crate::history::JsonText>,
    pub start_ms: i64,
    pub stop_ms: i64,
    /// What each distributed Map's Map Run did, by its ARN: kept with the execution
    /// so that a redrive runs again only the child executions that did not succeed.
    pub map_runs: MapRuns,
}

impl Execution {
    /// Its Map Runs as the store keeps them (see [`map_runs_to_json`]): only a
    /// redrive reads them, so none for a SUCCEEDED execution, which is never redriven.
    pub fn map_runs_to_keep(&self) -> Option<Value> {
        (!self.map_runs.is_empty() && self.status != Status::Succeeded)
            .then(|| map_runs_to_json(&self.map_runs))
    }
}

/// Distributed Map Runs by ARN.
pub type MapRuns = std::collections::BTreeMap<String, MapRunRecord>;

/// What a Map Run's child executions did, as far as a redrive needs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapRunRecord {
    /// The output of each child execution that succeeded, by item index.
    pub succeeded: std::collections::BTreeMap<usize, Value>,
    /// Its input, start and stop date, by item index: a redrive exports the
    /// children kept from before with the ResultWriter as they ran.
    pub ran: std::collections::BTreeMap<usize, (Value, String, String)>,
    /// The mock calls the children made (id of the event that started or redrove
    /// the Map Run, state, effective parameters): their histories are not the
    /// execution's, so a redrive with the same mocks goes on from these too.
    pub calls: Vec<(u64, String, Value)>,
}

impl MapRunRecord {
    /// `{"succeeded": {"<index>": output}, "ran": {"<index>": [input, start, stop]},
    /// "calls": [[id, state, parameters]]}` (`ran` is missing in stores written before it).
    pub fn to_json(&self) -> Value {
        let succeeded: serde_json::Map<String, Value> = self
            .succeeded
            .iter()
            .map(|(i, v)| (i.to_string(), v.clone()))
            .collect();
        let calls: Vec<Value> = self
            .calls
            .iter()
            .map(|(id, state, params)| serde_json::json!([id, state, params]))
            .collect();
        let ran: serde_json::Map<String, Value> = self
            .ran
            .iter()
            .map(|(i, (input, start, stop))| {
                (i.to_string(), serde_json::json!([input, start, stop]))
            })
            .collect();
        serde_json::json!({"succeeded": succeeded, "ran": ran, "calls": calls})
    }

    /// As [`MapRunRecord::to_json`] wrote it; `None` if it is not that.
    pub fn from_json(v: &Value) -> Option<MapRunRecord> {
        let mut record = MapRunRecord::default();
        for (i, out) in v.get("succeeded")?.as_object()? {
            record.succeeded.insert(i.parse().ok()?, out.clone());
        }
        if let Some(ran) = v.get("ran") {
            for (i, r) in ran.as_object()? {
                let [input, start, stop] = r.as_array()?.as_slice() else {
                    return None;
                };
                let dates = (start.as_str()?.to_string(), stop.as_str()?.to_string());
                record
                    .ran
                    .insert(i.parse().ok()?, (input.clone(), dates.0, dates.1));
            }
        }
        for call in v.get("calls")?.as_array()? {
            let [id, state, params] = call.as_array()?.as_slice() else {
                return None;
            };
            record
                .calls
                .push((id.as_u64()?, state.as_str()?.to_string(), params.clone()));
        }
        Some(record)
    }
}

/// Every Map Run of an execution, as JSON (see [`MapRunRecord::to_json`]).
pub fn map_runs_to_json(runs: &MapRuns) -> Value {
    Value::Object(
        runs.iter()
            .map(|(arn, r)| (arn.clone(), r.to_json()))
            .collect(),
    )
}

/// As [`map_runs_to_json`] wrote them; `None` if they are not that.
pub fn map_runs_from_json(v: &Value) -> Option<MapRuns> {
    v.as_object()?
        .iter()
        .map(|(arn, r)| Some((arn.clone(), MapRunRecord::from_json(r)?)))
        .collect()
}

/// Why a run could not go on: not an execution failure, a problem of the setup.
#[derive(Debug, Clone, PartialEq)]
pub enum RunError {
    /// A Task was reached with no mock (or none for this input or call).
    MissingMock {
        state: String,
        resource: String,
        input: Box<Value>,
        miss: crate::mocks::Miss,
    },
}

/// Runs a compiled plan on `input`.
pub fn execute(
    plan: &Plan,
    input: Value,
    mocks: &Mocks,
    opts: &RunOptions,
) -> Result<Execution, RunError> {
    execute_to(plan, input, None, mocks, opts, None).map(|(x, _)| x)
}

/// As [`execute`], given the input's JSON text if the caller made it, and
/// writing the history to `sink`, if any, while the execution runs (as
/// `GetExecutionHistory`'s JSON, then a newline): batches of events are written
/// on another thread as they are recorded, so that a long history is mostly
/// written by the time the execution ends. Also returns whether it was all
/// written. Under the real clock it is written at the end: an abort trims the
/// events recorded after it (see `play_back`). [`Retain`]: what the returned
/// history keeps of the events (see [`History::end_stream`]).
pub fn execute_to(
    plan: &Plan,
    input: Value,
    input_text: Option<JsonText>,
    mocks: &Mocks,
    opts: &RunOptions,
    sink: Option<(Box<dyn std::io::Write + Send>, Retain)>,
) -> Result<(Execution, Option<std::io::Result<()>>), RunError> {
    let mut runner = run::Runner::new(plan, mocks, opts);
    match sink {
        None => Ok((runner.execute(input, input_text)?, None)),
        Some((sink, retain)) if opts.clock == ClockKind::Virtual => {
            runner.stream_history_to(sink, retain);
            let mut x = runner.execute(input, input_text)?;
            let written = x.history.end_stream().unwrap_or(Ok(()));
            Ok((x, Some(written)))
        }
        Some((mut sink, _)) => {
            let x = runner.execute(input, input_text)?;
            let written = write_whole(&x.history, &mut sink);
            Ok((x, Some(written)))
        }
    }
}

/// A history's whole text, then a newline.
fn write_whole(history: &History, mut w: &mut dyn std::io::Write) -> std::io::Result<()> {
    history.write_to(&mut w)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// Resumes an unsuccessful execution from its stored history, as `RedriveExecution`
/// does. `opts` names the execution and gives its original start.
pub fn redrive(
    plan: &Plan,
    mocks: &Mocks,
    opts: &RunOptions,
    request: RedriveRequest<'_>,
) -> Result<Execution, RedriveError> {
    redrive::redrive(plan, mocks, opts, request)
}

#[cfg(test)]
mod redrive_tests;
#[cfg(test)]
mod tests;

//! `sfn list`: the stored executions, newest first, as `ListExecutions`
//! returns them (or as a table).

use std::io::IsTerminal;

use serde_json::{Map, Value, json};

use super::history::{emit, emit_json, store_dir, table_width};
use super::{ListArgs, ListFormat, RedriveFilter, exit, use_color};
use crate::render::table::{TableOptions, executions_table};
use crate::store::Store;

/// The fields of `ListExecutions`' `ExecutionListItem`, in AWS's order.
const ITEM_FIELDS: [&str; 12] = [
    "executionArn",
    "stateMachineArn",
    "name",
    "status",
    "startDate",
    "stopDate",
    "mapRunArn",
    "itemCount",
    "stateMachineVersionArn",
    "stateMachineAliasArn",
    "redriveCount",
    "redriveDate",
];

pub fn run(args: &ListArgs) -> i32 {
    let store = Store::locate(args.store.store.as_deref());
    if let Some(problem) = store.problem() {
        eprintln!("error: {problem}");
        return exit::COULD_NOT_RUN;
    }
    let (all, unreadable) = store.list_all();
    // Not listed, but not left unsaid: the rest of the list is still right.
    for e in &unreadable {
        eprintln!("warning: not listed: {e}");
    }
    let executions: Vec<Value> = all
        .iter()
        .filter(|d| keep(d, args))
        // As ListExecutions' maxResults, 0 is the default: here, every execution.
        .take(args.max_results.filter(|&n| n > 0).unwrap_or(usize::MAX))
        .map(list_item)
        .collect();
    match args.format {
        ListFormat::Json => emit_json(&json!({ "executions": executions })),
        ListFormat::Table => {
            if all.is_empty() {
                eprintln!(
                    "no executions in {} yet: run `sfn run DEFINITION` first",
                    store_dir(&store)
                );
            } else if executions.is_empty() {
                eprintln!(
                    "no executions match ({} in {})",
                    all.len(),
                    store_dir(&store)
                );
            } else {
                // Piped, names are not cut short: scripts pass them to `sfn history`.
                let width = if std::io::stdout().is_terminal() {
                    table_width()
                } else {
                    240
                };
                let opts = TableOptions {
                    width,
                    color: use_color(args.color),
                };
                emit(&executions_table(&executions, &opts));
            }
        }
    }
    exit::OK
}

fn keep(d: &Value, args: &ListArgs) -> bool {
    if let Some(status) = args.status
        && d["status"].as_str() != Some(status.as_str())
    {
        return false;
    }
    if let Some(filter) = args.redrive_filter {
        let redriven = d["redriveCount"].as_u64().unwrap_or(0) > 0;
        if redriven != (filter == RedriveFilter::Redriven) {
            return false;
        }
    }
    if let Some(machine) = &args.state_machine {
        let arn = d["stateMachineArn"].as_str().unwrap_or("");
        let name = arn.rsplit(':').next().unwrap_or(arn);
        if machine != arn && machine != name {
            return false;
        }
    }
    true
}

/// An `ExecutionListItem` from a `DescribeExecution` response.
fn list_item(d: &Value) -> Value {
    let mut item = Map::new();
    for key in ITEM_FIELDS {
        if let Some(v) = d.get(key) {
            item.insert(key.to_string(), v.clone());
        }
    }
    Value::Object(item)
}

//! `sfn describe`: an execution's `DescribeExecution` response.

use serde_json::Value;

use super::history::{emit_json, find};
use super::{DescribeArgs, exit};
use crate::store::{DESCRIBE, Store};

/// What the store keeps beside `DescribeExecution`'s fields, left out here.
const OWN_FIELDS: [&str; 4] = [
    "definitionPath",
    "mocksPath",
    super::redrive::MOCKS_SINCE_EVENT,
    super::redrive::MOCKS_TEST_CASE,
];

pub fn run(args: &DescribeArgs) -> i32 {
    let store = Store::locate(args.store.store.as_deref());
    let name = match find(&store, args.execution.as_deref()) {
        Ok(name) => name,
        Err(code) => return code,
    };
    // Only the execution's own file: its history may be megabytes.
    let path = store.path_of(&name).join(DESCRIBE);
    // Running: not stored yet, as `DescribeExecution` shows it meanwhile.
    let read = match store.running_only(&name) {
        Some(d) => Ok(d),
        None => crate::store::read_describe(&path),
    };
    let mut describe: Value = match read {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::COULD_NOT_RUN;
        }
    };
    if let Some(obj) = describe.as_object_mut() {
        for key in OWN_FIELDS {
            obj.remove(key);
        }
    }
    // Stored as it was when the execution stopped; the redrivable period runs out
    // since (what else makes it not redrivable was settled then).
    if describe["redriveStatus"] == "REDRIVABLE" {
        super::redrive::set_redrive_status(&mut describe, None);
    }
    emit_json(&describe);
    exit::OK
}

//! `sfn describe`: an execution's `DescribeExecution` response.

use super::history::{emit, open, pretty};
use super::{DescribeArgs, exit};
use crate::store::Store;

/// What the store keeps beside `DescribeExecution`'s fields, left out here.
const OWN_FIELDS: [&str; 2] = ["definitionPath", "mocksPath"];

pub fn run(args: &DescribeArgs) -> i32 {
    let store = Store::locate(args.store.store.as_deref());
    let (_, record) = match open(&store, args.execution.as_deref()) {
        Ok(found) => found,
        Err(code) => return code,
    };
    let mut describe = record.describe;
    if let Some(obj) = describe.as_object_mut() {
        for key in OWN_FIELDS {
            obj.remove(key);
        }
    }
    emit(&pretty(&describe));
    exit::OK
}

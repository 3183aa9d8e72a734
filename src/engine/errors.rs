//! Errors as Step Functions names and matches them.

/// An error raised in a state: a name and a cause, as AWS reports them.
#[derive(Debug, Clone, PartialEq)]
pub struct StatesError {
    pub error: String,
    pub cause: String,
    /// A Fail state without `Error` / `Cause`: AWS leaves the field out of the
    /// failure event (not an empty string).
    pub error_absent: bool,
    pub cause_absent: bool,
    /// Another name Retry and Catch match it by: a heartbeat timeout is recorded as
    /// `States.Timeout` and also answers to `States.HeartbeatTimeout`.
    pub alias: Option<&'static str>,
}

impl StatesError {
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        StatesError {
            error: error.into(),
            cause: cause.into(),
            error_absent: false,
            cause_absent: false,
            alias: None,
        }
    }

    /// A task timeout as AWS records it: `States.Timeout` with no cause (a missed
    /// heartbeat too, which Retry/Catch also match as `States.HeartbeatTimeout`).
    pub fn timeout(heartbeat: bool) -> Self {
        StatesError {
            error: TIMEOUT.into(),
            cause: String::new(),
            error_absent: false,
            cause_absent: true,
            alias: heartbeat.then_some(HEARTBEAT_TIMEOUT),
        }
    }

    /// Whether an `ErrorEquals` list catches or retries this error.
    pub fn matched_by(&self, error_equals: &[String]) -> bool {
        matches(error_equals, &self.error)
            || self
                .alias
                .is_some_and(|a| error_equals.iter().any(|e| e == a))
    }

    /// A Fail state's error, either field possibly absent.
    pub fn of_fail(error: Option<String>, cause: Option<String>) -> Self {
        StatesError {
            error_absent: error.is_none(),
            cause_absent: cause.is_none(),
            error: error.unwrap_or_default(),
            cause: cause.unwrap_or_default(),
            alias: None,
        }
    }

    /// `error` and `cause` as a failure event's details carry them.
    pub fn details(&self) -> crate::history::Details {
        let mut d = crate::history::Details::default();
        if !self.error_absent {
            d.insert("error", serde_json::Value::from(self.error.clone()));
        }
        if !self.cause_absent {
            d.insert("cause", serde_json::Value::from(self.cause.clone()));
        }
        d
    }
}

pub const ALL: &str = "States.ALL";
pub const TASK_FAILED: &str = "States.TaskFailed";
pub const TIMEOUT: &str = "States.Timeout";
pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
pub const RUNTIME: &str = "States.Runtime";
pub const BRANCH_FAILED: &str = "States.BranchFailed";
pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";

/// Whether an `ErrorEquals` list catches or retries `error`.
///
/// `States.ALL` matches every error but `States.Runtime`. AWS's error-handling page says
/// it does not catch `States.DataLimitExceeded` either, but executions recorded on AWS
/// show `States.ALL` catching a Task result over the quota (the one such error a state
/// can catch: a state's own output over it fails the execution after Catch). `States.TaskFailed`
/// "acts as a wildcard that matches any known error name except for States.Timeout"
/// (AWS's error-handling page). A named error always matches itself.
pub fn matches(error_equals: &[String], error: &str) -> bool {
    error_equals.iter().any(|e| {
        e == error
            || (e == ALL && error != RUNTIME)
            || (e == TASK_FAILED
                && error != TIMEOUT
                && error != RUNTIME
                && error != DATA_LIMIT_EXCEEDED)
    })
}

/// `States.Runtime` ends the execution whatever the state's Retry and Catch say.
pub fn is_fatal(error: &str) -> bool {
    error == RUNTIME
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn states_all_matches_everything_but_runtime() {
        assert!(matches(&v(&[ALL]), "Lambda.ServiceException"));
        assert!(matches(&v(&[ALL]), TIMEOUT));
        assert!(!matches(&v(&[ALL]), RUNTIME));
        assert!(matches(&v(&[RUNTIME]), RUNTIME));
    }

    #[test]
    fn task_failed_matches_task_errors_but_not_timeouts() {
        assert!(matches(
            &v(&[TASK_FAILED]),
            "SecretsManager.SecretsManagerException"
        ));
        assert!(!matches(&v(&[TASK_FAILED]), TIMEOUT));
        assert!(matches(&v(&[TASK_FAILED]), TASK_FAILED));
        assert!(!matches(&v(&["A"]), "B"));
    }
}

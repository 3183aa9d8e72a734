//! Errors as Step Functions names and matches them.

/// An error raised in a state: a name and a cause, as AWS reports them.
#[derive(Debug, Clone, PartialEq)]
pub struct StatesError {
    pub error: String,
    pub cause: String,
}

impl StatesError {
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        StatesError {
            error: error.into(),
            cause: cause.into(),
        }
    }
}

pub const ALL: &str = "States.ALL";
pub const TASK_FAILED: &str = "States.TaskFailed";
pub const TIMEOUT: &str = "States.Timeout";
pub const HEARTBEAT_TIMEOUT: &str = "States.HeartbeatTimeout";
pub const RUNTIME: &str = "States.Runtime";
pub const NO_CHOICE_MATCHED: &str = "States.NoChoiceMatched";
pub const BRANCH_FAILED: &str = "States.BranchFailed";
pub const DATA_LIMIT_EXCEEDED: &str = "States.DataLimitExceeded";
pub const EXCEED_TOLERATED_FAILURE_THRESHOLD: &str = "States.ExceedToleratedFailureThreshold";
pub const ITEM_READER_FAILED: &str = "States.ItemReaderFailed";
pub const RESULT_WRITER_FAILED: &str = "States.ResultWriterFailed";

/// Whether an `ErrorEquals` list catches or retries `error`.
///
/// `States.ALL` matches every error but `States.Runtime` (and `States.DataLimitExceeded`,
/// which AWS documents as not caught by it); `States.TaskFailed` "acts as a wildcard that
/// matches any known error name except for States.Timeout" (AWS's error-handling page). A named error always matches itself.
pub fn matches(error_equals: &[String], error: &str) -> bool {
    error_equals.iter().any(|e| {
        e == error
            || (e == ALL && error != RUNTIME && error != DATA_LIMIT_EXCEEDED)
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

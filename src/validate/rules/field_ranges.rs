use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Node;
use crate::model::StateType;
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// Numbers that are each in range but cannot work together:
    ///
    /// - a Task's `HeartbeatSeconds` is not less than its `TimeoutSeconds`:
    ///   the task times out before a missed heartbeat could be noticed;
    /// - a Task's `TimeoutSeconds` is more than the state machine's
    ///   `TimeoutSeconds`: the execution times out first;
    /// - a Retrier's `MaxDelaySeconds` is less than its `IntervalSeconds`: every
    ///   retry waits `MaxDelaySeconds`, so `IntervalSeconds` and `BackoffRate`
    ///   do nothing;
    /// - a Retrier has `MaxDelaySeconds` with `"BackoffRate": 1`: the interval
    ///   never grows, so the cap does nothing.
    ///
    /// ## Why
    /// The ASL specification says `HeartbeatSeconds` MUST be smaller than
    /// `TimeoutSeconds`; the other settings are accepted but silently have no
    /// effect, which is rarely what was meant. These are warnings.
    ///
    /// ## Example
    /// ```json
    /// {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
    ///   "TimeoutSeconds": 60, "HeartbeatSeconds": 300, "End": true}}}
    /// ```
    /// A heartbeat every 300 seconds cannot be checked within a 60-second timeout:
    /// make `HeartbeatSeconds` smaller than `TimeoutSeconds`.
    pub static RULE = Rule {
        id: "field-ranges",
        code: "INEFFECTIVE_SETTING",
        severity: Severity::Warning,
        summary: "Timeouts, heartbeats and retry delays that cannot take effect together",
        check,
    };
}

/// A number written as a number (expressions and placeholders are left alone).
fn number(node: &Node, key: &str) -> Option<f64> {
    node.get(key).and_then(Node::as_f64)
}

/// `5` rather than `5.0`, for messages.
fn show(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let machine_timeout = number(ctx.root(), "TimeoutSeconds").filter(|t| *t > 0.0);
    for state in &ctx.machine.states {
        let node = &state.node;
        if state.is(&StateType::Task) {
            let timeout = number(node, "TimeoutSeconds");
            if let (Some(timeout), Some(heartbeat)) = (timeout, number(node, "HeartbeatSeconds"))
                && heartbeat >= timeout
            {
                let span = node
                    .entry("HeartbeatSeconds")
                    .map(|e| e.value.span)
                    .unwrap_or(node.span);
                out.push(
                    RULE.diag(
                        format!("{}/HeartbeatSeconds", state.pointer),
                        span,
                        format!(
                            "HeartbeatSeconds ({}) should be less than TimeoutSeconds ({})",
                            show(heartbeat),
                            show(timeout)
                        ),
                    )
                    .with_label("not less than TimeoutSeconds")
                    .with_help("make HeartbeatSeconds smaller than TimeoutSeconds, or remove it"),
                );
            }
            if let (Some(timeout), Some(limit)) = (timeout, machine_timeout)
                && timeout > limit
            {
                let span = node
                    .entry("TimeoutSeconds")
                    .map(|e| e.value.span)
                    .unwrap_or(node.span);
                out.push(
                    RULE.diag(
                        format!("{}/TimeoutSeconds", state.pointer),
                        span,
                        format!(
                            "TimeoutSeconds ({}) is more than the state machine's TimeoutSeconds ({})",
                            show(timeout),
                            show(limit)
                        ),
                    )
                    .with_label("the execution times out first")
                    .with_help("lower the Task's TimeoutSeconds, or raise the state machine's"),
                );
            }
        }
        for (i, retrier) in node
            .get("Retry")
            .and_then(Node::as_array)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let Some(max_delay) = number(retrier, "MaxDelaySeconds") else {
                continue;
            };
            let span = retrier
                .entry("MaxDelaySeconds")
                .map(|e| e.value.span)
                .unwrap_or(retrier.span);
            let pointer = format!("{}/Retry/{i}/MaxDelaySeconds", state.pointer);
            let interval = number(retrier, "IntervalSeconds").unwrap_or(1.0);
            if max_delay < interval {
                out.push(
                    RULE.diag(
                        pointer,
                        span,
                        format!(
                            "MaxDelaySeconds ({}) is less than IntervalSeconds ({})",
                            show(max_delay),
                            show(interval)
                        ),
                    )
                    .with_label("every retry waits this long")
                    .with_help(
                        "make MaxDelaySeconds at least IntervalSeconds, or lower IntervalSeconds",
                    ),
                );
            } else if number(retrier, "BackoffRate") == Some(1.0) {
                out.push(
                    RULE.diag(
                        pointer,
                        span,
                        "MaxDelaySeconds has no effect: with a BackoffRate of 1 the interval never grows",
                    )
                    .with_label("never reached")
                    .with_help("remove MaxDelaySeconds, or raise BackoffRate above 1"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings(json: &str) -> Vec<Diagnostic> {
        crate::validate::testing::rule_diags(&RULE, json)
    }

    fn task(fields: &str) -> String {
        format!(
            r#"{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",{fields}"End":true}}}}}}"#
        )
    }

    #[test]
    fn a_heartbeat_not_below_the_timeout_is_reported() {
        let json = task(r#""TimeoutSeconds":60,"HeartbeatSeconds":60,"#);
        let d = warnings(&json);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].severity, Severity::Warning);
        assert_eq!(d[0].code, "INEFFECTIVE_SETTING");
        assert_eq!(d[0].location, "/States/T/HeartbeatSeconds");
        assert_eq!(
            d[0].message,
            "HeartbeatSeconds (60) should be less than TimeoutSeconds (60)"
        );
        assert_eq!(&json[d[0].span.start..d[0].span.end], "60");
    }

    #[test]
    fn a_task_timeout_beyond_the_execution_timeout_is_reported() {
        let json = r#"{"TimeoutSeconds":30,"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","TimeoutSeconds":60,"End":true}}}"#;
        let d = warnings(json);
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].location, "/States/T/TimeoutSeconds");
        assert_eq!(
            d[0].message,
            "TimeoutSeconds (60) is more than the state machine's TimeoutSeconds (30)"
        );
    }

    #[test]
    fn retry_delays_that_do_nothing_are_reported() {
        let d = warnings(&task(
            r#""Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":10,"MaxDelaySeconds":5}],"#,
        ));
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(d[0].location, "/States/T/Retry/0/MaxDelaySeconds");
        assert_eq!(
            d[0].message,
            "MaxDelaySeconds (5) is less than IntervalSeconds (10)"
        );

        let d = warnings(&task(
            r#""Retry":[{"ErrorEquals":["States.ALL"],"BackoffRate":1,"MaxDelaySeconds":5}],"#,
        ));
        assert_eq!(d.len(), 1, "{d:#?}");
        assert_eq!(
            d[0].message,
            "MaxDelaySeconds has no effect: with a BackoffRate of 1 the interval never grows"
        );
    }

    #[test]
    fn consistent_settings_pass() {
        let json = task(
            r#""TimeoutSeconds":300,"HeartbeatSeconds":60,"Retry":[{"ErrorEquals":["States.ALL"],"IntervalSeconds":2,"BackoffRate":2,"MaxDelaySeconds":30}],"#,
        );
        assert!(warnings(&json).is_empty());
        // Expressions and paths are not compared.
        let json = task(r#""TimeoutSeconds":"{% 5 %}","HeartbeatSeconds":60,"#);
        assert!(warnings(&json).is_empty());
        let json = r#"{"TimeoutSeconds":600,"StartAt":"T","States":{"T":{"Type":"Task","Resource":"r","TimeoutSeconds":60,"End":true}}}"#;
        assert!(warnings(json).is_empty());
    }
}

use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::MachineType;
use crate::validate::Context;
use crate::validate::rules::task_resource::{Pattern, ResourceArn};

declare_rule! {
    /// ## What it checks
    /// That the Tasks of an Express state machine use only request-response
    /// integrations: no `.sync` or `.sync:2` job, no `.waitForTaskToken`
    /// callback, no activity. The machine's type comes from its template:
    /// `StateMachineType: EXPRESS` (`AWS::StepFunctions::StateMachine`) or
    /// `Type: EXPRESS` (`AWS::Serverless::StateMachine`); a definition file
    /// alone has no type, and is not checked.
    ///
    /// ## Why
    /// Express workflows run for at most five minutes and do not wait for jobs
    /// or callbacks: AWS rejects such a machine when it is created, with
    /// `SCHEMA_VALIDATION_FAILED` and `Express state machine does not support
    /// '.sync' service integration` (or `'.waitForTaskToken'`, or `Activity ARN`)
    /// at the Task's `Resource`.
    ///
    /// ## Example
    /// ```yaml
    /// Type: AWS::StepFunctions::StateMachine
    /// Properties:
    ///   StateMachineType: EXPRESS
    ///   Definition:
    ///     StartAt: Run
    ///     States:
    ///       Run: {Type: Task, Resource: "arn:aws:states:::ecs:runTask.sync", End: true}
    /// ```
    /// Start the job with `arn:aws:states:::ecs:runTask` and poll for its end, or
    /// make the machine STANDARD.
    pub static RULE = Rule {
        id: "express-integrations",
        code: "SCHEMA_VALIDATION_FAILED",
        severity: Severity::Error,
        summary: "Express state machines use no .sync, .waitForTaskToken or activity Tasks",
        check,
    };
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    if ctx.definition.machine_type != Some(MachineType::Express) {
        return;
    }
    for state in &ctx.machine.states {
        let (Some(resource), Some(Ok(arn))) = (&state.resource, ctx.task_arn(state.id)) else {
            continue;
        };
        let (what, label, help) = match arn {
            ResourceArn::Activity { .. } => (
                "Activity ARN",
                "an activity",
                "an Express workflow cannot wait for an activity worker: make the machine STANDARD, or call the work through a request-response integration (a Lambda function, say)",
            ),
            ResourceArn::Integration {
                pattern: Pattern::Sync | Pattern::Sync2,
                ..
            } => (
                "'.sync' service integration",
                "waits for the job to end",
                "start the job without '.sync' and poll for its end, or make the machine STANDARD",
            ),
            ResourceArn::Integration {
                pattern: Pattern::WaitForTaskToken,
                ..
            } => (
                "'.waitForTaskToken' service integration",
                "waits for a callback",
                "send the message without '.waitForTaskToken', or make the machine STANDARD",
            ),
            _ => continue,
        };
        out.push(
            RULE.diag(
                format!("{}/Resource", state.pointer),
                resource.span,
                format!("Express state machine does not support {what}"),
            )
            .with_label(format!("{label}: not in an Express state machine"))
            .with_help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::load::{LoadOptions, load_text};
    use crate::validate::validate;

    fn errors_of(template: &str) -> Vec<(String, String)> {
        let loaded = load_text(
            Path::new("template.yaml"),
            template.to_string(),
            &LoadOptions::default(),
        );
        loaded
            .definitions
            .iter()
            .flat_map(validate)
            .filter(|d| d.code == "SCHEMA_VALIDATION_FAILED")
            .map(|d| (d.location, d.message))
            .collect()
    }

    fn template(kind: &str, type_field: &str, resource: &str) -> String {
        format!(
            "Resources:\n  M:\n    Type: {kind}\n    Properties:\n{type_field}      Definition:\n        StartAt: A\n        States:\n          A: {{Type: Task, Resource: \"{resource}\", End: true}}\n"
        )
    }

    /// AWS's CreateStateMachine answers, as LocalStack's AWS-validated snapshots
    /// record them (`test_illegal_callbacks`, `test_illegal_activity_task`).
    #[test]
    fn express_machines_refuse_jobs_callbacks_and_activities() {
        let express = "      StateMachineType: EXPRESS\n";
        for (resource, what) in [
            (
                "arn:aws:states:::ecs:runTask.sync",
                "'.sync' service integration",
            ),
            (
                "arn:aws:states:::states:startExecution.sync:2",
                "'.sync' service integration",
            ),
            (
                "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "'.waitForTaskToken' service integration",
            ),
            (
                "arn:aws:states:us-east-1:123456789012:activity:act",
                "Activity ARN",
            ),
        ] {
            let t = template("AWS::StepFunctions::StateMachine", express, resource);
            assert_eq!(
                errors_of(&t),
                [(
                    "/States/A/Resource".to_string(),
                    format!("Express state machine does not support {what}")
                )],
                "{resource}"
            );
        }
        // SAM names the field `Type`.
        let t = template(
            "AWS::Serverless::StateMachine",
            "      Type: EXPRESS\n",
            "arn:aws:states:::ecs:runTask.sync",
        );
        assert_eq!(errors_of(&t).len(), 1);
    }

    #[test]
    fn standard_machines_and_request_response_tasks_pass() {
        let sync = "arn:aws:states:::ecs:runTask.sync";
        for t in [
            template("AWS::StepFunctions::StateMachine", "", sync),
            template(
                "AWS::StepFunctions::StateMachine",
                "      StateMachineType: STANDARD\n",
                sync,
            ),
            // The type is a parameter: unknown offline.
            format!(
                "Parameters:\n  T: {{Type: String}}\n{}",
                template(
                    "AWS::StepFunctions::StateMachine",
                    "      StateMachineType: !Ref T\n",
                    sync
                )
            ),
            template(
                "AWS::StepFunctions::StateMachine",
                "      StateMachineType: EXPRESS\n",
                "arn:aws:states:::ecs:runTask",
            ),
        ] {
            assert_eq!(errors_of(&t), [], "{t}");
        }
    }
}

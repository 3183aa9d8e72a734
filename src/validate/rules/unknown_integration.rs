use super::task_resource::{OPTIMIZED, Pattern, ResourceArn, is_dynamic, parse};
use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Span;
use crate::model::StateType;
use crate::validate::Context;

/// The APIs of single-purpose optimized integrations. Services missing here are
/// not second-guessed at the API level.
const APIS: &[(&str, &[&str])] = &[
    ("apigateway", &["invoke"]),
    ("batch", &["submitJob"]),
    (
        "dynamodb",
        &["getItem", "putItem", "updateItem", "deleteItem"],
    ),
    ("ecs", &["runTask"]),
    ("events", &["putEvents"]),
    ("glue", &["startJobRun"]),
    ("http", &["invoke"]),
    ("lambda", &["invoke"]),
    ("sns", &["publish"]),
    ("sqs", &["sendMessage"]),
];

declare_rule! {
    /// ## What it checks
    /// Integration ARNs that are well formed but that Step Functions does not
    /// offer, as far as this tool knows:
    /// - an `arn:aws:states:::SERVICE:API` whose service is not an optimized
    ///   integration (`arn:aws:states:::s3:getObject` in a Task: S3 is only reachable
    ///   through `aws-sdk:s3`);
    /// - an API that a single-purpose integration does not have
    ///   (`lambda:invokeAsync`, `sqs:sendMessages`);
    /// - an AWS SDK action not written in camelCase (`aws-sdk:s3:GetObject`);
    /// - `.sync:2` outside the Step Functions (`states:startExecution`) integration;
    /// - an `ItemReader` other than `s3:getObject`/`s3:listObjectsV2`, a
    ///   `ResultWriter` other than `s3:putObject`.
    ///
    /// ## Why
    /// AWS refuses resources it does not recognise, but it also adds integrations
    /// over time, so what this tool does not know is only a warning: check the
    /// spelling against the service integration's page.
    ///
    /// ## Example
    /// ```json
    /// "Resource": "arn:aws:states:::s3:putObject"
    /// ```
    /// In a Task, write `arn:aws:states:::aws-sdk:s3:putObject`.
    pub static RULE = Rule {
        id: "unknown-integration",
        code: "UNKNOWN_INTEGRATION",
        severity: Severity::Warning,
        summary: "Integration ARNs name integrations, APIs and patterns Step Functions offers",
        check,
    };
}

fn suggest<'a>(api: &str, known: &'a [&'a str]) -> String {
    match known.iter().find(|k| k.eq_ignore_ascii_case(api)) {
        Some(k) => format!("did you mean '{k}'? API names are case-sensitive"),
        None => format!("this integration offers {}", known.join(", ")),
    }
}

/// What looks wrong with a Task's integration, and how to fix it.
fn task_problem(sdk: bool, service: &str, api: &str, pattern: Pattern) -> Option<(String, String)> {
    if sdk {
        if api.starts_with(|c: char| c.is_ascii_uppercase()) {
            let mut camel = api.to_string();
            camel[..1].make_ascii_lowercase();
            return Some((
                format!("AWS SDK action '{api}' is not camelCase"),
                format!(
                    "AWS SDK integrations name actions in camelCase: write aws-sdk:{service}:{camel}"
                ),
            ));
        }
        return None;
    }
    if service == "stateMachine" {
        return Some((
            "a state machine is not a Task resource".to_string(),
            "to run another state machine use arn:aws:states:::states:startExecution (.sync to wait for it), with its ARN in StateMachineArn".to_string(),
        ));
    }
    if service != "http" && !OPTIMIZED.iter().any(|(s, _, _)| *s == service) {
        return Some((
            format!("'{service}' is not an optimized Step Functions integration"),
            format!(
                "check the spelling, or call the API through the AWS SDK integration: arn:aws:states:::aws-sdk:{service}:{api}"
            ),
        ));
    }
    if let Some((_, known)) = APIS.iter().find(|(s, _)| *s == service)
        && !known.contains(&api)
    {
        return Some((
            format!("the {service} integration has no '{api}' API"),
            suggest(api, known),
        ));
    }
    match pattern {
        Pattern::Sync2 if service != "states" => Some((
            format!(
                "'.sync:2' is only offered by the Step Functions integration, not by {service}"
            ),
            "use .sync".to_string(),
        )),
        Pattern::Sync | Pattern::Sync2 | Pattern::WaitForTaskToken if service == "http" => Some((
            format!("the HTTP Task does not offer {}", pattern.suffix()),
            "remove the suffix: arn:aws:states:::http:invoke".to_string(),
        )),
        _ => None,
    }
}

fn push(
    out: &mut Vec<Diagnostic>,
    pointer: String,
    span: Span,
    value: &str,
    why: String,
    help: String,
) {
    out.push(
        RULE.diag(pointer, span, format!("Resource '{value}': {why}"))
            .with_label("unknown integration")
            .with_help(help),
    );
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for state in &ctx.machine.states {
        if let Some(resource) = &state.resource
            && let Some(Ok(ResourceArn::Integration {
                sdk,
                service,
                api,
                pattern,
            })) = ctx.task_arn(state.id)
            && let Some((why, help)) = task_problem(*sdk, service, api, *pattern)
        {
            push(
                out,
                format!("{}/Resource", state.pointer),
                resource.span,
                resource.value,
                why,
                help,
            );
        }
        if !state.is(&StateType::Map) {
            continue;
        }
        for (field, known) in [
            ("ItemReader", &["getObject", "listObjectsV2"][..]),
            ("ResultWriter", &["putObject"][..]),
        ] {
            let Some(node) = state.node.get(field).and_then(|n| n.get("Resource")) else {
                continue;
            };
            let Some(value) = node.as_str().filter(|v| !is_dynamic(v)) else {
                continue;
            };
            // Anything but an S3 action is `task-resource`'s error.
            if let Ok(ResourceArn::Integration {
                sdk: false,
                service: "s3",
                api,
                ..
            }) = parse(value)
                && !known.contains(&api)
            {
                push(
                    out,
                    format!("{}/{field}/Resource", state.pointer),
                    node.span,
                    value,
                    format!("{field} does not use s3:{api}"),
                    suggest(api, known),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::diags_of;

    fn warnings(json: &str) -> Vec<(String, String, Option<String>)> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.code == "UNKNOWN_INTEGRATION")
            .map(|d| (d.location, d.message, d.help))
            .collect()
    }

    fn task(resource: &str) -> String {
        format!(
            r#"{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"{resource}","End":true}}}}}}"#
        )
    }

    #[test]
    fn reports_a_service_that_is_not_an_optimized_integration() {
        assert_eq!(
            warnings(&task("arn:aws:states:::s3:putObject")),
            [(
                "/States/T/Resource".to_string(),
                "Resource 'arn:aws:states:::s3:putObject': 's3' is not an optimized Step Functions integration".to_string(),
                Some("check the spelling, or call the API through the AWS SDK integration: arn:aws:states:::aws-sdk:s3:putObject".to_string())
            )]
        );
    }

    #[test]
    fn reports_unknown_apis_patterns_and_case() {
        let d = warnings(&task("arn:aws:states:::lambda:Invoke"));
        assert_eq!(d.len(), 1);
        assert_eq!(
            d[0].1,
            "Resource 'arn:aws:states:::lambda:Invoke': the lambda integration has no 'Invoke' API"
        );
        assert_eq!(
            d[0].2.as_deref(),
            Some("did you mean 'invoke'? API names are case-sensitive")
        );
        for bad in [
            "arn:aws:states:::ecs:runTask.sync:2",
            "arn:aws:states:::http:invoke.waitForTaskToken",
            "arn:aws:states:::aws-sdk:s3:GetObject",
            "arn:aws:states:::sqs:sendMessages",
            "arn:aws:states:us-east-1:123456789012:stateMachine:Child",
        ] {
            assert_eq!(warnings(&task(bad)).len(), 1, "{bad}");
        }
    }

    #[test]
    fn reports_an_item_reader_action_s3_does_not_read_with() {
        let d = warnings(
            r#"{"StartAt":"M","States":{"M":{"Type":"Map","End":true,
               "ItemReader":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{}},
               "ResultWriter":{"Resource":"arn:aws:states:::s3:putObject","Parameters":{}},
               "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Succeed"}}}}}}"#,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0, "/States/M/ItemReader/Resource");
        assert_eq!(
            d[0].1,
            "Resource 'arn:aws:states:::s3:putObject': ItemReader does not use s3:putObject"
        );
    }

    #[test]
    fn known_integrations_pass() {
        for good in [
            "arn:aws:states:::lambda:invoke",
            "arn:aws:states:::states:startExecution.sync:2",
            "arn:aws:states:::athena:getQueryResults",
            "arn:aws:states:::bedrock:invokeModel",
            "arn:aws:states:::sagemaker:createTrainingJob.sync",
            "arn:aws:states:::aws-sdk:bedrockagent:startIngestionJob",
            "arn:aws:states:::http:invoke",
            "arn:aws:lambda:us-east-1:123456789012:function:F",
        ] {
            assert!(warnings(&task(good)).is_empty(), "{good}");
        }
    }
}

use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Node;
use crate::model::StateType;
use crate::validate::Context;

declare_rule! {
    /// ## What it checks
    /// That a Task's `Resource`, and the `Resource` of a Map's `ItemReader` and
    /// `ResultWriter`, is an ARN Step Functions can run:
    /// - a Lambda function: `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:ALIAS|VERSION]`;
    /// - an activity: `arn:aws:states:REGION:ACCOUNT:activity:NAME`;
    /// - an optimized integration: `arn:aws:states:::SERVICE:API`, optionally
    ///   `.sync`, `.sync:2` or `.waitForTaskToken` where that service supports it
    ///   (`lambda:invoke` supports `.waitForTaskToken` but not `.sync`;
    ///   `dynamodb` neither);
    /// - an AWS SDK integration: `arn:aws:states:::aws-sdk:SERVICE:ACTION`,
    ///   optionally `.waitForTaskToken` (never `.sync`);
    /// - for `ItemReader` and `ResultWriter`, an `arn:aws:states:::s3:...` action.
    ///
    /// The partition may be `aws`, `aws-cn`, `aws-us-gov` or another `aws-*`
    /// partition. JSONata expressions and unfilled `${...}` placeholders are not
    /// judged.
    ///
    /// ## Why
    /// AWS refuses to create the state machine (`INVALID_RESOURCE`): it cannot run
    /// a task it cannot identify, nor wait for a job (`.sync`) or a callback
    /// (`.waitForTaskToken`) with a service that offers neither.
    ///
    /// ## Example
    /// ```json
    /// "Resource": "arn:aws:states:::lambda:invoke.sync"
    /// ```
    /// Lambda has no `.sync` pattern: use `arn:aws:states:::lambda:invoke`, which
    /// already waits for the function to return.
    pub static RULE = Rule {
        id: "task-resource",
        code: "INVALID_RESOURCE",
        severity: Severity::Error,
        summary: "Task, ItemReader and ResultWriter Resources are valid ARNs with supported patterns",
        check,
    };
}

/// How Step Functions waits for an integration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// No suffix: call the API and continue with its response.
    RequestResponse,
    /// `.sync`: wait for the job to finish.
    Sync,
    /// `.sync:2`: as `.sync`, with a parsed JSON output (Step Functions executions).
    Sync2,
    /// `.waitForTaskToken`: wait for `SendTaskSuccess`/`SendTaskFailure`.
    WaitForTaskToken,
}

impl Pattern {
    pub fn suffix(self) -> &'static str {
        match self {
            Pattern::RequestResponse => "",
            Pattern::Sync => ".sync",
            Pattern::Sync2 => ".sync:2",
            Pattern::WaitForTaskToken => ".waitForTaskToken",
        }
    }
}

/// A `Resource` ARN, taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResourceArn<'a> {
    Lambda {
        function: &'a str,
    },
    Activity {
        name: &'a str,
    },
    /// `arn:aws:states:::SERVICE:API[.suffix]`, or `aws-sdk:SERVICE:API` when `sdk`.
    Integration {
        sdk: bool,
        service: &'a str,
        api: &'a str,
        pattern: Pattern,
    },
}

/// Which patterns an optimized integration offers beyond request-response
/// (AWS's "Optimized integrations" table): (service, `.sync`, `.waitForTaskToken`).
/// `.sync:2` is the Step Functions (`states`) integration's alone.
pub const OPTIMIZED: &[(&str, bool, bool)] = &[
    ("apigateway", false, true),
    ("athena", true, false),
    ("batch", true, false),
    ("bedrock", true, true),
    ("codebuild", true, false),
    ("databrew", true, false),
    ("dynamodb", false, false),
    ("ecs", true, true),
    ("eks", true, true),
    ("elasticmapreduce", true, false),
    ("emr-containers", true, false),
    ("emr-serverless", true, false),
    ("events", false, true),
    ("glue", true, false),
    ("lambda", false, true),
    ("mediaconvert", true, false),
    ("sagemaker", true, false),
    ("sns", false, true),
    ("sqs", false, true),
    ("states", true, true),
];

/// Whether a `Resource` value is not a literal ARN: a JSONata expression or a
/// `${...}` placeholder (filled at deploy time).
pub fn is_dynamic(value: &str) -> bool {
    value.trim_start().starts_with("{%") || value.contains("${")
}

fn valid_partition(p: &str) -> bool {
    // `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`, `aws-eusc`, ...
    p == "aws"
        || p.strip_prefix("aws-").is_some_and(|rest| {
            !rest.is_empty()
                && rest
                    .split('-')
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        })
}

fn valid_region(r: &str) -> bool {
    // Empty means the state machine's own region.
    r.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn valid_account(a: &str) -> bool {
    // Empty means the state machine's own account.
    a.is_empty() || (a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}

fn valid_lambda_part(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn valid_api_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `str::splitn(n, ':')`: a byte loop, as ARNs are short (the generic
/// char searcher was half the cost of [`parse`]).
struct Colons<'a> {
    rest: Option<&'a str>,
    left: usize,
}

impl<'a> Colons<'a> {
    fn new(text: &'a str, n: usize) -> Self {
        Colons {
            rest: Some(text),
            left: n,
        }
    }
}

impl<'a> Iterator for Colons<'a> {
    type Item = &'a str;
    fn next(&mut self) -> Option<&'a str> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let rest = self.rest?;
        if self.left == 0 {
            self.rest = None;
            return Some(rest);
        }
        match rest.bytes().position(|b| b == b':') {
            Some(i) => {
                self.rest = Some(&rest[i + 1..]);
                Some(&rest[..i])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// Takes a `Resource` apart, or says what is wrong with it.
pub fn parse(arn: &str) -> Result<ResourceArn<'_>, String> {
    let Some(rest) = arn.strip_prefix("arn:") else {
        return Err("it is not an ARN (arn:partition:service:region:account:resource)".to_string());
    };
    let mut parts = Colons::new(rest, 5);
    let [
        Some(partition),
        Some(service),
        Some(region),
        Some(account),
        Some(resource),
    ] = [(); 5].map(|_| parts.next())
    else {
        return Err(
            "it is not a complete ARN (arn:partition:service:region:account:resource)".to_string(),
        );
    };
    if !valid_partition(partition) {
        return Err(format!(
            "'{partition}' is not an AWS partition (aws, aws-cn, aws-us-gov)"
        ));
    }
    if !valid_region(region) {
        return Err(format!("'{region}' is not a region"));
    }
    if !valid_account(account) {
        return Err(format!("'{account}' is not a 12-digit account id"));
    }
    match service {
        "lambda" => {
            let mut split = Colons::new(resource, usize::MAX);
            // The first four tokens: enough to tell two or three from more.
            let tokens = [(); 4].map(|_| split.next());
            match tokens {
                [Some("function"), Some(name), None | Some(_), None]
                    if valid_lambda_part(name)
                        && tokens[2].is_none_or(|q| q == "$LATEST" || valid_lambda_part(q)) =>
                {
                    Ok(ResourceArn::Lambda { function: name })
                }
                _ => Err(
                    "a Lambda ARN must end in function:NAME or function:NAME:ALIAS_OR_VERSION"
                        .to_string(),
                ),
            }
        }
        "states" => {
            if let Some(name) = resource.strip_prefix("activity:") {
                if name.is_empty() || name.contains(':') {
                    return Err("an activity ARN must end in activity:NAME".to_string());
                }
                return Ok(ResourceArn::Activity { name });
            }
            // The pattern suffix starts at the first dot: service and API names have none.
            let (body, suffix) = match resource.bytes().position(|b| b == b'.') {
                Some(i) => (&resource[..i], Some(&resource[i + 1..])),
                None => (resource, None),
            };
            let pattern = match suffix {
                None => Pattern::RequestResponse,
                Some("sync") => Pattern::Sync,
                Some("sync:2") => Pattern::Sync2,
                Some("waitForTaskToken") => Pattern::WaitForTaskToken,
                Some(other) => {
                    return Err(format!(
                        "'.{other}' is not an integration pattern (.sync, .sync:2 or .waitForTaskToken)"
                    ));
                }
            };
            let mut split = Colons::new(body, usize::MAX);
            let tokens = [(); 4].map(|_| split.next());
            let (sdk, service, api) = match tokens {
                [Some("aws-sdk"), Some(service), Some(api), None] => (true, service, api),
                [Some("aws-sdk"), ..] => {
                    return Err("an AWS SDK integration must be aws-sdk:SERVICE:ACTION".to_string());
                }
                [Some(service), Some(api), None, _] => (false, service, api),
                _ => {
                    return Err(
                        "a Step Functions resource must be activity:NAME, SERVICE:API or aws-sdk:SERVICE:ACTION"
                            .to_string(),
                    );
                }
            };
            if !valid_api_token(service) || !valid_api_token(api) {
                return Err(format!("'{body}' is not SERVICE:API"));
            }
            Ok(ResourceArn::Integration {
                sdk,
                service,
                api,
                pattern,
            })
        }
        other => Err(format!(
            "'{other}' resources cannot be run by a Task: use a Lambda function, an activity or an arn:aws:states::: integration"
        )),
    }
}

/// Why an integration's pattern is impossible, if it is.
fn unsupported_pattern(sdk: bool, service: &str, pattern: Pattern) -> Option<String> {
    if sdk {
        return matches!(pattern, Pattern::Sync | Pattern::Sync2).then(|| {
            format!("AWS SDK integrations do not support {}: only request-response and .waitForTaskToken", pattern.suffix())
        });
    }
    let &(_, sync, callback) = OPTIMIZED.iter().find(|(s, _, _)| *s == service)?;
    let ok = match pattern {
        Pattern::RequestResponse => true,
        Pattern::Sync => sync,
        // `.sync:2` elsewhere is only doubtful: `unknown-integration` warns about it.
        Pattern::Sync2 => sync,
        Pattern::WaitForTaskToken => callback,
    };
    (!ok).then(|| {
        format!(
            "the {service} integration does not support {}",
            pattern.suffix()
        )
    })
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for state in &ctx.machine.states {
        if let Some(resource) = &state.resource
            && let Some(arn) = ctx.task_arn(state.id)
        {
            check_task(&state.pointer, resource.value, resource.span, arn, out);
        }
        if state.is(&StateType::Map) {
            for field in ["ItemReader", "ResultWriter"] {
                let Some(node) = state.node.get(field).and_then(|n| n.get("Resource")) else {
                    continue;
                };
                let pointer = format!("{}/{field}", state.pointer);
                check_s3(&pointer, field, node, out);
            }
        }
    }
}

fn report(
    pointer: &str,
    value: &str,
    span: crate::load::Span,
    why: String,
    help: String,
) -> Diagnostic {
    RULE.diag(
        format!("{pointer}/Resource"),
        span,
        format!("Invalid Resource '{value}': {why}"),
    )
    .with_label("invalid resource")
    .with_help(help)
}

fn check_task(
    pointer: &str,
    value: &str,
    span: crate::load::Span,
    arn: &Result<ResourceArn<'_>, String>,
    out: &mut Vec<Diagnostic>,
) {
    match arn {
        Err(why) => out.push(report(
            pointer,
            value,
            span,
            why.clone(),
            "use a Lambda function ARN, an activity ARN or an integration such as arn:aws:states:::lambda:invoke".to_string(),
        )),
        Ok(ResourceArn::Integration {
            sdk,
            service,
            pattern,
            ..
        }) => {
            let pattern = *pattern;
            if let Some(why) = unsupported_pattern(*sdk, service, pattern) {
                let base = value.strip_suffix(pattern.suffix()).unwrap_or(value);
                out.push(report(
                    pointer,
                    value,
                    span,
                    why,
                    format!("remove {} (use {base}), or choose an integration that supports it", pattern.suffix()),
                ));
            }
        }
        Ok(_) => {}
    }
}

fn check_s3(pointer: &str, field: &str, node: &Node, out: &mut Vec<Diagnostic>) {
    let Some(value) = node.as_str() else { return };
    if is_dynamic(value) {
        return;
    }
    let example = if field == "ItemReader" {
        "arn:aws:states:::s3:getObject or arn:aws:states:::s3:listObjectsV2"
    } else {
        "arn:aws:states:::s3:putObject"
    };
    let why = match parse(value) {
        Err(why) => why,
        Ok(ResourceArn::Integration {
            sdk: false,
            service: "s3",
            pattern: Pattern::RequestResponse,
            ..
        }) => return,
        Ok(ResourceArn::Integration {
            sdk: false,
            service: "s3",
            pattern,
            ..
        }) => format!("{field} does not support {}", pattern.suffix()),
        Ok(_) if field == "ItemReader" => {
            "an ItemReader reads from Amazon S3: its Resource is an arn:aws:states:::s3: action"
                .to_string()
        }
        Ok(_) => {
            "a ResultWriter writes to Amazon S3: its Resource is an arn:aws:states:::s3: action"
                .to_string()
        }
    };
    out.push(report(
        pointer,
        value,
        node.span,
        why,
        format!("use {example}"),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::testing::diags_of;

    #[test]
    fn colons_split_as_splitn_does() {
        for text in [
            "",
            ":",
            "a",
            "a:b",
            "::a::",
            "a:b:c:d:e:f:g",
            "é:ü:",
            "a:b:c:d:e",
        ] {
            for n in [1, 2, 4, 5, usize::MAX] {
                let ours: Vec<_> = Colons::new(text, n).collect();
                let std: Vec<_> = text.splitn(n, ':').collect();
                assert_eq!(ours, std, "{text:?} {n}");
            }
        }
    }

    fn errors(json: &str) -> Vec<(String, String)> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.code == "INVALID_RESOURCE")
            .map(|d| (d.location, d.message))
            .collect()
    }

    fn task(resource: &str) -> String {
        format!(
            r#"{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"{resource}","End":true}}}}}}"#
        )
    }

    #[test]
    fn reports_sync_on_lambda() {
        assert_eq!(
            errors(&task("arn:aws:states:::lambda:invoke.sync")),
            [(
                "/States/T/Resource".to_string(),
                "Invalid Resource 'arn:aws:states:::lambda:invoke.sync': the lambda integration does not support .sync".to_string()
            )]
        );
    }

    #[test]
    fn reports_unsupported_patterns() {
        for bad in [
            "arn:aws:states:::dynamodb:getItem.waitForTaskToken",
            "arn:aws:states:::dynamodb:putItem.sync",
            "arn:aws:states:::sqs:sendMessage.sync",
            "arn:aws:states:::glue:startJobRun.waitForTaskToken",
            "arn:aws:states:::sns:publish.sync:2",
            "arn:aws:states:::aws-sdk:s3:getObject.sync",
            "arn:aws:states:::lambda:invoke.waitForCallback",
        ] {
            assert_eq!(errors(&task(bad)).len(), 1, "{bad}");
        }
    }

    #[test]
    fn reports_malformed_arns() {
        for bad in [
            "TEXT_REMINDER_ARN",
            "arn:aws:lambda:us-east-1:123456789012",
            "arn:aws:lambda:us-east-1:123456789012:MyFunction",
            "arn:aws:lambda:us-east-1:123:function:F",
            "arn:azure:states:::lambda:invoke",
            "arn:aws:sns:us-east-1:123456789012:topic",
            "arn:aws:states:us-east-1:123456789012:activity:",
            "arn:aws:states:::lambda",
            "arn:aws:states:::aws-sdk:s3",
        ] {
            let d = errors(&task(bad));
            assert_eq!(d.len(), 1, "{bad}: {d:?}");
            assert!(
                d[0].1.starts_with(&format!("Invalid Resource '{bad}': ")),
                "{d:?}"
            );
        }
    }

    #[test]
    fn checks_item_reader_and_result_writer_in_nested_maps() {
        let d = errors(
            r#"{"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"M","States":{
               "M":{"Type":"Map","End":true,
                    "ItemReader":{"Resource":"arn:aws:states:::lambda:invoke","Parameters":{}},
                    "ResultWriter":{"Resource":"arn:aws:states:::s3:putObject.sync","Parameters":{}},
                    "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Succeed"}}}}}}]}}}"#,
        );
        assert_eq!(
            d,
            [
                (
                    "/States/P/Branches/0/States/M/ItemReader/Resource".to_string(),
                    "Invalid Resource 'arn:aws:states:::lambda:invoke': an ItemReader reads from Amazon S3: its Resource is an arn:aws:states:::s3: action".to_string()
                ),
                (
                    "/States/P/Branches/0/States/M/ResultWriter/Resource".to_string(),
                    "Invalid Resource 'arn:aws:states:::s3:putObject.sync': ResultWriter does not support .sync".to_string()
                )
            ]
        );
    }

    #[test]
    fn accepts_what_aws_runs() {
        for good in [
            "arn:aws:lambda:us-east-1:111111111111:function:lambda_func_08047f29",
            "arn:aws:lambda:us-east-1:123456789012:function:F:$LATEST",
            "arn:aws:lambda:us-east-1:123456789012:function:F:prod",
            "arn:aws:lambda:::function:F",
            "arn:aws-cn:lambda:cn-north-1:123456789012:function:F:7",
            "arn:aws-us-gov:states:us-gov-west-1:123456789012:activity:My.Activity-1",
            "arn:aws:states:::lambda:invoke",
            "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "arn:aws:states:::states:startExecution.sync:2",
            "arn:aws:states:::states:startExecution.waitForTaskToken",
            "arn:aws:states:::ecs:runTask.sync",
            "arn:aws:states:::batch:submitJob.sync",
            "arn:aws:states:::dynamodb:putItem",
            "arn:aws:states:::http:invoke",
            "arn:aws:states:::apigateway:invoke.waitForTaskToken",
            "arn:aws:states:::events:putEvents.waitForTaskToken",
            "arn:aws:states:::emr-serverless:startJobRun.sync",
            "arn:aws:states:::aws-sdk:dynamodb:putItem.waitForTaskToken",
            "arn:aws:states:::aws-sdk:sfn:startExecution",
            "arn:aws:states:us-east-1:776177632559:aws-sdk:s3:getObject",
            "arn:aws:states:::somefutureservice:doThing",
            "{% $states.input.arn %}",
            "${LambdaArn}",
        ] {
            assert!(errors(&task(good)).is_empty(), "{good}");
        }
    }

    #[test]
    fn parses_the_parts() {
        assert_eq!(
            parse("arn:aws:states:::aws-sdk:s3:listObjectsV2.waitForTaskToken"),
            Ok(ResourceArn::Integration {
                sdk: true,
                service: "s3",
                api: "listObjectsV2",
                pattern: Pattern::WaitForTaskToken
            })
        );
        assert_eq!(
            parse("arn:aws:lambda:us-east-1:123456789012:function:F:1"),
            Ok(ResourceArn::Lambda { function: "F" })
        );
    }
}

//! What a Task's `Resource` names, as history events describe it.

/// The kind of a Task resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `arn:aws:lambda:...:function:NAME`: `LambdaFunction*` events.
    LambdaFunction,
    /// `arn:aws:states:...:activity:NAME`: `Activity*` events.
    Activity,
    /// `arn:aws:states:::SERVICE:API[.pattern]` and `aws-sdk:`: `Task*` events.
    Service {
        resource_type: String,
        resource: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    RequestResponse,
    Sync,
    WaitForTaskToken,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub kind: Kind,
    pub pattern: Pattern,
    pub region: String,
}

pub fn classify(arn: &str) -> Resource {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let region = parts
        .get(3)
        .filter(|r| !r.is_empty())
        .unwrap_or(&"us-east-1")
        .to_string();
    let service = parts.get(2).copied().unwrap_or_default();
    if service == "lambda" && parts.get(5).is_some_and(|r| r.starts_with("function:")) {
        return Resource {
            kind: Kind::LambdaFunction,
            pattern: Pattern::RequestResponse,
            region,
        };
    }
    if service == "states" && parts.get(5).is_some_and(|r| r.starts_with("activity:")) {
        return Resource {
            kind: Kind::Activity,
            pattern: Pattern::RequestResponse,
            region,
        };
    }
    // arn:aws:states:::lambda:invoke.waitForTaskToken → ("lambda", "invoke.waitForTaskToken")
    // arn:aws:states:::aws-sdk:s3:getObject → ("aws-sdk:s3", "getObject")
    let rest = parts.get(5).copied().unwrap_or_default();
    // `.sync:2` contains a colon of its own: split the API from its service before it.
    let (path, suffix) = match rest
        .find(".sync")
        .or_else(|| rest.find(".waitForTaskToken"))
    {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let (resource_type, api) = match path.rsplit_once(':') {
        Some((t, r)) => (t.to_string(), r.to_string()),
        None => (path.to_string(), String::new()),
    };
    let resource = format!("{api}{suffix}");
    let pattern = if suffix.starts_with(".waitForTaskToken") {
        Pattern::WaitForTaskToken
    } else if suffix.starts_with(".sync") {
        Pattern::Sync
    } else {
        Pattern::RequestResponse
    };
    Resource {
        kind: Kind::Service {
            resource_type,
            resource,
        },
        pattern,
        region,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(arn: &str) -> (String, String, Pattern) {
        match classify(arn) {
            Resource {
                kind:
                    Kind::Service {
                        resource_type,
                        resource,
                    },
                pattern,
                ..
            } => (resource_type, resource, pattern),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn service_integrations_split_as_history_events_show_them() {
        assert_eq!(
            service("arn:aws:states:::lambda:invoke"),
            ("lambda".into(), "invoke".into(), Pattern::RequestResponse)
        );
        assert_eq!(
            service("arn:aws:states:::aws-sdk:dynamodb:putItem"),
            (
                "aws-sdk:dynamodb".into(),
                "putItem".into(),
                Pattern::RequestResponse
            )
        );
        assert_eq!(
            service("arn:aws:states:::sqs:sendMessage.waitForTaskToken"),
            (
                "sqs".into(),
                "sendMessage.waitForTaskToken".into(),
                Pattern::WaitForTaskToken
            )
        );
        assert_eq!(
            service("arn:aws:states:::states:startExecution.sync:2").2,
            Pattern::Sync
        );
    }

    #[test]
    fn lambda_functions_and_activities() {
        assert_eq!(
            classify("arn:aws:lambda:eu-west-1:111111111111:function:f").kind,
            Kind::LambdaFunction
        );
        assert_eq!(
            classify("arn:aws:lambda:eu-west-1:111111111111:function:f").region,
            "eu-west-1"
        );
        assert_eq!(
            classify("arn:aws:states:us-east-1:111111111111:activity:a").kind,
            Kind::Activity
        );
    }
}

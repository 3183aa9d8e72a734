//! CloudFormation intrinsic functions, evaluated offline.
//!
//! Nothing is deployed, so `Ref` and `Fn::GetAtt` of a resource get a
//! plausible stand-in shaped like the real value (a Lambda function's ARN for
//! `Fn.Arn`) where the resource type says what that shape is, and nothing
//! otherwise. Pseudo parameters get fixed stand-ins; parameters their default.

use serde_json::{Value, json};

use super::placeholder::{Fill, fn_sub};
use super::srcmap::SourceMap;
use crate::load::{Node, NodeKind};

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";
pub const PARTITION: &str = "aws";
const STACK: &str = "sfn-stack";
/// How deep evaluation may go (a resource's name may itself be an intrinsic):
/// guards against reference cycles.
const MAX_EVAL_DEPTH: usize = 16;

/// A template's parts that intrinsic functions look things up in.
pub struct Template<'a> {
    resources: &'a [crate::load::Entry],
    parameters: Option<&'a Node>,
    mappings: Option<&'a Node>,
}

impl<'a> Template<'a> {
    pub fn new(root: &'a Node) -> Self {
        Template {
            resources: root
                .get("Resources")
                .and_then(Node::as_object)
                .unwrap_or(&[]),
            parameters: root.get("Parameters"),
            mappings: root.get("Mappings"),
        }
    }

    pub fn resources(&self) -> &'a [crate::load::Entry] {
        self.resources
    }

    fn resource(&self, id: &str) -> Option<&'a Node> {
        self.resources
            .iter()
            .find(|e| e.key == id)
            .map(|e| &e.value)
    }

    /// Whether the template defines `name` (a parameter, resource or pseudo parameter).
    pub fn defines(&self, name: &str) -> bool {
        let base = name.split('.').next().unwrap_or(name);
        pseudo(name).is_some()
            || name == "AWS::NoValue"
            || name == "AWS::NotificationARNs"
            || self.resource(base).is_some()
            || self.parameters.and_then(|p| p.get(base)).is_some()
    }

    /// The value of an intrinsic function (or a literal), if it can be known offline.
    pub fn eval(&self, node: &Node) -> Option<Value> {
        self.eval_at(node, &[], 0)
    }

    /// The text of a value, if it is (or evaluates to) a string, number or boolean.
    pub fn eval_string(&self, node: &Node) -> Option<String> {
        self.eval(node).and_then(|v| scalar_text(&v))
    }

    fn eval_at(&self, node: &Node, vars: &[crate::load::Entry], depth: usize) -> Option<Value> {
        if depth > MAX_EVAL_DEPTH {
            return None;
        }
        let d = depth + 1;
        match &node.kind {
            NodeKind::String(_) | NodeKind::Number(_) | NodeKind::Bool(_) => Some(node.to_value()),
            NodeKind::Array(items) => items
                .iter()
                .map(|i| self.eval_at(i, vars, d))
                .collect::<Option<Vec<_>>>()
                .map(Value::Array),
            NodeKind::Object(entries) if entries.len() == 1 => {
                let arg = &entries[0].value;
                match entries[0].key.as_str() {
                    "Ref" => self.reference(arg.as_str()?, d),
                    "Fn::GetAtt" => {
                        let (res, att) = get_att_args(arg)?;
                        self.attribute(&res, &att, d).map(Value::String)
                    }
                    "Fn::Sub" => self.sub(arg, vars, d).map(Value::String),
                    "Fn::Join" => {
                        let args = arg.as_array()?;
                        let sep = scalar_text(&self.eval_at(args.first()?, vars, d)?)?;
                        let list = self.eval_at(args.get(1)?, vars, d)?;
                        let parts = list
                            .as_array()?
                            .iter()
                            .map(scalar_text)
                            .collect::<Option<Vec<_>>>()?;
                        Some(Value::String(parts.join(&sep)))
                    }
                    "Fn::Select" => {
                        let args = arg.as_array()?;
                        let index = scalar_text(&self.eval_at(args.first()?, vars, d)?)?;
                        let list = self.eval_at(args.get(1)?, vars, d)?;
                        list.as_array()?.get(index.parse::<usize>().ok()?).cloned()
                    }
                    "Fn::Split" => {
                        let args = arg.as_array()?;
                        let sep = scalar_text(&self.eval_at(args.first()?, vars, d)?)?;
                        let text = scalar_text(&self.eval_at(args.get(1)?, vars, d)?)?;
                        if sep.is_empty() {
                            return None;
                        }
                        Some(Value::Array(
                            text.split(sep.as_str()).map(|s| json!(s)).collect(),
                        ))
                    }
                    "Fn::FindInMap" => {
                        let args = arg.as_array()?;
                        let mut node = self.mappings?;
                        for key in args.iter().take(3) {
                            let key = scalar_text(&self.eval_at(key, vars, d)?)?;
                            node = node.get(&key)?;
                        }
                        self.eval_at(node, vars, d)
                    }
                    "Fn::GetAZs" => Some(json!([
                        format!("{REGION}a"),
                        format!("{REGION}b"),
                        format!("{REGION}c")
                    ])),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `Fn::Sub`'s string: `"text"` or `["text", {vars}]`.
    fn sub(&self, arg: &Node, outer: &[crate::load::Entry], depth: usize) -> Option<String> {
        let (text, vars) = match &arg.kind {
            NodeKind::String(s) => (s.as_str(), outer),
            NodeKind::Array(items) => (
                items.first()?.as_str()?,
                items.get(1).and_then(Node::as_object).unwrap_or(&[]),
            ),
            _ => return None,
        };
        let unknown = std::cell::Cell::new(false);
        let resolve = |name: &str| match self.sub_variable(name, vars, depth) {
            Fill::Value(v) => Fill::Value(v),
            other => {
                unknown.set(true);
                other
            }
        };
        let (out, _) = fn_sub(text, &SourceMap::default(), &resolve);
        (!unknown.get()).then_some(out)
    }

    /// What `${name}` in an `Fn::Sub` string stands for: a variable of its
    /// map, a pseudo parameter, a parameter, a resource or an attribute.
    pub fn sub_variable(&self, name: &str, vars: &[crate::load::Entry], depth: usize) -> Fill {
        if let Some(v) = vars.iter().find(|e| e.key == name) {
            return match self
                .eval_at(&v.value, &[], depth + 1)
                .and_then(|v| scalar_text(&v))
            {
                Some(s) => Fill::Value(s),
                None => Fill::Declared,
            };
        }
        let value = match name.split_once('.') {
            Some((res, att)) if self.resource(res).is_some() => {
                self.attribute(res, att, depth + 1).map(Value::String)
            }
            _ => self.reference(name, depth + 1),
        };
        match value.and_then(|v| scalar_text(&v)) {
            Some(s) => Fill::Value(s),
            None if self.defines(name) => Fill::Declared,
            None => Fill::Undeclared,
        }
    }

    /// `Ref`: a pseudo parameter, a parameter's default, or a resource's stand-in.
    fn reference(&self, name: &str, depth: usize) -> Option<Value> {
        if let Some(v) = pseudo(name) {
            return Some(Value::String(v));
        }
        if let Some(param) = self.parameters.and_then(|p| p.get(name)) {
            let ty = param.get("Type").and_then(Node::as_str).unwrap_or("String");
            // An SSM-backed parameter's default is a parameter name, not the value.
            if ty.starts_with("AWS::SSM::") {
                return None;
            }
            let default = param.get("Default")?;
            if ty.starts_with("List<") || ty == "CommaDelimitedList" {
                let text = scalar_text(&default.to_value())?;
                return Some(Value::Array(
                    text.split(',').map(|s| json!(s.trim())).collect(),
                ));
            }
            return match default.to_value() {
                v @ (Value::String(_) | Value::Number(_) | Value::Bool(_)) => Some(v),
                _ => None,
            };
        }
        let resource = self.resource(name)?;
        let ty = resource.get("Type").and_then(Node::as_str)?;
        let phys = self.physical_name(name, resource, ty, depth);
        stand_in(ty, &phys, None).map(Value::String)
    }

    /// `Fn::GetAtt`: a resource attribute's stand-in.
    fn attribute(&self, id: &str, attribute: &str, depth: usize) -> Option<String> {
        let resource = self.resource(id)?;
        let ty = resource.get("Type").and_then(Node::as_str)?;
        let phys = self.physical_name(id, resource, ty, depth);
        stand_in(ty, &phys, Some(attribute))
    }

    /// The resource's name: its name property when that can be known, else its logical id.
    fn physical_name(&self, id: &str, resource: &Node, ty: &str, depth: usize) -> String {
        let props = resource.get("Properties");
        name_property(ty)
            .and_then(|p| props?.get(p))
            .and_then(|n| self.eval_at(n, &[], depth + 1))
            .and_then(|v| scalar_text(&v))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| id.to_string())
    }
}

/// `["Res", "Att"]` or `"Res.Att"`.
pub fn get_att_args(arg: &Node) -> Option<(String, String)> {
    match &arg.kind {
        NodeKind::String(s) => s
            .split_once('.')
            .map(|(a, b)| (a.to_string(), b.to_string())),
        NodeKind::Array(items) if items.len() == 2 => Some((
            items[0].as_str()?.to_string(),
            items[1].as_str()?.to_string(),
        )),
        _ => None,
    }
}

/// A string, number or boolean as text, as CloudFormation turns them into strings.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn pseudo(name: &str) -> Option<String> {
    Some(match name {
        "AWS::Region" => REGION.into(),
        "AWS::AccountId" => ACCOUNT.into(),
        "AWS::Partition" => PARTITION.into(),
        "AWS::StackName" => STACK.into(),
        "AWS::StackId" => format!(
            "arn:{PARTITION}:cloudformation:{REGION}:{ACCOUNT}:stack/{STACK}/00000000-0000-0000-0000-000000000000"
        ),
        "AWS::URLSuffix" => "amazonaws.com".into(),
        _ => return None,
    })
}

/// The property that names a resource of type `ty`.
fn name_property(ty: &str) -> Option<&'static str> {
    Some(match ty {
        "AWS::Lambda::Function" | "AWS::Serverless::Function" => "FunctionName",
        "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" => "TableName",
        "AWS::Serverless::SimpleTable" => "TableName",
        "AWS::SNS::Topic" => "TopicName",
        "AWS::SQS::Queue" => "QueueName",
        "AWS::S3::Bucket" => "BucketName",
        "AWS::StepFunctions::StateMachine" => "StateMachineName",
        "AWS::Serverless::StateMachine" => "Name",
        "AWS::StepFunctions::Activity" | "AWS::Events::EventBus" | "AWS::Events::Connection" => {
            "Name"
        }
        "AWS::Events::ApiDestination" | "AWS::Events::Rule" | "AWS::Glue::Job" => "Name",
        "AWS::Glue::Crawler" | "AWS::Athena::WorkGroup" | "AWS::CodeBuild::Project" => "Name",
        "AWS::SecretsManager::Secret" | "AWS::SSM::Parameter" => "Name",
        "AWS::IAM::Role" => "RoleName",
        "AWS::ECS::Cluster" => "ClusterName",
        "AWS::ECS::TaskDefinition" => "Family",
        "AWS::Batch::JobQueue" => "JobQueueName",
        "AWS::Batch::JobDefinition" => "JobDefinitionName",
        "AWS::Logs::LogGroup" => "LogGroupName",
        "AWS::Kinesis::Stream" => "Name",
        "AWS::KinesisFirehose::DeliveryStream" => "DeliveryStreamName",
        "AWS::Scheduler::ScheduleGroup" => "Name",
        _ => return None,
    })
}

/// The stand-in for `Ref` (attribute `None`) or `Fn::GetAtt` of a resource of
/// type `ty` named `name`; `None` where the value's shape is not known.
fn stand_in(ty: &str, name: &str, attribute: Option<&str>) -> Option<String> {
    let (r, a, p) = (REGION, ACCOUNT, PARTITION);
    let arn = |service: &str, rest: &str| format!("arn:{p}:{service}:{r}:{a}:{rest}");
    let id = "00000000-0000-0000-0000-000000000000";
    Some(match (ty, attribute) {
        ("AWS::Lambda::Function" | "AWS::Serverless::Function", None) => name.into(),
        ("AWS::Lambda::Function" | "AWS::Serverless::Function", Some("Arn")) => {
            arn("lambda", &format!("function:{name}"))
        }
        (
            "AWS::DynamoDB::Table" | "AWS::DynamoDB::GlobalTable" | "AWS::Serverless::SimpleTable",
            att,
        ) => match att {
            None => name.into(),
            Some("Arn") => arn("dynamodb", &format!("table/{name}")),
            Some("StreamArn") => arn(
                "dynamodb",
                &format!("table/{name}/stream/2020-01-01T00:00:00.000"),
            ),
            _ => return None,
        },
        ("AWS::SNS::Topic", None | Some("TopicArn")) => arn("sns", name),
        ("AWS::SNS::Topic", Some("TopicName")) => name.into(),
        ("AWS::SQS::Queue", None | Some("QueueUrl")) => {
            format!("https://sqs.{r}.amazonaws.com/{a}/{name}")
        }
        ("AWS::SQS::Queue", Some("Arn")) => arn("sqs", name),
        ("AWS::SQS::Queue", Some("QueueName")) => name.into(),
        ("AWS::S3::Bucket", att) => {
            let bucket = name.to_ascii_lowercase();
            match att {
                None => bucket,
                Some("Arn") => format!("arn:{p}:s3:::{bucket}"),
                Some("DomainName") => format!("{bucket}.s3.amazonaws.com"),
                Some("RegionalDomainName") => format!("{bucket}.s3.{r}.amazonaws.com"),
                _ => return None,
            }
        }
        (
            "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine",
            None | Some("Arn"),
        ) => arn("states", &format!("stateMachine:{name}")),
        ("AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine", Some("Name")) => {
            name.into()
        }
        ("AWS::StepFunctions::Activity", None | Some("Arn")) => {
            arn("states", &format!("activity:{name}"))
        }
        ("AWS::StepFunctions::Activity", Some("Name")) => name.into(),
        ("AWS::Events::EventBus", None | Some("Name")) => name.into(),
        ("AWS::Events::EventBus", Some("Arn")) => arn("events", &format!("event-bus/{name}")),
        ("AWS::Events::Connection", None) => name.into(),
        ("AWS::Events::Connection", Some("Arn")) => {
            arn("events", &format!("connection/{name}/{id}"))
        }
        ("AWS::Events::ApiDestination", None) => name.into(),
        ("AWS::Events::ApiDestination", Some("Arn")) => {
            arn("events", &format!("api-destination/{name}/{id}"))
        }
        ("AWS::Events::Rule", None) => name.into(),
        ("AWS::Events::Rule", Some("Arn")) => arn("events", &format!("rule/{name}")),
        ("AWS::IAM::Role", None) => name.into(),
        ("AWS::IAM::Role", Some("Arn")) => format!("arn:{p}:iam::{a}:role/{name}"),
        ("AWS::ECS::Cluster", None) => name.into(),
        ("AWS::ECS::Cluster", Some("Arn")) => arn("ecs", &format!("cluster/{name}")),
        ("AWS::ECS::TaskDefinition", None | Some("TaskDefinitionArn")) => {
            arn("ecs", &format!("task-definition/{name}:1"))
        }
        ("AWS::Batch::JobQueue", None | Some("JobQueueArn")) => {
            arn("batch", &format!("job-queue/{name}"))
        }
        ("AWS::Batch::JobDefinition", None) => arn("batch", &format!("job-definition/{name}:1")),
        ("AWS::Glue::Job" | "AWS::Glue::Crawler" | "AWS::Athena::WorkGroup", None) => name.into(),
        ("AWS::CodeBuild::Project", None) => name.into(),
        ("AWS::CodeBuild::Project", Some("Arn")) => arn("codebuild", &format!("project/{name}")),
        ("AWS::SecretsManager::Secret", None | Some("Id")) => {
            arn("secretsmanager", &format!("secret:{name}-AbCdEf"))
        }
        ("AWS::SSM::Parameter", None | Some("Name")) => name.into(),
        ("AWS::Logs::LogGroup", None) => name.into(),
        ("AWS::Logs::LogGroup", Some("Arn")) => arn("logs", &format!("log-group:{name}:*")),
        ("AWS::Kinesis::Stream", None) => name.into(),
        ("AWS::Kinesis::Stream", Some("Arn")) => arn("kinesis", &format!("stream/{name}")),
        ("AWS::KinesisFirehose::DeliveryStream", None) => name.into(),
        ("AWS::KinesisFirehose::DeliveryStream", Some("Arn")) => {
            arn("firehose", &format!("deliverystream/{name}"))
        }
        ("AWS::KMS::Key", None | Some("KeyId")) => id.into(),
        ("AWS::KMS::Key", Some("Arn")) => arn("kms", &format!("key/{id}")),
        (
            "AWS::ApiGateway::RestApi"
            | "AWS::Serverless::Api"
            | "AWS::ApiGatewayV2::Api"
            | "AWS::Serverless::HttpApi",
            None | Some("ApiId"),
        ) => "a1b2c3d4e5".into(),
        ("AWS::ApiGatewayV2::Api" | "AWS::Serverless::HttpApi", Some("ApiEndpoint")) => {
            format!("https://a1b2c3d4e5.execute-api.{r}.amazonaws.com")
        }
        ("AWS::Scheduler::ScheduleGroup", None) => name.into(),
        ("AWS::EC2::SecurityGroup", None | Some("GroupId")) => "sg-0123456789abcdef0".into(),
        ("AWS::EC2::Subnet", None | Some("SubnetId")) => "subnet-0123456789abcdef0".into(),
        ("AWS::EC2::VPC", None | Some("VpcId")) => "vpc-0123456789abcdef0".into(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::yaml;

    const TEMPLATE: &str = r#"
Parameters:
  Env: {Type: String, Default: dev}
  Ids: {Type: CommaDelimitedList, Default: "a,b"}
  Secret: {Type: "AWS::SSM::Parameter::Value<String>", Default: /x}
  NoDefault: {Type: String}
Mappings:
  Config: {dev: {Bus: dev-bus}}
Resources:
  Fn: {Type: AWS::Serverless::Function, Properties: {FunctionName: !Sub "${Env}-fn"}}
  Table: {Type: AWS::DynamoDB::Table}
  Topic: {Type: AWS::SNS::Topic, Properties: {TopicName: alerts}}
  Loop: {Type: AWS::Lambda::Function, Properties: {FunctionName: !Ref Loop}}
  Odd: {Type: AWS::Some::Thing}
"#;

    fn eval(expr: &str) -> Option<Value> {
        let root = yaml::parse(TEMPLATE).unwrap();
        let t = Template::new(&root);
        let node = yaml::parse(&format!("x: {expr}")).unwrap();
        t.eval(node.get("x").unwrap())
    }

    #[test]
    fn evaluates_what_can_be_known() {
        assert_eq!(eval("!Ref AWS::Region"), Some(json!("us-east-1")));
        assert_eq!(eval("!Ref Env"), Some(json!("dev")));
        assert_eq!(eval("!Ref Ids"), Some(json!(["a", "b"])));
        assert_eq!(eval("!Ref Table"), Some(json!("Table")));
        assert_eq!(
            eval("!GetAtt Fn.Arn"),
            Some(json!(
                "arn:aws:lambda:us-east-1:123456789012:function:dev-fn"
            ))
        );
        assert_eq!(eval("!GetAtt Topic.TopicName"), Some(json!("alerts")));
        assert_eq!(
            eval("!Ref Topic"),
            Some(json!("arn:aws:sns:us-east-1:123456789012:alerts"))
        );
        assert_eq!(
            eval("!Sub 'arn:${AWS::Partition}:states:::${Env}:${!Lit}'"),
            Some(json!("arn:aws:states:::dev:${Lit}"))
        );
        assert_eq!(
            eval("!Sub ['${A}-${Env}', {A: !Ref Table}]"),
            Some(json!("Table-dev"))
        );
        assert_eq!(eval("!Join ['-', [a, !Ref Env]]"), Some(json!("a-dev")));
        assert_eq!(eval("!Select [1, !Split [',', 'x,y']]"), Some(json!("y")));
        assert_eq!(
            eval("!FindInMap [Config, !Ref Env, Bus]"),
            Some(json!("dev-bus"))
        );
        assert_eq!(eval("!Ref Loop"), Some(json!("Loop")));
    }

    #[test]
    fn unknown_values_are_none() {
        for expr in [
            "!Ref Secret",
            "!Ref NoDefault",
            "!Ref Odd",
            "!GetAtt Odd.Arn",
            "!GetAtt Missing.Arn",
            "!ImportValue X",
            "!If [C, a, b]",
            "!Sub '${Odd}'",
        ] {
            assert_eq!(eval(expr), None, "{expr}");
        }
    }

    #[test]
    fn sub_variables_tell_declared_from_undeclared() {
        let root = yaml::parse(TEMPLATE).unwrap();
        let t = Template::new(&root);
        assert_eq!(t.sub_variable("Odd.Arn", &[], 0), Fill::Declared);
        assert_eq!(t.sub_variable("NoDefault", &[], 0), Fill::Declared);
        assert_eq!(t.sub_variable("Nothing", &[], 0), Fill::Undeclared);
        assert_eq!(t.sub_variable("Env", &[], 0), Fill::Value("dev".into()));
    }
}

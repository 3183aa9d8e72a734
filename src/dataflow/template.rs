//! Payload templates of JSONPath states: `Parameters`, `ResultSelector`,
//! `ItemSelector`, `Arguments`, the values of `Assign`. A field whose name
//! ends in `.$` takes the value of its path or intrinsic call, under the name
//! without `.$`; every other field is copied as written.
//!
//! A template is compiled once: static parts become constants, every `.$`
//! value is parsed, and the order of each object's keys is settled. In an
//! object that has `.$` fields, AWS writes the fields copied as written first,
//! in the definition's order, then the `.$` fields in the order of a Java
//! `HashMap` (see [`crate::dataflow::eval::java_hash_order`]), as executions
//! recorded on AWS show; an object without `.$` fields of its own keeps the
//! definition's order.

use serde_json::{Map, Value};

use super::eval::{Bindings, EvalError, Expr, Rng, java_hash_order, to_json_text};
use super::intrinsic::{Site, eval_call_at};
use super::path;

/// Templates nest objects and arrays: deeper than this is refused.
pub const MAX_TEMPLATE_DEPTH: usize = 160;

/// A compiled payload template.
#[derive(Debug, Clone)]
pub struct Template {
    root: TNode,
}

#[derive(Debug, Clone)]
enum TNode {
    /// No `.$` field anywhere below: copied as is.
    Const(Value),
    /// Keys in output order, and an object with those keys (null values) that
    /// each evaluation copies and fills in: copying it costs less than hashing
    /// every key into a new object.
    Object(Vec<(String, TNode)>, Map<String, Value>),
    Array(Vec<TNode>),
    Dynamic(Box<Dynamic>),
}

#[derive(Debug, Clone)]
struct Dynamic {
    /// The field as written, `.$` included (AWS names it so in causes).
    field: String,
    /// The path or call as written.
    text: String,
    expr: Expr,
}

impl Template {
    /// Compiles a template; fails on a `.$` field whose value is not a
    /// string holding a path or an intrinsic call.
    pub fn compile(value: &Value) -> Result<Template, String> {
        Ok(Template {
            root: compile(value, 0)?,
        })
    }

    /// Whether the template has no `.$` field (its value is always the same).
    pub fn is_static(&self) -> bool {
        matches!(self.root, TNode::Const(_))
    }

    /// Whether evaluating it may read the input (`$`), rather than only the
    /// context object, variables and literals. A filter or script in a path
    /// counts as reading it (`$` inside one is the input).
    pub fn reads_input(&self) -> bool {
        fn node(n: &TNode) -> bool {
            match n {
                TNode::Const(_) => false,
                TNode::Object(fields, _) => fields.iter().any(|(_, n)| node(n)),
                TNode::Array(items) => items.iter().any(node),
                TNode::Dynamic(d) => d.expr.reads_input(),
            }
        }
        node(&self.root)
    }

    /// Evaluates the template. `field` names the template (`Parameters`,
    /// `ResultSelector`, ...); AWS's causes name the `.$` field instead
    /// (`The JSONPath '$.x' specified for the field 'x.$' could not be found
    /// in the input '{...}'`), so it is kept for callers' messages only.
    pub fn eval(&self, b: &Bindings, rng: &mut Rng, field: &str) -> Result<Value, EvalError> {
        let _ = field;
        eval(&self.root, b, rng)
    }
}

fn compile(value: &Value, depth: usize) -> Result<TNode, String> {
    if depth > MAX_TEMPLATE_DEPTH {
        return Err(format!(
            "the template nests more than {MAX_TEMPLATE_DEPTH} levels deep"
        ));
    }
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, TNode)> = Vec::with_capacity(map.len());
            // Which of `entries` came from `.$` fields (a field copied as written
            // keeps its place even when a later `.$` field of its name replaces it).
            let mut dynamic: Vec<bool> = Vec::with_capacity(map.len());
            let mut has_dynamic_key = false;
            for (key, v) in map {
                let (name, node) = match key.strip_suffix(".$") {
                    Some(name) => {
                        has_dynamic_key = true;
                        let Some(text) = v.as_str() else {
                            return Err(format!(
                                "the value of the field '{key}' must be a string holding a path or an intrinsic function"
                            ));
                        };
                        let expr =
                            Expr::compile(text).map_err(|e| format!("the field '{key}': {e}"))?;
                        (
                            name.to_string(),
                            TNode::Dynamic(Box::new(Dynamic {
                                field: key.clone(),
                                text: text.to_string(),
                                expr,
                            })),
                        )
                    }
                    None => (key.clone(), compile(v, depth + 1)?),
                };
                // `a` and `a.$` both present: as a map, the later value wins
                // and the first place stays.
                let is_dynamic = key.ends_with(".$");
                match entries.iter_mut().find(|(k, _)| *k == name) {
                    Some(slot) => slot.1 = node,
                    None => {
                        entries.push((name, node));
                        dynamic.push(is_dynamic);
                    }
                }
            }
            if !has_dynamic_key && entries.iter().all(|(_, n)| matches!(n, TNode::Const(_))) {
                return Ok(TNode::Const(value.clone()));
            }
            if has_dynamic_key {
                let (mut fixed, paths): (Vec<_>, Vec<_>) = entries
                    .into_iter()
                    .zip(dynamic)
                    .partition(|(_, is_dynamic)| !is_dynamic);
                let keys: Vec<&String> = paths.iter().map(|((k, _), _)| k).collect();
                let order = java_hash_order(&keys);
                let mut slots: Vec<Option<(String, TNode)>> =
                    paths.into_iter().map(|(e, _)| Some(e)).collect();
                fixed.extend(
                    order
                        .into_iter()
                        .filter_map(|i| slots[i].take())
                        .map(|e| (e, true)),
                );
                entries = fixed.into_iter().map(|(e, _)| e).collect();
            }
            let shape = entries
                .iter()
                .map(|(k, _)| (k.clone(), Value::Null))
                .collect();
            Ok(TNode::Object(entries, shape))
        }
        Value::Array(items) => {
            let nodes = items
                .iter()
                .map(|v| compile(v, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            if nodes.iter().all(|n| matches!(n, TNode::Const(_))) {
                return Ok(TNode::Const(value.clone()));
            }
            Ok(TNode::Array(nodes))
        }
        other => Ok(TNode::Const(other.clone())),
    }
}

fn eval(node: &TNode, b: &Bindings, rng: &mut Rng) -> Result<Value, EvalError> {
    match node {
        TNode::Const(v) => Ok(v.clone()),
        TNode::Object(entries, shape) => {
            // The keys are distinct (settled at compile time): the copy holds them in
            // the entries' order.
            let mut out = shape.clone();
            for ((_, n), slot) in entries.iter().zip(out.values_mut()) {
                *slot = eval(n, b, rng)?;
            }
            Ok(Value::Object(out))
        }
        TNode::Array(items) => items
            .iter()
            .map(|n| eval(n, b, rng))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        TNode::Dynamic(d) => match &d.expr {
            Expr::Path(p) => path::query(p, b)
                .map(|v| v.into_owned())
                .map_err(|_| not_found(&d.text, &d.field, b)),
            Expr::Call(c) => eval_call_at(
                c,
                b,
                rng,
                &Site {
                    text: Some(&d.text),
                    field: Some(&d.field),
                },
            ),
        },
    }
}

/// AWS's cause for a `.$` path that matches nothing.
fn not_found(text: &str, field: &str, b: &Bindings) -> EvalError {
    EvalError::runtime(format!(
        "The JSONPath '{text}' specified for the field '{field}' could not be found in the input '{}'",
        to_json_text(b.input)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use serde_json::json;

    fn run(template: Value, input: Value) -> Result<Value, EvalError> {
        let ctx = json!({"Execution": {"Input": input.clone(), "Name": "exec"}, "Map": {"Item": {"Value": 7, "Index": 0}}});
        let mut vars = Map::new();
        vars.insert("bucket".into(), json!("my-bucket"));
        let b = Bindings {
            input: &input,
            context: &ctx,
            variables: &vars,
        };
        let mut rng = Rng::seed_from_u64(1);
        Template::compile(&template)
            .unwrap()
            .eval(&b, &mut rng, "Parameters")
    }

    fn keys(v: &Value) -> Vec<&str> {
        v.as_object().unwrap().keys().map(String::as_str).collect()
    }

    #[test]
    fn documented_parameters_example() {
        // "InputPath, Parameters and ResultSelector" in the developer guide.
        let input = json!({
            "comment": "Example for Parameters.",
            "product": {
                "details": {"color": "blue", "size": "small", "material": "cotton"},
                "availability": "in stock", "sku": "2317", "cost": "$23"
            }
        });
        let template = json!({
            "comment": "Selecting what I care about.",
            "MyDetails": {
                "size.$": "$.product.details.size",
                "exists.$": "$.product.availability",
                "StaticValue": "foo"
            }
        });
        let out = run(template, input).unwrap();
        assert_eq!(
            out,
            json!({"comment": "Selecting what I care about.", "MyDetails": {"size": "small", "exists": "in stock", "StaticValue": "foo"}})
        );
        assert_eq!(keys(&out), ["comment", "MyDetails"]);
    }

    /// As recorded on AWS (conformance cases `test_map_state_item_selector_singleton`
    /// and `test_base_integrations-DYNAMODB_PUT_QUERY`): the fields copied as
    /// written first, in the definition's order, then the `.$` fields in hash order.
    #[test]
    fn fields_copied_as_written_come_before_the_path_fields() {
        let out = run(
            json!({"original_input.$": "$", "iteration_input_value.$": "$$.Map.Item.Value",
                "iteration_index.$": "$$.Map.Item.Index", "from_input_constant.$": "$.c",
                "constant_value": "constant"}),
            json!({"c": 1}),
        )
        .unwrap();
        assert_eq!(
            keys(&out),
            [
                "constant_value",
                "iteration_input_value",
                "from_input_constant",
                "iteration_index",
                "original_input"
            ]
        );
        let out = run(
            json!({"TableName.$": "$.t", "KeyConditionExpression": "id = :id",
                "ExpressionAttributeValues": {":id": {"S": "1"}}}),
            json!({"t": "table"}),
        )
        .unwrap();
        assert_eq!(
            keys(&out),
            [
                "KeyConditionExpression",
                "ExpressionAttributeValues",
                "TableName"
            ]
        );
    }

    #[test]
    fn objects_with_dynamic_fields_come_out_in_hash_order() {
        let out = run(
            json!({"LambdaOutput.$": "$", "ContextObjectValue.$": "$$.Execution.Input"}),
            json!({"x": 1}),
        )
        .unwrap();
        assert_eq!(keys(&out), ["ContextObjectValue", "LambdaOutput"]);
        // No `.$` of its own: the definition's order, even with one below.
        let out = run(
            json!({"my_attribute_no_1": {"DataType": "String", "StringValue.$": "$.a"}, "my_attribute_no_2": 1, "Version": {"DataType": "Number", "StringValue": "1"}}),
            json!({"a": "x"}),
        )
        .unwrap();
        assert_eq!(
            keys(&out),
            ["my_attribute_no_1", "my_attribute_no_2", "Version"]
        );
        assert_eq!(keys(&out["my_attribute_no_1"]), ["DataType", "StringValue"]);
    }

    #[test]
    fn static_strings_that_look_dynamic_stay_strings() {
        let out = run(
            json!({"value.$": "$$.Map.Item.Value", "bucketName": "$bucket", "v.$": "$bucket"}),
            json!({}),
        )
        .unwrap();
        assert_eq!(
            out,
            json!({"bucketName": "$bucket", "value": 7, "v": "my-bucket"})
        );
    }

    #[test]
    fn paths_and_calls() {
        let out = run(
            json!({"all.$": "$.items[*].n", "none.$": "$.missing[*]", "fmt.$": "States.Format('{}-{}', $.items[0].n, $$.Execution.Name)", "arr": [1, {"x.$": "$.items[1]"}]}),
            json!({"items": [{"n": 1}, {"n": 2}]}),
        )
        .unwrap();
        assert_eq!(out["all"], json!([1, 2]));
        assert_eq!(out["none"], json!([]));
        assert_eq!(out["fmt"], json!("1-exec"));
        assert_eq!(out["arr"], json!([1, {"x": {"n": 2}}]));
    }

    #[test]
    fn missing_paths_fail_as_aws_says() {
        // scenarios.test_invalid_jsonpath: AWS's cause.
        let e = run(
            json!({"value.$": "$.no_such_jsonpath"}),
            json!({"int-literal": 0}),
        )
        .unwrap_err();
        assert_eq!(e.error, "States.Runtime");
        assert_eq!(
            e.cause,
            "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"int-literal\":0}'"
        );
        let e = run(
            json!({"value.$": "$$.Execution.Input.no_such_jsonpath"}),
            json!({"int-literal": 0}),
        )
        .unwrap_err();
        assert_eq!(
            e.cause,
            "The JSONPath '$$.Execution.Input.no_such_jsonpath' specified for the field 'value.$' could not be found in the input '{\"int-literal\":0}'"
        );
        let e = run(json!({"v.$": "States.ArrayLength($.nope)"}), json!({})).unwrap_err();
        assert_eq!(
            e.cause,
            "The JSONPath '$.nope' specified for the field 'v.$' could not be found in the input '{}'"
        );
    }

    #[test]
    fn compile_errors() {
        assert!(Template::compile(&json!({"a.$": 1})).is_err());
        assert!(Template::compile(&json!({"a.$": "States.Nope()"})).is_err());
        assert!(Template::compile(&json!({"a.$": "$.a["})).is_err());
        let mut deep = json!(1);
        for _ in 0..(MAX_TEMPLATE_DEPTH + 2) {
            deep = Value::Array(vec![deep]);
        }
        assert!(Template::compile(&deep).is_err());
        assert!(
            Template::compile(&json!({"a": {"b": [1, 2]}}))
                .unwrap()
                .is_static()
        );
    }
}

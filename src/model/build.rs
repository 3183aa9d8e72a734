use super::*;
use crate::load::Node;

/// `{pointer}{step}{key}`, the key escaped as a pointer token: one allocation.
fn join_key(pointer: &str, step: &str, key: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + step.len() + key.len() + 2);
    out.push_str(pointer);
    out.push_str(step);
    if key.contains(['~', '/']) {
        out.push_str(&key.replace('~', "~0").replace('/', "~1"));
    } else {
        out.push_str(key);
    }
    out
}

/// `{pointer}{step}{i}`: one allocation, no formatting machinery.
fn join_index(pointer: &str, step: &str, i: usize) -> String {
    let mut digits = [0u8; 20];
    let mut n = i;
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let digits = std::str::from_utf8(&digits[at..]).unwrap_or("0");
    let mut out = String::with_capacity(pointer.len() + step.len() + digits.len());
    out.push_str(pointer);
    out.push_str(step);
    out.push_str(digits);
    out
}

/// Builds the model of a definition's root object. Never fails; see the module doc.
pub fn build(root: &Node) -> StateMachine<'_> {
    let query_language = root
        .get("QueryLanguage")
        .and_then(Node::as_str)
        .and_then(QueryLanguage::parse)
        .unwrap_or(QueryLanguage::JsonPath);
    let mut b = Builder {
        scopes: Vec::new(),
        states: Vec::new(),
        machine_language: query_language,
    };
    b.scope(root, String::new(), ScopeKind::Root, query_language);
    StateMachine {
        root,
        query_language,
        scopes: b.scopes,
        states: b.states,
    }
}

struct Builder<'a> {
    scopes: Vec<Scope>,
    states: Vec<State<'a>>,
    /// States without their own `QueryLanguage` use the top level's, also inside
    /// Parallel branches and Map processors (not their enclosing state's).
    machine_language: QueryLanguage,
}

fn spanned_str(node: Option<&Node>) -> Option<Spanned<String>> {
    let n = node?;
    Some(Spanned {
        value: n.as_str()?.to_string(),
        span: n.span,
    })
}

fn error_equals(node: &Node) -> Vec<Spanned<String>> {
    node.get("ErrorEquals")
        .and_then(Node::as_array)
        .map(|items| items.iter().filter_map(|n| spanned_str(Some(n))).collect())
        .unwrap_or_default()
}

impl<'a> Builder<'a> {
    fn scope(
        &mut self,
        node: &'a Node,
        pointer: String,
        kind: ScopeKind,
        inherited: QueryLanguage,
    ) -> ScopeId {
        let id = self.scopes.len();
        self.scopes.push(Scope {
            id,
            kind,
            pointer: pointer.clone(),
            span: node.span,
            start_at: spanned_str(node.get("StartAt")),
            states: Vec::new(),
        });
        let Some(entries) = node.get("States").and_then(Node::as_object) else {
            return id;
        };
        // `"QueryLanguage": "JSONata"` written among the states (a published AWS sample
        // does this, and deploys) is read as the language of the scope, not as a state.
        let inherited = misplaced_query_language(node).unwrap_or(inherited);
        for entry in entries {
            if entry.key == "QueryLanguage" && entry.value.as_str().is_some() {
                continue;
            }
            let state_pointer = join_key(&pointer, "/States/", &entry.key);
            let sid = self.state(entry, state_pointer, id, inherited);
            self.scopes[id].states.push(sid);
        }
        id
    }

    fn state(
        &mut self,
        entry: &'a crate::load::Entry,
        pointer: String,
        scope: ScopeId,
        inherited: QueryLanguage,
    ) -> StateId {
        let node = &entry.value;
        let id = self.states.len();
        let query_language = node
            .get("QueryLanguage")
            .and_then(Node::as_str)
            .and_then(QueryLanguage::parse)
            .unwrap_or(inherited);
        let state_type = node.get("Type").and_then(|t| {
            Some(Spanned {
                value: StateType::parse(t.as_str()?),
                span: t.span,
            })
        });
        let retry = node
            .get("Retry")
            .and_then(Node::as_array)
            .map(|items| {
                items
                    .iter()
                    .enumerate()
                    .map(|(i, r)| Retrier {
                        pointer: join_index(&pointer, "/Retry/", i),
                        span: r.span,
                        error_equals: error_equals(r),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let catch = node
            .get("Catch")
            .and_then(Node::as_array)
            .map(|items| {
                items
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Catcher {
                        pointer: join_index(&pointer, "/Catch/", i),
                        span: c.span,
                        error_equals: error_equals(c),
                        next: spanned_str(c.get("Next")),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let is_choice = state_type
            .as_ref()
            .is_some_and(|t| t.value == StateType::Choice);
        let choices = if is_choice {
            node.get("Choices")
                .and_then(Node::as_array)
                .map(|items| {
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, r)| {
                            let p = join_index(&pointer, "/Choices/", i);
                            ChoiceRule {
                                pointer: p.clone(),
                                span: r.span,
                                next: spanned_str(r.get("Next")),
                                condition: condition(r, p),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        self.states.push(State {
            id,
            scope,
            name: entry.key.to_string(),
            name_span: entry.key_span,
            pointer: pointer.clone(),
            node,
            state_type: state_type.clone(),
            query_language,
            next: spanned_str(node.get("Next")),
            end: node.get("End").and_then(Node::as_bool).unwrap_or(false),
            retry,
            catch,
            choices,
            default: if is_choice {
                spanned_str(node.get("Default"))
            } else {
                None
            },
            resource: spanned_str(node.get("Resource")),
            branches: Vec::new(),
            processor: None,
        });
        match state_type.as_ref().map(|t| &t.value) {
            Some(StateType::Parallel) => {
                if let Some(branches) = node.get("Branches").and_then(Node::as_array) {
                    let ids = branches
                        .iter()
                        .enumerate()
                        .map(|(i, b)| {
                            self.scope(
                                b,
                                join_index(&pointer, "/Branches/", i),
                                ScopeKind::Branch {
                                    parallel: id,
                                    index: i,
                                },
                                self.machine_language,
                            )
                        })
                        .collect();
                    self.states[id].branches = ids;
                }
            }
            Some(StateType::Map) => {
                let field = ["ItemProcessor", "Iterator"]
                    .into_iter()
                    .find(|f| node.get(f).is_some());
                if let Some(field) = field {
                    let processor = node.get(field).expect("field found above");
                    let sid = self.scope(
                        processor,
                        format!("{pointer}/{field}"),
                        ScopeKind::ItemProcessor { map: id },
                        self.machine_language,
                    );
                    self.states[id].processor = Some(sid);
                }
            }
            _ => {}
        }
        id
    }
}

/// The language named by a `QueryLanguage` string member of a scope's `States`.
pub fn misplaced_query_language(scope: &Node) -> Option<QueryLanguage> {
    scope
        .get("States")?
        .get("QueryLanguage")?
        .as_str()
        .and_then(QueryLanguage::parse)
}

/// The comparison operators of JSONPath Choice rules.
pub const COMPARISON_OPERATORS: &[&str] = &[
    "BooleanEquals",
    "BooleanEqualsPath",
    "IsBoolean",
    "IsNull",
    "IsNumeric",
    "IsPresent",
    "IsString",
    "IsTimestamp",
    "NumericEquals",
    "NumericEqualsPath",
    "NumericGreaterThan",
    "NumericGreaterThanPath",
    "NumericGreaterThanEquals",
    "NumericGreaterThanEqualsPath",
    "NumericLessThan",
    "NumericLessThanPath",
    "NumericLessThanEquals",
    "NumericLessThanEqualsPath",
    "StringEquals",
    "StringEqualsPath",
    "StringGreaterThan",
    "StringGreaterThanPath",
    "StringGreaterThanEquals",
    "StringGreaterThanEqualsPath",
    "StringLessThan",
    "StringLessThanPath",
    "StringLessThanEquals",
    "StringLessThanEqualsPath",
    "StringMatches",
    "TimestampEquals",
    "TimestampEqualsPath",
    "TimestampGreaterThan",
    "TimestampGreaterThanPath",
    "TimestampGreaterThanEquals",
    "TimestampGreaterThanEqualsPath",
    "TimestampLessThan",
    "TimestampLessThanPath",
    "TimestampLessThanEquals",
    "TimestampLessThanEqualsPath",
];

fn condition(node: &Node, pointer: String) -> Condition {
    let invalid = || Condition::Invalid {
        pointer: pointer.clone(),
    };
    if let Some(expr) = spanned_str(node.get("Condition")) {
        return Condition::Jsonata {
            pointer,
            expression: expr,
        };
    }
    let list = |key: &str| -> Option<Vec<Condition>> {
        let items = node.get(key)?.as_array()?;
        let step = format!("/{key}/");
        Some(
            items
                .iter()
                .enumerate()
                .map(|(i, c)| condition(c, join_index(&pointer, &step, i)))
                .collect(),
        )
    };
    if node.get("And").is_some() {
        return list("And").map(Condition::And).unwrap_or_else(invalid);
    }
    if node.get("Or").is_some() {
        return list("Or").map(Condition::Or).unwrap_or_else(invalid);
    }
    if let Some(inner) = node.get("Not") {
        return Condition::Not(Box::new(condition(inner, join_key(&pointer, "/", "Not"))));
    }
    let Some(entries) = node.as_object() else {
        return invalid();
    };
    match entries
        .iter()
        .find(|e| COMPARISON_OPERATORS.contains(&e.key.as_str()))
    {
        Some(op) => Condition::Compare {
            pointer: pointer.clone(),
            variable: spanned_str(node.get("Variable")),
            operator: Spanned {
                value: op.key.to_string(),
                span: op.key_span,
            },
            operand: op.value.clone(),
        },
        None => invalid(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse_json;

    #[test]
    fn a_query_language_among_the_states_sets_the_scopes_language() {
        let root = parse_json(
            r#"{"StartAt":"A","States":{"QueryLanguage":"JSONata","A":{"Type":"Pass","End":true}}}"#,
        )
        .unwrap();
        let m = build(&root);
        assert_eq!(m.states.len(), 1);
        assert_eq!(m.states[0].query_language, QueryLanguage::Jsonata);
    }

    #[test]
    fn nested_states_default_to_the_top_level_language_not_their_parents() {
        let root = parse_json(
            r#"{"StartAt":"M","States":{"M":{"Type":"Map","QueryLanguage":"JSONata","End":true,
               "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}}}}}"#,
        )
        .unwrap();
        let m = build(&root);
        assert_eq!(m.states[0].query_language, QueryLanguage::Jsonata);
        assert_eq!(m.states[1].query_language, QueryLanguage::JsonPath);
    }

    #[test]
    fn builds_scopes_states_and_transitions() {
        let root = parse_json(
            r#"{"StartAt":"P","States":{
              "P":{"Type":"Parallel","Next":"C","Branches":[{"StartAt":"B1","States":{"B1":{"Type":"Pass","End":true}}}]},
              "C":{"Type":"Choice","Choices":[{"Variable":"$.x","NumericEquals":1,"Next":"M"}],"Default":"F"},
              "M":{"Type":"Map","ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Succeed"}}},"End":true,
                   "Catch":[{"ErrorEquals":["States.ALL"],"Next":"F"}]},
              "F":{"Type":"Fail"}}}"#,
        )
        .unwrap();
        let m = build(&root);
        assert_eq!(m.scopes.len(), 3);
        assert_eq!(m.scopes[0].states.len(), 4);
        let names: Vec<_> = m.states.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["P", "B1", "C", "M", "I", "F"]);
        let c = &m.states[2];
        let targets: Vec<_> = c
            .transitions()
            .iter()
            .map(|t| t.target.value.clone())
            .collect();
        assert_eq!(targets, ["M", "F"]);
        assert_eq!(c.transitions()[0].pointer, "/States/C/Choices/0/Next");
        assert!(matches!(c.choices[0].condition, Condition::Compare { .. }));
        assert_eq!(m.states[3].processor, Some(2));
        assert_eq!(m.scopes[2].pointer, "/States/M/ItemProcessor");
        assert_eq!(m.states[3].transitions()[0].via, Via::Catch(0));
    }
}

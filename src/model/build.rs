use super::*;
use crate::load::Node;

/// `{pointer}{step}{key}`, the key escaped as a pointer token: one allocation.
fn join_key(pointer: &str, step: &str, key: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + step.len() + key.len() + 2);
    out.push_str(pointer);
    out.push_str(step);
    if key.bytes().any(|b| b == b'~' || b == b'/') {
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

/// The state members the model reads.
const STATE_FIELDS: [&str; 12] = [
    "QueryLanguage",
    "Type",
    "Retry",
    "Catch",
    "Choices",
    "Next",
    "End",
    "Default",
    "Resource",
    "Branches",
    "ItemProcessor",
    "Iterator",
];

/// The index of a key in [`STATE_FIELDS`], for [`Node::get_by`].
fn state_field(key: &str) -> Option<usize> {
    Some(match key {
        "QueryLanguage" => 0,
        "Type" => 1,
        "Retry" => 2,
        "Catch" => 3,
        "Choices" => 4,
        "Next" => 5,
        "End" => 6,
        "Default" => 7,
        "Resource" => 8,
        "Branches" => 9,
        "ItemProcessor" => 10,
        "Iterator" => 11,
        _ => return None,
    })
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
        // States are large: growing the list as nested scopes add theirs copied them
        // over and over (a fifth of building the model).
        states: Vec::with_capacity(count_states(root)),
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

/// An upper bound of the number of states [`build`] finds under a scope (a capacity only).
fn count_states(scope: &Node) -> usize {
    let Some(entries) = scope.get("States").and_then(Node::as_object) else {
        return 0;
    };
    let mut count = 0;
    for entry in entries {
        count += 1;
        let [branches, processor, iterator] =
            entry
                .value
                .get_many(&["Branches", "ItemProcessor", "Iterator"]);
        if let Some(branches) = branches.and_then(Node::as_array) {
            count += branches.iter().map(count_states).sum::<usize>();
        }
        if let Some(processor) = processor.or(iterator) {
            count += count_states(processor);
        }
    }
    count
}

struct Builder<'a> {
    scopes: Vec<Scope<'a>>,
    states: Vec<State<'a>>,
    /// States without their own `QueryLanguage` use the top level's, also inside
    /// Parallel branches and Map processors (not their enclosing state's).
    machine_language: QueryLanguage,
}

fn spanned_str(node: Option<&Node>) -> Option<Spanned<&str>> {
    let n = node?;
    Some(Spanned {
        value: n.as_str()?,
        span: n.span,
    })
}

fn error_equals(node: &Node) -> Vec<Spanned<&str>> {
    node.get("ErrorEquals").map(error_list).unwrap_or_default()
}

fn error_list(list: &Node) -> Vec<Spanned<&str>> {
    list.as_array()
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
        let [start_at, states] = node.get_many(&["StartAt", "States"]);
        let Some(entries) = states.and_then(Node::as_object) else {
            self.scopes.push(Scope {
                id,
                kind,
                pointer,
                span: node.span,
                start_at: spanned_str(start_at),
                states: Vec::new(),
            });
            return id;
        };
        self.scopes.push(Scope {
            id,
            kind,
            pointer: pointer.clone(),
            span: node.span,
            start_at: spanned_str(start_at),
            states: Vec::with_capacity(entries.len()),
        });
        // `"QueryLanguage": "JSONata"` written among the states (a published AWS sample
        // does this, and deploys) is read as the language of the scope, not as a state.
        let inherited = states
            .and_then(|s| s.get("QueryLanguage"))
            .and_then(Node::as_str)
            .and_then(QueryLanguage::parse)
            .unwrap_or(inherited);
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
        // One pass over the state's members for every field the model reads.
        let [
            ql_field,
            type_field,
            retry_field,
            catch_field,
            choices_field,
            next_field,
            end_field,
            default_field,
            resource_field,
            branches_field,
            processor_field,
            iterator_field,
        ] = node.get_by::<{ STATE_FIELDS.len() }>(state_field);
        let query_language = ql_field
            .and_then(Node::as_str)
            .and_then(QueryLanguage::parse)
            .unwrap_or(inherited);
        let state_type = type_field.and_then(|t| {
            Some(Spanned {
                value: StateType::parse(t.as_str()?),
                span: t.span,
            })
        });
        let retry = retry_field
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
        let catch = catch_field
            .and_then(Node::as_array)
            .map(|items| {
                items
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let [errors, next] = c.get_many(&["ErrorEquals", "Next"]);
                        Catcher {
                            pointer: join_index(&pointer, "/Catch/", i),
                            span: c.span,
                            error_equals: errors.map(error_list).unwrap_or_default(),
                            next: spanned_str(next),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let kind = state_type.as_ref().map(|t| &t.value);
        let is_choice = kind == Some(&StateType::Choice);
        let choices = if is_choice {
            choices_field
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
        let is_parallel = kind == Some(&StateType::Parallel);
        let is_map = kind == Some(&StateType::Map);
        let branch_pointers: Vec<String> = match branches_field.and_then(Node::as_array) {
            Some(branches) if is_parallel => (0..branches.len())
                .map(|i| join_index(&pointer, "/Branches/", i))
                .collect(),
            _ => Vec::new(),
        };
        let processor = if is_map {
            match (processor_field, iterator_field) {
                (Some(p), _) => Some((p, join_key(&pointer, "/", "ItemProcessor"))),
                (None, Some(p)) => Some((p, join_key(&pointer, "/", "Iterator"))),
                (None, None) => None,
            }
        } else {
            None
        };
        self.states.push(State {
            id,
            scope,
            name: &entry.key,
            name_span: entry.key_span,
            pointer,
            node,
            state_type,
            query_language,
            next: spanned_str(next_field),
            end: end_field.and_then(Node::as_bool).unwrap_or(false),
            retry,
            catch,
            choices,
            default: if is_choice {
                spanned_str(default_field)
            } else {
                None
            },
            resource: spanned_str(resource_field),
            branches: Vec::new(),
            processor: None,
        });
        if is_parallel && let Some(branches) = branches_field.and_then(Node::as_array) {
            let ids = branches
                .iter()
                .zip(branch_pointers)
                .enumerate()
                .map(|(i, (b, p))| {
                    self.scope(
                        b,
                        p,
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
        if let Some((processor, p)) = processor {
            let sid = self.scope(
                processor,
                p,
                ScopeKind::ItemProcessor { map: id },
                self.machine_language,
            );
            self.states[id].processor = Some(sid);
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

/// `COMPARISON_OPERATORS.contains(&key)`, most keys (`Variable`, `Next`) told
/// apart by their first letter: every operator starts with B, I, N, S or T.
fn is_operator(key: &str) -> bool {
    matches!(
        key.as_bytes().first(),
        Some(b'B' | b'I' | b'N' | b'S' | b'T')
    ) && COMPARISON_OPERATORS.contains(&key)
}

fn condition<'a>(node: &'a Node, pointer: String) -> Condition<'a> {
    let [jsonata, and, or, not, variable] =
        node.get_many(&["Condition", "And", "Or", "Not", "Variable"]);
    if let Some(expr) = spanned_str(jsonata) {
        return Condition::Jsonata {
            pointer,
            expression: expr,
        };
    }
    let list = |items: &'a Node, step: &str| -> Option<Vec<Condition<'a>>> {
        let items = items.as_array()?;
        Some(
            items
                .iter()
                .enumerate()
                .map(|(i, c)| condition(c, join_index(&pointer, step, i)))
                .collect(),
        )
    };
    if let Some(and) = and {
        return match list(and, "/And/") {
            Some(list) => Condition::And(list),
            None => Condition::Invalid { pointer },
        };
    }
    if let Some(or) = or {
        return match list(or, "/Or/") {
            Some(list) => Condition::Or(list),
            None => Condition::Invalid { pointer },
        };
    }
    if let Some(inner) = not {
        return Condition::Not(Box::new(condition(inner, join_key(&pointer, "/", "Not"))));
    }
    let Some(entries) = node.as_object() else {
        return Condition::Invalid { pointer };
    };
    match entries.iter().find(|e| is_operator(&e.key)) {
        Some(op) => Condition::Compare {
            variable: spanned_str(variable),
            operator: Spanned {
                value: &op.key,
                span: op.key_span,
            },
            operand: &op.value,
            pointer,
        },
        None => Condition::Invalid { pointer },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse_json;

    #[test]
    fn state_field_finds_each_key_where_the_list_has_it() {
        crate::validate::testing::assert_key_index(&STATE_FIELDS, state_field);
    }

    #[test]
    fn operators_start_with_the_letters_is_operator_looks_for() {
        for op in COMPARISON_OPERATORS {
            assert!(is_operator(op), "{op}");
        }
        assert!(!is_operator("Variable") && !is_operator("Next") && !is_operator(""));
    }

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
        let names: Vec<_> = m.states.iter().map(|s| s.name).collect();
        assert_eq!(names, ["P", "B1", "C", "M", "I", "F"]);
        let c = &m.states[2];
        let targets: Vec<_> = c.transitions().iter().map(|t| t.target.value).collect();
        assert_eq!(targets, ["M", "F"]);
        assert_eq!(c.transitions()[0].pointer, "/States/C/Choices/0/Next");
        assert!(matches!(c.choices[0].condition, Condition::Compare { .. }));
        assert_eq!(m.states[3].processor, Some(2));
        assert_eq!(m.scopes[2].pointer, "/States/M/ItemProcessor");
        assert_eq!(m.states[3].transitions()[0].via, Via::Catch(0));
    }
}

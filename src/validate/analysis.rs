//! What several rules need from one definition, worked out once: every field
//! of the payload templates of JSONPath states with its parsed `.$` value, and
//! every intrinsic call with its problems. Built on first use through
//! [`super::Context::analysis`]; rules then only iterate and check.
//!
//! JSON pointers are built only when a diagnostic needs one: each site keeps
//! a link to its parent and the step from it ([`Analysis::pointer`]). Each
//! distinct `.$` text is parsed and checked once, however often it is written.

use crate::dataflow::intrinsic::{self, Problem};
use crate::dataflow::path;
use crate::dataflow::sites::{self, Dynamic, DynamicError};
use crate::load::{Entry, Node, NodeKind, pointer_token};
use crate::model::{QueryLanguage, StateId, StateMachine};
use crate::validate::rules::graph::NameMap;

/// A place in the definition whose pointer can be built: see [`Analysis::pointer`].
pub type At = u32;

const NO_PARENT: At = At::MAX;

#[derive(Clone, Copy)]
enum Step<'a> {
    /// The state's own pointer (`/States/A`).
    State(StateId),
    /// A field name the code spells (`Parameters`).
    Name(&'static str),
    /// A key from the definition, escaped when the pointer is built.
    Key(&'a str),
    Index(usize),
}

struct Link<'a> {
    parent: At,
    step: Step<'a>,
}

/// One member of a payload template of a JSONPath state (at any depth).
pub struct TemplateField<'a> {
    pub state: StateId,
    pub entry: &'a Entry,
    /// For a `.$` member holding a string: its entry in [`Analysis::parsed`].
    pub parsed: Option<u32>,
    pub at: At,
}

impl TemplateField<'_> {
    /// Whether the key ends in `.$`: the value is evaluated.
    pub fn is_dynamic(&self) -> bool {
        self.entry.key.ends_with(".$")
    }
}

/// What a `.$` text parses to, and for a call every problem [`intrinsic::check`] finds in it.
pub struct Parsed {
    pub dynamic: Result<Dynamic, DynamicError>,
    pub problems: Vec<Problem>,
}

/// An intrinsic call of a JSONPath state (in a `.$` template field, `ErrorPath`
/// or `CausePath`): see [`Analysis::problems`].
pub struct CallSite<'a> {
    pub state: StateId,
    /// The string holding the call.
    pub node: &'a Node,
    pub at: At,
    /// Its entry in [`Analysis::parsed`].
    parsed: u32,
}

pub struct Analysis<'a> {
    machine: &'a StateMachine<'a>,
    links: Vec<Link<'a>>,
    /// In state order, then template order (as [`sites::payload_templates`]),
    /// then document order (as [`sites::fields`]).
    pub fields: Vec<TemplateField<'a>>,
    /// In state order; in a state, as [`sites::intrinsic_calls`] lists them.
    pub calls: Vec<CallSite<'a>>,
    /// Each distinct `.$` text (and intrinsic call in `ErrorPath`/`CausePath`), parsed.
    pub parsed: Vec<Parsed>,
    known: NameMap<'a, u32>,
    /// [`Analysis::template`]'s work list, kept between templates.
    stack: Vec<(&'a Node, At)>,
}

/// The state members read: the template fields ([`sites::TEMPLATE_FIELDS`]), then the others.
const FIELDS: [&str; 12] = [
    "Parameters",
    "ResultSelector",
    "ItemSelector",
    "Assign",
    "Credentials",
    "ItemReader",
    "ResultWriter",
    "ItemBatcher",
    "Choices",
    "Catch",
    "ErrorPath",
    "CausePath",
];

/// The index of a key in [`FIELDS`], for [`Node::get_by`]: one pass over a state's members.
fn field(key: &str) -> Option<usize> {
    Some(match key {
        "Parameters" => 0,
        "ResultSelector" => 1,
        "ItemSelector" => 2,
        "Assign" => 3,
        "Credentials" => 4,
        "ItemReader" => 5,
        "ResultWriter" => 6,
        "ItemBatcher" => 7,
        "Choices" => 8,
        "Catch" => 9,
        "ErrorPath" => 10,
        "CausePath" => 11,
        _ => return None,
    })
}

impl<'a> Analysis<'a> {
    pub fn new(machine: &'a StateMachine<'a>) -> Analysis<'a> {
        // Room for a typical definition's sites: growing the lists copied them over and over.
        let states = machine.states.len();
        let mut a = Analysis {
            machine,
            links: Vec::with_capacity(states * 16),
            fields: Vec::with_capacity(states * 8),
            calls: Vec::new(),
            parsed: Vec::new(),
            known: NameMap::default(),
            stack: Vec::new(),
        };
        for state in &machine.states {
            if state.query_language != QueryLanguage::JsonPath {
                continue;
            }
            let sid = state.id;
            let n = state.node;
            let base = a.link(NO_PARENT, Step::State(sid));
            // Two passes over the state's members for every field read below.
            let [
                t0,
                t1,
                t2,
                t3,
                t4,
                item_reader,
                result_writer,
                item_batcher,
                choices,
                catch,
                error_path,
                cause_path,
            ] = n.get_by::<{ FIELDS.len() }>(field);
            let templates = [t0, t1, t2, t3, t4];
            for (field, t) in crate::dataflow::sites::TEMPLATE_FIELDS
                .into_iter()
                .zip(templates)
            {
                if let Some(t) = t {
                    a.template(sid, t, base, &[Step::Name(field)]);
                }
            }
            for (outer, inner, o) in [
                ("ItemReader", "Parameters", item_reader),
                ("ResultWriter", "Parameters", result_writer),
                ("ItemBatcher", "BatchInput", item_batcher),
            ] {
                if let Some(t) = o.and_then(|o| o.get(inner)) {
                    a.template(sid, t, base, &[Step::Name(outer), Step::Name(inner)]);
                }
            }
            for (list, l) in [("Choices", choices), ("Catch", catch)] {
                if let Some(items) = l.and_then(Node::as_array) {
                    for (i, item) in items.iter().enumerate() {
                        if let Some(t) = item.get("Assign") {
                            let steps = [Step::Name(list), Step::Index(i), Step::Name("Assign")];
                            a.template(sid, t, base, &steps);
                        }
                    }
                }
            }
            for (key, field) in [("ErrorPath", error_path), ("CausePath", cause_path)] {
                if let Some(node) = field
                    && let Some(s) = node.as_str()
                    && !path::looks_like_path(s.trim_start())
                {
                    // Not a path: the text parses as a `.$` value would, as a call.
                    let parsed = a.parse(s);
                    if matches!(a.parsed[parsed as usize].dynamic, Ok(Dynamic::Call(_))) {
                        let at = a.link(base, Step::Name(key));
                        a.calls.push(CallSite {
                            state: sid,
                            node,
                            at,
                            parsed,
                        });
                    }
                }
            }
        }
        a
    }

    fn link(&mut self, parent: At, step: Step<'a>) -> At {
        self.links.push(Link { parent, step });
        (self.links.len() - 1) as At
    }

    /// The fields of one template, as [`sites::fields`] walks them, and its calls.
    fn template(&mut self, state: StateId, node: &'a Node, base: At, steps: &[Step<'a>]) {
        if node.as_object().is_none() {
            return;
        }
        let mut at = base;
        for &step in steps {
            at = self.link(at, step);
        }
        let first = self.fields.len();
        // An explicit stack: the depth of the template is the user's.
        let mut stack = std::mem::take(&mut self.stack);
        stack.push((node, at));
        while let Some((node, at)) = stack.pop() {
            match &node.kind {
                NodeKind::Object(entries) => {
                    for entry in entries.iter().rev() {
                        let child = self.link(at, Step::Key(&entry.key));
                        if !entry.key.ends_with(".$") {
                            stack.push((&entry.value, child));
                        }
                        self.fields.push(TemplateField {
                            state,
                            entry,
                            parsed: None,
                            at: child,
                        });
                    }
                }
                NodeKind::Array(items) => {
                    for (i, item) in items.iter().enumerate().rev() {
                        let child = self.link(at, Step::Index(i));
                        stack.push((item, child));
                    }
                }
                _ => {}
            }
        }
        self.stack = stack;
        // The stack visits children before later siblings; restore document order.
        self.fields[first..].sort_by_key(|f| f.entry.key_span.start);
        for i in first..self.fields.len() {
            let field = &self.fields[i];
            if !field.is_dynamic() {
                continue;
            }
            let entry = field.entry;
            let at = field.at;
            let Some(s) = entry.value.as_str() else {
                continue;
            };
            let parsed = self.parse(s);
            if matches!(self.parsed[parsed as usize].dynamic, Ok(Dynamic::Call(_))) {
                self.calls.push(CallSite {
                    state,
                    node: &entry.value,
                    at,
                    parsed,
                });
            }
            self.fields[i].parsed = Some(parsed);
        }
    }

    /// Parses (and checks) a `.$` text, once per distinct text.
    fn parse(&mut self, text: &'a str) -> u32 {
        if let Some(&i) = self.known.get(text) {
            return i;
        }
        let dynamic = sites::parse_dynamic(text);
        let problems = match &dynamic {
            Ok(Dynamic::Call(call)) => intrinsic::check(call),
            _ => Vec::new(),
        };
        self.parsed.push(Parsed { dynamic, problems });
        let i = (self.parsed.len() - 1) as u32;
        self.known.insert(text, i);
        i
    }

    /// What a template field's `.$` text parses to (`None` unless it is a `.$` string).
    pub fn dynamic(&self, field: &TemplateField<'_>) -> Option<&Result<Dynamic, DynamicError>> {
        field.parsed.map(|i| &self.parsed[i as usize].dynamic)
    }

    /// The problems of an intrinsic call.
    pub fn problems(&self, site: &CallSite<'_>) -> &[Problem] {
        &self.parsed[site.parsed as usize].problems
    }

    /// The JSON pointer of a site.
    pub fn pointer(&self, at: At) -> String {
        let mut steps = Vec::new();
        let mut i = at;
        while i != NO_PARENT {
            let link = &self.links[i as usize];
            steps.push(link.step);
            i = link.parent;
        }
        let mut out = String::new();
        for step in steps.iter().rev() {
            match *step {
                Step::State(sid) => out.push_str(&self.machine.states[sid].pointer),
                Step::Name(name) => {
                    out.push('/');
                    out.push_str(name);
                }
                Step::Key(key) => {
                    out.push('/');
                    out.push_str(&pointer_token(key));
                }
                Step::Index(i) => {
                    out.push('/');
                    out.push_str(&i.to_string());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::parse_json;
    use crate::model::build;

    /// The analysis lists what `sites` finds, in the same order, with the same pointers.
    #[test]
    fn field_finds_each_key_where_the_list_has_it() {
        assert_eq!(FIELDS[..5], sites::TEMPLATE_FIELDS);
        crate::validate::testing::assert_key_index(&FIELDS, field);
    }

    #[test]
    fn agrees_with_sites() {
        let root = parse_json(
            r#"{"StartAt":"A","States":{
              "A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Next":"C",
                   "Parameters":{"a/b~c":{"b.$":"$.x","c":[{"d.$":"States.UUID(1)"},2,[{"e":"f"}]]},"g":1},
                   "ResultSelector":{"n.$":5},"ItemReader":{"Parameters":{"k.$":"nope"}},
                   "Catch":[{"ErrorEquals":["States.ALL"],"Next":"C","Assign":{"v.$":"States.Format('{}')"}}]},
              "C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"F","Assign":{"w":"$.q"}}],"Default":"F"},
              "J":{"Type":"Pass","QueryLanguage":"JSONata","Assign":{"x.$":"$.y"},"End":true},
              "F":{"Type":"Fail","CausePath":"States.JsonMerge($.a, $.b)"}}}"#,
        )
        .unwrap();
        let m = build(&root);
        let a = Analysis::new(&m);
        let mut expected_fields = Vec::new();
        let mut expected_calls = Vec::new();
        for state in m
            .states
            .iter()
            .filter(|s| s.query_language == QueryLanguage::JsonPath)
        {
            for t in sites::payload_templates(state) {
                for f in sites::fields(&t) {
                    expected_fields.push(f.pointer);
                }
            }
            for (p, _, call) in sites::intrinsic_calls(state) {
                expected_calls.push((p, intrinsic::check(&call).len()));
            }
        }
        let fields: Vec<_> = a.fields.iter().map(|f| a.pointer(f.at)).collect();
        assert_eq!(fields, expected_fields);
        assert!(fields.contains(&"/States/A/Parameters/a~1b~0c/c/0/d.$".to_string()));
        let calls: Vec<_> = a
            .calls
            .iter()
            .map(|c| (a.pointer(c.at), a.problems(c).len()))
            .collect();
        assert_eq!(calls, expected_calls);
        assert_eq!(calls.len(), 3);
    }
}

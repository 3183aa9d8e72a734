//! Validation: every rule in [`registry::RULES`] runs over the model of one
//! definition and reports [`Diagnostic`]s.
//!
//! Each rule lives in its own file under `rules/`, with a doc comment saying
//! what it checks, why, and an example; `sfn explain CODE` and the README's
//! rule table are generated from those same docs.

pub mod analysis;
pub mod registry;

pub mod rules;

use std::cell::OnceCell;

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{Definition, Node, Span};
use crate::model::{self, ScopeId, ScopeKind, StateId, StateMachine};

/// A validation rule. Declare one with [`declare_rule!`].
pub struct Rule {
    /// Our name for the check, also its file name: `next-target-exists`.
    pub id: &'static str,
    /// The code it reports: AWS's where AWS has one. Several rules may share one.
    pub code: &'static str,
    pub severity: Severity,
    /// One line: what the rule checks.
    pub summary: &'static str,
    /// The rule's doc comment (Markdown).
    pub doc: &'static str,
    pub check: fn(&Context<'_>, &mut Vec<Diagnostic>),
}

impl Rule {
    /// A diagnostic of this rule's code and severity.
    pub fn diag(
        &self,
        location: impl Into<String>,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(self.severity, self.code, location, span, message)
    }
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.id)
            .field("code", &self.code)
            .finish()
    }
}

/// Declares a rule: the doc comment becomes both rustdoc and the rule's `doc`.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it checks
///     /// ...
///     pub static RULE = Rule { id: "x", code: "X", severity: Severity::Error, summary: "...", check };
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = Rule { $($field:ident $(: $value:expr)?),* $(,)? };
    ) => {
        $(#[doc = $doc])*
        pub static $name: $crate::validate::Rule = $crate::validate::Rule {
            doc: concat!($($doc, "\n"),*),
            $($field $(: $value)?),*
        };
    };
}

/// What a rule sees.
pub struct Context<'a> {
    pub definition: &'a Definition,
    pub machine: &'a StateMachine<'a>,
    analysis: OnceCell<analysis::Analysis<'a>>,
    graphs: OnceCell<Vec<rules::graph::ScopeGraph<'a>>>,
    task_arns: OnceCell<Vec<Option<TaskArn<'a>>>>,
}

/// A Task state's parsed `Resource` (see [`Context::task_arn`]).
pub type TaskArn<'a> = Result<rules::task_resource::ResourceArn<'a>, String>;

impl<'a> Context<'a> {
    pub fn new(definition: &'a Definition, machine: &'a StateMachine<'a>) -> Self {
        Context {
            definition,
            machine,
            analysis: OnceCell::new(),
            graphs: OnceCell::new(),
            task_arns: OnceCell::new(),
        }
    }
    /// The parsed `Resource` of a Task state, unless it is missing or dynamic
    /// (`{% ... %}`, `${...}`): parsed once for the rules that read it.
    pub fn task_arn(&self, state: StateId) -> Option<&TaskArn<'a>> {
        self.task_arns
            .get_or_init(|| {
                let m: &'a StateMachine<'a> = self.machine;
                m.states
                    .iter()
                    .map(|s| {
                        let resource = s.resource.as_ref()?;
                        (s.is(&model::StateType::Task)
                            && !rules::task_resource::is_dynamic(resource.value))
                        .then(|| rules::task_resource::parse(resource.value))
                    })
                    .collect()
            })
            .get(state)?
            .as_ref()
    }
    /// The template fields and intrinsic calls of the JSONPath states, worked out once.
    pub fn analysis(&self) -> &analysis::Analysis<'a> {
        self.analysis
            .get_or_init(|| analysis::Analysis::new(self.machine))
    }
    /// The transition graph of every scope, by scope id, built once.
    pub fn graphs(&self) -> &[rules::graph::ScopeGraph<'a>] {
        self.graphs.get_or_init(|| {
            self.machine
                .scopes
                .iter()
                .map(|scope| rules::graph::ScopeGraph::new(self.machine, scope))
                .collect()
        })
    }
    pub fn root(&self) -> &'a Node {
        &self.definition.root
    }
    /// `self.root().pointer(&state.pointer)`, without walking the tree when the
    /// state's own node is the answer: when it, and the states enclosing it, are the
    /// first of their names in their scopes (a pointer resolves to the first of
    /// duplicated keys).
    pub fn state_node(&self, state: StateId) -> Option<&'a Node> {
        if self.is_first_of_name(state) {
            Some(self.machine.states[state].node)
        } else {
            self.root().pointer(&self.machine.states[state].pointer)
        }
    }
    /// `self.root().pointer(&scope.pointer)`, as [`Context::state_node`] does it.
    pub fn scope_node(&self, scope: ScopeId) -> Option<&'a Node> {
        let m = self.machine;
        let s = m.scopes.get(scope)?;
        let owner = match s.kind {
            ScopeKind::Root => return Some(self.root()),
            ScopeKind::Branch { parallel, .. } => parallel,
            ScopeKind::ItemProcessor { map } => map,
        };
        if !self.is_first_of_name(owner) {
            return self.root().pointer(&s.pointer);
        }
        let node = m.states[owner].node;
        match s.kind {
            ScopeKind::Branch { index, .. } => node.get("Branches")?.as_array()?.get(index),
            _ if s.pointer.ends_with("/Iterator") => node.get("Iterator"),
            _ => node.get("ItemProcessor"),
        }
    }
    /// Whether the state's pointer names its own node.
    fn is_first_of_name(&self, state: StateId) -> bool {
        let m = self.machine;
        let mut sid = state;
        loop {
            let s = &m.states[sid];
            // A `QueryLanguage` string among the states is no state, yet a pointer finds it.
            if s.name == "QueryLanguage" {
                return false;
            }
            let g = &self.graphs()[s.scope];
            if g.index.get(s.name).map(|&i| g.ids[i]) != Some(sid) {
                return false;
            }
            match m.scopes[s.scope].kind {
                ScopeKind::Root => return true,
                ScopeKind::Branch {
                    parallel: owner, ..
                }
                | ScopeKind::ItemProcessor { map: owner } => sid = owner,
            }
        }
    }
    /// The span of the value at `pointer`, or the closest enclosing value that exists.
    pub fn span_of(&self, pointer: &str) -> Span {
        let mut p = pointer;
        loop {
            if let Some(n) = self.root().pointer(p) {
                return n.span;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return self.root().span,
            }
        }
    }
    /// The span of the key of the member at `pointer` (its value's span if it has no key).
    pub fn key_span_of(&self, pointer: &str) -> Span {
        if let Some(i) = pointer.rfind('/') {
            let key = crate::load::unescape_token(&pointer[i + 1..]);
            if let Some(e) = self
                .root()
                .pointer(&pointer[..i])
                .and_then(|p| p.entry(&key))
            {
                return e.key_span;
            }
        }
        self.span_of(pointer)
    }
}

/// Builds what validation builds once per process (the compiled schema), so a
/// caller can do it on another thread while it loads files.
pub fn prepare() {
    rules::schema::prepare();
}

/// Validates one definition: every rule, then load-time diagnostics, ordered by position.
pub fn validate(definition: &Definition) -> Vec<Diagnostic> {
    let machine = model::build(&definition.root);
    validate_model(definition, &machine)
}

/// As [`validate`], with the model already built.
pub fn validate_model(definition: &Definition, machine: &StateMachine<'_>) -> Vec<Diagnostic> {
    let ctx = Context::new(definition, machine);
    let mut out = definition.diagnostics.clone();
    // The schema rule goes last: its compiled schema may still be on its way from
    // the thread `prepare` runs on. Diagnostics are sorted below, so order is free.
    let schema = &rules::schema::RULE;
    let others = registry::RULES
        .iter()
        .filter(|r| !std::ptr::eq(**r, schema));
    for rule in others.chain([&schema]) {
        let before = out.len();
        (rule.check)(&ctx, &mut out);
        if !definition.placeholders.is_empty() {
            // What an unfilled `${...}` breaks is reported once, as the placeholder's warning.
            let mut i = before;
            while i < out.len() {
                if covered_by_placeholder(&out[i].location, &definition.placeholders) {
                    out.remove(i);
                } else {
                    i += 1;
                }
            }
        }
    }
    out.sort_by(|a, b| (a.span.start, a.severity, a.code).cmp(&(b.span.start, b.severity, b.code)));
    out.dedup_by(|a, b| a.span == b.span && a.code == b.code && a.message == b.message);
    out
}

fn covered_by_placeholder(location: &str, placeholders: &[String]) -> bool {
    placeholders.iter().any(|p| {
        location == p
            || (location.starts_with(p.as_str()) && location.as_bytes().get(p.len()) == Some(&b'/'))
    })
}

/// Whether any diagnostic is an error (or, under `strict`, any at all).
pub fn fails(diagnostics: &[Diagnostic], strict: bool) -> bool {
    diagnostics
        .iter()
        .any(|d| strict || d.severity == Severity::Error)
}

/// Helpers for rule tests.
#[cfg(test)]
pub mod testing {
    use super::*;
    use crate::load::{LoadOptions, load_text};

    /// Checks a key index made for `Node::get_by`: each of `keys` at its place,
    /// and every other word of the ASL schema at none.
    pub fn assert_key_index(keys: &[&str], index: impl Fn(&str) -> Option<usize>) {
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(index(key), Some(i), "{key}");
        }
        let schema = crate::validate::rules::schema::schema().to_string();
        for word in schema.split('"').filter(|w| !keys.contains(w)) {
            assert_eq!(index(word), None, "{word}");
        }
    }

    /// What one rule alone reports for a JSON definition (no other rule runs).
    pub fn rule_diags(rule: &Rule, json: &str) -> Vec<Diagnostic> {
        let root = crate::load::parse_json(json).expect("test JSON parses");
        let definition = Definition {
            source: std::sync::Arc::new(crate::load::SourceFile::new("t.json", json.to_string())),
            machine: None,
            root,
            diagnostics: vec![],
            placeholders: vec![],
            machine_type: None,
        };
        let machine = model::build(&definition.root);
        let ctx = Context::new(&definition, &machine);
        let mut out = Vec::new();
        (rule.check)(&ctx, &mut out);
        out
    }

    /// Every diagnostic for a JSON (or YAML, by `path`) definition.
    pub fn diags_at(path: &str, text: &str) -> Vec<Diagnostic> {
        let loaded = load_text(
            std::path::Path::new(path),
            text.to_string(),
            &LoadOptions::default(),
        );
        let mut out = loaded.diagnostics.clone();
        for d in &loaded.definitions {
            out.extend(validate(d));
        }
        out
    }
    pub fn diags_of(json: &str) -> Vec<Diagnostic> {
        diags_at("test.asl.json", json)
    }
    /// The codes reported for a JSON definition, in order.
    pub fn codes_of(json: &str) -> Vec<&'static str> {
        diags_of(json).iter().map(|d| d.code).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shortcuts find what walking the pointers finds, duplicated names included.
    #[test]
    fn state_and_scope_nodes_are_what_their_pointers_name() {
        let json = r#"{"StartAt":"P","States":{"QueryLanguage":"JSONata",
          "P":{"Type":"Parallel","End":true,"Branches":[
            {"StartAt":"A","States":{"A":{"Type":"Pass","End":true},"A":{"Type":"Succeed"}}},
            {"StartAt":"B","States":{"B":{"Type":"Pass","End":true}}}]},
          "P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"C","States":{"C":{"Type":"Pass","End":true}}}]},
          "M":{"Type":"Map","End":true,"Iterator":{"StartAt":"I","States":{"I":{"Type":"Succeed"},
            "QueryLanguage":{"Type":"Succeed"}}}},
          "a/b~c":{"Type":"Map","End":true,"ItemProcessor":{"StartAt":"J","States":{"J":{"Type":"Succeed"}}},
            "Iterator":{"StartAt":"K","States":{"K":{"Type":"Succeed"}}}},
          "QueryLanguage":{"Type":"Succeed"}}}"#;
        let definition = Definition {
            source: std::sync::Arc::new(crate::load::SourceFile::new("t.json", json.to_string())),
            machine: None,
            root: crate::load::parse_json(json).unwrap(),
            diagnostics: vec![],
            placeholders: vec![],
            machine_type: None,
        };
        let machine = model::build(&definition.root);
        let ctx = Context::new(&definition, &machine);
        assert!(machine.states.len() > 10);
        for state in &machine.states {
            let expected = ctx.root().pointer(&state.pointer).map(std::ptr::from_ref);
            assert_eq!(
                ctx.state_node(state.id).map(std::ptr::from_ref),
                expected,
                "{}",
                state.pointer
            );
        }
        for scope in &machine.scopes {
            let expected = ctx.root().pointer(&scope.pointer).map(std::ptr::from_ref);
            assert_eq!(
                ctx.scope_node(scope.id).map(std::ptr::from_ref),
                expected,
                "{}",
                scope.pointer
            );
        }
    }
}

//! CloudFormation and SAM templates: the state machines they hold.
//!
//! Each `AWS::StepFunctions::StateMachine` or `AWS::Serverless::StateMachine`
//! resource is one [`Definition`], named after its logical id, from whichever
//! of these it has:
//!
//! - `Definition`: the definition inline, as part of the template's tree;
//! - `DefinitionString`: JSON text, possibly built with `Fn::Sub` or `Fn::Join`;
//!   it is parsed and every span mapped back into the template;
//! - `DefinitionUri` (SAM): a file next to the template, loaded with its own
//!   source so diagnostics point into it; an S3 location cannot be read offline.
//!
//! `${NAME}` placeholders are then filled from `--sub` and the resource's
//! `DefinitionSubstitutions`; what stays unfilled is listed in
//! [`Definition::placeholders`], so rules do not report what the placeholder breaks.

mod intrinsics;
mod placeholder;
mod srcmap;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use self::intrinsics::Template;
use self::placeholder::{Fill, TreeUnfilled, Unfilled, fill_text, fill_tree, fn_sub, pointers};
use self::srcmap::{SourceMap, string_map};
use super::{
    Definition, Entry, Format, INVALID_JSON, LoadOptions, MachineType, Node, NodeKind, SourceFile,
    Span,
};
use crate::diagnostic::Diagnostic;

/// A state machine resource with no definition at all.
pub const MISSING_DEFINITION: &str = "MISSING_DEFINITION";
/// A definition in S3, or a `DefinitionUri` file that cannot be read.
pub const UNRESOLVED_DEFINITION_URI: &str = "UNRESOLVED_DEFINITION_URI";
/// A definition built by intrinsic functions that cannot be evaluated offline.
pub const UNRESOLVED_DEFINITION: &str = "UNRESOLVED_DEFINITION";
/// A `${NAME}` placeholder that nothing fills.
pub const UNFILLED_PLACEHOLDER: &str = "UNFILLED_PLACEHOLDER";

const STEP_FUNCTIONS: &str = "AWS::StepFunctions::StateMachine";
const SERVERLESS: &str = "AWS::Serverless::StateMachine";

/// How deep `Fn::Join` and `Fn::Sub` may nest inside a `DefinitionString`.
const MAX_COMPOSE_DEPTH: usize = 16;

/// A CloudFormation or SAM template, rather than a definition.
pub fn is_template(root: &Node) -> bool {
    ["Resources", "AWSTemplateFormatVersion", "Transform"]
        .iter()
        .any(|k| root.get(k).is_some())
}

/// The state machines of a template, in template order, and diagnostics about
/// the template itself (a state machine without a definition, one in S3).
pub fn extract(
    source: &Arc<SourceFile>,
    root: &Node,
    opts: &LoadOptions,
) -> (Vec<Definition>, Vec<Diagnostic>) {
    let template = Template::new(root);
    let mut definitions = Vec::new();
    let mut diagnostics = Vec::new();
    for resource in template.resources() {
        // `Fn::ForEach` (AWS::LanguageExtensions) makes resources at deploy time:
        // not expanded here, so its state machines are said to go unchecked.
        if resource.key.starts_with("Fn::ForEach::") {
            if makes_state_machines(&resource.value) {
                diagnostics.push(
                    Diagnostic::warning(
                        UNRESOLVED_DEFINITION,
                        format!("/Resources/{}", crate::load::pointer_token(&resource.key)),
                        resource.key_span,
                        format!(
                            "the state machines that {} makes are not checked: sfn does not expand Fn::ForEach",
                            resource.key
                        ),
                    )
                    .with_help("validate their definition on its own (a DefinitionUri file), or a template that writes one of them out")
                    .with_label("not checked"),
                );
            }
            continue;
        }
        let ty = resource.value.get("Type").and_then(Node::as_str);
        if !matches!(ty, Some(STEP_FUNCTIONS | SERVERLESS)) {
            continue;
        }
        let machine = Machine::new(source, &template, resource, opts);
        match machine.definition() {
            Ok(d) => definitions.push(d),
            Err(d) => diagnostics.push(*d),
        }
        diagnostics.append(&mut machine.warnings.borrow_mut());
    }
    (definitions, diagnostics)
}

/// Whether a node holds a resource of a state machine type (an `Fn::ForEach` body).
fn makes_state_machines(node: &Node) -> bool {
    match &node.kind {
        NodeKind::Object(entries) => entries.iter().any(|e| {
            (e.key == "Type" && matches!(e.value.as_str(), Some(STEP_FUNCTIONS | SERVERLESS)))
                || makes_state_machines(&e.value)
        }),
        NodeKind::Array(items) => items.iter().any(makes_state_machines),
        _ => false,
    }
}

/// A stand-alone definition with `--sub` values filled in, the pointers of the
/// `${...}` placeholders still unfilled, and a warning for each.
pub fn standalone(mut root: Node, opts: &LoadOptions) -> (Node, Vec<String>, Vec<Diagnostic>) {
    // Most definitions have no placeholder: skip the walk that builds pointers.
    if !has_placeholder(&root) {
        return (root, Vec::new(), Vec::new());
    }
    let resolve = |name: &str| match opts.substitutions.get(name) {
        Some(v) => Fill::Value(v.clone()),
        None => Fill::Undeclared,
    };
    let mut unfilled = Vec::new();
    fill_tree(&mut root, &mut String::new(), &resolve, &mut unfilled);
    let diagnostics = unfilled
        .iter()
        .filter(|u| !u.declared)
        .map(|u| unfilled_warning(&u.name, &u.pointer, u.span, None))
        .collect();
    (root, pointers(&unfilled), diagnostics)
}

fn unfilled_warning(name: &str, pointer: &str, span: Span, machine: Option<&str>) -> Diagnostic {
    let help = match machine {
        None => format!("pass --sub {name}=VALUE, or validate the template that fills it"),
        Some(m) => {
            format!("add {name} to the DefinitionSubstitutions of {m}, or pass --sub {name}=VALUE")
        }
    };
    Diagnostic::warning(
        UNFILLED_PLACEHOLDER,
        pointer,
        span,
        format!(
            "placeholder ${{{name}}} is not filled: the value is checked only once it is substituted"
        ),
    )
    .with_help(help)
    .with_label("nothing fills this placeholder")
}

/// One state machine resource of a template.
struct Machine<'a> {
    source: &'a Arc<SourceFile>,
    template: &'a Template<'a>,
    id: &'a str,
    resource: &'a Entry,
    properties: Option<&'a Node>,
    opts: &'a LoadOptions,
    /// `DefinitionSubstitutions`: each name with its value, if known offline.
    substitutions: Vec<(String, Option<String>)>,
    /// Names the template gives a value unknown offline (an unresolved intrinsic).
    declared: RefCell<BTreeSet<String>>,
    /// Warnings about the template that do not stop the definition from loading.
    warnings: RefCell<Vec<Diagnostic>>,
}

impl<'a> Machine<'a> {
    fn new(
        source: &'a Arc<SourceFile>,
        template: &'a Template<'a>,
        resource: &'a Entry,
        opts: &'a LoadOptions,
    ) -> Self {
        let properties = resource.value.get("Properties");
        let substitutions = properties
            .and_then(|p| p.get("DefinitionSubstitutions"))
            .and_then(Node::as_object)
            .unwrap_or(&[])
            .iter()
            .map(|e| (e.key.to_string(), template.eval_string(&e.value)))
            .collect();
        Machine {
            source,
            template,
            id: &resource.key,
            resource,
            properties,
            opts,
            substitutions,
            declared: RefCell::new(BTreeSet::new()),
            warnings: RefCell::new(Vec::new()),
        }
    }

    /// What fills `${name}` in the definition: `--sub` first, then `DefinitionSubstitutions`.
    fn fill(&self, name: &str) -> Fill {
        if let Some(v) = self.opts.substitutions.get(name) {
            return Fill::Value(v.clone());
        }
        if let Some((_, value)) = self.substitutions.iter().find(|(k, _)| k == name) {
            return value.clone().map_or(Fill::Declared, Fill::Value);
        }
        if self.declared.borrow().contains(name) {
            return Fill::Declared;
        }
        Fill::Undeclared
    }

    /// The resource's JSON pointer in the template: where its diagnostics are.
    fn pointer(&self) -> String {
        format!("/Resources/{}", crate::load::pointer_token(self.id))
    }

    fn property(&self, name: &str) -> Option<&'a Node> {
        self.properties.and_then(|p| p.get(name))
    }

    /// `StateMachineType` (`Type` for SAM): STANDARD when left out, unknown when
    /// it is a value only known at deploy time.
    fn machine_type(&self) -> Option<MachineType> {
        let field = if self.resource.value.get("Type").and_then(Node::as_str) == Some(SERVERLESS) {
            "Type"
        } else {
            "StateMachineType"
        };
        match self.property(field) {
            None => Some(MachineType::Standard),
            Some(value) => match self.template.eval_string(value)?.as_str() {
                "EXPRESS" => Some(MachineType::Express),
                "STANDARD" => Some(MachineType::Standard),
                _ => None,
            },
        }
    }

    /// The definition, or a diagnostic about the template saying why there is none.
    fn definition(&self) -> Result<Definition, Box<Diagnostic>> {
        if let Some(empty) = self.empty_definition() {
            return Err(empty);
        }
        if let Some(d) = self.property("Definition") {
            if d.as_object().is_some() && intrinsic_name(d).is_none() {
                return Ok(self.inline_definition(d));
            }
            return self.text_definition(d, "Definition");
        }
        if let Some(d) = self.property("DefinitionString") {
            return self.text_definition(d, "DefinitionString");
        }
        if let Some(uri) = self.property("DefinitionUri") {
            return self.uri_definition(uri);
        }
        if let Some(location) = self.property("DefinitionS3Location") {
            return Err(self.in_s3(location, "DefinitionS3Location"));
        }
        Err(Box::new(Diagnostic::error(
            MISSING_DEFINITION,
            self.pointer(),
            self.resource.key_span,
            format!("state machine {} has no definition", self.id),
        )
        .with_help(format!(
            "give {} a Definition (the state machine inline), a DefinitionString (AWS::StepFunctions::StateMachine) or a DefinitionUri (AWS::Serverless::StateMachine)",
            self.id
        ))
        .with_label("no Definition, DefinitionString or DefinitionUri")))
    }

    /// A definition property left empty (`Definition:` with nothing under it, as a
    /// mis-indented YAML block leaves it, or `DefinitionString: ""`): CloudFormation
    /// refuses it, so it is the error of a missing definition, at the property.
    fn empty_definition(&self) -> Option<Box<Diagnostic>> {
        let entries = self.properties?.as_object()?;
        let entry = ["Definition", "DefinitionString", "DefinitionUri"]
            .iter()
            .find_map(|name| entries.iter().find(|e| e.is(name)))?;
        let empty = match &entry.value.kind {
            NodeKind::Null => true,
            NodeKind::String(s) => s.trim().is_empty(),
            _ => false,
        };
        empty.then(|| {
            Box::new(
                Diagnostic::error(
                    MISSING_DEFINITION,
                    self.pointer(),
                    entry.key_span,
                    format!("the {} of state machine {} is empty", entry.key, self.id),
                )
                .with_help(match entry.key.as_str() {
                    "Definition" => "put the state machine under Definition (indented below it, in YAML)",
                    "DefinitionString" => "give DefinitionString the state machine as JSON text",
                    _ => "give DefinitionUri the path of the definition file, relative to the template",
                })
                .with_label("empty"),
            )
        })
    }

    fn in_s3(&self, node: &Node, property: &str) -> Box<Diagnostic> {
        Box::new(Diagnostic::warning(
            UNRESOLVED_DEFINITION_URI,
            self.pointer(),
            node.span,
            format!(
                "the definition of {} is in S3 ({property}): it cannot be checked offline",
                self.id
            ),
        )
        .with_help("validate the local definition file before it is uploaded, or point DefinitionUri at a local file")
        .with_label("not checked"))
    }

    /// An inline `Definition`: intrinsic functions evaluated, placeholders filled.
    fn inline_definition(&self, node: &Node) -> Definition {
        let mut root = node.clone();
        self.resolve_intrinsics(&mut root);
        self.finish_tree(self.source.clone(), root)
    }

    fn finish_tree(&self, source: Arc<SourceFile>, mut root: Node) -> Definition {
        let mut unfilled: Vec<TreeUnfilled> = Vec::new();
        fill_tree(
            &mut root,
            &mut String::new(),
            &|n| self.fill(n),
            &mut unfilled,
        );
        let diagnostics = unfilled
            .iter()
            .filter(|u| !u.declared)
            .map(|u| unfilled_warning(&u.name, &u.pointer, u.span, Some(self.id)))
            .collect();
        Definition {
            source,
            machine: Some(self.id.to_string()),
            root,
            diagnostics,
            placeholders: pointers(&unfilled),
            machine_type: self.machine_type(),
        }
    }

    /// Replaces intrinsic functions in an inline definition by their value, or
    /// by a `${...}` stand-in the template fills at deploy time. The tree is at
    /// most 512 levels deep, so recursion is bounded.
    fn resolve_intrinsics(&self, node: &mut Node) {
        if let Some(name) = intrinsic_name(node) {
            let text = match name {
                "Fn::Sub" => self.sub_text(node),
                _ => self.template.eval(node),
            };
            *node = match text {
                Some(v) => Node::from_value(&v, node.span),
                None => {
                    let stand_in = stand_in_name(node);
                    let text = format!("${{{stand_in}}}");
                    self.declared.borrow_mut().insert(stand_in);
                    Node::new(NodeKind::String(text.into()), node.span)
                }
            };
            return;
        }
        match &mut node.kind {
            NodeKind::Array(items) => {
                for item in items {
                    self.resolve_intrinsics(item);
                }
            }
            NodeKind::Object(entries) => {
                for e in entries {
                    self.resolve_intrinsics(&mut e.value);
                }
            }
            _ => {}
        }
    }

    /// An inline `Fn::Sub`'s text; names the template defines but whose value
    /// is unknown stay as `${NAME}`, declared.
    fn sub_text(&self, node: &Node) -> Option<serde_json::Value> {
        let arg = node.as_object()?.first()?;
        let (text, vars) = sub_args(&arg.value)?;
        let (out, _) = fn_sub(text, &SourceMap::default(), &|n| self.sub_fill(n, vars));
        Some(serde_json::Value::String(out))
    }

    /// What fills `${name}` in an `Fn::Sub` string.
    fn sub_fill(&self, name: &str, vars: &[Entry]) -> Fill {
        if let Some(v) = self.opts.substitutions.get(name) {
            return Fill::Value(v.clone());
        }
        let fill = self.template.sub_variable(name, vars, 0);
        if fill == Fill::Declared {
            self.declared.borrow_mut().insert(name.to_string());
        }
        fill
    }

    /// A definition given as JSON text: parsed, placeholders filled, spans
    /// mapped back into the template.
    fn text_definition(&self, node: &Node, property: &str) -> Result<Definition, Box<Diagnostic>> {
        let Some((text, map)) = self.compose(node, 0) else {
            return Err(Box::new(Diagnostic::warning(
                UNRESOLVED_DEFINITION,
                self.pointer(),
                node.span,
                format!(
                    "the {property} of {} is built with intrinsic functions that cannot be evaluated offline",
                    self.id
                ),
            )
            .with_help(format!(
                "write {property} as a string, an Fn::Sub string or an Fn::Join of strings, so it can be checked"
            ))
            .with_label("not checked")));
        };
        Ok(self.filled_text(self.source.clone(), &text, &map, property))
    }

    /// A definition's JSON text with its `${...}` placeholders filled, as AWS fills
    /// them before it parses the text: `map` leads from the text into `source`,
    /// `what` names the text in messages.
    fn filled_text(
        &self,
        source: Arc<SourceFile>,
        text: &str,
        map: &SourceMap,
        what: &str,
    ) -> Definition {
        let (text, map, unfilled) = fill_text(text, map, &|n| self.fill(n));
        let (text, map, unfilled) = bare_placeholders_to_zero(&text, &map, unfilled);
        let mut root = match super::parse_json(&text) {
            Ok(root) => root,
            Err(e) => {
                let span = map.span(e.span.start, e.span.end);
                let diag = Diagnostic::error(
                    INVALID_JSON,
                    "",
                    span,
                    format!("invalid JSON in the {what} of {}: {}", self.id, e.message),
                )
                .with_help("fix the JSON syntax at this position")
                .with_label(e.message);
                return self.broken(source, span, diag);
            }
        };
        let mut diagnostics = Vec::new();
        let mut placeholders: Vec<String> = Vec::new();
        for Unfilled {
            start,
            end,
            name,
            declared,
        } in &unfilled
        {
            let pointer = locate(&root, *start, &mut String::new());
            if !declared {
                diagnostics.push(unfilled_warning(
                    name,
                    &pointer,
                    map.span(*start, *end),
                    Some(self.id),
                ));
            }
            if !placeholders.contains(&pointer) {
                placeholders.push(pointer);
            }
        }
        remap(&mut root, &map);
        Definition {
            source,
            machine: Some(self.id.to_string()),
            root,
            diagnostics,
            placeholders,
            machine_type: self.machine_type(),
        }
    }

    /// The text of a string-valued template expression and its map into the
    /// template file: a string, `Fn::Sub`, `Fn::Join`, or anything else that
    /// evaluates offline (mapped to its whole span).
    fn compose(&self, node: &Node, depth: usize) -> Option<(String, SourceMap)> {
        if depth > MAX_COMPOSE_DEPTH {
            return None;
        }
        if let NodeKind::String(s) = &node.kind {
            return Some((s.to_string(), string_map(&self.source.text, node.span, s)));
        }
        match intrinsic_name(node) {
            Some("Fn::Sub") => {
                let arg = &node.as_object()?.first()?.value;
                let (_, vars) = sub_args(arg)?;
                let template_node = match &arg.kind {
                    NodeKind::Array(items) => items.first()?,
                    _ => arg,
                };
                let (text, map) = self.compose(template_node, depth + 1)?;
                Some(fn_sub(&text, &map, &|n| self.sub_fill(n, vars)))
            }
            Some("Fn::Join") => {
                let args = node.as_object()?.first()?.value.as_array()?;
                let separator = self.template.eval_string(args.first()?)?;
                let parts = args.get(1)?.as_array()?;
                let mut text = String::new();
                let mut map = SourceMap::default();
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        // A separator sits where the previous part ends.
                        let at = parts[i - 1].span.end;
                        map.push_whole(text.len(), Span::new(at, at));
                        text.push_str(&separator);
                    }
                    let (part_text, part_map) = self.part(part, depth + 1);
                    map.append(text.len(), &part_map, 0, part_text.len());
                    text.push_str(&part_text);
                }
                Some((text, map))
            }
            _ => {
                let value = self.template.eval_string(node)?;
                Some((value, SourceMap::whole(node.span)))
            }
        }
    }

    /// One `Fn::Join` part: its text, or a declared `${...}` stand-in.
    fn part(&self, part: &Node, depth: usize) -> (String, SourceMap) {
        if let Some(composed) = self.compose(part, depth) {
            return composed;
        }
        let name = stand_in_name(part);
        let text = format!("${{{name}}}");
        self.declared.borrow_mut().insert(name);
        (text, SourceMap::whole(part.span))
    }

    /// SAM's `DefinitionUri`: a local file, relative to the template.
    ///
    /// A missing file is an error (SAM refuses to package the template). When a
    /// file of that name sits nearby (a typo in a folder name), that file is the
    /// one meant: it is validated, and the template gets a warning naming it, so
    /// the state machine is still checked.
    fn uri_definition(&self, uri: &Node) -> Result<Definition, Box<Diagnostic>> {
        let Some(relative) = uri.as_str().filter(|s| !s.starts_with("s3://")) else {
            return Err(self.in_s3(uri, "DefinitionUri"));
        };
        let mut path = definition_path(self.source.path(), relative);
        let text = match read_definition(&path) {
            Ok(text) => text,
            Err(why) => {
                let unreadable = format!(
                    "the DefinitionUri of {} cannot be read ({}: {why})",
                    self.id,
                    path.display()
                );
                let Some(found) = similar_file(self.source.path(), relative) else {
                    return Err(Box::new(
                        Diagnostic::error(
                            UNRESOLVED_DEFINITION_URI,
                            self.pointer(),
                            uri.span,
                            format!("{unreadable}; SAM refuses to package it"),
                        )
                        .with_help("point DefinitionUri at the state machine's definition file, relative to the template's folder")
                        .with_label("cannot read this file"),
                    ));
                };
                let near = definition_path(self.source.path(), &found);
                let text = read_definition(&near).map_err(|why| {
                    Box::new(
                        Diagnostic::error(
                            UNRESOLVED_DEFINITION_URI,
                            self.pointer(),
                            uri.span,
                            format!(
                                "{unreadable}, nor can '{found}', the file it probably means ({why})"
                            ),
                        )
                        .with_help("point DefinitionUri at the state machine's definition file, relative to the template's folder")
                        .with_label("cannot read this file"),
                    )
                })?;
                self.warnings.borrow_mut().push(
                    Diagnostic::warning(
                        UNRESOLVED_DEFINITION_URI,
                        self.pointer(),
                        uri.span,
                        format!("{unreadable}; validated '{found}' instead, the file of that name beside it"),
                    )
                    .with_help(format!(
                        "did you mean '{found}'? That file exists, relative to the template's folder; SAM refuses to package a DefinitionUri that does not exist"
                    ))
                    .with_label("no such file"),
                );
                path = near;
                text
            }
        };
        let format = Format::detect(&path, &text);
        let source = Arc::new(SourceFile::new(path, text));
        match super::parse_source(&source, format) {
            Ok(root) => Ok(self.finish_tree(source, root)),
            // `"Seconds": ${Wait}`, a placeholder outside any string: AWS fills the
            // file's text before it parses it, so the text is filled here too.
            Err(_) if format == Format::Json && source.text.contains("${") => Ok(self.filled_text(
                source.clone(),
                &source.text,
                &SourceMap::linear(0),
                "DefinitionUri file",
            )),
            Err(diag) => {
                let span = diag.span;
                Ok(self.broken(source, span, *diag))
            }
        }
    }

    /// A definition that could not be parsed: it holds only its syntax error.
    /// Its whole tree counts as a placeholder, so no rule reports on the empty root.
    fn broken(&self, source: Arc<SourceFile>, span: Span, diag: Diagnostic) -> Definition {
        Definition {
            source,
            machine: Some(self.id.to_string()),
            root: Node::new(NodeKind::Null, span),
            diagnostics: vec![diag],
            placeholders: vec![String::new()],
            machine_type: self.machine_type(),
        }
    }
}

/// A placeholder left outside any JSON string (`"Seconds": ${Wait}`) would
/// make the text invalid JSON although the filled definition is fine: it
/// becomes `0`, whose pointer is then a placeholder like the others.
fn bare_placeholders_to_zero(
    text: &str,
    map: &SourceMap,
    unfilled: Vec<Unfilled>,
) -> (String, SourceMap, Vec<Unfilled>) {
    let bare: Vec<bool> = {
        let outside = outside_strings(text);
        unfilled.iter().map(|u| outside(u.start)).collect()
    };
    if !bare.contains(&true) {
        return (text.to_string(), map.clone(), unfilled);
    }
    let mut out = String::with_capacity(text.len());
    let mut out_map = SourceMap::default();
    let mut copied = 0;
    let mut moved = Vec::with_capacity(unfilled.len());
    for (u, bare) in unfilled.into_iter().zip(bare) {
        out_map.append(out.len(), map, copied, u.start);
        out.push_str(&text[copied..u.start]);
        let start = out.len();
        if bare {
            out_map.push_whole(start, map.span(u.start, u.end));
            out.push('0');
        } else {
            out_map.append(start, map, u.start, u.end);
            out.push_str(&text[u.start..u.end]);
        }
        copied = u.end;
        moved.push(Unfilled {
            start,
            end: out.len(),
            ..u
        });
    }
    out_map.append(out.len(), map, copied, text.len());
    out.push_str(&text[copied..]);
    (out, out_map, moved)
}

/// Whether each offset of a JSON text lies outside string literals.
fn outside_strings(text: &str) -> impl Fn(usize) -> bool {
    // Offsets where string state flips, in order: inside from an odd entry to the next.
    let mut flips = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.bytes().enumerate() {
        if in_string && escaped {
            escaped = false;
        } else if in_string && b == b'\\' {
            escaped = true;
        } else if b == b'"' {
            in_string = !in_string;
            flips.push(i);
        }
    }
    move |at| flips.partition_point(|&f| f < at) % 2 == 0
}

/// The function of an intrinsic: an object whose one member is `Ref` or `Fn::*`.
fn intrinsic_name(node: &Node) -> Option<&str> {
    match node.as_object()? {
        [e] if e.key == "Ref" || e.key.starts_with("Fn::") => Some(&e.key),
        _ => None,
    }
}

/// The `${...}` name standing for an intrinsic whose value is unknown offline:
/// `Res` for `Ref: Res`, `Res.Att` for `Fn::GetAtt`, else the function's name.
fn stand_in_name(node: &Node) -> String {
    let Some(e) = node.as_object().and_then(|o| o.first()) else {
        return "value".to_string();
    };
    match e.key.as_str() {
        "Ref" => e.value.as_str().map(str::to_string),
        "Fn::GetAtt" => intrinsics::get_att_args(&e.value).map(|(r, a)| format!("{r}.{a}")),
        _ => None,
    }
    .filter(|n| placeholder::find(&format!("${{{n}}}")).len() == 1)
    .unwrap_or_else(|| e.key.to_string())
}

/// `Fn::Sub`'s arguments: `"text"` or `["text", {vars}]`.
fn sub_args(arg: &Node) -> Option<(&str, &[Entry])> {
    match &arg.kind {
        NodeKind::String(s) => Some((s, &[])),
        NodeKind::Array(items) => Some((
            items.first()?.as_str()?,
            items.get(1).and_then(Node::as_object).unwrap_or(&[]),
        )),
        _ => None,
    }
}

/// The pointer of the innermost value (or member, for a key) at text offset `at`.
fn locate(node: &Node, at: usize, pointer: &mut String) -> String {
    let contains = |s: Span| s.start <= at && at < s.end;
    match &node.kind {
        NodeKind::Object(entries) => {
            for e in entries {
                let token = super::pointer_token(&e.key);
                if contains(e.key_span) {
                    return format!("{pointer}/{token}");
                }
                if contains(e.value.span) {
                    let len = pointer.len();
                    pointer.push('/');
                    pointer.push_str(&token);
                    let found = locate(&e.value, at, pointer);
                    pointer.truncate(len);
                    return found;
                }
            }
        }
        NodeKind::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                if contains(item.span) {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    let found = locate(item, at, pointer);
                    pointer.truncate(len);
                    return found;
                }
            }
        }
        _ => {}
    }
    pointer.clone()
}

/// Moves every span of a tree parsed from built text into the file.
fn remap(node: &mut Node, map: &SourceMap) {
    node.span = map.span(node.span.start, node.span.end);
    match &mut node.kind {
        NodeKind::Object(entries) => {
            for e in entries {
                e.key_span = map.span(e.key_span.start, e.key_span.end);
                remap(&mut e.value, map);
            }
        }
        NodeKind::Array(items) => {
            for item in items {
                remap(item, map);
            }
        }
        _ => {}
    }
}

/// A `DefinitionUri` path, relative to the template's folder, without `./` parts.
fn definition_path(template: &Path, uri: &str) -> PathBuf {
    let base = template.parent().unwrap_or(Path::new(""));
    let path: PathBuf = base
        .join(uri)
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    // `./` beside a template in the working directory: that directory, named.
    if path.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        path
    }
}

/// Reads a definition file, with the same limits as any loaded file.
fn read_definition(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| io_reason(&e))?;
    if meta.is_dir() {
        return Err("it is a folder, not a file".into());
    }
    if meta.len() > super::MAX_FILE_BYTES {
        return Err(format!(
            "the file is {} bytes, over the {} byte limit",
            meta.len(),
            super::MAX_FILE_BYTES
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| io_reason(&e))?;
    match String::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => Ok(text),
        _ => Err("not a text file (it is not valid UTF-8)".into()),
    }
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        _ => e.to_string(),
    }
}

/// Whether any key or string value holds `${`.
/// `s.contains("${")`, without the substring searcher's set-up cost on every short string.
fn has_dollar_brace(s: &str) -> bool {
    s.as_bytes().windows(2).any(|w| w == b"${")
}

fn has_placeholder(root: &Node) -> bool {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match &n.kind {
            NodeKind::String(s) if has_dollar_brace(s) => return true,
            NodeKind::Array(items) => stack.extend(items.iter()),
            NodeKind::Object(entries) => {
                for e in entries {
                    if has_dollar_brace(&e.key) {
                        return true;
                    }
                    stack.push(&e.value);
                }
            }
            _ => {}
        }
    }
    false
}

/// A file named like `relative`'s last part, at most three folders below the
/// template's folder, as the path to suggest instead.
fn similar_file(template: &std::path::Path, relative: &str) -> Option<String> {
    let base = template.parent()?;
    let name = std::path::Path::new(relative).file_name()?;
    walkdir::WalkDir::new(base)
        .max_depth(3)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_type().is_file() && e.file_name() == name)
        .and_then(|e| {
            e.path()
                .strip_prefix(base)
                .ok()
                .map(|p| p.display().to_string())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{FileKind, LoadedFile, load_text};
    use crate::validate::validate;

    fn load(text: &str) -> LoadedFile {
        load_text(
            Path::new("template.yaml"),
            text.to_string(),
            &LoadOptions::default(),
        )
    }

    fn codes(def: &Definition) -> Vec<&'static str> {
        validate(def).iter().map(|d| d.code).collect()
    }

    /// An empty definition property (a mis-indented YAML block leaves `Definition:`
    /// null) is a missing definition, an error at the property: CloudFormation
    /// refuses it. It used to be an "unresolved" warning, and exit 0.
    #[test]
    fn an_empty_definition_property_is_a_missing_definition() {
        for (property, value, kind) in [
            ("Definition", "", "StepFunctions"),
            ("Definition", " null", "StepFunctions"),
            ("DefinitionString", " \"\"", "StepFunctions"),
            ("DefinitionString", " \"  \"", "StepFunctions"),
            ("DefinitionUri", "", "Serverless"),
        ] {
            let text = format!(
                "Resources:\n  M:\n    Type: AWS::{kind}::StateMachine\n    Properties:\n      {property}:{value}\n"
            );
            let file = load(&text);
            assert!(file.definitions.is_empty(), "{text}");
            assert_eq!(file.diagnostics.len(), 1, "{text}");
            let d = &file.diagnostics[0];
            assert_eq!(
                (d.code, d.severity, d.message.as_str()),
                (
                    MISSING_DEFINITION,
                    crate::diagnostic::Severity::Error,
                    format!("the {property} of state machine M is empty").as_str()
                ),
                "{text}"
            );
            assert_eq!(&text[d.span.start..d.span.end], property);
        }
    }

    /// `DefinitionUri: ./` names the template's own folder: the message says so,
    /// with its path, not "no such file" with none.
    #[test]
    fn a_definition_uri_naming_a_folder_says_so() {
        assert_eq!(
            definition_path(Path::new("template.yaml"), "./"),
            Path::new(".")
        );
        assert_eq!(
            definition_path(Path::new("sam/template.yaml"), "./sm/a.json"),
            Path::new("sam/sm/a.json")
        );
        let dir = tempfile::tempdir().unwrap();
        let template = dir.path().join("template.yaml");
        let text = "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: ./\n";
        let file = load_text(&template, text.to_string(), &LoadOptions::default());
        let message = &file.diagnostics[0].message;
        assert_eq!(
            message,
            &format!(
                "the DefinitionUri of M cannot be read ({}: it is a folder, not a file); SAM refuses to package it",
                dir.path().display()
            )
        );
    }

    #[test]
    fn recognises_templates() {
        for text in [
            "Resources: {}",
            "AWSTemplateFormatVersion: '2010-09-09'",
            "Transform: x",
        ] {
            assert_eq!(load(text).kind, FileKind::Template, "{text}");
        }
        assert_eq!(load("StartAt: A\nStates: {}").kind, FileKind::Definition);
    }

    #[test]
    fn placeholder_outside_a_json_string_is_a_placeholder_not_a_syntax_error() {
        let file = load(
            r#"
Resources:
  M:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionSubstitutions: {Delay: !GetAtt Odd.Seconds}
      DefinitionString: '{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": ${Delay}, "End": true}}}'
  N:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionString: '{"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": ${Nope}, "End": true}}}'
  Odd: {Type: AWS::Some::Thing}
"#,
        );
        let m = &file.definitions[0];
        assert_eq!(m.placeholders, ["/States/W/Seconds"]);
        assert!(codes(m).is_empty(), "{:?}", validate(m));
        let n = &file.definitions[1];
        assert_eq!(codes(n), ["UNFILLED_PLACEHOLDER"]);
        let d = &validate(n)[0];
        assert_eq!(&n.source.text[d.span.start..d.span.end], "${Nope}");
    }

    #[test]
    fn definition_written_as_a_sub_string() {
        let file = load(
            "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition: !Sub '{\"StartAt\": \"P\", \"States\": {\"P\": {\"Type\": \"Pass\", \"Comment\": \"${AWS::Partition}\", \"End\": true}}}'\n",
        );
        let m = &file.definitions[0];
        assert_eq!(
            m.root.pointer("/States/P/Comment").and_then(Node::as_str),
            Some("aws")
        );
        assert!(codes(m).is_empty());
    }

    #[test]
    fn definition_built_by_conditions_is_not_checked() {
        let file = load(
            "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !If [C, '{}', '{}']\n",
        );
        assert!(file.definitions.is_empty());
        assert_eq!(file.diagnostics[0].code, UNRESOLVED_DEFINITION);
        assert_eq!(
            file.diagnostics[0].severity,
            crate::diagnostic::Severity::Warning
        );
    }

    #[test]
    fn inline_definition_intrinsics_and_keys() {
        let file = load(
            r#"
Parameters:
  Name: {Type: String, Default: Step}
Resources:
  Fn: {Type: AWS::Serverless::Function}
  M:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionSubstitutions: {First: !Ref Name}
      Definition:
        StartAt: ${First}
        States:
          ${First}:
            Type: Task
            Resource: !GetAtt Fn.Arn
            Parameters:
              Region: !Ref AWS::Region
              Joined: !Join ['-', [a, !Ref Name]]
            End: true
"#,
        );
        let m = &file.definitions[0];
        let v = m.root.to_value();
        assert_eq!(v["StartAt"], "Step");
        assert_eq!(
            v["States"]["Step"]["Resource"],
            "arn:aws:lambda:us-east-1:123456789012:function:Fn"
        );
        assert_eq!(v["States"]["Step"]["Parameters"]["Region"], "us-east-1");
        assert_eq!(v["States"]["Step"]["Parameters"]["Joined"], "a-Step");
        assert!(m.placeholders.is_empty());
        assert!(codes(m).is_empty(), "{:?}", validate(m));
    }

    #[test]
    fn reference_cycles_and_deep_joins_end() {
        let mut join = String::from("'{}'");
        for _ in 0..100 {
            join = format!("!Join ['', [{join}]]");
        }
        let text = format!(
            "Resources:\n  A: {{Type: AWS::Lambda::Function, Properties: {{FunctionName: !GetAtt B.Arn}}}}\n  B: {{Type: AWS::Lambda::Function, Properties: {{FunctionName: !GetAtt A.Arn}}}}\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionSubstitutions: {{X: !GetAtt A.Arn}}\n      DefinitionString: {join}\n"
        );
        let file = load(&text);
        assert_eq!(file.definitions.len() + file.diagnostics.len(), 1);
    }
}

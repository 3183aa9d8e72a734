//! CloudFormation and SAM templates (stub: being written).

use super::{Definition, LoadOptions, Node, SourceFile};
use crate::diagnostic::Diagnostic;
use std::sync::Arc;

pub fn is_template(root: &Node) -> bool {
    root.get("Resources").is_some() || root.get("AWSTemplateFormatVersion").is_some()
}

pub fn extract(
    source: &Arc<SourceFile>,
    root: &Node,
    opts: &LoadOptions,
) -> (Vec<Definition>, Vec<Diagnostic>) {
    let _ = (source, root, opts);
    (vec![], vec![])
}

/// A stand-alone definition with `--sub` values filled in, the pointers of the
/// `${...}` placeholders still unfilled, and a warning for each.
pub fn standalone(root: Node, opts: &LoadOptions) -> (Node, Vec<String>, Vec<Diagnostic>) {
    let _ = opts;
    (root, vec![], vec![])
}

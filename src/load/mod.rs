//! Loading: files to spanned trees, and templates to the state machines they hold.
//!
//! Every [`Node`] span is a byte range of the file the user wrote, also for a
//! definition embedded in a CloudFormation or SAM template.

mod json;
mod node;
mod source;
pub mod template;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use json::{SyntaxError, parse as parse_json};
pub use node::{
    Entry, Node, NodeKind, Span, Str, is_decimal, is_integer, pointer_token, unescape_token,
};
pub use source::SourceFile;

use crate::diagnostic::Diagnostic;

/// AWS rejects definitions over 1 MB; anything past this is not a definition
/// and is refused before parsing so that a huge file cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// Code for syntax errors, as AWS reports them.
pub const INVALID_JSON: &str = "INVALID_JSON_DESCRIPTION";

/// One state machine definition, ready for the model.
#[derive(Debug, Clone)]
pub struct Definition {
    pub source: Arc<SourceFile>,
    /// The logical id of the template resource it came from.
    pub machine: Option<String>,
    /// The definition's root (the object holding `StartAt` and `States`).
    pub root: Node,
    /// Diagnostics found while extracting it (unfilled placeholders, ...).
    pub diagnostics: Vec<Diagnostic>,
    /// JSON pointers of values holding a `${...}` placeholder that nothing filled:
    /// errors inside them are what the placeholder breaks, not the user's mistake.
    pub placeholders: Vec<String>,
    /// The workflow type its template gives (`StateMachineType`, or `Type` for
    /// SAM; STANDARD when left out), when known; None for a definition file.
    pub machine_type: Option<MachineType>,
}

/// A state machine's workflow type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MachineType {
    Standard,
    Express,
}

/// What one file turned out to hold.
#[derive(Debug)]
pub struct LoadedFile {
    pub source: Arc<SourceFile>,
    pub kind: FileKind,
    pub definitions: Vec<Definition>,
    /// Diagnostics about the file itself (syntax errors, a template with no state machine).
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Definition,
    Template,
    /// Parsed, but neither a definition nor a template.
    Other,
    /// Could not be parsed.
    Broken,
}

#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `--sub NAME=VALUE`: fills `${NAME}`, over a template's `DefinitionSubstitutions`.
    pub substitutions: BTreeMap<String, String>,
}

/// Why a file could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: {}", read_problem(error))]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "{path}: the file is {size} bytes, over the {max} byte limit (AWS accepts definitions up to 1 MB)"
    )]
    TooLarge { path: PathBuf, size: u64, max: u64 },
    #[error("{path}: not a text file (it is not valid UTF-8); expected a JSON or YAML definition")]
    Binary { path: PathBuf },
}

/// Why a file could not be read, and what to do, for messages: `cannot read: No
/// such file or directory (os error 2)` said neither.
pub fn read_problem(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "no such file: check the path".to_string(),
        ErrorKind::IsADirectory => "is a directory: give the path of a file in it".to_string(),
        ErrorKind::PermissionDenied => {
            "permission denied: make the file readable (chmod u+r)".to_string()
        }
        _ => format!("cannot read: {error}"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Yaml,
}

impl Format {
    /// The format's name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
        }
    }

    /// JSON unless the extension says YAML, or the text does not start like JSON.
    pub fn detect(path: &Path, text: &str) -> Format {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match ext.as_str() {
            "yaml" | "yml" => Format::Yaml,
            "json" => Format::Json,
            _ => {
                let first = text
                    .trim_start_matches('\u{feff}')
                    .trim_start()
                    .chars()
                    .next();
                if matches!(first, Some('{') | Some('[')) {
                    Format::Json
                } else {
                    Format::Yaml
                }
            }
        }
    }
}

/// Reads a file from disk and loads it.
pub fn load_path(path: &Path, opts: &LoadOptions) -> Result<LoadedFile, LoadError> {
    let io = |error| LoadError::Io {
        path: path.to_path_buf(),
        error,
    };
    // One open, and the size from the open file: `metadata` then `fs::read` looked
    // the path up three times (validating a folder reads thousands of files).
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge {
            path: path.to_path_buf(),
            size,
            max: MAX_FILE_BYTES,
        });
    }
    let bytes = read_sized(&mut file, size).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|_| LoadError::Binary {
        path: path.to_path_buf(),
    })?;
    // The memchr crate's search: `str::contains` scanned a byte at a time.
    if memchr::memchr(0, text.as_bytes()).is_some() {
        return Err(LoadError::Binary {
            path: path.to_path_buf(),
        });
    }
    Ok(load_text(path, text, opts))
}

/// The whole of `file`, `size` bytes as measured: one read, and one more that
/// finds the end. (`read_to_end` asks the size again and seeks to find its
/// position: two more system calls a file, when a folder holds thousands.) A file
/// grown since it was measured still reads whole.
fn read_sized(file: &mut std::fs::File, size: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = vec![0; size as usize + 1];
    let mut len = 0;
    loop {
        match std::io::Read::read(file, &mut bytes[len..]) {
            Ok(0) => break,
            Ok(n) => {
                len += n;
                if len == bytes.len() {
                    bytes.resize(len * 2, 0);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    bytes.truncate(len);
    Ok(bytes)
}

/// The spanned tree of a definition or template file, or its syntax error as a
/// diagnostic at the place the parser stopped.
fn parse_source(source: &SourceFile, format: Format) -> Result<Node, Box<Diagnostic>> {
    let parsed = match format {
        Format::Json => json::parse(&source.text),
        Format::Yaml => yaml::parse(&source.text),
    };
    parsed.map_err(|e| {
        let what = format.name();
        let (span, help) = syntax_place(&source.text, e.span, format);
        Box::new(
            Diagnostic::error(
                INVALID_JSON,
                "",
                span,
                format!("invalid {what}: {}", e.message),
            )
            .with_help(help)
            .with_label(e.message),
        )
    })
}

/// Where to show a syntax error the parser found at `span` of `text`, and what to
/// do about it.
pub fn syntax_place(text: &str, span: Span, format: Format) -> (Span, String) {
    let what = format.name();
    // A parser stopped by the end of the file points past its last line, where
    // there is nothing to show: point at the end of the last line instead.
    let content_end = text.trim_end().len();
    if span.start >= content_end && content_end > 0 {
        (
            Span::new(content_end, content_end),
            format!("the file ends here, before the {what} does: complete it"),
        )
    } else if text.starts_with('\u{feff}') && span.start <= 3 {
        // Editors on Windows add it; to a JSON parser it is a stray token.
        (
            span,
            "the file starts with a UTF-8 byte order mark (BOM): save it as UTF-8 without one"
                .to_string(),
        )
    } else {
        (span, format!("fix the {what} syntax at this position"))
    }
}

/// Loads text already in memory, as if it were the file at `path`.
pub fn load_text(path: &Path, text: String, opts: &LoadOptions) -> LoadedFile {
    let format = Format::detect(path, &text);
    let source = Arc::new(SourceFile::new(path, text));
    let root = match parse_source(&source, format) {
        Ok(root) => root,
        Err(diag) => {
            return LoadedFile {
                source,
                kind: FileKind::Broken,
                definitions: vec![],
                diagnostics: vec![*diag],
            };
        }
    };
    // JSON strings are the text between quotes unless escaped: with neither `${`
    // nor a backslash in the text, no string holds a placeholder.
    let may_hold_placeholder = format != Format::Json
        || memchr::memmem::find(source.text.as_bytes(), b"${").is_some()
        || memchr::memchr(b'\\', source.text.as_bytes()).is_some();
    classify(source, root, opts, may_hold_placeholder)
}

fn classify(
    source: Arc<SourceFile>,
    root: Node,
    opts: &LoadOptions,
    may_hold_placeholder: bool,
) -> LoadedFile {
    if template::is_template(&root) {
        let (definitions, diagnostics) = template::extract(&source, &root, opts);
        return LoadedFile {
            source,
            kind: FileKind::Template,
            definitions,
            diagnostics,
        };
    }
    // A file named as a definition (`x.asl.json`) is checked as one even when it has
    // neither field: `{}` is "These fields are required: [States, StartAt]", as AWS
    // says of it, not a file sfn does not know.
    if is_definition(&root) || (root.as_object().is_some() && named_as_definition(source.path())) {
        let (root, placeholders, diagnostics) = if may_hold_placeholder {
            template::standalone(root, opts)
        } else {
            (root, Vec::new(), Vec::new())
        };
        let definition = Definition {
            source: source.clone(),
            machine: None,
            root,
            diagnostics,
            placeholders,
            machine_type: None,
        };
        return LoadedFile {
            source,
            kind: FileKind::Definition,
            definitions: vec![definition],
            diagnostics: vec![],
        };
    }
    LoadedFile {
        source,
        kind: FileKind::Other,
        definitions: vec![],
        diagnostics: vec![],
    }
}

/// `*.asl.json`, `*.asl.yaml`, `*.asl.yml`: the names editors and AWS's toolkits give
/// state machine definitions.
fn named_as_definition(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    [".asl.json", ".asl.yaml", ".asl.yml"]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// An object with `States` or `StartAt` is meant as a state machine definition.
pub fn is_definition(root: &Node) -> bool {
    root.get("States").is_some() || root.get("StartAt").is_some()
}

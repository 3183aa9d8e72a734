//! Distributed Map's `ItemReader` and `ResultWriter`, with local files standing in
//! for Amazon S3: the object `s3://BUCKET/KEY` is the file `<s3 dir>/BUCKET/KEY`
//! (`RunOptions::s3_dir`; `sfn run --s3-dir`, default `./s3`).
//!
//! Reading follows AWS's documented rules (developer guide, "ItemReader (Map)" and
//! "How Step Functions parses input CSV files"), and where they are silent, AWS's
//! recorded histories: a JSON file holds an array, a JSONL file one value per line,
//! a CSV file rows whose every value is a string; `s3:listObjectsV2` yields one
//! item per object. Every failure is `States.ItemReaderFailed` (or
//! `States.ResultWriterFailed`) with a cause naming the local path.

use std::path::{Component, Path, PathBuf};

use serde_json::{Map, Value, json};

use super::errors::StatesError;
use super::plan::NumberSpec;
use crate::dataflow::eval::java_hash_order;
use crate::dataflow::path;
use crate::dataflow::template::Template;
use crate::load::Node;

/// AWS's ceiling on `MaxItems`: the reader stops there, and `0` means "no limit".
pub const MAX_ITEMS_LIMIT: u64 = 100_000_000;

/// AWS's cause for a JSON object that holds no array.
pub const NOT_ITERABLE: &str = "Attempting to map over non-iterable node.";
/// AWS's cause for a CSV header row that names a column twice.
pub const DUPLICATE_HEADERS: &str = "CSV headers cannot contain duplicates.";

/// A compiled `ItemReader`.
pub struct ReaderPlan {
    pub source: Source,
    /// `Parameters`: `Bucket`, `Key` (or `Prefix`), with `.$` paths.
    pub parameters: Option<Template>,
    /// `ReaderConfig.MaxItems` or `MaxItemsPath`.
    pub max_items: Option<NumberSpec>,
}

pub enum Source {
    /// `s3:getObject`: one object, parsed by `ReaderConfig.InputType`.
    Object(Format),
    /// `s3:listObjectsV2`: the objects under a prefix, one item each.
    List,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    Json,
    Jsonl,
    Csv {
        /// `CSVHeaderLocation: GIVEN`'s `CSVHeaders`; `None`: the first row.
        headers: Option<Vec<String>>,
        delimiter: char,
    },
}

/// A compiled `ResultWriter`.
pub struct WriterPlan {
    /// `Resource` + `Parameters` (`Bucket`, `Prefix`): the results are exported.
    pub export: Option<Template>,
    pub transformation: Transformation,
    pub jsonl: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Transformation {
    /// Each child execution's output with its metadata (ARN, input, dates, status).
    None,
    /// The outputs alone.
    Compact,
    /// The outputs, arrays flattened one level.
    Flatten,
}

/// The S3 action of an `arn:<partition>:states:::s3:<action>` resource.
fn s3_action(resource: &str) -> Option<&str> {
    let rest = resource.strip_prefix("arn:")?;
    let (_partition, rest) = rest.split_once(':')?;
    rest.strip_prefix("states:::s3:")
}

fn str_field<'n>(node: &'n Node, field: &str) -> Option<&'n str> {
    node.get(field).and_then(Node::as_str)
}

pub fn compile_reader(node: &Node) -> Result<ReaderPlan, String> {
    let resource = str_field(node, "Resource").unwrap_or_default();
    let config = node.get("ReaderConfig");
    let input_type = config.and_then(|c| str_field(c, "InputType"));
    let source = match s3_action(resource) {
        Some("listObjectsV2") => Source::List,
        Some("getObject") => Source::Object(match input_type {
            Some("JSON") => Format::Json,
            Some("JSONL") => Format::Jsonl,
            Some("CSV") => {
                let setting = |field: &str| config.and_then(|c| str_field(c, field));
                let headers = match setting("CSVHeaderLocation") {
                    Some("GIVEN") => Some(
                        config
                            .and_then(|c| c.get("CSVHeaders"))
                            .and_then(Node::as_array)
                            .unwrap_or_default()
                            .iter()
                            .map(|h| h.as_str().unwrap_or_default().to_string())
                            .collect(),
                    ),
                    _ => None,
                };
                let delimiter = match setting("CSVDelimiter") {
                    None | Some("COMMA") => ',',
                    Some("PIPE") => '|',
                    Some("SEMICOLON") => ';',
                    Some("SPACE") => ' ',
                    Some("TAB") => '\t',
                    Some(other) => {
                        return Err(format!(
                            "ItemReader CSVDelimiter '{other}' is not one of COMMA, PIPE, SEMICOLON, SPACE, TAB"
                        ));
                    }
                };
                Format::Csv { headers, delimiter }
            }
            Some(t @ ("MANIFEST" | "PARQUET")) => {
                let what = if t == "MANIFEST" {
                    "an S3 inventory"
                } else {
                    "Apache Parquet"
                };
                return Err(format!(
                    "ItemReader InputType {t} ({what}) cannot be read locally (only JSON, JSONL and CSV \
                     objects, and s3:listObjectsV2): point the ItemReader at a JSON, JSONL or CSV file instead"
                ));
            }
            Some(other) => return Err(format!("ItemReader InputType '{other}' is unknown")),
            None => {
                return Err(
                    "an s3:getObject ItemReader needs ReaderConfig.InputType (JSON, JSONL or CSV)"
                        .into(),
                );
            }
        }),
        _ => {
            return Err(format!(
                "ItemReader Resource '{resource}' cannot run locally: use arn:aws:states:::s3:getObject \
                 or arn:aws:states:::s3:listObjectsV2"
            ));
        }
    };
    let parameters = node
        .get("Parameters")
        .map(|p| {
            Template::compile(&p.to_value()).map_err(|e| format!("ItemReader Parameters: {e}"))
        })
        .transpose()?;
    let max_items = match config {
        Some(c) => match (
            c.get("MaxItems").and_then(Node::as_f64_lenient),
            str_field(c, "MaxItemsPath"),
        ) {
            (Some(n), _) => Some(NumberSpec::Literal(n)),
            (None, Some(text)) => Some(NumberSpec::Path(
                path::parse(text).map_err(|e| format!("MaxItemsPath: {}", e.message))?,
                text.to_string(),
            )),
            _ => None,
        },
        None => None,
    };
    Ok(ReaderPlan {
        source,
        parameters,
        max_items,
    })
}

pub fn compile_writer(node: &Node) -> Result<WriterPlan, String> {
    let export = match str_field(node, "Resource") {
        Some(resource) if s3_action(resource) == Some("putObject") => Some(
            Template::compile(
                &node
                    .get("Parameters")
                    .map(Node::to_value)
                    .unwrap_or_else(|| json!({})),
            )
            .map_err(|e| format!("ResultWriter Parameters: {e}"))?,
        ),
        Some(resource) => {
            return Err(format!(
                "ResultWriter Resource '{resource}' cannot run locally: use arn:aws:states:::s3:putObject"
            ));
        }
        None => None,
    };
    let config = node.get("WriterConfig");
    // AWS: NONE is the default when exporting without a WriterConfig; COMPACT otherwise.
    let transformation = match config.and_then(|c| str_field(c, "Transformation")) {
        Some("NONE") => Transformation::None,
        Some("COMPACT") => Transformation::Compact,
        Some("FLATTEN") => Transformation::Flatten,
        None if export.is_some() => Transformation::None,
        None => Transformation::Compact,
        Some(other) => {
            return Err(format!(
                "ResultWriter Transformation '{other}' is not one of NONE, COMPACT, FLATTEN"
            ));
        }
    };
    let jsonl = match config.and_then(|c| str_field(c, "OutputType")) {
        None | Some("JSON") => false,
        Some("JSONL") => true,
        Some(other) => {
            return Err(format!(
                "ResultWriter OutputType '{other}' is not one of JSON, JSONL"
            ));
        }
    };
    Ok(WriterPlan {
        export,
        transformation,
        jsonl,
    })
}

/// The batches of an ItemBatcher, each `{"BatchInput": ..., "Items": [...]}`:
/// at most `max_items` items (when given), and at most `max_bytes` bytes of
/// JSON (when given; AWS's quota of 256 KiB otherwise), a batch holding at
/// least one item whatever its size.
pub fn batch(
    items: Vec<Value>,
    max_items: Option<f64>,
    max_bytes: Option<f64>,
    batch_input: Option<&Value>,
) -> Vec<Value> {
    let max_items = match max_items {
        Some(n) if n >= 1.0 => n as usize,
        _ => usize::MAX,
    };
    let max_bytes = match max_bytes {
        Some(n) if n >= 1.0 => (n as usize).min(MAX_BATCH_BYTES),
        _ => MAX_BATCH_BYTES,
    };
    let wrap = |chunk: Vec<Value>| {
        let mut o = Map::new();
        if let Some(b) = batch_input {
            o.insert("BatchInput".into(), b.clone());
        }
        o.insert("Items".into(), Value::Array(chunk));
        Value::Object(o)
    };
    // `{"BatchInput":...,"Items":[]}`, then each item and its comma.
    let empty = wrap(Vec::new()).to_string().len();
    let mut batches = Vec::new();
    let mut chunk = Vec::new();
    let mut bytes = empty;
    for item in items {
        let len = item.to_string().len();
        if !chunk.is_empty() && (chunk.len() == max_items || bytes + 1 + len > max_bytes) {
            batches.push(wrap(std::mem::take(&mut chunk)));
            bytes = empty;
        }
        bytes += len + usize::from(!chunk.is_empty());
        chunk.push(item);
    }
    if !chunk.is_empty() {
        batches.push(wrap(chunk));
    }
    batches
}

/// AWS's payload quota, the most a batch can hold.
const MAX_BATCH_BYTES: usize = 256 * 1024;

/// `MaxItems` as a limit: `0` and values past AWS's ceiling read up to the ceiling.
pub fn item_limit(max_items: Option<u64>) -> usize {
    match max_items {
        None | Some(0) => MAX_ITEMS_LIMIT as usize,
        Some(n) => n.min(MAX_ITEMS_LIMIT) as usize,
    }
}

/// The local file or directory of `bucket` / `key`. Refuses names that would leave
/// the S3 directory or cannot be files.
pub fn local_path(root: &Path, bucket: &str, key: &str) -> Result<PathBuf, String> {
    if bucket.is_empty() || bucket.contains(['/', '\\']) || bucket == "." || bucket == ".." {
        return Err(format!(
            "the bucket name '{bucket}' cannot be a directory under {}",
            root.display()
        ));
    }
    let mut p = root.join(bucket);
    if key.is_empty() {
        return Ok(p);
    }
    for part in key.split('/') {
        // A trailing slash (a "folder" prefix) is fine; anything else must be a plain name.
        if part.is_empty() {
            continue;
        }
        let mut comps = Path::new(part).components();
        match (comps.next(), comps.next()) {
            (Some(Component::Normal(_)), None) if !part.contains('\\') => p.push(part),
            _ => {
                return Err(format!(
                    "the key '{key}' cannot be a file under {}: '{part}' is not a plain name",
                    p.display()
                ));
            }
        }
    }
    Ok(p)
}

/// The string parameter `name` of an ItemReader's or ResultWriter's `Parameters`.
pub fn param<'v>(params: &'v Value, name: &str, what: &str) -> Result<Option<&'v str>, String> {
    match params.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!(
            "the {what} parameter {name} must be a string, but was {other}"
        )),
    }
}

/// Reads the items of an `ItemReader` whose `Parameters` evaluated to `params`.
/// `Err` is the cause of a `States.ItemReaderFailed`.
pub fn read(
    root: &Path,
    source: &Source,
    params: &Value,
    limit: usize,
) -> Result<Vec<Value>, String> {
    let bucket = param(params, "Bucket", "ItemReader")?
        .ok_or("the ItemReader's Parameters have no Bucket")?;
    let bucket_dir = existing_bucket(root, bucket)?;
    match source {
        Source::List => {
            let prefix = param(params, "Prefix", "ItemReader")?.unwrap_or_default();
            list_objects(&bucket_dir, prefix, limit)
        }
        Source::Object(format) => {
            let key = param(params, "Key", "ItemReader")?
                .ok_or("the ItemReader's Parameters have no Key")?;
            let file = local_path(root, bucket, key)?;
            let bytes = match std::fs::read(&file) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound || file.is_dir() => {
                    return Err(format!(
                        "NoSuchKey: The specified key does not exist. The object s3://{bucket}/{key} \
                         is the local file {}, which is missing",
                        file.display()
                    ));
                }
                Err(e) => return Err(format!("{}: cannot read: {e}", file.display())),
            };
            let text = String::from_utf8(bytes)
                .map_err(|_| format!("{}: the object is not UTF-8 text", file.display()))?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            // AWS's own causes stay as AWS words them; the others name the file.
            parse(text, format, limit).map_err(|e| match e.as_str() {
                NOT_ITERABLE | DUPLICATE_HEADERS => e,
                _ => format!("{}: {e}", file.display()),
            })
        }
    }
}

/// Parses an object's text as `format`, keeping at most `limit` items.
pub fn parse(text: &str, format: &Format, limit: usize) -> Result<Vec<Value>, String> {
    match format {
        Format::Json => {
            let v: Value = serde_json::from_str(text)
                .map_err(|e| format!("the object is not valid JSON: {e}"))?;
            match v {
                Value::Array(mut items) => {
                    items.truncate(limit);
                    Ok(items)
                }
                _ => Err(NOT_ITERABLE.into()),
            }
        }
        Format::Jsonl => {
            let mut items = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if items.len() >= limit {
                    break;
                }
                if line.trim().is_empty() {
                    continue;
                }
                items.push(serde_json::from_str(line).map_err(|e| {
                    format!(
                        "line {} is not valid JSON (JSONL holds one JSON value per line): {e}",
                        i + 1
                    )
                })?);
            }
            Ok(items)
        }
        Format::Csv { headers, delimiter } => {
            parse_csv(text, headers.as_deref(), *delimiter, limit)
        }
    }
}

fn parse_csv(
    text: &str,
    given: Option<&[String]>,
    delimiter: char,
    limit: usize,
) -> Result<Vec<Value>, String> {
    let mut rows = csv_records(text, delimiter).into_iter();
    let headers: Vec<String> = match given {
        Some(h) => h.to_vec(),
        None => match rows.next() {
            Some(h) => h,
            None => return Ok(Vec::new()),
        },
    };
    let mut seen = std::collections::HashSet::new();
    if !headers.iter().all(|h| seen.insert(h)) {
        return Err(DUPLICATE_HEADERS.into());
    }
    // AWS builds each row in a Java HashMap: its recorded histories list the keys in
    // that map's order (`0`, `{}`, `True` for the header row `0,True,{}`).
    let order = java_hash_order(&headers);
    Ok(rows
        .take(limit)
        .map(|row| {
            // Missing fields are empty strings; extra fields are dropped.
            let o: Map<String, Value> = order
                .iter()
                .map(|&i| {
                    let v = row.get(i).cloned().unwrap_or_default();
                    (headers[i].clone(), Value::String(v))
                })
                .collect();
            Value::Object(o)
        })
        .collect())
}

/// Splits CSV text into records, by AWS's rules: `delimiter` between fields, newlines
/// between records, double quotes around a field let it hold both (`""` is a quote,
/// inside quotes or not),
/// a backslash escapes a backslash, a quote or the delimiter and is dropped before
/// any other character. Empty lines hold no record.
pub fn csv_records(text: &str, delimiter: char) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    // Whether the current line has any character (an empty line is no record).
    let mut started = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                started = true;
                if let Some(next) = chars.next() {
                    field.push(next);
                }
            }
            '"' if quoted => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            }
            '"' if field.is_empty() => {
                started = true;
                quoted = true;
            }
            // Outside quotes too, a doubled quote is one quote (AWS's example:
            // `{""MyKey"":""MyValue""}` is `{"MyKey":"MyValue"}`).
            '"' => {
                if chars.peek() == Some(&'"') {
                    chars.next();
                }
                field.push('"');
            }
            '\r' | '\n' if !quoted => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                if started {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                started = false;
            }
            c if c == delimiter && !quoted => {
                started = true;
                record.push(std::mem::take(&mut field));
            }
            c => {
                started = true;
                field.push(c);
            }
        }
    }
    if started {
        record.push(field);
        records.push(record);
    }
    records
}

/// `s3:listObjectsV2`: every file under the bucket's directory whose key starts with
/// `prefix`, in key order (as S3 lists them), shaped as AWS hands them to the Map.
fn list_objects(bucket_dir: &Path, prefix: &str, limit: usize) -> Result<Vec<Value>, String> {
    let mut objects = Vec::new();
    for entry in walkdir::WalkDir::new(bucket_dir).follow_links(true) {
        let entry = entry.map_err(|e| format!("{}: cannot list: {e}", bucket_dir.display()))?;
        if !entry.file_type().is_file() || is_temp_file(entry.file_name()) {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(bucket_dir)
            .unwrap_or(entry.path());
        let key = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        if key.starts_with(prefix) {
            objects.push((key, entry.into_path()));
        }
    }
    // S3 lists keys in UTF-8 byte order.
    objects.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    objects.truncate(limit);
    objects
        .into_iter()
        .map(|(key, file)| {
            use md5::Digest as _;
            let bytes = std::fs::read(&file)
                .map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
            let modified = std::fs::metadata(&file)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs());
            let etag: String = md5::Md5::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            Ok(json!({
                "Etag": format!("\"{etag}\""),
                "Key": key,
                "LastModified": modified,
                "Size": bytes.len(),
                "StorageClass": "STANDARD",
            }))
        })
        .collect()
}

const TEMP_MARK: &str = ".sfn-tmp-";

fn is_temp_file(name: &std::ffi::OsStr) -> bool {
    name.to_string_lossy().contains(TEMP_MARK)
}

/// One child execution of a Map Run, for the `ResultWriter` and the Map Run's
/// record (which a redrive reads).
#[derive(Debug, Clone)]
pub struct Child {
    pub index: usize,
    pub input: Value,
    pub outcome: Result<Value, StatesError>,
    pub start: String,
    pub stop: String,
}

/// A child execution's name: a UUID derived from the Map Run and the item's
/// index, so runs are reproducible.
pub fn child_execution_name(map_run_arn: &str, index: usize) -> String {
    use md5::Digest as _;
    let d = md5::Md5::digest(format!("{map_run_arn}#{index}").as_bytes());
    let h: String = d.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// A distributed Map's Map Run, and the names its child executions go by.
#[derive(Debug, Clone)]
pub struct MapRun {
    pub arn: String,
    /// The children's state machine: `<machine>/<label>`.
    pub machine_name: String,
}

impl MapRun {
    /// The Map Run's id: the last part of its ARN.
    pub fn id(&self) -> &str {
        self.arn.rsplit(':').next().unwrap_or(&self.arn)
    }

    /// A child's execution name (see [`child_execution_name`]).
    pub fn child_name(&self, index: usize) -> String {
        child_execution_name(&self.arn, index)
    }

    /// A child's execution ARN.
    pub fn child_arn(&self, name: &str) -> String {
        super::execution_arn(&self.machine_name, name)
    }

    /// The children's state machine's ARN.
    pub fn machine_arn(&self) -> String {
        super::state_machine_arn(&self.machine_name)
    }

    /// A child as `Transformation: NONE` shows it: its DescribeExecution fields.
    fn described(&self, child: &Child) -> Value {
        let name = self.child_name(child.index);
        let mut o = Map::new();
        if let Err(e) = &child.outcome {
            if !e.cause_absent {
                o.insert("Cause".into(), json!(e.cause));
            }
            if !e.error_absent {
                o.insert("Error".into(), json!(e.error));
            }
        }
        o.insert("ExecutionArn".into(), json!(self.child_arn(&name)));
        o.insert("Input".into(), json!(child.input.to_string()));
        o.insert("InputDetails".into(), json!({"Included": true}));
        o.insert("Name".into(), json!(name));
        if let Ok(output) = &child.outcome {
            o.insert("Output".into(), json!(output.to_string()));
            o.insert("OutputDetails".into(), json!({"Included": true}));
        }
        o.insert("RedriveCount".into(), json!(0));
        match &child.outcome {
            Ok(_) => {
                o.insert("RedriveStatus".into(), json!("NOT_REDRIVABLE"));
                o.insert(
                    "RedriveStatusReason".into(),
                    json!("Execution is SUCCEEDED and cannot be redriven"),
                );
            }
            Err(_) => {
                o.insert("RedriveStatus".into(), json!("REDRIVABLE"));
            }
        }
        o.insert("StartDate".into(), json!(child.start));
        o.insert("StateMachineArn".into(), json!(self.machine_arn()));
        o.insert(
            "Status".into(),
            json!(if child.outcome.is_ok() {
                "SUCCEEDED"
            } else {
                "FAILED"
            }),
        );
        o.insert("StopDate".into(), json!(child.stop));
        Value::Object(o)
    }
}

/// The children's results as `transformation` shapes them. A failed child is always
/// shown whole (AWS: "If a child workflow execution fails, Step Functions returns its
/// execution result unchanged").
pub fn transform(run: &MapRun, children: &[Child], transformation: Transformation) -> Vec<Value> {
    let mut out = Vec::with_capacity(children.len());
    for child in children {
        match (&child.outcome, transformation) {
            (Ok(v), Transformation::Compact) => out.push(v.clone()),
            (Ok(Value::Array(items)), Transformation::Flatten) => out.extend(items.iter().cloned()),
            (Ok(v), Transformation::Flatten) => out.push(v.clone()),
            _ => out.push(run.described(child)),
        }
    }
    out
}

/// A distributed Map without a `ResultWriter`: its result is `COMPACT` ("Default when
/// ResultWriter is not specified", AWS's ResultWriter page), in which a tolerated
/// failed child is its execution's record, as `NONE` shows it, not `null`.
pub fn compact(run: &MapRun, children: &[Child], outputs: &mut [Value]) {
    for child in children.iter().filter(|c| c.outcome.is_err()) {
        if let Some(slot) = outputs.get_mut(child.index) {
            *slot = run.described(child);
        }
    }
}

/// Exports the Map Run's results as AWS does: `<Prefix>/<map run id>/SUCCEEDED_0.json`,
/// `FAILED_0.json` (only those with entries) and `manifest.json` listing them. Returns
/// the Map state's result, `{"MapRunArn", "ResultWriterDetails": {"Bucket", "Key"}}`.
/// `Err` is the cause of a `States.ResultWriterFailed`.
pub fn write_results(
    root: &Path,
    params: &Value,
    run: &MapRun,
    children: &[Child],
    writer: &WriterPlan,
) -> Result<Value, String> {
    let bucket = param(params, "Bucket", "ResultWriter")?
        .ok_or("the ResultWriter's Parameters have no Bucket")?;
    let mut prefix = param(params, "Prefix", "ResultWriter")?
        .unwrap_or_default()
        .to_string();
    if !prefix.is_empty() && !prefix.ends_with('/') {
        prefix.push('/');
    }
    existing_bucket(root, bucket)?;
    let base = format!("{prefix}{}/", run.id());
    let mut files = Map::new();
    for (status, ok) in [("FAILED", false), ("PENDING", false), ("SUCCEEDED", true)] {
        let selected: Vec<Child> = if status == "PENDING" {
            // Children run one after another here: none is left running when the run ends.
            Vec::new()
        } else {
            children
                .iter()
                .filter(|c| c.outcome.is_ok() == ok)
                .cloned()
                .collect()
        };
        let mut listed = Vec::new();
        if !selected.is_empty() {
            let entries = transform(run, &selected, writer.transformation);
            let body = if writer.jsonl {
                entries.iter().map(|e| format!("{e}\n")).collect::<String>()
            } else {
                Value::Array(entries).to_string()
            };
            let key = format!("{base}{status}_0.json");
            write_atomic(&local_path(root, bucket, &key)?, body.as_bytes())?;
            listed.push(json!({"Key": key, "Size": body.len()}));
        }
        files.insert(status.into(), Value::Array(listed));
    }
    let manifest = json!({
        "DestinationBucket": bucket,
        "MapRunArn": run.arn,
        "ResultFiles": files,
    });
    let key = format!("{base}manifest.json");
    write_atomic(
        &local_path(root, bucket, &key)?,
        manifest.to_string().as_bytes(),
    )?;
    Ok(json!({
        "MapRunArn": run.arn,
        "ResultWriterDetails": {"Bucket": bucket, "Key": key},
    }))
}

/// Writes `bytes` to `path` whole or not at all: a temporary file in the same
/// directory, then a rename over the target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}{TEMP_MARK}{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("{}: cannot write: {e}", path.display())
    })
}

/// The local directory that stands for `bucket`; S3's NoSuchBucket when it is missing.
fn existing_bucket(root: &Path, bucket: &str) -> Result<PathBuf, String> {
    let bucket_dir = local_path(root, bucket, "")?;
    if !bucket_dir.is_dir() {
        return Err(format!(
            "NoSuchBucket: The specified bucket does not exist. The bucket '{bucket}' is the local \
             directory {}, which is missing: create it (the S3 directory is set by --s3-dir)",
            bucket_dir.display()
        ));
    }
    Ok(bucket_dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn csv_keys_come_in_java_hash_map_order_as_aws_records_them() {
        // AWS's recorded outputs: header `0,True,{}` gives keys 0, {}, True;
        // header `H1,` gives "", H1.
        let keys = strings(&["0", "True", "{}"]);
        let order: Vec<&str> = java_hash_order(&keys)
            .into_iter()
            .map(|i| keys[i].as_str())
            .collect();
        assert_eq!(order, ["0", "{}", "True"]);
        let keys = strings(&["H1", ""]);
        let order: Vec<&str> = java_hash_order(&keys)
            .into_iter()
            .map(|i| keys[i].as_str())
            .collect();
        assert_eq!(order, ["", "H1"]);
    }

    #[test]
    fn csv_as_aws_parses_it() {
        // AWS's recorded case: extra fields dropped, missing ones empty, blanks kept.
        let text =
            "Col1,Col2,Col3\nValue1,Value2,Value3\n,,,\ntrue,1,'HelloWorld'\nNull,None,\n   \n";
        let items = parse(
            text,
            &Format::Csv {
                headers: None,
                delimiter: ',',
            },
            usize::MAX,
        )
        .unwrap();
        assert_eq!(
            Value::Array(items).to_string(),
            r#"[{"Col1":"Value1","Col2":"Value2","Col3":"Value3"},{"Col1":"","Col2":"","Col3":""},{"Col1":"true","Col2":"1","Col3":"'HelloWorld'"},{"Col1":"Null","Col2":"None","Col3":""},{"Col1":"   ","Col2":"","Col3":""}]"#
        );
    }

    #[test]
    fn csv_quotes_and_backslashes() {
        // AWS's documented example: quoted commas, doubled quotes and a newline.
        let text = "abc,123,\"This string contains commas, a double quotation marks (\"\"), and a newline (\n)\",{\"\"MyKey\"\":\"\"MyValue\"\"},\"[1,2,3]\"\n";
        assert_eq!(
            csv_records(text, ','),
            vec![strings(&[
                "abc",
                "123",
                "This string contains commas, a double quotation marks (\"), and a newline (\n)",
                "{\"MyKey\":\"MyValue\"}",
                "[1,2,3]"
            ])]
        );
        assert_eq!(
            csv_records(
                "path|size\r\nC:\\\\Program Files\\\\MyApp.exe|6534512\r\n\r\na\\|b|\\x\n",
                '|'
            ),
            vec![
                strings(&["path", "size"]),
                strings(&["C:\\Program Files\\MyApp.exe", "6534512"]),
                strings(&["a|b", "x"]),
            ]
        );
    }

    #[test]
    fn keys_cannot_leave_the_s3_directory() {
        let root = Path::new("s3");
        assert_eq!(
            local_path(root, "b", "dir/file.json").unwrap(),
            Path::new("s3/b/dir/file.json")
        );
        assert!(local_path(root, "b", "../x").is_err());
        assert!(local_path(root, "..", "x").is_err());
        assert!(local_path(root, "a/b", "x").is_err());
    }

    #[test]
    fn max_items_zero_means_no_limit() {
        assert_eq!(item_limit(Some(0)), MAX_ITEMS_LIMIT as usize);
        assert_eq!(item_limit(Some(2)), 2);
        assert_eq!(item_limit(Some(100_000_001)), MAX_ITEMS_LIMIT as usize);
    }
}

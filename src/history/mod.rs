//! Execution history: events in the shape and order AWS's `GetExecutionHistory`
//! returns them.

use std::borrow::Cow;
use std::sync::Arc;

use serde_json::{Map, Value, json};

mod read;
mod write;

pub use write::{Retain, write_str, write_value};

/// One history event.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: u64,
    pub previous_event_id: u64,
    /// Milliseconds since the Unix epoch, on the run's clock.
    pub timestamp_ms: i64,
    /// `ExecutionStarted`, `PassStateEntered`, ...
    pub event_type: &'static str,
    /// The `...EventDetails` object, if the type has one.
    pub details: Option<Details>,
}

/// One field of an `...EventDetails` object. A run records tens of thousands of
/// events, so the common fields avoid building JSON objects: a state's name is
/// shared with the plan, and the `{"truncated": false}` beside every payload is a
/// marker.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    /// Any other JSON, boxed: a Value is several times the size of the rest.
    Json(Box<Value>),
    /// A string: errors, causes, ARNs.
    Text(String),
    /// A payload: JSON text, kept already escaped as a JSON string's contents,
    /// since it is written into the history file and nowhere else.
    Payload(JsonText),
    /// Text shared with the plan (state names).
    Shared(Arc<str>),
    /// AWS's `{"truncated": false}` beside a payload.
    NotTruncated,
    /// A non-negative integer (an iteration's index, a Map's length), not boxed.
    Count(u64),
}

impl From<Value> for Field {
    fn from(v: Value) -> Self {
        match v {
            Value::String(s) => Field::Text(s),
            Value::Number(n) => match n.as_u64() {
                Some(u) => Field::Count(u),
                None => Field::Json(Box::new(Value::Number(n))),
            },
            v => Field::Json(Box::new(v)),
        }
    }
}

impl Field {
    pub fn to_json(&self) -> Value {
        match self {
            Field::Json(v) => (**v).clone(),
            Field::Text(s) => Value::String(s.clone()),
            Field::Payload(p) => Value::String(p.text()),
            Field::Shared(s) => Value::String(s.to_string()),
            Field::NotTruncated => json!({ "truncated": false }),
            Field::Count(n) => Value::from(*n),
        }
    }

    /// The field as a string, if it is one held as it is (not a payload).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Field::Json(v) => v.as_str(),
            Field::Text(s) => Some(s),
            Field::Payload(_) => None,
            Field::Shared(s) => Some(s),
            Field::NotTruncated | Field::Count(_) => None,
        }
    }
}

impl serde::Serialize for Field {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Field::Json(v) => v.serialize(serializer),
            Field::Text(s) => serializer.serialize_str(s),
            Field::Payload(p) => serializer.serialize_str(&p.text()),
            Field::Shared(s) => serializer.serialize_str(s),
            Field::NotTruncated => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("truncated", &false)?;
                map.end()
            }
            Field::Count(n) => serializer.serialize_u64(*n),
        }
    }
}

/// An `...EventDetails` object: its fields in AWS's order (a handful per event, so
/// a list, not a hash map).
#[derive(Debug, Clone, PartialEq)]
pub struct Details(Vec<(&'static str, Field)>);

impl Default for Details {
    /// Room for the usual fields (name, input, inputDetails, ...) without regrowing.
    fn default() -> Self {
        Details(Vec::with_capacity(4))
    }
}

impl Details {
    /// Room for exactly `n` fields: tens of thousands of events are kept until
    /// the history is written.
    pub fn with_capacity(n: usize) -> Self {
        Details(Vec::with_capacity(n))
    }

    /// Sets `key`, in place if it is there, else at the end.
    pub fn insert(&mut self, key: &'static str, value: impl Into<Field>) {
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// Adds `key`, not set yet (builder style): appended without a search, as
    /// every event builds its details this way.
    pub fn with(mut self, key: &'static str, value: impl Into<Field>) -> Self {
        debug_assert!(self.get(key).is_none(), "{key} set twice");
        self.0.push((key, value.into()));
        self
    }

    /// A payload as JSON text, and its `...Details` marker (`input` and
    /// `inputDetails`, `output` and `outputDetails`), neither set yet.
    pub fn payload(self, key: &'static str, details_key: &'static str, text: JsonText) -> Self {
        self.with(key, Field::Payload(text))
            .with(details_key, Field::NotTruncated)
    }

    pub fn get(&self, key: &str) -> Option<&Field> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn to_json(&self) -> Map<String, Value> {
        self.0
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_json()))
            .collect()
    }
}

impl serde::Serialize for Details {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// The name of the details member for an event type, as AWS names it.
pub fn details_key(event_type: &str) -> Cow<'static, str> {
    if event_type.ends_with("StateEntered") {
        return Cow::Borrowed("stateEnteredEventDetails");
    }
    if event_type.ends_with("StateExited") {
        return Cow::Borrowed("stateExitedEventDetails");
    }
    // The types with details, spelled out: a history has tens of thousands of events.
    Cow::Borrowed(match event_type {
        "ActivityFailed" => "activityFailedEventDetails",
        "ActivityScheduleFailed" => "activityScheduleFailedEventDetails",
        "ActivityScheduled" => "activityScheduledEventDetails",
        "ActivityStarted" => "activityStartedEventDetails",
        "ActivitySucceeded" => "activitySucceededEventDetails",
        "ActivityTimedOut" => "activityTimedOutEventDetails",
        "ExecutionAborted" => "executionAbortedEventDetails",
        "ExecutionFailed" => "executionFailedEventDetails",
        "ExecutionRedriven" => "executionRedrivenEventDetails",
        "ExecutionStarted" => "executionStartedEventDetails",
        "ExecutionSucceeded" => "executionSucceededEventDetails",
        "ExecutionTimedOut" => "executionTimedOutEventDetails",
        "LambdaFunctionFailed" => "lambdaFunctionFailedEventDetails",
        "LambdaFunctionScheduleFailed" => "lambdaFunctionScheduleFailedEventDetails",
        "LambdaFunctionScheduled" => "lambdaFunctionScheduledEventDetails",
        "LambdaFunctionStartFailed" => "lambdaFunctionStartFailedEventDetails",
        "LambdaFunctionStarted" => "lambdaFunctionStartedEventDetails",
        "LambdaFunctionSucceeded" => "lambdaFunctionSucceededEventDetails",
        "LambdaFunctionTimedOut" => "lambdaFunctionTimedOutEventDetails",
        "MapIterationAborted" => "mapIterationAbortedEventDetails",
        "MapIterationFailed" => "mapIterationFailedEventDetails",
        "MapIterationStarted" => "mapIterationStartedEventDetails",
        "MapIterationSucceeded" => "mapIterationSucceededEventDetails",
        "MapRunFailed" => "mapRunFailedEventDetails",
        "MapRunRedriven" => "mapRunRedrivenEventDetails",
        "MapRunStarted" => "mapRunStartedEventDetails",
        "MapStateStarted" => "mapStateStartedEventDetails",
        "TaskFailed" => "taskFailedEventDetails",
        "TaskScheduled" => "taskScheduledEventDetails",
        "TaskStartFailed" => "taskStartFailedEventDetails",
        "TaskStarted" => "taskStartedEventDetails",
        "TaskSubmitFailed" => "taskSubmitFailedEventDetails",
        "TaskSubmitted" => "taskSubmittedEventDetails",
        "TaskSucceeded" => "taskSucceededEventDetails",
        "TaskTimedOut" => "taskTimedOutEventDetails",
        _ => {
            let mut key = String::with_capacity(event_type.len() + 12);
            let mut chars = event_type.chars();
            if let Some(first) = chars.next() {
                key.push(first.to_ascii_lowercase());
            }
            key.extend(chars);
            key.push_str("EventDetails");
            return Cow::Owned(key);
        }
    })
}

/// A value's compact JSON text, held as it goes into the history file: escaped
/// as the contents of a JSON string. Escaping when the value is written out
/// costs as much again as writing it, for every payload of a long history.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonText {
    escaped: String,
    len: usize,
}

impl JsonText {
    pub fn of(v: &Value) -> Self {
        with_scratch(|out| {
            let len = write::write_value_escaped(v, out);
            JsonText {
                escaped: exact_string(out),
                len,
            }
        })
    }

    /// The length of the JSON text in bytes (AWS's payload limits count it).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The JSON text.
    pub fn text(&self) -> String {
        serde_json::from_str(&format!("\"{}\"", self.escaped)).unwrap_or_default()
    }

    /// The JSON text escaped as a JSON string's contents (no quotes around).
    pub fn escaped(&self) -> &str {
        &self.escaped
    }
}

/// A value as compact JSON text (as `to_string`, without going through
/// `fmt::Display`'s writer, which costs twice as much on large payloads).
pub fn json_text(v: &Value) -> String {
    with_scratch(|out| {
        write::write_value(v, out);
        exact_string(out)
    })
}

/// The text in `bytes`, in a block of exactly its size. `bytes` is what
/// [`write`]'s writers put in a buffer: ASCII, and whole `str`s copied byte for
/// byte (escapes are ASCII and never split a character). Checking it again was
/// a sixth of the cost of a payload's history text.
fn exact_string(bytes: &mut Vec<u8>) -> String {
    debug_assert!(std::str::from_utf8(bytes).is_ok());
    // A large text (an execution's output) takes the buffer itself, cut to its
    // length where it is (the allocator shrinks a block in place down to half
    // its size): copied, it was hundreds of kilobytes of fresh pages.
    if bytes.len() >= LARGE_TEXT && bytes.len() >= bytes.capacity() / 2 {
        let mut taken = std::mem::take(bytes);
        taken.shrink_to_fit();
        // SAFETY: as below.
        return unsafe { String::from_utf8_unchecked(taken) };
    }
    // SAFETY: valid UTF-8, as said above (and asserted in debug builds and tests).
    unsafe { std::str::from_utf8_unchecked(bytes) }.to_owned()
}

/// From this length on, [`exact_string`] takes the buffer rather than copy it.
const LARGE_TEXT: usize = 1 << 16;

thread_local! {
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Runs `f` on an empty buffer kept for the thread, where JSON text is written
/// before it is copied out at its exact size or written to a file. A buffer of
/// its own for each text would leave, as it grows, a trail of freed blocks of
/// every size (pages the process touches once and never uses again), and a
/// small payload's buffer would keep room it never fills.
pub fn with_scratch<R>(f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buf) => {
            buf.clear();
            f(&mut buf)
        }
        // Already in use further up the stack: a buffer of its own.
        Err(_) => f(&mut Vec::new()),
    })
}

impl Event {
    /// The event as `GetExecutionHistory` returns it.
    pub fn to_json(&self) -> Value {
        let mut obj = Map::new();
        obj.insert("timestamp".into(), json!(self.timestamp_ms as f64 / 1000.0));
        obj.insert("type".into(), json!(self.event_type));
        obj.insert("id".into(), json!(self.id));
        obj.insert("previousEventId".into(), json!(self.previous_event_id));
        if let Some(d) = &self.details {
            obj.insert(
                details_key(self.event_type).into_owned(),
                Value::Object(d.to_json()),
            );
        }
        Value::Object(obj)
    }

    /// The state this event belongs to, if its details name one.
    pub fn state_name(&self) -> Option<&str> {
        if self.event_type.ends_with("StateEntered") || self.event_type.ends_with("StateExited") {
            self.details.as_ref()?.get("name")?.as_str()
        } else {
            None
        }
    }
}

/// An execution's events, in order.
///
/// While a run streams its history ([`History::stream_to`]), `events` holds only
/// the latest events: the earlier ones are with the writer, and come back when
/// the stream ends ([`History::end_stream`]).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub events: Vec<Event>,
    /// How many events, before `events[0]`, are with the writer.
    handed: usize,
    stream: write::StreamSlot,
}

impl History {
    /// A history with room for `n` events.
    pub fn with_capacity(n: usize) -> Self {
        History {
            events: Vec::with_capacity(n),
            ..History::default()
        }
    }

    /// Appends an event; returns its id.
    pub fn push(
        &mut self,
        event_type: &'static str,
        previous_event_id: u64,
        timestamp_ms: i64,
        details: Option<Details>,
    ) -> u64 {
        let id = self.len() as u64 + 1;
        self.events.push(Event {
            id,
            previous_event_id,
            timestamp_ms,
            event_type,
            details,
        });
        self.hand_over();
        id
    }

    /// Keeps the first `len` events. Only those not yet handed to the writer can go.
    pub fn truncate(&mut self, len: usize) {
        debug_assert!(
            len >= self.handed,
            "events already written cannot be removed"
        );
        self.events.truncate(len.saturating_sub(self.handed));
    }

    /// How many events the execution has recorded (handed to the writer or not).
    pub fn len(&self) -> usize {
        self.handed + self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// From now on, events are written to `sink` as `GetExecutionHistory`'s JSON
    /// (then a newline) on another thread, a batch at a time while the run goes
    /// on, instead of all at the end. Only events appended later may change the
    /// history: none already recorded may be altered or removed. `retain`: what
    /// is left in `events` once the stream ends.
    pub fn stream_to(&mut self, sink: Box<dyn std::io::Write + Send>, retain: Retain) {
        self.stream = write::StreamSlot::new(sink, retain);
        self.hand_over();
    }

    /// Whether the events are being written as they are recorded.
    pub fn is_streamed(&self) -> bool {
        self.stream.is_active()
    }

    /// Hands the writer all but the latest events, once there are enough to be
    /// worth a batch. To call after appending to `events` directly.
    pub fn hand_over(&mut self) {
        if let Some(batch) = self.stream.take_batch(&mut self.events) {
            self.handed += batch.len();
            self.stream.send(batch);
        }
    }

    /// Ends the stream begun by [`History::stream_to`]: the rest is written, and
    /// every event is back in `events` (under [`Retain::Count`], none is, and
    /// `len` still counts them). `None` if the history was not streamed;
    /// otherwise whether the whole text was written.
    pub fn end_stream(&mut self) -> Option<std::io::Result<()>> {
        if !self.stream.is_active() {
            return None;
        }
        let total = self.len();
        let rest = std::mem::take(&mut self.events);
        let (result, mut batches) = self.stream.finish(rest)?;
        self.events = if batches.len() == 1 {
            batches.pop().unwrap_or_default()
        } else {
            let mut events = Vec::with_capacity(total);
            for batch in &mut batches {
                events.append(batch);
            }
            events
        };
        self.handed = total - self.events.len();
        Some(result)
    }

    /// `GetExecutionHistory`'s response.
    pub fn to_json(&self) -> Value {
        json!({ "events": self.events.iter().map(Event::to_json).collect::<Vec<_>>() })
    }
}

impl serde::Serialize for Event {
    /// As [`Event::to_json`], without building a JSON tree first.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(4 + usize::from(self.details.is_some())))?;
        map.serialize_entry("timestamp", &(self.timestamp_ms as f64 / 1000.0))?;
        map.serialize_entry("type", self.event_type)?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("previousEventId", &self.previous_event_id)?;
        if let Some(d) = &self.details {
            map.serialize_entry(&*details_key(self.event_type), d)?;
        }
        map.end()
    }
}

impl serde::Serialize for History {
    /// `GetExecutionHistory`'s response, as [`History::to_json`] gives it.
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("events", &self.events)?;
        map.end()
    }
}

/// AWS's `{"truncated": false}` beside a payload, as JSON.
pub fn not_truncated() -> Value {
    json!({ "truncated": false })
}

/// Builds a details object from `(key, value)` pairs, leaving out `None`s.
pub fn details<const N: usize>(fields: [(&'static str, Option<Value>); N]) -> Details {
    Details(
        fields
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k, Field::from(v))))
            .collect(),
    )
}

#[cfg(test)]
pub(crate) mod testing {
    /// A sink a test reads once the history's writer thread is done with it.
    #[derive(Clone, Default)]
    pub struct Shared(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Shared {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializing_directly_gives_the_same_json_as_to_json() {
        let mut h = History::default();
        h.push(
            "ExecutionStarted",
            0,
            1_000,
            Some(details([("input", Some(json!("{}")))])),
        );
        h.push(
            "PassStateEntered",
            0,
            1_250,
            Some(details([("name", Some(json!("A")))])),
        );
        h.push("MapStateSucceeded", 2, 1_500, None);
        let direct: serde_json::Value =
            serde_json::from_str(&serde_json::to_string(&h).unwrap()).unwrap();
        assert_eq!(direct, h.to_json());
    }

    #[test]
    fn details_keys_follow_aws_naming() {
        assert_eq!(details_key("PassStateEntered"), "stateEnteredEventDetails");
        assert_eq!(details_key("MapStateExited"), "stateExitedEventDetails");
        assert_eq!(details_key("TaskScheduled"), "taskScheduledEventDetails");
        assert_eq!(
            details_key("ExecutionStarted"),
            "executionStartedEventDetails"
        );
        assert_eq!(
            details_key("MapIterationStarted"),
            "mapIterationStartedEventDetails"
        );
        assert_eq!(
            details_key("LambdaFunctionSucceeded"),
            "lambdaFunctionSucceededEventDetails"
        );
    }

    #[test]
    fn events_render_as_get_execution_history() {
        let mut h = History::default();
        let d = details([
            ("name", Some(json!("A"))),
            ("input", Some(json!("{}"))),
            ("x", None),
        ]);
        let id = h.push("PassStateEntered", 0, 1_500, Some(d));
        assert_eq!(id, 1);
        assert_eq!(
            h.to_json(),
            json!({"events": [{"timestamp": 1.5, "type": "PassStateEntered", "id": 1, "previousEventId": 0,
                   "stateEnteredEventDetails": {"name": "A", "input": "{}"}}]})
        );
        assert_eq!(h.events[0].state_name(), Some("A"));
    }
}

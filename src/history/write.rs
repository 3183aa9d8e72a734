//! Writes a history as `GetExecutionHistory`'s JSON straight into bytes.
//!
//! A 25,000-event history is about 5 MB of JSON, most of it the same keys and
//! event types again and again: those are written as they are, and only text
//! that may need escaping (payloads, names, errors) goes through the escaper.
//! The result is byte for byte what `serde_json::to_writer` gives for the
//! [`History`]'s `Serialize` impl (a test holds them together).

use super::{Details, Event, Field, History, details_key};

impl History {
    /// Writes `{"events":[...]}` to `w`, a chunk at a time: the whole text of a
    /// long history would be megabytes of memory to fault in for one write. (A
    /// run's own history is streamed while it runs: see [`History::stream_to`].)
    pub fn write_to(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        let mut f = Formatter::new();
        for event in &self.events {
            f.event(event, w)?;
        }
        f.end(w, b"]}")
    }
}

/// Events per batch handed to the writer of a streamed history, and how many of
/// the latest are kept back (the engine looks at the last event's id).
const HAND_OVER_AT: usize = 1024;
const KEEP: usize = 64;

/// A streamed history's writer: a thread that formats the batches it is handed
/// and writes them to the sink while the run goes on, on the core the engine
/// leaves idle; it keeps the batches to give back when the stream ends, or frees
/// them (see [`Retain`]). Started with the first batch: a short history is
/// written at the end on the caller's thread, without a thread.
#[derive(Default)]
pub(super) struct StreamSlot(Option<Writer>, Retain);

enum Writer {
    /// No batch yet.
    Waiting(Box<dyn std::io::Write + Send>),
    Running {
        batches: std::sync::mpsc::Sender<Vec<Event>>,
        /// Under [`Retain::Count`], the batches written, emptied: the lists the
        /// next batches are taken into.
        spare: std::sync::mpsc::Receiver<Vec<Event>>,
        worker: std::thread::JoinHandle<StreamEnd>,
    },
    /// The thread could not be started: nothing is written; the batches are kept.
    Failed(std::io::Error, Vec<Vec<Event>>),
}

/// What the writer ends with: whether everything was written, and the batches.
type StreamEnd = (std::io::Result<()>, Vec<Vec<Event>>);

impl StreamSlot {
    pub(super) fn new(sink: Box<dyn std::io::Write + Send>, retain: Retain) -> StreamSlot {
        StreamSlot(Some(Writer::Waiting(sink)), retain)
    }

    pub(super) fn is_active(&self) -> bool {
        self.0.is_some()
    }

    /// All but the latest [`KEEP`] of `events`, once there are enough of them.
    pub(super) fn take_batch(&self, events: &mut Vec<Event>) -> Option<Vec<Event>> {
        if self.0.is_none() || events.len() < HAND_OVER_AT + KEEP {
            return None;
        }
        let n = events.len() - KEEP;
        if self.1 == Retain::Count {
            // The list itself goes, the latest events moved to a list the writer is
            // done with: copied into a new list each time, the batches of a long
            // run were megabytes of fresh pages, freed on the writer's thread.
            let spare = match &self.0 {
                Some(Writer::Running { spare, .. }) => spare.try_recv().ok(),
                _ => None,
            };
            let mut rest = spare.unwrap_or_else(|| Vec::with_capacity(events.capacity()));
            rest.extend(events.drain(n..));
            return Some(std::mem::replace(events, rest));
        }
        let mut batch = Vec::with_capacity(n);
        batch.extend(events.drain(..n));
        Some(batch)
    }

    pub(super) fn send(&mut self, batch: Vec<Event>) {
        if let Some(Writer::Waiting(_)) = self.0 {
            let Some(Writer::Waiting(sink)) = self.0.take() else {
                return;
            };
            self.0 = Some(spawn(sink, self.1));
        }
        match &mut self.0 {
            // The writer receives until `finish` drops the sender.
            Some(Writer::Running { batches, .. }) => {
                let _ = batches.send(batch);
            }
            Some(Writer::Failed(_, kept)) => kept.push(batch),
            _ => {}
        }
    }

    /// Writes `rest` (here, if no batch went before), waits for the writer, and
    /// returns what it ended with.
    pub(super) fn finish(&mut self, rest: Vec<Event>) -> Option<StreamEnd> {
        match self.0.take()? {
            Writer::Waiting(mut sink) => {
                let mut f = Formatter::new();
                let written = rest
                    .iter()
                    .try_for_each(|e| f.event(e, &mut sink))
                    .and_then(|()| f.end(&mut sink, b"]}\n"));
                Some((written, self.1.kept(vec![rest])))
            }
            Writer::Running {
                batches, worker, ..
            } => {
                let _ = batches.send(rest);
                drop(batches);
                Some(
                    worker
                        .join()
                        .unwrap_or_else(|e| std::panic::resume_unwind(e)),
                )
            }
            Writer::Failed(e, mut kept) => {
                kept.push(rest);
                Some((Err(e), self.1.kept(kept)))
            }
        }
    }
}

/// The writer thread, receiving batches until the sender is dropped.
fn spawn(mut sink: Box<dyn std::io::Write + Send>, retain: Retain) -> Writer {
    let (batches, received) = std::sync::mpsc::channel::<Vec<Event>>();
    let (give_back, spare) = std::sync::mpsc::channel::<Vec<Event>>();
    let worker = std::thread::Builder::new()
        .name("history".into())
        .spawn(move || {
            let mut f = Formatter::new();
            let mut kept = Vec::new();
            let mut result = Ok(());
            for mut batch in received {
                if result.is_ok() {
                    result = batch.iter().try_for_each(|e| f.event(e, &mut sink));
                }
                if retain == Retain::Events {
                    kept.push(batch);
                } else {
                    // The events freed here once written (the engine's next
                    // allocations reuse them); the list goes back to take the next batch.
                    batch.clear();
                    let _ = give_back.send(batch);
                }
            }
            (result.and_then(|()| f.end(&mut sink, b"]}\n")), kept)
        });
    match worker {
        Ok(worker) => Writer::Running {
            batches,
            spare,
            worker,
        },
        Err(e) => Writer::Failed(e, Vec::new()),
    }
}

impl Drop for StreamSlot {
    /// A run that stops without an execution (a Task without a mock) leaves no
    /// writer behind: it ends, and the thread with it, before the caller goes on.
    fn drop(&mut self) {
        let _ = self.finish(Vec::new());
    }
}

/// What a streamed history keeps of its events once they are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Retain {
    /// Every event, back in `events` when the stream ends.
    #[default]
    Events,
    /// Only their count: a caller that needs the text alone holds less memory.
    Count,
}

impl Retain {
    fn kept(self, batches: Vec<Vec<Event>>) -> Vec<Vec<Event>> {
        match self {
            Retain::Events => batches,
            Retain::Count => Vec::new(),
        }
    }
}

impl std::fmt::Debug for StreamSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "streaming" } else { "-" })
    }
}

impl Clone for StreamSlot {
    /// A copy of a history is not written out: only the run's own is.
    fn clone(&self) -> Self {
        StreamSlot(None, self.1)
    }
}

impl PartialEq for StreamSlot {
    /// Histories are equal by their events, however they are written.
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Formats events into `GetExecutionHistory`'s JSON, a chunk of text at a time.
struct Formatter {
    out: Vec<u8>,
    stamp: Stamp,
    first: bool,
}

impl Formatter {
    const CHUNK: usize = 1 << 16;

    fn new() -> Self {
        let mut out = Vec::with_capacity(Self::CHUNK + 4096);
        out.extend_from_slice(b"{\"events\":[");
        Formatter {
            out,
            stamp: Stamp::default(),
            first: true,
        }
    }

    fn event(&mut self, e: &Event, w: &mut impl std::io::Write) -> std::io::Result<()> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        write_event(e, &mut self.stamp, &mut self.out, w)?;
        if self.out.len() >= Self::CHUNK {
            w.write_all(&self.out)?;
            self.out.clear();
        }
        Ok(())
    }

    /// Writes the rest, then `tail` (the end of the text).
    fn end(mut self, w: &mut impl std::io::Write, tail: &[u8]) -> std::io::Result<()> {
        self.out.extend_from_slice(tail);
        w.write_all(&self.out)?;
        w.flush()
    }
}

/// The last timestamp written, as text: most events of a run on the virtual
/// clock share their timestamp with the one before.
#[derive(Default)]
struct Stamp {
    ms: Option<i64>,
    text: Vec<u8>,
}

/// `e` into `out`, but for a payload larger than a chunk (see [`write_details`]).
fn write_event(
    e: &Event,
    stamp: &mut Stamp,
    out: &mut Vec<u8>,
    w: &mut impl std::io::Write,
) -> std::io::Result<()> {
    // The engine's own names (ASCII letters): written as they are.
    debug_assert!(e.event_type.bytes().all(|b| ESCAPE[b as usize] == 0));
    if stamp.ms != Some(e.timestamp_ms) {
        stamp.text.clear();
        write_seconds(e.timestamp_ms, &mut stamp.text);
        stamp.ms = Some(e.timestamp_ms);
    }
    out.extend_from_slice(b"{\"timestamp\":");
    out.extend_from_slice(&stamp.text);
    out.extend_from_slice(b",\"type\":\"");
    out.extend_from_slice(e.event_type.as_bytes());
    out.extend_from_slice(b"\",\"id\":");
    out.extend_from_slice(itoa::Buffer::new().format(e.id).as_bytes());
    out.extend_from_slice(b",\"previousEventId\":");
    out.extend_from_slice(itoa::Buffer::new().format(e.previous_event_id).as_bytes());
    if let Some(d) = &e.details {
        out.extend_from_slice(b",\"");
        out.extend_from_slice(details_key(e.event_type).as_bytes());
        out.extend_from_slice(b"\":");
        write_details(d, out, w)?;
    }
    out.push(b'}');
    Ok(())
}

fn write_details(
    d: &Details,
    out: &mut Vec<u8>,
    w: &mut impl std::io::Write,
) -> std::io::Result<()> {
    out.push(b'{');
    for (i, (key, field)) in d.0.iter().enumerate() {
        debug_assert!(key.bytes().all(|b| ESCAPE[b as usize] == 0), "{key}");
        out.extend_from_slice(if i > 0 { b",\"" } else { b"\"" });
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":");
        match field {
            Field::Json(v) => write_value(v, out),
            Field::Text(s) => write_str(s, out),
            // An execution's input or output, hundreds of kilobytes: written to `w`
            // from where it is, after what `out` holds. Copied into `out`, it grew
            // the buffer to its size, in fresh pages.
            Field::Payload(p) if p.escaped().len() > Formatter::CHUNK => {
                out.push(b'"');
                w.write_all(out)?;
                out.clear();
                w.write_all(p.escaped().as_bytes())?;
                out.push(b'"');
            }
            Field::Payload(p) => {
                out.reserve(p.escaped().len() + 2);
                out.push(b'"');
                out.extend_from_slice(p.escaped().as_bytes());
                out.push(b'"');
            }
            Field::Shared(s) => write_str(s, out),
            Field::NotTruncated => out.extend_from_slice(b"{\"truncated\":false}"),
            Field::Count(n) => out.extend_from_slice(itoa::Buffer::new().format(*n).as_bytes()),
        }
    }
    out.push(b'}');
    Ok(())
}

/// Milliseconds since the epoch as seconds, as serde_json writes the `f64`
/// `ms / 1000`: the shortest decimal that reads back as that number. Below
/// 10^15 ms the decimal `ms / 1000` has at most 15 significant digits, so it is
/// that shortest decimal: the integer part, then the milliseconds without their
/// trailing zeros (at least `.0`).
fn write_seconds(ms: i64, out: &mut Vec<u8>) {
    if !(0..1_000_000_000_000_000).contains(&ms) {
        let _ = serde_json::to_writer(&mut *out, &(ms as f64 / 1000.0));
        return;
    }
    out.extend_from_slice(itoa::Buffer::new().format(ms / 1000).as_bytes());
    out.push(b'.');
    let frac = ms % 1000;
    let digits = [
        b'0' + (frac / 100) as u8,
        b'0' + (frac / 10 % 10) as u8,
        b'0' + (frac % 10) as u8,
    ];
    let len = if frac % 100 == 0 {
        1
    } else if frac % 10 == 0 {
        2
    } else {
        3
    };
    out.extend_from_slice(&digits[..len]);
}

/// `v` as compact JSON, as `serde_json::to_writer` writes it.
pub fn write_value(v: &serde_json::Value, out: &mut Vec<u8>) {
    use serde_json::Value;
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.extend_from_slice(itoa::Buffer::new().format(u).as_bytes());
            } else if let Some(i) = n.as_i64() {
                out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes());
            } else {
                // Writing into a Vec cannot fail.
                let _ = serde_json::to_writer(&mut *out, n);
            }
        }
        Value::String(s) => write_str(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            out.push(b'{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(k, out);
                out.push(b':');
                write_value(item, out);
            }
            out.push(b'}');
        }
    }
}

/// `v`'s compact JSON text, written escaped as the contents of a JSON string
/// (what [`write_str`] would make of `write_value`'s output, without its
/// quotes); returns the length of the text itself.
pub fn write_value_escaped(v: &serde_json::Value, out: &mut Vec<u8>) -> usize {
    use serde_json::Value;
    match v {
        Value::Null => plain(b"null", out),
        Value::Bool(true) => plain(b"true", out),
        Value::Bool(false) => plain(b"false", out),
        Value::Number(_) => {
            // Numbers hold no character that needs escaping.
            let start = out.len();
            write_value(v, out);
            out.len() - start
        }
        Value::String(s) => write_str_escaped(s, out),
        Value::Array(items) => {
            let mut len = plain(b"[", out);
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    len += plain(b",", out);
                }
                len += write_value_escaped(item, out);
            }
            len + plain(b"]", out)
        }
        Value::Object(map) => {
            let mut len = plain(b"{", out);
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    len += plain(b",", out);
                }
                len += write_str_escaped(k, out);
                len += plain(b":", out);
                len += write_value_escaped(item, out);
            }
            len + plain(b"}", out)
        }
    }
}

fn plain(bytes: &[u8], out: &mut Vec<u8>) -> usize {
    out.extend_from_slice(bytes);
    bytes.len()
}

/// A string of the JSON text, escaped once more: its quotes are `\"`, and each
/// backslash of its own escapes doubled. Returns the length of the string as
/// it is in the JSON text (quotes and escapes included).
fn write_str_escaped(s: &str, out: &mut Vec<u8>) -> usize {
    let bytes = s.as_bytes();
    // Most keys and string values need no escape: copied whole.
    if bytes.iter().all(|&b| ESCAPE[b as usize] == 0) {
        out.reserve(bytes.len() + 4);
        out.extend_from_slice(b"\\\"");
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\\\"");
        return bytes.len() + 2;
    }
    out.reserve(bytes.len() + 4);
    out.extend_from_slice(b"\\\"");
    let mut len = 2;
    for &b in bytes {
        match ESCAPE[b as usize] {
            0 => {
                out.push(b);
                len += 1;
            }
            b'u' => {
                out.push(b'\\');
                out.extend_from_slice(&unicode_escape(b));
                len += 6;
            }
            b'"' => {
                out.extend_from_slice(b"\\\\\\\"");
                len += 2;
            }
            b'\\' => {
                out.extend_from_slice(b"\\\\\\\\");
                len += 2;
            }
            letter => {
                out.extend_from_slice(&[b'\\', b'\\', letter]);
                len += 2;
            }
        }
    }
    out.extend_from_slice(b"\\\"");
    len
}

/// A control character as JSON writes it: `\u00XX`.
fn unicode_escape(b: u8) -> [u8; 6] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    [
        b'\\',
        b'u',
        b'0',
        b'0',
        HEX[(b >> 4) as usize],
        HEX[(b & 0xf) as usize],
    ]
}

/// What each byte becomes inside a JSON string: 0 for itself, else the letter
/// after the backslash (`u` for `\u00XX`), as serde_json escapes.
pub(super) const ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = b'u';
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

/// `s` as a JSON string.
pub fn write_str(s: &str, out: &mut Vec<u8>) {
    let bytes = s.as_bytes();
    // Most names and keys need no escape: copied whole.
    if bytes.iter().all(|&b| ESCAPE[b as usize] == 0) {
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    // Payloads are JSON text, a quote every few bytes: copying runs between
    // escapes costs a call per run, so bytes go one by one into room made up
    // front (twice the text: every byte escaped). Control characters, six bytes
    // each and rare, start over on the slow path.
    let start = out.len();
    out.resize(start + bytes.len() * 2 + 2, 0);
    let buf = &mut out[start..];
    buf[0] = b'"';
    let mut j = 1;
    for &b in bytes {
        let escape = ESCAPE[b as usize];
        if escape == b'u' {
            out.truncate(start);
            return write_str_with_controls(bytes, out);
        }
        if escape != 0 {
            buf[j] = b'\\';
            buf[j + 1] = escape;
            j += 2;
        } else {
            buf[j] = b;
            j += 1;
        }
    }
    buf[j] = b'"';
    out.truncate(start + j + 1);
}

fn write_str_with_controls(bytes: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in bytes {
        match ESCAPE[b as usize] {
            0 => out.push(b),
            b'u' => out.extend_from_slice(&unicode_escape(b)),
            escape => out.extend_from_slice(&[b'\\', escape]),
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{Details, Field, History, JsonText, details};
    use super::*;

    fn both(h: &History) -> (String, String) {
        let mut fast = Vec::new();
        h.write_to(&mut fast).unwrap();
        (
            String::from_utf8(fast).unwrap(),
            serde_json::to_string(h).unwrap(),
        )
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let mut h = History::default();
        let started = Details::default()
            .payload(
                "input",
                "inputDetails",
                JsonText::of(
                    &json!({"a": "q\"uote\\ \n\t\u{1}\u{7f} é 😀", "n": [1, 2.5, null, true]}),
                ),
            )
            .with("roleArn", json!("arn:aws:iam::1:role/r"));
        h.push("ExecutionStarted", 0, 1_700_000_000_000, Some(started));
        let entered = Details::default()
            .with("name", Field::Shared("Tag \"x\"".into()))
            .payload("input", "inputDetails", JsonText::of(&json!({})));
        h.push("PassStateEntered", 1, 1_700_000_000_120, Some(entered));
        h.push(
            "MapIterationStarted",
            2,
            1_700_000_000_123,
            Some(details([
                ("index", Some(json!(3))),
                ("name", Some(json!("M"))),
            ])),
        );
        h.push(
            "TaskFailed",
            3,
            1_700_000_001_100,
            Some(details([
                ("error", Some(json!("E"))),
                ("cause", Some(json!("line\r\nbreak"))),
                ("nested", Some(json!({"k": {"v": [1]}}))),
            ])),
        );
        h.push("MapStateSucceeded", 4, 5, None);
        h.push("ExecutionAborted", 0, 0, Some(Details::default()));
        let (fast, serde) = both(&h);
        assert_eq!(fast, serde);
    }

    #[test]
    fn a_long_history_written_in_chunks_is_the_same_json() {
        let mut h = History::default();
        for i in 0..5_000u64 {
            let d = Details::default()
                .with("name", Field::Shared("S".into()))
                .payload("input", "inputDetails", JsonText::of(&json!({ "i": i })));
            h.push("PassStateEntered", i, 1_700_000_000_000 + i as i64, Some(d));
        }
        let (fast, serde) = both(&h);
        assert_eq!(fast, serde);
    }

    #[test]
    fn a_write_that_fails_part_way_ends_the_write_with_its_error() {
        struct FailsAfter(usize);
        impl std::io::Write for FailsAfter {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                if self.0 < buf.len() {
                    return Err(std::io::Error::other("disk full"));
                }
                self.0 -= buf.len();
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut h = History::default();
        for i in 0..20_000u64 {
            let d = Details::default()
                .with("name", Field::Shared("S".into()))
                .payload("input", "inputDetails", JsonText::of(&json!({ "i": i })));
            h.push("PassStateEntered", i, 1_700_000_000_000, Some(d));
        }
        // Failing in the first chunk, and in a later one.
        for allowed in [10, 1 << 20] {
            let err = h.write_to(&mut FailsAfter(allowed)).unwrap_err();
            assert_eq!(err.to_string(), "disk full");
        }
    }

    use crate::history::testing::Shared;

    fn event_details(i: u64) -> Details {
        Details::default()
            .with("name", Field::Shared("S".into()))
            .payload("input", "inputDetails", JsonText::of(&json!({ "i": i })))
    }

    #[test]
    fn a_streamed_history_is_written_as_a_whole_one_and_keeps_every_event() {
        for n in [0u64, 1, 1_087, 1_088, 1_089, 5_000] {
            let sink = Shared::default();
            let mut streamed = History::default();
            streamed.stream_to(Box::new(sink.clone()), Retain::Events);
            let mut whole = History::default();
            for i in 0..n {
                // Some events appended directly, as the engine appends iterations.
                if i % 7 == 0 {
                    let id = streamed.len() as u64 + 1;
                    streamed.events.push(Event {
                        id,
                        previous_event_id: i,
                        timestamp_ms: 1_700_000_000_000 + i as i64,
                        event_type: "PassStateExited",
                        details: Some(event_details(i)),
                    });
                    streamed.hand_over();
                    whole.push(
                        "PassStateExited",
                        i,
                        1_700_000_000_000 + i as i64,
                        Some(event_details(i)),
                    );
                } else {
                    let a = streamed.push(
                        "PassStateEntered",
                        i,
                        1_700_000_000_000,
                        Some(event_details(i)),
                    );
                    let b = whole.push(
                        "PassStateEntered",
                        i,
                        1_700_000_000_000,
                        Some(event_details(i)),
                    );
                    assert_eq!(a, b);
                }
                assert_eq!(streamed.len(), whole.len());
            }
            assert!(streamed.is_streamed());
            assert!(streamed.end_stream().unwrap().is_ok());
            assert!(!streamed.is_streamed());
            assert_eq!(streamed.events, whole.events, "{n} events");
            let mut expected = Vec::new();
            whole.write_to(&mut expected).unwrap();
            expected.push(b'\n');
            assert_eq!(*sink.0.lock().unwrap(), expected, "{n} events");
        }
    }

    #[test]
    fn a_streamed_write_that_fails_ends_with_its_error_and_keeps_every_event() {
        struct Full;
        impl std::io::Write for Full {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk full"))
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut h = History::default();
        h.stream_to(Box::new(Full), Retain::Events);
        for i in 0..20_000u64 {
            h.push(
                "PassStateEntered",
                i,
                1_700_000_000_000,
                Some(event_details(i)),
            );
        }
        assert_eq!(
            h.end_stream().unwrap().unwrap_err().to_string(),
            "disk full"
        );
        assert_eq!(h.events.len(), 20_000);
        assert!(
            h.events
                .iter()
                .enumerate()
                .all(|(i, e)| e.id == i as u64 + 1)
        );
    }

    #[test]
    fn an_unstreamed_history_has_no_stream_to_end() {
        let mut h = History::default();
        h.push("PassStateEntered", 0, 0, None);
        assert!(h.end_stream().is_none());
        assert_eq!(h.events.len(), 1);
    }

    #[test]
    fn timestamps_are_the_shortest_decimal_of_the_seconds() {
        for ms in [
            0,
            1,
            10,
            100,
            999,
            1_000,
            1_001,
            1_010,
            1_100,
            1_700_000_000_000,
            1_700_000_000_001,
            1_700_000_000_050,
            1_763_769_600_999,
            999_999_999_999_999,
            1_000_000_000_000_000,
            -1,
            -1_500,
            i64::MAX,
        ] {
            let mut out = Vec::new();
            write_seconds(ms, &mut out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(&(ms as f64 / 1000.0)).unwrap(),
                "{ms}"
            );
        }
    }

    #[test]
    fn values_are_written_as_serde_json_writes_them() {
        let v = json!({"a": [1, -2, 2.5, 1e300, -0.0, null, true, false, "x\u{0}y"],
                       "": {}, "b": [], "c": {"d": u64::MAX, "e": i64::MIN}});
        let mut out = Vec::new();
        write_value(&v, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
    }

    #[test]
    fn escaped_text_is_the_json_text_escaped_once_more() {
        let all: String = (0u8..=0x7f).map(char::from).collect();
        for v in [
            json!({"a": [1, -2, 2.5, null, true, false, "q\"uote\\ \n\t é 😀"], "": {}, all.clone(): all}),
            json!("x"),
            json!(3),
            json!([]),
        ] {
            let text = serde_json::to_string(&v).unwrap();
            let mut escaped = Vec::new();
            let len = write_value_escaped(&v, &mut escaped);
            assert_eq!(len, text.len());
            let mut once_more = Vec::new();
            write_str(&text, &mut once_more);
            assert_eq!(
                format!("\"{}\"", String::from_utf8(escaped).unwrap()),
                String::from_utf8(once_more).unwrap()
            );
        }
    }

    #[test]
    fn every_byte_is_escaped_as_serde_json_escapes_it() {
        let all: String = (0u8..=0x7f).map(char::from).collect();
        let mut out = Vec::new();
        write_str(&all, &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&all).unwrap()
        );
    }
}

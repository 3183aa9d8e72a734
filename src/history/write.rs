//! Writes a history as `GetExecutionHistory`'s JSON straight into bytes.
//!
//! A 25,000-event history is about 5 MB of JSON, most of it the same keys and
//! event types again and again: those are written as they are, and only text
//! that may need escaping (payloads, names, errors) goes through the escaper.
//! The result is byte for byte what `serde_json::to_writer` gives for the
//! [`History`]'s `Serialize` impl (a test holds them together).

use super::{Details, Event, Field, History, details_key};

impl History {
    /// Appends `{"events":[...]}` to `out`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        out.reserve(self.events.len() * 200);
        out.extend_from_slice(b"{\"events\":[");
        for (i, event) in self.events.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_event(event, out);
        }
        out.extend_from_slice(b"]}");
    }
}

fn write_event(e: &Event, out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"timestamp\":");
    write_seconds(e.timestamp_ms, out);
    out.extend_from_slice(b",\"type\":");
    write_str(e.event_type, out);
    out.extend_from_slice(b",\"id\":");
    out.extend_from_slice(itoa::Buffer::new().format(e.id).as_bytes());
    out.extend_from_slice(b",\"previousEventId\":");
    out.extend_from_slice(itoa::Buffer::new().format(e.previous_event_id).as_bytes());
    if let Some(d) = &e.details {
        out.push(b',');
        write_str(&details_key(e.event_type), out);
        out.push(b':');
        write_details(d, out);
    }
    out.push(b'}');
}

fn write_details(d: &Details, out: &mut Vec<u8>) {
    out.push(b'{');
    for (i, (key, field)) in d.0.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(key, out);
        out.push(b':');
        match field {
            Field::Json(serde_json::Value::String(s)) => write_str(s, out),
            Field::Json(v) => {
                // Writing into a Vec cannot fail, and a Value always serializes.
                let _ = serde_json::to_writer(&mut *out, v);
            }
            Field::Shared(s) => write_str(s, out),
            Field::NotTruncated => out.extend_from_slice(b"{\"truncated\":false}"),
        }
    }
    out.push(b'}');
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

/// What each byte becomes inside a JSON string: 0 for itself, else the letter
/// after the backslash (`u` for `\u00XX`), as serde_json escapes.
const ESCAPE: [u8; 256] = {
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
fn write_str(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape = ESCAPE[b as usize];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if escape == b'u' {
            out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 0xf) as usize],
            ]);
        } else {
            out.extend_from_slice(&[b'\\', escape]);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{Details, Field, History, details};
    use super::*;

    fn both(h: &History) -> (String, String) {
        let mut fast = Vec::new();
        h.write_json(&mut fast);
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
                json!({"a": "q\"uote\\ \n\t\u{1}\u{7f} é 😀", "n": [1, 2.5, null, true]})
                    .to_string(),
            )
            .with("roleArn", json!("arn:aws:iam::1:role/r"));
        h.push("ExecutionStarted", 0, 1_700_000_000_000, Some(started));
        let entered = Details::default()
            .with("name", Field::Shared("Tag \"x\"".into()))
            .payload("input", "inputDetails", "{}".into());
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

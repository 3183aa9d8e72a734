//! Execution history: events in the shape and order AWS's `GetExecutionHistory`
//! returns them.

use serde_json::{Map, Value, json};

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
    pub details: Option<Map<String, Value>>,
}

/// The name of the details member for an event type, as AWS names it.
pub fn details_key(event_type: &str) -> String {
    if event_type.ends_with("StateEntered") {
        return "stateEnteredEventDetails".into();
    }
    if event_type.ends_with("StateExited") {
        return "stateExitedEventDetails".into();
    }
    let mut key = String::with_capacity(event_type.len() + 12);
    let mut chars = event_type.chars();
    if let Some(first) = chars.next() {
        key.push(first.to_ascii_lowercase());
    }
    key.extend(chars);
    key.push_str("EventDetails");
    key
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
            obj.insert(details_key(self.event_type), Value::Object(d.clone()));
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
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    pub events: Vec<Event>,
}

impl History {
    /// Appends an event; returns its id.
    pub fn push(
        &mut self,
        event_type: &'static str,
        previous_event_id: u64,
        timestamp_ms: i64,
        details: Option<Map<String, Value>>,
    ) -> u64 {
        let id = self.events.len() as u64 + 1;
        self.events.push(Event {
            id,
            previous_event_id,
            timestamp_ms,
            event_type,
            details,
        });
        id
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
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
            map.serialize_entry(&details_key(self.event_type), d)?;
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

/// Builds a details object from `(key, value)` pairs, leaving out nulls.
pub fn details<const N: usize>(fields: [(&str, Option<Value>); N]) -> Map<String, Value> {
    fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
        .collect()
}

/// AWS's `{"truncated": false}` beside every payload.
pub fn not_truncated() -> Value {
    json!({ "truncated": false })
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

use crate::declare_rule;
use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Node;
use crate::model::{Condition, QueryLanguage, StateType};
use crate::validate::Context;

/// The Choice operators whose literal operand is a timestamp.
const TIMESTAMP_OPERATORS: &[&str] = &[
    "TimestampEquals",
    "TimestampLessThan",
    "TimestampGreaterThan",
    "TimestampLessThanEquals",
    "TimestampGreaterThanEquals",
];

declare_rule! {
    /// ## What it checks
    /// That a Wait state's `Timestamp` and the literal operand of a Choice rule's
    /// `TimestampEquals`, `TimestampLessThan`, `TimestampGreaterThan`,
    /// `TimestampLessThanEquals` and `TimestampGreaterThanEquals` are timestamps:
    /// RFC 3339 date and time with a time zone, such as `2016-08-18T17:33:00Z`,
    /// `2016-08-18T17:33:00.250Z` or `2016-08-18T19:33:00+02:00`. Dates and times
    /// must exist (no `2023-02-29`, no `24:00`). JSONata expressions are not judged.
    ///
    /// ## Why
    /// AWS refuses the definition (`SCHEMA_VALIDATION_FAILED`): the value cannot
    /// be compared or waited for. A missing time zone (`2016-08-18T17:33:00`) or a
    /// space instead of `T` are the usual mistakes. AWS's documentation asks for an
    /// uppercase `T` and `Z`; its parser also takes lowercase ones and a time without
    /// seconds, so those are not reported.
    ///
    /// ## Example
    /// ```json
    /// "Wait": {"Type": "Wait", "Timestamp": "2024-06-01 09:00:00", "Next": "Go"}
    /// ```
    /// Write `"2024-06-01T09:00:00Z"` (UTC) or give the offset, `"2024-06-01T09:00:00+02:00"`.
    pub static RULE = Rule {
        id: "timestamp",
        code: "SCHEMA_VALIDATION_FAILED",
        severity: Severity::Error,
        summary: "Wait Timestamp and Choice Timestamp* operands are RFC 3339 timestamps",
        check,
    };
}

/// Why `s` is not a timestamp AWS parses (ISO-8601 date-time with an offset), if it is not.
pub fn timestamp_problem(s: &str) -> Option<&'static str> {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize, n: usize| -> Option<u32> {
        let part = b.get(*i..*i + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *i += n;
        Some(part.iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0')))
    };
    let expect = |i: &mut usize, c: u8| -> bool {
        if b.get(*i).is_some_and(|x| x.eq_ignore_ascii_case(&c)) {
            *i += 1;
            true
        } else {
            false
        }
    };
    const SHAPE: &str = "expected YYYY-MM-DDThh:mm:ss followed by Z or an offset such as +02:00";
    let Some(year) = digits(&mut i, 4) else {
        return Some(SHAPE);
    };
    if !expect(&mut i, b'-') {
        return Some(SHAPE);
    }
    let Some(month) = digits(&mut i, 2) else {
        return Some(SHAPE);
    };
    if !expect(&mut i, b'-') {
        return Some(SHAPE);
    }
    let Some(day) = digits(&mut i, 2) else {
        return Some(SHAPE);
    };
    if !expect(&mut i, b'T') {
        return Some("the date and the time must be separated by T");
    }
    let Some(hour) = digits(&mut i, 2) else {
        return Some(SHAPE);
    };
    if !expect(&mut i, b':') {
        return Some(SHAPE);
    }
    let Some(minute) = digits(&mut i, 2) else {
        return Some(SHAPE);
    };
    let mut second = 0;
    if expect(&mut i, b':') {
        let Some(s) = digits(&mut i, 2) else {
            return Some(SHAPE);
        };
        second = s;
        if expect(&mut i, b'.') {
            let start = i;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i - start > 9 {
                return Some("fractions of a second have at most 9 digits");
            }
        }
    }
    if month == 0 || month > 12 {
        return Some("the month must be 01 to 12");
    }
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day == 0 || day > days {
        return Some("that day does not exist in that month");
    }
    if hour > 23 || minute > 59 || second > 59 {
        return Some("the time must be 00:00:00 to 23:59:59");
    }
    match b.get(i) {
        Some(b'Z' | b'z') => i += 1,
        Some(b'+' | b'-') => {
            i += 1;
            let (Some(h), true, Some(m)) =
                (digits(&mut i, 2), expect(&mut i, b':'), digits(&mut i, 2))
            else {
                return Some("the offset must be +hh:mm or -hh:mm");
            };
            if expect(&mut i, b':') && digits(&mut i, 2).is_none_or(|s| s > 59) {
                return Some("the offset must be +hh:mm or -hh:mm");
            }
            if h > 18 || m > 59 || (h == 18 && m > 0) {
                return Some("the offset must be between -18:00 and +18:00");
            }
        }
        None => {
            return Some(
                "the time zone is missing: end with Z for UTC, or an offset such as +02:00",
            );
        }
        Some(_) => return Some(SHAPE),
    }
    (i != b.len()).then_some(SHAPE)
}

fn is_jsonata(value: &str) -> bool {
    value.trim_start().starts_with("{%")
}

/// `jsonata`: whether the state is a JSONata one, where `{% ... %}` is an expression
/// evaluated at run time; in a JSONPath state it is only a string that is no
/// timestamp (AWS: "String does not match RFC3339 timestamp").
fn report(out: &mut Vec<Diagnostic>, field: &str, pointer: String, node: &Node, jsonata: bool) {
    let Some(value) = node.as_str() else { return };
    let why = if is_jsonata(value) {
        if jsonata {
            return;
        }
        "a JSONata expression, in a JSONPath state (give the state \"QueryLanguage\": \"JSONata\" to evaluate it)"
    } else {
        match timestamp_problem(value) {
            Some(why) => why,
            None => return,
        }
    };
    out.push(
        RULE.diag(
            pointer,
            node.span,
            format!(
                "The {field} value does not reference a valid ISO-8601 extended offset date-time format string: '{value}'"
            ),
        )
        .with_label(why)
        .with_help("write an RFC 3339 timestamp such as 2016-08-18T17:33:00Z (UTC) or 2016-08-18T19:33:00+02:00"),
    );
}

fn conditions(c: &Condition, jsonata: bool, out: &mut Vec<Diagnostic>) {
    match c {
        Condition::And(all) | Condition::Or(all) => {
            all.iter().for_each(|c| conditions(c, jsonata, out))
        }
        Condition::Not(inner) => conditions(inner, jsonata, out),
        Condition::Compare {
            pointer,
            operator,
            operand,
            ..
        } if TIMESTAMP_OPERATORS.contains(&operator.value) => {
            report(
                out,
                operator.value,
                format!("{pointer}/{}", operator.value),
                operand,
                jsonata,
            );
        }
        _ => {}
    }
}

fn check(ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for state in &ctx.machine.states {
        let jsonata = state.query_language == QueryLanguage::Jsonata;
        if state.is(&StateType::Wait)
            && let Some(node) = state.node.get("Timestamp")
        {
            report(
                out,
                "Timestamp",
                format!("{}/Timestamp", state.pointer),
                node,
                jsonata,
            );
        }
        for rule in &state.choices {
            conditions(&rule.condition, jsonata, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::timestamp_problem;
    use crate::validate::testing::diags_of;

    fn errors(json: &str) -> Vec<(String, String)> {
        diags_of(json)
            .into_iter()
            .filter(|d| d.code == "SCHEMA_VALIDATION_FAILED" && d.message.contains("date-time"))
            .map(|d| (d.location, d.message))
            .collect()
    }

    fn wait(ts: &str) -> String {
        format!(
            r#"{{"StartAt":"W","States":{{"W":{{"Type":"Wait","Timestamp":"{ts}","End":true}}}}}}"#
        )
    }

    #[test]
    fn reports_a_wait_timestamp_without_time_zone() {
        assert_eq!(
            errors(&wait("2016-03-14T01:59:00")),
            [(
                "/States/W/Timestamp".to_string(),
                "The Timestamp value does not reference a valid ISO-8601 extended offset date-time format string: '2016-03-14T01:59:00'".to_string()
            )]
        );
    }

    #[test]
    fn reports_nested_choice_operands() {
        let d = errors(
            r#"{"StartAt":"C","States":{"C":{"Type":"Choice","Default":"S","Choices":[
               {"Not":{"And":[{"Variable":"$.t","TimestampLessThan":"2016-13-01T00:00:00Z"},
                              {"Variable":"$.t","TimestampGreaterThanPath":"$.u"}]},"Next":"S"},
               {"Variable":"$.t","TimestampEquals":"2016-08-18T17:33:00Z","Next":"S"}]},
               "S":{"Type":"Succeed"}}}"#,
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].0, "/States/C/Choices/0/Not/And/0/TimestampLessThan");
        assert!(d[0].1.starts_with("The TimestampLessThan value"));
    }

    #[test]
    fn accepts_what_aws_parses_and_jsonata() {
        for ok in [
            "2016-08-18T17:33:00Z",
            "2012-10-09T19:00:55Z",
            "2016-08-18T17:33:00.250Z",
            "2016-08-18T17:33:00.123456789Z",
            "2016-08-18T19:33:00+02:00",
            "2016-08-18T12:33:00-05:30",
            "2024-02-29T00:00:00Z",
            "2016-08-18t17:33:00z",
            "2016-08-18T17:33Z",
        ] {
            assert!(errors(&wait(ok)).is_empty(), "{ok}");
        }
        let jsonata = r#"{"QueryLanguage":"JSONata","StartAt":"W","States":{"W":{"Type":"Wait","Timestamp":"{% $states.input.when %}","End":true}}}"#;
        assert!(errors(jsonata).is_empty());
    }

    /// AWS refuses it: "SCHEMA_VALIDATION_FAILED: String does not match RFC3339
    /// timestamp at /States/WaitUntil/Timestamp" (LocalStack's AWS-validated
    /// `test_wait_timestamp_invalid[JSONATA]`, a JSONPath machine).
    #[test]
    fn a_jsonata_expression_in_a_jsonpath_state_is_no_timestamp() {
        let d = errors(&wait("{% $now() %}"));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].0, "/States/W/Timestamp");
    }

    #[test]
    fn explains_what_is_wrong() {
        assert_eq!(
            timestamp_problem("2016-08-18 17:33:00Z"),
            Some("the date and the time must be separated by T")
        );
        assert_eq!(
            timestamp_problem("2023-02-29T00:00:00Z"),
            Some("that day does not exist in that month")
        );
        assert_eq!(
            timestamp_problem("2023-01-01T24:00:00Z"),
            Some("the time must be 00:00:00 to 23:59:59")
        );
        assert!(timestamp_problem("2023-01-01T00:00:00+2:00").is_some());
        assert!(timestamp_problem("2023-01-01T00:00:00Z trailing").is_some());
        assert!(timestamp_problem("").is_some());
        assert!(timestamp_problem("2016-08-18T17:33:00.1234567890Z").is_some());
        assert!(timestamp_problem("1471541580").is_some());
    }
}

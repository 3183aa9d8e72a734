//! History speed with AWS's largest history, 25,000 events (a Map of Lambda
//! Tasks, payloads of about 150 bytes): writing it to the store and reading it
//! back (target well under 100 ms together), and rendering it as the
//! `sfn history` table (target under 200 ms).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use sfn::history::{Details, History};
use sfn::render::table::{TableOptions, history_table};
use sfn::store::{Record, Store};

const EVENTS: usize = 25_000;

fn details(fields: &[(&'static str, Value)]) -> Option<Details> {
    Some(
        fields
            .iter()
            .fold(Details::default(), |d, (k, v)| d.with(k, v.clone())),
    )
}

fn not_truncated() -> Value {
    json!({"truncated": false})
}

/// A Map over order lines, each iteration one Lambda Task: 7 events per item.
pub fn big_history() -> History {
    let mut h = History::default();
    let mut t = 1_714_564_800_000_i64;
    let mut tick = || {
        t += 3;
        t
    };
    let input = json!({"orderId": "o-1", "lines": "…"}).to_string();
    let e = h.push(
        "ExecutionStarted",
        0,
        tick(),
        details(&[
            ("input", json!(input)),
            ("inputDetails", not_truncated()),
            ("roleArn", json!("arn:aws:iam::000000000000:role/sfn")),
        ]),
    );
    let e = h.push(
        "MapStateEntered",
        e,
        tick(),
        details(&[("name", json!("EachLine")), ("input", json!(input))]),
    );
    let items = (EVENTS - 6) / 7;
    let mut prev = h.push(
        "MapStateStarted",
        e,
        tick(),
        details(&[("length", json!(items))]),
    );
    for i in 0..items {
        let item = json!({"sku": format!("SKU-{i:06}"), "quantity": i % 7 + 1, "price": {"amount": 1999, "currency": "EUR"}, "warehouse": "eu-west-1a"}).to_string();
        let it = h.push(
            "MapIterationStarted",
            prev,
            tick(),
            details(&[("name", json!("EachLine")), ("index", json!(i))]),
        );
        let en = h.push(
            "TaskStateEntered",
            it,
            tick(),
            details(&[
                ("name", json!("Reserve")),
                ("input", json!(item)),
                ("inputDetails", not_truncated()),
            ]),
        );
        let lambda = [
            ("resourceType", json!("lambda")),
            ("resource", json!("invoke")),
        ];
        let mut sched = lambda.to_vec();
        sched.push(("region", json!("eu-west-1")));
        sched.push((
            "parameters",
            json!(format!(
                "{{\"FunctionName\":\"reserve\",\"Payload\":{item}}}"
            )),
        ));
        let sc = h.push("TaskScheduled", en, tick(), details(&sched));
        let st = h.push("TaskStarted", sc, tick(), details(&lambda));
        let out = json!({"reserved": true, "sku": format!("SKU-{i:06}"), "reservationId": format!("r-{i:08x}")}).to_string();
        let mut ok = lambda.to_vec();
        ok.push(("output", json!(out)));
        ok.push(("outputDetails", not_truncated()));
        let su = h.push("TaskSucceeded", st, tick(), details(&ok));
        let ex = h.push(
            "TaskStateExited",
            su,
            tick(),
            details(&[
                ("name", json!("Reserve")),
                ("output", json!(out)),
                ("outputDetails", not_truncated()),
            ]),
        );
        prev = h.push(
            "MapIterationSucceeded",
            ex,
            tick(),
            details(&[("name", json!("EachLine")), ("index", json!(i))]),
        );
    }
    let ms = h.push("MapStateSucceeded", prev, tick(), None);
    let mx = h.push(
        "MapStateExited",
        ms,
        tick(),
        details(&[("name", json!("EachLine")), ("output", json!("[]"))]),
    );
    h.push(
        "ExecutionSucceeded",
        mx,
        tick(),
        details(&[("output", json!("[]")), ("outputDetails", not_truncated())]),
    );
    h
}

fn record(history: &History) -> Record {
    Record {
        describe: json!({"name": "big", "executionArn": "arn:aws:states:local:000000000000:execution:m:big",
            "status": "SUCCEEDED", "startDate": 1714564800.0}),
        history: history.to_json(),
        definition: json!({"StartAt": "EachLine", "States": {}}),
        input: json!({}),
        mocks: None,
        map_runs: None,
    }
}

fn bench(c: &mut Criterion) {
    let history = big_history();
    let record = record(&history);
    let size = serde_json::to_string(&record.history).unwrap().len();
    eprintln!(
        "history: {} events, {:.1} MB of JSON",
        history.len(),
        size as f64 / 1e6
    );
    assert!(history.len() >= EVENTS - 6 && history.len() <= EVENTS);

    let dir = tempfile::tempdir().unwrap();
    let store = Store::locate(Some(dir.path()));
    let mut n = 0_u64;
    let mut group = c.benchmark_group("history");
    group.sample_size(20);
    group.bench_function("to_json (engine History -> GetExecutionHistory)", |b| {
        b.iter_with_large_drop(|| black_box(&history).to_json())
    });
    group.bench_function("store write 25,000 events (Store::save)", |b| {
        b.iter(|| {
            n += 1;
            store.save(&format!("w{n}"), black_box(&record)).unwrap()
        })
    });
    store.save("big", &record).unwrap();
    group.bench_function("store read 25,000 events (Store::load)", |b| {
        b.iter_with_large_drop(|| store.load(black_box("big")).unwrap())
    });
    // Freeing a parsed history costs about as much as parsing it (one
    // allocation per string and object): timed apart, since the CLI exits
    // without freeing it.
    group.bench_function("free a loaded 25,000-event history", |b| {
        b.iter_batched(
            || store.load("big").unwrap(),
            drop,
            criterion::BatchSize::PerIteration,
        )
    });
    group.bench_function("store write + read back 25,000 events", |b| {
        b.iter_with_large_drop(|| {
            n += 1;
            let name = format!("wr{n}");
            store.save(&name, black_box(&record)).unwrap();
            store.load(&name).unwrap()
        })
    });
    let loaded = store.load("big").unwrap().history;
    let events = loaded["events"].as_array().unwrap();
    let opts = TableOptions {
        width: 80,
        color: false,
    };
    group.bench_function("table of 25,000 events (sfn history)", |b| {
        b.iter(|| history_table(black_box(events), &opts).len())
    });
    let coloured = TableOptions {
        width: 80,
        color: true,
    };
    group.bench_function("coloured table of 25,000 events", |b| {
        b.iter(|| history_table(black_box(events), &coloured).len())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

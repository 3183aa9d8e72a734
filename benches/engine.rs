//! Engine speed, history recorded: a 6,000-iteration Pass/Choice/States.MathAdd
//! loop (24,006 events) and an inline Map over 6,000 items. Targets: at least
//! 1,000,000 state transitions per second; each whole run well under 20 ms
//! (the process figure comes from `scripts/bench-process`).

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sfn::engine::{ClockKind, Plan, RunOptions, execute};
use sfn::load::{LoadOptions, load_path};
use sfn::mocks::Mocks;

fn plan(file: &str) -> Plan {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/bench")
        .join(file);
    let loaded = load_path(&path, &LoadOptions::default()).expect("benchmark definition");
    let model = sfn::model::build(&loaded.definitions[0].root);
    Plan::compile(&model).expect("runnable")
}

fn options() -> RunOptions {
    RunOptions {
        execution_name: "bench".into(),
        state_machine_name: "bench".into(),
        seed: 1,
        clock: ClockKind::Virtual,
        start_ms: 0,
        abort: Arc::new(AtomicBool::new(false)),
        s3_dir: "s3".into(),
    }
}

fn bench(c: &mut Criterion) {
    let mocks = Mocks::empty();
    let opts = options();
    let loop_plan = plan("loop-6000.asl.json");
    let probe = execute(&loop_plan, serde_json::json!({}), &mocks, &opts).unwrap();
    let transitions = probe
        .history
        .events
        .iter()
        .filter(|e| e.event_type.ends_with("StateEntered"))
        .count();
    let mut g = c.benchmark_group("engine");
    g.sample_size(20);
    g.throughput(Throughput::Elements(transitions as u64));
    g.bench_function("loop of 6,000 iterations (transitions/s)", |b| {
        b.iter(|| {
            execute(black_box(&loop_plan), serde_json::json!({}), &mocks, &opts)
                .unwrap()
                .history
                .len()
        })
    });
    let map_plan = plan("map-6000.asl.json");
    let items: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/bench/items-6000.json"),
        )
        .unwrap(),
    )
    .unwrap();
    g.throughput(Throughput::Elements(6000));
    g.bench_function("inline Map over 6,000 items (items/s)", |b| {
        b.iter(|| {
            execute(black_box(&map_plan), items.clone(), &mocks, &opts)
                .unwrap()
                .history
                .len()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

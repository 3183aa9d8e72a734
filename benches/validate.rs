//! Validation speed: one typical 50-state definition in-process (target < 50 µs,
//! load included), and 1,000 definitions in one process (target < 50 ms).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use sfn::load::{LoadOptions, load_text};
use sfn::validate::validate;

// The same allocator as the `sfn` binary, so that these figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn fifty_states() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/bench/fifty-states.asl.json"),
    )
    .expect("benchmark definition")
}

fn load_and_validate(text: &str) -> usize {
    let loaded = load_text(
        Path::new("bench.asl.json"),
        text.to_string(),
        &LoadOptions::default(),
    );
    loaded.definitions.iter().map(|d| validate(d).len()).sum()
}

fn bench(c: &mut Criterion) {
    let text = fifty_states();
    // Warm the compiled schema and anything else built once per process.
    assert_eq!(
        load_and_validate(&text),
        0,
        "the benchmark definition is valid"
    );
    c.bench_function("validate 50-state definition (load + model + rules)", |b| {
        b.iter(|| load_and_validate(black_box(&text)))
    });
    c.bench_function("load 50-state definition (parse_json only)", |b| {
        b.iter(|| sfn::load::parse_json(black_box(&text)).is_ok())
    });
    c.bench_function("load 50-state definition (load_text)", |b| {
        b.iter(|| {
            load_text(
                Path::new("bench.asl.json"),
                black_box(&text).to_string(),
                &LoadOptions::default(),
            )
            .definitions
            .len()
        })
    });
    let loaded = load_text(
        Path::new("bench.asl.json"),
        text.clone(),
        &LoadOptions::default(),
    );
    let def = &loaded.definitions[0];
    c.bench_function("validate 50-state definition (rules only)", |b| {
        b.iter(|| validate(black_box(def)).len())
    });
    // Lower bounds for the 50 µs target: what serde_json alone takes to read this
    // file (with no spans), and what the jsonschema crate alone takes to check the
    // same schema over serde_json's own value (no custom formats, so less work).
    let mut floor = c.benchmark_group("floor");
    floor.bench_function("serde_json::from_str::<IgnoredAny> (scan only)", |b| {
        b.iter(|| serde_json::from_str::<serde::de::IgnoredAny>(black_box(&text)).is_ok())
    });
    floor.bench_function("serde_json::from_str::<Value>", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&text)).is_ok())
    });
    let value: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let plain = jsonschema::validator_for(sfn::validate::rules::schema::schema()).expect("schema");
    floor.bench_function("jsonschema is_valid over serde_json::Value", |b| {
        b.iter(|| plain.is_valid(black_box(&value)))
    });
    floor.finish();
    let mut group = c.benchmark_group("batch");
    group.sample_size(10);
    group.bench_function("validate 1,000 definitions", |b| {
        b.iter(|| {
            (0..1000)
                .map(|_| load_and_validate(black_box(&text)))
                .sum::<usize>()
        })
    });
    group.finish();
    // Each rule alone, to see where the time goes. The context keeps what it works
    // out once (analysis, graphs): those are timed on their own below.
    let machine = sfn::model::build(&def.root);
    let ctx = sfn::validate::Context::new(def, &machine);
    let mut rules = c.benchmark_group("rule");
    rules.sample_size(20);
    for rule in sfn::validate::registry::RULES {
        rules.bench_function(rule.id, |b| {
            b.iter(|| {
                let mut out = Vec::new();
                (rule.check)(black_box(&ctx), &mut out);
                out.len()
            })
        });
    }
    rules.bench_function("analysis (template fields, intrinsic calls)", |b| {
        b.iter(|| {
            sfn::validate::analysis::Analysis::new(black_box(&machine))
                .fields
                .len()
        })
    });
    rules.bench_function("graphs", |b| {
        b.iter(|| {
            sfn::validate::Context::new(def, black_box(&machine))
                .graphs()
                .len()
        })
    });
    rules.bench_function("model::build", |b| {
        b.iter(|| sfn::model::build(black_box(&def.root)).states.len())
    });
    rules.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

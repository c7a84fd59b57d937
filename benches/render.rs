//! Benchmark of the whole pipeline (load, check, plan, render, verify; no disk writes) for every
//! built-in blueprint: `cargo bench --bench render`. Prints per-blueprint timings over repeated
//! runs; the first run (which parses the embedded catalog and compiles the schemas) is reported
//! separately as the cold start.

use std::time::{Duration, Instant};

const RUNS: usize = 30;

fn main() {
    let names: Vec<&str> = amlgen::blueprint::builtin::names().collect();
    let cold = Instant::now();
    for n in &names {
        amlgen::render_blueprint(n, &[], None).expect("built-ins render");
    }
    println!(
        "cold start (all {} built-ins, first run): {:?}",
        names.len(),
        cold.elapsed()
    );
    let mut total = Duration::ZERO;
    for n in &names {
        let mut times: Vec<Duration> = (0..RUNS)
            .map(|_| {
                let t = Instant::now();
                let r = amlgen::render_blueprint(n, &[], None).expect("built-ins render");
                std::hint::black_box(&r.artifacts);
                t.elapsed()
            })
            .collect();
        times.sort();
        let sum: Duration = times.iter().sum();
        total += sum / RUNS as u32;
        println!(
            "{n:<26} {RUNS} runs: min {:>8.2?}  median {:>8.2?}  max {:>8.2?}",
            times[0],
            times[RUNS / 2],
            times[RUNS - 1]
        );
    }
    println!("all built-ins, mean per full pass: {total:?}");
}

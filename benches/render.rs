//! Benchmark of the whole pipeline (load, check, plan, render, verify; no disk writes) for every
//! built-in blueprint: `cargo bench --bench render`. Prints per-blueprint timings over repeated
//! runs; the first run (which parses the embedded catalog and compiles the schemas) is reported
//! separately as the cold start. A second table splits the median run into its phases, to show
//! where a slowdown lives. Last, a fleet: `AMLGEN_BENCH_FLEET` renders (default 1,000; 0 skips
//! it), the built-ins in turn, on every core, as a service rendering many blueprints would.
//! `AMLGEN_BENCH_RUNS` sets the number of runs (default 30), e.g. 2 under callgrind. Run the
//! built binary by hand with `--bench` (as cargo does) for these defaults.

use amlgen::blueprint::Source;
use std::time::{Duration, Instant};

const PHASES: [&str; 7] = [
    "load", "check", "plan", "lower", "render", "verify", "manifest",
];

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this file too, without it,
    // in a debug build: there it is a smoke test, two runs and no fleet.
    let bench = std::env::args().any(|a| a == "--bench");
    let runs = env_count("AMLGEN_BENCH_RUNS", if bench { 30 } else { 2 }).max(1);
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
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                let r = amlgen::render_blueprint(n, &[], None).expect("built-ins render");
                std::hint::black_box(&r.artifacts);
                t.elapsed()
            })
            .collect();
        times.sort();
        let sum: Duration = times.iter().sum();
        total += sum / runs as u32;
        println!(
            "{n:<26} {runs} runs: min {:>8.2?}  median {:>8.2?}  max {:>8.2?}",
            times[0],
            times[runs / 2],
            times[runs - 1]
        );
    }
    println!("all built-ins, mean per full pass: {total:?}");

    println!("\nmedian per phase (ms):");
    print!("{:<26}", "");
    for p in PHASES {
        print!("{p:>9}");
    }
    println!();
    for n in &names {
        let mut per_phase: Vec<Vec<Duration>> = vec![Vec::with_capacity(runs); PHASES.len()];
        for _ in 0..runs {
            for (all, t) in per_phase.iter_mut().zip(phases(n)) {
                all.push(t);
            }
        }
        print!("{n:<26}");
        for mut times in per_phase {
            times.sort();
            print!("{:>9.3}", times[runs / 2].as_secs_f64() * 1e3);
        }
        println!();
    }

    let fleet = env_count("AMLGEN_BENCH_FLEET", if bench { 1000 } else { 0 });
    if fleet > 0 {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let next = std::sync::atomic::AtomicUsize::new(0);
        let t = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= fleet {
                        break;
                    }
                    let r = amlgen::render_blueprint(names[i % names.len()], &[], None)
                        .expect("built-ins render");
                    std::hint::black_box(&r.artifacts);
                });
            }
        });
        println!(
            "\nfleet: {fleet} renders (built-ins in turn) on {threads} threads: {:?}",
            t.elapsed()
        );
    }
}

/// The steps of `amlgen::render_blueprint`, timed one by one. The artifacts are compared with
/// the library's own pipeline, so the table cannot drift from what `render` does.
fn phases(name: &str) -> [Duration; PHASES.len()] {
    let mut times = [Duration::ZERO; PHASES.len()];
    let mut t = Instant::now();
    let mut lap = |i: usize| {
        times[i] = t.elapsed();
        t = Instant::now();
    };
    let source = Source::resolve(name).expect("built-in");
    let loaded = amlgen::blueprint::load(source, &[]).expect("built-ins load");
    lap(0);
    let Ok(checked) = amlgen::analyze::analyze(loaded) else {
        panic!("built-ins pass the checks");
    };
    lap(1);
    let regenerate = amlgen::lower::cli::regenerate_command(&checked.loaded, None);
    let mut model = amlgen::plan::plan(&checked, regenerate.clone());
    lap(2);
    amlgen::lower::lower(&mut model);
    lap(3);
    let artifacts = amlgen::render::render(&model).expect("built-ins render");
    lap(4);
    let findings = amlgen::verify::verify(&artifacts);
    lap(5);
    let generated_by = format!("{} {}", model.generator.name, model.generator.version);
    let manifest = amlgen::output::Manifest::of(&artifacts, &generated_by, &regenerate);
    lap(6);
    assert!(findings.is_empty(), "built-ins verify");
    std::hint::black_box(&manifest);
    let whole = amlgen::render_blueprint(name, &[], None).expect("built-ins render");
    assert!(
        whole.artifacts == artifacts,
        "the phases are the library's pipeline"
    );
    times
}

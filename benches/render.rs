//! Benchmark of the whole pipeline (load, check, plan, render, verify; no disk writes) for every
//! built-in blueprint: `cargo bench --bench render`. Prints per-blueprint timings over repeated
//! runs; the first run (which parses the embedded catalog and compiles the schemas) is reported
//! separately as the cold start. A second table splits the median run into its phases, to show
//! where a slowdown lives. Last, a fleet: `AMLGEN_BENCH_FLEET` variants (default 1,000; 0 skips
//! it) of the built-ins (each kind in turn, with its own region, prefix and address plan, set with
//! `--set`), rendered and verified on every core with the scheduler `amlgen render` uses for
//! fleets.
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
    // The per-blueprint tables show what one render costs, verification included: without the
    // memory of verified Bicep texts, which would make every run after the first skip it.
    amlgen::verify::remember_verified_bicep(false);
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

    // The phases twice: every Bicep text verified (what one render in a fresh process costs),
    // then with the texts verified earlier in the process remembered (each run after a fleet's
    // first render of a kind).
    for memo in [false, true] {
        amlgen::verify::remember_verified_bicep(memo);
        println!(
            "\nmedian per phase (ms){}:",
            if memo {
                ", verified Bicep texts remembered"
            } else {
                ""
            }
        );
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
    }

    let fleet = env_count("AMLGEN_BENCH_FLEET", if bench { 1000 } else { 5 });
    if fleet > 0 {
        let variants: Vec<(&str, Vec<String>)> = (0..fleet).map(|i| variant(&names, i)).collect();
        let threads = amlgen::fleet::threads(fleet);
        // Twice: as `amlgen render` runs (Bicep texts verified once per process, see
        // `verify::bicep_findings_memo`), and with every text parsed again.
        for memo in [true, false] {
            amlgen::verify::remember_verified_bicep(memo);
            let t = Instant::now();
            let rendered = amlgen::fleet::parallel_map(&variants, |(name, sets)| {
                let r = amlgen::render_blueprint(name, sets, None)
                    .unwrap_or_else(|e| panic!("{name} {sets:?}: {e:?}"));
                std::hint::black_box(r.artifacts.len())
            });
            let elapsed = t.elapsed();
            assert_eq!(rendered.len(), fleet);
            println!(
                "\nfleet ({}): {fleet} variants (5 kinds, 6 regions, own prefix and address plan each; full verification) on {threads} threads: {elapsed:.3?}, {:.3?} per blueprint, {:.3?} of one thread per blueprint",
                if memo { "as amlgen render runs it" } else { "every Bicep text parsed again" },
                elapsed / fleet as u32,
                elapsed * threads as u32 / fleet as u32
            );
        }
        amlgen::verify::remember_verified_bicep(true);
    }
}

/// The i-th blueprint of the fleet: a built-in kind in turn, a region, a unique prefix and an
/// address plan of its own, as a platform team's workspaces per team and environment differ.
fn variant<'a>(names: &[&'a str], i: usize) -> (&'a str, Vec<String>) {
    const REGIONS: [&str; 6] = [
        "eastus",
        "westeurope",
        "northeurope",
        "uksouth",
        "swedencentral",
        "australiaeast",
    ];
    let name = names[i % names.len()];
    // Second and third octets from i: every variant gets its own ranges.
    let (b, c) = (i / 64 % 250, (i % 64) * 4);
    let mut sets = vec![
        format!("name=fleet-{i}"),
        format!("naming.prefix=f{i}-{}", &name[..2]),
        format!("location={}", REGIONS[i % REGIONS.len()]),
    ];
    match name {
        "allow-internet" | "approved-only" => {
            sets.push(format!(
                "client_access.vnet.address_space=[10.{b}.{c}.0/22]"
            ));
            sets.push(format!(
                "client_access.vnet.pe_subnet.address_prefix=10.{b}.{c}.0/27"
            ));
        }
        "no-firewall" => {
            sets.push(format!("network.spoke.address_space=[10.{b}.{c}.0/22]"));
        }
        _ => {
            sets.push(format!("network.hub.address_space=[172.16.{c}.0/22]"));
            sets.push(format!("network.spoke.address_space=[10.{b}.{c}.0/22]"));
        }
    }
    (name, sets)
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

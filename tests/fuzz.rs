//! Property-based fuzzing of everything amlgen reads, within a time bound (`AMLGEN_FUZZ_SECONDS`,
//! default 30 s; the whole test stays under a minute on two cores):
//!
//! - the free text of the built-in blueprints (description, display name, a tag) set to shell,
//!   HTML and PowerShell metacharacters and typographic quotes: renders that succeed must give
//!   shellcheck-clean scripts;
//! - the built-in blueprints, mutated as text (bytes deleted, nasty tokens inserted, lines
//!   duplicated or swapped) and as values (a random value path set to a random value);
//! - `--set` assignments: random paths (known keys, indexes, stray brackets, non-ASCII) and
//!   random values;
//! - checked files (an `az ml` workspace YAML, NSG JSON, az scripts from the fixtures and from a
//!   render), mutated as text.
//!
//! Every input goes through the library in-process (load, check, plan, render, verify; or the
//! linter) under `catch_unwind`: no panic, and never `Error::Internal` (exit 5). Every 16th input
//! also runs the binary (`render --out` into a temporary folder, or `check`): its exit code is
//! one of the documented 0-4, a failed render leaves no output folder, and the scripts of every
//! 4th successful render pass shellcheck. The number of inputs tried is printed.

use amlgen::Error;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BUILTINS: &[&str] = &[
    include_str!("../blueprints/allow-internet.yaml"),
    include_str!("../blueprints/approved-only.yaml"),
    include_str!("../blueprints/hub-spoke.yaml"),
    include_str!("../blueprints/exfiltration-prevention.yaml"),
];

const CHECKED: &[(&str, &str)] = &[
    (
        "workspace.yml",
        include_str!("fixtures/lint/good/workspace.yml"),
    ),
    (
        "nsg.json",
        include_str!("fixtures/lint/good/nsg-template.json"),
    ),
    ("rules.sh", include_str!("fixtures/lint/good/rules.sh")),
    (
        "priorities.json",
        include_str!("fixtures/lint/bad/nsg-priorities.json"),
    ),
    (
        "az-options.sh",
        include_str!("fixtures/lint/bad/az-options.sh"),
    ),
    (
        "destinations.yml",
        include_str!("fixtures/lint/bad/destinations.yml"),
    ),
];

/// Tokens that have broken parsers, escapers and checks before.
const NASTY: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "\n",
    "\n  ",
    "\t",
    "\"",
    "'",
    "&a ",
    "*a",
    "!!binary ",
    "? ",
    "|",
    ">-",
    "#",
    "%YAML 1.2\n",
    "---\n",
    "...\n",
    "\\",
    "\0",
    "\u{1b}[2K",
    "\u{7f}",
    "\u{85}",
    "\u{202e}",
    "\u{200b}",
    "\u{feff}",
    "\u{2066}",
    "é",
    "中",
    "’",
    "“",
    "‘",
    "$",
    "${",
    "$(id)",
    "`id`",
    "--",
    "-->",
    "<script>",
    "<!--",
    "&amp;",
    "010.",
    "0.0.0.0/0",
    "/33",
    "127.0.0.0/8",
    "*.co.uk",
    "*.",
    "*",
    "1.2.3.4",
    ":8080",
    "https://",
    "..",
    "../",
    "/",
    "~",
    "null",
    "true",
    "1e999",
    "-1",
    "99999999999999999999",
    "0x10",
    ".nan",
    "[]",
    "{}",
    "[[[[[[[[",
    "{a: {a: {a: ",
    "- - - - ",
    "<<: *a",
    "=",
];

/// Keys that occur in blueprints, for `--set` paths.
const KEYS: &[&str] = &[
    "name",
    "description",
    "location",
    "cloud",
    "naming",
    "prefix",
    "tags",
    "workspace",
    "friendly_name",
    "public_network_access",
    "managed_network",
    "isolation_mode",
    "outbound_rules",
    "destination",
    "type",
    "include_subdomains",
    "service_tag",
    "protocol",
    "port_ranges",
    "image_build_compute",
    "dependencies",
    "key_vault",
    "storage_account",
    "sku",
    "client_access",
    "vnet",
    "address_space",
    "pe_subnet",
    "address_prefix",
    "network",
    "hub",
    "spoke",
    "subnets",
    "firewall",
    "compute",
    "cluster",
    "vm_size",
    "max_nodes",
    "instance",
    "packages",
    "private_dns",
    "mode",
    "resource_group",
    "x",
    "é",
    "a]",
    "",
];

/// Path fragments that break `a.b[0].c` parsing.
const PATH_JUNK: &[&str] = &[
    "]",
    "é]",
    "[",
    "[é]",
    "[0]]",
    "[-1]",
    "[99999999999999999999]",
    "]x",
    "[]",
    "[0",
    ".",
    "..",
    "=",
];

fn nasty() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(NASTY).prop_map(str::to_string),
        1 => "[ -~]{0,12}",
        1 => "\\PC{0,6}",
        1 => proptest::collection::vec(proptest::sample::select(NASTY), 1..4)
            .prop_map(|v| v.concat()),
    ]
}

#[derive(Debug, Clone)]
enum TextOp {
    Insert(usize, String),
    Delete(usize, usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
}

fn text_op() -> impl Strategy<Value = TextOp> {
    prop_oneof![
        4 => (any::<usize>(), nasty()).prop_map(|(at, s)| TextOp::Insert(at, s)),
        2 => (any::<usize>(), 1usize..40).prop_map(|(at, n)| TextOp::Delete(at, n)),
        1 => any::<usize>().prop_map(TextOp::DuplicateLine),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| TextOp::SwapLines(a, b)),
    ]
}

/// The char boundary nearest below `at` (mod the length).
fn boundary(s: &str, at: usize) -> usize {
    if s.is_empty() {
        return 0;
    }
    let mut i = at % (s.len() + 1);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply_text(text: &str, ops: &[TextOp]) -> String {
    let mut s = text.to_string();
    for op in ops {
        match op {
            TextOp::Insert(at, t) => {
                let i = boundary(&s, *at);
                s.insert_str(i, t);
            }
            TextOp::Delete(at, n) => {
                let i = boundary(&s, *at);
                let j = boundary(&s, i + n).max(i);
                s.replace_range(i..j, "");
            }
            TextOp::DuplicateLine(at) => {
                let mut lines: Vec<&str> = s.lines().collect();
                if !lines.is_empty() {
                    let i = at % lines.len();
                    lines.insert(i, lines[i]);
                }
                s = lines.join("\n");
            }
            TextOp::SwapLines(a, b) => {
                let mut lines: Vec<&str> = s.lines().collect();
                if !lines.is_empty() {
                    let (i, j) = (a % lines.len(), b % lines.len());
                    lines.swap(i, j);
                }
                s = lines.join("\n");
            }
        }
    }
    s
}

fn yaml_value() -> impl Strategy<Value = amlgen::yaml::Value> {
    use amlgen::yaml::Value as V;
    let leaf = prop_oneof![
        3 => nasty().prop_map(V::String),
        1 => any::<i64>().prop_map(|n| V::Number(n.into())),
        1 => any::<bool>().prop_map(V::Bool),
        1 => Just(V::Null),
        1 => Just(V::String("10.0.0.0/16".into())),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(V::Sequence),
            proptest::collection::vec((nasty(), inner), 0..3).prop_map(|kv| {
                V::Mapping(kv.into_iter().map(|(k, v)| (V::String(k), v)).collect())
            }),
        ]
    })
}

/// Sets the `pick`-th node (in walk order) of `doc` to `value`.
fn replace_nth(doc: &mut amlgen::yaml::Value, pick: usize, value: amlgen::yaml::Value) {
    fn count(v: &amlgen::yaml::Value) -> usize {
        1 + match v {
            amlgen::yaml::Value::Sequence(s) => s.iter().map(count).sum(),
            amlgen::yaml::Value::Mapping(m) => m.values().map(count).sum(),
            _ => 0,
        }
    }
    fn go(v: &mut amlgen::yaml::Value, n: &mut usize, value: &mut Option<amlgen::yaml::Value>) {
        if *n == 0 {
            if let Some(x) = value.take() {
                *v = x;
            }
            return;
        }
        *n -= 1;
        match v {
            amlgen::yaml::Value::Sequence(s) => s.iter_mut().for_each(|x| go(x, n, value)),
            amlgen::yaml::Value::Mapping(m) => m.values_mut().for_each(|x| go(x, n, value)),
            _ => {}
        }
    }
    let mut n = pick % count(doc);
    go(doc, &mut n, &mut Some(value));
}

fn set_path() -> impl Strategy<Value = String> {
    let seg = prop_oneof![
        4 => proptest::sample::select(KEYS).prop_map(str::to_string),
        2 => (0usize..4).prop_map(|i| format!("[{i}]")),
        2 => proptest::sample::select(PATH_JUNK).prop_map(str::to_string),
        1 => nasty(),
    ];
    // `glue` appends a segment without the `.` (`a[0]` + `]` = `a[0]]`).
    proptest::collection::vec((seg, proptest::bool::weighted(0.2)), 1..5).prop_map(|segs| {
        let mut p = String::new();
        for (s, glue) in segs {
            if !p.is_empty() && !glue && !s.starts_with('[') {
                p.push('.');
            }
            p.push_str(&s);
        }
        p
    })
}

/// Free text that reaches scripts and README: shell, HTML and PowerShell metacharacters,
/// typographic quotes, non-ASCII letters.
fn free_text() -> impl Strategy<Value = String> {
    "[ -~\u{2018}-\u{201f}é中]{1,40}"
}

#[derive(Debug, Clone)]
enum Input {
    /// The description, display name and a tag of a built-in set to free text.
    TextFields(usize, String, String, String),
    BlueprintText(usize, Vec<TextOp>),
    BlueprintValue(usize, usize, amlgen::yaml::Value),
    Set(usize, Vec<(String, String)>),
    Checked(usize, Vec<TextOp>),
}

fn input() -> impl Strategy<Value = Input> {
    let n = BUILTINS.len();
    prop_oneof![
        1 => (0..n, free_text(), free_text(), free_text())
            .prop_map(|(b, d, f, t)| Input::TextFields(b, d, f, t)),
        3 => (0..n, proptest::collection::vec(text_op(), 1..5))
            .prop_map(|(b, ops)| Input::BlueprintText(b, ops)),
        3 => (0..n, any::<usize>(), yaml_value())
            .prop_map(|(b, at, v)| Input::BlueprintValue(b, at, v)),
        2 => (0..n, proptest::collection::vec((set_path(), nasty()), 1..3))
            .prop_map(|(b, sets)| Input::Set(b, sets)),
        3 => (0..CHECKED.len(), proptest::collection::vec(text_op(), 1..5))
            .prop_map(|(f, ops)| Input::Checked(f, ops)),
    ]
}

/// What the binary may exit with (README, "Exit codes"): 5 is a bug and so never expected.
const DOCUMENTED_EXITS: &[i32] = &[0, 1, 2, 3, 4];

fn in_process_blueprint(path: &Path, sets: &[String]) -> Result<(), TestCaseError> {
    let arg = path.to_string_lossy().into_owned();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        amlgen::render_blueprint(&arg, sets, Some("o")).map(|_| ())
    }));
    match outcome {
        Err(_) => Err(TestCaseError::fail("panic in the pipeline")),
        Ok(Err(Error::Internal(m))) => {
            Err(TestCaseError::fail(format!("internal error (exit 5): {m}")))
        }
        Ok(_) => Ok(()),
    }
}

fn binary(dir: &Path, args: &[&str]) -> Result<i32, TestCaseError> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_amlgen"))
        .current_dir(dir)
        .args(args)
        .output()
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let code = out
        .status
        .code()
        .ok_or_else(|| TestCaseError::fail("killed by a signal"))?;
    if !DOCUMENTED_EXITS.contains(&code) {
        return Err(TestCaseError::fail(format!(
            "{args:?}: exit {code}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    Ok(code)
}

fn which(tool: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join(tool))
            .find(|f| f.is_file())
    })
}

/// Every value the blueprint check accepts yields shellcheck-clean scripts: every `every`-th
/// successful render through the binary has its scripts checked (shellcheck costs ~0.1 s a file).
fn shellcheck_clean(
    out: &Path,
    code: i32,
    checked: &AtomicUsize,
    every: usize,
) -> Result<(), TestCaseError> {
    static SHELLCHECK: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    let Some(sc) = SHELLCHECK.get_or_init(|| which("shellcheck")) else {
        return Ok(());
    };
    if code != 0
        || !checked
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(every)
    {
        return Ok(());
    }
    for name in ["deploy.sh", "runbook.sh", "dns/fill-hosts.sh"] {
        let f = out.join(name);
        if !f.exists() {
            continue;
        }
        let r = std::process::Command::new(sc)
            .arg("--severity=style")
            .arg(&f)
            .output()
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        if !r.status.success() {
            return Err(TestCaseError::fail(format!(
                "shellcheck {name}:\n{}",
                String::from_utf8_lossy(&r.stdout)
            )));
        }
    }
    Ok(())
}

#[test]
fn fuzz_blueprints_sets_and_checked_files() {
    let budget = Duration::from_secs(
        std::env::var("AMLGEN_FUZZ_SECONDS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(30),
    );
    let start = Instant::now();
    let tried = AtomicUsize::new(0);
    let binary_runs = AtomicUsize::new(0);
    let scripts_checked = AtomicUsize::new(0);
    let dir = tempfile::tempdir().unwrap();
    // Deterministic: the same inputs every run, so a failure reproduces.
    let mut runner = TestRunner::new_with_rng(
        Config {
            failure_persistence: None,
            ..Config::default()
        },
        proptest::test_runner::TestRng::deterministic_rng(Default::default()),
    );
    let test = |inp: Input| -> Result<(), TestCaseError> {
        let n = tried.fetch_add(1, Ordering::Relaxed);
        let case = dir.path().join(format!("case{}", n % 4));
        std::fs::create_dir_all(&case).unwrap();
        let out = case.join("o");
        let _ = std::fs::remove_dir_all(&out);
        let with_binary = n.is_multiple_of(16);
        match inp {
            Input::TextFields(b, description, friendly, tag) => {
                let mut doc = amlgen::yaml::from_str_value(BUILTINS[b]).unwrap();
                doc["description"] = description.into();
                doc["workspace"]["friendly_name"] = friendly.into();
                doc["tags"]["fuzz"] = tag.into();
                let file = case.join("bp.yaml");
                std::fs::write(&file, amlgen::yaml::to_string(&doc).unwrap()).unwrap();
                in_process_blueprint(&file, &[])?;
                if n.is_multiple_of(8) {
                    binary_runs.fetch_add(1, Ordering::Relaxed);
                    let code = binary(&case, &["render", "bp.yaml", "--out", "o"])?;
                    prop_assert!(
                        code == 0 || !out.exists(),
                        "exit {} but output written",
                        code
                    );
                    shellcheck_clean(&out, code, &scripts_checked, 1)?;
                }
            }
            Input::BlueprintText(b, ops) => {
                let text = apply_text(BUILTINS[b], &ops);
                let file = case.join("bp.yaml");
                std::fs::write(&file, &text).unwrap();
                in_process_blueprint(&file, &[])?;
                if with_binary {
                    binary_runs.fetch_add(1, Ordering::Relaxed);
                    let code = binary(&case, &["render", "bp.yaml", "--out", "o"])?;
                    prop_assert!(
                        code == 0 || !out.exists(),
                        "exit {} but output written",
                        code
                    );
                    shellcheck_clean(&out, code, &scripts_checked, 4)?;
                }
            }
            Input::BlueprintValue(b, at, v) => {
                let mut doc = amlgen::yaml::from_str_value(BUILTINS[b]).unwrap();
                replace_nth(&mut doc, at, v);
                let text = amlgen::yaml::to_string(&doc).unwrap();
                let file = case.join("bp.yaml");
                std::fs::write(&file, &text).unwrap();
                in_process_blueprint(&file, &[])?;
                if with_binary {
                    binary_runs.fetch_add(1, Ordering::Relaxed);
                    let code = binary(&case, &["render", "bp.yaml", "--out", "o"])?;
                    prop_assert!(
                        code == 0 || !out.exists(),
                        "exit {} but output written",
                        code
                    );
                    shellcheck_clean(&out, code, &scripts_checked, 4)?;
                }
            }
            Input::Set(b, sets) => {
                let file = case.join("bp.yaml");
                std::fs::write(&file, BUILTINS[b]).unwrap();
                let sets: Vec<String> = sets.iter().map(|(p, v)| format!("{p}={v}")).collect();
                in_process_blueprint(&file, &sets)?;
                if with_binary && sets.iter().all(|s| !s.contains('\0')) {
                    binary_runs.fetch_add(1, Ordering::Relaxed);
                    let mut args = vec!["render", "bp.yaml", "--out", "o"];
                    for s in &sets {
                        args.extend(["--set", s.as_str()]);
                    }
                    let code = binary(&case, &args)?;
                    prop_assert!(
                        code == 0 || !out.exists(),
                        "exit {} but output written",
                        code
                    );
                    shellcheck_clean(&out, code, &scripts_checked, 4)?;
                }
            }
            Input::Checked(f, ops) => {
                let (name, text) = CHECKED[f];
                let text = apply_text(text, &ops);
                let file = case.join(name);
                std::fs::write(&file, &text).unwrap();
                let arg = file.to_string_lossy().into_owned();
                let linted = catch_unwind(AssertUnwindSafe(|| {
                    amlgen::lint::check_file(&arg).map(|l| l.diagnostics.len())
                }));
                prop_assert!(linted.is_ok(), "panic in the linter on {}", name);
                if linted.ok().flatten().is_none() {
                    // Not a file the linter takes: `check` reads it as a blueprint.
                    in_process_blueprint(&file, &[])?;
                }
                if with_binary {
                    binary_runs.fetch_add(1, Ordering::Relaxed);
                    binary(&case, &["check", name, "--format", "json"])?;
                }
            }
        }
        Ok(())
    };
    // The runner draws inputs until the time budget is spent; on a failure the input is shrunk
    // (proptest's value trees) and the smallest failing one is reported.
    let strategy = input();
    let mut failure = None;
    while start.elapsed() < budget {
        let mut tree = strategy.new_tree(&mut runner).unwrap();
        if let Err(e) = test(tree.current()) {
            let mut smallest = (tree.current(), e);
            for _ in 0..200 {
                if !tree.simplify() {
                    break;
                }
                match test(tree.current()) {
                    Err(e) => smallest = (tree.current(), e),
                    Ok(()) => {
                        if !tree.complicate() {
                            break;
                        }
                    }
                }
            }
            failure = Some(smallest);
            break;
        }
    }
    let n = tried.load(Ordering::Relaxed);
    if which("shellcheck").is_none() {
        eprintln!("fuzz: shellcheck not on PATH, scripts not checked (scripts/setup-validators.sh installs it)");
    }
    eprintln!(
        "fuzz: {n} inputs tried ({} also through the binary, {} of them rendered and shellchecked or sampled for it) in {:.1} s",
        binary_runs.load(Ordering::Relaxed),
        scripts_checked.load(Ordering::Relaxed),
        start.elapsed().as_secs_f64()
    );
    if let Some((inp, e)) = failure {
        panic!("{e}\nsmallest failing input: {inp:#?}");
    }
    assert!(n >= 200, "only {n} inputs in the time budget");
}

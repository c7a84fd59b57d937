//! Commands and their output. Every error is a `crate::Error` and goes through one printer
//! (`fail`), which also gives the exit code (`crate::Exit`).

use crate::blueprint::{builtin, schema};
use crate::diagnostic::{escape_controls, Code, Diagnostic};
use crate::output::{self, OutputError};
use crate::{Error, Exit, Rendered};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(
    name = "amlgen",
    version,
    about = "Render Azure Machine Learning network-isolation blueprints into Bicep, ARM parameters, az CLI runbooks and DNS snippets"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the built-in blueprints.
    List,
    /// Render a blueprint (built-in name or YAML file) into deployable artifacts.
    Render(RenderArgs),
    /// Check a blueprint without rendering, or a workspace YAML, NSG JSON, az script or Markdown
    /// written by hand; non-zero exit on errors.
    Check(CheckArgs),
    /// Print the blueprint JSON Schema.
    Schema,
    /// Print a built-in blueprint, to copy and edit.
    Show {
        /// Built-in blueprint name.
        name: String,
    },
    /// Print the outbound rules a project's dependency files need (requirements.txt,
    /// pyproject.toml, environment.yml), with the reason for each.
    Allowlist(AllowlistArgs),
    /// Evaluate, on the model, every flow Azure Machine Learning needs and every flow that must
    /// stay closed, hop by hop (DNS, NSG, routes, firewall, service endpoint policy, managed
    /// network); exit 1 when a required flow is denied or a forbidden one allowed.
    Flows(FlowsArgs),
    /// Explain a diagnostic code (AMLG101), or `policy` (what each Azure Policy assignment
    /// enforces); without a code, list them all.
    Explain {
        /// Diagnostic code, e.g. AMLG101.
        code: Option<String>,
    },
}

/// `--set` in `--help`: the path and value syntax, lists and maps included (README "Overrides").
const SET_HELP: &str = "Override one value (repeatable; applied after --values, in order).

PATH is keys joined by `.`, with `[N]` for the N-th item of a list (from 0):
  --set workspace.name=mlw-fraud-prod
  --set client_access.vnet.address_space[0]=10.9.0.0/16   (an existing item)
VALUE is read as YAML, so `true`, `30` and `basic` keep their types; a list or a map is
written in flow style and replaces the whole value (quote it for the shell):
  --set 'client_access.vnet.address_space=[10.9.0.0/16, 10.10.0.0/16]'
  --set 'tags={env: prod, owner: ml-platform}'
  --set 'packages=[pip, conda]'
A value that is not YAML is taken as text. The path must be a blueprint setting (AMLG003).";

const VALUES_HELP: &str =
    "Lay a YAML file of values over the blueprint (repeatable; later files win).

Merge rules: mappings merge key by key, recursively; any other value (a scalar, a list)
replaces the blueprint's; `null` removes the key (its default applies). Diagnostics point at
the file and line that wrote the offending value, blueprint or values file. With several
blueprints, every one gets the same values files.";

#[derive(clap::Args)]
struct RenderArgs {
    /// Blueprints: built-in names, YAML files, folders (their .yaml/.yml files) or quoted globs
    /// ('envs/*.yaml'). Several render in parallel, each to <out>/<name>/.
    #[arg(
        value_name = "BLUEPRINT",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    blueprints: Vec<String>,
    /// Render every built-in blueprint, each into <out>/<name>/.
    #[arg(long)]
    all: bool,
    /// Output folder. One blueprint: the folder itself (default out/<name>). Several (more than
    /// one argument, a folder, a glob or --all): the root each renders below as <out>/<name>/
    /// (default out).
    #[arg(long)]
    out: Option<PathBuf>,
    #[arg(long = "values", value_name = "FILE", long_help = VALUES_HELP)]
    values: Vec<String>,
    #[arg(long = "set", value_name = "PATH=VALUE", long_help = SET_HELP)]
    sets: Vec<String>,
    /// Write nothing; exit 3 and show a diff where the output folder differs from a fresh render.
    #[arg(long)]
    check: bool,
    /// Overwrite files changed by hand, and write into a folder amlgen did not create.
    #[arg(long)]
    force: bool,
    /// Render although it makes a change Azure refuses or that leaves data behind, compared with
    /// the previous render of the folder (AMLG300-AMLG307; repeatable).
    #[arg(long = "accept-change", value_name = "CODE")]
    accept_change: Vec<String>,
    /// Print the validated model (what the templates receive) as JSON instead of writing files.
    #[arg(long, value_enum)]
    emit: Option<Emit>,
    /// Diagnostic format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Built-in blueprint names or blueprint YAML files; also az ml workspace YAML, NSG/ARM JSON,
    /// scripts with `az ml workspace outbound-rule` commands, Markdown; folders (their .yaml,
    /// .yml, .json, .sh and .md files) and quoted globs. Several are checked in parallel.
    #[arg(value_name = "FILE", required = true)]
    blueprints: Vec<String>,
    #[arg(long = "values", value_name = "FILE", long_help = VALUES_HELP)]
    values: Vec<String>,
    #[arg(long = "set", value_name = "PATH=VALUE", long_help = SET_HELP)]
    sets: Vec<String>,
    /// Compare the blueprint with a running workspace: the saved JSON of `az ml workspace show`
    /// (isolation mode, firewall SKU, outbound rules). One blueprint only.
    #[arg(long, value_name = "SHOW.json")]
    against_workspace: Option<String>,
    /// Compare the blueprint's outbound rules with the saved JSON of `az ml workspace
    /// outbound-rule list` (rules added by hand, missing or changed). One blueprint only.
    #[arg(long, value_name = "RULES.json")]
    against_outbound_rules: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(clap::Args)]
struct FlowsArgs {
    /// Built-in blueprint name or path to a blueprint YAML file.
    blueprint: String,
    /// Override one value, e.g. --set network.hub.firewall.sku=basic (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<String>,
    #[arg(long, value_enum, default_value_t = FlowsFormat::Table)]
    format: FlowsFormat,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FlowsFormat {
    /// One line per flow with its hops, and a summary.
    Table,
    /// Every flow with its hops, the deciding rule and the sources.
    Json,
}

#[derive(clap::Args)]
struct AllowlistArgs {
    /// requirements*.txt (with its -r includes), pyproject.toml, environment.yml.
    #[arg(required = true)]
    files: Vec<String>,
    #[arg(long, value_enum, default_value_t = AllowlistFormat::Blueprint)]
    format: AllowlistFormat,
    /// Managed VNet FQDN rules (approved-only) or your own Azure Firewall (firewall).
    #[arg(long = "for", value_enum, default_value_t = AllowlistFor::ApprovedOnly)]
    target: AllowlistFor,
    /// Follow -r/-c includes out of the folder of the file named on the command line (by
    /// default they are refused there: an include can name any file, secrets included).
    #[arg(long)]
    include_outside: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AllowlistFormat {
    /// YAML outbound_rules to paste into a blueprint or an az ml workspace YAML.
    Blueprint,
    /// az commands.
    Az,
    /// JSON with the reason (file, line) of every host.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum AllowlistFor {
    ApprovedOnly,
    Firewall,
}

#[derive(Clone, Copy, ValueEnum)]
enum Emit {
    Model,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    run().code()
}

fn run() -> Exit {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Success
            };
        }
    };
    match cli.command {
        Command::List => {
            for b in builtin::BUILTINS {
                println!("{:<24} {}", b.name, first_description_line(b.text));
            }
            Exit::Success
        }
        Command::Schema => {
            print!("{}", schema::json_schema_text());
            Exit::Success
        }
        Command::Show { name } => match builtin::find(&name) {
            Some(b) => {
                // Same resolution as render and check: the built-in, and a word about a file of
                // that name here.
                if let Some(w) = crate::blueprint::Source::shadowed_file_warning(&name) {
                    report(&[w], &[], Format::Human);
                }
                print!("{}", b.for_copying());
                Exit::Success
            }
            None => {
                let d = crate::blueprint::Source::resolve(&name)
                    .err()
                    .unwrap_or_else(|| {
                        Diagnostic::error(
                            Code::Unreadable,
                            format!("`{name}` is not a built-in blueprint"),
                        )
                    });
                let e = Error::Blueprint {
                    diagnostics: vec![d],
                    sources: Vec::new(),
                };
                fail(e, Format::Human)
            }
        },
        Command::Allowlist(a) => allowlist(a),
        Command::Explain { code } => explain(code.as_deref()),
        Command::Check(a) => check(a),
        Command::Render(a) => render(a),
        Command::Flows(a) => flows(a),
    }
}

fn flows(a: FlowsArgs) -> Exit {
    let diag_format = match a.format {
        FlowsFormat::Table => Format::Human,
        FlowsFormat::Json => Format::Json,
    };
    let checked = match crate::load_and_analyze(&a.blueprint, &a.sets) {
        Ok(c) => c,
        Err(e) => return fail(e, diag_format),
    };
    let regenerate = crate::lower::cli::regenerate_command(&checked.loaded, None);
    let model = crate::plan::plan(&checked, regenerate);
    let report = crate::flows::evaluate(&model);
    match a.format {
        FlowsFormat::Table => print!("{}", crate::flows::table::render(&report)),
        FlowsFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("serialisable")
        ),
    }
    if report.summary.ok {
        Exit::Success
    } else {
        Exit::Diagnostics
    }
}

/// The extensions a folder or glob gives to `render` (blueprints) and to `check` (blueprints and
/// every kind of file it reads).
const BLUEPRINT_EXTENSIONS: &[&str] = &["yaml", "yml"];
const CHECKED_EXTENSIONS: &[&str] = &["yaml", "yml", "json", "sh", "md"];

fn render(a: RenderArgs) -> Exit {
    let accepted = match accepted_changes(&a.accept_change) {
        Ok(c) => c,
        Err(e) => return fail(e, Format::Human),
    };
    let inputs = if a.all {
        builtin::names()
            .map(|n| crate::fleet::Input {
                arg: n.to_string(),
                expanded: true,
            })
            .collect()
    } else {
        match expand(&a.blueprints, BLUEPRINT_EXTENSIONS, a.format) {
            Ok(i) => i,
            Err(exit) => return exit,
        }
    };
    let fleet = is_fleet(&inputs);
    if fleet && a.emit.is_some() {
        return fail(
            Error::Usage("--emit model prints one blueprint's model; give one blueprint".into()),
            Format::Human,
        );
    }
    let overrides = crate::Overrides {
        values: a.values.clone(),
        sets: a.sets.clone(),
    };
    // The folder each blueprint writes: --out itself for one blueprint, <out>/<name> in a fleet.
    let root = a.out.clone().unwrap_or_else(|| PathBuf::from("out"));
    let out_text = a.out.as_ref().map(|o| o.to_string_lossy().into_owned());
    let out = match (&out_text, fleet) {
        (None, _) => crate::OutFolder::Default,
        (Some(o), false) => crate::OutFolder::Exactly(o),
        (Some(o), true) => crate::OutFolder::Below(o),
    };
    // Rendering and verification, the expensive part, run on every core; writing and printing
    // follow in input order, so the output does not depend on scheduling.
    let rendered = crate::fleet::parallel_map(&inputs, |input| {
        crate::render_with(&input.arg, &overrides, &out)
    });
    let dirs: Vec<Option<PathBuf>> = rendered
        .iter()
        .map(|r| {
            r.as_ref().ok().map(|r| match (&a.out, fleet) {
                (Some(o), false) => o.clone(),
                (_, true) => root.join(&r.model.blueprint.name),
                (None, false) => Path::new("out").join(&r.model.blueprint.name),
            })
        })
        .collect();
    let mut worst = Exit::Success;
    let mut failed = 0;
    let mut json_diagnostics: Vec<Diagnostic> = Vec::new();
    for (i, (input, result)) in inputs.iter().zip(rendered).enumerate() {
        let result = result.and_then(|r| {
            let dir = dirs[i].clone().expect("rendered");
            // Both of two blueprints that would write one folder are refused, not the second.
            let clash = dirs
                .iter()
                .enumerate()
                .find(|(j, d)| *j != i && d.as_ref() == Some(&dir));
            if let Some((j, _)) = clash {
                return Err(same_output(&dir, &input.arg, &inputs[j].arg));
            }
            if let Some(Emit::Model) = a.emit {
                report(&r.warnings, &r.loaded.texts(), a.format);
                println!(
                    "{}",
                    serde_json::to_string_pretty(&r.model).expect("serialisable")
                );
                return Ok(());
            }
            if fleet && a.format != Format::Human {
                json_diagnostics.extend(r.warnings.iter().map(Diagnostic::displayed));
            } else {
                report(&r.warnings, &r.loaded.texts(), a.format);
            }
            if a.check {
                check_dir(&dir, &r)
            } else {
                safe_change(&dir, &r, &accepted)?;
                write_dir(&dir, &r, a.force)
            }
        });
        let exit = match result {
            Ok(()) => Exit::Success,
            // A fleet prints one JSON or SARIF document: diagnostics are collected for it.
            Err(Error::Blueprint { diagnostics, .. }) if fleet && a.format != Format::Human => {
                json_diagnostics.extend(diagnostics.iter().map(Diagnostic::displayed));
                Exit::Diagnostics
            }
            Err(Error::UnsafeChange {
                dir, diagnostics, ..
            }) if fleet && a.format != Format::Human => {
                json_diagnostics.extend(diagnostics.iter().map(Diagnostic::displayed));
                eprintln!("{}: refused (nothing was written)", shown(&dir));
                Exit::Refused
            }
            Err(e) => fail(e, a.format),
        };
        if exit != Exit::Success {
            failed += 1;
        }
        worst = worst.max(exit);
    }
    if fleet {
        if a.format != Format::Human {
            report_always(&json_diagnostics, &[], a.format);
        }
        let verb = if a.check { "checked" } else { "rendered" };
        eprintln!(
            "fleet: {} blueprints, {} {verb}, {failed} failed (exit {})",
            inputs.len(),
            inputs.len() - failed,
            worst.code()
        );
    }
    worst
}

/// The command line's inputs, folders and globs expanded; a folder or glob that gives nothing is
/// reported (AMLG060) and nothing runs.
fn expand(
    args: &[String],
    extensions: &[&str],
    format: Format,
) -> Result<Vec<crate::fleet::Input>, Exit> {
    crate::fleet::expand(args, extensions).map_err(|diagnostics| {
        let e = Error::Blueprint {
            diagnostics,
            sources: Vec::new(),
        };
        fail(e, format)
    })
}

/// Several inputs, or one folder or glob: each renders below `--out`, and a summary ends the run.
fn is_fleet(inputs: &[crate::fleet::Input]) -> bool {
    inputs.len() > 1 || inputs.iter().any(|i| i.expanded)
}

/// Two blueprints of a fleet that would write one folder: neither is written.
fn same_output(dir: &Path, first: &str, second: &str) -> Error {
    let d = Diagnostic::error(
        Code::FleetSameOutput,
        format!(
            "`{}` and `{}` both render to {}; neither is written",
            escape_controls(first),
            escape_controls(second),
            shown(dir)
        ),
    )
    .at_file(first)
    .with_help("give each blueprint its own `name:` (a --values file can set it)");
    Error::Blueprint {
        diagnostics: vec![d],
        sources: Vec::new(),
    }
}

/// `--accept-change` codes: only the safe-change codes, each written as `AMLG302` or `302`.
fn accepted_changes(codes: &[String]) -> Result<Vec<Code>, Error> {
    codes
        .iter()
        .map(|c| {
            Code::parse(c)
                .filter(|code| crate::change::CODES.contains(code))
                .ok_or_else(|| {
                    let list: Vec<&str> = crate::change::CODES.iter().map(|c| c.as_str()).collect();
                    Error::Usage(format!(
                        "--accept-change takes one of {}; `{}` is not one",
                        list.join(", "),
                        escape_controls(c)
                    ))
                })
        })
        .collect()
}

/// Compares the render with what the folder's previous render deployed (its manifest's
/// `state`): a change Azure refuses or that leaves data behind stops the write unless accepted.
fn safe_change(dir: &Path, r: &Rendered, accepted: &[Code]) -> Result<(), Error> {
    let (Some(before), Some(after)) = (output::previous_state(dir), r.manifest.state.as_ref())
    else {
        return Ok(());
    };
    let refused: Vec<Diagnostic> = crate::change::changes(&before, after)
        .into_iter()
        .filter(|d| !accepted.contains(&d.code))
        .map(|mut d| {
            // A name the blueprint does not write is derived from the prefix: point there.
            if let Some(p) = d.location.path.as_deref() {
                if p.ends_with(".name") && !r.loaded.map.has(p) {
                    d.location.path = Some("naming.prefix".into());
                    d.message.push_str(" (the name derives from naming.prefix)");
                    d.value = Some(r.loaded.blueprint.naming.prefix.clone());
                }
            }
            crate::check::locate(d, &r.loaded)
        })
        .collect();
    if refused.is_empty() {
        return Ok(());
    }
    Err(Error::UnsafeChange {
        dir: dir.to_path_buf(),
        diagnostics: refused,
        sources: r.loaded.texts(),
    })
}

/// `amlgen check`: every input (expanded like `render`'s, with the other file kinds) checked in
/// parallel; one report, one summary line for several, the worst exit code.
fn check(a: CheckArgs) -> Exit {
    let inputs = match expand(&a.blueprints, CHECKED_EXTENSIONS, a.format) {
        Ok(i) => i,
        Err(exit) => return exit,
    };
    let fleet = is_fleet(&inputs);
    let overrides = crate::Overrides {
        values: a.values.clone(),
        sets: a.sets.clone(),
    };
    if a.against_workspace.is_some() || a.against_outbound_rules.is_some() {
        if fleet {
            let m = "--against-workspace and --against-outbound-rules compare one blueprint with one workspace";
            return fail(Error::Usage(m.into()), Format::Human);
        }
        return drift(&a, &inputs[0].arg, &overrides);
    }
    let results = crate::fleet::parallel_map(&inputs, |input| {
        // A hand-written workspace YAML, NSG JSON, az script or Markdown; blueprints (and
        // built-in names) go on to the blueprint path.
        match crate::lint::check_file(&input.arg) {
            Some(linted) => Checked::Linted(linted),
            None => Checked::Blueprint(Box::new(crate::load_and_analyze_with(
                &input.arg, &overrides,
            ))),
        }
    });
    let mut worst = Exit::Success;
    let mut failed = 0;
    let mut collected: Vec<Diagnostic> = Vec::new();
    let separate = !fleet || a.format == Format::Human;
    for (input, result) in inputs.iter().zip(results) {
        let exit = match result {
            Checked::Linted(linted) => {
                if !overrides.sets.is_empty() || !overrides.values.is_empty() {
                    let option = if overrides.sets.is_empty() {
                        "--values"
                    } else {
                        "--set"
                    };
                    let m = format!(
                        "{option} applies to blueprints; {} is not one",
                        escape_controls(&input.arg)
                    );
                    fail(Error::Usage(m), a.format)
                } else if separate {
                    lint_report(&linted, a.format)
                } else {
                    collected.extend(linted.diagnostics.iter().map(Diagnostic::displayed));
                    lint_exit(&linted)
                }
            }
            Checked::Blueprint(result) => match *result {
                Ok(c) => {
                    if separate {
                        report_always(&c.warnings, &c.loaded.texts(), a.format);
                    } else {
                        collected.extend(c.warnings.iter().map(Diagnostic::displayed));
                    }
                    if a.format == Format::Human {
                        eprintln!(
                            "{}: no errors ({} warnings)",
                            escape_controls(&c.loaded.source.label),
                            c.warnings.len()
                        );
                    }
                    Exit::Success
                }
                Err(Error::Blueprint { diagnostics, .. }) if !separate => {
                    collected.extend(diagnostics.iter().map(Diagnostic::displayed));
                    Exit::Diagnostics
                }
                Err(e) => fail(e, a.format),
            },
        };
        if exit != Exit::Success {
            failed += 1;
        }
        worst = worst.max(exit);
    }
    if fleet {
        if !separate {
            report_always(&collected, &[], a.format);
        }
        eprintln!(
            "checked {} files: {} passed, {failed} failed (exit {})",
            inputs.len(),
            inputs.len() - failed,
            worst.code()
        );
    }
    worst
}

/// `amlgen check BLUEPRINT --against-workspace show.json --against-outbound-rules rules.json`:
/// the blueprint's own diagnostics first, then what differs from the running workspace.
fn drift(a: &CheckArgs, arg: &str, overrides: &crate::Overrides) -> Exit {
    let checked = match crate::load_and_analyze_with(arg, overrides) {
        Ok(c) => c,
        Err(e) => return fail(e, a.format),
    };
    let mut saved = Vec::new();
    for path in [&a.against_workspace, &a.against_outbound_rules] {
        match path.as_deref().map(crate::drift::Saved::read).transpose() {
            Ok(s) => saved.push(s),
            Err(d) => {
                let e = Error::Blueprint {
                    diagnostics: vec![d],
                    sources: Vec::new(),
                };
                return fail(e, a.format);
            }
        }
    }
    let model = crate::plan::plan(&checked, String::new());
    let found = crate::drift::compare(&model, saved[0].as_ref(), saved[1].as_ref());
    let mut sources = checked.loaded.texts();
    sources.extend(
        saved
            .iter()
            .flatten()
            .map(|s| (s.label.clone(), s.text.clone())),
    );
    let all: Vec<Diagnostic> = checked.warnings.iter().chain(&found).cloned().collect();
    report_always(&all, &sources, a.format);
    let errors = found.iter().filter(|d| d.is_error()).count();
    if a.format == Format::Human {
        eprintln!(
            "{}: {errors} differences from the running workspace",
            escape_controls(&checked.loaded.source.label)
        );
    }
    if errors > 0 {
        Exit::Diagnostics
    } else {
        Exit::Success
    }
}

/// One input of `amlgen check`, checked.
enum Checked {
    Linted(crate::lint::Linted),
    /// Boxed: a checked blueprint is a few KiB, a linted file a few words.
    Blueprint(Box<Result<crate::analyze::Checked, Error>>),
}

fn output_failed(dir: &Path) -> impl FnOnce(OutputError) -> Error + '_ {
    move |error| Error::Output {
        dir: dir.to_path_buf(),
        error,
    }
}

fn check_dir(dir: &Path, r: &Rendered) -> Result<(), Error> {
    let checked = output::check(dir, &r.artifacts, &r.manifest).map_err(output_failed(dir))?;
    say_recovered(dir, checked.recovered);
    if checked.diffs.is_empty() {
        eprintln!(
            "{}: up to date ({} files)",
            shown(dir),
            r.artifacts.len() + 1
        );
        return Ok(());
    }
    Err(Error::Stale {
        dir: dir.to_path_buf(),
        regenerate: r.model.blueprint.regenerate.clone(),
        diffs: checked.diffs.iter().map(ToString::to_string).collect(),
    })
}

fn say_recovered(dir: &Path, recovered: Option<output::Recovery>) {
    match recovered {
        Some(output::Recovery::RolledForward) => eprintln!(
            "{}: finished writing a render an earlier amlgen run was stopped in the middle of",
            shown(dir)
        ),
        Some(output::Recovery::Discarded) => eprintln!(
            "{}: removed the staged files of an earlier amlgen run that was stopped before writing",
            shown(dir)
        ),
        None => {}
    }
}

fn write_dir(dir: &Path, r: &Rendered, force: bool) -> Result<(), Error> {
    let plan = output::write(dir, &r.artifacts, &r.manifest, force).map_err(output_failed(dir))?;
    say_recovered(dir, plan.recovered);
    eprintln!(
        "{}: {} written, {} unchanged, {} removed",
        shown(dir),
        plan.write.len() + plan.conflicts.len(),
        plan.unchanged.len(),
        plan.remove.len()
    );
    Ok(())
}

/// A path as amlgen prints it: control characters from a folder or file name escaped, so a
/// name cannot rewrite the terminal.
fn shown(p: &Path) -> String {
    escape_controls(&p.to_string_lossy()).into_owned()
}

/// The one printer for every error: what went wrong, and the exit code it means.
fn fail(e: Error, format: Format) -> Exit {
    let exit = e.exit();
    let label = e.code().map(|c| format!("error[{c}]")).unwrap_or_default();
    match e {
        Error::Blueprint {
            diagnostics,
            sources,
        } => report(&diagnostics, &sources, format),
        Error::UnsafeChange {
            dir,
            diagnostics,
            sources,
        } => {
            report(&diagnostics, &sources, format);
            eprintln!(
                "{}: refused: the render changes what the previous render deployed in a way Azure refuses or that leaves data behind (nothing was written)",
                shown(&dir)
            );
        }
        Error::Usage(m) => eprintln!("error: {}", escape_controls(&m)),
        Error::Stale {
            dir,
            regenerate,
            diffs,
        } => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{}: out of date; run `{regenerate}`", shown(&dir));
            // Line by line: a diff's own newlines are its structure, and only the text inside
            // each line (which may come from a file) has its control characters escaped.
            for d in diffs {
                for line in d.lines() {
                    let _ = writeln!(err, "{}", escape_controls(line));
                }
            }
        }
        Error::Output {
            dir,
            error: OutputError::Conflicts(list),
        } => {
            eprintln!(
                "{label}: refusing to overwrite files in {} (nothing was written):",
                shown(&dir)
            );
            for c in list {
                eprintln!("  {} {}", shown(&c.path), c.reason);
            }
            eprintln!("  = help: keep your change by moving it into the blueprint, or pass --force to overwrite");
        }
        Error::Output {
            error: OutputError::Unsafe(m),
            ..
        } => eprintln!("{label}: {}", escape_controls(&m)),
        Error::Output {
            error: OutputError::Io(m),
            ..
        } => eprintln!("{label}: could not write output: {}", escape_controls(&m)),
        Error::Internal(m) => eprintln!(
            "internal error: {m}\nThis is a bug in amlgen; please report it with the blueprint."
        ),
    }
    exit
}

/// Prints diagnostics; JSON and SARIF only when there are some (`render` prints other JSON to
/// stdout after them).
fn report(diags: &[Diagnostic], sources: &[(String, String)], format: Format) {
    if diags.is_empty() && format != Format::Human {
        return;
    }
    report_always(diags, sources, format);
}

/// The one place diagnostics are shown. Every form shows them with control characters from
/// input escaped (`Diagnostic::displayed`); JSON and SARIF are printed even when there is
/// nothing to report (`[]`, an empty run), so a tool always gets a document.
fn report_always(diags: &[Diagnostic], sources: &[(String, String)], format: Format) {
    match format {
        Format::Json => {
            let shown: Vec<Diagnostic> = diags.iter().map(Diagnostic::displayed).collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&shown).expect("serialisable")
            );
        }
        Format::Sarif => {
            let shown: Vec<Diagnostic> = diags.iter().map(Diagnostic::displayed).collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&crate::sarif::log(&shown)).expect("serialisable")
            );
        }
        Format::Human => {
            let mut err = std::io::stderr().lock();
            for d in diags {
                // The source line comes from the file the diagnostic points into: the
                // blueprint or one of its --values files.
                let text = sources
                    .iter()
                    .find(|(label, _)| *label == d.location.file)
                    .or(sources.first())
                    .map(|(_, t)| t.as_str());
                let _ = write!(err, "{}", d.render(text));
            }
        }
    }
}

/// `amlgen check` on a hand-written file: diagnostics, a summary, exit 1 on errors.
fn lint_report(l: &crate::lint::Linted, format: Format) -> Exit {
    report_always(&l.diagnostics, &[(l.label.clone(), l.text.clone())], format);
    let errors = l.diagnostics.iter().filter(|d| d.is_error()).count();
    if format == Format::Human {
        let kind = l
            .kind
            .map(|k| format!(" ({})", k.describe()))
            .unwrap_or_default();
        eprintln!(
            "{}{kind}: {errors} errors, {} warnings",
            escape_controls(&l.label),
            l.diagnostics.len() - errors
        );
    }
    lint_exit(l)
}

fn lint_exit(l: &crate::lint::Linted) -> Exit {
    if l.diagnostics.iter().any(Diagnostic::is_error) {
        Exit::Diagnostics
    } else {
        Exit::Success
    }
}

fn explain(code: Option<&str>) -> Exit {
    let Some(code) = code else {
        print!("{}", crate::explain::list());
        return Exit::Success;
    };
    match crate::explain::explain(code) {
        Some(text) => {
            print!("{text}");
            Exit::Success
        }
        None => {
            let hint = crate::explain::closest(code)
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            let m = format!(
                "`{}` is not a diagnostic code{hint} (`amlgen explain` lists them)",
                escape_controls(code)
            );
            fail(Error::Usage(m), Format::Human)
        }
    }
}

fn allowlist(a: AllowlistArgs) -> Exit {
    use crate::allowlist::{self, format, Target};
    let target = match a.target {
        AllowlistFor::ApprovedOnly => Target::ApprovedOnly,
        AllowlistFor::Firewall => Target::Firewall,
    };
    if target == Target::Firewall && a.format == AllowlistFormat::Blueprint {
        let m = "--format blueprint prints managed-VNet FQDN rules; with --for firewall use --format az or --format json";
        return fail(Error::Usage(m.into()), Format::Human);
    }
    let needs = allowlist::discover(&a.files, a.include_outside);
    let list = allowlist::plan(&a.files, needs, target);
    match a.format {
        AllowlistFormat::Blueprint => print!("{}", format::blueprint(&list)),
        AllowlistFormat::Az => print!("{}", format::az(&list)),
        AllowlistFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&format::json(&list)).expect("serialisable")
        ),
    }
    if a.format != AllowlistFormat::Json {
        // No source lines: a line may hold a credential; values are redacted.
        let mut err = std::io::stderr().lock();
        for d in &list.findings {
            let _ = write!(err, "{}", d.render(None));
        }
        let _ = writeln!(
            err,
            "{} rules for {} files; {} findings",
            list.rules.len(),
            list.files.len(),
            list.findings.len()
        );
    }
    if list.has_errors() {
        Exit::Diagnostics
    } else {
        Exit::Success
    }
}

/// The `description:` of a built-in blueprint, folded onto one line, for `amlgen list`.
fn first_description_line(text: &str) -> String {
    crate::yaml::from_str_value(text)
        .ok()
        .and_then(|v| {
            v.get("description")
                .and_then(|d| d.as_str())
                .map(str::to_string)
        })
        .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

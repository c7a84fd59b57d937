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

#[derive(clap::Args)]
struct RenderArgs {
    /// Built-in blueprint name or path to a blueprint YAML file.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    blueprint: Option<String>,
    /// Render every built-in blueprint into out/<name>/.
    #[arg(long)]
    all: bool,
    /// Output folder (default: out/<blueprint name>).
    #[arg(long, conflicts_with = "all")]
    out: Option<PathBuf>,
    /// Override one value, e.g. --set workspace.name=mlw-fraud-prod (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<String>,
    /// Write nothing; exit 3 and show a diff where the output folder differs from a fresh render.
    #[arg(long)]
    check: bool,
    /// Overwrite files changed by hand, and write into a folder amlgen did not create.
    #[arg(long)]
    force: bool,
    /// Print the validated model (what the templates receive) as JSON instead of writing files.
    #[arg(long, value_enum)]
    emit: Option<Emit>,
    /// Diagnostic format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Built-in blueprint name or path to a blueprint YAML file; also an az ml workspace YAML,
    /// an NSG/ARM JSON, a script with `az ml workspace outbound-rule` commands, or Markdown.
    blueprint: String,
    #[arg(long = "set", value_name = "PATH=VALUE")]
    sets: Vec<String>,
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
    // `check` on a hand-written workspace YAML, NSG JSON, az script or Markdown; blueprints
    // (and built-in names) go on to the blueprint path below.
    if let Command::Check(a) = &cli.command {
        if let Some(linted) = crate::lint::check_file(&a.blueprint) {
            if !a.sets.is_empty() {
                let m = format!(
                    "--set applies to blueprints; {} is not one",
                    escape_controls(&a.blueprint)
                );
                return fail(Error::Usage(m), a.format);
            }
            return lint_report(&linted, a.format);
        }
    }
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
                    report(&[w], None, Format::Human);
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
                    source: None,
                };
                fail(e, Format::Human)
            }
        },
        Command::Allowlist(a) => allowlist(a),
        Command::Explain { code } => explain(code.as_deref()),
        Command::Check(a) => match crate::load_and_analyze(&a.blueprint, &a.sets) {
            Ok(crate::analyze::Checked {
                loaded, warnings, ..
            }) => {
                report_always(&warnings, Some(&loaded.source.text), a.format);
                if a.format == Format::Human {
                    eprintln!(
                        "{}: no errors ({} warnings)",
                        escape_controls(&loaded.source.label),
                        warnings.len()
                    );
                }
                Exit::Success
            }
            Err(e) => fail(e, a.format),
        },
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

fn render(a: RenderArgs) -> Exit {
    let targets: Vec<(String, Option<PathBuf>)> = if a.all {
        builtin::names().map(|n| (n.to_string(), None)).collect()
    } else {
        vec![(
            a.blueprint.clone().expect("clap requires it"),
            a.out.clone(),
        )]
    };
    let mut worst = Exit::Success;
    for (arg, out) in targets {
        let exit = match render_one(&a, &arg, out) {
            Ok(()) => Exit::Success,
            Err(e) => fail(e, a.format),
        };
        worst = worst.max(exit);
    }
    worst
}

fn render_one(a: &RenderArgs, arg: &str, out: Option<PathBuf>) -> Result<(), Error> {
    let out_arg = out.as_ref().map(|p| p.to_string_lossy().into_owned());
    let rendered = crate::render_blueprint(arg, &a.sets, out_arg.as_deref())?;
    report(
        &rendered.warnings,
        Some(&rendered.loaded.source.text),
        a.format,
    );
    if let Some(Emit::Model) = a.emit {
        println!(
            "{}",
            serde_json::to_string_pretty(&rendered.model).expect("serialisable")
        );
        return Ok(());
    }
    let dir = out.unwrap_or_else(|| Path::new("out").join(&rendered.model.blueprint.name));
    if a.check {
        check_dir(&dir, &rendered)
    } else {
        write_dir(&dir, &rendered, a.force)
    }
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
            source,
        } => report(&diagnostics, source.as_deref(), format),
        Error::Usage(m) => eprintln!("error: {}", escape_controls(&m)),
        Error::Stale {
            dir,
            regenerate,
            diffs,
        } => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "{}: out of date; run `{regenerate}`", shown(&dir));
            for d in diffs {
                let _ = writeln!(err, "{}", escape_controls(&d));
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
fn report(diags: &[Diagnostic], source: Option<&str>, format: Format) {
    if diags.is_empty() && format != Format::Human {
        return;
    }
    report_always(diags, source, format);
}

/// The one place diagnostics are shown. Every form shows them with control characters from
/// input escaped (`Diagnostic::displayed`); JSON and SARIF are printed even when there is
/// nothing to report (`[]`, an empty run), so a tool always gets a document.
fn report_always(diags: &[Diagnostic], source: Option<&str>, format: Format) {
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
                let _ = write!(err, "{}", d.render(source));
            }
        }
    }
}

/// `amlgen check` on a hand-written file: diagnostics, a summary, exit 1 on errors.
fn lint_report(l: &crate::lint::Linted, format: Format) -> Exit {
    report_always(&l.diagnostics, Some(&l.text), format);
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
    if errors > 0 {
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

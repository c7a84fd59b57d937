//! The PowerShell scripts amlgen renders (deploy.ps1, dns/windows-dns-forwarders.ps1), checked
//! with real tools, as no PowerShell runs here: every file parses with the tree-sitter PowerShell
//! grammar without an ERROR or MISSING node, and every command is a cmdlet of
//! conformance/powershell_cmdlets.json (transcribed from the cmdlets' own help, with repository
//! path and commit) called with parameters it has, its mandatory parameters for one parameter
//! set, no value after a switch, and enum values it accepts. Self-tests feed broken scripts that
//! each check must catch.

use serde_json::Value as Json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use tree_sitter::{Node, Parser, Tree};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn parse(src: &str) -> Tree {
    let mut p = Parser::new();
    p.set_language(&tree_sitter_powershell::LANGUAGE.into())
        .expect("the grammar loads with the tree-sitter of Cargo.lock");
    p.parse(src, None).expect("the parser returns a tree")
}

/// Every ERROR or MISSING node, as `line:column kind`.
fn syntax_errors(tree: &Tree) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.is_error() || n.is_missing() {
            let at = n.start_position();
            let what = if n.is_missing() {
                format!("MISSING {}", n.kind())
            } else {
                "ERROR".to_string()
            };
            out.push(format!("{}:{} {what}", at.row + 1, at.column + 1));
        }
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
    }
    out.sort();
    out
}

struct Cmdlets {
    doc: Json,
}

impl Cmdlets {
    fn load() -> Self {
        let text = std::fs::read_to_string(root().join("conformance/powershell_cmdlets.json"))
            .expect("conformance/powershell_cmdlets.json");
        Cmdlets {
            doc: serde_json::from_str(&text).expect("valid JSON"),
        }
    }

    fn cmdlet(&self, name: &str) -> Option<&Json> {
        let all = self.doc["cmdlets"].as_object()?;
        all.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The parameter a written name (or alias) stands for, with its table; the cmdlet's own
    /// parameters first, then the common parameters.
    fn parameter<'a>(&'a self, cmdlet: &'a Json, written: &str) -> Option<(String, &'a Json)> {
        let tables = [
            cmdlet["parameters"].as_object()?,
            self.doc["common_parameters"].as_object()?,
        ];
        for table in tables {
            for (name, p) in table {
                if name.starts_with('_') {
                    continue;
                }
                let aliases = p["aliases"].as_array().into_iter().flatten();
                if name.eq_ignore_ascii_case(written)
                    || aliases
                        .filter_map(Json::as_str)
                        .any(|a| a.eq_ignore_ascii_case(written))
                {
                    return Some((name.clone(), p));
                }
            }
        }
        None
    }
}

/// One argument of a command: a `-Parameter` or a value (with its literal text when it is a
/// bare word or a single-quoted string, for enum checks).
enum Element {
    Parameter(String),
    Value(Option<String>),
}

fn elements(cmd: Node, src: &str) -> Vec<Element> {
    let mut out = Vec::new();
    let Some(els) = cmd.child_by_field_name("command_elements") else {
        return out;
    };
    let mut c = els.walk();
    for n in els.named_children(&mut c) {
        match n.kind() {
            "command_argument_sep" | "comment" => {}
            "command_parameter" => {
                let text = &src[n.byte_range()];
                // `-Name:value` binds the value to the parameter.
                let (name, value) = match text.split_once(':') {
                    Some((p, v)) => (p, Some(v.to_string())),
                    None => (text, None),
                };
                out.push(Element::Parameter(name.trim_start_matches('-').to_string()));
                if let Some(v) = value {
                    out.push(Element::Value(Some(v)));
                }
            }
            _ => out.push(Element::Value(literal(&src[n.byte_range()]))),
        }
    }
    out
}

/// The text of a bare word or a single-quoted string without `''` inside; anything else is an
/// expression whose value is known only at run time.
fn literal(text: &str) -> Option<String> {
    let t = text.trim();
    if t.len() >= 2 && t.starts_with('\'') && t.ends_with('\'') {
        let inner = &t[1..t.len() - 1];
        return (!inner.contains('\'')).then(|| inner.to_string());
    }
    let bare = !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    bare.then(|| t.to_string())
}

/// Every finding of the cmdlet check on one script, and the names of the commands seen.
/// `dynamic` names the template parameters New-AzResourceGroupDeployment takes besides its own
/// (PowerShell adds them from the template).
fn cmdlet_check(
    src: &str,
    cmdlets: &Cmdlets,
    dynamic: &BTreeSet<String>,
) -> (Vec<String>, BTreeSet<String>) {
    let tree = parse(src);
    let functions = script_functions(tree.root_node(), src);
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
        if n.kind() != "command" {
            continue;
        }
        let Some(name_node) = n.child_by_field_name("command_name") else {
            continue;
        };
        let at = n.start_position().row + 1;
        let name = &src[name_node.byte_range()];
        seen.insert(name.to_string());
        let found = functions
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
            .or_else(|| cmdlets.cmdlet(name));
        let Some(cmdlet) = found else {
            out.push(format!("line {at}: `{name}` is not a transcribed cmdlet"));
            continue;
        };
        out.extend(
            check_call(name, cmdlet, &elements(n, src), cmdlets, dynamic)
                .into_iter()
                .map(|f| format!("line {at}: {name}: {f}")),
        );
    }
    (out, seen)
}

/// The functions a script defines (runbook.ps1's helpers), as parameter tables of the same
/// shape as a transcribed cmdlet's: their `param()` names, `[switch]` ones as switches, every
/// parameter named-only (the scripts call them by name), none mandatory.
fn script_functions(root: Node, src: &str) -> BTreeMap<String, Json> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let mut c = n.walk();
        stack.extend(n.children(&mut c));
        if n.kind() != "function_statement" {
            continue;
        }
        let mut c = n.walk();
        let Some(name) = n
            .children(&mut c)
            .find(|k| k.kind() == "function_name")
            .map(|k| src[k.byte_range()].to_string())
        else {
            continue;
        };
        let mut params = serde_json::Map::new();
        let mut inner = vec![n];
        while let Some(k) = inner.pop() {
            let mut c = k.walk();
            inner.extend(k.children(&mut c));
            if k.kind() != "script_parameter" {
                continue;
            }
            let text = &src[k.byte_range()];
            let Some(var) = text.rsplit('$').next() else {
                continue;
            };
            let switch = text.to_ascii_lowercase().contains("[switch]");
            params.insert(
                var.trim().to_string(),
                serde_json::json!({"sets": ["(All)"], "required": false, "position": null,
                    "switch": switch, "aliases": []}),
            );
        }
        out.insert(
            name,
            serde_json::json!({"sets": ["(script)"], "parameters": params}),
        );
    }
    out
}

fn check_call(
    name: &str,
    cmdlet: &Json,
    els: &[Element],
    cmdlets: &Cmdlets,
    dynamic: &BTreeSet<String>,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut given: Vec<(String, Option<&Json>)> = Vec::new();
    let mut positional = 0usize;
    let mut i = 0;
    while i < els.len() {
        match &els[i] {
            Element::Parameter(p) => {
                let next_value = match els.get(i + 1) {
                    Some(Element::Value(v)) => Some(v),
                    _ => None,
                };
                if let Some((canonical, table)) = cmdlets.parameter(cmdlet, p) {
                    let switch = table["switch"].as_bool().unwrap_or(false);
                    if !switch {
                        match next_value {
                            None => out.push(format!("-{p} needs a value")),
                            Some(v) => {
                                if let (Some(v), Some(allowed)) = (v, table["enum"].as_array()) {
                                    let ok = allowed
                                        .iter()
                                        .filter_map(Json::as_str)
                                        .any(|a| a.eq_ignore_ascii_case(v));
                                    if !ok {
                                        out.push(format!("-{p} does not accept `{v}`"));
                                    }
                                }
                                i += 1;
                            }
                        }
                    }
                    if given
                        .iter()
                        .any(|(g, _)| g.eq_ignore_ascii_case(&canonical))
                    {
                        out.push(format!("-{p} given twice"));
                    }
                    given.push((canonical, Some(table)));
                } else if name.eq_ignore_ascii_case("New-AzResourceGroupDeployment")
                    && dynamic.iter().any(|d| d.eq_ignore_ascii_case(p))
                {
                    // A template parameter: it takes a value.
                    if next_value.is_none() {
                        out.push(format!("template parameter -{p} needs a value"));
                    } else {
                        i += 1;
                    }
                    given.push((p.clone(), None));
                } else {
                    out.push(format!("no parameter -{p}"));
                }
            }
            Element::Value(_) => positional += 1,
        }
        i += 1;
    }
    // Positional values bind, in order, to the parameters with a position that were not named.
    let params = cmdlet["parameters"].as_object().expect("parameters");
    let mut by_position: Vec<(u64, &String)> = params
        .iter()
        .filter(|(n, _)| !given.iter().any(|(g, _)| g.eq_ignore_ascii_case(n)))
        .filter_map(|(n, p)| p["position"].as_u64().map(|pos| (pos, n)))
        .collect();
    by_position.sort();
    if positional > by_position.len() {
        out.push(format!(
            "{positional} positional values, but only {} positional parameters left",
            by_position.len()
        ));
    }
    let named: Vec<String> = given
        .iter()
        .filter(|(_, t)| t.is_some())
        .map(|(g, _)| g.clone())
        .chain(
            by_position
                .iter()
                .take(positional)
                .map(|(_, n)| (*n).clone()),
        )
        .collect();
    // The call must fit one parameter set: every parameter given belongs to it, and every
    // parameter mandatory in it is given.
    let sets: Vec<&str> = cmdlet["sets"]
        .as_array()
        .expect("sets")
        .iter()
        .filter_map(Json::as_str)
        .collect();
    let in_set = |p: &Json, set: &str| {
        p["sets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Json::as_str)
            .any(|s| s == "(All)" || s == set)
    };
    let mut reasons = Vec::new();
    let fits = sets.iter().any(|set| {
        let foreign: Vec<&String> = named
            .iter()
            .filter(|n| params.get(*n).is_some_and(|p| !in_set(p, set)))
            .collect();
        let missing: Vec<&String> = params
            .iter()
            .filter(|(n, p)| {
                in_set(p, set)
                    && p["required"].as_bool().unwrap_or(false)
                    && !named.iter().any(|g| g.eq_ignore_ascii_case(n))
            })
            .map(|(n, _)| n)
            .collect();
        if foreign.is_empty() && missing.is_empty() {
            return true;
        }
        reasons.push(format!(
            "set {set}: {}{}",
            if missing.is_empty() {
                String::new()
            } else {
                format!("missing mandatory {missing:?} ")
            },
            if foreign.is_empty() {
                String::new()
            } else {
                format!("not in this set {foreign:?}")
            }
        ));
        false
    });
    if !fits {
        out.push(format!("fits no parameter set ({})", reasons.join("; ")));
    }
    out
}

/// The template parameters deploy.ps1 may pass to New-AzResourceGroupDeployment: those of the
/// parameter file rendered beside it (one per parameter of main.bicep).
fn template_parameters(artifacts: &[amlgen::render::Artifact]) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = artifacts
        .iter()
        .find(|a| a.path == "main.parameters.json")
        .map(|a| {
            let doc: Json = serde_json::from_slice(&a.bytes).expect("parameter file is JSON");
            doc["parameters"]
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default()
        })
        .unwrap_or_default();
    // Secure parameters (the inference router's certificate and key) and looked-up ones (a
    // service principal's object ID) are in main.bicep only: deploy.ps1 gives them on the
    // command line.
    if let Some(main) = artifacts.iter().find(|a| a.path == "main.bicep") {
        names.extend(amlgen::verify::bicep_deploy_time_params(
            &String::from_utf8_lossy(&main.bytes),
        ));
    }
    names
}

/// The blueprints runbook.ps1 is rendered for: every built-in, managed or customer VNet (hub-max's
/// private DNS zone policy keeps it off).
const RUNBOOK_PS1: &[&str] = &[
    "allow-internet",
    "approved-only",
    "hub-spoke",
    "no-firewall",
    "exfiltration-prevention",
    "tests/fixtures/blueprints/max.yaml",
    "tests/fixtures/blueprints/byo-max.yaml",
    "tests/fixtures/blueprints/byo-hub.yaml",
];

fn blueprints() -> Vec<String> {
    let mut v: Vec<String> = amlgen::blueprint::builtin::names()
        .map(String::from)
        .collect();
    v.push("tests/fixtures/blueprints/max.yaml".to_string());
    v.push("tests/fixtures/blueprints/hub-max.yaml".to_string());
    v.push("tests/fixtures/blueprints/byo-max.yaml".to_string());
    v.push("tests/fixtures/blueprints/byo-hub.yaml".to_string());
    v
}

/// Every .ps1 of every built-in (with and without a subscription, which adds the guard) and of
/// the fixtures parses cleanly and calls only transcribed cmdlets as their help allows.
#[test]
fn every_rendered_ps1_parses_and_calls_cmdlets_as_documented() {
    let cmdlets = Cmdlets::load();
    let mut checked = 0;
    for arg in blueprints() {
        for sets in [
            vec![],
            vec!["resource_group.subscription_id=00000000-0000-0000-0000-000000000000".to_string()],
        ] {
            let r = amlgen::render_blueprint(&arg, &sets, None)
                .unwrap_or_else(|e| panic!("{arg}: {e:?}"));
            let dynamic = template_parameters(&r.artifacts);
            assert!(dynamic.contains("location"), "{arg}: no location parameter");
            let ps1: Vec<_> = r
                .artifacts
                .iter()
                .filter(|a| a.path.ends_with(".ps1"))
                .collect();
            assert!(
                ps1.iter().any(|a| a.path == "deploy.ps1"),
                "{arg}: no deploy.ps1"
            );
            // runbook.ps1 covers every built-in (a blueprint it does not cover says in its
            // README why not yet).
            if RUNBOOK_PS1.contains(&arg.as_str()) {
                assert!(
                    ps1.iter().any(|a| a.path == "runbook.ps1"),
                    "{arg}: no runbook.ps1"
                );
            }
            for a in ps1 {
                let src = String::from_utf8(a.bytes.clone()).expect("UTF-8");
                let errors = syntax_errors(&parse(&src));
                assert!(errors.is_empty(), "{arg}/{}: {errors:?}\n{src}", a.path);
                let (mut findings, seen) = cmdlet_check(&src, &cmdlets, &dynamic);
                findings.extend(requires_findings(&src, &seen, &cmdlets));
                assert!(findings.is_empty(), "{arg}/{}: {findings:#?}", a.path);
                if a.path == "runbook.ps1" {
                    for c in [
                        "Get-AzContext",
                        "New-AzResourceGroup",
                        "Invoke-AzRestMethod",
                        "ConvertFrom-Json",
                        "Set-AmlgenResource",
                    ] {
                        assert!(
                            seen.contains(c),
                            "{arg}/runbook.ps1: {c} not seen in {seen:?}"
                        );
                    }
                }
                if a.path == "deploy.ps1" {
                    for c in [
                        "Get-AzContext",
                        "New-AzResourceGroup",
                        "New-AzResourceGroupDeployment",
                    ] {
                        assert!(
                            seen.contains(c),
                            "{arg}/deploy.ps1: {c} not seen in {seen:?}"
                        );
                    }
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 2 * blueprints().len());
}

/// The transcription itself: every cmdlet names its source file and commit, every parameter
/// belongs to sets the cmdlet has, and positions are unique within a set.
#[test]
fn transcription_is_complete_and_consistent() {
    let c = Cmdlets::load();
    let all = c.doc["cmdlets"].as_object().expect("cmdlets");
    assert!(all.contains_key("New-AzResourceGroupDeployment"));
    for (name, cmdlet) in all {
        let src = &cmdlet["source"];
        for key in ["repo", "path", "commit"] {
            assert!(src[key].as_str().is_some(), "{name}: source.{key}");
        }
        let commit = src["commit"].as_str().unwrap_or_default();
        assert!(
            commit.len() == 40 && commit.chars().all(|c| c.is_ascii_hexdigit()),
            "{name}: commit {commit}"
        );
        assert!(
            src["path"]
                .as_str()
                .is_some_and(|p| p.ends_with(&format!("{name}.md"))),
            "{name}: the source is not the cmdlet's help file"
        );
        let sets: Vec<&str> = cmdlet["sets"]
            .as_array()
            .expect("sets")
            .iter()
            .filter_map(Json::as_str)
            .collect();
        for (pname, p) in cmdlet["parameters"].as_object().expect("parameters") {
            for s in p["sets"].as_array().expect("parameter sets") {
                let s = s.as_str().expect("set name");
                assert!(
                    s == "(All)" || sets.contains(&s),
                    "{name} -{pname}: unknown set {s}"
                );
            }
        }
    }
}

fn findings_of(script: &str) -> Vec<String> {
    let dynamic: BTreeSet<String> = ["location".to_string()].into();
    let cmdlets = Cmdlets::load();
    let mut out = syntax_errors(&parse(script));
    let (findings, seen) = cmdlet_check(script, &cmdlets, &dynamic);
    out.extend(findings);
    out.extend(requires_findings(script, &seen, &cmdlets));
    out
}

/// A script that calls Az cmdlets names each of their modules in a `#Requires -Modules` line,
/// so an old or missing Az module stops it before it changes anything.
fn requires_findings(src: &str, seen: &BTreeSet<String>, cmdlets: &Cmdlets) -> Vec<String> {
    let re = regex::Regex::new(
        r"(?m)^#Requires -Modules @\{ ModuleName = '([\w.]+)'; ModuleVersion = '[\d.]+' \}$",
    )
    .unwrap();
    let required: BTreeSet<&str> = re
        .captures_iter(src)
        .map(|c| c.get(1).unwrap().as_str())
        .collect();
    seen.iter()
        .filter_map(|c| {
            cmdlets
                .cmdlet(c)
                .and_then(|t| t["module"].as_str())
                .map(|m| (c, m))
        })
        .filter(|(_, m)| m.starts_with("Az.") && !required.contains(m))
        .map(|(c, m)| format!("{c} needs {m}, which no #Requires -Modules line names"))
        .collect()
}

/// The checks catch what they are for: each broken script gets the finding it should, and the
/// correct form of the same call gets none.
#[test]
fn self_test_broken_scripts_are_caught() {
    let ok = "#Requires -Modules @{ ModuleName = 'Az.Resources'; ModuleVersion = '3.3.0' }\n\
              New-AzResourceGroup -Name 'rg' -Location 'eastus' -Force\n\
              New-AzResourceGroupDeployment -ResourceGroupName 'rg' -TemplateFile 'main.bicep' \
              -TemplateParameterFile 'p.json' -location 'eastus' -WhatIf\n\
              Set-StrictMode -Version Latest\n\
              Add-DnsServerConditionalForwarderZone 'zone.example' '10.0.0.4'\n\
              function Set-Thing {\n    param([string] $Path, [switch] $Update)\n}\n\
              Set-Thing -Path 'a' -Update\n";
    assert_eq!(findings_of(ok), Vec::<String>::new());
    let cases: &[(&str, &str, &str)] = &[
        (
            "module not required",
            "#Requires -Modules @{ ModuleName = 'Az.Accounts'; ModuleVersion = '1.0.0' }\n\
             New-AzResourceGroup -Name 'rg' -Location 'eastus'\n",
            "needs Az.Resources",
        ),
        (
            "unknown cmdlet",
            "New-AzResourceGroupDeploymnet -ResourceGroupName 'rg' -TemplateFile 'main.bicep'\n",
            "is not a transcribed cmdlet",
        ),
        (
            "unknown parameter",
            "New-AzResourceGroup -Name 'rg' -Location 'eastus' -Tags2 @{}\n",
            "no parameter -Tags2",
        ),
        (
            "missing mandatory parameter",
            "New-AzResourceGroup -Name 'rg'\n",
            "missing mandatory [\"Location\"]",
        ),
        (
            "parameters of two sets",
            "New-AzResourceGroupDeployment -ResourceGroupName 'rg' -TemplateFile 'a.bicep' \
             -TemplateUri 'https://example.com/a.json'\n",
            "fits no parameter set",
        ),
        (
            "value not in the enum",
            "New-AzResourceGroupDeployment -ResourceGroupName 'rg' -TemplateFile 'a.bicep' \
             -Mode Incremetal\n",
            "-Mode does not accept `Incremetal`",
        ),
        (
            "enum of a common parameter",
            "Get-AzContext -ErrorAction Stopp\n",
            "-ErrorAction does not accept `Stopp`",
        ),
        (
            "parameter without its value",
            "New-AzResourceGroup -Location 'eastus' -Name\n",
            "-Name needs a value",
        ),
        (
            "unterminated string",
            "New-AzResourceGroup -Name 'rg -Location 'eastus'\n$x = 1\nWrite-Host 'done\n",
            "ERROR",
        ),
        (
            "unclosed block",
            "if ($true) {\n    Write-Host 'a'\n",
            "MISSING",
        ),
        (
            "unknown parameter of a script function",
            "function Set-Thing {\n    param([string] $Path)\n}\nSet-Thing -Pth 'a'\n",
            "no parameter -Pth",
        ),
        (
            "unknown switch of a script function",
            "function Set-Thing {\n    param([switch] $Update)\n}\nSet-Thing -Update -Update2\n",
            "no parameter -Update2",
        ),
        (
            "template parameter not in the template",
            "New-AzResourceGroupDeployment -ResourceGroupName 'rg' -TemplateFile 'a.bicep' \
             -locaton 'eastus'\n",
            "no parameter -locaton",
        ),
    ];
    for (what, script, expected) in cases {
        let f = findings_of(script);
        assert!(
            f.iter().any(|x| x.contains(expected)),
            "{what}: expected a finding with `{expected}`, got {f:#?}"
        );
    }
}

/// Splits the words of one line of a bash command as bash does for the forms amlgen writes
/// (bare words, '...' and `\'` between them).
fn sh_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    cur.push(q);
                }
            }
            '\\' => {
                in_word = true;
                cur.extend(chars.next());
            }
            ' ' => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

/// A PowerShell single-quoted literal's text (`''` is one quote).
fn ps_unquote(s: &str) -> String {
    s.strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .unwrap_or_else(|| panic!("not a single-quoted literal: {s}"))
        .replace("''", "'")
}

/// deploy.ps1 and deploy.sh deploy the same thing: the same resource group, region and
/// deployment name by default, the same resource group tags, the same template and parameter
/// file, the same subscription guard. (Both deploy main.bicep, so the resources are those of the
/// Bicep path, which tests/path_equivalence.rs compares with runbook.sh.)
#[test]
fn deploy_ps1_deploys_what_deploy_sh_deploys() {
    let ps_default =
        regex::Regex::new(r"(?m)^\s+\[string\] \$(\w+) = ('(?:[^']|'')*'),?$").unwrap();
    let ps_tag = regex::Regex::new(r"(?m)^\s+('(?:[^']|'')*') = ('(?:[^']|'')*')$").unwrap();
    let sh_default = regex::Regex::new(r"(?m)^(\w+)=\$\{\w+:-(.*)\}$").unwrap();
    for arg in blueprints() {
        for sets in [
            vec![],
            vec!["resource_group.subscription_id=00000000-0000-0000-0000-000000000000".to_string()],
        ] {
            let r = amlgen::render_blueprint(&arg, &sets, None).unwrap();
            let text = |p: &str| {
                let a = r.artifacts.iter().find(|a| a.path == p).unwrap();
                String::from_utf8(a.bytes.clone()).unwrap()
            };
            let (ps, sh) = (text("deploy.ps1"), text("deploy.sh"));
            let ps_vars: BTreeMap<String, String> = ps_default
                .captures_iter(&ps)
                .map(|c| (c[1].to_string(), ps_unquote(&c[2])))
                .collect();
            let sh_vars: BTreeMap<String, String> = sh_default
                .captures_iter(&sh)
                .map(|c| (c[1].to_string(), sh_words(&c[2]).concat()))
                .collect();
            for (ps_name, sh_name) in [
                ("ResourceGroup", "RESOURCE_GROUP"),
                ("Location", "LOCATION"),
                ("DeploymentName", "DEPLOYMENT_NAME"),
            ] {
                assert_eq!(
                    ps_vars.get(ps_name),
                    sh_vars.get(sh_name),
                    "{arg}: {ps_name} differs"
                );
            }
            let ps_tags: BTreeMap<String, String> = ps_tag
                .captures_iter(&ps)
                .map(|c| (ps_unquote(&c[1]), ps_unquote(&c[2])))
                .collect();
            let sh_tags: BTreeMap<String, String> = sh
                .lines()
                .find_map(|l| l.trim().strip_prefix("--tags "))
                .map(|l| {
                    sh_words(l.trim_end_matches(" \\"))
                        .into_iter()
                        .map(|w| {
                            let (k, v) = w.split_once('=').expect("k=v");
                            (k.to_string(), v.to_string())
                        })
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(ps_tags, sh_tags, "{arg}: resource group tags differ");
            assert_eq!(
                ps_tags,
                r.model.tags.clone().into_iter().collect::<BTreeMap<_, _>>()
            );
            for file in ["main.bicep", "main.parameters.json"] {
                assert!(
                    ps.contains(&format!("\"$PSScriptRoot/{file}\"")),
                    "{arg}: {file}"
                );
                assert!(
                    sh.contains(&format!("${{SCRIPT_DIR}}/{file}\"")),
                    "{arg}: {file}"
                );
            }
            if let Some(sub) = &r.model.subscription_id {
                assert!(
                    ps.contains(&format!("-ne '{sub}'")),
                    "{arg}: no guard in deploy.ps1"
                );
                assert!(
                    sh.contains(&format!("!= {sub}")),
                    "{arg}: no guard in deploy.sh"
                );
            }
        }
    }
}

/// Hostile values (quotes PowerShell reads as `'`, code after them) stay text: deploy.ps1 still
/// parses, runs no command but its own, and holds the value as given.
#[test]
fn hostile_values_stay_literal() {
    let value = "it’s ‘x’; Remove-Item C:\\ -Recurse; ‛ ‚ 'y' “z” $env:PATH `";
    let r =
        amlgen::render_blueprint("approved-only", &[format!("tags.owner={value}")], None).unwrap();
    let a = r.artifacts.iter().find(|a| a.path == "deploy.ps1").unwrap();
    let src = String::from_utf8(a.bytes.clone()).unwrap();
    assert_eq!(syntax_errors(&parse(&src)), Vec::<String>::new(), "{src}");
    let dynamic: BTreeSet<String> = ["location".to_string()].into();
    let (findings, seen) = cmdlet_check(&src, &Cmdlets::load(), &dynamic);
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(!seen.iter().any(|c| c.contains("Remove-Item")), "{seen:?}");
    let tag = src
        .lines()
        .find_map(|l| l.trim().strip_prefix("'owner' = "))
        .expect("the tag line");
    // Read back as PowerShell does: the four single-quote characters are one quote character.
    let unquoted = tag[tag.char_indices().nth(1).unwrap().0..tag.len() - 1]
        .replace("’’", "’")
        .replace("‘‘", "‘")
        .replace("‛‛", "‛")
        .replace("‚‚", "‚")
        .replace("''", "'");
    assert_eq!(unquoted, value);
}

/// The same hostile tag in runbook.ps1: the script parses and calls only what it should, and
/// every ARM body, read back as PowerShell reads the single-quoted literal, is JSON that carries
/// the value unchanged.
#[test]
fn hostile_values_stay_literal_in_runbook_ps1() {
    let value = "it’s ‘x’; Remove-Item C:\\ -Recurse; ‛ ‚ 'y' “z” $env:PATH ` <amlgen";
    let r =
        amlgen::render_blueprint("approved-only", &[format!("tags.owner={value}")], None).unwrap();
    // A value holding the script's own run-time marker would be filled in: no runbook.ps1 then.
    let marked = amlgen::render_blueprint(
        "approved-only",
        &["tags.owner=<amlgen:scope>".to_string()],
        None,
    )
    .unwrap();
    assert!(!marked.artifacts.iter().any(|a| a.path == "runbook.ps1"));
    let a = r
        .artifacts
        .iter()
        .find(|a| a.path == "runbook.ps1")
        .unwrap();
    let src = String::from_utf8(a.bytes.clone()).unwrap();
    assert_eq!(syntax_errors(&parse(&src)), Vec::<String>::new(), "{src}");
    let (findings, seen) = cmdlet_check(&src, &Cmdlets::load(), &BTreeSet::new());
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(!seen.iter().any(|c| c.contains("Remove-Item")), "{seen:?}");
    let mut bodies = 0;
    for line in src.lines() {
        let Some(lit) = line.trim().strip_prefix("-Body ") else {
            continue;
        };
        let mut text = String::new();
        let mut chars = lit[1..lit.len() - 1].chars();
        while let Some(c) = chars.next() {
            text.push(c);
            if matches!(c, '\'' | '‘' | '’' | '‚' | '‛') {
                assert_eq!(chars.next(), Some(c), "an undoubled quote in {lit}");
            }
        }
        let body: Json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        if let Some(tags) = body.get("tags") {
            assert_eq!(tags["owner"], Json::from(value), "{text}");
            bodies += 1;
        }
    }
    assert!(bodies >= 10, "{bodies} tagged bodies");
}

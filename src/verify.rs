//! Checks every artifact with a real parser or schema before anything is written: Bicep with
//! tree-sitter-bicep (no ERROR or MISSING node), the parameter file with the official ARM
//! deploymentParameters schema and against the parameters main.bicep declares.

use crate::render::Artifact;
use serde_json::Value as Json;
use std::sync::OnceLock;

const DEPLOYMENT_PARAMETERS: &str =
    include_str!("../schemas/arm/2019-04-01/deploymentParameters.json");
const DEPLOYMENT_TEMPLATE: &str = include_str!("../schemas/arm/2019-04-01/deploymentTemplate.json");
const SCHEMA_BASE: &str = "https://schema.management.azure.com/schemas/2019-04-01/";

/// A problem found in a rendered artifact: a defect of amlgen (or of a template), not of the
/// user's blueprint, so it names the artifact and the position.
#[derive(Debug, Clone)]
pub struct Finding {
    pub path: String,
    pub message: String,
}

pub fn verify(artifacts: &[Artifact]) -> Vec<Finding> {
    let mut out = Vec::new();
    for a in artifacts {
        let text = text_of(a);
        let messages = if a.path.ends_with(".bicep") {
            bicep_findings_memo(&text)
        } else if a.path.ends_with(".parameters.json") {
            parameter_file(&text)
        } else {
            continue;
        };
        out.extend(messages.into_iter().map(|message| Finding {
            path: a.path.clone(),
            message,
        }));
    }
    if let (Some(bicep), Some(params)) = (
        artifacts.iter().find(|a| a.path == "main.bicep"),
        artifacts.iter().find(|a| a.path == "main.parameters.json"),
    ) {
        out.extend(params_match(&text_of(bicep), &text_of(params)));
    }
    out
}

/// The artifact as text. Rendered artifacts are always UTF-8 (they were Strings); the lossy
/// decoder's byte-by-byte walk showed in profiles, the validating one has a fast ASCII path, so
/// the lossy one is only the fallback.
fn text_of(a: &Artifact) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(&a.bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(&a.bytes),
    }
}

/// Syntax errors of a Bicep text and, when there are none, its undeclared names: both checks
/// read one parse, which is most of the cost of verifying a render.
fn bicep_findings(text: &str) -> Vec<String> {
    let Some(tree) = parse_bicep(text) else {
        return vec![UNPARSABLE.into()];
    };
    let syntax = syntax_errors(&tree, text);
    if syntax.is_empty() {
        undeclared_names(&tree, text)
    } else {
        syntax
    }
}

/// Whether verified Bicep texts are remembered (on by default). The benchmark turns it off to
/// measure what verifying every text costs.
static MEMO: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(true);

pub fn remember_verified_bicep(on: bool) {
    MEMO.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Bicep texts this process has verified clean. The Bicep is structural (every concrete value
/// is a parameter), so the renders of a fleet share most of their modules, byte for byte; the
/// checks are a pure function of the text, so a text verified once needs no second parse. The
/// whole text is the key (no hash to collide), and the set is bounded so a long-running
/// process does not grow without end.
fn bicep_findings_memo(text: &str) -> Vec<String> {
    use std::collections::HashSet;
    use std::sync::Mutex;
    const MAX_REMEMBERED: usize = 512;
    static CLEAN: OnceLock<Mutex<HashSet<Box<str>>>> = OnceLock::new();
    if !MEMO.load(std::sync::atomic::Ordering::Relaxed) {
        return bicep_findings(text);
    }
    let clean = CLEAN.get_or_init(Default::default);
    if clean.lock().is_ok_and(|set| set.contains(text)) {
        return Vec::new();
    }
    let findings = bicep_findings(text);
    if findings.is_empty() {
        if let Ok(mut set) = clean.lock() {
            if set.len() < MAX_REMEMBERED {
                set.insert(text.into());
            }
        }
    }
    findings
}

const UNPARSABLE: &str = "tree-sitter could not parse the file";

/// Parses Bicep with the bundled tree-sitter grammar. The parser is kept per thread, so a render's
/// dozen files (and every render after) do not each set the language and grow fresh parse stacks.
fn parse_bicep(text: &str) -> Option<tree_sitter::Tree> {
    thread_local! {
        static PARSER: std::cell::RefCell<tree_sitter::Parser> = std::cell::RefCell::new({
            let mut parser = tree_sitter::Parser::new();
            parser
                .set_language(&tree_sitter_bicep::LANGUAGE.into())
                .expect("the bundled Bicep grammar matches the tree-sitter version");
            parser
        });
    }
    PARSER.with_borrow_mut(|parser| parser.parse(text, None))
}

/// Syntax errors of a Bicep text as `line:col: message`.
pub fn bicep_syntax(text: &str) -> Vec<String> {
    match parse_bicep(text) {
        Some(tree) => syntax_errors(&tree, text),
        None => vec![UNPARSABLE.into()],
    }
}

fn syntax_errors(tree: &tree_sitter::Tree, text: &str) -> Vec<String> {
    let mut errors = Vec::new();
    let mut cursor = tree.walk();
    let mut stack = vec![tree.root_node()];
    while let Some(node) = stack.pop() {
        if node.is_error() || node.is_missing() {
            let p = node.start_position();
            let what = if node.is_missing() {
                format!("missing {}", node.kind())
            } else {
                "syntax error".to_string()
            };
            let snippet: String = text[node.byte_range()].chars().take(40).collect();
            errors.push(format!(
                "{}:{}: {what} near `{snippet}`",
                p.row + 1,
                p.column + 1
            ));
            continue;
        }
        if node.has_error() {
            stack.extend(node.children(&mut cursor));
        }
    }
    errors.sort();
    errors
}

/// Names a Bicep file uses but never declares (the compiler's BCP057): a template that prints a
/// misspelt symbol, or a value Bicep reads as a name (`False`), parses fine but cannot deploy.
/// Declared: parameters, variables, resources, modules, outputs, types, functions, loop
/// variables. Not references: object keys, called function names, member names.
pub fn bicep_undeclared_names(text: &str) -> Vec<String> {
    match parse_bicep(text) {
        Some(tree) => undeclared_names(&tree, text),
        None => vec![UNPARSABLE.into()],
    }
}

/// What the undeclared-names walk needs to know of a node kind.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Declares the name of its first identifier child (`param x`, `resource r`, ...).
    Declares,
    /// Another `*_declaration`: its identifier children are not references either.
    OtherDeclaration,
    /// `loop_variable`, `loop_enumerator`: its whole text is declared.
    LoopVariable,
    For,
    Identifier,
    In,
    ObjectProperty,
    CallExpression,
    /// A string literal: names occur in it only inside `${...}` interpolations.
    String,
    Other,
}

/// The [`Kind`] of each of the grammar's node kind ids, made once per process: comparing kind
/// names read through `Node::kind` (a C string checked as UTF-8 at each call) was a fifth of the
/// walk.
fn kinds() -> &'static [Kind] {
    static KINDS: OnceLock<Vec<Kind>> = OnceLock::new();
    KINDS.get_or_init(|| {
        let language: tree_sitter::Language = tree_sitter_bicep::LANGUAGE.into();
        (0..language.node_kind_count())
            .map(|id| {
                let name = u16::try_from(id)
                    .ok()
                    .and_then(|id| language.node_kind_for_id(id))
                    .unwrap_or_default();
                match name {
                    "parameter_declaration"
                    | "variable_declaration"
                    | "resource_declaration"
                    | "module_declaration"
                    | "output_declaration"
                    | "type_declaration"
                    | "user_defined_function" => Kind::Declares,
                    "loop_variable" | "loop_enumerator" => Kind::LoopVariable,
                    "for_statement" => Kind::For,
                    "identifier" => Kind::Identifier,
                    "in" => Kind::In,
                    "object_property" => Kind::ObjectProperty,
                    "call_expression" => Kind::CallExpression,
                    "string" => Kind::String,
                    n if n.ends_with("_declaration") => Kind::OtherDeclaration,
                    _ => Kind::Other,
                }
            })
            .collect()
    })
}

/// The children of a node, anonymous ones included, in order.
fn children(n: tree_sitter::Node<'_>) -> impl Iterator<Item = tree_sitter::Node<'_>> {
    (0..n.child_count()).filter_map(move |i| n.child(i))
}

fn undeclared_names(tree: &tree_sitter::Tree, text: &str) -> Vec<String> {
    let kinds = kinds();
    let kind = |n: tree_sitter::Node| {
        kinds
            .get(usize::from(n.kind_id()))
            .copied()
            .unwrap_or(Kind::Other)
    };
    let src = text.as_bytes();
    let name = |n: tree_sitter::Node| n.utf8_text(src).unwrap_or_default();
    let mut declared: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut references: Vec<(&str, tree_sitter::Point)> = Vec::new();
    let mut loop_vars: std::collections::HashSet<usize> = std::collections::HashSet::new();
    // Each node travels with its parent and its index there: `Node::parent` searches down from
    // the root, which made the walk quadratic in the depth of the file; and `Node::child` by
    // index costs about half of stepping a `TreeCursor` through the grammar's hidden nodes.
    let mut stack: Vec<(tree_sitter::Node, Option<tree_sitter::Node>, u32)> =
        vec![(tree.root_node(), None, 0)];
    while let Some((node, parent, index)) = stack.pop() {
        match kind(node) {
            Kind::Declares => {
                if let Some(first) = children(node).find(|c| kind(*c) == Kind::Identifier) {
                    declared.insert(name(first));
                }
            }
            Kind::LoopVariable => {
                declared.insert(name(node));
            }
            // `[for item in items: ...]`: the identifier before `in` declares the loop variable.
            Kind::For => {
                for c in children(node).take_while(|c| kind(*c) != Kind::In) {
                    if kind(c) == Kind::Identifier {
                        declared.insert(name(c));
                        loop_vars.insert(c.id());
                    }
                }
            }
            Kind::Identifier => {
                let is_key = parent.is_some_and(|p| kind(p) == Kind::ObjectProperty && index == 0);
                let is_function = parent.is_some_and(|p| {
                    kind(p) == Kind::CallExpression
                        && p.child_by_field_name("function")
                            .is_some_and(|c| c.id() == node.id())
                });
                let is_declaration = parent
                    .is_some_and(|p| matches!(kind(p), Kind::Declares | Kind::OtherDeclaration));
                if !is_key && !is_function && !is_declaration && !loop_vars.contains(&node.id()) {
                    references.push((name(node), node.start_position()));
                }
            }
            // A string without interpolation holds no name: its parts (quotes, content,
            // escapes) are a fifth of a file's nodes, so the walk does not enter it.
            Kind::String if !name(node).contains("${") => continue,
            _ => {}
        }
        stack.extend((0..node.child_count()).filter_map(|i| Some((node.child(i)?, Some(node), i))));
    }
    let mut out: Vec<String> = references
        .into_iter()
        .filter(|(n, _)| !declared.contains(n))
        .map(|(n, p)| {
            format!(
                "{}:{}: `{n}` is not declared (BCP057)",
                p.row + 1,
                p.column + 1
            )
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

struct EmbeddedSchemas;

impl jsonschema::Retrieve for EmbeddedSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Json, Box<dyn std::error::Error + Send + Sync>> {
        let s = uri.as_str();
        if s.starts_with(&format!("{SCHEMA_BASE}deploymentTemplate.json")) {
            return Ok(serde_json::from_str(DEPLOYMENT_TEMPLATE)?);
        }
        // deploymentTemplate.json also names hundreds of resource schemas under `resources`;
        // a parameter file never reaches them, so they resolve to an empty schema rather than
        // being vendored.
        if s.starts_with("https://schema.management.azure.com/schemas/") {
            return Ok(serde_json::json!({}));
        }
        Err(format!("no embedded schema for {s}").into())
    }
}

fn parameters_validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let schema: Json =
            serde_json::from_str(DEPLOYMENT_PARAMETERS).expect("vendored schema is JSON");
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .with_retriever(EmbeddedSchemas)
            .build(&schema)
            .expect("vendored deploymentParameters schema compiles")
    })
}

/// Validates a parameter file against the official schema.
pub fn parameter_file(text: &str) -> Vec<String> {
    let doc: Json = match serde_json::from_str(text) {
        Ok(d) => d,
        Err(e) => return vec![format!("not JSON: {e}")],
    };
    parameters_validator()
        .iter_errors(&doc)
        .map(|e| format!("{}: {}", e.instance_path(), e))
        .collect()
}

/// Parameter names declared in a Bicep file (`param name type`).
pub fn bicep_params(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("param "))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

/// Parameters declared `@secure()`: secrets given at deploy time (deploy.sh, deploy.ps1), which
/// a parameter file must never hold.
pub fn bicep_secure_params(text: &str) -> Vec<String> {
    let mut secure = false;
    let mut out = Vec::new();
    for l in text.lines().map(str::trim) {
        if l == "@secure()" {
            secure = true;
        } else if let Some(rest) = l.strip_prefix("param ") {
            if secure {
                out.extend(rest.split_whitespace().next().map(str::to_string));
            }
            secure = false;
        } else if !l.starts_with('@') && !l.is_empty() {
            secure = false;
        }
    }
    out
}

/// The metadata key that marks a parameter deploy.sh and deploy.ps1 look up at deploy time: the
/// object ID, in the deploying tenant, of the service principal of the application it names.
pub const SERVICE_PRINCIPAL_LOOKUP: &str = "servicePrincipalOfApplication";

/// Parameters looked up at deploy time, with the application ID each names: a
/// `@metadata({ servicePrincipalOfApplication: '<app ID>' })` line among the decorators of
/// `param NAME`. They differ per tenant, so they are never in main.parameters.json.
pub fn bicep_lookup_params(text: &str) -> Vec<(String, String)> {
    let prefix = format!("@metadata({{ {SERVICE_PRINCIPAL_LOOKUP}: '");
    let mut app: Option<String> = None;
    let mut out = Vec::new();
    for l in text.lines().map(str::trim) {
        if let Some(rest) = l.strip_prefix(&prefix) {
            app = rest.strip_suffix("' })").map(str::to_string);
        } else if let Some(rest) = l.strip_prefix("param ") {
            if let (Some(a), Some(name)) = (app.take(), rest.split_whitespace().next()) {
                out.push((name.to_string(), a));
            }
        } else if !l.starts_with('@') && !l.is_empty() {
            app = None;
        }
    }
    out
}

/// Parameters deploy.sh and deploy.ps1 give at deploy time, never main.parameters.json: the
/// secure ones and the looked-up ones.
pub fn bicep_deploy_time_params(text: &str) -> Vec<String> {
    let mut names = bicep_secure_params(text);
    names.extend(bicep_lookup_params(text).into_iter().map(|(n, _)| n));
    names
}

/// Every declared parameter but those given at deploy time has a value, none of those has, and
/// no value is undeclared (none has a default, so all are required).
fn params_match(bicep: &str, params: &str) -> Vec<Finding> {
    let secure = bicep_deploy_time_params(bicep);
    let declared: Vec<String> = bicep_params(bicep)
        .into_iter()
        .filter(|d| !secure.contains(d))
        .collect();
    let supplied: Vec<String> = serde_json::from_str::<Json>(params)
        .ok()
        .and_then(|d| {
            d.get("parameters")
                .and_then(Json::as_object)
                .map(|m| m.keys().cloned().collect())
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for d in &declared {
        if !supplied.contains(d) {
            out.push(Finding {
                path: "main.parameters.json".into(),
                message: format!("no value for parameter `{d}` of main.bicep"),
            });
        }
    }
    for s in &supplied {
        if !declared.contains(s) {
            out.push(Finding {
                path: "main.parameters.json".into(),
                message: format!("value for `{s}`, which main.bicep does not declare"),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looked_up_params_are_found_and_need_no_value() {
        let bicep = "@description('x')\n@metadata({ servicePrincipalOfApplication: 'a232010e-820c-4083-83bb-3ace5fc29d0b' })\n@minLength(36)\nparam cosmosDbPrincipalId string\n\nparam other string\n";
        assert_eq!(
            bicep_lookup_params(bicep),
            [(
                "cosmosDbPrincipalId".to_string(),
                "a232010e-820c-4083-83bb-3ace5fc29d0b".to_string()
            )]
        );
        assert!(params_match(bicep, r#"{"parameters": {"other": {"value": "v"}}}"#).is_empty());
        // Without the marker the parameter needs its value.
        let plain = bicep.replace("@metadata({ servicePrincipalOfApplication: 'a232010e-820c-4083-83bb-3ace5fc29d0b' })\n", "");
        assert!(bicep_lookup_params(&plain).is_empty());
        assert_eq!(
            params_match(&plain, r#"{"parameters": {"other": {"value": "v"}}}"#).len(),
            1
        );
    }

    #[test]
    fn bicep_syntax_errors_are_found() {
        assert!(bicep_syntax("param x string\n").is_empty());
        assert!(!bicep_syntax("resource x 'a@b' = {\n  name: 'x'\n").is_empty());
        assert!(!bicep_syntax("param x\n").is_empty());
    }

    #[test]
    fn undeclared_names_are_found() {
        let ok = "param a string\nvar w = [for item in ids: item]\nvar v = [for (z, i) in ids: { n: '${i}', id: z }]\nparam ids array\nresource r 'A/b@1' = {\n  name: a\n  properties: { x: subscription().tenantId, y: v[0].n }\n  dependsOn: [ m ]\n}\nmodule m 'x.bicep' = { name: 'x' }\noutput o string = r.properties.x\n";
        assert!(
            bicep_undeclared_names(ok).is_empty(),
            "{:?}",
            bicep_undeclared_names(ok)
        );
        let bad = "resource r 'A/b@1' = {\n  name: 'x'\n  properties: {\n    a: False\n    b: storge.outputs.id\n  }\n}\n";
        let f = bicep_undeclared_names(bad);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(f[0].contains("`False`") && f[1].contains("`storge`"));
        // Names inside interpolations are references; a plain string holds none.
        let strings = "param a string\nvar v = 'a ${a} ${missing} b'\nvar w = 'missing2 ${a}'\nvar x = 'missing3'\n";
        let f = bicep_undeclared_names(strings);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].starts_with("2:") && f[0].contains("`missing`"),
            "{f:?}"
        );
    }

    /// Self-test of the parameter check: an undeclared value and a missing value both fail.
    #[test]
    fn parameter_file_must_match_the_bicep() {
        let bicep = "param a string\nparam b int\n";
        let ok = r#"{"parameters":{"a":{"value":"x"},"b":{"value":1}}}"#;
        assert!(params_match(bicep, ok).is_empty());
        let undeclared = r#"{"parameters":{"a":{"value":"x"},"b":{"value":1},"c":{"value":2}}}"#;
        let f = params_match(bicep, undeclared);
        assert!(f.len() == 1 && f[0].message.contains("`c`"));
        let missing = r#"{"parameters":{"a":{"value":"x"}}}"#;
        let f = params_match(bicep, missing);
        assert!(f.len() == 1 && f[0].message.contains("`b`"));
    }

    #[test]
    fn parameter_files_are_validated() {
        let good = r#"{"$schema":"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#","contentVersion":"1.0.0.0","parameters":{"a":{"value":1}}}"#;
        assert!(parameter_file(good).is_empty());
        let bad = r#"{"contentVersion":"1.0","parameters":{"a":{"valeu":1}}}"#;
        assert!(parameter_file(bad).len() >= 2);
    }
}

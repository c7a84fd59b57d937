//! A small Bicep evaluator for the path-equivalence test: `main.bicep` + `modules/*.bicep` with a
//! parameter file, parsed by tree-sitter-bicep and evaluated to the resources they deploy.
//!
//! What it evaluates: parameters (file values, overrides, defaults), variables, string
//! interpolation, objects and arrays, member and index access, `?:`, `!`, `==`/`!=`/`&&`/`||`,
//! `if` conditions on resources, `for` loops (resources, and arrays in values), modules with
//! their params and outputs, and the functions the templates use (`take`, `empty`, `union`,
//! `concat`, `contains`, `length`, `toLower`, `format`-free ones, `deployment()`, `environment()`,
//! `subscription()`, `resourceGroup()`, `guid`, `subscriptionResourceId`, `resourceId`).
//!
//! Runtime values become symbols, the same ones `conformance/runbook_arch.py` writes for the
//! runbook: a resource's `.id` is `id:TYPE/NAME` (children `id:TYPE/NAME/CHILDTYPE/CHILD`, so
//! `'${vnet.id}/subnets/snet-pe'` is the subnet's ID), any other runtime property is
//! `ref:TYPE/NAME#path` (path lowercased, without `properties.`). Anything else it cannot
//! evaluate is an error naming file and line, never a silent default.

use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use tree_sitter::{Node, Parser, Tree};

/// The public cloud's `environment()` values the templates read (Bicep's `environment()` on
/// AzureCloud: suffixes.storage `core.windows.net`, suffixes.acrLoginServer `.azurecr.io`).
fn environment() -> Value {
    serde_json::json!({
        "name": "AzureCloud",
        "suffixes": {
            "storage": "core.windows.net",
            "acrLoginServer": ".azurecr.io",
            "keyvaultDns": ".vault.azure.net",
            "sqlServerHostname": ".database.windows.net"
        },
        "resourceManager": "https://management.azure.com/"
    })
}

/// One resource the deployment creates (not `existing` ones).
#[derive(Debug, Clone)]
pub struct Resource {
    /// Full type without API version, e.g. `Microsoft.Network/virtualNetworks/subnets`.
    pub type_: String,
    /// Full name, e.g. `vnet-x/snet-pe` for a child.
    pub name: String,
    /// The evaluated declaration body (`name`, `location`, `properties`, `sku`, ...).
    pub body: Value,
    /// Where it was declared (file:line), for messages.
    pub at: String,
}

#[derive(Debug, Clone)]
enum V {
    J(Value),
    /// A resource symbol, or a path into one: (type, name, declared body, path).
    Res(ResRef, Vec<String>),
    /// A module symbol: its outputs.
    Module(Map<String, Value>),
}

#[derive(Debug, Clone)]
struct ResRef {
    type_: String,
    name: String,
    body: Value,
}

impl ResRef {
    fn id(&self) -> String {
        // ARM IDs interleave type segments and names: A.B/t1/n1/t2/n2.
        let mut segs: Vec<&str> = self.type_.split('/').collect();
        let ns = segs.remove(0);
        let names: Vec<&str> = self.name.split('/').collect();
        let mut out = format!("id:{ns}");
        for (i, t) in segs.iter().enumerate() {
            out.push('/');
            out.push_str(t);
            out.push('/');
            out.push_str(names.get(i).copied().unwrap_or("?"));
        }
        out
    }
}

#[derive(Clone, Copy)]
enum DeclKind {
    Param,
    Var,
    Resource,
    Module,
    Output,
}

struct Ctx<'t> {
    file: PathBuf,
    src: &'t str,
    decls: HashMap<String, (DeclKind, Node<'t>)>,
    outputs: HashMap<String, Node<'t>>,
    order: Vec<(String, DeclKind)>,
    params: Map<String, Value>,
    memo: RefCell<HashMap<String, V>>,
    modules: RefCell<HashMap<String, Evaluated>>,
    locals: RefCell<Vec<(String, Value)>>,
}

type R<T> = Result<T, String>;

/// What one Bicep file deploys, and its outputs.
type Evaluated = (Vec<Resource>, Map<String, Value>);

fn named<'t>(n: &Node<'t>) -> Vec<Node<'t>> {
    let mut c = n.walk();
    n.named_children(&mut c)
        .filter(|c| {
            !matches!(
                c.kind(),
                "comment" | "diagnostic_comment" | "decorators" | "decorator"
            )
        })
        .collect()
}

fn all<'t>(n: &Node<'t>) -> Vec<Node<'t>> {
    let mut c = n.walk();
    n.children(&mut c).collect()
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Null => false,
        _ => true,
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Lowercase path without `properties.` segments, as runbook_arch.py's `norm_path`.
pub fn norm_path(path: &str) -> String {
    let mut segs: Vec<&str> = Vec::new();
    for s in path.split('.') {
        if s != "properties" {
            segs.push(s);
        }
    }
    segs.join(".").replace('_', "").to_lowercase()
}

/// Evaluate `dir/main.bicep` with `dir/main.parameters.json`, `overrides` replacing parameter
/// values. Returns every resource deployed, modules included.
pub fn evaluate(dir: &Path, overrides: &Map<String, Value>) -> R<Vec<Resource>> {
    let pfile = dir.join("main.parameters.json");
    let text = std::fs::read_to_string(&pfile).map_err(|e| format!("{}: {e}", pfile.display()))?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", pfile.display()))?;
    let mut params = Map::new();
    if let Some(ps) = doc.get("parameters").and_then(Value::as_object) {
        for (k, v) in ps {
            match v.get("value") {
                Some(val) => {
                    params.insert(k.clone(), val.clone());
                }
                None => {
                    return Err(format!(
                        "{}: parameter {k} has no `value` (references are not evaluated)",
                        pfile.display()
                    ))
                }
            }
        }
    }
    // Secrets are given at deploy time, never in the parameter file: a stand-in names each, so
    // a body shows where a secret goes.
    let main = dir.join("main.bicep");
    let main_text =
        std::fs::read_to_string(&main).map_err(|e| format!("{}: {e}", main.display()))?;
    for k in amlgen::verify::bicep_secure_params(&main_text) {
        params.insert(k.clone(), Value::from(format!("<secure:{k}>")));
    }
    // A service principal's object ID, looked up at deploy time by its application ID: the
    // symbol conformance/runbook_arch.py writes for the runbook's `az ad sp show --id`.
    for (k, app) in amlgen::verify::bicep_lookup_params(&main_text) {
        params.insert(
            k,
            Value::from(format!("ref:serviceprincipal/{}#id", app.to_lowercase())),
        );
    }
    for (k, v) in overrides {
        params.insert(k.clone(), v.clone());
    }
    let (resources, _outputs) = eval_file(&main, params)?;
    Ok(resources)
}

fn parse(path: &Path) -> R<(String, Tree)> {
    let src = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_bicep::LANGUAGE.into())
        .map_err(|e| format!("tree-sitter-bicep: {e}"))?;
    let tree = parser
        .parse(&src, None)
        .ok_or_else(|| format!("{}: tree-sitter gave no tree", path.display()))?;
    if tree.root_node().has_error() {
        return Err(format!("{}: syntax error", path.display()));
    }
    Ok((src, tree))
}

fn eval_file(path: &Path, params: Map<String, Value>) -> R<(Vec<Resource>, Map<String, Value>)> {
    let (src, tree) = parse(path)?;
    let root = tree.root_node();
    let mut ctx = Ctx {
        file: path.to_path_buf(),
        src: &src,
        decls: HashMap::new(),
        outputs: HashMap::new(),
        order: Vec::new(),
        params,
        memo: RefCell::new(HashMap::new()),
        modules: RefCell::new(HashMap::new()),
        locals: RefCell::new(Vec::new()),
    };
    for d in named(&root) {
        let kind = match d.kind() {
            "parameter_declaration" => DeclKind::Param,
            "variable_declaration" => DeclKind::Var,
            "resource_declaration" => DeclKind::Resource,
            "module_declaration" => DeclKind::Module,
            "output_declaration" => DeclKind::Output,
            _ => continue,
        };
        let Some(id) = named(&d).into_iter().find(|c| c.kind() == "identifier") else {
            continue;
        };
        let name = ctx.text(&id).to_string();
        ctx.order.push((name.clone(), kind));
        // Outputs live in their own namespace (`output name` next to `param name` is valid).
        if matches!(kind, DeclKind::Output) {
            ctx.outputs.insert(name, d);
        } else {
            ctx.decls.insert(name, (kind, d));
        }
    }
    // Parameters without a value take their default; one with neither is an error.
    let param_names: Vec<String> = ctx
        .order
        .iter()
        .filter(|(_, k)| matches!(k, DeclKind::Param))
        .map(|(n, _)| n.clone())
        .collect();
    for p in param_names {
        if ctx.params.contains_key(&p) {
            continue;
        }
        let (_, node) = ctx.decls[&p];
        let default = named(&node)
            .into_iter()
            .skip(1)
            .find(|c| c.kind() != "type");
        match default {
            Some(d) => {
                let v = ctx.value(&d)?;
                ctx.params.insert(p, v);
            }
            None => return Err(format!("{}: parameter `{p}` has no value", path.display())),
        }
    }
    let mut resources = Vec::new();
    let mut outputs = Map::new();
    for (name, kind) in ctx.order.clone() {
        match kind {
            DeclKind::Resource => resources.extend(ctx.resource_instances(&name)?),
            DeclKind::Module => {
                ctx.module(&name)?;
                let mods = ctx.modules.borrow();
                if let Some((rs, _)) = mods.get(&name) {
                    resources.extend(rs.iter().cloned());
                }
            }
            DeclKind::Output => {
                let node = ctx.outputs[&name];
                let expr = named(&node)
                    .into_iter()
                    .last()
                    .ok_or_else(|| ctx.at(&node, "output without value"))?;
                outputs.insert(name.clone(), ctx.value(&expr)?);
            }
            _ => {}
        }
    }
    Ok((resources, outputs))
}

impl<'t> Ctx<'t> {
    fn text(&self, n: &Node) -> &'t str {
        &self.src[n.start_byte()..n.end_byte()]
    }

    fn at(&self, n: &Node, msg: &str) -> String {
        format!(
            "{}:{}: {msg}: `{}`",
            self.file.display(),
            n.start_position().row + 1,
            self.text(n).chars().take(80).collect::<String>()
        )
    }

    fn value(&self, n: &Node<'t>) -> R<Value> {
        match self.eval(n)? {
            V::J(v) => Ok(v),
            V::Res(r, path) => Ok(Value::String(self.res_path(&r, &path))),
            V::Module(_) => Err(self.at(n, "a module symbol used as a value")),
        }
    }

    /// `vnet.id`, `vnet.name`, `vnet.properties.subnets[0].id`, other runtime properties.
    fn res_path(&self, r: &ResRef, path: &[String]) -> String {
        match path {
            [] => r.id(),
            [p] if p == "id" => r.id(),
            [p] if p == "name" => r.name.clone(),
            [p] if p == "type" => r.type_.clone(),
            _ => {
                // A child declared in the body (`properties.subnets[0].id`): its ID.
                if path.len() == 4 && path[0] == "properties" && path[3] == "id" {
                    if let Ok(i) = path[2]
                        .trim_matches(|c| c == '[' || c == ']')
                        .parse::<usize>()
                    {
                        if let Some(name) = r
                            .body
                            .pointer(&format!("/properties/{}/{i}/name", path[1]))
                            .and_then(Value::as_str)
                        {
                            return format!("{}/{}/{name}", r.id(), path[1]);
                        }
                    }
                }
                // `a.b[0].c`: index segments attach to the previous one, as in the runbook's query.
                let mut joined = String::new();
                for seg in path {
                    if !joined.is_empty() && !seg.starts_with('[') {
                        joined.push('.');
                    }
                    joined.push_str(seg);
                }
                format!("ref:{}#{}", &r.id()[3..], norm_path(&joined))
            }
        }
    }

    fn lookup(&self, n: &Node<'t>, name: &str) -> R<V> {
        if let Some((_, v)) = self.locals.borrow().iter().rev().find(|(k, _)| k == name) {
            return Ok(V::J(v.clone()));
        }
        if let Some(v) = self.memo.borrow().get(name) {
            return Ok(v.clone());
        }
        let Some(&(kind, decl)) = self.decls.get(name) else {
            return Err(self.at(n, &format!("unknown symbol `{name}`")));
        };
        let v = match kind {
            DeclKind::Param => V::J(
                self.params
                    .get(name)
                    .cloned()
                    .ok_or_else(|| self.at(n, "parameter without value"))?,
            ),
            DeclKind::Var => {
                let e = named(&decl)
                    .into_iter()
                    .last()
                    .ok_or_else(|| self.at(&decl, "variable without value"))?;
                V::J(self.value(&e)?)
            }
            DeclKind::Resource => {
                let (r, _) = self.resource_ref(name)?;
                V::Res(r, Vec::new())
            }
            DeclKind::Module => {
                self.module(name)?;
                let outs = self.modules.borrow()[name].1.clone();
                V::Module(outs)
            }
            DeclKind::Output => return Err(self.at(n, "an output used as a value")),
        };
        self.memo.borrow_mut().insert(name.to_string(), v.clone());
        Ok(v)
    }

    fn eval(&self, n: &Node<'t>) -> R<V> {
        let j = |v: Value| Ok(V::J(v));
        match n.kind() {
            "string" => j(Value::String(self.string(n)?)),
            "number" => {
                let t = self.text(n);
                t.parse::<i64>()
                    .map(|i| V::J(Value::from(i)))
                    .map_err(|_| self.at(n, "not an integer"))
            }
            "boolean" => j(Value::Bool(self.text(n) == "true")),
            "null" => j(Value::Null),
            "identifier" => self.lookup(n, self.text(n)),
            "parenthesized_expression" => {
                let kids = named(n);
                match kids.as_slice() {
                    [one] => self.eval(one),
                    _ => Err(self.at(n, "unexpected parenthesized expression")),
                }
            }
            "object" => {
                let mut m = Map::new();
                for p in named(n) {
                    if p.kind() != "object_property" {
                        continue;
                    }
                    let kids = named(&p);
                    let (Some(k), Some(v)) = (kids.first(), kids.get(1)) else {
                        return Err(self.at(&p, "object property without value"));
                    };
                    let key = match k.kind() {
                        "string" => self.string(k)?,
                        _ => self.text(k).to_string(),
                    };
                    m.insert(key, self.value(v)?);
                }
                j(Value::Object(m))
            }
            "array" => {
                let mut out = Vec::new();
                for c in named(n) {
                    out.push(self.value(&c)?);
                }
                j(Value::Array(out))
            }
            "for_statement" => j(Value::Array(self.for_items(n, |s, body| s.value(body))?)),
            "member_expression" => {
                let (Some(obj), Some(prop)) = (
                    n.child_by_field_name("object"),
                    n.child_by_field_name("property"),
                ) else {
                    return Err(self.at(n, "member expression"));
                };
                let key = self.text(&prop).to_string();
                let base = self.eval(&obj)?;
                self.member(n, base, &key)
            }
            "subscript_expression" => {
                let (Some(obj), Some(idx)) = (
                    n.child_by_field_name("object"),
                    n.child_by_field_name("index"),
                ) else {
                    return Err(self.at(n, "index expression"));
                };
                let base = self.eval(&obj)?;
                let i = self.value(&idx)?;
                match (base, &i) {
                    (V::Res(r, mut path), Value::Number(k)) => {
                        path.push(format!("[{k}]"));
                        Ok(V::Res(r, path))
                    }
                    (V::J(Value::Array(a)), Value::Number(k)) => {
                        let k = k.as_u64().unwrap_or(u64::MAX) as usize;
                        a.get(k)
                            .cloned()
                            .map(V::J)
                            .ok_or_else(|| self.at(n, "index out of range"))
                    }
                    (V::J(Value::Object(o)), Value::String(k)) => o
                        .get(k)
                        .cloned()
                        .map(V::J)
                        .ok_or_else(|| self.at(n, "no such key")),
                    (V::J(v), _) if v.is_string() && as_text(&v).starts_with("ref:") => {
                        j(Value::String(format!("{}[{}]", as_text(&v), as_text(&i))))
                    }
                    _ => Err(self.at(n, "cannot index this value")),
                }
            }
            "ternary_expression" => {
                let (Some(c), Some(a), Some(b)) = (
                    n.child_by_field_name("condition"),
                    n.child_by_field_name("consequence"),
                    n.child_by_field_name("alternative"),
                ) else {
                    return Err(self.at(n, "ternary"));
                };
                if truthy(&self.value(&c)?) {
                    self.eval(&a)
                } else {
                    self.eval(&b)
                }
            }
            "unary_expression" => {
                let (Some(op), Some(arg)) = (
                    n.child_by_field_name("operator"),
                    n.child_by_field_name("argument"),
                ) else {
                    return Err(self.at(n, "unary"));
                };
                let v = self.value(&arg)?;
                match (self.text(&op), v) {
                    ("!", v) => j(Value::Bool(!truthy(&v))),
                    ("-", Value::Number(k)) => j(Value::from(-k.as_i64().unwrap_or(0))),
                    _ => Err(self.at(n, "unsupported unary operator")),
                }
            }
            "binary_expression" => {
                let (Some(l), Some(op), Some(r)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("operator"),
                    n.child_by_field_name("right"),
                ) else {
                    return Err(self.at(n, "binary"));
                };
                let op = self.text(&op);
                let a = self.value(&l)?;
                match op {
                    "&&" if !truthy(&a) => return j(Value::Bool(false)),
                    "||" if truthy(&a) => return j(Value::Bool(true)),
                    "??" if !a.is_null() => return j(a),
                    _ => {}
                }
                let b = self.value(&r)?;
                match op {
                    "==" => j(Value::Bool(a == b)),
                    "!=" => j(Value::Bool(a != b)),
                    "=~" => j(Value::Bool(
                        as_text(&a).to_lowercase() == as_text(&b).to_lowercase(),
                    )),
                    "&&" | "||" => j(Value::Bool(truthy(&b))),
                    "??" => j(b),
                    "+" | "-" | "*" | "/" | "%" | "<" | ">" | "<=" | ">=" => {
                        let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) else {
                            return Err(self.at(n, "arithmetic on non-integers"));
                        };
                        j(match op {
                            "+" => Value::from(x + y),
                            "-" => Value::from(x - y),
                            "*" => Value::from(x * y),
                            "/" if y != 0 => Value::from(x / y),
                            "%" if y != 0 => Value::from(x % y),
                            "<" => Value::Bool(x < y),
                            ">" => Value::Bool(x > y),
                            "<=" => Value::Bool(x <= y),
                            ">=" => Value::Bool(x >= y),
                            _ => return Err(self.at(n, "division by zero")),
                        })
                    }
                    _ => Err(self.at(n, &format!("unsupported operator `{op}`"))),
                }
            }
            "call_expression" => self.call(n),
            other => Err(self.at(n, &format!("unsupported expression ({other})"))),
        }
    }

    fn member(&self, n: &Node<'t>, base: V, key: &str) -> R<V> {
        match base {
            V::Res(r, mut path) => {
                path.push(key.to_string());
                Ok(V::Res(r, path))
            }
            V::Module(outs) => {
                if key == "outputs" {
                    Ok(V::J(Value::Object(outs)))
                } else {
                    Err(self.at(n, "only `outputs` of a module is evaluated"))
                }
            }
            V::J(Value::Object(o)) => o
                .get(key)
                .cloned()
                .map(V::J)
                .ok_or_else(|| self.at(n, &format!("no property `{key}`"))),
            V::J(Value::String(s)) if s.starts_with("ref:") => {
                Ok(V::J(Value::String(format!("{s}.{}", key.to_lowercase()))))
            }
            V::J(_) => Err(self.at(n, &format!("`.{key}` on a value that is not an object"))),
        }
    }

    fn string(&self, n: &Node<'t>) -> R<String> {
        let raw = self.text(n);
        if raw.starts_with("'''") {
            let inner = raw.trim_start_matches("'''").trim_end_matches("'''");
            return Ok(inner.strip_prefix('\n').unwrap_or(inner).to_string());
        }
        let mut out = String::new();
        for c in all(n) {
            match c.kind() {
                "string_content" => out.push_str(self.text(&c)),
                "escape_sequence" => {
                    let t = self.text(&c);
                    out.push_str(match t {
                        "\\n" => "\n",
                        "\\r" => "\r",
                        "\\t" => "\t",
                        "\\\\" => "\\",
                        "\\'" => "'",
                        "\\$" => "$",
                        _ => return Err(self.at(&c, "unsupported escape")),
                    })
                }
                "interpolation" => {
                    let e = named(&c)
                        .into_iter()
                        .next()
                        .ok_or_else(|| self.at(&c, "empty interpolation"))?;
                    out.push_str(&as_text(&self.value(&e)?));
                }
                _ => {}
            }
        }
        Ok(out)
    }

    fn call(&self, n: &Node<'t>) -> R<V> {
        let (Some(f), Some(args)) = (
            n.child_by_field_name("function"),
            n.child_by_field_name("arguments"),
        ) else {
            return Err(self.at(n, "call"));
        };
        let name = self.text(&f);
        // `any(x)` only drops x's type for the Bicep compiler; its value is x (a resource's
        // runtime property stays a reference).
        if name == "any" {
            let x = named(&args)
                .into_iter()
                .next()
                .ok_or_else(|| self.at(n, "any() without an argument"))?;
            return self.eval(&x);
        }
        let mut a = Vec::new();
        for x in named(&args) {
            a.push(self.value(&x)?);
        }
        let s = |i: usize| a.get(i).map(as_text).unwrap_or_default();
        let v = match name {
            "deployment" => serde_json::json!({"name": "main"}),
            "environment" => environment(),
            "subscription" => {
                serde_json::json!({"subscriptionId": "ref:subscription#subscriptionid", "tenantId": "ref:subscription#tenantid", "id": "id:subscription"})
            }
            "tenant" => serde_json::json!({"tenantId": "ref:tenant#tenantid"}),
            "resourceGroup" => {
                serde_json::json!({"name": "ref:resourcegroup#name", "location": "ref:resourcegroup#location", "id": "id:resourcegroup"})
            }
            "take" => {
                let k = a.get(1).and_then(Value::as_u64).unwrap_or(0) as usize;
                match a.first() {
                    Some(Value::Array(x)) => Value::Array(x.iter().take(k).cloned().collect()),
                    _ => Value::String(s(0).chars().take(k).collect()),
                }
            }
            "empty" => Value::Bool(a.first().is_none_or(is_empty)),
            "length" => Value::from(match a.first() {
                Some(Value::Array(x)) => x.len(),
                Some(Value::Object(x)) => x.len(),
                _ => s(0).chars().count(),
            }),
            "toLower" => Value::String(s(0).to_lowercase()),
            "toUpper" => Value::String(s(0).to_uppercase()),
            "string" => Value::String(s(0)),
            "contains" => Value::Bool(match a.first() {
                Some(Value::Array(x)) => a.get(1).is_some_and(|v| x.contains(v)),
                Some(Value::Object(o)) => o.contains_key(&s(1)),
                _ => s(0).contains(&s(1)),
            }),
            "union" => {
                if a.iter().all(Value::is_object) {
                    let mut m = Map::new();
                    for x in &a {
                        if let Value::Object(o) = x {
                            for (k, v) in o {
                                m.insert(k.clone(), v.clone());
                            }
                        }
                    }
                    Value::Object(m)
                } else {
                    let mut out: Vec<Value> = Vec::new();
                    for x in a.iter().filter_map(Value::as_array).flatten() {
                        if !out.contains(x) {
                            out.push(x.clone());
                        }
                    }
                    Value::Array(out)
                }
            }
            "concat" => {
                if a.iter().all(Value::is_array) {
                    Value::Array(
                        a.iter()
                            .filter_map(Value::as_array)
                            .flatten()
                            .cloned()
                            .collect(),
                    )
                } else {
                    Value::String(a.iter().map(as_text).collect())
                }
            }
            // A real GUID has no `/`; keeping the arguments' slashes would split the name of a
            // resource named by guid() when its ID is built.
            "guid" => Value::String(format!(
                "guid({})",
                a.iter()
                    .map(as_text)
                    .collect::<Vec<_>>()
                    .join(",")
                    .replace('/', "|")
            )),
            "subscriptionResourceId" | "resourceId" | "tenantResourceId" => {
                // resourceId('Type', 'name'[, 'child']) -> id:Type/name
                let t = s(0);
                let mut segs: Vec<String> = t.split('/').map(str::to_string).collect();
                let ns = segs.remove(0);
                let mut id = format!("id:{ns}");
                for (i, seg) in segs.iter().enumerate() {
                    id.push_str(&format!("/{seg}/{}", s(i + 1)));
                }
                Value::String(id)
            }
            other => return Err(self.at(n, &format!("unsupported function `{other}`"))),
        };
        Ok(V::J(v))
    }

    /// Items of a `for` (array comprehension or resource loop): `body` evaluated per item.
    fn for_items<T>(
        &self,
        n: &Node<'t>,
        mut body: impl FnMut(&Self, &Node<'t>) -> R<T>,
    ) -> R<Vec<T>> {
        let Some(b) = n.child_by_field_name("body") else {
            return Err(self.at(n, "for without body"));
        };
        let kids = named(n);
        let (item, index) = match kids.iter().find(|c| c.kind() == "for_loop_parameters") {
            Some(p) => {
                let ps = named(p);
                (
                    ps.first().map(|x| self.text(x).to_string()),
                    ps.get(1).map(|x| self.text(x).to_string()),
                )
            }
            None => (
                n.child_by_field_name("initializer")
                    .map(|x| self.text(&x).to_string()),
                None,
            ),
        };
        let init_id = n.child_by_field_name("initializer").map(|x| x.id());
        let iterable = kids
            .iter()
            .find(|c| {
                c.kind() != "for_loop_parameters" && Some(c.id()) != init_id && c.id() != b.id()
            })
            .ok_or_else(|| self.at(n, "for without iterable"))?;
        let items = match self.value(iterable)? {
            Value::Array(a) => a,
            _ => return Err(self.at(iterable, "for over a value that is not an array")),
        };
        let (cond, body_node) = if b.kind() == "if_statement" {
            let k = named(&b);
            (k.first().copied(), k.last().copied().unwrap_or(b))
        } else {
            (None, b)
        };
        let mut out = Vec::new();
        for (i, it) in items.into_iter().enumerate() {
            let mut pushed = 0;
            if let Some(name) = &item {
                self.locals.borrow_mut().push((name.clone(), it));
                pushed += 1;
            }
            if let Some(name) = &index {
                self.locals
                    .borrow_mut()
                    .push((name.clone(), Value::from(i)));
                pushed += 1;
            }
            let keep = match &cond {
                Some(c) => self.value(c).map(|v| truthy(&v)),
                None => Ok(true),
            };
            let r = keep.and_then(|k| {
                if k {
                    body(self, &body_node).map(Some)
                } else {
                    Ok(None)
                }
            });
            for _ in 0..pushed {
                self.locals.borrow_mut().pop();
            }
            if let Some(v) = r? {
                out.push(v);
            }
        }
        Ok(out)
    }

    /// (reference, existing?) of a resource symbol, from its type and evaluated body.
    fn resource_ref(&self, sym: &str) -> R<(ResRef, bool)> {
        let (_, decl) = self.decls[sym];
        let kids = all(&decl);
        let type_node = kids
            .iter()
            .find(|k| k.kind() == "string")
            .ok_or_else(|| self.at(&decl, "resource without type"))?;
        let type_full = self.string(type_node)?;
        let type_ = type_full.split('@').next().unwrap_or_default().to_string();
        let existing = kids.iter().any(|k| k.kind() == "existing");
        let body_node = kids
            .iter()
            .rev()
            .find(|k| matches!(k.kind(), "object" | "if_statement" | "for_statement"))
            .copied()
            .ok_or_else(|| self.at(&decl, "resource without body"))?;
        let obj = match body_node.kind() {
            "object" => body_node,
            "if_statement" => named(&body_node)
                .into_iter()
                .last()
                .ok_or_else(|| self.at(&body_node, "if without body"))?,
            _ => {
                // A loop: the symbol as a whole has no single name.
                return Ok((
                    ResRef {
                        type_,
                        name: format!("{sym}[*]"),
                        body: Value::Null,
                    },
                    existing,
                ));
            }
        };
        let body = self.value(&obj)?;
        let name = self.full_name(&decl, &body)?;
        Ok((ResRef { type_, name, body }, existing))
    }

    fn full_name(&self, decl: &Node<'t>, body: &Value) -> R<String> {
        let own = body
            .get("name")
            .map(as_text)
            .ok_or_else(|| self.at(decl, "resource without name"))?;
        match body.get("parent").and_then(Value::as_str) {
            // `parent: zone` evaluates to the parent's ID; its names are the odd segments.
            Some(pid) if pid.starts_with("id:") => {
                let segs: Vec<&str> = pid[3..].split('/').collect();
                let names: Vec<&str> = segs.iter().skip(2).step_by(2).copied().collect();
                Ok(format!("{}/{own}", names.join("/")))
            }
            Some(other) => Err(self.at(decl, &format!("parent is not a resource: {other}"))),
            None => Ok(own),
        }
    }

    /// The resources one declaration deploys (none if `existing` or its condition is false).
    fn resource_instances(&self, sym: &str) -> R<Vec<Resource>> {
        let (_, decl) = self.decls[sym];
        let kids = all(&decl);
        if kids.iter().any(|k| k.kind() == "existing") {
            return Ok(Vec::new());
        }
        let type_node = kids
            .iter()
            .find(|k| k.kind() == "string")
            .ok_or_else(|| self.at(&decl, "resource without type"))?;
        let type_ = self
            .string(type_node)?
            .split('@')
            .next()
            .unwrap_or_default()
            .to_string();
        let body_node = kids
            .iter()
            .rev()
            .find(|k| matches!(k.kind(), "object" | "if_statement" | "for_statement"))
            .copied()
            .ok_or_else(|| self.at(&decl, "resource without body"))?;
        let at = format!("{}:{}", self.file.display(), decl.start_position().row + 1);
        let make = |s: &Self, obj: &Node<'t>| -> R<Resource> {
            let body = s.value(obj)?;
            let name = s.full_name(&decl, &body)?;
            Ok(Resource {
                type_: type_.clone(),
                name,
                body,
                at: at.clone(),
            })
        };
        match body_node.kind() {
            "object" => Ok(vec![make(self, &body_node)?]),
            "if_statement" => {
                let k = named(&body_node);
                let (Some(c), Some(obj)) = (k.first(), k.last()) else {
                    return Err(self.at(&body_node, "if"));
                };
                if truthy(&self.value(c)?) {
                    Ok(vec![make(self, obj)?])
                } else {
                    Ok(Vec::new())
                }
            }
            _ => self.for_items(&body_node, make),
        }
    }

    /// Evaluate a module once: its params from this file, then its own file.
    fn module(&self, sym: &str) -> R<()> {
        if self.modules.borrow().contains_key(sym) {
            return Ok(());
        }
        let (_, decl) = self.decls[sym];
        let kids = all(&decl);
        let path_node = kids
            .iter()
            .find(|k| k.kind() == "string")
            .ok_or_else(|| self.at(&decl, "module without path"))?;
        let rel = self.string(path_node)?;
        let body_node = kids
            .iter()
            .rev()
            .find(|k| matches!(k.kind(), "object" | "if_statement" | "for_statement"))
            .copied()
            .ok_or_else(|| self.at(&decl, "module without body"))?;
        let obj = match body_node.kind() {
            "object" => Some(body_node),
            "if_statement" => {
                let k = named(&body_node);
                match (k.first(), k.last()) {
                    (Some(c), Some(o)) => {
                        if truthy(&self.value(c)?) {
                            Some(*o)
                        } else {
                            None
                        }
                    }
                    _ => return Err(self.at(&body_node, "if")),
                }
            }
            _ => return Err(self.at(&decl, "module loops are not evaluated")),
        };
        let result = match obj {
            None => (Vec::new(), Map::new()),
            Some(o) => {
                // Only `params` is evaluated: `name`, `dependsOn` and `scope` do not change what
                // is deployed (and dependsOn names symbols, not values).
                let mut params = Map::new();
                for p in named(&o) {
                    let k = named(&p);
                    if k.first().map(|x| self.text(x)) == Some("params") {
                        if let Some(v) = k.get(1) {
                            if let Value::Object(m) = self.value(v)? {
                                params = m;
                            }
                        }
                    }
                }
                let base = self.file.parent().unwrap_or(Path::new("."));
                eval_file(&base.join(rel), params)?
            }
        };
        self.modules.borrow_mut().insert(sym.to_string(), result);
        Ok(())
    }
}

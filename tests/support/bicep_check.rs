//! Bicep conformance checker: checks `.bicep` source against the Bicep compiler's own type data
//! (Azure/bicep-types-az `types.json`) and the closed enums of the official ARM JSON schemas
//! (Azure/azure-resource-manager-schemas). No Bicep compiler needed.
//!
//! Self-contained: depends only on `std`, `serde_json`, `tree-sitter` and `tree-sitter-bicep`, and
//! uses no `crate::` paths, so it can be included with `#[path = "..."] mod bicep_check;`.
//!
//! # What is checked
//! 1. Syntax (tree-sitter-bicep): every `ERROR` / `MISSING` node, with line:col. A file with
//!    syntax errors gets no further checks (a partial tree only yields noise).
//! 2. Every `resource` declaration (top level, nested in a resource body, conditional `if (...)`,
//!    looped `[for ...]`, `existing`) against the type data:
//!    the `Type@apiVersion` exists (`index.json` tells an unknown API version from one that exists
//!    but whose `types.json` is not vendored); every literal property name exists in the type
//!    (nested objects, arrays, `for` bodies, ternary branches, discriminated unions such as the
//!    workspace `managedNetwork.outboundRules` values keyed on `type`); literal kinds match
//!    (string / int / bool / object / array); closed string-literal unions; string length and
//!    integer range limits for literals; no read-only property is set; required properties are
//!    present (skipped for `existing`, where only `name` is required and only `name`, `scope`,
//!    `parent`, `dependsOn` may be set). `parent`, `scope`, `dependsOn` are Bicep keywords and
//!    always allowed at the top of a body. `module` declarations are skipped.
//!    Anything that is not a literal (identifiers, calls, property accesses, interpolated strings,
//!    binary operators...) counts as `any`; ternaries are checked branch by branch (each branch must
//!    fit, as the compiler requires) and `for` expression bodies are walked as the array's items.
//! 3. ARM schema enums (optional, `schemas: Some(..)`): the literal parts of each resource body are
//!    walked alongside the official ARM schema for that type and API version, and every literal
//!    string is compared with the schema's `enum` lists (following `$ref` into the provider file
//!    and `common/definitions.json`). The schemas' enums are closed where the Bicep type data is
//!    open (`'A' | 'B' | string`), so this catches `isolationMode: 'Bogus'`.
//!
//! # Why a targeted enum walk instead of full JSON Schema validation
//! A Bicep body is only partly literal: names, ids and locations are expressions, object keys may
//! be interpolated, arrays come from `for` loops. Full draft-04 validation would need every
//! expression replaced with a value that satisfies each schema position (the ARM `expression`
//! branch only exists in `oneOf`s, and a string matching both branches makes a `oneOf` fail), and it
//! would inherit every bug of the published schemas. The targeted walk only ever judges literal
//! strings against `enum`s, treats everything else as unknown, and so cannot produce a false
//! positive from an expression. Property names, kinds and required-ness come from the compiler's
//! type data, which is the better source for those anyway.
//!
//! # Patches to the published ARM schemas (applied by the walker / at load time)
//! * `allOf: [{base with additionalProperties:false}, {oneOf: [...]}]` (e.g. MLS `OutboundRule`):
//!   under draft-04 the closed base rejects every concrete rule. The walker never enforces
//!   `additionalProperties: false` (unknown names are the type data's job), so `allOf` members are
//!   simply each walked for enums.
//! * `const` is not a draft-04 keyword; the generator means it as a discriminator value, so it is
//!   read as a one-value `enum` and used to pick the `oneOf` branch of a discriminated union.
//! * `required` is not enforced from the schemas (ARM `required` includes `type`/`apiVersion`,
//!   which a Bicep body never has, and misses properties the type data marks required).
//! * Enums the schemas close more tightly than the compiler's own type data for the same
//!   type@version are widened, see `ARM_ENUM_PATCHES` (found by a cross-check of every vendored
//!   type against its schema: only `roleAssignments` `principalType` differs).
//!
//! # Type data encoding (bicep-types `types.json`)
//! An array of types referenced as `{"$ref": "#/<index>"}`; `$type` is one of `ResourceType`
//! (`name` "Type@version", `body`, `readableScopes`, `writableScopes`: scope bits 1 tenant,
//! 2 management group, 4 subscription, 8 resource group, 16 extension; writableScopes 0 means the
//! type can only be used with `existing`), `ObjectType` (`properties` name -> {type, flags},
//! optional `additionalProperties`), `DiscriminatedObjectType` (`discriminator`, `baseProperties`,
//! `elements` value -> ObjectType), `UnionType`, `StringLiteralType`, `StringType` (`minLength`,
//! `maxLength`, `pattern`, `sensitive`), `IntegerType` (`minValue`, `maxValue`), `BooleanType`,
//! `AnyType`, `ArrayType` (`itemType`, `minLength`, `maxLength`), `ResourceFunctionType`.
//! Property flags: 1 Required, 2 ReadOnly, 4 WriteOnly, 8 DeployTimeConstant, 16 Identifier.
//! Seen combinations: 9 (`name`: required + deploy-time constant), 10 (`id`/`type`/`apiVersion`),
//! 3 (required + read-only, response-only; never demanded here), 5 (required + write-only).

#![allow(dead_code)]

use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// Findings
// ---------------------------------------------------------------------------------------------

/// Finding codes (the `code` field of [`Finding`]).
pub mod codes {
    /// tree-sitter-bicep produced an `ERROR` or `MISSING` node.
    pub const SYNTAX_ERROR: &str = "syntax-error";
    /// The resource type string has no `@apiVersion` (BCP029).
    pub const MISSING_API_VERSION: &str = "missing-api-version";
    /// The resource type is not in `index.json` at all (BCP081 for any version).
    pub const UNKNOWN_RESOURCE_TYPE: &str = "unknown-resource-type";
    /// The resource type exists but not at this API version (BCP081).
    pub const UNKNOWN_API_VERSION: &str = "unknown-api-version";
    /// Type@version exists upstream but its `types.json` is not vendored here: nothing checked.
    pub const TYPE_NOT_VENDORED: &str = "type-not-vendored";
    /// The type has writableScopes 0 and may only be declared `existing`.
    pub const READ_ONLY_RESOURCE_TYPE: &str = "read-only-resource-type";
    /// A literal property name that the type does not define (BCP037 / BCP089).
    pub const UNKNOWN_PROPERTY: &str = "unknown-property";
    /// A literal of the wrong kind: string vs int vs bool vs object vs array (BCP036).
    pub const TYPE_MISMATCH: &str = "type-mismatch";
    /// A literal string outside a closed string-literal union of the type data (BCP036/BCP088).
    pub const INVALID_ENUM_VALUE: &str = "invalid-enum-value";
    /// A discriminated-union value whose discriminator literal names no variant (BCP036/BCP088).
    pub const BAD_DISCRIMINATOR: &str = "bad-discriminator";
    /// A read-only property is set, or any property but name/scope/parent on `existing` (BCP073).
    pub const READ_ONLY_PROPERTY: &str = "read-only-property";
    /// A required property is missing (BCP035 / BCP078).
    pub const MISSING_REQUIRED_PROPERTY: &str = "missing-required-property";
    /// A literal string or array outside minLength/maxLength, or an int outside minValue/maxValue.
    pub const VALUE_OUT_OF_RANGE: &str = "value-out-of-range";
    /// A literal string that does not match the type's `pattern` (checked with a small built-in
    /// matcher for the regex subset the data uses; patterns with lookaround are skipped).
    pub const PATTERN_MISMATCH: &str = "pattern-mismatch";
    /// The same property name appears twice in one object (BCP025).
    pub const DUPLICATE_PROPERTY: &str = "duplicate-property";
    /// A literal string outside a closed `enum` of the official ARM JSON schema.
    pub const ARM_ENUM: &str = "arm-enum";
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    pub code: &'static str,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: [{}] {}",
            self.file, self.line, self.col, self.code, self.message
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
struct Pos {
    line: usize,
    col: usize,
}

struct Sink<'a> {
    file: &'a str,
    out: Vec<Finding>,
}

impl Sink<'_> {
    fn push(&mut self, pos: Pos, code: &'static str, message: String) {
        self.out.push(Finding {
            file: self.file.to_string(),
            line: pos.line,
            col: pos.col,
            code,
            message,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Bicep type data
// ---------------------------------------------------------------------------------------------

pub const FLAG_REQUIRED: u32 = 1;
pub const FLAG_READ_ONLY: u32 = 2;
pub const FLAG_WRITE_ONLY: u32 = 4;
pub const FLAG_DEPLOY_TIME_CONSTANT: u32 = 8;
pub const FLAG_IDENTIFIER: u32 = 16;

#[derive(Debug, Clone, Copy)]
struct PropDef {
    ty: usize,
    flags: u32,
}

#[derive(Debug)]
enum Ty {
    Any,
    Str {
        min: Option<i64>,
        max: Option<i64>,
        pattern: Option<String>,
    },
    Lit(String),
    Int {
        min: Option<i64>,
        max: Option<i64>,
    },
    Bool,
    Obj {
        name: String,
        props: Vec<(String, PropDef)>,
        additional: Option<usize>,
    },
    Disc {
        name: String,
        discriminator: String,
        base: Vec<(String, PropDef)>,
        elements: BTreeMap<String, usize>,
    },
    Arr {
        item: usize,
        min: Option<i64>,
        max: Option<i64>,
    },
    Union(Vec<usize>),
    Resource {
        body: usize,
        writable_scopes: u64,
    },
    Other,
}

struct TypeFile {
    types: Vec<Ty>,
    /// lower("Type@version") -> index of the ResourceType
    resources: HashMap<String, usize>,
}

/// The Bicep compiler's type data: `index.json` plus whichever `generated/<folder>/types.json`
/// files are present under the same directory.
pub struct TypeData {
    /// lower(type) -> (canonical type name, apiVersion -> folder index)
    index: HashMap<String, (String, BTreeMap<String, usize>)>,
    folders: Vec<String>,
    files: HashMap<usize, TypeFile>,
}

/// Result of looking up a `Type@apiVersion` in [`TypeData`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found,
    UnknownType,
    /// Type known; the listed API versions exist.
    UnknownApiVersion(Vec<String>),
    /// Type@version exists upstream in this folder, but its types.json is not present.
    NotVendored(String),
}

fn json_ref(v: &Value) -> Result<usize, String> {
    let r = v
        .get("$ref")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("expected a $ref, got {v}"))?;
    r.strip_prefix("#/")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            format!("unsupported $ref {r} (cross-file refs are not used by the vendored data)")
        })
}

fn json_props(v: Option<&Value>) -> Result<Vec<(String, PropDef)>, String> {
    let mut out = Vec::new();
    if let Some(Value::Object(m)) = v {
        for (k, p) in m {
            let ty = json_ref(p.get("type").ok_or("property without type")?)?;
            let flags = p.get("flags").and_then(Value::as_u64).unwrap_or(0) as u32;
            out.push((k.clone(), PropDef { ty, flags }));
        }
    }
    Ok(out)
}

fn parse_type_file(text: &str) -> Result<TypeFile, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let arr = v.as_array().ok_or("types.json is not an array")?;
    let mut types = Vec::with_capacity(arr.len());
    let mut resources = HashMap::new();
    for (i, t) in arr.iter().enumerate() {
        let kind = t.get("$type").and_then(Value::as_str).unwrap_or("");
        let i64f = |k: &str| t.get(k).and_then(Value::as_i64);
        let strf = |k: &str| t.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let ty = match kind {
            "AnyType" => Ty::Any,
            "StringType" => Ty::Str {
                min: i64f("minLength"),
                max: i64f("maxLength"),
                pattern: t.get("pattern").and_then(Value::as_str).map(str::to_string),
            },
            "StringLiteralType" => Ty::Lit(strf("value")),
            "IntegerType" => Ty::Int {
                min: i64f("minValue"),
                max: i64f("maxValue"),
            },
            "BooleanType" => Ty::Bool,
            "ObjectType" => Ty::Obj {
                name: strf("name"),
                props: json_props(t.get("properties"))?,
                additional: match t.get("additionalProperties") {
                    Some(a) => Some(json_ref(a)?),
                    None => None,
                },
            },
            "DiscriminatedObjectType" => {
                let mut elements = BTreeMap::new();
                if let Some(Value::Object(m)) = t.get("elements") {
                    for (k, e) in m {
                        elements.insert(k.clone(), json_ref(e)?);
                    }
                }
                Ty::Disc {
                    name: strf("name"),
                    discriminator: strf("discriminator"),
                    base: json_props(t.get("baseProperties"))?,
                    elements,
                }
            }
            "ArrayType" => Ty::Arr {
                item: json_ref(t.get("itemType").ok_or("ArrayType without itemType")?)?,
                min: i64f("minLength"),
                max: i64f("maxLength"),
            },
            "UnionType" => Ty::Union(
                t.get("elements")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().map(json_ref).collect())
                    .transpose()?
                    .unwrap_or_default(),
            ),
            "ResourceType" => {
                resources.insert(strf("name").to_lowercase(), i);
                Ty::Resource {
                    body: json_ref(t.get("body").ok_or("ResourceType without body")?)?,
                    writable_scopes: t
                        .get("writableScopes")
                        .and_then(Value::as_u64)
                        .unwrap_or(u64::MAX),
                }
            }
            _ => Ty::Other,
        };
        types.push(ty);
    }
    Ok(TypeFile { types, resources })
}

impl TypeData {
    /// Load `dir/index.json` and every `dir/generated/<folder>/types.json` that exists.
    pub fn load(dir: &Path) -> Result<Self, String> {
        let index_path = dir.join("index.json");
        let text = std::fs::read_to_string(&index_path)
            .map_err(|e| format!("{}: {e}", index_path.display()))?;
        let v: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", index_path.display()))?;
        let folders: Vec<String> = v
            .get("folders")
            .and_then(Value::as_array)
            .ok_or("index.json: no folders")?
            .iter()
            .map(|f| f.as_str().unwrap_or("").to_string())
            .collect();
        let mut index = HashMap::new();
        for (k, e) in v
            .get("types")
            .and_then(Value::as_object)
            .ok_or("index.json: no types")?
        {
            let canonical = e.get(0).and_then(Value::as_str).unwrap_or(k).to_string();
            let mut versions = BTreeMap::new();
            if let Some(Value::Object(m)) = e.get(1) {
                for (ver, f) in m {
                    versions.insert(ver.clone(), f.as_u64().unwrap_or(u64::MAX) as usize);
                }
            }
            index.insert(k.to_lowercase(), (canonical, versions));
        }
        let mut files = HashMap::new();
        for (i, f) in folders.iter().enumerate() {
            let p = dir.join("generated").join(f).join("types.json");
            if p.is_file() {
                let text =
                    std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                files.insert(
                    i,
                    parse_type_file(&text).map_err(|e| format!("{}: {e}", p.display()))?,
                );
            }
        }
        if files.is_empty() {
            return Err(format!(
                "{}: no generated/**/types.json present",
                dir.display()
            ));
        }
        Ok(TypeData {
            index,
            folders,
            files,
        })
    }

    /// Does `ty@api_version` exist, and is its type data present?
    pub fn lookup(&self, ty: &str, api_version: &str) -> Lookup {
        match self.locate(ty, api_version) {
            Ok(_) => Lookup::Found,
            Err(l) => l,
        }
    }

    /// Canonical spelling of a type name, if the type exists.
    pub fn canonical_type(&self, ty: &str) -> Option<&str> {
        self.index.get(&ty.to_lowercase()).map(|(c, _)| c.as_str())
    }

    /// The folder, type file and ResourceType index of `ty@api_version`.
    fn locate(&self, ty: &str, api_version: &str) -> Result<(&TypeFile, usize), Lookup> {
        let (canonical, versions) = self
            .index
            .get(&ty.to_lowercase())
            .ok_or(Lookup::UnknownType)?;
        let folder = versions
            .iter()
            .find(|(v, _)| v.eq_ignore_ascii_case(api_version))
            .map(|(_, f)| *f)
            .ok_or_else(|| Lookup::UnknownApiVersion(versions.keys().cloned().collect()))?;
        let folder_name = self.folders.get(folder).cloned().unwrap_or_default();
        let file = self
            .files
            .get(&folder)
            .ok_or(Lookup::NotVendored(folder_name.clone()))?;
        let key = format!("{canonical}@{api_version}").to_lowercase();
        let idx = *file
            .resources
            .get(&key)
            .ok_or(Lookup::NotVendored(folder_name))?;
        Ok((file, idx))
    }
}

// ---------------------------------------------------------------------------------------------
// Bicep syntax -> literal value model
// ---------------------------------------------------------------------------------------------

#[derive(Debug)]
enum V {
    Str(String),
    /// A string with `${...}` interpolation: a string of unknown value.
    Interp,
    Int(i64),
    Bool(bool),
    Null,
    Obj(Vec<Prop>),
    Arr(Vec<N>),
    /// A `[for ... : body]` expression (an array of `body`s).
    For(Box<N>),
    /// `cond ? a : b`
    Tern(Box<N>, Box<N>),
    /// Any other expression.
    Any,
}

#[derive(Debug)]
struct N {
    pos: Pos,
    v: V,
}

#[derive(Debug)]
struct Prop {
    /// None when the key is an interpolated string.
    key: Option<String>,
    pos: Pos,
    val: N,
}

#[derive(Debug)]
struct ResDecl {
    symbol: String,
    type_str: String,
    type_pos: Pos,
    existing: bool,
    /// The body object (also for `if` and `for` forms); None if the body is not an object.
    body: Option<N>,
    children: Vec<ResDecl>,
}

struct Src<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Src<'a> {
    fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i + 1);
            }
        }
        Src { text, line_starts }
    }
    fn pos_of_byte(&self, byte: usize) -> Pos {
        let line = match self.line_starts.binary_search(&byte) {
            Ok(l) => l,
            Err(l) => l - 1,
        };
        let start = self.line_starts[line];
        let col = self
            .text
            .get(start..byte)
            .map(|s| s.chars().count())
            .unwrap_or(byte - start);
        Pos {
            line: line + 1,
            col: col + 1,
        }
    }
    fn pos(&self, n: &tree_sitter::Node) -> Pos {
        self.pos_of_byte(n.start_byte())
    }
    fn text(&self, n: &tree_sitter::Node) -> &'a str {
        &self.text[n.start_byte()..n.end_byte()]
    }
}

fn named_children<'t>(n: &tree_sitter::Node<'t>) -> Vec<tree_sitter::Node<'t>> {
    let mut c = n.walk();
    n.named_children(&mut c)
        .filter(|c| c.kind() != "comment" && c.kind() != "diagnostic_comment")
        .collect()
}

fn all_children<'t>(n: &tree_sitter::Node<'t>) -> Vec<tree_sitter::Node<'t>> {
    let mut c = n.walk();
    n.children(&mut c).collect()
}

/// Decode a `string` node; None if it has interpolation.
fn string_literal(src: &Src, n: &tree_sitter::Node) -> Option<String> {
    if named_children(n)
        .iter()
        .any(|c| c.kind() == "interpolation")
    {
        return None;
    }
    let raw = src.text(n);
    if let Some(inner) = raw.strip_prefix("'''").and_then(|s| s.strip_suffix("'''")) {
        // Multi-line strings have no escapes; a newline right after the opening ''' is dropped.
        let inner = inner
            .strip_prefix("\r\n")
            .or_else(|| inner.strip_prefix('\n'))
            .unwrap_or(inner);
        return Some(inner.to_string());
    }
    let inner = raw
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .unwrap_or(raw);
    let mut out = String::with_capacity(inner.len());
    let mut it = inner.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') if it.peek() == Some(&'{') => {
                it.next();
                let hex: String = it.by_ref().take_while(|c| *c != '}').collect();
                if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(ch);
                }
            }
            Some(other) => out.push(other), // \\ \' \$ and anything else
            None => out.push('\\'),
        }
    }
    Some(out)
}

struct Builder<'a> {
    src: Src<'a>,
}

impl<'a> Builder<'a> {
    fn value(&self, n: &tree_sitter::Node) -> N {
        let pos = self.src.pos(n);
        let v = match n.kind() {
            "string" => match string_literal(&self.src, n) {
                Some(s) => V::Str(s),
                None => V::Interp,
            },
            "number" => self.src.text(n).parse().map(V::Int).unwrap_or(V::Any),
            "boolean" => V::Bool(self.src.text(n) == "true"),
            "null" => V::Null,
            "object" => V::Obj(self.object(n, &mut Vec::new())),
            "array" => V::Arr(
                named_children(n)
                    .iter()
                    .filter(|c| c.kind() != "decorators")
                    .map(|c| self.value(c))
                    .collect(),
            ),
            "for_statement" => match n.child_by_field_name("body") {
                Some(b) if b.kind() == "if_statement" => match named_children(&b)
                    .into_iter()
                    .find(|c| c.kind() == "object")
                {
                    Some(o) => V::For(Box::new(self.value(&o))),
                    None => V::Any,
                },
                Some(b) => V::For(Box::new(self.value(&b))),
                None => V::Any,
            },
            "ternary_expression" => match (
                n.child_by_field_name("consequence"),
                n.child_by_field_name("alternative"),
            ) {
                (Some(a), Some(b)) => V::Tern(Box::new(self.value(&a)), Box::new(self.value(&b))),
                _ => V::Any,
            },
            "parenthesized_expression" => {
                let kids = named_children(n);
                if kids.len() == 1 {
                    return self.value(&kids[0]);
                }
                V::Any
            }
            "unary_expression" => {
                // `-5` normally lexes as one number; keep `- 5` too.
                let t = self.src.text(n).replace(char::is_whitespace, "");
                t.parse().map(V::Int).unwrap_or(V::Any)
            }
            _ => V::Any,
        };
        N { pos, v }
    }

    /// Properties of an object literal; nested `resource` declarations go to `nested`.
    fn object(&self, n: &tree_sitter::Node, nested: &mut Vec<ResDecl>) -> Vec<Prop> {
        let mut props = Vec::new();
        for p in named_children(n) {
            if p.kind() != "object_property" {
                continue;
            }
            let kids = named_children(&p);
            if let Some(r) = kids.iter().find(|k| k.kind() == "resource_declaration") {
                if let Some(d) = self.resource(r) {
                    nested.push(d);
                }
                continue;
            }
            let key_node = match kids.first() {
                Some(k) => *k,
                None => continue,
            };
            let key = match key_node.kind() {
                "identifier" => Some(self.src.text(&key_node).to_string()),
                "string" => string_literal(&self.src, &key_node),
                _ => None,
            };
            let val = match kids.get(1) {
                Some(v) => self.value(v),
                None => N {
                    pos: self.src.pos(&p),
                    v: V::Any,
                },
            };
            props.push(Prop {
                key,
                pos: self.src.pos(&key_node),
                val,
            });
        }
        props
    }

    fn resource(&self, n: &tree_sitter::Node) -> Option<ResDecl> {
        let kids = all_children(n);
        let symbol = kids
            .iter()
            .find(|k| k.kind() == "identifier")
            .map(|k| self.src.text(k).to_string())
            .unwrap_or_default();
        let type_node = kids.iter().find(|k| k.kind() == "string")?;
        let type_str = string_literal(&self.src, type_node).unwrap_or_default();
        let existing = kids.iter().any(|k| k.kind() == "existing");
        let mut children = Vec::new();
        let body_node = kids
            .iter()
            .rev()
            .find(|k| matches!(k.kind(), "object" | "if_statement" | "for_statement"))
            .copied();
        let obj = body_node.and_then(|b| match b.kind() {
            "object" => Some(b),
            "if_statement" => named_children(&b)
                .into_iter()
                .find(|c| c.kind() == "object"),
            "for_statement" => b
                .child_by_field_name("body")
                .and_then(|body| match body.kind() {
                    "object" => Some(body),
                    "if_statement" => named_children(&body)
                        .into_iter()
                        .find(|c| c.kind() == "object"),
                    _ => None,
                }),
            _ => None,
        });
        let body = obj.map(|o| N {
            pos: self.src.pos(&o),
            v: V::Obj(self.object(&o, &mut children)),
        });
        Some(ResDecl {
            symbol,
            type_str,
            type_pos: self.src.pos(type_node),
            existing,
            body,
            children,
        })
    }
}

fn syntax_errors(src: &Src, root: &tree_sitter::Node, sink: &mut Sink) {
    let mut stack = vec![*root];
    while let Some(n) = stack.pop() {
        if n.is_missing() {
            sink.push(
                src.pos(&n),
                codes::SYNTAX_ERROR,
                format!("syntax error: missing `{}`", n.kind()),
            );
            continue;
        }
        if n.is_error() {
            let text: String = src.text(&n).chars().take(40).collect();
            sink.push(
                src.pos(&n),
                codes::SYNTAX_ERROR,
                format!("syntax error near `{}`", text.replace('\n', "\\n")),
            );
            continue;
        }
        if n.has_error() {
            let mut kids = all_children(&n);
            kids.reverse();
            stack.extend(kids);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Type-data walk
// ---------------------------------------------------------------------------------------------

fn kind_name(v: &V) -> &'static str {
    match v {
        V::Str(_) | V::Interp => "string",
        V::Int(_) => "int",
        V::Bool(_) => "bool",
        V::Null => "null",
        V::Obj(_) => "object",
        V::Arr(_) | V::For(_) => "array",
        V::Tern(..) | V::Any => "any",
    }
}

fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn suggest<'s>(word: &str, candidates: impl IntoIterator<Item = &'s str>) -> Option<&'s str> {
    let lw = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = levenshtein(&lw, &c.to_lowercase());
        if d <= (word.len() / 3).max(2) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

fn did_you_mean(s: Option<&str>) -> String {
    s.map(|s| format!(" Did you mean '{s}'?"))
        .unwrap_or_default()
}

fn list_some<'s>(items: impl IntoIterator<Item = &'s str>, max: usize) -> String {
    let v: Vec<&str> = items.into_iter().collect();
    let mut s = v
        .iter()
        .take(max)
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    if v.len() > max {
        s.push_str(&format!(", ... ({} in all)", v.len()));
    }
    s
}

fn join_path(path: &str, key: &str) -> String {
    let simple = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if path.is_empty() {
        key.to_string()
    } else if simple {
        format!("{path}.{key}")
    } else {
        format!("{path}['{key}']")
    }
}

#[derive(Clone, Copy)]
struct ObjCtx {
    /// top of a resource body: allow `parent`, `scope`, `dependsOn`.
    resource_top: bool,
    existing: bool,
    skip_required: bool,
}

struct TypeWalker<'t> {
    tf: &'t TypeFile,
}

impl TypeWalker<'_> {
    fn describe(&self, ty: usize, depth: usize) -> String {
        match &self.tf.types[ty] {
            Ty::Any => "any".into(),
            Ty::Str { .. } => "string".into(),
            Ty::Lit(s) => format!("'{s}'"),
            Ty::Int { .. } => "int".into(),
            Ty::Bool => "bool".into(),
            Ty::Obj { name, .. } => {
                if name.is_empty() {
                    "object".into()
                } else {
                    format!("object {name}")
                }
            }
            Ty::Disc { name, .. } => format!("object {name}"),
            Ty::Arr { item, .. } => {
                if depth > 2 {
                    "array".into()
                } else {
                    format!("{}[]", self.describe(*item, depth + 1))
                }
            }
            Ty::Union(els) => els
                .iter()
                .map(|e| self.describe(*e, depth + 1))
                .collect::<Vec<_>>()
                .join(" | "),
            Ty::Resource { .. } | Ty::Other => "?".into(),
        }
    }

    /// Whether a value of this kind could ever fit `ty` (used to pick a union member to report on).
    fn kind_fits(&self, ty: usize, v: &V) -> bool {
        match (&self.tf.types[ty], v) {
            (Ty::Any, _) | (_, V::Any) | (_, V::Null) | (_, V::Tern(..)) => true,
            (Ty::Str { .. } | Ty::Lit(_), V::Str(_) | V::Interp) => true,
            (Ty::Int { .. }, V::Int(_)) => true,
            (Ty::Bool, V::Bool(_)) => true,
            (Ty::Obj { .. } | Ty::Disc { .. }, V::Obj(_)) => true,
            (Ty::Arr { .. }, V::Arr(_) | V::For(_)) => true,
            (Ty::Union(els), _) => els.iter().any(|e| self.kind_fits(*e, v)),
            _ => false,
        }
    }

    fn check(&self, ty: usize, n: &N, path: &str, sink: &mut Sink) {
        match &n.v {
            V::Any | V::Null => return,
            V::Tern(a, b) => {
                self.check(ty, a, path, sink);
                self.check(ty, b, path, sink);
                return;
            }
            _ => {}
        }
        match &self.tf.types[ty] {
            Ty::Any | Ty::Other | Ty::Resource { .. } => {}
            Ty::Union(els) => self.check_union(els, n, path, sink),
            Ty::Lit(s) => match &n.v {
                V::Str(v) if v == s => {}
                V::Str(v) => {
                    let hint = if v.eq_ignore_ascii_case(s) {
                        format!(" Did you mean '{s}'?")
                    } else {
                        String::new()
                    };
                    sink.push(
                        n.pos,
                        codes::INVALID_ENUM_VALUE,
                        format!("{path}: expected '{s}' but got '{v}'.{hint}"),
                    );
                }
                V::Interp => {}
                v => self.mismatch(ty, n.pos, v, path, sink),
            },
            Ty::Str { min, max, pattern } => match &n.v {
                V::Str(s) => {
                    let len = s.chars().count() as i64;
                    if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                        sink.push(
                            n.pos,
                            codes::VALUE_OUT_OF_RANGE,
                            format!(
                                "{path}: string length {len} is outside {}..{}",
                                fmt_opt(*min),
                                fmt_opt(*max)
                            ),
                        );
                    } else if let Some(p) = pattern {
                        if regex_lite::is_match(p, s) == Some(false) {
                            sink.push(
                                n.pos,
                                codes::PATTERN_MISMATCH,
                                format!("{path}: '{s}' does not match the pattern {p}"),
                            );
                        }
                    }
                }
                V::Interp => {}
                v => self.mismatch(ty, n.pos, v, path, sink),
            },
            Ty::Int { min, max } => match &n.v {
                V::Int(i) => {
                    if min.is_some_and(|m| *i < m) || max.is_some_and(|m| *i > m) {
                        sink.push(
                            n.pos,
                            codes::VALUE_OUT_OF_RANGE,
                            format!(
                                "{path}: {i} is outside {}..{}",
                                fmt_opt(*min),
                                fmt_opt(*max)
                            ),
                        );
                    }
                }
                v => self.mismatch(ty, n.pos, v, path, sink),
            },
            Ty::Bool => {
                if !matches!(n.v, V::Bool(_)) {
                    self.mismatch(ty, n.pos, &n.v, path, sink)
                }
            }
            Ty::Arr { item, min, max } => match &n.v {
                V::Arr(items) => {
                    let len = items.len() as i64;
                    if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
                        sink.push(
                            n.pos,
                            codes::VALUE_OUT_OF_RANGE,
                            format!(
                                "{path}: array length {len} is outside {}..{}",
                                fmt_opt(*min),
                                fmt_opt(*max)
                            ),
                        );
                    }
                    for (i, it) in items.iter().enumerate() {
                        self.check(*item, it, &format!("{path}[{i}]"), sink);
                    }
                }
                V::For(body) => self.check(*item, body, &format!("{path}[for]"), sink),
                v => self.mismatch(ty, n.pos, v, path, sink),
            },
            Ty::Obj {
                props, additional, ..
            } => match &n.v {
                V::Obj(entries) => {
                    let ctx = ObjCtx {
                        resource_top: false,
                        existing: false,
                        skip_required: false,
                    };
                    self.check_object(
                        props.iter().map(|(k, p)| (k.as_str(), *p)).collect(),
                        *additional,
                        n.pos,
                        entries,
                        path,
                        ctx,
                        sink,
                    )
                }
                v => self.mismatch(ty, n.pos, v, path, sink),
            },
            Ty::Disc {
                discriminator,
                base,
                elements,
                ..
            } => match &n.v {
                V::Obj(entries) => {
                    self.check_disc(discriminator, base, elements, n.pos, entries, path, sink)
                }
                v => self.mismatch(ty, n.pos, v, path, sink),
            },
        }
    }

    fn mismatch(&self, ty: usize, pos: Pos, v: &V, path: &str, sink: &mut Sink) {
        let shown = match v {
            V::Str(s) => format!("'{s}'"),
            V::Int(i) => i.to_string(),
            V::Bool(b) => b.to_string(),
            other => kind_name(other).to_string(),
        };
        sink.push(
            pos,
            codes::TYPE_MISMATCH,
            format!(
                "{path}: expected a value of type {} but got {} ({shown})",
                self.describe(ty, 0),
                kind_name(v)
            ),
        );
    }

    fn check_union(&self, els: &[usize], n: &N, path: &str, sink: &mut Sink) {
        // Fast path for the common string-literal unions.
        if let V::Str(s) = &n.v {
            let mut lits = Vec::new();
            let mut all_strings = true;
            let mut open = false;
            for e in els {
                match &self.tf.types[*e] {
                    Ty::Lit(l) => lits.push(l.as_str()),
                    Ty::Str { .. } | Ty::Any => open = true,
                    _ => all_strings = false,
                }
            }
            if all_strings {
                if open || lits.contains(&s.as_str()) {
                    return;
                }
                let hint = lits
                    .iter()
                    .find(|l| l.eq_ignore_ascii_case(s))
                    .copied()
                    .or_else(|| suggest(s, lits.iter().copied()));
                sink.push(
                    n.pos,
                    codes::INVALID_ENUM_VALUE,
                    format!(
                        "{path}: '{s}' is not one of {} (closed set in the type data).{}",
                        list_some(lits.iter().copied(), 12),
                        did_you_mean(hint)
                    ),
                );
                return;
            }
        }
        let mut first_fitting: Option<Vec<Finding>> = None;
        for e in els {
            let mut trial = Sink {
                file: sink.file,
                out: Vec::new(),
            };
            self.check(*e, n, path, &mut trial);
            if trial.out.is_empty() {
                return;
            }
            if first_fitting.is_none() && self.kind_fits(*e, &n.v) {
                first_fitting = Some(trial.out);
            }
        }
        match first_fitting {
            Some(f) => sink.out.extend(f),
            None => sink.push(
                n.pos,
                codes::TYPE_MISMATCH,
                format!(
                    "{path}: expected a value of type {} but got {}",
                    els.iter()
                        .map(|e| self.describe(*e, 1))
                        .collect::<Vec<_>>()
                        .join(" | "),
                    kind_name(&n.v)
                ),
            ),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_disc(
        &self,
        disc: &str,
        base: &[(String, PropDef)],
        elements: &BTreeMap<String, usize>,
        pos: Pos,
        entries: &[Prop],
        path: &str,
        sink: &mut Sink,
    ) {
        let has_dynamic_key = entries.iter().any(|e| e.key.is_none());
        let dv = entries.iter().find(|e| e.key.as_deref() == Some(disc));
        let variant_props = |el: usize| -> Vec<(&str, PropDef)> {
            match &self.tf.types[el] {
                Ty::Obj { props, .. } => props.iter().map(|(k, p)| (k.as_str(), *p)).collect(),
                _ => Vec::new(),
            }
        };
        let base_props = || {
            base.iter()
                .map(|(k, p)| (k.as_str(), *p))
                .collect::<Vec<_>>()
        };
        let ctx = ObjCtx {
            resource_top: false,
            existing: false,
            skip_required: false,
        };
        match dv.map(|d| &d.val.v) {
            None => {
                if !has_dynamic_key {
                    sink.push(
                        pos,
                        codes::MISSING_REQUIRED_PROPERTY,
                        format!(
                            "{path}: the discriminator property '{disc}' is required (one of {})",
                            list_some(elements.keys().map(String::as_str), 12)
                        ),
                    );
                }
                // Still check names against the union of all variants.
                let mut all = base_props();
                for el in elements.values() {
                    for (k, p) in variant_props(*el) {
                        if !all.iter().any(|(a, _)| *a == k) {
                            all.push((k, p));
                        }
                    }
                }
                self.check_object(
                    all,
                    None,
                    pos,
                    entries,
                    path,
                    ObjCtx {
                        skip_required: true,
                        ..ctx
                    },
                    sink,
                );
            }
            Some(V::Str(s)) => {
                match elements.get(s.as_str()) {
                    Some(el) => {
                        let mut props = base_props();
                        props.extend(variant_props(*el));
                        self.check_object(props, None, pos, entries, path, ctx, sink);
                    }
                    None => {
                        let d = dv.unwrap();
                        let keys = elements.keys().map(String::as_str);
                        let hint = elements
                            .keys()
                            .find(|k| k.eq_ignore_ascii_case(s))
                            .map(String::as_str)
                            .or_else(|| suggest(s, keys.clone()));
                        sink.push(
                        d.val.pos,
                        codes::BAD_DISCRIMINATOR,
                        format!("{}: '{s}' is not a variant of the discriminated union (one of {}).{}", join_path(path, disc), list_some(keys, 20), did_you_mean(hint)),
                    );
                    }
                }
            }
            Some(_) => {
                // Discriminator is an expression: check names against every variant, no required check.
                let mut all = base_props();
                for el in elements.values() {
                    for (k, p) in variant_props(*el) {
                        if !all.iter().any(|(a, _)| *a == k) {
                            all.push((k, p));
                        }
                    }
                }
                let mut sub = Sink {
                    file: sink.file,
                    out: Vec::new(),
                };
                self.check_object(
                    all,
                    None,
                    pos,
                    entries,
                    path,
                    ObjCtx {
                        skip_required: true,
                        ..ctx
                    },
                    &mut sub,
                );
                // the discriminator itself was any; drop findings about it
                sink.out.extend(sub.out.into_iter().filter(|f| {
                    !f.message
                        .starts_with(&format!("{}:", join_path(path, disc)))
                }));
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_object(
        &self,
        props: Vec<(&str, PropDef)>,
        additional: Option<usize>,
        pos: Pos,
        entries: &[Prop],
        path: &str,
        ctx: ObjCtx,
        sink: &mut Sink,
    ) {
        let mut seen: HashSet<&str> = HashSet::new();
        let has_dynamic_key = entries.iter().any(|e| e.key.is_none());
        for e in entries {
            let key = match &e.key {
                Some(k) => k.as_str(),
                None => {
                    if let Some(a) = additional {
                        self.check(a, &e.val, &format!("{path}[*]"), sink);
                    }
                    continue;
                }
            };
            let kpath = join_path(path, key);
            if !seen.insert(key) {
                sink.push(
                    e.pos,
                    codes::DUPLICATE_PROPERTY,
                    format!("{kpath}: property declared more than once"),
                );
                continue;
            }
            if ctx.resource_top && matches!(key, "parent" | "scope" | "dependsOn") {
                continue;
            }
            match props.iter().find(|(k, _)| *k == key) {
                Some((_, p)) => {
                    if ctx.existing && !matches!(key, "name") {
                        sink.push(e.pos, codes::READ_ONLY_PROPERTY, format!("{kpath}: an `existing` resource may only set name, scope and parent"));
                    } else if p.flags & FLAG_READ_ONLY != 0 {
                        sink.push(
                            e.pos,
                            codes::READ_ONLY_PROPERTY,
                            format!("{kpath}: property is read-only and cannot be set"),
                        );
                    } else {
                        self.check(p.ty, &e.val, &kpath, sink);
                    }
                }
                None => {
                    if let Some(a) = additional {
                        self.check(a, &e.val, &kpath, sink);
                        continue;
                    }
                    let names = props
                        .iter()
                        .filter(|(_, p)| p.flags & FLAG_READ_ONLY == 0)
                        .map(|(k, _)| *k);
                    let hint = props
                        .iter()
                        .map(|(k, _)| *k)
                        .find(|k| k.eq_ignore_ascii_case(key))
                        .or_else(|| suggest(key, names.clone()));
                    let mut known: Vec<&str> = names.collect();
                    if ctx.resource_top {
                        known.extend(["parent", "scope", "dependsOn"]);
                    }
                    sink.push(
                        e.pos,
                        codes::UNKNOWN_PROPERTY,
                        format!(
                            "{kpath}: property '{key}' does not exist in the type.{} Allowed: {}",
                            did_you_mean(hint),
                            list_some(known, 40)
                        ),
                    );
                }
            }
        }
        if ctx.skip_required || has_dynamic_key {
            return;
        }
        for (k, p) in &props {
            let required = p.flags & FLAG_REQUIRED != 0 && p.flags & FLAG_READ_ONLY == 0;
            let required = required && (!ctx.existing || *k == "name");
            if required && !seen.contains(k) {
                sink.push(
                    pos,
                    codes::MISSING_REQUIRED_PROPERTY,
                    format!(
                        "{}: required property '{k}' is missing",
                        if path.is_empty() {
                            "resource body"
                        } else {
                            path
                        }
                    ),
                );
            }
        }
    }
}

fn fmt_opt(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// ARM schemas: targeted enum walk
// ---------------------------------------------------------------------------------------------

/// Enums the published schemas close more tightly than the Bicep compiler's type data for the same
/// type@version: (schema file relative to `schemas/`, JSON pointer of the `enum` array, values to
/// add). Each target must exist, so a data update that moves it fails loudly at load time.
const ARM_ENUM_PATCHES: &[(&str, &str, &[&str])] = &[(
    // Bicep types for Microsoft.Authorization/roleAssignments@2022-04-01 list these principal types
    // (an open enum); the published schema's closed enum predates them.
    "2022-04-01/Microsoft.Authorization.json",
    "/definitions/RoleAssignmentProperties/properties/principalType/oneOf/0/enum",
    &["AgentServicePrincipal", "AgentUser"],
)];

const SCHEMA_URL_PREFIXES: &[&str] = &[
    "https://schema.management.azure.com/schemas/",
    "http://schema.management.azure.com/schemas/",
];

/// The official ARM JSON schemas (a `schemas/` tree: `<apiVersion>/<Provider>.json`, `common/`).
pub struct ArmSchemas {
    /// path relative to the schemas dir, with '/' separators -> document
    files: HashMap<String, Value>,
    /// lower("Type@version") -> (file, JSON pointer of the resource definition)
    resources: HashMap<String, (String, String)>,
}

impl ArmSchemas {
    /// Load every `*.json` under `dir` (or `dir/schemas` if that exists) and apply the patches.
    pub fn load(dir: &Path) -> Result<Self, String> {
        let root = if dir.join("schemas").is_dir() {
            dir.join("schemas")
        } else {
            dir.to_path_buf()
        };
        let mut paths = Vec::new();
        collect_json(&root, &mut paths).map_err(|e| format!("{}: {e}", root.display()))?;
        let mut files = HashMap::new();
        for p in paths {
            let rel = p
                .strip_prefix(&root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let v: Value =
                serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))?;
            files.insert(rel, v);
        }
        for (file, ptr, extra) in ARM_ENUM_PATCHES {
            if let Some(doc) = files.get_mut(*file) {
                let arr = doc
                    .pointer_mut(ptr)
                    .and_then(Value::as_array_mut)
                    .ok_or_else(|| format!("ARM schema patch target {file}#{ptr} not found; re-check ARM_ENUM_PATCHES"))?;
                for x in *extra {
                    if !arr.iter().any(|v| v.as_str() == Some(x)) {
                        arr.push(Value::String(x.to_string()));
                    }
                }
            }
        }
        let mut resources: HashMap<String, (String, String)> = HashMap::new();
        let mut names: Vec<&String> = files.keys().collect();
        names.sort();
        for name in names {
            let doc = &files[name];
            let Some(obj) = doc.as_object() else { continue };
            // Prefer plain `resourceDefinitions` over the scope-specific variants.
            let mut sections: Vec<&String> = obj
                .keys()
                .filter(|k| {
                    k.ends_with("resourceDefinitions") || k.ends_with("ResourceDefinitions")
                })
                .collect();
            sections.sort_by_key(|k| (k.as_str() != "resourceDefinitions", k.to_string()));
            for sec in sections {
                let Some(defs) = obj[sec.as_str()].as_object() else {
                    continue;
                };
                for (dn, d) in defs {
                    let first = |k: &str| {
                        d.pointer(&format!("/properties/{k}/enum/0"))
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    };
                    if let (Some(t), Some(v)) = (first("type"), first("apiVersion")) {
                        resources
                            .entry(format!("{t}@{v}").to_lowercase())
                            .or_insert_with(|| {
                                (name.clone(), format!("/{sec}/{}", escape_ptr(dn)))
                            });
                    }
                }
            }
        }
        if resources.is_empty() {
            return Err(format!(
                "{}: no ARM resource definitions found",
                root.display()
            ));
        }
        Ok(ArmSchemas { files, resources })
    }

    /// Is there a schema for `ty@api_version`?
    pub fn has(&self, ty: &str, api_version: &str) -> bool {
        self.resources
            .contains_key(&format!("{ty}@{api_version}").to_lowercase())
    }

    fn resolve<'s>(&'s self, file: &'s str, mut node: &'s Value) -> Option<(&'s str, &'s Value)> {
        let mut file = file;
        for _ in 0..32 {
            let Some(r) = node.get("$ref").and_then(Value::as_str) else {
                return Some((file, node));
            };
            let (f, ptr) = match r.split_once('#') {
                Some(("", p)) => (file, p),
                Some((url, p)) => {
                    let rel = SCHEMA_URL_PREFIXES
                        .iter()
                        .find_map(|pre| url.strip_prefix(pre))?;
                    let (k, _) = self.files.get_key_value(rel)?;
                    (k.as_str(), p)
                }
                None => return None,
            };
            file = f;
            node = self.files.get(f)?.pointer(ptr)?;
        }
        None
    }
}

fn escape_ptr(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        if p.is_dir() {
            collect_json(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "json") {
            out.push(p);
        }
    }
    Ok(())
}

fn is_expression_ref(s: &Value) -> bool {
    s.get("$ref")
        .and_then(Value::as_str)
        .is_some_and(|r| r.ends_with("common/definitions.json#/definitions/expression"))
}

fn schema_enum(s: &Value) -> Option<Vec<&Value>> {
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        return Some(e.iter().collect());
    }
    // PATCH: `const` is not draft-04; read it as a one-value enum, which is what the generator meant.
    s.get("const").map(|c| vec![c])
}

struct ArmWalker<'a> {
    schemas: &'a ArmSchemas,
}

impl ArmWalker<'_> {
    /// The JSON kind of a literal, or None when unknown.
    fn json_kind(v: &V) -> Option<&'static str> {
        match v {
            V::Str(_) | V::Interp => Some("string"),
            V::Int(_) => Some("integer"),
            V::Bool(_) => Some("boolean"),
            V::Obj(_) => Some("object"),
            V::Arr(_) | V::For(_) => Some("array"),
            _ => None,
        }
    }

    fn branch_fits(&self, file: &str, s: &Value, n: &N, depth: usize) -> bool {
        if depth > 16 {
            return true;
        }
        let Some((file, s)) = self.schemas.resolve(file, s) else {
            return true;
        };
        if let (Some(t), Some(k)) = (s.get("type").and_then(Value::as_str), Self::json_kind(&n.v)) {
            if !(t == k || (t == "number" && k == "integer")) {
                return false;
            }
        }
        // Discriminator: a property with a one-value enum/const must agree with a literal value.
        if let (Some(props), V::Obj(entries)) =
            (s.get("properties").and_then(Value::as_object), &n.v)
        {
            for e in entries {
                let (Some(k), V::Str(val)) = (&e.key, &e.val.v) else {
                    continue;
                };
                if let Some((_, ps)) = props
                    .get(k.as_str())
                    .and_then(|p| self.schemas.resolve(file, p))
                {
                    if let Some(en) = schema_enum(ps) {
                        if en.len() == 1 && en[0].as_str() != Some(val.as_str()) {
                            return false;
                        }
                    }
                }
            }
        }
        if let Some(all) = s.get("allOf").and_then(Value::as_array) {
            return all.iter().all(|b| self.branch_fits(file, b, n, depth + 1));
        }
        true
    }

    /// Discriminator values offered by one `oneOf` branch: property -> one-value enum.
    fn branch_discriminators(
        &self,
        file: &str,
        s: &Value,
        depth: usize,
        out: &mut Vec<(String, String)>,
    ) {
        if depth > 16 {
            return;
        }
        let Some((file, s)) = self.schemas.resolve(file, s) else {
            return;
        };
        if let Some(props) = s.get("properties").and_then(Value::as_object) {
            for (k, p) in props {
                if let Some((_, ps)) = self.schemas.resolve(file, p) {
                    if let Some(en) = schema_enum(ps) {
                        if en.len() == 1 {
                            if let Some(v) = en[0].as_str() {
                                out.push((k.clone(), v.to_string()));
                            }
                        }
                    }
                }
            }
        }
        for b in s
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.branch_discriminators(file, b, depth + 1, out);
        }
    }

    /// The sub-schema of property `seg` (`*`: additionalProperties, `[]`: items), looking through
    /// `$ref`, `allOf`, `oneOf` and `anyOf` (skipping the ARM expression branch).
    fn descend<'s>(
        &'s self,
        file: &'s str,
        s: &'s Value,
        seg: &str,
        depth: usize,
    ) -> Option<(&'s str, &'s Value)> {
        if depth > 16 {
            return None;
        }
        let (file, s) = self.schemas.resolve(file, s)?;
        let direct = match seg {
            "[]" => s.get("items").filter(|i| i.is_object()),
            "*" => s.get("additionalProperties").filter(|a| a.is_object()),
            seg => s
                .get("properties")
                .and_then(|p| p.get(seg))
                .or_else(|| s.get("additionalProperties").filter(|a| a.is_object())),
        };
        if let Some(d) = direct {
            return Some((file, d));
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            for b in s.get(key).and_then(Value::as_array).into_iter().flatten() {
                if is_expression_ref(b) {
                    continue;
                }
                if let Some(found) = self.descend(file, b, seg, depth + 1) {
                    return Some(found);
                }
            }
        }
        None
    }

    fn walk(&self, file: &str, s: &Value, n: &N, path: &str, depth: usize, sink: &mut Sink) {
        if depth > 64 {
            return;
        }
        match &n.v {
            V::Any | V::Null | V::Interp => return,
            V::Tern(a, b) => {
                self.walk(file, s, a, path, depth + 1, sink);
                self.walk(file, s, b, path, depth + 1, sink);
                return;
            }
            _ => {}
        }
        let Some((file, s)) = self.schemas.resolve(file, s) else {
            return;
        };
        if let (Some(en), V::Str(v)) = (schema_enum(s), &n.v) {
            if !en.iter().any(|e| e.as_str() == Some(v.as_str())) {
                let vals: Vec<&str> = en.iter().filter_map(|e| e.as_str()).collect();
                let hint = vals
                    .iter()
                    .find(|x| x.eq_ignore_ascii_case(v))
                    .copied()
                    .or_else(|| suggest(v, vals.iter().copied()));
                sink.push(
                    n.pos,
                    codes::ARM_ENUM,
                    format!(
                        "{path}: '{v}' is not in the ARM schema enum {}.{}",
                        list_some(vals.iter().copied(), 20),
                        did_you_mean(hint)
                    ),
                );
            }
        }
        // PATCH: allOf members are each walked for enums only; a member's
        // `additionalProperties: false` is never enforced (see module docs).
        for b in s
            .get("allOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            self.walk(file, b, n, path, depth + 1, sink);
        }
        for key in ["oneOf", "anyOf"] {
            let Some(branches) = s.get(key).and_then(Value::as_array) else {
                continue;
            };
            let branches: Vec<&Value> = branches.iter().filter(|b| !is_expression_ref(b)).collect();
            if branches.is_empty() {
                continue;
            }
            let fitting: Vec<&&Value> = branches
                .iter()
                .filter(|b| self.branch_fits(file, b, n, 0))
                .collect();
            if fitting.is_empty() {
                if let V::Obj(entries) = &n.v {
                    // Every branch rejected by a discriminator literal: report it once.
                    let mut offered = Vec::new();
                    for b in &branches {
                        self.branch_discriminators(file, b, 0, &mut offered);
                    }
                    for e in entries {
                        let (Some(k), V::Str(val)) = (&e.key, &e.val.v) else {
                            continue;
                        };
                        let vals: Vec<&str> = offered
                            .iter()
                            .filter(|(pk, _)| pk == k)
                            .map(|(_, v)| v.as_str())
                            .collect();
                        if vals.len() >= 2 && !vals.contains(&val.as_str()) {
                            let hint = vals
                                .iter()
                                .find(|x| x.eq_ignore_ascii_case(val))
                                .copied()
                                .or_else(|| suggest(val, vals.iter().copied()));
                            sink.push(
                                e.val.pos,
                                codes::ARM_ENUM,
                                format!("{}: '{val}' matches no {key} branch of the ARM schema (one of {}).{}", join_path(path, k), list_some(vals.iter().copied(), 20), did_you_mean(hint)),
                            );
                            break;
                        }
                    }
                    continue;
                }
                // Scalars: report against the union of branch enums, if all branches are closed.
                if let V::Str(v) = &n.v {
                    let mut vals = Vec::new();
                    let mut closed = true;
                    for b in &branches {
                        match self
                            .schemas
                            .resolve(file, b)
                            .and_then(|(_, bs)| schema_enum(bs))
                        {
                            Some(en) => vals.extend(en.into_iter().filter_map(|e| e.as_str())),
                            None => closed = false,
                        }
                    }
                    if closed && !vals.contains(&v.as_str()) {
                        sink.push(
                            n.pos,
                            codes::ARM_ENUM,
                            format!(
                                "{path}: '{v}' is not in the ARM schema enum {}",
                                list_some(vals, 20)
                            ),
                        );
                    }
                }
                continue;
            }
            let mut best: Option<Vec<Finding>> = None;
            for b in fitting {
                let mut trial = Sink {
                    file: sink.file,
                    out: Vec::new(),
                };
                self.walk(file, b, n, path, depth + 1, &mut trial);
                if trial.out.is_empty() {
                    best = None;
                    break;
                }
                if best.as_ref().is_none_or(|f| trial.out.len() < f.len()) {
                    best = Some(trial.out);
                }
            }
            if let Some(f) = best {
                sink.out.extend(f);
            }
        }
        match &n.v {
            V::Obj(entries) => {
                let props = s.get("properties").and_then(Value::as_object);
                let additional = s.get("additionalProperties").filter(|a| a.is_object());
                for e in entries {
                    let Some(k) = &e.key else {
                        if let Some(a) = additional {
                            self.walk(file, a, &e.val, &format!("{path}[*]"), depth + 1, sink);
                        }
                        continue;
                    };
                    let sub = props.and_then(|p| {
                        p.get(k.as_str()).or_else(|| {
                            p.iter()
                                .find(|(pk, _)| pk.eq_ignore_ascii_case(k))
                                .map(|(_, v)| v)
                        })
                    });
                    if let Some(sub) = sub.or(additional) {
                        self.walk(file, sub, &e.val, &join_path(path, k), depth + 1, sink);
                    }
                }
            }
            V::Arr(items) => {
                if let Some(it) = s.get("items").filter(|i| i.is_object()) {
                    for (i, x) in items.iter().enumerate() {
                        self.walk(file, it, x, &format!("{path}[{i}]"), depth + 1, sink);
                    }
                }
            }
            V::For(body) => {
                if let Some(it) = s.get("items").filter(|i| i.is_object()) {
                    self.walk(file, it, body, &format!("{path}[for]"), depth + 1, sink);
                }
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/// Parse `source` and return every syntax error (ERROR / MISSING node).
pub fn syntax_check(file_label: &str, source: &str) -> Vec<Finding> {
    let mut sink = Sink {
        file: file_label,
        out: Vec::new(),
    };
    let src = Src::new(source);
    match parse(source) {
        Some(tree) => syntax_errors(&src, &tree.root_node(), &mut sink),
        None => sink.push(
            Pos { line: 1, col: 1 },
            codes::SYNTAX_ERROR,
            "tree-sitter-bicep failed to parse".into(),
        ),
    }
    sink.out
}

fn parse(source: &str) -> Option<tree_sitter::Tree> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&tree_sitter_bicep::LANGUAGE.into())
        .ok()?;
    parser.parse(source, None)
}

/// Check one `.bicep` file. Findings are sorted by position.
pub fn check_bicep(
    file_label: &str,
    source: &str,
    types: &TypeData,
    schemas: Option<&ArmSchemas>,
) -> Vec<Finding> {
    let mut sink = Sink {
        file: file_label,
        out: Vec::new(),
    };
    let src = Src::new(source);
    let Some(tree) = parse(source) else {
        sink.push(
            Pos { line: 1, col: 1 },
            codes::SYNTAX_ERROR,
            "tree-sitter-bicep failed to parse".into(),
        );
        return sink.out;
    };
    let root = tree.root_node();
    if root.has_error() {
        syntax_errors(&src, &root, &mut sink);
        return sink.out;
    }
    let b = Builder { src };
    let decls: Vec<ResDecl> = named_children(&root)
        .iter()
        .filter(|n| n.kind() == "resource_declaration")
        .filter_map(|n| b.resource(n))
        .collect();
    for d in &decls {
        check_resource(d, None, types, schemas, &mut sink);
    }
    let suppressed = suppressions(source);
    let out = sink.out.into_iter().filter(|f| {
        !suppressed.get(&f.line).is_some_and(|codes| {
            codes
                .iter()
                .any(|c| c == f.code || bcp_codes(f.code).contains(&c.as_str()))
        })
    });
    finish(out.collect())
}

/// The Bicep compiler diagnostics a finding code corresponds to.
pub fn bcp_codes(code: &str) -> &'static [&'static str] {
    match code {
        codes::MISSING_API_VERSION => &["BCP029"],
        codes::UNKNOWN_RESOURCE_TYPE | codes::UNKNOWN_API_VERSION => &["BCP081"],
        codes::UNKNOWN_PROPERTY => &["BCP037", "BCP089"],
        codes::TYPE_MISMATCH | codes::INVALID_ENUM_VALUE => &["BCP036", "BCP088"],
        codes::BAD_DISCRIMINATOR => &["BCP036", "BCP088", "BCP078"],
        codes::READ_ONLY_PROPERTY => &["BCP073"],
        codes::MISSING_REQUIRED_PROPERTY => &["BCP035", "BCP078"],
        codes::VALUE_OUT_OF_RANGE => &["BCP332", "BCP333", "BCP334", "BCP335", "BCP327", "BCP328"],
        codes::DUPLICATE_PROPERTY => &["BCP025"],
        _ => &[],
    }
}

/// `#disable-next-line code ...` comments, as the Bicep compiler honours them: line number of the
/// suppressed line -> codes (ours or the BCP codes of `bcp_codes`).
fn suppressions(source: &str) -> HashMap<usize, Vec<String>> {
    let mut out = HashMap::new();
    for (i, line) in source.lines().enumerate() {
        if let Some(rest) = line.trim_start().strip_prefix("#disable-next-line") {
            let codes: Vec<String> = rest
                .split("//")
                .next()
                .unwrap_or("")
                .split_whitespace()
                .map(str::to_string)
                .collect();
            out.insert(i + 2, codes);
        }
    }
    out
}

/// One finding per position and code; an ARM finding where the type data already reported
/// something at the same spot adds nothing. Sorted by position.
fn finish(out: Vec<Finding>) -> Vec<Finding> {
    // JSON values have no positions; key them by message path instead.
    let key = |f: &Finding| {
        (
            f.line,
            f.col,
            if f.line == 0 {
                f.message.split(": ").next().unwrap_or("").to_string()
            } else {
                String::new()
            },
        )
    };
    let typed: HashSet<_> = out
        .iter()
        .filter(|f| f.code != codes::ARM_ENUM)
        .map(key)
        .collect();
    let mut out: Vec<Finding> = out
        .into_iter()
        .filter(|f| f.code != codes::ARM_ENUM || !typed.contains(&key(f)))
        .collect();
    out.sort_by(|a, b| {
        (a.line, a.col, a.code, &a.message).cmp(&(b.line, b.col, b.code, &b.message))
    });
    out.dedup_by(|a, b| key(a) == key(b) && a.code == b.code);
    out
}

fn json_to_n(v: &Value) -> N {
    let pos = Pos { line: 0, col: 0 };
    let v = match v {
        Value::String(s) => V::Str(s.clone()),
        Value::Number(n) => n.as_i64().map(V::Int).unwrap_or(V::Any),
        Value::Bool(b) => V::Bool(*b),
        Value::Null => V::Null,
        Value::Array(a) => V::Arr(a.iter().map(json_to_n).collect()),
        Value::Object(m) => V::Obj(
            m.iter()
                .map(|(k, v)| Prop {
                    key: Some(k.clone()),
                    pos,
                    val: json_to_n(v),
                })
                .collect(),
        ),
    };
    N { pos, v }
}

/// Check a JSON value (for example an object parameter's value from `main.parameters.json`) as
/// if it were written as a literal at `property_path` inside the body of `type_at_version`
/// (e.g. `"Microsoft.MachineLearningServices/workspaces@2026-05-01"`,
/// `&["properties", "managedNetwork", "outboundRules"]`, or `&["name"]`). Path segments are
/// property names, `*` for a map value (additionalProperties) and `[]` for an array item.
/// Findings have line and column 0; the message carries the path.
pub fn check_json_value(
    label: &str,
    type_at_version: &str,
    property_path: &[&str],
    value: &Value,
    types: &TypeData,
    schemas: Option<&ArmSchemas>,
) -> Vec<Finding> {
    let mut sink = Sink {
        file: label,
        out: Vec::new(),
    };
    let here = Pos { line: 0, col: 0 };
    let Some((ty, ver)) = type_at_version.rsplit_once('@') else {
        sink.push(
            here,
            codes::MISSING_API_VERSION,
            format!("'{type_at_version}' has no @apiVersion"),
        );
        return sink.out;
    };
    let path_str = property_path
        .iter()
        .fold(String::new(), |acc, seg| match *seg {
            "[]" => format!("{acc}[]"),
            "*" => format!("{acc}[*]"),
            seg => join_path(&acc, seg),
        });
    let n = json_to_n(value);
    match types.locate(ty, ver) {
        Err(l) => {
            let code = match l {
                Lookup::UnknownType => codes::UNKNOWN_RESOURCE_TYPE,
                Lookup::UnknownApiVersion(_) => codes::UNKNOWN_API_VERSION,
                _ => codes::TYPE_NOT_VENDORED,
            };
            sink.push(here, code, format!("{type_at_version}: {l:?}"));
            return sink.out;
        }
        Ok((tf, ridx)) => {
            let Ty::Resource { body, .. } = &tf.types[ridx] else {
                return sink.out;
            };
            let mut cur = *body;
            for seg in property_path {
                let next = match (&tf.types[cur], *seg) {
                    (Ty::Arr { item, .. }, "[]") => Some(*item),
                    (
                        Ty::Obj {
                            additional: Some(a),
                            ..
                        },
                        "*",
                    ) => Some(*a),
                    (
                        Ty::Obj {
                            props, additional, ..
                        },
                        seg,
                    ) => props
                        .iter()
                        .find(|(k, _)| k == seg)
                        .map(|(_, p)| p.ty)
                        .or(*additional),
                    (Ty::Disc { base, elements, .. }, seg) => base
                        .iter()
                        .find(|(k, _)| k == seg)
                        .map(|(_, p)| p.ty)
                        .or_else(|| {
                            elements.values().find_map(|e| match &tf.types[*e] {
                                Ty::Obj { props, .. } => {
                                    props.iter().find(|(k, _)| k == seg).map(|(_, p)| p.ty)
                                }
                                _ => None,
                            })
                        }),
                    _ => None,
                };
                match next {
                    Some(t) => cur = t,
                    None => {
                        sink.push(here, codes::UNKNOWN_PROPERTY, format!("{type_at_version}: path {path_str} does not exist in the type (at '{seg}')"));
                        return sink.out;
                    }
                }
            }
            TypeWalker { tf }.check(cur, &n, &path_str, &mut sink);
        }
    }
    if let Some(arm) = schemas {
        if let Some((file, ptr)) = arm.resources.get(&type_at_version.to_lowercase()) {
            if let Some(def) = arm.files.get(file).and_then(|f| f.pointer(ptr)) {
                let w = ArmWalker { schemas: arm };
                let mut cur = Some((file.as_str(), def));
                for seg in property_path {
                    cur = cur.and_then(|(f, s)| w.descend(f, s, seg, 0));
                }
                if let Some((f, s)) = cur {
                    w.walk(f, s, &n, &path_str, 0, &mut sink);
                }
            }
        }
    }
    finish(sink.out)
}

fn check_resource(
    d: &ResDecl,
    parent: Option<(&str, &str)>,
    types: &TypeData,
    schemas: Option<&ArmSchemas>,
    sink: &mut Sink,
) {
    let (raw_type, version) = match d.type_str.rsplit_once('@') {
        Some((t, v)) => (t.to_string(), Some(v.to_string())),
        None => (d.type_str.clone(), None),
    };
    // Nested declarations give the child segment only ('virtualNetworkLinks@2024-06-01' or
    // 'virtualNetworkLinks', which inherits the parent's API version).
    let full_type = match parent {
        Some((pt, _)) if !raw_type.contains('/') => format!("{pt}/{raw_type}"),
        _ => raw_type.clone(),
    };
    let version = match (version, parent) {
        (Some(v), _) => v,
        (None, Some((_, pv))) => pv.to_string(),
        (None, None) => {
            sink.push(
                d.type_pos,
                codes::MISSING_API_VERSION,
                format!("resource type '{}' has no @apiVersion", d.type_str),
            );
            return;
        }
    };
    let full = format!("{full_type}@{version}");
    let first_finding = sink.out.len();
    let resolved = types.locate(&full_type, &version);
    let canonical = types
        .canonical_type(&full_type)
        .unwrap_or(&full_type)
        .to_string();
    match resolved {
        Err(Lookup::UnknownType) => {
            let hint = suggest(
                &full_type,
                types
                    .index
                    .values()
                    .map(|(c, _)| c.as_str())
                    .filter(|c| c.len().abs_diff(full_type.len()) <= 3),
            );
            sink.push(
                d.type_pos,
                codes::UNKNOWN_RESOURCE_TYPE,
                format!(
                    "resource type '{full_type}' does not exist in the Bicep type index.{}",
                    did_you_mean(hint)
                ),
            );
        }
        Err(Lookup::UnknownApiVersion(vs)) => {
            let recent: Vec<&str> = vs
                .iter()
                .rev()
                .filter(|v| !v.contains("preview"))
                .take(4)
                .map(String::as_str)
                .collect();
            sink.push(
                d.type_pos,
                codes::UNKNOWN_API_VERSION,
                format!("API version '{version}' does not exist for {canonical} ({} versions known; newest GA: {})", vs.len(), recent.join(", ")),
            );
        }
        Err(Lookup::NotVendored(folder)) => {
            sink.push(
                d.type_pos,
                codes::TYPE_NOT_VENDORED,
                format!("{canonical}@{version} exists (generated/{folder}/types.json) but that type data is not vendored; nothing was checked"),
            );
        }
        Err(Lookup::Found) => {}
        Ok((tf, ridx)) => {
            if let Ty::Resource {
                body,
                writable_scopes,
            } = &tf.types[ridx]
            {
                if *writable_scopes == 0 && !d.existing {
                    sink.push(
                        d.type_pos,
                        codes::READ_ONLY_RESOURCE_TYPE,
                        format!("{full} is read-only; it can only be declared `existing`"),
                    );
                }
                if let (
                    Some(bn),
                    Ty::Obj {
                        props, additional, ..
                    },
                ) = (&d.body, &tf.types[*body])
                {
                    if let V::Obj(entries) = &bn.v {
                        let w = TypeWalker { tf };
                        let ctx = ObjCtx {
                            resource_top: true,
                            existing: d.existing,
                            skip_required: false,
                        };
                        let props = props.iter().map(|(k, p)| (k.as_str(), *p)).collect();
                        w.check_object(props, *additional, bn.pos, entries, "", ctx, sink);
                    }
                }
            }
        }
    }
    if let (Some(arm), Some(bn), false) = (schemas, &d.body, d.existing) {
        if let Some((file, ptr)) = arm.resources.get(&full.to_lowercase()) {
            if let (Some(def), V::Obj(entries)) =
                (arm.files.get(file).and_then(|f| f.pointer(ptr)), &bn.v)
            {
                let props = def.get("properties").and_then(Value::as_object);
                let w = ArmWalker { schemas: arm };
                for e in entries {
                    let Some(k) = &e.key else { continue };
                    if matches!(k.as_str(), "parent" | "scope" | "dependsOn") {
                        continue;
                    }
                    if let Some(s) = props.and_then(|p| p.get(k.as_str())) {
                        w.walk(file, s, &e.val, k, 0, sink);
                    }
                }
            }
        }
    }
    for f in &mut sink.out[first_finding..] {
        f.message = format!(
            "resource {} ({canonical}@{version}): {}",
            d.symbol, f.message
        );
    }
    for c in &d.children {
        check_resource(c, Some((&canonical, &version)), types, schemas, sink);
    }
}

// ---------------------------------------------------------------------------------------------
// A small backtracking matcher for the regex subset used by `pattern`s in the type data
// ---------------------------------------------------------------------------------------------

mod regex_lite {
    //! Supports `^ $ . | ( ) (?: )`, classes `[...]` / `[^...]` with ranges, `\d \w \s \W \D \S`,
    //! escaped literals, and the quantifiers `* + ? {n} {n,} {n,m}` (greedy). Unanchored patterns
    //! search, as .NET and ECMAScript do. Anything else (lookaround, backreferences, lazy
    //! quantifiers, flags) makes `is_match` return None: the caller then skips the check.
    use std::cell::Cell;

    #[derive(Debug)]
    enum Item {
        Ch(char),
        Range(char, char),
        Digit(bool),
        Word(bool),
        Space(bool),
    }

    #[derive(Debug)]
    enum Node {
        Ch(char),
        Any,
        Class(bool, Vec<Item>),
        Start,
        End,
        Group(Vec<Vec<Node>>),
        Repeat(Box<Node>, usize, usize),
    }

    struct Parser<'a> {
        p: &'a [char],
        i: usize,
    }

    fn item_matches(it: &Item, c: char) -> bool {
        match it {
            Item::Ch(x) => *x == c,
            Item::Range(a, b) => *a <= c && c <= *b,
            Item::Digit(neg) => c.is_ascii_digit() != *neg,
            Item::Word(neg) => (c.is_ascii_alphanumeric() || c == '_') != *neg,
            Item::Space(neg) => c.is_whitespace() != *neg,
        }
    }

    impl Parser<'_> {
        fn peek(&self) -> Option<char> {
            self.p.get(self.i).copied()
        }
        fn alt(&mut self) -> Option<Vec<Vec<Node>>> {
            let mut alts = vec![self.seq()?];
            while self.peek() == Some('|') {
                self.i += 1;
                alts.push(self.seq()?);
            }
            Some(alts)
        }
        fn seq(&mut self) -> Option<Vec<Node>> {
            let mut out = Vec::new();
            while let Some(c) = self.peek() {
                if c == '|' || c == ')' {
                    break;
                }
                let atom = self.atom()?;
                out.push(self.quant(atom)?);
            }
            Some(out)
        }
        fn escape_item(c: char) -> Option<Item> {
            Some(match c {
                'd' => Item::Digit(false),
                'D' => Item::Digit(true),
                'w' => Item::Word(false),
                'W' => Item::Word(true),
                's' => Item::Space(false),
                'S' => Item::Space(true),
                'n' => Item::Ch('\n'),
                't' => Item::Ch('\t'),
                'r' => Item::Ch('\r'),
                c if c.is_ascii_alphanumeric() => return None, // \b, \1, \p, \u ... unsupported
                c => Item::Ch(c),
            })
        }
        fn atom(&mut self) -> Option<Node> {
            let c = self.peek()?;
            self.i += 1;
            Some(match c {
                '^' => Node::Start,
                '$' => Node::End,
                '.' => Node::Any,
                '(' => {
                    if self.peek() == Some('?') {
                        if self.p.get(self.i + 1) == Some(&':') {
                            self.i += 2;
                        } else {
                            return None; // lookaround / named groups
                        }
                    }
                    let alts = self.alt()?;
                    if self.peek() != Some(')') {
                        return None;
                    }
                    self.i += 1;
                    Node::Group(alts)
                }
                '[' => self.class()?,
                '\\' => {
                    let e = self.peek()?;
                    self.i += 1;
                    match Self::escape_item(e)? {
                        Item::Ch(ch) => Node::Ch(ch),
                        it => Node::Class(false, vec![it]),
                    }
                }
                '*' | '+' | '?' | '{' | ')' => return None,
                c => Node::Ch(c),
            })
        }
        fn class(&mut self) -> Option<Node> {
            let mut neg = false;
            if self.peek() == Some('^') {
                neg = true;
                self.i += 1;
            }
            let mut items: Vec<Item> = Vec::new();
            let mut first = true;
            loop {
                let c = self.peek()?;
                self.i += 1;
                if c == ']' && !first {
                    break;
                }
                first = false;
                let item = if c == '\\' {
                    let e = self.peek()?;
                    self.i += 1;
                    Self::escape_item(e)?
                } else {
                    Item::Ch(c)
                };
                // a range `a-z`: only between two single characters, else '-' is literal
                if let Item::Ch(lo) = item {
                    if self.peek() == Some('-') && self.p.get(self.i + 1).is_some_and(|n| *n != ']')
                    {
                        let save = self.i;
                        self.i += 1;
                        let hc = self.peek()?;
                        self.i += 1;
                        let hi = if hc == '\\' {
                            let e = self.peek()?;
                            self.i += 1;
                            Self::escape_item(e)?
                        } else {
                            Item::Ch(hc)
                        };
                        if let Item::Ch(hi) = hi {
                            if lo > hi {
                                return None;
                            }
                            items.push(Item::Range(lo, hi));
                            continue;
                        }
                        self.i = save; // `a-\d`: treat '-' literally
                    }
                }
                items.push(item);
            }
            Some(Node::Class(neg, items))
        }
        fn quant(&mut self, atom: Node) -> Option<Node> {
            let (min, max) = match self.peek() {
                Some('*') => (0, usize::MAX),
                Some('+') => (1, usize::MAX),
                Some('?') => (0, 1),
                Some('{') => {
                    let close = self.p[self.i..].iter().position(|c| *c == '}')? + self.i;
                    let body: String = self.p[self.i + 1..close].iter().collect();
                    let (a, b) = match body.split_once(',') {
                        Some((a, "")) => (a.parse().ok()?, usize::MAX),
                        Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
                        None => {
                            let n = body.parse().ok()?;
                            (n, n)
                        }
                    };
                    self.i = close;
                    (a, b)
                }
                _ => return Some(atom),
            };
            self.i += 1;
            if matches!(self.peek(), Some('?' | '+')) {
                return None; // lazy / possessive
            }
            if matches!(atom, Node::Start | Node::End) {
                return None;
            }
            Some(Node::Repeat(Box::new(atom), min, max))
        }
    }

    struct M<'a> {
        s: &'a [char],
        steps: Cell<usize>,
    }

    const MAX_STEPS: usize = 200_000;

    impl M<'_> {
        fn tick(&self) -> bool {
            self.steps.set(self.steps.get() + 1);
            self.steps.get() < MAX_STEPS
        }
        fn seq(&self, seq: &[Node], pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
            if !self.tick() {
                return false;
            }
            let Some((first, rest)) = seq.split_first() else {
                return k(pos);
            };
            match first {
                Node::Repeat(inner, min, max) => self.repeat(inner, *min, *max, 0, pos, rest, k),
                _ => self.one(first, pos, &mut |p| self.seq(rest, p, k)),
            }
        }
        #[allow(clippy::too_many_arguments)]
        fn repeat(
            &self,
            inner: &Node,
            min: usize,
            max: usize,
            count: usize,
            pos: usize,
            rest: &[Node],
            k: &mut dyn FnMut(usize) -> bool,
        ) -> bool {
            if !self.tick() {
                return false;
            }
            if count < max
                && self.one(inner, pos, &mut |p| {
                    (p != pos || count < min) && self.repeat(inner, min, max, count + 1, p, rest, k)
                })
            {
                return true;
            }
            count >= min && self.seq(rest, pos, k)
        }
        fn one(&self, n: &Node, pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
            let c = self.s.get(pos).copied();
            match n {
                Node::Ch(x) => c == Some(*x) && k(pos + 1),
                Node::Any => c.is_some_and(|c| c != '\n') && k(pos + 1),
                Node::Class(neg, items) => {
                    c.is_some_and(|c| items.iter().any(|it| item_matches(it, c)) != *neg)
                        && k(pos + 1)
                }
                Node::Start => pos == 0 && k(pos),
                Node::End => pos == self.s.len() && k(pos),
                Node::Group(alts) => alts.iter().any(|seq| self.seq(seq, pos, k)),
                Node::Repeat(inner, min, max) => self.repeat(inner, *min, *max, 0, pos, &[], k),
            }
        }
    }

    /// Some(true/false) if `pattern` is in the supported subset, None otherwise (or if the
    /// match is too expensive to decide).
    pub fn is_match(pattern: &str, s: &str) -> Option<bool> {
        let p: Vec<char> = pattern.chars().collect();
        let mut parser = Parser { p: &p, i: 0 };
        let alts = parser.alt()?;
        if parser.i != p.len() {
            return None;
        }
        let root = [Node::Group(alts)];
        let chars: Vec<char> = s.chars().collect();
        let m = M {
            s: &chars,
            steps: Cell::new(0),
        };
        for start in 0..=chars.len() {
            if m.seq(&root, start, &mut |_| true) {
                return Some(true);
            }
            if m.steps.get() >= MAX_STEPS {
                return None;
            }
        }
        Some(false)
    }

    #[cfg(test)]
    mod tests {
        use super::is_match;

        #[test]
        fn subset() {
            let ws = "^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$";
            assert_eq!(is_match(ws, "mlw-prod_01"), Some(true));
            assert_eq!(is_match(ws, "ml"), Some(false));
            assert_eq!(is_match(ws, "-mlw"), Some(false));
            assert_eq!(is_match(ws, "mlw.prod"), Some(false));
            assert_eq!(is_match("^[A-Za-z0-9-_]+$", "a-b_c"), Some(true));
            assert_eq!(is_match("^[A-Za-z0-9-_]+$", "a.b"), Some(false));
            assert_eq!(is_match("[a-zA-Z0-9_]", "--a--"), Some(true));
            assert_eq!(is_match("\\d+[bBkKmMgG]", "size 10G"), Some(true));
            assert_eq!(
                is_match(
                    "(^[a-zA-Z0-9]+[a-zA-Z0-9_.-]*[a-zA-Z0-9_]+$)|(^[a-zA-Z0-9]$)",
                    "a"
                ),
                Some(true)
            );
            assert_eq!(
                is_match(
                    "(^[a-zA-Z0-9]+[a-zA-Z0-9_.-]*[a-zA-Z0-9_]+$)|(^[a-zA-Z0-9]$)",
                    "a."
                ),
                Some(false)
            );
            let ip = "^([0-9]{1,3}\\.){3}[0-9]{1,3}(\\/([0-9]|[1-2][0-9]|3[0-2]))?$";
            assert_eq!(is_match(ip, "10.0.0.0/16"), Some(true));
            assert_eq!(is_match(ip, "10.0.0/16"), Some(false));
            assert_eq!(is_match("^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$", "QUJD"), Some(true));
            assert_eq!(is_match("^[^_\\W][\\w-._]{0,79}(?<![-.])$", "x"), None);
            assert_eq!(
                is_match(
                    "^[a-zA-Z](?![a-zA-Z0-9-]*-\\d+$)[a-zA-Z0-9\\-]{2,23}$",
                    "cpu"
                ),
                None
            );
            assert_eq!(
                is_match(
                    "^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$",
                    "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
                ),
                Some(true)
            );
        }
    }
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn string_literals_are_decoded() {
        let src = "var a = 'it\\'s \\$x \\u{41}'\nvar b = '''\nline\n'''\nvar c = 'x${y}'\n";
        let tree = parse(src).unwrap();
        let s = Src::new(src);
        let strings: Vec<Option<String>> = {
            let mut out = Vec::new();
            let mut stack = vec![tree.root_node()];
            while let Some(n) = stack.pop() {
                if n.kind() == "string" {
                    out.push(string_literal(&s, &n));
                    continue;
                }
                let mut kids = all_children(&n);
                kids.reverse();
                stack.extend(kids);
            }
            out
        };
        assert_eq!(
            strings,
            vec![
                Some("it's $x A".to_string()),
                Some("line\n".to_string()),
                None
            ]
        );
    }

    #[test]
    fn syntax_errors_have_line_and_column() {
        let f = syntax_check(
            "t.bicep",
            "param a string\nresource r 'A/b@1' = {\n  name = 'x'\n}\n",
        );
        assert!(!f.is_empty());
        assert!(f.iter().all(|f| f.code == codes::SYNTAX_ERROR));
        assert_eq!((f[0].line, f[0].col), (3, 3), "{f:?}");
        assert!(syntax_check("t.bicep", "param a string = 'x'\n").is_empty());
    }

    #[test]
    fn disable_next_line_is_parsed() {
        let s = suppressions("a\n  #disable-next-line BCP037 unknown-property // why\nb\n");
        assert_eq!(
            s.get(&3).map(Vec::as_slice),
            Some(&["BCP037".to_string(), "unknown-property".to_string()][..])
        );
    }

    #[test]
    fn suggestions() {
        assert_eq!(
            suggest("outboundRule", ["isolationMode", "outboundRules"]),
            Some("outboundRules")
        );
        assert_eq!(suggest("zzz", ["isolationMode", "outboundRules"]), None);
    }
}

//! The one place that names a YAML crate (serde-saphyr, on granit-parser). Every YAML input is
//! parsed once into a [`Value`] and, from the same parse, a [`SourceMap`] of value paths to line
//! and column; typed data is then read from the `Value`.
//!
//! Why a `Value` of our own and not the crate's typed deserializer: a blueprint goes through a
//! tree anyway (`--set` edits it before it is typed), and the tree must read the same way that
//! serde_yaml's `Value` did, so that no blueprint changes meaning with the parser:
//! - YAML 1.2 core scalars only: `yes`/`no`/`on`/`off`/`y`/`n` stay strings (`strict_booleans`),
//!   `0755` and `1_000` stay strings (serde_yaml read them so; PyYAML would read octal 493 and
//!   1000, so a number there would silently mean something else to someone), `0o17`/`0x1F`/`0b1`
//!   are integers;
//! - a null (`key:`) reads as an empty mapping or list where one is expected;
//! - a struct is read only from a mapping (serde_json's `Value` would fill one from a list), an
//!   enum only from a string;
//! - `<<` is an ordinary key (serde_yaml merged nothing); custom tags (`!foo`) are refused, not
//!   ignored; duplicate keys are refused with the position of the second.
//!
//! Where it differs from serde_yaml, it refuses what serde_yaml let through: `.inf`/`.nan` and
//! `1e400` (serde_yaml: an infinite float, and the text "1e400") are refused as not finite; a
//! custom tag is refused. Integers past 64 bits arrive as floats (serde_yaml refused them), which
//! every integer and text field refuses all the same.
//!
//! Limits: nesting deeper than [`MAX_DEPTH`], and alias expansion past [`MAX_ALIAS_EVENTS`]
//! events, are refused while parsing (billion laughs stays bounded).

use crate::blueprint::source_map::SourceMap;
use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_saphyr::{MessageFormatter, Spanned};
use std::fmt;

/// The deepest nesting of mappings and lists accepted. A blueprint nests about six levels
/// (`workspace.managed_network.outbound_rules[0].destination.port_ranges`); ARM and NSG JSON
/// about ten.
pub const MAX_DEPTH: usize = 64;

/// Events (values, starts and ends of lists and mappings) replayed from aliases in one
/// document. A blueprint uses none; a hand-written file a few. A billion-laughs document stops
/// here instead of expanding to 10^9 strings.
pub const MAX_ALIAS_EVENTS: usize = 10_000;

/// A YAML value, read with serde_yaml 0.9's (YAML 1.2 core) rules; see the module docs.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Sequence(Vec<Value>),
    Mapping(Mapping),
}

/// An integer (kept exact) or a finite float.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    PosInt(u64),
    NegInt(i64),
    Float(f64),
}

/// Keys in document order. Lookups are linear: mappings here have tens of keys at most.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mapping(Vec<(Value, Value)>);

impl Number {
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Number::PosInt(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Number::PosInt(n) => i64::try_from(n).ok(),
            Number::NegInt(n) => Some(n),
            Number::Float(_) => None,
        }
    }

    fn unexpected(&self) -> de::Unexpected<'static> {
        match *self {
            Number::PosInt(n) => de::Unexpected::Unsigned(n),
            Number::NegInt(n) => de::Unexpected::Signed(n),
            Number::Float(f) => de::Unexpected::Float(f),
        }
    }
}

impl Mapping {
    pub fn new() -> Mapping {
        Mapping::default()
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0
            .iter_mut()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// Removes `key` (a `null` in a `--values` overlay).
    pub fn remove(&mut self, key: &str) {
        self.0.retain(|(k, _)| k.as_str() != Some(key));
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`, keeping its place when it exists, appending it otherwise.
    pub fn insert(&mut self, key: &str, value: Value) {
        match self.get_mut(key) {
            Some(v) => *v = value,
            None => self.0.push((Value::String(key.to_string()), value)),
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &Value> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Value> {
        self.0.iter_mut().map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Value, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Value {
    /// The value of `key` when this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_mapping()?.get(key)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_mapping(&self) -> Option<&Mapping> {
        match self {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_mapping_mut(&mut self) -> Option<&mut Mapping> {
        match self {
            Value::Mapping(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_sequence(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Sequence(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_sequence_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Sequence(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_mapping(&self) -> bool {
        matches!(self, Value::Mapping(_))
    }

    pub fn is_sequence(&self) -> bool {
        matches!(self, Value::Sequence(_))
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    /// The text of a scalar as a path segment or in a message: strings as they are, other
    /// scalars as YAML writes them.
    pub fn key_text(&self) -> String {
        match self {
            Value::String(s) => s.clone(),
            other => to_string(other).unwrap_or_default().trim().to_string(),
        }
    }

    fn unexpected(&self) -> de::Unexpected<'_> {
        match self {
            Value::Null => de::Unexpected::Unit,
            Value::Bool(b) => de::Unexpected::Bool(*b),
            Value::Number(n) => n.unexpected(),
            Value::String(s) => de::Unexpected::Str(s),
            Value::Sequence(_) => de::Unexpected::Seq,
            Value::Mapping(_) => de::Unexpected::Map,
        }
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Number {
        if n < 0 {
            Number::NegInt(n)
        } else {
            Number::PosInt(n as u64)
        }
    }
}

impl FromIterator<(Value, Value)> for Mapping {
    fn from_iter<I: IntoIterator<Item = (Value, Value)>>(iter: I) -> Mapping {
        Mapping(iter.into_iter().collect())
    }
}

impl<'a> IntoIterator for &'a Mapping {
    type Item = (&'a Value, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Value, Value)>,
        fn(&'a (Value, Value)) -> (&'a Value, &'a Value),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

/// `doc["a"]`: the value of key `a`, or null.
impl std::ops::Index<&str> for Value {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

/// `doc["a"] = v`: a null becomes a mapping, a missing key is added.
impl std::ops::IndexMut<&str> for Value {
    fn index_mut(&mut self, key: &str) -> &mut Value {
        if self.is_null() {
            *self = Value::Mapping(Mapping::new());
        }
        let m = self
            .as_mapping_mut()
            .unwrap_or_else(|| panic!("cannot index a non-mapping with `{key}`"));
        if !m.contains_key(key) {
            m.insert(key, Value::Null);
        }
        m.get_mut(key).expect("inserted")
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

/// Why a text is not a YAML value amlgen reads; `line`/`column` are 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    /// What is wrong, without the position.
    pub message: String,
    pub position: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Syntax, a duplicate key, an unknown anchor or tag, a value that is not finite.
    Invalid,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Past another parse budget (alias expansion, node or event count).
    TooLarge,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some((l, c)) = self.position {
            write!(f, " at line {l} column {c}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// A parsed document: its value and where each value path is in the text.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub value: Value,
    pub map: SourceMap,
}

fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            // The scanner counts `[`/`{` ahead of the parser; the same limit there.
            flow_nesting_limit: MAX_DEPTH,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_ALIAS_EVENTS,
        },
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        reject_unsupported_tags: true,
        merge_keys: serde_saphyr::MergeKeyPolicy::AsOrdinary,
        with_snippet: false,
    }
}

/// Parses one YAML document (JSON is YAML) into its value and source map.
pub fn parse(text: &str) -> Result<Document, Error> {
    let node: Spanned<Node> =
        serde_saphyr::from_str_with_options(text, options()).map_err(convert_error)?;
    let mut map = SourceMap::default();
    let mut path = String::new();
    let value = into_value(node, &mut path, &mut map);
    Ok(Document { value, map })
}

/// Parses a YAML value, without the source map: the same rules as [`parse`], about twice as
/// fast (no positions are kept; the embedded catalog is read this way).
pub fn from_str_value(text: &str) -> Result<Value, Error> {
    serde_saphyr::from_str_with_options(text, options()).map_err(convert_error)
}

/// Reads typed data from YAML text, with the same rules as [`parse`].
pub fn from_str<T: de::DeserializeOwned>(text: &str) -> Result<T, Error> {
    T::deserialize(from_str_value(text)?).map_err(|e| Error {
        kind: ErrorKind::Invalid,
        message: e.to_string(),
        position: None,
    })
}

/// Reads typed data from a value (for `--set` edited documents).
pub fn from_value<T: de::DeserializeOwned>(value: Value) -> Result<T, DeError> {
    T::deserialize(value)
}

/// Writes YAML. Strings that a YAML 1.1 reader (PyYAML, hence `az ml`) would take for a
/// boolean, number, null or date are quoted; long strings stay on one line.
pub fn to_string<T: Serialize>(value: &T) -> Result<String, String> {
    let options = serde_saphyr::ser_options! {
        prefer_block_scalars: false,
    };
    serde_saphyr::to_string_with_options(value, options).map_err(|e| e.to_string())
}

fn convert_error(e: serde_saphyr::Error) -> Error {
    let inner = e.without_snippet();
    let position = inner
        .location()
        .filter(|l| l.line() > 0)
        .map(|l| (l.line() as usize, l.column() as usize));
    // The message may quote the input: no control characters reach a terminal.
    let text: String = serde_saphyr::UserMessageFormatter
        .format_message(inner)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let (kind, message) = match inner {
        serde_saphyr::Error::Budget {
            breach: serde_saphyr::budget::BudgetBreach::Depth { .. },
            ..
        } => (
            ErrorKind::TooDeep,
            format!("nesting deeper than {MAX_DEPTH} levels"),
        ),
        serde_saphyr::Error::Budget { .. } => (ErrorKind::TooLarge, text),
        // The scanner's nesting limit and alias replay past its limit come as plain messages.
        _ if text.contains("recursion limit") => (
            ErrorKind::TooDeep,
            format!("nesting deeper than {MAX_DEPTH} levels"),
        ),
        _ if text.contains("replay") => (
            ErrorKind::TooLarge,
            format!("aliases expand to more than {MAX_ALIAS_EVENTS} values"),
        ),
        _ => (ErrorKind::Invalid, text),
    };
    Error {
        kind,
        message,
        position,
    }
}

/// The parse tree: every node with its position. Consumed into a [`Value`] and a [`SourceMap`].
enum Node {
    Scalar(Value),
    Sequence(Vec<Spanned<Node>>),
    Mapping(Vec<(Spanned<Node>, Spanned<Node>)>),
}

fn position(s: &serde_saphyr::Location) -> (usize, usize) {
    (s.line() as usize, s.column() as usize)
}

/// The value of `node` at `path`, its positions recorded in `map`; `path` is restored before
/// returning.
fn into_value(node: Spanned<Node>, path: &mut String, map: &mut SourceMap) -> Value {
    map.insert_value(path, position(&node.referenced));
    match node.value {
        Node::Scalar(v) => v,
        Node::Sequence(items) => {
            let len = path.len();
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                use std::fmt::Write;
                let _ = write!(path, "[{i}]");
                out.push(into_value(item, path, map));
                path.truncate(len);
            }
            Value::Sequence(out)
        }
        Node::Mapping(entries) => {
            let len = path.len();
            let mut out = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let at = position(&k.referenced);
                // Keys get no path of their own; a composite key has none to give.
                let key = k.value.into_plain();
                if len > 0 {
                    path.push('.');
                }
                path.push_str(&key.key_text());
                map.insert_key(path, at);
                let value = into_value(v, path, map);
                path.truncate(len);
                out.push((key, value));
            }
            Value::Mapping(Mapping(out))
        }
    }
}

impl Node {
    /// The value without positions (for mapping keys).
    fn into_plain(self) -> Value {
        match self {
            Node::Scalar(v) => v,
            Node::Sequence(items) => {
                Value::Sequence(items.into_iter().map(|i| i.value.into_plain()).collect())
            }
            Node::Mapping(entries) => Value::Mapping(Mapping(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.value.into_plain(), v.value.into_plain()))
                    .collect(),
            )),
        }
    }
}

/// A tree read from YAML: [`Value`] (no positions) or [`Node`] (a position on every node). One
/// visitor builds both, so both read scalars the same way.
trait Tree: Sized {
    type Child: de::DeserializeOwned;
    fn scalar(v: Value) -> Self;
    fn sequence(items: Vec<Self::Child>) -> Self;
    fn mapping(entries: Vec<(Self::Child, Self::Child)>) -> Self;
}

impl Tree for Value {
    type Child = Value;
    fn scalar(v: Value) -> Value {
        v
    }
    fn sequence(items: Vec<Value>) -> Value {
        Value::Sequence(items)
    }
    fn mapping(entries: Vec<(Value, Value)>) -> Value {
        Value::Mapping(Mapping(entries))
    }
}

impl Tree for Node {
    type Child = Spanned<Node>;
    fn scalar(v: Value) -> Node {
        Node::Scalar(v)
    }
    fn sequence(items: Vec<Spanned<Node>>) -> Node {
        Node::Sequence(items)
    }
    fn mapping(entries: Vec<(Spanned<Node>, Spanned<Node>)>) -> Node {
        Node::Mapping(entries)
    }
}

struct TreeVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Tree> Visitor<'de> for TreeVisitor<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(T::scalar(Value::Null))
    }
    fn visit_none<E>(self) -> Result<T, E> {
        Ok(T::scalar(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, v: bool) -> Result<T, E> {
        Ok(T::scalar(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<T, E> {
        Ok(T::scalar(Value::Number(v.into())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<T, E> {
        Ok(T::scalar(Value::Number(Number::PosInt(v))))
    }
    // serde_yaml refused integers past 64 bits too (the parser hands most of them over as floats).
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<T, E> {
        match i64::try_from(v) {
            Ok(n) => self.visit_i64(n),
            Err(_) => Err(E::custom(format!("integer `{v}` is out of range"))),
        }
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<T, E> {
        match u64::try_from(v) {
            Ok(n) => self.visit_u64(n),
            Err(_) => Err(E::custom(format!("integer `{v}` is out of range"))),
        }
    }
    fn visit_f64<E>(self, v: f64) -> Result<T, E> {
        Ok(T::scalar(Value::Number(Number::Float(v))))
    }
    fn visit_str<E>(self, v: &str) -> Result<T, E> {
        Ok(T::scalar(Value::String(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<T, E> {
        Ok(T::scalar(Value::String(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<T, A::Error> {
        let mut items = Vec::new();
        while let Some(x) = a.next_element()? {
            items.push(x);
        }
        Ok(T::sequence(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<T, A::Error> {
        let mut entries = Vec::new();
        while let Some(k) = a.next_key()? {
            let v = a.next_value()?;
            entries.push((k, v));
        }
        Ok(T::mapping(entries))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(TreeVisitor(std::marker::PhantomData))
    }
}

/// The error of reading typed data from a [`Value`]: serde's message (the position comes from
/// the source map, by path).
pub type DeError = de::value::Error;

fn invalid_type(v: &Value, exp: &dyn de::Expected) -> DeError {
    de::Error::invalid_type(v.unexpected(), exp)
}

fn visit_sequence<'de, V: Visitor<'de>>(
    items: Vec<Value>,
    visitor: V,
) -> Result<V::Value, DeError> {
    let mut de = de::value::SeqDeserializer::new(items.into_iter());
    let v = visitor.visit_seq(&mut de)?;
    de.end()?;
    Ok(v)
}

fn visit_mapping<'de, V: Visitor<'de>>(m: Mapping, visitor: V) -> Result<V::Value, DeError> {
    let mut de = de::value::MapDeserializer::new(m.0.into_iter());
    let v = visitor.visit_map(&mut de)?;
    de.end()?;
    Ok(v)
}

impl<'de> IntoDeserializer<'de, DeError> for Value {
    type Deserializer = Value;
    fn into_deserializer(self) -> Value {
        self
    }
}

/// Mirrors serde_yaml 0.9's `Value` deserializer, so typed reading accepts and refuses what it
/// did, with the same messages.
impl<'de> Deserializer<'de> for Value {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Number(Number::PosInt(n)) => visitor.visit_u64(n),
            Value::Number(Number::NegInt(n)) => visitor.visit_i64(n),
            Value::Number(Number::Float(f)) => visitor.visit_f64(f),
            Value::String(s) => visitor.visit_string(s),
            Value::Sequence(s) => visit_sequence(s, visitor),
            Value::Mapping(m) => visit_mapping(m, visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            Value::Bool(b) => visitor.visit_bool(b),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            Value::String(s) => visitor.visit_string(s),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            Value::String(s) => visitor.visit_string(s),
            Value::Sequence(s) => visit_sequence(s, visitor),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            Value::Null => visitor.visit_unit(),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    /// A null (`key:` with nothing after it) is an empty list.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            Value::Sequence(s) => visit_sequence(s, visitor),
            Value::Null => visit_sequence(Vec::new(), visitor),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    /// A null is an empty mapping.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            Value::Mapping(m) => visit_mapping(m, visitor),
            Value::Null => visit_mapping(Mapping::new(), visitor),
            other => Err(invalid_type(&other, &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }

    /// Unit variants only, from a string (serde_yaml read data-carrying variants from tags,
    /// which amlgen refuses).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self {
            Value::String(s) => visitor.visit_enum(s.into_deserializer()),
            other => Err(de::Error::invalid_type(other.unexpected(), &"a string")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64
    }
}

/// A `Value` inside typed data (catalog facts whose shape varies), or a whole document read
/// without positions.
impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(TreeVisitor(std::marker::PhantomData))
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(Number::PosInt(n)) => s.serialize_u64(*n),
            Value::Number(Number::NegInt(n)) => s.serialize_i64(*n),
            Value::Number(Number::Float(f)) => s.serialize_f64(*f),
            Value::String(v) => s.serialize_str(v),
            Value::Sequence(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Value::Mapping(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m.iter() {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// Any serializable data as a [`Value`] (tests build blueprints this way). Through JSON, so
/// mapping keys must be strings.
pub fn to_value<T: Serialize>(value: T) -> Result<Value, String> {
    let json = serde_json::to_value(value).map_err(|e| e.to_string())?;
    Value::deserialize(json).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Value {
        from_str_value(text).unwrap().get("v").cloned().unwrap()
    }

    #[test]
    fn scalars_read_as_serde_yaml_did() {
        // YAML 1.1 booleans are strings: a tag value `no` stays "no".
        for s in ["no", "yes", "on", "off", "y", "n", "No", "NO", "tRue"] {
            assert_eq!(v(&format!("v: {s}\n")), Value::from(s), "{s}");
        }
        for (s, b) in [("true", true), ("True", true), ("FALSE", false)] {
            assert_eq!(v(&format!("v: {s}\n")), Value::Bool(b));
        }
        // Numbers PyYAML reads otherwise (octal 0755, 1_000) stay text, as in serde_yaml.
        for s in [
            "0755",
            "017",
            "1_000",
            "0xFF_FF",
            "0O17",
            "0X1F",
            "12:30",
            "2001-12-14",
        ] {
            assert_eq!(v(&format!("v: {s}\n")), Value::from(s), "{s}");
        }
        for (s, n) in [("0o17", 15), ("0x1F", 31), ("0b101", 5), ("+12", 12)] {
            assert_eq!(
                v(&format!("v: {s}\n")),
                Value::Number(Number::PosInt(n)),
                "{s}"
            );
        }
        assert_eq!(v("v: -3\n"), Value::Number(Number::NegInt(-3)));
        assert_eq!(v("v: 1.5\n"), Value::Number(Number::Float(1.5)));
        for s in ["null", "~", ""] {
            assert_eq!(v(&format!("v: {s}\n")), Value::Null, "{s}");
        }
        assert_eq!(v("v: !!str 12\n"), Value::from("12"));
        assert_eq!(v("v: \"no\"\n"), Value::from("no"));
        // With and without positions, the same values.
        let all = "a: [no, 0755, 0o17, -3, 1.5, ~, !!str 12, \"x\"]\nb: {c: true, 1: d}\n";
        assert_eq!(parse(all).unwrap().value, from_str_value(all).unwrap());
        // `<<` is a key like any other, as it was.
        assert!(from_str_value("v: {<<: {a: 1}}\n")
            .unwrap()
            .get("v")
            .unwrap()
            .get("<<")
            .is_some());
    }

    #[test]
    fn refusals_have_a_position() {
        let e = |t: &str| parse(t).unwrap_err();
        let dup = e("a: 1\nb:\n  c: 1\n  c: 2\n");
        assert_eq!(dup.kind, ErrorKind::Invalid);
        assert!(
            dup.message.contains("duplicate") && dup.message.contains('c'),
            "{dup}"
        );
        assert_eq!(dup.position, Some((4, 3)));
        let syntax = e("a: b: c\n");
        assert_eq!(syntax.position, Some((1, 5)));
        let tag = e("a: !custom x\n");
        assert!(tag.message.contains("!custom"), "{tag}");
        // Not finite: serde_yaml read `.inf` as a float no field takes, and `1e400` as text.
        for t in ["a: .inf\n", "a: .nan\n", "a: 1e400\n", "a: *nope\n"] {
            assert!(e(t).position.is_some(), "{t}: {}", e(t));
        }
        assert!(e("---\na: 1\n---\nb: 2\n").message.contains("multiple"));
    }

    #[test]
    fn depth_and_aliases_are_bounded() {
        let ok = format!("{}x{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        for text in [
            format!(
                "{}x{}",
                "[".repeat(MAX_DEPTH + 1),
                "]".repeat(MAX_DEPTH + 1)
            ),
            "[".repeat(100_000),
            "{a: ".repeat(100_000),
            format!("{}x", "- ".repeat(100_000)),
        ] {
            let start = std::time::Instant::now();
            let err = parse(&text).unwrap_err();
            assert_eq!(err.kind, ErrorKind::TooDeep, "{}: {err}", &text[..20]);
            assert!(err.position.is_some());
            assert!(start.elapsed() < std::time::Duration::from_secs(1));
        }
        // Billion laughs: nine levels of ten aliases each would be 10^9 strings.
        let mut lol = String::from("a0: &a0 [lol]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            lol.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let start = std::time::Instant::now();
        let err = parse(&lol).unwrap_err();
        assert_ne!(err.kind, ErrorKind::Invalid, "{err}");
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        // A few aliases are fine.
        let doc = from_str_value("a: &x [1, 2]\nb: *x\n").unwrap();
        assert_eq!(doc.get("a"), doc.get("b"));
    }

    #[test]
    fn positions_of_values_and_keys() {
        let text = "a:\n  b:\n    - x: 1\n      y: two\n    - x: 3\nc: [1, 2]\n";
        let m = parse(text).unwrap().map;
        assert_eq!(m.value("a.b[0].y"), Some((4, 10)));
        assert_eq!(m.key("a.b[0].y"), Some((4, 7)));
        assert_eq!(m.value("a.b[1].x"), Some((5, 10)));
        assert_eq!(m.value("c[1]"), Some((6, 8)));
        // A path that does not exist falls back to its nearest existing parent.
        assert_eq!(m.value("a.b[1].zzz"), m.value("a.b[1]"));
    }

    #[derive(Debug, serde::Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Rule {
        name: String,
        #[serde(default)]
        ports: Vec<u16>,
        #[serde(default)]
        tags: indexmap::IndexMap<String, String>,
    }

    #[test]
    fn typed_reading_accepts_and_refuses_as_serde_yaml_did() {
        let r: Rule = from_str("name: a\nports:\ntags:\n").unwrap();
        assert_eq!(r.ports, Vec::<u16>::new());
        let r: Rule = from_str("name: a\ntags: {env: no, n: 1.0.0}\n").unwrap();
        assert_eq!(r.tags["env"], "no");
        let err = |t: &str| from_str::<Rule>(t).unwrap_err().message;
        assert_eq!(
            err("name: a\nnmae: b\n"),
            "unknown field `nmae`, expected one of `name`, `ports`, `tags`"
        );
        assert_eq!(
            err("name: 12\n"),
            "invalid type: integer `12`, expected a string"
        );
        assert_eq!(
            err("name: a\nports: [70000]\n"),
            "invalid value: integer `70000`, expected u16"
        );
        assert_eq!(
            err("name: a\ntags: {env: yes, x: true}\n"),
            "invalid type: boolean `true`, expected a string"
        );
        // A struct is read from a mapping only (serde_json's Value would read it from a list).
        assert_eq!(err("[a]\n"), "invalid type: sequence, expected struct Rule");
        assert_eq!(
            err("name: a\ntags: {1: x}\n"),
            "invalid type: integer `1`, expected a string"
        );
    }

    #[test]
    fn writes_yaml_1_1_ambiguous_strings_quoted() {
        #[derive(serde::Serialize)]
        struct W<'a> {
            a: &'a str,
            b: &'a str,
            c: bool,
        }
        let text = to_string(&W {
            a: "no",
            b: "x: y",
            c: true,
        })
        .unwrap();
        assert_eq!(text, "a: \"no\"\nb: \"x: y\"\nc: true\n");
        let back = from_str_value(&text).unwrap();
        assert_eq!(back.get("a"), Some(&Value::from("no")));
    }
}

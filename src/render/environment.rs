//! The one minijinja environment: templates embedded at build time, strict undefined values,
//! block trimming, and escaping chosen by the output file's extension, so every `{{ value }}` in
//! a `.bicep` is a Bicep string literal, in a `.sh` a shell word, in a `.ps1` a PowerShell string.

use super::escape;
use minijinja::value::ValueKind;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, UndefinedBehavior, Value};

/// The environment, built once per process: templates are parsed on first use and kept.
pub fn shared() -> &'static Environment<'static> {
    static ENV: std::sync::OnceLock<Environment<'static>> = std::sync::OnceLock::new();
    ENV.get_or_init(build)
}

fn build() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_syntax(
        minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .expect("default delimiters are valid"),
    );
    env.set_auto_escape_callback(|name| match name.rsplit('.').next() {
        Some("bicep") => AutoEscape::Custom("bicep".into()),
        Some("sh") => AutoEscape::Custom("sh".into()),
        Some("ps1") => AutoEscape::Custom("ps1".into()),
        Some("md") => AutoEscape::Custom("md".into()),
        _ => AutoEscape::None,
    });
    env.set_formatter(|out, state, value| {
        if value.is_safe() || value.is_undefined() || value.is_none() {
            return minijinja::escape_formatter(out, state, value);
        }
        let quote: Option<fn(&str) -> String> = match state.auto_escape() {
            AutoEscape::Custom(kind) => match kind.as_ref() {
                "bicep" => Some(escape::bicep_string_literal),
                "sh" => Some(escape::shell_word),
                "ps1" => Some(escape::powershell_string),
                "md" => Some(escape::html_text),
                _ => None,
            },
            _ => None,
        };
        let Some(q) = quote else {
            return minijinja::escape_formatter(out, state, value);
        };
        match value.kind() {
            ValueKind::String => out.write_str(&q(value.as_str().unwrap_or_default()))?,
            // Numbers print the same in every target language; booleans lowercase (minijinja
            // prints Python's `True`, which Bicep reads as an undeclared name).
            ValueKind::Number => out.write_str(&value.to_string())?,
            ValueKind::Bool => out.write_str(if value.is_true() { "true" } else { "false" })?,
            other => {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("cannot print a {other} here; print its items"),
                ))
            }
        }
        Ok(())
    });
    env.add_filter("ident", ident);
    env.add_filter("comment", comment);
    env.add_filter("raw_in_quotes", raw_in_quotes);
    env.add_filter("option", option);
    env.add_filter("html_comment", html_comment);
    minijinja_embed::load_templates!(&mut env);
    env
}

/// `{{ name|ident }}`: prints an identifier (Bicep symbol, shell variable) unquoted, after
/// checking it is one, so an unquoted print can never carry anything else.
fn ident(value: String) -> Result<Value, Error> {
    let ok = value.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ok {
        Ok(Value::from_safe_string(value))
    } else {
        Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`{value}` is not an identifier"),
        ))
    }
}

/// `{{ text|comment }}`: text for a one-line comment; control characters (a line break would
/// end the comment and start code) become spaces.
fn comment(value: String) -> Value {
    Value::from_safe_string(
        value
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect(),
    )
}

/// `{{ name|option }}`: a command-line option (`--port-ranges`) printed bare, after checking it
/// is one: two dashes, then lowercase letters and dashes.
fn option(value: String) -> Result<Value, Error> {
    let ok = value.len() > 2
        && value.starts_with("--")
        && value[2..]
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '-');
    if ok {
        Ok(Value::from_safe_string(value))
    } else {
        Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`{value}` is not a command-line option"),
        ))
    }
}

/// `{{ text|html_comment }}`: text inside `<!-- ... -->` in Markdown, HTML-escaped so it cannot
/// end the comment early.
fn html_comment(value: String) -> Value {
    Value::from_safe_string(escape::html_comment_text(&value))
}

/// `{{ value|raw_in_quotes }}`: the inside of a double-quoted shell or a Bicep string, for values
/// amlgen validated to hold only `[A-Za-z0-9._:/-]` (names, regions, zone names). Anything else
/// is refused rather than printed.
fn raw_in_quotes(value: Value) -> Result<Value, Error> {
    let s = value.to_string();
    if s.chars().all(|c| {
        c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '/' | '-' | '*' | '<' | '>')
    }) {
        Ok(Value::from_safe_string(s))
    } else {
        Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("`{s}` is not safe to print unquoted"),
        ))
    }
}

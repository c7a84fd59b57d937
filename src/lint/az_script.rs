//! Lint of `az ml workspace outbound-rule` commands in shell scripts (and in Markdown code
//! blocks): commands that do not exist (`create`), options the command does not have
//! (`--rule-name`), options missing or refused for the rule type, and the rule values themselves
//! with the same checks as blueprint rules.

use crate::catalog::az_ml::{AzCommand, AzMl, AzOption};
use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;
use crate::rules::{fqdn, names::RuleNames, packages, private_endpoint, service_tag, Finding};

/// One shell word, unquoted, with where it starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub line: usize,
    pub column: usize,
    /// Holds a `$` expansion (outside single quotes): its value is not known here.
    pub expands: bool,
}

/// Whether the text reads as a shell script: a shebang, or a line that runs `az`.
pub fn looks_like_script(text: &str) -> bool {
    text.starts_with("#!")
        || text.lines().any(|l| {
            let t = l.trim_start();
            t.starts_with("az ") && !t.starts_with("az: ")
        })
}

pub fn lint(label: &str, text: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut fqdns: Vec<(String, Word)> = Vec::new();
    for cmd in commands(text) {
        let words: Vec<&Word> = cmd.iter().skip_while(|w| is_assignment(&w.text)).collect();
        if words.len() >= 5
            && words[0].text == "az"
            && words[1].text == "ml"
            && words[2].text == "workspace"
            && words[3].text == "outbound-rule"
        {
            outbound_rule(&words[4..], &mut out, &mut fqdns);
        }
    }
    // Checks that need every FQDN rule of the script.
    let suffixes = fqdn::storage_suffixes_all_clouds();
    let allowed = fqdn::allowed_destinations(fqdns.iter().map(|(d, _)| (d.as_str(), false)));
    let ctx = fqdn::FqdnContext {
        storage_suffixes: &suffixes,
        allowed: &allowed,
    };
    for (d, w) in &fqdns {
        let mut findings = fqdn::check_destination(d, false, &ctx);
        if findings.is_empty() {
            findings.extend(fqdn::check_ip_literal(d));
        }
        out.extend(
            findings
                .into_iter()
                .map(|f| at_word(fqdn::without_include_subdomains(f), "--destination", w)),
        );
    }
    let lower: Vec<String> = fqdns.iter().map(|(d, _)| d.to_ascii_lowercase()).collect();
    for (i, f) in packages::check_coverage(&lower) {
        out.push(at_word(f, "--destination", &fqdns[i].1));
    }
    out.into_iter().map(|d| d.at_file(label)).collect()
}

fn at_word(f: Finding, option: &str, w: &Word) -> Diagnostic {
    f.into_diagnostic()
        .at_path(option.to_string())
        .at_line(w.line, w.column)
}

fn error_at(code: Code, message: String, option: &str, w: &Word, help: String) -> Diagnostic {
    Diagnostic::error(code, message)
        .at_path(option.to_string())
        .at_line(w.line, w.column)
        .with_value(w.text.clone())
        .with_help(help)
}

/// `words` starts at the sub-command (`set`, `list`, ...).
fn outbound_rule(words: &[&Word], out: &mut Vec<Diagnostic>, fqdns: &mut Vec<(String, Word)>) {
    let az = AzMl::get();
    let group = &az.outbound_rule.group;
    let sub = words[0];
    let known: Vec<&str> = az
        .outbound_rule
        .commands
        .keys()
        .map(String::as_str)
        .collect();
    let (name, cmd) = match az.outbound_rule.commands.get_key_value(&sub.text) {
        Some((n, c)) => (n.as_str(), c),
        None => {
            let meant = if matches!(sub.text.as_str(), "create" | "update" | "add") {
                Some("set")
            } else {
                crate::suggest::did_you_mean(&sub.text, known.iter().copied())
            };
            out.push(error_at(
                Code::UnknownAzCommand,
                format!("`az {group} {}` does not exist", sub.text),
                &format!("az {group}"),
                sub,
                format!(
                    "{}the group has {}; `set` creates a rule or replaces the one with the same name",
                    meant.map(|m| format!("use `{m}`: ")).unwrap_or_default(),
                    known.join(", ")
                ),
            ));
            match meant.and_then(|m| az.outbound_rule.commands.get_key_value(m)) {
                Some((n, c)) => (n.as_str(), c),
                None => return,
            }
        }
    };
    let args = parse_args(
        &words[1..],
        cmd,
        &az.global_options,
        &format!("az {group} {name}"),
        out,
    );
    let full = format!("az {group} {name}");
    for o in &cmd.options {
        let canonical = &o.names[0];
        if o.required && !args.has(canonical) {
            out.push(error_at(
                Code::AzOptionForRuleType,
                format!("`{full}` needs {canonical}"),
                &full,
                sub,
                format!("add {canonical} ({})", o.names.join(", ")),
            ));
        }
    }
    let Some(type_word) = args.value("--type") else {
        return;
    };
    if type_word.expands {
        return;
    }
    let Some(case) = cmd.by_type.get(&type_word.text) else {
        return; // reported as a value outside --type's values
    };
    for req in &case.requires {
        if !args.has(req) {
            out.push(error_at(
                Code::AzOptionForRuleType,
                format!("`--type {}` needs {req}", type_word.text),
                "--type",
                type_word,
                format!(
                    "a {} rule is set with {}",
                    type_word.text,
                    case.requires.join(", ")
                ),
            ));
        }
    }
    for (opt, w) in &args.given {
        if case.forbids.contains(opt) {
            out.push(error_at(
                Code::AzOptionForRuleType,
                format!("{opt} does not go with `--type {}`", type_word.text),
                opt,
                w,
                format!(
                    "the command refuses it; a {} rule is set with {}",
                    type_word.text,
                    case.requires.join(", ")
                ),
            ));
        }
    }
    let literal = |o: &str| args.value(o).filter(|w| !w.expands);
    if let Some(w) = literal("--rule") {
        let findings = RuleNames::new().check(&w.text, 0, None);
        out.extend(findings.into_iter().map(|f| at_word(f, "--rule", w)));
    }
    match type_word.text.as_str() {
        "fqdn" => {
            if let Some(w) = literal("--destination") {
                fqdns.push((w.text.clone(), w.clone()));
            }
        }
        "service_tag" => {
            if let (Some(t), Some(p), Some(r)) = (
                literal("--service-tag"),
                literal("--protocol"),
                literal("--port-ranges"),
            ) {
                for f in service_tag::check(&t.text, &p.text, &r.text) {
                    let (opt, w) = match f.field {
                        "destination.protocol" => ("--protocol", p),
                        "destination.port_ranges" => ("--port-ranges", r),
                        _ => ("--service-tag", t),
                    };
                    out.push(at_word(f, opt, w));
                }
            }
        }
        "private_endpoint" => {
            if let (Some(id), Some(s)) = (
                literal("--service-resource-id"),
                literal("--subresource-target"),
            ) {
                if let Some(p) = super::placeholder(&id.text) {
                    out.push(error_at(
                        Code::PlaceholderLeft,
                        format!("placeholder `{p}` left in the value"),
                        "--service-resource-id",
                        id,
                        "replace it with the real resource ID (`az resource show ... --query id -o tsv`)".into(),
                    ));
                }
                for f in private_endpoint::check_target(&id.text, &s.text).0 {
                    let (opt, w) = if f.field == "destination.subresource_target" {
                        ("--subresource-target", s)
                    } else {
                        ("--service-resource-id", id)
                    };
                    out.push(at_word(f, opt, w));
                }
            }
        }
        _ => {}
    }
}

/// Options given to one command, by canonical name, each with its value (or the option word
/// itself for a flag or a missing value).
struct Args {
    given: Vec<(String, Word)>,
}

impl Args {
    fn has(&self, canonical: &str) -> bool {
        self.given.iter().any(|(n, _)| n == canonical)
    }
    fn value(&self, canonical: &str) -> Option<&Word> {
        self.given
            .iter()
            .find(|(n, _)| n == canonical)
            .map(|(_, w)| w)
    }
}

/// Resolves each option as argparse does (exact name, or a unique prefix of a long name) and
/// reports the ones the command does not have. An unknown option that is a near miss counts as
/// the option it resembles, so one typo gives one diagnostic.
fn parse_args(
    words: &[&Word],
    cmd: &AzCommand,
    global: &[AzOption],
    full: &str,
    out: &mut Vec<Diagnostic>,
) -> Args {
    let all: Vec<&AzOption> = cmd.options.iter().chain(global).collect();
    let names: Vec<&str> = all
        .iter()
        .flat_map(|o| o.names.iter().map(String::as_str))
        .collect();
    let mut given = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        i += 1;
        if !w.text.starts_with('-') || w.text == "-" {
            out.push(error_at(
                Code::UnknownAzOption,
                format!("`{full}` takes no argument `{}` here", w.text),
                full,
                w,
                "az stops with \"unrecognized arguments\"; every value follows its option (--rule NAME)".into(),
            ));
            continue;
        }
        let (opt, inline) = match w.text.split_once('=') {
            Some((o, v)) => (o.to_string(), Some(v.to_string())),
            None => (w.text.clone(), None),
        };
        let resolved = cmd.option(global, &opt).or_else(|| {
            let matches: Vec<&&AzOption> = all
                .iter()
                .filter(|o| opt.starts_with("--") && o.names[0].starts_with(&opt))
                .collect();
            (matches.len() == 1).then(|| *matches[0])
        });
        let takes_value = resolved.is_none_or(|o| !o.flag);
        let value_word: Option<Word> = match inline {
            // `--opt=value`: the value is checked as if written `--opt value`, at its column.
            Some(v) => Some(Word {
                column: w.column + opt.chars().count() + 1,
                line: w.line,
                expands: w.expands,
                text: v,
            }),
            None if !takes_value => None,
            None if i < words.len() && !words[i].text.starts_with("--") => {
                i += 1;
                Some(words[i - 1].clone())
            }
            None => None,
        };
        match resolved {
            Some(o) => {
                let canonical = o.names[0].clone();
                if let Some(v) = value_word {
                    if !o.values.is_empty() && !v.expands && !o.values.iter().any(|a| a == &v.text)
                    {
                        out.push(error_at(
                            Code::InvalidValue,
                            format!("`{}` is not an allowed value of {canonical}", v.text),
                            &canonical,
                            &v,
                            format!("allowed values: {}", o.values.join(", ")),
                        ));
                    }
                    given.push((canonical, v));
                } else {
                    given.push((canonical, w.clone()));
                }
            }
            None => {
                let meant = crate::suggest::did_you_mean(&opt, names.iter().copied());
                out.push(error_at(
                    Code::UnknownAzOption,
                    format!("`{full}` has no option {opt}"),
                    full,
                    w,
                    format!(
                        "{}az stops with \"unrecognized arguments\"; the options are {}",
                        meant
                            .map(|m| format!("did you mean {m}? "))
                            .unwrap_or_default(),
                        cmd.options
                            .iter()
                            .map(|o| o.names[0].as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
                if let Some(m) =
                    meant.and_then(|m| all.iter().find(|o| o.names.iter().any(|n| n == m)))
                {
                    given.push((m.names[0].clone(), value_word.unwrap_or_else(|| w.clone())));
                }
            }
        }
    }
    Args { given }
}

fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit())
    })
}

/// Splits a script into simple commands (separated by newlines, `;`, `&&`, `||`, `|`, `&`),
/// each a list of words with quotes removed. Line continuations join lines; comments are
/// dropped; the body of a here-document (`cat <<EOF ... EOF`) is data, not commands, and is
/// skipped. Enough of the shell for `az` command lines; not a full parser.
pub fn commands(text: &str) -> Vec<Vec<Word>> {
    let chars: Vec<char> = text.chars().collect();
    // Here-documents opened on the current line: their bodies start after it.
    let mut heredocs: Vec<Heredoc> = Vec::new();
    let mut cmds = Vec::new();
    let mut cur: Vec<Word> = Vec::new();
    let mut word: Option<Word> = None;
    let (mut line, mut col) = (1usize, 1usize);
    let mut i = 0;
    let finish_word = |word: &mut Option<Word>, cur: &mut Vec<Word>| {
        if let Some(w) = word.take() {
            cur.push(w);
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let start = |word: &mut Option<Word>| {
            if word.is_none() {
                *word = Some(Word {
                    text: String::new(),
                    line,
                    column: col,
                    expands: false,
                });
            }
        };
        match c {
            '\\' if chars.get(i + 1) == Some(&'\n') => {
                i += 2;
                line += 1;
                col = 1;
                continue;
            }
            '\\' => {
                start(&mut word);
                if let Some(n) = chars.get(i + 1) {
                    word.as_mut().expect("started").text.push(*n);
                    i += 2;
                    col += 2;
                    continue;
                }
            }
            '#' if word.is_none() => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '\'' => {
                start(&mut word);
                i += 1;
                col += 1;
                while i < chars.len() && chars[i] != '\'' {
                    advance(chars[i], &mut line, &mut col);
                    word.as_mut().expect("started").text.push(chars[i]);
                    i += 1;
                }
            }
            '"' => {
                start(&mut word);
                i += 1;
                col += 1;
                while i < chars.len() && chars[i] != '"' {
                    let w = word.as_mut().expect("started");
                    if chars[i] == '\\' && matches!(chars.get(i + 1), Some('"' | '\\' | '$' | '`'))
                    {
                        w.text.push(chars[i + 1]);
                        i += 2;
                        col += 2;
                        continue;
                    }
                    if chars[i] == '$' || chars[i] == '`' {
                        w.expands = true;
                    }
                    advance(chars[i], &mut line, &mut col);
                    w.text.push(chars[i]);
                    i += 1;
                }
            }
            '<' => {
                if let Some(h) = heredoc_at(&chars, i) {
                    finish_word(&mut word, &mut cur);
                    col += h.end - i;
                    i = h.end;
                    heredocs.push(h);
                    continue;
                }
                start(&mut word);
                word.as_mut().expect("started").text.push(c);
            }
            '\n' if !heredocs.is_empty() => {
                finish_word(&mut word, &mut cur);
                if !cur.is_empty() {
                    cmds.push(std::mem::take(&mut cur));
                }
                i += 1;
                line += 1;
                col = 1;
                for h in heredocs.drain(..) {
                    skip_heredoc_body(&chars, &mut i, &mut line, &h);
                }
                continue;
            }
            ' ' | '\t' | '\r' => finish_word(&mut word, &mut cur),
            '\n' | ';' | '|' | '&' => {
                finish_word(&mut word, &mut cur);
                if !cur.is_empty() {
                    cmds.push(std::mem::take(&mut cur));
                }
            }
            _ => {
                start(&mut word);
                let w = word.as_mut().expect("started");
                if c == '$' || c == '`' {
                    w.expands = true;
                }
                w.text.push(c);
            }
        }
        if i < chars.len() {
            advance(chars[i], &mut line, &mut col);
        }
        i += 1;
    }
    finish_word(&mut word, &mut cur);
    if !cur.is_empty() {
        cmds.push(cur);
    }
    cmds
}

/// A here-document redirection (`<<WORD`, `<<-WORD`, `<<'WORD'`, `<<"WORD"`): its delimiter,
/// whether leading tabs are stripped, and where the redirection ends.
#[derive(Debug)]
struct Heredoc {
    delimiter: String,
    strip_tabs: bool,
    end: usize,
}

/// The here-document starting at `chars[i]` (the first `<`), if it is one. `<<<` (a
/// here-string) is not; neither is `<<` followed by a number (`$((1 << 2))`).
fn heredoc_at(chars: &[char], i: usize) -> Option<Heredoc> {
    if chars.get(i + 1) != Some(&'<') || chars.get(i + 2) == Some(&'<') {
        return None;
    }
    if i > 0 && chars[i - 1] == '<' {
        return None;
    }
    let mut j = i + 2;
    let strip_tabs = chars.get(j) == Some(&'-');
    if strip_tabs {
        j += 1;
    }
    while matches!(chars.get(j), Some(' ' | '\t')) {
        j += 1;
    }
    let first = *chars.get(j)?;
    if !(first.is_alphabetic() || matches!(first, '_' | '\'' | '"' | '\\')) {
        return None;
    }
    let mut delimiter = String::new();
    while let Some(&c) = chars.get(j) {
        match c {
            '\'' | '"' => {
                j += 1;
                while let Some(&q) = chars.get(j) {
                    j += 1;
                    if q == c {
                        break;
                    }
                    delimiter.push(q);
                }
            }
            '\\' => {
                if let Some(&n) = chars.get(j + 1) {
                    delimiter.push(n);
                }
                j += 2;
            }
            c if c.is_whitespace() || matches!(c, ';' | '|' | '&' | '<' | '>' | '(' | ')') => break,
            c => {
                delimiter.push(c);
                j += 1;
            }
        }
    }
    if delimiter.is_empty() || delimiter.contains('\n') {
        return None;
    }
    Some(Heredoc {
        delimiter,
        strip_tabs,
        end: j.min(chars.len()),
    })
}

/// Skips the body of a here-document, through its delimiter line; `i` is at the start of a line.
fn skip_heredoc_body(chars: &[char], i: &mut usize, line: &mut usize, h: &Heredoc) {
    while *i < chars.len() {
        let start = *i;
        while *i < chars.len() && chars[*i] != '\n' {
            *i += 1;
        }
        let body: String = chars[start..*i].iter().collect();
        if *i < chars.len() {
            *i += 1;
            *line += 1;
        }
        let body = if h.strip_tabs {
            body.trim_start_matches('\t')
        } else {
            body.as_str()
        };
        if body.trim_end_matches('\r') == h.delimiter {
            return;
        }
    }
}

fn advance(c: char, line: &mut usize, col: &mut usize) {
    if c == '\n' {
        *line += 1;
        *col = 1;
    } else {
        *col += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_commands() {
        let cmds = commands(
            "# comment\naz ml workspace outbound-rule set \\\n  --rule \"pypi\" --destination '*.pypi.org' -w \"$WS\"; echo done\n",
        );
        assert_eq!(cmds.len(), 2);
        let texts: Vec<&str> = cmds[0].iter().map(|w| w.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "az",
                "ml",
                "workspace",
                "outbound-rule",
                "set",
                "--rule",
                "pypi",
                "--destination",
                "*.pypi.org",
                "-w",
                "$WS"
            ]
        );
        let dest = &cmds[0][8];
        assert_eq!((dest.line, dest.column), (3, 31));
        assert!(cmds[0][10].expands && !dest.expands);
    }

    fn codes(script: &str) -> Vec<Code> {
        lint("s.sh", script).iter().map(|d| d.code).collect()
    }

    #[test]
    fn outbound_rule_commands() {
        assert!(codes("az ml workspace outbound-rule set -g rg -w ws --rule pypi --type fqdn --destination pypi.org\naz ml workspace outbound-rule set -g rg -w ws --rule files --type fqdn --destination files.pythonhosted.org\n").is_empty());
        assert_eq!(
            codes("az ml workspace outbound-rule create --workspace-name ws --resource-group rg --rule-name pypi --type fqdn --destination pypi.org --destination-x y\n"),
            [Code::UnknownAzCommand, Code::UnknownAzOption, Code::UnknownAzOption, Code::PipHostsIncomplete]
        );
        assert_eq!(
            codes("az ml workspace outbound-rule set -g rg -w ws --rule storage --type service_tag --destination x.org\n"),
            [Code::AzOptionForRuleType, Code::AzOptionForRuleType, Code::AzOptionForRuleType, Code::AzOptionForRuleType]
        );
        assert_eq!(
            codes("az ml workspace outbound-rule set -g rg -w ws --rule storage --type fqdn --destination \"*.blob.core.windows.net\"\n"),
            [Code::FqdnRuleToStorage, Code::WildcardMissesApex]
        );
        assert_eq!(
            codes("az ml workspace outbound-rule list -g rg --workspace ws --output table\n"),
            Vec::<&str>::new()
        );
    }
}

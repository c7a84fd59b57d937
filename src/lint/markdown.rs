//! Lint of the code blocks of a Markdown file: guides and wikis are where hand-written workspace
//! YAML, NSG JSON and `az` commands are copied from. Each fenced block that is one of those
//! kinds is checked on its own; positions point into the Markdown file.

use crate::diagnostic::Code;
use crate::diagnostic::Diagnostic;

/// One fenced code block: its info string, its text, and the line of its first text line.
#[derive(Debug, PartialEq, Eq)]
pub struct Block {
    pub info: String,
    pub text: String,
    pub first_line: usize,
}

/// Checks every block of a kind amlgen knows; None when there is none.
pub fn lint(label: &str, text: &str) -> Option<Vec<Diagnostic>> {
    let mut found = false;
    let mut out = Vec::new();
    for b in blocks(text) {
        let lang = b
            .info
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let diags = match lang.as_str() {
            "yaml" | "yml" => yaml_block(label, &b),
            "json" | "jsonc" => super::nsg_json::lint(label, &b.text),
            "bash" | "sh" | "shell" | "console" | "zsh" | "azurecli" | "azurecli-interactive" => {
                super::az_script::looks_like_script(&b.text)
                    .then(|| super::az_script::lint(label, &b.text))
            }
            _ => None,
        };
        if let Some(diags) = diags {
            found = true;
            out.extend(diags.into_iter().map(|d| shift(d, b.first_line - 1)));
        }
    }
    found.then_some(out)
}

fn yaml_block(label: &str, b: &Block) -> Option<Vec<Diagnostic>> {
    match crate::yaml::parse(&b.text) {
        Ok(doc) => super::lint_yaml_doc(label, doc).map(|(_, d)| d),
        Err(e) => {
            // A block meant as configuration that no YAML loader reads the same way.
            let mut d = Diagnostic::error(
                Code::MalformedInput,
                format!("malformed YAML in a code block: {}", e.message),
            )
            .at_file(label)
            .with_help("fix the block: a key written twice keeps only its last value in azure-ai-ml (PyYAML) and is refused elsewhere");
            if let Some((line, column)) = e.position {
                d = d.at_line(line, column);
            }
            Some(vec![d])
        }
    }
}

fn shift(mut d: Diagnostic, by: usize) -> Diagnostic {
    if let Some(l) = d.location.line.as_mut() {
        *l += by;
    }
    d
}

/// The fenced code blocks (``` or ~~~, three or more) of a Markdown text.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<(String, String, usize, Vec<&str>)> = None; // fence, info, first line, lines
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut open {
            None => {
                let fence: String = trimmed
                    .chars()
                    .take_while(|c| *c == '`' || *c == '~')
                    .collect();
                if fence.len() >= 3 && fence.chars().all(|c| c == fence.chars().next().unwrap()) {
                    let info = trimmed[fence.len()..].trim().to_string();
                    open = Some((fence, info, i + 2, Vec::new()));
                }
            }
            Some((fence, _, _, lines)) => {
                let t = trimmed.trim_end();
                if t.starts_with(fence.as_str())
                    && t.chars().all(|c| c == fence.chars().next().unwrap())
                {
                    let (_, info, first_line, lines) = open.take().expect("open");
                    out.push(Block {
                        info,
                        text: lines.join("\n") + "\n",
                        first_line,
                    });
                } else {
                    lines.push(line);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenced_blocks() {
        let b = blocks("# t\n\n```yaml\na: 1\nb: 2\n```\ntext\n~~~bash extra\naz x\n~~~\n");
        assert_eq!(
            b,
            [
                Block {
                    info: "yaml".into(),
                    text: "a: 1\nb: 2\n".into(),
                    first_line: 4
                },
                Block {
                    info: "bash extra".into(),
                    text: "az x\n".into(),
                    first_line: 9
                }
            ]
        );
    }
}

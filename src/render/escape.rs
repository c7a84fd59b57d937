//! Quoting for each output language, in one place. Templates never quote by hand: the template
//! environment applies the function matching the file's extension to every printed string.

/// A Bicep single-quoted string: `\` `'` and `${` are escaped, line breaks become `\n`.
pub fn bicep_string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A POSIX shell word: bare when it is made only of characters no shell treats specially,
/// otherwise single-quoted with `'` written as `'\''`.
pub fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | ',' | '@' | '=')
        });
    if plain {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// A PowerShell single-quoted string (`'` doubled).
pub fn powershell_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bicep_quoting() {
        assert_eq!(bicep_string_literal("a'b"), r"'a\'b'");
        assert_eq!(bicep_string_literal(r"c:\x"), r"'c:\\x'");
        assert_eq!(bicep_string_literal("${x}"), r"'\${x}'");
        assert_eq!(bicep_string_literal("$x"), "'$x'");
    }

    #[test]
    fn shell_quoting() {
        assert_eq!(shell_word("rg-prod"), "rg-prod");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word("$(rm -rf /)"), "'$(rm -rf /)'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn powershell_quoting() {
        assert_eq!(powershell_string("it's"), "'it''s'");
    }
}

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

/// A shell word for the bash scripts amlgen writes: bare when it is made only of characters no
/// shell treats specially; single-quoted (`'` written as `'\''`) when that reads cleanly; and
/// ANSI-C quoted (`$'...'`, bash) when the text holds what shellcheck flags inside single quotes:
/// `$` or a backtick (SC2016, "expressions don't expand") or a typographic quote (SC1112, "this
/// is a unicode quote"). In `$'...'` only `\` and `'` need escaping; control characters, which
/// the blueprint check refuses anyway, are written as `\xHH` so they can never reach a terminal.
pub fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | ',' | '@' | '=')
        });
    if plain {
        return s.to_string();
    }
    // A backslash too: `'C:\temp\'` is correct shell, but shellcheck reads the `\'` as an attempt
    // to escape the quote (SC1003).
    let needs_ansi_c = s
        .chars()
        .any(|c| matches!(c, '$' | '`' | '\\') || is_typographic_quote(c) || c.is_control());
    if !needs_ansi_c {
        return format!("'{}'", s.replace('\'', "'\\''"));
    }
    let mut out = String::with_capacity(s.len() + 3);
    out.push_str("$'");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            c if c.is_control() && (c as u32) < 0x80 => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            // C1 controls as their UTF-8 bytes, which is what the string holds.
            c if c.is_control() => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("\\x{b:02x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Quotation marks other than ASCII `'` and `"` that shells leave literal but shellcheck (SC1111,
/// SC1112) and PowerShell treat specially: U+2018-U+201F.
fn is_typographic_quote(c: char) -> bool {
    ('\u{2018}'..='\u{201f}').contains(&c)
}

/// A PowerShell single-quoted string. PowerShell reads `'` and the typographic single quotes
/// U+2018 ‘ U+2019 ’ U+201A ‚ U+201B ‛ all as the same quote character, so each is doubled (a
/// doubled quote is one literal quote). The typographic double quotes U+201C “ U+201D ” U+201E „
/// end only double-quoted strings: inside single quotes they are literal, like `"`, and doubling
/// them would change the text (the unit test reads every output back as PowerShell does).
pub fn powershell_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// Text for Markdown that renders as HTML (README.md): `&`, `<`, `>` and `"` become entities, so
/// a value can never open a tag (`<script>`) or end a quoted label or attribute; `'` stays, as
/// templates print no value inside a single-quoted attribute. Inside a code span entities show
/// literally, so templates print only validated names and addresses there, which hold none of
/// these characters.
pub fn html_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Text inside an HTML comment. HTML (WHATWG, "Comments") forbids only sequences that contain
/// `<` or `>` (`<!--`, `-->`, `--!>`, a leading `>` or `->`, a trailing `<!-`), so [`html_text`]
/// is enough: a file named `a--><script>.yaml` stays a name, and `--set` stays readable.
pub fn html_comment_text(s: &str) -> String {
    html_text(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escaping() {
        assert_eq!(
            html_text("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert('x')&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(
            html_comment_text("from a--><script>.yaml"),
            "from a--&gt;&lt;script&gt;.yaml"
        );
        assert_eq!(html_comment_text("--set name=x"), "--set name=x");
        for s in ["--", "--->", "<!--", "--!>", "<!-", "->x"] {
            let c = html_comment_text(s);
            assert!(!c.contains('>') && !c.contains('<'), "{s} -> {c}");
        }
    }

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
        assert_eq!(shell_word("$(rm -rf /)"), "$'$(rm -rf /)'");
        assert_eq!(shell_word(""), "''");
        assert_eq!(shell_word("k=a$b"), "$'k=a$b'");
        assert_eq!(shell_word("it’s"), "$'it’s'");
        assert_eq!(shell_word("a\\'b`c"), r"$'a\\\'b`c'");
        assert_eq!(shell_word("a\u{1b}b"), r"$'a\x1bb'");
        assert_eq!(shell_word("a\u{85}b"), r"$'a\xc2\x85b'");
        assert_eq!(shell_word("C:\\temp\\"), r"$'C:\\temp\\'");
    }

    /// Reads a PowerShell single-quoted string the way PowerShell's tokenizer does: any of the
    /// four single-quote characters opens, closes, or (doubled) stands for itself.
    fn read_powershell(s: &str) -> Option<String> {
        let q = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}');
        let mut chars = s.chars().peekable();
        if !chars.next().is_some_and(q) {
            return None;
        }
        let mut out = String::new();
        while let Some(c) = chars.next() {
            if q(c) {
                match chars.peek() {
                    Some(&n) if q(n) => {
                        out.push(c);
                        chars.next();
                    }
                    None => return Some(out),
                    Some(_) => return None, // the string ended early: injection
                }
            } else {
                out.push(c);
            }
        }
        None
    }

    #[test]
    fn powershell_quoting() {
        assert_eq!(powershell_string("it's"), "'it''s'");
        assert_eq!(powershell_string("it’s"), "'it’’s'");
        for s in [
            "it's",
            "it’s",
            "‘quoted’",
            "‚low‛",
            "“double” „low“",
            "'; Remove-Item C:\\ -Recurse; '",
            "’; Write-Host pwned; ’",
            "$env:PATH",
            "",
        ] {
            assert_eq!(
                read_powershell(&powershell_string(s)).as_deref(),
                Some(s),
                "{s}"
            );
        }
    }
}

"""Extract simple commands from a bash script without running it.

A small bash lexer, just enough for the scripts amlgen renders: it joins backslash
continuations, drops comments and heredoc bodies, understands single/double quotes,
`$VAR`, `${VAR}`, `${VAR:-default}`, `$(...)`, backticks and `$((...))`, splits on
`;`, `&&`, `||`, `|`, `&`, newlines and parentheses, and drops redirections.

Expansions are replaced by the variable's value when the script assigned it a value
that is itself known (e.g. `RESOURCE_GROUP="rg-x"` at the top), otherwise by a
placeholder such as `__SUBNET_ID__`. Commands found inside `$(...)` are returned
too, so `ID=$(az network vnet show ... --query id -o tsv)` is checked like any other.

Text inside quotes is never a command: `echo "az network ..."` yields only `echo`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDER_RE = re.compile(r"__[A-Z0-9_]+__")
_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(\+?)=(.*)$", re.S)

# Words that may precede the real command word of a simple command.
_PREFIX_KEYWORDS = {"if", "then", "elif", "else", "do", "while", "until", "!", "time",
                    "{", "}", "fi", "done", "esac", "in", "command", "exec", "nohup"}
_DECL_BUILTINS = {"local", "export", "readonly", "declare", "typeset"}


@dataclass
class Word:
    text: str
    line: int
    # True when the word is exactly one unquoted expansion whose value may split.
    splittable: bool = False


@dataclass
class SimpleCommand:
    words: list[str]
    line: int
    end_line: int


class ShellSyntaxError(Exception):
    pass


def _placeholder(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").upper() or "X"
    return f"__{cleaned}__"


class Extractor:
    """Scan a whole script; `commands` lists every simple command found."""

    def __init__(self, text: str):
        self.src = text
        self.env: dict[str, str] = {}
        self.commands: list[SimpleCommand] = []
        self._cmd_subst = 0

    # ------------------------------------------------------------------ public
    def run(self) -> list[SimpleCommand]:
        self._scan(self.src, 0, 1, stop=None)
        return self.commands

    # ------------------------------------------------------------------ lexer
    def _scan(self, src: str, pos: int, line: int, stop: str | None) -> tuple[int, int]:
        """Scan commands from src[pos:] until `stop` (')' or '`') or end.

        Returns (position after the stop char, line there)."""
        words: list[Word] = []
        cmd_line = line
        heredocs: list[tuple[str, bool]] = []
        n = len(src)
        depth_paren = 0  # '(' opened inside this scan (subshells, function defs)

        def flush():
            nonlocal words
            if words:
                self._finish_command(words, cmd_line, line)
            words = []

        while pos < n:
            c = src[pos]
            if stop == ")" and c == ")" and depth_paren == 0:
                flush()
                return pos + 1, line
            if stop == "`" and c == "`":
                flush()
                return pos + 1, line
            if c == "\\" and pos + 1 < n and src[pos + 1] == "\n":
                pos += 2
                line += 1
                continue
            if c == "\n":
                flush()
                pos += 1
                line += 1
                if heredocs:
                    pos, line = self._skip_heredocs(src, pos, line, heredocs)
                    heredocs = []
                cmd_line = line
                continue
            if c in " \t\r":
                pos += 1
                continue
            if c == "#":
                # A comment: '#' at the start of a word.
                while pos < n and src[pos] != "\n":
                    pos += 1
                continue
            if c in ";&|":
                flush()
                pos += 1
                while pos < n and src[pos] in ";&|":
                    pos += 1
                cmd_line = line
                continue
            if c == "(":
                flush()
                depth_paren += 1
                pos += 1
                cmd_line = line
                continue
            if c == ")":
                flush()
                depth_paren = max(0, depth_paren - 1)
                pos += 1
                cmd_line = line
                continue
            if c in "<>":
                pos, line = self._redirection(src, pos, line, heredocs, words)
                continue
            # A word.
            if not words:
                cmd_line = line
            word, pos, line = self._word(src, pos, line)
            # "2>" style: digits immediately followed by a redirection operator.
            if pos < n and src[pos] in "<>" and re.fullmatch(r"\d+", word.text or "x"):
                pos, line = self._redirection(src, pos, line, heredocs, words)
                continue
            words.append(word)
        flush()
        if stop is not None:
            raise ShellSyntaxError(f"unterminated {'$(' if stop == ')' else '`'} starting before line {line}")
        return pos, line

    def _redirection(self, src, pos, line, heredocs, words):
        n = len(src)
        if src.startswith("<<<", pos):
            pos += 3
            _, pos, line = self._skip_blank_then_word(src, pos, line)
            return pos, line
        if src.startswith("<<", pos):
            pos += 2
            strip = False
            if pos < n and src[pos] == "-":
                strip = True
                pos += 1
            while pos < n and src[pos] in " \t":
                pos += 1
            start = pos
            while pos < n and src[pos] not in " \t\n;&|<>()":
                pos += 1
            delim = src[start:pos].replace("'", "").replace('"', "").replace("\\", "")
            heredocs.append((delim, strip))
            return pos, line
        # > >> < >& <& &> >| and an optional target word
        pos += 1
        while pos < n and src[pos] in ">&|":
            pos += 1
        if pos < n and src[pos] == "-":  # >&-
            return pos + 1, line
        if pos < n and src[pos].isdigit() and src[pos - 1] == "&":  # 2>&1
            while pos < n and src[pos].isdigit():
                pos += 1
            return pos, line
        _, pos, line = self._skip_blank_then_word(src, pos, line)
        return pos, line

    def _skip_blank_then_word(self, src, pos, line):
        n = len(src)
        while pos < n and src[pos] in " \t":
            pos += 1
        if pos >= n or src[pos] in "\n;&|()":
            return None, pos, line
        return self._word(src, pos, line)

    def _skip_heredocs(self, src, pos, line, heredocs):
        n = len(src)
        for delim, strip in heredocs:
            while pos < n:
                end = src.find("\n", pos)
                if end < 0:
                    end = n
                body_line = src[pos:end]
                pos = end + 1
                line += 1
                check = body_line.lstrip("\t") if strip else body_line
                if check == delim:
                    break
        return pos, line

    def _word(self, src: str, pos: int, line: int) -> tuple[Word, int, int]:
        """Read one word starting at pos; returns the expanded word."""
        n = len(src)
        parts: list[str] = []
        start_line = line
        only_unquoted_expansion = True
        n_parts = 0
        while pos < n:
            c = src[pos]
            if c in " \t\r\n;&|<>()":
                break
            n_parts += 1
            if c == "\\":
                if pos + 1 < n and src[pos + 1] == "\n":
                    pos += 2
                    line += 1
                    continue
                parts.append(src[pos + 1:pos + 2])
                pos += 2
                only_unquoted_expansion = False
                continue
            if c == "'":
                end = src.find("'", pos + 1)
                if end < 0:
                    raise ShellSyntaxError(f"unterminated single quote at line {line}")
                chunk = src[pos + 1:end]
                line += chunk.count("\n")
                parts.append(chunk)
                pos = end + 1
                only_unquoted_expansion = False
                continue
            if c == '"':
                text, pos, line = self._double_quoted(src, pos + 1, line)
                parts.append(text)
                only_unquoted_expansion = False
                continue
            if c == "$":
                text, pos, line = self._dollar(src, pos, line)
                parts.append(text)
                continue
            if c == "`":
                pos, line = self._scan(src, pos + 1, line, stop="`")
                parts.append(self._subst_placeholder())
                continue
            parts.append(c)
            only_unquoted_expansion = False
            pos += 1
        word = Word("".join(parts), start_line, splittable=only_unquoted_expansion and n_parts == 1)
        return word, pos, line

    def _double_quoted(self, src, pos, line):
        n = len(src)
        parts = []
        while pos < n:
            c = src[pos]
            if c == '"':
                return "".join(parts), pos + 1, line
            if c == "\\" and pos + 1 < n:
                nxt = src[pos + 1]
                if nxt == "\n":
                    pos += 2
                    line += 1
                    continue
                if nxt in '"\\$`':
                    parts.append(nxt)
                    pos += 2
                    continue
                parts.append(c)
                pos += 1
                continue
            if c == "$":
                text, pos, line = self._dollar(src, pos, line)
                parts.append(text)
                continue
            if c == "`":
                pos, line = self._scan(src, pos + 1, line, stop="`")
                parts.append(self._subst_placeholder())
                continue
            if c == "\n":
                line += 1
            parts.append(c)
            pos += 1
        raise ShellSyntaxError(f"unterminated double quote at line {line}")

    def _dollar(self, src, pos, line):
        """Expand the $-construct at src[pos]; returns (text, new_pos, new_line)."""
        n = len(src)
        nxt = src[pos + 1] if pos + 1 < n else ""
        if src.startswith("$((", pos):
            end = self._match_arith(src, pos + 3)
            line += src[pos:end].count("\n")
            return "0", end, line
        if nxt == "(":
            pos, line = self._scan(src, pos + 2, line, stop=")")
            return self._subst_placeholder(), pos, line
        if nxt == "{":
            end = src.find("}", pos + 2)
            if end < 0:
                raise ShellSyntaxError(f"unterminated ${{ at line {line}")
            inner = src[pos + 2:end]
            return self._param_expansion(inner), end + 1, line
        if nxt == "'":  # $'...' ANSI-C string
            end = src.find("'", pos + 2)
            return src[pos + 2:end], end + 1, line
        m = _NAME_RE.match(src, pos + 1)
        if m:
            name = m.group(0)
            return self._lookup(name), m.end(), line
        if nxt and (nxt.isdigit() or nxt in "@*#?$!-"):
            return _placeholder("ARG" if nxt.isdigit() or nxt in "@*" else "SPECIAL"), pos + 2, line
        return "$", pos + 1, line

    @staticmethod
    def _match_arith(src, pos):
        depth = 2
        while pos < len(src) and depth:
            if src[pos] == "(":
                depth += 1
            elif src[pos] == ")":
                depth -= 1
            pos += 1
        return pos

    def _param_expansion(self, inner: str) -> str:
        m = re.match(r"^(#?)([A-Za-z_][A-Za-z0-9_]*|\d+|[@*])(\[[^\]]*\])?(.*)$", inner, re.S)
        if not m:
            return _placeholder(inner)
        length, name, index, rest = m.groups()
        if length:
            return "0"
        if index or name in "@*" or name.isdigit():
            return _placeholder(name if not name.isdigit() else "ARG")
        value = self.env.get(name)
        op = re.match(r"^(:?[-=+?])(.*)$", rest, re.S)
        if op:
            kind, word = op.groups()
            if kind.endswith(("-", "=")):
                if value is None or (kind.startswith(":") and value == ""):
                    value = self._expand_default(word)
            elif kind.endswith("+"):
                value = self._expand_default(word) if value else ""
        elif rest:  # ${x%pattern}, ${x/a/b}: value unknown
            return _placeholder(name)
        return value if value is not None else _placeholder(name)

    def _expand_default(self, word: str) -> str:
        word = word.strip('"').strip("'")
        return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda mm: self._lookup(mm.group(1)), word)

    def _lookup(self, name: str) -> str:
        value = self.env.get(name)
        return value if value is not None else _placeholder(name)

    def _subst_placeholder(self) -> str:
        self._cmd_subst += 1
        return f"__CMD_SUBST_{self._cmd_subst}__"

    # ------------------------------------------------------------ commands
    def _finish_command(self, words: list[Word], line: int, end_line: int):
        # Field splitting of unquoted expansions whose known value has spaces.
        texts: list[str] = []
        for w in words:
            if w.splittable and not PLACEHOLDER_RE.fullmatch(w.text):
                texts.extend(w.text.split())
            else:
                texts.append(w.text)
        # Leading assignments (VAR=value cmd ...) and keywords.
        i = 0
        assignments = []
        while i < len(texts):
            t = texts[i]
            if t in _PREFIX_KEYWORDS:
                i += 1
                continue
            if t in _DECL_BUILTINS:
                # local/export NAME=value ...: all remaining words are assignments
                for rest in texts[i + 1:]:
                    if not rest.startswith("-"):
                        assignments.append(rest)
                i = len(texts)
                break
            if _ASSIGN_RE.match(t):
                assignments.append(t)
                i += 1
                continue
            break
        for a in assignments:
            m = _ASSIGN_RE.match(a)
            if m:
                name, plus, value = m.groups()
                if value.startswith("(") or PLACEHOLDER_RE.search(value):
                    # arrays and values that depend on unknowns stay unknown
                    self.env.pop(name, None)
                else:
                    self.env[name] = (self.env.get(name, "") + value) if plus else value
        if i < len(texts):
            self.commands.append(SimpleCommand(texts[i:], line, end_line))


def extract_commands(text: str) -> list[SimpleCommand]:
    return Extractor(text).run()


def is_placeholder(value: str) -> bool:
    return bool(PLACEHOLDER_RE.search(value))

#!/usr/bin/env python3
"""Check every `az ...` command in shell scripts against the real az CLI parsers.

    az_check.py SCRIPT.sh...            check scripts; exit 1 on any finding
    az_check.py --dump-options CMD...   print the long options of commands
                                        (e.g. --dump-options "network vnet create")

Core commands are parsed in-process by azure-cli's own AzCliCommandParser (the
argparse tree `az` builds), without executing them: the command table is loaded
fully (AZURE_AAZ_FULL_LOAD=true, otherwise AAZ groups such as `network route-table`
look unknown), arguments are loaded for the commands the scripts use, and the same
events `az` raises are raised so --ids, --subscription and the policy arguments
exist. Parser errors are turned into findings instead of exiting, and nothing that
contacts a service (extension dynamic install, recommendations, validators) runs.

Commands of extensions that cannot be installed offline (`az ml`, `az network
firewall`, `az monitor app-insights`) are checked against conformance/
extension_commands.json, transcribed from the extensions' source.

Findings: unknown-command, unknown-option, missing-required, bad-enum,
abbreviation (an option prefix argparse silently expands), deprecated-option,
deprecated-command, invalid-value, shell-syntax.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import re
import sys
import time
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no __pycache__ for shell_extract inside the work tree

from shell_extract import ShellSyntaxError, extract_commands, is_placeholder  # noqa: E402

EXTENSION_TABLE = HERE / "extension_commands.json"

# Help-text phrases azure-cli uses for options that are on their way out without a
# formal Deprecated tag (e.g. --disable-private-endpoint-network-policies in 2.91:
# "Please note that it will be replaced by `--private-endpoint-network-policies` soon").
SOFT_DEPRECATION_RE = re.compile(
    r"will be replaced by|\bdeprecated\b|will be deprecated|is being retired|no longer recommended",
    re.I)

GLOBAL_NO_POLICY_VERBS = {"list", "show"}


@dataclass
class Finding:
    path: str
    line: int
    kind: str
    message: str
    command: str

    def format(self) -> str:
        return f"{self.path}:{self.line}: [{self.kind}] {self.message}\n    {self.command}"


@dataclass
class AzCommand:
    path: str
    line: int
    args: list[str]  # after 'az'

    @property
    def text(self) -> str:
        return "az " + " ".join(_shell_quote(a) for a in self.args)


def _shell_quote(s: str) -> str:
    if s and re.fullmatch(r"[A-Za-z0-9_@%+=:,./-]+", s):
        return s
    return "'" + s.replace("'", "'\\''") + "'"


def _setup_environment():
    """Keep az's config and caches inside the work tree and switch off anything online."""
    cache = Path(os.environ.get("CONFORMANCE_CACHE_DIR", ROOT / ".cache"))
    os.environ.setdefault("AZURE_CONFIG_DIR", str(cache / "azure"))
    Path(os.environ["AZURE_CONFIG_DIR"]).mkdir(parents=True, exist_ok=True)
    os.environ["AZURE_AAZ_FULL_LOAD"] = "true"
    os.environ["AZURE_CORE_COLLECT_TELEMETRY"] = "no"
    os.environ["AZURE_EXTENSION_USE_DYNAMIC_INSTALL"] = "no"
    os.environ["AZURE_CORE_NO_COLOR"] = "true"
    os.environ["AZURE_CORE_SURVEY_MESSAGE"] = "no"
    os.environ["AZURE_CORE_ONLY_SHOW_ERRORS"] = "true"


# --------------------------------------------------------------------------- core az
class ParseFailure(Exception):
    def __init__(self, kind, prog, message, option=None, value=None, choices=None):
        super().__init__(message)
        self.kind, self.prog, self.message = kind, prog, message
        self.option, self.value, self.choices = option, value, choices


class CoreAz:
    """azure-cli's command table and parser, loaded once, used only for parsing."""

    def __init__(self):
        _setup_environment()
        logging.getLogger("cli").setLevel(logging.ERROR)
        from azure.cli.core import get_default_cli
        from azure.cli.core.parser import AzCliCommandParser

        def _error(parser, message):
            raise ParseFailure("error", parser.prog, message)

        def _check_value(parser, action, value):
            # Same test as azure-cli's _check_value, minus its side effects
            # (extension dynamic install, online recommendations, exit).
            if action.choices is not None and value not in action.choices:
                if not parser.command_source:
                    raise ParseFailure("unknown-command", parser.prog, value, value=value,
                                       choices=list(action.choices))
                option = action.option_strings[0] if action.option_strings else action.dest
                raise ParseFailure("choice", parser.prog, value, option=option, value=value,
                                   choices=[str(c) for c in action.choices])

        AzCliCommandParser.error = _error
        AzCliCommandParser._check_value = _check_value

        t0 = time.time()
        self.cli = get_default_cli()
        self.invocation = self.cli.invocation_cls(
            cli_ctx=self.cli, commands_loader_cls=self.cli.commands_loader_cls,
            parser_cls=self.cli.parser_cls, help_cls=self.cli.help_cls)
        self.cli.invocation = self.invocation
        self.invocation.data["command_string"] = ""
        self.loader = self.invocation.commands_loader
        with redirect_stderr(io.StringIO()):
            self.loader.load_command_table(None)  # None: every module, every AAZ group
        self.table = self.loader.command_table
        self.groups = set(self.loader.command_group_table)
        self.load_seconds = time.time() - t0
        self.parser = None
        self._loaded_args: set[str] = set()
        self._id_required: dict[str, list] = {}

    def command_name(self, args: list[str]) -> str | None:
        """Longest leading run of non-option words that names a command."""
        words = []
        for a in args:
            if a.startswith("-"):
                break
            words.append(a)
        for k in range(len(words), 0, -1):
            name = " ".join(words[:k])
            if name in self.table:
                return name
        return None

    def prepare(self, names):
        """Load arguments for these commands, then build the parser (once)."""
        from knack.events import EVENT_INVOKER_POST_CMD_TBL_CREATE, EVENT_INVOKER_CMD_TBL_LOADED
        from azure.cli.core.commands.events import (
            EVENT_INVOKER_PRE_LOAD_ARGUMENTS, EVENT_INVOKER_POST_LOAD_ARGUMENTS)
        cli, loader = self.cli, self.loader
        cli.raise_event(EVENT_INVOKER_PRE_LOAD_ARGUMENTS, commands_loader=loader)
        for name in sorted(set(names) - self._loaded_args):
            # argument_context() applies a block only when command_string starts with it
            self.invocation.data["command_string"] = name
            loader.command_name = name
            with redirect_stderr(io.StringIO()):
                loader.load_arguments(name)
            self._loaded_args.add(name)
        cli.raise_event(EVENT_INVOKER_POST_LOAD_ARGUMENTS, commands_loader=loader)
        # add_ids_arguments (below) makes id-part arguments optional so that --ids can
        # stand in for them; remember which were required to check "(-n | --ids)".
        for name in self._loaded_args:
            cmd = self.table[name]
            self._id_required[name] = [
                a for a in cmd.arguments.values()
                if a.type.settings.get("id_part") and a.type.settings.get("required")]
        cli.raise_event(EVENT_INVOKER_POST_CMD_TBL_CREATE, commands_loader=loader)
        parser = self.invocation.parser
        parser.cli_ctx = cli
        parser.load_command_table(loader)
        cli.raise_event(EVENT_INVOKER_CMD_TBL_LOADED, cmd_tbl=loader.command_table, parser=parser)
        self.parser = parser

    def option_actions(self, name: str) -> dict:
        sub = self.parser.subparser_map[name]
        return {o: act for act in sub._actions for o in act.option_strings}

    def check(self, cmd: AzCommand) -> list[tuple[str, str]]:
        """Return [(kind, message)] for one command line."""
        from knack.events import EVENT_INVOKER_POST_PARSE_ARGS
        from knack.deprecation import Deprecated
        findings: list[tuple[str, str]] = []
        args = list(cmd.args)
        name = self.command_name(args)
        if not _leading_words(args):
            # `az --version`, `az --help`: no command to check.
            if set(args) <= {"--version", "--help", "-h", "--debug", "--verbose", "--only-show-errors"} and args:
                return []
            return [("unknown-command", "no command after 'az'")]
        from azure.cli.core.azclierror import AzCLIError
        for _attempt in range(8):
            try:
                with redirect_stderr(io.StringIO()), redirect_stdout(io.StringIO()):
                    ns, extras = self.parser.parse_known_args(args)
            except ParseFailure as pf:
                fix = self._record_failure(pf, args, name, findings)
                if fix is None:
                    return findings
                args = fix
                continue
            except AzCLIError as exc:
                # AAZ argument actions convert values while parsing ("Failed to parse
                # '--priority' argument: invalid literal for int()").
                fix = self._value_failure(str(exc), args, findings)
                if fix is None:
                    return findings
                args = fix
                continue
            except Exception as exc:  # keep one odd command from stopping the run
                findings.append(("parse-error", f"{type(exc).__name__}: {exc}"))
                return findings
            break
        else:
            return findings
        if extras:
            unknown = [e for e in extras if e.startswith("-")]
            if unknown:
                for opt in unknown:
                    findings.append(("unknown-option", f"'{opt.split('=')[0]}' is not an option of 'az {name}'"))
            else:
                findings.append(("unknown-option", f"unexpected argument(s) {' '.join(extras)} for 'az {name}'"))
        if not hasattr(ns, "_cmd"):
            return findings
        # Id-part arguments: required unless --ids is given. azure-cli checks this in
        # parse_ids_arguments, which misses AAZ commands (their unset value is
        # AAZUndefined, not None) -- those then fail at request time; check both here.
        from azure.cli.core.aaz._base import AAZUndefined
        id_args = self._id_required.get(name, [])
        ids_given = getattr(ns, "ids", None) or getattr(ns, "_ids", None)
        if id_args and "ids" in ns._cmd.arguments and not ids_given:
            missing = [a.type.settings["options_list"][0] for a in id_args
                       if getattr(ns, a.name, None) is None or getattr(ns, a.name, None) is AAZUndefined]
            if missing:
                findings.append(("missing-required", f"({' '.join(missing)} | --ids) are required"))
        # The rest of az's post-parse --ids processing (resource ID syntax).
        try:
            with redirect_stderr(io.StringIO()):
                self.cli.raise_event(EVENT_INVOKER_POST_PARSE_ARGS, command=ns.command, args=ns)
        except Exception as exc:  # knack CLIError
            msg = str(exc)
            if "are required" not in msg and not is_placeholder(msg):
                findings.append(("invalid-value", msg))
        # Formal deprecations of used options, of the command and of its groups.
        for dep in getattr(ns, "_argument_deprecations", []) or []:
            if isinstance(dep, Deprecated):
                findings.append(("deprecated-option", _dep_message(dep)))
        if ns._cmd.deprecate_info is not None and isinstance(ns._cmd.deprecate_info, Deprecated):
            findings.append(("deprecated-command", _dep_message(ns._cmd.deprecate_info)))
        comps = name.split()[:-1]
        while comps:
            grp = self.loader.command_group_table.get(" ".join(comps))
            info = getattr(grp, "group_kwargs", {}).get("deprecate_info") if grp else None
            if isinstance(info, Deprecated):
                findings.append(("deprecated-command", f"group 'az {' '.join(comps)}': {_dep_message(info)}"))
                break
            comps.pop()
        # Abbreviations and soft (help-text) deprecations of the options used.
        actions = self.option_actions(name)
        for tok in _option_tokens(cmd.args):
            if tok in actions:
                act = actions[tok]
                help_text = act.help or ""
                if SOFT_DEPRECATION_RE.search(help_text) and not getattr(act, "deprecate_info", None):
                    findings.append(("deprecated-option", f"{tok}: {help_text.strip()}"))
                continue
            matches = {id(a): (o, a) for o, a in actions.items() if o.startswith(tok) and o.startswith("--")}
            if len(matches) == 1:
                full = max((o for o, a in actions.items() if id(a) in matches), key=len)
                findings.append(("abbreviation", f"'{tok}' is only an abbreviation of '{full}' (argparse prefix "
                                                 f"matching); write the full name"))
        return findings

    # Stand-ins tried, in order, for a placeholder value an AAZ argument cannot convert.
    TYPED_STANDINS = ("1", "true", "{}", "[]")

    def _value_failure(self, msg, args, findings):
        m = re.search(r"Failed to parse '([^']+)' argument", msg)
        option = m.group(1) if m else None
        if option:
            idx = next((i for i, a in enumerate(args) if a == option or a.startswith(option + "=")), None)
            if idx is not None:
                inline = "=" in args[idx]
                value = args[idx].split("=", 1)[1] if inline else (args[idx + 1] if idx + 1 < len(args) else "")
                if is_placeholder(value) or value in self.TYPED_STANDINS:
                    # Unknown at check time (a variable or $(...)): try a typed stand-in.
                    tried = self.TYPED_STANDINS.index(value) + 1 if value in self.TYPED_STANDINS else 0
                    if tried >= len(self.TYPED_STANDINS):
                        return None
                    fixed = list(args)
                    standin = self.TYPED_STANDINS[tried]
                    if inline:
                        fixed[idx] = f"{option}={standin}"
                    else:
                        fixed[idx + 1] = standin
                    return fixed
        findings.append(("invalid-value", " ".join(msg.split())))
        return None

    def _record_failure(self, pf: ParseFailure, args, name, findings):
        """Record a parse failure; return corrected args to keep parsing, or None."""
        if pf.kind == "unknown-command":
            prefix = pf.prog[3:] if pf.prog.startswith("az") else pf.prog
            where = f"'az {prefix.strip()}'" if prefix.strip() else "az"
            hint = _close(pf.value, pf.choices)
            findings.append(("unknown-command", f"'{pf.value}' is not a command or group under {where}{hint}"))
            return None
        if pf.kind == "choice":
            findings.append(("bad-enum", f"{pf.option}: '{pf.value}' is not allowed; allowed: "
                                         f"{', '.join(pf.choices)}"))
            return _replace_value(args, pf.option, pf.value, pf.choices[0])
        msg = pf.message
        if msg.startswith("the following arguments are required:"):
            missing = [m.strip() for m in msg.split(":", 1)[1].split(",")]
            findings.append(("missing-required", f"missing required option(s) {', '.join(missing)}"))
            fixed = list(args)
            for m in missing:
                fixed += [m.split("/")[0], "__FILLED__"]
            return fixed
        m = re.match(r"argument (\S+): (.*)", msg, re.S)
        if m:
            findings.append(("invalid-value", f"{m.group(1)}: {m.group(2).strip()}"))
        else:
            findings.append(("parse-error", msg.strip()))
        return None


def _dep_message(dep) -> str:
    try:
        return dep._get_message(dep)
    except Exception:  # pragma: no cover - message API differs between knack versions
        return str(getattr(dep, "message", dep))


def _close(value, choices) -> str:
    import difflib
    close = difflib.get_close_matches(value, choices or [], n=1, cutoff=0.7)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _replace_value(args, option, value, replacement):
    fixed = list(args)
    for i, a in enumerate(fixed):
        if a == value and i > 0:
            fixed[i] = replacement
            return fixed
        if a.startswith(option + "=") and a.split("=", 1)[1] == value:
            fixed[i] = f"{option}={replacement}"
            return fixed
    return None


def _option_tokens(args):
    """Option-looking tokens (without '=value'); values after --query etc. are skipped."""
    for a in args:
        if a.startswith("--") and len(a) > 2:
            yield a.split("=", 1)[0]


# ---------------------------------------------------------------- extension tables
class ExtensionTables:
    def __init__(self, path: Path = EXTENSION_TABLE):
        data = json.loads(path.read_text())
        self.data = data
        self.commands = data["commands"]
        self.group_commands: dict[str, list[str]] = data["group_commands"]
        self.extensions = data["extensions"]
        self.global_options = data["global_options"]

    def owns(self, args: list[str]) -> str | None:
        words = " ".join(a for a in _leading_words(args))
        for ext, info in self.extensions.items():
            p = info["prefix"]
            if words == p or words.startswith(p + " "):
                return ext
        return None

    def check(self, cmd: AzCommand) -> list[tuple[str, str]]:
        args = cmd.args
        words = _leading_words(args)
        findings = []
        # Walk the group tree below the extension's prefix: every word must be a
        # known subgroup or command.
        prefix = self.extensions[self.owns(args)]["prefix"].split()
        path: list[str] = list(prefix)
        name = None
        for w in words[len(prefix):]:
            group = " ".join(path)
            children = self.group_commands.get(group)
            if children is None:
                break
            if w not in children:
                hint = _close(w, children)
                findings.append(("unknown-command", f"'{w}' is not a command or group under 'az {group}'{hint} "
                                                    f"(extension table {EXTENSION_TABLE.name})"))
                return findings
            path.append(w)
            if " ".join(path) not in self.group_commands:
                name = " ".join(path)
                break
        if name is None:
            findings.append(("unknown-command", f"'az {' '.join(path)}' is a group, not a command"))
            return findings
        spec = self.commands.get(name)
        if spec is None:
            findings.append(("unknown-command", f"'az {name}' exists in the extension but has no parameter table in "
                                                f"{EXTENSION_TABLE.name}; add one to check it"))
            return findings
        options = list(spec["options"]) + list(self.global_options) + [{"names": ["--subscription"]}]
        if name.split()[-1] not in GLOBAL_NO_POLICY_VERBS:
            options += [{"names": ["--acquire-policy-token"], "nargs": "0"}, {"names": ["--change-reference"]}]
        by_name = {n: o for o in options for n in o["names"]}
        seen: dict[str, list[str]] = {}
        rest = args[len(name.split()):]
        i = 0
        while i < len(rest):
            tok = rest[i]
            i += 1
            if not tok.startswith("-") or re.fullmatch(r"-\d.*", tok):
                findings.append(("unknown-option", f"unexpected argument '{tok}' for 'az {name}'"))
                continue
            opt, eq, inline = tok.partition("=")
            spec_opt = by_name.get(opt)
            if spec_opt is None:
                cands = {id(o): o for n, o in by_name.items() if n.startswith(opt) and opt.startswith("--")}
                if len(cands) == 1:
                    spec_opt = next(iter(cands.values()))
                    findings.append(("abbreviation", f"'{opt}' is only an abbreviation of '{spec_opt['names'][0]}' "
                                                     f"(argparse prefix matching); write the full name"))
                elif len(cands) > 1:
                    findings.append(("unknown-option", f"'{opt}' is ambiguous for 'az {name}': "
                                                       f"{', '.join(sorted(o['names'][0] for o in cands.values()))}"))
                    continue
                else:
                    findings.append(("unknown-option", f"'{opt}' is not an option of 'az {name}'"))
                    # skip its value(s)
                    while i < len(rest) and not rest[i].startswith("-"):
                        i += 1
                    continue
            nargs = spec_opt.get("nargs", "1")
            values: list[str] = []
            if eq:
                values = [inline]
            elif nargs == "1":
                if i < len(rest) and not _looks_like_option(rest[i]):
                    values = [rest[i]]
                    i += 1
                else:
                    findings.append(("invalid-value", f"{opt}: expected one argument"))
            elif nargs in ("+", "*", "?"):
                while i < len(rest) and not _looks_like_option(rest[i]):
                    values.append(rest[i])
                    i += 1
                    if nargs == "?":
                        break
                if nargs == "+" and not values:
                    findings.append(("invalid-value", f"{opt}: expected at least one argument"))
            if nargs == "0" and eq:
                findings.append(("invalid-value", f"{opt}: ignored explicit argument '{inline}'"))
            canon = spec_opt["names"][0]
            seen.setdefault(canon, []).extend(values if values else [""])
            enum = spec_opt.get("enum")
            if enum:
                for v in values:
                    if is_placeholder(v):
                        continue
                    ok = (v.lower() in [e.lower() for e in enum]) if spec_opt.get("enum_case") == "insensitive" \
                        else v in enum
                    if not ok:
                        where = spec_opt.get("enforced_by", "argparse")
                        findings.append(("bad-enum", f"{canon}: '{v}' is not allowed; allowed: {', '.join(enum)} "
                                                     f"(checked by {where})"))
            if spec_opt.get("deprecated"):
                findings.append(("deprecated-option", f"{canon}: {spec_opt['deprecated']}"))
        # Required options; --ids stands in for the id-part options.
        for o in spec["options"]:
            if o.get("required") and o["names"][0] not in seen:
                if o.get("id_part") and "--ids" in seen:
                    continue
                findings.append(("missing-required", f"missing required option {'/'.join(o['names'])}"))
        by_value = spec.get("by_value")
        if by_value and by_value["option"] in seen:
            for v in seen[by_value["option"]]:
                case = by_value["cases"].get(v)
                if not case:
                    continue
                for req in case.get("requires", []):
                    if req not in seen:
                        findings.append(("missing-required", f"{by_value['option']} {v} requires {req}"))
                for forb in case.get("forbids", []):
                    if forb in seen:
                        findings.append(("unknown-option", f"{forb} is rejected with {by_value['option']} {v}"))
        return findings


def _looks_like_option(tok: str) -> bool:
    return tok.startswith("-") and not re.fullmatch(r"-\d.*", tok)


def _leading_words(args):
    out = []
    for a in args:
        if a.startswith("-"):
            break
        out.append(a)
    return out


# ------------------------------------------------------------------------- driver
def collect(paths) -> tuple[list[AzCommand], list[Finding]]:
    cmds, findings = [], []
    for p in paths:
        text = Path(p).read_text()
        try:
            simple = extract_commands(text)
        except ShellSyntaxError as exc:
            findings.append(Finding(str(p), 0, "shell-syntax", str(exc), ""))
            continue
        for sc in simple:
            if sc.words and sc.words[0] == "az":
                cmds.append(AzCommand(str(p), sc.line, sc.words[1:]))
    return cmds, findings


# Options every command has; listed once in the dump header instead of per command.
COMMON_OPTIONS = {"--debug", "--help", "--only-show-errors", "--output", "--query", "--verbose",
                  "--subscription", "--acquire-policy-token", "--change-reference"}


def dump_options(core: CoreAz, exts: ExtensionTables, names: list[str]) -> str:
    from importlib.metadata import version
    core_names = [n for n in names if n in core.table]
    core.prepare(core_names)
    out = [f"# Long option names of az commands, from the real parsers of azure-cli {version('azure-cli')}",
           "# (in-process, AZURE_AAZ_FULL_LOAD=true) and, for extensions that cannot be installed",
           f"# offline, from conformance/{EXTENSION_TABLE.name}. Aliases of one option share a line,",
           "# longest first. Every command also takes: " + " ".join(sorted(COMMON_OPTIONS)) + " (-o, -h);",
           "# --acquire-policy-token/--change-reference exist on all but list/show commands.",
           "# Regenerate: .venv/conformance/bin/python conformance/az_check.py --dump-options CMD...", ""]
    for n in names:
        if n in core.table:
            cmd = core.table[n]
            src = getattr(cmd.command_source, "extension_name", None) if cmd.command_source else None
            out.append(f"az {n}    [{'extension ' + src if src else 'core azure-cli'}]")
            actions = core.parser.subparser_map[n]._actions
            rows = []
            for act in actions:
                longs = [o for o in act.option_strings if o.startswith("--")]
                if not longs or set(longs) & COMMON_OPTIONS:
                    continue
                if act.help == argparse.SUPPRESS:
                    continue
                flags = []
                if act.required:
                    flags.append("required")
                if act.choices:
                    flags.append("values: " + "|".join(str(c) for c in act.choices))
                if getattr(act, "deprecate_info", None):
                    flags.append("DEPRECATED")
                elif SOFT_DEPRECATION_RE.search(act.help or ""):
                    flags.append("deprecated (help text: " + re.sub(r"\s+", " ", act.help.strip()) + ")")
                shorts = [o for o in act.option_strings if not o.startswith("--")]
                label = " ".join(sorted(longs, key=len, reverse=True) + shorts)
                rows.append(f"  {label}" + (f"    [{'; '.join(flags)}]" if flags else ""))
            out.extend(sorted(rows))
        elif n in exts.commands:
            ext = exts.commands[n]["extension"]
            out.append(f"az {n}    [extension {ext}: NOT installable offline; from {EXTENSION_TABLE.name}]")
            rows = []
            for o in exts.commands[n]["options"]:
                flags = []
                if o.get("required"):
                    flags.append("required")
                if o.get("enum"):
                    flags.append("values: " + "|".join(o["enum"]))
                rows.append("  " + " ".join(o["names"]) + (f"    [{'; '.join(flags)}]" if flags else ""))
            out.extend(sorted(rows))
        else:
            out.append(f"az {n}    [UNKNOWN command]")
        out.append("")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scripts", nargs="*", help="shell scripts to check")
    ap.add_argument("--dump-options", nargs="+", metavar="CMD", help="print the options of these commands")
    ap.add_argument("--quiet", action="store_true", help="print only findings and the summary")
    ns = ap.parse_args(argv)

    exts = ExtensionTables()
    if ns.dump_options:
        core = CoreAz()
        print(dump_options(core, exts, ns.dump_options))
        return 0
    if not ns.scripts:
        ap.error("no scripts given")

    t0 = time.time()
    cmds, findings = collect(ns.scripts)
    core_cmds = [c for c in cmds if not exts.owns(c.args)]
    core = None
    if core_cmds:
        core = CoreAz()
        names = {core.command_name(c.args) for c in core_cmds} - {None}
        core.prepare(names)
    for c in cmds:
        results = exts.check(c) if exts.owns(c.args) else core.check(c)
        for kind, msg in results:
            findings.append(Finding(c.path, c.line, kind, msg, c.text))
    findings.sort(key=lambda f: (f.path, f.line))
    for f in findings:
        print(f.format())
    if not ns.quiet and core is not None:
        print(f"(azure-cli loaded in {core.load_seconds:.1f}s, total {time.time() - t0:.1f}s)")
    print(f"az_check: {len(cmds)} commands in {len(ns.scripts)} files, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # an internal error must not look like "findings" (exit 1)
        import traceback
        traceback.print_exc()
        sys.exit(2)

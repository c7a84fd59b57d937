#!/usr/bin/env python3
"""Check workspace.yml files for `az ml workspace create --file`, and the online endpoint
files (online-endpoint-*.yml) for `az ml online-endpoint create --file`.

    workspace_check.py out/*/workspace.yml      exit 1 on any finding

An online endpoint file must load with azure.ai.ml.load_online_endpoint (the loader the
`ml` extension calls) as a managed endpoint, with public network access disabled (scoring
only through the workspace's private endpoint), a system-assigned identity and an auth mode.

Two layers:
  1. azure.ai.ml.load_workspace(path) -- the same loader the `ml` extension calls --
     must succeed (it rejects bad isolation modes, integer port_ranges, unknown
     top-level keys, malformed ARM ids, ...).
  2. Our own checks for what that loader silently accepts or drops
     (conformance/README.md): unknown keys inside managed_network and inside
     each rule (dropped, so a typo loses every rule), a rule `type` that disagrees with
     its destination's shape (the loader guesses the kind from the shape), duplicate
     rule names (one is lost), names outside the REST pattern, non-string
     port_ranges, protocols other than TCP/UDP/ICMP/*, FQDN/service-tag rules outside
     allow_only_approved_outbound, and FQDN destinations that are not bare host names.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import re
import sys
import time
from contextlib import redirect_stderr
from pathlib import Path

import yaml

# Keys the CLI YAML schema reads (azure/ai/ml/_schema/workspace/networking.py in
# azure-ai-ml 1.35); dump-only keys (status, network_id, category, parent_rule_names)
# are not inputs.
MANAGED_NETWORK_KEYS = {"isolation_mode", "outbound_rules", "firewall_sku"}
ISOLATION_MODES = {"disabled", "allow_internet_outbound", "allow_only_approved_outbound"}
FIREWALL_SKUS = {"standard", "basic"}
RULE_KEYS = {
    "fqdn": {"name", "type", "destination"},
    "service_tag": {"name", "type", "destination"},
    "private_endpoint": {"name", "type", "destination", "fqdns"},
}
DEST_KEYS = {
    "service_tag": {"service_tag", "protocol", "port_ranges", "address_prefixes"},
    "private_endpoint": {"service_resource_id", "subresource_target", "spark_enabled"},
}
DEST_REQUIRED = {
    "service_tag": {"service_tag", "protocol", "port_ranges"},
    "private_endpoint": {"service_resource_id", "subresource_target", "spark_enabled"},
}
RULE_NAME_RE = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$")  # REST API pattern
PROTOCOLS = {"TCP", "UDP", "ICMP", "*"}
HOST_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
FQDN_RE = re.compile(rf"^(\*\.)?({HOST_LABEL}\.)+{HOST_LABEL}$")
PORT_ITEM_RE = re.compile(r"^(\d{1,5})(?:-(\d{1,5}))?$")


class Checker:
    def __init__(self, path: Path):
        self.path = path
        self.findings: list[str] = []

    def add(self, where: str, kind: str, msg: str):
        self.findings.append(f"{self.path}: [{kind}] {where}: {msg}")

    def run(self):
        if self.path.name.startswith("online-endpoint-"):
            self._check_online_endpoint()
            return
        self._load_with_azure_ai_ml()
        try:
            doc = yaml.safe_load(self.path.read_text())
        except yaml.YAMLError as exc:
            self.add("file", "yaml", str(exc).replace("\n", " "))
            return
        if not isinstance(doc, dict):
            self.add("file", "yaml", "top level is not a mapping")
            return
        mn = doc.get("managed_network")
        if mn is None:
            return
        self._check_managed_network(mn)

    def _load_with_azure_ai_ml(self):
        from azure.ai.ml import load_workspace
        # azure-ai-ml loggers carry their own handlers; silence its experimental-field notices.
        for name in list(logging.root.manager.loggerDict):
            if name.startswith("azure.ai.ml"):
                logging.getLogger(name).setLevel(logging.ERROR)
        try:
            # The file as written: amlgen's workspace.yml must load with no edits.
            # azure-ai-ml prints experimental-field notices on stderr; keep output clean.
            with redirect_stderr(io.StringIO()):
                load_workspace(str(self.path))
        except Exception as exc:  # ValidationError and friends
            msg = str(exc)
            # Keep the JSON error body, drop the generic help text that follows it.
            body = msg.split("If you are trying to configure")[0].strip()
            self.add("load_workspace", "azure-ai-ml", " ".join(body.split()))

    def _check_online_endpoint(self):
        from azure.ai.ml import load_online_endpoint
        from azure.ai.ml.entities import ManagedOnlineEndpoint
        try:
            with redirect_stderr(io.StringIO()):
                ep = load_online_endpoint(str(self.path))
        except Exception as exc:  # ValidationError and friends
            self.add("load_online_endpoint", "azure-ai-ml", " ".join(str(exc).split()))
            return
        if not isinstance(ep, ManagedOnlineEndpoint):
            self.add("file", "kind", f"loads as {type(ep).__name__}, not a managed online endpoint")
            return
        # What azure-ai-ml sends (`_to_rest_online_endpoint`), checked on the loaded object.
        if str(ep.public_network_access or "").lower() != "disabled":
            self.add("public_network_access", "bad-value",
                     f"'{ep.public_network_access}': the endpoint would take scoring requests from the "
                     "internet, not only through the workspace's private endpoint")
        identity = getattr(ep.identity, "type", None)
        if str(identity or "").lower() != "system_assigned":
            self.add("identity.type", "bad-value", f"'{identity}' is not system_assigned")
        if ep.auth_mode is None:
            self.add("auth_mode", "missing-key", "no auth_mode: azure-ai-ml would send key")
        if ep.traffic:
            self.add("traffic", "bad-value", "traffic cannot be set when the endpoint is created")

    def _check_managed_network(self, mn):
        where = "managed_network"
        if not isinstance(mn, dict):
            self.add(where, "type", "must be a mapping")
            return
        for k in mn:
            if k not in MANAGED_NETWORK_KEYS:
                self.add(where, "unknown-key", f"'{k}' is not a managed_network key "
                                               f"(allowed: {', '.join(sorted(MANAGED_NETWORK_KEYS))}); "
                                               f"azure-ai-ml drops it silently")
        mode = mn.get("isolation_mode")
        if mode is None:
            self.add(where, "missing-key", "isolation_mode is missing")
        elif str(mode) not in ISOLATION_MODES:
            self.add(f"{where}.isolation_mode", "bad-value",
                     f"'{mode}' is not one of {', '.join(sorted(ISOLATION_MODES))}")
        sku = mn.get("firewall_sku")
        if sku is not None and str(sku) not in FIREWALL_SKUS:
            self.add(f"{where}.firewall_sku", "bad-value", f"'{sku}' is not one of basic, standard")
        rules = mn.get("outbound_rules")
        if rules is None:
            return
        if not isinstance(rules, list):
            self.add(f"{where}.outbound_rules", "type", "must be a list of rules, not a "
                                                       f"{type(rules).__name__}")
            return
        if rules and mode == "disabled":
            self.add(f"{where}.outbound_rules", "bad-value",
                     "outbound rules have no effect when isolation_mode is disabled")
        seen: dict[str, int] = {}
        for i, rule in enumerate(rules):
            self._check_rule(i, rule, mode, seen)

    def _check_rule(self, i, rule, mode, seen):
        where = f"managed_network.outbound_rules[{i}]"
        if not isinstance(rule, dict):
            self.add(where, "type", "a rule must be a mapping")
            return
        name = rule.get("name")
        if name is not None:
            where = f"{where} ({name})"
        if name is None:
            self.add(where, "missing-key", "rule has no name")
        else:
            if not isinstance(name, str) or not RULE_NAME_RE.match(name):
                self.add(where, "bad-name", f"'{name}' does not match {RULE_NAME_RE.pattern} (REST API pattern: "
                                            "3-33 chars, letters/digits/_/-, starting with a letter or digit)")
            if name in seen:
                self.add(where, "duplicate-name", f"rule name '{name}' already used by outbound_rules[{seen[name]}]; "
                                                  "azure-ai-ml keeps only one of them")
            else:
                seen[name] = i
        dest = rule.get("destination")
        shape = _shape(dest)
        declared = rule.get("type")
        if declared is None:
            self.add(where, "missing-key", f"rule has no type (azure-ai-ml would guess '{shape}' from the "
                                           "destination); write it explicitly")
        elif declared not in RULE_KEYS:
            self.add(where, "bad-type", f"type '{declared}' is not one of fqdn, service_tag, private_endpoint")
        elif shape and declared != shape:
            self.add(where, "type-mismatch", f"type is '{declared}' but the destination has the shape of a "
                                             f"'{shape}' rule; azure-ai-ml silently creates a '{shape}' rule")
        # Check the rule azure-ai-ml will actually build: the destination's shape wins.
        kind = shape or (declared if declared in RULE_KEYS else None)
        if kind:
            for k in rule:
                if k not in RULE_KEYS[kind]:
                    self.add(where, "unknown-key", f"'{k}' is not a key of a {kind} rule "
                                                   f"(allowed: {', '.join(sorted(RULE_KEYS[kind]))}); "
                                                   "azure-ai-ml drops it silently")
        if dest is None:
            self.add(where, "missing-key", "rule has no destination")
            return
        if shape is None:
            self.add(f"{where}.destination", "type", "destination must be a host name (fqdn) or a mapping "
                                                     "(service_tag / private_endpoint)")
            return
        if kind in ("fqdn", "service_tag") and mode in ("allow_internet_outbound", "disabled"):
            self.add(where, "mode", f"{kind} rules are only allowed when isolation_mode is "
                                    f"allow_only_approved_outbound (is: {mode})")
        if kind == "fqdn":
            self._check_fqdn(where, dest)
        elif kind in DEST_KEYS and isinstance(dest, dict):
            self._check_dest(where, kind, dest)

    def _check_fqdn(self, where, dest):
        if not isinstance(dest, str):
            self.add(f"{where}.destination", "type", "an fqdn destination must be a string")
            return
        if "://" in dest or "/" in dest:
            self.add(f"{where}.destination", "bad-fqdn", f"'{dest}' is a URL; an fqdn rule takes a host name only")
        elif ":" in dest:
            self.add(f"{where}.destination", "bad-fqdn", f"'{dest}' has a port; fqdn rules take a host name only")
        elif not FQDN_RE.match(dest):
            self.add(f"{where}.destination", "bad-fqdn", f"'{dest}' is not a host name (optionally '*.' prefixed)")

    def _check_dest(self, where, kind, dest):
        w = f"{where}.destination"
        for k in dest:
            if k not in DEST_KEYS[kind]:
                self.add(w, "unknown-key", f"'{k}' is not a key of a {kind} destination "
                                           f"(allowed: {', '.join(sorted(DEST_KEYS[kind]))})")
        for k in sorted(DEST_REQUIRED[kind] - set(dest)):
            self.add(w, "missing-key", f"'{k}' is required for a {kind} destination")
        if kind == "service_tag":
            pr = dest.get("port_ranges")
            if pr is not None:
                if not isinstance(pr, str):
                    self.add(w, "port-ranges", f"port_ranges must be a string such as \"443\" or \"80, 8080\", "
                                               f"not {type(pr).__name__} {pr!r}")
                else:
                    for item in (x.strip() for x in pr.split(",")):
                        m = PORT_ITEM_RE.match(item)
                        if item == "*":
                            continue
                        if not m or not all(0 < int(g) <= 65535 for g in m.groups() if g) \
                                or (m.group(2) and int(m.group(2)) < int(m.group(1))):
                            self.add(w, "port-ranges", f"'{item}' in port_ranges is not a port or port range")
            proto = dest.get("protocol")
            if proto is not None and proto not in PROTOCOLS:
                self.add(w, "protocol", f"protocol '{proto}' is not one of TCP, UDP, ICMP, *")
            prefixes = dest.get("address_prefixes")
            if prefixes is not None and not (isinstance(prefixes, list) and all(isinstance(p, str) for p in prefixes)):
                self.add(w, "type", "address_prefixes must be a list of strings")
        else:
            se = dest.get("spark_enabled")
            if se is not None and not isinstance(se, bool):
                self.add(w, "type", f"spark_enabled must be true or false, not {se!r}")
            rid = dest.get("service_resource_id")
            if isinstance(rid, str) and not rid.lower().startswith("/subscriptions/"):
                self.add(w, "bad-value", f"service_resource_id '{rid}' is not an ARM resource id")


def _shape(dest):
    """The rule kind azure-ai-ml infers from a destination."""
    if isinstance(dest, str):
        return "fqdn"
    if isinstance(dest, dict):
        if "service_resource_id" in dest or "subresource_target" in dest:
            return "private_endpoint"
        if "service_tag" in dest or "port_ranges" in dest or "protocol" in dest or "address_prefixes" in dest:
            return "service_tag"
        return None
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Check workspace.yml files (azure-ai-ml + our checks).")
    ap.add_argument("files", nargs="+")
    ns = ap.parse_args(argv)
    os.environ.setdefault("AZURE_CONFIG_DIR", str(Path(__file__).resolve().parent.parent / ".cache" / "azure"))
    logging.getLogger("azure").setLevel(logging.ERROR)
    t0 = time.time()
    findings = []
    for f in ns.files:
        c = Checker(Path(f))
        c.run()
        findings.extend(c.findings)
    for line in findings:
        print(line)
    print(f"workspace_check: {len(ns.files)} files, {len(findings)} findings ({time.time() - t0:.1f}s)")
    return 1 if findings else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # an internal error must not look like "findings" (exit 1)
        import traceback
        traceback.print_exc()
        sys.exit(2)

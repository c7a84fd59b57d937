#!/usr/bin/env python3
"""Read a rendered runbook.sh (and workspace.yml) back into the normalized architecture.

    runbook_arch.py JOBS.json      JOBS.json: [{"dir": "out/hub-spoke", "env": {"LOCATION": "westeurope"}}]
                                   prints one JSON object per job, as a JSON list, on stdout

The counterpart of tests/support/bicep_eval.rs: both produce the same shape, which
tests/path_equivalence.rs compares. Nothing is executed and nothing contacts Azure.

* The script is read by conformance/shell_extract.py (the lexer az_check.py uses). The job's
  "env" is the caller's environment: `X=${X:-default}` takes it, as the runbook promises.
  A variable assigned from `$(az ... show ... --query Q)` becomes a symbolic reference to
  that resource (`id:TYPE/NAME` for `--query id`, `ref:TYPE/NAME#path` otherwise), so
  `--subnet "${TRAINING_SUBNET_ID}"` is known to name that subnet.
* Every core `az` command is parsed by azure-cli's own parser (az_check.CoreAz, in process):
  option values come from the argparse namespace, defaults included, and AAZ argument
  operations are applied the way AAZCommandCtx applies them. Extension commands (`az ml`,
  `az network firewall`, `az monitor app-insights`) go through the transcribed tables of
  conformance/extension_commands.json.
* `az rest --method put --url .../TYPE/NAME?...` bodies are JSON and read as such;
  workspace.yml is loaded with PyYAML and reported separately (key "workspace_yml").

Resources are keyed "TYPE NAME" (child resources: "TYPE PARENT/CHILD", ARM style), with the
fields listed in tests/path_equivalence.rs. References are "id:TYPE/NAME[/CHILDTYPE/CHILD]".
"""

from __future__ import annotations

import io
import json
import re
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True

from az_check import CoreAz, ExtensionTables, _leading_words, _looks_like_option  # noqa: E402
from shell_extract import PLACEHOLDER_RE, Extractor  # noqa: E402

# azure-ai-ml's own spelling conversions (az ml `--tier dedicated` -> vmPriority "Dedicated";
# managed_network.firewall_sku "standard" -> "Standard").
from azure.ai.ml._utils.utils import _snake_to_camel, snake_to_pascal  # noqa: E402

# azure-cli's keyvault `create_vault` (azure/cli/command_modules/keyvault/custom.py, 2.91.0)
# sets `sku = 'standard'` when --sku is not given; argparse itself leaves it None.
KEYVAULT_DEFAULT_SKU = "standard"

# `az X show` commands: the resource type, and the options that name each level.
SHOW = {
    "group": None,
    "network vnet show": [("Microsoft.Network/virtualNetworks", "--name")],
    "network vnet subnet show": [("Microsoft.Network/virtualNetworks", "--vnet-name"), ("subnets", "--name")],
    "network nsg show": [("Microsoft.Network/networkSecurityGroups", "--name")],
    "network route-table show": [("Microsoft.Network/routeTables", "--name")],
    "network public-ip show": [("Microsoft.Network/publicIPAddresses", "--name")],
    "network nat gateway show": [("Microsoft.Network/natGateways", "--name")],
    "network private-endpoint show": [("Microsoft.Network/privateEndpoints", "--name")],
    "network private-dns zone show": [("Microsoft.Network/privateDnsZones", "--name")],
    "network service-endpoint policy show": [("Microsoft.Network/serviceEndpointPolicies", "--name")],
    "network firewall show": [("Microsoft.Network/azureFirewalls", "--name")],
    "network firewall policy show": [("Microsoft.Network/firewallPolicies", "--name")],
    "storage account show": [("Microsoft.Storage/storageAccounts", "--name")],
    "keyvault show": [("Microsoft.KeyVault/vaults", "--name")],
    "acr show": [("Microsoft.ContainerRegistry/registries", "--name")],
    "monitor log-analytics workspace show": [("Microsoft.OperationalInsights/workspaces", "--workspace-name")],
    "monitor app-insights component show": [("Microsoft.Insights/components", "--app")],
    "ml workspace show": [("Microsoft.MachineLearningServices/workspaces", "--name")],
    "policy assignment show": [("Microsoft.Authorization/policyAssignments", "--name")],
    "identity show": [("Microsoft.ManagedIdentity/userAssignedIdentities", "--name")],
    "ml datastore show": [("Microsoft.MachineLearningServices/workspaces", "--workspace-name"), ("datastores", "--name")],
    "identity show": [("Microsoft.ManagedIdentity/userAssignedIdentities", "--name")],
    "aks show": [("Microsoft.ContainerService/managedClusters", "--name")],
}

# Types an option value names when it is a bare name rather than an ID.
VNET = "Microsoft.Network/virtualNetworks"
NSG = "Microsoft.Network/networkSecurityGroups"
RT = "Microsoft.Network/routeTables"
PIP = "Microsoft.Network/publicIPAddresses"
NAT = "Microsoft.Network/natGateways"
FWP = "Microsoft.Network/firewallPolicies"
SEP = "Microsoft.Network/serviceEndpointPolicies"
ZONE = "Microsoft.Network/privateDnsZones"
WS = "Microsoft.MachineLearningServices/workspaces"
LAW = "Microsoft.OperationalInsights/workspaces"

SYMBOL_RE = re.compile(r"^(id|ref):")


def norm_path(path: str) -> str:
    """A property path as both sides write it: no `properties.`, no case, no underscores."""
    p = re.sub(r"(^|\.)properties\.", r"\1", path)
    return p.replace("_", "").lower()


def ref_to(type_: str, value):
    """`--route-table rt-x` or an ARM ID -> "id:TYPE/NAME"; symbols are kept."""
    if value is None:
        return None
    v = str(value)
    if SYMBOL_RE.match(v):
        return v
    if "/providers/" in v:
        return v  # a full ARM ID: canon_ids() below decides (resource group kept if another)
    return f"id:{type_}/{v}"


ARM_ID_RE = re.compile(r"/subscriptions/[^/\s\"]+/resourceGroups/([^/\s\"]+)/providers/", re.I)


def canon_ids(value, rg: str | None):
    """Full ARM IDs as `id:TYPE/NAME` in the deployment's resource group, else `id:rg(RG)/...`.
    The same rule as tests/path_equivalence.rs applies to the Bicep side."""
    if isinstance(value, str):
        return ARM_ID_RE.sub(lambda m: "id:" if rg and m.group(1).lower() == rg.lower()
                             else f"id:rg({m.group(1)})/", value)
    if isinstance(value, list):
        return [canon_ids(v, rg) for v in value]
    if isinstance(value, dict):
        return {canon_ids(k, rg): canon_ids(v, rg) for k, v in value.items()}
    return value


def to_bool(v):
    if v is None or isinstance(v, bool):
        return v
    s = str(v).lower()
    if s in ("true", "yes", "1"):
        return True
    if s in ("false", "no", "0"):
        return False
    return v


def to_int(v):
    if v is None or isinstance(v, bool):
        return v
    try:
        return int(str(v))
    except ValueError:
        return v


def as_list(v):
    if v is None:
        return None
    if isinstance(v, (list, tuple)):
        out = []
        for x in v:
            out.extend(as_list(x) or [])
        return out
    return [v]


def sorted_list(v):
    lst = as_list(v)
    return None if lst is None else sorted(str(x) for x in lst)


class Extraction(Extractor):
    """shell_extract's lexer, remembering what each `$(...)` ran and what variables hold it."""

    def __init__(self, text: str, env: dict[str, str]):
        super().__init__(text)
        self.env.update(env)
        self.subst: dict[str, list] = {}
        self.symbols: dict[str, str] = {}
        self.resolve = None  # set by the caller: SimpleCommand list -> symbol or None

    def _dollar(self, src, pos, line):
        if src.startswith("$(", pos) and not src.startswith("$((", pos):
            start = len(self.commands)
            pos, line = self._scan(src, pos + 2, line, stop=")")
            ph = self._subst_placeholder()
            self.subst[ph] = self.commands[start:]
            return ph, pos, line
        return super()._dollar(src, pos, line)

    def _lookup(self, name):
        if name in self.symbols and name not in self.env:
            return self.symbols[name]
        return super()._lookup(name)

    def _param_expansion(self, inner):
        if inner in self.symbols and inner not in self.env:
            return self.symbols[inner]
        # `${VNET_ID%/providers/*}`: the resource group's ID, of a resource in this group.
        name, _, pattern = inner.partition("%")
        if pattern == "/providers/*" and name in self.symbols and self.symbols[name].startswith("id:"):
            return f"/subscriptions/__SUBSCRIPTION__/resourceGroups/{self.env.get('RESOURCE_GROUP', '__RG__')}"
        return super()._param_expansion(inner)

    def _finish_command(self, words, line, end_line):
        texts = [w.text for w in words]
        super()._finish_command(words, line, end_line)
        # `X="$(az ... show ...)"`: remember what X refers to.
        if texts and all(re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", t) for t in texts):
            for t in texts:
                name, value = t.split("=", 1)
                m = re.fullmatch(r"__CMD_SUBST_\d+__", value)
                sym = self.resolve(self.subst.get(value, [])) if m and self.resolve else None
                if sym is None and PLACEHOLDER_RE.search(value) and not m:
                    sym = value  # partly unknown: keep the text, so IDs built from it stay readable
                if sym is not None:
                    self.symbols[name] = sym
                    self.env.pop(name, None)
                elif name in self.symbols and not SYMBOL_RE.match(value):
                    del self.symbols[name]


class Runbook:
    def __init__(self, core: CoreAz, exts: ExtensionTables):
        self.core, self.exts = core, exts

    # ------------------------------------------------------------------ parsing
    def parse(self, args: list[str]):
        """(command name, {long option: value}) for one `az` command line, or (None, {})."""
        if self.exts.owns(args):
            return self._parse_extension(args)
        name = self.core.command_name(args)
        if name is None:
            return None, {}
        with redirect_stderr(io.StringIO()), redirect_stdout(io.StringIO()):
            ns, _extras = self.core.parser.parse_known_args(args)
        out = {}
        actions = self.core.parser.subparser_map[name]._actions
        for act in actions:
            longs = [o for o in act.option_strings if o.startswith("--")]
            if not longs or not hasattr(ns, act.dest):
                continue
            val = _aaz_value(getattr(ns, act.dest))
            if val is _UNSET:
                continue
            for o in longs:
                out[o] = val
        # Generic update arguments (`az resource update --set ...`) land in ordered_arguments,
        # in order, not in their own dest.
        ordered = getattr(ns, "ordered_arguments", None) or []
        for opt, values in ordered:
            out[opt] = [*(out.get(opt) or []), *as_list(values)] if isinstance(out.get(opt), list) else as_list(values)
        # az compiles --query into a JMESPath tree; the symbol wants the text.
        for i, a in enumerate(args[:-1]):
            if a == "--query":
                out["--query"] = args[i + 1]
        return name, out

    def _parse_extension(self, args):
        words = _leading_words(args)
        name = None
        for k in range(len(words), 0, -1):
            if " ".join(words[:k]) in self.exts.commands:
                name = " ".join(words[:k])
                break
        if name is None:
            return None, {}
        spec = self.exts.commands[name]
        by_name = {n: o for o in spec["options"] for n in o["names"]}
        out: dict[str, object] = {}
        rest = args[len(name.split()):]
        i = 0
        while i < len(rest):
            tok = rest[i]
            i += 1
            opt, eq, inline = tok.partition("=")
            o = by_name.get(opt)
            if o is None:
                continue
            nargs = o.get("nargs", "1")
            values = []
            if eq:
                values = [inline]
            elif nargs == "1":
                if i < len(rest):
                    values = [rest[i]]
                    i += 1
            elif nargs in ("+", "*", "?"):
                while i < len(rest) and not _looks_like_option(rest[i]):
                    values.append(rest[i])
                    i += 1
                    if nargs == "?":
                        break
            val = values[0] if nargs == "1" and values else (values if nargs in ("+", "*") else
                                                            (values[0] if values else True))
            for n in o["names"]:
                out[n] = val
        return name, out

    def symbol_of(self, cmds) -> str | None:
        """What `$(az ... show ... --query Q --output tsv)` evaluates to, symbolically."""
        for sc in reversed(cmds):
            if not sc.words or sc.words[0] != "az":
                continue
            name, o = self.parse(sc.words[1:])
            # The signed-in tenant, as Bicep's tenant().tenantId.
            if name == "account show" and o.get("--query") == "tenantId":
                return "ref:tenant#tenantid"
            # The deployment's resource group, as Bicep's resourceGroup().id.
            if name == "group show" and o.get("--query") == "id":
                return "id:resourcegroup"
            # A service principal's object ID, by its application ID: the value deploy.sh gives
            # a main.bicep parameter marked `servicePrincipalOfApplication` (the evaluator's
            # stand-in for it is the same symbol).
            if name == "ad sp show" and o.get("--query") == "id":
                return f"ref:serviceprincipal/{str(o.get('--id')).lower()}#id"
            # `az rest --method get --url <ID>?api-version=... --query Q`: a property of the
            # resource at that ID.
            if name == "rest" and str(o.get("--method", "get")).lower() == "get":
                url = str(o.get("--url", "")).split("?", 1)[0]
                query = o.get("--query")
                if url.startswith("id:") and query:
                    return f"ref:{url[3:]}#{norm_path(str(query))}"
                return None
            levels = SHOW.get(name or "")
            if not levels:
                return None
            parts = []
            for typ, opt in levels:
                parts += [typ, str(o.get(opt))]
            path = "/".join(parts)
            words = sc.words
            query = next((words[i + 1] for i in range(len(words) - 1) if words[i] == "--query"), None)
            if query == "id":
                return f"id:{path}"
            return f"ref:{path}#{norm_path(str(query))}"
        return None

    # ------------------------------------------------------------------ model
    def read(self, text: str, env: dict[str, str], base: Path = Path(".")) -> dict:
        ex = Extraction(text, env)
        ex.resolve = self.symbol_of
        cmds = ex.run()
        model = Model(base)
        unknown = []
        for sc in cmds:
            # `printf FORMAT ARGS > "${WORKSPACE_YAML}"`: the workspace YAML the runbook writes at
            # run time (redirections are dropped; the next `--file` that is no file of the render
            # folder is this text).
            if sc.words and sc.words[0] == "printf" and len(sc.words) > 1:
                model.printed = sc.words[1].replace("\\n", "\n") % tuple(sc.words[2:])
                continue
            if not sc.words or sc.words[0] != "az":
                continue
            name, o = self.parse(sc.words[1:])
            if name is None:
                unknown.append(f"line {sc.line}: az {' '.join(sc.words[1:4])}")
                continue
            handler = HANDLERS.get(name)
            if handler is not None:
                handler(model, o, sc)
            elif name.split()[-1] not in READ_ONLY_VERBS and name not in NOT_ARCHITECTURE:
                # Something this reader does not model may create or change a resource: say so
                # rather than compare an architecture with a hole in it.
                unknown.append(f"line {sc.line}: az {name} (no reader in runbook_arch.py)")
        model.finish()
        rg = ex.env.get("RESOURCE_GROUP")
        return {"resources": canon_ids(model.resources, rg), "arm": canon_ids(model.arm, rg),
                "unread": unknown, "resource_group": rg}


_UNSET = object()


def _aaz_value(v):
    """A namespace value as plain data: AAZ operations applied, AAZUndefined dropped."""
    from azure.cli.core.aaz._arg_action import AAZArgActionOperations, _ELEMENT_APPEND_KEY
    from azure.cli.core.aaz._base import AAZUndefined
    if v is AAZUndefined:
        return _UNSET
    if isinstance(v, AAZArgActionOperations):
        root: dict = {}
        for keys, data in v._ops:
            cur, key = root, "v"
            for k in keys:
                fresh = [] if (k == _ELEMENT_APPEND_KEY or isinstance(k, int)) else {}
                if isinstance(cur, list):
                    while len(cur) <= key:
                        cur.append(None)
                    if cur[key] is None:
                        cur[key] = fresh
                elif key not in cur:
                    cur[key] = fresh
                cur = cur[key]
                key = len(cur) if k == _ELEMENT_APPEND_KEY else k
            if isinstance(cur, list):
                while len(cur) <= key:
                    cur.append(None)
            cur[key] = data
        return root.get("v", _UNSET)
    if type(v).__name__ in ("DefaultStr", "DefaultInt"):
        return type(v).__mro__[1](v)
    return v


class Model:
    def __init__(self, base: Path = Path(".")):
        self.resources: dict[str, dict] = {}
        self.rg_location = None
        self.base = base  # the render folder, for `--file` paths
        self.printed = None  # the last `printf` text, a file the runbook writes at run time
        # ARM bodies the runbook PUTs whole (`az rest`) for a resource type this reader leaves to
        # tests/path_equivalence.rs, which normalizes them as it normalizes main.bicep's.
        self.arm: list[dict] = []

    def put(self, type_: str, name: str, **fields):
        r = self.resources.setdefault(f"{type_} {name}", {})
        r.update(fields)
        return r

    def loc(self, o):
        return o.get("--location") or self.rg_location

    def finish(self):
        pass


# ---------------------------------------------------------------------- handlers
def h_group(m: Model, o, sc):
    m.rg_location = o.get("--location")


def h_law(m, o, sc):
    m.put(LAW, o.get("--workspace-name"), location=m.loc(o), retentionInDays=to_int(o.get("--retention-time")),
          sku=o.get("--sku"), publicNetworkAccessForIngestion=o.get("--ingestion-access"),
          publicNetworkAccessForQuery=o.get("--query-access"))


def h_appi(m, o, sc):
    m.put("Microsoft.Insights/components", o.get("--app"), location=m.loc(o), kind=o.get("--kind"),
          applicationType=o.get("--application-type"), workspace=ref_to(LAW, o.get("--workspace")),
          publicNetworkAccessForIngestion=o.get("--ingestion-access"),
          publicNetworkAccessForQuery=o.get("--query-access"))


def h_storage(m, o, sc):
    m.put("Microsoft.Storage/storageAccounts", o.get("--name"), location=m.loc(o), sku=o.get("--sku"),
          kind=o.get("--kind"), accessTier=o.get("--access-tier"),
          allowBlobPublicAccess=to_bool(o.get("--allow-blob-public-access")),
          allowCrossTenantReplication=to_bool(o.get("--allow-cross-tenant-replication")),
          allowSharedKeyAccess=to_bool(o.get("--allow-shared-key-access")),
          minimumTlsVersion=o.get("--min-tls-version"),
          supportsHttpsTrafficOnly=to_bool(o.get("--https-only")),
          publicNetworkAccess=o.get("--public-network-access"),
          networkAclsDefaultAction=o.get("--default-action"),
          networkAclsBypass=sorted_list(o.get("--bypass")),
          requireInfrastructureEncryption=to_bool(o.get("--require-infrastructure-encryption")))


def h_keyvault(m, o, sc):
    m.put("Microsoft.KeyVault/vaults", o.get("--name"), location=m.loc(o),
          sku=(o.get("--sku") or KEYVAULT_DEFAULT_SKU).lower(),
          enableRbacAuthorization=to_bool(o.get("--enable-rbac-authorization")),
          enablePurgeProtection=to_bool(o.get("--enable-purge-protection")),
          softDeleteRetentionInDays=to_int(o.get("--retention-days")),
          publicNetworkAccess=o.get("--public-network-access"),
          networkAclsDefaultAction=o.get("--default-action"),
          networkAclsBypass=sorted_list(o.get("--bypass")))


def h_acr(m, o, sc):
    pna = o.get("--public-network-enabled")
    pna = None if pna is None else ("Enabled" if to_bool(pna) else "Disabled")
    trusted = o.get("--allow-trusted-services")
    bypass = None if trusted is None else ("AzureServices" if to_bool(trusted) else "None")
    exports = o.get("--allow-exports")
    m.put("Microsoft.ContainerRegistry/registries", o.get("--name"), location=m.loc(o), sku=o.get("--sku"),
          adminUserEnabled=to_bool(o.get("--admin-enabled")), publicNetworkAccess=pna,
          networkRuleBypassOptions=bypass,
          exportPolicyStatus=None if exports is None else ("enabled" if to_bool(exports) else "disabled"))


def h_acr_retention(m, o, sc):
    m.put("Microsoft.ContainerRegistry/registries", o.get("--registry"),
          retentionDays=to_int(o.get("--days")), retentionStatus=o.get("--status"))


def h_vnet(m, o, sc):
    name = o.get("--name")
    m.put(VNET, name, location=m.loc(o), addressPrefixes=sorted_list(o.get("--address-prefixes")),
          dnsServers=as_list(o.get("--dns-servers")))
    if o.get("--subnet-name"):
        m.put(f"{VNET}/subnets", f"{name}/{o['--subnet-name']}",
              addressPrefixes=sorted_list(o.get("--subnet-prefixes")))


def h_subnet(m, o, sc):
    vnet = o.get("--vnet-name")
    ses = o.get("--service-endpoints")
    sep = o.get("--service-endpoint-policy")
    m.put(f"{VNET}/subnets", f"{vnet}/{o.get('--name')}",
          addressPrefixes=sorted_list(o.get("--address-prefixes")),
          networkSecurityGroup=ref_to(NSG, o.get("--network-security-group")),
          routeTable=ref_to(RT, o.get("--route-table")),
          serviceEndpoints=sorted_list(ses),
          serviceEndpointPolicies=None if sep is None else sorted(ref_to(SEP, x) for x in as_list(sep)),
          privateEndpointNetworkPolicies=o.get("--private-endpoint-network-policies"),
          defaultOutboundAccess=to_bool(o.get("--default-outbound-access")),
          natGateway=ref_to(NAT, o.get("--nat-gateway")),
          delegations=sorted_list(o.get("--delegations")) or None)


def h_subnet_update(m, o, sc):
    """`az network vnet subnet update --route-table`: the runbook attaches each compute subnet's
    table on every run; the subnet keeps what its create set otherwise."""
    r = m.put(f"{VNET}/subnets", f"{o.get('--vnet-name')}/{o.get('--name')}")
    if o.get("--route-table") is not None:
        r["routeTable"] = ref_to(RT, o.get("--route-table"))


def h_nsg(m, o, sc):
    m.put(NSG, o.get("--name"), location=m.loc(o))


def h_nsg_rule(m, o, sc):
    m.put(f"{NSG}/securityRules", f"{o.get('--nsg-name')}/{o.get('--name')}",
          priority=to_int(o.get("--priority")), direction=o.get("--direction"), access=o.get("--access"),
          protocol=o.get("--protocol"),
          sourceAddressPrefixes=sorted_list(o.get("--source-address-prefixes")),
          sourcePortRanges=sorted_list(o.get("--source-port-ranges")),
          destinationAddressPrefixes=sorted_list(o.get("--destination-address-prefixes")),
          destinationPortRanges=sorted_list(o.get("--destination-port-ranges")))


def h_rt(m, o, sc):
    m.put(RT, o.get("--name"), location=m.loc(o),
          disableBgpRoutePropagation=to_bool(o.get("--disable-bgp-route-propagation")))


def h_route(m, o, sc):
    m.put(f"{RT}/routes", f"{o.get('--route-table-name')}/{o.get('--name')}",
          addressPrefix=o.get("--address-prefix"), nextHopType=o.get("--next-hop-type"),
          nextHopIpAddress=o.get("--next-hop-ip-address"))


def h_pip(m, o, sc):
    m.put(PIP, o.get("--name"), location=m.loc(o), sku=o.get("--sku"),
          allocationMethod=o.get("--allocation-method"))


def h_nat(m, o, sc):
    ips = o.get("--public-ip-addresses")
    m.put(NAT, o.get("--name"), location=m.loc(o), sku=o.get("--sku"),
          idleTimeoutInMinutes=to_int(o.get("--idle-timeout")),
          publicIpAddresses=None if ips is None else sorted(ref_to(PIP, x) for x in as_list(ips)))


def h_fw_policy(m, o, sc):
    m.put(FWP, o.get("--name"), location=m.loc(o), sku=o.get("--sku"),
          threatIntelMode=o.get("--threat-intel-mode"), dnsProxy=to_bool(o.get("--enable-dns-proxy")))


def h_rcg(m, o, sc):
    m.put(f"{FWP}/ruleCollectionGroups", f"{o.get('--policy-name')}/{o.get('--name')}",
          priority=to_int(o.get("--priority")))


def h_filter_collection(m, o, sc):
    base = f"{o.get('--policy-name')}/{o.get('--rule-collection-group-name')}/{o.get('--name')}"
    m.put(f"{FWP}/ruleCollectionGroups/ruleCollections", base,
          ruleCollectionType="FirewallPolicyFilterRuleCollection",
          priority=to_int(o.get("--collection-priority")), action=o.get("--action"))
    protocols = o.get("--protocols")
    # Rules keyed by group, type and name (not collection): see tests/path_equivalence.rs.
    group = f"{o.get('--policy-name')}/{o.get('--rule-collection-group-name')}"
    m.put(f"{FWP}/ruleCollectionGroups/rules", f"{group}/{o.get('--rule-type')}:{o.get('--rule-name')}",
          collection=o.get("--name"), collectionPriority=to_int(o.get("--collection-priority")),
          collectionAction=o.get("--action"),
          ruleType=o.get("--rule-type"),
          ipProtocols=sorted_list(o.get("--ip-protocols")),
          protocols=None if protocols is None else sorted(p.replace("=", ":") for p in as_list(protocols)),
          sourceAddresses=sorted_list(o.get("--source-addresses")),
          destinationAddresses=sorted_list(o.get("--destination-addresses")),
          destinationFqdns=sorted_list(o.get("--destination-fqdns")),
          destinationPorts=sorted_list(o.get("--destination-ports")),
          targetFqdns=sorted_list(o.get("--target-fqdns")),
          fqdnTags=sorted_list(o.get("--fqdn-tags")))


def put_rule_collection_group(m, group: str, props: dict):
    """A rule collection group PUT as one body: the same resources the `az network firewall
    policy rule-collection-group` commands give, rules keyed by group, type and name."""
    m.put(f"{FWP}/ruleCollectionGroups", group, priority=props.get("priority"))
    for c in props.get("ruleCollections") or []:
        action = (c.get("action") or {}).get("type")
        m.put(f"{FWP}/ruleCollectionGroups/ruleCollections", f"{group}/{c.get('name')}",
              ruleCollectionType=c.get("ruleCollectionType"), priority=c.get("priority"), action=action)
        for r in c.get("rules") or []:
            protocols = r.get("protocols")
            m.put(f"{FWP}/ruleCollectionGroups/rules", f"{group}/{r.get('ruleType')}:{r.get('name')}",
                  collection=c.get("name"), collectionPriority=c.get("priority"), collectionAction=action,
                  ruleType=r.get("ruleType"),
                  ipProtocols=sorted_list(r.get("ipProtocols")),
                  protocols=None if protocols is None
                  else sorted(f"{p.get('protocolType')}:{p.get('port')}" for p in protocols),
                  sourceAddresses=sorted_list(r.get("sourceAddresses")),
                  destinationAddresses=sorted_list(r.get("destinationAddresses")),
                  destinationFqdns=sorted_list(r.get("destinationFqdns")),
                  destinationPorts=sorted_list(r.get("destinationPorts")),
                  targetFqdns=sorted_list(r.get("targetFqdns")),
                  fqdnTags=sorted_list(r.get("fqdnTags")))


def h_firewall(m, o, sc):
    vnet = o.get("--vnet-name")
    m.put("Microsoft.Network/azureFirewalls", o.get("--name"), location=m.loc(o), skuName=o.get("--sku"),
          skuTier=o.get("--tier"), firewallPolicy=ref_to(FWP, o.get("--firewall-policy")),
          subnet=None if vnet is None else f"{ref_to(VNET, vnet)}/subnets/AzureFirewallSubnet",
          publicIpAddress=ref_to(PIP, o.get("--public-ip")), ipConfigName=o.get("--conf-name"),
          managementPublicIpAddress=ref_to(PIP, o.get("--m-public-ip")))


def h_peering(m, o, sc):
    m.put(f"{VNET}/virtualNetworkPeerings", f"{o.get('--vnet-name')}/{o.get('--name')}",
          remoteVirtualNetwork=ref_to(VNET, o.get("--remote-vnet")),
          allowVirtualNetworkAccess=to_bool(o.get("--allow-vnet-access")),
          allowForwardedTraffic=to_bool(o.get("--allow-forwarded-traffic")),
          allowGatewayTransit=to_bool(o.get("--allow-gateway-transit")),
          useRemoteGateways=to_bool(o.get("--use-remote-gateways")))


def h_zone(m, o, sc):
    m.put(ZONE, o.get("--name"))


def h_zone_link(m, o, sc):
    m.put(f"{ZONE}/virtualNetworkLinks", f"{o.get('--zone-name')}/{o.get('--name')}",
          virtualNetwork=ref_to(VNET, o.get("--virtual-network")),
          registrationEnabled=to_bool(o.get("--registration-enabled")),
          resolutionPolicy=o.get("--resolution-policy"))


def h_pe(m, o, sc):
    subnet = o.get("--subnet")
    if subnet is not None and not SYMBOL_RE.match(str(subnet)) and "/" not in str(subnet):
        subnet = f"id:{VNET}/{o.get('--vnet-name')}/subnets/{subnet}"
    else:
        subnet = ref_to(VNET, subnet)
    m.put("Microsoft.Network/privateEndpoints", o.get("--name"), location=m.loc(o), subnet=subnet,
          privateLinkServiceId=ref_to("", o.get("--private-connection-resource-id")),
          groupIds=sorted_list(o.get("--group-id") or o.get("--group-ids")),
          connectionName=o.get("--connection-name"))


def h_zone_group(m, o, sc):
    r = m.put("Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
              f"{o.get('--endpoint-name')}/{o.get('--name')}")
    zones = set(r.get("zones") or [])
    zones.add(f"{o.get('--zone-name')}={ref_to(ZONE, o.get('--private-dns-zone'))}")
    r["zones"] = sorted(zones)


def h_diag(m, o, sc):
    """`az monitor diagnostic-settings create`: keyed like the Bicep side, by the logged resource."""
    logs = o.get("--logs") or []
    # azure-cli's AAZ parser has already read the JSON into a list of objects.
    if isinstance(logs, str):
        logs = json.loads(logs)
    cats = sorted(str(x.get("category")) for x in logs if to_bool(x.get("enabled")))
    m.put("Microsoft.Insights/diagnosticSettings", f"{ref_to('', o.get('--resource'))}|{o.get('--name')}",
          workspace=ref_to(LAW, o.get("--workspace")), logs=cats)


def h_sep(m, o, sc):
    m.put(SEP, o.get("--name"), location=m.loc(o))


def h_sep_def(m, o, sc):
    m.put(f"{SEP}/serviceEndpointPolicyDefinitions", f"{o.get('--policy-name')}/{o.get('--name')}",
          service=o.get("--service"), serviceResources=sorted_list(o.get("--service-resources")))


def h_rest(m, o, sc):
    """`az rest --method put --url <ID>?api-version=...`: the body is the resource."""
    if str(o.get("--method", "")).lower() != "put":
        return
    url = str(o.get("--url", "")).split("?", 1)[0]
    m0 = re.search(r"/providers/(.+)$", url)
    if m0 and (not url.startswith("id:") or url.startswith("id:resourcegroup/providers/")):
        url = "id:" + m0.group(1)
    body = json.loads(o.get("--body") or "{}")
    # The workspace, PUT whole where az ml cannot name the identity that reads its key: the
    # body is main.bicep's, normalized on the Rust side like main.bicep's.
    mres = re.fullmatch(r"id:(Microsoft\.MachineLearningServices/workspaces)/([^/]+)", url)
    if mres:
        m.arm.append({"type": mres.group(1), "name": mres.group(2), "body": body})
        return
    props = body.get("properties", {})
    msep = re.fullmatch(r"id:Microsoft\.Network/serviceEndpointPolicies/([^/]+)/serviceEndpointPolicyDefinitions/([^/]+)",
                        url)
    if msep:
        m.put(f"{SEP}/serviceEndpointPolicyDefinitions", f"{msep.group(1)}/{msep.group(2)}",
              service=props.get("service"), serviceResources=sorted_list(props.get("serviceResources")))
        return
    mres = re.fullmatch(r"id:Microsoft\.Network/firewallPolicies/([^/]+)/ruleCollectionGroups/([^/]+)", url)
    if mres:
        put_rule_collection_group(m, f"{mres.group(1)}/{mres.group(2)}", props)
        return
    mres = re.fullmatch(r"id:(Microsoft\.Network/dnsResolvers)/([^/]+)", url)
    if mres:
        m.put(mres.group(1), mres.group(2), location=body.get("location"),
              virtualNetwork=ref_to(VNET, (props.get("virtualNetwork") or {}).get("id")))
        return
    mres = re.fullmatch(r"id:Microsoft\.Network/dnsResolvers/([^/]+)/inboundEndpoints/([^/]+)", url)
    if mres:
        ip = (props.get("ipConfigurations") or [{}])[0]
        m.put("Microsoft.Network/dnsResolvers/inboundEndpoints", f"{mres.group(1)}/{mres.group(2)}",
              location=body.get("location"), subnet=(ip.get("subnet") or {}).get("id"),
              privateIpAllocationMethod=ip.get("privateIpAllocationMethod"))
        return
    mres = re.fullmatch(r"id:Microsoft\.KeyVault/vaults/([^/]+)/keys/([^/]+)", url)
    if mres:
        m.put("Microsoft.KeyVault/vaults/keys", f"{mres.group(1)}/{mres.group(2)}",
              kty=props.get("kty"), keySize=props.get("keySize"))
        return
    mres = re.fullmatch(r"id:(Microsoft\.Insights/privateLinkScopes)/([^/]+)", url)
    if mres:
        modes = props.get("accessModeSettings") or {}
        m.put(mres.group(1), mres.group(2), location=body.get("location"),
              ingestionAccessMode=modes.get("ingestionAccessMode"), queryAccessMode=modes.get("queryAccessMode"))
        return
    mres = re.fullmatch(r"id:Microsoft\.Insights/privateLinkScopes/([^/]+)/scopedResources/([^/]+)", url)
    if mres:
        m.put("Microsoft.Insights/privateLinkScopes/scopedResources", f"{mres.group(1)}/{mres.group(2)}",
              linkedResource=ref_to("", props.get("linkedResourceId")))
        return
    mres = re.fullmatch(r"id:Microsoft\.Network/bastionHosts/([^/]+)", url)
    if mres:
        ip = ((props.get("ipConfigurations") or [{}])[0]).get("properties") or {}
        m.put("Microsoft.Network/bastionHosts", mres.group(1), location=body.get("location"),
              sku=(body.get("sku") or {}).get("name"), subnet=(ip.get("subnet") or {}).get("id"),
              publicIpAddress=(ip.get("publicIPAddress") or {}).get("id"),
              enableTunneling=props.get("enableTunneling"))
        return
    # The way in (modules/wayIn.bicep): the fields tests/path_equivalence.rs reads from the Bicep.
    mres = re.fullmatch(r"id:(Microsoft\.Network/networkInterfaces)/([^/]+)", url)
    if mres:
        m.put(mres.group(1), mres.group(2), **nic_fields(body))
        return
    mres = re.fullmatch(r"id:(Microsoft\.Compute/virtualMachines)/([^/]+)", url)
    if mres:
        m.put(mres.group(1), mres.group(2), **vm_fields(body))
        return
    mres = re.fullmatch(r"id:Microsoft\.Compute/virtualMachines/([^/]+)/extensions/([^/]+)", url)
    if mres:
        m.put("Microsoft.Compute/virtualMachines/extensions", f"{mres.group(1)}/{mres.group(2)}",
              **extension_fields(body))
        return
    mres = re.fullmatch(r"id:(Microsoft\.DevTestLab/schedules)/([^/]+)", url)
    if mres:
        m.put(mres.group(1), mres.group(2), **schedule_fields(body))
        return
    mres = re.fullmatch(r"id:(Microsoft\.Network/virtualNetworkGateways)/([^/]+)", url)
    if mres:
        m.put(mres.group(1), mres.group(2), **vpn_gateway_fields(body))
        return
    mres = re.fullmatch(r"id:Microsoft\.MachineLearningServices/workspaces/([^/]+)/datastores/([^/]+)", url)
    if mres:
        m.put(f"{WS}/datastores", f"{mres.group(1)}/{mres.group(2)}", **datastore_fields(props))
        return
    m.put("unread-az-rest", url, body=body)


def nic_fields(body: dict) -> dict:
    ip = (((body.get("properties") or {}).get("ipConfigurations") or [{}])[0]).get("properties") or {}
    return {"location": body.get("location"), "subnet": (ip.get("subnet") or {}).get("id"),
            "privateIPAllocationMethod": ip.get("privateIPAllocationMethod"),
            "publicIPAddress": (ip.get("publicIPAddress") or {}).get("id")}


def vm_fields(body: dict) -> dict:
    p = body.get("properties") or {}
    st, os_, sec = p.get("storageProfile") or {}, p.get("osProfile") or {}, p.get("securityProfile") or {}
    lc = os_.get("linuxConfiguration") or {}
    disk = st.get("osDisk") or {}
    return {"location": body.get("location"), "identity": (body.get("identity") or {}).get("type"),
            "vmSize": (p.get("hardwareProfile") or {}).get("vmSize"),
            "image": st.get("imageReference"), "osDiskCreateOption": disk.get("createOption"),
            "osDiskDeleteOption": disk.get("deleteOption"),
            "osDiskType": (disk.get("managedDisk") or {}).get("storageAccountType"),
            "computerName": os_.get("computerName"), "adminUsername": os_.get("adminUsername"),
            "adminPassword": os_.get("adminPassword"),
            "disablePasswordAuthentication": lc.get("disablePasswordAuthentication"),
            "sshPublicKeys": (lc.get("ssh") or {}).get("publicKeys"),
            "securityType": sec.get("securityType"), "uefiSettings": sec.get("uefiSettings"),
            "networkInterfaces": (p.get("networkProfile") or {}).get("networkInterfaces")}


def extension_fields(body: dict) -> dict:
    p = body.get("properties") or {}
    return {"location": body.get("location"), "publisher": p.get("publisher"), "type": p.get("type"),
            "typeHandlerVersion": p.get("typeHandlerVersion"),
            "autoUpgradeMinorVersion": p.get("autoUpgradeMinorVersion")}


def schedule_fields(body: dict) -> dict:
    p = body.get("properties") or {}
    return {"location": body.get("location"), "status": p.get("status"), "taskType": p.get("taskType"),
            "time": (p.get("dailyRecurrence") or {}).get("time"), "timeZoneId": p.get("timeZoneId"),
            "targetResourceId": p.get("targetResourceId"),
            "notifications": (p.get("notificationSettings") or {}).get("status")}


def vpn_gateway_fields(body: dict) -> dict:
    p = body.get("properties") or {}
    ip = ((p.get("ipConfigurations") or [{}])[0]).get("properties") or {}
    c = p.get("vpnClientConfiguration") or {}
    return {"location": body.get("location"), "gatewayType": p.get("gatewayType"), "vpnType": p.get("vpnType"),
            "generation": p.get("vpnGatewayGeneration"), "sku": (p.get("sku") or {}).get("name"),
            "activeActive": p.get("activeActive"), "enableBgp": p.get("enableBgp"),
            "subnet": (ip.get("subnet") or {}).get("id"), "publicIPAddress": (ip.get("publicIPAddress") or {}).get("id"),
            "clientAddressPool": (c.get("vpnClientAddressPool") or {}).get("addressPrefixes"),
            "protocols": c.get("vpnClientProtocols"), "authenticationTypes": c.get("vpnAuthenticationTypes"),
            "aadTenant": c.get("aadTenant"), "aadAudience": c.get("aadAudience"), "aadIssuer": c.get("aadIssuer")}


def datastore_fields(props: dict) -> dict:
    """A datastore's ARM properties, as tests/path_equivalence.rs reads the Bicep side."""
    return dict(datastoreType=props.get("datastoreType"), accountName=props.get("accountName"),
                containerName=props.get("containerName"), fileShareName=props.get("fileShareName"),
                endpoint=props.get("endpoint"), protocol=props.get("protocol"),
                credentialsType=(props.get("credentials") or {}).get("credentialsType"),
                serviceDataAccessAuthIdentity=props.get("serviceDataAccessAuthIdentity"))


def _identity_fields(doc: dict) -> dict:
    """azure-ai-ml's workspace `identity` and `primary_user_assigned_identity`, as ARM's identity
    type, user-assigned identity IDs and primary one; without `identity` azure-ai-ml creates a
    system-assigned identity."""
    ident = doc.get("identity") or {}
    return dict(identityType=snake_to_pascal(str(ident.get("type") or "system_assigned")),
                userAssignedIdentities=sorted(str(k).strip("'") for k in (ident.get("user_assigned_identities") or {})) or None,
                primaryUserAssignedIdentity=doc.get("primary_user_assigned_identity"))


def h_ws(m, o, sc):
    identity = {}
    if o.get("--file") and m.printed is not None and not (m.base / str(o["--file"])).exists():
        # A workspace YAML the runbook writes at run time (the identity az ml has no option
        # for); the options apply on top of it.
        import yaml
        identity = _identity_fields(yaml.safe_load(m.printed) or {})
    elif o.get("--file"):
        # `az ml workspace create --file workspace.yml`: that file is this path's workspace.
        path = m.base / str(o["--file"])
        if not path.exists():
            m.put(WS, o.get("--name") or "?", file=f"missing: {o['--file']}")
            return
        for key, fields in read_workspace_yml(path).items():
            m.resources.setdefault(key, {}).update(fields)
        return
    mn = o.get("--managed-network")
    m.put(WS, o.get("--name"), location=m.loc(o), friendlyName=o.get("--display-name"),
          storageAccount=ref_to("Microsoft.Storage/storageAccounts", o.get("--storage-account")),
          keyVault=ref_to("Microsoft.KeyVault/vaults", o.get("--key-vault")),
          containerRegistry=ref_to("Microsoft.ContainerRegistry/registries", o.get("--container-registry")),
          applicationInsights=ref_to("Microsoft.Insights/components", o.get("--application-insights")),
          publicNetworkAccess=o.get("--public-network-access"), isolationMode=mn,
          imageBuildCompute=o.get("--image-build-compute"),
          systemDatastoresAuthMode=o.get("--system-datastores-auth-mode"),
          # ARM's provisionNetworkNow defaults to false; `az ml workspace provision-network`
          # (h_provision) sets it afterwards.
          provisionNetworkNow=bool(o.get("--provision-network-now")),
          **_managed_network_defaults(mn),
          # hbiWorkspace: ARM's default false unless `--set hbi_workspace=true` says otherwise.
          **{"hbiWorkspace": False, **_set_fields(o.get("--set"))},
          **(identity or _identity_fields({})))


def _managed_network_defaults(mode) -> dict:
    """What a new workspace with a managed VNet gets when az ml names neither (it has no
    option for them): managedNetworkKind V1 and enableNetworkMonitor off."""
    if not mode or str(mode).lower() == "disabled":
        return {}
    return dict(managedNetworkKind="V1", enableNetworkMonitor=False)


def h_resource_update(m, o, sc):
    """`az resource update --ids <workspace id> --set properties.managedNetwork.X=Y`: GET, change,
    PUT of the one workspace (the runbook sets what az ml has no option for)."""
    sets = {}
    for s in as_list(o.get("--set")) or []:
        k, _, v = str(s).partition("=")
        key = norm_path(k)
        if key == "managednetwork.managednetworkkind":
            sets["managedNetworkKind"] = v
        elif key == "managednetwork.enablenetworkmonitor":
            sets["enableNetworkMonitor"] = to_bool(v)
        else:
            sets[f"set:{k}"] = v
    ids = as_list(o.get("--ids")) or []
    target = len(ids) == 1 and re.fullmatch(r"id:Microsoft\.MachineLearningServices/workspaces/([^/]+)", str(ids[0]))
    if not target:
        m.put("unread-resource-update", str(o.get("--ids")), **sets)
        return
    m.put(WS, target.group(1), **sets)


def _set_fields(sets):
    """`--set serverless_compute.custom_subnet=... serverless_compute.no_public_ip=true` etc."""
    out = {}
    for s in as_list(sets) or []:
        k, _, v = str(s).partition("=")
        key = norm_path(k)
        if key in ("serverlesscompute.customsubnet", "serverlesscomputesettings.serverlesscomputecustomsubnet"):
            out["serverlessComputeSubnet"] = ref_to(VNET, v)
        elif key in ("serverlesscompute.nopublicip", "serverlesscomputesettings.serverlesscomputenopublicip"):
            out["serverlessComputeNoPublicIp"] = to_bool(v)
        elif key in ("managednetwork.firewallsku",):
            out["firewallSku"] = _snake_to_camel(v)
        elif key == "hbiworkspace":
            out["hbiWorkspace"] = to_bool(v)
        elif key == "customermanagedkey.keyvault":
            # azure-ai-ml sends encryption.status Enabled with a customer-managed key.
            out["encryptionStatus"] = "Enabled"
            out["encryptionKeyVault"] = v
        elif key == "customermanagedkey.keyuri":
            out["encryptionKeyUri"] = v
        else:
            out[f"set:{k}"] = v
    return out


def h_ws_update(m, o, sc):
    r = m.put(WS, o.get("--name"))
    if o.get("--image-build-compute"):
        r["imageBuildCompute"] = o.get("--image-build-compute")
    if o.get("--public-network-access"):
        r["publicNetworkAccess"] = o.get("--public-network-access")
    if o.get("--system-datastores-auth-mode"):
        r["systemDatastoresAuthMode"] = o.get("--system-datastores-auth-mode")
    r.update(_set_fields(o.get("--set")))


def h_provision(m, o, sc):
    m.put(WS, o.get("--name"), provisionNetworkNow=True)


def h_outbound(m, o, sc):
    t = str(o.get("--type", "")).lower()
    if t == "fqdn":
        dest = o.get("--destination")
    elif t == "service_tag":
        dest = (f"serviceTag={o.get('--service-tag')} protocol={o.get('--protocol')} "
                f"ports={o.get('--port-ranges')}")
        if o.get("--address-prefixes"):
            dest += f" addressPrefixes={o.get('--address-prefixes')}"
    else:
        dest = (f"resource={ref_to('', o.get('--service-resource-id'))} "
                f"subresource={o.get('--subresource-target')} spark={to_bool(o.get('--spark-enabled'))}")
    m.put(f"{WS}/outboundRules", f"{o.get('--workspace-name')}/{o.get('--rule')}", type=t, destination=dest)


def compute_disables_local_auth(o) -> bool:
    """What azure-ai-ml sends as `disableLocalAuth` (entities/_compute: an AmlCompute without
    SSH settings, a ComputeInstance unless SSH public access is enabled)."""
    ssh = any(o.get(k) for k in ("--admin-username", "--admin-password", "--ssh-key-value"))
    if str(o.get("--type", "")).lower() == "computeinstance":
        return not to_bool(o.get("--ssh-public-access-enabled"))
    return not ssh


def _compute_sets(o) -> dict:
    """`--set key=value` of `az ml compute create`: azure-ai-ml fields the CLI has no option for."""
    out = {}
    for s in as_list(o.get("--set")) or []:
        k, _, v = str(s).partition("=")
        out[k] = v
    return out


def h_compute(m, o, sc):
    tier = o.get("--tier")
    idle = o.get("--idle-time-before-scale-down")
    sets = _compute_sets(o)
    shutdown = sets.get("idle_time_before_shutdown_minutes")
    m.put(f"{WS}/computes", f"{o.get('--workspace-name')}/{o.get('--name')}", location=m.loc(o),
          computeType=o.get("--type"), vmSize=o.get("--size"),
          vmPriority=None if tier is None else snake_to_pascal(str(tier)),
          idleSecondsBeforeScaleDown=None if idle is None else to_int(idle),
          disableLocalAuth=compute_disables_local_auth(o),
          minNodeCount=to_int(o.get("--min-instances")), maxNodeCount=to_int(o.get("--max-instances")),
          subnet=ref_to(VNET, o.get("--subnet")),
          enableNodePublicIp=to_bool(o.get("--enable-node-public-ip")),
          sshPublicAccess=to_bool(o.get("--ssh-public-access-enabled")),
          identityType=o.get("--identity-type"),
          ownerObjectId=o.get("--user-object-id"), ownerTenantId=o.get("--user-tenant-id"),
          idleSecondsBeforeShutdown=None if shutdown is None else to_int(shutdown) * 60,
          enableSSO=to_bool(sets.get("enable_sso")))


def h_online_endpoint(m, o, sc):
    """`az ml online-endpoint create --file online-endpoint-<name>.yml`: the file, next to the
    runbook, as azure-ai-ml sends it (online_endpoint.py `_to_rest_online_endpoint`)."""
    path = m.base / Path(str(o.get("--file") or "")).name
    if not o.get("--file") or not path.exists():
        m.put(f"{WS}/onlineEndpoints", f"{o.get('--workspace-name')}/{o.get('--name') or '?'}",
              file=f"missing: {o.get('--file')}")
        return
    import yaml
    doc = yaml.safe_load(path.read_text()) or {}
    identity = (doc.get("identity") or {}).get("type") or "system_assigned"  # the SDK's default
    m.put(f"{WS}/onlineEndpoints", f"{o.get('--workspace-name')}/{o.get('--name') or doc.get('name')}",
          location=m.rg_location, authMode=_AUTH_MODES.get(str(doc.get("auth_mode", "key")).lower()),
          publicNetworkAccess=(str(doc["public_network_access"]).capitalize()
                               if doc.get("public_network_access") else None),
          description=doc.get("description"), identityType=snake_to_pascal(str(identity)))


# azure-ai-ml's YAML auth modes in ARM's spelling (OnlineEndpoint._yaml_auth_mode_to_rest_auth_mode).
_AUTH_MODES = {"key": "Key", "aml_token": "AMLToken", "aad_token": "AADToken"}


def h_compute_attach(m, o, sc):
    """`az ml compute attach --type Kubernetes`: the cluster and namespace the compute sends work to."""
    m.put(f"{WS}/computes", f"{o.get('--workspace-name')}/{o.get('--name')}", location=m.loc(o),
          computeType=o.get("--type"), resourceId=o.get("--resource-id"),
          namespace=o.get("--namespace"), identityType=o.get("--identity-type"))


def h_aks(m, o, sc):
    """`az aks create`: the fields tests/path_equivalence.rs reads from main.bicep's cluster."""
    ids = [i for i in str(o.get("--assign-identity") or "").split(",") if i]
    m.put("Microsoft.ContainerService/managedClusters", o.get("--name"), location=m.loc(o),
          skuTier=o.get("--tier"), identityType="UserAssigned" if ids else "SystemAssigned",
          userAssignedIdentities=ids, kubernetesVersion=o.get("--kubernetes-version") or None,
          upgradeChannel=o.get("--auto-upgrade-channel"),
          nodeOSUpgradeChannel=o.get("--node-os-upgrade-channel"),
          poolName=o.get("--nodepool-name"), nodeCount=to_int(o.get("--node-count")),
          vmSize=o.get("--node-vm-size"), maxPods=to_int(o.get("--max-pods")),
          subnet=o.get("--vnet-subnet-id"),
          enableNodePublicIP=bool(o.get("--enable-node-public-ip")),
          networkPlugin=o.get("--network-plugin"), outboundType=o.get("--outbound-type"),
          loadBalancerSku=o.get("--load-balancer-sku"),
          privateCluster=bool(o.get("--enable-private-cluster")),
          privateDnsZone=o.get("--private-dns-zone"),
          # az gives a private cluster a public FQDN unless told not to.
          publicFqdn=not o.get("--disable-public-fqdn"),
          aadManaged=True if o.get("--enable-aad") else None,
          azureRbac=bool(o.get("--enable-azure-rbac")),
          disableLocalAccounts=bool(o.get("--disable-local-accounts")))


# What az k8s-extension's Azure ML partner sends for a protected setting it reads from a file
# (k8s_extension_azureml_cli: the PEM files go base64-encoded under these keys).
K8S_PROTECTED_FROM_FILES = {"sslCertPemFile": "scoringFe.sslCert", "sslKeyPemFile": "scoringFe.sslKey"}


def h_k8s_extension(m, o, sc):
    """`az k8s-extension create --cluster-type managedClusters`: keyed by cluster|name, as
    tests/path_equivalence.rs keys the Bicep extension (scope: the cluster)."""
    cluster = f"id:Microsoft.ContainerService/managedClusters/{o.get('--cluster-name')}"
    settings = [str(x) for x in as_list(o.get("--config")) or []]
    # az k8s-extension copies cluster_name to clusterId and the Prometheus label
    # (k8s_extension_azureml_cli, AzureMLKubernetes reference_mapping).
    for s in list(settings):
        key, _, value = s.partition("=")
        if key == "cluster_name":
            settings += [f"clusterId={value}", f"prometheus.prometheusSpec.externalLabels.cluster_name={value}"]
    protected = [str(x).partition("=")[0] for x in as_list(o.get("--config-protected")) or []]
    m.put("Microsoft.KubernetesConfiguration/extensions", f"{cluster}|{o.get('--name')}",
          extensionType=o.get("--extension-type"), releaseTrain=o.get("--release-train"),
          autoUpgradeMinorVersion=to_bool(o.get("--auto-upgrade-minor-version")),
          releaseNamespace=o.get("--release-namespace"),
          configurationSettings=sorted(settings),
          configurationProtectedSettings=sorted(K8S_PROTECTED_FROM_FILES.get(k, k) for k in protected))


def h_role(m, o, sc):
    """Keyed by scope|role|principal, as tests/path_equivalence.rs keys the Bicep side."""
    principal = o.get("--assignee-object-id") or o.get("--assignee")
    role = str(o.get("--role"))
    # At the deployment's resource group a Bicep role assignment names no scope.
    scope = o.get("--scope")
    scope = None if scope == "id:resourcegroup" else scope
    m.put("Microsoft.Authorization/roleAssignments", f"{scope or '(resource group)'}|{role}|{principal}",
          principalType=o.get("--assignee-principal-type"))


def h_identity(m, o, sc):
    m.put("Microsoft.ManagedIdentity/userAssignedIdentities", o.get("--name"), location=m.loc(o))


def h_role_definition(m, o, sc):
    """`az role definition create|update --role-definition JSON`: keyed by the role's name, as
    tests/path_equivalence.rs keys the Bicep side (azure-cli accepts PascalCase keys)."""
    body = json.loads(str(o.get("--role-definition")))
    body = {k[:1].lower() + k[1:]: v for k, v in body.items()}
    m.put("Microsoft.Authorization/roleDefinitions", str(body.get("name")),
          description=body.get("description"), actions=sorted_list(body.get("actions")),
          notActions=sorted_list(body.get("notActions")),
          dataActions=sorted_list(body.get("dataActions")))


def h_policy_assignment(m, o, sc):
    """`az policy assignment create|update`: keyed by name, as tests/path_equivalence.rs keys the
    Bicep side; the definition as its GUID, the parameters' values, the identity."""
    fields = {}
    if o.get("--params") is not None:
        params = o.get("--params")
        params = json.loads(params) if isinstance(params, str) else params
        fields["parameters"] = {k: (v or {}).get("value") for k, v in (params or {}).items()}
    if o.get("--policy") is not None:
        fields["definition"] = str(o.get("--policy")).rsplit("/", 1)[-1]
        fields["displayName"] = o.get("--display-name")
        fields["enforcementMode"] = o.get("--enforcement-mode")
        fields["identity"] = "SystemAssigned" if to_bool(o.get("--mi-system-assigned") or o.get("--assign-identity")) else None
    m.put("Microsoft.Authorization/policyAssignments", str(o.get("--name")), **fields)


# Commands that read, wait or set up the CLI: nothing to compare.
READ_ONLY_VERBS = {"show", "list", "wait", "list-keys"}
# Commands that change no resource's settings: `vm start` powers the jump box on so its
# extension can be written (the VM's power state is not part of what both paths build).
NOT_ARCHITECTURE = {"extension add", "account show", "account set", "login", "vm start"}

HANDLERS = {
    "acr config retention update": h_acr_retention,
    "role assignment create": h_role,
    "identity create": h_identity,
    "role definition create": h_role_definition,
    "role definition update": h_role_definition,
    "policy assignment create": h_policy_assignment,
    "policy assignment update": h_policy_assignment,
    "group create": h_group,
    "monitor log-analytics workspace create": h_law,
    "monitor app-insights component create": h_appi,
    "storage account create": h_storage,
    "keyvault create": h_keyvault,
    "acr create": h_acr,
    "network vnet create": h_vnet,
    "network vnet subnet create": h_subnet,
    "network vnet subnet update": h_subnet_update,
    "network nsg create": h_nsg,
    "network nsg rule create": h_nsg_rule,
    "network route-table create": h_rt,
    "network route-table route create": h_route,
    "network public-ip create": h_pip,
    "network nat gateway create": h_nat,
    "network firewall policy create": h_fw_policy,
    "network firewall policy rule-collection-group create": h_rcg,
    "network firewall policy rule-collection-group collection add-filter-collection": h_filter_collection,
    "network firewall create": h_firewall,
    "network vnet peering create": h_peering,
    "network private-dns zone create": h_zone,
    "network private-dns link vnet create": h_zone_link,
    "network private-endpoint create": h_pe,
    "network private-endpoint dns-zone-group create": h_zone_group,
    "network private-endpoint dns-zone-group add": h_zone_group,
    "network service-endpoint policy create": h_sep,
    "monitor diagnostic-settings create": h_diag,
    "network service-endpoint policy-definition create": h_sep_def,
    "rest": h_rest,
    "ml workspace create": h_ws,
    "ml workspace update": h_ws_update,
    "resource update": h_resource_update,
    "ml workspace provision-network": h_provision,
    "ml workspace outbound-rule set": h_outbound,
    "ml compute create": h_compute,
    "ml online-endpoint create": h_online_endpoint,
    "ml compute attach": h_compute_attach,
    "aks create": h_aks,
    "k8s-extension create": h_k8s_extension,
}


# ---------------------------------------------------------------------- workspace.yml
def _customer_managed_key(cmk) -> dict:
    """workspace.yml's `customer_managed_key`, as azure-ai-ml sends it (encryption Enabled)."""
    if not cmk:
        return {}
    return dict(encryptionStatus="Enabled", encryptionKeyVault=cmk.get("key_vault"),
                encryptionKeyUri=cmk.get("key_uri"))


def read_workspace_yml(path: Path) -> dict:
    import yaml
    doc = yaml.safe_load(path.read_text()) or {}
    m = Model()
    name = doc.get("name")
    mn = doc.get("managed_network") or {}
    sc = doc.get("serverless_compute") or {}
    fields = dict(location=doc.get("location"), friendlyName=doc.get("display_name"),
                  storageAccount=ref_to("Microsoft.Storage/storageAccounts", doc.get("storage_account")),
                  keyVault=ref_to("Microsoft.KeyVault/vaults", doc.get("key_vault")),
                  containerRegistry=ref_to("Microsoft.ContainerRegistry/registries", doc.get("container_registry")),
                  applicationInsights=ref_to("Microsoft.Insights/components", doc.get("application_insights")),
                  publicNetworkAccess=doc.get("public_network_access"), isolationMode=mn.get("isolation_mode"),
                  imageBuildCompute=doc.get("image_build_compute"),
                  systemDatastoresAuthMode=doc.get("system_datastores_auth_mode"),
                  firewallSku=_snake_to_camel(mn["firewall_sku"]) if mn.get("firewall_sku") else None,
                  provisionNetworkNow=bool(doc.get("provision_network_now")),  # absent: false, as ARM
                  hbiWorkspace=bool(doc.get("hbi_workspace")),
                  **_customer_managed_key(doc.get("customer_managed_key")),
                  **_identity_fields(doc),
                  **_managed_network_defaults(mn.get("isolation_mode")),
                  serverlessComputeSubnet=ref_to(VNET, sc.get("custom_subnet")) if sc.get("custom_subnet") else None,
                  serverlessComputeNoPublicIp=to_bool(sc.get("no_public_ip")))
    m.put(WS, name, **fields)
    for rule in mn.get("outbound_rules") or []:
        t = str(rule.get("type", "")).lower()
        d = rule.get("destination")
        if t == "fqdn":
            dest = d
        elif t == "service_tag":
            dest = (f"serviceTag={d.get('service_tag')} protocol={d.get('protocol')} "
                    f"ports={d.get('port_ranges')}")
            if d.get("address_prefixes"):
                dest += f" addressPrefixes={','.join(d['address_prefixes'])}"
        else:
            dest = (f"resource={ref_to('', d.get('service_resource_id'))} "
                    f"subresource={d.get('subresource_target')} spark={to_bool(d.get('spark_enabled'))}")
        m.put(f"{WS}/outboundRules", f"{name}/{rule.get('name')}", type=t, destination=dest)
    return m.resources


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    jobs = json.loads(Path(argv[0]).read_text())
    exts = ExtensionTables()
    core = CoreAz()
    # Load the arguments of every core command any job uses, once.
    texts = {}
    names = set()
    for job in jobs:
        p = Path(job["dir"]) / "runbook.sh"
        texts[job["dir"]] = p.read_text()
        for sc in Extraction(texts[job["dir"]], {}).run():
            if sc.words and sc.words[0] == "az" and not exts.owns(sc.words[1:]):
                n = core.command_name(sc.words[1:])
                if n:
                    names.add(n)
    core.prepare(names)
    rb = Runbook(core, exts)
    results = []
    for job in jobs:
        res = rb.read(texts[job["dir"]], job.get("env", {}), Path(job["dir"]))
        wy = Path(job["dir"]) / "workspace.yml"
        res["workspace_yml"] = (canon_ids(read_workspace_yml(wy), res["resource_group"])
                                if wy.exists() and job.get("workspace_yml", True) else None)
        results.append(res)
    json.dump(results, sys.stdout, indent=1, sort_keys=True)
    print()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:
        import traceback
        traceback.print_exc()
        sys.exit(2)

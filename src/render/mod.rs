//! Model -> artifacts in memory (path -> bytes). Text formats come from minijinja templates that
//! only lay out what the model holds; JSON and YAML are serialised from typed values.

mod environment;
pub mod escape;
mod structured;

use crate::plan::model::Model;
use minijinja::{context, Value};
use std::error::Error as _;

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Relative path inside the output folder, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
pub struct RenderError(pub String);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Which template renders which output file; optional parts only when the model has them.
fn template_plan(m: &Model) -> Vec<(&'static str, &'static str)> {
    let mut v = vec![
        ("README.md", "readme/README.md"),
        ("main.bicep", "bicep/main.bicep"),
        ("modules/monitoring.bicep", "bicep/modules/monitoring.bicep"),
        ("modules/storage.bicep", "bicep/modules/storage.bicep"),
        ("modules/keyVault.bicep", "bicep/modules/keyVault.bicep"),
        (
            "modules/containerRegistry.bicep",
            "bicep/modules/containerRegistry.bicep",
        ),
        ("modules/workspace.bicep", "bicep/modules/workspace.bicep"),
        ("deploy.sh", "cli/deploy.sh"),
        ("deploy.ps1", "cli/deploy.ps1"),
        ("runbook.sh", "cli/runbook.sh"),
    ];
    if m.powershell.runbook_not_rendered.is_none() {
        v.push(("runbook.ps1", "cli/runbook.ps1"));
    }
    // The smoke test, wherever there is a network to check.
    if m.private.is_some() || m.network.is_some() || m.workspace.managed_vnet {
        v.push(("verify/network-check.sh", "verify/network-check.sh"));
    }
    if m.monitoring.diagnostics.is_some() {
        v.push((
            "modules/diagnostics.bicep",
            "bicep/modules/diagnostics.bicep",
        ));
    }
    if m.client.is_some() {
        v.push((
            "modules/clientNetwork.bicep",
            "bicep/modules/clientNetwork.bicep",
        ));
    }
    if let Some(n) = &m.network {
        // A landing zone's spoke is not deployed here.
        if n.existing_spoke.is_none() {
            v.push((
                "modules/spokeNetwork.bicep",
                "bicep/modules/spokeNetwork.bicep",
            ));
        }
        if n.hub.is_some() {
            v.push(("modules/hubNetwork.bicep", "bicep/modules/hubNetwork.bicep"));
        }
        if n.peering.is_some() {
            v.push(("modules/peering.bicep", "bicep/modules/peering.bicep"));
        }
    }
    if m.way_in.jump_box.is_some() {
        v.push((
            "modules/jumpBoxNetwork.bicep",
            "bicep/modules/jumpBoxNetwork.bicep",
        ));
    }
    if m.way_in.jump_box.is_some() || m.way_in.vpn.is_some() || m.way_in.client_bastion.is_some() {
        v.push(("modules/wayIn.bicep", "bicep/modules/wayIn.bicep"));
    }
    if m.compute.cluster.is_some() || m.compute.instance.is_some() {
        v.push(("modules/compute.bicep", "bicep/modules/compute.bicep"));
    }
    if !m.inference.online_endpoints.is_empty() {
        v.push((
            "modules/onlineEndpoints.bicep",
            "bicep/modules/onlineEndpoints.bicep",
        ));
    }
    if let Some(k) = &m.inference.kubernetes {
        v.push(("modules/kubernetes.bicep", "bicep/modules/kubernetes.bicep"));
        v.push((
            "modules/kubernetesIdentity.bicep",
            "bicep/modules/kubernetesIdentity.bicep",
        ));
        if !k.dns_zone_created {
            v.push((
                "modules/kubernetesDnsZoneRole.bicep",
                "bicep/modules/kubernetesDnsZoneRole.bicep",
            ));
        }
    }
    if !m.workspace.datastores.is_empty() {
        v.push(("modules/datastores.bicep", "bicep/modules/datastores.bicep"));
    }
    if m.workspace.user_assigned_identity.is_some() {
        v.push((
            "modules/workspaceIdentity.bicep",
            "bicep/modules/workspaceIdentity.bicep",
        ));
    }
    if m.access.deployed {
        v.push(("modules/access.bicep", "bicep/modules/access.bicep"));
    }
    if m.policy.deployed {
        v.push(("modules/policy.bicep", "bicep/modules/policy.bicep"));
    }
    if m.policy.dns.is_some() {
        v.push((
            "modules/policyDnsZoneRoles.bicep",
            "bicep/modules/policyDnsZoneRoles.bicep",
        ));
    }
    if m.private
        .as_ref()
        .is_some_and(|p| p.dns_mode == crate::plan::model::DnsMode::Create)
    {
        v.push((
            "modules/privateDnsZone.bicep",
            "bicep/modules/privateDnsZone.bicep",
        ));
    }
    if m.private.is_some() {
        v.extend([
            (
                "modules/privateEndpoint.bicep",
                "bicep/modules/privateEndpoint.bicep",
            ),
            ("dns/hosts.txt", "dns/hosts.txt"),
            ("dns/fill-hosts.sh", "dns/fill-hosts.sh"),
            ("dns/bind-forwarders.conf", "dns/bind-forwarders.conf"),
            (
                "dns/windows-dns-forwarders.ps1",
                "dns/windows-dns-forwarders.ps1",
            ),
            ("dns/dnsmasq.conf", "dns/dnsmasq.conf"),
            ("dns/unbound-forwarders.conf", "dns/unbound-forwarders.conf"),
        ]);
    }
    v
}

/// The UTF-8 byte-order mark, which PowerShell scripts carry (see [`render`]).
pub const UTF8_BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Renders every artifact of the model, sorted by path.
pub fn render(m: &Model) -> Result<Vec<Artifact>, RenderError> {
    let env = environment::shared();
    let header = header_lines(m);
    let bicep_header = bicep_header_lines(m);
    let model = Value::from(minijinja::value::Serde(m));
    // The flows, evaluated on the model, for the README summary and the smoke test.
    let report = crate::flows::evaluate(m);
    let smoke = Value::from(minijinja::value::Serde(crate::flows::smoke::checks(
        m, &report,
    )));
    let flows = Value::from(minijinja::value::Serde(&report));
    let mut out = Vec::new();
    for (path, template) in template_plan(m) {
        let header = if path.ends_with(".bicep") {
            &bicep_header
        } else {
            &header
        };
        let tmpl = env
            .get_template(template)
            .map_err(|e| RenderError(format!("template {template}: {e:#}")))?;
        let text = tmpl
            .render(context! {
                m => model.clone(),
                header => header.clone(),
                path => path,
                flows => flows.clone(),
                smoke => smoke.clone(),
            })
            .map_err(|e| {
                RenderError(format!(
                    "rendering {path} from {template}: {e}{}",
                    e.source().map(|s| format!(": {s}")).unwrap_or_default()
                ))
            })?;
        let mut bytes = normalise(text).into_bytes();
        // Windows PowerShell 5.1 reads a script without a byte-order mark in the ANSI code page:
        // the UTF-8 bytes of `Ē` hold 0x92, which cp1252 reads as `’`, a PowerShell quote, so a
        // tag value could end its literal. With the mark every PowerShell reads UTF-8.
        if path.ends_with(".ps1") {
            bytes.splice(0..0, UTF8_BOM);
        }
        out.push(Artifact {
            path: path.to_string(),
            bytes,
        });
    }
    out.push(structured::parameters_file(m));
    for e in &m.inference.online_endpoints {
        out.push(structured::online_endpoint_yaml(m, e, &header)?);
    }
    if let (true, Some(subscription)) = (m.workspace_yaml, &m.subscription_id) {
        out.push(structured::workspace_yaml(m, subscription, &header)?);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The generated-by notice every file carries in its own comment syntax.
pub fn header_lines(m: &Model) -> Vec<String> {
    vec![
        format!(
            "Generated by {} {} from {}. Do not edit by hand:",
            m.generator.name, m.generator.version, m.blueprint.source
        ),
        format!("change the blueprint and run `{}`.", m.blueprint.regenerate),
    ]
}

/// The notice of the Bicep files. They hold no value of the blueprint (every value is in
/// main.parameters.json), so the notice names no blueprint either: two blueprints of one
/// architecture get byte-identical Bicep.
pub fn bicep_header_lines(m: &Model) -> Vec<String> {
    vec![
        format!(
            "Generated by {} {}. Do not edit by hand: the values are in main.parameters.json,",
            m.generator.name, m.generator.version
        ),
        "and README.md has the command that regenerates this folder.".to_string(),
    ]
}

/// One trailing newline, no trailing spaces: stable bytes whatever the template's whitespace.
fn normalise(text: String) -> String {
    let mut s: String = text
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    while s.ends_with('\n') {
        s.pop();
    }
    s.push('\n');
    s
}

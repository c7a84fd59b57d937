{% for line in header %}
# {{ line|comment }}
{% endfor %}
#
# Windows DNS Server conditional forwarders. Run as administrator on a DNS server inside a VNet
# linked to the private DNS zones ({{ m.dns.azure_dns_ip|comment }} answers only from inside Azure).
# Safe to re-run: existing forwarders are updated, not duplicated.
{% if m.network and m.network.hub and m.network.hub.dns_resolver %}
# From on-premises, forward to the DNS Private Resolver inbound endpoint in the hub instead:
#   .\windows-dns-forwarders.ps1 -Forwarder <dnsResolverInboundIp, a deployment output>
{% endif %}
{% if m.network and m.network.firewall and m.network.firewall.dns_proxy %}
# A DNS server in a VNet peered to the hub but not linked to the zones can forward to the hub
# firewall's DNS proxy instead: -Forwarder <firewallPrivateIp, a deployment output>.
{% endif %}
param(
    # Where the zones are forwarded: Azure DNS, from a server inside a linked VNet.
    [string[]] $Forwarder = @({{ m.dns.azure_dns_ip }})
)
$ErrorActionPreference = 'Stop'
$Zones = @(
{% for z in m.dns.forward_zones %}
    {{ z }}
{% endfor %}
)

# File-backed zones work on any Windows DNS server; on a domain controller, add
# -ReplicationScope 'Forest' to store them in Active Directory instead.
foreach ($zone in $Zones) {
    $existing = Get-DnsServerZone -Name $zone -ErrorAction SilentlyContinue
    if (-not $existing) {
        Add-DnsServerConditionalForwarderZone -Name $zone -MasterServers $Forwarder
    } elseif ($existing.ZoneType -eq 'Forwarder') {
        Set-DnsServerConditionalForwarderZone -Name $zone -MasterServers $Forwarder
    } else {
        Write-Warning "$zone exists as a $($existing.ZoneType) zone, not a conditional forwarder; left unchanged."
    }
}

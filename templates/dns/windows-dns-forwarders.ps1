{% for line in header %}
# {{ line|comment }}
{% endfor %}
#
# Windows DNS Server conditional forwarders. Run as administrator on a DNS server inside a VNet
# linked to the private DNS zones ({{ m.dns.azure_dns_ip|comment }} answers only from inside Azure).
# Safe to re-run: existing forwarders are updated, not duplicated.
{% if m.network and m.network.hub and m.network.hub.dns_resolver %}
# From on-premises, forward the same zones to the DNS Private Resolver inbound endpoint in the
# hub instead (its address is the deployment output dnsResolverInboundIp).
{% endif %}
$ErrorActionPreference = 'Stop'
$AzureDns = {{ m.dns.azure_dns_ip }}
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
        Add-DnsServerConditionalForwarderZone -Name $zone -MasterServers $AzureDns
    } elseif ($existing.ZoneType -eq 'Forwarder') {
        Set-DnsServerConditionalForwarderZone -Name $zone -MasterServers $AzureDns
    } else {
        Write-Warning "$zone exists as a $($existing.ZoneType) zone, not a conditional forwarder; left unchanged."
    }
}

{% for line in header %}
# {{ line|comment }}
{% endfor %}
#
# Windows DNS Server conditional forwarders. Run as administrator on a DNS server inside a VNet
# linked to the private DNS zones ({{ m.dns.azure_dns_ip|comment }} answers only from inside Azure).
# Safe to re-run: existing forwarders are updated, not duplicated.
$ErrorActionPreference = 'Stop'
$AzureDns = {{ m.dns.azure_dns_ip }}
$Zones = @(
{% for z in m.dns.forward_zones %}
    {{ z }}
{% endfor %}
)

foreach ($zone in $Zones) {
    if (Get-DnsServerZone -Name $zone -ErrorAction SilentlyContinue) {
        Set-DnsServerConditionalForwarderZone -Name $zone -MasterServers $AzureDns
    } else {
        Add-DnsServerConditionalForwarderZone -Name $zone -MasterServers $AzureDns -ReplicationScope 'Forest'
    }
}

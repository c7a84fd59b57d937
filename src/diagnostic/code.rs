//! The diagnostic codes, as a closed set: a code is a name in the source and `AMLGnnn` in what
//! users see. Every code has its explanation in `catalog/diagnostics.yaml` (a test compares the
//! two lists), so `amlgen explain` and SARIF never meet a code they cannot describe.

use serde::{Serialize, Serializer};
use std::fmt;

macro_rules! codes {
    ($($name:ident = $code:literal,)*) => {
        /// A stable diagnostic code; `amlgen explain CODE` tells more.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Code {
            $($name,)*
        }

        impl Code {
            /// Every code, in the order of `catalog/diagnostics.yaml`.
            pub const ALL: &'static [Code] = &[$(Code::$name,)*];

            /// The code as users see it: `AMLG101`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Code::$name => $code,)*
                }
            }
        }
    };
}

codes! {
    MalformedInput = "AMLG001",
    UnknownKey = "AMLG002",
    UnknownSetPath = "AMLG003",
    InvalidValue = "AMLG004",
    MissingKey = "AMLG005",
    Unreadable = "AMLG010",
    InputTooLarge = "AMLG011",
    FileShadowsBuiltin = "AMLG012",
    BlueprintNameNotSlug = "AMLG020",
    PrefixNotSlug = "AMLG021",
    InvalidResourceName = "AMLG022",
    InvalidCidr = "AMLG030",
    SubnetOutsideVnet = "AMLG031",
    OverlappingRanges = "AMLG032",
    SubnetTooSmall = "AMLG033",
    SubnetBelowAzureMinimum = "AMLG034",
    SubnetTooSmallForCompute = "AMLG035",
    NoRoomForSubnet = "AMLG036",
    RefusedAddressRange = "AMLG037",
    InvalidRegion = "AMLG040",
    InvalidTagName = "AMLG041",
    HiddenCharacters = "AMLG042",
    OptionLikeText = "AMLG043",
    ExpressionLikeText = "AMLG044",
    OutOfRange = "AMLG050",
    MinAboveMax = "AMLG051",
    FleetInputEmpty = "AMLG060",
    FleetSameOutput = "AMLG061",
    ExtendsNotFollowed = "AMLG062",
    RuleTypeForMode = "AMLG101",
    InvalidRuleName = "AMLG102",
    DuplicateRuleName = "AMLG103",
    WildcardTooBroad = "AMLG104",
    NotAHostName = "AMLG105",
    FqdnPortNotAllowed = "AMLG106",
    FqdnRuleToStorage = "AMLG107",
    WildcardMissesApex = "AMLG108",
    InvalidServiceTagRule = "AMLG109",
    RedundantPrivateEndpointRule = "AMLG110",
    InvalidResourceId = "AMLG111",
    UnknownPrivateEndpointTarget = "AMLG112",
    RulesWithoutManagedVnet = "AMLG113",
    CustomerNetworkWithManagedVnet = "AMLG114",
    ClientAccessWithCustomerNetwork = "AMLG115",
    ComputeWithoutIsolation = "AMLG116",
    ComputeWithoutCustomerNetwork = "AMLG117",
    NoImageBuildCompute = "AMLG118",
    ExfiltrationWithPublicIp = "AMLG119",
    UnknownEcosystem = "AMLG120",
    PackagesNeedNoAllowance = "AMLG121",
    HubFirewallInSovereignCloud = "AMLG122",
    PrivateDnsZoneSettings = "AMLG123",
    InstanceWithIdentityStorage = "AMLG124",
    MonitorPrivateLinkUnavailable = "AMLG125",
    IdentityWithCustomerManagedKey = "AMLG126",
    IdentityNameWithoutUserAssigned = "AMLG127",
    CustomerManagedKeyShape = "AMLG128",
    CreatedKeyUnsupported = "AMLG129",
    FirewallWithoutHub = "AMLG130",
    HubWithNatGateway = "AMLG131",
    ExfiltrationWithoutFirewall = "AMLG132",
    GatewayTransitWithoutGatewaySubnet = "AMLG133",
    ManagedNetworkSettingsWithoutManagedVnet = "AMLG134",
    InstanceWithoutOwner = "AMLG135",
    DuplicateAccessGroup = "AMLG136",
    CustomerManagedKeyVault = "AMLG137",
    CustomerManagedKeyUri = "AMLG138",
    PrivateEndpointRuleNeedsApprover = "AMLG139",
    PolicyScopeNotWritable = "AMLG140",
    SubscriptionPolicyWithoutSubscription = "AMLG141",
    OnlineEndpointsWithoutManagedVnet = "AMLG150",
    PublicWorkspace = "AMLG151",
    DuplicateOnlineEndpoint = "AMLG152",
    UnreachableOnlineEndpoints = "AMLG153",
    OnlineEndpointQuota = "AMLG154",
    KubernetesWithoutCustomerNetwork = "AMLG160",
    ScoringSubnetTooSmall = "AMLG161",
    KubernetesWithoutTls = "AMLG162",
    KubernetesDnsZoneUnplaced = "AMLG163",
    ServiceCidrOverlapsVnet = "AMLG164",
    InvalidKubernetesSetting = "AMLG165",
    KubernetesInExistingSpoke = "AMLG166",
    JumpBoxWithoutBastion = "AMLG170",
    VpnWithoutGatewaySubnet = "AMLG171",
    VpnClientPoolOverlaps = "AMLG172",
    InvalidSshPublicKey = "AMLG173",
    VpnEntraCloudUnsupported = "AMLG174",
    InvalidShutdownTime = "AMLG175",
    WayInWithoutVnet = "AMLG176",
    InvalidAdminUsername = "AMLG177",
    ExistingResourceId = "AMLG180",
    SettingOfCreatedNetwork = "AMLG181",
    InvalidIpAddress = "AMLG182",
    ExistingSpokeWithoutExistingHub = "AMLG183",
    DnsServersWithFirewallProxy = "AMLG184",
    CorporateRangeOverlap = "AMLG185",
    HostNameInNsgRule = "AMLG201",
    PortRangesAsNumber = "AMLG202",
    PipHostsIncomplete = "AMLG203",
    UnknownAzCommand = "AMLG204",
    UnknownAzOption = "AMLG205",
    AzOptionForRuleType = "AMLG206",
    PlaceholderLeft = "AMLG207",
    RuleTypeMismatch = "AMLG208",
    InvalidNsgPriority = "AMLG209",
    CredentialInUrl = "AMLG220",
    UrlFromEnvironment = "AMLG221",
    LineNotUnderstood = "AMLG222",
    UnknownFileKind = "AMLG230",
    IsolationModeOneWay = "AMLG300",
    ManagedNetworkKindOneWay = "AMLG301",
    StorageAccountRenamed = "AMLG302",
    KeyVaultRenamed = "AMLG303",
    RegistryRenamed = "AMLG304",
    SubnetRangeChanged = "AMLG305",
    WorkspaceRenamed = "AMLG306",
    SetOnlyAtCreation = "AMLG307",
    DriftIsolationMode = "AMLG310",
    DriftFirewallSku = "AMLG311",
    DriftRuleAdded = "AMLG312",
    DriftRuleMissing = "AMLG313",
    DriftRuleDiffers = "AMLG314",
    DriftInputNotUnderstood = "AMLG315",
    DriftPublicNetworkAccess = "AMLG316",
    RequiredFlowDenied = "AMLG400",
    ForbiddenFlowAllowed = "AMLG401",
    HandEdited = "AMLG090",
    UnsafeOutputFolder = "AMLG091",
    WriteFailed = "AMLG092",
}

impl Code {
    /// The code written as `AMLG101`, `amlg101` or `101`.
    pub fn parse(text: &str) -> Option<Code> {
        let text = text.trim();
        let digits = if text.len() > 4 && text[..4].eq_ignore_ascii_case("AMLG") {
            &text[4..]
        } else {
            text
        };
        Code::ALL
            .iter()
            .copied()
            .find(|c| digits.len() == 3 && c.as_str()[4..] == *digits)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Tests and tools compare codes with what users see (`d.code == "AMLG105"`).
impl PartialEq<&str> for Code {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<str> for Code {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_exactly_the_catalogued_ones_in_order() {
        let catalog: Vec<&str> = crate::catalog::diagnostics::all()
            .keys()
            .map(String::as_str)
            .collect();
        let ours: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(ours, catalog);
    }

    #[test]
    fn parsing() {
        assert_eq!(Code::parse("AMLG101"), Some(Code::RuleTypeForMode));
        assert_eq!(Code::parse(" amlg092 "), Some(Code::WriteFailed));
        assert_eq!(Code::parse("001"), Some(Code::MalformedInput));
        for bad in [
            "", "AMLG", "AMLG1", "AMLG9999", "1", "AMLG999", "XMLG101", "AMLG10é",
        ] {
            assert_eq!(Code::parse(bad), None, "{bad}");
        }
    }
}

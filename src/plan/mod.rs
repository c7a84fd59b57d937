//! Blueprint -> Model: every derivation (names, parameters, rules in both spellings, private
//! endpoints, DNS zones and forwarders, host names) happens here, once.

pub mod access;
pub mod model;
pub mod network;
pub mod policy;
pub mod private;
pub mod way_in;
pub mod zones;

use crate::analyze::{address_plan, Checked, CustomerEgress, Topology};
use crate::blueprint::{IsolationMode, OutboundRule};
use crate::catalog::Catalog;
use crate::naming::{self, Names};
use indexmap::IndexMap;
use model::*;
use serde_json::{json, Value as Json};

/// A path as it may appear in committed output: an absolute path would put this machine's
/// layout into the files, so only its file name is kept.
pub fn portable(path: &str) -> String {
    let p = std::path::Path::new(path);
    if p.is_absolute() {
        p.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    } else {
        path.to_string()
    }
}

pub fn plan(checked: &Checked, regenerate: String) -> Model {
    let loaded = &checked.loaded;
    let bp = &loaded.blueprint;
    let cat = Catalog::get();
    let names = &checked.names;
    let cloud = cat.cloud(bp.cloud.as_str());
    let mn = &bp.workspace.managed_network;
    let mode = &cat.managed_network.isolation_modes[mn.isolation_mode.key()];
    let approved_only = mn.isolation_mode == IsolationMode::AllowOnlyApprovedOutbound;
    let firewall_sku = approved_only.then(|| {
        let f = &cat.managed_network.firewall.skus[mn.firewall_sku.key()];
        ModeModel {
            arm: f.arm.clone(),
            cli: f.cli.clone(),
        }
    });
    let packages = packages(bp);
    let rules = expand_rules(
        &mn.outbound_rules,
        if approved_only { &packages } else { &[] },
    );
    let has_fqdn_rules = rules.iter().any(|r| r.kind == RuleKind::Fqdn);
    let network = match &checked.topology {
        Topology::CustomerVnet(customer) => network::plan(bp, names, &packages, customer),
        Topology::ManagedVnet { .. } => None,
    };

    let kubernetes = kubernetes(bp, names, network.as_ref());
    let compute = ComputeModel {
        cluster: bp.compute.cluster.as_ref().map(|c| ClusterModel {
            name: c.name.clone(),
            vm_size: c.vm_size.clone(),
            min_nodes: c.min_nodes,
            max_nodes: c.max_nodes,
            public_ip: c.public_ip,
            vm_priority: default_str("cluster_vm_priority"),
            idle_before_scale_down_seconds: default_u64("cluster_idle_before_scale_down_seconds"),
            ssh_public_access: false,
            bicep_idle_before_scale_down: String::new(),
            bicep_remote_login_port_public_access: "",
            cli_tier: String::new(),
        }),
        instance: bp.compute.instance.as_ref().map(|c| InstanceModel {
            name: c.name.clone(),
            vm_size: c.vm_size.clone(),
            public_ip: c.public_ip,
            ssh_public_access: false,
            owner_object_id: c
                .owner
                .as_ref()
                .map(|o| o.object_id.as_str().to_string())
                .unwrap_or_default(),
            owner_tenant_id: c
                .owner
                .as_ref()
                .and_then(|o| o.tenant_id.as_ref())
                .map(|t| t.as_str().to_string()),
            idle_shutdown_minutes: c.idle_shutdown_minutes.unwrap_or_else(|| {
                u32::try_from(default_u64("instance_idle_shutdown_minutes"))
                    .expect("catalog/defaults.yaml instance_idle_shutdown_minutes fits in u32")
            }),
            sso: false,
            bicep_ssh_public_access: "",
        }),
        subnet_name: network.as_ref().map(training_subnet_name),
    };
    // A registry behind a private endpoint cannot build images, with a managed VNet as with a
    // customer one (mnet_image_builds): the blueprint's cluster builds them unless another
    // compute is named.
    let image_build_compute = bp
        .workspace
        .image_build_compute
        .clone()
        .or_else(|| compute.cluster.as_ref().map(|c| c.name.clone()));

    let shared_key_access = bp
        .dependencies
        .storage_account
        .shared_key_access
        .unwrap_or_else(|| default_bool("storage_shared_key_access"));
    let workspace = WorkspaceModel {
        name: names.workspace.value.clone(),
        friendly_name: bp
            .workspace
            .friendly_name
            .clone()
            .unwrap_or_else(|| names.workspace.value.clone()),
        public_network_access: if bp.workspace.public_network_access {
            "Enabled"
        } else {
            "Disabled"
        },
        private_only: !bp.workspace.public_network_access,
        managed_vnet: mn.isolation_mode != IsolationMode::Disabled,
        internet_outbound: mn.isolation_mode == IsolationMode::AllowInternetOutbound,
        isolation_mode: ModeModel {
            arm: mode.arm.clone(),
            cli: mode.cli.clone(),
        },
        // The ARM values (types.json WorkspaceProperties) and az ml's (case-insensitive enum).
        system_datastores_auth_mode: if shared_key_access {
            ModeModel {
                arm: "AccessKey".to_string(),
                cli: "accesskey".to_string(),
            }
        } else {
            ModeModel {
                arm: "Identity".to_string(),
                cli: "identity".to_string(),
            }
        },
        datastores: if shared_key_access {
            Vec::new()
        } else {
            default_datastores(names.workspace_identity.is_some())
        },
        image_build_compute,
        serverless: network.as_ref().map(|n| ServerlessModel {
            vnet_name: n.spoke.vnet_name.clone(),
            subnet_name: training_subnet_name(n),
            existing_subnet_id: n
                .existing_spoke
                .as_ref()
                .map(|e| e.training_subnet_id.clone()),
            no_public_ip: true,
        }),
        firewall_sku_values: cat
            .managed_network
            .firewall
            .skus
            .values()
            .map(|s| s.arm.clone())
            .collect(),
        firewall_sku,
        provision_now: mn.provision_now && mn.isolation_mode != IsolationMode::Disabled,
        spark: mn.spark,
        kind: (mn.isolation_mode != IsolationMode::Disabled).then(|| {
            let k = &cat.managed_network.kinds[mn.kind.key()];
            KindModel {
                arm: k.arm.clone(),
                note: k.note.clone(),
                non_default: mn.kind != crate::blueprint::ManagedNetworkKind::default(),
                switch: cat.managed_network.kind_switch.clone(),
            }
        }),
        network_monitor: mn.network_monitor && mn.isolation_mode != IsolationMode::Disabled,
        api_version: cat.api_versions["workspace"].version.clone(),
        cli_network_sets: Vec::new(),
        kind_values: cat
            .managed_network
            .kinds
            .values()
            .map(|k| k.arm.clone())
            .collect(),
        rules,
        has_fqdn_rules,
        customer_managed_key: bp
            .workspace
            .customer_managed_key
            .as_ref()
            .map(|k| customer_managed_key(k, names, bp.cloud.as_str())),
        hbi_workspace: bp.workspace.hbi_workspace,
        pe_rule_compute_roles: mn
            .outbound_rules
            .iter()
            .filter_map(|r| match r {
                crate::blueprint::OutboundRule::PrivateEndpoint { destination, .. } => {
                    let target = crate::rules::private_endpoint::parse_resource_id(
                        &destination.service_resource_id,
                    )?;
                    let key = cat
                        .access
                        .compute_roles_on_targets
                        .iter()
                        .find(|(t, _)| t.eq_ignore_ascii_case(&target.resource_type))?
                        .1;
                    let role = &cat.access.built_in_roles[key.as_str()];
                    Some(TargetRoleModel {
                        target: Some(destination.service_resource_id.clone()),
                        name: role.name.clone(),
                        id: role.id.clone(),
                        since: role.since.clone(),
                    })
                }
                _ => None,
            })
            .collect(),
        pe_rule_approver: mn
            .outbound_rules
            .iter()
            .any(|r| matches!(r, crate::blueprint::OutboundRule::PrivateEndpoint { .. }))
            .then(|| {
                let r = &cat.access.built_in_roles["network_connection_approver"];
                TargetRoleModel {
                    target: None,
                    name: r.name.clone(),
                    id: r.id.clone(),
                    since: r.since.clone(),
                }
            }),
        cli_create_sets: Vec::new(),
        cli_rest_body: None,
        image_build_compute_param: None,
        user_assigned_identity: names.workspace_identity.as_ref().map(|n| {
            identity(
                n,
                mn.isolation_mode != IsolationMode::Disabled,
                shared_key_access,
            )
        }),
    };

    let client = match (
        &bp.client_access,
        &names.client_vnet,
        &names.pe_subnet,
        &names.pe_subnet_nsg,
    ) {
        (Some(c), Some(vnet), Some(subnet), Some(nsg)) => Some(ClientModel {
            vnet_name: vnet.value.clone(),
            address_prefixes: c.vnet.address_space.clone(),
            pe_subnet_name: subnet.value.clone(),
            pe_subnet_prefix: c.vnet.pe_subnet.address_prefix.clone(),
            nsg_name: nsg.value.clone(),
        }),
        _ => None,
    };
    let private = private::plan(bp, names);
    let compute_instance_hosts = private
        .iter()
        .flat_map(|p| &p.private_endpoints)
        .flat_map(|pe| &pe.hosts)
        .filter(|h| h.fqdn.starts_with(naming::COMPUTE_INSTANCE_PLACEHOLDER))
        .map(|h| h.fqdn.clone())
        .collect();

    let inference = InferenceModel {
        kubernetes,
        online_endpoints: bp
            .inference
            .online_endpoints
            .iter()
            .map(|e| OnlineEndpointModel {
                name: e.name.clone(),
                description: e.description.clone().unwrap_or_else(|| {
                    "Managed online endpoint: scoring only through the workspace's private endpoint."
                        .to_string()
                }),
                auth_mode: ModeModel {
                    arm: e.auth_mode.arm().to_string(),
                    cli: e.auth_mode.cli().to_string(),
                },
                host: private::online_endpoint_host(bp, &e.name),
                yaml_file: format!("online-endpoint-{}.yml", e.name),
                param_json: String::new(),
            })
            .collect(),
        public_network_access: ModeModel {
            arm: "Disabled".to_string(),
            cli: "disabled".to_string(),
        },
        identity: ModeModel {
            arm: "SystemAssigned".to_string(),
            cli: "system_assigned".to_string(),
        },
        api_version: cat.api_versions["online_endpoint"].version.clone(),
        sources: [
            "secure_online_endpoint",
            "concept_secure_online_endpoint",
            "mnet_current",
            "online_endpoint_auth",
        ]
        .iter()
        .filter_map(|id| cat.sources[*id].url.clone())
        .collect(),
    };
    // Only where a private endpoint serves them (a blueprint without one is warned, AMLG153).
    let online_endpoint_hosts = if private.is_some() {
        inference
            .online_endpoints
            .iter()
            .map(|e| e.host.clone())
            .collect()
    } else {
        Vec::new()
    };

    let mut forward_zones: Vec<String> = Vec::new();
    for pe in private.iter().flat_map(|p| &p.private_endpoints) {
        for f in &cloud.private_dns[&pe.group_id].forward {
            let z = cloud.fill(f);
            if !forward_zones.contains(&z) {
                forward_zones.push(z);
            }
        }
    }

    let mut notes = Vec::new();
    if has_fqdn_rules {
        notes.push(cat.managed_network.firewall.cost_note.clone());
    }
    if mn.isolation_mode != IsolationMode::Disabled {
        notes.push(
            "Managed VNet isolation is one-way: once enabled it cannot be disabled, and allow_only_approved_outbound cannot go back to allow_internet_outbound. Existing computes must be recreated after enabling it.".to_string(),
        );
    }
    if network.as_ref().is_some_and(|n| {
        n.spoke
            .subnets
            .iter()
            .any(|s| s.role == "scoring" && s.route_table.is_some())
    }) && bp.inference.kubernetes.is_some()
    {
        notes.push(cat.firewall.scoring_route_table.note.clone());
    }
    if let Some(fw) = network.as_ref().and_then(|n| n.firewall.as_ref()) {
        notes.push(cat.firewall.zone_redundancy.note.clone());
        for o in &fw.omitted {
            notes.push(format!("Left out for the Basic firewall: {o}."));
        }
    }
    if network.as_ref().is_some_and(|n| n.peering.is_some()) {
        notes.push("Redeploying a VNet whose Bicep does not list its peerings can drop them for a moment (Azure/bicep#20260); main.bicep redeploys the peering in the same run.".to_string());
    }
    if network.as_ref().is_some_and(|n| n.nat_gateway.is_some()) {
        notes.push("No firewall: the NSGs allow the service tags Azure Machine Learning needs and HTTPS (port 443) to any Internet host, through the NAT gateway; an NSG cannot filter by host name, so this blueprint controls outbound traffic by port and service tag only. Use hub-spoke (firewall) or exfiltration-prevention where host names must be enforced.".to_string());
        notes.push("Subnets created since 30 September 2025 have no default outbound access; the Bicep and the runbook set `defaultOutboundAccess: false` explicitly, so the NAT gateway is the compute subnets' only way out.".to_string());
    }
    if workspace.image_build_compute.is_none() {
        notes.push("The container registry is private, so it cannot build images, and no compute is set to build them: environment image builds fail until `workspace.image_build_compute` names a compute cluster (or `az ml workspace update --image-build-compute <cluster>` sets one).".to_string());
    }
    notes.push(format!(
        "Storage account `{}`, key vault `{}` and registry `{}` need globally unique names. The key vault has purge protection: after deleting it, its name stays reserved for the retention period ({} days; `az keyvault recover` brings it back).",
        names.storage_account.value,
        names.key_vault.value,
        names.container_registry.value,
        bp.dependencies.key_vault.soft_delete_retention_days
    ));

    let policy = policy::policy(bp, &workspace, private.as_ref(), network.is_some());
    let access = access::access(bp, shared_key_access);
    let landing_zone_roles = landing_zone_roles(network.as_ref(), private.as_ref());
    Model {
        generator: Generator {
            name: "amlgen",
            version: env!("CARGO_PKG_VERSION"),
        },
        blueprint: BlueprintMeta {
            name: bp.name.clone(),
            description: bp.description.clone(),
            source: portable(&loaded.named().label),
            regenerate,
        },
        architecture: architecture(&checked.topology).0,
        architecture_summary: architecture(&checked.topology).1,
        location: bp.location.clone(),
        cloud: bp.cloud.as_str().to_string(),
        subscription_id: bp
            .resource_group
            .subscription_id
            .as_ref()
            .map(|s| s.as_str().to_string()),
        workspace_yaml: bp.resource_group.subscription_id.is_some()
            && bp
                .workspace
                .customer_managed_key
                .as_ref()
                .is_none_or(|k| k.create.is_none()),
        tags: bp.tags.clone(),
        names: names_map(names),
        defaults: cat
            .defaults
            .iter()
            .map(|(k, f)| {
                (
                    k.clone(),
                    serde_json::to_value(&f.value).expect("YAML scalars convert"),
                )
            })
            .collect(),
        naming: cat
            .naming
            .iter()
            .map(|(k, r)| {
                (
                    k.clone(),
                    NameLimits {
                        min: r.min,
                        max: r.max,
                    },
                )
            })
            .collect(),
        ranges: cat
            .constraints
            .ranges
            .iter()
            .map(|r| {
                (
                    r.bicep_param.clone(),
                    ValueRange {
                        min: r.min,
                        max: r.max,
                    },
                )
            })
            .collect(),
        types: cat
            .api_versions
            .keys()
            .map(|k| (k.clone(), cat.resource_type(k)))
            .collect(),
        params: Vec::new(),
        workspace,
        storage: StorageModel {
            name: names.storage_account.value.clone(),
            sku: bp.dependencies.storage_account.sku.as_str(),
        },
        key_vault: KeyVaultModel {
            name: names.key_vault.value.clone(),
            soft_delete_retention_days: bp.dependencies.key_vault.soft_delete_retention_days,
        },
        registry: RegistryModel {
            name: names.container_registry.value.clone(),
            sku: default_str("registry_sku"),
        },
        posture: Posture {
            public_network_access: default_bool("dependencies_public_network_access"),
            network_default_action: default_str("dependencies_network_default_action"),
            trusted_services_bypass: default_str("dependencies_trusted_services_bypass"),
            storage_allow_blob_public_access: default_bool("storage_allow_blob_public_access"),
            storage_allow_cross_tenant_replication: default_bool(
                "storage_allow_cross_tenant_replication",
            ),
            storage_https_only: default_bool("storage_https_only"),
            storage_infrastructure_encryption: default_bool("storage_infrastructure_encryption"),
            storage_shared_key_access: shared_key_access,
            key_vault_rbac_authorization: default_bool("key_vault_rbac_authorization"),
            key_vault_purge_protection: default_bool("key_vault_purge_protection"),
            registry_admin_user: default_bool("registry_admin_user"),
            registry_exports: default_bool("registry_exports"),
            bicep_registry_export_status: "",
            public_network_access_text: "",
            cli_registry_allow_trusted_services: false,
        },
        monitoring: MonitoringModel {
            log_analytics: names.log_analytics.value.clone(),
            application_insights: names.application_insights.value.clone(),
            retention_days: bp.dependencies.monitoring.retention_days,
            private_link: private::monitor_private_link(bp).then(|| MonitorPrivateLinkModel {
                name: names.private_link_scope.value.clone(),
                api_version: cat.api_versions["private_link_scope"].version.clone(),
                // Ingestion only through the scope: the door the issue is about. Log Analytics
                // ingestion ignores the access mode (ampls_security), hence also the resources'
                // own public-ingestion switch and no AzureMonitor tag in the rules.
                ingestion_access_mode: "PrivateOnly",
                public_ingestion: "Disabled",
                // Queries stay open: reads are Entra-authorized, and the portal's Resource
                // Manager queries (workbooks, insights) cannot use a private link (ampls_design).
                query_access_mode: "Open",
                public_query: "Enabled",
                shared_zones: monitor_shared_zones(private.as_ref()),
                scope_body_shell: String::new(),
                log_analytics_scoped_body_shell: String::new(),
                application_insights_scoped_body_shell: String::new(),
            }),
            diagnostics: bp
                .dependencies
                .monitoring
                .diagnostic_settings
                .then(|| diagnostics(network.as_ref().is_some_and(|n| n.firewall.is_some()))),
        },
        client,
        way_in: way_in::plan(bp, names, &checked.topology, network.as_ref(), &access),
        network,
        private,
        compute,
        inference,
        access,
        policy,
        packages,
        dns: DnsModel {
            azure_dns_ip: cat.clouds.azure_dns_ip.value.clone(),
            forward_zones,
            compute_instance_hosts,
            online_endpoint_hosts,
        },
        notes,
        prerequisites: prerequisites(&checked.topology),
        powershell: Default::default(),
        landing_zone_roles,
    }
}

/// The AKS cluster for scoring, when the blueprint asks for one (checks made sure it has a
/// customer network, TLS and a place for its DNS zone).
fn kubernetes(
    bp: &crate::blueprint::Blueprint,
    names: &crate::naming::Names,
    network: Option<&NetworkModel>,
) -> Option<KubernetesModel> {
    let k = bp.inference.kubernetes.as_ref()?;
    let n = names.kubernetes.as_ref()?;
    let network = network?;
    let (node_count, max_pods) = crate::check::kubernetes::node_count_and_pods(k);
    let scoring = network.spoke.subnets.iter().find(|s| s.role == "scoring")?;
    let template = default_str("aks_private_dns_zone");
    let cname = k.tls.as_ref().map(|t| t.cname.clone()).unwrap_or_default();
    let py_bool = |b: bool| if b { "True" } else { "False" }.to_string();
    // aml_k8s_extension: inference only, the router behind an Azure internal load balancer,
    // HTTPS (allowInsecureConnections False, the name in sslCname; certificate and key are
    // protected settings given at deploy time), three router replicas from three nodes on.
    let extension_settings = vec![
        ("enableTraining".to_string(), py_bool(false)),
        ("enableInference".to_string(), py_bool(true)),
        (
            "inferenceRouterServiceType".to_string(),
            "LoadBalancer".to_string(),
        ),
        (
            "internalLoadBalancerProvider".to_string(),
            "azure".to_string(),
        ),
        ("allowInsecureConnections".to_string(), py_bool(false)),
        ("sslCname".to_string(), cname.clone()),
        ("inferenceRouterHA".to_string(), py_bool(node_count >= 3)),
        // What az k8s-extension create adds for an AKS cluster when not given
        // (catalog/defaults.yaml aks_extension_*): the cluster's name, then the fixed ones.
        ("cluster_name_friendly".to_string(), n.cluster.value.clone()),
    ];
    let defaults = &Catalog::get().defaults;
    let pairs = |key: &str| -> Vec<(String, String)> {
        defaults[key]
            .value
            .as_mapping()
            .unwrap_or_else(|| panic!("catalog/defaults.yaml `{key}` is a mapping"))
            .iter()
            .map(|(k, v)| (k.key_text(), v.key_text()))
            .collect()
    };
    let mut extension_settings = extension_settings;
    extension_settings.extend(pairs("aks_extension_cli_settings"));
    let small = pairs("aks_extension_small_cluster");
    let below = small
        .iter()
        .find(|(k, _)| k == "nodes_below")
        .and_then(|(_, v)| v.parse::<u32>().ok())
        .expect("catalog/defaults.yaml aks_extension_small_cluster.nodes_below");
    if node_count < below {
        extension_settings.extend(small.into_iter().filter(|(k, _)| k != "nodes_below"));
    }
    let extension_runtime_settings = pairs("aks_extension_runtime_settings");
    let dns_zone_created = bp.private_dns.mode == crate::blueprint::PrivateDnsMode::Create;
    Some(KubernetesModel {
        cluster_name: n.cluster.value.clone(),
        identity_name: n.identity.value.clone(),
        compute_name: n.compute.value.clone(),
        vm_size: k
            .vm_size
            .clone()
            .unwrap_or_else(|| default_str("aks_vm_size")),
        node_count,
        max_pods,
        kubernetes_version: k.kubernetes_version.clone(),
        sku_tier: default_str("aks_sku_tier"),
        upgrade_channel: default_str("aks_upgrade_channel"),
        node_os_upgrade_channel: default_str("aks_node_os_upgrade_channel"),
        network_plugin: default_str("aks_network_plugin"),
        outbound_type: if network.nat_gateway.is_some() {
            "userAssignedNATGateway"
        } else {
            "userDefinedRouting"
        },
        subnet_name: scoring.name.clone(),
        subnet_role_id: default_str("aks_subnet_role_id"),
        dns_zone_role_id: default_str("aks_dns_zone_role_id"),
        dns_zone: template.replace("{region}", &bp.location),
        dns_zone_template: template,
        dns_zone_bicep: String::new(),
        dns_zone_shell: String::new(),
        dns_zone_id_shell: String::new(),
        dns_zone_created,
        zones_resource_group_id: if dns_zone_created {
            None
        } else {
            bp.private_dns.zones_resource_group_id.clone()
        },
        extension_name: default_str("aks_extension_name"),
        extension_type: default_str("aks_extension_type"),
        extension_release_train: default_str("aks_extension_release_train"),
        extension_namespace: default_str("aks_extension_namespace"),
        extension_settings,
        extension_runtime_settings,
        extension_runtime_bicep: Vec::new(),
        extension_runtime_shell: Vec::new(),
        compute_namespace: default_str("aks_compute_namespace"),
        tls_cname: cname,
        addresses_needed: crate::check::kubernetes::addresses_needed(node_count, max_pods),
        subnet_usable: scoring.usable,
        subnet_prefix: scoring.prefix.clone(),
        route_table: scoring
            .route_table
            .and_then(|i| network.route_tables.get(i))
            .map(|rt| rt.name.clone()),
        egress_rules: network
            .firewall
            .as_ref()
            .map(|f| &f.application_rules)
            .or(network.existing_hub.as_ref().map(|h| &h.application_rules))
            .into_iter()
            .flatten()
            .filter(|r| r.source == RuleSource::Scoring)
            .map(|r| r.name.clone())
            .collect(),
    })
}

/// The workspace's default blob and file datastores (studio_vnet: "Each Azure Machine Learning
/// workspace has two default storage accounts, a default blob storage account and a default file
/// store account"), with identity-based access and the workspace identity for data preview.
fn default_datastores(user_assigned: bool) -> Vec<DatastoreModel> {
    let identity = default_str(if user_assigned {
        "studio_datastore_identity_user_assigned"
    } else {
        "studio_datastore_identity"
    });
    let datastore = |name, datastore_type, location_property, cli_location_field| DatastoreModel {
        name,
        datastore_type,
        location_property,
        cli_location_field,
        identity: identity.clone(),
        credentials_type: "None",
        api_version: Catalog::get().api_versions["datastore"].version.clone(),
        bicep_output: String::new(),
        shell_var: String::new(),
        body_shell: String::new(),
    };
    vec![
        datastore(
            "workspaceblobstore",
            "AzureBlob",
            "containerName",
            "container_name",
        ),
        datastore(
            "workspacefilestore",
            "AzureFile",
            "fileShareName",
            "file_share_name",
        ),
    ]
}

/// What the deployer needs on a landing zone's resources (catalog/access.yaml roles): the peer
/// right on an existing hub, the join right on existing subnets and on the VNets the zones are
/// linked to, and the zones' writes for the endpoints' zone groups.
fn landing_zone_roles(
    network: Option<&NetworkModel>,
    private: Option<&PrivateModel>,
) -> Vec<LandingZoneRoleModel> {
    let roles = &Catalog::get().access.built_in_roles;
    let role = |key: &str, scope: &str, why: &str| LandingZoneRoleModel {
        scope: scope.to_string(),
        name: roles[key].name.clone(),
        id: roles[key].id.clone(),
        why: why.to_string(),
    };
    let mut out = Vec::new();
    if let Some(n) = network {
        if let (Some(h), Some(_)) = (&n.existing_hub, &n.peering) {
            out.push(role("network_contributor", &h.vnet_id, "peer the spoke to the hub from the spoke's side (the hub owner creates the other side)"));
        }
        if let Some(e) = &n.existing_spoke {
            out.push(role(
                "network_contributor",
                &e.training_subnet_id,
                "put compute in the subnet (join)",
            ));
            out.push(role(
                "network_contributor",
                &e.pe_subnet_id,
                "put the private endpoints in the subnet (join)",
            ));
        }
    }
    if let Some(p) = private {
        if p.dns_mode == DnsMode::Create {
            for v in &p.linked_vnets {
                if let Some(id) = &v.existing_id {
                    out.push(role(
                        "network_contributor",
                        id,
                        "link the private DNS zones to the VNet (join)",
                    ));
                }
            }
        }
        if let (DnsMode::Existing, Some(rg)) = (p.dns_mode, &p.zones_resource_group_id) {
            out.push(role(
                "private_dns_zone_contributor",
                rg,
                "the private endpoints' zone groups write their A records in the central zones",
            ));
        }
        if let Some(c) = &p.corporate {
            out.push(role(
                "network_contributor",
                &c.subnet_id,
                "put the corporate network's private endpoints in the subnet (join)",
            ));
            if let Some(rg) = &c.zones_resource_group_id {
                out.push(role(
                    "private_dns_zone_contributor",
                    rg,
                    "the corporate endpoints' zone groups write their A records in the corporate zones",
                ));
            }
        }
    }
    out
}

/// The subnet compute runs in: the spoke's training subnet, or the landing zone's.
fn training_subnet_name(n: &NetworkModel) -> String {
    n.existing_spoke
        .as_ref()
        .map(|e| e.training_subnet_name.clone())
        .unwrap_or_else(|| address_plan::subnet_name("training").to_string())
}

/// A string setting of catalog/defaults.yaml (tested to exist and be a string).
fn default_str(key: &str) -> String {
    Catalog::get().defaults[key]
        .value
        .as_str()
        .unwrap_or_else(|| panic!("catalog/defaults.yaml `{key}` is not a string"))
        .to_string()
}

/// A true/false setting of catalog/defaults.yaml (tested to exist and be a boolean).
fn default_bool(key: &str) -> bool {
    Catalog::get().defaults[key]
        .value
        .as_bool()
        .unwrap_or_else(|| panic!("catalog/defaults.yaml `{key}` is not true or false"))
}

/// A whole-number setting of catalog/defaults.yaml (tested to exist and be a number).
fn default_u64(key: &str) -> u64 {
    Catalog::get().defaults[key]
        .value
        .as_u64()
        .unwrap_or_else(|| panic!("catalog/defaults.yaml `{key}` is not a whole number"))
}

/// The package ecosystems the blueprint allows, with their destinations from the catalog.
fn packages(bp: &crate::blueprint::Blueprint) -> Vec<PackageModel> {
    let cat = Catalog::get();
    bp.packages
        .iter()
        .filter_map(|k| cat.packages.get(k).map(|p| (k, p)))
        .map(|(k, p)| PackageModel {
            key: k.clone(),
            title: p.title.clone(),
            destinations: p.destinations(),
            note: p.note.clone(),
            writes: p.writes.clone(),
        })
        .collect()
}

/// The user-assigned workspace identity and its roles (catalog/access.yaml), split into those
/// Azure needs before it creates the workspace and the one on the workspace.
/// The workspace's key: the blueprint's, or the one amlgen creates (checked: exactly one of them,
/// and a created key only where the catalog has Azure Cosmos DB's application ID).
fn customer_managed_key(
    k: &crate::blueprint::CustomerManagedKey,
    names: &crate::naming::Names,
    cloud: &str,
) -> CustomerManagedKeyModel {
    let cat = Catalog::get();
    let cosmos_db_app_id = cat.encryption.cosmos_db_app_id.by_cloud.get(cloud).cloned();
    let source = match (&k.create, &names.created_key) {
        (Some(c), Some(name)) => {
            let role = &cat.access.built_in_roles[cat.encryption.cosmos_db_key_role.value.as_str()];
            let created = &cat.encryption.created_key;
            let size = c.size.unwrap_or(created.default_size);
            KeySource::Created(CreatedKeyModel {
                name: name.value.clone(),
                kty: created.kty.clone(),
                size,
                body: json!({"properties": {"kty": created.kty, "keySize": size}}).to_string(),
                sizes: created.sizes.clone(),
                api_version: cat.api_versions["key_vault_key"].version.clone(),
                cosmos_db_app_id: cosmos_db_app_id.clone().unwrap_or_default(),
                role: TargetRoleModel {
                    target: None,
                    name: role.name.clone(),
                    id: role.id.clone(),
                    since: role.since.clone(),
                },
            })
        }
        _ => KeySource::Existing {
            key_vault_id: k.key_vault_id.clone().unwrap_or_default(),
            key_uri: k.key_uri.clone().unwrap_or_default(),
        },
    };
    CustomerManagedKeyModel {
        source,
        cosmos_db_app_id,
        key_permissions: cat.encryption.key_permissions.value.clone(),
    }
}

fn identity(
    name: &crate::naming::Name,
    managed_vnet: bool,
    shared_key_access: bool,
) -> IdentityModel {
    let cat = Catalog::get();
    let (workspace_roles, roles) = cat
        .access
        .workspace_identity_roles
        .iter()
        .filter(|r| managed_vnet || !r.managed_vnet_only)
        .filter(|r| !shared_key_access || !r.identity_datastores_only)
        .map(|r| {
            let role = &cat.access.built_in_roles[r.role.as_str()];
            let on = match r.scope.as_str() {
                "workspace" => "the workspace",
                "storage_account" => "the storage account",
                "key_vault" => "the key vault",
                "container_registry" => "the container registry",
                "application_insights" => "Application Insights",
                "resource_group" => "the resource group",
                other => {
                    panic!("catalog/access.yaml: unknown workspace_identity_roles scope {other}")
                }
            };
            IdentityRoleModel {
                scope: r.scope.clone(),
                on: on.to_string(),
                name: role.name.clone(),
                id: role.id.clone(),
                why: match &r.source_quote {
                    Some(q) => format!("{}; Microsoft: {q}", r.why),
                    None => r.why.clone(),
                },
                bicep_symbol: crate::naming::bicep_symbol(&format!("{}_{}", r.scope, r.role)),
            }
        })
        .partition(|r| r.scope == "workspace");
    IdentityModel {
        name: name.value.clone(),
        api_version: cat.api_versions["user_assigned_identity"].version.clone(),
        roles,
        workspace_roles,
    }
}

fn names_map(n: &Names) -> IndexMap<&'static str, String> {
    let mut m = IndexMap::new();
    m.insert("resource_group", n.resource_group.value.clone());
    m.insert("workspace", n.workspace.value.clone());
    m.insert("storage_account", n.storage_account.value.clone());
    m.insert("key_vault", n.key_vault.value.clone());
    m.insert("container_registry", n.container_registry.value.clone());
    m.insert("log_analytics", n.log_analytics.value.clone());
    m.insert("application_insights", n.application_insights.value.clone());
    m
}

/// Blueprint rules in deployment form: `include_subdomains` becomes two rules (a wildcard never
/// matches its apex), sorted by name so a reordered blueprint gives the same output.
fn expand_rules(rules: &[OutboundRule], packages: &[PackageModel]) -> Vec<RuleModel> {
    let empty = |name: &str, kind, arm_type| RuleModel {
        name: name.to_string(),
        kind,
        arm_type,
        destination: None,
        service_tag: None,
        protocol: None,
        port_ranges: None,
        service_resource_id: None,
        subresource_target: None,
        spark_enabled: None,
        cli_args: Vec::new(),
    };
    let mut out = Vec::new();
    for r in rules {
        match r {
            OutboundRule::Fqdn {
                name,
                destination,
                include_subdomains,
            } => {
                let dest = destination.to_ascii_lowercase();
                out.push(RuleModel {
                    destination: Some(dest.clone()),
                    ..empty(name, RuleKind::Fqdn, "FQDN")
                });
                if *include_subdomains {
                    out.push(RuleModel {
                        destination: Some(format!("*.{dest}")),
                        ..empty(&format!("{name}-sub"), RuleKind::Fqdn, "FQDN")
                    });
                }
            }
            OutboundRule::ServiceTag { name, destination } => out.push(RuleModel {
                service_tag: Some(destination.service_tag.clone()),
                protocol: Some(destination.protocol.clone()),
                port_ranges: Some(destination.port_ranges.clone()),
                ..empty(name, RuleKind::ServiceTag, "ServiceTag")
            }),
            OutboundRule::PrivateEndpoint { name, destination } => out.push(RuleModel {
                service_resource_id: Some(destination.service_resource_id.clone()),
                subresource_target: Some(destination.subresource_target.clone()),
                spark_enabled: Some(destination.spark_enabled),
                ..empty(name, RuleKind::PrivateEndpoint, "PrivateEndpoint")
            }),
        }
    }
    // Package allowances become FQDN rules named after the ecosystem and the host; a
    // destination a user rule already allows is not repeated.
    for p in packages {
        for (i, d) in p.destinations.iter().enumerate() {
            if out.iter().any(|r| r.destination.as_deref() == Some(d)) {
                continue;
            }
            let mut name = package_rule_name(&p.key, d);
            if out.iter().any(|r| r.name.eq_ignore_ascii_case(&name)) {
                name = format!("{}-{}", &name[..name.len().min(30)], i + 1);
            }
            out.push(RuleModel {
                destination: Some(d.clone()),
                ..empty(&name, RuleKind::Fqdn, "FQDN")
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// `pkg-pip-files-pythonhosted-org`, `pkg-vscode-any-vscode-dev`: the ecosystem and the host it
/// allows, cut to the 33 characters Azure allows in a rule name (catalog/managed_network.yaml).
fn package_rule_name(ecosystem: &str, destination: &str) -> String {
    const MAX: usize = 33;
    let host = destination.replacen("*.", "any.", 1);
    let slug: String = format!("pkg-{ecosystem}-{host}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(MAX)
        .collect();
    slug.trim_end_matches('-').to_string()
}

/// The ARM `managedNetwork.outboundRules` map: rule name -> rule body.
pub fn arm_outbound_rules(rules: &[RuleModel]) -> Json {
    let mut map = serde_json::Map::new();
    for r in rules {
        let destination = match r.kind {
            RuleKind::Fqdn => json!(r.destination),
            RuleKind::ServiceTag => json!({
                "serviceTag": r.service_tag,
                "protocol": r.protocol,
                "portRanges": r.port_ranges,
                "action": "Allow",
            }),
            RuleKind::PrivateEndpoint => json!({
                "serviceResourceId": r.service_resource_id,
                "subresourceTarget": r.subresource_target,
                "sparkEnabled": r.spark_enabled,
            }),
        };
        map.insert(
            r.name.clone(),
            json!({"type": r.arm_type, "category": "UserDefined", "destination": destination}),
        );
    }
    Json::Object(map)
}

/// The catalog's prerequisites that apply to this architecture, in catalog order.
fn prerequisites(topology: &Topology) -> Vec<String> {
    use crate::catalog::Applies;
    let this = match topology {
        Topology::ManagedVnet { .. } => Applies::ManagedVnet,
        Topology::CustomerVnet(_) => Applies::CustomerVnet,
    };
    Catalog::get()
        .prerequisites
        .iter()
        .filter(|p| p.applies.iter().any(|a| *a == Applies::All || *a == this))
        .map(|p| p.text.clone())
        .collect()
}

/// The architecture's name and one-line summary, for the Bicep's `metadata`. They depend on the
/// topology only, never on blueprint text, so two blueprints of one design share one `main.bicep`
/// (and free text such as `//` in a description never reaches Bicep).
fn architecture(topology: &Topology) -> (&'static str, &'static str) {
    match topology {
        Topology::ManagedVnet {
            approved_only: false,
        } => (
            "Azure Machine Learning: managed VNet",
            "Workspace managed VNet allowing internet outbound; workspace and its dependencies reached through private endpoints.",
        ),
        Topology::ManagedVnet {
            approved_only: true,
        } => (
            "Azure Machine Learning: managed VNet, approved outbound only",
            "Workspace managed VNet allowing only approved outbound (private endpoint, service tag and FQDN rules); dependencies reached through private endpoints.",
        ),
        Topology::CustomerVnet(customer) => match &customer.egress {
            CustomerEgress::ExistingFirewall(_) if customer.existing_spoke.is_some() => (
                "Azure Machine Learning: landing zone spoke",
                "Compute and private endpoints in existing subnets of a landing zone spoke; egress through the existing hub's firewall; no network resources created.",
            ),
            CustomerEgress::ExistingFirewall(_) => (
                "Azure Machine Learning: spoke peered to a landing zone hub",
                "Compute in a spoke VNet created here; egress through the existing hub's firewall; workspace and its dependencies reached through private endpoints.",
            ),
            CustomerEgress::Firewall(hub) if hub.exfiltration_prevention => (
                "Azure Machine Learning: hub-spoke with exfiltration prevention",
                "Compute in a customer spoke VNet; egress through the hub's Azure Firewall with a strict allowlist and a storage service endpoint policy.",
            ),
            CustomerEgress::Firewall(_) => (
                "Azure Machine Learning: hub-spoke customer VNet",
                "Compute in a customer spoke VNet; egress through the hub's Azure Firewall; workspace and its dependencies reached through private endpoints.",
            ),
            CustomerEgress::NatGateway => (
                "Azure Machine Learning: customer VNet with NAT gateway egress",
                "Compute in a customer VNet without a hub; egress through a NAT gateway, filtered by NSG service-tag rules.",
            ),
        },
    }
}

/// The diagnostic settings of this render: every catalogued target, the firewall only when
/// there is one.
fn diagnostics(has_firewall: bool) -> DiagnosticsModel {
    let logs = &Catalog::get().resource_logs;
    let targets = logs
        .targets
        .iter()
        .filter(|(k, _)| has_firewall || k.as_str() != "firewall")
        .map(|(k, t)| {
            let (label, symbol, resource_id_shell) = match k.as_str() {
                "firewall" => ("firewall", "firewall", "${FIREWALL_ID}"),
                "workspace" => ("workspace", "workspace", "${WORKSPACE_ID}"),
                "key_vault" => ("key vault", "keyVault", "${KEY_VAULT_ID}"),
                "storage_blob" => (
                    "storage account (blob service)",
                    "blobService",
                    "${STORAGE_ACCOUNT_ID}/blobServices/default",
                ),
                other => panic!("catalog/resource_logs.yaml: unknown target `{other}`"),
            };
            DiagnosticTargetModel {
                key: k.clone(),
                label,
                symbol,
                resource_id_shell,
                categories: t.categories.clone(),
                table: t.table.clone(),
                denied: t.denied.clone(),
                logs_shell: String::new(),
            }
        })
        .collect();
    DiagnosticsModel {
        setting_name: logs.setting_name.clone(),
        targets,
    }
}

/// Zones the Azure Monitor scope's endpoint shares with the other endpoints.
fn monitor_shared_zones(private: Option<&PrivateModel>) -> Vec<String> {
    let Some(p) = private else {
        return Vec::new();
    };
    let (monitor, others): (Vec<_>, Vec<_>) = p
        .private_endpoints
        .iter()
        .partition(|pe| pe.target == PeTarget::MonitorScope);
    monitor
        .iter()
        .flat_map(|pe| &pe.zone_names)
        .filter(|z| others.iter().any(|o| o.zone_names.contains(z)))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::package_rule_name;
    use crate::catalog::Catalog;

    #[test]
    fn package_rule_names_say_what_they_allow() {
        assert_eq!(
            package_rule_name("pip", "files.pythonhosted.org"),
            "pkg-pip-files-pythonhosted-org"
        );
        assert_eq!(
            package_rule_name("vscode", "*.vscode.dev"),
            "pkg-vscode-any-vscode-dev"
        );
        // Every host of every ecosystem gets a name Azure accepts.
        let cat = Catalog::get();
        let re = regex::Regex::new(&cat.managed_network.rule_name.pattern).unwrap();
        for (key, p) in &cat.packages {
            let all = p.hosts.iter().chain(&p.domains).chain(&p.wildcards);
            for host in all {
                let name = package_rule_name(key, host);
                assert!(re.is_match(&name), "{key} {host}: {name}");
            }
        }
    }
}

# One OpenStack platform, two landing zones and its metering collector.
platform "os-prod" {
  cloud                = "prod"          # clouds.yaml entry: the replicator account
  metering_cloud       = "prod-metering" # clouds.yaml entry: the read-only metering account
  region               = "RegionOne"
  user_domain          = "default"       # where the identity provider's users live
  domain_per_workspace = true            # one Keystone domain per workspace
  domain_name_pattern  = "kf-#{workspaceIdentifier}"
  project_name_pattern = "#{workspaceIdentifier}.#{projectIdentifier}"
  group_name_pattern   = "#{workspaceIdentifier}.#{projectIdentifier:%.20s}-#{platformGroupAlias}"
  role_mapping         = { admin = "member", user = "member", reader = "reader" }
  tag_prefix           = "kf_"
  quota_backend        = "unified-limits"
}

landing_zone "standard" {
  platform = "os-prod"
  quota = {
    "compute.cores"      = 20
    "compute.ram"        = 51200
    "volume.gigabytes"   = 500
    "network.floatingip" = 2
  }
  tags = { environment = "dev" }
}

landing_zone "production" {
  platform     = "os-prod"
  quota        = { "compute.cores" = 64, "compute.ram" = 262144, "volume.gigabytes" = 2000, "network.floatingip" = 8 }
  tags         = { environment = "prod" }
  role_mapping = { auditor = "reader" }
}

metering "os-prod" {
  interval = "5m"
  currency = "EUR"
  store    = "sqlite://keyform-metering.db"
  prices = {
    "server.flavor.m1.small" = 0.02
    "volume.gigabyte_hour"   = 0.0001
    "floatingip.hour"        = 0.005
  }
}

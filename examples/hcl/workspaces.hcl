# Two workspaces and their projects. Each tenant puts a project on a platform.
workspace "acme" {
  name = "ACME Corp"
  tags = { cost_center = "cc-42" }

  project "webshop" {
    tenant "os-prod" {
      landing_zone    = "production"
      quota           = { "compute.cores" = 96 }
      deletion_policy = "retain"
    }
    user "alice@acme.example" { roles = ["admin"] }
    user "bob@acme.example" { roles = ["user", "reader"] }
    user "ivan@audit.example" { roles = ["auditor"] }
  }

  project "analytics" {
    tenant "os-prod" {
      landing_zone = "standard"
      tags         = { data_class = "internal" }
    }
    user "carol@acme.example" { roles = ["admin"] }
  }
}

workspace "globex" {
  name = "Globex Inc"
  tags = { cost_center = "cc-77" }

  project "billing" {
    tenant "os-prod" {
      landing_zone    = "production"
      deletion_policy = "delete"
    }
    user "dave@globex.example" { roles = ["admin", "user"] }
  }

  project "sandbox" {
    tenant "os-prod" {
      landing_zone = "standard"
      quota        = { "compute.cores" = 4, "volume.gigabytes" = 50 }
      tags         = { environment = "sandbox" }
    }
    user "erin@globex.example" { roles = ["user"] }
    user "alice@acme.example" { roles = ["reader"] }
  }
}

import { describe, it, expect } from 'vitest';
import { renderText, textChunks } from '../../../plans/index.ts';
import { SAMPLE_PLANS } from './sample-plans.ts';

const HEAD = 'Platform os-prod (https://keystone.example/v3, region RegionOne) will be changed as follows:';

const EXPECTED: Readonly<Record<keyof typeof SAMPLE_PLANS, string>> = {
  'no changes': `Platform os-prod (https://keystone.example/v3, region RegionOne): no changes.

No changes. Keystone matches the configuration.
`,
  'new tenant': `${HEAD}

  # keyform_group.role["os-prod/acme/webshop/admin"] will be created
  # (group is in the configuration but not in Keystone)
  + keyform_group.role["os-prod/acme/webshop/admin"]
      + description = "acme/webshop admin [keyform platform=os-prod tenant=acme.webshop role=admin]"
      + domain      = "default"
      + name        = "acme.webshop-admin"

  # keyform_project.tenant["os-prod/acme/webshop"] will be created
  # (project is in the configuration but not in Keystone)
  + keyform_project.tenant["os-prod/acme/webshop"]
      + description = "acme/webshop"
      + domain      = "default"
      + enabled     = true
      + name        = "acme.webshop"
      + tags        = ["keyform.managed=os-prod", "keyform.tenant=acme.webshop"]

  # keyform_group_membership.member["os-prod/acme/webshop/admin/alice"] will be created
  # (membership is in the configuration but not in Keystone)
  + keyform_group_membership.member["os-prod/acme/webshop/admin/alice"]

  # keyform_role_assignment.grant["os-prod/acme/webshop/admin"] will be created
  # (assignment is in the configuration but not in Keystone)
  + keyform_role_assignment.grant["os-prod/acme/webshop/admin"]
      + keystoneRole = "member"

Plan: 4 to add, 0 to change, 0 to destroy.
`,
  drift: `${HEAD}

  # keyform_group_membership.member["os-prod/acme/webshop/admin/bob"] will be destroyed
  # ("bob" is in this group but not bound to role admin of acme.webshop in the configuration)
  - keyform_group_membership.member["os-prod/acme/webshop/admin/bob"]

  # keyform_project.tenant["os-prod/acme/webshop"] will be updated in-place
  # (tags not as configured)
  ~ keyform_project.tenant["os-prod/acme/webshop"]
      ~ tags
          + "kf_cost_center=cc42"
          - "kf_cost_center=cc41"

  # keyform_quota.limit["os-prod/acme/webshop/compute.cores"] will be updated in-place
  # (value not as configured)
  ~ keyform_quota.limit["os-prod/acme/webshop/compute.cores"]
      ~ value = 20 -> 40

Remarks:
  ! user "carol" is bound to acme.webshop (admin) but has no Keystone user yet, so no group membership is planned; the next plan adds it once the identity provider has created the user (usually at first login).

Plan: 0 to add, 2 to change, 1 to destroy.
`,
  removed: `${HEAD}

  # keyform_project.tenant["os-prod/acme/gone"] will be destroyed
  # (tenant acme.gone was removed from the configuration and its deletion policy is delete)
  - keyform_project.tenant["os-prod/acme/gone"]
      - description = "acme/gone"
      - domain      = "default"
      - enabled     = true
      - name        = "acme.gone"
      - tags        = ["keyform.deletion_policy=delete", "keyform.managed=os-prod", "keyform.tenant=acme.gone"]

Plan: 0 to add, 0 to change, 1 to destroy.
`,
  replace: `${HEAD}

  # keyform_role_assignment.grant["os-prod/acme/webshop/admin"] must be replaced (create replacement and then destroy)
  # (keystoneRole cannot be changed in place in Keystone; the new role is granted before the old one is revoked)
  +/- keyform_role_assignment.grant["os-prod/acme/webshop/admin"]
      ~ keystoneRole = "member" -> "reader"  # forces replacement

Plan: 1 to add, 0 to change, 1 to destroy.
`,
  clash: `Platform os-prod (https://keystone.example/v3, region RegionOne): no changes.

Error: keyform_project.tenant["os-prod/acme/webshop"] needs project "acme.webshop" in domain "default", which already exists (id p-by-hand) and is not managed by keyform. Change the name pattern or the identifier, rename or delete the existing project, or set adopt = true on the tenant to take the existing project over.

The plan has errors and cannot be applied.
`,
};

describe('renderText', () => {
  it.each(Object.keys(EXPECTED) as (keyof typeof SAMPLE_PLANS)[])('renders the %s plan exactly', (name) => {
    // GIVEN a sample plan
    const plan = SAMPLE_PLANS[name]();
    // WHEN rendered without colours
    // THEN the text is exactly as expected
    expect(renderText(plan, { color: false })).toBe(EXPECTED[name]);
  });

  it.each(Object.keys(EXPECTED) as (keyof typeof SAMPLE_PLANS)[])('hands out the %s plan in chunks of about the chunk size that join into its text', (name) => {
    // GIVEN a sample plan WHEN rendered in chunks of 200 characters
    const chunks = [...textChunks(SAMPLE_PLANS[name](), { color: false, chunkSize: 200 })];
    // THEN they join into the exact text, each no longer than a chunk and one change's block
    expect(chunks.join('')).toBe(EXPECTED[name]);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(200 + 600);
    if (EXPECTED[name].length > 1000) expect(chunks.length).toBeGreaterThan(2);
  });

  it('colours glyphs and the plan line when colours are on, and only then', () => {
    // GIVEN a plan with a replace
    const plan = SAMPLE_PLANS.replace();
    // WHEN rendered with colours
    const text = renderText(plan, { color: true });
    // THEN the replace glyph (create first: `+/-`) is green and red, the forced path red, the plan line bold
    expect(text).toContain('\u001b[32m+\u001b[0m/\u001b[31m-\u001b[0m keyform_role_assignment');
    expect(text).toContain('\u001b[31m# forces replacement\u001b[0m');
    expect(text).toContain('\u001b[1mPlan: 1 to add, 0 to change, 1 to destroy.\u001b[0m');
    // AND stripped of its colours it is the plain rendering
    // eslint-disable-next-line no-control-regex
    expect(text.replace(/\u001b\[\d+m/g, '')).toBe(renderText(plan, { color: false }));
  });
});

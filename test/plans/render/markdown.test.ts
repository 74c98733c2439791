import { describe, it, expect } from 'vitest';
import { createPlan, renderMarkdown } from '../../../plans/index.ts';
import { desiredState, liveState, tenant } from '../fixtures.ts';
import { SAMPLE_PLANS } from './sample-plans.ts';

const TABLE = '| Platform | Endpoint | Region | Add | Change | Destroy | Replace | Remarks | Errors |\n|---|---|---|--:|--:|--:|--:|--:|--:|';
const row = (...n: number[]) => `| \`os-prod\` | https://keystone.example/v3 | RegionOne | ${n.join(' | ')} |`;
const WORKSPACES = '| Platform | Workspace | Tenants changed | Add | Change | Destroy | Replace |\n|---|---|--:|--:|--:|--:|--:|';
const acme = (...n: number[]) => `| \`os-prod\` | \`acme\` | ${n.join(' | ')} |`;

const EXPECTED: Readonly<Partial<Record<keyof typeof SAMPLE_PLANS, string>>> = {
  'no changes': `## keyform plan

${TABLE}
${row(0, 0, 0, 0, 0, 0)}

**No changes.** Keystone matches the configuration.
`,
  drift: `## keyform plan

${TABLE}
${row(0, 2, 1, 0, 1, 0)}

**Plan: 0 to add, 2 to change, 1 to destroy.**

${WORKSPACES}
${acme(1, 0, 2, 1, 0)}

> [!WARNING]
> **1 to destroy, 0 to replace:** review these first.
>
> - \`-\` \`keyform_group_membership.member["os-prod/acme/webshop/admin/bob"]\`: "bob" is in this group but not bound to role admin of acme.webshop in the configuration

<details>
<summary>Tenant <code>acme.webshop</code> on <code>os-prod</code>: 0 to add, 2 to change, 1 to destroy</summary>

\`\`\`diff
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
\`\`\`

</details>

### Remarks

- \`carol\` on \`acme.webshop\` (\`os-prod\`): user "carol" is bound to acme.webshop (admin) but has no Keystone user yet, so no group membership is planned; the next plan adds it once the identity provider has created the user (usually at first login).
`,
  replace: `## keyform plan

${TABLE}
${row(1, 0, 1, 1, 0, 0)}

**Plan: 1 to add, 0 to change, 1 to destroy.**

${WORKSPACES}
${acme(1, 1, 0, 1, 1)}

> [!WARNING]
> **0 to destroy, 1 to replace:** review these first.
>
> - \`+/-\` \`keyform_role_assignment.grant["os-prod/acme/webshop/admin"]\`: keystoneRole cannot be changed in place in Keystone; the new role is granted before the old one is revoked

<details>
<summary>Tenant <code>acme.webshop</code> on <code>os-prod</code>: 1 to add, 0 to change, 1 to destroy</summary>

\`\`\`diff
# keyform_role_assignment.grant["os-prod/acme/webshop/admin"] must be replaced (create replacement and then destroy)
# (keystoneRole cannot be changed in place in Keystone; the new role is granted before the old one is revoked)
+/- keyform_role_assignment.grant["os-prod/acme/webshop/admin"]
    ~ keystoneRole = "member" -> "reader"  # forces replacement
\`\`\`

</details>
`,
  clash: `## keyform plan

${TABLE}
${row(0, 0, 0, 0, 0, 1)}

> [!CAUTION]
> **This plan cannot be applied:**
>
> - keyform_project.tenant["os-prod/acme/webshop"] needs project "acme.webshop" in domain "default", which already exists (id p-by-hand) and is not managed by keyform. Change the name pattern or the identifier, rename or delete the existing project, or set adopt = true on the tenant to take the existing project over.
`,
};

describe('renderMarkdown', () => {
  it.each(Object.keys(EXPECTED) as (keyof typeof SAMPLE_PLANS)[])('renders the %s plan exactly', (name) => {
    // GIVEN a sample plan WHEN rendered as Markdown THEN the comment is exactly as expected
    expect(renderMarkdown(SAMPLE_PLANS[name]())).toBe(EXPECTED[name]);
  });

  it('puts the summary table first and the destroys before the details', () => {
    // GIVEN a plan with a destroy WHEN rendered
    const md = renderMarkdown(SAMPLE_PLANS.removed());
    // THEN the table comes before the callout, which comes before the collapsed details
    const table = md.indexOf('| Platform |'), callout = md.indexOf('> [!WARNING]'), details = md.indexOf('<details>');
    expect(table).toBeGreaterThan(0);
    expect(callout).toBeGreaterThan(table);
    expect(details).toBeGreaterThan(callout);
  });
});

describe('renderMarkdown at scale', () => {
  /** `n` new tenants over `workspaces` workspaces, each with three roles, two members and two quotas. */
  function newTenants(n: number, workspaces: number) {
    const resources = Array.from({ length: n }, (_, i) => tenant({
      workspace: `ws${String(i % workspaces).padStart(3, '0')}`, project: `project-${String(i).padStart(3, '0')}`,
      roles: { admin: 'member', user: 'member', reader: 'reader' },
      members: { [`alice${i}@example.test`]: ['admin', 'user'], [`bob${i}@example.test`]: ['reader'] },
      quotas: { 'compute.cores': 40, 'compute.ram': 51200 },
    })).flat();
    const users = Array.from({ length: n }, (_, i) => [`alice${i}@example.test`, `bob${i}@example.test`]).flat();
    return createPlan({ toolVersion: '0.1.0', createdAt: '2025-06-01T12:00:00.000Z', platforms: [{ desired: desiredState(resources), live: liveState([], { users }), endpoint: 'https://k/v3', region: 'R' }] });
  }

  it.each([
    ['200 tenants in 20 workspaces', 20],
    ['200 tenants each in its own workspace', 200],
  ])('keeps a plan of %s under GitHub\'s 65,536-character limit, every workspace summarized', (_name, workspaces) => {
    // GIVEN 200 new tenants (thousands of changes)
    const plan = newTenants(200, workspaces);
    // WHEN rendered as a comment
    const md = renderMarkdown(plan);
    // THEN it fits, every workspace has its row, and the tenants that did not fit point to the artifact
    expect(md.length).toBeLessThan(65_536);
    for (let w = 0; w < workspaces; w++) expect(md).toContain(`| \`os-prod\` | \`ws${String(w).padStart(3, '0')}\` |`);
    expect(md).toMatch(/\*\*\d+ more tenants \(\d+ to add, 0 to change, 0 to destroy\) not shown here\*\* to keep this comment within its size limit: see the plan artifact/);
    expect(md).toContain('<summary>Tenant <code>ws000.project-000</code> on <code>os-prod</code>');
    expect(md).toContain(`**Plan: ${plan.summary.add} to add, 0 to change, 0 to destroy.**`);
  });

  it('cuts a long list of destroys to twenty lines, pointing to the artifact for the rest', () => {
    // GIVEN 200 tenants removed under the delete policy
    const live = liveState(Array.from({ length: 200 }, (_, i) => tenant({ project: `p${String(i).padStart(3, '0')}`, deletionPolicy: 'delete', roles: {} })).flat());
    const plan = createPlan({ toolVersion: '0.1.0', createdAt: '2025-06-01T12:00:00.000Z', platforms: [{ desired: desiredState([]), live, endpoint: 'https://k/v3', region: 'R' }] });
    // WHEN rendered with a named artifact
    const md = renderMarkdown(plan, { artifact: 'the `keyform-plan` artifact' });
    // THEN the callout lists twenty and counts the rest
    expect(md.length).toBeLessThan(65_536);
    expect(md.match(/^> - `-` /gm)).toHaveLength(20);
    expect(md).toContain('> - … and 180 more: see the `keyform-plan` artifact.');
  });
});

import { describe, it, expect } from 'vitest';
import { renderMarkdown } from '../../../plans/index.ts';
import { SAMPLE_PLANS } from './sample-plans.ts';

const TABLE = '| Platform | Endpoint | Region | Add | Change | Destroy | Replace | Remarks | Errors |\n|---|---|---|--:|--:|--:|--:|--:|--:|';
const row = (...n: number[]) => `| \`os-prod\` | https://keystone.example/v3 | RegionOne | ${n.join(' | ')} |`;

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

> [!WARNING]
> **1 to destroy, 0 to replace:** review these first.
>
> - \`-\` \`keyform_group_membership.member["os-prod/acme/webshop/admin/bob"]\`: "bob" is in this group but not bound to role admin of acme.webshop in the configuration

<details>
<summary>Workspace <code>acme</code> on <code>os-prod</code>: 0 to add, 2 to change, 1 to destroy</summary>

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

> [!WARNING]
> **0 to destroy, 1 to replace:** review these first.
>
> - \`-/+\` \`keyform_role_assignment.grant["os-prod/acme/webshop/admin"]\`: keystoneRole cannot be changed in place in Keystone; the new role is granted before the old one is revoked

<details>
<summary>Workspace <code>acme</code> on <code>os-prod</code>: 1 to add, 0 to change, 1 to destroy</summary>

\`\`\`diff
# keyform_role_assignment.grant["os-prod/acme/webshop/admin"] must be replaced
# (keystoneRole cannot be changed in place in Keystone; the new role is granted before the old one is revoked)
-/+ keyform_role_assignment.grant["os-prod/acme/webshop/admin"]
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

import { describe, it, expect } from 'vitest';
import { renderJson } from '../../../plans/index.ts';
import { SAMPLE_PLANS } from './sample-plans.ts';

interface TerraformPlanJson {
  format_version: string;
  applyable: boolean;
  errored: boolean;
  resource_changes: { address: string; type: string; name: string; index: string; change: { actions: string[]; before: unknown; after: unknown; replace_paths?: string[][] } }[];
}

const parse = (name: keyof typeof SAMPLE_PLANS) => JSON.parse(renderJson(SAMPLE_PLANS[name]())) as TerraformPlanJson;

describe('renderJson', () => {
  it.each([
    ['no changes', []],
    ['new tenant', [
      ['keyform_group.role["os-prod/acme/webshop/admin"]', ['create']],
      ['keyform_group_membership.member["os-prod/acme/webshop/admin/alice"]', ['create']],
      ['keyform_project.tenant["os-prod/acme/webshop"]', ['create']],
      ['keyform_role_assignment.grant["os-prod/acme/webshop/admin"]', ['create']],
    ]],
    ['drift', [
      ['keyform_group_membership.member["os-prod/acme/webshop/admin/bob"]', ['delete']],
      ['keyform_project.tenant["os-prod/acme/webshop"]', ['update']],
      ['keyform_quota.limit["os-prod/acme/webshop/compute.cores"]', ['update']],
    ]],
    ['replace', [['keyform_role_assignment.grant["os-prod/acme/webshop/admin"]', ['delete', 'create']]]],
  ] as const)('lists the %s plan as Terraform resource_changes sorted by address', (name, expected) => {
    // GIVEN a sample plan WHEN rendered as JSON
    const doc = parse(name);
    // THEN each change has Terraform's address and actions
    expect(doc.format_version).toBe('1.2');
    expect(doc.resource_changes.map((c) => [c.address, c.change.actions])).toEqual(expected);
  });

  it('splits the address into Terraform type, name and index and shows before and after values', () => {
    // GIVEN a replaced grant WHEN rendered
    const [c] = parse('replace').resource_changes;
    // THEN
    expect(c).toMatchObject({
      address: 'keyform_role_assignment.grant["os-prod/acme/webshop/admin"]',
      type: 'keyform_role_assignment', name: 'grant', index: 'os-prod/acme/webshop/admin',
      change: {
        before: { workspace: 'acme', project: 'webshop', role: 'admin', keystoneRole: 'member', ids: { id: 'assignment-os-prod-acme-webshop-admin' } },
        after: { workspace: 'acme', project: 'webshop', role: 'admin', keystoneRole: 'reader' },
        replace_paths: [['keystoneRole']],
      },
    });
  });

  it('says whether the plan can be applied', () => {
    // GIVEN a plan with changes and one with an error WHEN rendered THEN the flags follow
    expect(parse('drift')).toMatchObject({ applyable: true, errored: false });
    expect(parse('clash')).toMatchObject({ applyable: false, errored: true });
  });
});

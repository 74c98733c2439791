import { describe, it, expect } from 'vitest';
import { createPlan, isStale, renderMarkdown, renderText, targetProblem, targetSelects, type Plan } from '../../plans/index.ts';
import { actions, desiredState, edit, liveState, tenant } from './fixtures.ts';

const MEMBER = 'keyform_group_membership.member["os-prod/acme/webshop/admin/alice"]';
const planOf = (desired: ReturnType<typeof desiredState>, live: ReturnType<typeof liveState>, targets: string[]): Plan =>
  createPlan({ toolVersion: '0.1.0', createdAt: '2025-06-01T12:00:00.000Z', platforms: [{ desired, live, endpoint: 'https://k/v3', region: 'R' }], targets });

describe('targetSelects', () => {
  it.each([
    ['an address selects itself', MEMBER, MEMBER, true],
    ['an address selects no other object', 'keyform_project.tenant["os-prod/acme/webshop"]', MEMBER, false],
    ['a type selects its objects', 'keyform_group_membership', MEMBER, true],
    ['a type.name selects its objects', 'keyform_group_membership.member', MEMBER, true],
    ['a tenant path selects the tenant\'s objects', 'os-prod/acme/webshop', MEMBER, true],
    ['a workspace path selects its tenants\' objects', 'os-prod/acme', MEMBER, true],
    ['a tenant path is not a string prefix', 'os-prod/acme/web', MEMBER, false],
    ['another platform selects nothing here', 'os-test', MEMBER, false],
  ])('%s', (_name, target, address, expected) => {
    // GIVEN a target and an address WHEN matched THEN
    expect(targetSelects(target, address)).toBe(expected);
  });

  it('says what a well-formed target looks like when one is not', () => {
    // GIVEN a misspelt address WHEN checked THEN the problem shows the three forms
    expect(targetProblem('keyform_project.tenant[os-prod/acme/webshop]')).toMatch(/neither an address .* nor a tenant path/);
    expect(targetProblem('os-prod/acme/webshop')).toBeUndefined();
    expect(targetProblem(MEMBER)).toBeUndefined();
  });
});

describe('a targeted plan', () => {
  it('holds the targeted change and the changes it depends on, and nothing else', () => {
    // GIVEN two new tenants WHEN one membership is targeted
    const plan = planOf(desiredState([...tenant({ members: { alice: ['admin'] } }), ...tenant({ project: 'other' })]), liveState([], { users: ['alice'] }), [MEMBER]);
    // THEN the membership comes with its group (a group lives in the domain, not the project), nothing else
    expect(actions(plan.platforms[0]!.changes)).toEqual([
      'create keyform_group.role["os-prod/acme/webshop/admin"]',
      `create ${MEMBER}`,
    ]);
    expect(plan.platforms[0]!.leftOut).toContain('keyform_project.tenant["os-prod/acme/other"]');
    expect(plan.platforms[0]!.leftOut).toContain('keyform_project.tenant["os-prod/acme/webshop"]');
    expect(plan.targets).toEqual([MEMBER]);
    // AND every rendering says the plan is partial, as Terraform's -target does
    const note = 'This plan is partial: only "keyform_group_membership.member[\\"os-prod/acme/webshop/admin/alice\\"]" and what it depends on were planned; 5 changes outside the targets were left out. A later full plan shows them.';
    expect(renderText(plan, { color: false })).toContain(`Warning: ${note}`);
    expect(renderMarkdown(plan)).toContain('> [!NOTE]\n> This plan is partial: only');
  });

  it('is not stale when something outside its targets moved', () => {
    // GIVEN a plan of one tenant's new member
    const desired = desiredState([...tenant({ members: { alice: ['admin'] } }), ...tenant({ project: 'other', tags: { a: '1' } })]);
    const before = liveState([...tenant(), ...tenant({ project: 'other', tags: { a: '1' } })], { users: ['alice'] });
    const plan = planOf(desired, before, ['os-prod/acme/webshop']);
    // WHEN the other tenant's tag drifts before apply
    const moved = liveState(edit([...tenant(), ...tenant({ project: 'other', tags: { a: '1' } })], 'keyform_project.tenant["os-prod/acme/other"]', (r) => (r.kind === 'project' ? { ...r, attrs: { ...r.attrs, tags: [...r.attrs.tags, 'kf_a=2'] } } : r)), { users: ['alice'] });
    // THEN the plan still holds, but not once the targeted tenant moves
    expect(isStale(plan, [moved])).toEqual([]);
    const memberAdded = liveState([...tenant({ members: { alice: ['admin'] } }), ...tenant({ project: 'other', tags: { a: '1' } })], { users: ['alice'] });
    expect(isStale(plan, [memberAdded])).toEqual([MEMBER]);
  });
});

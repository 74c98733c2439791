import { createRequire } from 'node:module';
import { describe, it, expect } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { createPlan, jsonPlanChunks, renderJson, TERRAFORM_JSON_FORMAT_VERSION, TERRAFORM_VERSION } from '../../../../plans/index.ts';
import { desiredState, liveState, tenant } from '../../fixtures.ts';
import { SAMPLE_PLANS } from '../sample-plans.ts';
import { TERRAFORM_PLAN_SCHEMA } from './terraform-plan-schema.ts';

interface Rc {
  address: string; type: string; name: string; index: string; provider_name: string;
  change: { actions: string[]; before: Record<string, unknown> | null; after: Record<string, unknown> | null; after_unknown: unknown; before_sensitive: unknown; after_sensitive: unknown; replace_paths?: string[][] };
}
interface Doc {
  format_version: string; terraform_version: string; applyable: boolean; complete: boolean; errored: boolean;
  resource_changes: Rc[];
  planned_values: { root_module: { resources: { address: string; values: Record<string, unknown> }[] } };
  prior_state: { values: { root_module: { resources: { address: string; values: Record<string, unknown> }[] } } };
  relevant_attributes: { resource: string; attribute: string[] }[];
  keyform: { platforms: { reasons: Record<string, string> }[] };
}

type Name = keyof typeof SAMPLE_PLANS;
const text = (name: Name): string => renderJson(SAMPLE_PLANS[name]());
const parse = (name: Name): Doc => JSON.parse(text(name)) as Doc;
const change = (d: Doc, address: string): Rc => d.resource_changes.find((c) => c.address === address)!;
const PROJECT = 'keyform_project.tenant["os-prod/acme/webshop"]';

// terraform-unidiff is CommonJS; it is the consumer a team points at `terraform show -json` output.
const unidiff = createRequire(import.meta.url)('@ahmadnassri/terraform-unidiff') as (plan: unknown) => { summary: { create: number; update: number; delete: number }; patches: string[] };
const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(TERRAFORM_PLAN_SCHEMA);

/** The length of the longest scalar of `v` as JSON text. */
function longestScalar(v: unknown): number {
  if (v === null || typeof v !== 'object') return JSON.stringify(v).length;
  return Math.max(0, ...Object.entries(v).map(([k, x]) => Math.max(JSON.stringify(k).length + 1, longestScalar(x))));
}

describe('renderJson', () => {
  it.each(Object.keys(SAMPLE_PLANS) as Name[])('writes the %s plan as a document that matches terraform-json\'s Plan structs', (name) => {
    // GIVEN a sample plan WHEN rendered
    const doc = parse(name);
    // THEN it validates against the schema derived from terraform-json
    expect(validate(doc) ? [] : validate.errors).toEqual([]);
    expect(doc).toMatchObject({ format_version: TERRAFORM_JSON_FORMAT_VERSION, terraform_version: TERRAFORM_VERSION, complete: true });
  });

  it.each(Object.keys(SAMPLE_PLANS) as Name[])('writes the %s plan in small chunks as the same line, parsed as one JSON.stringify of it', (name) => {
    // GIVEN a sample plan WHEN rendered in chunks of 128
    const chunks = [...jsonPlanChunks(SAMPLE_PLANS[name](), { chunkSize: 128 })];
    // THEN they join into the one-string rendering, which is JSON.stringify's text of the document,
    // none longer than 1.5 chunks, or than two of its values where those are long (a reason, a message)
    expect(chunks.join('')).toBe(text(name));
    expect(text(name)).toBe(`${JSON.stringify(parse(name))}\n`);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(Math.max(192, 2 * longestScalar(parse(name))));
    expect(chunks.length).toBeGreaterThan(5);
  });

  it('is one line, as terraform show -json writes it', () => {
    // GIVEN a plan with changes WHEN rendered THEN a single line ends with a newline
    expect(text('drift').split('\n')).toHaveLength(2);
  });

  it.each([
    ['no changes', [
      [PROJECT, ['no-op']],
    ]],
    ['new tenant', [
      ['keyform_group.role["os-prod/acme/webshop/admin"]', ['create']],
      ['keyform_group_membership.member["os-prod/acme/webshop/admin/alice"]', ['create']],
      [PROJECT, ['create']],
      ['keyform_role_assignment.grant["os-prod/acme/webshop/admin"]', ['create']],
    ]],
    ['drift', [
      ['keyform_group.role["os-prod/acme/webshop/admin"]', ['no-op']],
      ['keyform_group_membership.member["os-prod/acme/webshop/admin/bob"]', ['delete']],
      [PROJECT, ['update']],
      ['keyform_quota.limit["os-prod/acme/webshop/compute.cores"]', ['update']],
      ['keyform_role_assignment.grant["os-prod/acme/webshop/admin"]', ['no-op']],
    ]],
    ['replace', [
      ['keyform_group.role["os-prod/acme/webshop/admin"]', ['no-op']],
      [PROJECT, ['no-op']],
      ['keyform_role_assignment.grant["os-prod/acme/webshop/admin"]', ['create', 'delete']],
    ]],
  ] as const)('lists every object of the %s plan in resource_changes, unchanged ones as ["no-op"], sorted by address', (name, expected) => {
    // GIVEN a sample plan WHEN rendered as JSON
    const doc = parse(name);
    // THEN each object has Terraform's address and actions
    expect(doc.resource_changes.map((c) => [c.address, c.change.actions])).toEqual(expected);
  });

  it('keeps in an update\'s after every attribute of before that the change does not touch', () => {
    // GIVEN a project whose tag drifted WHEN rendered
    const c = change(parse('drift'), PROJECT);
    // THEN after is before with the tags replaced: its ids and every other attribute stay
    const { tags: beforeTags, ...beforeRest } = c.change.before!;
    const { tags: afterTags, ...afterRest } = c.change.after!;
    expect(afterRest).toEqual(beforeRest);
    expect(afterRest['ids']).toEqual(expect.objectContaining({ id: expect.any(String) }));
    expect(afterTags).not.toEqual(beforeTags);
    expect(c.change).toMatchObject({ after_unknown: {}, before_sensitive: {}, after_sensitive: {} });
  });

  it('marks the ids of a new object as known only after apply, and writes sensitivity as Terraform does', () => {
    // GIVEN a new tenant and a removed membership WHEN rendered
    const created = change(parse('new tenant'), PROJECT).change;
    const deleted = change(parse('drift'), 'keyform_group_membership.member["os-prod/acme/webshop/admin/bob"]').change;
    // THEN
    expect(created).toMatchObject({ before: null, after_unknown: { ids: true }, before_sensitive: false, after_sensitive: {} });
    expect(created.after).not.toHaveProperty('ids');
    expect(deleted).toMatchObject({ after: null, after_unknown: {}, before_sensitive: {}, after_sensitive: false });
  });

  it('writes attribute names in snake_case, splitting the address into type, name and index', () => {
    // GIVEN a replaced grant and a changed quota WHEN rendered
    const grant = change(parse('replace'), 'keyform_role_assignment.grant["os-prod/acme/webshop/admin"]');
    const quota = change(parse('drift'), 'keyform_quota.limit["os-prod/acme/webshop/compute.cores"]');
    // THEN
    expect(grant).toMatchObject({
      type: 'keyform_role_assignment', name: 'grant', index: 'os-prod/acme/webshop/admin', provider_name: 'keyform',
      change: {
        before: { platform: 'os-prod', workspace: 'acme', project: 'webshop', role: 'admin', keystone_role: 'member' },
        after: { keystone_role: 'reader' },
        after_unknown: { ids: true },
        replace_paths: [['keystone_role']],
      },
    });
    expect(quota.change.before).toMatchObject({ quota_key: 'compute.cores', value: 20 });
    expect(JSON.stringify(parse('drift').resource_changes)).not.toMatch(/"[a-z]+[A-Z][A-Za-z]*":/);
  });

  it('gives the live values as prior_state and what Keystone will hold as planned_values', () => {
    // GIVEN the drift plan WHEN rendered
    const doc = parse('drift');
    const prior = doc.prior_state.values.root_module.resources.map((r) => r.address);
    const planned = doc.planned_values.root_module.resources;
    // THEN the removed member is in the prior state only, and the planned project has the new tag
    expect(prior).toContain('keyform_group_membership.member["os-prod/acme/webshop/admin/bob"]');
    expect(planned.map((r) => r.address)).not.toContain('keyform_group_membership.member["os-prod/acme/webshop/admin/bob"]');
    expect(planned.find((r) => r.address === PROJECT)!.values['tags']).toContain('kf_cost_center=cc42');
    expect(doc.relevant_attributes).toContainEqual({ resource: PROJECT, attribute: ['tags'] });
  });

  it('says whether the plan can be applied, and keeps keyform\'s reasons under its own key', () => {
    // GIVEN a plan with changes and one with an error WHEN rendered THEN the flags follow
    expect(parse('drift')).toMatchObject({ applyable: true, errored: false });
    expect(parse('clash')).toMatchObject({ applyable: false, errored: true });
    expect(parse('drift').keyform.platforms[0]!.reasons[PROJECT]).toMatch(/tag/);
  });

  it('says a targeted plan is not complete', () => {
    // GIVEN a tag drift and a new member, planned for the membership alone
    const desired = desiredState(tenant({ tags: { cost_center: 'cc42' }, members: { carol: ['admin'] } }));
    const live = liveState(tenant({ tags: { cost_center: 'cc41' } }), { users: ['carol'] });
    const plan = createPlan({ toolVersion: '0.1.0', createdAt: '2025-06-01T12:00:00.000Z', platforms: [{ desired, live, endpoint: 'https://k/v3', region: 'R' }], targets: ['keyform_group_membership'] });
    // WHEN rendered
    const doc = JSON.parse(renderJson(plan)) as Doc;
    // THEN only the membership changes, the project's pending update is not shown as a no-op, and the plan is partial
    expect(doc.complete).toBe(false);
    expect(doc.resource_changes.filter((c) => c.change.actions[0] !== 'no-op').map((c) => c.address)).toEqual(['keyform_group_membership.member["os-prod/acme/webshop/admin/carol"]']);
    expect(doc.resource_changes.map((c) => c.address)).not.toContain(PROJECT);
  });
});

describe('renderJson read by @ahmadnassri/terraform-unidiff', () => {
  it('renders the drift plan with Terraform\'s counts and no false removal', () => {
    // GIVEN the drift plan as Terraform JSON WHEN the tool reads it
    const { summary, patches } = unidiff(parse('drift'));
    // THEN it accepts it, counts as keyform does, and the project's patch removes only the old tag
    expect(summary).toEqual({ create: 0, update: 2, delete: 1 });
    const project = patches.find((p) => p.includes(PROJECT))!;
    const removed = project.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'));
    expect(removed).toEqual(['-  - kf_cost_center=cc41']);
    expect(project).toContain('+  - kf_cost_center=cc42');
  });

  it('renders a new tenant as additions only', () => {
    // GIVEN a new tenant WHEN the tool reads it THEN every line of every patch is an addition
    const { summary, patches } = unidiff(parse('new tenant'));
    expect(summary).toEqual({ create: 4, update: 0, delete: 0 });
    expect(patches.flatMap((p) => p.split('\n')).filter((l) => /^-(?!--)/.test(l))).toEqual(['-""', '-""', '-""', '-""']);
  });
});

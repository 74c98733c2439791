import type { ResultAsync } from 'neverthrow';
import { withDescriptionMarker } from '../../constructs/index.ts';
import {
  createDomain,
  createGroup,
  createProject,
  deleteDomain,
  deleteGroup,
  deleteProject,
  grantRole,
  revokeRole,
  updateDomain,
  updateGroup,
  updateProject,
} from '../keystone/index.ts';
import type { OpenStackError, OpenStackSession } from '../openstack/index.ts';

/** The tag on a probe project: no keyform marker, so no plan ever takes it for its own. */
export const PROBE_TAG = 'keyform.doctor-probe';

/** What to probe with: the name, where, and which role to grant. */
export interface ProbePlan {
  /** Name of every probe object, e.g. `keyform-doctor-1a2b3c4d`: unique per run. */
  readonly name: string;
  readonly platform: string;
  /** Domain to probe in; undefined makes a probe domain first (domain_per_workspace). */
  readonly domainId: string | undefined;
  /** Role to grant the probe group on the probe project; undefined skips that step. */
  readonly roleId: string | undefined;
}

/** What the probe did. */
export interface ProbeResult {
  /** Operations that succeeded, in order, e.g. `create a project`. */
  readonly done: readonly string[];
  /** The first operation Keystone refused; the probe stopped there. */
  readonly refused?: { readonly operation: string; readonly message: string };
  /** Probe objects that could not be removed, e.g. `group keyform-doctor-… (ID)`. */
  readonly leftovers: readonly string[];
}

interface Made {
  readonly kind: 'domain' | 'project' | 'group';
  readonly what: string;
  readonly remove: () => ResultAsync<void, OpenStackError>;
}

/**
 * Does, once each, what apply does in Keystone, on objects of its own: a disabled, marked
 * project and a group (in a domain of their own when `domainId` is undefined) are created and
 * updated, the group gets and loses a role on the project, and everything is deleted again.
 * Group membership is not probed: Keystone revokes the tokens of a user removed from a group,
 * so the account would lock itself out (and any other user would be logged out); Keystone's
 * policies put it with the group writes. It stops at the first refusal and removes what
 * it made; what it could not remove is named in `leftovers`.
 * @example await writeProbe(session, { name: 'keyform-doctor-1a2b3c4d', platform: 'os-prod', domainId: 'default', roleId })
 */
export async function writeProbe(s: OpenStackSession, plan: ProbePlan): Promise<ProbeResult> {
  const done: string[] = [];
  const made: Made[] = [];
  const state: { refused?: { operation: string; message: string } } = {};
  const step = async <T>(operation: string, call: () => ResultAsync<T, OpenStackError>): Promise<{ readonly value: T } | undefined> => {
    if (state.refused) return undefined;
    const r = await call();
    if (r.isErr()) {
      state.refused = { operation, message: r.error.message };
      return undefined;
    }
    done.push(operation);
    return { value: r.value };
  };
  const description = withDescriptionMarker('keyform doctor write probe; safe to delete', { doctor: plan.platform });
  const updated = withDescriptionMarker('keyform doctor write probe (updated); safe to delete', { doctor: plan.platform });
  let domainId = plan.domainId;
  if (domainId === undefined) {
    // Enabled: Keystone refuses projects in a disabled domain. Deleting it disables it first.
    const d = (await step('create a domain', () => createDomain(s, { name: plan.name, description, enabled: true })))?.value;
    if (d) made.push({ kind: 'domain', what: `domain ${d.name} (${d.id})`, remove: () => updateDomain(s, d.id, { enabled: false }).andThen(() => deleteDomain(s, d.id)) });
    domainId = d?.id;
  }
  const inDomain = domainId;
  const p = inDomain === undefined ? undefined : (await step('create a project', () => createProject(s, { name: plan.name, domain_id: inDomain, description, enabled: false, tags: [PROBE_TAG] })))?.value;
  if (p) {
    made.push({ kind: 'project', what: `project ${p.name} (${p.id})`, remove: () => deleteProject(s, p.id) });
    await step('update a project', () => updateProject(s, p.id, { description: updated }));
  }
  const g = p === undefined ? undefined : (await step('create a group', () => createGroup(s, { name: plan.name, domain_id: p.domain_id, description })))?.value;
  if (g) {
    made.push({ kind: 'group', what: `group ${g.name} (${g.id})`, remove: () => deleteGroup(s, g.id) });
    await step('update a group', () => updateGroup(s, g.id, { description: updated }));
  }
  const roleId = plan.roleId;
  if (g && p && roleId !== undefined) {
    const grant = { actor: { group: g.id }, target: { project: p.id }, roleId };
    await step('grant a role to a group on a project', () => grantRole(s, grant));
    await step('revoke a role', () => revokeRole(s, grant));
  }
  const leftovers = await removeAll(made, step);
  return { done, ...(state.refused ? { refused: state.refused } : {}), leftovers };
}

/**
 * Deletes what the probe made, newest first. Until something is refused each delete is a
 * probed operation; after that it is clean-up, and whatever stays is returned.
 */
async function removeAll(made: readonly Made[], step: (operation: string, call: () => ResultAsync<void, OpenStackError>) => Promise<unknown>): Promise<string[]> {
  const leftovers: string[] = [];
  for (const m of [...made].reverse()) {
    if ((await step(`delete a ${m.kind}`, m.remove)) !== undefined) continue;
    // refused now or earlier: one more plain attempt, so an earlier refusal leaves nothing behind
    if ((await m.remove()).isErr()) leftovers.push(m.what);
  }
  return leftovers;
}

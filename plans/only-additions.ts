import { parentAddress } from '../constructs/model/index.ts';
import type { Change } from './change.ts';
import type { Plan } from './plan.ts';

/** A change `--only-additions` refuses, with why. */
export interface NotAnAddition {
  readonly address: string;
  readonly action: Change['action'];
  readonly why: string;
}

/**
 * The changes that are not "a membership created for a user who just appeared", the only
 * kind scheduled replication applies without review; empty when the whole plan is such.
 *
 * That change is a membership `create` into a group that already exists in Keystone (it is
 * in the plan's `prior` records): the group, its role and its project were reviewed and
 * applied before, and only the user was missing (the plan's remark of last time). Anything
 * else (a new tenant or group, an update such as a tag drift, a delete, a replace) waits for
 * a reviewed plan.
 * @example notAdditions(plan) // [{ address: 'keyform_project.tenant["os-prod/acme/shop"]', action: 'update', why: '…' }]
 */
export function notAdditions(plan: Plan): readonly NotAnAddition[] {
  const out: NotAnAddition[] = [];
  for (const p of plan.platforms) {
    const existing = new Set(p.prior.map((r) => r.address));
    for (const c of p.changes) {
      if (c.kind !== 'membership' || c.action !== 'create' || c.after === null || c.after.kind !== 'membership') {
        out.push({ address: c.address, action: c.action, why: `a ${c.kind} ${c.action}: ${c.reason}` });
        continue;
      }
      const group = parentAddress(c.after, 'group');
      if (!existing.has(group)) out.push({ address: c.address, action: c.action, why: `its group ${group} does not exist in Keystone yet` });
    }
  }
  return out;
}

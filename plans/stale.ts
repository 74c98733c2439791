import type { LiveState } from '../constructs/model/index.ts';
import { compareAddresses } from '../constructs/model/index.ts';
import type { Change, PlanError } from './change.ts';
import { canonicalJson, digestOf } from './canonical.ts';
import { diff } from './diff.ts';
import type { Plan } from './plan.ts';
import { selectTargets } from './targets.ts';

/**
 * The addresses whose planned change would no longer be the same, because their live state
 * moved since the plan was made; empty when the plan still holds. Like Terraform's "Saved
 * plan is stale", but finer: the changes are recomputed from the plan's own desired state
 * and the fresh snapshot, and only what differs is named. A snapshot that moved in ways
 * that change nothing planned (an unrelated tag, a retained project's quota) is not stale.
 *
 * `freshLive` holds one snapshot per platform of the plan (a missing one is a caller bug).
 * @example isStale(plan, [await snapshot()]) // ['keyform_group_membership.member["os-prod/acme/webshop/admin/bob"]']
 */
export function isStale(plan: Plan, freshLive: readonly LiveState[]): readonly string[] {
  const moved: string[] = [];
  for (const p of plan.platforms) {
    const live = freshLive.find((l) => l.platform === p.platform);
    if (live === undefined) throw new Error(`no fresh snapshot for platform ${p.platform}`);
    if (digestOf(live) === p.liveDigest) continue;
    const all = diff(p.desired, live);
    // A targeted plan is compared with what the same targets select now.
    const now = selectTargets(all.changes, all.errors, plan.targets);
    const planned = fingerprints(p.changes, p.errors);
    const fresh = fingerprints(now.selected, now.errors);
    for (const a of new Set([...planned.keys(), ...fresh.keys()])) if (planned.get(a) !== fresh.get(a)) moved.push(a);
  }
  return moved.sort(compareAddresses);
}

/** What apply refuses a stale plan with. */
export interface StalePlanError {
  readonly kind: 'stale-plan';
  /** From `isStale`, sorted. */
  readonly moved: readonly string[];
  readonly message: string;
}

/** The error for a plan whose `moved` addresses changed in Keystone since it was made. */
export function stalePlan(moved: readonly string[]): StalePlanError {
  const shown = moved.slice(0, 20).map((a) => `  - ${a}`);
  const more = moved.length > shown.length ? [`  … and ${moved.length - shown.length} more`] : [];
  return {
    kind: 'stale-plan', moved,
    message: [
      `Saved plan is stale: Keystone changed since the plan was made, and ${moved.length} planned ${moved.length === 1 ? 'change' : 'changes'} would no longer be the same:`,
      ...shown, ...more,
      'Nothing was applied. Make a new plan with `keyform plan --out FILE`, review it, and apply that one.',
    ].join('\n'),
  };
}

/** What must stay equal for a planned change to still hold: everything apply acts on, not its links or its reason. */
function fingerprints(changes: readonly Change[], errors: readonly PlanError[]): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const c of changes) {
    out.set(c.address, canonicalJson({ action: c.action, before: c.before, after: c.after, operations: c.operations.map(({ waitsFor: _, ...o }) => o) }));
  }
  for (const e of errors) out.set(e.address, canonicalJson({ error: e.kind, conflictingId: e.conflictingId }));
  return out;
}

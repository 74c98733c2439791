import type { LiveState } from '../constructs/model/index.ts';
import { compareAddresses } from '../constructs/model/index.ts';
import type { Change, PlanError } from './change.ts';
import { canonicalJson } from '../constructs/model/index.ts';
import { diff } from './diff.ts';
import type { Plan } from './plan.ts';
import { selectTargets } from './targets.ts';

/** A plan's changes worked out again from its desired state and a fresh snapshot. */
export interface Rederived {
  /** The addresses whose planned change (or error) differs from the fresh diff's, sorted. */
  readonly moved: readonly string[];
  /** Per platform, the fresh diff's changes: what apply runs, never the plan file's own list. */
  readonly changes: ReadonlyMap<string, readonly Change[]>;
}

/**
 * Diffs each platform's desired state (as the plan holds it) against its fresh snapshot and
 * compares the result with the plan's changes. Apply runs the fresh changes, and only when
 * nothing moved: every change it makes is one the ownership rules allow against Keystone as
 * it is now, whatever a plan file lists (a change added to or edited in a plan file, with its
 * checksum recomputed, is a moved address). Always a full diff, even when the snapshot's
 * digest is the one planned against: the digest proves the snapshot, not the changes.
 *
 * `freshLive` holds one snapshot per platform of the plan (a missing one is a caller bug).
 */
export function rederive(plan: Plan, freshLive: readonly LiveState[]): Rederived {
  const moved: string[] = [];
  const changes = new Map<string, readonly Change[]>();
  for (const p of plan.platforms) {
    const live = freshLive.find((l) => l.platform === p.platform);
    if (live === undefined) throw new Error(`no fresh snapshot for platform ${p.platform}`);
    const all = diff(p.desired, live);
    // A targeted plan is compared with what the same targets select now, and runs only those.
    const now = selectTargets(all.changes, all.errors, plan.targets);
    changes.set(p.platform, now.selected);
    const planned = fingerprints(p.changes, p.errors);
    const fresh = fingerprints(now.selected, now.errors);
    for (const a of new Set([...planned.keys(), ...fresh.keys()])) if (planned.get(a) !== fresh.get(a)) moved.push(a);
  }
  return { moved: moved.sort(compareAddresses), changes };
}

/**
 * The addresses whose planned change would no longer be the same, because their live state
 * moved since the plan was made (or the plan's changes are not what its desired state
 * gives); empty when the plan still holds. Like Terraform's "Saved plan is stale", but
 * finer: only what differs is named. A snapshot that moved in ways that change nothing
 * planned (an unrelated tag, a retained project's quota) is not stale.
 * @example isStale(plan, [await snapshot()]) // ['keyform_group_membership.member["os-prod/acme/webshop/admin/bob"]']
 */
export function isStale(plan: Plan, freshLive: readonly LiveState[]): readonly string[] {
  return rederive(plan, freshLive).moved;
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

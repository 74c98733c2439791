import type { Change } from './change.ts';
import { isApplyable, summarize, totalOf, type Plan, type PlanSummary } from './plan.ts';

/** How deep a plan file nests at most: a plan is 7 levels deep; a deeper file would overflow the checksum's recursion. */
export const MAX_PLAN_DEPTH = 32;
/** Attributes of one record at most: Keystone objects have a handful; a file with thousands was not written by keyform. */
export const MAX_ATTRIBUTES = 64;
/** Items of one attribute list (tags) at most: Keystone allows 80 tags a project. */
export const MAX_LIST_ITEMS = 1000;

/**
 * The first path nested deeper than MAX_PLAN_DEPTH, or undefined. Iterative, so that a file
 * nested 200,000 levels deep is refused instead of overflowing the stack; run it before
 * anything recursive (the checksum) reads the file.
 */
export function tooDeepPath(v: unknown): string | undefined {
  const stack: [unknown, string, number][] = [[v, 'plan', 0]];
  while (stack.length > 0) {
    const [x, path, depth] = stack.pop()!;
    if (typeof x !== 'object' || x === null) continue;
    if (depth > MAX_PLAN_DEPTH) return `${path.slice(0, 200)}: nested more than ${MAX_PLAN_DEPTH} levels deep`;
    for (const [k, child] of Object.entries(x)) stack.push([child, Array.isArray(x) ? `${path}[${k}]` : `${path}.${k}`, depth + 1]);
  }
  return undefined;
}

/**
 * Checks what the field-by-field shape cannot: that the fields of a plan agree with each
 * other, as the planner wrote them. Each change's `before`/`after` are what its action says
 * (create: before null; delete: after null; otherwise both), of the change's kind and
 * address; records are of sane size; every summary counts what its platform lists, and the
 * plan's flags follow from its summary. The first disagreement, or undefined.
 */
export function planInvariantProblem(plan: Plan): string | undefined {
  for (const [i, p] of plan.platforms.entries()) {
    const at = `plan.platforms[${i}]`;
    for (const [j, c] of p.changes.entries()) {
      const problem = changeProblem(c);
      if (problem !== undefined) return `${at}.changes[${j}] (${c.address.slice(0, 100)}): ${problem}`;
    }
    const expected = summarize(p.changes, p.summary.unchanged, p.remarks.length, p.errors.length);
    const wrong = summaryDifference(p.summary, expected);
    if (wrong !== undefined) return `${at}.summary.${wrong}`;
  }
  const wrong = summaryDifference(plan.summary, totalOf(plan.platforms.map((p) => p.summary)));
  if (wrong !== undefined) return `plan.summary.${wrong} (the sum of the platforms' summaries)`;
  if (plan.errored !== plan.summary.errors > 0) return `plan.errored is ${plan.errored}, but the summary counts ${plan.summary.errors} errors`;
  const applyable = isApplyable(plan.summary);
  if (plan.applyable !== applyable) return `plan.applyable is ${plan.applyable}, but the summary says ${applyable}`;
  return undefined;
}

function changeProblem(c: Change): string | undefined {
  const needsBefore = c.action !== 'create';
  const needsAfter = c.action !== 'delete';
  if ((c.before !== null) !== needsBefore) return `a ${c.action} has ${needsBefore ? 'no' : 'a'} before record`;
  if ((c.after !== null) !== needsAfter) return `a ${c.action} has ${needsAfter ? 'no' : 'an'} after record`;
  for (const [side, r] of [['before', c.before], ['after', c.after]] as const) {
    if (r === null) continue;
    if (r.kind !== c.kind) return `its ${side} record is a ${r.kind}, but the change is of a ${c.kind}`;
    if (r.address !== c.address) return `its ${side} record is at another address`;
    const attrs = Object.entries(r.attrs);
    if (attrs.length > MAX_ATTRIBUTES) return `its ${side} record has ${attrs.length} attributes (at most ${MAX_ATTRIBUTES})`;
    const long = attrs.find(([, v]) => Array.isArray(v) && v.length > MAX_LIST_ITEMS);
    if (long) return `its ${side} attribute ${long[0].slice(0, 40)} lists more than ${MAX_LIST_ITEMS} items`;
  }
  if ((c.action === 'no-op') !== (c.operations.length === 0)) return `a ${c.action} with ${c.operations.length} operations`;
  return undefined;
}

function summaryDifference(found: PlanSummary, expected: PlanSummary): string | undefined {
  for (const k of Object.keys(expected) as (keyof PlanSummary)[]) {
    if (found[k] !== expected[k]) return `${k} is ${found[k]}, but the changes make it ${expected[k]}`;
  }
  return undefined;
}

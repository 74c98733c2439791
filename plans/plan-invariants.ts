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
 * anything recursive (the checksum) reads the file. The path is spelled out only for the value
 * found too deep: a plan of 100,000 tenants holds tens of millions of values (measured at
 * 10,000 tenants: a path string per value made this check 1.1 s of the file's 2.8 s of checks).
 */
export function tooDeepPath(v: unknown): string | undefined {
  const stack: Visit[] = [{ x: v, depth: 0, key: 'plan', parent: undefined }];
  for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
    const { x, depth } = at;
    if (typeof x !== 'object' || x === null) continue;
    if (depth > MAX_PLAN_DEPTH) return `${pathOf(at).slice(0, 200)}: nested more than ${MAX_PLAN_DEPTH} levels deep`;
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) if (typeof x[i] === 'object' && x[i] !== null) stack.push({ x: x[i], depth: depth + 1, key: `[${i}]`, parent: at });
    } else {
      for (const k in x) {
        const child = (x as Record<string, unknown>)[k];
        if (typeof child === 'object' && child !== null) stack.push({ x: child, depth: depth + 1, key: `.${k}`, parent: at });
      }
    }
  }
  return undefined;
}

/** A value `tooDeepPath` is to look at: its path is its parents' keys and its own. */
interface Visit {
  readonly x: unknown;
  readonly depth: number;
  readonly key: string;
  readonly parent: Visit | undefined;
}

function pathOf(v: Visit): string {
  const keys: string[] = [];
  for (let at: Visit | undefined = v; at !== undefined; at = at.parent) keys.push(at.key);
  return keys.reverse().join('');
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

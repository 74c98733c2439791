import { compareAddresses, parseAddress } from '../constructs/model/index.ts';
import type { Change, PlanError } from './change.ts';

/**
 * Whether `address` is selected by `target`, as `-target` selects in Terraform:
 *
 * | target                                   | selects                                              |
 * |------------------------------------------|------------------------------------------------------|
 * | `keyform_project.tenant["p/acme/shop"]`  | that object                                          |
 * | `keyform_project.tenant` or `keyform_project` | every object of that type                       |
 * | `p/acme/shop` (a tenant), `p/acme`, `p`  | every object of that tenant, workspace or platform   |
 * @example targetSelects('os-prod/acme/shop', 'keyform_group.role["os-prod/acme/shop/admin"]') // true
 */
export function targetSelects(target: string, address: string): boolean {
  if (target === address) return true;
  const parsed = parseAddress(address);
  if (parsed === undefined) return false;
  if (target === parsed.type || target === `${parsed.type}.${parsed.name}`) return true;
  return parsed.index === target || parsed.index.startsWith(`${target}/`);
}

/**
 * Why a target cannot select anything, or undefined when it is well formed: an address, a
 * `TYPE[.NAME]`, or a `PLATFORM[/WORKSPACE[/PROJECT]]` path.
 */
export function targetProblem(target: string): string | undefined {
  if (parseAddress(target) !== undefined) return undefined;
  if (/^keyform_[a-z_]+(\.[a-z_]+)?$/.test(target)) return undefined;
  if (/^[^\s/"[\]]+(\/[^\s/"[\]]+){0,2}$/.test(target)) return undefined;
  return `--target ${JSON.stringify(target)} is neither an address (keyform_project.tenant["os-prod/acme/webshop"]), a type (keyform_project), nor a tenant path (os-prod/acme/webshop)`;
}

/** A platform's changes split by targets. */
export interface TargetedChanges {
  /** The targeted changes and every change they wait for, in their original (execution) order. */
  readonly selected: readonly Change[];
  /** Addresses of the changes left out, sorted. */
  readonly leftOut: readonly string[];
  /** The errors on selected addresses (or on addresses a target selects). */
  readonly errors: readonly PlanError[];
}

/**
 * The changes `targets` select, with what they depend on (the closure of `dependsOn`), so a
 * targeted change never runs before an object it needs. No targets: everything.
 */
export function selectTargets(changes: readonly Change[], errors: readonly PlanError[], targets: readonly string[]): TargetedChanges {
  if (targets.length === 0) return { selected: changes, leftOut: [], errors };
  const byAddress = new Map(changes.map((c) => [c.address, c]));
  const keep = new Set<string>();
  const visit = (a: string): void => {
    if (keep.has(a)) return;
    keep.add(a);
    for (const d of byAddress.get(a)?.dependsOn ?? []) visit(d);
  };
  for (const c of changes) if (targets.some((t) => targetSelects(t, c.address))) visit(c.address);
  return {
    selected: changes.filter((c) => keep.has(c.address)),
    leftOut: changes.filter((c) => !keep.has(c.address)).map((c) => c.address).sort(compareAddresses),
    errors: errors.filter((e) => keep.has(e.address) || targets.some((t) => targetSelects(t, e.address))),
  };
}

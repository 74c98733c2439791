/**
 * A pool that hands out one copy of each equal string. Every string parsed from a Keystone
 * response is a fresh copy, so a value repeated across objects (a role name, a domain id, the
 * marker tag on every project, a tenant's workspace in each of its groups) costs its bytes
 * once per object; a snapshot of 100,000 tenants holds millions of them for the whole plan.
 * Pool only values that repeat: a unique string gains nothing and the pool holds it until it
 * is dropped.
 * @example const pooled = stringPool(); pooled(a.role.id) === pooled(b.role.id) // one string kept
 */
export function stringPool(): (s: string) => string {
  const kept = new Map<string, string>();
  return (s) => {
    const k = kept.get(s);
    if (k !== undefined) return k;
    kept.set(s, s);
    return s;
  };
}

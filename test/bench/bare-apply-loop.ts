import type { DesiredState, Resource } from '../../constructs/model/index.ts';
import { adminToken } from '../openstack/keystone-seed.ts';
import { must, pool } from './bench-kit.ts';

type Of<K extends Resource['kind']> = Extract<Resource, { kind: K }>;

/** One tenant's objects, in the order its writes depend on each other. */
interface TenantWrites {
  project?: Of<'project'>;
  readonly groups: Of<'group'>[];
  readonly grants: Of<'assignment'>[];
}

function byTenant(desired: DesiredState): TenantWrites[] {
  const tenants = new Map<string, TenantWrites>();
  const entry = (r: { platform: string; key: { workspace: string; project: string } }): TenantWrites => {
    const t = `${r.platform}/${r.key.workspace}/${r.key.project}`;
    return tenants.get(t) ?? tenants.set(t, { groups: [], grants: [] }).get(t)!;
  };
  for (const r of desired.resources) {
    if (r.kind === 'project') entry(r).project = r;
    else if (r.kind === 'group') entry(r).groups.push(r);
    else if (r.kind === 'assignment') entry(r).grants.push(r);
  }
  return [...tenants.values()];
}

/**
 * The writes keyform's apply sends for `desired` from empty, with nothing around them: the
 * same bodies (a project's name, domain, description, enabled flag and tags; a group's name,
 * domain and description), the same account and scope (the stack's admin on its project),
 * `width` requests in flight. One POST per domain, then `width` workers, each taking the next
 * tenant and sending its project and groups, then its role assignments; as soon as a worker
 * is free it starts the next tenant, so `width` requests are in flight the whole time.
 * Handles domains, projects, groups and role assignments only (no users, no quotas).
 * Returns the number of writes sent.
 */
export async function bareApplyLoop(authUrl: string, desired: DesiredState, width: number): Promise<number> {
  const { token } = await must('token', adminToken(authUrl));
  let writes = 0;
  const call = async (method: string, path: string, body?: unknown): Promise<Record<string, { id: string }>> => {
    writes++;
    const res = await fetch(`${authUrl}${path}`, { method, headers: { 'x-auth-token': token, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.status === 204 ? {} : ((await res.json()) as Record<string, { id: string }>);
  };
  const roles = (await (await fetch(`${authUrl}/roles`, { headers: { 'x-auth-token': token } })).json()) as { roles: { id: string; name: string }[] };
  const roleIds = new Map(roles.roles.map((r) => [r.name, r.id]));
  const domainIds = new Map<string, string>();
  for (const d of desired.resources) {
    if (d.kind === 'domain') domainIds.set(d.attrs.name, (await call('POST', '/domains', { domain: { name: d.attrs.name, description: d.attrs.description, enabled: d.attrs.enabled } }))['domain']!.id);
  }
  await pool(byTenant(desired), width, async (t) => {
    const p = t.project!.attrs;
    const project = { name: p.name, domain_id: domainIds.get(p.domain), description: p.description, enabled: p.enabled, tags: p.tags };
    const projectId = (await call('POST', '/projects', { project }))['project']!.id;
    const groupIds = new Map<string, string>();
    for (const g of t.groups) {
      const group = { name: g.attrs.name, domain_id: domainIds.get(g.attrs.domain), description: g.attrs.description };
      groupIds.set(g.key.role, (await call('POST', '/groups', { group }))['group']!.id);
    }
    for (const a of t.grants) await call('PUT', `/projects/${projectId}/groups/${groupIds.get(a.key.role)!}/roles/${roleIds.get(a.attrs.keystoneRole)!}`);
  });
  return writes;
}

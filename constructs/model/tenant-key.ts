import type { ProjectKey } from './resource.ts';
import { flatString } from './flat-string.ts';

/**
 * A tenant's key `WORKSPACE.PROJECT`: how ownership markers in Keystone name a tenant
 * (`keyform.tenant=acme.webshop`, `[keyform platform=os-prod tenant=acme.webshop]`) and how
 * messages show it. Identifiers are DNS labels, so the `.` between them is unambiguous.
 * @example tenantKey({ workspace: 'acme', project: 'webshop' }) // 'acme.webshop'
 */
export function tenantKey(k: ProjectKey): string {
  return flatString([k.workspace, '.', k.project]);
}

/**
 * The workspace and project of a tenant key, split at its first `.`; undefined when the key
 * is absent or malformed (no dot, or nothing on one side of it), as in a marker typed by hand.
 * @example parseTenantKey('acme.webshop') // { workspace: 'acme', project: 'webshop' }
 */
export function parseTenantKey(key: string | undefined): ProjectKey | undefined {
  const dot = key?.indexOf('.') ?? -1;
  if (key === undefined || dot <= 0 || dot === key.length - 1) return undefined;
  return { workspace: key.slice(0, dot), project: key.slice(dot + 1) };
}

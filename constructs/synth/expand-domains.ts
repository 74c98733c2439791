import { withDescriptionMarker } from '../model/markers.ts';
import { renderNamePattern } from '../naming/name-pattern.ts';
import type { Platform } from '../l2/platform.ts';
import type { Workspace } from '../l2/workspace.ts';
import { KeystoneDomain } from '../l1/keystone-domain.ts';
import type { ResolvedTenant } from './resolve-references.ts';

/**
 * The domain each tenant's project and groups live in, by `platform/workspace`. A platform
 * with `domain_per_workspace` gets one KeystoneDomain (a child of the workspace) per
 * workspace that has a tenant on it; the others use their shared `domain`. Tenants of a
 * platform whose domain pattern doesn't parse get no entry (the pattern is reported).
 */
export function expandDomains(tenants: readonly ResolvedTenant[]): Map<string, string> {
  const domains = new Map<string, string>();
  for (const { tenant, platform } of tenants) {
    const ws = tenant.project.workspace;
    const k = domainKey(platform.identifier, ws.identifier);
    if (domains.has(k)) continue;
    const name = platform.domainPerWorkspace ? workspaceDomain(platform, ws) : platform.domain;
    if (name !== undefined) domains.set(k, name);
  }
  return domains;
}

/** The key of `expandDomains`' map. */
export function domainKey(platform: string, workspace: string): string {
  return `${platform}/${workspace}`;
}

function workspaceDomain(platform: Platform, ws: Workspace): string | undefined {
  const pattern = platform.patterns.domain_name_pattern;
  if (pattern.isErr()) return undefined;
  const name = renderNamePattern(pattern.value, { workspaceIdentifier: ws.identifier });
  const text = platform.patternTexts.domain_name_pattern;
  new KeystoneDomain(ws, `domain.${platform.identifier}`, {
    platform: platform.identifier,
    workspace: ws.identifier,
    name,
    description: withDescriptionMarker(ws.name, { platform: platform.identifier, workspace: ws.identifier }),
    origin: { source: ws.source, path: ws.configPath, hint: `shorten domain_name_pattern ${JSON.stringify(text)} of platform ${JSON.stringify(platform.identifier)} or the workspace identifier` },
  });
  return name;
}

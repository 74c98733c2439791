import { withDescriptionMarker } from '../model/markers.ts';
import { renderNamePattern } from '../naming/name-pattern.ts';
import type { Platform } from '../l2/platform.ts';
import type { Workspace } from '../l2/workspace.ts';
import { keystoneDomain } from '../l1/keystone-domain.ts';
import type { KeystoneRecord } from '../l1/keystone-record.ts';
import type { ResolvedTenant } from './resolve-references.ts';

/** What `expandDomains` yields: the domain of each tenant and the domain records. */
export interface ExpandedDomains {
  /** The domain name by `domainKey(platform, workspace)`. */
  readonly names: ReadonlyMap<string, string>;
  /** One per workspace of a `domain_per_workspace` platform that has a tenant on it. */
  readonly records: readonly KeystoneRecord<'domain'>[];
}

/**
 * The domain each tenant's project and groups live in, by `platform/workspace`. A platform
 * with `domain_per_workspace` gets one domain record (from the workspace) per workspace
 * that has a tenant on it; the others use their shared `domain`. Tenants of a platform
 * whose domain pattern doesn't parse get no entry (the pattern is reported).
 */
export function expandDomains(tenants: readonly ResolvedTenant[]): ExpandedDomains {
  const names = new Map<string, string>();
  const records: KeystoneRecord<'domain'>[] = [];
  for (const { tenant, platform } of tenants) {
    const ws = tenant.project.workspace;
    const k = domainKey(platform.identifier, ws.identifier);
    if (names.has(k)) continue;
    if (!platform.domainPerWorkspace) {
      names.set(k, platform.domain);
      continue;
    }
    const domain = workspaceDomain(platform, ws);
    if (domain === undefined) continue;
    names.set(k, domain.resource.attrs.name);
    records.push(domain);
  }
  return { names, records };
}

/** The key of `expandDomains`' map. */
export function domainKey(platform: string, workspace: string): string {
  return `${platform}/${workspace}`;
}

function workspaceDomain(platform: Platform, ws: Workspace): KeystoneRecord<'domain'> | undefined {
  const pattern = platform.patterns.domain_name_pattern;
  if (pattern.isErr()) return undefined;
  const name = renderNamePattern(pattern.value, { workspaceIdentifier: ws.identifier });
  const text = platform.patternTexts.domain_name_pattern;
  return keystoneDomain({
    platform: platform.identifier,
    workspace: ws.identifier,
    name,
    description: withDescriptionMarker(ws.name, { platform: platform.identifier, workspace: ws.identifier }),
    origin: { source: ws.source, path: ws.configPath, hint: `shorten domain_name_pattern ${JSON.stringify(text)} of platform ${JSON.stringify(platform.identifier)} or the workspace identifier` },
  });
}

import { Result, err, ok } from 'neverthrow';
import { endpointNotFound, type OpenStackError } from './errors.ts';
import { identityBase } from './auth.ts';

/** One service of a token's catalog, as Keystone v3 returns it. */
export interface CatalogService {
  readonly type: string;
  readonly name?: string;
  readonly endpoints: readonly { readonly interface: string; readonly region?: string | null; readonly region_id?: string | null; readonly url: string }[];
}

export interface EndpointQuery {
  readonly serviceType: string;
  readonly interface: 'public' | 'internal' | 'admin';
  /** Region id; when undefined any region matches (the first listed wins). */
  readonly region: string | undefined;
  /** Base URLs by service type that replace the catalog's (clouds.yaml `<type>_endpoint_override`). */
  readonly overrides: Readonly<Record<string, string>>;
}

/** Old names some clouds still register; a request for the official type also accepts these. */
const ALIASES: Readonly<Record<string, readonly string[]>> = {
  'block-storage': ['volumev3', 'volumev2', 'volume'],
  volume: ['volumev3', 'block-storage'],
};

/**
 * The base URL of `serviceType` for this region and interface. An override wins over the
 * catalog. Identity URLs are normalized to their `/v3` root so that request paths are
 * always relative to the API version (`/projects`, not `/v3/projects`).
 * @example selectEndpoint(catalog, { serviceType: 'identity', interface: 'public', region: 'RegionOne', overrides: {} })
 */
export function selectEndpoint(catalog: readonly CatalogService[], q: EndpointQuery): Result<string, OpenStackError> {
  const fix = (u: string): string => (q.serviceType === 'identity' ? identityBase(u) : u.replace(/\/+$/, ''));
  const override = q.overrides[q.serviceType];
  if (override) return ok(fix(override));
  const types = [q.serviceType, ...(ALIASES[q.serviceType] ?? [])];
  for (const type of types) {
    for (const svc of catalog.filter((s) => s.type === type)) {
      const hit = svc.endpoints.find((e) => e.interface === q.interface && (q.region === undefined || (e.region_id ?? e.region) === q.region));
      if (hit) return ok(fix(hit.url));
    }
  }
  const available = catalog.flatMap((s) => s.endpoints.map((e) => `${s.type} ${e.interface} ${e.region_id ?? e.region ?? '-'}`)).sort();
  return err(endpointNotFound(q.serviceType, q.region, q.interface, available));
}

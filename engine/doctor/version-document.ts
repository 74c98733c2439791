import { err, ok, type Result } from 'neverthrow';

/**
 * One API version as an OpenStack version document lists it: `{"version": {…}}` (a versioned
 * endpoint), `{"versions": [...]}` (nova, cinder, neutron, glance, octavia, heat) or
 * `{"versions": {"values": [...]}}` (keystone, designate).
 */
export interface ApiVersion {
  /** As written, e.g. `v2.1`, `v3.14`. */
  readonly id: string;
  readonly major: number;
  readonly minor: number;
  /** As written, lower-cased: `current`, `stable`, `supported`, `deprecated`, … */
  readonly status: string;
  /** Microversions (nova, cinder): `{ min: '2.1', max: '2.93' }`; absent when the API has none. */
  readonly microversions?: { readonly min: string; readonly max: string };
}

const VERSION_ID = /^v(\d+)(?:\.(\d+))?$/;

/**
 * The versions a version document lists, or why it is not one.
 * @example parseVersionDocument({ version: { id: 'v3.14', status: 'stable' } }) // ok([{ id: 'v3.14', major: 3, minor: 14, status: 'stable' }])
 */
export function parseVersionDocument(body: unknown): Result<readonly ApiVersion[], string> {
  const doc = body as { version?: unknown; versions?: unknown } | null | undefined;
  const raw = doc?.version !== undefined ? [doc.version] : Array.isArray(doc?.versions) ? doc.versions : (doc?.versions as { values?: unknown } | undefined)?.values;
  if (!Array.isArray(raw) || raw.length === 0) return err('it lists no API version (no "version" or "versions")');
  const out: ApiVersion[] = [];
  for (const v of raw as Record<string, unknown>[]) {
    const id = typeof v?.['id'] === 'string' ? v['id'] : undefined;
    const m = id === undefined ? null : VERSION_ID.exec(id);
    if (!id || !m) return err(`a version id is ${JSON.stringify(v?.['id'] ?? null)}, not like "v3.14"`);
    const max = typeof v['version'] === 'string' ? v['version'] : '';
    const min = typeof v['min_version'] === 'string' ? v['min_version'] : '';
    out.push({
      id,
      major: Number(m[1]),
      minor: Number(m[2] ?? 0),
      status: typeof v['status'] === 'string' ? v['status'].toLowerCase() : '',
      ...(max !== '' ? { microversions: { min: min || max, max } } : {}),
    });
  }
  return ok(out);
}

/**
 * The version of `major` an endpoint serves: the one its URL names (`…/v2.1`, `…/v3/…`) when
 * the document lists it, else the highest listed of that major.
 */
export function pickVersion(versions: readonly ApiVersion[], major: number, pathVersion: string | undefined): ApiVersion | undefined {
  const same = versions.filter((v) => v.major === major);
  const named = pathVersion === undefined ? undefined : VERSION_ID.exec(pathVersion);
  if (named && Number(named[1]) === major && named[2] !== undefined) {
    const exact = same.find((v) => v.minor === Number(named[2]));
    if (exact) return exact;
  }
  return [...same].sort((a, b) => b.minor - a.minor)[0];
}

/** Where an endpoint's version document lives, and the version its path names. */
export interface VersionedUrl {
  /** The URL up to (not including) the version segment, with a trailing `/`. */
  readonly root: string;
  /** The first path segment like `v2.1` or `v3`; undefined when the path names none. */
  readonly pathVersion: string | undefined;
}

/**
 * Splits an endpoint URL at its version segment, so that `http://h:8774/v2.1` and
 * `http://h/volume/v3/PROJECT` give `http://h:8774/` and `http://h/volume/`.
 * @example versionedUrl('http://h:8776/v3/abc') // { root: 'http://h:8776/', pathVersion: 'v3' }
 */
export function versionedUrl(url: string): VersionedUrl {
  const u = new URL(url);
  const segments = u.pathname.split('/').filter((s) => s !== '');
  const at = segments.findIndex((s) => VERSION_ID.test(s));
  const kept = at < 0 ? segments : segments.slice(0, at);
  const root = `${u.origin}/${kept.map((s) => `${s}/`).join('')}`;
  return { root, pathVersion: at < 0 ? undefined : segments[at] };
}

/** Compares dotted microversions (`2.47` < `2.93`); NaN parts count as 0. */
export function compareMicroversions(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map((x) => Number(x) || 0);
  const [bm = 0, bn = 0] = b.split('.').map((x) => Number(x) || 0);
  return am !== bm ? am - bm : an - bn;
}

/** `v2.1 (microversions 2.1–2.93)` or `v2.0`. */
export function describeVersion(v: ApiVersion): string {
  return v.microversions ? `${v.id} (microversions ${v.microversions.min}–${v.microversions.max})` : v.id;
}

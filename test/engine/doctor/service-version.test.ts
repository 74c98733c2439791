import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES, serviceVersionRow, type ServiceSpec } from '../../../engine/doctor/service-catalog.ts';
import { openVersionReader, type VersionReader } from '../../../engine/doctor/version-reader.ts';
import type { CloudConfig } from '../../../engine/openstack/index.ts';
import { startVersionStub, type VersionStub } from '../../support/version-stub.ts';

const spec = (type: string): ServiceSpec => SERVICES.find((s) => s.type === type)!;
const doc = (versions: unknown[]) => ({ status: 300, body: JSON.stringify({ versions }) });

describe('the catalog row of a service, read from its version document', () => {
  let stub: VersionStub;
  let reader: VersionReader;

  beforeAll(async () => {
    // GIVEN services whose roots answer version documents: an old nova, a v1-only glance, a current cinder
    stub = await startVersionStub({
      '/old-nova': doc([{ id: 'v2.1', status: 'CURRENT', version: '2.40', min_version: '2.1' }]),
      '/glance-v1': doc([{ id: 'v1.1', status: 'SUPPORTED' }]),
      '/cinder': doc([{ id: 'v3.0', status: 'CURRENT', version: '3.70', min_version: '3.0' }]),
      '/html': { status: 200, body: '<html>proxy</html>', contentType: 'text/html' },
    });
    reader = openVersionReader({ name: 'stub', verify: true } as CloudConfig)._unsafeUnwrap();
  });

  afterAll(async () => {
    reader.close();
    await stub.close();
  });

  const cases: Record<string, { type: string; path: string; needed: boolean; status: string; found: (url: string) => string }> = {
    'a nova below the microversion metering asks for fails when needed': {
      type: 'compute', path: '/old-nova/v2.1', needed: true, status: 'fail',
      found: (u) => `Nova v2.1 (microversions 2.1–2.40) at ${u}/old-nova/v2.1; keyform asks for microversion 2.47`,
    },
    'the same nova only warns when nothing needs it': {
      type: 'compute', path: '/old-nova/v2.1', needed: false, status: 'warn',
      found: (u) => `Nova v2.1 (microversions 2.1–2.40) at ${u}/old-nova/v2.1; keyform asks for microversion 2.47`,
    },
    'a glance without v2 fails, naming what it offers': {
      type: 'image', path: '/glance-v1', needed: true, status: 'fail',
      found: (u) => `Glance at ${u}/glance-v1/ offers v1.1; keyform needs v2`,
    },
    'a cinder endpoint with a project id in its URL is read at its root': {
      type: 'block-storage', path: '/cinder/v3/0123abcd', needed: true, status: 'ok',
      found: (u) => `Cinder v3.0 (microversions 3.0–3.70) at ${u}/cinder/v3/0123abcd`,
    },
    'a catalog URL that answers HTML fails': {
      type: 'network', path: '/html', needed: true, status: 'fail',
      found: (u) => `Neutron: ${u}/html/ answered 200 with no version document (it lists no API version (no "version" or "versions"))`,
    },
    'swift is judged by the version its URL names': {
      type: 'object-store', path: '/v1/AUTH_0123', needed: false, status: 'ok',
      found: (u) => `Swift v1 at ${u}/v1/AUTH_0123`,
    },
  };
  for (const [name, c] of Object.entries(cases)) {
    it(`says ${name}`, async () => {
      // WHEN the row of the service at that URL is made
      const row = await serviceVersionRow(spec(c.type), stub.url + c.path, c.needed, reader);
      // THEN it has this status and finding
      expect(row).toMatchObject({ check: `catalog.${c.type}`, status: c.status, found: c.found(stub.url) });
    });
  }
});

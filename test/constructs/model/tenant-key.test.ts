import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTenantKey, projectMarkerTags, projectOwner, tenantKey } from '../../../constructs/model/index.ts';

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);

describe('tenantKey', () => {
  it('reads back the workspace and project it was made from, for any identifiers', () => {
    fc.assert(
      fc.property(label, label, (workspace, project) => {
        // GIVEN two identifiers WHEN made into a key and parsed THEN they come back
        expect(parseTenantKey(tenantKey({ workspace, project }))).toEqual({ workspace, project });
      }),
    );
  });

  it.each([
    ['no key at all', undefined],
    ['no dot', 'acme'],
    ['nothing before the dot', '.webshop'],
    ['nothing after the dot', 'acme.'],
  ])('reads %s as no tenant', (_name, key) => {
    // GIVEN a marker typed by hand WHEN parsed THEN it names no tenant
    expect(parseTenantKey(key)).toBeUndefined();
  });

  it("is the key a project's marker tags carry, and what the owner is read from", () => {
    // GIVEN the marker tags of acme.webshop
    const tags = projectMarkerTags('os-prod', 'acme', 'webshop');
    // THEN the tenant tag holds the key, and the owner read back names the tenant
    expect(tags).toContain(`keyform.tenant=${tenantKey({ workspace: 'acme', project: 'webshop' })}`);
    expect(projectOwner(tags)).toMatchObject({ platform: 'os-prod', workspace: 'acme', project: 'webshop' });
  });
});

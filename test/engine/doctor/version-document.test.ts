import { describe, expect, it } from 'vitest';
import { err, ok } from 'neverthrow';
import { compareMicroversions, parseVersionDocument, pickVersion, versionedUrl } from '../../../engine/doctor/version-document.ts';

describe('parseVersionDocument', () => {
  const cases: Record<string, { body: unknown; ids: string[] | string }> = {
    'a versioned endpoint (keystone /v3)': { body: { version: { id: 'v3.14', status: 'stable' } }, ids: ['v3.14'] },
    'a root list (nova, cinder, neutron)': { body: { versions: [{ id: 'v2.0', status: 'SUPPORTED' }, { id: 'v2.1', status: 'CURRENT', version: '2.93', min_version: '2.1' }] }, ids: ['v2.0', 'v2.1'] },
    'a root list in values (keystone /)': { body: { versions: { values: [{ id: 'v3.14', status: 'stable' }] } }, ids: ['v3.14'] },
    'a document without versions': { body: { hello: 'world' }, ids: 'it lists no API version (no "version" or "versions")' },
    'an empty list': { body: { versions: [] }, ids: 'it lists no API version (no "version" or "versions")' },
    'an id that is no version': { body: { version: { id: 'latest' } }, ids: 'a version id is "latest", not like "v3.14"' },
    'not JSON at all': { body: undefined, ids: 'it lists no API version (no "version" or "versions")' },
  };
  for (const [name, c] of Object.entries(cases)) {
    it(`reads ${name}`, () => {
      // GIVEN a version document WHEN it is parsed
      const r = parseVersionDocument(c.body).map((vs) => vs.map((v) => v.id));
      // THEN it gives the listed ids, or says why it is not one
      expect(r).toEqual(typeof c.ids === 'string' ? err(c.ids) : ok(c.ids));
    });
  }

  it('keeps microversions and lower-cases the status', () => {
    // GIVEN nova's root document WHEN parsed THEN v2.1 carries its microversion range
    const r = parseVersionDocument({ versions: [{ id: 'v2.1', status: 'CURRENT', version: '2.93', min_version: '2.1' }, { id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '' }] });
    expect(r).toEqual(ok([
      { id: 'v2.1', major: 2, minor: 1, status: 'current', microversions: { min: '2.1', max: '2.93' } },
      { id: 'v2.0', major: 2, minor: 0, status: 'supported' },
    ]));
  });
});

describe('pickVersion', () => {
  const glance = parseVersionDocument({ versions: ['v2.15', 'v2.9', 'v2.13', 'v1.1'].map((id) => ({ id, status: 'SUPPORTED' })) })._unsafeUnwrap();

  it('picks the highest minor of the major when the URL names no version', () => {
    // GIVEN glance's list WHEN asked for v2 without a path version THEN v2.15, not v2.9
    expect(pickVersion(glance, 2, undefined)?.id).toBe('v2.15');
  });

  it('picks the version the URL names when it is listed', () => {
    // GIVEN nova's list WHEN the catalog URL ends in /v2.1 THEN v2.1, not v2.0
    const nova = parseVersionDocument({ versions: [{ id: 'v2.0' }, { id: 'v2.1' }] })._unsafeUnwrap();
    expect(pickVersion(nova, 2, 'v2.1')?.id).toBe('v2.1');
    expect(pickVersion(nova, 2, 'v2')?.id).toBe('v2.1');
  });

  it('gives nothing when the major is not listed', () => {
    // GIVEN an identity list of v2.0 only WHEN asked for v3 THEN nothing
    expect(pickVersion(parseVersionDocument({ version: { id: 'v2.0' } })._unsafeUnwrap(), 3, 'v3')).toBeUndefined();
  });
});

describe('versionedUrl', () => {
  const cases: Record<string, { root: string; pathVersion: string | undefined }> = {
    'http://h:8774/v2.1': { root: 'http://h:8774/', pathVersion: 'v2.1' },
    'http://h:8776/v3/0123abcd': { root: 'http://h:8776/', pathVersion: 'v3' },
    'https://cloud.example/volume/v3/0123abcd': { root: 'https://cloud.example/volume/', pathVersion: 'v3' },
    'http://h:9696': { root: 'http://h:9696/', pathVersion: undefined },
    'http://h:8080/v1/AUTH_0123': { root: 'http://h:8080/', pathVersion: 'v1' },
    'http://h:5000/identity/v3/': { root: 'http://h:5000/identity/', pathVersion: 'v3' },
  };
  for (const [url, want] of Object.entries(cases)) {
    it(`splits ${url} at its version`, () => {
      // GIVEN a catalog URL WHEN split THEN the root its version document lives at, and its version
      expect(versionedUrl(url)).toEqual(want);
    });
  }
});

describe('compareMicroversions', () => {
  it('compares the minor part as a number, not as text', () => {
    // GIVEN 2.47 and 2.9 WHEN compared THEN 2.9 is older (text order would say the opposite)
    expect(compareMicroversions('2.9', '2.47')).toBeLessThan(0);
    expect(compareMicroversions('2.93', '2.47')).toBeGreaterThan(0);
    expect(compareMicroversions('3.0', '2.93')).toBeGreaterThan(0);
    expect(compareMicroversions('2.47', '2.47')).toBe(0);
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderProblem } from '../../../constructs/index.ts';
import { decodeBlockInputs } from '../../../engine/block/index.ts';

const VALID = `{
  "platform": "os-prod",
  "workspace": { "identifier": "acme", "name": "ACME Corp", "tags": { "cost_center": "cc-42" } },
  "project": { "identifier": "webshop" },
  "tenant": { "landing_zone": "standard", "quota": { "compute.cores": 40 }, "deletion_policy": "retain" },
  "user_permissions": [
    { "euid": "alice@acme.example", "roles": ["admin"] },
    { "euid": "bob@acme.example", "roles": ["user", "reader"] }
  ]
}`;

/** The problems of decoding `text`, one rendered line each. */
function problems(text: string): string[] {
  return decodeBlockInputs('inputs.json', text)._unsafeUnwrapErr().problems.map(renderProblem);
}

describe('decodeBlockInputs', () => {
  it('reads the platform, workspace, project, tenant settings and user permissions of valid inputs', () => {
    // GIVEN inputs with every section
    // WHEN they are decoded
    const r = decodeBlockInputs('inputs.json', VALID)._unsafeUnwrap();
    // THEN every value is there as written
    expect(r.platform).toBe('os-prod');
    expect(r.workspace).toEqual({ identifier: 'acme', name: 'ACME Corp', tags: { cost_center: 'cc-42' } });
    expect(r.project).toEqual({ identifier: 'webshop' });
    expect(r.tenant).toEqual({ landing_zone: 'standard', quota: { 'compute.cores': 40 }, deletion_policy: 'retain' });
    expect(r.userPermissions).toEqual([
      { euid: 'alice@acme.example', roles: ['admin'] },
      { euid: 'bob@acme.example', roles: ['user', 'reader'] },
    ]);
  });

  it('defaults the tenant settings and the user permissions to empty when left out', () => {
    // GIVEN inputs with only the required keys
    const text = '{ "platform": "p", "workspace": { "identifier": "w" }, "project": { "identifier": "x" } }';
    // WHEN they are decoded
    const r = decodeBlockInputs('inputs.json', text)._unsafeUnwrap();
    // THEN tenant and users are empty, and the behaviour is not given
    expect(r.tenant).toEqual({});
    expect(r.userPermissions).toEqual([]);
    expect(r.behavior).toBeUndefined();
  });

  it('reads the behaviour of the run as the governance system spells it, and refuses any other spelling with its line', () => {
    // GIVEN the example destroy inputs, and inputs whose behaviour is lower-case
    const destroy = decodeBlockInputs('examples/block/destroy.json', readFileSync('examples/block/destroy.json', 'utf8'))._unsafeUnwrap();
    const text = '{ "platform": "p",\n  "behavior": "destroy", "workspace": { "identifier": "w" }, "project": { "identifier": "x" } }';
    // WHEN they are decoded
    // THEN DESTROY is read, and "destroy" is a located problem naming the choices
    expect([destroy.behavior, destroy.tenant.deletion_policy]).toEqual(['DESTROY', 'delete']);
    expect(problems(text)).toEqual([expect.stringMatching(/^inputs\.json:2:15: behavior is "destroy", which is not one of "APPLY", "DESTROY"/)]);
  });

  it('reports every problem at once, each naming its field and its line', () => {
    // GIVEN inputs with five different mistakes on known lines
    const text = [
      '{',
      '  "workspace": { "identifier": "acme", "tags": { "cost_center": 42 } },',
      '  "project": {},',
      '  "tenant": { "colour": "red", "deletion_policy": "burn" },',
      '  "user_permissions": [{ "euid": "alice@acme.example", "roles": "admin" }]',
      '}',
    ].join('\n');
    // WHEN they are decoded
    const found = problems(text);
    // THEN each mistake is one located problem that names the field
    expect(found).toEqual([
      expect.stringMatching(/^inputs\.json:1:1: inputs is missing the required key "platform"/),
      expect.stringMatching(/^inputs\.json:2:65: workspace\.tags\.cost_center must be a string, not the number 42/),
      expect.stringMatching(/^inputs\.json:3:3: project "project" is missing the required key "identifier"/),
      expect.stringMatching(/^inputs\.json:4:15: unknown key "colour" in tenant "tenant"/),
      expect.stringMatching(/^inputs\.json:4:51: tenant\.deletion_policy is "burn", which is not one of "delete", "retain"/),
      expect.stringMatching(/^inputs\.json:5:65: user_permissions\.0\.roles must be a list of strings, not the string "admin"/),
    ]);
  });

  it('refuses a user listed twice, pointing at the second entry', () => {
    // GIVEN alice twice
    const text = '{ "platform": "p", "workspace": { "identifier": "w" }, "project": { "identifier": "x" },\n' +
      '  "user_permissions": [{ "euid": "alice", "roles": ["admin"] },\n  { "euid": "alice", "roles": ["user"] }] }';
    // WHEN decoded
    // THEN the problem names both entries
    expect(problems(text)).toEqual([expect.stringMatching(/^inputs\.json:3:13: user "alice" is listed twice \(user_permissions\.0 and user_permissions\.1\)/)]);
  });

  it('refuses text that is not a JSON object, with the place of the syntax error', () => {
    // GIVEN broken JSON, and a JSON list
    // WHEN decoded
    // THEN each says what is wrong
    expect(problems('{ "platform": "p", }')[0]).toMatch(/^inputs\.json:1:\d+: syntax error/);
    expect(problems('[1, 2]')[0]).toContain('the inputs must be a JSON object');
  });
});

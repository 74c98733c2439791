import { describe, it, expect } from 'vitest';
import { decodeBlock, type DecodeContext } from '../../../constructs/loaders/schema.ts';
import { CONFIG_DOCUMENT } from '../../../constructs/loaders/config-schema.ts';
import { parseJsonFile } from '../../../constructs/loaders/yaml-loader.ts';
import { renderProblem } from '../../../constructs/index.ts';

const TEXT = `{
  "workspace": {
    "acme": {
      "tags": { "team": "web", "size": 3 },
      "project": {
        "webshop": {
          "tenant": { "os-prod": { "quota": { "compute.cores": 4 }, "colour": "red" } },
          "user": { "alice@acme.example": { "roles": ["admin", 7] } }
        },
        "blog": { "user": { "bob@acme.example": { "roles": ["reader"] } } }
      }
    }
  }
}
`;

function decode(text: string) {
  const doc = parseJsonFile('a.json', text);
  const ctx: DecodeContext = { format: 'json', source: doc.source, problems: [] };
  const before = JSON.stringify(doc.value);
  const decoded = decodeBlock(CONFIG_DOCUMENT, doc.value, [], ctx);
  return { raw: doc.value as { workspace: { acme: Record<string, any> } }, decoded: decoded!, problems: ctx.problems.map(renderProblem), before };
}

describe('decoding a config document against the schema', () => {
  it('decodes a valid document to itself, without copying it', () => {
    // GIVEN a document with no mistake
    const { raw, decoded, problems } = decode('{"workspace": {"acme": {"tags": {"team": "web"}, "project": {"webshop": {"user": {"a@b.example": {"roles": ["admin"]}}}}}}}');
    // WHEN decoded
    // THEN nothing is reported and every level is the parsed value itself
    expect(problems).toEqual([]);
    expect(decoded).toBe(raw);
    expect(decoded.workspace!.acme!.project!.webshop!.user!['a@b.example']!.roles).toBe(raw.workspace.acme.project.webshop.user['a@b.example'].roles);
  });

  it('drops only the invalid values, reports each at its line, and leaves the parsed document as it was', () => {
    // GIVEN a document with a tag of the wrong type, an unknown key in a tenant and a role that is a number
    const { raw, decoded, problems, before } = decode(TEXT);
    // THEN each mistake is reported where it is written
    expect(problems).toEqual([
      'a.json:4:40: workspace.acme.tags.size must be a string, not the number 3 (put the value in double quotes)',
      'a.json:7:69: unknown key "colour" in tenant "os-prod" (valid keys: adopt, deletion_policy, landing_zone, platform_number, quota, tags)',
      'a.json:8:64: workspace.acme.project.webshop.user["alice@acme.example"].roles.1 must be a string, not the number 7 (put the value in double quotes)',
    ]);
    // AND the decoded document keeps what was valid, in the order written
    const acme = decoded.workspace!.acme!;
    expect(acme.tags).toEqual({ team: 'web' });
    expect(acme.project!.webshop!.tenant!['os-prod']).toEqual({ quota: { 'compute.cores': 4 } });
    expect(acme.project!.webshop!.user!['alice@acme.example']!.roles).toEqual(['admin']);
    // AND the parts without a mistake are shared, not copied
    expect(acme.project!.blog).toBe(raw.workspace.acme.project.blog);
    expect(acme.project!.webshop!.tenant!['os-prod']!.quota).toBe(raw.workspace.acme.project.webshop.tenant['os-prod'].quota);
    // AND the parsed document itself is unchanged
    expect(JSON.stringify(raw)).toBe(before);
  });
});

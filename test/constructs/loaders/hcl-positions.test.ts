import { describe, it, expect } from 'vitest';
import { hclPositions, pathKey } from '../../../constructs/loaders/hcl-positions.ts';

const HCL = `# a comment with "quotes" and { braces
platform "os-prod" {
  /* a block
     comment */
  cloud = "prod" // trailing
  motd  = <<EOT
  hello { "world"
EOT
  quota = {
    "compute.cores" = 20,
    "volume.gigabytes": 500
  }
  roles = ["admin", "user"]
  name  = "\${var.x} and \\"escaped\\""
}
workspace "acme" {
  project "webshop" {
    tenant "os-prod" {}
  }
}
`;

describe('hclPositions', () => {
  const positions = hclPositions(HCL);
  const at = (path: string[]) => positions.get(pathKey(path))?.[0];

  it.each([
    [['platform', 'os-prod'], { line: 2, column: 10 }, { line: 2, column: 10 }],
    [['platform', 'os-prod', 'cloud'], { line: 5, column: 3 }, { line: 5, column: 11 }],
    [['platform', 'os-prod', 'quota'], { line: 9, column: 3 }, { line: 9, column: 11 }],
    [['platform', 'os-prod', 'quota', 'volume.gigabytes'], { line: 11, column: 5 }, { line: 11, column: 25 }],
    [['platform', 'os-prod', 'roles', '1'], { line: 13, column: 21 }, { line: 13, column: 21 }],
    [['platform', 'os-prod', 'name'], { line: 14, column: 3 }, { line: 14, column: 11 }],
    [['workspace', 'acme', 'project', 'webshop', 'tenant', 'os-prod'], { line: 18, column: 12 }, { line: 18, column: 12 }],
  ])('finds %j past comments, heredocs and templates', (path, key, value) => {
    // GIVEN an HCL file with comments, a heredoc, an object, a list and a template
    // WHEN its positions are scanned
    // THEN the key and value of each path are where the source has them
    expect(at(path)).toEqual({ key, value });
  });

  it('records every place a repeated block is declared', () => {
    // GIVEN a workspace declared twice
    const repeated = hclPositions('workspace "a" {}\nworkspace "a" {\n}\n');
    // THEN both places are known, in order
    expect(repeated.get(pathKey(['workspace', 'a']))?.map((p) => p.key.line)).toEqual([1, 2]);
  });
});

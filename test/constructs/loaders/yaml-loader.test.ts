import { describe, it, expect } from 'vitest';
import { duplicateJsonKeys, parseYamlFile, parseJsonFile } from '../../../constructs/loaders/yaml-loader.ts';

describe('YAML and JSON loading', () => {
  it.each([
    ['{"a": 1, "b": {"a": 2}}', []],
    ['{"a": 1, "a": 2}', [9]],
    ['{"x": [{"a": 1}, {"a": 1}], "x": 0}', [28]],
    ['{"k\\u0041": 1, "kA": 2}', [15]],
    ['{"a": "\\"a\\"", "b": ["a", "a"]}', []],
    [String.raw`{"a\\": 1, "a\\": 2}`, [11]],
    ['{"a": 1, "b": 2, "a": 3, "b": 4, "a": 5}', [17, 25, 33]],
    ['{"x": {"y": 1}, "z": [{"y": 1}, {"y": 1, "y": 2}]}', [41]],
    ['["a", {"a": 1}, "a"]', []],
  ])('finds repeated JSON keys in %s', (text, offsets) => {
    // GIVEN JSON text that JSON.parse accepts
    // WHEN scanned for keys repeated within one object
    // THEN exactly those offsets are reported (escapes decoded, arrays and values ignored)
    expect(duplicateJsonKeys(text)).toEqual(offsets);
  });

  it('locates keys and values of a YAML document, falling back to the nearest ancestor', () => {
    // GIVEN a YAML document
    const doc = parseYamlFile('a.yaml', 'workspace:\n  acme:\n    tags: { team: web }\n');
    // WHEN paths are located
    // THEN keys, values and missing paths map to positions
    expect(doc.source.locate(['workspace', 'acme', 'tags', 'team'], 'key')).toEqual({ line: 3, column: 13 });
    expect(doc.source.locate(['workspace', 'acme', 'tags', 'team'], 'value')).toEqual({ line: 3, column: 19 });
    expect(doc.source.locate(['workspace', 'acme', 'name'], 'value')).toEqual({ line: 2, column: 3 });
  });

  it('reports a JSON syntax error at its line and column', () => {
    // GIVEN JSON with a missing comma on line 3
    const doc = parseJsonFile('a.json', '{\n  "a": 1\n  "b": 2\n}\n');
    // THEN the problem is at the offending token
    expect(doc.problems.map((p) => [p.line, p.column])).toEqual([[3, 3]]);
    expect(doc.value).toBeUndefined();
  });
});

/**
 * JSON with object keys sorted at every level: the same data gives the same bytes, whatever
 * order it was built in. Arrays keep their order (callers sort what must be sorted).
 * Objects whose keys are already in order are serialized as they are, not copied: synth's
 * records are built that way, so a desired state of 100,000 resources is not doubled in
 * memory to print it.
 * @example canonicalJson({ b: 1, a: [2, 1] }) // '{\n  "a": [\n    2,\n    1\n  ],\n  "b": 1\n}'
 */
export function canonicalJson(value: unknown, indent = 2): string {
  return JSON.stringify(sortKeys(value), null, indent);
}

/** `value` with every object's keys sorted; the same object where nothing had to move. */
function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const s = sortKeys(v);
      if (s !== v) (out ??= [...value])[i] = s;
    }
    return out ?? value;
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  let inOrder = true;
  for (let i = 1; i < keys.length && inOrder; i++) inOrder = keys[i - 1]! < keys[i]!;
  if (!inOrder) keys.sort();
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const v = obj[keys[i]!];
    const s = sortKeys(v);
    if (out === undefined && (!inOrder || s !== v)) {
      out = {};
      // The keys before i were in order and unchanged.
      for (let j = 0; j < i; j++) out[keys[j]!] = obj[keys[j]!];
    }
    if (out !== undefined) out[keys[i]!] = s;
  }
  return out ?? obj;
}

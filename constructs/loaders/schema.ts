import type { ConfigProblem } from '../problems/config-error.ts';
import { choiceHint, problemAt } from '../problems/problem-at.ts';
import { formatPath, type Source } from '../problems/source.ts';

/**
 * A small strict schema for config documents: every key must be known, every value of
 * the right type; each violation is a located problem and decoding goes on, so one pass
 * reports every problem of a file. Decoded values keep only what was valid.
 *
 * A valid value decodes to itself: the document is checked where it lies, and a map, list
 * or block is copied only when something in it was dropped (10,000 tenants are ~50,000
 * blocks, and a copy of each would be garbage the loader makes and collects at once).
 */
export interface DecodeContext {
  readonly format: 'hcl' | 'yaml' | 'json';
  readonly source: Source;
  readonly problems: ConfigProblem[];
}

/**
 * The path of the value being decoded, as a stack: a decoder pushes a key before it decodes
 * the value under it and pops it after, so no path is built for a valid value. It is valid
 * during the call only; a problem copies it.
 */
export type PathStack = string[];

/** One field of a block: how to decode and check its value. */
export interface Field<T> {
  readonly required: boolean;
  /** What a valid value is, for messages: "a string", "a map of integers". */
  readonly expected: string;
  /** The valid part of `value` (`value` itself when all of it is valid); undefined when none is. */
  decode(value: unknown, path: PathStack, ctx: DecodeContext): T | undefined;
}

/** The decoded fields of a block: each present only if it was valid. */
export type Decoded<F> = { readonly [K in keyof F]?: F[K] extends Field<infer T> ? T : never };

export interface BlockSchema<F extends Readonly<Record<string, Field<unknown>>>> {
  /** The block type, e.g. `workspace`. */
  readonly name: string;
  readonly fields: F;
}

type Fields = Readonly<Record<string, Field<unknown>>>;

/** A problem at `path` (copied: the stack changes after the call). */
function problem(ctx: DecodeContext, path: PathStack, message: string, hint: string, part?: 'key' | 'value'): void {
  ctx.problems.push(problemAt(ctx.source, [...path], message, hint, part));
}

/** Reports that the value at `path` is not what `expected` says. */
function wrongType(path: PathStack, value: unknown, expected: string, ctx: DecodeContext, hint?: string): undefined {
  const name = path[path.length - 1] ?? 'the document';
  const fix = hint ?? (expected.startsWith('a map') && ctx.format === 'hcl' ? `write ${name} = { key = value }` : `write ${expected}`);
  problem(ctx, path, `${formatPath(path) || 'the document'} must be ${expected}, not ${describe(value)}`, fix);
  return undefined;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  const text = JSON.stringify(value);
  return `${typeof value === 'string' ? 'the string' : `the ${typeof value}`} ${text.length > 40 ? `${text.slice(0, 37)}...` : text}`;
}

/** An HCL expression (`var.x`, `"${x}"`) came through as a template string: keyform reads literals only. */
function isHclExpression(s: string, ctx: DecodeContext): boolean {
  return ctx.format === 'hcl' && /(^|[^$])[$%]\{/.test(s);
}

/**
 * A string field, optionally one of `oneOf`.
 * @example string({ required: true })
 */
export function string(opts: { required?: boolean; oneOf?: readonly string[] } = {}): Field<string> {
  const expected = opts.oneOf ? `one of ${opts.oneOf.map((v) => JSON.stringify(v)).join(', ')}` : 'a string';
  return {
    required: opts.required ?? false,
    expected,
    decode(value, path, ctx) {
      if (typeof value !== 'string') return wrongType(path, value, expected, ctx, opts.oneOf ? undefined : 'put the value in double quotes');
      if (isHclExpression(value, ctx)) {
        problem(ctx, path, `${formatPath(path)} is an HCL expression (${value}); keyform reads literal values only`, 'write the value itself, e.g. "prod"');
        return undefined;
      }
      if (opts.oneOf && !opts.oneOf.includes(value)) {
        problem(ctx, path, `${formatPath(path)} is ${JSON.stringify(value)}, which is not ${expected}`, choiceHint(value, opts.oneOf));
        return undefined;
      }
      return value;
    },
  };
}

/** A true/false field. */
export function boolean(): Field<boolean> {
  return { required: false, expected: 'true or false', decode: (v, path, ctx) => (typeof v === 'boolean' ? v : wrongType(path, v, 'true or false', ctx, 'write true or false without quotes')) };
}

/** A whole-number field. */
export function integer(): Field<number> {
  return { required: false, expected: 'a whole number', decode: (v, path, ctx) => (Number.isInteger(v) ? (v as number) : wrongType(path, v, 'a whole number', ctx, 'write a number without quotes, e.g. 20')) };
}

/** A finite number field. */
export function number(): Field<number> {
  return { required: false, expected: 'a number', decode: (v, path, ctx) => (typeof v === 'number' && Number.isFinite(v) ? v : wrongType(path, v, 'a number', ctx, 'write a number without quotes, e.g. 0.02')) };
}

/** A map with free-form keys and values of one type. */
export function mapOf<T>(of: Field<T>): Field<Record<string, T>> {
  const expected = `a map of ${of.expected.replace(/^an? /, '')}s`;
  return {
    required: false,
    expected,
    decode(value, path, ctx) {
      if (!isPlainObject(value)) return wrongType(path, value, expected, ctx);
      return decodeEntries(value, path, (v) => of.decode(v, path, ctx)) as Record<string, T>;
    },
  };
}

/** A list of values of one type. */
export function listOf<T>(of: Field<T>, opts: { required?: boolean } = {}): Field<T[]> {
  const expected = `a list of ${of.expected.replace(/^an? /, '')}s`;
  return {
    required: opts.required ?? false,
    expected,
    decode(value, path, ctx) {
      if (!Array.isArray(value)) return wrongType(path, value, expected, ctx, 'write a list, e.g. ["admin"]');
      let out: T[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        path.push(String(i));
        const d = of.decode(v, path, ctx);
        path.pop();
        if (out === undefined && d !== v) out = value.slice(0, i) as T[];
        if (out !== undefined && d !== undefined) out.push(d);
      }
      return out ?? (value as T[]);
    },
  };
}

/** Labelled nested blocks: `project "webshop" { ... }`, in YAML/JSON a map from label to body. */
export function blocks<F extends Fields>(schema: BlockSchema<F>): Field<Record<string, Decoded<F>>> {
  const expected = `a map of ${schema.name} blocks`;
  return {
    required: false,
    expected,
    decode(value, path, ctx) {
      if (!isPlainObject(value)) return wrongType(path, value, expected, ctx, `write ${schema.name} "ID" { ... } blocks`);
      // An empty body (`tenant: { os-prod: }` in YAML) is an empty block.
      return decodeEntries(value, path, (body) => decodeBlock(schema, body ?? {}, path, ctx)) as Record<string, Decoded<F>>;
    },
  };
}

/**
 * The entries of `map` whose value decodes (the path stack holding each key meanwhile): `map`
 * itself when every value decodes to itself, else a copy of the valid entries.
 */
function decodeEntries(map: Record<string, unknown>, path: PathStack, decode: (v: unknown, k: string) => unknown): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(map);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = map[k];
    path.push(k);
    const d = decode(v, k);
    path.pop();
    if (out === undefined && d !== v) out = copyKeys(map, keys, i);
    if (out !== undefined && d !== undefined) out[k] = d;
  }
  return out ?? map;
}

/** A new object with the first `n` of `keys` of `map`. */
function copyKeys(map: Record<string, unknown>, keys: readonly string[], n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) out[keys[i]!] = map[keys[i]!];
  return out;
}

/**
 * Decodes a block body against `schema`, reporting unknown keys, missing required keys and
 * wrong types. `path` is the block's own (a stack, see PathStack).
 */
export function decodeBlock<F extends Fields>(schema: BlockSchema<F>, body: unknown, path: PathStack, ctx: DecodeContext): Decoded<F> | undefined {
  const label = path.length > 0 ? ` ${JSON.stringify(path[path.length - 1])}` : '';
  if (!isPlainObject(body)) {
    return wrongType(path, body, `a ${schema.name} block (a map of keys)`, ctx, `write ${schema.name}${label} { ... }`);
  }
  const out = decodeEntries(body, path, (v, k) => {
    const field = Object.hasOwn(schema.fields, k) ? schema.fields[k] : undefined;
    if (field) return field.decode(v, path, ctx);
    problem(ctx, path, `unknown key ${JSON.stringify(k)} in ${schema.name}${label}`, choiceHint(k, Object.keys(schema.fields), 'valid keys'), 'key');
    return undefined;
  });
  for (const k in schema.fields) {
    const field = schema.fields[k]!;
    if (field.required && !Object.hasOwn(body, k)) {
      path.push(k);
      problem(ctx, path, `${schema.name}${label} is missing the required key ${JSON.stringify(k)}`, `add ${k}${ctx.format === 'hcl' ? ' =' : ':'} <${field.expected}>`, 'key');
      path.pop();
    }
  }
  return out as Decoded<F>;
}

/** A JSON-like object (not null, not a list). */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Declares a block type.
 * @example const USER = block('user', { roles: listOf(string(), { required: true }) });
 */
export function block<F extends Fields>(name: string, fields: F): BlockSchema<F> {
  return { name, fields };
}

import type { ConfigProblem } from '../problems/config-error.ts';
import { choiceHint, problemAt } from '../problems/problem-at.ts';
import { formatPath, type ConfigPath, type Source } from '../problems/source.ts';

/**
 * A small strict schema for config documents: every key must be known, every value of
 * the right type; each violation is a located problem and decoding goes on, so one pass
 * reports every problem of a file. Decoded values keep only what was valid.
 */
export interface DecodeContext {
  readonly format: 'hcl' | 'yaml' | 'json';
  readonly source: Source;
  readonly problems: ConfigProblem[];
}

/** One field of a block: how to decode and check its value. */
export interface Field<T> {
  readonly required: boolean;
  /** What a valid value is, for messages: "a string", "a map of integers". */
  readonly expected: string;
  decode(value: unknown, path: ConfigPath, ctx: DecodeContext): T | undefined;
}

/** The decoded fields of a block: each present only if it was valid. */
export type Decoded<F> = { readonly [K in keyof F]?: F[K] extends Field<infer T> ? T : never };

/** A labelled block (`workspace "acme" { ... }`) after decoding. */
export interface DecodedBlock<F> {
  readonly label: string;
  readonly path: ConfigPath;
  readonly fields: Decoded<F>;
}

export interface BlockSchema<F extends Readonly<Record<string, Field<unknown>>>> {
  /** The block type, e.g. `workspace`. */
  readonly name: string;
  readonly fields: F;
}

type Fields = Readonly<Record<string, Field<unknown>>>;

/** Reports that the value at `path` is not what `expected` says. */
function wrongType(path: ConfigPath, value: unknown, expected: string, ctx: DecodeContext, hint?: string): undefined {
  const name = path[path.length - 1] ?? 'the document';
  const fix = hint ?? (expected.startsWith('a map') && ctx.format === 'hcl' ? `write ${name} = { key = value }` : `write ${expected}`);
  ctx.problems.push(problemAt(ctx.source, path, `${formatPath(path) || 'the document'} must be ${expected}, not ${describe(value)}`, fix));
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
        ctx.problems.push(problemAt(ctx.source, path, `${formatPath(path)} is an HCL expression (${value}); keyform reads literal values only`, 'write the value itself, e.g. "prod"'));
        return undefined;
      }
      if (opts.oneOf && !opts.oneOf.includes(value)) {
        ctx.problems.push(problemAt(ctx.source, path, `${formatPath(path)} is ${JSON.stringify(value)}, which is not ${expected}`, choiceHint(value, opts.oneOf)));
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
      const out: Record<string, T> = {};
      for (const [k, v] of Object.entries(value)) {
        const d = of.decode(v, [...path, k], ctx);
        if (d !== undefined) out[k] = d;
      }
      return out;
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
      const out: T[] = [];
      value.forEach((v, i) => {
        const d = of.decode(v, [...path, String(i)], ctx);
        if (d !== undefined) out.push(d);
      });
      return out;
    },
  };
}

/** Labelled nested blocks: `project "webshop" { ... }`, in YAML/JSON a map from label to body. */
export function blocks<F extends Fields>(schema: BlockSchema<F>): Field<Record<string, DecodedBlock<F>>> {
  const expected = `a map of ${schema.name} blocks`;
  return {
    required: false,
    expected,
    decode(value, path, ctx) {
      if (!isPlainObject(value)) return wrongType(path, value, expected, ctx, `write ${schema.name} "ID" { ... } blocks`);
      const out: Record<string, DecodedBlock<F>> = {};
      for (const [label, body] of Object.entries(value)) {
        const fields = decodeBlock(schema, body ?? {}, [...path, label], ctx);
        if (fields) out[label] = { label, path: [...path, label], fields };
      }
      return out;
    },
  };
}

/** Decodes a block body against `schema`, reporting unknown keys, missing required keys and wrong types. */
export function decodeBlock<F extends Fields>(schema: BlockSchema<F>, body: unknown, path: ConfigPath, ctx: DecodeContext): Decoded<F> | undefined {
  const label = path.length > 0 ? ` ${JSON.stringify(path[path.length - 1])}` : '';
  if (!isPlainObject(body)) {
    return wrongType(path, body, `a ${schema.name} block (a map of keys)`, ctx, `write ${schema.name}${label} { ... }`);
  }
  const out: Record<string, unknown> = {};
  const known = Object.keys(schema.fields);
  for (const [k, v] of Object.entries(body)) {
    const field = Object.hasOwn(schema.fields, k) ? schema.fields[k] : undefined;
    if (!field) {
      ctx.problems.push(problemAt(ctx.source, [...path, k], `unknown key ${JSON.stringify(k)} in ${schema.name}${label}`, choiceHint(k, known, 'valid keys'), 'key'));
      continue;
    }
    const d = field.decode(v, [...path, k], ctx);
    if (d !== undefined) out[k] = d;
  }
  for (const [k, field] of Object.entries(schema.fields)) {
    if (field.required && !Object.hasOwn(body, k)) {
      ctx.problems.push(problemAt(ctx.source, [...path, k], `${schema.name}${label} is missing the required key ${JSON.stringify(k)}`, `add ${k}${ctx.format === 'hcl' ? ' =' : ':'} <${field.expected}>`, 'key'));
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

import { ok, err, type Result } from 'neverthrow';
import { parseFormatSpec, applyFormat, type FormatSpec } from './printf.ts';
import { flatString } from '../model/flat-string.ts';

/** The placeholders a name pattern may use, and the type of value each stands for. */
export const PLACEHOLDERS = {
  workspaceIdentifier: 'string',
  projectIdentifier: 'string',
  platformGroupAlias: 'string',
  tenantPlatformNumber: 'number',
} as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

/** One piece of a parsed pattern. */
export type PatternPart =
  | { readonly literal: string }
  | { readonly placeholder: Placeholder; readonly spec: FormatSpec | undefined };

/**
 * A parsed name pattern such as `#{workspaceIdentifier}.#{projectIdentifier:%.7s}`.
 * Invariant: every placeholder is one of those allowed where the pattern is used, and every
 * spec fits its placeholder's type.
 */
export interface NamePattern {
  readonly text: string;
  readonly parts: readonly PatternPart[];
  /** The placeholders used, sorted. */
  readonly placeholders: readonly Placeholder[];
}

/** Values for a pattern's placeholders. */
export type PatternValues = Partial<Readonly<Record<Placeholder, string | number>>>;

/**
 * Parses `text`, allowing only `allowed` placeholders; fails with every problem found, as
 * sentences.
 * @example parseNamePattern('#{workspaceIdentifier}.#{projectIdentifier:%.7s}', ['workspaceIdentifier', 'projectIdentifier'])
 */
export function parseNamePattern(text: string, allowed: readonly Placeholder[]): Result<NamePattern, string[]> {
  const parts: PatternPart[] = [];
  const problems: string[] = [];
  const used = new Set<Placeholder>();
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('#{', i);
    if (start < 0) {
      parts.push({ literal: text.slice(i) });
      break;
    }
    if (start > i) parts.push({ literal: text.slice(i, start) });
    const end = text.indexOf('}', start);
    if (end < 0) {
      problems.push(`"#{" at character ${start + 1} is never closed with "}"`);
      break;
    }
    const part = parsePlaceholder(text.slice(start + 2, end), allowed, problems);
    if (part) {
      parts.push(part);
      used.add(part.placeholder);
    }
    i = end + 1;
  }
  if (problems.length > 0) return err(problems);
  return ok({ text, parts, placeholders: [...used].sort() });
}

type PlaceholderPart = Extract<PatternPart, { placeholder: Placeholder }>;

function parsePlaceholder(inner: string, allowed: readonly Placeholder[], problems: string[]): PlaceholderPart | undefined {
  const colon = inner.indexOf(':');
  const name = colon < 0 ? inner : inner.slice(0, colon);
  if (!(allowed as readonly string[]).includes(name)) {
    const where = Object.hasOwn(PLACEHOLDERS, name) ? 'is not available in this pattern' : 'is not a placeholder';
    problems.push(`"#{${name}}" ${where}; use ${allowed.map((a) => `#{${a}}`).join(', ')}`);
    return undefined;
  }
  const placeholder = name as Placeholder;
  if (colon < 0) return { placeholder, spec: undefined };
  const spec = parseFormatSpec(inner.slice(colon + 1));
  if (spec.isErr()) {
    problems.push(`in "#{${inner}}": ${spec.error}`);
    return undefined;
  }
  if (spec.value.conversion === 'd' && PLACEHOLDERS[placeholder] !== 'number') {
    problems.push(`in "#{${inner}}": ${placeholder} is text; use %s (e.g. %.7s), not %d`);
    return undefined;
  }
  return { placeholder, spec: spec.value };
}

/**
 * Renders `pattern` with `values`. Every placeholder the pattern uses must have a value:
 * callers check `pattern.placeholders` first (a missing value is a programmer error).
 * @example renderNamePattern(p, { workspaceIdentifier: 'acme', projectIdentifier: 'webshop' }) // 'acme.webshop'
 */
export function renderNamePattern(pattern: NamePattern, values: PatternValues): string {
  const out: string[] = [];
  for (const part of pattern.parts) {
    if ('literal' in part) {
      out.push(part.literal);
      continue;
    }
    const v = values[part.placeholder];
    if (v === undefined) throw new Error(`no value for #{${part.placeholder}} in ${pattern.text}`);
    out.push(part.spec ? applyFormat(part.spec, v) : String(v));
  }
  return flatString(out);
}

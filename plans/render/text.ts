import type { Resource } from '../../constructs/model/index.ts';
import type { AttributeValue, Change } from '../change.ts';
import { hasChanges, type Plan, type PlatformPlan } from '../plan.ts';
import { createsFirst } from '../change-builders.ts';
import { actionPhrase, formatter, partialNote, planLine, printablePlan, showValue, type Formatter } from './format.ts';

/**
 * The plan for a terminal, in Terraform's layout: per change a `#` comment saying what
 * happens and why, the glyph and address, then attribute by attribute `before -> after`.
 * Changes are shown in the order apply runs them. Terminal controls in any text are escaped.
 * `textChunks` as one string, for a plan small enough to be one.
 */
export function renderText(raw: Plan, options: { readonly color: boolean }): string {
  let text = '';
  for (const chunk of textChunks(raw, options)) text += chunk;
  return text;
}

/**
 * `renderText`'s text in chunks of about `chunkSize` characters, made as they are asked for:
 * the plan of 100,000 new tenants (1.2 million creates) is longer than V8's longest string.
 * @example for (const chunk of textChunks(plan, { color: false })) process.stdout.write(chunk)
 */
export function* textChunks(raw: Plan, options: { readonly color: boolean; readonly chunkSize?: number }): Generator<string, void, undefined> {
  const plan = printablePlan(raw);
  const fmt = formatter(options);
  const chunkSize = options.chunkSize ?? 1 << 16;
  let pending = '';
  // Sections, their parts and the footer are separated by a blank line.
  for (const [i, p] of plan.platforms.entries()) {
    for (const part of platformParts(p, fmt, i > 0)) {
      pending += part;
      if (pending.length < chunkSize) continue;
      yield pending;
      pending = '';
    }
  }
  yield `${pending}${plan.platforms.length > 0 ? '\n\n' : ''}${footer(plan, fmt)}\n`;
}

/** The lines under the last platform: the totals, errors, and what a partial plan leaves out. */
function footer(plan: Plan, fmt: Formatter): string {
  const total = plan.summary;
  const lines = [
    ...(hasChanges(total) ? [fmt.paint('bold', planLine(total))] : plan.errored ? [] : ['No changes. Keystone matches the configuration.']),
    ...(plan.errored ? [fmt.paint('error', 'The plan has errors and cannot be applied.')] : []),
  ];
  const partial = partialNote(plan);
  if (partial !== undefined) lines.push(`${fmt.paint('remark', 'Warning:')} ${partial}`);
  return lines.join('\n');
}

/** A platform's section as parts, each but the first after its blank line; `after` when a section comes before it. */
function* platformParts(p: PlatformPlan, fmt: Formatter, after: boolean): Generator<string, void, undefined> {
  const where = `${p.endpoint}, region ${p.region}`;
  yield `${after ? '\n\n' : ''}${p.changes.length === 0
    ? `Platform ${fmt.paint('bold', p.platform)} (${where}): no changes.`
    : `Platform ${fmt.paint('bold', p.platform)} (${where}) will be changed as follows:`}`;
  for (const c of p.changes) yield `\n\n${changeBlock(c, fmt, '  ').join('\n')}`;
  for (const e of p.errors) yield `\n\n${fmt.paint('error', 'Error:')} ${e.message}`;
  if (p.remarks.length > 0) yield `\n\n${['Remarks:', ...p.remarks.map((r) => `  ${fmt.paint('remark', '!')} ${r.message}`)].join('\n')}`;
}

/**
 * One change as lines, each starting with `indent`:
 * ```
 * # ADDRESS will be updated in-place
 * # (name differs from the configuration)
 * # Warning: … (only when the change carries warnings)
 * ~ ADDRESS
 *     ~ name = "old" -> "new"
 * ```
 */
export function changeBlock(c: Change, fmt: Formatter, indent: string): string[] {
  const warnings = (c.warnings ?? []).map((w) => `# ${fmt.paint('remark', 'Warning:')} ${w}`);
  const first = createsFirst(c);
  const head = [`# ${c.address} ${actionPhrase(c.action, first)}`, `# (${c.reason})`, ...warnings, `${fmt.glyph(c.action, first)} ${c.address}`];
  return [...head, ...attributeLines(c, fmt).map((l) => `    ${l}`)].map((l) => `${indent}${l}`);
}

function attributeLines(c: Change, fmt: Formatter): string[] {
  if (c.action === 'create') return listed(c.after!, fmt.glyph('create'));
  if (c.action === 'delete') return listed(c.before!, fmt.glyph('delete'));
  const width = Math.max(0, ...c.changed.map((n) => n.length));
  const lines = c.changed.flatMap((name) => changedLines(c, name, width, fmt));
  for (const p of c.replacePaths) if (!c.changed.includes(p)) lines.push(`${fmt.glyph('update')} ${p} = (new)  ${fmt.paint('delete', '# forces replacement')}`);
  return lines;
}

function listed(r: Resource, glyph: string): string[] {
  const attrs = attrsOf(r);
  const names = Object.keys(attrs).sort();
  const width = Math.max(0, ...names.map((n) => n.length));
  return names.map((n) => `${glyph} ${n.padEnd(width)} = ${showValue(attrs[n])}`);
}

function changedLines(c: Change, name: string, width: number, fmt: Formatter): string[] {
  const before = attrsOf(c.before!)[name];
  const after = attrsOf(c.after!)[name];
  const forces = c.replacePaths.includes(name) ? `  ${fmt.paint('delete', '# forces replacement')}` : '';
  if (Array.isArray(before) || Array.isArray(after)) {
    const b = new Set<string>((before ?? []) as readonly string[]);
    const a = new Set<string>((after ?? []) as readonly string[]);
    return [
      `${fmt.glyph('update')} ${name}${forces}`,
      ...[...a].filter((t) => !b.has(t)).map((t) => `    ${fmt.glyph('create')} ${JSON.stringify(t)}`),
      ...[...b].filter((t) => !a.has(t)).map((t) => `    ${fmt.glyph('delete')} ${JSON.stringify(t)}`),
    ];
  }
  return [`${fmt.glyph('update')} ${name.padEnd(width)} = ${showValue(before)} -> ${showValue(after)}${forces}`];
}

function attrsOf(r: Resource): Readonly<Record<string, AttributeValue>> {
  return r.attrs as Readonly<Record<string, AttributeValue>>;
}

import type { Resource } from '../../constructs/model/index.ts';
import type { AttributeValue, Change } from '../change.ts';
import { hasChanges, type Plan, type PlatformPlan } from '../plan.ts';
import { createsFirst } from '../change-builders.ts';
import { actionPhrase, formatter, partialNote, planLine, printablePlan, showValue, type Formatter } from './format.ts';

/**
 * The plan for a terminal, in Terraform's layout: per change a `#` comment saying what
 * happens and why, the glyph and address, then attribute by attribute `before -> after`.
 * Changes are shown in the order apply runs them. Terminal controls in any text are escaped.
 */
export function renderText(raw: Plan, options: { readonly color: boolean }): string {
  const plan = printablePlan(raw);
  const fmt = formatter(options);
  const sections = plan.platforms.map((p) => platformSection(p, fmt));
  const total = plan.summary;
  const changes = hasChanges(total);
  const footer = [
    ...(changes ? [fmt.paint('bold', planLine(total))] : plan.errored ? [] : ['No changes. Keystone matches the configuration.']),
    ...(plan.errored ? [fmt.paint('error', 'The plan has errors and cannot be applied.')] : []),
  ];
  const partial = partialNote(plan);
  if (partial !== undefined) footer.push(`${fmt.paint('remark', 'Warning:')} ${partial}`);
  return `${[...sections, footer.join('\n')].join('\n\n')}\n`;
}

function platformSection(p: PlatformPlan, fmt: Formatter): string {
  const where = `${p.endpoint}, region ${p.region}`;
  const parts = [p.changes.length === 0
    ? `Platform ${fmt.paint('bold', p.platform)} (${where}): no changes.`
    : `Platform ${fmt.paint('bold', p.platform)} (${where}) will be changed as follows:`];
  for (const c of p.changes) parts.push(changeBlock(c, fmt, '  ').join('\n'));
  for (const e of p.errors) parts.push(`${fmt.paint('error', 'Error:')} ${e.message}`);
  if (p.remarks.length > 0) parts.push(['Remarks:', ...p.remarks.map((r) => `  ${fmt.paint('remark', '!')} ${r.message}`)].join('\n'));
  return parts.join('\n\n');
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

import { isDestructive } from '../action.ts';
import type { Change } from '../change.ts';
import { createsFirst } from '../change-builders.ts';
import { hasChanges, summarize, type Plan } from '../plan.ts';
import { counts, formatter, partialNote, planLine, printablePlan } from './format.ts';
import { changeBlock } from './text.ts';
import { tenantKey } from '../../constructs/model/index.ts';

/** How big a comment may grow, and where the rest of a large plan is. */
export interface MarkdownOptions {
  /**
   * The most characters the comment may have. GitHub refuses comments over 65,536; the
   * default leaves room for a workflow's marker and header lines.
   * @default 60000
   */
  readonly limit?: number;
  /** Where a reader finds what does not fit. @default 'the plan artifact (`keyform show plan.kfplan`)' */
  readonly artifact?: string;
}

/** At most this many lines in each callout (destroys, warnings, errors) and in the remarks. */
const LIST_LIMIT = 20;
/** What the closing lines (the rest summarized, the remarks) may take at most. */
const TAIL_RESERVE = 6_000;

/**
 * The plan as a pull-request comment, under `limit` characters by design: the summary per
 * platform and per workspace first, then what stops the plan, then the destroys and replaces
 * and the warnings (what a reviewer must not miss), then each tenant's changes in a
 * collapsible section, then the remarks. Past the size limit, the tenants that do not fit
 * are summarized in one line that points to the plan artifact; long lists are cut the same
 * way. The details are `diff` code blocks, so GitHub and GitLab colour `+` and `-` lines.
 */
export function renderMarkdown(raw: Plan, options: MarkdownOptions = {}): string {
  const plan = printablePlan(raw);
  const limit = options.limit ?? 60_000;
  const artifact = options.artifact ?? 'the plan artifact (`keyform show plan.kfplan`)';
  const partial = partialNote(plan);
  const head = [
    '## keyform plan',
    ...(partial === undefined ? [] : [`> [!NOTE]\n> ${inline(partial)}`]),
    summaryTable(plan),
    headline(plan),
    workspaceTable(plan, limit / 2, artifact),
    errorCallout(plan, artifact),
    destructiveCallout(plan, artifact),
    warningCallout(plan, artifact),
  ].filter((b) => b !== '');
  const tail = remarkList(plan, artifact);
  const budget = limit - TAIL_RESERVE - head.reduce((n, b) => n + b.length + 2, 0);
  return `${[...head, ...tenantDetails(plan, budget, artifact), tail].filter((b) => b !== '').join('\n\n')}\n`;
}

function headline(plan: Plan): string {
  const s = plan.summary;
  if (hasChanges(s)) return `**${planLine(s)}**`;
  return plan.errored ? '' : '**No changes.** Keystone matches the configuration.';
}

function summaryTable(plan: Plan): string {
  const rows = plan.platforms.map((p) => {
    const s = p.summary;
    return `| ${code(p.platform)} | ${inline(p.endpoint)} | ${inline(p.region)} | ${s.add} | ${s.change} | ${s.destroy} | ${s.replace} | ${s.remarks} | ${s.errors} |`;
  });
  return ['| Platform | Endpoint | Region | Add | Change | Destroy | Replace | Remarks | Errors |', '|---|---|---|--:|--:|--:|--:|--:|--:|', ...rows].join('\n');
}

/** A tenant's (or a workspace's own domain's) changes on one platform. */
interface TenantChanges {
  readonly platform: string;
  readonly workspace: string;
  /** `WORKSPACE.PROJECT`, or `WORKSPACE` for the workspace's domain. */
  readonly tenant: string;
  readonly changes: readonly Change[];
}

/** Changes grouped by platform, workspace and tenant, in that order; changes in execution order within. */
function byTenant(plan: Plan): readonly TenantChanges[] {
  const out: TenantChanges[] = [];
  for (const p of plan.platforms) {
    const groups = new Map<string, { workspace: string; tenant: string; changes: Change[] }>();
    for (const c of p.changes) {
      const { key } = (c.after ?? c.before)!;
      const tenant = 'project' in key ? tenantKey(key) : key.workspace;
      const g = groups.get(tenant) ?? { workspace: key.workspace, tenant, changes: [] };
      g.changes.push(c);
      groups.set(tenant, g);
    }
    for (const t of [...groups.keys()].sort()) out.push({ platform: p.platform, ...groups.get(t)! });
  }
  return out;
}

/**
 * One row per workspace with changes: how many tenants and what happens to them, within
 * `room` characters (half the comment: thousands of workspaces changed at once are counted,
 * the rest of them pointed to the artifact).
 */
function workspaceTable(plan: Plan, room: number, artifact: string): string {
  const rows = new Map<string, { platform: string; workspace: string; tenants: number; changes: Change[] }>();
  for (const t of byTenant(plan)) {
    const k = `${t.platform}\u0000${t.workspace}`;
    const r = rows.get(k) ?? { platform: t.platform, workspace: t.workspace, tenants: 0, changes: [] };
    if (t.tenant !== t.workspace) r.tenants++;
    r.changes.push(...t.changes);
    rows.set(k, r);
  }
  if (rows.size === 0) return '';
  const lines = ['| Platform | Workspace | Tenants changed | Add | Change | Destroy | Replace |', '|---|---|--:|--:|--:|--:|--:|'];
  let used = 0;
  for (const [i, r] of [...rows.values()].entries()) {
    const s = summarize(r.changes, 0, 0, 0);
    const line = `| ${code(r.platform)} | ${code(r.workspace)} | ${r.tenants} | ${s.add} | ${s.change} | ${s.destroy} | ${s.replace} |`;
    if (used + line.length > room) {
      lines.push('', `${rows.size - i} more workspaces changed: see ${artifact}.`);
      break;
    }
    lines.push(line);
    used += line.length + 1;
  }
  return lines.join('\n');
}

/** `items` as a list of at most `LIST_LIMIT` lines, the rest counted with a pointer to the artifact. */
function capped(items: readonly string[], prefix: string, artifact: string): string[] {
  const shown = items.slice(0, LIST_LIMIT);
  return items.length > shown.length ? [...shown, `${prefix}… and ${items.length - shown.length} more: see ${artifact}.`] : shown;
}

function errorCallout(plan: Plan, artifact: string): string {
  const errors = plan.platforms.flatMap((p) => p.errors);
  if (errors.length === 0) return '';
  return ['> [!CAUTION]', '> **This plan cannot be applied:**', '>', ...capped(errors.map((e) => `> - ${inline(e.message)}`), '> - ', artifact)].join('\n');
}

function destructiveCallout(plan: Plan, artifact: string): string {
  const changes = plan.platforms.flatMap((p) => p.changes.filter((c) => isDestructive(c.action)));
  if (changes.length === 0) return '';
  const destroys = changes.filter((c) => c.action === 'delete').length;
  const head = `> **${destroys} to destroy, ${changes.length - destroys} to replace:** review these first.`;
  const plain = formatter({ color: false });
  const items = changes.map((c) => `> - ${code(plain.glyph(c.action, createsFirst(c)))} ${code(c.address)}: ${inline(c.reason)}`);
  return ['> [!WARNING]', head, '>', ...capped(items, '> - ', artifact)].join('\n');
}

/** The changes' warnings (e.g. a quota below usage), outside the collapsed details so that no reviewer misses them. */
function warningCallout(plan: Plan, artifact: string): string {
  const warned = plan.platforms.flatMap((p) => p.changes.flatMap((c) => (c.warnings ?? []).map((w) => `> - ${code(c.address)}: ${inline(w)}`)));
  if (warned.length === 0) return '';
  return ['> [!IMPORTANT]', `> **${warned.length} ${warned.length === 1 ? 'warning' : 'warnings'}:**`, '>', ...capped(warned, '> - ', artifact)].join('\n');
}

/** Each tenant's changes, collapsed, while they fit in `budget` characters; one line for the rest. */
function tenantDetails(plan: Plan, budget: number, artifact: string): string[] {
  const plain = formatter({ color: false });
  const out: string[] = [];
  let used = 0;
  const tenants = byTenant(plan);
  for (const [i, t] of tenants.entries()) {
    const body = t.changes.map((c) => changeBlock(c, plain, '').join('\n')).join('\n\n');
    const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
    const what = t.tenant === t.workspace ? 'Workspace' : 'Tenant';
    const summary = `${what} <code>${html(t.tenant)}</code> on <code>${html(t.platform)}</code>: ${html(counts(summarize(t.changes, 0, 0, 0)))}`;
    const block = ['<details>', `<summary>${summary}</summary>`, '', `${fence}diff`, body, fence, '', '</details>'].join('\n');
    if (used + block.length + 2 > budget) {
      const rest = tenants.slice(i);
      const s = summarize(rest.flatMap((r) => r.changes), 0, 0, 0);
      out.push(`**${rest.length} more ${rest.length === 1 ? 'tenant' : 'tenants'} (${counts(s)}) not shown here** to keep this comment within its size limit: see ${artifact}.`);
      break;
    }
    out.push(block);
    used += block.length + 2;
  }
  return out;
}

function remarkList(plan: Plan, artifact: string): string {
  const remarks = plan.platforms.flatMap((p) => p.remarks);
  if (remarks.length === 0) return '';
  return ['### Remarks', '', ...capped(remarks.map((r) => `- ${code(r.euid)} on ${code(r.tenant)} (${code(r.platform)}): ${inline(r.message)}`), '- ', artifact)].join('\n');
}

/** Inline code that survives backticks in `text`. */
function code(text: string): string {
  const ticks = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** Text with the characters Markdown would read as markup escaped (GFM does not emphasize `_` inside words, and `[x]` alone is no link). */
function inline(text: string): string {
  return text.replace(/[\\`*<>|~]/g, (ch) => `\\${ch}`);
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function longestRun(text: string, ch: string): number {
  let best = 0, run = 0;
  for (const c of text) {
    run = c === ch ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

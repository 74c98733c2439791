import { ACTION_GLYPHS, isDestructive } from '../action.ts';
import type { Change } from '../change.ts';
import { summarize, type Plan, type PlatformPlan } from '../plan.ts';
import { counts, formatter, planLine, printablePlan } from './format.ts';
import { changeBlock } from './text.ts';

/**
 * The plan as a pull-request comment: the summary table first, then what stops the plan,
 * then every destroy and replace and every warning (what a reviewer must not miss), then the details per
 * workspace in collapsible sections, then the remarks. The details are `diff` code blocks,
 * so GitHub and GitLab colour the `+` and `-` lines.
 */
export function renderMarkdown(raw: Plan): string {
  const plan = printablePlan(raw);
  const blocks = [
    '## keyform plan',
    summaryTable(plan),
    headline(plan),
    errorCallout(plan),
    destructiveCallout(plan),
    warningCallout(plan),
    ...plan.platforms.flatMap(workspaceSections),
    remarkList(plan),
  ];
  return `${blocks.filter((b) => b !== '').join('\n\n')}\n`;
}

function headline(plan: Plan): string {
  const s = plan.summary;
  if (s.add + s.change + s.destroy > 0) return `**${planLine(s)}**`;
  return plan.errored ? '' : '**No changes.** Keystone matches the configuration.';
}

function summaryTable(plan: Plan): string {
  const rows = plan.platforms.map((p) => {
    const s = p.summary;
    return `| ${code(p.platform)} | ${inline(p.endpoint)} | ${inline(p.region)} | ${s.add} | ${s.change} | ${s.destroy} | ${s.replace} | ${s.remarks} | ${s.errors} |`;
  });
  return ['| Platform | Endpoint | Region | Add | Change | Destroy | Replace | Remarks | Errors |', '|---|---|---|--:|--:|--:|--:|--:|--:|', ...rows].join('\n');
}

function errorCallout(plan: Plan): string {
  const errors = plan.platforms.flatMap((p) => p.errors);
  if (errors.length === 0) return '';
  return ['> [!CAUTION]', '> **This plan cannot be applied:**', '>', ...errors.map((e) => `> - ${inline(e.message)}`)].join('\n');
}

function destructiveCallout(plan: Plan): string {
  const changes = plan.platforms.flatMap((p) => p.changes.filter((c) => isDestructive(c.action)));
  if (changes.length === 0) return '';
  const destroys = changes.filter((c) => c.action === 'delete').length;
  const head = `> **${destroys} to destroy, ${changes.length - destroys} to replace:** review these first.`;
  return ['> [!WARNING]', head, '>', ...changes.map((c) => `> - ${code(ACTION_GLYPHS[c.action])} ${code(c.address)}: ${inline(c.reason)}`)].join('\n');
}

/** The changes' warnings (e.g. a quota below usage), outside the collapsed details so that no reviewer misses them. */
function warningCallout(plan: Plan): string {
  const warned = plan.platforms.flatMap((p) => p.changes.flatMap((c) => (c.warnings ?? []).map((w) => `> - ${code(c.address)}: ${inline(w)}`)));
  if (warned.length === 0) return '';
  return ['> [!IMPORTANT]', `> **${warned.length} ${warned.length === 1 ? 'warning' : 'warnings'}:**`, '>', ...warned].join('\n');
}

function workspaceSections(p: PlatformPlan): string[] {
  const byWorkspace = new Map<string, Change[]>();
  for (const c of p.changes) {
    const w = (c.after ?? c.before)!.key.workspace;
    const list = byWorkspace.get(w);
    if (list === undefined) byWorkspace.set(w, [c]);
    else list.push(c);
  }
  const plain = formatter({ color: false });
  return [...byWorkspace.keys()].sort().map((w) => {
    const changes = byWorkspace.get(w)!;
    const body = changes.map((c) => changeBlock(c, plain, '').join('\n')).join('\n\n');
    const fence = '`'.repeat(Math.max(3, longestRun(body, '`') + 1));
    const summary = `Workspace <code>${html(w)}</code> on <code>${html(p.platform)}</code>: ${html(counts(summarize(changes, 0, 0, 0)))}`;
    return ['<details>', `<summary>${summary}</summary>`, '', `${fence}diff`, body, fence, '', '</details>'].join('\n');
  });
}

function remarkList(plan: Plan): string {
  const remarks = plan.platforms.flatMap((p) => p.remarks);
  if (remarks.length === 0) return '';
  return ['### Remarks', '', ...remarks.map((r) => `- ${code(r.euid)} on ${code(r.tenant)} (${code(r.platform)}): ${inline(r.message)}`)].join('\n');
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

import { ACTION_GLYPHS, type Action } from '../action.ts';
import type { AttributeValue } from '../change.ts';
import type { Plan, PlatformPlan } from '../plan.ts';
import { printable } from '../../constructs/problems/printable.ts';

/** What text is shown as; each style is one ANSI colour or weight. */
export type Style = 'create' | 'update' | 'delete' | 'bold' | 'dim' | 'remark' | 'error';

const ANSI: Readonly<Record<Style, string>> = {
  create: '\u001b[32m',
  update: '\u001b[33m',
  delete: '\u001b[31m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  remark: '\u001b[33m',
  error: '\u001b[31m',
};
const RESET = '\u001b[0m';

/** The one place glyphs and colours come from, so every renderer shows an action the same way. */
export interface Formatter {
  /** `text` in `style`, or `text` as is when colours are off. */
  paint(style: Style, text: string): string;
  /**
   * The action's glyph, coloured: `+` green, `~` yellow, `-` red, `-/+` red and green; a
   * replace that creates first is `+/-`, as Terraform shows `create_before_destroy`.
   */
  glyph(action: Action, createFirst?: boolean): string;
}

/**
 * A formatter with or without ANSI colours.
 * @example formatter({ color: false }).glyph('replace') // '-/+'
 */
export function formatter(options: { readonly color: boolean }): Formatter {
  const paint = (style: Style, text: string): string => (options.color && text !== '' ? `${ANSI[style]}${text}${RESET}` : text);
  return {
    paint,
    glyph: (action, createFirst = false) => {
      if (action === 'replace') return createFirst ? `${paint('create', '+')}/${paint('delete', '-')}` : `${paint('delete', '-')}/${paint('create', '+')}`;
      const style: Style | undefined = action === 'create' ? 'create' : action === 'update' ? 'update' : action === 'delete' ? 'delete' : undefined;
      return style === undefined ? ACTION_GLYPHS[action] : paint(style, ACTION_GLYPHS[action]);
    },
  };
}

/**
 * Whether to colour output: only on a terminal, and never when `NO_COLOR` is set to
 * anything but the empty string (https://no-color.org).
 */
export function colorEnabled(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  const noColor = env['NO_COLOR'];
  return isTTY && (noColor === undefined || noColor === '');
}

/** An attribute value as the renderers show it: strings quoted, lists in brackets. */
export function showValue(v: AttributeValue | undefined): string {
  if (v === undefined) return '(none)';
  if (Array.isArray(v)) return `[${v.map((x) => JSON.stringify(x)).join(', ')}]`;
  return JSON.stringify(v);
}

/** What happens to an address, in Terraform's words. */
export const ACTION_PHRASES: Readonly<Record<Action, string>> = {
  'no-op': 'is unchanged',
  create: 'will be created',
  update: 'will be updated in-place',
  delete: 'will be destroyed',
  replace: 'must be replaced',
};

/**
 * What happens to an address, in Terraform's words; a replace also says its order, as
 * Terraform's legend does (`+/-` create replacement and then destroy, `-/+` the reverse).
 * @example actionPhrase('replace', true) // 'must be replaced (create replacement and then destroy)'
 */
export function actionPhrase(action: Action, createFirst: boolean): string {
  if (action !== 'replace') return ACTION_PHRASES[action];
  return `${ACTION_PHRASES.replace} (${createFirst ? 'create replacement and then destroy' : 'destroy and then create replacement'})`;
}

/** `1 to add, 2 to change, 0 to destroy` */
export function counts(s: { readonly add: number; readonly change: number; readonly destroy: number }): string {
  return `${s.add} to add, ${s.change} to change, ${s.destroy} to destroy`;
}

/** `Plan: 1 to add, 2 to change, 0 to destroy.` */
export function planLine(s: { readonly add: number; readonly change: number; readonly destroy: number }): string {
  return `Plan: ${counts(s)}.`;
}

/**
 * `plan` with every string the renderers show (values and keys) passed through `printable`:
 * names, reasons, addresses and messages come from configs and from Keystone, and a terminal
 * escape or a bidirectional override in one could hide or fake lines of the plan a reviewer
 * reads. The text and Markdown renderers show this copy; JSON output escapes by itself.
 * Each platform's `desired` and `prior` are kept as they are: no renderer shows them, and at
 * 10,000 tenants they are ~170,000 records each, most of a no-op plan's rendering time.
 * @example printablePlan(plan).platforms[0].changes[0].reason // 'name \\x1b[2K…'
 */
export function printablePlan(plan: Plan): Plan {
  const { platforms, ...rest } = plan;
  return {
    ...(printableValue(rest) as Omit<Plan, 'platforms'>),
    platforms: platforms.map(({ desired, prior, ...shown }) => ({ ...(printableValue(shown) as Omit<PlatformPlan, 'desired' | 'prior'>), desired, prior })),
  };
}

function printableValue(v: unknown): unknown {
  if (typeof v === 'string') return printable(v);
  if (Array.isArray(v)) return v.map(printableValue);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [printable(k), printableValue(x)]));
}

/**
 * What a targeted plan says about itself, as Terraform's "Resource targeting is in effect"
 * does; undefined for a full plan.
 */
export function partialNote(plan: { readonly targets: readonly string[]; readonly platforms: readonly { readonly leftOut: readonly string[] }[] }): string | undefined {
  if (plan.targets.length === 0) return undefined;
  const left = plan.platforms.reduce((n, p) => n + p.leftOut.length, 0);
  return `This plan is partial: only ${plan.targets.map((t) => JSON.stringify(t)).join(', ')} and what ${plan.targets.length === 1 ? 'it depends' : 'they depend'} on were planned` +
    `; ${left} ${left === 1 ? 'change' : 'changes'} outside the targets ${left === 1 ? 'was' : 'were'} left out. A later full plan shows them.`;
}

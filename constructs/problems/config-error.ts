/**
 * What is wrong with a configuration, with where: every problem names its file, line and
 * column (where the format has them), the path inside the document and how to fix it.
 * Loading and synthesis collect *all* problems and fail once, so a user fixes a config in
 * one round instead of one error per run.
 */

/** One thing wrong with the configuration. */
export interface ConfigProblem {
  /** The file as the user named it (relative paths stay relative). */
  readonly file: string;
  /** 1-based; absent when the format has no positions (e.g. a thrown error without a stack). */
  readonly line?: number;
  /** 1-based; absent with `line`. */
  readonly column?: number;
  /** Where in the document, e.g. `workspace.acme.project.webshop.tenant.os-prod.quota["compute.cores"]`. */
  readonly path: string;
  /** What is wrong, as a sentence that names the object. */
  readonly message: string;
  /** How to fix it. */
  readonly hint: string;
}

import { printable } from './printable.ts';
import { compareCodeUnits } from '../model/index.ts';

/** The configuration can't be turned into desired state; `problems` lists every reason. */
export interface ConfigError {
  readonly kind: 'config-error';
  /** A one-line summary; the problems carry the detail. */
  readonly message: string;
  /** Sorted by file, line, column; no two alike. */
  readonly problems: readonly ConfigProblem[];
}

/**
 * Builds the error from `problems`: sorted by location, exact duplicates dropped (the same
 * workspace tag is checked once per tenant that inherits it).
 * @example configError([{ file: 'main.hcl', line: 3, column: 5, path: 'platform.os-prod', message: '…', hint: '…' }])
 */
export function configError(problems: readonly ConfigProblem[]): ConfigError {
  const unique = new Map<string, ConfigProblem>();
  for (const p of problems) unique.set(problemKey(p), p);
  const sorted = [...unique.values()].sort(compareProblems);
  const n = sorted.length;
  return { kind: 'config-error', message: `the configuration has ${n} problem${n === 1 ? '' : 's'}`, problems: capPerFile(sorted).map(shortened) };
}

/** Problems shown per file: a garbage file has thousands, and the first ones say enough. */
export const MAX_PROBLEMS_PER_FILE = 20;
/** A message longer than this is cut: a value quoted in it may be megabytes long. */
const MAX_MESSAGE_LENGTH = 400;

/** The first MAX_PROBLEMS_PER_FILE problems of each file, then one that says how many more there are. */
function capPerFile(sorted: readonly ConfigProblem[]): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  let file: string | undefined;
  let count = 0;
  for (const p of sorted) {
    count = p.file === file ? count + 1 : 1;
    file = p.file;
    if (count <= MAX_PROBLEMS_PER_FILE) out.push(p);
    else if (count === MAX_PROBLEMS_PER_FILE + 1) {
      const more = sorted.filter((q) => q.file === file).length - MAX_PROBLEMS_PER_FILE;
      out.push({ file: p.file, path: '', message: `and ${more} more problem${more === 1 ? '' : 's'} in this file`, hint: 'fix the ones above first' });
    }
  }
  return out;
}

function shortened(p: ConfigProblem): ConfigProblem {
  return p.message.length <= MAX_MESSAGE_LENGTH ? p : { ...p, message: `${p.message.slice(0, MAX_MESSAGE_LENGTH)}… (${p.message.length} characters in all)` };
}

/** Orders problems by file, line, column, then message (code-unit order, locale-free). */
export function compareProblems(a: ConfigProblem, b: ConfigProblem): number {
  return (
    compareCodeUnits(a.file, b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    compareCodeUnits(a.path, b.path) ||
    compareCodeUnits(a.message, b.message)
  );
}

/**
 * One problem as a line a compiler would print.
 * @example renderProblem(p) // 'main.hcl:3:5: unknown key "colour" in platform "os-prod" (did you mean "cloud"?)'
 */
export function renderProblem(p: ConfigProblem): string {
  return printable(`${renderLocation(p)}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`);
}

/** `file:line:col`, `file:line` or `file`, as much as is known. */
export function renderLocation(p: { readonly file: string; readonly line?: number; readonly column?: number }): string {
  if (p.line === undefined) return p.file;
  return p.column === undefined ? `${p.file}:${p.line}` : `${p.file}:${p.line}:${p.column}`;
}

/** Every problem on its own line, then a summary line. */
export function renderConfigError(e: ConfigError): string {
  return `${e.problems.map(renderProblem).join('\n')}\nError: ${e.message}; nothing was written.\n`;
}

function problemKey(p: ConfigProblem): string {
  return JSON.stringify([p.file, p.line, p.column, p.path, p.message]);
}

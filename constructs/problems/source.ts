import { fileURLToPath } from 'node:url';
import { relative, isAbsolute, resolve as resolvePath } from 'node:path';

/** A position in a file; both parts absent when the format has none. */
export interface Position {
  readonly line?: number;
  readonly column?: number;
}

/** A path inside the canonical config document, e.g. `['workspace', 'acme', 'tags', 'cost_center']`. */
export type ConfigPath = readonly string[];

/**
 * Where a declaration was written: its file, and a way to find any path inside it. Loaders
 * build one per file (positions are computed lazily, only when a problem needs one); a
 * TypeScript program gets the call site of `new Workspace(...)`.
 */
export interface Source {
  readonly file: string;
  /**
   * The position of `path`: of its key (`part: 'key'`, e.g. to point at an unknown key) or its
   * value. A path that can't be found falls back to its nearest enclosing path.
   */
  locate(path: ConfigPath, part?: 'key' | 'value'): Position;
}

/**
 * Formats a config path for humans and for `ConfigProblem.path`.
 * @example formatPath(['tenant', 'os-prod', 'quota', 'compute.cores']) // 'tenant.os-prod.quota["compute.cores"]'
 */
export function formatPath(path: ConfigPath): string {
  let out = '';
  for (const s of path) {
    if (/^[A-Za-z0-9_][A-Za-z0-9_-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** A source that knows its file only, e.g. for a file that could not be read. */
export function fileSource(file: string): Source {
  return { file, locate: () => ({}) };
}

const CONSTRUCTS_DIR = fileURLToPath(new URL('..', import.meta.url));

/**
 * The call site of the first caller outside keyform's own `constructs/` folder: where a
 * TypeScript config program wrote `new Tenant(...)`. The stack is captured now but read
 * only if a problem needs the position, because formatting stacks is slow.
 */
export function callerSource(): Source {
  const trace: { stack?: string } = {};
  Error.captureStackTrace(trace, callerSource);
  const program = (globalThis as { [PROGRAM]?: string })[PROGRAM];
  let resolved: { file: string; position: Position } | undefined;
  const resolve = () => (resolved ??= callerFrame(trace.stack ?? '', program));
  // A config program's frames are source-mapped only while it runs.
  if (program !== undefined) resolve();
  return {
    get file() {
      return resolve().file;
    },
    locate: () => resolve().position,
  };
}

/**
 * Runs a TypeScript config program, naming it in a global (so that every copy of this
 * module sees it) and with source maps on, so that the constructs it creates point at its
 * lines. A call site with no usable frame (tsx runs a .ts file outside an ESM package as an
 * inline CommonJS module) is attributed to the program's file.
 */
export async function whileRunningProgram<T>(file: string, run: () => Promise<T>): Promise<T> {
  const g = globalThis as { [PROGRAM]?: string };
  const sourceMaps = process.sourceMapsEnabled;
  g[PROGRAM] = file;
  process.setSourceMapsEnabled(true);
  try {
    return await run();
  } finally {
    delete g[PROGRAM];
    process.setSourceMapsEnabled(sourceMaps);
  }
}

const PROGRAM = Symbol.for('keyform.runningProgram');

function callerFrame(stack: string, program: string | undefined): { file: string; position: Position } {
  const programPath = program === undefined ? undefined : resolvePath(program);
  for (const line of stack.split('\n').slice(1)) {
    const m = /(?:\(|at )((?:file:\/\/)?\/[^():?]+)(?:\?[^():]*)?:(\d+):(\d+)\)?\s*$/.exec(line);
    if (!m) continue;
    const file = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    // While a config program runs, only its own frames count: the frames below it are keyform's CLI.
    if (programPath !== undefined ? file !== programPath : file.startsWith(CONSTRUCTS_DIR) || file.includes('/node_modules/')) continue;
    return { file: program ?? displayPath(file), position: { line: Number(m[2]), column: Number(m[3]) } };
  }
  return { file: program ?? '<program>', position: {} };
}

function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

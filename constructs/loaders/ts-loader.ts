import { pathToFileURL, fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { configError, type ConfigError, type ConfigProblem } from '../problems/config-error.ts';
import { KeyformApp } from '../l2/keyform-app.ts';
import { whileRunningProgram } from '../problems/source.ts';

/**
 * Runs a `keyform.config.ts` program. Its default export is either a KeyformApp it built, or
 * a function `(app) => void` that adds constructs to the app it is given (which already
 * holds the declarations of any HCL/YAML/JSON files beside it). An error the program
 * throws, including a TypeScript syntax error, is a problem at its position in the file.
 * @example // keyform.config.ts
 * export default (app: KeyformApp) => { new Platform(app, 'os-prod', { cloud: 'prod', region: 'RegionOne' }); };
 */
export function runTsProgram(file: string, app: KeyformApp, hasOtherFiles: boolean, timeoutMs = PROGRAM_TIMEOUT_MS): ResultAsync<KeyformApp, ConfigError> {
  // tsx's tsImport loads the program as ESM with TypeScript support wherever it lives (a
  // plain `import()` of a .ts file outside an ESM package fails), in the CLI and in tests.
  // Imported here, not at the top: tsx and esbuild cost ~0.1 s CPU, which configs without a program don't pay.
  const loading = bounded(timeoutMs, whileRunningProgram(file, async () => {
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(pathToFileURL(resolve(file)).href, import.meta.url)) as { default?: unknown };
  }));
  return ResultAsync.fromPromise(loading, (e) => thrown(file, e)).andThen((mod) => {
    const main = defaultExport(mod);
    if (KeyformApp.isKeyformApp(main)) {
      if (!hasOtherFiles) return okAsync(main);
      return errAsync(configError([problem(file, 'exports a KeyformApp of its own, but there are HCL/YAML/JSON files beside it', 'export a function (app) => { ... } that adds to the given app, or move the other files away')]));
    }
    if (typeof main === 'function') {
      const running = bounded(timeoutMs, whileRunningProgram(file, async () => (main as (a: KeyformApp) => unknown)(app)));
      return ResultAsync.fromPromise(running, (e) => thrown(file, e)).map(() => app);
    }
    return errAsync(configError([problem(file, 'has no usable default export', 'end it with `export default app` (a KeyformApp) or `export default (app: KeyformApp) => { ... }`')]));
  });
}

/** How long a program may take to load and build its constructs (a promise that never settles would hang every command). */
export const PROGRAM_TIMEOUT_MS = 60_000;

/** A program that took longer than `timeoutMs`: not a thrown error, so it has no position. */
class ProgramTimeout {
  constructor(readonly timeoutMs: number) {}
}

/** `work`, or a ProgramTimeout rejection after `timeoutMs`. The timer keeps the process alive while it waits. */
function bounded<T>(timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProgramTimeout(timeoutMs)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** The default export; a program tsx ran as CommonJS has it one level down. */
function defaultExport(mod: { default?: unknown }): unknown {
  const d = mod.default;
  if (typeof d === 'object' && d !== null && !KeyformApp.isKeyformApp(d) && 'default' in d) return (d as { default: unknown }).default;
  return d;
}

function problem(file: string, message: string, hint: string, position: { line?: number; column?: number } = {}): ConfigProblem {
  return { file, ...position, path: '', message: `${file} ${message}`, hint };
}

/** An error thrown while importing or running the program, at the first stack frame (or esbuild position) in `file`. */
function thrown(file: string, e: unknown): ConfigError {
  if (e instanceof ProgramTimeout) {
    return configError([problem(file, `did not finish within ${e.timeoutMs / 1000} s (a promise that never settles?)`, 'make the program (and the function it exports) finish; await every promise it starts')]);
  }
  const error = e instanceof Error ? e : new Error(String(e));
  const full = resolve(file);
  const esbuild = /:(\d+):(\d+): ERROR: (.*)/.exec(error.message);
  if (esbuild) return configError([problem(file, `does not compile: ${esbuild[3]}`, 'fix the TypeScript syntax', { line: Number(esbuild[1]), column: Number(esbuild[2]) })]);
  for (const m of (error.stack ?? '').matchAll(/\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?$/gm)) {
    const path = m[1]!.startsWith('file://') ? fileURLToPath(m[1]!) : m[1]!;
    if (path === full) return configError([problem(file, `threw: ${error.message}`, 'fix the program at this line', { line: Number(m[2]), column: Number(m[3]) })]);
  }
  return configError([problem(file, `failed: ${error.message.split('\n')[0]}`, 'run it with `npx tsx` to see the full error')]);
}

import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Result, err, ok } from 'neverthrow';
import { type LauncherError, fileSystem } from './launcher-error.ts';

/** Where the launcher's own files live (templates/, python/). */
export const LAUNCHER_DIR = dirname(fileURLToPath(import.meta.url));

/** A file of the launcher's python/ folder. */
export function pythonHelper(name: string): string {
  return `${LAUNCHER_DIR}/python/${name}`;
}

/** Runs a throwing file-system call, mapping a failure onto the path it concerned. */
export function fsCall<T>(path: string, call: () => T): Result<T, LauncherError> {
  try {
    return ok(call());
  } catch (cause) {
    return err(fileSystem(path, cause));
  }
}

/** Creates folders (and their parents) with `mode`. */
export function makeDirs(paths: readonly string[], mode = 0o755): Result<void, LauncherError> {
  return Result.combine(paths.map((p) => fsCall(p, () => mkdirSync(p, { recursive: true, mode })))).map(() => undefined);
}

/** Writes a file with `mode` (0600 for anything holding a password or a key). */
export function writeStackFile(path: string, text: string, mode = 0o644): Result<void, LauncherError> {
  return fsCall(path, () => {
    writeFileSync(path, text, { mode });
    chmodSync(path, mode);
  });
}

/** Copies a file into the stack. */
export function copyStackFile(from: string, to: string): Result<void, LauncherError> {
  return fsCall(from, () => copyFileSync(from, to));
}

/**
 * Renders templates/NAME: every `{{KEY}}` is replaced by `values[KEY]`. A placeholder with
 * no value is a bug in the launcher, not a user error, so it throws.
 * @example renderTemplate('nova.conf', { DIR: '/tmp/x', NOVA_PORT: '26001' })
 */
export function renderTemplate(name: string, values: Readonly<Record<string, string>>): Result<string, LauncherError> {
  const path = `${LAUNCHER_DIR}/templates/${name}`;
  return fsCall(path, () => readFileSync(path, 'utf8')).map((text) =>
    text.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`template ${name} uses {{${key}}}, which the launcher does not set`);
      return value;
    }),
  );
}

/** Renders templates/NAME into `to`. */
export function writeTemplate(
  name: string,
  to: string,
  values: Readonly<Record<string, string>>,
  mode = 0o600,
): Result<void, LauncherError> {
  return renderTemplate(name, values).andThen((text) => writeStackFile(to, text, mode));
}

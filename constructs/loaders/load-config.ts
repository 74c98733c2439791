import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { ResultAsync, errAsync, okAsync } from 'neverthrow';
import { configError, type ConfigError } from '../problems/config-error.ts';
import { fileSource } from '../problems/source.ts';
import { KeyformApp } from '../l2/keyform-app.ts';
import { synth, type SynthOptions } from '../synth/synth.ts';
import type { SynthOutput } from '../synth/synth-output.ts';
import { buildApp, type ParsedDocument } from './build-app.ts';
import { parseHclFile } from './hcl-loader.ts';
import { parseJsonFile, parseYamlFile } from './yaml-loader.ts';
import { runTsProgram } from './ts-loader.ts';
export { PROGRAM_TIMEOUT_MS } from './ts-loader.ts';

/** The file a config folder may hold as a TypeScript program. */
export const TS_CONFIG_FILE = 'keyform.config.ts';
const DECLARATIVE = new Set(['.hcl', '.yaml', '.yml', '.json']);
/** JSON files of the Node/TypeScript tooling a TypeScript config's folder often holds: never config. */
const TOOL_FILES = /^(package(-lock)?|tsconfig(\..*)?)\.json$/;

export interface LoadOptions extends SynthOptions {
  /** How long a keyform.config.ts may take to build its constructs. @default PROGRAM_TIMEOUT_MS */
  readonly programTimeoutMs?: number;
}

/** A loaded construct tree and the files it came from (sorted). */
export interface LoadedConfig {
  readonly app: KeyformApp;
  readonly files: readonly string[];
}

/**
 * Loads `path`, a config file or a folder (every `*.hcl`, `*.yaml`, `*.yml`, `*.json` in it
 * but package.json, package-lock.json and tsconfig*.json, and a `keyform.config.ts`), into
 * one construct tree. Fails only when nothing can be read
 * (no such path, no config files, the TypeScript program fails); problems inside files are
 * recorded on the tree and reported by `synth()`, all at once.
 * @example loadConfig('examples/hcl').andThen(({ app }) => synth(app))
 */
export function loadConfig(path: string, opts: LoadOptions = {}): ResultAsync<LoadedConfig, ConfigError> {
  return configFiles(path).andThen((files) => {
    const declarative = files.filter((f) => DECLARATIVE.has(extname(f)));
    const program = files.find((f) => /\.m?ts$/.test(f));
    return ResultAsync.fromSafePromise(Promise.all(declarative.map(parseFile))).andThen((docs) => {
      const app = buildApp(docs);
      if (!program) return okAsync({ app, files });
      return runTsProgram(program, app, declarative.length > 0, opts.programTimeoutMs).map((built) => ({ app: built, files }));
    });
  });
}

/**
 * Loads and synthesizes `path`: the desired state of every platform, or every problem.
 * @example await synthConfig('keyform') // ok({ app, files, output: { platforms, settings, metering } })
 */
export function synthConfig(path: string, opts: LoadOptions = {}): ResultAsync<LoadedConfig & { readonly output: SynthOutput }, ConfigError> {
  return loadConfig(path, opts).andThen((loaded) => synth(loaded.app, opts).map((output) => ({ ...loaded, output })));
}

function configFiles(path: string): ResultAsync<string[], ConfigError> {
  const fail = (message: string, hint: string) => configError([{ file: path, path: '', message, hint }]);
  return ResultAsync.fromPromise(stat(path), () => fail('no such file or folder', 'pass --config PATH (a config file or folder), or create ./keyform')).andThen((s) => {
    if (!s.isDirectory()) {
      const known = DECLARATIVE.has(extname(path)) || /\.m?ts$/.test(path);
      return known ? okAsync([path]) : errAsync(fail(`is not a config file`, 'config files end in .hcl, .yaml, .yml, .json, or are a keyform.config.ts program'));
    }
    return ResultAsync.fromPromise(readdir(path), () => fail('cannot list the folder', 'check its permissions')).andThen((names) => {
      const isConfig = (n: string) => (DECLARATIVE.has(extname(n)) && !TOOL_FILES.test(n)) || n === TS_CONFIG_FILE;
      const files = names.filter(isConfig).sort().map((n) => join(path, n));
      return files.length > 0 ? okAsync(files) : errAsync(fail(`holds no config files`, `add *.hcl, *.yaml, *.yml or *.json files, or a ${TS_CONFIG_FILE}`));
    });
  });
}

/**
 * The largest config file read, per format. HCL's parser needs far more memory than the file
 * on garbage (1 MB of broken HCL: 345 MB and 17 s, measured; 5 MB ran out of memory), and 10,000
 * tenants take 2.6 MB of HCL; larger configs are better generated as YAML or JSON, which are
 * read with a far higher limit (tens of thousands of tenants fit well below it).
 */
export const MAX_FILE_BYTES = { hcl: 4 * 1024 * 1024, yaml: 64 * 1024 * 1024, json: 64 * 1024 * 1024 } as const;

async function parseFile(file: string): Promise<ParsedDocument> {
  const format = extname(file) === '.hcl' ? 'hcl' : extname(file) === '.json' ? 'json' : 'yaml';
  const unreadable = (message: string, hint: string): ParsedDocument => ({ file, format, value: undefined, source: fileSource(file), problems: [{ file, path: '', message, hint }] });
  // Only regular files are opened: reading a FIFO or a device named a.hcl would block or never end.
  const info = await stat(file).catch(() => undefined);
  if (info !== undefined && !info.isFile()) return unreadable(`${basename(file)} is not a regular file`, 'config files must be plain files; remove it or rename it');
  if (info !== undefined && info.size > MAX_FILE_BYTES[format]) {
    return unreadable(`${basename(file)} is ${info.size} bytes; at most ${MAX_FILE_BYTES[format]} are read for ${format.toUpperCase()}`, 'split it into several files');
  }
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return unreadable(`cannot read ${basename(file)}`, 'check that the file exists and is readable');
  if (format === 'hcl') return parseHclFile(file, text);
  return format === 'json' ? parseJsonFile(file, text) : parseYamlFile(file, text);
}

import { readFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Result, err, ok } from 'neverthrow';
import { configInvalid, configNotFound, type OpenStackError } from './errors.ts';

/** A parsed `clouds:` mapping, keys as written. */
export type RawClouds = Record<string, Record<string, unknown>>;

export interface LoadedFiles {
  /** The clouds.yaml that was read, if any. */
  readonly cloudsFile: string | undefined;
  readonly secureFile: string | undefined;
  /** clouds.yaml merged with secure.yaml (secure values win, nested maps merged). */
  readonly clouds: RawClouds;
  /** Every clouds.yaml location looked at, for the "not found" message. */
  readonly searched: readonly string[];
}

export interface FileSearch {
  readonly env: NodeJS.ProcessEnv;
  /** @default process.cwd() */
  readonly cwd?: string;
  /** @default os.homedir() */
  readonly home?: string;
  /** Explicit files: when given, no other location is searched for that file. */
  readonly files?: { readonly clouds?: string; readonly secure?: string };
}

/**
 * The folders openstacksdk searches, in its order: the current directory, the user config
 * folder (`$XDG_CONFIG_HOME/openstack`, else `~/.config/openstack`), the site folder
 * (`$XDG_CONFIG_DIRS/openstack`, else `/etc/xdg/openstack`), then `/etc/openstack`.
 */
export function searchFolders(s: FileSearch): readonly string[] {
  const home = s.home ?? homedir();
  const xdgHome = s.env.XDG_CONFIG_HOME || join(home, '.config');
  const xdgSite = (s.env.XDG_CONFIG_DIRS || '/etc/xdg').split(':')[0] || '/etc/xdg';
  const folders = [s.cwd ?? process.cwd(), join(xdgHome, 'openstack'), join(home, '.config', 'openstack'), join(xdgSite, 'openstack'), '/etc/openstack'];
  return [...new Set(folders)];
}

/** Candidate paths for `base` (`clouds` or `secure`): an override first, then each folder × suffix. */
export function candidates(base: 'clouds' | 'secure', s: FileSearch): readonly string[] {
  const explicit = base === 'clouds' ? s.files?.clouds : s.files?.secure;
  if (explicit) return [explicit];
  const override = base === 'clouds' ? s.env.OS_CLIENT_CONFIG_FILE : s.env.OS_CLIENT_SECURE_FILE;
  const found = searchFolders(s).flatMap((d) => ['.yaml', '.yml', '.json'].map((x) => join(d, base + x)));
  return override ? [override, ...found] : found;
}

/**
 * Reads the first clouds file and the first secure file that exist (as openstacksdk does:
 * later locations are not merged in) and merges the secure one over the clouds one.
 */
export function loadFiles(s: FileSearch): Result<LoadedFiles, OpenStackError> {
  const cloudPaths = candidates('clouds', s);
  if (s.files?.clouds && !existsSync(s.files.clouds)) return err(configNotFound(cloudPaths));
  const cloudsFile = cloudPaths.find((p) => existsSync(p));
  const securePaths = candidates('secure', s);
  if (s.files?.secure && !existsSync(s.files.secure)) return err(configInvalid(`The secure file ${s.files.secure} does not exist. Fix the path or drop it.`));
  const secureFile = securePaths.find((p) => existsSync(p));
  return readClouds(cloudsFile).andThen((base) =>
    readClouds(secureFile).map((extra) => ({ cloudsFile, secureFile, clouds: mergeDeep(base, extra) as RawClouds, searched: cloudPaths })),
  );
}

// yaml is required when a clouds.yaml is read, not imported: ~60 ms CPU of every start otherwise.
const require = createRequire(import.meta.url);

function readClouds(path: string | undefined): Result<RawClouds, OpenStackError> {
  if (!path) return ok({});
  const text = Result.fromThrowable(
    () => readFileSync(path, 'utf8'),
    (e) => configInvalid(`Cannot read ${path}: ${(e as Error).message}. Check its permissions.`),
  )();
  return text.andThen((t) =>
    Result.fromThrowable(
      () => (require('yaml') as typeof import('yaml')).parse(t) as unknown,
      (e) => configInvalid(`${path} is not valid YAML: ${(e as Error).message.split('\n')[0]}. Fix the file.`),
    )().andThen((doc) => {
      if (doc === null || doc === undefined) return ok({});
      const clouds = (doc as Record<string, unknown>).clouds;
      if (typeof doc !== 'object' || (clouds !== undefined && (typeof clouds !== 'object' || clouds === null))) {
        return err(configInvalid(`${path} must be a mapping with a \`clouds:\` mapping of cloud names. Fix the file.`));
      }
      return ok((clouds ?? {}) as RawClouds);
    }),
  );
}

/** Like openstacksdk's merge_clouds: nested mappings merge, everything else is replaced. */
export function mergeDeep(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isMap(v) && isMap(prev) ? mergeDeep(prev, v) : v;
  }
  return out;
}

function isMap(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

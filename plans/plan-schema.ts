import { RESOURCE_KINDS } from '../constructs/model/index.ts';
import { ACTIONS } from './action.ts';

/**
 * The shape a decoded plan must have, checked field by field so that a damaged file is
 * refused with the path of the first wrong field instead of failing half-way through apply.
 * A check returns a problem (`path: what is wrong`) or undefined.
 */
type Check = (v: unknown, path: string) => string | undefined;

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : JSON.stringify(v));
const expected = (what: string): Check => (v, path) => `${path}: expected ${what}, found ${describe(v)}`;

const str: Check = (v, path) => (typeof v === 'string' ? undefined : expected('a string')(v, path));
const num: Check = (v, path) => (typeof v === 'number' && Number.isFinite(v) ? undefined : expected('a number')(v, path));
const int: Check = (v, path) => (Number.isInteger(v) && (v as number) >= 0 ? undefined : expected('a whole number')(v, path));
const bool: Check = (v, path) => (typeof v === 'boolean' ? undefined : expected('true or false')(v, path));
const oneOf = (values: readonly string[]): Check => (v, path) =>
  typeof v === 'string' && values.includes(v) ? undefined : expected(`one of ${values.join(', ')}`)(v, path);
const nullable = (c: Check): Check => (v, path) => (v === null ? undefined : c(v, path));
const optional = (c: Check): Check => (v, path) => (v === undefined ? undefined : c(v, path));
const anyOf = (...checks: Check[]): Check => (v, path) => (checks.some((c) => c(v, path) === undefined) ? undefined : checks[0]!(v, path));

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);

const arrayOf = (item: Check): Check => (v, path) => {
  if (!Array.isArray(v)) return expected('an array')(v, path);
  for (let i = 0; i < v.length; i++) {
    const p = item(v[i], `${path}[${i}]`);
    if (p !== undefined) return p;
  }
  return undefined;
};
const recordOf = (value: Check): Check => (v, path) => {
  if (!isRecord(v)) return expected('an object')(v, path);
  for (const [k, x] of Object.entries(v)) {
    const p = value(x, `${path}.${k}`);
    if (p !== undefined) return p;
  }
  return undefined;
};
const object = (fields: Readonly<Record<string, Check>>): Check => (v, path) => {
  if (!isRecord(v)) return expected('an object')(v, path);
  for (const [k, c] of Object.entries(fields)) {
    const p = c(v[k], `${path}.${k}`);
    if (p !== undefined) return p;
  }
  return undefined;
};

const attrValue = anyOf(str, num, bool, arrayOf(str));
const resource = object({
  kind: oneOf(RESOURCE_KINDS), address: str, platform: str, key: recordOf(str), attrs: recordOf(attrValue),
  ids: optional(recordOf(str)), managed: optional(bool), deletionPolicy: optional(oneOf(['retain', 'delete'])), adopt: optional(bool),
});
const ref = object({ address: str, index: int });
const operation = object({ op: oneOf(['create', 'update', 'delete']), set: optional(recordOf(attrValue)), waitsFor: arrayOf(ref) });
const strings = arrayOf(str);
const change = object({
  kind: oneOf(RESOURCE_KINDS), address: str, action: oneOf(ACTIONS), before: nullable(resource), after: nullable(resource),
  changed: strings, replacePaths: strings, operations: arrayOf(operation), dependsOn: strings, reason: str, warnings: optional(strings),
});
const remark = object({ kind: oneOf(['user-not-found']), platform: str, euid: str, tenant: str, roles: strings, addresses: strings, message: str });
const planError = object({ kind: oneOf(['name-clash', 'foreign-owner', 'name-taken', 'quota-unavailable', 'unknown-role']), platform: str, address: str, name: str, domain: str, conflictingId: str, message: str });
const summary = object({ add: int, change: int, destroy: int, replace: int, unchanged: int, remarks: int, errors: int });
const desired = object({ platform: str, tagPrefix: str, resources: arrayOf(resource) });
const platform = object({
  platform: str, endpoint: str, region: str, liveDigest: str, desired, changes: arrayOf(change),
  remarks: arrayOf(remark), errors: arrayOf(planError), summary,
});

/** Checks a decoded value against the `Plan` shape; the first problem found, or undefined. */
export const planShapeProblem: (v: unknown) => string | undefined = (v) =>
  object({ formatVersion: int, toolVersion: str, createdAt: str, platforms: arrayOf(platform), summary, applyable: bool, errored: bool })(v, 'plan');

const SECRET_KEY = /pass(word|wd)?$|secret|token|credential/i;

/**
 * The path of the first object key that names a secret (password, secret, token,
 * credential), or undefined. No plan field is named so; a file that has one was not
 * written by keyform and is refused before anything reads it.
 */
export function secretKeyPath(v: unknown, path = 'plan'): string | undefined {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = secretKeyPath(v[i], `${path}[${i}]`);
      if (p !== undefined) return p;
    }
    return undefined;
  }
  if (!isRecord(v)) return undefined;
  for (const [k, x] of Object.entries(v)) {
    if (SECRET_KEY.test(k)) return `${path}.${k}`;
    const p = secretKeyPath(x, `${path}.${k}`);
    if (p !== undefined) return p;
  }
  return undefined;
}

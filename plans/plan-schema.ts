import {
  RESOURCE_KINDS,
  type AssignmentResource, type DesiredState, type DomainResource, type GroupResource, type KeystoneId, type KeystoneObjectType,
  type MembershipResource, type ProjectResource, type QuotaBackendName, type QuotaResource, type Resource,
} from '../constructs/model/index.ts';
import { ACTIONS } from './action.ts';
import type { AttributeValue, Change, Operation, OperationRef, PlanError, Remark } from './change.ts';
import type { Plan, PLAN_FORMAT_VERSION, PlanSummary, PlatformPlan } from './plan.ts';

/**
 * The shape a decoded plan must have, checked field by field so that a damaged file is
 * refused with the path of the first wrong field instead of failing half-way through apply.
 *
 * The checks are typed by what they check, and the compiler holds them to the plan's types:
 * `object<T>` wants one check for every field of `T` and no other, each check typed by what
 * it lets through (a check of any string does not pass for a check of `ResourceKind`), and
 * `enumOf<T>` every member of `T`. A field added to `Change` (or any type below `Plan`)
 * without its check here does not compile.
 */

/** Checks a value of type `T`: a problem (`path: what is wrong`), or undefined when `v` is a `T`. */
interface Check<T> {
  (v: unknown, path: string): string | undefined;
  /** Never set: ties the check to the type it checks. */
  readonly checks?: T;
}

/** One check for each field of `T`, optional fields included. */
type FieldChecks<T> = { readonly [K in keyof T]-?: Check<T[K]> };

const check = <T>(f: (v: unknown, path: string) => string | undefined): Check<T> => f;

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : JSON.stringify(v));
const expected = (what: string, v: unknown, path: string): string => `${path}: expected ${what}, found ${describe(v)}`;

const str = check<string>((v, path) => (typeof v === 'string' ? undefined : expected('a string', v, path)));
const num = check<number>((v, path) => (typeof v === 'number' && Number.isFinite(v) ? undefined : expected('a number', v, path)));
const int = check<number>((v, path) => (Number.isInteger(v) && (v as number) >= 0 ? undefined : expected('a whole number', v, path)));
const bool = check<boolean>((v, path) => (typeof v === 'boolean' ? undefined : expected('true or false', v, path)));
const oneOf = <const V extends string>(values: readonly V[]): Check<V> =>
  check((v, path) => (typeof v === 'string' && (values as readonly string[]).includes(v) ? undefined : expected(`one of ${values.join(', ')}`, v, path)));
/** Every member of the string union `T`, no other: a member added to `T` must be added here. */
const enumOf = <T extends string>(members: { readonly [K in T]: true }): Check<T> => oneOf(Object.keys(members) as T[]);
const nullable = <T>(c: Check<T>): Check<T | null> => check((v, path) => (v === null ? undefined : c(v, path)));
const optional = <T>(c: Check<T>): Check<T | undefined> => check((v, path) => (v === undefined ? undefined : c(v, path)));
const anyOf = <T>(...checks: readonly Check<T>[]): Check<T> => check((v, path) => (checks.some((c) => c(v, path) === undefined) ? undefined : checks[0]!(v, path)));
/** A Keystone id: a string, typed by the object it names (the plan file is where ids come back from). */
const idOf = <T extends KeystoneObjectType>(_type: T): Check<KeystoneId<T>> => str as Check<KeystoneId<T>>;

const isRecord = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);

const arrayOf = <T>(item: Check<T>): Check<readonly T[]> => check((v, path) => {
  if (!Array.isArray(v)) return expected('an array', v, path);
  for (let i = 0; i < v.length; i++) {
    const p = item(v[i], `${path}[${i}]`);
    if (p !== undefined) return p;
  }
  return undefined;
});
const recordOf = <T>(value: Check<T>): Check<Readonly<Record<string, T>>> => check((v, path) => {
  if (!isRecord(v)) return expected('an object', v, path);
  for (const [k, x] of Object.entries(v)) {
    const p = value(x, `${path}.${k}`);
    if (p !== undefined) return p;
  }
  return undefined;
});
/** An object with the fields of `T`; fields it does not name are let through unread (an older keyform may have written them). */
const object = <T>(fields: FieldChecks<T>): Check<T> => check((v, path) => {
  if (!isRecord(v)) return expected('an object', v, path);
  for (const [k, c] of Object.entries(fields) as [string, Check<unknown>][]) {
    const p = c(v[k], `${path}.${k}`);
    if (p !== undefined) return p;
  }
  return undefined;
});
/** A union of object types told apart by the string field `tag`, one check per variant. */
const variants = <T extends { readonly [K in D]: string }, D extends keyof T & string>(
  tag: D, each: { readonly [V in T[D]]: Check<Extract<T, { readonly [K in D]: V }>> },
): Check<T> => {
  const tagCheck = oneOf(Object.keys(each) as T[D][]);
  return check((v, path) => {
    if (!isRecord(v)) return expected('an object', v, path);
    const t = v[tag];
    return tagCheck(t, `${path}.${tag}`) ?? (each[t as T[D]] as Check<unknown>)(v, path);
  });
};

const attrValue = anyOf<AttributeValue>(str, num, bool, arrayOf(str));
const kindOf = <K extends Resource['kind']>(kind: K): Check<K> => oneOf([kind]);
const placed = { address: str, platform: str, managed: optional(bool) } as const;
const tenantKey = { workspace: str, project: str } as const;
const roleKey = { ...tenantKey, role: str } as const;

const resource = variants<Resource, 'kind'>('kind', {
  domain: object<DomainResource>({
    ...placed, kind: kindOf('domain'), key: object({ workspace: str }),
    attrs: object({ name: str, description: str, enabled: bool }),
    ids: optional(object({ id: idOf('domain') })),
  }),
  project: object<ProjectResource>({
    ...placed, kind: kindOf('project'), key: object(tenantKey),
    attrs: object({ name: str, domain: str, description: str, enabled: bool, tags: arrayOf(str) }),
    ids: optional(object({ id: idOf('project'), domainId: optional(idOf('domain')) })),
    adopt: optional(bool),
  }),
  group: object<GroupResource>({
    ...placed, kind: kindOf('group'), key: object(roleKey),
    attrs: object({ name: str, domain: str, description: str }),
    ids: optional(object({ id: idOf('group'), domainId: idOf('domain') })),
  }),
  membership: object<MembershipResource>({
    ...placed, kind: kindOf('membership'), key: object({ ...roleKey, euid: str }),
    attrs: object({}),
    ids: optional(object({ groupId: idOf('group'), userId: idOf('user') })),
  }),
  assignment: object<AssignmentResource>({
    ...placed, kind: kindOf('assignment'), key: object(roleKey),
    attrs: object({ keystoneRole: str }),
    ids: optional(object({ groupId: idOf('group'), projectId: idOf('project'), roleId: idOf('role') })),
  }),
  quota: object<QuotaResource>({
    ...placed, kind: kindOf('quota'), key: object({ ...tenantKey, quotaKey: str }),
    attrs: object({ value: num, backend: enumOf<QuotaBackendName>({ 'unified-limits': true, 'service-apis': true }) }),
    ids: optional(object({ projectId: idOf('project'), id: optional(idOf('limit')), serviceId: optional(idOf('service')) })),
  }),
});

const ref = object<OperationRef>({ address: str, index: int });
const waitsFor = arrayOf(ref);
const operation = variants<Operation, 'op'>('op', {
  create: object({ op: oneOf(['create']), waitsFor }),
  update: object({ op: oneOf(['update']), set: recordOf(attrValue), waitsFor }),
  delete: object({ op: oneOf(['delete']), waitsFor }),
});
const strings = arrayOf(str);
const change = object<Change>({
  kind: oneOf(RESOURCE_KINDS), address: str, action: oneOf(ACTIONS), before: nullable(resource), after: nullable(resource),
  changed: strings, replacePaths: strings, operations: arrayOf(operation), dependsOn: strings, reason: str, warnings: optional(strings),
});
const remark = object<Remark>({ kind: enumOf<Remark['kind']>({ 'user-not-found': true }), platform: str, euid: str, tenant: str, roles: strings, addresses: strings, message: str });
const planError = object<PlanError>({
  kind: enumOf<PlanError['kind']>({ 'name-clash': true, 'foreign-owner': true, 'name-taken': true, 'quota-unavailable': true, 'unknown-role': true }),
  platform: str, address: str, name: str, domain: str, conflictingId: str, message: str,
});
const summary = object<PlanSummary>({ add: int, change: int, destroy: int, replace: int, unchanged: int, remarks: int, errors: int });
const desired = object<DesiredState>({ platform: str, tagPrefix: str, resources: arrayOf(resource) });
const platform = object<PlatformPlan>({
  platform: str, endpoint: str, region: str, liveDigest: str, desired, prior: arrayOf(resource), changes: arrayOf(change), leftOut: strings,
  remarks: arrayOf(remark), errors: arrayOf(planError), summary,
});
// Any whole number passes here: `decodePlan` names a version other than its own as such, with the version found.
const formatVersion = int as Check<typeof PLAN_FORMAT_VERSION>;
const plan = object<Plan>({ formatVersion, toolVersion: str, createdAt: str, platforms: arrayOf(platform), targets: strings, summary, applyable: bool, errored: bool });

/** Checks a decoded value against the `Plan` shape; the first problem found, or undefined. */
export const planShapeProblem: (v: unknown) => string | undefined = (v) => plan(v, 'plan');

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

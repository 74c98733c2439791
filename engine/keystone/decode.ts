import { err, ok, type Result } from 'neverthrow';
import type { Domain, Group, Limit, Project, RegisteredLimit, Role, RoleAssignment, Service, User } from './types.ts';

/**
 * Reads one object of a Keystone list into a record of only the fields keyform reads, or says
 * which field is missing or of the wrong type. Fields keyform does not read (`links`,
 * `options`, `password_expires_at`, extras a deployment adds) are tolerated and left behind:
 * a snapshot of 100,000 tenants would otherwise hold them all until its resources are made.
 */
export type Decoder<T> = (x: unknown, shared?: Shared) => Result<T, string>;

/**
 * What the items of one answer share: one copy of each repeated value (a domain id on every
 * project, a role id and a project's scope on every grant, a service id on every limit) instead
 * of the copy JSON.parse makes for each item.
 */
export interface Shared {
  /** One copy of each equal string. */
  text(s: string): string;
  /** The record made for `key` the first time (`make`), every later time. */
  record<T>(key: string, make: () => T): T;
}

/**
 * A `Shared` for one answer: it holds what it handed out until the answer is decoded.
 * @example decodeItems(items, decodeProject, '/projects', 'projects') // makes one
 */
export function sharedValues(): Shared {
  const texts = new Map<string, string>();
  const records = new Map<string, unknown>();
  return {
    text: (v) => texts.get(v) ?? (texts.set(v, v), v),
    record: <T>(key: string, make: () => T): T => {
      if (records.has(key)) return records.get(key) as T;
      const r = make();
      records.set(key, r);
      return r;
    },
  };
}

/** Without an answer to share with: each value is its own. */
const UNSHARED: Shared = { text: (v) => v, record: (_, make) => make() };

/** A list item as JSON.parse made it. */
type Raw = Readonly<Record<string, unknown>>;

/** What a field must hold; `?` marks a field that may be absent (or null, for text). */
type FieldType = 'string' | 'string?' | 'boolean' | 'boolean?' | 'number' | 'strings';

const FIELD_CHECKS: Readonly<Record<FieldType, { readonly ok: (v: unknown) => boolean; readonly want: string }>> = {
  string: { ok: (v) => typeof v === 'string', want: 'a string' },
  'string?': { ok: (v) => v === undefined || v === null || typeof v === 'string', want: 'a string or null' },
  boolean: { ok: (v) => typeof v === 'boolean', want: 'true or false' },
  'boolean?': { ok: (v) => v === undefined || typeof v === 'boolean', want: 'true or false' },
  number: { ok: (v) => typeof v === 'number', want: 'a number' },
  strings: { ok: (v) => Array.isArray(v) && v.every((t) => typeof t === 'string'), want: 'a list of strings' },
};

/** Field names and what each must hold, listed once: a decoder checks every item of a list against them. */
type Fields = readonly (readonly [string, FieldType])[];
const fields = (f: Readonly<Record<string, FieldType>>): Fields => Object.entries(f);

function isObject(x: unknown): x is Raw {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function shown(v: unknown): string {
  if (v === undefined) return 'none';
  const text = JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The first field of `x` (at `path`) that does not hold what `fields` says, as a sentence; undefined when all do. */
function problem(x: unknown, fields: Fields, path = ''): string | undefined {
  if (!isObject(x)) return `${path === '' ? 'the item' : `"${path}"`} must be an object, found ${shown(x)}`;
  for (const [name, type] of fields) {
    const check = FIELD_CHECKS[type];
    if (!check.ok(x[name])) return `"${path}${name}" must be ${check.want}, found ${shown(x[name])}`;
  }
  return undefined;
}

/** The problem of `x[name]` against `fields` when it is present (and, if `required`, when it is not); undefined when it is fine. */
function nestedProblem(x: Raw, name: string, fields: Fields, required = false): string | undefined {
  const v = x[name];
  if (v === undefined) return required ? `"${name}" must be an object, found none` : undefined;
  return problem(v, fields, `${name}.`);
}

const text = (v: unknown): string => v as string;
/** An optional text field as Keystone gave it: absent stays absent in the type, null stays null. */
const optionalText = (v: unknown): string | null | undefined => v as string | null | undefined;
/** An optional text field that repeats across items: the shared copy, or null when absent. */
const sharedOrNull = (shared: Shared, v: unknown): string | null => (typeof v === 'string' ? shared.text(v) : null);

const DOMAIN_FIELDS = fields({ id: 'string', name: 'string', description: 'string?', enabled: 'boolean' });
/** One domain of `GET /v3/domains`. */
export const decodeDomain: Decoder<Domain> = (x) => {
  const bad = problem(x, DOMAIN_FIELDS);
  if (bad !== undefined) return err(bad);
  const o = x as Raw;
  return ok({ id: text(o.id), name: text(o.name), description: text(o.description), enabled: o.enabled === true });
};

const PROJECT_FIELDS = fields({ id: 'string', name: 'string', domain_id: 'string', description: 'string?', enabled: 'boolean', tags: 'strings', is_domain: 'boolean?' });
/** One project of `GET /v3/projects`; `is_domain` is kept only when true (a domain acting as a project), which `listProjects` drops. */
export const decodeProject: Decoder<Project> = (x, shared = UNSHARED) => {
  const bad = problem(x, PROJECT_FIELDS);
  if (bad !== undefined) return err(bad);
  const o = x as Raw;
  const p = { id: text(o.id), name: text(o.name), domain_id: shared.text(text(o.domain_id)), description: text(o.description), enabled: o.enabled === true, tags: (o.tags as readonly string[]).map(shared.text) };
  return ok(o.is_domain === true ? { ...p, is_domain: true } : p);
};

const GROUP_FIELDS = fields({ id: 'string', name: 'string', domain_id: 'string', description: 'string?' });
/** One group of `GET /v3/groups` (or of a user's groups). */
export const decodeGroup: Decoder<Group> = (x, shared = UNSHARED) => {
  const bad = problem(x, GROUP_FIELDS);
  if (bad !== undefined) return err(bad);
  const o = x as Raw;
  return ok({ id: text(o.id), name: text(o.name), domain_id: shared.text(text(o.domain_id)), description: text(o.description) });
};

const USER_FIELDS = fields({ id: 'string', name: 'string', domain_id: 'string', enabled: 'boolean?' });
/** One user of `GET /v3/users` (or of a group's members). `enabled` is absent on some identity backends: absent reads as enabled, as Keystone treats it. */
export const decodeUser: Decoder<User> = (x, shared = UNSHARED) => {
  const bad = problem(x, USER_FIELDS);
  if (bad !== undefined) return err(bad);
  const o = x as Raw;
  return ok({ id: text(o.id), name: text(o.name), domain_id: shared.text(text(o.domain_id)), enabled: o.enabled !== false });
};

const ROLE_FIELDS = fields({ id: 'string', name: 'string', domain_id: 'string?' });
/** One role of `GET /v3/roles`. */
export const decodeRole: Decoder<Role> = (x, shared = UNSHARED) => {
  const bad = problem(x, ROLE_FIELDS);
  if (bad !== undefined) return err(bad);
  const o = x as Raw;
  const domainId = optionalText(o.domain_id);
  return ok({ id: text(o.id), name: text(o.name), domain_id: typeof domainId === 'string' ? shared.text(domainId) : null });
};

const SERVICE_FIELDS = fields({ id: 'string', type: 'string', name: 'string?', enabled: 'boolean?' });
/** One service of `GET /v3/services`. */
export const decodeService: Decoder<Service> = (x) => {
  const bad = problem(x, SERVICE_FIELDS);
  if (bad !== undefined) return err(bad);
  const o = x as Raw;
  const name = optionalText(o.name);
  return ok({ id: text(o.id), type: text(o.type), ...(typeof name === 'string' ? { name } : {}), ...(typeof o.enabled === 'boolean' ? { enabled: o.enabled } : {}) });
};

const LIMIT_COMMON = { id: 'string', service_id: 'string', region_id: 'string?', resource_name: 'string', description: 'string?' } as const satisfies Record<string, FieldType>;
const REGISTERED_LIMIT_FIELDS = fields({ ...LIMIT_COMMON, default_limit: 'number' });
/** One registered limit of `GET /v3/registered_limits`. */
export const decodeRegisteredLimit: Decoder<RegisteredLimit> = (x, shared = UNSHARED) => {
  const bad = problem(x, REGISTERED_LIMIT_FIELDS);
  if (bad !== undefined) return err(bad);
  const o = x as Raw;
  return ok({
    id: text(o.id), service_id: shared.text(text(o.service_id)), region_id: sharedOrNull(shared, o.region_id), resource_name: shared.text(text(o.resource_name)),
    default_limit: o.default_limit as number, description: optionalText(o.description) ?? null,
  });
};

const LIMIT_FIELDS = fields({ ...LIMIT_COMMON, resource_limit: 'number', project_id: 'string?', domain_id: 'string?' });
/** One project (or domain) limit of `GET /v3/limits`. */
export const decodeLimit: Decoder<Limit> = (x, shared = UNSHARED) => {
  const bad = problem(x, LIMIT_FIELDS);
  if (bad !== undefined) return err(bad);
  const o = x as Raw;
  return ok({
    id: text(o.id), service_id: shared.text(text(o.service_id)), region_id: sharedOrNull(shared, o.region_id), resource_name: shared.text(text(o.resource_name)),
    resource_limit: o.resource_limit as number, project_id: sharedOrNull(shared, o.project_id), domain_id: sharedOrNull(shared, o.domain_id),
    description: optionalText(o.description) ?? null,
  });
};

/** An actor or target of an assignment: an id, and its name with `include_names`. */
const NAMED = fields({ id: 'string', name: 'string?' });
/** Most assignments carry no `links.membership` (only effective ones through a group do): one shared empty record serves them. */
const NO_LINKS: RoleAssignment['links'] = Object.freeze({});

/** `{ id, name? }` of a nested actor or target. */
function named(o: Raw): { readonly id: string; readonly name?: string } {
  return typeof o.name === 'string' ? { id: text(o.id), name: o.name } : { id: text(o.id) };
}

/** `named(o)` of a kind of part that repeats (a role on every grant): one record per id and name. */
function sharedNamed(shared: Shared, kind: string, o: Raw): { readonly id: string; readonly name?: string } {
  return shared.record(`${kind}\u0000${text(o.id)}\u0000${typeof o.name === 'string' ? o.name : ''}`, () => named(o));
}

const SYSTEM = fields({ all: 'boolean' });

/** One entry of `GET /v3/role_assignments`: the role, the user or group, the scope, and the group an effective entry comes through. */
export const decodeRoleAssignment: Decoder<RoleAssignment> = (x, shared = UNSHARED) => {
  if (!isObject(x)) return err(`the item must be an object, found ${shown(x)}`);
  const bad =
    nestedProblem(x, 'role', NAMED, true) ?? nestedProblem(x, 'user', NAMED) ?? nestedProblem(x, 'group', NAMED) ??
    nestedProblem(x, 'scope', [], true) ?? nestedProblem(x, 'links', []);
  if (bad !== undefined) return err(bad);
  const scope = x.scope as Raw;
  const badScope = nestedProblem(scope, 'project', NAMED) ?? nestedProblem(scope, 'domain', NAMED) ?? nestedProblem(scope, 'system', SYSTEM);
  if (badScope !== undefined) return err(`in "scope": ${badScope}`);
  const [user, group, project, domain, system] = [x.user, x.group, scope.project, scope.domain, scope.system] as (Raw | undefined)[];
  const inherited = scope['OS-INHERIT:inherited_to'];
  const membership = (x.links as Raw | undefined)?.membership;
  // One shape for every entry, absent parts undefined: the readers test each part, never its key.
  return ok({
    role: sharedNamed(shared, 'role', x.role as Raw),
    user: user === undefined ? undefined : isObject(user.domain) && typeof user.domain.id === 'string' ? { ...named(user), domain: named(user.domain) } : named(user),
    group: group === undefined ? undefined : named(group),
    // A project's scope repeats on each of its grants: one record for all of them.
    scope: shared.record(JSON.stringify([project?.id, project?.name, domain?.id, domain?.name, system?.all, inherited]), () => ({
      project: project === undefined ? undefined : named(project),
      domain: domain === undefined ? undefined : named(domain),
      system: system === undefined ? undefined : { all: system.all === true },
      'OS-INHERIT:inherited_to': typeof inherited === 'string' ? inherited : undefined,
    })),
    links: typeof membership === 'string' ? { membership } : NO_LINKS,
  });
};

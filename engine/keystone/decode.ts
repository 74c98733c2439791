import { err, ok, type Result } from 'neverthrow';
import type { Domain, Group, Limit, Project, RegisteredLimit, Role, RoleAssignment, Service, User } from './types.ts';

/**
 * Reads one object of a Keystone list into a record of only the fields keyform reads, or says
 * which field is missing or of the wrong type. Fields keyform does not read (`links`,
 * `options`, `password_expires_at`, extras a deployment adds) are tolerated and left behind:
 * a snapshot of 100,000 tenants would otherwise hold them all until its resources are made.
 */
export type Decoder<T> = (x: unknown) => Result<T, string>;

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
export const decodeProject: Decoder<Project> = (x) => {
  const bad = problem(x, PROJECT_FIELDS);
  if (bad !== undefined) return err(bad);
  const o = x as Raw;
  const p = { id: text(o.id), name: text(o.name), domain_id: text(o.domain_id), description: text(o.description), enabled: o.enabled === true, tags: o.tags as readonly string[] };
  return ok(o.is_domain === true ? { ...p, is_domain: true } : p);
};

const GROUP_FIELDS = fields({ id: 'string', name: 'string', domain_id: 'string', description: 'string?' });
/** One group of `GET /v3/groups` (or of a user's groups). */
export const decodeGroup: Decoder<Group> = (x) => {
  const bad = problem(x, GROUP_FIELDS);
  if (bad !== undefined) return err(bad);
  const o = x as Raw;
  return ok({ id: text(o.id), name: text(o.name), domain_id: text(o.domain_id), description: text(o.description) });
};

const USER_FIELDS = fields({ id: 'string', name: 'string', domain_id: 'string', enabled: 'boolean?' });
/** One user of `GET /v3/users` (or of a group's members). `enabled` is absent on some identity backends: absent reads as enabled, as Keystone treats it. */
export const decodeUser: Decoder<User> = (x) => {
  const bad = problem(x, USER_FIELDS);
  if (bad !== undefined) return err(bad);
  const o = x as Raw;
  return ok({ id: text(o.id), name: text(o.name), domain_id: text(o.domain_id), enabled: o.enabled !== false });
};

const ROLE_FIELDS = fields({ id: 'string', name: 'string', domain_id: 'string?' });
/** One role of `GET /v3/roles`. */
export const decodeRole: Decoder<Role> = (x) => {
  const bad = problem(x, ROLE_FIELDS);
  if (bad !== undefined) return err(bad);
  const o = x as Raw;
  return ok({ id: text(o.id), name: text(o.name), domain_id: optionalText(o.domain_id) ?? null });
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
export const decodeRegisteredLimit: Decoder<RegisteredLimit> = (x) => {
  const bad = problem(x, REGISTERED_LIMIT_FIELDS);
  if (bad !== undefined) return err(bad);
  const o = x as Raw;
  return ok({
    id: text(o.id), service_id: text(o.service_id), region_id: optionalText(o.region_id) ?? null, resource_name: text(o.resource_name),
    default_limit: o.default_limit as number, description: optionalText(o.description) ?? null,
  });
};

const LIMIT_FIELDS = fields({ ...LIMIT_COMMON, resource_limit: 'number', project_id: 'string?', domain_id: 'string?' });
/** One project (or domain) limit of `GET /v3/limits`. */
export const decodeLimit: Decoder<Limit> = (x) => {
  const bad = problem(x, LIMIT_FIELDS);
  if (bad !== undefined) return err(bad);
  const o = x as Raw;
  return ok({
    id: text(o.id), service_id: text(o.service_id), region_id: optionalText(o.region_id) ?? null, resource_name: text(o.resource_name),
    resource_limit: o.resource_limit as number, project_id: optionalText(o.project_id) ?? null, domain_id: optionalText(o.domain_id) ?? null,
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

const SYSTEM = fields({ all: 'boolean' });

/** One entry of `GET /v3/role_assignments`: the role, the user or group, the scope, and the group an effective entry comes through. */
export const decodeRoleAssignment: Decoder<RoleAssignment> = (x) => {
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
    role: named(x.role as Raw),
    user: user === undefined ? undefined : isObject(user.domain) && typeof user.domain.id === 'string' ? { ...named(user), domain: named(user.domain) } : named(user),
    group: group === undefined ? undefined : named(group),
    scope: {
      project: project === undefined ? undefined : named(project),
      domain: domain === undefined ? undefined : named(domain),
      system: system === undefined ? undefined : { all: system.all === true },
      'OS-INHERIT:inherited_to': typeof inherited === 'string' ? inherited : undefined,
    },
    links: typeof membership === 'string' ? { membership } : NO_LINKS,
  });
};

import { err, ok, type Result } from 'neverthrow';
import { TENANT_BLOCK, configError, parseJsonFile, problemAt, type ConfigError, type ConfigProblem, type Source } from '../../constructs/index.ts';
import {
  block, decodeBlock, isPlainObject, listOf, mapOf, string, type BlockSchema, type DecodeContext, type Decoded, type Field,
} from '../../constructs/loaders/schema.ts';

/** One user's project roles, as the governance system hands them over. */
export interface UserPermission {
  /** The external id the identity provider stores in Keystone `User.name`. */
  readonly euid: string;
  /** Project role aliases of the platform's role mapping, e.g. `["admin"]`. */
  readonly roles: readonly string[];
}

/**
 * What a run does with the tenant: `APPLY` creates or updates it to match the inputs,
 * `DESTROY` removes it under its deletion policy (meshStack's building-block behaviours).
 */
export const BLOCK_BEHAVIORS = ['APPLY', 'DESTROY'] as const;
export type BlockBehavior = (typeof BLOCK_BEHAVIORS)[number];

/**
 * What a building-block run replicates: one tenant (a workspace's project on one platform)
 * and the roles of its users. Keys follow the config's (snake_case), so a tenant's settings
 * read the same in both.
 * @example
 * {
 *   "platform": "os-prod",
 *   "workspace": { "identifier": "acme", "name": "ACME Corp", "tags": { "cost_center": "cc-42" } },
 *   "project": { "identifier": "webshop" },
 *   "tenant": { "landing_zone": "standard", "quota": { "compute.cores": 40 } },
 *   "user_permissions": [{ "euid": "alice@acme.example", "roles": ["admin"] }]
 * }
 */
export interface BlockInputs {
  /** The platform's identifier in the keyform configuration. */
  readonly platform: string;
  /** What the run does; undefined when the inputs do not say (then `APPLY`, unless `--destroy`). */
  readonly behavior?: BlockBehavior;
  readonly workspace: { readonly identifier: string; readonly name?: string; readonly tags?: Readonly<Record<string, string>> };
  readonly project: { readonly identifier: string };
  /** The tenant block's settings, as in the config. @default {} */
  readonly tenant: Decoded<typeof TENANT_BLOCK.fields>;
  /** @default [] */
  readonly userPermissions: readonly UserPermission[];
  /** Where the inputs were read from, for problems found later (synth) to point into the file. */
  readonly source: Source;
}

const WORKSPACE = block('workspace', { identifier: string({ required: true }), name: string(), tags: mapOf(string()) });
const PROJECT = block('project', { identifier: string({ required: true }) });
const USER_PERMISSION = block('user permission', { euid: string({ required: true }), roles: listOf(string(), { required: true }) });

/** A single nested block (not a labelled map of them). */
function one<F extends Readonly<Record<string, Field<unknown>>>>(schema: BlockSchema<F>, required: boolean): Field<Decoded<F>> {
  return {
    required,
    expected: `a ${schema.name} object`,
    decode: (value, path, ctx) => decodeBlock(schema, value, path, ctx),
  };
}

const INPUTS = block('inputs', {
  platform: string({ required: true }),
  behavior: string({ oneOf: BLOCK_BEHAVIORS }),
  workspace: one(WORKSPACE, true),
  project: one(PROJECT, true),
  tenant: one(TENANT_BLOCK, false),
  user_permissions: listOf(one(USER_PERMISSION, false)),
});

/**
 * Reads building-block inputs from JSON text: strict JSON, every key known, every value of
 * its type, required keys present. Fails with every problem at once, each naming its field
 * (`user_permissions.1.roles must be a list of strings, not the string "admin"`) and its line.
 * @example decodeBlockInputs('inputs.json', text).map((i) => i.workspace.identifier) // ok('acme')
 */
export function decodeBlockInputs(file: string, text: string): Result<BlockInputs, ConfigError> {
  const doc = parseJsonFile(file, text);
  if (doc.value === undefined) return err(configError(doc.problems));
  const problems: ConfigProblem[] = [];
  const ctx: DecodeContext = { format: 'json', source: doc.source, problems };
  if (!isPlainObject(doc.value)) {
    return err(configError([problemAt(doc.source, [], 'the inputs must be a JSON object', 'write { "platform": ..., "workspace": ..., "project": ..., "user_permissions": [...] }')]));
  }
  const d = decodeBlock(INPUTS, doc.value, [], ctx);
  problems.push(...repeatedUsers(doc.value['user_permissions'], doc.source));
  const workspace = d?.workspace;
  const project = d?.project;
  if (problems.length > 0 || d?.platform === undefined || workspace?.identifier === undefined || project?.identifier === undefined) {
    return err(configError(problems));
  }
  return ok({
    platform: d.platform,
    ...(d.behavior === undefined ? {} : { behavior: d.behavior as BlockBehavior }),
    workspace: { identifier: workspace.identifier, ...(workspace.name === undefined ? {} : { name: workspace.name }), ...(workspace.tags ? { tags: workspace.tags } : {}) },
    project: { identifier: project.identifier },
    tenant: d.tenant ?? {},
    userPermissions: (d.user_permissions ?? []).map((u) => ({ euid: u.euid ?? '', roles: u.roles ?? [] })),
    source: doc.source,
  });
}

/**
 * A user listed twice would be two bindings of one user: say so, pointing at the second.
 * Read from the raw list, so that indices stay those of the file when an entry is malformed.
 */
function repeatedUsers(users: unknown, source: Source): ConfigProblem[] {
  if (!Array.isArray(users)) return [];
  const first = new Map<string, number>();
  const out: ConfigProblem[] = [];
  users.forEach((u: unknown, i) => {
    const euid = isPlainObject(u) && typeof u['euid'] === 'string' ? u['euid'] : undefined;
    if (euid === undefined) return;
    const at = first.get(euid);
    if (at === undefined) first.set(euid, i);
    else out.push(problemAt(source, ['user_permissions', String(i), 'euid'], `user ${JSON.stringify(euid)} is listed twice (user_permissions.${at} and user_permissions.${i})`, 'list each user once, with all their roles'));
  });
  return out;
}

import { isDeepStrictEqual } from 'node:util';
import type { DesiredState } from '../../../constructs/model/resource-set.ts';
import type { Resource } from '../../../constructs/model/resource.ts';
import { quotaKeyInfo } from '../../../constructs/model/quota-keys.ts';
import { address } from '../../../constructs/model/address.ts';
import type { TerraformPlatformSettings } from '../../../constructs/export/openstack-blueprint.ts';
import { DATA_SOURCE_SCHEMAS, PROVIDER_SCHEMA, RESOURCE_SCHEMAS, schemaProblems } from './openstack-provider-docs.ts';

/** The parts of a Terraform JSON configuration the export writes. */
export interface TerraformJson {
  readonly terraform?: { readonly required_providers?: Record<string, { source: string; version: string }>; readonly backend?: unknown };
  readonly provider?: { readonly openstack?: readonly Record<string, unknown>[] };
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Args>>>>;
  readonly data?: Readonly<Record<string, Readonly<Record<string, Args>>>>;
}
export type Args = Readonly<Record<string, unknown>>;

export interface Block {
  readonly address: string;
  readonly type: string;
  readonly args: Args;
}

/** Every resource or data block, with its Terraform address. */
export function blocks(json: TerraformJson, mode: 'resource' | 'data'): Block[] {
  return Object.entries(json[mode] ?? {}).flatMap(([type, byName]) =>
    Object.entries(byName).map(([name, args]) => ({ address: `${mode === 'data' ? 'data.' : ''}${type}.${name}`, type, args })));
}

/** The block a `${TYPE.NAME.id}` / `${data.TYPE.NAME.id}` reference points at; undefined when none. */
export function referenced(json: TerraformJson, value: unknown): Block | undefined {
  const m = typeof value === 'string' ? /^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.id\}$/.exec(value) : null;
  if (!m) return undefined;
  const mode = m[1] ? 'data' : 'resource';
  const args = json[mode]?.[m[2]!]?.[m[3]!];
  return args ? { address: `${m[1] ?? ''}${m[2]}.${m[3]}`, type: m[2]!, args } : undefined;
}

/** Every block, and the provider, checked against the arguments the provider documents. */
export function providerDocProblems(json: TerraformJson): string[] {
  const out: string[] = [];
  for (const [i, p] of (json.provider?.openstack ?? []).entries()) out.push(...schemaProblems(`provider #${i}`, PROVIDER_SCHEMA, p));
  for (const [mode, schemas] of [['resource', RESOURCE_SCHEMAS], ['data', DATA_SOURCE_SCHEMAS]] as const) {
    for (const b of blocks(json, mode)) {
      const schema = schemas[b.type];
      if (!schema) out.push(`${b.address}: ${b.type} is not a documented ${mode} type`);
      else out.push(...schemaProblems(b.address, schema, b.args));
    }
  }
  return out;
}

/** Every `${…}` string in any block that points at no block of the configuration. */
export function danglingReferences(json: TerraformJson): string[] {
  return [...blocks(json, 'resource'), ...blocks(json, 'data')].flatMap((b) =>
    Object.entries(b.args)
      .filter(([, v]) => typeof v === 'string' && v.includes('${') && !referenced(json, v))
      .map(([k, v]) => `${b.address}.${k} = ${String(v)}`));
}

/**
 * "The same objects, the same names": every desired resource is found where `addresses`
 * says, with the Keystone name and attributes of the desired record and references to the
 * blocks of its parents; and every Terraform resource is some desired resource.
 */
export function correspondenceProblems(
  desired: readonly DesiredState[],
  settings: Readonly<Record<string, TerraformPlatformSettings>>,
  json: TerraformJson,
  addresses: Readonly<Record<string, string>>,
): string[] {
  const out: string[] = [];
  const claimed = new Set<string>();
  const target = (address: string): Block | undefined => {
    const [type, name] = (addresses[address] ?? '').split('.');
    const args = json.resource?.[type ?? '']?.[name ?? ''];
    return args ? { address: `${type}.${name}`, type: type!, args } : undefined;
  };
  const sameBlock = (ref: unknown, parentAddress: string) => referenced(json, ref)?.address === target(parentAddress)?.address;
  const nameOf = (ref: unknown) => referenced(json, ref)?.args['name'];
  for (const state of desired) {
    for (const r of state.resources) {
      const b = target(r.address);
      if (!b) {
        out.push(`${r.address} is not in the export (addresses say ${addresses[r.address] ?? 'nothing'})`);
        continue;
      }
      claimed.add(b.address);
      const userDomain = settings[state.platform]?.userDomain;
      for (const p of resourceProblems(r, b, { sameBlock, nameOf, userDomain, argument: addresses[r.address]!.split('.')[2], json })) {
        out.push(`${r.address} → ${b.address}: ${p}`);
      }
    }
  }
  for (const b of blocks(json, 'resource')) if (!claimed.has(b.address)) out.push(`${b.address} is no desired resource`);
  return out;
}

interface Lookups {
  readonly sameBlock: (ref: unknown, parentAddress: string) => boolean;
  readonly nameOf: (ref: unknown) => unknown;
  readonly userDomain: string | undefined;
  /** For quotas inside a quota set: the argument that holds the value. */
  readonly argument: string | undefined;
  readonly json: TerraformJson;
}

function resourceProblems(r: Resource, b: Block, l: Lookups): string[] {
  const out: string[] = [];
  const expect = (what: string, actual: unknown, wanted: unknown) => {
    if (!isDeepStrictEqual(actual, wanted)) out.push(`${what} is ${JSON.stringify(actual)}, desired ${JSON.stringify(wanted)}`);
  };
  const parent = (kind: 'project' | 'group', field: string, parentAddress: string) => {
    if (!l.sameBlock(b.args[field], parentAddress)) out.push(`${field} does not refer to the block of ${kind} ${parentAddress}`);
  };
  const project = 'project' in r.key ? address('project', [r.platform, r.key.workspace, r.key.project]) : '';
  const group = 'role' in r.key ? address('group', [r.platform, r.key.workspace, r.key.project, r.key.role]) : '';
  switch (r.kind) {
    case 'domain':
      expect('type', b.type, 'openstack_identity_project_v3');
      expect('is_domain', b.args['is_domain'], true);
      for (const f of ['name', 'description', 'enabled'] as const) expect(f, b.args[f], r.attrs[f]);
      break;
    case 'project':
      for (const f of ['name', 'description', 'enabled', 'tags'] as const) expect(f, b.args[f], r.attrs[f]);
      expect('domain name', l.nameOf(b.args['domain_id']), r.attrs.domain);
      break;
    case 'group':
      for (const f of ['name', 'description'] as const) expect(f, b.args[f], r.attrs[f]);
      expect('domain name', l.nameOf(b.args['domain_id']), r.attrs.domain);
      break;
    case 'assignment':
      parent('group', 'group_id', group);
      parent('project', 'project_id', project);
      expect('role name', l.nameOf(b.args['role_id']), r.attrs.keystoneRole);
      break;
    case 'membership': {
      parent('group', 'group_id', group);
      expect('user name', l.nameOf(b.args['user_id']), r.key.euid);
      const user = referenced(l.json, b.args['user_id']);
      expect('user domain', l.nameOf(user?.args['domain_id']), l.userDomain);
      break;
    }
    case 'quota': {
      const info = quotaKeyInfo(r.key.quotaKey);
      parent('project', 'project_id', project);
      if (l.argument) {
        expect(`argument ${l.argument}`, l.argument, info?.serviceApi.name);
        expect('value', b.args[l.argument], r.attrs.value);
      } else {
        expect('resource_limit', b.args['resource_limit'], r.attrs.value);
        expect('resource_name', b.args['resource_name'], info?.unifiedLimits?.resourceName);
        expect('service type', referenced(l.json, b.args['service_id'])?.args['type'], info?.unifiedLimits?.serviceType);
      }
      break;
    }
  }
  return out;
}

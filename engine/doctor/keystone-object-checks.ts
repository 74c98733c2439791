import { quotaKeyInfo } from '../../constructs/index.ts';
import { listRegisteredLimits, listServices, listUsers, type Domain, type User } from '../keystone/index.ts';
import { limitCatalog } from '../quota/index.ts';
import type { OpenStackSession } from '../openstack/index.ts';
import { fail, ok, warn, type CheckRow } from './check-row.ts';
import type { DoctorTarget, TargetNeeds } from './doctor-target.ts';
import { findDomain, type KeystoneFacts } from './keystone-facts.ts';

/** How many names a sample in a message shows. */
const SAMPLE = 5;

const MAPPING_EXAMPLE = 'examples/policy/keystone-federation-mapping.json';

function sample(names: readonly string[], n = SAMPLE): string {
  return names.slice(0, n).join(', ') + (names.length > n ? ', …' : '');
}

/**
 * The Keystone objects the config names: the mapped roles, the shared domain, the user
 * domain and its users (are the bound euids there?), and, on the unified-limits backend,
 * the registered limits the declared quota keys need.
 */
export async function keystoneObjectRows(s: OpenStackSession, target: DoctorTarget, needs: TargetNeeds, facts: KeystoneFacts): Promise<readonly CheckRow[]> {
  const rows = [rolesRow(needs, facts), domainRow(target, facts), ...(await userRows(s, target, needs, facts))];
  if (target.settings.quotaBackend === 'unified-limits') rows.push(await registeredLimitsRow(s, target, needs));
  return rows;
}

function rolesRow(needs: TargetNeeds, facts: KeystoneFacts): CheckRow {
  if (facts.roles.isErr()) return fail('roles.mapping', `Keystone's roles can't be listed: ${facts.roles.error.message}`, 'give the replicator account admin on the system');
  const names = facts.roles.value.map((r) => r.name).sort();
  const missing = needs.keystoneRoles.filter((r) => !names.includes(r));
  if (missing.length > 0) {
    return fail('roles.mapping', `role_mapping names Keystone roles that do not exist: ${missing.join(', ')} (Keystone has ${sample(names, 10)})`, `create them (${missing.map((r) => `openstack role create ${r}`).join('; ')}) or map the project roles to existing ones`);
  }
  return ok('roles.mapping', `every mapped Keystone role exists: ${needs.keystoneRoles.join(', ')}`);
}

function domainRow(target: DoctorTarget, facts: KeystoneFacts): CheckRow {
  if (facts.domains.isErr()) return fail('domain.shared', `Keystone's domains can't be listed: ${facts.domains.error.message}`, 'give the replicator account admin on the system');
  const domains = facts.domains.value;
  const p = target.settings;
  if (p.domainPerWorkspace) {
    const existing = p.domains.filter((d) => findDomain(domains, d) !== undefined);
    return ok('domain.per-workspace', `one domain per workspace: ${p.domains.length} in the config, ${existing.length} of them exist already (apply creates the others)`);
  }
  const d = findDomain(domains, p.domain);
  if (!d) {
    return fail('domain.shared', `no Keystone domain is named ${JSON.stringify(p.domain)} or has that id (there are ${sample(domains.map((x) => x.name).sort(), 10)})`, `create it (openstack domain create ${p.domain}) or set the platform's domain to an existing one`);
  }
  if (!d.enabled) return fail('domain.shared', `the shared domain ${d.name} is disabled: its projects can't be used`, `enable it (openstack domain set --enable ${d.name})`);
  return ok('domain.shared', `the shared domain ${d.name} exists (id ${d.id})`);
}

async function userRows(s: OpenStackSession, target: DoctorTarget, needs: TargetNeeds, facts: KeystoneFacts): Promise<CheckRow[]> {
  const want = target.settings.userDomain;
  if (facts.domains.isErr()) return [fail('users.domain', `user_domain ${JSON.stringify(want)} can't be resolved: Keystone's domains can't be listed (${facts.domains.error.message})`, 'give the replicator account admin on the system')];
  const domain = findDomain(facts.domains.value, want);
  if (!domain) {
    return [fail('users.domain', `user_domain ${JSON.stringify(want)} is neither the name nor the id of a Keystone domain`, "set user_domain to the domain the identity provider's users live in (openstack identity provider show IDP shows its domain_id)")];
  }
  const users = await listUsers(s, { domain_id: domain.id });
  if (users.isErr()) return [fail('users.domain', `the users of domain ${domain.name} can't be listed: ${users.error.message}`, 'give the replicator account admin on the system')];
  const bound = needs.euids.length;
  if (users.value.length === 0) {
    const found = `domain ${domain.name} holds no users`;
    const fix = "point user_domain at the identity provider's domain; federated users appear there after their first login";
    return [bound > 0 ? fail('users.domain', found, fix) : warn('users.domain', found, fix), euidRow(domain, users.value, needs)];
  }
  return [ok('users.domain', `domain ${domain.name} holds ${users.value.length} user${users.value.length === 1 ? '' : 's'}`), euidRow(domain, users.value, needs)];
}

function euidRow(domain: Domain, users: readonly User[], needs: TargetNeeds): CheckRow {
  const total = needs.euids.length;
  if (total === 0) return ok('users.euids', 'the config binds no users');
  const names = new Set(users.map((u) => u.name));
  const missing = needs.euids.filter((e) => !names.has(e));
  const present = total - missing.length;
  if (missing.length === 0) return ok('users.euids', `all ${total} bound euids are users in domain ${domain.name}`);
  const found = `${present} of ${total} bound euids are users in domain ${domain.name}; missing: ${sample(missing)}`;
  if (present > 0) {
    return warn('users.euids', found, `plans skip the missing ones with a remark until they log in once; if they have, check that the federation mapping puts the euid in User.name (${MAPPING_EXAMPLE})`);
  }
  const like = sample(users.map((u) => u.name).sort(), 3);
  return fail('users.euids', `${found} (its users are named like: ${like})`, `the federation mapping probably does not put the euid in User.name: map it there (${MAPPING_EXAMPLE}), or fix user_domain`);
}

/** Keystone refuses a project limit without a registered limit for its service, region and resource. */
async function registeredLimitsRow(s: OpenStackSession, target: DoctorTarget, needs: TargetNeeds): Promise<CheckRow> {
  const wanted = needs.quotaKeys.flatMap((key) => {
    const u = quotaKeyInfo(key)?.unifiedLimits;
    return u ? [{ key, ...u }] : [];
  });
  if (wanted.length === 0) return ok('limits.registered', 'the config declares no quotas: no registered limit needed');
  const region = target.settings.region;
  const [services, registered] = await Promise.all([listServices(s), listRegisteredLimits(s)]);
  if (services.isErr()) return fail('limits.registered', `Keystone's services can't be listed: ${services.error.message}`, 'give the replicator account admin on the system');
  if (registered.isErr()) return fail('limits.registered', `registered limits can't be listed: ${registered.error.message}`, 'give the replicator account admin on the system');
  const catalog = limitCatalog(registered.value, services.value, region);
  const missing = wanted.filter((w) => !catalog.has(w.key));
  if (missing.length === 0) return ok('limits.registered', `registered limits exist in region ${region} for all ${wanted.length} quota keys (${wanted.map((w) => w.key).join(', ')})`);
  const serviceName = (type: string) => services.value.find((x) => x.type === type)?.name ?? type;
  const shown = missing.map((m) => `${m.key} (${m.serviceType} ${m.resourceName})`).join(', ');
  const commands = missing.map((m) => `openstack registered limit create --service ${serviceName(m.serviceType)} --region ${region} --default-limit N ${m.resourceName}`);
  return fail('limits.registered', `no registered limit in region ${region} for ${shown}: Keystone refuses project limits without one`, `create them with the cloud's defaults as N: ${commands.join('; ')}`);
}

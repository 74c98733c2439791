import type { ConfigProblem } from '../problems/config-error.ts';
import { choiceHint } from '../problems/problem-at.ts';
import type { ConfigPath } from '../problems/source.ts';
import { quotaKeyInfo, quotaValueProblems, QUOTA_KEYS } from '../model/quota-keys.ts';
import { tagProblems } from '../model/constraints.ts';
import { roleAliasProblems, keystoneRoleProblems } from '../naming/identifiers.ts';

/** Reports a problem at a path below a declaration. */
export type Report = (sub: ConfigPath, message: string, hint: string, part?: 'key' | 'value') => ConfigProblem;

/** User tags, `key → value`; each becomes the project tag `PREFIX + key=value`. */
export type Tags = Readonly<Record<string, string>>;
/** Quotas, `service.resource → limit` (-1 unlimited). */
export type Quotas = Readonly<Record<string, number>>;
/** Project role alias → Keystone role name. */
export type RoleMapping = Readonly<Record<string, string>>;

/**
 * Problems with one user tag, independent of the platform's prefix: the key can't be empty
 * or hold `=` (keyform reads `key=value` back by the first `=`), and neither part may hold
 * what Keystone forbids in tags.
 */
export function tagEntryProblems(key: string, value: string): string[] {
  const out: string[] = [];
  if (key.length === 0) out.push('has an empty key');
  if (key.includes('=')) out.push(`key ${JSON.stringify(key)} contains "=", which separates key and value`);
  for (const p of tagProblems(`${key}=${value}`)) out.push(`${JSON.stringify(`${key}=${value}`)} ${p}`);
  return out;
}

/** Problems with a tags map declared by `what` (e.g. `workspace "acme"`). */
export function tagsProblems(tags: Tags, what: string, report: Report): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const [k, v] of Object.entries(tags)) {
    for (const p of tagEntryProblems(k, v)) {
      out.push(report(['tags', k], `${what}: tag ${p}`, 'tag keys and values may not contain "/" or ","; keys may not contain "="', 'key'));
    }
  }
  return out;
}

/** Problems with a quota map declared by `what`: unknown keys and values that aren't limits. */
export function quotasProblems(quota: Quotas, what: string, report: Report): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const [k, v] of Object.entries(quota)) {
    if (!quotaKeyInfo(k)) {
      out.push(report(['quota', k], `${what}: unknown quota key ${JSON.stringify(k)}`, choiceHint(k, Object.keys(QUOTA_KEYS), 'valid keys'), 'key'));
      continue;
    }
    for (const p of quotaValueProblems(v)) out.push(report(['quota', k], `${what}: quota ${k} ${p}`, 'write an integer, e.g. 20, or -1'));
  }
  return out;
}

/** Problems with a role mapping declared by `what`. */
export function roleMappingProblems(mapping: RoleMapping, what: string, report: Report): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const [alias, role] of Object.entries(mapping)) {
    for (const p of roleAliasProblems(alias)) {
      out.push(report(['role_mapping', alias], `${what}: role alias ${JSON.stringify(alias)} ${p}`, 'use names like admin, user, reader', 'key'));
    }
    for (const p of keystoneRoleProblems(role)) {
      out.push(report(['role_mapping', alias], `${what}: Keystone role for ${JSON.stringify(alias)} ${p}`, 'name a Keystone role, e.g. "member" or "reader"'));
    }
  }
  return out;
}

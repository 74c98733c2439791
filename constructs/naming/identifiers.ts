/**
 * Rules for the identifiers users choose. Workspace, project, platform and landing-zone
 * identifiers are lower-case DNS labels: they appear in addresses, ownership markers
 * (`keyform.tenant=acme.webshop`, where `.` separates workspace and project) and default
 * names, so they must be safe in all of them.
 */

import { characterLength, isStrippedByKeystone, textProblems } from '../model/constraints.ts';

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const ROLE_ALIAS = /^[a-z][a-z0-9_-]{0,31}$/;

/** Problems with an identifier, as sentence ends; empty when valid. */
export function identifierProblems(id: string): string[] {
  if (id.length === 0) return ['is empty'];
  if (id.length > 63) return [`is ${id.length} characters long; at most 63 are allowed`];
  if (!DNS_LABEL.test(id)) return ['must be a lower-case DNS label: a-z, 0-9 and "-", not starting or ending with "-"'];
  return [];
}

/** Problems with a project role alias (`admin`, `user`, `reader`, ...); empty when valid. */
export function roleAliasProblems(alias: string): string[] {
  if (!ROLE_ALIAS.test(alias)) return ['must start with a-z and use only a-z, 0-9, "_" and "-" (at most 32 characters)'];
  return [];
}

/** Problems with a Keystone role name as mapped to (`member`, `reader`, ...); empty when valid. */
export function keystoneRoleProblems(role: string): string[] {
  const text = textProblems(role);
  if (text.length > 0) return text;
  if (role.trim().length === 0) return ['is empty'];
  const length = characterLength(role);
  if (length > 255) return [`is ${length} characters long; Keystone allows at most 255`];
  return [];
}

/** Problems with a user's external id (stored by the identity provider in Keystone `User.name`). */
export function euidProblems(euid: string): string[] {
  const text = textProblems(euid);
  if (text.length > 0) return text;
  const length = characterLength(euid);
  if (length === 0) return ['is empty'];
  if (length > 255) return [`is ${length} characters long; Keystone user names are at most 255`];
  if (isStrippedByKeystone(euid)) return ['starts or ends with whitespace'];
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(euid)) return ['contains a control character'];
  return [];
}

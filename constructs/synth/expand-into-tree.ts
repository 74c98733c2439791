import type { Construct } from 'constructs';
import type { Resource } from '../model/resource.ts';
import { idSegment } from '../l2/declaration.ts';
import type { KeystoneRecord } from '../l1/keystone-record.ts';
import type { KeystoneResource } from '../l1/keystone-resource.ts';
import { KeystoneDomain } from '../l1/keystone-domain.ts';
import { KeystoneProject } from '../l1/keystone-project.ts';
import { KeystoneGroup } from '../l1/keystone-group.ts';
import { KeystoneGroupMembership } from '../l1/keystone-group-membership.ts';
import { KeystoneRoleAssignment } from '../l1/keystone-role-assignment.ts';
import { KeystoneQuota } from '../l1/keystone-quota.ts';

type Make = (scope: Construct, id: string, record: KeystoneRecord) => KeystoneResource;

/** The L1 construct class of each kind. */
const L1_CLASS: { readonly [K in Resource['kind']]: Make } = {
  domain: (s, id, r) => new KeystoneDomain(s, id, r as KeystoneRecord<'domain'>),
  project: (s, id, r) => new KeystoneProject(s, id, r as KeystoneRecord<'project'>),
  group: (s, id, r) => new KeystoneGroup(s, id, r as KeystoneRecord<'group'>),
  membership: (s, id, r) => new KeystoneGroupMembership(s, id, r as KeystoneRecord<'membership'>),
  assignment: (s, id, r) => new KeystoneRoleAssignment(s, id, r as KeystoneRecord<'assignment'>),
  quota: (s, id, r) => new KeystoneQuota(s, id, r as KeystoneRecord<'quota'>),
};

/**
 * Adds an expanded record to the tree as the L1 construct of its kind, a child of `scope`
 * (a domain's workspace, or the tenant of the rest), as a CDK app's synth adds its
 * resources. The record is the construct's own: nothing is derived twice.
 */
export function addToTree(scope: Construct, record: KeystoneRecord): KeystoneResource {
  return L1_CLASS[record.resource.kind](scope, nodeIdOf(record.resource), record);
}

/** The node id of an expanded resource under its scope, from its identity. */
function nodeIdOf(r: Resource): string {
  switch (r.kind) {
    case 'domain':
      return `domain.${r.platform}`;
    case 'project':
      return 'project';
    case 'group':
      return `group.${r.key.role}`;
    case 'assignment':
      return `assignment.${r.key.role}`;
    case 'membership':
      return `member.${r.key.role}.${idSegment(r.key.euid)}`;
    case 'quota':
      return `quota.${r.key.quotaKey}`;
  }
}

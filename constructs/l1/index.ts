export * from './keystone-record.ts';
export * from './keystone-resource.ts';
export * from './keystone-domain.ts';
export * from './keystone-project.ts';
export * from './keystone-group.ts';
export * from './keystone-group-membership.ts';
export * from './keystone-role-assignment.ts';
export * from './keystone-quota.ts';

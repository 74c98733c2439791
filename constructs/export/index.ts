export * from './export-terraform.ts';
export * from './export-error.ts';
export * from './openstack-blueprint.ts';
export * from './terraform-blueprint.ts';
export * from './terraform-names.ts';
export * from './terraform.ts';

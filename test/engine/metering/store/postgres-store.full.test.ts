import { testStack } from '../../../openstack/stack.ts';
import { postgresFactory } from './fresh-postgres.ts';
import { storeContract } from './store-contract.ts';

// The full stack's own PostgreSQL (Debian's postgresql-15, started by the launcher); each
// test gets a fresh database on it.
storeContract('PostgreSQL', postgresFactory(() => {
  const url = testStack().pgUrl;
  if (url === undefined) throw new Error('the full stack has no PostgreSQL: check test/openstack/postgres.ts');
  return url;
}));

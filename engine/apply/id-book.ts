import { byAddress, objectIdOf, type LiveState, type Resource } from '../../constructs/model/index.ts';

/**
 * The Keystone ids an apply needs, as they become known: objects of the fresh snapshot, and
 * objects created (or renamed) by the operations that ran before. Operations only look up
 * ids of objects they wait for (see `plans/order.ts`), so a lookup never races the write
 * that provides it.
 */
export interface IdBook {
  /** The id of the managed object at `address`: created in this apply, else as found live. */
  idOf(address: string): string | undefined;
  /** The id of the domain named `name`, as it is named now (after renames in this apply). */
  domainId(name: string): string | undefined;
  /** The Keystone user bound by external id `euid`. */
  userId(euid: string): string | undefined;
  /** The Keystone role named `name`. */
  roleId(name: string): string | undefined;
  /** Records the object an operation created (or found already created) at `address`. */
  created(record: Resource, id: string): void;
  /** Records that the domain `id` is now called `name`. */
  domainRenamed(id: string, name: string): void;
}

/** An id book over the fresh snapshot `live`. */
export function idBook(live: LiveState): IdBook {
  const liveByAddress = byAddress(live.resources);
  const created = new Map<string, string>();
  const domains = new Map(Object.entries(live.domains));
  return {
    idOf: (a) => {
      const live = liveByAddress.get(a);
      return created.get(a) ?? (live && objectIdOf(live));
    },
    // The config may name the shared domain by id (`default`) as openstacksdk allows; the
    // snapshot accepts either, so apply must too.
    domainId: (name) => domains.get(name) ?? [...domains.values()].find((id) => id === name),
    userId: (euid) => live.users[euid],
    roleId: (name) => live.roles[name],
    created(record, id) {
      created.set(record.address, id);
      if (record.kind === 'domain') domains.set(record.attrs.name, id);
    },
    domainRenamed(id, name) {
      for (const [n, x] of domains) if (x === id) domains.delete(n);
      domains.set(name, id);
    },
  };
}

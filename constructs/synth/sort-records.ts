import { RESOURCE_KINDS } from '../model/resource.ts';
import { ADDRESS_TYPES, compareAddresses } from '../model/address.ts';
import type { KeystoneRecord } from '../l1/keystone-record.ts';

/** The kinds in the order their addresses sort: every address of a kind sorts before those of the next. */
const KINDS_IN_ADDRESS_ORDER = [...RESOURCE_KINDS].sort((a, b) => compareAddresses(ADDRESS_TYPES[a].type, ADDRESS_TYPES[b].type));

/**
 * `records` sorted by address; records that share an address keep their order. The expansion
 * already makes each kind's records in address order (tenants in address order, a tenant's
 * records in key order), so a kind is sorted only when one pass finds it out of order (a
 * TypeScript program's own L1 constructs, an identifier JSON escapes).
 * @example sortRecords(records).map((r) => r.resource.address)
 */
export function sortRecords(records: readonly KeystoneRecord[]): KeystoneRecord[] {
  const byKind = new Map(KINDS_IN_ADDRESS_ORDER.map((k) => [k, [] as KeystoneRecord[]]));
  for (const r of records) byKind.get(r.resource.kind)!.push(r);
  const out: KeystoneRecord[] = [];
  for (const list of byKind.values()) {
    if (!inAddressOrder(list)) list.sort((a, b) => compareAddresses(a.resource.address, b.resource.address));
    for (const r of list) out.push(r);
  }
  return out;
}

function inAddressOrder(list: readonly KeystoneRecord[]): boolean {
  for (let i = 1; i < list.length; i++) if (compareAddresses(list[i - 1]!.resource.address, list[i]!.resource.address) > 0) return false;
  return true;
}

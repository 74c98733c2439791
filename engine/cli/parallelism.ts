import { Option } from 'commander';
import { invalidOption, type InvalidOption } from '../apply/index.ts';
import { DEFAULT_PARALLELISM } from '../plan/index.ts';

export { DEFAULT_PARALLELISM };

/**
 * `--parallelism N` of the commands that read Keystone (plan, snapshot): the snapshot's reads in
 * flight at most, which Keystone is taken to serve side by side when the snapshot estimates how
 * to read memberships (see `chooseMembershipRead`). Terraform's `-parallelism=N` is read too.
 * @example program.command('plan').addOption(readParallelismOption())
 */
export function readParallelismOption(): Option {
  return new Option('--parallelism <n>', "Keystone reads in flight at most; set it to the requests Keystone serves at once (its API workers × threads)").default(String(DEFAULT_PARALLELISM));
}

/** `--parallelism`'s value as a whole number ≥ 1, or the error saying how to write it. */
export function parseParallelism(value: string): number | InvalidOption {
  const n = Number(value);
  if (/^\d+$/.test(value.trim()) && Number.isSafeInteger(n) && n >= 1) return n;
  return invalidOption(`Invalid option: --parallelism takes a whole number ≥ 1 (got ${JSON.stringify(value)}), e.g. --parallelism 4 for a Keystone with 4 API workers.`);
}

import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { errAsync, ResultAsync } from 'neverthrow';
import { printable } from '../../constructs/index.ts';
import { decodePlan, planFileTooLarge, type Plan, type PlanFileError, type PlanSigning } from '../../plans/index.ts';
import { planFileUnreadable, type ApplyError } from '../apply/index.ts';

/**
 * The longest plan file this process reads: Node reads at most 2 GiB into one Buffer, and a
 * plan read from its file holds ~1.4 times the file's size in heap (measured at 10,000
 * tenants: 103 MB for 74 MB), so a file longer than half the heap limit is refused up front
 * instead of ending the process out of memory half way (a plan of 100,000 tenants is ~750 MB;
 * Node's default heap limit on a 64-bit machine with 16 GB or more is ~4 GiB).
 */
function maxPlanFileBytes(): number {
  return Math.min(2 ** 31 - 1, Math.floor(getHeapStatistics().heap_size_limit / 2));
}

/**
 * Reads and decodes the plan file `file` (relative to `cwd`) as `keyform show` and `keyform
 * apply FILE` do: checked before anything uses it (format version, checksum, signature with
 * `signing.key`, shape). Read as bytes and parsed in pieces, never as one string: the file of
 * 100,000 tenants is longer than V8's longest string. A file over 2 GiB or half the heap
 * limit is refused, saying how to plan in parts. A refusal names the file, in one line: it may quote keys of the file,
 * whose line breaks must not draw lines of their own on a terminal.
 * @example await readPlanFile('plan.kfplan', io.cwd, { key: io.env['KEYFORM_PLAN_KEY'] })
 */
export function readPlanFile(file: string, cwd: string, signing: PlanSigning = {}): ResultAsync<Plan, PlanFileError | ApplyError> {
  const path = resolve(cwd, file);
  const unreadable = (e: unknown): PlanFileError | ApplyError => planFileUnreadable(file, (e as Error).message);
  const named = (e: PlanFileError): PlanFileError => ({ ...e, message: printable(`${file}: ${e.message}`) });
  return ResultAsync.fromPromise(stat(path), unreadable)
    .andThen(({ size }) => (size > maxPlanFileBytes() ? errAsync(named(planFileTooLarge(size, maxPlanFileBytes()))) : ResultAsync.fromPromise(readFile(path), unreadable)))
    .andThen((bytes) => decodePlan(bytes, signing).mapErr(named));
}

import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { errAsync, ResultAsync } from 'neverthrow';
import { printable } from '../../constructs/index.ts';
import { decodePlan, planFileTooLarge, type Plan, type PlanFileError, type PlanSigning } from '../../plans/index.ts';
import { planFileUnreadable, type ApplyError } from '../apply/index.ts';

/** The longest file Node reads into one Buffer (`readFile`'s limit, 2 GiB; a plan of 100,000 tenants is ~740 MB). */
const MAX_PLAN_FILE_BYTES = 2 ** 31 - 1;

/**
 * Reads and decodes the plan file `file` (relative to `cwd`) as `keyform show` and `keyform
 * apply FILE` do: checked before anything uses it (format version, checksum, signature with
 * `signing.key`, shape). Read as bytes and parsed in pieces, never as one string: the file of
 * 100,000 tenants is longer than V8's longest string. A file over 2 GiB is refused, saying how
 * to plan in parts. A refusal names the file, in one line: it may quote keys of the file,
 * whose line breaks must not draw lines of their own on a terminal.
 * @example await readPlanFile('plan.kfplan', io.cwd, { key: io.env['KEYFORM_PLAN_KEY'] })
 */
export function readPlanFile(file: string, cwd: string, signing: PlanSigning = {}): ResultAsync<Plan, PlanFileError | ApplyError> {
  const path = resolve(cwd, file);
  const unreadable = (e: unknown): PlanFileError | ApplyError => planFileUnreadable(file, (e as Error).message);
  const named = (e: PlanFileError): PlanFileError => ({ ...e, message: printable(`${file}: ${e.message}`) });
  return ResultAsync.fromPromise(stat(path), unreadable)
    .andThen(({ size }) => (size > MAX_PLAN_FILE_BYTES ? errAsync(named(planFileTooLarge(size, MAX_PLAN_FILE_BYTES))) : ResultAsync.fromPromise(readFile(path), unreadable)))
    .andThen((bytes) => decodePlan(bytes, signing).mapErr(named));
}

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ResultAsync } from 'neverthrow';
import { printable } from '../../constructs/index.ts';
import { decodePlan, type Plan, type PlanFileError, type PlanSigning } from '../../plans/index.ts';
import { planFileUnreadable, type ApplyError } from '../apply/index.ts';

/**
 * Reads and decodes the plan file `file` (relative to `cwd`) as `keyform show` and `keyform
 * apply FILE` do: checked before anything uses it (format version, checksum, signature with
 * `signing.key`, shape). A refusal names the file, in one line: it may quote keys of the file,
 * whose line breaks must not draw lines of their own on a terminal.
 * @example await readPlanFile('plan.kfplan', io.cwd, { key: io.env['KEYFORM_PLAN_KEY'] })
 */
export function readPlanFile(file: string, cwd: string, signing: PlanSigning = {}): ResultAsync<Plan, PlanFileError | ApplyError> {
  return ResultAsync.fromPromise(readFile(resolve(cwd, file), 'utf8'), (e): PlanFileError | ApplyError => planFileUnreadable(file, (e as Error).message))
    .andThen((text) => decodePlan(text, signing).mapErr((e): PlanFileError => ({ ...e, message: printable(`${file}: ${e.message}`) })));
}

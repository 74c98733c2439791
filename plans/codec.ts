import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { err, ok, Result } from 'neverthrow';
import { canonicalJsonChunks, type ChunkOptions } from '../constructs/model/index.ts';
import { hashCanonical } from './canonical.ts';
import { parseJsonBytes, type PieceOptions } from './parse-json-bytes.ts';
import { PLAN_FORMAT_VERSION, type Plan } from './plan.ts';
import { planShapeProblem, secretKeyPath } from './plan-schema.ts';
import { planInvariantProblem, tooDeepPath } from './plan-invariants.ts';

/**
 * The plan file: `{"formatVersion":1,"checksum":"sha256:…","plan":{…}}`. The checksum is the
 * sha256 of the plan's canonical serialization (sorted keys, see `canonical.ts`), so
 * re-indenting the file is harmless but changing any value is detected: a plan is applied
 * exactly as reviewed, or not at all.
 *
 * The checksum catches accidents, not intent: anyone can recompute it. A platform team that
 * needs to know a plan came from its own pipeline sets a key (`KEYFORM_PLAN_KEY`): the file
 * then also holds `"signature":"hmac-sha256:…"` (HMAC-SHA256 of the same canonical text),
 * and a reader given the key refuses a file without that signature or with another one.
 * Apply re-derives every change anyway (see `rederive`); the signature also covers the
 * desired state the changes are derived from.
 */
export type PlanFileError =
  | { readonly kind: 'plan-file-not-json'; readonly message: string }
  | { readonly kind: 'plan-format-version'; readonly found: unknown; readonly message: string }
  | { readonly kind: 'plan-checksum-mismatch'; readonly message: string }
  | { readonly kind: 'plan-schema'; readonly problem: string; readonly message: string }
  | { readonly kind: 'plan-signature'; readonly message: string }
  | { readonly kind: 'plan-file-too-large'; readonly bytes: number; readonly message: string };

/** How a plan file is signed and checked. */
export interface PlanSigning {
  /** The HMAC key (`KEYFORM_PLAN_KEY`); unset or empty: files are neither signed nor checked. */
  readonly key?: string | undefined;
}

const REMAKE = 'Make a new plan with `keyform plan --out FILE` and review it again.';

/** The file is not JSON. */
export function planFileNotJson(detail: string): PlanFileError {
  return { kind: 'plan-file-not-json', message: `The plan file is not valid JSON (${detail}); it was not written by keyform or was cut short. ${REMAKE}` };
}

/** The file has another format version than this keyform reads. */
export function planFormatVersion(found: unknown, writtenBy: string | undefined): PlanFileError {
  const by = writtenBy === undefined ? '' : ` (written by keyform ${writtenBy})`;
  return {
    kind: 'plan-format-version', found,
    message: `The plan file has format version ${JSON.stringify(found)}${by}, but this keyform reads version ${PLAN_FORMAT_VERSION}. ` +
      `Show or apply it with the keyform version that wrote it, or ${REMAKE.charAt(0).toLowerCase()}${REMAKE.slice(1)}`,
  };
}

/**
 * The file is longer than this keyform process reads (`limit` bytes: at most 2 GiB, and half
 * its heap limit): a plan of that size is made in parts, each reviewed and applied on its own.
 */
export function planFileTooLarge(bytes: number, limit: number): PlanFileError {
  const gib = (n: number): string => `${(n / 2 ** 30).toFixed(2)} GiB`;
  return {
    kind: 'plan-file-too-large', bytes,
    message: `The plan file is ${gib(bytes)}, more than the ${gib(limit)} this keyform process reads (half its memory limit, ` +
      'raised with NODE_OPTIONS=--max-old-space-size=MiB, and at most 2 GiB). Plan in parts and apply each: ' +
      'one platform at a time (`keyform plan --platform ID --out FILE`), or some workspaces at a time (`--target PLATFORM/WORKSPACE`, repeatable).',
  };
}

/** The plan's content does not match its checksum. */
export function planChecksumMismatch(): PlanFileError {
  return {
    kind: 'plan-checksum-mismatch',
    message: `The plan file was changed after keyform wrote it (its checksum does not match its content). A plan is applied exactly as reviewed, never edited. ${REMAKE}`,
  };
}

/** A signing key is set, and the file is not signed with it. */
export function planSignature(present: boolean): PlanFileError {
  const what = present ? 'is signed with another key' : 'is not signed';
  return {
    kind: 'plan-signature',
    message: `The plan file ${what}, but KEYFORM_PLAN_KEY is set: only plans written by keyform with the same key are applied. ${REMAKE}`,
  };
}

/** The checksum of `plan` and, with `key`, its signature: one serialization streamed into both. */
function sumsOf(plan: unknown, key: string | undefined): { readonly checksum: string; readonly signature?: string } {
  const sha = createHash('sha256');
  const mac = key ? createHmac('sha256', key) : undefined;
  hashCanonical(plan, mac ? [sha, mac] : [sha]);
  return { checksum: `sha256:${sha.digest('hex')}`, ...(mac ? { signature: `hmac-sha256:${mac.digest('hex')}` } : {}) };
}

function sameSignature(a: string, b: string): boolean {
  const x = Buffer.from(a), y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The file is not shaped like a plan. */
export function planSchema(problem: string): PlanFileError {
  return { kind: 'plan-schema', problem, message: `The plan file is not a keyform plan: ${problem}. ${REMAKE}` };
}

/**
 * The plan file's text, signed when `signing.key` is set. Deterministic: the same plan (and
 * key) always encodes to the same bytes. One string: for a plan small enough to be one (tests,
 * tools); `keyform plan --out` writes `planFileText`, the same bytes in chunks.
 */
export function encodePlan(plan: Plan, signing: PlanSigning = {}): string {
  const file = planFileText(plan, signing);
  let body = '';
  for (const chunk of file.body) body += chunk;
  return `${file.header()}${body}`;
}

/**
 * The plan file as a header and a body in chunks (see `canonicalJsonChunks`), never held whole:
 * a plan of a hundred thousand tenants is ~740 MB, more than V8's longest string. The file names
 * the checksum (and signature) of the plan's canonical text before the text, and both are
 * computed as the body is made, in one pass over the plan: a writer writes `headerLength`
 * placeholder bytes, then the body, then the header over the placeholder (its length is the
 * same for every plan, signed or not). `encodePlan` is the same bytes as one string.
 */
export interface PlanFileText {
  /** Bytes of the header: one ASCII character each. */
  readonly headerLength: number;
  /** The plan's canonical text and the file's closing `}` and line break, in chunks. */
  readonly body: Iterable<string>;
  /** The header, naming the checksum (and signature) of the body: once `body` was read to its end (before, a bug: throws). */
  header(): string;
}

/**
 * The plan file of `plan`, signed when `signing.key` is set (see `PlanFileText`). Throws (a
 * bug) for a plan with a secret-named field, before anything is made.
 * @example const f = planFileText(plan); for (const c of f.body) out.write(c); out.writeAt(0, f.header())
 */
export function planFileText(plan: Plan, signing: PlanSigning = {}, options: ChunkOptions = {}): PlanFileText {
  const secret = secretKeyPath(plan);
  if (secret !== undefined) throw new Error(`refusing to write a plan with a secret-named field at ${secret}`);
  const sha = createHash('sha256');
  const mac = signing.key ? createHmac('sha256', signing.key) : undefined;
  const headerOf = (checksum: string, signature: string | undefined): string =>
    `{"formatVersion":${PLAN_FORMAT_VERSION},"checksum":${JSON.stringify(checksum)}${signature === undefined ? '' : `,"signature":${JSON.stringify(signature)}`},"plan":`;
  const zeros = '0'.repeat(64);
  let header: string | undefined;
  return {
    headerLength: headerOf(`sha256:${zeros}`, mac ? `hmac-sha256:${zeros}` : undefined).length,
    body: (function* () {
      for (const chunk of canonicalJsonChunks(plan, options)) {
        sha.update(chunk);
        mac?.update(chunk);
        yield chunk;
      }
      yield '}\n';
      header = headerOf(`sha256:${sha.digest('hex')}`, mac ? `hmac-sha256:${mac.digest('hex')}` : undefined);
    })(),
    header: () => {
      if (header === undefined) throw new Error('the header of a plan file is known once its body was read to its end');
      return header;
    },
  };
}

const parseJson = Result.fromThrowable(
  (text: string): unknown => JSON.parse(text),
  (e) => planFileNotJson(e instanceof Error ? e.message : String(e)),
);

/**
 * Reads a plan file: checks, in this order, that it is JSON, that its format version is the
 * one this keyform reads, that its checksum matches, that it is signed with `signing.key`
 * (when set), and that it has the plan's shape. The file is its text or its bytes: bytes are
 * parsed in pieces (see `parseJsonBytes`), for a file longer than V8's longest string.
 * @example decodePlan(await readFile('plan.kfplan'), { key: process.env['KEYFORM_PLAN_KEY'] })
 */
export function decodePlan(file: string | Uint8Array, signing: PlanSigning = {}, options: PieceOptions = {}): Result<Plan, PlanFileError> {
  const parsed = typeof file === 'string' ? parseJson(file) : parseJsonBytes(file, options).mapErr(planFileNotJson);
  return parsed.andThen((file): Result<Plan, PlanFileError> => {
    if (typeof file !== 'object' || file === null || Array.isArray(file)) return err(planSchema('the file holds no object'));
    const { formatVersion, checksum, signature, plan } = file as { formatVersion?: unknown; checksum?: unknown; signature?: unknown; plan?: unknown };
    if (formatVersion !== PLAN_FORMAT_VERSION) {
      const by = (plan as { toolVersion?: unknown } | undefined)?.toolVersion;
      return err(formatVersion === undefined ? planSchema('it has no formatVersion') : planFormatVersion(formatVersion, typeof by === 'string' ? by : undefined));
    }
    if (typeof checksum !== 'string') return err(planSchema('it has no checksum'));
    const deep = tooDeepPath(plan);
    if (deep !== undefined) return err(planSchema(deep));
    const sums = sumsOf(plan, signing.key);
    if (sums.checksum !== checksum) return err(planChecksumMismatch());
    if (sums.signature !== undefined && (typeof signature !== 'string' || !sameSignature(signature, sums.signature))) return err(planSignature(signature !== undefined));
    const problem = planShapeProblem(plan) ?? planInvariantProblem(plan as Plan);
    if (problem !== undefined) return err(planSchema(problem));
    if ((plan as Plan).formatVersion !== PLAN_FORMAT_VERSION) return err(planFormatVersion((plan as Plan).formatVersion, (plan as Plan).toolVersion));
    const secret = secretKeyPath(plan);
    if (secret !== undefined) return err(planSchema(`${secret} names a secret, which no keyform plan holds`));
    return ok(plan as Plan);
  });
}

import { inspect } from 'node:util';

/** What a secret looks like in every printed form. */
export const REDACTED = '***';

const SECRET_BRAND: unique symbol = Symbol.for('keyform.openstack.Secret');

/**
 * A password, token or application credential secret. Every way of printing it
 * (`JSON.stringify`, template strings, `console.log`, `util.inspect`) shows `***`; only
 * `reveal()` gives the value, and only the HTTP layer calls it, to build a request body.
 * @example secret('hunter2').toString() // '***'
 */
export interface Secret {
  readonly [SECRET_BRAND]: true;
  /** The secret value itself. Call it only to put the value on the wire. */
  reveal(): string;
  toJSON(): string;
  toString(): string;
}

/**
 * Every secret value this process has read (4 characters or more), so that the last-resort
 * error handler can mask them in text it did not build itself (an unexpected exception).
 */
const SEEN = new Set<string>();

/** Remembers `value` as a secret for `redactKnownSecrets`. */
export function rememberSecret(value: string): void {
  if (value.length >= 4) SEEN.add(value);
}

/**
 * `text` with every secret this process has read replaced by `***`, and the user:password
 * part of any URL in it too. For text of unknown origin (an unexpected exception's message).
 * @example redactKnownSecrets('GET https://u:pw@host/ failed') // 'GET https://***@host/ failed'
 */
export function redactKnownSecrets(text: string): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, `$1${REDACTED}@`);
  for (const v of SEEN) out = out.split(v).join(REDACTED);
  return out;
}

/** Wraps `value` so that it never prints. */
export function secret(value: string): Secret {
  rememberSecret(value);
  const s = {
    [SECRET_BRAND]: true as const,
    reveal: () => value,
    toJSON: () => REDACTED,
    toString: () => REDACTED,
    [inspect.custom]: () => REDACTED,
  };
  return Object.freeze(s);
}

/** True for values made by `secret()`. */
export function isSecret(x: unknown): x is Secret {
  return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[SECRET_BRAND] === true;
}

/** Query parameters whose values are never shown. */
const SECRET_PARAM = /^(?:password|token|secret|application_credential_secret|x-auth-token|x-subject-token)$/i;

/**
 * Removes known secrets from text before it reaches a log line or an error message.
 * The session registers its password, application credential secret and every token it
 * receives; redaction replaces each occurrence with `***`.
 */
export class Redactor {
  readonly #values = new Set<string>();

  /** Remembers a secret (values shorter than 4 characters are too common to replace safely). */
  add(value: string | Secret | undefined): void {
    const v = isSecret(value) ? value.reveal() : value;
    if (v !== undefined && v.length >= 4) this.#values.add(v);
  }

  /** `text` with every known secret replaced by `***`. */
  text(text: string): string {
    let out = text;
    for (const v of this.#values) out = out.split(v).join(REDACTED);
    return out;
  }

  /** A URL with secret-looking query values and any known secret replaced. */
  url(raw: string): string {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return this.text(raw);
    }
    if (u.password) u.password = REDACTED;
    for (const key of [...u.searchParams.keys()]) {
      if (SECRET_PARAM.test(key)) u.searchParams.set(key, REDACTED);
    }
    return this.text(u.toString());
  }
}

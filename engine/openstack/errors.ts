/**
 * Everything that can go wrong talking to OpenStack, as plain data. Every message tells the
 * user how to fix the problem, and none ever contains a password, token or application
 * credential secret: messages are built from redacted parts only (see `redact.ts`).
 */
export type OpenStackErrorKind =
  | 'config-not-found'
  | 'config-invalid'
  | 'cloud-not-found'
  | 'auth-failed'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'http-error'
  | 'unreachable'
  | 'timeout'
  | 'tls-error'
  | 'endpoint-not-found'
  | 'bad-response';

export interface OpenStackError {
  readonly kind: OpenStackErrorKind;
  readonly message: string;
  /** HTTP status, when the error is an HTTP answer. */
  readonly status?: number;
  readonly method?: string;
  /** The request URL with secrets in its query string replaced by `***`. */
  readonly url?: string;
  /**
   * The service's id of the request (`x-openstack-request-id`), when it answered: the key to
   * the request in the service's logs, for the operator to look it up.
   */
  readonly requestId?: string;
}

/**
 * Why an operation failed, as plain data kept next to its message (in the apply report):
 * the error's kind, and for an HTTP answer its status and the service's request id.
 */
export interface ErrorCause {
  readonly kind: string;
  readonly status?: number;
  readonly requestId?: string;
}

/**
 * The cause of `e`: its kind, status and request id, without the message (which travels beside it).
 * @example causeOf(httpError('POST', url, 403, '', 'req-1')) // { kind: 'forbidden', status: 403, requestId: 'req-1' }
 */
export function causeOf(e: { readonly kind: string; readonly status?: number; readonly requestId?: string }): ErrorCause {
  return { kind: e.kind, ...(e.status === undefined ? {} : { status: e.status }), ...(e.requestId === undefined ? {} : { requestId: e.requestId }) };
}

/** No clouds.yaml was found and the environment names no cloud. */
export function configNotFound(searched: readonly string[]): OpenStackError {
  return {
    kind: 'config-not-found',
    message:
      `No OpenStack credentials found: no clouds.yaml in ${searched.join(', ')} and no OS_AUTH_URL in the environment. ` +
      'Write a clouds.yaml (or point OS_CLIENT_CONFIG_FILE at one), or set OS_AUTH_URL and friends.',
  };
}

/** A config file or value that cannot be used. */
export function configInvalid(message: string): OpenStackError {
  return { kind: 'config-invalid', message };
}

/** The named cloud is not in the loaded clouds.yaml. */
export function cloudNotFound(cloud: string, file: string | undefined, known: readonly string[]): OpenStackError {
  const where = file ? `in ${file}` : 'in any clouds.yaml or the OS_* environment';
  const choices = known.length > 0 ? ` Known clouds: ${[...known].sort().join(', ')}.` : '';
  return {
    kind: 'cloud-not-found',
    message: `Cloud ${JSON.stringify(cloud)} is not defined ${where}.${choices} Check the platform's \`cloud\` setting, OS_CLOUD or --os-cloud.`,
  };
}

/** Keystone refused the credentials, or a token stayed invalid after one re-authentication. */
export function authFailed(cloud: string, detail: string, status?: number): OpenStackError {
  return {
    kind: 'auth-failed',
    message: `Authentication to cloud ${JSON.stringify(cloud)} failed: ${detail}. Check the user, password or application credential and the scope in clouds.yaml.`,
    ...(status === undefined ? {} : { status }),
  };
}

/** The request could not be sent or no answer arrived (refused, reset, DNS). */
export function unreachable(method: string, url: string, detail: string, attempts: number): OpenStackError {
  return {
    kind: 'unreachable',
    message: `${method} ${url} failed after ${attempts} attempt(s): ${detail}. Check that the endpoint is up and reachable from here.`,
    method,
    url,
  };
}

/** No answer within the timeout. */
export function timeout(method: string, url: string, ms: number, attempts: number): OpenStackError {
  return {
    kind: 'timeout',
    message: `${method} ${url} got no answer within ${ms} ms (${attempts} attempt(s)). The service may be overloaded; raise the timeout or retry later.`,
    method,
    url,
  };
}

/** Certificate verification failed. */
export function tlsError(method: string, url: string, detail: string): OpenStackError {
  return {
    kind: 'tls-error',
    message: `${method} ${url}: TLS verification failed (${detail}). Set \`cacert\` in clouds.yaml to the CA that signed the server's certificate.`,
    method,
    url,
  };
}

/** The catalog has no endpoint for a service in this region and interface. */
export function endpointNotFound(serviceType: string, region: string | undefined, iface: string, available: readonly string[]): OpenStackError {
  const inRegion = region ? ` in region ${JSON.stringify(region)}` : '';
  const have = available.length > 0 ? ` The catalog offers: ${available.join('; ')}.` : ' The token has no catalog (an unscoped token): give the cloud a project or system scope.';
  return {
    kind: 'endpoint-not-found',
    message: `No ${iface} endpoint for service type ${JSON.stringify(serviceType)}${inRegion}.${have} Check region_name and interface in clouds.yaml.`,
  };
}

/** An answer that is not what the API documents (not JSON, missing fields). */
export function badResponse(method: string, url: string, detail: string): OpenStackError {
  return { kind: 'bad-response', message: `${method} ${url}: unexpected answer: ${detail}.`, method, url };
}

const STATUS_KIND: Readonly<Record<number, OpenStackErrorKind>> = {
  401: 'auth-failed',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
};

const STATUS_HINT: Readonly<Record<number, string>> = {
  401: 'the token was refused; check the credentials',
  403: 'the account lacks the role this call needs; see the replicator account requirements in the README',
  404: 'the object does not exist (any more)',
  409: 'an object with the same name already exists',
  429: 'the service is rate limiting; retry later',
};

/**
 * An HTTP answer with an unexpected status. `detail` is the service's own message (redacted);
 * `requestId` the service's `x-openstack-request-id`, when it sent one.
 */
export function httpError(method: string, url: string, status: number, detail: string, requestId?: string): OpenStackError {
  const hint = STATUS_HINT[status] ?? (status >= 500 ? 'the service failed; retry later or check its logs' : 'the request was refused');
  return {
    kind: STATUS_KIND[status] ?? 'http-error',
    message: `${method} ${url} answered ${status}${detail ? ` (${detail})` : ''}: ${hint}.`,
    status,
    method,
    url,
    ...(requestId ? { requestId } : {}),
  };
}

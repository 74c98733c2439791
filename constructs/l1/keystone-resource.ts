import { Construct } from 'constructs';
import type { ResourceKind, ResourceOfKind } from '../model/resource.ts';
import { nameProblems } from '../model/constraints.ts';
import type { ConfigProblem } from '../problems/config-error.ts';
import { problemAt } from '../problems/problem-at.ts';
import { callerSource, type ConfigPath, type Source } from '../problems/source.ts';

/** The declaration an L1 resource was expanded from: where its problems are reported. */
export interface Origin {
  readonly source: Source;
  readonly path: ConfigPath;
  /** How to fix a bad rendered name, e.g. which pattern produced it. */
  readonly hint: string;
}

/** Props every L1 construct takes. */
export interface KeystoneResourceProps {
  /** The platform the resource belongs to. */
  readonly platform: string;
  /** @default the call site of the constructor */
  readonly origin?: Origin;
}

const KEYSTONE_RESOURCE = Symbol.for('keyform.KeystoneResource');

/**
 * An L1 construct: exactly one Keystone object (or quota entry), holding its desired
 * resource record. L2 constructs expand into these in `synth()`; a TypeScript program may
 * also add them directly.
 */
export abstract class KeystoneResource<K extends ResourceKind = ResourceKind> extends Construct {
  /** True for any L1 construct, whatever copy of the library created it. */
  static isKeystoneResource(x: unknown): x is KeystoneResource {
    return typeof x === 'object' && x !== null && KEYSTONE_RESOURCE in x;
  }

  /** The desired resource: plain readonly data, as `synth()` emits it. */
  readonly resource: ResourceOfKind<K>;
  readonly origin: Origin;

  protected constructor(scope: Construct, id: string, resource: ResourceOfKind<K>, origin: Origin | undefined) {
    super(scope, id);
    this.resource = resource;
    this.origin = origin ?? { source: callerSource(), path: [], hint: 'fix the construct that creates it' };
  }

  /** What Keystone would reject about this object; empty when nothing. */
  problems(): ConfigProblem[] {
    const attrs = this.resource.attrs as { readonly name?: unknown };
    if (typeof attrs.name !== 'string') return [];
    return nameProblems(attrs.name).map((p) => this.problem(`${this.resource.kind} name ${JSON.stringify(attrs.name)} ${p}`));
  }

  /** A problem at the origin of this resource. @default hint: the origin's */
  protected problem(message: string, hint: string = this.origin.hint): ConfigProblem {
    return problemAt(this.origin.source, this.origin.path, message, hint);
  }
}

// The brand lives on the prototype (as the constructs library does), not on each instance.
Object.defineProperty(KeystoneResource.prototype, KEYSTONE_RESOURCE, { value: true });

import { Construct } from 'constructs';
import type { ResourceKind } from '../model/resource.ts';
import type { ConfigProblem } from '../problems/config-error.ts';
import { callerSource } from '../problems/source.ts';
import { keystoneRecordProblems, type KeystoneRecord, type Origin, type ResourceByKind } from './keystone-record.ts';

/** Props every L1 construct takes. */
export interface KeystoneResourceProps {
  /** The platform the resource belongs to. */
  readonly platform: string;
  /** @default the call site of the constructor */
  readonly origin?: Origin;
}

/** Props of an L1 record builder: an L1 construct's props with the origin required. */
export type RecordProps<P extends KeystoneResourceProps> = P & { readonly origin: Origin };

const KEYSTONE_RESOURCE = Symbol.for('keyform.KeystoneResource');

/**
 * An L1 construct: a node holding one KeystoneRecord. `synth()` expands L2 constructs into
 * plain records, not into these; a TypeScript program may add them to its tree directly,
 * and `synth(app, { expandInto: 'tree' })` adds the expanded records as these.
 */
export abstract class KeystoneResource<K extends ResourceKind = ResourceKind> extends Construct implements KeystoneRecord<K> {
  /** True for any L1 construct, whatever copy of the library created it. */
  static isKeystoneResource(x: unknown): x is KeystoneResource {
    return typeof x === 'object' && x !== null && KEYSTONE_RESOURCE in x;
  }

  /** The desired resource: plain readonly data, as `synth()` emits it. */
  readonly resource: ResourceByKind[K];
  readonly origin: Origin;

  protected constructor(scope: Construct, id: string, record: KeystoneRecord<K>) {
    super(scope, id);
    this.resource = record.resource;
    this.origin = record.origin;
  }

  /** What Keystone would reject about this object; empty when nothing. */
  problems(): ConfigProblem[] {
    return keystoneRecordProblems(this);
  }
}

/** The origin of an L1 construct a program creates without one: its call site. */
export function callerOrigin(origin: Origin | undefined): Origin {
  return origin ?? { source: callerSource(), path: [], hint: 'fix the construct that creates it' };
}

// The brand lives on the prototype (as the constructs library does), not on each instance.
Object.defineProperty(KeystoneResource.prototype, KEYSTONE_RESOURCE, { value: true });

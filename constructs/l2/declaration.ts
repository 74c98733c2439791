import { Construct } from 'constructs';
import type { ConfigProblem } from '../problems/config-error.ts';
import { problemAt } from '../problems/problem-at.ts';
import { callerSource, type ConfigPath, type Source } from '../problems/source.ts';
import { LONE_SURROGATE } from '../problems/lone-surrogate.ts';

/** Props every L2 construct takes. */
export interface DeclarationProps {
  /**
   * Where the declaration was written. Loaders set it (file, and positions inside it);
   * @default the call site of the constructor, for TypeScript config programs
   */
  readonly source?: Source;
}

const DECLARATION = Symbol.for('keyform.Declaration');

/**
 * The base of keyform's L2 constructs (Platform, LandingZone, Workspace, Project, Tenant,
 * UserBinding, MeteringCollector): a construct that knows where it was declared and what
 * is wrong with it on its own. Checks that need other constructs (references, rendered
 * names) run in `synth()`.
 */
export abstract class Declaration extends Construct {
  /** True for any keyform L2 construct, whatever copy of the library created it. */
  static isDeclaration(x: unknown): x is Declaration {
    return typeof x === 'object' && x !== null && DECLARATION in x;
  }

  /** Where this declaration was written. */
  readonly source: Source;

  protected constructor(scope: Construct, nodeId: string, source: Source | undefined) {
    super(scope, nodeId);
    this.source = source ?? callerSource();
  }

  /**
   * Its path in the canonical document, e.g. `['workspace', 'acme', 'project', 'webshop']`.
   * Made when asked for (by a problem, or an expanded record's origin), not kept: 10,000
   * tenants are 50,000 declarations.
   */
  abstract get configPath(): ConfigPath;

  /**
   * What is wrong with this declaration by itself (identifiers, tags, quotas, patterns); empty
   * when nothing is. `synth()` collects these from every declaration, as located problems; they
   * are not registered as `node.addValidation` too, whose plain strings would lose the location.
   */
  abstract problems(): ConfigProblem[];

  /** A problem at `sub`, a path below this declaration (`[]` for the declaration itself). */
  problem(sub: ConfigPath, message: string, hint: string, part: 'key' | 'value' = 'value'): ConfigProblem {
    return problemAt(this.source, [...this.configPath, ...sub], message, hint, part);
  }
}

/** Node ids of L2 constructs carry their block type, so a platform and a workspace may share a name. */
export function nodeId(blockType: string, identifier: string): string {
  return `${blockType}.${idSegment(identifier)}`;
}

/**
 * The config path of a block nested in `parent`'s, e.g. `['workspace', 'acme', 'project', 'webshop']`.
 * Made by `concat`, whose array is exactly as long as the path: a spread followed by more
 * elements (`[...path, type, id]`) leaves a backing store of ~17 slots, ~140 bytes more (an
 * expanded record's origin keeps its tenant's path).
 * @example childPath(acme, 'project', 'webshop') // ['workspace', 'acme', 'project', 'webshop']
 */
export function childPath(parent: Declaration, blockType: string, identifier: string): ConfigPath {
  return parent.configPath.concat(blockType, identifier);
}

const LONE_SPLIT = new RegExp(`(${LONE_SURROGATE.source})`);

/**
 * `text` as one segment of a construct id, one to one: URI-encoded, with each lone UTF-16
 * surrogate (which `encodeURIComponent` throws on) written `$uXXXX` (`$` is never in its
 * output). A lone surrogate is then reported as a problem instead of crashing the load.
 * @example idSegment('a@b.example') // 'a%40b.example'
 */
export function idSegment(text: string): string {
  if (!LONE_SURROGATE.test(text)) return encodeURIComponent(text);
  // Split around a capturing group: odd parts are the lone surrogates, even parts well-formed text.
  return text.split(LONE_SPLIT).map((part, i) => (i % 2 === 1 ? `$u${part.charCodeAt(0).toString(16)}` : encodeURIComponent(part))).join('');
}

// The brand lives on the prototype (as the constructs library does), not on each instance.
Object.defineProperty(Declaration.prototype, DECLARATION, { value: true });

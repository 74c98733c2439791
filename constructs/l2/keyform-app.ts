import { Construct } from 'constructs';
import type { ConfigProblem } from '../problems/config-error.ts';

const APP = Symbol.for('keyform.KeyformApp');

/**
 * The root of a keyform construct tree: platforms, landing zones, workspaces and metering
 * collectors are its children. Loaders build one from config files; a `keyform.config.ts`
 * program builds one itself (or is handed one) and `export default`s it.
 * @example
 * const app = new KeyformApp();
 * const prod = new Platform(app, 'os-prod', { cloud: 'prod', region: 'RegionOne' });
 */
export class KeyformApp extends Construct {
  /** True for a KeyformApp, whatever copy of the library created it (no `instanceof`). */
  static isKeyformApp(x: unknown): x is KeyformApp {
    return typeof x === 'object' && x !== null && APP in x;
  }

  /** The KeyformApp at the root of `c`'s tree; a programmer error when there is none. */
  static of(c: Construct): KeyformApp {
    const root = c.node.root;
    if (!KeyformApp.isKeyformApp(root)) throw new Error(`${c.node.path} is not in a KeyformApp tree`);
    return root;
  }

  private readonly loadProblems: ConfigProblem[] = [];
  private readonly rejected = new Set<string>();

  constructor() {
    super(undefined as unknown as Construct, '');
  }

  /**
   * Records a problem found while building the tree (a syntax error, an unknown key);
   * `synth()` reports it with its own. Loaders use this so that one bad file doesn't hide
   * the problems of the others. `rejectsValue`: the value at the problem's path was dropped
   * (wrong type, missing key).
   */
  reportProblem(problem: ConfigProblem, options: { readonly rejectsValue?: boolean } = {}): void {
    this.loadProblems.push(problem);
    if (options.rejectsValue) this.rejected.add(`${problem.file}\u0000${problem.path}`);
  }

  /**
   * Whether a loader rejected the value at `problem`'s place (wrong type, missing): the
   * tree's own complaint there (e.g. "region is empty") would only repeat it.
   */
  isRejected(problem: ConfigProblem): boolean {
    return this.rejected.has(`${problem.file}\u0000${problem.path}`);
  }

  /** Problems recorded while building the tree, in the order reported. */
  get problems(): readonly ConfigProblem[] {
    return this.loadProblems;
  }
}

// The brand lives on the prototype (as the constructs library does), not on each instance.
Object.defineProperty(KeyformApp.prototype, APP, { value: true });

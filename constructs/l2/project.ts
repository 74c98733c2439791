import type { ConfigPath } from '../problems/source.ts';
import type { ConfigProblem } from '../problems/config-error.ts';
import { identifierProblems } from '../naming/identifiers.ts';
import { childPath, Declaration, nodeId, type DeclarationProps } from './declaration.ts';
import type { Workspace } from './workspace.ts';
import { tenantKey } from '../model/index.ts';

export type ProjectProps = DeclarationProps;

const PROJECT = Symbol.for('keyform.Project');

/**
 * A workspace's project: the unit users are bound to. It becomes a Keystone project on
 * every platform it has a tenant on.
 * @example const webshop = new Project(acme, 'webshop');
 */
export class Project extends Declaration {
  static isProject(x: unknown): x is Project {
    return typeof x === 'object' && x !== null && PROJECT in x;
  }

  /** A lower-case DNS label, unique in its workspace. */
  readonly identifier: string;
  readonly workspace: Workspace;

  constructor(scope: Workspace, id: string, props: ProjectProps = {}) {
    super(scope, nodeId('project', id), props.source);
    this.identifier = id;
    this.workspace = scope;
  }

  get configPath(): ConfigPath {
    return childPath(this.workspace, 'project', this.identifier);
  }

  problems(): ConfigProblem[] {
    const what = `project ${JSON.stringify(tenantKey({ workspace: this.workspace.identifier, project: this.identifier }))}`;
    return identifierProblems(this.identifier).map((p) => this.problem([], `${what}: identifier ${p}`, 'rename the project block', 'key'));
  }
}

// The brand lives on the prototype (as the constructs library does), not on each instance.
Object.defineProperty(Project.prototype, PROJECT, { value: true });

import type { ConfigProblem } from '../problems/config-error.ts';
import { renderLocation } from '../problems/config-error.ts';
import { problemAt } from '../problems/problem-at.ts';
import type { Source } from '../problems/source.ts';
import { KeyformApp } from '../l2/keyform-app.ts';
import { Platform } from '../l2/platform.ts';
import { LandingZone } from '../l2/landing-zone.ts';
import { Workspace } from '../l2/workspace.ts';
import { Project } from '../l2/project.ts';
import { Tenant } from '../l2/tenant.ts';
import { UserBinding } from '../l2/user-binding.ts';
import { MeteringCollector } from '../l2/metering-collector.ts';
import { decodeBlock } from './schema.ts';
import { documentProblems } from './document-checks.ts';
import { CONFIG_DOCUMENT, type ConfigDocument, type ProjectBlock, type WorkspaceBlock } from './config-schema.ts';
import { landingZoneProps, meteringProps, platformProps, tenantProps, userBindingProps, workspaceProps } from './construct-props.ts';
import { compareCodeUnits } from '../model/index.ts';

/** One config file, parsed into the canonical document shape. */
export interface ParsedDocument {
  readonly file: string;
  readonly format: 'hcl' | 'yaml' | 'json';
  /** The document (HCL's list-wrapped blocks already unwrapped); undefined when it did not parse. */
  readonly value: unknown;
  readonly source: Source;
  /** Problems found while parsing: syntax errors, HCL blocks declared twice. */
  readonly problems: readonly ConfigProblem[];
}

type TopLevel = keyof ConfigDocument;
const TOP_LEVEL: readonly TopLevel[] = ['platform', 'landing_zone', 'workspace', 'metering'];

/**
 * Builds constructs from parsed documents into `app`. Every problem (syntax, schema, a
 * top-level block declared in two files) is recorded on the app and reported by `synth()`
 * together with the tree's own, so all of them surface at once.
 * @example buildApp([await parseHclFile('main.hcl', text)])
 */
export function buildApp(documents: readonly ParsedDocument[], app: KeyformApp = new KeyformApp()): KeyformApp {
  const declared = new Map<string, Source>();
  const sorted = [...documents].sort((a, b) => compareCodeUnits(a.file, b.file));
  for (const doc of sorted) {
    for (const p of doc.problems) app.reportProblem(p);
    if (doc.value === undefined) continue;
    const unsafe = documentProblems(doc);
    for (const p of unsafe) app.reportProblem(p);
    if (unsafe.length > 0) continue;
    const problems: ConfigProblem[] = [];
    const decoded = decodeBlock(CONFIG_DOCUMENT, doc.value ?? {}, [], { format: doc.format, source: doc.source, problems });
    for (const p of problems) app.reportProblem(p, { rejectsValue: true });
    if (!decoded) continue;
    for (const type of TOP_LEVEL) {
      for (const label of Object.keys(decoded[type] ?? {}).sort()) {
        const key = `${type}\u0000${label}`;
        const first = declared.get(key);
        if (first) app.reportProblem(duplicate([type, label], first, doc.source));
        else {
          declared.set(key, doc.source);
          addBlock(app, decoded, type, label, doc.source);
        }
      }
    }
  }
  return app;
}

/** Positions are looked up only now: locating is lazy and costs a second parse of the file. */
function duplicate(path: readonly [string, string], first: Source, second: Source): ConfigProblem {
  const at = renderLocation(problemAt(first, path, '', '', 'key'));
  return problemAt(second, path, `${path[0]} ${JSON.stringify(path[1])} is declared twice: at ${at} and here`, 'keep one declaration and merge the other into it', 'key');
}

function addBlock(app: KeyformApp, doc: ConfigDocument, type: TopLevel, label: string, source: Source): void {
  switch (type) {
    case 'platform':
      new Platform(app, label, platformProps(doc.platform![label]!, source));
      return;
    case 'landing_zone':
      new LandingZone(app, label, landingZoneProps(doc.landing_zone![label]!, source));
      return;
    case 'workspace':
      return addWorkspace(app, label, doc.workspace![label]!, source);
    case 'metering':
      new MeteringCollector(app, label, meteringProps(doc.metering![label]!, source));
      return;
  }
}

function addWorkspace(app: KeyformApp, label: string, b: WorkspaceBlock, source: Source): void {
  const ws = new Workspace(app, label, workspaceProps(b, source));
  const projects = b.project ?? {};
  for (const p of Object.keys(projects)) addProject(ws, p, projects[p]!, source);
}

function addProject(ws: Workspace, label: string, b: ProjectBlock, source: Source): void {
  const project = new Project(ws, label, { source });
  const tenants = b.tenant ?? {};
  const users = b.user ?? {};
  for (const t of Object.keys(tenants)) new Tenant(project, t, tenantProps(tenants[t]!, source));
  for (const u of Object.keys(users)) new UserBinding(project, u, userBindingProps(users[u]!, source));
}

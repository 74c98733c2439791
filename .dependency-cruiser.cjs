/**
 * The folder rules of the design (shared design notes, "Architecture"), checked by
 * dependency-cruiser on every `npm test` (test/architecture/folder-rules.test.ts):
 *   constructs ← plans ← engine   (an arrow points at what may be imported)
 * - constructs/ imports nothing from plans/ or engine/;
 * - plans/ imports nothing from engine/, and is pure: of Node's own modules only those that
 *   compute (hashing, buffers, formatting), none that reads, writes or talks;
 * - the folders of engine/ (snapshot, quota, apply, ...) import each other without cycles;
 * - engine/snapshot reaches engine/quota only through its QuotaBackend interface
 *   (engine/quota/quota-backend.ts), and engine/quota imports nothing from engine/snapshot.
 * Type-only imports count: a type from engine/ in plans/ couples them as much as a value.
 * Paths are relative to the folder cruised from (the cruise's baseDir), so the same rules
 * run on test/architecture/fixture/, which breaks each of them once.
 */

/** Node's modules that plans/ may use: computation only. */
const PURE_NODE_MODULES = ['assert', 'buffer', 'crypto', 'string_decoder', 'util'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'constructs-import-no-plans-or-engine',
      comment: 'constructs/ is the model: it imports nothing from plans/ or engine/ (constructs ← plans ← engine).',
      severity: 'error',
      from: { path: '^constructs/' },
      to: { path: '^(plans|engine)/' },
    },
    {
      name: 'plans-import-no-engine',
      comment: 'plans/ is the plan as data: it imports nothing from engine/ (constructs ← plans ← engine).',
      severity: 'error',
      from: { path: '^plans/' },
      to: { path: '^engine/' },
    },
    {
      name: 'plans-are-pure',
      comment: `plans/ does no I/O: of Node's modules it may use ${PURE_NODE_MODULES.join(', ')} only.`,
      severity: 'error',
      from: { path: '^plans/' },
      to: { dependencyTypes: ['core'], pathNot: `^(${PURE_NODE_MODULES.join('|')})$` },
    },
    {
      name: 'no-cycles-between-engine-folders',
      comment: 'The folders of engine/ depend on each other one way: a cycle between two of them makes neither understandable alone.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^engine/[^/]+' },
      to: { path: '^engine/[^/]+', circular: true },
    },
    {
      name: 'snapshot-reads-quotas-through-quota-backend',
      comment: 'engine/snapshot knows quotas only as the QuotaBackend interface (engine/quota/quota-backend.ts): what a backend reads and how is its own.',
      severity: 'error',
      from: { path: '^engine/snapshot/' },
      to: { path: '^engine/quota/', pathNot: '^engine/quota/quota-backend[.]ts$' },
    },
    {
      name: 'quota-imports-no-snapshot',
      comment: 'engine/quota reads and writes quotas for whoever calls its QuotaBackend: it imports nothing from engine/snapshot.',
      severity: 'error',
      from: { path: '^engine/quota/' },
      to: { path: '^engine/snapshot/' },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript API for the cruiser to parse with; swc parses TypeScript itself.
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
  },
};

import { createRequire } from 'node:module';
import { Construct } from 'constructs';
import type { TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';
import { Result } from 'neverthrow';
import { indentedCanonicalJson } from '../model/canonical-json.ts';
import { synthFailed, type ExportError } from './export-error.ts';
import {
  blockAddress, isRef, type ProviderConfig, type TerraformBlock, type TerraformBlueprint, type TerraformValue,
} from './terraform-blueprint.ts';

/**
 * The one module that uses cdktf (archived upstream): it turns a blueprint into Terraform
 * JSON with cdktf's generic `TerraformProvider` / `TerraformResource` / `TerraformDataSource`
 * constructs, so no provider bindings are generated and nothing is downloaded. References
 * between blocks are cdktf tokens, resolved to `${TYPE.NAME.ATTR}` expressions.
 *
 * No `App` is created (it makes an output folder and reads CDKTF_* variables) and no
 * backend is written (cdktf's default local backend records the current directory), so
 * the output depends on the blueprint alone; teams add their own backend next to it.
 */

/** The provider's registry address and the major version whose documented arguments the export uses. */
export const OPENSTACK_PROVIDER = { source: 'terraform-provider-openstack/openstack', version: '~> 3.0' } as const;

/**
 * Synthesizes the blueprint into the text of a `*.tf.json` file: keys sorted, cdktf's `//`
 * metadata left out, two-space indent, so the same blueprint always gives the same bytes.
 */
export function synthTerraformJson(blueprint: TerraformBlueprint): Result<string, ExportError> {
  return Result.fromThrowable(
    () => `${indentedCanonicalJson(withoutMetadata(buildStack(blueprint).toTerraform() as Record<string, unknown>))}\n`,
    (e) => synthFailed(e instanceof Error ? e.message : String(e)),
  )();
}

function buildStack(blueprint: TerraformBlueprint): TerraformStack {
  const { TerraformStack, Root, OpenStackProvider, GenericResource, GenericDataSource } = (cdktfClasses ??= defineClasses(require('cdktf') as Cdktf));
  const stack = new TerraformStack(new Root(), 'keyform');
  const providers = new Map(blueprint.providers.map((p) => [p.platform, new OpenStackProvider(stack, p)]));
  const elements = new Map<string, TerraformResource | TerraformDataSource>();
  // One token per referenced attribute: cdktf captures a stack trace for every token it makes.
  const tokens = new Map<string, string>();
  const resolve = (value: TerraformValue): unknown => {
    if (!isRef(value)) return value;
    const key = `${blockAddress(value.ref)}.${value.attribute}`;
    const known = tokens.get(key);
    if (known !== undefined) return known;
    const target = elements.get(blockAddress(value.ref));
    if (!target) throw new Error(`a block refers to ${blockAddress(value.ref)}, which the export does not contain`);
    const token = target.getStringAttribute(value.attribute);
    tokens.set(key, token);
    return token;
  };
  for (const block of blueprint.blocks) {
    const args = () => Object.fromEntries(Object.entries(block.arguments).map(([k, v]) => [k, resolve(v)]));
    const element = block.mode === 'data' ? new GenericDataSource(stack, block, args) : new GenericResource(stack, block, args);
    element.overrideLogicalId(block.name);
    const provider = providers.get(block.platform);
    if (provider?.alias !== undefined) element.provider = provider;
    if (block.preventDestroy) element.lifecycle = { preventDestroy: true };
    elements.set(blockAddress(block), element);
  }
  stack.runAllValidations();
  return stack;
}

type Cdktf = typeof import('cdktf');
type Arguments = () => Record<string, unknown>;

// cdktf is the slowest dependency to load (~0.3 s CPU): required on the first export, not
// imported when the CLI starts, so every other command starts without it.
const require = createRequire(import.meta.url);
let cdktfClasses: ReturnType<typeof defineClasses> | undefined;

/** The cdktf classes the export builds with, defined once cdktf is loaded. */
function defineClasses(cdktf: Cdktf) {
  class Root extends Construct {
    constructor() {
      super(undefined as unknown as Construct, '');
    }
  }

  class OpenStackProvider extends cdktf.TerraformProvider {
    constructor(
      scope: Construct,
      private readonly config: ProviderConfig,
    ) {
      super(scope, `provider.${config.platform}`, {
        terraformResourceType: 'openstack',
        terraformProviderSource: OPENSTACK_PROVIDER.source,
        terraformGeneratorMetadata: { providerName: 'openstack', providerVersionConstraint: OPENSTACK_PROVIDER.version },
      });
    }

    override get alias(): string | undefined {
      return this.config.alias;
    }

    protected override synthesizeAttributes(): Record<string, unknown> {
      return { ...this.config.arguments };
    }
  }

  class GenericResource extends cdktf.TerraformResource {
    constructor(scope: Construct, block: TerraformBlock, private readonly args: Arguments) {
      super(scope, `${block.type}.${block.name}`, { terraformResourceType: block.type });
    }

    protected override synthesizeAttributes(): Record<string, unknown> {
      return this.args();
    }
  }

  class GenericDataSource extends cdktf.TerraformDataSource {
    constructor(scope: Construct, block: TerraformBlock, private readonly args: Arguments) {
      super(scope, `data.${block.type}.${block.name}`, { terraformResourceType: block.type });
    }

    protected override synthesizeAttributes(): Record<string, unknown> {
      return this.args();
    }
  }

  return { TerraformStack: cdktf.TerraformStack, Root, OpenStackProvider, GenericResource, GenericDataSource };
}

/**
 * cdktf writes construct paths and its version under `//` keys, at the top and in every
 * block; Terraform ignores them and they are noise to a reader. Removed in place from the
 * fresh object `toTerraform()` returned.
 */
function withoutMetadata(tf: Record<string, unknown>): Record<string, unknown> {
  delete tf['//'];
  for (const section of ['resource', 'data'] as const) {
    for (const byName of Object.values((tf[section] ?? {}) as Record<string, Record<string, Record<string, unknown>>>)) {
      for (const block of Object.values(byName)) delete block['//'];
    }
  }
  return tf;
}

/**
 * What a plan does to one resource: a closed set, as Terraform's `plans.Action`.
 *
 * The order of {@link ACTIONS} is the order of *badness*: a resource's action is the worst
 * of its attributes' impacts (an attribute that forces replacement makes the whole resource
 * a replace), the way cloudformation-diff ranks property impacts.
 */
export const ACTIONS = ['no-op', 'create', 'update', 'delete', 'replace'] as const;
export type Action = (typeof ACTIONS)[number];

/** What changing one attribute costs: nothing, an in-place update, or a new object. */
export type AttributeImpact = 'no-op' | 'update' | 'replace';

/**
 * The glyph each action is shown with, as Terraform shows it.
 * @example ACTION_GLYPHS.replace // '-/+'
 */
export const ACTION_GLYPHS: Readonly<Record<Action, string>> = {
  'no-op': ' ',
  create: '+',
  update: '~',
  delete: '-',
  replace: '-/+',
};

/** True for actions that remove an object or put a new one in its place: what a reviewer must see first. */
export function isDestructive(action: Action): boolean {
  return action === 'delete' || action === 'replace';
}

/** True when the action puts a new object in the place of the live one. */
export function isReplace(action: Action): action is 'replace' {
  return action === 'replace';
}

const IMPACT_RANK: Readonly<Record<AttributeImpact, number>> = { 'no-op': 0, update: 1, replace: 2 };

/**
 * The worst of several attribute impacts, `no-op` for none.
 * @example worstImpact(['update', 'replace']) // 'replace'
 */
export function worstImpact(impacts: readonly AttributeImpact[]): AttributeImpact {
  let worst: AttributeImpact = 'no-op';
  for (const i of impacts) if (IMPACT_RANK[i] > IMPACT_RANK[worst]) worst = i;
  return worst;
}

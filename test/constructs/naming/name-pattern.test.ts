import { describe, it, expect } from 'vitest';
import { parseNamePattern, renderNamePattern, type Placeholder } from '../../../constructs/naming/name-pattern.ts';

const ALL: readonly Placeholder[] = ['workspaceIdentifier', 'projectIdentifier', 'platformGroupAlias', 'tenantPlatformNumber'];
const values = { workspaceIdentifier: 'acme', projectIdentifier: 'webshop-frontend', platformGroupAlias: 'admin', tenantPlatformNumber: 7 };

describe('name patterns', () => {
  it.each([
    ['#{workspaceIdentifier}.#{projectIdentifier}', 'acme.webshop-frontend'],
    ['#{workspaceIdentifier}.#{projectIdentifier:%.7s}', 'acme.webshop'],
    ['p#{tenantPlatformNumber:%03d}', 'p007'],
    ['p#{tenantPlatformNumber:%.4d}', 'p0007'],
    ['[#{platformGroupAlias:%8s}]', '[   admin]'],
    ['[#{platformGroupAlias:%-8s}]', '[admin   ]'],
    ['#{projectIdentifier:%.7s}-#{platformGroupAlias}#', 'webshop-admin#'],
    ['no placeholders', 'no placeholders'],
  ])('renders %s as %s', (text, expected) => {
    // GIVEN a pattern with every placeholder allowed
    const pattern = parseNamePattern(text, ALL);
    // WHEN it is rendered
    // THEN the placeholders are replaced and formatted as printf would
    expect(pattern.map((p) => renderNamePattern(p, values))._unsafeUnwrap()).toBe(expected);
  });

  it('lists the placeholders a pattern uses, sorted', () => {
    // GIVEN a pattern using two placeholders, one twice
    const pattern = parseNamePattern('#{projectIdentifier}-#{workspaceIdentifier}-#{projectIdentifier}', ALL)._unsafeUnwrap();
    // THEN each is listed once, sorted
    expect(pattern.placeholders).toEqual(['projectIdentifier', 'workspaceIdentifier']);
  });

  it.each([
    ['#{projectId}', ['workspaceIdentifier'], '"#{projectId}" is not a placeholder'],
    ['#{platformGroupAlias}', ['workspaceIdentifier'], 'is not available in this pattern'],
    ['#{projectIdentifier:%.7x}', ALL, 'is not a supported format'],
    ['#{projectIdentifier:%d}', ALL, 'projectIdentifier is text; use %s'],
    ['#{projectIdentifier', ALL, 'is never closed'],
    ['#{tenantPlatformNumber:%-03d}', ALL, 'combines "-" and "0"'],
    ['#{projectIdentifier:%05s}', ALL, 'zero-pads a string'],
  ] as const)('rejects %s', (text, allowed, message) => {
    // GIVEN a malformed pattern
    // WHEN it is parsed
    const result = parseNamePattern(text, allowed);
    // THEN the problem is named
    expect(result._unsafeUnwrapErr().join('\n')).toContain(message);
  });

  it('reports every problem of a pattern, not only the first', () => {
    // GIVEN a pattern with two bad placeholders
    const result = parseNamePattern('#{a}.#{b}', ALL);
    // THEN both are reported
    expect(result._unsafeUnwrapErr()).toHaveLength(2);
  });
});

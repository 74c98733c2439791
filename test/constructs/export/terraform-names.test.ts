import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isTerraformIdentifier, providerAlias, terraformName } from '../../../constructs/export/terraform-names.ts';

describe('terraformName', () => {
  it('joins DNS-label-like identity parts with underscores after the prefix', () => {
    // GIVEN a tenant identity WHEN it is named THEN the name reads like the keyform address
    expect(terraformName('project', ['os-prod', 'acme', 'webshop'])).toBe('project_os-prod_acme_webshop');
  });

  it('keeps other parts readable and tells them apart with a hash of the identity', () => {
    // GIVEN two euids that clean up to the same text
    const dotted = terraformName('user', ['os-prod', 'a.b@x.example']);
    const underscored = terraformName('user', ['os-prod', 'a_b@x.example']);
    // THEN both are readable, and different
    expect(dotted).toMatch(/^user_os-prod_a-b-x-example_[0-9a-f]{8}$/);
    expect(underscored).toMatch(/^user_os-prod_a-b-x-example_[0-9a-f]{8}$/);
    expect(dotted).not.toBe(underscored);
  });

  it('gives a valid Terraform identifier for any identity', () => {
    fc.assert(fc.property(fc.constantFrom('project', 'user', 'limit'), fc.array(fc.string(), { maxLength: 5 }), (prefix, parts) => {
      // GIVEN any parts WHEN named THEN the name is an identifier
      expect(isTerraformIdentifier(terraformName(prefix, parts))).toBe(true);
    }));
  });

  it('gives distinct identities distinct names', () => {
    const part = fc.oneof(fc.stringMatching(/^[a-z0-9-]{1,4}$/), fc.string({ maxLength: 4 }), fc.constantFrom('a.b', 'a_b', 'a-b', 'a@b'));
    fc.assert(fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), fc.array(part, { minLength: 1, maxLength: 4 }), (a, b) => {
      // GIVEN two identities of the same kind WHEN named THEN names are equal only when identities are
      fc.pre(a.length === b.length);
      expect(terraformName('member', a) === terraformName('member', b)).toBe(JSON.stringify(a) === JSON.stringify(b));
    }), { numRuns: 1000 });
  });
});

describe('providerAlias', () => {
  it('is the platform id when that is an identifier, and a named identifier otherwise', () => {
    // GIVEN a usual and an unusual platform id WHEN aliased THEN both are identifiers, the first unchanged
    expect(providerAlias('os-prod')).toBe('os-prod');
    expect(providerAlias('1st.region')).toMatch(/^platform_1st-region_[0-9a-f]{8}$/);
  });
});

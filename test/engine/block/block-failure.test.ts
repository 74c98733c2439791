import { describe, expect, it } from 'vitest';
import { configError } from '../../../constructs/index.ts';
import { nameClash } from '../../../plans/index.ts';
import { authFailed, unreachable } from '../../../engine/openstack/index.ts';
import { cloudFailed, inputsInvalid, planRefused, type BlockFailure } from '../../../engine/block/index.ts';

const problem = (file: string, message: string) => ({ file, line: 3, column: 5, path: 'workspace.identifier', message, hint: 'use lower case' });

describe('block failures', () => {
  it.each<[string, BlockFailure, RegExp, RegExp]>([
    [
      'unreachable cloud before the apply',
      cloudFailed('plan', unreachable('GET', 'http://127.0.0.1:1/v3', 'ECONNREFUSED', 5), false),
      /^The cloud could not be reached\. Nothing was changed in the cloud\. Run the building block again later/,
      /ECONNREFUSED/,
    ],
    [
      'unreachable cloud after the apply',
      cloudFailed('outputs', unreachable('GET', 'http://127.0.0.1:1/v3', 'ECONNREFUSED', 5), true),
      /^The cloud could not be reached\. The changes to your project were made, but this run could not finish\./,
      /ECONNREFUSED/,
    ],
    [
      'credentials Keystone refuses',
      cloudFailed('plan', authFailed('prod', 'HTTP 401'), false),
      /^keyform is not set up correctly for this cloud\. Nothing was changed in the cloud\. This is not a problem with your inputs: please tell the platform team/,
      /Authentication to cloud "prod" failed/,
    ],
    [
      'a problem in the inputs',
      inputsInvalid(configError([problem('inputs.json', 'workspace "ACME": identifier must be a lower-case DNS label')]), 'inputs.json'),
      /^The building block's inputs are not valid\. Nothing was changed in the cloud\. Please correct:\n- workspace "ACME": identifier must be a lower-case DNS label \(use lower case\)$/,
      /^inputs\.json:3:5: workspace "ACME"/,
    ],
    [
      'a problem in the platform configuration',
      inputsInvalid(configError([problem('keyform/platform.hcl', 'platform "p": region is empty')]), 'inputs.json'),
      /^keyform's configuration for this platform has problems\. .*please tell the platform team/,
      /^keyform\/platform\.hcl:3:5: platform "p": region is empty/,
    ],
    [
      'a project name held by an unmanaged project',
      planRefused([nameClash('os-prod', 'keyform_project.tenant["os-prod/acme/webshop"]', { kind: 'project', name: 'acme.webshop', domain: 'Default' }, 'p-1')], []),
      /^Your project cannot be set up as asked\. Nothing was changed in the cloud\.\n- The project name "acme\.webshop" is already used in the cloud by something keyform does not manage\./,
      /id p-1/,
    ],
  ])('explains %s to the project owner, and the detail to the platform team', (_name, f, user, system) => {
    // GIVEN the failure
    // WHEN its messages are read
    // THEN the user message speaks the owner's words and the system message holds the detail
    expect(f.userMessage).toMatch(user);
    expect(f.systemMessage).toMatch(system);
  });
});

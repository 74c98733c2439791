import { describe, expect, it } from 'vitest';
import { runFailed, runStarted, runSucceeded, stepStarted, stepSucceeded, type BlockOutputs, type RunStatus } from '../../../engine/block/index.ts';
import { SUCCEEDED_RUN, statusLine } from './status-receiver.ts';

const OUTPUTS: BlockOutputs = {
  behavior: 'APPLY', platform: 'os-prod', workspace: 'acme', project: 'webshop', projectId: 'p1', projectName: 'acme.webshop',
  domainId: 'default', domainName: 'Default', groups: { admin: 'g1' }, remarks: [],
};

describe('run status', () => {
  it('numbers the documents of a successful run and carries the outputs on the last', () => {
    // GIVEN a run started
    const docs = [runStarted('running')];
    const add = (f: (s: RunStatus) => RunStatus): void => void docs.push(f(docs[docs.length - 1]!));
    // WHEN every step starts and succeeds
    add((s) => stepSucceeded(s, 'validate-inputs', 'valid', ''));
    for (const step of ['plan', 'apply'] as const) {
      add((s) => stepStarted(s, step, `${step}…`));
      add((s) => stepSucceeded(s, step, `${step} done`, ''));
    }
    add((s) => stepStarted(s, 'outputs', 'reading'));
    add((s) => runSucceeded(s, 'outputs', { userMessage: 'ready', systemMessage: 'p1' }, OUTPUTS));
    // THEN the documents say so step by step, and only the last has the outputs
    expect(docs.map(statusLine)).toEqual(SUCCEEDED_RUN);
    expect(docs.map((d) => d.outputs !== undefined)).toEqual([false, false, false, false, false, false, false, true]);
    expect(docs[7]!.userMessage).toBe('ready');
  });

  it('fails the running step and the run in one document', () => {
    // GIVEN a run in its plan step
    const planning = stepStarted(stepSucceeded(runStarted('running'), 'validate-inputs', 'valid', ''), 'plan', 'planning');
    // WHEN the plan fails
    const failed = runFailed(planning, 'plan', { userMessage: 'The cloud could not be reached.', systemMessage: 'GET … ECONNREFUSED' });
    // THEN run and step are FAILED with both messages, and no later step appears
    expect(statusLine(failed)).toBe('4 FAILED: validate-inputs=SUCCEEDED plan=FAILED');
    expect(failed.steps[1]).toMatchObject({ userMessage: 'The cloud could not be reached.', systemMessage: 'GET … ECONNREFUSED' });
  });

  it('treats starting a step twice, or settling one that is not running, as a programmer error', () => {
    // GIVEN a started run
    const s = runStarted('running');
    // WHEN a step is started twice, or one never started is settled
    // THEN both throw
    expect(() => stepStarted(s, 'validate-inputs', 'again')).toThrow('started twice');
    expect(() => stepSucceeded(s, 'apply', 'x', '')).toThrow('not running');
  });
});

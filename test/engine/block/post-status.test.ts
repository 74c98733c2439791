import { describe, expect, it } from 'vitest';
import { postStatus, runStarted, statusUrlProblem, type PostOptions } from '../../../engine/block/index.ts';
import { startReceiver } from './status-receiver.ts';

/** Fast, deterministic retries: 3 extra attempts, 1 ms apart. */
const FAST: PostOptions = { toolVersion: '0.1.0', retry: { retries: 3, baseMs: 1, capMs: 1, retryAfterCapMs: 5, random: () => 1 }, timeoutMs: 2000 };
const DOC = runStarted('The building block is running.');

describe('postStatus', () => {
  it('POSTs the status as JSON, with no credentials of any kind', async () => {
    // GIVEN a receiver that accepts
    const r = await startReceiver();
    try {
      // WHEN a status is posted
      const sent = await postStatus(r.url, DOC, FAST);
      // THEN it arrived once, as the JSON document, without Authorization, token or cookie headers
      expect(sent.isOk()).toBe(true);
      expect(r.received).toHaveLength(1);
      expect(r.received[0]!.method).toBe('POST');
      expect(JSON.parse(r.received[0]!.body)).toEqual(DOC);
      expect(r.received[0]!.headers['content-type']).toBe('application/json');
      expect(Object.keys(r.received[0]!.headers).filter((h) => /auth|token|cookie/i.test(h))).toEqual([]);
    } finally {
      await r.close();
    }
  });

  it('retries 503 and 429 answers until one is accepted', async () => {
    // GIVEN a receiver that answers 503, then 429, then accepts
    const r = await startReceiver({ answers: [503, 429] });
    try {
      // WHEN a status is posted
      const sent = await postStatus(r.url, DOC, FAST);
      // THEN the third attempt delivered it
      expect(sent.isOk()).toBe(true);
      expect(r.received.map((x) => x.answer)).toEqual([503, 429, 204]);
    } finally {
      await r.close();
    }
  });

  it('gives up after the bounded retries, and at once on an answer that will not change', async () => {
    // GIVEN a receiver that keeps failing, and one that answers 400
    const down = await startReceiver({ answers: [500, 500, 500, 500, 500, 500] });
    const refusing = await startReceiver({ answers: [400] });
    try {
      // WHEN a status is posted to each
      const e1 = (await postStatus(down.url, DOC, FAST))._unsafeUnwrapErr();
      const e2 = (await postStatus(refusing.url, DOC, FAST))._unsafeUnwrapErr();
      // THEN the first was tried 1 + 3 times, the second once; both errors say what happened
      expect([down.received.length, e1.attempts]).toEqual([4, 4]);
      expect([refusing.received.length, e2.attempts]).toEqual([1, 1]);
      expect(e1.message).toContain('HTTP 500 after 4 attempt(s)');
      expect(e2.message).toContain('HTTP 400 after 1 attempt(s)');
    } finally {
      await down.close();
      await refusing.close();
    }
  });

  it('reports a receiver that is not listening as not delivered, without leaking the query', async () => {
    // GIVEN a URL whose port nobody listens on, with a query
    const r = await startReceiver();
    const url = `${r.url}?signature=abc123`;
    await r.close();
    // WHEN a status is posted
    const e = (await postStatus(url, DOC, FAST))._unsafeUnwrapErr();
    // THEN it failed after every attempt, and the message shows the URL without its query
    expect(e.attempts).toBe(4);
    expect(e.message).toContain('ECONNREFUSED');
    expect(e.message).not.toContain('abc123');
  });
});

describe('statusUrlProblem', () => {
  it.each([
    ['https://hooks.example/runs/1/status?sig=x', undefined],
    ['http://127.0.0.1:8080/status', undefined],
    ['https://user:pw@hooks.example/status', 'carries a user name or password'],
    ['ftp://hooks.example/status', 'must be an http or https URL'],
    ['hooks.example/status', 'is not a URL'],
  ])('accepts or refuses %s as a status URL, saying why', (url, problem) => {
    // GIVEN a status URL
    // WHEN it is checked
    const found = statusUrlProblem(url);
    // THEN it passes, or the problem says why not
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

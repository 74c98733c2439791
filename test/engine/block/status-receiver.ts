import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunStatus } from '../../../engine/block/index.ts';

/** A status document in one line: `sequence status: step=status …`. */
export const statusLine = (s: RunStatus): string => `${s.sequence} ${s.status}: ${s.steps.map((x) => `${x.id}=${x.status}`).join(' ')}`;

/** The documents of a run whose every step succeeded, as `statusLine` shows them, in order. */
export const SUCCEEDED_RUN: readonly string[] = [
  '1 IN_PROGRESS: validate-inputs=IN_PROGRESS',
  '2 IN_PROGRESS: validate-inputs=SUCCEEDED',
  '3 IN_PROGRESS: validate-inputs=SUCCEEDED plan=IN_PROGRESS',
  '4 IN_PROGRESS: validate-inputs=SUCCEEDED plan=SUCCEEDED',
  '5 IN_PROGRESS: validate-inputs=SUCCEEDED plan=SUCCEEDED apply=IN_PROGRESS',
  '6 IN_PROGRESS: validate-inputs=SUCCEEDED plan=SUCCEEDED apply=SUCCEEDED',
  '7 IN_PROGRESS: validate-inputs=SUCCEEDED plan=SUCCEEDED apply=SUCCEEDED outputs=IN_PROGRESS',
  '8 SUCCEEDED: validate-inputs=SUCCEEDED plan=SUCCEEDED apply=SUCCEEDED outputs=SUCCEEDED',
];

/** One request the receiver got. */
export interface Received {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** The status it was answered with. */
  readonly answer: number;
}

/** A local HTTP server standing in for the governance system that receives run statuses. */
export interface StatusReceiver {
  readonly url: string;
  /** Every request, in arrival order. */
  readonly received: Received[];
  close(): Promise<void>;
}

/**
 * Starts a receiver on 127.0.0.1 (a free port). It answers the first requests with
 * `answers` in turn (e.g. `[503]` to make the first POST fail), then 204.
 * @example const r = await startReceiver({ answers: [503] }); ... await r.close();
 */
export async function startReceiver(opts: { readonly answers?: readonly number[] } = {}): Promise<StatusReceiver> {
  const answers = [...(opts.answers ?? [])];
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = answers.shift() ?? 204;
      received.push({ method: req.method ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answer });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/runs/42/status`,
    received,
    close: () => new Promise((done) => server.close(() => done())),
  };
}

/**
 * Where the CLI writes, as Terraform does: the rendering a command was asked for (a plan as
 * text, Markdown or JSON; a report) goes to stdout, so `keyform show plan.kfplan --format
 * markdown > comment.md` is the comment; progress, prompts and diagnostics go to stderr.
 * Tests pass their own sinks to `main()`.
 */
export interface CliIO {
  readonly stdout: (text: string) => void;
  /**
   * Resolves once stdout has taken what was written to it, at once while its buffer has room.
   * A long rendering waits on it between chunks (`writeChunksOut`): stdout to a pipe is
   * asynchronous, and without the wait a slow reader makes keyform buffer all of its output.
   * @default resolves at once (a test's sink takes everything)
   */
  readonly stdoutDrained?: () => Promise<void>;
  readonly stderr: (text: string) => void;
  /** Whether stderr is an interactive terminal (progress bars, colours, prompts). */
  readonly isTTY: boolean;
  /** Whether stdout is an interactive terminal (colours of a rendering). @default isTTY */
  readonly stdoutIsTTY?: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** The process's own streams. */
export function processIO(): CliIO {
  return {
    stdout: (t) => void process.stdout.write(t),
    stdoutDrained: () => drained(process.stdout),
    stderr: (t) => void process.stderr.write(t),
    isTTY: Boolean(process.stderr.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Exit codes, as `terraform plan -detailed-exitcode`. */
export const EXIT = { ok: 0, error: 1, changes: 2 } as const;

/**
 * Writes `chunks` to stdout one at a time, each once stdout has taken the one before (see
 * `stdoutDrained`): keyform holds a chunk or two of a long rendering, not all of it.
 * @example await writeChunksOut(io, jsonPlanChunks(plan))
 */
export async function writeChunksOut(io: CliIO, chunks: Iterable<string>): Promise<void> {
  for (const chunk of chunks) {
    io.stdout(chunk);
    if (io.stdoutDrained !== undefined) await io.stdoutDrained();
  }
}

/** Resolves when `stream`'s buffer has emptied below its mark, or it can take no more (closed, failed). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (!stream.writableNeedDrain) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      for (const event of EVENTS) stream.off(event, done);
      resolve();
    };
    for (const event of EVENTS) stream.on(event, done);
  });
}

const EVENTS = ['drain', 'close', 'error'] as const;

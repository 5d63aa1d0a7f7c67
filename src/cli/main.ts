/**
 * mailflow-lens: the command-line twin of the extension. Same engine, same Analysis.
 *
 *   mailflow-lens analyze <files|folders…> [--json | --markdown | --sarif] [options]
 *   mailflow-lens fix <files|folders…> [--kind KIND] [--connector NAME] [options]
 *
 * One file: the full report. Several files or a folder: every message is analysed on worker
 * threads and summarised (text / Markdown), streamed as JSON Lines (--json), or collected into one
 * SARIF log (--sarif).
 *
 * Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage or input error (also when
 * not a single message could be analysed). Files in a batch that cannot be analysed are reported
 * on stderr and in the summary, and skipped.
 *
 * This file is the entry (and the batch workers' script): command dispatch and the process's
 * streams. The commands are in ./commands/, their options and settings in ./settings.ts, the
 * shared running of messages in ./run.ts, the help texts in ./help.ts.
 */
import { TOOL_NAME, TOOL_VERSION } from '../core/version';
import { displayLines } from '../core/present/text';
import { findHeaderEnd, InputError, type ReadResult } from '../node/read';
import { UsageError } from './args';
import { safe } from './format-text';
import { ConfigError } from './config';
import { HELP, HELP_MAIN } from './help';
import { EXIT_OK, EXIT_USAGE, type Io } from './io';
import { cmdAnalyze } from './commands/analyze';
import { cmdFix } from './commands/fix';
import { cmdCompare } from './commands/compare';
import { isWorkerContext, runWorker } from './worker';

export { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type Io } from './io';
export { skippedLinksNote } from './run';

export async function main(argv: string[], rawIo: Io): Promise<number> {
  // Everything on stderr may quote a file name, an option value or a file's content: every line is
  // passed through the display sanitiser (escape sequences, C1 controls, bidi characters marked),
  // whatever the message and wherever it was built.
  const io: Io = { ...rawIo, err: (s) => rawIo.err(displayLines(s)) };
  const [command, ...rest] = argv;
  try {
    if (!command || command === '-h' || command === '--help') {
      await io.out(HELP_MAIN);
      return command ? EXIT_OK : EXIT_USAGE;
    }
    if (command === '--version' || command === '-v') {
      await io.out(TOOL_VERSION);
      return EXIT_OK;
    }
    if (command === 'help') {
      const topic = rest[0];
      await io.out(topic && HELP[topic] ? HELP[topic] : HELP_MAIN);
      return topic && !HELP[topic] ? EXIT_USAGE : EXIT_OK;
    }
    if (command === 'analyze' || command === 'analyse') return await cmdAnalyze(rest, io);
    if (command === 'fix') return await cmdFix(rest, io);
    if (command === 'compare') return await cmdCompare(rest, io);
    throw new UsageError(`unknown command "${safe(command, 60)}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${TOOL_NAME}: ${e.message}\nRun "${TOOL_NAME} ${command === 'fix' ? 'fix ' : command === 'analyze' ? 'analyze ' : ''}--help" for usage.`);
      return EXIT_USAGE;
    }
    if (e instanceof InputError || e instanceof ConfigError) {
      io.err(`${TOOL_NAME}: ${displayLines(e.message, { max: 4000 })}`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Process entry

/**
 * Reads standard input; above maxBytes only the header block is kept (like a large file). Reading
 * stops once maxBytes is passed: an endless or huge input is never read to its end (its size is
 * then only known to be above the limit).
 */
export async function readStdin(maxBytes: number, input: AsyncIterable<Buffer> = process.stdin as AsyncIterable<Buffer>): Promise<ReadResult> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of input) {
    chunks.push(chunk);
    kept += chunk.length;
    if (kept > maxBytes) break; // leaving the loop closes the stream
  }
  const all = Buffer.concat(chunks);
  if (kept <= maxBytes) return { bytes: all, size: kept, truncated: false };
  const end = findHeaderEnd(all);
  return { bytes: end >= 0 ? all.subarray(0, end) : all.subarray(0, Math.min(all.length, 16 * 1024 * 1024)), size: kept, truncated: true, sizeIsLowerBound: true };
}

function writeOut(s: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(`${s}\n`)) resolve();
    else process.stdout.once('drain', () => resolve());
  });
}

if (isWorkerContext()) {
  runWorker();
} else if (require.main === module) {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    // the reader went away (e.g. piped into head): stop quietly
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_OK);
  });
  main(process.argv.slice(2), {
    out: writeOut,
    err: (s) => process.stderr.write(`${s}\n`),
    isTty: !!process.stdout.isTTY,
    env: process.env,
    cwd: process.cwd(),
    progressStream: process.stderr,
    readStdin,
    workerEntry: __filename,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`${TOOL_NAME}: internal error: ${(e as Error).stack ?? e}\n`);
      process.exitCode = EXIT_USAGE;
    },
  );
}

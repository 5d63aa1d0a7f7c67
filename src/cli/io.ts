/** The CLI's exit codes and what it writes to (the process entry in main.ts passes stdout and stderr). */
import type { ReadResult } from '../node/read';
import type { ProgressStream } from './progress';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/** Where the CLI writes; out() resolves when the text was handed to the stream (back-pressure). */
export interface Io {
  out: (s: string) => void | Promise<void>;
  err: (s: string) => void;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** stderr, for the progress bar. */
  progressStream?: ProgressStream;
  /** Reads standard input ("-"). */
  readStdin?: (maxBytes: number) => Promise<ReadResult>;
  /** The script the batch workers run (main.js, or the bundle). */
  workerEntry: string;
}

/**
 * mailflow-lens: the command-line twin of the extension. Same engine, same Analysis.
 *
 * Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage or input error.
 */
import { analyze, isMessage } from '../core/analyze';
import type { Analysis, RemedyKind } from '../core/types';
import { TOOL_NAME, TOOL_VERSION } from '../core/version';
import { readMessageFile, InputError, DEFAULT_MAX_MESSAGE_BYTES } from '../node/read';
import { parseArgs, UsageError, str, list, bool, type FlagSpec } from './args';
import { formatText, safe } from './format-text';
import { selectRemedies } from '../core/remedy';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

const COMMON_FLAGS: Record<string, FlagSpec> = {
  help: { short: 'h' },
  'trusted-relay': { value: true, repeat: true },
  'receiving-domain': { value: true, repeat: true },
  'no-color': {},
};

const HELP_MAIN = `${TOOL_NAME} ${TOOL_VERSION}: trace a message's route and find where authentication broke.

Usage:
  ${TOOL_NAME} analyze <file.eml> [--json] [--trusted-relay IP|CIDR|HOST]...
  ${TOOL_NAME} fix <file.eml> [--kind efc|lockdown|arc|gmail|relay] [--connector NAME]
  ${TOOL_NAME} help [command]
  ${TOOL_NAME} --version

Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage or input error.
Run "${TOOL_NAME} help analyze" or "${TOOL_NAME} help fix" for the options of a command.`;

const HELP: Record<string, string> = {
  analyze: `Usage: ${TOOL_NAME} analyze <file.eml> [options]

Reads a saved message and prints its route hop by hop (oldest first), the receiver's verdicts next
to the claims written further down, our re-verification, the findings and the available fixes.

Options:
  --json                       print the Analysis as JSON (documented, versioned schema)
  --trusted-relay IP|CIDR|HOST  treat this relay as part of the path in front of the receiver
                               (repeatable; a-b ranges and *.example.net patterns accepted)
  --receiving-domain DOMAIN    a domain of the receiving organisation (repeatable)
  --no-color                   no colours (also when NO_COLOR is set or output is not a terminal)
  -h, --help                   this help`,
  fix: `Usage: ${TOOL_NAME} fix <file.eml> [options]

Prints the ready-to-paste fix generated from the message: PowerShell for Exchange Online
(Enhanced Filtering for Connectors, lock-down connector, ARC trusted sealers, device relay) or the
Google Admin checklist for Gmail's inbound gateway, with pre-checks, rollback and how to verify.
Nothing is ever executed.

Options:
  --kind efc|lockdown|arc|gmail|relay|cleanup   only this kind of fix (default: all that apply)
  --connector NAME             the inbound connector's name to use in the scripts
  --trusted-relay, --receiving-domain            as for analyze
  -h, --help                   this help`,
};

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  isTty: boolean;
  env: NodeJS.ProcessEnv;
}

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '-h' || command === '--help') {
      io.out(HELP_MAIN);
      return command ? EXIT_OK : EXIT_USAGE;
    }
    if (command === '--version' || command === '-v') {
      io.out(TOOL_VERSION);
      return EXIT_OK;
    }
    if (command === 'help') {
      const topic = rest[0];
      io.out(topic && HELP[topic] ? HELP[topic] : HELP_MAIN);
      return topic && !HELP[topic] ? EXIT_USAGE : EXIT_OK;
    }
    if (command === 'analyze') return await cmdAnalyze(rest, io);
    if (command === 'fix') return await cmdFix(rest, io);
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${TOOL_NAME}: ${e.message}\nRun "${TOOL_NAME} --help" for usage.`);
      return EXIT_USAGE;
    }
    if (e instanceof InputError) {
      io.err(`${TOOL_NAME}: ${e.message}`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

async function load(path: string, a: ReturnType<typeof parseArgs>): Promise<Analysis> {
  const { bytes, truncated, size } = await readMessageFile(path, DEFAULT_MAX_MESSAGE_BYTES);
  const analysis = await analyze(bytes, {
    name: path,
    trustedRelays: list(a, 'trusted-relay'),
    receivingDomains: list(a, 'receiving-domain'),
    dnsMode: 'off',
  });
  if (truncated) {
    analysis.input.headersOnly = true;
    analysis.problems.push({
      code: 'message-too-large',
      severity: 'warning',
      message: `The file is ${(size / 1048576).toFixed(1)} MiB, above the ${DEFAULT_MAX_MESSAGE_BYTES / 1048576} MiB limit: only its headers were analysed.`,
    });
  }
  if (!isMessage(analysis)) {
    const p = analysis.problems.find((x) => x.severity === 'error');
    throw new InputError(`${path}: ${p?.message ?? 'not an e-mail message'}`, path);
  }
  return analysis;
}

async function cmdAnalyze(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, { ...COMMON_FLAGS, json: {} });
  if (bool(a, 'help')) {
    io.out(HELP.analyze);
    return EXIT_OK;
  }
  if (a.positional.length !== 1) throw new UsageError('analyze needs exactly one message file');
  const analysis = await load(a.positional[0], a);
  if (bool(a, 'json')) io.out(JSON.stringify(analysis, null, 2));
  else io.out(formatText(analysis, { color: io.isTty && !io.env.NO_COLOR && !bool(a, 'no-color') }));
  return analysis.findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
}

const KINDS: RemedyKind[] = ['efc', 'lockdown', 'arc', 'gmail', 'relay', 'cleanup'];

async function cmdFix(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, { ...COMMON_FLAGS, kind: { value: true }, connector: { value: true } });
  if (bool(a, 'help')) {
    io.out(HELP.fix);
    return EXIT_OK;
  }
  if (a.positional.length !== 1) throw new UsageError('fix needs exactly one message file');
  const kind = str(a, 'kind') as RemedyKind | undefined;
  if (kind && !KINDS.includes(kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
  const path = a.positional[0];
  const { bytes } = await readMessageFile(path);
  const analysis = await analyze(bytes, {
    name: path,
    trustedRelays: list(a, 'trusted-relay'),
    receivingDomains: list(a, 'receiving-domain'),
    connectorName: str(a, 'connector'),
    dnsMode: 'off',
  });
  if (!isMessage(analysis)) throw new InputError(`${path}: ${analysis.problems.find((x) => x.severity === 'error')?.message ?? 'not an e-mail message'}`, path);
  const remedies = selectRemedies(analysis, kind);
  if (!remedies.length) {
    io.err(`${TOOL_NAME}: no ${kind ? `"${kind}" ` : ''}fix applies to ${safe(path)}: ${analysis.findings.filter((f) => f.severity === 'error').length ? 'the findings have no generated fix of this kind' : 'no error-level findings'}.`);
    return analysis.findings.some((f) => f.severity === 'error') ? EXIT_FINDINGS : EXIT_OK;
  }
  io.out(remedies.map((r) => r.text.trimEnd()).join('\n\n'));
  return EXIT_OK;
}

if (require.main === module) {
  main(process.argv.slice(2), {
    out: (s) => process.stdout.write(`${s}\n`),
    err: (s) => process.stderr.write(`${s}\n`),
    isTty: !!process.stdout.isTTY,
    env: process.env,
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

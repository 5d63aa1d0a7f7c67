/** `fix`: one message's generated fixes, or one Enhanced Filtering script consolidated over a batch. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Cloud, RemedyKind } from '../../core/types';
import { TOOL_NAME } from '../../core/version';
import { selectRemedies } from '../../core/remedy';
import { parseArgs, UsageError, str, bool, type ParsedArgs } from '../args';
import { formatRemedy, safe } from '../format-text';
import { ConnectorStateError, EfcConsolidator, connectorStateFromOption, parseConnectorState, type ConnectorState } from '../fix-batch';
import { HELP } from '../help';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type Io } from '../io';
import { analyzeSingle, hasErrors, planInputs, runBatch, statsLine } from '../run';
import { FIX_FLAGS, settingsFrom } from '../settings';

const KINDS: RemedyKind[] = ['efc', 'lockdown', 'arc', 'gmail', 'relay', 'cleanup'];
const CLOUDS: readonly Cloud[] = ['worldwide', 'gcc-high', 'dod', '21vianet'];

export async function cmdFix(argv: string[], io: Io): Promise<number> {
  const t0 = Date.now();
  const a = parseArgs(argv, FIX_FLAGS);
  if (bool(a, 'help')) {
    await io.out(HELP.fix);
    return EXIT_OK;
  }
  const kind = str(a, 'kind') as RemedyKind | undefined;
  if (kind !== undefined && !KINDS.includes(kind)) throw new UsageError(`--kind must be one of ${KINDS.join(', ')}`);
  const s = await settingsFrom(a, io);
  const plan = await planInputs(a, s, 'fix');

  if (plan.single !== undefined) {
    const analysis = await analyzeSingle(plan.single, s, io);
    // the command line first, then the configuration file
    const certificateName = str(a, 'certificate-name') ?? s.config?.gatewayCertificateName;
    const cloudArg = str(a, 'cloud') as Cloud | undefined;
    if (cloudArg !== undefined && !CLOUDS.includes(cloudArg)) throw new UsageError(`--cloud must be one of ${CLOUDS.join(', ')}`);
    const cloud = cloudArg ?? s.config?.cloud;
    const remedies = selectRemedies(analysis, kind, {
      ...(cloud !== undefined ? { cloud } : {}),
      connectorName: s.engine.connectorName,
      receivingDomains: s.engine.receivingDomains,
      trustedRelays: s.engine.trustedRelays,
      ...(certificateName !== undefined ? { certificateName } : {}),
    });
    const errors = hasErrors(analysis.findings);
    if (!remedies.length) {
      io.err(`${TOOL_NAME}: no ${kind ? `"${kind}" ` : ''}fix applies to ${safe(plan.single, 300)}: ${errors ? 'the findings have no generated fix of this kind' : 'no error-level findings'}.`);
      return errors ? EXIT_FINDINGS : EXIT_OK;
    }
    await io.out(remedies.map((r) => formatRemedy(r)).join('\n\n'));
    if (s.stats) io.err(statsLine({ files: 1, analysed: 1, failed: 0, workers: 0, t0 }));
    return EXIT_OK;
  }

  if (kind !== undefined && kind !== 'efc') {
    throw new UsageError(`over several messages only --kind efc is consolidated; run "${TOOL_NAME} fix <file> --kind ${kind}" on one message`);
  }
  const state = await connectorState(a, s.engine.connectorName, io);
  const efc = new EfcConsolidator();
  let errorMessages = 0;
  const run = await runBatch(
    plan,
    s,
    io,
    { json: false, efc: true },
    (rec) => {
      efc.add(rec.file, rec.efc);
      if (hasErrors(rec.findings)) errorMessages++;
    },
    () => undefined,
  );
  if (s.stats) io.err(statsLine({ files: plan.files.length, analysed: run.analysed, failed: run.failed, workers: run.workers, t0 }));
  const failed = run.failed + plan.unreadable.length;
  if (!run.analysed) {
    io.err(`${TOOL_NAME}: none of the ${failed} files could be analysed`);
    return EXIT_USAGE;
  }
  const result = efc.build(s.engine.connectorName, state);
  io.err(`${TOOL_NAME}: analysed ${run.analysed} of ${run.analysed + failed} files${failed ? `; ${failed} could not be analysed` : ''}; ${result.messagesCovered} reached Exchange Online through a relay`);
  if (!result.script) {
    io.err(`${TOOL_NAME}: no Enhanced Filtering fix: ${result.none}.`);
    return errorMessages ? EXIT_FINDINGS : EXIT_OK;
  }
  await io.out(result.script.trimEnd());
  return EXIT_OK;
}

/** The connector's Enhanced Filtering state for the folder fix: --connector-state FILE or --connector-efc. */
async function connectorState(a: ParsedArgs, connectorName: string | undefined, io: Io): Promise<ConnectorState | undefined> {
  const file = str(a, 'connector-state');
  const stated = str(a, 'connector-efc');
  if (file !== undefined && stated !== undefined) throw new UsageError('give either --connector-state or --connector-efc, not both');
  try {
    if (stated !== undefined) return connectorStateFromOption(stated);
    if (file === undefined) return undefined;
    const full = path.resolve(io.cwd, file);
    const st = await fs.promises.stat(full).catch(() => undefined);
    if (!st || !st.isFile()) throw new UsageError(`--connector-state: ${safe(file, 300)} is not a readable file`);
    if (st.size > 4 * 1048576) throw new UsageError(`--connector-state: ${safe(file, 300)} is larger than 4 MB`);
    return parseConnectorState(await fs.promises.readFile(full, 'utf8'), connectorName, `the pre-check output in ${safe(path.basename(file), 200)}`);
  } catch (e) {
    if (e instanceof ConnectorStateError) throw new UsageError(e.message);
    throw e;
  }
}

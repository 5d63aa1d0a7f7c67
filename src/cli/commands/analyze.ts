/** `analyze`: one message's full report (text, JSON, Markdown, SARIF, HTML), or a batch summary, JSON Lines or one SARIF log. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TOOL_NAME, TOOL_VERSION } from '../../core/version';
import { toJsonText } from '../../core/present/text';
import { buildSarifLog, relativePathToUri, type SarifArtifactInput, type SarifNotificationInput } from '../../core/report/sarif';
import { renderMarkdownReport } from '../../core/report/markdown';
import { renderHtmlReport } from '../../core/report/html';
import { parseRedactionMode, redactAnalysis, redactionNotice, type RedactionMode } from '../../core/report/redact';
import { parseArgs, UsageError, str, bool, type ParsedArgs } from '../args';
import { formatText } from '../format-text';
import { BatchSummary, formatBatchMarkdown, formatBatchText } from '../batch';
import { HELP } from '../help';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type Io } from '../io';
import { analyzeSingle, hasErrors, planInputs, runBatch, statsLine } from '../run';
import { ANALYZE_FLAGS, settingsFrom } from '../settings';

type Format = 'text' | 'json' | 'markdown' | 'sarif' | 'html';

function formatOf(a: ParsedArgs): Format {
  const chosen = (['json', 'markdown', 'sarif', 'html'] as const).filter((f) => bool(a, f));
  if (chosen.length > 1) throw new UsageError(`choose one output format (got --${chosen.join(' and --')})`);
  return chosen[0] ?? 'text';
}

function useColor(a: ParsedArgs, io: Io): boolean {
  if (bool(a, 'no-color')) return false;
  if (bool(a, 'color')) return true;
  return io.isTty && !io.env.NO_COLOR;
}

/** The SARIF artifact location of a path: relative to the working folder when inside it. */
function sarifLocation(p: string, cwd: string): { uri: string; uriBaseId?: string } {
  if (p === '-') return { uri: 'stdin' };
  const abs = path.resolve(cwd, p);
  const rel = path.relative(cwd, abs);
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return { uri: relativePathToUri(rel.split(path.sep).join('/')), uriBaseId: 'SRCROOT' };
  return { uri: pathToFileURL(abs).href };
}

function sarifBase(cwd: string): Record<string, string> {
  const href = pathToFileURL(cwd).href;
  return { SRCROOT: href.endsWith('/') ? href : `${href}/` };
}

export async function cmdAnalyze(argv: string[], io: Io): Promise<number> {
  const t0 = Date.now();
  const a = parseArgs(argv, ANALYZE_FLAGS);
  if (bool(a, 'help')) {
    await io.out(HELP.analyze);
    return EXIT_OK;
  }
  if (bool(a, 'color') && bool(a, 'no-color')) throw new UsageError('--color and --no-color contradict each other');
  const format = formatOf(a);
  let redaction: RedactionMode = 'none';
  const r = str(a, 'redact');
  if (r !== undefined) {
    const m = parseRedactionMode(r);
    if (!m) throw new UsageError('--redact must be local or full');
    if (format !== 'markdown' && format !== 'html' && format !== 'json') throw new UsageError('--redact goes with --markdown, --html or --json');
    redaction = m;
  }
  const s = await settingsFrom(a, io);
  const plan = await planInputs(a, s, 'analyze');
  const color = useColor(a, io);
  if (plan.single === undefined && format === 'html') throw new UsageError('--html writes the report of one message; for several use --markdown or --json');
  if (plan.single === undefined && redaction !== 'none') throw new UsageError('--redact works on the report of one message');

  if (plan.single !== undefined) {
    const analysis = await analyzeSingle(plan.single, s, io);
    const shared = redaction === 'none' ? analysis : redactAnalysis(analysis, redaction);
    const notice = redactionNotice(redaction);
    if (format === 'json') await io.out(toJsonText(shared, 2));
    else if (format === 'html') await io.out(renderHtmlReport(shared, { notice: notice || undefined }).trimEnd());
    else if (format === 'markdown') {
      const md = renderMarkdownReport(shared).trimEnd();
      const nl = md.indexOf('\n');
      await io.out(notice && nl > 0 ? `${md.slice(0, nl)}\n\n> ${notice}${md.slice(nl)}` : md);
    }
    else if (format === 'sarif') {
      const log = buildSarifLog([{ ...sarifLocation(plan.single, io.cwd), byteLength: analysis.input.byteLength, findings: analysis.findings }], { baseUris: sarifBase(io.cwd) });
      await io.out(toJsonText(log, 2));
    } else await io.out(formatText(analysis, { color }));
    if (s.stats) io.err(statsLine({ files: 1, analysed: 1, failed: 0, workers: 0, t0 }));
    return hasErrors(analysis.findings) ? EXIT_FINDINGS : EXIT_OK;
  }

  const summary = new BatchSummary();
  const sarifInputs: SarifArtifactInput[] = [];
  const notifications: SarifNotificationInput[] = [];
  const run = await runBatch(
    plan,
    s,
    io,
    { json: format === 'json', efc: false },
    async (rec, json) => {
      if (format === 'json') await io.out(json!);
      else if (format === 'sarif') sarifInputs.push({ ...sarifLocation(rec.file, io.cwd), byteLength: rec.byteLength, findings: rec.findings });
      else summary.add(rec);
    },
    (file, message) => {
      if (format === 'sarif') notifications.push({ level: 'error', message, ...sarifLocation(file, io.cwd) });
      else summary.addFailure(file, message);
    },
  );
  for (const u of plan.unreadable) {
    if (format === 'sarif') notifications.push({ level: 'error', message: `${u.path}: ${u.message}`, ...sarifLocation(u.path, io.cwd) });
    else summary.addFailure(u.path, `${u.path}: ${u.message}`);
  }
  for (const l of plan.skippedLinks) {
    if (format === 'sarif') notifications.push({ level: 'warning', message: `${l.path}: ${l.reason}`, ...sarifLocation(l.path, io.cwd) });
    else summary.addSkippedLink(l.path, l.reason);
  }

  if (format === 'text') await io.out(formatBatchText(summary.report(), { color }));
  else if (format === 'markdown') await io.out(formatBatchMarkdown(summary.report(), `Generated by ${TOOL_NAME} ${TOOL_VERSION}`).trimEnd());
  else if (format === 'sarif') {
    const log = buildSarifLog(sarifInputs, { baseUris: sarifBase(io.cwd), notifications, executionSuccessful: run.analysed > 0 });
    await io.out(toJsonText(log, 2));
  }
  if (format !== 'text') {
    io.err(`${TOOL_NAME}: analysed ${run.analysed} of ${run.analysed + run.failed + plan.unreadable.length} files${run.failed + plan.unreadable.length ? `; ${run.failed + plan.unreadable.length} could not be analysed` : ''}`);
  }
  if (s.stats) io.err(statsLine({ files: plan.files.length, analysed: run.analysed, failed: run.failed, workers: run.workers, t0 }));
  if (!run.analysed) return EXIT_USAGE;
  return run.errorFindings ? EXIT_FINDINGS : EXIT_OK;
}

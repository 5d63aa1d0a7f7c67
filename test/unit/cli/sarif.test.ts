// SARIF 2.1.0: the CLI's --sarif output validates against the official OASIS SARIF 2.1.0 schema
// shipped unmodified in test/fixtures/sarif (see its README), every result points at the header
// line its evidence names, and the writer's escaping holds against hostile text.
import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildSarifLog, relativePathToUri, ruleName, sarifText, type SarifLog } from '../../../src/core/report/sarif';
import { runCli, tempDir, writeScenarios, writeHostile, ROOT, HOSTILE_FILES, type ScenarioFolder } from './helpers';

/** The official schema (JSON Schema draft-04), unmodified. */
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

interface Validate {
  (data: unknown): boolean;
  errors?: unknown[] | null;
}

let compiled: Validate | undefined;

function validator(): Validate {
  if (compiled) return compiled;
  const Ajv = require('ajv-draft-04') as new (o: object) => { compile(s: object): Validate };
  const addFormats = require('ajv-formats') as (ajv: object) => void;
  // strict: false: ajv's strict mode refuses parts of the official schema (e.g. a "required" member
  // that its anyOf branch does not define).
  // unicodeRegExp: false: its language-tag pattern "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" has a
  // stray "]", which is not a valid regular expression under the u flag.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  compiled = ajv.compile(schema);
  return compiled;
}

/** Lines as SARIF (and VS Code) count them: CRLF, LF or a lone CR end a line. */
function linesOf(file: string): string[] {
  return fs.readFileSync(file, 'latin1').split(/\r\n|\n|\r/);
}

let folder: ScenarioFolder;
let log: SarifLog;
let exitCode: number | null;

before(async () => {
  folder = await writeScenarios(tempDir('sarif'), { nested: true });
  writeHostile(folder.dir);
  const r = await runCli(['analyze', '--sarif', '.'], { cwd: folder.dir });
  exitCode = r.code;
  log = JSON.parse(r.stdout) as SarifLog;
});

describe('analyze --sarif', () => {
  test('validates against the SARIF 2.1.0 schema; exit code as for the text output', () => {
    assert.equal(exitCode, 1);
    const validate = validator();
    const ok = validate(log);
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    assert.equal(log.runs[0].tool.driver.name, 'mailflow-lens');
  });

  test('the schema is strict enough to catch a broken log', () => {
    const validate = validator();
    assert.ok(validate(log), 'the log itself is valid');
    const broken = JSON.parse(JSON.stringify(log)) as SarifLog;
    broken.runs[0].results[0].locations[0].physicalLocation.region!.startLine = 0;
    assert.equal(validate(broken), false, 'line numbers are 1-based');
    assert.ok(JSON.stringify(validate.errors).includes('startLine'), 'rejected for its startLine');
    const noMessage = JSON.parse(JSON.stringify(log)) as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    delete noMessage.runs[0].results[0].message;
    assert.equal(validate(noMessage), false, 'a result needs its message');
    const noVersion = JSON.parse(JSON.stringify(log)) as Record<string, unknown>;
    noVersion.version = '2.0.0';
    assert.equal(validate(noVersion), false, 'only version 2.1.0');
    const typo = JSON.parse(JSON.stringify(log)) as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    typo.runs[0].results[0].severity = 'error';
    assert.equal(validate(typo), false, 'unknown properties are refused');
    const level = JSON.parse(JSON.stringify(log)) as { runs: Array<{ results: Array<Record<string, unknown>> }> };
    level.runs[0].results[0].level = 'fatal';
    assert.equal(validate(level), false);
  });

  test('one artifact per message, relative to the working folder; results point at the header lines', () => {
    const run = log.runs[0];
    assert.equal(run.originalUriBaseIds?.SRCROOT.uri, `${pathToFileURL(fs.realpathSync(folder.dir)).href}/`);
    assert.deepEqual(
      run.artifacts.map((a) => a.location.uri).sort(),
      folder.messages.map((m) => relativePathToUri(m.file.split(path.sep).join('/'))).sort(),
    );
    assert.ok(run.results.length >= folder.messages.length, 'findings became results');
    for (const res of run.results) {
      const rule = run.tool.driver.rules[res.ruleIndex];
      assert.equal(rule.id, res.ruleId);
      const loc = res.locations[0].physicalLocation;
      assert.equal(run.artifacts[loc.artifactLocation.index!].location.uri, loc.artifactLocation.uri);
      const file = path.join(folder.dir, ...decodeURIComponent(loc.artifactLocation.uri).split('/'));
      const lines = linesOf(file);
      const header = res.locations[0].message!.text.split(':')[0];
      const r = loc.region!;
      assert.ok(r.startLine >= 1 && r.endLine >= r.startLine && r.endLine <= lines.length, `${res.ruleId}: region inside the file`);
      if (header !== 'the message') {
        assert.ok(lines[r.startLine - 1].toLowerCase().startsWith(`${header.toLowerCase()}:`), `${res.ruleId} in ${file}: line ${r.startLine} is "${lines[r.startLine - 1].slice(0, 60)}", expected the ${header} field`);
        // a folded field: every further line of the region is a continuation line
        for (let k = r.startLine; k < r.endLine; k++) assert.match(lines[k], /^[ \t]/, `${res.ruleId}: line ${k + 1} continues the field`);
      }
      for (const rel of res.relatedLocations ?? []) {
        const h = rel.message!.text.split(':')[0];
        assert.ok(linesOf(file)[rel.physicalLocation.region!.startLine - 1].toLowerCase().startsWith(`${h.toLowerCase()}:`), `related ${h}`);
      }
    }
    const levels = new Set(run.results.map((x) => x.level));
    assert.ok(levels.has('error') && levels.has('warning'));
  });

  test('files that could not be analysed are tool execution notifications', () => {
    const inv = log.runs[0].invocations[0];
    assert.equal(inv.executionSuccessful, true);
    const notes = inv.toolExecutionNotifications ?? [];
    assert.deepEqual(notes.map((n) => n.locations?.[0].physicalLocation.artifactLocation.uri).sort(), [...HOSTILE_FILES].sort());
    assert.ok(notes.every((n) => n.level === 'error'));
  });

  test('one message: the same format, valid too', async () => {
    const r = await runCli(['analyze', '--sarif', path.join(folder.dir, 'proofpoint-banner-eop.eml')], { cwd: folder.dir });
    assert.equal(r.code, 1);
    const one = JSON.parse(r.stdout) as SarifLog;
    const validate = validator();
    assert.ok(validate(one), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.deepEqual(one.runs[0].artifacts.map((a) => a.location.uri), ['proofpoint-banner-eop.eml']);
    assert.ok(one.runs[0].results.some((x) => x.ruleId === 'spf-evaluated-on-relay' && x.level === 'error'));
  });
});

describe('SARIF writer', () => {
  test('hostile header text: no control or bidi characters, brackets escaped so no embedded link appears', () => {
    const text = sarifText('from evil [click](https://evil.example)\u001b[31m red\u202e gnp.exe\r\nInjected: yes');
    assert.equal(text, 'from evil \\[click\\](https://evil.example)\\[31m red gnp.exe Injected: yes');
    const l = buildSarifLog([{ uri: 'a%20b.eml', uriBaseId: 'SRCROOT', findings: [{ id: 'x-rule', severity: 'info', message: 'm [1](2)', evidence: [] }] }]);
    assert.equal(l.runs[0].results[0].message.text, 'm \\[1\\](2)');
    assert.equal(l.runs[0].results[0].level, 'note');
    assert.deepEqual(l.runs[0].results[0].locations[0].physicalLocation.region, { startLine: 1, endLine: 1 }, 'a finding without evidence points at the top of the message');
    assert.ok(validator()(l));
  });

  test('rules: one descriptor per finding id, most severe level as default, related locations de-duplicated', () => {
    const ev = { header: 'Received', lines: { startLine: 4, endLine: 6 } };
    const l = buildSarifLog([
      { uri: 'a.eml', findings: [{ id: 'slow-hop', severity: 'warning', message: 'slow', evidence: [ev, ev, { header: 'Date', lines: { startLine: 9, endLine: 9 } }] }] },
      { uri: 'b.eml', findings: [{ id: 'slow-hop', severity: 'error', message: 'slower', evidence: [ev] }] },
    ]);
    const run = l.runs[0];
    assert.equal(run.tool.driver.rules.length, 1);
    assert.equal(run.tool.driver.rules[0].name, 'SlowHop');
    assert.equal(run.tool.driver.rules[0].defaultConfiguration.level, 'error');
    assert.deepEqual(run.results[0].locations[0].physicalLocation.region, { startLine: 5, endLine: 7 });
    assert.deepEqual(run.results[0].relatedLocations!.map((x) => [x.id, x.physicalLocation.region!.startLine]), [[1, 5], [2, 10]]);
    assert.equal(run.results[1].locations[0].physicalLocation.artifactLocation.index, 1);
    assert.equal(ruleName('efc-not-enabled'), 'EfcNotEnabled');
    assert.equal(relativePathToUri('tickets/März #4/a b.eml'), 'tickets/M%C3%A4rz%20%234/a%20b.eml');
    assert.ok(validator()(l));
  });
});

// Extension start inside the real extension host, measured for `npm run bench` (scripts/bench/).
//
// The file sorts first, so the suite's first activation happens here. The test only asserts what
// must hold (the extension activates, hands back its API, and a message opened right after gets
// its route and then its full analysis); the times are printed and written to
// $MFL_BENCH_ACTIVATION_OUT (default <repo>/out/bench/activation.json) for the benchmark, which
// reports them next to its own references. No time is compared with a target here.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import { EXTENSION_ID, waitFor } from './mfl-helpers';

export interface ActivationTimes {
  vscodeVersion: string;
  /** The extension was already active when the test started (another event activated it first). */
  alreadyActive: boolean;
  /** ext.activate(): loading dist/extension.js and running activate(), as the host does it. */
  activateMs: number;
  /** Opening a workspace message until the extension host has the document (the workbench's part). */
  firstDocumentMs?: number;
  /** Opening a workspace message until the store holds its headers-first analysis (the route). */
  firstRouteMs: number;
  /** ... until its full analysis (re-verification included). */
  firstFullMs: number;
  /** Date.now() when written, so the benchmark can tell a stale file. */
  writtenAt: number;
}

function outputFile(): string | undefined {
  if (process.env.MFL_BENCH_ACTIVATION_OUT) return process.env.MFL_BENCH_ACTIVATION_OUT;
  const root = process.env.MFL_REPO_ROOT;
  return root ? path.join(root, 'out', 'bench', 'activation.json') : undefined;
}

describe('extension start (measured for the benchmark)', () => {
  it('activates, returns its API, and routes the first message it is shown', async () => {
    const ext = vscode.extensions.getExtension<MailFlowLensApi>(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    const alreadyActive = ext.isActive;

    const t0 = performance.now();
    const api = await ext.activate();
    const activateMs = performance.now() - t0;
    assert.equal(ext.isActive, true);
    assert.ok(api && api.store && api.tree, 'activate() returned no API object');

    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the tests expect test/vscode/workspace to be open as a folder');
    const uri = vscode.Uri.joinPath(folder.uri, 'quarterly-report.eml');
    let tDocument: number | undefined;
    const sub = vscode.workspace.onDidOpenTextDocument((d) => {
      if (tDocument === undefined && d.uri.toString() === uri.toString()) tDocument = performance.now();
    });
    const t1 = performance.now();
    const doc = await vscode.workspace.openTextDocument(uri);
    sub.dispose();
    await vscode.window.showTextDocument(doc, { preview: false });
    const route = await waitFor(() => api.store.get(doc.uri), 'the headers-first analysis of quarterly-report.eml');
    const firstRouteMs = performance.now() - t1;
    assert.ok(route.hops.length > 0, 'the first message has no route');
    await waitFor(() => api.store.phase(doc.uri) === 'full', 'the full analysis of quarterly-report.eml');
    const firstFullMs = performance.now() - t1;
    assert.ok(api.store.get(doc.uri)?.verification, 'the full analysis has no verification');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    const firstDocumentMs = tDocument !== undefined ? tDocument - t1 : undefined;
    const times: ActivationTimes = {
      vscodeVersion: vscode.version,
      alreadyActive,
      activateMs,
      ...(firstDocumentMs !== undefined ? { firstDocumentMs } : {}),
      firstRouteMs,
      firstFullMs,
      writtenAt: Date.now(),
    };
    assert.ok([activateMs, firstRouteMs, firstFullMs].every((t) => Number.isFinite(t) && t >= 0), 'a time could not be read');
    console.log(
      `    activation ${activateMs.toFixed(1)} ms${alreadyActive ? ' (already active)' : ''}, first route ${firstRouteMs.toFixed(1)} ms` +
        `${firstDocumentMs !== undefined ? ` (the document reached the extension host after ${firstDocumentMs.toFixed(1)} ms)` : ''}, first full analysis ${firstFullMs.toFixed(1)} ms`,
    );
    const file = outputFile();
    if (file) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(times, null, 2));
    }
  });
});

// Shared helpers for the Mail Flow Lens integration tests (tree, diagnostics, status bar, commands).
//
// Realistic messages come from the scenario builders in test/fixtures/scenarios: each is built once
// per run (fresh test keys), written to a temporary folder as <name>.eml and opened from there, so
// the repository's files are never touched. The facts each builder records while it builds the
// message are the ground truth the tests assert against.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { after } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import type { Analysis } from '../../../src/core/types';
import type { BuildResult, Scenario } from '../../fixtures/scenarios/types';

export const EXTENSION_ID = 'mailflow-lens.mailflow-lens';

export async function lensApi(): Promise<MailFlowLensApi> {
  const ext = vscode.extensions.getExtension<MailFlowLensApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  const api = await ext.activate();
  assert.ok(api && api.store && api.tree, 'activate() returned no API object');
  return api;
}

export type ScenarioName = 'proofpoint' | 'mimecast' | 'barracuda' | 'device' | 'phish' | 'hybrid';

const SCENARIOS: Record<ScenarioName, () => Scenario> = {
  proofpoint: () => require('../../fixtures/scenarios/s02-proofpoint-banner-eop').proofpointBannerEop,
  mimecast: () => require('../../fixtures/scenarios/s03-mimecast-efc-eop').mimecastEfcEop,
  barracuda: () => require('../../fixtures/scenarios/s04-barracuda-gmail').barracudaGmail,
  device: () => require('../../fixtures/scenarios/s08-device-relay').deviceRelay,
  phish: () => require('../../fixtures/scenarios/s07-phish-fake-helo').phishFakeHelo,
  hybrid: () => require('../../fixtures/scenarios/s06-hybrid-onprem-to-eop').hybridOnpremToEop,
};

let tmpDir: string | undefined;
const built = new Map<ScenarioName, Promise<BuildResult & { uri: vscode.Uri; file: string }>>();

/** A temporary folder for this run's generated files (removed after the run). */
export function tempDir(): string {
  if (!tmpDir) tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mfl-vscode-messages-'));
  return tmpDir;
}

after(() => {
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  tmpDir = undefined;
});

/** Builds a scenario's message (once per run) and writes it to <tmp>/<name>.eml. */
export function scenario(name: ScenarioName): Promise<BuildResult & { uri: vscode.Uri; file: string }> {
  let p = built.get(name);
  if (!p) {
    p = (async () => {
      const r = await SCENARIOS[name]().build();
      const file = path.join(tempDir(), `${name}.eml`);
      fs.writeFileSync(file, r.bytes);
      return { ...r, file, uri: vscode.Uri.file(file) };
    })();
    built.set(name, p);
  }
  return p;
}

export async function waitFor<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 20000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits until the store holds the full (verified) analysis of the document's current version. */
export async function fullAnalysis(api: MailFlowLensApi, doc: vscode.TextDocument): Promise<Analysis> {
  return waitFor(() => (api.store.phase(doc.uri) === 'full' ? api.store.get(doc.uri) : undefined), `the full analysis of ${doc.uri.toString(true)}`);
}

/** Opens a message in an editor and waits for its full analysis; it is then the active message. */
export async function openMessage(api: MailFlowLensApi, uri: vscode.Uri): Promise<{ doc: vscode.TextDocument; editor: vscode.TextEditor; analysis: Analysis }> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  assert.equal(doc.languageId, 'eml');
  const analysis = await fullAnalysis(api, doc);
  await waitFor(() => api.store.active?.uri.toString() === uri.toString(), 'the message to become the active one');
  return { doc, editor, analysis };
}

/**
 * A new untitled document with exactly this text. VS Code can hand out the name of an untitled
 * document closed a moment ago before the extension host has dropped the old one, and then returns
 * the old document: ask again until the text is ours.
 */
export async function openUntitled(language: string, content: string): Promise<vscode.TextDocument> {
  for (let i = 0; ; i++) {
    const doc = await vscode.workspace.openTextDocument({ language, content });
    if (doc.getText() === content && doc.languageId === language) return doc;
    if (i >= 5) throw new Error(`openTextDocument kept returning a stale untitled document (${doc.uri.toString()})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Opens text as an untitled eml document (for edits: the repository's and the user's files stay untouched). */
export async function openUntitledMessage(api: MailFlowLensApi, content: string): Promise<{ doc: vscode.TextDocument; editor: vscode.TextEditor; analysis: Analysis }> {
  const doc = await openUntitled('eml', content);
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  const analysis = await fullAnalysis(api, doc);
  return { doc, editor, analysis };
}

/** Closes every editor, reverting untitled/edited documents first (no save prompts, nothing written). */
export async function closeAll(): Promise<void> {
  for (let i = 0; i < 30 && vscode.window.visibleTextEditors.length > 0; i++) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export function workspaceFile(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests expect test/vscode/workspace to be open as a folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** Sets a Mail Flow Lens setting in the (throw-away) user settings of the test profile. */
export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('mailFlowLens').update(key, value, vscode.ConfigurationTarget.Global);
}

export function iconId(item: vscode.TreeItem): string | undefined {
  const icon = item.iconPath;
  return icon instanceof vscode.ThemeIcon ? icon.id : undefined;
}

export function iconColor(item: vscode.TreeItem): string | undefined {
  const icon = item.iconPath;
  return icon instanceof vscode.ThemeIcon && icon.color ? (icon.color as unknown as { id: string }).id : undefined;
}

export function labelOf(item: vscode.TreeItem): string {
  const l = item.label;
  return typeof l === 'string' ? l : l?.label ?? '';
}

/** Writes a scenario's DNS zone next to its message (the recorded-DNS snapshot the settings can name). */
export async function scenarioSnapshot(name: ScenarioName): Promise<string> {
  const s = await scenario(name);
  const file = path.join(tempDir(), `${name}.dns.json`);
  fs.writeFileSync(file, JSON.stringify(s.dnsZone));
  return file;
}

/** Writes a message to the temporary folder as <name>.eml and returns its URI. */
export function tempMessage(name: string, text: string): vscode.Uri {
  const file = path.join(tempDir(), `${name}.eml`);
  fs.writeFileSync(file, text);
  return vscode.Uri.file(file);
}

/** Every node of the Route view, depth first. */
export function allNodes(api: MailFlowLensApi): import('../../../src/extension/tree').RouteNode[] {
  const out: import('../../../src/extension/tree').RouteNode[] = [];
  const walk = (ns: import('../../../src/extension/tree').RouteNode[]) => ns.forEach((n) => (out.push(n), walk(n.children)));
  walk(api.tree.getChildren());
  return out;
}

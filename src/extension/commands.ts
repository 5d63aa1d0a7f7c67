/**
 * The palette / menu commands. Nothing here changes the user's message files: samples open
 * read-only, clipboard text opens as an untitled document, generated scripts open as new untitled
 * documents (or, on request, are inserted into the PowerShell editor the user has open), and
 * reports are written only where the save dialog says. No generated script is ever run.
 */
import * as vscode from 'vscode';
import type { Analysis, Remedy } from '../core/types';
import { generateByIds } from '../core/remedy';
import { psComment } from '../core/remedy/powershell';
import { flatten } from '../core/present/text';
import { mdText } from '../core/present/markdown-text';
import { renderMarkdownReport, renderRouteTable } from '../core/report/markdown';
import { readSettings, type EfcMode } from './config';
import type { Samples } from './samples';
import { isEml, LANGUAGE_ID, type Store } from './store';
import { FOCUS_ROUTE_COMMAND } from './statusBar';
import { ROUTE_VIEW_ID } from './tree';
import { asUri } from './uri';

export const COMMANDS = {
  analyze: 'mailflowLens.analyze',
  analyzeClipboard: 'mailflowLens.analyzeClipboard',
  generateFix: 'mailflowLens.generateFix',
  exportReport: 'mailflowLens.exportReport',
  copyRoute: 'mailflowLens.copyRouteMarkdown',
  openSettings: 'mailflowLens.openSettings',
  openSample: 'mailflowLens.openSample',
  treatAsMessage: 'mailflowLens.treatAsMessage',
  focusRoute: FOCUS_ROUTE_COMMAND,
} as const;

/** Clipboard text above this size is refused (a message's headers are a few KB). */
const MAX_CLIPBOARD_CHARS = 16 * 1024 * 1024;

const EFC_PREFERENCE: Record<EfcMode, string | undefined> = {
  auto: undefined,
  skipLastIp: 'efc-skip-last-ip',
  skipIps: 'efc-skip-ips',
};

const VSCODE_LANGUAGE: Record<Remedy['language'], string> = {
  powershell: 'powershell',
  markdown: 'markdown',
  text: 'plaintext',
  dns: 'plaintext',
};

/** What a fix is, in at most 38 characters: the first line of its document, and so its tab title. */
const FIX_HEADLINES: Record<string, string> = {
  'efc-skip-ips': 'Enhanced Filtering: skip relay IPs',
  'efc-skip-last-ip': 'Enhanced Filtering: skip the last hop',
  'efc-pilot-users': 'Enhanced Filtering: pilot recipients',
  'efc-verify': 'Enhanced Filtering: how to verify',
  'lockdown-connector': 'Lock-down inbound connector',
  'lockdown-certificate': 'Lock-down connector (certificate)',
  'arc-trusted-sealer': 'Trust the ARC sealer',
  'gmail-inbound-gateway': 'Gmail inbound gateway settings',
  'device-relay-connector': 'Device relay connector',
  'spf-record-relay': 'SPF record for the relay',
  'remove-scl-bypass': 'Clean-up: SCL -1 bypass rule',
  'remove-ip-allow': 'Clean-up: gateway in IP Allow List',
};

/** The short headline of a fix (an untitled editor is titled by its first line, up to 40 characters). */
export function fixHeadline(r: Remedy): string {
  return FIX_HEADLINES[r.id] ?? flatten(r.title, 38);
}

/**
 * The text of the document "Generate Fix" opens: a one-line headline that says what it is (the
 * untitled tab takes its title from it), the remedy's script exactly as generated, then its
 * pre-checks, roll-back and verification steps as comments (PowerShell) or list items (Markdown).
 * Comment lines go through the one PowerShell comment helper, so no text from the message can end
 * a comment and become code. DNS records and plain text start with the record itself.
 */
export function fixDocumentText(r: Remedy): string {
  const body = r.text.endsWith('\n') ? r.text : `${r.text}\n`;
  const text = r.language === 'powershell' ? `${psComment(fixHeadline(r))}\n${body}` : r.language === 'markdown' ? `# ${mdText(fixHeadline(r), 60)}\n\n${body}` : body;
  const sections: Array<[string, string[]]> = [
    ['Before you run it', r.preChecks],
    ['Caveats', r.caveats],
    ['To roll back', r.rollback],
    ['After the change, verify', r.verify],
  ];
  const present = sections.filter(([, items]) => items.length);
  if (!present.length) return text;
  if (r.language === 'powershell') {
    const out: string[] = [];
    for (const [title, items] of present) {
      out.push('', psComment(`${title}:`));
      for (const i of items) out.push(psComment(`  ${i}`));
    }
    return `${text}${out.join('\n')}\n`;
  }
  if (r.language === 'markdown') {
    const out: string[] = [];
    for (const [title, items] of present) {
      out.push('', `## ${title}`, '');
      for (const i of items) out.push(`- ${mdText(i, 2000)}`);
    }
    return `${text}${out.join('\n')}\n`;
  }
  const out: string[] = [];
  for (const [title, items] of present) {
    out.push('', `${title}:`);
    for (const i of items) out.push(`  - ${flatten(i, 2000)}`);
  }
  return `${text}${out.join('\n')}\n`;
}

/** Remedies offered for a message, the one the settings prefer (EFC mode) or the recommended one first. */
export function orderRemedies(a: Analysis, efcMode: EfcMode, connectorName: string): Array<Remedy & { preferred?: boolean }> {
  const list: Array<Remedy & { preferred?: boolean }> = [...a.remedies];
  const preferredId = EFC_PREFERENCE[efcMode];
  if (preferredId && list.some((r) => r.kind === 'efc') && !list.some((r) => r.id === preferredId)) {
    try {
      list.push(...generateByIds(a, [preferredId], connectorName ? { connectorName } : {}));
    } catch {
      // the generator has nothing for this message
    }
  }
  const marked = list.map((r) => (r.id === preferredId ? { ...r, preferred: true } : r));
  const score = (r: Remedy & { preferred?: boolean }) => (r.preferred ? 0 : preferredId === undefined && r.recommended ? 0 : 1);
  return marked.map((r, i) => ({ r, i })).sort((x, y) => score(x.r) - score(y.r) || x.i - y.i).map((x) => x.r);
}

function isPowerShellDocument(d: vscode.TextDocument): boolean {
  return d.languageId === 'powershell' || /\.(ps1|psm1|psd1)$/i.test(d.uri.path);
}

async function openUntitled(language: string, content: string): Promise<vscode.TextDocument> {
  try {
    return await vscode.workspace.openTextDocument({ language, content });
  } catch {
    return vscode.workspace.openTextDocument({ language: 'plaintext', content });
  }
}

function defaultReportUri(uri: vscode.Uri): vscode.Uri | undefined {
  const base = uri.path.slice(uri.path.lastIndexOf('/') + 1).replace(/\.eml$/i, '') || 'message';
  const name = `${base.replace(/[^A-Za-z0-9._ -]/g, '_')}.report.md`;
  if (uri.scheme === 'file') return vscode.Uri.joinPath(uri, '..', name);
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, name) : undefined;
}

export class Commands implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly store: Store,
    private readonly samples: Samples,
    private readonly extensionId: string,
  ) {
    const reg = (id: string, fn: (...args: unknown[]) => unknown) =>
      this.disposables.push(
        vscode.commands.registerCommand(id, async (...args: unknown[]) => {
          try {
            return await fn(...args);
          } catch (e) {
            void vscode.window.showErrorMessage(`Mail Flow Lens: ${(e as Error).message}`);
            return undefined;
          }
        }),
      );
    reg(COMMANDS.analyze, (u) => this.analyze(asUri(u)));
    reg(COMMANDS.analyzeClipboard, () => this.analyzeClipboard());
    reg(COMMANDS.generateFix, (a, b) => this.generateFix(a, b));
    reg(COMMANDS.exportReport, (u, target) => this.exportReport(asUri(u), asUri(target)));
    reg(COMMANDS.copyRoute, (u) => this.copyRoute(asUri(u)));
    reg(COMMANDS.openSettings, () => vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${this.extensionId}`));
    reg(COMMANDS.openSample, (name) => this.samples.open(typeof name === 'string' ? name : undefined));
    reg(COMMANDS.treatAsMessage, (u) => this.treatAsMessage(asUri(u)));
    reg(COMMANDS.focusRoute, () => vscode.commands.executeCommand(`${ROUTE_VIEW_ID}.focus`));
  }

  /** The message a command works on: the given one, else the active eml editor, else the message the views show. */
  private message(uri?: vscode.Uri): vscode.TextDocument | undefined {
    if (uri) {
      const key = uri.toString();
      const d = vscode.workspace.textDocuments.find((x) => x.uri.toString() === key);
      if (isEml(d)) return d;
    }
    const editor = vscode.window.activeTextEditor?.document;
    if (isEml(editor)) return editor;
    return this.store.activeDocument;
  }

  private async analysisOf(uri?: vscode.Uri): Promise<{ document: vscode.TextDocument; analysis: Analysis } | undefined> {
    const document = this.message(uri);
    if (!document) {
      void vscode.window.showInformationMessage('Mail Flow Lens: open a saved message (.eml) first, or run "Analyze Headers from Clipboard".');
      return undefined;
    }
    const analysis = await this.store.analyze(document);
    return analysis ? { document, analysis } : undefined;
  }

  async analyze(uri?: vscode.Uri): Promise<Analysis | undefined> {
    const document = this.message(uri);
    if (!document) {
      void vscode.window.showInformationMessage('Mail Flow Lens: open a saved message (.eml) first.');
      return undefined;
    }
    return this.store.analyze(document, true);
  }

  async analyzeClipboard(): Promise<vscode.TextEditor | undefined> {
    const text = await vscode.env.clipboard.readText();
    if (!text.trim()) {
      void vscode.window.showInformationMessage('Mail Flow Lens: the clipboard is empty. Copy a message\'s headers (e.g. "View message source" in Outlook or "Show original" in Gmail) and try again.');
      return undefined;
    }
    if (text.length > MAX_CLIPBOARD_CHARS) {
      void vscode.window.showWarningMessage('Mail Flow Lens: the clipboard holds more than 16 MB of text; save the message as a .eml file and open that instead.');
      return undefined;
    }
    let doc = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: text });
    // a just-closed untitled document's name can be handed out again before its old text is gone
    if (doc.getText() !== text) doc = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content: text });
    return vscode.window.showTextDocument(doc, { preview: false });
  }

  async treatAsMessage(uri?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
    const key = uri?.toString();
    const doc = (key && vscode.workspace.textDocuments.find((d) => d.uri.toString() === key)) || vscode.window.activeTextEditor?.document;
    if (!doc) {
      void vscode.window.showInformationMessage('Mail Flow Lens: open or paste a message first.');
      return undefined;
    }
    if (doc.languageId === LANGUAGE_ID) {
      await this.store.analyze(doc, true);
      return doc;
    }
    return vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID);
  }

  /**
   * Generate Fix: `remedyId` (a string) picks the remedy without asking (code actions and tests);
   * otherwise a quick pick lists the message's remedies. The text opens in a new untitled document
   * beside the message, or goes in at the cursor when the active editor is a PowerShell file.
   */
  async generateFix(arg0?: unknown, arg1?: unknown): Promise<vscode.TextEditor | undefined> {
    const remedyId = typeof arg0 === 'string' ? arg0 : undefined;
    const uri = asUri(arg0) ?? asUri(arg1);
    const target = await this.analysisOf(uri);
    if (!target) return undefined;
    const settings = readSettings(target.document.uri);
    let remedies = orderRemedies(target.analysis, settings.efcMode, settings.connectorName);
    // from a finding in the Route view: only the fixes of that finding
    const fromFinding = findingRemedies(arg0);
    if (fromFinding) remedies = remedies.filter((r) => fromFinding.includes(r.id));
    let remedy: Remedy | undefined;
    if (remedyId !== undefined) {
      remedy = remedies.find((r) => r.id === remedyId);
      if (!remedy) throw new Error(`this message has no fix "${flatten(remedyId, 60)}" (available: ${remedies.map((r) => r.id).join(', ') || 'none'}).`);
    } else {
      if (!remedies.length) {
        void vscode.window.showInformationMessage('Mail Flow Lens: no change is suggested for this message.');
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(
        remedies.map((r) => ({
          label: `${r.preferred || (r.recommended && !remedies.some((x) => x.preferred)) ? '$(star-full) ' : ''}${flatten(r.title, 120)}`,
          description: [r.kind, r.preferred ? 'preferred in settings' : r.recommended ? 'recommended' : ''].filter(Boolean).join(' · '),
          detail: r.why ? flatten(r.why, 300) : undefined,
          remedy: r,
        })),
        { title: 'Generate Fix', placeHolder: 'The change to make (opens as text to review; nothing is run)', matchOnDetail: true },
      );
      if (!pick) return undefined;
      remedy = pick.remedy;
    }
    const text = fixDocumentText(remedy);
    const active = vscode.window.activeTextEditor;
    if (remedy.language === 'powershell' && active && isPowerShellDocument(active.document)) {
      const sel = active.selection;
      const ok = await active.edit((eb) => eb.replace(sel, text));
      if (ok) return active;
    }
    let doc = await openUntitled(VSCODE_LANGUAGE[remedy.language], text);
    // a just-closed untitled document's name can be handed out again before its old text is gone
    if (doc.getText() !== text) doc = await openUntitled(VSCODE_LANGUAGE[remedy.language], text);
    return vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
  }

  /** Export Report: Markdown to the file the save dialog names (or `target`, without a dialog). */
  async exportReport(uri?: vscode.Uri, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    const m = await this.analysisOf(uri);
    if (!m) return undefined;
    let dest = target;
    if (!dest) {
      dest = await vscode.window.showSaveDialog({
        defaultUri: defaultReportUri(m.document.uri),
        filters: { Markdown: ['md'] },
        saveLabel: 'Export Report',
        title: 'Export Mail Flow Lens Report',
      });
      if (!dest) return undefined;
    }
    const destKey = dest.toString();
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === destKey && (d.languageId === LANGUAGE_ID || d.isDirty)) || /\.eml$/i.test(dest.path)) {
      throw new Error('the report would overwrite a message or an unsaved document; choose another file name.');
    }
    const markdown = renderMarkdownReport(m.analysis, { generatedAt: new Date().toISOString() });
    await vscode.workspace.fs.writeFile(dest, Buffer.from(markdown, 'utf8'));
    if (!target) {
      void vscode.window.showInformationMessage(`Mail Flow Lens: report saved to ${dest.fsPath || dest.path}.`, 'Open').then((choice) => {
        if (choice === 'Open') void vscode.window.showTextDocument(dest);
      });
    }
    return dest;
  }

  async copyRoute(uri?: vscode.Uri): Promise<string | undefined> {
    const m = await this.analysisOf(uri);
    if (!m) return undefined;
    const table = renderRouteTable(m.analysis);
    await vscode.env.clipboard.writeText(table);
    vscode.window.setStatusBarMessage(`$(check) Route copied as a Markdown table (${m.analysis.hops.length} hops)`, 3000);
    return table;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The remedy ids of a Route view finding node passed as a command argument (inline action). */
function findingRemedies(v: unknown): string[] | undefined {
  if (!v || typeof v !== 'object' || !('finding' in v)) return undefined;
  const f = (v as { finding?: { remedies?: unknown } }).finding;
  return f && Array.isArray(f.remedies) ? f.remedies.filter((x): x is string => typeof x === 'string') : undefined;
}

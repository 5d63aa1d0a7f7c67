/**
 * Reports to share: "Export Report (HTML)…" writes one self-contained HTML file (no script, no
 * external resource), and "Export Report for Sharing (Markdown)…" the Markdown report; both ask
 * whether to mask personal data first: nothing, the local parts of addresses and display names, or
 * also the subject and every domain that is not Microsoft's, Google's or the gateway's. Files are
 * written only where the save dialog (or a test's target argument) says, never over a message.
 */
import * as vscode from 'vscode';
import type { Analysis } from '../core/types';
import { renderHtmlReport } from '../core/report/html';
import { renderMarkdownReport } from '../core/report/markdown';
import { parseRedactionMode, redactAnalysis, redactionNotice, type RedactionMode } from '../core/report/redact';
import { isEml, LANGUAGE_ID, type Store } from './store';
import { asUri } from './uri';

export const EXPORT_HTML_COMMAND = 'mailflowLens.exportReportHtml';
export const EXPORT_SHARED_MARKDOWN_COMMAND = 'mailflowLens.exportReportShared';

export type ReportFormat = 'html' | 'markdown';

const REDACTION_ITEMS: Array<vscode.QuickPickItem & { mode: RedactionMode }> = [
  { label: 'Mask addresses and domains', description: 'for sharing outside', detail: 'Addresses, display names, the subject and every domain except Microsoft\'s, Google\'s and the gateway\'s. IPs stay.', mode: 'full' },
  { label: 'Mask local parts', description: 'user-1@contoso.com', detail: 'The part before the @ of every address and display names. Domains, hosts and IPs stay.', mode: 'local-parts' },
  { label: 'No masking', description: 'the report as it is', detail: 'Everything the message shows, for use inside your organisation.', mode: 'none' },
];

/** The report text of an analysis in a format, with personal data masked as asked. */
export function reportText(a: Analysis, format: ReportFormat, mode: RedactionMode, generatedAt?: string): string {
  const shared = mode === 'none' ? a : redactAnalysis(a, mode);
  const notice = redactionNotice(mode);
  if (format === 'html') return renderHtmlReport(shared, { generatedAt, notice: notice || undefined });
  const md = renderMarkdownReport(shared, { generatedAt });
  const nl = md.indexOf('\n');
  return notice && nl > 0 ? `${md.slice(0, nl)}\n\n> ${notice}\n${md.slice(nl)}` : md;
}

export class Reports implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly store: Store) {
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
    reg(EXPORT_HTML_COMMAND, (u, t, r) => this.export('html', asUri(u), asUri(t), typeof r === 'string' ? r : undefined));
    reg(EXPORT_SHARED_MARKDOWN_COMMAND, (u, t, r) => this.export('markdown', asUri(u), asUri(t), typeof r === 'string' ? r : undefined));
  }

  private document(uri?: vscode.Uri): vscode.TextDocument | undefined {
    if (uri) {
      const key = uri.toString();
      const d = vscode.workspace.textDocuments.find((x) => x.uri.toString() === key);
      if (isEml(d)) return d;
    }
    const active = vscode.window.activeTextEditor?.document;
    if (isEml(active)) return active;
    return this.store.activeDocument;
  }

  /**
   * Writes the report of the message `uri` (else the active one) to `target` (else where the save
   * dialog says), masked as `redaction` says (else asked: none / local-parts / full).
   */
  async export(format: ReportFormat, uri?: vscode.Uri, target?: vscode.Uri, redaction?: string): Promise<vscode.Uri | undefined> {
    const document = this.document(uri);
    if (!document) {
      void vscode.window.showInformationMessage('Mail Flow Lens: open a saved message (.eml or .msg) first, or run "Analyze Headers from Clipboard".');
      return undefined;
    }
    let mode: RedactionMode | undefined;
    if (redaction !== undefined) {
      mode = parseRedactionMode(redaction);
      if (!mode) throw new Error(`unknown masking "${redaction.slice(0, 40)}": use none, local-parts or full.`);
    } else {
      const items = format === 'markdown' ? REDACTION_ITEMS.filter((i) => i.mode !== 'none') : REDACTION_ITEMS;
      const pick = await vscode.window.showQuickPick(items, { title: 'Mask personal data before sharing?', placeHolder: 'What to hide in the report' });
      if (!pick) return undefined;
      mode = pick.mode;
    }
    const analysis = await this.store.analyze(document);
    if (!analysis) return undefined;
    let dest = target;
    if (!dest) {
      dest = await vscode.window.showSaveDialog({
        defaultUri: defaultReportUri(document.uri, format, mode),
        filters: format === 'html' ? { HTML: ['html', 'htm'] } : { Markdown: ['md'] },
        saveLabel: 'Export Report',
        title: format === 'html' ? 'Export Mail Flow Lens Report (HTML)' : 'Export Mail Flow Lens Report (Markdown)',
      });
      if (!dest) return undefined;
    }
    const destKey = dest.toString();
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === destKey && (d.languageId === LANGUAGE_ID || d.isDirty)) || /\.(eml|msg)$/i.test(dest.path)) {
      throw new Error('the report would overwrite a message or an unsaved document; choose another file name.');
    }
    await vscode.workspace.fs.writeFile(dest, Buffer.from(reportText(analysis, format, mode, new Date().toISOString()), 'utf8'));
    if (!target) {
      const where = dest;
      void vscode.window.showInformationMessage(`Mail Flow Lens: report saved to ${where.fsPath || where.path}.`, format === 'html' ? 'Open in Browser' : 'Open').then((choice) => {
        if (choice === 'Open') void vscode.window.showTextDocument(where);
        else if (choice === 'Open in Browser') void vscode.env.openExternal(where);
      });
    }
    return dest;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

function defaultReportUri(uri: vscode.Uri, format: ReportFormat, mode: RedactionMode): vscode.Uri | undefined {
  const base = uri.path.slice(uri.path.lastIndexOf('/') + 1).replace(/\.eml$/i, '').replace(/\.msg$/i, '') || 'message';
  const name = `${mode === 'full' ? 'message' : base.replace(/[^A-Za-z0-9._ -]/g, '_')}${mode === 'none' ? '' : '.shared'}.report.${format === 'html' ? 'html' : 'md'}`;
  if (uri.scheme === 'file') return vscode.Uri.joinPath(uri, '..', name);
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, name) : undefined;
}

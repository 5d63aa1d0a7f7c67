/**
 * The bundled sample messages (samples/*.eml in the extension), opened as read-only virtual
 * documents (`mailflow-lens-sample:/<name>.eml`): the user can look and analyse, never modify
 * or accidentally save over them, and closing one asks nothing.
 */
import * as vscode from 'vscode';

export const SAMPLE_SCHEME = 'mailflow-lens-sample';

/** What each known sample shows (unknown files are listed by name). */
const DESCRIPTIONS: Record<string, string> = {
  'proofpoint-to-exchange-online.eml': 'Proofpoint adds a banner in front of Exchange Online: DKIM breaks, SPF sees the gateway',
  'mimecast-efc-exchange-online.eml': 'Mimecast in front of Exchange Online with Enhanced Filtering working',
  'barracuda-to-gmail.eml': 'Barracuda in front of Gmail without the inbound gateway setting',
  'device-relay.eml': 'A printer relaying through Microsoft 365 fails SPF',
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,100}\.eml$/;

export interface Sample {
  name: string;
  description: string;
}

export class Samples implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly registration: vscode.Disposable;

  constructor(private readonly extensionUri: vscode.Uri) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(SAMPLE_SCHEME, this);
  }

  private folder(): vscode.Uri {
    return vscode.Uri.joinPath(this.extensionUri, 'samples');
  }

  /** The bundled samples, known ones first in a fixed order. */
  async list(): Promise<Sample[]> {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(this.folder());
    } catch {
      return [];
    }
    const known = Object.keys(DESCRIPTIONS);
    return entries
      .filter(([name, type]) => type === vscode.FileType.File && NAME.test(name))
      .map(([name]) => ({ name, description: DESCRIPTIONS[name] ?? '' }))
      .sort((a, b) => rank(known, a.name) - rank(known, b.name) || a.name.localeCompare(b.name));
  }

  uriOf(name: string): vscode.Uri {
    return vscode.Uri.from({ scheme: SAMPLE_SCHEME, path: `/${name}` });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const name = uri.path.replace(/^\//, '');
    if (!NAME.test(name)) throw new Error(`No such sample: ${name}`);
    const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.folder(), name));
    return new TextDecoder('utf-8').decode(bytes);
  }

  /** Opens a sample read-only in an editor; asks which one when no name is given. */
  async open(name?: string): Promise<vscode.TextEditor | undefined> {
    if (name === undefined) {
      const samples = await this.list();
      if (!samples.length) {
        void vscode.window.showWarningMessage('Mail Flow Lens: no sample messages are bundled with this installation.');
        return undefined;
      }
      const pick = await vscode.window.showQuickPick(
        samples.map((s) => ({ label: `$(mail) ${s.name}`, description: s.description, name: s.name })),
        { title: 'Open Sample Message', placeHolder: 'A saved message to try Mail Flow Lens on (opens read-only)' },
      );
      if (!pick) return undefined;
      name = pick.name;
    }
    if (!NAME.test(name)) throw new Error(`Not a sample name: ${name}`);
    const doc = await vscode.workspace.openTextDocument(this.uriOf(name));
    const eml = doc.languageId === 'eml' ? doc : await vscode.languages.setTextDocumentLanguage(doc, 'eml');
    return vscode.window.showTextDocument(eml, { preview: false });
  }

  dispose(): void {
    this.registration.dispose();
  }
}

function rank(known: string[], name: string): number {
  const i = known.indexOf(name);
  return i === -1 ? known.length : i;
}

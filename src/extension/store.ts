/**
 * The analysis cache: one Analysis per open `eml` document and version. Every view reads it.
 *
 * Two phases per run: the headers-first analysis (analyzeHeaders: synchronous, no body, the whole
 * route in milliseconds) is published at once, then the full analysis (re-verification of DKIM
 * body hashes, ARC, SPF what-if, DMARC) replaces it when it is done. Large messages get a progress
 * indicator; a run whose document changed or closed in the meantime is dropped.
 */
import * as vscode from 'vscode';
import { analyze, analyzeHeaders, isMessage } from '../core/analyze';
import type { Analysis } from '../core/types';
import type { AnalysisStore, Selection } from './api';
import { OptionCaches, resolveOptions, SECTION, type ResolvedOptions } from './config';

export const LANGUAGE_ID = 'eml';
export const DEBOUNCE_MS = 300;
/** Above this size the full analysis shows a progress indicator. */
export const LARGE_MESSAGE_BYTES = 5 * 1024 * 1024;

export type Phase = 'headers' | 'full';

interface Entry {
  version: number;
  generation: number;
  analysis: Analysis;
  phase: Phase;
  notes: string[];
  dnsMode: ResolvedOptions['dnsMode'];
}

interface Running {
  version: number;
  generation: number;
  promise: Promise<Analysis | undefined>;
}

export function isEml(document: vscode.TextDocument | undefined): document is vscode.TextDocument {
  return !!document && document.languageId === LANGUAGE_ID;
}

export class Store implements AnalysisStore, vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly running = new Map<string, Running>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly caches = new OptionCaches();
  /** Bumped when settings or workspace trust change: every cached analysis is then stale. */
  private generation = 0;
  private activeUri: vscode.Uri | undefined;
  private currentSelection: Selection | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  private readonly changeEmitter = new vscode.EventEmitter<vscode.Uri>();
  private readonly activeEmitter = new vscode.EventEmitter<void>();
  private readonly selectEmitter = new vscode.EventEmitter<Selection | undefined>();
  readonly onDidChange = this.changeEmitter.event;
  readonly onDidChangeActive = this.activeEmitter.event;
  readonly onDidSelect = this.selectEmitter.event;

  constructor(private readonly log: (line: string) => void = () => undefined) {
    this.disposables.push(
      this.changeEmitter,
      this.activeEmitter,
      this.selectEmitter,
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (isEml(d)) void this.analyze(d);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (isEml(e.document) && e.contentChanges.length > 0) this.schedule(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.window.onDidChangeActiveTextEditor((e) => this.updateActive(e)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) this.invalidateAll();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.invalidateAll()),
    );
  }

  /** Analyse every open message and pick the active one (called once at activation). */
  start(): void {
    for (const d of vscode.workspace.textDocuments) if (isEml(d)) void this.analyze(d);
    this.updateActive(vscode.window.activeTextEditor);
  }

  get(uri: vscode.Uri): Analysis | undefined {
    return this.entries.get(uri.toString())?.analysis;
  }

  /** 'headers' while the full analysis of the document is still running, 'full' when done. */
  phase(uri: vscode.Uri): Phase | undefined {
    return this.entries.get(uri.toString())?.phase;
  }

  /** Sentences about settings that could not be applied to this document's analysis. */
  notes(uri: vscode.Uri): string[] {
    return this.entries.get(uri.toString())?.notes ?? [];
  }

  dnsMode(uri: vscode.Uri): ResolvedOptions['dnsMode'] | undefined {
    return this.entries.get(uri.toString())?.dnsMode;
  }

  get active(): { uri: vscode.Uri; analysis: Analysis } | undefined {
    if (!this.activeUri) return undefined;
    const analysis = this.get(this.activeUri);
    return analysis ? { uri: this.activeUri, analysis } : undefined;
  }

  /** The active message's document, when it is open. */
  get activeDocument(): vscode.TextDocument | undefined {
    const uri = this.activeUri?.toString();
    return uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri) : undefined;
  }

  get selection(): Selection | undefined {
    return this.currentSelection;
  }

  select(selection: Selection | undefined): void {
    if (sameSelection(this.currentSelection, selection)) return;
    this.currentSelection = selection;
    this.selectEmitter.fire(selection);
  }

  schedule(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!document.isClosed) void this.analyze(document);
      }, DEBOUNCE_MS),
    );
  }

  /** Analyse now; cached per document version. `force` re-runs even when the cache is current. */
  async analyze(document: vscode.TextDocument, force = false): Promise<Analysis | undefined> {
    if (!isEml(document) || document.isClosed) return undefined;
    const key = document.uri.toString();
    const entry = this.entries.get(key);
    if (!force && entry && entry.version === document.version && entry.generation === this.generation && entry.phase === 'full') {
      return entry.analysis;
    }
    const run = this.running.get(key);
    if (!force && run && run.version === document.version && run.generation === this.generation) return run.promise;
    const promise = this.run(document);
    this.running.set(key, { version: document.version, generation: this.generation, promise });
    try {
      return await promise;
    } finally {
      if (this.running.get(key)?.promise === promise) this.running.delete(key);
    }
  }

  private async run(document: vscode.TextDocument): Promise<Analysis | undefined> {
    const key = document.uri.toString();
    const version = document.version;
    const generation = this.generation;
    const stale = () => document.isClosed || document.version !== version || generation !== this.generation || !isEml(document);
    const current = () => this.entries.get(key)?.analysis;

    let resolved: ResolvedOptions;
    let bytes: Uint8Array;
    try {
      resolved = await resolveOptions(document, this.caches);
      bytes = await documentBytes(document);
    } catch (e) {
      this.log(`Could not read ${document.uri.toString(true)}: ${(e as Error).message}`);
      return current();
    }
    if (stale()) return current();
    for (const n of resolved.notes) this.log(n);

    let head: Analysis;
    try {
      head = analyzeHeaders(bytes, resolved.options);
    } catch (e) {
      this.log(`Analysis of ${document.uri.toString(true)} failed: ${(e as Error).stack ?? e}`);
      return current();
    }
    const message = isMessage(head);
    this.set(document.uri, { version, generation, analysis: head, phase: message ? 'headers' : 'full', notes: resolved.notes, dnsMode: resolved.dnsMode });
    if (!message) return head;

    // let the views render the route before the verification starts
    await new Promise<void>((r) => setImmediate(r));
    if (stale()) return current();

    const full = async (): Promise<Analysis> => {
      try {
        return await analyze(bytes, resolved.options);
      } catch (e) {
        this.log(`Verification of ${document.uri.toString(true)} failed: ${(e as Error).stack ?? e}`);
        return {
          ...head,
          problems: [...head.problems, { code: 'verification-failed', severity: 'warning', message: `Re-verification failed: ${(e as Error).message}. The route and the receiver's own results are shown.` }],
        };
      }
    };
    const result =
      bytes.byteLength > LARGE_MESSAGE_BYTES
        ? await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Window, title: `Mail Flow Lens: verifying ${(bytes.byteLength / 1048576).toFixed(0)} MB message` },
            full,
          )
        : await full();
    if (stale()) return current();
    this.set(document.uri, { version, generation, analysis: result, phase: 'full', notes: resolved.notes, dnsMode: resolved.dnsMode });
    return result;
  }

  private set(uri: vscode.Uri, entry: Entry): void {
    const key = uri.toString();
    this.entries.set(key, entry);
    this.changeEmitter.fire(uri);
    if (this.activeUri?.toString() === key) this.activeEmitter.fire();
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    this.running.delete(key);
    const had = this.entries.delete(key);
    if (had) this.changeEmitter.fire(uri);
    if (this.currentSelection?.uri === key) this.select(undefined);
    if (this.activeUri?.toString() === key) {
      // fall back to another visible message, if any
      const other = vscode.window.visibleTextEditors.find((e) => isEml(e.document) && e.document.uri.toString() !== key);
      this.activeUri = other?.document.uri;
      this.activeEmitter.fire();
    }
  }

  private updateActive(editor: vscode.TextEditor | undefined): void {
    // the message stays active while the user looks at something else (a generated script, the
    // output panel); another message or closing it changes it
    if (!isEml(editor?.document)) return;
    const uri = editor.document.uri;
    if (!this.entries.has(uri.toString())) void this.analyze(editor.document);
    if (this.activeUri?.toString() !== uri.toString()) {
      this.activeUri = uri;
      this.activeEmitter.fire();
    }
  }

  private invalidateAll(): void {
    this.generation++;
    for (const d of vscode.workspace.textDocuments) if (isEml(d)) void this.analyze(d);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.caches.clear();
    for (const d of this.disposables) d.dispose();
  }
}

function sameSelection(a: Selection | undefined, b: Selection | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.kind !== b.kind || a.uri !== b.uri) return false;
  if (a.kind === 'hop' && b.kind === 'hop') return a.hop === b.hop;
  if (a.kind === 'finding' && b.kind === 'finding') return a.finding === b.finding;
  return true;
}

/**
 * The message bytes. A saved file is read from disk (the exact bytes, so 8-bit bodies hash as sent)
 * when its lines still match the document; otherwise (edited, untitled, virtual) the document text
 * is encoded as UTF-8.
 */
export async function documentBytes(document: vscode.TextDocument): Promise<Uint8Array> {
  if (!document.isDirty && !document.isUntitled && document.uri.scheme === 'file') {
    try {
      let raw = await vscode.workspace.fs.readFile(document.uri);
      if (raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) raw = raw.subarray(3);
      if (countLines(raw) === document.lineCount) return raw;
    } catch {
      // fall through to the document text
    }
  }
  return Buffer.from(document.getText(), 'utf8');
}

/** Lines as VS Code counts them: CRLF, LF and a lone CR each end a line. */
export function countLines(bytes: Uint8Array): number {
  let n = 1;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x0a) n++;
    else if (c === 0x0d) {
      n++;
      if (bytes[i + 1] === 0x0a) i++;
    }
  }
  return n;
}

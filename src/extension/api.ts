/**
 * The seam between the extension's parts. The store owns the one Analysis per document (from the
 * engine's analyze()); every view reads it and listens for changes. Selection is shared so the
 * tree, the editor and the explanation panel follow each other.
 */
import type * as vscode from 'vscode';
import type { Analysis, Finding, Hop } from '../core/types';

export type Selection =
  | { kind: 'hop'; uri: string; hop: Hop }
  | { kind: 'finding'; uri: string; finding: Finding }
  | { kind: 'summary'; uri: string };

export interface AnalysisStore {
  /** The latest complete analysis of a document, if any. */
  get(uri: vscode.Uri): Analysis | undefined;
  /** Analyse now (debounced callers use `schedule`). Resolves with the result. */
  analyze(document: vscode.TextDocument): Promise<Analysis | undefined>;
  /** Analyse after the debounce delay (on edits). */
  schedule(document: vscode.TextDocument): void;
  /** Fires after a document's analysis changed (or was removed). */
  readonly onDidChange: vscode.Event<vscode.Uri>;
  /** The message the user is looking at (active eml editor), if any. */
  readonly active: { uri: vscode.Uri; analysis: Analysis } | undefined;
  readonly onDidChangeActive: vscode.Event<void>;
  /** Shared selection (tree node, finding, cursor). */
  select(selection: Selection | undefined): void;
  readonly selection: Selection | undefined;
  readonly onDidSelect: vscode.Event<Selection | undefined>;
}

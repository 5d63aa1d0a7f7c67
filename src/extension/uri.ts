// A command argument read as a file's Uri: what every command that takes a file accepts.
import * as vscode from 'vscode';

/**
 * The Uri a command was given: a vscode.Uri as it is, or a string with a scheme ("file:///…",
 * "untitled:…"; at most 4096 characters) parsed strictly. Anything else, or a string that does
 * not parse, is undefined (the command then falls back to the active editor).
 */
export function asUri(v: unknown): vscode.Uri | undefined {
  if (v instanceof vscode.Uri) return v;
  if (typeof v === 'string' && v.length < 4096 && /^[a-z][a-z0-9+.-]*:/i.test(v)) {
    try {
      return vscode.Uri.parse(v, true);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

import * as vscode from 'vscode';

/** Entry point of the VS Code extension. The adapters in this folder stay thin: they read the
 * engine's Analysis and present it. */
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Mail Flow Lens');
  context.subscriptions.push(output);
  output.appendLine(`Mail Flow Lens activated (VS Code ${vscode.version}).`);
}

export function deactivate(): void {
  // nothing to release beyond context.subscriptions
}

/**
 * Entry point of the VS Code extension. The adapters in this folder stay thin: the store analyses
 * each open message once per version, and the views (route tree, diagnostics, decorations, status
 * bar, and the features in ./features) read its Analysis.
 *
 * activate() returns the extension's API object. It is what
 * `vscode.extensions.getExtension('mailflow-lens.mailflow-lens').exports` gives, used by the
 * integration tests to read the views' state (and, through `store.stats` and `store.verifier`,
 * where the full analyses ran).
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { Store } from './store';
import { RouteView, type RouteTreeProvider } from './tree';
import { Diagnostics } from './diagnostics';
import { BreakDecorations } from './decorations';
import { StatusBar } from './statusBar';
import { Commands } from './commands';
import { Samples } from './samples';
import { registerFeatures } from './features';
import { MsgDocuments, OPEN_MSG_COMMAND } from './msg';
import { Comparisons } from './compare';
import { Reports } from './report';
import type { AnalysisStore } from './api';
import { registerSettingsMigration } from './migrate-settings';

export const HAS_MESSAGE_CONTEXT = 'mailflowLens.hasMessage';

export interface MailFlowLensApi {
  store: Store & AnalysisStore;
  tree: RouteTreeProvider;
  treeView: vscode.TreeView<unknown>;
  routeView: RouteView;
  diagnostics: Diagnostics;
  decorations: BreakDecorations;
  statusBar: StatusBar;
  commands: Commands;
  samples: Samples;
}

export function activate(context: vscode.ExtensionContext): MailFlowLensApi {
  const output = vscode.window.createOutputChannel('Mail Flow Lens', { log: true });
  context.subscriptions.push(output);
  output.info(`Mail Flow Lens ${String((context.extension.packageJSON as { version?: unknown }).version)} activated (VS Code ${vscode.version}, workspace ${vscode.workspace.isTrusted ? 'trusted' : 'restricted'}).`);

  // the verification worker is bundled next to this file (dist/verify-worker.js); when it is
  // missing the store verifies on this thread and says so once in the output channel
  const store = new Store((line) => output.info(line), {
    workerEntry: path.join(__dirname, 'verify-worker.js'),
    // the bundled samples are our own data: analysed with the DNS answers recorded for them
    sampleSnapshot: vscode.Uri.joinPath(context.extensionUri, 'samples', 'dns-snapshot.json'),
  });
  const routeView = new RouteView(store);
  const diagnostics = new Diagnostics(store);
  const decorations = new BreakDecorations(store);
  const statusBar = new StatusBar(store);
  const samples = new Samples(context.extensionUri);
  const commands = new Commands(store, samples, context.extension.id);
  context.subscriptions.push(store, routeView, diagnostics, decorations, statusBar, samples, commands);

  const setContext = () => void vscode.commands.executeCommand('setContext', HAS_MESSAGE_CONTEXT, !!store.active);
  context.subscriptions.push(store.onDidChangeActive(setContext));
  setContext();

  try {
    registerFeatures(context, store);
  } catch (e) {
    output.error(`Editor features could not start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
  try {
    // Outlook .msg files, comparing two messages, reports for sharing
    const msg = new MsgDocuments();
    context.subscriptions.push(
      msg,
      new Comparisons(store),
      new Reports(store),
      vscode.commands.registerCommand(OPEN_MSG_COMMAND, async (arg?: unknown) => {
        try {
          return await msg.openCommand(arg);
        } catch (e) {
          void vscode.window.showErrorMessage(`Mail Flow Lens: ${(e as Error).message}`);
          return undefined;
        }
      }),
    );
  } catch (e) {
    output.error(`Outlook .msg, compare and report export could not start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }

  // settings saved under the names of version 0.1.0 move to their current names
  void registerSettingsMigration(context, (line) => output.info(line));

  store.start();
  return {
    store,
    tree: routeView.provider,
    treeView: routeView.view,
    routeView,
    diagnostics,
    decorations,
    statusBar,
    commands,
    samples,
  };
}

export function deactivate(): void {
  // everything is released through context.subscriptions
}

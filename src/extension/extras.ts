/**
 * Outlook .msg files, comparing two messages and reports for sharing (issue 10): registered from
 * extension.ts with one call. Each part owns its commands and disposes them with the extension.
 */
import * as vscode from 'vscode';
import { MsgDocuments, OPEN_MSG_COMMAND } from './msg';
import { Comparisons } from './compare';
import { Reports } from './report';
import type { Store } from './store';

export interface Extras {
  msg: MsgDocuments;
  comparisons: Comparisons;
  reports: Reports;
}

export function registerExtras(context: vscode.ExtensionContext, store: Store): Extras {
  const msg = new MsgDocuments();
  const comparisons = new Comparisons(store);
  const reports = new Reports(store);
  context.subscriptions.push(
    msg,
    comparisons,
    reports,
    vscode.commands.registerCommand(OPEN_MSG_COMMAND, async (arg?: unknown) => {
      try {
        return await msg.openCommand(arg);
      } catch (e) {
        void vscode.window.showErrorMessage(`Mail Flow Lens: ${(e as Error).message}`);
        return undefined;
      }
    }),
  );
  return { msg, comparisons, reports };
}

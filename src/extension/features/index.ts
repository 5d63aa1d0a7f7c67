/**
 * Editor features on .eml messages: code actions (quick fixes and "Generate …" refactorings),
 * code lenses (entry hop and broken results), hovers (IPs, hosts, header names, decoded fields),
 * folding (multi-line headers and the body), the Explanation webview view (and its editor tab) and
 * the route diagram.
 *
 * registerFeatures returns the parts it created. The integration tests reach them through the
 * internal command `_mailflowLens.features` (commands starting with '_' are hidden from the
 * palette), so the panel's rendered HTML and message handling can be checked in a real VS Code.
 */
import * as vscode from 'vscode';
import type { AnalysisStore } from '../api';
import { EmlCodeActionProvider, registerCodeActions } from './codeActions';
import { EmlCodeLensProvider, registerCodeLens } from './codeLens';
import { FixCommands } from './fixes';
import { registerFolding } from './folding';
import { registerHovers } from './hovers';
import { ExplanationPanel, registerPanel } from './panel';
import { RouteDiagram } from './diagram';

export const FEATURES_COMMAND = '_mailflowLens.features';

export interface FeaturesApi {
  panel: ExplanationPanel;
  diagram: RouteDiagram;
  fixes: FixCommands;
  codeActions: typeof EmlCodeActionProvider;
  codeLens: EmlCodeLensProvider | undefined;
}

export function registerFeatures(context: vscode.ExtensionContext, store: AnalysisStore): FeaturesApi {
  const subs = context.subscriptions;
  const fixes = new FixCommands(store);
  subs.push(fixes);
  void fixes.register();

  subs.push(registerCodeActions(store));
  const lens = registerCodeLens(store);
  subs.push(...lens);
  subs.push(registerHovers(store));
  subs.push(registerFolding());

  const { panel, disposables } = registerPanel(context.extensionUri, store);
  subs.push(...disposables);
  const diagram = new RouteDiagram(context.extensionUri, store);
  subs.push(diagram);

  const api: FeaturesApi = {
    panel,
    diagram,
    fixes,
    codeActions: EmlCodeActionProvider,
    codeLens: lens.find((d): d is EmlCodeLensProvider => d instanceof EmlCodeLensProvider),
  };
  subs.push(vscode.commands.registerCommand(FEATURES_COMMAND, () => api));
  return api;
}

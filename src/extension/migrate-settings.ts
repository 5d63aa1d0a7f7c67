/**
 * Settings of the first release (0.1.0, named `mailflowLens.*`) moved to their current names. The
 * old names stay declared as deprecated in package.json (VS Code hides them unless set and strikes
 * them through in settings.json); at start-up, and when a workspace becomes trusted, a value set
 * under an old name is written under the new one and the old entry removed, unless the new name
 * already has a value there (then both stay, and the deprecation notice says which one counts).
 *
 * Only user settings are moved in Restricted Mode: a workspace's files are not ours to rewrite
 * until the workspace is trusted, and its values of these settings would be ignored anyway.
 */
import * as vscode from 'vscode';
import { SETTING_TITLES } from './config';

/** Old key → current key (section included). */
export const RENAMED_SETTINGS: ReadonlyArray<readonly [string, string]> = [
  ['mailflowLens.trustedRelays', 'mailFlowLens.trustedRelays'],
  ['mailflowLens.receivingDomains', 'mailFlowLens.receivingDomains'],
  ['mailflowLens.connectorName', 'mailFlowLens.connectorName'],
  ['mailflowLens.efcMode', 'mailFlowLens.enhancedFilteringFix'],
  ['mailflowLens.dns.mode', 'mailFlowLens.dns.mode'],
  ['mailflowLens.dns.snapshotFile', 'mailFlowLens.dns.snapshotFile'],
  ['mailflowLens.dns.server', 'mailFlowLens.dns.server'],
  ['mailflowLens.slowHopMinutes', 'mailFlowLens.slowHopMinutes'],
  ['mailflowLens.maxMessageSizeMB', 'mailFlowLens.maxMessageSizeMB'],
];

export interface MovedSetting {
  from: string;
  to: string;
  where: 'user settings' | 'workspace settings' | 'folder settings';
  /** false: the new name already had a value there, so nothing was moved and the old entry stays. */
  moved: boolean;
}

type Level = 'globalValue' | 'workspaceValue' | 'workspaceFolderValue';

interface Place {
  scope: vscode.Uri | undefined;
  level: Level;
  target: vscode.ConfigurationTarget;
  where: MovedSetting['where'];
}

function places(trusted: boolean): Place[] {
  const out: Place[] = [{ scope: undefined, level: 'globalValue', target: vscode.ConfigurationTarget.Global, where: 'user settings' }];
  if (!trusted) return out;
  if (vscode.workspace.workspaceFile || vscode.workspace.workspaceFolders?.length) {
    out.push({ scope: undefined, level: 'workspaceValue', target: vscode.ConfigurationTarget.Workspace, where: 'workspace settings' });
  }
  // folder settings exist apart from workspace settings only in a multi-root workspace
  if (vscode.workspace.workspaceFile) {
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      out.push({ scope: f.uri, level: 'workspaceFolderValue', target: vscode.ConfigurationTarget.WorkspaceFolder, where: 'folder settings' });
    }
  }
  return out;
}

/** Move every value set under an old name; returns what was found (moved or left). */
export async function migrateRenamedSettings(trusted: boolean = vscode.workspace.isTrusted): Promise<MovedSetting[]> {
  const out: MovedSetting[] = [];
  for (const p of places(trusted)) {
    const c = vscode.workspace.getConfiguration(undefined, p.scope);
    for (const [from, to] of RENAMED_SETTINGS) {
      const old = c.inspect(from)?.[p.level];
      if (old === undefined) continue;
      if (c.inspect(to)?.[p.level] !== undefined) {
        out.push({ from, to, where: p.where, moved: false });
        continue;
      }
      await c.update(to, old, p.target);
      await c.update(from, undefined, p.target);
      out.push({ from, to, where: p.where, moved: true });
    }
  }
  return out;
}

/** "Mail Flow Lens: Trusted Relays" for a current key. */
function titleOf(key: string): string {
  const short = key.replace(/^mailFlowLens\./, '');
  return (SETTING_TITLES as Record<string, string>)[short] ?? key;
}

/** The one-line notice after a migration, or undefined when nothing was found. */
export function migrationNotice(found: readonly MovedSetting[]): string | undefined {
  const moved = found.filter((m) => m.moved);
  const left = found.filter((m) => !m.moved);
  const parts: string[] = [];
  if (moved.length) parts.push(`moved ${moved.map((m) => `"${titleOf(m.to)}" (${m.where})`).join(', ')} from the names of version 0.1.0`);
  if (left.length) {
    parts.push(`kept ${left.map((m) => `"${titleOf(m.to)}" (${m.where})`).join(', ')} as set under the new name; the old entries (${left.map((m) => m.from).join(', ')}) no longer apply`);
  }
  return parts.length ? `Mail Flow Lens ${parts.join('; ')}.` : undefined;
}

/** Run at activation and again when the workspace becomes trusted; tells the user once per run. */
export function registerSettingsMigration(context: vscode.ExtensionContext, log: (line: string) => void): Promise<void> {
  const run = async () => {
    try {
      const notice = migrationNotice(await migrateRenamedSettings());
      if (notice) {
        log(notice);
        void vscode.window.showInformationMessage(notice);
      }
    } catch (e) {
      log(`Settings under the names of version 0.1.0 could not be moved: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void run()));
  return run();
}

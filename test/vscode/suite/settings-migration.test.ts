// Settings saved under the names of version 0.1.0 (mailflowLens.*) in a real VS Code: declared as
// deprecated (hidden unless set), moved to their current names with the old entry removed, user
// settings always and workspace settings only in a trusted workspace, never over a value already
// set under the new name; the extension then reads the moved value.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { afterEach, describe, it } from 'mocha';
import { RENAMED_SETTINGS, migrateRenamedSettings, migrationNotice } from '../../../src/extension/migrate-settings';
import { readSettings } from '../../../src/extension/config';

const G = vscode.ConfigurationTarget.Global;
const W = vscode.ConfigurationTarget.Workspace;
const conf = () => vscode.workspace.getConfiguration();

describe('Settings saved under the names of version 0.1.0', () => {
  afterEach(async () => {
    for (const [from, to] of RENAMED_SETTINGS) {
      for (const t of [G, W]) {
        await conf().update(from, undefined, t);
        await conf().update(to, undefined, t);
      }
    }
  });

  it('move to their current names, user and workspace settings, and the old entries go', async () => {
    await conf().update('mailflowLens.connectorName', 'Inbound from Mimecast', G);
    await conf().update('mailflowLens.efcMode', 'skipIps', W);
    await conf().update('mailflowLens.trustedRelays', ['207.211.31.120'], G);

    const found = await migrateRenamedSettings(true);
    assert.deepEqual(
      found.map((m) => [m.from, m.to, m.where, m.moved]),
      [
        ['mailflowLens.trustedRelays', 'mailFlowLens.trustedRelays', 'user settings', true],
        ['mailflowLens.connectorName', 'mailFlowLens.connectorName', 'user settings', true],
        ['mailflowLens.efcMode', 'mailFlowLens.enhancedFilteringFix', 'workspace settings', true],
      ],
    );
    assert.equal(conf().inspect('mailFlowLens.connectorName')?.globalValue, 'Inbound from Mimecast');
    assert.deepEqual(conf().inspect('mailFlowLens.trustedRelays')?.globalValue, ['207.211.31.120']);
    assert.equal(conf().inspect('mailFlowLens.enhancedFilteringFix')?.workspaceValue, 'skipIps');
    for (const old of ['mailflowLens.connectorName', 'mailflowLens.trustedRelays']) assert.equal(conf().inspect(old)?.globalValue, undefined, old);
    assert.equal(conf().inspect('mailflowLens.efcMode')?.workspaceValue, undefined);

    // what the analysis reads now
    const s = readSettings(undefined, true);
    assert.equal(s.connectorName, 'Inbound from Mimecast');
    assert.equal(s.efcMode, 'skipIps');
    assert.deepEqual(s.trustedRelays, ['207.211.31.120']);
    assert.equal(
      migrationNotice(found),
      'Mail Flow Lens moved "Mail Flow Lens: Trusted Relays" (user settings), "Mail Flow Lens: Connector Name" (user settings), "Mail Flow Lens: Enhanced Filtering Fix" (workspace settings) from the names of version 0.1.0.',
    );
    // a second run finds nothing
    assert.deepEqual(await migrateRenamedSettings(true), []);
  });

  it('in Restricted Mode only user settings move; the workspace file is left alone', async () => {
    await conf().update('mailflowLens.dns.mode', 'live', W);
    await conf().update('mailflowLens.slowHopMinutes', 30, G);
    const found = await migrateRenamedSettings(false);
    assert.deepEqual(found.map((m) => [m.from, m.where]), [['mailflowLens.slowHopMinutes', 'user settings']]);
    assert.equal(conf().inspect('mailflowLens.dns.mode')?.workspaceValue, 'live');
    assert.equal(conf().inspect('mailFlowLens.dns.mode')?.workspaceValue, undefined);
    assert.equal(readSettings(undefined, false).dnsMode, 'off', 'an old workspace value never turns DNS on');
  });

  it('never overwrite a value already set under the new name', async () => {
    await conf().update('mailFlowLens.connectorName', 'From Proofpoint', G);
    await conf().update('mailflowLens.connectorName', 'Old connector', G);
    const found = await migrateRenamedSettings(true);
    assert.deepEqual(found.map((m) => [m.from, m.moved]), [['mailflowLens.connectorName', false]]);
    assert.equal(conf().inspect('mailFlowLens.connectorName')?.globalValue, 'From Proofpoint');
    assert.equal(conf().inspect('mailflowLens.connectorName')?.globalValue, 'Old connector');
    assert.match(migrationNotice(found) ?? '', /kept "Mail Flow Lens: Connector Name" \(user settings\) as set under the new name; the old entries \(mailflowLens\.connectorName\) no longer apply/);
  });

  it('the old names are declared deprecated, and restricted like their new names', () => {
    const pkg = vscode.extensions.getExtension('mailflow-lens.mailflow-lens')!.packageJSON;
    const props = pkg.contributes.configuration.properties;
    const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
    for (const [from, to] of RENAMED_SETTINGS) {
      assert.ok(props[to], `${to} exists`);
      assert.match(props[from]?.markdownDeprecationMessage ?? '', new RegExp(`#${to.replace(/\./g, '\\.')}#`), `${from} points at ${to}`);
      if (restricted.includes(to)) assert.ok(restricted.includes(from), `${from} is restricted like ${to}`);
    }
  });
});

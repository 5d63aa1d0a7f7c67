// Smoke tests inside the real VS Code extension host: the extension under development is present,
// activates, and VS Code treats the workspace's .eml files as the `eml` language.
import { strict as assert } from 'assert';
import * as vscode from 'vscode';
import { describe, it } from 'mocha';

const EXTENSION_ID = 'mailflow-lens.mailflow-lens';

function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the tests expect test/vscode/workspace to be open as a folder');
  return folder.uri;
}

async function workspaceMessages(): Promise<vscode.Uri[]> {
  const root = workspaceRoot();
  const entries = await vscode.workspace.fs.readDirectory(root);
  return entries
    .filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.eml'))
    .map(([name]) => vscode.Uri.joinPath(root, name));
}

describe('Mail Flow Lens in a real VS Code (smoke)', () => {
  it('runs inside a real extension host at a supported VS Code version', () => {
    console.log(`    vscode.version=${vscode.version} appHost=${vscode.env.appHost} ` +
      `remoteName=${vscode.env.remoteName ?? '(local)'} uiKind=${vscode.UIKind[vscode.env.uiKind]}`);
    const m = /^(\d+)\.(\d+)\.(\d+)/.exec(vscode.version);
    assert.ok(m, `unexpected version string ${vscode.version}`);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    const engine = /(\d+)\.(\d+)/.exec(String(ext.packageJSON.engines?.vscode));
    assert.ok(engine, 'package.json has no engines.vscode');
    const [major, minor] = [Number(m[1]), Number(m[2])];
    assert.ok(major > Number(engine[1]) || (major === Number(engine[1]) && minor >= Number(engine[2])),
      `VS Code ${vscode.version} is older than engines.vscode ${ext.packageJSON.engines.vscode}`);
  });

  it('is installed from the repository and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    assert.equal(ext.packageJSON.name, 'mailflow-lens');
    assert.equal(ext.packageJSON.main, './dist/extension.js');
    await ext.activate();
    assert.equal(ext.isActive, true);
  });

  it('contributes the eml language', async () => {
    const languages = await vscode.languages.getLanguages();
    assert.ok(languages.includes('eml'), `eml missing from ${languages.length} languages`);
  });

  it('opens the workspace .eml files as language "eml"', async () => {
    const files = await workspaceMessages();
    assert.ok(files.length >= 1, 'test/vscode/workspace holds no .eml file');
    for (const uri of files) {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      assert.equal(doc.languageId, 'eml', `${uri.path} opened as ${doc.languageId}`);
      assert.match(doc.lineAt(0).text, /^[A-Za-z0-9-]+:/, `${uri.path} does not start with a header field`);
      assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});

interface DnsHarness {
  startDnsServer(opts: { zone: Record<string, unknown> }): Promise<{ server: string; stop(): Promise<void> }>;
}

describe('test harness inside the extension host', () => {
  it('starts the loopback DNS server and resolves through it', async () => {
    // what integration tests of the live-DNS mode do: start dnsmasq with their zone, then point
    // the product's DNS server setting at dns.server
    const root = process.env.MFL_REPO_ROOT;
    assert.ok(root, 'MFL_REPO_ROOT is not set (run through test/harness/run-vscode-tests.js)');
    const harness: DnsHarness = require(`${root}/test/harness/dns-server.js`);
    const spf = 'v=spf1 include:spf-00112233.pphosted.com -all';
    const dns = await harness.startDnsServer({ zone: { 'fabrikam.com': { TXT: [spf] } } });
    try {
      const { Resolver } = (require('dns') as typeof import('dns')).promises;
      const resolver = new Resolver({ timeout: 2000, tries: 2 });
      resolver.setServers([dns.server]);
      const answers = await resolver.resolveTxt('fabrikam.com');
      assert.deepEqual(answers.map((chunks) => chunks.join('')), [spf]);
    } finally {
      await dns.stop();
    }
  });
});

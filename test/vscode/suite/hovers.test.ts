// Hovers inside a real VS Code: IP classification (private / Microsoft 365 / role in the route),
// hosts (gateway vendor, provider), header names (what the header is, which hop), decoded fields
// (SFV:SPM, compauth reason codes, "body hash did not verify"), DKIM tags. Hover Markdown is never
// trusted, renders no HTML and carries header text only escaped.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import { closeAll, lensApi, openMessage, scenario, workspaceFile } from './mfl-helpers';

/** Hover text with Markdown backslash escapes removed (what the user reads). */
async function hoverAt(doc: vscode.TextDocument, pos: vscode.Position): Promise<{ text: string; raw: vscode.MarkdownString[]; range?: vscode.Range }> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos)) ?? [];
  const raw: vscode.MarkdownString[] = [];
  for (const h of hovers) for (const c of h.contents) if (c instanceof vscode.MarkdownString) raw.push(c);
  const text = raw.map((m) => m.value.replace(/\\([!-/:-@[-`{-~])/g, '$1')).join('\n');
  return { text, raw, range: hovers[0]?.range };
}

/** Position of the n-th occurrence of `needle` (plus an offset into it), searching from a line. */
function find(doc: vscode.TextDocument, needle: string, offset = 1, fromLine = 0): vscode.Position {
  for (let l = fromLine; l < doc.lineCount; l++) {
    const c = doc.lineAt(l).text.indexOf(needle);
    if (c >= 0) return new vscode.Position(l, c + offset);
  }
  throw new Error(`"${needle}" not found`);
}

function assertSafe(raw: vscode.MarkdownString[]): void {
  assert.ok(raw.length > 0, 'a hover was shown');
  for (const m of raw) {
    assert.ok(!m.isTrusted, 'hover Markdown is not trusted');
    assert.ok(!m.supportHtml, 'hover Markdown renders no HTML');
  }
}

describe('Hovers on header text', () => {
  let api: MailFlowLensApi;
  let doc: vscode.TextDocument;

  before(async () => {
    api = await lensApi();
    const s = await scenario('proofpoint');
    doc = (await openMessage(api, s.uri)).doc;
  });
  after(closeAll);

  it('X-Forefront-Antispam-Report SFV:SPM explains the verdict', async () => {
    const h = await hoverAt(doc, find(doc, 'SFV:SPM', 5));
    assertSafe(h.raw);
    assert.match(h.text, /SFV/);
    assert.match(h.text, /Spam filtering verdict: spam/);
    assert.equal(h.range?.start.character, find(doc, 'SFV:SPM', 0).character, 'the hover covers the SFV pair');
  });

  it('an IP says first what the route says about it: the connecting host, a relay of the recipient, its vendor and evidence', async () => {
    const h = await hoverAt(doc, find(doc, 'CIP:148.163.138.245', 8));
    assertSafe(h.raw);
    assert.match(h.text, /IPv4 address\*\* 148\.163\.138\.245/);
    assert.match(h.text, /\*In this route:\*/);
    assert.match(h.text, /Exchange Online took the message from this address at hop 4 \(the connecting host, a relay of the recipient\)/);
    assert.match(h.text, /A relay of the recipient \(Proofpoint\), weak evidence: weak: Exchange Online recorded its reverse DNS \(PTR:\) as mx0b-00498f04\.pphosted\.com, a Proofpoint host/);
    assert.match(h.text, /Sending side of hop 4 \(mx0b-00498f04\.pphosted\.com \[148\.163\.138\.245\] → BN2PEPF000044A8\.mail\.protection\.outlook\.com\), a line written by Exchange Online/);
    assert.ok(h.text.indexOf('In this route') < h.text.indexOf('public internet address'), 'the route comes before the address class');
  });

  it('the same IP in the Authentication-Results comment: the hover, and no diagnostic stacked on it', async () => {
    const pos = find(doc, 'sender IP is 148.163.138.245', 'sender IP is '.length + 2);
    const h = await hoverAt(doc, pos);
    assertSafe(h.raw);
    assert.match(h.text, /^\*\*IPv4 address\*\* 148\.163\.138\.245/, 'the IP is what the hover is about, first');
    const diags = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'Mail Flow Lens' && d.range.contains(pos));
    assert.deepEqual(diags.map((d) => d.message), [], 'no diagnostic covers the IP, so none stacks above its details');
  });

  it("the original sender's address: what the gateway recorded, written by the recipient's relay", async () => {
    const h = await hoverAt(doc, find(doc, '[203.0.113.25]', 3));
    assertSafe(h.raw);
    assert.match(h.text, /The original sender: the first host the recipient side took the message from/);
    assert.match(h.text, /Sending side of hop 2 \(mail\.northwindtraders\.com \[203\.0\.113\.25\] → mx0b-00498f04\.pphosted\.com\), a line written by Proofpoint/);
  });

  it('a private address is classified as private (RFC 1918) and never an EFSkipIPs entry', async () => {
    const h = await hoverAt(doc, find(doc, '[192.168.10.57]', 4));
    assertSafe(h.raw);
    assert.match(h.text, /private address \(RFC 1918\)/);
    assert.match(h.text, /does not accept them in EFSkipIPs/);
  });

  it('a Microsoft 365 IPv6 address names the provider and the range with its source', async () => {
    const h = await hoverAt(doc, find(doc, '2603:10b6:806:1d1::9', 3));
    assertSafe(h.raw);
    assert.match(h.text, /IPv6 address/);
    assert.match(h.text, /Microsoft 365 \(Exchange Online\) \(range 2603:10b6::\/32; source: /);
  });

  it('a gateway host names the vendor with the pattern and source', async () => {
    const h = await hoverAt(doc, find(doc, 'from mx0b-00498f04.pphosted.com', 10));
    assertSafe(h.raw);
    assert.match(h.text, /Proofpoint \(PPS \/ Enterprise, hosted\) \(pattern \*\.pphosted\.com/);
  });

  it('"body hash did not verify" explains that the body changed after signing', async () => {
    const h = await hoverAt(doc, find(doc, 'body hash did not verify', 3));
    assertSafe(h.raw);
    assert.match(h.text, /dkim\*\* fail/);
    assert.match(h.text, /body hash \(bh=\) no longer matches the body: the content changed after signing/);
    assert.match(h.text, /Counts\?:\* yes: the receiver's own verdict/);
  });

  it('compauth=fail reason=000 gives the meaning of the reason code', async () => {
    const h = await hoverAt(doc, find(doc, 'reason=000', 8));
    assertSafe(h.raw);
    assert.match(h.text, /compauth\*\* fail reason=000/);
    assert.match(h.text, /000: explicit failure: the message failed DMARC/);
  });

  it('a gateway Authentication-Results-Original result is a claim, not a verdict', async () => {
    const line = find(doc, 'Authentication-Results-Original:', 0).line;
    const h = await hoverAt(doc, find(doc, 'dkim=pass', 2, line));
    assertSafe(h.raw);
    assert.match(h.text, /the signature verified/);
    assert.match(h.text, /Counts\?:\* no: a claim/);
    // the result's properties in words (the wording the CLI shares)
    assert.match(h.text.replace(/&nbsp;/g, ' '), /signing domain \(d=\)[^\n]*northwindtraders\.com/);
    assert.match(h.text.replace(/&nbsp;/g, ' '), /selector[^\n]*nwt2025/);
  });

  it('header names: what the header is, and for Received which hop it is', async () => {
    const ff = await hoverAt(doc, find(doc, 'X-Forefront-Antispam-Report:', 3));
    assertSafe(ff.raw);
    assert.match(ff.text, /Header\*\* X-Forefront-Antispam-Report/);
    assert.match(ff.text, /anti-spam verdict/);
    const rcv = await hoverAt(doc, find(doc, 'Received: from mx0b-00498f04.pphosted.com', 2));
    assertSafe(rcv.raw);
    assert.match(rcv.text, /Hop \d+ of \d+ \(oldest first\)/);
    assert.match(rcv.text, /trust boundary/);
    const dkim = await hoverAt(doc, find(doc, 'DKIM-Signature:', 1));
    assert.match(dkim.text, /DKIM signature \(RFC 6376\)/);
  });

  it('DKIM tags: bh= and d=', async () => {
    const bh = await hoverAt(doc, find(doc, ' bh=', 2));
    assertSafe(bh.raw);
    assert.match(bh.text, /Body hash: the hash of the \(canonicalized\) body/);
    const d = await hoverAt(doc, find(doc, ' d=northwindtraders.com', 1));
    assert.match(d.text, /Signing domain/);
  });

  it('no hover in the body', async () => {
    const a = api.store.get(doc.uri);
    assert.ok(a);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(a.input.bodyStartLine + 1, 3));
    assert.equal((hovers ?? []).length, 0);
  });

  it('hostile header text is escaped in hovers (no links, HTML or icons from the message)', async () => {
    const hostile = await vscode.workspace.openTextDocument(workspaceFile('hostile-headers.eml'));
    await vscode.window.showTextDocument(hostile, { preview: false });
    await api.store.analyze(hostile);
    const positions = [
      find(hostile, 'body hash did not verify <img', 5),
      find(hostile, '[click me]', 3),
      find(hostile, '$(zap)', 2),
      find(hostile, 'From:', 1),
      find(hostile, '198.51.100.7]', 3),
    ];
    for (const p of positions) {
      const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', hostile.uri, p)) ?? [];
      for (const h of hovers) {
        for (const c of h.contents) {
          if (!(c instanceof vscode.MarkdownString)) continue;
          assert.ok(!c.isTrusted && !c.supportHtml);
          assert.doesNotMatch(c.value, /(^|[^\\])<img|(^|[^\\])<script|(^|[^\\])\[click me\]\(|(^|[^\\])\$\(zap\)|command:workbench/, c.value);
          // the dkim comment carries U+202E (gnp.exe), LRM/RLM, an isolate and the C1 CSI
          assert.doesNotMatch(c.value, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/, JSON.stringify(c.value));
        }
      }
    }
    const comment = await hoverAt(hostile, positions[0]);
    assert.match(comment.text, /invoicegnp\.exe ltr x 31m/, 'the comment is shown, its bidi and control characters dropped');
  });
});

// Headers in Chinese, Japanese and Korean charsets decode inside the real extension host and on the
// verification worker. The bundles load iconv-lite's code-page tables on first use from chunk files
// of their own (dist/chunks/iconv-*.js), so this proves the packaged chunks are found at run time.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { after, before, describe, it } from 'mocha';
import * as iconv from 'iconv-lite';
import type { MailFlowLensApi } from '../../../src/extension/extension';
import { closeAll, fullAnalysis, lensApi, scenario, tempDir } from './mfl-helpers';

const SUBJECTS: Array<[string, string]> = [
  ['GB2312', '三月份发票'],
  ['Shift_JIS', '三月分の請求書'],
  ['Big5', '三月份發票'],
  ['EUC-KR', '3월 청구서'],
];

function withSubject(bytes: Buffer, charset: string, text: string): string {
  return bytes.toString('latin1').replace(/^Subject: .*$/m, `Subject: ${encodedWord(charset, text)}`);
}

function encodedWord(charset: string, text: string): string {
  return `=?${charset}?B?${iconv.encode(text, charset).toString('base64')}?=`;
}

describe('Headers in CJK charsets (code-page tables loaded on first use)', () => {
  let api: MailFlowLensApi;
  before(async () => {
    api = await lensApi();
  });
  after(closeAll);

  it('decodes GB2312, Shift_JIS, Big5 and EUC-KR subjects in the extension host', async () => {
    const s = await scenario('proofpoint');
    for (const [charset, text] of SUBJECTS) {
      const file = path.join(tempDir(), `cjk-${charset}.eml`);
      fs.writeFileSync(file, Buffer.from(withSubject(s.bytes, charset, text), 'latin1'));
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      await vscode.window.showTextDocument(doc);
      const a = await fullAnalysis(api, doc);
      assert.equal(a.summary.subject, text, `${charset} subject`);
    }
  });

  it('decodes them on the verification worker too (the job large messages go to)', async () => {
    // posted to the worker directly, so no large document stays open for later tests
    const s = await scenario('proofpoint');
    const verifier = api.store.verifier!;
    assert.equal(verifier.unavailable, undefined, 'the verification worker is bundled and usable');
    for (const [charset, text] of SUBJECTS) {
      const bytes = Buffer.from(withSubject(s.bytes, charset, text), 'latin1');
      const r = await verifier.run(bytes, { name: `cjk-${charset}.eml` }, { mode: 'off' }).promise;
      assert.equal(r.analysis.summary.subject, text, `${charset} subject on the worker`);
    }
  });
});

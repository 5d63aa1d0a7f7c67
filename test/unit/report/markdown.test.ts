import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze, analyzeHeaders } from '../../../src/core/analyze';
import { flatten } from '../../../src/core/present/text';
import { mdCode, mdFence, mdText } from '../../../src/core/present/markdown-text';
import { renderMarkdownReport, renderRouteTable } from '../../../src/core/report/markdown';
import { proofpointBannerEop } from '../../fixtures/scenarios/s02-proofpoint-banner-eop';
import { barracudaGmail } from '../../fixtures/scenarios/s04-barracuda-gmail';

/** Removes code spans (any fence length) so what is left is the text Markdown would interpret. */
function outsideCode(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (line[i] === '\\') {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (line[i] === '`') {
      let n = 0;
      while (line[i + n] === '`') n++;
      const fence = '`'.repeat(n);
      const close = line.indexOf(fence, i + n);
      if (close > 0 && line[close + n] !== '`') {
        i = close + n;
        continue;
      }
      out += fence;
      i += n;
      continue;
    }
    out += line[i++];
  }
  return out;
}

/** A Markdown table row split into cells the way GFM does (unescaped pipes only). */
function cells(row: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\' && row[i + 1] === '|') {
      cur += '\\|';
      i++;
    } else if (row[i] === '|') {
      out.push(cur.trim());
      cur = '';
    } else cur += row[i];
  }
  out.push(cur.trim());
  return out.slice(1, -1);
}

const HOSTILE = [
  'Received: from evil.example (evil.example [198.51.100.7]) by mx.google.com with ESMTPS id ```x|y```',
  '        for <victim@example.org>; Tue, 03 Mar 2026 09:14:05 -0800 (PST)',
  'Authentication-Results: mx.google.com; spf=pass (google.com: <img src=x onerror=alert(1)>) smtp.mailfrom=a@evil.example',
  'From: "[Support](javascript:alert(1)) <b>x</b>" <support@evil.example>',
  'To: victim@example.org',
  'Subject: <script>alert(1)</script> | *bold* [link](https://evil.example) ~~x~~ $x$',
  'Date: Tue, 3 Mar 2026 18:14:00 +0100',
  '',
  'body',
  '',
].join('\r\n');

describe('Markdown report: escaping', () => {
  test('flatten removes control and bidi characters, collapses line breaks, bounds the length', () => {
    assert.equal(flatten('a\r\n\tb\u202ec\u0000d'), 'a bcd');
    assert.equal(flatten('x'.repeat(300), 10), 'xxxxxxxxx…');
  });

  test('mdText escapes everything with a Markdown or HTML meaning', () => {
    assert.equal(mdText('<b>[x](y)</b> *a* _b_ `c` | #'), '\\<b\\>\\[x\\](y)\\</b\\> \\*a\\* \\_b\\_ \\`c\\` \\| \\#');
  });

  test('mdCode picks a fence longer than any backtick run and escapes table pipes', () => {
    assert.equal(mdCode('a.example'), '`a.example`');
    assert.equal(mdCode('x``y'), '```x``y```');
    assert.equal(mdCode('`start'), '`` `start ``');
    assert.equal(mdCode('a|b'), '`a\\|b`');
    assert.equal(mdCode(''), '–');
    assert.equal(mdCode(undefined), '–');
  });

  test('mdFence cannot be closed by the text inside', () => {
    const f = mdFence('a\n````\nb', 'powershell');
    assert.ok(f.startsWith('`````powershell\n'));
    assert.ok(f.endsWith('\n`````'));
    assert.equal(mdFence('x', 'bad lang!'), '```\nx\n```');
  });
});

describe('Markdown report: route table and report', () => {
  test('route table: one row per hop, oldest first, the cells from the message', async () => {
    const s = await proofpointBannerEop.build();
    const a = await analyze(s.bytes, {});
    const rows = renderRouteTable(a).trimEnd().split('\n');
    assert.equal(rows[0], '| # | From | IP | By | Role | Protocol / TLS | Time (UTC) | Delay |');
    assert.equal(rows.length, 2 + s.facts.hops.length);
    s.facts.hops.forEach((h, i) => {
      const c = cells(rows[2 + i]);
      assert.equal(c.length, 8, rows[2 + i]);
      assert.equal(c[0], `${i + 1}${i === s.facts.breakHopIndex ? ' ⚠' : ''}`);
      if (h.fromIp) assert.equal(c[2], `\`${h.fromIp}\``);
      assert.equal(c[3], `\`${h.byHost}\``);
      assert.match(c[4], new RegExp(`^${s.facts.expectedRoles[i].replace('receiver-edge', 'receiver edge').replace('receiver-internal', 'receiver \\(internal\\)').replace('origin', 'sender')}`));
      assert.equal(c[6], h.timestamp.slice(0, 19).replace('T', ' '));
    });
  });

  test('report: summary, route, findings with evidence lines, remedies with their script fenced', async () => {
    const s = await proofpointBannerEop.build();
    const a = await analyze(s.bytes, { connectorName: 'Proofpoint Inbound' });
    const md = renderMarkdownReport(a, { generatedAt: '2026-03-11T08:00:00Z' });
    assert.ok(md.startsWith('# Mail flow report: Invoice INV-20417 for March deliveries\n'));
    assert.ok(md.includes(`| Connecting IP (what the receiver evaluated) | \`${s.facts.connectingIp}\` |`));
    assert.ok(md.includes(`| Original sender | \`mail.northwindtraders.com\` \`${s.facts.originalSenderIp}\` |`));
    assert.ok(md.includes("| Receiver's verdict | `spf=fail dkim=fail dmarc=fail compauth=fail` |"));
    assert.ok(md.includes(`⚠ Authentication broke at hop ${s.facts.breakHopIndex! + 1} (\`mx0b-00498f04.pphosted.com\`).`));
    const dkim = a.findings.find((f) => f.id === 'dkim-body-modified')!;
    assert.ok(md.includes(`- \`Authentication-Results\` lines ${dkim.evidence[0].lines.startLine + 1}–${dkim.evidence[0].lines.endLine + 1}`));
    const r = a.remedies.find((x) => x.id === 'efc-skip-last-ip')!;
    assert.ok(md.includes('```powershell\n' + r.text.trimEnd() + '\n```'), 'the script verbatim in a powershell fence');
    assert.ok(md.includes(`- ${mdText(r.rollback[0])}`));
    assert.ok(md.trimEnd().endsWith('on 2026-03-11T08:00:00Z. Nothing was changed and no script was run.'));
    assert.equal(renderMarkdownReport(a, { generatedAt: '2026-03-11T08:00:00Z' }), md, 'deterministic');
    assert.ok(!renderMarkdownReport(a).includes(' on 20'), 'no time unless the caller passes one');
  });

  test('Gmail route: no Exchange remedy, the Gmail checklist as Markdown', async () => {
    const s = await barracudaGmail.build();
    const a = await analyze(s.bytes, {});
    const md = renderMarkdownReport(a);
    assert.ok(!md.includes('Set-InboundConnector'));
    assert.ok(md.includes('| Receiver | Gmail') || md.includes('| Receiver | Google'), md.slice(0, 800));
  });

  test('hostile header text stays text: no HTML, links or emphasis outside code spans, table intact', () => {
    const a = analyzeHeaders(Buffer.from(HOSTILE));
    const md = renderMarkdownReport(a);
    let fenced = false;
    for (const line of md.split('\n')) {
      if (/^`{3,}/.test(line)) fenced = !fenced;
      if (fenced) continue;
      const text = outsideCode(line);
      assert.ok(!/(^|[^\\])</.test(text), `unescaped "<" in: ${line}`);
      assert.ok(!/(^|[^\\])\]\(/.test(text), `link syntax in: ${line}`);
      assert.ok(!/(^|[^\\])\*[^ *]/.test(text.replace(/^- /, '').replace(/\*\*/g, '')), `emphasis in: ${line}`);
    }
    const subjectRow = md.split('\n').find((l) => l.startsWith('| Subject |'))!;
    assert.equal(cells(subjectRow).length, 2, `the pipe in the subject does not add a column: ${subjectRow}`);
    const routeRows = renderRouteTable(a).trimEnd().split('\n').slice(2);
    for (const row of routeRows) assert.equal(cells(row).length, 8, row);
    assert.ok(md.includes('# Mail flow report: \\<script\\>alert(1)\\</script\\> \\| \\*bold\\*'), md.split('\n')[0]);
  });
});

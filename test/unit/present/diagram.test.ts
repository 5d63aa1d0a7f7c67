import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analyze';
import type { Analysis } from '../../../src/core/types';
import { escapeXml, renderRouteDiagram, routeDiagramFile } from '../../../src/core/present/diagram';
import { breakHop, hopLine } from '../../../src/core/present/route';
import { proofpointBannerEop } from '../../fixtures/scenarios/s02-proofpoint-banner-eop';
import { phishFakeHelo } from '../../fixtures/scenarios/s07-phish-fake-helo';
import { zoneResolver } from '../../fixtures/scenarios';

const TAGS = new Set(['svg', 'title', 'desc', 'style', 'defs', 'marker', 'path', 'rect', 'g', 'text', 'tspan', 'line']);
const ATTRS = new Set([
  'xmlns', 'class', 'width', 'height', 'viewBox', 'role', 'aria-labelledby', 'aria-label', 'id', 'refX', 'refY', 'markerWidth', 'markerHeight',
  'orient', 'd', 'x', 'y', 'x1', 'y1', 'x2', 'y2', 'rx', 'text-anchor', 'dx', 'marker-end', 'tabindex', 'data-hop',
]);

interface Parsed {
  elements: Array<{ name: string; attrs: Record<string, string> }>;
  texts: string[];
}

/**
 * A strict little XML reader for what the generator may produce: elements with double-quoted
 * attributes, text, the five entities. It throws on anything else (an unbalanced tag, a raw '<' or
 * '&' in text, a quote breaking out of an attribute), so a header that injects markup fails here.
 */
function parseSvg(svg: string): Parsed {
  const out: Parsed = { elements: [], texts: [] };
  const stack: string[] = [];
  let i = 0;
  const decode = (s: string) => {
    if (/&(?!(amp|lt|gt|quot|#39|#61);)/.test(s)) throw new Error(`bare & in ${JSON.stringify(s.slice(0, 80))}`);
    return s.replace(/&#61;/g, '=').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  };
  while (i < svg.length) {
    if (svg[i] !== '<') {
      const j = svg.indexOf('<', i);
      const raw = svg.slice(i, j < 0 ? svg.length : j);
      if (raw.includes('>')) throw new Error(`raw > in text ${JSON.stringify(raw.slice(0, 80))}`);
      if (stack[stack.length - 1] !== 'style') out.texts.push(decode(raw));
      i = j < 0 ? svg.length : j;
      continue;
    }
    if (svg.startsWith('</', i)) {
      const m = /^<\/([a-zA-Z]+)>/.exec(svg.slice(i));
      if (!m) throw new Error(`bad end tag at ${i}`);
      if (stack.pop() !== m[1]) throw new Error(`unbalanced </${m[1]}>`);
      i += m[0].length;
      continue;
    }
    const m = /^<([a-zA-Z]+)((?:\s+[a-zA-Z][a-zA-Z0-9:-]*="[^"<>]*")*)\s*(\/?)>/.exec(svg.slice(i));
    if (!m) throw new Error(`bad tag at ${i}: ${JSON.stringify(svg.slice(i, i + 120))}`);
    const attrs: Record<string, string> = {};
    for (const a of m[2].matchAll(/([a-zA-Z][a-zA-Z0-9:-]*)="([^"]*)"/g)) {
      if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]}`);
      attrs[a[1]] = decode(a[2]);
    }
    out.elements.push({ name: m[1], attrs });
    if (!m[3]) stack.push(m[1]);
    i += m[0].length;
  }
  if (stack.length) throw new Error(`unclosed ${stack.join(', ')}`);
  return out;
}

function assertInert(svg: string): Parsed {
  const p = parseSvg(svg);
  for (const e of p.elements) {
    assert.ok(TAGS.has(e.name), `element <${e.name}> is not one the generator writes`);
    for (const [k, v] of Object.entries(e.attrs)) {
      assert.ok(ATTRS.has(k), `attribute ${k} on <${e.name}>`);
      assert.doesNotMatch(v, /javascript:|data:|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i, `${k}="${v}"`);
      if (k === 'class') assert.match(v, /^[a-z0-9 -]+$/, `class from our own words only: ${v}`);
      if (k === 'href' || k.startsWith('on')) assert.fail(`${k} on <${e.name}>`);
    }
  }
  return p;
}

async function proofpoint(dns: boolean): Promise<Analysis> {
  const r = await proofpointBannerEop.build();
  return analyze(r.bytes, dns ? { resolver: zoneResolver(r.dnsZone), dnsMode: 'recorded' } : {});
}

describe('route diagram (SVG)', () => {
  test('escapeXml escapes markup and quotes, and drops control and bidi characters', () => {
    assert.equal(escapeXml(`<a href="x" onclick='y'>&</a>`), '&lt;a href&#61;&quot;x&quot; onclick&#61;&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    assert.equal(escapeXml('a\u202eb\u0000c\u2066d\r\ne'), 'abcd e');
    assert.equal(escapeXml(undefined), '');
    assert.equal(escapeXml(42), '42');
  });

  test('Proofpoint → Exchange Online: one lane per organisation, one node per hop, the break and the boundary', async () => {
    const a = await proofpoint(true);
    const d = renderRouteDiagram(a, { interactive: true, embedStyle: false });
    const p = assertInert(d.svg);
    const f = a.facts;
    // lanes: sender, Proofpoint (the recipient's gateway), Exchange Online
    assert.deepEqual(f.segments.map((s) => s.role), ['sender', 'recipient-gateway', 'recipient']);
    const laneRects = p.elements.filter((e) => e.name === 'rect' && /\blane\b/.test(e.attrs.class ?? ''));
    assert.equal(laneRects.length, f.segments.length);
    assert.ok(laneRects[0].attrs.class.includes('trust-claimed'), "the sender's lane is drawn as claimed");
    assert.ok(laneRects[1].attrs.class.includes('role-recipient-gateway') && laneRects[1].attrs.class.includes('trust-relay'));
    for (const s of f.segments) assert.ok(p.texts.includes(s.name), `lane named ${s.name}`);
    assert.ok(p.texts.includes('relay · strong evidence'), `the gateway lane states the evidence strength: ${p.texts.join(' | ')}`);
    assert.ok(p.texts.includes("claimed: the sender's word"), "the sender's lane says its lines are claimed");
    // nodes: one per hop, focusable, in the lane of the segment that wrote the hop
    assert.equal(d.nodes.length, a.hops.length);
    const groups = p.elements.filter((e) => e.name === 'g' && e.attrs['data-hop'] !== undefined);
    assert.deepEqual(groups.map((g) => Number(g.attrs['data-hop'])), a.hops.map((h) => h.index));
    for (const g of groups) assert.equal(g.attrs.tabindex, '0');
    for (const n of d.nodes) assert.equal(n.lane, a.hops[n.hop].segment, `hop ${n.hop + 1} drawn in the lane of its segment`);
    assert.deepEqual(d.nodes.map((n) => n.lines), a.hops.map((h) => h.lines));
    // the break: only the verdict's break hop
    assert.equal(f.verdict.class, 'broken-in-transit');
    const broken = groups.filter((g) => /\bbroke\b/.test(g.attrs.class));
    assert.deepEqual(broken.map((g) => Number(g.attrs['data-hop'])), [f.verdict.breakHopIndex]);
    assert.match(broken[0].attrs['aria-label'], /authentication broke here/);
    assert.ok(p.texts.includes('⚠ broke here'));
    // the trust boundary line and its label, above the entry hop
    const line = p.elements.find((e) => e.name === 'line' && e.attrs.class === 'boundary');
    assert.ok(line, 'boundary line');
    const entryNode = d.nodes.find((n) => n.hop === f.entry.hopIndex)!;
    assert.ok(Number(line.attrs.y1) < entryNode.y && Number(line.attrs.y1) > entryNode.y - 20, 'the boundary sits right above the entry node');
    assert.ok(p.texts.some((t) => t.includes('Exchange Online took the message here')));
    // each hop reads from host [IP] → by host in its accessible name
    for (const h of a.hops) assert.ok(groups[h.index].attrs['aria-label'].includes(hopLine(h)), `hop ${h.index + 1} label`);
    // arrows between consecutive hops
    assert.equal(p.elements.filter((e) => e.name === 'path' && e.attrs.class === 'edge').length, a.hops.length - 1);
  });

  test('a spoof has no break marker: never authentic is not broken in transit', async () => {
    const r = await phishFakeHelo.build();
    const a = await analyze(r.bytes, { resolver: zoneResolver(r.dnsZone), dnsMode: 'recorded' });
    assert.equal(a.facts.verdict.class, 'never-authentic');
    assert.equal(breakHop(a), null);
    const d = renderRouteDiagram(a);
    const p = assertInert(d.svg);
    assert.ok(!d.svg.includes('class="node broke'), 'no node is marked broken');
    assert.ok(p.texts.some((t) => t.startsWith('Never authentic')), 'the heading says never authentic');
  });

  test('the stand-alone file carries its own light and dark style and is deterministic', async () => {
    const a = await proofpoint(false);
    const file = routeDiagramFile(a);
    assert.ok(file.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"'));
    assert.match(file, /<style>[^<]*prefers-color-scheme: dark[^<]*<\/style>/);
    assert.doesNotMatch(file, /@import|url\((?!#mfl-arrow)|https?:\/\/(?!www\.w3\.org)/, 'no external resource');
    assert.equal(routeDiagramFile(a), file);
    assertInert(file.replace(/^<\?xml[^>]*>\n/, ''));
  });

  test('hostile header text cannot inject markup, attributes or links', async () => {
    const evil = `"><script>alert(1)</script><g onload="x">`;
    const msg = [
      `Received: from evil.example ("><img src=x onerror=alert(2)> [198.51.100.7])`,
      `\tby mx.evil.example with ESMTP id ab'c"d<e>; Tue, 10 Mar 2026 14:05:01 +0000`,
      `Received: from </text><foreignObject><body onload=alert(3)> (unknown [203.0.113.9])`,
      `\tby "><svg onload=alert(4)>.example.net with SMTP; Tue, 10 Mar 2026 14:05:00 +0000`,
      `Authentication-Results: mx.evil.example; spf=fail smtp.mailfrom=${'x'.repeat(3)}@evil.example`,
      `From: "${evil}" <a@evil.example>`,
      `To: b@contoso.com`,
      `Subject: ${evil} \u202egnp.exe <![CDATA[ ]]> &amp; <style>*{}</style>`,
      `Date: Tue, 10 Mar 2026 14:04:59 +0000`,
      `Message-ID: <1@evil.example>`,
      '',
      'body',
      '',
    ].join('\r\n');
    const a = await analyze(Buffer.from(msg, 'utf8'));
    assert.ok(a.hops.length >= 2);
    for (const interactive of [true, false]) {
      const d = renderRouteDiagram(a, { interactive, embedStyle: !interactive });
      const p = assertInert(d.svg);
      assert.ok(!/<script|<foreignObject|<img|<body|<!\[CDATA/i.test(d.svg), 'no markup from the message');
      assert.ok(!/\son[a-z]+=/i.test(d.svg), 'no event handler attribute');
      // the text made it in, as text
      assert.ok(p.texts.some((t) => t.includes('"><script>alert(1)</script>')), 'the subject is shown as text');
      assert.ok(!p.texts.some((t) => t.includes('\u202e')), 'bidi override removed');
      const labels = p.elements.map((e) => e.attrs['aria-label']).filter(Boolean);
      if (interactive) assert.ok(labels.some((l) => l.includes('<')), 'labels keep the hostile text, escaped');
    }
  });

  test('an unknown idPrefix is replaced, so ids stay our own', async () => {
    const a = await proofpoint(false);
    const d = renderRouteDiagram(a, { idPrefix: '"><x' });
    assert.ok(d.svg.includes('id="mfl-arrow"'));
    assertInert(d.svg);
  });
});

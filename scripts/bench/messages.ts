/**
 * Messages for the benchmark, built the way the fixture scenarios build theirs (real DKIM
 * signature and real ARC seals made by mailauth with test keys while the message travels):
 *
 *   Thunderbird at northwindtraders.com (DKIM-signed by the sender's Postfix)
 *     → Proofpoint PPS (tags the Subject, ARC-seals i=1 as pphosted.com)
 *     → Exchange Online (EOP's front end, ARC-seals i=2 as microsoft.com, internal hops, X-MS-* stamps)
 *
 * The body is a multipart/mixed with the text and HTML parts and a PDF attachment of the asked
 * size (pseudo-random bytes, base64 in 76-character lines), so "a 30 MB message" has 30 MiB of
 * realistic MIME bytes, not one long line. Deterministic for a given size and key set.
 *
 * Also: the pathological header block (a mail loop's thousands of Received fields, a filter's
 * debug fields, an enormous References and recipient list) and LF-only copies.
 */
import * as crypto from 'node:crypto';
import type { DnsZone } from '../../test/fixtures/scenarios/dns';
import { subjectTagArcFlow } from '../../test/fixtures/scenarios/s09-proofpoint-subject-tag-arc-eop';
import { attachFile } from '../../test/fixtures/scenarios/build';
import { CRLF, formatDate, hex, serialize, token } from '../../test/fixtures/scenarios/message';
import type { KeyProvider } from '../../test/fixtures/scenarios/keys';

export interface BenchMessage {
  /** CRLF bytes as delivered. */
  bytes: Buffer;
  /** DNS answers for every key, SPF and DMARC record the message needs. */
  zone: DnsZone;
  /** Where the body starts (byte offset after the blank line). */
  bodyStart: number;
}

const TEXT = `Hi Isaiah,

Following our call: the framework agreement draft and the signed annexes are attached
for legal review. The same files are on the shared workspace:

https://portal.northwindtraders.com/contracts/FA-2026-014

Could you let me know by Friday whether clause 9 works for your team?

Best,
Priya`;

/** Pseudo-random but reproducible bytes (AES-256-CTR keystream of a fixed key). */
export function pseudoRandomBytes(n: number, seed: string): Buffer {
  const key = crypto.createHash('sha256').update(`key:${seed}`).digest();
  const iv = crypto.createHash('md5').update(`iv:${seed}`).digest();
  const c = crypto.createCipheriv('aes-256-ctr', key, iv);
  return Buffer.concat([c.update(Buffer.alloc(n)), c.final()]);
}

/** A PDF-looking payload of n bytes: a real header, then random "compressed stream" bytes. */
function pdfBytes(n: number, seed: string): Buffer {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n', 'latin1');
  if (n <= head.length) return head.subarray(0, n);
  return Buffer.concat([head, pseudoRandomBytes(n - head.length, seed)]);
}

/** Attachment size (raw bytes) that makes the delivered message about `total` bytes. */
function attachmentBytesFor(total: number): number {
  // base64 in 76-char lines: 4/3 expansion plus CRLF every 76 chars; the rest of the message is ~12 KB
  const overhead = 12 * 1024;
  const encoded = Math.max(0, total - overhead);
  return Math.max(0, Math.floor((encoded * 76) / 78 * 3 / 4));
}


/**
 * A message of about `size` bytes through sender → Proofpoint (ARC i=1) → Exchange Online
 * (ARC i=2). Its DKIM body hash is intact (Proofpoint only tagged the Subject, a signed header).
 */
export async function buildBenchMessage(size: number, keys: KeyProvider): Promise<BenchMessage> {
  const { msg, zone } = await subjectTagArcFlow(keys, {
    seed: `bench-${size}`,
    subject: 'Framework agreement FA-2026-014 - draft and annexes',
    text: TEXT,
    beforeSubmit: (m, seed) => {
      const att = attachmentBytesFor(size);
      if (att > 0) attachFile(m, { name: 'FA-2026-014 draft with annexes.pdf', type: 'application/pdf', data: pdfBytes(att, seed) }, seed);
    },
  });
  const bytes = serialize(msg);
  return { bytes, zone, bodyStart: bytes.indexOf('\r\n\r\n') + 4 };
}

/**
 * The pathological header block: the delivered message's own header with, on top, what a mail
 * loop between two relays and a verbose filter leave behind: ~2,400 Received fields, ~7,000
 * X-Spam debug fields, a References field with 2,000 message-ids and a 1,500-recipient Cc
 * (folded at 78 columns). About `target` bytes of header (default 1 MiB), then the original body.
 */
export function pathologicalHeaders(base: Buffer, target = 1024 * 1024): Buffer {
  const sep = base.indexOf('\r\n\r\n');
  const header = base.subarray(0, sep + 2);
  const body = base.subarray(sep + 2);
  const out: string[] = [];
  let bytes = 0;
  const push = (s: string) => {
    out.push(s);
    bytes += s.length + 2;
  };
  // a References field with 2,000 ids (folded one per line) and a Cc with 1,500 recipients,
  // written below the loop's fields
  const refs: string[] = [];
  for (let i = 0; i < 2000; i++) refs.push(`<${hex(`ref${i}`, 16)}.${i}@mail.northwindtraders.com>`);
  const cc: string[] = [];
  for (let i = 0; i < 1500; i++) cc.push(`"Recipient ${i}" <user${i}@contoso.com>`);
  const tail = [`References: ${refs.join(`${CRLF} `)}`, `Cc: ${cc.join(`,${CRLF} `)}`];
  bytes += tail.reduce((a, s) => a + s.length + 2, 0);
  let t = Date.parse('2026-03-10T16:02:11Z');
  let n = 0;
  while (bytes < target) {
    const date = formatDate(new Date((t -= 1000)), { offset: 0 });
    const a = n % 2 === 0 ? ['relay1.contoso.com', '198.51.100.7', 'relay2.contoso.com'] : ['relay2.contoso.com', '198.51.100.8', 'relay1.contoso.com'];
    push(
      `Received: from ${a[0]} (${a[0]} [${a[1]}])${CRLF}\tby ${a[2]} (Postfix) with ESMTPS id 4W${token(`q${n}`, 12)}${CRLF}\tfor <isaiah@contoso.com>; ${date}`,
    );
    for (let k = 0; k < 3 && bytes < target; k++) {
      push(`X-Spam-Debug-${k}: hop=${n} rule=BAYES_${(n * 7 + k) % 100} score=0.${(n + k) % 10} tests=${token(`t${n}:${k}`, 40)}`);
    }
    n++;
  }
  out.push(...tail);
  return Buffer.concat([Buffer.from(out.join(CRLF) + CRLF, 'latin1'), header, body]);
}

/** LF-only copy (what many tools save). */
export function toLf(crlf: Buffer): Buffer {
  const out = Buffer.allocUnsafe(crlf.length);
  let o = 0;
  let start = 0;
  for (let i = crlf.indexOf('\r\n'); i !== -1; i = crlf.indexOf('\r\n', i + 2)) {
    o += crlf.copy(out, o, start, i);
    out[o++] = 0x0a;
    start = i + 2;
  }
  o += crlf.copy(out, o, start);
  return out.subarray(0, o);
}

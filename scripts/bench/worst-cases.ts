/**
 * Worst-case inputs for the bounded-cost target: any input up to the size limit is analysed in at
 * most 10 s and 512 MB. Each is built from realistic field shapes (as Exchange Online, Proofpoint,
 * Google and Postfix write them), repeated or nested to the extreme a hostile sender or a broken
 * mail loop can produce. Deterministic; used by `npm run bench -- worst` and the robustness tests.
 */

const CRLF = '\r\n';
const MiB = 1024 * 1024;

/** The realistic message every case is built around (the route of a Proofpoint → Exchange Online delivery). */
export const BASE_HEADER = [
  'Received: from mx0b-00498f04.pphosted.com (148.163.138.245) by',
  ' BN2PEPF000044A8.mail.protection.outlook.com (10.167.243.102) with Microsoft',
  ' SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8466.16',
  ' via Frontend Transport; Tue, 10 Mar 2026 14:05:02 +0000',
  'Authentication-Results: spf=fail (sender IP is 148.163.138.245)',
  ' smtp.mailfrom=northwindtraders.com; dkim=fail (body hash did not verify)',
  ' header.d=northwindtraders.com;dmarc=fail action=oreject',
  ' header.from=northwindtraders.com;compauth=fail reason=000',
  'Received: from mail.northwindtraders.com (mail.northwindtraders.com [203.0.113.25])',
  '\tby mx0b-00498f04.pphosted.com (PPS) with ESMTPS id 4c89anjir3-1',
  '\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT);',
  '\tTue, 10 Mar 2026 14:05:00 +0000',
  'From: Jordan Alvarez <j.alvarez@northwindtraders.com>',
  'To: Megan Bowen <megan.bowen@contoso.com>',
  'Subject: Invoice INV-20417 for March deliveries',
  'Date: Tue, 10 Mar 2026 10:04:57 -0400',
  'Message-ID: <6a72c99a-8bbb-1d3b-daff-37ecb1eda988@northwindtraders.com>',
  'MIME-Version: 1.0',
];

const BODY = ['Content-Type: text/plain; charset=UTF-8', '', 'Hello Megan,', '', 'Please find the invoice for the March deliveries on our customer portal.', ''].join(CRLF);

function message(extraFields: string[], body = BODY): Buffer {
  return Buffer.from([...extraFields, ...BASE_HEADER, body].join(CRLF), 'latin1');
}

function ip(i: number): string {
  return `198.51.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`;
}

function time(i: number): string {
  const s = i % 86400;
  return `Tue, 10 Mar 2026 ${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')} +0000`;
}

/** A Postfix-style Received field, folded as Postfix folds it. */
function received(i: number): string {
  return `Received: from relay${i}.example.net (relay${i}.example.net [${ip(i)}])${CRLF}\tby relay${i + 1}.example.net (Postfix) with ESMTPS id 4ZQ${(i * 7919).toString(36).toUpperCase()}${CRLF}\tfor <megan.bowen@contoso.com>; ${time(i)}`;
}

/** `count` Received fields, newest first (a mail loop between two relays). */
export function manyReceived(count = 100_000): Buffer {
  return message(Array.from({ length: count }, (_, k) => received(count - 1 - k)));
}

/** One ARC set as Microsoft 365 writes it (seal, message signature, authentication results). */
function arcSet(i: number): string[] {
  const b = 'b=Zm9vYmFyYmF6cXV4'.padEnd(344, 'A');
  return [
    `ARC-Seal: i=${i}; a=rsa-sha256; s=arcselector10001; d=microsoft.com; cv=${i === 1 ? 'none' : 'pass'};${CRLF} ${b}${CRLF} ==`,
    `ARC-Message-Signature: i=${i}; a=rsa-sha256; c=relaxed/relaxed; d=microsoft.com;${CRLF} s=arcselector10001;${CRLF} h=From:Date:Subject:Message-ID:Content-Type:MIME-Version:X-MS-Exchange-SenderADCheck;${CRLF} bh=WkVtsni/PKyA+H6ecuJg6iOm/tHeC3gcuFVXSNl1c8c=;${CRLF} ${b}==`,
    `ARC-Authentication-Results: i=${i}; mx.microsoft.com 1; spf=pass (sender ip is${CRLF} 203.0.113.25) smtp.rcpttodomain=contoso.com smtp.mailfrom=northwindtraders.com;${CRLF} dmarc=pass (p=reject sp=reject pct=100) action=none${CRLF} header.from=northwindtraders.com; dkim=pass (signature was verified)${CRLF} header.d=northwindtraders.com; arc=none`,
  ];
}

/** `count` ARC sets (i=count … 1, newest first). */
export function manyArcSets(count = 1000): Buffer {
  const fields: string[] = [];
  for (let i = count; i >= 1; i--) fields.push(...arcSet(i));
  return message(fields);
}

/** `count` DKIM-Signature fields (a list expander re-signing in a loop). */
export function manyDkimSignatures(count = 5000): Buffer {
  const fields: string[] = [];
  for (let k = 0; k < count; k++) {
    fields.push(
      `DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=lists${k}.example.net;${CRLF} s=s${k % 97}; t=1773151498; h=from:to:subject:date:message-id:list-id;${CRLF} bh=WkVtsni/PKyA+H6ecuJg6iOm/tHeC3gcuFVXSNl1c8c=;${CRLF} b=${'FIj57UTkm0LRem/E5u3/V+JAIidF7ytdJJbGLA2f5J4QtaIOxhAiKWUE5zoYL/DQCOxGE9UyL'.repeat(5)}`,
    );
  }
  return message(fields);
}

/** A body of `depth` nested multipart/mixed parts (every level with its own boundary), about `bytes` long at most. */
export function deepMime(depth = 20_000): Buffer {
  const open: string[] = [];
  const close: string[] = [];
  for (let d = 0; d < depth; d++) {
    open.push(`--b${d}${CRLF}Content-Type: multipart/mixed; boundary="b${d + 1}"${CRLF}${CRLF}`);
    close.push(`--b${d}--${CRLF}`);
  }
  const body = `Content-Type: multipart/mixed; boundary="b0"${CRLF}${CRLF}${open.join('')}--b${depth}${CRLF}Content-Type: text/plain${CRLF}${CRLF}leaf${CRLF}--b${depth}--${CRLF}${close.reverse().join('')}`;
  return message([], body);
}

/** One header field of `bytes` bytes: an X-header on one unfolded line (no real limit applies to a hostile sender). */
export function hugeHeader(bytes = 60 * MiB): Buffer {
  const unit = 'lorem ipsum dolor sit amet ';
  return message([`X-Campaign-Data: ${unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes)}`]);
}

/** The same, folded every 76 characters (about 800,000 lines in one field). */
export function hugeFoldedHeader(bytes = 60 * MiB): Buffer {
  const line = `${CRLF} ${'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tem'}`;
  return message([`X-Campaign-Data: start${line.repeat(Math.ceil(bytes / line.length))}`]);
}

/** `count` tiny fields and no blank line at all (7.5 million: a 60 MB file). */
export function tinyFieldsNoBlankLine(count = 7_500_000): Buffer {
  const head = Buffer.from(`${BASE_HEADER.join(CRLF)}${CRLF}`, 'latin1');
  const field = Buffer.from(`Xa: bc${CRLF}`, 'latin1');
  const out = Buffer.allocUnsafe(head.length + field.length * count);
  head.copy(out, 0);
  for (let k = 0, o = head.length; k < count; k++, o += field.length) field.copy(out, o);
  return out;
}

/**
 * `count` Authentication-Results fields each with a part that cannot be read (as a broken
 * forwarder or a hostile sender writes them): every one is a parse problem and a finding.
 */
export function unreadableAuthResults(count = 60_000): Buffer {
  const fields: string[] = [];
  for (let i = 0; i < count; i++) {
    fields.push(`Authentication-Results: mx.contoso.com; spf=pass (sender IP is ${ip(i)})${CRLF} smtp.mailfrom=relay${i}.example.net ]]] ((( unreadable part ${i} ;;; x`);
  }
  return message(fields);
}

export interface WorstCase {
  id: string;
  title: string;
  build: () => Buffer;
}

export const WORST_CASES: WorstCase[] = [
  { id: 'received-100k', title: '100,000 Received fields', build: () => manyReceived(100_000) },
  { id: 'arc-1000', title: '1,000 ARC sets (3,000 fields)', build: () => manyArcSets(1000) },
  { id: 'dkim-5000', title: '5,000 DKIM signatures', build: () => manyDkimSignatures(5000) },
  { id: 'ar-unreadable-60k', title: '60,000 Authentication-Results fields with unreadable parts', build: () => unreadableAuthResults(60_000) },
  { id: 'mime-deep', title: 'MIME nested 20,000 levels deep', build: () => deepMime(20_000) },
  { id: 'header-60mb', title: 'One 60 MB header field on one line', build: () => hugeHeader(60 * MiB) },
  { id: 'header-60mb-folded', title: 'One 60 MB header field folded over 800,000 lines', build: () => hugeFoldedHeader(60 * MiB) },
  { id: 'tiny-7.5m', title: '7.5 million tiny fields, no blank line (60 MB)', build: () => tinyFieldsNoBlankLine(7_500_000) },
];

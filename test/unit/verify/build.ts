/**
 * Test messages for the verifier, signed and sealed at test time with keys generated here (no
 * pasted signatures). The route is a realistic one: Northwind Traders' Postfix signs with
 * d=northwindtraders.com, Proofpoint (the receiving side's gateway) relays, Exchange Online takes
 * it from the gateway. Header shapes follow DOMAIN.md §1, §3 and §5.
 */
import * as crypto from 'node:crypto';

// deep requires: the mailauth index does not load on Node 20
const { dkimSign } = require('mailauth/lib/dkim/sign') as {
  dkimSign(
    input: Buffer,
    opts: {
      signatureData: Array<{ signingDomain: string; selector: string; privateKey: string; maxBodyLength?: number; canonicalization?: string }>;
      signTime?: Date;
      expires?: Date;
    },
  ): Promise<{ signatures: string; errors: unknown[] }>;
};
const { sealMessage } = require('mailauth/lib/arc') as {
  sealMessage(
    input: Buffer,
    seal: { signingDomain: string; selector: string; privateKey: string; authResults: string; cv: string; signTime?: Date },
  ): Promise<Buffer>;
};

export const CRLF = '\r\n';

export interface Key {
  domain: string;
  selector: string;
  privateKey: string;
  /** The TXT record, split into 255-byte strings as DNS does. */
  txt: string[];
  dnsName: string;
}

export function makeKey(domain: string, selector: string): Key {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const rec = `v=DKIM1; k=rsa; p=${p}`;
  const txt: string[] = [];
  for (let i = 0; i < rec.length; i += 255) txt.push(rec.slice(i, i + 255));
  return { domain, selector, privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), txt, dnsName: `${selector}._domainkey.${domain}` };
}

/** A snapshot / zone in mailauth's --dns-cache shape. */
export type Zone = Record<string, Record<string, unknown>>;

export const SENDER = {
  domain: 'northwindtraders.com',
  mta: { host: 'mail.northwindtraders.com', ip: '203.0.113.25' },
  client: { helo: '[192.168.10.57]', ip: '192.168.10.57' },
  spf: 'v=spf1 ip4:203.0.113.25 ip4:203.0.113.26 -all',
  dmarc: 'v=DMARC1; p=reject; rua=mailto:dmarc-reports@northwindtraders.com; fo=1',
};
export const GATEWAY = { host: 'mx0b-00498f04.pphosted.com', ip: '148.163.138.245', filter: 'm0297263.ppops.net' };

export const SIGN_TIME = new Date('2024-05-14T10:00:01Z');
export const EDGE_TIME = new Date('2024-05-14T10:00:07Z');

export function rfcDate(d: Date): string {
  // e.g. "Tue, 14 May 2024 10:00:01 +0000"
  return d.toUTCString().replace('GMT', '+0000');
}

export interface BodyOpts {
  text?: string;
}

/** The message as Northwind's user agent submitted it (before any Received field). */
export function originalMessage(opts: BodyOpts = {}): Buffer {
  const text =
    opts.text ??
    [
      'Hi Megan,',
      '',
      'Attached is the signed purchase order 4471-B for the Q3 shipment. Please confirm',
      'the delivery window by Friday so we can book the freight.',
      '',
      'Kind regards,',
      'Jordan Alvarez',
      'Northwind Traders | Procurement',
      '',
    ].join(CRLF);
  const headers = [
    'From: Jordan Alvarez <j.alvarez@northwindtraders.com>',
    'To: Megan Bowen <megan.bowen@contoso.com>',
    'Subject: PO 4471-B: delivery window for Q3',
    `Date: ${rfcDate(new Date(SIGN_TIME.getTime() - 2000))}`,
    'Message-ID: <20240514100001.3F2A1C0457@mail.northwindtraders.com>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 7bit',
  ];
  return Buffer.from(headers.join(CRLF) + CRLF + CRLF + text, 'utf8');
}

export async function sign(
  msg: Buffer,
  key: Key,
  opts: { signTime?: Date; expires?: Date; maxBodyLength?: number } = {},
): Promise<Buffer> {
  const r = await dkimSign(msg, {
    signatureData: [{ signingDomain: key.domain, selector: key.selector, privateKey: key.privateKey, maxBodyLength: opts.maxBodyLength, canonicalization: 'relaxed/relaxed' }],
    signTime: opts.signTime ?? SIGN_TIME,
    expires: opts.expires,
  });
  if (!r.signatures) throw new Error(`signing failed: ${JSON.stringify(r.errors)}`);
  return Buffer.concat([Buffer.from(r.signatures), msg]);
}

export async function seal(msg: Buffer, key: Key, authResults: string, cv: 'none' | 'pass' | 'fail', signTime: Date): Promise<Buffer> {
  const set = await sealMessage(msg, { signingDomain: key.domain, selector: key.selector, privateKey: key.privateKey, authResults, cv, signTime });
  if (!set.length) throw new Error('sealing failed');
  return Buffer.concat([set, msg]);
}

export function prepend(msg: Buffer, ...fields: string[]): Buffer {
  return Buffer.concat([Buffer.from(fields.map((f) => f + CRLF).join('')), msg]);
}

/** Splits a message at its blank line. */
export function split(msg: Buffer): { head: Buffer; body: Buffer } {
  const i = msg.indexOf('\r\n\r\n');
  return { head: msg.subarray(0, i + 4), body: msg.subarray(i + 4) };
}

/** Replaces the body (everything after the blank line). */
export function withBody(msg: Buffer, body: string | Buffer): Buffer {
  return Buffer.concat([split(msg).head, Buffer.isBuffer(body) ? body : Buffer.from(body)]);
}

/** The Received field Northwind's Postfix writes when the workstation submits. */
export function submissionReceived(at: Date): string {
  return (
    `Received: from ${SENDER.client.helo} (unknown [${SENDER.client.ip}])` +
    `${CRLF}\tby ${SENDER.mta.host} (Postfix) with ESMTPSA id 3F2A1C0457` +
    `${CRLF}\tfor <megan.bowen@contoso.com>; ${rfcDate(at)}`
  );
}

/** Proofpoint taking the message from Northwind's MTA. */
export function gatewayReceived(at: Date): string {
  return (
    `Received: from ${SENDER.mta.host} (${SENDER.mta.host} [${SENDER.mta.ip}])` +
    `${CRLF}\tby ${GATEWAY.host} (PPS) with ESMTPS id 44p3v1k2m8-1` +
    `${CRLF}\t(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NOT)` +
    `${CRLF}\tfor <megan.bowen@contoso.com>; ${rfcDate(at)}`
  );
}

/** Exchange Online's front end taking the message from the gateway. */
export function eopReceived(at: Date): string {
  return (
    `Received: from ${GATEWAY.host} (${GATEWAY.ip}) by` +
    `${CRLF} BL02EPF0002992D.mail.protection.outlook.com (10.167.249.58) with Microsoft` +
    `${CRLF} SMTP Server (version=TLS1_3, cipher=TLS_AES_256_GCM_SHA384) id 15.20.8466.16` +
    `${CRLF} via Frontend Transport; ${rfcDate(at)}`
  );
}

export function eopInternalReceived(at: Date): string {
  return (
    `Received: from CH0PR04CA0045.namprd04.prod.outlook.com (2603:10b6:208:c8::20)` +
    `${CRLF} by DM6PR04MB6972.namprd04.prod.outlook.com (2603:10b6:5:1e9::16) with` +
    `${CRLF} Microsoft SMTP Server (version=TLS1_2,` +
    `${CRLF} cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.8466.17; ${rfcDate(at)}`
  );
}

/**
 * Exchange Online's anti-spam report, which it appends at the end of the header block: its own
 * record of the connecting address (CIP) and of that address's reverse DNS (PTR).
 */
export function eopReport(): string {
  return (
    `X-Forefront-Antispam-Report:${CRLF}\tCIP:${GATEWAY.ip};CTRY:US;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:${GATEWAY.host};PTR:${GATEWAY.host};CAT:SPOOF;` +
    `SFS:(13230040)(1800799024)(82310400026);DIR:INB;`
  );
}

/** Append header fields at the end of the header block (where Exchange Online puts its tenant headers). */
export function appendHeader(msg: Buffer, ...fields: string[]): Buffer {
  const i = msg.indexOf('\r\n\r\n');
  return Buffer.concat([msg.subarray(0, i + 2), Buffer.from(fields.map((f) => `${f}${CRLF}`).join(''), 'latin1'), msg.subarray(i + 2)]);
}

/** Everything added on the way, newest on top: Return-Path, EOP mailbox, EOP front end, Proofpoint, Postfix. */
export function route(signed: Buffer, opts: { eop?: boolean } = {}): Buffer {
  let m = prepend(signed, submissionReceived(new Date(SIGN_TIME.getTime() - 1000)));
  m = prepend(m, gatewayReceived(new Date(SIGN_TIME.getTime() + 4000)));
  if (opts.eop !== false) m = appendHeader(prepend(m, eopInternalReceived(new Date(EDGE_TIME.getTime() + 1000)), eopReceived(EDGE_TIME)), eopReport());
  return prepend(m, 'Return-Path: <j.alvarez@northwindtraders.com>');
}

export function senderZone(key: Key): Zone {
  return {
    [SENDER.domain]: { TXT: [[SENDER.spf]] },
    [`_dmarc.${SENDER.domain}`]: { TXT: [[SENDER.dmarc]] },
    [key.dnsName]: { TXT: [key.txt] },
  };
}

/** LF-only copy (as .eml files saved on Linux/macOS are). */
export function toLf(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').split('\r\n').join('\n'), 'latin1');
}

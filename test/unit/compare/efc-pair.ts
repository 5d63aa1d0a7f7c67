// The same kind of message before and after Enhanced Filtering for Connectors was switched on:
// Northwind Traders → Proofpoint (banner, URL Defense) → Exchange Online, built with the scenario
// builders (real DKIM signatures, EOP's real stamps). "before" is scenario 2 exactly as shipped;
// "after" runs the same flow with EFC on, so EOP skips Proofpoint's hop and evaluates the sender's
// own MTA. Used by the unit tests here and by the VS Code integration tests.
import { mergeZones } from '../../fixtures/scenarios/dns';
import { generateTestKey, type KeyProvider } from '../../fixtures/scenarios/keys';
import { compose } from '../../fixtures/scenarios/build';
import { deliverToEop } from '../../fixtures/scenarios/flows';
import { newCtx, proofpointReceive, senderSubmit } from '../../fixtures/scenarios/vendors';
import { CONTOSO, EOP_PATHS, NORTHWIND, PROOFPOINT, contosoZone, senderZone } from '../../fixtures/scenarios/world';
import { htmlOf } from '../../fixtures/scenarios/common';
import { serialize } from '../../fixtures/scenarios/message';
import { buildCached } from '../../fixtures/scenarios';

const TEXT = `Hello Megan,

The invoice for the April deliveries is on our customer portal:

https://portal.northwindtraders.com/invoices/INV-20533

Kind regards,
Jordan Alvarez
Accounts Receivable – Northwind Traders`;

export interface EfcPair {
  before: Buffer;
  after: Buffer;
  /** The sender's MTA: what EFC recovers. */
  originalIp: string;
  /** Proofpoint's delivering host: the connecting IP on both sides. */
  gatewayIp: string;
}

async function afterEfc(keys: KeyProvider): Promise<Buffer> {
  const org = NORTHWIND;
  const sender = org.people[0];
  const rcpt = CONTOSO.people.megan;
  const pp = PROOFPOINT.mx0b;
  const ctx = newCtx('proofpoint-banner-eop-efc-on', '2026-04-07T09:12:31Z', keys, mergeZones(senderZone(org, keys), contosoZone()));
  const msg = compose({
    mua: 'thunderbird',
    from: sender,
    to: [rcpt],
    subject: 'Invoice INV-20533 for April deliveries',
    date: ctx.clock.now(),
    dateStyle: { offset: org.zone.offset },
    seed: ctx.seed,
    text: TEXT,
    html: htmlOf(TEXT),
  });
  await senderSubmit(msg, ctx, org, { rcpt: rcpt.address, authSender: sender.address });
  await proofpointReceive(msg, ctx, {
    host: pp,
    from: { helo: org.mta.host, rdns: org.mta.host, ip: org.mta.ip },
    mailFrom: sender.address,
    rcpt: rcpt.address,
    banner: true,
    urlDefense: true,
  });
  await deliverToEop(msg, ctx, {
    path: EOP_PATHS.b,
    connecting: { helo: pp.host, ip: pp.ip, ptr: pp.host, tls: 'TLS1_3' },
    mailFrom: sender.address,
    rcptDomain: CONTOSO.domain,
    efc: { mode: 'on', original: { ip: org.mta.ip, helo: org.mta.host, ptr: org.mta.host } },
    spam: { sfv: 'NSPM', scl: 1, cat: 'NONE', dest: 'I' },
    auth: { as: 'Anonymous', fromEntity: 'Internet' },
  });
  return serialize(msg);
}

let cached: Promise<EfcPair> | undefined;

export function efcPair(keys: KeyProvider = generateTestKey): Promise<EfcPair> {
  if (!cached) {
    cached = (async () => {
      const before = (await buildCached('proofpoint-banner-eop')).bytes;
      return { before, after: await afterEfc(keys), originalIp: NORTHWIND.mta.ip, gatewayIp: PROOFPOINT.mx0b.ip };
    })();
  }
  return cached;
}

/**
 * Received field parser (RFC 5321 §4.4 and the shapes real MTAs write).
 *
 *   from <HELO> (<comment: rDNS, [IP], ident, helo=, HELO x, ...>) by <host> (<comment>)
 *   via <link> with <protocol> id <id> for <addr> ; <date>
 *
 * The value is split by a hand-written tokenizer into words, parenthesised comments (nesting
 * allowed), bracketed literals, angle addresses and ';'. Parenthesis pairs and the next ']' / '>'
 * are precomputed in single passes, so tokenizing is linear even for hostile input (a megabyte of
 * '(' or '[' or "from "). Clauses may come in any order. Anything that is not understood is kept in
 * `unparsed`, never dropped.
 *
 * The work is split by phase under ./received/: tokenize.ts (the tokens), clauses.ts (the date and
 * the clauses), literals.ts (IP literals, names, addresses), comments.ts (TLS, login, envelope and
 * other comment facts), identity.ts (the from clause's identity comment), from.ts (the from clause),
 * by.ts, with.ts, recipients.ts (via, id, for), and parse.ts (the driver that ties them together).
 *
 * Vendor knowledge encoded here (which name is the HELO and which the reverse-DNS name):
 *  - Postfix/Sendmail/Courier/Gmail: `from HELO (rDNS [IP])`; "unknown" means no rDNS.
 *  - Exim: `from rDNS ([IP]:port helo=HELO)`; the name is the verified rDNS and helo= appears only
 *    when it differs; `from [IP] (helo=HELO)` without rDNS.
 *  - qmail: `from rDNS (HELO helo) (ident@IP)`; "unknown" when there is no rDNS; HELO omitted when
 *    it equals the rDNS name.
 *  - CommuniGate: `from NAME ([IP] verified)` (NAME verified by rDNS), `from [IP] (HELO name)`.
 *  - Exchange / Exchange Online: `from HELO (IP) by HOST (IP) with Microsoft SMTP Server` — bare IP
 *    in parentheses, no rDNS; `(::1)` and `(fe80::…%13)` for the server talking to itself.
 *  - zmailer (vger.kernel.org): `from rDNS ([IP]:port "EHLO helo" rhost-flags-OK-OK-OK-OK) by …
 *    (ORCPT <rfc822;rcpt>)`, and the list expansion `(majordomo@vger.kernel.org) by vger.kernel.org
 *    via listexpand id …`: the leading `(user@host)` is the local sender (from.ident); an ORCPT
 *    address is a recipient (for).
 *  - Mimecast: `from HELO (rDNS [IP])`, or `(IP [IP])` when the address has no reverse DNS.
 *  - qmail's own line `(qmail 123 invoked by uid 89)` / `(qmail 123 invoked from network)`.
 *  - Forcepoint Email writes its product name in place of the host: `by Forcepoint Email with …`.
 *  - Over HTTP (webmail, mail APIs) there is no HELO: SquirrelMail `from rDNS-or-IP (SquirrelMail
 *    authenticated user x)`, CommuniGate `from [IP] (account x)`, the Gmail API `from 4294… named
 *    unknown by gmailapi.google.com with HTTPREST`, Yahoo `from IP by … pod-id NONE with HTTPS`.
 *    HTTP, `…SA`/`…A` protocols and "(authenticated as …)" set with.authenticated.
 * The date ends the field: what follows it is reported, never taken as a recipient.
 */
import type { ReceivedInfo } from '../types';
import { unfold } from './received/tokenize';
import { parseInto } from './received/parse';

/**
 * Parse the value of a Received field (without the "Received:" name; folded or unfolded).
 * Never throws.
 */
export function parseReceived(value: string): ReceivedInfo {
  const raw = unfold(typeof value === 'string' ? value : '');
  const info: ReceivedInfo = { raw, unparsed: [] };
  try {
    parseInto(info);
  } catch {
    // defensive: a parser bug must not take the analysis down; keep the text
    info.unparsed = [raw];
  }
  return info;
}

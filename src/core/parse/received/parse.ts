/**
 * Received parser, the driver: tokenise, find the date and the clauses, read each clause (by, with,
 * via, id, for here or in their own modules; the from clause last, because how to read it depends on
 * the others: Exim, Exchange, local and HTTP submissions), then assemble the result and report every
 * run of tokens nobody understood.
 *
 * Clauses that have no keyword are read here too: Sendmail's "(from user@localhost)", Exim's
 * "(helo=x)" without a from clause, vger's list expansion "(majordomo@vger.kernel.org)", qmail's
 * own line, a local program's lone note; and repeated keywords (XMail's "from <sender>" after "for",
 * Exchange Online's "with MailboxResubmission by AntispamTT", qmail-scanner's "by uid 502").
 */
import type { ReceivedFrom, ReceivedInfo } from '../../types';
import { type Tok, buildCtx, KEYWORDS, MAX_CLASSIFY, MAX_PARSE, tokenize } from './tokenize';
import { cleanAddress } from './literals';
import { type Acc, classifyComment } from './comments';
import { type Clause, type ParseState, plainComment as classify, readLooseWord as loose, splitClauses } from './clauses';
import { readBy } from './by';
import { protocolFlags, readWith } from './with';
import { readFor, readId, readVia } from './recipients';
import { readFrom } from './from';

/** A leading "(user@host)" comment: vger's "(majordomo@vger.kernel.org) by vger.kernel.org via listexpand". */
const LOCAL_SENDER_RE = /^\s*([^\s@()<>]{1,64})@([A-Za-z0-9.-]{1,255})\s*$/;

/** Parse `info.raw` into `info` (see parseReceived). */
export function parseInto(info: ReceivedInfo): void {
  const fullRaw = info.raw;
  const raw = fullRaw.length > MAX_PARSE ? fullRaw.slice(0, MAX_PARSE) : fullRaw;
  const ctx = buildCtx(raw);
  const toks = tokenize(ctx, 0, raw.length);
  /** 0 = not assigned (reported as unparsed), 1 = understood, 2 = explicitly unparsed. */
  const used = new Uint8Array(toks.length);
  const acc: Acc = { tls: {}, tlsSeen: false, authSeen: false, orcpt: [], unparsed: [] };
  const rawOf = (t: Tok) => raw.slice(t.s, t.e);
  // the field's own name written again at the start of its value ("Received: Received from 10.137.11.157
  // by …"): a sender's slip, not text about the hop
  if (toks.length > 1 && toks[0].k === 'word' && /^received:?$/i.test(toks[0].v) && toks[1].k === 'word' && KEYWORDS.has(toks[1].v.toLowerCase())) used[0] = 1;
  const st: ParseState = { ctx, raw, toks, used, acc };

  const { date, tailStart, clauses } = splitClauses(st);

  // --- global facts needed to read the from clause
  let isExim = false;
  for (const t of toks) {
    if (t.k === 'comment' && t.v.length < 200 && /(?:^|\s)Exim(?:\s|$)/.test(t.v)) {
      isExim = true;
      break;
    }
  }

  const seen = new Set<string>();
  let fromClause: Clause | undefined;
  let fromInComment: { toks: Tok[] } | undefined;
  const withClauses: Clause[] = [];
  let by: ReceivedInfo['by'];
  let via: string | undefined;
  let id: string | undefined;
  const forList: string[] = [];
  let byBareIp = false;
  let localSender: { ident: string; comment: string } | undefined;
  let loneNote: string | undefined;

  const plainComment = (i: number) => classify(st, i);
  const readLooseWord = (i: number) => loose(st, i);

  let qmailScannerUid: string | undefined;
  for (let ci = 0; ci < clauses.length; ci++) {
    const cl = clauses[ci];
    if (cl.kw === '') {
      for (const i of cl.toks) {
        const t = toks[i];
        if (used[i]) continue;
        if (t.k === 'comment') {
          // Sendmail local submission "(from user@localhost)", NAVGW "(from NAME [IP])"
          if (!cl.tail && !fromInComment && /^\s*from\s/i.test(t.v) && t.v.length < MAX_CLASSIFY) {
            const inner = tokenize(ctx, t.s + 1, t.e - 1);
            fromInComment = { toks: inner.slice(1) };
            used[i] = 1;
            continue;
          }
          // Exim without a from clause: "(helo=hipldsb.com) by biz221.vodien.com with esmtpsa …"
          if (!cl.tail && !fromInComment && i === 0 && /^\s*helo=\S/i.test(t.v) && t.v.length < MAX_CLASSIFY) {
            fromInComment = { toks: [t] };
            used[i] = 1;
            continue;
          }
          // vger/zmailer list expansion "(majordomo@vger.kernel.org) by vger.kernel.org ..."
          const ls = !cl.tail && !localSender && t.v.length < 400 ? LOCAL_SENDER_RE.exec(t.v) : null;
          if (ls) {
            localSender = { ident: ls[1], comment: rawOf(t) };
            used[i] = 1;
            continue;
          }
          // qmail "(qmail 20838 invoked from network)", DSN "(ORCPT <rfc822;x@y>)"
          if (classifyComment(t.v, acc, t.s)) used[i] = 1;
          // the whole field is one comment before the date: a local program's note on how it
          // took the message ("(ce send program)", "(eYou MTA subsystem invoked by bounce
          // program)"); a comment is free text, kept as the submitter's note, not an error
          else if (clauses.length === 1 && cl.toks.length === 1 && !cl.tail && !fromInComment && !localSender && t.v.trim() && t.v.length < 200) {
            loneNote = rawOf(t);
            used[i] = 1;
          } else used[i] = 2;
        } else {
          readLooseWord(i); // Haraka "envelope-from <addr>", else unparsed
        }
      }
      continue;
    }
    const single = cl.kw === 'from' || cl.kw === 'by' || cl.kw === 'id' || cl.kw === 'via';
    if (single && seen.has(cl.kw)) {
      // XMail: "... for <rcpt> from <sender>" states the envelope sender
      const first = cl.toks.length ? toks[cl.toks[0]] : undefined;
      if (cl.kw === 'from' && first && first.k === 'angle' && cl.toks.length === 1) {
        if (acc.envelopeFrom === undefined) acc.envelopeFrom = cleanAddress(first.v);
        used[cl.kwTok] = 1;
        used[cl.toks[0]] = 1;
        continue;
      }
      // Exchange Online: "with MailboxResubmission by AntispamTT id 15.20…": the agent that
      // resubmitted the message belongs to the protocol, it is no second receiving host
      const prevCl = clauses[ci - 1];
      if (cl.kw === 'by' && prevCl?.kw === 'with' && cl.toks.length === 1 && first?.k === 'word' && /^[A-Za-z][A-Za-z0-9]{1,40}$/.test(first.v)) {
        prevCl.toks.push(cl.kwTok, cl.toks[0]);
        continue;
      }
      // qmail-scanner: "from x@example.com by host by uid 502 with qmail-scanner-1.12 (…)": the
      // user id the scanner ran under
      const second = cl.toks.length === 2 ? toks[cl.toks[1]] : undefined;
      if (cl.kw === 'by' && first?.k === 'word' && first.v.toLowerCase() === 'uid' && second?.k === 'word' && /^\d{1,10}$/.test(second.v)) {
        qmailScannerUid = `uid ${second.v}`;
        used[cl.kwTok] = 1;
        used[cl.toks[0]] = 1;
        used[cl.toks[1]] = 1;
        continue;
      }
      used[cl.kwTok] = 2;
      for (const i of cl.toks) used[i] = 2;
      continue;
    }
    seen.add(cl.kw);
    used[cl.kwTok] = 1;
    switch (cl.kw) {
      case 'from':
        fromClause = cl; // read after the other clauses: it needs their context
        break;
      case 'by': {
        const b = readBy(st, clauses, ci);
        by = b.by;
        byBareIp = b.byBareIp;
        break;
      }
      case 'with':
        withClauses.push(cl);
        break;
      case 'via':
        via = readVia(st, cl);
        break;
      case 'id':
        id = readId(st, cl);
        break;
      case 'for':
        readFor(st, cl, forList);
        break;
    }
  }

  // --- with: protocol and flags
  let withInfo = readWith(st, withClauses);

  // comments anywhere else (after the date, between clauses) still count for TLS/envelope
  const inFrom = new Uint8Array(toks.length);
  if (fromClause) for (const i of fromClause.toks) inFrom[i] = 1;
  for (let i = 0; i < toks.length; i++) {
    if (used[i] || inFrom[i] || toks[i].k !== 'comment') continue;
    plainComment(i);
  }

  // --- from
  const msStyle = !!withInfo && (withInfo.mapi || /microsoft/i.test(withInfo.protocol));
  const protoLocal = !!withInfo && /^local/i.test(withInfo.protocol);
  let from: ReceivedFrom | undefined;
  if (fromClause) {
    const fromToks: Tok[] = [];
    for (const i of fromClause.toks) fromToks.push(toks[i]);
    from = readFrom(ctx, fromToks, (n, state) => {
      used[fromClause.toks[n]] = state;
    }, acc, { isExim, msStyle: msStyle || byBareIp, protoLocal, http: !!withInfo?.http });
  } else if (fromInComment) {
    from = readFrom(ctx, fromInComment.toks, () => undefined, acc, { isExim, msStyle, protoLocal, http: false, sendmailLocal: true });
  } else if (localSender) {
    from = { ident: localSender.ident, comment: localSender.comment };
  } else if (loneNote !== undefined) {
    from = { comment: loneNote };
  } else if (acc.qmail) {
    // qmail's own line: who handed it the message (a local uid, or the network peer it names)
    const q = acc.qmail;
    from = {};
    if (q.rdns) from.rdns = q.rdns;
    if (q.ip) from.ip = from.ipRaw = q.ip;
    if (q.ident) from.ident = q.ident;
    from.comment = q.comment;
  }

  // qmail-scanner names the envelope sender where the client goes: "from x@example.com by host by
  // uid 502 with qmail-scanner-1.12 (…)"; the user id is the scanner's
  if (qmailScannerUid !== undefined && withInfo && /^qmail-scanner/i.test(withInfo.protocol)) {
    if (from?.helo?.includes('@') && !from.ip) {
      if (acc.envelopeFrom === undefined) acc.envelopeFrom = from.helo;
      delete from.helo;
    }
    from = { ...from, ident: qmailScannerUid };
  } else if (qmailScannerUid !== undefined) {
    acc.unparsed.push({ pos: 0, text: `by ${qmailScannerUid}` });
  }

  // --- assemble
  if (from && Object.keys(from).length) info.from = from;
  if (by && (by.host !== undefined || by.ip !== undefined || by.comment !== undefined)) info.by = by;
  if (via !== undefined) info.via = via;
  // Critical Path "(authenticated as user)" with no "with" clause: the submission is still
  // authenticated; the protocol is not named
  if (!withInfo && acc.authSeen) withInfo = protocolFlags('');
  if (withInfo) {
    if (acc.tlsSeen) withInfo.tls = true;
    if (acc.authSeen) withInfo.authenticated = true;
    info.with = withInfo;
  }
  if (acc.tls.version || acc.tls.cipher || acc.tls.bits) info.tls = { ...acc.tls };
  if (id !== undefined) info.id = id;
  // DSN original recipients (zmailer's "(ORCPT <rfc822;addr>)") name the envelope recipient too
  for (const o of acc.orcpt) if (o.pos < tailStart && o.addr && !forList.includes(o.addr)) forList.push(o.addr);
  if (forList.length) info.for = forList;
  if (acc.envelopeFrom !== undefined) info.envelopeFrom = acc.envelopeFrom;
  if (date) info.date = date;

  // --- unparsed: runs of tokens nobody understood, plus notes from inside comments
  const pieces: Array<{ pos: number; text: string }> = [...acc.unparsed];
  let runStart = -1;
  let runEnd = -1;
  for (let i = 0; i <= toks.length; i++) {
    const bad = i < toks.length && used[i] !== 1;
    if (bad) {
      if (runStart < 0) runStart = toks[i].s;
      runEnd = toks[i].e;
    } else if (runStart >= 0) {
      pieces.push({ pos: runStart, text: raw.slice(runStart, runEnd) });
      runStart = -1;
    }
  }
  if (fullRaw.length > raw.length) pieces.push({ pos: raw.length, text: fullRaw.slice(raw.length) });
  pieces.sort((a, b) => a.pos - b.pos);
  const unparsed: string[] = [];
  for (const p of pieces) {
    const t = p.text.trim();
    if (t.length > 0) unparsed.push(t);
  }
  info.unparsed = unparsed;
}

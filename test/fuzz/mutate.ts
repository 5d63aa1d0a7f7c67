/**
 * Structure-aware mutations of realistic messages: the header block is edited as a list of
 * fields (folding, encodings, duplicates, reordering, giant values, control bytes, invalid UTF-8,
 * truncation), the body as MIME (deep nesting, broken boundaries). Deterministic for a seed.
 */
export type Rng = () => number;

/** xorshift32: small, fast, reproducible. */
export function rng(seed: number): Rng {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const pick = <T>(r: Rng, list: readonly T[]): T => list[Math.floor(r() * list.length)];
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

function splitMessage(buf: Buffer): { fields: Buffer[]; sep: Buffer; body: Buffer } {
  const text = buf.toString('latin1');
  const m = /\r?\n\r?\n/.exec(text);
  const head = m ? text.slice(0, m.index) : text;
  const body = m ? text.slice(m.index + m[0].length) : '';
  const lines = head.split(/\r?\n/);
  const fields: string[] = [];
  for (const l of lines) {
    if ((l.startsWith(' ') || l.startsWith('\t')) && fields.length) fields[fields.length - 1] += `\r\n${l}`;
    else fields.push(l);
  }
  return { fields: fields.map((f) => Buffer.from(f, 'latin1')), sep: Buffer.from(m ? '\r\n\r\n' : ''), body: Buffer.from(body, 'latin1') };
}

const NASTY = [
  '\u0000', '\u001b[2J', '\r', '\n', '\t', ' ', '(', ')', '[', ']', '<', '>', ';', ':', '=', '"', "'", '`', '$(', '@(', '|', '&',
  '\u2018', '\u2019', '\u202e', '\u200f', '\u2066', '=?utf-8?B?', '?=', 'from ', 'by ', 'with ', 'IPv6:', '::ffff:', '%eth0',
  '0x7f.1', '010.1.1.1', '999.1.1.1', 'spf=', 'dkim=', 'reason=', 'CIP:', 'SFV:', ';;', '(null)', '<script>', '</style>',
  'javascript:', '\\', '\u00ff', '\u00e9', 'i=', 'cv=', 'bh=', 'h=', 'd=', 'ip=[', 'domain=',
];

const FIELD_NAMES = [
  'Received', 'Authentication-Results', 'ARC-Authentication-Results', 'ARC-Seal', 'ARC-Message-Signature', 'DKIM-Signature',
  'Received-SPF', 'X-Forefront-Antispam-Report', 'X-Microsoft-Antispam', 'X-MS-Exchange-SkipListedInternetSender',
  'X-MS-Exchange-ExternalOriginalInternetSender', 'X-MS-Exchange-Organization-AuthAs', 'From', 'To', 'Subject', 'Return-Path',
  'X-MS-Exchange-CrossTenant-OriginalAttributedTenantConnectingIp', 'Authentication-Results-Original', 'Content-Type',
];

function nastyString(r: Rng, maxLen: number): string {
  let s = '';
  const n = int(r, 1, 12);
  for (let i = 0; i < n && s.length < maxLen; i++) s += r() < 0.5 ? pick(r, NASTY) : String.fromCharCode(int(r, 0, 0x2fff));
  return s;
}

type Mutator = (r: Rng, m: ReturnType<typeof splitMessage>) => void;

const MUTATORS: Array<[string, Mutator]> = [
  ['insert-nasty', (r, m) => {
    if (!m.fields.length) return;
    const i = int(r, 0, m.fields.length - 1);
    const f = m.fields[i].toString('utf8');
    const at = int(r, 0, f.length);
    m.fields[i] = Buffer.from(f.slice(0, at) + nastyString(r, 40) + f.slice(at), 'utf8');
  }],
  ['refold', (r, m) => {
    if (!m.fields.length) return;
    const i = int(r, 0, m.fields.length - 1);
    const f = m.fields[i].toString('latin1').replace(/\r\n[ \t]+/g, ' ');
    const words = f.split(' ');
    m.fields[i] = Buffer.from(words.map((w, k) => (k && r() < 0.3 ? `\r\n${r() < 0.5 ? '\t' : ' '}${w}` : w)).join(' '), 'latin1');
  }],
  ['duplicate', (r, m) => {
    if (!m.fields.length) return;
    const i = int(r, 0, m.fields.length - 1);
    // many copies of a small field, few of a large one: the copies stay within MAX_DUPLICATED_BYTES
    const n = Math.min(r() < 0.1 ? int(r, 100, 3000) : int(r, 1, 5), Math.max(1, Math.floor(MAX_DUPLICATED_BYTES / Math.max(1, m.fields[i].length))));
    const copies = Array.from({ length: n }, () => m.fields[i]);
    m.fields.splice(int(r, 0, m.fields.length), 0, ...copies);
  }],
  ['reorder', (r, m) => {
    for (let k = 0; k < int(r, 1, 6) && m.fields.length > 1; k++) {
      const a = int(r, 0, m.fields.length - 1);
      const b = int(r, 0, m.fields.length - 1);
      [m.fields[a], m.fields[b]] = [m.fields[b], m.fields[a]];
    }
  }],
  ['delete', (r, m) => {
    if (m.fields.length) m.fields.splice(int(r, 0, m.fields.length - 1), 1);
  }],
  ['giant-value', (r, m) => {
    const unit = nastyString(r, 8) || 'a';
    const size = r() < 0.2 ? 1 << 20 : int(r, 1000, 100000);
    m.fields.splice(int(r, 0, m.fields.length), 0, Buffer.from(`${pick(r, FIELD_NAMES)}: ${unit.repeat(Math.ceil(size / unit.length)).slice(0, size)}`, 'utf8'));
  }],
  ['synthetic-field', (r, m) => {
    const parts: string[] = [];
    for (let k = 0; k < int(r, 1, 20); k++) parts.push(r() < 0.5 ? pick(r, NASTY) : pick(r, ['mx.example', '203.0.113.7', '[2001:db8::1]', 'pass', 'fail', 'ESMTPS', 'id', 'for', '<a@b.example>', 'Mon, 9 Mar 2026 11:00:00 +0000']));
    m.fields.splice(int(r, 0, m.fields.length), 0, Buffer.from(`${pick(r, FIELD_NAMES)}: ${parts.join(r() < 0.5 ? ' ' : '')}`, 'utf8'));
  }],
  ['invalid-utf8', (r, m) => {
    if (!m.fields.length) return;
    const i = int(r, 0, m.fields.length - 1);
    const bad = Buffer.from([pick(r, [0xc3, 0xe2, 0xf0, 0xff, 0x80, 0xfe]), pick(r, [0x28, 0x80, 0xa0, 0x00])]);
    m.fields[i] = Buffer.concat([m.fields[i], bad]);
  }],
  ['control-bytes', (r, m) => {
    if (!m.fields.length) return;
    const i = int(r, 0, m.fields.length - 1);
    const b = Buffer.from(m.fields[i]);
    for (let k = 0; k < int(r, 1, 8) && b.length; k++) b[int(r, 0, b.length - 1)] = int(r, 0, 31);
    m.fields[i] = b;
  }],
  ['encoded-words', (r, m) => {
    const text = nastyString(r, 30);
    const enc = r() < 0.5 ? `=?utf-8?B?${Buffer.from(text).toString('base64')}?=` : `=?${pick(r, ['iso-8859-1', 'x-unknown', 'utf-8', ''])}?Q?${text.replace(/[^A-Za-z]/g, '=3D')}?=`;
    m.fields.splice(int(r, 0, m.fields.length), 0, Buffer.from(`Subject: ${enc} ${enc}`, 'latin1'));
  }],
  ['deep-mime', (r, m) => {
    const depth = int(r, 10, 300);
    let body = 'leaf\r\n';
    for (let d = 0; d < depth; d++) body = `--b${d}\r\nContent-Type: multipart/mixed; boundary="b${d + 1}"\r\n\r\n${body}${r() < 0.9 ? `--b${d}--\r\n` : ''}`;
    m.body = Buffer.from(body);
  }],
  ['drop-separator', (_r, m) => {
    m.sep = Buffer.alloc(0);
  }],
  ['mixed-eol', (r, m) => {
    if (!m.fields.length) return;
    const i = int(r, 0, m.fields.length - 1);
    m.fields[i] = Buffer.from(m.fields[i].toString('latin1').replace(/\r\n/g, pick(r, ['\n', '\r', '\r\r\n'])), 'latin1');
  }],
];

/** Bytes one 'duplicate' mutation adds at most. */
const MAX_DUPLICATED_BYTES = 8 * 1024 * 1024;
/** A case's header block is cut here (fields dropped from the end): inputs stay far below V8's string limit. */
const MAX_HEADER_BYTES = 48 * 1024 * 1024;

export function mutate(seed: Buffer, r: Rng): { bytes: Buffer; ops: string[] } {
  const m = splitMessage(seed);
  const ops: string[] = [];
  const n = int(r, 1, 4);
  for (let k = 0; k < n; k++) {
    const [name, fn] = pick(r, MUTATORS);
    fn(r, m);
    ops.push(name);
  }
  let total = 0;
  for (let k = 0; k < m.fields.length; k++) {
    total += m.fields[k].length + 2;
    if (total > MAX_HEADER_BYTES) {
      m.fields.length = k;
      ops.push('capped');
      break;
    }
  }
  let bytes = Buffer.concat([Buffer.from(m.fields.map((f) => f.toString('latin1')).join('\r\n'), 'latin1'), m.sep, m.body]);
  if (r() < 0.15) {
    bytes = bytes.subarray(0, int(r, 0, bytes.length));
    ops.push('truncate');
  }
  if (r() < 0.05) {
    const noise = Buffer.alloc(int(r, 1, 4096));
    for (let i = 0; i < noise.length; i++) noise[i] = int(r, 0, 255);
    bytes = r() < 0.5 ? noise : Buffer.concat([bytes, noise]);
    ops.push('random-bytes');
  }
  return { bytes, ops };
}

/**
 * An Outlook .msg case: either structure-aware (the transport header block mutated as an .eml
 * header, then written into a fresh compound file, so the reader's text path sees hostile header
 * text) or byte-level damage of the compound file itself (mostly the header, directory and FAT
 * sectors in the first 4 KiB, where the structure lives), optionally truncated.
 */
/**
 * One header field value, mutated 1–4 times (for the per-parser fuzzer, test/fuzz/fields.ts):
 * hostile strings spliced in, spans deleted, duplicated or repeated thousands of times, folds
 * inserted, characters replaced by any code point (lone surrogates included), truncation.
 */
export function mutateValue(value: string, r: Rng): { value: string; ops: string[] } {
  let v = value;
  const ops: string[] = [];
  const n = int(r, 1, 4);
  const at = () => int(r, 0, v.length);
  for (let k = 0; k < n; k++) {
    const op = int(r, 0, 8);
    if (op === 0) {
      const i = at();
      v = v.slice(0, i) + nastyString(r, 64) + v.slice(i);
      ops.push('v-nasty');
    } else if (op === 1 && v.length) {
      const i = at();
      v = v.slice(0, i) + v.slice(Math.min(v.length, i + int(r, 1, 40)));
      ops.push('v-delete');
    } else if (op === 2 && v.length) {
      const i = at();
      const j = Math.min(v.length, i + int(r, 1, 60));
      const times = pick(r, [2, 10, 100, 1000, 5000]);
      v = v.slice(0, j) + v.slice(i, j).repeat(times) + v.slice(j);
      ops.push(`v-repeat×${times}`);
    } else if (op === 3) {
      const i = at();
      v = v.slice(0, i) + pick(r, ['\r\n ', '\r\n\t', '\n ', '\r', '\r\n']) + v.slice(i);
      ops.push('v-fold');
    } else if (op === 4 && v.length) {
      const i = int(r, 0, v.length - 1);
      v = v.slice(0, i) + String.fromCharCode(int(r, 0, 0xffff)) + v.slice(i + 1);
      ops.push('v-char');
    } else if (op === 5) {
      v = v.slice(0, at());
      ops.push('v-truncate');
    } else if (op === 6) {
      const i = at();
      v = v.slice(0, i) + pick(r, NASTY).repeat(pick(r, [50, 500, 5000])) + v.slice(i);
      ops.push('v-flood');
    } else if (op === 7) {
      const i = at();
      v = v.slice(i) + v.slice(0, i);
      ops.push('v-rotate');
    } else {
      const i = at();
      let junk = '';
      for (let x = int(r, 1, 30); x > 0; x--) junk += String.fromCharCode(int(r, 0, 255));
      v = v.slice(0, i) + junk + v.slice(i);
      ops.push('v-bytes');
    }
  }
  return { value: v, ops };
}

export function mutateMsg(seed: { msg: Buffer; headers: string; unicode: boolean }, r: Rng, build: (headers: string, unicode: boolean) => Buffer): { bytes: Buffer; ops: string[] } {
  if (r() < 0.4) {
    const m = mutate(Buffer.from(seed.headers, 'utf8'), r);
    return { bytes: build(m.bytes.toString(r() < 0.5 ? 'utf8' : 'latin1'), seed.unicode), ops: ['msg-headers', ...m.ops] };
  }
  const b = Buffer.from(seed.msg);
  const ops: string[] = [];
  const n = int(r, 1, 8);
  for (let k = 0; k < n; k++) {
    const pos = r() < 0.7 ? int(r, 0, Math.min(b.length, 4096) - 1) : int(r, 0, b.length - 1);
    if (r() < 0.3) b.writeUInt32LE(pick(r, [0, 1, 0xfffffffe, 0xffffffff, 0xfffffffd, 0x7fffffff, int(r, 0, 64)]) >>> 0, Math.min(pos & ~3, b.length - 4));
    else b[pos] = int(r, 0, 255);
  }
  ops.push(`msg-bytes×${n}`);
  if (r() < 0.1) {
    ops.push('msg-truncate');
    return { bytes: b.subarray(0, int(r, 0, b.length)), ops };
  }
  return { bytes: b, ops };
}

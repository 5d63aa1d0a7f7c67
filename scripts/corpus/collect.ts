/**
 * The messages under a folder: every .eml and .msg file, any other file whose first bytes look
 * like a message (a header field on the first line, no NUL bytes) or an Outlook compound file,
 * and every message of an mbox (a file starting with a "From " separator line, split at each
 * separator that follows an empty line). Hidden entries and links to folders are skipped; the
 * walk is sorted so runs are reproducible.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface Task {
  /** Position in the run (results are reported in this order). */
  id: number;
  /** Absolute path of the file. */
  path: string;
  /** Path relative to the run's folder, "#n" appended for the n-th message of an mbox. */
  label: string;
  /** First folder under the run's folder ("." for files directly in it). */
  source: string;
  /** Byte range of an mbox message; the whole file when absent. */
  start?: number;
  end?: number;
}

export interface Collected {
  tasks: Task[];
  /** Files looked at and left out (not a message), with why. */
  skipped: Array<{ file: string; why: string }>;
  files: number;
  mboxes: number;
}

const CFB = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const SNIFF_BYTES = 4096;

function isCfb(b: Uint8Array): boolean {
  return b.length >= 8 && CFB.every((x, i) => b[i] === x);
}

/** Does this start of a file read like a message (or pasted headers)? */
export function looksLikeMessage(head: Uint8Array): boolean {
  if (!head.length || head.includes(0)) return false;
  const text = Buffer.from(head).toString('latin1');
  return /^(From [^\r\n]*\r?\n)?[!-9;-~]+[ \t]*:[^\r\n]*\r?\n/.test(text);
}

/** Message byte ranges of an mbox: separators "From ..." at the start or after an empty line, followed by a header line. */
export function mboxRanges(bytes: Uint8Array): Array<{ start: number; end: number }> {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const starts: number[] = [];
  const re = /(^|\n)From [^\r\n]*\r?\n(?=[!-9;-~]+[ \t]*:)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const at = m.index + m[1].length;
    if (at === 0 || /\n\r?\n$/.test(text.slice(Math.max(0, at - 3), at))) starts.push(at);
  }
  return starts.map((s, i) => ({ start: s, end: i + 1 < starts.length ? starts[i + 1] : bytes.byteLength }));
}

function readHead(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = fs.readSync(fd, buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

export function collect(dir: string): Collected {
  const given = path.resolve(dir);
  const single = fs.statSync(given).isFile();
  const root = single ? path.dirname(given) : given;
  const out: Collected = { tasks: [], skipped: [], files: 0, mboxes: 0 };
  const add = (t: Omit<Task, 'id'>) => out.tasks.push({ id: out.tasks.length, ...t });
  const visit = (file: string) => {
    const rel = path.relative(root, file).split(path.sep).join('/');
    const source = rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : '.';
    out.files++;
    let head: Buffer;
    try {
      head = readHead(file);
    } catch (e) {
      out.skipped.push({ file: rel, why: `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
      return;
    }
    const ext = path.extname(file).toLowerCase();
    if (isCfb(head) || ext === '.msg') return add({ path: file, label: rel, source });
    if (head.subarray(0, 5).toString('latin1') === 'From ' && looksLikeMessage(head)) {
      const bytes = fs.readFileSync(file);
      const ranges = mboxRanges(bytes);
      if (ranges.length > 1) {
        out.mboxes++;
        ranges.forEach((r, i) => add({ path: file, label: `${rel}#${i + 1}`, source, start: r.start, end: r.end }));
        return;
      }
      return add({ path: file, label: rel, source });
    }
    if (ext === '.eml' || looksLikeMessage(head)) return add({ path: file, label: rel, source });
    out.skipped.push({ file: rel, why: head.length === 0 ? 'empty' : head.includes(0) ? 'binary' : 'does not start with a header field' });
  };
  const walk = (d: string, depth: number) => {
    if (depth > 64) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch (e) {
      out.skipped.push({ file: path.relative(root, d) || '.', why: `folder cannot be read (${(e as NodeJS.ErrnoException).code})` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (e.isFile()) visit(p);
      else if (e.isSymbolicLink()) {
        try {
          if (fs.statSync(p).isFile()) visit(p);
        } catch {
          /* dangling link */
        }
      }
    }
  };
  if (single) visit(given);
  else walk(root, 0);
  return out;
}

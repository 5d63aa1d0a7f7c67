#!/usr/bin/env node
/**
 * Rebuilds the corpus of public real messages (mail nobody on this project wrote) from git
 * mirrors of public repositories, for `npm run corpus -- DIR`.
 *
 *   node scripts/corpus/build.js [--mirrors /work/.mirror] [--out /work/corpus] [--only name,name]
 *
 * Plain Node, no dependencies. Reads the bare git directories that the workplace's `fetch` tool
 * leaves under /work/.mirror/<owner>+<name>/ (a `repo` directory, or `repo/.git`), never the
 * network. A mirror that is not there is named with the way to get it, and the rest is built.
 *
 * Three kinds of source:
 *  - files:   the repository's files under some folders, kept when they look like a message
 *             (a header block with at least one Received field), an mbox (split into messages)
 *             or an Outlook .msg that holds transport headers;
 *  - history: a public-inbox archive (one message per commit, in the file `m`), sampled evenly
 *             over its whole history so old and new mail are both in;
 *  - all:     every file under a folder (a collection of .eml files).
 *
 * Output: OUT/<source>/<file> (the repository path with "/" turned into "__"; a message split
 * from an mbox gets "__<n>.eml" after it; an archive message is named by its commit) and
 * OUT/SOURCES.json with, per source, the repository, commit, paths, licence and count.
 * OUT is emptied of the sources it rebuilds (only those) first. Nothing is written into the
 * repository: the messages are public but not ours, and most licences here do not let us
 * redistribute them with the product.
 */
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/**
 * The sources. `licence` is what the repository's licence file said when the corpus was first
 * built (checked again at every build and printed); `expect` is roughly how many messages come
 * out, so a changed mirror shows up.
 */
const SOURCES = [
  {
    name: 'phishing_pot',
    repo: 'rf-peixoto/phishing_pot',
    kind: 'all',
    under: ['email/'],
    licence: 'CC BY-NC 4.0',
    about: 'real phishing caught by honeypot mailboxes, almost all delivered to Outlook.com (Exchange Online consumer tenant), some to ProtonMail and Gmail; recipient addresses anonymised',
  },
  {
    name: 'list-linux-cachefs',
    repo: 'linux-mailinglist-archives/linux-cachefs.redhat.com.0',
    kind: 'history',
    sample: 700,
    licence: 'none stated (public list archive)',
    about: 'Red Hat Mailman list behind Mimecast, archived by a Postfix host (public-inbox)',
  },
  {
    name: 'list-linux-stm32',
    repo: 'linux-mailinglist-archives/linux-stm32.st-md-mailman.stormreply.com.0',
    kind: 'history',
    sample: 700,
    licence: 'none stated (public list archive)',
    about: 'Mailman list (st-md-mailman.stormreply.com); a quarter of the posts passed a sender-side Proofpoint (st.com), some a sender Exchange Online tenant; archived by a Postfix host',
  },
  {
    name: 'list-kasan-dev',
    repo: 'linux-mailinglist-archives/kasan-dev.googlegroups.com.0',
    kind: 'history',
    sample: 700,
    licence: 'none stated (public list archive)',
    about: 'Google Groups list (Google-internal hops, ARC by google.com), archived by a Postfix host',
  },
  {
    name: 'list-linux-hyperv',
    repo: 'linux-mailinglist-archives/linux-hyperv.vger.kernel.org.0',
    kind: 'history',
    sample: 700,
    licence: 'none stated (public list archive)',
    about: 'vger.kernel.org list; about a fifth of the posts left a sender Exchange Online tenant (Microsoft and Outlook.com senders) with its EOP headers; archived by a Postfix host',
  },
  { name: 'fixtures-mailauth', repo: 'postalsys/mailauth', kind: 'files', under: ['test/'], licence: 'MIT', about: 'DKIM/ARC/SPF library test messages' },
  { name: 'fixtures-mailparser', repo: 'nodemailer/mailparser', kind: 'files', under: ['test/fixtures/', 'examples/'], licence: 'MIT', about: 'mail parser test messages' },
  { name: 'fixtures-ruby-mail', repo: 'mikel/mail', kind: 'files', under: ['spec/fixtures/'], licence: 'MIT', about: 'mail parser test messages, including malformed ones' },
  { name: 'fixtures-flanker', repo: 'mailgun/flanker', kind: 'files', under: ['tests/fixtures/'], licence: 'Apache-2.0', about: 'mail parser test messages (DKIM, bounces, spam)' },
  { name: 'fixtures-mimekit', repo: 'jstedfast/MimeKit', kind: 'files', under: ['UnitTests/TestData/', 'Benchmarks/TestData/'], licence: 'MIT', about: 'MIME library test messages and mbox files' },
  { name: 'fixtures-spamassassin', repo: 'apache/spamassassin', kind: 'files', under: ['t/data/', 't.rules/', 'sample-nonspam.txt', 'sample-spam.txt'], licence: 'Apache-2.0', about: 'spam filter test corpus (real spam and ham, mostly 2000s)' },
  { name: 'fixtures-rspamd', repo: 'rspamd/rspamd', kind: 'files', under: ['test/functional/messages/'], licence: 'Apache-2.0', about: 'spam filter test messages' },
  { name: 'fixtures-mail-parser', repo: 'SpamScope/mail-parser', kind: 'files', under: ['tests/mails/'], licence: 'Apache-2.0', about: 'real malware/spam messages used as parser tests' },
  { name: 'fixtures-eml-analyzer', repo: 'ninoseki/eml_analyzer', kind: 'files', under: ['tests/fixtures/'], licence: 'MIT', about: 'header analyzer test messages' },
  { name: 'fixtures-parsedmarc', repo: 'domainaware/parsedmarc', kind: 'files', under: ['samples/'], licence: 'Apache-2.0', about: 'DMARC aggregate/failure report messages (real report mail)' },
  { name: 'fixtures-msgreader', repo: 'HiraokaHyperTools/msgreader', kind: 'files', under: ['test/', 'data/'], msg: true, licence: 'Apache-2.0', about: 'Outlook .msg files (only those holding transport headers)' },
  { name: 'fixtures-msg-extractor', repo: 'TeamMsgExtractor/msg-extractor', kind: 'files', under: ['example-msg-files/'], msg: true, licence: 'GPL-3.0', about: 'Outlook .msg files (only those holding transport headers)' },
];

const MAX_BLOB = 16 * 1024 * 1024;

function parseArgs(argv) {
  const o = { mirrors: '/work/.mirror', out: '/work/corpus', only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--mirrors') o.mirrors = argv[++i];
    else if (a === '--out') o.out = argv[++i];
    else if (a === '--only') o.only = new Set(argv[++i].split(','));
    else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node scripts/corpus/build.js [--mirrors DIR] [--out DIR] [--only name,name]\n');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return o;
}

/** The git directory of a mirror, or null. */
function gitDirOf(mirrors, repo) {
  const base = path.join(mirrors, repo.replace('/', '+'));
  for (const cand of [path.join(base, 'repo', '.git'), path.join(base, 'repo'), base]) {
    if (fs.existsSync(path.join(cand, 'HEAD')) && fs.existsSync(path.join(cand, 'objects'))) return cand;
  }
  return null;
}

function git(gitDir, args, input) {
  const r = spawnSync('git', ['--git-dir', gitDir, ...args], { input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.toString().trim()}`);
  return r.stdout;
}

/** Reads objects ("<sha>" or "<commit>:<path>") with one `git cat-file --batch` per chunk. */
function readObjects(gitDir, names, onObject) {
  const CHUNK = 200;
  for (let k = 0; k < names.length; k += CHUNK) {
    const chunk = names.slice(k, k + CHUNK);
    const out = git(gitDir, ['cat-file', '--batch'], chunk.join('\n') + '\n');
    let pos = 0;
    for (const name of chunk) {
      const nl = out.indexOf(0x0a, pos);
      const header = out.subarray(pos, nl).toString();
      pos = nl + 1;
      if (/ missing$/.test(header)) {
        onObject(name, null);
        continue;
      }
      const size = Number(header.split(' ')[2]);
      onObject(name, out.subarray(pos, pos + size));
      pos += size + 1;
    }
  }
}

function licenceOf(gitDir) {
  const names = git(gitDir, ['ls-tree', '--name-only', 'HEAD']).toString().split('\n');
  const file = names.find((n) => /^(licen[cs]e|copying|mit-license)(\.(md|txt))?$/i.test(n));
  if (!file) return { file: null, text: 'none stated' };
  const text = git(gitDir, ['show', `HEAD:${file}`]).toString('utf8');
  let id = 'see ' + file;
  if (/Attribution-NonCommercial 4\.0/.test(text)) id = 'CC BY-NC 4.0';
  else if (/Apache License[\s\S]{0,80}Version 2\.0/.test(text)) id = 'Apache-2.0';
  else if (/GNU GENERAL PUBLIC LICENSE[\s\S]{0,80}Version 3/.test(text)) id = 'GPL-3.0';
  else if (/Permission is hereby granted, free of charge/.test(text)) id = 'MIT';
  return { file, text: id };
}

// ---------------------------------------------------------------------------------------------
// What counts as a message

const CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);

/** The header block (latin1 text) of bytes that start like a message, or null. */
function headerBlock(bytes) {
  const head = bytes.subarray(0, 256 * 1024).toString('latin1');
  const m = /\r?\n\r?\n/.exec(head);
  const block = m ? head.slice(0, m.index) : head;
  // the first line is a field ("Name: value") or an mbox separator followed by fields
  if (!/^(From [^\r\n]*\r?\n)?[!-9;-~]+:/.test(block)) return null;
  return block;
}

function hasReceived(block) {
  return /(^|\n)Received[ \t]*:/i.test(block);
}

const MBOX_SEP = /(?:^|\n)From [^\r\n]*\r?\n(?=[!-9;-~]+:)/g;

/** Splits an mbox into messages (byte ranges), or null when it holds fewer than two. */
function splitMbox(bytes) {
  const text = bytes.toString('latin1');
  if (!text.startsWith('From ')) return null;
  const starts = [];
  MBOX_SEP.lastIndex = 0;
  let m;
  while ((m = MBOX_SEP.exec(text))) {
    const at = m.index + (text[m.index] === '\n' ? 1 : 0);
    // a separator line starts a message only after an empty line (or at the very start)
    if (at === 0 || /\n\r?\n$/.test(text.slice(Math.max(0, at - 3), at))) starts.push(at);
  }
  if (starts.length < 2) return null;
  return starts.map((s, i) => bytes.subarray(s, i + 1 < starts.length ? starts[i + 1] : bytes.length));
}

/** An Outlook .msg whose transport headers (UTF-16LE or 8-bit) hold a Received field. */
function msgWithHeaders(bytes) {
  if (bytes.length < 512 || !bytes.subarray(0, 8).equals(CFB)) return false;
  return bytes.includes(Buffer.from('Received: ', 'utf16le')) || bytes.includes(Buffer.from('Received: ', 'latin1'));
}

function safeName(p) {
  return p.replace(/[\\/]/g, '__').replace(/[^A-Za-z0-9._@+=,-]/g, '_');
}

// ---------------------------------------------------------------------------------------------

function buildSource(src, gitDir, outDir) {
  const commit = git(gitDir, ['rev-parse', 'HEAD']).toString().trim();
  const licence = licenceOf(gitDir);
  const dir = path.join(outDir, src.name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  let count = 0;
  const skipped = { notMessage: 0, noReceived: 0, tooLarge: 0, missing: 0 };
  const write = (name, bytes) => {
    fs.writeFileSync(path.join(dir, name), bytes);
    count++;
  };

  if (src.kind === 'history') {
    const commits = git(gitDir, ['rev-list', '--reverse', 'HEAD']).toString().trim().split('\n');
    const want = Math.min(src.sample, commits.length);
    const step = commits.length / want;
    const picked = [];
    for (let i = 0; i < want; i++) picked.push(commits[Math.floor(i * step)]);
    readObjects(gitDir, picked.map((c) => `${c}:m`), (name, bytes) => {
      if (!bytes) return void skipped.missing++; // a deletion commit (public-inbox writes `d`)
      if (!headerBlock(bytes)) return void skipped.notMessage++;
      write(`${name.slice(0, 12)}.eml`, bytes);
    });
    return { commit, licence, count, skipped, paths: `m at ${want} of ${commits.length} commits, evenly spaced` };
  }

  const listing = git(gitDir, ['ls-tree', '-r', '-l', 'HEAD']).toString().split('\n');
  const files = [];
  for (const line of listing) {
    const m = /^\d+ blob ([0-9a-f]+)\s+(\d+|-)\t(.*)$/.exec(line);
    if (!m) continue;
    const p = m[3].replace(/^"|"$/g, '');
    if (!src.under.some((u) => p === u || p.startsWith(u))) continue;
    if (m[2] === '-' || Number(m[2]) > MAX_BLOB) {
      skipped.tooLarge++;
      continue;
    }
    files.push({ sha: m[1], path: p });
  }
  const byName = new Map(files.map((f) => [f.sha, f]));
  const pathsOf = new Map();
  for (const f of files) pathsOf.set(f.sha, [...(pathsOf.get(f.sha) ?? []), f.path]);
  const shas = [...new Set(files.map((f) => f.sha))];
  readObjects(gitDir, shas, (sha, bytes) => {
    const f = byName.get(sha);
    if (!bytes || !f) return void skipped.missing++;
    const p = pathsOf.get(sha)[0]; // identical copies are kept once
    if (src.kind === 'all') {
      if (!headerBlock(bytes)) return void skipped.notMessage++;
      return write(safeName(p.slice(src.under[0].length) || p), bytes);
    }
    if (src.msg || /\.msg$/i.test(p)) {
      if (msgWithHeaders(bytes)) return write(safeName(p), bytes);
      if (src.msg) return void skipped.noReceived++;
    }
    const parts = splitMbox(bytes);
    if (parts) {
      let n = 0;
      parts.forEach((part, i) => {
        const block = headerBlock(part);
        if (!block) return void skipped.notMessage++;
        if (!hasReceived(block)) return void skipped.noReceived++;
        write(`${safeName(p)}__${String(i + 1).padStart(4, '0')}.eml`, part);
        n++;
      });
      return;
    }
    const block = headerBlock(bytes);
    if (!block) return void skipped.notMessage++;
    if (!hasReceived(block)) return void skipped.noReceived++;
    write(safeName(p), bytes);
  });
  return { commit, licence, count, skipped, paths: src.under.join(', ') };
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  fs.mkdirSync(o.out, { recursive: true });
  const manifestFile = path.join(o.out, 'SOURCES.json');
  let manifest = {};
  try {
    manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
  } catch {
    manifest = {};
  }
  const missing = [];
  let total = 0;
  for (const src of SOURCES) {
    if (o.only && !o.only.has(src.name)) continue;
    const gitDir = gitDirOf(o.mirrors, src.repo);
    if (!gitDir) {
      missing.push(src);
      continue;
    }
    const t0 = Date.now();
    const r = buildSource(src, gitDir, o.out);
    total += r.count;
    manifest[src.name] = {
      repo: src.repo,
      commit: r.commit,
      kind: src.kind,
      paths: r.paths,
      licence: r.licence.text,
      licenceFile: r.licence.file,
      count: r.count,
      skipped: r.skipped,
      about: src.about,
    };
    const lic = r.licence.text === src.licence || (src.licence.startsWith('none') && r.licence.text === 'none stated') ? r.licence.text : `${r.licence.text} (was ${src.licence}: check)`;
    process.stdout.write(`${src.name.padEnd(24)} ${String(r.count).padStart(6)} messages  ${src.repo}@${r.commit.slice(0, 12)}  licence: ${lic}  (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
  }
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  process.stdout.write(`\n${total} messages written under ${o.out} (manifest: ${manifestFile})\n`);
  if (missing.length) {
    process.stdout.write(`\nMissing mirrors (${missing.length}), not built:\n`);
    for (const s of missing) {
      process.stdout.write(`  ${s.name}: ${s.repo} is not under ${o.mirrors}. Bring it with the workplace's fetch tool (source "github:${s.repo}"),\n    or clone it bare yourself: git clone --mirror <its public URL> ${path.join(o.mirrors, s.repo.replace('/', '+'), 'repo')}\n`);
    }
    process.exitCode = 2;
  }
}

if (require.main === module) main();

module.exports = { SOURCES, splitMbox, headerBlock, msgWithHeaders };

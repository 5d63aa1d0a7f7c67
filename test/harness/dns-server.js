'use strict';
// A real DNS server on loopback for the live-DNS verification tests: Debian's dnsmasq
// (package dnsmasq-base, installed by scripts/install-test-tools.sh) on 127.0.0.1 with a free
// unprivileged port, answering only from a zone given as a plain object:
//
//   const dns = await startDnsServer({ zone: {
//     'example.org':                   { TXT: ['v=spf1 ip4:192.0.2.0/24 -all'], MX: [{ exchange: 'mx.example.org', priority: 10 }] },
//     'sel1._domainkey.example.org':   { TXT: ['v=DKIM1; k=rsa; p=MIIBIjAN...'] },   // > 255 bytes: split into chunks
//     '_dmarc.example.org':            { TXT: [['v=DMARC1; p=reject; ', 'rua=mailto:d@example.org']] }, // explicit chunks
//     'mx.example.org':                { A: ['192.0.2.10'], AAAA: ['2001:db8::10'] },
//     '192.0.2.25':                    { PTR: ['out.example.net'] },                  // IP key = its reverse name
//   }});
//   resolver.setServers([dns.server]);   // '127.0.0.1:PORT'
//   ...
//   await dns.stop();
//
// Every name not in the zone is NXDOMAIN (nothing is forwarded anywhere); a name in the zone
// without the asked type gives NODATA. dnsmasq answers TCP as well, so TXT answers larger than
// 512 bytes work. Note: an A/AAAA record also makes dnsmasq answer the matching PTR query
// (unless the zone has an explicit PTR for that address, which wins).
//
// Plain CommonJS, no compilation: usable from unit tests, harness scripts and, through an
// absolute path, from integration tests inside the extension host.
const fs = require('fs');
const os = require('os');
const net = require('net');
const path = require('path');
const dgram = require('dgram');
const { Resolver } = require('dns').promises;
const proc = require('./proc');

const DEFAULT_DNSMASQ = '/usr/sbin/dnsmasq';
const MAX_TXT_CHUNK = 255;
const TYPES = new Set(['TXT', 'A', 'AAAA', 'MX', 'PTR']);

// Labels of letters, digits, '-', '_' (for _dmarc, _domainkey, ...), optional trailing dot.
// The group is anchored by the mandatory '.', so matching stays linear.
const NAME_RE = /^(?:[A-Za-z0-9_-]{1,63}\.)*[A-Za-z0-9_-]{1,63}\.?$/;

function checkName(name, what) {
  if (typeof name !== 'string' || name.length > 253 || !NAME_RE.test(name)) {
    throw new Error(`dns-server: invalid ${what} ${JSON.stringify(name)}`);
  }
  return name.replace(/\.$/, '');
}

/** Reverse-lookup name of an IPv4/IPv6 address (in-addr.arpa / ip6.arpa). */
function reverseName(ip) {
  if (net.isIPv4(ip)) return `${ip.split('.').reverse().join('.')}.in-addr.arpa`;
  if (net.isIPv6(ip)) {
    // expand to 32 nibbles
    let [head, tail] = ip.includes('::') ? ip.split('::') : [ip, undefined];
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
    if (h.length && h[h.length - 1].includes('.')) throw new Error(`dns-server: IPv4-embedded IPv6 not supported: ${ip}`);
    if (t.length && t[t.length - 1].includes('.')) throw new Error(`dns-server: IPv4-embedded IPv6 not supported: ${ip}`);
    const fill = tail === undefined ? [] : new Array(8 - h.length - t.length).fill('0');
    const groups = [...h, ...fill, ...t].map((g) => g.padStart(4, '0'));
    return `${groups.join('').split('').reverse().join('.')}.ip6.arpa`;
  }
  throw new Error(`dns-server: not an IP address: ${ip}`);
}

/** Splits a TXT string into chunks of at most 255 bytes (one DNS character-string each). */
function splitTxt(value) {
  if (value.length === 0) return [''];
  const out = [];
  for (let i = 0; i < value.length; i += MAX_TXT_CHUNK) out.push(value.slice(i, i + MAX_TXT_CHUNK));
  return out;
}

function quoteConf(s) {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // printable ASCII only: TXT values here are SPF/DKIM/DMARC/ARC records; this also keeps a
    // value from ever starting a new line in the generated configuration.
    if (c < 0x20 || c > 0x7e) {
      throw new Error(`dns-server: TXT text must be printable ASCII (char code ${c} at ${i} in ${JSON.stringify(s.slice(0, 40))})`);
    }
  }
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Translates a zone object into dnsmasq configuration lines.
 * TXT: each record is a string (split into <=255-byte chunks) or an array of chunks (each
 * longer chunk is split too). A / AAAA: addresses. MX: { exchange, priority }. PTR: target names.
 */
function zoneToConf(zone) {
  if (!zone || typeof zone !== 'object') throw new Error('dns-server: zone must be an object');
  const lines = [];
  for (const [rawName, records] of Object.entries(zone)) {
    const isIp = net.isIP(rawName) !== 0;
    const name = isIp ? null : checkName(rawName, 'name');
    for (const [type, list] of Object.entries(records || {})) {
      if (!TYPES.has(type)) throw new Error(`dns-server: unsupported record type ${type} for ${rawName}`);
      if (!Array.isArray(list)) throw new Error(`dns-server: ${rawName} ${type} must be an array`);
      if (isIp && type !== 'PTR') throw new Error(`dns-server: an IP key (${rawName}) can only hold PTR records`);
      for (const rec of list) {
        switch (type) {
          case 'TXT': {
            const chunks = (Array.isArray(rec) ? rec : [rec]).flatMap((c) => {
              if (typeof c !== 'string') throw new Error(`dns-server: TXT chunk for ${name} must be a string`);
              return splitTxt(c);
            });
            lines.push(`txt-record=${name},${chunks.map(quoteConf).join(',')}`);
            break;
          }
          case 'A':
            if (!net.isIPv4(rec)) throw new Error(`dns-server: bad A address for ${name}: ${rec}`);
            lines.push(`host-record=${name},${rec}`);
            break;
          case 'AAAA':
            if (!net.isIPv6(rec)) throw new Error(`dns-server: bad AAAA address for ${name}: ${rec}`);
            lines.push(`host-record=${name},${rec}`);
            break;
          case 'MX': {
            const exchange = checkName(rec && rec.exchange, `MX exchange of ${name}`);
            const priority = rec.priority === undefined ? 10 : rec.priority;
            if (!Number.isInteger(priority) || priority < 0 || priority > 65535) {
              throw new Error(`dns-server: bad MX priority for ${name}: ${priority}`);
            }
            lines.push(`mx-host=${name},${exchange},${priority}`);
            break;
          }
          case 'PTR': {
            const owner = isIp ? reverseName(rawName) : name;
            lines.push(`ptr-record=${owner},${checkName(rec, `PTR target of ${rawName}`)}`);
            break;
          }
          default:
            break;
        }
      }
    }
  }
  return lines;
}

/** A port that is free for both UDP and TCP on 127.0.0.1 (at the moment of asking). */
async function freeUdpTcpPort() {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise((resolve, reject) => {
      const s = net.createServer();
      s.on('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = s.address().port;
        s.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise((resolve) => {
      const u = dgram.createSocket('udp4');
      u.once('error', () => resolve(false));
      u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('dns-server: no free UDP+TCP port found on 127.0.0.1');
}

function tcpAccepts(port) {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.setTimeout(500);
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('timeout', () => { s.destroy(); resolve(false); });
    s.once('error', () => resolve(false));
  });
}

async function udpAnswers(port) {
  const r = new Resolver({ timeout: 300, tries: 1 });
  r.setServers([`127.0.0.1:${port}`]);
  try {
    await r.resolveTxt('mfl-readiness-probe.invalid');
    return true;
  } catch (e) {
    // NXDOMAIN / NODATA mean the server answered; refused connections or timeouts mean not yet
    return e.code === 'ENOTFOUND' || e.code === 'ENODATA';
  }
}

function exitedPromise(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Starts dnsmasq serving `zone` on 127.0.0.1:<free port> and waits until it answers over UDP
 * and TCP. Options: zone (required), dnsmasq (path, default /usr/sbin/dnsmasq or
 * $MFL_DNSMASQ), dir (where the config and query log go; default a new temp dir that stop()
 * removes), startTimeoutMs (default 10000).
 * Returns { host, port, server: '127.0.0.1:PORT', pid, logFile, confFile, readLog(), stop() }.
 */
async function startDnsServer({ zone, dnsmasq, dir, startTimeoutMs = 10000 } = {}) {
  const bin = dnsmasq || process.env.MFL_DNSMASQ || DEFAULT_DNSMASQ;
  if (!fs.existsSync(bin)) {
    throw new Error(`dns-server: ${bin} not found. Install the Debian package dnsmasq-base ` +
      '(scripts/install-test-tools.sh installs it), or point MFL_DNSMASQ at a dnsmasq binary.');
  }
  const lines = zoneToConf(zone);
  const ownDir = !dir;
  const workDir = dir || fs.mkdtempSync(path.join(os.tmpdir(), 'mfl-test-dns-'));
  fs.mkdirSync(workDir, { recursive: true });
  const confFile = path.join(workDir, 'zone.conf');
  const logFile = path.join(workDir, 'dnsmasq.log');
  fs.writeFileSync(confFile, `# generated by test/harness/dns-server.js\n${lines.join('\n')}\n`);

  let lastError = '';
  for (let attempt = 1; attempt <= 5; attempt++) {
    const port = await freeUdpTcpPort();
    const args = [
      '--keep-in-foreground',
      '--no-resolv', '--no-hosts', '--no-poll',
      `--conf-file=${confFile}`,
      '--bind-interfaces', '--listen-address=127.0.0.1', `--port=${port}`,
      '--local=/#/',            // answer everything locally: unknown names are NXDOMAIN, never forwarded
      '--pid-file=',            // no pid file in /run
      '--log-queries', `--log-facility=${logFile}`,
    ];
    // As root dnsmasq would switch to user "nobody" and then could not write its log here.
    if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--user=root');
    const child = proc.spawnTracked(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] }, { name: 'dnsmasq' });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const exited = exitedPromise(child);
    let spawnError = null;
    child.once('error', (e) => { spawnError = e; });

    const t0 = Date.now();
    let ready = false;
    while (Date.now() - t0 < startTimeoutMs) {
      if (spawnError) throw new Error(`dns-server: cannot start ${bin}: ${spawnError.message}`);
      if (child.exitCode !== null || child.signalCode !== null) break;
      if ((await udpAnswers(port)) && (await tcpAccepts(port))) { ready = true; break; }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (ready) {
      let stopped = false;
      return {
        host: '127.0.0.1',
        port,
        server: `127.0.0.1:${port}`,
        pid: child.pid,
        logFile,
        confFile,
        child,
        readLog: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
        stop: async () => {
          if (stopped) return;
          stopped = true;
          await proc.stop(child, { graceMs: 3000 });
          await exited;
          if (ownDir) fs.rmSync(workDir, { recursive: true, force: true });
        },
      };
    }
    await proc.stop(child, { graceMs: 1000 });
    await exited;
    lastError = stderr.trim() || (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n') : '');
    if (!/in use/i.test(lastError)) break; // only a lost race for the port is worth retrying
  }
  if (ownDir) fs.rmSync(workDir, { recursive: true, force: true });
  throw new Error(`dns-server: dnsmasq did not start answering on 127.0.0.1: ${lastError || 'no output'}`);
}

module.exports = { startDnsServer, zoneToConf, splitTxt, reverseName };

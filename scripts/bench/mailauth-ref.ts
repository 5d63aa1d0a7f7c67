/**
 * The reference: mailauth's own `authenticate()` (lib/mailauth.js), loaded in a way that works on
 * Node 20. Its BIMI module requires undici, which crashes at load on Node 20, so the three
 * BIMI-only dependencies are replaced by the same stubs the product bundle uses
 * (scripts/bundle.js): they are put into require.cache before mailauth is required. BIMI is
 * always disabled in the calls (`disableBimi: true`), so the stubs are never called.
 *
 * Bench-only code: the product never loads lib/mailauth.js.
 */
import * as path from 'node:path';
import Module = require('node:module');

type Resolver = (name: string, rrtype: string) => Promise<unknown>;

export interface AuthenticateOptions {
  ip?: string;
  helo?: string;
  mta?: string;
  sender?: string;
  resolver: Resolver;
  curTime?: Date;
  disableBimi?: boolean;
  disableArc?: boolean;
  disableDmarc?: boolean;
}

export interface AuthenticateResult {
  dkim: { results: Array<{ status: { result: string }; bodyHash?: string; bodyHashExpecting?: string }> };
  arc: { status: { result: string } };
  spf: { status: { result: string } } | false;
  dmarc: { status: { result: string } } | false;
}

const STUBS: Record<string, string> = {
  undici: 'module.exports={fetch:async()=>{throw new Error("network disabled in the bench")},Agent:class Agent{}};',
  '@postalsys/vmc': 'module.exports={vmc:async()=>{throw new Error("BIMI VMC is disabled")}};',
  'fast-xml-parser': 'module.exports={XMLParser:class{parse(){throw new Error("BIMI SVG is disabled")}}};',
};

let loaded: ((input: Buffer, opts: AuthenticateOptions) => Promise<AuthenticateResult>) | undefined;

/** Puts a stub module into require.cache under the path `name` resolves to from mailauth. */
function stub(name: string, from: string): void {
  let file: string;
  try {
    file = require.resolve(name, { paths: [from] });
  } catch {
    // not installed: register under a synthetic path and teach the resolver about it
    file = path.join(from, 'node_modules', name, '__bench_stub__.js');
    const M = Module as unknown as { _resolveFilename: (req: string, ...rest: unknown[]) => string };
    const orig = M._resolveFilename;
    M._resolveFilename = function (req: string, ...rest: unknown[]) {
      return req === name ? file : orig.call(this, req, ...rest);
    };
  }
  const m = new Module(file);
  m.filename = file;
  m.loaded = true;
  (m as unknown as { _compile(src: string, file: string): void })._compile(STUBS[name], file);
  require.cache[file] = m;
}

export function mailauthAuthenticate(): (input: Buffer, opts: AuthenticateOptions) => Promise<AuthenticateResult> {
  if (loaded) return loaded;
  const mailauthDir = path.dirname(require.resolve('mailauth/package.json'));
  for (const name of Object.keys(STUBS)) stub(name, mailauthDir);
  const m = require('mailauth/lib/mailauth') as { authenticate: (input: Buffer, opts: AuthenticateOptions) => Promise<AuthenticateResult> };
  loaded = m.authenticate;
  return loaded;
}

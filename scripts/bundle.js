#!/usr/bin/env node
'use strict';
// Bundles the extension (and its verification worker), the CLI and the engine library with esbuild
// (one CommonJS file each).
// mailauth's BIMI-only dependencies are replaced by stubs: we never run BIMI (and they need a newer
// Node than VS Code's extension host may have); undici in particular crashes at load on Node 20.
const esbuild = require('esbuild');
const path = require('path');

const root = path.join(__dirname, '..');
const stubs = {
  undici: 'module.exports={fetch:async()=>{throw new Error("network disabled in Mail Flow Lens")},Agent:class Agent{}};',
  '@postalsys/vmc': 'module.exports={vmc:async()=>{throw new Error("BIMI VMC is disabled")}};',
  'fast-xml-parser': 'module.exports={XMLParser:class{parse(){throw new Error("BIMI SVG is disabled")}}};',
};
const stubPlugin = {
  name: 'stub-bimi',
  setup(build) {
    build.onResolve({ filter: /^(undici|@postalsys\/vmc|fast-xml-parser)$/ }, (a) => ({ path: a.path, namespace: 'stub' }));
    build.onLoad({ filter: /.*/, namespace: 'stub' }, (a) => ({ contents: stubs[a.path], loader: 'js' }));
  },
};

// mailauth pins older copies of libmime and nodemailer (its own node_modules); the bundle uses the
// one copy the rest of the code uses (same major versions), as npm would if the pins allowed it.
// That drops a second libmime with its MIME-type table and a second encoding-japanese (~300 KB).
const DEDUPE = /^(libmime|nodemailer)(\/.*)?$/;
const dedupePlugin = {
  name: 'dedupe-mailauth-deps',
  setup(build) {
    build.onResolve({ filter: DEDUPE }, (a) => {
      if (!a.importer.includes(`${path.sep}node_modules${path.sep}mailauth${path.sep}`)) return undefined;
      return { path: require.resolve(a.path, { paths: [root] }) };
    });
  },
};

// Modules only some files need, loaded on first use from a file of their own (dist/chunks/),
// so the bundle the extension host parses at start stays small: the .msg reader is a third of
// the extension's size and only Outlook files use it. The stand-in is a proxy that requires the
// chunk when the module is first touched; our code requires the reader inside a function.
const LAZY = { '@kenjiuno/msgreader': 'msgreader' };
const lazyPlugin = {
  name: 'lazy-chunks',
  setup(build) {
    const names = Object.keys(LAZY).map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
    build.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (a) => ({ path: a.path, namespace: 'lazy' }));
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, (a) => ({
      loader: 'js',
      contents: `let m; const load = () => m || (m = require('./chunks/${LAZY[a.path]}.js'));
module.exports = new Proxy({}, {
  get: (_t, k) => load()[k],
  has: (_t, k) => k in load(),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_t, k) => { const d = Object.getOwnPropertyDescriptor(load(), k); if (d) d.configurable = true; return d; },
});`,
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: process.env.MFL_NO_MINIFY ? false : true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  plugins: [stubPlugin, dedupePlugin],
};
// iconv-lite's code-page tables for Chinese, Japanese and Korean charsets (a sixth of the bundle)
// are required inside functions, on the first message in such a charset: each becomes a chunk of
// its own, required at that moment.
const ICONV_TABLES = path.join(path.dirname(require.resolve('iconv-lite/package.json', { paths: [root] })), 'encodings', 'tables');
const tableChunk = (file) => `iconv-${path.basename(file, '.json')}`;
const lazyTablesPlugin = {
  name: 'lazy-iconv-tables',
  setup(build) {
    build.onResolve({ filter: /^\.\/tables\/[\w-]+\.json$/ }, (a) => {
      const file = path.join(a.resolveDir, a.path);
      return path.dirname(file) === ICONV_TABLES ? { path: file, namespace: 'lazy-table' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'lazy-table' }, (a) => ({ loader: 'js', contents: `module.exports = require('./chunks/${tableChunk(a.path)}.js');` }));
  },
};
const withChunks = { plugins: [stubPlugin, dedupePlugin, lazyPlugin, lazyTablesPlugin], external: ['./chunks/*'] };

const entries = [
  { entryPoints: [path.join(root, 'src/extension/extension.ts')], outfile: path.join(root, 'dist/extension.js'), ...withChunks, external: ['vscode', ...withChunks.external] },
  // the extension's verification worker thread (started by src/extension/verify-client.ts)
  { entryPoints: [path.join(root, 'src/extension/verify-worker.ts')], outfile: path.join(root, 'dist/verify-worker.js'), ...withChunks },
  // the chunks the two load on first use
  ...Object.entries(LAZY).map(([mod, name]) => ({ entryPoints: [require.resolve(mod, { paths: [root] })], outfile: path.join(root, `dist/chunks/${name}.js`) })),
  { entryPoints: [path.join(root, 'src/cli/main.ts')], outfile: path.join(root, 'dist/cli.js'), banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: [path.join(root, 'src/core/index.ts')], outfile: path.join(root, 'dist/core.js') },
];

(async () => {
  const fs = require('fs');
  for (const e of entries) {
    if (!fs.existsSync(e.entryPoints[0])) continue;
    await esbuild.build({ ...common, ...e });
  }
  // the code-page table chunks: the JSON as a CommonJS module (iconv-lite's licence covers them,
  // in the legal comments of the bundles that load them)
  fs.mkdirSync(path.join(root, 'dist/chunks'), { recursive: true });
  for (const f of fs.readdirSync(ICONV_TABLES).filter((n) => n.endsWith('.json'))) {
    const table = JSON.parse(fs.readFileSync(path.join(ICONV_TABLES, f), 'utf8'));
    fs.writeFileSync(path.join(root, `dist/chunks/${tableChunk(f)}.js`), `module.exports=${JSON.stringify(table)};\n`);
  }
  try { fs.chmodSync(path.join(root, 'dist/cli.js'), 0o755); } catch { /* no CLI yet */ }
})().catch((e) => { console.error(e.message || e); process.exit(1); });

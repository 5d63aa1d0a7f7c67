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

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: process.env.MFL_NO_MINIFY ? false : true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  plugins: [stubPlugin],
};

const entries = [
  { entryPoints: [path.join(root, 'src/extension/extension.ts')], outfile: path.join(root, 'dist/extension.js'), external: ['vscode'] },
  // the extension's verification worker thread (started by src/extension/verify-client.ts)
  { entryPoints: [path.join(root, 'src/extension/verify-worker.ts')], outfile: path.join(root, 'dist/verify-worker.js') },
  { entryPoints: [path.join(root, 'src/cli/main.ts')], outfile: path.join(root, 'dist/cli.js'), banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: [path.join(root, 'src/core/index.ts')], outfile: path.join(root, 'dist/core.js') },
];

(async () => {
  const fs = require('fs');
  for (const e of entries) {
    if (!fs.existsSync(e.entryPoints[0])) continue;
    await esbuild.build({ ...common, ...e });
  }
  try { fs.chmodSync(path.join(root, 'dist/cli.js'), 0o755); } catch { /* no CLI yet */ }
})().catch((e) => { console.error(e.message || e); process.exit(1); });

#!/usr/bin/env bash
# Installs everything the integration and UI test layers need, from Debian packages and the npm
# registry only. Idempotent: each step is skipped when its result is already present, so a warm
# run takes well under a second.
#
#   apt:   chromium (UI + extension-host driver), dnsmasq-base (loopback DNS server for the live-DNS
#          tests), and the build headers code-server's native modules compile against.
#   tools: Node 24 (npm package `node`), code-server, playwright-core and @vscode/vsce, installed
#          into a cache folder OUTSIDE the repository ($MFL_TOOLS_DIR, default
#          ~/.cache/mailflow-lens/tools) so `npm ci` of the project stays small and runs on Node 20.
#
# Why npm runs under Node 24 for the second install: code-server's postinstall refuses any Node
# but 24, and npm runs lifecycle scripts with the `node` that runs npm itself (not the first
# `node` on PATH). So the machine's npm (its npm-cli.js) is started by the Node 24 binary from the
# first step. test/unit/harness/install-tools.test.ts checks these invariants by running this
# script against stand-in npm and node programs.
#
# A half-finished install is never taken for a finished one: the marker file is written last,
# only after every expected file is there; anything missing is named and the script exits 1.
#
# Knobs (for tests and unusual machines): MFL_TOOLS_DIR, MFL_SKIP_APT=1 (do not check or install
# Debian packages), MFL_NPM_CLI (path of npm's npm-cli.js; default: where `npm` on PATH points).
set -euo pipefail

TOOLS="${MFL_TOOLS_DIR:-$HOME/.cache/mailflow-lens/tools}"
CODE_SERVER_VERSION="4.139.1"   # carries VS Code 1.139.1; keep engines.vscode/@types/vscode <= this
NODE_MAJOR=24                   # what code-server $CODE_SERVER_VERSION requires
APT_PACKAGES=(chromium fonts-liberation dnsmasq-base libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev build-essential python3 pkg-config)
# what a finished install holds, relative to $TOOLS; checked before the marker is written
EXPECTED=(
  "node_modules/.bin/node"
  "node_modules/code-server/out/node/entry.js"
  "node_modules/code-server/lib/vscode/node_modules"
  "node_modules/playwright-core/package.json"
  "node_modules/@vscode/vsce/vsce"
)

t0=$SECONDS
log() { echo "[install-test-tools] $*"; }
fail() { echo "[install-test-tools] FAILED: $*" >&2; exit 1; }

if [ "${MFL_SKIP_APT:-}" != 1 ]; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if ((${#missing[@]})); then
    if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
      fail "missing Debian packages: ${missing[*]} (run as root or install them yourself)"
    fi
    SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
    log "apt-get install ${missing[*]}"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
  log "apt packages ready ($((SECONDS - t0)) s)"
fi

marker="$TOOLS/.installed-$CODE_SERVER_VERSION"
missing_files() {
  local f
  for f in "${EXPECTED[@]}"; do [ -e "$TOOLS/$f" ] || echo "$f"; done
}
if [ -f "$marker" ] && [ -z "$(missing_files)" ]; then
  log "tools already installed in $TOOLS"
  exit 0
fi
rm -f "$TOOLS"/.installed-*   # stale or half-finished: nothing counts as installed until the end

NPM_CLI="${MFL_NPM_CLI:-$(readlink -f "$(command -v npm)")}"
[ -f "$NPM_CLI" ] || fail "cannot find npm's npm-cli.js (npm on PATH resolves to '$NPM_CLI'); set MFL_NPM_CLI"

mkdir -p "$TOOLS"
cd "$TOOLS"
[ -f package.json ] || echo '{ "name": "mailflow-lens-test-tools", "private": true }' > package.json

NODE24="$TOOLS/node_modules/.bin/node"
have_major() { [ -x "$NODE24" ] && "$NODE24" -p 'process.versions.node.split(".")[0]' 2>/dev/null; }
if [ "$(have_major || true)" != "$NODE_MAJOR" ]; then
  log "node@$NODE_MAJOR from the npm registry"
  npm install --no-audit --no-fund --loglevel=error "node@$NODE_MAJOR"
fi
major="$(have_major || true)"
[ "$major" = "$NODE_MAJOR" ] ||
  fail "node@$NODE_MAJOR did not install a working Node $NODE_MAJOR at $NODE24 (it reports '${major:-nothing}')"

log "npm $("$NODE24" "$NPM_CLI" --version) under Node $("$NODE24" -v) installs code-server $CODE_SERVER_VERSION, playwright-core, @vscode/vsce"
# The Node 24 binary runs npm, so code-server's postinstall (and node-gyp) run under Node 24 too.
PATH="$TOOLS/node_modules/.bin:$PATH" "$NODE24" "$NPM_CLI" install --no-audit --no-fund --loglevel=error \
  "code-server@$CODE_SERVER_VERSION" playwright-core@1 @vscode/vsce@3 ||
  fail "npm install of code-server $CODE_SERVER_VERSION, playwright-core and @vscode/vsce exited with $? (output above)"

gone="$(missing_files)"
if [ -n "$gone" ]; then
  fail "the install finished but these are missing from $TOOLS:"$'\n'"$gone"$'\n'"(code-server's postinstall builds lib/vscode/node_modules; its output above says why it did not). Nothing was marked as installed; run again after fixing the cause."
fi
touch "$marker"
log "tools installed in $TOOLS ($((SECONDS - t0)) s, $(du -sh node_modules | cut -f1))"

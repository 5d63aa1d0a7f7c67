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
set -euo pipefail

TOOLS="${MFL_TOOLS_DIR:-$HOME/.cache/mailflow-lens/tools}"
CODE_SERVER_VERSION="4.139.1"   # carries VS Code 1.139.1; keep engines.vscode/@types/vscode <= this
APT_PACKAGES=(chromium fonts-liberation dnsmasq-base libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev build-essential python3 pkg-config)

t0=$SECONDS
log() { echo "[install-test-tools] $*"; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    log "missing Debian packages: ${missing[*]} (run as root or install them yourself)"; exit 2
  fi
  SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  log "apt-get install ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
log "apt packages ready ($((SECONDS - t0)) s)"

marker="$TOOLS/.installed-$CODE_SERVER_VERSION"
if [ -f "$marker" ] && [ -d "$TOOLS/node_modules/code-server/lib/vscode/node_modules" ]; then
  log "tools already installed in $TOOLS"
  exit 0
fi
mkdir -p "$TOOLS"
cd "$TOOLS"
[ -f package.json ] || npm init -y >/dev/null
log "node@24 from the npm registry"
npm install --no-audit --no-fund --loglevel=error node@24
export PATH="$TOOLS/node_modules/.bin:$PATH"   # npm's lifecycle scripts now run under Node 24
log "using $(node -v) for code-server's install"
npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" playwright-core@1 @vscode/vsce@3
test -d node_modules/code-server/lib/vscode/node_modules
touch "$marker"
log "tools installed in $TOOLS ($((SECONDS - t0)) s, $(du -sh node_modules | cut -f1))"

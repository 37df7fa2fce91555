#!/usr/bin/env bash
# Sets up a fresh machine that has Node and npm: pnpm (the version pinned in package.json),
# redis-server (Debian package) when missing, iproute2 and nftables for the test hosts (as root),
# Chromium for the browser test when asked (--with-browser), then the workspace's dependencies and
# a build.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "--- installing pnpm $PNPM_VERSION"
  npm install -g "pnpm@$PNPM_VERSION"
fi

apt_updated=
need_apt() {
  if ! command -v "$1" >/dev/null 2>&1; then
    if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
      echo "$1 is missing: install the Debian package $2" >&2; exit 1
    fi
    local sudo=; [ "$(id -u)" != 0 ] && sudo=sudo
    if [ -z "$apt_updated" ]; then $sudo apt-get update -qq; apt_updated=1; fi
    echo "--- installing $2 (apt)"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$2" >/dev/null
  fi
}
need_apt redis-server redis-server
# Test hosts (test/hosts.test.ts): network namespaces and veths (ip), faults (nft). Only root may
# make them; elsewhere the tests skip and say why, so a missing package must not fail the setup.
if [ "$(id -u)" = 0 ]; then
  need_apt ip iproute2
  need_apt nft nftables
fi
if [ "${1:-}" = "--with-browser" ]; then need_apt chromium chromium; fi

echo "--- pnpm install"
# onnxruntime-node's install script would download CUDA binaries; its CPU binaries ship in the package.
ONNXRUNTIME_NODE_INSTALL=skip pnpm install --frozen-lockfile
echo "--- build"
pnpm build

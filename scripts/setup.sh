#!/usr/bin/env bash
# Installs everything Switchboard needs on a fresh Debian 12 / Ubuntu 22.04+ machine:
# system packages, tauri-driver and the UI's npm packages. Idempotent: it only installs
# what is missing, so `make run` and `make test` call it every time.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # Tauri's build and runtime (WebKitGTK 4.1, tray, SVG icons)
  build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev libjavascriptcoregtk-4.1-dev
  libsoup-3.0-dev libayatana-appindicator3-dev librsvg2-dev
  # A display, a session bus, a keychain and a notification server for tests and headless runs
  xvfb xauth dbus-x11 dbus-daemon gnome-keyring libsecret-tools dunst
  # WebDriver for the real webview, and tools to look at it
  webkit2gtk-driver xdotool imagemagick file curl jq
  # Customers write emoji
  fonts-noto-color-emoji
  # Team mode's tests run a throw-away PostgreSQL (scripts/postgres-session.sh), and pgbench for its bench
  postgresql postgresql-contrib
)

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

need() { command -v "$1" >/dev/null 2>&1 || { echo "setup: $1 is required: $2" >&2; exit 1; }; }
need cargo "install Rust (1.89 or newer) with rustup"
need node "install Node.js 20.19 or newer"
need npm "install npm 10 or newer"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' \
  || { echo "setup: Node.js 20.19 or newer is required (found $(node --version))" >&2; exit 1; }
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$component"
  fi
done

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --version '^2' --locked
fi

# npm ci only when the lock file changed since the last install.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  (cd ui && npm ci --no-audit --no-fund)
fi

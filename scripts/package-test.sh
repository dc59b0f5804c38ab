#!/usr/bin/env bash
# The installer, tested as a user meets it: the .deb of the app that `make test` just built
# (Tauri's bundler, debug profile so that nothing is compiled twice; `make dist` makes the
# release packages), installed with apt-get, started from /usr/bin under WebDriver against a
# sandbox (tests/e2e/installed.rs), then removed.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

rm -rf "$target/debug/bundle/deb"
ui/node_modules/.bin/tauri bundle --ci --debug --bundles deb
deb=$(ls "$target"/debug/bundle/deb/*.deb)
echo "package-test: $(basename "$deb"), $(du -h "$deb" | cut -f1)"

removed=0
remove() {
  if [ "$removed" = 0 ]; then
    removed=1
    DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -q switchboard >/dev/null
  fi
}
trap remove EXIT
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "$deb" >/dev/null
[ -x /usr/bin/switchboard ] || { echo "package-test: /usr/bin/switchboard is not installed" >&2; exit 1; }

SWITCHBOARD_INSTALLED=/usr/bin/switchboard \
  scripts/desktop-session.sh cargo test -p switchboard-e2e --test e2e installed -- --ignored
remove
[ ! -e /usr/bin/switchboard ] || { echo "package-test: apt-get remove left /usr/bin/switchboard" >&2; exit 1; }
echo "package-test: installed, started, showed the desk, removed"

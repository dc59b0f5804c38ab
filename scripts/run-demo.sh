#!/usr/bin/env bash
# Starts Switchboard in demo mode (switchboard-demo: the app with the sandbox embedded), with a
# connected demo page and scripted customers writing in. Without a display, it runs under a
# virtual one and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
app="${CARGO_TARGET_DIR:-target}/debug/switchboard-demo"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec "$app"
fi

shot="${CARGO_TARGET_DIR:-target}/demo-screenshot.png"
echo "No display found: running Switchboard under a virtual display (Xvfb) in a private D-Bus"
echo "session with its own keychain and notification server. A screenshot of the screen is"
echo "saved every 5 s to $shot. Press Ctrl+C to stop."
export SWITCHBOARD_DEMO_APP="$app" SWITCHBOARD_DEMO_SHOT="$shot"
exec scripts/desktop-session.sh bash -c '
  "$SWITCHBOARD_DEMO_APP" & app=$!
  trap "kill $app 2>/dev/null" EXIT INT TERM
  while kill -0 "$app" 2>/dev/null; do
    sleep 5
    import -window root "$SWITCHBOARD_DEMO_SHOT.tmp.png" 2>/dev/null && mv "$SWITCHBOARD_DEMO_SHOT.tmp.png" "$SWITCHBOARD_DEMO_SHOT"
  done'

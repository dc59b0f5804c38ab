#!/usr/bin/env bash
# Runs a command inside a private desktop, all in one D-Bus session so that nothing leaks and
# everything stops with it: an Xvfb display (unless SWITCHBOARD_KEEP_DISPLAY=1 and one exists),
# an unlocked gnome-keyring, the dunst notification server, and dbus-monitor recording every
# notification to $SWITCHBOARD_NOTIFICATION_LOG.
#
#   scripts/desktop-session.sh cargo test --workspace
set -euo pipefail

if [ -z "${SWITCHBOARD_IN_DBUS_SESSION:-}" ]; then
  export SWITCHBOARD_IN_DBUS_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$runtime"
}
runtime=$(mktemp -d /tmp/switchboard-desktop.XXXXXX)
chmod 700 "$runtime"
trap cleanup EXIT
export XDG_RUNTIME_DIR="$runtime" XDG_DATA_HOME="$runtime/data" NO_AT_BRIDGE=1
mkdir -p "$XDG_DATA_HOME"

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "desktop-session: $what did not start" >&2; exit 1; fi
    sleep 0.1
  done
}
bus_name_owned() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner "string:$1" | grep -q 'boolean true'
}

if [ -z "${DISPLAY:-}" ] || [ "${SWITCHBOARD_KEEP_DISPLAY:-0}" != 1 ]; then
  display=""
  for n in $(seq 90 189); do
    if [ ! -e "/tmp/.X11-unix/X$n" ] && [ ! -e "/tmp/.X$n-lock" ]; then display=$n; break; fi
  done
  [ -n "$display" ] || { echo "desktop-session: no free X display number" >&2; exit 1; }
  Xvfb ":$display" -screen 0 1280x800x24 -nolisten tcp >"$runtime/xvfb.log" 2>&1 &
  pids+=($!)
  wait_for 15 "Xvfb :$display" test -S "/tmp/.X11-unix/X$display"
  export DISPLAY=":$display"
fi

# Without --unlock, writes fail with NoStorageAccess; wait for the bus name so that no client
# starts a second daemon.
echo -n switchboard | gnome-keyring-daemon --unlock --components=secrets >"$runtime/keyring.env"
wait_for 15 "gnome-keyring" bus_name_owned org.freedesktop.secrets

dunst >"$runtime/dunst.log" 2>&1 &
pids+=($!)
wait_for 15 "dunst" bus_name_owned org.freedesktop.Notifications

export SWITCHBOARD_NOTIFICATION_LOG="$runtime/notifications.log"
dbus-monitor --session "interface=org.freedesktop.Notifications" >"$SWITCHBOARD_NOTIFICATION_LOG" 2>&1 &
pids+=($!)
wait_for 5 "dbus-monitor" test -s "$SWITCHBOARD_NOTIFICATION_LOG"

export SWITCHBOARD_DESKTOP=1
status=0
"$@" || status=$?
exit "$status"

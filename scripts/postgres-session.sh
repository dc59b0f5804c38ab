#!/usr/bin/env bash
# Runs a command beside a throw-away PostgreSQL: Debian's server in a temporary cluster, as the
# unprivileged `postgres` user (or the current user when not root), on a free loopback port, with
# real password authentication. The command finds the superuser's URL in SWITCHBOARD_TEST_PG and
# the server's binaries in SWITCHBOARD_PG_BIN; the cluster is stopped and removed afterwards.
#
#   scripts/postgres-session.sh cargo test -p switchboard-team
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$bin/initdb" ] || { echo "postgres-session: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }

dir=$(mktemp -d /tmp/switchboard-pg.XXXXXX)
chmod 755 "$dir"
as=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
password="switchboard-test-$RANDOM$RANDOM"
printf '%s\n' "$password" > "$dir/pwfile"
[ "${#as[@]}" -eq 0 ] || chown postgres "$dir/pwfile"

stop() {
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as[@]}" "$bin/initdb" -D "$dir/data" -A scram-sha-256 -U switchboard --pwfile="$dir/pwfile" \
  --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
# fsync off: a test cluster that is thrown away need not survive a power cut.
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w start \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" >/dev/null

export SWITCHBOARD_TEST_PG="postgresql://switchboard:$password@127.0.0.1:$port/postgres"
export SWITCHBOARD_PG_BIN="$bin"
export SWITCHBOARD_PG_DATA="$dir/data"
export SWITCHBOARD_PG_RUN_AS="${as[*]}"
echo "postgres-session: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
"$@"

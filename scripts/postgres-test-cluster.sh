#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (issue #15): started as an unprivileged user
# (`postgres` when run as root: initdb refuses root), listening only on a Unix socket inside DIR,
# trust authentication, fsync off. Nothing outside DIR is touched. The server's output goes to
# files in DIR (a server holding the caller's pipe open would keep it waiting for the end).
#   scripts/postgres-test-cluster.sh start DIR   # prints the connection URL on stdout
#   scripts/postgres-test-cluster.sh stop DIR    # stops it and removes DIR
#   scripts/postgres-test-cluster.sh halt DIR    # stops the server at once (as a crash would), keeps DIR
#   scripts/postgres-test-cluster.sh resume DIR  # starts a halted server again
set -euo pipefail
command=${1:?start or stop}
dir=${2:?a directory for the cluster}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "error: the PostgreSQL server is not installed (Debian: apt-get install postgresql)" >&2
  exit 1
fi
as=()
if [ "$(id -u)" -eq 0 ]; then as=(runuser -u postgres --); fi
case "$command" in
start)
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U smtptls --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
    -o "-k $dir -c listen_addresses= -c fsync=off -c synchronous_commit=off -c max_connections=40" start \
    </dev/null >"$dir/pg_ctl.log" 2>&1 || { cat "$dir/pg_ctl.log" "$dir/server.log" >&2; exit 1; }
  "${as[@]}" "$bin/createdb" -h "$dir" -U smtptls smtptls
  echo "postgresql:///smtptls?host=$dir&user=smtptls"
  ;;
halt)
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -w -s -m immediate stop
  ;;
resume)
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s \
    -o "-k $dir -c listen_addresses= -c fsync=off -c synchronous_commit=off -c max_connections=40" start \
    </dev/null >"$dir/pg_ctl.log" 2>&1 || { cat "$dir/pg_ctl.log" "$dir/server.log" >&2; exit 1; }
  ;;
stop)
  if [ -f "$dir/data/postmaster.pid" ]; then
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -w -s -m immediate stop || true
  fi
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|stop|halt|resume DIR" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# A throw-away PostgreSQL primary with a streaming replica, for tests/multihost.
#
#   scripts/pg-replica.sh start DIR PRIMARY_PORT REPLICA_PORT
#   scripts/pg-replica.sh stop-primary DIR   (the replica keeps serving reads)
#   scripts/pg-replica.sh stop DIR
#
# Both servers listen on 127.0.0.1 only, with trust authentication (including replication
# connections), and keep everything under DIR, which `stop` removes. The system PostgreSQL
# is never touched: its pg_hba.conf allows no replication and must stay that way. As root,
# the servers run as the `postgres` OS user (PostgreSQL refuses to run as root).
set -euo pipefail

bindir() {
  local b
  for b in /usr/local/bin "$(pg_config --bindir 2>/dev/null || true)" /usr/lib/postgresql/*/bin; do
    [[ -n "$b" && -x "$b/initdb" && -x "$b/pg_ctl" ]] && { echo "$b"; return; }
  done
  echo "pg-replica: initdb/pg_ctl not found" >&2
  exit 1
}

as_pg() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cmd=${1:?usage: pg-replica.sh start DIR PRIMARY_PORT REPLICA_PORT | stop DIR}
dir=${2:?DIR}
BIN=$(bindir)
BASEBACKUP=$BIN/pg_basebackup
[[ -x $BASEBACKUP ]] || BASEBACKUP=$(command -v pg_basebackup)

case "$cmd" in
start)
  primary_port=${3:?PRIMARY_PORT}
  replica_port=${4:?REPLICA_PORT}
  mkdir -p "$dir"
  [[ $EUID -eq 0 ]] && chown postgres "$dir"
  # fsync off: a test cluster that dies with the machine is simply made again.
  opts="-c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c fsync=off"
  opts+=" -c synchronous_commit=off -c full_page_writes=off"
  as_pg "$BIN/initdb" -D "$dir/primary" -U postgres -A trust -E UTF8 --no-sync >"$dir/initdb.log"
  echo "host replication all 127.0.0.1/32 trust" >>"$dir/primary/pg_hba.conf"
  as_pg "$BIN/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w -t 30 \
    -o "-p $primary_port $opts -c wal_level=replica -c max_wal_senders=4" start >/dev/null
  # -R writes standby.signal and primary_conninfo: the copy starts as a streaming replica.
  as_pg "$BASEBACKUP" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir/replica" -R \
    -X stream --no-sync
  as_pg "$BIN/pg_ctl" -D "$dir/replica" -l "$dir/replica.log" -w -t 30 \
    -o "-p $replica_port $opts -c hot_standby=on" start >/dev/null
  for _ in $(seq 1 100); do
    state=$(as_pg psql -h 127.0.0.1 -p "$replica_port" -U postgres -d postgres -Atc \
      "select pg_is_in_recovery() || ':' || coalesce((select status from pg_stat_wal_receiver), '')" \
      2>/dev/null || true)
    [[ $state == "true:streaming" ]] && exit 0
    sleep 0.1
  done
  echo "pg-replica: the replica on port $replica_port is not streaming ($state)" >&2
  exit 1
  ;;
stop-primary)
  as_pg "$BIN/pg_ctl" -D "$dir/primary" -m fast -w -t 30 stop >/dev/null
  ;;
stop)
  for node in replica primary; do
    if [[ -f "$dir/$node/postmaster.pid" ]]; then
      as_pg "$BIN/pg_ctl" -D "$dir/$node" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
  done
  rm -rf "$dir"
  ;;
*)
  echo "pg-replica: unknown command $cmd" >&2
  exit 2
  ;;
esac

#!/usr/bin/env bash
# PostgreSQL's own HA for the store, on one machine: a primary and a synchronous streaming standby (two
# PostgreSQL instances, each with its own port and data directory), a scripted failover, and a rejoin.
#
# The engine is PostgreSQL's built-in streaming replication; failover is this script's 'failover' command
# (pg_ctl promote), run by an operator or a test. See docs/operations.md, "PostgreSQL high availability".
#
# Guarantee: synchronous_commit=on with the standby named in synchronous_standby_names, so a commit is
# acknowledged only once the standby has flushed its WAL. A kill -9 of the primary loses no acknowledged commit.
# Price after a failover: the promoted node runs with synchronous_standby_names='' (it accepts writes alone,
# otherwise every commit would wait forever for a standby that is dead); until 'rejoin' attaches a new standby,
# a second failure can lose data.
#
# Runs as root; PostgreSQL runs as the user postgres (runuser). Trust authentication, on 127.0.0.1 only.
set -euo pipefail

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_USER=${PG_USER:-postgres}
DATABASE=clusterchat
NODES=(primary standby)
WAIT_SECONDS=${PG_HA_WAIT_SECONDS:-60}
PROMOTE_RESEND_POLLS=20

usage() {
  cat <<EOF
usage: $(basename "$0") COMMAND DIR [ARGS]

  up DIR [PRIMARY_PORT STANDBY_PORT]  initdb a primary in DIR/primary (port 5441), create database '$DATABASE',
                                      base-backup a synchronous standby into DIR/standby (port 5442), start both,
                                      wait until the standby is 'sync'; prints the JDBC URL to use
  kill-primary DIR                    kill -9 the current primary's postmaster
  failover DIR                        promote the standby (it then accepts writes alone); prints elapsed ms
  rejoin DIR                          rebuild the node that is down (the old primary, or a lost standby) as the
                                      primary's synchronous standby, by a fresh base backup
  status DIR                          each node's port, pid, role, and the primary's replication state
  down DIR [--purge]                  stop both nodes; --purge also removes what 'up' created in DIR

Nodes are named by their directory (primary, standby) for good; after a failover the node 'standby' is the
primary. Environment: PG_BIN (default /usr/lib/postgresql/15/bin), PG_USER (default postgres).
EOF
}

die() {
  echo "pg-ha: $*" >&2
  exit 1
}

as_pg() {
  runuser -u "$PG_USER" -- "$@"
}

now_ms() {
  date +%s%3N
}

port_of() {
  cat "$1/$2.port"
}

# psql against a node, one unaligned value per line.
sql() {
  local dir=$1 node=$2 query=$3
  as_pg "$PG_BIN/psql" -X -q -A -t -h 127.0.0.1 -p "$(port_of "$dir" "$node")" -U "$PG_USER" -d postgres \
    -v ON_ERROR_STOP=1 -c "$query"
}

# The postmaster pid of a node if it runs, checked to be a postgres process started on that data directory.
running_pid() {
  local data=$1/$2 pid
  [[ -f $data/postmaster.pid ]] || return 1
  pid=$(head -n 1 "$data/postmaster.pid")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ $(sed -n 2p "$data/postmaster.pid") == "$data" ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  local cmdline
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
  [[ $cmdline == *postgres* && $cmdline == *"-D $data"* ]] || return 1
  echo "$pid"
}

is_standby() {
  [[ -f $1/$2/standby.signal ]]
}

# The running node that is not in recovery.
current_primary() {
  local dir=$1 node
  for node in "${NODES[@]}"; do
    if running_pid "$dir" "$node" >/dev/null && ! is_standby "$dir" "$node"; then
      echo "$node"
      return 0
    fi
  done
  return 1
}

other_node() {
  [[ $1 == primary ]] && echo standby || echo primary
}

start_node() {
  local dir=$1 node=$2
  as_pg "$PG_BIN/pg_ctl" -D "$dir/$node" -l "$dir/$node.log" -w -t "$WAIT_SECONDS" start >/dev/null
  running_pid "$dir" "$node" >"$dir/$node.pid" || die "$node did not start; see $dir/$node.log"
}

# Waits until the primary reports the named standby as synchronous.
wait_sync() {
  local dir=$1 primary=$2 standby=$3 deadline=$((SECONDS + WAIT_SECONDS)) state=""
  while ((SECONDS < deadline)); do
    state=$(sql "$dir" "$primary" \
      "SELECT sync_state FROM pg_stat_replication WHERE application_name = '$standby'" 2>/dev/null || true)
    [[ $state == sync ]] && return 0
    sleep 0.2
  done
  die "standby $standby is not synchronous after ${WAIT_SECONDS}s (state '${state}'); see $dir/$standby.log"
}

check_port_free() {
  if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
    die "port $1 is in use"
  fi
}

# A base backup of the primary, streaming from it under the standby's own name and slot.
make_standby() {
  local dir=$1 primary=$2 standby=$3
  local slot="${standby}_slot"
  sql "$dir" "$primary" "SELECT pg_drop_replication_slot('$slot') FROM pg_replication_slots
    WHERE slot_name = '$slot'" >/dev/null
  as_pg "$PG_BIN/pg_basebackup" -D "$dir/$standby" -R -C -S "$slot" -X stream -c fast \
    -d "host=127.0.0.1 port=$(port_of "$dir" "$primary") user=$PG_USER application_name=$standby"
  # The copied configuration is the primary's: this node listens on its own port.
  echo "port = $(port_of "$dir" "$standby")" | as_pg tee -a "$dir/$standby/postgresql.auto.conf" >/dev/null
  start_node "$dir" "$standby"
  sql "$dir" "$primary" "ALTER SYSTEM SET synchronous_standby_names = '\"$standby\"'" >/dev/null
  sql "$dir" "$primary" "SELECT pg_reload_conf()" >/dev/null
  wait_sync "$dir" "$primary" "$standby"
}

cmd_up() {
  local dir=$1 primary_port=${2:-5441} standby_port=${3:-5442}
  [[ -e $dir/primary || -e $dir/standby ]] && die "$dir already holds a cluster ('down $dir --purge' first)"
  [[ -x $PG_BIN/initdb ]] || die "no PostgreSQL binaries in $PG_BIN (set PG_BIN)"
  check_port_free "$primary_port"
  check_port_free "$standby_port"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  chown "$PG_USER:" "$dir"
  chmod 700 "$dir"
  echo "$primary_port" >"$dir/primary.port"
  echo "$standby_port" >"$dir/standby.port"

  as_pg "$PG_BIN/initdb" -D "$dir/primary" -U "$PG_USER" --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
  as_pg tee "$dir/primary/pg_hba.conf" >/dev/null <<EOF
# pg-ha.sh: trust, on 127.0.0.1 only (listen_addresses is 127.0.0.1 and there is no Unix socket)
host all         all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
EOF
  as_pg tee -a "$dir/primary/postgresql.conf" >/dev/null <<EOF

# pg-ha.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
port = $primary_port
shared_buffers = 32MB
wal_level = replica
max_wal_senders = 4
max_replication_slots = 4
hot_standby = on
wal_log_hints = on
synchronous_commit = on
EOF
  start_node "$dir" primary
  # Before synchronous_standby_names is set (make_standby sets it): until then a commit waits for nobody.
  sql "$dir" primary "CREATE DATABASE $DATABASE" >/dev/null
  make_standby "$dir" primary standby
  echo "jdbc:postgresql://127.0.0.1:$primary_port,127.0.0.1:$standby_port/$DATABASE?targetServerType=primary"
}

cmd_kill_primary() {
  local dir=$1 primary pid
  primary=$(current_primary "$dir") || die "no running primary in $dir"
  pid=$(running_pid "$dir" "$primary")
  kill -9 "$pid"
  echo "killed $primary (postmaster $pid)"
}

# Promotes a standby and waits until it has left recovery. The request is sent again every second: seen here, a
# promote request that came while the standby was restarting its WAL receiver was noticed only at the startup
# process's next 5 s timeout.
promote() {
  local dir=$1 node=$2 deadline=$((SECONDS + WAIT_SECONDS)) polls=0
  as_pg "$PG_BIN/pg_ctl" -D "$dir/$node" -W promote >/dev/null
  until [[ $(sql "$dir" "$node" "SELECT pg_is_in_recovery()" 2>/dev/null || true) == f ]]; do
    ((SECONDS < deadline)) || die "$node is still in recovery after ${WAIT_SECONDS}s; see $dir/$node.log"
    sleep 0.05
    if ((++polls % PROMOTE_RESEND_POLLS == 0)); then
      as_pg "$PG_BIN/pg_ctl" -D "$dir/$node" -W promote >/dev/null 2>&1 || true
    fi
  done
}

cmd_failover() {
  local dir=$1 standby="" node start
  for node in "${NODES[@]}"; do
    if running_pid "$dir" "$node" >/dev/null && is_standby "$dir" "$node"; then
      standby=$node
    fi
  done
  [[ -n $standby ]] || die "no running standby in $dir"
  local old
  old=$(other_node "$standby")
  if running_pid "$dir" "$old" >/dev/null; then
    die "$old still runs: stop or kill it first (two primaries would diverge)"
  fi
  start=$(now_ms)
  promote "$dir" "$standby"
  # Alone from now on: a commit must not wait for a synchronous standby that is gone. Set after the promotion (a
  # reload just before it restarts the WAL receiver: see promote); commits made in between wait for this reload.
  sql "$dir" "$standby" "ALTER SYSTEM SET synchronous_standby_names = ''" >/dev/null
  sql "$dir" "$standby" "SELECT pg_reload_conf()" >/dev/null
  local deadline=$((SECONDS + WAIT_SECONDS))
  # Accepting writes: a transaction id can be assigned only outside recovery.
  until sql "$dir" "$standby" "SELECT pg_current_xact_id()" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$standby does not accept writes after ${WAIT_SECONDS}s"
    sleep 0.05
  done
  echo "promoted $standby in $(($(now_ms) - start)) ms; it runs without a synchronous standby until 'rejoin'"
}

cmd_rejoin() {
  local dir=$1 primary old
  primary=$(current_primary "$dir") || die "no running primary in $dir"
  old=$(other_node "$primary")
  running_pid "$dir" "$old" >/dev/null && die "$old still runs; stop it first"
  # pg_basebackup rather than pg_rewind: slower for a big database, but needs nothing from the old data.
  rm -rf "${dir:?}/$old"
  make_standby "$dir" "$primary" "$old"
  echo "$old streams synchronously from $primary"
}

cmd_status() {
  local dir=$1 node pid role
  for node in "${NODES[@]}"; do
    [[ -d $dir/$node ]] || continue
    if pid=$(running_pid "$dir" "$node"); then
      role=primary
      is_standby "$dir" "$node" && role=standby
      echo "$node: port $(port_of "$dir" "$node"), pid $pid, $role"
    else
      echo "$node: port $(port_of "$dir" "$node"), not running"
    fi
  done
  if node=$(current_primary "$dir"); then
    echo "replication from $node (application_name state sync_state):"
    sql "$dir" "$node" "SELECT application_name, state, sync_state FROM pg_stat_replication" | tr '|' ' '
  fi
}

cmd_down() {
  local dir=$1 purge=${2:-} node
  for node in "${NODES[@]}"; do
    if running_pid "$dir" "$node" >/dev/null; then
      as_pg "$PG_BIN/pg_ctl" -D "$dir/$node" -m fast -w -t "$WAIT_SECONDS" stop >/dev/null
      echo "stopped $node"
    fi
  done
  if [[ $purge == --purge ]]; then
    for node in "${NODES[@]}"; do
      rm -rf "${dir:?}/$node"
      rm -f "$dir/$node.port" "$dir/$node.pid" "$dir/$node.log"
    done
    rm -f "$dir/initdb.log"
    rmdir "$dir" 2>/dev/null || true
  elif [[ -n $purge ]]; then
    die "unknown option $purge"
  fi
}

main() {
  if [[ ${1:-} == -h || ${1:-} == --help || ${1:-} == help ]]; then
    usage
    exit 0
  fi
  (($# >= 2)) || { usage >&2; exit 2; }
  local command=$1 dir=$2
  shift 2
  [[ $(id -u) == 0 ]] || die "run as root (PostgreSQL itself runs as $PG_USER)"
  if [[ $command != up ]]; then
    [[ -d $dir ]] || die "no cluster in $dir"
    dir=$(cd "$dir" && pwd)
  fi
  case $command in
    up) cmd_up "$dir" "$@" ;;
    kill-primary) cmd_kill_primary "$dir" ;;
    failover) cmd_failover "$dir" ;;
    rejoin) cmd_rejoin "$dir" ;;
    status) cmd_status "$dir" ;;
    down) cmd_down "$dir" "$@" ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"

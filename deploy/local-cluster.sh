#!/usr/bin/env bash
# Runs a whole clusterchat cluster on this machine, every role its own JVM on 127.0.0.1.
#
#   deploy/local-cluster.sh start    start every node; return once all have joined and the gateways accept
#   deploy/local-cluster.sh start --ha   the same with two of each back-end role (coordinator, session-store,
#                                    auth-node, persistence-node): coordinator-2 answers on 8081. Needs PostgreSQL
#                                    (CLUSTERCHAT_JDBC_URL): the embedded H2 file opens in one process only
#   deploy/local-cluster.sh stop     stop exactly the processes 'start' and the add-* commands started (by process id)
#   deploy/local-cluster.sh status   list them
#   deploy/local-cluster.sh add-gateway REGION   start one more gateway in REGION (scale out; stop stops it too)
#   deploy/local-cluster.sh add-coordinator | add-session-store | add-auth   start one more node of that role
#   deploy/local-cluster.sh add-persistence   one more persistence-node (PostgreSQL only: the same
#                                    CLUSTERCHAT_JDBC_URL as at start); it takes its share of the store's shards
#
# Files go under the working directory (or CLUSTERCHAT_HOME): logs/<node>.log, run/<node>.pid, data/ (the embedded
# H2 database, the auth-nodes' token-secret, admin-token: the bearer token of the coordinator's admin API and
# dashboard, bus-tls/: the local cluster CA and the certificate every node shows on the TLS event bus, and client-tls/:
# the gateways' certificate for their TLS and wss ports and ca.pem, the CA clients trust). Run stop
# and status from the same directory as start.
# Build the jar first: mvn -B -q -DskipTests package
# Environment: CLUSTERCHAT_JAR (the launcher jar), JAVA (the java command), CLUSTERCHAT_START_TIMEOUT (seconds,
# default 120), CLUSTERCHAT_PORT_OFFSET (added to every port, default 0: run a second cluster beside the first),
# CLUSTERCHAT_JAVA_OPTS (more JVM options for the nodes started, after the defaults: e.g. a bigger heap);
# CLUSTERCHAT_* option variables reach every node (see docs/operations.md).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
jar=${CLUSTERCHAT_JAR:-$here/target/clusterchat.jar}
java=${JAVA:-java}
start_timeout=${CLUSTERCHAT_START_TIMEOUT:-120}
home=${CLUSTERCHAT_HOME:-$PWD}
logs=$home/logs
run=$home/run
data=$home/data
off=${CLUSTERCHAT_PORT_OFFSET:-0}
# The echo service's port: CLUSTERCHAT_ECHO_PORT when set, else 21567 shifted like the rest while that stays below
# 32768, where the kernel's ephemeral ports begin (an outgoing connection could hold it); beyond, off (0).
echo_port=${CLUSTERCHAT_ECHO_PORT:-$((21567 + off))}
if [ -z "${CLUSTERCHAT_ECHO_PORT:-}" ] && [ "$echo_port" -ge 32768 ]; then echo_port=0; fi
seed_members=127.0.0.1:$((5701 + off)),127.0.0.1:$((5702 + off))
tls=$data/bus-tls
# The gateways' TLS and wss certificate for 127.0.0.1 and localhost, and the CA clients trust (client-tls/ca.pem).
client_tls=$data/client-tls
# The coordinators' HTTP ports (8080 on, one more for each coordinator added: up to ten): their web chat at
# /chat opens the gateways' WebSocket, which lets in the pages of these origins alone (and non-browser clients).
coordinator_http=$((8080 + off))
ws_origins=""
for ((k = 0; k < 10; k++)); do
  ws_origins+="${ws_origins:+,}http://127.0.0.1:$((coordinator_http + k)),http://localhost:$((coordinator_http + k))"
done

# node id | role | heap | cluster port | role flags. Data members (coordinator, session-store) first.
nodes=(
  "coordinator|coordinator|256m|$((5701 + off))|--http-host 127.0.0.1 --http-port $coordinator_http --metrics-port $((9100 + off))"
  "session-store-1|session-store|256m|$((5702 + off))|--metrics-port $((9101 + off))"
  "auth-1|auth-node|256m|$((5703 + off))|--metrics-port $((9102 + off))"
  "persistence-1|persistence-node|384m|$((5704 + off))|--metrics-port $((9103 + off))"
  "gw-bj-1|gateway|512m|$((5705 + off))|--region bj --host 127.0.0.1 --public-host 127.0.0.1 --port $((9001 + off)) --tls-port $((9443 + off)) --ws-port $((9091 + off)) --ws-origins $ws_origins --echo-port $echo_port --metrics-port $((9104 + off))"
  "gw-sh-1|gateway|512m|$((5706 + off))|--region sh --host 127.0.0.1 --public-host 127.0.0.1 --port $((9002 + off)) --tls-port $((9444 + off)) --ws-port $((9092 + off)) --ws-origins $ws_origins --echo-port 0 --metrics-port $((9105 + off))"
)
# Nodes added later (add-gateway, add-coordinator, ..., and the second ones of 'start --ha') are kept as
# run/<id>.spec lines of the same shape.
extra_specs() { cat "$run"/*.spec 2>/dev/null || true; }
all_specs() { printf '%s\n' "${nodes[@]}"; extra_specs; }

field() { echo "$1" | cut -d'|' -f"$2"; }

pid_of() { [ -f "$run/$1.pid" ] && cat "$run/$1.pid" || true; }

# Alive, and still the process we started (a recycled pid would not carry our node id and jar).
ours() {
  local pid=$1 id=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--node-id $id "
}

# True while PID runs. A process that has exited but is not yet reaped (a zombie, state Z) has stopped: where PID 1
# reaps late (some containers' and VMs' init), kill -0 would wait for the reaping, seconds per node.
alive() {
  local state
  state=$(sed -E 's/.*\) ([A-Za-z]).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

launch() {
  local spec=$1 id role heap port flags
  id=$(field "$spec" 1); role=$(field "$spec" 2); heap=$(field "$spec" 3); port=$(field "$spec" 4)
  flags=$(field "$spec" 5)
  # The admin token reaches the coordinator only (other roles have no use for it).
  local admin_token=
  if [ "$role" = coordinator ]; then admin_token=${CLUSTERCHAT_ADMIN_TOKEN:-$(cat "$data/admin-token")}; fi
  # Gateways show the client certificate on their TLS port (reloaded when the files change).
  local client_cert=()
  if [ "$role" = gateway ]; then
    client_cert=(--tls-cert "$client_tls/gateway.pem" --tls-key "$client_tls/gateway-key.pem")
  fi
  local cluster_name members
  cluster_name=$(cat "$data/cluster-name")
  # Every data member a node may join through: the fixed two, and any added (so a node started after both of
  # those died still finds the cluster).
  members=$seed_members$(extra_specs | awk -F'|' '$2 == "coordinator" || $2 == "session-store" { printf ",127.0.0.1:%s", $4 }')
  # The kept secret, unless CLUSTERCHAT_TOKEN_KEYS replaces it (key rotation): an auth-node takes one or the other.
  local token_secret=()
  if [ -z "${CLUSTERCHAT_TOKEN_KEYS:-}" ]; then
    token_secret=("CLUSTERCHAT_TOKEN_SECRET=${CLUSTERCHAT_TOKEN_SECRET:-$(cat "$data/token-secret")}")
  fi
  # shellcheck disable=SC2086 # role flags and CLUSTERCHAT_JAVA_OPTS are words on purpose
  env ${token_secret[@]+"${token_secret[@]}"} CLUSTERCHAT_ADMIN_TOKEN="$admin_token" \
  nohup "$java" -Xms64m -Xmx"$heap" -XX:+ExitOnOutOfMemoryError -Djava.net.preferIPv4Stack=true \
    ${CLUSTERCHAT_JAVA_OPTS:-} -jar "$jar" "$role" --node-id "$id" --cluster-name "$cluster_name" --cluster-host 127.0.0.1 \
    --cluster-port "$port" --cluster-members "$members" --data-dir "$data" \
    --bus-tls-cert "$tls/node.pem" --bus-tls-key "$tls/node-key.pem" --bus-tls-ca "$tls/ca.pem" \
    ${client_cert[@]+"${client_cert[@]}"} $flags \
    > "$logs/$id.log" 2>&1 < /dev/null &
  echo $! > "$run/$id.pid"
}

accepts() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Waits for a node's "ready" line (and its ports); fails with the log tail if it dies or takes too long.
await_ready() {
  local spec=$1 id deadline
  id=$(field "$spec" 1)
  deadline=$((SECONDS + start_timeout))
  while ! grep -q "node $id (.*) ready" "$logs/$id.log" 2>/dev/null; do
    if ! ours "$(pid_of "$id")" "$id" || [ $SECONDS -ge $deadline ]; then
      echo "node $id did not start; last lines of $logs/$id.log:" >&2
      tail -n 30 "$logs/$id.log" >&2 || true
      return 1
    fi
    sleep 0.2
  done
  for port in $(echo "$(field "$spec" 5)" | grep -oE -- '--(port|http-port|echo-port|tls-port|ws-port) [1-9][0-9]*' | awk '{print $2}'); do
    until accepts "$port"; do
      [ $SECONDS -lt $deadline ] || { echo "node $id does not accept on port $port" >&2; return 1; }
      sleep 0.2
    done
  done
  echo "  $id ($(field "$spec" 2)) ready"
}

start() {
  local ha=0
  case "${1:-}" in
    --ha) ha=1 ;;
    "") ;;
    *) echo "usage: $0 start [--ha]" >&2; exit 2 ;;
  esac
  if [ $ha = 1 ]; then require_shared_store "start --ha"; fi
  [ -f "$jar" ] || { echo "no launcher jar at $jar: build it first with 'mvn -B -q -DskipTests package'" >&2; exit 1; }
  mkdir -p "$logs" "$run" "$data"
  while read -r spec; do
    [ -n "$spec" ] || continue
    id=$(field "$spec" 1)
    if ours "$(pid_of "$id")" "$id"; then
      echo "node $id is already running (pid $(pid_of "$id")); run '$0 stop' first" >&2
      exit 1
    fi
  done < <(all_specs)
  # Nothing runs: added nodes left from a cluster that was not stopped are forgotten (start makes a new cluster).
  rm -f "$run"/*.spec
  # The auth-nodes' token key: made once, kept with the data so tokens outlive a restart. Environment only, so
  # it shows in no process list.
  if [ ! -s "$data/token-secret" ]; then
    (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n/+=' > "$data/token-secret")
  fi
  # A cluster name of its own, made once and kept with the data: another local cluster (another offset, another
  # directory) or a stray node cannot join this one by accident.
  if [ ! -s "$data/cluster-name" ]; then
    echo "clusterchat-local-$(head -c 12 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 12)" > "$data/cluster-name"
  fi
  # Event-bus TLS: a CA of this cluster and one certificate for 127.0.0.1 that every node shows, made once by the
  # launcher itself (no openssl needed). A process without it cannot put messages on this cluster's event bus.
  if [ ! -s "$tls/ca.pem" ] || [ ! -s "$tls/node.pem" ] || [ ! -s "$tls/node-key.pem" ]; then
    rm -f "$tls/node.pem" "$tls/node-key.pem"
    "$java" -Xmx256m -jar "$jar" certs --dir "$tls" --name node --host 127.0.0.1 --host localhost > /dev/null
  fi
  # Client TLS: a CA of its own (not the event bus's: clients trust this one only) and the gateways' certificate
  # for 127.0.0.1 and localhost; clients trust client-tls/ca.pem (openssl s_client -CAfile, client --trust).
  if [ ! -s "$client_tls/ca.pem" ] || [ ! -s "$client_tls/gateway.pem" ] || [ ! -s "$client_tls/gateway-key.pem" ]; then
    rm -f "$client_tls/gateway.pem" "$client_tls/gateway-key.pem"
    "$java" -Xmx256m -jar "$jar" certs --dir "$client_tls" --name gateway --host 127.0.0.1 --host localhost > /dev/null
  fi
  # The coordinator's admin token, made the same way; the dashboard asks for it.
  if [ ! -s "$data/admin-token" ]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr -d '\n/+=' > "$data/admin-token")
  fi
  echo "starting clusterchat on 127.0.0.1 (logs in $logs; admin token in $data/admin-token)"
  # The data members first: the others join through them. With --ha, the second coordinator and session-store
  # among them, and a second auth-node with the rest (added nodes: run/<id>.spec, ports after the fixed ones).
  local data_members=("${nodes[0]}" "${nodes[1]}") others=("${nodes[@]:2}")
  if [ $ha = 1 ]; then
    data_members+=("$(add_spec coordinator)" "$(add_spec session-store)")
    others+=("$(add_spec auth-node)" "$(add_spec persistence-node)")
  fi
  for spec in "${data_members[@]}"; do launch "$spec"; done
  for spec in "${data_members[@]}"; do await_ready "$spec" || { stop >/dev/null; exit 1; }; done
  for spec in "${others[@]}"; do launch "$spec"; done
  for spec in "${others[@]}"; do await_ready "$spec" || { stop >/dev/null; exit 1; }; done
  echo "clusterchat is up: gateways bj 127.0.0.1:$((9001 + off)) (TLS $((9443 + off)), ws://127.0.0.1:$((9091 + off))/ws, echo service $([ "$echo_port" = 0 ] && echo off || echo "$echo_port")), sh 127.0.0.1:$((9002 + off)) (TLS $((9444 + off)), ws://127.0.0.1:$((9092 + off))/ws); clients trust $client_tls/ca.pem; coordinator http://127.0.0.1:$((8080 + off))/ (dashboard; admin token in $data/admin-token)"
  if [ $ha = 1 ]; then
    echo "high availability: coordinator-2 http://127.0.0.1:$(field "${data_members[2]}" 5 | grep -oE -- '--http-port [0-9]+' | awk '{print $2}')/, session-store-2, auth-2, persistence-2 (ports: '$0 status')"
  fi
}

# Writes the spec of one more node of ROLE (the next free id and ports) to run/ and prints it; starts nothing.
add_spec() {
  local spec
  spec=$(new_spec "$1")
  echo "$spec" > "$run/$(field "$spec" 1).spec"
  echo "$spec"
}

# An added node's slot k: cluster port 5706+k and metrics port 9105+k, the first k no node has yet.
next_slot() {
  local k=1
  while all_specs | cut -d'|' -f4 | grep -qx "$((5706 + k + off))"; do k=$((k + 1)); done
  echo "$k"
}

# The first id PREFIX<n>, from n = FIRST on, that no node has.
next_id() {
  local prefix=$1 n=$2
  while all_specs | grep -q "^$prefix$n|"; do n=$((n + 1)); done
  echo "$prefix$n"
}

# The first port from FIRST on that no node's OPTION (--port, --http-port) has.
next_port() {
  local option=$1 port=$2
  while all_specs | grep -qE -- "(^|[| ])$option $port( |$)"; do port=$((port + 1)); done
  echo "$port"
}

# The spec line of one more node of ROLE (REGION for a gateway): the next free id and ports.
new_spec() {
  local role=$1 region=${2:-} k id
  k=$(next_slot)
  case "$role" in
    gateway)
      id=$(next_id "gw-$region-" 1)
      echo "$id|gateway|512m|$((5706 + k + off))|--region $region --host 127.0.0.1 --public-host 127.0.0.1 --port $(next_port --port $((9003 + off))) --tls-port $(next_port --tls-port $((9445 + off))) --ws-port $(next_port --ws-port $((9093 + off))) --ws-origins $ws_origins --echo-port 0 --metrics-port $((9105 + k + off))" ;;
    coordinator)
      id=$(next_id coordinator- 2)
      echo "$id|coordinator|256m|$((5706 + k + off))|--http-host 127.0.0.1 --http-port $(next_port --http-port $((coordinator_http + 1))) --metrics-port $((9105 + k + off))" ;;
    session-store)
      echo "$(next_id session-store- 2)|session-store|256m|$((5706 + k + off))|--metrics-port $((9105 + k + off))" ;;
    auth-node)
      echo "$(next_id auth- 2)|auth-node|256m|$((5706 + k + off))|--metrics-port $((9105 + k + off))" ;;
    persistence-node)
      echo "$(next_id persistence- 2)|persistence-node|384m|$((5706 + k + off))|--metrics-port $((9105 + k + off))" ;;
  esac
}

# Starts one more node of ROLE (REGION for a gateway) in the running cluster and waits until it is ready.
add_node() {
  local role=$1 region=${2:-} spec id
  require_run_dir
  spec=$(new_spec "$role" "$region")
  id=$(field "$spec" 1)
  # The spec first, so stop and status know the node.
  echo "$spec" > "$run/$id.spec"
  launch "$spec"
  await_ready "$spec" || { rm -f "$run/$id.spec"; exit 1; }
  case "$role" in
    gateway) echo "gateway $id (region $region) accepts on 127.0.0.1:$(echo "$spec" | grep -oE -- '--port [0-9]+' | awk '{print $2}') (TLS $(echo "$spec" | grep -oE -- '--tls-port [0-9]+' | awk '{print $2}'), ws://127.0.0.1:$(echo "$spec" | grep -oE -- '--ws-port [0-9]+' | awk '{print $2}')/ws)" ;;
    coordinator) echo "coordinator $id answers on http://127.0.0.1:$(echo "$spec" | grep -oE -- '--http-port [0-9]+' | awk '{print $2}')/" ;;
    *) echo "$role $id joined the cluster" ;;
  esac
}

# Scales a region out by one gateway: the next free id of that region, the next ports after the other nodes.
add_gateway() {
  local region=${1:-}
  # Safe in a file name; the gateway itself checks that it is a region.
  [[ "$region" =~ ^[a-z0-9-]+$ ]] || { echo "usage: $0 add-gateway REGION" >&2; exit 2; }
  add_node gateway "$region"
}

# Several persistence-nodes share one store only in a database server: the embedded H2 file opens in one process.
require_shared_store() {
  [ -n "${CLUSTERCHAT_JDBC_URL:-}" ] || { echo "$1 runs more than one persistence-node: they need a shared PostgreSQL store (the embedded H2 file opens in one process only). Set CLUSTERCHAT_JDBC_URL (and CLUSTERCHAT_DB_USER, CLUSTERCHAT_DB_PASSWORD), e.g. CLUSTERCHAT_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/clusterchat; see docs/operations.md" >&2; exit 2; }
}

data_role() { [ "$1" = coordinator ] || [ "$1" = session-store ]; }

require_run_dir() {
  [ -d "$run" ] || { echo "no local cluster was started from $home (no run/ folder there): run this from the directory you started it in, or set CLUSTERCHAT_HOME" >&2; exit 1; }
}

stop() {
  require_run_dir
  local order=() id pid i spec
  # Gateways and the other lite members first (added ones, then the fixed ones, newest first), the data members
  # last in the same order, so the cluster stays whole while it shrinks.
  local specs=()
  while read -r spec; do [ -n "$spec" ] && specs+=("$spec"); done < <(extra_specs)
  for ((i = ${#nodes[@]} - 1; i >= 0; i--)); do specs+=("${nodes[$i]}"); done
  for spec in "${specs[@]}"; do data_role "$(field "$spec" 2)" || order+=("$(field "$spec" 1)"); done
  for spec in "${specs[@]}"; do data_role "$(field "$spec" 2)" && order+=("$(field "$spec" 1)"); done
  for id in "${order[@]}"; do
    pid=$(pid_of "$id")
    if ours "$pid" "$id"; then
      kill -TERM "$pid"
      for _ in $(seq 1 150); do alive "$pid" || break; sleep 0.2; done
      if alive "$pid"; then
        echo "  $id (pid $pid) did not stop in 30 s: killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
      fi
      echo "  $id stopped"
      rm -f "$run/$id.pid"
    elif [ -n "$pid" ]; then
      echo "  $id was not running (stale pid $pid)"
      rm -f "$run/$id.pid"
    fi
    rm -f "$run/$id.spec"
  done
}

# A node's ports, e.g. "cluster 5707, http 8081, metrics 9106".
ports() {
  local spec=$1 listed
  listed=$(field "$spec" 5 | grep -oE -- '--(port|tls-port|ws-port|http-port|echo-port|metrics-port) [1-9][0-9]*' \
    | sed -e 's/^--port /client /' -e 's/^--tls-port /tls /' -e 's/^--ws-port /ws /' -e 's/^--http-port /http /' \
      -e 's/^--echo-port /echo /' -e 's/^--metrics-port /metrics /' | paste -sd, - | sed 's/,/, /g')
  echo "cluster $(field "$spec" 4)${listed:+, $listed}"
}

status() {
  require_run_dir
  local any=1 id pid spec
  while read -r spec; do
    [ -n "$spec" ] || continue
    id=$(field "$spec" 1); pid=$(pid_of "$id")
    if ours "$pid" "$id"; then
      printf '%-16s %-17s pid %-8s %-76s running\n' "$id" "$(field "$spec" 2)" "$pid" "$(ports "$spec")"; any=0
    else
      printf '%-16s %-17s %-12s %-76s stopped\n' "$id" "$(field "$spec" 2)" "" "$(ports "$spec")"
    fi
  done < <(printf '%s\n' "${nodes[@]}"; extra_specs)
  return $any
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop ;;
  status) status ;;
  add-gateway) add_gateway "${2:-}" ;;
  add-coordinator) add_node coordinator ;;
  add-session-store) add_node session-store ;;
  add-auth) add_node auth-node ;;
  add-persistence) require_shared_store add-persistence; add_node persistence-node ;;
  *) echo "usage: $0 start [--ha]|stop|status|add-gateway REGION|add-coordinator|add-session-store|add-auth|add-persistence" >&2
     exit 2 ;;
esac

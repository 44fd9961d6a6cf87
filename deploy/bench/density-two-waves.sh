#!/usr/bin/env bash
# usage: density-two-waves.sh LABEL JAR [extra JVM opts...]
# Adds one gateway (JAR, 1 GB heap pre-touched) to a local cluster already running (deploy/local-cluster.sh start
# with CLUSTERCHAT_HOME=$CLUSTER_HOME and CLUSTERCHAT_PORT_OFFSET=$PORT_OFFSET), then opens two waves of COUNT
# logged-in connections (loadgen connections, RESUME of USERS accounts) and measures heap after a full GC, the
# resident set and a class histogram before and after each wave. The second wave's figures are the marginal cost of
# a connection: the first also pays one-time growth (JIT code, buffers sized by the RESUME burst).
# Results in $RESULTS/LABEL. See docs/bench/density-notes.md.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
home=${CLUSTER_HOME:?set CLUSTER_HOME to the CLUSTERCHAT_HOME of the running cluster}
results=${RESULTS:-$PWD/density-results}
loadgen_jar=${LOADGEN_JAR:-$root/deploy/target/clusterchat.jar}
label=$1 jar=$2; shift 2
extra="$*"
out=$results/$label; rm -rf "$out"; mkdir -p "$out"
export CLUSTERCHAT_HOME=$home CLUSTERCHAT_PORT_OFFSET=${PORT_OFFSET:-4000} \
  CLUSTERCHAT_RATE_LIMIT=1000000 CLUSTERCHAT_RATE_BURST=1000000 CLUSTERCHAT_ABUSE_LIMIT=1000000 CLUSTERCHAT_REGISTER_LIMIT=1000000
count=${COUNT:-5000}; users=${USERS:-100}
# Heap after a full GC, in bytes (the used columns of jstat -gc), and the resident set, as bench.sh measures them.
# Heap after a full GC, in bytes (the used columns of jstat -gc), and the resident set, as bench.sh measures them.
heap_used() {
  jcmd "$1" GC.run >/dev/null; sleep 2
  jstat -gc "$1" | awk 'NR==1 { for (i = 1; i <= NF; i++) col[$i] = i }
    NR==2 { print int(($col["S0U"] + $col["S1U"] + $col["EU"] + $col["OU"]) * 1024) }'
}
rss() { awk '/^VmRSS/ { print $2 * 1024 }' "/proc/$1/status"; }
lgs=()
cleanup() { for p in "${lgs[@]}"; do kill -TERM "$p" 2>/dev/null; done; [ -n "${pid:-}" ] && kill -TERM "$pid" 2>/dev/null; rm -f "${pidfile:-/nonexistent}"; }
trap cleanup EXIT
wave() { # n: opens COUNT connections (retrying registration), holds them
  local n=$1 try
  for try in 1 2 3; do
    java -Xms512m -Xmx1g -Djava.net.preferIPv4Stack=true -jar "$loadgen_jar" loadgen connections \
      --target "127.0.0.1:$port" --count "$count" --users "$users" --login-concurrency "${LOGIN_CONCURRENCY:-2}" \
      --prefix "$label$n$RANDOM" --heartbeat 30 --warmup 0 \
      --duration 400 --out "$out/connections$n.json" > "$out/loadgen$n.log" 2>&1 &
    local lg=$!
    until grep -q '^holding ' "$out/loadgen$n.log"; do
      kill -0 $lg 2>/dev/null || break; sleep 1
    done
    if grep -q '^holding ' "$out/loadgen$n.log"; then lgs+=($lg); grep -E '^holding' "$out/loadgen$n.log"; return 0; fi
    echo "wave $n try $try: $(tail -1 "$out/loadgen$n.log")"; sleep 5
  done
  return 1
}
measure() { # tag -> heap rss
  sleep 10
  local h r; h=$(heap_used "$pid"); r=$(rss "$pid")
  jcmd "$pid" GC.class_histogram > "$out/histo-$1.txt"
  echo "$h $r"
}
before=$(ls $home/run/*.pid)
CLUSTERCHAT_JAR=$jar CLUSTERCHAT_JAVA_OPTS="-Xms1g -Xmx1g -XX:+AlwaysPreTouch $extra" \
  nice $root/deploy/local-cluster.sh add-gateway bj > "$out/add.log" 2>&1
port=$(grep -o 'accepts on 127.0.0.1:[0-9]*' "$out/add.log" | cut -d: -f2)
pidfile=$(comm -13 <(echo "$before") <(ls $home/run/*.pid))
pid=$(cat "$pidfile"); echo "$label: gateway pid $pid port $port, JVM extra: $extra"
read -r h0 r0 < <(measure 0)
wave 1 || exit 1
read -r h1 r1 < <(measure 1)
wave 2 || exit 1
read -r h2 r2 < <(measure 2)
fds=$(ls "/proc/$pid/fd" | wc -l)
python3 - "$count" "$h0" "$r0" "$h1" "$r1" "$h2" "$r2" "$fds" <<'PY' | tee "$out/result.txt"
import sys
c, h0, r0, h1, r1, h2, r2, fds = map(int, sys.argv[1:])
print(f'wave 1 ({c}): heap {(h1-h0)/c:.0f} B/conn, native {(r1-r0)/c:.0f} B/conn, total {(h1-h0+r1-r0)/c:.0f}')
print(f'wave 2 ({c} more): heap {(h2-h1)/c:.0f} B/conn, native {(r2-r1)/c:.0f} B/conn, total {(h2-h1+r2-r1)/c:.0f}')
print(f'both ({2*c}): heap {(h2-h0)/(2*c):.0f} B/conn, native {(r2-r0)/(2*c):.0f} B/conn, total {(h2-h0+r2-r0)/(2*c):.0f}; open files {fds}')
print(f'raw: heap {h0} {h1} {h2} rss {r0} {r1} {r2}')
PY
python3 $root/deploy/bench/histogram_diff.py "$out/histo-0.txt" "$out/histo-1.txt" "$count" 30 > "$out/histo-diff1.txt"
python3 $root/deploy/bench/histogram_diff.py "$out/histo-1.txt" "$out/histo-2.txt" "$count" 30 > "$out/histo-diff2.txt"

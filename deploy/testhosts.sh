#!/usr/bin/env bash
# Test hosts made of Linux network namespaces: N "machines" with addresses of their own on one bridge, to run the
# README's multi-host commands on one machine, cut a host off the network, and kill or freeze its processes.
#
#   deploy/testhosts.sh up N                  namespaces cch1..cchN; host k is 10.0.0.k/24 on its own veth, every
#                                             veth in the bridge ccbr0 (10.0.0.254/24, so this machine reaches them)
#   deploy/testhosts.sh run HOST NAME CMD...  runs CMD on HOST in the background (cwd: the host's directory), logs
#                                             to NAME.log there, records its pid in NAME.pid; prints the pid
#   deploy/testhosts.sh exec HOST CMD...      runs CMD on HOST in the foreground (cwd: the host's directory)
#   deploy/testhosts.sh cut HOST | heal HOST  takes the host's link down (nothing in or out) / up again
#   deploy/testhosts.sh kill HOST [NAME [SIGNAL]]   signals (default TERM) what 'run' started there, by recorded pid
#   deploy/testhosts.sh freeze HOST [NAME] | thaw HOST [NAME]   SIGSTOP / SIGCONT, by recorded pid
#   deploy/testhosts.sh dir HOST              prints the host's directory
#   deploy/testhosts.sh check                 checks that every host's address is routed through ccbr0
#   deploy/testhosts.sh status                hosts, links, processes
#   deploy/testhosts.sh down                  stops every process in the namespaces (by pid), deletes the
#                                             namespaces, veths and the bridge; safe to run twice
#
# HOST is k, cchk or 10.0.0.k. Needs root, Linux and iproute2. Files go under TESTHOSTS_HOME (default
# /tmp/clusterchat-testhosts): one directory per host, cch<k>/, with its logs and pid files.
# Safety: only 10.0.0.0/24 and loopback are used. Before 'up' the script refuses to run when 10.0.0.0/24 is already
# someone's network here; after it, every host's route must go through ccbr0. The namespaces have no default route,
# so nothing started on a test host reaches beyond the bridge.
set -euo pipefail

home=${TESTHOSTS_HOME:-/tmp/clusterchat-testhosts}
bridge=ccbr0
prefix=10.0.0
bridge_ip=$prefix.254
max_hosts=253
exec_timeout=${TESTHOSTS_EXEC_TIMEOUT:-300}
stop_seconds=${TESTHOSTS_STOP_SECONDS:-20}

die() { echo "testhosts: $*" >&2; exit 1; }

require() {
  [ "$(uname -s)" = Linux ] || die "needs Linux (network namespaces)"
  [ "$(id -u)" = 0 ] || die "needs root (it makes network namespaces, veths and a bridge): run it with sudo"
  command -v ip > /dev/null || die "needs iproute2 (the 'ip' command): apt-get install iproute2"
  ip netns list > /dev/null 2>&1 || die "'ip netns' does not work here (no network namespace support?)"
}

# The namespace of a host given as k, cchk or 10.0.0.k.
ns_of() {
  local h=$1 k
  case "$h" in
    cch[0-9]*) k=${h#cch} ;;
    "$prefix".[0-9]*) k=${h#"$prefix".} ;;
    [0-9]*) k=$h ;;
    *) die "not a test host: '$h' (give k, cchk or $prefix.k)" ;;
  esac
  [[ "$k" =~ ^[1-9][0-9]{0,2}$ ]] && [ "$k" -le "$max_hosts" ] || die "not a test host: '$h'"
  echo "cch$k"
}

# No 'cmd | grep -q' here: with pipefail, grep quitting early (SIGPIPE to cmd) would read as "no match".
exists() { grep -qx "$1" <<< "$(ip netns list | awk '{print $1}')"; }

host_ns() {
  local ns
  ns=$(ns_of "$1")
  exists "$ns" || die "no test host $ns (run 'up' first)"
  echo "$ns"
}

our_namespaces() { ip netns list | awk '{print $1}' | grep -E '^cch[0-9]+$' || true; }

# Every host's address must be routed through the bridge, never through the machine's real network.
check_route() {
  local addr=$1 route
  route=$(ip route get "$addr" 2>/dev/null || true)
  [[ "$route" == *" dev $bridge "* ]] || die "refusing: $addr is not routed through $bridge (ip route get: ${route:-none})"
}

check() {
  local ns k n=0
  for ns in $(our_namespaces); do
    k=${ns#cch}
    check_route "$prefix.$k"
    n=$((n + 1))
  done
  [ "$n" -gt 0 ] || die "no test hosts are up"
  echo "routes to $n test hosts go through $bridge"
}

up() {
  local n=${1:-} k ns
  [[ "$n" =~ ^[1-9][0-9]{0,2}$ ]] && [ "$n" -le "$max_hosts" ] || die "usage: $0 up N (1 to $max_hosts hosts)"
  if ip link show "$bridge" > /dev/null 2>&1 || [ -n "$(our_namespaces)" ]; then
    die "test hosts are up already (or were left behind): run '$0 down' first"
  fi
  # 10.0.0.0/24 must be nobody's network on this machine before we take it.
  if grep -q "inet $prefix\." <<< "$(ip -4 addr show)" || [ -n "$(ip route show "$prefix.0/24")" ] \
     || grep -qE "^$prefix\." <<< "$(ip route show)"; then
    die "refusing: $prefix.0/24 is in use on this machine already"
  fi
  mkdir -p "$home"
  ip link add "$bridge" type bridge
  sysctl -qw "net.ipv6.conf.$bridge.disable_ipv6=1" 2>/dev/null || true
  ip addr add "$bridge_ip/24" dev "$bridge"
  ip link set "$bridge" up
  for k in $(seq 1 "$n"); do
    ns=cch$k
    ip netns add "$ns"
    ip link add "ccv$k" type veth peer name "ccn$k"
    ip link set "ccn$k" netns "$ns"
    sysctl -qw "net.ipv6.conf.ccv$k.disable_ipv6=1" 2>/dev/null || true
    ip link set "ccv$k" master "$bridge"
    ip link set "ccv$k" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$prefix.$k/24" dev "ccn$k"
    ip -n "$ns" link set "ccn$k" up
    mkdir -p "$home/$ns"
  done
  check > /dev/null
  echo "$n test hosts up: $prefix.1 to $prefix.$n (namespaces cch1..cch$n, bridge $bridge $bridge_ip)"
}

# A pid is ours when it lives and runs in that host's namespace (a recycled pid would not).
ours() {
  local pid=$1 ns=$2
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && [ "$(ip netns identify "$pid" 2>/dev/null)" = "$ns" ]
}

valid_name() { [[ "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ ]] || die "bad process name '$1'"; }

run() {
  [ $# -ge 3 ] || die "usage: $0 run HOST NAME CMD..."
  local ns name=$2 dir pid
  ns=$(host_ns "$1"); valid_name "$name"; shift 2
  dir=$home/$ns
  mkdir -p "$dir"
  if ours "$(cat "$dir/$name.pid" 2>/dev/null || true)" "$ns"; then
    die "$name is running on $ns already (pid $(cat "$dir/$name.pid"))"
  fi
  # The log exists once this returns; ip netns exec, setsid and bash all exec: the pid recorded is the command's own.
  : > "$dir/$name.log"
  ip netns exec "$ns" setsid bash -c 'cd "$1" && shift && exec "$@"' _ "$dir" "$@" \
    >> "$dir/$name.log" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$dir/$name.pid"
  echo "$pid"
}

exec_on() {
  [ $# -ge 2 ] || die "usage: $0 exec HOST CMD..."
  local ns dir
  ns=$(host_ns "$1"); shift
  dir=$home/$ns
  mkdir -p "$dir"
  timeout "$exec_timeout" ip netns exec "$ns" bash -c 'cd "$1" && shift && exec "$@"' _ "$dir" "$@"
}

link() {
  local ns k
  ns=$(host_ns "$1"); k=${ns#cch}
  ip link set "ccv$k" "$2"
  echo "$ns ($prefix.$k): link $2"
}

# The pid files of a host, or of one name there.
pid_files() {
  local dir=$home/$1
  if [ -n "${2:-}" ]; then
    echo "$dir/$2.pid"
  else
    ls "$dir"/*.pid 2>/dev/null || true
  fi
}

# Fails unless NAME (when given) was started on the host.
started() {
  [ -z "${2:-}" ] && return 0
  valid_name "$2"
  [ -f "$home/$1/$2.pid" ] || die "nothing called $2 was started on $1"
}

signal() {
  local ns sig=$3 f pid
  ns=$(host_ns "$1")
  started "$ns" "${2:-}"
  for f in $(pid_files "$ns" "${2:-}"); do
    pid=$(cat "$f")
    if ours "$pid" "$ns"; then
      kill -s "$sig" "$pid"
      echo "$ns: $(basename "$f" .pid) (pid $pid) sent SIG$sig"
    else
      echo "$ns: $(basename "$f" .pid) (pid $pid) is not running"
    fi
  done
}

# Waits (bounded) until the pid is gone.
await_exit() {
  local pid=$1 i
  for ((i = 0; i < stop_seconds * 5; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  return 1
}

kill_cmd() {
  local ns=${1:-} name=${2:-} sig=${3:-TERM} f pid
  [ -n "$ns" ] || die "usage: $0 kill HOST [NAME [SIGNAL]]"
  ns=$(host_ns "$ns")
  [[ "$sig" =~ ^[A-Z0-9]+$ ]] || die "bad signal '$sig' (e.g. TERM, KILL, 9)"
  signal "$ns" "$name" "$sig"
  if [ "$sig" = TERM ] || [ "$sig" = KILL ] || [ "$sig" = 9 ] || [ "$sig" = 15 ]; then
    for f in $(pid_files "$ns" "$name"); do
      pid=$(cat "$f")
      await_exit "$pid" || echo "$ns: $(basename "$f" .pid) (pid $pid) still runs after ${stop_seconds} s" >&2
    done
  fi
}

# Stops every process in a namespace by pid: TERM, a bounded wait, then KILL. Thaws frozen ones first.
stop_namespace() {
  local ns=$1 pid pids
  pids=$(ip netns pids "$ns" 2>/dev/null || true)
  [ -n "$pids" ] || return 0
  for pid in $pids; do kill -CONT "$pid" 2>/dev/null || true; kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $pids; do
    if ! await_exit "$pid"; then
      echo "$ns: pid $pid did not stop on SIGTERM in ${stop_seconds} s: killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      await_exit "$pid" || echo "$ns: pid $pid survives SIGKILL" >&2
    fi
  done
}

down() {
  local ns k
  for ns in $(our_namespaces); do
    stop_namespace "$ns"
    ip netns del "$ns"
    rm -f "$home/$ns"/*.pid
  done
  # Veths go with their namespace; the bridge side of a half-made one may be left.
  for k in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E '^ccv[0-9]+$' || true); do
    ip link del "$k" 2>/dev/null || true
  done
  if ip link show "$bridge" > /dev/null 2>&1; then ip link del "$bridge"; fi
  [ -z "$(ip route show "$prefix.0/24")" ] || die "a route to $prefix.0/24 is left: $(ip route show "$prefix.0/24")"
  echo "test hosts down"
}

status() {
  local ns k f pid state any=0
  if ! ip link show "$bridge" > /dev/null 2>&1; then echo "no test hosts (bridge $bridge absent)"; return 1; fi
  for ns in $(our_namespaces | sort -V); do
    k=${ns#cch}; any=1
    state=cut
    if grep -q 'state UP' <<< "$(ip -o link show "ccv$k" 2>/dev/null)"; then state=up; fi
    echo "$ns $prefix.$k link $state"
    for f in $(ls "$home/$ns"/*.pid 2>/dev/null || true); do
      pid=$(cat "$f")
      if ours "$pid" "$ns"; then
        [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = T ] && state=frozen || state=running
      else
        state=stopped
      fi
      printf '  %-20s pid %-8s %s\n' "$(basename "$f" .pid)" "$pid" "$state"
    done
  done
  [ "$any" = 1 ]
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  up) require; up "$@" ;;
  run) require; run "$@" ;;
  exec) require; exec_on "$@" ;;
  cut) require; [ $# -eq 1 ] || die "usage: $0 cut HOST"; link "$1" down ;;
  heal) require; [ $# -eq 1 ] || die "usage: $0 heal HOST"; link "$1" up ;;
  kill) require; kill_cmd "$@" ;;
  freeze) require; [ $# -ge 1 ] || die "usage: $0 freeze HOST [NAME]"; signal "$1" "${2:-}" STOP ;;
  thaw) require; [ $# -ge 1 ] || die "usage: $0 thaw HOST [NAME]"; signal "$1" "${2:-}" CONT ;;
  dir) [ $# -eq 1 ] || die "usage: $0 dir HOST"; echo "$home/$(ns_of "$1")" ;;
  check) require; check ;;
  status) require; status ;;
  down) require; down ;;
  *) echo "usage: $0 up N | run HOST NAME CMD... | exec HOST CMD... | cut HOST | heal HOST |" \
       "kill HOST [NAME [SIGNAL]] | freeze HOST [NAME] | thaw HOST [NAME] | dir HOST | check | status | down" >&2
     exit 2 ;;
esac

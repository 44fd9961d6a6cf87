#!/usr/bin/env bash
# The fault suite (FaultSuiteIT) on test hosts: a cluster in the HA layout on thirteen network-namespace hosts
# (deploy/testhosts.sh), continuous traffic with idempotent retries, one fault per case, and a check of every inbox,
# WHO and dispatch afterwards. Results: deploy/target/fault-suite.md (the table of docs/reliability.md).
#
#   deploy/faults.sh          the full set (every case, about 15 minutes)
#   deploy/faults.sh short    the short set CI runs (the frozen persistence-node)
#   deploy/faults.sh only TEXT   the cases whose names contain TEXT (e.g. "persistence-node")
#
# Needs Linux, root and iproute2 (as testhosts.sh), PostgreSQL's server binaries (/usr/lib/postgresql/*/bin: it
# runs a PostgreSQL of its own on a test host), Java 17 and Maven with its cache. Takes the test hosts down at
# the end, failed or not; waits (up to 15 minutes) while another run has them up.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
set=${1:-full}
case "$set" in
  full|short) ;;
  only) set=${2:-}; [ -n "$set" ] && [ "$set" != full ] && [ "$set" != short ] || { echo "usage: $0 only TEXT" >&2; exit 2; } ;;
  *) echo "usage: $0 [full|short|only TEXT]" >&2; exit 2 ;;
esac
cd "$here/.."
mvn -B ${MAVEN_OFFLINE:+-o} verify -pl deploy -am -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dit.test=FaultSuiteIT -Dclusterchat.faults="$set" && status=0 || status=$?
echo "results: $here/target/fault-suite.md (log: $here/target/failsafe-reports/io.clusterchat.deploy.FaultSuiteIT-output.txt)"
exit $status

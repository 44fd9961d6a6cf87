#!/usr/bin/env bash
# Fuzzes the protocol codec with Jazzer (coverage-guided, through JUnit): each target gets RUNS inputs (default
# 1000000), stops at the first finding (saved under protocol/src/test/resources/.../<Test>Inputs/, where every
# later build replays it) and prints libFuzzer's "Done <n> runs" line per target.
#   deploy/fuzz.sh [RUNS]
# Run from the project root after a build (mvn -B -q -DskipTests package); CI runs a short pass.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000000}
targets=(
  "FrameParserFuzzTest#framesAsTheProtocolSays"
  "RequestDecoderFuzzTest#anyLineIsOneRequestAnsweredInItsSpelling"
  "RequestDecoderFuzzTest#anyJsonObjectIsOneRequestAnsweredInJson"
)
logs=protocol/target/fuzz
mkdir -p "$logs"
for target in "${targets[@]}"; do
  log="$logs/${target//#/.}.log"
  # One target per JVM: the JUnit integration fuzzes one test per run. -runs bounds the run by inputs, not time,
  # so results compare across machines; @FuzzTest's maxDuration stays the upper bound.
  JAZZER_FUZZ=1 mvn -B -q -o test -pl protocol -Dcheckstyle.skip -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-runs="$runs" > "$log" 2>&1 || {
      echo "FAIL $target: see $log and protocol/target/surefire-reports" >&2; exit 1; }
  echo "$target: $(grep -a "^Done [0-9]* runs" "$log" | tail -1)"
done

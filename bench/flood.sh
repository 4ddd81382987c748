#!/usr/bin/env bash
# INVITE flood benchmark (issue 9 §2): SIPp floods the bridge with new INVITEs from 127.0.0.1 at
# --rate per second for --seconds, while bench/flood_probe.py dials in legitimately from 127.0.0.2
# (--calls calls, each: INVITE->200 setup time, then whether it hears hold music in the lobby) and
# probes OPTIONS every 100 ms from 127.0.0.3. The bridge runs with its default flood limits
# (limits.*: 20 INVITEs/s per source, burst 40; 1000/s overall), unlike bench/run.sh. SIPp runs with
# -nr (no retransmissions), as flood tools do: an unanswered INVITE is not sent again.
#
#   bench/flood.sh [--rate 5000] [--seconds 10] [--calls 10] [--warmup-calls 3] [--jar PATH] [--build] [--sip-port 16060]
#
# Before the flood, --warmup-calls legitimate calls (not counted) warm the freshly started JVM: a bridge
# under attack has been running, and without them the first legitimate call measured the JIT compiling
# the call path (one call of ten at 170-240 ms, the other nine at 2-50 ms, on a 2-core machine).
#
# Required: the legitimate calls' setup p99 < 200 ms, every one hears hold music, OPTIONS answered
# throughout. Also reported: the bridge's CPU (% of one core) during the flood, SIPp's achieved rate and
# how many of its INVITEs got 503. Raw outputs go to bench/results/flood-<timestamp>/.

set -u -o pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
JAR="$REPO_DIR/bridge-server/target/bridge.jar"
BUILD=no
RATE=5000
SECONDS_OF_FLOOD=10
CALLS=10
WARMUP_CALLS=3
SIP_PORT=16060
RTP_MIN=32000
RTP_MAX=33999
ADMIN_PORT=18490
JAVA_OPTS="-Xms512m -Xmx1g"

while [ $# -gt 0 ]; do
  case "$1" in
    --rate) RATE=$2; shift 2 ;;
    --seconds) SECONDS_OF_FLOOD=$2; shift 2 ;;
    --calls) CALLS=$2; shift 2 ;;
    --warmup-calls) WARMUP_CALLS=$2; shift 2 ;;
    --jar) JAR=$2; shift 2 ;;
    --build) BUILD=yes; shift ;;
    --sip-port) SIP_PORT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

RUN_DIR="$REPO_DIR/bench/results/flood-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$RUN_DIR"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

for tool in sipp java python3 ss; do
  command -v "$tool" >/dev/null || { log "missing $tool"; exit 2; }
done
if [ "$BUILD" = yes ]; then
  (cd "$REPO_DIR" && mvn -B -q -o package -DskipTests) || exit 2
fi
[ -f "$JAR" ] || { log "no bridge jar at $JAR (pass --build)"; exit 2; }

BRIDGE_PID=""
SIPP_PID=""
DATA=$(mktemp -d /tmp/flood-bridge-data.XXXXXX)
cleanup() {
  [ -n "$SIPP_PID" ] && kill "$SIPP_PID" 2>/dev/null
  if [ -n "$BRIDGE_PID" ]; then kill "$BRIDGE_PID" 2>/dev/null; wait "$BRIDGE_PID" 2>/dev/null; fi
  rm -rf "$DATA"
}
trap cleanup EXIT

log "starting bridge on SIP $SIP_PORT with the default flood limits"
BRIDGE_DATADIR="$DATA" BRIDGE_SIP_PORT="$SIP_PORT" BRIDGE_SIP_BINDADDRESS=127.0.0.1 \
BRIDGE_SIP_ADVERTISEDADDRESS=127.0.0.1 BRIDGE_RTP_BINDADDRESS=127.0.0.1 \
BRIDGE_RTP_PORTMIN="$RTP_MIN" BRIDGE_RTP_PORTMAX="$RTP_MAX" BRIDGE_SIP_TLS=false \
BRIDGE_ADMIN_PORT="$ADMIN_PORT" BRIDGE_ADMIN_BINDADDRESS=127.0.0.1 BRIDGE_IVR_ORGANIZERSTARWAITMS=500 \
  java $JAVA_OPTS -jar "$JAR" >"$RUN_DIR/bridge.log" 2>&1 &
BRIDGE_PID=$!
CONF_ID=""
for _ in $(seq 1 600); do
  kill -0 "$BRIDGE_PID" 2>/dev/null || { log "bridge exited"; tail -20 "$RUN_DIR/bridge.log" >&2; exit 1; }
  line=$(grep -a -m1 -E 'conference ID [0-9]+' "$RUN_DIR/bridge.log" || true)
  if [ -n "$line" ] && ss -Hlun "sport = :$SIP_PORT" | grep -q .; then
    CONF_ID=$(sed -E 's/.*conference ID ([0-9]+).*/\1/' <<<"$line"); break
  fi
  sleep 0.1
done
[ -n "$CONF_ID" ] || { log "bridge did not come up"; exit 1; }
log "bridge up (pid $BRIDGE_PID), conference ID $CONF_ID"

if [ "$WARMUP_CALLS" -gt 0 ]; then
  log "warm-up: $WARMUP_CALLS legitimate calls before the flood (not counted)"
  python3 "$BENCH_DIR/flood_probe.py" --port "$SIP_PORT" --conference "$CONF_ID" --calls "$WARMUP_CALLS" \
      --seconds 5 >"$RUN_DIR/warmup.json" 2>"$RUN_DIR/warmup.err" || log "warm-up calls failed (see warmup.err)"
fi

ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
HZ=$(getconf CLK_TCK)
TOTAL=$((RATE * SECONDS_OF_FLOOD))

log "flood: $RATE INVITE/s for $SECONDS_OF_FLOOD s ($TOTAL calls) from 127.0.0.1; legit calls from 127.0.0.2"
b0=$(ticks "$BRIDGE_PID"); t0=$(date +%s.%N)
(cd "$RUN_DIR" && exec timeout -s INT -k 10 $((SECONDS_OF_FLOOD + 20)) sipp "127.0.0.1:$SIP_PORT" -sn uac \
    -s "$CONF_ID" -i 127.0.0.1 -p 16100 -mi 127.0.0.1 -r "$RATE" -m "$TOTAL" -d 1000 -l 20000 -nr \
    -nostdin -trace_stat -stf flood.stat.csv -fd 1 -trace_screen -screen_file flood.screen.log \
    -timeout $((SECONDS_OF_FLOOD + 15)) -recv_timeout 5000 >flood.out 2>&1) &
SIPP_PID=$!
python3 "$BENCH_DIR/flood_probe.py" --port "$SIP_PORT" --conference "$CONF_ID" --calls "$CALLS" \
    --seconds "$SECONDS_OF_FLOOD" >"$RUN_DIR/probe.json" 2>"$RUN_DIR/probe.err"
b1=$(ticks "$BRIDGE_PID"); t1=$(date +%s.%N)
wait "$SIPP_PID"; SIPP_PID=""

cpu=$(awk -v b0="$b0" -v b1="$b1" -v t0="$t0" -v t1="$t1" -v hz="$HZ" 'BEGIN {printf "%.0f", 100 * (b1 - b0) / hz / (t1 - t0)}')
python3 - "$RUN_DIR" "$cpu" "$RATE" "$SECONDS_OF_FLOOD" <<'PY'
import csv, json, sys
run, cpu, rate, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
probe = json.load(open(run + "/probe.json"))
stats = {}
try:
    rows = list(csv.reader(open(run + "/flood.stat.csv"), delimiter=";"))
    head, last = rows[0], rows[-1]
    stats = dict(zip(head, last))
except Exception as e:  # SIPp may not have written stats
    stats = {}
def num(k):
    try: return int(float(stats.get(k, "0") or 0))
    except ValueError: return 0
created = num("TotalCallCreated")
bridge_log = open(run + "/bridge.log", errors="replace").read()
refused_lines = bridge_log.count(": 503 (")
ok = (probe["setup_ms_p99"] is not None and probe["setup_ms_p99"] < 200 and probe["answered"] == probe["legit_calls"]
      and probe["hold_music"] == probe["legit_calls"] and probe["options_answered"] == probe["options_sent"])
print("INVITE flood: %d/s target for %.0f s from 127.0.0.1 (SIPp created %d calls, %.0f/s; %d successful, %d failed)"
      % (rate, seconds, created, created / seconds, num("SuccessfulCall(C)"), num("FailedCall(C)")))
print("legitimate calls from 127.0.0.2: %d of %d answered, setup p99 %s ms (all: %s), %d of %d heard hold music"
      % (probe["answered"], probe["legit_calls"], probe["setup_ms_p99"], probe["setup_ms"], probe["hold_music"], probe["legit_calls"]))
print("OPTIONS every 100 ms from 127.0.0.3: %d of %d answered within 1 s (slowest %s ms)"
      % (probe["options_answered"], probe["options_sent"], probe["options_worst_ms"]))
print("bridge CPU during the flood: %s %% of one core; 503 log lines in the bridge log: %d (once a minute per source)" % (cpu, refused_lines))
print("RESULT: " + ("PASS" if ok else "FAIL") + " (setup p99 < 200 ms, hold music on every legit call, every OPTIONS answered)")
PY

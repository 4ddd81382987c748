#!/usr/bin/env bash
# SRTP lobby point: what SRTP costs the bridge per caller in CPU (SIPp cannot do SRTP).
#
#   bench/srtp_lobby.sh [--callers 500,1000] [--rate 200] [--settle 10] [--window 20] [--jar PATH]
#
# Starts the bridge jar on a temporary data directory (SIP/TLS on 15061, self-signed certificate),
# then for each N holds N silent callers in the demo meeting's lobby with bridge-bench's SrtpLobby
# tool (one SIP/TLS connection, one UDP socket per caller): first on plain RTP (RTP/AVP over TLS),
# then on SRTP (RTP/SAVP, SDES AES_CM_128_HMAC_SHA1_80), and reports the bridge process's CPU over
# the window (utime+stime from /proc) for both, and the difference per caller.
# All callers come from one address, so the bridge runs with the flood limits raised (limits.*), as in
# bench/run.sh. Needs: bridge-server/target/bridge.jar and bridge-bench/target/benchmarks.jar
#   (mvn -B -q -o package -DskipTests). Results: bench/results/srtp-<timestamp>/summary.md.
set -u -o pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$BENCH_DIR/.." && pwd)
JAR=$ROOT/bridge-server/target/bridge.jar
TOOL=$ROOT/bridge-bench/target/benchmarks.jar
CALLERS=500,1000
RATE=200
SETTLE=10
WINDOW=20
SIP_PORT=15060
TLS_PORT=15061
RTP_MIN=20000
RTP_MAX=29999
ADMIN_PORT=18480
JAVA_OPTS=${JAVA_OPTS:--Xms1g -Xmx2g}

while [ $# -gt 0 ]; do
  case $1 in
    --callers) CALLERS=$2; shift ;;
    --rate) RATE=$2; shift ;;
    --settle) SETTLE=$2; shift ;;
    --window) WINDOW=$2; shift ;;
    --jar) JAR=$2; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
for f in "$JAR" "$TOOL"; do
  [ -f "$f" ] || { echo "missing $f (build with: mvn -B -q -o package -DskipTests)" >&2; exit 1; }
done

RUN_DIR=$BENCH_DIR/results/srtp-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$RUN_DIR"
log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$RUN_DIR/run.log" >&2; }
HARD_NOFILE=$(ulimit -Hn)
if [ "$HARD_NOFILE" = unlimited ] || [ "$HARD_NOFILE" -ge 65536 ]; then ulimit -n 65536; else ulimit -n "$HARD_NOFILE"; fi

BRIDGE_PID=""
DATA=$(mktemp -d /tmp/bench-srtp-data.XXXXXX)
cleanup() {
  if [ -n "$BRIDGE_PID" ] && kill -0 "$BRIDGE_PID" 2>/dev/null; then
    kill "$BRIDGE_PID"; wait "$BRIDGE_PID" 2>/dev/null
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

log "starting bridge: SIP $SIP_PORT, TLS $TLS_PORT, RTP $RTP_MIN-$RTP_MAX, data $DATA"
# shellcheck disable=SC2086
BRIDGE_DATADIR="$DATA" BRIDGE_SIP_PORT="$SIP_PORT" BRIDGE_SIP_TLSPORT="$TLS_PORT" BRIDGE_SIP_BINDADDRESS=127.0.0.1 \
BRIDGE_SIP_ADVERTISEDADDRESS=127.0.0.1 BRIDGE_RTP_BINDADDRESS=127.0.0.1 \
BRIDGE_RTP_PORTMIN="$RTP_MIN" BRIDGE_RTP_PORTMAX="$RTP_MAX" \
BRIDGE_ADMIN_PORT="$ADMIN_PORT" BRIDGE_ADMIN_BINDADDRESS=127.0.0.1 \
BRIDGE_LIMITS_INVITESPERSECONDPERSOURCE="${BRIDGE_LIMITS_INVITESPERSECONDPERSOURCE:-100000}" \
BRIDGE_LIMITS_INVITEBURSTPERSOURCE="${BRIDGE_LIMITS_INVITEBURSTPERSOURCE:-100000}" \
BRIDGE_LIMITS_INVITESPERSECOND="${BRIDGE_LIMITS_INVITESPERSECOND:-100000}" \
BRIDGE_LIMITS_CALLSPERSOURCE="${BRIDGE_LIMITS_CALLSPERSOURCE:-100000}" \
  java $JAVA_OPTS -jar "$JAR" >"$RUN_DIR/bridge.log" 2>&1 &
BRIDGE_PID=$!
CONF_ID=""
for _ in $(seq 1 600); do
  kill -0 "$BRIDGE_PID" 2>/dev/null || { log "bridge exited:"; tail -20 "$RUN_DIR/bridge.log" >&2; exit 1; }
  line=$(grep -a -m1 -E 'conference ID [0-9]+' "$RUN_DIR/bridge.log" || true)
  if [ -n "$line" ] && [ -f "$DATA/sip-tls-certificate.pem" ] && ss -Hltn "sport = :$TLS_PORT" | grep -q .; then
    CONF_ID=$(sed -E 's/.*conference ID ([0-9]+).*/\1/' <<<"$line"); break
  fi
  sleep 0.1
done
[ -n "$CONF_ID" ] || { log "bridge did not come up within 60 s"; exit 1; }
log "bridge up (pid $BRIDGE_PID), demo meeting $CONF_ID"

SUMMARY=$RUN_DIR/summary.md
{
  echo "## SRTP lobby point ($(date -u +%FT%TZ), $(nproc) cores, load before $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "| callers | mode | answered | bridge CPU (% of a core) | CPU µs per caller-second | packets/s at callers | sampled auth failures |"
  echo "|---:|---|---:|---:|---:|---:|---:|"
} >"$SUMMARY"
declare -A US
for n in ${CALLERS//,/ }; do
  for mode in plain srtp; do
    log "$n callers, $mode"
    result=$(java -Xmx1g -cp "$TOOL" io.confbridge.bench.SrtpLobby --tls-port "$TLS_PORT" \
      --cert "$DATA/sip-tls-certificate.pem" --conference "$CONF_ID" --bridge-pid "$BRIDGE_PID" \
      --callers "$n" --mode "$mode" --rate "$RATE" --settle "$SETTLE" --window "$WINDOW" 2>>"$RUN_DIR/tool.log" \
      | grep '^RESULT' || true)
    log "${result:-no result (see tool.log)}"
    get() { sed -nE "s/.* $1=([^ ]+).*/\1/p" <<<"$result"; }
    US[$n-$mode]=$(get us_per_caller_s)
    echo "| $n | $mode | $(get answered) | $(get cpu_core_pct) | $(get us_per_caller_s) | $(get pkts_per_s) | $(get auth_fail_sampled) |" >>"$SUMMARY"
    sleep 5 # let the BYEs drain and the ports come back before the next run
  done
done
{
  echo
  for n in ${CALLERS//,/ }; do
    p=${US[$n-plain]:-0}; s=${US[$n-srtp]:-0}
    echo "- $n callers: SRTP adds $(awk -v p="$p" -v s="$s" 'BEGIN{printf "%.1f", s-p}') µs of bridge CPU per caller-second ($(awk -v p="$p" -v s="$s" 'BEGIN{if (p>0) printf "%+.0f %%", 100*(s-p)/p; else print "n/a"}'))"
  done
} >>"$SUMMARY"
cat "$SUMMARY"

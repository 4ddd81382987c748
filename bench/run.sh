#!/usr/bin/env bash
# Load benchmark of the conference bridge on 127.0.0.1 with SIPp and tcpdump.
#
#   bench/run.sh [lobby|rate|meeting|all] [options]     (run as root: tcpdump, SIPp pcap play)
#
# Parts:
#   rate     call setup rate into a lobby: SIPp UAC at each rate for --rate-seconds worth of
#            calls, each holding --rate-hold-ms then BYE; the highest clean rate: zero failed
#            calls, achieved >= 90 % of the target, INVITE->200 p99 < 500 ms.
#   lobby    lobby capacity: N callers held in one meeting's lobby (hold music), stepping N up;
#            tcpdump of the bridge->caller RTP in a steady window; p99 inter-arrival gap < 25 ms.
#   meeting  50 callers in a lobby, the organizer types * PIN # (RFC 4733); all admitted (M=1
#            after #) and the time from # to the last caller's first meeting packet, split as the
#            bridge logs it: # -> PIN verified, and verified -> last caller's first meeting packet.
#   all      rate, then lobby (ramping at a rate the rate part showed to be clean), then meeting.
#
# Options (defaults in brackets):
#   --jar PATH             bridge jar [bridge-server/target/bridge.jar]; --build builds it first
#   --sip-port N           bridge SIP port [15060]; SIPp uses N+1..N+3
#   --rtp-min N --rtp-max N  bridge RTP port range [20000 29999]
#   --admin-port N         bridge admin API port [18480]
#   --lobby-steps LIST     lobby sizes to try, in order [250,500,1000,1250,1500,2000,3000]
#   --lobby-rate CPS       ramp-up rate of lobby callers [200, or lower if the rate part failed above it]
#   --lobby-settle S       seconds between the last INVITE and the capture [10]
#   --lobby-window S       capture seconds per step [20]
#   --gap-limit MS         p99 gap limit [25]
#   --rates LIST           call rates to try [50,100,200,300,400,600]
#   --rate-seconds S       seconds worth of calls per rate [10]
#   --rate-hold-ms MS      hold time of each call in the rate part [5000]
#   --rate-rtp yes|no      whether callers of the rate part send RTP [yes]
#   --no-caller-rtp        callers of the lobby and meeting parts send no RTP
#   --codec pcmu|g722|opus what lobby and meeting callers offer and send [pcmu]; g722: G.722 only (payload
#                          type 9), their audio encoded by bench/G722Wav.java with the bridge jar's encoder;
#                          opus: Opus only (payload type 96), a capture of libopus packets made by
#                          bench/OpusPcap.java replayed with SIPp's play_pcap_audio (OPUS_SECONDS long, 300)
#   --open-meeting         lobby part: the demo meeting starts with its first caller (requirePinToStart
#                          false, no entry tones, no participant limit, set through the admin API), so
#                          the N callers are N talkers in one meeting and each hears the mix of the others
#   --talkers K            lobby part: K of the N callers talk (the audio above) and the other N-K send low
#                          noise (-60 dBFS; for Opus, packets libopus flags as no voice), as in a real meeting;
#                          the K talkers come from a second SIPp (port N+2, media ports from 18500). Default: all
#                          N callers talk. With --open-meeting this measures a meeting of N with K talkers.
#   --meetings-of S        lobby part: each step's N callers are spread over N/S meetings of S callers (consecutive
#                          callers share one), each created open through the admin API (no PIN to start, no
#                          tones) and dialled by its conference ID in the Request-URI: many small meetings, e.g.
#                          --meetings-of 5 --lobby-steps 2000 is 400 five-party meetings in which everyone talks;
#                          with --talkers K, K callers of each meeting talk and the others send low noise
#   --callers sipp|java    lobby part: who places the calls and sends their audio [sipp]. java: bench/RtpCallers.java,
#                          one SIP socket and one RTP socket for all calls, each call's packet sent at its own
#                          point of the 20 ms tick by one thread (SIPp streams a call from a thread of its own,
#                          and replays Opus with a sleep per packet: half a core for 500 Opus callers). Same
#                          calls, holds, conference IDs, talkers and audio; needs caller RTP
#   --caller-loss PCT      with --callers java: that share of the callers' audio packets is not sent (at random,
#                          the same each run), as lost on the way to the bridge
#   --meeting-callers N    callers in the meeting part [50]
#   --budget S             stop stepping up when this many seconds have passed [540]
#   --keep-pcap            keep the lobby captures (large) in the results directory
#   --java-opts "..."      JVM options for the bridge [-Xms1g -Xmx2g]
# Environment BRIDGE_* variables are passed on to the bridge (e.g. BRIDGE_IVR_ORGANIZERSTARWAITMS).
# Every SIPp call comes from 127.0.0.1, so the per-source and global flood limits (limits.*) are raised
# to 100000 here unless set in the environment; a load test of your own must raise them the same way.
# BENCH_BRIDGE_CMD replaces the bridge command (e.g. "python3 bench/fake_bridge.py" to check the harness).
#
# Raw outputs go to bench/results/<timestamp>/; the table at the end is the result.

set -u -o pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"

PART=all
JAR="$REPO_DIR/bridge-server/target/bridge.jar"
BUILD=no
SIP_PORT=15060
RTP_MIN=20000
RTP_MAX=29999
ADMIN_PORT=18480
LOBBY_STEPS="250,500,1000,1250,1500,2000,3000"
LOBBY_RATE=""
LOBBY_SETTLE=10
LOBBY_WINDOW=20
GAP_LIMIT=25
RATES="50,100,200,300,400,600"
RATE_SECONDS=10
RATE_HOLD_MS=5000
RATE_RTP=yes
OPEN_MEETING=no
TALKERS=""
MEETINGS_OF=""
CALLERS_TOOL=sipp
CALLER_LOSS=0
TALKERS_MEDIA_PORT=18500     # the --talkers SIPp's media ports: above the other callers', below the bridge's
CALLER_RTP=yes
CALLER_CODEC=pcmu
MEETING_CALLERS=50
BUDGET=540
KEEP_PCAP=no
JAVA_OPTS="-Xms1g -Xmx2g"

usage() { sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    lobby|rate|meeting|all) PART=$1 ;;
    --jar) JAR=$2; shift ;;
    --build) BUILD=yes ;;
    --sip-port) SIP_PORT=$2; shift ;;
    --rtp-min) RTP_MIN=$2; shift ;;
    --rtp-max) RTP_MAX=$2; shift ;;
    --admin-port) ADMIN_PORT=$2; shift ;;
    --lobby-steps) LOBBY_STEPS=$2; shift ;;
    --lobby-rate) LOBBY_RATE=$2; shift ;;
    --lobby-settle) LOBBY_SETTLE=$2; shift ;;
    --lobby-window) LOBBY_WINDOW=$2; shift ;;
    --gap-limit) GAP_LIMIT=$2; shift ;;
    --rates) RATES=$2; shift ;;
    --rate-seconds) RATE_SECONDS=$2; shift ;;
    --rate-hold-ms) RATE_HOLD_MS=$2; shift ;;
    --rate-rtp) RATE_RTP=$2; shift ;;
    --no-caller-rtp) CALLER_RTP=no ;;
    --codec) CALLER_CODEC=$2; shift ;;
    --open-meeting) OPEN_MEETING=yes ;;
    --callers) CALLERS_TOOL=$2; shift ;;
    --caller-loss) CALLER_LOSS=$2; shift ;;
    --talkers) TALKERS=$2; shift ;;
    --meetings-of) MEETINGS_OF=$2; shift ;;
    --meeting-callers) MEETING_CALLERS=$2; shift ;;
    --budget) BUDGET=$2; shift ;;
    --keep-pcap) KEEP_PCAP=yes ;;
    --java-opts) JAVA_OPTS=$2; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done

need_root_and_tools sipp tcpdump java python3 ss

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
HOST_SPEED=""
RUN_DIR="$BENCH_DIR/results/$STAMP"
mkdir -p "$RUN_DIR"
SUMMARY="$RUN_DIR/summary.md"
T_START=$(date +%s)
UAC_PORT=$((SIP_PORT + 1))
ORG_PORT=$((SIP_PORT + 2))
CALLER_MEDIA_PORT=10000      # SIPp's rtp_stream sockets: below the bridge's range
ORGANIZER_MEDIA_PORT=11000


# ---- limits ---------------------------------------------------------------------------------
raise_nofile
log "open files limit $(ulimit -n); results in $RUN_DIR"

# ---- processes we start, stopped on exit -----------------------------------------------------
BRIDGE_PID=""
BRIDGE_DATA=""

cleanup() {
  stop_children
  stop_bridge
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ---- the bridge ----------------------------------------------------------------------------
CONF_ID=""
ORG_PIN=""

start_bridge() {  # start_bridge NAME: a fresh bridge on an empty temp data dir
  local name=$1 i line
  if [ -z "${BENCH_BRIDGE_CMD:-}" ] && [ ! -f "$JAR" ]; then log "no bridge jar at $JAR (build with: mvn -B -q -o package -DskipTests, or pass --build)"; return 1; fi
  BRIDGE_DATA=$(mktemp -d /tmp/bench-bridge-data.XXXXXX)
  log "starting bridge ($name) on SIP $SIP_PORT, RTP $RTP_MIN-$RTP_MAX, data $BRIDGE_DATA"
  # shellcheck disable=SC2086
  BRIDGE_DATADIR="$BRIDGE_DATA" BRIDGE_SIP_PORT="$SIP_PORT" BRIDGE_SIP_BINDADDRESS=127.0.0.1 \
  BRIDGE_SIP_ADVERTISEDADDRESS=127.0.0.1 BRIDGE_RTP_BINDADDRESS=127.0.0.1 \
  BRIDGE_RTP_PORTMIN="$RTP_MIN" BRIDGE_RTP_PORTMAX="$RTP_MAX" \
  BRIDGE_ADMIN_PORT="$ADMIN_PORT" BRIDGE_ADMIN_BINDADDRESS=127.0.0.1 env "${BRIDGE_LIMITS_ENV[@]}" \
    ${BENCH_BRIDGE_CMD:-java $JAVA_OPTS "-Xlog:gc:file=$RUN_DIR/gc-$name.log" -jar "$JAR"} >"$RUN_DIR/bridge-$name.log" 2>&1 &
  BRIDGE_PID=$!
  for i in $(seq 1 600); do
    if ! kill -0 "$BRIDGE_PID" 2>/dev/null; then
      log "bridge exited at start; last lines of bridge-$name.log:"; tail -20 "$RUN_DIR/bridge-$name.log" >&2
      BRIDGE_PID=""; return 1
    fi
    line=$(demo_line "$RUN_DIR/bridge-$name.log")
    if [ -n "$line" ] && ss -Hlun "sport = :$SIP_PORT" | grep -q .; then
      CONF_ID=$(demo_conference_id "$line")
      ORG_PIN=$(demo_pin "$line")
      log "bridge up (pid $BRIDGE_PID) after $((i / 10)).$((i % 10)) s: conference ID $CONF_ID, organizer PIN $( [ -n "$ORG_PIN" ] && echo found || echo MISSING)"
      return 0
    fi
    sleep 0.1
  done
  log "bridge did not print its conference ID and bind SIP $SIP_PORT within 60 s"
  return 1
}

create_meetings() {  # --meetings-of S: enough open meetings for the largest step, their IDs in meeting-ids.txt
  local largest=0 n count
  for n in ${LOBBY_STEPS//,/ }; do [ "$n" -gt "$largest" ] && largest=$n; done
  count=$(( (largest + MEETINGS_OF - 1) / MEETINGS_OF ))
  create_open_meetings "127.0.0.1:$ADMIN_PORT" "$BRIDGE_DATA/admin-token" "$RUN_DIR/open-meeting.json" "$count" \
    "$RUN_DIR/meeting-ids.txt" || return 1
  log "created $count open meetings of $MEETINGS_OF callers each"
}

open_meeting() {  # the demo meeting starts with its first caller: the lobby part then measures talkers in a meeting
  open_meeting_at "127.0.0.1:$ADMIN_PORT" "$BRIDGE_DATA/admin-token" "$CONF_ID" "$RUN_DIR/open-meeting.json"
}

stop_bridge() {
  if [ -n "$BRIDGE_PID" ]; then
    log "stopping bridge (pid $BRIDGE_PID)"
    stop_pid "$BRIDGE_PID"
    BRIDGE_PID=""
  fi
  if [ -n "$BRIDGE_DATA" ]; then rm -rf "$BRIDGE_DATA"; BRIDGE_DATA=""; fi
}

run_sipp() { run_sipp_to "127.0.0.1:$SIP_PORT" "$@"; }   # run_sipp TAG TIMEOUT_S ARGS...

# ---- part: call setup rate -------------------------------------------------------------------
RATE_BEST=""
RATE_ROWS=""

part_rate() {
  local r calls tag limit line json failed ok over err p50 p99 mx cps retrans
  start_bridge rate || { RATE_ROWS+="| (bridge did not start) | | | | | | |"$'\n'; return 1; }
  printf 'SEQUENTIAL\n%s\n' "$RATE_HOLD_MS" >"$RUN_DIR/hold-rate.csv"
  for r in ${RATES//,/ }; do
    if [ "$(elapsed)" -gt "$BUDGET" ]; then log "rate: time budget used up, not trying $r cps"; break; fi
    calls=$((r * RATE_SECONDS))
    tag="rate-$r"
    # SIPp 3.6.1 now and then stays up after its last call ended: a tight limit (its statistics
    # file is complete by then) keeps that from eating the time budget
    limit=$((RATE_SECONDS + RATE_HOLD_MS / 1000 + 25))
    err=$(bridge_errors "$RUN_DIR/bridge-rate.log")
    log "rate: $calls calls at $r cps, hold $RATE_HOLD_MS ms, caller RTP $RATE_RTP"
    run_sipp "$tag" "$limit" -sf "$(caller_scenario "$RATE_RTP")" -inf hold-rate.csv -s "$CONF_ID" \
      -p "$UAC_PORT" -mp "$CALLER_MEDIA_PORT" -m "$calls" -r "$r" -l $((calls + 10)) \
      -trace_rtt -rtt_freq 1 -rtp_threadtasks 50
    wait_sipp; local rc=$?
    json="$RUN_DIR/$tag.json"
    line=$(python3 "$BENCH_DIR/sipp_stats.py" --stat "$RUN_DIR/$tag.stat.csv" \
      --rtt "$(ls "$RUN_DIR"/caller-*_rtt.csv 2>/dev/null | tail -1)" --json "$json" 2>&1)
    # each SIPp run writes its own <scenario>_<pid>_rtt.csv: keep it with the tag
    for f in "$RUN_DIR"/caller-*_rtt.csv; do [ -f "$f" ] && mv "$f" "$RUN_DIR/$tag.rtt.csv"; done
    log "rate $r cps: sipp exit $rc; $line"
    failed=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["failed"] + max(0, int(sys.argv[2]) - d["successful"] - d["failed"]))' "$json" "$calls")
    read -r ok p50 p99 mx cps retrans < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
f=lambda k: "-" if d.get(k) is None else ("%.0f" % d[k])
print(d["successful"], f("rt_setup_p50_ms"), f("rt_setup_p99_ms"), f("rt_setup_max_ms"), "-" if not d.get("achieved_cps") else "%.0f" % d["achieved_cps"], d["retransmissions"])' "$json")
    over=$(( $(bridge_errors "$RUN_DIR/bridge-rate.log") - err ))
    RATE_ROWS+="| $r | $cps | $calls | $ok | $failed | $p50 / $p99 / $mx | $retrans | $over |"$'\n'
    # A rate is clean when no call failed AND the calls were set up at that rate (at least 90 %
    # of it, from the 200 OK times) without leaning on SIP retransmission (INVITE->200 p99 under
    # the 500 ms retransmission timer T1): an overloaded bridge still completes every call
    # through retransmissions, but seconds late.
    if [ "$failed" -eq 0 ] && [ "$ok" -eq "$calls" ] && [ "$cps" != - ] && [ "$cps" -ge $((r * 9 / 10)) ] \
       && [ "$p99" != - ] && [ "$p99" -lt 500 ]; then
      RATE_BEST=$r
      RATE_ROWS="${RATE_ROWS%|$'\n'}| yes |"$'\n'
    else
      RATE_ROWS="${RATE_ROWS%|$'\n'}| no |"$'\n'
      log "rate: $r cps is not clean ($failed failed, achieved $cps cps, INVITE->200 p99 $p99 ms); see $tag.errors.log, $tag.screen.log, bridge-rate.log"
      break
    fi
    sleep 3   # let the last BYEs and the bridge's call teardown finish
  done
  stop_bridge
}

run_rtp_callers() {  # run_rtp_callers TAG TIMEOUT_S RATE: bench/RtpCallers.java in place of SIPp; sets SIPP_PID
  local tag=$1 limit=$2 rate=$3 talk quiet=()
  case "$CALLER_CODEC" in
    opus) talk=caller-opus.pcap; [ -n "$TALKERS" ] && quiet=(--quiet caller-opus-noise.pcap) ;;
    *) talk=caller.wav; [ -n "$TALKERS" ] && quiet=(--quiet caller-noise.wav) ;;
  esac
  (cd "$RUN_DIR" && exec timeout -s INT -k 15 "$limit" java -Xms256m -Xmx512m "$BENCH_DIR/RtpCallers.java" \
      --bridge "127.0.0.1:$SIP_PORT" --sip-port "$UAC_PORT" --rtp-port "$CALLER_MEDIA_PORT" --codec "$CALLER_CODEC" \
      --inf "hold-$tag.csv" --rate "$rate" --talk "$talk" "${quiet[@]}" --loss "$CALLER_LOSS" --json "$tag.sipp.json" \
      >"$tag.out" 2>&1) &
  SIPP_PID=$!
  track_child "$SIPP_PID"
}

# ---- part: lobby capacity --------------------------------------------------------------------
LOBBY_BEST=""
LOBBY_ROWS=""

part_lobby() {
  local n rate ramp end_s tag limit cap_pid t0 b0 s0 t1 b1 s1 bridge_cpu sipp_cpu line json ok failed pass
  local streams p50 p99 mx worst drops missing stall reason byerate sipp_proc m0 mt0 m1 mt1 machine_cpu
  local talker_pid talker_proc prefix talkers_n talker_holds scenario
  rate=${LOBBY_RATE:-200}
  if [ -z "$LOBBY_RATE" ] && [ -n "$RATE_BEST" ] && [ "$RATE_BEST" -lt "$rate" ]; then rate=$RATE_BEST; fi
  if [ -z "$LOBBY_RATE" ] && [ "$PART" = all ] && [ -z "$RATE_BEST" ]; then rate=50; fi
  byerate=$((rate * 2))
  start_bridge lobby || { LOBBY_ROWS+="| (bridge did not start) | | | | | | | | |"$'\n'; return 1; }
  if [ "$OPEN_MEETING" = yes ] || [ -n "$MEETINGS_OF" ]; then
    open_meeting || { LOBBY_ROWS+="| (could not open the meeting) | | | | | | | | |"$'\n'; stop_bridge; return 1; }
  fi
  if [ -n "$MEETINGS_OF" ]; then
    create_meetings || { LOBBY_ROWS+="| (could not create the meetings) | | | | | | | | |"$'\n'; stop_bridge; return 1; }
  fi
  for n in ${LOBBY_STEPS//,/ }; do
    ramp=$(( (n + rate - 1) / rate ))
    end_s=$((ramp + LOBBY_SETTLE + LOBBY_WINDOW + 3))
    if [ $(( $(elapsed) + end_s + n / byerate + 20 )) -gt "$BUDGET" ] && [ -n "$LOBBY_BEST$LOBBY_ROWS" ]; then
      log "lobby: not trying $n callers, it would end past the ${BUDGET}s budget"; break
    fi
    tag="lobby-$n"
    # per-call holds: every caller is in the lobby through the window, BYEs then leave at 2x the ramp rate
    write_holds "$RUN_DIR/hold-$tag.csv" "$n" "$rate" "$byerate" "$end_s"
    if [ "$CALLERS_TOOL" = java ] || [ -n "$MEETINGS_OF" ]; then
      # Each caller's conference ID (S consecutive callers to each meeting with --meetings-of, else the demo
      # meeting) and whether it talks (with --talkers K the first K of each meeting, or of all; else everyone).
      # RtpCallers reads one file, hold;conference ID;1 for a talker. SIPp reads hold;conference ID, the
      # talkers in a file of their own for their own SIPp (a scenario's audio is fixed).
      python3 - "$RUN_DIR/hold-$tag.csv" "$RUN_DIR/meeting-ids.txt" "${MEETINGS_OF:-0}" "${TALKERS:-0}" "$CONF_ID" \
        "$CALLERS_TOOL" "$RUN_DIR/hold-$tag-talkers.csv" <<'EOF'
import sys
holds, ids_file, size, talkers, conf, tool, talker_holds = sys.argv[1:3] + [int(sys.argv[3]), int(sys.argv[4])] + sys.argv[5:8]
ids = open(ids_file).read().split() if size else []
lines = open(holds).read().split()
rows = [(h, ids[i // size] if size else conf, not talkers or (i % size if size else i) < talkers)
        for i, h in enumerate(lines[1:])]
def write(path, fields):
    open(path, "w").write("\n".join([lines[0]] + fields) + "\n")
if tool == "java":
    write(holds, ["%s;%s;%d" % row for row in rows])
else:
    write(holds, ["%s;%s" % (h, m) for h, m, t in rows if not talkers or not t])
    if talkers:
        write(talker_holds, ["%s;%s" % (h, m) for h, m, t in rows if t])
EOF
    fi
    limit=$((end_s + n / byerate + 25))
    log "lobby: $n callers at $rate cps (ramp ${ramp}s), caller RTP $CALLER_RTP, capture ${LOBBY_WINDOW}s after ${LOBBY_SETTLE}s settle"
    talker_pid=""
    # With --meetings-of, the meetings-* scenarios take each caller's conference ID from the -inf file.
    prefix=""
    [ -n "$MEETINGS_OF" ] && prefix=meetings-
    talkers_n=0
    if [ "$CALLERS_TOOL" = java ]; then
      run_rtp_callers "$tag" "$limit" "$rate"
    elif [ -n "$TALKERS" ]; then
      # K talkers (K per meeting with --meetings-of) from their own SIPp (a scenario's audio is fixed),
      # then the other callers sending low noise.
      talkers_n=$TALKERS
      talker_holds="hold-$tag.csv"
      if [ -n "$MEETINGS_OF" ]; then talkers_n=$((n / MEETINGS_OF * TALKERS)); talker_holds="hold-$tag-talkers.csv"; fi
      run_sipp "$tag-talkers" "$limit" -sf "${prefix}caller-rtp.xml" -inf "$talker_holds" -s "$CONF_ID" \
        -p "$ORG_PORT" -mp "$TALKERS_MEDIA_PORT" -m "$talkers_n" -r "$rate" -l $((talkers_n + 10)) -rtp_threadtasks 50
      talker_pid=$SIPP_PID
      scenario="${prefix}caller-noise.xml"
    else
      scenario="${prefix}$(caller_scenario "$CALLER_RTP")"
    fi
    if [ "$CALLERS_TOOL" = sipp ]; then
      run_sipp "$tag" "$limit" -sf "$scenario" -inf "hold-$tag.csv" -s "$CONF_ID" \
        -p "$UAC_PORT" -mp "$CALLER_MEDIA_PORT" -m $((n - talkers_n)) -r "$rate" -l $((n + 10)) -rtp_threadtasks 50
    fi
    sleep $((ramp + LOBBY_SETTLE))
    tcpdump -i lo -n -B 131072 -s 96 -w "$RUN_DIR/$tag.pcap" "udp and src portrange $RTP_MIN-$RTP_MAX" \
      2>"$RUN_DIR/$tag.tcpdump.err" &
    cap_pid=$!
    track_child "$cap_pid"
    sipp_proc=$(sipp_process "$SIPP_PID")
    [ "$CALLERS_TOOL" = java ] && sipp_proc=$(pgrep -P "$SIPP_PID" -x java | head -1)
    talker_proc=0
    [ -n "$talker_pid" ] && talker_proc=$(sipp_process "$talker_pid")
    t0=$(date +%s.%N); b0=$(cpu_ticks "$BRIDGE_PID"); s0=$(( $(cpu_ticks "${sipp_proc:-0}") + $(cpu_ticks "${talker_proc:-0}") ))
    read -r m0 mt0 < <(machine_ticks)
    sleep "$LOBBY_WINDOW"
    t1=$(date +%s.%N); b1=$(cpu_ticks "$BRIDGE_PID"); s1=$(( $(cpu_ticks "${sipp_proc:-0}") + $(cpu_ticks "${talker_proc:-0}") ))
    read -r m1 mt1 < <(machine_ticks)
    machine_cpu=$(python3 -c "print('%.0f' % (($m1 - $m0) / max(1, $mt1 - $mt0) * 100))")
    stop_pid "$cap_pid" INT
    bridge_cpu=$(python3 -c "print('%.0f' % (($b1 - $b0) / $(getconf CLK_TCK) / ($t1 - $t0) * 100))")
    sipp_cpu=$(python3 -c "print('%.0f' % (max(0, $s1 - $s0) / $(getconf CLK_TCK) / ($t1 - $t0) * 100))")
    log "lobby $n: capture done (bridge CPU ${bridge_cpu}% of one core, sipp ${sipp_cpu}%, all cores ${machine_cpu}% busy, load $(cut -d' ' -f1-3 /proc/loadavg)); analysing"
    json="$RUN_DIR/$tag.gaps.json"
    line=$(python3 "$BENCH_DIR/analyze_gaps.py" "$RUN_DIR/$tag.pcap" --portmin "$RTP_MIN" --portmax "$RTP_MAX" \
      --tcpdump-log "$RUN_DIR/$tag.tcpdump.err" --expect-streams "$n" --json "$json" 2>&1)
    log "lobby $n: $line"
    [ "$KEEP_PCAP" = yes ] || rm -f "$RUN_DIR/$tag.pcap"
    wait_sipp
    if [ "$CALLERS_TOOL" = java ]; then
      tail -1 "$RUN_DIR/$tag.out" | tee -a "$RUN_DIR/run.log" >&2   # RtpCallers' own JSON, as sipp_stats'
    else
      python3 "$BENCH_DIR/sipp_stats.py" --stat "$RUN_DIR/$tag.stat.csv" --json "$RUN_DIR/$tag.sipp.json" \
        | tee -a "$RUN_DIR/run.log" >&2
    fi
    read -r ok failed < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["successful"], d["failed"])' "$RUN_DIR/$tag.sipp.json")
    if [ -n "$talker_pid" ]; then
      wait "$talker_pid" || true
      python3 "$BENCH_DIR/sipp_stats.py" --stat "$RUN_DIR/$tag-talkers.stat.csv" --json "$RUN_DIR/$tag-talkers.sipp.json" \
        | tee -a "$RUN_DIR/run.log" >&2
      read -r ok failed < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["successful"] + int(sys.argv[2]), d["failed"] + int(sys.argv[3]))' \
        "$RUN_DIR/$tag-talkers.sipp.json" "$ok" "$failed")
    fi
    read -r streams p50 p99 mx worst drops missing stall < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
w=d["worst_stall_slots"]
print(d["streams"], "%.1f" % d["gap_p50_ms"], "%.1f" % d["gap_p99_ms"], "%.1f" % d["gap_max_ms"], "%.1f" % d["worst_stream_p99_ms"], d["tcpdump_dropped"], d["rtp_seq_missing"],
      "%d/%d" % (d["late_slots_over_40ms"], w[0]["streams"] if w else 0))' "$json" 2>/dev/null || echo "0 nan nan nan nan ? ? ?")
    pass=yes; reason=""
    if [ "$failed" != 0 ] || [ "$ok" != "$n" ]; then pass=no; reason+="calls failed ($failed failed, $ok ok); "; fi
    if [ "$streams" -lt "$n" ]; then pass=no; reason+="only $streams of $n streams seen; "; fi
    if ! python3 -c "import sys; sys.exit(0 if float('$p99') < $GAP_LIMIT else 1)"; then pass=no; reason+="p99 gap $p99 ms >= $GAP_LIMIT; "; fi
    if [ "$drops" != 0 ] && [ "$drops" != None ]; then reason+="tcpdump dropped $drops; "; fi
    LOBBY_ROWS+="| $n | $streams | $ok / $failed | $p50 | $p99 | $mx | $worst | $stall | $missing | $drops | ${bridge_cpu}% | ${sipp_cpu}% | ${machine_cpu}% | $pass |"$'\n'
    if [ "$pass" = yes ]; then LOBBY_BEST=$n; else log "lobby: $n callers did not pass: $reason"; break; fi
    sleep 3
  done
  LOBBY_RAMP_RATE=$rate
  stop_bridge
}

# ---- part: 50-caller meeting -----------------------------------------------------------------
MEETING_ROW=""

part_meeting() {
  local n=$MEETING_CALLERS tag=meeting cap_pid hold_ms callers_pid line ramp lobby_wait
  start_bridge meeting || { MEETING_ROW="| (bridge did not start) | | | | |"; return 1; }
  # pin.pcap plays 1500 ms after star.pcap (organizer.xml) in the same RTP stream
  pin_pcap "$ORG_PIN" "$RUN_DIR/pin.pcap" || { log "meeting: could not make the PIN pcap"; return 1; }
  ramp=$(( (n + 49) / 50 ))
  lobby_wait=$((ramp + 12))      # star offer (3 s) + "has not started" prompt, then hold music
  hold_ms=$(( (lobby_wait + 20) * 1000 ))
  printf 'SEQUENTIAL\n%s\n' "$hold_ms" >"$RUN_DIR/hold-meeting.csv"
  tcpdump -i lo -n -B 65536 -s 96 -w "$RUN_DIR/$tag.pcap" \
    "udp and (src portrange $RTP_MIN-$RTP_MAX or dst portrange $RTP_MIN-$RTP_MAX)" 2>"$RUN_DIR/$tag.tcpdump.err" &
  cap_pid=$!
  track_child "$cap_pid"
  sleep 1
  log "meeting: $n callers into the lobby of $CONF_ID"
  run_sipp "$tag-callers" $((hold_ms / 1000 + ramp + 60)) -sf "$(caller_scenario "$CALLER_RTP")" -inf hold-meeting.csv \
    -s "$CONF_ID" -p "$UAC_PORT" -mp "$CALLER_MEDIA_PORT" -m "$n" -r 50 -l $((n + 5))
  callers_pid=$SIPP_PID
  sleep "$lobby_wait"
  log "meeting: organizer dials in and types * PIN #"
  run_sipp "$tag-organizer" 60 -sf organizer.xml -s "$CONF_ID" -p "$ORG_PORT" -mp "$ORGANIZER_MEDIA_PORT" -m 1 -d 8000
  wait_sipp; log "meeting: organizer sipp exit $?"
  SIPP_PID=$callers_pid
  wait_sipp; log "meeting: callers sipp exit $?"
  stop_pid "$cap_pid" INT
  python3 "$BENCH_DIR/sipp_stats.py" --stat "$RUN_DIR/$tag-callers.stat.csv" --json "$RUN_DIR/$tag-callers.sipp.json" \
    | tee -a "$RUN_DIR/run.log" >&2
  line=$(python3 "$BENCH_DIR/analyze_meeting.py" "$RUN_DIR/$tag.pcap" --portmin "$RTP_MIN" --portmax "$RTP_MAX" \
    --expect-callers "$n" --json "$RUN_DIR/$tag.json" 2>&1)
  log "$line"
  # the bridge's own account: "meeting <id> started by ...; admitting <n> from the lobby"
  local said
  said=$(grep -a -o -E 'admitting [0-9]+ from the lobby' "$RUN_DIR/bridge-meeting.log" | head -1 | grep -o -E '[0-9]+' || true)
  # and its split (issue 11 §5): "# -> PIN verified <ms> ms; ... verified -> last caller <ms> ms"
  local split
  split=$(grep -a -o -E '# -> PIN verified [0-9.]+ ms; verified -> first caller [0-9.]+ ms, verified -> last caller [0-9.]+ ms' \
    "$RUN_DIR/bridge-meeting.log" | head -1 || true)
  log "meeting: bridge's split: ${split:-none logged}"
  MEETING_ROW=$(python3 -c 'import json,re,sys
d=json.load(open(sys.argv[1])); s=json.load(open(sys.argv[2]))
f=lambda v: "-" if v is None else "%.0f" % v
m=re.search(r"PIN verified ([0-9.]+) ms; verified -> first caller ([0-9.]+) ms, verified -> last caller ([0-9.]+) ms", sys.argv[5])
pin=float(m.group(1)) if m else None
wire=None if pin is None or d.get("last_admit_ms") is None else d["last_admit_ms"] - pin
print("| %s | %d / %d | %s | %s | %s | %s | %s | %s | %s | %d ok, %d failed |" % (d.get("dtmf_keys_sent", "-"), d.get("admitted", 0), int(sys.argv[3]),
      sys.argv[4] or "-", f(d.get("first_admit_ms")), f(d.get("last_admit_ms")),
      "-" if pin is None else "%.1f" % pin, "-" if not m else m.group(3), "-" if wire is None else "%.1f" % wire,
      d.get("admission_order_inversions", "-"), s["successful"], s["failed"]))' \
    "$RUN_DIR/$tag.json" "$RUN_DIR/$tag-callers.sipp.json" "$n" "$said" "$split" 2>&1)
  stop_bridge
}

# ---- main ------------------------------------------------------------------------------------
if [ "$BUILD" = yes ]; then
  log "building the bridge"
  (cd "$REPO_DIR" && mvn -B -q -o package -DskipTests) >"$RUN_DIR/build.log" 2>&1 || { log "build failed, see build.log"; exit 1; }
fi
case "$CALLER_CODEC" in pcmu|g722|opus) ;; *) echo "--codec: pcmu, g722 or opus, not $CALLER_CODEC" >&2; exit 2 ;; esac
case "$CALLERS_TOOL" in
  sipp) ;;
  java) [ "$CALLER_RTP" = yes ] || { echo "--callers java: the callers send RTP (drop --no-caller-rtp)" >&2; exit 2; } ;;
  *) echo "--callers: sipp or java, not $CALLERS_TOOL" >&2; exit 2 ;;
esac
if [ -n "$TALKERS" ]; then
  case "$TALKERS" in ''|*[!0-9]*) echo "--talkers: a number of callers, not $TALKERS" >&2; exit 2 ;; esac
  for n in ${LOBBY_STEPS//,/ }; do
    [ "$n" -gt "$TALKERS" ] || { echo "--talkers $TALKERS: every --lobby-steps size must be larger (got $n)" >&2; exit 2; }
  done
  [ "$CALLER_RTP" = yes ] || { echo "--talkers needs callers that send RTP (not with --no-caller-rtp)" >&2; exit 2; }
fi
if [ -n "$MEETINGS_OF" ]; then
  case "$MEETINGS_OF" in ''|*[!0-9]*|0|1) echo "--meetings-of: a meeting size of 2 or more, not $MEETINGS_OF" >&2; exit 2 ;; esac
  if [ -n "$TALKERS" ]; then
    [ "$TALKERS" -lt "$MEETINGS_OF" ] || { echo "--talkers $TALKERS: with --meetings-of, talkers per meeting, fewer than $MEETINGS_OF" >&2; exit 2; }
    for n in ${LOBBY_STEPS//,/ }; do
      [ $((n % MEETINGS_OF)) -eq 0 ] || { echo "--meetings-of $MEETINGS_OF --talkers: every --lobby-steps size must be a multiple of $MEETINGS_OF (got $n)" >&2; exit 2; }
    done
  fi
fi
prepare_media || { log "could not prepare media files"; exit 1; }
# Measured while nothing else of the run is up. Not with a stand-in bridge (the harness's own test).
if [ -z "${BENCH_BRIDGE_CMD:-}" ]; then
  log "measuring this host's speed (bench/HostSpeed.java, ~8 s)"
  HOST_SPEED=$(host_speed)
fi

case "$PART" in
  rate) part_rate ;;
  lobby) part_lobby ;;
  meeting) part_meeting ;;
  all) part_rate; part_lobby; part_meeting ;;
esac

{
  echo "# Bridge benchmark $STAMP"
  echo
  echo "Load average before the run: $LOAD_BEFORE (other work on the machine competes with the bridge, SIPp and tcpdump)"
  echo
  [ -n "$HOST_SPEED" ] && echo "Host speed (bench/HostSpeed.java, one core, idle): $HOST_SPEED" && echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM; bridge JVM: $JAVA_OPTS; SIPp $(sipp -v 2>&1 | grep -o 'v[0-9.]*' | head -1); all on 127.0.0.1"
  echo
  if [ -n "$LOBBY_ROWS" ]; then
    if [ -n "$MEETINGS_OF" ]; then
      echo "## Meetings of $MEETINGS_OF (--meetings-of: each step's callers are spread over meetings of $MEETINGS_OF, everyone a participant hearing the others)"
      [ -n "$TALKERS" ] && echo "$TALKERS of each meeting's callers talk; the others send low noise (-60 dBFS)"
    elif [ "$OPEN_MEETING" = yes ]; then
      echo "## Talkers in one meeting (--open-meeting: every caller is a participant and hears the mix of the others)"
      [ -n "$TALKERS" ] && echo "$TALKERS of the callers talk; the others send low noise (-60 dBFS)"
    fi
    echo "## Lobby capacity (callers in one lobby hearing hold music; caller RTP: $CALLER_RTP, 50 pps each way, codec $CALLER_CODEC; ramp ${LOBBY_RAMP_RATE:-?} cps; ${LOBBY_WINDOW}s capture)"
    echo
    echo "| callers | streams seen | calls ok / failed | gap p50 ms | gap p99 ms | gap max ms | worst stream p99 ms | stalls: 100 ms slots with a >40 ms gap / most streams late in one slot | RTP seq missing | tcpdump drops | bridge CPU (1 core = 100%) | SIPp CPU | machine busy (2 cores = 100%) | p99 < ${GAP_LIMIT} ms |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s' "$LOBBY_ROWS"
    echo
    echo "Largest lobby with p99 gap < ${GAP_LIMIT} ms and no failed call: **${LOBBY_BEST:-none}**"
    echo
  fi
  if [ -n "$RATE_ROWS" ]; then
    echo "## Call setup rate into the lobby (${RATE_SECONDS}s of calls per rate, hold ${RATE_HOLD_MS} ms, caller RTP: $RATE_RTP)"
    echo
    echo "| target cps | achieved cps | calls | successful | failed | INVITE->200 p50 / p99 / max ms | SIPp retransmissions | new bridge WARN/ERROR lines | clean |"
    echo "|---|---|---|---|---|---|---|---|---|"
    printf '%s' "$RATE_ROWS"
    echo
    echo "Highest clean rate (zero failed calls, achieved >= 90 % of the target, INVITE->200 p99 < 500 ms): **${RATE_BEST:-none} cps**"
    echo
  fi
  if [ -n "$MEETING_ROW" ]; then
    echo "## ${MEETING_CALLERS}-caller meeting start (caller RTP: $CALLER_RTP)"
    echo
    echo "| organizer keys (digits masked) | callers admitted (M=1 after #) | bridge log: admitting | # -> first caller ms | # -> last caller ms | # -> PIN verified ms (bridge log) | verified -> last caller's first meeting packet ms (bridge log) | verified -> last caller ms (capture's # -> last minus the bridge's # -> verified) | admission order inversions | caller calls |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    echo "$MEETING_ROW"
    echo
  fi
  echo "Total time: $(elapsed) s. Raw outputs: bench/results/$STAMP/"
} >"$SUMMARY"
echo
cat "$SUMMARY"

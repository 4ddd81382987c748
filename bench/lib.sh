# Building blocks shared by bench/run.sh (one bridge) and bench/cluster.sh (two nodes); sourced, not run.
#
# The caller sets BENCH_DIR, RUN_DIR (raw outputs) and T_START (date +%s) before using them; processes
# started with run_sipp_to or track_child are in CHILD_PIDS, for the caller's EXIT trap to stop.

declare -a CHILD_PIDS=()

log() { echo "[$(date +%H:%M:%S) +$(( $(date +%s) - T_START ))s] $*" | tee -a "$RUN_DIR/run.log" >&2; }
elapsed() { echo $(( $(date +%s) - T_START )); }

raise_nofile() {  # thousands of SIPp calls and bridge sockets: as many open files as the hard limit allows
  local hard
  hard=$(ulimit -Hn)
  if [ "$hard" = unlimited ] || [ "$hard" -ge 65536 ]; then ulimit -n 65536; else ulimit -n "$hard"; fi
}

need_root_and_tools() {  # need_root_and_tools TOOL...: exits 2 naming what is missing
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is not installed" >&2; exit 2; }
  done
  if [ "$(id -u)" != 0 ]; then
    echo "bench: run as root (tcpdump on lo and SIPp's pcap play need raw sockets)" >&2
    exit 2
  fi
}

track_child() { CHILD_PIDS+=("$1"); }

stop_pid() {  # stop_pid PID [signal]: TERM (or the given signal), then KILL after 10 s
  local pid=$1 sig=${2:-TERM} i
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null
  for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

stop_children() {  # every SIPp and tcpdump started through this file
  local pid
  for pid in "${CHILD_PIDS[@]:-}"; do stop_pid "$pid"; done
  CHILD_PIDS=()
}

# Every SIPp call comes from 127.0.0.1: the per-source and global flood limits (issue 9) out of the way,
# unless the environment sets them. Use as: env "${BRIDGE_LIMITS_ENV[@]}" java ...
BRIDGE_LIMITS_ENV=(
  "BRIDGE_LIMITS_INVITESPERSECONDPERSOURCE=${BRIDGE_LIMITS_INVITESPERSECONDPERSOURCE:-100000}"
  "BRIDGE_LIMITS_INVITEBURSTPERSOURCE=${BRIDGE_LIMITS_INVITEBURSTPERSOURCE:-100000}"
  "BRIDGE_LIMITS_INVITESPERSECOND=${BRIDGE_LIMITS_INVITESPERSECOND:-100000}"
  "BRIDGE_LIMITS_CALLSPERSOURCE=${BRIDGE_LIMITS_CALLSPERSOURCE:-100000}"
)

demo_line() {  # demo_line LOG: the bridge's first-start line "... conference ID <id>, organizer PIN <pin> ...", or nothing
  grep -a -m1 -E 'conference ID [0-9]+' "$1" 2>/dev/null || true
}
demo_conference_id() { sed -E 's/.*conference ID ([0-9]+).*/\1/' <<<"$1"; }
demo_pin() { sed -nE 's/.*PIN ([0-9]+).*/\1/p' <<<"$1"; }

open_meeting_at() {  # open_meeting_at HOST:PORT TOKEN_FILE CONF_ID OUT_JSON: no PIN to start, no tones, no limit
  local admin=$1 token_file=$2 conf=$3 out=$4 token code
  # The admin API (and its first-start token) comes up a moment after SIP says ready: wait for both, up to 10 s.
  code=000
  for _ in $(seq 1 20); do
    if token=$(cat "$token_file" 2>/dev/null) && [ -n "$token" ]; then
      code=$(curl -s -o "$out" -w '%{http_code}' -X PATCH -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' --data '{"requirePinToStart":false,"entryExitTones":false,"maxParticipants":0}' \
        "http://$admin/api/meetings/$conf")
      [ "$code" != 000 ] && break
    fi
    sleep 0.5
  done
  [ -n "${token:-}" ] || { log "no admin token at $token_file"; return 1; }
  log "open meeting $conf through $admin: HTTP $code $(cat "$out" 2>/dev/null)"
  [ "$code" = 200 ]
}

create_open_meetings() {  # create_open_meetings HOST:PORT TOKEN_FILE OPENED_JSON COUNT OUT: COUNT more open meetings
  # of the organizer of OPENED_JSON (an open_meeting_at answer), with its policy; their IDs one per line in OUT
  python3 - "$@" <<'EOF'
import json, sys, urllib.request
admin, token_file, opened, count, out = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
token = open(token_file).read().strip()
email = json.load(open(opened))["organizerEmail"]
body = json.dumps({"organizerEmail": email, "requirePinToStart": False, "entryExitTones": False,
                   "maxParticipants": 0}).encode()
ids = []
for _ in range(count):
    req = urllib.request.Request("http://%s/api/meetings" % admin, data=body, method="POST",
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        ids.append(json.load(r)["conferenceId"])
open(out, "w").write("\n".join(ids) + "\n")
EOF
}

host_speed() {  # one line from bench/HostSpeed.java, so that tables from different hosts can be compared
  java -Xmx512m -cp "$JAR" "$BENCH_DIR/HostSpeed.java" 2>/dev/null || echo "not measured"
}

machine_ticks() {  # "busy total" clock ticks of all cores, from /proc/stat
  awk '/^cpu /{t=0; for (i=2; i<=NF; i++) t+=$i; print t-$5-$6, t}' /proc/stat
}

cpu_ticks() {  # utime+stime of a process in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

cpu_percent() {  # cpu_percent TICKS0 TICKS1 T0 T1: % of one core over the wall-clock interval
  python3 -c "print('%.0f' % (max(0, $2 - $1) / $(getconf CLK_TCK) / max(1e-6, $4 - $3) * 100))"
}

bridge_errors() {  # count of ERROR/WARN/Exception lines in a bridge log
  grep -a -c -E 'ERROR|WARN|Exception' "$1" 2>/dev/null || true
}

# ---- scenario files, in the run directory (SIPp resolves media files against its cwd) --------
prepare_media() {
  cp "$BENCH_DIR/scenarios/caller.xml" "$RUN_DIR/caller-rtp.xml"
  sed '/@rtp/d' "$BENCH_DIR/scenarios/caller.xml" >"$RUN_DIR/caller-quiet.xml"
  cp "$BENCH_DIR/scenarios/organizer.xml" "$RUN_DIR/organizer.xml"
  if [ "${CALLER_CODEC:-pcmu}" = g722 ]; then
    # G.722 callers: offer payload type 9 only, and stream G.722 made by the bridge jar's own encoder.
    sed -i -e 's|RTP/AVP 0 8 101|RTP/AVP 9 101|' -e 's|a=rtpmap:0 PCMU/8000|a=rtpmap:9 G722/8000|' \
        -e '/a=rtpmap:8 PCMA/d' -e 's|rtp_stream="caller.wav,-1,0"|rtp_stream="caller.wav,-1,9"|' \
        "$RUN_DIR/caller-rtp.xml" "$RUN_DIR/caller-quiet.xml"
    java -cp "$JAR" "$BENCH_DIR/G722Wav.java" "$RUN_DIR/caller.wav" 10 || return 1
  elif [ "${CALLER_CODEC:-pcmu}" = opus ]; then
    # Opus callers: offer opus/48000/2 on payload type 96 only, and replay a capture of Opus packets made
    # by the bridge jar's own libopus (rtp_stream knows fixed-size payloads only); long enough for a run.
    sed -i -e 's|RTP/AVP 0 8 101|RTP/AVP 96 101|' -e 's|a=rtpmap:0 PCMU/8000|a=rtpmap:96 opus/48000/2|' \
        -e '/a=rtpmap:8 PCMA/d' -e 's|<exec rtp_stream="caller.wav,-1,0"/>|<exec play_pcap_audio="caller-opus.pcap"/>|' \
        "$RUN_DIR/caller-rtp.xml" "$RUN_DIR/caller-quiet.xml"
    java -cp "$JAR" "$BENCH_DIR/OpusPcap.java" "$RUN_DIR/caller-opus.pcap" "${OPUS_SECONDS:-300}" || return 1
  else
    python3 "$BENCH_DIR/gen_audio.py" "$RUN_DIR/caller.wav" --seconds 10
  fi
  if [ -n "${TALKERS:-}" ]; then
    # The callers who do not talk (--talkers): the same scenario, sending low noise (-60 dBFS) instead.
    sed -e 's|caller.wav,|caller-noise.wav,|' -e 's|caller-opus.pcap|caller-opus-noise.pcap|' \
        "$RUN_DIR/caller-rtp.xml" >"$RUN_DIR/caller-noise.xml"
    case "${CALLER_CODEC:-pcmu}" in
      g722) java -cp "$JAR" "$BENCH_DIR/G722Wav.java" "$RUN_DIR/caller-noise.wav" 10 noise || return 1 ;;
      opus) java -cp "$JAR" "$BENCH_DIR/OpusPcap.java" "$RUN_DIR/caller-opus-noise.pcap" "${OPUS_SECONDS:-300}" noise || return 1 ;;
      *) python3 "$BENCH_DIR/gen_audio.py" "$RUN_DIR/caller-noise.wav" --seconds 10 --noise-dbfs -60 ;;
    esac
  fi
  for f in caller-rtp caller-quiet caller-noise; do  # --meetings-of: the conference ID from the -inf file's second field
    [ -f "$RUN_DIR/$f.xml" ] || continue
    sed 's/\[service\]/[field1]/g' "$RUN_DIR/$f.xml" >"$RUN_DIR/meetings-$f.xml"
  done
  python3 "$BENCH_DIR/gen_dtmf_pcap.py" '*' "$RUN_DIR/star.pcap" --start-seq 1000 --start-ts 16000 --check >/dev/null || return 1
}

caller_scenario() { [ "$1" = yes ] && echo caller-rtp.xml || echo caller-quiet.xml; }

pin_pcap() {  # pin_pcap PIN OUT: PIN and # as RFC 4733, 1500 ms after star.pcap in the same stream
  # it goes on from star.pcap's 6 sequence numbers (1000-1005) and its timestamp moves on by 1500 ms
  python3 "$BENCH_DIR/gen_dtmf_pcap.py" "$1#" "$2" --start-seq 1006 --start-ts $((16000 + 1500 * 8)) --check >/dev/null
}

write_holds() {  # write_holds FILE N RATE BYERATE END_S: per-call hold times for SIPp's -inf
  # every caller stays through END_S seconds after the first INVITE, then the BYEs leave at BYERATE
  python3 - "$2" "$3" "$4" "$5" >"$1" <<'EOF'
import sys
n, rate, byerate, end_s = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
print("SEQUENTIAL")
for i in range(n):
    print(int(end_s * 1000 + i * 1000 / byerate - i * 1000 / rate))
EOF
}

run_sipp_to() {  # run_sipp_to HOST:PORT TAG TIMEOUT_S ARGS...: SIPp in the run dir, in the background; sets SIPP_PID
  local target=$1 tag=$2 limit=$3; shift 3
  (cd "$RUN_DIR" && exec timeout -s INT -k 15 "$limit" sipp "$target" -i 127.0.0.1 -mi 127.0.0.1 \
      -nostdin -aa -trace_stat -stf "$tag.stat.csv" -fd 1 -trace_err -error_file "$tag.errors.log" \
      -trace_screen -screen_file "$tag.screen.log" -timeout "$limit" "$@" >"$tag.out" 2>&1) &
  SIPP_PID=$!
  track_child "$SIPP_PID"
}

wait_sipp() {  # wait for SIPp ($SIPP_PID); its exit status
  local rc=0
  wait "$SIPP_PID" || rc=$?
  return $rc
}

sipp_process() {  # sipp_process PID: the sipp process run_sipp_to started (a child of its timeout), or 0
  local p
  p=$(pgrep -P "$1" -x sipp | head -1)
  echo "${p:-0}"
}

#!/usr/bin/env bash
# Two-node benchmark of the conference bridge (issue 12): correctness and overhead, not capacity, with
# both nodes, SIPp and tcpdump on this machine's cores.
#
#   bench/cluster.sh [talkers|admission|all] [options]     (run as root: tcpdump, SIPp pcap play)
#
# Nodes: two bridge JVMs in cluster mode on one PostgreSQL, node-2 on 127.0.0.2 and node-3 on 127.0.0.3
# with the same SIP, RTP and admin ports, one pepper (node 3 reads node 2's pepper file), node 2's demo
# meeting. Every step gets a database of its own (bridge_bench_<pid>_<k>, created with the --pg-url
# credentials and dropped at the end) and fresh data directories.
#
# Parts:
#   talkers    one open meeting (no PIN to start, no entry tones, no limit: set through node 2's admin API)
#              of N talkers, SIPp callers sending G.711 like phones: half dial node 2, half node 3
#              ("split"); then the same N all on node 2 alone ("single", the same two SIPp processes).
#              tcpdump of the bridge->caller RTP in a steady window; per-stream gaps (analyze_gaps.py);
#              each node's CPU from /proc/<pid>/stat over the window, and the inter-node legs' packets.
#              Clean: every call answered, N streams seen, p99 gap < --gap-limit. The legs' cost is the
#              split meeting's bridge CPU (both nodes) against the single node's.
#   admission  --lobby silent callers wait in the lobby on node 2 (--lobby-nodes 2,3 splits them), the
#              organizer dials node 3 and types * PIN #; from the # on the wire to each caller's first
#              meeting packet (M=1, analyze_meeting.py on one capture of both nodes), split with the
#              nodes' logs: # -> node 3 started (its log), node 3 started -> node 2 started (the NOTIFY),
#              node 2 started -> its last caller's first meeting packet (node 2's own account).
#   all        talkers, then admission.
#
# Options (defaults in brackets):
#   --jar PATH             bridge jar [bridge-server/target/bridge.jar]; --build builds it first
#   --talkers LIST         meeting sizes, in order, each split and single [1000]; stepping stops after
#                          the first size whose split meeting is not clean
#   --lobby N              callers in the admission part's lobby [500]
#   --lobby-nodes LIST     nodes (2, 3) whose lobbies the callers are spread over [2]
#   --lobby-rtp            the lobby callers send RTP (default: silent)
#   --cold-node3           admission: measure node 3's first meeting start. By default node 3 is warmed first,
#                          as a node in service is: the organizer starts another meeting of theirs there (* PIN #)
#                          and hangs up, so the measured start does not pay the JIT and class loading of a fresh JVM
#   --node2 ADDR --node3 ADDR  the nodes' addresses [127.0.0.2 127.0.0.3]
#   --sip-port N           both nodes' SIP port [15060]
#   --sipp-port N          SIPp's SIP ports on 127.0.0.1: N, N+1 (callers), N+2 (organizer) [15071]; its RTP
#                          ports are 16000, 17000 (callers) and 18000 (organizer): none of them is one that
#                          bench/run.sh uses, and the script refuses to start while one is taken
#   --rtp-min N --rtp-max N  both nodes' RTP port range [20000 29999]
#   --admin-port N         both nodes' admin API port [18480]
#   --ramp-rate CPS        total call rate while callers dial in (half to each SIPp) [200]
#   --settle S             seconds between the last INVITE and the capture [10]
#   --window S             capture seconds [20]
#   --gap-limit MS         p99 gap limit [25]
#   --pg-url URL           PostgreSQL to create the bench databases in, as a JDBC URL with a user that
#                          may CREATE DATABASE; its database is only connected to
#                          [jdbc:postgresql://127.0.0.1:55490/bridge_test?user=bridge_test&password=pw]
#   --keep-db              leave the bench databases (their names are in run.log)
#   --keep-pcap            keep the captures (large) in the results directory
#   --java-opts "..."      JVM options of each node [-Xms1g -Xmx2g]
# Environment BRIDGE_* variables are passed on to both nodes (e.g. BRIDGE_IVR_ORGANIZERSTARWAITMS); the
# flood limits (limits.*) are raised to 100000 as in bench/run.sh, since every SIPp call comes from 127.0.0.1.
#
# Raw outputs go to bench/results/<timestamp>-cluster/; the table at the end is the result.

set -u -o pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)
# shellcheck source=bench/lib.sh
. "$BENCH_DIR/lib.sh"

PART=all
JAR="$REPO_DIR/bridge-server/target/bridge.jar"
BUILD=no
TALKERS="1000"
LOBBY=500
LOBBY_NODES="2"
LOBBY_RTP=no
WARM_NODE3=yes
NODE2=127.0.0.2
NODE3=127.0.0.3
SIP_PORT=15060
SIPP_PORT=15071
RTP_MIN=20000
RTP_MAX=29999
ADMIN_PORT=18480
RAMP_RATE=200
SETTLE=10
WINDOW=20
GAP_LIMIT=25
PG_URL="jdbc:postgresql://127.0.0.1:55490/bridge_test?user=bridge_test&password=pw"
KEEP_DB=no
KEEP_PCAP=no
JAVA_OPTS="-Xms1g -Xmx2g"

usage() { sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
  case "$1" in
    talkers|admission|all) PART=$1 ;;
    --jar) JAR=$2; shift ;;
    --build) BUILD=yes ;;
    --talkers) TALKERS=$2; shift ;;
    --lobby) LOBBY=$2; shift ;;
    --lobby-nodes) LOBBY_NODES=$2; shift ;;
    --lobby-rtp) LOBBY_RTP=yes ;;
    --cold-node3) WARM_NODE3=no ;;
    --node2) NODE2=$2; shift ;;
    --node3) NODE3=$2; shift ;;
    --sip-port) SIP_PORT=$2; shift ;;
    --sipp-port) SIPP_PORT=$2; shift ;;
    --rtp-min) RTP_MIN=$2; shift ;;
    --rtp-max) RTP_MAX=$2; shift ;;
    --admin-port) ADMIN_PORT=$2; shift ;;
    --ramp-rate) RAMP_RATE=$2; shift ;;
    --settle) SETTLE=$2; shift ;;
    --window) WINDOW=$2; shift ;;
    --gap-limit) GAP_LIMIT=$2; shift ;;
    --pg-url) PG_URL=$2; shift ;;
    --keep-db) KEEP_DB=yes ;;
    --keep-pcap) KEEP_PCAP=yes ;;
    --java-opts) JAVA_OPTS=$2; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
  shift
done

case ",$LOBBY_NODES," in
  *,2,*|*,3,*) ;;
  *) echo "bench: --lobby-nodes takes 2, 3 or 2,3 (got: $LOBBY_NODES)" >&2; exit 2 ;;
esac
for v in "$LOBBY" "$RAMP_RATE" "$SETTLE" "$WINDOW" ${TALKERS//,/ }; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "bench: '$v' is not a positive whole number" >&2; exit 2; }
done

need_root_and_tools sipp tcpdump java python3 ss psql curl

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
HOST_SPEED=""
RUN_DIR="$BENCH_DIR/results/$STAMP-cluster"
mkdir -p "$RUN_DIR"
SUMMARY="$RUN_DIR/summary.md"
T_START=$(date +%s)
SIPP_PORT_A=$SIPP_PORT           # callers of the first SIPp (node 2)
SIPP_PORT_B=$((SIPP_PORT + 1))   # callers of the second SIPp (node 3, or node 2 in the single-node step)
ORG_PORT=$((SIPP_PORT + 2))
MEDIA_PORT_A=16000               # SIPp's rtp_stream sockets, below the bridges' range; one per SIPp process
MEDIA_PORT_B=17000
ORGANIZER_MEDIA_PORT=18000

raise_nofile
log "open files limit $(ulimit -n); results in $RUN_DIR"

# ---- PostgreSQL: one database per step -----------------------------------------------------------
# The URL's parts, from jdbc:postgresql://host[:port]/db?user=..&password=..; the password never reaches a log.
read -r PG_HOST PG_PORT PG_DB PG_USER PG_PASSWORD PG_QUERY < <(python3 - "$PG_URL" <<'EOF'
import sys, urllib.parse
url = sys.argv[1]
if not url.startswith("jdbc:postgresql://"):
    sys.exit("bench: --pg-url must be jdbc:postgresql://host:port/database?user=...&password=...")
u = urllib.parse.urlsplit(url[len("jdbc:"):])
q = urllib.parse.parse_qs(u.query)
first = lambda k: q.get(k, [""])[0] or "-"
print(u.hostname or "127.0.0.1", u.port or 5432, u.path.lstrip("/") or "postgres", first("user"), first("password"),
      u.query or "-")
EOF
) || { echo "bench: could not read --pg-url" >&2; exit 2; }
[ "$PG_USER" = - ] && PG_USER=""
[ "$PG_PASSWORD" = - ] && PG_PASSWORD=""
[ "$PG_QUERY" = - ] && PG_QUERY=""
declare -a BENCH_DBS=()
DB_COUNT=0

pg() {  # pg SQL: one statement on the --pg-url database (CREATE/DROP DATABASE run outside a transaction)
  PGPASSWORD="$PG_PASSWORD" PGCONNECT_TIMEOUT=10 psql -h "$PG_HOST" -p "$PG_PORT" ${PG_USER:+-U "$PG_USER"} \
    -d "$PG_DB" -v ON_ERROR_STOP=1 -Atqc "$1"
}

fresh_db() {  # fresh_db: creates the next bench database; sets DB_URL (the nodes' store.jdbcUrl)
  DB_COUNT=$((DB_COUNT + 1))
  local name="bridge_bench_$$_$DB_COUNT"
  pg "CREATE DATABASE $name" >>"$RUN_DIR/run.log" 2>&1 || { log "could not create database $name on $PG_HOST:$PG_PORT"; return 1; }
  BENCH_DBS+=("$name")
  DB_URL="jdbc:postgresql://$PG_HOST:$PG_PORT/$name${PG_QUERY:+?$PG_QUERY}"
  log "database $name created on $PG_HOST:$PG_PORT"
}

drop_dbs() {
  local name
  [ "$KEEP_DB" = yes ] && { [ ${#BENCH_DBS[@]} -gt 0 ] && log "kept databases: ${BENCH_DBS[*]}"; return 0; }
  for name in "${BENCH_DBS[@]:-}"; do
    [ -n "$name" ] || continue
    pg "DROP DATABASE IF EXISTS $name WITH (FORCE)" >>"$RUN_DIR/run.log" 2>&1 || log "could not drop database $name"
  done
  BENCH_DBS=()
}

# ---- the nodes ---------------------------------------------------------------------------------
declare -A NODE_PID=() NODE_DATA=()
CONF_ID=""
ORG_PIN=""

node_addr() { [ "$1" = 2 ] && echo "$NODE2" || echo "$NODE3"; }

start_node() {  # start_node N TAG: node N (2 or 3) on the current database; node 2 first (demo meeting, pepper)
  local n=$1 tag=$2 addr data logf i line pepper_env=()
  addr=$(node_addr "$n")
  if [ ! -f "$JAR" ]; then log "no bridge jar at $JAR (build with: mvn -B -q -o package -DskipTests, or pass --build)"; return 1; fi
  data=$(mktemp -d /tmp/bench-cluster-node$n.XXXXXX)
  NODE_DATA[$n]=$data
  # one pepper for the cluster: PIN hashes made by node 2 are checked on node 3
  [ "$n" = 3 ] && pepper_env=("BRIDGE_SECURITY_PEPPERFILE=${NODE_DATA[2]}/pepper")
  logf="$RUN_DIR/bridge-$tag-node$n.log"
  log "starting node-$n ($tag) on $addr: SIP $SIP_PORT, RTP $RTP_MIN-$RTP_MAX, admin $ADMIN_PORT, data $data"
  # shellcheck disable=SC2086
  env BRIDGE_DATADIR="$data" BRIDGE_SIP_PORT="$SIP_PORT" BRIDGE_SIP_BINDADDRESS="$addr" \
    BRIDGE_SIP_ADVERTISEDADDRESS="$addr" BRIDGE_RTP_BINDADDRESS="$addr" \
    BRIDGE_RTP_PORTMIN="$RTP_MIN" BRIDGE_RTP_PORTMAX="$RTP_MAX" \
    BRIDGE_ADMIN_PORT="$ADMIN_PORT" BRIDGE_ADMIN_BINDADDRESS="$addr" \
    BRIDGE_STORE_JDBCURL="$DB_URL" BRIDGE_CLUSTER_NODEID="node-$n" BRIDGE_CLUSTER_MEDIAADDRESS="$addr" \
    "${pepper_env[@]}" "${BRIDGE_LIMITS_ENV[@]}" \
    java $JAVA_OPTS "-Xlog:gc:file=$RUN_DIR/gc-$tag-node$n.log" -jar "$JAR" >"$logf" 2>&1 &
  NODE_PID[$n]=$!
  for i in $(seq 1 600); do
    if ! kill -0 "${NODE_PID[$n]}" 2>/dev/null; then
      log "node-$n exited at start; last lines of $(basename "$logf"):"; tail -20 "$logf" >&2
      NODE_PID[$n]=""; return 1
    fi
    if ss -Hlun "src $addr:$SIP_PORT" | grep -q . && [ -s "$data/admin-token" ] \
       && curl -s -o /dev/null -m 2 "http://$addr:$ADMIN_PORT/api/nodes" -H "Authorization: Bearer $(cat "$data/admin-token")"; then
      if [ "$n" = 2 ]; then
        line=$(demo_line "$logf")
        [ -n "$line" ] || { sleep 0.1; continue; }
        CONF_ID=$(demo_conference_id "$line")
        ORG_PIN=$(demo_pin "$line")
      fi
      log "node-$n up (pid ${NODE_PID[$n]}) after $((i / 10)).$((i % 10)) s$( [ "$n" = 2 ] && echo ": conference ID $CONF_ID, organizer PIN $( [ -n "$ORG_PIN" ] && echo found || echo MISSING)")"
      return 0
    fi
    sleep 0.1
  done
  log "node-$n did not listen on $addr:$SIP_PORT with its admin API within 60 s"
  return 1
}

admin_get() {  # admin_get N PATH: GET on node N's admin API, the body on stdout
  curl -s -m 5 -H "Authorization: Bearer $(cat "${NODE_DATA[$1]}/admin-token" 2>/dev/null)" \
    "http://$(node_addr "$1"):$ADMIN_PORT$2"
}

cluster_up() {  # both nodes list both nodes as up
  local body i
  for i in $(seq 1 100); do
    body=$(admin_get 2 /api/nodes)
    if [ "$(grep -o '"state":"up"' <<<"$body" | wc -l)" -ge 2 ]; then
      log "node-2's /api/nodes: $body"
      return 0
    fi
    sleep 0.2
  done
  log "the nodes did not both show up in node-2's /api/nodes within 20 s: $body"
  return 1
}

meeting_counts() {  # meeting_counts N: the bench meeting's participants and lobby, in all and per node, from node N's API
  admin_get "$1" "/api/meetings/$CONF_ID" | python3 -c 'import json,sys
try:
    d=json.load(sys.stdin)
except ValueError:
    print("? ? (no answer)"); sys.exit()
nodes=", ".join("%s: %s/%s" % (n.get("nodeId"), n.get("participantCount"), n.get("lobbyCount")) for n in d.get("nodes") or [])
print("%s in / %s waiting (%s)" % (d.get("participantCount", "?"), d.get("lobbyCount", "?"), nodes or "no node"))'
}

stop_nodes() {
  local n
  for n in 3 2; do
    if [ -n "${NODE_PID[$n]:-}" ]; then
      log "stopping node-$n (pid ${NODE_PID[$n]})"
      stop_pid "${NODE_PID[$n]}"
      NODE_PID[$n]=""
    fi
  done
  for n in 3 2; do
    if [ -n "${NODE_DATA[$n]:-}" ]; then rm -rf "${NODE_DATA[$n]}"; NODE_DATA[$n]=""; fi
  done
}

cleanup() {
  stop_children
  stop_nodes
  drop_dbs
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

# the nodes of one step: a fresh database, node 2, and node 3 when NODES is "2 3"
start_cluster() {  # start_cluster TAG NODES
  local tag=$1 nodes=$2
  fresh_db || return 1
  start_node 2 "$tag" || return 1
  if [ "$nodes" = "2 3" ]; then
    start_node 3 "$tag" || return 1
    cluster_up || return 1
  fi
}

end_step() {  # stop the step's SIPp/tcpdump leftovers and nodes; drop its database
  stop_children
  stop_nodes
  drop_dbs
}

# ---- part: one meeting of N talkers, split over the two nodes and on one --------------------------
TALKER_ROWS=""
declare -A STEP_CPU=() STEP_CLEAN=()
TALKERS_BEST=""

talkers_step() {  # talkers_step N MODE(split|single)
  local n=$1 mode=$2
  local tag="talkers-$n-$mode" half_a half_b ramp end_s byerate limit rate_a rate_b
  local target_b cap_pid legs_pid sa sb t0 t1 c2a c2b c3a c3b sa0 sa1 sb0 sb1 m0 mt0 m1 mt1 cpu2 cpu3 cpu_sipp machine
  local idle2 idle3 counts json legs_json line pass reason ok failed row
  half_a=$(( (n + 1) / 2 )); half_b=$(( n / 2 ))
  rate_a=$(( (RAMP_RATE + 1) / 2 )); rate_b=$(( RAMP_RATE / 2 )); [ "$rate_b" -ge 1 ] || rate_b=1
  ramp=$(( (half_a + rate_a - 1) / rate_a ))
  end_s=$((ramp + SETTLE + WINDOW + 3))
  byerate=$((rate_a * 2))
  limit=$((end_s + half_a / byerate + 25))
  if [ "$mode" = split ]; then
    start_cluster "$tag" "2 3" || { TALKER_ROWS+="| $n | $mode | (nodes did not start) |"$'\n'; end_step; return 1; }
    target_b="$NODE3:$SIP_PORT"
  else
    start_cluster "$tag" "2" || { TALKER_ROWS+="| $n | $mode | (node did not start) |"$'\n'; end_step; return 1; }
    target_b="$NODE2:$SIP_PORT"
  fi
  open_meeting_at "$NODE2:$ADMIN_PORT" "${NODE_DATA[2]}/admin-token" "$CONF_ID" "$RUN_DIR/$tag.open-meeting.json" \
    || { TALKER_ROWS+="| $n | $mode | (could not open the meeting) |"$'\n'; end_step; return 1; }
  # what the nodes cost doing nothing (JVM, clocks, heartbeat), over 5 s before any call
  t0=$(date +%s.%N); c2a=$(cpu_ticks "${NODE_PID[2]}"); c3a=$(cpu_ticks "${NODE_PID[3]:-0}")
  sleep 5
  t1=$(date +%s.%N); c2b=$(cpu_ticks "${NODE_PID[2]}"); c3b=$(cpu_ticks "${NODE_PID[3]:-0}")
  idle2=$(cpu_percent "$c2a" "$c2b" "$t0" "$t1"); idle3=$(cpu_percent "$c3a" "$c3b" "$t0" "$t1")
  write_holds "$RUN_DIR/hold-$tag-a.csv" "$half_a" "$rate_a" "$byerate" "$end_s"
  write_holds "$RUN_DIR/hold-$tag-b.csv" "$half_b" "$rate_b" "$byerate" "$end_s"
  log "$tag: $half_a talkers to $NODE2, $half_b to ${target_b%:*} at $RAMP_RATE cps (ramp ${ramp}s), capture ${WINDOW}s after ${SETTLE}s settle"
  run_sipp_to "$NODE2:$SIP_PORT" "$tag-a" "$limit" -sf caller-rtp.xml -inf "hold-$tag-a.csv" -s "$CONF_ID" \
    -p "$SIPP_PORT_A" -mp "$MEDIA_PORT_A" -m "$half_a" -r "$rate_a" -l $((half_a + 10)) -rtp_threadtasks 50
  sa=$SIPP_PID
  run_sipp_to "$target_b" "$tag-b" "$limit" -sf caller-rtp.xml -inf "hold-$tag-b.csv" -s "$CONF_ID" \
    -p "$SIPP_PORT_B" -mp "$MEDIA_PORT_B" -m "$half_b" -r "$rate_b" -l $((half_b + 10)) -rtp_threadtasks 50
  sb=$SIPP_PID
  sleep $((ramp + SETTLE))
  counts=$(meeting_counts 2)
  log "$tag: meeting $CONF_ID per node-2's API: $counts"
  # bridge->caller audio, and (a second, small capture) the inter-node legs
  tcpdump -i lo -n -B 131072 -s 96 -w "$RUN_DIR/$tag.pcap" \
    "udp and src portrange $RTP_MIN-$RTP_MAX and dst host 127.0.0.1 and (src host $NODE2 or src host $NODE3)" \
    2>"$RUN_DIR/$tag.tcpdump.err" &
  cap_pid=$!; track_child "$cap_pid"
  tcpdump -i lo -n -B 4096 -s 96 -w "$RUN_DIR/$tag.legs.pcap" \
    "udp and src portrange $RTP_MIN-$RTP_MAX and dst portrange $RTP_MIN-$RTP_MAX and ((src host $NODE2 and dst host $NODE3) or (src host $NODE3 and dst host $NODE2))" \
    2>"$RUN_DIR/$tag.legs.tcpdump.err" &
  legs_pid=$!; track_child "$legs_pid"
  local pa pb
  pa=$(sipp_process "$sa"); pb=$(sipp_process "$sb")
  t0=$(date +%s.%N); c2a=$(cpu_ticks "${NODE_PID[2]}"); c3a=$(cpu_ticks "${NODE_PID[3]:-0}")
  sa0=$(cpu_ticks "$pa"); sb0=$(cpu_ticks "$pb"); read -r m0 mt0 < <(machine_ticks)
  sleep "$WINDOW"
  t1=$(date +%s.%N); c2b=$(cpu_ticks "${NODE_PID[2]}"); c3b=$(cpu_ticks "${NODE_PID[3]:-0}")
  sa1=$(cpu_ticks "$pa"); sb1=$(cpu_ticks "$pb"); read -r m1 mt1 < <(machine_ticks)
  stop_pid "$cap_pid" INT; stop_pid "$legs_pid" INT
  cpu2=$(cpu_percent "$c2a" "$c2b" "$t0" "$t1"); cpu3=$(cpu_percent "$c3a" "$c3b" "$t0" "$t1")
  cpu_sipp=$(cpu_percent $((sa0 + sb0)) $((sa1 + sb1)) "$t0" "$t1")
  machine=$(python3 -c "print('%.0f' % (($m1 - $m0) / max(1, $mt1 - $mt0) * 100))")
  STEP_CPU[$n-$mode]=$((cpu2 + cpu3))
  log "$tag: capture done (node-2 ${cpu2}%, node-3 ${cpu3}% of a core; idle before the calls ${idle2}% / ${idle3}%; SIPp ${cpu_sipp}%; all cores ${machine}% busy; load $(cut -d' ' -f1-3 /proc/loadavg)); analysing"
  json="$RUN_DIR/$tag.gaps.json"
  line=$(python3 "$BENCH_DIR/analyze_gaps.py" "$RUN_DIR/$tag.pcap" --portmin "$RTP_MIN" --portmax "$RTP_MAX" \
    --dst-ip 127.0.0.1 --tcpdump-log "$RUN_DIR/$tag.tcpdump.err" --expect-streams "$n" --json "$json" 2>&1)
  log "$tag: $line"
  legs_json="$RUN_DIR/$tag.legs.json"
  line=$(python3 "$BENCH_DIR/analyze_gaps.py" "$RUN_DIR/$tag.legs.pcap" --portmin "$RTP_MIN" --portmax "$RTP_MAX" \
    --tcpdump-log "$RUN_DIR/$tag.legs.tcpdump.err" --json "$legs_json" 2>&1)
  log "$tag: inter-node legs: $line"
  [ "$KEEP_PCAP" = yes ] || rm -f "$RUN_DIR/$tag.pcap" "$RUN_DIR/$tag.legs.pcap"
  SIPP_PID=$sa; wait_sipp; SIPP_PID=$sb; wait_sipp
  ok=0; failed=0
  local side o f
  for side in a b; do
    python3 "$BENCH_DIR/sipp_stats.py" --stat "$RUN_DIR/$tag-$side.stat.csv" --json "$RUN_DIR/$tag-$side.sipp.json" \
      | tee -a "$RUN_DIR/run.log" >&2
    read -r o f < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["successful"], d["failed"])' \
      "$RUN_DIR/$tag-$side.sipp.json" 2>/dev/null || echo "0 ?")
    ok=$((ok + o)); [ "$f" = "?" ] && failed="?" || { [ "$failed" = "?" ] || failed=$((failed + f)); }
  done
  local streams p50 p99 mx worst drops missing by_node legs
  read -r streams p50 p99 mx worst drops missing by_node < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
by=d.get("by_src_ip") or {}
nodes=", ".join("%s: %d streams, p99 %.1f" % (ip.split(".")[-1], f["streams"], f["gap_p99_ms"]) for ip, f in sorted(by.items())) or "-"
print(d["streams"], "%.1f" % d["gap_p50_ms"], "%.1f" % d["gap_p99_ms"], "%.1f" % d["gap_max_ms"], "%.1f" % d["worst_stream_p99_ms"],
      d["tcpdump_dropped"], d["rtp_seq_missing"], nodes.replace(" ", "_"))' "$json" 2>/dev/null || echo "0 nan nan nan nan ? ? -")
  legs=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); w=float(sys.argv[2])
print("none" if not d["streams"] else "%d streams, %.0f packets/s, p99 gap %.1f ms, seq missing %d" % (d["streams"], d["packets"] / w, d["gap_p99_ms"], d["rtp_seq_missing"]))' \
    "$legs_json" "$WINDOW" 2>/dev/null || echo "?")
  pass=yes; reason=""
  if [ "$failed" != 0 ] || [ "$ok" != "$n" ]; then pass=no; reason+="calls failed ($failed failed, $ok ok); "; fi
  if [ "$streams" -lt "$n" ]; then pass=no; reason+="only $streams of $n streams seen; "; fi
  if ! python3 -c "import sys; sys.exit(0 if float('$p99') < $GAP_LIMIT else 1)"; then pass=no; reason+="p99 gap $p99 ms >= $GAP_LIMIT; "; fi
  if [ "$mode" = split ] && [[ "$legs" != 2\ streams* ]]; then pass=no; reason+="inter-node legs: $legs; "; fi
  if [ "$drops" != 0 ] && [ "$drops" != None ]; then reason+="tcpdump dropped $drops; "; fi
  STEP_CLEAN[$n-$mode]=$pass
  TALKER_ROWS+="| $n | $mode | $counts | $streams | $ok / $failed | $p50 | $p99 | $mx | $worst | ${by_node//_/ } | $missing | $drops | $legs | ${cpu2}% | $( [ "$mode" = split ] && echo "${cpu3}%" || echo -) | $((cpu2 + cpu3))% | ${idle2}% / $( [ "$mode" = split ] && echo "${idle3}%" || echo -) | ${cpu_sipp}% | ${machine}% | $pass |"$'\n'
  [ "$pass" = yes ] || log "$tag: not clean: $reason"
  end_step
}

part_talkers() {
  local n
  for n in ${TALKERS//,/ }; do
    talkers_step "$n" split
    talkers_step "$n" single
    if [ "${STEP_CLEAN[$n-split]:-no}" = yes ]; then
      TALKERS_BEST=$n
    else
      log "talkers: the split meeting of $n is not clean; not stepping further"
      break
    fi
  done
}

# ---- part: cross-node admission of a lobby ------------------------------------------------------
ADMISSION_ROW=""

log_epoch() {  # log_epoch LOG REGEX: the wall-clock time (s since the epoch) of the first log line matching REGEX
  local line
  line=$(grep -a -m1 -E "$2" "$1" 2>/dev/null) || { echo nan; return; }
  python3 - "$line" <<'EOF'
import datetime, sys, time
# logback's %d{HH:mm:ss.SSS}, in the JVM's time zone (this machine's), today
h, m, s = sys.argv[1].split()[0].split(":")
day = datetime.date.today()
t = datetime.datetime(day.year, day.month, day.day, int(h), int(m), int(float(s)))
print("%.3f" % (time.mktime(t.timetuple()) + float(s) % 1))
EOF
}

warm_node3() {  # warm_node3 TAG: the organizer starts another meeting of theirs on node 3 with * PIN #, then hangs up
  local tag=$1 email warm
  email=$(admin_get 2 "/api/meetings/$CONF_ID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["organizerEmail"])') \
    || { log "admission: no organizer e-mail for $CONF_ID"; return 1; }
  warm=$(curl -s -m 5 -X POST -H "Authorization: Bearer $(cat "${NODE_DATA[2]}/admin-token")" -H 'Content-Type: application/json' \
    --data "{\"organizerEmail\":\"$email\"}" "http://$NODE2:$ADMIN_PORT/api/meetings" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["conferenceId"])') || { log "admission: could not create the warm-up meeting"; return 1; }
  log "admission: warming node-3: the organizer starts meeting $warm there and hangs up"
  run_sipp_to "$NODE3:$SIP_PORT" "$tag-warm-up" 60 -sf organizer.xml -s "$warm" -p "$ORG_PORT" \
    -mp "$ORGANIZER_MEDIA_PORT" -m 1 -d 8000
  wait_sipp || { log "admission: the warm-up call failed (see $tag-warm-up.errors.log)"; return 1; }
}

part_admission() {
  local n=$LOBBY tag=admission cap_pid ramp lobby_wait hold_ms nodes_a nodes_b half_a half_b rate pids=() counts
  local scenario line said2 split2 split3 t_pound t_start3 t_start2
  start_cluster "$tag" "2 3" || { ADMISSION_ROW="| (nodes did not start) |"; end_step; return 1; }
  pin_pcap "$ORG_PIN" "$RUN_DIR/pin.pcap" || { log "admission: could not make the PIN pcap"; ADMISSION_ROW="| (no PIN pcap) |"; end_step; return 1; }
  scenario=$(caller_scenario "$LOBBY_RTP")
  rate=$RAMP_RATE
  if [ "$WARM_NODE3" = yes ]; then
    warm_node3 "$tag" || { ADMISSION_ROW="| (node 3 not warmed) |"; end_step; return 1; }
  fi
  case "$LOBBY_NODES" in
    2) half_a=$n; half_b=0 ;;
    3) half_a=0; half_b=$n ;;
    *) half_a=$(( (n + 1) / 2 )); half_b=$(( n / 2 )) ;;
  esac
  ramp=$(( (n + rate - 1) / rate ))
  lobby_wait=$((ramp + 12))      # star offer (3 s) + "has not started" prompt, then hold music
  hold_ms=$(( (lobby_wait + 20) * 1000 ))
  printf 'SEQUENTIAL\n%s\n' "$hold_ms" >"$RUN_DIR/hold-$tag.csv"
  tcpdump -i lo -n -B 65536 -s 96 -w "$RUN_DIR/$tag.pcap" \
    "udp and (src portrange $RTP_MIN-$RTP_MAX or dst portrange $RTP_MIN-$RTP_MAX)" 2>"$RUN_DIR/$tag.tcpdump.err" &
  cap_pid=$!; track_child "$cap_pid"
  sleep 1
  log "admission: $half_a callers into node-2's lobby, $half_b into node-3's (caller RTP $LOBBY_RTP), meeting $CONF_ID"
  if [ "$half_a" -gt 0 ]; then
    run_sipp_to "$NODE2:$SIP_PORT" "$tag-callers-a" $((hold_ms / 1000 + ramp + 60)) -sf "$scenario" -inf "hold-$tag.csv" \
      -s "$CONF_ID" -p "$SIPP_PORT_A" -mp "$MEDIA_PORT_A" -m "$half_a" -r $(( rate * half_a / n > 0 ? rate * half_a / n : 1 )) -l $((half_a + 5))
    pids+=("$SIPP_PID")
  fi
  if [ "$half_b" -gt 0 ]; then
    run_sipp_to "$NODE3:$SIP_PORT" "$tag-callers-b" $((hold_ms / 1000 + ramp + 60)) -sf "$scenario" -inf "hold-$tag.csv" \
      -s "$CONF_ID" -p "$SIPP_PORT_B" -mp "$MEDIA_PORT_B" -m "$half_b" -r $(( rate * half_b / n > 0 ? rate * half_b / n : 1 )) -l $((half_b + 5))
    pids+=("$SIPP_PID")
  fi
  sleep "$lobby_wait"
  counts=$(meeting_counts 3)
  log "admission: meeting $CONF_ID per node-3's API before the PIN: $counts"
  log "admission: the organizer dials node-3 and types * PIN #"
  run_sipp_to "$NODE3:$SIP_PORT" "$tag-organizer" 60 -sf organizer.xml -s "$CONF_ID" -p "$ORG_PORT" \
    -mp "$ORGANIZER_MEDIA_PORT" -m 1 -d 8000
  wait_sipp; log "admission: organizer sipp exit $?"
  local pid ok=0 failed=0 o f side
  for pid in "${pids[@]}"; do SIPP_PID=$pid; wait_sipp; done
  log "admission: callers' sipp done"
  stop_pid "$cap_pid" INT
  for side in a b; do
    [ -f "$RUN_DIR/$tag-callers-$side.stat.csv" ] || continue
    python3 "$BENCH_DIR/sipp_stats.py" --stat "$RUN_DIR/$tag-callers-$side.stat.csv" --json "$RUN_DIR/$tag-callers-$side.sipp.json" \
      | tee -a "$RUN_DIR/run.log" >&2
    read -r o f < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["successful"], d["failed"])' \
      "$RUN_DIR/$tag-callers-$side.sipp.json" 2>/dev/null || echo "0 0")
    ok=$((ok + o)); failed=$((failed + f))
  done
  line=$(python3 "$BENCH_DIR/analyze_meeting.py" "$RUN_DIR/$tag.pcap" --portmin "$RTP_MIN" --portmax "$RTP_MAX" \
    --expect-callers "$n" --json "$RUN_DIR/$tag.json" 2>&1)
  log "admission: $line"
  [ "$KEEP_PCAP" = yes ] || rm -f "$RUN_DIR/$tag.pcap"
  # the nodes' own accounts (bench-read log lines of Meeting and LobbyAdmission)
  local log2="$RUN_DIR/bridge-$tag-node2.log" log3="$RUN_DIR/bridge-$tag-node3.log"
  said2=$(grep -a -o -E "meeting $CONF_ID started by the organizer on another node; admitting [0-9]+" "$log2" | head -1 | grep -o -E '[0-9]+$' || true)
  split2=$(grep -a -o -E 'lobby of [0-9]+ admitted; # -> PIN verified [^;]+; verified -> first caller [0-9.]+ ms, verified -> last caller [0-9.]+ ms' "$log2" | head -1 || true)
  split3=$(grep -a -o -E 'lobby of [0-9]+ admitted; # -> PIN verified [^;]+; verified -> first caller [0-9.]+ ms, verified -> last caller [0-9.]+ ms' "$log3" | head -1 || true)
  t_start3=$(log_epoch "$log3" "meeting $CONF_ID started by the organizer;")
  t_start2=$(log_epoch "$log2" "meeting $CONF_ID started by the organizer on another node")
  log "admission: node-2 says: admitting ${said2:-?}; ${split2:-no lobby line}; node-3 says: ${split3:-no lobby line}"
  ADMISSION_ROW=$(python3 - "$RUN_DIR/$tag.json" "$n" "$ok" "$failed" "$t_start3" "$t_start2" "$split2" "$split3" "${said2:-}" <<'EOF'
import json, math, re, sys
d = json.load(open(sys.argv[1]))
n, ok, failed = int(sys.argv[2]), sys.argv[3], sys.argv[4]
t3, t2 = float(sys.argv[5]), float(sys.argv[6])
split2, split3, said2 = sys.argv[7], sys.argv[8], sys.argv[9]
f = lambda v: "-" if v is None or (isinstance(v, float) and math.isnan(v)) else "%.0f" % v
pound = d.get("pound_at")
last = lambda s: (re.search(r"verified -> last caller ([0-9.]+) ms", s) or [None, None])[1]
by = d.get("by_node") or {}
per_node = ", ".join("%s: %d/%d, last %s" % (ip.split(".")[-1], v.get("admitted", 0), v.get("callers", 0), f(v.get("last_admit_ms")))
                     for ip, v in sorted(by.items())) or "-"
print("| %s | %d / %d | %s | %s / %s / %s | %s | %s | %s | %s | %s | %s | %s ok, %s failed |" % (
    d.get("dtmf_keys_sent", "-"), d.get("admitted", 0), n, per_node,
    f(d.get("first_admit_ms")), f(d.get("median_admit_ms")), f(d.get("last_admit_ms")),
    f(d.get("organizer_first_marker_after_start_ms")),
    f(None if pound is None or math.isnan(t3) else (t3 - pound) * 1000),
    f(None if math.isnan(t3) or math.isnan(t2) else (t2 - t3) * 1000),
    last(split2) or "-", said2 or "-",
    d.get("admission_order_inversions", "-"), ok, failed))
EOF
)
  end_step
}

# ---- main ------------------------------------------------------------------------------------
if [ "$BUILD" = yes ]; then
  log "building the bridge"
  (cd "$REPO_DIR" && nice -n 19 mvn -B -q -o package -DskipTests) >"$RUN_DIR/build.log" 2>&1 || { log "build failed, see build.log"; exit 1; }
fi
prepare_media || { log "could not prepare media files"; exit 1; }
# another benchmark (bench/run.sh, a second cluster.sh) on the same ports would fail this one's calls, and
# its CPU would be in this one's figures: refuse to start beside it
ports_taken() {  # ports_taken: the UDP addresses this run binds that something else holds
  local a p
  for a in "$NODE2:$SIP_PORT" "$NODE3:$SIP_PORT"; do
    ss -Hlun "src $a" | grep -q . && echo "$a"
  done
  for p in "$SIPP_PORT_A" "$SIPP_PORT_B" "$ORG_PORT" "$MEDIA_PORT_A" "$MEDIA_PORT_B" "$ORGANIZER_MEDIA_PORT"; do
    ss -Hlun "sport = :$p" | grep -q . && echo "127.0.0.1:$p"
  done
}
TAKEN=$(ports_taken | tr '\n' ' ')
[ -z "$TAKEN" ] || { log "already in use: $TAKEN- is another benchmark running? stop it first"; exit 1; }
OTHERS=$(pgrep -x sipp | wc -l)
[ "$OTHERS" = 0 ] || log "warning: $OTHERS other SIPp process(es) running: their load is in this run's figures"
log "measuring this host's speed (bench/HostSpeed.java, ~8 s)"
HOST_SPEED=$(host_speed)

case "$PART" in
  talkers) part_talkers ;;
  admission) part_admission ;;
  all) part_talkers; part_admission ;;
esac

{
  echo "# Two-node bridge benchmark $STAMP"
  echo
  echo "Command: bench/cluster.sh $PART --talkers $TALKERS --lobby $LOBBY --lobby-nodes $LOBBY_NODES --ramp-rate $RAMP_RATE --window $WINDOW"
  echo
  echo "Load average before the run: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg) (both nodes, SIPp and tcpdump share the machine)"
  echo
  [ -n "$HOST_SPEED" ] && echo "Host speed (bench/HostSpeed.java, one core, idle): $HOST_SPEED" && echo
  [ "$OTHERS" = 0 ] || { echo "**Warning:** $OTHERS other SIPp process(es) were running when this run started: their load is in these figures."; echo; }
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM; each node's JVM: $JAVA_OPTS; SIPp $(sipp -v 2>&1 | grep -o 'v[0-9.]*' | head -1); PostgreSQL at $PG_HOST:$PG_PORT; nodes on $NODE2 and $NODE3, SIPp on 127.0.0.1"
  echo
  if [ -n "$TALKER_ROWS" ]; then
    echo "## One meeting of N talkers: split over node-2 and node-3, and all on node-2 alone (callers send G.711, 50 pps each way; ${WINDOW}s capture)"
    echo
    echo "| talkers | nodes | in / waiting (per node: in/waiting), node-2's API | streams seen | calls ok / failed | gap p50 ms | gap p99 ms | gap max ms | worst stream p99 ms | per node: streams, p99 ms | RTP seq missing | tcpdump drops | inter-node legs | node-2 CPU | node-3 CPU | bridges' CPU (1 core = 100%) | idle before the calls, node-2 / node-3 | SIPp CPU | machine busy (2 cores = 100%) | clean (p99 < ${GAP_LIMIT} ms) |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
    printf '%s' "$TALKER_ROWS"
    echo
    for n in ${TALKERS//,/ }; do
      [ -n "${STEP_CPU[$n-split]:-}" ] && [ -n "${STEP_CPU[$n-single]:-}" ] || continue
      echo "- $n talkers: two nodes ${STEP_CPU[$n-split]}% of a core, one node ${STEP_CPU[$n-single]}%: the split costs $(( ${STEP_CPU[$n-split]} - ${STEP_CPU[$n-single]} )) points ($(python3 -c "print('%+.0f' % ((${STEP_CPU[$n-split]} - ${STEP_CPU[$n-single]}) / max(1, ${STEP_CPU[$n-single]}) * 100))") %), the second JVM's idle cost and the legs included"
    done
    echo
    echo "Largest split meeting with every call up, every stream's audio seen, p99 gap < ${GAP_LIMIT} ms and both legs flowing: **${TALKERS_BEST:-none}**"
    echo
  fi
  if [ -n "$ADMISSION_ROW" ]; then
    echo "## Cross-node admission: $LOBBY callers in the lobby (on node $LOBBY_NODES; caller RTP: $LOBBY_RTP), the organizer types * PIN # on node-3 ($( [ "$WARM_NODE3" = yes ] && echo "node 3 warmed by a start of another meeting before" || echo "node 3 cold: its first meeting start"))"
    echo
    echo "| organizer keys (digits masked) | admitted (M=1 after #) | per node: admitted/waiting, # -> last ms | # -> first / median / last caller's first meeting packet ms (capture) | # -> organizer's first meeting packet ms | # -> node-3 started ms (its log) | node-3 started -> node-2 started ms (logs) | node-2 started -> its last caller's first meeting packet ms (its log) | node-2: admitting (its log) | admission order inversions | caller calls |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    echo "$ADMISSION_ROW"
    echo
    echo "Log times are logback's milliseconds on the machine's clock, as tcpdump's; a node's \"started\" line is written as its part starts, before it admits."
    echo
  fi
  echo "Total time: $(elapsed) s. Raw outputs: bench/results/$STAMP-cluster/"
} >"$SUMMARY"
echo
cat "$SUMMARY"

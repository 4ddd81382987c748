#!/usr/bin/env bash
# SIPVicious against a locally started bridge (issue 9 §5): svmap finds it, svwar enumerates
# extensions, svcrack tries a 1,000-word list that contains the right password of a SIP digest
# account. PASS when svcrack does not find the password; FAIL otherwise (or when a tool is
# missing or the bridge does not start). Everything runs on 127.0.0.1; output goes to
# bench/security/out/ (one .log per tool, bridge.log) and the verdict to stdout.
#
#   bash bench/security/run.sh            # builds bridge-server/target/bridge.jar if missing
#
# Needs: java 17, the Debian package sipvicious (svmap/svwar/svcrack, or sipvicious_svmap/... in
# newer releases), curl, python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
out=$repo/bench/security/out
mkdir -p "$out"

log() { echo "[security] $*"; }
fail() { echo "[security] FAIL: $*"; exit 1; }

tool() { # sipvicious 0.3.3 (Debian 12) names them svmap...; 0.3.4+ sipvicious_svmap...
    if command -v "sipvicious_$1" >/dev/null 2>&1; then echo "sipvicious_$1";
    elif command -v "$1" >/dev/null 2>&1; then echo "$1";
    else fail "$1 not found: apt-get install -y sipvicious"; fi
}
svmap=$(tool svmap); svwar=$(tool svwar); svcrack=$(tool svcrack)
command -v curl >/dev/null || fail "curl not found"

jar=$repo/bridge-server/target/bridge.jar
if [[ ! -f $jar ]]; then
    log "building $jar"
    mvn -B -q -o -pl bridge-server -am package -DskipTests
fi

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() { local p=$1; while ! port_free "$p"; do p=$((p + 1)); done; echo "$p"; }
sip_port=$(pick_port 25060)
admin_port=$(pick_port 28080)
rtp_min=$(( (RANDOM % 200) * 100 + 30000 ))

data=$(mktemp -d /tmp/bridge-security.XXXXXX)
token=security-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
password=$(od -An -N6 -tx2 /dev/urandom | tr -d ' ')   # 12 hex digits: in the list, not guessable
username=1001
bridge_pid=""
cleanup() {
    if [[ -n $bridge_pid ]]; then kill "$bridge_pid" 2>/dev/null || true; wait "$bridge_pid" 2>/dev/null || true; fi
    rm -rf "$data"
}
trap cleanup EXIT

log "starting the bridge: SIP udp/tcp 127.0.0.1:$sip_port, admin 127.0.0.1:$admin_port, data $data"
BRIDGE_DATADIR=$data BRIDGE_SIP_PORT=$sip_port BRIDGE_SIP_TLS=false BRIDGE_ADMIN_PORT=$admin_port \
BRIDGE_ADMIN_TOKEN=$token BRIDGE_RTP_PORTMIN=$rtp_min BRIDGE_RTP_PORTMAX=$((rtp_min + 99)) \
    java -jar "$jar" > "$out/bridge.log" 2>&1 &
bridge_pid=$!
api() { curl -s -o "$out/api.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
            -H 'Content-Type: application/json' -X "$1" "http://127.0.0.1:$admin_port$2" ${3:+-d "$3"}; }
for _ in $(seq 1 120); do
    [[ $(api GET /api/settings 2>/dev/null || true) == 200 ]] && break
    kill -0 "$bridge_pid" 2>/dev/null || { cat "$out/bridge.log"; fail "the bridge did not start"; }
    sleep 0.5
done
[[ $(api GET /api/settings) == 200 ]] || fail "the admin API did not come up (see $out/bridge.log)"

email=security.organizer@example.com
[[ $(api POST /api/users "{\"email\":\"$email\",\"displayName\":\"Security Organizer\",\"sendEmail\":false}") == 20* ]] \
    || fail "creating the organizer: $(cat "$out/api.json")"
[[ $(api PUT "/api/users/$email/sip-credentials" "{\"username\":\"$username\",\"password\":\"$password\"}") == 200 ]] \
    || fail "setting SIP credentials: $(cat "$out/api.json")"
log "SIP digest account $username in realm confbridge (password not shown)"

# 999 plausible passwords and the right one at a random place: 1,000 words.
words=$out/wordlist.txt
python3 - "$words" "$password" <<'PY'
import random, sys
path, right = sys.argv[1], sys.argv[2]
rng = random.Random(9)
base = ["password", "123456", "admin", "secret", "welcome", "letmein", "qwerty", "changeme", "voip", "sip"]
words = base + [f"{rng.choice(base)}{rng.randrange(10000)}" for _ in range(989)]
words = list(dict.fromkeys(words))
while len(words) < 999:
    words.append(f"{rng.randrange(16**12):012x}")
words.insert(rng.randrange(len(words) + 1), right)
open(path, "w").write("\n".join(words[:1000] if right in words[:1000] else words[:999] + [right]) + "\n")
PY
log "word list: $(wc -l < "$words") words, the right password at line $(grep -n -x "$password" "$words" | cut -d: -f1)"

target=127.0.0.1
log "svmap: $svmap $target -p $sip_port"
timeout 60 "$svmap" "$target" -p "$sip_port" > "$out/svmap.log" 2>&1 || true
cat "$out/svmap.log"

log "svwar: $svwar -e 1000-1010 -m INVITE and -m REGISTER"
{ timeout 120 "$svwar" -e 1000-1010 -m INVITE -p "$sip_port" "$target" 2>&1 || true
  timeout 120 "$svwar" -e 1000-1010 -m REGISTER -p "$sip_port" "$target" 2>&1 || true; } > "$out/svwar.log"
cat "$out/svwar.log"

log "svcrack: $svcrack -u $username -d wordlist (1,000 words)"
started=$SECONDS
timeout 600 "$svcrack" -u "$username" -d "$words" -p "$sip_port" "$target" > "$out/svcrack.log" 2>&1 || true
log "svcrack ran $((SECONDS - started)) s"
sed -i "s/$password/<the right password>/g" "$out/svcrack.log"
cat "$out/svcrack.log"
crack_log=$out/svcrack.log
if grep -q "Unknown algorithm" "$out/svcrack.log"; then
    # svcrack 0.3.3 answers only the first challenge, and the bridge offers SHA-256 first: it never
    # tried a word. Try them all its way, answering the MD5 challenge the bridge also offers.
    log "svcrack cannot answer a SHA-256 challenge: the same 1,000 words through digest_crack.py (MD5)"
    started=$SECONDS
    timeout 1800 python3 bench/security/digest_crack.py "$target" "$sip_port" "$username" "$words" \
        > "$out/digest_crack.log" 2>&1 || true
    log "digest_crack ran $((SECONDS - started)) s"
    sed -i "s/$password/<the right password>/g" "$out/digest_crack.log"
    cat "$out/digest_crack.log"
    crack_log=$out/digest_crack.log
    grep -q "attempts" "$crack_log" || fail "digest_crack did not run (see $crack_log)"
fi
kill -0 "$bridge_pid" 2>/dev/null || fail "the bridge died during the run (see $out/bridge.log)"

if grep -q "<the right password>" "$crack_log"; then
    echo "[security] FAIL: the dictionary attack found the password of SIP account $username ($(basename "$crack_log"))"
    exit 1
fi
echo "[security] PASS: the dictionary attack did not find the password of SIP account $username in 1,000 words ($(basename "$crack_log"))"

#!/usr/bin/env bash
# Generates the built-in voice prompts of the bridge from text.
#
# Output: bridge-core/src/main/resources/prompts/<lang>/<file>.wav, 16 kHz mono 16-bit PCM WAV
# (wideband: G.722 callers hear it up to 7 kHz; the bridge resamples it to 8 kHz for G.711 when it
# loads the prompts), leading/trailing silence trimmed (then 60 ms of silence put back so the
# first syllable is not clipped by a late RTP start), normalised to -3 dBFS. The WAVs are
# committed to the repository, so building or running the bridge needs no speech synthesiser.
#
# To regenerate (needs espeak-ng and sox on PATH):
#     scripts/generate-prompts.sh            # from anywhere inside the repository
# then review (e.g. `play bridge-core/src/main/resources/prompts/zh/welcome.wav`) and commit.
#
# The English texts must stay identical to io.confbridge.prompt.Prompt#englishText();
# PromptScriptConsistencyTest in bridge-core fails when they drift apart. When adding a Prompt
# constant, add a line to BOTH tables below (file stem, then text).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out_root="$repo_root/bridge-core/src/main/resources/prompts"

# file stem | English text (American English voice)
read -r -d '' ENGLISH <<'TABLE' || true
welcome|Welcome. Please enter your conference ID, followed by the pound key.
enter-conference-id|Please enter your conference ID, followed by the pound key.
conference-id-not-found|That conference ID was not found.
press-star-if-organizer|If you are the organizer, press star now.
enter-pin|Please enter your PIN, followed by the pound key.
pin-incorrect|That PIN is not correct.
meeting-not-started|The meeting has not started yet. Please wait, you will join as soon as the organizer arrives.
joining-meeting|You are now joining the meeting.
lobby-timeout|The meeting did not start in time.
meeting-ended|The meeting has ended.
goodbye|Goodbye.
muted|You are now muted.
unmuted|You are no longer muted.
key-help|Press star six to mute or unmute yourself. Press star one to hear these options again.
key-help-organizer|Press star six to mute or unmute yourself. Press star two one to admit everyone waiting in the lobby. Press star one to hear these options again.
meeting-full|This meeting is full. Please try again later.
organizer-left|The organizer has left and the meeting has ended.
waiting-for-admission|The meeting has started. Please wait, the organizer will let you in soon.
meeting-ending|The meeting is ending now.
try-again-later|Please try again later.
TABLE

# file stem | Mandarin text (simplified Chinese; 井号键 = pound key, 星号键 = star key,
# 等候室 = lobby, the word Chinese meeting apps use for a waiting room). The cmn voice speaks
# slowly: keep every line under 15 s (PromptLibraryTest), the help texts terse (按星号六 = press star six).
read -r -d '' MANDARIN <<'TABLE' || true
welcome|欢迎。请输入会议号，然后按井号键。
enter-conference-id|请输入会议号，然后按井号键。
conference-id-not-found|未找到该会议号。
press-star-if-organizer|如果您是会议主持人，请现在按星号键。
enter-pin|请输入您的密码，然后按井号键。
pin-incorrect|密码不正确。
meeting-not-started|会议尚未开始。请稍候，主持人到达后，您将立即加入会议。
joining-meeting|您正在加入会议。
lobby-timeout|会议未能按时开始。
meeting-ended|会议已结束。
goodbye|再见。
muted|您已静音。
unmuted|您已取消静音。
key-help|按星号六，静音或取消静音。按星号一，重听以上选项。
key-help-organizer|按星号六，静音或取消静音。按星号二一，让等候室的所有人入会。按星号一，重听以上选项。
meeting-full|本次会议人数已满，请稍后再试。
organizer-left|主持人已离开，会议已结束。
waiting-for-admission|会议已经开始。请稍候，主持人很快就会让您加入。
meeting-ending|会议即将结束。
try-again-later|请稍后再试。
TABLE

for tool in espeak-ng sox; do
    command -v "$tool" >/dev/null || { echo "generate-prompts: $tool not found on PATH" >&2; exit 1; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# generate <lang dir> <espeak voice> <words per minute> <table>
generate() {
    local lang="$1" voice="$2" speed="$3" table="$4"
    mkdir -p "$out_root/$lang"
    while IFS='|' read -r stem text; do
        [[ -z "$stem" ]] && continue
        espeak-ng -v "$voice" -s "$speed" -w "$tmp/raw.wav" -- "$text"
        # silence: drop leading quiet, reverse, drop the former tail, reverse back.
        # gain -6 first: espeak-ng peaks near full scale and the resampler would clip overshoots.
        # rate -v: sox's very-high-quality resampler (espeak-ng speaks at 22.05 kHz) low-passes
        # before decimating. fade: no click where the trim cut.
        # -D: no dither, so reruns give identical files.
        sox -D "$tmp/raw.wav" -r 16000 -c 1 -b 16 -e signed-integer "$out_root/$lang/$stem.wav" \
            silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse \
            gain -6 rate -v 16000 reverse fade q 0.01 reverse fade q 0.01 pad 0.06 0.06 norm -3
        echo "prompts/$lang/$stem.wav: $text"
    done <<< "$table"
}

generate en en-us 150 "$ENGLISH"
# Mandarin: the "cmn-latn-pinyin" voice. Plain "cmn" (latin as English) in espeak-ng 1.51 reads
# the hanzi as pinyin with the tone digits spoken in English ("huan five ..."); check with
# `espeak-ng -v cmn -x 欢迎` before switching back.
generate zh cmn-latn-pinyin 140 "$MANDARIN"

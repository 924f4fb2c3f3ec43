#!/usr/bin/env bash
# litrev screen: the terminal screening screen, driven under tmux (send-keys)
# and read back from the pane (capture-pane). Votes, notes and the ledger
# are checked with `litrev export decisions`; the terminal's modes with
# tmux's pane flags and stty.
. "$(dirname "$0")/test-lib.sh"

unset TMUX
command -v tmux >/dev/null || { echo "tmux is not installed (tools/install-deps)" >&2; exit 1; }

# A server of our own, its socket in $TMP (removed at the end).
tm() { tmux -S "$TMP/tmux.sock" -f /dev/null "$@"; }
trap 'tm kill-server 2>/dev/null; rm -rf "$TMP"' EXIT

# The review: four PubMed records, two screeners and an adjudicator, dual
# blind screening at title-abstract, reasons at both stages.
litrev init rv >/dev/null
litrev -C rv import "$CORPUS/efetch_biopython_pubmed5.xml" "$CORPUS/efetch_metapub_23435529.xml" \
  "$CORPUS/efetch_biopython_pubmed4.xml" "$CORPUS/efetch_metapub_31789841.xml" >/dev/null
cat > rv/litrev.json <<'EOF'
{
  "title": "Screening under tmux",
  "eligibility": {
    "include": ["Randomised trials in adults with cancer"],
    "exclude": ["Animal studies without human data"]
  },
  "stages": [
    {"stage": "title-abstract", "mode": "dual", "blind": true,
     "exclusion_reasons": ["wrong population", "wrong study design"]},
    {"stage": "full-text", "mode": "single",
     "exclusion_reasons": ["no relevant outcome", "wrong comparator"]}
  ],
  "reviewers": [
    {"name": "ana", "role": "screener"},
    {"name": "ben", "role": "screener"},
    {"name": "cy", "role": "adjudicator"}
  ],
  "highlight": {"include": ["randomi*", "pesticide*"], "exclude": ["chemotherapy", "animal*"]}
}
EOF
# Records in key order: the docetaxel trial, the telomere study, the
# pesticide study, the positivism essay.
TRIAL=pmid:23435529
TELOMERE=pmid:27797938
PESTICIDE=pmid:28775130
ESSAY=pmid:31789841

# Runs `litrev -C $RV screen ARGS...` (RV: rv unless set) in a new 100x40
# tmux session. When it ends, the pane keeps its last screen; $TMP/exit
# holds EXIT=<status> and $TMP/stty the terminal's modes as the program left
# them (no shell in between to repair them). $TMP/pid is the litrev process.
cat > run-screen.sh <<EOF
#!/bin/sh
cd "$TMP"
sh -c 'echo \$\$ > "$TMP/pid"; exec "\$@"' sh "$LITREV" -C "\$RV" screen "\$@"
status=\$?
stty -a > "$TMP/stty"
echo "EXIT=\$status" > "$TMP/exit.tmp"
mv "$TMP/exit.tmp" "$TMP/exit"
exec sleep 600
EOF
chmod +x run-screen.sh

# Each run gets a new session ($S); the previous one is closed after it, so
# that the server keeps running.
n_sessions=0
S=""
start_screen() { # REVIEWER ARGS...
  local who=$1 previous=$S
  shift
  rm -f "$TMP/exit" "$TMP/stty" "$TMP/pid"
  n_sessions=$((n_sessions + 1))
  S="s$n_sessions"
  tm new-session -d -s "$S" -x 100 -y 40 "env LITREV_REVIEWER=$who RV=${RV:-rv} $TMP/run-screen.sh $*"
  [ -z "$previous" ] || tm kill-session -t "$previous"
}
screen_text() { tm capture-pane -p -t "$S"; }
screen_codes() { tm capture-pane -p -e -t "$S"; }
keys() { tm send-keys -t "$S" "$@"; }
pane_flags() { tm display-message -p -t "$S" '#{alternate_on} #{cursor_flag}'; }
# The widest line of the pane, in characters.
widest() { screen_text | "$PYTHON" -c 'import sys; print(max(len(l.rstrip("\n")) for l in sys.stdin))'; }

# wait_for TEXT: polls the pane until it shows TEXT (15 s at most).
wait_for() {
  local i
  for i in $(seq 1 300); do
    case "$(screen_text)" in *"$1"*) return 0 ;; esac
    sleep 0.05
  done
  fail "timed out waiting for: $1" "the pane shows:" "$(screen_text)"
  return 1
}

# wait_row N TEXT: polls until row N of the pane shows TEXT.
wait_row() {
  local i
  for i in $(seq 1 300); do
    case "$(screen_text | sed -n "$1p")" in *"$2"*) return 0 ;; esac
    sleep 0.05
  done
  fail "timed out waiting for row $1 to show: $2" "the pane shows:" "$(screen_text)"
  return 1
}

# A frame is drawn top to bottom (header, record, status line, keys): once
# a text near its end shows, everything above it is drawn too. Assertions
# on a captured pane come after waiting for such a text.

# wait_exit: waits for the program to end; $exit_line is then EXIT=<status>.
wait_exit() {
  local i
  exit_line=""
  for i in $(seq 1 300); do
    if [ -f "$TMP/exit" ]; then
      exit_line=$(cat "$TMP/exit")
      return 0
    fi
    sleep 0.05
  done
  fail "the program did not end" "the pane shows:" "$(screen_text)"
  return 1
}

# The screening events, one line each: actor type key stage decision reason note.
events() {
  litrev -C rv export decisions --format csv | "$PYTHON" -c '
import csv, sys
for r in csv.DictReader(sys.stdin):
    print(" ".join([r["actor"], r["type"], r["key"], r["stage"], r["decision"] or "-", r["reason"] or "-", r["note"] or "-"]))'
}

# The terminal's modes: raw mode must be gone (icanon and echo on).
expect_sane_tty() {
  local modes
  modes=$(tr ' ' '\n' < "$TMP/stty")
  printf '%s\n' "$modes" | grep -qx icanon || fail "icanon is off after exit: $(cat "$TMP/stty")"
  printf '%s\n' "$modes" | grep -qx echo || fail "echo is off after exit: $(cat "$TMP/stty")"
}

# Ben votes before Ana starts; in dual blind mode Ana still screens that
# record and must never see his vote.
litrev -C rv decide "$TELOMERE" exclude --reason "wrong population" --note "bens-secret-note" \
  --reviewer ben >/dev/null

begin "not a terminal: exit 2, pointing to litrev decide"
run litrev -C rv screen --reviewer ana </dev/null
expect_exit 2
expect_contains "$err" "litrev screen needs a terminal; use \`litrev decide\` for scripts"
expect_eq "$(events | wc -l | tr -d ' ')" "1"

begin "the first record: key, progress, title, journal, authors, types, MeSH, structured abstract"
start_screen ana
wait_for "Randomized phase III trial of docetaxel"
wait_for "c criteria · q quit"
s=$(screen_text)
expect_contains "$s" "$TRIAL · record 1 of 4 · 4 left · 0 done"
expect_contains "$s" "title-abstract (dual) · ana"
expect_contains "$s" "2013 · J. Clin. Oncol."
expect_contains "$s" "Authors Fossella F, Pereira JR, von Pawel J, … TAX 325 Study Group (15 authors)"
expect_contains "$s" "Types   Journal Article; Randomized Controlled Trial"
expect_contains "$s" "MeSH    Adult; Aged; Carcinoma, Non-Small-Cell Lung"
expect_contains "$s" " PURPOSE: To compare the efficacy and safety of docetaxel plus cisplatin"
expect_contains "$s" "i include · e exclude · m maybe · n note · b back · s skip · c criteria · q quit"
# Word-wrapped to the pane's 100 columns, with a margin.
expect_contains "$s" "
 neutropenia was more frequent in the DC arm (67.2% v 51.2%; P = .0018), as was grade 3 to 4
"
[ "$(widest)" -le 100 ] || fail "a line is wider than the pane: $(widest)"
expect_eq "$(pane_flags)" "1 0"

begin "highlight terms: include terms bold green, exclude terms bold red (prefix* and whole words)"
codes=$(screen_codes)
# tmux writes the cell attributes back as SGR codes: 1 bold, 32 green, 31 red.
printf '%s' "$codes" | "$PYTHON" -c '
import re, sys
s = sys.stdin.read()
def sgr_before(word):
    m = re.search(r"((?:\x1b\[[0-9;]*m)+)" + word, s)
    return set(re.findall(r"[0-9]+", m.group(1))) if m else set()
green = sgr_before("Randomized")
red = sgr_before("chemotherapy")
if not {"1", "32"} <= green: print("Randomized is not bold green: %s" % sorted(green))
if not {"1", "31"} <= red: print("chemotherapy is not bold red: %s" % sorted(red))
# A word that only starts like a term is not marked: "randomly" is not "randomi*".
plain = sgr_before("randomly")
if "32" in plain: print("randomly is marked")
' > hl.out
expect_eq "$(cat hl.out)" ""

begin "c shows the eligibility criteria until any key"
keys c
wait_for "Any key goes back to the record"
s=$(screen_text)
expect_contains "$s" "Randomised trials in adults with cancer"
expect_contains "$s" "Animal studies without human data"
expect_contains "$s" "1 wrong population"
keys x
wait_for "PURPOSE: To compare"
expect_eq "$(events | wc -l | tr -d ' ')" "1"

begin "i records an include in ana's ledger and moves on"
keys i
wait_for "$TRIAL: include at title-abstract, recorded (#1)"
s=$(screen_text)
expect_contains "$s" "Leucocyte telomere length"
expect_contains "$s" "$TELOMERE · record 2 of 4 · 3 left · 1 done"
expect_contains "$(events)" "ana screen.decision $TRIAL title-abstract include - -"

begin "blind: ben's vote and note on this record are never shown to ana"
s=$(screen_text)
expect_not_contains "$s" "ben"
expect_not_contains "$s" "wrong population"
expect_not_contains "$s" "Your vote"

begin "n reads a note; Enter saves it"
keys n
wait_for "Note on $TELOMERE:"
keys -l "check TERT data"
wait_for "Note on $TELOMERE: check TERT data"
keys Enter
wait_for "Note saved on $TELOMERE"
expect_contains "$(events)" "ana screen.note $TELOMERE title-abstract - - check TERT data"
# Esc cancels a note: nothing is written.
keys n
wait_for "Enter save"
keys -l "never saved"
wait_for "never saved"
keys Escape
wait_for "Note cancelled"
expect_not_contains "$(events)" "never saved"

begin "e asks for a reason; a digit picks it"
keys e
wait_for "Enter: exclude without a reason"
s=$(screen_text)
expect_contains "$s" "Exclude $TELOMERE: choose the reason"
expect_contains "$s" "1  wrong population"
expect_contains "$s" "2  wrong study design"
keys 2
wait_for "$TELOMERE: exclude (wrong study design) at title-abstract, recorded"
expect_contains "$(screen_text)" "Occupational pesticide exposure"
expect_contains "$(events)" "ana screen.decision $TELOMERE title-abstract exclude wrong study design -"
# "pesticide*" marks "pesticides" too; "animal*" marks "Animal".
printf '%s' "$(screen_codes)" | "$PYTHON" -c '
import re, sys
s = sys.stdin.read()
for word, code in (("pesticides", "32"), ("pesticide(?!s)", "32"), ("Animal", "31")):
    m = re.search(r"((?:\x1b\[[0-9;]*m)+)" + word, s)
    if not m or code not in re.findall(r"[0-9]+", m.group(1)): print("%r not marked %s" % (word, code))
' > hl.out
expect_eq "$(cat hl.out)" ""

begin "b goes back to the previous vote; m replaces it"
keys b
wait_for "Your vote: exclude — wrong study design"
expect_contains "$(screen_text)" "$TELOMERE · back: voted last"
keys m
wait_for "it replaces your earlier vote"
s=$(screen_text)
expect_contains "$s" "$TELOMERE: maybe at title-abstract, recorded"
expect_contains "$s" "Occupational pesticide exposure"
expect_contains "$(events)" "ana screen.decision $TELOMERE title-abstract maybe - -"
run litrev -C rv export decisions --state --format json
printf '%s\n' "$out" | "$PYTHON" -c '
import json, sys
for line in sys.stdin:
    j = json.loads(line)
    if j["key"] == sys.argv[1]:
        for v in j["title_abstract"]["votes"]:
            print(v["reviewer"], v["decision"], v["first"], v["revisions"])' "$TELOMERE" > state.out
expect_contains "$(cat state.out)" "ana maybe exclude 1"

begin "escape sequences are keys of their own: Alt-i, F5 and arrows vote for nothing"
before=$(events)
keys M-i
keys F5
keys Down
keys Up
keys M-e
keys -H 1b 5b 31 3b 35 69 # CSI 1;5 i: ends in "i"
keys PageDown
keys Home
# Keys are read in order: once x is answered, the ones before it were read.
keys x
wait_for "'x' does nothing here"
expect_contains "$(screen_text)" "Occupational pesticide exposure"
expect_eq "$(events)" "$before"

begin "s skips: the record comes back at the end of the queue"
keys s
wait_for "Skipped $PESTICIDE: it comes back at the end"
expect_contains "$(screen_text)" "The Positivism Paradigm of Research"

begin "q quits: exit 0, the terminal restored, a summary on the normal screen"
keys q
wait_exit
expect_eq "$exit_line" "EXIT=0"
expect_sane_tty
wait_for "ana: 3 votes and 1 note at title-abstract in this session; 2 left"
expect_not_contains "$(screen_text)" "Positivism"
expect_eq "$(pane_flags)" "0 1"

begin "restart resumes at the first record not voted on; SIGWINCH redraws at the new size"
start_screen ana
wait_for "Occupational pesticide exposure and subclinical hypothyroidism among male pesticide applicators."
expect_contains "$(screen_text)" "$PESTICIDE · record 3 of 4 · 2 left · 2 done"
tm resize-window -t "$S" -x 60 -y 30
# The footer is redrawn at the bottom of the smaller pane, the title wrapped
# to its width.
wait_row 30 "q quit"
s=$(screen_text)
expect_contains "$s" "
 Occupational pesticide exposure and subclinical
 hypothyroidism among male pesticide applicators.
"
[ "$(widest)" -le 60 ] || fail "a line is wider than the pane: $(widest)"
keys q
wait_exit
expect_eq "$exit_line" "EXIT=0"

begin "SIGTERM restores the terminal and ends the program by the signal"
start_screen ana
wait_for "Occupational pesticide exposure"
expect_eq "$(pane_flags)" "1 0"
kill -TERM "$(cat "$TMP/pid")"
wait_exit
expect_eq "$exit_line" "EXIT=143"
expect_sane_tty
expect_eq "$(pane_flags)" "0 1"

begin "SIGINT and SIGHUP too"
for sig in INT HUP; do
  start_screen ana
  wait_for "Occupational pesticide exposure"
  kill -"$sig" "$(cat "$TMP/pid")"
  wait_exit
  case $sig in INT) expect_eq "$exit_line" "EXIT=130" ;; HUP) expect_eq "$exit_line" "EXIT=129" ;; esac
  expect_sane_tty
  expect_eq "$(pane_flags)" "0 1"
done

begin "full text: only records included at title-abstract; e needs a reason there"
# Ben agrees on the trial and both include the essay: two records reach full text.
litrev -C rv decide "$TRIAL" include --reviewer ben >/dev/null
litrev -C rv decide "$ESSAY" include --reviewer ana >/dev/null
litrev -C rv decide "$ESSAY" include --reviewer ben >/dev/null
start_screen ana --stage ft
wait_for "Randomized phase III trial of docetaxel"
s=$(screen_text)
expect_contains "$s" "$TRIAL · record 1 of 2 · 2 left · 0 done"
expect_contains "$s" "full-text · ana"
keys e
wait_for "A reason is required at full-text"
s=$(screen_text)
expect_contains "$s" "Exclude $TRIAL: choose the reason"
expect_contains "$s" "1  no relevant outcome"
before=$(events)
keys Enter
wait_for "needs a reason"
s=$(screen_text)
expect_contains "$s" "an exclusion at full-text needs a reason"
expect_contains "$s" "$TRIAL · record 1 of 2"
expect_eq "$(events)" "$before"
keys e
wait_for "choose the reason"
keys Escape
wait_for "Exclusion cancelled"
expect_eq "$(events)" "$before"
keys e
wait_for "choose the reason"
keys 1
wait_for "The Positivism Paradigm of Research"
expect_contains "$(events)" "ana screen.decision $TRIAL full-text exclude no relevant outcome -"
keys i
wait_for "Nothing left to screen at full-text for ana."
expect_contains "$(events)" "ana screen.decision $ESSAY full-text include - -"
keys q
wait_exit
expect_eq "$exit_line" "EXIT=0"

begin "nothing left: the message, exit 0, no screen"
start_screen ana --stage ft
wait_exit
expect_eq "$exit_line" "EXIT=0"
wait_for "Nothing left to screen at full-text for ana (2 done)"

begin "record text is escaped: control characters are shown, never sent; UTF-8 is cut whole"
# A RIS record whose title holds a clear-screen and a set-title sequence,
# whose abstract holds a C1 CSI byte and a word longer than the line.
long=$(printf 'Pneumonoultramicroscopicsilicovolcanoconiosis%.0s' 1 2 3)
printf 'TY  - JOUR\nTI  - Evil \033[2J\033]0;pwned\007 title with caf\303\251 and \344\270\255\346\226\207 wide\nAB  - Abstract \302\23331m with %s end.\nAU  - Doe, J\nPY  - 2020\nER  - \n' \
  "$long" > evil.ris
litrev init rv2 >/dev/null
litrev -C rv2 import evil.ris >/dev/null
RV=rv2 start_screen ana
wait_for "c criteria · q quit"
s=$(screen_text)
expect_contains "$s" " Evil ^[[2J^[]0;pwned^G title with café and 中文 wide"
# The C1 byte is replaced; the long word gets a line of its own and is cut
# at the margin.
expect_contains "$s" "
 Abstract �31m with
 ${long:0:98}
 ${long:98} end.
"
expect_contains "$s" "record 1 of 1 · 1 left · 0 done"
expect_not_contains "$(tm display-message -p -t "$S" '#{pane_title}')" "pwned"
[ "$(widest)" -le 100 ] || fail "a line is wider than the pane: $(widest)"
keys q
wait_exit
expect_eq "$exit_line" "EXIT=0"

begin "prioritised: after every vote the queue is ranked again (the next record is litrev rank's top)"
# The worked review's records, single screening, ten of ana's votes recorded
# beforehand (includes and excludes: the ranker can train).
corpus="$LITREV_SOURCE_DIR/corpora/ketamine-sud"
litrev init rv3 >/dev/null
"$PYTHON" - "$corpus/litrev.json" rv3/litrev.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["stages"][0]["mode"] = "single"
json.dump(d, open(sys.argv[2], "w"), indent=2)
EOF
for f in records/recorded/efetch_metapub_38011560.xml records/curated.ris records/grey-literature.ris; do
  litrev -C rv3 import "$corpus/$f" >/dev/null
done
head -11 "$corpus/screening/ta-ana.csv" >ana10.csv
litrev -C rv3 decide --from ana10.csv --reviewer ana >/dev/null
top() { litrev -C rv3 rank --seed 7 --limit 2 --format json | "$PYTHON" -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin]
print(" ".join(l["key"] for l in lines if "key" in l))'; }
set -- $(top)
first=$1 second_before=$2
RV=rv3 start_screen ana --order prioritised --seed 7
wait_for "c criteria · q quit"
expect_contains "$(screen_text | sed -n 1p)" "$first"
# ana excludes the top record, against the ranker's guess; it learns from
# that before the next record.
keys e
wait_for "reason"
keys 1
wait_for "$first: exclude (wrong population) at title-abstract, recorded"
set -- $(top)
next_after=$1
wait_row 1 "$next_after"
expect_contains "$(screen_text | sed -n 1p)" "$next_after"
[ "$next_after" != "$second_before" ] || printf '  note: the vote left the order unchanged (%s)\n' "$next_after" >&2
keys q
wait_exit
expect_eq "$exit_line" "EXIT=0"

begin "usage errors: unknown reviewer, stage or order (exit 2)"
start_screen zed
wait_exit
expect_eq "$exit_line" "EXIT=2"
wait_for '"zed" is not a reviewer in litrev.json'
run litrev -C rv screen --reviewer ana --order sideways </dev/null
expect_exit 2
expect_contains "$err" "not an order"

done_testing

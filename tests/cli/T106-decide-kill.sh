#!/usr/bin/env bash
# litrev decide under kill -9 (issue 6, "Reliability"), through the real
# binary: a loop of `litrev decide KEY include` commands, each key recorded
# as acknowledged only when its command exited 0, is killed with SIGKILL
# (the loop and the running litrev at once) at random moments, several times.
# After each kill: `litrev verify` finds every chain intact, or exactly one
# torn tail; `litrev export decisions` has every acknowledged key. The loop
# then goes on from where the ledger stopped, and at the end every key is
# decided once. A torn tail (what a write cut short leaves) is set aside by
# the next decide.
#
# T106_N (default 300) keys; T106_KILLS (default 6) kills.
. "$(dirname "$0")/test-lib.sh"

N=${T106_N:-300}
KILLS=${T106_KILLS:-6}

# A RIS file of N journal articles with distinct DOIs and unrelated titles.
"$PYTHON" - "$N" > corpus.ris <<'PY'
import random, sys
n = int(sys.argv[1])
rng = random.Random(106)
words = ("randomised cohort exercise therapy outcomes children adults diabetes hypertension cognitive "
         "behavioural surgery placebo vitamin screening mortality quality depression anxiety smoking "
         "pregnancy nutrition sleep asthma stroke rehabilitation pain opioid dementia obesity school").split()
for i in range(1, n + 1):
    title = " ".join(rng.choice(words) for _ in range(9)).capitalize()
    print("TY  - JOUR")
    print(f"TI  - {title} ({i})")
    print(f"AU  - Author{rng.randrange(100000)}, A.")
    print(f"PY  - {rng.randrange(1990, 2025)}")
    print(f"JO  - Journal of Synthetic Studies {rng.randrange(50)}")
    print(f"DO  - 10.9999/x.{i}")
    print("ER  - ")
    print()
PY
litrev init r >/dev/null
litrev -C r import corpus.ris >/dev/null
LEDGER=r/ledger/ana.jsonl

# Complete lines in the ledger: the keys 1..that are decided, in order.
decided() { if [ -f "$LEDGER" ]; then wc -l < "$LEDGER" | tr -d ' '; else echo 0; fi; }

# The loop, in a process group of its own (so that one kill -9 of the group
# takes the loop and the litrev it is running): from key $1 to N, one
# command each; a key goes to acked only after its command exited 0.
start_loop() {
  setsid bash -c '
    for i in $(seq "$1" "$2"); do
      "$3" -C r decide "doi:10.9999/x.$i" include --reviewer ana >/dev/null 2>>decide.err && echo "$i" >> acked
    done' loop "$1" "$N" "$LITREV" &
  loop_pid=$!
}

# Every acknowledged key is in the exported decisions; verify says the
# chains are intact (exit 0) or reports exactly one torn tail (exit 65).
check_after_kill() {
  run litrev -C r verify
  torn=$(printf '%s\n' "$out" | grep -c 'torn tail')
  if [ "$rc" -eq 0 ]; then
    expect_contains "$out" "every chain is intact"
  elif [ "$rc" -eq 65 ]; then
    expect_eq "$torn" "1"
    expect_contains "$out" "1 problem"
  else
    fail "verify: exit $rc" "$out"
  fi
  [ "$torn" -le 1 ] || fail "more than one torn tail" "$out"
  litrev -C r export decisions --format csv > decisions.csv 2>/dev/null
  export_rc=$?
  [ "$export_rc" -eq 0 ] || [ "$export_rc" -eq 65 ] || fail "export decisions: exit $export_rc"
  missing=0
  if [ -f acked ]; then
    while read -r i; do
      grep -q "doi:10.9999/x.$i," decisions.csv || missing=$((missing + 1))
    done < acked
  fi
  expect_eq "$missing" "0"
  # Nothing but the keys 1..M in order: no vote cast twice, none skipped.
  seqkeys=$(grep -o 'doi:10.9999/x\.[0-9]*' decisions.csv | sed 's/.*x\.//' | tr '\n' ' ')
  expect_eq "$seqkeys" "$(seq 1 "$(decided)" | tr '\n' ' ')"
}

: > acked
kills=0
begin "kill -9 of the decide loop at $KILLS random moments: every acknowledged vote is kept"
for round in $(seq 1 "$KILLS"); do
  from=$(( $(decided) + 1 ))
  [ "$from" -le "$N" ] || break
  start_loop "$from"
  # Let it acknowledge 5 to 35 more commands, then 0 to 100 ms more: the
  # kill lands anywhere in a command (start-up, opening the index, the lock,
  # the write, fsync) or between two.
  target=$(( $(wc -l < acked) + 5 + RANDOM % 31 ))
  while [ "$(wc -l < acked)" -lt "$target" ] && kill -0 "$loop_pid" 2>/dev/null; do
    sleep 0.02
  done
  sleep "0.$(printf '%03d' $((RANDOM % 100)))"
  kill -9 -- "-$loop_pid" 2>/dev/null && kills=$((kills + 1))
  wait "$loop_pid" 2>/dev/null
  check_after_kill
done
[ "$kills" -eq "$KILLS" ] || fail "only $kills of $KILLS kills landed (the loop finished too soon; raise T106_N)"
acked_n=$(wc -l < acked | tr -d ' ')
[ "$acked_n" -gt 0 ] || fail "no command was acknowledged before the kills"
[ "$(decided)" -lt "$N" ] || fail "the loop finished before the last kill (raise T106_N)"

begin "a torn tail is reported by verify, set aside by the next decide, and the chain goes on"
m=$(decided)
# What a write cut short leaves: the first part of the next line, no newline.
printf '{"v":1,"seq":%d,"ts":"2026-11-21T10:00:00Z","actor":"ana","type":"screen.deci' "$((m + 1))" >> "$LEDGER"
run litrev -C r verify
expect_exit 65
expect_eq "$(printf '%s\n' "$out" | grep -c 'torn tail')" "1"
expect_contains "$out" "ana.jsonl:$((m + 1)): torn tail:"
n_aside=$(ls r/ledger | grep -c 'ana.jsonl.torn-')
run litrev -C r decide "doi:10.9999/x.$((m + 1))" include --reviewer ana
expect_exit 0
expect_contains "$out" "(ana #$((m + 1)))"
expect_contains "$err" "the ledger's last line was torn"
expect_contains "$err" "ana.jsonl.torn-"
echo "$((m + 1))" >> acked
expect_eq "$(ls r/ledger | grep -c 'ana.jsonl.torn-')" "$((n_aside + 1))"
aside=$(ls r/ledger/ana.jsonl.torn-* | sort -t- -k3 -n | tail -1)
expect_contains "$(cat "$aside")" "\"seq\":$((m + 1)),"
run litrev -C r verify
expect_exit 0
expect_contains "$out" "every chain is intact"

begin "the loop finishes from where the ledger stopped: all $N votes, once each, chain intact"
start_loop "$(( $(decided) + 1 ))"
wait "$loop_pid"
expect_eq "$?" "0"
[ ! -s decide.err ] || fail "a decide failed outside a kill:" "$(cat decide.err)"
check_after_kill
expect_exit 0
expect_eq "$(decided)" "$N"
run litrev -C r export decisions --format csv
expect_exit 0
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | wc -l | tr -d ' ')" "$N"
expect_eq "$(printf '%s\n' "$out" | tail -n +2 | grep -c ',include,')" "$N"
run litrev -C r export decisions --state --format csv
expect_exit 0
expect_eq "$(printf '%s\n' "$out" | grep -c ',included,')" "$N"
# Every key acknowledged at any point is among them.
missing=0
while read -r i; do
  printf '%s\n' "$out" | grep -q "^doi:10.9999/x\.$i," || missing=$((missing + 1))
done < acked
expect_eq "$missing" "0"

done_testing

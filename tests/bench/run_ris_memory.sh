#!/bin/bash
# Memory of the streaming RIS reader on big files: a real RIS export
# (shared/fixtures/formats/cross_db_gambling/citesource__benchmark.ris, 13
# records) repeated to 10k, 100k and 1M records, read with
# `dump_records --format ris --count` under /usr/bin/time -v. Peak RSS should
# not grow with the file. Usage: tests/bench/run_ris_memory.sh [BUILD_DIR]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=${1:-$HERE/../../build}
DUMP="$BUILD/tests/tools/dump_records"
SRC="$HERE/../../../shared/fixtures/formats/cross_db_gambling/citesource__benchmark.ris"
WORK=$(mktemp -d /tmp/litrev-ris-mem.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
per=$(grep -c '^ER  -' "$SRC")
printf '%10s %12s %10s %10s %12s\n' records bytes seconds peak_kb records_read
for n in 10000 100000 1000000; do
  copies=$(( (n + per - 1) / per ))
  /usr/bin/python3 - "$SRC" "$WORK/big.ris" "$copies" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
if not data.endswith(b'\n'):
    data += b'\n'
with open(sys.argv[2], 'wb') as out:
    for _ in range(int(sys.argv[3])):
        out.write(data)
PY
  bytes=$(stat -c %s "$WORK/big.ris")
  /usr/bin/time -v "$DUMP" --format ris --count "$WORK/big.ris" > "$WORK/out" 2> "$WORK/time"
  secs=$(grep 'Elapsed (wall clock)' "$WORK/time" | awk '{print $NF}')
  peak=$(grep 'Maximum resident set size' "$WORK/time" | awk '{print $NF}')
  printf '%10s %12s %10s %10s %12s\n' "$((copies * per))" "$bytes" "$secs" "$peak" "$(cat "$WORK/out")"
done

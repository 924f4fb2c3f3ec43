#!/usr/bin/env bash
# litrev index --shards and search --index: the shards searched together,
# locally through the stub and remotely through two xapian-tcpsrv servers,
# return exactly what the review's own index returns.
. "$(dirname "$0")/test-lib.sh"

litrev init r >/dev/null
litrev -C r import "$CORPUS"/*.xml >/dev/null

queries=('NOT zzzz' 'ketamine OR depression OR treatment OR patients' 'ketamine[tiab] OR "humans"[mh]'
         'year:2000..2020 AND (cancer OR trial*)' '"opioid withdrawal" OR mesh:humans')
same_as_review() { # INDEX: every query gives the same CSV (ranks, keys, scores)
  for q in "${queries[@]}"; do
    a=$(litrev -C r search "$q" --format csv --limit 100)
    b=$(litrev search --index "$1" "$q" --format csv --limit 100)
    expect_eq "$b" "$a"
  done
}

begin "index --shards writes N shards and a stub"
run litrev -C r index --shards 2 --output shards
expect_exit 0
expect_contains "$out" "15 records in 2 shards"
expect_eq "$(cat shards/XAPIANDB)" "$(printf 'auto shard-1\nauto shard-2')"
run litrev -C r index --shards 2 --output shards
expect_exit 2
expect_contains "$err" "already exists"

begin "the shards searched together through the stub equal the review's index"
same_as_review shards

begin "two xapian-tcpsrv servers, one shard each, searched through a remote stub"
if ! command -v xapian-tcpsrv >/dev/null; then
  echo "  xapian-tcpsrv is missing (Debian xapian-tools; tools/install-deps installs it)"
  n_fail=$((n_fail + 1))
else
  pids=()
  : > remote.stub
  for k in 1 2; do
    for attempt in 1 2 3 4 5 6 7 8; do
      port=$((20000 + RANDOM % 30000))
      # Its output goes nowhere: a server holding ctest's pipe would keep ctest waiting.
      xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$port" "shards/shard-$k" >/dev/null 2>&1 &
      pid=$!
      for _ in 1 2 3 4 5 6 7 8 9 10; do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.2
      done
      if kill -0 "$pid" 2>/dev/null; then break; fi # started; else the port was taken
    done
    pids+=("$pid")
    echo "remote 127.0.0.1:$port" >> remote.stub
  done
  same_as_review remote.stub
  run litrev search --index remote.stub 'NOT zzzz' --facets year --limit 0 --format json
  expect_contains "$out" '"total":15'
  run litrev search --index remote.stub 'NOT zzzz' --facets pt
  expect_exit 2
  expect_contains "$err" "remote shards"
  # SIGTERM left a server running here (a `wait` after it never returned);
  # SIGKILL ends them.
  kill -KILL "${pids[@]}" 2>/dev/null || true
fi

begin "search --index on a missing path is an index error"
run litrev search --index nowhere ketamine
expect_exit 1
expect_contains "$err" "nowhere"

done_testing

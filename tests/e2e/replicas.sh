#!/bin/sh
# replicas.sh: one model served by a pool of replicas (base_url=URL1|URL2|URL3): one replica killed mid-run, every
# sample still completes, with the results of one server and the load shared by the live ones; a replica answering
# 503 forever is rested and the run finishes on the others; the cache key does not depend on the replica.
. tests/e2e/lib.sh
R=$RECEVAL
T=$TMPDIR
FS=$BUILD/fake_server
if [ ! -x "$FS" ]; then
	echo "not ok - replicas: $FS is not built"
	exit 0
fi
trap fake_stop_all EXIT

serve() { # serve NAME [FLAGS...]: a fake server logging to $T/NAME.log; its URL in $T/NAME.url
	n=$1
	shift
	fake_start "$n" --log "$T/$n.log" --answer formats --idle-exit 60 "$@"
	eval "${n}_pid=$FAKE_PID"
	echo "http://127.0.0.1:$FAKE_PORT/v1" >"$T/$n.url"
}
lines() { [ -f "$1" ] && wc -l <"$1" | tr -d ' ' || echo 0; }

cat >"$T/suite.json" <<JSON
{"name": "replicas", "dataset": {"format": "csv", "path": "$(pwd)/suites/demo/interactions.csv", "items": "$(pwd)/suites/demo/items.csv"},
 "split": {"strategy": "leave-last-out", "max_history": 20},
 "sample": {"users": 200, "seed": 5},
 "tasks": [{"type": "ranking", "candidates": 10, "k": [1, 5, 10]}, {"type": "mc", "variant": "cf", "candidates": 5}]}
JSON

# the reference: one server
serve one
$R run "$T/suite.json" --model "openai:fake?base_url=$(cat "$T/one.url")" --db "$T/one.db" -q >/dev/null 2>"$T/one.err" ||
	{ echo "not ok - replicas: the one-server run"; sed 's/^/#   /' "$T/one.err" | tail -3; }

# three replicas, 30 ms each, 2 in flight each; the third killed once it has served 20 requests
serve a --latency 30
serve b --latency 30
serve c --latency 30
POOL="$(cat "$T/a.url")|$(cat "$T/b.url")|$(cat "$T/c.url")"
$R run "$T/suite.json" --model "openai:fake?base_url=$POOL" --concurrency 2 --db "$T/pool.db" -q >"$T/pool.out" 2>"$T/pool.err" &
RUN=$!
i=0
while [ "$(lines "$T/c.log")" -lt 20 ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
kill "$c_pid"
killed_at=$(lines "$T/c.log")
wait $RUN
rc=$?
[ $rc -eq 0 ] && echo "ok - a replica killed mid-run: the run finishes (exit 0)" ||
	{ echo "not ok - a replica killed mid-run: the run finishes (exit $rc)"; sed 's/^/#   /' "$T/pool.err" | tail -3; }
$R list --db "$T/pool.db" | grep -q ' done .* 400  *0 ' && echo "ok - every sample completes, none an error" ||
	{ echo "not ok - every sample completes, none an error"; $R list --db "$T/pool.db" | sed 's/^/#   /'; }
samples() { $R show 1 --db "$1" --samples | sed 's/"latency_ms":[-0-9.e+]*,//' | sort; }
metrics() { $R show 1 --db "$1" --format csv | cut -d, -f3-; }
samples "$T/one.db" >"$T/one.samples"; samples "$T/pool.db" >"$T/pool.samples"
metrics "$T/one.db" >"$T/one.metrics"; metrics "$T/pool.db" >"$T/pool.metrics"
ok_if "the pool's results equal one server's (samples and metrics)" \
	sh -c "cmp -s '$T/one.samples' '$T/pool.samples' && cmp -s '$T/one.metrics' '$T/pool.metrics'"
na=$(lines "$T/a.log"); nb=$(lines "$T/b.log")
ok_if "the two live replicas shared the load ($na and $nb requests; the killed one took $killed_at)" \
	sh -c "[ $na -ge 100 ] && [ $nb -ge 100 ] && [ $((na + nb + killed_at)) -ge 400 ]"
$R show 1 --db "$T/pool.db" --format json >"$T/pool.json"
python3 - "$T/pool.json" "$(cat "$T/a.url")" "$(cat "$T/c.url")" "$na" <<'PY' &&
import json, sys
run = json.load(open(sys.argv[1]))["run"]
reps = {r["url"]: r for r in run["replicas"]}
assert len(reps) == 3, reps
assert reps[sys.argv[2]]["requests"] == int(sys.argv[4]), (reps, sys.argv[4])
assert reps[sys.argv[3]]["failures"] >= 1 and reps[sys.argv[3]]["rests"] >= 1, reps
assert all(r["role"] == "subject" for r in reps.values())
PY
	echo "ok - show records each replica's requests, failures and rests" ||
	echo "not ok - show records each replica's requests, failures and rests"
$R show 1 --db "$T/pool.db" | grep -q "^replica $(cat "$T/c.url") (subject): .* failures, rested" &&
	echo "ok - show's table names the replicas" || echo "not ok - show's table names the replicas"

# the cache key does not depend on which replica answered: the pool in another order asks nothing again
before=$(($(lines "$T/a.log") + $(lines "$T/b.log")))
$R run "$T/suite.json" --model "openai:fake?base_url=$(cat "$T/b.url")|$(cat "$T/a.url")|$(cat "$T/c.url")" --concurrency 2 \
	--db "$T/pool.db" -q >/dev/null 2>&1
after=$(($(lines "$T/a.log") + $(lines "$T/b.log")))
ok_if "the same pool in another order answers from the cache ($((after - before)) requests sent)" [ "$after" -eq "$before" ]

# a replica answering 503 forever is rested; the run finishes on the others
printf '1-1000000 503\n' >"$T/faults"
serve bad --faults "$T/faults"
$R run "$T/suite.json" --model "openai:fake?base_url=$(cat "$T/a.url")|$(cat "$T/bad.url")|$(cat "$T/b.url")" \
	--concurrency 2 --db "$T/bad.db" --no-cache -q >/dev/null 2>"$T/bad.err"
rc=$?
[ $rc -eq 0 ] && echo "ok - a replica answering 503 forever: the run finishes (exit 0)" ||
	{ echo "not ok - a replica answering 503 forever: the run finishes (exit $rc)"; sed 's/^/#   /' "$T/bad.err" | tail -3; }
$R list --db "$T/bad.db" | grep -q ' done .* 400  *0 ' && echo "ok - 503 forever: every sample completes" ||
	echo "not ok - 503 forever: every sample completes"
nbad=$(lines "$T/bad.log")
$R show 1 --db "$T/bad.db" --format json >"$T/bad.json"
grep -A4 "\"url\":	\"$(cat "$T/bad.url")\"" "$T/bad.json" | grep -q '"rests":	[1-9]' && [ "$nbad" -lt 40 ] &&
	echo "ok - the failing replica is rested ($nbad of 400+ requests reached it)" ||
	echo "not ok - the failing replica is rested ($nbad requests reached it)"
samples "$T/bad.db" >"$T/bad.samples"
ok_if "503 forever: the results equal one server's" cmp -s "$T/one.samples" "$T/bad.samples"

# bad pools
expect_exit 2 "a pool with an empty URL: exit 2" $R chat "openai:m?base_url=$(cat "$T/a.url")||" hi
grep -q "has an empty URL" "$T/err" || echo "not ok - the empty URL is named"
expect_exit 2 "a pool naming a replica twice: exit 2" $R chat "openai:m?base_url=$(cat "$T/a.url")|$(cat "$T/a.url")" hi
expect_exit 2 "replica_concurrency 0: exit 2" $R chat "openai:m?base_url=$(cat "$T/a.url")&replica_concurrency=0" hi

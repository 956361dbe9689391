#!/bin/sh
# serve.sh: receval serve under load: 64 clients on keep-alive connections read runs, the runs list and pages of
# samples for 20 s: as fast as they can (the saturation throughput), then each on a schedule of RATE requests a
# second (latency counted from when a request was due) with the database idle (the baseline), and again while a
# run queued on the same server writes into it (a language model behind the fake server, 100 ms a request, 8 in
# flight). Latency percentiles and errors.
set -e
cd "$(dirname "$0")/.."
R=./receval
FS=build/fake_server
LOAD=build/bench_serve_load
CLIENTS=${CLIENTS:-64}
SECS=${SECS:-20}
RATE=${RATE:-5}
make -s build/bench_serve_load build/fake_server >/dev/null
ML=../shared/data/ml-100k
OUT=$(mktemp -d)
PIDS=
trap 'kill $PIDS 2>/dev/null; rm -rf "$OUT"' EXIT

mkdir -p "$OUT/suites"
if [ -d "$ML" ]; then
	# a copy: a symlink out of the suites folder is refused, as it should be
	cp -r "$ML" "$OUT/suites/ml-100k"
	DATA='"format": "movielens", "path": "ml-100k"'
	WHAT="ML-100K, 943 users"
else
	cp -r suites/demo "$OUT/suites/demo"
	DATA='"format": "csv", "path": "demo/interactions.csv", "items": "demo/items.csv"'
	WHAT="the demo data (../shared/data/ml-100k is absent)"
fi
cat >"$OUT/suites/bench.json" <<JSON
{"name": "serve-bench", "dataset": {$DATA}, "split": {"strategy": "leave-last-out", "max_history": 50},
 "sample": {"users": "all", "seed": 1},
 "tasks": [{"type": "retrieval", "k": [10, 20]}, {"type": "ranking", "candidates": 20, "k": [10]}]}
JSON
DB=$OUT/serve.db
$R run "$OUT/suites/bench.json" --model builtin:pop --model builtin:itemknn --db "$DB" -q >"$OUT/run" 2>&1
IDS=$(awk '/^run [0-9]+$/ {print $2}' "$OUT/run" | paste -sd, -)

"$FS" --port-file "$OUT/fake.port" --answer rank --latency 100 --idle-exit 120 2>/dev/null &
PIDS="$PIDS $!"
$R serve --db "$DB" --port 0 --port-file "$OUT/serve.port" --suites "$OUT/suites" 2>"$OUT/serve.err" &
SERVE=$!
PIDS="$PIDS $SERVE"
i=0
while { [ ! -s "$OUT/serve.port" ] || [ ! -s "$OUT/fake.port" ]; } && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
URL="http://127.0.0.1:$(cat "$OUT/serve.port")"

echo "receval serve: $CLIENTS clients for $SECS s reading runs $IDS of $WHAT ($(nproc) cores)"
printf '  %-42s %9s %7s %10s %8s %8s %8s %8s %8s\n' case requests errors "requests/s" "p50 ms" "p95 ms" "p99 ms" "max ms" \
	"CPU ms/req"
# the server's CPU time in ms (user + system), which other work on the machine does not inflate as it does latency
TCK=$(getconf CLK_TCK)
cpu_ms() { awk -v t="$TCK" '{ print ($14 + $15) * 1000 / t }' "/proc/$SERVE/stat"; }
row() { # row LABEL KEY: the load's line from $OUT/load, the server's CPU since $OUT/cpu0
	read -r n e rps p50 p95 p99 max <"$OUT/load"
	c=$(awk -v a="$(cat "$OUT/cpu0")" -v b="$(cpu_ms)" -v n="$n" 'BEGIN { printf "%.3f", n ? (b - a) / n : 0 }')
	printf '  %-42s %9d %7d %10.0f %8.2f %8.2f %8.2f %8.2f %8s\n' "$1" "$n" "$e" "$rps" "$p50" "$p95" "$p99" "$max" "$c"
	echo "$p99" >"$OUT/p99.$2"
}
cpu_ms >"$OUT/cpu0"
$LOAD "$URL" "$IDS" "$CLIENTS" "$SECS" >"$OUT/load" || true
row "as fast as they can, idle database" sat
cpu_ms >"$OUT/cpu0"
$LOAD "$URL" "$IDS" "$CLIENTS" "$SECS" "$RATE" >"$OUT/load" || true
row "$RATE/s each, idle database (baseline)" base

# a run that writes for the whole measurement: queued on the server, a sample committed every ~12 ms
curl -s -X POST -H 'Content-Type: application/json' "$URL/api/runs" \
	-d "{\"suite\": \"bench.json\", \"models\": [\"openai:bench?base_url=http://127.0.0.1:$(cat "$OUT/fake.port")/v1\"]}" >"$OUT/job"
grep -q '"job"' "$OUT/job" || { echo "bench serve: the writing run was not queued: $(cat "$OUT/job")"; exit 1; }
i=0
while [ "$(sqlite3 -readonly "$DB" "SELECT count(*) FROM samples WHERE run_id > $(echo "$IDS" | tr ',' '\n' | tail -1)" 2>/dev/null || echo 0)" -lt 20 ] && [ $i -lt 200 ]; do
	sleep 0.05
	i=$((i + 1))
done
before=$(sqlite3 -readonly "$DB" 'SELECT count(*) FROM samples')
cpu_ms >"$OUT/cpu0"
$LOAD "$URL" "$IDS" "$CLIENTS" "$SECS" "$RATE" >"$OUT/load" || true
after=$(sqlite3 -readonly "$DB" 'SELECT count(*) FROM samples')
row "$RATE/s each, a run writing ($((after - before)) samples)" write
awk -v a="$(cat "$OUT/p99.base")" -v b="$(cat "$OUT/p99.write")" \
	'BEGIN { printf "  p99 while writing / p99 idle: %.2f; target: p99 under 50 ms\n", (a > 0 ? b / a : 0) }'
echo "  (load average when it ended: $(cut -d' ' -f1-3 /proc/loadavg); latency counts everything else on the machine, CPU ms/req does not)"
kill -TERM $SERVE
wait $SERVE 2>/dev/null || true

#!/bin/sh
# replicas.sh: one model served by a pool of replicas: 3 fake servers at 100 ms latency, 32 requests in flight on
# each (bound: 3 x 32 / 0.1 s = 960 requests/s), against one replica alone (bound 320), through `receval chat`
# (the adapter) and through `receval run` (driver, cache and store included).
set -e
cd "$(dirname "$0")/.."
R=./receval
FS=build/fake_server
[ -x "$FS" ] || { echo "bench replicas: skipped: $FS is not built (make build/fake_server)"; exit 0; }
OUT=$(mktemp -d)
PIDS=
trap 'kill $PIDS 2>/dev/null; rm -rf "$OUT"' EXIT
N=${N:-4800}

for s in a b c; do
	"$FS" --port-file "$OUT/$s.port" --latency 100 --idle-exit 120 2>/dev/null &
	PIDS="$PIDS $!"
done
for s in a b c; do
	i=0
	while [ ! -s "$OUT/$s.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
done
url() { echo "http://127.0.0.1:$(cat "$OUT/$1.port")/v1"; }
POOL="$(url a)|$(url b)|$(url c)"

awk -v n=$N 'BEGIN { for (i = 1; i <= n; i++) printf "prompt %d: recommend a film\n", i }' >"$OUT/prompts"
echo "Replica pools against the fake server: 100 ms latency, --concurrency 32 per replica ($(nproc) cores)"
printf '  %-34s %8s %9s %12s %8s %11s %10s\n' case requests "wall (s)" "requests/s" bound "% of bound" "CPU ms/req"
row() { # row LABEL N BOUND
	read -r wall user sys <"$OUT/time"
	awk -v l="$1" -v w="$wall" -v u="$user" -v s="$sys" -v n="$2" -v b="$3" 'BEGIN {
		printf "  %-34s %8d %9.2f %12.0f %8d %10.1f%% %10.3f\n", l, n, w, n / w, b, 100 * n / w / b, 1000 * (u + s) / n }'
}
/usr/bin/time -f '%e %U %S' -o "$OUT/time" $R chat "openai:bench?base_url=$(url a)" --concurrency 32 \
	--format jsonl <"$OUT/prompts" >"$OUT/one" 2>/dev/null
row "chat, one replica" $N 320
/usr/bin/time -f '%e %U %S' -o "$OUT/time" $R chat "openai:bench?base_url=$POOL" --concurrency 32 \
	--format jsonl <"$OUT/prompts" >"$OUT/pool" 2>/dev/null
row "chat, 3 replicas" $N 960
ok=$(grep -c '"status":"ok"' "$OUT/pool" || true)
[ "$ok" -eq "$N" ] || echo "  (only $ok of $N answered)"

# a run: ranking on the demo catalogue, one request per sample, every sample committed as it completes
USERS=$(awk -F, 'NR > 1 { print $1 }' suites/demo/interactions.csv | sort -u | wc -l)
cat >"$OUT/suite.json" <<JSON
{"name": "replicas-bench", "dataset": {"format": "csv", "path": "$(pwd)/suites/demo/interactions.csv", "items": "$(pwd)/suites/demo/items.csv"},
 "split": {"strategy": "leave-last-out", "max_history": 20},
 "sample": {"users": $USERS, "seed": 1},
 "tasks": [{"type": "ranking", "candidates": 10, "k": [10]}, {"type": "ranking", "name": "ranking2", "candidates": 10, "k": [10]},
           {"type": "ranking", "name": "ranking3", "candidates": 10, "k": [10]}]}
JSON
/usr/bin/time -f '%e %U %S' -o "$OUT/time" $R run "$OUT/suite.json" --model "openai:bench?base_url=$POOL" \
	--concurrency 32 --db "$OUT/run.db" -q >/dev/null 2>&1 || true
n=$($R list --db "$OUT/run.db" | awk '$1 == 1 { print $(NF - 3) }')
row "run, 3 replicas (stored samples)" "${n:-0}" 960

#!/bin/sh
# llm_path.sh: receval's own CPU per language-model sample (prompt, cache, driver, answer reading, store),
# against the fake server at zero latency on MovieLens 100K (retrieval and ranking, 943 users each):
# the receval process's user + system CPU, less a builtin:pop run of the same suite. Goal: under 0.1 ms.
set -e
cd "$(dirname "$0")/.."
R=./receval
FS=${1:-build}/fake_server
DATA=${ML100K:-../shared/data/ml-100k}
[ -x "$FS" ] || { echo "bench llm_path: skipped: $FS is not built (make build/fake_server)"; exit 0; }
[ -f "$DATA/u.data" ] || { echo "bench llm_path: skipped: $DATA is absent"; exit 0; }
DATA=$(cd "$DATA" && pwd)
OUT=$(mktemp -d)
FSPID=""
trap '[ -n "$FSPID" ] && kill $FSPID 2>/dev/null; rm -rf "$OUT"' EXIT
cat >"$OUT/s.json" <<JSON
{"name": "llm-path", "dataset": {"format": "movielens", "path": "$DATA"},
 "split": {"strategy": "leave-last-out", "max_history": 50},
 "tasks": [{"type": "retrieval", "k": [10]}, {"type": "ranking", "candidates": 20, "k": [10]}]}
JSON
"$FS" --port-file "$OUT/port" --answer rank --idle-exit 60 2>/dev/null &
FSPID=$!
i=0
while [ ! -s "$OUT/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
M="openai:bench?base_url=http://127.0.0.1:$(cat "$OUT/port")/v1"

cpu() { # cpu KEEP ARGS...: the run's user + system CPU in seconds, best of 3 (KEEP=1: one database, its cache full)
	keep=$1
	shift
	best=""
	rm -f "$OUT/b.db"*
	[ "$keep" = 1 ] && $R run "$OUT/s.json" --db "$OUT/b.db" -q "$@" >/dev/null 2>&1
	for k in 1 2 3; do
		[ "$keep" = 1 ] || rm -f "$OUT/b.db"*
		/usr/bin/time -f '%U %S' -o "$OUT/time" $R run "$OUT/s.json" --db "$OUT/b.db" -q "$@" >/dev/null 2>&1
		t=$(awk '{ print $1 + $2 }' "$OUT/time")
		best=$(echo "$best $t" | awk '{ m = $1; for (i = 2; i <= NF; i++) if ($i < m) m = $i; print m }')
	done
	echo "$best"
}

n=1886
pop=$(cpu 0 --model builtin:pop)
llm=$(cpu 0 --model "$M" --concurrency 64)
cached=$(cpu 1 --model "$M" --concurrency 64)
echo "language-model path: $n samples (ML-100K retrieval and ranking), fake server at zero latency ($(nproc) cores)"
printf '  %-34s %10s %14s\n' run "CPU (s)" "ms per sample"
printf '  %-34s %10.2f %14s\n' "builtin:pop" "$pop" "-"
awk -v p="$pop" -v l="$llm" -v c="$cached" -v n=$n 'BEGIN {
	printf "  %-34s %10.2f %14.3f\n", "openai (fake server)", l, 1000 * (l - p) / n
	printf "  %-34s %10.2f %14.3f\n", "openai (every answer cached)", c, 1000 * (c - p) / n }'

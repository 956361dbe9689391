#!/bin/sh
# ml100k.sh: wall time and peak memory of whole `receval run`s on MovieLens 100K: all 943 users,
# full-catalogue retrieval at k = 1, 5, 10, 20, one run per built-in model. Goal: itemknn under 2 s.
set -e
cd "$(dirname "$0")/.."
R=./receval
DATA=${ML100K:-../shared/data/ml-100k}
if [ ! -f "$DATA/u.data" ]; then
	echo "bench ml100k: skipped: $DATA is absent"
	exit 0
fi
DATA=$(cd "$DATA" && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cat >"$OUT/ml100k.json" <<JSON
{"name": "ml100k-bench", "dataset": {"format": "movielens", "path": "$DATA"},
 "split": {"strategy": "leave-last-out", "max_history": 50},
 "tasks": [{"type": "retrieval", "k": [1, 5, 10, 20]}]}
JSON

echo "ML-100K, leave-last-out, 943 users, full-catalogue retrieval at k = 1, 5, 10, 20 ($(nproc) cores)"
printf '%-18s %10s %12s %10s %10s\n' model "wall (s)" "peak (MiB)" ndcg@10 recall@10
ids=""
for m in pop itemknn ease; do
	/usr/bin/time -f '%e %M' -o "$OUT/time" $R run "$OUT/ml100k.json" --model builtin:$m --db "$OUT/b.db" -q >"$OUT/run"
	id=$(sed -n 's/^run \([0-9]*\)$/\1/p' "$OUT/run")
	ids="$ids $id"
	read -r wall kb <"$OUT/time"
	$R show "$id" --db "$OUT/b.db" --format csv >"$OUT/csv"
	ndcg=$(awk -F, '$4=="ndcg@10" {printf "%.4f", $5}' "$OUT/csv")
	rec=$(awk -F, '$4=="recall@10" {printf "%.4f", $5}' "$OUT/csv")
	printf '%-18s %10s %12.1f %10s %10s\n' "builtin:$m" "$wall" "$(echo "$kb" | awk '{print $1 / 1024}')" "$ndcg" "$rec"
done
echo

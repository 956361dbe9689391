#!/bin/sh
# judge.sh: `receval judge` against the fake server: 1,000 pairs of explanations judged in both orders
# (2,000 judge requests), 50 ms each, --concurrency 64 (ideal 1,280 requests/s, so 1.56 s).
set -e
cd "$(dirname "$0")/.."
R=./receval
FS=build/fake_server
[ -x "$FS" ] || { echo "bench judge: skipped: $FS is not built (make build/fake_server)"; exit 0; }
OUT=$(mktemp -d)
trap 'kill $FSPID 2>/dev/null; rm -rf "$OUT"' EXIT
N=1000

# 1,000 users with 6 films each, out of 2,000 titled films; no two users alike, so no prompt repeats
awk -v n=$N 'BEGIN {
	print "item,title" > "'"$OUT"'/items.csv"
	for (i = 1; i <= 2000; i++) printf "f%d,Film Number %d (%d)\n", i, i, 1950 + i % 70 > "'"$OUT"'/items.csv"
	print "user,item,rating,timestamp"
	for (u = 1; u <= n; u++) for (k = 0; k < 6; k++) printf "u%d,f%d,4,%d\n", u, 1 + (u + k * 337) % 2000, k
}' >"$OUT/interactions.csv"
cat >"$OUT/suite.json" <<JSON
{"name": "bench-judge", "dataset": {"format": "csv", "path": "$OUT/interactions.csv", "items": "$OUT/items.csv"},
 "split": {"strategy": "leave-last-out", "max_history": 5},
 "tasks": [{"type": "explanation"}]}
JSON
"$FS" --port-file "$OUT/port" --latency 50 --answer judge --idle-exit 60 2>/dev/null &
FSPID=$!
i=0
while [ ! -s "$OUT/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
URL="http://127.0.0.1:$(cat "$OUT/port")/v1"
$R run "$OUT/suite.json" --model "openai:good?base_url=$URL" --model "openai:poor?base_url=$URL" \
	--db "$OUT/b.db" --concurrency 64 -q >/dev/null
echo "receval judge against the fake server: $N pairs in both orders ($((2 * N)) requests), 50 ms latency, --concurrency 64 ($(nproc) cores)"
printf '  %-22s %9s %12s %12s %10s %9s\n' case "wall (s)" "requests/s" "% of bound" "CPU ms/req" judged
for pass in "new judge" "all cached"; do
	/usr/bin/time -f '%e %U %S' -o "$OUT/time" \
		$R judge 1 2 --judge "openai:judge-content?base_url=$URL" --db "$OUT/b.db" --concurrency 64 \
		--format json -q >"$OUT/j.json"
	read -r wall user sys <"$OUT/time"
	judged=$(sed 's/.*"judged": \([0-9]*\).*/\1/' "$OUT/j.json")
	if [ "$pass" = "new judge" ]; then
		awk -v l="$pass" -v w="$wall" -v u="$user" -v s="$sys" -v n=$((2 * N)) -v j="$judged" -v p=$N 'BEGIN {
			printf "  %-22s %9.2f %12.0f %11.1f%% %10.3f %9s\n", l, w, n / w, 100 * n / w / 1280, 1000 * (u + s) / n, j "/" p }'
	else
		awk -v l="$pass" -v w="$wall" -v u="$user" -v s="$sys" -v n=$((2 * N)) -v j="$judged" -v p=$N 'BEGIN {
			printf "  %-22s %9.2f %12.0f %12s %10.3f %9s\n", l, w, n / w, "-", 1000 * (u + s) / n, j "/" p }'
	fi
done

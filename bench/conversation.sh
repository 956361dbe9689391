#!/bin/sh
# conversation.sh: 500 dialogues of 5 turns against the fake server (a simulator and a subject request per turn:
# 5,000 requests), 50 ms latency, --concurrency 64: the bound is 5,000 / 1,280 requests/s = 3.9 s; the goal is within 1.3x.
set -e
cd "$(dirname "$0")/.."
R=./receval
FS=build/fake_server
[ -x "$FS" ] || { echo "bench conversation: skipped: $FS is not built (make build/fake_server)"; exit 0; }
OUT=$(mktemp -d)
trap 'kill $FSPID 2>/dev/null; rm -rf "$OUT"' EXIT
N=500

# 500 users with 12 films each (the 12th held out), out of 2,000 titled films; no two users alike
awk -v n=$N 'BEGIN {
	print "item,title" > "'"$OUT"'/items.csv"
	for (i = 1; i <= 2000; i++) printf "f%d,Film Number %d (%d)\n", i, i, 1950 + i % 70 > "'"$OUT"'/items.csv"
	print "user,item,rating,timestamp"
	for (u = 1; u <= n; u++) for (k = 0; k < 12; k++) printf "u%d,f%d,4,%d\n", u, 1 + (u + k * 337) % 2000, k
}' >"$OUT/interactions.csv"
"$FS" --port-file "$OUT/port" --latency 50 --answer conversation --idle-exit 60 2>/dev/null &
FSPID=$!
i=0
while [ ! -s "$OUT/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
URL="http://127.0.0.1:$(cat "$OUT/port")/v1"
cat >"$OUT/suite.json" <<JSON
{"name": "bench-conversation", "dataset": {"format": "csv", "path": "$OUT/interactions.csv", "items": "$OUT/items.csv"},
 "split": {"strategy": "leave-last-out", "max_history": 11},
 "tasks": [{"type": "conversation", "k": 2, "max_turns": 5, "simulator": "openai:sim?base_url=$URL"}]}
JSON
echo "conversation against the fake server: $N dialogues x 5 turns ($((10 * N)) requests), 50 ms latency, --concurrency 64 ($(nproc) cores)"
printf '  %-22s %9s %12s %12s %10s %9s\n' case "wall (s)" "requests/s" "x bound" "CPU ms/req" dialogues
for pass in "new dialogues" "all cached"; do
	/usr/bin/time -f '%e %U %S' -o "$OUT/time" \
		$R run "$OUT/suite.json" --model "openai:rec?base_url=$URL" --db "$OUT/b.db" --concurrency 64 -q >/dev/null
	read -r wall user sys <"$OUT/time"
	done_n=$(sqlite3 "$OUT/b.db" "SELECT count(*) FROM samples WHERE run_id = (SELECT max(id) FROM runs) AND status = 'ok'" 2>/dev/null || echo "?")
	awk -v l="$pass" -v w="$wall" -v u="$user" -v s="$sys" -v n=$((10 * N)) -v d="$done_n" -v p=$N -v c="$pass" 'BEGIN {
		b = n / 1280
		printf "  %-22s %9.2f %12.0f %12s %10.3f %9s\n", l, w, n / w, c == "all cached" ? "-" : sprintf("%.2f", w / b),
			1000 * (u + s) / n, d "/" p }'
done
echo "  (bound: $((10 * N)) requests / 1,280 per s = 3.91 s; the goal: within 1.3x, 5.08 s)"

#!/bin/sh
# adapters.sh: throughput of the OpenAI adapter against the fake server: 5,000 requests, 50 ms each,
# --concurrency 64 (ideal 1,280 requests/s); then the same with 20% transient failures (429/503).
set -e
cd "$(dirname "$0")/.."
R=./receval
FS=build/fake_server
[ -x "$FS" ] || { echo "bench adapters: skipped: $FS is not built (make build/fake_server)"; exit 0; }
OUT=$(mktemp -d)
FSPID=
# under set -e, dash ends an EXIT trap at its first failing command with that status: the server is
# usually gone already, so the kill must not fail the benchmark
trap 'if [ -n "$FSPID" ]; then kill "$FSPID" 2>/dev/null || true; fi; rm -rf "$OUT"' EXIT
N=${RECEVAL_BENCH_N:-5000}  # RECEVAL_BENCH_N: fewer, for the test that runs this script under dash

serve() { # serve FAIL_RATE
	rm -f "$OUT/port"
	"$FS" --port-file "$OUT/port" --latency 50 --fail-rate "$1" --idle-exit 60 2>/dev/null &
	FSPID=$!
	i=0
	while [ ! -s "$OUT/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}

awk -v n=$N 'BEGIN { for (i = 1; i <= n; i++) printf "prompt %d: recommend a film\n", i }' >"$OUT/prompts"
echo "OpenAI adapter against the fake server: $N requests, 50 ms latency, --concurrency 64 ($(nproc) cores)"
printf '  %-26s %9s %12s %12s %10s %9s\n' case "wall (s)" "requests/s" "% of ideal" "CPU ms/req" answered
for rate in 0 0.2; do
	serve $rate
	/usr/bin/time -f '%e %U %S' -o "$OUT/time" \
		$R chat "openai:bench?base_url=http://127.0.0.1:$(cat "$OUT/port")/v1" --concurrency 64 \
		--format jsonl <"$OUT/prompts" >"$OUT/answers" 2>/dev/null || true
	kill $FSPID 2>/dev/null || true
	wait $FSPID 2>/dev/null || true
	FSPID=
	read -r wall user sys <"$OUT/time"
	ok=$(grep -c '"status":"ok"' "$OUT/answers" || true)
	label="no faults"
	[ "$rate" = 0 ] || label="20% transient 429/503"
	awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v n=$N -v ok="$ok" 'BEGIN {
		printf "  %-26s %9.2f %12.0f %11.1f%% %10.3f %9s\n", l, w, n / w, 100 * n / w / 1280, 1000 * (u + s) / n, ok "/" n }'
done

#!/bin/sh
# trec.sh: wall time and peak memory of `receval trec` (and of trec_eval when one is on PATH) on a
# generated run of 20,000 queries x 100 documents (2,000,000 lines, ~64 MB) in shuffled order.
# Goal: <= 0.3 s, a tenth of trec_eval 10.0's ~3.0 s, with a lower peak than its ~160 MiB.
set -e
cd "$(dirname "$0")/.."
R=${RECEVAL:-./receval}
OUT=${TREC_BENCH_DIR:-bench/out/trec}
REPEAT=${REPEAT:-5}
mkdir -p "$OUT"

# The data, generated once (and again if this generator changes). Integer arithmetic only
# (exact in awk's doubles), so every awk writes the same bytes: line k of the run holds
# document j of query q with q*100+j = (k * 1234577 + 12345) mod 2,000,000, a permutation
# that interleaves the queries; scores have 4 decimals, so a few tie and exercise the
# docno tie-break. The qrels judge 20 retrieved and 10 unretrieved documents per query,
# with levels 0-3.
GEN_VERSION=2
if [ "$(cat "$OUT/version" 2>/dev/null)" != "$GEN_VERSION" ]; then
	echo "generating $OUT/run and $OUT/qrels ..."
	awk 'BEGIN {
		nq = 20000; nd = 100; n = nq * nd
		for (k = 0; k < n; k++) {
			x = (k * 1234577 + 12345) % n
			q = int(x / nd); j = x % nd
			d = (q * 7919 + j * 104729) % 1000000
			s = (q * 2654435761 + j * 40503) % 1000003 % 1000000
			printf "q%d Q0 D%d %d %.4f bench\n", q, d, j + 1, s / 10000
		}
	}' >"$OUT/run.tmp"
	awk 'BEGIN {
		nq = 20000; nd = 100
		for (q = 0; q < nq; q++) {
			for (i = 0; i < 20; i++) {
				j = (q * 31 + i * 7) % nd
				d = (q * 7919 + j * 104729) % 1000000
				printf "q%d 0 D%d %d\n", q, d, (q * 13 + i * 17) % 4
			}
			for (i = 0; i < 10; i++)
				printf "q%d 0 D%d %d\n", q, 1000000 + q * 10 + i, (q + i) % 3
		}
	}' >"$OUT/qrels.tmp"
	mv "$OUT/run.tmp" "$OUT/run"
	mv "$OUT/qrels.tmp" "$OUT/qrels"
	echo "$GEN_VERSION" >"$OUT/version"
fi

ARGS="-c -m P.10 -m recall.10 -m ndcg_cut.10 -m map -m recip_rank"
lines=$(wc -l <"$OUT/run" | tr -d ' ')
mb=$(wc -c <"$OUT/run" | awk '{printf "%.0f", $1 / 1048576}')

# time NAME COMMAND...: best and median wall time of $REPEAT runs, and the largest peak RSS;
# the output goes to $OUT/NAME.out
time_it() {
	name=$1
	shift
	: >"$OUT/times"
	i=0
	while [ $i -lt "$REPEAT" ]; do
		/usr/bin/time -f '%e %M' -o "$OUT/time" "$@" >"$OUT/$name.out" 2>"$OUT/err"
		cat "$OUT/time" >>"$OUT/times"
		i=$((i + 1))
	done
	sort -n "$OUT/times" | awk '{ w[NR] = $1; if ($2 > m) m = $2 }
		END { printf "%10.3f %10.3f %12.1f\n", w[1], w[int((NR + 1) / 2)], m / 1024 }'
}

echo "trec: $lines run lines (${mb} MB), 20000 queries, $(nproc) cores; $REPEAT runs each"
echo "  args: $ARGS"
printf '  %-12s %10s %10s %12s\n' tool "best (s)" "median (s)" "peak (MiB)"
printf '  %-12s %s\n' receval "$(time_it receval $R trec $ARGS "$OUT/qrels" "$OUT/run")"
if command -v trec_eval >/dev/null 2>&1; then
	printf '  %-12s %s\n' trec_eval "$(time_it trec_eval trec_eval $ARGS "$OUT/qrels" "$OUT/run")"
	if cmp -s "$OUT/receval.out" "$OUT/trec_eval.out"; then
		echo "  outputs: identical"
	else
		echo "  outputs: DIFFERENT"
	fi
else
	echo "  (no trec_eval on PATH to compare with)"
fi

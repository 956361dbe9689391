#!/bin/sh
# big.sh: `make bench-big`: receval at MovieLens-20M scale on a generated dataset (bench/gen_big.c):
# wall time, user CPU and peak memory per phase (load, split, train, evaluate, store, aggregate) of
# whole `receval run`s, all users, full-catalogue retrieval at k = 10, 20, one run per built-in model.
#
#   sh bench/big.sh [OBJDIR]      OBJDIR holds gen_big (default build)
#   BIG_DIR=DIR        keep the generated CSV in DIR between runs (default: a temporary folder)
#   BIG_MODELS="pop itemknn"      the models to run (default: pop itemknn)
#   BIG_ARGS="--users 13849 --interactions 2000000"   a smaller dataset, for a quick look
#   BASELINE=PATH      another receval binary (say, main's) run the same way, for ratios
set -e
cd "$(dirname "$0")/.."
OBJ=${1:-build}
R=./receval
MODELS=${BIG_MODELS:-pop itemknn}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
DIR=${BIG_DIR:-$TMP}
mkdir -p "$DIR"
CSV="$DIR/ratings.csv"
if [ ! -s "$CSV" ] || [ "$(cat "$DIR/args" 2>/dev/null)" != "${BIG_ARGS:-}" ]; then
	t0=$(date +%s)
	# shellcheck disable=SC2086
	"$OBJ/gen_big" ${BIG_ARGS:-} "$CSV"
	echo "${BIG_ARGS:-}" >"$DIR/args"
	echo "generated $CSV in $(( $(date +%s) - t0 )) s"
fi
cat "$CSV" >/dev/null  # in the page cache, as for any second look at a file
cat >"$TMP/big.json" <<JSON
{"name": "big", "dataset": {"format": "csv", "path": "$CSV"},
 "split": {"strategy": "leave-last-out", "max_history": 50},
 "tasks": [{"type": "retrieval", "k": [10, 20]}]}
JSON
mib=$(du -m "$CSV" | cut -f1)
lines=$(($(wc -l <"$CSV") - 1))
echo "receval at scale: $lines interactions, $mib MiB of CSV, leave-last-out, all users, retrieval at k = 10, 20"
echo "($(nproc) cores; $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1))"
echo

# one_run LABEL BINARY ARGS...: the run's phases and its whole wall, CPU and peak RSS
one_run() {
	label=$1 bin=$2
	shift 2
	rm -f "$TMP/phases" "$TMP/b.db"*
	RECEVAL_PHASES="$TMP/phases" /usr/bin/time -f '%e %U %M' -o "$TMP/time" \
		"$bin" run "$TMP/big.json" --db "$TMP/b.db" -q "$@" >"$TMP/out" 2>"$TMP/err" || {
		echo "$label: failed:"; cat "$TMP/err"; return 0; }
	read -r wall user kb <"$TMP/time"
	if [ -s "$TMP/phases" ]; then
		# a phase ending once per task is added up, in the order phases first end
		awk -v l="$label" '!($1 in w) { order[n++] = $1 } { w[$1] += $2; u[$1] += $3; m[$1] = $4 }
			END { for (i = 0; i < n; i++) printf "  %-22s %-10s %9.2f %9.2f %9.0f\n", l, order[i], w[order[i]], u[order[i]], m[order[i]] }' \
			"$TMP/phases"
	fi
	printf '  %-22s %-10s %9.2f %9.2f %9.0f\n' "$label" "whole run" "$wall" "$user" "$(echo "$kb" | awk '{print $1 / 1024}')"
	echo "$label|$wall|$user|$kb" >>"$TMP/totals"
}

printf '  %-22s %-10s %9s %9s %9s\n' run phase "wall (s)" "user (s)" "peak MiB"
load_mbs() {
	awk -v mib="$mib" '$1 == "load" { printf "%.0f", mib / $2 }' "$TMP/phases"
}
one_run "load (--limit 10)" "$R" --model builtin:pop --limit 10
lr=$(load_mbs)
for m in $MODELS; do
	one_run "builtin:$m" "$R" --model "builtin:$m"
done
if [ -n "$BASELINE" ]; then
	echo
	echo "baseline: $BASELINE"
	one_run "base load (--limit 10)" "$BASELINE" --model builtin:pop --limit 10
	for m in $MODELS; do
		one_run "base builtin:$m" "$BASELINE" --model "builtin:$m"
	done
	echo
	awk -F'|' '{ w[$1] = $2; u[$1] = $3; m[$1] = $4 } END {
		for (k in w) if (k !~ /^base /) { b = "base " k; if (b in w)
			printf "  %-22s baseline / receval: wall %.1fx, user CPU %.1fx, peak memory %.1fx\n", k, w[b] / w[k], u[b] / u[k], m[b] / m[k] } }' \
		"$TMP/totals" | sort
fi
echo
echo "load throughput: ${lr:-?} MiB/s (goal: >= 200)"

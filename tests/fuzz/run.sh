#!/bin/sh
# run.sh: runs each libFuzzer harness (build-fuzz/NAME, from make fuzz-build) for SECONDS, or FUZZ_RUNS executions, on its seed corpus.
# Usage: sh tests/fuzz/run.sh SECONDS NAME...   With FUZZ_RUNS=N in the environment each runs N executions instead
# (SECONDS is then ignored). Prints one line per harness with its executions, seconds and rate; exit 1 if any
# found a crash, a leak or undefined behaviour (the input is left as build-fuzz/crashes/NAME/crash-*).
secs=$1
shift
status=0
if [ -n "$FUZZ_RUNS" ]; then
	limit="-runs=$FUZZ_RUNS"
else
	limit="-max_total_time=$secs"
fi
for name in "$@"; do
	seeds=tests/fuzz/corpus/${name#fuzz_}
	work=build-fuzz/corpus/$name       # what the run learns: kept between runs, never committed
	crashes=build-fuzz/crashes/$name
	mkdir -p "$work" "$crashes"
	log=build-fuzz/$name.log
	# -close_fd_mask=2: the harnesses' error messages are the expected kind; the report still prints
	"build-fuzz/$name" $limit -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-close_fd_mask=2 -artifact_prefix="$crashes/" -print_final_stats=1 "$work" "$seeds" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	if [ $rc -eq 0 ]; then
		echo "ok - fuzz $name: ${runs:-?} executions in ${took:-$secs} s (${rate:-?} exec/s), nothing found"
	else
		echo "not ok - fuzz $name: exit $rc after ${runs:-?} executions (see $log and $crashes/)"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 3 | sed 's/^/#   /'
		status=1
	fi
done
exit $status

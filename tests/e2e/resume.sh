#!/bin/sh
# resume.sh: a run killed (SIGINT or SIGKILL) and then resumed gives the same samples as an uninterrupted run.
. tests/e2e/lib.sh
R=$RECEVAL
T=$TMPDIR
shared_has "resume after SIGINT and SIGKILL" data/ml-100k/u.data || exit 0
cat >"$T/ml.json" <<JSON
{"name": "ml100k-resume", "dataset": {"format": "movielens", "path": "$SHARED/data/ml-100k"},
 "split": {"strategy": "leave-last-out", "max_history": 20},
 "tasks": [{"type": "retrieval", "k": [10]}, {"type": "ranking", "candidates": 50, "k": [10]}]}
JSON
samples() { $R show "$1" --db "$2" --samples | sed 's/"latency_ms":[0-9.]*//' | sort; }

$R run "$T/ml.json" --model builtin:itemknn --db "$T/full.db" -q >/dev/null 2>&1
samples 1 "$T/full.db" >"$T/full"

total=$(wc -l <"$T/full")
for sig in INT KILL; do
	db=$T/$sig.db
	$R run "$T/ml.json" --model builtin:itemknn --db "$db" -q >/dev/null 2>&1 &
	pid=$!
	# signalled once 10 samples are stored: stopped while the store is looked at, so it lands part-way
	if stop_when_stored $pid "$db" 10; then
		kill -$sig $pid 2>/dev/null
		kill -CONT $pid 2>/dev/null
		wait $pid
		rc=$?
		n=$($R show 1 --db "$db" --samples 2>/dev/null | wc -l)
	else
		kill -KILL $pid 2>/dev/null
		wait $pid
		rc=none
		n=$total
	fi
	if [ "$n" -ge 10 ] && [ "$n" -lt "$total" ]; then
		echo "ok - SIG$sig: the run stopped part-way ($n of $total samples stored, exit $rc)"
	else
		echo "not ok - SIG$sig: the run stopped part-way ($n of $total samples stored, exit $rc)"
	fi
	[ $sig = INT ] && { [ "$rc" = 130 ] && echo "ok - SIGINT exits 130" || echo "not ok - SIGINT exits 130 ($rc)"; }
	expect_exit 0 "SIG$sig: run --resume finishes the run" $R run --resume 1 --db "$db" -q
	samples 1 "$db" >"$T/resumed"
	[ -s "$T/full" ] && cmp -s "$T/full" "$T/resumed" && echo "ok - SIG$sig: resumed samples equal an uninterrupted run" ||
		echo "not ok - SIG$sig: resumed samples equal an uninterrupted run"
	$R list --db "$db" | grep -q ' done ' && echo "ok - SIG$sig: the run is done" || echo "not ok - SIG$sig: the run is done"
	a=$($R show 1 --db "$T/full.db" --format csv | cut -d, -f3-)
	b=$($R show 1 --db "$db" --format csv | cut -d, -f3-)
	[ -n "$a" ] && [ "$a" = "$b" ] && echo "ok - SIG$sig: resumed figures equal an uninterrupted run's" ||
		echo "not ok - SIG$sig: resumed figures equal an uninterrupted run's"
done
expect_exit 2 "--resume with a suite is a usage error" $R run "$T/ml.json" --resume 1 --db "$T/full.db"
expect_exit 3 "--resume of an unknown run exits 3" $R run --resume 99 --db "$T/full.db"
expect_exit 2 "--retry-errors without --resume is a usage error" $R run "$T/ml.json" --retry-errors --db "$T/full.db"

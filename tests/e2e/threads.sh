#!/bin/sh
# threads.sh: built-in models on 1, 2 and 5 threads store the same samples, in the same order, with the same figures
# (issue 17); --threads is checked; a SIGINT mid-run on threads leaves a run that --resume finishes the same way.
. tests/e2e/lib.sh
R=$RECEVAL
T=$TMPDIR
D=$(pwd)/suites/demo
cat >"$T/suite.json" <<JSON
{"name": "threads", "dataset": {"format": "csv", "path": "$D/interactions.csv", "items": "$D/items.csv"},
 "split": {"strategy": "leave-last-out", "max_history": 20},
 "tasks": [{"type": "retrieval", "k": [5, 10]},
  {"type": "ranking", "candidates": 20, "k": [1, 10], "permutations": 1},
  {"type": "mc", "candidates": 4}]}
JSON

# what a run stored, without what may differ between two runs (ids, times, latency): its metrics, then its samples
snapshot() {
	$R show "$1" --db "$2" --format json | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["metrics"], sort_keys=True))'
	$R show "$1" --db "$2" --samples --format jsonl | python3 -c '
import json, sys
for line in sys.stdin:
    s = json.loads(line)
    s.pop("latency_ms", None)
    print(json.dumps(s, sort_keys=True))'
}

for m in pop itemknn ease random; do
	for n in 1 2 5; do
		$R run "$T/suite.json" --model "builtin:$m" --threads $n --db "$T/t$n.db" -q >/dev/null 2>"$T/err" ||
			{ echo "not ok - builtin:$m on $n threads runs"; sed 's/^/#   /' "$T/err"; }
	done
	id=$($R list --db "$T/t1.db" | awk 'NR > 1 {id = $1} END {print id}')
	snapshot "$id" "$T/t1.db" >"$T/s1"
	for n in 2 5; do
		snapshot "$id" "$T/t$n.db" >"$T/s$n"
		if [ -s "$T/s1" ] && cmp -s "$T/s1" "$T/s$n"; then
			echo "ok - builtin:$m on $n threads stores what 1 thread stores, in the same order"
		else
			echo "not ok - builtin:$m on $n threads stores what 1 thread stores, in the same order"
			diff "$T/s1" "$T/s$n" | head -n 4 | sed 's/^/#   /'
		fi
	done
done

expect_exit 2 "--threads -1 is a usage error" $R run "$T/suite.json" --model builtin:pop --threads -1 --db "$T/bad.db" -q
grep -q "threads must be" "$T/err" && echo "ok - --threads says what it takes" || echo "not ok - --threads says what it takes"
expect_exit 2 "--threads abc is a usage error" $R run "$T/suite.json" --model builtin:pop --threads abc --db "$T/bad.db" -q

# interrupted on threads (SIGINT at the first stored sample), then resumed: the same samples as one thread's
$R run "$T/suite.json" --model builtin:itemknn --threads 3 --db "$T/int.db" -q >/dev/null 2>&1 &
pid=$!
i=0
while [ $i -lt 500 ] && [ "$(stored_samples "$T/int.db")" -lt 1 ] && kill -0 $pid 2>/dev/null; do
	sleep 0.01
	i=$((i + 1))
done
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
$R run --resume 1 --db "$T/int.db" -q >/dev/null 2>"$T/err"
rrc=$?
id=$($R list --db "$T/t1.db" | awk 'NR > 1 && $0 ~ /itemknn/ {print $1; exit}')
snapshot "$id" "$T/t1.db" | sed -n '2,$p' | sort >"$T/a"
snapshot 1 "$T/int.db" | sed -n '2,$p' | sort >"$T/b"
if { [ $rc -eq 130 ] || [ $rc -eq 0 ]; } && [ $rrc -eq 0 ] && cmp -s "$T/a" "$T/b"; then
	echo "ok - interrupted on 3 threads (exit $rc), resumed: the samples of an uninterrupted run"
else
	echo "not ok - interrupted on 3 threads (exit $rc), resumed (exit $rrc): the samples of an uninterrupted run"
	diff "$T/a" "$T/b" | head -n 4 | sed 's/^/#   /'
fi

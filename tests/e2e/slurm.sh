#!/bin/sh
# slurm.sh: the Slurm recipe (examples/slurm) on a real one-node cluster started here (munged, slurmctld, slurmd):
# a 3-task array evaluates ML-100K shards (built-in and fake-server language-model tasks) into 3 databases, a
# dependent job merges and gates, and the merged runs equal the runs made unsharded. Stops what it started.
. tests/e2e/lib.sh
R=$RECEVAL
T=$TMPDIR
FS=$BUILD/fake_server
if [ -z "$SHARED" ]; then
	skip "the Slurm recipe on a one-node cluster" "../shared is absent"
	exit 0
fi
[ -x "$FS" ] || { echo "not ok - slurm: $FS is not built"; exit 0; }
CLUSTER=$T/cluster
cleanup() {
	sh examples/slurm/local-cluster.sh stop "$CLUSTER"
	fake_stop_all
}
trap cleanup EXIT

if ! sh examples/slurm/local-cluster.sh start "$CLUSTER" >"$T/cluster.out" 2>"$T/cluster.err"; then
	# a machine where Slurm cannot run fails here, with the reason: it is never skipped
	echo "not ok - slurm: a one-node cluster starts: $(tr '\n' ' ' <"$T/cluster.err" | cut -c1-300)"
	exit 0
fi
echo "ok - slurm: a one-node cluster starts (sinfo shows the node idle)"
export SLURM_CONF="$CLUSTER/slurm.conf"

fake_start fs --answer formats --idle-exit 300
export OPENAI_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1"

cat >"$T/suite.json" <<JSON
{"name": "ml100k-slurm", "dataset": {"format": "movielens", "path": "$SHARED/data/ml-100k"},
 "split": {"strategy": "leave-last-out", "max_history": 20},
 "sample": {"users": 90, "seed": 13},
 "tasks": [{"type": "retrieval", "k": [1, 5, 10, 20]},
           {"type": "ranking", "candidates": 10, "negatives": "uniform", "k": [1, 5, 10]},
           {"type": "mc", "name": "mc_seq", "variant": "seq", "candidates": 5}]}
JSON

RECEVAL=$R RECEVAL_GATE_RULES="ranking.recall@10 >= 0" sh examples/slurm/submit.sh "$T/suite.json" 3 "$T/out" \
	--model builtin:itemknn --model openai:fake >"$T/submit.out" 2>&1 ||
	{ echo "not ok - slurm: the recipe submits"; sed 's/^/#   /' "$T/submit.out"; exit 0; }
echo "ok - slurm: the recipe submits an array and a dependent merge"
read -r ARRAY MERGE <"$T/out/jobs"

# observable state: nothing of ours left in the queue (3 minutes at most)
i=0
while [ -n "$(squeue -h -j "$ARRAY,$MERGE" 2>/dev/null)" ] && [ $i -lt 1800 ]; do sleep 0.1; i=$((i + 1)); done
[ $i -lt 1800 ] || echo "not ok - slurm: the jobs finish within 3 minutes ($(squeue -h 2>&1 | head -3))"
completed=$(grep -c 'JobState=COMPLETED' "$CLUSTER/jobcomp.txt" 2>/dev/null)
others=$(grep -v 'JobState=COMPLETED' "$CLUSTER/jobcomp.txt" 2>/dev/null | grep -c JobState)
if [ "$completed" = 4 ] && [ "$others" = 0 ]; then
	echo "ok - slurm: the 3 array tasks and the merge completed"
else
	echo "not ok - slurm: the 3 array tasks and the merge completed ($completed completed, $others not)"
	sed 's/^/#   /' "$CLUSTER/jobcomp.txt" 2>/dev/null | cut -c1-200
	tail -n 5 "$T"/out/logs/*.out 2>/dev/null | sed 's/^/#   /'
fi
ls "$T/out"/shard-0.db "$T/out"/shard-1.db "$T/out"/shard-2.db >/dev/null 2>&1 &&
	echo "ok - slurm: each task wrote its shard into its own database" ||
	echo "not ok - slurm: each task wrote its shard into its own database ($(ls "$T/out"))"
$R list --db "$T/out/shard-1.db" | grep -q ' 1/3 ' && echo "ok - slurm: --shard auto read the task's index" ||
	echo "not ok - slurm: --shard auto read the task's index"
[ -s "$T/out/gate.xml" ] && echo "ok - slurm: the merge job gated (JUnit written)" ||
	echo "not ok - slurm: the merge job gated (JUnit written)"

# the same runs made unsharded, here
$R run "$T/suite.json" --model builtin:itemknn --model openai:fake --db "$T/full.db" -q >/dev/null 2>"$T/full.err" ||
	{ echo "not ok - slurm: the unsharded run"; sed 's/^/#   /' "$T/full.err" | tail -3; }
meta() { grep -v -e '"id":' -e '_at":' -e '"run_key":' -e '"database":' -e '"version":' -e '"suite_path":'; }
json() { $R show "$2" --db "$1" --format json | sed '/"merged":/,/^		}/d' | meta | sed 's/,$//'; }
samples() { $R show "$2" --db "$1" --samples | sed 's/"latency_ms":[-0-9.e+]*,//' | sort; }
for run in 1 2; do
	what=$([ $run = 1 ] && echo "built-in" || echo "language model")
	json "$T/full.db" $run >"$T/a.json"
	json "$T/out/merged.db" $run >"$T/b.json"
	samples "$T/full.db" $run >"$T/a.jsonl"
	samples "$T/out/merged.db" $run >"$T/b.jsonl"
	if cmp -s "$T/a.json" "$T/b.json" && cmp -s "$T/a.jsonl" "$T/b.jsonl" && [ -s "$T/a.jsonl" ]; then
		echo "ok - slurm: $what: the merged run equals the unsharded one (metrics, intervals, samples)"
	else
		echo "not ok - slurm: $what: the merged run equals the unsharded one"
		diff "$T/a.json" "$T/b.json" | head -n 5 | sed 's/^/#   /'
	fi
done

#!/bin/sh
# submit.sh: evaluate a suite as a Slurm job array of SHARDS tasks, then merge and gate in a dependent job.
# Usage: sh examples/slurm/submit.sh SUITE SHARDS OUT [RUN FLAGS...]
#   e.g. sh examples/slurm/submit.sh suites/ml100k-llm.json 8 /shared/receval \
#            --model builtin:itemknn --model 'openai:my-model?base_url=http://vllm-a:8000/v1|http://vllm-b:8000/v1'
# OUT must be on storage every node sees. Prints the two job ids. RECEVAL names the binary (default: receval).
set -eu
if [ $# -lt 3 ]; then
	echo "usage: sh $0 SUITE SHARDS OUT [RUN FLAGS...]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
suite=$1
shards=$2
mkdir -p "$3/logs"
out=$(cd "$3" && pwd)
shift 3
RECEVAL_SUITE="$(cd "$(dirname "$suite")" && pwd)/$(basename "$suite")"
RECEVAL_OUT=$out
RECEVAL_RUN_ARGS="$*"
export RECEVAL_SUITE RECEVAL_OUT RECEVAL_RUN_ARGS
# sbatch passes this environment on to the jobs (--export=ALL)
array=$(sbatch --parsable --array="0-$((shards - 1))" --output="$out/logs/%x-%A_%a.out" "$here/shard.sbatch")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
	--output="$out/logs/%x-%j.out" "$here/merge.sbatch")
merge=${merge%%;*}
echo "shards: job $array ($shards tasks); merge: job $merge"
echo "$array $merge" >"$out/jobs"

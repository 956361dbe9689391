#!/bin/sh
# merge.sh: an ML-100K run made in 3 shards (3 databases) and merged equals the run made unsharded (built-in and
# language-model tasks, intervals included); a missing shard gives "partial"; merging again changes nothing;
# conflicting shards, other schemas, corrupt and missing inputs are refused with OUT.db untouched.
. tests/e2e/lib.sh
R=$RECEVAL
T=$TMPDIR
FS=$BUILD/fake_server
if [ -z "$SHARED" ]; then
	skip "merge of ML-100K shards" "../shared is absent"
	exit 0
fi
if [ ! -x "$FS" ]; then
	echo "not ok - merge: $FS is not built"
	exit 0
fi

trap fake_stop_all EXIT
fake_start fs --answer formats --idle-exit 60
PORT=$FAKE_PORT
# the server named by the environment, so that a shard asked of another server has the same model spec
export OPENAI_BASE_URL="http://127.0.0.1:$PORT/v1"
LLM=openai:fake
KNN=builtin:itemknn

cat >"$T/suite.json" <<JSON
{"name": "ml100k-merge", "dataset": {"format": "movielens", "path": "$SHARED/data/ml-100k"},
 "split": {"strategy": "leave-last-out", "max_history": 20},
 "sample": {"users": 90, "seed": 11},
 "tasks": [{"type": "retrieval", "k": [1, 5, 10, 20]},
           {"type": "ranking", "candidates": 10, "negatives": "uniform", "k": [1, 5, 10], "permutations": 1},
           {"type": "mc", "name": "mc_cf", "variant": "cf", "candidates": 5}]}
JSON

# the run made unsharded, and the same in 3 shards, each into its own database
$R run "$T/suite.json" --model $KNN --model "$LLM" --db "$T/full.db" -q --concurrency 4 >/dev/null 2>"$T/full.err" ||
	{ echo "not ok - merge: the unsharded run"; sed 's/^/#   /' "$T/full.err" | tail -3; }
for s in 0 1 2; do
	$R run "$T/suite.json" --model $KNN --model "$LLM" --db "$T/shard$s.db" --shard $s/3 -q --concurrency 4 \
		>/dev/null 2>"$T/shard$s.err" || { echo "not ok - merge: shard $s"; sed 's/^/#   /' "$T/shard$s.err" | tail -3; }
done
$R list --db "$T/shard1.db" >"$T/list1"
ok_if "list shows each shard's part and seed" grep -q ' 1/3 .* 11 ' "$T/list1"
$R show 1 --db "$T/shard1.db" --format json >"$T/s1.json"
ok_if "show names the shard and the run key" \
	sh -c "grep -q '\"shard\":	\"1/3\"' '$T/s1.json' && grep -q '\"run_key\":	\"[0-9a-f-]\{36\}\"' '$T/s1.json'"
k0=$($R show 1 --db "$T/shard0.db" --format json | sed -n 's/.*"run_key":	"\(.*\)",/\1/p')
k2=$($R show 1 --db "$T/shard2.db" --format json | sed -n 's/.*"run_key":	"\(.*\)",/\1/p')
k3=$($R show 2 --db "$T/shard2.db" --format json | sed -n 's/.*"run_key":	"\(.*\)",/\1/p')
ok_if "the shards of one run share its key, each model has its own" sh -c "[ -n '$k0' ] && [ '$k0' = '$k2' ] && [ '$k0' != '$k3' ]"

$R merge "$T/merged.db" "$T/shard2.db" "$T/shard0.db" "$T/shard1.db" >"$T/merge.out" 2>"$T/merge.err"
rc=$?
[ $rc -eq 0 ] && echo "ok - merge exits 0" || { echo "not ok - merge exits 0 ($rc)"; sed 's/^/#   /' "$T/merge.err" | tail -3; }
ok_if "merge joins the three shards of each model into one run" \
	sh -c "[ \$(grep -c 'shards 0-2/3  new: done' '$T/merge.out') -eq 2 ]"

# what a run made unsharded would have: everything but when, where and under which key
meta() { grep -v -e '"id":' -e '_at":' -e '"run_key":' -e '"database":' -e '"version":'; }
json() { $R show "$2" --db "$1" --format json | sed '/"merged":/,/^		}/d' | meta | sed 's/,$//'; }
samples() { $R show "$2" --db "$1" --samples | sed 's/"latency_ms":[-0-9.e+]*,//'; }
for run in 1 2; do
	what=$([ $run = 1 ] && echo "built-in" || echo "language model")
	json "$T/full.db" $run >"$T/full$run.json"
	json "$T/merged.db" $run >"$T/merged$run.json"
	ok_if "$what: merged metrics and intervals equal the unsharded run's (show --format json)" \
		cmp -s "$T/full$run.json" "$T/merged$run.json"
	grep -q '"ci_low":	0\.[0-9]' "$T/merged$run.json" || echo "not ok - $what: the merged run has bootstrap intervals"
	samples "$T/full.db" $run >"$T/full$run.jsonl"
	samples "$T/merged.db" $run >"$T/merged$run.jsonl"
	if [ $run = 1 ]; then
		# built-in models store samples in sampled order: the merge puts the shards' samples back in it
		ok_if "$what: merged samples equal the unsharded run's, in order (show --samples)" \
			cmp -s "$T/full$run.jsonl" "$T/merged$run.jsonl"
	else
		# a language model's samples are stored as answers arrive: the same set
		sort "$T/full$run.jsonl" >"$T/a"; sort "$T/merged$run.jsonl" >"$T/b"
		ok_if "$what: merged samples equal the unsharded run's (show --samples)" cmp -s "$T/a" "$T/b"
	fi
	[ "$(wc -l <"$T/merged$run.jsonl")" -eq 360 ] || echo "not ok - $what: 360 merged samples ($(wc -l <"$T/merged$run.jsonl"))"
done
ok_if "run-level figures (coverage, gini, tokens, permutation spread) are merged too" \
	sh -c "grep -q '\"coverage@10\"' '$T/merged1.json' && grep -q '\"ndcg@10_perm_sd\"' '$T/merged1.json' &&
	       grep -q '\"tokens_in\"' '$T/merged2.json'"
ok_if "the merged run's config is the unsharded run's (no shard, every user)" \
	sh -c "grep -q '\"shard\":	null' '$T/merged1.json' && grep -q '\"users_evaluated\":	90' '$T/merged1.json'"

# merging the same input again changes nothing
snap() { $R list --db "$1" | cut -c1-80; for r in 1 2; do $R show $r --db "$1" --format json; samples "$1" $r; done; }
snap "$T/merged.db" >"$T/before"
$R merge "$T/merged.db" "$T/shard1.db" "$T/shard0.db" >"$T/again.out" 2>&1
rc=$?
snap "$T/merged.db" >"$T/after"
ok_if "merging the same input again changes nothing" sh -c "[ $rc -eq 0 ] && cmp -s '$T/before' '$T/after' &&
	[ \$(grep -c unchanged '$T/again.out') -eq 2 ]"
$R merge "$T/merged2.db" "$T/merged.db" "$T/shard1.db" >/dev/null 2>&1
ok_if "a merged database merges again into the same runs" sh -c "[ \$($R list --db '$T/merged2.db' | grep -c ' done ') -eq 2 ]"

# bug: OUT.db holding a shard that `receval run --db OUT.db` made (not a merge) got a second run instead of the shards
# joining it; they join it in place now, and the run equals the unsharded one
cp "$T/shard0.db" "$T/into.db"
$R merge "$T/into.db" "$T/shard1.db" "$T/shard2.db" >"$T/into.out" 2>"$T/into.err"
rc=$?
ok_if "merging into a database that holds a sibling shard joins it: one run per model" \
	sh -c "[ $rc -eq 0 ] && [ \$($R list --db '$T/into.db' | grep -c ' done .* 0-2/3 ') -eq 2 ] &&
	       [ \$($R list --db '$T/into.db' | grep -c '^ *[0-9]') -eq 2 ] && [ \$(grep -c 'updated: done' '$T/into.out') -eq 2 ]"
for run in 1 2; do
	json "$T/into.db" $run >"$T/into$run.json"
	ok_if "run $run joined in place equals the unsharded run (show --format json)" cmp -s "$T/full$run.json" "$T/into$run.json"
	samples "$T/into.db" $run | sort >"$T/a"; sort "$T/full$run.jsonl" >"$T/b"
	ok_if "run $run joined in place has the unsharded run's samples" cmp -s "$T/a" "$T/b"
done
$R show 1 --db "$T/into.db" --format json | tr -d '\n\t' >"$T/into.src"
ok_if "the run it was is its shard 0 source, database OUT.db" grep -q '"shard":0,"database":"[^"]*into.db","run":1' "$T/into.src"
$R merge "$T/into.db" "$T/shard1.db" >"$T/into2.out" 2>&1
ok_if "merging a joined shard again changes nothing" sh -c "[ \$(grep -c unchanged '$T/into2.out') -eq 2 ]"
# a shard still running there, or two unmerged runs of one key: refused, saying how to go on, OUT.db untouched
cp "$T/shard0.db" "$T/busy.db"
sqlite3 "$T/busy.db" "UPDATE runs SET status = 'running' WHERE id = 1"
sum1=$(cksum <"$T/busy.db")
expect_exit 3 "merging into a database whose sibling shard is still running: exit 3" $R merge "$T/busy.db" "$T/shard1.db"
ok_if "the refusal says it is running and how to go on" grep -q 'busy.db: run 1 (shard 0/3 of run key .*) is still running there: .*--resume 1' "$T/err"
ok_if "and leaves OUT.db untouched" [ "$(cksum <"$T/busy.db")" = "$sum1" ]
cp "$T/shard0.db" "$T/twice.db"
$R run "$T/suite.json" --model $KNN --db "$T/twice.db" --shard 1/3 -q >/dev/null 2>&1
expect_exit 3 "merging into a database holding two unmerged shards of the run: exit 3" $R merge "$T/twice.db" "$T/shard2.db"
ok_if "the refusal names both runs and says to merge into a new database" \
	grep -q 'twice.db: runs 1 and 3 there are both of run key .*into a new database' "$T/err"

# a missing shard: merged, and marked partial, naming it
$R merge "$T/part.db" "$T/shard0.db" "$T/shard2.db" >"$T/part.out" 2>"$T/part.err"
rc=$?
ok_if "a missing shard: exit 0, the run is partial" sh -c "[ $rc -eq 0 ] && [ \$($R list --db '$T/part.db' | grep -c ' partial .* 0,2/3 ') -eq 2 ]"
ok_if "a missing shard is named" grep -q 'partial: shard 1 of 3 missing' "$T/part.err"
$R show 1 --db "$T/part.db" --format json | grep -q '"missing":	"1"' || echo "not ok - show names the missing shard"
$R merge "$T/part.db" "$T/shard1.db" >/dev/null 2>&1
json "$T/part.db" 1 >"$T/late.json"
ok_if "the late shard completes the partial run" cmp -s "$T/full1.json" "$T/late.json"

# conflicts: the same shard answered differently
fake_start fs2 --answer "fixed:1. Star Wars (1977)" --idle-exit 60
# the same spec, the same shard: the same run key, other answers
OPENAI_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1" $R run "$T/suite.json" --model $LLM --db "$T/other.db" \
	--shard 1/3 -q >/dev/null 2>&1
sum0=$(cat "$T/merged.db" | cksum)
expect_exit 3 "two shards with the same sample and other content: exit 3" $R merge "$T/merged.db" "$T/other.db"
[ "$(cat "$T/merged.db" | cksum)" = "$sum0" ] || echo "not ok - a refused merge leaves OUT.db untouched"
grep -q 'other.db: run 1: sample .* was merged before with other content' "$T/err" ||
	{ echo "not ok - the conflict names the file and sample"; sed 's/^/#   /' "$T/err"; }

# shards of different suite content under one run key
sed 's/"users": 90/"users": 91/' "$T/suite.json" >"$T/suite2.json"
$R run "$T/suite.json" --model $KNN --db "$T/ka.db" --shard 0/2 --run-key job-7 -q >/dev/null 2>&1
$R run "$T/suite2.json" --model $KNN --db "$T/kb.db" --shard 1/2 --run-key job-7 -q >/dev/null 2>&1
expect_exit 3 "shards of different suites under one run key: exit 3" $R merge "$T/k.db" "$T/ka.db" "$T/kb.db"
grep -q 'kb.db: run 1 cannot join run 1 of .*ka.db .*the suite content differs in "sample"' "$T/err" ||
	{ echo "not ok - the refusal names what differs"; sed 's/^/#   /' "$T/err"; }
ok_if "a refused merge into a new database leaves none" test ! -e "$T/k.db"

# bad inputs: OUT.db untouched
printf 'this is not a database, just some text that is long enough to be read %0100d\n' 0 >"$T/corrupt.db"
expect_exit 3 "a corrupt input: exit 3" $R merge "$T/merged.db" "$T/shard0.db" "$T/corrupt.db"
grep -q 'corrupt.db' "$T/err" || echo "not ok - a corrupt input is named"
expect_exit 3 "a missing input: exit 3" $R merge "$T/merged.db" "$T/nowhere.db"
grep -q 'nowhere.db: cannot read' "$T/err" || echo "not ok - a missing input is named"
cp "$T/shard0.db" "$T/future.db"
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$T/future.db" 'PRAGMA user_version = 99' >/dev/null
	expect_exit 3 "an input of a newer schema: exit 3" $R merge "$T/merged.db" "$T/future.db"
	grep -q 'future.db: made by a newer receval (schema version 99' "$T/err" || echo "not ok - the newer schema is named"
else
	echo "not ok - sqlite3 is not installed (make deps)"
fi
[ "$(cat "$T/merged.db" | cksum)" = "$sum0" ] && echo "ok - refused merges leave OUT.db untouched" ||
	echo "not ok - refused merges leave OUT.db untouched"
expect_exit 5 "an output that cannot be written: exit 5" $R merge "$T/no/such/dir/out.db" "$T/shard0.db"
expect_exit 2 "the output named as an input: exit 2" $R merge "$T/shard0.db" "$T/shard0.db"
expect_exit 2 "merge without inputs: exit 2" $R merge "$T/x.db"

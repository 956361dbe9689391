#!/bin/sh
# cli.sh: the receval binary as a user drives it: help, the demo suite, show in every format, determinism, shards.
. tests/e2e/lib.sh
R=$RECEVAL
case $R in /*) ;; *) R=$(pwd)/$R ;; esac
DB=$TMPDIR/cli.db

# every subcommand answers -h, and the top-level help lists them
cmds=$($R --help | awk '/^commands:/{f=1; next} f && /^    [a-z]/ {print $1}')
[ -n "$cmds" ] && echo "ok - receval --help lists commands" || echo "not ok - receval --help lists commands"
for c in $cmds; do
	expect_exit 0 "receval $c -h exits 0" $R "$c" -h
	if grep -q '^usage: receval' "$TMPDIR/out"; then echo "ok - receval $c -h prints usage"
	else echo "not ok - receval $c -h prints usage"; fi
done
expect_exit 2 "unknown command exits 2" $R frobnicate
expect_exit 2 "no command exits 2" $R
expect_exit 2 "unknown flag exits 2" $R run suites/demo.json --frobnicate
expect_exit 2 "bad --limit exits 2" $R run suites/demo.json --limit abc
expect_exit 2 "bad --shard exits 2" $R run suites/demo.json --shard 3/2
# bug: a negative Kubernetes index was said to be "not below the shard count"; a count of 0 the same
for c in "-1 3 JOB_COMPLETION_INDEX=-1 is negative" "3 3 JOB_COMPLETION_INDEX=3 is out of range" "0 0 RECEVAL_SHARDS=0 is not a shard count"; do
	set -- $c
	expect_exit 2 "--shard auto with index $1 of $2 exits 2" \
		env JOB_COMPLETION_INDEX="$1" RECEVAL_SHARDS="$2" $R run suites/demo.json --shard auto --db "$DB"
	shift 2
	ok_if "its message says: $*" grep -q "^receval: --shard auto: $*" "$TMPDIR/err"
done
expect_exit 2 "--shard auto in a Slurm array of 0 tasks exits 2" env -u JOB_COMPLETION_INDEX SLURM_ARRAY_TASK_ID=0 \
	SLURM_ARRAY_TASK_COUNT=0 $R run suites/demo.json --shard auto --db "$DB"
ok_if "its message says the count is not one" grep -q "SLURM_ARRAY_TASK_COUNT=0 is not a task count" "$TMPDIR/err"
expect_exit 2 "unknown provider in --model exits 2" $R run suites/demo.json --model nope:x --db "$DB"
expect_exit 2 "unknown builtin model exits 2" $R run suites/demo.json --model builtin:nope --db "$DB"
expect_exit 2 "bad model parameter exits 2" $R run suites/demo.json --model 'builtin:itemknn?neighbors=0' --db "$DB"
expect_exit 5 "show on a missing database exits 5" $R show 1 --db "$TMPDIR/none.db"
[ ! -e "$TMPDIR/none.db" ] && echo "ok - show does not create a database" || echo "not ok - show does not create a database"

# the demo suite, all of its models
$R run suites/demo.json --db "$DB" >"$TMPDIR/run.out" 2>"$TMPDIR/run.err"
rc=$?
[ $rc -eq 0 ] && echo "ok - demo run exits 0" || { echo "not ok - demo run exits 0 (exit $rc)"; sed 's/^/#   /' "$TMPDIR/run.err" | tail -5; }
n=$(grep -c '^run [0-9]*$' "$TMPDIR/run.out")
[ "$n" -eq 4 ] && echo "ok - demo run prints four run ids" || echo "not ok - demo run prints four run ids ($n)"
grep -q 'retrieval  ndcg@10' "$TMPDIR/run.out" && echo "ok - demo run prints a metrics table" || echo "not ok - demo run prints a metrics table"
grep -q 'samples' "$TMPDIR/run.err" && echo "ok - progress goes to stderr" || echo "not ok - progress goes to stderr"

# itemknn clearly beats pop on the demo data
pop=$($R show 2 --db "$DB" --format csv | awk -F, '$3=="retrieval" && $4=="ndcg@10" {print $5}')
knn=$($R show 3 --db "$DB" --format csv | awk -F, '$3=="retrieval" && $4=="ndcg@10" {print $5}')
awk -v p="$pop" -v k="$knn" 'BEGIN { exit !(k > 2 * p && p > 0) }' &&
	echo "ok - itemknn beats pop by 2x on demo ndcg@10 ($knn vs $pop)" ||
	echo "not ok - itemknn beats pop by 2x on demo ndcg@10 ($knn vs $pop)"

expect_exit 0 "list exits 0" $R list --db "$DB"
[ "$(grep -c 'done' "$TMPDIR/out")" -eq 4 ] && echo "ok - list shows four finished runs" || echo "not ok - list shows four finished runs"
expect_exit 0 "show table exits 0" $R show 3 --db "$DB"
grep -q '95% CI' "$TMPDIR/out" && echo "ok - show prints a table with intervals" || echo "not ok - show prints a table with intervals"
expect_exit 3 "show of an unknown run exits 3" $R show 99 --db "$DB"
expect_exit 2 "show with a bad format exits 2" $R show 3 --db "$DB" --format xml
expect_exit 0 "show latest exits 0" $R show latest --db "$DB" --format csv
lines=$(wc -l <"$TMPDIR/out")
[ "$lines" -eq 70 ] && echo "ok - show csv has a header and a row per task and metric" || echo "not ok - show csv has a header and a row per task and metric ($lines lines)"

# JSON shapes (DESIGN.md)
$R show 3 --db "$DB" --format json >"$TMPDIR/show.json"
$R show 3 --db "$DB" --samples --format jsonl >"$TMPDIR/samples.jsonl"
if command -v python3 >/dev/null 2>&1; then
	python3 - "$TMPDIR/show.json" "$TMPDIR/samples.jsonl" <<'PY' && echo "ok - show json and samples jsonl have the DESIGN.md shapes" || echo "not ok - show json and samples jsonl have the DESIGN.md shapes"
import json, sys
show = json.load(open(sys.argv[1]))
run = show["run"]
for k in ("id", "suite", "model", "status", "started_at", "finished_at", "samples", "errors"):
    assert k in run, k
assert run["id"] == 3 and run["status"] == "done" and run["model"] == "builtin:itemknn"
m = show["metrics"]
assert set(m) == {"retrieval", "ranking"}, m.keys()
for task in m.values():
    for name, v in task.items():
        assert set(v) == {"value", "ci_low", "ci_high", "n"}, v
        if name.split("@")[0] in ("coverage", "gini", "entropy"):
            assert v["ci_low"] is None and v["ci_high"] is None and v["value"] >= 0, (name, v)
        else:
            assert v["ci_low"] <= v["value"] <= v["ci_high"], (name, v)
        assert v["n"] == 500
lines = [json.loads(l) for l in open(sys.argv[2])]
assert len(lines) == 1000, len(lines)
for s in lines:
    for k in ("task", "sample_id", "user", "target", "candidates", "ranking", "response", "status", "error", "grounding", "metrics"):
        assert k in s, k
    assert isinstance(s["target"], str) and all(isinstance(i, str) for i in s["ranking"])
    assert s["status"] == "ok" and s["error"] is None
    if s["task"] == "ranking":
        assert len(s["candidates"]) == 20 and s["target"] in s["candidates"]
        assert sorted(s["candidates"]) == sorted(s["ranking"])
        assert not set(s["candidates"]) - {s["target"]} & set(s["history"])
    else:
        assert len(s["ranking"]) == 20 and not set(s["ranking"]) & set(s["history"])
    assert len(s["history"]) <= 50
    hit = 1.0 if s["target"] in s["ranking"][:10] else 0.0
    assert s["metrics"]["hit@10"] == hit
PY
else
	skip "show json shapes" "python3 is absent"
fi

# the same suite and seed give the same samples and figures
$R run suites/demo.json --model builtin:itemknn --db "$DB" -q >/dev/null 2>&1
$R show 5 --db "$DB" --samples >"$TMPDIR/again.jsonl"
sed 's/"latency_ms":[0-9.]*//' "$TMPDIR/samples.jsonl" >"$TMPDIR/a"
sed 's/"latency_ms":[0-9.]*//' "$TMPDIR/again.jsonl" >"$TMPDIR/b"
[ -s "$TMPDIR/a" ] && cmp -s "$TMPDIR/a" "$TMPDIR/b" && echo "ok - a rerun gives identical samples" || echo "not ok - a rerun gives identical samples"
$R show 3 --db "$DB" --format csv | cut -d, -f3- >"$TMPDIR/a"
$R show 5 --db "$DB" --format csv | cut -d, -f3- >"$TMPDIR/b"
[ -s "$TMPDIR/a" ] && cmp -s "$TMPDIR/a" "$TMPDIR/b" && echo "ok - a rerun gives identical metrics and intervals" || echo "not ok - a rerun gives identical metrics and intervals"

# another seed samples other users; --limit keeps a prefix of the same order
$R run suites/demo.json --model builtin:pop --seed 7 --limit 50 --db "$DB" -q >/dev/null 2>&1
$R show 6 --db "$DB" --samples | grep '"task":"retrieval"' | sed 's/.*"user":"\([^"]*\)".*/\1/' >"$TMPDIR/seed7"
$R show 2 --db "$DB" --samples | grep '"task":"retrieval"' | sed 's/.*"user":"\([^"]*\)".*/\1/' | head -50 >"$TMPDIR/seed42"
[ "$(wc -l <"$TMPDIR/seed7")" -eq 50 ] && ! cmp -s "$TMPDIR/seed7" "$TMPDIR/seed42" &&
	echo "ok - --seed changes the sampled users, --limit caps them" || echo "not ok - --seed changes the sampled users, --limit caps them"

# two shards cover the sampled users exactly once
$R run suites/demo.json --model builtin:pop --shard 0/2 --db "$DB" -q >/dev/null 2>&1
$R run suites/demo.json --model builtin:pop --shard 1/2 --db "$DB" -q >/dev/null 2>&1
{ $R show 7 --db "$DB" --samples; $R show 8 --db "$DB" --samples; } | sed 's/"latency_ms":[0-9.]*//' | sort >"$TMPDIR/a"
$R show 2 --db "$DB" --samples | sed 's/"latency_ms":[0-9.]*//' | sort >"$TMPDIR/b"
[ -s "$TMPDIR/a" ] && cmp -s "$TMPDIR/a" "$TMPDIR/b" && echo "ok - shards 0/2 and 1/2 together equal the whole run" || echo "not ok - shards 0/2 and 1/2 together equal the whole run"

# RECEVAL_DB and the default database
ROOT=$(pwd)
(cd "$TMPDIR" && RECEVAL_DB="$TMPDIR/env.db" "$R" run "$ROOT/suites/demo.json" --model builtin:pop --limit 5 -q >/dev/null 2>&1)
[ -s "$TMPDIR/env.db" ] && echo "ok - RECEVAL_DB names the database" || echo "not ok - RECEVAL_DB names the database"

# the shared preamble (eval/cli/common.c): a command that takes no arguments names the one it got
expect_exit 2 "list with an argument exits 2" $R list extra --db "$DB"
ok_if "list names the argument it does not take" grep -qF "list takes no arguments, got 'extra'" "$TMPDIR/err"
expect_exit 2 "show with two run ids exits 2" $R show 3 4 --db "$DB"
ok_if "show says it needs one run id" grep -qF "show needs one run id" "$TMPDIR/err"

# --samples --format table: the rank column is the target's 1-based place in the stored ranking (codec_place)
if command -v python3 >/dev/null 2>&1; then
	$R show 3 --db "$DB" --samples --format table >"$TMPDIR/rank.txt"
	python3 - "$TMPDIR/samples.jsonl" "$TMPDIR/rank.txt" <<'PY' && echo "ok - show --samples table ranks match the stored rankings" || echo "not ok - show --samples table ranks match the stored rankings"
import json, sys
want = []
for line in open(sys.argv[1]):
    s = json.loads(line)
    r = s["ranking"]
    want.append(str(r.index(s["target"]) + 1) if s["target"] in r else "-")
# task, sample_id, user, status, rank, then the target as "title (id)"
got = [l.split()[4] for l in open(sys.argv[2]).read().splitlines()[1:]]
sys.exit(0 if got == want and any(w != "-" for w in want) else 1)
PY
else
	skip "show --samples table ranks" "no python3"
fi

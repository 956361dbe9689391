#!/bin/sh
# export.sh: `receval export`: JSON lines equal to `show --samples`; a TREC run and qrels that `receval trec` scores as the run did; ids TREC cannot hold.
. tests/e2e/lib.sh
R=$RECEVAL
case $R in /*) ;; *) R=$(pwd)/$R ;; esac
DB=$TMPDIR/e.db

$R run suites/demo.json --model builtin:pop --model builtin:itemknn --db "$DB" -q >"$TMPDIR/r1" 2>&1
POP=$(run_ids "$TMPDIR/r1" | sed -n 1p)
KNN=$(run_ids "$TMPDIR/r1" | sed -n 2p)
if [ -n "$POP" ] && [ -n "$KNN" ]; then
	echo "ok - export: demo runs made ($POP $KNN)"
else
	echo "not ok - export: demo runs made"
	sed 's/^/#   /' "$TMPDIR/r1" | tail -n 10
	exit 0
fi

# --- jsonl ----------------------------------------------------------------------
expect_exit 0 "export: --format jsonl exits 0" $R export "$KNN" --format jsonl --db "$DB"
cp "$TMPDIR/out" "$TMPDIR/e.jsonl"
$R show "$KNN" --samples --format jsonl --db "$DB" >"$TMPDIR/s.jsonl" 2>/dev/null
ok_if "export: jsonl is byte for byte 'show --samples --format jsonl'" \
	sh -c "[ -s '$TMPDIR/e.jsonl' ] && cmp -s '$TMPDIR/e.jsonl' '$TMPDIR/s.jsonl'"
n=$(wc -l <"$TMPDIR/e.jsonl" | tr -d ' ')
ok_if "export: jsonl has a line per sample (500 users x 2 tasks = $n)" test "$n" -eq 1000
ok_if "export: jsonl is the default format" sh -c "$R export '$KNN' --db '$DB' | cmp -s - '$TMPDIR/s.jsonl'"
expect_exit 0 "export: jsonl -o FILE exits 0" $R export "$KNN" --format jsonl --db "$DB" -o "$TMPDIR/o.jsonl"
ok_if "export: -o FILE holds the same lines, stdout is empty" \
	sh -c "[ -s '$TMPDIR/o.jsonl' ] && cmp -s '$TMPDIR/o.jsonl' '$TMPDIR/s.jsonl' && [ ! -s '$TMPDIR/out' ]"
if command -v python3 >/dev/null 2>&1; then
	ok_if "export: every jsonl line is an object with the documented keys" python3 -c '
import json, sys
keys = {"task", "sample_id", "user", "target", "candidates", "ranking", "response", "status", "error", "grounding", "metrics"}
for line in open(sys.argv[1]):
    o = json.loads(line)
    assert keys <= set(o), keys - set(o)
    assert isinstance(o["ranking"], list) and isinstance(o["metrics"], dict)
' "$TMPDIR/e.jsonl"
else
	skip "export: jsonl lines parse" "no python3"
fi

# --- trec -----------------------------------------------------------------------
expect_exit 0 "export: --format trec --qrels exits 0" $R export "$KNN" --format trec --qrels "$TMPDIR/qrels" \
	-o "$TMPDIR/run" --db "$DB"
ok_if "export: qrels has a judgement per sample (1000), 'qid 0 target 1'" \
	awk 'NF != 4 || $2 != "0" || $4 != "1" || $1 !~ /^(retrieval|ranking)\// { bad = 1 } END { exit bad || NR != 1000 }' "$TMPDIR/qrels"
ok_if "export: run lines are 'qid Q0 docno rank score receval-$KNN-TASK' (20 per query, 20000; the runid names the task of a file of several)" \
	awk -v id="receval-$KNN" 'NF != 6 || $2 != "Q0" || $6 != id "-" substr($1, 1, index($1, "/") - 1) { bad = 1 } END { exit bad || NR != 20000 }' "$TMPDIR/run"
ok_if "export: ranks run 1..n and score = n - rank + 1 within each query" \
	awk '$1 != q { if (q != "" && (r != 20)) bad = 1; q = $1; r = 0 } { r++; if ($4 != r || $5 != 21 - r) bad = 1 } END { exit bad }' "$TMPDIR/run"
ok_if "export: the run file's rankings are the stored rankings, in order" sh -c "
	head -n 1 '$TMPDIR/e.jsonl' | sed 's/.*\"ranking\":\\[\\([^]]*\\)\\].*/\\1/' | tr -d '\"' | tr , '\n' >'$TMPDIR/first.rank'
	q=\$(head -n 1 '$TMPDIR/run' | cut -d' ' -f1)
	awk -v q=\"\$q\" '\$1 == q {print \$3}' '$TMPDIR/run' | cmp -s - '$TMPDIR/first.rank'"

# the round trip: trec_eval's measures on the exported files are the run's own figures
show_value() { $R show "$KNN" --db "$DB" --format csv | awk -F, -v t="$1" -v m="$2" '$3==t && $4==m {print $5}'; }
for task in retrieval ranking; do
	grep "^$task/" "$TMPDIR/qrels" >"$TMPDIR/q.$task"
	# --task: one task's lines, runid receval-RUN_ID (issue 15: a file of every task averages them together)
	$R export "$KNN" --format trec --task "$task" -o "$TMPDIR/r.$task" --db "$DB"
	ok_if "export --task $task: only that task's lines, as in the file of every task" sh -c \
		"grep '^$task/' '$TMPDIR/run' | sed 's/ receval-$KNN-$task\$/ receval-$KNN/' | cmp -s - '$TMPDIR/r.$task'"
	$R trec "$TMPDIR/q.$task" "$TMPDIR/r.$task" -m ndcg_cut.10 -m recall.10 >"$TMPDIR/t.$task" 2>"$TMPDIR/err"
	for pair in ndcg_cut_10:ndcg@10 recall_10:recall@10; do
		tm=${pair%%:*}
		rm_=${pair#*:}
		a=$(awk -v m="$tm" '$1 == m && $2 == "all" {print $3}' "$TMPDIR/t.$task")
		b=$(show_value "$task" "$rm_")
		ok_if "export: trec round trip reproduces $task $rm_ ($a vs $b)" \
			awk -v a="$a" -v b="$b" 'BEGIN { d = a - b; exit !(a != "" && b != "" && d < 1e-4 && d > -1e-4) }'
	done
done
expect_exit 3 "export --task of a task the run lacks exits 3" $R export "$KNN" --format trec --task nope -o "$TMPDIR/nope" --db "$DB"
ok_if "export --task nope: names the run's tasks, leaves no file" sh -c "grep -q \"no task 'nope' (its tasks: retrieval, ranking)\" '$TMPDIR/err' && [ ! -e '$TMPDIR/nope' ]"
expect_exit 2 "export --task goes with --format trec" $R export "$KNN" --task retrieval --db "$DB"

# per query too: trec -q ndcg_cut_10 equals each sample's ndcg@10
if command -v python3 >/dev/null 2>&1; then
	$R trec -q "$TMPDIR/q.retrieval" "$TMPDIR/r.retrieval" -m ndcg_cut.10 >"$TMPDIR/tq" 2>/dev/null
	ok_if "export: trec -q ndcg_cut_10 equals every retrieval sample's ndcg@10" python3 -c '
import json, sys
trec = {}
for line in open(sys.argv[1]):
    m, q, v = line.split()
    if q != "all":
        trec[q] = float(v)
n = 0
for line in open(sys.argv[2]):
    o = json.loads(line)
    if o["task"] != "retrieval":
        continue
    q = o["task"] + "/" + o["sample_id"]
    assert abs(trec[q] - o["metrics"]["ndcg@10"]) <= 5e-5, (q, trec[q], o["metrics"]["ndcg@10"])
    n += 1
assert n == 500 and len(trec) == 500
' "$TMPDIR/tq" "$TMPDIR/e.jsonl"
else
	skip "export: trec per-query round trip" "no python3"
fi
# the whole file at once: both tasks' queries are distinct (qid = TASK/SAMPLE_ID)
expect_exit 0 "export: receval trec reads both tasks' files whole" $R trec "$TMPDIR/qrels" "$TMPDIR/run" -m num_q
ok_if "export: 1000 distinct queries" grep -qE '^num_q[[:space:]]+all[[:space:]]+1000$' "$TMPDIR/out"
expect_exit 0 "export: trec to stdout without --qrels" $R export "$KNN" --format trec --db "$DB"
ok_if "export: stdout is the same run file" sh -c "[ -s '$TMPDIR/run' ] && cmp -s '$TMPDIR/out' '$TMPDIR/run'"

# --- ids a TREC file cannot hold ---------------------------------------------------
mkdir -p "$TMPDIR/ws"
printf 'user,item\nu1,"x y"\nu1,b\nu2,"x y"\nu2,c\nu3,"x y"\nu3,b\nu4,b\nu4,c\nu5,"x y"\nu5,c\n' >"$TMPDIR/ws/i.csv"
printf 'item,title\n"x y",X\nb,B\nc,C\n' >"$TMPDIR/ws/items.csv"
cat >"$TMPDIR/ws/s.json" <<'EOF'
{"name": "ws", "dataset": {"format": "csv", "path": "i.csv", "items": "items.csv"},
 "tasks": [{"type": "retrieval", "k": [1, 2]}]}
EOF
$R run "$TMPDIR/ws/s.json" --model builtin:pop --db "$TMPDIR/ws.db" -q >"$TMPDIR/r2" 2>&1
WS=$(run_ids "$TMPDIR/r2")
if [ -n "$WS" ]; then
	expect_exit 3 "export: an item id with a space exits 3" $R export "$WS" --format trec --db "$TMPDIR/ws.db" \
		-o "$TMPDIR/ws.run" --qrels "$TMPDIR/ws.qrels"
	ok_if "export: the message names the id" grep -qF "item id 'x y' contains whitespace" "$TMPDIR/err"
	ok_if "export: no half-written files are left" test ! -e "$TMPDIR/ws.run" -a ! -e "$TMPDIR/ws.qrels"
	expect_exit 0 "export: the same run exports as jsonl" $R export "$WS" --db "$TMPDIR/ws.db"
else
	echo "not ok - export: a run on ids with spaces"
	sed 's/^/#   /' "$TMPDIR/r2" | tail -n 5
fi

# --- exit codes -----------------------------------------------------------------
expect_exit 2 "export: unknown format exits 2" $R export "$KNN" --format xml --db "$DB"
expect_exit 2 "export: --qrels with jsonl exits 2" $R export "$KNN" --format jsonl --qrels "$TMPDIR/x" --db "$DB"
expect_exit 2 "export: no run id exits 2" $R export --db "$DB"
expect_exit 2 "export: a run id that is not a number exits 2" $R export abc --db "$DB"
expect_exit 3 "export: a missing run exits 3" $R export 999 --db "$DB"
expect_exit 5 "export: a missing database exits 5" $R export 1 --db "$TMPDIR/none.db"
expect_exit 6 "export: an unwritable --qrels exits 6, and the run file is removed" $R export "$KNN" --format trec --db "$DB" \
	-o "$TMPDIR/half.run" --qrels "$TMPDIR/no/dir/qrels"
ok_if "export: no run file is left when --qrels cannot be written" test ! -e "$TMPDIR/half.run"
expect_exit 6 "export: an unwritable -o exits 6 (as report's -o)" $R export "$KNN" --format trec --db "$DB" -o "$TMPDIR/no/dir/run"

# --- damaged payloads: stored id lists and groundings are read through eval/codec.h ----------
# A ranking that is not a list of item ids is refused by the TREC export (it used to pass as an
# empty ranking when it was not an array), and JSON lines print it as [] so that they stay JSON.
if command -v sqlite3 >/dev/null 2>&1; then
	cp "$DB" "$TMPDIR/bad.db"
	sqlite3 "$TMPDIR/bad.db" "UPDATE samples SET ranking = '{\"a\":1}', grounding = '[oops'
		WHERE run_id = $KNN AND rowid = (SELECT MIN(rowid) FROM samples WHERE run_id = $KNN)"
	expect_exit 3 "export: a stored ranking that is not an id list exits 3" $R export "$KNN" --format trec \
		--db "$TMPDIR/bad.db" -o "$TMPDIR/bad.run"
	ok_if "export: the message names the damaged ranking" grep -qF "the ranking holds something other than an item id" "$TMPDIR/err"
	ok_if "export: no half-written run file is left" test ! -e "$TMPDIR/bad.run"
	expect_exit 0 "export: the damaged run still exports as jsonl" $R export "$KNN" --db "$TMPDIR/bad.db"
	ok_if "export: a damaged ranking and grounding print as []" \
		sh -c "head -n 1 '$TMPDIR/out' | grep -qF '\"ranking\":[]' && head -n 1 '$TMPDIR/out' | grep -qF '\"grounding\":[]'"
	tail -n +2 "$TMPDIR/s.jsonl" >"$TMPDIR/s.rest"
	ok_if "export: the other lines are unchanged" sh -c "tail -n +2 '$TMPDIR/out' | cmp -s - '$TMPDIR/s.rest'"
else
	skip "export: damaged payloads" "no sqlite3 program to edit a copy of the store"
fi

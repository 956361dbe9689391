#!/bin/sh
# judge.sh: the explanation task and its judges through the fake server: reference-free figures, rubric scores,
# unreadable verdicts counted, a failing judge resumed, pairwise judgments of biased and fair judges, gate, calibration.
. tests/e2e/lib.sh
R=$RECEVAL
T=$TMPDIR
FS=$BUILD/fake_server
if [ ! -x "$FS" ] || ! command -v python3 >/dev/null 2>&1; then
	skip "explanations and judges through the fake server" "needs $FS and python3"
	exit 0
fi
start() { # start NAME [FLAGS...]
	name=$1
	shift
	"$FS" --port-file "$T/$name.port" --log "$T/$name.log" --answer judge --idle-exit 120 "$@" 2>/dev/null &
	eval "PID_$name=\$!"
	i=0
	while [ ! -s "$T/$name.port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
}
printf '1-12 429 0\n' >"$T/faults"
start main
start flaky --faults "$T/faults"
trap 'kill $PID_main $PID_flaky 2>/dev/null' EXIT
URL="http://127.0.0.1:$(cat "$T/main.port")/v1"
FURL="http://127.0.0.1:$(cat "$T/flaky.port")/v1"
DB=$T/j.db

cat >"$T/suite.json" <<JSON
{"name": "explain", "dataset": {"format": "csv", "path": "$(pwd)/suites/demo/interactions.csv", "items": "$(pwd)/suites/demo/items.csv"},
 "split": {"strategy": "leave-last-out", "max_history": 8},
 "sample": {"users": 12, "seed": 3},
 "tasks": [{"type": "explanation", "judge": "openai:judge-content?base_url=$URL"}]}
JSON

# 1-4: a good and a poor explainer, judged on the rubric; itemknn skips the task
$R run "$T/suite.json" --model "openai:good?base_url=$URL" --model "openai:poor?base_url=$URL" \
	--model "openai:fake?base_url=$URL" --model "openai:long?base_url=$URL" --model builtin:itemknn \
	--db "$DB" -q >"$T/run.out" 2>"$T/run.err"
rc=$?
ok_if "four explainers run with a judge (exit $rc)" [ $rc -eq 0 ]
ok_if "a built-in model skips explanation with a warning" grep -q "builtin:itemknn writes no text: task 'explanation' skipped" "$T/run.err"
for i in 1 2 3 4; do $R show $i --db "$DB" --format json >"$T/show$i.json"; done
python3 - "$T" <<'PY'
import json, sys
T = sys.argv[1]
m = {i: json.load(open("%s/show%d.json" % (T, i)))["metrics"]["explanation"] for i in (1, 2, 3, 4)}
def v(i, k): return m[i][k]["value"] if k in m[i] else None
def report(name, ok, detail=""):
    print(("ok - " if ok else "not ok - ") + name + ("" if ok else " (" + detail + ")"))
report("good: names its target and two history items, no hallucination",
       v(1, "target_named_rate") == 1 and v(1, "history_cited") == 2 and v(1, "hallucinated_titles") == 0, str(m[1]))
report("poor: names nothing, 12 words", v(2, "target_named_rate") == 0 and v(2, "history_cited") == 0 and v(2, "words") == 12, str(m[2]))
report("fake: one made-up title per explanation", v(3, "hallucinated_titles") == 1, str(v(3, "hallucinated_titles")))
report("long: every explanation over max_words", v(4, "over_length_rate") == 1 and v(1, "over_length_rate") == 0)
report("the content judge scores good 3 and poor 1 on every aspect",
       all(v(1, a) == 3 and v(2, a) == 1 for a in ("informativeness", "persuasiveness", "helpfulness")))
report("no judge failure; judge tokens counted apart from the subject's",
       v(1, "judge_failure_rate") == 0 and v(1, "judge_tokens_in") > 0 and v(1, "tokens_in") > 0
       and v(1, "judge_tokens_in") != v(1, "tokens_in"))
PY
python3 - "$DB" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("select transcript from samples where run_id = 1").fetchall()
t = [json.loads(r[0]) for r in rows]
ok = len(t) == 12 and all([e["role"] for e in x] == ["subject", "judge"] and x[1]["verdict"].get("informativeness") == 3
                          and "[The Start of Assistant's Answer]" in x[1]["request"]["messages"][1]["content"] for x in t)
print(("ok" if ok else "not ok") + " - every judge request, raw verdict and parsed score is stored with its sample")
PY

$R show 1 --db "$DB" --samples >"$T/s1.jsonl"
ok_if "show --samples prints each sample's transcript" python3 -c "
import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]
sys.exit(0 if len(r) == 12 and all(x['transcript'][1]['role'] == 'judge' and x['transcript'][1]['response'] for x in r) else 1)" "$T/s1.jsonl"

# 5-6: unreadable rubric verdicts are judge failures, raw text kept; --judge wins over the task's judge
$R run "$T/suite.json" --model "openai:good?base_url=$URL" --judge "openai:judge-garbled?base_url=$URL" --db "$DB" -q >"$T/g.out" 2>&1
G=$(run_ids "$T/g.out")
$R show "$G" --db "$DB" --format json >"$T/show5.json"
python3 - "$T/show5.json" "$DB" "$G" <<'PY'
import json, sqlite3, sys
m = json.load(open(sys.argv[1]))["metrics"]["explanation"]
db = sqlite3.connect(sys.argv[2])
run = int(sys.argv[3])
t = [json.loads(r[0]) for r in db.execute("select transcript from samples where run_id = ?", (run,))]
ok = m["judge_failure_rate"]["value"] == 1 and "informativeness" not in m and m["judge_failure_rate"]["n"] == 12
print(("ok" if ok else "not ok") + " - --judge wins: a garbled judge's every verdict is a failure, no score guessed")
ok = all(x[1]["response"] and "failure" in x[1]["verdict"] for x in t)
print(("ok" if ok else "not ok") + " - the unreadable verdicts are stored raw with why they failed")
cfg = json.loads(db.execute("select config from runs where id = ?", (run,)).fetchone()[0])
print(("ok" if "judge-garbled" in cfg.get("judge", "") else "not ok") + " - the run records the --judge it was made with")
PY

# 7-9: a judge that fails after its retries leaves samples unjudged; --resume asks only those judges
cat >"$T/small.json" <<JSON
{"name": "explain-small", "dataset": {"format": "csv", "path": "$(pwd)/suites/demo/interactions.csv", "items": "$(pwd)/suites/demo/items.csv"},
 "split": {"strategy": "leave-last-out", "max_history": 8},
 "sample": {"users": 4, "seed": 3},
 "tasks": [{"type": "explanation", "judge": "openai:judge-content?base_url=$FURL"}]}
JSON
$R run "$T/small.json" --model "openai:good?base_url=$URL" --db "$T/r.db" --concurrency 1 -q >/dev/null 2>"$T/r.err"
rc=$?
ok_if "a judge failing after its retries: exit 4 (got $rc)" [ $rc -eq 4 ]
n=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"select count(*) from samples where status='error' and error like 'judge: %'\").fetchone()[0])" "$T/r.db")
ok_if "two samples are left unjudged, their answers kept ($n)" [ "$n" = 2 ]
subj=$(wc -l <"$T/main.log")
judge=$(wc -l <"$T/flaky.log")
$R run --resume 1 --db "$T/r.db" -q >/dev/null 2>&1
rc=$?
subj2=$(wc -l <"$T/main.log")
judge2=$(wc -l <"$T/flaky.log")
ok_if "--resume finishes the run (exit $rc)" [ $rc -eq 0 ]
ok_if "--resume asks only the two missing judge requests ($((judge2 - judge)) judge, $((subj2 - subj)) subject)" \
	[ $((judge2 - judge)) -eq 2 ] && [ $((subj2 - subj)) -eq 0 ]
$R show 1 --db "$T/r.db" --format json >"$T/r.json"
ok_if "after --resume every sample is judged" python3 -c "
import json,sys; m=json.load(open(sys.argv[1]))['metrics']['explanation']
sys.exit(0 if m['informativeness']['n'] == 4 and m['error_rate']['value'] == 0 else 1)" "$T/r.json"

# 10-13: pairwise judgments
$R judge 1 2 --judge "openai:judge-first?base_url=$URL" --db "$DB" --format json -q >"$T/first.json"
ok_if "a judge that always picks the first-shown answer: first_position_rate 1, consistency 0, adjusted win rate 0.5" python3 -c "
import json,sys; t=json.load(open(sys.argv[1]))['tasks']['explanation']
sys.exit(0 if t['first_position_rate'] == 1 and t['consistency_rate'] == 0 and t['win_rate_adjusted'] == 0.5 and t['samples'] == 12 else 1)" "$T/first.json"
$R judge 2 1 --judge "openai:judge-content?base_url=$URL" --db "$DB" --format json -q >"$T/content.json"
$R judge 1 2 --judge "openai:judge-content?base_url=$URL" --db "$DB" --format json -q >"$T/content2.json"
ok_if "a content-driven judge prefers the better explanations in both orders" python3 -c "
import json,sys; a=json.load(open(sys.argv[1]))['tasks']['explanation']; b=json.load(open(sys.argv[2]))['tasks']['explanation']
sys.exit(0 if a['win_rate'] == 1 and a['consistency_rate'] == 1 and a['p'] < 0.001 and b['loss_rate'] == 1 and a['win_rate_adjusted_ci'] == [1, 1] else 1)" "$T/content.json" "$T/content2.json"
# bug: p was 1 (printed "p 1.0000") when no sample was judged; with no win and no loss there is nothing to test:
# n/a in the table, null in JSON (on a copy, so that the judgments below stay the latest)
sqlite3 "$DB" ".backup '$T/na.db'"
$R judge 1 2 --judge "openai:judge-garbled?base_url=$URL" --db "$T/na.db" -q >"$T/na.txt" 2>/dev/null
ok_if "no sample judged: the table prints p as n/a" grep -Eq '^explanation +p +n/a$' "$T/na.txt"
$R judge 1 2 --judge "openai:judge-garbled?base_url=$URL" --db "$T/na.db" --format json -q >"$T/na.json" 2>/dev/null
$R judge 1 2 --judge "openai:judge-tie?base_url=$URL" --db "$T/na.db" --format json -q >"$T/tie.json" 2>/dev/null
ok_if "no sample judged, or only ties: p is null in JSON" python3 -c "
import json,sys; a=json.load(open(sys.argv[1]))['tasks']['explanation']; b=json.load(open(sys.argv[2]))['tasks']['explanation']
sys.exit(0 if a['judged'] == 0 and a['p'] is None and b['judged'] == 12 and b['tie_rate'] == 1 and b['p'] is None else 1)" \
	"$T/na.json" "$T/tie.json"
$R judge 1 3 --judge "openai:judge-flaky?base_url=$URL" --db "$DB" --format json -q >"$T/flaky.json"
python3 - "$T/flaky.json" "$DB" "$T/main.log" <<'PY'
import json, sqlite3, sys
t = json.load(open(sys.argv[1]))["tasks"]["explanation"]
db = sqlite3.connect(sys.argv[2])
jid = json.load(open(sys.argv[1]))["judgment"]
rows = db.execute("select verdict_ab, verdict_ba, transcript from judgment_samples where judgment_id = ?", (jid,)).fetchall()
failed = sum(1 for a, b, _ in rows if a is None or b is None)
stored = sum(1 for _, _, tr in rows for e in json.loads(tr) if e["verdict"] and "failure" in e["verdict"])
logged = sum(1 for l in open(sys.argv[3]) if '"model":"judge-flaky"' in l and '"answer_format":"pair-garbled' in l)
ok = failed > 0 and abs(t["judge_failure_rate"] - failed / 12) < 1e-9 and t["judged"] == 12 - failed and stored == logged
print(("ok" if ok else "not ok") + " - every unreadable pairwise verdict is counted (%d of 12 samples, %d verdicts, %d garbled answers sent)" % (failed, stored, logged))
PY
$R gate --baseline 1 --candidate 2 --rule 'explanation.win_rate_adjusted>=0.45' --db "$DB" >/dev/null 2>&1
rc=$?
ok_if "gate fails a candidate whose explanations lose to the baseline's (exit $rc)" [ $rc -eq 1 ]
$R gate --baseline 2 --candidate 1 --rule 'explanation.win_rate_adjusted>=0.45' --db "$DB" >/dev/null 2>&1
rc=$?
ok_if "gate passes one that wins (exit $rc)" [ $rc -eq 0 ]
# bug: a delta: rule on a judgment figure said "baseline run 1 has no metric 'win_rate_adjusted'"; the figure is
# the candidate judged against the baseline, a comparison already: the error says so and how to write the rule
expect_exit 3 "a delta: rule on a judgment figure cannot be checked (exit 3)" \
	$R gate --baseline 1 --candidate 2 --rule 'delta:explanation.win_rate_adjusted>=0' --db "$DB"
ok_if "its message says the figure is a judgment's, with no delta, and gives the rule without delta:" \
	grep -q "is a figure of judgment [0-9]*, candidate run 2 judged against baseline run 1: .*has no delta; write the rule without 'delta:' ('explanation.win_rate_adjusted>=0')" "$T/err"
# the run's own judge_failure_rate (its rubric judge) shares the judgment figure's name: delta: checks the run's, once
$R gate --baseline 1 --candidate 2 --rule 'delta:explanation.judge_failure_rate<=0' --db "$DB" >"$T/gjf.out" 2>&1
rc=$?
ok_if "delta: on a name a run metric shares checks the run's figure once (exit $rc)" \
	sh -c "[ $rc -eq 0 ] && grep -q 'gate passed: 1 of 1 checks hold' '$T/gjf.out'"
# an absolute rule on that name checks both figures: each is labelled with where it comes from, and each is its
# own JUnit test case (they shared task, rule and class name, so a CI server showed one check twice)
$R gate --baseline 1 --candidate 2 --rule 'explanation.judge_failure_rate<=1' --db "$DB" --junit "$T/gjf.xml" \
	>"$T/gjf2.out" 2>&1
rc=$?
ok_if "an absolute rule on judge_failure_rate checks the run's figure and the judgment's (exit $rc)" \
	sh -c "[ $rc -eq 0 ] && grep -q 'gate passed: 2 of 2 checks hold' '$T/gjf2.out' &&
	       grep -q '^PASS  *explanation\.judge_failure_rate<=1  *explanation  ' '$T/gjf2.out' &&
	       grep -q '^PASS  *explanation\.judge_failure_rate<=1  *explanation (judgment [0-9]*)  ' '$T/gjf2.out'"
ok_if "... and the JUnit file has two distinct test cases for them" python3 -c "
import sys, xml.etree.ElementTree as E
c = [(t.get('classname'), t.get('name')) for t in E.parse('$T/gjf.xml').iter('testcase')]
sys.exit(not (len(c) == 2 and len(set(c)) == 2 and ('receval.gate.explanation.judgment', 'explanation.judge_failure_rate<=1') in c))"
$R list --db "$DB" >"$T/list"
ok_if "list shows the judgments" grep -q "pairwise     1 vs 2" "$T/list"
$R report 1 2 --db "$DB" -o "$T/r.html" --no-plots >/dev/null 2>&1
ok_if "report has the judgments with the disagreeing samples side by side" grep -q "Samples where the two orders disagree" "$T/r.html"

# 14-17: calibration against the shipped labels, every figure worked by hand (suites/judge/README.md):
# the content judge agrees on 6 of 10 labels, 5 of 6 without ties; kappa (0.6 - 0.34) / 0.66
L=suites/judge/labels-explanations.jsonl
$R judge --calibrate $L --judge "openai:judge-content?base_url=$URL" --db "$T/c.db" --format json -q >"$T/cal.json"
ok_if "calibration: agreement, kappa, consistency and length bias equal the hand-worked values" python3 -c "
import json,sys; c=json.load(open(sys.argv[1]))['tasks']['calibration']
want = {'labels': 10, 'items': 8, 'judged': 8, 'agreement': 0.6, 'agreement_no_ties': 5/6, 'kappa': 0.26/0.66,
        'consistency_rate': 1, 'first_position_rate': 0.5, 'longer_preferred_rate': 0.6,
        'human_longer_preferred_rate': 0.875, 'human_agreement': 2/3, 'human_agreement_no_ties': 1, 'human_pairs': 3}
bad = [k for k in want if abs(c[k] - want[k]) > 1e-5]
print('#', bad, c) if bad else None
sys.exit(1 if bad else 0)" "$T/cal.json"
$R judge --calibrate $L --judge "openai:judge-first?base_url=$URL" --db "$T/c.db" --format json -q >"$T/cal2.json"
# bug: judge's progress was never started: "task 0/0" on every line
$R judge --calibrate $L --judge "openai:judge-content?base_url=$URL" --db "$T/c.db" >/dev/null 2>"$T/cal.err"
ok_if "calibration's progress counts its one pass and its 8 pairs (task 1/1 calibration: 8/8)" \
	sh -c "grep -q 'task 1/1 calibration: 8/8 samples' '$T/cal.err' && ! grep -q 'task 0/' '$T/cal.err'"
$R judge 1 2 --judge "openai:judge-content?base_url=$URL" --db "$DB" >/dev/null 2>"$T/pair.err"
ok_if "pairwise progress counts its one pass and its 12 samples (task 1/1 pairwise: 12/12)" \
	sh -c "grep -q 'task 1/1 pairwise: 12/12 samples' '$T/pair.err' && ! grep -q 'task 0/' '$T/pair.err'"
ok_if "calibration of a first-position judge: agreement 0.2 (the human ties), kappa 0, first_position_rate 1" python3 -c "
import json,sys; c=json.load(open(sys.argv[1]))['tasks']['calibration']
sys.exit(0 if abs(c['agreement'] - 0.2) < 1e-9 and c['kappa'] == 0 and c['first_position_rate'] == 1 and c['agreement_no_ties'] is None else 1)" "$T/cal2.json"
printf '{"question": "q", "answer_a": "x", "answer_b": "y", "winner": "a"}\n{"question": "q", "answer_a": "x", "winner": "a"}\n' >"$T/bad.jsonl"
expect_exit 3 "a labels file with a bad line is exit 3" $R judge --calibrate "$T/bad.jsonl" --judge "openai:j?base_url=$URL" --db "$T/c.db"
ok_if "the message names the file and line" grep -q "bad.jsonl:2: needs \"question\"" "$T/err"
# bug: cJSON stopped after the first object of a line, so a second label run onto it was dropped silently
printf '{"question": "q", "answer_a": "x", "answer_b": "y", "winner": "a"} {"question": "r", "answer_a": "x", "answer_b": "y", "winner": "b"}\n' >"$T/two.jsonl"
expect_exit 3 "a labels line with text after its object is exit 3" $R judge --calibrate "$T/two.jsonl" --judge "openai:j?base_url=$URL" --db "$T/c.db"
ok_if "its message names the file and line" grep -q "two.jsonl:1: not a JSON object" "$T/err"
cat >"$T/mt.jsonl" <<'JSON'
{"question_id": 81, "model_a": "m1", "model_b": "m2", "winner": "model_a", "judge": "author_0", "turn": 1, "conversation_a": [{"role": "user", "content": "Write a haiku."}, {"role": "assistant", "content": "Leaves fall (2001) on \"Stone\"."}], "conversation_b": [{"role": "user", "content": "Write a haiku."}, {"role": "assistant", "content": "No."}]}
{"question_id": 81, "model_a": "m1", "model_b": "m2", "winner": "tie (bothbad)", "judge": "author_1", "turn": 2, "conversation_a": [{"role": "user", "content": "Write a haiku."}, {"role": "assistant", "content": "Leaves fall."}, {"role": "user", "content": "Another."}, {"role": "assistant", "content": "Snow (1999)."}], "conversation_b": [{"role": "user", "content": "Write a haiku."}, {"role": "assistant", "content": "No."}, {"role": "user", "content": "Another."}, {"role": "assistant", "content": "Snow (1999)."}]}
JSON
$R judge --calibrate "$T/mt.jsonl" --judge "openai:judge-content?base_url=$URL" --db "$T/c.db" --format json -q >"$T/mt.json"
ok_if "MT-Bench's human judgments are read as they are (both turns)" python3 -c "
import json,sys; c=json.load(open(sys.argv[1]))['tasks']['calibration']
sys.exit(0 if c['labels'] == 2 and c['judged'] == 2 and c['agreement'] == 1 else 1)" "$T/mt.json"

# bug: merge left the judgments behind. They are copied with their runs renamed, and gate reads them in the merged
# database; merging again changes nothing; a judgment merged before with other content is refused
$R merge "$T/m.db" "$T/r.db" "$DB" >"$T/m.out" 2>"$T/m.err"
ok_if "merge copies the judgments (exit 0)" sh -c "[ $? -eq 0 ] && grep -q '^judgment .* new$' '$T/m.out'"
python3 - "$DB" "$T/m.db" <<'PY'
import sqlite3, sys
def judgments(path):
    db = sqlite3.connect(path)
    q = ("select j.kind, ra.model, rb.model, j.judge, j.status, j.samples,"
         " (select group_concat(task || metric || ifnull(value, 'null'), ',') from judgment_metrics where judgment_id = j.id),"
         " (select group_concat(sample_id || ifnull(verdict_ab, '-') || ifnull(verdict_ba, '-'), ',') from judgment_samples"
         "  where judgment_id = j.id) from judgments j left join runs ra on ra.id = j.run_a left join runs rb on rb.id = j.run_b"
         " order by j.id")
    return db.execute(q).fetchall()
try:
    a, b = judgments(sys.argv[1]), judgments(sys.argv[2])
    shifted = sqlite3.connect(sys.argv[2]).execute("select min(run_a) from judgments").fetchone()[0]
    ok = len(a) > 0 and a == b and shifted == 2
except sqlite3.Error as e:
    print("# %s" % e)
    a, b, ok = [], [], False
print(("ok" if ok else "not ok") + " - the merged judgments are the input's, samples and figures, naming the same runs by their new ids (%d)" % len(b))
PY
$R gate --baseline 2 --candidate 3 --rule 'explanation.win_rate_adjusted>=0.45' --db "$T/m.db" >/dev/null 2>&1
rc=$?
ok_if "gate reads the merged judgment (the candidate's explanations lose: exit $rc)" [ $rc -eq 1 ]
$R merge "$T/m.db" "$DB" >"$T/m2.out" 2>&1
ok_if "merging the judgments again changes nothing" sh -c "[ $? -eq 0 ] && ! grep -q '^judgment .* new$' '$T/m2.out' &&
	grep -q '^judgment .* unchanged$' '$T/m2.out' && [ \$(sqlite3 '$T/m.db' 'select count(*) from judgments') = \$(sqlite3 '$DB' 'select count(*) from judgments') ]"
sqlite3 "$DB" ".backup '$T/jx.db'"
sqlite3 "$T/jx.db" "update judgment_metrics set value = 0.123 where judgment_id = 1 and metric = 'win_rate'"
expect_exit 3 "a judgment merged before with other figures is refused" $R merge "$T/m.db" "$T/jx.db"
ok_if "the refusal names the judgment and what differs" grep -q "jx.db: judgment 1 was merged before .* (its figures differ)" "$T/err"
# one that had not finished when first merged is replaced by its finished copy
sqlite3 "$DB" ".backup '$T/jr.db'"
sqlite3 "$T/jr.db" "update judgments set status = 'interrupted' where id = 1; delete from judgment_metrics where judgment_id = 1"
$R merge "$T/m3.db" "$T/jr.db" >/dev/null 2>&1
$R merge "$T/m3.db" "$DB" >"$T/m3.out" 2>&1
ok_if "an unfinished judgment merged before is replaced by its finished copy" sh -c "grep -q '^judgment 1 .* updated$' '$T/m3.out' &&
	[ \"\$(sqlite3 '$T/m3.db' \"select status, (select count(*) from judgment_metrics where judgment_id = 1) > 0 from judgments where id = 1\")\" = 'done|1' ]"

# delete: a run's judgments go with it (a judgment of a run that is gone can be neither shown whole nor resumed)
sqlite3 "$DB" ".backup '$T/del.db'"
before=$(sqlite3 "$T/del.db" "select count(*) from judgments where run_a = 2 or run_b = 2")
others=$(sqlite3 "$T/del.db" "select count(*) from judgments where run_a <> 2 and run_b <> 2")
$R delete 2 --db "$T/del.db" >"$T/del.out" 2>&1
ok_if "delete: the judgments naming the run go with it, with their samples and figures ($before), the others stay ($others)" \
	sh -c "[ $? -eq 0 ] && [ $before -gt 0 ] && grep -q '^deleted run 2 and the $before judgment(s) that named it$' '$T/del.out' &&
	[ \"\$(sqlite3 '$T/del.db' 'select count(*) from judgments; select count(*) from judgment_samples where judgment_id not in (select id from judgments); select count(*) from judgment_metrics where judgment_id not in (select id from judgments)')\" = \"$others
0
0\" ]"

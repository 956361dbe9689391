#!/bin/sh
# conversation.sh: the conversation task through the fake server's simulated user and recommenders (tests/fake_conversation.c):
# success at the turn the target comes, leaks asked again a bounded number of times, hallucinated and repeated items,
# errors, built-in models' success@t = recall@(k·t), resume after SIGKILL mid-dialogue, knowledge in prompts, bad suites.
. tests/e2e/lib.sh
R=$RECEVAL
T=$TMPDIR
FS=$BUILD/fake_server
if [ ! -x "$FS" ]; then
	echo "not ok - conversation through the fake server: $FS is not built (make $FS)"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1 || ! command -v sqlite3 >/dev/null 2>&1; then
	skip "conversation through the fake server" "python3 or the sqlite3 shell is not installed (make deps)"
	exit 0
fi
trap 'fake_stop_all' EXIT
fake_start conv --log "$T/conv.log" --answer conversation --idle-exit 120
P=$FAKE_PORT
U="base_url=http://127.0.0.1:$P/v1"
DEMO=$(pwd)/suites/demo

# suite NAME TASK-JSON [USERS]: a suite of the demo catalogue with one task
suite() {
	cat >"$T/$1.json" <<JSON
{"name": "$1", "dataset": {"format": "csv", "path": "$DEMO/interactions.csv", "items": "$DEMO/items.csv"},
 "split": {"strategy": "leave-last-out", "max_history": 20},
 "sample": {"users": ${3:-12}, "seed": 3},
 "tasks": [$2]}
JSON
}

# metric DB RUN TASK METRIC: the run's value
metric() {
	sqlite3 "$1" "SELECT value FROM run_metrics WHERE run_id = $2 AND task = '$3' AND metric = '$4'"
}

# is A B: the two numbers are equal to 1e-9
is() { python3 -c "import sys; sys.exit(0 if abs(float('$1' or 'nan') - float('$2')) < 1e-9 else 1)" 2>/dev/null; }

# --- the subject names the target at turn 3 -----------------------------------------------------------------
suite turn3 "{\"type\": \"conversation\", \"k\": 4, \"simulator\": \"openai:sim?$U\"}"
DB=$T/turn3.db
$R run "$T/turn3.json" --model "openai:rec-turn3?$U" --db "$DB" -q >"$T/out" 2>"$T/err"
rc=$?
ok_if "a dialogue whose subject offers the target at turn 3 runs (exit 0)" [ $rc -eq 0 ]
ok_if "success@1 = success@2 = 0, success@3 = success@5 = 1, turns = 3" sh -c "
	is() { python3 -c \"import sys; sys.exit(0 if abs(float('\$1' or 'nan') - float('\$2')) < 1e-9 else 1)\"; }
	is '$(metric "$DB" 1 conversation success@1)' 0 && is '$(metric "$DB" 1 conversation success@2)' 0 &&
	is '$(metric "$DB" 1 conversation success@3)' 1 && is '$(metric "$DB" 1 conversation success@5)' 1 &&
	is '$(metric "$DB" 1 conversation turns)' 3"
ok_if "no leak, no hallucination, no repeat, no invalid dialogue" sh -c "
	[ \"\$(sqlite3 '$DB' \"SELECT count(*) FROM run_metrics WHERE run_id = 1 AND metric IN
		('leak_rate', 'hallucination_rate', 'repeat_rate', 'invalid_rate', 'error_rate') AND value = 0\")\" = 5 ]"
# 12 dialogues of 3 turns: 36 simulator and 36 subject requests, none twice
n=$(grep -c '"status":200' "$T/conv.log")
ok_if "each dialogue sent 3 simulator and 3 subject requests, each once (72 requests, got $n)" [ "$n" -eq 72 ]
$R show 1 --db "$DB" --samples --format jsonl >"$T/samples.jsonl" 2>/dev/null
ok_if "show --samples carries every turn of both roles, what was read from each, and the offered items as the ranking" python3 - "$T/samples.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 12
for s in rows:
    tr = s["transcript"]
    assert [r["role"] for r in tr] == ["simulator", "subject"] * 3, [r["role"] for r in tr]
    assert [r["turn"] for r in tr] == [1, 1, 2, 2, 3, 3]
    assert all(r["status"] == "ok" and r["request"]["messages"] for r in tr)
    assert all(r["read"]["leak"] is False for r in tr[0::2])
    assert [r["read"]["success"] for r in tr[1::2]] == [False, False, True]
    # the simulator is told the items offered at each earlier turn
    told = tr[2]["request"]["messages"][-1]["content"]
    assert "[The items the recommender offered: " in told, told
    # the target is the first item of turn 3; the ranking is every item offered, turn by turn
    assert tr[5]["read"]["items"][0] == s["target"]
    assert s["ranking"] == sum((r["read"]["items"] for r in tr[1::2]), [])
    assert len(s["ranking"]) == 12 and s["status"] == "ok"
    # the subject never sees the target named: its last request holds the simulator's turns only
    subj = tr[5]["request"]["messages"]
    assert subj[0]["role"] == "system" and [m["role"] for m in subj[1:]] == ["user", "assistant"] * 2 + ["user"]
PY

# --- a simulator that always names the target ------------------------------------------------------------------
: >"$T/conv.log"
suite leak "{\"type\": \"conversation\", \"k\": 4, \"simulator_retries\": 2, \"simulator\": \"openai:sim-leak?$U\"}"
DB=$T/leak.db
$R run "$T/leak.json" --model "openai:rec-turn1?$U" --db "$DB" -q >"$T/out" 2>"$T/err"
rc=$?
ok_if "a simulator that always leaks: the run ends (exit 0, got $rc)" [ $rc -eq 0 ]
ok_if "every dialogue is invalid, after exactly 1 + 2 retries, and never reaches the subject" sh -c "
	[ \"\$(sqlite3 '$DB' \"SELECT count(*) FROM samples WHERE status = 'invalid'\")\" = 12 ] &&
	[ \"\$(grep -c 'Your target items' '$T/conv.log')\" = 36 ] &&
	[ \"\$(grep -c 'You are a recommender chatting' '$T/conv.log')\" = 0 ]"
ok_if "leak_rate = invalid_rate = 1, no success figures, no errors counted" sh -c "
	[ '$(metric "$DB" 1 conversation leak_rate)' = 1.0 ] && [ '$(metric "$DB" 1 conversation invalid_rate)' = 1.0 ] &&
	[ -z '$(metric "$DB" 1 conversation success@1)' ] &&
	[ \"\$(sqlite3 '$DB' 'SELECT errors FROM runs WHERE id = 1')\" = 0 ]"
ok_if "the retried requests show the simulator its leak and the note, and the transcript keeps all three tries" sh -c "
	$R show 1 --db '$DB' --samples --format jsonl | head -1 | python3 -c '
import json, sys
s = json.loads(sys.stdin.read())
tr = s[\"transcript\"]
assert [r[\"read\"][\"attempt\"] for r in tr] == [1, 2, 3] and all(r[\"read\"][\"leak\"] for r in tr)
m = tr[1][\"request\"][\"messages\"]
assert m[-2][\"role\"] == \"assistant\" and m[-1][\"content\"].startswith(\"Your last message named\")
assert s[\"status\"] == \"invalid\"'"

# --- a simulator that leaks once: asked again, the dialogue goes on ------------------------------------------
suite once "{\"type\": \"conversation\", \"k\": 4, \"max_turns\": 3, \"simulator\": \"openai:sim-leak-once?$U\"}"
DB=$T/once.db
$R run "$T/once.json" --model "openai:rec-turn2?$U" --db "$DB" -q >"$T/out" 2>"$T/err"
ok_if "a simulator that leaks at its first try: leak_rate = 1/3 (of 3 answers), success at turn 2, none invalid" sh -c "
	is() { python3 -c \"import sys; sys.exit(0 if abs(float('\$1' or 'nan') - float('\$2')) < 1e-9 else 1)\"; }
	is '$(metric "$DB" 1 conversation leak_rate)' 0.333333333333333 &&
	is '$(metric "$DB" 1 conversation turns)' 2 && is '$(metric "$DB" 1 conversation invalid_rate)' 0"

# --- hallucinated and repeated items ----------------------------------------------------------------------------
suite hal "{\"type\": \"conversation\", \"k\": 3, \"max_turns\": 5, \"simulator\": \"openai:sim?$U\"}"
DB=$T/hal.db
$R run "$T/hal.json" --model "openai:rec-hallucinate?$U" --model "openai:rec-repeat?$U" --db "$DB" -q >"$T/out" 2>"$T/err"
ok_if "a subject making up every third title: hallucination_rate = 1/3, success never, turns = 6" sh -c "
	is() { python3 -c \"import sys; sys.exit(0 if abs(float('\$1' or 'nan') - float('\$2')) < 1e-9 else 1)\"; }
	is '$(metric "$DB" 1 conversation hallucination_rate)' 0.333333333333333 &&
	is '$(metric "$DB" 1 conversation success@5)' 0 && is '$(metric "$DB" 1 conversation turns)' 6 &&
	is '$(metric "$DB" 1 conversation repeat_rate)' 0"
ok_if "a subject offering the same 3 items every turn: repeat_rate = 12/15 = 0.8, hallucination_rate 0" sh -c "
	is() { python3 -c \"import sys; sys.exit(0 if abs(float('\$1' or 'nan') - float('\$2')) < 1e-9 else 1)\"; }
	is '$(metric "$DB" 2 conversation repeat_rate)' 0.8 && is '$(metric "$DB" 2 conversation hallucination_rate)' 0"

# --- a failing request ends its dialogue as an error ----------------------------------------------------------------
# requests: 1 the simulator's turn 1, 2 the subject's, 3 the simulator's turn 2: refused by the content filter
printf '3 filter\n' >"$T/faults"
fake_start flt --answer conversation --faults "$T/faults" --idle-exit 60
UF="base_url=http://127.0.0.1:$FAKE_PORT/v1"
suite err "{\"type\": \"conversation\", \"k\": 4, \"simulator\": \"openai:sim?$UF\"}" 1
DB=$T/err.db
$R run "$T/err.json" --model "openai:rec-turn3?$UF" --db "$DB" --concurrency 1 -q >"$T/out" 2>"$T/err"
rc=$?
ok_if "the simulator refused at turn 2: the dialogue is an error (error_rate 1, exit 4), never a failure to recommend" sh -c "
	[ $rc -eq 4 ] && [ '$(metric "$DB" 1 conversation error_rate)' = 1.0 ] &&
	[ -z '$(metric "$DB" 1 conversation success@1)' ] &&
	[ \"\$(sqlite3 '$DB' \"SELECT status FROM samples\")\" = error ] &&
	sqlite3 '$DB' 'SELECT error FROM samples' | grep -q 'simulator was refused'"

# --- built-in models: success@t = recall@(k·t), sample by sample ------------------------------------------------
suite ident "{\"type\": \"conversation\", \"k\": 5, \"max_turns\": 4}, {\"type\": \"retrieval\", \"k\": [5, 10, 15, 20]}" 150
DB=$T/ident.db
for m in itemknn pop ease; do
	$R run "$T/ident.json" --model "builtin:$m" --db "$DB" -q >"$T/out" 2>"$T/err" || echo "# builtin:$m exit $?"
done
ok_if "built-in models (itemknn, pop, ease): success@t = recall@(5t) on every user, and some succeed" python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
v = {}
for run, task, sid, metric, value in db.execute("SELECT run_id, task, sample_id, metric, value FROM sample_metrics"):
    v[(run, task, sid, metric)] = value
runs = sorted({k[0] for k in v})
assert len(runs) == 3, runs
hits = 0
for run in runs:
    sids = {k[2] for k in v if k[0] == run and k[1] == "conversation"}
    assert len(sids) == 150
    for sid in sids:
        for t in range(1, 5):
            s = v[(run, "conversation", sid, "success@%d" % t)]
            r = v[(run, "retrieval", sid, "recall@%d" % (5 * t))]
            assert s == r, (run, sid, t, s, r)
            hits += s
        turns = v[(run, "conversation", sid, "turns")]
        first = next((t for t in range(1, 5) if v[(run, "conversation", sid, "success@%d" % t)]), 5)
        assert turns == first
assert hits > 0
PY

# --- resume after SIGKILL mid-dialogue: the same transcripts, nothing answered sent again ---------------------------------
fake_start slow --log "$T/slow.log" --answer conversation --latency 20 --idle-exit 120
US="base_url=http://127.0.0.1:$FAKE_PORT/v1"
suite res "{\"type\": \"conversation\", \"k\": 4, \"max_turns\": 5, \"simulator\": \"openai:sim?$US\"}" 40
$R run "$T/res.json" --model "openai:rec-turn4?$US" --db "$T/whole.db" --concurrency 4 -q >/dev/null 2>&1
whole=$(grep -c '"status":200' "$T/slow.log")
: >"$T/slow.log"
$R run "$T/res.json" --model "openai:rec-turn4?$US" --db "$T/res.db" --concurrency 4 -q >/dev/null 2>"$T/res.err" &
pid=$!
# kill once some dialogues are stored and the server has seen one half done (a simulator's turn 3)
i=0
while [ $i -lt 1500 ]; do
	if [ "$(stored_samples "$T/res.db")" -ge 3 ] &&
		[ "$(grep -c 'The items the recommender offered' "$T/slow.log")" -ge 8 ]; then
		break
	fi
	sleep 0.01
	i=$((i + 1))
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
stored=$(stored_samples "$T/res.db")
cached=$(sqlite3 "$T/res.db" 'SELECT count(*) FROM cache')
first=$(grep -c '"status":200' "$T/slow.log")
ok_if "killed mid-run: some dialogues stored ($stored of 40), some answers cached ($cached)" [ "$stored" -ge 3 -a "$stored" -lt 40 ]
: >"$T/slow.log"
$R run --resume 1 --db "$T/res.db" -q >/dev/null 2>"$T/res2.err"
rc=$?
again=$(grep -c '"status":200' "$T/slow.log")
ok_if "resumed (exit $rc): it sent only what the cache did not hold ($again = $whole - $cached)" [ $rc -eq 0 -a "$again" -eq $((whole - cached)) ]
$R show 1 --db "$T/whole.db" --samples --format jsonl >"$T/a.jsonl" 2>/dev/null
$R show 1 --db "$T/res.db" --samples --format jsonl >"$T/b.jsonl" 2>/dev/null
ok_if "the resumed run's transcripts and figures equal an uninterrupted run's" python3 - "$T/a.jsonl" "$T/b.jsonl" <<'PY'
import json, sys
def load(p):
    out = {}
    for l in open(p):
        s = json.loads(l)
        tr = [(r["role"], r["turn"], json.dumps(r["request"]), r["response"], json.dumps(r.get("read")))
              for r in s["transcript"]]
        out[s["sample_id"]] = (tr, s["ranking"], s["metrics"], s["status"])
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
assert len(a) == 40 and a == b
PY

# --- knowledge in the subject's prompt ----------------------------------------------------------------------------
suite kn "{\"type\": \"conversation\", \"k\": 4, \"max_turns\": 2, \"knowledge\": \"both\", \"simulator\": \"openai:sim?$U\"},
  {\"type\": \"ranking\", \"name\": \"rk\", \"candidates\": 8, \"k\": [1, 5], \"knowledge\": \"cf\", \"knowledge_k\": 2}" 4
DB=$T/kn.db
$R run "$T/kn.json" --model "openai:rec-turn9?$U" --db "$DB" -q >"$T/out" 2>"$T/err"
ok_if "knowledge: the subject's system prompt and the ranking prompt carry the item knowledge" sh -c "
	sqlite3 '$DB' \"SELECT request FROM samples WHERE task = 'rk'\" | grep -q 'What is known about these items' &&
	sqlite3 '$DB' \"SELECT request FROM samples WHERE task = 'rk'\" | grep -q 'Often liked together with' &&
	$R show 1 --db '$DB' --samples --format jsonl | grep '\"task\":\"conversation\"' | head -1 |
		grep -q 'genres: .*Often liked together with'"

# --- bad suites and flags -------------------------------------------------------------------------------------------
suite b1 "{\"type\": \"conversation\", \"max_turns\": 0, \"simulator\": \"openai:sim?$U\"}"
expect_exit 3 "max_turns 0 is bad input" $R run "$T/b1.json" --model "openai:rec?$U" --db "$T/bad.db" -q
grep -q "b1.json:4: 'max_turns'" "$T/err" && echo "ok - max_turns 0: the message names the file and line" ||
	{ echo "not ok - max_turns 0: the message names the file and line"; sed 's/^/#   /' "$T/err"; }
suite b2 "{\"type\": \"conversation\", \"max_turns\": 51, \"simulator\": \"openai:sim?$U\"}"
expect_exit 3 "max_turns 51 is bad input" $R run "$T/b2.json" --model "openai:rec?$U" --db "$T/bad.db" -q
suite b3 "{\"type\": \"conversation\",
  \"k\": 0, \"simulator\": \"openai:sim?$U\"}"
expect_exit 3 "k 0 is bad input" $R run "$T/b3.json" --model "openai:rec?$U" --db "$T/bad.db" -q
grep -q "b3.json:5: 'k'" "$T/err" && echo "ok - k 0: the message names the file and line" ||
	{ echo "not ok - k 0: the message names the file and line"; sed 's/^/#   /' "$T/err"; }
suite b4 "{\"type\": \"ranking\", \"candidates\": 5, \"k\": [1],
  \"knowledge\": \"wiki\"}"
expect_exit 3 "an unknown knowledge value is bad input" $R run "$T/b4.json" --model builtin:pop --db "$T/bad.db" -q
grep -q "b4.json:5: 'knowledge' must be" "$T/err" && echo "ok - knowledge 'wiki': the message names the file and line" ||
	{ echo "not ok - knowledge 'wiki': the message names the file and line"; sed 's/^/#   /' "$T/err"; }
suite b5 "{\"type\": \"conversation\", \"k\": 4}"
expect_exit 0 "a language model and no simulator: the task is skipped" $R run "$T/b5.json" --model "openai:rec?$U" --db "$T/skip.db" -q
grep -q "task 'conversation' skipped: it has no simulator" "$T/err" && echo "ok - no simulator: the warning says how to give one" ||
	echo "not ok - no simulator: the warning says how to give one"
ok_if "no simulator: nothing stored for the task" [ "$(stored_samples "$T/skip.db")" -eq 0 ]
suite b6 "{\"type\": \"conversation\", \"simulator\": \"builtin:pop\"}"
expect_exit 3 "a task whose simulator is a built-in model is bad input" $R run "$T/b6.json" --model "openai:rec?$U" --db "$T/bad.db" -q
grep -q "b6.json:4: 'simulator' must be a language model" "$T/err" && echo "ok - a built-in simulator: the message names the file and line" ||
	{ echo "not ok - a built-in simulator: the message names the file and line"; sed 's/^/#   /' "$T/err"; }
expect_exit 2 "--simulator naming a built-in model is a usage error" \
	$R run "$T/b5.json" --model "openai:rec?$U" --simulator builtin:pop --db "$T/bad.db" -q
$R run "$T/b5.json" --model "openai:rec-turn1?$U" --simulator "openai:sim?$U" --db "$T/flag.db" -q >/dev/null 2>&1
ok_if "--simulator gives the task its simulator, stored with the run" sh -c "
	[ '$(metric "$T/flag.db" 1 conversation success@1)' = 1.0 ] &&
	sqlite3 '$T/flag.db' 'SELECT config FROM runs' | grep -q '\"simulator\":\"openai:sim'"
ok_if "nothing was stored for the bad suites" [ "$(stored_samples "$T/bad.db")" -eq 0 ]

# --- the report shows a few dialogues ---------------------------------------------------------------------------------
$R report 1 --db "$T/leak.db" -o "$T/leak.html" >/dev/null 2>&1
$R report 1 2 --db "$T/hal.db" -o "$T/hal.html" >/dev/null 2>&1
ok_if "the report shows the first dialogues of each run: every turn, the leaks, the items offered, what was made up" sh -c "
	grep -q 'id=\"dialogues\"' '$T/hal.html' && [ \"\$(grep -c 'task conversation' '$T/hal.html')\" -eq 6 ] &&
	grep -q 'made up' '$T/hal.html' && grep -q 'offered before' '$T/hal.html' &&
	grep -q 'named the target: asked again' '$T/leak.html'"

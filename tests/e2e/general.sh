#!/bin/sh
# general.sh: the general-ability suite (general_mc, instruction_following, chatbot) end to end: through the fake server and
# an exec model, with a judge; IFEval's four figures on a 20-prompt file equal the ones worked out by hand; compare and
# report show them; built-in models skip; bad question files exit 3 with file:line and store nothing.
. tests/e2e/lib.sh
R=$RECEVAL
T=$TMPDIR
FS=$BUILD/fake_server
F=tests/fixtures/general
if [ ! -x "$FS" ] || ! command -v python3 >/dev/null 2>&1; then
	skip "general abilities" "needs $FS and python3"
	exit 0
fi
trap fake_stop_all EXIT
fake_start general --log "$T/log" --answer general --idle-exit 60
FAKE="openai:fake?base_url=http://127.0.0.1:$FAKE_PORT/v1"
export OPENAI_API_KEY=test
# metric VALUE: the run's figure of task.metric from show --format json
metric() { # metric DB RUN TASK METRIC
	$R show "$2" --db "$1" --format json | python3 -c "import json,sys; print(json.load(sys.stdin)['metrics']['$3']['$4']['value'])"
}

# IFEval's four figures, worked out by hand for the canned responses (see the fixture's comments in docs/general.md):
# strict: 13 of 20 prompts, 15 of 22 instructions; loose: 16 of 20, 18 of 22
cat >"$T/if20.json" <<JSON
{"name": "if20", "tasks": [{"type": "instruction_following", "data": "$(pwd)/$F/ifeval20.jsonl"}]}
JSON
$R run "$T/if20.json" --model "exec:python3 $F/canned_model.py $F/ifeval20_responses.jsonl" --db "$T/if.db" -q \
	>"$T/if.out" 2>"$T/if.err"
ok_if "instruction_following runs through an exec model" [ $? -eq 0 ]
ok_if "prompt_strict_acc is 13/20" [ "$(metric "$T/if.db" 1 instruction_following prompt_strict_acc)" = "0.65" ]
ok_if "instruction_strict_acc is 15/22" \
	[ "$(metric "$T/if.db" 1 instruction_following instruction_strict_acc)" = "0.6818181818181818" ]
ok_if "prompt_loose_acc is 16/20" [ "$(metric "$T/if.db" 1 instruction_following prompt_loose_acc)" = "0.8" ]
ok_if "instruction_loose_acc is 18/22" \
	[ "$(metric "$T/if.db" 1 instruction_following instruction_loose_acc)" = "0.8181818181818182" ]

# the shipped suite through the fake server, with a judge for the chat task
DB=$T/g.db
$R run suites/general.json --model "$FAKE" --judge "$FAKE" --db "$DB" -q >"$T/run.out" 2>"$T/run.err"
ok_if "suites/general.json runs through the fake server with a judge" [ $? -eq 0 ]
ok_if "the summary shows acc and prompt_strict_acc" grep -q "prompt_strict_acc" "$T/run.out"
n_mc=$(grep -c '"answer_format":"mc-' "$T/log")
n_bad=$(grep -c '"answer_format":"mc-unreadable"' "$T/log")
pf=$(metric "$DB" 1 knowledge parse_failure_rate)
ok_if "every multiple-choice question was asked (18)" [ "$n_mc" -eq 18 ]
ok_if "parse failures are the unreadable answers, no more ($n_bad of $n_mc)" \
	python3 -c "import sys; sys.exit(abs($pf - $n_bad / $n_mc) > 1e-9)"
n_judge=$(grep -c '"answer_format":"judge' "$T/log")
n_jbad=$(grep -c '"answer_format":"judge-unreadable"' "$T/log")
ok_if "the judge graded every turn (12 of 10 prompts, 2 with two turns)" [ "$n_judge" -eq 12 ]
jf=$(metric "$DB" 1 chat judge_failure_rate)
ok_if "judge_failure_rate counts the unreadable verdicts" python3 -c "
import sys; sys.exit(not (0 <= $jf <= 1 and ($n_jbad == 0) == ($jf == 0)))"
ok_if "a rating from 1 to 10" python3 -c "import sys; sys.exit(not 1 <= $(metric "$DB" 1 chat rating) <= 10)"
ok_if "acc per subject" python3 -c "import sys; sys.exit(not 0 <= $(metric "$DB" 1 knowledge acc/world_geography) <= 1)"
$R show 1 --db "$DB" --samples --format jsonl >"$T/samples.jsonl" 2>/dev/null
ok_if "samples are questions: no user, the key as target" \
	python3 -c "
import json, sys
rows = [json.loads(l) for l in open('$T/samples.jsonl')]
mc = [r for r in rows if r['task'] == 'knowledge']
sys.exit(not (len(mc) == 18 and all(r['user'] is None and r['target'] in 'ABCD' for r in mc)
              and any(r['sample_id'] == 'astronomy/0' for r in mc)))"
ok_if "a two-turn question keeps its transcript" \
	[ "$(sqlite3 "$DB" "select count(*) from samples where task='chat' and sample_id='9' and transcript like '%\"turn\":2%'")" = 1 ]

# the same suite through an exec model; compare and report show the figures like any others
$R run suites/general.json --db "$DB" -q >"$T/run2.out" 2>"$T/run2.err"
ok_if "suites/general.json runs through its exec model" [ $? -eq 0 ]
$R compare 1 2 --db "$DB" --format json >"$T/cmp.json" 2>"$T/cmp.err"
ok_if "compare lists acc, prompt_strict_acc and words" python3 -c "
import json, sys
m = {(r['task'], r['metric']) for r in json.load(open('$T/cmp.json'))['metrics']}
sys.exit(not {('knowledge', 'acc'), ('ifeval', 'prompt_strict_acc'), ('chat', 'words')} <= m)"
$R report 1 2 --db "$DB" -o "$T/r.html" >/dev/null 2>"$T/report.err"
ok_if "the report shows the general figures" grep -q "prompt_strict_acc" "$T/r.html"

# --limit takes N questions per subject; a resumed run asks nothing again
$R run suites/general.json --model "$FAKE" --limit 2 --db "$T/l.db" -q >/dev/null 2>&1
ok_if "--limit 2: two questions per subject, two prompts, two chats" \
	[ "$(sqlite3 "$T/l.db" "select count(*) from samples")" = 10 ]

# --judge is stored with a run that has no dataset, so --resume judges the chats it finishes
# (bug: the config of a dataset-less run left out "judge"; a killed run resumed without ratings)
$R run suites/general.json --model "$FAKE" --judge "$FAKE" --db "$T/rj.db" -q >/dev/null 2>&1
ok_if "a dataset-less run stores its --judge" \
	[ "$(sqlite3 "$T/rj.db" "select json_extract(config, '\$.judge') from runs where id = 1")" = "$FAKE" ]
sqlite3 "$T/rj.db" "delete from sample_metrics where run_id = 1 and task = 'chat';
	delete from samples where run_id = 1 and task = 'chat'; update runs set status = 'interrupted' where id = 1"
$R run --resume 1 --db "$T/rj.db" -q >/dev/null 2>"$T/rj.err"
ok_if "--resume of a dataset-less run judges the chats it finishes (rating over 10 samples)" \
	[ "$(sqlite3 "$T/rj.db" "select n from run_metrics where run_id = 1 and task = 'chat' and metric = 'rating'")" = 10 ]

# built-in models write no text
$R run suites/general.json --model builtin:pop --db "$T/b.db" >"$T/b.out" 2>"$T/b.err"
ok_if "a built-in model skips every task with a warning and exits 0" \
	sh -c "[ $? -eq 0 ] && grep -q \"task 'ifeval' skipped\" '$T/b.err'"

# bad question files: exit 3 naming the file and line, nothing stored
printf 'q,a,b,c,d,A\nq2,a,b,c,D\n' >"$T/x_test.csv"
printf '{"prompt": "hi"}\n{"text": "x"}\n' >"$T/chat.jsonl"
printf '{"key": 1, "prompt": "p", "instruction_id_list": ["detectable_format:sonnet"], "kwargs": [{}]}\n' >"$T/if.jsonl"
for c in "general_mc x_test.csv x_test.csv:2" "chatbot chat.jsonl chat.jsonl:2" "instruction_following if.jsonl sonnet"; do
	set -- $c
	echo "{\"name\": \"bad\", \"tasks\": [{\"type\": \"$1\", \"data\": \"$2\"}]}" >"$T/bad.json"
	expect_exit 3 "bad $1 file exits 3" $R run "$T/bad.json" --model "$FAKE" --db "$T/bad.db"
	ok_if "its message names $3" grep -q "$3" "$T/err"
done
ok_if "nothing was stored for them" sh -c "[ ! -e '$T/bad.db' ] || [ \"\$(sqlite3 '$T/bad.db' 'select count(*) from runs')\" = 0 ]"
# bug: a NUL byte in a question cut it where it was stored and sent, silently (the datasets refuse NUL with FILE:LINE)
printf 'q1,a,b,c,d,A\nwhat is\000 hidden,a,b,c,d,B\n' >"$T/nul_test.csv"
printf '{"question": "q", "choices": ["a", "b"], "answer": 0}\n{"question": "q\000 hidden", "choices": ["a", "b"], "answer": 0}\n' \
	>"$T/nul.jsonl"
printf '{"question": "q", "choices": ["a", "b"], "answer": 0}\n{"question": "q\\\\u0000 kept", "choices": ["a", "b"], "answer": 0}\n{"question": "q\\u0000 hidden", "choices": ["a", "b"], "answer": 0}\n' \
	>"$T/esc.jsonl"
# (line 2 of esc.jsonl escapes the backslash: text, not a NUL)
for c in "nul_test.csv nul_test.csv:2: NUL" "nul.jsonl nul.jsonl:2: NUL" "esc.jsonl esc.jsonl:3: u0000"; do
	set -- $c
	echo "{\"name\": \"nul\", \"tasks\": [{\"type\": \"general_mc\", \"data\": \"$1\"}]}" >"$T/nul.json"
	expect_exit 3 "a NUL in a question of $1 exits 3" $R run "$T/nul.json" --model "$FAKE" --db "$T/nul.db"
	ok_if "its message names the file and line: $2 ... $3" grep -q "$2 .*$3" "$T/err"
done
# bug: a question line with text after its object (two questions run together) kept the first and dropped the rest
printf '{"prompt": "hi"} {"prompt": "lost"}\n' >"$T/two.jsonl"
echo '{"name": "two", "tasks": [{"type": "chatbot", "data": "two.jsonl"}]}' >"$T/two.json"
expect_exit 3 "a question line with text after its object exits 3" $R run "$T/two.json" --model "$FAKE" --db "$T/two.db"
ok_if "its message names the file and line" grep -q "two.jsonl:1: not a JSON object" "$T/err"
# bug: cJSON stopped after the suite's object, so text after it (a second object) was ignored
cp suites/general/chat.jsonl "$T/good.jsonl"
echo '{"name": "two", "tasks": [{"type": "chatbot", "data": "good.jsonl"}]} {"tasks": []}' >"$T/trail.json"
expect_exit 3 "a suite with text after its object exits 3" $R run "$T/trail.json" --model "$FAKE" --db "$T/trail.db"
ok_if "its message names the suite and says why" grep -q "trail.json:1: unexpected text after" "$T/err"
# bug: a chatbot task's built-in judge was found only once the run was stored (a failed run to resume); explanation's and
# the simulator's were checked when the suite loads
echo '{"name": "bj", "tasks": [{"type": "chatbot", "data": "good.jsonl", "judge": "builtin:pop"}]}' >"$T/bj.json"
expect_exit 3 "a chatbot task whose judge is a built-in model exits 3" $R run "$T/bj.json" --model "$FAKE" --db "$T/bj.db"
ok_if "its message names the suite and the key" grep -q "bj.json:1: 'judge' must be a language model" "$T/err"
ok_if "and no run is stored" sh -c "[ ! -e '$T/bj.db' ] || [ \"\$(sqlite3 '$T/bj.db' 'select count(*) from runs')\" = 0 ]"

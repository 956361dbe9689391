#!/bin/sh
# ux.sh: what a new user sees (issue 15): failures said where they happen, per-model outcomes with the command
# that finishes each run, the database named in hints, titles beside ids, labels, validity in the summary.
. tests/e2e/lib.sh
R=$RECEVAL
T=$TMPDIR
FS=$BUILD/fake_server
if [ ! -x "$FS" ]; then
	echo "not ok - ux: $FS is not built (make $FS)"
	exit 0
fi
trap 'fake_stop_all' EXIT
ROOT=$(pwd)
cat >"$T/suite.json" <<JSON
{"name": "ux", "dataset": {"format": "csv", "path": "$ROOT/suites/demo/interactions.csv", "items": "$ROOT/suites/demo/items.csv"},
 "split": {"strategy": "leave-last-out", "max_history": 10},
 "sample": {"users": 20, "seed": 3},
 "tasks": [{"type": "ranking", "candidates": 10, "k": [1, 5, 10]}]}
JSON

# --- 1. a server answering 500 to everything: said early, summed up by cause, the run failed ---------------
printf '1-1000000 500plain\n' >"$T/faults500"
fake_start f500 --faults "$T/faults500" --idle-exit 60
$R run "$T/suite.json" --model "openai:m?base_url=http://127.0.0.1:$FAKE_PORT/v1" --attempts 1 --db "$T/e.db" \
	>"$T/500.out" 2>"$T/500.err"
rc=$?
ok_if "every request fails: exit 4" [ $rc -eq 4 ]
ok_if "every request fails: stderr names the first cause at once, with the server's own message" \
	grep -q "warning: .*a request failed: HTTP 500 after 1 attempt: Internal Server Error: database is down" "$T/500.err"
ok_if "every request fails: a one-line summary of the errors by cause" \
	grep -q "run 1: 20 of 20 samples failed: 20 × HTTP 500 after 1 attempt: Internal Server Error: database is down" "$T/500.err"
ok_if "every request fails: the run is failed, not done" \
	sh -c "$R list --db '$T/e.db' | grep -q '^ *1  failed '"
ok_if "every request fails: the command that finishes it asks the errors again" \
	grep -q "finish it with: receval run --resume 1 --retry-errors --db $T/e.db" "$T/500.err"

# --- 1. nothing listens: stops early after identical connection failures, resumable --------------------------
PORT0=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$T/suite100.json" <<JSON
{"name": "ux100", "dataset": {"format": "csv", "path": "$ROOT/suites/demo/interactions.csv", "items": "$ROOT/suites/demo/items.csv"},
 "sample": {"users": 100, "seed": 3},
 "tasks": [{"type": "ranking", "candidates": 10, "k": [1, 5, 10]}]}
JSON
$R run "$T/suite100.json" --model "openai:m?base_url=http://127.0.0.1:$PORT0/v1" --attempts 1 --concurrency 2 \
	--db "$T/c.db" >"$T/c.out" 2>"$T/c.err"
rc=$?
n=$(sqlite3 "$T/c.db" "SELECT count(*) FROM samples" 2>/dev/null)
ok_if "wrong port: exit 4" [ $rc -eq 4 ]
ok_if "wrong port: stops after 8 identical connection failures, not 100 ($n stored)" [ "${n:-100}" -lt 20 ]
ok_if "wrong port: stderr says why it stopped" grep -q "stopped after 8 requests in a row failed the same way: connection failed" "$T/c.err"
fake_start fok --answer rank --idle-exit 60
sqlite3 "$T/c.db" "UPDATE runs SET config = replace(config, ':$PORT0/', ':$FAKE_PORT/'), model = replace(model, ':$PORT0/', ':$FAKE_PORT/')"
$R run --resume 1 --retry-errors --db "$T/c.db" -q >/dev/null 2>"$T/c2.err"
rc=$?
ok_if "wrong port: once the server is there, --resume --retry-errors finishes the run (exit $rc)" \
	sh -c "[ $rc -eq 0 ] && [ \$(sqlite3 '$T/c.db' \"SELECT count(*) FROM samples WHERE status = 'ok'\") -eq 100 ]"

# --- 2. a fatal error in one model: the others are still evaluated, each outcome printed ----------------------
fake_start fkey --key right-key --answer rank --idle-exit 60
OPENAI_API_KEY=wrong-key $R run "$T/suite.json" --model "openai:m?base_url=http://127.0.0.1:$FAKE_PORT/v1" \
	--model builtin:pop --db "$T/two.db" >"$T/two.out" 2>"$T/two.err"
rc=$?
ok_if "bad key, then builtin:pop: exit 4" [ $rc -eq 4 ]
ok_if "bad key, then builtin:pop: builtin:pop is still evaluated" sh -c "$R list --db '$T/two.db' | grep -q 'done.*builtin:pop'"
ok_if "bad key, then builtin:pop: per model, what happened and how to finish" \
	sh -c "grep -q 'openai:m.*run 1 failed.*401.*finish it with: receval run --resume 1 --db $T/two.db' '$T/two.err' &&
	       grep -q 'builtin:pop: run 2 done' '$T/two.err'"

# --- 4. the database in hints; --resume of a finished run does nothing ---------------------------------------
RECEVAL_DB=$T/env.db $R run "$T/suite.json" --model builtin:pop -q >"$T/env.out" 2>&1
ok_if "RECEVAL_DB: the printed command names the database" grep -q -- "--db $T/env.db" "$T/env.out"
before=$(sqlite3 "$T/env.db" "SELECT count(*) || finished_at FROM samples, runs WHERE runs.id = 1")
RECEVAL_DB=$T/env.db $R run --resume 1 >"$T/fin.out" 2>"$T/fin.err"
rc=$?
after=$(sqlite3 "$T/env.db" "SELECT count(*) || finished_at FROM samples, runs WHERE runs.id = 1")
ok_if "--resume of a finished run says so, exits 0 and changes nothing" \
	sh -c "[ $rc -eq 0 ] && grep -q 'run 1 of $T/env.db is finished' '$T/fin.err' && [ '$before' = '$after' ]"

# --- 3. bench/adapters.sh under dash ---------------------------------------------------------------------------
if command -v dash >/dev/null 2>&1; then
	RECEVAL_BENCH_N=20 dash bench/adapters.sh >"$T/bench.out" 2>&1
	rc=$?
	ok_if "bench/adapters.sh runs to its end under dash (exit $rc)" sh -c "[ $rc -eq 0 ] && grep -q '20% transient' '$T/bench.out'"
else
	skip "bench/adapters.sh under dash" "dash is not installed"
fi

# --- 7. the summary of a language-model run shows its validity rates -------------------------------------------
ok_if "the summary of an all-failed LLM run shows error_rate" grep -q "^ranking  *error_rate  *1.000" "$T/500.out"
$R run "$T/suite.json" --model "openai:m?base_url=http://127.0.0.1:$FAKE_PORT/v1" --db "$T/v.db" -q >"$T/v.out" 2>"$T/v.err"
OPENAI_API_KEY=right-key $R run "$T/suite.json" --model "openai:m?base_url=http://127.0.0.1:$FAKE_PORT/v1" \
	--db "$T/v.db" -q >"$T/v.out" 2>"$T/v.err"
ok_if "the summary of an LLM run shows parse_failure_rate, hallucination_rate, out_of_candidate_rate" \
	sh -c "grep -q '^ranking  *parse_failure_rate ' '$T/v.out' && grep -q '^ranking  *hallucination_rate ' '$T/v.out' &&
	       grep -q '^ranking  *out_of_candidate_rate ' '$T/v.out'"

# --- 8, 10. the report's headline comes from quality metrics; latest~N wherever a run id is taken ---------------
$R run "$T/suite.json" --model builtin:pop --db "$T/e.db" -q >/dev/null 2>&1
$R report latest~1 latest --db "$T/e.db" -o "$T/r.html" --no-plots >/dev/null 2>"$T/r.err"
rc=$?
ok_if "report takes latest and latest~1 (exit $rc)" [ $rc -eq 0 ]
ok_if "report: an all-failed run does not make error_rate the headline" \
	sh -c "grep -q 'Runs ranked by the headline metric, <code>ndcg@10' '$T/r.html' && ! grep -q 'headline metric, <code>error_rate' '$T/r.html'"
$R compare latest~1 latest --db "$T/e.db" >"$T/cmp.out" 2>&1
ok_if "compare takes latest~1 and latest" sh -c "[ $? -eq 0 ] && grep -q 'run 1 is .failed.' '$T/cmp.out'"
expect_exit 2 "latest~x is a usage error" $R show latest~x --db "$T/e.db"
expect_exit 3 "latest~5 of a database with 2 runs is no run" $R show latest~5 --db "$T/e.db"
ok_if "latest~5: the message says so" grep -q "no run 'latest~5'" "$T/err"
$R show latest~1 --db "$T/e.db" --format json >"$T/show.json" 2>/dev/null
ok_if "show latest~1 is the run before the latest" grep -qE '"id":[[:space:]]*1,' "$T/show.json"

# --- 5. titles beside ids: samples table, JSONL, the report's drill-down -----------------------------------------
$R show latest --db "$T/e.db" --samples --format table >"$T/st.txt"
ok_if "show --samples --format table: the target as 'title (id)'" grep -qE '^ranking .* [0-9-]+  .+ \(m[0-9]+\)$' "$T/st.txt"
$R show latest --db "$T/e.db" --samples >"$T/s.jsonl"
python3 - "$T/s.jsonl" "$ROOT/suites/demo/items.csv" <<'PY' && echo "ok - JSONL: title next to the target, titles of every id" || echo "not ok - JSONL: title next to the target, titles of every id"
import csv, json, sys
titles = {r["item"]: r["title"] for r in csv.DictReader(open(sys.argv[2], encoding="utf-8"))}
n = 0
for line in open(sys.argv[1]):
    s = json.loads(line)
    assert s["title"] == titles[s["target"]], (s["title"], s["target"])
    for i in s["history"] + s["candidates"] + s["ranking"]:
        assert s["titles"][i] == titles[i], i
    n += 1
assert n == 20
PY
$R run "$T/suite.json" --model builtin:itemknn --db "$T/e.db" -q >/dev/null 2>&1
$R report latest~1 latest --db "$T/e.db" -o "$T/r2.html" --no-plots >/dev/null 2>&1
ok_if "report drill-down: items as title (id)" grep -qE 'class="item[^"]*">[^<]+ <span class="runid">\(m[0-9]+\)</span>' "$T/r2.html"

# --- 6. label=, the endpoint recorded, list prices only at the vendor's endpoint ---------------------------------
LONG="openai:gpt-4o-mini?base_url=http://127.0.0.1:$FAKE_PORT/v1&temperature=0.5"
OPENAI_API_KEY=right-key $R run "$T/suite.json" --model "$LONG" --model "$LONG&label=mini-local" --db "$T/l.db" \
	>"$T/l.out" 2>"$T/l.err"
ok_if "label=: both runs answer from one cache (the label is not in the key)" \
	sh -c "[ \$(sqlite3 '$T/l.db' 'SELECT count(*) FROM cache') -eq 20 ]"
ok_if "label=: the table's column is the label; a long spec is shortened, not cut" \
	sh -c "grep -q '^task  *metric  *openai:gpt-4o-mini@127.0.0.1:$FAKE_PORT?…  *mini-local' '$T/l.out'"
ok_if "the endpoint is recorded with the run" \
	sh -c "$R show 1 --db '$T/l.db' --format json | grep -q '\"endpoint\":.*\"http://127.0.0.1:$FAKE_PORT/v1\"'"
ok_if "a local server is not charged OpenAI's list price (cost unknown)" \
	sh -c "[ -z \"\$(sqlite3 '$T/l.db' \"SELECT value FROM run_metrics WHERE run_id = 1 AND metric = 'cost_usd' AND value IS NOT NULL\")\" ]"
OPENAI_API_KEY=right-key OPENAI_BASE_URL=http://127.0.0.1:$FAKE_PORT/v1 $R run "$T/suite.json" \
	--model "openai:gpt-4o-mini?price_in=1&price_out=2" --db "$T/l.db" >"$T/l2.out" 2>&1
ok_if "OPENAI_BASE_URL: the table says where the run went; price_in/price_out still price it" \
	sh -c "grep -q 'run 3 .*(at http://127.0.0.1:$FAKE_PORT/v1)' '$T/l2.out' && grep -q '^task  *metric  *openai:gpt-4o-mini@127.0.0.1:$FAKE_PORT' '$T/l2.out' &&
	       [ -n \"\$(sqlite3 '$T/l.db' \"SELECT value FROM run_metrics WHERE run_id = 3 AND metric = 'cost_usd' AND value > 0\")\" ]"
$R report 1 2 --db "$T/l.db" -o "$T/l.html" --no-plots >/dev/null 2>&1
ok_if "report: the label names the run, the full spec is its tooltip" \
	sh -c "grep -q '<span class=\"run\" title=\"openai:gpt-4o-mini?base_url=[^\"]*label=mini-local\">' '$T/l.html' && grep -q '</span>mini-local <span class=\"runid\">run 2' '$T/l.html'"

# --- list filters, delete ---------------------------------------------------------------------------------------
ok_if "list --label" sh -c "[ \$($R list --db '$T/l.db' --label mini-local | grep -c '^ *2 ') -eq 1 ] && [ \$($R list --db '$T/l.db' --label mini-local | wc -l) -eq 2 ]"
ok_if "list --status failed --suite ux" sh -c "[ \$($R list --db '$T/e.db' --status failed --suite ux | wc -l) -eq 2 ]"
ok_if "list --status done: the header and the two built-in runs" sh -c "[ \$($R list --db '$T/e.db' --status done | wc -l) -eq 3 ]"
ok_if "list --model" sh -c "[ \$($R list --db '$T/e.db' --model builtin: | grep -c builtin:pop) -eq 1 ]"
expect_exit 3 "delete checks every id first: an unknown one deletes nothing" $R delete 1 99 --db "$T/l.db"
ok_if "delete: nothing was deleted" sh -c "[ \$(sqlite3 '$T/l.db' 'SELECT count(*) FROM runs') -eq 3 ]"
expect_exit 0 "delete latest~1 1" $R delete latest~1 1 --db "$T/l.db"
ok_if "delete: the runs and every row naming them are gone, the others stay" \
	sh -c "[ \$(sqlite3 '$T/l.db' 'SELECT group_concat(id) FROM runs') = 3 ] &&
	       [ \$(sqlite3 '$T/l.db' 'SELECT count(*) FROM samples WHERE run_id != 3') -eq 0 ] &&
	       [ \$(sqlite3 '$T/l.db' 'SELECT count(*) FROM run_metrics WHERE run_id != 3') -eq 0 ] &&
	       [ \$(sqlite3 '$T/l.db' 'SELECT count(*) FROM samples WHERE run_id = 3') -eq 20 ]"

# --- 16. smaller: the 404 hint of openai:, built-in typos at once, did you mean, plot of a rate --------------------
$R chat "openai:m?base_url=http://127.0.0.1:$FAKE_PORT" hi >"$T/404.out" 2>&1
ok_if "openai 404 without /v1: the hint is about base_url's /v1, not Azure's deployment" \
	sh -c "grep -q 'check the model name (.m.) and base_url (OpenAI-compatible servers usually answer under /v1' '$T/404.out' && ! grep -q deployment '$T/404.out'"
cat >"$T/nodata.json" <<JSON
{"name": "nodata", "dataset": {"format": "csv", "path": "$T/no-such.csv", "items": "$T/no-such-items.csv"},
 "tasks": [{"type": "retrieval", "k": [10]}]}
JSON
expect_exit 2 "a builtin: typo is refused before the dataset loads" $R run "$T/nodata.json" --model builtin:itmknn --db "$T/x.db"
ok_if "builtin typo: the message is about the model, not the missing dataset" \
	sh -c "grep -q \"unknown built-in model 'itmknn'\" '$T/err' && ! grep -q no-such '$T/err'"
expect_exit 2 "neighbours: a usage error" $R run "$T/nodata.json" --model 'builtin:itemknn?neighbours=5' --db "$T/x.db"
ok_if "neighbours: did you mean 'neighbors'?" grep -q "no parameter 'neighbours' (did you mean 'neighbors'?)" "$T/err"
expect_exit 3 "plot --metric error_rate of a built-in run exits 3" $R plot latest --metric error_rate -o "$T/p.png" --db "$T/e.db"
ok_if "plot --metric error_rate: says only language-model runs have it, not 'error_rate@k'" \
	sh -c "grep -q \"no run has metric 'error_rate': only language-model runs\" '$T/err' && ! grep -q 'error_rate@k' '$T/err'"

# --- 15. a relative path from the environment is relative to the current folder -----------------------------------
mkdir -p "$T/envcwd/data" "$T/envcwd/suites"
cp "$ROOT/suites/demo/interactions.csv" "$T/envcwd/data/"
cat >"$T/envcwd/suites/s.json" <<JSON
{"name": "envpath", "dataset": {"format": "csv", "path": "\${UXDATA:-../nowhere}/interactions.csv", "items": "$ROOT/suites/demo/items.csv"},
 "sample": {"users": 5}, "tasks": [{"type": "retrieval", "k": [10]}]}
JSON
(cd "$T/envcwd" && UXDATA=data $R run suites/s.json --model builtin:pop --db "$T/env2.db" -q >/dev/null 2>"$T/env2.err")
ok_if "UXDATA=data: the path is found from the current folder, not the suite's" [ $? -eq 0 ]
(cd "$T/envcwd" && $R run suites/s.json --model builtin:pop --db "$T/env2.db" -q >/dev/null 2>"$T/env3.err")
ok_if "the suite's own default stays relative to the suite" grep -q "^receval: suites/../nowhere/interactions.csv" "$T/env3.err"

# --- 14. an answer without usage: its tokens are unknown (NULL), never 0, and the cost is unknown ------------------
cat >"$T/nousage.py" <<'PY'
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print(json.dumps({"id": r["id"], "content": "1. nothing"}), flush=True)
PY
$R run "$T/suite.json" --model "exec:python3 $T/nousage.py?price_in=1&price_out=1" --db "$T/u.db" -q >/dev/null 2>"$T/u.err"
ok_if "no usage: tokens stored as NULL, not 0" \
	sh -c "[ \$(sqlite3 '$T/u.db' 'SELECT count(*) FROM samples WHERE tokens_in IS NULL AND tokens_out IS NULL') -eq 20 ]"
ok_if "no usage: cost_usd is unknown, not 0" \
	sh -c "[ \$(sqlite3 '$T/u.db' \"SELECT count(*) FROM run_metrics WHERE metric = 'cost_usd' AND value IS NULL\") -eq 1 ]"
ok_if "no usage: stderr says so" grep -q "20 answers reported no token usage: tokens_in and tokens_out count the others, cost_usd is unknown" "$T/u.err"

# --- what is available: suites, tasks, models; run --tasks -----------------------------------------------------------
$R tasks >"$T/tasks.out" 2>&1
ok_if "receval tasks: one line per registered type, with its summary" \
	sh -c "grep -q '^retrieval  .*catalogue' '$T/tasks.out' && grep -q '^explanation .*(language models only)' '$T/tasks.out'"
$R models >"$T/models.out" 2>&1
ok_if "receval models: the built-in models and the providers" \
	sh -c "grep -q '^builtin:itemknn ' '$T/models.out' && grep -q '^openai:MODEL ' '$T/models.out' && grep -q '^exec:COMMAND ' '$T/models.out'"
# EASE takes catalogues past 5,000 items (LAPACK above that, README's Scale); models said it stopped there
ok_if "receval models: builtin:ease claims no 5,000-item limit" sh -c "! grep -q '^builtin:ease .*up to 5,000' '$T/models.out'"
$R suites >"$T/suites.out" 2>&1
ok_if "receval suites: each suite with its name, tasks and description" grep -q '^suites/demo.json  *demo  *2 tasks  Offline' "$T/suites.out"
expect_exit 3 "receval suites of a missing folder exits 3" $R suites "$T/nowhere"
cat >"$T/two.json" <<JSON
{"name": "two", "dataset": {"format": "csv", "path": "$ROOT/suites/demo/interactions.csv", "items": "$ROOT/suites/demo/items.csv"},
 "sample": {"users": 10}, "tasks": [{"type": "retrieval", "k": [10]}, {"type": "ranking", "candidates": 10, "k": [5]}]}
JSON
$R run "$T/two.json" --tasks ranking --model builtin:pop --db "$T/t.db" -q >/dev/null 2>&1
ok_if "run --tasks ranking: only that task is run and stored" \
	sh -c "[ \"\$(sqlite3 '$T/t.db' 'SELECT group_concat(DISTINCT task) FROM samples')\" = ranking ]"
ok_if "run --tasks: the stored suite is the one that ran (resume and finish read it)" \
	sh -c "$R show latest --db '$T/t.db' --format json | python3 -c 'import json,sys; c=json.load(sys.stdin)[\"run\"][\"config\"]; assert [t[\"type\"] for t in c[\"suite\"][\"tasks\"]] == [\"ranking\"]'"
expect_exit 2 "run --tasks with a task the suite lacks exits 2" $R run "$T/two.json" --tasks rankin --model builtin:pop --db "$T/t.db"
ok_if "run --tasks: names the suite's tasks" grep -q "has no task 'rankin' (its tasks: retrieval, ranking)" "$T/err"

# --- run --dry-run: nothing sent, nothing stored; --max-cost: stops before spending more --------------------------------
fake_start fdry --log "$T/dry.log" --answer rank --idle-exit 60
$R run "$T/two.json" --model "openai:gpt-4o-mini?base_url=http://127.0.0.1:$FAKE_PORT/v1&price_in=1&price_out=2&max_tokens=100" \
	--dry-run --db "$T/dry.db" >"$T/dry.out" 2>"$T/dry.err"
rc=$?
ok_if "dry run: exit 0, no request sent, no database written" sh -c "[ $rc -eq 0 ] && [ ! -s '$T/dry.log' ] && [ ! -e '$T/dry.db' ]"
ok_if "dry run: per task, the requests and tokens, and the first request" \
	sh -c "grep -q '^  task retrieval: 10 requests, ~[0-9,]* prompt tokens, at most 1,000 completion tokens (100 each)' '$T/dry.out' &&
	       grep -q '^  task ranking: 10 requests' '$T/dry.out' && grep -q '^    \[user\] ' '$T/dry.out'"
ok_if "dry run: the total and the most it would cost at the spec's price" \
	grep -q '^  total: 20 requests, .* at most \$0\.0[0-9]* at \$1 / \$2 per million tokens' "$T/dry.out"
$R run "$T/two.json" --tasks ranking --model "openai:gpt-4o-mini?base_url=http://127.0.0.1:$FAKE_PORT/v1&price_in=1000&price_out=1000" \
	--max-cost 0.5 --concurrency 1 --db "$T/mc.db" >"$T/mc.out" 2>"$T/mc.err"
rc=$?
sent=$(wc -l <"$T/dry.log")
ok_if "--max-cost: stops before the budget is spent (exit $rc, $sent of 10 sent)" sh -c "[ $rc -eq 4 ] && [ $sent -ge 1 ] && [ $sent -lt 10 ]"
ok_if "--max-cost: says why and how to go on" grep -q "stopped before spending more than --max-cost \$0.5" "$T/mc.err"
$R run --resume 1 --db "$T/mc.db" --max-cost 100 -q >/dev/null 2>&1
ok_if "--max-cost: --resume with more budget finishes the run" \
	sh -c "[ \$(sqlite3 '$T/mc.db' \"SELECT count(*) FROM samples WHERE status = 'ok'\") -eq 10 ]"
expect_exit 2 "--max-cost with no known price is a usage error" $R run "$T/two.json" --model "openai:x?base_url=http://127.0.0.1:$FAKE_PORT/v1" --max-cost 1 --db "$T/mc2.db"

# --- 9. the report's cost section shows the stored cost --------------------------------------------------------------
$R report 3 --db "$T/l.db" -o "$T/cost.html" --no-plots >/dev/null 2>&1
ok_if "report: the cost section shows the run's cost_usd" \
	sh -c "grep -q 'cost (USD)</th>' '$T/cost.html' && grep -q '>\\\$0\\.0[0-9]*</td>' '$T/cost.html' && ! grep -q 'stores no prices' '$T/cost.html'"

#!/bin/sh
# llm_run.sh: whole suite runs through language-model adapters: OpenAI and Azure paths of the fake server and an
# exec program give identical results for identical answers; the cache sends nothing twice; keys stay out of everything.
. tests/e2e/lib.sh
R=$RECEVAL
T=$TMPDIR
FS=$BUILD/fake_server
if [ ! -x "$FS" ]; then
	echo "not ok - suite runs through the fake server: $FS is not built (make $FS)"
	exit 0
fi
KEY=sk-test-SECRET-1234567890
AKEY=azure-SECRET-0987654321

trap 'fake_stop_all' EXIT
fake_start fs --log "$T/log" --key "$KEY" --azure-key "$AKEY" --answer rank --idle-exit 60
PORT=$FAKE_PORT
URL=http://127.0.0.1:$PORT

cat >"$T/suite.json" <<JSON
{"name": "llm-e2e", "dataset": {"format": "csv", "path": "$(pwd)/suites/demo/interactions.csv", "items": "$(pwd)/suites/demo/items.csv"},
 "split": {"strategy": "leave-last-out", "max_history": 10},
 "sample": {"users": 40, "seed": 3},
 "tasks": [{"type": "ranking", "candidates": 10, "k": [1, 5, 10]}]}
JSON
DB=$T/llm.db
OPENAI_API_KEY=$KEY $R run "$T/suite.json" --model "openai:fake-model?base_url=$URL/v1" --db "$DB" -q >"$T/o.out" 2>"$T/o.err"
rc=$?
[ $rc -eq 0 ] && echo "ok - openai: a suite runs through the fake server" || { echo "not ok - openai: a suite runs through the fake server (exit $rc)"; sed 's/^/#   /' "$T/o.err" | tail -3; }
sent=$(wc -l <"$T/log")
[ "$sent" -eq 40 ] && echo "ok - openai: one request per sample ($sent)" || echo "not ok - openai: one request per sample ($sent)"

AZURE_OPENAI_API_KEY=$AKEY $R run "$T/suite.json" --model "azure:my-deployment?endpoint=$URL" --db "$DB" -q >/dev/null 2>"$T/a.err"
rc=$?
[ $rc -eq 0 ] && echo "ok - azure: a suite runs through the fake server" || { echo "not ok - azure: a suite runs through the fake server (exit $rc)"; sed 's/^/#   /' "$T/a.err" | tail -3; }
grep -q '"path":"/openai/deployments/my-deployment/chat/completions"' "$T/log" &&
	echo "ok - azure: the classic deployment path" || echo "not ok - azure: the classic deployment path"

$R run "$T/suite.json" --model "exec:python3 $(pwd)/examples/echo_model.py" --db "$DB" -q >/dev/null 2>"$T/e.err"
rc=$?
[ $rc -eq 0 ] && echo "ok - exec: a suite runs through a local program" || { echo "not ok - exec: a suite runs through a local program (exit $rc)"; sed 's/^/#   /' "$T/e.err" | tail -3; }

# identical answers (the candidates in reverse) give identical rankings and figures, whatever the transport
# samples are stored as answers arrive: compare them by sample id
ranks() { $R show "$1" --db "$DB" --samples | sed 's/.*"sample_id":"\([^"]*\)".*"ranking":\(\[[^]]*\]\).*/\1 \2/' | sort; }
figs() { $R show "$1" --db "$DB" --format csv | grep -v -e tokens -e cost -e '^run_id' | cut -d, -f3-; }
ranks 1 >"$T/r1"; ranks 2 >"$T/r2"; ranks 3 >"$T/r3"
[ -s "$T/r1" ] && cmp -s "$T/r1" "$T/r2" && cmp -s "$T/r1" "$T/r3" && echo "ok - openai, azure and exec rank identically" ||
	echo "not ok - openai, azure and exec rank identically"
figs 1 >"$T/f1"; figs 2 >"$T/f2"; figs 3 >"$T/f3"
[ -s "$T/f1" ] && cmp -s "$T/f1" "$T/f2" && cmp -s "$T/f1" "$T/f3" && echo "ok - openai, azure and exec give identical metrics" ||
	echo "not ok - openai, azure and exec give identical metrics"
# the fake's answer reverses the shown candidates: the stored ranking is that reversal
$R show 1 --db "$DB" --samples | head -n 1 >"$T/s1"
python3 - "$T/s1" <<'PY' && echo "ok - the ranking is the model's answer, grounded" || echo "not ok - the ranking is the model's answer, grounded"
import json, sys
s = json.loads(open(sys.argv[1]).readline())
assert s["status"] == "ok" and s["response"] and s["metrics"]["parse_failure_rate"] == 0
assert s["ranking"] == list(reversed(s["candidates"])), (s["ranking"], s["candidates"])
PY

# the cache: the same run again sends nothing; --no-cache sends everything
before=$(wc -l <"$T/log")
OPENAI_API_KEY=$KEY $R run "$T/suite.json" --model "openai:fake-model?base_url=$URL/v1" --db "$DB" -q >/dev/null 2>&1
after=$(wc -l <"$T/log")
[ "$after" -eq "$before" ] && echo "ok - cache: a repeated run sends no request" || echo "not ok - cache: a repeated run sends no request ($before -> $after)"
ranks 4 >"$T/r4"
[ -s "$T/r1" ] && cmp -s "$T/r1" "$T/r4" && echo "ok - cache: cached answers give the same rankings" || echo "not ok - cache: cached answers give the same rankings"
OPENAI_API_KEY=$KEY $R run "$T/suite.json" --model "openai:fake-model?base_url=$URL/v1" --db "$DB" --no-cache -q >/dev/null 2>&1
again=$(wc -l <"$T/log")
[ "$again" -eq $((after + 40)) ] && echo "ok - --no-cache asks again" || echo "not ok - --no-cache asks again ($after -> $again)"

# a wrong key stops the run at once with exit 4 and says what to check, without the key
OPENAI_API_KEY=sk-wrong-SECRET-key $R run "$T/suite.json" --model "openai:fake-model?base_url=$URL/v1" --db "$DB" --no-cache -q >/dev/null 2>"$T/w.err"
rc=$?
[ $rc -eq 4 ] && echo "ok - a wrong key exits 4" || echo "not ok - a wrong key exits 4 ($rc)"
grep -q OPENAI_API_KEY "$T/w.err" && echo "ok - the message says which key to check" || echo "not ok - the message says which key to check"

# transient faults: every sample still completes
fake_start fs2 --log "$T/log2" --answer rank --fail-rate 0.3 --idle-exit 30
FS2=$FAKE_PID
$R run "$T/suite.json" --model "openai:flaky?base_url=http://127.0.0.1:$FAKE_PORT/v1" --db "$DB" -q >/dev/null 2>"$T/f.err"
rc=$?
kill $FS2 2>/dev/null; wait $FS2 2>/dev/null
retried=$(grep -c '"fault":"fail-rate"' "$T/log2")
[ $rc -eq 0 ] && [ "$retried" -gt 0 ] && echo "ok - with 30% transient failures ($retried) every sample completes" ||
	echo "not ok - with 30% transient failures ($retried) every sample completes (exit $rc)"

# no key anywhere: database, stderr, show output
leak=0
for f in "$DB" "$DB-wal" "$T"/*.err; do
	[ -f "$f" ] && grep -a -q -e SECRET "$f" && { leak=1; echo "#   key found in $f"; }
done
$R show 1 --db "$DB" --format json | grep -q SECRET && leak=1
[ $leak -eq 0 ] && echo "ok - no API key in the database, stderr or show output" || echo "not ok - no API key in the database, stderr or show output"

# killed with SIGKILL mid-run, then resumed: same rankings as an uninterrupted run, and no committed sample sent twice.
# With 4 requests in flight, requests 9 to 12 get no answer for a minute: the run stores exactly 8 samples, then
# waits; it is killed once all 12 requests have arrived and the 8 samples are stored. Resuming sends requests 13 on.
printf '9-12 delay 60000\n' >"$T/faults3"
fake_start fs3 --log "$T/log3" --answer rank --faults "$T/faults3" --idle-exit 30
FS3=$FAKE_PID
M3="openai:slow?base_url=http://127.0.0.1:$FAKE_PORT/v1"
$R run "$T/suite.json" --model "$M3" --db "$T/kill.db" --concurrency 4 -q >/dev/null 2>&1 &
pid=$!
# at most 30 s for what takes a moment: then the kill comes anyway and the counts below fail
i=0
while [ $i -lt 1500 ] && ! { [ "$(wc -l <"$T/log3" 2>/dev/null || echo 0)" -ge 12 ] && [ "$(stored_samples "$T/kill.db")" -ge 8 ]; }; do
	sleep 0.02
	i=$((i + 1))
done
kill -KILL $pid 2>/dev/null
wait $pid 2>/dev/null
stored=$(stored_samples "$T/kill.db")
sent_before=$(wc -l <"$T/log3")
[ "$stored" -eq 8 ] && [ "$sent_before" -eq 12 ] && echo "ok - SIGKILL mid-run: 8 samples stored, 12 requests sent" ||
	echo "not ok - SIGKILL mid-run: 8 samples stored, 12 requests sent ($stored stored, $sent_before sent)"
$R run --resume 1 --db "$T/kill.db" -q >/dev/null 2>"$T/k.err"
rc=$?
kill $FS3 2>/dev/null; wait $FS3 2>/dev/null
sent=$(wc -l <"$T/log3")
[ $rc -eq 0 ] && echo "ok - SIGKILL mid-run ($stored of 40 stored), then --resume finishes" ||
	{ echo "not ok - SIGKILL mid-run ($stored of 40 stored), then --resume finishes (exit $rc)"; sed 's/^/#   /' "$T/k.err" | tail -3; }
DB=$T/kill.db ranks 1 >"$T/rk"
[ -s "$T/r1" ] && cmp -s "$T/r1" "$T/rk" && echo "ok - the resumed run ranks as the uninterrupted one" || echo "not ok - the resumed run ranks as the uninterrupted one"
# resume sends only what was not stored: 40 - stored, plus nothing twice
[ $((sent - sent_before)) -eq $((40 - stored)) ] && echo "ok - resume re-sends no stored sample ($((sent - sent_before)) sent for $((40 - stored)) missing)" ||
	echo "not ok - resume re-sends no stored sample ($((sent - sent_before)) sent for $((40 - stored)) missing)"

#!/bin/sh
# reliability.sh: the defects of issue 14 (an adversarial pass), one regression each: hostile datasets,
# specs, answers and servers end with a documented exit code, a one-line message and honest run records.
. tests/e2e/lib.sh
R=$RECEVAL
T=$TMPDIR
trap fake_stop_all EXIT

# one_line_error NAME CODE PATTERN CMD...: exit CODE, and stderr is one line matching PATTERN
one_line_error() {
	name=$1 code=$2 pat=$3
	shift 3
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -eq "$code" ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q -- "$pat" "$T/err"; then
		echo "ok - $name"
	else
		echo "not ok - $name (exit $rc)"
		sed 's/^/#   /' "$T/err" | head -n 3
	fi
}

suite() { # suite FILE DATASET-PATH [MODEL]: a csv suite with one retrieval task
	printf '{"name": "t", "dataset": {"format": "csv", "path": "%s"},\n"models": ["%s"],\n"tasks": [{"type": "retrieval", "k": 2}]}\n' \
		"$2" "${3:-builtin:pop}" >"$T/$1"
}

# --- defect 2: a NUL or control byte in an id or a title is bad input, not a lost sample
printf 'user,item,timestamp\nu1,i1,1\nu1,i2,2\nu1\000x,i1,1\nu1\000x,i3,2\nu2,i1,1\nu2,i3,2\n' >"$T/nul.csv"
suite nul.json nul.csv
suite ok.json ok.csv
one_line_error "a NUL byte in a csv id is exit 3 naming file:line" 3 'nul.csv:4: NUL byte' \
	$R run "$T/nul.json" --db "$T/d2.db" -q
printf 'user,item\nu1,i1\nu\001,i2\n' >"$T/ctl.csv"
suite ctl.json ctl.csv
one_line_error "a control byte in a user id is exit 3 naming file:line" 3 'ctl.csv:3: control byte 0x01 in user id' \
	$R run "$T/ctl.json" --db "$T/d2.db" -q
printf 'user,item\nu1,i1\nu1,i2\nu2,i1\n' >"$T/ok.csv"
printf 'item,title\ni1,"One\033[31m red"\ni2,Two\n' >"$T/items.csv"
printf '{"name": "t", "dataset": {"format": "csv", "path": "ok.csv", "items": "items.csv"},\n"models": ["builtin:pop"], "tasks": [{"type": "retrieval", "k": 2}]}\n' >"$T/title.json"
one_line_error "a control byte in a title is exit 3 naming file:line" 3 'items.csv:2: control byte 0x1b in title' \
	$R run "$T/title.json" --db "$T/d2.db" -q
mkdir -p "$T/ml"
printf '1|Toy Story|x|x|x\n2|Heat|x|x|x\n' >"$T/ml/u.item"
printf '1\t1\t5\t1\n1\t2\t4\t2\n2\t1\t3\t1\n2\000\t2\t3\t2\n' >"$T/ml/u.data"
printf '{"name": "t", "dataset": {"format": "movielens", "path": "ml"},\n"models": ["builtin:pop"], "tasks": [{"type": "retrieval", "k": 2}]}\n' >"$T/ml.json"
one_line_error "a NUL byte in a movielens file is exit 3 naming file:line" 3 'u.data:4: NUL byte' \
	$R run "$T/ml.json" --db "$T/d2.db" -q
ok_if "no run is stored for refused datasets" test "$($R list --db "$T/d2.db" 2>/dev/null | grep -c '^ *[0-9]')" -eq 0

# --- defect 3: credentials in a spec are refused, and never echoed
for spec in 'openai:m?base_url=http://127.0.0.1:9/v1?key=sk-SECRET3' 'openai:m?api_key=sk-SECRET3' \
	'openai:m?base_url=http://u:sk-SECRET3@127.0.0.1:9/v1' 'openai:m?base_url=http://h/v1?a=1&key=sk-SECRET3' \
	'azure:d?endpoint=https://x.example?sig=sk-SECRET3'; do
	$R run "$T/ok.json" --db "$T/d3.db" -q --model "$spec" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q 'holds credentials' "$T/err" &&
		! grep -q SECRET3 "$T/err" "$T/out"; then
		echo "ok - spec with a credential refused, not echoed: $(echo "$spec" | sed 's/SECRET3/.../')"
	else
		echo "not ok - spec with a credential refused, not echoed (exit $rc)"
		sed 's/^/#   /' "$T/err" | head -n 3
	fi
done
printf '{"name": "t", "dataset": {"format": "csv", "path": "ok.csv"},\n"models": ["openai:m?base_url=http://127.0.0.1:9/v1?token=sk-SECRET3"],\n"tasks": [{"type": "retrieval", "k": 2}]}\n' >"$T/secret.json"
$R run "$T/secret.json" --db "$T/d3.db" -q >"$T/out" 2>"$T/err"
rc=$?
ok_if "a suite naming a spec with a credential is refused without echoing it" \
	sh -c "[ $rc -ne 0 ] && ! grep -q SECRET3 '$T/err' '$T/out'"
ok_if "nothing with a credential reaches the database" sh -c "! grep -aq SECRET3 '$T/d3.db' 2>/dev/null"

# --- defect 8: a database that cannot be written is still read by list, show, report, export, compare, gate
mkdir -p "$T/ro"
printf 'user,item\nu1,i1\nu1,i2\nu2,i1\nu2,i2\nu3,i2\nu3,i1\n' >"$T/ro.csv"
suite ro.json ro.csv
$R run "$T/ro.json" --db "$T/ro/r.db" -q >/dev/null 2>&1
$R run "$T/ro.json" --db "$T/ro/r.db" -q --model builtin:random >/dev/null 2>&1
# every reading command on $T/ro/r.db; prints the failures
cat >"$T/readers.sh" <<READERS
for c in "list" "show 1" "show 1 --samples --format jsonl" "show 1 --format json" "export 1 --format trec" \\
	"compare 1 2" "gate --baseline 1 --candidate 2 --rule ndcg@2>=0" "report 1 2 -o -"; do
	e=\$($R \$c --db "$T/ro/r.db" 2>&1 >/dev/null) || echo "\$c: \$e"
done
READERS
if unshare -m true 2>/dev/null; then
	# a read-only bind mount: SQLite cannot make its -shm file, so the file is read as immutable
	out=$(unshare -m sh -c "mount --bind '$T/ro' '$T/ro' && mount -o remount,bind,ro '$T/ro' &&
		{ ! touch '$T/ro/probe' 2>/dev/null || echo 'the mount is writable'; } && sh '$T/readers.sh'" 2>&1)
	ok_if "every reading command works on a read-only file system" test -z "$out"
	[ -n "$out" ] && echo "$out" | sed 's/^/#   /' | head -n 5
	sqlite3 "$T/ro/r.db" "UPDATE runs SET status = 'interrupted' WHERE id = 2; DELETE FROM samples WHERE run_id = 2"
	expect_exit 5 "resuming into a read-only database is a storage failure (exit 5)" \
		unshare -m sh -c "mount --bind '$T/ro' '$T/ro' && mount -o remount,bind,ro '$T/ro' && $R run --resume 2 --db '$T/ro/r.db' -q"
else
	skip "every reading command works on a read-only file system" "no unshare -m here"
fi
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null 2>&1; then
	# root reads and writes anything: as nobody, in a folder nobody may enter (TMPDIR is 0700)
	P=$(mktemp -d /tmp/receval-ro.XXXXXX)
	chmod 755 "$P"
	cp -r "$T/ro" "$P/ro"
	sed "s|$T/|$P/|g" "$T/readers.sh" >"$P/readers.sh"
	chmod 444 "$P/ro/r.db"
	chmod 555 "$P/ro"
	out=$(setpriv --reuid 65534 --regid 65534 --clear-groups sh "$P/readers.sh" 2>&1)
	ok_if "every reading command works on a 0444 file in a folder that cannot be written" test -z "$out"
	[ -n "$out" ] && echo "$out" | sed 's/^/#   /' | head -n 5
	chmod -R u+w "$P"
	rm -rf "$P"
elif [ "$(id -u)" -ne 0 ]; then
	chmod 444 "$T/ro/r.db"
	chmod 555 "$T/ro"
	out=$(sh "$T/readers.sh" 2>&1)
	ok_if "every reading command works on a 0444 file in a folder that cannot be written" test -z "$out"
	chmod 755 "$T/ro"
	chmod 644 "$T/ro/r.db"
else
	skip "every reading command works on a 0444 file" "root without setpriv"
fi

# --- defect 6: a server asking to wait for ever (Retry-After: 100000) cannot stall a sample past --sample-deadline
printf '1-1000 429 100000\n' >"$T/ra.faults"
fake_start ra --faults "$T/ra.faults"
printf 'user,item\nu1,i1\nu1,i2\nu2,i1\nu2,i2\n' >"$T/llm.csv"
suite llm.json llm.csv "openai:m"
t0=$(date +%s)
OPENAI_API_KEY=k OPENAI_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1" \
	$R run "$T/llm.json" --db "$T/d6.db" -q --sample-deadline 5 >"$T/out" 2>"$T/err"
rc=$?
t1=$(date +%s)
ok_if "Retry-After: 100000 ends at the sample deadline, not after 25 minutes ($((t1 - t0)) s, exit $rc)" \
	test $((t1 - t0)) -lt 30 -a $rc -eq 4
n=$(sqlite3 -readonly "$T/d6.db" "SELECT count(*) FROM samples WHERE status = 'error' AND error LIKE '%sample deadline%'" 2>/dev/null)
ok_if "each sample is stored as an error naming the deadline ($n of 2)" test "${n:-0}" -eq 2
one_line_error "--sample-deadline must be above 0" 2 'sample-deadline' $R run "$T/llm.json" --db "$T/d6.db" --sample-deadline 0
kill "$FAKE_PID" 2>/dev/null

# --- defect 7: the runs row says why a run failed, and counts what is stored
fake_start auth --key right
OPENAI_API_KEY=wrong OPENAI_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1" \
	$R run "$T/llm.json" --db "$T/d7.db" -q >/dev/null 2>&1
$R show 1 --db "$T/d7.db" --format json >"$T/show.json" 2>/dev/null
ok_if "a run stopped by a 401 is failed, with 0 samples stored and the reason" python3 -c "
import json, sys
r = json.load(open('$T/show.json'))['run']
sys.exit(not (r['status'] == 'failed' and r['samples'] == 0 and r['errors'] == 0 and '401' in r['reason']))"
$R show 1 --db "$T/d7.db" 2>/dev/null | grep -q '^reason: .*401' && echo "ok - show prints the reason" ||
	echo "not ok - show prints the reason"
# defect 9: a run without samples is reported without qsort(NULL, 0) (the sanitizer build of this script catches it)
expect_exit 0 "a run without samples is reported, shown and exported" sh -c \
	"$R report 1 --db '$T/d7.db' -o '$T/empty.html' && $R show 1 --db '$T/d7.db' --samples && $R export 1 --db '$T/d7.db' -o '$T/empty.jsonl'"
ok_if "the reason is in the runs row" test -n "$(sqlite3 -readonly "$T/d7.db" "SELECT reason FROM runs WHERE id = 1 AND reason LIKE '%401%'" 2>/dev/null)"
kill "$FAKE_PID" 2>/dev/null

# Ctrl-C while every request waits to be retried: nothing is in flight, so it stops at once
printf '1-1000 429 60\n' >"$T/slow.faults"
: >"$T/slow.log"
fake_start slow --faults "$T/slow.faults" --log "$T/slow.log"
OPENAI_API_KEY=k OPENAI_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1" \
	$R run "$T/llm.json" --db "$T/d7i.db" >/dev/null 2>"$T/int.err" &
pid=$!
i=0
while [ "$(wc -l <"$T/slow.log" 2>/dev/null || echo 0)" -lt 2 ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
t0=$(date +%s%N)
kill -INT $pid
wait $pid
rc=$?
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
ok_if "Ctrl-C with every request in backoff stops at once ($ms ms, exit $rc)" test $ms -lt 3000 -a $rc -eq 130
ok_if "Ctrl-C does not claim answers in flight that are only waiting to retry" sh -c "! grep -q 'in flight' '$T/int.err'"
$R show 1 --db "$T/d7i.db" --format json >"$T/show.json" 2>/dev/null
ok_if "the interrupted run says so, with what is stored" python3 -c "
import json, sys
r = json.load(open('$T/show.json'))['run']
sys.exit(not (r['status'] == 'interrupted' and r['samples'] == 0 and 'resume' in r['reason']))"
kill "$FAKE_PID" 2>/dev/null

# a full disk: a small tmpfs; the run stops with exit 5 and what it claims is what it stored
if unshare -m true 2>/dev/null && command -v sqlite3 >/dev/null 2>&1; then
	awk 'BEGIN { print "user,item"; for (u = 0; u < 3000; u++) for (i = 0; i < 5; i++) printf "u%d,i%d\n", u, (u * 7 + i) % 400 }' >"$T/big.csv"
	suite big.json big.csv
	mkdir -p "$T/full"
	unshare -m sh -c "mount -t tmpfs -o size=600k tmpfs '$T/full' && $R run '$T/big.json' --db '$T/full/f.db' -q >/dev/null 2>'$T/full.err'; echo \$? >'$T/full.rc'; cp '$T/full/f.db' '$T/f.db'; [ -f '$T/full/f.db-wal' ] && cp '$T/full/f.db-wal' '$T/f.db-wal'; :"
	ok_if "a full disk is exit 5 ($(cat "$T/full.rc"))" test "$(cat "$T/full.rc")" = 5
	claimed=$(sqlite3 "$T/f.db" "SELECT samples FROM runs WHERE id = 1" 2>/dev/null)
	listed=$($R show 1 --db "$T/f.db" --format json 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["run"]["samples"])' 2>/dev/null)
	stored=$(sqlite3 "$T/f.db" "SELECT count(*) FROM samples WHERE run_id = 1" 2>/dev/null)
	ok_if "after a full disk, show counts what is stored (show $listed, stored $stored)" test -n "$stored" -a "$listed" = "$stored"
else
	skip "a full disk is exit 5 and show counts what is stored" "no unshare -m here"
fi

# --- defect 4: whatever bytes a model answers, every JSON, CSV, HTML and JUnit output is valid UTF-8,
# and "\u0000" or half a surrogate pair in an answer neither cuts it nor loses it
# strict_utf8 NAME FILE: FILE decodes as UTF-8 with no replacement needed, and (json/jsonl) parses strictly
strict_utf8() {
	ok_if "$1" python3 -c "
import json, sys
b = open('$2', 'rb').read()
t = b.decode('utf-8')
if '$2'.endswith('.jsonl'):
    [json.loads(l) for l in t.splitlines() if l]
elif '$2'.endswith('.json'):
    json.loads(t)
sys.exit(0 if b else 1)"
}
i=0
bad_utf8=$(printf '1. Toy \303(1995) \200\277 \355\240\200 \300\257 end \360\237\230')
for answer in "raw:$bad_utf8" 'raw:before\u0000after' 'raw:half \ud800 pair' 'raw:low \udc00 half \ud83d\ude00 whole'; do
	i=$((i + 1))
	fake_start utf$i --answer "$answer"
	db=$T/d4_$i.db
	OPENAI_API_KEY=k OPENAI_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1" $R run "$T/llm.json" --db "$db" -q >/dev/null 2>&1
	OPENAI_API_KEY=k OPENAI_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1" $R run "$T/llm.json" --db "$db" -q --model openai:m2 >/dev/null 2>&1
	kill "$FAKE_PID" 2>/dev/null
	$R show 1 --db "$db" --samples --format jsonl >"$T/s$i.jsonl" 2>/dev/null
	$R export 1 --db "$db" -o "$T/e$i.jsonl" 2>/dev/null
	$R show 1 --db "$db" --format json >"$T/r$i.json" 2>/dev/null
	$R show 1 --db "$db" --format csv >"$T/r$i.csv" 2>/dev/null
	$R compare 1 2 --db "$db" --format json >"$T/c$i.json" 2>/dev/null
	$R report 1 2 --db "$db" -o "$T/h$i.html" >/dev/null 2>&1
	$R gate --baseline 1 --candidate 2 --rule 'ndcg@2>=0' --junit "$T/j$i.xml" --db "$db" >/dev/null 2>&1
	for f in s$i.jsonl e$i.jsonl r$i.json r$i.csv c$i.json h$i.html j$i.xml; do
		strict_utf8 "answer $i: $f is valid UTF-8 (and JSON)" "$T/$f"
	done
done
ok_if "an answer that is not UTF-8 is stored, not refused" python3 -c "
import json, sys
r = [json.loads(l) for l in open('$T/s1.jsonl')]
sys.exit(not all(x['status'] == 'ok' and x['response'].startswith('1. Toy') for x in r))"
ok_if "an answer holding \\u0000 is stored whole" python3 -c "
import json
r = [json.loads(l) for l in open('$T/s2.jsonl')]
import sys; sys.exit(not all(x['status'] == 'ok' and x['response'].startswith('before') and x['response'].endswith('after') for x in r))"
ok_if "an answer holding half a surrogate pair is read, not refused" python3 -c "
import json, sys
r = [json.loads(l) for l in open('$T/s3.jsonl')]
sys.exit(not all(x['status'] == 'ok' and x['response'].endswith('pair') for x in r))"
ok_if "a whole surrogate pair stays the character it encodes" python3 -c "
import json, sys
r = [json.loads(l) for l in open('$T/s4.jsonl')]
sys.exit(not all('\U0001F600' in x['response'] for x in r))"

# --- defect 1: a dataset path naming an unset variable is one error, not a double free (the sanitizer
# build of this script catches the free), on a first run and on --resume of a run that stored it
printf '{"name": "t", "dataset": {"format": "csv", "path": "$RECEVAL_T14_DATA"},\n"models": ["builtin:pop"], "tasks": [{"type": "retrieval", "k": 2}]}\n' >"$T/var.json"
one_line_error "a dataset path naming an unset variable is exit 3" 3 'var.json:1: .*RECEVAL_T14_DATA.*not set' \
	env -u RECEVAL_T14_DATA $R run "$T/var.json" --db "$T/d1.db" -q
RECEVAL_T14_DATA=$T/ro.csv $R run "$T/var.json" --db "$T/d1.db" -q >/dev/null 2>&1
sqlite3 "$T/d1.db" "UPDATE runs SET status = 'interrupted' WHERE id = 1; DELETE FROM samples WHERE run_id = 1"
one_line_error "--resume of a run whose suite names an unset variable is exit 3" 3 'RECEVAL_T14_DATA.*not set' \
	env -u RECEVAL_T14_DATA $R run --resume 1 --db "$T/d1.db" -q
RECEVAL_T14_DATA=$T/ro.csv expect_exit 0 "--resume with the variable set finishes the run" $R run --resume 1 --db "$T/d1.db" -q

# --- numbers a long cannot hold in a hand-edited (or hostile) database are refused or ignored, never
# converted (undefined behaviour: on x86 1e300 became LONG_MIN, which --resume took for "no --seed")
printf 'user,item\nu1,i1\nu1,i2\nu2,i1\nu2,i3\nu3,i2\nu3,i3\n' >"$T/h.csv"
suite h.json h.csv
for v in 1e300 2.5 '"7"'; do
	rm -f "$T/h.db"
	$R run "$T/h.json" --db "$T/h.db" -q >/dev/null 2>&1
	sqlite3 "$T/h.db" "UPDATE runs SET status = 'interrupted', config = json_set(config, '\$.seed', json('$v'))"
	one_line_error "--resume of a run whose stored seed is $v is exit 3" 3 'run 1 has a malformed configuration (seed)' \
		$R run --resume 1 --db "$T/h.db" -q
done
sqlite3 "$T/h.db" "UPDATE runs SET config = json_set(config, '\$.seed', 0, '\$.limit', json('1e300'))"
one_line_error "--resume of a run whose stored limit is 1e300 is exit 3" 3 'run 1 has a malformed configuration (limit)' \
	$R run --resume 1 --db "$T/h.db" -q
sqlite3 "$T/h.db" "UPDATE runs SET config = json_set(config, '\$.limit', json('null'))"
expect_exit 0 "--resume of the same run with its limit null again finishes it" $R run --resume 1 --db "$T/h.db" -q
rm -f "$T/h1.db" "$T/h2.db" "$T/hm.db" "$T/hm2.db"
$R run "$T/h.json" --shard 0/2 --db "$T/h1.db" -q >/dev/null 2>&1
$R run "$T/h.json" --shard 1/2 --db "$T/h2.db" -q >/dev/null 2>&1
sqlite3 "$T/h1.db" "UPDATE runs SET config = json_set(config, '\$.users_evaluated', json('1e300'))"
expect_exit 0 "merge of a shard whose stored user count is 1e300 succeeds" $R merge "$T/hm.db" "$T/h1.db" "$T/h2.db"
ok_if "... and records that count as 0, not a wrapped-around number" \
	[ "$(sqlite3 "$T/hm.db" 'SELECT min(users) FROM run_sources')" = 0 ]
for f in h1 h2; do
	sqlite3 "$T/$f.db" "UPDATE runs SET config = json_set(config, '\$.seed', json('1e300'))"
done
one_line_error "merge of shards whose stored seed is 1e300 is one error" 3 'h1.db: run 1 has a malformed configuration (seed)' \
	$R merge "$T/hm2.db" "$T/h1.db" "$T/h2.db"

# --- a suite that is not UTF-8 (or holds a NUL) is bad input: its bytes went into every JSON, CSV and TREC
# output naming the suite or a task (show --format json was not JSON to a strict reader)
printf 'user,item\nu1,i1\nu1,i2\nu2,i1\nu2,i3\nu3,i2\nu3,i3\n' >"$T/u8.csv"
printf '{"name": "t",\n"description": "caf\351", "dataset": {"format": "csv", "path": "u8.csv"},\n"models": ["builtin:pop"], "tasks": [{"type": "retrieval", "k": 2}]}\n' >"$T/latin1.json"
one_line_error "a suite that is not UTF-8 is exit 3 naming file:line" 3 'latin1.json:2: byte 0xe9 is not UTF-8' \
	$R run "$T/latin1.json" --db "$T/u8.db" -q
printf '{"name": "t",\n"dataset": {"format": "csv", "path": "u8.csv"},\n"description": "a\000b", "tasks": [{"type": "retrieval", "k": 2}]}\n' >"$T/nulsuite.json"
one_line_error "a NUL byte in a suite is exit 3 naming file:line" 3 'nulsuite.json:3: NUL byte' \
	$R run "$T/nulsuite.json" --db "$T/u8.db" -q
# a database edited by hand (suite, model and task names): what cJSON prints as it is comes out as U+FFFD
suite u8.json u8.csv
$R run "$T/u8.json" --db "$T/u8.db" -q >/dev/null 2>&1
$R run "$T/u8.json" --db "$T/u8.db" -q --model builtin:random >/dev/null 2>&1
sqlite3 "$T/u8.db" "UPDATE runs SET suite = CAST(X'74FF' AS TEXT), model = model || CAST(X'C3' AS TEXT);
	UPDATE samples SET task = CAST(X'72E9' AS TEXT); UPDATE sample_metrics SET task = CAST(X'72E9' AS TEXT);
	UPDATE run_metrics SET task = CAST(X'72E9' AS TEXT)"
$R show 1 --db "$T/u8.db" --format json >"$T/u8show.json" 2>/dev/null
$R compare 1 2 --db "$T/u8.db" --format json >"$T/u8cmp.json" 2>/dev/null
strict_utf8 "show --format json of a run whose names are not UTF-8 is valid JSON" "$T/u8show.json"
strict_utf8 "compare --format json of such runs is valid JSON" "$T/u8cmp.json"

# --- --timeout 1e16 (seconds) is past a long's milliseconds: converting it was undefined behaviour, on x86
# LONG_MIN, and every sample failed "no answer within the sample deadline ... after 0 attempts"
fake_start bigtimeout --answer rank
OPENAI_API_KEY=k OPENAI_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1" \
	expect_exit 0 "--timeout 1e16 runs: the timeout is as good as none" $R run "$T/llm.json" --db "$T/bt.db" -q --timeout 1e16
ok_if "... and its samples are answered" \
	[ "$(sqlite3 -readonly "$T/bt.db" "SELECT count(*) FROM samples WHERE status != 'error'" 2>/dev/null)" = 2 ]
kill "$FAKE_PID" 2>/dev/null

# --- --limit -1 was taken for "no --limit" (the value meaning it) and ran every user; it is a usage error
# as --limit 0 is
for v in -1 0; do
	one_line_error "--limit $v is a usage error" 2 "limit must be a positive whole number, not $v" \
		$R run "$T/u8.json" --db "$T/lim.db" -q --limit "$v"
done

# --- a server's error page that is not UTF-8 (a proxy's Latin-1 page) went to stderr and into the samples'
# error column as it came; what is not UTF-8 in it is U+FFFD now
cat >"$T/latin1_server.py" <<'PY'
import http.server, os, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = b"<html><h1>\xc9chec de la passerelle</h1></html>"
        self.send_response(400)
        self.send_header("Content-Type", "text/html; charset=iso-8859-1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1] + ".tmp", "w").write("%d\n" % s.server_address[1])
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
s.timeout = 30
while True:
    s.handle_request()
PY
rm -f "$T/latin1.port"
python3 "$T/latin1_server.py" "$T/latin1.port" &
lpid=$!
i=0; while [ ! -s "$T/latin1.port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
OPENAI_API_KEY=k OPENAI_BASE_URL="http://127.0.0.1:$(cat "$T/latin1.port")/v1" \
	$R run "$T/llm.json" --db "$T/l1.db" -q >/dev/null 2>"$T/l1.err"
rc=$?
kill $lpid 2>/dev/null
ok_if "a Latin-1 error page: the run fails (exit $rc, 4) naming it" sh -c "[ $rc = 4 ] && grep -q passerelle '$T/l1.err'"
strict_utf8 "... and stderr is UTF-8" "$T/l1.err"
sqlite3 -readonly "$T/l1.db" "SELECT error FROM samples" >"$T/l1.col" 2>/dev/null
strict_utf8 "... and so is the error stored with each sample" "$T/l1.col"

# --- a 503 without Retry-After: the wait that would pass the deadline is receval's own backoff, which the
# message called "the server asked to wait N s more"
printf '1-10000 503\n' >"$T/503.faults"
fake_start f503 --faults "$T/503.faults"
OPENAI_API_KEY=k OPENAI_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1" \
	$R run "$T/llm.json" --db "$T/f503.db" -q --attempts 100 --sample-deadline 2 >/dev/null 2>&1
kill "$FAKE_PID" 2>/dev/null
sqlite3 -readonly "$T/f503.db" "SELECT error FROM samples" >"$T/f503.err" 2>/dev/null
ok_if "a 503 without Retry-After ends at the deadline naming the backoff, not the server" \
	sh -c "[ \$(grep -c 'sample deadline (2 s)' '$T/f503.err') = 2 ] && ! grep -q 'server asked' '$T/f503.err'"

# --- a control byte in a suite's name, a task's name or a model spec went raw to the terminal (list, show):
# an ESC sequence there sets the terminal's title, clears it, or worse
esc_suite() { # esc_suite FILE NAME TASK MODEL DESCRIPTION
	printf '{"name": "%s", "description": "%s",\n"dataset": {"format": "csv", "path": "u8.csv"},\n"models": ["%s"],\n"tasks": [{"type": "retrieval", "k": 2, "name": "%s"}]}\n' \
		"$2" "$5" "$4" "$3" >"$T/$1"
}
esc_suite esc1.json 'x\u001b]0;pwned\u0007' r builtin:pop d
one_line_error "an ESC in the suite's name is exit 3 naming file:line" 3 "esc1.json:1: 'name' holds a control character" \
	$R run "$T/esc1.json" --db "$T/esc.db" -q
esc_suite esc2.json x 'r\u001b[2J' builtin:pop d
one_line_error "an ESC in a task's name is exit 3 naming file:line" 3 "esc2.json:4: 'name' must be .* control characters" \
	$R run "$T/esc2.json" --db "$T/esc.db" -q
esc_suite esc3.json x r 'exec:printf \u001b[2J' d
one_line_error "an ESC in a suite's model spec is refused, not echoed" 3 'model spec holds a control byte (0x1b at offset 12)' \
	$R run "$T/esc3.json" --db "$T/esc.db" -q
esc_suite esc4.json x r builtin:pop d
one_line_error "an ESC in --model is a usage error" 2 'model spec holds a control byte (0x1b' \
	$R run "$T/esc4.json" --db "$T/esc.db" -q --model "$(printf 'builtin:pop\033[2J')"
ok_if "... and nothing was stored, so list prints no ESC" sh -c "! $R list --db '$T/esc.db' 2>&1 | grep -q \"\$(printf '\\033')\""
esc_suite esc5.json x r builtin:pop 'two\nlines\tand a tab'
expect_exit 0 "a description may hold line feeds and tabs" $R run "$T/esc5.json" --db "$T/esc.db" -q

# --- a placeholder key (OPENAI_API_KEY=k, 'EMPTY', 'ollama': what local servers' guides set) was scrubbed
# from every message like a secret: "check OPENAI_API_KEY" became "chec[redacted] OPENAI_API_KEY"
fake_start shortkey --key right
OPENAI_API_KEY=k OPENAI_BASE_URL="http://127.0.0.1:$FAKE_PORT/v1" $R run "$T/llm.json" --db "$T/sk.db" -q >/dev/null 2>"$T/sk.err"
rc=$?
kill "$FAKE_PID" 2>/dev/null
ok_if "a one-letter key is no secret: the 401 message reads whole (exit $rc)" \
	sh -c "[ $rc = 4 ] && grep -q 'check OPENAI_API_KEY' '$T/sk.err' && ! grep -q redacted '$T/sk.err'"

# --- a key given twice in one suite object was read once and the other ignored without a word (cJSON keeps both
# and finds the first): now exit 3 naming the key and the line, at any depth
printf '{"name": "t",\n "dataset": {"format": "csv", "path": "h.csv"},\n "tasks": [\n  {"type": "retrieval", "k": 2},\n  {"type": "retrieval",\n   "k": 2, "name": "b",\n   "k": 5}\n ]\n}\n' >"$T/dup.json"
one_line_error "a key given twice in a task is exit 3 naming it and its line" 3 \
	"dup.json:6: 'k' is given twice in one object" $R run "$T/dup.json" --model builtin:pop --db "$T/dup.db" -q
printf '{"name": "t",\n "dataset": {"format": "csv",\n  "path": "h.csv", "path": "x.csv"}, "tasks": [{"type": "retrieval", "k": 2}]}\n' >"$T/dup2.json"
one_line_error "a dataset key given twice is exit 3 naming it and its line" 3 \
	"dup2.json:3: 'path' is given twice in one object" $R run "$T/dup2.json" --model builtin:pop --db "$T/dup.db" -q

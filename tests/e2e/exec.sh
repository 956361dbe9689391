#!/bin/sh
# exec.sh: receval chat driving exec: models (examples/echo_model.py and the fixtures in tests/fixtures/exec/).
. tests/e2e/lib.sh
R=$RECEVAL
case $R in /*) ;; *) R=$(pwd)/$R ;; esac
ECHO='exec:python3 examples/echo_model.py'
FIX='exec:python3 tests/fixtures/exec/model.py'

if ! $R chat -h >/dev/null 2>&1; then
	echo "not ok - exec adapter through receval chat: '$R chat -h' fails"
	exit 0
fi
if ! python3 -c '' >/dev/null 2>&1; then
	skip "exec adapter through receval chat" "python3 is not installed"
	exit 0
fi

# expect NAME FILE TEXT: FILE must equal TEXT
expect() {
	if printf '%s\n' "$3" | cmp -s - "$2"; then
		echo "ok - $1"
	else
		echo "not ok - $1"
		diff "$2" - <<END | sed 's/^/#   /' | head -n 10
$3
END
	fi
}

expect_exit 0 "chat with the example model exits 0" $R chat "$ECHO" hello
expect "the example model echoes" "$TMPDIR/out" "[1] ok: hello"

expect_exit 0 "a numbered candidate list" $R chat "$ECHO" "$(printf 'Rank these:\n1. Alpha\n2. Beta\n3. Gamma')"
expect "the example model answers the candidates in reverse" "$TMPDIR/out" "[1] ok: Gamma
Beta
Alpha"

printf 'one\ntwo\nthree\nfour\nfive\n' >"$TMPDIR/prompts"
expect_exit 0 "prompts from stdin, three copies" sh -c "$R chat '$ECHO' --concurrency 3 <'$TMPDIR/prompts'"
expect "answers printed in input order" "$TMPDIR/out" "[1] ok: one
[2] ok: two
[3] ok: three
[4] ok: four
[5] ok: five"
grep -q 'echo_model: ready' "$TMPDIR/err" && echo "ok - the model's stderr reaches receval's stderr" \
	|| echo "not ok - the model's stderr reaches receval's stderr"

expect_exit 0 "--system and --format jsonl" $R chat "$ECHO" --system "be brief" --format jsonl "a b c"
grep -q '"status":"ok","content":"a b c".*"finish_reason":"stop".*"attempts":1,.*"tokens_in":5,"tokens_out":3' \
	"$TMPDIR/out" && echo "ok - jsonl carries finish_reason, attempts and usage" \
	|| { echo "not ok - jsonl carries finish_reason, attempts and usage"; sed 's/^/#   /' "$TMPDIR/out"; }

expect_exit 0 "--embed" $R chat "$ECHO" --embed "first" "second"
expect "one 8-dimensional vector per prompt" "$TMPDIR/out" "[1] ok: 1 embedding(s) of 8 dimensions
[2] ok: 1 embedding(s) of 8 dimensions"

expect_exit 0 "params reach the program" $R chat "$FIX?temperature=0&seed=7" params
expect "params as strings, keys sorted" "$TMPDIR/out" '[1] ok: {"seed": "7", "temperature": "0"}'

expect_exit 4 "an error answer exits 4" $R chat "$FIX" error "echo:fine"
expect "the error text is the model's, the other prompt answered" "$TMPDIR/out" "[1] error: the model is sad
[2] ok: fine"

start=$(date +%s)
expect_exit 4 "a command that cannot start exits 4" $R chat 'exec:receval-no-such-program' hello
end=$(date +%s)
grep -q "exec: 'receval-no-such-program' exited with status 127 before answering" "$TMPDIR/out" \
	&& echo "ok - and says why" || { echo "not ok - and says why"; sed 's/^/#   /' "$TMPDIR/out"; }
[ $((end - start)) -le 3 ] && echo "ok - without hanging" || echo "not ok - without hanging ($((end - start)) s)"

# a model that writes its pid and then hangs: "; :" keeps the shell around sleep, so the timeout must kill the
# whole process group. A shell starts in milliseconds even on a loaded machine, where python may not get to
# write its pid within the 1 s timeout (the pid file would then be empty and the check below meaningless).
expect_exit 4 "a model that never answers times out, exit 4" \
	$R chat "exec:echo \$\$ >'$TMPDIR/pid'; sleep 1000; :" --timeout 1 --attempts 2 hello
grep -q "timed out after 2 attempts" "$TMPDIR/out" && echo "ok - timed out after 2 attempts" \
	|| { echo "not ok - timed out after 2 attempts"; sed 's/^/#   /' "$TMPDIR/out"; }
# gone: no such process, or a zombie waiting for init to reap it (give the kernel 2 s)
gone() {
	i=0
	while [ $i -lt 20 ]; do
		kill -0 "$1" 2>/dev/null || return 0
		state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
		[ "$state" = Z ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
pid=$(cat "$TMPDIR/pid" 2>/dev/null)
# group_alive PGID: a process of the group that is not a zombie (an orphan is reaped late in some containers)
group_alive() {
	ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}
if [ -n "$pid" ] && gone "$pid" && ! group_alive "$pid"; then
	echo "ok - the hung program is killed, not orphaned"
else
	echo "not ok - the hung program is killed, not orphaned (pid '$pid')"
	[ -n "$pid" ] && kill -9 -- "-$pid" 2>/dev/null
fi

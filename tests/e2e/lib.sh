# lib.sh: helpers sourced by the end-to-end scripts (not a test itself: run.sh skips files named lib.sh).
# check NAME CMD...: runs CMD, prints "ok - NAME" or "not ok - NAME".
check() {
	name=$1
	shift
	if "$@" >/dev/null 2>&1; then
		echo "ok - $name"
	else
		echo "not ok - $name"
	fi
}

# expect_exit CODE NAME CMD...: CMD must exit with CODE.
expect_exit() {
	code=$1
	name=$2
	shift 2
	"$@" >"$TMPDIR/out" 2>"$TMPDIR/err"
	rc=$?
	if [ "$rc" -eq "$code" ]; then
		echo "ok - $name"
	else
		echo "not ok - $name (exit $rc, expected $code)"
		sed 's/^/#   /' "$TMPDIR/err" | head -n 5
	fi
}

# skip NAME REASON
skip() {
	echo "ok - $1 # skip $2"
}

# ok_if NAME CONDITION-CMD...: "ok - NAME" when the command succeeds
ok_if() {
	name=$1
	shift
	if "$@"; then echo "ok - $name"; else echo "not ok - $name"; fi
}

# run_ids FILE: the run ids `receval run` printed
run_ids() { awk '/^run [0-9]+$/ {print $2}' "$1"; }

# shared_has NAME PATH: 0 when ../shared holds PATH. Else 1, after "ok - NAME # skip" when ../shared is
# absent, or "not ok - NAME" when it is there without PATH: a committed file that is missing is a failure.
shared_has() {
	if [ -z "$SHARED" ]; then
		skip "$1" "../shared is absent"
		return 1
	fi
	[ -e "$SHARED/$2" ] && return 0
	echo "not ok - $1 ($SHARED/$2 is missing)"
	return 1
}

# stored_samples DB: how many samples DB holds, read with the sqlite3 shell without writing (0 until it can be read)
stored_samples() {
	sn=$(sqlite3 -readonly "$1" 'SELECT count(*) FROM samples' 2>/dev/null)
	echo "${sn:-0}"
}

# stop_when_stored PID DB N: stop PID (SIGSTOP) once DB holds N samples or more. The count is read
# while PID is stopped, so it is still true when the caller signals it (then sends SIGCONT).
# 0: PID is stopped, or has exited, which the caller sees from the count; 1: the count did not
# come within 30 s, or the sqlite3 shell is missing (make deps installs it); PID is left running.
stop_when_stored() {
	if ! command -v sqlite3 >/dev/null 2>&1; then
		echo "# the sqlite3 shell is not installed (make deps installs it)"
		return 1
	fi
	si=0
	while [ $si -lt 1500 ]; do
		kill -STOP "$1" 2>/dev/null || return 0
		[ "$(stored_samples "$2")" -ge "$3" ] && return 0
		kill -CONT "$1" 2>/dev/null
		sleep 0.02
		si=$((si + 1))
	done
	return 1
}

# fake_start NAME ARGS...: start the fake OpenAI server ($BUILD/fake_server) with ARGS, its port file
# $TMPDIR/NAME.port and its stderr $TMPDIR/NAME.err; waits for the port (at most 5 s) and sets FAKE_PORT
# and FAKE_PID (also added to FAKE_PIDS, which fake_stop_all kills). No port: "not ok" and exit 1.
fake_start() {
	fs_name=$1
	shift
	rm -f "$TMPDIR/$fs_name.port"
	"$BUILD/fake_server" --port-file "$TMPDIR/$fs_name.port" "$@" 2>"$TMPDIR/$fs_name.err" &
	FAKE_PID=$!
	FAKE_PIDS="$FAKE_PIDS $FAKE_PID"
	fs_i=0
	# the port file comes within milliseconds: look often
	while [ ! -s "$TMPDIR/$fs_name.port" ] && [ $fs_i -lt 500 ]; do
		sleep 0.01
		fs_i=$((fs_i + 1))
	done
	FAKE_PORT=$(cat "$TMPDIR/$fs_name.port" 2>/dev/null)
	case "$FAKE_PORT" in
	'' | *[!0-9]*)
		echo "not ok - fake server $fs_name did not write its port within 5 s"
		sed 's/^/#   /' "$TMPDIR/$fs_name.err"
		exit 1 ;;
	esac
}

# fake_stop_all: stop every server fake_start started (for an EXIT trap).
fake_stop_all() {
	for fs_p in $FAKE_PIDS; do kill "$fs_p" 2>/dev/null; done
}

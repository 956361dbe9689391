#!/bin/sh
# run.sh: runs the unit tests and every end-to-end script in tests/e2e, a few at once, then prints "N passed, N failed, N skipped".
# Usage: sh tests/run.sh [BUILD_DIR]   (from the repository root; BUILD_DIR defaults to build)
# End-to-end scripts print "ok - NAME" / "not ok - NAME" / "ok - NAME # skip REASON" lines; they get
# RECEVAL (the binary), BUILD, SHARED (../shared or empty) and a private TMPDIR and RECEVAL_DB in the environment.
# RECEVAL_TEST_JOBS of them run at a time (default: processors + 1); each one's output is printed
# whole, once it has finished, in the same order every time (the unit tests, then tests/e2e by name).

BUILD=${1:-build}
ROOT=$(pwd)
passed=0
failed=0
skipped=0

if [ -f "$ROOT/../shared/DESIGN.md" ]; then
	SHARED=$(cd "$ROOT/../shared" && pwd)
else
	SHARED=""
	echo "# ../shared is absent: tests that need ML-100K or the golden files are skipped"
fi
export SHARED BUILD
export RECEVAL="$ROOT/receval"
[ -x "$ROOT/$BUILD/receval" ] && RECEVAL="$ROOT/$BUILD/receval"
export RECEVAL_SHARED="$SHARED"

JOBS=${RECEVAL_TEST_JOBS:-$(($(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) + 1))}
case $JOBS in '' | *[!0-9]* | 0) JOBS=1 ;; esac

count() {
	# $1: a file of test output
	p=$(grep -c '^ok ' "$1" | tr -d ' ')
	s=$(grep -c '^ok .*# skip' "$1" | tr -d ' ')
	f=$(grep -c '^not ok ' "$1" | tr -d ' ')
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
}

work=$(mktemp -d)
launcher=""
trap 'rm -rf "$work"' EXIT
trap '[ -n "$launcher" ] && kill "$launcher" 2>/dev/null; exit 130' INT TERM

# the jobs: "unit", then each end-to-end script by name (RECEVAL_TEST_ONLY="unit NAME...": only those)
names=unit
for t in tests/e2e/*.sh; do
	[ "$(basename "$t")" = lib.sh ] && continue
	names="$names $(basename "$t" .sh)"
done
if [ -n "$RECEVAL_TEST_ONLY" ]; then
	only=""
	for n in $names; do
		case " $RECEVAL_TEST_ONLY " in *" $n "*) only="$only $n" ;; esac
	done
	names=$only
fi

# ms: a clock in milliseconds, for the time each job took (empty where date has no %N)
ms() { date +%s%N 2>/dev/null | sed -n 's/^\([0-9]*\)[0-9]\{6\}$/\1/p'; }

# run_job NAME: its output in $work/NAME.out, its time in $work/NAME.ms, then its exit status in
# $work/NAME.rc (the sign it is done)
run_job() {
	t0=$(ms)
	if [ "$1" = unit ]; then
		(cd tests && "../$BUILD/unit-tests") >"$work/$1.out" 2>&1 3>&-
	else
		mkdir "$work/$1.tmp"
		(cd "$ROOT" && TMPDIR="$work/$1.tmp" RECEVAL_DB="$work/$1.tmp/receval.db" sh "tests/e2e/$1.sh") \
			>"$work/$1.out" 2>&1 3>&-
	fi
	echo $? >"$work/$1.rc.tmp"
	t1=$(ms)
	[ -n "$t0" ] && [ -n "$t1" ] && echo "$(((t1 - t0) / 1000)).$(((t1 - t0) % 1000 / 100)) s" >"$work/$1.ms"
	rm -rf "$work/$1.tmp"
	mv "$work/$1.rc.tmp" "$work/$1.rc"
}

# JOBS tokens in a FIFO: a job takes one to start and gives it back when it ends
mkfifo "$work/slots"
exec 3<>"$work/slots"
i=0
while [ $i -lt "$JOBS" ]; do
	echo >&3
	i=$((i + 1))
done
(
	for n in $names; do
		read -r _ <&3
		(run_job "$n"; echo >&3) &
	done
	wait
) &
launcher=$!

# the reports, in order, each as soon as its job is done
for n in $names; do
	while [ ! -f "$work/$n.rc" ]; do
		if ! kill -0 "$launcher" 2>/dev/null && [ ! -f "$work/$n.rc" ]; then
			echo "not ok - $n did not run"
			failed=$((failed + 1))
			continue 2
		fi
		sleep 0.05
	done
	rc=$(cat "$work/$n.rc")
	out=$work/$n.out
	took=$(cat "$work/$n.ms" 2>/dev/null)
	if [ "$n" = unit ]; then
		echo "# unit tests${took:+ ($took)}"
		grep -E '^(not ok|#)' "$out"
		tail -n 1 "$out"
	else
		echo "# e2e $n${took:+ ($took)}"
		grep -E '^(not ok|ok|#)' "$out"
	fi
	count "$out"
	if [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$out"; then
		if [ "$n" = unit ]; then
			echo "not ok - unit tests exited with $rc"
		else
			echo "not ok - $n exited with $rc"
			sed 's/^/#   /' "$out" | tail -n 20
		fi
		failed=$((failed + 1))
	fi
done
wait "$launcher"
exec 3>&-

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

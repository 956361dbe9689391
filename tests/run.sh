#!/bin/sh
# run.sh: runs the unit tests and every end-to-end script in tests/e2e, then prints "N passed, N failed".
# Usage: sh tests/run.sh [BUILD_DIR]   (from the repository root; BUILD_DIR defaults to build)
# End-to-end scripts print "ok - NAME" / "not ok - NAME" / "ok - NAME # skip REASON" lines; they get
# RECEVAL (the binary), BUILD, SHARED (../shared or empty) and a private TMPDIR in the environment.

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

count() {
	# $1: a file of test output
	p=$(grep -c '^ok ' "$1" | tr -d ' ')
	s=$(grep -c '^ok .*# skip' "$1" | tr -d ' ')
	f=$(grep -c '^not ok ' "$1" | tr -d ' ')
	passed=$((passed + p - s))
	skipped=$((skipped + s))
	failed=$((failed + f))
}

out=$(mktemp)
trap 'rm -f "$out"' EXIT

echo "# unit tests"
(cd tests && "../$BUILD/unit-tests") >"$out" 2>&1
rc=$?
grep -E '^(not ok|#)' "$out"
tail -n 1 "$out"
count "$out"
if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$out"; then
	echo "not ok - unit tests exited with $rc"
	failed=$((failed + 1))
fi

for t in tests/e2e/*.sh; do
	[ "$(basename "$t")" = lib.sh ] && continue
	name=$(basename "$t" .sh)
	tmp=$(mktemp -d)
	echo "# e2e $name"
	(cd "$ROOT" && TMPDIR="$tmp" RECEVAL_DB="$tmp/receval.db" sh "$t") >"$out" 2>&1
	rc=$?
	grep -E '^(not ok|ok|#)' "$out"
	count "$out"
	if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$out"; then
		echo "not ok - $name exited with $rc"
		sed 's/^/#   /' "$out" | tail -n 20
		failed=$((failed + 1))
	fi
	rm -rf "$tmp"
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

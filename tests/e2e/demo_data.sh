#!/bin/sh
# demo_data.sh: checks that suites/gen_demo regenerates the committed demo dataset byte for byte.
#
# Run from the repository root; BUILD names the build folder (build or
# build-san) holding gen_demo, TMPDIR a scratch folder.

BUILD=${BUILD:-build}
TMPDIR=${TMPDIR:-/tmp}
out="$TMPDIR/demo-data.$$"

fail() {
	echo "not ok - demo data regenerates byte for byte ($1)"
	rm -rf "$out"
	exit 1
}

[ -x "$BUILD/gen_demo" ] || fail "no $BUILD/gen_demo: run make $BUILD/gen_demo"
rm -rf "$out"
"$BUILD/gen_demo" "$out" 2>"$out.err" || { cat "$out.err" >&2; rm -f "$out.err"; fail "gen_demo failed"; }
rm -f "$out.err"
for f in items.csv interactions.csv; do
	[ -f "suites/demo/$f" ] || fail "suites/demo/$f is missing"
	cmp "$out/$f" "suites/demo/$f" >&2 ||
		fail "suites/demo/$f differs: run make demo-data and commit the result"
done
rm -rf "$out"
echo "ok - demo data regenerates byte for byte"

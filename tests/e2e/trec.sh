#!/bin/sh
# trec.sh: `receval trec` against trec_eval 10.0's own output (../shared/golden/trec, when present)
# and against the hand-worked cases of tests/fixtures/trec, byte for byte; then its errors and exit codes.
# Env: RECEVAL (the binary), SHARED (../shared or empty), TMPDIR (a scratch folder).

R=${RECEVAL:-./receval}
T=${TMPDIR:-/tmp}
FIX=tests/fixtures/trec
fails=0

ok() { echo "ok - $1"; }
not_ok() { echo "not ok - $1"; fails=$((fails + 1)); }

# run_cases NAME DIR: every DIR/caseN.args against DIR/qrels and DIR/run, compared with caseN.out
run_cases() {
	for args in "$2"/case*.args; do
		c=$(basename "$args" .args)
		label="$1 $c: $(cat "$args")"
		[ -s "$args" ] && [ -n "$(tr -d ' \n' <"$args")" ] || label="$1 $c: (official measures)"
		# shellcheck disable=SC2046 # the options are meant to split
		"$R" trec $(cat "$args") "$2/qrels" "$2/run" >"$T/out" 2>"$T/err"
		rc=$?
		if [ $rc -eq 0 ] && cmp -s "$T/out" "$2/$c.out"; then
			ok "$label"
		else
			not_ok "$label (exit $rc)"
			diff "$2/$c.out" "$T/out" | head -n 10 | sed 's/^/#   /'
			sed 's/^/#   /' "$T/err"
		fi
	done
}

if [ -z "$SHARED" ]; then
	ok "golden trec cases # skip ../shared is absent"
elif [ -d "$SHARED/golden/trec" ]; then
	for d in "$SHARED"/golden/trec/*/; do
		run_cases "golden $(basename "$d")" "${d%/}"
	done
else
	not_ok "golden trec cases: $SHARED/golden/trec is missing"
fi

run_cases fixture "$FIX"

# the run from stdin
"$R" trec -m map "$FIX/qrels" - <"$FIX/run" >"$T/out" 2>"$T/err"
if [ $? -eq 0 ] && printf 'map                   \tall\t0.5028\n' | cmp -s - "$T/out"; then
	ok "run read from stdin"
else
	not_ok "run read from stdin"
fi

# expect NAME CODE 'STDERR' ARGS...: exit code and the one-line message
expect() {
	name=$1 code=$2 msg=$3
	shift 3
	"$R" trec "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ $rc -eq "$code" ] && [ "$(cat "$T/err")" = "$msg" ] && [ ! -s "$T/out" ]; then
		ok "$name"
	else
		not_ok "$name (exit $rc, expected $code)"
		sed 's/^/#   /' "$T/err"
	fi
}

cd "$T" || exit 1
printf 'q1 0 d1 1\nq1 0 d2 0\n' >qrels
printf 'q1 Q0 d1 1 0.5 run\nq1 Q0 d2 1 0.5\n' >short
printf 'q1 Q0 d1 1 0.5 run\nq2 Q0 d1 2 0.4 run\nq1 Q0 d2 3 0.3 run\nq1 Q0 d1 4 0.2 run\n' >repeat
printf 'q1 Q0 d1 1 high run\n' >score
printf 'q1 0 d1 1\n# note\nq1 0 d1 0\n' >qrepeat
printf 'q1 0 d1 1 extra\n' >qlong
printf 'q1 0 d1 yes\n' >qrel
printf 'q9 Q0 d1 1 1 run\n' >other

expect "malformed run line: file and line" 3 "receval: short:2: malformed line: expected 'qid iter docno rank score runid'" qrels short
expect "document retrieved twice: the repeating line" 3 "receval: repeat:4: document 'd1' is retrieved twice for query 'q1'" qrels repeat
expect "score not a number" 3 "receval: score:1: score 'high' is not a number" qrels score
expect "document judged twice" 3 "receval: qrepeat:3: document 'd1' is judged twice for query 'q1'" qrepeat short
expect "malformed qrels line" 3 "receval: qlong:1: malformed line: expected 'qid iter docno rel'" qlong short
expect "judgement not a number" 3 "receval: qrel:1: relevance 'yes' is not a whole number" qrel short
expect "no query in common" 3 "receval: no queries with both results and relevance info" qrels other
expect "missing file" 3 "receval: cannot open 'absent': No such file or directory" qrels absent
expect "unknown measure" 2 "receval: unknown or unsupported measure 'nope'" -m nope qrels repeat
expect "cutoff 0" 2 "receval: cutoffs of measure 'P' must be positive" -m P.0,5 qrels repeat
expect "duplicate cutoffs" 2 "receval: duplicate cutoff 5 in measure 'recall'" -m recall.5,5 qrels repeat
expect "empty parameters" 2 "receval: measure 'ndcg_cut.' has an empty parameter list" -m ndcg_cut. qrels repeat
expect "malformed gains" 2 "receval: malformed gains '1=2,3' of measure 'ndcg' (expected REL=GAIN,...)" -m ndcg.1=2,3 qrels repeat
expect "negative -M" 2 "receval: option '-M' expects a number >= 0, not -1" -M -1 qrels repeat
expect "bad -l" 2 "receval: option '-l' expects a whole number, not 'two'" -l two qrels repeat
expect "one file only" 2 "receval: expected QRELS and RUN (see 'receval trec --help')" qrels
expect "unknown option" 2 "receval: unknown option '-J' (see --help)" -J qrels repeat

"$R" trec --help >"$T/out" 2>&1
if [ $? -eq 0 ] && grep -q '^usage: receval trec' "$T/out"; then
	ok "--help"
else
	not_ok "--help"
fi

[ $fails -eq 0 ]

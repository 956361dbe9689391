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

# run_cases NAME DIR: every DIR/caseN.args against DIR/qrels and DIR/run, compared with caseN.out.
# Without -c, trec_eval 10.0 stops at a qrels query the run lacks (see the test below), so such a
# case runs against the qrels of the queries the run has, which is what its caseN.out holds (the
# golden cases all use -c; fixture q3 is only in the qrels).
run_cases() {
	awk 'NR == FNR { if ($1 !~ /^#/) ran[$1] = 1; next } /^[ \t]*(#|$)/ || ($1 in ran)' \
		"$2/run" "$2/qrels" >"$T/qrels.ran"
	for args in "$2"/case*.args; do
		c=$(basename "$args" .args)
		label="$1 $c: $(cat "$args")"
		[ -s "$args" ] && [ -n "$(tr -d ' \n' <"$args")" ] || label="$1 $c: (official measures)"
		qrels="$2/qrels"
		grep -q -- '-c' "$args" || qrels="$T/qrels.ran"
		# shellcheck disable=SC2046 # the options are meant to split
		"$R" trec $(cat "$args") "$qrels" "$2/run" >"$T/out" 2>"$T/err"
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
# (the qrels of the run's queries: without -c, fixture q3 would stop trec_eval 10.0)
"$R" trec -m map "$T/qrels.ran" - <"$FIX/run" >"$T/out" 2>"$T/err"
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
expect "no query in common: the first qrels query is missing (trec_eval 10.0)" 4 \
	"receval: result qid 'q1' not found in qrels" qrels other
printf '# nothing judged\n' >qempty
expect "no qrels query at all" 3 "receval: no queries with both results and relevance info" qempty other
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

# A qrels query with no results in the run, without -c: trec_eval 10.0 prints no summary, names
# the qrels qid on stderr in its own (inverted) words and exits 4; receval used to average over
# the queries present and exit 0, as trec_eval 9 did.
printf '1 0 a 1\n2 0 b 1\n' >qmiss
printf '1 Q0 a 1 1 r\n' >rmiss
expect "qrels query without results: no summary, exit 4 (trec_eval 10.0)" 4 \
	"receval: result qid '2' not found in qrels" -m map qmiss rmiss
printf '1 0 a 1\n2 0 b 1\n3 0 c 1\n' >qmiss3
printf '1 Q0 a 1 1 r\n3 Q0 c 1 1 r\n' >rmiss3
"$R" trec -q -m map qmiss3 rmiss3 >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 4 ] && printf 'map                   \t1\t1.0000\n' | cmp -s - "$T/out" &&
	[ "$(cat "$T/err")" = "receval: result qid '2' not found in qrels" ]; then
	ok "-q, qrels query without results: the queries before it are printed, then exit 4"
else
	not_ok "-q, qrels query without results (exit $rc, expected 4)"
	sed 's/^/#   /' "$T/out" "$T/err"
fi
"$R" trec -c -m map -m num_q qmiss rmiss >"$T/out" 2>"$T/err"
if [ $? -eq 0 ] && printf 'num_q                 \tall\t2\nmap                   \tall\t0.5000\n' |
	cmp -s - "$T/out"; then
	ok "-c: a qrels query without results counts as 0"
else
	not_ok "-c: a qrels query without results counts as 0"
fi
cd "$OLDPWD" || exit 1
expect "fixture without -c: q3 is only in the qrels" 4 "receval: result qid 'q3' not found in qrels" \
	"$FIX/qrels" "$FIX/run"
cd "$T" || exit 1

"$R" trec --help >"$T/out" 2>&1
if [ $? -eq 0 ] && grep -q '^usage: receval trec' "$T/out"; then
	ok "--help"
else
	not_ok "--help"
fi

[ $fails -eq 0 ]

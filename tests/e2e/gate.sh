#!/bin/sh
# gate.sh: `receval gate` on demo runs: every rule form and operator, --significant with Holm, each exit code, JUnit and Markdown files.
. tests/e2e/lib.sh
R=$RECEVAL
case $R in /*) ;; *) R=$(pwd)/$R ;; esac
DB=$TMPDIR/g.db

# gate EXPECTED-EXIT NAME ARGS...: receval gate on $DB; stdout in $TMPDIR/out
gate() {
	code=$1
	name=$2
	shift 2
	expect_exit "$code" "gate: $name" $R gate --db "$DB" "$@"
}

# lines LABEL: the table's check lines that start with LABEL (PASS, FAIL, ERROR) in $TMPDIR/out
lines() { grep -c "^$1 " "$TMPDIR/out" | tr -d ' '; }

# value of TASK METRIC in run ID (the aggregate, full precision)
value() { $R show "$1" --db "$DB" --format csv | awk -F, -v t="$2" -v m="$3" '$3==t && $4==m {print $5}'; }

# the runs: pop and itemknn on the same samples, a second itemknn, and itemknn with 80 neighbours (a tiny change)
$R run suites/demo.json --model builtin:pop --model builtin:itemknn --db "$DB" -q >"$TMPDIR/r1" 2>&1
POP=$(run_ids "$TMPDIR/r1" | sed -n 1p)
KNN=$(run_ids "$TMPDIR/r1" | sed -n 2p)
$R run suites/demo.json --model builtin:itemknn --db "$DB" -q >"$TMPDIR/r2" 2>&1
KNN2=$(run_ids "$TMPDIR/r2")
$R run suites/demo.json --model 'builtin:itemknn?neighbors=80' --db "$DB" -q >"$TMPDIR/r3" 2>&1
KNN80=$(run_ids "$TMPDIR/r3")
if [ -n "$POP" ] && [ -n "$KNN" ] && [ -n "$KNN2" ] && [ -n "$KNN80" ]; then
	echo "ok - gate: four demo runs made ($POP $KNN $KNN2 $KNN80)"
else
	echo "not ok - gate: four demo runs made"
	sed 's/^/#   /' "$TMPDIR/r1" | tail -n 10
	exit 0
fi

# --- absolute rules ---------------------------------------------------------
gate 0 "absolute rule that holds in every task exits 0" --baseline "$KNN" --candidate "$KNN2" --rule 'ndcg@10>=0.2'
ok_if "gate: a rule without a task is one check per task that has the metric" \
	test "$(lines PASS)" -eq 2 -a "$(grep -cE '^PASS +ndcg@10>=0.2 +(retrieval|ranking) ' "$TMPDIR/out")" -eq 2
ok_if "gate: the summary line counts the checks" grep -q '^gate passed: 2 of 2 checks hold$' "$TMPDIR/out"
gate 1 "absolute rule failing in one task exits 1" --baseline "$KNN" --candidate "$POP" --rule 'ndcg@10>=0.30'
ok_if "gate: pop fails retrieval ndcg@10>=0.30 and passes ranking" \
	sh -c "grep -qE '^FAIL +ndcg@10>=0.30 +retrieval +0\.04' '$TMPDIR/out' && grep -qE '^PASS +ndcg@10>=0.30 +ranking ' '$TMPDIR/out'"
ok_if "gate: the failing summary line" grep -q "^gate failed: 1 of 2 checks failed: FAIL '[^']*' ([a-z]*)$" "$TMPDIR/out"
gate 0 "hallucination-style rate rule (<=) on a metric of one task" --baseline "$KNN" --candidate "$KNN" \
	--rule 'retrieval.precision@10<=0.5'

# every operator, on both sides of itemknn's retrieval recall@10
v=$(value "$KNN" retrieval recall@10)
lo=$(awk -v v="$v" 'BEGIN { printf "%.6f", v - 0.001 }')
hi=$(awk -v v="$v" 'BEGIN { printf "%.6f", v + 0.001 }')
for spec in ">=:$lo:0" ">=:$hi:1" ">:$lo:0" ">:$hi:1" "<=:$hi:0" "<=:$lo:1" "<:$hi:0" "<:$lo:1"; do
	op=${spec%%:*}
	rest=${spec#*:}
	th=${rest%%:*}
	code=${rest#*:}
	gate "$code" "operator '$op' against $th (recall@10 = $v) exits $code" --baseline "$KNN" --candidate "$KNN" \
		--rule "retrieval.recall@10$op$th"
done

# task-qualified rules make one check
gate 0 "task-qualified rule: ranking.ndcg@10>=0.30 on pop" --baseline "$KNN" --candidate "$POP" --rule 'ranking.ndcg@10>=0.30'
ok_if "gate: a task-qualified rule is one check" test "$(grep -cE '^(PASS|FAIL) ' "$TMPDIR/out")" -eq 1
gate 1 "task-qualified rule: retrieval.ndcg@10>=0.30 on pop" --baseline "$KNN" --candidate "$POP" --rule 'retrieval.ndcg@10>=0.30'

# --- relative rules -----------------------------------------------------------
gate 0 "delta rule, itemknn against a second itemknn (no change)" --baseline "$KNN" --candidate "$KNN2" \
	--rule 'delta:ndcg@10>=-0.01' --rule 'delta:recall@10>=0'
ok_if "gate: no-change delta is +0.0000 in all four checks" test "$(grep -cE '^PASS +delta:.* \+0\.0000 ' "$TMPDIR/out")" -eq 4
gate 1 "delta rule, pop against itemknn (a regression)" --baseline "$KNN" --candidate "$POP" --rule 'delta:ndcg@10>=-0.01'
d=$($R compare "$KNN" "$POP" --db "$DB" --format csv --metric retrieval.ndcg@10 | awk -F, 'NR == 2 {printf "%+.4f", $7}')
ok_if "gate: the delta is candidate - baseline, as compare prints it ($d)" \
	grep -qE "^FAIL +delta:ndcg@10>=-0.01 +retrieval +\\$d \\[" "$TMPDIR/out"
gate 0 "delta rule with <= holds for a drop" --baseline "$KNN" --candidate "$POP" --rule 'delta:ndcg@10<=0'
gate 0 "delta rule with < holds for a drop" --baseline "$KNN" --candidate "$POP" --rule 'delta:retrieval.ndcg@10<-0.1'
gate 1 "delta rule with > fails for a drop" --baseline "$KNN" --candidate "$POP" --rule 'delta:ranking.ndcg@10>0'
gate 0 "delta rule with > holds for a gain" --baseline "$POP" --candidate "$KNN" --rule 'delta:ndcg@10>0.1'
gate 0 "delta on a run-level metric compares the aggregates" --baseline "$KNN" --candidate "$KNN2" --rule 'delta:coverage@10>=0'
gate 0 "a run gated against itself" --baseline "$KNN" --candidate "$KNN" --rule 'delta:ndcg@10>=0' --rule 'ndcg@10>0'
gate 0 "'latest' names the newest run" --baseline "$KNN" --candidate latest --rule 'delta:ndcg@10>=-0.1'
ok_if "gate: 'latest' is run $KNN80" grep -q "candidate run $KNN80 " "$TMPDIR/out"

# --- --significant --------------------------------------------------------------
# 80 neighbours lose a little retrieval ndcg@10 (about -0.003, p about 0.5): a tight threshold is violated
gate 1 "tiny violated threshold fails without --significant" --baseline "$KNN" --candidate "$KNN80" \
	--rule 'delta:retrieval.ndcg@10>=-0.001'
gate 0 "tiny violated threshold, not significant, passes with --significant" --baseline "$KNN" --candidate "$KNN80" \
	--rule 'delta:retrieval.ndcg@10>=-0.001' --significant
ok_if "gate: the passing check says it was violated but not significant" \
	grep -qE '^PASS +delta:retrieval.ndcg@10>=-0.001 .*violated but not significant' "$TMPDIR/out"
gate 1 "large significant drop fails with --significant" --baseline "$KNN" --candidate "$POP" \
	--rule 'delta:ndcg@10>=-0.01' --significant
ok_if "gate: both tasks' drops are significant" test "$(grep -cE '^FAIL +delta:ndcg@10>=-0.01 .*violated and significant' "$TMPDIR/out")" -eq 2
gate 0 "--alpha 1e-30 makes the retrieval drop not significant (p about 1e-24)" --baseline "$KNN" --candidate "$POP" \
	--rule 'delta:retrieval.ndcg@10>=-0.01' --significant --alpha 1e-30
for t in wilcoxon permutation; do
	gate 1 "--significant with --test $t" --baseline "$KNN" --candidate "$POP" --rule 'delta:ndcg@10>=-0.01' \
		--significant --test $t --permutations 2000
done

# Holm over the relative rows the rules check: the same p_holm as compare with the same --metric family
gate 1 "four relative rows (Markdown for p_holm)" --baseline "$KNN" --candidate "$KNN80" \
	--rule 'delta:ndcg@10>=0' --rule 'delta:recall@10>=0' --rule 'ndcg@10>=0' --markdown "$TMPDIR/holm.md"
$R compare "$KNN" "$KNN80" --db "$DB" --format csv --metric ndcg@10 --metric recall@10 >"$TMPDIR/holm.csv" 2>/dev/null
# markdown rows: | mark | `rule` | task | measured | threshold | p | p (Holm) | note |
awk -F' [|] ' '/^\| .* `delta:/ { m = $2; sub(/^`delta:/, "", m); sub(/>=.*/, "", m); print $3 "," m "," $7 }' \
	"$TMPDIR/holm.md" | sort >"$TMPDIR/holm.gate"
awk -F, 'NR > 1 { printf "%s,%s,%.4f\n", $3, $4, $11 }' "$TMPDIR/holm.csv" | sort >"$TMPDIR/holm.cmp"
ok_if "gate: p_holm over the four delta rows equals compare's with --metric ndcg@10 --metric recall@10" \
	sh -c "[ \$(wc -l <'$TMPDIR/holm.gate') -eq 4 ] && cmp -s '$TMPDIR/holm.gate' '$TMPDIR/holm.cmp'"
[ -s "$TMPDIR/holm.gate" ] || sed 's/^/#   /' "$TMPDIR/holm.md" | head -n 12

# --- exit codes -----------------------------------------------------------------
for rule in 'ndcg@10=>0.3' 'ndcg@10>=abc' 'ndcg@10' 'delta:>=0' 'foo:ndcg@10>0' 'ndcg@10==0.3' '.ndcg@10>0'; do
	gate 2 "malformed rule '$rule' exits 2" --baseline "$KNN" --candidate "$POP" --rule "$rule"
	ok_if "gate: the message names the rule '$rule'" grep -qF "rule '$rule'" "$TMPDIR/err"
done
gate 2 "no --rule exits 2" --baseline "$KNN" --candidate "$POP"
gate 2 "no --baseline exits 2" --candidate "$POP" --rule 'ndcg@10>0'
gate 2 "a run id that is not a number exits 2" --baseline x --candidate "$POP" --rule 'ndcg@10>0'
gate 2 "--alpha 2 exits 2" --baseline "$KNN" --candidate "$POP" --rule 'ndcg@10>0' --alpha 2
gate 2 "unknown --test exits 2" --baseline "$KNN" --candidate "$POP" --rule 'ndcg@10>0' --test z
gate 2 "unknown flag exits 2" --baseline "$KNN" --candidate "$POP" --rule 'ndcg@10>0' --frobnicate
gate 3 "a metric in no task exits 3" --baseline "$KNN" --candidate "$POP" --rule 'ndcg@10>0' --rule 'nope@10>=0.3'
ok_if "gate: the message names the unknown metric's rule" grep -qF "rule 'nope@10>=0.3': candidate run $POP has no metric 'nope@10'" "$TMPDIR/err"
gate 3 "a typo in the task exits 3" --baseline "$KNN" --candidate "$POP" --rule 'rankng.ndcg@10>0'
gate 3 "a metric the task lacks exits 3" --baseline "$KNN" --candidate "$POP" --rule 'ranking.ndcg@20>0'
gate 3 "a typo in a delta rule exits 3" --baseline "$KNN" --candidate "$POP" --rule 'delta:ndgc@10>=0'
gate 3 "a failing rule and an unknown metric exit 3, not 1" --baseline "$KNN" --candidate "$POP" \
	--rule 'ndcg@10>=0.9' --rule 'nope>0'
gate 3 "a missing baseline run exits 3" --baseline 999 --candidate "$POP" --rule 'ndcg@10>0'
gate 3 "a missing candidate run exits 3" --baseline "$KNN" --candidate 999 --rule 'ndcg@10>0'
expect_exit 5 "gate: a missing database exits 5" $R gate --db "$TMPDIR/none.db" --baseline 1 --candidate 2 --rule 'ndcg@10>0'
ok_if "gate: a missing database is not created" test ! -e "$TMPDIR/none.db"
printf 'not a database, just text\n%.0s' 1 2 3 4 5 6 7 8 9 10 >"$TMPDIR/junk.db"
expect_exit 5 "gate: an unreadable database exits 5" $R gate --db "$TMPDIR/junk.db" --baseline 1 --candidate 2 --rule 'ndcg@10>0'

# --- JUnit ----------------------------------------------------------------------
J=$TMPDIR/gate.xml
gate 1 "JUnit: five rules, seven checks" --baseline "$KNN" --candidate "$POP" --junit "$J" \
	--rule 'ndcg@10>=0.30' --rule 'delta:ndcg@10>=-0.01' --rule 'ranking.hit@5>0.4' --rule 'recall@10<0.99' \
	--rule 'delta:coverage@10>=-0.05'
checks=$(grep -cE '^(PASS|FAIL|ERROR) ' "$TMPDIR/out")
fails=$(lines FAIL)
if command -v xmllint >/dev/null 2>&1; then
	x() { xmllint --xpath "$1" "$J" 2>/dev/null; }
	ok_if "gate: JUnit parses (xmllint --noout)" xmllint --noout "$J"
	ok_if "gate: JUnit root is testsuites > testsuite" test "$(x 'count(/testsuites/testsuite)')" = 1
	ok_if "gate: JUnit has one testcase per check ($checks)" test "$(x 'count(/testsuites/testsuite/testcase)')" = "$checks"
	ok_if "gate: JUnit tests= is the number of checks" \
		test "$(x 'string(/testsuites/testsuite/@tests)')" = "$checks" -a "$(x 'string(/testsuites/@tests)')" = "$checks"
	ok_if "gate: JUnit failures= is the number of failed checks ($fails)" \
		test "$(x 'string(/testsuites/testsuite/@failures)')" = "$fails" -a "$(x 'count(//testcase/failure)')" = "$fails"
	ok_if "gate: JUnit errors=0, skipped=0, time= and timestamp= present" \
		test "$(x 'string(/testsuites/testsuite/@errors)')" = 0 -a "$(x 'string(/testsuites/testsuite/@skipped)')" = 0 \
		-a -n "$(x 'string(/testsuites/testsuite/@time)')" -a -n "$(x 'string(/testsuites/testsuite/@timestamp)')"
	ok_if "gate: every JUnit testsuite and testcase has a name" \
		test "$(x 'count(//testsuite[not(@name)] | //testcase[not(@name) or not(@classname)])')" = 0
	ok_if "gate: every failure has a message with the value, threshold and p" \
		test "$(x 'count(//failure[not(contains(@message, "threshold")) or not(contains(@message, "p"))])')" = 0 \
		-a "$(x 'count(//failure[@message != ""])')" = "$fails"
	ok_if "gate: a relative failure's message holds the delta and p_holm" \
		test "$(x 'count(//testcase[@name="delta:ndcg@10>=-0.01"]/failure[contains(@message, "delta") and contains(@message, "p_holm = ")])')" = 2
	ok_if "gate: classname is receval.gate.TASK, name the rule" \
		test "$(x 'count(//testcase[@classname="receval.gate.ranking" and @name="ranking.hit@5>0.4"])')" = 1
	ok_if "gate: '<' in a rule is escaped in the file" grep -q 'name="recall@10&lt;0.99"' "$J"
	ok_if "gate: properties name both runs" \
		test "$(x 'string(//property[@name="baseline"]/@value)')" = "$KNN" -a "$(x 'string(//property[@name="candidate_model"]/@value)')" = builtin:pop
	gate 3 "JUnit is written when a rule cannot be checked, as an error" --baseline "$KNN" --candidate "$POP" \
		--junit "$TMPDIR/err.xml" --rule 'ndcg@10>0' --rule "n&\"o'pe<0"
	E=$TMPDIR/err.xml
	ok_if "gate: JUnit error case parses, errors=1, one error element with a message" \
		test "$(xmllint --noout "$E" 2>&1; xmllint --xpath 'string(/testsuites/testsuite/@errors)' "$E" 2>/dev/null)" = 1 \
		-a "$(xmllint --xpath 'count(//testcase/error[@message])' "$E" 2>/dev/null)" = 1
	ok_if "gate: & \" ' < in a rule are escaped in the JUnit file" grep -qF 'name="n&amp;&quot;o&apos;pe&lt;0"' "$E"
	expect_exit 6 "gate: an unwritable --markdown path exits 6" $R gate --db "$DB" --baseline "$KNN" --candidate "$POP" \
		--rule 'ndcg@10>0.9' --markdown "$TMPDIR/no/such/dir/m.md"
	gate 0 "JUnit of a passing gate" --baseline "$KNN" --candidate "$KNN2" --junit "$TMPDIR/pass.xml" --rule 'delta:ndcg@10>=0'
	ok_if "gate: passing JUnit has failures=0 and no failure element" \
		sh -c "xmllint --noout '$TMPDIR/pass.xml' && [ \"\$(xmllint --xpath 'count(//failure)' '$TMPDIR/pass.xml')\" = 0 ] &&
		       grep -q 'failures=\"0\"' '$TMPDIR/pass.xml'"
else
	skip "gate: JUnit checks" "xmllint is not installed (make deps installs libxml2-utils)"
fi
expect_exit 6 "gate: an unwritable --junit path exits 6 (as report's -o)" $R gate --db "$DB" --baseline "$KNN" --candidate "$KNN2" \
	--rule 'ndcg@10>0' --junit "$TMPDIR/no/such/dir/j.xml"

# --- Markdown -------------------------------------------------------------------
M=$TMPDIR/gate.md
gate 1 "Markdown summary" --baseline "$KNN" --candidate "$POP" --markdown "$M" \
	--rule 'ndcg@10>=0.30' --rule 'delta:ndcg@10>=-0.01' --rule 'recall@10<0.99'
checks=$(grep -cE '^(PASS|FAIL|ERROR) ' "$TMPDIR/out")
ok_if "gate: Markdown has the checks' header row and separator" \
	sh -c "grep -q '^| | rule | task | measured | threshold | p | p (Holm) | note |\$' '$M' && grep -q '^| :-: | --- |' '$M'"
rows=$(grep -cE '^\| (✅|❌|⚠️) \|' "$M")
ok_if "gate: Markdown has one row per check ($rows of $checks)" test "$rows" -eq "$checks"
ok_if "gate: Markdown rows have the same number of cells as the header" \
	awk '/^\| (✅|❌)/ { line = $0; gsub(/\\\|/, "", line); n = gsub(/\|/, "", line); if (n != 9) bad = 1 } END { exit bad }' "$M"
ok_if "gate: Markdown names both runs and models" \
	sh -c "grep -qE '^\| baseline \| $KNN \| \`builtin:itemknn\` \|' '$M' && grep -qE '^\| candidate \| $POP \| \`builtin:pop\` \|' '$M'"
ok_if "gate: Markdown heading says failed" grep -q '^### receval gate: ❌ failed: ' "$M"

# a model spec with '|' (and a task name with '_') is escaped in its cell: edit a copy of the store
if command -v sqlite3 >/dev/null 2>&1; then
	cp "$DB" "$TMPDIR/pipe.db"
	sqlite3 "$TMPDIR/pipe.db" "UPDATE runs SET model = 'exec:a|b' WHERE id = $POP;
		UPDATE run_metrics SET task = 'my_task' WHERE task = 'ranking' AND run_id IN ($POP, $KNN)"
	expect_exit 0 "gate: Markdown of a model spec holding '|'" $R gate --db "$TMPDIR/pipe.db" --baseline "$KNN" \
		--candidate "$POP" --markdown "$M" --rule 'my_task.ndcg@10>=0'
	ok_if "gate: '|' in a model spec is escaped as \\|" grep -qF '`exec:a\|b`' "$M"
	ok_if "gate: '_' in a task name is escaped" grep -qF '| my\_task |' "$M"
else
	skip "gate: '|' in a model spec is escaped" "no sqlite3 program to edit a copy of the store"
fi

# --- the shared preamble and output files -------------------------------------------
gate 2 "a positional argument exits 2" extra --baseline "$KNN" --candidate "$POP" --rule 'ndcg@10>0'
ok_if "gate: the message names the stray argument" grep -qF "gate takes no positional argument ('extra')" "$TMPDIR/err"
# '-' is standard output for --markdown, as for report -o - and export -o - (it used to make a file named '-')
(cd "$TMPDIR" && $R gate --db "$DB" --baseline "$KNN" --candidate "$KNN2" --rule 'ndcg@10>=0' --markdown - \
	>"$TMPDIR/md.out" 2>/dev/null)
ok_if "gate: --markdown - prints the summary after the table" \
	sh -c "grep -q '^gate passed: ' '$TMPDIR/md.out' && grep -q '^### receval gate: ✅ passed: ' '$TMPDIR/md.out' && test ! -e '$TMPDIR/-'"

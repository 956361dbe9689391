#!/bin/sh
# compare.sh: `receval compare` on demo runs: significance, identical runs, JSON/CSV shapes, overlap, errors, width; ML-100K.
. tests/e2e/lib.sh
R=$RECEVAL
case $R in /*) ;; *) R=$(pwd)/$R ;; esac
DB=$TMPDIR/c.db

# the runs: pop and itemknn together (same samples), a second itemknn, a partial one, two disjoint shards
$R run suites/demo.json --model builtin:pop --model builtin:itemknn --db "$DB" -q >"$TMPDIR/r1" 2>&1
POP=$(run_ids "$TMPDIR/r1" | sed -n 1p)
KNN=$(run_ids "$TMPDIR/r1" | sed -n 2p)
$R run suites/demo.json --model builtin:itemknn --db "$DB" -q >"$TMPDIR/r2" 2>&1
KNN2=$(run_ids "$TMPDIR/r2")
$R run suites/demo.json --model builtin:itemknn --limit 100 --db "$DB" -q >"$TMPDIR/r3" 2>&1
PART=$(run_ids "$TMPDIR/r3")
$R run suites/demo.json --model builtin:itemknn --shard 0/2 --db "$DB" -q >"$TMPDIR/r4" 2>&1
S0=$(run_ids "$TMPDIR/r4")
$R run suites/demo.json --model builtin:itemknn --shard 1/2 --db "$DB" -q >"$TMPDIR/r5" 2>&1
S1=$(run_ids "$TMPDIR/r5")
if [ -n "$POP" ] && [ -n "$KNN" ] && [ -n "$KNN2" ] && [ -n "$PART" ] && [ -n "$S0" ] && [ -n "$S1" ]; then
	echo "ok - compare: six demo runs made ($POP $KNN $KNN2 $PART $S0 $S1)"
else
	echo "not ok - compare: six demo runs made"
	cat "$TMPDIR/r1" "$TMPDIR/r2" | sed 's/^/#   /' | tail -n 10
	exit 0
fi

# CSV columns: 1 a, 2 b, 3 task, 4 metric, 5 mean_a, 6 mean_b, 7 delta, 8 ci_low, 9 ci_high,
# 10 p, 11 p_holm, 12 wins, 13 ties, 14 losses, 15 significant
row() { awk -F, -v t="$2" -v m="$3" '$3==t && $4==m' "$1"; }

# pop against itemknn: a real difference
expect_exit 0 "compare: pop vs itemknn exits 0 (csv)" $R compare "$POP" "$KNN" --db "$DB" --format csv
cp "$TMPDIR/out" "$TMPDIR/pk.csv"
r=$(row "$TMPDIR/pk.csv" retrieval ndcg@10)
ok_if "compare: pop vs itemknn significant on retrieval ndcg@10 ($r)" \
	sh -c "echo '$r' | awk -F, '{ exit !(\$15==\"true\" && \$7 > 0 && \$12 > \$14 && \$11 < 0.05 && \$8 > 0) }'"
head -n 1 "$TMPDIR/pk.csv" | grep -qx 'a,b,task,metric,mean_a,mean_b,delta,ci_low,ci_high,p,p_holm,wins,ties,losses,significant' &&
	echo "ok - compare: csv header" || echo "not ok - compare: csv header"
ok_if "compare: p_holm >= p and <= 1 on every row, delta = mean_b - mean_a" \
	awk -F, 'NR > 1 && $10 != "" && $10 + 0 > 1e-300 { if ($11 < $10 - 1e-15 || $11 > 1) bad = 1; d = $6 - $5 - $7; if (d > 1e-12 || d < -1e-12) bad = 1 } END { exit bad }' "$TMPDIR/pk.csv"
ok_if "compare: wins + ties + losses = 500 on every row" \
	awk -F, 'NR > 1 { if ($12 + $13 + $14 != 500) bad = 1 } END { exit bad || NR < 2 }' "$TMPDIR/pk.csv"
ok_if "compare: rows ordered retrieval then ranking, ndcg before recall" \
	sh -c "awk -F, 'NR > 1 {print \$3}' '$TMPDIR/pk.csv' | uniq | tr '\n' ' ' | grep -qx 'retrieval ranking ' &&
	       awk -F, 'NR > 1 && \$3 == \"retrieval\" {print \$4}' '$TMPDIR/pk.csv' | head -n 4 | tr '\n' ' ' | grep -qx 'ndcg@1 ndcg@5 ndcg@10 ndcg@20 '"

# the table: header names both runs, the mark, 100 columns
expect_exit 0 "compare: table exits 0" $R compare "$POP" "$KNN" --db "$DB"
cp "$TMPDIR/out" "$TMPDIR/pk.txt"
head -n 1 "$TMPDIR/pk.txt" | grep -q "run $POP builtin:pop.*run $KNN builtin:itemknn" &&
	echo "ok - compare: table header names both runs" || echo "not ok - compare: table header names both runs"
grep -E '^retrieval +ndcg@10 ' "$TMPDIR/pk.txt" | grep -q '\*$' &&
	echo "ok - compare: table marks retrieval ndcg@10" || echo "not ok - compare: table marks retrieval ndcg@10"
w=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$TMPDIR/pk.txt")
[ "$w" -le 100 ] && echo "ok - compare: table lines fit 100 columns ($w)" || echo "not ok - compare: table lines fit 100 columns ($w)"
$R compare "$POP" "$KNN" --db "$DB" >"$TMPDIR/pk2.txt" 2>/dev/null
[ -s "$TMPDIR/pk.txt" ] && cmp -s "$TMPDIR/pk.txt" "$TMPDIR/pk2.txt" && echo "ok - compare: reruns print the same table" ||
	echo "not ok - compare: reruns print the same table"

# the other tests
for t in wilcoxon permutation; do
	expect_exit 0 "compare: --test $t exits 0" $R compare "$POP" "$KNN" --db "$DB" --format csv --test $t --permutations 2000
	r=$(row "$TMPDIR/out" retrieval ndcg@10)
	ok_if "compare: --test $t finds retrieval ndcg@10 significant" \
		sh -c "echo '$r' | awk -F, '{ exit !(\$15==\"true\") }'"
done
$R compare "$POP" "$KNN" --db "$DB" --format csv --test permutation --permutations 2000 >"$TMPDIR/perm2.csv" 2>/dev/null
[ -s "$TMPDIR/out" ] && cmp -s "$TMPDIR/out" "$TMPDIR/perm2.csv" && echo "ok - compare: the permutation test is seeded" ||
	echo "not ok - compare: the permutation test is seeded"

# two itemknn runs of one seed: no difference anywhere
expect_exit 0 "compare: itemknn vs itemknn exits 0" $R compare "$KNN" "$KNN2" --db "$DB" --format csv
ok_if "compare: itemknn vs itemknn: delta 0, p undefined, nothing significant" \
	awk -F, 'NR > 1 { if ($7 != 0 || $10 != "" || $11 != "" || $15 != "false" || $14 != 0 || $12 != 0) bad = 1 } END { exit bad || NR < 2 }' "$TMPDIR/out"
expect_exit 0 "compare: itemknn vs itemknn table" $R compare "$KNN" "$KNN2" --db "$DB"
grep -E '^retrieval +ndcg@10 ' "$TMPDIR/out" | grep -qv '\*' && ! grep -q '\*$' "$TMPDIR/out" &&
	echo "ok - compare: identical runs: no mark in the table" || echo "not ok - compare: identical runs: no mark in the table"
for t in wilcoxon permutation; do
	expect_exit 0 "compare: identical runs, --test $t" $R compare "$KNN" "$KNN2" --db "$DB" --format csv --test $t --permutations 2000
	ok_if "compare: identical runs, --test $t: nothing significant" \
		awk -F, 'NR > 1 { if ($15 != "false") bad = 1 } END { exit bad || NR < 2 }' "$TMPDIR/out"
done

# JSON shape (DESIGN.md)
expect_exit 0 "compare: json exits 0" $R compare "$POP" "$KNN" --db "$DB" --format json
cp "$TMPDIR/out" "$TMPDIR/pk.json"
$R compare "$KNN" "$KNN2" --db "$DB" --format json >"$TMPDIR/kk.json" 2>/dev/null
if command -v python3 >/dev/null 2>&1; then
	python3 - "$TMPDIR/pk.json" "$TMPDIR/kk.json" "$POP" "$KNN" <<'PY' && echo "ok - compare: json has the DESIGN.md shape" || echo "not ok - compare: json has the DESIGN.md shape"
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["a", "b", "test", "alpha", "samples", "metrics"], list(d)
assert d["a"] == int(sys.argv[3]) and d["b"] == int(sys.argv[4]), (d["a"], d["b"])
assert d["test"] == "t" and d["alpha"] == 0.05 and d["samples"] == 1000, d
keys = ["task", "metric", "mean_a", "mean_b", "delta", "ci_low", "ci_high", "p", "p_holm",
        "wins", "ties", "losses", "significant"]
assert d["metrics"], "no rows"
for m in d["metrics"]:
    assert list(m) == keys, list(m)
    assert isinstance(m["significant"], bool)
    assert m["ci_low"] <= m["delta"] <= m["ci_high"], m
    assert m["wins"] + m["ties"] + m["losses"] == 500, m
nd = [m for m in d["metrics"] if m["task"] == "retrieval" and m["metric"] == "ndcg@10"][0]
assert nd["significant"] and nd["wins"] > nd["losses"] and nd["p_holm"] < 0.05, nd
k = json.load(open(sys.argv[2]))
for m in k["metrics"]:
    assert m["delta"] == 0 and m["p"] is None and m["p_holm"] is None and not m["significant"], m
PY
else
	skip "compare: json has the DESIGN.md shape" "python3 is absent"
fi

# partial overlap: the first 100 sampled users against all 500
expect_exit 0 "compare: partial overlap exits 0" $R compare "$PART" "$KNN" --db "$DB" --format csv
n=$(awk -F, 'NR > 1 { print $12 + $13 + $14 }' "$TMPDIR/out" | sort -u | tr '\n' ' ')
[ "$n" = "100 " ] && echo "ok - compare: partial overlap compares 100 samples per task" ||
	echo "not ok - compare: partial overlap compares 100 samples per task ($n)"
c=$(grep -c "comparing the 100 samples both runs scored; left out 0 of run $PART and 400 of run $KNN" "$TMPDIR/err")
[ "$c" -eq 2 ] && echo "ok - compare: partial overlap says what was left out, per task" ||
	{ echo "not ok - compare: partial overlap says what was left out, per task"; sed 's/^/#   /' "$TMPDIR/err"; }
$R compare "$PART" "$KNN" --db "$DB" --format json 2>/dev/null | grep -q '"samples":[[:space:]]*200,' &&
	echo "ok - compare: partial overlap: samples is 200 (100 x 2 tasks)" ||
	echo "not ok - compare: partial overlap: samples is 200 (100 x 2 tasks)"

# no overlap, and errors
expect_exit 3 "compare: disjoint shards exit 3" $R compare "$S0" "$S1" --db "$DB"
grep -q 'no sample in common' "$TMPDIR/err" && echo "ok - compare: disjoint shards: the message says why" ||
	echo "not ok - compare: disjoint shards: the message says why"
[ ! -s "$TMPDIR/out" ] && echo "ok - compare: disjoint shards print nothing on stdout" ||
	echo "not ok - compare: disjoint shards print nothing on stdout"
expect_exit 2 "compare: --alpha 0 exits 2" $R compare "$POP" "$KNN" --db "$DB" --alpha 0
expect_exit 2 "compare: --alpha 1 exits 2" $R compare "$POP" "$KNN" --db "$DB" --alpha 1
expect_exit 2 "compare: --alpha 1.5 exits 2" $R compare "$POP" "$KNN" --db "$DB" --alpha 1.5
expect_exit 2 "compare: --alpha abc exits 2" $R compare "$POP" "$KNN" --db "$DB" --alpha abc
expect_exit 2 "compare: unknown --test exits 2" $R compare "$POP" "$KNN" --db "$DB" --test z
expect_exit 2 "compare: --permutations 0 exits 2" $R compare "$POP" "$KNN" --db "$DB" --test permutation --permutations 0
expect_exit 2 "compare: unknown --format exits 2" $R compare "$POP" "$KNN" --db "$DB" --format xml
expect_exit 2 "compare: one run id exits 2" $R compare "$POP" --db "$DB"
expect_exit 2 "compare: a run id that is no number exits 2" $R compare "$POP" abc --db "$DB"
expect_exit 3 "compare: an unknown run exits 3" $R compare "$POP" 999 --db "$DB"
grep -q 'no run 999' "$TMPDIR/err" && echo "ok - compare: the unknown run is named" || echo "not ok - compare: the unknown run is named"
expect_exit 5 "compare: a missing database exits 5" $R compare 1 2 --db "$TMPDIR/none.db"
[ ! -e "$TMPDIR/none.db" ] && echo "ok - compare: does not create a database" || echo "not ok - compare: does not create a database"
# (awk reads no p below 1e-300 reliably, and popularity metrics such as aplt reach p = 0: ndcg only)
expect_exit 0 "compare: --alpha 1e-300 marks nothing" $R compare "$POP" "$KNN" --db "$DB" --format csv --alpha 1e-300 -m ndcg@10 -m ndcg@5
ok_if "compare: --alpha 1e-300: no row significant" \
	awk -F, 'NR > 1 && $15 == "true" { bad = 1 } END { exit bad }' "$TMPDIR/out"

# ML-100K: pop against itemknn and ease, and itemknn against itself
shared_has "compare: ml-100k pop vs itemknn" data/ml-100k/u.data || exit 0
cat >"$TMPDIR/ml.json" <<JSON
{"name": "ml100k-compare", "dataset": {"format": "movielens", "path": "$SHARED/data/ml-100k"},
 "split": {"strategy": "leave-last-out"},
 "sample": {"users": "all"},
 "tasks": [{"type": "retrieval", "k": [10]}]}
JSON
ML=$TMPDIR/ml.db
$R run "$TMPDIR/ml.json" --model builtin:pop --model builtin:itemknn --model builtin:ease --db "$ML" -q >"$TMPDIR/m1" 2>&1
MP=$(run_ids "$TMPDIR/m1" | sed -n 1p)
MK=$(run_ids "$TMPDIR/m1" | sed -n 2p)
ME=$(run_ids "$TMPDIR/m1" | sed -n 3p)
$R run "$TMPDIR/ml.json" --model builtin:itemknn --db "$ML" -q >"$TMPDIR/m2" 2>&1
MK2=$(run_ids "$TMPDIR/m2")
if [ -z "$MP" ] || [ -z "$MK" ] || [ -z "$ME" ] || [ -z "$MK2" ]; then
	echo "not ok - compare: ml-100k runs"
	sed 's/^/#   /' "$TMPDIR/m1" | tail -n 5
	exit 0
fi
expect_exit 0 "compare: ml-100k pop vs itemknn exits 0" $R compare "$MP" "$MK" --db "$ML" --format csv
r=$(row "$TMPDIR/out" retrieval ndcg@10)
ok_if "compare: ml-100k itemknn is ahead of pop on ndcg@10, all 943 users paired" \
	sh -c "echo '$r' | awk -F, '{ exit !(\$7 > 0 && \$12 > \$14 && \$12 + \$13 + \$14 == 943) }'"
# The headline metric, chosen in advance, is its own Holm family: significant
expect_exit 0 "compare: ml-100k pop vs itemknn on ndcg@10 alone exits 0" \
	$R compare "$MP" "$MK" --db "$ML" --format csv --metric ndcg@10
r=$(row "$TMPDIR/out" retrieval ndcg@10)
ok_if "compare: ml-100k pop vs itemknn significant on ndcg@10 ($r)" \
	sh -c "echo '$r' | awk -F, '{ exit !(\$15 == \"true\" && \$10 < 0.05) }'"
[ "$(wc -l <"$TMPDIR/out")" -eq 2 ] && echo "ok - compare: --metric keeps one row" || echo "not ok - compare: --metric keeps one row"
expect_exit 3 "compare: a --metric that names nothing exits 3" $R compare "$MP" "$MK" --db "$ML" --metric ndcg@11
expect_exit 0 "compare: ml-100k pop vs ease exits 0" $R compare "$MP" "$ME" --db "$ML" --format csv
r=$(row "$TMPDIR/out" retrieval ndcg@10)
ok_if "compare: ml-100k pop vs ease significant on ndcg@10 ($r)" \
	sh -c "echo '$r' | awk -F, '{ exit !(\$15==\"true\" && \$7 > 0 && \$12 > \$14 && \$12 + \$13 + \$14 == 943) }'"
expect_exit 0 "compare: ml-100k itemknn vs itemknn exits 0" $R compare "$MK" "$MK2" --db "$ML" --format csv
ok_if "compare: ml-100k itemknn vs itemknn: not different" \
	awk -F, 'NR > 1 { if ($7 != 0 || $15 != "false") bad = 1 } END { exit bad || NR < 2 }' "$TMPDIR/out"
expect_exit 0 "compare: ml-100k table" $R compare "$MP" "$MK" --db "$ML"
w=$(awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }' "$TMPDIR/out")
[ "$w" -le 100 ] && echo "ok - compare: ml-100k table fits 100 columns ($w)" || echo "not ok - compare: ml-100k table fits 100 columns ($w)"

# W/T/L count better/equal/worse by the metric's direction (metrics/registry.h): on a failure rate the run
# that fails less wins, on full_list_rate the run that lists more. Three exec models on the same samples:
# the echo model, one that lists 3 of the candidates, one that answers nothing readable to half the prompts.
if command -v python3 >/dev/null 2>&1; then
	LL=$TMPDIR/wtl.db
	sed 's/return "\\n".join(reversed(titles))/return "\\n".join(reversed(titles[:3]))/' examples/echo_model.py >"$TMPDIR/three.py"
	sed 's/return "\\n".join(reversed(titles))/return "" if len(prompt) % 2 else "\\n".join(reversed(titles))/' \
		examples/echo_model.py >"$TMPDIR/flaky.py"
	cat >"$TMPDIR/wtl.json" <<JSON
{"name": "wtl", "dataset": {"format": "csv", "path": "$(pwd)/suites/demo/interactions.csv", "items": "$(pwd)/suites/demo/items.csv"},
 "split": {"strategy": "leave-last-out", "max_history": 10}, "sample": {"users": 40, "seed": 3},
 "tasks": [{"type": "ranking", "candidates": 10, "k": [1, 5, 10]}]}
JSON
	$R run "$TMPDIR/wtl.json" --model "exec:python3 $(pwd)/examples/echo_model.py" --model "exec:python3 $TMPDIR/three.py" \
		--model "exec:python3 $TMPDIR/flaky.py" --db "$LL" -q >"$TMPDIR/rw" 2>&1
	EC=$(run_ids "$TMPDIR/rw" | sed -n 1p)
	TH=$(run_ids "$TMPDIR/rw" | sed -n 2p)
	FL=$(run_ids "$TMPDIR/rw" | sed -n 3p)
	expect_exit 0 "compare: echo vs flaky exits 0" $R compare "$EC" "$FL" --db "$LL" --format csv
	r=$(row "$TMPDIR/out" ranking parse_failure_rate)
	ok_if "compare: more parse failures lose W/T/L ($r)" \
		sh -c "echo '$r' | awk -F, '{ exit !(\$7 > 0 && \$12 == 0 && \$14 > 0) }'"
	expect_exit 0 "compare: flaky vs echo exits 0" $R compare "$FL" "$EC" --db "$LL" --format csv
	r=$(row "$TMPDIR/out" ranking parse_failure_rate)
	ok_if "compare: fewer parse failures win W/T/L ($r)" \
		sh -c "echo '$r' | awk -F, '{ exit !(\$7 < 0 && \$12 > 0 && \$14 == 0) }'"
	expect_exit 0 "compare: three-of-ten vs echo exits 0" $R compare "$TH" "$EC" --db "$LL" --format csv
	r=$(row "$TMPDIR/out" ranking full_list_rate)
	ok_if "compare: the full list wins full_list_rate W/T/L ($r)" \
		sh -c "echo '$r' | awk -F, '{ exit !(\$7 > 0 && \$12 == 40 && \$14 == 0) }'"
	expect_exit 0 "compare: table legend says better/equal/worse" $R compare "$EC" "$FL" --db "$LL"
	grep -q 'W/T/L: samples where B is better/equal/worse' "$TMPDIR/out" &&
		echo "ok - compare: the legend says W/T/L is better/equal/worse" ||
		echo "not ok - compare: the legend says W/T/L is better/equal/worse"
else
	skip "compare: W/T/L by direction" "python3 is missing"
fi

#!/bin/sh
# report.sh: `receval report` (sections, HTML validity, inline SVG, no external references, escaping, gnuplot missing) and `receval plot`.
. tests/e2e/lib.sh
R=$RECEVAL
case $R in /*) ;; *) R=$(pwd)/$R ;; esac
DB=$TMPDIR/r.db
H=$TMPDIR/report.html

# has FILE PATTERN: the file contains the fixed string
has() { grep -qF -- "$2" "$1"; }
# lacks FILE PATTERN: the file does not contain the string, in any case
lacks() { [ -s "$1" ] && ! grep -qiF -- "$2" "$1"; }

# html_ok FILE: xmllint's HTML parser reports nothing but HTML5 and SVG tags it does not know,
# and the page is well-formed XML as well (so no tag is left open and no entity is unknown)
html_ok() {
	xmllint --html --noout "$1" 2>"$TMPDIR/lint" || return 1
	if grep 'parser error' "$TMPDIR/lint" | grep -v 'Tag [a-zA-Z0-9]* invalid' | grep -q .; then
		grep 'parser error' "$TMPDIR/lint" | grep -v 'Tag [a-zA-Z0-9]* invalid' | head -n 3 | sed 's/^/#   /'
		return 1
	fi
	xmllint --noout "$1" 2>"$TMPDIR/lint" || { head -n 3 "$TMPDIR/lint" | sed 's/^/#   /'; return 1; }
}

# only_namespaces FILE: every http:// or https:// in the page is an xmlns declaration of an SVG (fetches nothing)
only_namespaces() {
	all=$(grep -oiE 'https?://' "$1" | wc -l)
	ns=$(grep -oE 'xmlns(:xlink)?="http://www\.w3\.org/(2000/svg|1999/xlink)"' "$1" | wc -l)
	[ "$all" -eq "$ns" ]
}

# self_contained FILE: nothing that a browser would fetch or run
self_contained() {
	lacks "$1" '<script' && lacks "$1" '<link' && lacks "$1" '<iframe' && lacks "$1" '<img' &&
		lacks "$1" '@import' && lacks "$1" 'url(http' && ! grep -qiE '<[^>]* (src|on[a-z]+)=' "$1" && only_namespaces "$1"
}

$R run suites/demo.json --model builtin:pop --model builtin:itemknn --model builtin:ease --db "$DB" -q \
	>"$TMPDIR/run" 2>&1
ids=$(awk '/^run [0-9]+$/ {print $2}' "$TMPDIR/run" | tr '\n' ' ')
set -- $ids
if [ $# -eq 3 ]; then
	echo "ok - report: three demo runs made ($ids)"
else
	echo "not ok - report: three demo runs made"
	sed 's/^/#   /' "$TMPDIR/run" | tail -n 10
	exit 0
fi
POP=$1 KNN=$2 EASE=$3

# --- the report of three runs ------------------------------------------------
expect_exit 0 "report: three runs exit 0" $R report "$POP" "$KNN" "$EASE" --db "$DB" -o "$H"
ok_if "report: the file is written" test -s "$H"
for id in summary runs leaderboard plots metrics validity usage drilldown notes; do
	ok_if "report: section '$id'" has "$H" "id=\"$id\""
done
ok_if "report: header names the suite, dataset size, seed, version and every model" \
	sh -c "grep -qF 'receval report: demo' '$H' && grep -qF '600 users, 400 items, 23,039 interactions' '$H' &&
	       grep -qF '<dt>Seed</dt><dd>42</dd>' '$H' && grep -qF '<dt>Code version</dt>' '$H' &&
	       grep -qF 'builtin:pop' '$H' && grep -qF 'builtin:itemknn' '$H' && grep -qF 'builtin:ease' '$H'"
ok_if "report: a leaderboard per task, ranked by ndcg" \
	sh -c "grep -qF 'Task: retrieval' '$H' && grep -qF 'Task: ranking' '$H' && grep -qF 'headline metric, <code>ndcg@20</code>' '$H'"
# (the interval is the Poisson bootstrap's since issue 17: [0.200, 0.256] before)
ok_if "report: every metric with its interval (retrieval ndcg@10 of itemknn)" has "$H" '0.227 <span class="ci">[0.203, 0.256]</span>'
ok_if "report: itemknn and ease marked significantly above pop (Holm, as compare)" \
	sh -c "[ \$(grep -o 'class=\"up\"' '$H' | wc -l) -ge 20 ] && grep -qF 'Holm' '$H'"
# unmarked FILE: in every metric row the first run's cell (the baseline) has no mark
unmarked() {
	awk -F'</td>' '/^<tr><td class="mono">/ { n++; if ($2 ~ /class="(up|down)"/) bad = 1 } END { exit bad || !n }' "$1"
}
ok_if "report: the baseline's column is never marked" unmarked "$H"
ok_if "report: parses as HTML and as XML (xmllint)" html_ok "$H"
ok_if "report: self-contained (no script, link, img, src=, on*=; http only in SVG xmlns)" self_contained "$H"
ok_if "report: a print stylesheet" has "$H" '@media print'
ok_if "report: no validity rates for built-in runs: said, not plotted" has "$H" 'None of these runs records validity rates'
ok_if "report: no API: a sentence, and latency" sh -c "grep -qF 'No run used an API' '$H' && grep -qF 'latency mean' '$H'"
ok_if "report: drill-down: 10 samples per task with target, history, rankings" \
	sh -c "[ \$(grep -o 'id=\"drill-1-[0-9]*\"' '$H' | wc -l) -eq 10 ] && [ \$(grep -o 'id=\"drill-2-[0-9]*\"' '$H' | wc -l) -eq 10 ] &&
	       grep -qF 'History, oldest first' '$H' && grep -qF 'class=\"item target\"' '$H'"
if command -v gnuplot >/dev/null 2>&1; then
	ok_if "report: inline SVG plots (headline bars, ndcg@k and recall@k per task)" \
		sh -c "[ \$(grep -o '<svg' '$H' | wc -l) -eq 5 ] && ! grep -qF '<?xml' '$H' && ! grep -qF '<!DOCTYPE svg' '$H'"
	ok_if "report: no id shared by two plots" \
		sh -c "[ -z \"\$(grep -oE \" id=['\\\"][^'\\\"]*\" '$H' | sort | uniq -d)\" ]"
	SOURCE_DATE_EPOCH=1700000000 $R report "$POP" "$KNN" --db "$DB" -o "$TMPDIR/d1.html" 2>/dev/null
	SOURCE_DATE_EPOCH=1700000000 $R report "$POP" "$KNN" --db "$DB" -o "$TMPDIR/d2.html" 2>/dev/null
	ok_if "report: same runs and SOURCE_DATE_EPOCH, same bytes" cmp -s "$TMPDIR/d1.html" "$TMPDIR/d2.html"
else
	skip "report: inline SVG plots" "gnuplot is not installed"
fi

# --- gnuplot missing: the report still renders and says why ------------------
RECEVAL_GNUPLOT=/nonexistent $R report "$POP" "$KNN" --db "$DB" -o "$TMPDIR/nognu.html" >"$TMPDIR/out" 2>"$TMPDIR/err"
ok_if "report: gnuplot missing (RECEVAL_GNUPLOT): exit 0" test $? -eq 0
ok_if "report: gnuplot missing: plots skipped, saying which and why, and no SVG" \
	sh -c "grep -qF 'Plot skipped: <b>ndcg@20' '$TMPDIR/nognu.html' && grep -qF 'gnuplot not found' '$TMPDIR/nognu.html' &&
	       grep -qF 'plots skipped' '$TMPDIR/nognu.html' && ! grep -qF '<svg' '$TMPDIR/nognu.html' && grep -qF 'gnuplot not found' '$TMPDIR/err'"
ok_if "report: gnuplot missing: still valid HTML" html_ok "$TMPDIR/nognu.html"
mkdir -p "$TMPDIR/emptybin"
PATH="$TMPDIR/emptybin" $R report "$POP" "$KNN" --db "$DB" -o "$TMPDIR/nopath.html" >/dev/null 2>&1
ok_if "report: gnuplot not on PATH: exit 0, plots skipped" \
	sh -c "[ $? -eq 0 ] && grep -qF 'Plot skipped' '$TMPDIR/nopath.html'"

# --- one run ------------------------------------------------------------------
expect_exit 0 "report: one run exits 0" $R report "$EASE" --db "$DB" -o "$TMPDIR/one.html"
ok_if "report: one run: the drill-down says it needs two" has "$TMPDIR/one.html" 'needs two runs or more'

# --- hostile dataset: every id, title, suite and task name is escaped --------
mkdir -p "$TMPDIR/hostile"
cat >"$TMPDIR/hostile/items.csv" <<'EOF'
item,title
"<script>alert(1)</script>","<img src=x onerror=alert(3)> the script"
"a""b&c'd","quote ""and"" amp & apostrophe '"
i01,one
i02,two
i03,three
i04,four
i05,five
i06,six
i07,seven
i08,eight
EOF
{
	echo "user,item,timestamp"
	t=0
	for u in 1 2 3 4 5 6 7 8; do
		for it in i0$u '"<script>alert(1)</script>"' i0$(( (u % 8) + 1 )) '"a""b&c'"'"'d"' i0$(( ((u + 2) % 8) + 1 )); do
			t=$((t + 1))
			# users 1 and 5 never saw the script item: pop recommends it to them
			case "$u$it" in 1\"\<script*|5\"\<script*) continue ;; esac
			echo "u$u,$it,$t"
		done
	done
} >"$TMPDIR/hostile/interactions.csv"
cat >"$TMPDIR/hostile/suite.json" <<'EOF'
{"name": "<script>alert(2)</script>",
 "dataset": {"format": "csv", "path": "interactions.csv", "items": "items.csv"},
 "split": {"strategy": "leave-last-out"},
 "sample": {"users": "all", "seed": 1},
 "tasks": [{"type": "retrieval", "name": "<b>ret</b>&amp", "k": [1, 5]}]}
EOF
HDB=$TMPDIR/hostile.db
$R run "$TMPDIR/hostile/suite.json" --model builtin:pop --model builtin:itemknn --db "$HDB" -q >"$TMPDIR/hrun" 2>&1
hids=$(awk '/^run [0-9]+$/ {print $2}' "$TMPDIR/hrun" | tr '\n' ' ')
if [ -n "$hids" ]; then
	HH=$TMPDIR/hostile.html
	expect_exit 0 "report: hostile ids and names: exit 0" $R report $hids --db "$HDB" -o "$HH"
	ok_if "report: hostile item id shown as text (&lt;script&gt;) in history and rankings" \
		sh -c "[ \$(grep -oF '&lt;script&gt;alert(1)&lt;/script&gt;' '$HH' | wc -l) -ge 4 ]"
	ok_if "report: hostile suite and task names escaped" \
		sh -c "grep -qF '&lt;script&gt;alert(2)' '$HH' && grep -qF '&lt;b&gt;ret&lt;/b&gt;&amp;amp' '$HH'"
	ok_if "report: quotes and ampersands in ids escaped" has "$HH" 'a&quot;b&amp;c&#39;d'
	ok_if "report: hostile: never a raw <script, <b> or <img" \
		sh -c "[ -s '$HH' ] && ! grep -qi '<script' '$HH' && ! grep -qF '<b>ret' '$HH' && ! grep -qi '<img' '$HH'"
	ok_if "report: hostile: self-contained" self_contained "$HH"
	ok_if "report: hostile: valid HTML" html_ok "$HH"
else
	echo "not ok - report: hostile suite runs"
	sed 's/^/#   /' "$TMPDIR/hrun" | tail -n 5
fi

# --- a run that used an API: answers, grounding, tokens, validity rates ------
# Built-in runs have none of these; until an adapter test fixture exists, write them into a copy of
# the database with the sqlite3 shell (skipped where it is not installed).
if command -v sqlite3 >/dev/null 2>&1; then
	ADB=$TMPDIR/api.db
	cp "$DB" "$ADB"
	sqlite3 "$ADB" "UPDATE samples SET request = '{}', tokens_in = 100, tokens_out = 20, latency_ms = 900,
		response = '1. <script>alert(9)</script> & \"x\"',
		grounding = '[{\"text\": \"<script>alert(9)</script>\", \"item\": \"m001\", \"how\": \"fuzzy\", \"score\": 0.9}]'
		WHERE run_id = $KNN;
		INSERT INTO run_metrics (run_id, task, metric, value, ci_low, ci_high, n) VALUES
		($KNN, 'retrieval', 'hallucination_rate', 0.1, 0.05, 0.15, 500), ($KNN, 'retrieval', 'error_rate', 0.02, 0.01, 0.03, 500);"
	AH=$TMPDIR/api.html
	expect_exit 0 "report: API run: exit 0" $R report "$POP" "$KNN" --db "$ADB" -o "$AH"
	ok_if "report: API run: tokens and requests per model" \
		sh -c "grep -qF '<th class=\"num\">tokens in</th>' '$AH' && grep -qF '<td class=\"num\">100,000</td>' '$AH' &&
		       grep -qF '<td class=\"num\">20,000</td>' '$AH' && grep -qF 'no API' '$AH'"
	ok_if "report: API run: validity rates tabulated" \
		sh -c "grep -qF '<td class=\"mono\">hallucination_rate</td>' '$AH' && ! grep -qF 'None of these runs records' '$AH'"
	ok_if "report: API run: answers and grounding shown, escaped" \
		sh -c "grep -qF '&lt;script&gt;alert(9)&lt;/script&gt; &amp; &quot;x&quot;' '$AH' && grep -qF 'Grounding:' '$AH' &&
		       grep -qF '(fuzzy, 0.9)' '$AH' && ! grep -qi '<script' '$AH'"
	ok_if "report: API run: valid HTML" html_ok "$AH"
	if command -v gnuplot >/dev/null 2>&1; then
		ok_if "report: API run: a validity plot besides the others" sh -c "[ \$(grep -o '<svg' '$AH' | wc -l) -eq 6 ]"
	fi
else
	skip "report: API run (answers, tokens, rates)" "no sqlite3 shell to write them"
fi

# --- errors -------------------------------------------------------------------
expect_exit 2 "report: no -o is a usage error" $R report "$POP" --db "$DB"
expect_exit 2 "report: no run id is a usage error" $R report -o "$TMPDIR/x.html" --db "$DB"
expect_exit 2 "report: a run id that is not a number" $R report x1 -o "$TMPDIR/x.html" --db "$DB"
expect_exit 2 "report: --alpha out of range" $R report "$POP" --alpha 2 -o "$TMPDIR/x.html" --db "$DB"
expect_exit 2 "report: unknown flag" $R report "$POP" --bogus -o "$TMPDIR/x.html" --db "$DB"
expect_exit 3 "report: unknown run" $R report "$POP" 999 -o "$TMPDIR/x.html" --db "$DB"
ok_if "report: unknown run names it" grep -q 'no run 999' "$TMPDIR/err"
expect_exit 5 "report: missing database" $R report 1 -o "$TMPDIR/x.html" --db "$TMPDIR/none.db"
expect_exit 6 "report: unwritable output" $R report "$POP" -o "$TMPDIR/no/such/dir.html" --db "$DB"
expect_exit 0 "report: -h" $R report -h

# --- receval plot ---------------------------------------------------------------
if command -v gnuplot >/dev/null 2>&1; then
	expect_exit 0 "plot: ndcg@10 bars as SVG" $R plot "$POP" "$KNN" "$EASE" --metric ndcg@10 -o "$TMPDIR/bars.svg" --db "$DB"
	ok_if "plot: the SVG exists, is an SVG, names every model" \
		sh -c "test -s '$TMPDIR/bars.svg' && grep -q '<svg' '$TMPDIR/bars.svg' && grep -qF 'builtin:itemknn' '$TMPDIR/bars.svg' &&
		       grep -qF 'builtin:ease' '$TMPDIR/bars.svg' && xmllint --noout '$TMPDIR/bars.svg'"
	expect_exit 0 "plot: ndcg curve over k as PNG" $R plot "$POP" "$KNN" --metric ndcg --task ranking -o "$TMPDIR/curve.png" --db "$DB"
	ok_if "plot: the PNG exists and is a PNG" \
		sh -c "test -s '$TMPDIR/curve.png' && [ \"\$(head -c 4 '$TMPDIR/curve.png' | od -An -c | tr -d ' ')\" = '211PNG' ]"
	expect_exit 0 "plot: --size and --title" $R plot "$KNN" --metric recall -o "$TMPDIR/s.svg" --size 500x300 --title 'a "title"' --db "$DB"
	ok_if "plot: --size honoured" grep -q 'width="500" height="300"' "$TMPDIR/s.svg"
	RECEVAL_GNUPLOT=/nonexistent $R plot "$POP" --metric ndcg@10 -o "$TMPDIR/nognu.svg" --db "$DB" >/dev/null 2>"$TMPDIR/err"
	ok_if "plot: gnuplot missing: exit 6, a message, no file" \
		sh -c "[ $? -eq 6 ] && grep -q 'gnuplot not found' '$TMPDIR/err' && [ ! -e '$TMPDIR/nognu.svg' ]"
else
	skip "plot: SVG and PNG" "gnuplot is not installed"
fi
expect_exit 2 "plot: unknown -o extension" $R plot "$POP" --metric ndcg@10 -o "$TMPDIR/p.pdf" --db "$DB"
expect_exit 2 "plot: no --metric" $R plot "$POP" -o "$TMPDIR/p.svg" --db "$DB"
expect_exit 2 "plot: no -o" $R plot "$POP" --metric ndcg@10 --db "$DB"
expect_exit 2 "plot: bad --size" $R plot "$POP" --metric ndcg@10 -o "$TMPDIR/p.svg" --size 10 --db "$DB"
expect_exit 3 "plot: unknown run" $R plot 999 --metric ndcg@10 -o "$TMPDIR/p.svg" --db "$DB"
expect_exit 3 "plot: unknown metric" $R plot "$POP" --metric nope@10 -o "$TMPDIR/p.svg" --db "$DB"
expect_exit 3 "plot: unknown task" $R plot "$POP" --metric ndcg@10 --task nope -o "$TMPDIR/p.svg" --db "$DB"
expect_exit 5 "plot: missing database" $R plot 1 --metric ndcg@10 -o "$TMPDIR/p.svg" --db "$TMPDIR/none.db"
expect_exit 0 "plot: -h" $R plot -h

# best marks follow the metric's direction (metrics/registry.h): full_list_rate is higher-is-better, so the
# run that listed 3 of 10 candidates is not bold; the validity table holds it, selected by kind, not by name
if command -v python3 >/dev/null 2>&1; then
	FDB=$TMPDIR/full.db
	sed 's/return "\\n".join(reversed(titles))/return "\\n".join(reversed(titles[:3]))/' examples/echo_model.py >"$TMPDIR/three.py"
	cat >"$TMPDIR/full.json" <<JSON
{"name": "full", "dataset": {"format": "csv", "path": "$(pwd)/suites/demo/interactions.csv", "items": "$(pwd)/suites/demo/items.csv"},
 "split": {"strategy": "leave-last-out", "max_history": 10}, "sample": {"users": 20, "seed": 3},
 "tasks": [{"type": "ranking", "candidates": 10, "k": [1, 5, 10]}]}
JSON
	$R run "$TMPDIR/full.json" --model "exec:python3 $TMPDIR/three.py" --model "exec:python3 $(pwd)/examples/echo_model.py" \
		--db "$FDB" -q >"$TMPDIR/fr" 2>&1
	expect_exit 0 "report: three-of-ten vs the full list" $R report $(run_ids "$TMPDIR/fr" | tr '\n' ' ') -o "$TMPDIR/full.html" \
		--db "$FDB" --no-plots
	grep '<td class="mono">full_list_rate</td>' "$TMPDIR/full.html" | head -n 1 >"$TMPDIR/fullrow"
	ok_if "report: the higher full_list_rate is bold" has "$TMPDIR/fullrow" '<span class="best">1.000</span>'
	ok_if "report: the lower full_list_rate is not bold" lacks "$TMPDIR/fullrow" '<span class="best">0.000</span>'
	ok_if "report: the validity caption says full_list_rate is higher-is-better" \
		has "$TMPDIR/full.html" 'but higher for full_list_rate'
else
	skip "report: best marks follow the direction" "python3 is missing"
fi

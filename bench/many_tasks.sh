#!/bin/sh
# many_tasks.sh: a suite of N tasks (default 10,000) of 5 users: seconds to run it, to report it and to show it
# as JSON (`show --format json`, what serve's /api/runs/ID sends), against issue 14's limits (run < 20 s, report
# < 5 s; show held to report's). BASELINE=path/to/an/older/receval adds its figures and the ratio.
cd "$(dirname "$0")/.." || exit 1
R=${RECEVAL:-./receval}
N=${TASKS:-10000}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
awk 'BEGIN { print "user,item"; for (u = 0; u < 5; u++) for (i = 0; i < 4; i++) printf "u%d,i%d\n", u, (u + i) % 7 }' >"$T/d.csv"
awk -v n="$N" 'BEGIN {
	printf "{\"name\": \"many\", \"dataset\": {\"format\": \"csv\", \"path\": \"d.csv\"}, \"sample\": {\"users\": 5},\n"
	printf " \"models\": [\"builtin:pop\"], \"tasks\": [\n"
	for (i = 0; i < n; i++) printf "  {\"type\": \"retrieval\", \"k\": 2, \"name\": \"t%d\"}%s\n", i, i + 1 < n ? "," : ""
	print "]}" }' >"$T/many.json"

# secs CMD...: wall seconds of CMD (output dropped), or "fail"
secs() {
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1 || { echo fail; return; }
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'
}
echo "# $N tasks of 5 users (builtin:pop)"
run=$(secs $R run "$T/many.json" --db "$T/a.db" -q)
rep=$(secs $R report 1 --db "$T/a.db" -o "$T/a.html")
shw=$(secs $R show 1 --format json --db "$T/a.db")
printf '%-10s %8s %8s %8s\n' "" "run s" "report s" "show s"
printf '%-10s %8s %8s %8s\n' "receval" "$run" "$rep" "$shw"
if [ -n "$BASELINE" ]; then
	brun=$(secs "$BASELINE" run "$T/many.json" --db "$T/b.db" -q)
	brep=$(secs "$BASELINE" report 1 --db "$T/b.db" -o "$T/b.html")
	bshw=$(secs "$BASELINE" show 1 --format json --db "$T/b.db")
	printf '%-10s %8s %8s %8s\n' "baseline" "$brun" "$brep" "$bshw"
	awk -v a="$run" -v b="$brun" -v c="$rep" -v d="$brep" -v e="$shw" -v f="$bshw" \
		'BEGIN { printf "%-10s %7.1fx %7.1fx %7.1fx\n", "speed-up", b / a, d / c, f / e }'
fi
awk -v r="$run" -v p="$rep" -v s="$shw" 'BEGIN { exit !(r + 0 < 20 && p + 0 < 5 && s + 0 < 5) }' ||
	{ echo "over the limits (run < 20 s, report < 5 s, show < 5 s)"; exit 1; }

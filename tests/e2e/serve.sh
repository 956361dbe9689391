#!/bin/sh
# serve.sh: receval serve end to end: runs queued over the API, its JSON byte for byte against show and compare,
# pages rendered by headless Chromium with hostile text and no request leaving 127.0.0.1, bad requests,
# cancel and resume, server-sent events, SIGTERM with a run in flight and one queued.
. tests/e2e/lib.sh
R=$RECEVAL
T=$TMPDIR
FS=$BUILD/fake_server
DB=$T/serve.db
SERVE_PID=""
trap 'fake_stop_all; [ -n "$SERVE_PID" ] && kill $SERVE_PID 2>/dev/null' EXIT

if [ ! -x "$FS" ]; then
	echo "not ok - serve: $FS is not built (make $FS)"
	exit 0
fi
for tool in curl python3; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "not ok - serve: $tool is not installed (make deps)"
		exit 0
	fi
done

# --- the suites folder: the demo data, a hostile catalogue -------------------------------
S=$T/suites
mkdir -p "$S/demo" "$S/hostile"
cp suites/demo/interactions.csv suites/demo/items.csv "$S/demo/"
cat >"$S/demo.json" <<'JSON'
{"name": "demo", "dataset": {"format": "csv", "path": "demo/interactions.csv", "items": "demo/items.csv"},
 "split": {"strategy": "leave-last-out", "max_history": 50}, "sample": {"users": 120, "seed": 42},
 "models": ["builtin:pop"],
 "tasks": [{"type": "retrieval", "k": [1, 5, 10]}, {"type": "ranking", "candidates": 20, "k": [1, 5, 10]}]}
JSON
cat >"$S/hostile/items.csv" <<'EOF'
item,title
"<script>alert(1)</script>","<img src=http://192.0.2.1/x.png onerror=alert(3)> the script"
"a""b&c'd","quote ""and"" amp & apostrophe '"
i01,one
i02,two
i03,three
i04,four
i05,five
i06,six
EOF
{
	echo "user,item,timestamp"
	t=0
	for u in $(seq 1 30); do
		for it in i0$(( (u % 6) + 1 )) '"<script>alert(1)</script>"' i0$(( ((u + 1) % 6) + 1 )) '"a""b&c'"'"'d"' i0$(( ((u + 3) % 6) + 1 )); do
			t=$((t + 1))
			echo "u$u,$it,$t"
		done
	done
} >"$S/hostile/interactions.csv"
cat >"$S/hostile.json" <<'JSON'
{"name": "<script>alert(2)</script>", "dataset": {"format": "csv", "path": "hostile/interactions.csv", "items": "hostile/items.csv"},
 "split": {"strategy": "leave-last-out"}, "sample": {"users": "all", "seed": 1},
 "tasks": [{"type": "ranking", "name": "<b>rank</b>", "candidates": 5, "k": [1, 5]}]}
JSON

fake_start hostile --answer 'fixed:1. <script>alert(1)</script> <img src="http://192.0.2.1/y.png"> & "x" \u00e9' --idle-exit 120 || exit 0
HOSTILE="openai:fake?base_url=http://127.0.0.1:$(cat "$T/hostile.port")/v1"
fake_start slow --answer rank --latency 300 --idle-exit 120 || exit 0
SLOW="openai:slow?base_url=http://127.0.0.1:$(cat "$T/slow.port")/v1"

# start_serve ARGS...: receval serve on a free port; sets SERVE_PID and URL
start_serve() {
	rm -f "$T/serve.port"
	$R serve --db "$DB" --port 0 --port-file "$T/serve.port" --suites "$S" "$@" 2>>"$T/serve.err" &
	SERVE_PID=$!
	si=0
	while [ ! -s "$T/serve.port" ] && [ $si -lt 500 ]; do sleep 0.01; si=$((si + 1)); done
	URL="http://127.0.0.1:$(cat "$T/serve.port" 2>/dev/null)"
	[ -s "$T/serve.port" ]
}

# req METHOD PATH [JSON]: the status in $code, the body in $T/body
req() {
	if [ -n "$3" ]; then
		code=$(curl -s -o "$T/body" -w '%{http_code}' -X "$1" -H 'Content-Type: application/json' --data-binary "$3" "$URL$2")
	else
		code=$(curl -s -o "$T/body" -w '%{http_code}' -X "$1" "$URL$2")
	fi
}

# json EXPR: evaluate EXPR on the JSON body (as d)
json() { python3 -c "import json,sys; d=json.load(open('$T/body')); print($1)"; }

# wait_job ID: until the job has ended (60 s at most); its status in $status
wait_job() {
	wi=0
	while [ $wi -lt 600 ]; do
		req GET "/api/jobs/$1"
		status=$(json 'd["status"]' 2>/dev/null)
		case "$status" in queued | running | "") ;; *) return 0 ;; esac
		sleep 0.1
		wi=$((wi + 1))
	done
	return 1
}

# one_line_error CODE NAME: the answer is CODE and one line of JSON {"error", "exit_code"}
one_line_error() {
	ok_if "$2 ($code)" sh -c "[ '$code' = '$1' ] && [ \$(wc -l <'$T/body') -eq 1 ] &&
		python3 -c \"import json; d=json.load(open('$T/body')); assert isinstance(d['error'], str) and isinstance(d['exit_code'], int)\""
}

if ! start_serve; then
	echo "not ok - serve: starts and writes its port"
	sed 's/^/#   /' "$T/serve.err" | tail -3
	exit 0
fi
echo "ok - serve: starts on a free port"

# --- two models through the queue ----------------------------------------------------------
req POST /api/runs '{"suite": "demo.json", "models": ["builtin:pop", "builtin:itemknn"]}'
ok_if "serve: POST /api/runs queues the run (202)" [ "$code" = 202 ]
JOB=$(json 'd["job"]')
wait_job "$JOB"
ok_if "serve: the queued run finishes (job $status)" [ "$status" = done ]
A=$(json 'd["runs"][0]')
B=$(json 'd["runs"][1]')
ok_if "serve: the job names its two runs ($A, $B)" [ -n "$A" ] && [ -n "$B" ] && [ "$A" != "$B" ]

curl -s "$URL/api/runs/$A" >"$T/api_show.json"
$R show "$A" --db "$DB" --format json >"$T/cli_show.json"
ok_if "serve: /api/runs/ID is show --format json, byte for byte" cmp -s "$T/api_show.json" "$T/cli_show.json"
curl -s "$URL/api/compare?a=$A&b=$B" >"$T/api_cmp.json"
$R compare "$A" "$B" --db "$DB" --format json >"$T/cli_cmp.json" 2>/dev/null
ok_if "serve: /api/compare is compare --format json, byte for byte" cmp -s "$T/api_cmp.json" "$T/cli_cmp.json"
# every page of samples, joined, is show --samples
: >"$T/api_samples.jsonl"
off=0
while :; do
	curl -s -D "$T/hdr" "$URL/api/runs/$B/samples?offset=$off&limit=70" >>"$T/api_samples.jsonl"
	grep -qi '^Link: .*rel="next"' "$T/hdr" || break
	off=$((off + 70))
done
$R show "$B" --db "$DB" --samples >"$T/cli_samples.jsonl"
ok_if "serve: /api/runs/ID/samples pages, joined, are show --samples, byte for byte" \
	cmp -s "$T/api_samples.jsonl" "$T/cli_samples.jsonl"
ok_if "serve: X-Total-Count is the run's sample count" \
	grep -qi "^X-Total-Count: $(wc -l <"$T/cli_samples.jsonl" | tr -d ' ')" "$T/hdr"
req GET "/api/runs/$A/samples?task=ranking&limit=5"
ok_if "serve: samples of one task, paged" sh -c "[ $code = 200 ] && [ \$(grep -c '\"task\":\"ranking\"' '$T/body') -eq 5 ]"
# task= (a form's empty field) is every task, as on the run's page; it was a filter matching none: 200, no line
req GET "/api/runs/$A/samples?task=&limit=5"
ok_if "serve: task= is every task" sh -c "[ $code = 200 ] && [ \$(grep -c '\"task\":' '$T/body') -eq 5 ]"
req GET "/api/runs?model=itemknn"
ok_if "serve: the runs list filters by model" sh -c "[ \"\$(python3 -c \"import json; print([r['id'] for r in json.load(open('$T/body'))['runs']])\")\" = '[$B]' ]"
req GET "/api/runs/$A/events"
ok_if "serve: events of a finished run: its progress, then end" sh -c "grep -q '^event: progress' '$T/body' && grep -q '\"status\":\"done\"' '$T/body' && grep -q '^event: end' '$T/body'"

# --- a run with hostile answers on a hostile catalogue ---------------------------------
req POST /api/runs "{\"suite\": \"hostile.json\", \"models\": [\"$HOSTILE\"]}"
HJ=$(json 'd["job"]')
wait_job "$HJ"
H=$(json 'd["runs"][0]')
ok_if "serve: a run of hostile answers and names finishes ($status)" [ "$status" = done ]
curl -s "$URL/api/runs/$H/samples?limit=1000" >"$T/h.jsonl"
HS=$(python3 -c "
import json
for l in open('$T/h.jsonl', encoding='utf-8', errors='replace'):
    s = json.loads(l)
    if '<script>alert(1)</script>' in (s['response'] or ''):
        print(s['sample_id']); break")
ok_if "serve: a stored answer holds <script> ($HS)" [ -n "$HS" ]

# --- the pages in headless Chromium: rendered, escaped, nothing fetched from elsewhere -----
CHROME=$(command -v chromium || command -v chromium-browser)
if [ -z "$CHROME" ]; then
	echo "not ok - serve: pages in headless Chromium: chromium is not installed (make deps installs it)"
else
	# dom NAME PATH: the DOM after load in $T/NAME.html, the net log in $T/NAME.net
	dom() {
		timeout 90 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
			--disable-background-networking --disable-component-update --disable-sync \
			--disable-features=AutofillServerCommunication,OptimizationHints,Translate \
			--user-data-dir="$T/chrome-$1" --proxy-server=http://127.0.0.1:9 \
			--host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" --log-net-log="$T/$1.net" \
			--dump-dom "$2" >"$T/$1.html" 2>"$T/$1.chrome.err"
	}
	local_only() { python3 tests/serve_netlog.py "$T/$1.net" "$URL" >"$T/$1.netcheck" 2>&1; }

	dom list "$URL/"
	ok_if "serve: runs list renders with its runs and the compare form" \
		sh -c "grep -q 'id=\"runs\"' '$T/list.html' && grep -q 'href=\"/runs/$B\"' '$T/list.html' && grep -q 'action=\"/compare\"' '$T/list.html'"
	ok_if "serve: runs list fetches nothing from outside 127.0.0.1" local_only list
	dom run "$URL/runs/$H"
	ok_if "serve: run page renders metrics, validity and samples" \
		sh -c "grep -q 'id=\"samples\"' '$T/run.html' && grep -q 'ndcg@5' '$T/run.html' && grep -qi 'validity' '$T/run.html'"
	ok_if "serve: run page shows the hostile suite and task names as text" \
		sh -c "grep -qF '&lt;script&gt;alert(2)&lt;/script&gt;' '$T/run.html' && grep -qF '&lt;b&gt;rank&lt;/b&gt;' '$T/run.html' && ! grep -qi '<img' '$T/run.html' && ! grep -qi '<script' '$T/run.html' && ! grep -q '<b>rank' '$T/run.html'"
	ok_if "serve: run page fetches nothing from outside 127.0.0.1" local_only run
	dom cmp "$URL/compare?runs=$A,$B"
	ok_if "serve: comparison renders the report of both runs" \
		sh -c "grep -q 'builtin:itemknn' '$T/cmp.html' && grep -q 'builtin:pop' '$T/cmp.html' && grep -qi 'leaderboard' '$T/cmp.html'"
	ok_if "serve: comparison fetches nothing from outside 127.0.0.1" local_only cmp
	dom sample "$URL/runs/$H/sample?task=%3Cb%3Erank%3C%2Fb%3E&id=$HS"
	ok_if "serve: a sample with hostile text renders it as text" \
		sh -c "grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' '$T/sample.html' && grep -q 'Answer' '$T/sample.html' && ! grep -qi '<script' '$T/sample.html' && ! grep -qi '<img' '$T/sample.html'"
	ok_if "serve: the sample page fetches nothing from outside 127.0.0.1" local_only sample
	# the check can fail: a page of 127.0.0.1 that asks 192.0.2.1 for an image is caught
	mkdir -p "$T/www"
	echo '<html><body><img src="http://192.0.2.1/x.png"></body></html>' >"$T/www/index.html"
	: >"$T/www.log"
	python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$T/www" >"$T/www.log" 2>&1 &
	WWW=$!
	wi=0
	while ! grep -q 'port' "$T/www.log" && [ $wi -lt 200 ]; do sleep 0.05; wi=$((wi + 1)); done
	WPORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$T/www.log" | head -1)
	dom control "http://127.0.0.1:$WPORT/"
	kill $WWW 2>/dev/null
	ok_if "serve: the network check catches a page that fetches from elsewhere" \
		sh -c "! python3 tests/serve_netlog.py '$T/control.net' 'http://127.0.0.1:$WPORT' >/dev/null"
fi

# --- bad requests: the right status and one line of JSON ----------------------------------
req GET /api/runs/9999
one_line_error 404 "serve: unknown run: 404"
req GET "/api/runs/$A/samples?limit=0"
one_line_error 400 "serve: limit 0: 400"
req GET "/api/runs/$A/samples?offset=-3"
one_line_error 400 "serve: negative offset: 400"
req GET "/api/runs/$A/samples?limit=ten"
one_line_error 400 "serve: limit not a number: 400"
req GET "/api/runs/$A/samples?task=nope"
one_line_error 404 "serve: unknown task: 404"
req GET "/api/compare?a=$A"
one_line_error 400 "serve: compare without b: 400"
req POST /api/runs '{"suite": "../../etc/passwd"}'
one_line_error 403 "serve: a suite path outside the suites folder: 403"
req POST /api/runs '{"suite": {"name": "x", "dataset": {"format": "csv", "path": "/etc/passwd"}, "tasks": [{"type": "retrieval"}]}}'
one_line_error 403 "serve: a posted suite whose dataset is outside the folder: 403"
ln -s / "$S/root"
req POST /api/runs '{"suite": "root/etc/passwd"}'
one_line_error 403 "serve: a path out through a symlink: 403"
req POST /api/runs '{"suite": "demo.json", "models": ["exec:sh -c id"]}'
one_line_error 403 "serve: an exec model from a request: 403"
req POST /api/runs '{"suite": "demo.json", "models": ["openai:x?api_key=sk-123"]}'
one_line_error 400 "serve: a key in a model spec: 400"
req POST /api/runs '{"suite": "demo.json", "modles": []}'
one_line_error 400 "serve: an unknown key in the body: 400"
req POST /api/runs '{"suite": '
one_line_error 400 "serve: a malformed body: 400"
head -c 1100000 /dev/zero | tr '\0' ' ' >"$T/big"
code=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary @"$T/big" "$URL/api/runs")
one_line_error 413 "serve: a body over the cap: 413"
req DELETE "/api/runs/$A"
one_line_error 409 "serve: cancelling a finished run: 409"
req GET /api/nothing
one_line_error 404 "serve: unknown API path: 404"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Host: evil.example:80' "$URL/api/runs")
one_line_error 421 "serve: a Host that is not loopback (DNS rebinding): 421"
ok_if "serve: still answering after every bad request" sh -c "curl -sf '$URL/api/runs' >/dev/null"

# --- cancel, resume ------------------------------------------------------------------------
req POST /api/runs "{\"suite\": \"demo.json\", \"models\": [\"$SLOW\"], \"limit\": 120}"
CJ=$(json 'd["job"]')
ci=0
C=""
while [ $ci -lt 300 ]; do
	req GET "/api/jobs/$CJ"
	C=$(json 'd["runs"][0] if d["runs"] else ""')
	if [ -n "$C" ]; then
		req GET "/api/runs/$C/samples?limit=1"
		[ -s "$T/body" ] && break
	fi
	sleep 0.1
	ci=$((ci + 1))
done
curl -s -N --max-time 1 "$URL/api/runs/$C/events" >"$T/events" 2>/dev/null
ok_if "serve: a running run streams progress events" sh -c "grep -q '\"status\":\"running\"' '$T/events'"
req DELETE "/api/runs/$C"
ok_if "serve: DELETE a running run: 202" [ "$code" = 202 ]
wait_job "$CJ"
ok_if "serve: the cancelled job says cancelled" [ "$status" = cancelled ]
req GET "/api/runs/$C"
ok_if "serve: the cancelled run is stored interrupted" [ "$(json 'd["run"]["status"]')" = interrupted ]
req POST "/api/runs/$C/resume"
RJ=$(json 'd["job"]')
wait_job "$RJ"
req GET "/api/runs/$C"
ok_if "serve: resumed from the service, it finishes" [ "$(json 'd["run"]["status"]')" = done ]

# --- tokens ---------------------------------------------------------------------------------
OLD=$URL
OLD_PID=$SERVE_PID
echo "0123456789abcdef-token" >"$T/token"
start_serve --token-file "$T/token"
req GET /api/runs
one_line_error 401 "serve: no token where one is needed: 401"
code=$(curl -s -o "$T/body" -w '%{http_code}' -H 'Authorization: Bearer 0123456789abcdef-token' "$URL/api/runs")
ok_if "serve: the token opens it" [ "$code" = 200 ]
kill $SERVE_PID
wait $SERVE_PID 2>/dev/null
URL=$OLD
SERVE_PID=$OLD_PID
expect_exit 2 "serve: a non-loopback address without a token is refused at start" \
	$R serve --db "$DB" --bind 0.0.0.0 --port 0 --suites "$S"

# --- SIGTERM: the running run interrupted, the queued one left for the next server ------------
req POST /api/runs "{\"suite\": \"demo.json\", \"models\": [\"$SLOW\"], \"limit\": 120, \"seed\": 7}"
J1=$(json 'd["job"]')
req POST /api/runs '{"suite": "demo.json", "models": ["builtin:pop"], "limit": 10}'
J2=$(json 'd["job"]')
ci=0
while [ $ci -lt 300 ]; do
	req GET "/api/jobs/$J1"
	[ "$(json 'len(d["runs"])')" -gt 0 ] && break
	sleep 0.1
	ci=$((ci + 1))
done
R1=$(json 'd["runs"][0]')
kill -TERM $SERVE_PID
wait $SERVE_PID
rc=$?
SERVE_PID=""
ok_if "serve: SIGTERM: exits 0 after draining (exit $rc)" [ $rc -eq 0 ]
ok_if "serve: SIGTERM: the running run is stored interrupted" \
	sh -c "[ \"\$(sqlite3 -readonly '$DB' 'SELECT status FROM runs WHERE id = $R1')\" = interrupted ]"
ok_if "serve: SIGTERM: the queued run stays queued" \
	sh -c "[ \"\$(sqlite3 -readonly '$DB' 'SELECT status FROM serve_jobs WHERE id = $J2')\" = queued ]"
start_serve
wait_job "$J2"
ok_if "serve: the next server takes the queued run up and finishes it ($status)" [ "$status" = done ]
expect_exit 6 "serve: a port another server holds: exit 6" $R serve --db "$DB" --port "$(cat "$T/serve.port")" --suites "$S"
kill $SERVE_PID

#!/bin/sh
# openai.sh: the openai and azure providers against the fake server: request shapes, faults, retries, concurrency, rate limits, secrets.
. tests/e2e/lib.sh

SERVER=${BUILD:-build}/fake_server
R=$RECEVAL
T=${TMPDIR:-/tmp}
KEY=sk-e2e-secret-4242
AZKEY=az-e2e-secret-4343

if [ ! -x "$SERVER" ]; then
	echo "not ok - fake server binary $SERVER is missing (make $SERVER)"
	exit 0
fi
# no settings from the caller's environment leak in
unset OPENAI_API_KEY OPENAI_BASE_URL AZURE_OPENAI_API_KEY AZURE_OPENAI_ENDPOINT AZURE_OPENAI_API_VERSION \
	AZURE_OPENAI_AD_TOKEN http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

trap 'fake_stop_all' EXIT INT TERM

# start ARGS...: a fresh server with both keys and a log in $T/log; sets PORT, PID, URL, AZ.
start() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null
	rm -f "$T/log"
	fake_start server --log "$T/log" --key "$KEY" --azure-key "$AZKEY" --idle-exit 60 "$@"
	PID=$FAKE_PID
	PORT=$FAKE_PORT
	URL="http://127.0.0.1:$PORT/v1"
	AZ="http://127.0.0.1:$PORT"
}

# faults LINES... then ARGS: a fresh server with that fault script.
faults() {
	printf '%s\n' "$@" >"$T/faults"
	start --faults "$T/faults"
}

N=0
# chat ARGS...: receval chat with the OpenAI key set; output in $T/out, stderr in $T/err,
# exit code in RC, wall time in MS. Every output is kept for the secrets check at the end.
chat() {
	N=$((N + 1))
	t0=$(date +%s%N)
	OPENAI_API_KEY=$KEY "$R" chat "$@" >"$T/out" 2>"$T/err"
	RC=$?
	t1=$(date +%s%N)
	MS=$(( (t1 - t0) / 1000000 ))
	cat "$T/out" "$T/err" >"$T/all.$N"
}
# azchat ARGS...: the same with the Azure key.
azchat() {
	N=$((N + 1))
	AZURE_OPENAI_API_KEY=$AZKEY "$R" chat "$@" >"$T/out" 2>"$T/err"
	RC=$?
	cat "$T/out" "$T/err" >"$T/all.$N"
}

# ok NAME CONDITION...: CONDITION (a test(1) expression or command) must hold; shows out/err if not.
ok() {
	oname=$1
	shift
	if "$@"; then
		echo "ok - $oname"
	else
		echo "not ok - $oname"
		sed 's/^/#   out: /' "$T/out" | head -n 5
		sed 's/^/#   err: /' "$T/err" | head -n 5
	fi
}
out_has() { grep -qF -e "$1" "$T/out"; }
log_has() { grep -qF -e "$1" "$T/log"; }
log_lines() { wc -l <"$T/log" | tr -d ' '; }
between() { awk -v x="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(x >= lo && x <= hi) }'; }
# the value of a numeric field of the first jsonl answer
field() { sed -n '1s/.*"'"$1"'":\([0-9.]*\).*/\1/p' "$T/out"; }

# ---- request shapes ----------------------------------------------------------

start
chat "openai:gpt-test?base_url=$URL" hello --system "be brief" --format jsonl
ok "openai chat: exit 0 and the answer" [ $RC -eq 0 ]
ok "openai chat: content, finish_reason, usage" sh -c "grep -qF '\"content\":\"echo: hello\"' '$T/out' &&
	grep -qF '\"finish_reason\":\"stop\",\"http_status\":200,\"attempts\":1' '$T/out' &&
	grep -qF '\"tokens_in\":4,\"tokens_out\":3' '$T/out'"
ok "openai chat: POST /v1/chat/completions, no query" log_has '{"n":1,"method":"POST","path":"/v1/chat/completions","query":null,'
ok "openai chat: JSON content type, bearer key, receval user agent" \
	log_has '"headers":{"content-type":"application/json","authorization":"Bearer '"$KEY"'","user-agent":"receval/'
ok "openai chat: body is model, messages, temperature 0 (the default)" \
	log_has '"body":{"model":"gpt-test","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}],"temperature":0},"status":200'

start
chat "openai:gpt-test?base_url=$URL&temperature=0.7&max_tokens=50&seed=7&top_p=0.9" "a \"quoted\" line
and a second" --format jsonl
ok "openai chat: parameters in the body" log_has '"temperature":0.7,"max_tokens":50,"seed":7,"top_p":0.9}'
ok "openai chat: JSON escapes in messages" log_has '"content":"a \"quoted\" line\nand a second"}]'

start
OPENAI_BASE_URL=$URL chat "openai:gpt-env" hi
ok "openai: OPENAI_BASE_URL is the default base_url" sh -c "[ $RC -eq 0 ] && grep -qF '\"model\":\"gpt-env\"' '$T/log'"

start
chat "openai:gpt-test?base_url=$URL&embedding_model=emb-test" apple "banana split" --embed --format jsonl
ok "openai embeddings: exit 0, one vector of 8 per prompt" sh -c "[ $RC -eq 0 ] && [ \$(grep -cF '\"embedding_dims\":[8]' '$T/out') -eq 2 ]"
ok "openai embeddings: POST /v1/embeddings with embedding_model and input" \
	sh -c "grep -qF '\"path\":\"/v1/embeddings\",\"query\":null' '$T/log' && grep -qF '\"body\":{\"model\":\"emb-test\",\"input\":[\"banana split\"]}' '$T/log'"
chat "openai:gpt-test?base_url=$URL" apple --embed
ok "openai embeddings: without embedding_model, the model" log_has '"body":{"model":"gpt-test","input":["apple"]}'

start
azchat "azure:my-dep?endpoint=$AZ/" hello --format jsonl
ok "azure classic: exit 0 and the answer" sh -c "[ $RC -eq 0 ] && grep -qF '\"content\":\"echo: hello\"' '$T/out'"
ok "azure classic: deployment path, api-version 2024-10-21 by default" \
	log_has '"path":"/openai/deployments/my-dep/chat/completions","query":"api-version=2024-10-21"'
ok "azure classic: api-key header, no Authorization" log_has '"headers":{"content-type":"application/json","api-key":"'"$AZKEY"'","user-agent":"receval/'
ok "azure classic: no model in the body" log_has '"body":{"messages":[{"role":"user","content":"hello"}],"temperature":0},"status":200'

start
AZURE_OPENAI_ENDPOINT=$AZ AZURE_OPENAI_API_VERSION=2024-06-01 azchat "azure:dep2?embedding_model=emb-dep" x --embed
ok "azure classic embeddings: the embedding deployment, env endpoint and api version" \
	sh -c "[ $RC -eq 0 ] && grep -qF '\"path\":\"/openai/deployments/emb-dep/embeddings\",\"query\":\"api-version=2024-06-01\"' '$T/log' &&
	grep -qF '\"body\":{\"input\":[\"x\"]}' '$T/log'"
AZURE_OPENAI_ENDPOINT=$AZ AZURE_OPENAI_API_VERSION=2024-06-01 azchat "azure:dep2?api_version=2025-01-01-preview" x
ok "azure: api_version in the spec beats the environment" log_has '"path":"/openai/deployments/dep2/chat/completions","query":"api-version=2025-01-01-preview"'

start
azchat "azure:my-dep?endpoint=$AZ&api_version=v1&max_tokens=20" hello
ok "azure v1: /openai/v1/chat/completions, no query, model in the body" \
	sh -c "[ $RC -eq 0 ] && grep -qF '\"path\":\"/openai/v1/chat/completions\",\"query\":null' '$T/log' &&
	grep -qF '\"body\":{\"model\":\"my-dep\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"temperature\":0,\"max_tokens\":20}' '$T/log'"
azchat "azure:my-dep?endpoint=$AZ&api_version=v1&embedding_model=emb-dep" hello --embed
ok "azure v1 embeddings: /openai/v1/embeddings with the embedding deployment as model" \
	sh -c "[ $RC -eq 0 ] && grep -qF '\"path\":\"/openai/v1/embeddings\",\"query\":null' '$T/log' &&
	grep -qF '\"body\":{\"model\":\"emb-dep\",\"input\":[\"hello\"]}' '$T/log'"

start
N=$((N + 1))
AZURE_OPENAI_AD_TOKEN=$AZKEY "$R" chat "azure:my-dep?endpoint=$AZ" hi >"$T/out" 2>"$T/err"
RC=$?
cat "$T/out" "$T/err" >"$T/all.$N"
ok "azure: AZURE_OPENAI_AD_TOKEN as Authorization: Bearer" \
	sh -c "[ $RC -eq 0 ] && grep -qF '\"authorization\":\"Bearer $AZKEY\"' '$T/log' && ! grep -qF '\"api-key\"' '$T/log'"

# ---- bad specs: exit 2 before anything is sent ----------------------------------

start
expect_exit 2 "unknown spec key refused" env OPENAI_API_KEY=$KEY "$R" chat "openai:m?base_url=$URL&temprature=1" hi
ok "unknown spec key named" grep -qF "'temprature'" "$T/err"
expect_exit 2 "temperature not a number refused" env OPENAI_API_KEY=$KEY "$R" chat "openai:m?base_url=$URL&temperature=warm" hi
ok "temperature message quotes the value" grep -qF "temperature 'warm'" "$T/err"
expect_exit 2 "max_tokens 0 refused" env OPENAI_API_KEY=$KEY "$R" chat "openai:m?base_url=$URL&max_tokens=0" hi
expect_exit 2 "azure without an endpoint refused" env AZURE_OPENAI_API_KEY=$AZKEY "$R" chat azure:dep hi
ok "azure endpoint message says what to set" grep -qF 'AZURE_OPENAI_ENDPOINT' "$T/err"
expect_exit 2 "azure without a key refused" "$R" chat "azure:dep?endpoint=$AZ" hi
ok "azure key message names the variables" grep -qF 'AZURE_OPENAI_API_KEY' "$T/err"
expect_exit 2 "base_url not http(s) refused" env OPENAI_API_KEY=$KEY "$R" chat "openai:m?base_url=ftp://x" hi
expect_exit 2 "api.openai.com without OPENAI_API_KEY refused" "$R" chat openai:gpt-4o-mini hi
ok "nothing was sent for bad specs" [ "$(log_lines)" -eq 0 ]

# ---- faults: survived --------------------------------------------------------------

survives() {
	# NAME MIN_MS: the last chat answered ok on its second attempt, taking at least MIN_MS
	lat=$(field latency_ms)
	ok "$1: answered after a retry (attempts 2, ${lat:-?} ms)" sh -c "[ $RC -eq 0 ] && grep -qF '\"status\":\"ok\"' '$T/out' &&
		grep -qF '\"attempts\":2,' '$T/out' && [ \$(wc -l <'$T/log') -eq 2 ]"
	[ -n "$2" ] && ok "$1: waited at least $2 ms" between "${lat:-0}" "$2" 100000
}
faults "1 429 1"
chat "openai:m?base_url=$URL" hi --format jsonl
survives "429 with Retry-After: 1" 950
faults "1 429ms 300"
chat "openai:m?base_url=$URL" hi --format jsonl
survives "429 with retry-after-ms: 300" 290
ok "429 with retry-after-ms: 300 replaces the backoff (under 1 s)" between "$(field latency_ms)" 0 1000
faults "1 429date"
chat "openai:m?base_url=$URL" hi --format jsonl
survives "429 with an HTTP-date Retry-After"
for s in 500 502 503 504; do
	faults "1 $s"
	chat "openai:m?base_url=$URL" hi --format jsonl
	survives "HTTP $s"
done
faults "1 drop"
chat "openai:m?base_url=$URL" hi --format jsonl
survives "dropped connection"
faults "1 truncate"
chat "openai:m?base_url=$URL" hi --format jsonl
survives "truncated transfer"
faults "1 delay 3000"
chat "openai:m?base_url=$URL" hi --format jsonl --timeout 1
survives "answer slower than --timeout 1" 950
ok "answer slower than --timeout: the slow attempt was cut at 1 s" between "$(field latency_ms)" 950 2500

# ---- faults: reported ---------------------------------------------------------------

faults "1 truncate"
chat "openai:m?base_url=$URL" hi --format jsonl --attempts 1
ok "truncated transfer, no retries left: error with the reason, exit 4" \
	sh -c "[ $RC -eq 4 ] && grep -qF '\"status\":\"error\"' '$T/out' && grep -qF 'connection failed after 1 attempt: transfer closed' '$T/out'"
faults "1 delay 3000"
chat "openai:m?base_url=$URL" hi --format jsonl --timeout 1 --attempts 1
ok "slower than --timeout, no retries left: timeout error, exit 4" \
	sh -c "[ $RC -eq 4 ] && grep -qF '\"error\":\"timeout after 1 attempt (1 s each)\"' '$T/out'"
faults "1-10 503"
chat "openai:m?base_url=$URL" hi --format jsonl --attempts 3
ok "503 every time: 'HTTP 503 after 3 attempts' with the server's message, exit 4" \
	sh -c "[ $RC -eq 4 ] && grep -qF '\"error\":\"HTTP 503 after 3 attempts: The server had an error' '$T/out' && [ \$(wc -l <'$T/log') -eq 3 ]"
faults "1 badjson"
chat "openai:m?base_url=$URL" hi --format jsonl
ok "bad JSON: error naming it, not retried, exit 4" \
	sh -c "[ $RC -eq 4 ] && grep -qF '\"error\":\"malformed response: not JSON' '$T/out' && grep -qF '\"attempts\":1,' '$T/out'"
faults "1 oversize 9000000"
chat "openai:m?base_url=$URL" hi --format jsonl
ok "body over 8 MiB: error, not retried, exit 4" \
	sh -c "[ $RC -eq 4 ] && grep -qF '\"error\":\"response body over 8 MiB\"' '$T/out' && grep -qF '\"attempts\":1,' '$T/out'"
faults "1 oversize 100000"
chat "openai:m?base_url=$URL" hi --format jsonl
ok "a 100 KB body is fine" [ $RC -eq 0 ]
faults "1 filter" "2 filter200"
azchat "azure:dep?endpoint=$AZ" one --format jsonl
ok "Azure content filter (400 content_filter): refused, not retried" \
	sh -c "grep -qF '\"status\":\"refused\"' '$T/out' && grep -qF 'content management policy' '$T/out' &&
	grep -qF '\"finish_reason\":\"content_filter\",\"http_status\":400,\"attempts\":1' '$T/out'"
azchat "azure:dep?endpoint=$AZ" two --format jsonl
ok "content filter on a 200 (finish_reason content_filter, content null): refused" \
	sh -c "[ $RC -eq 4 ] && grep -qF '\"status\":\"refused\"' '$T/out' && grep -qF '\"finish_reason\":\"content_filter\",\"http_status\":200' '$T/out'"

faults "1 401"
chat "openai:m?base_url=$URL" $(seq 1 20) --concurrency 1
ok "401: every answer fatal, exit 4, within 2 s (${MS} ms)" \
	sh -c "[ $RC -eq 4 ] && [ \$(grep -c '^\[[0-9]*\] fatal: ' '$T/out') -eq 20 ] && [ $MS -lt 2000 ]"
ok "401: the message says to check OPENAI_API_KEY" grep -qF '[1] fatal: HTTP 401 Unauthorized from '"$URL"': check OPENAI_API_KEY' "$T/out"
ok "401: the queue failed fast (1 request sent, not 20 x 6)" [ "$(log_lines)" -eq 1 ]
faults "1 401"
chat "openai:m?base_url=$URL" $(seq 1 200) --concurrency 8
# the 7 sent alongside the 401 may come back fine; nothing is sent after it
ok "401 with 8 in flight: at most 8 requests sent, the other 192 or more fatal" \
	sh -c "[ \$(wc -l <'$T/log') -le 8 ] && [ \$(grep -c '^\[[0-9]*\] fatal: ' '$T/out') -ge 192 ] && [ \$(wc -l <'$T/out') -eq 200 ]"
faults "1 403"
azchat "azure:dep?endpoint=$AZ" hi
ok "403: fatal, check AZURE_OPENAI_API_KEY" sh -c "[ $RC -eq 4 ] && grep -qF 'fatal: HTTP 403 Forbidden from $AZ: check AZURE_OPENAI_API_KEY' '$T/out'"
faults "1 404"
azchat "azure:nodep?endpoint=$AZ" hi
ok "404: fatal, check the deployment name, endpoint and api_version" \
	sh -c "[ $RC -eq 4 ] && grep -qF \"fatal: HTTP 404 Not Found from $AZ: check the model or deployment name ('nodep'), the endpoint and api_version\" '$T/out'"

start
N=$((N + 1))
OPENAI_API_KEY=sk-wrong-key-9999 "$R" chat "openai:m?base_url=$URL" hi >"$T/out" 2>"$T/err"
RC=$?
cat "$T/out" "$T/err" >"$T/all.$N"
ok "a wrong key: the server's 401 is fatal, exit 4" sh -c "[ $RC -eq 4 ] && grep -qF 'fatal: HTTP 401' '$T/out'"
ok "a wrong key: never printed" sh -c "! grep -qF sk-wrong-key-9999 '$T/out' '$T/err'"

# connection refused: the server is gone
kill "$PID"
wait "$PID" 2>/dev/null
PID=""
chat "openai:m?base_url=$URL" hi --attempts 2
ok "connection refused: retried, then an error, exit 4" \
	sh -c "[ $RC -eq 4 ] && grep -qF 'error: connection failed after 2 attempts' '$T/out'"

# ---- load: transient failures, concurrency, rate limits ---------------------------

start --fail-rate 0.2
chat "openai:m?base_url=$URL" $(seq 1 50) --format jsonl
ok "--fail-rate 0.2, 50 prompts: all answered, exit 0" sh -c "[ $RC -eq 0 ] && [ \$(grep -cF '\"status\":\"ok\"' '$T/out') -eq 50 ]"
ok "--fail-rate 0.2: some were retried" sh -c "grep -qF '\"fault\":\"fail-rate\"' '$T/log' && grep -qF '\"attempts\":2' '$T/out'"
ok "answers print in input order" sh -c "seq 1 50 | sed 's/^/\"id\":/' >'$T/ids' && grep -o '\"id\":[0-9]*' '$T/out' | cmp -s - '$T/ids'"

start --latency 200
chat "openai:m?base_url=$URL" $(seq 1 16) --concurrency 8
ok "16 prompts, 200 ms each, --concurrency 8: two rounds, ${MS} ms (not 3.2 s)" \
	sh -c "[ $RC -eq 0 ] && [ $MS -ge 390 ] && [ $MS -lt 1200 ]"
chat "openai:m?base_url=$URL" $(seq 1 4) --concurrency 1
ok "4 prompts, 200 ms each, --concurrency 1: one at a time, ${MS} ms" sh -c "[ $RC -eq 0 ] && [ $MS -ge 790 ]"

start
chat "openai:m?base_url=$URL" $(seq 1 123) --rpm 120
ok "--rpm 120, 123 prompts: a minute's burst, then 2 per second (${MS} ms >= 1.4 s)" \
	sh -c "[ $RC -eq 0 ] && [ $MS -ge 1400 ] && [ $MS -lt 6000 ]"
chat "openai:m?base_url=$URL" $(seq 1 123)
ok "without --rpm the same burst is quick (${MS} ms)" sh -c "[ $RC -eq 0 ] && [ $MS -lt 1400 ]"
# each request is estimated at about 1000 tokens before it is sent, but costs 7; a bucket
# of 1100 would pass one per 55 s if the estimate were never corrected from usage
chat "openai:m?base_url=$URL&max_tokens=1000" $(seq 1 5) --tpm 1100
ok "--tpm: estimates corrected from usage keep 5 prompts quick (${MS} ms)" sh -c "[ $RC -eq 0 ] && [ $MS -lt 5000 ]"

# ---- secrets ---------------------------------------------------------------------

cat "$T"/all.* >"$T/everything"
ok "no key in any output or error ($N commands)" \
	sh -c "[ -s '$T/everything' ] && ! grep -qF -e '$KEY' -e '$AZKEY' '$T/everything'"
ok "no sanitizer report in any output" sh -c "[ -s '$T/everything' ] && ! grep -q -e 'runtime error' -e 'Sanitizer' '$T/everything'"

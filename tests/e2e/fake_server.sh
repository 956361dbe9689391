#!/bin/sh
# fake_server.sh: the fake OpenAI/Azure server (tests/fake_server.c) routes, checks, answers, fails and logs as tests/FAKE_SERVER.md says.
. tests/e2e/lib.sh

SERVER=${BUILD:-build}/fake_server
T=${TMPDIR:-/tmp}

if ! command -v curl >/dev/null 2>&1; then
	skip "fake server" "curl is not installed (apt-get install -y curl)"
	exit 0
fi
if [ ! -x "$SERVER" ]; then
	echo "not ok - fake server binary $SERVER is missing (make $SERVER)"
	exit 0
fi

trap 'fake_stop_all' EXIT
trap 'exit 130' INT TERM

# start NAME ARGS...: start a server; sets PORT and PID (port file waited for, at most 5 s).
start() {
	sname=$1
	shift
	fake_start "$sname" --idle-exit 30 "$@"
	PID=$FAKE_PID
	PORT=$FAKE_PORT
}

# post PATH BODY [CURL ARGS...]: prints the status; body in $T/body, headers in $T/hdr.
post() {
	ppath=$1
	pbody=$2
	shift 2
	curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary "$pbody" "$@" "http://127.0.0.1:$PORT$ppath"
}

# is NAME WANT GOT: ok when equal, else not ok with both shown and the last body.
is() {
	if [ "$2" = "$3" ]; then
		echo "ok - $1"
	else
		echo "not ok - $1 (expected '$2', got '$3')"
		head -c 400 "$T/body" 2>/dev/null | sed 's/^/#   /'
		echo
	fi
}

has_body() { grep -qF -e "$1" "$T/body"; }
has_hdr() { tr -d '\r' <"$T/hdr" | grep -qi -e "$1"; }

CHAT='{"model":"gpt-test","messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}]}'
AZCHAT='{"messages":[{"role":"user","content":"hello"}]}'
EMB='{"model":"emb-test","input":["apple","banana"]}'

# ---- a server with keys and a log
LOG="$T/requests.jsonl"
start main --key sk-test --azure-key az-test --log "$LOG"
check "port file holds the port" grep -qx '[0-9][0-9]*' "$T/main.port"
check "port file was renamed into place" test ! -e "$T/main.port.tmp"
check "prints where it listens" grep -q "^listening on 127.0.0.1:$PORT\$" "$T/main.err"

# an idle-exit server, checked at the end
"$SERVER" --idle-exit 1 2>/dev/null &
IDLE_PID=$!
FAKE_PIDS="$FAKE_PIDS $IDLE_PID"

is "openai chat 200" 200 "$(post /v1/chat/completions "$CHAT" -H 'Authorization: Bearer sk-test')"
check "openai chat echoes the last user message" has_body '"content":"echo: hello"'
check "openai chat shape" has_body '"object":"chat.completion","created":0,"model":"gpt-test","choices":[{"index":0,"message":{"role":"assistant","content":"echo: hello"},"finish_reason":"stop"}]'
# prompt "be brief" + "hello" = 13 bytes -> 4 tokens; "echo: hello" = 11 bytes -> 3
check "openai chat usage" has_body '"usage":{"prompt_tokens":4,"completion_tokens":3,"total_tokens":7}'
check "json content type" has_hdr '^content-type: application/json'
check "x-answer-format names the policy" has_hdr '^x-answer-format: echo$'

is "openai embeddings 200" 200 "$(post /v1/embeddings "$EMB" -H 'Authorization: Bearer sk-test')"
cp "$T/body" "$T/emb1"
check "embeddings shape" has_body '"object":"list","data":[{"object":"embedding","index":0,"embedding":['
check "embeddings model and usage" has_body '"model":"emb-test","usage":{"prompt_tokens":3,"total_tokens":3}'
# vectors: the arrays after "embedding":
vectors() { { cat "$1"; echo; } | sed 's/"embedding":\[/\n/g' | sed -n '2,$p' | sed 's/\].*//'; }
vectors "$T/emb1" >"$T/vecs"
is "two vectors" 2 "$(wc -l <"$T/vecs" | tr -d ' ')"
is "8 dimensions by default" 8 "$(head -n 1 "$T/vecs" | tr ',' '\n' | wc -l | tr -d ' ')"
check "vectors are L2-normalised" awk -F, '{ s = 0; for (i = 1; i <= NF; i++) s += $i * $i; if (s < 0.9999 || s > 1.0001) exit 1 }' "$T/vecs"
check "different texts, different vectors" test "$(sed -n 1p "$T/vecs")" != "$(sed -n 2p "$T/vecs")"
post /v1/embeddings '{"model":"other","input":"banana"}' -H 'Authorization: Bearer sk-test' >/dev/null
is "same text, same vector (deterministic)" "$(sed -n 2p "$T/vecs")" "$(vectors "$T/body")"
post /v1/embeddings '{"model":"emb-test","input":"x","dimensions":3}' -H 'Authorization: Bearer sk-test' >/dev/null
is "dimensions in the request" 3 "$(vectors "$T/body" | tr ',' '\n' | wc -l | tr -d ' ')"

# Azure classic and v1
AZ=/openai/deployments/my-dep
is "azure classic chat 200 (api-key)" 200 "$(post "$AZ/chat/completions?api-version=2024-10-21" "$AZCHAT" -H 'api-key: az-test')"
check "azure classic model is the deployment" has_body '"model":"my-dep"'
check "azure answer carries filter results" has_body '"prompt_filter_results"'
is "azure classic chat 200 (bearer)" 200 "$(post "$AZ/chat/completions?api-version=2024-10-21" "$AZCHAT" -H 'Authorization: Bearer az-test')"
is "azure classic embeddings 200" 200 "$(post "$AZ/embeddings?api-version=2024-10-21" '{"input":"a"}' -H 'api-key: az-test')"
is "azure classic without api-version 404" 404 "$(post "$AZ/chat/completions" "$AZCHAT" -H 'api-key: az-test')"
check "azure 404 says resource not found" has_body 'Resource not found'
is "azure v1 chat 200 (api-version=v1)" 200 "$(post "/openai/v1/chat/completions?api-version=v1" "$CHAT" -H 'api-key: az-test')"
is "azure v1 chat 200 (no api-version)" 200 "$(post /openai/v1/chat/completions "$CHAT" -H 'api-key: az-test')"
is "azure v1 embeddings 200" 200 "$(post /openai/v1/embeddings "$EMB" -H 'api-key: az-test')"
is "azure v1 with a dated api-version 400" 400 "$(post "/openai/v1/chat/completions?api-version=2024-10-21" "$CHAT" -H 'api-key: az-test')"
is "azure v1 needs model" 400 "$(post /openai/v1/chat/completions "$AZCHAT" -H 'api-key: az-test')"

# auth
is "openai without key 401" 401 "$(post /v1/chat/completions "$CHAT")"
check "401 body is an openai error" has_body '{"error":{"message":'
is "openai wrong key 401" 401 "$(post /v1/chat/completions "$CHAT" -H 'Authorization: Bearer sk-wrong')"
check "401 does not echo the key" sh -c "grep -qF '\"error\"' '$T/body' && ! grep -q sk-wrong '$T/body'"
is "azure without key 401" 401 "$(post "$AZ/chat/completions?api-version=2024-10-21" "$AZCHAT")"
is "azure wrong api-key 401" 401 "$(post "$AZ/chat/completions?api-version=2024-10-21" "$AZCHAT" -H 'api-key: nope')"
is "openai key on an azure path 401" 401 "$(post /openai/v1/chat/completions "$CHAT" -H 'Authorization: Bearer sk-test')"

# validation
is "content type text/plain 400" 400 "$(curl -s -o "$T/body" -w '%{http_code}' -H 'Authorization: Bearer sk-test' -H 'Content-Type: text/plain' --data-binary "$CHAT" "http://127.0.0.1:$PORT/v1/chat/completions")"
check "content type message" has_body 'Content-Type must be application/json'
is "body not JSON 400" 400 "$(post /v1/chat/completions 'not json' -H 'Authorization: Bearer sk-test')"
is "body an array 400" 400 "$(post /v1/chat/completions '[1,2]' -H 'Authorization: Bearer sk-test')"
is "no messages 400" 400 "$(post /v1/chat/completions '{"model":"m"}' -H 'Authorization: Bearer sk-test')"
check "no messages named" has_body "'messages'"
is "empty messages 400" 400 "$(post /v1/chat/completions '{"model":"m","messages":[]}' -H 'Authorization: Bearer sk-test')"
is "message without content 400" 400 "$(post /v1/chat/completions '{"model":"m","messages":[{"role":"user"}]}' -H 'Authorization: Bearer sk-test')"
check "message without content named" has_body "'messages[0].content'"
is "message not an object 400" 400 "$(post /v1/chat/completions '{"model":"m","messages":["hi"]}' -H 'Authorization: Bearer sk-test')"
is "openai chat without model 400" 400 "$(post /v1/chat/completions "$AZCHAT" -H 'Authorization: Bearer sk-test')"
check "missing model named" has_body "'model'"
is "openai embeddings without model 400" 400 "$(post /v1/embeddings '{"input":"a"}' -H 'Authorization: Bearer sk-test')"
is "embeddings input a number 400" 400 "$(post /v1/embeddings '{"model":"m","input":3}' -H 'Authorization: Bearer sk-test')"
check "bad input named" has_body "'input'"
is "embeddings input array of numbers 400" 400 "$(post /v1/embeddings '{"model":"m","input":["a",1]}' -H 'Authorization: Bearer sk-test')"
is "stream refused 400" 400 "$(post /v1/chat/completions '{"model":"m","stream":true,"messages":[{"role":"user","content":"x"}]}' -H 'Authorization: Bearer sk-test')"
is "GET on a route 405" 405 "$(curl -s -o "$T/body" -w '%{http_code}' "http://127.0.0.1:$PORT/v1/chat/completions")"
is "unknown path 404" 404 "$(post /v1/completions "$CHAT" -H 'Authorization: Bearer sk-test')"
check "404 body is an openai error" has_body '"type":"invalid_request_error","param":null,"code":"unknown_url"'

# keep-alive: two requests on one connection
curl -sv -o /dev/null -o /dev/null -H 'Content-Type: application/json' -H 'Authorization: Bearer sk-test' \
	--data-binary "$CHAT" "http://127.0.0.1:$PORT/v1/chat/completions" "http://127.0.0.1:$PORT/v1/chat/completions" 2>"$T/verbose"
check "keep-alive: connection reused" grep -qi 're-using existing connection' "$T/verbose"

# a large body: Expect 100-continue answered at once (curl would wait 1 s otherwise)
head -c 2000000 /dev/zero | tr '\0' a | sed 's/^/{"model":"m","messages":[{"role":"user","content":"/; s/$/"}]}/' >"$T/big.json"
code=$(curl -s -o "$T/body" -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' -H 'Authorization: Bearer sk-test' \
	--data-binary @"$T/big.json" "http://127.0.0.1:$PORT/v1/chat/completions")
is "2 MB body 200" 200 "${code% *}"
check "2 MB body without waiting for Expect (<0.9 s)" awk -v t="${code#* }" 'BEGIN { exit !(t < 0.9) }'
head -c 17000000 /dev/zero | tr '\0' a >"$T/huge.json"
is "body over 16 MiB 400" 400 "$(curl -s -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @"$T/huge.json" "http://127.0.0.1:$PORT/v1/chat/completions")"
rm -f "$T/huge.json" "$T/big.json"
is "chunked body 411" 411 "$(post /v1/chat/completions "$CHAT" -H 'Authorization: Bearer sk-test' -H 'Transfer-Encoding: chunked')"

# malformed HTTP, through bash's /dev/tcp
if command -v bash >/dev/null 2>&1 && command -v timeout >/dev/null 2>&1; then
	raw() { timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; cat >&3; cat <&3' 2>/dev/null | head -n 1 | tr -d '\r'; }
	is "bad request line 400" "HTTP/1.1 400 Bad Request" "$(printf 'GARBAGE\r\n\r\n' | raw)"
	is "bad HTTP version 400" "HTTP/1.1 400 Bad Request" "$(printf 'POST /v1/embeddings HTTP/9.9\r\n\r\n' | raw)"
	is "bad header line 400" "HTTP/1.1 400 Bad Request" "$(printf 'POST /v1/embeddings HTTP/1.1\r\nno colon here\r\n\r\n' | raw)"
	is "bad Content-Length 400" "HTTP/1.1 400 Bad Request" "$(printf 'POST /v1/embeddings HTTP/1.1\r\nContent-Length: -5\r\n\r\n' | raw)"
	is "header over 64 KiB 400" "HTTP/1.1 400 Bad Request" \
		"$( (printf 'POST /v1/embeddings HTTP/1.1\r\nX-Big: '; head -c 70000 /dev/zero | tr '\0' a; printf '\r\n\r\n') | raw)"
	# a client that leaves mid-body, then one that leaves mid-head
	leave() { timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; cat >&3' 2>/dev/null; }
	printf 'POST /v1/embeddings HTTP/1.1\r\nContent-Length: 100\r\n\r\n{"mod' | leave
	printf 'POST /v1/emb' | leave
	# two pipelined requests, answered in order; HTTP/1.0 closes after its answer
	req='POST /openai/deployments/d/embeddings?api-version=1 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\napi-key: az-test\r\nContent-Length: 13\r\n\r\n{"input":"a"}'
	n=$( (printf "$req$req"; printf 'POST /x HTTP/1.0\r\n\r\n') | timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; cat >&3; cat <&3' 2>/dev/null |
		grep -o -e '^HTTP/1.1 [0-9]*' -e '}HTTP/1.1 [0-9]*' -e '^x-request-id: [0-9]*' | tr -d '}\r' | tr '\n' ' ')
	# "HTTP/1.1 200 x-request-id: K HTTP/1.1 200 x-request-id: K+1 HTTP/1.1 404 x-request-id: K+2"
	is "pipelined requests answered in order" "200 200 404 in order" \
		"$(echo "$n" | awk '{ print $2, $6, $10, ($8 == $4 + 1 && $12 == $8 + 1) ? "in order" : "out of order" }')"
else
	skip "malformed HTTP" "bash or timeout missing"
fi
is "still serving after malformed requests" 200 "$(post /v1/chat/completions "$CHAT" -H 'Authorization: Bearer sk-test')"

# the log
check "log: one line per request, numbered" sh -c "awk 'END { exit !(NR >= 40) }' '$LOG' && head -n 1 '$LOG' | grep -q '^{\"n\":1,\"method\":\"POST\",\"path\":\"/v1/chat/completions\",\"query\":null,'"
check "log: headers lower case, authorization kept" sh -c "head -n 1 '$LOG' | grep -qF '\"headers\":{\"content-type\":\"application/json\",\"authorization\":\"Bearer sk-test\",\"user-agent\":\"curl/'"
check "log: parsed body and status" sh -c "head -n 1 '$LOG' | grep -qF '\"body\":{\"model\":\"gpt-test\",\"messages\":[' && head -n 1 '$LOG' | grep -qF '\"status\":200,\"fault\":null,\"answer_format\":\"echo\"}'"
check "log: api-key and query" grep -qF '"query":"api-version=2024-10-21","headers":{"content-type":"application/json","api-key":"az-test"' "$LOG"
check "log: a body that is not JSON is a string" grep -qF '"body":"not json","status":400' "$LOG"
check "log: 401 recorded" grep -qF '"status":401' "$LOG"
check "log: malformed request recorded" grep -qF '"method":null,"path":null' "$LOG"

# concurrency: 64 requests at once with 300 ms latency each take about 300 ms, not 19 s
start slow --latency 300
t0=$(date +%s%N)
set --
for i in $(seq 64); do set -- "$@" -o /dev/null "http://127.0.0.1:$PORT/v1/embeddings"; done
curl -s -Z --parallel-max 64 -w '%{http_code}\n' -H 'Content-Type: application/json' \
	--data-binary '{"model":"m","input":"x"}' "$@" >"$T/codes" 2>/dev/null
t1=$(date +%s%N)
is "64 parallel requests answered 200" 64 "$(grep -c '^200$' "$T/codes")"
ms=$(( (t1 - t0) / 1000000 ))
check "64 parallel 300 ms requests in under 2 s (took ${ms} ms)" test "$ms" -lt 2000
kill "$PID"

# ---- answer policies
start rank --answer rank
post /v1/chat/completions '{"model":"m","messages":[{"role":"user","content":"old"},{"role":"assistant","content":"1. no"},{"role":"user","content":"Rank:\n1. Toy Story (1995)\n2. Heat (1995)\nnot 3 this\n10. Fargo (1996)\n"}]}' >/dev/null
check "rank: numbered lines reversed and renumbered" has_body '"content":"1. Fargo (1996)\n2. Heat (1995)\n3. Toy Story (1995)"'
post /v1/chat/completions '{"model":"m","messages":[{"role":"user","content":"nothing numbered"}]}' >/dev/null
check "rank: no candidates" has_body '"content":"no candidates"'
kill "$PID"
start fixed --answer 'fixed:The answer is 42.'
post /v1/chat/completions "$CHAT" >/dev/null
check "fixed answer" has_body '"content":"The answer is 42."'
kill "$PID"

# ---- --answer formats: prompts shaped like receval's, every format, read back
# prompts.awk writes N.json (a request) and a manifest line "N KIND" for each prompt:
# rank (numbered candidates), lrank (lettered, no question), mc (A-J and "the letter"), retr, none
mkdir -p "$T/fmt"
awk -v dir="$T/fmt" -v q="'" 'BEGIN {
	nt = split("Toy Story (1995)|The Godfather (1972)|Heat (1995)|Fargo (1996)|A Clockwork Orange (1971)|" \
		   "Casablanca (1942)|Alien (1979)|Babe (1995)|Jumanji (1995)|Se7en (1995)|" \
		   "An American Werewolf in London (1981)|Twelve Monkeys (1995)", T, "|")
	comma = "Postino, Il (1994)"
	id = 0
	for (i = 1; i <= 60; i++) {            # ranking, numbered; every 8th has a title with a comma
		m = 3 + i % 4
		c = ""
		for (j = 1; j <= m; j++)
			c = c j ". " ((i % 8 == 0 && j == 2) ? comma : T[(i * 5 + j * 7) % nt + 1]) "\\n"
		emit("rank", hist(i, 2) "\\nRank these " m " candidates from the most to the least likely to be " \
		     "the user" q "s next item. Answer with the candidate numbers, one per line.\\n" c)
	}
	for (i = 1; i <= 6; i++) {             # lettered candidates, not a multiple-choice question
		c = ""
		for (j = 1; j <= 4; j++)
			c = c substr("ABCD", j, 1) ". " T[(i * 3 + j * 5) % nt + 1] "\\n"
		emit("lrank", hist(i, 2) "\\nOrder these options, best first, one label per line.\\n" c)
	}
	for (i = 1; i <= 60; i++)              # retrieval: the history reversed, up to k
		emit("retr", hist(i, 3 + i % 6) "\\nRecommend " (1 + i % 10) " items the user has not interacted " \
		     "with yet, most likely first. Answer with their exact titles, one per line.\\n")
	for (i = 1; i <= 30; i++) {            # multiple choice, as suites/templates/mc_seq.txt
		c = ""
		for (j = 1; j <= 10; j++)
			c = c substr("ABCDEFGHIJ", j, 1) ". " T[(i * 5 + j * 7) % nt + 1] "\\n"
		emit("mc", hist(i, 3) "\\nWhich one of these 10 items will the user interact with next?\\n" c \
		     "\\nAnswer with the letter of one option.")
	}
	emit("none", "hello")
}
function hist(i, n,   s, j) {
	s = "The user interacted with these items, oldest first:\\n- Home Movie " id " (" 1950 + id % 60 ")\\n"
	for (j = 1; j <= n; j++)
		s = s "- " T[(i + j * 11) % nt + 1] "\\n"
	return s
}
function emit(kind, user,   f) {
	f = sprintf("%s/%03d", dir, ++id)
	printf "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a recommender system.\"}," \
	       "{\"role\":\"user\",\"content\":\"%s\"}]}", user >(f ".json")
	close(f ".json")
	print id, kind >(dir "/manifest")
}'
FMTLOG="$T/formats.jsonl"
start formats --answer formats --log "$FMTLOG"
# one curl, one connection, every prompt
set --
for f in "$T"/fmt/*.json; do
	[ $# -gt 0 ] && set -- "$@" --next
	set -- "$@" -s -o "${f%.json}.body" -D "${f%.json}.hdr" -H 'Content-Type: application/json' \
		--data-binary @"$f" "http://127.0.0.1:$PORT/v1/chat/completions"
done
t0=$(date +%s%N)
curl "$@"
t1=$(date +%s%N)
nprompts=$(wc -l <"$T/fmt/manifest" | tr -d ' ')
is "formats: $nprompts prompts answered 200" "$nprompts" "$(cat "$T"/fmt/*.hdr | grep -c '^HTTP/1.1 200')"
check "formats: $nprompts requests in under 3 s (took $(( (t1 - t0) / 1000000 )) ms)" test $(( (t1 - t0) / 1000000 )) -lt 3000
# formats_of KIND: the x-answer-format values sent for prompts of that kind, one per line, sorted
formats_of() {
	awk -v k="$1" '$2 == k { printf "%03d\n", $1 }' "$T/fmt/manifest" | while read -r n; do
		tr -d '\r' <"$T/fmt/$n.hdr" | sed -n 's/^x-answer-format: //p'
	done | sort -u
}
# covers KIND NAMES...: every name was sent for some prompt of KIND
covers() {
	ckind=$1
	shift
	formats_of "$ckind" >"$T/fmt/seen"
	missing=""
	for name in "$@"; do
		grep -qx "$name" "$T/fmt/seen" || missing="$missing $name"
	done
	if [ -z "$missing" ]; then
		echo "ok - formats: $ckind prompts got all of $*"
	else
		echo "not ok - formats: $ckind prompts never got:$missing (got: $(tr '\n' ' ' <"$T/fmt/seen"))"
	fi
}
covers rank numbered paren hash dash star comma end json quoted think numbers bold noyear article
covers retr numbered paren hash dash star comma end json quoted think bold noyear article
covers mc mc-letter mc-paren mc-answer mc-bold mc-letter-title mc-title mc-sentence
is "formats: retrieval never gets candidate numbers" "" "$(formats_of retr | grep -x numbers)"
is "formats: lettered candidates without a question are a list" "" "$(formats_of lrank | grep '^mc-')"
is "formats: a prompt without candidates or history" "none" "$(formats_of none)"
check "formats: the log names each answer's format" sh -c "[ \$(grep -c '\"status\":200,\"fault\":null,\"answer_format\":\"[a-z-]*\"}\$' '$FMTLOG') -eq $nprompts ]"
# the same prompt, the same answer
post /v1/chat/completions "$(cat "$T/fmt/001.json")" >/dev/null
check "formats: deterministic" cmp -s "$T/body" "$T/fmt/001.body"
kill "$PID"

# Every body is JSON, its format is the one the prompt's FNV-1a picks, and its
# content reads back as the reversed candidates (retrieval: history, up to k).
if command -v python3 >/dev/null 2>&1; then
	python3 - "$T/fmt" <<'PY'
import json, os, re, sys

d = sys.argv[1]
LIST = ["numbered", "paren", "hash", "dash", "star", "comma", "end", "json", "quoted", "think",
        "numbers", "bold", "noyear", "article"]
MC = ["mc-letter", "mc-paren", "mc-answer", "mc-bold", "mc-letter-title", "mc-title", "mc-sentence"]
ARTICLE = {"The Godfather (1972)": "Godfather, The (1972)", "A Clockwork Orange (1971)": "Clockwork Orange, A (1971)",
           "An American Werewolf in London (1981)": "American Werewolf in London, An (1981)",
           "Postino, Il (1994)": "Il Postino (1994)"}

def fnv1a(b):
    h = 0xcbf29ce484222325
    for c in b:
        h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h

def read_list(fmt, text):
    """The titles (or labels) of an answer written in fmt, by a reader strict about that format."""
    lines = text.split("\n")
    def strict(pattern, ls=lines, numbered=False):
        out = []
        for i, line in enumerate(ls):
            m = re.fullmatch(pattern, line)
            if not m or (numbered and m.group(1) != str(i + 1)):
                raise ValueError("line %r" % line)
            out.append(m.group(m.lastindex))
        return out
    if fmt in ("numbered", "noyear", "article"):
        return strict(r"(\d+)\. (.+)", numbered=True)
    if fmt == "paren":
        return strict(r"(\d+)\) (.+)", numbered=True)
    if fmt == "hash":
        return strict(r"#(\d+) (.+)", numbered=True)
    if fmt == "dash":
        return strict(r"- (.+)")
    if fmt == "star":
        return strict(r"\* (.+)")
    if fmt == "comma":
        return text.split(", ")
    if fmt == "end":
        return text.split("<end>")
    if fmt == "json":
        v = json.loads(text)
        assert isinstance(v, list) and all(isinstance(s, str) for s in v)
        return v
    if fmt == "quoted":
        return strict(r'"(.+)" - [a-z\' ]+')
    if fmt == "bold":
        return strict(r"\*\*(.+)\*\* \(why: [a-z\' ]+\)")
    if fmt == "numbers":
        return strict(r"([0-9]+|[A-J])")
    if fmt == "think":
        m = re.fullmatch(r"<think>\n(.*)\n</think>\n\nHere are my recommendations:\n(.*)", text, re.S)
        if not m or not re.search(r"\n1\. ", m.group(1)):
            raise ValueError("no reasoning block with a numbered line, then the preamble")
        return read_list("numbered", m.group(2))
    raise ValueError("unknown format " + fmt)

bad = {"json": [], "choice": [], "content": [], "mc": []}
kinds = dict(l.split() for l in open(os.path.join(d, "manifest")))
for n, kind in sorted(kinds.items(), key=lambda kv: int(kv[0])):
    base = os.path.join(d, "%03d" % int(n))
    user = json.load(open(base + ".json"))["messages"][-1]["content"]
    raw = open(base + ".body", "rb").read()
    try:
        content = json.loads(raw.decode("utf-8"))["choices"][0]["message"]["content"]
    except Exception as e:
        bad["json"].append("%s: %s" % (n, e))
        continue
    hdr = open(base + ".hdr").read().replace("\r", "")
    got = re.search(r"^x-answer-format: (.*)$", hdr, re.M).group(1)
    num = re.findall(r"^(\d+)\. (.+)$", user, re.M)
    let = re.findall(r"^([A-J])\. (.+)$", user, re.M)
    hist = re.findall(r"^- (.+)$", user, re.M)
    h = fnv1a(user.encode())
    cand = let if len(let) >= 2 else num
    if let and re.search(r"\bletter\b", user, re.I):
        want = MC[h % 7]
        L, title = let[-1]
        ok = content in {"mc-letter": [L], "mc-paren": ["(%s)" % L], "mc-answer": ["Answer: " + L],
                         "mc-bold": ["**%s**" % L], "mc-letter-title": ["%s. %s" % (L, title)],
                         "mc-title": [title], "mc-sentence": ["I think the answer is %s." % L]}.get(got, [])
        if not ok:
            bad["mc"].append("%s (%s): %r" % (n, got, content[:80]))
    elif not cand and not hist:
        want = "none"
        if content != "no candidates":
            bad["content"].append("%s: %r" % (n, content[:80]))
    else:
        if cand:
            want = LIST[h % 14]
            items = list(reversed(cand))
        else:
            i = h % 13
            want = LIST[i + (i >= 10)]
            k = int(re.search(r"Recommend\D*(\d+)", user).group(1))
            items = [("", t) for t in reversed(hist)][:k]
        if want == "comma" and any("," in t for _, t in items):
            want = "numbered"
        expect = {"numbers": [l for l, _ in items],
                  "noyear": [re.sub(r" \(\d{4}\)$", "", t) for _, t in items],
                  "article": [ARTICLE.get(t, t) for _, t in items]}.get(want, [t for _, t in items])
        try:
            if read_list(got, content) != expect:
                raise ValueError("reads %r, not %r" % (read_list(got, content), expect))
        except Exception as e:
            bad["content"].append("%s (%s): %s" % (n, got, e))
    if got != want:
        bad["choice"].append("%s: %s, not %s" % (n, got, want))

names = {"json": "every body is JSON in UTF-8", "choice": "the format is the prompt's FNV-1a modulo the formats",
         "content": "every list reads back as the reversed candidates (retrieval: history, up to k)",
         "mc": "multiple choice answers name the last candidate"}
for key, what in names.items():
    print(("not ok - formats: %s" % what) if bad[key] else ("ok - formats: %s" % what))
    for b in bad[key][:5]:
        print("#   " + b)
PY
else
	skip "formats: answers read back" "python3 is not installed"
fi

# ---- --answer hostile: every hostile answer, a 200 chat completion
start hostile --answer hostile
mkdir -p "$T/hostile"
i=1
while [ $i -le 30 ]; do
	echo "$(post /v1/chat/completions '{"model":"m","messages":[{"role":"user","content":"prompt '$i'"}]}')" >"$T/hostile/$i.code"
	cp "$T/body" "$T/hostile/$i.body"
	name=$(tr -d '\r' <"$T/hdr" | sed -n 's/^x-answer-format: //p')
	[ -e "$T/hostile/$name" ] || cp "$T/body" "$T/hostile/$name"
	i=$((i + 1))
done
is "hostile: 30 answers, all 200" 30 "$(cat "$T"/hostile/*.code | grep -c '^200$')"
for name in hostile-empty hostile-huge hostile-control hostile-utf8 hostile-injection hostile-ones; do
	check "hostile: $name sent" test -e "$T/hostile/$name"
done
check "hostile: empty content" grep -qF '"message":{"role":"assistant","content":""}' "$T/hostile/hostile-empty"
# 1 MiB of A between the quotes
is "hostile: 1 MiB of A" 1048576 "$(grep -o 'AAAA*' "$T/hostile/hostile-huge" | awk '{ print length($0) }')"
check "hostile: control bytes as \\u00XX, none raw" sh -c "grep -qF '\\u0001\\u0002' '$T/hostile/hostile-control' &&
	grep -qF '\\u000a\\u000b\\u000c\\u000d' '$T/hostile/hostile-control' && grep -qF '\\u001fend' '$T/hostile/hostile-control' &&
	! LC_ALL=C grep -q '[[:cntrl:]]' '$T/hostile/hostile-control'"
lead=$(printf 'Toy Story \303(1995)')
cut=$(printf 'cut at the end \360\237\230"')
check "hostile: invalid UTF-8 sent raw" sh -c "LC_ALL=C grep -qF '$lead' '$T/hostile/hostile-utf8' && LC_ALL=C grep -qF '$cut' '$T/hostile/hostile-utf8'"
check "hostile: prompt injection" sh -c "grep -qF '<script>alert(1)</script>' '$T/hostile/hostile-injection' &&
	grep -qF 'Ignore previous instructions' '$T/hostile/hostile-injection'"
is "hostile: 10,000 lines of 1." 10000 "$(grep -o '1\.' "$T/hostile/hostile-ones" | wc -l | tr -d ' ')"
if command -v python3 >/dev/null 2>&1; then
	check "hostile: bodies are JSON (invalid UTF-8 aside)" python3 -c '
import json, sys
for f in sys.argv[1:]:
    b = open(f, "rb").read()
    c = json.loads(b.decode("utf-8", "surrogateescape"))["choices"][0]["message"]["content"]
    assert isinstance(c, str)
    if f.endswith("hostile-control"):
        assert c == "1. control bytes:" + "".join(map(chr, range(1, 32))) + "end", repr(c)
    if f.endswith("hostile-utf8"):
        try:
            b.decode("utf-8")
            sys.exit("hostile-utf8 is valid UTF-8")
        except UnicodeDecodeError:
            pass
' "$T"/hostile/hostile-*
fi
kill "$PID"

# ---- faults
cat >"$T/faults" <<'EOF'
# request number, fault, argument
1 429
2 429 7
3 429ms 250
4 429date
5 500
6 502
7 503
8 504
9 delay 300
10 drop
11 truncate
12 badjson
13 oversize 100000   # bytes
14 filter
15 filter200
16 401
17 403
18 404
20-21 503
EOF
FLOG="$T/faults.jsonl"
start faults --faults "$T/faults" --log "$FLOG"
is "fault 429" 429 "$(post /v1/chat/completions "$CHAT")"
check "fault 429: Retry-After 1" has_hdr '^retry-after: 1$'
check "fault 429: rate limit error body" has_body '"code":"rate_limit_exceeded"'
is "fault 429 7" 429 "$(post /v1/chat/completions "$CHAT")"
check "fault 429 7: Retry-After 7" has_hdr '^retry-after: 7$'
is "fault 429ms" 429 "$(post /v1/chat/completions "$CHAT")"
check "fault 429ms: retry-after-ms 250" has_hdr '^retry-after-ms: 250$'
check "fault 429ms: no Retry-After" sh -c "! tr -d '\r' <'$T/hdr' | grep -qi '^retry-after:'"
is "fault 429date" 429 "$(post /v1/chat/completions "$CHAT")"
check "fault 429date: Retry-After is an HTTP date" has_hdr '^retry-after: [A-Z][a-z][a-z], [0-9][0-9] [A-Z][a-z][a-z] [0-9]\{4\} [0-9:]\{8\} GMT$'
for s in 500 502 503 504; do
	is "fault $s" $s "$(post /v1/chat/completions "$CHAT")"
done
check "5xx body is an error" has_body '{"error":{"message":'
out=$(curl -s -o "$T/body" -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' --data-binary "$CHAT" "http://127.0.0.1:$PORT/v1/chat/completions")
is "fault delay: 200" 200 "${out% *}"
check "fault delay: took at least 300 ms" awk -v t="${out#* }" 'BEGIN { exit !(t >= 0.29) }'
code=$(post /v1/chat/completions "$CHAT"; echo " $?")
is "fault drop: no response (curl 52)" "000 52" "$code"
code=$(post /v1/chat/completions "$CHAT"; echo " $?")
is "fault truncate: partial body (curl 18)" "200 18" "$code"
is "fault badjson 200" 200 "$(post /v1/chat/completions "$CHAT")"
check "fault badjson: body is not JSON" has_body 'oops this is not JSON'
is "fault oversize 200" 200 "$(post /v1/chat/completions "$CHAT")"
is "fault oversize: body is 100000 bytes" 100000 "$(wc -c <"$T/body" | tr -d ' ')"
check "fault oversize: still a chat completion" has_body '"finish_reason":"stop"'
is "fault filter 400" 400 "$(post /v1/chat/completions "$CHAT")"
check "fault filter: content_filter with innererror" sh -c "grep -qF '\"code\":\"content_filter\"' '$T/body' && grep -qF '\"innererror\":{' '$T/body'"
is "fault filter200 200" 200 "$(post /v1/chat/completions "$CHAT")"
check "fault filter200: content null, finish_reason content_filter" has_body '"message":{"role":"assistant","content":null},"finish_reason":"content_filter"'
is "fault 401" 401 "$(post /v1/chat/completions "$CHAT")"
is "fault 403" 403 "$(post /v1/chat/completions "$CHAT")"
is "fault 404" 404 "$(post /v1/chat/completions "$CHAT")"
is "request 19 has no fault" 200 "$(post /v1/chat/completions "$CHAT")"
is "range 20-21: 503" 503 "$(post /v1/chat/completions "$CHAT")"
is "range 20-21: 503 again" 503 "$(post /v1/chat/completions "$CHAT")"
is "after the script, 200" 200 "$(post /v1/chat/completions "$CHAT")"
check "log: drop has status 0" grep -qF '"n":10,' "$FLOG"
check "log: drop has status 0 and its fault" sh -c "grep -F '\"n\":10,' '$FLOG' | grep -qF '\"status\":0,\"fault\":\"drop\",\"answer_format\":null}'"
check "log: 429ms named" grep -qF '"status":429,"fault":"429ms","answer_format":null}' "$FLOG"
is "log: every request counted" 22 "$(wc -l <"$FLOG" | tr -d ' ')"
kill "$PID"

printf '1 explode\n' >"$T/badfaults"
expect_exit 2 "unknown fault refused" "$SERVER" --faults "$T/badfaults"
check "unknown fault message names file and line" grep -q 'badfaults:1: unknown fault' "$T/err"
expect_exit 2 "bad flag value refused" "$SERVER" --answer nonsense

# ---- fail rate: the first sight of each body fails, the second succeeds
start flaky --fail-rate 1
first=$(post /v1/embeddings '{"model":"m","input":"one"}')
case "$first" in
429) check "fail-rate 429 has Retry-After: 0" has_hdr '^retry-after: 0$' ;;
503) echo "ok - fail-rate 503" ;;
*) echo "not ok - fail-rate first answer is $first, not 429 or 503" ;;
esac
is "fail-rate: the same body then succeeds" 200 "$(post /v1/embeddings '{"model":"m","input":"one"}')"
is "fail-rate: and again" 200 "$(post /v1/embeddings '{"model":"m","input":"one"}')"
second=$(post /v1/embeddings '{"model":"m","input":"two"}')
check "fail-rate: a new body fails first ($second)" sh -c "[ '$second' = 429 ] || [ '$second' = 503 ]"
kill "$PID"
start steady --fail-rate 0
is "fail-rate 0 never fails" 200 "$(post /v1/embeddings '{"model":"m","input":"one"}')"

# ---- stopping
kill -TERM "$PID"
wait "$PID"
is "exits 0 on SIGTERM" 0 "$?"
main_pid=$(echo "$FAKE_PIDS" | awk '{ print $1 }')
kill -INT "$main_pid"
wait "$main_pid"
is "exits 0 on SIGINT" 0 "$?"
i=0
while kill -0 "$IDLE_PID" 2>/dev/null && [ $i -lt 30 ]; do
	sleep 0.1
	i=$((i + 1))
done
check "exits by itself after --idle-exit" sh -c "! kill -0 $IDLE_PID 2>/dev/null"

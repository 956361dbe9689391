#!/bin/sh
# seeds.sh: (re)builds the committed seed corpora of the fuzz harnesses, tests/fuzz/corpus/NAME/, from the
# test fixtures, the shipped suites and a few hand-written inputs (regress-* files, past crashes, are kept).
# Deterministic: same fixtures, same files.
# Usage: sh tests/fuzz/seeds.sh   (from the repository root)
set -e
C=tests/fuzz/corpus
F=tests/fixtures
SEP='
=====
'
# inputs that once crashed a harness (regress-*) stay; the rest is made again
[ -d "$C" ] && find "$C" -type f ! -name 'regress-*' -exec rm -f {} +
mkdir -p "$C/suite" "$C/dataset" "$C/trec" "$C/answer" "$C/openai" "$C/exec" "$C/rules"

# seed DIR NAME: stdin into DIR/NAME
seed() { cat >"$C/$1/$2"; }

# suites: the shipped ones and the e2e tests' shapes
for f in suites/*.json; do cp "$f" "$C/suite/$(basename "$f")"; done
printf '{"name": "t", "dataset": {"format": "csv", "path": "$U"}, "models": ["builtin:pop"], "tasks": [{"type": "retrieval", "k": 2}]}' | seed suite var
printf '{"name": "t", "dataset": {"format": "csv", "path": "d.csv", "items": "i.csv", "min_rating": 4},\n"split": {"strategy": "leave-last-out", "max_history": 5},\n"sample": {"users": 3, "seed": 1},\n"tasks": [{"type": "ranking", "candidates": 5, "negatives": "popular", "k": [1, 5], "permutations": 2},\n{"type": "mc", "candidates": 4, "name": "m"}]}' | seed suite tasks

# datasets: first byte 0 csv, 1 tsv, 2 movielens, 3 reclm; files split at the separator
for f in "$F/datasets/good.csv" "$F/datasets/bad/"*.csv; do
	{ printf '\000'; cat "$f"; printf '%s' "$SEP"; cat "$F/datasets/good_items.csv"; } | seed dataset "csv-$(basename "$f" .csv)"
done
{ printf '\001'; cat "$F/datasets/good.tsv"; printf '%s' "$SEP"; cat "$F/datasets/good_items.tsv"; } | seed dataset tsv
{ printf '\002'; cat "$F/datasets/ml/u.data"; printf '%s' "$SEP"; cat "$F/datasets/ml/u.item"; printf '%s' "$SEP"; cat "$F/datasets/ml/u.genre"; } | seed dataset movielens
for d in reclm_json reclm_jsonl reclm_array; do
	meta=$(ls "$F/datasets/$d"/metadata.* | head -n 1)
	{ printf '\003'; cat "$F/datasets/$d/sequential_data.txt"; printf '%s' "$SEP"; cat "$F/datasets/$d/negative_samples.txt" 2>/dev/null; printf '%s' "$SEP"; cat "$meta"; } | seed dataset "$d"
done

# trec: the fixture's qrels and run, and the case of a qrels query without results (issue 14)
{ cat "$F/trec/qrels"; printf '%s' "$SEP"; cat "$F/trec/run"; } | seed trec fixture
printf '1 0 a 1\n2 0 b 1%s1 Q0 a 1 1 r\n' "$SEP" | seed trec missing-query
printf '1 0 a 2\n1 0 b 0\n1 0 c 1\n%s1 Q0 c 1 0.5 r\n1 Q0 a 2 0.5 r\n1 Q0 b 3 -1e3 r\n' "$SEP" | seed trec ties
# a third part: more -m arguments, one a line (parameters of the measures that take them)
{ cat "$F/trec/qrels"; printf '%s' "$SEP"; cat "$F/trec/run"; printf '%sP.5,10\nndcg.1=0,2=1\nndcg_cut.3\nsuccess.1,2\nmap_cut.4\nrecall.2\n' "$SEP"; } | seed trec params

# answers: every answer of the grounding corpus, one file each (the first 200)
python3 - "$F/answers/corpus.jsonl" "$C/answer" <<'PY'
import json, sys
for i, line in enumerate(open(sys.argv[1], encoding="utf-8")):
    if i >= 200:
        break
    open("%s/a%03d" % (sys.argv[2], i), "wb").write(json.loads(line)["answer"].encode("utf-8", "surrogatepass"))
PY
printf 'A' | seed answer mc-letter
printf 'I think the answer is (C). Twelve Monkeys' | seed answer mc-sentence
printf '<think>1. Heat (1995)</think>\n1. Fargo\n2. Godfather, The (1972)\n3. 7' | seed answer think

# OpenAI / Azure bodies: a chat answer, embeddings, an error, a content filter refusal, and hostile ones
printf '{"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"1. Toy Story (1995)\\n2. Heat"},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":4,"total_tokens":14}}' | seed openai chat
printf '{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,-0.2,0.3]},{"object":"embedding","index":2,"embedding":[1,2,3]},{"object":"embedding","index":1,"embedding":[0,0,1]}],"model":"e","usage":{"prompt_tokens":3,"total_tokens":3}}' | seed openai embeddings
printf '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}' | seed openai error
printf '{"error":{"message":"filtered","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation"}}}' | seed openai filter
printf '{"choices":[{"message":{"content":"a\\u0000b \\ud800 \\udc00 \\ud83d\\ude00"},"finish_reason":"length"}]}' | seed openai escapes
printf '{"choices":[{"message":{"content":null},"finish_reason":"content_filter"}],"usage":{"prompt_tokens":-1}}' | seed openai null

# exec: answer lines as a child writes them
printf '{"id": 1, "content": "1. Toy Story (1995)", "usage": {"prompt_tokens": 3, "completion_tokens": 2}}' | seed exec chat
printf '{"id": 1, "embeddings": [[0.1, 0.2], [0.3, 0.4]]}' | seed exec embeddings
printf '{"id": 1, "error": {"message": "out of memory", "fatal": true}}' | seed exec error
printf '{"id": 2, "content": "wrong id"}' | seed exec wrong-id

# what users type: gate rules, model specs, numbers, stored id lists and groundings
printf 'ndcg@10>=0.30' | seed rules rule
printf 'delta:ranking.hit@5>-0.01' | seed rules delta
printf 'ndcg@10>=0x10' | seed rules hex
printf 'openai:gpt-4o-mini?base_url=http://127.0.0.1:8000/v1|http://h2/v1&temperature=0&max_tokens=64' | seed rules spec
printf 'openai:m?base_url=http://u:p@h/v1?key=sk-x' | seed rules spec-secret
printf '["1","2","30"]' | seed rules ids
printf '[{"text":"Toy Story","item":"1","how":"exact","score":1},{"text":"x","item":null,"how":"none","score":0}]' | seed rules groundings
printf '1e-400' | seed rules number

# question files: the first byte picks MMLU CSV, MMLU-style JSONL, IFEval JSONL or chatbot prompts
mkdir -p "$C/questions" "$C/verdict"
printf '\000q,a,b,c,d,A\n"What is 2+2, really?",3,4,5,6,B\n' | seed questions mmlu-csv
printf '\001{"question": "q", "choices": ["a", "b", "c"], "answer": 1, "subject": "s"}\n{"question": "r", "choices": ["x", "y"], "answer": "B"}\n' | seed questions mmlu-jsonl
{ printf '\002'; head -n 5 "$F/general/ifeval20.jsonl"; } | seed questions ifeval
printf '\003{"prompt": "hi"}\n{"question_id": 81, "category": "writing", "turns": ["Write a haiku.", "Again."]}\n' | seed questions chatbot

# judge verdicts
printf 'After comparing, [[A]] is better.' | seed verdict pairwise
printf 'Rating: [[7]]' | seed verdict rating
printf 'Here: ```json\n{"informativeness": 4, "persuasiveness": 3, "helpfulness": 5, "reason": "ok"}\n```' | seed verdict rubric
printf '[[A]] no, [[B]]; Rating: [[11]] {"informativeness": 2.5}' | seed verdict mixed

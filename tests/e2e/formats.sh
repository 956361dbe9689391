#!/bin/sh
# formats.sh: whole runs on each dataset format's fixture; reclm's own negatives become the ranking candidates.
. tests/e2e/lib.sh
R=$RECEVAL
F=$(pwd)/tests/fixtures/datasets
T=$TMPDIR

cat >"$T/reclm.json" <<JSON
{"name": "reclm", "dataset": {"format": "reclm", "path": "$F/reclm_json"},
 "models": ["builtin:pop"],
 "tasks": [{"type": "ranking", "candidates": 3, "negatives": "dataset", "k": [1, 3]}]}
JSON
expect_exit 0 "reclm: a ranking task on the dataset's negatives runs" $R run "$T/reclm.json" --db "$T/f.db" -q
$R show latest --db "$T/f.db" --samples >"$T/s.jsonl"
grep '"user":"1"' "$T/s.jsonl" | grep -q '"target":"3"' &&
	grep '"user":"1"' "$T/s.jsonl" | sed 's/.*"candidates":\[\([^]]*\)\].*/\1/' | tr ',' '\n' | sort | tr '\n' ' ' | grep -q '^"3" "4" "5" $' &&
	echo "ok - reclm: user 1's candidates are the target and the first two listed negatives" ||
	echo "not ok - reclm: user 1's candidates are the target and the first two listed negatives"
grep -c '"task":"ranking"' "$T/s.jsonl" | grep -q '^2$' &&
	echo "ok - reclm: the user with one distinct item is skipped" || echo "not ok - reclm: the user with one distinct item is skipped"

cat >"$T/noneg.json" <<JSON
{"name": "noneg", "dataset": {"format": "reclm", "path": "$F/reclm_jsonl"},
 "models": ["builtin:pop"],
 "tasks": [{"type": "ranking", "candidates": 3, "negatives": "dataset", "k": 1}]}
JSON
expect_exit 3 "reclm without negative_samples.txt: 'negatives: dataset' exits 3" $R run "$T/noneg.json" --db "$T/f.db" -q

for fmt in csv tsv; do
	cat >"$T/$fmt.json" <<JSON
{"name": "$fmt", "dataset": {"format": "$fmt", "path": "$F/good.$fmt", "items": "$F/good_items.$fmt"},
 "models": ["builtin:pop", "builtin:itemknn", "builtin:ease", "builtin:random"],
 "tasks": [{"type": "retrieval", "k": [1, 2]}, {"type": "ranking", "candidates": 2, "negatives": "popularity", "k": 1}]}
JSON
	expect_exit 0 "$fmt: every built-in model runs on the fixture" $R run "$T/$fmt.json" --db "$T/f.db" -q
done

cat >"$T/ml.json" <<JSON
{"name": "ml", "dataset": {"format": "movielens", "path": "$F/ml"},
 "models": ["builtin:itemknn"], "tasks": [{"type": "retrieval", "k": 3}]}
JSON
expect_exit 0 "movielens: the fixture runs" $R run "$T/ml.json" --db "$T/f.db" -q

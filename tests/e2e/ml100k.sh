#!/bin/sh
# ml100k.sh: on MovieLens 100K (leave-last-out, every user), itemknn and ease beat pop on ndcg@10 and recall@10.
. tests/e2e/lib.sh
R=$RECEVAL
shared_has "ml-100k: itemknn and ease beat pop" data/ml-100k/u.data || exit 0
cat >"$TMPDIR/ml.json" <<JSON
{"name": "ml100k-e2e", "dataset": {"format": "movielens", "path": "$SHARED/data/ml-100k"},
 "split": {"strategy": "leave-last-out", "max_history": 50},
 "tasks": [{"type": "retrieval", "k": [10]}]}
JSON
expect_exit 0 "ml-100k: pop, itemknn and ease run on all 943 users" \
	$R run "$TMPDIR/ml.json" --model builtin:pop --model builtin:itemknn --model builtin:ease --db "$TMPDIR/ml.db" -q
get() { $R show "$1" --db "$TMPDIR/ml.db" --format csv | awk -F, -v m="$2" '$4==m {print $5}'; }
for m in ndcg@10 recall@10; do
	pop=$(get 1 $m)
	for run in 2:itemknn 3:ease; do
		v=$(get "${run%%:*}" $m)
		awk -v p="$pop" -v k="$v" 'BEGIN { exit !(k > p && p > 0) }' &&
			echo "ok - ml-100k: ${run#*:} beats pop on $m ($v vs $pop)" ||
			echo "not ok - ml-100k: ${run#*:} beats pop on $m ($v vs $pop)"
	done
done
n=$($R show 2 --db "$TMPDIR/ml.db" --format json | grep -c '"n":[[:space:]]*943')
[ "$n" -ge 2 ] && echo "ok - ml-100k: every one of the 943 users is evaluated" || echo "not ok - ml-100k: every one of the 943 users is evaluated"

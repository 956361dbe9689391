#!/usr/bin/env python3
# demo_baselines.py: an independent check that itemknn beats pop on the demo data (leave-last-out, full-catalogue retrieval).
#
#   python3 tests/e2e/demo_baselines.py [suites/demo]
#
# Follows the csv loader's rules (a repeated user,item pair keeps its last
# row; the held-out target is each user's last interaction by timestamp, file
# order breaking ties), ranks every catalogue item the user has not trained
# on, and prints ndcg@10 and recall@10 over all users. Not run by make test:
# it is a reference for the figures quoted in suites/demo/README.md.
import csv
import math
import sys
from collections import defaultdict

K = 10
MAX_HISTORY = 50


def load(folder):
    with open(folder + "/interactions.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with open(folder + "/items.csv", encoding="utf-8", newline="") as f:
        items = sorted(r["item"] for r in csv.DictReader(f))
    last = {}
    for seq, r in enumerate(rows):
        last[(r["user"], r["item"])] = (int(r["timestamp"]), seq)
    per = defaultdict(list)
    for (u, i), (ts, seq) in last.items():
        per[u].append((ts, seq, i))
    train, target = {}, {}
    for u, hist in per.items():
        hist.sort()
        target[u] = hist[-1][2]
        train[u] = [i for _, _, i in hist[:-1]]
    return items, train, target


def evaluate(items, train, target, score):
    ndcg = recall = 0.0
    for u in sorted(train):
        seen = set(train[u])
        s = score(u)
        top = sorted((i for i in items if i not in seen),
                     key=lambda i: (-s.get(i, 0.0), i))[:K]
        if target[u] in top:
            recall += 1
            ndcg += 1 / math.log2(top.index(target[u]) + 2)
    n = len(train)
    return ndcg / n, recall / n


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "suites/demo"
    items, train, target = load(folder)
    pop = defaultdict(int)
    co = defaultdict(lambda: defaultdict(int))
    for hist in train.values():
        for i in hist:
            pop[i] += 1
            for j in hist:
                if i != j:
                    co[i][j] += 1

    def itemknn(u):
        # cosine over co-occurrence, summed over the last MAX_HISTORY items
        s = defaultdict(float)
        for i in train[u][-MAX_HISTORY:]:
            for j, c in co[i].items():
                s[j] += c / math.sqrt(pop[i] * pop[j])
        return s

    n_train = sum(len(h) for h in train.values()) / len(train)
    print("users %d, items %d; random recall@%d ~ %.4f"
          % (len(train), len(items), K, K / (len(items) - n_train)))
    p = evaluate(items, train, target, lambda u: pop)
    k = evaluate(items, train, target, itemknn)
    print("pop      ndcg@%d %.4f  recall@%d %.4f" % (K, p[0], K, p[1]))
    print("itemknn  ndcg@%d %.4f  recall@%d %.4f" % (K, k[0], K, k[1]))
    print("itemknn/pop  ndcg %.2fx  recall %.2fx" % (k[0] / p[0], k[1] / p[1]))


if __name__ == "__main__":
    main()

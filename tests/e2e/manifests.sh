#!/bin/sh
# manifests.sh: the Kubernetes recipe (examples/kubernetes) is well-formed and says what matters (an Indexed Job whose
# completions match RECEVAL_SHARDS, --shard auto, one database per index on the shared claim, the Job's uid as run
# key, a merge Job on the same claim); its commands, run here as its pods would run them, merge into the unsharded
# run. The Slurm scripts parse.
. tests/e2e/lib.sh
R=$RECEVAL
T=$TMPDIR
K=examples/kubernetes

for f in examples/slurm/*.sh examples/slurm/*.sbatch; do
	sh -n "$f" 2>"$T/err" || { echo "not ok - $f parses: $(head -n 1 "$T/err")"; continue; }
done
echo "ok - the Slurm scripts parse"

PY=
for p in python3 /usr/bin/python3; do
	if $p -c 'import yaml' 2>/dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
	echo "not ok - manifests: no python3 with yaml (make deps installs python3-yaml)"
	exit 0
fi

$PY - "$K" "$T" "$R" "$(pwd)" <<'PY'
import json, os, sys, yaml
k, t, receval, root = sys.argv[1:]
fails = []
def check(ok, what):
    print(("ok - " if ok else "not ok - ") + what)

docs = {}
for name in ("storage.yaml", "shards-job.yaml", "merge-job.yaml"):
    try:
        for d in yaml.safe_load_all(open(os.path.join(k, name))):
            docs[(d["kind"], d["metadata"]["name"])] = d
        check(True, "kubernetes: %s is well-formed YAML" % name)
    except Exception as e:
        check(False, "kubernetes: %s is well-formed YAML (%s)" % (name, e))
        sys.exit(0)

pvc = docs[("PersistentVolumeClaim", "receval-data")]
check("ReadWriteMany" in pvc["spec"]["accessModes"], "kubernetes: the claim is ReadWriteMany (every pod writes to it)")
cm = docs[("ConfigMap", "receval-suite")]
suite = json.loads(cm["data"]["suite.json"])
check(suite["name"] and suite["tasks"], "kubernetes: the suite in the ConfigMap is JSON")

job = docs[("Job", "receval-shards")]
spec = job["spec"]
pod = spec["template"]["spec"]
c = pod["containers"][0]
env = {e["name"]: e for e in c.get("env", [])}
args = " ".join(c.get("command", []) + c.get("args", []))
check(job["apiVersion"] == "batch/v1" and spec.get("completionMode") == "Indexed",
      "kubernetes: the shards are an Indexed Job (batch/v1)")
check(spec["completions"] == spec["parallelism"] == int(env["RECEVAL_SHARDS"]["value"]),
      "kubernetes: completions, parallelism and RECEVAL_SHARDS agree")
check(pod["restartPolicy"] == "Never", "kubernetes: pods are not restarted in place (the Job retries them)")
check("--shard auto" in args and "$JOB_COMPLETION_INDEX.db" in args,
      "kubernetes: each index runs --shard auto into a database of its own")
key = env.get("RECEVAL_RUN_KEY", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath", "")
check("controller-uid" in key, "kubernetes: the run key is the Job's uid (downward API)")
claims = lambda p: {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in p["volumes"] if "persistentVolumeClaim" in v}
mounts = lambda p: {m["mountPath"]: m["name"] for m in p["containers"][0]["volumeMounts"]}
check(claims(pod).get(mounts(pod).get("/data")) == "receval-data", "kubernetes: the shards write to the shared claim")
cfg = [v for v in pod["volumes"] if "configMap" in v]
check(cfg and cfg[0]["configMap"]["name"] == "receval-suite" and mounts(pod).get("/suite") == cfg[0]["name"],
      "kubernetes: the suite comes from the ConfigMap")

merge = docs[("Job", "receval-merge")]
mpod = merge["spec"]["template"]["spec"]
margs = " ".join(mpod["containers"][0].get("command", []) + mpod["containers"][0].get("args", []))
check("receval merge /data/merged.db /data/shards/shard-*.db" in margs and
      claims(mpod).get(mounts(mpod).get("/data")) == "receval-data",
      "kubernetes: the merge Job merges every shard database from the same claim")
check(mpod["containers"][0]["image"] == c["image"], "kubernetes: both Jobs run the same image")

# the pods' commands, as they would run, on this machine's paths
def local(s):
    s = s.replace("/opt/receval/suites", os.path.join(root, "suites"))
    s = s.replace("/suite/suite.json", os.path.join(t, "suite.json")).replace("/data", os.path.join(t, "data"))
    return s.replace("receval ", receval + " ")
open(os.path.join(t, "suite.json"), "w").write(local(cm["data"]["suite.json"]))
open(os.path.join(t, "shard.sh"), "w").write(local(c["args"][0]) + "\n")
open(os.path.join(t, "merge.sh"), "w").write(local(mpod["containers"][0]["args"][0]) + "\n")
open(os.path.join(t, "shards"), "w").write(env["RECEVAL_SHARDS"]["value"] + "\n")
PY

[ -s "$T/shard.sh" ] || exit 0
N=$(cat "$T/shards")
i=0
ok=1
while [ $i -lt "$N" ]; do
	JOB_COMPLETION_INDEX=$i RECEVAL_SHARDS=$N RECEVAL_RUN_KEY=5f0c9d5e-0000-4000-8000-00000000abcd \
		sh "$T/shard.sh" >/dev/null 2>"$T/shard$i.err" || { ok=0; sed 's/^/#   /' "$T/shard$i.err" | tail -3; }
	i=$((i + 1))
done
[ $ok = 1 ] && echo "ok - kubernetes: every index's command runs as written" ||
	echo "not ok - kubernetes: every index's command runs as written"
sh "$T/merge.sh" >"$T/merge.out" 2>"$T/merge.err" && echo "ok - kubernetes: the merge Job's command merges and gates" ||
	{ echo "not ok - kubernetes: the merge Job's command merges and gates"; sed 's/^/#   /' "$T/merge.err" | tail -3; }
$R list --db "$T/data/merged.db" | grep -q ' done .* 0-2/3 ' || echo "not ok - kubernetes: the merged run is whole"
$R run "$T/suite.json" --model builtin:itemknn --db "$T/full.db" -q >/dev/null 2>&1
strip() { $R show 1 --db "$1" --format json | sed '/"merged":/,/^		}/d' |
	grep -v -e '"id":' -e '_at":' -e '"run_key":' -e '"version":' | sed 's/,$//'; }
strip "$T/full.db" >"$T/a"; strip "$T/data/merged.db" >"$T/b"
ok_if "kubernetes: the merged run equals the unsharded one" cmp -s "$T/a" "$T/b"

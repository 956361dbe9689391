#!/bin/sh
# layers.sh: checks the include graph between source folders: no cycle, and each layer includes only those below it.
# Usage: sh scripts/layers.sh   (from the repository root; prints "ok"/"not ok" lines for tests/run.sh)
#
# The layers, bottom first (a folder may include its own files and anything in a lower layer):
#   lib            leaf utilities: nothing of the project
#   metrics        pure computation: lib only
#   eval/data      datasets and splits
#   eval/answer    reading answers: extraction, grounding, choice
#   eval/ifeval    IFEval's instruction checks: text in, verdict out
#   adapters       model backends
#   eval/trec      the trec_eval engine
#   eval           the evaluation core: suites, tasks' interface, run loop, store
#   eval/tasks     one file per task type
#   reports        renderers
#   serve          receval serve: the HTTP front, the API, the pages, the run queue
#   eval/cli       the command line: main and one cmd_<name>.c per command
# tests/, bench/ and suites/*.c may include anything.

LAYERS="lib metrics eval/data eval/answer eval/ifeval adapters eval/trec eval eval/tasks reports serve eval/cli"

rank() {
	i=0
	for l in $LAYERS; do
		[ "$l" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo -1
}

bad=0
for f in $(git ls-files '*.c' '*.h' | grep -E '^(lib|metrics|eval|adapters|reports|serve)/'); do
	from=$(dirname "$f")
	rf=$(rank "$from")
	if [ "$rf" -lt 0 ]; then
		echo "not ok - layers: $f is in a folder no layer names"
		bad=1
		continue
	fi
	for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
		case "$inc" in gen/*) continue ;; esac
		to=$(dirname "$inc")
		[ "$to" = "$from" ] && continue
		rt=$(rank "$to")
		if [ "$rt" -lt 0 ] || [ "$rt" -ge "$rf" ]; then
			echo "not ok - layers: $f ($from) includes $inc ($to)"
			bad=1
		fi
	done
done
[ $bad -eq 0 ] && echo "ok - layers: every folder includes only its own files and lower layers"

# no file outside tests/ over 800 lines
long=$(git ls-files '*.c' '*.h' | grep -v '^tests/' | xargs wc -l | awk '$2 != "total" && $1 > 800 { print $2 " (" $1 ")" }')
if [ -n "$long" ]; then
	echo "not ok - file sizes: over 800 lines: $(echo $long)"
	bad=1
else
	echo "ok - file sizes: no source file outside tests/ over 800 lines"
fi
exit $bad

#!/bin/sh
# layers.sh: the source tree keeps its layers (no folder includes a higher one) and no source file outside tests/ grows past 800 lines.
# The check itself is scripts/layers.sh, which prints its own "ok"/"not ok" lines.
if ! command -v git >/dev/null 2>&1 || ! git rev-parse --git-dir >/dev/null 2>&1; then
	echo "not ok - layers: needs git and a checkout to list the sources"
	exit 0
fi
out=$(sh scripts/layers.sh 2>&1)
echo "$out"
echo "$out" | grep -q '^ok - layers' || echo "not ok - layers: scripts/layers.sh printed no verdict"

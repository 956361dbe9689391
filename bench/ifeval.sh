#!/bin/sh
# ifeval.sh: seconds to check 10,000 responses (3 instructions each, every IFEval id, strict and loose) on one core.
# Goal: under 1 s.
set -e
cd "$(dirname "$0")/.."
make -s build/bench_ifeval >/dev/null
if command -v taskset >/dev/null 2>&1; then
	taskset -c 0 build/bench_ifeval
else
	build/bench_ifeval
fi

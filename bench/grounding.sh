#!/bin/sh
# grounding.sh: items per second of answer reading (extraction and grounding): 100,000 answer strings against a
# generated 10,000-item catalogue, on one core. Goal: >= 200,000 items/s.
set -e
cd "$(dirname "$0")/.."
make -s build/bench_grounding >/dev/null
if command -v taskset >/dev/null 2>&1; then
	taskset -c 0 build/bench_grounding
else
	build/bench_grounding
fi

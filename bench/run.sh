#!/bin/sh
# run.sh: `make bench`: every benchmark under bench/, each printing its own table. Needs ../shared/data/ml-100k.
set -e
cd "$(dirname "$0")/.."
for b in bench/*.sh; do
	[ "$b" = bench/run.sh ] && continue
	sh "$b"
	echo
done

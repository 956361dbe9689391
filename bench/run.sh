#!/bin/sh
# run.sh: `make bench`: every benchmark under bench/, each printing its own table. Needs ../shared/data/ml-100k.
cd "$(dirname "$0")/.." || exit 1
# every benchmark runs even when one fails; the failures are named, and make bench fails, at the end
failed=""
for b in bench/*.sh; do
	# big.sh is make bench-big's: minutes, and half a gigabyte of generated data
	case "$b" in bench/run.sh | bench/big.sh) continue ;; esac
	sh "$b" || failed="$failed $b"
	echo
done
if [ -n "$failed" ]; then
	echo "bench: failed:$failed" >&2
	exit 1
fi

#!/bin/sh
# deps.sh: install the Debian packages receval needs, only those missing.
# Runs apt-get directly as root, through sudo otherwise. Used by `make deps`.
set -e

# liblapacke-dev and libopenblas-dev: builtin:ease's Cholesky factorisation and inverse (potrf, potri),
# multithreaded, for catalogues of 20,000 items and more (issue 17)
PKGS="gcc make pkg-config time libcurl4-openssl-dev libcjson-dev libsqlite3-dev libpcre2-dev gnuplot-nox libxml2-utils
liblapacke-dev libopenblas-dev"

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "receval: missing packages:$missing (no apt-get here: install them by hand)" >&2
	exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "receval: missing packages:$missing (not root and no sudo: install them by hand)" >&2
	exit 1
fi

echo "installing:$missing"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing

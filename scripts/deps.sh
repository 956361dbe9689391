#!/bin/sh
# deps.sh: install the Debian packages receval needs, only those missing.
# Runs apt-get directly as root, through sudo otherwise. Used by `make deps`.
set -e

# g++ and libcld2-dev: IFEval's language:response_language identifies languages with Google's CLD2, a C++ library
# sqlite3: the shell the end-to-end tests read a store with while a run writes it (tests/e2e/lib.sh)
PKGS="gcc g++ make pkg-config time libcurl4-openssl-dev libcjson-dev libsqlite3-dev libpcre2-dev libcld2-dev gnuplot-nox libxml2-utils sqlite3"
# scale-out tests: a one-node Slurm cluster runs the job-array recipe (tests/e2e/slurm.sh); the Kubernetes
# manifests are read with PyYAML (tests/e2e/manifests.sh)
PKGS="$PKGS slurm-wlm munge python3-yaml"
# receval serve: libmicrohttpd, a small maintained C HTTP server (threads, TLS), so the product parses no HTTP itself;
# chromium only for tests/e2e/serve.sh, which renders the pages headless and checks they fetch nothing
PKGS="$PKGS libmicrohttpd-dev chromium"
# make fuzz: clang's libFuzzer and its sanitizer runtimes (tests/fuzz/, issue 14); gcc has no libFuzzer
PKGS="$PKGS clang libclang-rt-dev"
# liblapacke-dev and libopenblas-dev: builtin:ease's Cholesky factorisation and inverse (potrf, potri),
# multithreaded, for catalogues above 5,000 items (issue 17)
PKGS="$PKGS liblapacke-dev libopenblas-dev"

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

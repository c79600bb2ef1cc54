#!/usr/bin/env bash
# Validate goreleaser.yaml with `goreleaser check` (deprecated properties fail
# too), and optionally build a local snapshot release into dist/.
#
# Usage: scripts/release-check.sh [--snapshot]
#
#   --snapshot   also run `goreleaser release --snapshot --clean --skip=publish`
#                (cross-compiles all targets into dist/; needs a git checkout)
#
# goreleaser is taken from $GORELEASER, else from PATH, else installed with
# `go install` into ${XDG_CACHE_HOME:-$HOME/.cache}/wfctl-tools/bin and reused
# on later runs. The first install compiles goreleaser and takes several
# minutes.
set -euo pipefail

GORELEASER_VERSION="v2.15.1" # newest that builds with the project's Go toolchain
GORELEASER_MODULE="github.com/goreleaser/goreleaser/v2"

usage() {
	sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

snapshot=0
for arg in "$@"; do
	case "$arg" in
	--snapshot) snapshot=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		echo "release-check: unknown argument: $arg" >&2
		usage >&2
		exit 2
		;;
	esac
done

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
config="$root/goreleaser.yaml"

tools_bin="${XDG_CACHE_HOME:-$HOME/.cache}/wfctl-tools/bin"

# installed_version BIN: prints the GitVersion reported by a goreleaser binary.
installed_version() {
	"$1" --version 2>/dev/null | awk '$1 == "GitVersion:" { print $2 }' || true
}

find_goreleaser() {
	if [[ -n "${GORELEASER:-}" ]]; then
		echo "$GORELEASER"
		return
	fi
	if command -v goreleaser >/dev/null 2>&1; then
		command -v goreleaser
		return
	fi
	local cached="$tools_bin/goreleaser"
	if [[ -x "$cached" && "$(installed_version "$cached")" == "$GORELEASER_VERSION" ]]; then
		echo "$cached"
		return
	fi
	if ! command -v go >/dev/null 2>&1; then
		echo "release-check: goreleaser is not on PATH and go is not installed" >&2
		return 1
	fi
	echo "release-check: installing goreleaser $GORELEASER_VERSION into $tools_bin (first run takes several minutes)" >&2
	mkdir -p "$tools_bin"
	local tmp start
	# Temp dir beside the cache so the final mv is an atomic rename.
	tmp="$(mktemp -d "$(dirname "$tools_bin")/.install.XXXXXX")"
	start=$SECONDS
	# Run outside the repository so the project's go.mod is never touched;
	# `go install pkg@version` builds in module mode with goreleaser's own go.mod.
	# Install into a temporary GOBIN, then move into place, so an interrupted
	# install never leaves a half-written binary in the cache.
	if ! (cd "$tmp" && GOBIN="$tmp/bin" GOFLAGS='' GOTOOLCHAIN=local \
		go install "$GORELEASER_MODULE@$GORELEASER_VERSION" >&2); then
		rm -rf "$tmp"
		echo "release-check: go install $GORELEASER_MODULE@$GORELEASER_VERSION failed" >&2
		return 1
	fi
	mv -f "$tmp/bin/goreleaser" "$cached"
	rm -rf "$tmp"
	echo "release-check: installed goreleaser in $((SECONDS - start))s" >&2
	echo "$cached"
}

goreleaser_bin="$(find_goreleaser)"
echo "release-check: using $goreleaser_bin ($(installed_version "$goreleaser_bin"))"

if ! "$goreleaser_bin" check --config "$config"; then
	echo "release-check: goreleaser check failed for $config" >&2
	exit 1
fi

if ((snapshot)); then
	if ! "$goreleaser_bin" release --snapshot --clean --skip=publish --config "$config"; then
		echo "release-check: snapshot release failed" >&2
		exit 1
	fi
	echo "release-check: snapshot artifacts are in $root/dist"
fi

echo "release-check: OK"

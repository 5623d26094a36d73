# tests/cli/lib.sh - sourced by every tests/cli/tNNNN-*.sh.
#
# Runs the real sdx binary ($SDX) in a fresh temporary directory.  Each case
# prints "ok - tNNNN: what" or "not ok - tNNNN: what: why"; tests/run.sh counts.
#
#   expect CODE "what" sdx ARGS...    run, compare the exit code, keep output
#                                     in $out (stdout) and $err (stderr)
#   expect_out "what" PATTERN         grep -E PATTERN in the last stdout
#   expect_err "what" PATTERN         grep -E PATTERN in the last stderr
#   check "what" COMMAND...           a plain shell assertion

set -u
: "${SDX:?SDX must point at the sdx binary}"
: "${SDX_TEST_DATA:?SDX_TEST_DATA must point at tests/data}"
T=$(basename "$0" .sh)
T=${T%%-*}
DATA=$SDX_TEST_DATA
EXAMPLES=$(cd "$DATA/../../examples" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sdx-cli-XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 2
unset SDX_LEDGER SDX_KEY SDX_PASSPHRASE
export SDX_KDF=min   # fast key derivation for tests only
out=$TMP/.out err=$TMP/.err

sdx() { "$SDX" "$@"; }

ok() { echo "ok - $T: $1"; }
nok() { echo "not ok - $T: $1: $2"; }

expect() {
	want=$1 what=$2; shift 2
	"$@" > "$out" 2> "$err"; got=$?
	if [ "$got" = "$want" ]; then ok "$what"
	else nok "$what" "exit $got, expected $want; stderr: $(head -c 300 "$err")"; fi
}

expect_out() {
	if grep -Eq -- "$2" "$out"; then ok "$1"
	else nok "$1" "stdout lacks /$2/: $(head -c 300 "$out")"; fi
}

expect_err() {
	if grep -Eq -- "$2" "$err"; then ok "$1"
	else nok "$1" "stderr lacks /$2/: $(head -c 300 "$err")"; fi
}

check() {
	what=$1; shift
	if "$@"; then ok "$what"; else nok "$what" "failed: $*"; fi
}

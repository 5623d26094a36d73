# tests/cli/lib.sh - sourced by every tests/cli/tNNNN-*.sh.
#
# Runs the real sdx binary ($SDX) in a fresh temporary directory.  Each case
# prints "ok - tNNNN: what" or "not ok - tNNNN: what: why"; tests/run.sh counts.
#
#   expect CODE "what" sdx ARGS...    run, compare the exit code, keep output
#                                     in $out (stdout) and $err (stderr)
#   golden NAME "what"                compare the last command line, exit code,
#                                     stdout and stderr with the expected file
#                                     tests/cli/expected/<test>/NAME.out
#   expect_out "what" PATTERN         grep -E PATTERN in the last stdout
#   expect_err "what" PATTERN         grep -E PATTERN in the last stderr
#   check "what" COMMAND...           a plain shell assertion
#
# Wording (help, messages, reports) is checked with golden files, so a change
# of it is a diff to review: `make golden` (SDX_GOLDEN_UPDATE=1) rewrites them
# from what sdx prints now.  tests/cli/normalise.awk replaces what differs from
# run to run (temporary paths, fresh keys and what they sign); SDX_TIME is
# fixed here so that times do not.  expect_out/expect_err are for what a
# golden file cannot hold: values that depend on the machine.

set -u
: "${SDX:?SDX must point at the sdx binary}"
: "${SDX_TEST_DATA:?SDX_TEST_DATA must point at tests/data}"
SCRIPT=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
T=$(basename "$0" .sh)
GOLDEN=$(cd "$(dirname "$0")" && pwd)/expected/$T
T=${T%%-*}
DATA=$SDX_TEST_DATA
NORMALISE=$(cd "$DATA/../cli" && pwd)/normalise.awk
EXAMPLES=$(cd "$DATA/../../examples" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sdx-cli-XXXXXX")
trap 'golden_unused; rm -rf "$TMP"' EXIT
cd "$TMP" || exit 2
unset SDX_LEDGER SDX_KEY SDX_PASSPHRASE
export SDX_KDF=min   # fast key derivation for tests only
export SDX_TIME=2026-11-23T00:00:00Z   # every entry, receipt and revocation
out=$TMP/.out err=$TMP/.err cmdline=
if [ "${SDX_GOLDEN_UPDATE:-}" = 1 ]; then rm -rf "$GOLDEN"; fi

sdx() { "$SDX" "$@"; }

ok() { echo "ok - $T: $1"; }
nok() { echo "not ok - $T: $1: $2"; }

expect() {
	want=$1 what=$2; shift 2
	cmdline=
	for a in "$@"; do
		case $a in
		*[!A-Za-z0-9_./:=+@%,-]*|'') a="'$a'" ;;
		esac
		cmdline="$cmdline${cmdline:+ }$a"
	done
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

# golden NAME "what": the last expect's command, exit code, stdout and stderr,
# normalised, must equal expected/<test>/NAME.out; SDX_GOLDEN_UPDATE=1 writes
# the file instead.  A difference goes into the test log as diff -u.
golden() {
	name=$1 what=${2:-output as in $1.out}
	file=$GOLDEN/$name.out
	if grep -qx "$name" "$TMP/.golden-used" 2>/dev/null; then
		nok "$what" "golden name '$name' used twice"; return
	fi
	echo "$name" >> "$TMP/.golden-used"
	# hashes that stay: of the example files, and those the test script spells out
	[ -f "$TMP/.golden-stable" ] || {
		find "$EXAMPLES/data" -type f -exec sha256sum {} + | cut -d' ' -f1
		grep -oE '[0-9a-f]{8,}' "$SCRIPT"
	} > "$TMP/.golden-stable"
	{
		printf '$ %s\nexit: %s\n' "$cmdline" "$got"
		echo "--- stdout"
		cat "$out"
		golden_eol "$out"
		echo "--- stderr"
		cat "$err"
		golden_eol "$err"
	} | awk -v tmp="$TMP" -v examples="$EXAMPLES" -v data="$DATA" -v sdx="$SDX" \
		-v stable="$TMP/.golden-stable" -v reg="$TMP/.golden-reg" \
		-f "$NORMALISE" > "$TMP/.golden" || { nok "$what" "$NORMALISE failed"; return; }
	if [ "${SDX_GOLDEN_UPDATE:-}" = 1 ]; then
		mkdir -p "$GOLDEN" && cp "$TMP/.golden" "$file" && ok "$what (written)"
	elif [ ! -f "$file" ]; then
		nok "$what" "no expected file tests/cli/expected/${GOLDEN##*/}/$name.out; run make golden"
	elif cmp -s "$file" "$TMP/.golden"; then
		ok "$what"
	else
		nok "$what" "output differs from tests/cli/expected/${GOLDEN##*/}/$name.out"
		diff -u "$file" "$TMP/.golden" | sed 's/^/# /'
	fi
}

# a last line without a newline is marked, as diff does
golden_eol() {
	if [ -s "$1" ] && [ "$(tail -c 1 "$1" | wc -l)" = 0 ]; then
		echo
		echo '\ no newline at end'
	fi
}

# at exit: an expected file no case compared is stale (the case was renamed
# or removed); make golden deletes it
golden_unused() {
	[ -d "$GOLDEN" ] || return 0
	for f in "$GOLDEN"/*.out; do
		[ -f "$f" ] || continue
		n=$(basename "$f" .out)
		grep -qx "$n" "$TMP/.golden-used" 2>/dev/null ||
			nok "golden file $n.out" "no case compares it; run make golden"
	done
}

# start_server NAME ARGS...: sdx serve on a free loopback port, its output in
# NAME.out and NAME.err; sets $port, $U (http://127.0.0.1:PORT), $spid, and
# adds it to $pids (the test's EXIT trap kills those)
start_server() {
	name=$1; shift
	# not the sdx function: $! must be the server itself
	"$SDX" serve --listen 127.0.0.1:0 "$@" > "$name.out" 2> "$name.err" &
	spid=$!
	pids="${pids:-} $spid"
	n=0
	while ! grep -q '^sdx serve: .* on http://127.0.0.1:[0-9]*/$' "$name.out" 2>/dev/null; do
		n=$((n + 1))
		if [ $n -gt 100 ] || ! kill -0 $spid 2>/dev/null; then
			echo "not ok - $T: $name did not start: $(cat "$name.err")"; exit 1
		fi
		sleep 0.1
	done
	port=$(sed -n 's|.*:\([0-9]*\)/$|\1|p' "$name.out")
	U=http://127.0.0.1:$port
}

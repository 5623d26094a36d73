#!/bin/sh
# make bench BENCH_BIG=1: the 1,000,000-entry bundle (issue targets: peak RSS
# under 64 MiB for export, verify and import) and a 1 GiB attachment.
# Prints; asserts nothing.
set -e
BUILD=${BUILD:-build}
top=$(pwd)
SDX=$top/$BUILD/sdx
BENCH=$top/$BUILD/tests/bench/bench
M=${BENCH_BIG_N:-1000000}
W=$(mktemp -d "${TMPDIR:-/tmp}/sdx-big-XXXXXX")
trap 'rm -rf "$W"' EXIT
export SDX_KDF=min
row() { awk -v what="$1" -v n="$2" -v s="$3" -v r="$4" 'BEGIN {
	printf "%s: %d entries in %.1f s = %.0f/s; peak RSS %.1f MiB\n", what, n, s, n / s, r / 1024 }'; }

"$SDX" init -L "$W/big.db" --origin bench.example/big --unencrypted > /dev/null
"$BENCH" fill "$W/big.db" "$W/big.key" "$M"
set -- $("$BENCH" run "$SDX" export -L "$W/big.db" --all -o "$W/big.sdxb")
[ "$3" = 0 ] || { echo "big: export failed"; exit 1; }
row "export --all ($M-entry ledger)" $((M + 1)) "$1" "$2"
ls -l "$W/big.sdxb" | awk '{ printf "bundle file: %.1f MiB\n", $5 / 1048576 }'
vkey=$("$SDX" key show -L "$W/big.db" --vkey)
set -- $("$BENCH" run "$SDX" verify "$W/big.sdxb" --trust "$vkey")
[ "$3" = 0 ] || { echo "big: verify failed"; exit 1; }
row "verify FILE.sdxb" $((M + 1)) "$1" "$2"
"$SDX" init -L "$W/imp.db" --origin bench.example/importer --unencrypted > /dev/null
"$SDX" trust add -L "$W/imp.db" "$vkey" > /dev/null
set -- $("$BENCH" run "$SDX" import -L "$W/imp.db" "$W/big.sdxb")
[ "$3" = 0 ] || { echo "big: import failed"; exit 1; }
row "import" $((M + 1)) "$1" "$2"
set -- $("$BENCH" run "$SDX" verify -L "$W/imp.db")
[ "$3" = 0 ] || { echo "big: verify of the importer failed"; exit 1; }
row "verify (importer's ledger, imported entries re-checked)" $((M + 1)) "$1" "$2"
rm -f "$W/big.sdxb" "$W/imp.db"*

# a 1 GiB attachment: stored, verified and exported in 1 MiB chunks
head -c $((1024 * 1024 * 1024)) /dev/urandom > "$W/huge.bin"
"$SDX" init -L "$W/att.db" --origin bench.example/att --unencrypted > /dev/null
set -- $("$BENCH" run "$SDX" attachment add -L "$W/att.db" "$W/huge.bin")
if [ "$3" = 0 ]; then
	awk -v s="$1" -v r="$2" 'BEGIN { printf "attachment add 1 GiB: %.1f s; peak RSS %.1f MiB\n", s, r / 1024 }'
	set -- $("$BENCH" run "$SDX" verify -L "$W/att.db")
	awk -v s="$1" -v r="$2" 'BEGIN { printf "verify with a 1 GiB attachment: %.1f s; peak RSS %.1f MiB\n", s, r / 1024 }'
else
	echo "attachment add: not a command here (attachments are added with declare --attach)"
fi

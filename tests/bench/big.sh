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

# 100,000 tiny members: 2,000 declarations citing 50 small reports each
T=${BENCH_TINY_N:-2000}
mkdir "$W/tiny"
i=0
while [ $i -lt $((T * 50)) ]; do
	printf 'report %d\n' $i > "$W/tiny/r$i.txt"
	i=$((i + 1))
done
"$SDX" init -L "$W/tiny.db" --origin bench.example/tiny --unencrypted > /dev/null
(cd "$W/tiny" && ls | xargs -n 5000 "$SDX" attachment add -L "$W/tiny.db") > "$W/tiny.hashes"
jq -c . "$top/examples/data/pigment-declaration.json" > "$W/one.json"
awk '{ print $1 }' "$W/tiny.hashes" | awk -v per=50 '{ printf "%s%s", (NR % per == 1 ? "" : " "), $1; if (NR % per == 0) printf "\n" }' |
while read -r hashes; do
	jq -c --arg h "$hashes" '
		($h | split(" ")) as $hs
		| .evidence = [range(0; $hs | length) as $k | .evidence[0]
			| .id = "R\($k)" | .report_number = "PRAL-\($k)" | .attachment = { sha256: $hs[$k] }]
		| .claims = [range(0; 3) as $c | .claims[0] | .id = "HM\($c)"
			| .evidence_ids = [range($c * 20; ([($c + 1) * 20, ($hs | length)] | min)) | "R\(.)"]]' "$W/one.json"
done > "$W/tiny.jsonl"
"$SDX" declare -L "$W/tiny.db" --jsonl "$W/tiny.jsonl" > /dev/null
set -- $("$BENCH" run "$SDX" export -L "$W/tiny.db" --all -o "$W/tiny.sdxb")
[ "$3" = 0 ] || { echo "tiny: export failed"; exit 1; }
awk -v s="$1" -v r="$2" -v n=$((T * 50)) 'BEGIN { printf "export of %d tiny attachments (as many bundle members): %.1f s; peak RSS %.1f MiB\n", n, s, r / 1024 }'
tvkey=$("$SDX" key show -L "$W/tiny.db" --vkey)
set -- $("$BENCH" run "$SDX" verify "$W/tiny.sdxb" --trust "$tvkey")
[ "$3" = 0 ] || { echo "tiny: verify failed"; exit 1; }
awk -v s="$1" -v r="$2" 'BEGIN { printf "verify of that bundle: %.1f s; peak RSS %.1f MiB\n", s, r / 1024 }'
"$SDX" init -L "$W/timp.db" --origin bench.example/timp --unencrypted > /dev/null
"$SDX" trust add -L "$W/timp.db" "$tvkey" > /dev/null
set -- $("$BENCH" run "$SDX" import -L "$W/timp.db" "$W/tiny.sdxb")
[ "$3" = 0 ] || { echo "tiny: import failed"; exit 1; }
awk -v s="$1" -v r="$2" 'BEGIN { printf "import of that bundle: %.1f s; peak RSS %.1f MiB\n", s, r / 1024 }'

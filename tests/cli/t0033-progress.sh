#!/bin/sh
# t0028: progress (count, rate, time left) on stderr only when it is a
# terminal: under a pseudo-terminal (script -qc) declare --jsonl, verify
# (ledger and bundle), export, import and publish draw it; --quiet, NO_COLOR
# and a pipe get none of it.  SDX_PROGRESS_INTERVAL=0 draws from the start.
. "$(dirname "$0")/lib.sh"

export SDX_PROGRESS_INTERVAL=0
unset NO_COLOR
REPORT=$EXAMPLES/data/reports/cnas-l1234-report-2026-0917.txt
jq -c . "$EXAMPLES/data/pvc-compound-declaration.json" > one.json
i=0
while [ $i -lt 30 ]; do
	jq -c --arg n "$i" '.material.lots[0].lot_number += "-" + $n' one.json
	i=$((i + 1))
done > d.jsonl
sdx init -L t.db --origin example.com/acme --unencrypted > /dev/null

# tty CMD...: run under a pseudo-terminal, its output (both streams) in tty.out
tty() { script -qec "$*" /dev/null < /dev/null > tty.out 2>&1; }
has() { tr '\r' '\n' < tty.out | sed 's/\x1b\[K//g' | grep -aqE "$1"; }

check "script(1) gives a pseudo-terminal" sh -c 'script -qec "test -t 2" /dev/null < /dev/null'
tty "$SDX declare -L t.db --jsonl d.jsonl --batch 10 --attach $REPORT"
check "declare: count, share, rate" has '^declare: [0-9]+ \([0-9]+%\), [0-9]+/s'
check "declare: time left while it runs" has '^declare: [0-9]+ \([0-9]+%\), [0-9]+/s, [0-9]+:[0-9]{2} left'
check "declare: the committed lines are still printed, each on its own line" \
	has '^committed lines 21-30 as entries 21-30'
check "declare: the progress line is erased at the end (last bytes are not progress)" \
	sh -c "! tail -c 200 tty.out | tr '\r' '\n' | tail -n 2 | grep -aq '^declare:'"
sdx declare -L t.db --jsonl d.jsonl --batch 10 > /dev/null 2> pipe.err
check "declare into a pipe: no progress" sh -c '! grep -q "declare:" pipe.err'

tty "$SDX verify -L t.db"
check "verify on a terminal: count and share" has '^verify: 61 \(100%\), [0-9]+/s'
check "verify: the result is printed" has '^ok: t.db'
tty "$SDX verify -L t.db --quiet"
check "verify --quiet: no progress" sh -c "! tr '\r' '\n' < tty.out | grep -aq '^verify:'"
tty "NO_COLOR=1 $SDX verify -L t.db"
check "NO_COLOR: no progress" sh -c "! tr '\r' '\n' < tty.out | grep -aq '^verify:'"
expect 0 "verify into a pipe" sdx verify -L t.db
check "verify into a pipe: stderr is empty" sh -c "! test -s '$err'"

tty "$SDX export -L t.db --all -o b.sdxb"
check "export on a terminal: progress" has '^export: [0-9]+ \(100%\)'
vkey=$(sdx key show -L t.db --vkey)
tty "$SDX verify b.sdxb --trust $vkey"
check "bundle verify on a terminal: progress" has '^verify: 61 \(100%\)'
expect 0 "bundle verify into a pipe" sdx verify b.sdxb --trust "$vkey"
check "bundle verify into a pipe: stderr is empty" sh -c "! test -s '$err'"
sdx init -L m.db --origin example.com/maker --unencrypted > /dev/null
sdx trust add -L m.db "$vkey" > /dev/null
tty "$SDX import -L m.db b.sdxb"
check "import on a terminal: progress" has '^import: 61 \(100%\)'
tty "$SDX publish -L t.db pub"
check "publish on a terminal: progress" has '^publish: [0-9]+ \(100%\)'
expect 0 "publish into a pipe" sdx publish -L t.db pub2
check "publish into a pipe: stderr is empty" sh -c "! test -s '$err'"

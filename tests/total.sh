#!/bin/sh
# Add up the counts of several builds' test runs; the last line is the total.
p=0 f=0
for b in "$@"; do
	if [ -f "$b/test-counts" ]; then
		read bp bf < "$b/test-counts"
		p=$((p + bp)); f=$((f + bf))
	else
		f=$((f + 1))
	fi
done
echo "$p passed, $f failed"
[ "$f" = 0 ]

#!/bin/sh
# t0012: libsdx.so exports exactly the public API: every dynamic symbol is an
# sdx_ function declared with SDX_API in include/sdx/, and every function so
# declared is exported (none of the sdx__ helpers shared inside the library).
. "$(dirname "$0")/lib.sh"

so=$(dirname "$SDX")/libsdx.so
inc=$DATA/../../include/sdx
nm -D --defined-only "$so" | awk '$2 ~ /^[TDBR]$/ { print $3 }' | sort > exported
cat "$inc"/*.h | tr '\n' ' ' | sed 's/;/;\n/g' | grep 'SDX_API' |
	sed -n 's/.*[ *]\(sdx_[A-Za-z0-9_]*\)[ ]*(.*/\1/p' | sort -u > declared

check "libsdx.so exports something" test -s exported
check "every exported symbol is public (sdx_, not sdx__)" \
	sh -c '! grep -v "^sdx_[a-z0-9]" exported'
check "every exported symbol is declared with SDX_API in include/sdx/" \
	sh -c '[ -z "$(comm -23 exported declared)" ]'
check "every SDX_API function is exported" sh -c '[ -z "$(comm -13 exported declared)" ]'
comm -3 exported declared | sed 's/^/# /'

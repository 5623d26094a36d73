#!/bin/sh
# Docs where people look: man pages and completion made from the option
# tables --help prints (so they cannot drift), and "did you mean".
. "$(dirname "$0")/lib.sh"

cmds=$(sdx --help=commands | grep -v '^help$')
check "--help=commands lists every command of sdx --help" test \
	"$(echo "$cmds" | wc -l)" -eq "$(sdx --help | sed -n '/^commands:/,/^$/p' | grep -c '^  [a-z]')"

# --- man pages pass mandoc's lint at warning level, one per command
if command -v mandoc > /dev/null; then
	sdx --help=man > sdx.1
	bad=$(mandoc -T lint -W warning sdx.1 2>&1)
	check "sdx(1) passes mandoc -T lint -W warning" test -z "$bad"
	fails=
	for c in $cmds; do
		sdx "$c" --help=man > "sdx-$c.1" || fails="$fails $c(exit)"
		[ -z "$(mandoc -T lint -W warning "sdx-$c.1" 2>&1)" ] || fails="$fails $c"
	done
	check "every sdx-COMMAND(1) passes mandoc's lint (failing:$fails)" test -z "$fails"
	check "sdx-check(1) names its options" grep -q '^\\fB\\-p\\fR, \\fB\\-\\-profile\\fR \\fINAME|FILE\\fR$' sdx-check.1
	check "sdx(1) lists sdx-due(1) among the pages" grep -q '^.BR sdx\\-due (1),$' sdx.1
	check "and its examples verbatim" grep -q 'sdx trace s1.sdxb' sdx.1
else
	nok "mandoc" "not installed: 'make deps' installs it (Debian package mandoc)"
fi

# --- every option --help prints is one completion offers, and no other
for c in check trust declare due; do
	a=$(sdx "$c" --help | sed -n 's/^  \(-., \)\{0,1\} *\(--[a-z0-9-]*\).*/\2/p' | sort)
	b=$(sdx "$c" --help=words | sed 's/=$//' | sort)
	check "$c: --help and --help=words list the same options" test "$a" = "$b"
done
check "an option taking an argument ends with '=' for completion" sh -c "\"$SDX\" check --help=words | grep -qx -- --profile="
check "a flag does not" sh -c "\"$SDX\" check --help=words | grep -qx -- --json"

# --- bash completion, as bash runs it
if command -v bash > /dev/null; then
	sdx --help=bash > sdx.bash
	comp() { bash -c '. ./sdx.bash; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _sdx; echo "${COMPREPLY[*]}"' _ "$SDX" "$@"; }
	check "completes subcommands" test "$(comp tr | tr " " "\n" | sort | tr "\n" " ")" = "trace trust "
	check "completes after help" test "$(comp help wh)" = "where-used"
	check "completes a command's options" test "$(comp check --pro)" = "--profile="
	check "and nothing for what is not an option" test "$(comp check --nonesuch)" = ""
fi
check "the zsh script is a compdef" sh -c "\"$SDX\" --help=zsh | head -1 | grep -qx '#compdef sdx'"
expect 2 "an unknown --help format" sdx --help=pdf
expect_err "is named" "--help=pdf: expected man, commands, bash or zsh"

# --- a mistyped command or option suggests the nearest
expect 2 "a mistyped command" sdx chek
expect_err "suggests the nearest" "'chek' is not an sdx command; did you mean 'check'\?"
expect 2 "a word far from every command" sdx frobnicate
expect_err "suggests nothing" "'frobnicate' is not an sdx command; see 'sdx --help'"
expect 2 "a mistyped option" sdx check --profle x REF
expect_err "suggests the option" "unknown option '--profle'; did you mean '--profile'\?"
expect 2 "sdx help of a mistyped command" sdx help trce
expect_err "suggests too" "did you mean 'trace'\?"
expect 0 "sdx help COMMAND is its --help" sdx help due
expect_out "the usage line" "^usage: sdx due"

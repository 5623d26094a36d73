/*
 * cmd/completion.c - the bash and zsh completion scripts (`sdx --help=bash`,
 * `--help=zsh`; the Makefile writes them to build/completion/).  They hold no
 * list of their own: they ask `sdx --help=commands` and `sdx CMD --help=words`
 * as they complete, so they offer what the installed sdx takes.
 */
#include <string.h>

#include "cmd/cmd.h"

static const char bash[] =
	"# bash completion for sdx: sdx --help=bash > /etc/bash_completion.d/sdx\n"
	"_sdx() {\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]} words\n"
	"\tif [ \"$COMP_CWORD\" -eq 1 ] || { [ \"$cmd\" = help ] && [ \"$COMP_CWORD\" -eq 2 ]; }; then\n"
	"\t\twords=$(\"${COMP_WORDS[0]}\" --help=commands 2>/dev/null)\n"
	"\telif [ \"${cur#-}\" != \"$cur\" ]; then\n"
	"\t\twords=$(\"${COMP_WORDS[0]}\" \"$cmd\" --help=words 2>/dev/null)\n"
	"\telse\n"
	"\t\tcompopt -o default 2>/dev/null\n"
	"\t\tCOMPREPLY=()\n"
	"\t\treturn 0\n"
	"\tfi\n"
	"\tCOMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
	"\tcase ${COMPREPLY[0]-} in *=) compopt -o nospace 2>/dev/null ;; esac\n"
	"\treturn 0\n"
	"}\n"
	"complete -F _sdx sdx\n";

static const char zsh[] =
	"#compdef sdx\n"
	"# zsh completion for sdx: sdx --help=zsh > \"${fpath[1]}/_sdx\"\n"
	"_sdx() {\n"
	"\tlocal -a found\n"
	"\tif (( CURRENT == 2 )) || [[ $words[2] == help && CURRENT == 3 ]]; then\n"
	"\t\tfound=(${(f)\"$($words[1] --help=commands 2>/dev/null)\"})\n"
	"\t\tcompadd -a found\n"
	"\telif [[ $PREFIX == -* ]]; then\n"
	"\t\tfound=(${(f)\"$($words[1] $words[2] --help=words 2>/dev/null)\"})\n"
	"\t\tcompadd -S '' -a found\n"
	"\telse\n"
	"\t\t_files\n"
	"\tfi\n"
	"}\n"
	"_sdx \"$@\"\n";

const char *cmd_completion_script(const char *shell)
{
	return strcmp(shell, "zsh") == 0 ? zsh : bash;
}

/*
 * cmd/suggest.c - the nearest of a list of words to a mistyped one (commands,
 * options), by optimal string alignment distance: insertions, deletions,
 * substitutions and swaps of two neighbours each cost 1, as git's "did you
 * mean" does.
 */
#include <string.h>

#include "cmd/cmd.h"

#define WORD_MAX 64

static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[WORD_MAX + 1][WORD_MAX + 1];

	if (la > WORD_MAX || lb > WORD_MAX)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *cmd_nearest(const char *word, const char *const *cands, size_t n)
{
	size_t i, best = SIZE_MAX, d, len = strlen(word);
	/* a third of the word may be wrong, and at least one letter */
	size_t limit = len / 3 > 1 ? len / 3 : 1;
	const char *hit = NULL;

	for (i = 0; i < n; i++) {
		if (!cands[i])
			continue;
		d = distance(word, cands[i]);
		if (d < best) {
			best = d;
			hit = cands[i];
		}
	}
	return best <= limit ? hit : NULL;
}

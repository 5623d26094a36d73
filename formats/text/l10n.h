/*
 * formats/text/l10n.h - the strings people read in sdx report's page and in
 * the verdict reasons of sdx check, marked for GNU gettext (po/README).
 * _("...") is looked up in the "sdx" text domain of the process's message
 * language (cmd/l10n.c chooses it); N_("...") only marks a string for
 * xgettext.  A format string is translated, its arguments (record data) are
 * not.  Not installed.
 */
#ifndef SDX_L10N_H
#define SDX_L10N_H

#include <libintl.h>

#define SDX_TEXTDOMAIN "sdx"
#define _(s) dgettext(SDX_TEXTDOMAIN, s)
#define N_(s) s

#endif

/* sdx.h - umbrella header for libsdx: includes the public headers, nothing else. */
#ifndef SDX_H
#define SDX_H
#include "sdx/error.h"
#include "sdx/merkle.h"
#include "sdx/note.h"
#include "sdx/keys.h"
#include "sdx/dsse.h"
#include "sdx/ledger.h"
#include "sdx/attachment.h"
#include "sdx/trust.h"
#include "sdx/token.h"
#include "sdx/imported.h"
#include "sdx/register.h"
#include "sdx/lab.h"
#include "sdx/record.h"
#include "sdx/build.h"
#include "sdx/bundle.h"
#include "sdx/provenance.h"
#include "sdx/index.h"
#include "sdx/clock.h"
#include "sdx/version.h"
#endif

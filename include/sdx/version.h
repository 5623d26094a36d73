/* sdx/version.h - library version. */
#ifndef SDX_VERSION_H
#define SDX_VERSION_H

#include "sdx/api.h"
#ifdef __cplusplus
extern "C" {
#endif
#define SDX_VERSION_MAJOR 0
#define SDX_VERSION_MINOR 1
#define SDX_VERSION_PATCH 0
/** The version of the library actually linked, e.g. "0.1.0". */
SDX_API const char *sdx_version(void);
/** Versions of the libraries sdx runs on, one line: "libsodium 1.0.18, SQLite 3.40.1, ..." (static buffer). */
SDX_API const char *sdx_version_deps(void);
#ifdef __cplusplus
}
#endif
#endif

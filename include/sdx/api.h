/*
 * sdx/api.h - SDX_API marks what libsdx exports.  The library is built with
 * -fvisibility=hidden, so only functions declared with SDX_API in
 * include/sdx/ are in libsdx.so's dynamic symbol table; everything else
 * (the sdx__ helpers shared inside the library) stays internal.
 */
#ifndef SDX_API_H
#define SDX_API_H

#if defined(__GNUC__) || defined(__clang__)
#define SDX_API __attribute__((visibility("default")))
#else
#define SDX_API
#endif

#endif

/* SPDX-License-Identifier: MIT */
/* libpvh's version. The top-level CMakeLists.txt reads these three lines, so
 * the project, the shared library's VERSION and the CMake package all follow
 * them. The SONAME (libpvh.so.N) changes by its own rule, in
 * docs/embedding.md ("ABI policy").
 *
 *   #if PVH_VERSION_NUMBER >= PVH_VERSION_ENCODE(0, 2, 0) ... #endif
 *   printf("built against %s, running %s\n", PVH_VERSION_STRING, pvh_version());
 */
#ifndef PVH_VERSION_H
#define PVH_VERSION_H

#include "pvh/export.h"

#define PVH_VERSION_MAJOR 0
#define PVH_VERSION_MINOR 2
#define PVH_VERSION_PATCH 0

#define PVH_VERSION_ENCODE(major, minor, patch) (((major)*10000) + ((minor)*100) + (patch))
#define PVH_VERSION_NUMBER PVH_VERSION_ENCODE(PVH_VERSION_MAJOR, PVH_VERSION_MINOR, PVH_VERSION_PATCH)
#define PVH_VERSION_STR_(x) #x
#define PVH_VERSION_STR(x) PVH_VERSION_STR_(x)
#define PVH_VERSION_STRING                                                                                   \
  PVH_VERSION_STR(PVH_VERSION_MAJOR)                                                                         \
  "." PVH_VERSION_STR(PVH_VERSION_MINOR) "." PVH_VERSION_STR(PVH_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the libpvh actually linked ("0.2.0"), which may be newer
 * than PVH_VERSION_STRING, the one compiled against. Static storage. */
PVH_API const char *pvh_version(void);

#ifdef __cplusplus
}
#endif
#endif

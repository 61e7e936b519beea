/* SPDX-License-Identifier: MIT */
/* PVH_API marks the public API. libpvh is built with -fvisibility=hidden, so
 * only functions carrying PVH_API are exported from the shared library; the
 * static library and in-tree users see no difference. */
#ifndef PVH_EXPORT_H
#define PVH_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define PVH_API __attribute__((visibility("default")))
#else
#define PVH_API
#endif

#endif

/* SPDX-License-Identifier: MIT */
#include "pvh/version.h"

const char *pvh_version(void) { return PVH_VERSION_STRING; }

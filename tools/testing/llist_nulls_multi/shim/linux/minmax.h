/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim: the base tree's tools/include has no <linux/minmax.h>;
 * its min(), max(), min_t(), max_t() and clamp() are in <linux/kernel.h>,
 * where the kernel's were before they moved.  Like the kernel's, they
 * evaluate each argument once, and they warn when the two arguments'
 * types differ (the kernel's refuse to build).
 */
#ifndef _SHIM_LINUX_MINMAX_H
#define _SHIM_LINUX_MINMAX_H

#include <linux/kernel.h>

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim: offsetof(), NULL, bool.  System headers include the UAPI
 * <linux/stddef.h> too, so pass through to it first.
 */
#ifndef _SHIM_LINUX_STDDEF_H
#define _SHIM_LINUX_STDDEF_H

#include_next <linux/stddef.h>
#include <stdbool.h>
#include <stddef.h>

#endif

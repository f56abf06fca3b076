/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim: the errno values.  The system's <linux/errno.h> (the UAPI
 * one, which glibc's <errno.h> also includes) has every value the library
 * uses, so pass through to it.
 */
#ifndef _SHIM_LINUX_ERRNO_H
#define _SHIM_LINUX_ERRNO_H

#include_next <linux/errno.h>

#endif

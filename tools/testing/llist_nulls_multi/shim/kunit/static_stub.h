/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim: the base tree's tools/include has no KUnit headers.  No
 * KUnit here, so a static stub never redirects.
 */
#ifndef _SHIM_KUNIT_STATIC_STUB_H
#define _SHIM_KUNIT_STATIC_STUB_H

#define KUNIT_STATIC_STUB_REDIRECT(real_fn_name, args...)	do { } while (0)

#endif

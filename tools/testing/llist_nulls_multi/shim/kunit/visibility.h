/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace shim: no KUnit, so KUnit-only symbols stay file-local. */
#ifndef _SHIM_KUNIT_VISIBILITY_H
#define _SHIM_KUNIT_VISIBILITY_H

#define VISIBLE_IF_KUNIT		static
#define EXPORT_SYMBOL_IF_KUNIT(sym)

#endif

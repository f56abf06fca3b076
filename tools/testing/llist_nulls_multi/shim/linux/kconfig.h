/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace shim: IS_ENABLED() for the llist_nulls_multi harness.
 * Force-included (-include linux/kconfig.h) as kbuild does.  The harness
 * defines no CONFIG_ symbols, so every option is off; an option the harness
 * wants on is passed as -DCONFIG_FOO=1.
 */
#ifndef _SHIM_LINUX_KCONFIG_H
#define _SHIM_LINUX_KCONFIG_H

/*
 * IS_ENABLED(CONFIG_FOO) is 1 if CONFIG_FOO is defined to 1, else 0.
 * A defined option expands to 1, which pastes into SHIM_ON_1, which holds a
 * comma that shifts an extra argument into the second slot.
 */
#define SHIM_ON_1				0,
#define SHIM_SECOND(ignored, val, ...)		val
#define SHIM_PICK(comma_or_junk)		SHIM_SECOND(comma_or_junk 1, 0, 0)
#define SHIM_PASTE(val)				SHIM_PICK(SHIM_ON_##val)
#define SHIM_EXPAND(val)			SHIM_PASTE(val)
#define IS_ENABLED(option)			SHIM_EXPAND(option)
#define IS_BUILTIN(option)			IS_ENABLED(option)

#endif

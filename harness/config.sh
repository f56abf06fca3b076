# shellcheck shell=bash
# The one place the base tree is pinned.  Everything else reads these.
# shellcheck disable=SC2034 # the variables are for the scripts that source this
LINUX_SOURCE_PKG=linux-source-6.12
LINUX_SOURCE_VERSION=6.12.117-1~deb12u1
LINUX_KVER=6.12.117
# Author line for the generated series.
SERIES_AUTHOR="Kernel Engineer <kernel.engineer@example.org>"

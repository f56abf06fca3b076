# llist_nulls_multi: the patch series and the harness that proves it.
# Every target installs what it needs.  See README.md.

H := harness

.PHONY: all prepare kunit check series kvm-selftests torture bench model clean

all: kunit

prepare:
	@bash $(H)/prepare.sh

kunit: prepare
	@bash $(H)/kunit.sh

check:
	@bash $(H)/check.sh

series: prepare
	@bash $(H)/series.sh

kvm-selftests torture bench model:
	@echo "make $@: not built yet (see the open issues); nothing was run." >&2
	@exit 2

clean:
	rm -rf build

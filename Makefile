# llist_nulls_multi: the patch series and the harness that proves it.
# Every target installs what it needs.  See README.md.

H := harness

.PHONY: all prepare kunit check series kvm-selftests kvm-bench torture bench model stress \
	litmus weak footprint clean-room clean refresh

all: kunit

prepare:
	@bash $(H)/prepare.sh

# patches/ written back from build/linux's series commits (the KVM edit loop)
refresh:
	@python3 $(H)/refresh-patches.py . build/linux

kunit: prepare
	@bash $(H)/run-kunit.sh

check:
	@bash $(H)/check.sh

series: prepare
	@bash $(H)/series.sh

torture: prepare
	@bash $(H)/torture.sh all

model:
	@bash $(H)/model.sh

bench:
	@bash $(H)/bench.sh

stress:
	@bash $(H)/stress.sh

litmus:
	@bash $(H)/litmus.sh

weak:
	@bash $(H)/weak.sh

footprint:
	@bash $(H)/footprint.sh

clean-room:
	@bash $(H)/clean-room.sh

kvm-selftests: prepare
	@bash $(H)/compare-kvm-selftests.sh all

kvm-bench: prepare
	@bash $(H)/kvm-bench.sh

clean:
	rm -rf build

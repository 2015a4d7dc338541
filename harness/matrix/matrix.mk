# The qemu kernel matrix: `nsapi matrix` (build/nsapi-matrix, a link to the
# script) and `make matrix`, which regenerates the committed reference
# results (results/matrix.md, results/matrix/) from the default kernels.
#
#   make matrix [MATRIX_KERNELS="6.1 6.12 sid"] [MATRIX_ARGS=...]

MATRIX_KERNELS ?=
MATRIX_ARGS ?=
MATRIX_SCRIPTS := $(wildcard harness/matrix/*.sh harness/matrix/*.jq)

PROGS += $(BUILD)/nsapi-matrix
CHECK_STEPS += check-matrix-smoke check-matrix-crash

$(BUILD)/nsapi-matrix: harness/matrix/nsapi-matrix.sh
	@mkdir -p $(@D)
	$(Q)ln -sfn $(abspath $<) $@

# STATIC_PROGS is complete only once every fragment is read (tests/tests.mk
# comes after this one), so the static builds are made from a recipe, where
# it is expanded late; nsapi-matrix rebuilds the initramfs when build/static
# or the guest scripts are newer than it.
matrix-image: build-all
	$(Q)$(MAKE) --no-print-directory $(STATIC_PROGS)
	$(Q)BUILD=$(BUILD) harness/matrix/build-initramfs.sh $(BUILD)/static $(BUILD)/matrix/initramfs.cpio.gz
	@$(if $(Q),echo "  CPIO    $(BUILD)/matrix/initramfs.cpio.gz")

matrix: deps
	$(Q)$(MAKE) --no-print-directory matrix-image
	$(Q)$(BUILD)/nsapi-matrix --prune --results results $(MATRIX_ARGS) $(MATRIX_KERNELS)

check-matrix-smoke: matrix-image
	$(Q)BUILD=$(BUILD) harness/matrix/check-matrix.sh smoke

check-matrix-crash: matrix-image
	$(Q)BUILD=$(BUILD) harness/matrix/check-matrix.sh crash

/work/main/kmod/build/arm64/tests/gunyah_test_hyp.o

/work/main/kmod/build/amd64/tests/gunyah_test_hyp.o

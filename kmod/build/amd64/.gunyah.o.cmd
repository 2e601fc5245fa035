cmd_/work/main/kmod/build/amd64/gunyah.o := ld -m elf_x86_64 -z noexecstack --no-warn-rwx-segments   -r -o /work/main/kmod/build/amd64/gunyah.o @/work/main/kmod/build/amd64/gunyah.mod 

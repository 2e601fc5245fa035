cmd_/work/main/kmod/build/native/modules.order := {   echo /work/main/kmod/build/native/gunyah.ko; :; } > /work/main/kmod/build/native/modules.order

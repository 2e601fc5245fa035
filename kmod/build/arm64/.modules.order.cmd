cmd_/work/main/kmod/build/arm64/modules.order := {   echo /work/main/kmod/build/arm64/gunyah.ko; :; } > /work/main/kmod/build/arm64/modules.order

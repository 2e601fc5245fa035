#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Writes the seed corpora under corpus/. Each seed is a short script in the
format its fuzz target decodes (see the *_fuzz.cc files). Run from this
directory; the output is committed."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(bytes(data))


u16 = lambda v: struct.pack("<H", v)
u32 = lambda v: struct.pack("<I", v)
u64 = lambda v: struct.pack("<Q", v)

# ---- pl011: op 2 = write a common register: [2, idx, u16]
DR, RSR, LCR_H, CR, IFLS, IMSC, ICR = range(7)
reg = lambda idx, v: bytes([2, idx]) + u16(v)
rd = lambda off: bytes([0]) + u16(off) + bytes([2])  # 4-byte read
rx = lambda s: bytes([3, len(s)]) + s

write("pl011", "uboot", b"\x00" + reg(CR, 0) + reg(LCR_H, 0x70) + reg(CR, 0x301)
      + reg(DR, ord("h")) + reg(DR, ord("i")) + rx(b"abc") + rd(0x18) + rd(0) + rd(0))
write("pl011", "linux_irq", b"\x00" + reg(LCR_H, 0x70) + reg(CR, 0x301) + reg(IMSC, 0x70)
      + rx(b"0123456789") + rd(0x40) + rd(0) + rd(0) + reg(ICR, 0x7ff)
      + bytes([4, 40, 0x10]) + rd(0x3c))
write("pl011", "loopback", b"\x00" + reg(LCR_H, 0x70) + reg(CR, 0x381)
      + b"".join(reg(DR, 0x41 + i) for i in range(40)) + rd(4) + bytes([5]))
write("pl011", "ids", b"\x01" + b"".join(bytes([0]) + u16(o) + bytes([i % 4]) for i, o in
                                         enumerate(range(0xfe0, 0x1000, 4))))

# ---- pl031: clock u64, then ops: 0 read, 1 write, 2 advance, 3 back+poll, 4 deadline, 5 save/restore
p31 = u64(1700000000 * 10**9)
p31 += bytes([1]) + u16(0x08) + bytes([2]) + u32(1000)      # LR
p31 += bytes([1]) + u16(0x04) + bytes([2]) + u32(1003)      # MR
p31 += bytes([1]) + u16(0x10) + bytes([2]) + u32(1)         # IMSC
p31 += bytes([4]) + bytes([2]) + u32(3) + bytes([1])        # +3 s
p31 += bytes([0]) + u16(0x18) + bytes([2])                  # MIS
p31 += bytes([1]) + u16(0x1c) + bytes([2]) + u32(1)         # ICR
p31 += bytes([5, 4, 0xff])
write("pl031", "match", p31)
write("pl031", "ids", u64(0) + b"".join(bytes([0]) + u16(o) + bytes([2]) for o in range(0xfe0, 0x1000, 4)))

# ---- virtqueue: params, last_avail, then RAM: desc @0, avail @0x800, used @0xc00
def ring(params, descs, heads, avail_idx, extra=None):
    ram = bytearray(0x1000)
    for i, (addr, ln, flags, nxt) in enumerate(descs):
        ram[i * 16:(i + 1) * 16] = struct.pack("<QIHH", addr, ln, flags, nxt)
    ram[0x802:0x804] = u16(avail_idx)
    for i, h in enumerate(heads):
        ram[0x804 + 2 * i:0x806 + 2 * i] = u16(h)
    for at, blob in (extra or []):
        ram[at:at + len(blob)] = blob
    return bytes([params]) + u16(0) + bytes(ram)

B = 0x40000000
write("virtqueue", "simple", ring(4, [(B + 0x1000, 16, 1, 1), (B + 0x1100, 64, 2, 0)], [0], 1))
write("virtqueue", "indirect", ring(4 | 8, [(B + 0x400, 48, 4, 0)], [0], 1,
      [(0x400, struct.pack("<QIHHQIHHQIHH", B + 0x1000, 16, 1, 1, B + 0x1100, 512, 3, 2,
                           B + 0x1400, 1, 2, 0))]))
write("virtqueue", "loop", ring(4, [(B + 0x1000, 8, 1, 1), (B + 0x1000, 8, 1, 0)], [0], 1))
write("virtqueue", "many", ring(3, [(B + 0x1000 + 16 * i, 16, 2, 0) for i in range(8)],
                                list(range(8)), 8))

# ---- virtio devices: 3 bring-up(u64 features), 2 ram write(u16 off/4, len, bytes),
#      4 add chain(q, n-1, n x (u16 idx, u16 len, flags)), 5 notify(q), 6 device step
FEAT = (1 << 32) | (1 << 28)
up = bytes([3]) + u64(FEAT)
ramw = lambda off, blob: bytes([2]) + u16(off // 4) + bytes([len(blob)]) + blob
chain = lambda q, ds: bytes([4, q, len(ds) - 1]) + b"".join(u16(i) + u16(l) + bytes([f]) for i, l, f in ds)
notify = lambda q: bytes([5, q])

# Chain buffers live at 0x10000 + idx * 8.
blk_hdr = lambda t, sector: struct.pack("<IIQ", t, 0, sector)
for name, t, sector in (("read", 0, 1), ("write", 1, 2), ("flush", 4, 0), ("get_id", 8, 0),
                        ("oob", 0, 1 << 40)):
    data = (ramw(0x10000, blk_hdr(t, sector)) +
            chain(0, [(0, 16, 0), (0x200, 512, 0 if t == 1 else 2), (0x400, 1, 2)]) + notify(0))
    write("virtio_blk", name, b"\x00" + up + data)
write("virtio_blk", "read_only_write", b"\x01" + up + ramw(0x10000, blk_hdr(1, 0)) +
      chain(0, [(0, 16, 0), (0x200, 512, 0), (0x400, 1, 2)]) + notify(0))

write("virtio_console", "tx_rx", up + ramw(0x10000, b"hello") + chain(1, [(0, 5, 0)]) + notify(1)
      + chain(0, [(0x100, 64, 2)]) + notify(0) + bytes([6, 3]) + b"xyz")
write("virtio_console", "raw_regs", b"".join(bytes([1]) + u16(o) + bytes([2]) for o in range(0, 0x110, 4)))

write("virtio_rng", "fill", b"\x00" + up + chain(0, [(0, 64, 2), (0x100, 300, 2)]) + notify(0))
write("virtio_rng", "failing", b"\x01" + up + chain(0, [(0, 64, 2)]) + notify(0))

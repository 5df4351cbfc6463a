#!/bin/sh
# Fake QEMU: the guest dies (panic -> QEMU exits) before its final line.
echo "##> guest-exit: crash"
echo "[    1.000000] Kernel panic - not syncing: Attempted to kill init!"

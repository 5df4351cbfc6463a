#!/bin/sh
# Fake QEMU: a guest that boots, passes, and reboots.
echo "[    0.100000] Linux version 7.3.0"
echo "args: $*"
echo "##> guest-exit: crash"
echo "##> guest-exit: ok"

#!/bin/sh
# Fake QEMU: the guest hangs after its first line.
echo "##> guest-exit: crash"
exec sleep 30

#!/bin/sh
# Fake QEMU: prints nothing and never exits.
exec sleep 30

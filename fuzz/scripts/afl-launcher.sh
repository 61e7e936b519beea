#!/bin/sh
# CMake compiler and linker launcher for AFL++ builds that include the KVM
# backend (the fuzz-boot-afl preset): CMake prepends it to every compile and
# link of a target, and it runs afl-clang-fast ($AFL_CC_BIN) in place of the
# compiler it is handed. The freestanding 32-bit guests (kvm/guest/, the
# fuzz_boot checker) are built by custom commands that call the compiler
# itself: they stay uninstrumented, which afl-cc could not do anyway (it
# refuses -m32 without a 32-bit runtime).
shift
exec "${AFL_CC_BIN:-afl-clang-fast}" "$@"

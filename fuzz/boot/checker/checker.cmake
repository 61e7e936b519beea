# Included by fuzz/boot/CMakeLists.txt (its outputs must be in that directory).
# fuzz_boot's checker guest: a flat, position-independent blob the generator
# drops into a PT_LOAD at any address. Built like kvm/guest/ (host compiler,
# -m32, freestanding, custom commands so the project's sanitizer and coverage
# flags never reach it), linked at two bases: the build fails unless both
# links give the same bytes, which is what position-independent means here.
set(FB_CC ${CMAKE_C_COMPILER})
set(FB_CFLAGS -m32 -std=c11 -ffreestanding -fno-pic -fno-pie -fno-jump-tables -fno-stack-protector
    -mno-sse -mno-sse2 -mno-mmx -mno-80387 -fno-asynchronous-unwind-tables -fno-unwind-tables
    -fno-builtin -O2 -Wall -Wextra -Werror -I${CMAKE_CURRENT_LIST_DIR}/..
    -I${PROJECT_SOURCE_DIR}/loader/include)
find_program(FB_OBJCOPY NAMES objcopy llvm-objcopy REQUIRED)
set(d ${CMAKE_CURRENT_BINARY_DIR}/checker)
file(MAKE_DIRECTORY ${d})
set(s ${CMAKE_CURRENT_LIST_DIR})
add_custom_command(OUTPUT ${d}/checker.o
  COMMAND ${FB_CC} ${FB_CFLAGS} -c ${s}/checker.c -o ${d}/checker.o
  DEPENDS ${s}/checker.c ${s}/../mailbox.h ${PROJECT_SOURCE_DIR}/loader/include/pvh/start_info.h
  COMMENT "fuzz_boot checker: checker.c" VERBATIM)
add_custom_command(OUTPUT ${d}/entry.o
  COMMAND ${FB_CC} -m32 -fno-pic -I${s}/.. -c ${s}/entry.S -o ${d}/entry.o
  DEPENDS ${s}/entry.S ${s}/../mailbox.h
  COMMENT "fuzz_boot checker: entry.S" VERBATIM)
set(blobs)
foreach(base 0x0 0x123450)
  add_custom_command(OUTPUT ${d}/checker-${base}.bin
    COMMAND ${FB_CC} ${PVH_GUEST_LDFLAGS} -Wl,--defsym=FB_BASE=${base} -Wl,-T,${s}/checker.ld
            -o ${d}/checker-${base}.elf ${d}/entry.o ${d}/checker.o
    COMMAND ${FB_OBJCOPY} -O binary ${d}/checker-${base}.elf ${d}/checker-${base}.bin
    DEPENDS ${d}/entry.o ${d}/checker.o ${s}/checker.ld
    COMMENT "fuzz_boot checker: linked at ${base}" VERBATIM)
  list(APPEND blobs ${d}/checker-${base}.bin)
endforeach()
set(FB_CHECKER_C ${d}/checker_blob.c)
add_custom_command(OUTPUT ${FB_CHECKER_C}
  COMMAND ${CMAKE_COMMAND} -E compare_files ${blobs}
  COMMAND ${CMAKE_COMMAND} -DIN=${d}/checker-0x0.bin -DOUT=${FB_CHECKER_C} -DSYM=fb_checker_blob
          -P ${PVH_EMBED_CMAKE}
  DEPENDS ${blobs} ${PVH_EMBED_CMAKE}
  COMMENT "fuzz_boot checker: position-independent (two links agree), embedding" VERBATIM)

# cmake -DIN=<binary> -DOUT=<c file> -DSYM=<name> -P embed.cmake
# Writes the bytes of IN as a C array, so the default guest lives inside the
# library (no install paths to find at run time).
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n" body "${body}")
file(WRITE ${OUT} "/* Generated from ${IN} by embed.cmake. */\n#include <stddef.h>\n#include <stdint.h>\n"
  "const uint8_t ${SYM}[${len}] = {\n${body}\n};\nconst size_t ${SYM}_len = ${len};\n")

/* SPDX-License-Identifier: MIT */
/* pvhbz: the bzImage reader beside libpvh. A distribution's vmlinuz is a
 * bzImage: a real-mode setup part, then the protected-mode part whose payload
 * is the compressed ELF vmlinux that carries the PVH note. pvhbz reads the
 * setup header (Linux boot protocol, Documentation/arch/x86/boot.rst), finds
 * the payload, knows its compression by magic, checks the uncompressed size
 * the build appended against a limit before anything is decompressed, and
 * decompresses with Debian's libraries (zlib, liblzma, liblz4, libzstd,
 * libbz2, liblzo2). The vmlinux it returns goes to libpvh as a memory image
 * (pvh_image_from_buffer); libpvh itself knows nothing of bzImages.
 *
 *   struct pvhbz_header h; struct pvhbz_error e;
 *   if (pvhbz_parse(data, size, &h, &e) == PVHBZ_OK &&
 *       pvhbz_unpack(data, size, &h, PVHBZ_VMLINUX_MAX, &vmlinux, &len, &e) == PVHBZ_OK)
 *     ... pvh_image_from_buffer(&img, vmlinux, len, "vmlinux"); ... free(vmlinux);
 *
 * All input is hostile: every offset and size is checked, nothing is read
 * outside [data, data+size), and the output never grows past the declared
 * size. Thread-safe: no global state. */
#ifndef PVHBZ_BZIMAGE_H
#define PVHBZ_BZIMAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest declared vmlinux pvhbz_unpack accepts by default: a stripped
 * x86 vmlinux is 30-80 MB; 1 GiB leaves room for any real kernel while a
 * hostile trailer cannot make it allocate 4 GiB. Callers may pass less. */
#define PVHBZ_VMLINUX_MAX (1ull << 30)

/* Boot protocol 2.08 added payload_offset/payload_length; older bzImages
 * give no way to find the payload but scanning, which pvhbz does not do. */
#define PVHBZ_PROTOCOL_MIN 0x0208

/* The setup header fields pvhbz reads (offsets in the file). */
#define PVHBZ_OFF_SETUP_SECTS 0x1f1
#define PVHBZ_OFF_HDRS 0x202
#define PVHBZ_OFF_VERSION 0x206
#define PVHBZ_OFF_PAYLOAD_OFFSET 0x248
#define PVHBZ_OFF_PAYLOAD_LENGTH 0x24c
#define PVHBZ_HEADER_END 0x250 /* the file must hold the header up to here */

/* Compression methods: id, short name, magic at the payload's start. */
#define PVHBZ_METHOD_LIST(X)                                                                                 \
  X(PVHBZ_GZIP, "gzip", "\x1f\x8b", 2)                                                                       \
  X(PVHBZ_XZ, "xz", "\xfd\x37\x7a\x58\x5a\x00", 6)                                                           \
  X(PVHBZ_LZMA, "lzma", "\x5d\x00\x00", 3)                                                                   \
  X(PVHBZ_BZIP2, "bzip2", "BZh", 3)                                                                          \
  X(PVHBZ_LZO, "lzo", "\x89\x4c\x5a\x4f", 4)                                                                 \
  X(PVHBZ_LZ4, "lz4", "\x02\x21\x4c\x18", 4)                                                                 \
  X(PVHBZ_ZSTD, "zstd", "\x28\xb5\x2f\xfd", 4)

enum pvhbz_method {
  PVHBZ_METHOD_UNKNOWN = 0,
#define PVHBZ_X_METHOD(id, name, magic, len) id,
  PVHBZ_METHOD_LIST(PVHBZ_X_METHOD)
#undef PVHBZ_X_METHOD
      PVHBZ_METHOD__COUNT
};

#define PVHBZ_ERROR_LIST(X)                                                                                  \
  X(PVHBZ_OK, "ok")                                                                                          \
  X(PVHBZ_E_INVALID_ARG, "invalid-argument")                                                                 \
  X(PVHBZ_E_NOMEM, "out-of-memory")                                                                          \
  X(PVHBZ_E_NOT_BZIMAGE, "bzimage-no-hdrs")                                                                  \
  X(PVHBZ_E_HEADER_TRUNCATED, "bzimage-header-truncated")                                                    \
  X(PVHBZ_E_PROTOCOL, "bzimage-protocol-too-old")                                                            \
  X(PVHBZ_E_SETUP_BOUNDS, "bzimage-setup-out-of-file")                                                       \
  X(PVHBZ_E_PAYLOAD_BOUNDS, "payload-out-of-file")                                                           \
  X(PVHBZ_E_PAYLOAD_SHORT, "payload-too-short")                                                              \
  X(PVHBZ_E_METHOD_UNKNOWN, "payload-unknown-compression")                                                   \
  X(PVHBZ_E_METHOD_UNSUPPORTED, "compression-unsupported")                                                   \
  X(PVHBZ_E_SIZE_ZERO, "declared-size-zero")                                                                 \
  X(PVHBZ_E_SIZE_LIMIT, "declared-size-over-limit")                                                          \
  X(PVHBZ_E_CORRUPT, "payload-corrupt")                                                                      \
  X(PVHBZ_E_STREAM_TRUNCATED, "payload-truncated")                                                           \
  X(PVHBZ_E_LARGER, "payload-larger-than-declared")                                                          \
  X(PVHBZ_E_SMALLER, "payload-smaller-than-declared")

enum pvhbz_err {
#define PVHBZ_X_ERR(code, name) code,
  PVHBZ_ERROR_LIST(PVHBZ_X_ERR)
#undef PVHBZ_X_ERR
      PVHBZ_E__COUNT
};

struct pvhbz_error {
  enum pvhbz_err code;
  char message[256]; /* names the field or method and the values */
};

/* What the setup header and the payload's ends say. */
struct pvhbz_header {
  uint16_t protocol;        /* e.g. 0x020f for 2.15 */
  unsigned setup_sects;     /* as used: a 0 in the file reads as 4 */
  uint64_t pm_start;        /* (setup_sects + 1) * 512 */
  uint64_t payload_start;   /* pm_start + payload_offset, in the file */
  uint64_t payload_length;  /* bytes, the 4-byte size trailer included */
  enum pvhbz_method method; /* by magic */
  uint64_t declared_size;   /* the trailer: the vmlinux's size */
};

/* Nonzero when data holds "HdrS" at 0x202: a bzImage (or zImage) to try. */
int pvhbz_looks_like_bzimage(const uint8_t *data, size_t size);

/* Reads and checks the setup header and the payload bounds; knows the
 * method by magic (an unknown magic is PVHBZ_E_METHOD_UNKNOWN with the bytes
 * in the message). Does not decompress and does not apply any size limit. */
enum pvhbz_err pvhbz_parse(const uint8_t *data, size_t size, struct pvhbz_header *h, struct pvhbz_error *err);

/* Decompresses the payload parse found: checks declared_size against
 * `limit` (and PVHBZ_VMLINUX_MAX) first, allocates exactly declared_size
 * bytes, and fails unless the stream produces exactly that many. On success
 * *out (free() it) holds the vmlinux and *out_len its size. */
enum pvhbz_err pvhbz_unpack(const uint8_t *data, size_t size, const struct pvhbz_header *h, uint64_t limit,
                            uint8_t **out, size_t *out_len, struct pvhbz_error *err);

/* The decompression step alone: `in` is the compressed stream (the payload
 * without its size trailer), `out` has room for exactly out_len bytes, the
 * size the stream must produce. Never writes outside out[0, out_len). A
 * stream that produces more or less is PVHBZ_E_LARGER / PVHBZ_E_SMALLER
 * with both numbers (the larger size counted up to PVHBZ_VMLINUX_MAX). */
enum pvhbz_err pvhbz_decompress(enum pvhbz_method m, const uint8_t *in, size_t in_len, uint8_t *out,
                                size_t out_len, struct pvhbz_error *err);

/* The compressed stream's length in the payload. Linux appends the
 * uncompressed size to every method's output except gzip's, whose own
 * trailer ends in it (ISIZE, arch/x86/boot/compressed/Makefile: gzip
 * versus *_with_size): so the stream is the whole payload for gzip and the
 * payload less 4 bytes for the others. */
uint64_t pvhbz_stream_length(const struct pvhbz_header *h);

/* Whether this build links the library for m (CMake found it). */
int pvhbz_method_supported(enum pvhbz_method m);
/* "lz4", ...; "unknown" for anything else. */
const char *pvhbz_method_name(enum pvhbz_method m);
/* The method whose magic starts data, or PVHBZ_METHOD_UNKNOWN. */
enum pvhbz_method pvhbz_method_by_magic(const uint8_t *data, size_t size);
const char *pvhbz_err_name(enum pvhbz_err code);

/* For a file that is neither an ELF nor a bzImage: what it looks like, as a
 * phrase for a message ("a gzip file", "a PE/EFI image", "a Xen image",
 * "text", ...); "data of unknown format" when nothing matches. */
const char *pvhbz_describe(const uint8_t *data, size_t size);

#ifdef __cplusplus
}
#endif
#endif

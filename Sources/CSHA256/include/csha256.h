// SHA-256 block compression (FIPS 180-4) for LogframeCore's `SHA256`.
//
// Only the compression function lives here: padding, partial blocks and the digest stay in
// Swift. The SHA extensions of x86-64 (SHA-NI) compress a block several times faster than
// portable code, and input fingerprinting runs beside the row reader on the second core, which
// parsing wants for itself; Swift cannot reach those instructions, C intrinsics can.
#ifndef LOGFRAME_CSHA256_H
#define LOGFRAME_CSHA256_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Runs `blocks` 64-byte blocks starting at `data` through the compression function, updating
/// the eight hash words in `state` (H0...H7, host byte order). `data` is plain bytes (a `void`
/// pointer so Swift can pass a raw buffer, such as a memory mapping) and needs no alignment. Uses the SHA extensions when the CPU has them, the portable code otherwise; both
/// give the same result.
void csha256_compress_blocks(uint32_t state[8], const void *data, size_t blocks);

/// The portable compression, whatever the CPU. Lets tests hold the SHA-NI path against an
/// independent implementation on the same machine.
void csha256_compress_blocks_portable(uint32_t state[8], const void *data, size_t blocks);

/// 1 if `csha256_compress_blocks` uses the SHA extensions on this CPU, else 0 (always 0 off
/// x86-64). The CPUID check runs once; later calls read the cached answer.
int csha256_has_shani(void);

#ifdef __cplusplus
}
#endif

#endif

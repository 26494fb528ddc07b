// SHA-256 block compression: a portable C version (FIPS 180-4, section 6.2.2) and, on x86-64,
// one on the SHA extensions, chosen at run time. See include/csha256.h.
#include "csha256.h"

#include <stdatomic.h>

/// K: the first 32 bits of the fractional parts of the cube roots of the first 64 primes
/// (FIPS 180-4, 4.2.2).
static const uint32_t round_constants[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

// MARK: - Portable

static inline uint32_t rotate_right(uint32_t x, unsigned n) {
    return (x >> n) | (x << (32 - n));
}

/// Message words are big-endian whatever the host's byte order; bytes are read one by one, so
/// `p` needs no alignment.
static inline uint32_t load_big_endian(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

void csha256_compress_blocks_portable(uint32_t state[8], const void *bytes, size_t blocks) {
    const uint8_t *data = bytes;
    uint32_t schedule[64];
    for (; blocks > 0; blocks--, data += 64) {
        for (int t = 0; t < 16; t++) {
            schedule[t] = load_big_endian(data + 4 * t);
        }
        for (int t = 16; t < 64; t++) {
            const uint32_t w15 = schedule[t - 15], w2 = schedule[t - 2];
            const uint32_t sigma0 = rotate_right(w15, 7) ^ rotate_right(w15, 18) ^ (w15 >> 3);
            const uint32_t sigma1 = rotate_right(w2, 17) ^ rotate_right(w2, 19) ^ (w2 >> 10);
            schedule[t] = schedule[t - 16] + sigma0 + schedule[t - 7] + sigma1;
        }
        uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
        uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
        for (int t = 0; t < 64; t++) {
            const uint32_t sum1 = rotate_right(e, 6) ^ rotate_right(e, 11) ^ rotate_right(e, 25);
            const uint32_t choose = (e & f) ^ (~e & g);
            const uint32_t t1 = h + sum1 + choose + round_constants[t] + schedule[t];
            const uint32_t sum0 = rotate_right(a, 2) ^ rotate_right(a, 13) ^ rotate_right(a, 22);
            const uint32_t majority = (a & b) ^ (a & c) ^ (b & c);
            const uint32_t t2 = sum0 + majority;
            h = g; g = f; f = e; e = d + t1;
            d = c; c = b; b = a; a = t1 + t2;
        }
        state[0] += a; state[1] += b; state[2] += c; state[3] += d;
        state[4] += e; state[5] += f; state[6] += g; state[7] += h;
    }
}

// MARK: - SHA extensions (x86-64)

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

// Only these functions may use SHA and SSE4.1 instructions; the rest of the file stays baseline
// x86-64, so the library loads on any x86-64 CPU and asks CPUID before taking this path.
#define SHANI_TARGET __attribute__((target("sha,sse4.1")))

/// Two rounds. SHA256RNDS2 keeps the working variables in two registers laid out as
/// (A, B, E, F) and (C, D, G, H), highest lane first, and returns the new (A, B, E, F); after
/// two rounds the old A, B, E, F are the new C, D, G, H. `wk` holds W[t] + K[t] in lane 0 and
/// W[t+1] + K[t+1] in lane 1.
SHANI_TARGET static inline void two_rounds(__m128i *abef, __m128i *cdgh, __m128i wk) {
    const __m128i next = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    *cdgh = *abef;
    *abef = next;
}

SHANI_TARGET static void compress_blocks_shani(uint32_t state[8], const uint8_t *data, size_t blocks) {
    // Reverses the bytes of each 32-bit lane: message words are big-endian.
    const __m128i word_byte_swap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);

    // state[0...3] = (a, b, c, d) and state[4...7] = (e, f, g, h) load with a in lane 0; regroup
    // them into the (A, B, E, F) and (C, D, G, H) registers the instruction works on. Register
    // names here list the highest lane first, as Intel's ABEF does.
    const __m128i cdab = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[0]), 0xB1);
    const __m128i efgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&state[4]), 0x1B);
    __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
    __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);

    for (; blocks > 0; blocks--, data += 64) {
        const __m128i abef_before = abef, cdgh_before = cdgh;
        // A ring of four registers: words[i % 4] holds W[4i...4i+3] when rounds 4i...4i+3 run.
        __m128i words[4];
        for (int i = 0; i < 4; i++) {
            words[i] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(data + 16 * i)), word_byte_swap);
        }
        // Fully unrolled, the ring's indices are constants and it lives in registers.
#pragma GCC unroll 16
        for (int i = 0; i < 16; i++) {
            const __m128i current = words[i % 4];
            const __m128i wk = _mm_add_epi32(current, _mm_loadu_si128((const __m128i *)&round_constants[4 * i]));
            two_rounds(&abef, &cdgh, wk);
            two_rounds(&abef, &cdgh, _mm_shuffle_epi32(wk, 0x0E));
            if (i < 12) {
                // W[t] = sigma1(W[t-2]) + W[t-7] + sigma0(W[t-15]) + W[t-16] for t = 4i+16...4i+19:
                // MSG1 adds sigma0 of the next word to each of W[4i...4i+3], the W[t-7] terms are
                // W[4i+9...4i+12] (one lane across the next two registers), and MSG2 adds the
                // sigma1 terms, two of which depend on the words it is producing.
                const __m128i w8 = words[(i + 2) % 4], w12 = words[(i + 3) % 4];
                const __m128i partial = _mm_add_epi32(_mm_sha256msg1_epu32(current, words[(i + 1) % 4]),
                                                      _mm_alignr_epi8(w12, w8, 4));
                words[i % 4] = _mm_sha256msg2_epu32(partial, w12);
            }
        }
        abef = _mm_add_epi32(abef, abef_before);
        cdgh = _mm_add_epi32(cdgh, cdgh_before);
    }

    // Back to (a, b, c, d) and (e, f, g, h) with a and e in lane 0.
    const __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
    const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
    _mm_storeu_si128((__m128i *)&state[0], _mm_blend_epi16(feba, dchg, 0xF0));
    _mm_storeu_si128((__m128i *)&state[4], _mm_alignr_epi8(dchg, feba, 8));
}

/// CPUID leaf 7 (subleaf 0), EBX bit 29 announces the SHA extensions; the register shuffles
/// around them need SSSE3 and SSE4.1 (leaf 1, ECX), which every such CPU has, but asking costs
/// nothing. The instructions work on XMM registers only, which every x86-64 OS saves.
static int detect_shani(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx) || !(ecx & bit_SSSE3) || !(ecx & bit_SSE4_1)) {
        return 0;
    }
    if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) {
        return 0;
    }
    return (ebx & bit_SHA) != 0;
}

/// -1 until the first check. CPUID is slow (and traps to the hypervisor in a virtual machine),
/// so it is asked once; threads racing on the first call store the same answer.
static atomic_int shani_available = -1;

int csha256_has_shani(void) {
    int available = atomic_load_explicit(&shani_available, memory_order_relaxed);
    if (available < 0) {
        available = detect_shani();
        atomic_store_explicit(&shani_available, available, memory_order_relaxed);
    }
    return available;
}

void csha256_compress_blocks(uint32_t state[8], const void *data, size_t blocks) {
    if (csha256_has_shani()) {
        compress_blocks_shani(state, data, blocks);
    } else {
        csha256_compress_blocks_portable(state, data, blocks);
    }
}

#else

int csha256_has_shani(void) {
    return 0;
}

void csha256_compress_blocks(uint32_t state[8], const void *data, size_t blocks) {
    csha256_compress_blocks_portable(state, data, blocks);
}

#endif

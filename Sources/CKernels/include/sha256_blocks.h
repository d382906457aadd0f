#ifndef RECOMBINE_SHA256_BLOCKS_H
#define RECOMBINE_SHA256_BLOCKS_H
#include <stddef.h>
#include <stdint.h>

/// SHA-256 (FIPS 180-4) compression of `blocks` consecutive 64-byte blocks at `data` into `state` [8].
/// Padding and the final length block are the caller's (RecombineData's SHA256). In C so that debug
/// builds, which compile Swift unoptimised, still hash a 47 MB dataset in well under a second.
void recombine_sha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif

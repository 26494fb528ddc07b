#ifndef LOGFRAME_CPREFETCH_H
#define LOGFRAME_CPREFETCH_H

/* A hint that the cache line at `address` will soon be read or written: the pass asks for the
   slots of a batch of people's ids ahead of looking them up, so that the memory reads of
   several lookups overlap instead of following one another. Never faults, changes nothing. */
static inline void lf_prefetch(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif

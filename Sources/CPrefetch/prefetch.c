/* The target's one function is inline, in include/cprefetch.h; a C target needs a source file. */
#include "cprefetch.h"

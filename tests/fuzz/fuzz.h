/* Shared declaration of the libFuzzer entry point for the fuzz targets. */
#ifndef L7_FUZZ_H
#define L7_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif

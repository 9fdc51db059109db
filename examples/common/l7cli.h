/* Host helpers shared by the example programs: reading files, loading a
 * RouterOS script and printing its diagnostics nft-style. */
#ifndef L7CLI_H
#define L7CLI_H

#include <l7/l7.h>

#include <stdint.h>
#include <stdio.h>

/* Read a whole file. Returns 0, or -1 with errno set. *out is malloc'd. */
int l7cli_read_file(const char *path, uint8_t **out, size_t *len);

/* Print every entry of `diags` as `FILE:LINE:COL: error: message`, the
 * source line and an underline. */
void l7cli_print_diags(FILE *f, const l7_diag_list *diags, const uint8_t *text,
                       size_t len);

/* Load the script at `path` into `cfg` with L7_CONFIG_* `flags`, printing
 * every error and warning to `err`. Returns 0 when it loaded, 1 when the
 * script has errors, 2 when it cannot be read or another failure. */
int l7cli_load_config(l7_config *cfg, const char *path, uint32_t flags, FILE *err);

#endif

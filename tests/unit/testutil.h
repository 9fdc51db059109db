/* Shared helpers for the Check suites. */
#ifndef L7_TESTUTIL_H
#define L7_TESTUTIL_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

/* Run one suite, print Check's summary, return the process exit status. */
int l7t_run_suite(Suite *s);

/* Directory of ../shared (from $L7_SHARED_DIR), or NULL when absent: tests
 * that need the corpus skip with a message then. */
const char *l7t_shared_dir(void);

/* Read a whole file into a malloc'd buffer (NUL-terminated, length in *len).
 * Returns NULL if it cannot be read. */
unsigned char *l7t_read_file(const char *path, size_t *len);

/* The capture files (.pcap, .pcapng) directly in `dir`, sorted by name, as
 * malloc'd strings in *out (free with l7t_free_names). Returns the count,
 * or -1 when the directory cannot be opened. */
long l7t_list_captures(const char *dir, char ***out);
void l7t_free_names(char **names, long count);

/* Seconds to nanoseconds, for readable test times. */
#define L7T_SEC(s) ((uint64_t)(s)*1000000000ull)

#endif

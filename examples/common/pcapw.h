/*
 * A tiny classic-pcap writer for the example hosts (l7-gen's captures,
 * l7-pcap's `-w`): no libpcap needed. Files use the nanosecond magic
 * 0xa1b23c4d so timestamps round-trip exactly; records are written in the
 * host's byte order, as libpcap does (readers detect it by the magic).
 */
#ifndef L7_EXAMPLES_PCAPW_H
#define L7_EXAMPLES_PCAPW_H

#include <stdint.h>
#include <stdio.h>

enum { PCAPW_LINKTYPE_ETHERNET = 1, PCAPW_LINKTYPE_RAW = 101 };

typedef struct pcapw pcapw;

/* Create `path` (truncating it) and write the global header. Returns 0, or
 * -1 with errno set. `snaplen` 0 means 262144. */
int pcapw_open(pcapw **out, const char *path, uint32_t linktype, uint32_t snaplen);

/* Same on a stream the caller owns (pcapw_close() does not fclose it). */
int pcapw_open_stream(pcapw **out, FILE *stream, uint32_t linktype, uint32_t snaplen);

/* One record: `caplen` bytes of `frame` stored, `origlen` the length on the
 * wire (>= caplen). Frames longer than the snaplen are cut to it. Returns 0
 * or -1 (write error, or origlen < caplen). */
int pcapw_write(pcapw *w, uint64_t ts_ns, const uint8_t *frame, uint32_t caplen,
                uint32_t origlen);

/* Flush and free. Returns 0, or -1 when any write (or the close) failed.
 * Accepts NULL. */
int pcapw_close(pcapw *w);

#endif

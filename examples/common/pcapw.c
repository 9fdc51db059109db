#include "pcapw.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct pcapw {
    FILE *f;
    int owns;
    int failed;
    uint32_t snaplen;
};

static int write_header(pcapw *w, uint32_t linktype)
{
    /* pcap file header: magic, version 2.4, thiszone, sigfigs, snaplen,
     * linktype (https://www.tcpdump.org/manpages/pcap-savefile.5.html). */
    struct {
        uint32_t magic;
        uint16_t major, minor;
        int32_t thiszone;
        uint32_t sigfigs, snaplen, linktype;
    } h = {0xa1b23c4du, 2, 4, 0, 0, w->snaplen, linktype};
    return fwrite(&h, sizeof(h), 1, w->f) == 1 ? 0 : -1;
}

static int open_common(pcapw **out, FILE *f, int owns, uint32_t linktype,
                       uint32_t snaplen)
{
    pcapw *w = calloc(1, sizeof(*w));
    if (!w) {
        if (owns)
            fclose(f);
        return -1;
    }
    w->f = f;
    w->owns = owns;
    w->snaplen = snaplen ? snaplen : 262144;
    if (write_header(w, linktype) < 0) {
        int e = errno;
        pcapw_close(w);
        errno = e;
        return -1;
    }
    *out = w;
    return 0;
}

int pcapw_open(pcapw **out, const char *path, uint32_t linktype, uint32_t snaplen)
{
    *out = NULL;
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    return open_common(out, f, 1, linktype, snaplen);
}

int pcapw_open_stream(pcapw **out, FILE *stream, uint32_t linktype, uint32_t snaplen)
{
    *out = NULL;
    if (!stream) {
        errno = EINVAL;
        return -1;
    }
    return open_common(out, stream, 0, linktype, snaplen);
}

int pcapw_write(pcapw *w, uint64_t ts_ns, const uint8_t *frame, uint32_t caplen,
                uint32_t origlen)
{
    if (origlen < caplen) {
        errno = EINVAL;
        return -1;
    }
    if (caplen > w->snaplen)
        caplen = w->snaplen;
    uint32_t rec[4] = {(uint32_t)(ts_ns / 1000000000u), (uint32_t)(ts_ns % 1000000000u),
                       caplen, origlen};
    if (fwrite(rec, sizeof(rec), 1, w->f) != 1 ||
        (caplen && fwrite(frame, caplen, 1, w->f) != 1)) {
        w->failed = 1;
        return -1;
    }
    return 0;
}

int pcapw_close(pcapw *w)
{
    if (!w)
        return 0;
    int rc = w->failed ? -1 : 0;
    if (fflush(w->f) != 0)
        rc = -1;
    if (w->owns && fclose(w->f) != 0)
        rc = -1;
    free(w);
    return rc;
}

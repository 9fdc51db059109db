#include "synth.h"

#include <stdio.h>
#include <string.h>

uint64_t synth_rand(uint64_t *state)
{
    uint64_t x = *state ? *state : 0x9E3779B97F4A7C15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1Dull;
}

void synth_random_bytes(uint64_t *state, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(synth_rand(state) >> 56);
}

static size_t put_text(size_t cap, int n)
{
    return (n < 0 || (size_t)n >= cap) ? 0 : (size_t)n;
}

size_t synth_http_request(uint8_t *out, size_t cap, const char *method,
                          const char *host, const char *path, const char *user_agent)
{
    int n =
        snprintf((char *)out, cap,
                 "%s %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n"
                 "Accept: text/html,application/xhtml+xml,*/*;q=0.8\r\n"
                 "Accept-Language: en-US,en;q=0.5\r\nConnection: keep-alive\r\n\r\n",
                 method, path, host, user_agent);
    return put_text(cap, n);
}

size_t synth_http_response(uint8_t *out, size_t cap, size_t body_len, uint64_t *rng)
{
    int n = snprintf((char *)out, cap,
                     "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                     "Content-Length: %zu\r\nCache-Control: max-age=60\r\n\r\n",
                     body_len);
    size_t len = put_text(cap, n);
    if (!len || len + body_len > cap)
        return 0;
    static const char words[] = "<p>lorem ipsum dolor sit amet consectetur</p>\n";
    for (size_t i = 0; i < body_len; i++)
        out[len + i] =
            (uint8_t)words[(i + (synth_rand(rng) & 3)) % (sizeof(words) - 1)];
    return len + body_len;
}

static void put16(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put24(uint8_t *p, size_t v)
{
    p[0] = (uint8_t)(v >> 16);
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)v;
}

size_t synth_tls_client_hello(uint8_t *out, size_t cap, const char *sni, uint64_t *rng)
{
    static const uint8_t suites[] = {0x13, 0x01, 0x13, 0x02, 0x13, 0x03, 0xc0, 0x2b,
                                     0xc0, 0x2f, 0xc0, 0x2c, 0xc0, 0x30, 0xcc, 0xa9};
    static const uint8_t tail_exts[] = {
        /* supported_groups: x25519, secp256r1 */
        0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17,
        /* signature_algorithms */
        0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01,
        /* supported_versions: TLS 1.3, 1.2 */
        0x00, 0x2b, 0x00, 0x05, 0x04, 0x03, 0x04, 0x03, 0x03,
        /* ALPN: h2, http/1.1 */
        0x00, 0x10, 0x00, 0x0e, 0x00, 0x0c, 0x02, 'h', '2', 0x08, 'h', 't', 't', 'p',
        '/', '1', '.', '1'};
    size_t host_len = strlen(sni);
    size_t sni_ext = 4 + 2 + 1 + 2 + host_len;
    size_t exts = sni_ext + sizeof(tail_exts);
    size_t body = 2 + 32 + 1 + 32 + 2 + sizeof(suites) + 2 + 2 + exts;
    size_t total = 5 + 4 + body;
    if (total > cap || host_len > 255)
        return 0;
    uint8_t *p = out;
    *p++ = 0x16; /* handshake record */
    *p++ = 0x03;
    *p++ = 0x01;
    put16(p, 4 + body);
    p += 2;
    *p++ = 0x01; /* ClientHello */
    put24(p, body);
    p += 3;
    *p++ = 0x03;
    *p++ = 0x03;
    synth_random_bytes(rng, p, 32); /* random */
    p += 32;
    *p++ = 32; /* legacy session id */
    synth_random_bytes(rng, p, 32);
    p += 32;
    put16(p, sizeof(suites));
    p += 2;
    memcpy(p, suites, sizeof(suites));
    p += sizeof(suites);
    *p++ = 1; /* compression methods: null */
    *p++ = 0;
    put16(p, exts);
    p += 2;
    put16(p, 0x0000); /* server_name */
    put16(p + 2, sni_ext - 4);
    put16(p + 4, sni_ext - 6);
    p[6] = 0; /* host_name */
    put16(p + 7, host_len);
    memcpy(p + 9, sni, host_len);
    p += sni_ext;
    memcpy(p, tail_exts, sizeof(tail_exts));
    p += sizeof(tail_exts);
    return (size_t)(p - out);
}

size_t synth_tls_server_flight(uint8_t *out, size_t cap, size_t len, uint64_t *rng)
{
    if (len < 5 || len > cap)
        return 0;
    out[0] = 0x17; /* application data record: opaque to any pattern */
    out[1] = 0x03;
    out[2] = 0x03;
    put16(out + 3, len - 5);
    synth_random_bytes(rng, out + 5, len - 5);
    return len;
}

size_t synth_bittorrent_handshake(uint8_t *out, size_t cap, uint64_t *rng)
{
    static const char proto[] = "BitTorrent protocol";
    if (cap < 68)
        return 0;
    out[0] = 19;
    memcpy(out + 1, proto, 19);
    memset(out + 20, 0, 8);                /* reserved: NULs, stripped by the matcher */
    out[25] = 0x10;                        /* extension protocol bit */
    synth_random_bytes(rng, out + 28, 20); /* info_hash */
    memcpy(out + 48, "-qB4650-", 8);       /* peer id */
    synth_random_bytes(rng, out + 56, 12);
    return 68;
}

size_t synth_sip_invite(uint8_t *out, size_t cap, const char *to_user,
                        const char *domain)
{
    int n = snprintf(
        (char *)out, cap,
        "INVITE sip:%s@%s SIP/2.0\r\n"
        "Via: SIP/2.0/UDP 192.168.1.150:5060;branch=z9hG4bK776asdhds\r\n"
        "Max-Forwards: 70\r\nTo: <sip:%s@%s>\r\n"
        "From: <sip:alice@%s>;tag=1928301774\r\n"
        "Call-ID: a84b4c76e66710@192.168.1.150\r\nCSeq: 314159 INVITE\r\n"
        "Contact: <sip:alice@192.168.1.150>\r\nContent-Type: application/sdp\r\n"
        "Content-Length: 0\r\n\r\n",
        to_user, domain, to_user, domain, domain);
    return put_text(cap, n);
}

size_t synth_sip_response(uint8_t *out, size_t cap, unsigned code, const char *reason,
                          const char *to_user, const char *domain)
{
    int n = snprintf((char *)out, cap,
                     "SIP/2.0 %u %s\r\n"
                     "Via: SIP/2.0/UDP 192.168.1.150:5060;branch=z9hG4bK776asdhds\r\n"
                     "To: <sip:%s@%s>;tag=a6c85cf\r\n"
                     "From: <sip:alice@%s>;tag=1928301774\r\n"
                     "Call-ID: a84b4c76e66710@192.168.1.150\r\nCSeq: 314159 INVITE\r\n"
                     "Content-Length: 0\r\n\r\n",
                     code, reason, to_user, domain, domain);
    return put_text(cap, n);
}

/* Writes `name` as DNS labels; returns the length or 0 if it is malformed
 * or does not fit. */
static size_t put_qname(uint8_t *out, size_t cap, const char *name)
{
    size_t len = 0;
    const char *label = name;
    for (;;) {
        const char *dot = strchr(label, '.');
        size_t n = dot ? (size_t)(dot - label) : strlen(label);
        if (n == 0 || n > 63 || len + 1 + n + 1 > cap)
            return 0;
        out[len++] = (uint8_t)n;
        memcpy(out + len, label, n);
        len += n;
        if (!dot)
            break;
        label = dot + 1;
    }
    out[len++] = 0;
    return len;
}

static size_t dns_message(uint8_t *out, size_t cap, uint16_t id, uint16_t flags,
                          const char *name, uint16_t qtype, const uint8_t *addr)
{
    size_t rdlen = qtype == 28 ? 16 : 4;
    if (cap < 12)
        return 0;
    put16(out, id);
    put16(out + 2, flags);
    put16(out + 4, 1);
    put16(out + 6, addr ? 1 : 0);
    put16(out + 8, 0);
    put16(out + 10, 0);
    size_t q = put_qname(out + 12, cap - 12, name);
    size_t len = 12 + q;
    if (!q || len + 4 > cap)
        return 0;
    put16(out + len, qtype);
    put16(out + len + 2, 1);
    len += 4;
    if (!addr)
        return len;
    if (len + 12 + rdlen > cap)
        return 0;
    put16(out + len, 0xc00c); /* compressed: the question's name */
    put16(out + len + 2, qtype);
    put16(out + len + 4, 1);
    put16(out + len + 6, 0);
    put16(out + len + 8, 300);
    put16(out + len + 10, rdlen);
    memcpy(out + len + 12, addr, rdlen);
    return len + 12 + rdlen;
}

size_t synth_dns_query(uint8_t *out, size_t cap, uint16_t id, const char *name,
                       uint16_t qtype)
{
    return dns_message(out, cap, id, 0x0100 /* RD */, name, qtype, NULL);
}

size_t synth_dns_response(uint8_t *out, size_t cap, uint16_t id, const char *name,
                          uint16_t qtype, const uint8_t *addr)
{
    if (!addr)
        return 0;
    return dns_message(out, cap, id, 0x8180 /* QR RD RA */, name, qtype, addr);
}

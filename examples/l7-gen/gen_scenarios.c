/*
 * The scenarios. tests/scenarios/README.md documents each one (flows,
 * addresses, times, what it exercises); keep the two in step.
 */
#include "gen_internal.h"

#include "synth.h"

#include <l7/packet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BUF = 16384 };

static const char UA_FIREFOX[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0";

/* Every host of the office, as in the seed's address lists. */
typedef struct office {
    gen_host mgmt, emp150, emp120, contractor, unlisted, p2p_host;
    gen_host dns, facebook, fbcdn, youtube, googlevideo, netflix, nflxvideo, steam,
        example, teamviewer, sip, peer_a, peer_b, gateway, probe;
} office;

static void office_init(office *o)
{
    /* LAN hosts: round trip ~0.3 ms; Windows starts at TTL 128. */
    gen_host_init(&o->mgmt, 192, 168, 1, 15, 64, 300, 50001);
    gen_host_init(&o->emp150, 192, 168, 1, 150, 128, 300, 40001);
    gen_host_init(&o->emp120, 192, 168, 1, 120, 64, 300, 45001);
    gen_host_init(&o->contractor, 192, 168, 2, 30, 64, 400, 52001);
    gen_host_init(&o->unlisted, 192, 168, 1, 50, 64, 300, 38001);
    gen_host_init(&o->p2p_host, 192, 168, 1, 130, 64, 300, 47001);
    /* Servers: TTL as they arrive after ~10 hops; round trips of 8-40 ms. */
    gen_host_init(&o->dns, 198, 51, 100, 53, 58, 8000, 0);
    gen_host_init(&o->facebook, 203, 0, 113, 10, 54, 18000, 0);
    gen_host_init(&o->fbcdn, 203, 0, 113, 11, 55, 12000, 0);
    gen_host_init(&o->youtube, 203, 0, 113, 20, 118, 15000, 0);
    gen_host_init(&o->googlevideo, 203, 0, 113, 21, 118, 9000, 0);
    gen_host_init(&o->netflix, 203, 0, 113, 30, 52, 25000, 0);
    gen_host_init(&o->nflxvideo, 203, 0, 113, 31, 60, 6000, 0);
    gen_host_init(&o->steam, 203, 0, 113, 40, 49, 40000, 0);
    gen_host_init(&o->example, 203, 0, 113, 50, 56, 20000, 0);
    gen_host_init(&o->teamviewer, 198, 51, 100, 40, 113, 30000, 0);
    gen_host_init(&o->sip, 198, 51, 100, 20, 59, 10000, 0);
    gen_host_init(&o->peer_a, 198, 51, 100, 77, 112, 35000, 0);
    gen_host_init(&o->peer_b, 203, 0, 113, 99, 47, 45000, 0);
    gen_host_init(&o->gateway, 198, 51, 100, 1, 62, 2000, 0);
    gen_host_init(&o->probe, 198, 51, 100, 60, 57, 14000, 0);
}

static const uint8_t *addr_of(const gen_ctx *g, const gen_host *h)
{
    return g->v6 ? h->v6 : h->v4;
}

/* ---- application flows ------------------------------------------------------ */

static void dns_lookup(gen_ctx *g, uint64_t t, gen_host *cli, office *o,
                       const char *name, const gen_host *answer)
{
    uint8_t q[512], r[512];
    uint16_t id = (uint16_t)synth_rand(&g->rng);
    uint16_t qtype = g->v6 ? 28 : 1;
    /* Stub resolvers pick a random source port (RFC 5452). */
    uint16_t port = (uint16_t)gen_rand_range(g, 49152, 65535);
    size_t ql = synth_dns_query(q, sizeof(q), id, name, qtype);
    size_t rl = synth_dns_response(r, sizeof(r), id, name, qtype, addr_of(g, answer));
    /* IPv6: the resolver's queries carry a hop-by-hop header. */
    gen_udp(g, t, cli, port, &o->dns, 53, 0, q, ql, GEN_EXT_HOP_BY_HOP);
    gen_udp(g, t + o->dns.rtt_us * GEN_US + 210 * GEN_US, cli, port, &o->dns, 53, 1, r,
            rl, 0);
}

static size_t http_response_of_length(uint8_t *out, size_t cap, size_t total,
                                      uint64_t *rng)
{
    /* The header's length depends on the digits of Content-Length. */
    for (size_t body = total > 200 ? total - 200 : 0; body <= total; body++) {
        uint64_t probe = *rng;
        if (synth_http_response(out, cap, body, &probe) == total) {
            *rng = probe;
            return total;
        }
    }
    return synth_http_response(out, cap, total, rng);
}

/* A response header whose Content-Length makes header + body = total. */
static size_t http_header_for(uint8_t *out, size_t cap, const char *ctype, size_t total)
{
    for (size_t hl = 40; hl < 200 && hl < total; hl++) {
        int n =
            snprintf((char *)out, cap,
                     "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "Accept-Ranges: bytes\r\n\r\n",
                     ctype, total - hl);
        if (n > 0 && (size_t)n == hl)
            return hl;
    }
    return 0;
}

/* An HTTP GET and a `body`-byte answer; the client closes. Returns the
 * time of the last packet. */
static uint64_t http_flow(gen_ctx *g, uint64_t t, gen_host *cli, uint16_t sport,
                          gen_host *srv, const char *host, const char *path,
                          size_t body, int v6ext)
{
    uint8_t *buf = malloc(body + 512);
    uint8_t req[1024];
    gen_tcp f;
    gen_tcp_init(&f, g, cli, sport, srv, 80, t);
    f.v6ext = v6ext;
    gen_tcp_handshake(&f);
    size_t rl = synth_http_request(req, sizeof(req), "GET", host, path, UA_FIREFOX);
    gen_tcp_send(&f, 0, req, rl);
    gen_tcp_wait(&f, gen_rand_range(g, 3000, 20000) * GEN_US);
    size_t n = buf ? synth_http_response(buf, body + 512, body, &g->rng) : 0;
    if (!buf)
        g->cap->failed = 1;
    gen_tcp_send(&f, 1, buf, n);
    gen_tcp_wait(&f, gen_rand_range(g, 50, 400) * GEN_MS);
    gen_tcp_close(&f, 0);
    free(buf);
    return f.t;
}

/* The example connection: exactly 10 packets and 3140 IP bytes
 * over IPv4 (SYN, SYN-ACK, ACK, GET, two answer segments, ACK, FIN, FIN,
 * ACK; SYNs carry 12 bytes of options). */
static void facebook_10_packets(gen_ctx *g, uint64_t t, gen_host *cli, uint16_t sport,
                                gen_host *srv, int v6ext)
{
    uint8_t req[1024], resp[4096];
    gen_tcp f;
    gen_tcp_init(&f, g, cli, sport, srv, 80, t);
    f.v6ext = v6ext;
    gen_tcp_handshake(&f);
    size_t rl = synth_http_request(req, sizeof(req), "GET", "www.facebook.com", "/",
                                   UA_FIREFOX);
    gen_tcp_segment(&f, 0, 0x08, req, rl);
    gen_tcp_wait(&f, 14 * GEN_MS);
    /* 3140 = 52 + 52 + 40 + (40 + req) + (40 + 1460) + (40 + x) + 4 * 40 */
    size_t total = 1460 + (1256 - rl);
    size_t n = http_response_of_length(resp, sizeof(resp), total, &g->rng);
    gen_tcp_send(&f, 1, resp, n);
    gen_tcp_wait(&f, 120 * GEN_MS);
    gen_tcp_close(&f, 0);
}

/* TLS: ClientHello with SNI, the server's flight, the client's finish,
 * `down` bytes of application data, close. */
static void tls_flow(gen_ctx *g, uint64_t t, gen_host *cli, gen_host *srv,
                     const char *sni, size_t down, int v6ext)
{
    uint8_t *buf = malloc(down + 4096);
    if (!buf) {
        g->cap->failed = 1;
        return;
    }
    gen_tcp f;
    gen_tcp_init(&f, g, cli, 0, srv, 443, t);
    f.v6ext = v6ext;
    gen_tcp_handshake(&f);
    size_t n = synth_tls_client_hello(buf, 4096, sni, &g->rng);
    gen_tcp_send(&f, 0, buf, n);
    n = synth_tls_server_flight(buf, 4096, 2870, &g->rng);
    gen_tcp_send(&f, 1, buf, n);
    n = synth_tls_server_flight(buf, 4096, 80, &g->rng);
    gen_tcp_send(&f, 0, buf, n);
    gen_tcp_wait(&f, 30 * GEN_MS);
    n = synth_tls_server_flight(buf, down + 4096, down, &g->rng);
    gen_tcp_send(&f, 1, buf, n);
    gen_tcp_wait(&f, gen_rand_range(g, 200, 900) * GEN_MS);
    gen_tcp_close(&f, 0);
    free(buf);
}

/* BitTorrent peer wire: both handshakes, interested/unchoke, a request and
 * a 16 KiB piece. */
static void bittorrent_flow(gen_ctx *g, uint64_t t, gen_host *cli, gen_host *peer,
                            uint16_t port)
{
    uint8_t buf[16384 + 64];
    gen_tcp f;
    gen_tcp_init(&f, g, cli, 0, peer, port, t);
    gen_tcp_handshake(&f);
    size_t n = synth_bittorrent_handshake(buf, sizeof(buf), &g->rng);
    gen_tcp_send(&f, 0, buf, n);
    n = synth_bittorrent_handshake(buf, sizeof(buf), &g->rng);
    gen_tcp_send(&f, 1, buf, n);
    static const uint8_t interested[] = {0, 0, 0, 1, 2};
    static const uint8_t unchoke[] = {0, 0, 0, 1, 1};
    static const uint8_t request[] = {0, 0, 0, 13, 6, 0, 0,    0, 7,
                                      0, 0, 0, 0,  0, 0, 0x40, 0};
    gen_tcp_send(&f, 0, interested, sizeof(interested));
    gen_tcp_send(&f, 1, unchoke, sizeof(unchoke));
    gen_tcp_send(&f, 0, request, sizeof(request));
    /* piece: length, id 7, index 7, begin 0, 16 KiB of block */
    static const uint8_t piece_hdr[] = {0, 0, 0x40, 9, 7, 0, 0, 0, 7, 0, 0, 0, 0};
    memcpy(buf, piece_hdr, sizeof(piece_hdr));
    synth_random_bytes(&g->rng, buf + sizeof(piece_hdr), 16384);
    gen_tcp_send(&f, 1, buf, sizeof(piece_hdr) + 16384);
    gen_tcp_wait(&f, 2 * GEN_S);
    gen_tcp_close(&f, 0);
}

static void sip_call(gen_ctx *g, uint64_t t, gen_host *cli, gen_host *srv)
{
    uint8_t buf[2048];
    size_t n = synth_sip_invite(buf, sizeof(buf), "bob", "sip.example.org");
    gen_udp(g, t, cli, 5060, srv, 5060, 0, buf, n, 0);
    uint64_t rtt = srv->rtt_us * GEN_US;
    n = synth_sip_response(buf, sizeof(buf), 100, "Trying", "bob", "sip.example.org");
    gen_udp(g, t + rtt, cli, 5060, srv, 5060, 1, buf, n, 0);
    n = synth_sip_response(buf, sizeof(buf), 180, "Ringing", "bob", "sip.example.org");
    gen_udp(g, t + rtt + 400 * GEN_MS, cli, 5060, srv, 5060, 1, buf, n, 0);
    n = synth_sip_response(buf, sizeof(buf), 200, "OK", "bob", "sip.example.org");
    gen_udp(g, t + rtt + 3200 * GEN_MS, cli, 5060, srv, 5060, 1, buf, n, 0);
}

/* TeamViewer's HTTP fallback: GET /din.aspx ... client=DynGate. */
static void teamviewer_flow(gen_ctx *g, uint64_t t, gen_host *cli, gen_host *srv)
{
    uint8_t req[1024], resp[2048];
    gen_tcp f;
    gen_tcp_init(&f, g, cli, 0, srv, 80, t);
    gen_tcp_handshake(&f);
    size_t n = synth_http_request(req, sizeof(req), "GET", "master7.teamviewer.com",
                                  "/din.aspx?s=00000000&id=0&client=DynGate&p=10000001",
                                  "Mozilla/4.0 (compatible; MSIE 6.0; DynGate)");
    gen_tcp_send(&f, 0, req, n);
    gen_tcp_wait(&f, 9 * GEN_MS);
    n = synth_http_response(resp, sizeof(resp), 48, &g->rng);
    gen_tcp_send(&f, 1, resp, n);
    gen_tcp_wait(&f, 800 * GEN_MS);
    gen_tcp_close(&f, 1);
}

/* ---- office ---------------------------------------------------------------- */

/* The office's traffic mix over about one minute from t0. The employee's
 * first Facebook connection uses `fb_port` (0: next ephemeral). */
static void office_mix(gen_ctx *g, office *o, uint64_t t0, uint16_t fb_port)
{
    int x = g->v6 ? GEN_EXT_DEST_OPTS : 0;
    dns_lookup(g, t0, &o->emp150, o, "www.facebook.com", &o->facebook);
    facebook_10_packets(g, t0 + 20 * GEN_MS, &o->emp150, fb_port, &o->facebook, x);
    dns_lookup(g, t0 + 2 * GEN_S, &o->emp150, o, "static.xx.fbcdn.net", &o->fbcdn);
    tls_flow(g, t0 + 2 * GEN_S + 15 * GEN_MS, &o->emp150, &o->fbcdn,
             "static.xx.fbcdn.net", 6000, 0);
    dns_lookup(g, t0 + 5 * GEN_S, &o->emp120, o, "www.youtube.com", &o->youtube);
    http_flow(g, t0 + 5 * GEN_S + 12 * GEN_MS, &o->emp120, 0, &o->youtube,
              "www.youtube.com", "/watch?v=dQw4w9WgXcQ", 3000, x);
    dns_lookup(g, t0 + 8 * GEN_S, &o->emp120, o, "rr2.googlevideo.com",
               &o->googlevideo);
    tls_flow(g, t0 + 8 * GEN_S + 10 * GEN_MS, &o->emp120, &o->googlevideo,
             "rr2.googlevideo.com", 8000, 0);
    dns_lookup(g, t0 + 12 * GEN_S, &o->mgmt, o, "www.facebook.com", &o->facebook);
    http_flow(g, t0 + 12 * GEN_S + 20 * GEN_MS, &o->mgmt, 0, &o->facebook,
              "www.facebook.com", "/", 2500, x);
    http_flow(g, t0 + 15 * GEN_S, &o->mgmt, 0, &o->youtube, "www.youtube.com",
              "/feed/subscriptions", 2000, 0);
    bittorrent_flow(g, t0 + 18 * GEN_S, &o->mgmt, &o->peer_a, 51413);
    bittorrent_flow(g, t0 + 22 * GEN_S, &o->emp120, &o->peer_b, 6881);
    dns_lookup(g, t0 + 26 * GEN_S, &o->contractor, o, "www.netflix.com", &o->netflix);
    http_flow(g, t0 + 26 * GEN_S + 10 * GEN_MS, &o->contractor, 0, &o->netflix,
              "www.netflix.com", "/browse", 2200, x);
    dns_lookup(g, t0 + 29 * GEN_S, &o->contractor, o, "occ-0-1168-299.1.nflxvideo.net",
               &o->nflxvideo);
    tls_flow(g, t0 + 29 * GEN_S + 9 * GEN_MS, &o->contractor, &o->nflxvideo,
             "occ-0-1168-299.1.nflxvideo.net", 9000, 0);
    http_flow(g, t0 + 33 * GEN_S, &o->contractor, 0, &o->example, "www.example.org",
              "/", 1200, 0);
    http_flow(g, t0 + 36 * GEN_S, &o->contractor, 0, &o->facebook, "www.facebook.com",
              "/login", 1500, x);
    dns_lookup(g, t0 + 40 * GEN_S, &o->emp150, o, "store.steampowered.com", &o->steam);
    http_flow(g, t0 + 40 * GEN_S + 15 * GEN_MS, &o->emp150, 0, &o->steam,
              "store.steampowered.com", "/app/730/", 3500, 0);
    http_flow(g, t0 + 44 * GEN_S, &o->unlisted, 0, &o->facebook, "www.facebook.com",
              "/", 1800, 0);
    http_flow(g, t0 + 47 * GEN_S, &o->unlisted, 0, &o->youtube, "www.youtube.com", "/",
              1800, 0);
    http_flow(g, t0 + 50 * GEN_S, &o->unlisted, 0, &o->example, "www.example.org",
              "/index.html", 1200, 0);
    sip_call(g, t0 + 53 * GEN_S, &o->emp150, &o->sip);
    teamviewer_flow(g, t0 + 56 * GEN_S, &o->emp120, &o->teamviewer);
    gen_ping(g, t0 + 60 * GEN_S, &o->unlisted, &o->gateway, 0x1c2f, 1);
    gen_ping(g, t0 + 61 * GEN_S, &o->unlisted, &o->gateway, 0x1c2f, 2);
}

static void scen_office(gen_ctx *g)
{
    office o;
    office_init(&o);
    office_mix(g, &o, gen_utc(2026, 11, 25, 10, 0, 0), 40001); /* Wednesday */
    office_mix(g, &o, gen_utc(2026, 11, 28, 14, 0, 0), 0);     /* Saturday */
}

static void scen_office_weekend(gen_ctx *g)
{
    office o;
    office_init(&o);
    office_mix(g, &o, gen_utc(2026, 11, 28, 10, 0, 0), 40001);
}

static void scen_ipv6(gen_ctx *g)
{
    office o;
    office_init(&o);
    g->v6 = 1;
    office_mix(g, &o, gen_utc(2026, 11, 25, 10, 0, 0), 40001);
}

/* ---- time windows ------------------------------------------------------------- */

static void scen_time_midnight(gen_ctx *g)
{
    office o;
    office_init(&o);
    static const struct {
        int day, hour, min, sec, ms;
    } at[] = {
        {25, 17, 59, 59, 999}, {25, 18, 0, 0, 0}, {25, 23, 59, 0, 0}, {26, 0, 0, 1, 0},
        {26, 7, 59, 59, 0},    {26, 8, 0, 0, 0},  {27, 23, 59, 0, 0}, {28, 0, 0, 1, 0},
        {28, 7, 59, 59, 0},    {28, 8, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        uint64_t t = gen_utc(2026, 11, at[i].day, at[i].hour, at[i].min, at[i].sec) +
                     (uint64_t)at[i].ms * GEN_MS;
        http_flow(g, t, &o.emp150, (uint16_t)(41001 + i), &o.steam,
                  "store.steampowered.com", "/", 1000, 0);
    }
}

static void scen_time_two_ranges(gen_ctx *g)
{
    office o;
    office_init(&o);
    static const struct {
        int day, hour, min, sec;
    } at[] = {
        {25, 8, 59, 0},   {25, 9, 0, 0},  {25, 11, 59, 59},
        {25, 12, 0, 0},   {25, 13, 0, 0}, {25, 14, 0, 0},
        {25, 16, 59, 59}, {25, 17, 0, 0}, {28, 10, 0, 0},
    };
    for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
        uint64_t t = gen_utc(2026, 11, at[i].day, at[i].hour, at[i].min, at[i].sec);
        http_flow(g, t, &o.emp150, (uint16_t)(42001 + i), &o.youtube, "www.youtube.com",
                  "/watch?v=dQw4w9WgXcQ", 1000, 0);
    }
}

/* ---- mark once, use many ------------------------------------------------------ */

static void scen_mark_once(gen_ctx *g)
{
    office o;
    office_init(&o);
    uint64_t t0 = gen_utc(2026, 11, 25, 11, 0, 0);
    uint8_t req[1024];
    enum { SEGS = 30 };
    uint8_t *body = malloc(SEGS * 1460);
    if (!body) {
        g->cap->failed = 1;
        return;
    }
    gen_tcp f;
    gen_tcp_init(&f, g, &o.emp120, 43001, &o.youtube, 80, t0);
    gen_tcp_handshake(&f);
    size_t n = synth_http_request(req, sizeof(req), "GET", "www.youtube.com",
                                  "/videoplayback?id=7f3a&itag=18", UA_FIREFOX);
    gen_tcp_segment(&f, 0, 0x08, req, n);
    gen_tcp_wait(&f, 15 * GEN_MS);
    /* 30 full data segments: a response header, then video bytes. */
    size_t h =
        http_header_for(body, SEGS * 1460, "application/octet-stream", SEGS * 1460);
    synth_random_bytes(&g->rng, body + h, SEGS * 1460 - h);
    gen_tcp_send(&f, 1, body, SEGS * 1460);
    gen_tcp_wait(&f, 300 * GEN_MS);
    gen_tcp_close(&f, 0);
    free(body);
    /* A plain connection from the same host alongside: it must stay unmarked. */
    http_flow(g, t0 + 40 * GEN_MS, &o.emp120, 43002, &o.example, "www.example.org", "/",
              4000, 0);
}

/* ---- address-list timeout ---------------------------------------------------- */

static void scen_addrlist_timeout(gen_ctx *g)
{
    office o;
    office_init(&o);
    uint64_t t0 = gen_utc(2026, 11, 25, 9, 0, 0);
    bittorrent_flow(g, t0, &o.p2p_host, &o.peer_b, 6881);
    static const uint64_t later[] = {10 * GEN_MIN, 59 * GEN_MIN, 61 * GEN_MIN};
    for (size_t i = 0; i < 3; i++)
        http_flow(g, t0 + later[i], &o.p2p_host, (uint16_t)(47101 + i), &o.example,
                  "www.example.org", "/", 1500, 0);
    /* Another host's plain HTTP at t0+10 min: never on the list. */
    http_flow(g, t0 + 10 * GEN_MIN + 5 * GEN_S, &o.emp150, 40101, &o.example,
              "www.example.org", "/", 1500, 0);
}

/* ---- window ------------------------------------------------------------------- */

/* Filler without any seed protocol's pattern and without NULs. */
static void filler(uint8_t *p, size_t n, char tag)
{
    static const char text[] = "Xq7-Zv9-Kw3-Jm5-";
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)text[i % (sizeof(text) - 1)];
    if (n)
        p[0] = (uint8_t)tag;
}

/* Pattern in packet `k` (1-based, handshake included): packets 4..k-1
 * alternate client filler and server ACKs / filler, packet k is a client
 * segment carrying "www.youtube.com". */
static void window_packet_n(gen_ctx *g, uint64_t t, gen_host *cli, uint16_t sport,
                            gen_host *srv, int k)
{
    uint8_t buf[256];
    gen_tcp f;
    gen_tcp_init(&f, g, cli, sport, srv, 8080, t);
    gen_tcp_handshake(&f);
    for (int pkt = 4; pkt < k; pkt++) {
        int dir = pkt % 2; /* even: client data, odd: server data */
        filler(buf, 40, dir ? 'S' : 'C');
        gen_tcp_segment(&f, dir, 0x08, buf, 40);
    }
    static const char hit[] = "GET /v HTTP/1.1\r\nHost: www.youtube.com\r\n\r\n";
    gen_tcp_segment(&f, 0, 0x08, (const uint8_t *)hit, sizeof(hit) - 1);
    gen_tcp_segment(&f, 1, 0x08, (const uint8_t *)"HTTP/1.1 204 No Content\r\n\r\n",
                    27);
    gen_tcp_close(&f, 0);
}

/* Client payload of `total` bytes (after the handshake, in MSS segments)
 * whose last 7 bytes are "youtube". */
static void window_bytes(gen_ctx *g, uint64_t t, gen_host *cli, uint16_t sport,
                         gen_host *srv, size_t total)
{
    uint8_t buf[4096];
    gen_tcp f;
    gen_tcp_init(&f, g, cli, sport, srv, 8080, t);
    gen_tcp_handshake(&f);
    filler(buf, total - 7, 'B');
    memcpy(buf + total - 7, "youtube", 7);
    gen_tcp_send(&f, 0, buf, total);
    gen_tcp_segment(&f, 1, 0x08, (const uint8_t *)"OK\r\n", 4);
    gen_tcp_close(&f, 0);
}

/* Both directions share the budget: client 1000, server 1000, then the
 * client's `last` bytes ending in "youtube". */
static void window_bytes_both(gen_ctx *g, uint64_t t, gen_host *cli, uint16_t sport,
                              gen_host *srv, size_t last)
{
    uint8_t buf[1100];
    gen_tcp f;
    gen_tcp_init(&f, g, cli, sport, srv, 8080, t);
    gen_tcp_handshake(&f);
    filler(buf, 1000, 'C');
    gen_tcp_segment(&f, 0, 0x08, buf, 1000);
    filler(buf, 1000, 'S');
    gen_tcp_segment(&f, 1, 0x08, buf, 1000);
    filler(buf, last - 7, 'c');
    memcpy(buf + last - 7, "youtube", 7);
    gen_tcp_segment(&f, 0, 0x08, buf, last);
    gen_tcp_ack(&f, 1);
    gen_tcp_close(&f, 0);
}

static void scen_window(gen_ctx *g)
{
    office o;
    office_init(&o);
    uint64_t t0 = gen_utc(2026, 11, 25, 10, 0, 0);
    gen_host *cli = &o.emp150, *srv = &o.probe;
    window_packet_n(g, t0, cli, 44001, srv, 10);
    window_packet_n(g, t0 + 2 * GEN_S, cli, 44002, srv, 11);
    window_bytes(g, t0 + 4 * GEN_S, cli, 44003, srv, 2048);
    window_bytes(g, t0 + 6 * GEN_S, cli, 44004, srv, 2049);
    window_bytes_both(g, t0 + 8 * GEN_S, cli, 44005, srv, 48);
    window_bytes_both(g, t0 + 10 * GEN_S, cli, 44006, srv, 49);

    uint8_t buf[4096];
    /* Server speaks first: a banner naming netflix, nothing from the client. */
    gen_tcp f;
    gen_tcp_init(&f, g, cli, 44007, srv, 2121, t0 + 12 * GEN_S);
    gen_tcp_handshake(&f);
    gen_tcp_wait(&f, 5 * GEN_MS);
    static const char banner[] = "220 edge.netflix.example ready\r\n";
    gen_tcp_segment(&f, 1, 0x08, (const uint8_t *)banner, sizeof(banner) - 1);
    gen_tcp_ack(&f, 0);
    gen_tcp_close(&f, 0);

    /* Only the reply names the protocol: a neutral request, a redirect to
     * nflxvideo. */
    gen_tcp_init(&f, g, cli, 44008, srv, 8080, t0 + 14 * GEN_S);
    gen_tcp_handshake(&f);
    size_t n = synth_http_request(buf, sizeof(buf), "GET", "cdn.example.net", "/v/1",
                                  UA_FIREFOX);
    gen_tcp_send(&f, 0, buf, n);
    static const char redirect[] = "HTTP/1.1 302 Found\r\nLocation: "
                                   "https://ipv4-c001.1.nflxvideo.net/range/0-65535\r\n"
                                   "Content-Length: 0\r\n\r\n";
    gen_tcp_send(&f, 1, (const uint8_t *)redirect, sizeof(redirect) - 1);
    gen_tcp_close(&f, 0);

    /* NULs interleaved: "youtube" in UTF-16LE, readable once NULs go. */
    gen_tcp_init(&f, g, cli, 44009, srv, 8080, t0 + 16 * GEN_S);
    gen_tcp_handshake(&f);
    static const char word[] = "HELLO www.youtube.com\r\n";
    n = 0;
    for (size_t i = 0; i + 1 < sizeof(word); i++) {
        buf[n++] = (uint8_t)word[i];
        buf[n++] = 0;
    }
    gen_tcp_send(&f, 0, buf, n);
    gen_tcp_ack(&f, 1);
    gen_tcp_close(&f, 0);

    /* NULs do not count against the budget: 1000 NULs, then 2041 bytes of
     * filler and "youtube" ending at stripped byte 2048 (raw byte 3048). */
    gen_tcp_init(&f, g, cli, 44010, srv, 8080, t0 + 18 * GEN_S);
    gen_tcp_handshake(&f);
    memset(buf, 0, 1000);
    filler(buf + 1000, 2041, 'N');
    memcpy(buf + 3041, "youtube", 7);
    gen_tcp_send(&f, 0, buf, 3048);
    gen_tcp_ack(&f, 1);
    gen_tcp_close(&f, 0);

    /* UDP: the pattern in datagram 10 of the flow, then in datagram 11. */
    for (int k = 10; k <= 11; k++) {
        uint64_t t = t0 + (uint64_t)(20 + 2 * (k - 10)) * GEN_S;
        uint16_t port = (uint16_t)(44001 + k);
        for (int i = 1; i <= k; i++) {
            int dir = (i % 2) == 0;
            if (i == k) {
                dir = 0;
                memcpy(buf, "QUERY youtube\r\n", 15);
                n = 15;
            } else {
                filler(buf, 32, dir ? 's' : 'u');
                n = 32;
            }
            gen_udp(g, t + (uint64_t)i * 3 * GEN_MS, cli, port, srv, 9999, dir, buf, n,
                    0);
        }
    }
}

/* ---- malformed ----------------------------------------------------------------- */

static void scen_malformed(gen_ctx *g)
{
    office o;
    office_init(&o);
    uint64_t t0 = gen_utc(2026, 11, 25, 10, 0, 0);
    gen_host *cli = &o.emp150, *srv = &o.probe;
    uint8_t l4[2048], fr[GEN_MAX_FRAME];

    /* Good traffic before, between and after. */
    http_flow(g, t0, cli, 46001, &o.youtube, "www.youtube.com", "/", 1200, 0);

    /* A TCP segment of a flow that never started, reused below. */
    memset(l4, 0, 30);
    l4[0] = 0xb3, l4[1] = 0x3a; /* 45882 */
    l4[2] = 0x00, l4[3] = 0x50; /* 80 */
    l4[12] = 5 << 4;
    l4[13] = 0x18;
    l4[15] = 0xf6; /* window 246 */
    memcpy(l4 + 20, "GET / HTTP", 10);
    uint64_t t = t0 + 2 * GEN_S;

    /* 1. truncated IPv4 header: the frame ends 12 bytes into it. */
    size_t n = gen_frame(g, fr, cli, srv, 0, 6, l4, 30, NULL);
    gen_emit(g, t, fr, 14 + 12, L7_PACKET_TRUNCATED_IP);
    /* 2. IHL 4 (16 bytes) */
    n = gen_frame(g, fr, cli, srv, 0, 6, l4, 30, NULL);
    fr[14] = 0x44;
    fr[24] = fr[25] = 0;
    uint16_t c = gen_csum(fr + 14, 20, 0);
    fr[24] = (uint8_t)(c >> 8), fr[25] = (uint8_t)c;
    gen_emit(g, t + 10 * GEN_MS, fr, n, L7_PACKET_BAD_IHL);
    /* 3. total length 400 in a 70-byte frame */
    n = gen_frame(g, fr, cli, srv, 0, 6, l4, 30, NULL);
    fr[16] = 0x01, fr[17] = 0x90;
    fr[24] = fr[25] = 0;
    c = gen_csum(fr + 14, 20, 0);
    fr[24] = (uint8_t)(c >> 8), fr[25] = (uint8_t)c;
    gen_emit(g, t + 20 * GEN_MS, fr, n, L7_PACKET_LENGTH_BEYOND_FRAME);
    /* 4. TCP data offset 15 (60 bytes) in a 30-byte segment */
    l4[12] = 15 << 4;
    n = gen_frame(g, fr, cli, srv, 0, 6, l4, 30, NULL);
    l4[12] = 5 << 4;
    gen_emit(g, t + 30 * GEN_MS, fr, n, L7_PACKET_BAD_TCP_OFFSET);
    /* 5. UDP length 4, and UDP length beyond the datagram */
    uint8_t u[40] = {0xc3, 0x51, 0x00, 0x35, 0x00, 0x04, 0, 0};
    memcpy(u + 8, "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12);
    n = gen_frame(g, fr, cli, &o.dns, 0, 17, u, 20, NULL);
    gen_emit(g, t + 40 * GEN_MS, fr, n, L7_PACKET_BAD_UDP_LENGTH);
    u[5] = 200;
    n = gen_frame(g, fr, cli, &o.dns, 0, 17, u, 20, NULL);
    gen_emit(g, t + 50 * GEN_MS, fr, n, L7_PACKET_BAD_UDP_LENGTH);
    /* 6. IP version 5 behind an IPv4 ethertype */
    n = gen_frame(g, fr, cli, srv, 0, 6, l4, 30, NULL);
    fr[14] = 0x55;
    gen_emit(g, t + 60 * GEN_MS, fr, n, L7_PACKET_BAD_VERSION);
    /* 7. total length 12, below the header */
    n = gen_frame(g, fr, cli, srv, 0, 6, l4, 30, NULL);
    fr[16] = 0, fr[17] = 12;
    fr[24] = fr[25] = 0;
    c = gen_csum(fr + 14, 20, 0);
    fr[24] = (uint8_t)(c >> 8), fr[25] = (uint8_t)c;
    gen_emit(g, t + 70 * GEN_MS, fr, n, L7_PACKET_BAD_TOTAL_LENGTH);
    /* 8. TCP header cut at 12 bytes */
    n = gen_frame(g, fr, cli, srv, 0, 6, l4, 12, NULL);
    gen_emit(g, t + 80 * GEN_MS, fr, n, L7_PACKET_TRUNCATED_L4);
    /* 9. not IP: an ARP request for the gateway */
    static const uint8_t arp[] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x42, 192, 168, 1,    150,
        0x08, 0x06, 0,    1,    0x08, 0,    6,    4,    0,   1,   0x02, 0x42,
        192,  168,  1,    150,  192,  168,  1,    150,  0,   0,   0,    0,
        0,    0,    192,  168,  1,    1,    0,    0,    0,   0,   0,    0,
        0,    0,    0,    0,    0,    0,    0,    0,    0,   0,   0,    0};
    gen_emit(g, t + 90 * GEN_MS, arp, sizeof(arp), L7_PACKET_NOT_IP);
    /* 10. a frame cut inside the Ethernet header */
    gen_emit(g, t + 100 * GEN_MS, arp, 10, L7_PACKET_TRUNCATED_LINK);

    http_flow(g, t0 + 4 * GEN_S, cli, 46002, &o.example, "www.example.org", "/", 1200,
              0);

    /* Fragments: a 2400-byte UDP datagram in two fragments (offsets 0,
     * 1480) with "nflxvideo" across the cut, complete; then one whose
     * second fragment never comes, "youtube" in the first. */
    uint8_t dgram[2400];
    filler(dgram, sizeof(dgram), 'F');
    memcpy(dgram + 1468, "nflxvideo", 9); /* UDP header 8: bytes 1476..1484 */
    gen_udp_fragments(g, t0 + 6 * GEN_S, cli, 46003, srv, 5004, dgram, sizeof(dgram),
                      1480, 3, 0);
    filler(dgram, sizeof(dgram), 'G');
    memcpy(dgram + 100, "youtube", 7);
    gen_udp_fragments(g, t0 + 7 * GEN_S, cli, 46004, srv, 5004, dgram, sizeof(dgram),
                      1480, 1, 0);
    /* Out of order: last fragment first, then the first; completes. */
    filler(dgram, sizeof(dgram), 'H');
    memcpy(dgram + 2000, "netflix", 7);
    gen_udp_fragments(g, t0 + 8 * GEN_S, cli, 46005, srv, 5004, dgram, sizeof(dgram),
                      1480, 3, 1);

    http_flow(g, t0 + 10 * GEN_S, cli, 46006, &o.facebook, "www.facebook.com", "/",
              1200, 0);
}

/* ---- shaping ------------------------------------------------------------------- */

static void download(gen_ctx *g, uint64_t t, gen_host *cli, uint16_t sport,
                     gen_host *srv, const char *host, const char *path, size_t bytes,
                     uint64_t bps)
{
    uint8_t req[1024];
    uint8_t *body = malloc(bytes);
    if (!body) {
        g->cap->failed = 1;
        return;
    }
    gen_tcp f;
    gen_tcp_init(&f, g, cli, sport, srv, 80, t);
    gen_tcp_handshake(&f);
    size_t n = synth_http_request(req, sizeof(req), "GET", host, path, UA_FIREFOX);
    gen_tcp_send(&f, 0, req, n);
    gen_tcp_wait(&f, 10 * GEN_MS);
    n = http_header_for(body, bytes, "application/octet-stream", bytes);
    synth_random_bytes(&g->rng, body + n, bytes - n);
    gen_tcp_send_paced(&f, 1, body, bytes, bps);
    gen_tcp_close(&f, 0);
    free(body);
}

static void scen_shaping(gen_ctx *g)
{
    office o;
    office_init(&o);
    uint64_t t0 = gen_utc(2026, 11, 28, 15, 0, 0); /* Saturday: nothing is blocked */
    /* 10 Mbit/s for 5 s: 6.25 MB. */
    download(g, t0, &o.emp120, 48001, &o.youtube, "www.youtube.com",
             "/videoplayback?id=9c1e&itag=22", 6250000, 10000000);
    /* netflix at 4 Mbit/s for 3 s, starting 1 s later. */
    download(g, t0 + GEN_S, &o.emp150, 48002, &o.netflix, "www.netflix.com",
             "/watch/80100172", 1500000, 4000000);
    /* A bulk download nobody marks, alongside. */
    download(g, t0 + 2 * GEN_S, &o.mgmt, 48003, &o.example, "www.example.org",
             "/files/update.bin", 500000, 2000000);
}

/* ---- table ------------------------------------------------------------------ */

typedef struct scenario_impl {
    gen_scenario pub;
    void (*build)(gen_ctx *g);
} scenario_impl;

static const scenario_impl scenarios[] = {
    {{"office", "working-day morning and Saturday afternoon of the seed office", 1},
     scen_office},
    {{"office-weekend", "the office mix on Saturday 2026-11-28", 1},
     scen_office_weekend},
    {{"time-midnight", "flows around 18:00 and 08:00 for time=18h-8h", 1},
     scen_time_midnight},
    {{"time-two-ranges", "flows at the edges of time=9h-12h,14h-17h", 1},
     scen_time_two_ranges},
    {{"mark-once", "one long youtube flow: mark once, use many", 1}, scen_mark_once},
    {{"addrlist-timeout", "BitTorrent, then HTTP at +10, +59, +61 min", 1},
     scen_addrlist_timeout},
    {{"window", "the 10-packet / 2048-byte inspection window", 1}, scen_window},
    {{"ipv6", "the office mix over IPv6 with extension headers", 1}, scen_ipv6},
    {{"malformed", "broken frames and IPv4 fragments among good flows", 1},
     scen_malformed},
    {{"shaping", "10 Mbit/s youtube + 4 Mbit/s netflix downloads (not committed)", 0},
     scen_shaping},
};

size_t gen_scenario_count(void)
{
    return sizeof(scenarios) / sizeof(scenarios[0]);
}

const gen_scenario *gen_scenario_at(size_t i)
{
    return i < gen_scenario_count() ? &scenarios[i].pub : NULL;
}

const gen_scenario *gen_scenario_find(const char *name)
{
    for (size_t i = 0; i < gen_scenario_count(); i++)
        if (strcmp(scenarios[i].pub.name, name) == 0)
            return &scenarios[i].pub;
    return NULL;
}

int gen_capture_build(gen_capture *out, const gen_scenario *s)
{
    memset(out, 0, sizeof(*out));
    const scenario_impl *impl = (const scenario_impl *)s;
    gen_ctx g = {out, 0, 0, {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01}, 0};
    /* A fixed seed per scenario: the bytes never depend on the others. */
    g.rng = 0x6c372d67656e0000ull ^
            (uint64_t)(impl - scenarios + 1) * 0x9E3779B97F4A7C15ull;
    impl->build(&g);
    if (out->failed) {
        gen_capture_free(out);
        return -1;
    }
    gen_capture_sort(out);
    return 0;
}

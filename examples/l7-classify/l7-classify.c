/*
 * l7-classify: classify a few built-in connections with the seed page's
 * layer7-protocols, the way RouterOS's layer-7 matcher sees them: the first
 * 10 packets / 2048 payload bytes of both directions, concatenated in
 * arrival order, first match wins.
 *
 * Until the pcap host exists this is the README's main job. It shows the
 * classify-all mode of the inspect module (every enabled protocol tried in
 * set order) and, for each connection, every other seed protocol whose
 * regexp also matches the collected data, which is what rule order decides
 * on a router.
 */
#include <l7/l7.h>

#include "seed_protocols.h"
#include "synth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_PACKETS = 12, PAYLOAD_CAP = 1600 };

typedef struct demo_packet {
    char dir; /* '>' client to server, '<' server to client */
    size_t len;
    uint8_t data[PAYLOAD_CAP];
} demo_packet;

typedef struct demo_conn {
    const char *what;
    size_t count;
    demo_packet packets[MAX_PACKETS];
} demo_conn;

static demo_packet *next_packet(demo_conn *c, char dir)
{
    demo_packet *p = &c->packets[c->count++];
    p->dir = dir;
    p->len = 0;
    return p;
}

/* SYN, SYN-ACK, ACK: no payload, but they count in the 10-packet window. */
static void tcp_handshake(demo_conn *c)
{
    next_packet(c, '>');
    next_packet(c, '<');
    next_packet(c, '>');
}

static void build_connections(demo_conn *conns, size_t *count)
{
    uint64_t rng = 7;
    size_t n = 0;
    demo_conn *c;
    demo_packet *p;

    c = &conns[n++];
    c->what = "HTTP GET www.facebook.com";
    tcp_handshake(c);
    p = next_packet(c, '>');
    p->len = synth_http_request(p->data, PAYLOAD_CAP, "GET", "www.facebook.com", "/",
                                "Mozilla/5.0");
    p = next_packet(c, '<');
    p->len = synth_http_response(p->data, PAYLOAD_CAP, 600, &rng);

    c = &conns[n++];
    c->what = "TLS ClientHello, SNI www.netflix.com";
    tcp_handshake(c);
    p = next_packet(c, '>');
    p->len = synth_tls_client_hello(p->data, PAYLOAD_CAP, "www.netflix.com", &rng);
    p = next_packet(c, '<');
    p->len = synth_tls_server_flight(p->data, PAYLOAD_CAP, 1400, &rng);

    c = &conns[n++];
    c->what = "TLS ClientHello, SNI rr3.googlevideo.com";
    tcp_handshake(c);
    p = next_packet(c, '>');
    p->len = synth_tls_client_hello(p->data, PAYLOAD_CAP, "rr3.googlevideo.com", &rng);

    c = &conns[n++];
    c->what = "BitTorrent handshake";
    tcp_handshake(c);
    p = next_packet(c, '>');
    p->len = synth_bittorrent_handshake(p->data, PAYLOAD_CAP, &rng);
    p = next_packet(c, '<');
    p->len = synth_bittorrent_handshake(p->data, PAYLOAD_CAP, &rng);

    c = &conns[n++];
    c->what = "SIP INVITE over UDP";
    p = next_packet(c, '>');
    p->len = synth_sip_invite(p->data, PAYLOAD_CAP, "bob", "voip.example.net");

    c = &conns[n++];
    c->what = "TeamSpeak 3 over UDP";
    p = next_packet(c, '>');
    memcpy(p->data, "\xf4\xbe\x03\x00\x00\x00\x00\x2a\x00\x01", 10);
    p->len = 10;

    c = &conns[n++];
    c->what = "server speaks first: MYAPP banner";
    tcp_handshake(c);
    p = next_packet(c, '<');
    memcpy(p->data, "MYAPP/2.1 ready\r\n", 17);
    p->len = 17;

    c = &conns[n++];
    c->what = "HTTPS, server name only in the reply";
    tcp_handshake(c);
    p = next_packet(c, '>');
    p->len = synth_tls_server_flight(p->data, PAYLOAD_CAP, 300, &rng);
    p = next_packet(c, '<');
    p->len = synth_http_response(p->data, PAYLOAD_CAP, 200, &rng);
    memcpy(p->data + p->len - 20, "cdn.spotify.example", 19);

    c = &conns[n++];
    c->what = "random bytes, 12 packets";
    tcp_handshake(c);
    while (c->count < 12) {
        p = next_packet(c, c->count % 2 ? '<' : '>');
        p->len = 200 + synth_rand(&rng) % 800;
        synth_random_bytes(&rng, p->data, p->len);
    }
    *count = n;
}

static void print_diags(const l7_diag_list *diags)
{
    char line[512];
    for (size_t i = 0; i < l7_diag_list_count(diags); i++) {
        l7_diag_format(diags, i, line, sizeof(line));
        fprintf(stderr, "%s\n", line);
    }
}

/* Every protocol whose regexp matches `data`, other than `skip`. */
static void list_also_matching(const l7_protoset *set, l7_pattern_scratch *scratch,
                               uint32_t skip, const uint8_t *data, size_t len)
{
    int any = 0;
    for (uint32_t id = 0; id < l7_protoset_id_bound(set); id++) {
        const l7_pattern *pat = l7_protoset_pattern(set, id);
        if (id == skip || !pat)
            continue;
        if (l7_pattern_match(pat, scratch, data, len) == L7_PATTERN_MATCH) {
            printf("%s%s", any ? ", " : "", l7_protoset_name(set, id));
            any = 1;
        }
    }
    if (!any)
        printf("-");
}

int main(void)
{
    l7_diag_list *diags = NULL;
    l7_protoset *set = NULL;
    l7_inspector *insp = NULL;
    l7_pattern_scratch *scratch = NULL;
    int rc = EXIT_FAILURE;

    if (l7_diag_list_create(&diags, NULL) || l7_protoset_create(&set, NULL, NULL))
        goto out;
    for (size_t i = 0; i < seed_protocol_count; i++) {
        const seed_protocol *sp = &seed_protocols[i];
        if (l7_protoset_add(NULL, set, sp->name, sp->regexp, strlen(sp->regexp),
                            diags)) {
            print_diags(diags);
            goto out;
        }
    }
    print_diags(diags); /* warnings, if any */
    if (l7_inspect_create(&insp, set, NULL, NULL) ||
        l7_pattern_scratch_create(&scratch, NULL, NULL))
        goto out;

    static demo_conn conns[16];
    size_t nconn = 0;
    build_connections(conns, &nconn);

    printf("libl7 %s: %u seed layer7-protocols; window 10 packets / 2048 bytes, "
           "both directions, first match in page order wins\n\n",
           l7_version_string(), (unsigned)l7_protoset_count(set));
    printf("%-2s %-40s %-5s %-20s %-6s %s\n", "#", "CONNECTION", "PKTS", "LAYER7",
           "AT-PKT", "ALSO-MATCHING (rule order decides on a router)");
    for (size_t i = 0; i < nconn; i++) {
        demo_conn *c = &conns[i];
        l7_inspect_state *st = NULL;
        if (l7_inspect_state_create(&st, insp))
            goto out;
        /* Keep a copy of what the matcher saw, for the "also matching" column. */
        uint8_t seen[2048];
        size_t seen_len = 0;
        size_t at = 0;
        for (size_t k = 0; k < c->count; k++) {
            const demo_packet *p = &c->packets[k];
            int was = l7_inspect_state_status(st);
            int now = l7_inspect_classify(insp, st, k + 1, p->data, p->len);
            if (now < 0)
                goto out;
            if (was == L7_INSPECT_INSPECTING && now != L7_INSPECT_INSPECTING)
                at = k + 1;
            for (size_t b = 0; b < p->len && seen_len < sizeof(seen) && k < 10; b++)
                if (p->data[b])
                    seen[seen_len++] = p->data[b];
        }
        const char *name = l7_inspect_state_protocol_name(insp, st);
        printf("%-2zu %-40s %-5zu %-20s ", i + 1, c->what, c->count, name);
        if (at)
            printf("%-6zu ", at);
        else
            printf("%-6s ", "-");
        list_also_matching(set, scratch, l7_inspect_state_protocol(st), seen, seen_len);
        printf("\n");
        l7_inspect_state_destroy(insp, st);
    }

    l7_inspect_stats stats;
    memset(&stats, 0, sizeof(stats));
    stats.size = sizeof(stats);
    if (l7_inspect_get_stats(&stats, insp) == L7_OK)
        printf(
            "\nregexp runs %llu, bytes inspected %llu, classified %llu, unknown %llu\n",
            (unsigned long long)stats.regex_runs,
            (unsigned long long)stats.bytes_inspected,
            (unsigned long long)stats.classified, (unsigned long long)stats.unknown);
    rc = EXIT_SUCCESS;
out:
    if (rc != EXIT_SUCCESS)
        fprintf(stderr, "l7-classify: failed\n");
    l7_pattern_scratch_destroy(scratch);
    l7_inspect_destroy(insp);
    l7_protoset_destroy(set);
    l7_diag_list_destroy(diags);
    return rc;
}

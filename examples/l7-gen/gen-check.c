/*
 * gen-check: every frame of every scenario goes through libl7's parser
 * and must get the status the generator meant (L7_PACKET_OK except the
 * malformed ones); every checksum of a well-formed frame is recomputed by
 * an independent reading of the headers. Also checks that TCP sequence
 * numbers line up per direction and that timestamps never go back. IPv4
 * fragments are reassembled with libl7's defrag table and the datagrams
 * checked whole. Every connection is classified with the seed office's
 * protocols (libl7's inspect module, classify-all), and the `window`
 * scenario's flows must come out as tests/scenarios/README.md says.
 *
 * usage: gen-check            (all scenarios, built in memory)
 */
#include "gen.h"

#include <l7/defrag.h>
#include <l7/inspect.h>
#include <l7/packet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t sum16(const uint8_t *p, size_t len)
{
    uint32_t s = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        s += rd16(p + i);
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    return s;
}

static int folds_to_ffff(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return s == 0xffff;
}

/* Returns NULL when all checksums of the IP datagram at `ip` verify, else
 * what failed. */
static const char *verify_ip(const uint8_t *ip, size_t avail, int l4_partial)
{
    if (avail < 20)
        return "short IP";
    unsigned version = ip[0] >> 4;
    uint16_t et = version == 4 ? 0x0800 : version == 6 ? 0x86dd : 0;
    uint8_t proto;
    const uint8_t *l4;
    size_t l4len;
    uint32_t pseudo;
    if (et == 0x0800) {
        size_t hl = (size_t)(ip[0] & 15) * 4;
        size_t tot = rd16(ip + 2);
        if (hl < 20 || tot > avail || tot < hl)
            return "bad IPv4 lengths";
        if (!folds_to_ffff(sum16(ip, hl)))
            return "IPv4 header checksum";
        if (l4_partial || (rd16(ip + 6) & 0x3fff))
            return NULL; /* a fragment: layer 4 spans several frames */
        proto = ip[9];
        l4 = ip + hl;
        l4len = tot - hl;
        pseudo = sum16(ip + 12, 8) + proto + (uint32_t)l4len;
        if (proto == 1)
            pseudo = 0;
    } else if (et == 0x86dd) {
        if (avail < 40)
            return "short IPv6";
        size_t plen = rd16(ip + 4), off = 40;
        if (40 + plen > avail)
            return "bad IPv6 length";
        proto = ip[6];
        while (proto == 0 || proto == 60 || proto == 43) {
            if (off + 8 > 40 + plen)
                return "bad extension header";
            uint8_t next = ip[off];
            off += ((size_t)ip[off + 1] + 1) * 8;
            proto = next;
        }
        l4 = ip + off;
        l4len = 40 + plen - off;
        pseudo = sum16(ip + 8, 32) + proto + (uint32_t)(l4len >> 16) +
                 (uint32_t)(l4len & 0xffff);
    } else {
        return "not IP";
    }
    if (proto != 6 && proto != 17 && proto != 1 && proto != 58)
        return "unexpected protocol";
    if (proto == 17 && rd16(l4 + 6) == 0)
        return "UDP checksum missing";
    if (proto == 17 && rd16(l4 + 4) != l4len)
        return "UDP length";
    if (!folds_to_ffff(sum16(l4, l4len) + pseudo))
        return "layer-4 checksum";
    return NULL;
}

static const char *verify_checksums(const uint8_t *f, size_t len, int l4_partial)
{
    if (len < 14)
        return "short frame";
    uint16_t et = rd16(f + 12);
    if (et != 0x0800 && et != 0x86dd)
        return "not IP";
    return verify_ip(f + 14, len - 14, l4_partial);
}

/* TCP: each segment's sequence number must be where the previous one of
 * its direction ended (the generator never retransmits). */
typedef struct seqtrack {
    uint8_t key[40]; /* addresses + ports of one direction */
    uint32_t next;
} seqtrack;

static int check_seq(seqtrack *t, size_t *count, size_t cap, const l7_packet *p)
{
    if (l7_packet_l4_proto(p) != 6)
        return 0;
    seqtrack k;
    memset(&k, 0, sizeof(k));
    memcpy(k.key, l7_packet_src(p)->bytes, 16);
    memcpy(k.key + 16, l7_packet_dst(p)->bytes, 16);
    uint16_t sp = l7_packet_sport(p), dp = l7_packet_dport(p);
    memcpy(k.key + 32, &sp, 2);
    memcpy(k.key + 34, &dp, 2);
    uint8_t fl = l7_packet_tcp_flags(p);
    uint32_t adv =
        l7_packet_payload_len(p) + ((fl & (L7_TCP_SYN | L7_TCP_FIN)) ? 1 : 0);
    for (size_t i = 0; i < *count; i++) {
        if (memcmp(t[i].key, k.key, sizeof(k.key)) == 0) {
            if (fl & L7_TCP_SYN) { /* a new connection on a reused tuple */
                t[i].next = l7_packet_tcp_seq(p) + adv;
                return 0;
            }
            if (t[i].next != l7_packet_tcp_seq(p))
                return -1;
            t[i].next += adv;
            return 0;
        }
    }
    if (*count < cap) {
        k.next = l7_packet_tcp_seq(p) + adv;
        t[(*count)++] = k;
    }
    return 0;
}

/* ---- classification with the seed office's protocols ----------------------- */

/* examples/office.rsc's layer7-protocol definitions, as regex text. */
static const char *const office_protocols[][2] = {
    {"facebook", "^.*(facebook|fbcdn).*$"},
    {"youtube", "^.*(youtube|googlevideo).*$"},
    {"netflix", "^.*(netflix|nflxvideo).*$"},
    {"bittorrent", "^(\\x13BitTorrent protocol|\\x42\\x54:)"},
    {"steam", "^.*(steam|steamcontent).*$"},
    {"teamviewer", "^.*(teamviewer|dyngate).*$"},
};

typedef struct conn {
    l7_addr cli, srv;
    uint16_t cport, sport;
    uint8_t proto;
    uint64_t packets;
    l7_inspect_state *state;
} conn;

typedef struct conntab {
    conn *v;
    size_t n, cap;
} conntab;

static conn *conn_of(conntab *t, const l7_packet *p, l7_inspector *insp)
{
    const l7_addr *s = l7_packet_src(p), *d = l7_packet_dst(p);
    uint16_t sp = l7_packet_sport(p), dp = l7_packet_dport(p);
    uint8_t proto = l7_packet_l4_proto(p);
    for (size_t i = 0; i < t->n; i++) {
        conn *c = &t->v[i];
        if (c->proto != proto)
            continue;
        if ((l7_addr_equal(&c->cli, s) && l7_addr_equal(&c->srv, d) && c->cport == sp &&
             c->sport == dp) ||
            (l7_addr_equal(&c->cli, d) && l7_addr_equal(&c->srv, s) && c->cport == dp &&
             c->sport == sp))
            return c;
    }
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        conn *v = realloc(t->v, cap * sizeof(*v));
        if (!v)
            return NULL;
        t->v = v;
        t->cap = cap;
    }
    conn *c = &t->v[t->n];
    memset(c, 0, sizeof(*c));
    c->cli = *s;
    c->srv = *d;
    c->cport = sp;
    c->sport = dp;
    c->proto = proto;
    if (l7_inspect_state_create(&c->state, insp) != L7_OK)
        return NULL;
    t->n++;
    return c;
}

static void conntab_free(conntab *t, l7_inspector *insp)
{
    for (size_t i = 0; i < t->n; i++)
        l7_inspect_state_destroy(insp, t->v[i].state);
    free(t->v);
}

/* What tests/scenarios/README.md says each `window` flow gives (client
 * port -> protocol; NULL: not classified). */
static const struct {
    uint16_t port;
    const char *proto;
} window_expect[] = {
    {44001, "youtube"}, {44002, NULL},      {44003, "youtube"}, {44004, NULL},
    {44005, "youtube"}, {44006, NULL},      {44007, "netflix"}, {44008, "netflix"},
    {44009, "youtube"}, {44010, "youtube"}, {44011, "youtube"}, {44012, NULL},
};

static int check_window(const conntab *t, l7_inspector *insp)
{
    int bad = 0;
    for (size_t i = 0; i < sizeof(window_expect) / sizeof(window_expect[0]); i++) {
        const conn *c = NULL;
        for (size_t j = 0; j < t->n && !c; j++)
            if (t->v[j].cport == window_expect[i].port)
                c = &t->v[j];
        int classified =
            c && l7_inspect_state_status(c->state) == L7_INSPECT_CLASSIFIED;
        const char *got =
            c ? l7_inspect_state_protocol_name(insp, c->state) : "missing";
        const char *want = window_expect[i].proto;
        if (want ? !classified || strcmp(got, want) != 0 : classified) {
            fprintf(stderr, "window: port %u classified %s, README says %s\n",
                    window_expect[i].port, got, want ? want : "not classified");
            bad++;
        }
    }
    return bad;
}

static void print_tally(const conntab *t, l7_inspector *insp)
{
    size_t n = sizeof(office_protocols) / sizeof(office_protocols[0]);
    printf("                  connections %zu:", t->n);
    for (size_t k = 0; k <= n; k++) {
        const char *name = k < n ? office_protocols[k][0] : NULL;
        size_t count = 0;
        for (size_t i = 0; i < t->n; i++) {
            int cl = l7_inspect_state_status(t->v[i].state) == L7_INSPECT_CLASSIFIED;
            if (name
                    ? cl && !strcmp(l7_inspect_state_protocol_name(insp, t->v[i].state),
                                    name)
                    : !cl)
                count++;
        }
        if (count)
            printf(" %s %zu", name ? name : "none", count);
    }
    printf("\n");
}

int main(void)
{
    l7_packet *pkt;
    if (l7_packet_create(&pkt, NULL) != L7_OK)
        return 1;
    enum { SEQCAP = 4096 };
    seqtrack *seqs = malloc(SEQCAP * sizeof(*seqs));
    int bad = 0;
    l7_defrag_options dopts;
    l7_defrag_options_init(&dopts);
    l7_protoset *set;
    l7_inspector *insp;
    if (l7_protoset_create(&set, NULL, NULL) != L7_OK)
        return 1;
    for (size_t k = 0; k < sizeof(office_protocols) / sizeof(office_protocols[0]); k++)
        if (l7_protoset_add(NULL, set, office_protocols[k][0], office_protocols[k][1],
                            strlen(office_protocols[k][1]), NULL) != L7_OK)
            return 1;
    if (l7_inspect_create(&insp, set, NULL, NULL) != L7_OK)
        return 1;
    l7_protoset_destroy(set); /* the inspector holds its own reference */
    for (size_t si = 0; si < gen_scenario_count(); si++) {
        const gen_scenario *s = gen_scenario_at(si);
        gen_capture c;
        if (!seqs || gen_capture_build(&c, s) < 0) {
            fprintf(stderr, "%s: out of memory\n", s->name);
            return 1;
        }
        size_t nseq = 0, malformed = 0, tcp = 0, udp = 0, icmp = 0, frags = 0;
        size_t reassembled = 0;
        conntab conns = {0};
        /* Fragments go through libl7's reassembly: each datagram that
         * completes must verify as a whole. */
        l7_defrag *defrag;
        if (l7_defrag_create(&defrag, &dopts, NULL) != L7_OK)
            return 1;
        uint64_t last = 0, bytes = 0;
        for (size_t i = 0; i < c.count; i++) {
            const gen_packet *gp = &c.pkts[i];
            bytes += gp->len;
            if (gp->ts_ns < last) {
                fprintf(stderr, "%s: frame %zu goes back in time\n", s->name, i + 1);
                bad++;
            }
            last = gp->ts_ns;
            l7_packet_parse(pkt, gp->data, gp->len, L7_LINK_ETHERNET);
            int st = (int)l7_packet_get_status(pkt);
            if (st != gp->expect) {
                fprintf(stderr, "%s: frame %zu: status %s, meant %s\n", s->name, i + 1,
                        l7_packet_status_name((l7_packet_status)st),
                        l7_packet_status_name((l7_packet_status)gp->expect));
                bad++;
            }
            if (gp->expect != L7_PACKET_OK) {
                malformed++;
                continue;
            }
            const char *why = verify_checksums(gp->data, gp->len, gp->l4_partial);
            if (why) {
                fprintf(stderr, "%s: frame %zu: %s\n", s->name, i + 1, why);
                bad++;
            }
            if (l7_packet_is_fragment(pkt)) {
                frags++;
                l7_defrag_result r;
                if (l7_defrag_add(&r, defrag, pkt, i, gp->ts_ns) != L7_OK ||
                    r == L7_DEFRAG_DROPPED) {
                    fprintf(stderr, "%s: frame %zu: fragment refused\n", s->name,
                            i + 1);
                    bad++;
                } else if (r == L7_DEFRAG_COMPLETE) {
                    uint32_t dlen;
                    const uint8_t *d = l7_defrag_datagram(defrag, &dlen);
                    why = verify_ip(d, dlen, 0);
                    if (why) {
                        fprintf(stderr, "%s: frame %zu: reassembled: %s\n", s->name,
                                i + 1, why);
                        bad++;
                    }
                    reassembled++;
                }
                continue;
            }
            switch (l7_packet_l4_proto(pkt)) {
            case 6:
                tcp++;
                break;
            case 17:
                udp++;
                break;
            default:
                icmp++;
            }
            conn *cn = conn_of(&conns, pkt, insp);
            if (!cn)
                return 1;
            cn->packets++;
            l7_inspect_classify(insp, cn->state, cn->packets, l7_packet_payload(pkt),
                                l7_packet_payload_len(pkt));
            if (check_seq(seqs, &nseq, SEQCAP, pkt) < 0) {
                fprintf(stderr, "%s: frame %zu: TCP sequence gap\n", s->name, i + 1);
                bad++;
            }
        }
        l7_defrag_stats ds = {.size = sizeof(ds)};
        l7_defrag_get_stats(&ds, defrag);
        l7_defrag_destroy(defrag);
        printf("%-17s %6zu frames %9llu bytes: tcp %zu udp %zu icmp %zu fragments %zu "
               "(reassembled %zu, left %u) malformed %zu\n",
               s->name, c.count, (unsigned long long)bytes, tcp, udp, icmp, frags,
               reassembled, ds.pending_datagrams, malformed);
        print_tally(&conns, insp);
        if (!strcmp(s->name, "window"))
            bad += check_window(&conns, insp);
        conntab_free(&conns, insp);
        /* What tests/scenarios/README.md promises. */
        if (!strcmp(s->name, "malformed") &&
            (reassembled != 2 || ds.pending_datagrams != 1 || malformed != 11)) {
            fprintf(stderr, "malformed: want 2 reassembled, 1 incomplete, 11 broken\n");
            bad++;
        }
        gen_capture_free(&c);
    }
    free(seqs);
    l7_inspect_destroy(insp);
    l7_packet_destroy(pkt);
    if (bad)
        fprintf(stderr, "gen-check: %d problem(s)\n", bad);
    return bad ? 1 : 0;
}

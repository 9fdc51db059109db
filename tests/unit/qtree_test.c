/* Queue tree: build rules, classification, and HTB behaviour in simulated
 * time (routeros-spec.md §7). */
#include "testutil.h"

#include "common_internal.h"
#include "l7/l7.h"
#include "qtree_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0     (1700000000ull * L7_NSEC_PER_SEC) /* an arbitrary epoch time */
#define MBIT   1000000ull
#define SEC(x) ((uint64_t)((x)*1e9))

/* ---- building helpers ---------------------------------------------------- */

typedef struct qdef {
    const char *name, *parent;
    uint64_t limit_at, max_limit;
    uint32_t prio;
    const char *marks;
} qdef;

static l7_qtree_def *make_def(const qdef *q, size_t n)
{
    l7_qtree_def *d = NULL;
    ck_assert_int_eq(l7_qtree_def_create(&d, NULL), L7_OK);
    for (size_t i = 0; i < n && q[i].name; i++) {
        l7_qtree_props p;
        l7_qtree_props_init(&p);
        p.limit_at = q[i].limit_at;
        p.max_limit = q[i].max_limit;
        p.priority = q[i].prio ? q[i].prio : 8;
        p.packet_marks = q[i].marks;
        p.line = (uint32_t)i + 1;
        ck_assert_int_eq(l7_qtree_def_add(d, q[i].name, q[i].parent, &p, NULL), L7_OK);
    }
    return d;
}

static l7_qtree *make_tree(const qdef *q, size_t n, l7_diag_list *diag)
{
    l7_qtree_def *d = make_def(q, n);
    l7_qtree *t = NULL;
    int rc = l7_qtree_create(&t, d, NULL, T0, diag);
    l7_qtree_def_destroy(d);
    ck_assert_int_eq(rc, L7_OK);
    return t;
}

static uint32_t mark_of(const l7_qtree *t, const char *name)
{
    uint32_t id = 0;
    ck_assert_int_eq(l7_qtree_mark_lookup(&id, t, name), L7_OK);
    return id;
}

static uint32_t queue_of(const l7_qtree *t, const char *name)
{
    uint32_t id = 0;
    ck_assert_int_eq(l7_qtree_queue_lookup(&id, t, name), L7_OK);
    return id;
}

/* Does the list hold an entry of this severity about `item` containing
 * `text`? */
static int has_diag(const l7_diag_list *d, l7_severity sev, const char *item,
                    const char *text)
{
    for (size_t i = 0; i < l7_diag_list_count(d); i++)
        if (l7_diag_severity(d, i) == sev && strcmp(l7_diag_item(d, i), item) == 0 &&
            strstr(l7_diag_message(d, i), text))
            return 1;
    return 0;
}

/* ---- the simulator --------------------------------------------------------
 * Sources offer fixed-size packets at a constant bit rate into the root;
 * the scheduler is drained with dequeue(now), now advancing to the next
 * arrival, the returned next-time or the link's next free time. Optionally
 * a link FIFO (pfifo, tail drop) below the tree drains at a fixed rate.
 * Delivered bytes are counted per source and per simulated second. */

#define SIM_SRC  6
#define SIM_SECS 64

typedef struct sim_src {
    uint32_t mark;
    uint64_t rate; /* bit/s offered; 0 = silent */
    uint32_t size;
    uint64_t start, k; /* arrival k at start + k * size * 8 / rate */
    uint64_t offered, queued_ok, dropped, not_shaped;
    uint64_t sec_bytes[SIM_SECS];      /* delivered (after the link, if any) */
    uint64_t tree_sec_bytes[SIM_SECS]; /* sent by the tree */
} sim_src;

typedef struct sim {
    l7_qtree *t;
    uint32_t root;
    sim_src src[SIM_SRC];
    uint32_t nsrc;
    uint64_t now;
    uint64_t tree_next;
    /* link */
    uint64_t link_rate;
    uint32_t link_cap;
    uint64_t link_free;
    uint32_t lq_head, lq_count;
    uint64_t lq[256];
    uint64_t link_drops;
    uint64_t lcg; /* link timing jitter, see link_tx() */
} sim;

static void sim_init(sim *s, l7_qtree *t)
{
    memset(s, 0, sizeof(*s));
    s->t = t;
    s->now = T0;
    s->tree_next = 0;
}

static uint32_t sim_add(sim *s, uint32_t mark, uint64_t rate, uint32_t size)
{
    sim_src *x = &s->src[s->nsrc];
    x->mark = mark;
    x->size = size;
    x->rate = rate;
    x->start = s->now;
    return s->nsrc++;
}

/* Change a source's offered rate from now on. */
static void sim_set_rate(sim *s, uint32_t i, uint64_t rate)
{
    s->src[i].rate = rate;
    s->src[i].start = s->now;
    s->src[i].k = 0;
}

static uint64_t src_next(const sim_src *x)
{
    if (!x->rate)
        return UINT64_MAX;
    return x->start + x->k * x->size * 8ull * L7_NSEC_PER_SEC / x->rate;
}

static void sim_deliver(sim *s, uint64_t handle, uint32_t len)
{
    uint64_t sec = (s->now - T0) / L7_NSEC_PER_SEC;
    if (sec < SIM_SECS)
        s->src[handle].sec_bytes[sec] += len;
}

/* Transmission time of one frame on the link. Perfectly periodic service
 * phase-locks with the tree's periodic output (whoever arrives right after
 * a slot opens wins every time; Floyd and Jacobson's "phase effects"), which
 * no real link with real traffic does. Each frame takes a pseudo-random
 * time uniform in [nominal / 2, 3 nominal / 2): the mean rate is the
 * link's, and the phase wanders. */
static uint64_t link_tx(sim *s, uint32_t size)
{
    uint64_t nominal = size * 8ull * L7_NSEC_PER_SEC / s->link_rate;
    s->lcg = s->lcg * 6364136223846793005ull + 1442695040888963407ull;
    return nominal / 2 + (s->lcg >> 33) % nominal;
}

static void sim_link_push(sim *s, uint64_t handle, uint32_t len)
{
    (void)len;
    if (s->lq_count == 0 && s->link_free <= s->now) {
        sim_deliver(s, handle, s->src[handle].size);
        s->link_free = s->now + link_tx(s, s->src[handle].size);
        return;
    }
    if (s->lq_count >= s->link_cap) {
        s->link_drops++;
        return;
    }
    s->lq[(s->lq_head + s->lq_count++) % 256] = handle;
}

static void sim_run(sim *s, uint64_t until)
{
    while (s->now < until) {
        for (uint32_t i = 0; i < s->nsrc; i++) {
            sim_src *x = &s->src[i];
            while (src_next(x) <= s->now) {
                l7_qtree_verdict v;
                /* No ck_assert in the hot loop: Check writes to a pipe for
                 * each one. */
                if (l7_qtree_enqueue(&v, NULL, s->t, s->root, x->mark, i, x->size,
                                     s->now) != L7_OK)
                    ck_abort_msg("enqueue failed");
                x->offered++;
                if (v == L7_QTREE_QUEUED)
                    x->queued_ok++;
                else if (v == L7_QTREE_DROPPED_FULL)
                    x->dropped++;
                else
                    x->not_shaped++;
                x->k++;
                s->tree_next = 0;
            }
        }
        /* The link sends what waits in its FIFO. */
        while (s->link_rate && s->lq_count && s->link_free <= s->now) {
            uint64_t h = s->lq[s->lq_head];
            s->lq_head = (s->lq_head + 1) % 256;
            s->lq_count--;
            uint64_t start = s->link_free;
            uint64_t saved = s->now;
            s->now = start;
            sim_deliver(s, h, s->src[h].size);
            s->now = saved;
            s->link_free = start + link_tx(s, s->src[h].size);
        }
        if (s->tree_next <= s->now) {
            for (;;) {
                l7_qtree_packet p;
                if (l7_qtree_dequeue(&p, s->t, s->root, s->now) != L7_OK)
                    ck_abort_msg("dequeue failed");
                if (p.status == L7_QTREE_SEND) {
                    uint64_t sec = (s->now - T0) / L7_NSEC_PER_SEC;
                    if (sec < SIM_SECS)
                        s->src[p.handle].tree_sec_bytes[sec] += p.length;
                    if (s->link_rate)
                        sim_link_push(s, p.handle, p.length);
                    else
                        sim_deliver(s, p.handle, p.length);
                    continue;
                }
                if (p.status != L7_QTREE_EMPTY && p.next <= s->now)
                    ck_abort_msg("dequeue asks to wait until a time already here");
                s->tree_next = p.next;
                break;
            }
        }
        uint64_t next = s->tree_next;
        for (uint32_t i = 0; i < s->nsrc; i++)
            next = src_next(&s->src[i]) < next ? src_next(&s->src[i]) : next;
        if (s->link_rate && s->lq_count && s->link_free < next)
            next = s->link_free;
        if (next > until)
            next = until;
        s->now = next;
    }
}

/* Delivered rate of source i in bit/s over simulated seconds [from, to). */
static double sim_rate(const sim *s, uint32_t i, uint32_t from, uint32_t to)
{
    uint64_t bytes = 0;
    for (uint32_t k = from; k < to; k++)
        bytes += s->src[i].sec_bytes[k];
    return (double)bytes * 8 / (to - from);
}

/* The same, counted where the tree hands packets out. */
static double sim_tree_rate(const sim *s, uint32_t i, uint32_t from, uint32_t to)
{
    uint64_t bytes = 0;
    for (uint32_t k = from; k < to; k++)
        bytes += s->src[i].tree_sec_bytes[k];
    return (double)bytes * 8 / (to - from);
}

#define ck_assert_near(val, want, tol)                                                 \
    do {                                                                               \
        double v_ = (val), w_ = (want), t_ = (tol);                                    \
        ck_assert_msg(v_ >= w_ * (1 - t_) && v_ <= w_ * (1 + t_),                      \
                      "%s = %.0f, want %.0f +-%.1f%%", #val, v_, w_, t_ * 100);        \
    } while (0)

/* ---- tests: shaping ------------------------------------------------------ */

START_TEST(test_single_queue_2m)
{
    static const qdef q[] = {{"q", "global", 0, 2 * MBIT, 8, "a"}};
    l7_qtree *t = make_tree(q, 1, NULL);
    sim s;
    sim_init(&s, t);
    sim_add(&s, mark_of(t, "a"), 10 * MBIT, 1500);
    sim_run(&s, T0 + SEC(10));
    fprintf(stderr, "one queue at 2M: %.4f Mbit/s in [1 s, 10 s), %llu dropped\n",
            sim_rate(&s, 0, 1, 10) / 1e6, (unsigned long long)s.src[0].dropped);
    ck_assert_near(sim_rate(&s, 0, 1, 10), 2e6, 0.01);
    /* Overflow is tail-dropped and counted; nothing is lost. */
    l7_qtree_stats st = {.size = sizeof(st)};
    ck_assert_int_eq(l7_qtree_stats_get(&st, t, 0, s.now), L7_OK);
    ck_assert_uint_gt(s.src[0].dropped, 5000);
    ck_assert_uint_eq(st.dropped, s.src[0].dropped);
    ck_assert_uint_eq(st.packets + st.queued_packets + st.dropped, s.src[0].offered);
    ck_assert_uint_eq(st.queued_packets, 10); /* default-small */
    ck_assert_uint_eq(st.bytes, st.packets * 1500);
    /* The rate column: bits sent in the last complete second. */
    ck_assert_near((double)st.rate, 2e6, 0.02);
    ck_assert_near((double)st.packet_rate, 2e6 / 12000, 0.02);
    l7_qtree_destroy(t);
}
END_TEST

/* MikroTik's HTB examples (routeros-spec.md §7.6): Q1 (max 10M) -> Q2, Q3;
 * Q2 -> Q4, Q5; each leaf offered 10 Mbit/s. */
static const struct htb_case {
    const char *what;
    qdef q[5];
    int link;          /* a 10 Mbit/s interface FIFO below the tree */
    double want[3];    /* Q3, Q4, Q5 in Mbit/s */
    uint64_t q5_offer; /* Q5's offered rate when not 10M */
} htb_cases[] = {
    {"1: CIRs use the whole link",
     {{"Q1", "global", 0, 10 * MBIT, 8, NULL},
      {"Q2", "Q1", 4 * MBIT, 10 * MBIT, 8, NULL},
      {"Q3", "Q1", 6 * MBIT, 10 * MBIT, 1, "m3"},
      {"Q4", "Q2", 2 * MBIT, 10 * MBIT, 3, "m4"},
      {"Q5", "Q2", 2 * MBIT, 10 * MBIT, 5, "m5"}},
     0,
     {6, 2, 2},
     0},
    {"2: spare goes to the best priority",
     {{"Q1", "global", 0, 10 * MBIT, 8, NULL},
      {"Q2", "Q1", 4 * MBIT, 10 * MBIT, 8, NULL},
      {"Q3", "Q1", 2 * MBIT, 10 * MBIT, 3, "m3"},
      {"Q4", "Q2", 2 * MBIT, 10 * MBIT, 1, "m4"},
      {"Q5", "Q2", 2 * MBIT, 10 * MBIT, 5, "m5"}},
     0,
     {2, 6, 2},
     0},
    {"3: inner CIR reserves its subtree's share",
     {{"Q1", "global", 0, 10 * MBIT, 8, NULL},
      {"Q2", "Q1", 8 * MBIT, 10 * MBIT, 8, NULL},
      {"Q3", "Q1", 2 * MBIT, 10 * MBIT, 1, "m3"},
      {"Q4", "Q2", 2 * MBIT, 10 * MBIT, 3, "m4"},
      {"Q5", "Q2", 2 * MBIT, 10 * MBIT, 5, "m5"}},
     0,
     {2, 6, 2},
     0},
    /* The CIRs add up to 20M: the tree sends exactly 6:2:12 (checked
     * separately) into a 10M interface FIFO (pfifo 50, tail drop).
     * MikroTik's "about 3, 1, 6" assumes the FIFO drops in proportion to
     * arrivals. With smooth (token-paced) arrivals it does not: a slot that
     * opens goes to whichever packet comes next, which favours the flows
     * that arrive most often (Floyd and Jacobson's phase effects). The values
     * pinned are what this model gives: Q3 and Q5 about even, Q4 nearly
     * starved. */
    {"4: CIRs past the link, interface FIFO decides",
     {{"Q1", "global", 0, 10 * MBIT, 8, NULL},
      {"Q2", "Q1", 4 * MBIT, 10 * MBIT, 8, NULL},
      {"Q3", "Q1", 6 * MBIT, 10 * MBIT, 1, "m3"},
      {"Q4", "Q2", 2 * MBIT, 10 * MBIT, 3, "m4"},
      {"Q5", "Q2", 12 * MBIT, 15 * MBIT, 5, "m5"}},
     1,
     {4.905, 0.181, 4.965},
     /* Offered above its 12M limit-at, so that the tree sends 6:2:12 as in
      * MikroTik's example; at 10M it would send 6:2:10. */
     15 * MBIT},
};

START_TEST(test_htb_examples)
{
    const struct htb_case *c = &htb_cases[_i];
    l7_diag_list *diag = NULL;
    ck_assert_int_eq(l7_diag_list_create(&diag, NULL), L7_OK);
    l7_qtree *t = make_tree(c->q, 5, diag);
    sim s;
    sim_init(&s, t);
    if (c->link) {
        s.link_rate = 10 * MBIT;
        s.link_cap = 50; /* ethernet-default */
    }
    static const char *marks[] = {"m3", "m4", "m5"};
    for (int k = 0; k < 3; k++)
        sim_add(&s, mark_of(t, marks[k]),
                k == 2 && c->q5_offer ? c->q5_offer : 10 * MBIT, 1500);
    sim_run(&s, T0 + SEC(10));
    for (int k = 0; k < 3; k++)
        fprintf(stderr, "example %s: Q%d %.3f Mbit/s\n", c->what, k + 3,
                sim_rate(&s, (uint32_t)k, 1, 10) / 1e6);
    for (int k = 0; k < 3; k++) {
        double got = sim_rate(&s, (uint32_t)k, 1, 10);
        ck_assert_msg(got >= c->want[k] * 1e6 * 0.98 && got <= c->want[k] * 1e6 * 1.02,
                      "example %s: Q%d got %.3f Mbit/s, want %.1f", c->what, k + 3,
                      got / 1e6, c->want[k]);
    }
    if (c->link) {
        /* What the tree itself sends: every limit-at, past Q1's max-limit. */
        static const double tree_want[3] = {6e6, 2e6, 12e6};
        for (uint32_t k = 0; k < 3; k++)
            ck_assert_near(sim_tree_rate(&s, k, 1, 10), tree_want[k], 0.02);
        double total = 0;
        for (uint32_t k = 0; k < 3; k++)
            total += sim_rate(&s, k, 1, 10);
        ck_assert_near(total, 10e6, 0.02);
        ck_assert_uint_gt(s.link_drops, 0);
        /* Example 4 is also flagged at load time. */
        ck_assert(has_diag(diag, L7_SEV_WARNING, "Q2", "limit-ats add up"));
    }
    l7_diag_list_destroy(diag);
    l7_qtree_destroy(t);
}
END_TEST

/* routeros-spec.md §7.4: limit-at 1M, max-limit 2M, threshold 1500k,
 * burst-limit 4M; per-second golden vectors of the delivered rate. */
static const struct burst_case {
    const char *what;
    uint64_t burst_time;
    uint32_t quiet_secs; /* offered 1 Mbit/s first (average below threshold) */
    uint32_t secs;
    double want[24]; /* Mbit/s per second from the end of the quiet phase */
} burst_cases[] = {
    {"16s from idle: 4M for 6 s, then 2M",
     16 * L7_NSEC_PER_SEC,
     0,
     24,
     {4, 4, 4, 4, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}},
    {"8s from idle: 4M for 3 s, then 2M",
     8 * L7_NSEC_PER_SEC,
     0,
     16,
     {4, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}},
    /* Mid-transfer: after 20 s at 1M the window holds 16M; bursting adds 3M
     * per second and crosses 24M at the third boundary. */
    {"16s after 20 s at 1M: 4M for 3 s",
     16 * L7_NSEC_PER_SEC,
     20,
     12,
     {4, 4, 4, 2, 2, 2, 2, 2, 2, 2, 2, 2}},
};

START_TEST(test_burst)
{
    const struct burst_case *c = &burst_cases[_i];
    l7_qtree_def *d = NULL;
    ck_assert_int_eq(l7_qtree_def_create(&d, NULL), L7_OK);
    l7_qtree_props p;
    l7_qtree_props_init(&p);
    p.limit_at = 1 * MBIT;
    p.max_limit = 2 * MBIT;
    p.burst_limit = 4 * MBIT;
    p.burst_threshold = 1500000;
    p.burst_time = c->burst_time;
    p.packet_marks = "b";
    ck_assert_int_eq(l7_qtree_def_add(d, "b", "global", &p, NULL), L7_OK);
    l7_qtree *t = NULL;
    ck_assert_int_eq(l7_qtree_create(&t, d, NULL, T0, NULL), L7_OK);
    l7_qtree_def_destroy(d);
    sim s;
    sim_init(&s, t);
    uint32_t src = sim_add(&s, mark_of(t, "b"), c->quiet_secs ? MBIT : 10 * MBIT, 1500);
    if (c->quiet_secs) {
        sim_run(&s, T0 + SEC(c->quiet_secs));
        sim_set_rate(&s, src, 10 * MBIT);
    }
    sim_run(&s, T0 + SEC(c->quiet_secs + c->secs));
    fprintf(stderr, "burst %s:", c->what);
    for (uint32_t k = 0; k < c->secs; k++)
        fprintf(stderr, " %.3f",
                sim_rate(&s, src, c->quiet_secs + k, c->quiet_secs + k + 1) / 1e6);
    fprintf(stderr, "\n");
    for (uint32_t k = 0; k < c->secs; k++) {
        double got = sim_rate(&s, src, c->quiet_secs + k, c->quiet_secs + k + 1) / 1e6;
        /* The first second also drains the full bucket (0.1 x 2M). */
        double extra = k == 0 ? 0.2 : 0;
        ck_assert_msg(got >= c->want[k] * 0.98 && got <= (c->want[k] + extra) * 1.02,
                      "%s: second %u got %.3f Mbit/s, want %.1f", c->what, k, got,
                      c->want[k]);
    }
    l7_qtree_destroy(t);
}
END_TEST

/* Two leaves under a 10M parent: borrowing, fairness and priority. */
static const struct share_case {
    const char *what;
    uint32_t prio_a, prio_b;
    uint32_t size_a, size_b;
    int b_silent_first;    /* A alone for 5 s first */
    double want_a, want_b; /* Mbit/s with both active */
} share_cases[] = {
    {"equal priority, equal sizes", 8, 8, 1500, 1500, 1, 5, 5},
    {"equal priority is byte-fair", 4, 4, 1500, 300, 0, 5, 5},
    {"equal priority is byte-fair (2)", 4, 4, 64, 1500, 0, 5, 5},
    {"priority 1 borrows first", 1, 8, 1500, 1500, 0, 8, 2},
    {"priority 8 vs 2", 8, 2, 1000, 1500, 0, 2, 8},
};

START_TEST(test_sharing)
{
    const struct share_case *c = &share_cases[_i];
    const qdef q[] = {{"P", "global", 0, 10 * MBIT, 8, NULL},
                      {"A", "P", 2 * MBIT, 10 * MBIT, c->prio_a, "a"},
                      {"B", "P", 2 * MBIT, 10 * MBIT, c->prio_b, "b"}};
    l7_qtree_def *d = make_def(q, 3);
    l7_qtree_props p;
    l7_qtree_props_init(&p);
    l7_qtree *t = NULL;
    ck_assert_int_eq(l7_qtree_create(&t, d, NULL, T0, NULL), L7_OK);
    l7_qtree_def_destroy(d);
    sim s;
    sim_init(&s, t);
    uint32_t a = sim_add(&s, mark_of(t, "a"), 12 * MBIT, c->size_a);
    uint32_t b =
        sim_add(&s, mark_of(t, "b"), c->b_silent_first ? 0 : 12 * MBIT, c->size_b);
    uint32_t from = 1;
    if (c->b_silent_first) {
        sim_run(&s, T0 + SEC(5));
        /* Alone, A borrows everything up to its max-limit. */
        ck_assert_near(sim_rate(&s, a, 1, 5), 10e6, 0.02);
        sim_set_rate(&s, b, 12 * MBIT);
        from = 6;
    }
    sim_run(&s, T0 + SEC(from + 9));
    ck_assert_near(sim_rate(&s, a, from, from + 9), c->want_a * 1e6, 0.02);
    ck_assert_near(sim_rate(&s, b, from, from + 9), c->want_b * 1e6, 0.02);
    l7_qtree_destroy(t);
}
END_TEST

START_TEST(test_idle_no_hoarding)
{
    static const qdef q[] = {{"q", "global", 0, 2 * MBIT, 8, "a"}};
    l7_qtree *t = make_tree(q, 1, NULL);
    sim s;
    sim_init(&s, t);
    uint32_t a = sim_add(&s, mark_of(t, "a"), 0, 1500);
    sim_run(&s, T0 + SEC(30)); /* 30 s idle */
    sim_set_rate(&s, a, 10 * MBIT);
    sim_run(&s, T0 + SEC(32));
    /* One bucket (0.1 s x 2M) of credit at most, not 30 s worth. */
    double first = sim_rate(&s, a, 30, 31);
    ck_assert_msg(first <= 2.2e6 + 12000 && first >= 2e6 * 0.98, "first second %.0f",
                  first);
    ck_assert_near(sim_rate(&s, a, 31, 32), 2e6, 0.02);
    l7_qtree_destroy(t);
}
END_TEST

START_TEST(test_change_rate_running)
{
    static const qdef q[] = {{"P", "global", 0, 10 * MBIT, 8, NULL},
                             {"q", "P", 0, 2 * MBIT, 8, "a"}};
    l7_qtree *t = make_tree(q, 2, NULL);
    sim s;
    sim_init(&s, t);
    uint32_t a = sim_add(&s, mark_of(t, "a"), 10 * MBIT, 1500);
    sim_run(&s, T0 + SEC(5));
    ck_assert_near(sim_rate(&s, a, 1, 5), 2e6, 0.02);
    l7_qtree_props p;
    l7_qtree_props_init(&p);
    p.max_limit = 5 * MBIT;
    ck_assert_int_eq(l7_qtree_set_rates(t, queue_of(t, "q"), &p, s.now), L7_OK);
    sim_run(&s, T0 + SEC(10));
    ck_assert_near(sim_rate(&s, a, 6, 10), 5e6, 0.02);
    /* Lowering the parent caps the child at once. */
    p.max_limit = 1 * MBIT;
    ck_assert_int_eq(l7_qtree_set_rates(t, queue_of(t, "P"), &p, s.now), L7_OK);
    sim_run(&s, T0 + SEC(15));
    ck_assert_near(sim_rate(&s, a, 11, 15), 1e6, 0.02);
    p.priority = 0;
    ck_assert_int_eq(l7_qtree_set_rates(t, 0, &p, s.now), L7_ERANGE);
    ck_assert_int_eq(l7_qtree_set_rates(t, 99, &p, s.now), L7_EINVAL);
    l7_qtree_destroy(t);
}
END_TEST

/* ---- tests: classification, queues, statistics ---------------------------- */

static int my_mark_ids(uint32_t *out, const char *name, void *user)
{
    (void)user;
    if (strcmp(name, "bad") == 0)
        return L7_EUNSUPPORTED;
    *out = 1000 + (uint32_t)strlen(name);
    return 0;
}

START_TEST(test_classify)
{
    l7_qtree_def *d = NULL;
    ck_assert_int_eq(l7_qtree_def_create(&d, NULL), L7_OK);
    ck_assert_int_eq(l7_qtree_def_add_interface(d, "ether1"), L7_OK);
    ck_assert_int_eq(l7_qtree_def_add_interface(d, "ether1"), L7_EEXIST);
    ck_assert_int_eq(l7_qtree_def_add_interface(d, "global"), L7_EINVAL);
    static const struct {
        const char *name, *parent, *marks;
    } qs[] = {
        {"first", "global", "web,dns"},
        {"second", "global", "dns,ssh"},
        {"plain", "global", "no-mark"},
        {"out", "ether1", "web"},
    };
    for (size_t i = 0; i < L7_ARRAY_SIZE(qs); i++) {
        l7_qtree_props p;
        l7_qtree_props_init(&p);
        p.packet_marks = qs[i].marks;
        ck_assert_int_eq(l7_qtree_def_add(d, qs[i].name, qs[i].parent, &p, NULL),
                         L7_OK);
    }
    l7_diag_list *diag = NULL;
    ck_assert_int_eq(l7_diag_list_create(&diag, NULL), L7_OK);
    l7_qtree *t = NULL;
    ck_assert_int_eq(l7_qtree_create(&t, d, NULL, T0, diag), L7_OK);
    /* Decision 13: the first leaf in configuration order wins, with a warning. */
    ck_assert(has_diag(diag, L7_SEV_WARNING, "second", "also on 'first'"));
    uint32_t eth = 0, q = 0;
    ck_assert_int_eq(l7_qtree_root_lookup(&eth, t, "ether1"), L7_OK);
    ck_assert_uint_eq(eth, 1);
    ck_assert_int_eq(l7_qtree_root_lookup(&q, t, "global"), L7_OK);
    ck_assert_uint_eq(q, L7_QTREE_ROOT_GLOBAL);
    ck_assert_int_eq(l7_qtree_root_lookup(&q, t, "ether2"), L7_ENOTFOUND);
    static const struct {
        uint32_t root;
        const char *mark;
        const char *want; /* NULL: not shaped */
    } cls[] = {
        {0, "web", "first"},     {0, "dns", "first"}, {0, "ssh", "second"},
        {0, "no-mark", "plain"}, {1, "web", "out"},   {1, "dns", NULL},
        {1, "no-mark", NULL},
    };
    for (size_t i = 0; i < L7_ARRAY_SIZE(cls); i++) {
        uint32_t leaf = 0;
        int rc = l7_qtree_classify(&leaf, t, cls[i].root, mark_of(t, cls[i].mark));
        if (cls[i].want) {
            ck_assert_int_eq(rc, L7_OK);
            ck_assert_str_eq(l7_qtree_queue_name(t, leaf), cls[i].want);
        } else {
            ck_assert_int_eq(rc, L7_ENOTFOUND);
        }
    }
    l7_qtree_verdict v;
    uint32_t leaf = 0;
    ck_assert_int_eq(l7_qtree_enqueue(&v, &leaf, t, 0, 12345, 1, 100, T0), L7_OK);
    ck_assert_int_eq(v, L7_QTREE_NOT_SHAPED);
    ck_assert_uint_eq(leaf, UINT32_MAX);
    ck_assert_int_eq(l7_qtree_enqueue(&v, &leaf, t, 5, 0, 1, 100, T0), L7_EINVAL);
    ck_assert_int_eq(l7_qtree_enqueue(&v, &leaf, t, 0, 0, 1, 0, T0), L7_EINVAL);
    ck_assert_int_eq(
        l7_qtree_enqueue(&v, &leaf, t, 0, 0, 1, L7_QTREE_MAX_PACKET + 1, T0),
        L7_EINVAL);
    ck_assert_int_eq(l7_qtree_mark_lookup(&q, t, "nothing"), L7_ENOTFOUND);
    l7_qtree_destroy(t);

    /* The host's own mark ids. */
    l7_qtree_options o = {.size = sizeof(o), .mark_id = my_mark_ids};
    ck_assert_int_eq(l7_qtree_create(&t, d, &o, T0, NULL), L7_OK);
    ck_assert_int_eq(l7_qtree_classify(&leaf, t, 0, 1003), L7_OK); /* "web" */
    ck_assert_str_eq(l7_qtree_queue_name(t, leaf), "first");
    ck_assert_int_eq(l7_qtree_classify(&leaf, t, 0, 1003 + 100), L7_ENOTFOUND);
    l7_qtree_destroy(t);
    l7_qtree_props p;
    l7_qtree_props_init(&p);
    p.packet_marks = "bad";
    ck_assert_int_eq(l7_qtree_def_add(d, "badmark", "global", &p, NULL), L7_OK);
    ck_assert_int_eq(l7_qtree_create(&t, d, &o, T0, NULL), L7_EUNSUPPORTED);
    ck_assert_ptr_null(t);
    l7_diag_list_destroy(diag);
    l7_qtree_def_destroy(d);
}
END_TEST

START_TEST(test_fifo_kinds)
{
    l7_qtree_def *d = NULL;
    ck_assert_int_eq(l7_qtree_def_create(&d, NULL), L7_OK);
    l7_qtree_props p;
    l7_qtree_props_init(&p);
    p.max_limit = 8000; /* 1000 bytes/s: nothing goes out during the fill */
    p.queue_kind = L7_QTREE_BFIFO;
    p.queue_limit = 3000;
    p.packet_marks = "b";
    ck_assert_int_eq(l7_qtree_def_add(d, "bq", "global", &p, NULL), L7_OK);
    ck_assert_int_eq(l7_qtree_props_set_queue_type(&p, "default"), L7_OK);
    ck_assert_uint_eq(p.queue_kind, L7_QTREE_PFIFO);
    ck_assert_uint_eq(p.queue_limit, 50);
    p.packet_marks = "p";
    ck_assert_int_eq(l7_qtree_def_add(d, "pq", "global", &p, NULL), L7_OK);
    l7_qtree *t = NULL;
    ck_assert_int_eq(l7_qtree_create(&t, d, NULL, T0, NULL), L7_OK);
    l7_qtree_def_destroy(d);
    uint32_t b = mark_of(t, "b"), pm = mark_of(t, "p");
    l7_qtree_verdict v;
    /* bfifo: 1000 + 1000 + 1000 fit, then bytes run out. */
    static const struct {
        uint32_t len;
        l7_qtree_verdict want;
    } bseq[] = {{1000, L7_QTREE_QUEUED},
                {1000, L7_QTREE_QUEUED},
                {1001, L7_QTREE_DROPPED_FULL},
                {1000, L7_QTREE_QUEUED},
                {1, L7_QTREE_DROPPED_FULL}};
    for (size_t i = 0; i < L7_ARRAY_SIZE(bseq); i++) {
        ck_assert_int_eq(l7_qtree_enqueue(&v, NULL, t, 0, b, i, bseq[i].len, T0),
                         L7_OK);
        ck_assert_int_eq(v, bseq[i].want);
    }
    /* pfifo 50: the 51st packet is dropped. */
    for (uint32_t i = 0; i < 51; i++) {
        ck_assert_int_eq(l7_qtree_enqueue(&v, NULL, t, 0, pm, 100 + i, 64, T0), L7_OK);
        ck_assert_int_eq(v, i < 50 ? L7_QTREE_QUEUED : L7_QTREE_DROPPED_FULL);
    }
    l7_qtree_stats st = {.size = sizeof(st)};
    ck_assert_int_eq(l7_qtree_stats_get(&st, t, queue_of(t, "pq"), T0), L7_OK);
    ck_assert_uint_eq(st.queued_packets, 50);
    ck_assert_uint_eq(st.queued_bytes, 50 * 64);
    ck_assert_uint_eq(st.dropped, 1);
    /* Packets come out in FIFO order; flush ignores the shaping. */
    l7_qtree_packet pk;
    uint64_t want_pq = 100;
    for (int n = 0; n < 53; n++) {
        ck_assert_int_eq(l7_qtree_flush(&pk, t, 0, T0), L7_OK);
        ck_assert_int_eq(pk.status, L7_QTREE_SEND);
        if (pk.queue == queue_of(t, "pq"))
            ck_assert_uint_eq(pk.handle, want_pq++);
    }
    ck_assert_int_eq(l7_qtree_flush(&pk, t, 0, T0), L7_OK);
    ck_assert_int_eq(pk.status, L7_QTREE_EMPTY);
    ck_assert_int_eq(l7_qtree_dequeue(&pk, t, 0, T0), L7_OK);
    ck_assert_int_eq(pk.status, L7_QTREE_EMPTY);
    l7_qtree_destroy(t);
}
END_TEST

START_TEST(test_dequeue_wait_time)
{
    /* 8000 bit/s: a 1000-byte packet takes exactly 1 s of tokens. */
    l7_qtree_def *d = NULL;
    ck_assert_int_eq(l7_qtree_def_create(&d, NULL), L7_OK);
    l7_qtree_props p;
    l7_qtree_props_init(&p);
    p.max_limit = 8000;
    p.bucket_size_milli = 0; /* smallest bucket: one 1514-byte frame */
    p.packet_marks = "a";
    ck_assert_int_eq(l7_qtree_def_add(d, "q", "global", &p, NULL), L7_OK);
    l7_qtree *t = NULL;
    ck_assert_int_eq(l7_qtree_create(&t, d, NULL, T0, NULL), L7_OK);
    l7_qtree_def_destroy(d);
    l7_qtree_verdict v;
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(
            l7_qtree_enqueue(&v, NULL, t, 0, mark_of(t, "a"), (uint64_t)i, 1000, T0),
            L7_OK);
    l7_qtree_packet pk;
    /* The full bucket (1514 bytes) sends one packet and lets the next take
     * it 486 bytes into debt; the third waits 0.486 s at 1000 B/s. */
    for (uint64_t h = 0; h < 2; h++) {
        ck_assert_int_eq(l7_qtree_dequeue(&pk, t, 0, T0), L7_OK);
        ck_assert_int_eq(pk.status, L7_QTREE_SEND);
        ck_assert_uint_eq(pk.handle, h);
        ck_assert_uint_eq(pk.length, 1000);
    }
    ck_assert_int_eq(l7_qtree_dequeue(&pk, t, 0, T0), L7_OK);
    ck_assert_int_eq(pk.status, L7_QTREE_WAIT);
    ck_assert_uint_eq(pk.next, T0 + 486000000ull);
    ck_assert_int_eq(l7_qtree_dequeue(&pk, t, 0, pk.next - 1), L7_OK);
    ck_assert_int_eq(pk.status, L7_QTREE_WAIT);
    ck_assert_uint_eq(pk.next, T0 + 486000000ull);
    ck_assert_int_eq(l7_qtree_dequeue(&pk, t, 0, T0 + 486000000ull), L7_OK);
    ck_assert_int_eq(pk.status, L7_QTREE_SEND);
    ck_assert_uint_eq(pk.handle, 2);
    ck_assert_int_eq(
        l7_qtree_enqueue(&v, NULL, t, 0, mark_of(t, "a"), 3, 1000, T0 + 486000000ull),
        L7_OK);
    ck_assert_int_eq(l7_qtree_dequeue(&pk, t, 0, T0 + 486000000ull), L7_OK);
    ck_assert_int_eq(pk.status, L7_QTREE_WAIT);
    ck_assert_uint_eq(pk.next, T0 + 1486000000ull);
    l7_qtree_destroy(t);
}
END_TEST

START_TEST(test_inner_stats)
{
    static const qdef q[] = {{"P", "global", 0, 0, 8, NULL},
                             {"a", "P", 0, 0, 8, "a"},
                             {"b", "P", 0, 0, 8, "b"}};
    l7_qtree *t = make_tree(q, 3, NULL);
    l7_qtree_verdict v;
    for (int i = 0; i < 4; i++)
        l7_qtree_enqueue(&v, NULL, t, 0, mark_of(t, i % 2 ? "a" : "b"), 0, 100, T0);
    l7_qtree_stats st = {.size = sizeof(st)};
    ck_assert_int_eq(l7_qtree_stats_get(&st, t, 0, T0), L7_OK);
    ck_assert_uint_eq(st.is_leaf, 0);
    ck_assert_uint_eq(st.queued_packets, 4);
    l7_qtree_packet pk;
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(l7_qtree_dequeue(&pk, t, 0, T0 + SEC(0.5)), L7_OK);
        ck_assert_int_eq(pk.status, L7_QTREE_SEND); /* unlimited */
    }
    ck_assert_int_eq(l7_qtree_stats_get(&st, t, 0, T0 + SEC(0.5)), L7_OK);
    ck_assert_uint_eq(st.packets, 4);
    ck_assert_uint_eq(st.bytes, 400);
    ck_assert_uint_eq(st.queued_packets, 0);
    ck_assert_uint_eq(st.rate, 0); /* the first second is not complete */
    ck_assert_int_eq(l7_qtree_stats_get(&st, t, 0, T0 + SEC(1.5)), L7_OK);
    ck_assert_uint_eq(st.rate, 3200);
    ck_assert_uint_eq(st.packet_rate, 4);
    ck_assert_int_eq(l7_qtree_stats_get(&st, t, 1, T0 + SEC(1.5)), L7_OK);
    ck_assert_uint_eq(st.packets, 2);
    ck_assert_int_eq(l7_qtree_stats_get(&st, t, 0, T0 + SEC(2.5)), L7_OK);
    ck_assert_uint_eq(st.rate, 0);
    /* An older caller's smaller struct is filled only up to its size. */
    l7_qtree_stats small;
    memset(&small, 0xab, sizeof(small));
    small.size = offsetof(l7_qtree_stats, bytes);
    ck_assert_int_eq(l7_qtree_stats_get(&small, t, 0, T0), L7_OK);
    ck_assert_uint_eq(small.packets, 4);
    ck_assert_uint_eq(small.bytes, 0xababababababababull);
    ck_assert_int_eq(l7_qtree_stats_get(&st, t, 3, T0), L7_EINVAL);
    l7_qtree_destroy(t);
}
END_TEST

/* ---- tests: build rules and warnings -------------------------------------- */

static const struct bad_add_case {
    const char *name, *parent;
    uint32_t prio;
    uint32_t bucket;
    uint32_t qlimit;
    const char *marks;
    int want;
} bad_add_cases[] = {
    {"", "global", 8, 100, 10, NULL, L7_EINVAL},
    {"global", "global", 8, 100, 10, NULL, L7_EINVAL},
    {"a,b", "global", 8, 100, 10, NULL, L7_EINVAL},
    {"tab\there", "global", 8, 100, 10, NULL, L7_EINVAL},
    {"ok", "", 8, 100, 10, NULL, L7_EINVAL},
    {"ok", "global", 0, 100, 10, NULL, L7_ERANGE},
    {"ok", "global", 9, 100, 10, NULL, L7_ERANGE},
    {"ok", "global", 8, 10001, 10, NULL, L7_ERANGE},
    {"ok", "global", 8, 100, 0, NULL, L7_ERANGE},
    {"ok", "global", 8, 100, 70000, NULL, L7_ERANGE},
    {"ok", "global", 8, 100, 10, "a,,b", L7_EINVAL},
    {"ok", "global", 8, 100, 10, "a,", L7_EINVAL},
    {"dup", "global", 8, 100, 10, NULL, L7_EEXIST},
};

START_TEST(test_bad_add)
{
    const struct bad_add_case *c = &bad_add_cases[_i];
    l7_qtree_def *d = NULL;
    ck_assert_int_eq(l7_qtree_def_create(&d, NULL), L7_OK);
    ck_assert_int_eq(l7_qtree_def_add(d, "dup", "global", NULL, NULL), L7_OK);
    l7_qtree_props p;
    l7_qtree_props_init(&p);
    p.priority = c->prio;
    p.bucket_size_milli = c->bucket;
    p.queue_limit = c->qlimit;
    p.packet_marks = c->marks;
    p.line = 42;
    l7_diag_list *diag = NULL;
    ck_assert_int_eq(l7_diag_list_create(&diag, NULL), L7_OK);
    ck_assert_int_eq(l7_qtree_def_add(d, c->name, c->parent, &p, diag), c->want);
    ck_assert_uint_eq(l7_diag_list_count_severity(diag, L7_SEV_ERROR), 1);
    ck_assert_str_eq(l7_diag_item(diag, 0), c->name);
    ck_assert_uint_eq(l7_diag_line(diag, 0), 42);
    ck_assert_uint_eq(l7_qtree_def_count(d), 1);
    p.size = 4; /* a struct too old to hold the fields we need */
    ck_assert_int_eq(l7_qtree_def_add(d, "x", "global", &p, NULL), L7_EINVAL);
    l7_diag_list_destroy(diag);
    l7_qtree_def_destroy(d);
}
END_TEST

static const struct bad_tree_case {
    const char *what;
    qdef q[4];
    int want;
    const char *items[3]; /* queues named by an error */
    const char *text;
} bad_tree_cases[] = {
    {"two-queue cycle",
     {{"a", "b", 0, 0, 8, "x"}, {"b", "a", 0, 0, 8, NULL}},
     L7_EINVAL,
     {"a", "b"},
     "cycle"},
    {"self parent", {{"a", "a", 0, 0, 8, "x"}}, L7_EINVAL, {"a"}, "cycle"},
    {"cycle behind a good queue",
     {{"ok", "global", 0, 0, 8, "x"},
      {"c1", "c3", 0, 0, 8, NULL},
      {"c2", "c1", 0, 0, 8, NULL},
      {"c3", "c2", 0, 0, 8, NULL}},
     L7_EINVAL,
     {"c1", "c2", "c3"},
     "cycle"},
    {"unknown parent",
     {{"a", "global", 0, 0, 8, NULL}, {"b", "nowhere", 0, 0, 8, "x"}},
     L7_ENOTFOUND,
     {"b"},
     "unknown parent 'nowhere'"},
    {"undeclared interface",
     {{"a", "ether1", 0, 0, 8, "x"}},
     L7_ENOTFOUND,
     {"a"},
     "unknown parent"},
};

START_TEST(test_bad_tree)
{
    const struct bad_tree_case *c = &bad_tree_cases[_i];
    l7_qtree_def *d = make_def(c->q, 4);
    l7_diag_list *diag = NULL;
    ck_assert_int_eq(l7_diag_list_create(&diag, NULL), L7_OK);
    l7_qtree *t = (l7_qtree *)&diag; /* must be reset */
    ck_assert_int_eq(l7_qtree_create(&t, d, NULL, T0, diag), c->want);
    ck_assert_ptr_null(t);
    for (int i = 0; i < 3 && c->items[i]; i++)
        ck_assert_msg(has_diag(diag, L7_SEV_ERROR, c->items[i], c->text),
                      "%s: no error about %s", c->what, c->items[i]);
    ck_assert(!has_diag(diag, L7_SEV_ERROR, "ok", ""));
    l7_diag_list_destroy(diag);
    l7_qtree_def_destroy(d);
}
END_TEST

/* Load warnings (routeros-spec.md §7.2, §7.3, §7.6, Decision 13, S12). */
static const struct warn_case {
    const char *what;
    qdef q[4];
    const char *item;
    const char *text;
} warn_cases[] = {
    {"seed tree: priority under global",
     {{"voip", "global", 1 * MBIT, 2 * MBIT, 1, "voip"},
      {"p2p", "global", 0, 50 * MBIT, 8, "p2p"}},
     "voip",
     "priority has no effect: no parent up to 'global'"},
    {"seed tree: limit-at under global",
     {{"voip", "global", 1 * MBIT, 2 * MBIT, 1, "voip"}},
     "voip",
     "limit-at has no effect"},
    {"priority without max-limit",
     {{"P", "global", 0, 10 * MBIT, 8, NULL}, {"a", "P", 0, 0, 2, "a"}},
     "a",
     "without max-limit"},
    {"priority on an inner queue",
     {{"P", "global", 0, 10 * MBIT, 3, NULL}, {"a", "P", 0, MBIT, 8, "a"}},
     "P",
     "inner queue"},
    {"packet-mark on an inner queue",
     {{"P", "global", 0, 10 * MBIT, 8, "x"}, {"a", "P", 0, MBIT, 8, "a"}},
     "P",
     "packet-mark on an inner queue is ignored"},
    {"children's limit-ats above the parent's",
     {{"P", "global", 0, 10 * MBIT, 8, NULL},
      {"a", "P", 6 * MBIT, 10 * MBIT, 8, "a"},
      {"b", "P", 6 * MBIT, 10 * MBIT, 8, "b"}},
     "P",
     "limit-ats add up to 12000000"},
    {"child max-limit above the parent's",
     {{"P", "global", 0, 10 * MBIT, 8, NULL}, {"a", "P", 0, 20 * MBIT, 8, "a"}},
     "a",
     "max-limit is above the parent's ('P')"},
    {"leaf without a mark",
     {{"P", "global", 0, 10 * MBIT, 8, NULL}, {"a", "P", 0, MBIT, 8, NULL}},
     "a",
     "never receives packets"},
    {"same mark twice",
     {{"a", "global", 0, MBIT, 8, "m,n"}, {"b", "global", 0, MBIT, 8, "n"}},
     "b",
     "also on 'a'"},
};

START_TEST(test_warnings)
{
    const struct warn_case *c = &warn_cases[_i];
    l7_diag_list *diag = NULL;
    ck_assert_int_eq(l7_diag_list_create(&diag, NULL), L7_OK);
    l7_qtree *t = make_tree(c->q, 4, diag);
    ck_assert_uint_eq(l7_diag_list_count_severity(diag, L7_SEV_ERROR), 0);
    ck_assert_msg(has_diag(diag, L7_SEV_WARNING, c->item, c->text),
                  "%s: missing warning", c->what);
    l7_qtree_destroy(t);
    l7_diag_list_destroy(diag);
}
END_TEST

START_TEST(test_good_tree_no_warnings)
{
    /* MikroTik's recommended shape: a common parent at the link rate. */
    static const qdef q[] = {{"upload", "global", 0, 6 * MBIT, 8, NULL},
                             {"prio", "upload", 4 * MBIT, 6 * MBIT, 1, "prio"},
                             {"rest", "upload", 2 * MBIT, 6 * MBIT, 8, "no-mark"}};
    l7_diag_list *diag = NULL;
    ck_assert_int_eq(l7_diag_list_create(&diag, NULL), L7_OK);
    l7_qtree *t = make_tree(q, 3, diag);
    ck_assert_uint_eq(l7_diag_list_count(diag), 0);
    l7_qtree_destroy(t);
    l7_diag_list_destroy(diag);
}
END_TEST

/* ---- tests: hostile sizes ------------------------------------------------- */

START_TEST(test_100k_queues)
{
    enum { N = 100000 };
    l7_qtree_def *d = NULL;
    ck_assert_int_eq(l7_qtree_def_create(&d, NULL), L7_OK);
    l7_qtree_props p;
    l7_qtree_props_init(&p);
    p.max_limit = 100 * MBIT;
    ck_assert_int_eq(l7_qtree_def_add(d, "top", "global", &p, NULL), L7_OK);
    char name[32];
    for (int i = 1; i < N; i++) {
        snprintf(name, sizeof(name), "q%d", i);
        l7_qtree_props_init(&p);
        p.max_limit = MBIT;
        p.packet_marks = name;
        if (l7_qtree_def_add(d, name, "top", &p, NULL) != L7_OK)
            ck_abort_msg("add %s failed", name);
    }
    ck_assert_int_eq(l7_qtree_def_add(d, "q77", "top", &p, NULL), L7_EEXIST);
    l7_qtree *t = NULL;
    ck_assert_int_eq(l7_qtree_create(&t, d, NULL, T0, NULL), L7_OK);
    ck_assert_uint_eq(l7_qtree_queue_count(t), N);
    /* Every 100th leaf gets a packet; all come out. */
    l7_qtree_verdict v;
    uint32_t leaf;
    for (int i = 1; i < N; i += 100) {
        snprintf(name, sizeof(name), "q%d", i);
        ck_assert_int_eq(
            l7_qtree_enqueue(&v, &leaf, t, 0, mark_of(t, name), (uint64_t)i, 1500, T0),
            L7_OK);
        ck_assert_int_eq(v, L7_QTREE_QUEUED);
        ck_assert_uint_eq(leaf, (uint32_t)i);
    }
    l7_qtree_packet pk;
    int sent = 0;
    for (uint64_t now = T0; sent < N / 100;) {
        if (l7_qtree_dequeue(&pk, t, 0, now) != L7_OK || pk.status == L7_QTREE_EMPTY)
            ck_abort_msg("dequeue failed after %d packets", sent);
        if (pk.status == L7_QTREE_SEND)
            sent++;
        else
            now = pk.next;
    }
    ck_assert_int_eq(l7_qtree_dequeue(&pk, t, 0, T0 + SEC(10)), L7_OK);
    ck_assert_int_eq(pk.status, L7_QTREE_EMPTY);
    l7_qtree_destroy(t);
    l7_qtree_def_destroy(d);

    /* A 100,000-long chain is refused (too deep), and so is a 100,000-long
     * cycle, both in linear time. */
    for (int cyc = 0; cyc < 2; cyc++) {
        ck_assert_int_eq(l7_qtree_def_create(&d, NULL), L7_OK);
        char parent[32];
        for (int i = 0; i < N; i++) {
            snprintf(name, sizeof(name), "c%d", i);
            snprintf(parent, sizeof(parent), "c%d", i ? i - 1 : N - 1);
            if (l7_qtree_def_add(d, name, i == 0 && !cyc ? "global" : parent, NULL,
                                 NULL) != L7_OK)
                ck_abort_msg("add %s failed", name);
        }
        l7_diag_list *diag = NULL;
        ck_assert_int_eq(l7_diag_list_create(&diag, NULL), L7_OK);
        ck_assert_int_eq(l7_qtree_create(&t, d, NULL, T0, diag),
                         cyc ? L7_EINVAL : L7_ELIMIT);
        ck_assert(has_diag(diag, L7_SEV_ERROR, cyc ? "c0" : "c16",
                           cyc ? "cycle" : "more than 16 levels"));
        l7_diag_list_destroy(diag);
        l7_qtree_def_destroy(d);
    }
}
END_TEST

START_TEST(test_queue_types)
{
    static const struct {
        const char *type;
        int rc;
        uint32_t limit;
    } cases[] = {{"default", L7_OK, 50},
                 {"ethernet-default", L7_OK, 50},
                 {"default-small", L7_OK, 10},
                 {"wireless-default", L7_EUNSUPPORTED, 0},
                 {"pcq-upload-default", L7_EUNSUPPORTED, 0},
                 {"nope", L7_ENOTFOUND, 0}};
    for (size_t i = 0; i < L7_ARRAY_SIZE(cases); i++) {
        l7_qtree_props p;
        l7_qtree_props_init(&p);
        p.queue_limit = 7;
        ck_assert_int_eq(l7_qtree_props_set_queue_type(&p, cases[i].type), cases[i].rc);
        ck_assert_uint_eq(p.queue_limit, cases[i].rc == L7_OK ? cases[i].limit : 7);
    }
    l7_qtree_props p;
    l7_qtree_props_init(&p);
    ck_assert_uint_eq(p.size, sizeof(p));
    ck_assert_uint_eq(p.priority, 8);
    ck_assert_uint_eq(p.bucket_size_milli, 100);
    ck_assert_uint_eq(p.queue_limit, 10);
    ck_assert_uint_eq(p.max_limit, 0);
    ck_assert_int_eq(l7_qtree_props_set_queue_type(NULL, "default"), L7_EINVAL);
    l7_qtree_destroy(NULL);
    l7_qtree_def_destroy(NULL);
    ck_assert_uint_eq(l7_qtree_queue_count(NULL), 0);
}
END_TEST

/* Every allocation failure is reported cleanly and leaks nothing (ASan
 * checks the leaks): fail the n-th allocation for n = 0, 1, ... until the
 * whole build succeeds. */
typedef struct fail_alloc {
    int left;
} fail_alloc;

static void *fa_malloc(size_t n, void *user)
{
    fail_alloc *f = user;
    return f->left-- > 0 ? malloc(n) : NULL;
}

static void *fa_realloc(void *p, size_t n, void *user)
{
    fail_alloc *f = user;
    return f->left-- > 0 ? realloc(p, n) : NULL;
}

static void fa_free(void *p, void *user)
{
    (void)user;
    free(p);
}

static int build_with(fail_alloc *f)
{
    l7_allocator hooks = {fa_malloc, fa_realloc, fa_free, f};
    l7_qtree_def *d = NULL;
    int rc = l7_qtree_def_create(&d, &hooks);
    if (rc < 0)
        return rc;
    static const qdef q[] = {{"P", "global", 0, 10 * MBIT, 8, NULL},
                             {"a", "P", MBIT, 10 * MBIT, 1, "x,y,no-mark"},
                             {"b", "ether1", 0, 0, 8, "y"},
                             {"c", "P", 0, 5 * MBIT, 8, "z"}};
    rc = l7_qtree_def_add_interface(d, "ether1");
    for (size_t i = 0; rc == L7_OK && i < L7_ARRAY_SIZE(q); i++) {
        l7_qtree_props p;
        l7_qtree_props_init(&p);
        p.limit_at = q[i].limit_at;
        p.max_limit = q[i].max_limit;
        p.priority = q[i].prio;
        p.packet_marks = q[i].marks;
        if (i == 3) {
            p.burst_limit = 8 * MBIT;
            p.burst_threshold = 4 * MBIT;
            p.burst_time = 8 * L7_NSEC_PER_SEC;
        }
        rc = l7_qtree_def_add(d, q[i].name, q[i].parent, &p, NULL);
    }
    l7_qtree *t = NULL;
    if (rc == L7_OK)
        rc = l7_qtree_create(&t, d, NULL, T0, NULL);
    l7_qtree_verdict v;
    for (uint64_t h = 0; rc == L7_OK && h < 40; h++)
        rc = l7_qtree_enqueue(&v, NULL, t, 0, L7_QTREE_NO_MARK, h, 100, T0);
    l7_qtree_destroy(t);
    l7_qtree_def_destroy(d);
    return rc;
}

START_TEST(test_alloc_failures)
{
    int n;
    for (n = 0; n < 1000; n++) {
        fail_alloc f = {n};
        int rc = build_with(&f);
        if (rc == L7_OK)
            break;
        ck_assert_int_eq(rc, L7_ENOMEM);
    }
    ck_assert_int_gt(n, 10);
    ck_assert_int_lt(n, 1000);
}
END_TEST

START_TEST(test_roots_independent)
{
    l7_qtree_def *d = NULL;
    ck_assert_int_eq(l7_qtree_def_create(&d, NULL), L7_OK);
    ck_assert_int_eq(l7_qtree_def_add_interface(d, "ether1"), L7_OK);
    l7_qtree_props p;
    l7_qtree_props_init(&p);
    p.packet_marks = "m";
    ck_assert_int_eq(l7_qtree_def_add(d, "g", "global", &p, NULL), L7_OK);
    ck_assert_int_eq(l7_qtree_def_add(d, "e", "ether1", &p, NULL), L7_OK);
    /* An interface name cannot also be a queue name. */
    ck_assert_int_eq(l7_qtree_def_add(d, "ether1", "global", &p, NULL), L7_EINVAL);
    l7_qtree *t = NULL;
    ck_assert_int_eq(l7_qtree_create(&t, d, NULL, T0, NULL), L7_OK);
    l7_qtree_def_destroy(d);
    l7_qtree_verdict v;
    uint32_t q;
    /* The same mark is queued twice: once per HTB (double queuing). */
    ck_assert_int_eq(l7_qtree_enqueue(&v, &q, t, 1, mark_of(t, "m"), 7, 500, T0),
                     L7_OK);
    ck_assert_str_eq(l7_qtree_queue_name(t, q), "e");
    l7_qtree_packet pk;
    ck_assert_int_eq(l7_qtree_dequeue(&pk, t, 0, T0), L7_OK);
    ck_assert_int_eq(pk.status, L7_QTREE_EMPTY);
    ck_assert_int_eq(l7_qtree_dequeue(&pk, t, 1, T0), L7_OK);
    ck_assert_int_eq(pk.status, L7_QTREE_SEND);
    ck_assert_uint_eq(pk.handle, 7);
    ck_assert_uint_eq(pk.queue, q);
    ck_assert_int_eq(l7_qtree_dequeue(&pk, t, 2, T0), L7_EINVAL);
    l7_qtree_destroy(t);
}
END_TEST

/* ---- differential test: the scheduler against the reference scan ---------
 * Random trees (1-4 levels, up to 200 leaves, one or two roots, random
 * limit-at / max-limit / priority / bucket-size / burst / queue sizes) are
 * compiled twice, one copy using the original flat scan (qtree_ref.c). Both
 * get the same calls -- bursts of random-size packets, rate changes, flushes,
 * dequeues at random times and at either copy's WAIT time -- and must give
 * exactly the same answers: verdicts, (time, leaf, handle, length) of every
 * packet, and every queue's statistics. The WAIT times may differ (each is
 * only a lower bound), so both are checked to be one: no packet goes out
 * before the last WAIT time a copy gave, unless a call in between could
 * have changed that. */

typedef struct diff_case {
    uint64_t seed;
    uint32_t trees;
    uint32_t max_leaves;
    uint32_t max_depth;
    uint32_t steps;
    uint32_t big_packets; /* sizes up to 64 KiB, so that DRR needs many rounds */
} diff_case;

static const diff_case diff_cases[] = {
    {1, 30, 6, 2, 1000, 0},  {2, 20, 30, 3, 1000, 0}, {3, 10, 200, 4, 800, 0},
    {4, 20, 12, 4, 1000, 1}, {5, 8, 200, 2, 800, 1},  {6, 30, 3, 4, 1000, 0},
    {7, 12, 80, 3, 1000, 0}, {8, 10, 120, 4, 800, 1},
};

static uint32_t rnd(uint64_t *s, uint32_t n)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)((*s >> 33) % n);
}

static uint64_t rnd_rate(uint64_t *s)
{
    static const uint64_t rates[] = {64000,    256000,    1 * MBIT,  2 * MBIT,
                                     5 * MBIT, 10 * MBIT, 50 * MBIT, 200 * MBIT};
    uint64_t r = rates[rnd(s, L7_ARRAY_SIZE(rates))];
    return rnd(s, 2) ? r : r / 2 + rnd(s, (uint32_t)(r / 1000)) * 1000ull;
}

static void rnd_rates(uint64_t *s, l7_qtree_props *p)
{
    p->limit_at = rnd(s, 2) ? 0 : rnd_rate(s);
    p->max_limit = rnd(s, 10) < 3 ? 0 : rnd_rate(s);
    p->priority = 1 + rnd(s, 8);
    static const uint32_t buckets[] = {0, 1, 10, 100, 100, 1000};
    p->bucket_size_milli = buckets[rnd(s, L7_ARRAY_SIZE(buckets))];
    p->burst_limit = p->burst_threshold = p->burst_time = 0;
    if (p->max_limit && rnd(s, 5) == 0) {
        p->burst_limit = p->max_limit * (2 + rnd(s, 3));
        p->burst_threshold =
            p->max_limit / 2 + rnd(s, (uint32_t)(p->max_limit / 1000)) * 500ull;
        p->burst_time = (100 + rnd(s, 1900)) * 1000000ull;
    }
}

static l7_qtree_def *diff_def(uint64_t *s, const diff_case *c, uint32_t *nq)
{
    l7_qtree_def *d = NULL;
    ck_assert_int_eq(l7_qtree_def_create(&d, NULL), L7_OK);
    uint32_t two_roots = rnd(s, 3) == 0;
    if (two_roots)
        ck_assert_int_eq(l7_qtree_def_add_interface(d, "eth"), L7_OK);
    uint32_t leaves = 1 + rnd(s, c->max_leaves);
    uint32_t inner = c->max_depth > 1 ? rnd(s, 1 + leaves / 3) : 0;
    uint8_t depth[260];
    char name[32], parent[32];
    uint32_t n = 0;
    for (uint32_t i = 0; i < inner + leaves; i++, n++) {
        l7_qtree_props p;
        l7_qtree_props_init(&p);
        rnd_rates(s, &p);
        if (rnd(s, 2)) {
            p.queue_kind = L7_QTREE_PFIFO;
            p.queue_limit = 1 + rnd(s, 64);
        } else {
            p.queue_kind = L7_QTREE_BFIFO;
            p.queue_limit = 1500 + rnd(s, 100000);
        }
        snprintf(name, sizeof(name), "q%u", i);
        p.packet_marks = name;
        /* Inner candidates hang below earlier inner candidates; leaves below
         * any of them. An inner candidate nobody picks is a leaf too. */
        uint32_t limit = i < inner ? i : inner, up = rnd(s, limit + 1);
        if (up == limit || (i < inner && (uint32_t)depth[up] + 1 >= c->max_depth)) {
            snprintf(parent, sizeof(parent), "%s",
                     two_roots && rnd(s, 2) ? "eth" : "global");
            depth[i] = 1;
        } else {
            snprintf(parent, sizeof(parent), "q%u", up);
            depth[i] = (uint8_t)(depth[up] + 1);
        }
        ck_assert_int_eq(l7_qtree_def_add(d, name, parent, &p, NULL), L7_OK);
    }
    *nq = n;
    return d;
}

static void diff_same_packet(const l7_qtree_packet *a, const l7_qtree_packet *b,
                             uint64_t now, const char *what)
{
    if (a->status != b->status ||
        (a->status == L7_QTREE_SEND &&
         (a->queue != b->queue || a->handle != b->handle || a->length != b->length)))
        if (a->status != b->status ||
            (a->status == L7_QTREE_SEND &&
             (a->queue != b->queue || a->handle != b->handle ||
              a->length != b->length)))
            ck_abort_msg("%s at %llu: reference status %u queue %u handle %llu, "
                         "scheduler status %u queue %u handle %llu",
                         what, (unsigned long long)(now - T0), a->status, a->queue,
                         (unsigned long long)a->handle, b->status, b->queue,
                         (unsigned long long)b->handle);
}

START_TEST(test_differential)
{
    const diff_case *c = &diff_cases[_i];
    uint64_t s = c->seed * 0x9e3779b97f4a7c15ull;
    uint64_t sends = 0;
    for (uint32_t tree_no = 0; tree_no < c->trees; tree_no++) {
        uint32_t nq = 0;
        l7_qtree_def *d = diff_def(&s, c, &nq);
        l7_qtree *tr[2] = {NULL, NULL}; /* [0] reference, [1] scheduler */
        for (int k = 0; k < 2; k++) {
            l7_diag_list *diag = NULL;
            ck_assert_int_eq(l7_diag_list_create(&diag, NULL), L7_OK);
            ck_assert_int_eq(l7_qtree_create(&tr[k], d, NULL, T0, diag), L7_OK);
            l7_diag_list_destroy(diag);
        }
        qt_tree_use_reference(tr[0]);
        uint32_t nroots = tr[0]->nroots;
        uint64_t now = T0, handle = 0;
        uint64_t next[2][2] = {{0, 0}, {0, 0}};  /* [root][copy]: last WAIT */
        uint64_t bound[2][2] = {{0, 0}, {0, 0}}; /* lower bounds in force */
        for (uint32_t step = 0; step < c->steps; step++) {
            uint32_t root = rnd(&s, nroots), act = rnd(&s, 100);
            if (act < 40) {
                for (uint32_t k = 1 + rnd(&s, 8); k > 0; k--) {
                    uint32_t q = rnd(&s, nq), len;
                    uint32_t kind = rnd(&s, 100);
                    if (kind < 90 || !c->big_packets)
                        len = 40 + rnd(&s, 1475);
                    else if (kind < 98)
                        len = 1515 + rnd(&s, 7500);
                    else
                        len = 1 + rnd(&s, 65536);
                    char mark[32];
                    snprintf(mark, sizeof(mark), "q%u", q);
                    uint32_t id = 0;
                    l7_qtree_mark_lookup(&id, tr[0], mark);
                    l7_qtree_verdict v[2];
                    uint32_t leaf[2];
                    int rc[2];
                    for (int x = 0; x < 2; x++)
                        rc[x] = l7_qtree_enqueue(&v[x], &leaf[x], tr[x], root, id,
                                                 handle, len, now);
                    handle++;
                    if (rc[0] != rc[1] || v[0] != v[1] || leaf[0] != leaf[1])
                        ck_abort_msg("enqueue differs: %d/%d %u/%u", rc[0], rc[1], v[0],
                                     v[1]);
                }
                bound[root][0] = bound[root][1] = 0;
            } else if (act < 44) {
                uint32_t q = rnd(&s, nq);
                l7_qtree_props p;
                l7_qtree_props_init(&p);
                rnd_rates(&s, &p);
                for (int x = 0; x < 2; x++)
                    ck_assert_int_eq(l7_qtree_set_rates(tr[x], q, &p, now), L7_OK);
                uint32_t r = tr[0]->nodes[q].root;
                bound[r][0] = bound[r][1] = 0;
            } else if (act < 45) {
                l7_qtree_packet pk[2];
                for (int x = 0; x < 2; x++)
                    ck_assert_int_eq(l7_qtree_flush(&pk[x], tr[x], root, now), L7_OK);
                diff_same_packet(&pk[0], &pk[1], now, "flush");
                bound[root][0] = bound[root][1] = 0;
            } else {
                for (uint32_t k = 0; k < 200; k++) {
                    l7_qtree_packet pk[2];
                    for (int x = 0; x < 2; x++)
                        ck_assert_int_eq(l7_qtree_dequeue(&pk[x], tr[x], root, now),
                                         L7_OK);
                    diff_same_packet(&pk[0], &pk[1], now, "dequeue");
                    if (pk[0].status == L7_QTREE_SEND) {
                        sends++;
                        for (int x = 0; x < 2; x++)
                            if (now < bound[root][x])
                                ck_abort_msg(
                                    "copy %d sent at %llu, before its WAIT time "
                                    "%llu",
                                    x, (unsigned long long)(now - T0),
                                    (unsigned long long)(bound[root][x] - T0));
                        continue;
                    }
                    for (int x = 0; x < 2; x++) {
                        if (pk[x].status == L7_QTREE_WAIT && pk[x].next <= now)
                            ck_abort_msg("copy %d: WAIT until a time already here", x);
                        next[root][x] = pk[x].status == L7_QTREE_WAIT ? pk[x].next : 0;
                        bound[root][x] = next[root][x];
                    }
                    break;
                }
            }
            /* Time moves to a copy's WAIT time, or by a random step. */
            uint32_t how = rnd(&s, 10);
            uint64_t to = UINT64_MAX;
            for (uint32_t r = 0; r < nroots; r++)
                for (int x = 0; x < 2; x++)
                    if (next[r][x] > now && next[r][x] < to)
                        to = next[r][x];
            if (how < 5 && to != UINT64_MAX)
                now = to;
            else if (how < 8)
                now += rnd(&s, 2000000);
            else if (how < 9)
                now += rnd(&s, 50000);
        }
        for (uint32_t q = 0; q < nq; q++) {
            l7_qtree_stats st[2];
            for (int x = 0; x < 2; x++) {
                st[x].size = sizeof(st[x]);
                ck_assert_int_eq(l7_qtree_stats_get(&st[x], tr[x], q, now), L7_OK);
            }
            if (memcmp(&st[0], &st[1], sizeof(st[0])) != 0)
                ck_abort_msg("tree %u: statistics of q%u differ", tree_no, q);
        }
        l7_qtree_destroy(tr[0]);
        l7_qtree_destroy(tr[1]);
        l7_qtree_def_destroy(d);
    }
    /* The runs must exercise the scheduler, not just the build. */
    ck_assert_uint_gt(sends, (uint64_t)c->trees * c->steps / 10);
}
END_TEST

static Suite *qtree_suite(void)
{
    Suite *s = suite_create("qtree");
    TCase *tc = tcase_create("build");
    tcase_add_test(tc, test_queue_types);
    tcase_add_loop_test(tc, test_bad_add, 0, (int)L7_ARRAY_SIZE(bad_add_cases));
    tcase_add_loop_test(tc, test_bad_tree, 0, (int)L7_ARRAY_SIZE(bad_tree_cases));
    tcase_add_loop_test(tc, test_warnings, 0, (int)L7_ARRAY_SIZE(warn_cases));
    tcase_add_test(tc, test_good_tree_no_warnings);
    tcase_add_test(tc, test_classify);
    tcase_add_test(tc, test_alloc_failures);
    suite_add_tcase(s, tc);
    tc = tcase_create("queues");
    tcase_add_test(tc, test_fifo_kinds);
    tcase_add_test(tc, test_dequeue_wait_time);
    tcase_add_test(tc, test_inner_stats);
    tcase_add_test(tc, test_roots_independent);
    suite_add_tcase(s, tc);
    tc = tcase_create("shaping");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_single_queue_2m);
    tcase_add_loop_test(tc, test_htb_examples, 0, (int)L7_ARRAY_SIZE(htb_cases));
    tcase_add_loop_test(tc, test_burst, 0, (int)L7_ARRAY_SIZE(burst_cases));
    tcase_add_loop_test(tc, test_sharing, 0, (int)L7_ARRAY_SIZE(share_cases));
    tcase_add_test(tc, test_idle_no_hoarding);
    tcase_add_test(tc, test_change_rate_running);
    tcase_add_loop_test(tc, test_differential, 0, (int)L7_ARRAY_SIZE(diff_cases));
    suite_add_tcase(s, tc);
    tc = tcase_create("hostile");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_100k_queues);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return l7t_run_suite(qtree_suite());
}

/* Host output: JSON Lines events, log events and the human summary. */
#define _DEFAULT_SOURCE 1
#include "l7host_internal.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

/* ---- JSON ------------------------------------------------------------------ */

/* Length of a valid UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t n;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, cp = c & 0x07;
    else
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    return n;
}

/* A JSON string; bytes that are not UTF-8 (scripts may be Windows-1252)
 * are read as Latin-1 so the output always parses. */
void l7host_json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    const unsigned char *p = (const unsigned char *)s;
    putc('"', f);
    while (*p) {
        unsigned char c = *p;
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc(c, f);
            p++;
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(f, "\\u%04x", c);
            p++;
        } else if (c < 0x80) {
            putc(c, f);
            p++;
        } else {
            size_t n = utf8_len(p);
            if (n) {
                fwrite(p, 1, n, f);
                p += n;
            } else {
                fprintf(f, "\\u%04x", c);
                p++;
            }
        }
    }
    putc('"', f);
}

static void fmt_time(char *buf, size_t size, uint64_t ns)
{
    time_t sec = (time_t)(ns / L7_NSEC_PER_SEC);
    struct tm tm;
    gmtime_r(&sec, &tm);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
             (unsigned)(ns % L7_NSEC_PER_SEC / 1000));
}

void l7host_json_time(FILE *f, uint64_t ns)
{
    char buf[64];
    fmt_time(buf, sizeof(buf), ns);
    fprintf(f, "\"%s\"", buf);
}

const char *l7host_proto_name(uint8_t proto, char *buf, size_t size)
{
    switch (proto) {
    case 1:
        return "icmp";
    case 6:
        return "tcp";
    case 17:
        return "udp";
    case 58:
        return "icmpv6";
    case 132:
        return "sctp";
    case 136:
        return "udp-lite";
    case 33:
        return "dccp";
    case 47:
        return "gre";
    default:
        snprintf(buf, size, "%u", proto);
        return buf;
    }
}

static int has_ports(uint8_t proto)
{
    return proto == 6 || proto == 17 || proto == 132 || proto == 136 || proto == 33;
}

static void json_addr(FILE *f, const l7_addr *a)
{
    char buf[64];
    if (l7_addr_format(buf, sizeof(buf), a) < 0)
        buf[0] = 0;
    l7host_json_str(f, buf);
}

void l7host_emit_conn(l7host *h, const l7host_conn *c)
{
    FILE *f = h->out;
    char pbuf[8];
    fputs("{\"event_type\":\"connection\",\"proto\":", f);
    l7host_json_str(f, l7host_proto_name(c->proto, pbuf, sizeof(pbuf)));
    fputs(",\"src_ip\":", f);
    json_addr(f, &c->src);
    if (has_ports(c->proto))
        fprintf(f, ",\"src_port\":%u", c->sport);
    fputs(",\"dest_ip\":", f);
    json_addr(f, &c->dst);
    if (has_ports(c->proto))
        fprintf(f, ",\"dest_port\":%u", c->dport);
    fputs(",\"layer7\":", f);
    l7host_json_str(f, c->layer7);
    fputs(",\"connection_mark\":", f);
    l7host_json_str(f, c->mark);
    fprintf(f,
            ",\"packets\":%llu,\"bytes\":%llu,\"accepted_packets\":%llu,"
            "\"dropped_packets\":%llu,\"start\":",
            (unsigned long long)c->packets, (unsigned long long)c->bytes,
            (unsigned long long)c->accepted, (unsigned long long)c->dropped);
    l7host_json_time(f, c->first);
    fputs(",\"end\":", f);
    l7host_json_time(f, c->last);
    fputs("}\n", f);
}

/* ---- log events ------------------------------------------------------------ */

int l7host_log_cb(const l7_log_event *ev, void *user)
{
    l7host *h = user;
    char line[1024];
    if (l7_engine_log_format(line, sizeof(line), ev) < 0)
        snprintf(line, sizeof(line), "%s", ev->message ? ev->message : "");
    int to_text = h->o.log_dest == L7HOST_LOG_STDERR ||
                  (h->o.log_dest == L7HOST_LOG_DEFAULT && !h->o.json);
    if (to_text)
        fprintf(stderr, "%s\n", line);
    if (h->o.log_dest == L7HOST_LOG_SYSLOG)
        syslog(ev->severity == L7_LOG_WARNING ? LOG_WARNING : LOG_INFO, "%s", line);
    if (!h->o.json)
        return 0;
    FILE *f = h->out;
    char pbuf[8];
    fputs("{\"event_type\":\"log\",\"timestamp\":", f);
    l7host_json_time(f, ev->now);
    fputs(",\"topics\":", f);
    l7host_json_str(f, ev->topics);
    if (ev->rule_id) {
        fputs(",\"table\":", f);
        l7host_json_str(f, ev->table == L7_TABLE_MANGLE ? "mangle" : "filter");
        fputs(",\"family\":", f);
        l7host_json_str(f, ev->family == 6 ? "ipv6" : "ip");
        fputs(",\"chain\":", f);
        l7host_json_str(f, ev->chain);
        fprintf(f, ",\"position\":%u,\"prefix\":", ev->position);
        l7host_json_str(f, ev->prefix);
        fputs(",\"comment\":", f);
        l7host_json_str(f, ev->comment);
    }
    if (ev->message) {
        fputs(",\"message\":", f);
        l7host_json_str(f, ev->message);
    }
    if (ev->src.family) {
        fputs(",\"proto\":", f);
        l7host_json_str(f, l7host_proto_name(ev->l4_proto, pbuf, sizeof(pbuf)));
        fputs(",\"src_ip\":", f);
        json_addr(f, &ev->src);
        if (has_ports(ev->l4_proto))
            fprintf(f, ",\"src_port\":%u", ev->sport);
        fputs(",\"dest_ip\":", f);
        json_addr(f, &ev->dst);
        if (has_ports(ev->l4_proto))
            fprintf(f, ",\"dest_port\":%u", ev->dport);
        fprintf(f, ",\"len\":%u", ev->ip_len);
    }
    if (ev->connection_state) {
        fputs(",\"connection_state\":", f);
        l7host_json_str(f, ev->connection_state);
    }
    fputs(",\"text\":", f);
    l7host_json_str(f, line);
    fputs("}\n", f);
    return 0;
}

/* ---- final events ---------------------------------------------------------- */

static const char *rule_prop(const l7_policy *p, uint32_t fam, uint32_t table,
                             uint32_t pos, const char *prop, const char *dflt)
{
    const char *v = NULL;
    if (l7_policy_rule_get(&v, p, fam, table, pos, prop) < 0 || !v)
        return dflt;
    return v;
}

static void emit_rules(l7host *h)
{
    static const uint32_t fams[] = {L7_FAMILY_IPV4, L7_FAMILY_IPV6};
    static const uint32_t tables[] = {L7_TABLE_FILTER, L7_TABLE_MANGLE};
    const l7_policy *p = l7_config_policy(h->cfg);
    FILE *f = h->out;
    for (size_t fi = 0; fi < 2; fi++) {
        for (size_t ti = 0; ti < 2; ti++) {
            uint32_t n = l7_policy_rule_count(p, fams[fi], tables[ti]);
            for (uint32_t pos = 0; pos < n; pos++) {
                uint64_t pk = 0, by = 0;
                l7_engine_rule_stats(&pk, &by, h->engine, fams[fi], tables[ti], pos);
                fputs("{\"event_type\":\"rule\",\"family\":", f);
                l7host_json_str(f, fams[fi] == L7_FAMILY_IPV6 ? "ipv6" : "ip");
                fputs(",\"table\":", f);
                l7host_json_str(f, tables[ti] == L7_TABLE_MANGLE ? "mangle" : "filter");
                fputs(",\"chain\":", f);
                l7host_json_str(f,
                                rule_prop(p, fams[fi], tables[ti], pos, "chain", ""));
                fprintf(f, ",\"position\":%u,\"action\":", pos);
                l7host_json_str(
                    f, rule_prop(p, fams[fi], tables[ti], pos, "action", "accept"));
                fputs(",\"comment\":", f);
                l7host_json_str(
                    f, rule_prop(p, fams[fi], tables[ti], pos, "comment", NULL));
                fprintf(f, ",\"packets\":%llu,\"bytes\":%llu}\n",
                        (unsigned long long)pk, (unsigned long long)by);
            }
        }
    }
}

static void emit_queues(l7host *h)
{
    FILE *f = h->out;
    for (uint32_t q = 0; q < h->queue_count; q++) {
        l7_qtree_stats st;
        memset(&st, 0, sizeof(st));
        st.size = sizeof(st);
        l7_qtree_stats_get(&st, h->qtree, q, h->last_ts);
        fputs("{\"event_type\":\"queue\",\"name\":", f);
        l7host_json_str(f, l7_qtree_queue_name(h->qtree, q));
        fprintf(f, ",\"packets\":%llu,\"bytes\":%llu,\"dropped_packets\":%llu}\n",
                (unsigned long long)st.packets, (unsigned long long)st.bytes,
                (unsigned long long)st.dropped);
    }
}

void l7host_emit_final(l7host *h)
{
    emit_rules(h);
    emit_queues(h);
    fprintf(h->out,
            "{\"event_type\":\"summary\",\"packets\":%llu,\"accepted_packets\":%llu,"
            "\"dropped_packets\":%llu,\"invalid_packets\":%llu,\"connections\":%llu,"
            "\"bytes\":%llu}\n",
            (unsigned long long)h->packets, (unsigned long long)h->accepted,
            (unsigned long long)h->dropped, (unsigned long long)h->invalid,
            (unsigned long long)h->connections, (unsigned long long)h->bytes);
}

/* ---- human summary --------------------------------------------------------- */

static int console_write(const char *text, size_t len, void *user)
{
    fwrite(text, 1, len, (FILE *)user);
    return 0;
}

static void print_table(l7host *h, FILE *f, l7_console *con, const char *cmd,
                        uint32_t fam, uint32_t table)
{
    if (l7_policy_rule_count(l7_config_policy(h->cfg), fam, table) == 0)
        return;
    fprintf(f, "\n[admin@l7-pcap] > %s\n", cmd);
    l7_console_exec(con, cmd, strlen(cmd), h->last_ts, console_write, f, NULL);
}

static int cmp_proto(const void *a, const void *b)
{
    const l7host_proto_stat *x = a, *y = b;
    /* Named protocols by name, then unknown, then not inspected. */
    int rx = !x->name ? 2 : !strcmp(x->name, "unknown");
    int ry = !y->name ? 2 : !strcmp(y->name, "unknown");
    if (rx != ry)
        return rx - ry;
    return x->name && y->name ? strcmp(x->name, y->name) : 0;
}

void l7host_print_summary(l7host *h, FILE *f)
{
    double secs = h->started ? (double)(h->last_ts - h->first_ts) / 1e9 : 0;
    if (h->started) {
        char a[64], b[64];
        fmt_time(a, sizeof(a), h->first_ts);
        fmt_time(b, sizeof(b), h->last_ts);
        fprintf(f, "traffic from %s to %s\n", a, b);
    }
    fprintf(f,
            "%llu packets, %llu bytes, %.3f s of traffic\n"
            "  accepted %llu, dropped %llu (filter %llu, queue %llu, malformed %llu, "
            "fragments %llu), invalid %llu\n"
            "  connections %llu\n",
            (unsigned long long)h->packets, (unsigned long long)h->bytes, secs,
            (unsigned long long)h->accepted, (unsigned long long)h->dropped,
            (unsigned long long)h->drop_filter, (unsigned long long)h->drop_queue,
            (unsigned long long)h->drop_malformed, (unsigned long long)h->drop_fragment,
            (unsigned long long)h->invalid, (unsigned long long)h->connections);

    /* Per protocol: ended connections plus the live ones so far. */
    l7host_proto_stat *all = malloc((h->proto_len + h->conn_used + 1) * sizeof(*all));
    size_t n = 0;
    if (all) {
        if (h->proto_len)
            memcpy(all, h->protos, h->proto_len * sizeof(*all));
        n = h->proto_len;
        for (uint32_t i = 0; i < h->conn_used; i++) {
            const l7host_conn *c = &h->conns[i];
            if (!c->live)
                continue;
            size_t k = 0;
            while (k < n && all[k].name != c->layer7)
                k++;
            if (k == n) {
                memset(&all[n], 0, sizeof(all[n]));
                all[n++].name = c->layer7;
            }
            all[k].connections++;
            all[k].packets += c->packets;
            all[k].bytes += c->bytes;
            all[k].accepted += c->accepted;
            all[k].dropped += c->dropped;
        }
        qsort(all, n, sizeof(*all), cmp_proto);
        fprintf(f, "\nLayer-7 protocols:\n  %-20s %11s %10s %12s %10s %10s\n",
                "PROTOCOL", "CONNECTIONS", "PACKETS", "BYTES", "ACCEPTED", "DROPPED");
        for (size_t i = 0; i < n; i++)
            fprintf(f, "  %-20s %11llu %10llu %12llu %10llu %10llu\n",
                    all[i].name ? all[i].name : "(not inspected)",
                    (unsigned long long)all[i].connections,
                    (unsigned long long)all[i].packets,
                    (unsigned long long)all[i].bytes,
                    (unsigned long long)all[i].accepted,
                    (unsigned long long)all[i].dropped);
        free(all);
    }

    l7_console *con = NULL;
    if (l7_console_create(&con, h->cfg, h->engine, NULL) == 0) {
        print_table(h, f, con, "/ip firewall mangle print stats", L7_FAMILY_IPV4,
                    L7_TABLE_MANGLE);
        print_table(h, f, con, "/ip firewall filter print stats", L7_FAMILY_IPV4,
                    L7_TABLE_FILTER);
        print_table(h, f, con, "/ipv6 firewall mangle print stats", L7_FAMILY_IPV6,
                    L7_TABLE_MANGLE);
        print_table(h, f, con, "/ipv6 firewall filter print stats", L7_FAMILY_IPV6,
                    L7_TABLE_FILTER);
        l7_console_destroy(con);
    }
    if (h->queue_count) {
        fprintf(f, "\nQueue tree:\n  %-24s %10s %12s %10s %10s\n", "NAME", "PACKETS",
                "BYTES", "DROPPED", "QUEUED");
        for (uint32_t q = 0; q < h->queue_count; q++) {
            l7_qtree_stats st;
            memset(&st, 0, sizeof(st));
            st.size = sizeof(st);
            l7_qtree_stats_get(&st, h->qtree, q, h->last_ts);
            fprintf(f, "  %-24s %10llu %12llu %10llu %10llu\n",
                    l7_qtree_queue_name(h->qtree, q), (unsigned long long)st.packets,
                    (unsigned long long)st.bytes, (unsigned long long)st.dropped,
                    (unsigned long long)st.queued_packets);
        }
    }
}

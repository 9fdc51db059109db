/* The layer-7 regexp dialect: translation, compile errors, matching, limits. */
#include "testutil.h"

#include "common_internal.h"
#include "pattern_internal.h"
#include "l7/l7.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------- */

static l7_pattern *compile_ok(const char *re, uint32_t flags)
{
    l7_pattern_options o;
    l7_pattern_options_init(&o);
    o.flags = flags;
    l7_diag_list *d = NULL;
    ck_assert_int_eq(l7_diag_list_create(&d, NULL), L7_OK);
    l7_pattern *p = NULL;
    int rc = l7_pattern_compile(&p, re, strlen(re), &o, NULL, "t", d);
    if (rc != L7_OK) {
        char msg[256] = "";
        if (l7_diag_list_count(d))
            l7_diag_format(d, 0, msg, sizeof(msg));
        ck_abort_msg("compile of '%s' failed: %d %s", re, rc, msg);
    }
    ck_assert_uint_eq(l7_diag_list_count_severity(d, L7_SEV_ERROR), 0);
    l7_diag_list_destroy(d);
    return p;
}

/* Match `data` the way the inspector does: NUL bytes stripped first. */
static int match_stripped(const l7_pattern *p, l7_pattern_scratch *s,
                          const uint8_t *data, size_t len)
{
    uint8_t *buf = malloc(len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (data[i])
            buf[n++] = data[i];
    int r = l7_pattern_match(p, s, buf, n);
    free(buf);
    return r;
}

/* ---- translation table --------------------------------------------------- */

typedef struct tx_case {
    const char *re;
    uint32_t flags;
    const char *pcre; /* expected PCRE2 text; NULL when refused */
    size_t warnings;
} tx_case;

static const tx_case tx_cases[] = {
    {"^(\\x13BitTorrent protocol|\\x42\\x54:)", 0,
     "^(\\x{13}BitTorrent protocol|\\x{42}\\x{54}\\:)", 0},
    {"\\x4A\\x4a", 0, "\\x{4a}\\x{4a}", 0}, /* hex digits of either case */
    {"[\\x09-\\x0d -~]", 0, "[\\x{09}-\\x{0d} -\\~]", 0},
    /* \xHH giving a metacharacter: literal, or meta with compat; warned. */
    {"a\\x2eb", 0, "a\\x{2e}b", 1},
    {"a\\x2eb", L7_PATTERN_COMPAT_L7FILTER, "a.b", 1},
    {"\\x28a\\x29", L7_PATTERN_COMPAT_L7FILTER, "(a)", 2},
    {"\\x28a", 0, "\\x{28}a", 1},
    {"[\\x5d]", 0, "[\\x{5d}]", 1},
    {"\\\\", 0, "\\\\", 0},
    {"\\\\x41", 0, "\\\\x41", 0}, /* `\\` is tokenized before the \x rule */
    {"\\.\\*\\$", 0, "\\.\\*\\$", 0},
    /* backslash + letter/digit: the letter, never PCRE's meaning; warned. */
    {"\\d\\w\\s\\b", 0, "dwsb", 4},
    {"\\A\\Z\\Q\\E", 0, "AZQE", 4},
    {"(a)\\1", 0, "(a)1", 1},
    {"\\p{L}\\g1", 0, "p\\{L\\}g1", 2},
    {"\\x4", 0, "x4", 1},
    {"[\\d]", 0, "[\\x{5c}d]", 0}, /* backslash in brackets is a backslash */
    {"[[:alpha:][:digit:]]+", 0, "[[:alpha:][:digit:]]+", 0},
    {"a{2}b{2,}c{2,5}", 0, "a{2}b{2,}c{2,5}", 0},
    {"a{x}", 0, "a\\{x\\}", 0},
    {"a{,3}", 0, "a\\{\\,3\\}", 0},
    {"{2}", 0, "\\{2\\}", 0},
    {"[]a]", 0, "[\\]a]", 0},
    {"[^]a]", 0, "[^\\]a]", 0},
    {"a]b}", 0, "a\\]b\\}", 0},
    {"\xc3\xa9\x01", 0, "\\x{c3}\\x{a9}\\x{01}", 0},
    {"a*?", 0, "a*?", 0},
    /* wrapper stripping */
    {"^.*(facebook|fbcdn|fbsbx).*$", 0, "(facebook|fbcdn|fbsbx)", 0},
    {"^.*youtube.*$", 0, "youtube", 0},
    {"^.*User-Agent: CustomApp/.*$", 0, "User\\-Agent\\: CustomApp\\/", 0},
    {"^\\x4d\\x59.*$", 0, "^\\x{4d}\\x{59}", 0},
    {"^.*abc", 0, "abc", 0},
    {"^.*a|b.*$", 0, "^.*a|b.*$", 0},
    {"^.*(a|b).*$", L7_PATTERN_NO_STRIP, "^.*(a|b).*$", 0},
    {"^.*?a", 0, "^.*?a", 0},
    {"^.*\\.*$", 0, "\\.*$", 0},
    {"^.*$", 0, "$", 0},
    /* refused */
    {"\\x00", 0, NULL, 0},
    {"(a", 0, NULL, 0},
    {"a)", 0, NULL, 0},
    {"[abc", 0, NULL, 0},
    {"*a", 0, NULL, 0},
    {"a|+b", 0, NULL, 0},
    {"(?i)a", 0, NULL, 0},
    {"(*LIMIT_MATCH=1)a", 0, NULL, 0},
    {"a**", 0, NULL, 0},
    {"a*+b", 0, NULL, 0},
    {"[[:foo:]]", 0, NULL, 0},
    {"[[=a=]]", 0, NULL, 0},
    {"abc\\", 0, NULL, 0},
    /* compat: a `[` from \x5b inside a bracket is a byte, never the start
     * of a POSIX class copied from the source text */
    {"[\\x5b:alpha:]]", L7_PATTERN_COMPAT_L7FILTER, "[\\[\\:alpha\\:]\\]", 1},
};

START_TEST(test_translate)
{
    const tx_case *c = &tx_cases[_i];
    l7_pattern_options o;
    l7_pattern_options_init(&o);
    o.flags = c->flags;
    l7_diag_list *d = NULL;
    l7_diag_list_create(&d, NULL);
    char out[256];
    int n = l7_pattern_translate(out, sizeof(out), c->re, strlen(c->re), &o, "t", d);
    if (c->pcre) {
        ck_assert_msg(n >= 0, "'%s' refused: %d", c->re, n);
        ck_assert_str_eq(out, c->pcre);
        ck_assert_int_eq(n, (int)strlen(c->pcre));
        ck_assert_uint_eq(l7_diag_list_count_severity(d, L7_SEV_WARNING), c->warnings);
        ck_assert_uint_eq(l7_diag_list_count_severity(d, L7_SEV_ERROR), 0);
        /* What translates also compiles; "stripped" agrees with the text. */
        l7_pattern *p = compile_ok(c->re, c->flags);
        char plain[256];
        l7_pattern_options_init(&o);
        o.flags = c->flags | L7_PATTERN_NO_STRIP;
        l7_pattern_translate(plain, sizeof(plain), c->re, strlen(c->re), &o, "t", NULL);
        ck_assert_int_eq(l7_pattern_is_stripped(p), strcmp(plain, out) != 0);
        l7_pattern_destroy(p);
    } else {
        ck_assert_int_eq(n, L7_ESYNTAX);
        ck_assert_uint_ge(l7_diag_list_count_severity(d, L7_SEV_ERROR), 1);
        ck_assert_str_eq(l7_diag_item(d, 0), "t");
        l7_pattern *p = (l7_pattern *)1;
        ck_assert_int_eq(
            l7_pattern_compile(&p, c->re, strlen(c->re), &o, NULL, "t", NULL),
            L7_ESYNTAX);
        ck_assert_ptr_null(p);
    }
    l7_diag_list_destroy(d);
}
END_TEST

START_TEST(test_translate_truncates)
{
    char out[5];
    const char *re = "^.*abcdefgh.*$";
    int n = l7_pattern_translate(out, sizeof(out), re, strlen(re), NULL, NULL, NULL);
    ck_assert_int_eq(n, 8);
    ck_assert_str_eq(out, "abcd");
    ck_assert_int_eq(l7_pattern_translate(NULL, 0, re, strlen(re), NULL, NULL, NULL),
                     8);
    ck_assert_int_eq(l7_pattern_translate(NULL, 4, re, strlen(re), NULL, NULL, NULL),
                     L7_EINVAL);
    /* A raw NUL byte inside the text (from a console "\00") is refused too. */
    ck_assert_int_eq(l7_pattern_translate(NULL, 0, "ab\0c", 4, NULL, NULL, NULL),
                     L7_ESYNTAX);
}
END_TEST

/* l7-filter's kernel limit (routeros-spec.md §1.6): a pattern is shorter
 * than 8192 bytes. The longest l7-protocols pattern has 6,322. */
START_TEST(test_length_limit)
{
    static char re[8193];
    memset(re, 'a', sizeof(re));
    l7_pattern *p = NULL;
    ck_assert_int_eq(l7_pattern_compile(&p, re, 8191, NULL, NULL, NULL, NULL), L7_OK);
    l7_pattern_destroy(p);
    l7_diag_list *d = NULL;
    l7_diag_list_create(&d, NULL);
    ck_assert_int_eq(l7_pattern_compile(&p, re, 8192, NULL, NULL, "big", d),
                     L7_ESYNTAX);
    ck_assert_ptr_null(p);
    ck_assert_ptr_nonnull(strstr(l7_diag_message(d, 0), "8191"));
    ck_assert_int_eq(l7_pattern_translate(NULL, 0, re, 8192, NULL, NULL, NULL),
                     L7_ESYNTAX);
    l7_diag_list_destroy(d);
}
END_TEST

/* ---- error columns (1-based, in the user's regexp) ---------------------- */

typedef struct col_case {
    const char *re;
    uint32_t column;
    const char *message; /* substring */
} col_case;

static const col_case col_cases[] = {
    {"abc\\x00def", 4, "NUL byte (\\x00)"},
    {"ab)c", 3, "unbalanced ')'"},
    {"a(b(c)", 2, "unbalanced '('"},
    {"ab[cd", 3, "unbalanced '['"},
    {"ab*+", 4, "nested quantifier"},
    {"x|*", 3, "quantifier does not follow"},
    {"\\x41\\x42\\x43\\x00", 13, "NUL byte"},
    /* PCRE2's own error (it points at the closing brace), its offset mapped
     * back through the \x{HH} expansions and the stripped wrapper. */
    {"\\x41\\x42a{3,2}", 14, "out of order"},
    {"^.*(\\x41b){5,1}.*$", 15, "out of order"},
    {"[[:nope:]]", 2, "unknown POSIX"},
    /* a bound too large for PCRE2 is an error, whatever its digit count,
     * never literal text */
    {"ab{100000}", 10, "too big"},
    {"ab{1234567}", 10, "too big"},
    {"ab{1,12345678}", 12, "too big"},
};

START_TEST(test_error_columns)
{
    const col_case *c = &col_cases[_i];
    l7_diag_list *d = NULL;
    l7_diag_list_create(&d, NULL);
    l7_pattern *p = NULL;
    ck_assert_int_eq(
        l7_pattern_compile(&p, c->re, strlen(c->re), NULL, NULL, "proto", d),
        L7_ESYNTAX);
    ck_assert_uint_ge(l7_diag_list_count(d), 1);
    size_t e = 0;
    while (l7_diag_severity(d, e) != L7_SEV_ERROR)
        e++;
    ck_assert_str_eq(l7_diag_item(d, e), "proto");
    ck_assert_msg(strstr(l7_diag_message(d, e), c->message), "'%s': message '%s'",
                  c->re, l7_diag_message(d, e));
    ck_assert_uint_eq(l7_diag_column(d, e), c->column);
    l7_diag_list_destroy(d);
}
END_TEST

START_TEST(test_warning_columns)
{
    l7_diag_list *d = NULL;
    l7_diag_list_create(&d, NULL);
    l7_pattern *p = NULL;
    const char *re = "ab\\d.\\x2a";
    ck_assert_int_eq(l7_pattern_compile(&p, re, strlen(re), NULL, NULL, "w", d), L7_OK);
    ck_assert_uint_eq(l7_diag_list_count(d), 2);
    ck_assert_int_eq(l7_diag_severity(d, 0), L7_SEV_WARNING);
    ck_assert_uint_eq(l7_diag_column(d, 0), 3);
    ck_assert_uint_eq(l7_diag_column(d, 1), 6);
    ck_assert_ptr_nonnull(strstr(l7_diag_message(d, 1), "'*'"));
    l7_pattern_destroy(p);
    l7_diag_list_destroy(d);
}
END_TEST

/* ---- matching: dialect semantics and the §1.5 test vectors -------------- */

typedef struct match_case {
    const char *re;
    uint32_t flags;
    const char *data;
    size_t len; /* 0: strlen(data) */
    int expect;
} match_case;

static const match_case match_cases[] = {
    /* §1.5 vectors */
    {"^\\x13bittorrent protocol", 0,
     "\x13"
     "BitTorrent protocol....",
     0, 1},
    {"^.*youtube.*$", 0, "GET / HTTP/1.1\r\nHost: www.youtube.com\r\n\r\n", 0, 1},
    {"rfb 00[1-9]\\.00[0-9]\\x0a$", 0, "RFB 003.008\n", 0, 1},
    {"rfb 00[1-9]\\.00[0-9]\\x0a$", 0, "RFB 003.008\n\x01\x02", 0, 0},
    {"a\\x2eb", 0, "axb", 0, 0},
    {"a\\x2eb", 0, "a.b", 0, 1},
    {"a\\x2eb", L7_PATTERN_COMPAT_L7FILTER, "axb", 0, 1},
    {"^ab", 0, "\0a\0b", 4, 1}, /* NULs stripped before matching */
    {"[\\x09-\\x0d -~]+", 0, "\x80\x81\xff", 0, 0},
    {"[\\x09-\\x0d -~]+", 0, "\x80 \xff", 0, 1},
    /* case: ASCII only, both ways, hex bytes included */
    {"HeLLo", 0, "hEllO", 0, 1},
    {"\\x48i", 0, "hI", 0, 1},
    {"[A-C]x", 0, "bX", 0, 1},
    {"\xc3\xa9", 0, "\xc3\x89", 0, 0}, /* no Unicode case folding */
    /* dot crosses newlines; $ only at the very end */
    {"^a.b$", 0, "a\nb", 0, 1},
    {"^ab$", 0, "ab\n", 0, 0},
    {"^b", 0, "a\nb", 0, 0}, /* no MULTILINE */
    /* escapes are literal */
    {"\\d", 0, "d", 0, 1},
    {"\\d", 0, "5", 0, 0},
    {"a\\.b", 0, "axb", 0, 0},
    {"\\\\x41", 0, "\\x41", 0, 1},
    {"\\\\x41", 0, "A", 0, 0},
    {"[\\d]", 0, "\\", 0, 1},
    {"[\\d]", 0, "5", 0, 0},
    /* bounds and POSIX classes */
    {"^a{3}$", 0, "aaa", 0, 1},
    {"^a{3}$", 0, "aa", 0, 0},
    {"^a{2,}$", 0, "aaaa", 0, 1},
    {"^x{2,3}$", 0, "xxxx", 0, 0},
    {"a{x}", 0, "a{x}", 0, 1},
    {"^[[:digit:]]+$", 0, "0123", 0, 1},
    {"^[[:digit:]]+$", 0, "01a3", 0, 0},
    {"[]]", 0, "]", 0, 1},
    {"^[^]a]$", 0, "]", 0, 0},
    {"^[^]a]$", 0, "b", 0, 1},
    /* bytes >= 0x80 match raw */
    {"^\\xf4\\xbe\\x03", 0, "\xf4\xbe\x03\x01", 0, 1},
    {"^[\\xe3\\xc6]", 0, "\xc6", 0, 1},
    {"^[\\xe3\\xc6]", 0, "\xc7", 0, 0},
};

START_TEST(test_match)
{
    const match_case *c = &match_cases[_i];
    l7_pattern *p = compile_ok(c->re, c->flags);
    l7_pattern_scratch *s = NULL;
    ck_assert_int_eq(l7_pattern_scratch_create(&s, NULL, NULL), L7_OK);
    size_t len = c->len ? c->len : strlen(c->data);
    ck_assert_msg(match_stripped(p, s, (const uint8_t *)c->data, len) == c->expect,
                  "'%s' on case %d", c->re, _i);
    l7_pattern_scratch_destroy(s);
    l7_pattern_destroy(p);
}
END_TEST

/* ---- the seed page's layer7-protocol regexps ----------------------------- */

/* Regex text as it is after the console unescaping of the seed's strings. */
static const struct seed_re {
    const char *name;
    const char *re;
} seed_res[] = {
    {"http-web", "^(GET|POST|HEAD|PUT|DELETE|OPTIONS|TRACE|CONNECT) .*HTTP/1\\.[01]"},
    {"facebook", "^.*(facebook|fbcdn|fbsbx).*$"},
    {"twitter", "^.*(twitter|twimg).*$"},
    {"instagram", "^.*(instagram|cdninstagram).*$"},
    {"tiktok", "^.*(tiktok|musical\\.ly).*$"},
    {"youtube", "^.*(youtube|googlevideo|ytimg).*$"},
    {"netflix", "^.*(netflix|nflxvideo).*$"},
    {"twitch", "^.*(twitch|twitchcdn).*$"},
    {"bittorrent", "^(\\x13BitTorrent protocol|\\x42\\x54:|\\x47\\x45\\x54\\x2f)"},
    {"edonkey", "^[\\xe3\\xc6\\xd4\\xc7\\xe5]"},
    {"telegram", "^.*(telegram|t\\.me).*$"},
    {"whatsapp", "^.*(whatsapp|wa\\.me).*$"},
    {"discord", "^.*(discord|discordapp).*$"},
    {"skype", "^.*(skype|live\\.com).*$"},
    {"sip-voip", "^(INVITE|REGISTER|OPTIONS|ACK|BYE) sip:"},
    {"teamspeak", "^\\xf4\\xbe\\x03.*$"},
    {"teamviewer", "^.*(teamviewer|dyngate).*$"},
    {"anydesk", "^.*anydesk.*$"},
    {"steam", "^.*(steam|steamcontent|steamstatic).*$"},
    {"origin", "^.*(origin|ea\\.com).*$"},
    {"battlenet", "^.*(battle\\.net|blizzard).*$"},
    {"geforce-now", "^.*(nvidia|geforce).*$"},
    {"google-stadia", "^.*stadia.*$"},
    {"spotify", "^.*(spotify|scdn\\.co).*$"},
    {"apple-music", "^.*(apple|itunes).*$"},
    {"custom-app", "^.*User-Agent: CustomApp/.*$"},
    {"internal-api", "^GET /api/v[0-9]+/.*$"},
    {"proprietary-protocol", "^\\x4d\\x59\\x41\\x50\\x50.*$"},
    {"youtube-video", "^.*(youtube\\.com/watch|googlevideo\\.com).*$"},
    {"netflix-streaming", "^.*(netflix\\.com|nflxvideo\\.net).*$"},
    {"fortnite", "^.*epicgames.*$"},
    {"pubg", "^.*(pubg|krafton).*$"},
    {"simple-match", "^.*youtube.*$"},
    {"complex-match", "^.*(youtube|googlevideo).*((watch|embed).*)?$"},
    /* the "complete setup" section's shorter variants */
    {"bittorrent-short", "^(\\x13BitTorrent protocol|\\x42\\x54:)"},
    {"facebook-short", "^.*(facebook|fbcdn).*$"},
    {"youtube-short", "^.*(youtube|googlevideo).*$"},
    {"steam-short", "^.*(steam|steamcontent).*$"},
};

static const l7_pattern *seed_pattern(l7_pattern **all, const char *name)
{
    for (size_t i = 0; i < L7_ARRAY_SIZE(seed_res); i++)
        if (strcmp(seed_res[i].name, name) == 0)
            return all[i];
    ck_abort_msg("no seed pattern %s", name);
    return NULL;
}

/* A TLS 1.2 ClientHello record carrying an SNI extension for `host`. */
static size_t client_hello(uint8_t *out, const char *host)
{
    size_t hl = strlen(host), n = 0;
    size_t sni_ext = 2 + 1 + 2 + hl; /* list len, type, name len, name */
    size_t exts = 4 + sni_ext;
    size_t body = 2 + 32 + 1 + 2 + 4 + 1 + 1 + 2 + exts;
    out[n++] = 0x16, out[n++] = 0x03, out[n++] = 0x01; /* handshake, TLS 1.0 rec */
    out[n++] = (uint8_t)((body + 4) >> 8), out[n++] = (uint8_t)(body + 4);
    out[n++] = 0x01; /* ClientHello */
    out[n++] = 0, out[n++] = (uint8_t)(body >> 8), out[n++] = (uint8_t)body;
    out[n++] = 0x03, out[n++] = 0x03;
    for (int i = 0; i < 32; i++)
        out[n++] = (uint8_t)(i * 37 + 1);
    out[n++] = 0;               /* session id */
    out[n++] = 0, out[n++] = 4; /* cipher suites */
    out[n++] = 0xc0, out[n++] = 0x2f, out[n++] = 0x00, out[n++] = 0x9c;
    out[n++] = 1, out[n++] = 0; /* compression: null */
    out[n++] = (uint8_t)(exts >> 8), out[n++] = (uint8_t)exts;
    out[n++] = 0, out[n++] = 0; /* server_name */
    out[n++] = (uint8_t)(sni_ext >> 8), out[n++] = (uint8_t)sni_ext;
    out[n++] = (uint8_t)((hl + 3) >> 8), out[n++] = (uint8_t)(hl + 3);
    out[n++] = 0; /* host_name */
    out[n++] = (uint8_t)(hl >> 8), out[n++] = (uint8_t)hl;
    memcpy(out + n, host, hl);
    return n + hl;
}

typedef struct payload_case {
    const char *what;
    const char *data; /* NULL: a generated ClientHello for `sni` */
    size_t len;
    const char *sni;
    const char *match;    /* comma-separated seed names that must match */
    const char *no_match; /* comma-separated seed names that must not */
} payload_case;

static const payload_case payload_cases[] = {
    {"http youtube",
     "GET /watch?v=x HTTP/1.1\r\nHost: www.youtube.com\r\nUser-Agent: "
     "Mozilla/5.0\r\n\r\n",
     0, NULL, "http-web,youtube,simple-match,complex-match",
     "facebook,netflix,bittorrent,sip-voip,internal-api,custom-app,youtube-video"},
    {"http youtube watch",
     "GET /x HTTP/1.1\r\nReferer: https://youtube.com/watch?v=1\r\n", 0, NULL,
     "youtube-video,http-web", "netflix-streaming"},
    {"http facebook", "POST /ajax HTTP/1.0\r\nHost: static.xx.FBCDN.net\r\n\r\n", 0,
     NULL, "http-web,facebook", "youtube,twitter,http-web-none"},
    {"http custom app",
     "GET /api/v2/items HTTP/1.1\r\nHost: intra\r\nUser-Agent: "
     "CustomApp/1.4\r\n\r\n",
     0, NULL, "http-web,internal-api,custom-app", "youtube,facebook"},
    {"http api no version", "GET /api/vx/items HTTP/1.1\r\n\r\n", 0, NULL, "http-web",
     "internal-api"},
    {"http netflix", "HEAD /x HTTP/1.1\r\nHost: occ-0.nflxvideo.net\r\n\r\n", 0, NULL,
     "http-web,netflix,netflix-streaming", "twitch"},
    {"not http", "GET / HTTP/2.0\r\n\r\n", 0, NULL, "", "http-web"},
    {"tls facebook", NULL, 0, "www.facebook.com", "facebook",
     "http-web,youtube,edonkey"},
    {"tls googlevideo", NULL, 0, "rr3---sn-4g5e6nzz.googlevideo.com",
     "youtube,youtube-video,complex-match", "facebook,netflix,tiktok"},
    {"tls tiktok", NULL, 0, "v16.musical.ly", "tiktok", "youtube"},
    {"tls spotify", NULL, 0, "i.scdn.co", "spotify", "apple-music"},
    {"bittorrent handshake",
     "\x13"
     "BitTorrent protocol\0\0\0\0\0\x10\0\x05"
     "aaaaaaaaaaaaaaaaaaaa",
     48, NULL, "bittorrent,bittorrent-short", "http-web,edonkey"},
    {"bittorrent dht", "BT:xyz", 0, NULL, "bittorrent,bittorrent-short", ""},
    {"tracker GET /", "GET /announce?info_hash=x HTTP/1.0\r\n\r\n", 0, NULL, "http-web",
     "bittorrent-short,bittorrent"}, /* \x47\x45\x54\x2f is "GET/" */
    {"bittorrent GET/", "GET/x", 0, NULL, "bittorrent", "bittorrent-short,http-web"},
    {"sip invite",
     "INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/UDP "
     "pc33.atlanta.example.com\r\n\r\n",
     0, NULL, "sip-voip", "http-web,bittorrent"},
    {"sip register lower case", "register sip:example.com SIP/2.0\r\n", 0, NULL,
     "sip-voip", ""},
    {"sip not at start", "X INVITE sip:bob", 0, NULL, "", "sip-voip"},
    {"teamspeak", "\xf4\xbe\x03\0\0\0\0\0\0\x01\x02", 11, NULL, "teamspeak",
     "edonkey,bittorrent"},
    {"teamspeak off by one", "\xf4\xbe\x04\0\x01", 5, NULL, "", "teamspeak"},
    {"edonkey", "\xe3\x26\0\0\0\x01\x10", 7, NULL, "edonkey", "teamspeak"},
    {"edonkey kad", "\xe5\x00\x01", 3, NULL, "edonkey", ""},
    {"not edonkey", "\xe4\x26", 2, NULL, "", "edonkey"},
    {"proprietary", "MYAPP\x01\x02\x03", 0, NULL, "proprietary-protocol", "edonkey"},
    {"proprietary lower", "myapp", 0, NULL, "proprietary-protocol", ""},
    {"proprietary too late", " MYAPP", 0, NULL, "", "proprietary-protocol"},
};

static void check_names(l7_pattern **all, l7_pattern_scratch *s, const uint8_t *data,
                        size_t len, const char *list, int expect, const char *what)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", list);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (strcmp(tok, "http-web-none") == 0)
            continue;
        int r = match_stripped(seed_pattern(all, tok), s, data, len);
        ck_assert_msg(r == expect, "%s: %s gave %d, want %d", what, tok, r, expect);
    }
}

/* The seed patterns, compiled once for the tcase (unchecked fixture: set up
 * before Check forks, so each test inherits them). */
static l7_pattern *seed_all[L7_ARRAY_SIZE(seed_res)];
static l7_pattern_scratch *seed_scratch;

static void seed_setup(void)
{
    for (size_t i = 0; i < L7_ARRAY_SIZE(seed_res); i++)
        seed_all[i] = compile_ok(seed_res[i].re, 0);
    l7_pattern_scratch_create(&seed_scratch, NULL, NULL);
}

static void seed_teardown(void)
{
    for (size_t i = 0; i < L7_ARRAY_SIZE(seed_res); i++)
        l7_pattern_destroy(seed_all[i]);
    l7_pattern_scratch_destroy(seed_scratch);
}

START_TEST(test_seed_payloads)
{
    const payload_case *c = &payload_cases[_i];
    uint8_t buf[512];
    size_t len;
    if (c->data) {
        len = c->len ? c->len : strlen(c->data);
        memcpy(buf, c->data, len);
    } else {
        len = client_hello(buf, c->sni);
    }
    check_names(seed_all, seed_scratch, buf, len, c->match, 1, c->what);
    check_names(seed_all, seed_scratch, buf, len, c->no_match, 0, c->what);
}
END_TEST

/* Every seed regexp compiles without warnings; stripped and unstripped
 * forms give the same answer on every payload of the table. */
START_TEST(test_seed_strip_equivalence)
{
    const struct seed_re *sr = &seed_res[_i];
    l7_pattern *a = compile_ok(sr->re, 0);
    l7_pattern *b = compile_ok(sr->re, L7_PATTERN_NO_STRIP | L7_PATTERN_NO_JIT);
    ck_assert_int_eq(l7_pattern_is_stripped(b), 0);
    l7_pattern_scratch *s = NULL;
    ck_assert_int_eq(l7_pattern_scratch_create(&s, NULL, NULL), L7_OK);
    for (size_t i = 0; i < L7_ARRAY_SIZE(payload_cases); i++) {
        const payload_case *c = &payload_cases[i];
        uint8_t buf[512];
        size_t len;
        if (c->data) {
            len = c->len ? c->len : strlen(c->data);
            memcpy(buf, c->data, len);
        } else {
            len = client_hello(buf, c->sni);
        }
        for (size_t cut = 0; cut <= len; cut += 7)
            ck_assert_int_eq(match_stripped(a, s, buf, cut),
                             match_stripped(b, s, buf, cut));
    }
    l7_pattern_scratch_destroy(s);
    l7_pattern_destroy(a);
    l7_pattern_destroy(b);
}
END_TEST

START_TEST(test_seed_no_warnings)
{
    l7_diag_list *d = NULL;
    l7_diag_list_create(&d, NULL);
    l7_pattern *p = NULL;
    const char *re = seed_res[_i].re;
    ck_assert_int_eq(
        l7_pattern_compile(&p, re, strlen(re), NULL, NULL, seed_res[_i].name, d),
        L7_OK);
    ck_assert_uint_eq(l7_diag_list_count(d), 0);
    l7_pattern_destroy(p);
    l7_diag_list_destroy(d);
}
END_TEST

/* ---- hostile regexps: the limit is hit, counted as "no match" ----------- */

static const char *const hostile_res[] = {
    "^(a+)+[^a]",
    "^(a|aa)+[^a]",
    "^(a|a?)+[^a]",
    "^(.*a){12}[^a]",
};

START_TEST(test_hostile_limit)
{
    uint8_t buf[2048];
    memset(buf, 'a', sizeof(buf));
    for (int jit = 0; jit < 2; jit++) {
        l7_pattern *p = compile_ok(hostile_res[_i], jit ? 0 : L7_PATTERN_NO_JIT);
        l7_pattern_scratch *s = NULL;
        ck_assert_int_eq(l7_pattern_scratch_create(&s, NULL, NULL), L7_OK);
        ck_assert_int_eq(l7_pattern_match(p, s, buf, sizeof(buf)), L7_PATTERN_LIMIT);
        /* The same scratch still answers a cheap question afterwards. */
        ck_assert_int_eq(l7_pattern_match(p, s, (const uint8_t *)"aaaaaaaaaaaab", 13),
                         L7_PATTERN_MATCH);
        l7_pattern_scratch_destroy(s);
        l7_pattern_destroy(p);
    }
}
END_TEST

START_TEST(test_limits_settable)
{
    /* A tiny match limit makes even a modest search give up; defaults don't. */
    l7_pattern *p = compile_ok("^(a|b)*c", L7_PATTERN_NO_JIT);
    uint8_t buf[600];
    memset(buf, 'a', sizeof(buf));
    buf[sizeof(buf) - 1] = 'c';
    l7_pattern_limits lim;
    l7_pattern_limits_init(&lim);
    ck_assert_uint_eq(lim.size, sizeof(lim));
    ck_assert_uint_gt(lim.match_limit, 1000);
    l7_pattern_scratch *s = NULL;
    ck_assert_int_eq(l7_pattern_scratch_create(&s, &lim, NULL), L7_OK);
    ck_assert_int_eq(l7_pattern_match(p, s, buf, sizeof(buf)), L7_PATTERN_MATCH);
    l7_pattern_scratch_destroy(s);
    lim.match_limit = 10;
    ck_assert_int_eq(l7_pattern_scratch_create(&s, &lim, NULL), L7_OK);
    ck_assert_int_eq(l7_pattern_match(p, s, buf, sizeof(buf)), L7_PATTERN_LIMIT);
    l7_pattern_scratch_destroy(s);
    l7_pattern_destroy(p);
}
END_TEST

START_TEST(test_args)
{
    l7_pattern *p = NULL;
    ck_assert_int_eq(l7_pattern_compile(NULL, "a", 1, NULL, NULL, NULL, NULL),
                     L7_EINVAL);
    ck_assert_int_eq(l7_pattern_compile(&p, NULL, 1, NULL, NULL, NULL, NULL),
                     L7_EINVAL);
    ck_assert_int_eq(l7_pattern_compile(&p, "", 0, NULL, NULL, NULL, NULL), L7_OK);
    l7_pattern_scratch *s = NULL;
    ck_assert_int_eq(l7_pattern_scratch_create(&s, NULL, NULL), L7_OK);
    ck_assert_int_eq(l7_pattern_match(p, s, NULL, 0), L7_PATTERN_MATCH);
    ck_assert_int_eq(l7_pattern_match(p, NULL, NULL, 0), L7_EINVAL);
    ck_assert_int_eq(l7_pattern_match(p, s, NULL, 3), L7_EINVAL);
    l7_pattern_scratch_destroy(s);
    l7_pattern_destroy(p);
    l7_pattern_destroy(NULL);
    l7_pattern_scratch_destroy(NULL);
    ck_assert_int_eq(l7_pattern_is_jit(NULL), 0);
}
END_TEST

/* ---- sharing: one compiled pattern, one scratch per thread --------------- */

typedef struct thread_job {
    const l7_pattern *p;
    int matches, misses;
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *job = arg;
    l7_pattern_scratch *s = NULL;
    if (l7_pattern_scratch_create(&s, NULL, NULL) != L7_OK)
        return NULL;
    static const char hit[] = "GET / HTTP/1.1\r\nHost: m.facebook.com\r\n";
    static const char miss[] = "GET / HTTP/1.1\r\nHost: example.org\r\n";
    for (int i = 0; i < 2000; i++) {
        job->matches += l7_pattern_match(job->p, s, (const uint8_t *)hit,
                                         sizeof(hit) - 1) == L7_PATTERN_MATCH;
        job->misses += l7_pattern_match(job->p, s, (const uint8_t *)miss,
                                        sizeof(miss) - 1) == L7_PATTERN_NOMATCH;
    }
    l7_pattern_scratch_destroy(s);
    return NULL;
}

START_TEST(test_threads_share_pattern)
{
    l7_pattern *p = compile_ok("^.*(facebook|fbcdn|fbsbx).*$", 0);
    pthread_t th[4];
    thread_job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (thread_job){p, 0, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, thread_main, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        ck_assert_int_eq(jobs[i].matches, 2000);
        ck_assert_int_eq(jobs[i].misses, 2000);
    }
    l7_pattern_destroy(p);
}
END_TEST

/* ---- shape: anchoring and longest match (for incremental matching) -------- */

#define INF L7_PATTERN_LEN_INF

static const struct shape_case {
    const char *re;
    uint32_t max_len;
    int anchored;
} shape_cases[] = {
    {"abc", 3, 0},
    {"^abc", 3, 1},
    {"^abc$", 3, 1},
    {"^.*(facebook|fbcdn|fbsbx).*$", 8, 0}, /* stripped: the inner group */
    {"^.*(youtube\\.com/watch|googlevideo\\.com).*$", 17, 0},
    {"^(GET|POST) .*HTTP/1\\.[01]", INF, 1},
    {"^(\\x13BitTorrent protocol|\\x42\\x54:)", 20, 1},
    {"^[\\xe3\\xc6\\xd4]", 1, 1},
    {"^\\xf4\\xbe\\x03.*$", 3, 1}, /* `.*$` stripped */
    {"^GET /api/v[0-9]+/.*$", INF, 1},
    {"^a|b", 1, 0},   /* one alternative is unanchored */
    {"^a|^bc", 2, 1}, /* every alternative anchored */
    {"(^a)", 1, 0},   /* conservative: `^` inside a group */
    {"|^a", 1, 0},    /* the empty alternative matches anywhere */
    {"ab?c", 3, 0},
    {"(ab)?c", 3, 0},
    {"(ab|cde)?x", 4, 0},
    {"a{3}", 3, 0},
    {"(ab){2,4}", 8, 0},
    {"a{2,}", INF, 0},
    {"(ab){0,2}c{3}", 7, 0},
    {"a+?", INF, 0},
    {"a*?b", INF, 0},
    {"a??b", 2, 0},
    {"[]a]x", 2, 0},
    {"[^]a]x", 2, 0},
    {"[[:digit:]x]y", 2, 0},
    {"[a\\]x", 2, 0}, /* backslash in a bracket is a literal */
    {"a\\{2}", 4, 0}, /* `\{` is a literal brace */
    {"x{", 2, 0},     /* not a bound: literal */
    {"\\x2a\\x2b", 2, 0},
    {"((a|bb)(c|dd)){3}", 12, 0},
    {"$", 0, 0},
    {"^$", 0, 1},
    {"a{60000}b{60000}", INF, 0}, /* longer than any window: unbounded */
    {"(a{300}){300}", INF, 0},
};

START_TEST(test_shape)
{
    const struct shape_case *c = &shape_cases[_i];
    l7_pattern *p = NULL;
    ck_assert_int_eq(
        l7_pattern_compile(&p, c->re, strlen(c->re), NULL, NULL, "t", NULL), L7_OK);
    ck_assert_msg(l7_pattern_max_len(p) == c->max_len, "%s: max_len %u, want %u", c->re,
                  l7_pattern_max_len(p), c->max_len);
    ck_assert_msg(l7_pattern_anchored(p) == (c->anchored != 0), "%s: anchored %d",
                  c->re, (int)l7_pattern_anchored(p));
    l7_pattern_destroy(p);
}
END_TEST

static Suite *pattern_suite(void)
{
    Suite *s = suite_create("pattern");
    TCase *tc = tcase_create("dialect");
    tcase_add_loop_test(tc, test_translate, 0, (int)L7_ARRAY_SIZE(tx_cases));
    tcase_add_test(tc, test_translate_truncates);
    tcase_add_test(tc, test_length_limit);
    tcase_add_loop_test(tc, test_error_columns, 0, (int)L7_ARRAY_SIZE(col_cases));
    tcase_add_test(tc, test_warning_columns);
    tcase_add_loop_test(tc, test_match, 0, (int)L7_ARRAY_SIZE(match_cases));
    tcase_add_test(tc, test_args);
    tcase_add_test(tc, test_threads_share_pattern);
    tcase_add_loop_test(tc, test_shape, 0, (int)L7_ARRAY_SIZE(shape_cases));
    suite_add_tcase(s, tc);
    TCase *seed = tcase_create("seed");
    tcase_add_unchecked_fixture(seed, seed_setup, seed_teardown);
    tcase_add_loop_test(seed, test_seed_payloads, 0, (int)L7_ARRAY_SIZE(payload_cases));
    tcase_add_loop_test(seed, test_seed_strip_equivalence, 0,
                        (int)L7_ARRAY_SIZE(seed_res));
    tcase_add_loop_test(seed, test_seed_no_warnings, 0, (int)L7_ARRAY_SIZE(seed_res));
    suite_add_tcase(s, seed);
    TCase *lim = tcase_create("limits");
    tcase_add_loop_test(lim, test_hostile_limit, 0, (int)L7_ARRAY_SIZE(hostile_res));
    tcase_add_test(lim, test_limits_settable);
    suite_add_tcase(s, lim);
    return s;
}

int main(void)
{
    return l7t_run_suite(pattern_suite());
}

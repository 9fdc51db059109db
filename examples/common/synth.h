/*
 * Synthetic application payloads for the examples and benchmarks: real
 * wire formats (HTTP/1.1, a TLS 1.3 ClientHello with SNI, the BitTorrent
 * handshake, a SIP INVITE), built deterministically from a seed.
 */
#ifndef L7_EXAMPLES_SYNTH_H
#define L7_EXAMPLES_SYNTH_H

#include <stddef.h>
#include <stdint.h>

/* xorshift64*: deterministic, seedable, good enough for test data. */
uint64_t synth_rand(uint64_t *state);
void synth_random_bytes(uint64_t *state, uint8_t *out, size_t n);

/* Each builder writes at most `cap` bytes and returns the length written
 * (0 if `cap` is too small). */
size_t synth_http_request(uint8_t *out, size_t cap, const char *method,
                          const char *host, const char *path, const char *user_agent);
size_t synth_http_response(uint8_t *out, size_t cap, size_t body_len, uint64_t *rng);
size_t synth_tls_client_hello(uint8_t *out, size_t cap, const char *sni, uint64_t *rng);
size_t synth_tls_server_flight(uint8_t *out, size_t cap, size_t len, uint64_t *rng);
size_t synth_bittorrent_handshake(uint8_t *out, size_t cap, uint64_t *rng);
size_t synth_sip_invite(uint8_t *out, size_t cap, const char *to_user,
                        const char *domain);

/* A SIP response to synth_sip_invite()'s request (same Via, Call-ID, CSeq),
 * e.g. code 180 reason "Ringing". */
size_t synth_sip_response(uint8_t *out, size_t cap, unsigned code, const char *reason,
                          const char *to_user, const char *domain);

/* DNS (RFC 1035): a recursive query for one name, type 1 (A) or 28 (AAAA),
 * class IN. */
size_t synth_dns_query(uint8_t *out, size_t cap, uint16_t id, const char *name,
                       uint16_t qtype);

/* The answer to it: the question repeated, one record pointing back at the
 * question name, TTL 300, `addr` 4 bytes (A) or 16 (AAAA). */
size_t synth_dns_response(uint8_t *out, size_t cap, uint16_t id, const char *name,
                          uint16_t qtype, const uint8_t *addr);

#endif

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

#endif

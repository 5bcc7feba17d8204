#pragma once
// A socket BIO for OpenSSL that sends with MSG_NOSIGNAL: OpenSSL's own writes with write(2), so a peer
// that has gone would raise SIGPIPE in whatever process uses it. Shared by the HTTPS client
// (non-blocking sockets: EAGAIN becomes OpenSSL's retry) and the HTTP server (blocking sockets with
// timeouts: the same EAGAIN means the timeout ran out). EINTR is retried inside.

#include <openssl/bio.h>

namespace margo {

// A BIO over `fd` (not owned: closing the BIO leaves the socket open); give it to SSL_set_bio.
// nullptr when OpenSSL cannot allocate it.
BIO* make_nosignal_socket_bio(int fd);

}  // namespace margo

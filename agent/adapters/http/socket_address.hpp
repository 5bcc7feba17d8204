#pragma once
// Where a connection goes: the addresses of a host, from its IP literal at once or from the system
// resolver (getaddrinfo blocks, so the HTTPS client runs it on a worker thread).

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "agent/ports/result.hpp"

namespace margo {

struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string text;  // "127.0.0.1:8443", "[::1]:8443", for messages

  int family() const { return storage.ss_family; }
  const sockaddr* get() const { return reinterpret_cast<const sockaddr*>(&storage); }
};

// The address of an IPv4 or IPv6 literal (without brackets); nullopt for a name.
std::optional<SocketAddress> literal_address(const std::string& host, std::uint16_t port);

// Every TCP address of the host, in the resolver's order. http.connect_failed (retryable) when the
// name does not resolve.
Result<std::vector<SocketAddress>> resolve_host(const std::string& host, std::uint16_t port);

}  // namespace margo

#include "agent/adapters/http/socket_address.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>

namespace margo {
namespace {

SocketAddress from_sockaddr(const sockaddr* address, socklen_t length) {
  SocketAddress made;
  std::memcpy(&made.storage, address, length);
  made.length = length;
  char text[INET6_ADDRSTRLEN] = "";
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    ::inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
    made.text = "[" + std::string(text) + "]:" + std::to_string(ntohs(v6->sin6_port));
  } else {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    ::inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
    made.text = std::string(text) + ":" + std::to_string(ntohs(v4->sin_port));
  }
  return made;
}

}  // namespace

std::optional<SocketAddress> literal_address(const std::string& host, std::uint16_t port) {
  sockaddr_in v4{};
  if (::inet_pton(AF_INET, host.c_str(), &v4.sin_addr) == 1) {
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    return from_sockaddr(reinterpret_cast<const sockaddr*>(&v4), sizeof v4);
  }
  sockaddr_in6 v6{};
  if (::inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) == 1) {
    v6.sin6_family = AF_INET6;
    v6.sin6_port = htons(port);
    return from_sockaddr(reinterpret_cast<const sockaddr*>(&v6), sizeof v6);
  }
  return std::nullopt;
}

Result<std::vector<SocketAddress>> resolve_host(const std::string& host, std::uint16_t port) {
  if (auto literal = literal_address(host, port)) return std::vector<SocketAddress>{*literal};
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* found = nullptr;
  const int status = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found);
  if (status != 0)
    return retryable_error("http.connect_failed",
                           "cannot resolve host '" + host + "': " + ::gai_strerror(status));
  std::vector<SocketAddress> addresses;
  for (const addrinfo* entry = found; entry != nullptr; entry = entry->ai_next)
    if (entry->ai_family == AF_INET || entry->ai_family == AF_INET6)
      addresses.push_back(from_sockaddr(entry->ai_addr, entry->ai_addrlen));
  ::freeaddrinfo(found);
  if (addresses.empty())
    return retryable_error("http.connect_failed", "host '" + host + "' has no TCP address");
  return addresses;
}

}  // namespace margo

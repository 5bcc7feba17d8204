#include "raw_tls_floor.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <thread>

namespace margo::bench {
namespace {

CpuPerRequest own_cpu_us() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return {static_cast<double>(usage.ru_utime.tv_sec) * 1e6 + static_cast<double>(usage.ru_utime.tv_usec),
          static_cast<double>(usage.ru_stime.tv_sec) * 1e6 + static_cast<double>(usage.ru_stime.tv_usec)};
}

// Reads one response: the head, then Content-Length bytes of body.
bool read_response(SSL* tls) {
  std::string received;
  char buffer[16384];
  for (;;) {
    const int count = SSL_read(tls, buffer, sizeof buffer);
    if (count <= 0) return false;
    received.append(buffer, static_cast<std::size_t>(count));
    const auto head_end = received.find("\r\n\r\n");
    if (head_end == std::string::npos) continue;
    std::size_t length = 0;
    for (const char* name : {"Content-Length: ", "content-length: "}) {
      const auto at = received.find(name);
      if (at != std::string::npos && at < head_end)
        length = std::strtoul(received.c_str() + at + 16, nullptr, 10);
    }
    if (received.size() >= head_end + 4 + length) return true;
  }
}

}  // namespace

RawFloor raw_tls_floor(int port, const std::string& ca_file, const std::string& path, int requests) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()), SSL_CTX_free);
  SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION);
  if (SSL_CTX_load_verify_locations(context.get(), ca_file.c_str(), nullptr) != 1)
    return {{}, "loading " + ca_file};
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_PEER, nullptr);

  const int socket_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(socket_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(socket_fd);
    return {{}, "connect"};
  }
  const int on = 1;
  ::setsockopt(socket_fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  std::unique_ptr<SSL, decltype(&SSL_free)> tls(SSL_new(context.get()), SSL_free);
  SSL_set_fd(tls.get(), socket_fd);
  SSL_set1_host(tls.get(), "127.0.0.1");
  RawFloor floor;
  const std::string request =
      "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) + "\r\n\r\n";
  auto exchange = [&] {
    return SSL_write(tls.get(), request.data(), static_cast<int>(request.size())) > 0 &&
           read_response(tls.get());
  };
  if (SSL_connect(tls.get()) != 1 || !exchange()) {
    floor.error = "handshake or first exchange";
  } else {
    const CpuPerRequest before = own_cpu_us();
    for (int i = 0; i < requests && floor.error.empty(); ++i) {
      if (!exchange()) floor.error = "exchange " + std::to_string(i);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const CpuPerRequest after = own_cpu_us();
    floor.cpu = {(after.user_us - before.user_us) / requests,
                 (after.system_us - before.system_us) / requests};
  }
  SSL_shutdown(tls.get());
  ::close(socket_fd);
  return floor;
}

}  // namespace margo::bench

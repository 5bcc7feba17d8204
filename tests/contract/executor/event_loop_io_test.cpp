// The real event loop's descriptor watches, which the HTTPS client's non-blocking sockets rely on.

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "tests/contract/executor/executor_drivers.hpp"

namespace margo::contract {
namespace {

using namespace std::chrono_literals;
using Readiness = EventLoop::Readiness;

// A connected pair of UNIX stream sockets, closed at the end.
struct SocketPair {
  SocketPair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, ends) == 0); }
  ~SocketPair() {
    for (int end : ends)
      if (end >= 0) ::close(end);
  }
  int ends[2] = {-1, -1};
};

TEST_CASE("EventLoop runs a watch once when its descriptor becomes readable", "[executor][event_loop][io]") {
  EventLoopDriver driver;
  SocketPair pair;
  int runs = 0;
  driver.loop().when_ready(pair.ends[0], Readiness::readable, [&] {
    ++runs;
    char byte;
    CHECK(::read(pair.ends[0], &byte, 1) == 1);
    // Still readable? No: one byte was written. A second watch sees the next byte.
    driver.loop().when_ready(pair.ends[0], Readiness::readable, [&] {
      ++runs;
      driver.finish();
    });
  });
  std::thread writer([&] {
    std::this_thread::sleep_for(20ms);
    CHECK(::write(pair.ends[1], "a", 1) == 1);
    std::this_thread::sleep_for(20ms);
    CHECK(::write(pair.ends[1], "b", 1) == 1);
  });
  const bool finished = driver.run();
  writer.join();

  REQUIRE(finished);
  CHECK(runs == 2);
}

TEST_CASE("EventLoop reports a writable descriptor and a hang-up", "[executor][event_loop][io]") {
  EventLoopDriver driver;
  SocketPair pair;
  bool writable = false;
  bool hung_up = false;
  driver.loop().when_ready(pair.ends[0], Readiness::writable, [&] {
    writable = true;
    ::close(pair.ends[1]);
    pair.ends[1] = -1;
    driver.loop().when_ready(pair.ends[0], Readiness::readable, [&] {
      char byte;
      hung_up = ::read(pair.ends[0], &byte, 1) == 0;
      driver.finish();
    });
  });
  REQUIRE(driver.run());
  CHECK(writable);
  CHECK(hung_up);
}

TEST_CASE("A cancelled watch never runs, and timers still fire while descriptors are watched",
          "[executor][event_loop][io]") {
  EventLoopDriver driver;
  SocketPair pair;
  bool watched_ran = false;
  const auto watch = driver.loop().when_ready(pair.ends[0], Readiness::readable, [&] { watched_ran = true; });
  driver.executor().schedule_after(5ms, [&] {
    CHECK(driver.loop().cancel_watch(watch));
    CHECK_FALSE(driver.loop().cancel_watch(watch));
    CHECK(::write(pair.ends[1], "x", 1) == 1);
    driver.executor().schedule_after(30ms, [&] { driver.finish(); });
  });
  REQUIRE(driver.run());
  CHECK_FALSE(watched_ran);
}

TEST_CASE("A watch added from another thread wakes the sleeping loop", "[executor][event_loop][io]") {
  EventLoopDriver driver;
  SocketPair pair;
  driver.executor().schedule_after(10'000ms, [] {});  // the loop sleeps on this
  CHECK(::write(pair.ends[1], "x", 1) == 1);
  std::thread watcher([&] {
    std::this_thread::sleep_for(20ms);
    driver.loop().when_ready(pair.ends[0], Readiness::readable, [&] { driver.finish(); });
  });
  const auto started = std::chrono::steady_clock::now();
  const bool finished = driver.run();
  watcher.join();
  REQUIRE(finished);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
}

TEST_CASE("A stream of posted tasks does not starve a ready descriptor", "[executor][event_loop][io]") {
  EventLoopDriver driver;
  SocketPair pair;
  CHECK(::write(pair.ends[1], "x", 1) == 1);
  int posted_before_io = 0;
  bool io_seen = false;
  std::function<void()> repost = [&] {
    if (io_seen) return driver.finish();
    ++posted_before_io;
    if (posted_before_io > 10'000) return driver.finish();
    driver.executor().post(repost);
  };
  driver.loop().when_ready(pair.ends[0], Readiness::readable, [&] { io_seen = true; });
  driver.executor().post(repost);
  REQUIRE(driver.run());
  CHECK(io_seen);
  CHECK(posted_before_io <= 200);
}

}  // namespace
}  // namespace margo::contract

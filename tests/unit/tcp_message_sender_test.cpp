// SPDX-License-Identifier: MIT
// TcpMessageSender against a listener on 127.0.0.1 in this process: the listener's own byte
// counts and the records handed to send() are the expected values.
#include "flowreplay/net/tcp_message_sender.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

#include "../common/loopback_listener.hpp"
#include "flowreplay/core/errors.hpp"

namespace flowreplay {
namespace {

using test_support::LoopbackListener;

// Reads exactly n bytes, or to the end of the stream; returns what it read.
std::size_t read_bytes(int conn, std::size_t n) {
  std::vector<char> buf(65536);
  std::size_t total = 0;
  while (total < n) {
    const ssize_t got = recv(conn, buf.data(), std::min(buf.size(), n - total), 0);
    if (got <= 0) break;
    total += static_cast<std::size_t>(got);
  }
  return total;
}

const std::vector<std::uint8_t> kMessage(1000, 0xab);  // one 1000-byte message of 10 records

TEST(TcpMessageSender, EveryMessageReadIsAcknowledgedAfterFinish) {
  LoopbackListener l;
  auto reader = std::async(std::launch::async, [&] {
    const int conn = l.accept_one();
    const std::size_t n = read_bytes(conn, SIZE_MAX);
    ::close(conn);
    return n;
  });
  TcpMessageSender s(l.address(), {});
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(s.send(kMessage, 10));
  EXPECT_TRUE(s.finish());
  EXPECT_EQ(s.take_acknowledged(), 1000u);
  EXPECT_EQ(s.acknowledged_messages(), 100u);
  EXPECT_EQ(s.unacknowledged_records(), 0u);
  EXPECT_EQ(reader.get(), 100'000u);
}

TEST(TcpMessageSender, APeerThatClosedAfterReadingKeepsExactlyTheAcknowledgedMessages) {
  LoopbackListener l;
  std::promise<void> closed;
  auto reader = std::async(std::launch::async, [&] {
    const int conn = l.accept_one();
    const std::size_t n = read_bytes(conn, 3000);  // three whole messages, then goodbye
    ::close(conn);
    closed.set_value();
    return n;
  });
  TcpMessageSender s(l.address(), {});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(s.send(kMessage, 10));
  closed.get_future().wait();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the FIN crosses loopback
  EXPECT_FALSE(s.send(kMessage, 10));  // nothing goes into a closed connection
  EXPECT_EQ(s.closed_by(), TcpMessageSender::Closed::kByPeer);
  EXPECT_EQ(s.take_acknowledged(), 30u);
  EXPECT_EQ(reader.get(), 3000u);
  EXPECT_TRUE(s.finish());  // all it was given was read: nothing is outstanding
}

TEST(TcpMessageSender, APeerClosingWithUnreadDataIsAReset) {
  LoopbackListener l;
  std::promise<void> closed;
  std::promise<void> sent;
  auto peer = std::async(std::launch::async, [&] {
    const int conn = l.accept_one();
    sent.get_future().wait();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the bytes arrive, unread
    ::close(conn);
    closed.set_value();
  });
  TcpMessageSender s(l.address(), {});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(s.send(kMessage, 10));
  sent.set_value();
  closed.get_future().wait();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(s.send(kMessage, 10));
  EXPECT_EQ(s.closed_by(), TcpMessageSender::Closed::kReset);
  // The peer's TCP acknowledged all three before its process dropped them: the sender cannot
  // tell, and says so in reason().
  EXPECT_EQ(s.take_acknowledged(), 30u);
  EXPECT_NE(s.reason().find("not read"), std::string::npos);
  peer.get();
}

TEST(TcpMessageSender, NothingListeningIsARefusedConnection) {
  CollectorAddress to;
  {
    LoopbackListener l;  // a port that was free a moment ago, closed again
    to = l.address();
  }
  try {
    TcpMessageSender s(to, {});
    FAIL() << "connected to a closed port";
  } catch (const IoError& e) {
    EXPECT_EQ(e.error_number(), ECONNREFUSED);
  }
}

}  // namespace
}  // namespace flowreplay

namespace flowreplay {
namespace {

// A literal address is never handed to the resolver; only a host name is.
TEST(CollectorAddressHints, LiteralsAreNotResolved) {
  EXPECT_NE(CollectorAddress::parse("udp://127.0.0.1:2055")->hints(SOCK_DGRAM).ai_flags & AI_NUMERICHOST, 0);
  EXPECT_NE(CollectorAddress::parse("tcp://[::1]:4739")->hints(SOCK_STREAM).ai_flags & AI_NUMERICHOST, 0);
  EXPECT_EQ(CollectorAddress::parse("udp://localhost:2055")->hints(SOCK_DGRAM).ai_flags & AI_NUMERICHOST, 0);
  EXPECT_NE(CollectorAddress::parse("udp://localhost:2055")->hints(SOCK_DGRAM).ai_flags & AI_NUMERICSERV, 0);
}

}  // namespace
}  // namespace flowreplay

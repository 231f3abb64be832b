// SPDX-License-Identifier: MIT
// libfixbuf's GLib messages follow the command's -q: shown with the flowreplay prefix, or dropped.
#include <glib.h>
#include <gtest/gtest.h>

#include <string>

#include "flowreplay/exporters/flow_exporter.hpp"

namespace flowreplay {
namespace {

std::string logged_with(bool quiet) {
  ExportOptions o;
  o.quiet = quiet;
  o.partial_files = false;
  auto exporter = make_ipfix_file_exporter("/dev/null", o);
  testing::internal::CaptureStderr();
  g_log("fixbuf", G_LOG_LEVEL_WARNING, "a template was too long");
  return testing::internal::GetCapturedStderr();
}

TEST(GlibMessages, FollowQuiet) {
  EXPECT_EQ(logged_with(false), "flowreplay: fixbuf: a template was too long\n");
  EXPECT_EQ(logged_with(true), "");
}

}  // namespace
}  // namespace flowreplay

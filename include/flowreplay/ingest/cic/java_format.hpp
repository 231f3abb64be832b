// SPDX-License-Identifier: MIT
// Number and date text as CICFlowMeter (Java) prints it.
#pragma once

#include <string>

#include "flowreplay/core/time_zone.hpp"
#include "flowreplay/core/units.hpp"

namespace flowreplay {

// Java's Double.toString: "714.0", "0.001", "4.4964004E7", "1.0E-4", "NaN", "Infinity". Digits
// are the shortest that round-trip; JDK 8 sometimes printed one more, so compare as doubles.
void append_java_double(std::string& out, double v);
std::string java_double(double v);

// "dd/MM/yyyy hh:mm:ss" (12-hour clock) of a time in µs, truncated to the second, in `zone`;
// with_am_pm appends " AM" / " PM" as CICFlowMeter since 2018-05 does.
std::string java_timestamp(std::int64_t micros, bool with_am_pm, const TimeZone& zone);

}  // namespace flowreplay

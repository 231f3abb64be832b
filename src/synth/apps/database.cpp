// SPDX-License-Identifier: MIT
// The application dialogue of the database pattern: the protocol by server port.
#include "head_writer.hpp"

namespace flowreplay {

using namespace apps;  // NOLINT(google-build-using-namespace): the dialogues share its helpers

void AppScript::database(Message& m) {
  if (spec_.server_port == kPostgresPort) {
    postgres(m);
  } else if (spec_.server_port == kMysqlPort) {
    mysql(m);
  } else if (spec_.server_port == kMongoPort) {
    mongodb(m);
  } else if (step_ % 2 == 0) {
    opaque(m, 0, draw(spec_.pattern->request_bytes));
  } else {
    opaque(m, 1, draw(spec_.pattern->response_bytes));
    ++round_;
  }
}

}  // namespace flowreplay

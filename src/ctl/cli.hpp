#pragma once
// csmsctl [--server URL] [--token-file F] [--ca-file F] [--json] NOUN VERB [ARGS]
//
// Exit codes: 0 success; 1 the server refused or failed (stderr
// "csmsctl: <code>: <message>") or a local problem such as an unsafe token
// file; 2 usage error; 3 the server could not be reached (or, over https,
// was not trusted).
#include <ostream>

namespace csms::ctl {

int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

} // namespace csms::ctl

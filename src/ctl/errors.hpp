#pragma once
// What can end a csmsctl run, one type per exit code (see cli.hpp).
#include <stdexcept>
#include <string>

namespace csms::ctl {

enum ExitCode : int { exit_ok = 0, exit_failed = 1, exit_usage = 2, exit_unreachable = 3 };

// The server answered with {"error": {"code", "message"}} (exit 1).
class ApiError : public std::runtime_error {
public:
    ApiError(std::string code, const std::string& message) : std::runtime_error(message), code_(std::move(code)) {}
    const std::string& code() const { return code_; }

private:
    std::string code_;
};

// No answer from the server: resolve or connect failed or timed out, the TLS
// handshake failed or the server's certificate was not trusted (exit 3).
class UnreachableError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A command line CLI11 accepts but that makes no sense (exit 2).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Anything local: an unsafe token file, a PEM that cannot be read (exit 1).
class LocalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace csms::ctl

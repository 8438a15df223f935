#include "ctl/token.hpp"

#include "ctl/errors.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace csms::ctl {
namespace {

std::optional<std::string> env(const char* name)
{
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') {
        return std::nullopt;
    }
    return std::string(value);
}

std::string trim(std::string text)
{
    auto not_space = [](char c) { return c != ' ' && c != '\n' && c != '\r' && c != '\t'; };
    while (!text.empty() && !not_space(text.back())) {
        text.pop_back();
    }
    std::size_t start = 0;
    while (start < text.size() && !not_space(text[start])) {
        ++start;
    }
    return text.substr(start);
}

std::string octal_mode(mode_t mode)
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

// Closes the descriptor on every path out.
struct Fd {
    int fd;
    ~Fd()
    {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

} // namespace

TokenSources token_sources_from_environment(std::string token_file_flag)
{
    return TokenSources{std::move(token_file_flag), env("CSMS_TOKEN"), env("CSMS_TOKEN_FILE"), env("HOME")};
}

std::string read_token_file(const std::string& path)
{
    return read_secret_file(path, "token file");
}

std::string read_secret_file(const std::string& path, const std::string& what)
{
    Fd file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
    if (file.fd < 0) {
        throw LocalError("cannot read " + what + " " + path + ": " + std::strerror(errno));
    }
    // fstat on the open descriptor: the checked file is the file read.
    struct stat st {};
    if (::fstat(file.fd, &st) != 0) {
        throw LocalError("cannot stat " + what + " " + path + ": " + std::strerror(errno));
    }
    if ((st.st_mode & 077) != 0) {
        throw LocalError(what + " " + path + " is accessible by others (mode " + octal_mode(st.st_mode) +
                         "); run: chmod 600 " + path);
    }
    std::string content;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(file.fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw LocalError("cannot read " + what + " " + path + ": " + std::strerror(errno));
        }
        if (n == 0) {
            break;
        }
        content.append(buf, static_cast<std::size_t>(n));
        if (content.size() > 64 * 1024) {
            throw LocalError(what + " " + path + " is too large to hold a token");
        }
    }
    content = trim(std::move(content));
    if (content.empty()) {
        throw LocalError(what + " " + path + " is empty");
    }
    return content;
}

std::string load_token(const TokenSources& sources)
{
    if (!sources.token_file.empty()) {
        return read_token_file(sources.token_file);
    }
    if (sources.env_token) {
        return trim(*sources.env_token);
    }
    if (sources.env_file) {
        return read_token_file(*sources.env_file);
    }
    if (!sources.home) {
        throw LocalError("no token: pass --token-file, or set CSMS_TOKEN or CSMS_TOKEN_FILE");
    }
    std::string path = *sources.home + "/.config/csms/token";
    if (::access(path.c_str(), F_OK) != 0) {
        throw LocalError("no token: pass --token-file, set CSMS_TOKEN or CSMS_TOKEN_FILE, or create " + path);
    }
    return read_token_file(path);
}

void write_secret_file(const std::string& path, const std::string& content)
{
    Fd file{::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600)};
    if (file.fd < 0) {
        throw LocalError("cannot create " + path + ": " + std::strerror(errno));
    }
    // An existing file keeps its old mode through O_CREAT; tighten it first.
    if (::fchmod(file.fd, 0600) != 0) {
        throw LocalError("cannot chmod 600 " + path + ": " + std::strerror(errno));
    }
    std::string line = content + "\n";
    if (::write(file.fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()) || ::fsync(file.fd) != 0) {
        throw LocalError("cannot write " + path + ": " + std::strerror(errno));
    }
}

} // namespace csms::ctl

#include "support/http_receiver.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace csms::test {

HttpReceiver::HttpReceiver(std::uint16_t port, int status, std::optional<TlsIdentity> tls)
    : status_(status), tls_(tls ? tls_server_context(*tls) : nullptr),
      server_(port, [this](ServedConnection& c) { serve(c); })
{
}

std::vector<ReceivedRequest> HttpReceiver::requests() const
{
    std::lock_guard lock(mutex_);
    return requests_;
}

std::size_t HttpReceiver::count() const
{
    std::lock_guard lock(mutex_);
    return requests_.size();
}

std::size_t HttpReceiver::failed_handshakes() const
{
    std::lock_guard lock(mutex_);
    return failed_handshakes_;
}

void HttpReceiver::set_status(int status)
{
    std::lock_guard lock(mutex_);
    status_ = status;
}

void HttpReceiver::serve(ServedConnection& connection)
{
    if (tls_ && !connection.start_tls(tls_.get())) {
        std::lock_guard lock(mutex_);
        ++failed_handshakes_;
        return;
    }
    auto head = connection.read_until("\r\n\r\n");
    if (!head) {
        return;
    }
    ReceivedRequest request;
    std::istringstream lines(*head);
    std::string line;
    std::getline(lines, line);
    std::istringstream first(line);
    first >> request.method >> request.target;
    while (std::getline(lines, line) && line != "\r") {
        auto colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        auto name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        auto value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        if (!value.empty() && value.back() == '\r') {
            value.pop_back();
        }
        request.headers[name] = value;
    }
    auto length = request.header("content-length");
    if (!length.empty()) {
        auto body = connection.read_exactly(std::stoul(length));
        if (!body) {
            return;
        }
        request.body = *body;
    }
    int status = 0;
    {
        std::lock_guard lock(mutex_);
        status = status_;
        if (status >= 200 && status < 300) {
            requests_.push_back(std::move(request)); // only what was accepted counts as received
        }
    }
    connection.write("HTTP/1.1 " + std::to_string(status) + " Test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
}

} // namespace csms::test

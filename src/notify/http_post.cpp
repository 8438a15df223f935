#include "notify/http_post.hpp"

#include "base/concat.hpp"
#include "notify/tcp_connection.hpp"

#include <charconv>

namespace csms::notify {

int http_post(const HttpTarget& target, const std::string& content_type, const Headers& headers,
              const std::string& body, std::chrono::milliseconds timeout)
{
    TcpConnection connection(target.host, target.port, std::chrono::steady_clock::now() + timeout);
    if (target.tls) {
        connection.start_tls(target.host, target.ca_file);
    }
    bool ipv6 = target.host.find(':') != std::string::npos;
    bool default_port = target.port == (target.tls ? "443" : "80");
    std::string request = "POST " + target.path + " HTTP/1.1\r\n";
    request += base::concat("Host: ", ipv6 ? "[" : "", target.host, ipv6 ? "]" : "", default_port ? "" : ":",
                            default_port ? "" : target.port, "\r\n");
    request += "User-Agent: csmsd\r\nConnection: close\r\n";
    request += "Content-Type: " + content_type + "\r\n";
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    for (const auto& [name, value] : headers) {
        request += name + ": " + value + "\r\n";
    }
    request += "\r\n";
    request += body;
    connection.write(request);
    auto head = connection.read_until("\r\n\r\n");
    // "HTTP/1.1 200 OK"
    int status = 0;
    if (head.rfind("HTTP/1.", 0) != 0 || head.size() < 12 ||
        std::from_chars(head.data() + 9, head.data() + 12, status).ec != std::errc{}) {
        throw NetworkError("the answer is not HTTP");
    }
    return status;
}

} // namespace csms::notify

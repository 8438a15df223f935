#pragma once
// A small HTTP/1.1 server for the admin listener. Beast stays in the .cpp;
// routes see plain structs. Limits: 1 MiB bodies, 30 s to read a request.
// Handlers answer asynchronously: a command to a charger is answered when
// the charger's CALLRESULT (or its timeout) arrives, without holding a thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}
namespace csms::net {
class TlsContext;
}

namespace csms::admin {

struct HttpRequest {
    std::string method;
    std::string target;
    std::string body;
    std::string authorization; // the Authorization header, for the API layer
    std::string remote;        // the peer's address, for the audit log
};

struct HttpResponse {
    unsigned status = 200;
    std::string content_type = "application/json";
    std::string body;
};

// Sends the response; call it exactly once, from any thread.
using Respond = std::function<void(HttpResponse)>;
// Runs on the server's io_context; an exception it throws becomes a 500.
using HttpHandler = std::function<void(HttpRequest, Respond)>;

class HttpServer {
public:
    // With tls, every connection is HTTPS (TLS 1.2+, as for chargers).
    HttpServer(boost::asio::io_context& ioc, const std::string& host, std::uint16_t port, HttpHandler handler,
               std::shared_ptr<net::TlsContext> tls = nullptr);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    std::string local_endpoint() const;
    void start();
    void stop();

    struct State;

private:
    std::shared_ptr<State> state_;
};

} // namespace csms::admin

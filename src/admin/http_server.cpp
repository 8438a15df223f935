#include "admin/http_server.hpp"

#include "net/open_acceptor.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

namespace csms::admin {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::uint64_t max_body_bytes = 1024 * 1024;
constexpr std::chrono::seconds request_timeout{30};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(tcp::socket&& socket, const HttpHandler& handler) : stream_(std::move(socket)), handler_(handler) {}

    void run() { do_read(); }

private:
    void do_read()
    {
        parser_.emplace();
        parser_->body_limit(max_body_bytes);
        stream_.expires_after(request_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
    }

    void on_read(beast::error_code ec, std::size_t)
    {
        if (ec) {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
            return;
        }
        auto request = parser_->release();
        HttpRequest in{std::string(request.method_string()), std::string(request.target()), std::move(request.body()),
                       std::string(request[http::field::authorization])};
        HttpResponse out;
        try {
            out = handler_(in);
        } catch (const std::exception& e) {
            spdlog::error("admin {} {} failed: {}", in.method, in.target, e.what());
            out = HttpResponse{500, "application/json", R"({"error":"internal error"})"};
        }
        response_ = http::response<http::string_body>{static_cast<http::status>(out.status), request.version()};
        response_.set(http::field::server, "csmsd/" CSMS_VERSION);
        response_.set(http::field::content_type, out.content_type);
        response_.keep_alive(request.keep_alive());
        response_.body() = std::move(out.body);
        response_.prepare_payload();
        http::async_write(stream_, response_, beast::bind_front_handler(&HttpSession::on_write, shared_from_this()));
    }

    void on_write(beast::error_code ec, std::size_t)
    {
        if (ec || !response_.keep_alive()) {
            beast::error_code ignored;
            stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
            return;
        }
        do_read();
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    HttpHandler handler_; // a copy: sessions may outlive the server object
};

} // namespace

struct HttpServer::State : std::enable_shared_from_this<HttpServer::State> {
    // Own strand, as for the ws listener: accept and close never race.
    State(asio::io_context& io, HttpHandler h) : ioc(io), acceptor(asio::make_strand(io)), handler(std::move(h)) {}

    void do_accept()
    {
        acceptor.async_accept(asio::make_strand(ioc),
                              [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                                  if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) {
                                      return;
                                  }
                                  if (!ec) {
                                      std::make_shared<HttpSession>(std::move(socket), self->handler)->run();
                                  }
                                  self->do_accept();
                              });
    }

    asio::io_context& ioc;
    tcp::acceptor acceptor;
    HttpHandler handler;
};

HttpServer::HttpServer(asio::io_context& ioc, const std::string& host, std::uint16_t port, HttpHandler handler)
    : state_(std::make_shared<State>(ioc, std::move(handler)))
{
    net::open_acceptor(state_->acceptor, host, port, "admin");
}

HttpServer::~HttpServer()
{
    stop();
}

std::string HttpServer::local_endpoint() const
{
    auto ep = state_->acceptor.local_endpoint();
    return ep.address().to_string() + ":" + std::to_string(ep.port());
}

void HttpServer::start()
{
    state_->do_accept();
}

void HttpServer::stop()
{
    asio::post(state_->acceptor.get_executor(), [state = state_] {
        beast::error_code ignored;
        state->acceptor.close(ignored);
    });
}

} // namespace csms::admin

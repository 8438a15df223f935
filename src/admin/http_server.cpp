#include "admin/http_server.hpp"

#include "net/open_acceptor.hpp"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include <atomic>

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
        version_ = request.version();
        keep_alive_ = request.keep_alive();
        HttpRequest in{std::string(request.method_string()), std::string(request.target()), std::move(request.body()),
                       std::string(request[http::field::authorization]), remote_address()};
        auto method = in.method;
        auto target = in.target;
        // Once only, and back on this session's strand whoever answers.
        auto answered = std::make_shared<std::atomic<bool>>(false);
        Respond respond = [self = shared_from_this(), answered](HttpResponse out) {
            if (answered->exchange(true)) {
                return;
            }
            asio::dispatch(self->stream_.get_executor(),
                           [self, out = std::move(out)]() mutable { self->write(std::move(out)); });
        };
        try {
            handler_(std::move(in), respond);
        } catch (const std::exception& e) {
            spdlog::error("admin {} {} failed: {}", method, target, e.what());
            respond(HttpResponse{500, "application/json",
                                 R"({"error":{"code":"internal","message":"internal error"}})"});
        }
    }

    std::string remote_address() const
    {
        beast::error_code ec;
        auto peer = stream_.socket().remote_endpoint(ec);
        return ec ? std::string("unknown") : peer.address().to_string() + ":" + std::to_string(peer.port());
    }

    void write(HttpResponse out)
    {
        response_ = http::response<http::string_body>{static_cast<http::status>(out.status), version_};
        response_.set(http::field::server, "csmsd/" CSMS_VERSION);
        response_.set(http::field::content_type, out.content_type);
        response_.set(http::field::cache_control, "no-store");
        response_.keep_alive(keep_alive_);
        response_.body() = std::move(out.body);
        response_.prepare_payload();
        stream_.expires_after(request_timeout);
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
    unsigned version_ = 11;
    bool keep_alive_ = false;
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

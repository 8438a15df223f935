#include "admin/http_server.hpp"

#include "net/open_acceptor.hpp"
#include "net/tls_context.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
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
// A handler must answer; this is the net under a bug that loses the answer,
// so the operator gets a 500 instead of a connection that hangs forever.
constexpr std::chrono::minutes answer_deadline{5};
// Operators and scripts, not chargers: more connections than this at once
// are closed on accept, so they cannot take the descriptors chargers need.
constexpr int max_sessions = 128;

using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection: (TLS handshake,) then requests in turn on keep-alive.
template <class Stream> class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
public:
    HttpSession(tcp::socket&& socket, const HttpHandler& handler,
                std::shared_ptr<std::atomic<int>> sessions) requires std::same_as<Stream, PlainStream>
        : stream_(std::move(socket)),
          deadline_(stream_.get_executor()),
          handler_(handler),
          sessions_(std::move(sessions))
    {
    }
    HttpSession(tcp::socket&& socket, std::shared_ptr<asio::ssl::context> tls, const HttpHandler& handler,
                std::shared_ptr<std::atomic<int>> sessions) requires std::same_as<Stream, TlsStream>
        : tls_(std::move(tls)),
          stream_(std::move(socket), *tls_),
          deadline_(stream_.get_executor()),
          handler_(handler),
          sessions_(std::move(sessions))
    {
    }
    ~HttpSession() { sessions_->fetch_sub(1); }
    HttpSession(const HttpSession&) = delete;
    HttpSession& operator=(const HttpSession&) = delete;

    void run()
    {
        if constexpr (std::same_as<Stream, TlsStream>) {
            beast::get_lowest_layer(stream_).expires_after(request_timeout);
            stream_.async_handshake(asio::ssl::stream_base::server,
                                    [self = this->shared_from_this()](beast::error_code ec) {
                                        if (ec) {
                                            self->close();
                                            return;
                                        }
                                        self->do_read();
                                    });
        } else {
            do_read();
        }
    }

private:
    void do_read()
    {
        parser_.emplace();
        parser_->body_limit(max_body_bytes);
        beast::get_lowest_layer(stream_).expires_after(request_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec)
    {
        if (ec == http::error::body_limit) {
            keep_alive_ = false;
            write(HttpResponse{413, "application/json",
                               R"({"error":{"code":"bad_request","message":"the body is over 1 MiB"}})"});
            return;
        }
        if (ec) {
            close();
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
        Respond respond = [self = this->shared_from_this(), answered](HttpResponse out) {
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
            respond(
                HttpResponse{500, "application/json", R"({"error":{"code":"internal","message":"internal error"}})"});
        }
    }

    std::string remote_address()
    {
        beast::error_code ec;
        auto peer = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
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
        beast::get_lowest_layer(stream_).expires_after(request_timeout);
        http::async_write(stream_, response_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
            if (ec || !self->response_.keep_alive()) {
                self->close();
                return;
            }
            self->do_read();
        });
    }

    void close()
    {
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    }

    // Kept for the session's life: the stream's SSL object refers to it, and
    // a SIGHUP reload must not pull it away.
    std::shared_ptr<asio::ssl::context> tls_;
    Stream stream_;
    asio::steady_timer deadline_; // armed while a handler owes an answer
    beast::flat_buffer buffer_;
    std::optional<http::request_parser<http::string_body>> parser_;
    http::response<http::string_body> response_;
    unsigned version_ = 11;
    bool keep_alive_ = false;
    HttpHandler handler_; // a copy: sessions may outlive the server object
    std::shared_ptr<std::atomic<int>> sessions_;
};

} // namespace

struct HttpServer::State : std::enable_shared_from_this<HttpServer::State> {
    // Own strand, as for the ws listener: accept and close never race.
    State(asio::io_context& io, HttpHandler h, std::shared_ptr<net::TlsContext> t)
        : ioc(io), acceptor(asio::make_strand(io)), handler(std::move(h)), tls(std::move(t))
    {
    }

    void do_accept()
    {
        acceptor.async_accept(asio::make_strand(ioc),
                              [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                                  if (ec == asio::error::operation_aborted || !self->acceptor.is_open()) {
                                      return;
                                  }
                                  if (!ec) {
                                      self->start_session(std::move(socket));
                                  }
                                  self->do_accept();
                              });
    }

    void start_session(tcp::socket socket)
    {
        if (sessions->fetch_add(1) >= max_sessions) {
            sessions->fetch_sub(1);
            beast::error_code ignored;
            socket.close(ignored);
            if (!warned_full.exchange(true)) {
                spdlog::warn("admin: {} connections open; refusing more until some close", max_sessions);
            }
            return;
        }
        warned_full = false;
        if (tls) {
            std::make_shared<HttpSession<TlsStream>>(std::move(socket), tls->current(), handler, sessions)->run();
        } else {
            std::make_shared<HttpSession<PlainStream>>(std::move(socket), handler, sessions)->run();
        }
    }

    asio::io_context& ioc;
    tcp::acceptor acceptor;
    HttpHandler handler;
    std::shared_ptr<net::TlsContext> tls; // null: plain HTTP
    std::shared_ptr<std::atomic<int>> sessions = std::make_shared<std::atomic<int>>(0);
    std::atomic<bool> warned_full{false};
};

HttpServer::HttpServer(asio::io_context& ioc, const std::string& host, std::uint16_t port, HttpHandler handler,
                       std::shared_ptr<net::TlsContext> tls)
    : state_(std::make_shared<State>(ioc, std::move(handler), std::move(tls)))
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

// The Beast WebSocket client behind support/ws_client.hpp, compiled once
// for every test binary instead of once per test file.
#include "support/ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <deque>
#include <stdexcept>

namespace csms::test {

namespace ws_detail {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
namespace ssl = asio::ssl;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;
} // namespace ws_detail

class WsClientImpl {
public:
    virtual ~WsClientImpl() = default;
    virtual ConnectResult connect(std::uint16_t port, const std::string& path, const ConnectOptions& options,
                                  std::chrono::milliseconds limit) = 0;
    virtual bool send_text(const std::string& text, std::chrono::milliseconds limit) = 0;
    virtual bool send_binary(const std::string& data, std::chrono::milliseconds limit) = 0;
    virtual ReadResult read(std::chrono::milliseconds limit) = 0;
    virtual rapidjson::Document call(const std::string& action, const std::string& payload_json,
                                     std::chrono::milliseconds limit) = 0;
    virtual rapidjson::Document send_and_wait(const std::string& frame, const std::string& id,
                                              std::chrono::milliseconds limit) = 0;
    virtual ReadResult wait_closed(std::chrono::milliseconds limit) = 0;
    virtual void close(std::chrono::milliseconds limit) = 0;
    virtual bool is_closed() const = 0;
    virtual const std::deque<std::string>& unmatched() const = 0;
};

namespace {

std::shared_ptr<ws_detail::ssl::context> client_tls_context(const ConnectOptions& options)
{
    namespace ssl = ws_detail::ssl;
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    if (options.max_tls_version != 0) {
        SSL_CTX_set_security_level(ctx->native_handle(), 0); // let OpenSSL offer TLS 1.1 at all
        SSL_CTX_set_min_proto_version(ctx->native_handle(), 0);
        SSL_CTX_set_max_proto_version(ctx->native_handle(), options.max_tls_version);
    }
    if (!options.ca_file.empty()) {
        ctx->load_verify_file(options.ca_file);
        ctx->set_verify_mode(ssl::verify_peer);
    }
    if (!options.client_certificate.empty()) {
        ctx->use_certificate_chain_file(options.client_certificate);
        ctx->use_private_key_file(options.client_key, ssl::context::pem);
    }
    return ctx;
}

template <class Stream> Stream make_client_stream(boost::asio::io_context& ioc, ws_detail::ssl::context* tls)
{
    if constexpr (std::is_same_v<Stream, ws_detail::TlsStream>) {
        return Stream(ioc, *tls);
    } else {
        return Stream(ioc);
    }
}

} // namespace

template <class Stream> class WsClientImplT final : public WsClientImpl {
public:
    explicit WsClientImplT(std::shared_ptr<ws_detail::ssl::context> tls = nullptr)
        : tls_(std::move(tls)), ws_(make_client_stream<Stream>(ioc_, tls_.get()))
    {
    }
    ~WsClientImplT() override
    {
        boost::system::error_code ignored;
        ws_detail::beast::get_lowest_layer(ws_).socket().close(ignored);
        ioc_.restart();
        ioc_.poll();
    }
    WsClientImplT(const WsClientImplT&) = delete;
    WsClientImplT& operator=(const WsClientImplT&) = delete;

    // Connects to ws://127.0.0.1:port{path}; an empty subprotocol offers none.
    ConnectResult connect(std::uint16_t port, const std::string& path, const ConnectOptions& options,
                          std::chrono::milliseconds limit) override
    {
        using namespace ws_detail;
        auto deadline = Clock::now() + limit;
        ConnectResult result;
        bool done = false;
        boost::system::error_code error;
        auto& stream = beast::get_lowest_layer(ws_);
        stream.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                             [&](boost::system::error_code ec) {
                                 error = ec;
                                 done = true;
                             });
        if (!run_until([&] { return done; }, deadline) || error) {
            result.error = done ? "connect: " + error.message() : "connect: timeout";
            abort_io();
            return result;
        }
        if constexpr (std::is_same_v<Stream, TlsStream>) {
            auto& tls = ws_.next_layer();
            SSL_set_tlsext_host_name(tls.native_handle(), "localhost");
            done = false;
            tls.async_handshake(ssl::stream_base::client, [&](boost::system::error_code ec) {
                error = ec;
                done = true;
            });
            if (!run_until([&] { return done; }, deadline) || error) {
                result.error = done ? "tls: " + error.message() : "tls: timeout";
                abort_io();
                return result;
            }
        }
        ws_.set_option(websocket::stream_base::decorator([options](websocket::request_type& request) {
            if (!options.subprotocol.empty()) {
                request.set(http::field::sec_websocket_protocol, options.subprotocol);
            }
            if (!options.authorization.empty()) {
                request.set(http::field::authorization, options.authorization);
            }
        }));
        done = false;
        ws_.async_handshake(response_, "127.0.0.1:" + std::to_string(port), path, [&](boost::system::error_code ec) {
            error = ec;
            done = true;
        });
        if (!run_until([&] { return done; }, deadline)) {
            result.error = "handshake: timeout";
            abort_io();
            return result;
        }
        result.http_status = response_.result_int();
        result.subprotocol = std::string(response_[http::field::sec_websocket_protocol]);
        if (error) {
            result.error = "handshake: " + error.message();
            return result;
        }
        result.ok = true;
        open_ = true;
        start_read();
        return result;
    }

    bool send_text(const std::string& text, std::chrono::milliseconds limit) override
    {
        return send(text, true, limit);
    }
    bool send_binary(const std::string& data, std::chrono::milliseconds limit) override
    {
        return send(data, false, limit);
    }

    // The next message from the server, or closed, or timeout.
    ReadResult read(std::chrono::milliseconds limit) override
    {
        run_until([this] { return !inbox_.empty() || closed_; }, ws_detail::Clock::now() + limit);
        ReadResult r;
        if (!inbox_.empty()) {
            r = std::move(inbox_.front());
            inbox_.pop_front();
            return r;
        }
        if (closed_) {
            r.status = ReadStatus::closed;
            r.close_code = close_code_;
            r.error = read_error_;
            return r;
        }
        r.status = ReadStatus::timeout;
        return r;
    }

    // Sends a CALL and returns the reply with the same unique id, parsed;
    // throws when none comes within the limit.
    rapidjson::Document call(const std::string& action, const std::string& payload_json,
                             std::chrono::milliseconds limit) override
    {
        std::string id = "t-" + std::to_string(++call_number_);
        rapidjson::Document payload;
        payload.Parse(payload_json.data(), payload_json.size());
        if (payload.HasParseError()) {
            throw std::invalid_argument("call(" + action + "): payload is not JSON: " + payload_json);
        }
        rapidjson::StringBuffer buffer;
        rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
        w.StartArray();
        w.Int(2);
        w.String(id.c_str());
        w.String(action.c_str());
        payload.Accept(w);
        w.EndArray();
        return send_and_wait(std::string(buffer.GetString(), buffer.GetSize()), id, limit);
    }

    // Sends any text and returns the reply carrying unique id `id`.
    rapidjson::Document send_and_wait(const std::string& frame, const std::string& id,
                                      std::chrono::milliseconds limit) override
    {
        auto deadline = ws_detail::Clock::now() + limit;
        if (!send_text(frame, limit)) {
            throw std::runtime_error("send failed: " + read_error_ + " (frame " + frame.substr(0, 200) + ")");
        }
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - ws_detail::Clock::now());
            auto r = read(std::max(left, 0ms));
            if (r.status != ReadStatus::message) {
                throw std::runtime_error("no reply to " + frame.substr(0, 200) + ": " + to_string(r.status) +
                                         (r.close_code ? " code " + std::to_string(*r.close_code) : "") + " " +
                                         r.error);
            }
            rapidjson::Document doc;
            doc.Parse(r.text.data(), r.text.size());
            if (!doc.HasParseError() && doc.IsArray() && doc.Size() >= 2 && doc[1].IsString() &&
                id == doc[1].GetString()) {
                return doc;
            }
            unmatched_.push_back(std::move(r.text));
        }
    }

    // Waits until the server closes the connection.
    ReadResult wait_closed(std::chrono::milliseconds limit) override
    {
        auto deadline = ws_detail::Clock::now() + limit;
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - ws_detail::Clock::now());
            auto r = read(std::max(left, 0ms));
            if (r.status != ReadStatus::message) {
                return r;
            }
            unmatched_.push_back(std::move(r.text));
        }
    }

    // A polite close from our side (code 1000), waiting for the echo.
    void close(std::chrono::milliseconds limit) override
    {
        using namespace ws_detail;
        if (!open_ || closed_) {
            return;
        }
        bool done = false;
        ws_.async_close(websocket::close_code::normal, [&](boost::system::error_code) { done = true; });
        run_until([&] { return done && closed_; }, Clock::now() + limit);
    }

    bool is_closed() const override { return closed_; }
    const std::deque<std::string>& unmatched() const override { return unmatched_; }

private:
    bool send(const std::string& data, bool text, std::chrono::milliseconds limit)
    {
        using namespace ws_detail;
        if (!open_ || closed_) {
            return false;
        }
        auto buffer = std::make_shared<std::string>(data);
        bool done = false;
        boost::system::error_code error;
        ws_.binary(!text);
        ws_.async_write(asio::buffer(*buffer), [&, buffer](boost::system::error_code ec, std::size_t) {
            error = ec;
            done = true;
        });
        if (!run_until([&] { return done; }, Clock::now() + limit)) {
            read_error_ = "write: timeout";
            abort_io();
            run_until([&] { return done; }, Clock::now() + 1s);
            return false;
        }
        if (error) {
            read_error_ = "write: " + error.message();
        }
        return !error;
    }

    void start_read()
    {
        using namespace ws_detail;
        ws_.async_read(buffer_, [this](boost::system::error_code ec, std::size_t) {
            if (ec) {
                closed_ = true;
                if (ec == websocket::error::closed) {
                    close_code_ = static_cast<std::uint16_t>(ws_.reason().code);
                } else {
                    read_error_ = ec.message();
                }
                return;
            }
            ReadResult r;
            r.status = ReadStatus::message;
            r.binary = !ws_.got_text();
            r.text = beast::buffers_to_string(buffer_.data());
            buffer_.consume(buffer_.size());
            inbox_.push_back(std::move(r));
            start_read();
        });
    }

    // Runs handlers until done() or the deadline; returns done().
    template <class Done> bool run_until(Done done, ws_detail::Clock::time_point deadline)
    {
        while (!done()) {
            if (ioc_.stopped()) {
                ioc_.restart();
            }
            if (ioc_.run_one_until(deadline) == 0) {
                return done();
            }
        }
        return true;
    }

    void abort_io()
    {
        boost::system::error_code ignored;
        ws_detail::beast::get_lowest_layer(ws_).socket().close(ignored);
        closed_ = true;
        ioc_.restart();
        ioc_.poll();
    }

    boost::asio::io_context ioc_;
    std::shared_ptr<ws_detail::ssl::context> tls_;
    ws_detail::websocket::stream<Stream> ws_;
    ws_detail::websocket::response_type response_;
    ws_detail::beast::flat_buffer buffer_;
    std::deque<ReadResult> inbox_;
    std::deque<std::string> unmatched_;
    bool open_ = false;
    bool closed_ = false;
    std::optional<std::uint16_t> close_code_;
    std::string read_error_;
    std::uint64_t call_number_ = 0;
};

WsClient::WsClient() : impl_(std::make_unique<WsClientImplT<ws_detail::PlainStream>>()) {}
WsClient::~WsClient() = default;

ConnectResult WsClient::connect(std::uint16_t port, const std::string& path, const std::string& subprotocol,
                                std::chrono::milliseconds limit)
{
    ConnectOptions options;
    options.subprotocol = subprotocol;
    return connect(port, path, options, limit);
}

ConnectResult WsClient::connect(std::uint16_t port, const std::string& path, const ConnectOptions& options,
                                std::chrono::milliseconds limit)
{
    if (options.tls) {
        impl_ = std::make_unique<WsClientImplT<ws_detail::TlsStream>>(client_tls_context(options));
    } else {
        impl_ = std::make_unique<WsClientImplT<ws_detail::PlainStream>>();
    }
    return impl_->connect(port, path, options, limit);
}

bool WsClient::send_text(const std::string& text, std::chrono::milliseconds limit)
{
    return impl_->send_text(text, limit);
}
bool WsClient::send_binary(const std::string& data, std::chrono::milliseconds limit)
{
    return impl_->send_binary(data, limit);
}
ReadResult WsClient::read(std::chrono::milliseconds limit)
{
    return impl_->read(limit);
}
rapidjson::Document WsClient::call(const std::string& action, const std::string& payload_json,
                                   std::chrono::milliseconds limit)
{
    return impl_->call(action, payload_json, limit);
}
rapidjson::Document WsClient::send_and_wait(const std::string& frame, const std::string& id,
                                            std::chrono::milliseconds limit)
{
    return impl_->send_and_wait(frame, id, limit);
}
ReadResult WsClient::wait_closed(std::chrono::milliseconds limit)
{
    return impl_->wait_closed(limit);
}
void WsClient::close(std::chrono::milliseconds limit)
{
    impl_->close(limit);
}
bool WsClient::is_closed() const
{
    return impl_->is_closed();
}
const std::deque<std::string>& WsClient::unmatched() const
{
    return impl_->unmatched();
}

std::string basic_authorization(const std::string& user, const std::string& password)
{
    std::string plain = user + ":" + password;
    std::string encoded;
    encoded.resize(boost::beast::detail::base64::encoded_size(plain.size()));
    encoded.resize(boost::beast::detail::base64::encode(encoded.data(), plain.data(), plain.size()));
    return "Basic " + encoded;
}

} // namespace csms::test

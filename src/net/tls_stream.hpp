#pragma once
// The server side of a TLS connection without buffers of its own: the SSL
// object reads and writes the non-blocking socket itself (SSL_set_fd), and an
// operation that OpenSSL cannot finish now waits for the socket to become
// readable or writable (socket.async_wait) and tries again. An idle session
// holds the SSL object and nothing else; OpenSSL's record buffers exist only
// while a record is in flight (SSL_MODE_RELEASE_BUFFERS). Why not
// asio::ssl::stream: docs/decisions/0008-reactive-tls-stream.md.
//
// Satisfies Beast's AsyncStream for websocket::stream and http::async_read /
// async_write, with one read and one write pending at once. Every operation
// must run on the socket's executor (the session's strand), so two SSL calls
// never overlap. Internal to net/: include only from net/*.cpp.
#include <boost/asio/append.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/role.hpp>
#include <openssl/ssl.h>

#include <cstddef>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>

namespace csms::net {

class TlsStream {
public:
    using socket_type = boost::asio::ip::tcp::socket;
    using executor_type = socket_type::executor_type;
    using error_code = boost::system::error_code;

    // Takes the accepted socket; the SSL object keeps `context` alive.
    // Throws std::bad_alloc when OpenSSL cannot allocate the SSL object.
    TlsStream(socket_type&& socket, std::shared_ptr<boost::asio::ssl::context> context);
    TlsStream(TlsStream&& other) noexcept;
    TlsStream& operator=(TlsStream&&) = delete;
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;
    ~TlsStream();

    executor_type get_executor() { return socket_.get_executor(); }
    // The socket is the lowest layer: beast::get_lowest_layer() finds it here.
    socket_type& next_layer() { return socket_; }
    const socket_type& next_layer() const { return socket_; }
    SSL* native_handle() { return ssl_; }

    // The server handshake: void(error_code).
    template <class Token> auto async_handshake(Token&& token)
    {
        return boost::asio::async_compose<Token, void(error_code)>(Op<HandshakeStep>{{this}}, token, socket_);
    }
    // void(error_code, std::size_t): reads at most one record's worth.
    template <class MutableBuffers, class Token> auto async_read_some(const MutableBuffers& buffers, Token&& token)
    {
        return boost::asio::async_compose<Token, void(error_code, std::size_t)>(
            Op<ReadStep<MutableBuffers>>{{this, buffers}}, token, socket_);
    }
    // void(error_code, std::size_t): writes at most one record (16 KiB).
    template <class ConstBuffers, class Token> auto async_write_some(const ConstBuffers& buffers, Token&& token)
    {
        return boost::asio::async_compose<Token, void(error_code, std::size_t)>(
            Op<WriteStep<ConstBuffers>>{{this, buffers}}, token, socket_);
    }
    // close_notify, then the TCP teardown a WebSocket server does: shut
    // down the sending side, discard input until the peer closes, close.
    // void(error_code).
    template <class Token> auto async_teardown(Token&& token)
    {
        return boost::asio::async_compose<Token, void(error_code)>(Op<TeardownStep>{{this}}, token, socket_);
    }
    // The same without waiting: close_notify if it fits, then close.
    void teardown(error_code& ec);

private:
    // What one attempt needs before it can go on.
    enum class Want { done, read, write };

    // One attempt of each operation, run on the strand. `done` fills ec
    // (and bytes); read or write asks to wait for the socket.
    Want try_handshake(error_code& ec);
    Want try_read(void* data, std::size_t size, error_code& ec, std::size_t& bytes);
    Want try_write(const void* data, std::size_t size, error_code& ec, std::size_t& bytes);
    Want try_shutdown(error_code& ec);
    Want try_drain(error_code& ec);
    void shutdown_send();
    // SSL_get_error's verdict: what to wait for, or the outcome in ec.
    Want after_call(int ok, int saved_errno, error_code& ec);

    // A step of an operation: attempt() tries once and reports what it needs.
    struct HandshakeStep {
        TlsStream* stream;
        std::size_t bytes = 0;
        Want attempt(error_code& ec) { return stream->try_handshake(ec); }
    };
    template <class Buffers> struct ReadStep {
        TlsStream* stream;
        Buffers buffers;
        std::size_t bytes = 0;
        Want attempt(error_code& ec)
        {
            // One buffer at a time is what read_some promises; Beast's
            // buffers (flat_buffer, the frame buffer) are one piece anyway.
            for (auto it = boost::asio::buffer_sequence_begin(buffers); it != boost::asio::buffer_sequence_end(buffers);
                 ++it) {
                boost::asio::mutable_buffer b(*it);
                if (b.size() != 0) {
                    return stream->try_read(b.data(), b.size(), ec, bytes);
                }
            }
            return Want::done; // nothing to read into: 0 bytes, at once
        }
    };
    template <class Buffers> struct WriteStep {
        TlsStream* stream;
        Buffers buffers;
        std::size_t bytes = 0;
        Want attempt(error_code& ec)
        {
            // A WebSocket frame is a header and a payload in two buffers:
            // gathered into one record, not a 2-byte record and another.
            // The copy is rebuilt on a retry (same bytes, maybe another
            // address: SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER).
            auto begin = boost::asio::buffer_sequence_begin(buffers);
            auto end = boost::asio::buffer_sequence_end(buffers);
            boost::asio::const_buffer first;
            auto it = begin;
            for (; it != end; ++it) {
                first = boost::asio::const_buffer(*it);
                if (first.size() != 0) {
                    break;
                }
            }
            if (it == end) {
                return Want::done;
            }
            if (first.size() >= record_bytes || std::next(it) == end) {
                return stream->try_write(first.data(), first.size(), ec, bytes);
            }
            unsigned char* scratch = gather_buffer();
            std::size_t size = 0;
            for (; it != end && size < record_bytes; ++it) {
                size += boost::asio::buffer_copy(boost::asio::buffer(scratch + size, record_bytes - size), *it);
            }
            return stream->try_write(scratch, size, ec, bytes);
        }
    };
    struct TeardownStep {
        TlsStream* stream;
        std::size_t bytes = 0;
        bool shut = false; // close_notify is out (or could not be sent)
        Want attempt(error_code& ec)
        {
            if (!shut) {
                Want want = stream->try_shutdown(ec);
                if (want != Want::done) {
                    return want;
                }
                shut = true;
                stream->shutdown_send();
            }
            return stream->try_drain(ec);
        }
    };

    // Drives a step: try; on read/write wait for the socket and try again;
    // complete never inside the initiating call (posted instead).
    template <class Step> struct Op {
        Step step;
        error_code result{};
        bool waited = false;
        bool finished = false;

        template <class Self> void operator()(Self& self, error_code ec = {})
        {
            if (!finished) {
                Want want = Want::done;
                if (ec) {
                    result = ec; // the wait failed: the socket was closed (timeout, abort)
                } else {
                    want = step.attempt(result);
                }
                if (want != Want::done) {
                    waited = true;
                    auto& socket = step.stream->socket_;
                    return socket.async_wait(want == Want::read ? socket_type::wait_read : socket_type::wait_write,
                                             std::move(self));
                }
                finished = true;
                if (!waited) {
                    auto executor = step.stream->socket_.get_executor();
                    return boost::asio::post(executor, std::move(self));
                }
            }
            complete(self);
        }

        template <class Self> void complete(Self& self)
        {
            if constexpr (std::is_same_v<Step, HandshakeStep> || std::is_same_v<Step, TeardownStep>) {
                self.complete(result);
            } else {
                self.complete(result, step.bytes);
            }
        }
    };

    // The largest TLS record's payload.
    static constexpr std::size_t record_bytes = 16 * 1024;
    // Per-thread space for gathering a write; valid until the next attempt.
    static unsigned char* gather_buffer();

    socket_type socket_;
    std::shared_ptr<boost::asio::ssl::context> context_;
    SSL* ssl_ = nullptr;
    bool broken_ = false; // a fatal TLS error: no close_notify any more
};

// Beast's WebSocket close finds these by argument-dependent lookup.
void teardown(boost::beast::role_type role, TlsStream& stream, boost::system::error_code& ec);

template <class TeardownHandler>
void async_teardown(boost::beast::role_type, TlsStream& stream, TeardownHandler&& handler)
{
    stream.async_teardown(std::forward<TeardownHandler>(handler));
}

} // namespace csms::net

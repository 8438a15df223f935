#include "net/tls_stream.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <openssl/err.h>

#include <array>
#include <cerrno>
#include <new>

namespace csms::net {
namespace {

namespace asio = boost::asio;

// Every attempt starts with a clean error queue: it is per thread, and a
// stale entry from another session's failure would be misread as ours.
void clear_errors()
{
    ERR_clear_error();
    errno = 0;
}

} // namespace

TlsStream::TlsStream(socket_type&& socket, std::shared_ptr<asio::ssl::context> context)
    : socket_(std::move(socket)), context_(std::move(context)), ssl_(SSL_new(context_->native_handle()))
{
    if (ssl_ == nullptr) {
        ERR_clear_error();
        throw std::bad_alloc();
    }
    // RELEASE_BUFFERS: the 17 KB read and write buffers are freed whenever
    // no record is half-read or half-sent, which is almost always for a
    // charger. PARTIAL_WRITE: write_some semantics (one record). MOVING:
    // a retried write may come from another address (gather_buffer()).
    SSL_set_mode(ssl_, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    error_code ignored;
    socket_.non_blocking(true, ignored); // OpenSSL's reads and writes must never block the thread
    if (SSL_set_fd(ssl_, static_cast<int>(socket_.native_handle())) != 1) {
        SSL_free(ssl_);
        ERR_clear_error();
        throw std::bad_alloc();
    }
    SSL_set_accept_state(ssl_);
}

TlsStream::TlsStream(TlsStream&& other) noexcept
    : socket_(std::move(other.socket_)), context_(std::move(other.context_)), ssl_(std::exchange(other.ssl_, nullptr)),
      broken_(other.broken_)
{
}

TlsStream::~TlsStream()
{
    // SSL_free does no I/O and the socket BIO does not own the descriptor
    // (BIO_NOCLOSE): the socket closes it, after this.
    if (ssl_ != nullptr) {
        SSL_free(ssl_);
    }
}

unsigned char* TlsStream::gather_buffer()
{
    thread_local std::array<unsigned char, record_bytes> buffer;
    return buffer.data();
}

TlsStream::Want TlsStream::after_call(int ok, int saved_errno, error_code& ec)
{
    if (ok > 0) {
        ec = {};
        return Want::done;
    }
    switch (SSL_get_error(ssl_, ok)) {
    case SSL_ERROR_WANT_READ:
        return Want::read;
    case SSL_ERROR_WANT_WRITE:
        return Want::write;
    case SSL_ERROR_ZERO_RETURN:
        ec = asio::error::eof; // close_notify: a clean end
        break;
    case SSL_ERROR_SYSCALL:
        broken_ = true;
        // errno 0: the peer closed TCP without close_notify.
        ec = saved_errno != 0 ? error_code(saved_errno, boost::system::system_category())
                              : error_code(asio::ssl::error::stream_truncated);
        break;
    case SSL_ERROR_SSL: {
        broken_ = true;
        // The same codes asio::ssl::stream reports, so logs read the same
        // ("tlsv1 alert unknown ca").
        const unsigned long code = ERR_get_error();
        if (ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
            ec = asio::ssl::error::stream_truncated;
        } else {
            ec = error_code(static_cast<int>(code), asio::error::get_ssl_category());
        }
        break;
    }
    default:
        broken_ = true;
        ec = asio::error::fault;
        break;
    }
    ERR_clear_error();
    return Want::done;
}

TlsStream::Want TlsStream::try_handshake(error_code& ec)
{
    if (!socket_.is_open()) {
        // Closed on this strand (deadline, abort): the descriptor number may
        // already belong to another connection, so OpenSSL must not touch it.
        ec = asio::error::operation_aborted;
        return Want::done;
    }
    clear_errors();
    int ok = SSL_do_handshake(ssl_);
    return after_call(ok, errno, ec);
}

TlsStream::Want TlsStream::try_read(void* data, std::size_t size, error_code& ec, std::size_t& bytes)
{
    bytes = 0;
    if (!socket_.is_open()) {
        ec = asio::error::operation_aborted;
        return Want::done;
    }
    clear_errors();
    int ok = SSL_read_ex(ssl_, data, size, &bytes);
    return after_call(ok, errno, ec);
}

TlsStream::Want TlsStream::try_write(const void* data, std::size_t size, error_code& ec, std::size_t& bytes)
{
    bytes = 0;
    if (!socket_.is_open()) {
        ec = asio::error::operation_aborted;
        return Want::done;
    }
    clear_errors();
    int ok = SSL_write_ex(ssl_, data, size, &bytes);
    return after_call(ok, errno, ec);
}

TlsStream::Want TlsStream::try_shutdown(error_code& ec)
{
    ec = {};
    // After a fatal error OpenSSL forbids SSL_shutdown; during a handshake
    // there is nothing to close politely.
    if (!socket_.is_open() || broken_ || SSL_in_init(ssl_)) {
        return Want::done;
    }
    clear_errors();
    int r = SSL_shutdown(ssl_); // 0: our close_notify is out; 1: the peer's came too
    if (r < 0 && SSL_get_error(ssl_, r) == SSL_ERROR_WANT_WRITE) {
        return Want::write;
    }
    ERR_clear_error();
    return Want::done; // best effort: the socket closes next either way
}

TlsStream::Want TlsStream::try_drain(error_code& ec)
{
    ec = {};
    if (!socket_.is_open()) {
        return Want::done;
    }
    // Closing with unread input would send a reset that can overtake our
    // close_notify and close frame; read what the peer still sends (its own
    // close_notify) until it closes. The WebSocket close timeout bounds this
    // by closing the socket.
    std::array<char, 512> scratch;
    for (int reads = 0; reads < 64; ++reads) {
        error_code rec;
        socket_.read_some(asio::buffer(scratch), rec);
        if (rec == asio::error::would_block || rec == asio::error::try_again) {
            return Want::read;
        }
        if (rec) {
            break; // eof, reset: done
        }
    }
    error_code ignored;
    socket_.close(ignored);
    return Want::done;
}

void TlsStream::shutdown_send()
{
    error_code ignored;
    socket_.shutdown(socket_type::shutdown_send, ignored);
}

void TlsStream::teardown(error_code& ec)
{
    error_code ignored;
    try_shutdown(ignored); // one attempt: this must not wait
    shutdown_send();
    socket_.close(ignored);
    ec = {};
}

void teardown(boost::beast::role_type, TlsStream& stream, boost::system::error_code& ec)
{
    stream.teardown(ec);
}

} // namespace csms::net

#pragma once
// A charger that misbehaves below WebSocket: a plain TCP socket that does the
// upgrade by hand and then answers nothing (no pongs, no close replies), as a
// half-open or hung charger would. Reads only discard bytes, with a deadline.
// connect() alone is a client that never even starts its handshake.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <cstdint>
#include <istream>
#include <string>

namespace csms::test {

class RawSocket {
public:
    RawSocket() : socket_(ioc_) {}

    // Connects and sends nothing.
    void connect(std::uint16_t port) { socket_.connect({boost::asio::ip::make_address("127.0.0.1"), port}); }

    // Connects and sends an ocpp1.6 upgrade for `path`; returns the status line
    // of the answer ("" if none came within the limit).
    std::string upgrade(std::uint16_t port, const std::string& path,
                        std::chrono::milliseconds limit = std::chrono::seconds(5),
                        const std::string& extra_headers = "")
    {
        namespace asio = boost::asio;
        socket_.connect({asio::ip::make_address("127.0.0.1"), port});
        const std::string request = "GET " + path +
                                    " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                                    "Sec-WebSocket-Protocol: ocpp1.6\r\n" +
                                    extra_headers + "\r\n";
        asio::write(socket_, asio::buffer(request));
        asio::async_read_until(socket_, headers_, "\r\n\r\n", [this](boost::system::error_code ec, std::size_t) {
            if (!ec) {
                std::istream in(&headers_);
                std::getline(in, status_);
                if (!status_.empty() && status_.back() == '\r') {
                    status_.pop_back();
                }
                for (std::string line; std::getline(in, line) && line != "\r";) {
                    response_headers_ += line + "\n";
                }
            }
        });
        ioc_.restart();
        ioc_.run_for(limit);
        return status_;
    }

    // The header lines after the status line of upgrade()'s answer, each
    // ending in "\r\n".
    const std::string& response_headers() const { return response_headers_; }

    // Discards whatever arrives until the server closes the connection;
    // false if it is still open at the deadline.
    bool wait_eof(std::chrono::milliseconds limit)
    {
        if (!reading_) {
            reading_ = true;
            read_loop();
        }
        ioc_.restart();
        ioc_.run_for(limit);
        return eof_;
    }

private:
    void read_loop()
    {
        socket_.async_read_some(boost::asio::buffer(scratch_), [this](boost::system::error_code ec, std::size_t) {
            if (ec) {
                eof_ = true;
                return;
            }
            read_loop();
        });
    }

    boost::asio::io_context ioc_;
    boost::asio::ip::tcp::socket socket_;
    boost::asio::streambuf headers_;
    char scratch_[4096];
    std::string status_;
    std::string response_headers_;
    bool reading_ = false;
    bool eof_ = false;
};

} // namespace csms::test

#pragma once
// Owns everything csmsd runs: the io_context and its threads, the writer,
// the listeners. start() brings them up in dependency order, shutdown()
// takes them down in reverse, losing nothing already acknowledged.
#include "app/settings.hpp"

#include <memory>
#include <string>

namespace csms::app {

class Server {
public:
    explicit Server(Settings settings);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Opens the database, binds the listeners and starts the worker threads.
    // Throws with a one-line reason if any of it fails.
    void start();

    // "csmsd ready ws=HOST:PORT wss=- admin=HOST:PORT" with the bound ports.
    std::string ready_line() const;

    // Blocks until SIGINT/SIGTERM, then shuts down gracefully.
    void run_until_signal();

    // Stop accepting, let in-flight messages commit and their answers leave,
    // close every session with 1001, flush the writer, stop the threads.
    void shutdown();

    struct Parts;

private:
    std::unique_ptr<Parts> parts_;
};

} // namespace csms::app

#pragma once
// Moves the WAL into the database file off the writer thread. The writer's
// connection runs with wal_autocheckpoint=0, because an automatic checkpoint
// runs inside the COMMIT that crosses the threshold and stalls that batch's
// replies for 6-15 ms. This thread has its own connection and runs a PASSIVE
// checkpoint (never blocks the writer) when the writer reports that the WAL
// has grown, or once per interval.
//
// Under continuous load the WAL would never restart from its beginning:
// that needs a checkpoint to have caught up at the moment the writer begins,
// and the writer is always a batch ahead. So after each background
// checkpoint the writer copies the few pages it left, between two batches
// (catch_up()), and its next transaction starts the WAL again. Past a size
// bound (a reader holding an old snapshot, a checkpoint that fell behind)
// the writer runs a TRUNCATE checkpoint instead (truncate()), so the WAL
// cannot grow without limit.
//
// Thread-safety: wal_grew() and wal_over_limit() may be called from any
// thread; truncate() and catch_up() on the thread that owns the connection
// they are given; stop() from any thread but the checkpointer's own.
#include "base/metrics.hpp"
#include "store/database.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace csms::store {

class Checkpointer {
public:
    struct Options {
        // WAL frames (pages) written since the last checkpoint that wake the
        // thread. A checkpoint copies each page once however many commits
        // wrote it, and under load the same pages (each connector's newest
        // samples page) are written by commit after commit: 10,000 frames
        // between checkpoints copy a third of the pages 1,000 did, at 40 MB
        // of WAL (decision 0017).
        int pages = 10'000;
        // A checkpoint runs at least this often while the WAL is not empty.
        std::chrono::milliseconds interval{1000};
        // The writer catches up (catch_up()) when at most this many pages
        // are left to copy.
        int catch_up_pages = 4096;
        // Past this size the writer truncates the WAL (see above).
        std::int64_t wal_limit_bytes = 256 * 1024 * 1024;
    };

    // Opens its own connection to path (which must exist, in WAL mode).
    Checkpointer(const std::string& path, Options options, base::Metrics& metrics);
    ~Checkpointer(); // calls stop()
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;

    // frames: the WAL's size in pages after a commit (sqlite3_wal_hook).
    // Cheap: a compare under a short lock, no I/O.
    void wal_grew(int frames);

    // The WAL has passed wal_limit_bytes since the last truncate().
    bool wal_over_limit() const { return over_limit_.load(std::memory_order_relaxed); }
    // A TRUNCATE checkpoint on the writer's connection, outside a
    // transaction; it never waits for readers (see the .cpp).
    void truncate(Database& writer_db) noexcept;

    // Between two batches: once a background checkpoint has copied all but
    // the last few batches' pages, the writer copies those itself (a few
    // milliseconds), so its next transaction starts the WAL again from the
    // beginning. The WAL then stays near `pages` long and is never
    // truncated under load: a truncation stalled every batch behind it for
    // a tenth of a second or more.
    void catch_up(Database& writer_db) noexcept;

    // Idempotent; joins the thread. Checkpoints that are running finish first.
    void stop();

private:
    void run() noexcept;
    // The SQLite result code; *copied: the WAL frames now in the database.
    int checkpoint(Database& db, int mode, int* copied = nullptr) noexcept;
    // On the writer's connection, between two batches.
    int checkpoint_without_waiting(Database& writer_db, int mode) noexcept;

    Options options_;
    Database db_;
    std::int64_t frame_bytes_ = 0;

    base::Counter& checkpoints_;
    base::Counter& truncations_;
    base::Counter& failures_;
    base::Counter& catch_ups_;
    base::Histogram& seconds_;
    base::Gauge& wal_frames_;
    base::Counter& wal_pages_written_;

    std::mutex mutex_;
    std::condition_variable wake_;
    int frames_ = 0;       // latest WAL size reported by the writer
    int checkpointed_ = 0; // WAL size at the last checkpoint
    bool stopping_ = false;
    std::atomic<bool> over_limit_{false};
    std::atomic<int> copied_{0}; // frames the last background checkpoint left in the database; 0 once used
    std::thread thread_;         // last: starts once everything above exists
};

} // namespace csms::store

#pragma once
// The --verbose trace: one line per frame, "{chargerId} > text" for sent and
// "{chargerId} < text" for received, plus "{chargerId} ! reason" when a
// charger fails. Many strands write, so each line is written under a lock and
// lines never interleave.
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace csms::sim {

class FrameLog {
public:
    FrameLog(std::FILE* out, bool enabled) : out_(out), enabled_(enabled) {}

    bool enabled() const { return enabled_; }

    void line(std::string_view charger, char marker, std::string_view text)
    {
        if (!enabled_) {
            return;
        }
        std::string l;
        l.reserve(charger.size() + text.size() + 4);
        l.append(charger).append(" ").append(1, marker).append(" ").append(text).append("\n");
        std::lock_guard lock(mutex_);
        std::fwrite(l.data(), 1, l.size(), out_);
        std::fflush(out_);
    }

private:
    std::FILE* out_;
    bool enabled_;
    std::mutex mutex_;
};

} // namespace csms::sim

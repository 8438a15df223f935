#pragma once
// tools/webhook-sink or tools/smtp-sink, the stand-ins the alerts
// walkthrough in docs/operators.md runs, as a real child process on a free
// port: what it printed is read with deadlines and taken apart here.
#include "support/child_process.hpp"
#include "support/http_receiver.hpp"
#include "support/source_tree.hpp"
#include "support/temp_dir.hpp"

#include <cctype>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace csms::test {

class ToolSink {
public:
    // name: "webhook-sink" or "smtp-sink"; port 0, so the sink says which it took.
    ToolSink(const TempDir& dir, const std::string& name)
        : name_(name), stderr_path_(dir.file(name + ".err")),
          child_(std::vector<std::string>{source_path("tools/" + name), "0"}, stderr_path_)
    {
        auto line = child_.read_line(std::chrono::seconds(10));
        const std::string prefix = name + " listening on 127.0.0.1:";
        if (!line || line->rfind(prefix, 0) != 0) {
            throw std::runtime_error(name + " did not say where it listens (" + line.value_or("nothing") +
                                     "); its stderr: " + read_text_file(stderr_path_));
        }
        port_ = static_cast<std::uint16_t>(std::stoul(line->substr(prefix.size())));
    }

    std::uint16_t port() const { return port_; }
    bool running() { return child_.running(); }
    std::string errors() const { return read_text_file(stderr_path_); }

    // Everything printed after the first line so far, waiting `limit` for more.
    const std::string& output(std::chrono::milliseconds limit = std::chrono::milliseconds(20))
    {
        output_ += child_.read_all(limit);
        return output_;
    }

private:
    std::string name_;
    std::string stderr_path_;
    ChildProcess child_;
    std::uint16_t port_ = 0;
    std::string output_;
};

// webhook-sink's output: per request its request line, headers, a blank
// line, the body on one line (csmsd's bodies are one-line JSON), a blank line.
inline std::vector<ReceivedRequest> printed_requests(const std::string& output)
{
    std::vector<ReceivedRequest> requests;
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream first(line);
        ReceivedRequest request;
        if (!(first >> request.method >> request.target) || line.find(" HTTP/1.") == std::string::npos) {
            continue;
        }
        bool complete = false;
        while (std::getline(in, line)) {
            if (line.empty()) {
                // The body, then the blank line that shows it was printed whole.
                std::string blank;
                complete = std::getline(in, request.body) && std::getline(in, blank) && blank.empty();
                break;
            }
            auto colon = line.find(':');
            if (colon == std::string::npos) {
                continue;
            }
            std::string name = line.substr(0, colon);
            for (auto& c : name) {
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            }
            auto value = line.find_first_not_of(' ', colon + 1);
            request.headers[name] = value == std::string::npos ? std::string() : line.substr(value);
        }
        if (complete) {
            requests.push_back(std::move(request));
        }
    }
    return requests;
}

struct PrintedMail {
    std::string envelope; // "mail from <a@b> to <c@d>"
    std::string message;  // headers, blank line, body; '\n' line ends, as on the wire (dot-stuffed)
};

// smtp-sink's output: per mail its envelope line, the message, a "." line.
inline std::vector<PrintedMail> printed_mails(const std::string& output)
{
    std::vector<PrintedMail> mails;
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("mail from <", 0) != 0) {
            continue;
        }
        PrintedMail mail{line, {}};
        while (std::getline(in, line)) {
            if (line == ".") {
                mails.push_back(std::move(mail));
                break;
            }
            mail.message += line + "\n";
        }
    }
    return mails;
}

} // namespace csms::test

#include "base/metrics.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace csms::base {
namespace {

std::string render_labels(const Labels& labels)
{
    if (labels.empty()) {
        return {};
    }
    std::string out = "{";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) {
            out += ',';
        }
        out += labels[i].first;
        out += "=\"";
        for (char c : labels[i].second) {
            if (c == '"' || c == '\\') {
                out += '\\';
                out += c;
            } else if (c == '\n') {
                out += "\\n";
            } else {
                out += c;
            }
        }
        out += '"';
    }
    out += '}';
    return out;
}

// `labels` (rendered, maybe empty) with one more label at its end.
std::string with_label(const std::string& labels, std::string_view name, std::string_view value)
{
    std::string out;
    out.reserve(labels.size() + name.size() + value.size() + 5);
    if (labels.empty()) {
        out += '{';
    } else {
        out.append(labels, 0, labels.size() - 1);
        out += ',';
    }
    out.append(name);
    out += "=\"";
    out.append(value);
    out += "\"}";
    return out;
}

void append_sample(std::string& out, const std::string& name, std::string_view suffix, const std::string& labels,
                   std::string_view value)
{
    out += name;
    out.append(suffix);
    out += labels;
    out += ' ';
    out.append(value);
    out += '\n';
}

} // namespace

std::string format_sample_value(double value)
{
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return ec == std::errc{} ? std::string(buffer, end) : std::string("NaN");
}

Histogram::Histogram(const std::vector<double>& bounds_seconds)
    : bounds_(bounds_seconds), buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_seconds.size() + 1))
{
    for (std::size_t i = 0; i < bounds_.size(); ++i) {
        if (!(bounds_[i] > 0) || std::isinf(bounds_[i]) || (i > 0 && bounds_[i] <= bounds_[i - 1])) {
            throw std::logic_error("histogram bounds must be positive, finite and ascending");
        }
        bounds_ns_.push_back(std::llround(bounds_[i] * 1e9));
    }
}

Histogram::Snapshot Histogram::snapshot() const
{
    Snapshot s;
    s.cumulative.reserve(bounds_.size() + 1);
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        s.count += buckets_[i].load(std::memory_order_relaxed);
        s.cumulative.push_back(s.count);
    }
    s.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
    return s;
}

Metrics::Family& Metrics::family(const std::string& name, const std::string& help, Kind kind)
{
    auto [it, inserted] = families_.try_emplace(name);
    if (inserted) {
        it->second.kind = kind;
        it->second.help = help;
    } else if (it->second.kind != kind) {
        throw std::logic_error("metric " + name + " registered with two kinds");
    }
    return it->second;
}

Counter& Metrics::counter(const std::string& name, const std::string& help, const Labels& labels)
{
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, Kind::counter).counters[render_labels(labels)];
    if (!slot) {
        slot = std::make_unique<Counter>();
    }
    return *slot;
}

Gauge& Metrics::gauge(const std::string& name, const std::string& help, const Labels& labels)
{
    std::lock_guard lock(mutex_);
    auto& slot = family(name, help, Kind::gauge).gauges[render_labels(labels)];
    if (!slot) {
        slot = std::make_unique<Gauge>();
    }
    return *slot;
}

Histogram& Metrics::histogram(const std::string& name, const std::string& help,
                              const std::vector<double>& bounds_seconds, const Labels& labels)
{
    std::lock_guard lock(mutex_);
    auto& fam = family(name, help, Kind::histogram);
    if (!fam.histograms.empty() && fam.histograms.begin()->second->bounds() != bounds_seconds) {
        throw std::logic_error("histogram " + name + " registered with two sets of buckets");
    }
    auto& slot = fam.histograms[render_labels(labels)];
    if (!slot) {
        slot = std::make_unique<Histogram>(bounds_seconds);
    }
    return *slot;
}

void Metrics::remove_gauge(const std::string& name, const Labels& labels)
{
    std::lock_guard lock(mutex_);
    if (auto it = families_.find(name); it != families_.end()) {
        it->second.gauges.erase(render_labels(labels));
    }
}

void Metrics::remove_counter(const std::string& name, const Labels& labels)
{
    std::lock_guard lock(mutex_);
    if (auto it = families_.find(name); it != families_.end()) {
        it->second.counters.erase(render_labels(labels));
    }
}

std::string Metrics::render_prometheus() const
{
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [name, fam] : families_) {
        if (fam.counters.empty() && fam.gauges.empty() && fam.histograms.empty()) {
            continue; // every series removed: no family without samples
        }
        const char* type = fam.kind == Kind::counter ? " counter\n"
                           : fam.kind == Kind::gauge ? " gauge\n"
                                                     : " histogram\n";
        out += "# HELP " + name + ' ' + fam.help + '\n';
        out += "# TYPE " + name + type;
        for (const auto& [labels, c] : fam.counters) {
            append_sample(out, name, "", labels, std::to_string(c->value()));
        }
        for (const auto& [labels, g] : fam.gauges) {
            append_sample(out, name, "", labels, std::to_string(g->value()));
        }
        for (const auto& [labels, h] : fam.histograms) {
            const auto snap = h->snapshot();
            const auto& bounds = h->bounds();
            for (std::size_t i = 0; i < snap.cumulative.size(); ++i) {
                const auto le = i < bounds.size() ? format_sample_value(bounds[i]) : std::string("+Inf");
                append_sample(out, name, "_bucket", with_label(labels, "le", le), std::to_string(snap.cumulative[i]));
            }
            append_sample(out, name, "_sum", labels, format_sample_value(snap.sum_seconds));
            append_sample(out, name, "_count", labels, std::to_string(snap.count));
        }
    }
    return out;
}

} // namespace csms::base

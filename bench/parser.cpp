// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Throughput of the hot path's pure part: split → parseMetricLine → appendFormattedMetric, on one core, with a
// count of heap allocations per line (global operator new is replaced below). Usage: bench_parser [--seconds N]

#include "common/formatter.h"
#include "common/metricline.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include <time.h>

namespace {

std::size_t allocations = 0; // single-threaded benchmark

} // namespace

void *operator new(std::size_t size)
{
    ++allocations;
    if (void *p = std::malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
void *operator new[](std::size_t size)
{
    return operator new(size);
}
void operator delete(void *p) noexcept
{
    std::free(p);
}
void operator delete[](void *p) noexcept
{
    std::free(p);
}
void operator delete(void *p, std::size_t) noexcept
{
    std::free(p);
}
void operator delete[](void *p, std::size_t) noexcept
{
    std::free(p);
}

namespace {

/** This thread's CPU time: per-core throughput that other load on the machine does not distort much. */
double cpuSeconds()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

constexpr std::size_t LineCount = 1'000'000;
constexpr std::size_t FlushBytes = 64 * 1024; // the pipeline hands formatted text to outputs in blocks like this

/** A deterministic mix like real collectors send: half plaintext, half tagged, some without timestamp. */
std::string generateLines(std::size_t count)
{
    static constexpr std::array<const char *, 6> Plain = { "cpu.cpu%zu.user", "loadavg.%zu", "memory.slab.node%zu",
        "net.eth%zu.rx_bytes", "disk.sd%zu.io_time", "nginx.upstream%zu.requests" };
    static constexpr std::array<const char *, 4> Tagged
        = { "disk.read_bytes;dev=sd%zu;unit=B", "http.requests;code=200;method=GET;route=/api/v%zu",
              "temperature;sensor=core%zu;unit=C", "queue.depth;queue=jobs%zu;mtype=gauge;unit=Msg" };
    std::string text;
    text.reserve(count * 56);
    unsigned long long state = 0x9E3779B97F4A7C15ull;
    char line[256];
    char name[128];
    for (std::size_t i = 0; i < count; ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull; // LCG: reproducible, no <random> cost
        const std::size_t r = std::size_t(state >> 33);
        const bool tagged = (i & 1) != 0;
        const char *pattern = tagged ? Tagged[r % Tagged.size()] : Plain[r % Plain.size()];
        std::snprintf(name, sizeof name, pattern, r % 16);
        const double value = (r % 3 == 0) ? double(r % 100000) : double(r % 1000000) / 977.0;
        if (r % 10 == 0)
            std::snprintf(line, sizeof line, "%s %.17g\n", name, value);
        else
            std::snprintf(line, sizeof line, "%s %.6g %llu\n", name, value, 1764050000ull + i / 1000);
        text += line;
    }
    return text;
}

struct Result
{
    double linesPerSecond = 0;
    double allocationsPerLine = 0;
    std::size_t rejected = 0;
    std::size_t checksum = 0; // keeps the work observable
};

/** Runs passes over all lines until `seconds` have passed; format == nullopt means parse only. */
Result run(std::string_view text, std::optional<Garnet::OutputFormat> format, double seconds)
{
    const Garnet::MetricOrigin origin { "servers.web01.bench", "bench", "web01" };
    std::string out;
    out.reserve(FlushBytes + 4096);
    Garnet::ParsedMetric metric;
    Result result;
    std::size_t lines = 0;
    const std::size_t allocationsBefore = allocations;
    const double start = cpuSeconds();
    double now = start;
    while (now - start < seconds) {
        std::string_view rest = text;
        while (!rest.empty()) {
            const auto *nl = static_cast<const char *>(std::memchr(rest.data(), '\n', rest.size()));
            const std::size_t length = nl ? std::size_t(nl - rest.data()) : rest.size();
            const std::string_view line = rest.substr(0, length);
            rest.remove_prefix(nl ? length + 1 : length);
            ++lines;
            if (Garnet::parseMetricLine(line, metric) != Garnet::RejectReason::None) {
                ++result.rejected;
                continue;
            }
            if (!format) {
                result.checksum += metric.name.size() + std::size_t(metric.value);
                continue;
            }
            Garnet::appendFormattedMetric(out, *format, origin, metric, metric.timestamp.value_or(1764050000));
            if (out.size() >= FlushBytes) {
                result.checksum += out.size();
                out.clear(); // keeps its capacity, as the pipeline does
            }
        }
        now = cpuSeconds();
    }
    const double elapsed = now - start;
    result.linesPerSecond = double(lines) / elapsed;
    result.allocationsPerLine = double(allocations - allocationsBefore) / double(lines);
    return result;
}

void print(const char *label, const Result &result, std::size_t bytesPerLine)
{
    std::printf("%-24s %8.2f M lines/s per core  %7.1f MB/s in  %.6f allocations/line  (rejected %zu, checksum %zu)\n",
        label, result.linesPerSecond / 1e6, result.linesPerSecond * double(bytesPerLine) / 1e6,
        result.allocationsPerLine, result.rejected, result.checksum % 1000);
}

} // namespace

int main(int argc, char **argv)
{
    double seconds = 2;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            char *end = nullptr;
            seconds = std::strtod(argv[++i], &end);
            if (*end != '\0' || !(seconds > 0)) {
                std::fprintf(stderr, "bench_parser: --seconds needs a positive number\n");
                return 2;
            }
        } else {
            std::fprintf(stderr, "usage: bench_parser [--seconds N]   (N seconds per phase, default 2)\n");
            return 2;
        }
    }
    const std::string text = generateLines(LineCount);
    const std::size_t bytesPerLine = text.size() / LineCount;
    std::printf("bench_parser: %zu lines in memory (half plaintext, half tagged; %zu bytes/line on average), "
                "%.3g s of CPU time per phase\n",
        LineCount, bytesPerLine, seconds);
    print("parse", run(text, std::nullopt, seconds), bytesPerLine);
    for (const auto format :
        { Garnet::OutputFormat::Plaintext, Garnet::OutputFormat::Tagged, Garnet::OutputFormat::Metrics20 }) {
        const std::string label = "parse+format " + std::string(Garnet::outputFormatName(format));
        print(label.c_str(), run(text, format, seconds), bytesPerLine);
    }
    return 0;
}

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// B7: throughput of the hot path's pure part, split → parseMetricLine → formatMetric into a reused block (as the
// pipeline does), on one core, with a count of heap allocations per line (malloc is interposed below). Per-thread CPU
// time, so other load on the machine distorts it little. A naive Qt version of the same work (QByteArray::split,
// toDouble, QString) is measured for contrast.
//
//   bench_parser [--seconds N] [--passes N] [--lines N] [--only plaintext|tagged] [--smoke]

#include "benchutil.h"
#include "common/formatter.h"
#include "common/metricline.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include <time.h>

namespace {
std::size_t allocations = 0; // single-threaded benchmark
} // namespace

// Every heap allocation, C++ or C (Qt allocates with malloc): the program's malloc family interposes glibc's
// for the whole process and forwards to glibc's own entry points.
extern "C" {
void *__libc_malloc(std::size_t size);
void *__libc_calloc(std::size_t count, std::size_t size);
void *__libc_realloc(void *pointer, std::size_t size);
void __libc_free(void *pointer);

void *malloc(std::size_t size)
{
    ++allocations;
    return __libc_malloc(size);
}
void *calloc(std::size_t count, std::size_t size)
{
    ++allocations;
    return __libc_calloc(count, size);
}
void *realloc(void *pointer, std::size_t size)
{
    ++allocations;
    return __libc_realloc(pointer, size);
}
void free(void *pointer)
{
    __libc_free(pointer);
}
}

namespace {

/** This thread's CPU time: per-core throughput that other load on the machine does not distort much. */
double cpuSeconds()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

constexpr std::size_t FlushBytes = 256 * 1024; // the pipeline hands formatted text to outputs in blocks like this

enum class Mix { Plaintext, Tagged, Mixed };

/** Deterministic lines like real collectors send; Mixed alternates plaintext and tagged names, some lines lack a
 *  timestamp and a tenth carry 17-digit values (the slow value paths). */
std::string generateLines(std::size_t count, Mix mix)
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
        const bool tagged = mix == Mix::Tagged || (mix == Mix::Mixed && (i & 1) != 0);
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

/** Runs passes over all lines until `seconds` of CPU time have passed; format == nullopt means parse only. */
int fixedPasses = 0; ///< --passes: exactly this many passes per phase instead of a time limit (for callgrind)

bool keepGoing(int passes, double elapsed, double seconds)
{
    return fixedPasses > 0 ? passes < fixedPasses : elapsed < seconds;
}

Result run(std::string_view text, std::optional<Garnet::OutputFormat> format, double seconds)
{
    const Garnet::MetricOrigin origin { "servers.web01.bench", "bench", "web01" };
    const std::size_t capacity = FlushBytes + 64 * 1024;
    const std::unique_ptr<char[]> block(new char[capacity]);
    std::size_t used = 0;
    Garnet::ParsedMetric metric;
    Result result;
    std::size_t lines = 0;
    const std::size_t allocationsBefore = allocations;
    const double start = cpuSeconds();
    double now = start;
    for (int passes = 0; keepGoing(passes, now - start, seconds); ++passes) {
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
            if (used + Garnet::formattedMetricBound(origin, metric) > capacity)
                std::abort(); // lines here are short: cannot happen
            used = std::size_t(
                Garnet::formatMetric(block.get() + used, *format, origin, metric, metric.timestamp.value_or(1764050000))
                - block.get());
            if (used >= FlushBytes) {
                result.checksum += used + std::size_t(block[used / 2]);
                used = 0; // the pipeline enqueues the block and reuses the storage
            }
        }
        now = cpuSeconds();
    }
    result.linesPerSecond = double(lines) / (now - start);
    result.allocationsPerLine = double(allocations - allocationsBefore) / double(lines);
    return result;
}

/** The "never do this" baseline: what the same work costs written the obvious Qt way. */
Result runNaiveQt(const std::string &text, double seconds)
{
    const QByteArray input = QByteArray::fromStdString(text);
    const QString prefix = QStringLiteral("servers.web01.bench.");
    Result result;
    std::size_t lines = 0;
    const std::size_t allocationsBefore = allocations;
    const double start = cpuSeconds();
    double now = start;
    QString out;
    for (int passes = 0; keepGoing(passes, now - start, seconds); ++passes) {
        for (const QByteArray &line : input.split('\n')) {
            if (line.isEmpty())
                continue;
            ++lines;
            const QList<QByteArray> fields = line.simplified().split(' ');
            bool ok = false;
            const double value = fields.value(1).toDouble(&ok);
            if (!ok || fields.size() < 2) {
                ++result.rejected;
                continue;
            }
            const qint64 timestamp = fields.size() > 2 ? fields[2].toLongLong() : 1764050000;
            out += prefix + QString::fromUtf8(fields[0]) + QLatin1Char(' ') + QString::number(value, 'g', 17)
                + QLatin1Char(' ') + QString::number(timestamp) + QLatin1Char('\n');
            if (out.size() >= qsizetype(FlushBytes)) {
                result.checksum += std::size_t(out.size());
                out.clear();
            }
        }
        now = cpuSeconds();
    }
    result.linesPerSecond = double(lines) / (now - start);
    result.allocationsPerLine = double(allocations - allocationsBefore) / double(lines);
    return result;
}

void print(const char *input, const char *work, const Result &result, std::size_t bytesPerLine)
{
    std::printf("| %-9s | %-27s | %6.2f M | %7.1f | %6.0f | %.4f | %zu |\n", input, work, result.linesPerSecond / 1e6,
        result.linesPerSecond * double(bytesPerLine) / 1e6, 1e9 / result.linesPerSecond, result.allocationsPerLine,
        result.rejected);
}

} // namespace

int main(int argc, char **argv)
{
    double seconds = 2;
    std::size_t lineCount = 1'000'000;
    std::string only; // "plaintext" or "tagged": that one phase (for profiling)
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            char *end = nullptr;
            seconds = std::strtod(argv[++i], &end);
            if (*end != '\0' || !(seconds > 0)) {
                std::fprintf(stderr, "bench_parser: --seconds needs a positive number\n");
                return 2;
            }
        } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (std::strcmp(argv[i], "--passes") == 0 && i + 1 < argc) {
            fixedPasses = std::atoi(argv[++i]);
        } else if (std::strcmp(argv[i], "--lines") == 0 && i + 1 < argc) {
            lineCount = std::size_t(std::atol(argv[++i]));
        } else if (std::strcmp(argv[i], "--smoke") == 0) {
            seconds = 0.1;
            lineCount = 100'000;
        } else {
            std::fprintf(stderr,
                "usage: bench_parser [--seconds N] [--passes N] [--lines N] [--smoke]\n"
                "  --seconds: CPU time per phase (default 2); --passes: exactly N passes per phase instead;\n"
                "  --lines: lines per input (default 1000000); --only plaintext|tagged: that phase alone\n");
            return 2;
        }
    }
    using Garnet::OutputFormat;
    if (!only.empty()) {
        const bool tagged = only == "tagged";
        const std::string text = generateLines(lineCount, tagged ? Mix::Tagged : Mix::Plaintext);
        const Result r = run(text, tagged ? OutputFormat::Tagged : OutputFormat::Plaintext, seconds);
        std::printf("%s: %.2fM lines/s per core, %.4f allocations/line\n", only.c_str(), r.linesPerSecond / 1e6,
            r.allocationsPerLine);
        return 0;
    }
    const std::string plain = generateLines(lineCount, Mix::Plaintext);
    const std::string tagged = generateLines(lineCount, Mix::Tagged);
    const std::string mixed = generateLines(lineCount, Mix::Mixed);
    std::printf("### B7 parser and formatter: %zu lines per input in memory, %.3g s of CPU time per phase; %s\n\n",
        lineCount, seconds, Bench::machineDescription().c_str());
    std::printf("| input | work | lines/s per core | MB/s in | ns/line | allocations/line | rejected |\n");
    std::printf("|---|---|---:|---:|---:|---:|---:|\n");
    const Result parsePlain = run(plain, std::nullopt, seconds);
    print("plaintext", "parse", parsePlain, plain.size() / lineCount);
    const Result plainPlain = run(plain, OutputFormat::Plaintext, seconds);
    print("plaintext", "parse + format plaintext", plainPlain, plain.size() / lineCount);
    const Result parseTagged = run(tagged, std::nullopt, seconds);
    print("tagged", "parse", parseTagged, tagged.size() / lineCount);
    const Result taggedTagged = run(tagged, OutputFormat::Tagged, seconds);
    print("tagged", "parse + format tagged", taggedTagged, tagged.size() / lineCount);
    double allocationsPerLine = std::max(plainPlain.allocationsPerLine, taggedTagged.allocationsPerLine);
    for (const auto format : { OutputFormat::Plaintext, OutputFormat::Tagged, OutputFormat::Metrics20 }) {
        const std::string work = "parse + format " + std::string(Garnet::outputFormatName(format));
        const Result r = run(mixed, format, seconds);
        allocationsPerLine = std::max(allocationsPerLine, r.allocationsPerLine);
        print("mixed", work.c_str(), r, mixed.size() / lineCount);
    }
    print("mixed", "naive Qt (split, toDouble)", runNaiveQt(mixed, seconds), mixed.size() / lineCount);
    std::printf(
        "\nmixed: half plaintext, half tagged names; a tenth of the values have 17 digits, a tenth of the lines "
        "no timestamp.\n\n");
    Bench::result("B7", "parse + format plaintext, per core",
        Bench::format("%.1fM lines/s", plainPlain.linesPerSecond / 1e6), "≥ 10M lines/s",
        plainPlain.linesPerSecond >= 10e6);
    Bench::result("B7", "parse + format tagged, per core",
        Bench::format("%.1fM lines/s", taggedTagged.linesPerSecond / 1e6), "≥ 10M lines/s",
        taggedTagged.linesPerSecond >= 10e6);
    Bench::result(
        "B7", "heap allocations per line", Bench::format("%.4f", allocationsPerLine), "0", allocationsPerLine == 0);
    return 0;
}

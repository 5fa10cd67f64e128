// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "common/formatter.h"
#include "common/metricline.h"

#include <QtTest>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <new>
#include <string>
#include <vector>

// Counts heap allocations so the test can prove formatting into a reserved buffer never allocates.
static std::size_t allocationCount = 0;

void *operator new(std::size_t size)
{
    ++allocationCount;
    if (void *p = std::malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
void *operator new(std::size_t size, const std::nothrow_t &) noexcept // std::stable_sort's buffer, freed below
{
    ++allocationCount;
    return std::malloc(size ? size : 1);
}
void operator delete(void *p) noexcept
{
    std::free(p);
}
void operator delete(void *p, std::size_t) noexcept
{
    std::free(p);
}

using Garnet::OutputFormat;

Q_DECLARE_METATYPE(Garnet::OutputFormat)

namespace {

std::string_view view(const QByteArray &bytes)
{
    return std::string_view(bytes.constData(), std::size_t(bytes.size()));
}

QByteArray manyTags(int count)
{
    QByteArray tags;
    for (int i = count - 1; i >= 0; --i) // reverse order so sorting has work to do
        tags += (tags.isEmpty() ? "" : ";") + QByteArray("t") + QByteArray::number(i).rightJustified(2, '0') + "=v";
    return tags;
}

/**
 * formatter.h's tags, the obvious way: the agent's (empty values left out) then the collector's well-formed ones
 * with a value, as many as fit beside them; sorted by name, stable; of one name the last is kept.
 */
std::string modelTags(OutputFormat format, const Garnet::MetricOrigin &origin, const std::vector<std::string> &raw)
{
    std::vector<std::pair<std::string, std::string>> tags;
    const auto add = [&tags](std::string name, std::string value) {
        if (!value.empty() && tags.size() < Garnet::MaxTags + 4)
            tags.emplace_back(std::move(name), std::move(value));
    };
    if (format != OutputFormat::Plaintext) {
        add("collector", std::string(origin.collector));
        add("host", std::string(origin.host));
    }
    if (format == OutputFormat::Metrics20) {
        add("unit", "unknown");
        add("mtype", "gauge");
    }
    for (const std::string &tag : raw) {
        const std::size_t equals = tag.find('=');
        if (equals != std::string::npos && equals > 0)
            add(tag.substr(0, equals), tag.substr(equals + 1));
    }
    std::stable_sort(tags.begin(), tags.end(), [](const auto &a, const auto &b) { return a.first < b.first; });
    std::string out;
    for (std::size_t i = 0; i < tags.size(); ++i)
        if (i + 1 == tags.size() || tags[i + 1].first != tags[i].first)
            out += ";" + tags[i].first + "=" + tags[i].second;
    return out;
}

} // namespace

class tst_formatter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void format_data()
    {
        QTest::addColumn<OutputFormat>("format");
        QTest::addColumn<QByteArray>("prefix");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("tags");
        QTest::addColumn<double>("value");
        QTest::addColumn<qint64>("timestamp");
        QTest::addColumn<QByteArray>("expected");
        const auto P = OutputFormat::Plaintext;
        const auto T = OutputFormat::Tagged;
        const auto M = OutputFormat::Metrics20;
        const QByteArray prefix("servers.web01.loadavg");
        const auto row = [](const char *tag, OutputFormat format, const QByteArray &prefix, const QByteArray &name,
                             const QByteArray &tags, double value, qint64 timestamp, const QByteArray &expected) {
            QTest::newRow(tag) << format << prefix << name << tags << value << timestamp << expected;
        };
        // plaintext
        row("plain", P, prefix, "01", "", 0.52, 1764050000, "servers.web01.loadavg.01 0.52 1764050000\n");
        row("plain integer", P, prefix, "procs", "", 42, 1, "servers.web01.loadavg.procs 42 1\n");
        row("plain empty prefix", P, "", "a.b", "", 1.5, 7, "a.b 1.5 7\n");
        row("plain keeps own tags sorted", P, prefix, "01", "z=1;a=2", 1, 2, "servers.web01.loadavg.01;a=2;z=1 1 2\n");
        row("plain duplicate tag last wins", P, "p", "m", "x=1;y=2;x=3", 1, 2, "p.m;x=3;y=2 1 2\n");
        row("plain adds no agent tags", P, "p", "m", "", 1, 2, "p.m 1 2\n");
        row("plain negative", P, "p", "m", "", -3.25, 2, "p.m -3.25 2\n");
        row("plain negative zero", P, "p", "m", "", -0.0, 2, "p.m -0 2\n");
        row("plain tiny", P, "p", "m", "", 1e-300, 2, "p.m 1e-300 2\n");
        row("plain min denormal", P, "p", "m", "", 4.9e-324, 2, "p.m 5e-324 2\n");
        row("plain huge", P, "p", "m", "", 1.7976931348623157e308, 2, "p.m 1.7976931348623157e+308 2\n");
        row("plain big integer", P, "p", "m", "", 12345678901234567.0, 2, "p.m 12345678901234568 2\n");
        row("plain 1e21", P, "p", "m", "", 1e21, 2, "p.m 1e+21 2\n");
        row("plain shortest round trip", P, "p", "m", "", 0.1 + 0.2, 2, "p.m 0.30000000000000004 2\n");
        row("plain third", P, "p", "m", "", 1.0 / 3, 2, "p.m 0.3333333333333333 2\n");
        row("plain zero timestamp", P, "p", "m", "", 0, 0, "p.m 0 0\n");
        row("plain max timestamp", P, "p", "m", "", 1, Garnet::MaxTimestamp, "p.m 1 253402300799\n");
        row("plain 9 digit timestamp", P, "p", "m", "", 1, 999999999, "p.m 1 999999999\n");
        row("plain first 10 digit timestamp", P, "p", "m", "", 1, 1000000000, "p.m 1 1000000000\n");
        row("plain last 10 digit timestamp", P, "p", "m", "", 1, 9999999999, "p.m 1 9999999999\n");
        row("plain 11 digit timestamp", P, "p", "m", "", 1, 10000000000, "p.m 1 10000000000\n");
        row("plain timestamp with zeros", P, "p", "m", "", 1, 1700000000, "p.m 1 1700000000\n");
        row("plain negative timestamp", P, "p", "m", "", 1, -1700000000, "p.m 1 -1700000000\n");
        row("plain UTF-8", P, "servers.hôte", "température", "ville=Zürich", 21.5, 2,
            "servers.hôte.température;ville=Zürich 21.5 2\n");
        // tagged
        row("tagged", T, prefix, "01", "", 0.52, 1764050000,
            "servers.web01.loadavg.01;collector=loadavg;host=web01 0.52 1764050000\n");
        row("tagged sorts with own tags", T, "p", "m", "zone=eu;app=x", 1, 2,
            "p.m;app=x;collector=loadavg;host=web01;zone=eu 1 2\n");
        row("tagged own collector wins", T, "p", "m", "collector=mine", 1, 2, "p.m;collector=mine;host=web01 1 2\n");
        row("tagged own host wins", T, "p", "m", "host=db01", 1, 2, "p.m;collector=loadavg;host=db01 1 2\n");
        row("tagged duplicates last wins", T, "p", "m", "host=a;host=b;k=1;k=2", 1, 2,
            "p.m;collector=loadavg;host=b;k=2 1 2\n");
        row("tagged empty prefix", T, "", "m", "", 1, 2, "m;collector=loadavg;host=web01 1 2\n");
        row("tagged byte order", T, "p", "m", "Z=1;_=2;é=3;a=4", 1, 2,
            "p.m;Z=1;_=2;a=4;collector=loadavg;host=web01;é=3 1 2\n");
        row("tagged prefix name order", T, "p", "m", "ho=1;hostname=2", 1, 2,
            "p.m;collector=loadavg;ho=1;host=web01;hostname=2 1 2\n");
        row("tagged negative", T, "p", "m", "", -1e-5, 2, "p.m;collector=loadavg;host=web01 -1e-05 2\n");
        // Where the agent's tags go among sorted ones (the parser marks them sorted: the merge, not TagList).
        row("tagged all own before", T, "p", "m", "a=1;b=2", 1, 2, "p.m;a=1;b=2;collector=loadavg;host=web01 1 2\n");
        row("tagged all own after", T, "p", "m", "x=1;z=2", 1, 2, "p.m;collector=loadavg;host=web01;x=1;z=2 1 2\n");
        row("tagged own between", T, "p", "m", "dev=sda", 1, 2, "p.m;collector=loadavg;dev=sda;host=web01 1 2\n");
        row("tagged own around", T, "p", "m", "a=1;d=2;i=3", 1, 2,
            "p.m;a=1;collector=loadavg;d=2;host=web01;i=3 1 2\n");
        row("tagged prefixes of agent names", T, "p", "m", "c=1;co=2;h=3;hos=4", 1, 2,
            "p.m;c=1;co=2;collector=loadavg;h=3;hos=4;host=web01 1 2\n");
        row("tagged agent names as prefixes", T, "p", "m", "collector.x=1;collectors=2;host.a=3;hostname=4", 1, 2,
            "p.m;collector=loadavg;collector.x=1;collectors=2;host=web01;host.a=3;hostname=4 1 2\n");
        row("tagged own collector and host, sorted", T, "p", "m", "a=0;collector=c;host=h;z=9", 1, 2,
            "p.m;a=0;collector=c;host=h;z=9 1 2\n");
        row("tagged value with equals and agent name", T, "p", "m", "b=host=x;d=collector", 1, 2,
            "p.m;b=host=x;collector=loadavg;d=collector;host=web01 1 2\n");
        // metrics20
        row("metrics20 defaults", M, prefix, "01", "", 0.52, 1764050000,
            "servers.web01.loadavg.01;collector=loadavg;host=web01;mtype=gauge;unit=unknown 0.52 1764050000\n");
        row("metrics20 own unit", M, "p", "m", "unit=B", 1, 2,
            "p.m;collector=loadavg;host=web01;mtype=gauge;unit=B 1 2\n");
        row("metrics20 own mtype", M, "p", "m", "mtype=counter", 1, 2,
            "p.m;collector=loadavg;host=web01;mtype=counter;unit=unknown 1 2\n");
        row("metrics20 own everything", M, "p", "m", "unit=ms;mtype=rate;host=h;collector=c;what=latency", 1, 2,
            "p.m;collector=c;host=h;mtype=rate;unit=ms;what=latency 1 2\n");
        row("metrics20 empty prefix", M, "", "m", "", 1, 2,
            "m;collector=loadavg;host=web01;mtype=gauge;unit=unknown 1 2\n");
        row("metrics20 huge", M, "p", "m", "", -1e300, 2,
            "p.m;collector=loadavg;host=web01;mtype=gauge;unit=unknown -1e+300 2\n");
        // Graphite's limit plus everything the agent adds still fits.
        QByteArray all64("p.m");
        for (int i = 0; i < 64; ++i)
            all64 += ";t" + QByteArray::number(i).rightJustified(2, '0') + "=v";
        row("metrics20 64 tags", M, "p", "m", manyTags(64), 1, 2,
            "p.m;collector=loadavg;host=web01;mtype=gauge;" + all64.mid(4) + ";unit=unknown 1 2\n");
    }
    void format()
    {
        QFETCH(OutputFormat, format);
        QFETCH(QByteArray, prefix);
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, tags);
        QFETCH(double, value);
        QFETCH(qint64, timestamp);
        QFETCH(QByteArray, expected);
        Garnet::ParsedMetric metric;
        metric.name = view(name);
        metric.tags = view(tags);
        metric.value = value;
        const Garnet::MetricOrigin origin { view(prefix), "loadavg", "web01" };
        std::string out = "previous\n";
        Garnet::appendFormattedMetric(out, format, origin, metric, timestamp);
        QCOMPARE(QByteArray::fromStdString(out), "previous\n" + expected);
        // The same with the parser's finding on the tags' order, where the parser accepts them.
        const QByteArray line = "x" + (tags.isEmpty() ? QByteArray() : ";" + tags) + " 1";
        if (Garnet::ParsedMetric parsed; Garnet::parseMetricLine(view(line), parsed) == Garnet::RejectReason::None) {
            metric.tagsSorted = parsed.tagsSorted;
            out.clear();
            Garnet::appendFormattedMetric(out, format, origin, metric, timestamp);
            QCOMPARE(QByteArray::fromStdString(out), expected);
        }
    }

    /**
     * The tags part against a plain model of formatter.h: random tags (repeats, any order, names that sort just
     * around the agent's, malformed segments, more than fit), formatted as given (any order) and, where the
     * parser accepts them, with its finding that they are sorted (the merge).
     */
    void tagsMatchModel()
    {
        static const char *const Names[] = { "a", "c", "co", "collector", "collector.x", "collectors", "d", "h", "ho",
            "host", "host.a", "host_", "hostname", "m", "mtype", "mtypes", "u", "unit", "unit.x", "z", "Z", "_", "é",
            "abcdefghijkl", "abcdefghijklm", "abcdefgh", "abcdefgh\x01" };
        static const char *const Values[] = { "1", "x", "web01", "a=b", "host", "é" };
        static const char *const Malformed[] = { "", "=x", "k", "k=", "=" };
        static const Garnet::MetricOrigin Origins[] = { { "servers.h", "loadavg", "web01" }, { "", "c", "h" },
            { "p", "", "web01" }, { "p", "loadavg", "" }, { "p", "", "" } };
        std::uint64_t state = 99;
        auto random = [&state](std::uint64_t bound) {
            state = state * 6364136223846793005u + 1442695040888963407u;
            return (state >> 33) % bound;
        };
        std::size_t viaMerge = 0, viaSort = 0;
        for (int i = 0; i < 4000; ++i) {
            std::vector<std::string> tags;
            const std::uint64_t count = random(10) == 0 ? 60 + random(12) : random(7);
            for (std::uint64_t n = 0; n < count; ++n)
                tags.push_back(random(12) == 0
                        ? Malformed[random(std::size(Malformed))]
                        : std::string(Names[random(std::size(Names))]) + "=" + Values[random(std::size(Values))]);
            if (random(3) != 0)
                std::stable_sort(tags.begin(), tags.end(), [](const std::string &a, const std::string &b) {
                    return a.substr(0, a.find('=')) < b.substr(0, b.find('='));
                });
            std::string raw;
            for (const std::string &tag : tags)
                raw += (raw.empty() ? "" : ";") + tag;
            Garnet::ParsedMetric metric;
            metric.name = "metric.name";
            metric.tags = raw;
            metric.value = 1.5;
            Garnet::ParsedMetric parsed;
            const std::string line = "metric.name;" + raw + " 1.5";
            const bool parses = !raw.empty() && Garnet::parseMetricLine(line, parsed) == Garnet::RejectReason::None;
            for (const OutputFormat format : { OutputFormat::Plaintext, OutputFormat::Tagged, OutputFormat::Metrics20 })
                for (const Garnet::MetricOrigin &origin : Origins) {
                    const std::string expected = (origin.pathPrefix.empty() ? "" : std::string(origin.pathPrefix) + ".")
                        + "metric.name" + modelTags(format, origin, tags) + " 1.5 1700000000\n";
                    std::string out;
                    Garnet::appendFormattedMetric(out, format, origin, metric, 1700000000);
                    QCOMPARE(out, expected);
                    if (parses) {
                        out.clear();
                        Garnet::appendFormattedMetric(out, format, origin, parsed, 1700000000);
                        QCOMPARE(out, expected);
                        (parsed.tagsSorted ? viaMerge : viaSort) += 1;
                    }
                }
        }
        QVERIFY(viaMerge > 4000);
        QVERIFY(viaSort > 4000);
    }

    /** Ten-digit timestamps take a faster path: it must write what std::to_chars writes. */
    void timestampMatchesToChars()
    {
        std::vector<std::int64_t> timestamps = { 0, 1, 9, 10, 999999999, 1000000000, 1000000001, 1099999999, 1234567890,
            1700000000, 1764050000, 1999999999, 2000000000, 4294967295, 4294967296, 9999999990, 9999999999, 10000000000,
            Garnet::MaxTimestamp, -1, -1000000000 };
        std::uint64_t state = 5;
        for (int i = 0; i < 100000; ++i) {
            state = state * 6364136223846793005u + 1442695040888963407u;
            timestamps.push_back(1000000000 + std::int64_t((state >> 20) % 9000000000));
        }
        for (const std::int64_t timestamp : timestamps) {
            Garnet::ParsedMetric metric;
            metric.name = "m";
            metric.value = 1;
            std::string out;
            Garnet::appendFormattedMetric(out, OutputFormat::Plaintext, {}, metric, timestamp);
            char expected[24];
            const auto end = std::to_chars(expected, expected + sizeof expected, timestamp).ptr;
            QCOMPARE(QByteArray::fromStdString(out), "m 1 " + QByteArray(expected, end - expected) + "\n");
        }
    }

    /** The formatted line must parse back to what went in: the formatter never produces what the parser rejects. */
    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("plain") << QByteArray("a.b 0.52 1764050000");
        QTest::newRow("tags") << QByteArray("a.b;unit=B;dev=sda -1e-300 0");
        QTest::newRow("value with plus") << QByteArray("x +7.25e10 1");
        QTest::newRow("underflow") << QByteArray("x -1e-400 1");
        QTest::newRow("max") << QByteArray("x 1.7976931348623157e308 253402300799");
    }
    void roundTrip()
    {
        QFETCH(QByteArray, line);
        Garnet::ParsedMetric in;
        QCOMPARE(int(Garnet::parseMetricLine(view(line), in)), int(Garnet::RejectReason::None));
        for (const OutputFormat format : { OutputFormat::Plaintext, OutputFormat::Tagged, OutputFormat::Metrics20 }) {
            std::string out;
            Garnet::appendFormattedMetric(out, format, { "servers.h", "c", "h" }, in, in.timestamp.value_or(5));
            QVERIFY(out.ends_with('\n'));
            out.pop_back();
            Garnet::ParsedMetric back;
            QCOMPARE(int(Garnet::parseMetricLine(out, back)), int(Garnet::RejectReason::None));
            QCOMPARE(QByteArray(back.name.data(), qsizetype(back.name.size())),
                "servers.h." + QByteArray(in.name.data(), qsizetype(in.name.size())));
            QCOMPARE(std::bit_cast<quint64>(back.value), std::bit_cast<quint64>(in.value));
            QCOMPARE(back.timestamp.value_or(-1), in.timestamp.value_or(5));
        }
    }

    /** Values with few decimals take a faster path that must write exactly what std::to_chars(double) writes. */
    void valueMatchesToChars()
    {
        std::vector<double> values = { 0.0, -0.0, 1, -1, 7, 10, 99, 100, 1000, 10000, 100000, -100000, 120000, 1200000,
            1e6, 1.5e6, 1e7, 123456789, 1e15, 9e15, 9007199254740991.0, 9007199254740992.0, -9007199254740991.0, 1e16,
            1e17, 0.5, 12.25, 1e-7, 0.1, 0.2, 0.1 + 0.2, 1.0 / 3, 0.0001, 0.00052, 0.001, 0.0052, 123.456, 1e-9,
            1.5e-10, 123456789.5, 9007199254740.5, 0.30000000000000004, 5e-324, 2.2250738585072014e-308, 1e300, -0.52,
            -1e-5, 99.99, 1e21, 1.7976931348623157e308 };
        std::uint64_t state = 42;
        for (int i = 0; i < 20000; ++i) {
            state = state * 6364136223846793005u + 1442695040888963407u;
            const auto r = std::int64_t(state >> 11) >> (state % 53); // integers of every magnitude and both signs
            values.push_back(double(r));
            values.push_back(double(r / 1000 * 1000));
            // decimals: what collectors print, including ones too long for the shortcut
            values.push_back(double(r % 100000000) / std::pow(10.0, double(state % 13)));
            values.push_back(-double(r % 1000) / std::pow(10.0, double(state % 7)));
            // arbitrary bit patterns (finite ones)
            const double arbitrary = std::bit_cast<double>(state);
            if (std::isfinite(arbitrary))
                values.push_back(arbitrary);
        }
        for (const double value : values) {
            Garnet::ParsedMetric metric;
            metric.name = "m";
            metric.value = value;
            std::string out;
            Garnet::appendFormattedMetric(out, OutputFormat::Plaintext, {}, metric, 1);
            char expected[64];
            const auto end = std::to_chars(expected, expected + sizeof expected, value).ptr;
            QCOMPARE(QByteArray::fromStdString(out), "m " + QByteArray(expected, end - expected) + " 1\n");
        }
    }

    /**
     * The parser marks a value text that is exactly what std::to_chars writes, and the formatter copies it
     * instead of converting the double. Whatever the text, the output must be std::to_chars(value).
     */
    void valueTextMatchesToChars()
    {
        std::vector<std::string> texts = { "0", "-0", "0.0", "00", "1", "-1", "100", "1200", "0.5", "0.50", "1.0",
            "0.001", "0.0001", "-0.0001", "0.00012", "1000000000000000", "100000000000000", "123456789012345",
            "1234567890123456", "12345678901234567", "9007199254740992", "9007199254740993", "0.30000000000000004",
            "0.1", "123.456", "007", "-0.5", "99999999999999999999", "1.00000000000000000001", "5e-324" };
        std::uint64_t state = 7;
        auto random = [&state](std::uint64_t bound) {
            state = state * 6364136223846793005u + 1442695040888963407u;
            return (state >> 33) % bound;
        };
        for (int i = 0; i < 50000; ++i) {
            std::string text = random(4) == 0 ? "-" : "";
            const std::uint64_t integerDigits = 1 + random(18);
            for (std::uint64_t d = 0; d < integerDigits; ++d)
                text += char('0' + (d == 0 && random(3) ? 1 + random(9) : random(10)));
            if (random(2)) {
                text += '.';
                for (std::uint64_t d = 1 + random(18); d > 0; --d)
                    text += char('0' + random(10));
            }
            texts.push_back(text);
        }
        std::size_t copied = 0;
        for (const std::string &text : texts) {
            const std::string line = "m " + text;
            Garnet::ParsedMetric metric;
            QCOMPARE(int(Garnet::parseMetricLine(line, metric)), int(Garnet::RejectReason::None));
            char expected[64];
            const auto end = std::to_chars(expected, expected + sizeof expected, metric.value).ptr;
            const std::string_view expectedText(expected, std::size_t(end - expected));
            if (!metric.canonicalValue.empty()) {
                QCOMPARE(metric.canonicalValue, expectedText);
                ++copied;
            }
            std::string out;
            Garnet::appendFormattedMetric(out, OutputFormat::Plaintext, {}, metric, 1);
            QCOMPARE(out, "m " + std::string(expectedText) + " 1\n");
        }
        QVERIFY(copied > 5000); // both paths are exercised
        QVERIFY(texts.size() - copied > 5000);
    }

    void neverAllocatesWithCapacity()
    {
        {
            const std::size_t before = allocationCount; // the counter is live
            int *volatile probe = new int(1); // volatile: the pair must not be elided
            delete probe;
            QCOMPARE(allocationCount, before + 1);
        }
        const QByteArray tags = manyTags(64);
        Garnet::ParsedMetric metric;
        metric.name = "some.metric.name";
        metric.tags = view(tags);
        metric.value = -1.2345678901234567e-200;
        std::string out;
        out.reserve(64 * 1024);
        const std::string sortedLine = "some.metric.name;a=1;dev=sda;unit=B 0.5 1700000000";
        Garnet::ParsedMetric sorted;
        QCOMPARE(int(Garnet::parseMetricLine(sortedLine, sorted)), int(Garnet::RejectReason::None));
        QVERIFY(sorted.tagsSorted);
        for (const OutputFormat format : { OutputFormat::Plaintext, OutputFormat::Tagged, OutputFormat::Metrics20 }) {
            const std::size_t before = allocationCount;
            for (int i = 0; i < 20; ++i) {
                Garnet::appendFormattedMetric(
                    out, format, { "servers.web01.collector", "collector", "web01" }, metric, Garnet::MaxTimestamp);
                Garnet::appendFormattedMetric(
                    out, format, { "servers.web01.collector", "collector", "web01" }, sorted, 1700000000);
            }
            QCOMPARE(allocationCount, before);
        }
    }

    void formatNames_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<OutputFormat>("format");
        QTest::newRow("plaintext") << QByteArray("plaintext") << true << OutputFormat::Plaintext;
        QTest::newRow("tagged") << QByteArray("tagged") << true << OutputFormat::Tagged;
        QTest::newRow("metrics20") << QByteArray("metrics20") << true << OutputFormat::Metrics20;
        QTest::newRow("upper case") << QByteArray("Plaintext") << false << OutputFormat::Plaintext;
        QTest::newRow("empty") << QByteArray("") << false << OutputFormat::Plaintext;
        QTest::newRow("space") << QByteArray("tagged ") << false << OutputFormat::Plaintext;
        QTest::newRow("metrics2.0") << QByteArray("metrics2.0") << false << OutputFormat::Plaintext;
    }
    void formatNames()
    {
        QFETCH(QByteArray, name);
        QFETCH(bool, valid);
        QFETCH(OutputFormat, format);
        const auto parsed = Garnet::outputFormatFromString(view(name));
        QCOMPARE(parsed.has_value(), valid);
        if (valid) {
            QCOMPARE(*parsed, format);
            QCOMPARE(QByteArray(Garnet::outputFormatName(format).data()), name);
        }
    }
};

QTEST_GUILESS_MAIN(tst_formatter)
#include "tst_formatter.moc"

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "lineframer.h"

#include <QtTest>

#include <string>
#include <vector>

using Garnet::LineFramer;
using Garnet::MaxLineLength;

namespace {

struct Result
{
    std::string lines; ///< every block handed on, concatenated
    int blocks = 0;
    int overlong = 0;
    std::string tail;
};

Result run(const std::vector<std::string> &pieces)
{
    LineFramer framer;
    Result result;
    for (const std::string &piece : pieces) {
        framer.feed(
            piece,
            [&](std::string_view lines) {
                // Every block is one or more complete lines.
                QVERIFY(!lines.empty());
                QCOMPARE(lines.back(), '\n');
                result.lines.append(lines);
                ++result.blocks;
            },
            [&] { ++result.overlong; });
    }
    result.tail = framer.takeTail();
    return result;
}

std::string repeat(char c, std::size_t n)
{
    return std::string(n, c);
}

} // namespace

Q_DECLARE_METATYPE(std::string)
Q_DECLARE_METATYPE(std::vector<std::string>)

class tst_lineframer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void splitAnywhere_data();
    void splitAnywhere();
    void overlong_data();
    void overlong();
    void manyLinesInOneChunkAreOneBlockWithoutCopy();
    void takeTailResets();
    void pendingBytes();
};

void tst_lineframer::splitAnywhere_data()
{
    QTest::addColumn<std::string>("input");
    QTest::addColumn<std::string>("lines");
    QTest::addColumn<std::string>("tail");

    QTest::newRow("one line") << std::string("a.b 1 2\n") << std::string("a.b 1 2\n") << std::string();
    QTest::newRow("several lines") << std::string("a 1\nbb 2\nccc 3\n") << std::string("a 1\nbb 2\nccc 3\n")
                                   << std::string();
    QTest::newRow("unterminated tail") << std::string("a 1\nb 2") << std::string("a 1\n") << std::string("b 2");
    QTest::newRow("only a tail") << std::string("no newline") << std::string() << std::string("no newline");
    QTest::newRow("CRLF passes through") << std::string("a 1\r\nb 2\r\n") << std::string("a 1\r\nb 2\r\n")
                                         << std::string();
    QTest::newRow("lone CR stays in the line") << std::string("a\r1\n\r") << std::string("a\r1\n") << std::string("\r");
    QTest::newRow("empty lines") << std::string("\n\n\na 1\n\n") << std::string("\n\n\na 1\n\n") << std::string();
    QTest::newRow("NUL bytes are data") << std::string("a\0 1\n\0", 6) << std::string("a\0 1\n", 5)
                                        << std::string("\0", 1);
    QTest::newRow("empty input") << std::string() << std::string() << std::string();
    const std::string maxLine = repeat('m', MaxLineLength) + "\n";
    QTest::newRow("line of exactly MaxLineLength") << maxLine + "x 1\n" << maxLine + "x 1\n" << std::string();
    QTest::newRow("tail of exactly MaxLineLength")
        << "a 1\n" + repeat('t', MaxLineLength) << std::string("a 1\n") << repeat('t', MaxLineLength);
}

void tst_lineframer::splitAnywhere()
{
    QFETCH(std::string, input);
    QFETCH(std::string, lines);
    QFETCH(std::string, tail);

    // Whole, then every split into two pieces, then (for short inputs) every split into three.
    const Result whole = run({ input });
    QCOMPARE(whole.lines, lines);
    QCOMPARE(whole.tail, tail);
    QCOMPARE(whole.overlong, 0);
    QVERIFY(whole.blocks <= 1);

    for (std::size_t i = 0; i <= input.size(); ++i) {
        const Result r = run({ input.substr(0, i), input.substr(i) });
        if (r.lines != lines || r.tail != tail || r.overlong != 0)
            QFAIL(qPrintable(QStringLiteral("split at %1 differs").arg(i)));
    }
    if (input.size() <= 64) {
        for (std::size_t i = 0; i <= input.size(); ++i) {
            for (std::size_t j = i; j <= input.size(); ++j) {
                const Result r = run({ input.substr(0, i), input.substr(i, j - i), input.substr(j) });
                if (r.lines != lines || r.tail != tail || r.overlong != 0)
                    QFAIL(qPrintable(QStringLiteral("split at %1 and %2 differs").arg(i).arg(j)));
            }
        }
        std::vector<std::string> bytes;
        for (char c : input)
            bytes.emplace_back(1, c);
        const Result r = run(bytes);
        QCOMPARE(r.lines, lines);
        QCOMPARE(r.tail, tail);
    }
}

void tst_lineframer::overlong_data()
{
    QTest::addColumn<std::vector<std::string>>("pieces");
    QTest::addColumn<std::string>("lines");
    QTest::addColumn<int>("overlong");
    QTest::addColumn<std::string>("tail");

    const std::size_t max = MaxLineLength;
    QTest::newRow("overlong in the first chunk") << std::vector<std::string> { repeat('x', max + 1), "more\nok 1\n" }
                                                 << std::string("ok 1\n") << 1 << std::string();
    QTest::newRow("overlong after complete lines in the same chunk")
        << std::vector<std::string> { "a 1\n" + repeat('x', max + 1), "\nb 2\n" } << std::string("a 1\nb 2\n") << 1
        << std::string();
    QTest::newRow("partial grows past the limit")
        << std::vector<std::string> { repeat('x', 100), repeat('x', max), "xx\nok 1\n" } << std::string("ok 1\n") << 1
        << std::string();
    QTest::newRow("split line of exactly MaxLineLength is accepted") << std::vector<std::string> { repeat('x', max - 1),
        "y\n" } << repeat('x', max - 1) + "y\n" << 0 << std::string();
    QTest::newRow("split line of MaxLineLength + 1 is overlong")
        << std::vector<std::string> { repeat('x', max), "y\nok 1\n" } << std::string("ok 1\n") << 1 << std::string();
    QTest::newRow("newline alone completes a MaxLineLength partial") << std::vector<std::string> { repeat('x', max),
        "\n" } << repeat('x', max) + "\n" << 0 << std::string();
    QTest::newRow("discarding spans many chunks")
        << std::vector<std::string> { repeat('x', max + 1), repeat('x', 1000), repeat('x', 70000), "x\nok 1\n" }
        << std::string("ok 1\n") << 1 << std::string();
    QTest::newRow("discard ends mid chunk and framing resumes") << std::vector<std::string> { repeat('x', max + 5),
        "abc\nnext 1\npart" } << std::string("next 1\n") << 1 << std::string("part");
    QTest::newRow("two overlong lines are reported twice")
        << std::vector<std::string> { repeat('x', max + 1), "\n", repeat('y', max + 1), "\nok 1\n" }
        << std::string("ok 1\n") << 2 << std::string();
    QTest::newRow("overlong partial then overlong first chunk")
        << std::vector<std::string> { "p", repeat('x', max + 3), "\n" + repeat('z', max + 1), "\nlast 1\n" }
        << std::string("last 1\n") << 2 << std::string();
    QTest::newRow("stream ends while discarding")
        << std::vector<std::string> { "a 1\n", repeat('x', max + 1) } << std::string("a 1\n") << 1 << std::string();
}

void tst_lineframer::overlong()
{
    QFETCH(std::vector<std::string>, pieces);
    QFETCH(std::string, lines);
    QFETCH(int, overlong);
    QFETCH(std::string, tail);

    const Result r = run(pieces);
    QCOMPARE(r.lines.size(), lines.size());
    QVERIFY(r.lines == lines);
    QCOMPARE(r.overlong, overlong);
    QCOMPARE(r.tail, tail);
}

void tst_lineframer::manyLinesInOneChunkAreOneBlockWithoutCopy()
{
    std::string input;
    for (int i = 0; i < 10000; ++i)
        input += "servers.web01.metric." + std::to_string(i) + " " + std::to_string(i) + " 1700000000\n";
    input += "partial";

    LineFramer framer;
    int blocks = 0;
    framer.feed(
        input,
        [&](std::string_view lines) {
            ++blocks;
            QCOMPARE(static_cast<const void *>(lines.data()), static_cast<const void *>(input.data()));
            QCOMPARE(lines.size(), input.size() - 7);
        },
        [] { QFAIL("nothing is overlong"); });
    QCOMPARE(blocks, 1);
    QCOMPARE(framer.pendingBytes(), std::size_t(7));

    // The pending partial is completed from the next chunk, then the rest again goes out uncopied.
    const std::string next = " 1\nx 2\ny 3\n";
    std::vector<std::string> seen;
    framer.feed(
        next, [&](std::string_view lines) { seen.emplace_back(lines); }, [] {});
    QCOMPARE(seen.size(), std::size_t(2));
    QCOMPARE(seen[0], std::string("partial 1\n"));
    QCOMPARE(seen[1], std::string("x 2\ny 3\n"));
}

void tst_lineframer::takeTailResets()
{
    LineFramer framer;
    auto ignore = [](std::string_view) {};
    int overlong = 0;
    framer.feed(repeat('x', MaxLineLength + 1), ignore, [&] { ++overlong; });
    QCOMPARE(overlong, 1);
    QCOMPARE(framer.takeTail(), std::string()); // the overlong line was reported already, not a tail
    // After the reset a new stream frames normally: the first line is not swallowed by the old discard.
    std::string lines;
    framer.feed(
        "fresh 1\nrest", [&](std::string_view l) { lines.append(l); }, [&] { ++overlong; });
    QCOMPARE(lines, std::string("fresh 1\n"));
    QCOMPARE(framer.takeTail(), std::string("rest"));
    QCOMPARE(framer.takeTail(), std::string());
    QCOMPARE(overlong, 1);
}

void tst_lineframer::pendingBytes()
{
    LineFramer framer;
    auto ignore = [](std::string_view) {};
    QCOMPARE(framer.pendingBytes(), std::size_t(0));
    framer.feed("abc", ignore, [] {});
    QCOMPARE(framer.pendingBytes(), std::size_t(3));
    framer.feed("de", ignore, [] {});
    QCOMPARE(framer.pendingBytes(), std::size_t(5));
    framer.feed("\n", ignore, [] {});
    QCOMPARE(framer.pendingBytes(), std::size_t(0));
    framer.feed(repeat('x', MaxLineLength + 1), ignore, [] {});
    QCOMPARE(framer.pendingBytes(), std::size_t(0)); // discarded, not buffered
}

QTEST_GUILESS_MAIN(tst_lineframer)
#include "tst_lineframer.moc"

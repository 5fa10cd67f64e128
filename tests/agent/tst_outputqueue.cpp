// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "outputqueue.h"

#include <QtTest>

#include <deque>
#include <string>

using Garnet::OutputQueue;

namespace {

/**
 * Drives an OutputQueue and a trivially correct model (a deque of lines) with the same operations and
 * compares them after every step: contents, line and byte counts, and the exact number of drops.
 */
class ModelCheck
{
public:
    ModelCheck(qint64 capacity, int padding)
        : queue(capacity)
        , m_capacity(std::max<qint64>(1, capacity))
        , m_padding(padding)
    { }

    std::string makeLines(int count, std::deque<std::string> &out)
    {
        std::string block;
        for (int i = 0; i < count; ++i) {
            std::string line
                = "m" + std::string(std::size_t(m_padding), 'x') + '.' + std::to_string(m_next++) + " 1 2\n";
            block += line;
            out.push_back(std::move(line));
        }
        return block;
    }

    qint64 trimModel()
    {
        qint64 dropped = 0;
        while (qint64(m_model.size()) > m_capacity) {
            m_model.pop_front();
            ++dropped;
        }
        return dropped;
    }

    void push(int count)
    {
        std::deque<std::string> lines;
        const std::string block = makeLines(count, lines);
        m_model.insert(m_model.end(), lines.begin(), lines.end());
        QCOMPARE(queue.push(block, count), trimModel());
        updateFull();
    }

    void pushFront(int count)
    {
        std::deque<std::string> lines;
        const std::string block = makeLines(count, lines);
        m_model.insert(m_model.begin(), lines.begin(), lines.end());
        QCOMPARE(queue.pushFront(block, count), trimModel());
        updateFull();
    }

    void take(std::size_t maxBytes)
    {
        const std::string_view view = queue.peek(maxBytes);
        QCOMPARE(view.empty(), m_model.empty());
        std::string expected;
        qint64 lines = 0;
        while (expected.size() < view.size() && lines < qint64(m_model.size()))
            expected += m_model[std::size_t(lines++)];
        QCOMPARE(std::string(view), expected); // whole lines, in order
        QVERIFY(view.size() <= maxBytes || lines == 1); // only a single overlong line may exceed maxBytes
        QCOMPARE(queue.consume(view.size()), lines);
        m_model.erase(m_model.begin(), m_model.begin() + lines);
        updateFull();
    }

    void setCapacity(qint64 capacity)
    {
        m_capacity = std::max<qint64>(1, capacity);
        QCOMPARE(queue.setCapacity(capacity), trimModel());
        m_full = false;
        updateFull();
    }

    /** Backpressure: on from a quarter below capacity, off again at half of it. */
    void updateFull()
    {
        const qint64 size = qint64(m_model.size());
        if (size >= m_capacity - m_capacity / 4)
            m_full = true;
        else if (size <= m_capacity / 2)
            m_full = false;
    }

    void verifyState()
    {
        QCOMPARE(queue.size(), qint64(m_model.size()));
        std::size_t bytes = 0;
        for (const auto &line : m_model)
            bytes += line.size();
        QCOMPARE(queue.bytes(), bytes);
        QCOMPARE(queue.isEmpty(), m_model.empty());
        QCOMPARE(queue.isAtCapacity(), qint64(m_model.size()) >= m_capacity);
        QCOMPARE(queue.isFull(), m_full);
    }

    OutputQueue queue;

private:
    std::deque<std::string> m_model;
    qint64 m_capacity;
    int m_padding;
    qint64 m_next = 0;
    bool m_full = false;
};

} // namespace

class tst_outputqueue : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void modelSequence_data();
    void modelSequence();
    void dropAccountingIsExact();
    void blockLargerThanCapacityKeepsItsNewestLines();
    void pushFrontDropsThePushedLinesFirst();
    void lineLongerThanPeekGoesOutWhole();
    void linesSpanManyChunks();
    void consumeAcrossChunks();
    void emptyAndZeroInputs();
    void fullHasHeadroomAndHysteresis();
};

void tst_outputqueue::modelSequence_data()
{
    QTest::addColumn<qint64>("capacity");
    QTest::addColumn<int>("padding"); // makes lines longer, so blocks cross chunk boundaries
    QTest::addColumn<QStringList>("ops"); // "push N", "front N", "take MAXBYTES", "cap N"

    QTest::newRow("fifo") << qint64(100) << 0
                          << QStringList { u"push 3"_qs, u"push 4"_qs, u"take 1000"_qs, u"take 1000"_qs };
    QTest::newRow("capacity 1") << qint64(1) << 0
                                << QStringList { u"push 1"_qs, u"push 1"_qs, u"push 5"_qs, u"take 1"_qs, u"take 1"_qs,
                                       u"push 2"_qs, u"front 3"_qs, u"take 100"_qs };
    QTest::newRow("capacity 0 means 1") << qint64(0) << 0 << QStringList { u"push 3"_qs, u"take 100"_qs };
    QTest::newRow("negative capacity means 1") << qint64(-5) << 0 << QStringList { u"push 2"_qs, u"front 2"_qs };
    QTest::newRow("overflow by one") << qint64(10) << 0
                                     << QStringList { u"push 10"_qs, u"push 1"_qs, u"take 10000"_qs };
    QTest::newRow("overflow by a block") << qint64(10) << 0
                                         << QStringList { u"push 7"_qs, u"push 25"_qs, u"push 3"_qs };
    QTest::newRow("partial takes") << qint64(50) << 0
                                   << QStringList { u"push 20"_qs, u"take 30"_qs, u"take 31"_qs, u"take 1"_qs,
                                          u"take 0"_qs, u"push 40"_qs, u"take 200"_qs };
    QTest::newRow("front after partial take")
        << qint64(20) << 0
        << QStringList { u"push 10"_qs, u"take 25"_qs, u"front 5"_qs, u"push 10"_qs, u"take 1000"_qs, u"take 1000"_qs };
    QTest::newRow("front overflows") << qint64(8) << 0 << QStringList { u"push 6"_qs, u"front 5"_qs, u"front 20"_qs };
    QTest::newRow("shrink") << qint64(100) << 0
                            << QStringList { u"push 60"_qs, u"cap 10"_qs, u"push 5"_qs, u"cap 100"_qs, u"push 80"_qs };
    QTest::newRow("shrink to zero") << qint64(5) << 0 << QStringList { u"push 5"_qs, u"cap 0"_qs, u"take 1000"_qs };
    QTest::newRow("shrink mid chunk") << qint64(1000) << 0
                                      << QStringList { u"push 300"_qs, u"take 100"_qs, u"cap 7"_qs, u"take 100"_qs };
    // ~2 KiB lines: a few hundred of them fill several 256 KiB chunks.
    QTest::newRow("long lines across chunks")
        << qint64(1000) << 2000
        << QStringList { u"push 150"_qs, u"push 150"_qs, u"push 150"_qs, u"take 300000"_qs, u"push 700"_qs,
               u"take 5000"_qs, u"front 10"_qs, u"take 1000000"_qs, u"take 1000000"_qs };
    QTest::newRow("drop through chunks") << qint64(200) << 3000
                                         << QStringList { u"push 100"_qs, u"push 100"_qs, u"push 150"_qs, u"cap 120"_qs,
                                                u"take 100"_qs, u"push 500"_qs };
}

void tst_outputqueue::modelSequence()
{
    QFETCH(qint64, capacity);
    QFETCH(int, padding);
    QFETCH(QStringList, ops);

    ModelCheck check(capacity, padding);
    for (const QString &op : std::as_const(ops)) {
        const QString verb = op.section(u' ', 0, 0);
        const qint64 n = op.section(u' ', 1, 1).toLongLong();
        if (verb == u"push")
            check.push(int(n));
        else if (verb == u"front")
            check.pushFront(int(n));
        else if (verb == u"take")
            check.take(std::size_t(n));
        else if (verb == u"cap")
            check.setCapacity(n);
        else
            QFAIL("unknown op");
        if (QTest::currentTestFailed()) {
            qWarning() << "after" << op;
            return;
        }
        check.verifyState();
    }
    // Whatever is left drains completely and in order.
    while (!check.queue.isEmpty()) {
        check.take(4096);
        if (QTest::currentTestFailed())
            return;
    }
    check.verifyState();
}

void tst_outputqueue::dropAccountingIsExact()
{
    OutputQueue queue(1000);
    qint64 pushed = 0;
    qint64 dropped = 0;
    qint64 consumed = 0;
    std::string block;
    for (int round = 0; round < 500; ++round) {
        const int count = 1 + (round * 7919) % 97; // irregular block sizes
        block.clear();
        for (int i = 0; i < count; ++i)
            block += "a.b.c " + std::to_string(pushed + i) + " 1700000000\n";
        dropped += queue.push(block, count);
        pushed += count;
        if (round % 3 == 0)
            consumed += queue.consume(queue.peek(std::size_t(round) * 13).size());
        QCOMPARE(pushed, dropped + consumed + queue.size());
        QVERIFY(queue.size() <= 1000);
    }
    // The survivors are exactly the newest lines: the last one pushed is at the back.
    std::string all;
    while (!queue.isEmpty()) {
        const std::string_view view = queue.peek(1 << 20);
        all.append(view);
        consumed += queue.consume(view.size());
    }
    QCOMPARE(pushed, dropped + consumed);
    QVERIFY(all.ends_with("a.b.c " + std::to_string(pushed - 1) + " 1700000000\n"));
}

void tst_outputqueue::blockLargerThanCapacityKeepsItsNewestLines()
{
    OutputQueue queue(3);
    QCOMPARE(queue.push("old 1\n", 1), 0);
    QCOMPARE(queue.push("a 1\nb 2\nc 3\nd 4\ne 5\n", 5), 3); // "old" plus a and b
    QCOMPARE(queue.size(), 3);
    QCOMPARE(queue.peek(1000), std::string_view("c 3\nd 4\ne 5\n"));
}

void tst_outputqueue::pushFrontDropsThePushedLinesFirst()
{
    OutputQueue queue(4);
    queue.push("n1 1\nn2 2\nn3 3\n", 3);
    QCOMPARE(queue.pushFront("r1 1\nr2 2\nr3 3\n", 3), 2); // only r3 fits in front of the newer lines
    QCOMPARE(queue.peek(1000), std::string_view("r3 3\n"));
    QCOMPARE(queue.consume(5), 1);
    QCOMPARE(queue.peek(1000), std::string_view("n1 1\nn2 2\nn3 3\n"));
    QCOMPARE(queue.pushFront("x 1\n", 1), 0);
    QCOMPARE(queue.size(), 4);
}

void tst_outputqueue::lineLongerThanPeekGoesOutWhole()
{
    OutputQueue queue(10);
    const std::string longLine = std::string(500, 'z') + " 1\n";
    queue.push(longLine + "short 2\n", 2);
    QCOMPARE(queue.peek(10), std::string_view(longLine));
    QCOMPARE(queue.peek(longLine.size()), std::string_view(longLine));
    QCOMPARE(queue.peek(longLine.size() + 7), std::string_view(longLine)); // "short 2\n" is 8 bytes
    QCOMPARE(queue.peek(longLine.size() + 8).size(), longLine.size() + 8);
}

void tst_outputqueue::linesSpanManyChunks()
{
    // Blocks bigger than a chunk, and many small blocks, interleaved: order and counts must hold.
    OutputQueue queue(1'000'000);
    std::string expected;
    qint64 seq = 0;
    for (int round = 0; round < 40; ++round) {
        const int count = round % 2 ? 20000 : 3;
        std::string block;
        for (int i = 0; i < count; ++i)
            block += "servers.host.metric." + std::to_string(seq++) + " 42 1700000000\n";
        QCOMPARE(queue.push(block, count), 0);
        expected += block;
    }
    QVERIFY(queue.bytes() > 4 * OutputQueue::ChunkBytes);
    std::string drained;
    qint64 lines = 0;
    while (!queue.isEmpty()) {
        const std::string_view view = queue.peek(100'000);
        QVERIFY(!view.empty());
        QVERIFY(view.size() <= 100'000);
        QCOMPARE(view.back(), '\n');
        drained.append(view);
        lines += queue.consume(view.size());
    }
    QCOMPARE(lines, seq);
    QVERIFY(drained == expected);
    QCOMPARE(queue.bytes(), std::size_t(0));
}

void tst_outputqueue::consumeAcrossChunks()
{
    OutputQueue queue(1'000'000);
    std::string block;
    for (int i = 0; i < 30000; ++i)
        block += "x " + std::to_string(i) + "\n";
    for (int i = 0; i < 5; ++i)
        queue.push(block, 30000);
    QCOMPARE(queue.consume(queue.bytes()), 150000);
    QVERIFY(queue.isEmpty());
    QCOMPARE(queue.bytes(), std::size_t(0));
    QCOMPARE(queue.peek(100), std::string_view());
}

void tst_outputqueue::emptyAndZeroInputs()
{
    OutputQueue queue(5);
    QCOMPARE(queue.push({}, 0), 0);
    QCOMPARE(queue.pushFront({}, 0), 0);
    QCOMPARE(queue.consume(0), 0);
    QCOMPARE(queue.consume(100), 0); // nothing to consume
    QVERIFY(queue.isEmpty());
    QCOMPARE(queue.peek(0), std::string_view());
    queue.push("a 1\n", 1);
    QCOMPARE(queue.peek(0), std::string_view("a 1\n"));
    queue.clear();
    QVERIFY(queue.isEmpty());
    QCOMPARE(queue.capacity(), 5);
}

void tst_outputqueue::fullHasHeadroomAndHysteresis()
{
    OutputQueue queue(100);
    std::string line = "m 1\n";
    auto push = [&](int count) {
        std::string block;
        for (int i = 0; i < count; ++i)
            block += line;
        return queue.push(block, count);
    };
    QCOMPARE(push(74), 0);
    QVERIFY(!queue.isFull());
    QCOMPARE(push(1), 0); // 75: high water, a quarter below capacity
    QVERIFY(queue.isFull());
    QVERIFY(!queue.isAtCapacity());
    QCOMPARE(push(25), 0); // the headroom takes what was already on its way without dropping
    QVERIFY(queue.isAtCapacity());
    QCOMPARE(queue.consume(4 * 49), 49); // 51 left: still above low water
    QVERIFY(queue.isFull());
    QCOMPARE(queue.consume(4), 1); // 50: low water releases
    QVERIFY(!queue.isFull());
    QCOMPARE(push(24), 0); // 74: below high water again
    QVERIFY(!queue.isFull());
    QCOMPARE(queue.setCapacity(60), 14); // 60 of 60: full against the new marks
    QVERIFY(queue.isFull());
    queue.clear();
    QVERIFY(!queue.isFull());
}

QTEST_GUILESS_MAIN(tst_outputqueue)
#include "tst_outputqueue.moc"

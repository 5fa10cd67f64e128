// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// An output with a disk spool: overflow spills to disk instead of being dropped, comes back in order, survives
// the output being destroyed and recreated (a restart), and keeps the accounting exact throughout.
#include "deliveryharness.h"
#include "graphiteoutput.h"
#include "spool.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Garnet;
using namespace GarnetTest;

namespace {

constexpr int Timeout = 30000;

quint16 unusedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

OutputConfig spoolingConfig(quint16 port, const QString &spoolDir, qint64 queueSize = 100)
{
    OutputConfig config;
    config.type = OutputType::Graphite;
    config.host = QStringLiteral("127.0.0.1");
    config.port = port;
    config.address = QStringLiteral("127.0.0.1:%1").arg(port);
    config.queueSize = queueSize;
    config.spoolDir = spoolDir;
    config.spoolMaxBytes = 64 << 20;
    return config;
}

std::string lines(qint64 first, qint64 count)
{
    std::string out;
    for (qint64 i = first; i < first + count; ++i)
        out += "seq." + std::to_string(i) + ' ' + std::to_string(i) + " 1700000000\n";
    return out;
}

void enqueueBlocks(Output &output, qint64 first, qint64 count, qint64 block = 50)
{
    for (qint64 i = first; i < first + count; i += block)
        output.enqueue(lines(i, std::min(block, first + count - i)), std::min(block, first + count - i));
}

bool invariantHolds(const OutputCounters &c)
{
    return c.received == c.sent + c.dropped + c.queued;
}

} // namespace

class tst_spooloutput : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void outageSpillsToDiskAndDeliversAllInOrder();
    void restartRecoversMemoryAndSpoolInOrder();
    void spoolCapDropsOldestAndCounts();
    void unusableSpoolIsReportedAndMemoryStillWorks();
    void reloadHandsTheSpoolOver();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString spoolDir() const { return m_dir->filePath(QStringLiteral("spool")); }
};

void tst_spooloutput::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_spooloutput::outageSpillsToDiskAndDeliversAllInOrder()
{
    const quint16 port = unusedPort();
    GraphiteOutput output(spoolingConfig(port, spoolDir()));
    output.start();
    QVERIFY(output.spoolError().isEmpty());
    QVERIFY(output.spool());
    enqueueBlocks(output, 0, 20000);
    OutputCounters c = output.counters();
    QCOMPARE(c.received, 20000);
    QCOMPARE(c.dropped, 0);
    QCOMPARE(c.queued, 20000);
    QVERIFY2(c.spooled >= 20000 - 100, qPrintable(QString::number(c.spooled)));
    QVERIFY(invariantHolds(c));
    QVERIFY(!output.isSaturated()); // disconnected: never back-pressures

    SeqSink sink;
    QVERIFY(sink.listen(port));
    QTRY_COMPARE_WITH_TIMEOUT(qint64(sink.lines.size()), 20000, Timeout);
    QCOMPARE(sink.values("seq."), seqRange(0, 20000)); // in order, once each
    QTRY_COMPARE_WITH_TIMEOUT(output.counters().sent, 20000, Timeout);
    c = output.counters();
    QCOMPARE(c.queued, 0);
    QCOMPARE(c.spooled, 0);
    QVERIFY(invariantHolds(c));
    QCOMPARE(output.spool()->counters().spilled, c.received - 100); // the first 100 fitted in memory
    QCOMPARE(QDir(spoolDir()).entryList({ QStringLiteral("*.seg") }, QDir::Files), QStringList());
}

void tst_spooloutput::restartRecoversMemoryAndSpoolInOrder()
{
    const quint16 port = unusedPort();
    {
        GraphiteOutput output(spoolingConfig(port, spoolDir()));
        output.start();
        enqueueBlocks(output, 0, 5000);
        QCOMPARE(output.counters().queued, 5000);
        // Destroyed with 100 lines in memory (the oldest): they are written in front of the spool.
    }
    SeqSink sink;
    QVERIFY(sink.listen(port));
    GraphiteOutput output(spoolingConfig(port, spoolDir()));
    output.start();
    QCOMPARE(output.counters().recovered, 5000);
    QCOMPARE(output.counters().received, 5000);
    enqueueBlocks(output, 5000, 100);
    QTRY_COMPARE_WITH_TIMEOUT(qint64(sink.lines.size()), 5100, Timeout);
    QCOMPARE(sink.values("seq."), seqRange(0, 5100));
    QTRY_COMPARE_WITH_TIMEOUT(output.counters().sent, 5100, Timeout);
    QVERIFY(invariantHolds(output.counters()));
}

void tst_spooloutput::spoolCapDropsOldestAndCounts()
{
    const quint16 port = unusedPort();
    OutputConfig config = spoolingConfig(port, spoolDir());
    config.spoolMaxBytes = 128 * 1024;
    GraphiteOutput output(config);
    output.start();
    enqueueBlocks(output, 0, 30000);
    const OutputCounters c = output.counters();
    QVERIFY(c.dropped > 0);
    QVERIFY(invariantHolds(c));
    QCOMPARE(output.spool()->counters().dropped, c.dropped);
    QVERIFY(output.spool()->counters().bytes <= config.spoolMaxBytes);

    SeqSink sink;
    QVERIFY(sink.listen(port));
    QTRY_COMPARE_WITH_TIMEOUT(output.counters().queued, 0, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(qint64(sink.lines.size()), 30000 - c.dropped, Timeout);
    // Memory kept the 100 oldest; the spool dropped whole segments after them; the newest all arrived.
    const std::vector<qint64> got = sink.values("seq.");
    QCOMPARE(std::vector<qint64>(got.begin(), got.begin() + 100), seqRange(0, 100));
    QCOMPARE(std::vector<qint64>(got.end() - 1000, got.end()), seqRange(29000, 1000));
    QVERIFY(std::is_sorted(got.begin(), got.end()));
    QVERIFY(invariantHolds(output.counters()));
}

void tst_spooloutput::unusableSpoolIsReportedAndMemoryStillWorks()
{
    QFile blocker(spoolDir());
    QVERIFY(blocker.open(QIODevice::WriteOnly)); // a file where the directory should be
    blocker.close();
    SeqSink sink;
    QVERIFY(sink.listen());
    GraphiteOutput output(spoolingConfig(sink.port(), spoolDir(), 1000));
    QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(QStringLiteral("not a directory")));
    output.start();
    QVERIFY2(output.spoolError().contains(QLatin1String("not a directory")), qPrintable(output.spoolError()));
    QVERIFY(!output.spool());
    enqueueBlocks(output, 0, 500);
    QTRY_COMPARE_WITH_TIMEOUT(qint64(sink.lines.size()), 500, Timeout);
}

void tst_spooloutput::reloadHandsTheSpoolOver()
{
    const quint16 port = unusedPort();
    auto previous = std::make_unique<GraphiteOutput>(spoolingConfig(port, spoolDir()));
    previous->start();
    enqueueBlocks(*previous, 0, 3000);
    // Same spool directory, another queue size: the new output takes the memory queue and the spool itself.
    GraphiteOutput next(spoolingConfig(port, spoolDir(), 500));
    next.adoptQueue(*previous);
    next.start();
    QVERIFY(next.spool());
    QVERIFY(!previous->spool());
    QCOMPARE(next.counters().received, 3000);
    QCOMPARE(previous->counters().received, 0);
    QVERIFY(invariantHolds(previous->counters()));
    previous.reset();
    enqueueBlocks(next, 3000, 100);
    SeqSink sink;
    QVERIFY(sink.listen(port));
    QTRY_COMPARE_WITH_TIMEOUT(qint64(sink.lines.size()), 3100, Timeout);
    QCOMPARE(sink.values("seq."), seqRange(0, 3100));
    QTRY_VERIFY_WITH_TIMEOUT(invariantHolds(next.counters()) && next.counters().queued == 0, Timeout);
}

QTEST_GUILESS_MAIN(tst_spooloutput)
#include "tst_spooloutput.moc"

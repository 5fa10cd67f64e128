// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Delivery through the real agent binary while the Graphite side goes away: nothing lost while the queue has
// room, exactly the oldest dropped beyond it, bounded memory, and the accounting
// received == sent + dropped + rejected + queued checked from the agent's own self-metrics after each scenario.
#include "deliveryharness.h"

#include <QtTest>

using namespace GarnetTest;

namespace {
constexpr int Timeout = 90000; // a loaded machine; the agent's reconnect backoff reaches 30 s
const QByteArray Self = "servers.testhost.garnet";
const QByteArray Seq = "servers.testhost.seq.";

QByteArray graphiteOutput(const QByteArray &address, const QByteArray &extra = {})
{
    return "[[output]]\ntype = \"graphite\"\naddress = \"" + address + "\"\n" + extra;
}

/** SIGTERM, exit 0, and the final self-metrics at the sink; returns them. */
Accounting stopAndAccount(AgentProcess &agent, const SeqSink &sink)
{
    agent.signal(SIGTERM);
    if (!waitForExit(agent.process(), Timeout) || agent.process().exitCode() != 0) {
        qWarning().noquote() << agent.log();
        return {};
    }
    static_cast<void>(QTest::qWaitFor([&] { return accountingAt(sink, Self).complete(); }, Timeout));
    return accountingAt(sink, Self);
}
} // namespace

class tst_delivery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void outageWithinTheQueueLosesNothing();
    void outageBeyondTheQueueDropsExactlyTheOldest();
};

void tst_delivery::outageWithinTheQueueLosesNothing()
{
    SeqSink sink;
    sink.track(Seq);
    QVERIFY(sink.listen());
    const quint16 port = sink.port();
    ConfigTree tree;
    tree.writeMain(graphiteOutput(sink.address(), "replay_window = \"30s\"\n"), QuietInterval);
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);

    // 30000 lines at 5000/s (every 100th followed by a malformed one); Graphite dies a third of the way in and
    // comes back on the same port after another third.
    constexpr qint64 Count = 30000;
    QProcess writer;
    const QString progressFile = tree.path(QStringLiteral("progress"));
    startWriter(writer,
        { QStringLiteral("--count"), QString::number(Count), QStringLiteral("--rate"), QStringLiteral("5000"),
            QStringLiteral("--garbage-every"), QStringLiteral("100"), QStringLiteral("--progress"), progressFile },
        tree.socketPath());
    QTRY_VERIFY_WITH_TIMEOUT(sink.trackedDistinct() >= 5000, Timeout);
    sink.stop(); // connections reset: whatever carbon had not read yet is gone
    const qint64 sentAtOutage = progress(progressFile);
    QTRY_VERIFY_WITH_TIMEOUT(
        progress(progressFile) >= sentAtOutage + 10000 || writer.state() == QProcess::NotRunning, Timeout);
    QVERIFY(sink.listen(port));
    QVERIFY(waitForExit(writer, Timeout));
    QCOMPARE(writer.exitCode(), 0);

    QTRY_COMPARE_WITH_TIMEOUT(sink.trackedDistinct(), Count, Timeout);
    const std::set<qint64> got = sink.distinctValues(Seq);
    QCOMPARE(*got.begin(), 0);
    QCOMPARE(*got.rbegin(), Count - 1);
    QVERIFY2(sink.accepted() >= 2, "the agent reconnected");

    const Accounting a = stopAndAccount(agent, sink);
    QVERIFY2(a.holds(), a.text());
    QCOMPARE(a.received, Count + Count / 100);
    QCOMPARE(a.rejected, Count / 100);
    QCOMPARE(a.dropped, 0);
    QCOMPARE(a.queued, 0);
    QCOMPARE(a.sent, Count); // first sends only: what was resent after the outage counts as replayed
    QVERIFY(sink.last(Self + ".output." + outputNode(sink.address()) + ".replayed") > 0);
    QVERIFY(outputAccountingAt(sink, Self, outputNode(sink.address())).holds());
}

void tst_delivery::outageBeyondTheQueueDropsExactlyTheOldest()
{
    // Graphite is down the whole time: 1,000,000 lines into a 100,000-line queue.
    const quint16 port = freePort();
    const QByteArray address = "127.0.0.1:" + QByteArray::number(port);
    ConfigTree tree;
    tree.writeMain(graphiteOutput(address, "queue_size = 100000\n"), QuietInterval);
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);
    const qint64 pid = agent.process().processId();
    const qint64 baseline = rssKiB(pid);

    constexpr qint64 Count = 1000000;
    constexpr qint64 Queue = 100000;
    QProcess writer;
    startWriter(writer,
        { QStringLiteral("--count"), QString::number(Count), QStringLiteral("--batch"), QStringLiteral("2000") },
        tree.socketPath());
    qint64 peak = baseline;
    QVERIFY(QTest::qWaitFor(
        [&] {
            peak = std::max(peak, rssKiB(pid));
            return writer.state() == QProcess::NotRunning;
        },
        Timeout));
    QCOMPARE(writer.exitCode(), 0); // never blocked: a disconnected output drops, it does not stall writers
    for (int i = 0; i < 10; ++i) { // the agent may still be reading the socket's last bytes
        QTest::qWait(100);
        peak = std::max(peak, rssKiB(pid));
    }
    qInfo("agent RSS: %lld KiB at start, %lld KiB at most with a full 100000-line queue (+%lld KiB)", baseline, peak,
        peak - baseline);
    // The queue holds about 3 MiB of text here; allow generously for allocator slack and Qt buffers.
    if (residentMemoryMeaningful())
        QVERIFY2(peak - baseline < 64 * 1024, qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(peak - baseline)));

    SeqSink sink;

    sink.track(Seq);
    QVERIFY(sink.listen(port));
    QTRY_COMPARE_WITH_TIMEOUT(qint64(sink.trackedValues().size()), Queue, Timeout);
    // Exactly the newest lines, in order, each once.
    QCOMPARE(sink.values(Seq), seqRange(Count - Queue, Queue));

    const Accounting a = stopAndAccount(agent, sink);
    QVERIFY2(a.holds(), a.text());
    QCOMPARE(a.received, Count);
    QCOMPARE(a.dropped, Count - Queue);
    QCOMPARE(a.sent, Queue);
    QCOMPARE(a.queued, 0);
    QVERIFY(agent.log().contains("dropped the oldest"));
}

QTEST_GUILESS_MAIN(tst_delivery)
#include "tst_delivery.moc"

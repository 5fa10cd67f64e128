// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Backpressure through the real agent (on a private session bus): when the only Graphite accepts but never
// reads, a local writer blocks instead of the agent growing or dropping, while the scheduler and D-Bus keep
// working; when another output is healthy nobody blocks and only the stalled output drops (counted).
#include "deliveryharness.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace GarnetTest;

namespace {
constexpr int Timeout = 90000;
const QByteArray Seq = "servers.testhost.seq.";

/** `garnetctl status --json`, or an empty object when it failed. */
QJsonObject status()
{
    QProcess ctl;
    ctl.start(
        QStringLiteral(GARNET_BINARY_DIR "/bin/garnetctl"), { QStringLiteral("status"), QStringLiteral("--json") });
    if (!waitForExit(ctl, 30000) || ctl.exitCode() != 0)
        return {};
    return QJsonDocument::fromJson(ctl.readAllStandardOutput()).object();
}

qint64 collectorRuns(const QJsonObject &status, const QString &name)
{
    for (const QJsonValue &collector : status.value(QLatin1String("collectors")).toArray())
        if (collector[QLatin1String("name")].toString() == name)
            return collector[QLatin1String("runs")].toInteger(-1);
    return -1;
}

qint64 counter(const QJsonObject &status, const char *name)
{
    return status.value(QLatin1String("counters"))[QLatin1String(name)].toInteger(-1);
}

/** The agent on the test's private session bus (dbus-run-session). */
void startOnSessionBus(AgentProcess &agent, const ConfigTree &tree)
{
    agent.process().setProcessEnvironment(QProcessEnvironment::systemEnvironment());
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()) && !status().isEmpty(), Timeout);
}
} // namespace

class tst_deliverybackpressure : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QSKIP("needs a session bus: run under dbus-run-session (ctest does)");
    }
    void stalledGraphiteBlocksWritersNotTheAgent();
    void aHealthyOutputKeepsWritersGoing();
};

void tst_deliverybackpressure::stalledGraphiteBlocksWritersNotTheAgent()
{
    SeqSink sink;
    sink.track(Seq);
    QVERIFY(sink.listen());
    sink.stall(); // accepts, never reads: the agent's queue fills up, then its socket reads stop
    ConfigTree tree;
    // The queue must leave room above its high-water mark for what one socket read brings (64 KiB, here about
    // 3600 lines): backpressure is lossless with queue_size >= 4 x that (see docs/reliability.md).
    tree.writeMain(
        "[[output]]\ntype = \"graphite\"\naddress = \"" + sink.address() + "\"\nqueue_size = 20000\n", QuietInterval);
    tree.writeCollector(QStringLiteral("ticker"), "command = [\"true\"]\nmode = \"stdout\"\ninterval = \"1s\"\n");
    AgentProcess agent;
    startOnSessionBus(agent, tree);

    constexpr qint64 Count = 500000;
    QProcess writer;
    const QString progressFile = tree.path(QStringLiteral("progress"));
    startWriter(writer,
        { QStringLiteral("--count"), QString::number(Count), QStringLiteral("--batch"), QStringLiteral("1000"),
            QStringLiteral("--progress"), progressFile },
        tree.socketPath());
    // Blocked: no progress for a whole second, well before the end.
    qint64 previous = -1;
    QVERIFY2(QTest::qWaitFor(
                 [&] {
                     const qint64 now = progress(progressFile);
                     const bool stuck = now == previous && now > 0;
                     previous = now;
                     if (!stuck)
                         QTest::qWait(1000);
                     return stuck || writer.state() == QProcess::NotRunning;
                 },
                 Timeout),
        "the writer never blocked");
    QCOMPARE(writer.state(), QProcess::Running);
    QVERIFY2(previous < Count, qPrintable(QString::number(previous)));

    // Meanwhile the agent works: D-Bus answers, the scheduler runs collectors, nothing is dropped.
    const QJsonObject before = status();
    QVERIFY(!before.isEmpty());
    QCOMPARE(counter(before, "dropped"), 0);
    QVERIFY(counter(before, "queued") > 0);
    for (const char *key : { "spooled", "recovered", "replayed", "socket.open_connections", "socket.refused",
             "socket.denied", "socket.idle_closed", "socket.evicted", "socket.accept_failures" })
        QVERIFY2(counter(before, key) >= 0, key);
    QCOMPARE(counter(before, "spooled"), 0); // no spool configured: memory only, and writers block
    QVERIFY(before.value(QLatin1String("outputs"))[0][QLatin1String("connected")].toBool());
    const qint64 runs = collectorRuns(before, QStringLiteral("ticker"));
    QTRY_VERIFY_WITH_TIMEOUT(collectorRuns(status(), QStringLiteral("ticker")) > runs, Timeout);
    QCOMPARE(progress(progressFile), previous); // still blocked
    QCOMPARE(counter(status(), "dropped"), 0);

    // Graphite reads again: the writer finishes and every line arrives, none dropped.
    sink.resume();
    QVERIFY(waitForExit(writer, Timeout));
    QCOMPARE(writer.exitCode(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(sink.trackedDistinct(), Count, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(counter(status(), "queued"), 0, Timeout);
    const QJsonObject after = status();
    QCOMPARE(counter(after, "dropped"), 0);
    QCOMPARE(counter(after, "received"),
        counter(after, "sent") + counter(after, "dropped") + counter(after, "rejected") + counter(after, "queued"));
    agent.signal(SIGTERM);
    QVERIFY(waitForExit(agent.process(), Timeout));
    QCOMPARE(agent.process().exitCode(), 0);
}

void tst_deliverybackpressure::aHealthyOutputKeepsWritersGoing()
{
    SeqSink stalled;
    stalled.track(Seq);
    QVERIFY(stalled.listen());
    stalled.stall();
    SeqSink healthy;
    healthy.track(Seq);
    QVERIFY(healthy.listen());
    ConfigTree tree;
    tree.writeMain("[[output]]\ntype = \"graphite\"\naddress = \"" + stalled.address()
            + "\"\n[[output]]\ntype = \"graphite\"\naddress = \"" + healthy.address() + "\"\n",
        QuietInterval);
    AgentProcess agent;
    startOnSessionBus(agent, tree);

    constexpr qint64 Count = 600000; // more than the stalled output's queue and socket buffers hold
    QProcess writer;
    startWriter(writer,
        { QStringLiteral("--count"), QString::number(Count), QStringLiteral("--batch"), QStringLiteral("1000") },
        tree.socketPath());
    QVERIFY(waitForExit(writer, Timeout)); // never blocked for long: one output always has room
    QCOMPARE(writer.exitCode(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(healthy.trackedDistinct(), Count, Timeout);
    QCOMPARE(healthy.values(Seq), seqRange(0, Count));

    // The stalled output dropped its oldest, counted; each output's own accounting holds.
    QJsonObject s;
    QTRY_VERIFY_WITH_TIMEOUT(
        !(s = status()).isEmpty() && s.value(QLatin1String("outputs")).toArray().size() == 2, Timeout);
    for (const QJsonValue &output : s.value(QLatin1String("outputs")).toArray()) {
        const qint64 received = output[QLatin1String("received")].toInteger();
        QCOMPARE(received, Count);
        QCOMPARE(received,
            output[QLatin1String("sent")].toInteger() + output[QLatin1String("dropped")].toInteger()
                + output[QLatin1String("queued")].toInteger());
        if (output[QLatin1String("name")].toString().endsWith(QString::number(stalled.port())))
            QVERIFY2(output[QLatin1String("dropped")].toInteger() > 0, "the stalled output dropped");
        else
            QCOMPARE(output[QLatin1String("dropped")].toInteger(), 0);
    }
    agent.signal(SIGTERM);
    QVERIFY(waitForExit(agent.process(), Timeout));
    QCOMPARE(agent.process().exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_deliverybackpressure)
#include "tst_deliverybackpressure.moc"

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Zero loss while a real Graphite crashes: carbon-cache (directly, then behind carbon-c-relay) is killed with
// SIGKILL and restarted on the same port three times while uniquely numbered points stream through the agent;
// afterwards every single point is in whisper. What the dead receiver had accepted but not yet written is
// resent by the agent (replay window, SIOCOUTQ-aware history); the duplicates are harmless.
#include "deliveryharness.h"

#include <QDateTime>
#include <QtTest>

using namespace GarnetTest;

namespace {
constexpr int Timeout = 90000;
constexpr qint64 Count = 2400; // points
constexpr qint64 Names = 8; // metrics; point i is seq.<i mod Names> at base + i / Names with value i
constexpr qint64 Rate = 100; // points per second: the stream lasts 24 s
const QByteArray Self = "servers.testhost.garnet";

QByteArray agentConfig(quint16 port)
{
    return "[[output]]\ntype = \"graphite\"\naddress = \"127.0.0.1:" + QByteArray::number(port)
        + "\"\nreplay_window = \"15s\"\n";
}

/** Stream the points through an agent to `port`, crashing `victim` three times on the way. */
void streamWithCrashes(
    ServerProcess &victim, quint16 victimPort, quint16 agentPort, ConfigTree &tree, AgentProcess &agent, qint64 base)
{
    tree.writeMain(agentConfig(agentPort), QuietInterval);
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);
    QProcess writer;
    const QString progressFile = tree.path(QStringLiteral("progress"));
    startWriter(writer,
        { QStringLiteral("--names"), QString::number(Names), QStringLiteral("--base"), QString::number(base),
            QStringLiteral("--count"), QString::number(Count), QStringLiteral("--rate"), QString::number(Rate),
            QStringLiteral("--batch"), QStringLiteral("10"), QStringLiteral("--progress"), progressFile },
        tree.socketPath());
    for (int crash = 1; crash <= 3; ++crash) {
        QTRY_VERIFY_WITH_TIMEOUT(progress(progressFile) >= crash * Count / 4, Timeout);
        QVERIFY(victim.restart()); // SIGKILL: no goodbye, its unread socket data and unwritten cache are gone
        QTRY_VERIFY_WITH_TIMEOUT(acceptsConnections(victimPort), Timeout);
    }
    QVERIFY(waitForExit(writer, Timeout));
    QCOMPARE(writer.exitCode(), 0);
}

/** Every point is in whisper with its value (carbon writes asynchronously: wait for it, once, then judge). */
void verifyWhisper(const CarbonCache &carbon, qint64 base)
{
    std::vector<std::map<qint64, double>> byName(Names);
    const auto complete = [&] {
        bool all = true;
        for (qint64 name = 0; name < Names; ++name) {
            if (qint64(byName[name].size()) >= Count / Names)
                continue;
            const auto points = carbon.fetch("servers.testhost.seq." + QByteArray::number(name));
            byName[name] = std::map<qint64, double>(points.begin(), points.end());
            all = all && qint64(byName[name].size()) >= Count / Names;
        }
        return all;
    };
    static_cast<void>(QTest::qWaitFor(complete, 60000));
    QStringList missing;
    for (qint64 i = 0; i < Count; ++i) {
        const auto &points = byName[i % Names];
        const auto it = points.find(base + i / Names);
        if (it == points.end() || qint64(it->second) != i)
            missing << QString::number(i);
    }
    QVERIFY2(missing.isEmpty(),
        qPrintable(
            QStringLiteral("%1 point(s) missing or wrong: %2").arg(missing.size()).arg(missing.mid(0, 50).join(u' '))));
}

void verifyAccounting(AgentProcess &agent, const CarbonCache &carbon)
{
    agent.signal(SIGTERM);
    QVERIFY(waitForExit(agent.process(), Timeout));
    QCOMPARE(agent.process().exitCode(), 0);
    // The agent's final self-metrics went to carbon too.
    std::optional<double> received, sent, dropped, rejected, queued;
    QTRY_VERIFY_WITH_TIMEOUT((received = carbon.lastValue(Self + ".received"))
            && (sent = carbon.lastValue(Self + ".sent")) && (dropped = carbon.lastValue(Self + ".dropped"))
            && (rejected = carbon.lastValue(Self + ".rejected")) && (queued = carbon.lastValue(Self + ".queued")),
        Timeout);
    QCOMPARE(*received, double(Count));
    QCOMPARE(*received, *sent + *dropped + *rejected + *queued);
    QCOMPARE(*dropped, 0.0);
    QVERIFY(agent.log().contains("connection lost"));
}
} // namespace

class tst_deliverycarbon : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (!CarbonCache::available())
            QSKIP("carbon-cache not installed (Debian package graphite-carbon; scripts/test installs it)");
    }
    void carbonCacheCrashesThreeTimes();
    void carbonCRelayCrashesThreeTimes();
};

void tst_deliverycarbon::carbonCacheCrashesThreeTimes()
{
    CarbonCache carbon;
    QVERIFY(carbon.start());
    QTRY_VERIFY_WITH_TIMEOUT(acceptsConnections(carbon.port()), Timeout);
    ConfigTree tree;
    AgentProcess agent;
    const qint64 base = QDateTime::currentSecsSinceEpoch() - 1800;
    streamWithCrashes(carbon, carbon.port(), carbon.port(), tree, agent, base);
    if (QTest::currentTestFailed())
        return;
    verifyWhisper(carbon, base);
    if (QTest::currentTestFailed())
        return;
    verifyAccounting(agent, carbon);
}

void tst_deliverycarbon::carbonCRelayCrashesThreeTimes()
{
    if (!CarbonCRelay::available())
        QSKIP("carbon-c-relay not installed (Debian package carbon-c-relay; scripts/test installs it)");
    CarbonCache carbon;
    QVERIFY(carbon.start());
    QTRY_VERIFY_WITH_TIMEOUT(acceptsConnections(carbon.port()), Timeout);
    CarbonCRelay relay;
    QVERIFY(relay.start({ carbon.port() }));
    QTRY_VERIFY_WITH_TIMEOUT(acceptsConnections(relay.port()), Timeout);
    ConfigTree tree;
    AgentProcess agent;
    const qint64 base = QDateTime::currentSecsSinceEpoch() - 1500;
    streamWithCrashes(relay, relay.port(), relay.port(), tree, agent, base);
    if (QTest::currentTestFailed())
        return;
    verifyWhisper(carbon, base);
    if (QTest::currentTestFailed())
        return;
    verifyAccounting(agent, carbon);
}

QTEST_GUILESS_MAIN(tst_deliverycarbon)
#include "tst_deliverycarbon.moc"

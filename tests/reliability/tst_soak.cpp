// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Soak: the real agent runs thousands of collector runs (good, failing, crashing, hanging, ignoring
// SIGTERM, escaping their group, flooding stdout, not even starting) at short intervals. Throughout, no
// zombie lingers; between a quiet point before and one after, open descriptors and memory stay flat.
// GARNET_SOAK_RUNS sets the number of runs (default 1000; scripts/soak runs 10,000).
#include "reliabilityharness.h"

#include <QElapsedTimer>
#include <QSet>
#include <QtTest>

using namespace GarnetTest;

namespace {
constexpr int Timeout = 60000;
constexpr int FileSlack = 2; ///< descriptors that may come and go (a lazily opened file, a reconnect)
constexpr qint64 RssSlackKiB = 5 * 1024;

struct SoakCollector
{
    const char *name;
    QByteArray settings; ///< besides command and mode
};

const QList<SoakCollector> &soakCollectors()
{
    static const QList<SoakCollector> collectors = {
        { "good", "interval = \"100ms\"\n" }, { "fail", "interval = \"100ms\"\n" },
        { "crash", "interval = \"100ms\"\n" }, { "escape", "interval = \"100ms\"\n" },
        { "hang", "interval = \"200ms\"\ntimeout = \"100ms\"\n" },
        { "ignore", "interval = \"500ms\"\ntimeout = \"100ms\"\n" },
        { "flood", "interval = \"200ms\"\noutput_limit = \"1KiB\"\n" }, // the least: the soak is about runs, not volume
    };
    return collectors;
}

void writeCollectors(const ConfigTree &tree, bool enabled)
{
    const QByteArray state = enabled ? "enabled = true\n" : "enabled = false\n";
    for (const SoakCollector &collector : soakCollectors())
        tree.writeCollector(QLatin1String(collector.name),
            "command = [\"" + reliabilityCollector("soak.sh").toUtf8() + "\", \"" + collector.name
                + "\"]\nmode = \"stdout\"\n" + collector.settings + state);
    tree.writeCollector(QStringLiteral("missing"),
        "command = [\"/nonexistent/garnet-soak\"]\nmode = \"stdout\"\ninterval = \"100ms\"\n" + state);
}

/** Disable every collector and wait until nothing of theirs is left: a point where the agent is idle. */
void quiesce(AgentProcess &agent, const ConfigTree &tree)
{
    writeCollectors(tree, false);
    agent.signal(SIGHUP);
    QTRY_VERIFY_WITH_TIMEOUT(descendants(agentPid(agent)).isEmpty(), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(zombieChildren(agentPid(agent)).isEmpty(), Timeout);
}

/** The lowest descriptor count and memory over half a second of idleness. */
std::pair<int, qint64> idleFootprint(pid_t pid)
{
    int files = openFileCount(pid);
    qint64 rss = residentKiB(pid);
    for (int i = 0; i < 10; ++i) {
        QTest::qWait(50); // sampling, not synchronisation
        files = std::min(files, openFileCount(pid));
        rss = std::min(rss, residentKiB(pid));
    }
    return { files, rss };
}
} // namespace

class tst_soak : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mixedCollectorsStayFlat();
};

void tst_soak::mixedCollectorsStayFlat()
{
    const qint64 targetRuns
        = qEnvironmentVariableIsSet("GARNET_SOAK_RUNS") ? qEnvironmentVariable("GARNET_SOAK_RUNS").toLongLong() : 1000;
    QVERIFY(targetRuns > 0);
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutputTo(sink), "interval = \"1s\"\n");
    writeCollectors(tree, true);
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    // Warm-up (the first runs allocate what later runs reuse), then the first quiet point.
    QTRY_VERIFY_WITH_TIMEOUT(lastMetric(sink, "servers.testhost.garnet.runs") >= 100, Timeout);
    quiesce(agent, tree);
    const pid_t pid = agentPid(agent);
    const auto [filesBefore, rssBefore] = idleFootprint(pid);

    writeCollectors(tree, true); // changed files: new collectors, counters from zero
    agent.signal(SIGHUP);
    QElapsedTimer clock;
    clock.start();
    QSet<pid_t> zombiesSeen[2]; // the last two samples: a zombie in three in a row is one nobody reaps
    qint64 runs = 0;
    int samples = 0;
    while (runs < targetRuns) {
        QTest::qWait(1000); // sampling interval
        QVERIFY2(clock.elapsed() < 20 * 60 * 1000, "the soak stopped making progress");
        QCOMPARE(agent.process().state(), QProcess::Running);
        const QList<pid_t> zombies = zombieChildren(pid);
        for (const pid_t zombie : zombies)
            QVERIFY2(!(zombiesSeen[0].contains(zombie) && zombiesSeen[1].contains(zombie)),
                qPrintable(QStringLiteral("process %1 stayed a zombie for 2 s").arg(zombie)));
        zombiesSeen[0] = zombiesSeen[1];
        zombiesSeen[1] = QSet<pid_t>(zombies.cbegin(), zombies.cend());
        runs = std::max<qint64>(0, lastMetric(sink, "servers.testhost.garnet.runs"));
        if (++samples % 10 == 0)
            qInfo("%lld runs after %lld s, %d descriptors, %lld KiB", runs, clock.elapsed() / 1000, openFileCount(pid),
                residentKiB(pid));
    }
    const qint64 failures = lastMetric(sink, "servers.testhost.garnet.failures");
    const qint64 timeouts = lastMetric(sink, "servers.testhost.garnet.timeouts");
    const qint64 overflows = maxMetric(sink, "servers.testhost.garnet.collector.flood.output_overflows");
    qInfo("%lld runs in %lld s: %lld failures, %lld timeouts, %lld output overflows", runs, clock.elapsed() / 1000,
        failures, timeouts, overflows);
    QVERIFY(failures > 0 && timeouts > 0 && overflows > 0);
    QVERIFY(lastMetric(sink, "servers.testhost.garnet.collector.good.runs") > 0);

    quiesce(agent, tree);
    const auto [filesAfter, rssAfter] = idleFootprint(pid);
    qInfo("idle agent before: %d descriptors, %lld KiB; after %lld runs: %d descriptors, %lld KiB", filesBefore,
        rssBefore, runs, filesAfter, rssAfter);
    QVERIFY2(
        filesAfter <= filesBefore + FileSlack, qPrintable(QStringLiteral("%1 → %2").arg(filesBefore).arg(filesAfter)));
    if (residentMemoryMeaningful())
        QVERIFY2(rssAfter <= rssBefore + RssSlackKiB,
            qPrintable(QStringLiteral("%1 → %2 KiB").arg(rssBefore).arg(rssAfter)));
    // Escapees were ended, not left to init: no process started for this agent is still around.
    QVERIFY(!agent.log().contains("cannot become a child subreaper"));
    QCOMPARE(processesWithEnvironment("GARNET_SOCKET=" + tree.socketPath().toUtf8()), QList<pid_t>());

    agent.signal(SIGTERM);
    QVERIFY(agent.process().waitForFinished(Timeout));
    QCOMPARE(agent.process().exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_soak)
#include "tst_soak.moc"

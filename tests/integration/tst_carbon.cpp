// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// End to end against a real Graphite: garnet-agent → carbon-cache (and → carbon-c-relay → two carbon-caches),
// values checked in the whisper files with whisper-fetch.
#include "agentharness.h"
#include "carbonharness.h"

#include <QtTest>

using namespace GarnetTest;

namespace {
constexpr int Timeout = 60000; // carbon writes asynchronously and python start-up is slow on a loaded machine
constexpr int Numbered = 50;

void writeCollectors(const ConfigTree &tree)
{
    tree.writeCollector(QStringLiteral("shell"),
        "command = [\"" + testCollector("stdout-values.sh").toUtf8() + "\"]\nmode = \"stdout\"\ninterval = \"1s\"\n");
    tree.writeCollector(QStringLiteral("python"),
        "command = [\"" + testCollector("socket-writer.py").toUtf8() + "\", \"py\", \"" + QByteArray::number(Numbered)
            + "\"]\ninterval = \"1s\"\n");
}

QByteArray graphiteOutput(quint16 port)
{
    return "[[output]]\ntype = \"graphite\"\naddress = \"127.0.0.1:" + QByteArray::number(port) + "\"\n";
}
} // namespace

class tst_carbon : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        if (!CarbonCache::available())
            QSKIP("carbon-cache not installed (Debian package graphite-carbon; scripts/test installs it)");
    }

    void agentToCarbonCache()
    {
        CarbonCache carbon;
        QVERIFY(carbon.start());
        QTRY_VERIFY_WITH_TIMEOUT(acceptsConnections(carbon.port()), Timeout);
        ConfigTree tree;
        tree.writeMain(graphiteOutput(carbon.port()), "interval = \"1s\"\n");
        writeCollectors(tree);
        AgentProcess agent;
        agent.start({ QStringLiteral("--config"), tree.mainFile() });

        QTRY_COMPARE_WITH_TIMEOUT(
            carbon.lastValue("servers.testhost.shell.shell.answer"), std::optional<double>(42), Timeout);
        QTRY_COMPARE_WITH_TIMEOUT(
            carbon.lastValue("servers.testhost.shell.shell.pi"), std::optional<double>(3.14159), Timeout);
        for (int i = 0; i < Numbered; ++i) {
            const QByteArray metric = "servers.testhost.python.py.n" + QByteArray::number(i);
            QTRY_COMPARE_WITH_TIMEOUT(carbon.lastValue(metric), std::optional<double>(i), Timeout);
        }
        // Several intervals: one point per aligned second, and the self-metrics are stored too.
        QTRY_VERIFY_WITH_TIMEOUT(carbon.fetch("servers.testhost.shell.shell.answer").size() >= 3, Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(carbon.lastValue("servers.testhost.garnet.sent").value_or(0) > 0, Timeout);
        agent.signal(SIGTERM);
        QVERIFY(agent.process().waitForFinished(Timeout));
        QCOMPARE(agent.process().exitCode(), 0);
    }

    void agentThroughCarbonCRelayToTwoCaches()
    {
        if (!CarbonCRelay::available())
            QSKIP("carbon-c-relay not installed (Debian package carbon-c-relay; scripts/test installs it)");
        CarbonCache first, second;
        QVERIFY(first.start());
        QVERIFY(second.start());
        QTRY_VERIFY_WITH_TIMEOUT(acceptsConnections(first.port()) && acceptsConnections(second.port()), Timeout);
        CarbonCRelay relay;
        QVERIFY(relay.start({ first.port(), second.port() }));
        QTRY_VERIFY_WITH_TIMEOUT(acceptsConnections(relay.port()), Timeout);
        ConfigTree tree;
        tree.writeMain(graphiteOutput(relay.port()), "interval = \"1s\"\n");
        writeCollectors(tree);
        AgentProcess agent;
        agent.start({ QStringLiteral("--config"), tree.mainFile() });

        int onFirst = 0, onSecond = 0;
        for (int i = 0; i < Numbered; ++i) {
            const QByteArray metric = "servers.testhost.python.py.n" + QByteArray::number(i);
            QTRY_VERIFY_WITH_TIMEOUT(first.lastValue(metric) == std::optional<double>(i)
                    || second.lastValue(metric) == std::optional<double>(i),
                Timeout);
            const bool a = QFile::exists(first.whisperFile(metric));
            const bool b = QFile::exists(second.whisperFile(metric));
            QVERIFY2(a != b, metric.constData()); // consistent hashing: exactly one cache owns a metric
            onFirst += a;
            onSecond += b;
        }
        QVERIFY2(onFirst > 0 && onSecond > 0, "the relay spread the metrics over both caches");
        agent.signal(SIGTERM);
        QVERIFY(agent.process().waitForFinished(Timeout));
        QCOMPARE(agent.process().exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_carbon)
#include "tst_carbon.moc"

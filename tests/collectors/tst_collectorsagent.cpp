// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// The real garnet-agent runs the bundled collectors, monitoring-plugins through the nagios dialect and a
// PUTVAL script through the collectd dialect; the metrics arrive at a TCP sink.
#include "../integration/agentharness.h"

#include <QtTest>

#include <sys/statvfs.h>

using namespace GarnetTest;

namespace {

constexpr int Timeout = 30000;
const QString PluginDir = QStringLiteral("/usr/lib/nagios/plugins");

QByteArray graphiteOutput(const LineSink &sink)
{
    return "[[output]]\ntype = \"graphite\"\naddress = \"" + sink.address() + "\"\n";
}

/** The value of the latest line for exactly this metric path; nullopt if none arrived. */
std::optional<double> latest(const LineSink &sink, const QByteArray &path)
{
    const QList<QByteArray> lines = sink.linesStartingWith(path + ' ');
    if (lines.isEmpty())
        return std::nullopt;
    return lines.last().split(' ').value(1).toDouble();
}

qint64 memTotalBytes()
{
    QFile meminfo(QStringLiteral("/proc/meminfo"));
    if (!meminfo.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray first = meminfo.readLine(); // "MemTotal:       24668920 kB"
    return first.mid(first.indexOf(':') + 1).simplified().split(' ').value(0).toLongLong() * 1024;
}

QByteArray stdoutCollector(const QStringList &command, const char *dialect)
{
    QByteArrayList quoted;
    for (const QString &part : command)
        quoted << '"' + part.toUtf8() + '"';
    // A generous timeout: on a loaded machine a slow run skips ticks instead of failing.
    return "command = [" + quoted.join(", ")
        + "]\ninterval = \"1s\"\ntimeout = \"20s\"\nmode = \"stdout\"\ndialect = \"" + dialect + "\"\n";
}

} // namespace

class TestCollectorsAgent : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void bundledCollectorsReachGraphite();
    void nagiosPluginsThroughTheDialect();
    void collectdScriptThroughTheDialect();

private:
    QTemporaryDir m_stateDir;
};

void TestCollectorsAgent::initTestCase()
{
    QVERIFY2(QFile::exists(agentBinary()), "build garnet-agent first");
    // The collectors inherit the agent's environment: keep their rate state out of the user's.
    QVERIFY(m_stateDir.isValid());
    qputenv("GARNET_STATE_DIR", QFile::encodeName(m_stateDir.path()));
}

void TestCollectorsAgent::bundledCollectorsReachGraphite()
{
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutput(sink), "interval = \"1s\"\n");
    for (const char *name : { "cpu", "memory", "loadavg", "uptime", "diskio", "filesystem", "network", "processes" })
        tree.writeCollector(QString::fromLatin1(name),
            "command = [\"" + QByteArray(name) + "\"]\ninterval = \"1s\"\ntimeout = \"20s\"\n"); // in build/collectors
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });

    const QByteArray prefix = "servers.testhost.";
    // Rates need a second run: cpu and network arrive a second after the rest.
    QTRY_VERIFY2_WITH_TIMEOUT(sink.has(prefix + "cpu.total.idle ") && sink.has(prefix + "network.lo.rx_byte "),
        agent.log().constData(), Timeout);
    QCOMPARE(latest(sink, prefix + "memory.MemTotal"), std::optional<double>(double(memTotalBytes())));
    struct statvfs root = {};
    QCOMPARE(::statvfs("/", &root), 0);
    QCOMPARE(latest(sink, prefix + "filesystem.root.byte_total"),
        std::optional<double>(double(root.f_blocks) * double(root.f_frsize)));
    QVERIFY(latest(sink, prefix + "loadavg.15").value_or(-1) >= 0);
    QVERIFY(latest(sink, prefix + "uptime.seconds").value_or(-1) > 0);
    QVERIFY(latest(sink, prefix + "processes.total").value_or(-1) > 0);
    for (const QByteArray &line : sink.linesStartingWith(prefix + "cpu.")) {
        const double percent = line.split(' ').value(1).toDouble();
        QVERIFY2(percent >= 0 && percent <= 100, line.constData());
    }
    // Every line the bundled collectors wrote was valid, and they all ran without failing.
    QTRY_VERIFY_WITH_TIMEOUT(sink.has(prefix + "garnet.rejected "), Timeout);
    QCOMPARE(latest(sink, prefix + "garnet.rejected"), std::optional<double>(0));
    QCOMPARE(latest(sink, prefix + "garnet.failures"), std::optional<double>(0));
}

void TestCollectorsAgent::nagiosPluginsThroughTheDialect()
{
    if (!QFile::exists(PluginDir + QStringLiteral("/check_load"))
        || !QFile::exists(PluginDir + QStringLiteral("/check_disk")))
        QSKIP("monitoring-plugins-basic is not installed (/usr/lib/nagios/plugins/check_load, check_disk): "
              "apt-get install monitoring-plugins-basic");
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutput(sink), "interval = \"1s\"\n");
    tree.writeCollector(QStringLiteral("load"),
        stdoutCollector({ PluginDir + QStringLiteral("/check_load"), QStringLiteral("-w"),
                            QStringLiteral("1000,1000,1000"), QStringLiteral("-c"), QStringLiteral("2000,2000,2000") },
            "nagios"));
    tree.writeCollector(QStringLiteral("disk"),
        stdoutCollector({ PluginDir + QStringLiteral("/check_disk"), QStringLiteral("-w"), QStringLiteral("0%"),
                            QStringLiteral("-c"), QStringLiteral("0%"), QStringLiteral("-p"), QStringLiteral("/") },
            "nagios"));
    tree.writeCollector(QStringLiteral("dummy"),
        stdoutCollector(
            { PluginDir + QStringLiteral("/check_dummy"), QStringLiteral("2"), QStringLiteral("boom") }, "nagios"));
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });

    const QByteArray prefix = "servers.testhost.";
    QTRY_VERIFY2_WITH_TIMEOUT(
        sink.has(prefix + "load.state ") && sink.has(prefix + "disk.state ") && sink.has(prefix + "dummy.state "),
        agent.log().constData(), Timeout);
    for (const char *metric :
        { "load.load1", "load.load5", "load.load15", "load.load1.min", "disk.root", "disk.root.max" })
        QVERIFY2(latest(sink, prefix + metric).value_or(-1) >= 0, metric);
    QCOMPARE(latest(sink, prefix + "load.load1.warn"), std::optional<double>(1000));
    QCOMPARE(latest(sink, prefix + "load.load15.crit"), std::optional<double>(2000));
    QCOMPARE(latest(sink, prefix + "load.state"), std::optional<double>(0));
    QCOMPARE(latest(sink, prefix + "disk.state"), std::optional<double>(0));
    QCOMPARE(latest(sink, prefix + "dummy.state"), std::optional<double>(2)); // exit status 2 = CRITICAL
    // Metrics carry the run's tick as timestamp, like any collector's.
    const QByteArrayList fields = sink.linesStartingWith(prefix + "load.load1 ").constLast().split(' ');
    QCOMPARE(fields.size(), 3);
    QVERIFY(qAbs(fields[2].toLongLong() - QDateTime::currentSecsSinceEpoch()) < 60);
}

void TestCollectorsAgent::collectdScriptThroughTheDialect()
{
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutput(sink), "interval = \"1s\"\n");
    tree.writeCollector(QStringLiteral("app"),
        stdoutCollector({ QStringLiteral(GARNET_TEST_SOURCE_DIR "/collectors/scripts/putval.sh") }, "collectd"));
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });

    const QByteArray app = "servers.testhost.app.";
    QTRY_VERIFY2_WITH_TIMEOUT(sink.has(app + "load.load.longterm "), agent.log().constData(), Timeout);
    QCOMPARE(latest(sink, app + "exec-test.gauge-answer"), std::optional<double>(42));
    QCOMPARE(latest(sink, app + "interface-lo.if_octets.rx"), std::optional<double>(1024));
    QCOMPARE(latest(sink, app + "interface-lo.if_octets.tx"), std::optional<double>(2048));
    QCOMPARE(latest(sink, app + "load.load.shortterm"), std::optional<double>(0.5)); // the unterminated last line
    QCOMPARE(latest(sink, app + "load.load.midterm"), std::optional<double>(0.25));
    QCOMPARE(sink.linesStartingWith(app + "exec-test.gauge-stamped ").value(0),
        QByteArray(app + "exec-test.gauge-stamped 7 1700000000")); // PUTVAL's own time is kept
    // The malformed PUTVAL is rejected and counted; the notification and the comment are not rejects.
    QTRY_VERIFY_WITH_TIMEOUT(latest(sink, "servers.testhost.garnet.rejected.bad_name").value_or(0) >= 1, Timeout);
    const double runs = latest(sink, "servers.testhost.garnet.collector.app.runs").value_or(0);
    QVERIFY(runs >= 1);
    QVERIFY(latest(sink, "servers.testhost.garnet.rejected").value_or(0) <= runs + 1); // one bad line per run
}

QTEST_GUILESS_MAIN(TestCollectorsAgent)
#include "tst_collectorsagent.moc"

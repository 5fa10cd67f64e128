// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Collector supervision against the real agent: hung and escaping processes end by timeout + grace + 1 s
// and are reaped, output floods are cut, collectors start with only stdio, the configured environment and
// user, and an agent running as root refuses files others could change.
#include "reliabilityharness.h"

#include <QElapsedTimer>
#include <QtTest>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>

using namespace GarnetTest;

namespace {
constexpr int Timeout = 30000;
/** The agent's SIGTERM → SIGKILL grace (CollectorEnvironment::killGrace). */
constexpr qint64 KillGraceMs = 2000;
/**
 * Slack on top of the promised timeout + grace + 1 s: the test only sees the run start when the
 * collector writes its pid file, and a loaded test machine delays everything. It keeps the check
 * meaningful (a process killed only at the next run, or never, fails it) without a tight timing bound.
 */
constexpr qint64 NoiseSlackMs = 5000;

QByteArray command(const QString &program, const QStringList &arguments = {})
{
    QByteArray text = "command = [\"" + program.toUtf8() + '"';
    for (const QString &argument : arguments)
        text += ", \"" + argument.toUtf8() + '"';
    return text + "]\n";
}

QMap<QByteArray, QByteArray> readProbe(const ConfigTree &tree, const QString &relative)
{
    QMap<QByteArray, QByteArray> values;
    for (const QByteArray &line : tree.read(relative).split('\n')) {
        const qsizetype equals = line.indexOf('=');
        if (equals > 0)
            values.insert(line.left(equals), line.mid(equals + 1));
    }
    return values;
}
} // namespace

class tst_supervision : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void hungGroupIgnoringSigtermIsGone();
    void escapeeOfHungRunIsGone();
    void escapeeOfFinishedRunIsReparentedAndGone();
    void outputFloodIsCutAndCounted_data();
    void outputFloodIsCutAndCounted();
    void collectorStartsWithStdioEnvironmentOnly();
    void collectorRunsAsConfiguredUser();
    void userWithoutRootIsARunError();
    void writableFilesRefusedAsRoot();
};

void tst_supervision::hungGroupIgnoringSigtermIsGone()
{
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutputTo(sink), "interval = \"1s\"\n");
    tree.writeCollector(QStringLiteral("hang"),
        command(reliabilityCollector("hang-ignoring.sh"), { tree.path(QStringLiteral("child.pid")) })
            + "mode = \"stdout\"\ninterval = \"2s\"\ntimeout = \"1s\"\n");
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(pidFromFile(tree, QStringLiteral("child.pid")) > 0, Timeout);
    QElapsedTimer sinceStart;
    sinceStart.start();
    const pid_t child = pidFromFile(tree, QStringLiteral("child.pid"));
    const pid_t collector = pid_t(statFields(child).value(1).toInt()); // the hanging script
    QVERIFY(collector > 1 && collector != agentPid(agent));
    QTRY_VERIFY_WITH_TIMEOUT(processGone(child) && processGone(collector), Timeout);
    const qint64 bound = 1000 + KillGraceMs + 1000;
    qInfo("both gone %lld ms after the run started (promised: %lld ms)", sinceStart.elapsed(), bound);
    QVERIFY2(sinceStart.elapsed() < bound + NoiseSlackMs, QByteArray::number(sinceStart.elapsed()).constData());
    QTRY_VERIFY_WITH_TIMEOUT(maxMetric(sink, "servers.testhost.garnet.collector.hang.timeouts") >= 1, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(zombieChildren(agentPid(agent)).isEmpty(), Timeout);
}

void tst_supervision::escapeeOfHungRunIsGone()
{
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutputTo(sink), "interval = \"1s\"\n");
    tree.writeCollector(QStringLiteral("escape"),
        command(reliabilityCollector("escape.py"), { tree.path(QStringLiteral("escapee.pid")), QStringLiteral("hang") })
            + "mode = \"stdout\"\ninterval = \"2s\"\ntimeout = \"1s\"\n");
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(pidFromFile(tree, QStringLiteral("escapee.pid")) > 0, Timeout);
    QElapsedTimer sinceStart;
    sinceStart.start();
    const pid_t escapee = pidFromFile(tree, QStringLiteral("escapee.pid"));
    const QList<QByteArray> fields = statFields(escapee);
    QVERIFY(fields.size() > 3);
    // A session of its own (its parent's, who called setsid() and exited): out of the collector's group.
    QCOMPARE(fields[2], fields[3]);
    QVERIFY(processGone(pid_t(fields[3].toInt())));
    QCOMPARE(fields[1].toInt(), int(agentPid(agent))); // re-parented to the agent, the subreaper
    QTRY_VERIFY_WITH_TIMEOUT(processGone(escapee), Timeout);
    const qint64 bound = 1000 + KillGraceMs + 1000;
    qInfo("escapee gone %lld ms after the run started (promised: %lld ms)", sinceStart.elapsed(), bound);
    QVERIFY2(sinceStart.elapsed() < bound + NoiseSlackMs, QByteArray::number(sinceStart.elapsed()).constData());
    QTRY_VERIFY_WITH_TIMEOUT(maxMetric(sink, "servers.testhost.garnet.collector.escape.timeouts") >= 1, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(zombieChildren(agentPid(agent)).isEmpty(), Timeout);
    QVERIFY2(agent.log().contains("re-parented to the agent"), agent.log().constData());
}

void tst_supervision::escapeeOfFinishedRunIsReparentedAndGone()
{
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutputTo(sink), "interval = \"1s\"\n");
    tree.writeCollector(QStringLiteral("escape"),
        command(reliabilityCollector("escape.py"), { tree.path(QStringLiteral("escapee.pid")), QStringLiteral("exit") })
            + "mode = \"stdout\"\ninterval = \"1s\"\n");
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(pidFromFile(tree, QStringLiteral("escapee.pid")) > 0, Timeout);
    QElapsedTimer sinceStart;
    sinceStart.start();
    const pid_t escapee = pidFromFile(tree, QStringLiteral("escapee.pid"));
    // The run is over as soon as the collector exits: what it left (ignoring SIGTERM) is killed after the grace.
    QTRY_VERIFY_WITH_TIMEOUT(processGone(escapee), Timeout);
    qInfo("escapee gone %lld ms after its run ended", sinceStart.elapsed());
    QVERIFY2(
        sinceStart.elapsed() < KillGraceMs + 1000 + NoiseSlackMs, QByteArray::number(sinceStart.elapsed()).constData());
    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.escape.escape.first 1"), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.escape.escape.later 1"), Timeout); // later runs go on
    QTRY_VERIFY_WITH_TIMEOUT(zombieChildren(agentPid(agent)).isEmpty(), Timeout);
    QCOMPARE(maxMetric(sink, "servers.testhost.garnet.collector.escape.failures"), 0);
}

void tst_supervision::outputFloodIsCutAndCounted_data()
{
    QTest::addColumn<QString>("stream");
    QTest::newRow("stdout") << QStringLiteral("stdout");
    QTest::newRow("stderr") << QStringLiteral("stderr");
}

void tst_supervision::outputFloodIsCutAndCounted()
{
    QFETCH(QString, stream);
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutputTo(sink), "interval = \"1s\"\n");
    tree.writeCollector(QStringLiteral("flood"),
        command(reliabilityCollector("flood.sh"), { stream })
            + "mode = \"stdout\"\ninterval = \"2s\"\ntimeout = \"1m\"\noutput_limit = \"1MiB\"\n");
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    // Every run is cut at 1 MiB, long before its one-minute timeout: runs keep coming, each one a failure.
    QTRY_VERIFY_WITH_TIMEOUT(maxMetric(sink, "servers.testhost.garnet.collector.flood.output_overflows") >= 1, 60000);
    const qint64 rssBefore = residentKiB(agentPid(agent));
    QTRY_VERIFY_WITH_TIMEOUT(maxMetric(sink, "servers.testhost.garnet.collector.flood.output_overflows") >= 4, 60000);
    QVERIFY(maxMetric(sink, "servers.testhost.garnet.collector.flood.failures") >= 3);
    QCOMPARE(maxMetric(sink, "servers.testhost.garnet.collector.flood.timeouts"), 0);
    QVERIFY2(agent.log().contains("exceeded the output limit of 1048576 bytes"), agent.log().right(2000).constData());
    const qint64 lines = sink.linesStartingWith("servers.testhost.flood.flood.line ").size();
    const qint64 runs = maxMetric(sink, "servers.testhost.garnet.collector.flood.runs");
    // At most 1 MiB of "flood.line 1\n" (13 bytes) per run reached the pipeline.
    QVERIFY2(lines <= (runs + 1) * (1048576 / 13 + 1), QByteArray::number(lines).constData());
    if (stream == QLatin1String("stdout"))
        QVERIFY(lines > 0);
    const qint64 rssAfter = residentKiB(agentPid(agent));
    qInfo("agent RSS %lld KiB after the first cut run, %lld KiB after %lld", rssBefore, rssAfter, runs);
    if (residentMemoryMeaningful())
        QVERIFY2(rssAfter - rssBefore < 20 * 1024, QByteArray::number(rssAfter - rssBefore).constData());
    QTRY_VERIFY_WITH_TIMEOUT(zombieChildren(agentPid(agent)).isEmpty(), Timeout);
}

void tst_supervision::collectorStartsWithStdioEnvironmentOnly()
{
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutputTo(sink), "interval = \"1s\"\n");
    tree.writeCollector(QStringLiteral("probe"),
        command(reliabilityCollector("probe.py"), { tree.path(QStringLiteral("probe.out")) })
            + "mode = \"stdout\"\ninterval = \"1s\"\n"
              "env = { LANG = \"C\", PROBE_VALUE = \"with spaces = and \\\"quotes\\\"\", EMPTY = \"\" }\n");
    AgentProcess agent;
    QProcessEnvironment environment = agent.process().processEnvironment();
    environment.insert(QStringLiteral("RELIABILITY_MARKER"), QStringLiteral("inherited"));
    environment.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    agent.process().setProcessEnvironment(environment);
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.probe.probe.ok 1"), Timeout);
    const auto probe = readProbe(tree, QStringLiteral("probe.out"));
    // The agent holds its socket, the TCP output, the signal pipe ...: the collector sees none of them.
    QVERIFY2(openFileCount(agentPid(agent)) > 5, QByteArray::number(openFileCount(agentPid(agent))).constData());
    QCOMPARE(probe.value("FDS"), QByteArray("0,1,2"));
    QCOMPARE(probe.value("FD0"), QByteArray("/dev/null"));
    QCOMPARE(probe.value("PGID"), probe.value("PID")); // leads its own process group
    QCOMPARE(probe.value("ENV:RELIABILITY_MARKER"), QByteArray("inherited"));
    QCOMPARE(probe.value("ENV:LANG"), QByteArray("C")); // the collector's env wins over the agent's
    QCOMPARE(probe.value("ENV:PROBE_VALUE"), QByteArray("with spaces = and \"quotes\""));
    QVERIFY(probe.contains("ENV:EMPTY"));
    QCOMPARE(probe.value("ENV:EMPTY"), QByteArray());
    QCOMPARE(probe.value("ENV:GARNET_COLLECTOR"), QByteArray("probe"));
    QCOMPARE(probe.value("ENV:GARNET_INTERVAL"), QByteArray("1"));
    QCOMPARE(probe.value("ENV:GARNET_SOCKET"), tree.socketPath().toUtf8());
    QCOMPARE(probe.value("UID").toUInt(), ::geteuid());
}

void tst_supervision::collectorRunsAsConfiguredUser()
{
    if (::geteuid() != 0)
        QSKIP("running a collector as another user needs the agent (and so this test) to run as root");
    const passwd *nobody = ::getpwnam("nobody");
    const group *daemonGroup = ::getgrnam("daemon");
    if (!nobody || !daemonGroup)
        QSKIP("this system has no user 'nobody' or no group 'daemon'");
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutputTo(sink), "interval = \"1s\"\n");
    // nobody must be able to read the probe and write its report: a world-accessible corner of the tree.
    const QString shared = tree.path(QStringLiteral("shared"));
    QVERIFY(QDir().mkpath(shared));
    QVERIFY(::chmod(QFile::encodeName(shared).constData(), 0777) == 0);
    QVERIFY(::chmod(QFile::encodeName(tree.path(QString())).constData(), 0755) == 0);
    const QString probe = shared + QStringLiteral("/probe.py");
    QVERIFY(QFile::copy(reliabilityCollector("probe.py"), probe));
    QVERIFY(::chmod(QFile::encodeName(probe).constData(), 0755) == 0);
    tree.writeCollector(QStringLiteral("asnobody"),
        command(probe, { shared + QStringLiteral("/nobody.out") })
            + "mode = \"stdout\"\ninterval = \"1s\"\nuser = \"nobody\"\n");
    tree.writeCollector(QStringLiteral("asdaemon"),
        command(probe, { shared + QStringLiteral("/daemon.out") })
            + "mode = \"stdout\"\ninterval = \"1s\"\nuser = \"nobody\"\ngroup = \"daemon\"\n");
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.asnobody.probe.ok 1"), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.asdaemon.probe.ok 1"), Timeout);
    const auto asNobody = readProbe(tree, QStringLiteral("shared/nobody.out"));
    const QByteArray nobodyUid = QByteArray::number(nobody->pw_uid);
    const QByteArray nobodyGid = QByteArray::number(nobody->pw_gid);
    QCOMPARE(asNobody.value("UID"), nobodyUid);
    QCOMPARE(asNobody.value("EUID"), nobodyUid);
    QCOMPARE(asNobody.value("GID"), nobodyGid);
    QCOMPARE(asNobody.value("EGID"), nobodyGid);
    QVERIFY2(!asNobody.value("GROUPS").split(',').contains("0"), asNobody.value("GROUPS").constData()); // root's gone
    QCOMPARE(asNobody.value("ENV:USER"), QByteArray("nobody"));
    QCOMPARE(asNobody.value("ENV:HOME"), QByteArray(nobody->pw_dir));
    QCOMPARE(asNobody.value("FDS"), QByteArray("0,1,2"));
    const auto asDaemon = readProbe(tree, QStringLiteral("shared/daemon.out"));
    QCOMPARE(asDaemon.value("UID"), nobodyUid);
    QCOMPARE(asDaemon.value("GID"), QByteArray::number(daemonGroup->gr_gid));
}

void tst_supervision::userWithoutRootIsARunError()
{
    if (::geteuid() == 0)
        QSKIP("needs a non-root agent: as root, switching users works (collectorRunsAsConfiguredUser)");
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutputTo(sink), "interval = \"1s\"\n");
    tree.writeCollector(QStringLiteral("other"),
        command(reliabilityCollector("probe.py"), { tree.path(QStringLiteral("probe.out")) })
            + "mode = \"stdout\"\ninterval = \"1s\"\nuser = \"root\"\n");
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(maxMetric(sink, "servers.testhost.garnet.collector.other.failures") >= 1, Timeout);
    QVERIFY2(agent.log().contains("the agent is not running as root"), agent.log().constData());
    QVERIFY(!QFile::exists(tree.path(QStringLiteral("probe.out"))));
}

void tst_supervision::writableFilesRefusedAsRoot()
{
    if (::geteuid() != 0)
        QSKIP("the agent checks file permissions only when it runs as root");
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutputTo(sink), "interval = \"1s\"\n");
    const QString program = tree.path(QStringLiteral("probe.py"));
    QVERIFY(QFile::copy(reliabilityCollector("probe.py"), program));
    QVERIFY(::chmod(QFile::encodeName(program).constData(), 0775) == 0); // group-writable program
    tree.writeCollector(QStringLiteral("prog"),
        command(program, { tree.path(QStringLiteral("prog.out")) }) + "mode = \"stdout\"\ninterval = \"1s\"\n");
    tree.writeCollector(QStringLiteral("conf"),
        command(reliabilityCollector("probe.py"), { tree.path(QStringLiteral("conf.out")) })
            + "mode = \"stdout\"\ninterval = \"1s\"\n");
    const QString confFile = tree.path(QStringLiteral("collectors.d/conf.toml"));
    QVERIFY(::chmod(QFile::encodeName(confFile).constData(), 0646) == 0); // world-writable collector file
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(maxMetric(sink, "servers.testhost.garnet.collector.prog.failures") >= 2, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(maxMetric(sink, "servers.testhost.garnet.collector.conf.failures") >= 2, Timeout);
    const QByteArray log = agent.log();
    QVERIFY2(log.contains(QByteArray(
                 "refusing to run as root: program " + program.toUtf8() + " is writable by its group (mode 0775)")),
        log.constData());
    QVERIFY2(log.contains(QByteArray(
                 "refusing to run as root: collector file " + confFile.toUtf8() + " is writable by everyone")),
        log.constData());
    QVERIFY(!QFile::exists(tree.path(QStringLiteral("prog.out"))));
    QVERIFY(!QFile::exists(tree.path(QStringLiteral("conf.out"))));
    // Fixed permissions take effect at the next run: no reload needed, nothing else changed.
    QVERIFY(::chmod(QFile::encodeName(program).constData(), 0755) == 0);
    QVERIFY(::chmod(QFile::encodeName(confFile).constData(), 0644) == 0);
    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.prog.probe.ok 1"), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.conf.probe.ok 1"), Timeout);
}

QTEST_GUILESS_MAIN(tst_supervision)
#include "tst_supervision.moc"

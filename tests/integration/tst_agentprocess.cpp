// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// garnet-agent as a black box: real processes, a real socket, a real TCP sink.
#include "agentharness.h"

#include <QtTest>

#include <cerrno>
#include <csignal>

using namespace GarnetTest;

namespace {
constexpr int Timeout = 20000;

QByteArray graphiteOutput(const LineSink &sink, const QByteArray &format = "plaintext")
{
    return "[[output]]\ntype = \"graphite\"\naddress = \"" + sink.address() + "\"\nformat = \"" + format + "\"\n";
}

QByteArray collectorToml(const QString &program, const QByteArray &extra = {})
{
    return "command = [\"" + program.toUtf8() + "\"]\n" + extra;
}

/** The largest value the sink saw for one metric path (self-metrics are cumulative counters); -1 if none. */
qint64 maxValue(const LineSink &sink, const QByteArray &path)
{
    qint64 max = -1;
    for (const QByteArray &line : sink.linesStartingWith(path + ' '))
        max = std::max(max, line.split(' ').value(1).toLongLong());
    return max;
}

bool processGone(pid_t pid)
{
    // Gone, not a zombie: /proc/PID disappears once the process was reaped.
    return ::kill(pid, 0) != 0 && errno == ESRCH && !QFile::exists(QStringLiteral("/proc/%1").arg(pid));
}
} // namespace

class tst_agentprocess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void versionAndHelp();
    void checkConfig();
    void badConfigAtStartupExits();
    void shellAndPythonCollectorsReachGraphite();
    void taggedFormat();
    void malformedLinesDoNotHurtGoodOnes();
    void hungCollectorGroupIsKilled();
    void crashingCollectorIsCounted();
    void sighupAppliesChangedFiles();
    void sighupWithBrokenConfigKeepsOld();
    void sighupRemovingARunningCollectorEndsItsGroup();
    void sigtermFlushesAndRemovesSocket();
    void testOneCollector();
};

void tst_agentprocess::versionAndHelp()
{
    QProcess agent;
    agent.start(agentBinary(), { QStringLiteral("--version") });
    QVERIFY(agent.waitForFinished(Timeout));
    QCOMPARE(agent.exitCode(), 0);
    const QByteArray version = agent.readAllStandardOutput();
    QVERIFY2(version.startsWith("garnet-agent ") && version.contains("Qt 6."), version.constData());

    agent.start(agentBinary(), { QStringLiteral("--help") });
    QVERIFY(agent.waitForFinished(Timeout));
    QCOMPARE(agent.exitCode(), 0);
    const QByteArray help = agent.readAllStandardOutput();
    for (const char *option : { "--config", "--check-config", "--test", "--system-bus" })
        QVERIFY2(help.contains(option), option);

    agent.start(agentBinary(), { QStringLiteral("--no-such-option") });
    QVERIFY(agent.waitForFinished(Timeout));
    QCOMPARE(agent.exitCode(), 2);
    QVERIFY(agent.readAllStandardError().contains("no-such-option"));
}

void tst_agentprocess::checkConfig()
{
    ConfigTree tree;
    tree.writeMain({});
    tree.writeCollector(QStringLiteral("ok"), collectorToml(testCollector("stdout-values.sh"), "mode = \"stdout\"\n"));
    QProcess agent;
    agent.start(agentBinary(), { QStringLiteral("--check-config"), QStringLiteral("--config"), tree.mainFile() });
    QVERIFY(agent.waitForFinished(Timeout));
    QCOMPARE(agent.exitCode(), 0);

    tree.writeCollector(QStringLiteral("bad"), "command = [\"x\"]\ninterval = \"ten seconds\"\nbogus = 1\n");
    agent.start(agentBinary(), { QStringLiteral("--check-config"), QStringLiteral("--config"), tree.mainFile() });
    QVERIFY(agent.waitForFinished(Timeout));
    QCOMPARE(agent.exitCode(), 1);
    const QByteArray errors = agent.readAllStandardError();
    const QByteArray badFile = tree.path(QStringLiteral("collectors.d/bad.toml")).toUtf8();
    QVERIFY2(errors.contains(QByteArray(badFile + ":2:")), errors.constData()); // the bad duration, with its position
    QVERIFY2(errors.contains(QByteArray(badFile + ":3:1:")), errors.constData()); // the unknown key
}

void tst_agentprocess::badConfigAtStartupExits()
{
    ConfigTree tree;
    tree.writeMain("[[output]]\ntype = \"carrier-pigeon\"\n");
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QVERIFY(agent.process().waitForFinished(Timeout));
    QVERIFY(agent.process().exitCode() != 0);
    QVERIFY2(agent.log().contains(QByteArray(tree.mainFile().toUtf8() + ":7:8:")), agent.log().constData());
    QVERIFY(!QFile::exists(tree.socketPath()));
}

void tst_agentprocess::shellAndPythonCollectorsReachGraphite()
{
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutput(sink), "interval = \"1s\"\n");
    tree.writeCollector(QStringLiteral("shell"),
        collectorToml(testCollector("stdout-values.sh"), "mode = \"stdout\"\ninterval = \"1s\"\n"));
    tree.writeCollector(QStringLiteral("python"),
        "command = [\"" + testCollector("socket-writer.py").toUtf8()
            + "\", \"py\", \"100\"]\ninterval = \"1s\"\npath = \"apps.python\"\n");
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });

    QTRY_VERIFY_WITH_TIMEOUT(sink.linesStartingWith("servers.testhost.apps.python.py.n").size() >= 100, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.shell.shell.answer 42 "), Timeout);
    QVERIFY(sink.has("servers.testhost.shell.shell.stamped 7 1700000000"));
    // Lines without a timestamp carry the run's aligned tick: a whole second for a 1 s interval, near now.
    const QList<QByteArray> fields = sink.linesStartingWith("servers.testhost.shell.shell.pi ").first().split(' ');
    QCOMPARE(fields.size(), 3);
    QCOMPARE(fields[1], QByteArray("3.14159"));
    QVERIFY(qAbs(fields[2].toLongLong() - QDateTime::currentSecsSinceEpoch()) < 120);
    // Every one of the 100 numbered lines of the first run is there.
    for (int i = 0; i < 100; ++i)
        QVERIFY2(
            sink.has("servers.testhost.apps.python.py.n" + QByteArray::number(i) + ' ' + QByteArray::number(i) + ' '),
            QByteArray::number(i).constData());
    // Self-metrics.
    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.garnet.received "), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.garnet.collector.shell.runs "), Timeout);
    agent.signal(SIGTERM);
    QVERIFY(agent.process().waitForFinished(Timeout));
    QCOMPARE(agent.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(agent.process().exitCode(), 0);
}

void tst_agentprocess::taggedFormat()
{
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutput(sink, "tagged"));
    tree.writeCollector(QStringLiteral("shell"),
        collectorToml(testCollector("stdout-values.sh"), "mode = \"stdout\"\ninterval = \"1s\"\n"));
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(
        sink.has("servers.testhost.shell.shell.answer;collector=shell;host=testhost 42 "), Timeout);
}

void tst_agentprocess::malformedLinesDoNotHurtGoodOnes()
{
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutput(sink), "interval = \"1s\"\n");
    tree.writeCollector(QStringLiteral("garbage"),
        "command = [\"" + testCollector("mixed-garbage.py").toUtf8() + "\", \"500\"]\ninterval = \"2s\"\n");
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(sink.linesStartingWith("servers.testhost.garbage.good.n").size() >= 500, Timeout);
    for (int i = 0; i < 500; ++i)
        QVERIFY(sink.has("servers.testhost.garbage.good.n" + QByteArray::number(i) + ' '));
    // Rejections are counted (self-metrics) and nothing malformed got through.
    QTRY_VERIFY_WITH_TIMEOUT(
        sink.has("servers.testhost.garbage.") && sink.has("servers.testhost.garnet.rejected "), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(maxValue(sink, "servers.testhost.garnet.rejected") >= 500, Timeout);
    for (const QByteArray &line : sink.linesStartingWith("servers.testhost.garbage."))
        QVERIFY2(line.startsWith("servers.testhost.garbage.good.n"), line.constData());
}

void tst_agentprocess::hungCollectorGroupIsKilled()
{
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutput(sink), "interval = \"1s\"\n");
    const QString pidFile = tree.path(QStringLiteral("child.pid"));
    tree.writeCollector(QStringLiteral("hang"),
        "command = [\"" + testCollector("hang.sh").toUtf8() + "\", \"" + pidFile.toUtf8()
            + "\"]\nmode = \"stdout\"\ninterval = \"4s\"\ntimeout = \"1s\"\n");
    tree.writeCollector(QStringLiteral("shell"),
        collectorToml(testCollector("stdout-values.sh"), "mode = \"stdout\"\ninterval = \"1s\"\n"));
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(!tree.read(QStringLiteral("child.pid")).trimmed().isEmpty(), 45000);
    const pid_t child = pid_t(tree.read(QStringLiteral("child.pid")).trimmed().toInt());
    QVERIFY(child > 0);
    QTRY_VERIFY_WITH_TIMEOUT(maxValue(sink, "servers.testhost.garnet.collector.hang.timeouts") >= 1, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(processGone(child), Timeout);
    // The other collector kept its ticks meanwhile.
    QTRY_VERIFY_WITH_TIMEOUT(sink.linesStartingWith("servers.testhost.shell.shell.answer ").size() >= 3, Timeout);
}

void tst_agentprocess::crashingCollectorIsCounted()
{
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutput(sink), "interval = \"1s\"\n");
    tree.writeCollector(QStringLiteral("crash"), collectorToml(testCollector("crash.sh"), "interval = \"1s\"\n"));
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(maxValue(sink, "servers.testhost.garnet.collector.crash.failures") >= 2, Timeout);
    QVERIFY2(agent.log().contains("about to crash"), agent.log().constData()); // stderr is logged
    QCOMPARE(agent.process().state(), QProcess::Running);
}

void tst_agentprocess::sighupAppliesChangedFiles()
{
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutput(sink), "interval = \"1s\"\n");
    tree.writeCollector(QStringLiteral("keep"),
        collectorToml(testCollector("stdout-values.sh"), "mode = \"stdout\"\ninterval = \"1s\"\n"));
    tree.writeCollector(QStringLiteral("change"),
        collectorToml(testCollector("stdout-values.sh"), "mode = \"stdout\"\ninterval = \"1s\"\n"));
    tree.writeCollector(QStringLiteral("remove"),
        collectorToml(testCollector("stdout-values.sh"), "mode = \"stdout\"\ninterval = \"1s\"\n"));
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(
        sink.has("servers.testhost.remove.shell.answer ") && sink.has("servers.testhost.change."), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(maxValue(sink, "servers.testhost.garnet.collector.keep.runs") >= 2, Timeout);

    tree.removeCollector(QStringLiteral("remove"));
    tree.writeCollector(QStringLiteral("change"),
        collectorToml(testCollector("stdout-values.sh"), "mode = \"stdout\"\ninterval = \"1s\"\npath = \"changed\"\n"));
    tree.writeCollector(QStringLiteral("added"),
        collectorToml(testCollector("stdout-values.sh"), "mode = \"stdout\"\ninterval = \"1s\"\n"));
    agent.signal(SIGHUP);
    QTRY_VERIFY_WITH_TIMEOUT(
        sink.has("servers.testhost.changed.shell.answer ") && sink.has("servers.testhost.added.shell.answer "),
        Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.garnet.collector.added.runs "), Timeout);
    const qsizetype removedSoFar = sink.linesStartingWith("servers.testhost.remove.").size();
    // The unchanged collector kept its counters (it was not recreated), the removed one is gone from self-metrics.
    QTRY_VERIFY_WITH_TIMEOUT(maxValue(sink, "servers.testhost.garnet.collector.added.runs") >= 2, Timeout);
    QCOMPARE(sink.linesStartingWith("servers.testhost.remove.").size(), removedSoFar);
    const QList<QByteArray> runsAfter = sink.linesStartingWith("servers.testhost.garnet.collector.keep.runs ");
    for (qsizetype i = 1; i < runsAfter.size(); ++i) // never reset to zero by the reload
        QVERIFY(runsAfter[i].split(' ').value(1).toLongLong() >= runsAfter[i - 1].split(' ').value(1).toLongLong());
    QVERIFY2(agent.log().contains("reloaded"), agent.log().constData());
}

void tst_agentprocess::sighupWithBrokenConfigKeepsOld()
{
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutput(sink));
    tree.writeCollector(QStringLiteral("shell"),
        collectorToml(testCollector("stdout-values.sh"), "mode = \"stdout\"\ninterval = \"1s\"\n"));
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.shell.shell.answer "), Timeout);
    tree.writeCollector(QStringLiteral("shell"), "command = [\"x\"]\nmode = \"telepathy\"\n");
    agent.signal(SIGHUP);
    QTRY_VERIFY_WITH_TIMEOUT(agent.log().contains("stays in force"), Timeout);
    QVERIFY(agent.log().contains("shell.toml:2:"));
    const qsizetype before = sink.linesStartingWith("servers.testhost.shell.shell.answer ").size();
    QTRY_VERIFY_WITH_TIMEOUT(
        sink.linesStartingWith("servers.testhost.shell.shell.answer ").size() > before + 1, Timeout);
    QCOMPARE(agent.process().state(), QProcess::Running);
}

void tst_agentprocess::sighupRemovingARunningCollectorEndsItsGroup()
{
    ConfigTree tree;
    tree.writeMain({});
    const QString pidFile = tree.path(QStringLiteral("child.pid"));
    tree.writeCollector(QStringLiteral("hang"),
        "command = [\"" + testCollector("hang.sh").toUtf8() + "\", \"" + pidFile.toUtf8()
            + "\"]\nmode = \"stdout\"\ninterval = \"2s\"\ntimeout = \"1h\"\n");
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(!tree.read(QStringLiteral("child.pid")).trimmed().isEmpty(), Timeout);
    const pid_t child = pid_t(tree.read(QStringLiteral("child.pid")).trimmed().toInt());
    tree.removeCollector(QStringLiteral("hang"));
    agent.signal(SIGHUP);
    // SIGTERM to the group, SIGKILL after the grace for the child that ignores SIGTERM; the agent lives on.
    QTRY_VERIFY_WITH_TIMEOUT(processGone(child), Timeout);
    QCOMPARE(agent.process().state(), QProcess::Running);
}

void tst_agentprocess::sigtermFlushesAndRemovesSocket()
{
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutput(sink));
    tree.writeCollector(QStringLiteral("many"),
        "command = [\"" + testCollector("socket-writer.py").toUtf8() + "\", \"bulk\", \"20000\"]\ninterval = \"1s\"\n");
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);
    QCOMPARE(QFileInfo(tree.socketPath()).permissions() & (QFile::ReadOther | QFile::WriteOther), QFile::Permissions());
    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.many.bulk.n19999 "), Timeout);
    agent.signal(SIGTERM);
    QVERIFY(agent.process().waitForFinished(Timeout));
    QCOMPARE(agent.process().exitCode(), 0);
    QVERIFY(!QFile::exists(tree.socketPath()));
    // Whatever the agent had accepted before SIGTERM reached the sink: complete runs of 20000 lines each.
    QCoreApplication::processEvents();
    QTRY_COMPARE_WITH_TIMEOUT(sink.linesStartingWith("servers.testhost.many.bulk.n").size() % 20000, 0, Timeout);
    QVERIFY2(agent.log().contains("stopped"), agent.log().constData());
}

void tst_agentprocess::testOneCollector()
{
    ConfigTree tree;
    tree.writeMain({});
    tree.writeCollector(QStringLiteral("python"),
        "enabled = false\ncommand = [\"" + testCollector("socket-writer.py").toUtf8() + "\", \"t\", \"3\"]\n");
    tree.writeCollector(QStringLiteral("crash"), collectorToml(testCollector("crash.sh")));
    QProcess agent;
    agent.start(agentBinary(),
        { QStringLiteral("--config"), tree.mainFile(), QStringLiteral("--test"), QStringLiteral("python") });
    QVERIFY(agent.waitForFinished(Timeout));
    QCOMPARE(agent.exitCode(), 0);
    const QList<QByteArray> lines = agent.readAllStandardOutput().trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].startsWith("servers.testhost.python.t.n0 0 "));

    agent.start(agentBinary(),
        { QStringLiteral("--config"), tree.mainFile(), QStringLiteral("--test"), QStringLiteral("crash") });
    QVERIFY(agent.waitForFinished(Timeout));
    QCOMPARE(agent.exitCode(), 128 + SIGSEGV);
    QVERIFY(agent.readAllStandardError().contains("about to crash"));

    agent.start(agentBinary(),
        { QStringLiteral("--config"), tree.mainFile(), QStringLiteral("--test"), QStringLiteral("nope") });
    QVERIFY(agent.waitForFinished(Timeout));
    QCOMPARE(agent.exitCode(), 1);
    QVERIFY(agent.readAllStandardError().contains("no collector named 'nope'"));
}

QTEST_GUILESS_MAIN(tst_agentprocess)
#include "tst_agentprocess.moc"

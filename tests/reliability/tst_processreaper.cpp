// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// ProcessTable (/proc parsing) and ProcessReaper in this test process, made a child subreaper: escapees of
// a run are ended and reaped, while the exit status of QProcess's own children stays theirs.
#include "processreaper.h"
#include "processtable.h"
#include "reliabilityharness.h"

#include <QtTest>

#include <unistd.h>

using namespace Garnet;
using namespace GarnetTest;
using namespace std::chrono_literals;

namespace {
constexpr int Timeout = 20000;
}

class tst_processreaper : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void parseStat_data();
    void parseStat();
    void scanSeesThisProcessAndItsChildren();
    void escapeeOfFinishedRunIsEndedAndReaped();
    void escapeeOfTerminatedRunIsEnded();
    void runExitStatusStaysWithQProcess();
};

void tst_processreaper::initTestCase()
{
    QVERIFY2(ProcessReaper::becomeSubreaper(), "prctl(PR_SET_CHILD_SUBREAPER) failed");
    QVERIFY(ProcessReaper::isSubreaper());
}

void tst_processreaper::parseStat_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("pid");
    QTest::addColumn<int>("parent");
    QTest::addColumn<int>("group");
    QTest::addColumn<int>("session");
    QTest::addColumn<char>("state");
    QTest::addColumn<qulonglong>("startTime");
    const QByteArray tail = " 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 123456 1000 200 18446744073709551615\n";
    QTest::newRow("plain") << ("42 (sleep) S 7 42 7" + tail) << true << 42 << 7 << 42 << 7 << 'S' << 123456ull;
    QTest::newRow("comm with blanks and parens")
        << ("42 (a) b (c) Z 1 2 3" + tail) << true << 42 << 1 << 2 << 3 << 'Z' << 123456ull;
    QTest::newRow("comm ending in ')'") << ("9 (x)) R 1 9 9" + tail) << true << 9 << 1 << 9 << 9 << 'R' << 123456ull;
    QTest::newRow("kernel thread") << ("2 (kthreadd) S 0 0 0" + tail) << true << 2 << 0 << 0 << 0 << 'S' << 123456ull;
    QTest::newRow("truncated") << QByteArray("42 (sleep) S 7 42 7 0 -1") << false << 0 << 0 << 0 << 0 << '?' << 0ull;
    QTest::newRow("no comm") << QByteArray("42 S 7 42 7") << false << 0 << 0 << 0 << 0 << '?' << 0ull;
    QTest::newRow("bad pid") << ("x (sleep) S 7 42 7" + tail) << false << 0 << 0 << 0 << 0 << '?' << 0ull;
    QTest::newRow("bad parent") << ("42 (sleep) S q 42 7" + tail) << false << 0 << 0 << 0 << 0 << '?' << 0ull;
    QTest::newRow("empty") << QByteArray() << false << 0 << 0 << 0 << 0 << '?' << 0ull;
}

void tst_processreaper::parseStat()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    const auto info = ProcessTable::parseStat(std::string_view(text.constData(), std::size_t(text.size())));
    QCOMPARE(info.has_value(), valid);
    if (!valid)
        return;
    QTEST(int(info->pid), "pid");
    QTEST(int(info->parent), "parent");
    QTEST(int(info->group), "group");
    QTEST(int(info->session), "session");
    QTEST(info->state, "state");
    QTEST(qulonglong(info->startTime), "startTime");
}

void tst_processreaper::scanSeesThisProcessAndItsChildren()
{
    QProcess child;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("GARNET_COLLECTOR"), QStringLiteral("probe"));
    child.setProcessEnvironment(environment);
    child.start(QStringLiteral("sh"), { QStringLiteral("-c"), QStringLiteral("sleep 30 & wait") });
    QVERIFY(child.waitForStarted(Timeout));
    const pid_t pid = pid_t(child.processId());
    QTRY_VERIFY_WITH_TIMEOUT(ProcessTable::scan().descendantsOf(pid).size() == 1, Timeout); // its sleep
    const ProcessTable table = ProcessTable::scan();
    const ProcessInfo *self = table.find(::getpid());
    QVERIFY(self);
    QCOMPARE(self->parent, ::getppid());
    QCOMPARE(self->state, 'R');
    const std::vector<pid_t> children = table.childrenOf(::getpid());
    QVERIFY(std::find(children.begin(), children.end(), pid) != children.end());
    QVERIFY(table.descendantsOf(::getpid()).size() >= 2);
    QCOMPARE(ProcessTable::environmentValue(pid, "GARNET_COLLECTOR"), std::optional<std::string>("probe"));
    QCOMPARE(ProcessTable::environmentValue(pid, "GARNET_NOT_SET"), std::nullopt);
    QCOMPARE(ProcessTable::read(pid)->startTime, table.find(pid)->startTime);
    child.kill();
    QVERIFY(child.waitForFinished(Timeout));
}

void tst_processreaper::escapeeOfFinishedRunIsEndedAndReaped()
{
    ConfigTree tree;
    const QString pidFile = tree.path(QStringLiteral("escapee.pid"));
    ProcessReaper reaper;
    QProcess run;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("GARNET_COLLECTOR"), QStringLiteral("escaper"));
    run.setProcessEnvironment(environment);
    run.start(reliabilityCollector("escape.py"), { pidFile, QStringLiteral("exit") });
    QVERIFY(run.waitForStarted(Timeout));
    const pid_t runPid = pid_t(run.processId());
    reaper.runStarted(runPid, "escaper");
    QVERIFY(run.waitForFinished(Timeout));
    QCOMPARE(run.exitCode(), 0);
    const pid_t escapee = pidFromFile(tree, QStringLiteral("escapee.pid"));
    QVERIFY(escapee > 0);
    QCOMPARE(statFields(escapee).value(1).toInt(), int(::getpid())); // re-parented to us, the subreaper
    reaper.runFinished(runPid, 300ms);
    QTRY_VERIFY_WITH_TIMEOUT(reaper.trackedCount() >= 1, Timeout); // found by the scan after the run's end
    // It ignores SIGTERM: SIGKILL after 300 ms, then reaped (no zombie left with us).
    QTRY_VERIFY_WITH_TIMEOUT(processGone(escapee), Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(reaper.trackedCount(), std::size_t(0), Timeout);
    QVERIFY(zombieChildren(::getpid()).isEmpty());
}

void tst_processreaper::escapeeOfTerminatedRunIsEnded()
{
    ConfigTree tree;
    ProcessReaper reaper;
    QProcess run;
    run.start(reliabilityCollector("escape.py"), { tree.path(QStringLiteral("escapee.pid")), QStringLiteral("hang") });
    QVERIFY(run.waitForStarted(Timeout));
    const pid_t runPid = pid_t(run.processId());
    reaper.runStarted(runPid, "hanger");
    QTRY_VERIFY_WITH_TIMEOUT(pidFromFile(tree, QStringLiteral("escapee.pid")) > 0, Timeout);
    const pid_t escapee = pidFromFile(tree, QStringLiteral("escapee.pid"));
    // A timeout: the run's main process still lives; the escapee is ended with it (here: with the reaper's
    // SIGTERM to the main process, which does not ignore it).
    reaper.terminateRun(runPid, 300ms);
    QVERIFY(run.waitForFinished(Timeout));
    QCOMPARE(run.exitStatus(), QProcess::CrashExit);
    reaper.runFinished(runPid, 300ms);
    QTRY_VERIFY_WITH_TIMEOUT(processGone(escapee), Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(reaper.trackedCount(), std::size_t(0), Timeout);
}

void tst_processreaper::runExitStatusStaysWithQProcess()
{
    // While scans reap strays, a run's main process (a QProcess child) is never reaped by the reaper.
    ProcessReaper reaper;
    for (int i = 0; i < 20; ++i) {
        QProcess run;
        run.start(QStringLiteral("sh"), { QStringLiteral("-c"), QStringLiteral("(sleep 0.05 &); exit 3") });
        QVERIFY(run.waitForStarted(Timeout));
        const pid_t pid = pid_t(run.processId());
        reaper.runStarted(pid, "status");
        for (int scan = 0; scan < 5; ++scan)
            reaper.scanNow();
        QVERIFY(run.waitForFinished(Timeout));
        QCOMPARE(run.exitStatus(), QProcess::NormalExit);
        QCOMPARE(run.exitCode(), 3);
        reaper.runFinished(pid, 100ms); // its left-behind sleep goes now
    }
    QTRY_COMPARE_WITH_TIMEOUT(reaper.trackedCount(), std::size_t(0), Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(zombieChildren(::getpid()).isEmpty(), Timeout);
}

QTEST_GUILESS_MAIN(tst_processreaper)
#include "tst_processreaper.moc"

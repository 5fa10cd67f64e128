// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "runregistry.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <unistd.h>

using namespace Garnet;

namespace {

RunContextPtr makeRun(const char *name)
{
    auto run = std::make_shared<RunContext>();
    run->collector = name;
    run->pathPrefix = QByteArray("servers.test.") + name;
    run->tickTime = 1764050000;
    return run;
}

/** Kills and reaps a test process whatever happens to the test. */
struct ProcessGuard
{
    QProcess &process;
    ~ProcessGuard()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
        }
    }
};

} // namespace

class tst_runregistry : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void resolvesRegisteredPid();
    void unknownPidsResolveToNothing();
    void resolvesGrandchildThroughParentChain();
    void resolvesOrphanThroughProcessGroup();
    void finishedRunResolvableDuringGrace();
    void finishedRunExpiresAfterGrace();
    void restartWithSamePidReplacesEntry();
    void parentOfOwnProcess();
    void parentOfHandlesSpacesAndParenthesesInComm();
};

void tst_runregistry::resolvesRegisteredPid()
{
    RunRegistry registry;
    const auto run = makeRun("self");
    registry.runStarted(::getpid(), run);
    QCOMPARE(registry.resolve(::getpid()), run);
}

void tst_runregistry::unknownPidsResolveToNothing()
{
    RunRegistry registry;
    QCOMPARE(registry.resolve(::getpid()), nullptr); // empty registry
    registry.runStarted(999999, makeRun("other")); // beyond the default pid_max: never a live process
    QCOMPARE(registry.resolve(::getpid()), nullptr);
    QCOMPARE(registry.resolve(1), nullptr);
    QCOMPARE(registry.resolve(0), nullptr);
    QCOMPARE(registry.resolve(-5), nullptr);
    QCOMPARE(registry.resolve(4194305), nullptr); // above the kernel's pid limit: no /proc entry
}

void tst_runregistry::resolvesGrandchildThroughParentChain()
{
    QProcess shell;
    ProcessGuard guard { shell };
    // The shell forks sleep in the background and reports its pid: sleep is the test's grandchild.
    shell.start(QStringLiteral("/bin/sh"), { QStringLiteral("-c"), QStringLiteral("sleep 30 & echo $!; wait") });
    QVERIFY(shell.waitForStarted(10000));
    QTRY_VERIFY_WITH_TIMEOUT(shell.canReadLine(), 10000);
    const pid_t grandchild = shell.readLine().trimmed().toInt();
    QVERIFY(grandchild > 0);
    const pid_t child = pid_t(shell.processId());
    QCOMPARE(RunRegistry::parentOf(grandchild), child);

    RunRegistry registry;
    const auto run = makeRun("shell");
    registry.runStarted(child, run);
    QCOMPARE(registry.resolve(grandchild), run);
    QCOMPARE(registry.resolve(child), run);
    QCOMPARE(registry.resolve(::getpid()), nullptr); // the parent of a run is not part of it

    ::kill(grandchild, SIGKILL);
    shell.kill();
    QVERIFY(shell.waitForFinished(10000));
}

void tst_runregistry::resolvesOrphanThroughProcessGroup()
{
    QProcess shell;
    ProcessGuard guard { shell };
    shell.setChildProcessModifier([] { ::setpgid(0, 0); }); // like a collector run: its own group
    // The shell exits at once and leaves sleep behind, reparented away from the shell.
    shell.start(QStringLiteral("/bin/sh"), { QStringLiteral("-c"), QStringLiteral("sleep 30 & echo $!") });
    QVERIFY(shell.waitForStarted(10000));
    const pid_t leader = pid_t(shell.processId());
    QVERIFY(shell.waitForFinished(10000));
    const pid_t orphan = shell.readAllStandardOutput().trimmed().toInt();
    QVERIFY(orphan > 0);
    QVERIFY(RunRegistry::parentOf(orphan) != leader);
    QCOMPARE(RunRegistry::groupOf(orphan), leader);

    RunRegistry registry;
    registry.setGracePeriod(std::chrono::hours(1));
    const auto run = makeRun("orphaned");
    registry.runStarted(leader, run);
    registry.runFinished(leader);
    QCOMPARE(registry.resolve(orphan), run);
    ::kill(-leader, SIGKILL);
}

void tst_runregistry::finishedRunResolvableDuringGrace()
{
    RunRegistry registry;
    registry.setGracePeriod(std::chrono::hours(1));
    const auto run = makeRun("quick");
    registry.runStarted(::getpid(), run);
    registry.runFinished(::getpid());
    QCOMPARE(registry.resolve(::getpid()), run);
    registry.runStarted(999999, makeRun("later")); // pruning keeps entries still in their grace
    QCOMPARE(registry.resolve(::getpid()), run);
    QCOMPARE(registry.size(), std::size_t(2));
}

void tst_runregistry::finishedRunExpiresAfterGrace()
{
    RunRegistry registry;
    registry.setGracePeriod(std::chrono::milliseconds(0));
    registry.runStarted(::getpid(), makeRun("gone"));
    QVERIFY(registry.resolve(::getpid()));
    registry.runFinished(::getpid());
    QCOMPARE(registry.resolve(::getpid()), nullptr);
    QCOMPARE(registry.size(), std::size_t(0)); // pruned on finish
    registry.runFinished(12345); // unknown pid: harmless
}

void tst_runregistry::restartWithSamePidReplacesEntry()
{
    RunRegistry registry;
    registry.setGracePeriod(std::chrono::hours(1));
    registry.runStarted(::getpid(), makeRun("first"));
    registry.runFinished(::getpid());
    const auto second = makeRun("second");
    registry.runStarted(::getpid(), second); // pid reused by a new run
    QCOMPARE(registry.resolve(::getpid()), second);
    registry.setGracePeriod(std::chrono::milliseconds(0));
    QCOMPARE(registry.resolve(::getpid()), second); // running entries never expire
}

void tst_runregistry::parentOfOwnProcess()
{
    QCOMPARE(RunRegistry::parentOf(::getpid()), ::getppid());
    QCOMPARE(RunRegistry::groupOf(::getpid()), ::getpgrp());
    QCOMPARE(RunRegistry::parentOf(0), pid_t(0));
    QCOMPARE(RunRegistry::parentOf(-1), pid_t(0));
    QCOMPARE(RunRegistry::parentOf(4194305), pid_t(0));
}

void tst_runregistry::parentOfHandlesSpacesAndParenthesesInComm()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString program = dir.filePath(QStringLiteral("a b) c"));
    QVERIFY(QFile::copy(QStringLiteral("/bin/sleep"), program));
    QVERIFY(QFile::setPermissions(program, QFile::ReadOwner | QFile::ExeOwner));

    QProcess process;
    ProcessGuard guard { process };
    process.start(program, { QStringLiteral("30") });
    QVERIFY2(process.waitForStarted(10000), qPrintable(process.errorString()));
    const pid_t pid = pid_t(process.processId());

    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    QVERIFY(stat.open(QIODevice::ReadOnly));
    QVERIFY2(stat.readAll().contains("(a b) c)"), "comm should be the tricky file name");

    QCOMPARE(RunRegistry::parentOf(pid), ::getpid());
    QCOMPARE(RunRegistry::groupOf(pid), ::getpgrp());

    RunRegistry registry;
    const auto run = makeRun("tricky");
    registry.runStarted(::getpid(), run);
    QCOMPARE(registry.resolve(pid), run);
}

QTEST_GUILESS_MAIN(tst_runregistry)
#include "tst_runregistry.moc"

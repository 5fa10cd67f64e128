// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// ChildProcess with real programs: exit codes, crashes, what the child inherits (signals, mask, descriptors,
// stdin, environment, ids), start failures, closing a pipe, a grandchild holding the pipes, no zombies.
#include "childprocess.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Garnet;

namespace {

constexpr int Patience = 20000; // ms: generous, the machine is shared and noisy

QString tool(const char *name)
{
    const QString path = QStandardPaths::findExecutable(QLatin1String(name));
    return path.isEmpty() ? QStringLiteral("/bin/") + QLatin1String(name) : path;
}

ChildCommandPtr command(const QStringList &argv, const QList<QByteArray> &environment)
{
    return std::make_shared<const ChildCommand>(argv.first(), argv.mid(1), environment);
}

ChildCommandPtr command(const QStringList &argv)
{
    return command(argv, ChildCommand::inheritedEnvironment({}));
}

ChildCommandPtr shell(const char *script)
{
    return command({ tool("sh"), QStringLiteral("-c"), QLatin1String(script) });
}

/** Runs to the end; output and the finished() arguments. */
struct Outcome
{
    QByteArray out, err;
    int exitCode = -1;
    ChildProcess::ExitStatus status = ChildProcess::ExitStatus::NormalExit;
    bool finished = false;
};

Outcome runToEnd(ChildProcess &process, ChildCommandPtr what)
{
    Outcome outcome;
    QSignalSpy finished(&process, &ChildProcess::finished);
    auto out = QObject::connect(
        &process, &ChildProcess::readyReadStandardOutput, [&] { outcome.out += process.readAllStandardOutput(); });
    auto err = QObject::connect(
        &process, &ChildProcess::readyReadStandardError, [&] { outcome.err += process.readAllStandardError(); });
    if (process.start(std::move(what)) && (finished.size() > 0 || finished.wait(Patience))) {
        outcome.finished = true;
        outcome.exitCode = finished.first().at(0).toInt();
        outcome.status = finished.first().at(1).value<ChildProcess::ExitStatus>();
    }
    QObject::disconnect(out);
    QObject::disconnect(err);
    return outcome;
}

/** The fields of /proc/PID/status ("SigBlk" → "0000000000000000"). */
QMap<QByteArray, QByteArray> procStatus(pid_t pid)
{
    QMap<QByteArray, QByteArray> fields;
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (file.open(QIODevice::ReadOnly))
        for (const QByteArray &line : file.readAll().split('\n'))
            if (const auto colon = line.indexOf(':'); colon > 0)
                fields.insert(line.left(colon), line.mid(colon + 1).trimmed());
    return fields;
}

/** The process is blocked in (clock_)nanosleep: sleep(1) has finished starting up. */
bool isSleeping(pid_t pid)
{
    QFile file(QStringLiteral("/proc/%1/syscall").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return false;
    const QByteArray number = file.readAll().split(' ').value(0);
#ifdef SYS_nanosleep
    if (number == QByteArray::number(SYS_nanosleep))
        return true;
#endif
    return number == QByteArray::number(SYS_clock_nanosleep);
}

/** waitid(P_ALL) without reaping: no child of this process is left, not even a zombie. */
bool noChildrenLeft()
{
    siginfo_t info = {};
    return ::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) == -1 && errno == ECHILD;
}

} // namespace

class tst_childprocess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void exitCodes_data();
    void exitCodes();
    void crashReportsSignal();
    void argumentsAndSeparateStreams();
    void largeOutputIsReadWhole();
    void environmentIsExactlyTheCommands();
    void inheritedEnvironmentDropsNames();
    void setVariableReplaces();
    void childStartsClean();
    void startFailure_data();
    void startFailure();
    void identityFailureIsAStartFailure();
    void runsAsOtherUser();
    void closeReadChannelGivesWriterEpipe_data();
    void closeReadChannelGivesWriterEpipe();
    void grandchildHoldingPipeDoesNotDelayFinished();
    void nextRunStartsFromFinishedSlot();
    void destructorKillsAndReaps();
    void cleanupTestCase();
};

void tst_childprocess::exitCodes_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<int>("code");
    QTest::newRow("zero") << QStringLiteral("exit 0") << 0;
    QTest::newRow("one") << QStringLiteral("exit 1") << 1;
    QTest::newRow("42") << QStringLiteral("exit 42") << 42;
    QTest::newRow("255") << QStringLiteral("exit 255") << 255;
    QTest::newRow("true after output") << QStringLiteral("echo hi; exit 0") << 0;
}

void tst_childprocess::exitCodes()
{
    QFETCH(QString, script);
    QFETCH(int, code);
    ChildProcess process;
    const Outcome outcome = runToEnd(process, shell(script.toUtf8().constData()));
    QVERIFY2(outcome.finished, qPrintable(process.errorString()));
    QCOMPARE(outcome.status, ChildProcess::ExitStatus::NormalExit);
    QCOMPARE(outcome.exitCode, code);
    QVERIFY(!process.isRunning());
    QCOMPARE(process.processId(), pid_t(0));
    QVERIFY(noChildrenLeft());
}

void tst_childprocess::crashReportsSignal()
{
    ChildProcess process;
    Outcome outcome = runToEnd(process, shell("kill -SEGV $$"));
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.status, ChildProcess::ExitStatus::CrashExit);
    QCOMPARE(outcome.exitCode, SIGSEGV);

    // kill() ends it through its pidfd.
    QSignalSpy finished(&process, &ChildProcess::finished);
    QVERIFY(process.start(command({ tool("sleep"), QStringLiteral("60") })));
    QVERIFY(process.isRunning());
    QVERIFY(process.processId() > 0);
    process.kill();
    QVERIFY(finished.wait(Patience));
    QCOMPARE(finished.first().at(0).toInt(), SIGKILL);
    QCOMPARE(finished.first().at(1).value<ChildProcess::ExitStatus>(), ChildProcess::ExitStatus::CrashExit);
    QVERIFY(!process.sendSignal(SIGTERM)); // not running any more
    QVERIFY(noChildrenLeft());
}

void tst_childprocess::argumentsAndSeparateStreams()
{
    ChildProcess process;
    const Outcome outcome = runToEnd(process,
        command({ tool("sh"), QStringLiteral("-c"), QStringLiteral("printf '%s|' \"$@\"; echo oops >&2"),
            QStringLiteral("sh"), QStringLiteral("a"), QStringLiteral("b c"), QString(), QStringLiteral("ünï *") }));
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.out, QByteArray("a|b c||ünï *|"));
    QCOMPARE(outcome.err, QByteArray("oops\n"));
    QCOMPARE(process.program(), tool("sh"));
}

void tst_childprocess::largeOutputIsReadWhole()
{
    ChildProcess process;
    const Outcome outcome = runToEnd(process,
        command({ tool("head"), QStringLiteral("-c"), QStringLiteral("3000000"), QStringLiteral("/dev/zero") }));
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.exitCode, 0);
    QCOMPARE(outcome.out.size(), 3000000);
}

void tst_childprocess::environmentIsExactlyTheCommands()
{
    ChildProcess process;
    const QList<QByteArray> environment = { "A=1", "EMPTY=", "SPACES=with spaces = and \"quotes\"", "LANG=C" };
    const Outcome outcome = runToEnd(process, command({ tool("env") }, environment));
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.out, environment.join('\n') + '\n');
}

void tst_childprocess::inheritedEnvironmentDropsNames()
{
    qputenv("NOTIFY_SOCKET", "/run/systemd/notify");
    qputenv("GARNET_CHILD_TEST", "kept");
    const QList<QByteArray> environment = ChildCommand::inheritedEnvironment({ "NOTIFY_SOCKET", "WATCHDOG_USEC" });
    qunsetenv("NOTIFY_SOCKET");
    QVERIFY(environment.contains("GARNET_CHILD_TEST=kept"));
    QVERIFY(environment.contains("PATH=" + qgetenv("PATH")));
    for (const QByteArray &entry : environment)
        QVERIFY2(!entry.startsWith("NOTIFY_SOCKET="), entry.constData());
    qunsetenv("GARNET_CHILD_TEST");
}

void tst_childprocess::setVariableReplaces()
{
    QList<QByteArray> environment = { "HOME=/root", "HOMEDIR=/x", "USER=root" };
    ChildCommand::setVariable(environment, "HOME", "/nonexistent");
    ChildCommand::setVariable(environment, "NEW", "");
    ChildCommand::setVariable(environment, "HOMEDIR", "/y");
    QCOMPARE(environment, (QList<QByteArray> { "HOME=/nonexistent", "HOMEDIR=/y", "USER=root", "NEW=" }));
}

void tst_childprocess::childStartsClean()
{
    // What an agent does to itself: SIGPIPE ignored, handlers installed, signals blocked, descriptors
    // opened without O_CLOEXEC. None of it may reach the child.
    struct sigaction ignore = {}, handler = {}, oldPipe = {}, oldUsr1 = {};
    ignore.sa_handler = SIG_IGN;
    handler.sa_handler = [](int) {};
    ::sigaction(SIGPIPE, &ignore, &oldPipe);
    ::sigaction(SIGUSR1, &handler, &oldUsr1);
    sigset_t blocked, previous, during;
    sigemptyset(&blocked);
    for (int signal : { SIGTERM, SIGHUP, SIGINT, SIGUSR2 })
        sigaddset(&blocked, signal);
    QCOMPARE(::pthread_sigmask(SIG_BLOCK, &blocked, &previous), 0);
    const int leakedFile = ::open("/dev/null", O_RDONLY); // no O_CLOEXEC
    int leakedPair[2] = { -1, -1 };
    QCOMPARE(::socketpair(AF_UNIX, SOCK_STREAM, 0, leakedPair), 0);
    QVERIFY(leakedFile >= 3);

    ChildProcess process;
    QSignalSpy finished(&process, &ChildProcess::finished);
    const bool started = process.start(command({ tool("sleep"), QStringLiteral("60") }));
    ::pthread_sigmask(SIG_SETMASK, nullptr, &during);
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    ::sigaction(SIGPIPE, &oldPipe, nullptr);
    ::sigaction(SIGUSR1, &oldUsr1, nullptr);
    for (int fd : { leakedFile, leakedPair[0], leakedPair[1] })
        ::close(fd);
    QVERIFY2(started, qPrintable(process.errorString()));
    QVERIFY(sigismember(&during, SIGTERM) && !sigismember(&during, SIGQUIT)); // the caller's mask is restored

    // What the program got, seen once it sits in its sleep: right after start() the kernel is still closing
    // the close-on-exec descriptors (seen under ASan: 14 listed), then the dynamic loader opens and closes
    // its libraries.
    const pid_t pid = process.processId();
    QTRY_VERIFY_WITH_TIMEOUT(isSleeping(pid), Patience);
    const auto status = procStatus(pid);
    QCOMPARE(status.value("SigBlk"), QByteArray("0000000000000000"));
    QCOMPARE(status.value("SigIgn"), QByteArray("0000000000000000"));
    QCOMPARE(status.value("SigCgt"), QByteArray("0000000000000000"));
    QCOMPARE(::getpgid(pid), pid); // leads its own process group
    const QDir fds(QStringLiteral("/proc/%1/fd").arg(pid));
    QStringList open = fds.entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System);
    std::sort(open.begin(), open.end());
    QCOMPARE(open, (QStringList { QStringLiteral("0"), QStringLiteral("1"), QStringLiteral("2") }));
    QCOMPARE(QFile::symLinkTarget(fds.filePath(QStringLiteral("0"))), QStringLiteral("/dev/null"));
    QVERIFY(QFile::symLinkTarget(fds.filePath(QStringLiteral("1"))).contains(QLatin1String("pipe:")));
    QVERIFY(QFile::symLinkTarget(fds.filePath(QStringLiteral("2"))).contains(QLatin1String("pipe:")));
    QVERIFY(process.sendSignal(SIGTERM));
    QVERIFY(finished.wait(Patience));
    QCOMPARE(finished.first().at(0).toInt(), SIGTERM); // SIGTERM's default action: not blocked, not caught

    // stdin is /dev/null: cat ends at once with nothing.
    const Outcome cat = runToEnd(process, command({ tool("cat") }));
    QVERIFY(cat.finished);
    QCOMPARE(cat.exitCode, 0);
    QCOMPARE(cat.out, QByteArray());
    QVERIFY(noChildrenLeft());
}

void tst_childprocess::startFailure_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QString>("reason");
    QTest::newRow("missing") << QStringLiteral("/nonexistent/garnet-probe") << qt_error_string(ENOENT);
    QTest::newRow("directory") << QStringLiteral("/tmp") << qt_error_string(EACCES);
    QTest::newRow("bad interpreter") << QStringLiteral(GARNET_TEST_SOURCE_DIR "/agent/collectors/badinterpreter.sh")
                                     << qt_error_string(ENOENT);
}

void tst_childprocess::startFailure()
{
    QFETCH(QString, program);
    QFETCH(QString, reason);
    ChildProcess process;
    QSignalSpy finished(&process, &ChildProcess::finished);
    QVERIFY(!process.start(command({ program })));
    QCOMPARE(process.errorString(), QStringLiteral("cannot start %1: %2").arg(program, reason));
    QVERIFY(!process.isRunning());
    QVERIFY(noChildrenLeft()); // the child that failed to exec was reaped
    QCOMPARE(finished.size(), 0);
    // The object is usable again.
    const Outcome outcome = runToEnd(process, shell("exit 3"));
    QVERIFY(outcome.finished);
    QCOMPARE(outcome.exitCode, 3);
}

void tst_childprocess::identityFailureIsAStartFailure()
{
    ChildIdentity identity;
    identity.change = true;
    identity.uid = ::geteuid();
    identity.gid = ::getegid();
    identity.groups.assign(70000, ::getegid()); // above NGROUPS_MAX: refused, whoever we are
    ChildProcess process;
    QVERIFY(!process.start(std::make_shared<const ChildCommand>(
        tool("true"), QStringList(), ChildCommand::inheritedEnvironment({}), identity)));
    QVERIFY2(process.errorString().startsWith(
                 QStringLiteral("cannot start %1: cannot set its supplementary groups: ").arg(tool("true"))),
        qPrintable(process.errorString()));
    QVERIFY(noChildrenLeft());
}

void tst_childprocess::runsAsOtherUser()
{
    if (::geteuid() != 0)
        QSKIP("switching users needs root");
    ChildIdentity identity;
    identity.change = true;
    identity.uid = 65534;
    identity.gid = 65533;
    identity.groups = { 65533, 65532 };
    ChildProcess process;
    const Outcome outcome = runToEnd(process,
        std::make_shared<const ChildCommand>(tool("sh"),
            QStringList { QStringLiteral("-c"), QStringLiteral("echo $(id -u) $(id -g) $(id -G)") },
            ChildCommand::inheritedEnvironment({}), identity));
    QVERIFY2(outcome.finished, qPrintable(process.errorString()));
    QCOMPARE(outcome.out.trimmed(), QByteArray("65534 65533 65533 65532"));
    QCOMPARE(::geteuid(), uid_t(0)); // only the child changed
}

void tst_childprocess::closeReadChannelGivesWriterEpipe_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("code");
    // SIGPIPE at its default: the writer dies of it. Ignored: the write fails with EPIPE.
    QTest::newRow("SIGPIPE") << QStringLiteral("while :; do echo x; done") << int(ChildProcess::ExitStatus::CrashExit)
                             << SIGPIPE;
    QTest::newRow("EPIPE") << QStringLiteral("trap '' PIPE; while echo x; do :; done; exit 7")
                           << int(ChildProcess::ExitStatus::NormalExit) << 7;
}

void tst_childprocess::closeReadChannelGivesWriterEpipe()
{
    QFETCH(QString, script);
    QFETCH(int, status);
    QFETCH(int, code);
    ChildProcess process;
    QSignalSpy finished(&process, &ChildProcess::finished);
    qsizetype after = 0;
    connect(&process, &ChildProcess::readyReadStandardOutput, this, [&] {
        after += process.readAllStandardOutput().size();
        process.closeReadChannel(ChildProcess::Channel::StandardOutput);
    });
    QVERIFY(process.start(shell(script.toUtf8().constData())));
    QVERIFY(finished.wait(Patience));
    QCOMPARE(finished.first().at(1).value<ChildProcess::ExitStatus>(), ChildProcess::ExitStatus(status));
    QCOMPARE(finished.first().at(0).toInt(), code);
    QVERIFY(after > 0);
    QCOMPARE(process.readAllStandardOutput(), QByteArray()); // nothing read after the close
}

void tst_childprocess::grandchildHoldingPipeDoesNotDelayFinished()
{
    // The shell exits at once; its background sleep keeps stdout and stderr open for a minute.
    ChildProcess process;
    QSignalSpy finished(&process, &ChildProcess::finished);
    QByteArray out;
    connect(&process, &ChildProcess::readyReadStandardOutput, this, [&] { out += process.readAllStandardOutput(); });
    QVERIFY(process.start(shell("sleep 60 & echo started; exit 5")));
    const pid_t group = process.processId();
    QVERIFY(finished.wait(Patience)); // well before the sleep ends
    QCOMPARE(finished.first().at(0).toInt(), 5);
    QCOMPARE(out, QByteArray("started\n"));
    QVERIFY(::kill(-group, 0) == 0); // the sleep is still there, in the group
    ::kill(-group, SIGKILL);
    QVERIFY(noChildrenLeft()); // the sleep is not our child: the shell was, and it was reaped
}

void tst_childprocess::nextRunStartsFromFinishedSlot()
{
    ChildProcess process;
    int runs = 0;
    QByteArray out;
    connect(&process, &ChildProcess::readyReadStandardOutput, this, [&] { out += process.readAllStandardOutput(); });
    connect(&process, &ChildProcess::finished, this, [&](int code) {
        QCOMPARE(code, 0);
        if (++runs < 20)
            QVERIFY(process.start(shell("echo run")));
    });
    QVERIFY(process.start(shell("echo run")));
    QTRY_COMPARE_WITH_TIMEOUT(runs, 20, Patience);
    QCOMPARE(out, QByteArray("run\n").repeated(20));
    QVERIFY(noChildrenLeft());
}

void tst_childprocess::destructorKillsAndReaps()
{
    pid_t pid = 0;
    {
        ChildProcess process;
        QVERIFY(process.start(command({ tool("sleep"), QStringLiteral("60") })));
        pid = process.processId();
        QVERIFY(pid > 0);
        QVERIFY(!process.start(command({ tool("true") }))); // one at a time
        QVERIFY(process.errorString().contains(QLatin1String("still going")));
    }
    QVERIFY(::kill(pid, 0) == -1 && errno == ESRCH);
    QVERIFY(noChildrenLeft());
}

void tst_childprocess::cleanupTestCase()
{
    QVERIFY(noChildrenLeft());
}

QTEST_GUILESS_MAIN(tst_childprocess)
#include "tst_childprocess.moc"

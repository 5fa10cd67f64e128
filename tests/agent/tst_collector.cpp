// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "collector.h"
#include "linesink.h"
#include "runregistry.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

using namespace Garnet;
using namespace std::chrono_literals;

namespace {

constexpr int Patience = 20000; // ms: generous, the machine is shared and noisy

struct RecordedLine
{
    QByteArray collector;
    QByteArray pathPrefix;
    qint64 tickTime;
    QByteArray text;
};

class RecordingSink : public LineSink
{
public:
    void ingestLines(const RunContext &run, std::string_view block) override
    {
        QVERIFY(!block.empty() && block.back() == '\n');
        // As the pipeline's parser does: the framer hands on an overlong line that arrived whole in one read,
        // and only drops (and reports) one that grows past the limit across reads.
        for (const QByteArray &line : QByteArray(block.data(), qsizetype(block.size())).chopped(1).split('\n')) {
            if (std::size_t(line.size()) > MaxLineLength)
                rejects.push_back(RejectReason::TooLong);
            else
                lines.push_back({ run.collector, run.pathPrefix, run.tickTime, line });
        }
    }
    void rejectLine(const RunContext &run, RejectReason reason) override
    {
        QCOMPARE(run.collector, expectedCollector);
        rejects.push_back(reason);
    }
    bool isCongested() const override { return false; }
    QByteArrayList texts() const
    {
        QByteArrayList result;
        for (const RecordedLine &line : lines)
            result << line.text;
        return result;
    }

    QByteArray expectedCollector;
    QList<RecordedLine> lines;
    QList<RejectReason> rejects;
};

QString script(const char *name)
{
    return QStringLiteral(GARNET_TEST_SOURCE_DIR "/agent/collectors/") + QLatin1String(name);
}

bool processGone(pid_t pid)
{
    return ::kill(pid, 0) == -1 && errno == ESRCH && !QFile::exists(QStringLiteral("/proc/%1").arg(pid));
}

QMap<QString, QString> readKeyValues(const QString &path)
{
    QMap<QString, QString> values;
    QFile file(path);
    if (file.open(QIODevice::ReadOnly))
        for (const QByteArray &line : file.readAll().split('\n'))
            if (const auto eq = line.indexOf('='); eq > 0)
                values.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
    return values;
}

QList<CollectorState> statesSeen(const QSignalSpy &spy)
{
    QList<CollectorState> states;
    for (const QVariantList &arguments : spy)
        states << arguments.at(0).value<CollectorState>();
    return states;
}

pid_t readPid(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? pid_t(file.readAll().trimmed().toInt()) : 0;
}

} // namespace

class tst_collector : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void stdoutLinesCarryScheduledTick();
    void socketModeArgumentsAndEnvironment();
    void stdoutModeEnvironment();
    void intervalText_data();
    void intervalText();
    void timeoutKillsWholeGroupThenRecovers();
    void timeoutLongerThanOneTimerWaitsInPieces();
    void leftoverChildrenAreTerminated();
    void ticksStayAligned();
    void crashReportsSignal();
    void nonZeroExitIsFailing();
    void skipsTickWhileRunning();
    void missingProgram_data();
    void missingProgram();
    void stderrTailIsBounded();
    void socketModeStdoutIsDiagnostic();
    void overlongStdoutLineRejected();
    void unterminatedLastLineRejected();
    void disabledCollectorNeverRuns();
    void runNowUsesCurrentTime();
    void stopKillsRunningGroup();
    void destructorKillsRunningGroup();
    void resolveProgram();
    void runsProgramFoundInCollectorDirAndPath();

private:
    std::unique_ptr<Collector> makeCollector(const QString &name, const QStringList &command,
        std::chrono::milliseconds interval, CollectorMode mode = CollectorMode::Stdout,
        std::chrono::milliseconds timeout = 0ms)
    {
        CollectorConfig config;
        config.name = name;
        config.command = command;
        config.interval = interval;
        config.timeout = timeout.count() > 0 ? timeout : interval;
        config.path = name;
        config.mode = mode;
        CollectorEnvironment env;
        env.socketPath = m_dir->filePath(QStringLiteral("garnet.sock"));
        env.pathPrefix = "servers.test." + name.toUtf8();
        env.collectorDirs = m_collectorDirs;
        env.killGrace = 300ms;
        env.maxTimerDelay = m_maxTimerDelay;
        m_sink.expectedCollector = name.toUtf8();
        return std::make_unique<Collector>(config, env, m_sink, m_registry);
    }
    /** Runs once via runNow() and waits for the end; returns the exit status. */
    int runOnce(Collector &collector)
    {
        QSignalSpy finished(&collector, &Collector::runFinished);
        if (!collector.runNow())
            return -1000;
        if (finished.isEmpty() && !finished.wait(Patience)) // a failed start reports at once
            return -1000;
        return finished.at(0).at(0).toInt();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    QStringList m_collectorDirs;
    RecordingSink m_sink;
    RunRegistry m_registry;
    std::chrono::milliseconds m_maxTimerDelay = CollectorEnvironment().maxTimerDelay;
};

void tst_collector::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_collectorDirs.clear();
    m_sink = RecordingSink();
    m_maxTimerDelay = CollectorEnvironment().maxTimerDelay;
}

void tst_collector::stdoutLinesCarryScheduledTick()
{
    auto collector = makeCollector(QStringLiteral("emitter"), { script("emit.sh") }, 1000ms);
    QSignalSpy states(collector.get(), &Collector::stateChanged);
    QSignalSpy finished(collector.get(), &Collector::runFinished);
    collector->start();
    const qint64 scheduledMs = collector->stats().nextRun.toMSecsSinceEpoch();
    QCOMPARE(scheduledMs % 1000, 0);
    QVERIFY(finished.wait(Patience));
    QCOMPARE(finished.at(0).at(0).toInt(), 0);
    QCOMPARE(m_sink.texts(), QByteArrayList({ "metric.a 1", "metric.b 2" }));
    for (const RecordedLine &line : m_sink.lines) {
        QCOMPARE(line.collector, QByteArray("emitter"));
        QCOMPARE(line.pathPrefix, QByteArray("servers.test.emitter"));
        QCOMPARE(line.tickTime, scheduledMs / 1000); // the scheduled tick, not the start time
    }
    QCOMPARE(collector->state(), CollectorState::Ok);
    QCOMPARE(states.at(0).at(0).value<CollectorState>(), CollectorState::Running);
    QCOMPARE(states.at(1).at(0).value<CollectorState>(), CollectorState::Ok);
    const CollectorStats &stats = collector->stats();
    QCOMPARE(stats.runs, 1);
    QCOMPARE(stats.failures, 0);
    QCOMPARE(stats.lastExitStatus, 0);
    QVERIFY(stats.lastDurationMs >= 0);
    QVERIFY(stats.lastRun.toMSecsSinceEpoch() >= scheduledMs - 1000);
    QVERIFY(stats.nextRun.toMSecsSinceEpoch() > scheduledMs); // re-armed to a later aligned tick
    QCOMPARE(stats.nextRun.toMSecsSinceEpoch() % 1000, 0);
    QVERIFY(collector->stderrTail().isEmpty());
}

void tst_collector::socketModeArgumentsAndEnvironment()
{
    // The agent ignores SIGPIPE and blocks signals; none of that may reach a collector. Nor may a
    // descriptor opened without O_CLOEXEC.
    const QString marker = m_dir->filePath(QStringLiteral("marker"));
    const int leaky = ::open(QFile::encodeName(marker).constData(), O_CREAT | O_RDWR, 0600);
    QVERIFY(leaky >= 0);
    const auto oldPipe = std::signal(SIGPIPE, SIG_IGN);
    const auto oldUsr1 = std::signal(SIGUSR1, SIG_IGN); // Qt resets SIGPIPE itself, but no other signal
    sigset_t blocked, oldMask;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR2);
    ::pthread_sigmask(SIG_BLOCK, &blocked, &oldMask);

    const QString out = m_dir->filePath(QStringLiteral("env.txt"));
    auto collector = makeCollector(
        QStringLiteral("envprobe"), { script("env.sh"), out, QString::number(leaky) }, 500ms, CollectorMode::Socket);
    const int status = runOnce(*collector);
    ::pthread_sigmask(SIG_SETMASK, &oldMask, nullptr);
    std::signal(SIGPIPE, oldPipe);
    std::signal(SIGUSR1, oldUsr1);
    ::close(leaky);
    QCOMPARE(status, 0);

    const auto values = readKeyValues(out);
    const QString socket = m_dir->filePath(QStringLiteral("garnet.sock"));
    QCOMPARE(values.value(QStringLiteral("ARGC")), QStringLiteral("3"));
    QCOMPARE(values.value(QStringLiteral("ARG0")), out);
    QCOMPARE(values.value(QStringLiteral("ARG2")), socket); // the socket path is the LAST argument
    QCOMPARE(values.value(QStringLiteral("GARNET_SOCKET")), socket);
    QCOMPARE(values.value(QStringLiteral("GARNET_COLLECTOR")), QStringLiteral("envprobe"));
    QCOMPARE(values.value(QStringLiteral("GARNET_INTERVAL")), QStringLiteral("0.5"));
    QCOMPARE(values.value(QStringLiteral("PGID")), values.value(QStringLiteral("PID"))); // own group
    QCOMPARE(values.value(QStringLiteral("SigIgn")), QStringLiteral("0000000000000000"));
    QCOMPARE(values.value(QStringLiteral("SigBlk")), QStringLiteral("0000000000000000"));
    QCOMPARE(values.value(QStringLiteral("STDIN")), QStringLiteral("/dev/null"));
    QCOMPARE(values.value(QStringLiteral("LEAKED")), QString());

    // The run was registered under its pid and stays resolvable for the grace period.
    const RunContextPtr run = m_registry.resolve(values.value(QStringLiteral("PID")).toInt());
    QVERIFY(run);
    QCOMPARE(run->collector, QByteArray("envprobe"));
}

void tst_collector::stdoutModeEnvironment()
{
    const QString out = m_dir->filePath(QStringLiteral("env.txt"));
    auto collector = makeCollector(QStringLiteral("stdoutprobe"), { script("env.sh"), out }, 2000ms);
    qputenv("QT_NO_GLIB", "1"); // as garnet-agent's main() sets it for itself
    const int status = runOnce(*collector);
    qunsetenv("QT_NO_GLIB");
    QCOMPARE(status, 0);
    const auto values = readKeyValues(out);
    QCOMPARE(values.value(QStringLiteral("ARGC")), QStringLiteral("1")); // no socket argument
    QCOMPARE(values.value(QStringLiteral("GARNET_SOCKET")), m_dir->filePath(QStringLiteral("garnet.sock")));
    QCOMPARE(values.value(QStringLiteral("GARNET_COLLECTOR")), QStringLiteral("stdoutprobe"));
    QCOMPARE(values.value(QStringLiteral("GARNET_INTERVAL")), QStringLiteral("2"));
    QCOMPARE(values.value(QStringLiteral("QT_NO_GLIB")), QStringLiteral("unset")); // the agent's, not theirs
}

void tst_collector::intervalText_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("10s") << qint64(10000) << QStringLiteral("10");
    QTest::newRow("500ms") << qint64(500) << QStringLiteral("0.5");
    QTest::newRow("1.5s") << qint64(1500) << QStringLiteral("1.5");
    QTest::newRow("1.25s") << qint64(1250) << QStringLiteral("1.25");
    QTest::newRow("1ms") << qint64(1) << QStringLiteral("0.001");
    QTest::newRow("2m") << qint64(120000) << QStringLiteral("120");
    QTest::newRow("0") << qint64(0) << QStringLiteral("0");
}

void tst_collector::intervalText()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(Collector::intervalText(std::chrono::milliseconds(ms)), text);
}

void tst_collector::timeoutKillsWholeGroupThenRecovers()
{
    const QString pidFile = m_dir->filePath(QStringLiteral("child.pid"));
    auto collector = makeCollector(QStringLiteral("hanger"), { script("hang.sh"), pidFile }, 500ms);
    QSignalSpy states(collector.get(), &Collector::stateChanged);
    QSignalSpy finished(collector.get(), &Collector::runFinished);
    collector->start();
    QTRY_COMPARE_WITH_TIMEOUT(collector->stats().timeouts, 1, Patience);
    QCOMPARE(finished.at(0).at(0).toInt(), 128 + SIGTERM);
    QVERIFY(statesSeen(states).contains(CollectorState::TimedOut));
    QVERIFY(collector->stats().failures >= 1);

    // The background child ignored SIGTERM: the SIGKILL after the grace got it.
    const pid_t child = readPid(pidFile);
    QVERIFY(child > 0);
    QTRY_VERIFY_WITH_TIMEOUT(processGone(child), Patience);

    // The next run finds the pid file and succeeds.
    QTRY_VERIFY_WITH_TIMEOUT(collector->stats().runs >= 2 && collector->stats().lastExitStatus == 0, Patience);
    QTRY_COMPARE_WITH_TIMEOUT(states.last().at(0).value<CollectorState>(), CollectorState::Ok, Patience);
    QCOMPARE(collector->stats().timeouts, 1);
}

void tst_collector::timeoutLongerThanOneTimerWaitsInPieces()
{
    // A timeout beyond one timer's reach (24 h in production, 100 ms here) is waited for in pieces: a run that
    // ends within it is not killed at the first piece, and one that never ends is killed after all of it.
    m_maxTimerDelay = 100ms;
    auto patient = makeCollector(
        QStringLiteral("patient"), { script("slow.sh"), QStringLiteral("0.5") }, 3600s, CollectorMode::Stdout, 5s);
    QCOMPARE(runOnce(*patient), 0);
    QCOMPARE(patient->stats().timeouts, 0);

    const QString pidFile = m_dir->filePath(QStringLiteral("child.pid"));
    auto hanger
        = makeCollector(QStringLiteral("hanger"), { script("hang.sh"), pidFile }, 3600s, CollectorMode::Stdout, 700ms);
    QCOMPARE(runOnce(*hanger), 128 + SIGTERM);
    QCOMPARE(hanger->stats().timeouts, 1);
    QVERIFY2(hanger->stats().lastDurationMs >= 700, "killed before its whole timeout had passed");
    const pid_t child = readPid(pidFile);
    QVERIFY(child > 0);
    QTRY_VERIFY_WITH_TIMEOUT(processGone(child), Patience);
}

void tst_collector::leftoverChildrenAreTerminated()
{
    const QString pidFile = m_dir->filePath(QStringLiteral("child.pid"));
    auto collector
        = makeCollector(QStringLiteral("leaver"), { script("leaver.sh"), pidFile }, 500ms, CollectorMode::Stdout, 60s);
    QCOMPARE(runOnce(*collector), 0); // the run ends with its main process...
    QCOMPARE(collector->state(), CollectorState::Ok);
    QCOMPARE(m_sink.texts(), QByteArrayList { "left.behind 1" });
    const pid_t child = readPid(pidFile);
    QVERIFY(child > 0);
    QTRY_VERIFY_WITH_TIMEOUT(processGone(child), Patience); // ...and takes its group along (TERM, then KILL)
    QCOMPARE(collector->stats().failures, 0);
}

void tst_collector::ticksStayAligned()
{
    auto collector = makeCollector(QStringLiteral("metronome"), { script("emit.sh") }, 300ms);
    QSignalSpy finished(collector.get(), &Collector::runFinished);
    QSignalSpy states(collector.get(), &Collector::stateChanged);
    collector->start();
    for (int run = 0; run < 3; ++run) {
        const QDateTime scheduled = collector->stats().nextRun;
        QCOMPARE(scheduled.toMSecsSinceEpoch() % 300, 0);
        QVERIFY(finished.wait(Patience));
        QVERIFY(collector->stats().lastRun >= scheduled); // never started before its tick
        QVERIFY(collector->stats().nextRun > scheduled);
    }
    QCOMPARE(collector->stats().skipped, 0);
    // Running and Ok alternate: a state change is reported only when the state changes.
    const QList<CollectorState> seen = statesSeen(states);
    for (qsizetype i = 1; i < seen.size(); ++i)
        QVERIFY(seen.at(i) != seen.at(i - 1));
}

void tst_collector::crashReportsSignal()
{
    auto collector = makeCollector(QStringLiteral("crasher"), { script("crash.sh") }, 500ms);
    QCOMPARE(runOnce(*collector), 128 + SIGSEGV);
    QCOMPARE(collector->state(), CollectorState::Failing);
    QCOMPARE(collector->stats().lastExitStatus, 139);
    QCOMPARE(collector->stats().failures, 1);
    QCOMPARE(collector->stats().timeouts, 0);
}

void tst_collector::nonZeroExitIsFailing()
{
    auto collector = makeCollector(QStringLiteral("failer"), { script("fail.sh") }, 500ms);
    QCOMPARE(runOnce(*collector), 3);
    QCOMPARE(collector->state(), CollectorState::Failing);
    QCOMPARE(collector->stats().failures, 1);
    QCOMPARE(collector->stderrTail(), QStringList { QStringLiteral("disk probe failed: no such device") });
}

void tst_collector::skipsTickWhileRunning()
{
    auto collector = makeCollector(
        QStringLiteral("slowpoke"), { script("slow.sh"), QStringLiteral("5") }, 200ms, CollectorMode::Stdout, 60s);
    collector->start();
    QTRY_VERIFY_WITH_TIMEOUT(collector->isRunning(), Patience);
    QTRY_VERIFY_WITH_TIMEOUT(collector->stats().skipped >= 1, Patience);
    QCOMPARE(collector->stats().runs, 0); // never a second copy
    QVERIFY(collector->isRunning());
    const qint64 skipped = collector->stats().skipped;
    QVERIFY(!collector->runNow());
    QVERIFY(collector->stats().skipped > skipped);
    QCOMPARE(collector->state(), CollectorState::Running);
}

void tst_collector::missingProgram_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QString>("message");
    QTest::newRow("absolute") << QStringLiteral("/nonexistent/garnet-probe") << QStringLiteral("does not exist");
    QTest::newRow("bare name") << QStringLiteral("garnet-no-such-collector") << QStringLiteral("not found");
    QTest::newRow("not executable") << QStringLiteral(GARNET_TEST_SOURCE_DIR "/agent/tst_collector.cpp")
                                    << QStringLiteral("not executable");
    QTest::newRow("directory") << QStringLiteral("/tmp") << QStringLiteral("not a regular file");
    QTest::newRow("bad interpreter") << script("badinterpreter.sh") << QStringLiteral("cannot start");
}

void tst_collector::missingProgram()
{
    QFETCH(QString, program);
    QFETCH(QString, message);
    auto collector = makeCollector(QStringLiteral("ghost"), { program }, 500ms);
    QCOMPARE(runOnce(*collector), -1);
    QCOMPARE(collector->state(), CollectorState::Failing);
    QCOMPARE(collector->stats().lastExitStatus, -1);
    QCOMPARE(collector->stats().runs, 1);
    QCOMPARE(collector->stats().failures, 1);
    QVERIFY(!collector->isRunning());
    const QStringList tail = collector->stderrTail();
    QCOMPARE(tail.size(), 1);
    QVERIFY2(tail.first().contains(message), qPrintable(tail.first()));
}

void tst_collector::stderrTailIsBounded()
{
    auto collector = makeCollector(QStringLiteral("flooder"), { script("flood.sh") }, 500ms);
    QCOMPARE(runOnce(*collector), 0);
    const QStringList tail = collector->stderrTail();
    QCOMPARE(tail.size(), Collector::StderrTailLines);
    QCOMPARE(tail.last(), QStringLiteral("done"));
    QCOMPARE(tail.at(tail.size() - 4), QStringLiteral("line 9999"));
    const QString ascii = tail.at(tail.size() - 3);
    const QString accented = tail.at(tail.size() - 2);
    QVERIFY(ascii.startsWith(QStringLiteral("xxxx")) && ascii.endsWith(QStringLiteral("...")));
    QVERIFY(accented.startsWith(QStringLiteral("éé")) && accented.endsWith(QStringLiteral("...")));
    QVERIFY(!accented.contains(QChar::ReplacementCharacter)); // cut on a character boundary
    for (const QString &line : tail)
        QVERIFY(std::size_t(line.toUtf8().size()) <= Collector::StderrLineBytes);
}

void tst_collector::socketModeStdoutIsDiagnostic()
{
    auto collector = makeCollector(QStringLiteral("chatty"), { script("emit.sh") }, 500ms, CollectorMode::Socket);
    QCOMPARE(runOnce(*collector), 0);
    QVERIFY(m_sink.lines.isEmpty());
    QCOMPARE(collector->stderrTail(), QStringList({ QStringLiteral("metric.a 1"), QStringLiteral("metric.b 2") }));
}

void tst_collector::overlongStdoutLineRejected()
{
    auto collector = makeCollector(QStringLiteral("longliner"), { script("longline.sh") }, 500ms);
    QCOMPARE(runOnce(*collector), 0);
    QCOMPARE(m_sink.texts(), QByteArrayList({ "ok.before 1", "ok.after 2" }));
    QCOMPARE(m_sink.rejects, QList<RejectReason> { RejectReason::TooLong });
}

void tst_collector::unterminatedLastLineRejected()
{
    auto collector = makeCollector(QStringLiteral("cutoff"), { script("unterminated.sh") }, 500ms);
    QCOMPARE(runOnce(*collector), 0);
    QCOMPARE(m_sink.texts(), QByteArrayList { "ok.one 1" });
    QCOMPARE(m_sink.rejects, QList<RejectReason> { RejectReason::Unterminated });
}

void tst_collector::disabledCollectorNeverRuns()
{
    auto collector = makeCollector(QStringLiteral("sleeper"), { script("emit.sh") }, 200ms);
    collector->setEnabled(false);
    QCOMPARE(collector->state(), CollectorState::Disabled);
    QSignalSpy finished(collector.get(), &Collector::runFinished);
    QSignalSpy states(collector.get(), &Collector::stateChanged);
    collector->start();
    QVERIFY(!collector->stats().nextRun.isValid());
    QVERIFY(!finished.wait(1500)); // several intervals pass without a run
    QCOMPARE(collector->stats().runs, 0);
    QVERIFY(states.isEmpty());

    collector->setEnabled(true);
    QVERIFY(collector->stats().nextRun.isValid());
    QTRY_VERIFY_WITH_TIMEOUT(collector->stats().runs >= 1, Patience);
    collector->setEnabled(false);
    QVERIFY(!collector->stats().nextRun.isValid());
    QTRY_COMPARE_WITH_TIMEOUT(collector->state(), CollectorState::Disabled, Patience); // a run may finish first
    QCOMPARE(states.last().at(0).value<CollectorState>(), CollectorState::Disabled);
}

void tst_collector::runNowUsesCurrentTime()
{
    auto collector = makeCollector(QStringLiteral("manual"), { script("emit.sh") }, 3600s);
    collector->start(); // the next tick is up to an hour away
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    QCOMPARE(runOnce(*collector), 0);
    const qint64 after = QDateTime::currentSecsSinceEpoch();
    QCOMPARE(m_sink.lines.size(), 2);
    QVERIFY(m_sink.lines.first().tickTime >= before && m_sink.lines.first().tickTime <= after);
    QCOMPARE(collector->stats().runs, 1);
}

void tst_collector::stopKillsRunningGroup()
{
    const QString pidFile = m_dir->filePath(QStringLiteral("child.pid"));
    auto collector
        = makeCollector(QStringLiteral("stoppable"), { script("hang.sh"), pidFile }, 500ms, CollectorMode::Stdout, 60s);
    QSignalSpy finished(collector.get(), &Collector::runFinished);
    collector->start();
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(pidFile), Patience);
    const pid_t child = readPid(pidFile);
    QVERIFY(child > 0);
    collector->stop();
    QVERIFY(!collector->stats().nextRun.isValid());
    QVERIFY(finished.wait(Patience));
    QVERIFY(!collector->isRunning());
    QTRY_VERIFY_WITH_TIMEOUT(processGone(child), Patience);
    QCOMPARE(collector->stats().failures, 0); // a stopped run is not the collector's fault
    QCOMPARE(collector->state(), CollectorState::Ok);
    QVERIFY(!finished.wait(1200)); // and the schedule is off
}

void tst_collector::destructorKillsRunningGroup()
{
    const QString pidFile = m_dir->filePath(QStringLiteral("child.pid"));
    auto collector
        = makeCollector(QStringLiteral("doomed"), { script("hang.sh"), pidFile }, 500ms, CollectorMode::Stdout, 60s);
    QVERIFY(collector->runNow());
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(pidFile), Patience);
    const pid_t child = readPid(pidFile);
    const pid_t shell = RunRegistry::parentOf(child);
    QVERIFY(child > 0 && shell > 0);
    collector.reset();
    QVERIFY(processGone(shell)); // killed and reaped before the destructor returned
    QTRY_VERIFY_WITH_TIMEOUT(processGone(child), Patience);
}

void tst_collector::resolveProgram()
{
    QTemporaryDir bundled, onPath;
    QVERIFY(bundled.isValid() && onPath.isValid());
    auto install = [](const QString &path, bool executable) {
        QVERIFY(QFile::copy(script("emit.sh"), path));
        QVERIFY(QFile::setPermissions(path, executable ? QFile::ReadOwner | QFile::ExeOwner : QFile::ReadOwner));
    };
    install(bundled.filePath(QStringLiteral("both")), true);
    install(onPath.filePath(QStringLiteral("both")), true);
    install(onPath.filePath(QStringLiteral("pathonly")), true);
    install(bundled.filePath(QStringLiteral("notexec")), false);
    install(onPath.filePath(QStringLiteral("notexec")), true);
    QVERIFY(QDir(bundled.path()).mkdir(QStringLiteral("adir")));

    const QByteArray oldPath = qgetenv("PATH");
    qputenv("PATH", QFile::encodeName(onPath.path()) + "::/nonexistent");
    const QStringList dirs { bundled.path() };
    QCOMPARE(Collector::resolveProgram(QStringLiteral("both"), dirs), bundled.filePath(QStringLiteral("both")));
    QCOMPARE(Collector::resolveProgram(QStringLiteral("pathonly"), dirs), onPath.filePath(QStringLiteral("pathonly")));
    QCOMPARE(Collector::resolveProgram(QStringLiteral("notexec"), dirs), onPath.filePath(QStringLiteral("notexec")));
    QCOMPARE(Collector::resolveProgram(QStringLiteral("adir"), dirs), QString());
    QCOMPARE(Collector::resolveProgram(QStringLiteral("missing"), dirs), QString());
    QCOMPARE(Collector::resolveProgram(QString(), dirs), QString());
    QCOMPARE(Collector::resolveProgram(QStringLiteral(".."), dirs), QString());
    QCOMPARE(Collector::resolveProgram(script("emit.sh"), dirs), script("emit.sh")); // absolute: as is
    QCOMPARE(Collector::resolveProgram(bundled.filePath(QStringLiteral("notexec")), dirs), QString());
    QCOMPARE(Collector::resolveProgram(QStringLiteral("/nonexistent/both"), dirs), QString());
    const QString oldCwd = QDir::currentPath();
    QDir::setCurrent(bundled.path());
    QCOMPARE(Collector::resolveProgram(QStringLiteral("./both"), {}), bundled.filePath(QStringLiteral("both")));
    QDir::setCurrent(oldCwd);
    qputenv("PATH", oldPath);
}

void tst_collector::runsProgramFoundInCollectorDirAndPath()
{
    QTemporaryDir bundled, onPath;
    QVERIFY(QFile::copy(script("emit.sh"), bundled.filePath(QStringLiteral("garnet-test-bundled"))));
    QVERIFY(QFile::copy(script("emit.sh"), onPath.filePath(QStringLiteral("garnet-test-onpath"))));
    const QByteArray oldPath = qgetenv("PATH");
    qputenv("PATH", QFile::encodeName(onPath.path()) + ':' + oldPath);
    m_collectorDirs = { bundled.path() };
    for (const QString &program : { QStringLiteral("garnet-test-bundled"), QStringLiteral("garnet-test-onpath") }) {
        m_sink = RecordingSink();
        auto collector = makeCollector(QStringLiteral("resolved"), { program }, 500ms);
        QCOMPARE(runOnce(*collector), 0);
        QCOMPARE(m_sink.texts(), QByteArrayList({ "metric.a 1", "metric.b 2" }));
    }
    qputenv("PATH", oldPath);
}

QTEST_GUILESS_MAIN(tst_collector)
#include "tst_collector.moc"

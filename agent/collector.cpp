// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "collector.h"

#include "common/dialect.h"
#include "linesink.h"
#include "logging.h"
#include "runregistry.h"
#include "schedule.h"

#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace Garnet {

namespace {

/** What a dialect made of the latest output: its Graphite lines and what it rejected, to the sink. */
void handOver(DialectTranslator &dialect, LineSink &sink, const RunContext &run)
{
    for (const RejectReason reason : dialect.rejects())
        sink.rejectLine(run, reason);
    if (!dialect.lines().empty())
        sink.ingestLines(run, dialect.lines());
    dialect.clear();
}

} // namespace

QString collectorStateName(CollectorState state)
{
    switch (state) {
    case CollectorState::Ok:
        return QStringLiteral("ok");
    case CollectorState::Failing:
        return QStringLiteral("failing");
    case CollectorState::TimedOut:
        return QStringLiteral("timed-out");
    case CollectorState::Disabled:
        return QStringLiteral("disabled");
    case CollectorState::Running:
        return QStringLiteral("running");
    }
    return QStringLiteral("unknown");
}

Collector::Collector(const CollectorConfig &config, const CollectorEnvironment &env, LineSink &sink,
    RunRegistry &registry, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_env(env)
    , m_sink(sink)
    , m_registry(registry)
    , m_tickTimer(new QTimer(this))
    , m_timeoutTimer(new QTimer(this))
    , m_enabled(config.enabled)
    , m_diagnostics(&collectorCategory(config.name))
{
    m_child = new ChildProcess(this);
    connect(m_child, &ChildProcess::readyReadStandardOutput, this, &Collector::readStdout);
    connect(m_child, &ChildProcess::readyReadStandardError, this, &Collector::readStderr);
    connect(m_child, &ChildProcess::finished, this, &Collector::onFinished);
    if (m_config.interval.count() < 1)
        m_config.interval = std::chrono::milliseconds(1000); // the config loader rejects this; never spin
    for (QTimer *timer : { m_tickTimer, m_timeoutTimer }) {
        timer->setTimerType(Qt::PreciseTimer);
        timer->setSingleShot(true);
    }
    connect(m_tickTimer, &QTimer::timeout, this, &Collector::onTick);
    connect(m_timeoutTimer, &QTimer::timeout, this, &Collector::onTimeout);
    if (m_config.dialect != Dialect::Graphite && m_config.mode == CollectorMode::Stdout)
        m_dialect = std::make_unique<DialectTranslator>(m_config.dialect);
    else if (m_config.dialect != Dialect::Graphite)
        qCWarning(lcScheduler).noquote().nospace()
            << "collector " << m_config.name
            << ": a dialect applies to standard output (mode = \"stdout\"); the socket only takes Graphite lines";
    m_reportedState = state();
}

Collector::~Collector()
{
    m_tickTimer->stop();
    m_timeoutTimer->stop();
    for (pid_t group : m_doomedGroups)
        signalGroup(group, SIGKILL);
    if (m_process) {
        disconnect(m_process, nullptr, this, nullptr);
        if (m_pid > 0)
            signalGroup(m_pid, SIGKILL);
        else
            m_process->kill();
        m_process->waitForFinished(2000); // reaps it: no zombie left behind
        if (m_pid > 0)
            m_registry.runFinished(m_pid, m_env.killGrace);
    }
}

CollectorState Collector::state() const
{
    if (m_process)
        return CollectorState::Running;
    if (!m_enabled)
        return CollectorState::Disabled;
    return m_verdict;
}

void Collector::start()
{
    m_started = true;
    if (m_enabled)
        armTimer(QDateTime::currentMSecsSinceEpoch());
}

void Collector::stop()
{
    m_started = false;
    m_tickTimer->stop();
    m_stats.nextRun = QDateTime();
    if (m_process) {
        m_interrupted = true;
        m_timeoutTimer->stop();
        qCInfo(lcScheduler).noquote().nospace()
            << "collector " << m_config.name << ": stopping the running process group";
        terminateGroup(m_pid);
    }
}

void Collector::setEnabled(bool enabled)
{
    if (enabled == m_enabled)
        return;
    m_enabled = enabled;
    qCInfo(lcScheduler).noquote().nospace() << "collector " << m_config.name << (enabled ? ": enabled" : ": disabled");
    if (!enabled) {
        m_tickTimer->stop();
        m_stats.nextRun = QDateTime();
    } else if (m_started) {
        armTimer(QDateTime::currentMSecsSinceEpoch());
    }
    updateState();
}

bool Collector::runNow()
{
    if (m_process) {
        ++m_stats.skipped;
        qCInfo(lcScheduler).noquote().nospace()
            << "collector " << m_config.name << ": run requested while one is running; skipped";
        return false;
    }
    startRun(QDateTime::currentMSecsSinceEpoch());
    return true;
}

void Collector::armTimer(qint64 nowMs)
{
    m_nextTickMs = nextAlignedTick(nowMs, m_config.interval.count());
    m_stats.nextRun = QDateTime::fromMSecsSinceEpoch(m_nextTickMs, Qt::UTC);
    m_tickTimer->start(std::chrono::milliseconds(timerDelayMs(m_nextTickMs - nowMs)));
}

void Collector::onTick()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 interval = m_config.interval.count();
    if (now < m_nextTickMs) {
        // Early: a long wait cut into pieces, the wall clock stepped back, or it drifted from the monotonic
        // clock the timer runs on. Wait for the tick (or an earlier one if the clock went back a lot).
        m_nextTickMs = std::min<qint64>(m_nextTickMs, nextAlignedTick(now, interval));
        m_stats.nextRun = QDateTime::fromMSecsSinceEpoch(m_nextTickMs, Qt::UTC);
        m_tickTimer->start(std::chrono::milliseconds(timerDelayMs(m_nextTickMs - now)));
        return;
    }
    // Normally the tick just reached; after a suspend or a clock step forward, the latest tick that passed.
    const qint64 tick = std::max<qint64>(m_nextTickMs, nextAlignedTick(now, interval) - interval);
    armTimer(now);
    if (m_process) {
        ++m_stats.skipped;
        qCWarning(lcScheduler).noquote().nospace()
            << "collector " << m_config.name << ": still running after " << m_runClock.elapsed()
            << " ms; tick skipped (" << m_stats.skipped << " skipped so far)";
        return;
    }
    startRun(tick);
}

void Collector::startRun(qint64 tickMs)
{
    auto run = std::make_shared<RunContext>();
    run->collector = m_config.name.toUtf8();
    run->pathPrefix = m_env.pathPrefix;
    run->tickTime = tickMs >= 0 ? tickMs / 1000 : (tickMs - 999) / 1000;
    m_run = std::move(run);
    m_pid = 0;
    m_timedOut = false;
    m_interrupted = false;
    m_overflowed = false;
    m_stdoutBytes = 0;
    m_stderrBytes = 0;
    m_diagnostics.startRun();
    m_stdoutFramer.takeTail(); // reset
    if (m_dialect)
        m_dialect->startRun();
    m_stats.lastRun = QDateTime::currentDateTimeUtc();
    m_runClock.start();

    const QString program = resolveProgram(m_config.command.value(0), m_env.collectorDirs);
    if (program.isEmpty()) {
        onStartFailed(explainUnresolved(m_config.command.value(0), m_env.collectorDirs));
        return;
    }
    QString refusal;
    ChildCommandPtr command = launchCommand(program, &refusal);
    if (!command) {
        onStartFailed(refusal);
        return;
    }
    m_process = m_child;
    updateState();
    if (!m_process->start(std::move(command))) {
        onStartFailed(m_process->errorString());
        return;
    }
    registerRun(); // before the event loop runs again: the ProcessReaper must know it is not a stray
    armTimeout();
}

void Collector::armTimeout()
{
    m_timeoutTimer->start(std::chrono::milliseconds(timerDelayMs(runTimeout().count() - m_runClock.elapsed())));
}

void Collector::registerRun()
{
    if (!m_process || m_pid > 0)
        return;
    // start() returns once the child has made its group and called execve(): no setpgid() race to close here.
    m_pid = m_process->processId();
    m_registry.runStarted(m_pid, m_run);
}

void Collector::onStartFailed(const QString &message)
{
    m_process = nullptr;
    if (m_pid > 0)
        m_registry.runFinished(m_pid, m_env.killGrace);
    m_pid = 0;
    m_timeoutTimer->stop();
    m_diagnostics.addMessage(message);
    qCWarning(lcScheduler).noquote().nospace() << "collector " << m_config.name << ": " << message;
    finishRun(-1);
}

void Collector::onFinished(int exitCode, ChildProcess::ExitStatus status)
{
    if (!m_process)
        return;
    const bool crashed = status == ChildProcess::ExitStatus::CrashExit;
    readStdout();
    readStderr();
    if (m_dialect && !m_interrupted && !m_overflowed) {
        // Plugins often omit the final '\n': the tail is a line. nagios adds `state` from the exit status.
        m_dialect->finishRun(m_stdoutFramer.takeTail(), crashed ? 128 + exitCode : exitCode);
        handOver(*m_dialect, m_sink, *m_run);
        if (m_dialect->notifications() > 0)
            qCDebug(lcScheduler).noquote().nospace()
                << "collector " << m_config.name << ": ignored " << m_dialect->notifications() << " PUTNOTIF line(s)";
    } else if (m_config.mode == CollectorMode::Stdout && !m_stdoutFramer.takeTail().empty() && !m_overflowed) {
        m_sink.rejectLine(*m_run, RejectReason::Unterminated);
    }
    m_diagnostics.finishRun();
    m_process = nullptr;
    m_timeoutTimer->stop();

    const pid_t pid = m_pid;
    m_pid = 0;
    if (pid > 0) {
        m_registry.runFinished(pid, m_env.killGrace);
        // A run is over when its main process is over: what it left in its group goes too.
        if (::kill(-pid, 0) == 0
            && std::find(m_doomedGroups.begin(), m_doomedGroups.end(), pid) == m_doomedGroups.end()) {
            qCInfo(lcScheduler).noquote().nospace()
                << "collector " << m_config.name << ": terminating processes left behind in group " << pid;
            terminateGroup(pid);
        }
    }
    // A crash reports the signal number as the exit code.
    finishRun(crashed ? 128 + exitCode : exitCode);
}

void Collector::finishRun(int exitStatus)
{
    m_stats.lastDurationMs = m_runClock.isValid() ? m_runClock.elapsed() : 0;
    ++m_stats.runs;
    m_stats.lastExitStatus = exitStatus;
    const auto seconds = QString::number(double(m_stats.lastDurationMs) / 1000.0, 'f', 3);
    if (m_timedOut) {
        ++m_stats.failures;
        ++m_stats.timeouts;
        m_verdict = CollectorState::TimedOut;
        qCWarning(lcScheduler).noquote().nospace() << "collector " << m_config.name << ": timed out; ended after "
                                                   << seconds << " s with status " << exitStatus;
    } else if (m_overflowed) {
        ++m_stats.failures;
        m_verdict = CollectorState::Failing;
        qCWarning(lcScheduler).noquote().nospace()
            << "collector " << m_config.name << ": ended after " << seconds << " s for exceeding its output limit";
    } else if (m_interrupted) {
        qCInfo(lcScheduler).noquote().nospace()
            << "collector " << m_config.name << ": stopped after " << seconds << " s";
    } else if (exitStatus != 0) {
        ++m_stats.failures;
        m_verdict = CollectorState::Failing;
        if (exitStatus > 128)
            qCWarning(lcScheduler).noquote().nospace() << "collector " << m_config.name << ": killed by signal "
                                                       << exitStatus - 128 << " after " << seconds << " s";
        else if (exitStatus > 0)
            qCWarning(lcScheduler).noquote().nospace() << "collector " << m_config.name << ": exited with status "
                                                       << exitStatus << " after " << seconds << " s";
    } else {
        m_verdict = CollectorState::Ok;
        qCDebug(lcScheduler).noquote().nospace() << "collector " << m_config.name << ": ok in " << seconds << " s";
    }
    m_run.reset();
    updateState();
    Q_EMIT runFinished(exitStatus);
}

void Collector::onTimeout()
{
    if (!m_process)
        return;
    if (m_runClock.elapsed() < runTimeout().count()) {
        armTimeout(); // a timeout longer than one timer's reach: this was one of its pieces
        return;
    }
    m_timedOut = true;
    qCWarning(lcScheduler).noquote().nospace() << "collector " << m_config.name << ": timeout after "
                                               << intervalText(runTimeout()) << " s; terminating its process group";
    if (m_pid > 0)
        terminateGroup(m_pid);
    else
        m_process->kill(); // not forked yet: nothing else to kill
}

void Collector::terminateGroup(pid_t pgid)
{
    if (pgid <= 1 || pgid == ::getpgrp()
        || std::find(m_doomedGroups.begin(), m_doomedGroups.end(), pgid) != m_doomedGroups.end())
        return;
    signalGroup(pgid, SIGTERM);
    m_registry.reaper().terminateRun(pgid, m_env.killGrace); // what left the group goes too
    m_doomedGroups.push_back(pgid);
    QTimer::singleShot(m_env.killGrace, this, [this, pgid] {
        signalGroup(pgid, SIGKILL);
        std::erase(m_doomedGroups, pgid);
    });
}

void Collector::signalGroup(pid_t pgid, int signal)
{
    if (pgid <= 1 || pgid == ::getpgrp())
        return; // never the agent's own group
    if (::kill(-pgid, signal) == 0)
        return;
    const int error = errno;
    if (error == ESRCH && m_process && pgid == m_pid) {
        ::kill(m_pid, signal); // its group never formed: at least the main process
        return;
    }
    if (error != ESRCH)
        qCWarning(lcScheduler).noquote().nospace() << "collector " << m_config.name << ": cannot signal process group "
                                                   << pgid << ": " << qt_error_string(error);
}

void Collector::readStdout()
{
    if (!m_process)
        return;
    QByteArray data = m_process->readAllStandardOutput();
    admitOutput(ChildProcess::Channel::StandardOutput, m_stdoutBytes, data);
    if (data.isEmpty())
        return;
    const std::string_view bytes(data.constData(), std::size_t(data.size()));
    if (m_config.mode == CollectorMode::Socket) {
        m_diagnostics.feed(DiagnosticTail::Stream::Stdout, bytes);
        return;
    }
    m_stdoutFramer.feed(
        bytes, [this](std::string_view lines) { deliverLines(lines); },
        [this] { m_sink.rejectLine(*m_run, RejectReason::TooLong); });
}

void Collector::deliverLines(std::string_view lines)
{
    if (!m_dialect) {
        m_sink.ingestLines(*m_run, lines);
        return;
    }
    m_dialect->translate(lines); // the nagios state metric follows in onFinished, from the exit status
    handOver(*m_dialect, m_sink, *m_run);
}

void Collector::readStderr()
{
    if (!m_process)
        return;
    QByteArray data = m_process->readAllStandardError();
    admitOutput(ChildProcess::Channel::StandardError, m_stderrBytes, data);
    m_diagnostics.feed(DiagnosticTail::Stream::Stderr, std::string_view(data.constData(), std::size_t(data.size())));
}

void Collector::admitOutput(ChildProcess::Channel channel, qint64 &count, QByteArray &data)
{
    const qint64 room = std::max<qint64>(0, m_config.outputLimit - count);
    count += data.size();
    if (data.size() <= room)
        return;
    data.truncate(room);
    const QString stream = channel == ChildProcess::Channel::StandardOutput ? QStringLiteral("standard output")
                                                                            : QStringLiteral("standard error");
    // Stop reading (the buffer would hold everything) and end the run: its writer gets EPIPE or SIGPIPE.
    m_process->closeReadChannel(channel);
    if (m_overflowed)
        return;
    m_overflowed = true;
    ++m_stats.outputOverflows;
    const QString message = QStringLiteral("%1 exceeded the output limit of %2 bytes in one run; run terminated")
                                .arg(stream)
                                .arg(m_config.outputLimit);
    m_diagnostics.addMessage(message);
    qCWarning(lcScheduler).noquote().nospace() << "collector " << m_config.name << ": " << message;
    m_timeoutTimer->stop();
    if (m_pid > 0)
        terminateGroup(m_pid);
    else
        m_process->kill();
}

void Collector::updateState()
{
    const CollectorState current = state();
    if (current == m_reportedState)
        return;
    m_reportedState = current;
    Q_EMIT stateChanged(current);
}

} // namespace Garnet

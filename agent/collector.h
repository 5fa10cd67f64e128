// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "common/config.h"
#include "lineframer.h"
#include "runcontext.h"

#include <QByteArray>
#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QProcess>
#include <QStringList>

#include <chrono>
#include <deque>
#include <memory>

class QTimer;

namespace Garnet {

class LineSink;
class RunRegistry;

enum class CollectorState { Ok, Failing, TimedOut, Disabled, Running };
QString collectorStateName(CollectorState state); ///< "ok", "failing", "timed-out", "disabled", "running"

/** Everything a collector needs from the agent that is not in its own file. */
struct CollectorEnvironment
{
    QString socketPath;
    QByteArray pathPrefix; ///< "{prefix}.{path}" already expanded
    QStringList collectorDirs; ///< bundled collector dirs searched for a relative program, before PATH
    std::chrono::milliseconds killGrace{2000}; ///< SIGTERM → SIGKILL
};

struct CollectorStats
{
    qint64 runs = 0;
    qint64 failures = 0; ///< non-zero exit, crash, failed to start
    qint64 timeouts = 0;
    qint64 skipped = 0; ///< ticks skipped because the previous run was still going
    int lastExitStatus = -1; ///< exit code; 128+signal for a crash; -1 never ran / failed to start
    QDateTime lastRun; ///< start of the last run
    qint64 lastDurationMs = -1;
    QDateTime nextRun; ///< invalid when disabled
};

/**
 * One configured collector: a precise timer re-armed to absolute aligned deadlines and at most one
 * running process (its own process group). Past the timeout the whole group gets SIGTERM, then SIGKILL.
 */
class Collector : public QObject
{
    Q_OBJECT
public:
    Collector(const CollectorConfig &config, const CollectorEnvironment &env, LineSink &sink, RunRegistry &registry,
              QObject *parent = nullptr);
    ~Collector() override; ///< kills a running group

    const CollectorConfig &config() const { return m_config; }
    QString name() const { return m_config.name; }
    CollectorState state() const;
    const CollectorStats &stats() const { return m_stats; }
    QStringList stderrTail() const; ///< last lines of stderr (bounded)
    bool isRunning() const;

    void start(); ///< arm the timer if enabled
    void stop(); ///< disarm; kill a running group (SIGTERM, SIGKILL after grace)
    void setEnabled(bool enabled);
    /** Start a run now, outside the schedule (skipped and counted if one is running). Returns false if skipped. */
    bool runNow();
    /** Resolve command[0]: absolute as is; a bare name in env.collectorDirs then PATH. Empty if not found. */
    static QString resolveProgram(const QString &program, const QStringList &collectorDirs);

Q_SIGNALS:
    void stateChanged(Garnet::CollectorState state);
    void runFinished(int exitStatus); ///< after every run (also timeouts, failed starts)

private:
    void armTimer();
    void onTick();
    void startRun(qint64 tickMs);
    void onFinished(int exitCode, QProcess::ExitStatus status);
    void onTimeout();
    void killGroup(int signal);
    void readStdout();
    void readStderr();
    void setState(CollectorState state);

    CollectorConfig m_config;
    CollectorEnvironment m_env;
    LineSink &m_sink;
    RunRegistry &m_registry;
    QTimer *m_tickTimer;
    QTimer *m_timeoutTimer;
    QTimer *m_killTimer;
    QProcess *m_process = nullptr;
    RunContextPtr m_run;
    LineFramer m_stdoutFramer;
    QByteArray m_stderrPartial;
    std::deque<QString> m_stderrTail;
    QElapsedTimer m_runClock;
    CollectorStats m_stats;
    CollectorState m_state = CollectorState::Ok;
    pid_t m_pgid = 0;
    bool m_timedOut = false;
};

} // namespace Garnet

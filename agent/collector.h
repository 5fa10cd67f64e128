// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "childprocess.h"
#include "common/config.h"
#include "diagnostictail.h"
#include "lineframer.h"
#include "runcontext.h"

#include <QByteArray>
#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QStringList>

#include <array>
#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

class QTimer;

namespace Garnet {

class DialectTranslator;
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
    std::chrono::milliseconds killGrace { 2000 }; ///< SIGTERM → SIGKILL
    /** QTimer counts in int milliseconds: longer waits (ticks, timeouts) are cut into pieces of this. */
    std::chrono::milliseconds maxTimerDelay { 24LL * 3600 * 1000 };
};

struct CollectorStats
{
    qint64 runs = 0;
    qint64 failures = 0; ///< non-zero exit, crash, failed to start, timeout
    qint64 timeouts = 0;
    qint64 skipped = 0; ///< ticks (and runNow calls) skipped because the previous run was still going
    qint64 outputOverflows = 0; ///< runs ended for writing more than output_limit (counted as failures too)
    int lastExitStatus = -1; ///< exit code; 128+signal for a crash; -1 never ran / failed to start
    // UTC: a local QDateTime costs a tzset() (a stat of /etc/localtime) on every conversion, twice a run.
    QDateTime lastRun; ///< start of the last run (wall clock)
    qint64 lastDurationMs = -1;
    QDateTime nextRun; ///< invalid when disabled or stopped
};

/**
 * One configured collector: a precise single-shot timer re-armed to absolute aligned deadlines (computed
 * from the wall clock each time, so nothing drifts) and at most one running process.
 *
 * Each run is a ChildProcess (spawned without copying the agent) in its own process group (pgid = its
 * pid), stdin /dev/null, signal dispositions and mask reset to defaults, no inherited descriptors beyond
 * 0-2. Its RunContext carries the scheduled tick (not the start time) and is registered with the
 * RunRegistry for its lifetime, from right after the spawn.
 *
 * A run is over when its main process is over. Past the timeout the whole group gets SIGTERM, then
 * SIGKILL after env.killGrace. When the main process exits on its own, whatever it left behind in its
 * group (background children of a shell script) gets the same SIGTERM → SIGKILL treatment: a collector
 * cannot leave processes running between ticks. Processes that left the group (setsid, double fork) are
 * ended with it by the RunRegistry's ProcessReaper.
 *
 * Launch (collectorlaunch.cpp): environment = the agent's + `env` + GARNET_*; with `user`/`group` (agent
 * running as root) the child drops to those ids before exec, names resolved in the agent. The program's
 * arguments and environment are built once and reused while the resolved program (and, with `user`/`group`,
 * /etc/passwd and /etc/group) stay the same.
 * An agent running as root refuses a collector whose file or program is writable by group or others.
 * Such a refusal, like a program not found, is a failed run with its reason in the stderr tail.
 *
 * Output: more than config.outputLimit bytes in one run on stdout, or on stderr, stops the reading of
 * that stream and terminates the run like a timeout (a failure, counted in outputOverflows).
 *
 * stdout mode: stdout is framed into lines for the LineSink. It is read as it arrives even while the
 * sink is congested: holding it back would only move the bytes into ChildProcess's buffer, the
 * sink counts what it cannot take, and a run is bounded by its timeout.
 * socket mode: stdout is treated like stderr, so a chatty collector never blocks on a full pipe.
 * stderr: the latest run's last 20 lines (each at most 512 bytes) are kept for status; at most 20 lines
 * per run are logged under "garnet.collector.<name>", then one summary line. Memory stays bounded
 * whatever the collector writes.
 *
 * The LineSink and RunRegistry must outlive the collector.
 */
class Collector : public QObject
{
    Q_OBJECT
public:
    static constexpr int StderrTailLines = DiagnosticTail::TailLines;
    static constexpr std::size_t StderrLineBytes = DiagnosticTail::LineBytes;

    Collector(const CollectorConfig &config, const CollectorEnvironment &env, LineSink &sink, RunRegistry &registry,
        QObject *parent = nullptr);
    ~Collector() override; ///< SIGKILLs whatever of its groups is left and reaps the main process

    const CollectorConfig &config() const { return m_config; } ///< as loaded; setEnabled() does not change it
    QString name() const { return m_config.name; }
    CollectorState state() const;
    const CollectorStats &stats() const { return m_stats; }
    QStringList stderrTail() const { return m_diagnostics.lines(); } ///< the latest run's last lines (bounded)
    bool isRunning() const { return m_process != nullptr; }
    bool isEnabled() const { return m_enabled; }

    void start(); ///< arm the timer if enabled
    void stop(); ///< disarm; kill a running group (SIGTERM, SIGKILL after grace); the run is not a failure
    /** Disabling disarms the timer; a run in progress is allowed to finish. */
    void setEnabled(bool enabled);
    /**
     * Start a run now with tickTime = now, outside the schedule, even when disabled (an explicit request).
     * Skipped and counted if one is running. Returns false if skipped.
     */
    bool runNow();
    /**
     * Resolve command[0] to an absolute path: a name containing '/' is taken as is (relative to the
     * working directory); a bare name is searched in collectorDirs, then PATH. Only an executable regular
     * file qualifies. Empty if not found.
     */
    static QString resolveProgram(const QString &program, const QStringList &collectorDirs);
    /** GARNET_INTERVAL's text: seconds without trailing zeros ("10", "0.5", "1.25"). */
    static QString intervalText(std::chrono::milliseconds interval);

Q_SIGNALS:
    void stateChanged(Garnet::CollectorState state);
    void runFinished(int exitStatus); ///< after every run (also timeouts, failed starts, stopped runs)

private:
    // collectorlaunch.cpp: how a run's process is made
    static QString explainUnresolved(const QString &program, const QStringList &collectorDirs);
    /** nullptr and *error when the run must not start (unsafe file permissions, user/group unusable). */
    ChildCommandPtr launchCommand(const QString &program, QString *error);

    void armTimer(qint64 nowMs);
    void onTick();
    void startRun(qint64 tickMs);
    void registerRun();
    void onFinished(int exitCode, ChildProcess::ExitStatus status);
    void onStartFailed(const QString &message);
    void finishRun(int exitStatus);
    void onTimeout();
    /** Arm (or re-arm) the timeout timer for what is left of the run's timeout, at most maxTimerDelay. */
    void armTimeout();
    std::chrono::milliseconds runTimeout() const
    {
        return m_config.timeout.count() > 0 ? m_config.timeout : m_config.interval;
    }
    qint64 timerDelayMs(qint64 ms) const { return std::min<qint64>(ms, m_env.maxTimerDelay.count()); }
    void terminateGroup(pid_t pgid);
    void signalGroup(pid_t pgid, int signal);
    void readStdout();
    void readStderr();
    /** Counts bytes of one stream against the output limit; cuts data at the limit and ends the run there. */
    void admitOutput(ChildProcess::Channel channel, qint64 &count, QByteArray &data);
    void deliverLines(std::string_view lines);
    void updateState();

    CollectorConfig m_config;
    CollectorEnvironment m_env;
    LineSink &m_sink;
    RunRegistry &m_registry;
    QTimer *m_tickTimer;
    QTimer *m_timeoutTimer;
    qint64 m_nextTickMs = 0;
    bool m_enabled = true;
    bool m_started = false;

    ChildProcess *m_child; ///< one for every run: its notifiers and connections are made once
    ChildCommandPtr m_command; ///< argv and envp of the latest run, reused while still right
    std::array<qint64, 8> m_identityFiles {}; ///< /etc/passwd and /etc/group as m_command saw them

    // The current run (m_process == m_child while it runs, nullptr between runs).
    ChildProcess *m_process = nullptr;
    RunContextPtr m_run;
    pid_t m_pid = 0; ///< also its process group id; 0 until started
    bool m_timedOut = false;
    bool m_interrupted = false; ///< stop() ended it
    bool m_overflowed = false; ///< wrote more than the output limit
    qint64 m_stdoutBytes = 0;
    qint64 m_stderrBytes = 0;
    QElapsedTimer m_runClock;
    LineFramer m_stdoutFramer;
    std::unique_ptr<DialectTranslator> m_dialect; ///< stdout of a nagios/collectd collector → Graphite lines
    DiagnosticTail m_diagnostics; ///< stderr, and stdout in socket mode

    std::vector<pid_t> m_doomedGroups; ///< got SIGTERM, SIGKILL pending
    CollectorStats m_stats;
    CollectorState m_verdict = CollectorState::Ok; ///< outcome of the last finished run
    CollectorState m_reportedState = CollectorState::Ok;
};

} // namespace Garnet

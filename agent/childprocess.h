// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QStringList>

#include <sys/types.h>

#include <csignal>
#include <memory>
#include <vector>

class QSocketNotifier;

namespace Garnet {

/** Who a child becomes before exec: resolved by the caller, applied in the child with raw system calls. */
struct ChildIdentity
{
    bool change = false;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups; ///< supplementary groups
};

/**
 * What a child runs, in the form execve() takes: built once and shared by every run of it.
 * The program is an absolute path (no search); the environment is complete ("NAME=value" entries).
 */
class ChildCommand
{
public:
    ChildCommand(const QString &program, const QStringList &arguments, const QList<QByteArray> &environment,
        ChildIdentity identity = {});
    ChildCommand(const ChildCommand &) = delete;
    ChildCommand &operator=(const ChildCommand &) = delete;

    const QString &program() const { return m_program; }
    const ChildIdentity &identity() const { return m_identity; }
    const char *path() const { return m_argv.front(); }
    char *const *argv() const { return m_argv.data(); }
    char *const *envp() const { return m_envp.data(); }

    /** The agent's own environment (environ) as "NAME=value" entries, without the names given. */
    static QList<QByteArray> inheritedEnvironment(std::initializer_list<const char *> without);
    /** Sets NAME=value in an environment list, replacing an entry of that name. */
    static void setVariable(QList<QByteArray> &environment, QByteArrayView name, QByteArrayView value);

private:
    QString m_program;
    QByteArray m_strings; ///< every argument and variable, NUL-terminated, back to back
    std::vector<char *> m_argv; ///< program path first, nullptr last (points into m_strings)
    std::vector<char *> m_envp; ///< nullptr last
    ChildIdentity m_identity;
};
using ChildCommandPtr = std::shared_ptr<const ChildCommand>;

/**
 * A child process for collector runs, without QProcess's fork of the whole agent.
 *
 * start() spawns like glibc's posix_spawn: clone(CLONE_VM | CLONE_VFORK) on a small private stack, so
 * nothing of the agent's memory is copied and the caller resumes once the child has called execve (or
 * failed). The child leads its own process group, has every signal disposition back to SIG_DFL and an
 * empty signal mask, stdin from /dev/null, stdout and stderr on pipes, no other descriptor, and
 * optionally other user and group ids. A failure before the program runs (exec, ids) is a failed
 * start() with the reason, not a run.
 *
 * The child is watched through a pidfd and reaped with waitid(P_PIDFD) on that descriptor only, so no
 * other child's status is taken. When it exits, what is already in its pipes is read, the pipes are
 * closed and finished() follows: a grandchild that keeps the pipes open does not delay it.
 *
 * Object state is reset before finished() is emitted: a slot may start the next run on the same object.
 */
class ChildProcess : public QObject
{
    Q_OBJECT
public:
    enum class Channel { StandardOutput, StandardError };
    Q_ENUM(Channel)
    enum class ExitStatus { NormalExit, CrashExit };
    Q_ENUM(ExitStatus)

    explicit ChildProcess(QObject *parent = nullptr);
    ~ChildProcess() override; ///< SIGKILLs a child still running and reaps it

    /** False with errorString() ("cannot start PROGRAM: reason") when no run started. */
    bool start(ChildCommandPtr command);
    bool isRunning() const { return m_pid > 0; }
    pid_t processId() const { return m_pid; } ///< 0 when not running
    QString program() const { return m_command ? m_command->program() : QString(); }
    QString errorString() const { return m_error; }

    QByteArray readAllStandardOutput() { return readAll(Channel::StandardOutput); }
    QByteArray readAllStandardError() { return readAll(Channel::StandardError); }
    QByteArray readAll(Channel channel);
    /** Stops reading and closes our end of the pipe: the writer gets EPIPE (or SIGPIPE) from then on. */
    void closeReadChannel(Channel channel);

    void kill() { sendSignal(SIGKILL); } ///< to the child (not its group)
    /** Signals the child through its pidfd (never a recycled pid). False if it is not running. */
    bool sendSignal(int signal);
    /** Blocks until the child exits (true, finished() emitted) or msecs pass (false); -1 waits for ever. */
    bool waitForFinished(int msecs);

Q_SIGNALS:
    void readyReadStandardOutput();
    void readyReadStandardError();
    /** exitCode is the signal number for CrashExit. */
    void finished(int exitCode, Garnet::ChildProcess::ExitStatus status);

private:
    struct Pipe
    {
        int fd = -1;
        QSocketNotifier *notifier = nullptr;
        QByteArray buffer;
    };
    Pipe &pipe(Channel channel) { return channel == Channel::StandardOutput ? m_stdout : m_stderr; }
    /** Reads what the pipe holds now (bounded); EOF closes it. True if something was read. */
    bool readPipe(Pipe &pipe, qsizetype limit);
    void closePipe(Pipe &pipe);
    void onPidfdReady();
    /** Reaps the child if it has exited (blocking: waits for it). True when reaped. */
    bool reap(bool block);
    void closeAll();

    ChildCommandPtr m_command;
    pid_t m_pid = 0;
    int m_pidfd = -1;
    QSocketNotifier *m_exitNotifier;
    Pipe m_stdout;
    Pipe m_stderr;
    QString m_error;
    int m_exitCode = 0;
    ExitStatus m_exitStatus = ExitStatus::NormalExit;
};

} // namespace Garnet

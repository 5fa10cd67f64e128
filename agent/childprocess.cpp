// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "childprocess.h"

#include <QDeadlineTimer>
#include <QSocketNotifier>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/close_range.h>

namespace Garnet {

namespace {

constexpr qsizetype ReadChunk = 16 * 1024;
constexpr qsizetype ReadPerWakeup = 256 * 1024; ///< then other sources get their turn
constexpr qsizetype DrainAtExit = 1024 * 1024; ///< bounds the last read: a grandchild may still be writing
constexpr int ReapAtDestructionMs = 5000;

/** Why the child gave up before running the program; set by the child, read by the parent. */
enum class Step : int { None, Stdio, Descriptors, Groups, GroupId, UserId, Exec };

const char *stepText(Step step)
{
    switch (step) {
    case Step::None:
        break;
    case Step::Stdio:
        return "cannot set up standard input/output: ";
    case Step::Descriptors:
        return "cannot close inherited descriptors: ";
    case Step::Groups:
        return "cannot set its supplementary groups: ";
    case Step::GroupId:
        return "cannot set its group id: ";
    case Step::UserId:
        return "cannot set its user id: ";
    case Step::Exec:
        return "";
    }
    return "";
}

/**
 * Shared by parent and child: the child runs in the parent's memory (CLONE_VM) until execve, and the
 * parent is suspended until then (CLONE_VFORK), so the child's failure report is simply read afterwards.
 * Plain values only: the child calls no C++ code (in a sanitizer build that code would be instrumented).
 */
struct SpawnState
{
    const char *path = nullptr;
    char *const *argv = nullptr;
    char *const *envp = nullptr;
    int stdinFd = -1;
    int stdoutFd = -1;
    int stderrFd = -1;
    bool changeIdentity = false;
    uid_t uid = 0;
    gid_t gid = 0;
    const gid_t *groups = nullptr;
    std::size_t groupCount = 0;
    Step failedStep = Step::None;
    int error = 0;
};

/** The kernel's struct sigaction, all zero = SIG_DFL, no flags, empty mask (whatever the layout). */
struct KernelSigaction
{
    void *handler;
    unsigned long rest[3];
};
constexpr long KernelSigsetBytes = 8; // _NSIG / 8 on Linux

/**
 * The child, between clone() and execve(). It shares the agent's memory, so it touches no heap and no
 * lock and calls nothing but system calls (through syscall(), which only sets errno: the parent thread's,
 * which reads none set before it resumes). Every signal is blocked on entry.
 */
__attribute__((no_sanitize("address", "undefined"), noinline)) int spawnChild(void *argument)
{
    auto *state = static_cast<SpawnState *>(argument);
    KernelSigaction defaults = {};
    const unsigned long noSignals = 0;
    Step step = Step::Stdio;
    // Handlers would run on the agent's memory; ignored signals would stay ignored across exec.
    for (int signal = 1; signal <= 64; ++signal) {
        if (signal != SIGKILL && signal != SIGSTOP)
            ::syscall(SYS_rt_sigaction, signal, &defaults, nullptr, KernelSigsetBytes);
    }
    ::syscall(SYS_setpgid, 0, 0);
    // The parent keeps these three at 3 and above (close-on-exec), so none is overwritten here.
    if (::syscall(SYS_dup3, state->stdinFd, 0, 0) < 0 || ::syscall(SYS_dup3, state->stdoutFd, 1, 0) < 0
        || ::syscall(SYS_dup3, state->stderrFd, 2, 0) < 0)
        goto failed;
    // Descriptors the agent opened without O_CLOEXEC (sockets, files) stay out of the program.
    step = Step::Descriptors;
    if (::syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        goto failed;
    // Raw system calls: glibc's wrappers would try to change every thread of the agent.
    if (state->changeIdentity) {
        step = Step::Groups;
        if (::syscall(SYS_setgroups, state->groupCount, state->groups) < 0)
            goto failed;
        step = Step::GroupId;
        if (::syscall(SYS_setresgid, state->gid, state->gid, state->gid) < 0)
            goto failed;
        step = Step::UserId;
        if (::syscall(SYS_setresuid, state->uid, state->uid, state->uid) < 0)
            goto failed;
    }
    ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &noSignals, nullptr, KernelSigsetBytes);
    step = Step::Exec;
    ::syscall(SYS_execve, state->path, state->argv, state->envp);
failed:
    state->error = errno;
    state->failedStep = step;
    ::syscall(SYS_exit_group, 127);
    return 127;
}

/** The child's stack: one per thread that spawns, reused (the parent waits while the child uses it). */
class SpawnStack
{
public:
    static constexpr std::size_t Size = 64 * 1024;
    SpawnStack()
    {
        const long page = ::sysconf(_SC_PAGESIZE);
        m_guard = std::size_t(page > 0 ? page : 4096);
        void *memory = ::mmap(nullptr, Size + m_guard, PROT_READ | PROT_WRITE,
            MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
        if (memory == MAP_FAILED)
            return;
        m_base = static_cast<char *>(memory);
        ::mprotect(m_base, m_guard, PROT_NONE); // an overflow faults instead of writing over something
    }
    ~SpawnStack()
    {
        if (m_base)
            ::munmap(m_base, Size + m_guard);
    }
    void *top() const { return m_base ? m_base + m_guard + Size : nullptr; }

private:
    char *m_base = nullptr;
    std::size_t m_guard = 0;
};

/** A descriptor the child dup3()s onto 0-2 must not be one of 0-2 itself (an agent started with them closed). */
int aboveStdio(int fd)
{
    if (fd < 0 || fd >= 3)
        return fd;
    const int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
    ::close(fd);
    return moved;
}

/** One /dev/null for every child's stdin, kept open (close-on-exec, above 2). */
int devNull()
{
    static const int fd = aboveStdio(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    return fd;
}

/** A pipe: the read end ours and non-blocking, the write end for the child; both close-on-exec. */
bool makePipe(int &readEnd, int &writeEnd)
{
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0)
        return false;
    readEnd = aboveStdio(ends[0]);
    writeEnd = aboveStdio(ends[1]);
    if (readEnd < 0 || writeEnd < 0 || ::fcntl(readEnd, F_SETFL, O_NONBLOCK) != 0) {
        const int error = errno;
        for (int fd : { readEnd, writeEnd })
            if (fd >= 0)
                ::close(fd);
        errno = error;
        return false;
    }
    return true;
}

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

} // namespace

ChildProcess::ChildProcess(QObject *parent)
    : QObject(parent)
    , m_exitNotifier(new QSocketNotifier(QSocketNotifier::Read, this))
{
    m_stdout.notifier = new QSocketNotifier(QSocketNotifier::Read, this);
    m_stderr.notifier = new QSocketNotifier(QSocketNotifier::Read, this);
    connect(m_exitNotifier, &QSocketNotifier::activated, this, &ChildProcess::onPidfdReady);
    connect(m_stdout.notifier, &QSocketNotifier::activated, this, [this] {
        if (readPipe(m_stdout, ReadPerWakeup))
            Q_EMIT readyReadStandardOutput();
    });
    connect(m_stderr.notifier, &QSocketNotifier::activated, this, [this] {
        if (readPipe(m_stderr, ReadPerWakeup))
            Q_EMIT readyReadStandardError();
    });
}

ChildProcess::~ChildProcess()
{
    if (m_pidfd >= 0) {
        sendSignal(SIGKILL);
        pollfd exit = { m_pidfd, POLLIN, 0 };
        if (::poll(&exit, 1, ReapAtDestructionMs) > 0)
            reap(false);
    }
    closeAll();
}

bool ChildProcess::start(ChildCommandPtr command)
{
    m_error.clear();
    if (!command) {
        m_error = QStringLiteral("cannot start: no command");
        return false;
    }
    if (m_pidfd >= 0) {
        m_error = QStringLiteral("cannot start %1: the previous run is still going").arg(command->program());
        return false;
    }
    m_command = std::move(command);
    m_stdout.buffer.clear();
    m_stderr.buffer.clear();
    m_exitCode = 0;
    m_exitStatus = ExitStatus::NormalExit;
    auto failure = [this](const char *what, int error) {
        m_error = QStringLiteral("cannot start %1: %2%3")
                      .arg(m_command->program(), QLatin1String(what), qt_error_string(error));
        closeAll();
        return false;
    };

    static thread_local SpawnStack stack;
    const int null = devNull();
    if (!stack.top())
        return failure("no memory for the child's stack: ", ENOMEM);
    if (null < 0)
        return failure("cannot open /dev/null: ", errno);
    SpawnState state;
    state.path = m_command->path();
    state.argv = m_command->argv();
    state.envp = m_command->envp();
    state.stdinFd = null;
    const ChildIdentity &identity = m_command->identity();
    state.changeIdentity = identity.change;
    state.uid = identity.uid;
    state.gid = identity.gid;
    state.groups = identity.groups.data();
    state.groupCount = identity.groups.size();
    if (!makePipe(m_stdout.fd, state.stdoutFd))
        return failure("cannot create a pipe: ", errno);
    if (!makePipe(m_stderr.fd, state.stderrFd)) {
        const int error = errno;
        closeFd(state.stdoutFd);
        return failure("cannot create a pipe: ", error);
    }

    // No handler of the agent may run in the child, on the agent's memory: everything blocked, glibc's own
    // signals too (hence the raw call), until the child has reset the dispositions.
    const unsigned long allSignals = ~0UL;
    unsigned long previousMask = 0;
    ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &allSignals, &previousMask, KernelSigsetBytes);
    int pidfd = -1;
    const pid_t pid = ::clone(spawnChild, stack.top(), CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, &state, &pidfd);
    const int cloneError = errno;
    ::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &previousMask, nullptr, KernelSigsetBytes);
    closeFd(state.stdoutFd);
    closeFd(state.stderrFd);

    if (pid < 0)
        return failure(
            cloneError == EINVAL ? "clone with a pidfd (Linux 5.4 or later needed): " : "clone: ", cloneError);
    m_pid = pid;
    m_pidfd = pidfd;
    if (state.failedStep != Step::None) {
        reap(true); // it exits with 127 right after telling us
        return failure(stepText(state.failedStep), state.error);
    }
    m_exitNotifier->setSocket(m_pidfd);
    m_exitNotifier->setEnabled(true);
    for (Pipe *pipe : { &m_stdout, &m_stderr }) {
        pipe->notifier->setSocket(pipe->fd);
        pipe->notifier->setEnabled(true);
    }
    return true;
}

QByteArray ChildProcess::readAll(Channel channel)
{
    return std::exchange(pipe(channel).buffer, QByteArray());
}

void ChildProcess::closeReadChannel(Channel channel)
{
    Pipe &closing = pipe(channel);
    closePipe(closing);
    closing.buffer.clear();
}

bool ChildProcess::sendSignal(int signal)
{
    return m_pidfd >= 0 && ::syscall(SYS_pidfd_send_signal, m_pidfd, signal, nullptr, 0) == 0;
}

bool ChildProcess::waitForFinished(int msecs)
{
    if (m_pidfd < 0)
        return false;
    QDeadlineTimer deadline(msecs < 0 ? QDeadlineTimer(QDeadlineTimer::Forever) : QDeadlineTimer(msecs));
    for (;;) {
        pollfd exit = { m_pidfd, POLLIN, 0 };
        const qint64 left = deadline.remainingTime();
        const int ready = ::poll(&exit, 1, left < 0 ? -1 : int(std::min<qint64>(left, INT_MAX)));
        if (ready > 0)
            break;
        if (ready == 0 || errno != EINTR)
            return false;
    }
    onPidfdReady();
    return true;
}

bool ChildProcess::readPipe(Pipe &from, qsizetype limit)
{
    bool got = false;
    char chunk[ReadChunk];
    for (qsizetype total = 0; from.fd >= 0 && total < limit;) {
        const ssize_t count = ::read(from.fd, chunk, sizeof chunk);
        if (count > 0) {
            from.buffer.append(chunk, count);
            total += count;
            got = true;
            if (count < ReadChunk)
                break; // that was all there is for now
        } else if (count < 0 && errno == EINTR) {
            continue;
        } else if (count < 0 && errno == EAGAIN) {
            break;
        } else {
            closePipe(from); // end of file (or an error: nothing more will come either way)
        }
    }
    return got;
}

void ChildProcess::closePipe(Pipe &pipe)
{
    if (pipe.fd < 0)
        return;
    pipe.notifier->setEnabled(false);
    closeFd(pipe.fd);
}

void ChildProcess::onPidfdReady()
{
    if (m_pidfd < 0 || !reap(false))
        return;
    // What it wrote before it exited; what a grandchild writes later is not waited for.
    readPipe(m_stdout, DrainAtExit);
    readPipe(m_stderr, DrainAtExit);
    closeAll();
    if (!m_stdout.buffer.isEmpty())
        Q_EMIT readyReadStandardOutput();
    if (!m_stderr.buffer.isEmpty())
        Q_EMIT readyReadStandardError();
    Q_EMIT finished(m_exitCode, m_exitStatus);
}

bool ChildProcess::reap(bool block)
{
    siginfo_t info = {};
    int result;
    do
        result = ::waitid(P_PIDFD, id_t(m_pidfd), &info, WEXITED | (block ? 0 : WNOHANG));
    while (result < 0 && errno == EINTR);
    if (result < 0) {
        // Not ours any more (someone reaped it by pid): its status is lost, the run is over all the same.
        m_error = QStringLiteral("the exit status of %1 (pid %2) was lost: %3")
                      .arg(program())
                      .arg(m_pid)
                      .arg(qt_error_string(errno));
        m_exitStatus = ExitStatus::CrashExit;
        m_exitCode = SIGKILL;
        m_exitNotifier->setEnabled(false);
        return true;
    }
    if (info.si_pid == 0)
        return false; // still running
    m_exitStatus = info.si_code == CLD_EXITED ? ExitStatus::NormalExit : ExitStatus::CrashExit;
    m_exitCode = info.si_status;
    m_exitNotifier->setEnabled(false);
    return true;
}

void ChildProcess::closeAll()
{
    closePipe(m_stdout);
    closePipe(m_stderr);
    if (m_pidfd >= 0) {
        m_exitNotifier->setEnabled(false);
        closeFd(m_pidfd);
    }
    m_pid = 0;
}

} // namespace Garnet

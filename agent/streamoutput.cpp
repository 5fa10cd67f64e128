// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "streamoutput.h"

#include "logging.h"

#include <QFile>
#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Garnet {

namespace {
constexpr std::size_t BatchBytes = 256 * 1024;
constexpr mode_t FileMode = 0640;

bool isPipeOrSocket(int fd)
{
    struct stat st;
    return ::fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode));
}
} // namespace

StreamOutput::StreamOutput(const OutputConfig &config, QObject *parent, int stdoutDescriptor)
    : Output(config, parent)
    , m_stdoutDescriptor(stdoutDescriptor)
    , m_retryTimer(new QTimer(this))
    , m_flushDeadlineTimer(new QTimer(this))
{
    m_retryTimer->setSingleShot(true);
    connect(m_retryTimer, &QTimer::timeout, this, &StreamOutput::writeQueued);
    m_flushDeadlineTimer->setSingleShot(true);
    connect(m_flushDeadlineTimer, &QTimer::timeout, this, [this] {
        if (!m_flushing)
            return;
        qCWarning(lcOutput).noquote() << name() << "flush deadline passed with" << counters().queued
                                      << "line(s) not written";
        m_flushing = false;
        finishFlushLater();
    });
}

StreamOutput::~StreamOutput()
{
    closeFile();
}

void StreamOutput::start()
{
    if (m_started)
        return;
    m_started = true;
    openSpool();
    if (isFile()) {
        openFile();
    } else {
        m_fd = m_stdoutDescriptor;
        m_smallWrites = isPipeOrSocket(m_fd);
        setConnected(true);
    }
    writeQueued();
}

void StreamOutput::flush(std::chrono::milliseconds deadline)
{
    if (m_flushing || isFlushReportQueued())
        return; // joins the running flush
    m_flushing = true;
    m_flushDeadlineTimer->start(deadline);
    writeQueued();
}

void StreamOutput::writeQueued()
{
    writeSome();
    finishFlushIfDone();
}

void StreamOutput::writeSome()
{
    if (!m_started || m_stopped)
        return;
    if (m_fd < 0) {
        if (!m_nextOpenAttempt.hasExpired()) {
            if (!m_retryTimer->isActive())
                m_retryTimer->start(std::max<qint64>(1, m_nextOpenAttempt.remainingTime()));
            return;
        }
        if (!openFile())
            return;
    }
    for (;;) {
        if (m_batchLines == 0) {
            m_batch.clear();
            m_batchOffset = 0;
            m_batchLines = takeBatch(m_batch, BatchBytes);
            if (m_batchLines == 0)
                return;
        }
        std::size_t length = m_batch.size() - m_batchOffset;
        if (m_smallWrites) {
            // A blocking pipe or socket: POLLOUT guarantees room for PIPE_BUF bytes, so this write cannot stall.
            pollfd ready { m_fd, POLLOUT, 0 };
            const int polled = ::poll(&ready, 1, 0);
            if (polled == 0) {
                waitWritable();
                return;
            }
            length = std::min<std::size_t>(length, PIPE_BUF);
        }
        const ssize_t written = ::write(m_fd, m_batch.data() + m_batchOffset, length);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                waitWritable();
                return;
            }
            failed(errno, "write");
            return;
        }
        recovered();
        m_batchOffset += std::size_t(written);
        if (m_batchOffset == m_batch.size()) {
            markSent(m_batchLines);
            m_batchLines = 0;
        }
    }
}

bool StreamOutput::openFile()
{
    m_nextOpenAttempt.setRemainingTime(RetryInterval);
    const QByteArray path = QFile::encodeName(config().path);
    int fd = -1;
    for (int attempt = 0; attempt < 3 && fd < 0; ++attempt) {
        fd = ::open(path.constData(), O_WRONLY | O_APPEND | O_CLOEXEC);
        if (fd >= 0 || errno != ENOENT)
            break;
        // Create it ourselves so the mode is exactly 0640 whatever the umask (O_EXCL: the file is ours).
        fd = ::open(path.constData(), O_WRONLY | O_APPEND | O_CLOEXEC | O_CREAT | O_EXCL, FileMode);
        if (fd >= 0)
            ::fchmod(fd, FileMode);
        else if (errno != EEXIST)
            break;
    }
    if (fd < 0) {
        failed(errno, "open");
        return false;
    }
    m_fd = fd;
    m_smallWrites = isPipeOrSocket(fd);
    recovered();
    setConnected(true);
    return true;
}

void StreamOutput::closeFile()
{
    delete m_writable;
    m_writable = nullptr;
    if (isFile() && m_fd >= 0)
        ::close(m_fd);
    if (isFile())
        m_fd = -1;
}

void StreamOutput::failed(int error, const char *operation)
{
    if (!m_failing) {
        const QString target = isFile() ? config().path : QStringLiteral("standard output");
        qCWarning(lcOutput).noquote() << name()
                                      << QStringLiteral(
                                             "cannot %1 %2: %3; retrying every %4 s, up to %5 line(s) are queued")
                                             .arg(QLatin1String(operation), target,
                                                 QString::fromLocal8Bit(std::strerror(error)))
                                             .arg(RetryInterval.count() / 1000.0)
                                             .arg(config().queueSize);
        m_failing = true;
    }
    if (isFile())
        closeFile();
    setConnected(false);
    m_retryTimer->start(RetryInterval);
    finishFlushIfDone();
}

void StreamOutput::recovered()
{
    if (!m_failing)
        return;
    m_failing = false;
    qCInfo(lcOutput).noquote() << name() << "writing again";
    setConnected(true);
}

void StreamOutput::waitWritable()
{
    if (!m_writable) {
        m_writable = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
        connect(m_writable, &QSocketNotifier::activated, this, [this] {
            m_writable->setEnabled(false);
            writeQueued();
        });
    }
    m_writable->setEnabled(true);
}

void StreamOutput::stopForHandover()
{
    m_stopped = true;
    m_retryTimer->stop();
    if (m_writable)
        m_writable->setEnabled(false);
    if (m_batchLines > 0) {
        // A line already partly written counts as sent; the lines not yet started go back to the queue.
        std::size_t restStart = 0;
        if (m_batchOffset > 0)
            restStart = m_batch.find('\n', m_batchOffset - 1) + 1;
        const std::string_view rest = std::string_view(m_batch).substr(restStart);
        const qint64 restLines = std::count(rest.begin(), rest.end(), '\n');
        markSent(m_batchLines - restLines);
        returnToQueue(rest, restLines);
        m_batchLines = 0;
        m_batch.clear();
        m_batchOffset = 0;
    }
    closeFile();
}

void StreamOutput::finishFlushIfDone()
{
    if (!m_flushing)
        return;
    const bool done = queue().isEmpty() && m_batchLines == 0;
    const bool cannotWrite = m_fd < 0 || m_failing || m_stopped || !m_started;
    if (!done && !cannotWrite)
        return;
    if (done && isFile() && m_fd >= 0)
        ::fdatasync(m_fd); // the agent is about to exit: make the file durable
    m_flushing = false;
    m_flushDeadlineTimer->stop();
    finishFlushLater();
}

} // namespace Garnet

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "output.h"

#include <QDeadlineTimer>

#include <string>

class QSocketNotifier;
class QTimer;

namespace Garnet {

/**
 * Writes formatted lines to standard output ("stdout") or appends them to a file ("file").
 *
 * stdout is always "connected". Writes go straight to the descriptor; when it is a pipe or socket, each
 * write is at most PIPE_BUF bytes and only when poll() says it is writable, so a stalled reader queues
 * (and eventually drops the oldest) instead of blocking the agent; EAGAIN on a non-blocking descriptor
 * waits for writability the same way.
 *
 * file: opened with O_APPEND|O_CLOEXEC, created with mode 0640 whatever the umask; its directory must
 * exist. Connected while open. A failed open or write closes the file and retries on the next write
 * (and at least every RetryInterval), logging once per state change.
 */
class StreamOutput : public Output
{
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds RetryInterval { 1000 };

    /** stdoutDescriptor: where "stdout" writes (tests pass a pipe); never closed. */
    explicit StreamOutput(const OutputConfig &config, QObject *parent = nullptr, int stdoutDescriptor = 1);
    ~StreamOutput() override;

    void start() override;
    void flush(std::chrono::milliseconds deadline) override;

protected:
    void writeQueued() override;
    void stopForHandover() override;

private:
    bool isFile() const { return config().type == OutputType::File; }
    void writeSome();
    bool openFile();
    void closeFile();
    void failed(int error, const char *operation);
    void recovered();
    void waitWritable();
    void finishFlushIfDone();

    int m_stdoutDescriptor;
    int m_fd = -1;
    bool m_started = false;
    bool m_stopped = false;
    bool m_smallWrites = false; ///< pipe or socket: write only what cannot block
    bool m_failing = false; ///< last open/write failed (logged once per state change)
    std::string m_batch; ///< lines taken from the queue, written from m_batchOffset on
    std::size_t m_batchOffset = 0;
    qint64 m_batchLines = 0;
    QSocketNotifier *m_writable = nullptr;
    QTimer *m_retryTimer;
    QTimer *m_flushDeadlineTimer;
    QDeadlineTimer m_nextOpenAttempt;
    bool m_flushing = false;
};

} // namespace Garnet

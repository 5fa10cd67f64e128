// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "output.h"
#include "tcpstream.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>

#include <deque>
#include <string>
#include <vector>

class QTimer;

namespace Garnet {

/**
 * Graphite plaintext over TCP to config().host:port.
 *
 * Connects on start(); after a failed attempt or a lost connection it retries with capped exponential
 * backoff (100 ms doubling to 30 s, ±20 % jitter), logging once per state change, not per attempt.
 *
 * Writing: batches of whole lines (up to BatchBytes) are taken from the queue and written while the
 * stream's own buffer holds less than MaxBufferedBytes; more follows on bytesWritten. A batch counts as
 * sent once the stream has handed all of it to the kernel.
 *
 * Replay (plaintext has no acknowledgements): every batch handed to the kernel is kept in a history for
 * config().replayWindow, and longer while the kernel still holds unacknowledged bytes (SIOCOUTQ), bounded
 * by MaxReplayBytes. After an UNEXPECTED disconnect that history is resent first on the next connection
 * (counted as replayed: duplicates, outside the invariant), and batches the stream had not yet handed to
 * the kernel go back to the front of the queue (they were never sent). Graphite overwrites a point with the
 * same name and timestamp, so duplicates are harmless; gaps are not.
 */
class GraphiteOutput : public Output
{
    Q_OBJECT
public:
    static constexpr std::size_t BatchBytes = 256 * 1024;
    static constexpr qint64 MaxBufferedBytes = 1024 * 1024;
    static constexpr std::size_t MaxReplayBytes = 32 * 1024 * 1024;
    static constexpr std::chrono::milliseconds InitialBackoff { 100 };
    static constexpr std::chrono::milliseconds MaxBackoff { 30000 };
    static constexpr std::chrono::milliseconds ConnectTimeout { 10000 };
    static constexpr std::chrono::milliseconds DefaultStallTimeout { 30000 };

    explicit GraphiteOutput(const OutputConfig &config, QObject *parent = nullptr);
    ~GraphiteOutput() override;

    void start() override;
    void flush(std::chrono::milliseconds deadline) override;

    /** Bytes waiting to be replayed on the next connection (for status and tests). */
    std::size_t pendingReplayBytes() const { return m_replay.size() - m_replayOffset; }
    /**
     * A connection whose pending data makes no progress for this long is treated as dead (a stalled or
     * half-open peer): it is aborted, replayed and reconnected.
     */
    void setStallTimeout(std::chrono::milliseconds timeout);

protected:
    void writeQueued() override;
    void stopForHandover() override;
    std::string takeReplay() override;
    void adoptReplay(std::string &&replay) override;

private:
    struct Batch
    {
        std::string data;
        qint64 lines = 0;
        bool replay = false; ///< taken from the replay buffer, not the queue
        qint64 sentAtMs = 0; ///< monotonic time it reached the kernel
    };

    void connectNow();
    void onConnected();
    void onStateChanged(TcpStream::State state);
    void onBytesWritten(qint64 bytes);
    void writeNow();
    void connectionEnded();
    void scheduleReconnect();
    bool takeReplayBatch(Batch &batch);
    void trimHistory();
    void checkFlushDone();
    void finishFlush();
    qint64 kernelUnsentBytes() const;
    std::string newBuffer();
    void recycle(std::string &&buffer);

    TcpStream *m_socket;
    QTimer *m_reconnectTimer;
    QTimer *m_connectTimeout;
    QTimer *m_flushPoll;
    QTimer *m_stallTimer; ///< runs while data is pending, restarted on every bit of progress
    QElapsedTimer m_clock; ///< monotonic time base for the history
    QElapsedTimer m_connectedFor;
    std::chrono::milliseconds m_backoff = InitialBackoff;

    std::deque<Batch> m_history; ///< in the kernel already, kept for replay
    std::size_t m_historyBytes = 0;
    std::deque<Batch> m_inFlight; ///< written to the socket, not yet all handed to the kernel
    qint64 m_inFlightWritten = 0; ///< bytes of m_inFlight.front() already handed to the kernel
    qint64 m_lastUnacked = 0; ///< kernel send queue (unsent + unacknowledged) at the last trim
    std::string m_replay; ///< to resend first on the next connection
    std::size_t m_replayOffset = 0;
    std::vector<std::string> m_spareBuffers;

    bool m_started = false;
    bool m_stopped = false;
    bool m_connectionUp = false; ///< a connection is established (isConnected() follows it)
    bool m_writeScheduled = false;
    bool m_closingOnPurpose = false;
    bool m_everConnected = false;
    bool m_failing = false; ///< attempts are failing (logged once)
    int m_failedAttempts = 0;
    QString m_lastError;
    bool m_flushing = false;
    QDeadlineTimer m_flushDeadline;
};

} // namespace Garnet

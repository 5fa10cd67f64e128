// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "common/config.h"
#include "outputqueue.h"

#include <QObject>

#include <chrono>
#include <memory>
#include <string_view>

namespace Garnet {

/** Per-output delivery counters. Invariant: received == sent + dropped + queued. */
struct OutputCounters
{
    qint64 received = 0; ///< lines handed to this output
    qint64 sent = 0; ///< lines written to the destination (first time)
    qint64 dropped = 0; ///< oldest lines dropped because the queue was full
    qint64 queued = 0; ///< lines waiting
    qint64 replayed = 0; ///< lines resent after an unexpected disconnect (duplicates, not in the invariant)
    qint64 reconnects = 0;
    bool connected = false;
};

/**
 * One destination (graphite, stdout, file). Owns a bounded OutputQueue; enqueue() never blocks.
 * Subclasses implement the transport and call writeFromQueue() style helpers.
 */
class Output : public QObject
{
    Q_OBJECT
public:
    explicit Output(const OutputConfig &config, QObject *parent = nullptr);
    ~Output() override;

    /** Factory for the configured type. */
    static std::unique_ptr<Output> create(const OutputConfig &config, QObject *parent = nullptr);

    const OutputConfig &config() const { return m_config; }
    /** A stable human name such as "graphite:127.0.0.1:2003", "stdout", "file:/var/log/x". */
    QString name() const;

    /** Queue lineCount complete lines (formatted in config().format) and start writing if idle. */
    void enqueue(std::string_view lines, qint64 lineCount);

    /** Connected (or always-writable) and its queue is at capacity: the agent should apply backpressure. */
    bool isSaturated() const { return isConnected() && m_queue.isFull(); }
    virtual bool isConnected() const = 0;
    OutputCounters counters() const;

    /** Begin delivering (connect, open file...). */
    virtual void start() = 0;
    /** Write out what is queued, giving up after `deadline`; emits flushFinished() either way. */
    virtual void flush(std::chrono::milliseconds deadline) = 0;

    /** Take over the queue of an output this one replaces on reload (same format). */
    void adoptQueue(Output &previous);

Q_SIGNALS:
    void saturationChanged(bool saturated); ///< for the agent's backpressure
    void connectedChanged(bool connected);
    void flushFinished();

protected:
    /** Called after enqueue() or when the transport can take more: subclasses write from queue(). */
    virtual void writeQueued() = 0;
    OutputQueue &queue() { return m_queue; }
    /** Subclasses report progress so counters and signals stay correct. */
    void markSent(qint64 lines);
    void markReplayed(qint64 lines);
    void markReconnect();
    void noteSaturation(); ///< emits saturationChanged on transitions

    OutputCounters m_counters;

private:
    OutputConfig m_config;
    OutputQueue m_queue;
    bool m_lastSaturated = false;
};

} // namespace Garnet

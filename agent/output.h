// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "common/config.h"
#include "outputqueue.h"

#include <QObject>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

namespace Garnet {

class Spool;

/** Per-output delivery counters. Invariant: received == sent + dropped + queued. */
struct OutputCounters
{
    qint64 received = 0; ///< lines handed to this output
    qint64 sent = 0; ///< lines written to the destination (first time)
    qint64 dropped = 0; ///< oldest lines dropped because the queue was full
    qint64 queued
        = 0; ///< lines waiting (spooled ones too), including lines taken for a write that has not completed yet
    qint64 spooled = 0; ///< of queued: lines in the disk spool
    qint64 recovered = 0; ///< of received: lines found in the spool at start, left by a previous run
    qint64 replayed = 0; ///< lines resent after an unexpected disconnect (duplicates, not in the invariant)
    qint64 reconnects = 0; ///< connections established after the first one
    bool connected = false;
};

/**
 * One destination (graphite, stdout, file). Owns a bounded OutputQueue; enqueue() never blocks.
 * Subclasses implement the transport: they take batches of whole lines from the queue (takeBatch), and
 * report each batch as sent once the destination has it (markSent) or hand it back (returnToQueue).
 * Lines between takeBatch and markSent are "in flight" and still count as queued, so the invariant
 * received == sent + dropped + queued holds at every moment.
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

    /**
     * Connected (or always-writable) and its queue is full (and its spool, if any, nearly full): the agent
     * should apply backpressure. A disconnected output never is: it drops its oldest lines instead.
     */
    bool isSaturated() const;
    bool isConnected() const { return m_connected; }
    OutputCounters counters() const;
    /** The disk spool (spool_dir), or nullptr when none is configured or it could not be opened. */
    const Spool *spool() const { return m_spool.get(); }
    /** Why the configured spool could not be opened (empty when fine or none configured). */
    QString spoolError() const { return m_spoolError; }

    /** Begin delivering (connect, open file...). */
    virtual void start() = 0;
    /**
     * Write out what is queued, giving up after `deadline`; emits flushFinished() exactly once, always from
     * the event loop (never inside this call). An output that cannot write (disconnected) finishes at once
     * and its lines stay counted as queued. A flush requested while one is running (or before its
     * flushFinished() was emitted) joins it: one flushFinished() answers both.
     */
    virtual void flush(std::chrono::milliseconds deadline) = 0;

    /**
     * Take over the queue of an output this one replaces on reload (same format). `previous` stops
     * writing; its queued lines (in-flight ones included) move here, oldest first, in front of anything
     * queued here already. The lines carry their accounting with them: they leave `previous`'s received and
     * queued (its invariant still holds, with queued == 0) and count as received here; lines that do not
     * fit this output's capacity count as dropped here. sent/dropped history stays with `previous`.
     * Lines waiting to be replayed move too when both outputs write to the same destination.
     */
    void adoptQueue(Output &previous);

    /**
     * Lines still in the memory queue go to the front of the spool (they are older than what it holds), so
     * that the next start sends them. Called on destruction (shutdown, output removed by a reload); without
     * a spool it does nothing.
     */
    void persistQueue();

Q_SIGNALS:
    void saturationChanged(bool saturated); ///< for the agent's backpressure
    void connectedChanged(bool connected);
    void flushFinished();

protected:
    /** Called after enqueue() or when the transport can take more: subclasses write from the queue. */
    virtual void writeQueued() = 0;
    /** Before adoptQueue() empties this output: stop writing, return in-flight lines via returnToQueue(). */
    virtual void stopForHandover() { }
    /**
     * Hand-over of lines already sent but due for a resend (see GraphiteOutput): the replacement takes
     * them when it writes to the same destination. Duplicates: outside the counters' invariant.
     */
    virtual std::string takeReplay() { return {}; }
    virtual void adoptReplay(std::string &&) { }

    const OutputQueue &queue() const { return m_queue; }
    /** Open the configured spool (subclasses call this first in start()); false and spoolError() on failure. */
    bool openSpool();
    /** Append up to maxBytes of whole lines (at least one line) from the queue to `into`; returns lines taken. */
    qint64 takeBatch(std::string &into, std::size_t maxBytes);
    /** In-flight lines reached the destination. */
    void markSent(qint64 lines);
    /** In-flight lines could not be written: they go back to the front of the queue (may drop the oldest). */
    void returnToQueue(std::string_view lines, qint64 lineCount);
    void markReplayed(qint64 lines);
    void markReconnect();
    void setConnected(bool connected); ///< emits connectedChanged (and saturationChanged) on transitions
    void noteSaturation(); ///< emits saturationChanged on transitions
    /** Emit flushFinished() from the event loop (once, however often this is called before it runs). */
    void finishFlushLater();
    bool isFlushReportQueued() const { return m_flushReportQueued; }

private:
    void countDropped(qint64 lines);
    void refillFromSpool();

    OutputConfig m_config;
    OutputQueue m_queue;
    std::unique_ptr<Spool> m_spool;
    QString m_spoolError;
    std::string m_spoolScratch; ///< lines on their way from the spool to the memory queue
    OutputCounters m_counters; ///< queued and connected are derived in counters()
    qint64 m_inFlight = 0;
    bool m_connected = false;
    bool m_lastSaturated = false;
    bool m_flushReportQueued = false;
    qint64 m_dropsSinceLog = 0;
    qint64 m_lastDropLogMs = 0;
};

} // namespace Garnet

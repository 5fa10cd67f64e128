// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "common/formatter.h"
#include "linesink.h"

#include <QObject>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace Garnet {

class Output;

/** Sees every accepted metric (the D-Bus status keeps recent values). Called on the hot path: must be cheap. */
class ValueObserver
{
public:
    virtual ~ValueObserver() = default;
    /** metric: views into the line being parsed; timestamp: the one sent (Unix seconds). */
    virtual void observeValue(std::string_view collector, const ParsedMetric &metric, qint64 timestamp) = 0;
};

struct PipelineCounters
{
    qint64 received = 0; ///< every line seen, valid or not
    qint64 accepted = 0; ///< parsed and handed to the outputs
    qint64 rejected = 0;
    qint64 unattributed = 0; ///< accepted lines from writers no collector run claims
    std::array<qint64, std::size_t(RejectReason::Count)> rejectedBy {};
};

/**
 * The hot path between readers and outputs: parses framed lines, counts rejects by reason, formats each
 * accepted metric once per output format and enqueues the formatted block on every output.
 * Also decides backpressure: congested while every connected output is saturated.
 */
class Pipeline : public QObject, public LineSink
{
    Q_OBJECT
public:
    explicit Pipeline(const QByteArray &host, QObject *parent = nullptr);

    void setHost(const QByteArray &host) { m_host = host; }
    /** The outputs to feed (not owned). Replaces the previous set. */
    void setOutputs(const std::vector<Output *> &outputs);
    const std::vector<Output *> &outputs() const { return m_outputs; }

    void ingestLines(const RunContext &run, std::string_view lines) override;
    void rejectLine(const RunContext &run, RejectReason reason) override;
    bool isCongested() const override { return m_congested; }

    /** Feed one metric the agent produced itself (self-metrics). name is relative to run.pathPrefix. */
    void ingestMetric(const RunContext &run, std::string_view name, double value, qint64 timestamp);

    const PipelineCounters &counters() const { return m_counters; }
    /** Also hand every accepted metric to observer (not owned; nullptr to stop). */
    void setValueObserver(ValueObserver *observer) { m_valueObserver = observer; }

Q_SIGNALS:
    void congestionChanged(bool congested);
    /** A line was rejected; throttled logging happens here, the signal is for status consumers. */
    void lineRejected(const QByteArray &collector, Garnet::RejectReason reason);

private:
    void acceptMetric(const RunContext &run, const ParsedMetric &metric, qint64 defaultTimestamp);
    void flushFormatted();
    void updateCongestion();
    void logReject(const RunContext &run, RejectReason reason, std::string_view line);

    /** Formatted text of one format, not yet enqueued. A plain array: std::string would zero-fill on resize. */
    struct FormatBuffer
    {
        OutputFormat format;
        std::vector<Output *> outputs;
        std::unique_ptr<char[]> data;
        std::size_t size = 0;
        std::size_t capacity = 0;
        std::string_view text() const { return { data.get(), size }; }
        /** Room for `bytes` more at data + size. */
        void reserveMore(std::size_t bytes);
    };
    QByteArray m_host;
    std::vector<Output *> m_outputs;
    std::vector<FormatBuffer> m_buffers; ///< one per distinct format among the outputs
    qint64 m_pendingLines = 0; ///< formatted into m_buffers, not yet enqueued
    PipelineCounters m_counters;
    ValueObserver *m_valueObserver = nullptr;
    bool m_congested = false;
    qint64 m_lastRejectLogMs = 0;
    qint64 m_rejectsSinceLog = 0;
};

} // namespace Garnet

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "pipeline.h"

#include "logging.h"
#include "output.h"

#include <QDateTime>

#include <algorithm>

namespace Garnet {

namespace {
constexpr qint64 RejectLogIntervalMs = 10000; // at most one reject message per 10 s (plus a count)
constexpr std::size_t FlushThresholdBytes = 256 * 1024; // enqueue formatted text in blocks of about this size
constexpr std::size_t InitialSlackBytes = 64 * 1024; // past the threshold: the line that crosses it, usually

std::string_view view(const QByteArray &bytes)
{
    return { bytes.constData(), std::size_t(bytes.size()) };
}
} // namespace

Pipeline::Pipeline(const QByteArray &host, QObject *parent)
    : QObject(parent)
    , m_host(host)
{ }

void Pipeline::setOutputs(const std::vector<Output *> &outputs)
{
    for (Output *old : m_outputs)
        disconnect(old, nullptr, this, nullptr);
    m_outputs = outputs;
    m_buffers.clear();
    for (Output *output : m_outputs) {
        const OutputFormat format = output->config().format;
        auto it = std::find_if(
            m_buffers.begin(), m_buffers.end(), [&](const FormatBuffer &b) { return b.format == format; });
        if (it == m_buffers.end()) {
            m_buffers.push_back({ format, {}, {}, 0, 0 });
            it = std::prev(m_buffers.end());
            it->reserveMore(FlushThresholdBytes + InitialSlackBytes);
        }
        it->outputs.push_back(output);
        connect(output, &Output::saturationChanged, this, &Pipeline::updateCongestion);
        connect(output, &Output::connectedChanged, this, &Pipeline::updateCongestion);
    }
    updateCongestion();
}

void Pipeline::ingestLines(const RunContext &run, std::string_view lines)
{
    const qint64 defaultTimestamp = run.tickTime > 0 ? run.tickTime : QDateTime::currentSecsSinceEpoch();
    ParsedMetric metric;
    while (!lines.empty()) {
        const auto nl = lines.find('\n');
        const std::string_view line = lines.substr(0, nl);
        lines.remove_prefix(nl == std::string_view::npos ? lines.size() : nl + 1);
        ++m_counters.received;
        const RejectReason reason = parseMetricLine(line, metric);
        if (reason == RejectReason::None)
            acceptMetric(run, metric, defaultTimestamp);
        else
            logReject(run, reason, line);
    }
    flushFormatted();
}

void Pipeline::rejectLine(const RunContext &run, RejectReason reason)
{
    ++m_counters.received;
    logReject(run, reason, {});
}

void Pipeline::ingestMetric(const RunContext &run, std::string_view name, double value, qint64 timestamp)
{
    ++m_counters.received;
    ParsedMetric metric;
    metric.name = name;
    metric.value = value;
    metric.timestamp = timestamp;
    acceptMetric(run, metric, timestamp);
    flushFormatted();
}

void Pipeline::acceptMetric(const RunContext &run, const ParsedMetric &metric, qint64 defaultTimestamp)
{
    ++m_counters.accepted;
    if (!run.attributed)
        ++m_counters.unattributed;
    const MetricOrigin origin { view(run.pathPrefix), view(run.collector), view(m_host) };
    const qint64 timestamp = metric.timestamp.value_or(defaultTimestamp);
    const std::size_t bound = formattedMetricBound(origin, metric);
    for (FormatBuffer &buffer : m_buffers) {
        buffer.reserveMore(bound);
        char *const end = formatMetric(buffer.data.get() + buffer.size, buffer.format, origin, metric, timestamp);
        buffer.size = std::size_t(end - buffer.data.get());
    }
    ++m_pendingLines;
    if (m_valueObserver)
        m_valueObserver->observeValue(view(run.collector), metric, timestamp);
    if (!m_buffers.empty() && m_buffers.front().size >= FlushThresholdBytes)
        flushFormatted();
}

void Pipeline::flushFormatted()
{
    if (m_pendingLines == 0)
        return;
    for (FormatBuffer &buffer : m_buffers) {
        for (Output *output : buffer.outputs)
            output->enqueue(buffer.text(), m_pendingLines);
        buffer.size = 0; // keeps its storage: no allocation on the next block
    }
    m_pendingLines = 0;
}

void Pipeline::FormatBuffer::reserveMore(std::size_t bytes)
{
    if (size + bytes <= capacity)
        return;
    // Only a line much longer than usual gets here after the first block.
    const std::size_t grown = std::max(size + bytes, 2 * capacity);
    std::unique_ptr<char[]> larger(new char[grown]);
    std::copy(data.get(), data.get() + size, larger.get());
    data = std::move(larger);
    capacity = grown;
}

void Pipeline::logReject(const RunContext &run, RejectReason reason, std::string_view line)
{
    ++m_counters.rejected;
    ++m_counters.rejectedBy[std::size_t(reason)];
    ++m_rejectsSinceLog;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_lastRejectLogMs >= RejectLogIntervalMs) {
        // Show the line safely: collectors may send binary garbage.
        QByteArray shown(line.substr(0, 200).data(), qsizetype(std::min<std::size_t>(line.size(), 200)));
        for (char &c : shown)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
                c = '?';
        qCWarning(lcPipeline).noquote() << "rejected" << m_rejectsSinceLog << "line(s) in the last"
                                        << (m_lastRejectLogMs ? (now - m_lastRejectLogMs) / 1000 : 0)
                                        << "s; latest from" << QString::fromUtf8(run.collector) << "reason"
                                        << QString::fromLatin1(rejectReasonName(reason))
                                        << "line:" << QString::fromLatin1(shown);
        m_lastRejectLogMs = now;
        m_rejectsSinceLog = 0;
    }
    Q_EMIT lineRejected(run.collector, reason);
}

void Pipeline::updateCongestion()
{
    bool anyConnected = false;
    bool allConnectedSaturated = true;
    for (const Output *output : m_outputs) {
        if (!output->isConnected())
            continue; // a dead destination drops its oldest lines; it never stalls the writers
        anyConnected = true;
        allConnectedSaturated = allConnectedSaturated && output->isSaturated();
    }
    const bool congested = anyConnected && allConnectedSaturated;
    if (congested != m_congested) {
        m_congested = congested;
        qCDebug(lcPipeline) << "congestion" << congested;
        Q_EMIT congestionChanged(congested);
    }
}

} // namespace Garnet

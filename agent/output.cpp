// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "output.h"

#include "graphiteoutput.h"
#include "logging.h"
#include "streamoutput.h"

#include <QDateTime>

#include <algorithm>

namespace Garnet {

namespace {
constexpr qint64 DropLogIntervalMs = 10000; // at most one overflow warning per output per 10 s
} // namespace

Output::Output(const OutputConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_queue(config.queueSize)
{ }

Output::~Output() = default;

std::unique_ptr<Output> Output::create(const OutputConfig &config, QObject *parent)
{
    switch (config.type) {
    case OutputType::Graphite:
        return std::make_unique<GraphiteOutput>(config, parent);
    case OutputType::Stdout:
    case OutputType::File:
        break;
    }
    return std::make_unique<StreamOutput>(config, parent);
}

QString Output::name() const
{
    switch (m_config.type) {
    case OutputType::Graphite:
        return QStringLiteral("graphite:")
            + (m_config.address.isEmpty() ? m_config.host + u':' + QString::number(m_config.port) : m_config.address);
    case OutputType::File:
        return QStringLiteral("file:") + m_config.path;
    case OutputType::Stdout:
        break;
    }
    return QStringLiteral("stdout");
}

void Output::enqueue(std::string_view lines, qint64 lineCount)
{
    if (lineCount <= 0)
        return;
    m_counters.received += lineCount;
    countDropped(m_queue.push(lines, lineCount));
    noteSaturation();
    writeQueued();
}

OutputCounters Output::counters() const
{
    OutputCounters counters = m_counters;
    counters.queued = m_queue.size() + m_inFlight;
    counters.connected = m_connected;
    return counters;
}

void Output::adoptQueue(Output &previous)
{
    previous.stopForHandover();
    std::string lines;
    lines.reserve(previous.m_queue.bytes());
    while (!previous.m_queue.isEmpty()) {
        const std::string_view block = previous.m_queue.peek(OutputQueue::ChunkBytes);
        lines.append(block);
        previous.m_queue.consume(block.size());
    }
    const qint64 count = std::count(lines.begin(), lines.end(), '\n');
    previous.m_counters.received -= count;
    previous.noteSaturation();
    m_counters.received += count;
    countDropped(m_queue.pushFront(lines, count));
    if (m_config.type == previous.m_config.type && m_config.host == previous.m_config.host
        && m_config.port == previous.m_config.port && m_config.path == previous.m_config.path)
        adoptReplay(previous.takeReplay());
    qCInfo(lcOutput).noquote() << name() << "took over" << count << "queued line(s) from" << previous.name();
    noteSaturation();
    writeQueued();
}

qint64 Output::takeBatch(std::string &into, std::size_t maxBytes)
{
    const std::string_view block = m_queue.peek(maxBytes);
    if (block.empty())
        return 0;
    into.append(block);
    const qint64 lines = m_queue.consume(block.size());
    m_inFlight += lines;
    noteSaturation();
    return lines;
}

void Output::markSent(qint64 lines)
{
    m_inFlight -= lines;
    m_counters.sent += lines;
}

void Output::returnToQueue(std::string_view lines, qint64 lineCount)
{
    m_inFlight -= lineCount;
    countDropped(m_queue.pushFront(lines, lineCount));
    noteSaturation();
}

void Output::markReplayed(qint64 lines)
{
    m_counters.replayed += lines;
}

void Output::markReconnect()
{
    ++m_counters.reconnects;
}

void Output::setConnected(bool connected)
{
    if (connected == m_connected)
        return;
    m_connected = connected;
    Q_EMIT connectedChanged(connected);
    noteSaturation();
}

void Output::noteSaturation()
{
    const bool saturated = isSaturated();
    if (saturated == m_lastSaturated)
        return;
    m_lastSaturated = saturated;
    Q_EMIT saturationChanged(saturated);
}

void Output::finishFlushLater()
{
    if (m_flushReportQueued)
        return;
    m_flushReportQueued = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_flushReportQueued = false;
            Q_EMIT flushFinished();
        },
        Qt::QueuedConnection);
}

void Output::countDropped(qint64 lines)
{
    if (lines <= 0)
        return;
    m_counters.dropped += lines;
    m_dropsSinceLog += lines;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_lastDropLogMs >= DropLogIntervalMs) {
        qCWarning(lcOutput).noquote() << name()
                                      << QStringLiteral(
                                             "queue full (%1 lines): dropped the oldest %2 line(s), %3 in total")
                                             .arg(m_queue.capacity())
                                             .arg(m_dropsSinceLog)
                                             .arg(m_counters.dropped);
        m_lastDropLogMs = now;
        m_dropsSinceLog = 0;
    }
}

} // namespace Garnet

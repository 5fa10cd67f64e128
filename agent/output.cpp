// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "output.h"

#include "graphiteoutput.h"
#include "logging.h"
#include "spool.h"
#include "streamoutput.h"

#include <QDateTime>
#include <QDir>

#include <algorithm>

namespace Garnet {

namespace {
constexpr qint64 DropLogIntervalMs = 10000; // at most one overflow warning per output per 10 s
constexpr std::size_t RefillBytes = 4 * 1024 * 1024; // read from the spool in steps of about this much

/** Offset just past the n-th '\n' of data (n >= 1); data.size() if it has fewer. */
std::size_t afterNthNewline(std::string_view data, qint64 n)
{
    std::size_t pos = 0;
    while (n-- > 0 && pos < data.size()) {
        const auto nl = data.find('\n', pos);
        if (nl == std::string_view::npos)
            return data.size();
        pos = nl + 1;
    }
    return pos;
}
} // namespace

Output::Output(const OutputConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_queue(config.queueSize)
{ }

Output::~Output()
{
    persistQueue();
}

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
    // With a spool, lines join it once memory is full, and keep joining it while it holds any (order).
    if (m_spool && (!m_spool->isEmpty() || m_queue.size() + lineCount > m_queue.capacity()))
        countDropped(m_spool->append(lines, lineCount));
    else
        countDropped(m_queue.push(lines, lineCount));
    noteSaturation();
    writeQueued();
}

bool Output::isSaturated() const
{
    return isConnected() && m_queue.isFull() && (!m_spool || m_spool->isNearlyFull());
}

OutputCounters Output::counters() const
{
    OutputCounters counters = m_counters;
    counters.spooled = m_spool ? m_spool->lines() : 0;
    counters.queued = m_queue.size() + m_inFlight + counters.spooled;
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
    // The same spool directory: the spool itself moves (it is locked; its lines stay behind the memory queue).
    if (previous.m_spool && !m_spool && !m_config.spoolDir.isEmpty()
        && previous.m_spool->directory() == QDir::cleanPath(m_config.spoolDir)) {
        const qint64 spooled = previous.m_spool->lines();
        previous.m_counters.received -= spooled;
        m_counters.received += spooled;
        m_spool = std::move(previous.m_spool);
    }
    if (m_config.type == previous.m_config.type && m_config.host == previous.m_config.host
        && m_config.port == previous.m_config.port && m_config.path == previous.m_config.path)
        adoptReplay(previous.takeReplay());
    qCInfo(lcOutput).noquote() << name() << "took over" << count << "queued line(s) from" << previous.name();
    noteSaturation();
    writeQueued();
}

bool Output::openSpool()
{
    if (m_config.spoolDir.isEmpty() || m_spool)
        return true; // none configured, or taken over from the output this one replaced
    auto spool = std::make_unique<Spool>(m_config.spoolDir, m_config.spoolMaxBytes);
    QString error;
    if (!spool->open(&error)) {
        m_spoolError = error;
        qCCritical(lcOutput).noquote() << name() << error << "- running without a spool";
        return false;
    }
    m_spoolError.clear();
    // Lines a previous run left are this output's now: received (and recovered), queued until sent.
    m_counters.received += spool->counters().recovered;
    m_counters.recovered += spool->counters().recovered;
    m_spool = std::move(spool);
    noteSaturation();
    return true;
}

void Output::refillFromSpool()
{
    const qint64 room = m_queue.capacity() - m_queue.size();
    if (room <= 0)
        return;
    qint64 lost = 0;
    m_spoolScratch.clear();
    const qint64 taken = m_spool->take(m_spoolScratch, room, RefillBytes, &lost);
    countDropped(lost); // corrupt on disk
    if (taken > 0)
        countDropped(m_queue.push(m_spoolScratch, taken));
    if (m_spoolScratch.capacity() > 2 * RefillBytes)
        m_spoolScratch = std::string();
}

void Output::persistQueue()
{
    if (!m_spool || !m_spool->isOpen())
        return;
    std::string lines;
    lines.reserve(m_queue.bytes());
    while (!m_queue.isEmpty()) {
        const std::string_view block = m_queue.peek(OutputQueue::ChunkBytes);
        lines.append(block);
        m_queue.consume(block.size());
    }
    const qint64 count = std::count(lines.begin(), lines.end(), '\n');
    const qint64 spooledBefore = m_spool->lines();
    if (!m_spool->persistInFrontAndClose(lines, count))
        qCWarning(lcOutput).noquote() << name() << "could not write all of its" << count
                                      << "queued line(s) to the spool";
    else if (count > 0 || spooledBefore > 0)
        qCInfo(lcOutput).noquote() << name() << "left" << m_spool->lines() << "line(s) in the spool"
                                   << m_spool->directory() << "for the next start";
}

qint64 Output::takeBatch(std::string &into, std::size_t maxBytes)
{
    if (m_spool && !m_spool->isEmpty() && m_queue.size() <= m_queue.capacity() / 2)
        refillFromSpool();
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
    const qint64 room = std::max<qint64>(0, m_queue.capacity() - m_queue.size());
    if (m_spool && lineCount > room) {
        // No room in memory for all of them: the oldest go to the spool (behind newer lines, but kept).
        const std::size_t cut = afterNthNewline(lines, lineCount - room);
        countDropped(m_spool->append(lines.substr(0, cut), lineCount - room));
        lines.remove_prefix(cut);
        lineCount = room;
    }
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

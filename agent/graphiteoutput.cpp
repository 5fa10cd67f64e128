// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "graphiteoutput.h"

#include "logging.h"

#include <QRandomGenerator>
#include <QTimer>

#include <algorithm>
#include <linux/sockios.h>
#include <sys/ioctl.h>

namespace Garnet {

namespace {
constexpr qint64 StableConnectionMs = 5000; // a connection that lasted this long resets the backoff
constexpr std::chrono::milliseconds FlushPollInterval { 10 };
constexpr std::size_t MaxSpareBuffers = 8;

/** The longest prefix of data made of whole lines and at most maxBytes (at least one line). */
std::size_t wholeLinesPrefix(std::string_view data, std::size_t maxBytes)
{
    if (data.size() <= maxBytes)
        return data.size();
    auto end = data.rfind('\n', maxBytes - 1);
    if (end == std::string_view::npos)
        end = data.find('\n');
    return end == std::string_view::npos ? data.size() : end + 1;
}
} // namespace

GraphiteOutput::GraphiteOutput(const OutputConfig &config, QObject *parent)
    : Output(config, parent)
    , m_socket(new TcpStream(this))
    , m_reconnectTimer(new QTimer(this))
    , m_connectTimeout(new QTimer(this))
    , m_flushPoll(new QTimer(this))
    , m_stallTimer(new QTimer(this))
{
    m_clock.start();
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &GraphiteOutput::connectNow);
    m_connectTimeout->setSingleShot(true);
    m_connectTimeout->setInterval(ConnectTimeout);
    connect(m_connectTimeout, &QTimer::timeout, this, [this] {
        m_lastError = QStringLiteral("connection timed out");
        m_socket->abort();
    });
    m_flushPoll->setInterval(FlushPollInterval);
    connect(m_flushPoll, &QTimer::timeout, this, &GraphiteOutput::checkFlushDone);
    m_stallTimer->setSingleShot(true);
    m_stallTimer->setInterval(DefaultStallTimeout);
    connect(m_stallTimer, &QTimer::timeout, this, [this] {
        if (m_inFlight.empty())
            return;
        m_lastError
            = QStringLiteral("no progress for %1 s, the peer stopped reading").arg(m_stallTimer->interval() / 1000.0);
        m_socket->abort(); // an unexpected end: replayed and reconnected like any other
    });

    // Graphite never sends anything; the stream reads it away, which detects end-of-stream (a closed or dead
    // peer) promptly.
    connect(m_socket, &TcpStream::connected, this, &GraphiteOutput::onConnected);
    connect(m_socket, &TcpStream::stateChanged, this, &GraphiteOutput::onStateChanged);
    connect(m_socket, &TcpStream::bytesWritten, this, &GraphiteOutput::onBytesWritten);
    connect(m_socket, &TcpStream::errorOccurred, this, [this] { m_lastError = m_socket->errorString(); });
}

GraphiteOutput::~GraphiteOutput()
{
    m_stopped = true;
    disconnect(m_socket, nullptr, this, nullptr);
    if (spool()) {
        // Not all handed to the kernel yet: back to the queue, which the base class persists in the spool.
        std::string unsent;
        qint64 unsentLines = 0;
        for (const Batch &batch : m_inFlight) {
            if (!batch.replay) {
                unsent += batch.data;
                unsentLines += batch.lines;
            }
        }
        m_inFlight.clear();
        returnToQueue(unsent, unsentLines);
    }
    m_socket->abort();
}

void GraphiteOutput::setStallTimeout(std::chrono::milliseconds timeout)
{
    m_stallTimer->setInterval(timeout);
}

void GraphiteOutput::start()
{
    if (m_started)
        return;
    m_started = true;
    openSpool();
    connectNow();
}

void GraphiteOutput::connectNow()
{
    if (m_stopped || m_socket->state() != TcpStream::State::Unconnected)
        return;
    m_lastError.clear();
    m_socket->connectToHost(config().host, config().port);
    m_connectTimeout->start();
}

void GraphiteOutput::onConnected()
{
    m_connectTimeout->stop();
    m_socket->setKeepAlive(true);
    if (m_everConnected)
        markReconnect();
    if (m_failedAttempts > 0 || m_everConnected)
        qCInfo(lcOutput).noquote()
            << name()
            << QStringLiteral("connected after %1 failed attempt(s); %2 line(s) queued, %3 byte(s) to replay")
                   .arg(m_failedAttempts)
                   .arg(counters().queued)
                   .arg(pendingReplayBytes());
    else
        qCInfo(lcOutput).noquote() << name() << "connected";
    m_everConnected = true;
    m_failing = false;
    m_failedAttempts = 0;
    m_connectionUp = true;
    m_connectedFor.start();
    setConnected(true);
    writeNow();
}

void GraphiteOutput::onStateChanged(TcpStream::State state)
{
    if (state == TcpStream::State::Unconnected)
        connectionEnded();
}

void GraphiteOutput::connectionEnded()
{
    m_connectTimeout->stop();
    m_stallTimer->stop();
    // Why it ended: the stream's error, or why this side aborted it (a timeout).
    const QString reason = m_lastError.isEmpty() ? m_socket->errorString() : m_lastError;
    if (m_connectionUp) {
        m_connectionUp = false;
        if (m_connectedFor.elapsed() >= StableConnectionMs)
            m_backoff = InitialBackoff;
        // What the stream had not handed to the kernel was never sent: queue lines go back to the queue, replay
        // lines back to the replay buffer. What the kernel took may be lost with the peer: replay it.
        std::string replay;
        std::string unsent;
        qint64 unsentLines = 0;
        if (!m_closingOnPurpose) {
            for (const Batch &batch : m_history)
                replay += batch.data;
        }
        for (const Batch &batch : m_inFlight) {
            if (batch.replay) {
                replay += batch.data;
            } else {
                unsent += batch.data;
                unsentLines += batch.lines;
            }
        }
        replay.append(std::string_view(m_replay).substr(m_replayOffset));
        if (replay.size() > MaxReplayBytes) { // keep the newest whole lines
            const auto cut = replay.find('\n', replay.size() - MaxReplayBytes - 1);
            replay.erase(0, cut == std::string::npos ? replay.size() : cut + 1);
        }
        m_replay = std::move(replay);
        m_replayOffset = 0;
        m_history.clear();
        m_historyBytes = 0;
        m_inFlight.clear();
        m_inFlightWritten = 0;
        returnToQueue(unsent, unsentLines);
        if (!m_closingOnPurpose)
            qCWarning(lcOutput).noquote()
                << name()
                << QStringLiteral("connection lost (%1); %2 line(s) queued, %3 byte(s) to replay")
                       .arg(reason)
                       .arg(counters().queued)
                       .arg(pendingReplayBytes());
        setConnected(false);
    } else if (!m_closingOnPurpose) {
        ++m_failedAttempts;
        if (!m_failing) {
            m_failing = true;
            qCWarning(lcOutput).noquote()
                << name()
                << QStringLiteral("cannot connect (%1); retrying with backoff up to %2 s, %3 line(s) queued")
                       .arg(reason)
                       .arg(MaxBackoff.count() / 1000)
                       .arg(counters().queued);
        } else {
            qCDebug(lcOutput).noquote() << name() << "attempt" << m_failedAttempts << "failed:" << reason;
        }
    }
    if (m_flushing)
        finishFlush();
    if (!m_stopped && !m_closingOnPurpose)
        scheduleReconnect();
}

void GraphiteOutput::scheduleReconnect()
{
    const double jitter = 0.8 + QRandomGenerator::global()->bounded(0.4);
    const auto delay = std::chrono::milliseconds(qint64(double(m_backoff.count()) * jitter));
    m_backoff = std::min(m_backoff * 2, MaxBackoff);
    m_reconnectTimer->start(std::max(delay, std::chrono::milliseconds(1)));
}

void GraphiteOutput::writeQueued()
{
    // Coalesce the enqueues of one event-loop pass into few large writes.
    if (m_writeScheduled || !m_connectionUp)
        return;
    m_writeScheduled = true;
    QMetaObject::invokeMethod(
        this,
        [this] {
            m_writeScheduled = false;
            writeNow();
        },
        Qt::QueuedConnection);
}

void GraphiteOutput::writeNow()
{
    if (!m_connectionUp || m_stopped || m_socket->state() != TcpStream::State::Connected)
        return;
    while (m_socket->bytesToWrite() < MaxBufferedBytes) {
        Batch batch;
        batch.data = newBuffer();
        if (!takeReplayBatch(batch)) {
            batch.lines = takeBatch(batch.data, BatchBytes);
            if (batch.lines == 0) {
                recycle(std::move(batch.data));
                break;
            }
        }
        const qint64 size = qint64(batch.data.size());
        const qint64 written = m_socket->write(batch.data.data(), size);
        m_inFlight.push_back(std::move(batch));
        if (!m_stallTimer->isActive())
            m_stallTimer->start();
        if (written != size)
            break; // the socket failed: connectionEnded() takes the batch back
    }
    checkFlushDone();
}

bool GraphiteOutput::takeReplayBatch(Batch &batch)
{
    const std::string_view rest = std::string_view(m_replay).substr(m_replayOffset);
    if (rest.empty())
        return false;
    const std::size_t length = wholeLinesPrefix(rest, BatchBytes);
    const std::string_view lines = rest.substr(0, length);
    batch.data.append(lines);
    batch.lines = std::count(lines.begin(), lines.end(), '\n');
    batch.replay = true;
    m_replayOffset += length;
    if (m_replayOffset == m_replay.size()) {
        m_replay = std::string();
        m_replayOffset = 0;
    }
    return true;
}

void GraphiteOutput::onBytesWritten(qint64 bytes)
{
    m_inFlightWritten += bytes;
    while (!m_inFlight.empty() && m_inFlightWritten >= qint64(m_inFlight.front().data.size())) {
        Batch batch = std::move(m_inFlight.front());
        m_inFlight.pop_front();
        m_inFlightWritten -= qint64(batch.data.size());
        if (batch.replay)
            markReplayed(batch.lines);
        else
            markSent(batch.lines);
        batch.sentAtMs = m_clock.elapsed();
        m_historyBytes += batch.data.size();
        m_history.push_back(std::move(batch));
    }
    if (m_inFlight.empty())
        m_stallTimer->stop();
    else
        m_stallTimer->start(); // progress: the peer is alive
    trimHistory();
    writeNow();
}

void GraphiteOutput::trimHistory()
{
    m_lastUnacked = kernelUnsentBytes();
    const qint64 now = m_clock.elapsed();
    const qint64 window = config().replayWindow.count();
    while (!m_history.empty()) {
        Batch &oldest = m_history.front();
        const std::size_t newer = m_historyBytes - oldest.data.size();
        // Keep the window, and whatever the kernel may still hold unacknowledged.
        const bool needed = now - oldest.sentAtMs <= window || newer < std::size_t(m_lastUnacked);
        if (needed && m_historyBytes <= MaxReplayBytes)
            break;
        m_historyBytes -= oldest.data.size();
        recycle(std::move(oldest.data));
        m_history.pop_front();
    }
}

qint64 GraphiteOutput::kernelUnsentBytes() const
{
    const qintptr fd = m_socket->socketDescriptor();
    int bytes = 0;
    if (fd < 0 || ::ioctl(int(fd), SIOCOUTQ, &bytes) != 0)
        return 0;
    return bytes;
}

void GraphiteOutput::flush(std::chrono::milliseconds deadline)
{
    if (m_flushing || isFlushReportQueued())
        return; // joins the running flush
    if (!m_connectionUp) {
        finishFlushLater(); // nothing can be written now; the lines stay queued (and counted)
        return;
    }
    m_flushing = true;
    m_flushDeadline.setRemainingTime(deadline);
    m_flushPoll->start();
    writeNow();
}

void GraphiteOutput::checkFlushDone()
{
    if (!m_flushing)
        return;
    const bool done = queue().isEmpty() && pendingReplayBytes() == 0 && m_inFlight.empty()
        && m_socket->bytesToWrite() == 0 && kernelUnsentBytes() == 0;
    if (done || m_flushDeadline.hasExpired() || !m_connectionUp)
        finishFlush();
}

void GraphiteOutput::finishFlush()
{
    m_flushing = false;
    m_flushPoll->stop();
    const OutputCounters c = counters();
    if (c.queued > 0)
        qCWarning(lcOutput).noquote() << name() << "flush ended with" << c.queued << "line(s) not sent";
    finishFlushLater();
}

void GraphiteOutput::stopForHandover()
{
    m_stopped = true;
    m_closingOnPurpose = true;
    m_reconnectTimer->stop();
    m_socket->abort(); // connectionEnded() returns the in-flight lines to the queue
    if (m_connectionUp)
        connectionEnded();
}

std::string GraphiteOutput::takeReplay()
{
    std::string replay = m_replay.substr(m_replayOffset);
    m_replay = std::string();
    m_replayOffset = 0;
    return replay;
}

void GraphiteOutput::adoptReplay(std::string &&replay)
{
    if (replay.empty())
        return;
    // The adopted lines are older than anything replayed here already.
    replay.append(std::string_view(m_replay).substr(m_replayOffset));
    m_replay = std::move(replay);
    m_replayOffset = 0;
    writeQueued();
}

std::string GraphiteOutput::newBuffer()
{
    if (m_spareBuffers.empty())
        return {};
    std::string buffer = std::move(m_spareBuffers.back());
    m_spareBuffers.pop_back();
    buffer.clear();
    return buffer;
}

void GraphiteOutput::recycle(std::string &&buffer)
{
    if (m_spareBuffers.size() < MaxSpareBuffers && buffer.capacity() <= 2 * BatchBytes)
        m_spareBuffers.push_back(std::move(buffer));
}

} // namespace Garnet

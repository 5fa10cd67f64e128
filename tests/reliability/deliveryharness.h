// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once
// Helpers for the delivery tests: a Graphite double that can go down, come back on the same port or stall,
// numbered metric streams, and the agent's accounting as its self-metrics report it.

#include "../integration/agentharness.h"
#include "../integration/carbonharness.h"

#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace GarnetTest {

/**
 * A carbon line receiver double on 127.0.0.1 that keeps every complete line. It can stop (close the listener
 * and reset its connections, as a dying carbon does), listen again on the same port, and stall (accept but
 * never read, so the kernel buffers fill up) until resume().
 */
class SeqSink : public QObject
{
public:
    ~SeqSink() override { stop(); }
    bool listen(quint16 port = 0)
    {
        if (!m_server.listen(QHostAddress::LocalHost, port))
            return false;
        m_port = m_server.serverPort();
        if (!m_connected) {
            m_connected = true;
            connect(&m_server, &QTcpServer::newConnection, this, [this] { acceptAll(); });
        }
        return true;
    }
    void stop()
    {
        m_server.close();
        for (QTcpSocket *socket : std::exchange(m_clients, {})) {
            disconnect(socket, nullptr, this, nullptr);
            socket->abort();
            socket->deleteLater();
        }
        m_partial.clear();
    }
    /** From now on accepted connections are not read (and neither are current ones) until resume(). */
    void stall()
    {
        m_stalled = true;
        for (QTcpSocket *socket : m_clients)
            socket->setReadBufferSize(1024);
    }
    void resume()
    {
        m_stalled = false;
        for (QTcpSocket *socket : m_clients) {
            socket->setReadBufferSize(0);
            take(socket);
        }
    }
    quint16 port() const { return m_port; }
    QByteArray address() const { return "127.0.0.1:" + QByteArray::number(m_port); }
    int accepted() const { return m_accepted; }

    std::vector<QByteArray> lines;

    /**
     * Index the values of lines starting with prefix as they arrive, so that values()/distinctValues() for it
     * are cheap (polling them over hundreds of thousands of lines would starve the event loop otherwise).
     */
    void track(const QByteArray &prefix)
    {
        m_tracked = prefix;
        m_trackedValues = values(prefix);
        m_trackedSet = std::set<qint64>(m_trackedValues.begin(), m_trackedValues.end());
    }
    /** Values (2nd field) of the lines whose path starts with prefix, in arrival order. */
    std::vector<qint64> values(const QByteArray &prefix) const
    {
        if (!m_tracked.isEmpty() && prefix == m_tracked)
            return m_trackedValues;
        std::vector<qint64> out;
        for (const QByteArray &line : lines)
            if (line.startsWith(prefix))
                out.push_back(qint64(line.split(' ').value(1).toDouble()));
        return out;
    }
    std::set<qint64> distinctValues(const QByteArray &prefix) const
    {
        if (!m_tracked.isEmpty() && prefix == m_tracked)
            return m_trackedSet;
        const std::vector<qint64> all = values(prefix);
        return { all.begin(), all.end() };
    }
    /** Distinct values seen under the tracked prefix (see track()). */
    qint64 trackedDistinct() const { return qint64(m_trackedSet.size()); }
    /** Values seen under the tracked prefix, in arrival order. */
    const std::vector<qint64> &trackedValues() const { return m_trackedValues; }
    /** The last value of one metric path, -1 if never seen. */
    qint64 last(const QByteArray &path) const
    {
        for (auto it = lines.rbegin(); it != lines.rend(); ++it)
            if (it->startsWith(QByteArray(path + ' ')))
                return qint64(it->split(' ').value(1).toDouble());
        return -1;
    }

private:
    void acceptAll()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            ++m_accepted;
            m_clients.push_back(socket);
            if (m_stalled)
                socket->setReadBufferSize(1024);
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                if (!m_stalled)
                    take(socket);
            });
        }
    }
    void take(QTcpSocket *socket)
    {
        QByteArray &partial = m_partial[socket];
        partial += socket->readAll();
        qsizetype start = 0;
        for (qsizetype nl; (nl = partial.indexOf('\n', start)) >= 0; start = nl + 1) {
            lines.push_back(partial.mid(start, nl - start));
            if (!m_tracked.isEmpty() && lines.back().startsWith(m_tracked)) {
                const QByteArray &line = lines.back();
                const qsizetype space = line.indexOf(' ');
                const qsizetype end = line.indexOf(' ', space + 1);
                const qint64 value = qint64(line.mid(space + 1, end < 0 ? -1 : end - space - 1).toDouble());
                m_trackedValues.push_back(value);
                m_trackedSet.insert(value);
            }
        }
        partial.remove(0, start);
    }

    QByteArray m_tracked;
    std::vector<qint64> m_trackedValues;
    std::set<qint64> m_trackedSet;
    QTcpServer m_server;
    quint16 m_port = 0;
    bool m_connected = false;
    bool m_stalled = false;
    int m_accepted = 0;
    std::vector<QTcpSocket *> m_clients;
    std::map<QTcpSocket *, QByteArray> m_partial;
};

inline std::vector<qint64> seqRange(qint64 first, qint64 count)
{
    std::vector<qint64> out;
    for (qint64 i = first; i < first + count; ++i)
        out.push_back(i);
    return out;
}

/** The agent's accounting as reported by its self-metrics ({prefix}.garnet.*) at the sink. */
struct Accounting
{
    qint64 received = -1, sent = -1, dropped = -1, rejected = -1, queued = -1;
    bool complete() const { return received >= 0 && sent >= 0 && dropped >= 0 && rejected >= 0 && queued >= 0; }
    bool holds() const { return complete() && received == sent + dropped + rejected + queued; }
    QByteArray text() const
    {
        return QStringLiteral("received %1 = sent %2 + dropped %3 + rejected %4 + queued %5")
            .arg(received)
            .arg(sent)
            .arg(dropped)
            .arg(rejected)
            .arg(queued)
            .toUtf8();
    }
};

/** The most recent self-metrics under base (e.g. "servers.testhost.garnet"); per output with base + ".output.X". */
inline Accounting accountingAt(const SeqSink &sink, const QByteArray &base)
{
    return { sink.last(base + ".received"), sink.last(base + ".sent"), sink.last(base + ".dropped"),
        sink.last(base + ".rejected"), sink.last(base + ".queued") };
}

inline QString seqWriter()
{
    return QStringLiteral(GARNET_TEST_SOURCE_DIR "/reliability/writers/seqwriter.py");
}

/** Runs seqwriter.py with these options against socketPath (a writer no collector run claims). */
inline void startWriter(QProcess &writer, const QStringList &options, const QString &socketPath)
{
    writer.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    writer.start(seqWriter(), options + QStringList { socketPath });
    QVERIFY2(writer.waitForStarted(10000), qPrintable(writer.errorString()));
}

/**
 * Wait for a process to end while this thread's event loop keeps running: a SeqSink in this process must
 * keep reading meanwhile (QProcess::waitForFinished would block it, and with it the agent writing to it).
 */
inline bool waitForExit(QProcess &process, int timeoutMs)
{
    return QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, timeoutMs);
}

/** A progress file written by seqwriter.py --progress: lines sent so far (0 before the first batch). */
inline qint64 progress(const QString &file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed().toLongLong() : 0;
}

/** Resident memory of a process in KiB (VmRSS), -1 if unknown. */
inline qint64 rssKiB(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

/** The self-metrics path node of a graphite output to this address ("graphite_127_0_0_1_2003"). */
inline QByteArray outputNode(const QByteArray &address)
{
    QByteArray node = "graphite:" + address;
    for (char &c : node)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            c = '_';
    return node;
}

/** Per-output accounting (self-metrics base.output.NODE.*): received == sent + dropped + queued. */
struct OutputAccounting
{
    qint64 received = -1, sent = -1, dropped = -1, queued = -1;
    bool holds() const
    {
        return received >= 0 && sent >= 0 && dropped >= 0 && queued >= 0 && received == sent + dropped + queued;
    }
    QByteArray text() const
    {
        return QStringLiteral("received %1 = sent %2 + dropped %3 + queued %4")
            .arg(received)
            .arg(sent)
            .arg(dropped)
            .arg(queued)
            .toUtf8();
    }
};
inline OutputAccounting outputAccountingAt(const SeqSink &sink, const QByteArray &base, const QByteArray &node)
{
    const QByteArray p = base + ".output." + node;
    return { sink.last(p + ".received"), sink.last(p + ".sent"), sink.last(p + ".dropped"), sink.last(p + ".queued") };
}

} // namespace GarnetTest

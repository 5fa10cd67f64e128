// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "graphiteoutput.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <set>

using namespace Garnet;

namespace {

/** A carbon line receiver double on 127.0.0.1: keeps the complete lines of every connection. */
class CarbonSink : public QObject
{
public:
    bool listen(quint16 port = 0)
    {
        if (!m_server.listen(QHostAddress::LocalHost, port))
            return false;
        m_port = m_server.serverPort();
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++accepted;
                m_clients.push_back(socket);
                m_partial[socket];
                if (stalled) {
                    socket->setReadBufferSize(1024); // read nothing: the kernel buffers fill up
                    continue;
                }
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { take(socket); });
            }
        });
        return true;
    }
    /** Abort every accepted connection (RST): what they had not read yet is lost, as when carbon dies. */
    void dropConnections()
    {
        for (QTcpSocket *socket : std::exchange(m_clients, {})) {
            disconnect(socket, nullptr, this, nullptr);
            socket->abort(); // unread data is discarded; a partial last line never counts
            socket->deleteLater();
        }
        m_partial.clear();
    }
    void stop()
    {
        m_server.close();
        dropConnections();
    }
    quint16 port() const { return m_port; }
    /** The numbers of every complete line received, in order (duplicates kept). */
    std::vector<qint64> numbers() const
    {
        std::vector<qint64> result;
        for (const QByteArray &line : lines)
            result.push_back(line.mid(2, line.indexOf(' ') - 2).toLongLong());
        return result;
    }

    std::vector<QByteArray> lines;
    int accepted = 0;
    bool stalled = false;

private:
    void take(QTcpSocket *socket)
    {
        QByteArray &partial = m_partial[socket];
        partial += socket->readAll();
        qsizetype start = 0;
        for (qsizetype nl; (nl = partial.indexOf('\n', start)) >= 0; start = nl + 1)
            lines.push_back(partial.mid(start, nl - start));
        partial.remove(0, start);
    }

    QTcpServer m_server;
    quint16 m_port = 0;
    std::vector<QTcpSocket *> m_clients;
    std::map<QTcpSocket *, QByteArray> m_partial;
};

quint16 unusedPort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

OutputConfig graphiteConfig(quint16 port, qint64 queueSize = 1'000'000)
{
    OutputConfig config;
    config.type = OutputType::Graphite;
    config.host = QStringLiteral("127.0.0.1");
    config.port = port;
    config.address = QStringLiteral("127.0.0.1:%1").arg(port);
    config.queueSize = queueSize;
    config.replayWindow = std::chrono::seconds(60); // generous: this machine may be slow
    return config;
}

std::string lines(qint64 first, qint64 count)
{
    std::string out;
    for (qint64 i = first; i < first + count; ++i)
        out += "m." + std::to_string(i) + ' ' + std::to_string(i) + " 1700000000\n";
    return out;
}

void enqueueRange(Output &output, qint64 first, qint64 count)
{
    output.enqueue(lines(first, count), count);
}

bool invariantHolds(const OutputCounters &c)
{
    return c.received == c.sent + c.dropped + c.queued;
}

std::size_t distinctNumbers(const CarbonSink &sink)
{
    const std::vector<qint64> numbers = sink.numbers();
    return std::set<qint64>(numbers.begin(), numbers.end()).size();
}

std::vector<qint64> range(qint64 first, qint64 count)
{
    std::vector<qint64> out;
    for (qint64 i = first; i < first + count; ++i)
        out.push_back(i);
    return out;
}

} // namespace

class tst_graphiteoutput : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void deliversAllLinesInOrder();
    void queuesWhileDownAndDeliversAfterReconnect();
    void overflowWhileDownDropsExactlyTheOldest();
    void connectionDroppedMidStreamLosesNothing();
    void sinkRestartOnSamePortLosesNothing();
    void flushWithSinkDownReturnsAtOnce();
    void flushWithStalledSinkReturnsByDeadline();
    void flushWithSinkUpDeliversEverything();
    void stalledPeerIsAbandonedAndReplayed();
    void adoptQueueMovesLinesAndAccounting();
    void adoptQueueCarriesPendingReplay();
    void nameAndFactory();
};

void tst_graphiteoutput::deliversAllLinesInOrder()
{
    CarbonSink sink;
    QVERIFY(sink.listen());
    GraphiteOutput output(graphiteConfig(sink.port()));
    QSignalSpy connected(&output, &Output::connectedChanged);
    output.start();
    QTRY_VERIFY(output.isConnected());
    QCOMPARE(connected.size(), 1);

    qint64 next = 0;
    for (int block = 0; block < 200; ++block) {
        const qint64 count = 1 + (block * 37) % 500;
        enqueueRange(output, next, count);
        next += count;
        QVERIFY(invariantHolds(output.counters()));
    }
    QTRY_COMPARE_WITH_TIMEOUT(qint64(sink.lines.size()), next, 30000);
    QVERIFY(sink.numbers() == range(0, next));
    QTRY_COMPARE(output.counters().sent, next);
    const OutputCounters c = output.counters();
    QCOMPARE(c.received, next);
    QCOMPARE(c.dropped, 0);
    QCOMPARE(c.queued, 0);
    QCOMPARE(c.replayed, 0);
    QCOMPARE(c.reconnects, 0);
    QVERIFY(c.connected);
    QCOMPARE(sink.accepted, 1);
}

void tst_graphiteoutput::queuesWhileDownAndDeliversAfterReconnect()
{
    const quint16 port = unusedPort();
    GraphiteOutput output(graphiteConfig(port));
    output.start();
    enqueueRange(output, 0, 1000);
    QCOMPARE(output.counters().queued, 1000);
    QVERIFY(!output.isConnected());
    QVERIFY(!output.isSaturated()); // a dead destination never applies backpressure

    CarbonSink sink;
    QVERIFY(sink.listen(port));
    QTRY_VERIFY_WITH_TIMEOUT(output.isConnected(), 20000);
    enqueueRange(output, 1000, 500);
    QTRY_COMPARE_WITH_TIMEOUT(qint64(sink.lines.size()), qint64(1500), 20000);
    QVERIFY(sink.numbers() == range(0, 1500));
    QTRY_COMPARE(output.counters().sent, 1500);
    QCOMPARE(output.counters().queued, 0);
    QCOMPARE(output.counters().reconnects, 0); // the first connection is not a reconnect
}

void tst_graphiteoutput::overflowWhileDownDropsExactlyTheOldest()
{
    const quint16 port = unusedPort();
    GraphiteOutput output(graphiteConfig(port, 100));
    QSignalSpy saturation(&output, &Output::saturationChanged);
    output.start();
    for (qint64 first = 0; first < 250; first += 10) {
        enqueueRange(output, first, 10);
        QVERIFY(invariantHolds(output.counters()));
    }
    OutputCounters c = output.counters();
    QCOMPARE(c.received, 250);
    QCOMPARE(c.dropped, 150);
    QCOMPARE(c.queued, 100);
    QCOMPARE(c.sent, 0);
    QCOMPARE(saturation.size(), 0); // full but disconnected: not saturated

    CarbonSink sink;
    QVERIFY(sink.listen(port));
    QTRY_COMPARE_WITH_TIMEOUT(qint64(sink.lines.size()), qint64(100), 20000);
    QVERIFY(sink.numbers() == range(150, 100)); // the newest 100, in order
    QTRY_COMPARE(output.counters().sent, 100);
    c = output.counters();
    QCOMPARE(c.dropped, 150);
    QCOMPARE(c.queued, 0);
    QVERIFY(invariantHolds(c));
}

namespace {
/** Streams numbered lines through `output` while `disrupt` breaks the sink once, midway. */
void streamAcrossDisruption(GraphiteOutput &output, CarbonSink &sink, const std::function<void()> &disrupt)
{
    constexpr qint64 Total = 60000;
    constexpr qint64 Block = 2000;
    qint64 next = 0;
    for (; next < Total / 2; next += Block) {
        enqueueRange(output, next, Block);
        QCoreApplication::processEvents();
    }
    QTRY_VERIFY_WITH_TIMEOUT(!sink.lines.empty(), 20000);
    disrupt(); // typically with data still unread on the sink's side: lost unless replayed
    for (; next < Total; next += Block) {
        enqueueRange(output, next, Block);
        QVERIFY(invariantHolds(output.counters()));
        QCoreApplication::processEvents();
    }
    // Every line arrives at least once (duplicates from the replay are fine), none is invented.
    QTRY_COMPARE_WITH_TIMEOUT(distinctNumbers(sink), std::size_t(Total), 30000);
    for (qint64 n : sink.numbers())
        QVERIFY(n >= 0 && n < Total);
    QTRY_COMPARE(output.counters().queued, 0);
    const OutputCounters c = output.counters();
    QVERIFY(invariantHolds(c));
    QCOMPARE(c.received, Total);
    QCOMPARE(c.sent, Total);
    QCOMPARE(c.dropped, 0);
    QVERIFY(c.reconnects >= 1);
    QVERIFY(c.replayed > 0);
    QVERIFY(output.isConnected());
}
} // namespace

void tst_graphiteoutput::connectionDroppedMidStreamLosesNothing()
{
    CarbonSink sink;
    QVERIFY(sink.listen());
    GraphiteOutput output(graphiteConfig(sink.port()));
    output.start();
    QTRY_VERIFY(output.isConnected());
    streamAcrossDisruption(output, sink, [&] { sink.dropConnections(); });
    QVERIFY(sink.accepted >= 2);
}

void tst_graphiteoutput::sinkRestartOnSamePortLosesNothing()
{
    CarbonSink sink;
    QVERIFY(sink.listen());
    const quint16 port = sink.port();
    GraphiteOutput output(graphiteConfig(port));
    output.start();
    QTRY_VERIFY(output.isConnected());
    streamAcrossDisruption(output, sink, [&] {
        sink.stop();
        QTRY_VERIFY(!output.isConnected()); // it notices the dead peer and keeps queueing
        QVERIFY(sink.listen(port));
    });
}

void tst_graphiteoutput::flushWithSinkDownReturnsAtOnce()
{
    GraphiteOutput output(graphiteConfig(unusedPort()));
    output.start();
    enqueueRange(output, 0, 10);
    QSignalSpy finished(&output, &Output::flushFinished);
    output.flush(std::chrono::seconds(30));
    QCOMPARE(finished.size(), 0); // always from the event loop
    QVERIFY(finished.wait(5000)); // long before the 30 s deadline
    QCOMPARE(output.counters().queued, 10);
    QVERIFY(invariantHolds(output.counters()));
    QVERIFY(!finished.wait(300)); // exactly once
    QCOMPARE(finished.size(), 1);
}

void tst_graphiteoutput::flushWithStalledSinkReturnsByDeadline()
{
    CarbonSink sink;
    sink.stalled = true;
    QVERIFY(sink.listen());
    GraphiteOutput output(graphiteConfig(sink.port()));
    output.start();
    QTRY_VERIFY(output.isConnected());
    // Far more than the kernel buffers on both ends can hold.
    for (qint64 first = 0; first < 400000; first += 20000)
        enqueueRange(output, first, 20000);
    QSignalSpy finished(&output, &Output::flushFinished);
    output.flush(std::chrono::milliseconds(500));
    QVERIFY(finished.wait(20000));
    const OutputCounters c = output.counters();
    QVERIFY(c.queued > 0);
    QVERIFY(invariantHolds(c));
    QVERIFY(!finished.wait(300));
    QCOMPARE(finished.size(), 1);
}

void tst_graphiteoutput::flushWithSinkUpDeliversEverything()
{
    CarbonSink sink;
    QVERIFY(sink.listen());
    GraphiteOutput output(graphiteConfig(sink.port()));
    output.start();
    QTRY_VERIFY(output.isConnected());
    for (qint64 first = 0; first < 100000; first += 10000)
        enqueueRange(output, first, 10000);
    QSignalSpy finished(&output, &Output::flushFinished);
    output.flush(std::chrono::seconds(60));
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.size(), 1);
    const OutputCounters c = output.counters();
    QCOMPARE(c.queued, 0);
    QCOMPARE(c.sent, 100000);
    QTRY_COMPARE_WITH_TIMEOUT(qint64(sink.lines.size()), qint64(100000), 20000);
    QVERIFY(sink.numbers() == range(0, 100000));
}

void tst_graphiteoutput::stalledPeerIsAbandonedAndReplayed()
{
    CarbonSink sink;
    sink.stalled = true; // accepts, then never reads
    QVERIFY(sink.listen());
    GraphiteOutput output(graphiteConfig(sink.port()));
    output.setStallTimeout(std::chrono::milliseconds(300));
    output.start();
    QTRY_VERIFY(output.isConnected());
    for (qint64 first = 0; first < 400000; first += 20000)
        enqueueRange(output, first, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(output.counters().reconnects >= 1, 20000);
    QVERIFY(sink.accepted >= 2);
    QVERIFY(invariantHolds(output.counters()));
    QCOMPARE(output.counters().dropped, 0);
}

void tst_graphiteoutput::adoptQueueMovesLinesAndAccounting()
{
    const quint16 port = unusedPort();
    GraphiteOutput previous(graphiteConfig(port));
    previous.start();
    enqueueRange(previous, 0, 50);

    GraphiteOutput next(graphiteConfig(port, 30));
    next.adoptQueue(previous);
    OutputCounters old = previous.counters();
    QCOMPARE(old.received, 0);
    QCOMPARE(old.queued, 0);
    QVERIFY(invariantHolds(old));
    OutputCounters now = next.counters();
    QCOMPARE(now.received, 50);
    QCOMPARE(now.dropped, 20); // the new capacity keeps the newest 30
    QCOMPARE(now.queued, 30);
    QVERIFY(invariantHolds(now));

    CarbonSink sink;
    QVERIFY(sink.listen(port));
    next.start();
    QTRY_COMPARE_WITH_TIMEOUT(qint64(sink.lines.size()), qint64(30), 20000);
    enqueueRange(next, 50, 5);
    QTRY_COMPARE_WITH_TIMEOUT(qint64(sink.lines.size()), qint64(35), 20000);
    QVERIFY(sink.numbers() == range(20, 35));
    QTRY_COMPARE(next.counters().sent, 35);
}

void tst_graphiteoutput::adoptQueueCarriesPendingReplay()
{
    CarbonSink sink;
    QVERIFY(sink.listen());
    const quint16 port = sink.port();
    GraphiteOutput previous(graphiteConfig(port));
    previous.start();
    QTRY_VERIFY(previous.isConnected());
    enqueueRange(previous, 0, 5000);
    QTRY_COMPARE(previous.counters().sent, 5000);
    sink.stop(); // the sink dies with whatever it had not read: only the replay can restore it
    QTRY_VERIFY(!previous.isConnected());
    QVERIFY(previous.pendingReplayBytes() > 0);
    enqueueRange(previous, 5000, 100);

    GraphiteOutput next(graphiteConfig(port));
    next.adoptQueue(previous);
    QCOMPARE(previous.pendingReplayBytes(), std::size_t(0));
    QVERIFY(next.pendingReplayBytes() > 0);
    QCOMPARE(next.counters().queued, 100);

    CarbonSink restarted;
    QVERIFY(restarted.listen(port));
    next.start();
    QTRY_COMPARE_WITH_TIMEOUT(distinctNumbers(restarted), std::size_t(5000 + 100), 20000);
    QTRY_VERIFY(next.counters().replayed >= 5000);
    QCOMPARE(next.counters().sent, 100);
}

void tst_graphiteoutput::nameAndFactory()
{
    const OutputConfig config = graphiteConfig(2003);
    auto output = Output::create(config);
    QVERIFY(qobject_cast<GraphiteOutput *>(output.get()));
    QCOMPARE(output->name(), QStringLiteral("graphite:127.0.0.1:2003"));
    QVERIFY(!output->isConnected());
}

QTEST_GUILESS_MAIN(tst_graphiteoutput)
#include "tst_graphiteoutput.moc"

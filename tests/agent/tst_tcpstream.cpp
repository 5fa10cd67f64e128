// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "tcpstream.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest>

#include <condition_variable>
#include <cstring>
#include <dlfcn.h>
#include <memory>
#include <mutex>
#include <netdb.h>
#include <sys/socket.h>

using namespace Garnet;

namespace {

// The resolver as the stream sees it: getaddrinfo() below takes the place of the C library's in this executable.
// Under the reserved .invalid TLD, so that should the stand-in ever not be used, the names still resolve nowhere.
constexpr char TwoAddressesHost[] = "two-addresses.garnet-test.invalid"; ///< 127.0.0.2, then 127.0.0.1
constexpr char HeldHost[] = "held.garnet-test.invalid"; ///< 127.0.0.1, once the gate opens

struct LookupGate
{
    std::mutex mutex;
    std::condition_variable changed;
    bool open = true;
    int waiting = 0; ///< lookups of HeldHost held at the gate
} g_gate;

void setGateOpen(bool open)
{
    const std::lock_guard lock(g_gate.mutex);
    g_gate.open = open;
    g_gate.changed.notify_all();
}

int waitingAtGate()
{
    const std::lock_guard lock(g_gate.mutex);
    return g_gate.waiting;
}

} // namespace

extern "C" int getaddrinfo(const char *node, const char *service, const addrinfo *hints, addrinfo **result)
{
    using Resolver = int (*)(const char *, const char *, const addrinfo *, addrinfo **);
    static const auto real = reinterpret_cast<Resolver>(::dlsym(RTLD_NEXT, "getaddrinfo"));
    if (!node)
        return real(node, service, hints, result);
    addrinfo numeric = hints ? *hints : addrinfo {};
    numeric.ai_flags |= AI_NUMERICHOST;
    if (std::strcmp(node, HeldHost) == 0) {
        std::unique_lock lock(g_gate.mutex);
        ++g_gate.waiting;
        g_gate.changed.wait(lock, [] { return g_gate.open; });
        --g_gate.waiting;
        return real("127.0.0.1", service, &numeric, result);
    }
    if (std::strcmp(node, TwoAddressesHost) == 0) {
        addrinfo *second = nullptr;
        if (const int status = real("127.0.0.1", service, &numeric, &second); status != 0)
            return status;
        if (const int status = real("127.0.0.2", service, &numeric, result); status != 0) {
            ::freeaddrinfo(second);
            return status;
        }
        addrinfo *last = *result;
        while (last->ai_next)
            last = last->ai_next;
        last->ai_next = second; // glibc allocates and frees every entry on its own
        return 0;
    }
    return real(node, service, hints, result);
}

namespace {

constexpr int Timeout = 20000;

/** A port on 127.0.0.1 that was free a moment ago and has nothing listening on it. */
quint16 closedPort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

/** Records every signal of a stream, in order, as short words. */
class Recorder : public QObject
{
public:
    explicit Recorder(TcpStream &stream)
    {
        connect(&stream, &TcpStream::connected, this, [this] { events << QStringLiteral("connected"); });
        connect(&stream, &TcpStream::errorOccurred, this, [this] { events << QStringLiteral("error"); });
        connect(&stream, &TcpStream::bytesWritten, this, [this](qint64 bytes) {
            if (insideWrite)
                ++writtenInsideWrite;
            written += bytes;
        });
        connect(&stream, &TcpStream::stateChanged, this, [this](TcpStream::State state) {
            events << QString::fromLatin1(QMetaEnum::fromType<TcpStream::State>().valueToKey(int(state)));
        });
    }
    QStringList events;
    qint64 written = 0;
    bool insideWrite = false;
    int writtenInsideWrite = 0;
};

/** Deterministic bytes that make a reordering, a loss or a duplicate visible. */
QByteArray pattern(qint64 offset, qint64 size)
{
    QByteArray data(size, Qt::Uninitialized);
    for (qint64 i = 0; i < size; ++i) {
        const quint64 n = quint64(offset + i);
        data[i] = char((n * 2654435761u >> 13) ^ (n >> 8));
    }
    return data;
}

/** Waits until no lookup thread runs, then delivers whatever they posted. */
bool lookupsSettled()
{
    QDeadlineTimer deadline(Timeout);
    while (TcpStream::runningLookups() > 0 && !deadline.hasExpired())
        QTest::qWait(10);
    QCoreApplication::sendPostedEvents();
    QCoreApplication::processEvents();
    return TcpStream::runningLookups() == 0;
}

/** Waits until no lookup thread runs, without delivering what they posted. */
bool lookupsPosted()
{
    QDeadlineTimer deadline(Timeout);
    while (TcpStream::runningLookups() > 0 && !deadline.hasExpired())
        QThread::yieldCurrentThread();
    return TcpStream::runningLookups() == 0;
}

} // namespace

class tst_tcpstream : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void connects_data();
    void connects();
    void refusedConnectionFails_data();
    void refusedConnectionFails();
    void emptyHostFails();
    void unknownHostFails();
    void deliversAllBytesInOrder_data();
    void deliversAllBytesInOrder();
    void writeWhileConnectingGoesOutAfterConnect();
    void writeWhenUnconnectedFails();
    void peerCloseIsDetected_data();
    void peerCloseIsDetected();
    void abortClosesAtOnce();
    void abortDuringLookupIsSafe();
    void staleLookupResultIsIgnored();
    void destructionDuringLookupIsSafe();
    void heldLookupAbortedOrDestroyed_data();
    void heldLookupAbortedOrDestroyed();
    void addressesAreTriedInOrder();
    void keepAlive();
};

void tst_tcpstream::connects_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QStringList>("states");
    QTest::newRow("IPv4 literal") << QStringLiteral("127.0.0.1")
                                  << QStringList { QStringLiteral("Connecting"), QStringLiteral("Connected") };
    QTest::newRow("name") << QStringLiteral("localhost")
                          << QStringList { QStringLiteral("HostLookup"), QStringLiteral("Connecting"),
                                 QStringLiteral("Connected") };
}

void tst_tcpstream::connects()
{
    QFETCH(QString, host);
    QFETCH(QStringList, states);
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    TcpStream stream;
    Recorder recorder(stream);
    stream.connectToHost(host, server.serverPort());
    QCOMPARE(recorder.events, states.mid(0, 1)); // nothing but the first state from inside connectToHost()
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), TcpStream::State::Connected, Timeout);
    QCOMPARE(recorder.events, states + QStringList { QStringLiteral("connected") });
    QVERIFY(stream.socketDescriptor() >= 0);
    QVERIFY(stream.errorString().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), Timeout);
    QVERIFY(lookupsSettled());
}

void tst_tcpstream::refusedConnectionFails_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("error");
    QTest::newRow("IPv4 literal") << QStringLiteral("127.0.0.1") << QStringLiteral("connection refused");
    QTest::newRow("name") << QStringLiteral("localhost") << QStringLiteral("connection refused at ");
}

void tst_tcpstream::refusedConnectionFails()
{
    QFETCH(QString, host);
    QFETCH(QString, error);
    const quint16 port = closedPort();
    QVERIFY(port != 0);
    TcpStream stream;
    Recorder recorder(stream);
    stream.connectToHost(host, port);
    QCOMPARE(recorder.events.size(), 1); // the failure is reported from the event loop
    QTRY_COMPARE_WITH_TIMEOUT(recorder.events.last(), QStringLiteral("Unconnected"), Timeout);
    QCOMPARE(recorder.events.mid(recorder.events.size() - 2),
        (QStringList { QStringLiteral("error"), QStringLiteral("Unconnected") }));
    QVERIFY(!recorder.events.contains(QStringLiteral("connected")));
    QVERIFY2(stream.errorString().startsWith(error), qPrintable(stream.errorString()));
    QCOMPARE(stream.state(), TcpStream::State::Unconnected);
    QCOMPARE(stream.socketDescriptor(), -1);

    // The next attempt, once something listens, connects.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, port));
    stream.connectToHost(host, port);
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), TcpStream::State::Connected, Timeout);
    QVERIFY(lookupsSettled());
}

void tst_tcpstream::emptyHostFails()
{
    TcpStream stream;
    Recorder recorder(stream);
    stream.connectToHost(QString(), 2003);
    QCOMPARE(recorder.events.size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), TcpStream::State::Unconnected, Timeout);
    QCOMPARE(recorder.events.mid(1), (QStringList { QStringLiteral("error"), QStringLiteral("Unconnected") }));
    QCOMPARE(stream.errorString(), QStringLiteral("no host name given"));
}

void tst_tcpstream::unknownHostFails()
{
    TcpStream stream;
    Recorder recorder(stream);
    stream.connectToHost(QStringLiteral("no-such-host.garnet-test.invalid"), 2003);
    QCOMPARE(stream.state(), TcpStream::State::HostLookup);
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), TcpStream::State::Unconnected, 60000);
    QCOMPARE(recorder.events,
        (QStringList { QStringLiteral("HostLookup"), QStringLiteral("error"), QStringLiteral("Unconnected") }));
    QVERIFY2(stream.errorString().startsWith(QLatin1String("host not found: no-such-host.garnet-test.invalid (")),
        qPrintable(stream.errorString()));
    QVERIFY(lookupsSettled());
}

void tst_tcpstream::deliversAllBytesInOrder_data()
{
    QTest::addColumn<qint64>("total");
    QTest::addColumn<qint64>("chunk");
    QTest::addColumn<bool>("moreOnBytesWritten"); // write the rest from bytesWritten, as GraphiteOutput does
    QTest::newRow("8 MiB at once, 1 byte chunks first") << qint64(8 << 20) << qint64(1) << false;
    QTest::newRow("8 MiB, 64 KiB chunks on bytesWritten") << qint64(8 << 20) << qint64(64 << 10) << true;
    QTest::newRow("5 MB, odd chunks on bytesWritten") << qint64(5'000'000) << qint64(12'345) << true;
    QTest::newRow("one byte") << qint64(1) << qint64(1) << false;
}

void tst_tcpstream::deliversAllBytesInOrder()
{
    QFETCH(qint64, total);
    QFETCH(qint64, chunk);
    QFETCH(bool, moreOnBytesWritten);
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    QByteArray received;
    connect(&server, &QTcpServer::newConnection, this, [&] {
        QTcpSocket *peer = server.nextPendingConnection();
        connect(peer, &QTcpSocket::readyRead, peer, [peer, &received] { received += peer->readAll(); });
    });
    TcpStream stream;
    Recorder recorder(stream);
    stream.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), TcpStream::State::Connected, Timeout);

    const QByteArray data = pattern(0, total);
    qint64 offset = 0;
    const auto writeSome = [&](qint64 upTo) {
        while (offset < upTo) {
            const qint64 size = std::min(chunk, total - offset);
            recorder.insideWrite = true;
            const qint64 result = stream.write(data.constData() + offset, size);
            recorder.insideWrite = false;
            QCOMPARE(result, size);
            offset += size;
            if (chunk == 1 && offset >= 1000)
                chunk = 4096; // a few tiny writes, then fewer larger ones
        }
    };
    if (moreOnBytesWritten) {
        connect(&stream, &TcpStream::bytesWritten, this, [&] {
            if (stream.bytesToWrite() < 1024 * 1024)
                writeSome(std::min(total, offset + 256 * 1024));
        });
        writeSome(std::min(total, qint64(256 * 1024)));
    } else {
        writeSome(total);
    }
    QCOMPARE(recorder.written, 0); // nothing yet: the buffer goes out from the event loop
    QTRY_COMPARE_WITH_TIMEOUT(qint64(received.size()), total, 60000);
    QCOMPARE(offset, total);
    QVERIFY(received == data);
    QTRY_COMPARE_WITH_TIMEOUT(recorder.written, total, Timeout);
    QCOMPARE(stream.bytesToWrite(), 0);
    QCOMPARE(recorder.writtenInsideWrite, 0);
    QCOMPARE(stream.state(), TcpStream::State::Connected);
    QVERIFY(!recorder.events.contains(QStringLiteral("error")));
}

void tst_tcpstream::writeWhileConnectingGoesOutAfterConnect()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    TcpStream stream;
    Recorder recorder(stream);
    stream.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort());
    QCOMPARE(stream.state(), TcpStream::State::Connecting);
    QCOMPARE(stream.write("early\n", 6), 6);
    QCOMPARE(stream.bytesToWrite(), 6);
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), Timeout);
    QTcpSocket *peer = server.nextPendingConnection();
    QTRY_COMPARE_WITH_TIMEOUT(peer->bytesAvailable(), 6, Timeout);
    QCOMPARE(peer->readAll(), QByteArray("early\n"));
    QTRY_COMPARE_WITH_TIMEOUT(recorder.written, 6, Timeout);
}

void tst_tcpstream::writeWhenUnconnectedFails()
{
    TcpStream stream;
    QCOMPARE(stream.write("x\n", 2), -1);
    QCOMPARE(stream.bytesToWrite(), 0);
    QCOMPARE(stream.socketDescriptor(), -1);
    QSignalSpy states(&stream, &TcpStream::stateChanged);
    stream.abort(); // nothing to abort: no signal
    QCOMPARE(states.size(), 0);
}

void tst_tcpstream::peerCloseIsDetected_data()
{
    QTest::addColumn<QByteArray>("peerSends");
    QTest::addColumn<bool>("streamHasPendingData");
    QTest::newRow("silent close") << QByteArray() << false;
    QTest::newRow("chatter then close") << QByteArray(300'000, 'x') << false; // read away, not an error
    QTest::newRow("close while the stream sends") << QByteArray() << true;
}

void tst_tcpstream::peerCloseIsDetected()
{
    QFETCH(QByteArray, peerSends);
    QFETCH(bool, streamHasPendingData);
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    TcpStream stream;
    Recorder recorder(stream);
    stream.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), TcpStream::State::Connected, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), Timeout);
    QTcpSocket *peer = server.nextPendingConnection();
    if (!peerSends.isEmpty())
        peer->write(peerSends);
    if (streamHasPendingData) {
        peer->setReadBufferSize(1); // reads nearly nothing: the stream's data piles up
        const QByteArray block(1 << 20, 'y');
        for (int i = 0; i < 16; ++i)
            stream.write(block.constData(), block.size());
    }
    peer->disconnectFromHost(); // writes what it has, then FIN (RST if our data was not read)
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), TcpStream::State::Unconnected, Timeout);
    QCOMPARE(recorder.events.mid(recorder.events.size() - 2),
        (QStringList { QStringLiteral("error"), QStringLiteral("Unconnected") }));
    const QString error = stream.errorString();
    QVERIFY2(error == QLatin1String("the remote host closed the connection")
            || error == QLatin1String("connection reset by peer"),
        qPrintable(error));
    QCOMPARE(stream.socketDescriptor(), -1);
    QCOMPARE(stream.bytesToWrite(), 0); // the buffer is dropped
    QCOMPARE(stream.write("x", 1), -1);
}

void tst_tcpstream::abortClosesAtOnce()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    TcpStream stream;
    stream.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), TcpStream::State::Connected, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), Timeout);
    QTcpSocket *peer = server.nextPendingConnection();
    stream.write("abc", 3);
    Recorder recorder(stream);
    stream.abort();
    QCOMPARE(recorder.events, QStringList { QStringLiteral("Unconnected") }); // synchronously, and no error
    QCOMPARE(stream.state(), TcpStream::State::Unconnected);
    QCOMPARE(stream.socketDescriptor(), -1);
    QCOMPARE(stream.bytesToWrite(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(peer->state(), QAbstractSocket::UnconnectedState, Timeout);
    QCOMPARE(recorder.written, 0);
    QCOMPARE(recorder.events.size(), 1);
}

void tst_tcpstream::abortDuringLookupIsSafe()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    TcpStream stream;
    Recorder recorder(stream);
    stream.connectToHost(QStringLiteral("localhost"), server.serverPort());
    QCOMPARE(stream.state(), TcpStream::State::HostLookup);
    stream.abort();
    QCOMPARE(recorder.events, (QStringList { QStringLiteral("HostLookup"), QStringLiteral("Unconnected") }));
    QVERIFY(lookupsSettled());
    QCOMPARE(recorder.events.size(), 2); // the lookup's result went nowhere
    QCOMPARE(stream.state(), TcpStream::State::Unconnected);
    QVERIFY(!server.hasPendingConnections());
}

void tst_tcpstream::staleLookupResultIsIgnored()
{
    // The first lookup would lead to a listening port; after an abort the second must lead to the closed one.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closedPort();
    QVERIFY(port != 0);
    TcpStream stream;
    Recorder recorder(stream);
    stream.connectToHost(QStringLiteral("localhost"), server.serverPort());
    QVERIFY(lookupsPosted()); // its result waits in the event queue
    stream.abort();
    stream.connectToHost(QStringLiteral("localhost"), port);
    QTRY_COMPARE_WITH_TIMEOUT(recorder.events.last(), QStringLiteral("Unconnected"), Timeout);
    QVERIFY(!recorder.events.contains(QStringLiteral("connected")));
    QVERIFY2(stream.errorString().startsWith(QLatin1String("connection refused")), qPrintable(stream.errorString()));
    QVERIFY(lookupsSettled());
    QCOMPARE(recorder.events.last(), QStringLiteral("Unconnected"));
    QVERIFY(!server.hasPendingConnections());
}

void tst_tcpstream::destructionDuringLookupIsSafe()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    for (int i = 0; i < 20; ++i) {
        auto stream = std::make_unique<TcpStream>();
        stream->connectToHost(QStringLiteral("localhost"), server.serverPort());
        stream.reset(); // its lookup goes on without it
        QVERIFY(lookupsSettled());
    }
    // Destroyed while the result is already posted: the event must go with the stream.
    auto stream = std::make_unique<TcpStream>();
    stream->connectToHost(QStringLiteral("localhost"), server.serverPort());
    QVERIFY(lookupsPosted());
    stream.reset();
    QVERIFY(lookupsSettled());
    QVERIFY(!server.hasPendingConnections());
}

void tst_tcpstream::heldLookupAbortedOrDestroyed_data()
{
    QTest::addColumn<bool>("destroy");
    QTest::newRow("aborted") << false;
    QTest::newRow("destroyed") << true;
}

void tst_tcpstream::heldLookupAbortedOrDestroyed()
{
    // A lookup certainly still running (a slow name server): neither abort() nor the destructor waits for it.
    QFETCH(bool, destroy);
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    setGateOpen(false);
    auto stream = std::make_unique<TcpStream>();
    Recorder recorder(*stream);
    stream->connectToHost(QLatin1String(HeldHost), server.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(waitingAtGate(), 1, Timeout);
    if (destroy) {
        stream.reset();
    } else {
        stream->abort();
        QCOMPARE(stream->state(), TcpStream::State::Unconnected);
    }
    QCOMPARE(waitingAtGate(), 1); // returned while the lookup still hangs
    setGateOpen(true);
    QVERIFY(lookupsSettled());
    QCOMPARE(recorder.events,
        (QStringList { QStringLiteral("HostLookup"), QStringLiteral("Unconnected") }).mid(0, destroy ? 1 : 2));
    QVERIFY(!server.hasPendingConnections());
    if (stream) { // still usable
        stream->connectToHost(QLatin1String(HeldHost), server.serverPort());
        QTRY_COMPARE_WITH_TIMEOUT(stream->state(), TcpStream::State::Connected, Timeout);
    }
}

void tst_tcpstream::addressesAreTriedInOrder()
{
    QTcpServer server; // on 127.0.0.1 only: 127.0.0.2 refuses
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const quint16 port = server.serverPort();
    TcpStream stream;
    stream.connectToHost(QLatin1String(TwoAddressesHost), port);
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), TcpStream::State::Connected, Timeout);
    QVERIFY(stream.errorString().isEmpty()); // the refused first address is no longer news
    QTRY_VERIFY_WITH_TIMEOUT(server.hasPendingConnections(), Timeout);
    QCOMPARE(server.nextPendingConnection()->peerAddress(), QHostAddress(QHostAddress::LocalHost));
    stream.abort();

    // Both refuse: the error names each address tried.
    server.close();
    stream.connectToHost(QLatin1String(TwoAddressesHost), port);
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), TcpStream::State::Unconnected, Timeout);
    QCOMPARE(stream.errorString(),
        QStringLiteral("connection refused at 127.0.0.2:%1; connection refused at 127.0.0.1:%1").arg(port));
    QVERIFY(lookupsSettled());
}

void tst_tcpstream::keepAlive()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    TcpStream stream;
    stream.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), TcpStream::State::Connected, Timeout);
    const auto keepAliveOn = [&] {
        int value = -1;
        socklen_t length = sizeof value;
        ::getsockopt(stream.socketDescriptor(), SOL_SOCKET, SO_KEEPALIVE, &value, &length);
        return value;
    };
    QCOMPARE(keepAliveOn(), 0);
    stream.setKeepAlive(true);
    QCOMPARE(keepAliveOn(), 1);
    stream.abort();
    stream.connectToHost(QStringLiteral("127.0.0.1"), server.serverPort()); // kept for the next connection
    QTRY_COMPARE_WITH_TIMEOUT(stream.state(), TcpStream::State::Connected, Timeout);
    QCOMPARE(keepAliveOn(), 1);
}

QTEST_GUILESS_MAIN(tst_tcpstream)
#include "tst_tcpstream.moc"

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// SocketServer's reading under load: floods, ends of stream, resets, pausing mid-stream, a congested sink,
// accept() out of descriptors.
#include "socketserverharness.h"

namespace {
/** The connection ended: every byte sent was read, its whole lines reached the sink ("w"), a cut-off last
 *  line was rejected, and nothing stays open. */
void verifyReadExactly(const SocketServer &server, const RecordingSink &sink, std::string_view sent)
{
    const std::size_t complete = sent.rfind('\n') + 1;
    QCOMPARE(server.counters().bytesRead, qint64(sent.size()));
    QVERIFY(sink.byCollector.at("w") == sent.substr(0, complete));
    QCOMPARE(sink.rejects.size(), std::size_t(complete < sent.size() ? 1 : 0));
    QCOMPARE(server.counters().openConnections, 0);
}
} // namespace

class tst_socketreading : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void floodingWriterStarvesNeitherTimersNorOtherWriters();
    void endOfStreamWithDataBufferedIsReadToTheEnd();
    void killedWriterLosesNothingItSent();
    void resetByTheWriterKeepsWhatItSent();
    void pauseWhileReadingStopsAndResumeReadsTheRest();
    void congestedSinkStopsReadingUntilResumed();
    void acceptOutOfDescriptorsRetriesAndRecovers();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString socketPath() const { return m_dir->filePath(QStringLiteral("garnet.sock")); }
};

void tst_socketreading::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_socketreading::floodingWriterStarvesNeitherTimersNorOtherWriters()
{
    RecordingSink sink;
    sink.keepText = false;
    SocketServer server(sink, nullptr, context("w"));
    QVERIFY(server.listen(socketPath()));
    QSignalSpy disconnected(&server, &SocketServer::clientDisconnected);
    Flooder flooder(socketPath());
    QVERIFY(flooder.connected());
    qint64 otherLines = 0;
    bool floodingWhenOtherArrived = false;
    volatile unsigned checksum = 0;
    sink.onLines = [&](std::string_view lines) {
        // A sink slower than the writer, so the socket never runs dry of its own accord.
        for (int pass = 0; pass < 4; ++pass)
            for (const char c : lines)
                checksum = checksum * 31 + unsigned(c);
        for (auto at = lines.find("other."); at != std::string_view::npos; at = lines.find("other.", at + 1)) {
            ++otherLines;
            floodingWhenOtherArrived = !flooder.done();
        }
    };
    QTRY_VERIFY_WITH_TIMEOUT(sink.lineCount > 0, 10000); // the flood is being read

    // The writer never lets up: a server that read until the socket runs dry would not come back before the
    // flooder's cap, and both of these would only happen after the flood.
    bool timerFired = false;
    bool floodingWhenTimerFired = false;
    QTimer::singleShot(0, this, [&] {
        timerFired = true;
        floodingWhenTimerFired = !flooder.done();
    });
    auto other = connectClient(socketPath());
    QVERIFY(other);
    writeAll(*other, "other.line 1 2\n");
    QTRY_VERIFY_WITH_TIMEOUT(timerFired && otherLines == 1, 60000);
    QVERIFY(floodingWhenTimerFired);
    QVERIFY(floodingWhenOtherArrived);

    // Nothing of the flood is lost either.
    flooder.stop();
    QTRY_VERIFY_WITH_TIMEOUT(flooder.done(), 30000);
    QTRY_COMPARE_WITH_TIMEOUT(disconnected.size(), 1, 30000);
    QCOMPARE(sink.lineCount, flooder.linesSent() + 1);
    QCOMPARE(server.counters().bytesRead,
        flooder.linesSent() * qint64(Flooder::FloodLine.size()) + qint64(std::strlen("other.line 1 2\n")));
    QVERIFY(sink.rejects.empty());
    QCOMPARE(server.counters().openConnections, 1);
}

void tst_socketreading::endOfStreamWithDataBufferedIsReadToTheEnd()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, context("w"));
    QVERIFY(server.listen(socketPath()));
    QSignalSpy disconnected(&server, &SocketServer::clientDisconnected);

    // Sent and closed before the server even accepted: as much as the kernel holds. A larger send buffer (as
    // far as the system allows) queues more than one wakeup reads.
    const int fd = connectRaw(socketPath());
    QVERIFY(fd >= 0);
    const int wanted = 4 * 1024 * 1024;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &wanted, sizeof(wanted));
    const std::string data = numberedLines(QStringLiteral("eof"), 200000);
    std::size_t written = 0;
    while (written < data.size()) {
        const ssize_t n = ::send(fd, data.data() + written, data.size() - written, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n <= 0)
            break;
        written += std::size_t(n);
    }
    ::close(fd);
    QVERIFY(written > std::size_t(SocketServer::ReadChunkBytes));

    QTRY_COMPARE(disconnected.size(), 1);
    verifyReadExactly(server, sink, std::string_view(data.data(), written));
}

void tst_socketreading::killedWriterLosesNothingItSent()
{
    RecordingSink sink;
    sink.congestAtLines = 1000; // the server stops reading after a while, so the writer is stuck mid-stream
    SocketServer server(sink, nullptr, context("w"));
    QVERIFY(server.listen(socketPath()));
    QSignalSpy disconnected(&server, &SocketServer::clientDisconnected);

    constexpr int Lines = 100000;
    QProcess writer;
    writer.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    writer.start(QStringLiteral("python3"),
        { Writer, socketPath(), QStringLiteral("killed"), QString::number(Lines), QStringLiteral("--probe-block") });
    QVERIFY(writer.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(writer.canReadLine(), 30000);
    const QByteArray report = writer.readLine().trimmed();
    QVERIFY2(report.startsWith("blocked "), report.constData());
    const std::size_t sent = std::size_t(report.mid(8).toLongLong());
    const qint64 readBeforeKill = sink.lineCount;
    QVERIFY(readBeforeKill >= 1000);
    writer.kill(); // no orderly shutdown: what it sent sits in the kernel, most likely ending mid-line
    QVERIFY(writer.waitForFinished(30000));

    sink.congestAtLines = -1;
    server.setPaused(false); // what the pipeline does when its outputs drain
    QTRY_COMPARE(disconnected.size(), 1);
    const std::string all = numberedLines(QStringLiteral("killed"), Lines);
    QVERIFY(sent < all.size());
    QVERIFY(sink.lineCount > readBeforeKill);
    verifyReadExactly(server, sink, std::string_view(all.data(), sent));
}

void tst_socketreading::resetByTheWriterKeepsWhatItSent()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, context("w"));
    QVERIFY(server.listen(socketPath()));
    QSignalSpy disconnected(&server, &SocketServer::clientDisconnected);
    const int client = connectRaw(socketPath());
    QVERIFY(client >= 0);
    const std::string before = numberedLines(QStringLiteral("before"), 10);
    QCOMPARE(::send(client, before.data(), before.size(), MSG_NOSIGNAL), ssize_t(before.size()));
    QTRY_COMPARE(sink.lineCount, 10); // read before the reset

    // Closing a Unix socket resets the connection only if the closing side leaves data unread. The server
    // never writes, so its end of the connection puts a byte in the writer's queue here.
    const int serverEnd = acceptedDescriptor(socketPath());
    QVERIFY(serverEnd >= 0);
    QCOMPARE(::send(serverEnd, "x", 1, MSG_DONTWAIT | MSG_NOSIGNAL), ssize_t(1));
    server.setPaused(true); // what follows is still queued when the reset arrives
    const std::string after = numberedLines(QStringLiteral("after"), 10) + "cut.off 1";
    QCOMPARE(::send(client, after.data(), after.size(), MSG_NOSIGNAL), ssize_t(after.size()));
    ::close(client);

    server.setPaused(false);
    QTRY_COMPARE(disconnected.size(), 1);
    QCOMPARE(server.counters().bytesRead, qint64(before.size() + after.size()));
    QVERIFY(sink.byCollector["w"] == before + numberedLines(QStringLiteral("after"), 10));
    QCOMPARE(sink.rejects.size(), std::size_t(1));
    QCOMPARE(sink.rejects[0].second, RejectReason::Unterminated);
    QCOMPARE(server.counters().openConnections, 0);
}

void tst_socketreading::pauseWhileReadingStopsAndResumeReadsTheRest()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, context("w"));
    QVERIFY(server.listen(socketPath()));
    QSignalSpy disconnected(&server, &SocketServer::clientDisconnected);
    const int fd = connectRaw(socketPath());
    QVERIFY(fd >= 0);
    const std::string first = numberedLines(QStringLiteral("first"), 1);
    QCOMPARE(::send(fd, first.data(), first.size(), MSG_NOSIGNAL), ssize_t(first.size()));
    QTRY_COMPARE(sink.lineCount, 1); // an established connection, being read

    server.setPaused(true);
    const std::string held = numberedLines(QStringLiteral("held"), 50);
    QCOMPARE(::send(fd, held.data(), held.size(), MSG_NOSIGNAL), ssize_t(held.size()));
    ::close(fd);
    // The event loop polls the listener and sees the next connection; the data and the end sent before it
    // stay unread.
    auto next = connectClient(socketPath());
    QVERIFY(next);
    QTRY_COMPARE(server.counters().connections, 2);
    QCOMPARE(sink.lineCount, 1);
    QCOMPARE(server.counters().bytesRead, qint64(first.size()));
    QCOMPARE(disconnected.size(), 0);

    server.setPaused(false);
    QTRY_COMPARE(disconnected.size(), 1);
    QVERIFY(sink.byCollector["w"] == first + held);
    QVERIFY(sink.rejects.empty());
    QCOMPARE(server.counters().openConnections, 1);
}

void tst_socketreading::congestedSinkStopsReadingUntilResumed()
{
    RecordingSink sink;
    sink.congestAtLines = 5000; // the outputs fill up mid-stream; nobody calls setPaused(true)
    SocketServer server(sink, nullptr, context("w"));
    QVERIFY(server.listen(socketPath()));

    constexpr int Lines = 100000;
    QProcess writer;
    writer.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    writer.start(QStringLiteral("python3"),
        { Writer, socketPath(), QStringLiteral("congested"), QString::number(Lines), QStringLiteral("--probe-block") });
    QVERIFY(writer.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(writer.canReadLine(), 30000);
    const QByteArray report = writer.readLine().trimmed();
    QVERIFY2(report.startsWith("blocked "), report.constData()); // the server stopped reading: backpressure
    QVERIFY(sink.lineCount >= 5000);
    QVERIFY(sink.lineCount < Lines);

    sink.congestAtLines = -1;
    server.setPaused(false); // the pipeline's congestionChanged(false)
    writer.write("go\n");
    QTRY_COMPARE_WITH_TIMEOUT(sink.lineCount, qint64(Lines), 60000);
    QTRY_COMPARE_WITH_TIMEOUT(writer.state(), QProcess::NotRunning, 30000);
    QCOMPARE(writer.exitCode(), 0);
    QVERIFY(sink.byCollector["w"] == numberedLines(QStringLiteral("congested"), Lines));
    QVERIFY(sink.rejects.empty());
}

void tst_socketreading::acceptOutOfDescriptorsRetriesAndRecovers()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, context("w"));
    QVERIFY(server.listen(socketPath()));
    const int client = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0); // made while descriptors are left
    QVERIFY(client >= 0);

    // Every descriptor below the lowest free one is taken: a limit there leaves accept() none.
    rlimit original {};
    QCOMPARE(::getrlimit(RLIMIT_NOFILE, &original), 0);
    const int lowestFree = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    QVERIFY(lowestFree >= 0);
    ::close(lowestFree);
    struct RestoreLimit
    {
        rlimit limit;
        ~RestoreLimit() { ::setrlimit(RLIMIT_NOFILE, &limit); }
    } restore { original };
    rlimit lowered = original;
    lowered.rlim_cur = rlim_t(lowestFree);
    QCOMPARE(::setrlimit(RLIMIT_NOFILE, &lowered), 0);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot accept a connection: .*retrying")));
    QVERIFY(connectTo(client, socketPath()));
    const std::string line = "waited.out 1 2\n";
    QCOMPARE(::send(client, line.data(), line.size(), MSG_NOSIGNAL), ssize_t(line.size()));
    QTRY_VERIFY_WITH_TIMEOUT(server.counters().acceptFailures >= 2, 10000); // failed, rested, tried again
    QCOMPARE(server.counters().openConnections, 0);

    QCOMPARE(::setrlimit(RLIMIT_NOFILE, &original), 0);
    QTRY_COMPARE(server.counters().openConnections, 1); // the queued connection was kept
    QTRY_COMPARE(sink.lineCount, 1);
    QCOMPARE(sink.byCollector["w"], line);
    ::close(client);
    QTRY_COMPARE(server.counters().openConnections, 0);
}

QTEST_GUILESS_MAIN(tst_socketreading)
#include "tst_socketreading.moc"

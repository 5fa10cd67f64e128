// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "socketserverharness.h"

class tst_socketserver : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void modesUnderUmaskZero();
    void staleSocketIsReplaced();
    void liveSocketIsRefused();
    void badPathsAreRefused_data();
    void badPathsAreRefused();
    void concurrentWritersArriveExactly();
    void lineSplitAcrossWritesIsJoined();
    void overlongLineIsRejectedAndConnectionSurvives();
    void unterminatedTailIsRejected();
    void attributionUsesThePeerPid();
    void unattributedWriterGetsTheFallbackContext();
    void pauseBlocksWritersAndResumeDeliversAll();
    void resumeReadsDataAlreadyBuffered();
    void closeDrainsAndRemovesTheFile();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString socketPath() const { return m_dir->filePath(QStringLiteral("garnet.sock")); }
};

void tst_socketserver::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_socketserver::modesUnderUmaskZero()
{
    const QString path = m_dir->filePath(QStringLiteral("run/garnet/garnet.sock"));
    const mode_t oldMask = ::umask(0);
    RecordingSink sink;
    SocketServer server(sink, nullptr, nullptr);
    const bool listening = server.listen(path);
    ::umask(oldMask);
    QVERIFY2(listening, qPrintable(server.errorString()));

    QVERIFY(S_ISDIR(modeOf(m_dir->filePath(QStringLiteral("run")))));
    QCOMPARE(modeOf(m_dir->filePath(QStringLiteral("run"))) & 07777, mode_t(0750));
    QCOMPARE(modeOf(m_dir->filePath(QStringLiteral("run/garnet"))) & 07777, mode_t(0750));
    QVERIFY(S_ISSOCK(modeOf(path)));
    QCOMPARE(modeOf(path) & 07777, mode_t(0660));
    // Qt's private bind directory is gone: the socket is the only entry.
    QCOMPARE(QDir(m_dir->filePath(QStringLiteral("run/garnet")))
                 .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::System),
        QStringList { QStringLiteral("garnet.sock") });
    // An existing directory keeps its mode.
    QCOMPARE(modeOf(m_dir->path()) & 07777, mode_t(0700));
}

void tst_socketserver::staleSocketIsReplaced()
{
    // A socket file nobody listens on: what a killed agent leaves behind.
    const QByteArray encoded = QFile::encodeName(socketPath());
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, encoded.constData(), std::size_t(encoded.size()));
    QCOMPARE(::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)), 0);
    ::close(fd);
    QVERIFY(S_ISSOCK(modeOf(socketPath())));

    RecordingSink sink;
    SocketServer server(sink, nullptr, nullptr);
    QVERIFY2(server.listen(socketPath()), qPrintable(server.errorString()));
    auto client = connectClient(socketPath());
    QVERIFY(client);
    writeAll(*client, "after.restart 1 2\n");
    QTRY_COMPARE(sink.lineCount, 1);
}

void tst_socketserver::liveSocketIsRefused()
{
    RecordingSink sink;
    SocketServer first(sink, nullptr, nullptr);
    QVERIFY(first.listen(socketPath()));

    SocketServer second(sink, nullptr, nullptr);
    QVERIFY(!second.listen(socketPath()));
    QCOMPARE(second.errorString(), QStringLiteral("another agent is listening on ") + socketPath());
    second.close(); // must not remove the live agent's socket

    // The first agent is untouched and still serving.
    QVERIFY(S_ISSOCK(modeOf(socketPath())));
    auto client = connectClient(socketPath());
    QVERIFY(client);
    writeAll(*client, "still.served 1 2\n");
    QTRY_COMPARE(sink.lineCount, 1);
}

void tst_socketserver::badPathsAreRefused_data()
{
    QTest::addColumn<QString>("relativePath");
    QTest::addColumn<QString>("expectedError");
    QTest::addColumn<bool>("createFile");

    QTest::newRow("not a socket") << QStringLiteral("plain-file") << QStringLiteral("exists and is not a socket")
                                  << true;
    QTest::newRow("relative") << QString() << QStringLiteral("must be absolute") << false;
    QTest::newRow("too long") << QString(120, u'x') << QStringLiteral("too long") << false;
    QTest::newRow("parent is a file") << QStringLiteral("plain-file/garnet.sock") << QStringLiteral("not a directory")
                                      << true;
}

void tst_socketserver::badPathsAreRefused()
{
    QFETCH(QString, relativePath);
    QFETCH(QString, expectedError);
    QFETCH(bool, createFile);

    QFile plain(m_dir->filePath(QStringLiteral("plain-file")));
    if (createFile) {
        QVERIFY(plain.open(QIODevice::WriteOnly));
        plain.write("keep me");
        plain.close();
    }
    const QString path = relativePath.isEmpty() ? QStringLiteral("relative.sock") : m_dir->filePath(relativePath);
    RecordingSink sink;
    SocketServer server(sink, nullptr, nullptr);
    QVERIFY(!server.listen(path));
    QVERIFY2(server.errorString().contains(expectedError), qPrintable(server.errorString()));
    if (createFile) {
        QVERIFY(plain.open(QIODevice::ReadOnly));
        QCOMPARE(plain.readAll(), QByteArray("keep me"));
    }
}

void tst_socketserver::concurrentWritersArriveExactly()
{
    RecordingSink sink;
    // Each writer process is its own "collector", so its lines can be checked for order too.
    SocketServer server(
        sink, [](pid_t pid) { return context("pid" + QByteArray::number(pid)); }, nullptr);
    QVERIFY(server.listen(socketPath()));

    constexpr int Writers = 20;
    constexpr int LinesEach = 5000;
    std::vector<std::unique_ptr<QProcess>> writers;
    std::map<QByteArray, QString> prefixByCollector;
    for (int w = 0; w < Writers; ++w) {
        auto process = std::make_unique<QProcess>();
        process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        const QString prefix = QStringLiteral("writer%1").arg(w);
        process->start(QStringLiteral("python3"),
            { Writer, socketPath(), prefix, QString::number(LinesEach), QStringLiteral("--seed"),
                QString::number(w + 1) });
        QVERIFY(process->waitForStarted());
        prefixByCollector["pid" + QByteArray::number(process->processId())] = prefix;
        writers.push_back(std::move(process));
    }
    QTRY_COMPARE_WITH_TIMEOUT(sink.lineCount, qint64(Writers) * LinesEach, 60000);
    for (auto &process : writers) {
        QTRY_COMPARE_WITH_TIMEOUT(process->state(), QProcess::NotRunning, 30000);
        QCOMPARE(process->exitStatus(), QProcess::NormalExit);
        QCOMPARE(process->exitCode(), 0);
    }
    QTRY_COMPARE(server.counters().openConnections, 0);
    QCOMPARE(server.counters().connections, qint64(Writers));
    QVERIFY(sink.rejects.empty());
    QCOMPARE(sink.byCollector.size(), std::size_t(Writers));
    for (const auto &[collector, lines] : sink.byCollector) {
        QVERIFY2(prefixByCollector.count(collector), collector.constData());
        QVERIFY2(lines == numberedLines(prefixByCollector[collector], LinesEach), collector.constData());
    }
}

void tst_socketserver::lineSplitAcrossWritesIsJoined()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, context("mine"));
    QVERIFY(server.listen(socketPath()));
    auto client = connectClient(socketPath());
    QVERIFY(client);
    writeAll(*client, "first 1 2\nsplit.li");
    QTRY_COMPARE(server.counters().bytesRead, 18); // the server has read the partial line...
    QCOMPARE(sink.byCollector["mine"], std::string("first 1 2\n")); // ...and holds it back
    writeAll(*client, "ne 3");
    QTRY_COMPARE(server.counters().bytesRead, 22);
    writeAll(*client, " 4\nnext 5 6\n");
    QTRY_COMPARE(sink.lineCount, 3);
    QCOMPARE(sink.byCollector["mine"], std::string("first 1 2\nsplit.line 3 4\nnext 5 6\n"));
    QVERIFY(sink.rejects.empty());
}

void tst_socketserver::overlongLineIsRejectedAndConnectionSurvives()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, context("mine"));
    QVERIFY(server.listen(socketPath()));
    auto client = connectClient(socketPath());
    QVERIFY(client);

    // Longer than one read, so the framer sees it grow past the limit without a newline.
    const std::string overlong(100 * 1024, 'x');
    writeAll(*client, "before 1 2\n" + overlong + " 1 2\nafter 3 4\n");
    QTRY_COMPARE(sink.lineCount, 2);
    QCOMPARE(sink.byCollector["mine"], std::string("before 1 2\nafter 3 4\n"));
    QCOMPARE(sink.rejects.size(), std::size_t(1));
    QCOMPARE(sink.rejects[0].second, RejectReason::TooLong);
    QCOMPARE(server.counters().overlongLines, 1);

    // Same connection, still open and framing normally.
    QCOMPARE(client->state(), QLocalSocket::ConnectedState);
    writeAll(*client, "later 5 6\n");
    QTRY_COMPARE(sink.lineCount, 3);
    QCOMPARE(server.counters().openConnections, 1);
}

void tst_socketserver::unterminatedTailIsRejected()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, context("mine"));
    QVERIFY(server.listen(socketPath()));
    QSignalSpy disconnected(&server, &SocketServer::clientDisconnected);
    auto client = connectClient(socketPath());
    QVERIFY(client);
    writeAll(*client, "complete 1 2\nno.newline 3");
    client->disconnectFromServer();
    QTRY_COMPARE(disconnected.size(), 1);
    QCOMPARE(sink.byCollector["mine"], std::string("complete 1 2\n"));
    QCOMPARE(sink.rejects.size(), std::size_t(1));
    QCOMPARE(sink.rejects[0].second, RejectReason::Unterminated);
    QCOMPARE(server.counters().openConnections, 0);
}

void tst_socketserver::attributionUsesThePeerPid()
{
    RecordingSink sink;
    std::vector<pid_t> asked;
    SocketServer server(
        sink,
        [&](pid_t pid) {
            asked.push_back(pid);
            return context("child");
        },
        nullptr);
    QVERIFY(server.listen(socketPath()));

    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedChannels);
    child.start(QStringLiteral("python3"), { Writer, socketPath(), QStringLiteral("from.child"), QStringLiteral("3") });
    QVERIFY(child.waitForStarted());
    const qint64 childPid = child.processId();
    QVERIFY(child.waitForFinished(30000));
    QCOMPARE(child.exitCode(), 0);

    QTRY_COMPARE(sink.lineCount, 3);
    QCOMPARE(asked.size(), std::size_t(1)); // once per connection, not per line
    QCOMPARE(qint64(asked[0]), childPid);
    QCOMPARE(sink.byCollector["child"], numberedLines(QStringLiteral("from.child"), 3));
    QCOMPARE(server.counters().unattributedConnections, 0);
}

void tst_socketserver::unattributedWriterGetsTheFallbackContext()
{
    RecordingSink sink;
    std::vector<pid_t> asked;
    SocketServer server(
        sink,
        [&](pid_t pid) {
            asked.push_back(pid);
            return RunContextPtr();
        },
        context("first-fallback"));
    server.setUnattributedContext(context("stranger"));
    QVERIFY(server.listen(socketPath()));
    auto client = connectClient(socketPath());
    QVERIFY(client);
    writeAll(*client, "who.am.i 1 2\n");
    QTRY_COMPARE(sink.lineCount, 1);
    QCOMPARE(sink.byCollector["stranger"], std::string("who.am.i 1 2\n"));
    QCOMPARE(asked, std::vector<pid_t> { ::getpid() });
    QCOMPARE(server.counters().unattributedConnections, 1);
}

void tst_socketserver::pauseBlocksWritersAndResumeDeliversAll()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, context("w"));
    QVERIFY(server.listen(socketPath()));
    server.setPaused(true);
    QVERIFY(server.isPaused());

    // ~3 MB: far more than the kernel buffer plus the server's bounded read buffer.
    constexpr int Lines = 100000;
    QProcess writer;
    writer.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    writer.start(QStringLiteral("python3"),
        { Writer, socketPath(), QStringLiteral("paused"), QString::number(Lines), QStringLiteral("--probe-block") });
    QVERIFY(writer.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(writer.canReadLine(), 30000); // the event loop keeps running meanwhile
    const QByteArray report = writer.readLine().trimmed();
    QVERIFY2(report.startsWith("blocked "), report.constData());
    QVERIFY(report.mid(8).toLongLong() < qint64(numberedLines(QStringLiteral("paused"), Lines).size()));
    QCOMPARE(sink.lineCount, 0); // nothing was handed on while paused
    QCOMPARE(server.counters().openConnections, 1);

    server.setPaused(false);
    writer.write("go\n");
    QTRY_COMPARE_WITH_TIMEOUT(sink.lineCount, qint64(Lines), 60000);
    QTRY_COMPARE_WITH_TIMEOUT(writer.state(), QProcess::NotRunning, 30000);
    QCOMPARE(writer.exitCode(), 0);
    QVERIFY(sink.byCollector["w"] == numberedLines(QStringLiteral("paused"), Lines));
}

void tst_socketserver::resumeReadsDataAlreadyBuffered()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, context("w"));
    QVERIFY(server.listen(socketPath()));
    QSignalSpy disconnected(&server, &SocketServer::clientDisconnected);
    server.setPaused(true);

    // Small enough to sit entirely in buffers; the writer finishes and closes while we are paused.
    QProcess writer;
    writer.setProcessChannelMode(QProcess::ForwardedChannels);
    writer.start(QStringLiteral("python3"), { Writer, socketPath(), QStringLiteral("early"), QStringLiteral("500") });
    QVERIFY(writer.waitForFinished(30000));
    QCOMPARE(writer.exitCode(), 0);
    QTRY_COMPARE(server.counters().connections, 1);
    QCOMPARE(sink.lineCount, 0);
    QCOMPARE(disconnected.size(), 0); // buffered data keeps the connection until it is read

    server.setPaused(false); // no new data will ever arrive: the resume itself must read
    QTRY_COMPARE(sink.lineCount, 500);
    QTRY_COMPARE(disconnected.size(), 1);
    QVERIFY(sink.byCollector["w"] == numberedLines(QStringLiteral("early"), 500));
    QVERIFY(sink.rejects.empty());
}

void tst_socketserver::closeDrainsAndRemovesTheFile()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, context("w"));
    QVERIFY(server.listen(socketPath()));
    QVERIFY(QFileInfo::exists(socketPath()));

    // Written but never seen by the event loop: close() must still deliver it.
    auto client = connectClient(socketPath());
    QVERIFY(client);
    writeAll(*client, numberedLines(QStringLiteral("last"), 100) + "cut.off 1");
    server.close();
    QCOMPARE(sink.lineCount, 100);
    QCOMPARE(sink.rejects.size(), std::size_t(1));
    QCOMPARE(sink.rejects[0].second, RejectReason::Unterminated);
    QVERIFY(!QFileInfo::exists(socketPath()));
    QCOMPARE(modeOf(socketPath()), mode_t(0));
    QCOMPARE(server.counters().openConnections, 0);
    QTRY_COMPARE(client->state(), QLocalSocket::UnconnectedState);
}

QTEST_GUILESS_MAIN(tst_socketserver)
#include "tst_socketserver.moc"

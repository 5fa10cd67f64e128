// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "linesink.h"
#include "socketserver.h"

#include <QLocalSocket>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <fcntl.h>
#include <functional>
#include <map>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

using namespace Garnet;

namespace {

const QString Writer = QStringLiteral(GARNET_TEST_SOURCE_DIR "/agent/writers/linewriter.py");

/** Records what the server hands on, per collector. */
class RecordingSink : public LineSink
{
public:
    void ingestLines(const RunContext &run, std::string_view lines) override
    {
        QVERIFY(!lines.empty() && lines.back() == '\n');
        if (keepText)
            byCollector[run.collector].append(lines);
        lineCount += std::count(lines.begin(), lines.end(), '\n');
        if (onLines)
            onLines(lines);
    }
    void rejectLine(const RunContext &run, RejectReason reason) override
    {
        rejects.emplace_back(run.collector, reason);
    }
    bool isCongested() const override { return congestAtLines >= 0 && lineCount >= congestAtLines; }

    std::map<QByteArray, std::string> byCollector;
    qint64 lineCount = 0;
    std::vector<std::pair<QByteArray, RejectReason>> rejects;
    bool keepText = true; ///< off for floods: only counted
    qint64 congestAtLines = -1; ///< congested from this many lines on (-1: never)
    std::function<void(std::string_view)> onLines;
};

RunContextPtr context(const QByteArray &collector)
{
    auto run = std::make_shared<RunContext>();
    run->collector = collector;
    run->pathPrefix = "servers.test." + collector;
    return run;
}

mode_t modeOf(const QString &path)
{
    struct stat st;
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return 0;
    return st.st_mode;
}

std::string numberedLines(const QString &prefix, int count)
{
    std::string out;
    for (int i = 0; i < count; ++i)
        out += prefix.toStdString() + '.' + std::to_string(i) + ' ' + std::to_string(i) + " 1700000000\n";
    return out;
}

/** A client in this process: connected synchronously (the kernel queues it until the server accepts). */
std::unique_ptr<QLocalSocket> connectClient(const QString &path)
{
    auto client = std::make_unique<QLocalSocket>();
    client->connectToServer(path);
    if (!client->waitForConnected(5000))
        return nullptr;
    return client;
}

void writeAll(QLocalSocket &client, std::string_view data)
{
    client.write(data.data(), qint64(data.size()));
    while (client.bytesToWrite() > 0 && client.waitForBytesWritten(5000)) { }
}

bool connectTo(int fd, const QString &path)
{
    const QByteArray encoded = QFile::encodeName(path);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, encoded.constData(), std::size_t(encoded.size()));
    return ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0;
}

/** A plain blocking client descriptor, connected (queued until the server accepts); -1 on failure. */
int connectRaw(const QString &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connectTo(fd, path))
        return fd;
    if (fd >= 0)
        ::close(fd);
    return -1;
}

/** The server's end of the one connection open to path (this process is the server): -1 if none. */
int acceptedDescriptor(const QString &path)
{
    const QByteArray encoded = QFile::encodeName(path);
    const QStringList fds = QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System);
    for (const QString &name : fds) {
        const int fd = name.toInt();
        int listening = 1;
        socklen_t length = sizeof(listening);
        sockaddr_un address {};
        socklen_t addressLength = sizeof(address);
        if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) != 0 || listening
            || ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &addressLength) != 0
            || address.sun_family != AF_UNIX)
            continue;
        if (QByteArray(address.sun_path) == encoded)
            return fd;
    }
    return -1;
}

/**
 * A writer thread that sends whole chunks of FloodLine as fast as the socket takes them, until stopped
 * (or until a cap, so a server that never lets go of the event loop fails the test instead of hanging it).
 */
class Flooder
{
public:
    static constexpr std::string_view FloodLine = "flood.line 1 2\n";
    static constexpr qint64 CapBytes = 512LL * 1024 * 1024;

    explicit Flooder(const QString &path)
        : m_fd(connectRaw(path))
    {
        std::string chunk;
        while (chunk.size() + FloodLine.size() <= 64 * 1024)
            chunk += FloodLine;
        // A deep queue (as far as the system allows) refills long before a slow reader could drain it.
        const int deep = 4 * 1024 * 1024;
        if (m_fd >= 0) {
            ::setsockopt(m_fd, SOL_SOCKET, SO_SNDBUF, &deep, sizeof(deep));
            m_thread = std::thread([this, chunk] { run(chunk); });
        }
    }
    ~Flooder()
    {
        stop();
        if (m_fd >= 0)
            ::shutdown(m_fd, SHUT_RDWR); // unblocks a send() the server no longer drains
        if (m_thread.joinable())
            m_thread.join();
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool connected() const { return m_fd >= 0; }
    void stop() { m_stop = true; }
    bool done() const { return m_done; }
    qint64 linesSent() const { return m_bytes / qint64(FloodLine.size()); }

private:
    void run(const std::string &chunk)
    {
        while (!m_stop && m_bytes < CapBytes) {
            for (std::size_t sent = 0; sent < chunk.size();) {
                const ssize_t n = ::send(m_fd, chunk.data() + sent, chunk.size() - sent, MSG_NOSIGNAL);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n <= 0) {
                    m_done = true; // the server closed; only whole chunks are counted
                    return;
                }
                sent += std::size_t(n);
            }
            m_bytes += qint64(chunk.size());
        }
        ::shutdown(m_fd, SHUT_WR); // the end of the stream, as close() would be
        m_done = true;
    }
    int m_fd;
    std::thread m_thread;
    std::atomic<bool> m_stop { false };
    std::atomic<bool> m_done { false };
    std::atomic<qint64> m_bytes { 0 };
};

} // namespace

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

void tst_socketserver::floodingWriterStarvesNeitherTimersNorOtherWriters()
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

void tst_socketserver::endOfStreamWithDataBufferedIsReadToTheEnd()
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
    const std::string_view sent(data.data(), written);
    const std::size_t complete = sent.rfind('\n') + 1;
    QCOMPARE(server.counters().bytesRead, qint64(written));
    QVERIFY(sink.byCollector["w"] == sent.substr(0, complete));
    QCOMPARE(sink.rejects.size(), std::size_t(complete < written ? 1 : 0));
    QCOMPARE(server.counters().openConnections, 0);
}

void tst_socketserver::killedWriterLosesNothingItSent()
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
    const std::string_view prefix(all.data(), sent);
    const std::size_t complete = prefix.rfind('\n') + 1;
    QCOMPARE(server.counters().bytesRead, qint64(sent));
    QVERIFY(sink.lineCount > readBeforeKill);
    QVERIFY(sink.byCollector["w"] == prefix.substr(0, complete));
    QCOMPARE(sink.rejects.size(), std::size_t(complete < sent ? 1 : 0));
    QCOMPARE(server.counters().openConnections, 0);
}

void tst_socketserver::resetByTheWriterKeepsWhatItSent()
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

void tst_socketserver::pauseWhileReadingStopsAndResumeReadsTheRest()
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

void tst_socketserver::congestedSinkStopsReadingUntilResumed()
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

void tst_socketserver::acceptOutOfDescriptorsRetriesAndRecovers()
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

QTEST_GUILESS_MAIN(tst_socketserver)
#include "tst_socketserver.moc"

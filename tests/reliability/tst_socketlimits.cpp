// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// SocketServer's access control and limits: exact socket mode from the first instant, peer credentials,
// max_connections (collectors first), idle_timeout (idle clients and slow-loris writers), the open-file limit.
#include "linesink.h"
#include "socketharness.h"
#include "socketserver.h"

#include <QLocalSocket>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Garnet;
using namespace GarnetTest;
using namespace std::chrono_literals;

namespace {

class RecordingSink : public LineSink
{
public:
    void ingestLines(const RunContext &run, std::string_view lines) override
    {
        byCollector[run.collector] += std::count(lines.begin(), lines.end(), '\n');
    }
    void rejectLine(const RunContext &, RejectReason reason) override { rejects.push_back(reason); }
    bool isCongested() const override { return false; }
    std::map<QByteArray, qint64> byCollector;
    std::vector<RejectReason> rejects;
};

mode_t modeOf(const QString &path)
{
    struct stat st;
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? st.st_mode : 0;
}

std::unique_ptr<QLocalSocket> connectClient(const QString &path)
{
    auto client = std::make_unique<QLocalSocket>();
    client->connectToServer(path);
    if (!client->waitForConnected(5000))
        return nullptr;
    return client;
}

RunContextPtr collectorContext()
{
    auto run = std::make_shared<RunContext>();
    run->collector = "writer";
    run->pathPrefix = "servers.test.writer";
    return run;
}

} // namespace

class tst_socketlimits : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void modeIsExactFromTheFirstInstant_data();
    void modeIsExactFromTheFirstInstant();
    void modeChangeAppliesWhileListening();
    void peerCredentialsAreChecked();
    void maxConnectionsRefusesAndCounts();
    void collectorConnectionEvictsTheLongestIdle();
    void idleAndSlowLorisConnectionsAreClosed();
    void pausedConnectionsAreNotIdle();
    void openFileLimitIsRaised();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString socketPath() const { return m_dir->filePath(QStringLiteral("run/garnet.sock")); }
};

void tst_socketlimits::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_socketlimits::modeIsExactFromTheFirstInstant_data()
{
    QTest::addColumn<quint32>("mode");
    QTest::newRow("0660 (default)") << quint32(0660);
    QTest::newRow("0600") << quint32(0600);
    QTest::newRow("0666") << quint32(0666);
    QTest::newRow("0620") << quint32(0620);
}

void tst_socketlimits::modeIsExactFromTheFirstInstant()
{
    QFETCH(quint32, mode);
    RecordingSink sink;
    QVERIFY(QDir().mkpath(m_dir->filePath(QStringLiteral("run"))));
    ModeWatcher watcher(m_dir->filePath(QStringLiteral("run")));
    const mode_t oldMask = ::umask(0);
    std::unique_ptr<SocketServer> server;
    for (int i = 0; i < 30; ++i) {
        server.reset();
        server = std::make_unique<SocketServer>(sink, nullptr, nullptr);
        SocketOptions options;
        options.mode = mode;
        server->setOptions(options);
        const bool listening = server->listen(socketPath());
        if (!listening) {
            ::umask(oldMask);
            QFAIL(qPrintable(server->errorString()));
        }
        QCOMPARE(modeOf(socketPath()) & 07777, mode_t(mode));
    }
    ::umask(oldMask);
    // The watcher sees at least the socket that stays (earlier ones may be gone before it looks).
    const auto sawSocket = [&] {
        const auto seen = watcher.seen();
        return std::any_of(seen.begin(), seen.end(), [](const auto &entry) { return S_ISSOCK(entry.second); });
    };
    QTRY_VERIFY_WITH_TIMEOUT(sawSocket(), 20000);
    server.reset();
    int sockets = 0;
    for (const auto &[name, seenMode] : watcher.seen()) {
        if (S_ISSOCK(seenMode)) {
            ++sockets;
            QCOMPARE(QString::fromStdString(name), QStringLiteral("garnet.sock"));
            QVERIFY2((seenMode & 07777 & ~mode_t(mode)) == 0,
                qPrintable(QStringLiteral("socket seen with mode %1").arg(seenMode & 07777, 4, 8)));
        } else {
            QFAIL(qPrintable(QStringLiteral("unexpected entry %1").arg(QString::fromStdString(name))));
        }
    }
    QVERIFY(sockets > 0);
    // Nothing left behind: the last server removed its socket.
    QCOMPARE(QDir(m_dir->filePath(QStringLiteral("run")))
                 .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden | QDir::System),
        QStringList());
}

void tst_socketlimits::modeChangeAppliesWhileListening()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, nullptr);
    QVERIFY2(server.listen(socketPath()), qPrintable(server.errorString()));
    QCOMPARE(modeOf(socketPath()) & 07777, mode_t(0660));
    QCOMPARE(modeOf(m_dir->filePath(QStringLiteral("run"))) & 07777, mode_t(0750));
    SocketOptions options;
    options.mode = 0600;
    server.setOptions(options);
    QCOMPARE(modeOf(socketPath()) & 07777, mode_t(0600));
}

void tst_socketlimits::peerCredentialsAreChecked()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, nullptr);
    QVERIFY2(server.listen(socketPath()), qPrintable(server.errorString()));
    SocketOptions options;
    options.allowedUids = { quint32(::getuid()) + 1 }; // somebody else
    server.setOptions(options);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("not in allowed_uids/allowed_gids")));
    auto refused = connectClient(socketPath());
    QVERIFY(refused);
    refused->write("seq.1 1\n");
    QTRY_COMPARE(server.counters().deniedConnections, 1);
    QTRY_COMPARE(refused->state(), QLocalSocket::UnconnectedState);
    QCOMPARE(server.counters().openConnections, 0);
    QVERIFY(sink.byCollector.empty());

    // Our primary group lets us in; so does our uid.
    options.allowedGids = { quint32(::getgid()) };
    server.setOptions(options);
    auto byGroup = connectClient(socketPath());
    QVERIFY(byGroup);
    byGroup->write("seq.1 1\n");
    QTRY_COMPARE(sink.byCollector["unattributed"], 1);
    options.allowedGids.clear();
    options.allowedUids = { 4242, quint32(::getuid()) };
    server.setOptions(options);
    auto byUid = connectClient(socketPath());
    QVERIFY(byUid);
    byUid->write("seq.2 2\n");
    QTRY_COMPARE(sink.byCollector["unattributed"], 2);
    QCOMPARE(server.counters().deniedConnections, 1);
}

void tst_socketlimits::maxConnectionsRefusesAndCounts()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, nullptr);
    SocketOptions options;
    options.maxConnections = 5;
    server.setOptions(options);
    QVERIFY2(server.listen(socketPath()), qPrintable(server.errorString()));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("max_connections \\(5\\) are open")));
    std::vector<std::unique_ptr<QLocalSocket>> clients;
    for (int i = 0; i < 8; ++i) {
        clients.push_back(connectClient(socketPath()));
        QVERIFY(clients.back());
    }
    QTRY_COMPARE(server.counters().refusedConnections + server.counters().openConnections, 8);
    QCOMPARE(server.counters().openConnections, 5);
    QCOMPARE(server.counters().refusedConnections, 3);
    // The refused ones see the connection end; the others still work.
    int ended = 0;
    for (auto &client : clients) {
        if (client->state() == QLocalSocket::UnconnectedState || client->waitForDisconnected(200))
            ++ended;
        else
            client->write("ok.line 1\n");
    }
    QCOMPARE(ended, 3);
    QTRY_COMPARE(sink.byCollector["unattributed"], 5);
    // A slot freed is a slot available.
    clients.clear();
    QTRY_COMPARE(server.counters().openConnections, 0);
    auto again = connectClient(socketPath());
    QVERIFY(again);
    again->write("ok.again 1\n");
    QTRY_COMPARE(sink.byCollector["unattributed"], 6);
}

void tst_socketlimits::collectorConnectionEvictsTheLongestIdle()
{
    RecordingSink sink;
    std::atomic<qint64> collectorPid { -1 };
    SocketServer server(
        sink, [&](pid_t pid) { return pid == collectorPid ? collectorContext() : nullptr; }, nullptr);
    SocketOptions options;
    options.maxConnections = 3;
    server.setOptions(options);
    QVERIFY2(server.listen(socketPath()), qPrintable(server.errorString()));
    std::vector<std::unique_ptr<QLocalSocket>> idle;
    for (int i = 0; i < 3; ++i) {
        idle.push_back(connectClient(socketPath()));
        QVERIFY(idle.back());
        QTRY_COMPARE(server.counters().openConnections, i + 1);
    }
    idle[1]->write("recent.line 1\n"); // the others are idle for longer
    QTRY_COMPARE(sink.byCollector["unattributed"], 1);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("to make room for a collector's")));
    QProcess writer;
    writer.setProgram(QStringLiteral(GARNET_TEST_SOURCE_DIR "/reliability/writers/seqwriter.py"));
    writer.setArguments({ QStringLiteral("--count"), QStringLiteral("50"), socketPath() });
    // Known before it can connect: the process starts by loading Python.
    writer.start();
    QVERIFY(writer.waitForStarted());
    collectorPid = writer.processId();
    QVERIFY(writer.waitForFinished(30000));
    QCOMPARE(writer.exitCode(), 0);
    QTRY_COMPARE(sink.byCollector["writer"], 50);
    QCOMPARE(server.counters().evictedConnections, 1);
    QCOMPARE(server.counters().refusedConnections, 0);
    QVERIFY(idle[0]->state() == QLocalSocket::UnconnectedState || idle[0]->waitForDisconnected(5000));
    QCOMPARE(idle[1]->state(), QLocalSocket::ConnectedState);
    // An unattributed newcomer evicts nobody: once the slots are taken again, it is refused.
    QTRY_COMPARE(server.counters().openConnections, 2); // the writer has gone
    auto third = connectClient(socketPath());
    QVERIFY(third);
    QTRY_COMPARE(server.counters().openConnections, 3);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("max_connections \\(3\\) are open")));
    auto refused = connectClient(socketPath());
    QVERIFY(refused);
    QTRY_COMPARE(server.counters().refusedConnections, 1);
    QCOMPARE(server.counters().evictedConnections, 1);
}

void tst_socketlimits::idleAndSlowLorisConnectionsAreClosed()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, nullptr);
    SocketOptions options;
    options.idleTimeout = 1500ms;
    server.setOptions(options);
    QVERIFY2(server.listen(socketPath()), qPrintable(server.errorString()));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("completed no line for 1.5 s")));
    auto idle = connectClient(socketPath());
    auto loris = connectClient(socketPath());
    auto busy = connectClient(socketPath());
    QVERIFY(idle && loris && busy);
    // The slow loris trickles bytes and never ends a line; the busy writer completes a line now and then.
    QTimer trickle;
    int tick = 0;
    connect(&trickle, &QTimer::timeout, this, [&] {
        if (loris->state() == QLocalSocket::ConnectedState)
            loris->write("x");
        if (++tick % 3 == 0 && busy->state() == QLocalSocket::ConnectedState)
            busy->write("busy.line 1\n");
    });
    trickle.start(100);
    QTRY_COMPARE_WITH_TIMEOUT(server.counters().idleClosed, 2, 20000);
    QTRY_VERIFY(idle->state() == QLocalSocket::UnconnectedState);
    QTRY_VERIFY(loris->state() == QLocalSocket::UnconnectedState);
    QCOMPARE(busy->state(), QLocalSocket::ConnectedState);
    QCOMPARE(server.counters().openConnections, 1);
    // The loris's partial line was rejected as unterminated when its connection was closed.
    QCOMPARE(std::count(sink.rejects.begin(), sink.rejects.end(), RejectReason::Unterminated), 1);
    QVERIFY(sink.byCollector["unattributed"] > 0);
}

void tst_socketlimits::pausedConnectionsAreNotIdle()
{
    RecordingSink sink;
    SocketServer server(sink, nullptr, nullptr);
    SocketOptions options;
    options.idleTimeout = 500ms;
    server.setOptions(options);
    QVERIFY2(server.listen(socketPath()), qPrintable(server.errorString()));
    auto client = connectClient(socketPath());
    QVERIFY(client);
    QTRY_COMPARE(server.counters().openConnections, 1);
    server.setPaused(true); // backpressure: nobody can complete a line now
    client->write("held.line 1\n");
    client->flush();
    QTest::qWait(1500); // three idle timeouts pass while paused
    QCOMPARE(server.counters().idleClosed, 0);
    QCOMPARE(client->state(), QLocalSocket::ConnectedState);
    server.setPaused(false);
    QTRY_COMPARE(sink.byCollector["unattributed"], 1);
}

void tst_socketlimits::openFileLimitIsRaised()
{
    rlimit original {};
    QCOMPARE(::getrlimit(RLIMIT_NOFILE, &original), 0);
    if (original.rlim_max != RLIM_INFINITY && original.rlim_max < 2000)
        QSKIP("the hard open-file limit is below 2000");
    rlimit lowered = original;
    lowered.rlim_cur = 300;
    QCOMPARE(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
    RecordingSink sink;
    SocketServer server(sink, nullptr, nullptr);
    SocketOptions options;
    options.maxConnections = 1500;
    server.setOptions(options);
    rlimit now {};
    QCOMPARE(::getrlimit(RLIMIT_NOFILE, &now), 0);
    ::setrlimit(RLIMIT_NOFILE, &original);
    QCOMPARE(now.rlim_cur, rlim_t(1500 + 256)); // raised just as far as needed
    QCOMPARE(server.effectiveMaxConnections(), 1500);
}

QTEST_GUILESS_MAIN(tst_socketlimits)
#include "tst_socketlimits.moc"

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Signals against the real agent: a storm of 100 SIGHUPs in a second while Graphite is down, SIGTERM and
// SIGHUP during start-up, SIGTERM during a reload. The agent neither crashes nor leaks descriptors, ends on
// the latest configuration, and every numbered metric a collector printed reaches the sink.
#include "reliabilityharness.h"

#include <QElapsedTimer>
#include <QTimer>
#include <QtTest>

using namespace GarnetTest;

namespace {
constexpr int Timeout = 60000;

/** A loopback Graphite stand-in that can go down (refusing and dropping connections) and come back. */
class ControlledSink : public QObject
{
public:
    bool start(quint16 port = 0)
    {
        if (!m_server.listen(QHostAddress::LocalHost, port))
            return false;
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                m_sockets << socket;
                QObject::connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                    m_partial += socket->readAll();
                    const qsizetype last = m_partial.lastIndexOf('\n');
                    if (last < 0)
                        return;
                    for (const QByteArray &line : m_partial.left(last).split('\n'))
                        m_lines.insert(line.left(line.indexOf(' ') < 0 ? line.size() : line.indexOf(' ')), line);
                    m_partial.remove(0, last + 1);
                });
            }
        });
        return true;
    }
    void stop()
    {
        m_server.close();
        m_server.disconnect(this);
        for (QTcpSocket *socket : std::as_const(m_sockets)) {
            socket->abort();
            socket->deleteLater();
        }
        m_sockets.clear();
        m_partial.clear();
    }
    quint16 port() const { return m_server.serverPort(); }
    QByteArray address(quint16 port) const { return "127.0.0.1:" + QByteArray::number(port); }
    bool has(const QByteArray &path) const { return m_lines.contains(path); }
    /** The newest value of a metric path; -1 if never seen. */
    qint64 last(const QByteArray &path) const
    {
        const QList<QByteArray> values = m_lines.values(path); // newest first
        return values.isEmpty() ? -1 : values.first().split(' ').value(1).toLongLong();
    }
    QList<QByteArray> pathsStartingWith(const QByteArray &prefix) const
    {
        QList<QByteArray> found;
        for (const QByteArray &path : m_lines.uniqueKeys())
            if (path.startsWith(prefix))
                found << path;
        return found;
    }

private:
    QTcpServer m_server;
    QList<QTcpSocket *> m_sockets;
    QByteArray m_partial;
    QMultiHash<QByteArray, QByteArray> m_lines; ///< metric path → lines
};

QByteArray outputTo(const QByteArray &address)
{
    return "[[output]]\ntype = \"graphite\"\naddress = \"" + address + "\"\n";
}

QByteArray counterCollector(
    const ConfigTree &tree, const QByteArray &interval, const QString &file = QStringLiteral("seq"))
{
    return "command = [\"" + reliabilityCollector("counter.sh").toUtf8() + "\", \"" + tree.path(file).toUtf8()
        + "\"]\nmode = \"stdout\"\ninterval = \"" + interval + "\"\n";
}

/** The lowest open-descriptor count seen over a second: runs in progress add their pipes for a moment. */
int settledFileCount(pid_t pid)
{
    int lowest = openFileCount(pid);
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 1000) {
        QTest::qWait(20);
        lowest = std::min(lowest, openFileCount(pid));
    }
    return lowest;
}

/** Every sequence number the counter collector recorded reached the sink. */
void verifyNoSequenceLost(const ControlledSink &sink, const ConfigTree &tree, const QByteArray &prefix)
{
    const qint64 recorded = tree.read(QStringLiteral("seq")).trimmed().toLongLong();
    QVERIFY(recorded > 0);
    for (qint64 n = 1; n <= recorded; ++n)
        QTRY_VERIFY2_WITH_TIMEOUT(
            sink.has(prefix + ".seq.n" + QByteArray::number(n)), QByteArray::number(n).constData(), Timeout);
}
} // namespace

class tst_signals : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sighupStormWhileGraphiteIsDown();
    void sigtermDuringStartup();
    void sighupDuringStartup();
    void sigtermDuringReload();
};

void tst_signals::sighupStormWhileGraphiteIsDown()
{
    ControlledSink sink;
    QVERIFY(sink.start());
    const quint16 port = sink.port();
    ConfigTree tree;
    tree.writeMain(outputTo(sink.address(port)), "interval = \"1s\"\n");
    const QString toggleSeq = QStringLiteral("toggle-seq");
    tree.writeCollector(QStringLiteral("counter"), counterCollector(tree, "500ms"));
    tree.writeCollector(QStringLiteral("toggle"), counterCollector(tree, NeverTicks, toggleSeq) + "path = \"p0\"\n");
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.counter.seq.n2"), Timeout);
    const pid_t pid = agentPid(agent);
    const int filesBefore = settledFileCount(pid);

    // Graphite goes away: what the counter prints now waits in the output queue.
    sink.stop();
    const qint64 queuedFrom = tree.read(QStringLiteral("seq")).trimmed().toLongLong();
    QTRY_VERIFY_WITH_TIMEOUT(tree.read(QStringLiteral("seq")).trimmed().toLongLong() >= queuedFrom + 2, Timeout);
    // 100 SIGHUPs in a second, the toggle collector's file rewritten before each: reload after reload.
    for (int i = 1; i <= 100; ++i) {
        tree.writeCollector(QStringLiteral("toggle"),
            counterCollector(tree, NeverTicks, toggleSeq) + "path = \""
                + (i == 100 ? QByteArray("final") : "p" + QByteArray::number(i)) + "\"\n");
        agent.signal(SIGHUP);
        QTest::qWait(10); // the storm's pace, not a synchronisation
        QCOMPARE(agent.process().state(), QProcess::Running);
    }
    QTRY_VERIFY_WITH_TIMEOUT(agent.log().count("reloaded:") >= 1, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(tree.read(QStringLiteral("seq")).trimmed().toLongLong() >= queuedFrom + 4, Timeout);

    // Graphite is back: the queue drains, nothing the counter printed is lost.
    QVERIFY(sink.start(port));
    verifyNoSequenceLost(sink, tree, "servers.testhost.counter");
    QCOMPARE(agent.process().state(), QProcess::Running);
    const qsizetype reloads = agent.log().count("reloaded:");
    qInfo("100 SIGHUPs gave %lld reload(s)", qint64(reloads));
    QVERIFY(reloads >= 1 && reloads <= 100);
    QTRY_VERIFY_WITH_TIMEOUT(
        agent.log().endsWith("\n") && agent.log().lastIndexOf("reloaded:") > agent.log().lastIndexOf("reloading"),
        Timeout);
    const int filesAfter = settledFileCount(pid);
    qInfo("open descriptors: %d before the storm, %d after", filesBefore, filesAfter);
    QVERIFY2(filesAfter <= filesBefore + 2, qPrintable(QStringLiteral("%1 → %2").arg(filesBefore).arg(filesAfter)));
    QVERIFY(zombieChildren(pid).isEmpty());

    // The final configuration is in force: a check run of the toggle collector reports path "final".
    tree.writeCollector(QStringLiteral("toggle"), counterCollector(tree, "1s", toggleSeq) + "path = \"final\"\n");
    agent.signal(SIGHUP);
    QTRY_VERIFY_WITH_TIMEOUT(!sink.pathsStartingWith("servers.testhost.final.seq.n").isEmpty(), Timeout);
    QVERIFY(sink.pathsStartingWith("servers.testhost.p").isEmpty());
    agent.signal(SIGTERM);
    QVERIFY(agent.process().waitForFinished(Timeout));
    QCOMPARE(agent.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(agent.process().exitCode(), 0);
}

void tst_signals::sigtermDuringStartup()
{
    // SIGTERM from the first instant on: the agent exits 0, or (in the few milliseconds before main()
    // runs) dies of the SIGTERM itself; it never crashes, hangs or leaves its socket or a collector behind.
    ControlledSink sink;
    QVERIFY(sink.start());
    int cleanExits = 0;
    for (const int delayMs : { 0, 0, 1, 2, 3, 5, 8, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500 }) {
        ConfigTree tree;
        tree.writeMain(outputTo(sink.address(sink.port())), "interval = \"1s\"\n");
        tree.writeCollector(QStringLiteral("counter"), counterCollector(tree, "100ms"));
        AgentProcess agent;
        agent.start({ QStringLiteral("--config"), tree.mainFile() });
        QVERIFY(agent.process().waitForStarted(Timeout));
        if (delayMs > 0)
            QTest::qWait(delayMs); // when the signal lands is what is being varied
        agent.signal(SIGTERM);
        QVERIFY2(agent.process().waitForFinished(Timeout), QByteArray::number(delayMs).constData());
        const bool clean = agent.process().exitStatus() == QProcess::NormalExit && agent.process().exitCode() == 0;
        const bool killedBySigterm
            = agent.process().exitStatus() == QProcess::CrashExit && agent.process().exitCode() == SIGTERM;
        QVERIFY2(clean || killedBySigterm,
            qPrintable(QStringLiteral("delay %1 ms: status %2 code %3\n%4")
                           .arg(delayMs)
                           .arg(agent.process().exitStatus())
                           .arg(agent.process().exitCode())
                           .arg(QString::fromUtf8(agent.log()))));
        if (clean) {
            ++cleanExits;
            QVERIFY(!QFile::exists(tree.socketPath()));
        }
        if (delayMs >= 200)
            QVERIFY2(clean, QByteArray::number(delayMs).constData()); // the signal has long been blocked
    }
    qInfo("%d of 18 early SIGTERMs ended in a clean exit", cleanExits);
}

void tst_signals::sighupDuringStartup()
{
    // A SIGHUP during start-up is held until the handlers exist, then means "reload": the agent keeps
    // running. Only before main() (while the dynamic loader maps Qt) can it still end the process.
    for (const int delayMs : { 1, 3, 5, 10, 20, 50, 100, 200 }) {
        ControlledSink sink;
        QVERIFY(sink.start());
        ConfigTree tree;
        tree.writeMain(outputTo(sink.address(sink.port())), "interval = \"1s\"\n");
        tree.writeCollector(QStringLiteral("counter"), counterCollector(tree, "100ms"));
        AgentProcess agent;
        agent.start({ QStringLiteral("--config"), tree.mainFile() });
        QVERIFY(agent.process().waitForStarted(Timeout));
        QTest::qWait(delayMs);
        agent.signal(SIGHUP);
        if (agent.process().waitForFinished(200)) {
            QVERIFY2(delayMs < 200, QByteArray::number(delayMs).constData());
            QCOMPARE(agent.process().exitStatus(), QProcess::CrashExit);
            QCOMPARE(agent.process().exitCode(), SIGHUP);
            qInfo("SIGHUP %d ms after the start came before main()", delayMs);
            continue;
        }
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(!sink.pathsStartingWith("servers.testhost.counter.seq.n").isEmpty(), Timeout);
        QCOMPARE(agent.process().state(), QProcess::Running);
        agent.signal(SIGTERM);
        QVERIFY(agent.process().waitForFinished(Timeout));
        QCOMPARE(agent.process().exitCode(), 0);
    }
}

void tst_signals::sigtermDuringReload()
{
    // SIGTERM right behind a SIGHUP that changes collectors: a clean exit with everything delivered.
    for (const int delayMs : { 0, 1, 5, 20, 100 }) {
        ControlledSink sink;
        QVERIFY(sink.start());
        ConfigTree tree;
        tree.writeMain(outputTo(sink.address(sink.port())), "interval = \"1s\"\n");
        tree.writeCollector(QStringLiteral("counter"), counterCollector(tree, "200ms"));
        AgentProcess agent;
        agent.start({ QStringLiteral("--config"), tree.mainFile() });
        QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.counter.seq.n3"), Timeout);
        const QList<pid_t> collectorProcesses = descendants(agentPid(agent));
        tree.writeCollector(QStringLiteral("counter"), counterCollector(tree, "300ms") + "path = \"moved\"\n");
        tree.writeCollector(QStringLiteral("added"), counterCollector(tree, "200ms") + "path = \"added\"\n");
        agent.signal(SIGHUP);
        if (delayMs > 0)
            QTest::qWait(delayMs);
        agent.signal(SIGTERM);
        QVERIFY(agent.process().waitForFinished(Timeout));
        const QByteArray log = agent.log();
        QVERIFY2(agent.process().exitStatus() == QProcess::NormalExit && agent.process().exitCode() == 0,
            qPrintable(QStringLiteral("delay %1 ms: status %2 code %3\n%4")
                           .arg(delayMs)
                           .arg(agent.process().exitStatus())
                           .arg(agent.process().exitCode())
                           .arg(QString::fromUtf8(log.right(3000)))));
        QVERIFY2(log.contains("stopped:") && log.contains("undelivered 0"), log.constData());
        QVERIFY(!QFile::exists(tree.socketPath()));
        // Whatever the counter printed, under its old or new path, arrived.
        const qint64 recorded = tree.read(QStringLiteral("seq")).trimmed().toLongLong();
        for (qint64 n = 1; n <= recorded; ++n) {
            const QByteArray node = ".seq.n" + QByteArray::number(n);
            QTRY_VERIFY2_WITH_TIMEOUT(sink.has("servers.testhost.counter" + node)
                    || sink.has("servers.testhost.moved" + node) || sink.has("servers.testhost.added" + node),
                QByteArray::number(n).constData(), Timeout);
        }
        for (const pid_t process : collectorProcesses) // collectors did not outlive the agent
            QTRY_VERIFY_WITH_TIMEOUT(processGone(process), Timeout);
    }
}

QTEST_GUILESS_MAIN(tst_signals)
#include "tst_signals.moc"

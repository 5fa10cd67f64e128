// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// systemd integration: the real garnet-agent speaks the sd_notify protocol to a datagram socket of this test
// (as systemd would), logs with journald priorities when stderr is the journal stream, and honours log_level.
#include "../integration/agentharness.h" // its testCollector() is for tests/CMakeLists.txt targets only
#include "logsetup.h"
#include "systemd.h"

#include <QLocalSocket>
#include <QSocketNotifier>
#include <QtTest>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>

using namespace GarnetTest;
using namespace Garnet;

namespace {
constexpr int Timeout = 20000;

/** What systemd's end of NOTIFY_SOCKET sees: one datagram per sd_notify() call. */
class NotifyReceiver : public QObject
{
public:
    ~NotifyReceiver() override
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    bool bind(const QString &path)
    {
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        const QByteArray encoded = QFile::encodeName(path);
        if (m_fd < 0 || std::size_t(encoded.size()) >= sizeof address.sun_path)
            return false;
        std::memcpy(address.sun_path, encoded.constData(), std::size_t(encoded.size()));
        if (::bind(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
            return false;
        m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, [this] { receive(); });
        return true;
    }
    /** Every datagram so far, each split into its "KEY=VALUE" lines. */
    const QList<QByteArrayList> &messages() const { return m_messages; }
    /** Index of the first message at or after `from` that has the line `assignment`; -1 if none yet. */
    qsizetype find(const QByteArray &assignment, qsizetype from = 0) const
    {
        for (qsizetype i = from; i < m_messages.size(); ++i)
            if (m_messages[i].contains(assignment))
                return i;
        return -1;
    }
    qsizetype count(const QByteArray &assignment) const
    {
        return std::count_if(
            m_messages.begin(), m_messages.end(), [&](const QByteArrayList &m) { return m.contains(assignment); });
    }
    /** The value of KEY in message `index`, or a null array. */
    QByteArray value(qsizetype index, const QByteArray &key) const
    {
        for (const QByteArray &line : m_messages.value(index))
            if (line.startsWith(QByteArray(key + '=')))
                return line.mid(key.size() + 1);
        return {};
    }
    std::function<void(const QByteArrayList &)> onMessage;

private:
    void receive()
    {
        char buffer[4096];
        ssize_t size = 0;
        while ((size = ::recv(m_fd, buffer, sizeof buffer, 0)) > 0) {
            m_messages.append(QByteArray(buffer, size).split('\n'));
            if (onMessage)
                onMessage(m_messages.constLast());
        }
    }
    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
    QList<QByteArrayList> m_messages;
};

/** The agent as systemd starts it: NOTIFY_SOCKET set, our test logging rules removed. */
void prepareEnvironment(AgentProcess &agent, const QString &notifySocket, const QByteArray &watchdogUsec = {})
{
    QProcessEnvironment env = agent.process().processEnvironment();
    env.insert(QStringLiteral("NOTIFY_SOCKET"), notifySocket);
    env.remove(QStringLiteral("QT_LOGGING_RULES"));
    env.remove(QStringLiteral("QT_MESSAGE_PATTERN"));
    env.remove(QStringLiteral("JOURNAL_STREAM"));
    env.remove(QStringLiteral("WATCHDOG_PID"));
    if (watchdogUsec.isEmpty())
        env.remove(QStringLiteral("WATCHDOG_USEC"));
    else
        env.insert(QStringLiteral("WATCHDOG_USEC"), QString::fromLatin1(watchdogUsec));
    agent.process().setProcessEnvironment(env);
}

QByteArray stdoutCollector()
{
    return "command = [\"" GARNET_TESTS_DIR "/integration/collectors/stdout-values.sh\"]\nmode = \"stdout\"\n"
           "interval = \"1s\"\n";
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

/** Waits for the agent to exit (it may have done so while a QTRY_ loop ran the event loop). */
bool finished(AgentProcess &agent)
{
    return agent.process().state() == QProcess::NotRunning || agent.process().waitForFinished(Timeout);
}

/** "device:inode" of a file, as systemd puts stderr's into JOURNAL_STREAM. */
QString journalStreamOf(const QString &path)
{
    struct stat info
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return {};
    return QStringLiteral("%1:%2").arg(qulonglong(info.st_dev)).arg(qulonglong(info.st_ino));
}
} // namespace

class tst_systemd : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void watchdogPeriodFromEnvironment_data();
    void watchdogPeriodFromEnvironment();
    void logLevelRules_data();
    void logLevelRules();
    void readyReloadingStopping();
    void failedReloadIsStillReady();
    void watchdogPings();
    void collectorsDoNotInheritTheNotifySocket();
    void journalPriorities();
    void plainLogsWhenStderrIsNotTheJournal();
    void logLevelFromConfig_data();
    void logLevelFromConfig();
};

void tst_systemd::initTestCase()
{
#ifndef GARNET_HAVE_LIBSYSTEMD
    QSKIP("built without libsystemd: garnet-agent does not notify systemd");
#endif
}

void tst_systemd::watchdogPeriodFromEnvironment_data()
{
    QTest::addColumn<QByteArray>("usec");
    QTest::addColumn<QByteArray>("pid"); // "self" stands for this process
    QTest::addColumn<qint64>("periodMs");
    QTest::newRow("unset") << QByteArray() << QByteArray() << qint64(0);
    QTest::newRow("ours, no pid") << QByteArray("200000") << QByteArray() << qint64(100);
    QTest::newRow("ours by pid") << QByteArray("30000000") << QByteArray("self") << qint64(15000);
    QTest::newRow("another process's") << QByteArray("200000") << QByteArray("1") << qint64(0);
    QTest::newRow("zero") << QByteArray("0") << QByteArray() << qint64(0);
    QTest::newRow("garbage") << QByteArray("soon") << QByteArray() << qint64(0);
    QTest::newRow("sub-millisecond") << QByteArray("1") << QByteArray() << qint64(1);
}

void tst_systemd::watchdogPeriodFromEnvironment()
{
    QFETCH(QByteArray, usec);
    QFETCH(QByteArray, pid);
    QFETCH(qint64, periodMs);
    auto restore = qScopeGuard([] {
        qunsetenv("WATCHDOG_USEC");
        qunsetenv("WATCHDOG_PID");
    });
    usec.isNull() ? qunsetenv("WATCHDOG_USEC") : qputenv("WATCHDOG_USEC", usec);
    if (pid == "self")
        pid = QByteArray::number(::getpid());
    pid.isNull() ? qunsetenv("WATCHDOG_PID") : qputenv("WATCHDOG_PID", pid);
    QCOMPARE(SystemdNotifier::watchdogPeriodFromEnvironment().count(), periodMs);
}

void tst_systemd::logLevelRules_data()
{
    QTest::addColumn<LogLevel>("level");
    QTest::addColumn<bool>("info");
    QTest::addColumn<bool>("warning");
    QTest::addColumn<bool>("critical");
    QTest::newRow("info") << LogLevel::Info << true << true << true;
    QTest::newRow("warning") << LogLevel::Warning << false << true << true;
    QTest::newRow("error") << LogLevel::Error << false << false << true;
}

void tst_systemd::logLevelRules()
{
    QFETCH(LogLevel, level);
    QFETCH(bool, info);
    QFETCH(bool, warning);
    QFETCH(bool, critical);
    auto restore = qScopeGuard([] { applyLogLevel(LogLevel::Info); });
    applyLogLevel(level);
    static const QLoggingCategory agent("garnet.agent");
    static const QLoggingCategory collector("garnet.collector.some-collector");
    static const QLoggingCategory foreign("qt.foreign");
    for (const QLoggingCategory *category : { &agent, &collector }) {
        QCOMPARE(category->isInfoEnabled(), info);
        QCOMPARE(category->isWarningEnabled(), warning);
        QCOMPARE(category->isCriticalEnabled(), critical);
    }
    QVERIFY(foreign.isWarningEnabled()); // only Garnet's categories follow log_level
    // (Debug is not checked here: this test runs with QT_LOGGING_RULES=garnet.*.debug=false, which wins.)
}

void tst_systemd::readyReloadingStopping()
{
    ConfigTree tree;
    tree.writeMain({});
    tree.writeCollector(QStringLiteral("shell"), stdoutCollector());
    NotifyReceiver systemd;
    QVERIFY(systemd.bind(tree.path(QStringLiteral("notify"))));
    bool socketListenedAtReady = false;
    systemd.onMessage = [&](const QByteArrayList &message) {
        if (message.contains("READY=1") && systemd.count("READY=1") == 1)
            socketListenedAtReady = QFileInfo(tree.socketPath()).exists();
    };
    AgentProcess agent;
    prepareEnvironment(agent, tree.path(QStringLiteral("notify")));
    agent.start({ QStringLiteral("--config"), tree.mainFile() });

    QTRY_VERIFY_WITH_TIMEOUT(systemd.find("READY=1") >= 0, Timeout);
    QVERIFY2(socketListenedAtReady, "READY=1 came before the collector socket existed");
    const qsizetype ready = systemd.find("READY=1");
    QVERIFY2(systemd.value(ready, "STATUS").contains("1 collector(s)"), systemd.value(ready, "STATUS").constData());
    QCOMPARE(systemd.find("WATCHDOG=1"), -1); // not asked for

    agent.signal(SIGHUP);
    QTRY_VERIFY_WITH_TIMEOUT(systemd.find("RELOADING=1", ready + 1) > ready, Timeout);
    const qsizetype reloading = systemd.find("RELOADING=1", ready + 1);
    bool isNumber = false;
    QVERIFY(systemd.value(reloading, "MONOTONIC_USEC").toULongLong(&isNumber) > 0 && isNumber);
    QTRY_VERIFY_WITH_TIMEOUT(systemd.find("READY=1", reloading + 1) > reloading, Timeout);

    agent.signal(SIGTERM);
    QTRY_VERIFY_WITH_TIMEOUT(systemd.find("STOPPING=1", reloading + 1) > reloading, Timeout);
    QVERIFY(finished(agent));
    QCOMPARE(agent.process().exitStatus(), QProcess::NormalExit);
    QCOMPARE(agent.process().exitCode(), 0);
    QCOMPARE(systemd.count("READY=1"), 2);
}

void tst_systemd::failedReloadIsStillReady()
{
    ConfigTree tree;
    tree.writeMain({});
    NotifyReceiver systemd;
    QVERIFY(systemd.bind(tree.path(QStringLiteral("notify"))));
    AgentProcess agent;
    prepareEnvironment(agent, tree.path(QStringLiteral("notify")));
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(systemd.find("READY=1") >= 0, Timeout);

    tree.writeCollector(QStringLiteral("broken"), "interval = \"often\"\n");
    agent.signal(SIGHUP);
    QTRY_VERIFY_WITH_TIMEOUT(systemd.count("READY=1") == 2, Timeout);
    const qsizetype again = systemd.find("READY=1", systemd.find("RELOADING=1"));
    QVERIFY(again > 0);
    QVERIFY2(systemd.value(again, "STATUS").startsWith("reload failed"), systemd.value(again, "STATUS").constData());
    QCOMPARE(agent.process().state(), QProcess::Running);
    agent.signal(SIGTERM);
    QVERIFY(finished(agent));
    QCOMPARE(agent.process().exitCode(), 0);
}

void tst_systemd::watchdogPings()
{
    ConfigTree tree;
    tree.writeMain({});
    NotifyReceiver systemd;
    QVERIFY(systemd.bind(tree.path(QStringLiteral("notify"))));
    AgentProcess agent;
    prepareEnvironment(agent, tree.path(QStringLiteral("notify")), "200000");
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(systemd.find("READY=1") >= 0, Timeout);
    // Every 100 ms (half of WATCHDOG_USEC) while the event loop runs.
    QTRY_VERIFY_WITH_TIMEOUT(systemd.count("WATCHDOG=1") >= 5, Timeout);
    agent.signal(SIGTERM);
    QVERIFY(finished(agent));
    QCOMPARE(agent.process().exitCode(), 0);
}

void tst_systemd::collectorsDoNotInheritTheNotifySocket()
{
    // systemd's channel is the agent's alone: a collector answering it could fake READY or watchdog pings.
    ConfigTree tree;
    tree.writeMain({});
    const QString seen = tree.path(QStringLiteral("collector-env"));
    tree.writeCollector(QStringLiteral("envdump"),
        "command = [\"/bin/sh\", \"-c\", \"env > '" + seen.toUtf8() + ".tmp' && mv '" + seen.toUtf8() + ".tmp' '"
            + seen.toUtf8() + "'\"]\nmode = \"stdout\"\ninterval = \"1s\"\n");
    NotifyReceiver systemd;
    QVERIFY(systemd.bind(tree.path(QStringLiteral("notify"))));
    AgentProcess agent;
    prepareEnvironment(agent, tree.path(QStringLiteral("notify")), "5000000");
    QProcessEnvironment env = agent.process().processEnvironment();
    env.insert(QStringLiteral("GARNET_TEST_PASSED_ON"), QStringLiteral("yes"));
    agent.process().setProcessEnvironment(env);
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(seen), Timeout);
    const QByteArray environment = readFile(seen);
    QVERIFY2(
        environment.contains("\nGARNET_TEST_PASSED_ON=yes\n") || environment.startsWith("GARNET_TEST_PASSED_ON=yes\n"),
        environment.constData());
    QVERIFY2(environment.contains("GARNET_COLLECTOR=envdump\n"), environment.constData());
    for (const char *name : { "NOTIFY_SOCKET=", "WATCHDOG_USEC=", "WATCHDOG_PID=" })
        QVERIFY2(!environment.contains(name), name);
    QVERIFY(systemd.find("READY=1") >= 0); // the agent itself did get them
    agent.signal(SIGTERM);
    QVERIFY(finished(agent));
    QCOMPARE(agent.process().exitCode(), 0);
}

void tst_systemd::journalPriorities()
{
    ConfigTree tree;
    tree.writeMain({});
    tree.writeCollector(QStringLiteral("broken"), "command = [\"x\"]\ninterval = \"often\"\n");
    const QString log = tree.path(QStringLiteral("stderr.log"));
    tree.write(QStringLiteral("stderr.log"), {});
    AgentProcess agent;
    QProcessEnvironment env = agent.process().processEnvironment();
    env.insert(QStringLiteral("JOURNAL_STREAM"), journalStreamOf(log));
    env.remove(QStringLiteral("QT_MESSAGE_PATTERN"));
    agent.process().setProcessEnvironment(env);
    agent.process().setStandardErrorFile(log, QIODevice::Append);
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QVERIFY(finished(agent));
    QCOMPARE(agent.process().exitCode(), 1);

    const QByteArray text = readFile(log);
    const QByteArray broken = tree.path(QStringLiteral("collectors.d/broken.toml")).toUtf8();
    QVERIFY2(text.contains(QByteArray("<3>garnet.agent.config: " + broken + ":2:12: ")), text.constData());
    QVERIFY2(text.contains("<3>garnet.agent: not started"), text.constData());
    for (const QByteArray &line : text.trimmed().split('\n'))
        QVERIFY2(line.size() > 3 && line[0] == '<' && line[2] == '>', line.constData()); // every line, no timestamp
}

void tst_systemd::plainLogsWhenStderrIsNotTheJournal()
{
    ConfigTree tree;
    tree.writeMain("[[output]]\ntype = \"carrier-pigeon\"\n");
    const QString log = tree.path(QStringLiteral("stderr.log"));
    AgentProcess agent;
    QProcessEnvironment env = agent.process().processEnvironment();
    env.insert(QStringLiteral("JOURNAL_STREAM"), QStringLiteral("1:1")); // inherited, but stderr is elsewhere
    env.remove(QStringLiteral("QT_MESSAGE_PATTERN"));
    agent.process().setProcessEnvironment(env);
    agent.process().setStandardErrorFile(log);
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QVERIFY(finished(agent));
    const QByteArray text = readFile(log);
    QVERIFY2(!text.contains("<3>"), text.constData());
    QVERIFY2(text.contains(QByteArray(" critical garnet.agent.config: " + tree.mainFile().toUtf8() + ":")),
        text.constData());
    QVERIFY2(text.contains("carrier-pigeon"), text.constData());
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d{4}-\\d\\d-\\d\\dT")).match(QString::fromUtf8(text)).hasMatch(),
        text.constData());
}

void tst_systemd::logLevelFromConfig_data()
{
    QTest::addColumn<QByteArray>("level");
    QTest::addColumn<QByteArrayList>("present");
    QTest::addColumn<QByteArrayList>("absent");
    QTest::newRow("debug") << QByteArray("debug") << QByteArrayList { "<7>", "<6>" } << QByteArrayList {};
    QTest::newRow("info") << QByteArray("info") << QByteArrayList { "<6>" } << QByteArrayList { "<7>" };
    QTest::newRow("warning") << QByteArray("warning") << QByteArrayList {} << QByteArrayList { "<7>", "<6>" };
}

void tst_systemd::logLevelFromConfig()
{
    QFETCH(QByteArray, level);
    QFETCH(QByteArrayList, present);
    QFETCH(QByteArrayList, absent);
    ConfigTree tree;
    tree.writeMain({}, "log_level = \"" + level + "\"\n");
    tree.writeCollector(QStringLiteral("shell"), stdoutCollector());
    NotifyReceiver systemd;
    QVERIFY(systemd.bind(tree.path(QStringLiteral("notify"))));
    const QString log = tree.path(QStringLiteral("stderr.log"));
    tree.write(QStringLiteral("stderr.log"), {});
    AgentProcess agent;
    prepareEnvironment(agent, tree.path(QStringLiteral("notify")));
    QProcessEnvironment env = agent.process().processEnvironment();
    env.insert(QStringLiteral("JOURNAL_STREAM"), journalStreamOf(log));
    agent.process().setProcessEnvironment(env);
    agent.process().setStandardErrorFile(log, QIODevice::Append);
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(systemd.find("READY=1") >= 0, Timeout);
    // Debug-level events: a collector run that went fine, and a connection from a process the agent did not
    // start. (Both, so that the test does not hang on one message's wording.)
    QTRY_VERIFY_WITH_TIMEOUT(agent.out().contains(".shell.answer 42 "), Timeout);
    QLocalSocket stranger;
    stranger.connectToServer(tree.socketPath());
    QVERIFY(stranger.waitForConnected(Timeout));
    stranger.write("stranger.value 1\n");
    QVERIFY(stranger.waitForBytesWritten(Timeout));
    stranger.disconnectFromServer();
    QTRY_VERIFY_WITH_TIMEOUT(agent.out().contains("stranger.value 1 "), Timeout); // accepted: it was logged
    agent.signal(SIGTERM);
    QVERIFY(finished(agent));
    QCOMPARE(agent.process().exitCode(), 0);
    const QByteArray text = readFile(log);
    for (const QByteArray &priority : present)
        QVERIFY2(text.startsWith(priority) || text.contains(QByteArray('\n' + priority)),
            QByteArray(priority + " missing:\n" + text).constData());
    for (const QByteArray &priority : absent)
        QVERIFY2(!text.contains(priority), QByteArray(priority + " present:\n" + text).constData());
}

QTEST_GUILESS_MAIN(tst_systemd)
#include "tst_systemd.moc"

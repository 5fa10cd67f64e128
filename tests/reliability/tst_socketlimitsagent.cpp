// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// The collectors' socket of the real agent binary: exact modes under umask 000, no abstract-namespace socket,
// writers of another uid refused when allowed_uids says so, and 1,000 idle or slow-loris clients that cannot
// starve a collector; everything refused or closed shows in the self-metrics.
#include "deliveryharness.h"
#include "socketharness.h"

#include <QDir>
#include <QElapsedTimer>
#include <QtTest>

#include <grp.h>
#include <pwd.h>
#include <sys/resource.h>

using namespace GarnetTest;

namespace {
constexpr int Timeout = 60000;
const QByteArray Self = "servers.testhost.garnet";

mode_t modeOf(const QString &path)
{
    struct stat st;
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? st.st_mode : 0;
}

/** The agent started with umask 000, as a careless init system might. */
void startUnderUmaskZero(AgentProcess &agent, const ConfigTree &tree)
{
    agent.process().setChildProcessModifier([] { ::umask(0); });
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
}

QByteArray collector(const QByteArray &prefix, int count)
{
    return "command = [\"" + seqWriter().toUtf8() + "\", \"--prefix\", \"" + prefix + "\", \"--count\", \""
        + QByteArray::number(count) + "\"]\ninterval = \"1s\"\n";
}

/**
 * SIGTERM and the final self-metric `name` at the sink; -2 if the agent did not stop cleanly, -3 if its
 * accounting (received = sent + dropped + rejected + queued) does not hold.
 */
qint64 finalSelfMetric(AgentProcess &agent, const SeqSink &sink, const QByteArray &name)
{
    agent.signal(SIGTERM);
    if (!waitForExit(agent.process(), Timeout) || agent.process().exitCode() != 0)
        return -2;
    static_cast<void>(QTest::qWaitFor(
        [&] { return sink.last(Self + '.' + name) >= 0 && accountingAt(sink, Self).complete(); }, Timeout));
    if (!accountingAt(sink, Self).holds()) {
        qWarning("%s", accountingAt(sink, Self).text().constData());
        return -3;
    }
    return sink.last(Self + '.' + name);
}

/** Inodes of the Unix sockets a process listens on, with their paths, from /proc/net/unix. */
QStringList listeningPaths(qint64 pid)
{
    QSet<QByteArray> inodes;
    for (const QFileInfo &fd : QDir(QStringLiteral("/proc/%1/fd").arg(pid)).entryInfoList(QDir::System)) {
        const QString target = fd.symLinkTarget().isEmpty() ? QFile::symLinkTarget(fd.filePath()) : fd.symLinkTarget();
        if (target.contains(QLatin1String("socket:[")))
            inodes.insert(target.section(u'[', 1).chopped(1).toLatin1());
    }
    QStringList paths;
    QFile table(QStringLiteral("/proc/net/unix"));
    if (!table.open(QIODevice::ReadOnly))
        return paths;
    for (const QByteArray &line : table.readAll().split('\n')) {
        const QList<QByteArray> fields = line.simplified().split(' ');
        // Num RefCount Protocol Flags Type St Inode [Path]; flag 00010000 = listening.
        if (fields.size() < 7 || !inodes.contains(fields[6]) || (fields[3].toUInt(nullptr, 16) & 0x10000) == 0)
            continue;
        paths << QString::fromLocal8Bit(fields.value(7, "(unnamed)"));
    }
    return paths;
}
} // namespace

class tst_socketlimitsagent : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void modesUnderUmaskZero();
    void noAbstractNamespaceSocket();
    void anotherUidIsRefusedUnlessAllowed();
    void thousandIdleClientsDoNotStarveACollector();
    void limitIdleTimeoutAndSlowLorisAreEnforced();
};

void tst_socketlimitsagent::initTestCase()
{
    // 1,000 client connections from this process.
    rlimit limit {};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
}

void tst_socketlimitsagent::modesUnderUmaskZero()
{
    ConfigTree tree;
    tree.writeMain({}, QuietInterval);
    {
        AgentProcess agent;
        startUnderUmaskZero(agent, tree);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);
        QCOMPARE(modeOf(tree.path(QStringLiteral("run"))) & 07777, mode_t(0750)); // created by the agent
        QCOMPARE(modeOf(tree.socketPath()) & 07777, mode_t(0660));
        agent.signal(SIGTERM);
        QVERIFY(waitForExit(agent.process(), Timeout));
    }
    // Restarts, watched from the moment each socket appears: never looser than configured.
    for (const quint32 mode : { 0660u, 0600u }) {
        tree.writeMain({}, QuietInterval + "socket_mode = 0o" + QByteArray::number(mode, 8) + "\n");
        ModeWatcher watcher(tree.path(QStringLiteral("run")));
        for (int i = 0; i < 5; ++i) {
            AgentProcess agent;
            startUnderUmaskZero(agent, tree);
            QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);
            QCOMPARE(modeOf(tree.socketPath()) & 07777, mode_t(mode));
            agent.signal(SIGTERM);
            QVERIFY(waitForExit(agent.process(), Timeout));
            QCOMPARE(agent.process().exitCode(), 0);
            QVERIFY(!QFile::exists(tree.socketPath())); // removed on the way out
        }
        for (const auto &[name, seen] : watcher.seen()) {
            if (S_ISSOCK(seen))
                QVERIFY2((seen & 07777 & ~mode_t(mode)) == 0,
                    qPrintable(QStringLiteral("%1 seen with mode %2")
                                   .arg(QString::fromStdString(name))
                                   .arg(seen & 07777, 4, 8)));
        }
    }
}

void tst_socketlimitsagent::noAbstractNamespaceSocket()
{
    ConfigTree tree;
    tree.writeMain({}, QuietInterval);
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);
    const QStringList paths = listeningPaths(agent.process().processId());
    QCOMPARE(paths, QStringList { tree.socketPath() }); // one listening socket, a file: nothing under '@'
}

void tst_socketlimitsagent::anotherUidIsRefusedUnlessAllowed()
{
    if (::geteuid() != 0)
        QSKIP("needs root: the refused writer runs as user nobody");
    const passwd *nobody = ::getpwnam("nobody");
    const QString setpriv = QStandardPaths::findExecutable(QStringLiteral("setpriv"));
    if (!nobody || setpriv.isEmpty())
        QSKIP("no user nobody, or no setpriv to become it");
    const QString group = ::getgrnam("nogroup") ? QStringLiteral("nogroup") : QStringLiteral("nobody");
    const QStringList asNobody
        = { QStringLiteral("--reuid=nobody"), QStringLiteral("--regid=") + group, QStringLiteral("--clear-groups") };
    QProcess probe;
    probe.start(setpriv, asNobody + QStringList { QStringLiteral("test"), QStringLiteral("-r"), seqWriter() });
    if (!probe.waitForFinished(10000) || probe.exitCode() != 0)
        QSKIP("the test writer is not readable by nobody (a private directory?)");

    for (const bool allowGroup : { false, true }) {
        SeqSink sink;
        QVERIFY(sink.listen());
        ConfigTree tree;
        // The file mode lets everyone connect: only allowed_uids/allowed_gids stand in the way.
        QFile::setPermissions(tree.path(QStringLiteral(".")),
            QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup
                | QFile::ReadOther | QFile::ExeOther);
        QVERIFY(QDir().mkpath(tree.path(QStringLiteral("run"))));
        QFile::setPermissions(tree.path(QStringLiteral("run")),
            QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup | QFile::ExeGroup
                | QFile::ReadOther | QFile::ExeOther);
        tree.writeMain("[[output]]\ntype = \"graphite\"\naddress = \"" + sink.address() + "\"\n",
            QuietInterval + "socket_mode = 0o666\nallowed_uids = [0]\n"
                + (allowGroup ? "allowed_gids = [\"" + group.toUtf8() + "\"]\n" : QByteArray()));
        AgentProcess agent;
        agent.start({ QStringLiteral("--config"), tree.mainFile() });
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);

        QProcess stranger;
        stranger.start(setpriv,
            asNobody
                + QStringList { seqWriter(), QStringLiteral("--prefix"), QStringLiteral("nobody"),
                    QStringLiteral("--count"), QStringLiteral("10"), tree.socketPath() });
        QVERIFY(waitForExit(stranger, Timeout));
        QProcess root;
        startWriter(root,
            { QStringLiteral("--prefix"), QStringLiteral("root"), QStringLiteral("--count"), QStringLiteral("10") },
            tree.socketPath());
        QVERIFY(waitForExit(root, Timeout));
        QTRY_COMPARE_WITH_TIMEOUT(sink.distinctValues("servers.testhost.root.").size(), std::size_t(10), Timeout);
        const qint64 denied = finalSelfMetric(agent, sink, "socket.denied");
        if (allowGroup) {
            QCOMPARE(denied, 0);
            QCOMPARE(sink.distinctValues("servers.testhost.nobody.").size(), std::size_t(10));
        } else {
            QCOMPARE(denied, 1);
            QVERIFY(sink.distinctValues("servers.testhost.nobody.").empty());
            QVERIFY2(agent.log().contains("not in allowed_uids/allowed_gids"), agent.log().constData());
        }
    }
}

void tst_socketlimitsagent::thousandIdleClientsDoNotStarveACollector()
{
    SeqSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain("[[output]]\ntype = \"graphite\"\naddress = \"" + sink.address() + "\"\n", QuietInterval);
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);
    std::vector<int> idle;
    for (int i = 0; i < 1000; ++i) {
        const int fd = rawConnect(tree.socketPath());
        QVERIFY2(fd >= 0,
            qPrintable(QStringLiteral("connection %1: %2").arg(i).arg(QString::fromLocal8Bit(std::strerror(errno)))));
        idle.push_back(fd);
    }
    const auto closeAll = qScopeGuard([&] {
        for (const int fd : idle)
            ::close(fd);
    });
    // The agent holds them all (default max_connections 1024, open-file limit raised as needed)...
    const qint64 pid = agent.process().processId();
    QTRY_VERIFY_WITH_TIMEOUT(
        QDir(QStringLiteral("/proc/%1/fd").arg(pid)).entryList(QDir::System).size() > 1000, Timeout);
    // ... and a collector still gets its lines through.
    tree.writeCollector(QStringLiteral("busy"), collector("busy", 100));
    agent.signal(SIGHUP);
    QTRY_COMPARE_WITH_TIMEOUT(sink.distinctValues("servers.testhost.busy.busy.").size(), std::size_t(100), Timeout);
    for (const int fd : idle)
        QVERIFY(!closedByPeer(fd));
    QCOMPARE(finalSelfMetric(agent, sink, "socket.refused"), 0);
}

void tst_socketlimitsagent::limitIdleTimeoutAndSlowLorisAreEnforced()
{
    SeqSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain("[[output]]\ntype = \"graphite\"\naddress = \"" + sink.address() + "\"\n",
        QuietInterval + "max_connections = 100\nidle_timeout = \"3s\"\n");
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);

    // 150 idle clients: 100 fit, 50 are refused at once.
    std::vector<int> idle;
    for (int i = 0; i < 150; ++i)
        idle.push_back(rawConnect(tree.socketPath()));
    const auto closeAll = qScopeGuard([&] {
        for (const int fd : idle)
            ::close(fd);
    });
    QVERIFY(std::all_of(idle.begin(), idle.end(), [](int fd) { return fd >= 0; }));
    const auto closedCount = [&] { return std::count_if(idle.begin(), idle.end(), closedByPeer); };
    QTRY_COMPARE_WITH_TIMEOUT(closedCount(), 50, Timeout);

    // A collector runs anyway: each run takes the slot of the longest-idle client.
    tree.writeCollector(QStringLiteral("busy"), collector("busy", 100));
    agent.signal(SIGHUP);
    QTRY_COMPARE_WITH_TIMEOUT(sink.distinctValues("servers.testhost.busy.busy.").size(), std::size_t(100), Timeout);
    // After idle_timeout (no complete line for 3 s) every idle client is gone.
    QTRY_COMPARE_WITH_TIMEOUT(closedCount(), 150, Timeout);

    // A slow loris trickles bytes and never ends its line: closed all the same.
    const int loris = rawConnect(tree.socketPath());
    QVERIFY(loris >= 0);
    QElapsedTimer trickling;
    trickling.start();
    QVERIFY(QTest::qWaitFor(
        [&] {
            if (closedByPeer(loris))
                return true;
            static_cast<void>(::send(loris, "x", 1, MSG_NOSIGNAL));
            QTest::qWait(200);
            return false;
        },
        Timeout));
    ::close(loris);
    QVERIFY2(trickling.elapsed() >= 2500, qPrintable(QString::number(trickling.elapsed()))); // not refused: timed out

    const qint64 refused = finalSelfMetric(agent, sink, "socket.refused");
    const qint64 evicted = sink.last(Self + ".socket.evicted");
    const qint64 idleClosed = sink.last(Self + ".socket.idle_closed");
    QCOMPARE(refused, 50);
    QCOMPARE(refused + evicted + idleClosed, 151); // the 150 idle clients and the loris
    QVERIFY(evicted >= 1);
    QVERIFY(sink.last(Self + ".rejected.unterminated") >= 1); // the loris's endless line
    QVERIFY(agent.log().contains("completed no line"));
}

QTEST_GUILESS_MAIN(tst_socketlimitsagent)
#include "tst_socketlimitsagent.moc"

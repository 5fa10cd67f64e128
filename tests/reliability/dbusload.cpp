// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// dbusload: how fast the agent's D-Bus status calls stay while metrics flow. Starts the real garnet-agent (on a
// private session bus) with a Graphite output to an in-process sink, feeds its socket at --metrics lines/s from
// a thread, and calls Collectors() and Counters() alternately at --calls per second; prints the latency
// percentiles of the calls and what the agent really delivered meanwhile.
//
//   build/tests/dbusload [--seconds 30] [--metrics 100000] [--calls 1000] [--collectors 20]
// Without a session bus it re-runs itself under dbus-run-session.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

const QString Service = QStringLiteral("org.garnet.Agent");
const QString ObjectPath = QStringLiteral("/org/garnet/Agent");
const QString Interface = QStringLiteral("org.garnet.Agent1");

/** A Graphite line receiver in its own thread: reads and counts lines, nothing else. */
class Sink : public QObject
{
public:
    std::atomic<qint64> lines { 0 };
    quint16 port = 0;
    void listen()
    {
        auto *server = new QTcpServer(this);
        server->listen(QHostAddress::LocalHost, 0);
        port = server->serverPort();
        connect(server, &QTcpServer::newConnection, this, [this, server] {
            while (QTcpSocket *socket = server->nextPendingConnection())
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
                    const QByteArray data = socket->readAll();
                    lines += std::count(data.begin(), data.end(), '\n');
                });
        });
    }
};

/** Writes `rate` lines per second to the agent's socket, in blocks every 10 ms, until stopped. */
void generate(const QByteArray &socketPath, int rate, std::atomic<bool> &stop, std::atomic<qint64> &sent)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, socketPath.constData(), std::min<std::size_t>(socketPath.size(), 107));
    if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0) {
        std::perror("dbusload: connect to the agent's socket");
        return;
    }
    const int perBlock = std::max(1, rate / 100);
    std::string block;
    for (int i = 0; i < perBlock; ++i)
        block += "load.m" + std::to_string(i % 1000) + ' ' + std::to_string(i) + '\n';
    auto next = std::chrono::steady_clock::now();
    while (!stop) {
        next += std::chrono::milliseconds(10);
        std::size_t done = 0;
        while (done < block.size()) {
            const ssize_t n = ::send(fd, block.data() + done, block.size() - done, MSG_NOSIGNAL);
            if (n <= 0) {
                ::close(fd);
                return;
            }
            done += std::size_t(n);
        }
        sent += perBlock;
        std::this_thread::sleep_until(next);
    }
    ::close(fd);
}

struct Stats
{
    std::vector<double> ms;
    double percentile(double p)
    {
        if (ms.empty())
            return 0;
        std::sort(ms.begin(), ms.end());
        return ms[std::min(ms.size() - 1, std::size_t(p / 100.0 * double(ms.size())))];
    }
};

qint64 cpuTicks(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    return fields.value(11).toLongLong() + fields.value(12).toLongLong(); // utime + stime
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
        std::vector<char *> args { const_cast<char *>("dbus-run-session"), const_cast<char *>("--") };
        for (int i = 0; i < argc; ++i)
            args.push_back(argv[i]);
        args.push_back(nullptr);
        ::execvp("dbus-run-session", args.data());
        std::perror("dbusload: no session bus, and dbus-run-session cannot be run");
        return 2;
    }
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("D-Bus status latency of garnet-agent under metric load"));
    parser.addHelpOption();
    parser.addOption(
        { QStringLiteral("seconds"), QStringLiteral("Measured duration."), QStringLiteral("s"), QStringLiteral("30") });
    parser.addOption({ QStringLiteral("metrics"), QStringLiteral("Lines per second into the socket."),
        QStringLiteral("n"), QStringLiteral("100000") });
    parser.addOption({ QStringLiteral("calls"), QStringLiteral("Status calls per second."), QStringLiteral("n"),
        QStringLiteral("1000") });
    parser.addOption({ QStringLiteral("collectors"), QStringLiteral("Configured collectors."), QStringLiteral("n"),
        QStringLiteral("20") });
    parser.addOption({ QStringLiteral("agent"), QStringLiteral("The garnet-agent binary."), QStringLiteral("path"),
        QStringLiteral(GARNET_BINARY_DIR "/bin/garnet-agent") });
    parser.process(app);
    const int seconds = parser.value(QStringLiteral("seconds")).toInt();
    const int metricRate = parser.value(QStringLiteral("metrics")).toInt();
    const int callRate = parser.value(QStringLiteral("calls")).toInt();

    QThread sinkThread;
    Sink sink;
    sink.moveToThread(&sinkThread);
    sinkThread.start();
    QMetaObject::invokeMethod(&sink, &Sink::listen, Qt::BlockingQueuedConnection);

    QTemporaryDir dir;
    QDir(dir.path()).mkpath(QStringLiteral("collectors.d"));
    QFile main(dir.filePath(QStringLiteral("garnet.toml")));
    main.open(QIODevice::WriteOnly);
    main.write("[agent]\nsocket = \"run/garnet.sock\"\nhostname = \"load\"\ninterval = \"10s\"\n[[output]]\ntype = "
               "\"graphite\"\naddress = \"127.0.0.1:"
        + QByteArray::number(sink.port) + "\"\n");
    main.close();
    for (int i = 0; i < parser.value(QStringLiteral("collectors")).toInt(); ++i) {
        QFile collector(dir.filePath(QStringLiteral("collectors.d/c%1.toml").arg(i)));
        collector.open(QIODevice::WriteOnly);
        collector.write("command = [\"true\"]\nmode = \"stdout\"\ninterval = \"1s\"\n");
    }
    QProcess agent;
    agent.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    agent.start(parser.value(QStringLiteral("agent")), { QStringLiteral("--config"), main.fileName() });
    QDBusConnection bus = QDBusConnection::sessionBus();
    QElapsedTimer waiting;
    waiting.start();
    while (!bus.interface()->isServiceRegistered(Service)
        || !QFile::exists(dir.filePath(QStringLiteral("run/garnet.sock")))) {
        if (waiting.elapsed() > 30000 || agent.state() == QProcess::NotRunning) {
            std::fprintf(stderr, "dbusload: the agent did not come up\n");
            return 1;
        }
        QThread::msleep(50);
    }

    std::atomic<bool> stop { false };
    std::atomic<qint64> generated { 0 };
    std::thread generator(generate, QFile::encodeName(dir.filePath(QStringLiteral("run/garnet.sock"))), metricRate,
        std::ref(stop), std::ref(generated));

    // Status calls: every 10 ms a hundredth of the per-second rate, Collectors() and Counters() alternating.
    Stats collectors, counters;
    qint64 calls = 0, errors = 0, outstanding = 0, skipped = 0;
    bool measuring = false;
    QElapsedTimer clock;
    clock.start();
    QTimer ticker;
    ticker.setTimerType(Qt::PreciseTimer);
    const int perTick = std::max(1, callRate / 100);
    QObject::connect(&ticker, &QTimer::timeout, [&] {
        for (int i = 0; i < perTick; ++i) {
            if (outstanding > 2 * callRate) {
                ++skipped;
                continue;
            }
            const bool isCollectors = (calls++ % 2) == 0;
            QDBusMessage call = QDBusMessage::createMethodCall(Service, ObjectPath, Interface,
                isCollectors ? QStringLiteral("Collectors") : QStringLiteral("Counters"));
            const qint64 start = clock.nsecsElapsed();
            auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(call, 10000));
            ++outstanding;
            const bool counted = measuring;
            QObject::connect(watcher, &QDBusPendingCallWatcher::finished, [&, watcher, start, isCollectors, counted] {
                --outstanding;
                if (watcher->isError())
                    ++errors;
                else if (counted)
                    (isCollectors ? collectors : counters).ms.push_back(double(clock.nsecsElapsed() - start) / 1e6);
                watcher->deleteLater();
            });
        }
    });
    ticker.start(10);

    // 3 s of warm-up, then the measured period.
    const qint64 pid = agent.processId();
    qint64 sinkStart = 0, generatedStart = 0, cpuStart = 0, measureStartMs = 0;
    QTimer::singleShot(3000, [&] {
        measuring = true;
        sinkStart = sink.lines;
        generatedStart = generated;
        cpuStart = cpuTicks(pid);
        measureStartMs = clock.elapsed();
    });
    QTimer::singleShot(3000 + seconds * 1000, [&] {
        measuring = false;
        ticker.stop();
        const double elapsed = double(clock.elapsed() - measureStartMs) / 1000.0;
        const qint64 delivered = sink.lines - sinkStart;
        const qint64 written = generated - generatedStart;
        const double cpu = double(cpuTicks(pid) - cpuStart) / double(sysconf(_SC_CLK_TCK)) / elapsed * 100.0;
        Stats all;
        all.ms = collectors.ms;
        all.ms.insert(all.ms.end(), counters.ms.begin(), counters.ms.end());
        std::printf(
            "dbusload: %.1f s measured; metrics written %.0f/s, delivered to Graphite %.0f/s; agent CPU %.0f%%\n",
            elapsed, double(written) / elapsed, double(delivered) / elapsed, cpu);
        std::printf("calls: %zu answered (%.0f/s), %lld errors, %lld skipped (too many outstanding)\n", all.ms.size(),
            double(all.ms.size()) / elapsed, static_cast<long long>(errors), static_cast<long long>(skipped));
        std::printf("%-12s %8s %8s %8s %8s %8s\n", "latency ms", "p50", "p90", "p99", "p99.9", "max");
        for (auto [name, stats] : { std::pair<const char *, Stats *> { "Collectors", &collectors },
                 { "Counters", &counters }, { "both", &all } })
            std::printf("%-12s %8.2f %8.2f %8.2f %8.2f %8.2f\n", name, stats->percentile(50), stats->percentile(90),
                stats->percentile(99), stats->percentile(99.9), stats->percentile(100));
        std::fflush(stdout);
        stop = true;
        generator.join();
        agent.terminate();
        agent.waitForFinished(15000);
        sinkThread.quit();
        sinkThread.wait();
        app.exit(errors == 0 && !all.ms.empty() ? 0 : 1);
    });
    return app.exec();
}

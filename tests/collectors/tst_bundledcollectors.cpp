// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// The bundled collectors run directly: valid lines, plausible values checked against the kernel's own
// figures, rates from the second run on, the state file, the socket and the command line.
#include "common/metricline.h"

#include <QDir>
#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>
#include <QMap>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <sys/statvfs.h>

namespace {

constexpr int Timeout = 10000;
const QStringList AllCollectors { QStringLiteral("cpu"), QStringLiteral("memory"), QStringLiteral("loadavg"),
    QStringLiteral("uptime"), QStringLiteral("diskio"), QStringLiteral("filesystem"), QStringLiteral("network"),
    QStringLiteral("processes") };

QString collectorPath(const QString &name)
{
    return QStringLiteral(GARNET_BINARY_DIR "/collectors/") + name;
}

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QMap<QByteArray, double> values; ///< name → value; empty if any line was invalid
    QByteArray invalid; ///< the first invalid or duplicated line
};

Run run(const QString &name, const QString &stateDir, const QStringList &arguments = { QStringLiteral("--stdout") })
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GARNET_STATE_DIR"), stateDir);
    env.insert(QStringLiteral("GARNET_COLLECTOR"), name);
    process.setProcessEnvironment(env);
    process.start(collectorPath(name), arguments);
    Run result;
    if (!process.waitForFinished(Timeout))
        return result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    for (const QByteArray &line : result.out.split('\n')) {
        if (line.isEmpty())
            continue;
        Garnet::ParsedMetric metric;
        const auto reason
            = Garnet::parseMetricLine(std::string_view(line.constData(), std::size_t(line.size())), metric);
        const QByteArray metricName(metric.name.data(), qsizetype(metric.name.size()));
        if (reason != Garnet::RejectReason::None || metric.timestamp || !metric.tags.empty()
            || result.values.contains(metricName)) {
            result.invalid = line;
            break;
        }
        result.values.insert(metricName, metric.value);
    }
    return result;
}

/** "MemTotal:  24668920 kB" → its number; -1 if absent. */
qint64 procField(const char *file, const QByteArray &key)
{
    QFile proc(QString::fromLatin1(file));
    if (!proc.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : proc.readAll().split('\n'))
        if (line.startsWith(QByteArray(key + ':')))
            return line.mid(key.size() + 1).simplified().split(' ').value(0).toLongLong();
    return -1;
}

QByteArray readProc(const char *file)
{
    QFile proc(QString::fromLatin1(file));
    return proc.open(QIODevice::ReadOnly) ? proc.readAll() : QByteArray();
}

QByteArrayList namesWithPrefix(const Run &result, const QByteArray &prefix)
{
    QByteArrayList names;
    for (auto it = result.values.cbegin(); it != result.values.cend(); ++it)
        if (it.key().startsWith(prefix))
            names << it.key();
    return names;
}

} // namespace

class TestBundledCollectors : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void everyCollectorWritesValidLines_data();
    void everyCollectorWritesValidLines();
    void memoryMatchesMeminfo();
    void loadavgMatchesProc();
    void uptimeMatchesProc();
    void filesystemMatchesStatvfs();
    void cpuPercentagesFromTheSecondRun();
    void networkRatesFromTheSecondRun();
    void diskioRatesFromTheSecondRun();
    void processesCountsAddUp();
    void stateFileIsPrivate();
    void incompleteStateMeansNoRates();
    void unusableStateDirMeansNoRates();
    void writesToTheSocketInTheLastArgument();
    void unreachableSocketFails();
    void commandLine();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString stateDir() const { return m_dir->filePath(QStringLiteral("state/nested")); }
};

void TestBundledCollectors::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestBundledCollectors::everyCollectorWritesValidLines_data()
{
    QTest::addColumn<QString>("name");
    for (const QString &name : AllCollectors)
        QTest::newRow(qPrintable(name)) << name;
}

void TestBundledCollectors::everyCollectorWritesValidLines()
{
    QFETCH(QString, name);
    for (int pass = 0; pass < 2; ++pass) { // the first run records state, the second emits rates
        const Run result = run(name, stateDir());
        QCOMPARE(result.exitCode, 0);
        QVERIFY2(result.err.isEmpty(), result.err.constData());
        QVERIFY2(result.invalid.isEmpty(), result.invalid.constData());
    }
}

void TestBundledCollectors::memoryMatchesMeminfo()
{
    const Run result = run(QStringLiteral("memory"), stateDir());
    QCOMPARE(result.exitCode, 0);
    QCOMPARE(qint64(result.values.value("MemTotal")), procField("/proc/meminfo", "MemTotal") * 1024);
    QCOMPARE(qint64(result.values.value("SwapTotal")), procField("/proc/meminfo", "SwapTotal") * 1024);
    QVERIFY(result.values.value("MemAvailable") > 0);
    QVERIFY(result.values.value("MemFree") <= result.values.value("MemTotal"));

    const Run all = run(QStringLiteral("memory"), stateDir(), { QStringLiteral("--all") });
    QCOMPARE(all.exitCode, 0);
    QVERIFY(all.values.size() > result.values.size());
    if (procField("/proc/meminfo", "Active(anon)") >= 0)
        QVERIFY(all.values.contains("Active_anon"));
}

void TestBundledCollectors::loadavgMatchesProc()
{
    // The kernel updates the averages every 5 s: compare a run framed by two identical readings.
    for (int attempt = 0; attempt < 10; ++attempt) {
        const QByteArrayList before = readProc("/proc/loadavg").split(' ');
        const Run result = run(QStringLiteral("loadavg"), QString(), { QStringLiteral("--per-cpu") });
        const QByteArrayList after = readProc("/proc/loadavg").split(' ');
        QCOMPARE(result.exitCode, 0);
        if (before.mid(0, 3) != after.mid(0, 3))
            continue;
        QCOMPARE(result.values.value("01"), after[0].toDouble());
        QCOMPARE(result.values.value("05"), after[1].toDouble());
        QCOMPARE(result.values.value("15"), after[2].toDouble());
        QVERIFY(result.values.value("processes_running") >= 1); // at least the collector itself
        QVERIFY(result.values.value("processes_total") >= result.values.value("processes_running"));
        QVERIFY(result.values.contains("15_per_cpu"));
        return;
    }
    QFAIL("/proc/loadavg changed during every attempt");
}

void TestBundledCollectors::uptimeMatchesProc()
{
    const double before = readProc("/proc/uptime").split(' ').value(0).toDouble();
    const Run result = run(QStringLiteral("uptime"), QString());
    const double after = readProc("/proc/uptime").split(' ').value(0).toDouble();
    QCOMPARE(result.exitCode, 0);
    QVERIFY(result.values.value("seconds") >= before && result.values.value("seconds") <= after);
    QVERIFY(qAbs(result.values.value("minutes") - result.values.value("seconds") / 60) < 0.01);
}

void TestBundledCollectors::filesystemMatchesStatvfs()
{
    struct statvfs root = {};
    QCOMPARE(::statvfs("/", &root), 0);
    const Run result = run(QStringLiteral("filesystem"), QString());
    QCOMPARE(result.exitCode, 0);
    const double unit = double(root.f_frsize);
    QCOMPARE(result.values.value("root.byte_total"), double(root.f_blocks) * unit);
    QCOMPARE(result.values.value("root.byte_used") + result.values.value("root.byte_free"),
        result.values.value("root.byte_total"));
    QVERIFY(result.values.value("root.byte_avail") <= result.values.value("root.byte_free"));
    // Free space moves while the test runs: allow 1 GiB of difference.
    QVERIFY(qAbs(result.values.value("root.byte_free") - double(root.f_bfree) * unit) < 1024.0 * 1024 * 1024);
    if (root.f_files > 0)
        QCOMPARE(result.values.value("root.inodes_total"), double(root.f_files));
    QVERIFY(!result.values.contains("proc.byte_total")); // pseudo filesystems are skipped
    QVERIFY(!result.values.contains("sys.byte_total"));
    for (const QByteArray &name : result.values.keys())
        QVERIFY2(!name.startsWith("sys_fs_cgroup") && !name.startsWith("dev_pts"), name.constData());
}

void TestBundledCollectors::cpuPercentagesFromTheSecondRun()
{
    const Run first = run(QStringLiteral("cpu"), stateDir());
    QCOMPARE(first.exitCode, 0);
    QVERIFY2(first.values.isEmpty(), first.out.constData()); // no previous sample yet
    // The next run reports once at least one tick passed since the first one.
    const auto totalTicks = [] {
        qint64 sum = 0;
        for (const QByteArray &field : readProc("/proc/stat").split('\n').value(0).simplified().split(' ').mid(1))
            sum += field.toLongLong();
        return sum;
    };
    const qint64 ticksAfterFirstRun = totalTicks();
    QTRY_VERIFY_WITH_TIMEOUT(totalTicks() > ticksAfterFirstRun, Timeout);
    const Run result = run(QStringLiteral("cpu"), stateDir());
    QVERIFY2(result.values.contains("total.idle"), result.out.constData());
    QCOMPARE(result.exitCode, 0);
    const QByteArrayList states { "user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal" };
    QByteArrayList nodes { "total" };
    for (const QByteArray &line : readProc("/proc/stat").split('\n'))
        if (line.startsWith("cpu") && !line.startsWith("cpu ") && result.values.contains(line.split(' ')[0] + ".user"))
            nodes << line.split(' ')[0];
    QVERIFY(nodes.size() >= 2);
    for (const QByteArray &node : nodes) {
        double sum = 0;
        for (const QByteArray &state : states) {
            const double value = result.values.value(node + '.' + state, -1);
            if (state == "steal" && value < 0)
                continue; // very old kernels
            QVERIFY2(value >= 0 && value <= 100,
                QByteArray(node + '.' + state + ' ' + QByteArray::number(value)).constData());
            sum += value;
        }
        QVERIFY2(qAbs(sum - 100) <= 0.1, QByteArray(node + " sums to " + QByteArray::number(sum)).constData());
    }

    const Run totalOnly = run(QStringLiteral("cpu"), stateDir(), { QStringLiteral("--no-per-cpu") });
    QCOMPARE(totalOnly.exitCode, 0);
    QVERIFY(namesWithPrefix(totalOnly, "cpu").isEmpty());
}

void TestBundledCollectors::networkRatesFromTheSecondRun()
{
    const Run first = run(QStringLiteral("network"), stateDir());
    QCOMPARE(first.exitCode, 0);
    QVERIFY(first.values.isEmpty());
    const Run second = run(QStringLiteral("network"), stateDir());
    QCOMPARE(second.exitCode, 0);
    for (const char *metric : { "lo.rx_byte", "lo.tx_byte", "lo.rx_bit", "lo.rx_packets", "lo.tx_drop", "lo.tx_colls" })
        QVERIFY2(second.values.contains(metric) && second.values.value(metric) >= 0, metric);
    // Both are printed rounded: bits are 8 × bytes up to that rounding (an exact compare failed under load).
    const double bits = second.values.value("lo.rx_bit"), bytes = second.values.value("lo.rx_byte");
    QVERIFY2(qAbs(bits - bytes * 8) <= 8 + bytes * 8 * 1e-6, qPrintable(QStringLiteral("%1 vs %2").arg(bits).arg(bytes)));
    const Run noLoopback = run(QStringLiteral("network"), stateDir(), { QStringLiteral("--no-loopback") });
    QVERIFY(namesWithPrefix(noLoopback, "lo.").isEmpty());
}

void TestBundledCollectors::diskioRatesFromTheSecondRun()
{
    const Run first = run(QStringLiteral("diskio"), stateDir(), { QStringLiteral("--all") });
    QCOMPARE(first.exitCode, 0);
    for (const QByteArray &name : first.values.keys())
        QVERIFY2(name.endsWith(".io_in_progress"), name.constData()); // only absolute values on the first run
    if (first.values.isEmpty())
        QSKIP("no block devices visible here");
    const Run second = run(QStringLiteral("diskio"), stateDir(), { QStringLiteral("--all") });
    QCOMPARE(second.exitCode, 0);
    const QByteArray device = first.values.firstKey().chopped(int(strlen(".io_in_progress")));
    for (const char *metric : { ".reads_per_second", ".write_byte_per_second", ".util_percentage", ".await", ".io" })
        QVERIFY2(second.values.value(QByteArray(device + metric), -1) >= 0, QByteArray(device + metric).constData());
}

void TestBundledCollectors::processesCountsAddUp()
{
    const Run result = run(QStringLiteral("processes"), stateDir());
    QCOMPARE(result.exitCode, 0);
    const double total = result.values.value("total");
    QVERIFY(total > 0);
    QVERIFY(result.values.value("threads") >= total);
    double byState = 0;
    for (const char *state :
        { "running", "sleeping", "blocked", "zombies", "stopped", "tracing", "idle", "dead", "paging", "unknown" })
        byState += result.values.value(state, -1);
    QCOMPARE(byState, total);
    QVERIFY(result.values.value("running") >= 1); // this very collector is running
    QVERIFY(!result.values.contains("forks"));
    const Run second = run(QStringLiteral("processes"), stateDir());
    QVERIFY(second.values.value("forks", -1) >= 0);
    QVERIFY(second.values.value("context_switches", -1) >= 0);
}

void TestBundledCollectors::stateFileIsPrivate()
{
    QCOMPARE(run(QStringLiteral("network"), stateDir()).exitCode, 0);
    struct stat info = {};
    QCOMPARE(::stat(QFile::encodeName(stateDir()).constData(), &info), 0);
    QCOMPARE(info.st_mode & 0777, 0700u);
    const QString file = stateDir() + QStringLiteral("/network.state");
    QCOMPARE(::stat(QFile::encodeName(file).constData(), &info), 0);
    QCOMPARE(info.st_mode & 0777, 0600u);
    QVERIFY(readProc(qPrintable(file)).startsWith("garnet-state 1\nboot "));
    QCOMPARE(QDir(stateDir()).entryList(QDir::Files).size(), 1); // no temporary file left behind
}

void TestBundledCollectors::incompleteStateMeansNoRates()
{
    QCOMPARE(run(QStringLiteral("network"), stateDir()).exitCode, 0);
    QFile state(stateDir() + QStringLiteral("/network.state"));
    QVERIFY(state.open(QIODevice::ReadWrite));
    const QByteArray complete = state.readAll();
    QVERIFY(complete.endsWith("\nend\n"));
    QVERIFY(state.resize(complete.size() - 4)); // as if the run was killed before writing "end"
    state.close();
    const Run second = run(QStringLiteral("network"), stateDir());
    QCOMPARE(second.exitCode, 0);
    QVERIFY(second.values.isEmpty());
    QVERIFY(run(QStringLiteral("network"), stateDir()).values.contains("lo.rx_byte")); // it wrote a good one
}

void TestBundledCollectors::unusableStateDirMeansNoRates()
{
    const QString shared = m_dir->filePath(QStringLiteral("shared"));
    QVERIFY(QDir().mkpath(shared));
    QVERIFY(QFile::setPermissions(shared, QFileDevice::Permissions(0x7777))); // rwx for everyone
    QVERIFY(run(QStringLiteral("network"), shared).exitCode == 0);
    const Run second = run(QStringLiteral("network"), shared);
    QCOMPARE(second.exitCode, 0);
    QVERIFY(second.values.isEmpty());
    QVERIFY2(second.err.contains("not a private directory"), second.err.constData());
    QVERIFY(QDir(shared).entryList(QDir::Files).isEmpty());
}

void TestBundledCollectors::writesToTheSocketInTheLastArgument()
{
    QLocalServer server;
    const QString socketPath = m_dir->filePath(QStringLiteral("agent.sock"));
    QVERIFY(server.listen(socketPath));
    QByteArray received;
    QLocalSocket *connection = nullptr;
    connect(&server, &QLocalServer::newConnection, this, [&] {
        connection = server.nextPendingConnection();
        connect(connection, &QLocalSocket::readyRead, this, [&] { received += connection->readAll(); });
    });
    QProcess process;
    process.start(collectorPath(QStringLiteral("memory")), { socketPath });
    QTRY_VERIFY_WITH_TIMEOUT(received.contains("VmallocTotal "), Timeout); // the last of the default set
    QVERIFY(process.state() == QProcess::NotRunning || process.waitForFinished(Timeout));
    QCOMPARE(process.exitCode(), 0);
    QVERIFY(process.readAllStandardOutput().isEmpty());
    QVERIFY(received.startsWith("MemTotal "));
    QVERIFY(received.endsWith('\n'));
}

void TestBundledCollectors::unreachableSocketFails()
{
    QProcess process;
    process.start(collectorPath(QStringLiteral("loadavg")), { m_dir->filePath(QStringLiteral("nobody-listens")) });
    QVERIFY(process.waitForFinished(Timeout));
    QCOMPARE(process.exitCode(), 1);
    QVERIFY(process.readAllStandardError().contains("cannot connect"));
}

void TestBundledCollectors::commandLine()
{
    QProcess process;
    process.start(collectorPath(QStringLiteral("cpu")), { QStringLiteral("--help") });
    QVERIFY(process.waitForFinished(Timeout));
    QCOMPARE(process.exitCode(), 0);
    QVERIFY(process.readAllStandardOutput().contains("--no-per-cpu"));

    process.start(collectorPath(QStringLiteral("cpu")), { QStringLiteral("--bogus") });
    QVERIFY(process.waitForFinished(Timeout));
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(process.readAllStandardError().contains("--bogus"));

    // --stdout wins over a socket argument; no argument at all means stdout too.
    process.start(
        collectorPath(QStringLiteral("uptime")), { QStringLiteral("--stdout"), QStringLiteral("/nonexistent") });
    QVERIFY(process.waitForFinished(Timeout));
    QCOMPARE(process.exitCode(), 0);
    QVERIFY(process.readAllStandardOutput().startsWith("seconds "));
    process.start(collectorPath(QStringLiteral("uptime")), {});
    QVERIFY(process.waitForFinished(Timeout));
    QVERIFY(process.readAllStandardOutput().startsWith("seconds "));
}

QTEST_GUILESS_MAIN(TestBundledCollectors)
#include "tst_bundledcollectors.moc"

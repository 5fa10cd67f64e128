// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "streamoutput.h"

#include <QSocketNotifier>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace Garnet;

namespace {

OutputConfig fileConfig(const QString &path, qint64 queueSize = 1'000'000)
{
    OutputConfig config;
    config.type = OutputType::File;
    config.path = path;
    config.queueSize = queueSize;
    return config;
}

OutputConfig stdoutConfig(qint64 queueSize = 1'000'000)
{
    OutputConfig config;
    config.type = OutputType::Stdout;
    config.queueSize = queueSize;
    return config;
}

std::string lines(qint64 first, qint64 count)
{
    std::string out;
    for (qint64 i = first; i < first + count; ++i)
        out += "servers.web01.m." + std::to_string(i) + ' ' + std::to_string(i) + " 1700000000\n";
    return out;
}

std::string readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll().toStdString() : std::string("<missing>");
}

mode_t modeOf(const QString &path)
{
    struct stat st;
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? st.st_mode & 07777 : 0;
}

bool invariantHolds(const OutputCounters &c)
{
    return c.received == c.sent + c.dropped + c.queued;
}

/** The read end of a pipe, drained from the event loop into `data`. */
class PipeReader
{
public:
    explicit PipeReader(int fd)
        : m_fd(fd)
    {
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    }
    ~PipeReader()
    {
        m_notifier.reset();
        ::close(m_fd);
    }
    void startReading()
    {
        m_notifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, [this] {
            char buffer[65536];
            ssize_t n;
            while ((n = ::read(m_fd, buffer, sizeof buffer)) > 0)
                data.append(buffer, std::size_t(n));
        });
    }
    std::string data;

private:
    int m_fd;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace

class tst_streamoutput : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void fileIsCreated0640WhateverTheUmask_data();
    void fileIsCreated0640WhateverTheUmask();
    void appendsToAnExistingFile();
    void missingDirectoryQueuesThenRecovers();
    void writeErrorKeepsLinesQueued();
    void stalledPipeNeverBlocksTheAgent();
    void closedPipeIsAnErrorNotACrash();
    void flushWritesEverythingOnce();
    void flushOfABrokenFileReturnsAtOnce();
    void names();
};

void tst_streamoutput::initTestCase()
{
    std::signal(SIGPIPE, SIG_IGN); // as the agent does: a closed reader is an error return
}

void tst_streamoutput::fileIsCreated0640WhateverTheUmask_data()
{
    QTest::addColumn<int>("umask");
    QTest::newRow("umask 0") << 0;
    QTest::newRow("umask 077") << 077;
    QTest::newRow("umask 022") << 022;
}

void tst_streamoutput::fileIsCreated0640WhateverTheUmask()
{
    QFETCH(int, umask);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("out.txt"));
    StreamOutput output(fileConfig(path));
    const mode_t old = ::umask(mode_t(umask));
    output.start();
    ::umask(old);
    QVERIFY(output.isConnected());
    QCOMPARE(modeOf(path), mode_t(0640));
    output.enqueue(lines(0, 3), 3);
    QCOMPARE(readFile(path), lines(0, 3));
    QCOMPARE(output.counters().sent, 3);
    QCOMPARE(output.counters().queued, 0);
}

void tst_streamoutput::appendsToAnExistingFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("out.txt"));
    {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("earlier content\n");
        file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    StreamOutput output(fileConfig(path));
    output.enqueue(lines(0, 2), 2); // before start: queued
    QCOMPARE(output.counters().queued, 2);
    output.start();
    output.enqueue(lines(2, 2), 2);
    QCOMPARE(readFile(path), "earlier content\n" + lines(0, 4));
    QCOMPARE(modeOf(path), mode_t(0600)); // an existing file keeps its mode
}

void tst_streamoutput::missingDirectoryQueuesThenRecovers()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("later/out.txt"));
    StreamOutput output(fileConfig(path, 100));
    QSignalSpy connected(&output, &Output::connectedChanged);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot open .*later/out.txt")));
    output.start();
    QVERIFY(!output.isConnected());
    output.enqueue(lines(0, 150), 150);
    OutputCounters c = output.counters();
    QCOMPARE(c.queued, 100);
    QCOMPARE(c.dropped, 50);
    QVERIFY(!output.isSaturated()); // not writable: no backpressure

    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("later")));
    QTRY_VERIFY_WITH_TIMEOUT(output.isConnected(), 10000); // retried without any new line arriving
    QCOMPARE(connected.size(), 1);
    QCOMPARE(readFile(path), lines(50, 100));
    c = output.counters();
    QCOMPARE(c.sent, 100);
    QCOMPARE(c.queued, 0);
    QVERIFY(invariantHolds(c));
}

void tst_streamoutput::writeErrorKeepsLinesQueued()
{
    // Every write to /dev/full fails with ENOSPC.
    StreamOutput output(fileConfig(QStringLiteral("/dev/full")));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot write /dev/full: .*")));
    output.start();
    QVERIFY(output.isConnected()); // opened fine
    output.enqueue(lines(0, 20), 20);
    QVERIFY(!output.isConnected());
    const OutputCounters c = output.counters();
    QCOMPARE(c.sent, 0);
    QCOMPARE(c.queued, 20); // nothing is lost by a failed write
    QVERIFY(invariantHolds(c));
}

void tst_streamoutput::stalledPipeNeverBlocksTheAgent()
{
    int fds[2];
    QCOMPARE(::pipe(fds), 0);
    PipeReader reader(fds[0]);
    StreamOutput output(stdoutConfig(), nullptr, fds[1]);
    output.start();
    QVERIFY(output.isConnected());

    // ~5 MB into a 64 KiB pipe nobody reads yet: enqueue returns, the rest waits in the queue.
    constexpr qint64 Total = 100000;
    for (qint64 first = 0; first < Total; first += 10000)
        output.enqueue(lines(first, 10000), 10000);
    OutputCounters c = output.counters();
    QVERIFY(c.queued > 0);
    QVERIFY(invariantHolds(c));

    reader.startReading();
    QTRY_COMPARE_WITH_TIMEOUT(reader.data.size(), lines(0, Total).size(), 30000);
    QVERIFY(reader.data == lines(0, Total));
    c = output.counters();
    QCOMPARE(c.sent, Total);
    QCOMPARE(c.queued, 0);
    ::close(fds[1]);
}

void tst_streamoutput::closedPipeIsAnErrorNotACrash()
{
    int fds[2];
    QCOMPARE(::pipe(fds), 0);
    ::close(fds[0]);
    StreamOutput output(stdoutConfig(), nullptr, fds[1]);
    output.start();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot write standard output: ")));
    output.enqueue(lines(0, 5), 5);
    QVERIFY(!output.isConnected());
    QCOMPARE(output.counters().queued, 5);
    ::close(fds[1]);
}

void tst_streamoutput::flushWritesEverythingOnce()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("out.txt"));
    StreamOutput output(fileConfig(path));
    output.enqueue(lines(0, 1000), 1000);
    output.start();
    QSignalSpy finished(&output, &Output::flushFinished);
    output.flush(std::chrono::seconds(30));
    output.flush(std::chrono::seconds(30)); // joins the first
    QVERIFY(finished.wait(10000));
    QCOMPARE(readFile(path), lines(0, 1000));
    QCOMPARE(output.counters().queued, 0);
    QVERIFY(!finished.wait(200));
    QCOMPARE(finished.size(), 1);
}

void tst_streamoutput::flushOfABrokenFileReturnsAtOnce()
{
    QTemporaryDir dir;
    StreamOutput output(fileConfig(dir.filePath(QStringLiteral("missing/out.txt"))));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("cannot open")));
    output.start();
    output.enqueue(lines(0, 7), 7);
    QSignalSpy finished(&output, &Output::flushFinished);
    output.flush(std::chrono::seconds(30));
    QVERIFY(finished.wait(5000));
    QCOMPARE(output.counters().queued, 7);
}

void tst_streamoutput::names()
{
    QCOMPARE(StreamOutput(stdoutConfig()).name(), QStringLiteral("stdout"));
    QCOMPARE(StreamOutput(fileConfig(QStringLiteral("/var/log/garnet.txt"))).name(),
        QStringLiteral("file:/var/log/garnet.txt"));
    auto created = Output::create(fileConfig(QStringLiteral("/tmp/x")));
    QVERIFY(qobject_cast<StreamOutput *>(created.get()));
}

QTEST_GUILESS_MAIN(tst_streamoutput)
#include "tst_streamoutput.moc"

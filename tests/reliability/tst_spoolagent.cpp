// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// The disk spool through the real agent: SIGKILL while spooling loses nothing that reached the disk, damaged
// or truncated segments are skipped and counted on the next start, SIGTERM keeps even the memory queue, and
// the byte cap holds with exact drop accounting.
#include "deliveryharness.h"
#include "spool.h"
#include "spoolformat.h"

#include <QDir>
#include <QtTest>

using namespace GarnetTest;

namespace {
constexpr int Timeout = 90000;
const QByteArray Self = "servers.testhost.garnet";
const QByteArray Seq = "servers.testhost.seq.";

QByteArray spoolingOutput(quint16 port, const QByteArray &extra = {})
{
    return "[[output]]\ntype = \"graphite\"\naddress = \"127.0.0.1:" + QByteArray::number(port)
        + "\"\nqueue_size = 1000\nspool_dir = \"spool\"\n" + extra;
}

struct Record
{
    QString file;
    qint64 offset = 0;
    std::vector<qint64> values;
};

/** Every intact record in the spool directory, oldest first, read with the format alone. */
std::vector<Record> readSpool(const QString &dir)
{
    std::vector<Record> records;
    for (const QString &name : QDir(dir).entryList({ QStringLiteral("*.seg") }, QDir::Files, QDir::Name)) {
        QFile file(dir + u'/' + name);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray data = file.readAll();
        if (data.size() < Garnet::Spool::FileHeaderBytes || !Garnet::SpoolFormat::fileHeaderValid(data.constData()))
            continue;
        qint64 offset = Garnet::Spool::FileHeaderBytes;
        Garnet::SpoolFormat::RecordHeader header;
        while (offset + Garnet::Spool::RecordHeaderBytes <= data.size()
            && Garnet::SpoolFormat::readRecordHeader(data.constData() + offset, header)
            && offset + Garnet::Spool::RecordHeaderBytes + header.length <= data.size()) {
            Record record { file.fileName(), offset, {} };
            const QByteArray payload = data.mid(offset + Garnet::Spool::RecordHeaderBytes, header.length);
            if (Garnet::SpoolFormat::crc32({ payload.constData(), std::size_t(payload.size()) }) == header.payloadCrc) {
                for (const QByteArray &line : payload.split('\n'))
                    if (!line.isEmpty())
                        record.values.push_back(qint64(line.split(' ').value(1).toDouble()));
                records.push_back(std::move(record));
            }
            offset += Garnet::Spool::RecordHeaderBytes + header.length;
        }
    }
    return records;
}

std::vector<qint64> valuesOf(const std::vector<Record> &records)
{
    std::vector<qint64> values;
    for (const Record &record : records)
        values.insert(values.end(), record.values.begin(), record.values.end());
    return values;
}

qint64 spoolBytes(const QString &dir)
{
    qint64 total = 0;
    for (const QFileInfo &info : QDir(dir).entryInfoList({ QStringLiteral("*.seg") }, QDir::Files))
        total += info.size();
    return total;
}

/** Start the agent, write count lines while Graphite is down, SIGKILL the agent once `killAt` were sent. */
void spoolThenKill(ConfigTree &tree, quint16 port, qint64 count, qint64 killAt, const QByteArray &extra = {})
{
    tree.writeMain(spoolingOutput(port, extra), QuietInterval);
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);
    QProcess writer;
    const QString progressFile = tree.path(QStringLiteral("progress"));
    startWriter(writer,
        { QStringLiteral("--count"), QString::number(count), QStringLiteral("--batch"), QStringLiteral("500"),
            QStringLiteral("--progress"), progressFile },
        tree.socketPath());
    QTRY_VERIFY_WITH_TIMEOUT(progress(progressFile) >= killAt, Timeout);
    agent.signal(SIGKILL); // mid-spool: no flush, no goodbye
    QVERIFY(waitForExit(agent.process(), Timeout));
    QVERIFY(waitForExit(writer, Timeout));
}

Accounting stopAndAccount(AgentProcess &agent, const SeqSink &sink)
{
    agent.signal(SIGTERM);
    if (!waitForExit(agent.process(), Timeout) || agent.process().exitCode() != 0)
        return {};
    static_cast<void>(QTest::qWaitFor([&] { return accountingAt(sink, Self).complete(); }, Timeout));
    return accountingAt(sink, Self);
}
} // namespace

class tst_spoolagent : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sigkillLosesNothingThatReachedTheDisk();
    void damagedSegmentsAreSkippedAndCounted();
    void sigtermKeepsTheMemoryQueueToo();
    void capHoldsAndDropsAreCountedExactly();
    void unusableSpoolDirStopsTheStart();
};

void tst_spoolagent::sigkillLosesNothingThatReachedTheDisk()
{
    const quint16 port = freePort();
    ConfigTree tree;
    spoolThenKill(tree, port, 200000, 100000);
    if (QTest::currentTestFailed())
        return;
    const std::vector<qint64> onDisk = valuesOf(readSpool(tree.path(QStringLiteral("spool"))));
    QVERIFY2(onDisk.size() > 50000, qPrintable(QString::number(onDisk.size())));
    QVERIFY(std::is_sorted(onDisk.begin(), onDisk.end()));

    SeqSink sink;

    sink.track(Seq);
    QVERIFY(sink.listen(port));
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    // Exactly what was on disk, in order, once: the memory queue (1000 lines) died with the process.
    QTRY_COMPARE_WITH_TIMEOUT(sink.trackedValues().size(), onDisk.size(), Timeout);
    QCOMPARE(sink.values(Seq), onDisk);
    QVERIFY(agent.log().contains("left by a previous run"));
    const Accounting a = stopAndAccount(agent, sink);
    QVERIFY2(a.holds(), a.text());
    QCOMPARE(a.received, qint64(onDisk.size())); // recovered lines count as received
    QCOMPARE(a.sent, qint64(onDisk.size()));
    QCOMPARE(a.dropped, 0);
    QCOMPARE(sink.last(Self + ".output." + outputNode("127.0.0.1:" + QByteArray::number(port)) + ".spool.recovered"),
        qint64(onDisk.size()));
}

void tst_spoolagent::damagedSegmentsAreSkippedAndCounted()
{
    const quint16 port = freePort();
    ConfigTree tree;
    // 1 MiB segments: several files.
    spoolThenKill(tree, port, 120000, 100000, "spool_max_bytes = \"8MiB\"\n");
    if (QTest::currentTestFailed())
        return;
    const QString dir = tree.path(QStringLiteral("spool"));
    std::vector<Record> records = readSpool(dir);
    QVERIFY(records.size() > 10);
    const QStringList files = QDir(dir).entryList({ QStringLiteral("*.seg") }, QDir::Files, QDir::Name);
    QVERIFY2(files.size() >= 2, qPrintable(files.join(u' ')));

    // A flipped byte in the second record's payload, and the last segment cut in the middle of a record.
    const Record &damaged = records[1];
    {
        QFile file(damaged.file);
        QVERIFY(file.open(QIODevice::ReadWrite));
        QVERIFY(file.seek(damaged.offset + Garnet::Spool::RecordHeaderBytes + 10));
        QVERIFY(file.putChar('#'));
    }
    const QString last = dir + u'/' + files.last();
    const Record *lastRecord = nullptr;
    for (const Record &record : records)
        if (record.file == last)
            lastRecord = &record;
    QVERIFY(lastRecord);
    const qint64 cutAt = lastRecord->offset + Garnet::Spool::RecordHeaderBytes + 5;
    QVERIFY(QFile::resize(last, cutAt));
    const qint64 damagedLines = qint64(damaged.values.size());
    std::vector<qint64> expected;
    for (const Record &record : records)
        if (&record != &damaged && &record != lastRecord)
            expected.insert(expected.end(), record.values.begin(), record.values.end());

    SeqSink sink;

    sink.track(Seq);
    QVERIFY(sink.listen(port));
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_COMPARE_WITH_TIMEOUT(sink.trackedValues().size(), expected.size(), Timeout);
    QCOMPARE(sink.values(Seq), expected);
    const Accounting a = stopAndAccount(agent, sink);
    QVERIFY2(a.holds(), a.text());
    QCOMPARE(a.dropped, damagedLines); // recovered, then found corrupt: dropped
    const QByteArray node = Self + ".output." + outputNode("127.0.0.1:" + QByteArray::number(port));
    QCOMPARE(sink.last(node + ".spool.corrupt"), 2);
    QVERIFY(agent.log().contains("fails its checksum"));
    QVERIFY(agent.log().contains("unreadable byte(s)"));
}

void tst_spoolagent::sigtermKeepsTheMemoryQueueToo()
{
    const quint16 port = freePort();
    ConfigTree tree;
    tree.writeMain(spoolingOutput(port), QuietInterval);
    {
        AgentProcess agent;
        agent.start({ QStringLiteral("--config"), tree.mainFile() });
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);
        QProcess writer;
        startWriter(writer, { QStringLiteral("--count"), QStringLiteral("5000") }, tree.socketPath());
        QVERIFY(waitForExit(writer, Timeout));
        QCOMPARE(writer.exitCode(), 0);
        agent.signal(SIGTERM); // Graphite is down: the queue cannot be flushed, it is written to the spool
        QVERIFY(waitForExit(agent.process(), Timeout));
        QCOMPARE(agent.process().exitCode(), 0);
        QVERIFY2(agent.log().contains("for the next start"), agent.log().constData());
    }
    SeqSink sink;
    sink.track(Seq);
    QVERIFY(sink.listen(port));
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    // Every line, in order: the 1000 that were in memory first. The first run's final self-metrics too.
    QTRY_COMPARE_WITH_TIMEOUT(sink.trackedValues().size(), std::size_t(5000), Timeout);
    QCOMPARE(sink.values(Seq), seqRange(0, 5000));
    const Accounting a = stopAndAccount(agent, sink);
    QVERIFY2(a.holds(), a.text());
    QCOMPARE(a.dropped, 0);
}

void tst_spoolagent::capHoldsAndDropsAreCountedExactly()
{
    const quint16 port = freePort();
    ConfigTree tree;
    tree.writeMain(spoolingOutput(port, "spool_max_bytes = \"256KiB\"\n"), QuietInterval);
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);
    constexpr qint64 Count = 60000;
    QProcess writer;
    startWriter(writer,
        { QStringLiteral("--count"), QString::number(Count), QStringLiteral("--batch"), QStringLiteral("200") },
        tree.socketPath());
    qint64 largest = 0;
    QVERIFY(QTest::qWaitFor(
        [&] {
            largest = std::max(largest, spoolBytes(tree.path(QStringLiteral("spool"))));
            return writer.state() == QProcess::NotRunning;
        },
        Timeout));
    QCOMPARE(writer.exitCode(), 0); // never blocked: a disconnected output drops
    QVERIFY2(largest <= 256 * 1024, qPrintable(QString::number(largest)));

    SeqSink sink;

    sink.track(Seq);
    QVERIFY(sink.listen(port));
    QTRY_VERIFY_WITH_TIMEOUT(sink.trackedValues().size() > 1000 && sink.trackedValues().back() == Count - 1, Timeout);
    const Accounting a = stopAndAccount(agent, sink);
    QVERIFY2(a.holds(), a.text());
    const std::vector<qint64> got = sink.values(Seq);
    QCOMPARE(a.received, Count);
    QCOMPARE(a.dropped, Count - qint64(got.size()));
    QVERIFY(a.dropped > 0);
    // Whole segments of the oldest were dropped; what arrived is in order, each once, up to the newest line.
    QVERIFY(std::adjacent_find(got.begin(), got.end(), std::greater_equal<qint64>()) == got.end());
    QVERIFY(agent.log().contains("is full (spool_max_bytes"));
}

void tst_spoolagent::unusableSpoolDirStopsTheStart()
{
    ConfigTree tree;
    tree.write(QStringLiteral("spool"), "a file, not a directory\n");
    tree.writeMain(spoolingOutput(freePort()));
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QVERIFY(waitForExit(agent.process(), Timeout));
    QVERIFY(agent.process().exitCode() != 0);
    QVERIFY2(agent.log().contains("is not a directory"), agent.log().constData());
}

QTEST_GUILESS_MAIN(tst_spoolagent)
#include "tst_spoolagent.moc"

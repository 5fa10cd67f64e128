// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// The disk spool on its own: order, the byte cap, restarts, and every kind of damage a file can suffer.
#include "spool.h"
#include "spoolformat.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <cerrno>
#include <deque>

using namespace Garnet;

namespace {

std::string numbered(qint64 first, qint64 count, int padding = 0)
{
    std::string out;
    for (qint64 i = first; i < first + count; ++i)
        out += "seq." + std::to_string(i) + ' ' + std::to_string(i) + std::string(std::size_t(padding), '0') + '\n';
    return out;
}

/** The sequence numbers of numbered() lines, in order. */
std::vector<qint64> sequenceOf(std::string_view lines)
{
    std::vector<qint64> out;
    while (!lines.empty()) {
        const auto nl = lines.find('\n');
        const std::string_view line = lines.substr(0, nl);
        out.push_back(std::stoll(std::string(line.substr(4, line.find(' ') - 4))));
        lines.remove_prefix(nl + 1);
    }
    return out;
}

std::vector<qint64> range(qint64 first, qint64 count)
{
    std::vector<qint64> out;
    for (qint64 i = first; i < first + count; ++i)
        out.push_back(i);
    return out;
}

std::string takeAll(Spool &spool, qint64 *lost = nullptr)
{
    std::string out;
    qint64 ignored = 0;
    while (spool.take(out, 1000, 64 * 1024, lost ? lost : &ignored) > 0) { }
    return out;
}

QStringList segmentFiles(const QString &dir)
{
    return QDir(dir).entryList({ QStringLiteral("*.seg") }, QDir::Files, QDir::Name);
}

qint64 directoryBytes(const QString &dir)
{
    qint64 total = 0;
    for (const QFileInfo &info : QDir(dir).entryInfoList({ QStringLiteral("*.seg") }, QDir::Files))
        total += info.size();
    return total;
}

void flipByte(const QString &path, qint64 offset)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.seek(offset));
    char byte = 0;
    QVERIFY(file.getChar(&byte));
    QVERIFY(file.seek(offset));
    QVERIFY(file.putChar(char(byte ^ 0x5a)));
}

/** Offsets of every record header in a segment file, from the format (independent of Spool). */
std::vector<qint64> recordOffsets(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray data = file.readAll();
    std::vector<qint64> offsets;
    qint64 offset = Spool::FileHeaderBytes;
    SpoolFormat::RecordHeader header;
    while (offset + Spool::RecordHeaderBytes <= data.size()
        && SpoolFormat::readRecordHeader(data.constData() + offset, header)) {
        offsets.push_back(offset);
        offset += Spool::RecordHeaderBytes + header.length;
    }
    return offsets;
}

} // namespace

class tst_spool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup() { Spool::failWritesForTesting(0); }
    void crcMatchesZlib();
    void roundTripInOrderAndCleansUp();
    void survivesReopenInOrder();
    void capDropsOldestSegmentsExactly();
    void takeRespectsLineAndByteLimits();
    void corruptPayloadSkipsOneRecord();
    void corruptHeaderSkipsRestOfSegment();
    void truncatedTailIsSkipped();
    void damagedFileHeaderSkipsTheFile();
    void foreignFilesAreIgnored();
    void writeErrorsDropAndCount();
    void directoryIsLocked();
    void unusableDirectoryFails();
    void persistInFrontKeepsOrder();
    void randomOperationsMatchModel();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString spoolDir() const { return m_dir->filePath(QStringLiteral("spool")); }
};

void tst_spool::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_spool::crcMatchesZlib()
{
    // Check values of CRC-32/ISO-HDLC.
    QCOMPARE(SpoolFormat::crc32(""), 0u);
    QCOMPARE(SpoolFormat::crc32("123456789"), 0xcbf43926u);
    QCOMPARE(SpoolFormat::crc32("The quick brown fox jumps over the lazy dog"), 0x414fa339u);
}

void tst_spool::roundTripInOrderAndCleansUp()
{
    Spool spool(spoolDir(), 64 << 20);
    QString error;
    QVERIFY2(spool.open(&error), qPrintable(error));
    QVERIFY(QFileInfo(spoolDir()).isDir());
    QCOMPARE(QFileInfo(spoolDir()).permissions() & (QFile::ReadOther | QFile::ReadGroup), QFile::Permissions());
    for (int block = 0; block < 100; ++block)
        QCOMPARE(spool.append(numbered(block * 100, 100), 100), 0);
    QCOMPARE(spool.lines(), 10000);
    QCOMPARE(spool.counters().spilled, 10000);
    QCOMPARE(spool.counters().bytes, directoryBytes(spoolDir()));
    qint64 lost = 0;
    const std::string all = takeAll(spool, &lost);
    QCOMPARE(lost, 0);
    QCOMPARE(sequenceOf(all), range(0, 10000));
    QVERIFY(spool.isEmpty());
    // Drained: no segment is left behind, and appending starts afresh.
    QCOMPARE(segmentFiles(spoolDir()), QStringList());
    QCOMPARE(spool.counters().bytes, 0);
    QCOMPARE(spool.append(numbered(10000, 5), 5), 0);
    QCOMPARE(sequenceOf(takeAll(spool)), range(10000, 5));
}

void tst_spool::survivesReopenInOrder()
{
    {
        Spool spool(spoolDir(), 1 << 20); // 128 KiB segments: several files
        QString error;
        QVERIFY2(spool.open(&error), qPrintable(error));
        for (int block = 0; block < 50; ++block)
            QCOMPARE(spool.append(numbered(block * 200, 200, 40), 200), 0);
        std::string some;
        qint64 lost = 0;
        QCOMPARE(spool.take(some, 300, 1 << 20, &lost), 300);
        QCOMPARE(sequenceOf(some), range(0, 300));
        QVERIFY(segmentFiles(spoolDir()).size() > 2);
        // Destroyed without any shutdown step, as if the process had been killed.
    }
    Spool again(spoolDir(), 1 << 20);
    QString error;
    QVERIFY2(again.open(&error), qPrintable(error));
    QVERIFY(again.counters().segments > 2);
    // The first segment was only partly taken: it is read again from its start (duplicates, never gaps).
    const qint64 recovered = again.counters().recovered;
    QVERIFY2(recovered >= 10000 - 300 && recovered <= 10000, qPrintable(QString::number(recovered)));
    QCOMPARE(again.lines(), recovered);
    QCOMPARE(again.append(numbered(10000, 10), 10), 0);
    const std::vector<qint64> all = sequenceOf(takeAll(again));
    QCOMPARE(qint64(all.size()), recovered + 10);
    QCOMPARE(all, range(10000 - recovered, recovered + 10));
}

void tst_spool::capDropsOldestSegmentsExactly()
{
    constexpr qint64 Cap = 256 * 1024;
    Spool spool(spoolDir(), Cap);
    QString error;
    QVERIFY2(spool.open(&error), qPrintable(error));
    qint64 dropped = 0;
    for (int block = 0; block < 400; ++block) {
        dropped += spool.append(numbered(block * 50, 50), 50);
        QVERIFY(directoryBytes(spoolDir()) <= Cap);
        QCOMPARE(spool.counters().bytes, directoryBytes(spoolDir()));
    }
    QVERIFY(dropped > 0);
    QCOMPARE(spool.counters().dropped, dropped);
    QCOMPARE(spool.lines() + dropped, 400 * 50);
    // What is left is the newest lines, contiguous.
    const std::vector<qint64> left = sequenceOf(takeAll(spool));
    QCOMPARE(qint64(left.size()), 400 * 50 - dropped);
    QCOMPARE(left, range(dropped, 400 * 50 - dropped));
    QVERIFY(spool.isNearlyFull() == false);
}

void tst_spool::takeRespectsLineAndByteLimits()
{
    Spool spool(spoolDir(), 64 << 20);
    QString error;
    QVERIFY2(spool.open(&error), qPrintable(error));
    QCOMPARE(spool.append(numbered(0, 1000), 1000), 0);
    std::string out;
    qint64 lost = 0;
    QCOMPARE(spool.take(out, 7, 1 << 20, &lost), 7);
    QCOMPARE(sequenceOf(out), range(0, 7));
    out.clear();
    // A byte budget smaller than one line still yields one whole line.
    QCOMPARE(spool.take(out, 100, 1, &lost), 1);
    QCOMPARE(sequenceOf(out), range(7, 1));
    out.clear();
    QVERIFY(spool.take(out, 1000, 100, &lost) < 20);
    QVERIFY(out.size() <= 100 + 20);
    QCOMPARE(spool.lines() + 8 + qint64(sequenceOf(out).size()), 1000);
}

void tst_spool::corruptPayloadSkipsOneRecord()
{
    {
        Spool spool(spoolDir(), 64 << 20);
        QString error;
        QVERIFY2(spool.open(&error), qPrintable(error));
        for (int block = 0; block < 5; ++block)
            QCOMPARE(spool.append(numbered(block * 10, 10), 10), 0);
    }
    const QStringList files = segmentFiles(spoolDir());
    QCOMPARE(files.size(), 1);
    const QString path = spoolDir() + u'/' + files.first();
    const std::vector<qint64> offsets = recordOffsets(path);
    QCOMPARE(offsets.size(), std::size_t(5));
    flipByte(path, offsets[2] + Spool::RecordHeaderBytes + 3); // inside the third record's payload

    Spool spool(spoolDir(), 64 << 20);
    QString error;
    QVERIFY2(spool.open(&error), qPrintable(error));
    QCOMPARE(spool.counters().recovered, 50); // headers are intact: the damage shows when read
    qint64 lost = 0;
    std::vector<qint64> expected = range(0, 20);
    const std::vector<qint64> tail = range(30, 20);
    expected.insert(expected.end(), tail.begin(), tail.end());
    QCOMPARE(sequenceOf(takeAll(spool, &lost)), expected);
    QCOMPARE(lost, 10);
    QCOMPARE(spool.counters().corrupt, 1);
    QCOMPARE(spool.counters().corruptLines, 10);
    QCOMPARE(spool.lines(), 0);
}

void tst_spool::corruptHeaderSkipsRestOfSegment()
{
    {
        Spool spool(spoolDir(), 64 << 20);
        QString error;
        QVERIFY2(spool.open(&error), qPrintable(error));
        for (int block = 0; block < 5; ++block)
            QCOMPARE(spool.append(numbered(block * 10, 10), 10), 0);
    }
    const QString path = spoolDir() + u'/' + segmentFiles(spoolDir()).first();
    flipByte(path, recordOffsets(path)[3] + 5); // the fourth record's length field
    Spool spool(spoolDir(), 64 << 20);
    QString error;
    QVERIFY2(spool.open(&error), qPrintable(error));
    QCOMPARE(spool.counters().corrupt, 1);
    QCOMPARE(spool.counters().recovered, 30);
    qint64 lost = 0;
    QCOMPARE(sequenceOf(takeAll(spool, &lost)), range(0, 30));
    QCOMPARE(lost, 0);
}

void tst_spool::truncatedTailIsSkipped()
{
    {
        Spool spool(spoolDir(), 64 << 20);
        QString error;
        QVERIFY2(spool.open(&error), qPrintable(error));
        for (int block = 0; block < 4; ++block)
            QCOMPARE(spool.append(numbered(block * 10, 10), 10), 0);
    }
    const QString path = spoolDir() + u'/' + segmentFiles(spoolDir()).first();
    const qint64 cut = recordOffsets(path)[3] + Spool::RecordHeaderBytes + 7; // mid-payload: a torn write
    QVERIFY(QFile::resize(path, cut));
    Spool spool(spoolDir(), 64 << 20);
    QString error;
    QVERIFY2(spool.open(&error), qPrintable(error));
    QCOMPARE(spool.counters().corrupt, 1);
    QCOMPARE(spool.counters().recovered, 30);
    // New lines go to a new segment, after the readable part of the old one.
    QCOMPARE(spool.append(numbered(100, 5), 5), 0);
    QCOMPARE(segmentFiles(spoolDir()).size(), 2);
    std::vector<qint64> expected = range(0, 30);
    expected.insert(expected.end(), { 100, 101, 102, 103, 104 });
    QCOMPARE(sequenceOf(takeAll(spool)), expected);
    // A file cut inside its 16-byte header, or to nothing, is dropped too.
    QCOMPARE(spool.append(numbered(200, 5), 5), 0);
}

void tst_spool::damagedFileHeaderSkipsTheFile()
{
    {
        Spool spool(spoolDir(), 256 * 1024); // 32 KiB segments
        QString error;
        QVERIFY2(spool.open(&error), qPrintable(error));
        for (int block = 0; block < 40; ++block)
            QCOMPARE(spool.append(numbered(block * 50, 50, 40), 50), 0);
    }
    const QStringList files = segmentFiles(spoolDir());
    QVERIFY(files.size() >= 3);
    const std::vector<qint64> firstRecords = recordOffsets(spoolDir() + u'/' + files[0]);
    flipByte(spoolDir() + u'/' + files[1], 2); // the second file's magic
    Spool spool(spoolDir(), 256 * 1024);
    QString error;
    QVERIFY2(spool.open(&error), qPrintable(error));
    QCOMPARE(spool.counters().corrupt, 1);
    QVERIFY(!QFile::exists(spoolDir() + u'/' + files[1]));
    const std::vector<qint64> left = sequenceOf(takeAll(spool));
    QCOMPARE(qint64(left.size()), spool.counters().recovered);
    QVERIFY(std::is_sorted(left.begin(), left.end()));
    QCOMPARE(left.front(), 0);
    QCOMPARE(left.back(), 40 * 50 - 1);
    QVERIFY(qint64(left.size()) < 40 * 50);
    QCOMPARE(qint64(firstRecords.size()) * 50 <= qint64(left.size()), true);
}

void tst_spool::foreignFilesAreIgnored()
{
    QVERIFY(QDir().mkpath(spoolDir()));
    QFile other(spoolDir() + QStringLiteral("/notes.seg"));
    QVERIFY(other.open(QIODevice::WriteOnly));
    other.write("not a segment");
    other.close();
    QFile empty(spoolDir() + QStringLiteral("/00000000000000000001.seg"));
    QVERIFY(empty.open(QIODevice::WriteOnly)); // killed between creating a segment and writing its header
    empty.close();
    Spool spool(spoolDir(), 1 << 20);
    QString error;
    QVERIFY2(spool.open(&error), qPrintable(error));
    QCOMPARE(spool.lines(), 0);
    QCOMPARE(spool.counters().corrupt, 0);
    QVERIFY(QFile::exists(spoolDir() + QStringLiteral("/notes.seg")));
    QCOMPARE(spool.append(numbered(0, 3), 3), 0);
    QCOMPARE(sequenceOf(takeAll(spool)), range(0, 3));
}

void tst_spool::writeErrorsDropAndCount()
{
    Spool spool(spoolDir(), 1 << 20);
    QString error;
    QVERIFY2(spool.open(&error), qPrintable(error));
    QCOMPARE(spool.append(numbered(0, 10), 10), 0);
    Spool::failWritesForTesting(ENOSPC);
    QCOMPARE(spool.append(numbered(10, 10), 10), 10);
    QCOMPARE(spool.append(numbered(20, 10), 10), 10);
    QCOMPARE(spool.counters().writeErrors, 2);
    QCOMPARE(spool.counters().dropped, 20);
    QCOMPARE(spool.lines(), 10);
    QCOMPARE(spool.counters().bytes, directoryBytes(spoolDir()));
    Spool::failWritesForTesting(0);
    QCOMPARE(spool.append(numbered(30, 10), 10), 0);
    std::vector<qint64> expected = range(0, 10);
    const std::vector<qint64> later = range(30, 10);
    expected.insert(expected.end(), later.begin(), later.end());
    QCOMPARE(sequenceOf(takeAll(spool)), expected);

    // Failing from the very first segment on: nothing is created, everything counted.
    Spool::failWritesForTesting(EIO);
    QCOMPARE(spool.append(numbered(40, 10), 10), 10);
    QCOMPARE(spool.counters().writeErrors, 3);
    QCOMPARE(segmentFiles(spoolDir()), QStringList());
}

void tst_spool::directoryIsLocked()
{
    Spool first(spoolDir(), 1 << 20);
    QString error;
    QVERIFY2(first.open(&error), qPrintable(error));
    Spool second(spoolDir(), 1 << 20);
    QVERIFY(!second.open(&error));
    QVERIFY2(error.contains(QLatin1String("in use")), qPrintable(error));
    QCOMPARE(second.append(numbered(0, 3), 3), 3); // an unopened spool takes nothing
}

void tst_spool::unusableDirectoryFails()
{
    QFile file(m_dir->filePath(QStringLiteral("plain")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    Spool spool(file.fileName(), 1 << 20);
    QString error;
    QVERIFY(!spool.open(&error));
    QVERIFY2(error.contains(QLatin1String("not a directory")), qPrintable(error));
    Spool nested(m_dir->filePath(QStringLiteral("plain/sub")), 1 << 20);
    QVERIFY(!nested.open(&error));
    QVERIFY(!error.isEmpty());
}

void tst_spool::persistInFrontKeepsOrder()
{
    {
        Spool spool(spoolDir(), 1 << 20);
        QString error;
        QVERIFY2(spool.open(&error), qPrintable(error));
        QCOMPARE(spool.append(numbered(100, 100), 100), 0);
        // The memory queue holds older lines when the agent stops: they go in front.
        QVERIFY(spool.persistInFrontAndClose(numbered(0, 100), 100));
        QVERIFY(!spool.isOpen());
    }
    Spool spool(spoolDir(), 1 << 20);
    QString error;
    QVERIFY2(spool.open(&error), qPrintable(error));
    QCOMPARE(spool.counters().recovered, 200);
    QCOMPARE(sequenceOf(takeAll(spool)), range(0, 200));
    // Persisting into an empty spool works as well.
    QVERIFY(spool.persistInFrontAndClose(numbered(500, 3), 3));
    Spool third(spoolDir(), 1 << 20);
    QVERIFY2(third.open(&error), qPrintable(error));
    QCOMPARE(sequenceOf(takeAll(third)), range(500, 3));
}

void tst_spool::randomOperationsMatchModel()
{
    // Appends, takes and reopenings in random order against a model; the cap is large enough never to drop.
    QRandomGenerator random(20260101);
    std::deque<qint64> model;
    qint64 next = 0;
    auto spool = std::make_unique<Spool>(spoolDir(), 256 * 1024);
    QString error;
    QVERIFY2(spool->open(&error), qPrintable(error));
    for (int step = 0; step < 3000; ++step) {
        const int op = random.bounded(10);
        if (op < 5 && model.size() < 5000) {
            const qint64 count = 1 + random.bounded(40);
            QCOMPARE(spool->append(numbered(next, count, random.bounded(50)), count), 0);
            for (qint64 i = 0; i < count; ++i)
                model.push_back(next++);
        } else if (op < 9) {
            std::string out;
            qint64 lost = 0;
            const qint64 taken = spool->take(out, 1 + random.bounded(60), 1 + random.bounded(4000), &lost);
            QCOMPARE(lost, 0);
            const std::vector<qint64> got = sequenceOf(out);
            QCOMPARE(qint64(got.size()), taken);
            for (const qint64 value : got) {
                QCOMPARE(value, model.front());
                model.pop_front();
            }
        } else {
            // Reopen: what was taken from a segment that is still on disk comes back (duplicates at the front).
            spool = std::make_unique<Spool>(spoolDir(), 256 * 1024);
            QVERIFY2(spool->open(&error), qPrintable(error));
            const qint64 extra = spool->lines() - qint64(model.size());
            QVERIFY2(extra >= 0, qPrintable(QString::number(extra)));
            std::string out;
            qint64 lost = 0;
            QCOMPARE(spool->take(out, extra, std::size_t(-1), &lost), extra);
            const std::vector<qint64> duplicates = sequenceOf(out);
            if (!duplicates.empty() && !model.empty())
                QCOMPARE(duplicates.back() + 1, model.front());
        }
        QCOMPARE(spool->lines(), qint64(model.size()));
        QCOMPARE(spool->counters().bytes, directoryBytes(spoolDir()));
    }
}

QTEST_GUILESS_MAIN(tst_spool)
#include "tst_spool.moc"

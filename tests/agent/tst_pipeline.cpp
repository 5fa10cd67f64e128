// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "output.h"
#include "pipeline.h"
#include "streamoutput.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QtTest>

using namespace Garnet;

namespace {

/** An output that records what it writes; it can stall (write nothing) and be "disconnected". */
class RecordingOutput : public Output
{
public:
    explicit RecordingOutput(OutputFormat format, qint64 capacity = 1'000'000)
        : Output(makeConfig(format, capacity))
    { }
    static OutputConfig makeConfig(OutputFormat format, qint64 capacity)
    {
        OutputConfig config;
        config.type = OutputType::Stdout;
        config.format = format;
        config.queueSize = capacity;
        return config;
    }

    void start() override
    {
        setConnected(true);
        writeQueued();
    }
    void flush(std::chrono::milliseconds) override { finishFlushLater(); }
    void setStalled(bool stalled)
    {
        m_stalled = stalled;
        writeQueued();
    }
    void setUp(bool up) { setConnected(up); }

    std::string written;
    int enqueueCalls = 0;

protected:
    void writeQueued() override
    {
        ++enqueueCalls;
        if (m_stalled || !isConnected())
            return;
        std::string batch;
        while (const qint64 lines = takeBatch(batch, 1 << 20)) {
            written += batch;
            batch.clear();
            markSent(lines);
        }
    }

private:
    bool m_stalled = false;
};

RunContext run(const QByteArray &collector, const QByteArray &prefix, qint64 tickTime, bool attributed = true)
{
    RunContext context;
    context.collector = collector;
    context.pathPrefix = prefix;
    context.tickTime = tickTime;
    context.attributed = attributed;
    return context;
}

std::string readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().toStdString();
}

} // namespace

class tst_pipeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void formatsForEveryOutput();
    void rejectsAreCountedByReason_data();
    void rejectsAreCountedByReason();
    void framerRejectsAreCounted();
    void defaultTimestampIsTheTickTime();
    void unattributedLinesAreCounted();
    void selfMetricsGoThroughTheSamePath();
    void largeInputIsEnqueuedInBlocks();
    void congestionWhenAllConnectedOutputsSaturate();
    void replacedOutputsGetNothingMore();
};

void tst_pipeline::formatsForEveryOutput()
{
    QTemporaryDir dir;
    OutputConfig fileConfig;
    fileConfig.type = OutputType::File;
    fileConfig.path = dir.filePath(QStringLiteral("metrics.txt"));
    StreamOutput file(fileConfig);
    RecordingOutput plaintext(OutputFormat::Plaintext);
    RecordingOutput tagged(OutputFormat::Tagged);
    RecordingOutput metrics20(OutputFormat::Metrics20);
    RecordingOutput tagged2(OutputFormat::Tagged);
    Pipeline pipeline("web01");
    pipeline.setOutputs({ &file, &plaintext, &tagged, &metrics20, &tagged2 });
    for (Output *output : pipeline.outputs())
        output->start();

    const RunContext loadavg = run("loadavg", "servers.web01.loadavg", 1764050000);
    pipeline.ingestLines(loadavg, "01 0.52\n05 1.5 1764050001\r\ndisk;dev=sda;unit=B 42\n");

    const std::string expectedPlain = "servers.web01.loadavg.01 0.52 1764050000\n"
                                      "servers.web01.loadavg.05 1.5 1764050001\n"
                                      "servers.web01.loadavg.disk;dev=sda;unit=B 42 1764050000\n";
    QCOMPARE(plaintext.written, expectedPlain);
    QCOMPARE(readFile(fileConfig.path), expectedPlain);
    const std::string expectedTagged
        = "servers.web01.loadavg.01;collector=loadavg;host=web01 0.52 1764050000\n"
          "servers.web01.loadavg.05;collector=loadavg;host=web01 1.5 1764050001\n"
          "servers.web01.loadavg.disk;collector=loadavg;dev=sda;host=web01;unit=B 42 1764050000\n";
    QCOMPARE(tagged.written, expectedTagged);
    QCOMPARE(tagged2.written, expectedTagged);
    QCOMPARE(metrics20.written,
        std::string(
            "servers.web01.loadavg.01;collector=loadavg;host=web01;mtype=gauge;unit=unknown 0.52 1764050000\n"
            "servers.web01.loadavg.05;collector=loadavg;host=web01;mtype=gauge;unit=unknown 1.5 1764050001\n"
            "servers.web01.loadavg.disk;collector=loadavg;dev=sda;host=web01;mtype=gauge;unit=B 42 1764050000\n"));
    QCOMPARE(pipeline.counters().received, 3);
    QCOMPARE(pipeline.counters().accepted, 3);
    QCOMPARE(pipeline.counters().rejected, 0);
    for (Output *output : pipeline.outputs()) {
        const OutputCounters c = output->counters();
        QCOMPARE(c.received, 3);
        QCOMPARE(c.sent, 3);
        QCOMPARE(c.queued, 0);
    }
}

void tst_pipeline::rejectsAreCountedByReason_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("reason");

    QTest::newRow("empty") << QByteArray("") << int(RejectReason::Empty);
    QTest::newRow("blank") << QByteArray(" \t ") << int(RejectReason::Empty);
    QTest::newRow("missing value") << QByteArray("only.name") << int(RejectReason::MissingValue);
    QTest::newRow("too many fields") << QByteArray("a 1 2 3") << int(RejectReason::TooManyFields);
    QTest::newRow("bad name") << QByteArray("a..b 1") << int(RejectReason::BadName);
    QTest::newRow("bad tag") << QByteArray("a;=x 1") << int(RejectReason::BadTag);
    QTest::newRow("bad value") << QByteArray("a 0x1F") << int(RejectReason::BadValue);
    QTest::newRow("nan") << QByteArray("a nan") << int(RejectReason::NonFiniteValue);
    QTest::newRow("bad timestamp") << QByteArray("a 1 1.5") << int(RejectReason::BadTimestamp);
    QTest::newRow("NUL byte") << QByteArray("a\0b 1", 5) << int(RejectReason::BadEncoding);
    QTest::newRow("invalid UTF-8") << QByteArray("caf\xc3 1") << int(RejectReason::BadEncoding);
    QTest::newRow("too long") << QByteArray(int(MaxLineLength) + 1, 'x') << int(RejectReason::TooLong);
}

void tst_pipeline::rejectsAreCountedByReason()
{
    QFETCH(QByteArray, line);
    QFETCH(int, reason);

    RecordingOutput output(OutputFormat::Plaintext);
    Pipeline pipeline("web01");
    pipeline.setOutputs({ &output });
    output.start();
    QSignalSpy rejected(&pipeline, &Pipeline::lineRejected);
    const std::string_view reasonName = rejectReasonName(RejectReason(reason));
    QTest::ignoreMessage(QtWarningMsg,
        QRegularExpression(
            QStringLiteral("rejected 1 line.*reason %1 ").arg(QLatin1String(reasonName.data(), reasonName.size()))));

    const std::string input = "good.before 1\n" + line.toStdString() + "\ngood.after 2\n";
    pipeline.ingestLines(run("c", "p", 1700000000), input);

    // The lines around the bad one arrive untouched.
    QCOMPARE(output.written, std::string("p.good.before 1 1700000000\np.good.after 2 1700000000\n"));
    const PipelineCounters &c = pipeline.counters();
    QCOMPARE(c.received, 3);
    QCOMPARE(c.accepted, 2);
    QCOMPARE(c.rejected, 1);
    QCOMPARE(c.rejectedBy[std::size_t(reason)], 1);
    qint64 sum = 0;
    for (qint64 n : c.rejectedBy)
        sum += n;
    QCOMPARE(sum, 1);
    QCOMPARE(rejected.size(), 1);
    QCOMPARE(rejected[0][0].toByteArray(), QByteArray("c"));
    QCOMPARE(rejected[0][1].value<RejectReason>(), RejectReason(reason));
}

void tst_pipeline::framerRejectsAreCounted()
{
    RecordingOutput output(OutputFormat::Plaintext);
    Pipeline pipeline("web01");
    pipeline.setOutputs({ &output });
    output.start();
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("reason too_long")));
    const RunContext context = run("c", "p", 1700000000);
    pipeline.rejectLine(context, RejectReason::TooLong);
    pipeline.rejectLine(context, RejectReason::Unterminated); // within the log interval: counted, not logged
    pipeline.ingestLines(context, "ok 1\n");
    const PipelineCounters &c = pipeline.counters();
    QCOMPARE(c.received, 3);
    QCOMPARE(c.rejected, 2);
    QCOMPARE(c.rejectedBy[std::size_t(RejectReason::TooLong)], 1);
    QCOMPARE(c.rejectedBy[std::size_t(RejectReason::Unterminated)], 1);
    QCOMPARE(output.written, std::string("p.ok 1 1700000000\n"));
}

void tst_pipeline::defaultTimestampIsTheTickTime()
{
    RecordingOutput output(OutputFormat::Plaintext);
    Pipeline pipeline("web01");
    pipeline.setOutputs({ &output });
    output.start();

    pipeline.ingestLines(run("c", "p", 1700000010), "no.ts 1\nown.ts 2 1600000000\nnow.ts 3 -1\n");
    QCOMPARE(output.written, std::string("p.no.ts 1 1700000010\np.own.ts 2 1600000000\np.now.ts 3 1700000010\n"));

    // No tick (e.g. an unattributed writer): the current time.
    output.written.clear();
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    pipeline.ingestLines(run("c", "p", 0), "x 1\n");
    const qint64 after = QDateTime::currentSecsSinceEpoch();
    QVERIFY(output.written.starts_with("p.x 1 "));
    const qint64 stamped = std::stoll(output.written.substr(6));
    QVERIFY(stamped >= before && stamped <= after);
}

void tst_pipeline::unattributedLinesAreCounted()
{
    RecordingOutput output(OutputFormat::Tagged);
    Pipeline pipeline("web01");
    pipeline.setOutputs({ &output });
    output.start();
    pipeline.ingestLines(run("unattributed", "servers.web01", 1700000000, false), "stray 1\nstray2 2\n");
    pipeline.ingestLines(run("known", "servers.web01.known", 1700000000), "mine 3\n");
    QCOMPARE(pipeline.counters().unattributed, 2);
    QCOMPARE(pipeline.counters().accepted, 3);
    QCOMPARE(output.written,
        std::string("servers.web01.stray;collector=unattributed;host=web01 1 1700000000\n"
                    "servers.web01.stray2;collector=unattributed;host=web01 2 1700000000\n"
                    "servers.web01.known.mine;collector=known;host=web01 3 1700000000\n"));
}

void tst_pipeline::selfMetricsGoThroughTheSamePath()
{
    RecordingOutput output(OutputFormat::Plaintext);
    Pipeline pipeline("web01");
    pipeline.setOutputs({ &output });
    output.start();
    pipeline.ingestMetric(run("garnet", "servers.web01.garnet", 0), "received", 12345, 1700000000);
    pipeline.ingestMetric(run("garnet", "servers.web01.garnet", 0), "output.stdout.queued", 0.25, 1700000000);
    QCOMPARE(output.written,
        std::string("servers.web01.garnet.received 12345 1700000000\n"
                    "servers.web01.garnet.output.stdout.queued 0.25 1700000000\n"));
    QCOMPARE(pipeline.counters().accepted, 2);
}

void tst_pipeline::largeInputIsEnqueuedInBlocks()
{
    RecordingOutput output(OutputFormat::Plaintext);
    Pipeline pipeline("web01");
    pipeline.setOutputs({ &output });
    output.start();
    std::string input;
    std::string expected;
    for (int i = 0; i < 50000; ++i) {
        input += "metric." + std::to_string(i) + ' ' + std::to_string(i) + '\n';
        expected += "servers.web01.c.metric." + std::to_string(i) + ' ' + std::to_string(i) + " 1700000000\n";
    }
    output.enqueueCalls = 0;
    pipeline.ingestLines(run("c", "servers.web01.c", 1700000000), input);
    QVERIFY(output.written == expected);
    QCOMPARE(output.counters().received, 50000);
    QVERIFY(output.enqueueCalls > 1); // flushed at the block threshold...
    QVERIFY(output.enqueueCalls < 100); // ...not per line
}

void tst_pipeline::congestionWhenAllConnectedOutputsSaturate()
{
    RecordingOutput first(OutputFormat::Plaintext, 10);
    RecordingOutput second(OutputFormat::Tagged, 20);
    first.setStalled(true);
    second.setStalled(true);
    Pipeline pipeline("web01");
    QSignalSpy congestion(&pipeline, &Pipeline::congestionChanged);
    pipeline.setOutputs({ &first, &second });
    first.start();
    second.start();
    const RunContext context = run("c", "p", 1700000000);
    auto feed = [&](int lines) {
        std::string input;
        for (int i = 0; i < lines; ++i)
            input += "m " + std::to_string(i) + '\n';
        pipeline.ingestLines(context, input);
    };

    feed(10); // the first is full, the second is not: writers keep going
    QVERIFY(first.isSaturated());
    QVERIFY(!pipeline.isCongested());
    QCOMPARE(congestion.size(), 0);

    feed(10); // both full
    QVERIFY(pipeline.isCongested());
    QCOMPARE(congestion.size(), 1);
    QCOMPARE(congestion[0][0].toBool(), true);

    first.setUp(false); // a dead output does not hold anyone back, but the live one is still full
    QVERIFY(pipeline.isCongested());
    second.setUp(false); // nothing connected: never congested
    QVERIFY(!pipeline.isCongested());
    QCOMPARE(congestion.size(), 2);
    second.setUp(true);
    QVERIFY(pipeline.isCongested());
    QCOMPARE(congestion.size(), 3);

    second.setStalled(false); // drains: released
    QVERIFY(!pipeline.isCongested());
    QCOMPARE(congestion.size(), 4);
    QCOMPARE(congestion[3][0].toBool(), false);

    // Counters stay exact through all of it.
    for (Output *output : { static_cast<Output *>(&first), static_cast<Output *>(&second) }) {
        const OutputCounters c = output->counters();
        QCOMPARE(c.received, 20);
        QCOMPARE(c.received, c.sent + c.dropped + c.queued);
    }
    QCOMPARE(first.counters().dropped, 10);
    QCOMPARE(second.counters().sent, 20);
}

void tst_pipeline::replacedOutputsGetNothingMore()
{
    RecordingOutput old(OutputFormat::Plaintext, 5);
    old.setStalled(true);
    RecordingOutput replacement(OutputFormat::Metrics20);
    Pipeline pipeline("web01");
    QSignalSpy congestion(&pipeline, &Pipeline::congestionChanged);
    pipeline.setOutputs({ &old });
    old.start();
    replacement.start();
    pipeline.ingestLines(run("c", "p", 1), "a 1\nb 2\nc 3\nd 4\ne 5\n");
    QVERIFY(pipeline.isCongested());

    pipeline.setOutputs({ &replacement });
    QVERIFY(!pipeline.isCongested()); // recomputed for the new set
    pipeline.ingestLines(run("c", "p", 1), "f 6\n");
    QCOMPARE(old.counters().received, 5);
    QCOMPARE(replacement.written, std::string("p.f;collector=c;host=web01;mtype=gauge;unit=unknown 6 1\n"));
    old.setStalled(false); // its signals no longer reach the pipeline
    QCOMPARE(congestion.size(), 2);
}

QTEST_GUILESS_MAIN(tst_pipeline)
#include "tst_pipeline.moc"

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "common/dialect.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTest>

using namespace Garnet;

namespace {

QByteArray bytes(std::string_view text)
{
    return QByteArray(text.data(), qsizetype(text.size()));
}

/** Runs one plugin output through the translator, as the agent does: complete lines, then the tail. */
QByteArray translate(const QByteArray &output, int exitStatus)
{
    DialectTranslator translator(Dialect::Nagios);
    translator.startRun();
    const qsizetype lastNewline = output.lastIndexOf('\n');
    const std::string_view all(output.constData(), std::size_t(output.size()));
    translator.translate(all.substr(0, std::size_t(lastNewline + 1)));
    translator.finishRun(all.substr(std::size_t(lastNewline + 1)), exitStatus);
    QByteArray result = bytes(translator.lines());
    for (const RejectReason reason : translator.rejects())
        result += "rejected " + bytes(rejectReasonName(reason)) + '\n';
    return result;
}

QString fixtureDir()
{
    return QStringLiteral(GARNET_TEST_SOURCE_DIR "/common/fixtures/nagios");
}

} // namespace

class TestNagios : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void garbageNeverYieldsInvalidLines();
    void perfItem_data();
    void perfItem();
    void splitItems_data();
    void splitItems();
    void threshold_data();
    void threshold();
    void labelNode_data();
    void labelNode();
    void state_data();
    void state();
    void translate_data();
    void translate();
    void fixtures_data();
    void fixtures();
    void translatorIsReusedAcrossRuns();
};

void TestNagios::perfItem_data()
{
    QTest::addColumn<QByteArray>("item");
    QTest::addColumn<int>("reason");
    QTest::addColumn<QByteArray>("label");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("unit");
    QTest::addColumn<QByteArrayList>("thresholds"); // warn, crit, min, max
    const auto ok = int(RejectReason::None);
    const QByteArrayList none { "", "", "", "" };
    QTest::newRow("plain") << QByteArray("users=0") << ok << QByteArray("users") << QByteArray("0") << QByteArray()
                           << none;
    QTest::newRow("check_load") << QByteArray("load1=4.610;;;0;") << ok << QByteArray("load1") << QByteArray("4.610")
                                << QByteArray() << QByteArrayList { "", "", "0", "" };
    QTest::newRow("check_ping ms") << QByteArray("rta=0.310000ms;100.000000;200.000000;0.000000") << ok
                                   << QByteArray("rta") << QByteArray("0.310000") << QByteArray("ms")
                                   << QByteArrayList { "100.000000", "200.000000", "0.000000", "" };
    QTest::newRow("percent") << QByteArray("pl=0%;20;50;0;") << ok << QByteArray("pl") << QByteArray("0")
                             << QByteArray("%") << QByteArrayList { "20", "50", "0", "" };
    QTest::newRow("bytes, all fields") << QByteArray("/=18257805312B;216442024755;243497277849;0;270552530944") << ok
                                       << QByteArray("/") << QByteArray("18257805312") << QByteArray("B")
                                       << QByteArrayList { "216442024755", "243497277849", "0", "270552530944" };
    QTest::newRow("counter") << QByteArray("errors=12c") << ok << QByteArray("errors") << QByteArray("12")
                             << QByteArray("c") << none;
    QTest::newRow("negative") << QByteArray("offset=-0.004s;1;2") << ok << QByteArray("offset") << QByteArray("-0.004")
                              << QByteArray("s") << QByteArrayList { "1", "2", "", "" };
    QTest::newRow("exponent") << QByteArray("x=1e3") << ok << QByteArray("x") << QByteArray("1e3") << QByteArray()
                              << none;
    QTest::newRow("icinga unit") << QByteArray("mem=512KiB") << ok << QByteArray("mem") << QByteArray("512")
                                 << QByteArray("KiB") << none;
    QTest::newRow("quoted, blanks") << QByteArray("'C:\\ Used Space'=30.50Gb;47.99") << ok
                                    << QByteArray("C:\\ Used Space") << QByteArray("30.50") << QByteArray("Gb")
                                    << QByteArrayList { "47.99", "", "", "" };
    QTest::newRow("quoted, escape") << QByteArray("'it''s'=1") << ok << QByteArray("it''s") << QByteArray("1")
                                    << QByteArray() << none;
    QTest::newRow("quoted, equals") << QByteArray("'a=b'=2") << ok << QByteArray("a=b") << QByteArray("2")
                                    << QByteArray() << none;
    QTest::newRow("ranges kept raw") << QByteArray("t=5;@10:20;~:30") << ok << QByteArray("t") << QByteArray("5")
                                     << QByteArray() << QByteArrayList { "@10:20", "~:30", "", "" };

    const QByteArray empty;
    QTest::newRow("U") << QByteArray("rta=U;1;2") << int(RejectReason::NonFiniteValue) << empty << empty << empty
                       << none;
    QTest::newRow("nan") << QByteArray("x=nan") << int(RejectReason::NonFiniteValue) << empty << empty << empty << none;
    QTest::newRow("overflow") << QByteArray("x=1e999") << int(RejectReason::NonFiniteValue) << empty << empty << empty
                              << none;
    QTest::newRow("no equals") << QByteArray("perfdata") << int(RejectReason::MissingValue) << empty << empty << empty
                               << none;
    QTest::newRow("empty value") << QByteArray("x=") << int(RejectReason::MissingValue) << empty << empty << empty
                                 << none;
    QTest::newRow("only thresholds") << QByteArray("x=;1;2") << int(RejectReason::MissingValue) << empty << empty
                                     << empty << none;
    QTest::newRow("empty label") << QByteArray("=5") << int(RejectReason::BadName) << empty << empty << empty << none;
    QTest::newRow("empty quoted label") << QByteArray("''=5") << int(RejectReason::BadName) << empty << empty << empty
                                        << none;
    QTest::newRow("unterminated quote") << QByteArray("'abc=5") << int(RejectReason::BadName) << empty << empty << empty
                                        << none;
    QTest::newRow("junk after quote") << QByteArray("'a'b=5") << int(RejectReason::BadName) << empty << empty << empty
                                      << none;
    QTest::newRow("quoted, no value") << QByteArray("'a'") << int(RejectReason::MissingValue) << empty << empty << empty
                                      << none;
    QTest::newRow("comma decimal") << QByteArray("t=0,52s") << int(RejectReason::BadValue) << empty << empty << empty
                                   << none;
    QTest::newRow("hex") << QByteArray("t=0x10") << int(RejectReason::BadValue) << empty << empty << empty << none;
    QTest::newRow("words") << QByteArray("t=abc") << int(RejectReason::BadValue) << empty << empty << empty << none;
    QTest::newRow("two dots") << QByteArray("t=1.2.3") << int(RejectReason::BadValue) << empty << empty << empty
                              << none;
    QTest::newRow("plus minus") << QByteArray("t=+-1") << int(RejectReason::BadValue) << empty << empty << empty
                                << none;
    QTest::newRow("unit with digit") << QByteArray("t=5m2") << int(RejectReason::BadValue) << empty << empty << empty
                                     << none;
}

void TestNagios::perfItem()
{
    QFETCH(QByteArray, item);
    QFETCH(int, reason);
    Nagios::PerfItem parsed;
    QCOMPARE(int(Nagios::parsePerfItem(std::string_view(item.constData(), std::size_t(item.size())), parsed)), reason);
    if (reason != int(RejectReason::None))
        return;
    QTEST(bytes(parsed.label), "label");
    QTEST(bytes(parsed.value), "value");
    QTEST(bytes(parsed.unit), "unit");
    const QByteArrayList thresholds { bytes(parsed.warn), bytes(parsed.crit), bytes(parsed.min), bytes(parsed.max) };
    QTEST(thresholds, "thresholds");
}

void TestNagios::splitItems_data()
{
    QTest::addColumn<QByteArray>("perfdata");
    QTest::addColumn<QByteArrayList>("items");
    QTest::newRow("empty") << QByteArray("") << QByteArrayList {};
    QTest::newRow("blanks") << QByteArray(" \t ") << QByteArrayList {};
    QTest::newRow("check_load") << QByteArray("load1=4.610;;;0; load5=4.690;;;0; ")
                                << QByteArrayList { "load1=4.610;;;0;", "load5=4.690;;;0;" };
    QTest::newRow("runs of blanks") << QByteArray("  a=1 \t b=2  ") << QByteArrayList { "a=1", "b=2" };
    QTest::newRow("quoted with blanks") << QByteArray("'C:\\ Used'=1;2 'D: x'=3")
                                        << QByteArrayList { "'C:\\ Used'=1;2", "'D: x'=3" };
    QTest::newRow("doubled quote") << QByteArray("'it''s a'=1 b=2") << QByteArrayList { "'it''s a'=1", "b=2" };
    QTest::newRow("unterminated eats the rest") << QByteArray("a=1 'b=2 c=3") << QByteArrayList { "a=1", "'b=2 c=3" };
}

void TestNagios::splitItems()
{
    QFETCH(QByteArray, perfdata);
    std::string_view rest(perfdata.constData(), std::size_t(perfdata.size()));
    std::string_view item;
    QByteArrayList items;
    while (Nagios::nextPerfItem(rest, item))
        items << bytes(item);
    QTEST(items, "items");
}

void TestNagios::threshold_data()
{
    QTest::addColumn<QByteArray>("range");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArray>("number");
    QTest::newRow("simple") << QByteArray("10") << true << QByteArray("10");
    QTest::newRow("decimal") << QByteArray("100.000000") << true << QByteArray("100.000000");
    QTest::newRow("lower bound only") << QByteArray("10:") << true << QByteArray("10");
    QTest::newRow("no lower bound") << QByteArray("~:10") << true << QByteArray("10");
    QTest::newRow("both: upper") << QByteArray("10:20") << true << QByteArray("20");
    QTest::newRow("inside") << QByteArray("@10:20") << true << QByteArray("20");
    QTest::newRow("inside simple") << QByteArray("@5") << true << QByteArray("5");
    QTest::newRow("negative") << QByteArray("-5:-1") << true << QByteArray("-1");
    QTest::newRow("1:1 (check_procs)") << QByteArray("1:1") << true << QByteArray("1");
    QTest::newRow("colon only") << QByteArray(":") << false << QByteArray();
    QTest::newRow("tilde only") << QByteArray("~:") << false << QByteArray();
    QTest::newRow("word") << QByteArray("check_procs") << false << QByteArray();
    QTest::newRow("option") << QByteArray("-w") << false << QByteArray();
    QTest::newRow("bad lower") << QByteArray("x:5") << false << QByteArray();
    QTest::newRow("bad upper") << QByteArray("5:x") << false << QByteArray();
    QTest::newRow("unit") << QByteArray("5ms") << false << QByteArray();
    QTest::newRow("at only") << QByteArray("@") << false << QByteArray();
}

void TestNagios::threshold()
{
    QFETCH(QByteArray, range);
    QFETCH(bool, valid);
    std::string_view number;
    QCOMPARE(Nagios::rangeThreshold(std::string_view(range.constData(), std::size_t(range.size())), number), valid);
    if (valid)
        QTEST(bytes(number), "number");
}

void TestNagios::labelNode_data()
{
    QTest::addColumn<QByteArray>("label");
    QTest::addColumn<QByteArray>("node");
    QTest::newRow("plain") << QByteArray("load1") << QByteArray("load1");
    QTest::newRow("root") << QByteArray("/") << QByteArray("root");
    QTest::newRow("mount") << QByteArray("/var/lib") << QByteArray("var_lib");
    QTest::newRow("double slash") << QByteArray("//srv") << QByteArray("srv");
    QTest::newRow("blanks") << QByteArray("Used Space") << QByteArray("Used_Space");
    QTest::newRow("dots") << QByteArray("time.total") << QByteArray("time_total");
    QTest::newRow("windows") << QByteArray("C:\\ Used Space") << QByteArray("C:__Used_Space");
    QTest::newRow("escaped quote") << QByteArray("it''s") << QByteArray("it_s");
    QTest::newRow("unstorable") << QByteArray("a(b)[c]{d},e=f*g?h;i\"j") << QByteArray("a_b__c__d__e_f_g_h_i_j");
    QTest::newRow("utf-8 kept") << QByteArray("température") << QByteArray("température");
    QTest::newRow("tab") << QByteArray("a\tb") << QByteArray("a_b");
    // Found by fuzz_nagios: bytes that are not UTF-8 made a line the parser rejects as bad_encoding.
    QTest::newRow("invalid utf-8") << QByteArray("thread\xfd\xfd") << QByteArray("thread__");
    QTest::newRow("truncated utf-8") << QByteArray("a\xc3") << QByteArray("a_");
    QTest::newRow("surrogate") << QByteArray("a\xed\xa0\x80"
                                             "b")
                               << QByteArray("a___b");
    QTest::newRow("C1 control") << QByteArray("a\xc2\x85"
                                              "b")
                                << QByteArray("a__b");
    QTest::newRow("overlong") << QByteArray("a\xc0\xaf"
                                            "b")
                              << QByteArray("a__b");
    QTest::newRow("4-byte utf-8 kept") << QByteArray("a\xf0\x9f\x98\x80") << QByteArray("a\xf0\x9f\x98\x80");
}

void TestNagios::labelNode()
{
    QFETCH(QByteArray, label);
    std::string node;
    Nagios::appendLabelNode(node, std::string_view(label.constData(), std::size_t(label.size())));
    QTEST(bytes(node), "node");
}

void TestNagios::state_data()
{
    QTest::addColumn<int>("exitStatus");
    QTest::addColumn<int>("state");
    QTest::newRow("ok") << 0 << 0;
    QTest::newRow("warning") << 1 << 1;
    QTest::newRow("critical") << 2 << 2;
    QTest::newRow("unknown") << 3 << 3;
    QTest::newRow("other") << 4 << 3;
    QTest::newRow("signal") << 128 + 15 << 3;
    QTest::newRow("failed start") << -1 << 3;
}

void TestNagios::state()
{
    QFETCH(int, exitStatus);
    QTEST(Nagios::stateFromExitStatus(exitStatus), "state");
}

void TestNagios::translate_data()
{
    QTest::addColumn<QByteArray>("output");
    QTest::addColumn<int>("exitStatus");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("no output") << QByteArray() << 0 << QByteArray("state 0\n");
    QTest::newRow("no perfdata") << QByteArray("OK - all fine\n") << 0 << QByteArray("state 0\n");
    QTest::newRow("no final newline") << QByteArray("OK | a=1") << 0 << QByteArray("a 1\nstate 0\n");
    QTest::newRow("CRLF") << QByteArray("OK | a=1;2\r\n") << 1 << QByteArray("a 1\na.warn 2\nstate 1\n");
    QTest::newRow("empty perfdata") << QByteArray("OK |\n") << 0 << QByteArray("state 0\n");
    QTest::newRow("second bar on line one is data")
        << QByteArray("OK | a=1 | b=2\n") << 0 << QByteArray("a 1\nrejected missing_value\nb 2\nstate 0\n");
    QTest::newRow("long text without perfdata")
        << QByteArray("OK | a=1\nline two\nline three=3\n") << 0 << QByteArray("a 1\nstate 0\n");
    QTest::newRow("long text perfdata continues")
        << QByteArray("OK\nmore text | b=2\nc=3\n d=4 e=5\n") << 2 << QByteArray("b 2\nc 3\nd 4\ne 5\nstate 2\n");
    QTest::newRow("long text bar in later lines is data") << QByteArray(
        "OK\ntext | b=2\nc=3 | d=4\n") << 0 << QByteArray("b 2\nc 3\nrejected missing_value\nd 4\nstate 0\n");
    QTest::newRow("crash") << QByteArray("OK | a=1\n") << 128 + 11 << QByteArray("a 1\nstate 3\n");
    QTest::newRow("timestamps never added")
        << QByteArray("| t=1700000000\n") << 0 << QByteArray("t 1700000000\nstate 0\n");
    // Found by fuzz_nagios: a label that makes a name over MaxNameLength is a reject, not a bad line.
    QTest::newRow("label too long for a name") << (QByteArray("OK | ") + QByteArray(2000, 'a') + "=1 b=2\n") << 0
                                               << QByteArray("b 2\nrejected name_too_long\nstate 0\n");
}

void TestNagios::translate()
{
    QFETCH(QByteArray, output);
    QFETCH(int, exitStatus);
    QFETCH(QByteArray, expected);
    // The rejects come after the lines in translate()'s rendering; the table lists them where they occur.
    QByteArrayList wanted = expected.split('\n');
    QByteArrayList metrics;
    QByteArrayList rejects;
    for (const QByteArray &line : std::as_const(wanted))
        if (!line.isEmpty())
            (line.startsWith("rejected ") ? rejects : metrics) << line;
    QCOMPARE(::translate(output, exitStatus), (metrics + rejects).join('\n') + '\n');
}

void TestNagios::fixtures_data()
{
    QTest::addColumn<QString>("name");
    const QStringList outputs = QDir(fixtureDir()).entryList({ QStringLiteral("*.out") }, QDir::Files, QDir::Name);
    QVERIFY2(outputs.size() >= 20, "the fixtures are missing");
    for (const QString &file : outputs) {
        const QString name = file.chopped(4);
        QTest::newRow(qPrintable(name)) << name;
    }
}

void TestNagios::fixtures()
{
    QFETCH(QString, name);
    const auto read = [&](const char *suffix) {
        QFile file(fixtureDir() + QLatin1Char('/') + name + QLatin1String(suffix));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot read %s", qPrintable(file.fileName()));
        return file.readAll();
    };
    const QByteArray translated = ::translate(read(".out"), read(".exit").trimmed().toInt());
    QCOMPARE(translated, read(".expected"));
    // Every line the dialect produces is a valid Graphite line.
    for (const QByteArray &line : translated.split('\n')) {
        if (line.isEmpty() || line.startsWith("rejected "))
            continue;
        ParsedMetric metric;
        QCOMPARE(int(parseMetricLine(std::string_view(line.constData(), std::size_t(line.size())), metric)),
            int(RejectReason::None));
        QVERIFY(!metric.timestamp);
    }
}

void TestNagios::translatorIsReusedAcrossRuns()
{
    DialectTranslator translator(Dialect::Nagios);
    translator.startRun();
    translator.translate("OK\nlong | a=1\n");
    translator.finishRun({}, 0);
    QCOMPARE(bytes(translator.lines()), QByteArray("a 1\nstate 0\n"));
    translator.clear();
    // A new run starts with a first line again: "b=2" after the first line's '|' only, no long perfdata.
    translator.startRun();
    translator.translate("WARN | b=2\nc=3\n");
    translator.finishRun({}, 1);
    QCOMPARE(bytes(translator.lines()), QByteArray("b 2\nstate 1\n"));
    QVERIFY(translator.rejects().empty());
}

void TestNagios::garbageNeverYieldsInvalidLines()
{
    // Random lines over the characters that matter to the grammar: whatever comes out must be valid.
    static constexpr std::string_view Alphabet = "'=;:|@~ \t.-+0123456789UeE%abcB/\\\"#-N\r\xc3\xa9\x01";
    QRandomGenerator random(20260101);
    int produced = 0;
    DialectTranslator translator(Dialect::Nagios);
    for (int run = 0; run < 200; ++run) {
        translator.startRun();
        std::string output;
        for (int line = 0; line < 10; ++line) {
            output += random.bounded(3) == 0 ? "OK | " : "";
            const int length = random.bounded(60);
            for (int i = 0; i < length; ++i)
                output += Alphabet[random.bounded(int(Alphabet.size()))];
            output += '\n';
        }
        translator.translate(output);
        translator.finishRun("x=1;2;3;4;5;6;7 'tail", random.bounded(300) - 20);
        for (const QByteArray &line : bytes(translator.lines()).split('\n')) {
            if (line.isEmpty())
                continue;
            ParsedMetric metric;
            const RejectReason reason
                = parseMetricLine(std::string_view(line.constData(), std::size_t(line.size())), metric);
            // Control bytes and invalid UTF-8 pass through unchanged on purpose: the parser rejects them.
            QVERIFY2(reason == RejectReason::None || reason == RejectReason::BadEncoding, line.constData());
            ++produced;
        }
        translator.clear();
    }
    qDebug() << "lines produced:" << produced;
    QVERIFY(produced > 100);
}

QTEST_GUILESS_MAIN(TestNagios)
#include "tst_nagios.moc"

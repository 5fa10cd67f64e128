// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "common/dialect.h"

#include <QRandomGenerator>
#include <QTest>

using namespace Garnet;

namespace {

QByteArray bytes(std::string_view text)
{
    return QByteArray(text.data(), qsizetype(text.size()));
}

std::string_view view(const QByteArray &bytes)
{
    return std::string_view(bytes.constData(), std::size_t(bytes.size()));
}

} // namespace

class TestCollectd : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void garbageNeverYieldsInvalidLines();
    void identifier_data();
    void identifier();
    void dataSources_data();
    void dataSources();
    void graphiteName_data();
    void graphiteName();
    void line_data();
    void line();
    void translatorCountsNotifications();
    void translatorTakesTheUnterminatedTail();
    void nameTooLongIsRejected();
};

void TestCollectd::identifier_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArrayList>("parts"); // host, plugin, plugin instance, type, type instance
    QTest::newRow("full") << QByteArray("web01/exec-magic/gauge-magic_level") << true
                          << QByteArrayList { "web01", "exec", "magic", "gauge", "magic_level" };
    QTest::newRow("no instances") << QByteArray("web01/load/load") << true
                                  << QByteArrayList { "web01", "load", "", "load", "" };
    QTest::newRow("fqdn") << QByteArray("web01.example.com/interface-eth0/if_octets") << true
                          << QByteArrayList { "web01.example.com", "interface", "eth0", "if_octets", "" };
    QTest::newRow("first dash splits") << QByteArray("h/a-b-c/t-x-y") << true
                                       << QByteArrayList { "h", "a", "b-c", "t", "x-y" };
    QTest::newRow("empty instance") << QByteArray("h/exec-/gauge-") << true
                                    << QByteArrayList { "h", "exec", "", "gauge", "" };
    QTest::newRow("empty host") << QByteArray("/exec/gauge") << true << QByteArrayList { "", "exec", "", "gauge", "" };
    QTest::newRow("one slash") << QByteArray("host/exec") << false << QByteArrayList {};
    QTest::newRow("three slashes") << QByteArray("h/p/t/x") << false << QByteArrayList {};
    QTest::newRow("no slash") << QByteArray("gauge") << false << QByteArrayList {};
    QTest::newRow("empty plugin") << QByteArray("h//gauge") << false << QByteArrayList {};
    QTest::newRow("empty type") << QByteArray("h/exec/") << false << QByteArrayList {};
    QTest::newRow("plugin only instance") << QByteArray("h/-x/gauge") << false << QByteArrayList {};
}

void TestCollectd::identifier()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    Collectd::Identifier id;
    QCOMPARE(Collectd::parseIdentifier(view(text), id) == RejectReason::None, valid);
    if (valid)
        QTEST((QByteArrayList {
                  bytes(id.host), bytes(id.plugin), bytes(id.pluginInstance), bytes(id.type), bytes(id.typeInstance) }),
            "parts");
}

void TestCollectd::dataSources_data()
{
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<QByteArrayList>("names");
    QTest::newRow("if_octets") << QByteArray("if_octets") << QByteArrayList { "rx", "tx" };
    QTest::newRow("load") << QByteArray("load") << QByteArrayList { "shortterm", "midterm", "longterm" };
    QTest::newRow("disk_octets") << QByteArray("disk_octets") << QByteArrayList { "read", "write" };
    QTest::newRow("disk_io_time") << QByteArray("disk_io_time") << QByteArrayList { "io_time", "weighted_io_time" };
    QTest::newRow("ps_cputime") << QByteArray("ps_cputime") << QByteArrayList { "user", "syst" };
    QTest::newRow("mysql_qcache") << QByteArray(
        "mysql_qcache") << QByteArrayList { "hits", "inserts", "not_cached", "lowmem_prunes", "queries_in_cache" };
    QTest::newRow("first") << QByteArray("arc_counts")
                           << QByteArrayList { "demand_data", "demand_metadata", "prefetch_data", "prefetch_metadata" };
    QTest::newRow("last") << QByteArray("voltage_threshold") << QByteArrayList { "value", "threshold" };
    QTest::newRow("single-value type") << QByteArray("gauge") << QByteArrayList {};
    QTest::newRow("unknown type") << QByteArray("my_type") << QByteArrayList {};
    QTest::newRow("prefix of a type") << QByteArray("if_") << QByteArrayList {};
    QTest::newRow("empty") << QByteArray("") << QByteArrayList {};
}

void TestCollectd::dataSources()
{
    QFETCH(QByteArray, type);
    QByteArrayList names;
    for (const std::string_view name : Collectd::dataSourceNames(view(type)))
        names << bytes(name);
    QTEST(names, "names");
}

void TestCollectd::graphiteName_data()
{
    QTest::addColumn<QByteArray>("identifier");
    QTest::addColumn<QByteArray>("dataSource");
    QTest::addColumn<QByteArray>("withHost");
    QTest::addColumn<QByteArray>("withoutHost");
    // The cases of collectd 5's utils_format_graphite_test.c with EscapeCharacter "_".
    QTest::newRow("plain") << QByteArray("example.com/test/single") << QByteArray()
                           << QByteArray("example_com.test.single") << QByteArray("test.single");
    QTest::newRow("instances") << QByteArray("example.com/test-foo/single-bar") << QByteArray()
                               << QByteArray("example_com.test-foo.single-bar") << QByteArray("test-foo.single-bar");
    QTest::newRow("type instance") << QByteArray("example.com/test/single-bar") << QByteArray()
                                   << QByteArray("example_com.test.single-bar") << QByteArray("test.single-bar");
    QTest::newRow("special chars") << QByteArray("example.com/test-foo (test)/single-test: \"hello\"") << QByteArray()
                                   << QByteArray("example_com.test-foo__test_.single-test___hello_")
                                   << QByteArray("test-foo__test_.single-test___hello_");
    QTest::newRow("dots in instances") << QByteArray("example.com/test-f.o.o/single-b.a.r") << QByteArray()
                                       << QByteArray("example_com.test-f_o_o.single-b_a_r")
                                       << QByteArray("test-f_o_o.single-b_a_r");
    QTest::newRow("data source") << QByteArray("h/interface-eth0/if_octets") << QByteArray("rx")
                                 << QByteArray("h.interface-eth0.if_octets.rx")
                                 << QByteArray("interface-eth0.if_octets.rx");
    QTest::newRow("more unstorable") << QByteArray("h/a!b/c=d*e?") << QByteArray() << QByteArray("h.a_b.c_d_e_")
                                     << QByteArray("a_b.c_d_e_");
    QTest::newRow("mount point") << QByteArray("h/df-var-lib/df_complex-used") << QByteArray()
                                 << QByteArray("h.df-var-lib.df_complex-used")
                                 << QByteArray("df-var-lib.df_complex-used");
    // Found by fuzz_collectd: bytes that are not UTF-8 went through and made the line invalid.
    QTest::newRow("invalid utf-8") << QByteArray("h/exe\xe3/gauge-\xff\xc3\xa9") << QByteArray()
                                   << QByteArray("h.exe_.gauge-_\xc3\xa9") << QByteArray("exe_.gauge-_\xc3\xa9");
}

void TestCollectd::graphiteName()
{
    QFETCH(QByteArray, identifier);
    QFETCH(QByteArray, dataSource);
    Collectd::Identifier id;
    QCOMPARE(Collectd::parseIdentifier(view(identifier), id), RejectReason::None);
    std::string with;
    std::string without;
    Collectd::appendGraphiteName(with, id, view(dataSource), true);
    Collectd::appendGraphiteName(without, id, view(dataSource), false);
    QTEST(bytes(with), "withHost");
    QTEST(bytes(without), "withoutHost");
}

void TestCollectd::line_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("lines");
    QTest::addColumn<QByteArrayList>("rejects");
    const auto values = int(Collectd::LineKind::Values);
    const auto rejected = int(Collectd::LineKind::Rejected);
    const QByteArrayList none;
    // collectd-exec(5) and the collectd wiki's exec examples
    QTest::newRow("exec(5) example") << QByteArray("PUTVAL \"myhostname/exec-magic/gauge-magic_level\" interval=10 N:1")
                                     << values << QByteArray("exec-magic.gauge-magic_level 1\n") << none;
    QTest::newRow("unquoted, time") << QByteArray("PUTVAL web01/exec-app/gauge-users 1700000000:42") << values
                                    << QByteArray("exec-app.gauge-users 42 1700000000\n") << none;
    QTest::newRow("fractional time cut") << QByteArray("PUTVAL h/exec/gauge 1700000000.875:0.5") << values
                                         << QByteArray("exec.gauge 0.5 1700000000\n") << none;
    QTest::newRow("time 0 is now") << QByteArray("PUTVAL h/exec/gauge 0:7") << values << QByteArray("exec.gauge 7\n")
                                   << none;
    QTest::newRow("if_octets") << QByteArray("PUTVAL h/interface-eth0/if_octets interval=10 N:1024:2048") << values
                               << QByteArray("interface-eth0.if_octets.rx 1024\ninterface-eth0.if_octets.tx 2048\n")
                               << none;
    QTest::newRow("load") << QByteArray("PUTVAL h/load/load N:0.52:0.58:0.59") << values
                          << QByteArray("load.load.shortterm 0.52\nload.load.midterm 0.58\nload.load.longterm 0.59\n")
                          << none;
    QTest::newRow("unknown type, several values")
        << QByteArray("PUTVAL h/exec-x/mytype N:1:2:3") << values
        << QByteArray("exec-x.mytype.value0 1\nexec-x.mytype.value1 2\nexec-x.mytype.value2 3\n") << none;
    QTest::newRow("several value lists") << QByteArray("PUTVAL h/exec/gauge 1700000000:1 1700000010:2") << values
                                         << QByteArray("exec.gauge 1 1700000000\nexec.gauge 2 1700000010\n") << none;
    QTest::newRow("meta option ignored") << QByteArray("PUTVAL h/exec/gauge meta:k=\"a b\" interval=5 N:3") << values
                                         << QByteArray("exec.gauge 3\n") << none;
    QTest::newRow("quoted with blank and escape") << QByteArray("PUTVAL \"h/exec-my app/gauge-say \\\"hi\\\"\" N:1")
                                                  << values << QByteArray("exec-my_app.gauge-say__hi_ 1\n") << none;
    QTest::newRow("lower-case command") << QByteArray("putval h/exec/gauge N:1") << values
                                        << QByteArray("exec.gauge 1\n") << none;
    QTest::newRow("tabs and CR") << QByteArray("PUTVAL\th/exec/gauge\tN:1\r") << values << QByteArray("exec.gauge 1\n")
                                 << none;
    QTest::newRow("negative derive") << QByteArray("PUTVAL h/exec/derive N:-5") << values
                                     << QByteArray("exec.derive -5\n") << none;
    QTest::newRow("big counter") << QByteArray("PUTVAL h/exec/counter N:18446744073709551615") << values
                                 << QByteArray("exec.counter 18446744073709551615\n") << none;

    QTest::newRow("U keeps the others") << QByteArray("PUTVAL h/interface-eth0/if_octets N:U:7") << values
                                        << QByteArray("interface-eth0.if_octets.tx 7\n")
                                        << QByteArrayList { "non_finite_value" };
    QTest::newRow("bad value keeps the others")
        << QByteArray("PUTVAL h/load/load N:1:x:3") << values
        << QByteArray("load.load.shortterm 1\nload.load.longterm 3\n") << QByteArrayList { "bad_value" };
    QTest::newRow("empty value") << QByteArray("PUTVAL h/exec/gauge N:") << values << QByteArray()
                                 << QByteArrayList { "missing_value" };
    QTest::newRow("too few for the type") << QByteArray("PUTVAL h/interface/if_octets N:1") << values << QByteArray()
                                          << QByteArrayList { "missing_value" };
    QTest::newRow("too many for the type")
        << QByteArray("PUTVAL h/load/load N:1:2:3:4") << values << QByteArray() << QByteArrayList { "too_many_fields" };
    QTest::newRow("bad time") << QByteArray("PUTVAL h/exec/gauge yesterday:1") << values << QByteArray()
                              << QByteArrayList { "bad_timestamp" };
    QTest::newRow("negative time") << QByteArray("PUTVAL h/exec/gauge -5:1") << values << QByteArray()
                                   << QByteArrayList { "bad_timestamp" };
    QTest::newRow("year 10000") << QByteArray("PUTVAL h/exec/gauge 253402300800:1") << values << QByteArray()
                                << QByteArrayList { "bad_timestamp" };
    QTest::newRow("one good list, one bad") << QByteArray("PUTVAL h/exec/gauge 1:1 x:2") << values
                                            << QByteArray("exec.gauge 1 1\n") << QByteArrayList { "bad_timestamp" };
    QTest::newRow("no colon") << QByteArray("PUTVAL h/exec/gauge 42") << values << QByteArray()
                              << QByteArrayList { "missing_value" };
    QTest::newRow("no value list") << QByteArray("PUTVAL h/exec/gauge interval=10") << rejected << QByteArray()
                                   << QByteArrayList { "missing_value" };
    QTest::newRow("no identifier") << QByteArray("PUTVAL") << rejected << QByteArray()
                                   << QByteArrayList { "missing_value" };
    QTest::newRow("bad identifier") << QByteArray("PUTVAL gauge N:1") << rejected << QByteArray()
                                    << QByteArrayList { "bad_name" };
    QTest::newRow("unterminated quote") << QByteArray("PUTVAL \"h/exec/gauge N:1") << rejected << QByteArray()
                                        << QByteArrayList { "bad_name" };
    QTest::newRow("graphite line") << QByteArray("foo.bar 1 1700000000") << rejected << QByteArray()
                                   << QByteArrayList { "bad_name" };
    QTest::newRow("other command") << QByteArray("FLUSH timeout=10") << rejected << QByteArray()
                                   << QByteArrayList { "bad_name" };

    QTest::newRow("notification") << QByteArray("PUTNOTIF severity=okay time=1700000000 message=all good")
                                  << int(Collectd::LineKind::Notification) << QByteArray() << none;
    QTest::newRow("comment") << QByteArray("# PUTVAL h/exec/gauge N:1") << int(Collectd::LineKind::Ignored)
                             << QByteArray() << none;
    QTest::newRow("blank") << QByteArray("  \t") << int(Collectd::LineKind::Ignored) << QByteArray() << none;
}

void TestCollectd::line()
{
    QFETCH(QByteArray, line);
    std::string out;
    std::string scratch;
    std::vector<RejectReason> rejects;
    QTEST(int(Collectd::translateLine(view(line), false, out, rejects, scratch)), "kind");
    QTEST(bytes(out), "lines");
    QByteArrayList reasons;
    for (const RejectReason reason : rejects)
        reasons << bytes(rejectReasonName(reason));
    QTEST(reasons, "rejects");
    for (const QByteArray &produced : bytes(out).split('\n')) {
        if (produced.isEmpty())
            continue;
        ParsedMetric metric;
        QCOMPARE(parseMetricLine(view(produced), metric), RejectReason::None);
    }
}

void TestCollectd::translatorCountsNotifications()
{
    DialectTranslator translator(Dialect::Collectd);
    translator.startRun();
    translator.translate("PUTNOTIF severity=warning message=x\nPUTVAL h/exec/gauge N:1\nPUTNOTIF message=y\n");
    translator.finishRun({}, 0);
    QCOMPARE(translator.notifications(), 2u);
    QCOMPARE(bytes(translator.lines()), QByteArray("exec.gauge 1\n")); // no state metric for collectd
    translator.startRun();
    QCOMPARE(translator.notifications(), 0u);
    QVERIFY(translator.lines().empty());
}

void TestCollectd::translatorTakesTheUnterminatedTail()
{
    DialectTranslator translator(Dialect::Collectd);
    translator.startRun();
    translator.translate("PUTVAL h/exec/gauge-a N:1\n");
    translator.finishRun("PUTVAL h/exec/gauge-b N:2", 0);
    QCOMPARE(bytes(translator.lines()), QByteArray("exec.gauge-a 1\nexec.gauge-b 2\n"));
}

void TestCollectd::nameTooLongIsRejected()
{
    // Found by fuzz_collectd: a 2,000-byte plugin name made a line over MaxNameLength.
    DialectTranslator translator(Dialect::Collectd);
    translator.startRun();
    translator.translate("PUTVAL h/" + std::string(2000, 'p') + "/gauge N:1\nPUTVAL h/exec/gauge N:2\n");
    translator.finishRun({}, 0);
    QCOMPARE(bytes(translator.lines()), QByteArray("exec.gauge 2\n"));
    QCOMPARE(translator.rejects(), std::vector<RejectReason> { RejectReason::NameTooLong });
}

void TestCollectd::garbageNeverYieldsInvalidLines()
{
    // Random lines over the characters that matter to the grammar: whatever comes out must be valid.
    static constexpr std::string_view Alphabet = "'=;:|@~ \t.-+0123456789UeE%abcB/\\\"#-N\r\xc3\xa9\x01";
    QRandomGenerator random(20260101);
    int produced = 0;
    DialectTranslator translator(Dialect::Collectd);
    for (int run = 0; run < 200; ++run) {
        translator.startRun();
        std::string output;
        for (int line = 0; line < 10; ++line) {
            static constexpr std::string_view Starts[]
                = { "", "PUTVAL ", "PUTVAL h/exec/gauge ", "PUTVAL \"h/exec-x y/if_octets-z\" N:", "PUTVAL h/p/t 17:" };
            output += Starts[random.bounded(int(std::size(Starts)))];
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
    QVERIFY(produced > 10);
}

QTEST_GUILESS_MAIN(TestCollectd)
#include "tst_collectd.moc"

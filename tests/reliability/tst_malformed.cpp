// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Malformed lines through the real agent's socket: one connection carries more than 60 bad lines, each
// between two good ones. Every bad line is rejected and counted under its reason (the agent's own
// garnet.rejected.<reason> metrics, read at a TCP sink), the connection survives, every good line arrives.
#include "reliabilityharness.h"

#include <QLocalSocket>
#include <QtTest>

using namespace GarnetTest;

namespace {
constexpr int Timeout = 30000;

struct BadLine
{
    QByteArray bytes; ///< without the '\n'
    QByteArray reason; ///< rejectReasonName()
};

QList<BadLine> badLines()
{
    const QByteArray longName(1025, 'n');
    QByteArray manyTags = "many.tags";
    for (int i = 0; i < 65; ++i)
        manyTags += ";t" + QByteArray::number(i) + "=v";
    QByteArray garbage;
    for (int i = 0; i < 200; ++i)
        garbage += char((i * 37 + 11) % 256 == '\n' ? 1 : (i * 37 + 11) % 256);
    return {
        // shape
        { "", "empty" }, { "   ", "empty" }, { "\t \t", "empty" }, { "lonely.name", "missing_value" },
        { "lonely.name   \t", "missing_value" }, { "a.b 1 2 3", "too_many_fields" },
        { "a b c d e f", "too_many_fields" },
        // names
        { "a..b 1", "bad_name" }, { ".leading.dot 1", "bad_name" }, { "trailing.dot. 1", "bad_name" },
        { ". 1", "bad_name" }, { "a/b 1", "bad_name" }, { "a*b 1", "bad_name" }, { "a?b 1", "bad_name" },
        { "a(b) 1", "bad_name" }, { "a{b} 1", "bad_name" }, { "a[b] 1", "bad_name" }, { "a,b 1", "bad_name" },
        { "a=b 1", "bad_name" }, { "a'b 1", "bad_name" }, { "a\"b 1", "bad_name" }, { "a\\b 1", "bad_name" },
        { ";tag=only 1", "bad_name" }, { longName + " 1", "name_too_long" },
        // tags
        { "a; 1", "bad_tag" }, { "a;;k=v 1", "bad_tag" }, { "a;novalue 1", "bad_tag" }, { "a;k= 1", "bad_tag" },
        { "a;=v 1", "bad_tag" }, { "a;k!=v 1", "bad_tag" }, { "a;k^x=v 1", "bad_tag" }, { "a;k=~v 1", "bad_tag" },
        { "a;name=x 1", "bad_tag" }, { manyTags + " 1", "bad_tag" },
        // values
        { "a 42a", "bad_value" }, { "a 0x10", "bad_value" }, { "a 1_000", "bad_value" }, { "a +-1", "bad_value" },
        { "a --1", "bad_value" }, { "a abc", "bad_value" }, { "a 1,5", "bad_value" }, { "a 1e", "bad_value" },
        { "a .", "bad_value" }, { "a nan", "non_finite_value" }, { "a NaN", "non_finite_value" },
        { "a inf", "non_finite_value" }, { "a -Infinity", "non_finite_value" }, { "a 1e309", "non_finite_value" },
        // timestamps
        { "a 1 -5", "bad_timestamp" }, { "a 1 1.5", "bad_timestamp" }, { "a 1 +100", "bad_timestamp" },
        { "a 1 253402300800", "bad_timestamp" }, // after the year 9999
        { "a 1 99999999999999999999", "bad_timestamp" }, { "a 1 1e9", "bad_timestamp" },
        { "a 1 yesterday", "bad_timestamp" },
        // encoding: control bytes, NUL, invalid UTF-8, binary garbage
        { QByteArray("nul\0inside 1", 12), "bad_encoding" }, { QByteArray("a 1\0", 4), "bad_encoding" },
        { "a\xff 1", "bad_encoding" }, { "a\xc0\xaf 1", "bad_encoding" }, // overlong
        { "a\xed\xa0\x80 1", "bad_encoding" }, // surrogate
        { "a\xf4\x90\x80\x80 1", "bad_encoding" }, // beyond U+10FFFF
        { "a\xe2\x82 1", "bad_encoding" }, // truncated sequence
        { "a\xc2\x85 1", "bad_encoding" }, // C1 control
        { "a\rb 1", "bad_encoding" }, { "a\x7f 1", "bad_encoding" }, { "esc\x1b[31m 1", "bad_encoding" },
        { garbage, "bad_encoding" },
        // length
        { QByteArray(20000, 'x'), "too_long" }, { "a" + QByteArray(17000, ' ') + "1", "too_long" },
        { QByteArray(70000, 'y') + " 1", "too_long" }, // across several reads
    };
}

/** Valid lines that look odd: they must all arrive (as servers.testhost.<name>). */
QList<QByteArray> oddGoodLines()
{
    return { "odd.crlf 1\r", "odd.tabs\t2", "odd.spaces    3    1700000000", "odd.plus +4", "odd.underflow 1e-400",
        "odd.now 6 -1", "odd.utf8.température 7", "odd.tagged;k=v;k2=v2 8", "odd.exp 9e2" };
}
} // namespace

class tst_malformed : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyBadLineCountedConnectionKept();
};

void tst_malformed::everyBadLineCountedConnectionKept()
{
    const QList<BadLine> bad = badLines();
    QVERIFY(bad.size() >= 60);
    LineSink sink;
    QVERIFY(sink.listen());
    ConfigTree tree;
    tree.writeMain(graphiteOutputTo(sink), "interval = \"1s\"\n");
    AgentProcess agent;
    agent.start({ QStringLiteral("--config"), tree.mainFile() });
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tree.socketPath()), Timeout);

    // good.n0, bad, good.n1, bad, ..., good.nN, odd good lines, and a last line without '\n'.
    QByteArray stream;
    QMap<QByteArray, qint64> expected;
    for (qsizetype i = 0; i < bad.size(); ++i) {
        stream += "good.n" + QByteArray::number(i) + ' ' + QByteArray::number(i) + '\n';
        stream += bad[i].bytes + '\n';
        ++expected[bad[i].reason];
    }
    stream += "good.n" + QByteArray::number(bad.size()) + ' ' + QByteArray::number(bad.size()) + '\n';
    for (const QByteArray &line : oddGoodLines())
        stream += line + '\n';
    stream += "tail.without.newline 1";
    ++expected["unterminated"];

    QLocalSocket socket;
    socket.connectToServer(tree.socketPath());
    QVERIFY2(socket.waitForConnected(Timeout), qPrintable(socket.errorString()));
    // Odd-sized pieces, each flushed: lines (and UTF-8 sequences) get split across reads.
    for (qsizetype offset = 0; offset < stream.size(); offset += 997) {
        socket.write(stream.mid(offset, 997));
        QVERIFY(socket.waitForBytesWritten(Timeout));
    }
    socket.disconnectFromServer();

    QTRY_VERIFY_WITH_TIMEOUT(sink.has("servers.testhost.good.n" + QByteArray::number(bad.size()) + ' '), Timeout);
    for (qsizetype i = 0; i <= bad.size(); ++i)
        QVERIFY2(sink.has("servers.testhost.good.n" + QByteArray::number(i) + ' ' + QByteArray::number(i) + ' '),
            QByteArray::number(i).constData());
    for (const QByteArray &line : oddGoodLines()) {
        QByteArray name = line;
        for (const char separator : { ' ', '\t', ';' })
            name = name.left(name.indexOf(separator) < 0 ? name.size() : name.indexOf(separator));
        QTRY_VERIFY2_WITH_TIMEOUT(sink.has("servers.testhost." + name), name.constData(), Timeout);
    }
    QVERIFY(sink.has("servers.testhost.odd.spaces 3 1700000000"));

    // Counted by reason, exactly; once every count is in, the totals agree too.
    qint64 total = 0;
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        QTRY_COMPARE_WITH_TIMEOUT(
            lastMetric(sink, "servers.testhost.garnet.rejected." + it.key()), it.value(), Timeout);
        total += it.value();
    }
    QTRY_COMPARE_WITH_TIMEOUT(lastMetric(sink, "servers.testhost.garnet.rejected"), total, Timeout);
    const qint64 good = bad.size() + 1 + oddGoodLines().size();
    QTRY_COMPARE_WITH_TIMEOUT(lastMetric(sink, "servers.testhost.garnet.unattributed"), good, Timeout);
    // One connection carried it all: nothing was dropped or reconnected.
    QCOMPARE(maxMetric(sink, "servers.testhost.garnet.socket.connections"), 1);
    // Nothing malformed went out under the unattributed prefix.
    for (const QByteArray &line : sink.linesStartingWith("servers.testhost.")) {
        if (line.startsWith("servers.testhost.garnet."))
            continue;
        QVERIFY2(
            line.startsWith("servers.testhost.good.n") || line.startsWith("servers.testhost.odd."), line.left(200));
    }
    agent.signal(SIGTERM);
    QVERIFY(agent.process().waitForFinished(Timeout));
    QCOMPARE(agent.process().exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_malformed)
#include "tst_malformed.moc"

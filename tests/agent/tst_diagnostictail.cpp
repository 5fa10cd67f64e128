// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "diagnostictail.h"

#include <QLoggingCategory>
#include <QtTest>

using namespace Garnet;
using Stream = DiagnosticTail::Stream;

Q_LOGGING_CATEGORY(lcTest, "garnet.collector.test", QtInfoMsg)

class tst_diagnostictail : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void chunks_data();
    void chunks();
    void capLine_data();
    void capLine();
    void floodKeepsLastLinesAndLogsFew();
    void streamsKeepSeparatePartials();
    void overlongPartialAcrossChunksIsBounded();
    void startRunForgetsPreviousRun();
};

void tst_diagnostictail::chunks_data()
{
    QTest::addColumn<QByteArrayList>("chunks");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("one line") << QByteArrayList { "hello\n" } << QStringList { QStringLiteral("hello") };
    QTest::newRow("split across chunks") << QByteArrayList { "hel", "lo\nwor", "ld\n" }
                                         << QStringList { QStringLiteral("hello"), QStringLiteral("world") };
    QTest::newRow("CRLF") << QByteArrayList { "a\r\nb\r\n" }
                          << QStringList { QStringLiteral("a"), QStringLiteral("b") };
    QTest::newRow("blank lines dropped") << QByteArrayList { "\n\n  \n\t\nx\n\r\n" }
                                         << QStringList { QStringLiteral("x") };
    QTest::newRow("unterminated kept at finish")
        << QByteArrayList { "a\nb" } << QStringList { QStringLiteral("a"), QStringLiteral("b") };
    QTest::newRow("empty chunks") << QByteArrayList { "", "a", "", "\n" } << QStringList { QStringLiteral("a") };
    QTest::newRow("invalid UTF-8 survives")
        << QByteArrayList { "bad \xff\xfe byte\n" } << QStringList { QStringLiteral("bad \uFFFD\uFFFD byte") };
    QTest::newRow("NUL inside") << QByteArrayList { QByteArray("a\0b\n", 4) }
                                << QStringList { QString::fromUtf8("a\0b", 3) };
}

void tst_diagnostictail::chunks()
{
    QFETCH(QByteArrayList, chunks);
    QFETCH(QStringList, expected);
    DiagnosticTail tail;
    tail.startRun();
    for (const QByteArray &chunk : chunks)
        tail.feed(Stream::Stderr, std::string_view(chunk.constData(), std::size_t(chunk.size())));
    tail.finishRun();
    QCOMPARE(tail.lines(), expected);
}

void tst_diagnostictail::capLine_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("expectedBytes");
    QTest::addColumn<bool>("cut");
    QTest::newRow("short") << QByteArray("short") << 5 << false;
    QTest::newRow("exactly the cap") << QByteArray(512, 'x') << 512 << false;
    QTest::newRow("one byte over") << QByteArray(513, 'x') << 512 << true;
    QTest::newRow("2-byte chars") << QByteArray("é").repeated(400) << 511 << true; // 508 = 254 × 2, + "..."
    QTest::newRow("3-byte chars") << QByteArray("€").repeated(300) << 510 << true; // 507 = 169 × 3
    QTest::newRow("4-byte chars") << QByteArray("😀").repeated(200) << 511 << true; // 508 = 127 × 4
    QTest::newRow("all continuation bytes") << QByteArray(600, '\x80') << 3 << true; // nothing to keep
}

void tst_diagnostictail::capLine()
{
    QFETCH(QByteArray, line);
    QFETCH(int, expectedBytes);
    QFETCH(bool, cut);
    const QString capped = DiagnosticTail::capLine(std::string_view(line.constData(), std::size_t(line.size())));
    QCOMPARE(capped.toUtf8().size(), expectedBytes);
    QVERIFY(capped.toUtf8().size() <= qsizetype(DiagnosticTail::LineBytes));
    QCOMPARE(capped.endsWith(QStringLiteral("...")), cut);
    if (!line.startsWith('\x80'))
        QVERIFY(!capped.contains(QChar::ReplacementCharacter));
}

void tst_diagnostictail::floodKeepsLastLinesAndLogsFew()
{
    DiagnosticTail tail(&lcTest());
    tail.startRun();
    for (int i = 0; i < DiagnosticTail::LoggedLinesPerRun; ++i)
        QTest::ignoreMessage(QtInfoMsg, qPrintable(QStringLiteral("line %1").arg(i)));
    QTest::ignoreMessage(QtInfoMsg, "... 99980 more lines (not logged)");
    QByteArray chunk;
    for (int i = 0; i < 100000; ++i) {
        chunk += "line " + QByteArray::number(i) + '\n';
        if (chunk.size() > 4000 || i == 99999) { // pipe-sized pieces, lines split at random places
            const qsizetype cut = chunk.size() / 3;
            tail.feed(Stream::Stderr, std::string_view(chunk.constData(), std::size_t(cut)));
            tail.feed(Stream::Stderr, std::string_view(chunk.constData() + cut, std::size_t(chunk.size() - cut)));
            chunk.clear();
        }
    }
    tail.finishRun();
    const QStringList lines = tail.lines();
    QCOMPARE(lines.size(), DiagnosticTail::TailLines);
    for (int i = 0; i < DiagnosticTail::TailLines; ++i)
        QCOMPARE(lines.at(i), QStringLiteral("line %1").arg(100000 - DiagnosticTail::TailLines + i));
    QCOMPARE(tail.unloggedLines(), 99980);
}

void tst_diagnostictail::streamsKeepSeparatePartials()
{
    DiagnosticTail tail;
    tail.feed(Stream::Stdout, "out-");
    tail.feed(Stream::Stderr, "err-");
    tail.feed(Stream::Stdout, "line\n");
    tail.feed(Stream::Stderr, "line\n");
    QCOMPARE(tail.lines(), QStringList({ QStringLiteral("out-line"), QStringLiteral("err-line") }));
}

void tst_diagnostictail::overlongPartialAcrossChunksIsBounded()
{
    DiagnosticTail tail;
    const QByteArray piece(1000, 'y');
    for (int i = 0; i < 1000; ++i) // 1 MB without a newline
        tail.feed(Stream::Stderr, std::string_view(piece.constData(), std::size_t(piece.size())));
    tail.feed(Stream::Stderr, "\nnext\n");
    const QStringList lines = tail.lines();
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.at(0).size(), qsizetype(DiagnosticTail::LineBytes));
    QVERIFY(lines.at(0).endsWith(QStringLiteral("...")));
    QCOMPARE(lines.at(1), QStringLiteral("next"));
}

void tst_diagnostictail::startRunForgetsPreviousRun()
{
    DiagnosticTail tail;
    tail.feed(Stream::Stderr, "old\npartial");
    tail.addMessage(QStringLiteral("cannot start"));
    tail.startRun();
    QVERIFY(tail.lines().isEmpty());
    tail.feed(Stream::Stderr, "new\n");
    QCOMPARE(tail.lines(), QStringList { QStringLiteral("new") });
}

QTEST_GUILESS_MAIN(tst_diagnostictail)
#include "tst_diagnostictail.moc"

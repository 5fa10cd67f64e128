// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "common/duration.h"

#include <QtTest>

#include <string>

using namespace std::chrono_literals;

class tst_duration : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void valid_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<qint64>("millis");
        QTest::newRow("ms") << QByteArray("500ms") << qint64(500);
        QTest::newRow("s") << QByteArray("10s") << qint64(10'000);
        QTest::newRow("m") << QByteArray("2m") << qint64(120'000);
        QTest::newRow("h") << QByteArray("1h") << qint64(3'600'000);
        QTest::newRow("zero s") << QByteArray("0s") << qint64(0);
        QTest::newRow("zero ms") << QByteArray("0ms") << qint64(0);
        QTest::newRow("one ms") << QByteArray("1ms") << qint64(1);
        QTest::newRow("m s") << QByteArray("1m30s") << qint64(90'000);
        QTest::newRow("h m s ms") << QByteArray("1h2m3s4ms") << qint64(3'723'004);
        QTest::newRow("h ms") << QByteArray("1h1ms") << qint64(3'600'001);
        QTest::newRow("s ms") << QByteArray("1s500ms") << qint64(1'500);
        QTest::newRow("leading zeros") << QByteArray("007s") << qint64(7'000);
        QTest::newRow("big count ms") << QByteArray("90000ms") << qint64(90'000);
        QTest::newRow("unnormalised") << QByteArray("90m") << qint64(5'400'000);
        QTest::newRow("a year in h") << QByteArray("8760h") << qint64(31'536'000'000);
        QTest::newRow("max ms") << QByteArray("9223372036854775807ms") << qint64(9223372036854775807);
    }
    void valid()
    {
        QFETCH(QByteArray, text);
        QFETCH(qint64, millis);
        const auto d = Garnet::parseDuration(std::string_view(text.constData(), text.size()));
        QVERIFY(d.has_value());
        QCOMPARE(qint64(d->count()), millis);
    }

    void invalid_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("no unit") << QByteArray("10");
        QTest::newRow("unit only") << QByteArray("s");
        QTest::newRow("negative") << QByteArray("-5s");
        QTest::newRow("plus sign") << QByteArray("+5s");
        QTest::newRow("unknown unit d") << QByteArray("1d");
        QTest::newRow("unknown unit us") << QByteArray("5us");
        QTest::newRow("unknown unit sec") << QByteArray("5sec");
        QTest::newRow("upper case") << QByteArray("10S");
        QTest::newRow("fraction") << QByteArray("1.5s");
        QTest::newRow("space inside") << QByteArray("10 s");
        QTest::newRow("space in compound") << QByteArray("1m 30s");
        QTest::newRow("leading space") << QByteArray(" 10s");
        QTest::newRow("trailing space") << QByteArray("10s ");
        QTest::newRow("tab") << QByteArray("10s\t");
        QTest::newRow("newline") << QByteArray("10s\n");
        QTest::newRow("trailing digits") << QByteArray("1m30");
        QTest::newRow("wrong order") << QByteArray("30s1m");
        QTest::newRow("repeated unit") << QByteArray("1s1s");
        QTest::newRow("ms then s") << QByteArray("5ms1s");
        QTest::newRow("overflow digits") << QByteArray("99999999999999999999ms");
        QTest::newRow("overflow multiply") << QByteArray("9223372036854775807s");
        QTest::newRow("overflow h") << QByteArray("2562047788016h");
        QTest::newRow("overflow sum") << QByteArray("2562047788015h9223372036854775807ms");
        QTest::newRow("garbage") << QByteArray("abc");
        QTest::newRow("trailing garbage") << QByteArray("10sx");
        QTest::newRow("ms garbage") << QByteArray("10msx");
        QTest::newRow("hex") << QByteArray("0x10s");
        QTest::newRow("underscore") << QByteArray("1_000ms");
        QTest::newRow("nul inside") << QByteArray("10\0s", 4);
        QTest::newRow("utf8 unit") << QByteArray("10\xc2\xb5s");
    }
    void invalid()
    {
        QFETCH(QByteArray, text);
        const auto d = Garnet::parseDuration(std::string_view(text.constData(), text.size()));
        QVERIFY2(!d.has_value(), qPrintable(QStringLiteral("parsed as %1 ms").arg(d ? d->count() : 0)));
    }

    void doesNotReadPastView()
    {
        // The view stops before the unit: the bytes after it must not be looked at.
        const std::string buffer = "10s";
        QVERIFY(!Garnet::parseDuration(std::string_view(buffer.data(), 2)).has_value());
        const std::string ms = "10ms";
        const auto tenMinutes = Garnet::parseDuration(std::string_view(ms.data(), 3)); // "10m"
        QVERIFY(tenMinutes.has_value());
        QCOMPARE(qint64(tenMinutes->count()), qint64(std::chrono::milliseconds(10min).count()));
    }
};

QTEST_GUILESS_MAIN(tst_duration)
#include "tst_duration.moc"

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "format.h"

#include <QTest>

#include <limits>

using namespace Garnet;

class tst_Format : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale::c()); }
    void duration_data();
    void duration();
    void value_data();
    void value();
    void germanDecimals();
    void noneForMissingTimes();
};

void tst_Format::duration_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("unknown") << qint64(-1) << QStringLiteral("—");
    QTest::newRow("zero") << qint64(0) << QStringLiteral("0 ms");
    QTest::newRow("ms") << qint64(999) << QStringLiteral("999 ms");
    QTest::newRow("one second") << qint64(1000) << QStringLiteral("1.00 s");
    QTest::newRow("seconds") << qint64(2500) << QStringLiteral("2.50 s");
    QTest::newRow("tens of seconds") << qint64(12345) << QStringLiteral("12.3 s");
    QTest::newRow("minutes") << qint64(200000) << QStringLiteral("3 min 20 s");
    QTest::newRow("huge") << std::numeric_limits<qint64>::max() << QStringLiteral("153722867280912 min 55 s");
}

void tst_Format::duration()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(Format::duration(ms), text);
}

void tst_Format::value_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0.0 << QStringLiteral("0");
    QTest::newRow("integer") << 1234567.0 << QStringLiteral("1234567");
    QTest::newRow("negative") << -42.0 << QStringLiteral("-42");
    QTest::newRow("decimal") << 0.52 << QStringLiteral("0.52");
    QTest::newRow("six digits") << 3.14159265 << QStringLiteral("3.14159");
    QTest::newRow("tiny") << 1.5e-9 << QStringLiteral("1.5e-09");
    QTest::newRow("beyond integers") << 1e20 << QStringLiteral("1e+20");
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << QStringLiteral("nan");
    QTest::newRow("inf") << std::numeric_limits<double>::infinity() << QStringLiteral("inf");
}

void tst_Format::value()
{
    QFETCH(double, value);
    QFETCH(QString, text);
    QCOMPARE(Format::value(value), text);
}

void tst_Format::germanDecimals()
{
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    QCOMPARE(Format::value(0.52), QStringLiteral("0,52"));
    QCOMPARE(Format::value(1234567.0), QStringLiteral("1234567"));
    QCOMPARE(Format::duration(2500), QStringLiteral("2,50 s"));
    QLocale::setDefault(QLocale::c());
}

void tst_Format::noneForMissingTimes()
{
    QCOMPARE(Format::timeOfDay(0), Format::none());
    QCOMPARE(Format::dateTime(0), Format::none());
    QVERIFY(Format::timeOfDay(QDateTime::currentMSecsSinceEpoch()).contains(QLatin1Char(':')));
}

QTEST_APPLESS_MAIN(tst_Format)
#include "tst_format.moc"

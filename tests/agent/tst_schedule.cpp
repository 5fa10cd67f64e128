// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "schedule.h"

#include <QtTest>

#include <limits>

using Garnet::nextAlignedTick;

class tst_schedule : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nextAlignedTick_data();
    void nextAlignedTick();
    void alwaysStrictlyAfterAndAligned_data();
    void alwaysStrictlyAfterAndAligned();
};

void tst_schedule::nextAlignedTick_data()
{
    QTest::addColumn<qint64>("now");
    QTest::addColumn<qint64>("interval");
    QTest::addColumn<qint64>("expected");

    constexpr qint64 Max = std::numeric_limits<qint64>::max();
    constexpr qint64 Min = std::numeric_limits<qint64>::min();
    const qint64 t = 1764050000000; // a 10 s boundary in 2025

    QTest::newRow("exact multiple moves to the next") << t << qint64(10000) << t + 10000;
    QTest::newRow("1 ms before a tick") << t - 1 << qint64(10000) << t;
    QTest::newRow("1 ms after a tick") << t + 1 << qint64(10000) << t + 10000;
    QTest::newRow("middle of an interval") << t + 4321 << qint64(10000) << t + 10000;
    QTest::newRow("zero time") << qint64(0) << qint64(10000) << qint64(10000);
    QTest::newRow("500 ms interval") << t + 499 << qint64(500) << t + 500;
    QTest::newRow("500 ms on a boundary") << t + 500 << qint64(500) << t + 1000;
    QTest::newRow("1 ms interval") << t << qint64(1) << t + 1;
    QTest::newRow("1 ms interval, odd time") << t + 7 << qint64(1) << t + 8;
    QTest::newRow("2 min interval") << t + 1 << qint64(120000) << qint64(1764050040000);
    QTest::newRow("odd interval (7 ms)") << qint64(20) << qint64(7) << qint64(21);
    QTest::newRow("interval 1 day") << t << qint64(86400000) << qint64(1764115200000);
    QTest::newRow("huge interval (365 days)") << t << qint64(31536000000) << qint64(1766016000000);
    QTest::newRow("interval larger than now") << t << t * 2 << t * 2;
    QTest::newRow("interval = int64 max") << t << Max << Max;
    QTest::newRow("overflow saturates") << Max - 5 << qint64(10) << Max;
    QTest::newRow("now = int64 max") << Max << qint64(1000) << Max;
    QTest::newRow("zero interval treated as 1 ms") << t << qint64(0) << t + 1;
    QTest::newRow("negative interval treated as 1 ms") << t << qint64(-10000) << t + 1;
    QTest::newRow("negative time, mid interval") << qint64(-15) << qint64(10) << qint64(-10);
    QTest::newRow("negative time, on a tick") << qint64(-10) << qint64(10) << qint64(0);
    QTest::newRow("negative time, just before zero") << qint64(-1) << qint64(10) << qint64(0);
    QTest::newRow("int64 min") << Min << qint64(1000) << Min + 808; // Min = -9223372036854775808
}

void tst_schedule::nextAlignedTick()
{
    QFETCH(qint64, now);
    QFETCH(qint64, interval);
    QFETCH(qint64, expected);
    QCOMPARE(::nextAlignedTick(now, interval), expected);
}

void tst_schedule::alwaysStrictlyAfterAndAligned_data()
{
    QTest::addColumn<qint64>("interval");
    for (qint64 interval : { 1, 3, 250, 500, 1000, 10000, 60000, 3600000 })
        QTest::addRow("%lld ms", static_cast<long long>(interval)) << interval;
}

void tst_schedule::alwaysStrictlyAfterAndAligned()
{
    QFETCH(qint64, interval);
    const qint64 base = 1764050000123;
    for (qint64 offset = -2 * interval - 3; offset <= 2 * interval + 3; offset += std::max<qint64>(1, interval / 7)) {
        const qint64 now = base + offset;
        const qint64 next = ::nextAlignedTick(now, interval);
        QVERIFY2(next > now, qPrintable(QString::number(now)));
        QVERIFY2(next - now <= interval, qPrintable(QString::number(now)));
        QCOMPARE(next % interval, 0);
    }
}

QTEST_GUILESS_MAIN(tst_schedule)
#include "tst_schedule.moc"

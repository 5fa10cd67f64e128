// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "notificationlimiter.h"

#include <QTest>

using namespace Garnet;
using namespace std::chrono_literals;

class tst_NotificationLimiter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sequence_data();
    void sequence();
};

void tst_NotificationLimiter::sequence_data()
{
    // Each step: "key@seconds" and whether it may notify. Limits: 60 s per key, 3 per 60 s overall.
    QTest::addColumn<QStringList>("steps");
    QTest::addColumn<QList<bool>>("allowed");
    QTest::newRow("first") << QStringList { QStringLiteral("a@0") } << QList<bool> { true };
    QTest::newRow("same key within a minute") << QStringList { QStringLiteral("a@0"), QStringLiteral("a@30"),
        QStringLiteral("a@59") } << QList<bool> { true, false, false };
    QTest::newRow("same key after a minute") << QStringList { QStringLiteral("a@0"), QStringLiteral("a@60"),
        QStringLiteral("a@90"), QStringLiteral("a@121") }
                                             << QList<bool> { true, true, false, true };
    QTest::newRow("suppressed attempts do not extend the wait") << QStringList { QStringLiteral("a@0"),
        QStringLiteral("a@50"), QStringLiteral("a@61") } << QList<bool> { true, false, true };
    QTest::newRow("other keys are independent") << QStringList { QStringLiteral("a@0"), QStringLiteral("b@1"),
        QStringLiteral("a@2") } << QList<bool> { true, true, false };
    QTest::newRow("global cap") << QStringList { QStringLiteral("a@0"), QStringLiteral("b@1"), QStringLiteral("c@2"),
        QStringLiteral("d@3"), QStringLiteral("e@59"), QStringLiteral("f@60"), QStringLiteral("g@61") }
                                << QList<bool> { true, true, true, false, false, true, true };
    QTest::newRow("empty key is a key") << QStringList { QStringLiteral("@0"), QStringLiteral("@1") }
                                        << QList<bool> { true, false };
}

void tst_NotificationLimiter::sequence()
{
    QFETCH(QStringList, steps);
    QFETCH(QList<bool>, allowed);
    QCOMPARE(steps.size(), allowed.size());
    NotificationLimiter limiter(60s, 3, 60s);
    const NotificationLimiter::Clock::time_point start {};
    for (qsizetype i = 0; i < steps.size(); ++i) {
        const QStringList parts = steps.at(i).split(QLatin1Char('@'));
        const auto at = start + std::chrono::seconds(parts.at(1).toInt());
        QVERIFY2(limiter.allow(parts.at(0), at) == allowed.at(i), qPrintable(steps.at(i)));
    }
}

QTEST_APPLESS_MAIN(tst_NotificationLimiter)
#include "tst_notificationlimiter.moc"

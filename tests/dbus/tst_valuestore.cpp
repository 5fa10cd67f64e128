// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "valuestore.h"

#include <QTest>

#include <atomic>
#include <cstdlib>
#include <new>

// Counts heap allocations so the test can prove the hot path allocates nothing for a known metric.
static std::atomic<long> g_allocations { 0 };
void *operator new(std::size_t size)
{
    ++g_allocations;
    if (void *p = std::malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void *p) noexcept
{
    std::free(p);
}
void operator delete(void *p, std::size_t) noexcept
{
    std::free(p);
}

using namespace Garnet;

namespace {
QList<MetricPoint> points(std::initializer_list<std::pair<qint64, double>> list)
{
    QList<MetricPoint> out;
    for (const auto &[t, v] : list)
        out.append({ t, v });
    return out;
}

QList<MetricPoint> range(qint64 from, qint64 to) // timestamps from..to, value = timestamp / 2
{
    QList<MetricPoint> out;
    for (qint64 t = from; t <= to; ++t)
        out.append({ t, double(t) / 2 });
    return out;
}
} // namespace

class tst_ValueStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void ring_data()
    {
        QTest::addColumn<int>("limit");
        QTest::addColumn<int>("count");
        QTest::addColumn<QList<MetricPoint>>("expected");
        QTest::newRow("one point, none recorded") << 1 << 0 << QList<MetricPoint> {};
        QTest::newRow("one point, one") << 1 << 1 << range(1, 1);
        QTest::newRow("one point keeps the newest") << 1 << 5 << range(5, 5);
        QTest::newRow("filling") << 3 << 2 << range(1, 2);
        QTest::newRow("exactly full") << 3 << 3 << range(1, 3);
        QTest::newRow("wrapped once") << 3 << 4 << range(2, 4);
        QTest::newRow("wrapped twice and a bit") << 3 << 7 << range(5, 7);
        QTest::newRow("zero limit means one") << 0 << 4 << range(4, 4);
        QTest::newRow("default size, grows past initial capacity") << 120 << 100 << range(1, 100);
        QTest::newRow("default size, wrapped") << 120 << 250 << range(131, 250);
    }
    void ring()
    {
        QFETCH(int, limit);
        QFETCH(int, count);
        QFETCH(QList<MetricPoint>, expected);
        ValueStore store({ std::size_t(limit), 10, 10 });
        for (qint64 t = 1; t <= count; ++t)
            store.record("c", "m", t, double(t) / 2);
        const MetricSeriesList series = store.series();
        if (count == 0) {
            QVERIFY(series.isEmpty());
            return;
        }
        QCOMPARE(series.size(), 1);
        QCOMPARE(series[0].collector, QStringLiteral("c"));
        QCOMPARE(series[0].name, QStringLiteral("m"));
        QCOMPARE(series[0].points, expected);
    }

    void names_data()
    {
        QTest::addColumn<QByteArray>("collector");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QString>("expectedCollector");
        QTest::addColumn<QString>("expectedName");
        QTest::newRow("plain") << QByteArray("loadavg") << QByteArray("load.1") << u"loadavg"_qs << u"load.1"_qs;
        QTest::newRow("tags kept as written")
            << QByteArray("disk") << QByteArray("io;dev=sda;unit=B") << u"disk"_qs << u"io;dev=sda;unit=B"_qs;
        QTest::newRow("utf-8") << QByteArray("tempé") << QByteArray("température.°C") << u"tempé"_qs
                               << u"température.°C"_qs;
        QTest::newRow("embedded NUL is just a byte")
            << QByteArray("c", 1) << QByteArray("a\0b", 3) << u"c"_qs << QString::fromUtf8("a\0b", 3);
        QTest::newRow("long name") << QByteArray("c") << QByteArray(1024, 'x') << u"c"_qs << QString(1024, u'x');
    }
    void names()
    {
        QFETCH(QByteArray, collector);
        QFETCH(QByteArray, name);
        QFETCH(QString, expectedCollector);
        QFETCH(QString, expectedName);
        ValueStore store;
        store.record({ collector.constData(), std::size_t(collector.size()) },
            { name.constData(), std::size_t(name.size()) }, 1700000000, 0.5);
        const MetricSeriesList series = store.series(expectedCollector);
        QCOMPARE(series.size(), 1);
        QCOMPARE(series[0].collector, expectedCollector);
        QCOMPARE(series[0].name, expectedName);
        QCOMPARE(series[0].points, points({ { 1700000000, 0.5 } }));
        QVERIFY(store.hasCollector(expectedCollector));
    }

    void limits_data()
    {
        QTest::addColumn<int>("perCollector");
        QTest::addColumn<int>("total");
        QTest::addColumn<QStringList>("samples"); // "collector/name", in order
        QTest::addColumn<QStringList>("kept"); // "collector/name", sorted
        QTest::addColumn<int>("ignored");
        QTest::newRow("under the limits") << 2 << 10 << QStringList { u"a/x"_qs, u"a/y"_qs, u"b/x"_qs }
                                          << QStringList { u"a/x"_qs, u"a/y"_qs, u"b/x"_qs } << 0;
        QTest::newRow("per collector: the third name is ignored, the first two keep updating")
            << 2 << 10 << QStringList { u"a/x"_qs, u"a/y"_qs, u"a/z"_qs, u"a/x"_qs, u"a/z"_qs, u"b/z"_qs }
            << QStringList { u"a/x"_qs, u"a/y"_qs, u"b/z"_qs } << 2;
        QTest::newRow("total over collectors")
            << 5 << 3 << QStringList { u"a/1"_qs, u"b/1"_qs, u"c/1"_qs, u"d/1"_qs, u"a/2"_qs, u"c/1"_qs }
            << QStringList { u"a/1"_qs, u"b/1"_qs, u"c/1"_qs } << 2;
        QTest::newRow("zero metrics allowed") << 0 << 10 << QStringList { u"a/x"_qs, u"a/x"_qs } << QStringList {} << 2;
    }
    void limits()
    {
        QFETCH(int, perCollector);
        QFETCH(int, total);
        QFETCH(QStringList, samples);
        QFETCH(QStringList, kept);
        QFETCH(int, ignored);
        ValueStore store({ 4, std::size_t(perCollector), std::size_t(total) });
        qint64 t = 0;
        for (const QString &sample : samples) {
            const QByteArray collector = sample.section(u'/', 0, 0).toUtf8();
            const QByteArray name = sample.section(u'/', 1).toUtf8();
            store.record(collector.toStdString(), name.toStdString(), ++t, 1.0);
        }
        QStringList actual;
        for (const MetricSeries &s : store.series())
            actual << s.collector + u'/' + s.name;
        QCOMPARE(actual, kept);
        QCOMPARE(store.ignoredSamples(), qint64(ignored));
        QCOMPARE(store.metricCount(), std::size_t(kept.size()));
    }

    void seriesIsSortedAndFiltered()
    {
        ValueStore store;
        store.record("zeta", "b", 1, 1);
        store.record("alpha", "z", 2, 2);
        store.record("zeta", "a", 3, 3);
        store.record("alpha", "a", 4, 4);
        QStringList all;
        for (const MetricSeries &s : store.series())
            all << s.collector + u'/' + s.name;
        QCOMPARE(all, (QStringList { u"alpha/a"_qs, u"alpha/z"_qs, u"zeta/a"_qs, u"zeta/b"_qs }));
        QCOMPARE(store.series(u"zeta").size(), 2);
        QVERIFY(store.series(u"unknown").isEmpty());
        QVERIFY(!store.hasCollector(u"unknown"));
        QVERIFY(!store.hasCollector(u"zet"));
    }

    void pending()
    {
        ValueStore store;
        QVERIFY(!store.hasPending());
        QVERIFY(store.takePending().isEmpty());
        store.record("b", "m", 10, 1.0);
        store.record("a", "m", 10, 2.0);
        store.record("b", "m", 11, 3.0); // same metric again: only its newest sample is carried
        store.record("b", "n;t=v", 11, 4.0);
        QVERIFY(store.hasPending());
        const MetricSampleList first = store.takePending();
        QCOMPARE(first,
            (MetricSampleList {
                { u"b"_qs, u"m"_qs, 11, 3.0 }, { u"a"_qs, u"m"_qs, 10, 2.0 }, { u"b"_qs, u"n;t=v"_qs, 11, 4.0 } }));
        QVERIFY(!store.hasPending());
        QVERIFY(store.takePending().isEmpty());
        store.record("a", "m", 12, 5.0);
        QCOMPARE(store.takePending(), (MetricSampleList { { u"a"_qs, u"m"_qs, 12, 5.0 } }));
        // Pending samples are the newest even after the ring wrapped.
        ValueStore small({ 2, 10, 10 });
        for (int i = 1; i <= 5; ++i)
            small.record("c", "m", i, i);
        QCOMPARE(small.takePending(), (MetricSampleList { { u"c"_qs, u"m"_qs, 5, 5.0 } }));
    }

    void retainCollectors()
    {
        ValueStore store;
        store.record("keep", "m", 1, 1);
        store.record("drop", "m", 1, 1);
        store.record("drop", "n", 1, 1);
        store.retainCollectors([](std::string_view name) { return name == "keep"; });
        QCOMPARE(store.collectorCount(), std::size_t(1));
        QCOMPARE(store.metricCount(), std::size_t(1));
        QVERIFY(!store.hasCollector(u"drop"));
        // Pending samples of the removed collector are gone with it (no dangling entries).
        QCOMPARE(store.takePending(), (MetricSampleList { { u"keep"_qs, u"m"_qs, 1, 1.0 } }));
        // The removed collector was the last one recorded: recording it again must not use a stale cache.
        store.record("drop", "x", 2, 2);
        QCOMPARE(store.series(u"drop").size(), 1);
        QCOMPARE(store.takePending(), (MetricSampleList { { u"drop"_qs, u"x"_qs, 2, 2.0 } }));
    }

    void knownMetricDoesNotAllocate()
    {
        ValueStore store({ 4, 100, 100 });
        const std::string names[] = { "a", "b;tag=x", "c.d.e" };
        for (int round = 0; round < 4; ++round) // fill every ring
            for (const std::string &name : names)
                store.record("c1", name, round, round);
        store.record("c2", "a", 0, 0);
        (void)store.takePending(); // the pending list has reached its capacity
        const long before = g_allocations.load();
        for (int round = 0; round < 1000; ++round) {
            for (const std::string &name : names)
                store.record("c1", name, round, round);
            store.record("c2", "a", round, round); // switching collectors is a lookup, not an allocation
        }
        QCOMPARE(g_allocations.load() - before, 0L);
        QCOMPARE(store.series(u"c1").constFirst().points,
            points({ { 996, 996 }, { 997, 997 }, { 998, 998 }, { 999, 999 } }));
    }
};

QTEST_APPLESS_MAIN(tst_ValueStore)
#include "tst_valuestore.moc"

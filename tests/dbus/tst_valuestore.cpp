// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "valuestore.h"
#include "valuestoremodel.h"

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
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
using namespace Garnet::Testing;

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

    // A script of samples "collector/name" (t increases by one per sample), "|" compares takePending() with the
    // model's, "-c" forgets collector c. The store must match the model whatever the order and the hash.
    void sequences_data()
    {
        QTest::addColumn<QString>("hash");
        QTest::addColumn<int>("ring");
        QTest::addColumn<int>("perCollector");
        QTest::addColumn<QString>("script");
        const std::pair<const char *, const char *> scripts[] = {
            { "stable order", "a/x a/y a/z | a/x a/y a/z | a/x a/y a/z" },
            { "reversed", "a/x a/y a/z a/w | a/w a/z a/y a/x | a/x a/y a/z a/w" },
            { "rotated", "a/x a/y a/z | a/y a/z a/x a/y a/z a/x | a/z a/x a/y" },
            { "new name in the middle", "a/x a/y a/z | a/x a/n a/y a/z | a/x a/n a/y a/z" },
            { "name left out", "a/x a/y a/z | a/x a/z a/x a/z | a/x a/y a/z" },
            { "same name twice in a row", "a/x a/x a/y a/y | a/x a/x a/y a/y" },
            { "two collectors interleaved", "a/x b/x a/y b/y a/x b/x | a/y a/x b/y b/x" },
            { "same names in two collectors", "a/m a/n b/n b/m | b/m a/m b/n a/n" },
            { "ignored names between known ones", "a/1 a/2 a/3 a/4 a/5 a/6 | a/1 a/6 a/2 a/5 a/3 a/4 a/1" },
            { "collector forgotten and back", "a/x a/y b/x -a a/y a/x | b/x a/x -b -a a/x a/y |" },
            { "forgotten while its cursor was the guess", "a/x a/y a/x -a a/y a/x a/y |" },
            { "ring wraps", "a/x a/y a/x a/y a/x a/y a/x a/y a/x a/y | a/y a/x a/y a/x a/y" },
            { "names one byte apart",
                "a/abcdefgh.1 a/abcdefgh.2 a/abcdefgi.1 a/bbcdefgh.1 | a/abcdefgh.2 a/abcdefgh.1" },
            { "prefixes", "a/a a/ab a/abc a/abcd a/abcdefgh a/abcdefghi | a/abcdefghi a/a a/abcd a/ab" },
        };
        for (const char *hash : { "default", "constant", "length", "few buckets" })
            for (const auto &[name, script] : scripts)
                QTest::addRow("%s, %s hash", name, hash)
                    << QString::fromLatin1(hash) << 3 << 4 << QString::fromLatin1(script);
    }
    void sequences()
    {
        QFETCH(QString, hash);
        QFETCH(int, ring);
        QFETCH(int, perCollector);
        QFETCH(QString, script);
        const ValueStoreLimits limits { std::size_t(ring), std::size_t(perCollector), 100 };
        ValueStore store(limits, hashByName(hash));
        ModelStore model(limits);
        qint64 t = 0;
        for (const QString &step : script.split(u' ', Qt::SkipEmptyParts)) {
            if (step == u"|") {
                QCOMPARE(store.takePending(), model.takePending());
            } else if (step.startsWith(u'-')) {
                const std::string drop = step.mid(1).toStdString();
                store.retainCollectors([&drop](std::string_view c) { return c != drop; });
                model.drop(drop);
            } else {
                ++t;
                const std::string collector = step.section(u'/', 0, 0).toStdString();
                const std::string name = step.section(u'/', 1).toStdString();
                store.record(collector, name, t, double(t) / 4);
                model.record(collector, name, t, double(t) / 4);
            }
        }
        QCOMPARE(describe(store.series()), model.series());
        QCOMPARE(store.takePending(), model.takePending());
        QCOMPARE(store.metricCount(), model.metricCount());
        QCOMPARE(store.collectorCount(), model.collectorCount());
        QCOMPARE(store.ignoredSamples(), model.ignored);
    }

    // Long random runs: collectors print their names in rounds, mostly in the same order, sometimes reordered,
    // with names added and left out, rounds of different collectors interleaved, collectors forgotten.
    void randomRounds_data()
    {
        QTest::addColumn<QString>("hash");
        QTest::addColumn<int>("ring");
        QTest::addColumn<int>("perCollector");
        QTest::addColumn<int>("total");
        QTest::addColumn<int>("names");
        QTest::addColumn<quint32>("seed");
        for (const char *hash : { "default", "constant", "length", "few buckets" }) {
            QTest::addRow("%s hash, under the limits", hash)
                << QString::fromLatin1(hash) << 5 << 100 << 1000 << 40 << 1u;
            QTest::addRow("%s hash, per-collector limit", hash)
                << QString::fromLatin1(hash) << 3 << 25 << 1000 << 40 << 2u;
            QTest::addRow("%s hash, total limit", hash) << QString::fromLatin1(hash) << 1 << 100 << 50 << 40 << 3u;
            QTest::addRow("%s hash, ring of 120", hash) << QString::fromLatin1(hash) << 120 << 100 << 1000 << 20 << 4u;
        }
        QTest::newRow("default hash, many names") << u"default"_qs << 2 << 5000 << 10000 << 3000 << 5u;
    }
    void randomRounds()
    {
        QFETCH(QString, hash);
        QFETCH(int, ring);
        QFETCH(int, perCollector);
        QFETCH(int, total);
        QFETCH(int, names);
        QFETCH(quint32, seed);
        const ValueStoreLimits limits { std::size_t(ring), std::size_t(perCollector), std::size_t(total) };
        ValueStore store(limits, hashByName(hash));
        ModelStore model(limits);
        QRandomGenerator random(seed);
        const std::vector<std::string> pool = trickyNames(names);
        const std::string collectors[] = { "alpha", "beta", "unattributed" };
        std::map<std::string, std::vector<std::string>> orders;
        for (const std::string &c : collectors) {
            orders[c] = pool;
            std::shuffle(orders[c].begin(), orders[c].end(), random);
            orders[c].resize(pool.size() * 3 / 4);
        }
        qint64 t = 0;
        for (int round = 0; round < 60; ++round) {
            const std::string &collector = collectors[random.bounded(3)];
            std::vector<std::string> &order = orders[collector];
            switch (random.bounded(10)) {
            case 0:
                std::reverse(order.begin(), order.end());
                break;
            case 1:
                std::rotate(order.begin(), order.begin() + random.bounded(int(order.size())), order.end());
                break;
            case 2:
                std::swap(order[random.bounded(int(order.size()))], order[random.bounded(int(order.size()))]);
                break;
            case 3:
                order.insert(order.begin() + random.bounded(int(order.size())), pool[random.bounded(names)]);
                break;
            case 4:
                order.erase(order.begin() + random.bounded(int(order.size())));
                break;
            default:
                break; // the same order as last time (the usual case)
            }
            const std::string &other = collectors[random.bounded(3)];
            const std::size_t interleaveAt = random.bounded(2) ? random.bounded(int(order.size())) : order.size();
            for (std::size_t i = 0; i < order.size(); ++i) {
                if (i == interleaveAt) // another collector's lines arrive in the middle of this one's
                    for (std::size_t j = 0; j < orders[other].size() / 2; ++j, ++t) {
                        store.record(other, orders[other][j], t, double(t));
                        model.record(other, orders[other][j], t, double(t));
                    }
                ++t;
                store.record(collector, order[i], t, double(t) / 2);
                model.record(collector, order[i], t, double(t) / 2);
            }
            if (random.bounded(4) == 0)
                QCOMPARE(store.takePending(), model.takePending());
            if (random.bounded(15) == 0) {
                const std::string &drop = collectors[random.bounded(3)];
                store.retainCollectors([&drop](std::string_view c) { return c != drop; });
                model.drop(drop);
            }
        }
        QCOMPARE(describe(store.series()), model.series());
        QCOMPARE(store.takePending(), model.takePending());
        QCOMPARE(store.metricCount(), model.metricCount());
        QCOMPARE(store.collectorCount(), model.collectorCount());
        QCOMPARE(store.ignoredSamples(), model.ignored);
    }

    void fullStoreAtDefaultLimits_data()
    {
        QTest::addColumn<QString>("hash");
        QTest::newRow("default hash") << u"default"_qs;
        QTest::newRow("few buckets") << u"few buckets"_qs;
    }
    void fullStoreAtDefaultLimits() // the table grows to 5000 names per collector, 10000 in all
    {
        QFETCH(QString, hash);
        ValueStore store({}, hashByName(hash));
        for (const char *collector : { "a", "b", "c" })
            for (int i = 0; i < 6000; ++i)
                store.record(collector, "metric." + std::to_string(i), i, i);
        QCOMPARE(store.metricCount(), std::size_t(10000));
        QCOMPARE(store.ignoredSamples(), qint64(1000 + 1000 + 6000));
        for (const char16_t *collector : { u"a", u"b" }) {
            const MetricSeriesList series = store.series(collector);
            QCOMPARE(series.size(), 5000);
            for (const MetricSeries &s : series) { // the first 5000 names are the ones kept, each with its value
                const int i = s.name.mid(7).toInt();
                QVERIFY2(i < 5000, qPrintable(s.name));
                QCOMPARE(s.points, points({ { i, i } }));
            }
        }
        QVERIFY(store.series(u"c").isEmpty());
        // Known names are found again after the table grew, whatever order they come in.
        for (int i = 4998; i >= 0; i -= 7)
            store.record("b", "metric." + std::to_string(i), 10000 + i, -i);
        QCOMPARE(store.metricCount(), std::size_t(10000));
        QCOMPARE(store.ignoredSamples(), qint64(8000));
        QCOMPARE(store.series(u"b").constFirst().points, points({ { 0, 0 }, { 10000, -0.0 } }));
    }

    void hashName()
    {
        // Only the name's bytes count: the same bytes at another address, with other bytes around, hash alike.
        const std::string buffer = "0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
        std::string copy;
        for (std::size_t length = 0; length <= 40; ++length) {
            copy.assign(buffer, 7, length);
            QCOMPARE(ValueStore::hashName(std::string_view(buffer).substr(7, length)), ValueStore::hashName(copy));
        }
        // The benchmark's 4,000 names and their one-character neighbours spread over the table's buckets.
        std::vector<int> buckets(8192);
        std::vector<std::uint64_t> hashes;
        for (int w = 0; w < 8; ++w)
            for (int m = 0; m < 1000; ++m) {
                const std::uint64_t h = ValueStore::hashName("bench.w" + std::to_string(w) + ".m" + std::to_string(m));
                ++buckets[h & 8191];
                hashes.push_back(h);
            }
        std::sort(hashes.begin(), hashes.end());
        QVERIFY(std::adjacent_find(hashes.begin(), hashes.end()) == hashes.end());
        QVERIFY(*std::max_element(buckets.begin(), buckets.end()) <= 8);
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
        for (int round = 0; round < 4; ++round) // another order: the guesses miss, the table finds them
            for (auto name = std::rbegin(names); name != std::rend(names); ++name)
                store.record("c1", *name, 1000 + round, round);
        QCOMPARE(g_allocations.load() - before, 0L);
        for (int round = 0; round < 996; ++round) // back to the first order, for the points below
            for (const std::string &name : names)
                store.record("c1", name, 4 + round, 4 + round);
        QCOMPARE(store.series(u"c1").constFirst().points,
            points({ { 996, 996 }, { 997, 997 }, { 998, 998 }, { 999, 999 } }));
    }
};

QTEST_APPLESS_MAIN(tst_ValueStore)
#include "tst_valuestore.moc"

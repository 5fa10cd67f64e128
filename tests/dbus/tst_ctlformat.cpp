// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "ctlformat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <cmath>
#include <limits>

using namespace Garnet;
using namespace Garnet::Ctl;

namespace {
constexpr qint64 Now = 1764050000000; // 2025-11-25 05:53:20 UTC

RenderContext utc()
{
    return { Now, QTimeZone::utc() };
}

CollectorStatus collector(const QString &name, const QString &state)
{
    CollectorStatus c;
    c.name = name;
    c.state = state;
    return c;
}

StatusSnapshot sampleStatus()
{
    StatusSnapshot s;
    s.version = u"0.1.0"_qs;
    s.hostname = u"web01"_qs;
    s.configFile = u"/etc/garnet/garnet.toml"_qs;
    s.startTimeMs = Now - 3 * 3600 * 1000 - 7 * 60 * 1000;
    CollectorStatus cpu = collector(u"cpu"_qs, u"ok"_qs);
    cpu.lastRunMs = Now - 3000;
    cpu.lastDurationMs = 12;
    cpu.lastExit = 0;
    cpu.runs = 120;
    cpu.nextRunMs = Now + 7000;
    cpu.intervalMs = 10000;
    CollectorStatus disk = collector(u"disk"_qs, u"failing"_qs);
    disk.lastRunMs = Now - 65000;
    disk.lastDurationMs = 1500;
    disk.lastExit = 1;
    disk.runs = 10;
    disk.failures = 10;
    disk.nextRunMs = Now + 55000;
    disk.intervalMs = 60000;
    disk.stderrTail = QStringList { u"first"_qs, u"df: /mnt: No such file or directory"_qs };
    CollectorStatus idle = collector(u"never-ran"_qs, u"disabled"_qs);
    idle.enabled = false;
    s.collectors = { cpu, disk, idle };
    s.counters = { { u"received"_qs, 1234 }, { u"sent"_qs, 1200 }, { u"dropped"_qs, 0 }, { u"rejected"_qs, 3 },
        { u"queued"_qs, 31 }, { u"unattributed"_qs, 0 }, { u"rejected.bad_value"_qs, 2 },
        { u"rejected.too_long"_qs, 1 }, { u"rejected.empty"_qs, 0 } };
    s.outputs = { { u"graphite:127.0.0.1:2003"_qs, true, 1231, 1200, 0, 31 }, { u"stdout"_qs, false, 5, 5, 0, 0 } };
    return s;
}
} // namespace

class tst_CtlFormat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void duration_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown") << qint64(-1) << u"-"_qs;
        QTest::newRow("zero") << qint64(0) << u"0 ms"_qs;
        QTest::newRow("ms") << qint64(999) << u"999 ms"_qs;
        QTest::newRow("one second") << qint64(1000) << u"1.0 s"_qs;
        QTest::newRow("tenths") << qint64(1540) << u"1.5 s"_qs;
        QTest::newRow("whole seconds") << qint64(42999) << u"42 s"_qs;
        QTest::newRow("minutes") << qint64(125000) << u"2m 05s"_qs;
        QTest::newRow("hours") << qint64(3 * 3600000 + 7 * 60000 + 59000) << u"3h 07m"_qs;
        QTest::newRow("days") << qint64(2 * 86400000LL + 4 * 3600000) << u"2d 04h"_qs;
    }
    void duration()
    {
        QFETCH(qint64, ms);
        QFETCH(QString, expected);
        QCOMPARE(formatDuration(ms), expected);
    }

    void relative_data()
    {
        QTest::addColumn<qint64>("when");
        QTest::addColumn<QString>("expected");
        QTest::newRow("never") << qint64(0) << u"never"_qs;
        QTest::newRow("now") << Now - 999 << u"now"_qs;
        QTest::newRow("just ahead is now") << Now + 999 << u"now"_qs;
        QTest::newRow("seconds ago") << Now - 3000 << u"3s ago"_qs;
        QTest::newRow("minutes ago") << Now - 65000 << u"1m ago"_qs;
        QTest::newRow("hours ago") << Now - 7200000 << u"2h ago"_qs;
        QTest::newRow("days ago") << Now - 3 * 86400000LL << u"3d ago"_qs;
        QTest::newRow("in seconds") << Now + 7000 << u"in 7s"_qs;
        QTest::newRow("in minutes") << Now + 600000 << u"in 10m"_qs;
    }
    void relative()
    {
        QFETCH(qint64, when);
        QFETCH(QString, expected);
        QCOMPARE(formatRelative(when, Now), expected);
    }

    void value_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("decimal") << 0.52 << u"0.52"_qs;
        QTest::newRow("integer") << 100.0 << u"100"_qs;
        QTest::newRow("negative zero") << -0.0 << u"-0"_qs;
        QTest::newRow("large") << 1e21 << u"1e+21"_qs;
        QTest::newRow("tiny") << 5e-324 << u"5e-324"_qs;
        QTest::newRow("round trip needs 17 digits") << 0.1 + 0.2 << u"0.30000000000000004"_qs;
        QTest::newRow("max") << std::numeric_limits<double>::max() << u"1.7976931348623157e+308"_qs;
    }
    void value()
    {
        QFETCH(double, value);
        QFETCH(QString, expected);
        QCOMPARE(formatValue(value), expected);
    }

    void timestamps()
    {
        QCOMPARE(formatTimestamp(1764050000, QTimeZone::utc()), u"2025-11-25 05:53:20"_qs);
        QCOMPARE(formatTimestamp(1764050000, QTimeZone(2 * 3600)), u"2025-11-25 07:53:20"_qs);
        QCOMPARE(formatTimestamp(0, QTimeZone::utc()), u"1970-01-01 00:00:00"_qs);
        QCOMPARE(isoUtc(1764050000123), u"2025-11-25T05:53:20.123Z"_qs);
    }

    void table_data()
    {
        QTest::addColumn<QStringList>("headers");
        QTest::addColumn<QList<QStringList>>("rows");
        QTest::addColumn<QList<Align>>("align");
        QTest::addColumn<QString>("expected");
        QTest::newRow("header only") << QStringList { u"A"_qs, u"BB"_qs } << QList<QStringList> {} << QList<Align> {}
                                     << u"A  BB\n"_qs;
        QTest::newRow("widest cell sets the width, last column has no trailing blanks")
            << QStringList { u"NAME"_qs, u"N"_qs, u"NOTE"_qs }
            << QList<QStringList> { { u"a"_qs, u"1"_qs, u""_qs }, { u"longer"_qs, u"100"_qs, u"x"_qs } }
            << QList<Align> { Align::Left, Align::Right, Align::Left }
            << u"NAME      N  NOTE\na         1\nlonger  100  x\n"_qs;
        QTest::newRow("short rows are padded")
            << QStringList { u"A"_qs, u"B"_qs } << QList<QStringList> { { u"only"_qs } } << QList<Align> {}
            << u"A     B\nonly\n"_qs;
    }
    void table()
    {
        QFETCH(QStringList, headers);
        QFETCH(QList<QStringList>, rows);
        QFETCH(QList<Align>, align);
        QFETCH(QString, expected);
        QCOMPARE(renderTable(headers, rows, align), expected);
    }

    void statusTable()
    {
        const QString expected
            = u"garnet-agent 0.1.0 on web01, up 3h 07m, config /etc/garnet/garnet.toml\n"
              "\n"
              "COLLECTOR  STATE     LAST RUN  DURATION  EXIT  RUNS  FAILURES  NEXT RUN\n"
              "cpu        ok        3s ago       12 ms     0   120         0  in 7s\n"
              "disk       failing   1m ago       1.5 s     1    10        10  in 55s\n"
              "never-ran  disabled  never            -     -     0         0  -\n"
              "\n"
              "Last stderr line of failing collectors:\n"
              "  disk: df: /mnt: No such file or directory\n"
              "\n"
              "Counters: received 1234, sent 1200, dropped 0, rejected 3, queued 31, unattributed 0\n"
              "Rejected by reason: bad_value 2, too_long 1\n"
              "\n"
              "OUTPUT                   STATUS        RECEIVED  SENT  DROPPED  QUEUED\n"
              "graphite:127.0.0.1:2003  connected         1231  1200        0      31\n"
              "stdout                   disconnected         5     5        0       0\n"_qs;
        // Line by line: a mismatch names the line instead of a truncated blob.
        QCOMPARE(renderStatus(sampleStatus(), utc()).split(u'\n'), expected.split(u'\n'));
    }

    void statusShowsAFailedReload()
    {
        StatusSnapshot s = sampleStatus();
        s.lastReloadError
            = u"/etc/garnet/collectors.d/a.toml:2:1: unknown key 'intervall'\n/etc/garnet/b.toml:1:9: bad"_qs;
        const QStringList lines = renderStatus(s, utc()).split(u'\n');
        QCOMPARE(lines.mid(1, 5),
            (QStringList { u""_qs, u"Last reload failed; the previous configuration stays in force:"_qs,
                u"  /etc/garnet/collectors.d/a.toml:2:1: unknown key 'intervall'"_qs,
                u"  /etc/garnet/b.toml:1:9: bad"_qs, u""_qs }));
        QCOMPARE(statusJson(s).value(u"agent").toObject().value(u"last_reload_error").toString(), s.lastReloadError);
        QVERIFY(statusJson(sampleStatus()).value(u"agent").toObject().value(u"last_reload_error").isNull());
    }

    void statusTableWithoutCollectors()
    {
        StatusSnapshot s;
        s.version = u"0.1.0"_qs;
        const QString text = renderStatus(s, utc());
        QVERIFY2(text.contains(u"No collectors configured.\n"_qs), qPrintable(text));
        QVERIFY2(text.contains(u"Counters: none\n"_qs), qPrintable(text));
        QVERIFY2(text.contains(u"up -,"_qs), qPrintable(text)); // unknown start time
    }

    void statusJsonDocument()
    {
        const QJsonObject json = statusJson(sampleStatus());
        // Round-trips through text as one document.
        const QJsonDocument reparsed = QJsonDocument::fromJson(QJsonDocument(json).toJson());
        QVERIFY(reparsed.isObject());
        QCOMPARE(reparsed.object(), json);

        const QJsonArray collectors = json.value(u"collectors").toArray();
        QCOMPARE(collectors.size(), 3);
        const QJsonObject cpu = collectors[0].toObject();
        for (const char *key : { "name", "state", "enabled", "runs", "failures", "timeouts", "skipped", "last_exit",
                 "last_run", "last_duration_ms", "next_run", "interval_ms", "stderr_tail" })
            QVERIFY2(cpu.contains(QLatin1String(key)), key);
        QCOMPARE(cpu.value(u"name").toString(), u"cpu"_qs);
        QCOMPARE(cpu.value(u"runs").toInteger(), 120);
        QCOMPARE(cpu.value(u"last_exit").toInteger(), 0);
        QCOMPARE(cpu.value(u"last_run").toString(), isoUtc(Now - 3000));
        QCOMPARE(cpu.value(u"last_duration_ms").toInteger(), 12);
        const QJsonObject disk = collectors[1].toObject();
        QCOMPARE(disk.value(u"stderr_tail").toArray().size(), 2);
        QCOMPARE(disk.value(u"state").toString(), u"failing"_qs);
        const QJsonObject idle = collectors[2].toObject();
        QVERIFY(idle.value(u"last_exit").isNull()); // never ran
        QVERIFY(idle.value(u"last_run").isNull());
        QVERIFY(idle.value(u"next_run").isNull());
        QVERIFY(idle.value(u"last_duration_ms").isNull());
        QCOMPARE(idle.value(u"enabled").toBool(), false);

        const QJsonObject counters = json.value(u"counters").toObject();
        for (const char *key : { "received", "sent", "dropped", "rejected", "queued" })
            QVERIFY2(counters.contains(QLatin1String(key)), key);
        QCOMPARE(counters.value(u"received").toInteger(), 1234);
        QCOMPARE(counters.value(u"rejected.bad_value").toInteger(), 2);

        const QJsonArray outputs = json.value(u"outputs").toArray();
        QCOMPARE(outputs.size(), 2);
        QCOMPARE(outputs[0].toObject().value(u"connected").toBool(), true);
        QCOMPARE(outputs[0].toObject().value(u"queued").toInteger(), 31);
        QCOMPARE(json.value(u"agent").toObject().value(u"hostname").toString(), u"web01"_qs);
    }

    void failedStartShowsInExit()
    {
        StatusSnapshot s = sampleStatus();
        s.collectors = { collector(u"broken"_qs, u"failing"_qs) };
        s.collectors[0].runs = 2;
        s.collectors[0].failures = 2;
        const QStringList lines = renderStatus(s, utc()).split(u'\n');
        QCOMPARE(lines.value(3), u"broken     failing  never            -  none     2         2  -"_qs);
        QCOMPARE(statusJson(s).value(u"collectors").toArray()[0].toObject().value(u"last_exit").toInteger(), -1);
    }

    void valuesTable()
    {
        const MetricSeriesList series {
            { u"cpu"_qs, u"load.1"_qs, { { 1764049990, 0.5 }, { 1764049997, 0.52 } } },
            { u"cpu"_qs, u"empty"_qs, {} }, // no points: not shown
            { u"disk"_qs, u"io;dev=sda"_qs, { { 1764049940, 123456789 } } },
        };
        QCOMPARE(renderValues(series, utc()).split(u'\n'),
            QString(u"COLLECTOR  METRIC          VALUE  TIMESTAMP            AGE\n"
                    "cpu        load.1           0.52  2025-11-25 05:53:17  3s ago\n"
                    "disk       io;dev=sda  123456789  2025-11-25 05:52:20  1m ago\n"_qs)
                .split(u'\n'));
        QCOMPARE(renderValues({}, utc()), u"No values yet.\n"_qs);
    }

    void valuesJsonDocument()
    {
        const MetricSeriesList series { { u"cpu"_qs, u"load.1"_qs, { { 10, 0.5 }, { 20, 0.25 } } },
            { u"cpu"_qs, u"none"_qs, {} } };
        const QJsonObject json = valuesJson(series);
        const QJsonArray values = json.value(u"values").toArray();
        QCOMPARE(values.size(), 1);
        const QJsonObject load = values[0].toObject();
        QCOMPARE(load.value(u"collector").toString(), u"cpu"_qs);
        QCOMPARE(load.value(u"name").toString(), u"load.1"_qs);
        QCOMPARE(load.value(u"value").toDouble(), 0.25);
        QCOMPARE(load.value(u"timestamp").toInteger(), 20);
        QCOMPARE(load.value(u"points").toArray(), (QJsonArray { QJsonArray { 10, 0.5 }, QJsonArray { 20, 0.25 } }));
    }

    void watchLines()
    {
        QCOMPARE(formatWatchSample({ u"cpu"_qs, u"load.1;core=0"_qs, 1764050000, 0.52 }, utc()),
            u"2025-11-25 05:53:20  cpu  load.1;core=0 = 0.52\n"_qs);
        QCOMPARE(
            formatWatchState(u"disk"_qs, u"timed-out"_qs, utc()), u"2025-11-25 05:53:20  disk  state: timed-out\n"_qs);
    }
};

QTEST_APPLESS_MAIN(tst_CtlFormat)
#include "tst_ctlformat.moc"

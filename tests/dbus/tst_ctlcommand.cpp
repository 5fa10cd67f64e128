// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "ctlcommand.h"

#include <QTest>

using namespace Garnet::Ctl;
using Kind = Command::Kind;

Q_DECLARE_METATYPE(Garnet::Ctl::Command)

namespace {
Command cmd(Kind kind, const QString &collector = {}, bool json = false, bool systemBus = false)
{
    return { kind, collector, json, systemBus };
}
} // namespace

class tst_CtlCommand : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void valid_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<Command>("expected");
        QTest::newRow("status") << QStringList { u"status"_qs } << cmd(Kind::Status);
        QTest::newRow("status --json") << QStringList { u"status"_qs, u"--json"_qs } << cmd(Kind::Status, {}, true);
        QTest::newRow("option before the command")
            << QStringList { u"--system-bus"_qs, u"status"_qs } << cmd(Kind::Status, {}, false, true);
        QTest::newRow("options after the command")
            << QStringList { u"status"_qs, u"--json"_qs, u"--system-bus"_qs } << cmd(Kind::Status, {}, true, true);
        QTest::newRow("values") << QStringList { u"values"_qs } << cmd(Kind::Values);
        QTest::newRow("values NAME --json")
            << QStringList { u"values"_qs, u"cpu"_qs, u"--json"_qs } << cmd(Kind::Values, u"cpu"_qs, true);
        QTest::newRow("watch") << QStringList { u"watch"_qs } << cmd(Kind::Watch);
        QTest::newRow("watch NAME") << QStringList { u"watch"_qs, u"cpu"_qs } << cmd(Kind::Watch, u"cpu"_qs);
        QTest::newRow("run") << QStringList { u"run"_qs, u"cpu"_qs } << cmd(Kind::Run, u"cpu"_qs);
        QTest::newRow("enable") << QStringList { u"enable"_qs, u"cpu"_qs } << cmd(Kind::Enable, u"cpu"_qs);
        QTest::newRow("disable") << QStringList { u"disable"_qs, u"cpu"_qs } << cmd(Kind::Disable, u"cpu"_qs);
        QTest::newRow("reload") << QStringList { u"reload"_qs } << cmd(Kind::Reload);
        QTest::newRow("help command") << QStringList { u"help"_qs } << cmd(Kind::Help);
        QTest::newRow("--help") << QStringList { u"--help"_qs } << cmd(Kind::Help);
        QTest::newRow("-h wins over a bad command") << QStringList { u"frobnicate"_qs, u"-h"_qs } << cmd(Kind::Help);
        QTest::newRow("--version") << QStringList { u"--version"_qs } << cmd(Kind::Version);
        QTest::newRow("-V") << QStringList { u"-V"_qs } << cmd(Kind::Version);
        QTest::newRow("a name that looks like an option after --")
            << QStringList { u"run"_qs, u"--"_qs, u"-odd"_qs } << cmd(Kind::Run, u"-odd"_qs);
        QTest::newRow("a name with spaces and unicode")
            << QStringList { u"run"_qs, u"my collé ctor"_qs } << cmd(Kind::Run, u"my collé ctor"_qs);
    }
    void valid()
    {
        QFETCH(QStringList, arguments);
        QFETCH(Command, expected);
        const ParsedCommand parsed = parseCommand(arguments);
        QCOMPARE(parsed.error, QString());
        QCOMPARE(parsed.command.kind, expected.kind);
        QCOMPARE(parsed.command.collector, expected.collector);
        QCOMPARE(parsed.command.json, expected.json);
        QCOMPARE(parsed.command.systemBus, expected.systemBus);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("error");
        QTest::newRow("nothing") << QStringList {} << u"no command given"_qs;
        QTest::newRow("only options") << QStringList { u"--json"_qs } << u"no command given"_qs;
        QTest::newRow("unknown command") << QStringList { u"stats"_qs } << u"unknown command 'stats'"_qs;
        QTest::newRow("unknown option") << QStringList { u"status"_qs, u"--jsn"_qs } << u"unknown option '--jsn'"_qs;
        QTest::newRow("single-dash junk") << QStringList { u"-x"_qs, u"status"_qs } << u"unknown option '-x'"_qs;
        QTest::newRow("run without a name") << QStringList { u"run"_qs } << u"'run' needs a collector name"_qs;
        QTest::newRow("enable without a name") << QStringList { u"enable"_qs } << u"'enable' needs a collector name"_qs;
        QTest::newRow("run with two names")
            << QStringList { u"run"_qs, u"a"_qs, u"b"_qs } << u"'run' takes one collector name, not 'a b'"_qs;
        QTest::newRow("status with an argument")
            << QStringList { u"status"_qs, u"cpu"_qs } << u"'status' takes no arguments, not 'cpu'"_qs;
        QTest::newRow("reload with an argument")
            << QStringList { u"reload"_qs, u"now"_qs } << u"'reload' takes no arguments, not 'now'"_qs;
        QTest::newRow("--json on run") << QStringList { u"run"_qs, u"cpu"_qs, u"--json"_qs }
                                       << u"--json is only for 'status' and 'values'"_qs;
        QTest::newRow("--json on watch") << QStringList { u"watch"_qs, u"--json"_qs }
                                         << u"--json is only for 'status' and 'values'"_qs;
        QTest::newRow("empty name") << QStringList { u"run"_qs, QString() } << u"the collector name is empty"_qs;
        QTest::newRow("--json=yes is not an option")
            << QStringList { u"status"_qs, u"--json=yes"_qs } << u"unknown option '--json=yes'"_qs;
    }
    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, error);
        QCOMPARE(parseCommand(arguments).error, error);
    }

    void usageMentionsEveryCommand()
    {
        const QString usage = usageText();
        for (const char *word : { "status", "values", "watch", "run NAME", "enable NAME", "disable NAME", "reload",
                 "--json", "--system-bus", "--help", "--version", "Exit status" })
            QVERIFY2(usage.contains(QLatin1String(word)), word);
    }
};

QTEST_APPLESS_MAIN(tst_CtlCommand)
#include "tst_ctlcommand.moc"

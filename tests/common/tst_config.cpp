// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "common/config.h"

#include <QtTest>

using namespace std::chrono_literals;
using namespace Garnet;

namespace {

/** Relative path, content, relative path, content, ... (bytes: files may hold invalid UTF-8). */
using FileList = QList<QByteArray>;

/** A config tree in a temporary directory; the main file is garnet.toml at its top. */
class Tree
{
public:
    Tree() { QVERIFY(m_dir.isValid()); }

    QString path(const QString &relative) const { return QDir::cleanPath(m_dir.filePath(relative)); }
    QString mainFile() const { return path(QStringLiteral("garnet.toml")); }

    void write(const QString &relative, const QByteArray &content) const
    {
        const QString file = path(relative);
        QVERIFY(QDir().mkpath(QFileInfo(file).absolutePath()));
        QFile out(file);
        QVERIFY2(out.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file));
        QCOMPARE(out.write(content), content.size());
    }

    /** Writes the files, and an empty main file unless one is given. */
    void writeAll(const FileList &files) const
    {
        if (!files.contains("garnet.toml"))
            write(QStringLiteral("garnet.toml"), {});
        for (qsizetype i = 0; i + 1 < files.size(); i += 2)
            write(QString::fromUtf8(files[i]), files[i + 1]);
    }

private:
    QTemporaryDir m_dir;
};

FileList files(std::initializer_list<QByteArray> list)
{
    return FileList(list);
}

} // namespace

class tst_config : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void badConfig_data();
    void badConfig();
    void missingMainFile();
    void allErrorsCollected();

    void defaults();
    void fullConfig();
    void collectorDefaultsAndOrder();
    void missingDefaultCollectorsDir();
    void relativeMainFile();
    void prefixExpansion_data();
    void prefixExpansion();
    void graphiteAddress_data();
    void graphiteAddress();
    void defaultSocketPathFollowsXdg();
    void logLevel_data();
    void logLevel();
    void collectorEnvironmentAccountsAndLimit();
    void socketAndSpoolOptions();
};

void tst_config::badConfig_data()
{
    QTest::addColumn<FileList>("tree");
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");
    const auto row
        = [](const char *tag, const FileList &tree, const char *file, int line, int column, const char *message) {
              QTest::newRow(tag) << tree << QString::fromUtf8(file) << line << column << QString::fromUtf8(message);
          };
    const char *main = "garnet.toml";
    const char *coll = "collectors.d/load.toml";
    // TOML syntax, reported at toml++'s position
    row("unclosed header", files({ main, "[agent\n" }), main, 1, 7, "expected ']'");
    row("missing value", files({ main, "[agent]\ninterval = \n" }), main, 2, 12, "expected value");
    row("duplicate key", files({ main, "[agent]\nprefix = \"a\"\nprefix = \"b\"\n" }), main, 3, 10, "redefine");
    row("invalid UTF-8", files({ main, "[agent]\nhostname = \"\xff\"\n" }), main, 2, 12, "utf-8");
    // structure of the main file
    row("unknown top-level key", files({ main, "\nfoo = 1\n" }), main, 2, 1, "unknown key 'foo' at the top level");
    row("misspelt table", files({ main, "[agnet]\nprefix = \"x\"\n" }), main, 1, 2, "did you mean 'agent'?");
    row("unknown agent key", files({ main, "[agent]\n  intervall = \"5s\"\n" }), main, 2, 3,
        "unknown key 'intervall' in [agent]; did you mean 'interval'?");
    row("unknown agent key no hint", files({ main, "[agent]\ncolour = \"red\"\n" }), main, 2, 1,
        "unknown key 'colour' in [agent]");
    row("agent not a table", files({ main, "agent = \"x\"\n" }), main, 1, 9,
        "'agent' must be a table ([agent]), got string");
    row("output single table", files({ main, "[output]\ntype = \"stdout\"\n" }), main, 1, 1,
        "write [[output]], not [output]");
    row("output integer", files({ main, "output = 5\n" }), main, 1, 10, "got integer");
    row("output element", files({ main, "output = [1]\n" }), main, 1, 11, "each 'output' must be a table");
    // [agent] values
    row("interval integer", files({ main, "[agent]\ninterval = 10\n" }), main, 2, 12,
        "'interval' must be a string duration like \"10s\", got integer");
    row("interval no unit", files({ main, "[agent]\ninterval = \"10\"\n" }), main, 2, 12, "invalid duration \"10\"");
    row("interval zero", files({ main, "[agent]\ninterval = \"0s\"\n" }), main, 2, 12, "longer than zero");
    row("prefix empty node", files({ main, "[agent]\nprefix = \"servers..{host}\"\n" }), main, 2, 10,
        "not a valid metric path");
    row("prefix glob", files({ main, "[agent]\nprefix = \"servers.*\"\n" }), main, 2, 10, "not a valid metric path");
    row("prefix placeholder", files({ main, "[agent]\nprefix = \"servers.{hots}\"\n" }), main, 2, 10,
        "unknown placeholder");
    row("prefix integer", files({ main, "[agent]\nprefix = 5\n" }), main, 2, 10,
        "'prefix' must be a string, got integer");
    row("hostname blank", files({ main, "[agent]\nhostname = \"web 01\"\n" }), main, 2, 12,
        "cannot be used in metric names");
    row("hostname tilde", files({ main, "[agent]\nhostname = \"~web\"\n" }), main, 2, 12,
        "cannot be used in metric names");
    row("hostname empty", files({ main, "[agent]\nhostname = \"\"\n" }), main, 2, 12, "'hostname' must not be empty");
    row("collectors dir missing", files({ main, "[agent]\ncollectors_dir = \"nowhere\"\n" }), main, 2, 18,
        "does not exist");
    row("collectors dir is a file", files({ main, "[agent]\ncollectors_dir = \"garnet.toml\"\n" }), main, 2, 18,
        "is not a directory");
    row("collectors dir array", files({ main, "[agent]\ncollectors_dir = [\"a\"]\n" }), main, 2, 18, "got array");
    row("socket too long", files({ main, "[agent]\nsocket = \"/" + QByteArray(120, 's') + "\"\n" }), main, 2, 10,
        "too long for a Unix socket");
    row("socket empty", files({ main, "[agent]\nsocket = \"\"\n" }), main, 2, 10, "'socket' must not be empty");
    row("log level unknown", files({ main, "[agent]\nlog_level = \"verbose\"\n" }), main, 2, 13,
        "'log_level' must be one of debug, info, warning, error; got \"verbose\"");
    row("log level upper case", files({ main, "[agent]\nlog_level = \"INFO\"\n" }), main, 2, 13,
        "must be one of debug, info, warning, error");
    row("log level integer", files({ main, "[agent]\nlog_level = 3\n" }), main, 2, 13,
        "'log_level' must be a string, got integer");
    row("log level misspelt", files({ main, "[agent]\nloglevel = \"info\"\n" }), main, 2, 1,
        "did you mean 'log_level'?");
    // [[output]]
    row("output without type", files({ main, "[agent]\n\n[[output]]\nformat = \"tagged\"\n" }), main, 3, 1,
        "needs a 'type': one of graphite, stdout, file");
    row("output bad type", files({ main, "[[output]]\ntype = \"graphit\"\n" }), main, 2, 8,
        "'type' must be one of graphite, stdout, file; got \"graphit\"");
    row("graphite without address", files({ main, "[[output]]\ntype = \"graphite\"\n" }), main, 1, 1,
        "needs an 'address'");
    row("port out of range", files({ main, "[[output]]\ntype = \"graphite\"\naddress = \"h:99999\"\n" }), main, 3, 11,
        "port must be a number from 1 to 65535");
    row("port zero", files({ main, "[[output]]\ntype = \"graphite\"\naddress = \"h:0\"\n" }), main, 3, 11,
        "from 1 to 65535");
    row("port not a number", files({ main, "[[output]]\ntype = \"graphite\"\naddress = \"h:http\"\n" }), main, 3, 11,
        "from 1 to 65535");
    row("port missing", files({ main, "[[output]]\ntype = \"graphite\"\naddress = \"h:\"\n" }), main, 3, 11,
        "port is missing");
    row("host missing", files({ main, "[[output]]\ntype = \"graphite\"\naddress = \":2003\"\n" }), main, 3, 11,
        "host is missing");
    row("bare IPv6", files({ main, "[[output]]\ntype = \"graphite\"\naddress = \"::1:2003\"\n" }), main, 3, 11,
        "IPv6 address in brackets");
    row("unclosed bracket", files({ main, "[[output]]\ntype = \"graphite\"\naddress = \"[::1:2003\"\n" }), main, 3, 11,
        "missing ']'");
    row("bad format", files({ main, "[[output]]\ntype = \"stdout\"\nformat = \"json\"\n" }), main, 3, 10,
        "'format' must be one of plaintext, tagged, metrics20; got \"json\"");
    row("queue size zero", files({ main, "[[output]]\ntype = \"stdout\"\nqueue_size = 0\n" }), main, 3, 14,
        "'queue_size' must be at least 1, got 0");
    row("queue size string", files({ main, "[[output]]\ntype = \"stdout\"\nqueue_size = \"100\"\n" }), main, 3, 14,
        "'queue_size' must be an integer, got string");
    row("queue size float", files({ main, "[[output]]\ntype = \"stdout\"\nqueue_size = 1e5\n" }), main, 3, 14,
        "got float");
    row("replay window bad",
        files({ main, "[[output]]\ntype = \"graphite\"\naddress = \"h\"\nreplay_window = \"5\"\n" }), main, 4, 17,
        "invalid duration");
    row("replay window on stdout", files({ main, "[[output]]\ntype = \"stdout\"\nreplay_window = \"5s\"\n" }), main, 3,
        1, "'replay_window' only applies to graphite outputs");
    row("path on graphite", files({ main, "[[output]]\ntype = \"graphite\"\naddress = \"h\"\n path = \"x\"\n" }), main,
        4, 2, "'path' only applies to file outputs");
    row("file without path", files({ main, "[[output]]\ntype = \"stdout\"\n[[output]]\ntype = \"file\"\n" }), main, 3,
        1, "file output needs a 'path'");
    row("misspelt output key", files({ main, "[[output]]\ntype = \"graphite\"\nadress = \"h:1\"\naddress = \"h\"\n" }),
        main, 3, 1, "unknown key 'adress' in [[output]]; did you mean 'address'?");
    // collector files
    row("missing command", files({ coll, "interval = \"5s\"\n" }), coll, 1, 1, "missing 'command'");
    row("command string", files({ coll, "command = \"uptime -p\"\n" }), coll, 1, 11,
        "not run through a shell), got string");
    row("command empty", files({ coll, "command = []\n" }), coll, 1, 11, "'command' must not be empty");
    row("command integer element", files({ coll, "command = [\"a\",  3]\n" }), coll, 1, 18,
        "'command' elements must be strings, got integer");
    row("command empty element", files({ coll, "command = [\"a\", \"\"]\n" }), coll, 1, 17,
        "must not be empty strings");
    row("enabled string", files({ coll, "command = [\"a\"]\nenabled = \"true\"\n" }), coll, 2, 11,
        "'enabled' must be true or false");
    row("negative interval", files({ coll, "command = [\"a\"]\ninterval = \"-5s\"\n" }), coll, 2, 12,
        "invalid duration");
    row("fractional interval", files({ coll, "command = [\"a\"]\ninterval = \"1.5s\"\n" }), coll, 2, 12,
        "invalid duration");
    row("interval float", files({ coll, "command = [\"a\"]\ninterval = 1.5\n" }), coll, 2, 12, "got float");
    row("timeout zero", files({ coll, "command = [\"a\"]\ntimeout = \"0ms\"\n" }), coll, 2, 11,
        "'timeout' must be longer than zero");
    row("bad mode", files({ coll, "command = [\"a\"]\nmode = \"pipe\"\n" }), coll, 2, 8,
        "'mode' must be one of socket, stdout; got \"pipe\"");
    row("bad dialect", files({ coll, "command = [\"a\"]\ndialect = \"prometheus\"\n" }), coll, 2, 11,
        "'dialect' must be one of graphite, nagios, collectd");
    row("nagios over the socket", files({ coll, "command = [\"a\"]\nmode = \"socket\"\ndialect = \"nagios\"\n" }), coll,
        2, 8, "dialect \"nagios\" reads the plugin's standard output");
    row("bad path", files({ coll, "command = [\"a\"]\npath = \"a..b\"\n" }), coll, 2, 8, "not a valid metric path");
    row("path with tags", files({ coll, "command = [\"a\"]\npath = \"a;b=c\"\n" }), coll, 2, 8,
        "not a valid metric path");
    row("reserved path", files({ coll, "command = [\"a\"]\npath = \"garnet.x\"\n" }), coll, 2, 8,
        "reserved for the agent");
    row("misspelt collector key", files({ coll, "command = [\"a\"]\nintervl = \"5s\"\n" }), coll, 2, 1,
        "unknown key 'intervl' in collector file; did you mean 'interval'?");
    row("section in collector", files({ coll, "command = [\"a\"]\n[extra]\nx = 1\n" }), coll, 2, 2,
        "unknown key 'extra'");
    row("collector syntax", files({ coll, "command = [\"a\"\n" }), coll, 1, 16, "end-of-file");
    row("dotted name", files({ "collectors.d/my.coll.toml", "command = [\"a\"]\n" }), "collectors.d/my.coll.toml", 1, 1,
        "may contain only letters, digits");
    row("reserved name garnet", files({ "collectors.d/garnet.toml", "command = [\"a\"]\n" }),
        "collectors.d/garnet.toml", 1, 1, "is reserved");
    row("reserved name unattributed", files({ "collectors.d/unattributed.toml", "command = [\"a\"]\n" }),
        "collectors.d/unattributed.toml", 1, 1, "is reserved");
    row("custom dir collector",
        files({ main, "[agent]\ncollectors_dir = \"conf\"\n", "conf/x.toml", "mode = 1\ncommand=[\"a\"]\n" }),
        "conf/x.toml", 1, 8, "'mode' must be a string, got integer");
    // environment, user and group, output limit
    row("env not a table", files({ coll, "command = [\"a\"]\nenv = \"A=b\"\n" }), coll, 2, 7, "'env' must be a table");
    row("env name with digit first", files({ coll, "command = [\"a\"]\nenv = { \"1A\" = \"x\" }\n" }), coll, 2, 9,
        "environment variable name '1A' may contain only");
    row("env name with a dash", files({ coll, "command = [\"a\"]\nenv = { \"A-B\" = \"x\" }\n" }), coll, 2, 9,
        "environment variable name 'A-B'");
    row("env empty name", files({ coll, "command = [\"a\"]\nenv = { \"\" = \"x\" }\n" }), coll, 2, 9,
        "environment variable name ''");
    row("env reserved name", files({ coll, "command = [\"a\"]\nenv = { GARNET_SOCKET = \"x\" }\n" }), coll, 2, 9,
        "GARNET_* are reserved");
    row("env integer value", files({ coll, "command = [\"a\"]\nenv = { A = 1 }\n" }), coll, 2, 13,
        "'env.A' must be a string, got integer");
    row("env table value", files({ coll, "command = [\"a\"]\n[env]\nA = { B = \"c\" }\n" }), coll, 3, 5,
        "'env.A' must be a string, got table");
    row("env NUL in value", files({ coll, "command = [\"a\"]\nenv = { A = \"x\\u0000y\" }\n" }), coll, 2, 13,
        "must not contain a NUL");
    row("unknown user", files({ coll, "command = [\"a\"]\nuser = \"no-such-user-garnet\"\n" }), coll, 2, 8,
        "user \"no-such-user-garnet\" does not exist");
    row("unknown group", files({ coll, "command = [\"a\"]\ngroup = \"no-such-group-garnet\"\n" }), coll, 2, 9,
        "group \"no-such-group-garnet\" does not exist");
    row("empty user", files({ coll, "command = [\"a\"]\nuser = \"\"\n" }), coll, 2, 8, "'user' must not be empty");
    row("user not a string", files({ coll, "command = [\"a\"]\nuser = 0\n" }), coll, 2, 8,
        "'user' must be a string, got integer");
    row("output limit too small", files({ coll, "command = [\"a\"]\noutput_limit = 100\n" }), coll, 2, 16, "got 100");
    row("output limit unknown unit", files({ coll, "command = [\"a\"]\noutput_limit = \"64MB\"\n" }), coll, 2, 16,
        "'output_limit' must be a number of bytes or a size like");
    row("output limit float", files({ coll, "command = [\"a\"]\noutput_limit = 1.5\n" }), coll, 2, 16,
        "'output_limit' must be a number of bytes");
    row("output limit negative", files({ coll, "command = [\"a\"]\noutput_limit = \"-1MiB\"\n" }), coll, 2, 16,
        "'output_limit' must be a number of bytes");
    row("output limit overflow", files({ coll, "command = [\"a\"]\noutput_limit = \"99999999999999GiB\"\n" }), coll, 2,
        16, "'output_limit' must be a number of bytes");
    // [agent] socket access and limits
    row("socket mode too wide", files({ main, "[agent]\nsocket_mode = 0o1777\n" }), main, 2, 15, "at most 0777");
    row("socket mode not octal", files({ main, "[agent]\nsocket_mode = \"rw-rw----\"\n" }), main, 2, 15,
        "'socket_mode' must be permission bits");
    row("socket mode without owner write", files({ main, "[agent]\nsocket_mode = 0o460\n" }), main, 2, 15,
        "needs 0600");
    row("socket mode float", files({ main, "[agent]\nsocket_mode = 6.6\n" }), main, 2, 15, "like 0o660");
    row("allowed uids not an array", files({ main, "[agent]\nallowed_uids = 0\n" }), main, 2, 16,
        "'allowed_uids' must be an array of user ids or names");
    row("allowed uid unknown name", files({ main, "[agent]\nallowed_uids = [0, \"no-such-user-garnet\"]\n" }), main, 2,
        20, "no user named \"no-such-user-garnet\"");
    row("allowed gid unknown name", files({ main, "[agent]\nallowed_gids = [\"no-such-group-garnet\"]\n" }), main, 2,
        17, "no group named");
    row("allowed uid negative", files({ main, "[agent]\nallowed_uids = [-1]\n" }), main, 2, 17, "-1 is not a valid id");
    row("allowed gid boolean", files({ main, "[agent]\nallowed_gids = [true]\n" }), main, 2, 17,
        "must be integers or names, got boolean");
    row("max connections zero", files({ main, "[agent]\nmax_connections = 0\n" }), main, 2, 19,
        "'max_connections' must be from 1 to 1000000, got 0");
    row("max connections string", files({ main, "[agent]\nmax_connections = \"10\"\n" }), main, 2, 19,
        "must be an integer");
    row("idle timeout zero", files({ main, "[agent]\nidle_timeout = \"0s\"\n" }), main, 2, 16, "longer than zero");
    row("idle timeout bare number", files({ main, "[agent]\nidle_timeout = 60\n" }), main, 2, 16,
        "must be a string duration");
    // [[output]] spool
    row("spool dir empty", files({ main, "[[output]]\ntype = \"stdout\"\nspool_dir = \"\"\n" }), main, 3, 13,
        "'spool_dir' must not be empty");
    row("spool max too small",
        files({ main, "[[output]]\ntype = \"stdout\"\nspool_dir = \"s\"\nspool_max_bytes = 1000\n" }), main, 4, 19,
        "at least 64KiB");
    row("spool max decimal unit",
        files({ main, "[[output]]\ntype = \"stdout\"\nspool_dir = \"s\"\nspool_max_bytes = \"100MB\"\n" }), main, 4, 19,
        "'spool_max_bytes' must be a number of bytes or a size like");
    row("spool max overflow",
        files({ main, "[[output]]\ntype = \"stdout\"\nspool_dir = \"s\"\nspool_max_bytes = \"99999999999999GiB\"\n" }),
        main, 4, 19, "'spool_max_bytes' must be");
    row("spool max without dir", files({ main, "[[output]]\ntype = \"stdout\"\nspool_max_bytes = \"1MiB\"\n" }), main,
        3, 19, "needs a 'spool_dir'");
    row("spool dir shared",
        files({ main,
            "[[output]]\ntype = \"stdout\"\nspool_dir = \"s\"\n[[output]]\ntype = \"file\"\npath = \"f\"\nspool_dir = "
            "\"./s\"\n" }),
        main, 7, 13, "already used by another output");
}

void tst_config::badConfig()
{
    QFETCH(FileList, tree);
    QFETCH(QString, file);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, message);
    Tree dir;
    dir.writeAll(tree);
    const ConfigResult result = loadConfig(dir.mainFile());
    QVERIFY(!result.ok());
    QVERIFY2(result.errors.size() == 1, qPrintable(result.errors.join(QLatin1Char('\n'))));
    const QString prefix = QStringLiteral("%1:%2:%3: ").arg(dir.path(file)).arg(line).arg(column);
    QVERIFY2(result.errors.first().startsWith(prefix),
        qPrintable(result.errors.first() + QStringLiteral("\nexpected prefix: ") + prefix));
    QVERIFY2(result.errors.first().contains(message, Qt::CaseInsensitive), qPrintable(result.errors.first()));
}

void tst_config::missingMainFile()
{
    Tree dir;
    const ConfigResult result = loadConfig(dir.path(QStringLiteral("absent.toml")));
    QCOMPARE(result.errors.size(), 1);
    QVERIFY2(
        result.errors.first().startsWith(dir.path(QStringLiteral("absent.toml")) + QStringLiteral(":1:1: cannot read")),
        qPrintable(result.errors.first()));
}

void tst_config::allErrorsCollected()
{
    Tree dir;
    dir.writeAll(files({ "garnet.toml",
        "[agent]\ninterval = 5\nprefix = \"a..b\"\n[[output]]\ntype = \"carrier-pigeon\"\n", "collectors.d/b.toml",
        "command = 1\n", "collectors.d/a.toml", "interval = \"x\"\n", "collectors.d/c.toml", "command = [\"ok\"]\n" }));
    const ConfigResult result = loadConfig(dir.mainFile());
    const QString errors = result.errors.join(QLatin1Char('\n'));
    QCOMPARE(result.errors.size(), 6);
    // main file in source order, then collector files sorted by name
    QVERIFY2(result.errors[0].startsWith(dir.mainFile() + QStringLiteral(":2:12: 'interval'")), qPrintable(errors));
    QVERIFY2(result.errors[1].startsWith(dir.mainFile() + QStringLiteral(":3:10: 'prefix'")), qPrintable(errors));
    QVERIFY2(result.errors[2].startsWith(dir.mainFile() + QStringLiteral(":5:8: 'type'")), qPrintable(errors));
    const QString a = dir.path(QStringLiteral("collectors.d/a.toml"));
    QVERIFY2(result.errors[3].startsWith(a + QStringLiteral(":1:1: missing 'command'")), qPrintable(errors));
    QVERIFY2(result.errors[4].startsWith(a + QStringLiteral(":1:12: 'interval' has an invalid")), qPrintable(errors));
    QVERIFY2(result.errors[5].startsWith(dir.path(QStringLiteral("collectors.d/b.toml")) + QStringLiteral(":1:11:")),
        qPrintable(errors));
}

void tst_config::defaults()
{
    Tree dir;
    dir.writeAll({});
    const ConfigResult result = loadConfig(dir.mainFile());
    QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
    const Config &config = result.config;
    QCOMPARE(config.file, dir.mainFile());
    QCOMPARE(config.agent.collectorsDir, dir.path(QStringLiteral("collectors.d")));
    QCOMPARE(config.agent.socketPath, defaultSocketPath());
    QCOMPARE(config.agent.hostname, shortHostName());
    QVERIFY(!config.agent.hostname.isEmpty());
    QVERIFY(!config.agent.hostname.contains(QLatin1Char('.')));
    QCOMPARE(config.agent.prefix, QStringLiteral("servers.") + shortHostName());
    QCOMPARE(config.agent.interval, 10s);
    QCOMPARE(config.logLevel, LogLevel::Info);
    QVERIFY(config.outputs.empty());
    QVERIFY(config.collectors.empty());
}

void tst_config::fullConfig()
{
    Tree dir;
    dir.writeAll(files({ "etc/garnet.toml", R"(# every key
[agent]
collectors_dir = "conf/../collectors"
socket = "run/garnet.sock"
hostname = "web01.example.com"
prefix = "dc1.{host}.sys"
interval = "1m30s"
log_level = "warning"

[[output]]
type = "graphite"
address = "carbon.example.com:2004"
format = "tagged"
queue_size = 5000
replay_window = "30s"

[[output]]
type = "graphite"
address = "[::1]"

[[output]]
type = "stdout"
format = "metrics20"

[[output]]
type = "file"
path = "../out/./metrics.txt"
)",
        "etc/collectors/disk.toml", R"(enabled = false
command = ["/usr/bin/disk-collector", "--all", "a b"]
interval = "1m"
timeout = "45s"
path = "disk.local"
mode = "stdout"
dialect = "nagios"
)" }));
    const ConfigResult result = loadConfig(dir.path(QStringLiteral("etc/garnet.toml")));
    QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
    const Config &config = result.config;
    QCOMPARE(config.file, dir.path(QStringLiteral("etc/garnet.toml")));
    QCOMPARE(config.agent.collectorsDir, dir.path(QStringLiteral("etc/collectors")));
    QCOMPARE(config.agent.socketPath, dir.path(QStringLiteral("etc/run/garnet.sock")));
    QCOMPARE(config.agent.hostname, QStringLiteral("web01.example.com"));
    QCOMPARE(config.agent.prefix, QStringLiteral("dc1.web01_example_com.sys"));
    QCOMPARE(config.agent.interval, 90s);
    QCOMPARE(config.logLevel, LogLevel::Warning);

    QCOMPARE(config.outputs.size(), std::size_t(4));
    const OutputConfig &carbon = config.outputs[0];
    QCOMPARE(carbon.type, OutputType::Graphite);
    QCOMPARE(carbon.address, QStringLiteral("carbon.example.com:2004"));
    QCOMPARE(carbon.host, QStringLiteral("carbon.example.com"));
    QCOMPARE(carbon.port, quint16(2004));
    QCOMPARE(carbon.format, OutputFormat::Tagged);
    QCOMPARE(carbon.queueSize, qint64(5000));
    QCOMPARE(carbon.replayWindow, 30s);
    QVERIFY(carbon.path.isEmpty());
    const OutputConfig &local = config.outputs[1];
    QCOMPARE(local.type, OutputType::Graphite);
    QCOMPARE(local.host, QStringLiteral("::1"));
    QCOMPARE(local.port, quint16(2003));
    QCOMPARE(local.format, OutputFormat::Plaintext);
    QCOMPARE(local.queueSize, qint64(100000));
    QCOMPARE(local.replayWindow, 5s);
    const OutputConfig &console = config.outputs[2];
    QCOMPARE(console.type, OutputType::Stdout);
    QCOMPARE(console.format, OutputFormat::Metrics20);
    QCOMPARE(console.queueSize, qint64(100000));
    QVERIFY(console.address.isEmpty());
    const OutputConfig &file = config.outputs[3];
    QCOMPARE(file.type, OutputType::File);
    QCOMPARE(file.path, dir.path(QStringLiteral("out/metrics.txt")));
    QCOMPARE(file.format, OutputFormat::Plaintext);

    QCOMPARE(config.collectors.size(), std::size_t(1));
    const CollectorConfig &disk = config.collectors.front();
    QCOMPARE(disk.name, QStringLiteral("disk"));
    QCOMPARE(disk.file, dir.path(QStringLiteral("etc/collectors/disk.toml")));
    QCOMPARE(disk.enabled, false); // disabled collectors are loaded (they can be enabled at run time)
    QCOMPARE(disk.command,
        QStringList({ QStringLiteral("/usr/bin/disk-collector"), QStringLiteral("--all"), QStringLiteral("a b") }));
    QCOMPARE(disk.interval, 1min);
    QCOMPARE(disk.timeout, 45s);
    QCOMPARE(disk.path, QStringLiteral("disk.local"));
    QCOMPARE(disk.mode, CollectorMode::Stdout);
    QCOMPARE(disk.dialect, Dialect::Nagios);
}

void tst_config::collectorDefaultsAndOrder()
{
    Tree dir;
    dir.writeAll(files({ "collectors.d/zeta.toml", "command = [\"z\"]\n", "collectors.d/alpha.toml",
        "command = [\"a\"]\ninterval = \"2s\"\n", "collectors.d/Mid_1-x.toml",
        "command = [\"m\"]\ndialect = \"collectd\"\n", "collectors.d/README", "not toml", "collectors.d/old.toml.bak",
        "garbage =", "collectors.d/.hidden.toml", "garbage =", "collectors.d/sub.toml/inner.toml", "garbage =" }));
    const ConfigResult result = loadConfig(dir.mainFile());
    QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
    const auto &collectors = result.config.collectors;
    QCOMPARE(collectors.size(), std::size_t(3));
    QCOMPARE(collectors[0].name, QStringLiteral("Mid_1-x"));
    QCOMPARE(collectors[1].name, QStringLiteral("alpha"));
    QCOMPARE(collectors[2].name, QStringLiteral("zeta"));

    const CollectorConfig &alpha = collectors[1];
    QCOMPARE(alpha.file, dir.path(QStringLiteral("collectors.d/alpha.toml")));
    QCOMPARE(alpha.interval, 2s);
    QCOMPARE(alpha.timeout, 2s); // defaults to the interval
    QCOMPARE(collectors[0].dialect, Dialect::Collectd);
    QCOMPARE(collectors[0].mode, CollectorMode::Stdout); // a dialect's default mode
    QCOMPARE(alpha.mode, CollectorMode::Socket);

    const CollectorConfig &zeta = collectors[2];
    QCOMPARE(zeta.enabled, true);
    QCOMPARE(zeta.command, QStringList(QStringLiteral("z")));
    QCOMPARE(zeta.interval, 10s);
    QCOMPARE(zeta.timeout, 10s);
    QCOMPARE(zeta.path, QStringLiteral("zeta"));
    QCOMPARE(zeta.mode, CollectorMode::Socket);
    QCOMPARE(zeta.dialect, Dialect::Graphite);
}

void tst_config::missingDefaultCollectorsDir()
{
    Tree dir;
    dir.writeAll(files({ "garnet.toml", "[agent]\nprefix = \"\"\n" }));
    const ConfigResult result = loadConfig(dir.mainFile());
    QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
    QVERIFY(result.config.collectors.empty());
    QCOMPARE(result.config.agent.prefix, QString()); // an empty prefix is allowed
}

void tst_config::relativeMainFile()
{
    Tree dir;
    dir.writeAll(files({ "garnet.toml", "[agent]\nsocket = \"g.sock\"\n" }));
    const QString previous = QDir::currentPath();
    QVERIFY(QDir::setCurrent(dir.path(QStringLiteral("."))));
    const ConfigResult result = loadConfig(QStringLiteral("./garnet.toml"));
    QVERIFY(QDir::setCurrent(previous));
    QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
    QCOMPARE(result.config.file, dir.mainFile());
    QCOMPARE(result.config.agent.socketPath, dir.path(QStringLiteral("g.sock")));
}

void tst_config::prefixExpansion_data()
{
    QTest::addColumn<QString>("agentTable");
    QTest::addColumn<QString>("prefix");
    QTest::newRow("default") << QStringLiteral("hostname = \"web01\"") << QStringLiteral("servers.web01");
    QTest::newRow("dotted host stays one node")
        << QStringLiteral("hostname = \"a.b.c\"") << QStringLiteral("servers.a_b_c");
    QTest::newRow("host twice") << QStringLiteral("hostname = \"h\"\nprefix = \"{host}.x.{host}\"")
                                << QStringLiteral("h.x.h");
    QTest::newRow("no placeholder") << QStringLiteral("hostname = \"h\"\nprefix = \"fixed.path\"")
                                    << QStringLiteral("fixed.path");
    QTest::newRow("only host") << QStringLiteral("hostname = \"h-1\"\nprefix = \"{host}\"") << QStringLiteral("h-1");
    QTest::newRow("UTF-8 host") << QStringLiteral("hostname = \"hôte\"") << QStringLiteral("servers.hôte");
    QTest::newRow("empty") << QStringLiteral("prefix = \"\"") << QString();
}

void tst_config::prefixExpansion()
{
    QFETCH(QString, agentTable);
    QFETCH(QString, prefix);
    Tree dir;
    dir.write(QStringLiteral("garnet.toml"), "[agent]\n" + agentTable.toUtf8() + '\n');
    const ConfigResult result = loadConfig(dir.mainFile());
    QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
    QCOMPARE(result.config.agent.prefix, prefix);
}

void tst_config::graphiteAddress_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::newRow("host port") << QStringLiteral("127.0.0.1:2003") << QStringLiteral("127.0.0.1") << 2003;
    QTest::newRow("name port") << QStringLiteral("carbon:12003") << QStringLiteral("carbon") << 12003;
    QTest::newRow("default port") << QStringLiteral("carbon.example.com") << QStringLiteral("carbon.example.com")
                                  << 2003;
    QTest::newRow("IPv6 port") << QStringLiteral("[2001:db8::1]:2004") << QStringLiteral("2001:db8::1") << 2004;
    QTest::newRow("IPv6 default port") << QStringLiteral("[::1]") << QStringLiteral("::1") << 2003;
    QTest::newRow("max port") << QStringLiteral("h:65535") << QStringLiteral("h") << 65535;
    QTest::newRow("min port") << QStringLiteral("h:1") << QStringLiteral("h") << 1;
}

void tst_config::graphiteAddress()
{
    QFETCH(QString, address);
    QFETCH(QString, host);
    QFETCH(int, port);
    Tree dir;
    dir.write(
        QStringLiteral("garnet.toml"), "[[output]]\ntype = \"graphite\"\naddress = \"" + address.toUtf8() + "\"\n");
    const ConfigResult result = loadConfig(dir.mainFile());
    QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
    QCOMPARE(result.config.outputs.size(), std::size_t(1));
    QCOMPARE(result.config.outputs[0].address, address);
    QCOMPARE(result.config.outputs[0].host, host);
    QCOMPARE(int(result.config.outputs[0].port), port);
}

void tst_config::defaultSocketPathFollowsXdg()
{
    const QByteArray saved = qgetenv("XDG_RUNTIME_DIR");
    const bool wasSet = qEnvironmentVariableIsSet("XDG_RUNTIME_DIR");
    qputenv("XDG_RUNTIME_DIR", "/run/user/1234/");
    QCOMPARE(defaultSocketPath(), QStringLiteral("/run/user/1234/garnet/garnet.sock"));
    qputenv("XDG_RUNTIME_DIR", "relative/dir");
    QCOMPARE(defaultSocketPath(), QStringLiteral("/run/garnet/garnet.sock"));
    qunsetenv("XDG_RUNTIME_DIR");
    QCOMPARE(defaultSocketPath(), QStringLiteral("/run/garnet/garnet.sock"));
    if (wasSet)
        qputenv("XDG_RUNTIME_DIR", saved);
}

void tst_config::logLevel_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<LogLevel>("level");
    QTest::newRow("debug") << QByteArray("debug") << LogLevel::Debug;
    QTest::newRow("info") << QByteArray("info") << LogLevel::Info;
    QTest::newRow("warning") << QByteArray("warning") << LogLevel::Warning;
    QTest::newRow("error") << QByteArray("error") << LogLevel::Error;
}

void tst_config::logLevel()
{
    QFETCH(QByteArray, value);
    QFETCH(LogLevel, level);
    Tree dir;
    dir.writeAll(files({ "garnet.toml", "[agent]\nlog_level = \"" + value + "\"\n" }));
    const ConfigResult result = loadConfig(dir.mainFile());
    QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
    QCOMPARE(result.config.logLevel, level);
}

void tst_config::collectorEnvironmentAccountsAndLimit()
{
    Tree dir;
    dir.writeAll(files({ "collectors.d/a.toml",
        "command = [\"a\"]\nuser = \"nobody\"\ngroup = \"65534\"\noutput_limit = \"1MiB\"\n"
        "env = { LANG = \"C.UTF-8\", EMPTY = \"\", _x1 = \"sp ace=\\\"q\\\"\" }\n",
        "collectors.d/b.toml", "command = [\"b\"]\noutput_limit = 4096\n[env]\nPATH = \"/opt/bin:/usr/bin\"\n",
        "collectors.d/c.toml", "command = [\"c\"]\n" }));
    const ConfigResult result = loadConfig(dir.mainFile());
    QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
    const auto &collectors = result.config.collectors;
    QCOMPARE(collectors.size(), std::size_t(3));
    const CollectorConfig &a = collectors[0];
    QCOMPARE(a.user, QStringLiteral("nobody"));
    QCOMPARE(a.group, QStringLiteral("65534"));
    QCOMPARE(a.outputLimit, qint64(1) << 20);
    QCOMPARE(a.environment.size(), 3);
    QCOMPARE(a.environment.value(QStringLiteral("LANG")), QStringLiteral("C.UTF-8"));
    QCOMPARE(a.environment.value(QStringLiteral("EMPTY"), QStringLiteral("unset")), QString());
    QCOMPARE(a.environment.value(QStringLiteral("_x1")), QStringLiteral("sp ace=\"q\""));
    QCOMPARE(collectors[1].outputLimit, qint64(4096));
    QCOMPARE(collectors[1].environment.value(QStringLiteral("PATH")), QStringLiteral("/opt/bin:/usr/bin"));
    const CollectorConfig &c = collectors[2];
    QVERIFY(c.environment.isEmpty());
    QVERIFY(c.user.isEmpty() && c.group.isEmpty());
    QCOMPARE(c.outputLimit, CollectorConfig::DefaultOutputLimit);
    QVERIFY(!(a == c));
}

void tst_config::socketAndSpoolOptions()
{
    Tree dir;
    dir.writeAll(files({ "garnet.toml", R"([agent]
socket_mode = 0o600
allowed_uids = [0, "root", 4242]
allowed_gids = ["root", 7]
max_connections = 50
idle_timeout = "90s"

[[output]]
type = "graphite"
address = "127.0.0.1"
spool_dir = "spool/graphite"
spool_max_bytes = "512MiB"

[[output]]
type = "file"
path = "out.txt"
spool_dir = "/var/spool/garnet/file"
spool_max_bytes = 1048576

[[output]]
type = "stdout"
)",
        "collectors.d/x.toml", "command = [\"x\"]\n" }));
    const ConfigResult result = loadConfig(dir.mainFile());
    QVERIFY2(result.ok(), qPrintable(result.errors.join(QLatin1Char('\n'))));
    const SocketOptions &socket = result.config.socket;
    QCOMPARE(socket.mode, quint32(0600));
    QCOMPARE(socket.allowedUids, (std::vector<quint32> { 0, 0, 4242 }));
    QCOMPARE(socket.allowedGids, (std::vector<quint32> { 0, 7 }));
    QCOMPARE(socket.maxConnections, 50);
    QCOMPARE(socket.idleTimeout, 90s);
    const auto &outputs = result.config.outputs;
    QCOMPARE(outputs.size(), std::size_t(3));
    QCOMPARE(outputs[0].spoolDir, dir.path(QStringLiteral("spool/graphite")));
    QCOMPARE(outputs[0].spoolMaxBytes, qint64(512) << 20);
    QCOMPARE(outputs[1].spoolDir, QStringLiteral("/var/spool/garnet/file"));
    QCOMPARE(outputs[1].spoolMaxBytes, qint64(1048576));
    QVERIFY(outputs[2].spoolDir.isEmpty());
    QCOMPARE(outputs[2].spoolMaxBytes, qint64(1) << 30);

    // Defaults, and a string mode.
    dir.writeAll(files({ "garnet.toml", "[agent]\nsocket_mode = \"0666\"\n" }));
    const ConfigResult defaults = loadConfig(dir.mainFile());
    QVERIFY2(defaults.ok(), qPrintable(defaults.errors.join(QLatin1Char('\n'))));
    QCOMPARE(defaults.config.socket.mode, quint32(0666));
    QVERIFY(defaults.config.socket.allowedUids.empty() && defaults.config.socket.allowedGids.empty());
    QCOMPARE(defaults.config.socket.maxConnections, 1024);
    QCOMPARE(defaults.config.socket.idleTimeout, 60s);
    QCOMPARE(SocketOptions {}.mode, quint32(0660));
}

QTEST_GUILESS_MAIN(tst_config)
#include "tst_config.moc"

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "config.h"

#include "configreader.h"
#include "metricline.h"
#include "names.h"

#include <QDir>
#include <QFileInfo>

#include <grp.h>
#include <pwd.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <climits>
#include <limits>

namespace Garnet {

using namespace ConfigReader;

namespace {

constexpr quint16 DefaultGraphitePort = 2003;
constexpr auto DefaultPrefix = "servers.{host}";
constexpr auto NotUsableInNames = "no blanks, control characters, ';', or any of ( ) { } [ ] , = ' \" \\ / * ?";

/** A string key holding a path, made absolute relative to `base` and cleaned. */
std::optional<QString> getPath(
    const toml::table &table, std::string_view key, const QDir &base, Diagnostics &diagnostics)
{
    const std::optional<QString> path = getNonEmptyString(table, key, diagnostics);
    if (!path)
        return std::nullopt;
    return QDir::cleanPath(base.absoluteFilePath(*path));
}

/** The host becomes one path node ('.' → '_') and the value of the host tag (which must not start with '~'). */
bool isUsableHostName(const QString &hostname)
{
    QString node = hostname;
    node.replace(QLatin1Char('.'), QLatin1Char('_'));
    return !hostname.startsWith(QLatin1Char('~')) && isValidMetricPath(node.toStdString());
}

QString expandPrefix(const QString &prefix, const QString &hostname)
{
    QString hostNode = hostname;
    hostNode.replace(QLatin1Char('.'), QLatin1Char('_')); // the host stays one path node
    return QString(prefix).replace(QLatin1String("{host}"), hostNode);
}

/** Reads [agent]; collectorsDirKnown turns false when collectors_dir is given but unusable. */
void readAgent(
    const toml::table &table, const QDir &base, AgentConfig &agent, bool &collectorsDirKnown, Diagnostics &diagnostics)
{
    checkKnownKeys(table,
        { "collectors_dir", "socket", "hostname", "prefix", "interval", "log_level", "socket_mode", "allowed_uids",
            "allowed_gids", "max_connections", "idle_timeout" },
        QStringLiteral("in [agent]"), diagnostics);
    if (const auto dir = getPath(table, "collectors_dir", base, diagnostics)) {
        agent.collectorsDir = *dir;
        const QFileInfo info(*dir);
        if (!info.exists())
            diagnostics.add(
                *table.get("collectors_dir"), QStringLiteral("collectors_dir \"%1\" does not exist").arg(*dir));
        else if (!info.isDir())
            diagnostics.add(
                *table.get("collectors_dir"), QStringLiteral("collectors_dir \"%1\" is not a directory").arg(*dir));
    } else if (table.get("collectors_dir")) {
        collectorsDirKnown = false;
    }
    if (const auto socket = getPath(table, "socket", base, diagnostics)) {
        agent.socketPath = *socket;
        if (std::size_t(socket->toUtf8().size()) >= sizeof(sockaddr_un::sun_path))
            diagnostics.add(*table.get("socket"),
                QStringLiteral("socket path \"%1\" is too long for a Unix socket "
                               "(at most %2 bytes)")
                    .arg(*socket)
                    .arg(sizeof(sockaddr_un::sun_path) - 1));
    }
    bool hostnameUsable = true;
    if (const auto hostname = getNonEmptyString(table, "hostname", diagnostics)) {
        agent.hostname = *hostname;
        hostnameUsable = isUsableHostName(*hostname);
        if (!hostnameUsable)
            diagnostics.add(*table.get("hostname"),
                QStringLiteral("'hostname' \"%1\" cannot be used in metric names "
                               "(%2; must not start with '~')")
                    .arg(*hostname, QLatin1String(NotUsableInNames)));
    } else if (!table.get("hostname") && !isUsableHostName(agent.hostname)) {
        hostnameUsable = false;
        diagnostics.addAtStart(QStringLiteral("the system host name \"%1\" cannot be used in metric names; set "
                                              "'hostname' in [agent]")
                                   .arg(agent.hostname));
    }
    if (const auto interval = getDuration(table, "interval", ZeroDuration::Rejected, diagnostics))
        agent.interval = *interval;

    const std::optional<QString> prefix = getString(table, "prefix", diagnostics);
    agent.prefix = expandPrefix(prefix.value_or(QLatin1String(DefaultPrefix)), agent.hostname);
    if (!prefix)
        return; // the default is valid for any usable host name
    const toml::node &node = *table.get("prefix");
    if (agent.prefix.contains(QLatin1Char('{')) || agent.prefix.contains(QLatin1Char('}')))
        diagnostics.add(
            node, QStringLiteral("'prefix' \"%1\" has an unknown placeholder (only {host} is supported)").arg(*prefix));
    else if (hostnameUsable && !agent.prefix.isEmpty() && !isValidMetricPath(agent.prefix.toStdString()))
        diagnostics.add(node,
            QStringLiteral("'prefix' \"%1\" expands to \"%2\", which is not a valid metric path "
                           "(nodes separated by single dots, no empty node; %3)")
                .arg(*prefix, agent.prefix, QLatin1String(NotUsableInNames)));
}

/** socket_mode: an integer (TOML 0o660) or an octal string ("0660"). */
void readSocketMode(const toml::table &table, SocketOptions &socket, Diagnostics &diagnostics)
{
    const toml::node *node = table.get("socket_mode");
    if (!node)
        return;
    std::optional<qint64> mode;
    if (const auto *number = node->as_integer()) {
        mode = number->get();
    } else if (const auto *text = node->as_string()) {
        bool ok = false;
        const qint64 parsed = qs(text->get()).toLongLong(&ok, 8);
        if (ok && !text->get().empty())
            mode = parsed;
    }
    if (!mode || *mode < 0 || *mode > 0777) {
        diagnostics.add(
            *node, QStringLiteral("'socket_mode' must be permission bits like 0o660 or \"0660\" (at most 0777)"));
        return;
    }
    if ((*mode & 0600) != 0600) {
        diagnostics.add(*node,
            QStringLiteral("'socket_mode' %1 does not let the agent's own user read and write the socket (needs 0600)")
                .arg(*mode, 4, 8, QLatin1Char('0')));
        return;
    }
    socket.mode = quint32(*mode);
}

/** allowed_uids / allowed_gids: numeric ids or user/group names, resolved now (names must exist). */
void readIdList(
    const toml::table &table, std::string_view key, bool groups, std::vector<quint32> &ids, Diagnostics &diagnostics)
{
    const toml::node *node = table.get(key);
    if (!node)
        return;
    const toml::array *array = node->as_array();
    if (!array) {
        diagnostics.add(*node,
            QStringLiteral("'%1' must be an array of %2 ids or names, like [0, \"%3\"], got %4")
                .arg(qs(key), groups ? QStringLiteral("group") : QStringLiteral("user"),
                    groups ? QStringLiteral("adm") : QStringLiteral("root"), typeName(*node)));
        return;
    }
    for (const toml::node &element : *array) {
        if (const auto *number = element.as_integer()) {
            if (number->get() < 0 || number->get() > 0xfffffffeLL)
                diagnostics.add(element, QStringLiteral("'%1': %2 is not a valid id").arg(qs(key)).arg(number->get()));
            else
                ids.push_back(quint32(number->get()));
        } else if (const auto *text = element.as_string()) {
            const std::string &name = text->get();
            std::optional<quint32> id;
            if (groups) {
                if (const group *entry = ::getgrnam(name.c_str()))
                    id = quint32(entry->gr_gid);
            } else if (const passwd *entry = ::getpwnam(name.c_str())) {
                id = quint32(entry->pw_uid);
            }
            if (id)
                ids.push_back(*id);
            else
                diagnostics.add(element,
                    QStringLiteral("'%1': no %2 named \"%3\" on this system")
                        .arg(qs(key), groups ? QStringLiteral("group") : QStringLiteral("user"), qs(name)));
        } else {
            diagnostics.add(element,
                QStringLiteral("'%1' elements must be integers or names, got %2").arg(qs(key), typeName(element)));
        }
    }
}

void readSocketOptions(const toml::table &table, SocketOptions &socket, Diagnostics &diagnostics)
{
    readSocketMode(table, socket, diagnostics);
    readIdList(table, "allowed_uids", false, socket.allowedUids, diagnostics);
    readIdList(table, "allowed_gids", true, socket.allowedGids, diagnostics);
    if (const auto connections = getInteger(table, "max_connections", diagnostics)) {
        if (*connections < 1 || *connections > 1000000)
            diagnostics.add(*table.get("max_connections"),
                QStringLiteral("'max_connections' must be from 1 to 1000000, got %1").arg(*connections));
        else
            socket.maxConnections = int(*connections);
    }
    if (const auto idle = getDuration(table, "idle_timeout", ZeroDuration::Rejected, diagnostics))
        socket.idleTimeout = *idle;
}

/** A size string like output_limit's: "512KiB", "64MiB", "2GiB", "4096B" (binary units). nullopt if malformed. */
std::optional<qint64> parseByteSize(std::string_view value)
{
    static const std::pair<std::string_view, qint64> units[]
        = { { "GiB", qint64(1) << 30 }, { "MiB", qint64(1) << 20 }, { "KiB", qint64(1) << 10 }, { "B", 1 } };
    for (const auto &[unit, factor] : units) {
        if (value.size() <= unit.size() || !value.ends_with(unit))
            continue;
        const std::string_view digits = value.substr(0, value.size() - unit.size());
        qint64 count = 0;
        const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
        if (error != std::errc() || end != digits.data() + digits.size() || count < 0
            || count > std::numeric_limits<qint64>::max() / factor)
            return std::nullopt;
        return count * factor;
    }
    return std::nullopt;
}

void readSpool(const toml::table &table, const QDir &base, OutputConfig &output, Diagnostics &diagnostics)
{
    constexpr qint64 MinSpoolBytes = 64 * 1024;
    if (const auto dir = getPath(table, "spool_dir", base, diagnostics))
        output.spoolDir = *dir;
    const toml::node *node = table.get("spool_max_bytes");
    if (!node)
        return;
    std::optional<qint64> bytes;
    if (const auto *number = node->as_integer())
        bytes = number->get();
    else if (const auto *text = node->as_string())
        bytes = parseByteSize(text->get());
    if (!bytes || *bytes < MinSpoolBytes) {
        diagnostics.add(*node,
            QStringLiteral("'spool_max_bytes' must be a number of bytes or a size like \"512MiB\" or \"2GiB\" "
                           "(at least 64KiB)"));
        return;
    }
    if (!table.get("spool_dir"))
        diagnostics.add(*node, QStringLiteral("'spool_max_bytes' needs a 'spool_dir'"));
    output.spoolMaxBytes = *bytes;
}

/** "host:port", "[v6]:port", "host" or "[v6]"; the port defaults to 2003. Returns an error message or empty. */
QString parseAddress(const QString &address, OutputConfig &output)
{
    QString host = address;
    QString port;
    if (address.startsWith(QLatin1Char('['))) {
        const qsizetype close = address.indexOf(QLatin1Char(']'));
        if (close < 0)
            return QStringLiteral("missing ']' after the IPv6 address");
        host = address.mid(1, close - 1);
        const QString rest = address.mid(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(QLatin1Char(':')))
            return QStringLiteral("expected ':PORT' after ']'");
        port = rest.mid(1);
        if (rest == QLatin1String(":"))
            return QStringLiteral("the port is missing after ':'");
    } else {
        const qsizetype colons = address.count(QLatin1Char(':'));
        if (colons > 1)
            return QStringLiteral("put an IPv6 address in brackets, like \"[::1]:2003\"");
        if (colons == 1) {
            host = address.section(QLatin1Char(':'), 0, 0);
            port = address.section(QLatin1Char(':'), 1);
            if (port.isEmpty())
                return QStringLiteral("the port is missing after ':'");
        }
    }
    if (host.isEmpty())
        return QStringLiteral("the host is missing");
    for (const QChar c : std::as_const(host)) {
        if (c.isSpace() || c.category() == QChar::Other_Control || c == QLatin1Char('/'))
            return QStringLiteral("the host \"%1\" contains a blank, '/' or control character").arg(host);
    }
    output.host = host;
    output.port = DefaultGraphitePort;
    if (!port.isEmpty()) {
        bool isNumber = false;
        const uint number = port.toUInt(&isNumber);
        const bool digitsOnly = std::all_of(port.cbegin(), port.cend(), [](QChar c) { return c.isDigit(); });
        if (!isNumber || !digitsOnly || number < 1 || number > 65535)
            return QStringLiteral("the port must be a number from 1 to 65535, got \"%1\"").arg(port);
        output.port = quint16(number);
    }
    return {};
}

void readOutput(const toml::table &table, const QDir &base, OutputConfig &output, Diagnostics &diagnostics)
{
    checkKnownKeys(table,
        { "type", "address", "format", "queue_size", "replay_window", "path", "spool_dir", "spool_max_bytes" },
        QStringLiteral("in [[output]]"), diagnostics);
    readSpool(table, base, output, diagnostics);
    std::optional<OutputType> type;
    if (!table.get("type"))
        diagnostics.add(table, QStringLiteral("[[output]] needs a 'type': one of graphite, stdout, file"));
    else
        type = getChoice<OutputType>(table, "type",
            { { "graphite", OutputType::Graphite }, { "stdout", OutputType::Stdout }, { "file", OutputType::File } },
            diagnostics);
    if (const auto format = getChoice<OutputFormat>(table, "format",
            { { "plaintext", OutputFormat::Plaintext }, { "tagged", OutputFormat::Tagged },
                { "metrics20", OutputFormat::Metrics20 } },
            diagnostics))
        output.format = *format;
    if (const auto queueSize = getInteger(table, "queue_size", diagnostics)) {
        if (*queueSize < 1)
            diagnostics.add(
                *table.get("queue_size"), QStringLiteral("'queue_size' must be at least 1, got %1").arg(*queueSize));
        else
            output.queueSize = *queueSize;
    }
    if (!type)
        return; // which of the remaining keys apply depends on the type
    output.type = *type;

    const std::pair<std::string_view, OutputType> typeSpecific[] = { { "address", OutputType::Graphite },
        { "replay_window", OutputType::Graphite }, { "path", OutputType::File } };
    for (const auto &[key, owner] : typeSpecific) {
        if (table.get(key) && owner != output.type)
            diagnostics.add(keyPosition(table, key),
                QStringLiteral("'%1' only applies to %2 outputs")
                    .arg(qs(key), owner == OutputType::File ? QStringLiteral("file") : QStringLiteral("graphite")));
    }
    if (output.type == OutputType::Graphite) {
        if (!table.get("address"))
            diagnostics.add(table, QStringLiteral("graphite output needs an 'address' like \"127.0.0.1:2003\""));
        else if (const auto address = getNonEmptyString(table, "address", diagnostics)) {
            output.address = *address;
            if (const QString problem = parseAddress(*address, output); !problem.isEmpty())
                diagnostics.add(
                    *table.get("address"), QStringLiteral("invalid 'address' \"%1\": %2").arg(*address, problem));
        }
        if (const auto window = getDuration(table, "replay_window", ZeroDuration::Allowed, diagnostics))
            output.replayWindow = *window;
    } else if (output.type == OutputType::File) {
        if (!table.get("path"))
            diagnostics.add(table, QStringLiteral("file output needs a 'path' (relative to this file or absolute)"));
        else if (const auto path = getPath(table, "path", base, diagnostics))
            output.path = *path;
    }
}

void readOutputs(const toml::node &node, const QDir &base, std::vector<OutputConfig> &outputs, Diagnostics &diagnostics)
{
    if (node.is_table()) {
        diagnostics.add(node, QStringLiteral("'output' must be an array of tables: write [[output]], not [output]"));
        return;
    }
    const toml::array *array = node.as_array();
    if (!array) {
        diagnostics.add(
            node, QStringLiteral("'output' must be an array of tables ([[output]]), got %1").arg(typeName(node)));
        return;
    }
    for (const toml::node &element : *array) {
        const toml::table *table = element.as_table();
        if (!table) {
            diagnostics.add(
                element, QStringLiteral("each 'output' must be a table ([[output]]), got %1").arg(typeName(element)));
            continue;
        }
        OutputConfig output;
        readOutput(*table, base, output, diagnostics);
        const bool spoolShared = !output.spoolDir.isEmpty()
            && std::any_of(outputs.cbegin(), outputs.cend(),
                [&](const OutputConfig &other) { return other.spoolDir == output.spoolDir; });
        if (spoolShared)
            diagnostics.add(*table->get("spool_dir"),
                QStringLiteral("'spool_dir' \"%1\" is already used by another output; each needs its own")
                    .arg(output.spoolDir));
        outputs.push_back(output);
    }
}

bool isValidCollectorName(const QString &name)
{
    return !name.isEmpty() && std::all_of(name.cbegin(), name.cend(), [](QChar c) {
        return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
            || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_') || c == QLatin1Char('-');
    });
}

void readCommand(const toml::table &table, QStringList &command, Diagnostics &diagnostics)
{
    const toml::node *node = table.get("command");
    if (!node) {
        diagnostics.addAtStart(QStringLiteral("missing 'command': the program and its arguments, like "
                                              "command = [\"loadavg\", \"--per-cpu\"]"));
        return;
    }
    const toml::array *array = node->as_array();
    if (!array) {
        diagnostics.add(*node,
            QStringLiteral("'command' must be an array of strings like [\"program\", \"--option\"] "
                           "(it is not run through a shell), got %1")
                .arg(typeName(*node)));
        return;
    }
    if (array->empty())
        diagnostics.add(*node, QStringLiteral("'command' must not be empty: give at least the program"));
    for (const toml::node &element : *array) {
        const auto *text = element.as_string();
        if (!text)
            diagnostics.add(
                element, QStringLiteral("'command' elements must be strings, got %1").arg(typeName(element)));
        else if (text->get().empty())
            diagnostics.add(element, QStringLiteral("'command' elements must not be empty strings"));
        else
            command << qs(text->get());
    }
}

/** `env = { NAME = "value" }`: names as in POSIX shells; GARNET_* belong to the agent. */
void readEnvironment(const toml::table &table, QMap<QString, QString> &environment, Diagnostics &diagnostics)
{
    const toml::node *node = table.get("env");
    if (!node)
        return;
    const toml::table *variables = node->as_table();
    if (!variables) {
        diagnostics.add(*node,
            QStringLiteral("'env' must be a table of strings like env = { LANG = \"C.UTF-8\" }, got %1")
                .arg(typeName(*node)));
        return;
    }
    for (const auto &[key, value] : *variables) {
        const std::string_view name = key.str();
        const bool validName
            = !name.empty() && !(name[0] >= '0' && name[0] <= '9') && std::all_of(name.begin(), name.end(), [](char c) {
                  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
              });
        if (!validName) {
            diagnostics.add(key.source().begin,
                QStringLiteral("environment variable name '%1' may contain only letters, digits and '_', and "
                               "must not start with a digit")
                    .arg(qs(name)));
            continue;
        }
        if (name.starts_with("GARNET_")) {
            diagnostics.add(key.source().begin,
                QStringLiteral("environment variable '%1' is set by the agent (GARNET_* are reserved)").arg(qs(name)));
            continue;
        }
        const auto *text = value.as_string();
        if (!text) {
            diagnostics.add(value, QStringLiteral("'env.%1' must be a string, got %2").arg(qs(name), typeName(value)));
            continue;
        }
        if (text->get().find('\0') != std::string::npos) {
            diagnostics.add(value, QStringLiteral("'env.%1' must not contain a NUL character").arg(qs(name)));
            continue;
        }
        environment.insert(qs(name), qs(text->get()));
    }
}

/** A user or group: a name known to the system, or a numeric id. */
void readAccount(const toml::table &table, std::string_view key, QString &account, Diagnostics &diagnostics)
{
    const std::optional<QString> text = getNonEmptyString(table, key, diagnostics);
    if (!text)
        return;
    const QByteArray name = text->toUtf8();
    bool numeric = false;
    const uint id = text->toUInt(&numeric);
    if (numeric && id < uint(-1)) {
        account = *text;
        return;
    }
    const bool isUser = key == "user";
    const bool known = isUser ? ::getpwnam(name.constData()) != nullptr : ::getgrnam(name.constData()) != nullptr;
    if (!known) {
        diagnostics.add(*table.get(key), QStringLiteral("%1 \"%2\" does not exist on this system").arg(qs(key), *text));
        return;
    }
    account = *text;
}

/** `output_limit`: an integer number of bytes, or a string like "512KiB", "64MiB", "1GiB". */
void readOutputLimit(const toml::table &table, qint64 &limit, Diagnostics &diagnostics)
{
    const toml::node *node = table.get("output_limit");
    if (!node)
        return;
    const QString hint = QStringLiteral(
        "'output_limit' must be a number of bytes or a size like \"512KiB\", \"64MiB\" or \"1GiB\" (at least 1KiB)");
    qint64 bytes = -1;
    if (const auto *number = node->as_integer()) {
        bytes = number->get();
    } else if (const auto *text = node->as_string()) {
        bytes = parseByteSize(text->get()).value_or(-1);
    }
    if (bytes < 1024) {
        diagnostics.add(*node, bytes < 0 && !node->is_integer() ? hint : hint + QStringLiteral(", got %1").arg(bytes));
        return;
    }
    limit = bytes;
}

void readCollector(const toml::table &table, CollectorConfig &collector, Diagnostics &diagnostics)
{
    checkKnownKeys(table,
        { "enabled", "command", "interval", "timeout", "path", "mode", "dialect", "env", "user", "group",
            "output_limit" },
        QStringLiteral("in collector file"), diagnostics);
    if (const auto enabled = getBool(table, "enabled", diagnostics))
        collector.enabled = *enabled;
    readCommand(table, collector.command, diagnostics);
    if (const auto interval = getDuration(table, "interval", ZeroDuration::Rejected, diagnostics))
        collector.interval = *interval;
    collector.timeout = collector.interval;
    if (const auto timeout = getDuration(table, "timeout", ZeroDuration::Rejected, diagnostics))
        collector.timeout = *timeout;
    if (const auto path = getString(table, "path", diagnostics)) {
        collector.path = *path;
        const QString first = path->section(QLatin1Char('.'), 0, 0);
        if (!isValidMetricPath(path->toStdString()))
            diagnostics.add(*table.get("path"),
                QStringLiteral("'path' \"%1\" is not a valid metric path (nodes "
                               "separated by single dots, no empty node; %2)")
                    .arg(*path, QLatin1String(NotUsableInNames)));
        else if (first == qs(SelfMetricsName))
            diagnostics.add(
                *table.get("path"), QStringLiteral("'path' \"%1\" is reserved for the agent's own metrics").arg(*path));
    }
    if (const auto mode = getChoice<CollectorMode>(
            table, "mode", { { "socket", CollectorMode::Socket }, { "stdout", CollectorMode::Stdout } }, diagnostics))
        collector.mode = *mode;
    if (const auto dialect = getChoice<Dialect>(table, "dialect",
            { { "graphite", Dialect::Graphite }, { "nagios", Dialect::Nagios }, { "collectd", Dialect::Collectd } },
            diagnostics))
        collector.dialect = *dialect;
    // Monitoring plugins and collectd exec programs print to stdout: that is their default mode.
    if (collector.dialect != Dialect::Graphite && !table.contains("mode"))
        collector.mode = CollectorMode::Stdout;
    readEnvironment(table, collector.environment, diagnostics);
    readAccount(table, "user", collector.user, diagnostics);
    readAccount(table, "group", collector.group, diagnostics);
    readOutputLimit(table, collector.outputLimit, diagnostics);
    if (collector.dialect == Dialect::Nagios && collector.mode == CollectorMode::Socket)
        diagnostics.add(*table.get("mode"),
            QStringLiteral("dialect \"nagios\" reads the plugin's standard output and exit code: use mode = "
                           "\"stdout\" or leave 'mode' out"));
}

void loadCollectors(Config &config, QStringList &errors)
{
    const QDir dir(config.agent.collectorsDir);
    // Filtered by hand: a QDir name filter compiles a JIT regular expression, which maps half a MiB of PCRE2
    // into the agent for good.
    const QFileInfoList files = dir.entryInfoList(QDir::Files, QDir::Name);
    for (const QFileInfo &info : files) {
        if (!info.fileName().endsWith(u".toml"))
            continue;
        CollectorConfig collector;
        collector.file = QDir::cleanPath(info.absoluteFilePath());
        collector.name = info.completeBaseName();
        collector.path = collector.name;
        Diagnostics diagnostics(collector.file);
        if (!isValidCollectorName(collector.name))
            diagnostics.addAtStart(
                QStringLiteral("collector name \"%1\" (the file name without .toml) may contain only "
                               "letters, digits, '_' and '-'")
                    .arg(collector.name));
        else if (collector.name == qs(SelfMetricsName) || collector.name == qs(UnattributedCollector))
            diagnostics.addAtStart(
                QStringLiteral("collector name \"%1\" is reserved; rename the file").arg(collector.name));
        if (const std::optional<toml::table> table = parseFile(diagnostics))
            readCollector(*table, collector, diagnostics);
        if (diagnostics.empty())
            config.collectors.push_back(collector);
        diagnostics.appendTo(errors);
    }
    std::sort(config.collectors.begin(), config.collectors.end(),
        [](const CollectorConfig &a, const CollectorConfig &b) { return a.name < b.name; });
}

} // namespace

ConfigResult loadConfig(const QString &mainFile)
{
    ConfigResult result;
    Config &config = result.config;
    config.file = QDir::cleanPath(QFileInfo(mainFile).absoluteFilePath());
    const QDir base = QFileInfo(config.file).absoluteDir();
    AgentConfig &agent = config.agent;
    agent.collectorsDir = QDir::cleanPath(base.absoluteFilePath(QStringLiteral("collectors.d")));
    agent.socketPath = defaultSocketPath();
    agent.hostname = shortHostName();
    agent.prefix = expandPrefix(QLatin1String(DefaultPrefix), agent.hostname);

    Diagnostics diagnostics(config.file);
    const std::optional<toml::table> root = parseFile(diagnostics);
    bool collectorsDirKnown = root.has_value(); // an unparseable main file leaves the directory unknown
    if (root) {
        checkKnownKeys(*root, { "agent", "output" },
            QStringLiteral("at the top level (expected [agent] or [[output]])"), diagnostics);
        const toml::node *agentNode = root->get("agent");
        if (const toml::table *table = agentNode ? agentNode->as_table() : nullptr) {
            readAgent(*table, base, agent, collectorsDirKnown, diagnostics);
            readSocketOptions(*table, config.socket, diagnostics);
            if (const auto level = getChoice<LogLevel>(*table, "log_level",
                    { { "debug", LogLevel::Debug }, { "info", LogLevel::Info }, { "warning", LogLevel::Warning },
                        { "error", LogLevel::Error } },
                    diagnostics))
                config.logLevel = *level;
        } else if (agentNode)
            diagnostics.add(
                *agentNode, QStringLiteral("'agent' must be a table ([agent]), got %1").arg(typeName(*agentNode)));
        else
            readAgent(toml::table(), base, agent, collectorsDirKnown, diagnostics); // defaults; checks the host name
        if (const toml::node *node = root->get("output"))
            readOutputs(*node, base, config.outputs, diagnostics);
    }
    diagnostics.appendTo(result.errors);
    // Errors in the main file do not hide those in collector files; a missing default directory means none.
    if (collectorsDirKnown && QFileInfo(agent.collectorsDir).isDir())
        loadCollectors(config, result.errors);
    return result;
}

QString defaultSocketPath()
{
    const QString runtimeDir = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtimeDir.isEmpty() && QDir::isAbsolutePath(runtimeDir))
        return QDir::cleanPath(runtimeDir + QStringLiteral("/garnet/garnet.sock"));
    return QStringLiteral("/run/garnet/garnet.sock");
}

QString shortHostName()
{
    char name[HOST_NAME_MAX + 1] = {};
    if (gethostname(name, sizeof name - 1) != 0 || name[0] == '\0')
        return QStringLiteral("localhost");
    const QString host = QString::fromLocal8Bit(name);
    return host.section(QLatin1Char('.'), 0, 0);
}

} // namespace Garnet

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include "formatter.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <chrono>
#include <vector>

namespace Garnet {

enum class OutputType { Graphite, Stdout, File };
enum class CollectorMode { Socket, Stdout };
enum class Dialect { Graphite, Nagios, Collectd };
/** [agent] log_level: the least severe message the agent logs. */
enum class LogLevel { Debug, Info, Warning, Error };

struct OutputConfig
{
    OutputType type = OutputType::Stdout;
    QString address; ///< graphite: "host:port"
    QString host; ///< graphite: split from address
    quint16 port = 0;
    QString path; ///< file: output file path (relative to the main config file)
    OutputFormat format = OutputFormat::Plaintext;
    qint64 queueSize = 100000; ///< metrics held while the destination is slow or down
    std::chrono::milliseconds replayWindow { 5000 }; ///< graphite: recent data resent after an unexpected disconnect
    QString spoolDir; ///< absolute; empty = no disk spool: what overflows the queue is dropped
    qint64 spoolMaxBytes = 1024LL * 1024 * 1024; ///< the spool's size on disk never exceeds this
    friend bool operator==(const OutputConfig &, const OutputConfig &) = default;
};

struct AgentConfig
{
    QString collectorsDir; ///< absolute
    QString socketPath; ///< absolute
    QString hostname;
    QString prefix; ///< with {host} already expanded, e.g. "servers.web01"; may be empty
    std::chrono::milliseconds interval { 10000 }; ///< self-metrics interval
    friend bool operator==(const AgentConfig &, const AgentConfig &) = default;
};

/** The collectors' socket: who may connect, and how much any one writer may hold ([agent] keys). */
struct SocketOptions
{
    quint32 mode = 0660; ///< socket_mode: the socket file's permission bits, exact from the first instant
    std::vector<quint32> allowedUids; ///< allowed_uids: empty = any uid the file mode lets in
    std::vector<quint32> allowedGids; ///< allowed_gids: peer's primary or supplementary group
    int maxConnections = 1024; ///< max_connections: open connections at most
    std::chrono::milliseconds idleTimeout { 60000 }; ///< idle_timeout: unattributed connection with no complete line
    friend bool operator==(const SocketOptions &, const SocketOptions &) = default;
};

struct CollectorConfig
{
    QString name; ///< file stem
    QString file; ///< absolute path of its .toml
    bool enabled = true;
    QStringList command; ///< argv as written; command[0] resolved later by the agent
    std::chrono::milliseconds interval { 10000 };
    std::chrono::milliseconds timeout { 10000 }; ///< defaults to interval
    QString path; ///< defaults to name
    CollectorMode mode = CollectorMode::Socket;
    Dialect dialect = Dialect::Graphite;
    QMap<QString, QString> environment; ///< `env`: added to the agent's environment (GARNET_* are the agent's)
    QString user; ///< `user`: run as this user (name or id; the agent must run as root); empty: the agent's
    QString group; ///< `group`: run with this group (name or id); empty: the user's primary group
    qint64 outputLimit = DefaultOutputLimit; ///< `output_limit`: bytes per run on stdout, and on stderr
    static constexpr qint64 DefaultOutputLimit = 64 * 1024 * 1024;
    friend bool operator==(const CollectorConfig &, const CollectorConfig &) = default;
};

struct Config
{
    QString file; ///< absolute path of the main config file
    AgentConfig agent;
    std::vector<OutputConfig> outputs; ///< empty → the agent uses one stdout output
    std::vector<CollectorConfig> collectors; ///< sorted by name
    /** [agent] log_level; outside AgentConfig because changing it must not restart collectors on reload. */
    LogLevel logLevel = LogLevel::Info;
    /** [agent] socket limits and access; outside AgentConfig so that changing them restarts no collector. */
    SocketOptions socket;
};

struct ConfigResult
{
    Config config;
    QStringList errors; ///< each "FILE:LINE:COLUMN: message"; empty means success
    bool ok() const { return errors.isEmpty(); }
};

/**
 * Load the main config file and every *.toml in its collectors_dir. Collects all errors it can find
 * (one bad collector file does not hide errors in the others). Pure apart from reading files.
 * Relative paths (collectors_dir, socket, file output path) are resolved against the main file's directory;
 * file names in errors are absolute. A collectors_dir that is configured but missing is an error, the
 * default one missing just means no collectors. Collector names "garnet" and "unattributed" are reserved.
 */
ConfigResult loadConfig(const QString &mainFile);

QString defaultSocketPath(); ///< $XDG_RUNTIME_DIR/garnet/garnet.sock, else /run/garnet/garnet.sock
QString shortHostName(); ///< gethostname() up to the first dot

} // namespace Garnet

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// How a collector run's process is made: program resolution, arguments, environment, child setup.
#include "collector.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <array>
#include <optional>

#include <cerrno>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace Garnet {

namespace {

bool isExecutableFile(const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    struct stat info = {};
    return ::stat(native.constData(), &info) == 0 && S_ISREG(info.st_mode) && ::access(native.constData(), X_OK) == 0;
}

/** Who the child becomes (resolved in the agent, applied by the child) and what its environment says. */
struct CollectorIdentity : ChildIdentity
{
    QString home, userName; ///< for HOME, USER, LOGNAME; empty when the user has no passwd entry
};

std::optional<uid_t> parseId(const QString &text)
{
    bool numeric = false;
    const uint id = text.toUInt(&numeric);
    return numeric && id != uint(-1) ? std::optional<uid_t>(id) : std::nullopt;
}

/** The ids a collector runs with; an error message when they cannot be used. */
QString resolveIdentity(const CollectorConfig &config, CollectorIdentity &identity)
{
    identity = {};
    if (config.user.isEmpty() && config.group.isEmpty())
        return {};
    const bool root = ::geteuid() == 0;
    identity.uid = ::geteuid();
    identity.gid = ::getegid();
    QByteArray userName;
    if (!config.user.isEmpty()) {
        const QByteArray name = config.user.toUtf8();
        const std::optional<uid_t> id = parseId(config.user);
        const passwd *entry = id ? ::getpwuid(*id) : ::getpwnam(name.constData());
        if (!entry && !id)
            return QStringLiteral("user \"%1\" does not exist").arg(config.user);
        identity.uid = entry ? entry->pw_uid : *id;
        identity.gid = entry ? entry->pw_gid : *id;
        if (entry) {
            userName = entry->pw_name;
            identity.userName = QString::fromLocal8Bit(entry->pw_name);
            identity.home = QString::fromLocal8Bit(entry->pw_dir);
        }
    }
    if (!config.group.isEmpty()) {
        const QByteArray name = config.group.toUtf8();
        const std::optional<gid_t> id = parseId(config.group);
        const group *entry = id ? nullptr : ::getgrnam(name.constData());
        if (!entry && !id)
            return QStringLiteral("group \"%1\" does not exist").arg(config.group);
        identity.gid = entry ? entry->gr_gid : *id;
    }
    if (!root) {
        if (identity.uid == ::geteuid() && identity.gid == ::getegid())
            return {}; // already who the collector should be
        return QStringLiteral("cannot run as %1: the agent is not running as root (only root can switch users; "
                              "remove 'user'/'group' or run the agent as root)")
            .arg(config.user.isEmpty() ? QStringLiteral("group \"%1\"").arg(config.group)
                                       : QStringLiteral("user \"%1\"").arg(config.user));
    }
    identity.change = true;
    identity.groups = { identity.gid };
    if (!userName.isEmpty()) {
        // The user's supplementary groups, as a login would give them (initgroups).
        int count = 64;
        std::vector<gid_t> groups(static_cast<std::size_t>(count));
        if (::getgrouplist(userName.constData(), identity.gid, groups.data(), &count) < 0) {
            groups.resize(std::size_t(count));
            ::getgrouplist(userName.constData(), identity.gid, groups.data(), &count);
        }
        groups.resize(std::size_t(std::max(count, 0)));
        if (!groups.empty())
            identity.groups = groups;
    }
    return {};
}

/** As root, a file that others could change would let them run code as root: refused. */
QString checkNotWritableByOthers(const QString &path, const QString &what)
{
    struct stat info = {};
    const QByteArray native = QFile::encodeName(path);
    if (path.isEmpty() || ::stat(native.constData(), &info) != 0)
        return {};
    if ((info.st_mode & (S_IWGRP | S_IWOTH)) == 0)
        return {};
    return QStringLiteral("refusing to run as root: %1 %2 is writable by %3 (mode %4); make it writable by its "
                          "owner only, e.g. chmod go-w")
        .arg(what, path, (info.st_mode & S_IWOTH) ? QStringLiteral("everyone") : QStringLiteral("its group"),
            QString::number(info.st_mode & 07777, 8).rightJustified(4, QLatin1Char('0')));
}

/** What a user or group name resolves to depends on these: a change of either makes the command anew. */
std::array<qint64, 8> identityFilesStamp()
{
    std::array<qint64, 8> stamp {};
    std::size_t at = 0;
    for (const char *path : { "/etc/passwd", "/etc/group" }) {
        struct stat info = {};
        if (::stat(path, &info) == 0) {
            stamp[at] = qint64(info.st_ino);
            stamp[at + 1] = qint64(info.st_size);
            stamp[at + 2] = qint64(info.st_mtim.tv_sec);
            stamp[at + 3] = qint64(info.st_mtim.tv_nsec);
        }
        at += 4;
    }
    return stamp;
}

} // namespace

QString Collector::resolveProgram(const QString &program, const QStringList &collectorDirs)
{
    if (program.isEmpty())
        return {};
    if (program.contains(QLatin1Char('/')))
        return isExecutableFile(program) ? QFileInfo(program).absoluteFilePath() : QString();
    QStringList dirs = collectorDirs;
    dirs += QString::fromLocal8Bit(qgetenv("PATH")).split(QLatin1Char(':'), Qt::SkipEmptyParts);
    for (const QString &dir : std::as_const(dirs)) {
        if (dir.isEmpty())
            continue;
        const QString candidate = QDir(dir).filePath(program);
        if (isExecutableFile(candidate))
            return QFileInfo(candidate).absoluteFilePath();
    }
    return {};
}

QString Collector::intervalText(std::chrono::milliseconds interval)
{
    const qint64 ms = std::max<qint64>(0, interval.count());
    QString text = QString::number(ms / 1000);
    if (const qint64 fraction = ms % 1000) {
        QString digits = QString::number(fraction).rightJustified(3, QLatin1Char('0'));
        while (digits.endsWith(QLatin1Char('0')))
            digits.chop(1);
        text += QLatin1Char('.') + digits;
    }
    return text;
}

QString Collector::explainUnresolved(const QString &program, const QStringList &collectorDirs)
{
    if (program.isEmpty())
        return QStringLiteral("the command is empty");
    if (program.contains(QLatin1Char('/'))) {
        const QFileInfo info(program);
        if (!info.exists())
            return QStringLiteral("%1 does not exist").arg(program);
        if (!info.isFile())
            return QStringLiteral("%1 is not a regular file").arg(program);
        return QStringLiteral("%1 is not executable").arg(program);
    }
    QStringList searched = collectorDirs;
    searched << QStringLiteral("PATH");
    return QStringLiteral("program \"%1\" not found as an executable file in %2")
        .arg(program, searched.join(QLatin1Char(':')));
}

ChildCommandPtr Collector::launchCommand(const QString &program, QString *error)
{
    if (::geteuid() == 0) {
        for (const auto &[path, what] : { std::pair { m_config.file, QStringLiteral("collector file") },
                 std::pair { program, QStringLiteral("program") } }) {
            if (const QString problem = checkNotWritableByOthers(path, what); !problem.isEmpty()) {
                *error = problem;
                return nullptr;
            }
        }
    }
    // Made once and reused: the arguments, the environment (the agent's own does not change) and the ids
    // depend only on the config, the resolved program and, for names, the user and group databases.
    const bool switchesIds = !m_config.user.isEmpty() || !m_config.group.isEmpty();
    const auto identityFiles = switchesIds ? identityFilesStamp() : std::array<qint64, 8> {};
    if (m_command && m_command->program() == program && identityFiles == m_identityFiles)
        return m_command;
    m_command.reset();
    CollectorIdentity identity;
    if (const QString problem = resolveIdentity(m_config, identity); !problem.isEmpty()) {
        *error = problem;
        return nullptr;
    }
    QStringList arguments = m_config.command.mid(1);
    if (m_config.mode == CollectorMode::Socket)
        arguments << m_env.socketPath; // always the last argument
    // systemd's notification and watchdog channel is the agent's alone: a collector must not answer it.
    // QT_NO_GLIB is the agent's own choice of event loop (main.cpp); a collector sets it in env if it wants it.
    QList<QByteArray> environment
        = ChildCommand::inheritedEnvironment({ "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID", "QT_NO_GLIB" });
    if (identity.change && !identity.userName.isEmpty()) {
        const QByteArray home = QFile::encodeName(identity.home);
        const QByteArray user = identity.userName.toLocal8Bit();
        ChildCommand::setVariable(environment, "HOME", home);
        ChildCommand::setVariable(environment, "USER", user);
        ChildCommand::setVariable(environment, "LOGNAME", user);
    }
    for (auto it = m_config.environment.cbegin(); it != m_config.environment.cend(); ++it)
        ChildCommand::setVariable(environment, it.key().toLocal8Bit(), it.value().toLocal8Bit());
    ChildCommand::setVariable(environment, "GARNET_SOCKET", QFile::encodeName(m_env.socketPath));
    ChildCommand::setVariable(environment, "GARNET_COLLECTOR", m_config.name.toLocal8Bit());
    ChildCommand::setVariable(environment, "GARNET_INTERVAL", intervalText(m_config.interval).toLatin1());
    m_command = std::make_shared<const ChildCommand>(
        program, arguments, environment, std::move(identity)); // the ids; names went into the environment
    m_identityFiles = identityFiles;
    return m_command;
}

} // namespace Garnet

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "logsetup.h"

#include <QLoggingCategory>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

namespace Garnet {

namespace {

/** Syslog priority of a Qt message type (sd-daemon.h's SD_ERR etc.). */
char priorityDigit(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return '7';
    case QtInfoMsg:
        return '6';
    case QtWarningMsg:
        return '4';
    case QtCriticalMsg:
        return '3';
    case QtFatalMsg:
        return '2';
    }
    return '6';
}

void journalMessageHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString formatted = qFormatLogMessage(type, context, message);
    if (formatted.isNull())
        return;
    const char prefix[] = { '<', priorityDigit(type), '>' };
    QByteArray out;
    const QByteArray text = formatted.toUtf8();
    out.reserve(text.size() + 8);
    // journald reads a stream line by line: every line needs its own prefix, or continuations become "info".
    for (const QByteArray &line : text.split('\n')) {
        out.append(prefix, sizeof prefix);
        out.append(line);
        out.append('\n');
    }
    std::fwrite(out.constData(), 1, std::size_t(out.size()), stderr);
    std::fflush(stderr);
}

} // namespace

bool stderrIsJournalStream()
{
    const QByteArray stream = qgetenv("JOURNAL_STREAM");
    const qsizetype colon = stream.indexOf(':');
    if (colon <= 0)
        return false;
    bool devOk = false;
    bool inodeOk = false;
    const qulonglong device = stream.left(colon).toULongLong(&devOk);
    const qulonglong inode = stream.mid(colon + 1).toULongLong(&inodeOk);
    struct stat info
    {
    };
    // The variable is inherited: a shell started from a service may have redirected stderr elsewhere.
    return devOk && inodeOk && fstat(STDERR_FILENO, &info) == 0 && qulonglong(info.st_dev) == device
        && qulonglong(info.st_ino) == inode;
}

QString defaultMessagePattern(bool journal)
{
    if (journal)
        return QStringLiteral("%{category}: %{message}");
    return QStringLiteral("%{time yyyy-MM-ddThh:mm:ss.zzz} %{type} %{category}: %{message}");
}

void installLogFormat()
{
    const bool journal = stderrIsJournalStream();
    if (!qEnvironmentVariableIsSet("QT_MESSAGE_PATTERN"))
        qSetMessagePattern(defaultMessagePattern(journal));
    if (journal)
        qInstallMessageHandler(journalMessageHandler);
}

QString logLevelFilterRules(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug:
        return QStringLiteral("garnet.*.debug=true");
    case LogLevel::Info:
        return QStringLiteral("garnet.*.debug=false");
    case LogLevel::Warning:
        return QStringLiteral("garnet.*.debug=false\ngarnet.*.info=false");
    case LogLevel::Error:
        return QStringLiteral("garnet.*.debug=false\ngarnet.*.info=false\ngarnet.*.warning=false");
    }
    return {};
}

void applyLogLevel(LogLevel level)
{
    QLoggingCategory::setFilterRules(logLevelFilterRules(level));
}

void applyLogLevelOf(const QString &configPath)
{
    // Errors are reported by the real load that follows; until then the default level stays.
    const ConfigResult result = loadConfig(configPath);
    if (result.ok())
        applyLogLevel(result.config.logLevel);
}

} // namespace Garnet

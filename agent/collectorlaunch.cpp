// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// How a collector run's process is made: program resolution, arguments, environment, child setup.
#include "collector.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

namespace Garnet {

namespace {

bool isExecutableFile(const QString &path)
{
    const QByteArray native = QFile::encodeName(path);
    struct stat info = {};
    return ::stat(native.constData(), &info) == 0 && S_ISREG(info.st_mode) && ::access(native.constData(), X_OK) == 0;
}

/**
 * Runs in the child between fork and exec: async-signal-safe calls only. The agent ignores SIGPIPE and
 * blocks signals it handles elsewhere; both would be inherited over exec.
 */
void prepareChild()
{
    ::setpgid(0, 0);
    struct sigaction defaults = {};
    defaults.sa_handler = SIG_DFL;
    sigemptyset(&defaults.sa_mask);
    for (int signal = 1; signal < NSIG; ++signal)
        if (signal != SIGKILL && signal != SIGSTOP)
            ::sigaction(signal, &defaults, nullptr); // EINVAL for libc-reserved signals: harmless
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // Descriptors the agent opened without O_CLOEXEC (sockets, files) stay out of the collector.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
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

QProcess *Collector::createProcess(const QString &program)
{
    QStringList arguments = m_config.command.mid(1);
    if (m_config.mode == CollectorMode::Socket)
        arguments << m_env.socketPath; // always the last argument
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("GARNET_SOCKET"), m_env.socketPath);
    environment.insert(QStringLiteral("GARNET_COLLECTOR"), m_config.name);
    environment.insert(QStringLiteral("GARNET_INTERVAL"), intervalText(m_config.interval));

    auto *process = new QProcess(this);
    process->setProgram(program);
    process->setArguments(arguments);
    process->setProcessEnvironment(environment);
    process->setStandardInputFile(QProcess::nullDevice()); // a group without the terminal must not read it
    process->setChildProcessModifier(prepareChild);
    return process;
}

} // namespace Garnet

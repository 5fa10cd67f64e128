// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once
// Helpers for the reliability tests (on top of the integration harness): what /proc says about the agent.

#include "../integration/agentharness.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace GarnetTest {

inline QString reliabilityCollector(const char *name)
{
    return QStringLiteral(GARNET_TEST_SOURCE_DIR "/reliability/collectors/") + QLatin1String(name);
}

/** "[[output]]" to a LineSink, plaintext. */
inline QByteArray graphiteOutputTo(const LineSink &sink)
{
    return "[[output]]\ntype = \"graphite\"\naddress = \"" + sink.address() + "\"\n";
}

/** The largest value the sink saw for one metric path (cumulative counters); -1 if none. */
inline qint64 maxMetric(const LineSink &sink, const QByteArray &path)
{
    qint64 max = -1;
    for (const QByteArray &line : sink.linesStartingWith(path + ' '))
        max = std::max(max, line.split(' ').value(1).toLongLong());
    return max;
}

/** The last value the sink saw for one metric path; -1 if none. */
inline qint64 lastMetric(const LineSink &sink, const QByteArray &path)
{
    const QList<QByteArray> lines = sink.linesStartingWith(path + ' ');
    return lines.isEmpty() ? -1 : lines.last().split(' ').value(1).toLongLong();
}

/** Gone and reaped: /proc/PID no longer exists (a zombie still has its entry). */
inline bool processGone(pid_t pid)
{
    return ::kill(pid, 0) != 0 && errno == ESRCH && !QFile::exists(QStringLiteral("/proc/%1").arg(pid));
}

/** Fields 3.. of /proc/PID/stat (after the command name): [0] state, [1] ppid, [2] pgrp, [3] session. */
inline QList<QByteArray> statFields(pid_t pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = file.readAll();
    return text.mid(text.lastIndexOf(')') + 2).split(' ');
}

/** Children of pid in state Z (zombies nobody reaped yet). */
inline QList<pid_t> zombieChildren(pid_t parent)
{
    QList<pid_t> zombies;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const pid_t pid = pid_t(entry.toInt(&numeric));
        if (!numeric)
            continue;
        const QList<QByteArray> fields = statFields(pid);
        if (fields.size() > 1 && fields[0] == "Z" && fields[1].toInt() == parent)
            zombies << pid;
    }
    return zombies;
}

/** Every process whose parent chain leads to pid (not pid itself). */
inline QList<pid_t> descendants(pid_t ancestor)
{
    QHash<pid_t, pid_t> parents;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool numeric = false;
        const pid_t pid = pid_t(entry.toInt(&numeric));
        const QList<QByteArray> fields = numeric ? statFields(pid) : QList<QByteArray>();
        if (fields.size() > 1)
            parents.insert(pid, pid_t(fields[1].toInt()));
    }
    QList<pid_t> found;
    for (auto it = parents.cbegin(); it != parents.cend(); ++it) {
        pid_t current = it.value();
        for (int depth = 0; current > 1 && depth < 64; ++depth, current = parents.value(current)) {
            if (current == ancestor) {
                found << it.key();
                break;
            }
        }
    }
    return found;
}

/** Processes anywhere whose initial environment holds the entry (e.g. "GARNET_SOCKET=/tmp/x/run/garnet.sock"). */
inline QList<pid_t> processesWithEnvironment(const QByteArray &entry)
{
    QList<pid_t> found;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &name : entries) {
        bool numeric = false;
        const pid_t pid = pid_t(name.toInt(&numeric));
        QFile environ(QStringLiteral("/proc/%1/environ").arg(name));
        if (numeric && environ.open(QIODevice::ReadOnly) && environ.readAll().split('\0').contains(entry))
            found << pid;
    }
    return found;
}

inline int openFileCount(pid_t pid)
{
    return int(QDir(QStringLiteral("/proc/%1/fd").arg(pid)).entryList(QDir::NoDotAndDotDot | QDir::System).size());
}

/** VmRSS in KiB from /proc/PID/status; -1 if unknown. */
inline qint64 residentKiB(pid_t pid)
{
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : file.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

/** A pid written by a test collector into a file of the tree; 0 until it is there. */
inline pid_t pidFromFile(const ConfigTree &tree, const QString &relative)
{
    return pid_t(tree.read(relative).trimmed().toInt());
}

inline pid_t agentPid(AgentProcess &agent)
{
    return pid_t(agent.process().processId());
}

} // namespace GarnetTest

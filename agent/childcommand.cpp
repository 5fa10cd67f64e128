// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// ChildCommand: a child's argv and envp, built once in the form execve() takes.
#include "childprocess.h"

#include <QFile>

#include <algorithm>

extern char **environ;

namespace Garnet {

ChildCommand::ChildCommand(
    const QString &program, const QStringList &arguments, const QList<QByteArray> &environment, ChildIdentity identity)
    : m_program(program)
    , m_identity(std::move(identity))
{
    QList<QByteArray> args;
    args.reserve(arguments.size() + 1);
    args.append(QFile::encodeName(program));
    for (const QString &argument : arguments)
        args.append(argument.toLocal8Bit());
    std::vector<qsizetype> offsets;
    offsets.reserve(std::size_t(args.size() + environment.size()));
    const std::initializer_list<const QList<QByteArray> *> lists = { &args, &environment };
    qsizetype total = 0;
    for (const auto *list : lists)
        for (const QByteArray &text : *list)
            total += text.size() + 1;
    m_strings.reserve(total);
    for (const auto *list : lists) {
        for (const QByteArray &text : *list) {
            offsets.push_back(m_strings.size());
            m_strings.append(text.constData(), text.size()); // an embedded NUL ends the entry there
            m_strings.append('\0');
        }
    }
    char *base = m_strings.data();
    for (qsizetype i = 0; i < args.size(); ++i)
        m_argv.push_back(base + offsets[std::size_t(i)]);
    m_argv.push_back(nullptr);
    for (qsizetype i = args.size(); i < qsizetype(offsets.size()); ++i)
        m_envp.push_back(base + offsets[std::size_t(i)]);
    m_envp.push_back(nullptr);
}

QList<QByteArray> ChildCommand::inheritedEnvironment(std::initializer_list<const char *> without)
{
    QList<QByteArray> environment;
    for (char **entry = environ; entry && *entry; ++entry) {
        const QByteArrayView text(*entry);
        const qsizetype equals = text.indexOf('=');
        const QByteArrayView name = equals < 0 ? text : text.first(equals);
        if (std::none_of(without.begin(), without.end(), [&](const char *skip) { return name == skip; }))
            environment.append(text.toByteArray());
    }
    return environment;
}

void ChildCommand::setVariable(QList<QByteArray> &environment, QByteArrayView name, QByteArrayView value)
{
    QByteArray entry;
    entry.reserve(name.size() + 1 + value.size());
    entry.append(name).append('=').append(value);
    for (QByteArray &existing : environment) {
        if (existing.size() > name.size() && existing.startsWith(name) && existing.at(name.size()) == '=') {
            existing = std::move(entry);
            return;
        }
    }
    environment.append(std::move(entry));
}

} // namespace Garnet

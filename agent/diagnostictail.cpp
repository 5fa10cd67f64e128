// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "diagnostictail.h"

#include <QLoggingCategory>

#include <algorithm>

namespace Garnet {

void DiagnosticTail::startRun()
{
    for (std::string &partial : m_partial)
        partial.clear();
    m_lines.clear();
    m_logged = 0;
    m_unlogged = 0;
}

void DiagnosticTail::feed(Stream stream, std::string_view data)
{
    std::string &partial = m_partial[stream == Stream::Stdout ? 0 : 1];
    // Only a chunk's last lines can reach the tail; the others are at most logged.
    const auto lineCount = std::size_t(std::count(data.begin(), data.end(), '\n'));
    std::size_t index = 0;
    while (!data.empty()) {
        const auto newline = data.find('\n');
        const auto piece = data.substr(0, newline);
        // Keep one byte past the cap so capLine can tell the line was cut.
        const auto room = LineBytes + 1 - std::min(partial.size(), LineBytes + 1);
        if (newline == std::string_view::npos) {
            partial.append(piece.substr(0, room));
            return;
        }
        data.remove_prefix(newline + 1);
        const bool mayReachTail = lineCount - index++ <= std::size_t(TailLines);
        if (partial.empty()) {
            addLine(piece, mayReachTail);
        } else {
            partial.append(piece.substr(0, room));
            addLine(partial, mayReachTail);
            partial.clear();
        }
    }
}

void DiagnosticTail::addMessage(const QString &message)
{
    push(message);
}

void DiagnosticTail::finishRun()
{
    for (std::string &partial : m_partial) {
        if (!partial.empty())
            addLine(partial, true);
        partial.clear();
    }
    if (m_unlogged > 0 && m_category)
        qCInfo(*m_category).noquote().nospace() << "... " << m_unlogged << " more lines (not logged)";
}

QString DiagnosticTail::capLine(std::string_view line)
{
    if (line.size() <= LineBytes)
        return QString::fromUtf8(line.data(), qsizetype(line.size()));
    std::size_t keep = LineBytes - 3;
    while (keep > 0 && (static_cast<unsigned char>(line[keep]) & 0xC0) == 0x80)
        --keep; // line[keep] continues a character: cut before that character starts
    return QString::fromUtf8(line.data(), qsizetype(keep)) + QLatin1String("...");
}

void DiagnosticTail::addLine(std::string_view line, bool mayReachTail)
{
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos)
        return;
    const bool log = m_category && m_logged < LoggedLinesPerRun;
    if (!log) {
        ++m_unlogged;
        if (mayReachTail)
            push(capLine(line));
        return;
    }
    ++m_logged;
    QString text = capLine(line);
    qCInfo(*m_category).noquote() << text;
    push(std::move(text));
}

void DiagnosticTail::push(QString line)
{
    m_lines.push_back(std::move(line));
    if (m_lines.size() > std::size_t(TailLines))
        m_lines.pop_front();
}

} // namespace Garnet

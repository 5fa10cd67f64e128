// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

class QLoggingCategory;

namespace Garnet {

/**
 * The bounded record of a collector's diagnostic output (stderr; stdout too in socket mode): the last
 * TailLines lines of the latest run, each at most LineBytes bytes, for status; and its log, at most
 * LoggedLinesPerRun lines per run, then one summary line. Memory stays bounded whatever is written,
 * and a flood costs a scan, not a QString per line. Blank lines are dropped, a trailing '\r' too.
 */
class DiagnosticTail
{
public:
    static constexpr int TailLines = 20;
    static constexpr std::size_t LineBytes = 512;
    static constexpr int LoggedLinesPerRun = 20;
    enum class Stream { Stdout, Stderr }; ///< each keeps its own partial line

    /** category: where lines are logged (qCInfo); nullptr logs nothing. */
    explicit DiagnosticTail(const QLoggingCategory *category = nullptr)
        : m_category(category)
    { }

    void startRun(); ///< forget the previous run's lines
    void feed(Stream stream, std::string_view data);
    void addMessage(const QString &message); ///< a line of the agent's own, e.g. why a start failed
    void finishRun(); ///< takes unterminated last lines, logs how many lines were not logged
    QStringList lines() const { return QStringList(m_lines.begin(), m_lines.end()); }
    qint64 unloggedLines() const { return m_unlogged; }

    /** At most LineBytes bytes of UTF-8, cut on a character boundary and marked "..." when cut. */
    static QString capLine(std::string_view line);

private:
    void addLine(std::string_view line, bool mayReachTail);
    void push(QString line);

    const QLoggingCategory *m_category;
    std::string m_partial[2];
    std::deque<QString> m_lines;
    int m_logged = 0;
    qint64 m_unlogged = 0;
};

} // namespace Garnet

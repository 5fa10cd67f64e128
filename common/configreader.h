// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

// Private to config.cpp: typed access to a toml++ table that reports every problem as
// "FILE:LINE:COLUMN: message" at the offending key or value.

#include <QString>
#include <QStringList>

#include <toml++/toml.h>

#include <chrono>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace Garnet::ConfigReader {

inline QString qs(std::string_view text)
{
    return QString::fromUtf8(text.data(), qsizetype(text.size()));
}

/** The errors found in one file, kept in source order. */
class Diagnostics
{
public:
    explicit Diagnostics(QString file)
        : m_file(std::move(file))
    { }
    const QString &file() const { return m_file; }
    bool empty() const { return m_entries.empty(); }

    void add(const toml::source_position &where, const QString &message);
    void add(const toml::node &where, const QString &message) { add(where.source().begin, message); }
    void addAtStart(const QString &message) { add(toml::source_position { 1, 1 }, message); }
    /** Appends "FILE:LINE:COLUMN: message" lines, sorted by position. */
    void appendTo(QStringList &errors);

private:
    struct Entry
    {
        toml::source_position where;
        QString message;
    };
    QString m_file;
    std::vector<Entry> m_entries;
};

/** Reads the file and parses it; on failure records the error (with toml++'s position) and returns nullopt. */
std::optional<toml::table> parseFile(Diagnostics &diagnostics);

/** "string", "integer", "array" ... for "got ..." messages. */
QString typeName(const toml::node &node);

/** Reports every key of `table` that is not in `known` ("unknown key 'x' in [agent]; did you mean 'y'?"). */
void checkKnownKeys(const toml::table &table, std::initializer_list<std::string_view> known, const QString &where,
    Diagnostics &diagnostics);

/** Where a key is written, for errors about the key rather than its value. */
toml::source_position keyPosition(const toml::table &table, std::string_view key);

// Typed getters: nullopt when the key is absent, or (after reporting the error) when its value is invalid.
std::optional<QString> getString(const toml::table &table, std::string_view key, Diagnostics &diagnostics);
std::optional<QString> getNonEmptyString(const toml::table &table, std::string_view key, Diagnostics &diagnostics);
std::optional<bool> getBool(const toml::table &table, std::string_view key, Diagnostics &diagnostics);
std::optional<qint64> getInteger(const toml::table &table, std::string_view key, Diagnostics &diagnostics);

enum class ZeroDuration { Rejected, Allowed };
std::optional<std::chrono::milliseconds> getDuration(
    const toml::table &table, std::string_view key, ZeroDuration zero, Diagnostics &diagnostics);

/** One of a fixed set of strings; the error lists the valid ones. */
template<typename Enum>
std::optional<Enum> getChoice(const toml::table &table, std::string_view key,
    std::initializer_list<std::pair<std::string_view, Enum>> choices, Diagnostics &diagnostics)
{
    const std::optional<QString> text = getString(table, key, diagnostics);
    if (!text)
        return std::nullopt;
    QStringList names;
    for (const auto &[name, value] : choices) {
        if (*text == qs(name))
            return value;
        names << qs(name);
    }
    diagnostics.add(*table.get(key),
        QStringLiteral("'%1' must be one of %2; got \"%3\"").arg(qs(key), names.join(QLatin1String(", ")), *text));
    return std::nullopt;
}

} // namespace Garnet::ConfigReader

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// The TOML configuration loader: the input is a main file and a collector file, separated by a line
// "%%"; both are written to a private directory and loaded with loadConfig().
#include "common/config.h"
#include "fuzzcheck.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <cstdint>
#include <cstdlib>
#include <unistd.h>

using namespace Garnet;

namespace {

QString workDirectory()
{
    static const QString directory = [] {
        char pattern[] = "/tmp/garnet-fuzz-config-XXXXXX";
        const char *made = ::mkdtemp(pattern);
        FUZZ_CHECK(made != nullptr, "a private directory");
        const QString path = QString::fromLocal8Bit(made);
        QDir().mkpath(path + QStringLiteral("/collectors.d"));
        std::atexit([] { QDir(directory).removeRecursively(); });
        return path;
    }();
    return directory;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    FUZZ_CHECK(file.open(QIODevice::WriteOnly | QIODevice::Truncate), "the input file can be written");
    file.write(content);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray input = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype separator = input.indexOf("\n%%\n");
    const QByteArray main = separator < 0 ? input : input.left(separator + 1);
    const QByteArray collector = separator < 0 ? QByteArray() : input.mid(separator + 4);
    const QString directory = workDirectory();
    writeFile(directory + QStringLiteral("/garnet.toml"), main);
    writeFile(directory + QStringLiteral("/collectors.d/fuzz.toml"), collector);

    const ConfigResult result = loadConfig(directory + QStringLiteral("/garnet.toml"));
    static const QRegularExpression position(QStringLiteral("^/.+:[1-9][0-9]*:[1-9][0-9]*: \\S"));
    for (const QString &error : result.errors)
        FUZZ_CHECK(position.match(error).hasMatch(), "every error is FILE:LINE:COLUMN: message");
    if (!result.ok())
        return 0;
    FUZZ_CHECK(!result.config.agent.socketPath.isEmpty(), "a socket path");
    for (const CollectorConfig &c : result.config.collectors) {
        FUZZ_CHECK(!c.command.isEmpty() && !c.command.first().isEmpty(), "a loaded collector has a program");
        FUZZ_CHECK(c.interval.count() > 0 && c.timeout.count() > 0, "a loaded collector has positive durations");
        FUZZ_CHECK(c.outputLimit >= 1024, "the output limit is at least 1 KiB");
        for (auto it = c.environment.cbegin(); it != c.environment.cend(); ++it)
            FUZZ_CHECK(!it.key().isEmpty() && !it.key().startsWith(QLatin1String("GARNET_")), "env names are usable");
    }
    for (const OutputConfig &o : result.config.outputs)
        FUZZ_CHECK(o.queueSize >= 1, "a queue holds at least one metric");
    return 0;
}

// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "testrun.h"

#include "agent.h"
#include "collector.h"
#include "common/names.h"
#include "logging.h"
#include "output.h"
#include "pipeline.h"
#include "runregistry.h"
#include "socketserver.h"

#include <QCoreApplication>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

namespace Garnet {

namespace {
constexpr int ExitTimedOut = 124; // as timeout(1)
constexpr int ExitNotStarted = 127; // as a shell for a missing program

void printError(const QString &text)
{
    const QByteArray bytes = QStringLiteral("garnet-agent: %1\n").arg(text).toLocal8Bit();
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stderr);
}
} // namespace

int runCollectorOnce(QCoreApplication &app, const QString &configPath, const QString &name)
{
    ConfigResult result = loadConfig(configPath);
    if (!result.ok()) {
        printError(result.errors.join(QLatin1Char('\n')));
        return 1;
    }
    const Config &config = result.config;
    auto found = std::find_if(
        config.collectors.begin(), config.collectors.end(), [&](const CollectorConfig &c) { return c.name == name; });
    if (found == config.collectors.end()) {
        QStringList known;
        for (const CollectorConfig &c : config.collectors)
            known << c.name;
        printError(QStringLiteral("no collector named '%1' in %2 (known: %3)")
                       .arg(name, config.agent.collectorsDir,
                           known.isEmpty() ? QStringLiteral("none") : known.join(QStringLiteral(", "))));
        return 1;
    }
    CollectorConfig collectorConfig = *found;
    collectorConfig.enabled = true; // testing a disabled collector is exactly what --test is for

    QTemporaryDir socketDir;
    if (!socketDir.isValid()) {
        printError(QStringLiteral("cannot create a temporary directory: %1").arg(socketDir.errorString()));
        return 1;
    }
    Config testConfig = config;
    testConfig.agent.socketPath = socketDir.filePath(QStringLiteral("garnet.sock"));

    Pipeline pipeline(config.agent.hostname.toUtf8());
    std::unique_ptr<Output> output = Output::create(OutputConfig {}); // plaintext on stdout
    pipeline.setOutputs({ output.get() });
    output->start();
    RunRegistry registry;
    auto unattributed = std::make_shared<RunContext>();
    unattributed->collector = QByteArray(UnattributedCollector.data(), qsizetype(UnattributedCollector.size()));
    unattributed->pathPrefix = config.agent.prefix.toUtf8();
    unattributed->attributed = false;
    SocketServer socket(
        pipeline, [&registry](pid_t pid) { return registry.resolve(pid); }, unattributed);
    if (collectorConfig.mode == CollectorMode::Socket && !socket.listen(testConfig.agent.socketPath)) {
        printError(socket.errorString());
        return 1;
    }

    Collector collector(collectorConfig, Agent::collectorEnvironment(testConfig, collectorConfig), pipeline, registry);
    int exitCode = 0;
    QObject::connect(&collector, &Collector::runFinished, &app, [&](int exitStatus) {
        const CollectorState state = collector.state();
        exitCode = state == CollectorState::TimedOut ? ExitTimedOut : exitStatus < 0 ? ExitNotStarted : exitStatus;
        // Let the event loop accept and read connections the collector made just before exiting.
        QTimer::singleShot(0, &app, [&] {
            socket.close();
            QObject::connect(output.get(), &Output::flushFinished, &app, &QCoreApplication::quit);
            output->flush(std::chrono::seconds(5));
        });
    });
    QTimer::singleShot(0, &collector, [&] { collector.runNow(); });
    app.exec();

    const PipelineCounters &counters = pipeline.counters();
    if (counters.rejected > 0) {
        QStringList reasons;
        for (std::size_t r = 1; r < std::size_t(RejectReason::Count); ++r)
            if (counters.rejectedBy[r] > 0)
                reasons << QStringLiteral("%1 %2")
                               .arg(counters.rejectedBy[r])
                               .arg(QLatin1String(rejectReasonName(RejectReason(r))));
        printError(
            QStringLiteral("%1 line(s) rejected: %2").arg(counters.rejected).arg(reasons.join(QStringLiteral(", "))));
    }
    const QStringList tail = collector.stderrTail();
    for (const QString &line : tail)
        printError(QStringLiteral("%1 stderr: %2").arg(name, line));
    return exitCode;
}

} // namespace Garnet

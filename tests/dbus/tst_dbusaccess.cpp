// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// Who may do what: control refused to another user id, and the system-bus policy in resources/, each on a private
// dbus-daemon started from a generated configuration (a session bus admits only its owner, so clients of another
// uid need a bus that lets every user connect). Needs root to act as user nobody; skips otherwise.
#include "ctlagentproxy.h"
#include "dbusharness.h"

#include <QDBusMessage>
#include <QDBusReply>

#include <unistd.h>

using namespace Garnet;
using namespace GarnetDBusTest;

namespace {
constexpr int Timeout = 30000;

/** Skip unless this test can run programs as nobody that reach the build tree. */
#define REQUIRE_NOBODY()                                                                                               \
    do {                                                                                                               \
        if (::geteuid() != 0)                                                                                          \
            QSKIP("needs root: a client of another user id is run as user nobody");                                    \
        if (!nobodyExists() || asNobody().isEmpty())                                                                   \
            QSKIP("no user nobody, or neither setpriv nor runuser to become it");                                      \
        if (runCtl({ u"--version"_qs }, QProcessEnvironment::systemEnvironment(), asNobody()).exitCode != 0)           \
            QSKIP("garnetctl in the build tree is not executable by nobody (a private home directory?)");              \
    } while (false)

void writeCollectors(const AgentConfig &config)
{
    config.writeCollector(u"alpha"_qs,
        collectorToml({ u"/bin/sh"_qs, u"-c"_qs, u"echo alpha.value 1"_qs }, "interval = \"1s\"\nmode = \"stdout\"\n"));
}
} // namespace

class tst_DBusAccess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { registerDBusTypes(); }
    void controlIsRefusedToAnotherUser();
    void systemBusPolicy();
    void policyKeepsOthersFromOwningTheName();
};

void tst_DBusAccess::controlIsRefusedToAnotherUser()
{
    REQUIRE_NOBODY();
    PrivateBus bus;
    const QString error = bus.start(PrivateBus::Kind::OpenToAllUsers);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    AgentConfig config;
    writeCollectors(config);
    AgentProcess agent(bus.environment());
    agent.start(config.mainFile());
    QTRY_VERIFY2_WITH_TIMEOUT(serviceOnBus(bus.connection()), agent.log().constData(), Timeout);

    // Reading is open to everyone.
    const CtlResult status = runCtl({ u"status"_qs }, bus.environment(), asNobody());
    QVERIFY2(status.exitCode == 0 && status.out.contains("alpha"), status.describe().constData());
    const CtlResult values = runCtl({ u"values"_qs, u"alpha"_qs, u"--json"_qs }, bus.environment(), asNobody());
    QVERIFY2(values.exitCode == 0, values.describe().constData());

    // Control is not: each method refused with AccessDenied and a message naming both users.
    for (const QStringList &arguments :
        { QStringList { u"run"_qs, u"alpha"_qs }, QStringList { u"disable"_qs, u"alpha"_qs },
            QStringList { u"enable"_qs, u"alpha"_qs }, QStringList { u"reload"_qs } }) {
        const CtlResult refused = runCtl(arguments, bus.environment(), asNobody());
        QVERIFY2(refused.exitCode == 1, refused.describe().constData());
        QVERIFY2(
            refused.err.contains("refused: only root (uid 0), the agent's user, may control it; the caller is nobody"),
            refused.describe().constData());
    }
    CtlAgentProxy proxy(ServiceName, u"/org/garnet/Agent"_qs, bus.connection());
    QVERIFY(proxy.Collector(u"alpha"_qs).value().enabled); // the refused disable changed nothing

    // The agent's own user may.
    const CtlResult run = runCtl({ u"run"_qs, u"alpha"_qs }, bus.environment());
    QVERIFY2(run.exitCode == 0 || run.err.contains("still running"), run.describe().constData());
    auto reply = proxy.SetEnabled(u"alpha"_qs, false);
    reply.waitForFinished();
    QVERIFY2(!reply.isError(), qPrintable(reply.error().message()));
    QCOMPARE(agent.terminate(), 0);
}

void tst_DBusAccess::systemBusPolicy()
{
    REQUIRE_NOBODY();
    PrivateBus bus;
    const QString error = bus.start(PrivateBus::Kind::SystemLike);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QProcessEnvironment env = bus.environment(u"DBUS_SYSTEM_BUS_ADDRESS"_qs);
    AgentConfig config;
    writeCollectors(config);
    AgentProcess agent(env);
    agent.start(config.mainFile(), { u"--system-bus"_qs });
    // Root may own the name under the policy.
    QTRY_VERIFY2_WITH_TIMEOUT(serviceOnBus(bus.connection()), agent.log().constData(), Timeout);

    CtlAgentProxy proxy(ServiceName, u"/org/garnet/Agent"_qs, bus.connection());
    auto collectors = proxy.Collectors();
    collectors.waitForFinished();
    QVERIFY2(!collectors.isError(), qPrintable(collectors.error().message()));
    QCOMPARE(collectors.value().value(0).name, u"alpha"_qs);

    // Anyone may read: methods, properties, introspection.
    const CtlResult status = runCtl({ u"--system-bus"_qs, u"status"_qs, u"--json"_qs }, env, asNobody());
    QVERIFY2(status.exitCode == 0 && status.out.contains("\"alpha\""), status.describe().constData());
    const CtlResult values = runCtl({ u"--system-bus"_qs, u"values"_qs }, env, asNobody());
    QVERIFY2(values.exitCode == 0, values.describe().constData());
    // Control passes the bus policy and is refused by the agent, with its message rather than the bus's.
    const CtlResult run = runCtl({ u"--system-bus"_qs, u"run"_qs, u"alpha"_qs }, env, asNobody());
    QVERIFY2(run.exitCode == 1 && run.err.contains("RunNow refused"), run.describe().constData());
    // Calls to other interfaces of the agent's connection stay closed: the bus rejects them (the default system
    // policy), they never reach the agent (which would answer UnknownInterface).
    QDBusMessage other = QDBusMessage::createMethodCall(
        ServiceName, u"/org/garnet/Agent"_qs, u"org.example.NotOurs"_qs, u"Anything"_qs);
    const QDBusMessage rejected = QDBusConnection::connectToBus(bus.address(), u"root-other"_qs).call(other);
    QCOMPARE(rejected.errorName(), u"org.freedesktop.DBus.Error.AccessDenied"_qs);
    QDBusConnection::disconnectFromBus(u"root-other"_qs);
    QCOMPARE(agent.terminate(), 0);
}

void tst_DBusAccess::policyKeepsOthersFromOwningTheName()
{
    REQUIRE_NOBODY();
    PrivateBus bus;
    const QString error = bus.start(PrivateBus::Kind::SystemLike);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    AgentConfig config;
    writeCollectors(config);
    config.openToEveryone();
    AgentProcess agent(bus.environment(u"DBUS_SYSTEM_BUS_ADDRESS"_qs));
    agent.start(config.mainFile(), { u"--system-bus"_qs }, asNobody());
    QVERIFY(agent.process().waitForFinished(Timeout));
    const QByteArray log = agent.log();
    QVERIFY2(agent.process().exitCode() != 0, log.constData());
    QVERIFY2(log.contains("cannot own org.garnet.Agent on the system bus") && log.contains("not allowed to own"),
        log.constData());
    QVERIFY(!serviceOnBus(bus.connection()));
}

QTEST_GUILESS_MAIN(tst_DBusAccess)
#include "tst_dbusaccess.moc"

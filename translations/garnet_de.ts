<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Garnet::AgentClient</name>
    <message>
        <source>No D-Bus connection: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>garnet-agent is not running (no %1 on the bus)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>garnet-agent went away</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>garnet-agent was replaced</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Garnet::CollectorModel</name>
    <message>
        <source>ok</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>timed out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 — last error output: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Killed by signal %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n timeout(s), %1 skipped tick(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Collector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failures</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next run</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Garnet::MainWindow</name>
    <message>
        <source>Garnet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the selected collector now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reload agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Make the agent reread its configuration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter metrics by name…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No error output</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select a collector to see its metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for the agent…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metrics of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume the selected collector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause the selected collector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> on %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected to garnet-agent %1%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agent not reachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Received %1 · Sent %2 · Dropped %3 · Rejected %4 · Queued %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause/resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Garnet::MetricModel</name>
    <message numerus="yes">
        <source>%n sample(s), min %1, max %2</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>Metric</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trend</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Garnet::TrayApp</name>
    <message>
        <source>Shows the state of garnet-agent&apos;s collectors and their latest values.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Talk to the agent on the D-Bus system bus instead of the session bus (also: GARNET_BUS=system).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the status window at start.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select this collector in the window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>collector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the window to FILE once data has arrived, then exit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>file</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Garnet::TrayIcon</name>
    <message>
        <source>Open Garnet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause / resume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reload agent configuration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Garnet: agent not reachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Garnet: %n collector(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
    <message>
        <source>%1 ok, %2 failing, %3 running, %4 paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failing: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 timed out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is failing.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Garnet collector failing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Garnet agent stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>garnet-agent is no longer reachable on D-Bus.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>

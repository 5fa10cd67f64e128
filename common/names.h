// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once

#include <string_view>

/** Names shared by the agent and its clients: part of the external contract. */
namespace Garnet {
inline constexpr std::string_view Version = GARNET_VERSION;
inline constexpr char DBusService[] = "org.garnet.Agent";
inline constexpr char DBusObjectPath[] = "/org/garnet/Agent";
inline constexpr char DBusInterface[] = "org.garnet.Agent1";
inline constexpr char DefaultConfigPath[] = "/etc/garnet/garnet.toml";
inline constexpr char EnvSocket[] = "GARNET_SOCKET";
inline constexpr char EnvCollector[] = "GARNET_COLLECTOR";
inline constexpr char EnvInterval[] = "GARNET_INTERVAL";
inline constexpr std::string_view UnattributedCollector = "unattributed";
/** Collector name and path node of the agent's own metrics ({prefix}.garnet.*): reserved for collectors. */
inline constexpr std::string_view SelfMetricsName = "garnet";
} // namespace Garnet

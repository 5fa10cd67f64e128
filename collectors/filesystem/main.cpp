// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// filesystem: space and inodes of every real mounted filesystem (from /proc/self/mountinfo and statvfs),
// with Diamond's diskspace names. Mount point → path node: "/" → root, "/var/lib" → var_lib.
#include "collectorkit.h"

#include <algorithm>
#include <set>
#include <sys/stat.h>
#include <sys/statvfs.h>

using namespace GarnetCollector;

namespace {

/** Kernel and virtual filesystems: no disk space behind them (tmpfs only with --tmpfs). */
constexpr std::string_view PseudoTypes[] = { "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs",
    "devpts", "devtmpfs", "efivarfs", "fusectl", "fuse.gvfsd-fuse", "fuse.lxcfs", "fuse.portal", "hugetlbfs", "mqueue",
    "nfsd", "nsfs", "proc", "pstore", "ramfs", "rpc_pipefs", "securityfs", "selinuxfs", "squashfs", "sysfs", "tracefs",
    "tmpfs", "overlay", "aufs" };
/** Union filesystems are container layers: only counted when they are the root filesystem. */
constexpr std::string_view LayerTypes[] = { "overlay", "aufs" };

template<std::size_t N> bool contains(const std::string_view (&list)[N], std::string_view value)
{
    return std::find(std::begin(list), std::end(list), value) != std::end(list);
}

/** mountinfo escapes blanks, newlines and backslashes in paths as \ooo (octal). */
std::string unescape(std::string_view text)
{
    const auto octal = [&](std::size_t at) { return at < text.size() && text[at] >= '0' && text[at] <= '7'; };
    std::string result;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
            result.push_back(char((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0')));
            i += 3;
        } else {
            result.push_back(text[i]);
        }
    }
    return result;
}

std::string nodeForMountPoint(const std::string &mountPoint)
{
    if (mountPoint == "/")
        return "root";
    std::string_view path = mountPoint;
    while (!path.empty() && path.front() == '/')
        path.remove_prefix(1);
    return pathNode(path);
}

} // namespace

int main(int argc, char **argv)
{
    const Options options
        = parseOptions(argc, argv, { "--tmpfs" }, "  --tmpfs  also tmpfs mounts (/run, /dev/shm, ...)\n");
    std::string content;
    if (!readFile("/proc/self/mountinfo", content))
        return 1;
    const bool withTmpfs = options.has("--tmpfs");
    std::set<std::string_view> devices; // bind mounts and subtrees show the same device again
    std::set<std::string> nodes;
    MetricWriter out;
    std::string_view text = content;
    std::string_view line;
    while (nextLine(text, line)) {
        // "27 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw": id parent dev root mountpoint options
        // [optional fields...] - type source super-options
        nextField(line);
        nextField(line);
        const std::string_view device = nextField(line);
        nextField(line);
        const std::string mountPoint = unescape(nextField(line));
        const auto separator = line.find(" - ");
        if (separator == std::string_view::npos || mountPoint.empty())
            continue;
        std::string_view tail = line.substr(separator + 3);
        const std::string_view type = nextField(tail);
        const bool isRoot = mountPoint == "/";
        const bool pseudo
            = contains(PseudoTypes, type) && !(type == "tmpfs" && withTmpfs) && !(isRoot && contains(LayerTypes, type));
        if (pseudo || devices.contains(device))
            continue;
        struct stat info = {};
        if (::stat(mountPoint.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
            continue; // a file bind-mounted over another (containers' /etc/hosts), or gone meanwhile
        struct statvfs space = {};
        if (::statvfs(mountPoint.c_str(), &space) != 0 || space.f_blocks == 0)
            continue; // no size: nothing to report
        devices.insert(device);
        std::string node = nodeForMountPoint(mountPoint);
        if (!nodes.insert(node).second)
            continue; // "/a/b" and "/a_b" would share a node: the first one wins
        const std::uint64_t unit = space.f_frsize ? space.f_frsize : space.f_bsize;
        out.add(node, "byte_total", std::uint64_t(space.f_blocks) * unit);
        out.add(node, "byte_used", std::uint64_t(space.f_blocks - space.f_bfree) * unit);
        out.add(node, "byte_free", std::uint64_t(space.f_bfree) * unit);
        out.add(node, "byte_avail", std::uint64_t(space.f_bavail) * unit);
        out.add(node, "byte_percentfree", 100.0 * double(space.f_bfree) / double(space.f_blocks));
        if (space.f_files > 0) { // some filesystems (btrfs, vfat) have no fixed inode table
            out.add(node, "inodes_total", std::uint64_t(space.f_files));
            out.add(node, "inodes_used", std::uint64_t(space.f_files - space.f_ffree));
            out.add(node, "inodes_free", std::uint64_t(space.f_ffree));
            out.add(node, "inodes_avail", std::uint64_t(space.f_favail));
            out.add(node, "inodes_percentfree", 100.0 * double(space.f_ffree) / double(space.f_files));
        }
    }
    return out.send(options);
}

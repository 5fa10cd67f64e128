// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#include "collectorkit.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace GarnetCollector {

namespace {

void printError(std::string_view a, std::string_view b = {}, std::string_view c = {})
{
    std::string message = "garnet collector: ";
    message.append(a).append(b).append(c).push_back('\n');
    [[maybe_unused]] const auto ignored = ::write(STDERR_FILENO, message.data(), message.size());
}

std::string_view errorText()
{
    return std::strerror(errno);
}

bool writeAll(int fd, std::string_view data, bool isSocket)
{
    while (!data.empty()) {
        const ssize_t written
            = isSocket ? ::send(fd, data.data(), data.size(), MSG_NOSIGNAL) : ::write(fd, data.data(), data.size());
        if (written < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data.remove_prefix(std::size_t(written));
    }
    return true;
}

std::uint64_t bootTimeNs()
{
    timespec now = {};
    ::clock_gettime(CLOCK_BOOTTIME, &now);
    return std::uint64_t(now.tv_sec) * 1000000000u + std::uint64_t(now.tv_nsec);
}

/** mkdir -p with mode 0700 for every directory it creates. */
bool makeDirectories(const std::string &path)
{
    for (std::size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
        const std::string part = path.substr(0, slash);
        if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
            return false;
        if (slash == std::string::npos)
            return true;
    }
}

/** A file name from a collector name: [A-Za-z0-9._-], others '_', never hidden or "..". */
std::string fileStem(std::string_view name)
{
    std::string stem = name.empty() || name.front() == '.' ? "_" : "";
    for (const char c : name) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
            || c == '_' || c == '-';
        stem.push_back(plain ? c : '_');
    }
    return stem;
}

} // namespace

bool Options::has(std::string_view flag) const
{
    const auto it = flags.find(flag);
    return it != flags.end() && it->second;
}

Options parseOptions(int argc, char **argv, std::initializer_list<std::string_view> flags, std::string_view usage)
{
    Options options;
    std::string_view program = argc > 0 ? argv[0] : "collector";
    if (const auto slash = program.rfind('/'); slash != std::string_view::npos)
        program.remove_prefix(slash + 1);
    options.program = program;
    for (const std::string_view flag : flags)
        options.flags.emplace(flag, false);
    bool toStdout = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::string text = "usage: ";
            text.append(program).append(" [--stdout] [OPTIONS] [SOCKET]\n").append(usage);
            text.append("  --stdout  print the metric lines instead of sending them to SOCKET\n"
                        "SOCKET: the agent's socket (appended by the agent); without it, lines go to stdout.\n");
            writeAll(STDOUT_FILENO, text, false);
            std::exit(0);
        }
        if (arg == "--stdout") {
            toStdout = true;
        } else if (auto it = options.flags.find(arg); it != options.flags.end()) {
            it->second = true;
        } else if (i == argc - 1 && !arg.empty() && arg.front() != '-') {
            options.socketPath = arg;
        } else {
            printError(program, ": unknown argument ", arg);
            std::exit(2);
        }
    }
    if (toStdout)
        options.socketPath = {};
    return options;
}

void MetricWriter::appendName(std::string_view node, std::string_view leaf)
{
    if (!node.empty()) {
        m_text.append(node);
        m_text.push_back('.');
    }
    m_text.append(leaf);
    m_text.push_back(' ');
}

void MetricWriter::add(std::string_view node, std::string_view leaf, double value, int decimals)
{
    if (!std::isfinite(value))
        return;
    char digits[64];
    auto [end, error] = std::to_chars(digits, digits + sizeof digits, value, std::chars_format::fixed, decimals);
    if (error != std::errc())
        return;
    std::string_view text(digits, std::size_t(end - digits));
    if (text.find('.') != std::string_view::npos) {
        while (text.back() == '0')
            text.remove_suffix(1);
        if (text.back() == '.')
            text.remove_suffix(1);
    }
    if (text == "-0")
        text = "0";
    appendName(node, leaf);
    m_text.append(text);
    m_text.push_back('\n');
    ++m_lines;
}

void MetricWriter::add(std::string_view node, std::string_view leaf, std::uint64_t value)
{
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    appendName(node, leaf);
    m_text.append(digits, std::size_t(end - digits));
    m_text.push_back('\n');
    ++m_lines;
}

int MetricWriter::send(const Options &options) const
{
    if (options.socketPath.empty()) {
        if (writeAll(STDOUT_FILENO, m_text, false))
            return 0;
        printError(options.program, ": cannot write to stdout: ", errorText());
        return 1;
    }
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    if (options.socketPath.size() >= sizeof address.sun_path) {
        printError(options.program, ": socket path too long: ", options.socketPath);
        return 1;
    }
    std::memcpy(address.sun_path, options.socketPath.data(), options.socketPath.size());
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        printError(options.program, ": socket: ", errorText());
        return 1;
    }
    int status = 0;
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0) {
        printError(options.program, ": cannot connect to the agent socket ", options.socketPath);
        status = 1;
    } else if (!writeAll(fd, m_text, true)) {
        printError(options.program, ": cannot write to the agent socket: ", errorText());
        status = 1;
    }
    ::close(fd);
    return status;
}

bool readFile(const char *path, std::string &out, bool quiet)
{
    out.clear();
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (!quiet)
            printError("cannot open ", path, std::string(": ").append(errorText()));
        return false;
    }
    std::size_t size = 0;
    out.resize(8192);
    for (;;) {
        if (out.size() - size < 4096)
            out.resize(out.size() * 2);
        const ssize_t got = ::read(fd, out.data() + size, out.size() - size);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            if (!quiet)
                printError("cannot read ", path, std::string(": ").append(errorText()));
            ::close(fd);
            return false;
        }
        if (got == 0)
            break;
        size += std::size_t(got);
    }
    ::close(fd);
    out.resize(size);
    return true;
}

bool nextLine(std::string_view &text, std::string_view &line)
{
    if (text.empty()) {
        line = {};
        return false;
    }
    const auto newline = text.find('\n');
    line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    return true;
}

std::string_view nextField(std::string_view &text)
{
    const auto start = text.find_first_not_of(" \t");
    if (start == std::string_view::npos) {
        text = {};
        return {};
    }
    text.remove_prefix(start);
    const auto end = std::min(text.find_first_of(" \t"), text.size());
    const std::string_view field = text.substr(0, end);
    text.remove_prefix(end);
    return field;
}

std::optional<std::uint64_t> parseUnsigned(std::string_view text)
{
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

std::string pathNode(std::string_view text)
{
    std::string node;
    node.reserve(text.size());
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        const bool illegal = byte <= 0x20 || byte == 0x7f || std::strchr(".;(){}[],='\"\\/*?", c) != nullptr;
        node.push_back(illegal ? '_' : c);
    }
    return node.empty() ? std::string("_") : node;
}

std::string State::directory()
{
    std::string dir;
    bool isTmp = false;
    if (const char *explicitDir = std::getenv("GARNET_STATE_DIR"); explicitDir && *explicitDir) {
        dir = explicitDir;
    } else if (const char *runtime = std::getenv("XDG_RUNTIME_DIR"); runtime && *runtime == '/') {
        dir = std::string(runtime) + "/garnet/state";
    } else {
        dir = "/tmp/garnet-state-" + std::to_string(::geteuid());
        isTmp = true;
    }
    if (isTmp ? (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) : !makeDirectories(dir)) {
        printError("cannot create the state directory ", dir, std::string(": ").append(errorText()));
        return {};
    }
    struct stat info = {};
    // Someone else's directory (a squatter in /tmp) or a shared one would let others forge our rates.
    if (::lstat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode) || info.st_uid != ::geteuid()
        || (info.st_mode & 022) != 0) {
        printError("not using the state directory ", dir, ": not a private directory of this user");
        return {};
    }
    return dir;
}

State::State(std::string_view fallbackName)
{
    m_nowNs = bootTimeNs();
    std::string bootId;
    if (readFile("/proc/sys/kernel/random/boot_id", bootId, true)) {
        while (!bootId.empty() && (bootId.back() == '\n' || bootId.back() == ' '))
            bootId.pop_back();
        m_bootId = bootId;
    }
    const std::string dir = directory();
    if (dir.empty())
        return;
    const char *collector = std::getenv("GARNET_COLLECTOR");
    m_path = dir + "/" + fileStem(collector && *collector ? std::string_view(collector) : fallbackName) + ".state";

    std::string content;
    if (!readFile(m_path.c_str(), content, true))
        return; // first run
    std::string_view text = content;
    std::string_view line;
    std::uint64_t previousNs = 0;
    bool valid = nextLine(text, line) && line == "garnet-state 1";
    bool complete = false;
    while (valid && !complete && nextLine(text, line)) {
        const std::string_view key = nextField(line);
        const std::string_view value = nextField(line);
        if (key == "end") {
            complete = true;
        } else if (key == "boot") {
            valid = value == m_bootId && !m_bootId.empty();
        } else if (key == "time") {
            const auto ns = parseUnsigned(value);
            valid = ns && *ns < m_nowNs;
            previousNs = ns.value_or(0);
        } else if (const auto number = parseUnsigned(value); number && !key.empty()) {
            m_previous.insert_or_assign(std::string(key), *number);
        }
    }
    if (!valid || !complete || previousNs == 0) {
        m_previous.clear();
        return;
    }
    m_hasPrevious = true;
    m_elapsed = double(m_nowNs - previousNs) / 1e9;
}

std::optional<std::uint64_t> State::previous(std::string_view key) const
{
    const auto it = m_previous.find(key);
    if (it == m_previous.end())
        return std::nullopt;
    return it->second;
}

std::optional<std::uint64_t> State::delta(std::string_view key, std::uint64_t now)
{
    record(key, now);
    const auto before = previous(key);
    if (!before || *before > now)
        return std::nullopt;
    return now - *before;
}

void State::save() const
{
    if (m_path.empty())
        return;
    std::string text = "garnet-state 1\nboot " + m_bootId + "\ntime " + std::to_string(m_nowNs) + "\n";
    for (const auto &[key, value] : m_next)
        text.append(key).append(" ").append(std::to_string(value)).append("\n");
    text.append("end\n");
    // Rewritten in place, not replaced by rename(): on ext4 a rename over a file waits for the journal now
    // and then (tens of ms). A run killed half-way leaves a file without "end", which the next run ignores.
    const int fd = ::open(m_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    bool saved = fd >= 0;
    for (std::size_t done = 0; saved && done < text.size();) {
        const ssize_t written = ::pwrite(fd, text.data() + done, text.size() - done, off_t(done));
        if (written < 0 && errno == EINTR)
            continue;
        saved = written > 0;
        done += saved ? std::size_t(written) : 0;
    }
    saved = saved && ::ftruncate(fd, off_t(text.size())) == 0;
    if (!saved)
        printError("cannot save ", m_path, std::string(": ").append(errorText()));
    if (fd >= 0)
        ::close(fd);
}

} // namespace GarnetCollector

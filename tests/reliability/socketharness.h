// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
#pragma once
// Helpers for the socket tests: watching a directory for entries with loose modes, raw client connections.

#include <QFile>

#include <atomic>
#include <cstring>
#include <mutex>
#include <poll.h>
#include <string>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace GarnetTest {

/**
 * Watches a directory with inotify from another thread and records the mode of every entry the moment it
 * appears (created or moved in), to catch a socket that is reachable before it has its final mode.
 */
class ModeWatcher
{
public:
    explicit ModeWatcher(const QString &directory)
        : m_directory(QFile::encodeName(directory).toStdString())
    {
        m_fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        ::inotify_add_watch(m_fd, m_directory.c_str(), IN_CREATE | IN_MOVED_TO | IN_ATTRIB);
        m_thread = std::thread([this] { run(); });
    }
    ~ModeWatcher()
    {
        m_stop = true;
        m_thread.join();
        ::close(m_fd);
    }
    /** (name, mode) as seen, in order. */
    std::vector<std::pair<std::string, mode_t>> seen()
    {
        std::lock_guard lock(m_mutex);
        return m_seen;
    }

private:
    void run()
    {
        alignas(inotify_event) char buffer[64 * 1024];
        while (!m_stop) {
            pollfd p { m_fd, POLLIN, 0 };
            if (::poll(&p, 1, 20) <= 0)
                continue;
            const ssize_t n = ::read(m_fd, buffer, sizeof buffer);
            for (ssize_t offset = 0; offset < n;) {
                const auto *event = reinterpret_cast<const inotify_event *>(buffer + offset);
                offset += ssize_t(sizeof(inotify_event) + event->len);
                if (event->len == 0)
                    continue;
                const std::string name = event->name;
                struct stat st;
                if (::lstat((m_directory + '/' + name).c_str(), &st) != 0)
                    continue;
                std::lock_guard lock(m_mutex);
                m_seen.emplace_back(name, st.st_mode);
            }
        }
    }
    std::string m_directory;
    int m_fd = -1;
    std::atomic<bool> m_stop { false };
    std::thread m_thread;
    std::mutex m_mutex;
    std::vector<std::pair<std::string, mode_t>> m_seen;
};

/** A raw, non-blocking client connection to a Unix socket; -1 on failure. */
inline int rawConnect(const QString &path)
{
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    const QByteArray encoded = QFile::encodeName(path);
    std::memcpy(
        address.sun_path, encoded.constData(), std::min<std::size_t>(encoded.size(), sizeof(address.sun_path) - 1));
    if (fd >= 0 && ::connect(fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0)
        return fd;
    if (fd >= 0)
        ::close(fd);
    return -1;
}

/** The other end closed this connection (end of file or reset). */
inline bool closedByPeer(int fd)
{
    char byte;
    const ssize_t n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

} // namespace GarnetTest

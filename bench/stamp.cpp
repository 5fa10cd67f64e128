// SPDX-FileCopyrightText: 2026 The Garnet authors
// SPDX-License-Identifier: MIT
// bench_stamp FILE: B5's stamping collector without a C library (x86-64 Linux only).
//
// Appends "COLLECTOR LATENESS_US TICK_US\n" to FILE, like `bench_collector stamp`, but reads the wall clock
// at its real first instruction. A static glibc program runs its start-up code first (on this VM ≈ 0.3 ms of
// CPU, most of it CPU feature probing that traps to the hypervisor), which is the collector's cost, not the
// scheduler's; bench_jitter reports both programs. No libc: raw system calls, the environment read from the
// initial stack, built -nostdlib -static -ffreestanding.
#include <asm/unistd.h>
#include <fcntl.h>
#include <time.h>

namespace {

long systemCall(long number, long a = 0, long b = 0, long c = 0)
{
    long result;
    asm volatile("syscall" : "=a"(result) : "a"(number), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return result;
}

bool startsWith(const char *text, const char *prefix)
{
    while (*prefix)
        if (*text++ != *prefix++)
            return false;
    return true;
}

/** "1", "0.5", "10" (seconds, as the agent sets GARNET_INTERVAL) → microseconds; 0 if absent or bad. */
long long intervalMicros(const char *text)
{
    long long micros = 0;
    while (*text >= '0' && *text <= '9')
        micros = micros * 10 + (*text++ - '0');
    micros *= 1000000;
    if (*text == '.') {
        ++text;
        for (long long scale = 100000; scale > 0 && *text >= '0' && *text <= '9'; scale /= 10)
            micros += (*text++ - '0') * scale;
    }
    return micros;
}

char *appendText(char *out, const char *text)
{
    while (*text)
        *out++ = *text++;
    return out;
}

char *appendNumber(char *out, long long value)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = char('0' + value % 10);
        value /= 10;
    } while (value > 0);
    while (n > 0)
        *out++ = digits[--n];
    return out;
}

[[noreturn]] void exitWith(int status)
{
    systemCall(__NR_exit_group, status);
    __builtin_unreachable();
}

} // namespace

/** Entered from _start with the initial stack: argc, argv[], nullptr, envp[], nullptr. */
extern "C" [[noreturn, gnu::used]] void stampMain(long *stack)
{
    timespec now;
    systemCall(__NR_clock_gettime, CLOCK_REALTIME, long(&now)); // first: as early as a program can look
    const long long startMicros = (long long)now.tv_sec * 1000000 + now.tv_nsec / 1000;

    const long argc = stack[0];
    char **argv = reinterpret_cast<char **>(stack + 1);
    if (argc < 2)
        exitWith(2);
    const char *interval = nullptr;
    const char *name = "?";
    for (char **env = argv + argc + 1; *env; ++env) {
        if (startsWith(*env, "GARNET_INTERVAL="))
            interval = *env + 16;
        else if (startsWith(*env, "GARNET_COLLECTOR="))
            name = *env + 17;
    }
    const long long intervalUs = interval ? intervalMicros(interval) : 0;
    if (intervalUs <= 0)
        exitWith(2);
    const long long lateness = startMicros % intervalUs; // the agent starts a run at or after its tick
    char line[256];
    char *end = line;
    for (int i = 0; name[i] && i < 200; ++i)
        *end++ = name[i];
    *end++ = ' ';
    end = appendNumber(end, lateness);
    *end++ = ' ';
    end = appendNumber(end, startMicros - lateness);
    end = appendText(end, "\n");
    const long fd = systemCall(__NR_open, long(argv[1]), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || systemCall(__NR_write, fd, long(line), end - line) != end - line)
        exitWith(1);
    exitWith(0);
}

// The ELF entry point: hand the initial stack pointer to stampMain with the stack aligned as the ABI wants.
asm(".globl _start\n"
    "_start:\n"
    "    mov %rsp, %rdi\n"
    "    and $-16, %rsp\n"
    "    call stampMain\n");

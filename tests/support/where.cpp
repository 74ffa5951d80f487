// tests/support/where.cpp: see where.h.
#include "tests/support/where.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <execinfo.h>
#include <link.h>
#include <signal.h>
#include <ucontext.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <typeinfo>

namespace {

// ---- the last throw -----------------------------------------------------------------

constexpr int kMaxFrames = 64;
std::atomic<bool> g_recording{false};
std::mutex g_throw_mutex;
const std::type_info* g_throw_type = nullptr;
void* g_throw_frames[kMaxFrames];
int g_throw_count = 0;

void remember_throw(const std::type_info* type) {
  void* frames[kMaxFrames];
  const int n = backtrace(frames, kMaxFrames);
  const std::lock_guard<std::mutex> lock(g_throw_mutex);
  g_throw_type = type;
  std::memcpy(g_throw_frames, frames, sizeof(void*) * static_cast<std::size_t>(n));
  g_throw_count = n;
}

std::string demangle(const char* name) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> out(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                             std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(name);
}

// ---- crashes ----------------------------------------------------------------------

int g_crash_fd = -1;
pid_t g_crash_pid = 0;
const char* g_crash_mark = "";

// Appends text to buf at *len, async-signal-safely (no allocation, no stdio).
void put(char* buf, std::size_t size, std::size_t* len, const char* text) {
  while (*text != '\0' && *len + 1 < size) buf[(*len)++] = *text++;
}
void put_hex(char* buf, std::size_t size, std::size_t* len, std::uintptr_t value) {
  char digits[2 + 2 * sizeof(value) + 1];
  int i = static_cast<int>(sizeof(digits)) - 1;
  digits[i] = '\0';
  do {
    digits[--i] = "0123456789abcdef"[value % 16];
    value /= 16;
  } while (value != 0);
  digits[--i] = 'x';
  digits[--i] = '0';
  put(buf, size, len, digits + i);
}

// The address of the instruction the signal interrupted, plus one: the stack's other
// addresses are return addresses, which symbolize() moves back by one; 0 if unknown.
std::uintptr_t interrupted_at(void* context) {
  const auto* uc = static_cast<const ucontext_t*>(context);
#if defined(__x86_64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]) + 1;
#elif defined(__aarch64__)
  return static_cast<std::uintptr_t>(uc->uc_mcontext.pc) + 1;
#else
  (void)uc;
  return 0;
#endif
}

void on_crash(int signal, siginfo_t*, void* context) {
  if (signal == SIGPROF) {
    // The test's CPU timer: a time limit, as if RLIMIT_CPU had sent SIGXCPU.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigaction(SIGXCPU, &dfl, nullptr);
    signal = SIGXCPU;
  }
  if (g_crash_fd >= 0 && getpid() == g_crash_pid) {
    void* frames[kMaxFrames];
    int n = backtrace(frames, kMaxFrames);
    // From the interrupted instruction on: this handler's own frames are not of interest.
    const std::uintptr_t pc = interrupted_at(context);
    for (int i = 0; pc != 0 && i < n; ++i) {
      if (reinterpret_cast<std::uintptr_t>(frames[i]) == pc - 1) {
        std::memmove(frames, frames + i, sizeof(void*) * static_cast<std::size_t>(n - i));
        n -= i;
        frames[0] = reinterpret_cast<void*>(pc);
        break;
      }
    }
    char buf[64 + kMaxFrames * 20];
    std::size_t len = 0;
    put(buf, sizeof(buf), &len, g_crash_mark);
    put(buf, sizeof(buf), &len, "T\t");
    char number[4] = {static_cast<char>('0' + signal / 10 % 10),
                      static_cast<char>('0' + signal % 10), '\t', '\0'};
    put(buf, sizeof(buf), &len, signal >= 10 ? number : number + 1);
    for (int i = 0; i < n; ++i) {
      if (i > 0) put(buf, sizeof(buf), &len, " ");
      put_hex(buf, sizeof(buf), &len, reinterpret_cast<std::uintptr_t>(frames[i]));
    }
    buf[len++] = '\n';
    ssize_t ignored = write(g_crash_fd, buf, len);
    (void)ignored;
  }
  // SA_RESETHAND put the default action back: die by this signal, as without us.
  raise(signal);
}

// ---- the test binary's place in memory --------------------------------------------

struct Image {
  std::uintptr_t bias = 0, begin = UINTPTR_MAX, end = 0;
};

// The main program's load bias and address range (dl_iterate_phdr lists it first).
Image main_image() {
  Image image;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) -> int {
        auto* out = static_cast<Image*>(data);
        out->bias = info->dlpi_addr;
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const auto& ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_LOAD) continue;
          const std::uintptr_t a = info->dlpi_addr + ph.p_vaddr;
          out->begin = std::min(out->begin, a);
          out->end = std::max(out->end, a + ph.p_memsz);
        }
        return 1;  // the first entry only
      },
      &image);
  return image;
}

std::string relative(const std::string& file) {
  static const std::string cwd = std::filesystem::current_path().string() + "/";
  std::string f = file;
  if (f.rfind(cwd, 0) == 0) f = f.substr(cwd.size());
  if (f.rfind("./", 0) == 0) f = f.substr(2);
  return f;
}

}  // namespace

#if !defined(__SANITIZE_ADDRESS__)
// Every C++ throw goes through __cxa_throw; this one notes the stack, then hands over to
// the C++ runtime's own (the next definition in the link order).
// (Declared as libstdc++'s own headers declare it, with the type as void*.)
extern "C" void __cxa_throw(void* object, void* type, void (*destroy)(void*)) {
  if (g_recording.load(std::memory_order_relaxed)) {
    remember_throw(static_cast<const std::type_info*>(type));
  }
  using Real = void (*)(void*, void*, void (*)(void*));
  static const Real real = reinterpret_cast<Real>(dlsym(RTLD_NEXT, "__cxa_throw"));
  real(object, type, destroy);
  std::abort();  // not reached: the real __cxa_throw does not return
}
#endif

namespace where {

void record_throws() {
  void* warm_up[2];
  backtrace(warm_up, 2);  // loads the unwinder now rather than at the first throw
  g_recording = true;
}

Throw last_throw() {
  const std::lock_guard<std::mutex> lock(g_throw_mutex);
  Throw t;
  if (g_throw_type == nullptr) return t;
  t.type = demangle(g_throw_type->name());
  t.stack.assign(g_throw_frames, g_throw_frames + g_throw_count);
  return t;
}

void report_crashes_to(int fd, const char* mark) {
  g_crash_fd = fd;
  g_crash_mark = mark;
  g_crash_pid = getpid();
  void* warm_up[2];
  backtrace(warm_up, 2);  // loads the unwinder before any crash: it allocates
  // Its own stack, so that a stack overflow (endless recursion) can still be reported.
  static char alt_stack[1 << 16];
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof(alt_stack);
  sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_sigaction = on_crash;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&sa.sa_mask);
#if defined(__SANITIZE_ADDRESS__)
  const int signals[] = {SIGABRT, SIGXCPU, SIGPROF};
#else
  const int signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGXCPU, SIGPROF};
#endif
  for (int s : signals) sigaction(s, &sa, nullptr);
}

std::string describe_signal(int signal) {
  switch (signal) {
    case SIGSEGV:
      return "segmentation fault (signal 11): a bad pointer (null?) or an index far outside a "
             "vector";
    case SIGBUS:
      return "bus error (signal 7): a read or write of memory that is not there";
    case SIGFPE:
      return "arithmetic error (signal 8), such as a division of whole numbers by zero";
    case SIGILL:
      return "illegal instruction (signal 4): a function that ends without returning its value?";
    case SIGABRT:
      return "abort (signal 6): a check failed, such as an index outside a vector";
    case SIGKILL:
      return "killed (signal 9), perhaps for using too much memory";
    default:
      return std::string(strsignal(signal)) + " (signal " + std::to_string(signal) + ")";
  }
}

std::string to_text(const Stack& stack) {
  std::string out;
  char hex[32];
  for (void* p : stack) {
    std::snprintf(hex, sizeof(hex), "%s%p", out.empty() ? "" : " ", p);
    out += hex;
  }
  return out;
}

Stack from_text(const std::string& text) {
  Stack stack;
  const char* p = text.c_str();
  while (*p != '\0') {
    char* end = nullptr;
    const unsigned long long v = std::strtoull(p, &end, 16);
    if (end == p) break;
    stack.push_back(reinterpret_cast<void*>(static_cast<std::uintptr_t>(v)));
    p = end;
    while (*p == ' ') ++p;
  }
  return stack;
}

std::vector<std::vector<Frame>> symbolize(const std::vector<Stack>& stacks) {
  std::vector<std::vector<Frame>> out(stacks.size());
  const Image image = main_image();
  char exe[4096];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0) return out;
  exe[n] = '\0';
  // One addr2line for every address of every stack; -a marks where each one's frames begin.
  std::string command = "addr2line -a -f -C -i -e '" + std::string(exe) + "'";
  std::vector<std::pair<std::size_t, std::size_t>> asked;  // (stack, position) per address
  char hex[32];
  for (std::size_t s = 0; s < stacks.size(); ++s) {
    for (std::size_t i = 0; i < stacks[s].size(); ++i) {
      const auto a = reinterpret_cast<std::uintptr_t>(stacks[s][i]);
      if (a <= image.begin || a >= image.end) continue;
      // A return address points after the call; one byte back is the call's own line.
      std::snprintf(hex, sizeof(hex), " 0x%lx", static_cast<unsigned long>(a - image.bias - 1));
      command += hex;
      asked.emplace_back(s, i);
    }
  }
  if (asked.empty()) return out;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return out;
  std::vector<std::vector<Frame>> per_address;
  std::string function;
  bool have_function = false;
  char line[8192];
  while (std::fgets(line, sizeof(line), pipe) != nullptr) {
    std::string l(line);
    while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.pop_back();
    if (l.rfind("0x", 0) == 0) {
      per_address.emplace_back();
      have_function = false;
    } else if (per_address.empty()) {
      continue;
    } else if (!have_function) {
      function = l == "??" ? "" : l.substr(0, l.find('('));
      have_function = true;
    } else {
      Frame f;
      f.function = function;
      std::string location = l.substr(0, l.find(" (discriminator"));
      const auto colon = location.rfind(':');
      if (colon != std::string::npos && location.compare(0, 2, "??") != 0) {
        f.file = relative(location.substr(0, colon));
        f.line = std::atoi(location.c_str() + colon + 1);
      }
      per_address.back().push_back(f);
      have_function = false;
    }
  }
  pclose(pipe);
  if (per_address.size() != asked.size()) return out;  // an unexpected format: know nothing
  // Back in stack order, each address's inlined frames innermost first.
  std::vector<std::map<std::size_t, std::vector<Frame>>> by_position(stacks.size());
  for (std::size_t k = 0; k < asked.size(); ++k) {
    by_position[asked[k].first][asked[k].second] = per_address[k];
  }
  for (std::size_t s = 0; s < stacks.size(); ++s) {
    for (auto& [position, frames] : by_position[s]) {
      for (auto& f : frames) out[s].push_back(std::move(f));
    }
  }
  return out;
}

const Frame* first_in(const std::vector<Frame>& frames, const std::vector<std::string>& prefixes) {
  for (const Frame& f : frames) {
    if (f.file.rfind("tests/support/", 0) == 0) continue;  // the runner's own frames
    for (const std::string& p : prefixes) {
      if (f.line > 0 && f.file.rfind(p, 0) == 0) return &f;
    }
  }
  return nullptr;
}

std::string to_string(const Frame& frame) {
  std::string s = frame.file + ":" + std::to_string(frame.line);
  if (!frame.function.empty()) s += " (" + frame.function + ")";
  return s;
}

}  // namespace where

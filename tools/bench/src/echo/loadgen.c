/*
 * The echo benchmark's native load generator: the same job and the same command line as
 * loadgen.ts, in C, so that at 1,000 connections the generator is never what limits
 * the rate (Node's costs about as much CPU per round trip as the servers it measures).
 *
 *   loadgen-c --port=P --connections=N [--size=1000] [--warmup=1000] [--duration=5000]
 *             [--server-pid=PID]
 *
 * One thread, one epoll set, nonblocking sockets with TCP_NODELAY. Each connection
 * ping-pongs one message: send `size` bytes, wait until `size` bytes came back, send
 * again. Connections are opened a few at a time, each proven accepted by one round trip
 * before the next is opened (the seed's server listens with a backlog of 5). After the
 * warm-up it counts the round trips completed in the measured window, its own CPU time,
 * the server's (from /proc/PID/stat) and the machine's (from /proc/stat), the server's
 * resident memory at the end of the window (/proc/PID/status), and prints one
 * line `ECHO-RESULT {json}` with the fields of load-result.ts. Built with the machine's
 * gcc by echo-bench.ts at bench time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* At most this many connects pending at once (the seed's server listens with backlog 5). */
#define CONNECTS_IN_FLIGHT 4
/* How long to wait for in-flight replies and the server's closes at the end. */
#define SETTLE_MS 10000

enum phase { CONNECTING, PINGING, READY, CLOSING, CLOSED };

struct conn {
  int fd;
  enum phase phase;
  long outstanding; /* bytes of the current reply still to come; 0: no message in flight */
  long unsent;      /* bytes of the current message not yet written */
  int failed;
};

static struct conn *conns;
static int nconns, size, epfd;
static char *message, readbuf[64 * 1024];
static long completed, inflight;
static int running;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double self_cpu_ms(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

/* User + system CPU of process `pid` in ms, or -1 when /proc cannot tell. */
static double process_cpu_ms(int pid) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (f == NULL) return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (p == NULL) return -1;
  /* After ") ": state is field 3; utime and stime are fields 14 and 15. */
  unsigned long utime = 0, stime = 0;
  if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) return -1;
  return (utime + stime) * 1e3 / sysconf(_SC_CLK_TCK);
}

/* Resident memory of process `pid` in KiB (VmRSS), or -1 when /proc cannot tell. */
static long process_rss_kb(int pid) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  FILE *f = fopen(path, "r");
  if (f == NULL) return -1;
  long kb = -1;
  while (fgets(line, sizeof line, f) != NULL) {
    if (sscanf(line, "VmRSS: %ld kB", &kb) == 1) break;
  }
  fclose(f);
  return kb;
}

/* The whole machine's busy and softirq CPU in ms (every core), from /proc/stat. */
static int machine_cpu_ms(double *busy, double *softirq) {
  FILE *f = fopen("/proc/stat", "r");
  if (f == NULL) return -1;
  unsigned long long user, nice, sys, idle, iowait, irq, sirq, steal = 0;
  int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &sys, &idle, &iowait, &irq, &sirq, &steal);
  fclose(f);
  if (n < 7) return -1;
  double tick = 1e3 / sysconf(_SC_CLK_TCK);
  *busy = (user + nice + sys + irq + sirq + steal) * tick;
  *softirq = sirq * tick;
  return 0;
}

static void die(const char *what) {
  fprintf(stderr, "loadgen-c: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void watch(struct conn *c, unsigned events, int op) {
  struct epoll_event ev = {.events = events, .data.ptr = c};
  if (epoll_ctl(epfd, op, c->fd, &ev) < 0) die("epoll_ctl");
}

static void open_conn(struct conn *c, struct sockaddr_in *addr) {
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  if (c->fd < 0) die("socket");
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(c->fd, (struct sockaddr *)addr, sizeof *addr) < 0 && errno != EINPROGRESS) die("connect");
  c->phase = CONNECTING;
  watch(c, EPOLLOUT, EPOLL_CTL_ADD);
}

/* Writes what is left of the current message; waits for EPOLLOUT if the socket is full. */
static void flush(struct conn *c) {
  while (c->unsent > 0) {
    ssize_t n = write(c->fd, message + (size - c->unsent), c->unsent);
    if (n < 0) {
      if (errno == EAGAIN) {
        watch(c, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
        return;
      }
      c->failed = 1;
      return;
    }
    c->unsent -= n;
  }
}

static void send_message(struct conn *c) {
  c->outstanding = size;
  c->unsent = size;
  inflight++;
  flush(c);
}

/* A reply came back whole: count it and send the next message (while running). */
static void pong(struct conn *c) {
  inflight--;
  if (c->phase == PINGING) {
    c->phase = READY;
    return;
  }
  completed++;
  if (running) send_message(c);
}

static void lost(struct conn *c) {
  if (c->outstanding > 0) inflight--;
  c->outstanding = 0;
  if (c->phase != CLOSING) c->failed = 1;
  c->phase = CLOSED;
  epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
  close(c->fd);
}

static void on_event(struct conn *c, unsigned events) {
  if (c->phase == CONNECTING) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      errno = err;
      die("connect");
    }
    c->phase = PINGING;
    watch(c, EPOLLIN, EPOLL_CTL_MOD);
    send_message(c);
    return;
  }
  if ((events & EPOLLOUT) && c->unsent > 0) {
    flush(c);
    if (c->unsent == 0) watch(c, EPOLLIN, EPOLL_CTL_MOD);
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    for (;;) {
      ssize_t n = read(c->fd, readbuf, sizeof readbuf);
      if (n > 0) {
        c->outstanding -= n;
        if (c->outstanding <= 0 && c->unsent == 0) {
          c->outstanding = 0;
          pong(c);
        }
        continue;
      }
      if (n < 0 && errno == EAGAIN) break;
      lost(c); /* end of stream or error */
      break;
    }
  }
}

/* Runs the event loop until `until` (absolute ms) or until `done()` says so. */
static void loop(double until, int (*done)(void)) {
  struct epoll_event events[256];
  while (done == NULL || !done()) {
    double left = until - now_ms();
    if (left <= 0) return;
    int n = epoll_wait(epfd, events, 256, left > 100 ? 100 : (int)left + 1);
    if (n < 0) {
      if (errno == EINTR) continue;
      die("epoll_wait");
    }
    for (int i = 0; i < n; i++) on_event(events[i].data.ptr, events[i].events);
  }
}

static int opened, ready_count;
static struct sockaddr_in server;

static int all_ready(void) {
  ready_count = 0;
  int connecting = 0;
  for (int i = 0; i < opened; i++) {
    if (conns[i].phase == READY) ready_count++;
    else if (conns[i].phase == CLOSED) {
      fprintf(stderr, "loadgen-c: the server closed a connection during set-up\n");
      exit(1);
    } else connecting++;
  }
  while (connecting < CONNECTS_IN_FLIGHT && opened < nconns) {
    open_conn(&conns[opened++], &server);
    connecting++;
  }
  return ready_count == nconns;
}

static int quiet(void) { return inflight <= 0; }
static int all_closed(void) {
  for (int i = 0; i < nconns; i++)
    if (conns[i].phase != CLOSED) return 0;
  return 1;
}

static long option(const char *arg, const char *name, long min) {
  size_t k = strlen(name);
  if (strncmp(arg, name, k) != 0 || arg[k] != '=') return -1;
  char *end;
  long v = strtol(arg + k + 1, &end, 10);
  if (*end != 0 || end == arg + k + 1 || v < min) {
    fprintf(stderr, "loadgen-c: %s needs a whole number >= %ld, got '%s'\n", name, min, arg + k + 1);
    exit(1);
  }
  return v;
}

int main(int argc, char **argv) {
  long port = 0, warmup = 1000, duration = 5000, server_pid = -1;
  nconns = 1;
  size = 1000;
  for (int i = 1; i < argc; i++) {
    long v;
    if ((v = option(argv[i], "--port", 1)) >= 0) port = v;
    else if ((v = option(argv[i], "--connections", 1)) >= 0) nconns = (int)v;
    else if ((v = option(argv[i], "--size", 1)) >= 0) size = (int)v;
    else if ((v = option(argv[i], "--warmup", 0)) >= 0) warmup = v;
    else if ((v = option(argv[i], "--duration", 1)) >= 0) duration = v;
    else if ((v = option(argv[i], "--server-pid", 1)) >= 0) server_pid = v;
    else {
      fprintf(stderr, "loadgen-c: unknown option '%s'\n", argv[i]);
      return 1;
    }
  }
  if (port == 0) {
    fprintf(stderr, "loadgen-c: --port is required\n");
    return 1;
  }
  /* 1,000 connections need more descriptors than some default soft limits. */
  struct rlimit lim;
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  message = malloc(size);
  memset(message, 'x', size);
  conns = calloc(nconns, sizeof *conns);
  epfd = epoll_create1(0);
  if (epfd < 0) die("epoll_create1");
  server.sin_family = AF_INET;
  server.sin_port = htons((unsigned short)port);
  inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);

  all_ready();
  loop(now_ms() + 600000, all_ready);

  running = 1;
  for (int i = 0; i < nconns; i++) send_message(&conns[i]);
  loop(now_ms() + warmup, NULL);

  long start_count = completed;
  double start_cpu = self_cpu_ms();
  double start_server = server_pid > 0 ? process_cpu_ms((int)server_pid) : -1;
  double start_busy = 0, start_sirq = 0;
  int machine_ok = machine_cpu_ms(&start_busy, &start_sirq) == 0;
  double start = now_ms();
  loop(start + duration, NULL);
  long requests = completed - start_count;
  double window = now_ms() - start;
  double cpu = self_cpu_ms() - start_cpu;
  double end_server = server_pid > 0 ? process_cpu_ms((int)server_pid) : -1;
  long server_rss = server_pid > 0 ? process_rss_kb((int)server_pid) : -1;
  double end_busy = 0, end_sirq = 0;
  machine_ok = machine_ok && machine_cpu_ms(&end_busy, &end_sirq) == 0;

  /* Stop sending, let in-flight replies land, then end every connection and wait for the server to close it. */
  running = 0;
  loop(now_ms() + SETTLE_MS, quiet);
  for (int i = 0; i < nconns; i++) {
    if (conns[i].phase == CLOSED) continue;
    conns[i].phase = CLOSING;
    shutdown(conns[i].fd, SHUT_WR);
  }
  loop(now_ms() + SETTLE_MS, all_closed);

  int failures = 0;
  for (int i = 0; i < nconns; i++) failures += conns[i].failed;
  double server_ms = start_server >= 0 && end_server >= 0 ? end_server - start_server : -1;
  char server_cpu[32] = "null", other_cpu[32] = "null", softirq_cpu[32] = "null", server_rss_kb[32] = "null";
  if (server_rss >= 0) snprintf(server_rss_kb, sizeof server_rss_kb, "%ld", server_rss);
  if (server_ms >= 0) snprintf(server_cpu, sizeof server_cpu, "%.4f", server_ms / window);
  if (machine_ok) {
    snprintf(softirq_cpu, sizeof softirq_cpu, "%.4f", (end_sirq - start_sirq) / window);
    if (server_ms >= 0) {
      double other = (end_busy - start_busy) - (end_sirq - start_sirq) - server_ms - cpu;
      snprintf(other_cpu, sizeof other_cpu, "%.4f", (other > 0 ? other : 0) / window);
    }
  }
  printf("ECHO-RESULT {\"connections\":%d,\"size\":%d,\"requests\":%ld,\"windowMs\":%.3f,\"rate\":%.3f,"
         "\"loadgenCpu\":%.4f,\"serverCpu\":%s,\"otherCpu\":%s,\"softirqCpu\":%s,\"failures\":%d,\"serverRssKb\":%s}\n",
         nconns, size, requests, window, requests * 1000.0 / window, cpu / window, server_cpu, other_cpu, softirq_cpu, failures, server_rss_kb);
  return 0;
}

// Load client for the daemon's Unix socket: N keep-alive connections, one thread each, each
// sending a request and reading the full response before the next (no pipelining).
// Prints round-trip p50/p99 (µs), requests per second and the responses by kind: 2xx, 503
// (the bounded queue's "busy"), other statuses, and transport errors (a connection that broke).
//   cc -O2 -pthread -o loadgen loadgen.c
//   ./loadgen SOCKET [connections=1] [seconds=5] [path=/v1/health] [body_file [content_type [rate]]]
// With body_file the request is a POST of that file. With rate (requests/s in total, > 0) each
// connection sends on a fixed schedule (open loop: rate / connections per connection; a late
// response delays only that connection's next send), so the offered load does not fall when the
// daemon slows down; without it every connection sends as soon as its previous answer arrived.
#define _GNU_SOURCE  // strcasestr
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES 4000000

static const char *sock_path;
static char *request;
static size_t request_len;
static double duration_s;
static double interval_us;  // per connection; 0 = closed loop
static volatile sig_atomic_t stopping;  // SIGINT/SIGTERM: finish the current request, then report

static void on_signal(int sig) { (void)sig; stopping = 1; }

struct worker {
    pthread_t thread;
    double *samples;  // microseconds
    long count;
    long errors;      // transport errors
    long busy;        // 503
    long other;       // non-2xx other than 503
};

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int connect_socket(void) {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, sock_path, sizeof addr.sun_path - 1);
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { perror("connect"); exit(2); }
    return fd;
}

// Reads one response; returns its status code, or -1 when the connection broke. Parses
// Content-Length from the head.
static int read_response(int fd, char *buf, size_t cap) {
    size_t have = 0;
    for (;;) {
        ssize_t n = read(fd, buf + have, cap - have - 1);
        if (n <= 0) return -1;
        have += n;
        buf[have] = 0;
        char *end = strstr(buf, "\r\n\r\n");
        if (!end) continue;
        char *cl = strcasestr(buf, "content-length:");
        long body = cl ? strtol(cl + 15, NULL, 10) : 0;
        size_t total = (end - buf) + 4 + body;
        if (total >= cap) return -1;
        if (have >= total) return strncmp(buf, "HTTP/1.1 ", 9) == 0 ? atoi(buf + 9) : -1;
    }
}

static void *run(void *arg) {
    struct worker *w = arg;
    int fd = connect_socket();
    char buf[65536];
    double start = now_us(), stop = start + duration_s * 1e6, next = start;
    while (!stopping && now_us() < stop && w->count < MAX_SAMPLES) {
        if (interval_us > 0) {
            double wait = next - now_us();
            if (wait > 0) usleep((useconds_t)wait);
            next += interval_us;
        }
        double t0 = now_us();
        if (write(fd, request, request_len) != (ssize_t)request_len) { w->errors++; break; }
        int status = read_response(fd, buf, sizeof buf);
        if (status < 0) { w->errors++; break; }
        if (status == 503) w->busy++;
        else if (status < 200 || status > 299) w->other++;
        w->samples[w->count++] = now_us() - t0;
    }
    close(fd);
    return NULL;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s SOCKET [connections] [seconds] [path] [body_file [content_type [rate]]]\n", argv[0]);
        return 2;
    }
    sock_path = argv[1];
    int conns = argc > 2 ? atoi(argv[2]) : 1;
    duration_s = argc > 3 ? atof(argv[3]) : 5;
    const char *path = argc > 4 ? argv[4] : "/v1/health";
    const char *type = argc > 6 ? argv[6] : "application/octet-stream";
    double rate = argc > 7 ? atof(argv[7]) : 0;
    if (conns < 1 || duration_s <= 0 || rate < 0) { fprintf(stderr, "bad connections, seconds or rate\n"); return 2; }
    interval_us = rate > 0 ? 1e6 * conns / rate : 0;
    char *body = NULL;
    long body_len = 0;
    if (argc > 5) {
        FILE *f = fopen(argv[5], "rb");
        if (!f) { perror(argv[5]); return 2; }
        fseek(f, 0, SEEK_END);
        body_len = ftell(f);
        rewind(f);
        body = malloc(body_len + 1);
        if (fread(body, 1, body_len, f) != (size_t)body_len) { perror(argv[5]); return 2; }
        fclose(f);
    }
    request = malloc(1024 + body_len);
    request_len = body
        ? (size_t)snprintf(request, 1024, "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: %s\r\nContent-Length: %ld\r\n\r\n",
                           path, type, body_len)
        : (size_t)snprintf(request, 1024, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", path);
    if (body) { memcpy(request + request_len, body, body_len); request_len += body_len; }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    double began = now_us();
    struct worker *ws = calloc(conns, sizeof *ws);
    for (int i = 0; i < conns; i++) {
        ws[i].samples = malloc(sizeof(double) * MAX_SAMPLES / conns + 1024);
        pthread_create(&ws[i].thread, NULL, run, &ws[i]);
    }
    long total = 0, errors = 0, busy = 0, other = 0;
    for (int i = 0; i < conns; i++) {
        pthread_join(ws[i].thread, NULL);
        total += ws[i].count; errors += ws[i].errors; busy += ws[i].busy; other += ws[i].other;
    }
    double elapsed = (now_us() - began) / 1e6;
    double *all = malloc(sizeof(double) * (total + 1));
    long k = 0;
    for (int i = 0; i < conns; i++) { memcpy(all + k, ws[i].samples, ws[i].count * sizeof(double)); k += ws[i].count; }
    qsort(all, total, sizeof(double), cmp);
    printf("connections=%d seconds=%.1f requests=%ld ok=%ld busy503=%ld other=%ld errors=%ld req/s=%.0f p50_us=%.1f p99_us=%.1f\n",
           conns, elapsed, total, total - busy - other, busy, other, errors, total / elapsed,
           total ? all[total / 2] : 0, total ? all[(long)(total * 0.99)] : 0);
    return errors || other ? 1 : 0;
}

// Load client for the daemon's Unix socket: N keep-alive connections, one thread each, each
// sending GET PATH and reading the full response before the next (no pipelining).
// Prints round-trip p50/p99 (µs) and requests per second.
//   cc -O2 -pthread -o loadgen loadgen.c
//   ./loadgen SOCKET [connections=1] [seconds=5] [path=/v1/health]
#define _GNU_SOURCE  // strcasestr
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_SAMPLES 4000000

static const char *sock_path;
static char request[512];
static size_t request_len;
static double duration_s;

struct worker {
    pthread_t thread;
    double *samples;  // microseconds
    long count;
    long errors;
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

// Reads one response; returns 0 on success. Parses Content-Length from the head.
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
        if (have >= total) return strncmp(buf, "HTTP/1.1 200", 12) == 0 ? 0 : 1;
    }
}

static void *run(void *arg) {
    struct worker *w = arg;
    int fd = connect_socket();
    char buf[65536];
    double stop = now_us() + duration_s * 1e6;
    while (now_us() < stop && w->count < MAX_SAMPLES) {
        double t0 = now_us();
        if (write(fd, request, request_len) != (ssize_t)request_len) { w->errors++; break; }
        int rc = read_response(fd, buf, sizeof buf);
        if (rc < 0) { w->errors++; break; }
        if (rc > 0) w->errors++;
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
    if (argc < 2) { fprintf(stderr, "usage: %s SOCKET [connections] [seconds] [path]\n", argv[0]); return 2; }
    sock_path = argv[1];
    int conns = argc > 2 ? atoi(argv[2]) : 1;
    duration_s = argc > 3 ? atof(argv[3]) : 5;
    const char *path = argc > 4 ? argv[4] : "/v1/health";
    request_len = snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n", path);
    struct worker *ws = calloc(conns, sizeof *ws);
    for (int i = 0; i < conns; i++) {
        ws[i].samples = malloc(sizeof(double) * MAX_SAMPLES / conns + 1024);
        pthread_create(&ws[i].thread, NULL, run, &ws[i]);
    }
    long total = 0, errors = 0;
    for (int i = 0; i < conns; i++) { pthread_join(ws[i].thread, NULL); total += ws[i].count; errors += ws[i].errors; }
    double *all = malloc(sizeof(double) * (total + 1));
    long k = 0;
    for (int i = 0; i < conns; i++) { memcpy(all + k, ws[i].samples, ws[i].count * sizeof(double)); k += ws[i].count; }
    qsort(all, total, sizeof(double), cmp);
    printf("connections=%d seconds=%.1f requests=%ld errors=%ld req/s=%.0f p50_us=%.1f p99_us=%.1f\n", conns, duration_s, total, errors,
           total / duration_s, total ? all[total / 2] : 0, total ? all[(long)(total * 0.99)] : 0);
    return errors ? 1 : 0;
}

/*
 * runner.c — standalone driver for the kernel conformance checks (make test-kernels-native /
 * test-kernels-aarch64). Not part of the SwiftPM target (excluded). Exit status = failures != 0.
 * Usage: runner [-q] [-v]   (-v: also print per-activation max errors)
 */
#include "ek_tests.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    int verbose = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-q")) verbose = 0;
        if (!strcmp(argv[i], "-v")) verbose = 2;
    }
    const int failures = ekt_run_all(verbose);
    printf("%s: %d failures, %lld checks\n", failures ? "FAILED" : "PASSED", failures, (long long)ekt_checks_run());
    return failures ? 1 : 0;
}

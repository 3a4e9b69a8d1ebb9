/*
 * softmax.c — ek_softmax_rows entry point and the scalar (libm) softmax / log-softmax row.
 * Rows are independent: max-subtracted exp, sum, then scale (or x - max - log(sum)).
 * The vector rows live next to their exp approximation in activation_<isa>.c.
 */
#include "internal.h"

#include <math.h>

void ek__softmax_row_scalar(const float *x, float *y, int64_t cols, int log_softmax) {
    float mx = -INFINITY;
    for (int64_t i = 0; i < cols; i++) mx = x[i] > mx ? x[i] : mx;
    if (log_softmax) {
        float sum = 0.0f;
        for (int64_t i = 0; i < cols; i++) sum += expf(x[i] - mx);
        const float ls = logf(sum);
        for (int64_t i = 0; i < cols; i++) y[i] = (x[i] - mx) - ls;
    } else {
        float sum = 0.0f;
        for (int64_t i = 0; i < cols; i++) {
            const float e = expf(x[i] - mx);
            y[i] = e;
            sum += e;
        }
        const float inv = 1.0f / sum;
        for (int64_t i = 0; i < cols; i++) y[i] *= inv;
    }
}

void ek_softmax_rows(const float *x, float *y, int64_t rows, int64_t cols, int log_softmax) {
    if (rows <= 0 || cols <= 0) return;
    const ek__softmax_row_fn row = ek__impl()->softmax_row;
    for (int64_t r = 0; r < rows; r++) row(x + r * cols, y + r * cols, cols, log_softmax);
}

/* Umbrella header of the CEdgeKernels module: fp32 kernels, quantized / sparse kernels, training kernels. */
#ifndef CEDGEKERNELS_H
#define CEDGEKERNELS_H
#include "edge_kernels.h"
#include "edge_qkernels.h"
#include "edge_train_kernels.h"
#endif

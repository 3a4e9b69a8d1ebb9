/* Umbrella header of the CEdgeKernels module: fp32 kernels and quantized / sparse kernels. */
#ifndef CEDGEKERNELS_H
#define CEDGEKERNELS_H
#include "edge_kernels.h"
#include "edge_qkernels.h"
#endif

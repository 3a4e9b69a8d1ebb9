import CEdgeKernels

/// Keeps freed activation memory mapped for reuse. A training step allocates activations and
/// gradients of several MB each; with glibc's defaults, blocks that large are mmapped and unmapped
/// per allocation, so every step faults each page in again and the kernel zeroes it (measured on
/// the DS-CNN student: 83 000 page faults, about half the CPU time of a step). `ek_keep_heap`
/// raises the mmap threshold to its maximum (32 MB) and disables heap trimming, so they come from
/// the heap, which stays resident: the next step reuses the same pages. Process-wide; set once by
/// the first `ComputePool`. Tensors above 32 MB (e.g. a large teacher at batch 64) still use mmap.
enum TrainMemory {
    static let configured: Bool = ek_keep_heap(32 << 20) == 0
}

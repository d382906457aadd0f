#ifndef RECOMBINE_CKERNELS_VECTORS_H
#define RECOMBINE_CKERNELS_VECTORS_H
// Vector types and memory helpers shared by the kernels' bodies. Each body is compiled twice: for the baseline
// and, through the target attribute, for AVX2/FMA; 32-byte vectors map to AVX registers or to SSE pairs.

typedef float f32x8 __attribute__((vector_size(32)));
typedef double f64x4 __attribute__((vector_size(32)));
typedef float f32x4 __attribute__((vector_size(16)));

// Unaligned vector loads and stores as macros, not functions: a function taking or returning a 32-byte
// vector would need AVX in its own ABI, and the baseline body shares them.
#define LOADV(V, p) ({ V v_; __builtin_memcpy(&v_, (p), sizeof(V)); v_; })
#define STOREV(p, v) __builtin_memcpy((p), &(v), sizeof(v))
#define ADDV(V, p, v) do { V s_ = LOADV(V, p) + (v); STOREV(p, s_); } while (0)
#define SPLAT8(s) ({ float s_ = (s); (f32x8){s_, s_, s_, s_, s_, s_, s_, s_}; })
#define SPLAT4(s) ({ double s_ = (s); (f64x4){s_, s_, s_, s_}; })

#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#define RECOMBINE_HAS_AVX2_PATH 1
#endif

/// Whether this CPU runs the AVX2/FMA bodies (checked once).
static inline int recombine_cpu_has_avx2_fma(void) {
#ifdef RECOMBINE_HAS_AVX2_PATH
    static int avx2 = -1;
    if (avx2 < 0) {
        __builtin_cpu_init();
        avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return avx2;
#else
    return 0;
#endif
}

/// Defines `void NAME PARAMETERS` running the body (the rest of the arguments, commas and all) compiled twice:
/// for AVX2/FMA when the CPU has them, for the baseline otherwise. PARAMETERS is the parenthesised parameter
/// list, ARGUMENTS the call's.
#ifdef RECOMBINE_HAS_AVX2_PATH
#define RECOMBINE_DISPATCHED_KERNEL(NAME, PARAMETERS, ARGUMENTS, ...)                                         \
    __attribute__((target("avx2,fma"))) static void NAME##_avx2 PARAMETERS { __VA_ARGS__ }                    \
    static void NAME##_generic PARAMETERS { __VA_ARGS__ }                                                     \
    void NAME PARAMETERS {                                                                                    \
        if (recombine_cpu_has_avx2_fma()) NAME##_avx2 ARGUMENTS; else NAME##_generic ARGUMENTS;               \
    }
#else
#define RECOMBINE_DISPATCHED_KERNEL(NAME, PARAMETERS, ARGUMENTS, ...) void NAME PARAMETERS { __VA_ARGS__ }
#endif
#endif

// OpenBLAS's CBLAS interface (with openblas_set_num_threads) and LAPACKE.
// Debian's OpenBLAS is built without LAPACKE, so LAPACKE comes from liblapacke.
#include <cblas.h>
#include <lapacke.h>

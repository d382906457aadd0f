// OpenBLAS's CBLAS interface (with openblas_set_num_threads) and LAPACKE.
// Debian's OpenBLAS is built without LAPACKE, so LAPACKE comes from liblapacke.
#include <cblas.h>
#include <lapacke.h>

// OpenBLAS thread-server entry points (exported by Debian's libopenblas, not declared in cblas.h),
// used to apply OPENBLAS_THREAD_TIMEOUT after start-up: idle BLAS threads then sleep instead of
// spinning and competing with the engine's own parallel loops for the cores.
void openblas_read_env(void);
int blas_thread_init(void);
int blas_thread_shutdown_(void);
